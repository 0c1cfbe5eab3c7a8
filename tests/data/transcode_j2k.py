#!/usr/bin/env python3
"""Rewrites every DICOM file of a folder as JPEG 2000 Lossless with GDCM
(an independent encoder), for the tests of Vigie's JPEG 2000 decoding.

    transcode_j2k.py IN_DIR OUT_DIR
"""
import os
import sys

import gdcm


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    count = 0
    for name in sorted(os.listdir(src)):
        if not name.endswith(".dcm"):
            continue
        reader = gdcm.ImageReader()
        reader.SetFileName(os.path.join(src, name))
        if not reader.Read():
            sys.exit(f"{name}: GDCM cannot read it")
        change = gdcm.ImageChangeTransferSyntax()
        change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEG2000Lossless))
        change.SetInput(reader.GetImage())
        if not change.Change():
            sys.exit(f"{name}: GDCM cannot encode it as JPEG 2000")
        writer = gdcm.ImageWriter()
        writer.SetFileName(os.path.join(dst, name))
        writer.SetFile(reader.GetFile())
        writer.SetImage(change.GetOutput())
        if not writer.Write():
            sys.exit(f"{name}: GDCM cannot write it")
        count += 1
    print(f"{count} files as JPEG 2000 Lossless")


if __name__ == "__main__":
    main()
