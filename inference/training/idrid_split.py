#!/usr/bin/env python3
"""Splits the real IDRiD fundus photographs (../shared/data/fundus-idrid-512)
into training, calibration and held-out test parts, by photograph, with a
fixed seed, and writes the labels CSVs that `vigie-cli eval dr --labels` and
the training recipe read.

    idrid_split.py --data ../shared/data/fundus-idrid-512 --out inference/training/data

Each part keeps the proportion of DR and no-retinopathy photographs. The test
part is seen by no training step (neither the weights nor the calibration nor
the operating threshold); the calibration part fits the score calibration and
the threshold only. The CSVs hold file names and labels, never pixels: the
photographs stay in ../shared and out of the repository.

Columns: file, referable (1: the photograph shows DR with visible lesions,
0: no apparent retinopathy), gradable (all 143 are of diagnostic quality),
mask_ma, mask_he, mask_ex, mask_se (expert lesion masks, empty when the
photograph has none of that kind; a no-retinopathy photograph has no lesion
of any kind).
"""
import argparse
import csv
import os

import numpy as np

SEED = 14
PARTS = (("test", 0.35), ("calibration", 0.15), ("train", 0.50))
LESIONS = ("MA", "HE", "EX", "SE")


def rows_for(data, files, referable):
    rows = []
    for f in files:
        stem = os.path.splitext(f)[0]
        row = {"file": f"images/{f}", "referable": referable, "gradable": 1}
        for kind in LESIONS:
            mask = f"lesion-masks/{stem}_{kind}.jpg"
            row[f"mask_{kind.lower()}"] = mask if os.path.exists(os.path.join(data, mask)) else ""
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    images = sorted(os.listdir(os.path.join(args.data, "images")))
    lesion = [f for f in images if not f.startswith("IDRiD_NAR_")]
    normal = [f for f in images if f.startswith("IDRiD_NAR_")]
    if not lesion or not normal:
        raise SystemExit(f"{args.data}/images: expected IDRiD_NN.jpg and IDRiD_NAR_NNN.jpg photographs")
    rng = np.random.default_rng(SEED)
    parts = {name: [] for name, _ in PARTS}
    for files, referable in ((lesion, 1), (normal, 0)):
        order = [files[i] for i in rng.permutation(len(files))]
        start = 0
        for k, (name, fraction) in enumerate(PARTS):
            end = len(order) if k == len(PARTS) - 1 else start + round(fraction * len(order))
            parts[name] += rows_for(args.data, sorted(order[start:end]), referable)
            start = end
    os.makedirs(args.out, exist_ok=True)
    columns = ["file", "referable", "gradable"] + [f"mask_{k.lower()}" for k in LESIONS]
    for name, rows in parts.items():
        path = os.path.join(args.out, f"idrid-{name}.csv")
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        positives = sum(r["referable"] for r in rows)
        print(f"{path}: {len(rows)} photographs, {positives} with DR, {len(rows) - positives} without")


if __name__ == "__main__":
    main()
