#!/usr/bin/env python3
"""Measures whether a DR model reads a photograph the same way when another
camera or archive would have made it differently.

    camera_shift_fundus.py --data DIR --labels CSV --model BUNDLE --vigie-cli CLI --out OUT

Each photograph listed in CSV (an idrid_split.py labels file: use the
held-out test part) is written again once per shift below, none of which
changes what an ophthalmologist would read in it; `vigie-cli eval dr` then
reads the photographs as they are and under each shift. For every shift the
script counts the photographs whose referable call (at the model's operating
threshold) differs from the call on the same photograph as it is, the mean
absolute change of the referable probability, and the photographs called
ungradable; it prints a table and writes OUT/metrics.json (totals over the
shifts, and each shift's figures with its AUC, sensitivity and specificity).

The shifts are what differs between fundus cameras and archives: the
resolution and framing of the frame, a field of view cut by every side of
it, colour balance, exposure, JPEG compression, in-camera sharpening, a
low-resolution sensor, the eye's rotation and a left eye for a right one.
They are fixed, not drawn, so two models are compared on the same
photographs. Photographs of real other cameras are the real test; none with
labels is available here, so this measures the part of that gap that can be
simulated, and says nothing of what cannot (other populations, other
pathologies, other optics).
"""
import argparse
import csv
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fundus_augment import jpeg_saved  # noqa: E402
from train_fundus_dr import GRAY_LEVEL_FOV  # noqa: E402


def _inside_field(photo, scaled):
    """`scaled` (float RGB) clipped to 8 bits, dark outside `photo`'s field of view."""
    inside = (np.asarray(photo).max(axis=2) > GRAY_LEVEL_FOV)[..., None]
    return Image.fromarray((np.clip(scaled, 0, 255) * inside + 0.5).astype(np.uint8))


def color_gains(photo, gains):
    return _inside_field(photo, np.asarray(photo, dtype=np.float32) * np.asarray(gains, np.float32))


def pale(photo):
    """Brighter mid-tones and 30 % less saturation: a flash set high, a washed-out sensor."""
    rgb = (np.asarray(photo, dtype=np.float32) / 255.0) ** 0.75
    gray = rgb.mean(axis=2, keepdims=True)
    return _inside_field(photo, (gray + (rgb - gray) * 0.7) * 255.0)


