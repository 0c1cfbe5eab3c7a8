#!/usr/bin/env python3
"""Writes ungradable versions of real fundus photographs, for judging a DR
model's quality gate on real backgrounds.

    degrade_fundus.py --data DIR --labels CSV --out OUT [--seed S]

Each photograph listed in CSV (an idrid_split.py labels file; use the held-out
test part) is written once per quality fault of fundus_augment.py (defocus,
under- and over-exposure, lid shadow, small pupil, off-centre field) as PNG in
OUT, with OUT/labels.csv (gradable 0, referable as the source) for
`vigie-cli eval dr --labels`. The faults are the severe ones training
simulates on the training part's photographs: this measures whether the gate
learnt them on backgrounds it never saw, not whether it knows real ungradable
photographs (none with labels is available here).
"""
import argparse
import csv
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fundus_augment import DEGRADATIONS, degrade  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(args.labels, newline="") as f:
        rows = list(csv.DictReader(f))
    out_rows = []
    for row in rows:
        photo = np.asarray(Image.open(os.path.join(args.data, row["file"])).convert("RGB"), dtype=np.float32) / 255
        image = torch.from_numpy(photo).permute(2, 0, 1).contiguous()
        stem = os.path.splitext(os.path.basename(row["file"]))[0]
        for kind in DEGRADATIONS:
            faulty = degrade(image, rng, kind).clamp(0, 1)
            name = f"{stem}_{kind}.png"
            Image.fromarray((faulty.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(
                os.path.join(args.out, name))
            out_rows.append({"file": name, "referable": row["referable"], "gradable": 0})
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "referable", "gradable"], lineterminator="\n")
        w.writeheader()
        w.writerows(out_rows)
    print(f"{args.out}: {len(out_rows)} ungradable photographs from {len(rows)}")


if __name__ == "__main__":
    main()
