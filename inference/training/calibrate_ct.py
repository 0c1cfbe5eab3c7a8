#!/usr/bin/env python3
"""Calibrates a CT nodule bundle's candidate scores and sets its operating
threshold, from `vigie-cli eval nodules` run on calibration phantoms that no
training step saw (their candidates.csv).

    calibrate_ct.py MANIFEST CANDIDATES_CSV --scans N [--false-positives-per-scan F]
    calibrate_ct.py MANIFEST --strip

- calibration.candidate: Platt scaling of the heatmap peak score, with the
  candidate's size as a second feature, into the probability that a
  candidate lies on a nodule. The detector's sigmoid saturates (many peaks at
  0.9999+); Platt on the logit spreads them again. The size term is there
  because the peak alone under-rates masses: a large blob peaks lower than a
  small nodule, yet is rarely a false positive.
- --strip removes the calibration and the operating threshold, so that
  `vigie-cli eval nodules` lists every candidate by its raw score (what the
  fit needs) instead of those a previous calibration keeps.
- thresholds.candidate: the lowest calibrated score at which the calibration
  scans have at most F false positives each (default 0.25), so the operating
  point is chosen on phantoms, never on the real evaluation scan.

Only the manifest changes; the weights and their SHA-256 stay as they are.
"""
import argparse
import csv
import json

import numpy as np

from calibration import apply_sized_platt, fit_sized_platt


def read_candidates(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no candidates")
    if "diameter_mm" not in rows[0]:
        raise SystemExit(f"{path}: no diameter_mm column (written by an older vigie-cli eval nodules)")
    raw = np.array([float(r["uncalibrated_score"]) for r in rows])
    diameters = np.array([float(r["diameter_mm"]) for r in rows])
    on_nodule = np.array([int(r["on_nodule"]) for r in rows])
    return raw, diameters, on_nodule


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


def read_manifest(path):
    with open(path) as f:
        return json.load(f)


def write_manifest(path, manifest):
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("candidates", nargs="?")
    parser.add_argument("--strip", action="store_true", help="remove the candidate calibration and threshold")
    parser.add_argument("--scans", type=int, help="how many scans the candidates come from")
    parser.add_argument("--false-positives-per-scan", type=float, default=0.25)
    parser.add_argument("--fitted-on", default="calibration phantoms")
    args = parser.parse_args()

    manifest = read_manifest(args.manifest)
    if args.strip:
        manifest.get("calibration", {}).pop("candidate", None)
        if not manifest.get("calibration"):
            manifest.pop("calibration", None)
        manifest.get("thresholds", {}).pop("candidate", None)
        write_manifest(args.manifest, manifest)
        print(f"{args.manifest}: candidate calibration and threshold removed")
        return
    if not args.candidates or not args.scans:
        parser.error("CANDIDATES_CSV and --scans are needed to fit a calibration")

    raw, diameters, on_nodule = read_candidates(args.candidates)
    # Rounded before use, so the threshold is set with what the runtime applies.
    slope, log_diameter_slope, intercept = (round(v, 4) for v in fit_sized_platt(raw, diameters, on_nodule))
    calibrated = apply_sized_platt(raw, diameters, slope, log_diameter_slope, intercept)
    threshold = operating_threshold(calibrated, on_nodule, args.scans, args.false_positives_per_scan)
    # Round down, so the scan that set it stays at or under its target.
    threshold = float(np.floor(threshold * 1000) / 1000)

    manifest.setdefault("calibration", {})["candidate"] = {
        "method": "platt",
        "slope": slope,
        "log_diameter_slope": log_diameter_slope,
        "intercept": intercept,
        "fitted_on": f"{len(raw)} candidates ({int(on_nodule.sum())} on nodules) of {args.scans} {args.fitted_on}",
    }
    manifest.setdefault("thresholds", {})["candidate"] = threshold
    write_manifest(args.manifest, manifest)
    saturated = int((raw >= 0.99999).sum())
    print(f"{args.manifest}: Platt slope {slope:.4f}, log-diameter slope {log_diameter_slope:.4f}, "
          f"intercept {intercept:.4f} on {len(raw)} candidates ({int(on_nodule.sum())} on nodules, "
          f"{saturated} saturated); operating threshold {threshold:.3f} "
          f"(at most {args.false_positives_per_scan} false positives per calibration scan)")


if __name__ == "__main__":
    main()
