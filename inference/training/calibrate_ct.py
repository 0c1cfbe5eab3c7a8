#!/usr/bin/env python3
"""Calibrates a CT nodule bundle's candidate scores and sets its operating
threshold, from `vigie-cli eval nodules` run on calibration phantoms that no
training step saw (their candidates.csv).

    calibrate_ct.py MANIFEST CANDIDATES_CSV --scans N [--false-positives-per-scan F]

- calibration.candidate: Platt scaling of the heatmap peak score into the
  probability that a candidate lies on a nodule. The detector's sigmoid
  saturates (many peaks at 0.9999+); Platt on the logit spreads them again.
- thresholds.candidate: the lowest calibrated score at which the calibration
  scans have at most F false positives each (default 0.25), so the operating
  point is chosen on phantoms, never on the real evaluation scan.

Only the manifest changes; the weights and their SHA-256 stay as they are.
"""
import argparse
import csv
import json

import numpy as np

from calibration import apply_platt, fit_platt


def read_candidates(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no candidates")
    raw = np.array([float(r["uncalibrated_score"]) for r in rows])
    on_nodule = np.array([int(r["on_nodule"]) for r in rows])
    return raw, on_nodule


def operating_threshold(scores, on_nodule, scans, false_positives_per_scan):
    """The lowest threshold among the scores that keeps false positives per
    scan at or under the target (a candidate on a nodule is never one)."""
    order = np.argsort(-scores)
    allowed = false_positives_per_scan * scans
    false_positives, threshold = 0, 1.0
    for i in order:
        false_positives += 0 if on_nodule[i] else 1
        if false_positives > allowed:
            break
        threshold = scores[i]
    return float(threshold)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("candidates")
    parser.add_argument("--scans", type=int, required=True, help="how many scans the candidates come from")
    parser.add_argument("--false-positives-per-scan", type=float, default=0.25)
    parser.add_argument("--fitted-on", default="calibration phantoms")
    args = parser.parse_args()

    raw, on_nodule = read_candidates(args.candidates)
    slope, intercept = fit_platt(raw, on_nodule, clip=1e-7, slopes=(0.02, 3.0), intercepts=(-8.0, 8.0))
    calibrated = apply_platt(raw, slope, intercept)
    threshold = operating_threshold(calibrated, on_nodule, args.scans, args.false_positives_per_scan)
    # Round down, so the scan that set it stays at or under its target.
    threshold = float(np.floor(threshold * 1000) / 1000)

    with open(args.manifest) as f:
        manifest = json.load(f)
    manifest.setdefault("calibration", {})["candidate"] = {
        "method": "platt",
        "slope": round(slope, 4),
        "intercept": round(intercept, 4),
        "fitted_on": f"{len(raw)} candidates ({int(on_nodule.sum())} on nodules) of {args.scans} {args.fitted_on}",
    }
    manifest.setdefault("thresholds", {})["candidate"] = threshold
    with open(args.manifest, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    saturated = int((raw >= 0.99999).sum())
    print(f"{args.manifest}: Platt slope {slope:.4f}, intercept {intercept:.4f} on {len(raw)} candidates "
          f"({int(on_nodule.sum())} on nodules, {saturated} saturated); operating threshold {threshold:.3f} "
          f"(at most {args.false_positives_per_scan} false positives per calibration scan)")


if __name__ == "__main__":
    main()
