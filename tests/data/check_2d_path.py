#!/usr/bin/env python3
"""Every DICOM test file of Debian's python3-pydicom either opens in Vigie (as a
volume or on the 2D path), is listed as a document (an object without an
image: SR, RT Plan ...), or is refused with a reason that names the file.

    check_2d_path.py VIGIE_CLI WORK_DIR

For each image `vigie-cli convert FILE OUT.nii` must succeed; on the 2D path
its NIfTI values are compared with pydicom's (the arbiter, decoding through
its numpy, RLE and GDCM handlers): grey as modality values (Rescale, and
Dose Grid Scaling for RT Dose), colour as 8-bit RGB. Lossless files must
match exactly; lossy ones within LOSSY_TOLERANCE. A PNG of the first frame is
written next to each NIfTI, to look at. One line per file, a summary, exit 1
on any failure.

Where dcm2niix is installed, each file is also given to it: every file
dcm2niix converts, Vigie must convert too (or REFUSED says why not).
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

# Images Vigie refuses, with the reason; the refusal must name the file.
REFUSED = {
    "MR_truncated.dcm": "pixel data shorter than the header says",
    "JPEG2000-embedded-sequence-delimiter.dcm": "DCMTK ends the pixel data at a delimiter inside "
                                                "the codestream",
    "SC_rgb_jpeg.dcm": "DCMTK cannot parse this file's structure",
}
LOSSY_TOLERANCE = 2.0  # mean |difference|, 8-bit units


def read_nifti(path):
    """The data of a NIfTI-1 file Vigie wrote (float32 or RGB24), frames first."""
    with open(path, "rb") as f:
        raw = f.read()
    dims = np.frombuffer(raw[40:56], dtype="<i2")
    datatype = int(np.frombuffer(raw[70:72], dtype="<i2")[0])
    offset = int(np.frombuffer(raw[108:112], dtype="<f4")[0])
    columns, rows = int(dims[1]), int(dims[2])
    frames = int(dims[4]) if dims[0] >= 4 else (int(dims[3]) if dims[0] == 3 else 1)
    if datatype == 128:
        return np.frombuffer(raw[offset:], dtype=np.uint8).reshape(frames, rows, columns, 3)
    if datatype == 16:
        return np.frombuffer(raw[offset:], dtype="<f4").reshape(frames, rows, columns)
    if datatype == 4:
        return np.frombuffer(raw[offset:], dtype="<i2").reshape(frames, rows, columns)
    raise ValueError(f"{path}: datatype {datatype}")


def pydicom_reference(path):
    """What the 2D path must show, by pydicom: modality values or 8-bit RGB."""
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut, convert_color_space

    ds = pydicom.dcmread(path, force=True)
    array = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    photometric = ds.PhotometricInterpretation
    if ds.SamplesPerPixel == 1 and photometric != "PALETTE COLOR":
        values = apply_modality_lut(array, ds).astype(np.float64)
        if ds.get("Modality") == "RTDOSE" and "DoseGridScaling" in ds:
            values = values * float(ds.DoseGridScaling)
        return values.reshape(frames, ds.Rows, ds.Columns), False
    if photometric.startswith("YBR_FULL"):
        array = convert_color_space(array, photometric, "RGB")
    stored = int(ds.BitsStored)
    if stored > 8:
        array = array >> (stored - 8)
    return array.astype(np.uint8).reshape(frames, ds.Rows, ds.Columns, 3), True


def check_image(cli, path, work, name, lossy):
    out = os.path.join(work, name.replace(".dcm", ".nii"))
    run = subprocess.run([cli, "convert", path, out], capture_output=True, text=True)
    if run.returncode != 0:
        return False, "convert failed: " + run.stderr.strip()
    subprocess.run([cli, "convert", path, out.replace(".nii", ".png")], capture_output=True)
    ours = read_nifti(out)
    try:
        reference, color = pydicom_reference(path)
    except Exception as error:  # noqa: BLE001 - pydicom cannot decode every syntax
        return True, f"converted ({ours.shape}); pydicom cannot decode it to compare: {error}"
    if ours.size != reference.size:
        # A volume stacks slices in space; a single-slice volume has the same values.
        return False, f"{ours.shape} values, pydicom {reference.shape}"
    a = ours.astype(np.float64).ravel()
    b = reference.astype(np.float64).ravel()
    if lossy:
        diff = float(np.abs(a - b).mean())
        return diff <= LOSSY_TOLERANCE, f"lossy, mean |diff| {diff:.2f} ({'RGB' if color else 'grey'})"
    worst = float(np.abs(a - b).max()) if a.size else 0.0
    scale = max(1.0, float(np.abs(b).max()))
    return worst <= 1e-5 * scale, f"max |diff| {worst:.3g} ({'RGB' if color else 'grey'})"


def dcm2niix_converts(path):
    """Whether dcm2niix writes a NIfTI for this file alone; None without dcm2niix."""
    if not shutil.which("dcm2niix"):
        return None
    with tempfile.TemporaryDirectory() as work:
        source, out = os.path.join(work, "in"), os.path.join(work, "out")
        os.makedirs(source)
        os.makedirs(out)
        shutil.copy(path, source)
        subprocess.run(["dcm2niix", "-z", "n", "-b", "n", "-f", "x", "-o", out, source],
                       capture_output=True)
        return any(name.endswith(".nii") for name in os.listdir(out))


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    root = os.path.join(os.path.dirname(__import__("pydicom").__file__), "data", "test_files")
    files = sorted(glob.glob(os.path.join(root, "*.dcm")))
    counts = {"volume": 0, "2d": 0, "document": 0, "refused": 0, "not DICOM": 0, "FAILED": 0}
    theirs = ours = 0
    for path in files:
        name = os.path.basename(path)
        run = subprocess.run([cli, "info", path, "--json"], capture_output=True, text=True)
        report = json.loads(run.stdout)
        if report["series"]:
            series = report["series"][0]
            lossy = any(ts in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51",
                               "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.81")
                        for ts in series["transfer_syntaxes"])
            ok, detail = check_image(cli, path, work, name, lossy)
            if not ok and name in REFUSED and path in detail:
                verdict, detail = "refused", detail + " (known: " + REFUSED[name] + ")"
            else:
                verdict = series["view"] if ok else "FAILED"
            if series["view"] == "2d":
                detail = series["view_reason"].replace(path, name) + "; " + detail
        elif report["documents"]:
            verdict, detail = "document", report["documents"][0]["kind"]
        elif report["unreadable"]:
            reason = report["unreadable"][0]["reason"]
            verdict = "refused" if reason else "FAILED"
            detail = reason
        else:
            verdict, detail = "not DICOM", "skipped as not DICOM (no preamble, not a dataset)"
        converted = verdict in ("volume", "2d")
        baseline = dcm2niix_converts(path)
        if baseline:
            theirs += 1
            ours += converted
            if not converted and name not in REFUSED:
                verdict, detail = "FAILED", detail + "; dcm2niix converts it, Vigie does not"
        counts[verdict] += 1
        print(f"{verdict:9s} {name}: {detail}", flush=True)
    print("summary: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f" ({len(files)} files)")
    if shutil.which("dcm2niix"):
        print(f"dcm2niix converts {theirs} of them; Vigie converts {ours} of those "
              f"and {counts['volume'] + counts['2d']} in all")
    return 1 if counts["FAILED"] else 0


if __name__ == "__main__":
    sys.exit(main())
