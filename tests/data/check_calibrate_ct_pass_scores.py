#!/usr/bin/env python3
"""Checks calibrate_ct.py --pass-scores on made-up candidates of a model that
reads the scan twice: every candidate peaks alike in the combined map, the
nodules in both passes, the false positives in the second pass only, so only
the first pass's score tells them apart. Exits non-zero, naming the check, on
the first failure."""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training",
                      "calibrate_ct.py")
SHAPE = [f"shape_2mm_{v}" for v in ("l1", "l2", "l3", "dot", "line")]


def check(condition, what):
    if not condition:
        sys.exit(f"check_calibrate_ct_pass_scores: FAILED: {what}")
    print(f"ok: {what}")


def write_candidates(path, with_passes):
    rng = np.random.default_rng(5)
    columns = ["case", "score", "uncalibrated_score", "diameter_mm", "on_nodule", "nodule_diameter_mm", "nodule"]
    columns += SHAPE + (["pass_1_score", "pass_2_score"] if with_passes else [])
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for n in range(400):
            nodule = n % 4 == 0
            peak = float(rng.uniform(0.3, 0.99))
            first = peak if nodule else float(rng.uniform(0.01, 0.1))
            row = [f"case_{n % 10:03d}", peak, peak, 5.0, int(nodule), 5.0 if nodule else 0, 1 if nodule else 0]
            row += list(rng.normal(0, 1, len(SHAPE)))
            out.writerow(row + ([first, peak] if with_passes else []))


def calibrate(manifest, candidates, *flags):
    return subprocess.run([sys.executable, SCRIPT, manifest, candidates, "--scans", "10", "--shape", *flags],
                          capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    manifest = os.path.join(tmp, "manifest.json")
    candidates = os.path.join(tmp, "candidates.csv")
    write_candidates(candidates, with_passes=True)
    with open(manifest, "w") as f:
        json.dump({"id": "made-up"}, f)

    run = calibrate(manifest, candidates, "--pass-scores")
    check(run.returncode == 0, f"fits with --pass-scores ({run.stderr.strip()})")
    with open(manifest) as f:
        entry = json.load(f)["calibration"]["candidate"]
    weights = entry.get("pass_score_weights", [])
    check(entry["method"] == "platt-shape" and len(entry["shape_weights"]) == 5,
          "a platt-shape calibration with its 5 shape weights")
    check(len(weights) == 2, "one weight per pass")
    check(weights[0] > 0.5 and weights[0] > abs(weights[1]),
          f"the first pass's score, which tells nodules apart, weighs most ({weights})")
    check("pass score weights" in run.stdout, "the summary names the pass weights")

    run = calibrate(manifest, candidates)
    with open(manifest) as f:
        entry = json.load(f)["calibration"]["candidate"]
    check(run.returncode == 0 and "pass_score_weights" not in entry, "without --pass-scores, no pass weights")

    write_candidates(candidates, with_passes=False)
    run = calibrate(manifest, candidates, "--pass-scores")
    check(run.returncode != 0 and "no pass_<n>_score columns" in run.stderr,
          "candidates of a model read once are refused, naming the missing columns")

print("check_calibrate_ct_pass_scores: all passed")
