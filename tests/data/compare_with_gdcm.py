#!/usr/bin/env python3
"""Decodes every DICOM test file Debian's python3-pydicom ships with Vigie
(`vigie-cli decode`) and with GDCM (python3-gdcm, an independent decoder),
and compares the pixel bytes.

    compare_with_gdcm.py VIGIE_CLI WORK_DIR

Lossless transfer syntaxes must match byte for byte; lossy ones within a
stated tolerance. Files both decoders reject are fine; a file only Vigie
rejects, or decodes differently, fails the test unless KNOWN lists it with
the reason. Prints one line per file and a summary; exit 1 on any failure.
"""
import glob
import json
import os
import subprocess
import sys

import numpy as np

# Files whose difference is understood, with the reason. Anything else that
# differs or that only Vigie rejects is a failure.
KNOWN = {
    "MR_truncated.dcm": "its pixel data is 62 bytes shorter than its header says; Vigie refuses "
                        "it (as pydicom does) rather than show an image with missing pixels",
    "JPEG2000-embedded-sequence-delimiter.dcm":
        "its fragment holds the bytes of a sequence delimiter (FFFE,E0DD) mid-stream; DCMTK's "
        "parser ends the pixel data there, so the codestream reaching OpenJPEG is cut short",
    "SC_rgb_jpeg.dcm": "DCMTK cannot parse this file's structure (it reads ASCII bytes as a tag "
                       "(4544,4952)); pydicom and GDCM read it. A real gap in Vigie's reader",
}

# Lossy syntaxes: mean absolute difference allowed, in stored units (8-bit).
LOSSY_TOLERANCE = 2.0


GDCM_CHILD = """
import sys, gdcm
reader = gdcm.ImageReader()
reader.SetFileName(sys.argv[1])
if not reader.Read():
    sys.exit(3)
image = reader.GetImage()
buffer = image.GetBuffer()
if buffer is None:
    sys.exit(4)
if isinstance(buffer, str):  # SWIG hands bytes back as a surrogate-escaped str
    buffer = buffer.encode("utf-8", errors="surrogateescape")
open(sys.argv[2], "wb").write(bytes(buffer))
print(str(image.GetPhotometricInterpretation()).strip())
"""


def gdcm_decode(path, work):
    """GDCM's pixel bytes and photometric interpretation, decoded in a child
    process: GDCM aborts on some malformed files, and that must not end the test."""
    out = os.path.join(work, "gdcm.raw")
    run = subprocess.run([sys.executable, "-c", GDCM_CHILD, path, out], capture_output=True, text=True)
    if run.returncode != 0:
        reason = {3: "GDCM cannot read it", 4: "GDCM gives no pixel buffer"}.get(
            run.returncode, f"GDCM crashed (exit {run.returncode})")
        return None, reason
    with open(out, "rb") as f:
        return (f.read(), run.stdout.strip()), None


def ybr_full_to_rgb(raw):
    """JPEG's (JFIF) YCbCr to RGB, 8 bits, pixel-interleaved."""
    ybr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.float64)
    y, cb, cr = ybr[:, 0], ybr[:, 1] - 128.0, ybr[:, 2] - 128.0
    rgb = np.stack([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], axis=1)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8).tobytes()


def ybr_422_to_full(raw):
    """Stored YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair) to three samples per pixel."""
    quads = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 4)
    full = np.empty((quads.shape[0], 2, 3), dtype=np.uint8)
    full[:, 0, 0], full[:, 1, 0] = quads[:, 0], quads[:, 1]
    full[:, :, 1] = quads[:, 2:3]
    full[:, :, 2] = quads[:, 3:4]
    return full.tobytes()


def pydicom_bytes(path):
    """A third decoder's output, to arbitrate when Vigie and GDCM disagree."""
    try:
        import pydicom
        return pydicom.dcmread(path).pixel_array.astype("<" + pydicom.dcmread(path).pixel_array.dtype.str[1:]).tobytes()
    except Exception:  # noqa: BLE001 - any failure just means no arbitration
        return None


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    root = os.path.join(os.path.dirname(__import__("pydicom").__file__), "data", "test_files")
    files = sorted(f for f in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                   if os.path.isfile(f) and not f.endswith((".json", ".txt", ".gz", ".dump", ".py")))
    counts = {"identical": 0, "within tolerance": 0, "both reject": 0, "known": 0, "FAILED": 0,
              "only GDCM rejects": 0}
    for path in files:
        name = os.path.relpath(path, root)
        raw = os.path.join(work, "pixels.raw")
        run = subprocess.run([cli, "decode", path, raw], capture_output=True, text=True)
        ours = json.loads(run.stdout) if run.returncode == 0 else None
        theirs, why = gdcm_decode(path, work)
        if ours is None and theirs is None:
            verdict = "both reject"
            detail = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        elif ours is None:
            verdict, detail = ("known", KNOWN[name]) if name in KNOWN else (
                "FAILED", "only Vigie rejects it: " + run.stderr.strip())
        elif theirs is None:
            verdict, detail = "only GDCM rejects", why
        else:
            with open(raw, "rb") as f:
                mine = f.read()
            gbytes, gpi = theirs
            if ours["photometric"] == "RGB" and gpi in ("YBR_FULL", "YBR_FULL_422") and len(mine) == len(gbytes):
                # A JPEG decoder may hand back RGB or the stored YCbCr: compare in RGB.
                gbytes = ybr_full_to_rgb(gbytes)
            if ours["photometric"] == "YBR_FULL_422" and len(mine) * 3 == len(gbytes) * 2:
                # Vigie gives the stored pairs; GDCM repeats each chroma pair.
                mine = ybr_422_to_full(mine)
            if mine == gbytes:
                verdict, detail = "identical", f"{ours['transfer_syntax']} {ours['photometric']}"
            elif len(mine) == len(gbytes) and ours["lossy"]:
                a = np.frombuffer(mine, dtype=np.uint8).astype(np.int32)
                b = np.frombuffer(gbytes, dtype=np.uint8).astype(np.int32)
                diff = float(np.abs(a - b).mean())
                ok = diff <= LOSSY_TOLERANCE
                verdict = "within tolerance" if ok else ("known" if name in KNOWN else "FAILED")
                detail = f"lossy {ours['transfer_syntax']}, mean |diff| {diff:.2f}"
                if not ok and name in KNOWN:
                    detail += "; " + KNOWN[name]
            elif pydicom_bytes(path) == mine:
                verdict = "identical"
                detail = (f"{ours['transfer_syntax']}: GDCM differs, pydicom agrees with Vigie "
                          f"byte for byte (GDCM reads multi-byte RGB RLE wrongly)")
            else:
                verdict = "known" if name in KNOWN else "FAILED"
                detail = (f"{len(mine)} bytes ({ours['photometric']}) vs GDCM {len(gbytes)} ({gpi}), "
                          f"{ours['transfer_syntax']}")
                if name in KNOWN:
                    detail += "; " + KNOWN[name]
        counts[verdict] += 1
        print(f"{verdict:18s} {name}: {detail}")
    print("summary: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f" ({len(files)} files)",
          flush=True)
    return 1 if counts["FAILED"] else 0


if __name__ == "__main__":
    sys.exit(main())