def on_canvas(photo, canvas_size, fill):
    """`photo` scaled to `fill` of the canvas's height (or width, if that is
    tighter) and centred on a black canvas."""
    cw, ch = canvas_size
    scale = min(ch * fill / photo.height, cw * fill / photo.width)
    size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    canvas = Image.new("RGB", canvas_size)
    canvas.paste(photo.resize(size, Image.BICUBIC), ((cw - size[0]) // 2, (ch - size[1]) // 2))
    return canvas


def cropped_square(photo):
    """The central square of 86 % of the shorter side: the field of view cut on every side."""
    side = round(min(photo.size) * 0.86)
    left, top = (photo.width - side) // 2, (photo.height - side) // 2
    return photo.crop((left, top, left + side, top + side))


def low_resolution(photo):
    """A 200-pixel sensor's photograph, scaled up to 1024 pixels as a viewer would."""
    scale = 200.0 / max(photo.size)
    small = photo.resize((max(1, round(photo.width * scale)), max(1, round(photo.height * scale))), Image.BILINEAR)
    return small.resize((round(small.width * 1024 / 200), round(small.height * 1024 / 200)), Image.BICUBIC)


SHIFTS = {
    # a 3504 x 2336 camera (the size of the HRF database's), saved as a good JPEG (below)
    "full_size_3504": lambda p: on_canvas(p, (3504, 2336), 1.0),
    "framed_640x480": lambda p: on_canvas(p, (640, 480), 0.83),
    "field_cut_square": cropped_square,
    "warm": lambda p: color_gains(p, (1.1, 0.9, 0.7)),
    "green": lambda p: color_gains(p, (0.85, 1.15, 1.2)),
    "pale": pale,
    "darker": lambda p: color_gains(p, (0.75, 0.75, 0.75)),
    "jpeg_q40": lambda p: jpeg_saved(p, 40),
    "sharpened": lambda p: p.filter(ImageFilter.UnsharpMask(radius=2, percent=120, threshold=2)),
    "low_resolution": low_resolution,
    "rotated_12": lambda p: p.rotate(12, resample=Image.BICUBIC),
    "mirrored": lambda p: p.transpose(Image.FLIP_LEFT_RIGHT),
}


# Shifts saved as the camera would save them (JPEG quality); the others as PNG, losslessly.
SAVED_AS_JPEG = {"full_size_3504": 92}


def write_shift(rows, data, name, folder):
    os.makedirs(folder, exist_ok=True)
    out = []
    for row in rows:
        path = os.path.join(data, row["file"])
        try:
            photo = Image.open(path).convert("RGB")
        except OSError as e:
            sys.exit(f"{path}: cannot be read as a photograph ({e})")
        stem = os.path.splitext(os.path.basename(row["file"]))[0]
        if name in SAVED_AS_JPEG:
            file = stem + ".jpg"
            SHIFTS[name](photo).save(os.path.join(folder, file), quality=SAVED_AS_JPEG[name])
        else:
            file = stem + ".png"
            SHIFTS[name](photo).save(os.path.join(folder, file))
        out.append({"file": file, "referable": row["referable"], "gradable": row.get("gradable", "1")})
    with open(os.path.join(folder, "labels.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "referable", "gradable"], lineterminator="\n")
        w.writeheader()
        w.writerows(out)


def evaluate(cli, model, data, labels, out):
    command = [cli, "eval", "dr", "--data", data, "--labels", labels, "--model", model, "--out", out,
               "--bootstrap", "0"]
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit(f"{data}: vigie-cli eval dr failed (its message is above)")
    with open(os.path.join(out, "metrics.json")) as f:
        metrics = json.load(f)
    with open(os.path.join(out, "predictions.csv"), newline="") as f:
        calls = {os.path.splitext(r["file"])[0]: r for r in csv.DictReader(f)}
    return metrics, calls


def compare(reference, shifted, threshold):
    changes, flips, ungradable = [], 0, 0
    for stem, ref in reference.items():
        row = shifted[stem]
        before, after = float(ref["referable_probability"]), float(row["referable_probability"])
        changes.append(abs(after - before))
        flips += (before >= threshold) != (after >= threshold)
        ungradable += row["predicted_gradable"] == "0"
    return {"referable_calls_changed": flips, "mean_abs_change": float(np.mean(changes)),
            "called_ungradable": ungradable}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--vigie-cli", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    with open(args.labels, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{args.labels}: no photographs listed")
    if not {"file", "referable"} <= set(rows[0]):
        sys.exit(f"{args.labels}: needs the columns file and referable (idrid_split.py's labels)")
    stems = [os.path.splitext(os.path.basename(r["file"]))[0] for r in rows]
    repeated = sorted({stem for stem in stems if stems.count(stem) > 1})
    if repeated:
        sys.exit(f"{args.labels}: photographs share a name, and the shifted copies would too: {', '.join(repeated)}")
    base, reference = evaluate(args.vigie_cli, args.model, args.data, args.labels,
                               os.path.join(args.out, "as-photographed-result"))
    threshold = base["operating_threshold"]
    shifts = {}
    print(f"{len(rows)} photographs; referable calls at {threshold:.2f} against the photographs as they are")
    print(f"{'shift':18s} {'calls changed':>13s} {'mean |change|':>13s} {'ungradable':>10s} {'AUC':>6s} "
          f"{'sens.':>6s} {'spec.':>6s}")
    for name in SHIFTS:
        folder = os.path.join(args.out, name)
        write_shift(rows, args.data, name, folder)
        metrics, calls = evaluate(args.vigie_cli, args.model, folder, os.path.join(folder, "labels.csv"),
                                  folder + "-result")
        figures = compare(reference, calls, threshold)
        for key in ("referable_roc_auc", "sensitivity", "specificity"):
            figures[key] = metrics.get(key)
        shifts[name] = figures
        print(f"{name:18s} {figures['referable_calls_changed']:13d} {figures['mean_abs_change']:13.3f} "
              f"{figures['called_ungradable']:10d} {figures['referable_roc_auc'] or 0:6.3f} "
              f"{figures['sensitivity'] or 0:6.3f} {figures['specificity'] or 0:6.3f}")
    totals = {
        "photographs": len(rows),
        "shifts": len(shifts),
        "operating_threshold": threshold,
        "referable_calls_changed": sum(s["referable_calls_changed"] for s in shifts.values()),
        "mean_abs_change": float(np.mean([s["mean_abs_change"] for s in shifts.values()])),
        "called_ungradable": sum(s["called_ungradable"] for s in shifts.values()),
        "as_photographed_called_ungradable": base["gradable_called_ungradable"],
        "by_shift": shifts,
    }
    print(f"{'all':18s} {totals['referable_calls_changed']:13d} {totals['mean_abs_change']:13.3f} "
          f"{totals['called_ungradable']:10d}   (of {len(rows) * len(shifts)} shifted photographs)")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(totals, f, indent=2)


if __name__ == "__main__":
    main()
