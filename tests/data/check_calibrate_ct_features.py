#!/usr/bin/env python3
"""Checks calibrate_ct.py's optional features on made-up candidates.

    check_calibrate_ct_features.py pass-scores | slice-spacing | intensity

- pass-scores: a model that reads the scan twice; every candidate peaks alike
  in the combined map, the nodules in both passes, the false positives in the
  second pass only, so only the first pass's score tells them apart.
- slice-spacing: half the scans of 1.25 mm slices, where the score tells
  nodules apart, half of 3 mm, where it does not; the fit must learn that a
  score means less on thick slices, and record the spacings it saw.
- intensity: the score tells nothing, the lung around a candidate does (the
  false positives sit in lung, the nodules against a wall); the fit must
  weigh the four intensity columns (or those named), and times t with
  --slice-spacing, and refuse candidates without them.

Exits non-zero, naming the check, on the first failure."""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training",
                      "calibrate_ct.py")
SHAPE = [f"shape_2mm_{v}" for v in ("l1", "l2", "l3", "dot", "line")]
COLUMNS = ["case", "score", "uncalibrated_score", "diameter_mm", "on_nodule", "nodule_diameter_mm", "nodule"]


def check(condition, what):
    if not condition:
        sys.exit(f"check_calibrate_ct_features: FAILED: {what}")
    print(f"ok: {what}")


def write_rows(path, columns, rows):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        out.writerows(rows)


def calibrate(manifest, candidates, *flags):
    return subprocess.run([sys.executable, SCRIPT, manifest, candidates, "--scans", "10", "--shape", *flags],
                          capture_output=True, text=True)


def read_entry(manifest):
    with open(manifest) as f:
        return json.load(f)["calibration"]["candidate"]


def write_pass_candidates(path, with_passes):
    rng = np.random.default_rng(5)
    rows = []
    for n in range(400):
        nodule = n % 4 == 0
        peak = float(rng.uniform(0.3, 0.99))
        first = peak if nodule else float(rng.uniform(0.01, 0.1))
        row = [f"case_{n % 10:03d}", peak, peak, 5.0, int(nodule), 5.0 if nodule else 0, 1 if nodule else 0]
        row += list(rng.normal(0, 1, len(SHAPE)))
        rows.append(row + ([first, peak] if with_passes else []))
    write_rows(path, COLUMNS + SHAPE + (["pass_1_score", "pass_2_score"] if with_passes else []), rows)


def check_pass_scores(manifest, candidates):
    write_pass_candidates(candidates, with_passes=True)
    run = calibrate(manifest, candidates, "--pass-scores")
    check(run.returncode == 0, f"fits with --pass-scores ({run.stderr.strip()})")
    entry = read_entry(manifest)
    weights = entry.get("pass_score_weights", [])
    check(entry["method"] == "platt-shape" and len(entry["shape_weights"]) == 5,
          "a platt-shape calibration with its 5 shape weights")
    check(len(weights) == 2, "one weight per pass")
    check(weights[0] > 0.5 and weights[0] > abs(weights[1]),
          f"the first pass's score, which tells nodules apart, weighs most ({weights})")
    check("pass score weights" in run.stdout, "the summary names the pass weights")

    run = calibrate(manifest, candidates)
    check(run.returncode == 0 and "pass_score_weights" not in read_entry(manifest),
          "without --pass-scores, no pass weights")

    write_pass_candidates(candidates, with_passes=False)
    run = calibrate(manifest, candidates, "--pass-scores")
    check(run.returncode != 0 and "no pass_<n>_score columns" in run.stderr,
          "candidates of a model read once are refused, naming the missing columns")


def write_spacing_candidates(path, spacings):
    """Cases 0-4 at spacings[0], 5-9 at spacings[1]; the score separates
    nodules from the rest at the first only."""
    rng = np.random.default_rng(7)
    rows = []
    for n in range(600):
        case = n % 10
        spacing = spacings[0] if case < 5 else spacings[1]
        nodule = n % 4 == 0
        if spacing == spacings[0]:
            peak = float(rng.uniform(0.8, 0.99) if nodule else rng.uniform(0.3, 0.7))
        else:
            peak = float(rng.uniform(0.3, 0.99))
        row = [f"case_{case:03d}", peak, peak, 5.0, int(nodule), 5.0 if nodule else 0, 1 if nodule else 0]
        rows.append(row + [spacing] + list(rng.normal(0, 1, len(SHAPE))))
    write_rows(path, COLUMNS + ["slice_spacing_mm"] + SHAPE, rows)


def calibrated(entry, score, spacing_mm):
    """The runtime's formula for a 5 mm candidate of flat shape."""
    logit = math.log(score / (1 - score))
    terms = entry["slice_spacing"]
    t = math.log(min(max(spacing_mm, terms["range_mm"][0]), terms["range_mm"][1]))
    z = entry["slope"] * logit + entry["log_diameter_slope"] * math.log(5.0) + entry["intercept"]
    z += t * (terms["weight"] + terms["score_weight"] * logit + terms["log_diameter_weight"] * math.log(5.0))
    return 1 / (1 + math.exp(-z))


def check_slice_spacing(manifest, candidates):
    write_spacing_candidates(candidates, (1.25, 3.0))
    run = calibrate(manifest, candidates, "--slice-spacing")
    check(run.returncode == 0, f"fits with --slice-spacing ({run.stderr.strip()})")
    entry = read_entry(manifest)
    terms = entry.get("slice_spacing", {})
    check(terms.get("range_mm") == [1.25, 3.0], f"records the spacings fitted on ({terms.get('range_mm')})")
    check(len(terms.get("shape_weights", [])) == len(entry["shape_weights"]),
          "one slice-spacing weight per shape value")
    check(terms["score_weight"] < 0, f"the score weighs less on thick slices (score weight {terms['score_weight']})")
    spread = {s: calibrated(entry, 0.95, s) - calibrated(entry, 0.35, s) for s in (1.25, 3.0)}
    check(spread[1.25] > 0.3 and spread[1.25] > 2 * abs(spread[3.0]),
          f"a high score against a low one: far apart on 1.25 mm slices, much closer on 3 mm ({spread})")
    check("slice-spacing terms fitted on 1.25 to 3 mm" in run.stdout, "the summary names the spacings")

    run = calibrate(manifest, candidates)
    check(run.returncode == 0 and "slice_spacing" not in read_entry(manifest),
          "without --slice-spacing, no slice-spacing terms")

    write_spacing_candidates(candidates, (2.5, 2.5))
    run = calibrate(manifest, candidates, "--slice-spacing")
    check(run.returncode != 0 and "needs at least two spacings" in run.stderr,
          "candidates of one slice spacing are refused")
    write_pass_candidates(candidates, with_passes=False)
    run = calibrate(manifest, candidates, "--slice-spacing")
    check(run.returncode != 0 and "no slice_spacing_mm column" in run.stderr,
          "candidates without the slice spacing are refused, naming the missing column")


INTENSITY = ["hu_inside", "hu_contrast", "hu_sd_inside", "lung_share_around"]


def write_intensity_candidates(path, with_intensity):
    rng = np.random.default_rng(11)
    rows = []
    for n in range(600):
        case = n % 10
        nodule = n % 4 == 0
        peak = float(rng.uniform(0.3, 0.99))
        row = [f"case_{case:03d}", peak, peak, 5.0, int(nodule), 5.0 if nodule else 0, 1 if nodule else 0]
        row += [1.25 if case < 5 else 3.0] + list(rng.normal(0, 1, len(SHAPE)))
        if with_intensity:
            lung = float(rng.uniform(0.2, 0.6) if nodule else rng.uniform(0.5, 1.0))
            row += [float(rng.normal(0.3, 0.5)), float(rng.normal(5, 1)), float(rng.uniform(0, 2)), lung]
        rows.append(row)
    write_rows(path, COLUMNS + ["slice_spacing_mm"] + SHAPE + (INTENSITY if with_intensity else []), rows)


def check_intensity(manifest, candidates):
    write_intensity_candidates(candidates, with_intensity=True)
    run = calibrate(manifest, candidates, "--intensity")
    check(run.returncode == 0, f"fits with --intensity ({run.stderr.strip()})")
    entry = read_entry(manifest)
    weights = entry.get("intensity_weights", [])
    check(len(weights) == 4, f"one weight per intensity value ({weights})")
    check(weights[3] < -2 and abs(weights[3]) > 3 * max(abs(w) for w in weights[:3]),
          f"the lung around, which tells nodules apart, weighs most, against them ({weights})")
    check("intensity weights" in run.stdout, "the summary names the intensity weights")
    check("slice_spacing" not in entry, "without --slice-spacing, no spacing terms")

    run = calibrate(manifest, candidates, "--intensity", "--slice-spacing")
    entry = read_entry(manifest)
    check(run.returncode == 0 and len(entry["intensity_weights"]) == 4
          and len(entry["slice_spacing"].get("intensity_weights", [])) == 4,
          "with --slice-spacing, each intensity value times t as well")

    run = calibrate(manifest, candidates, "--intensity", "hu_inside", "lung_share_around", "--slice-spacing")
    entry = read_entry(manifest)
    check(run.returncode == 0 and entry["intensity_weights"][1:3] == [0.0, 0.0]
          and entry["slice_spacing"]["intensity_weights"][1:3] == [0.0, 0.0]
          and entry["intensity_weights"][3] < -2,
          f"--intensity NAME...: the measures left out weigh 0, of four still ({entry['intensity_weights']})")
    run = calibrate(manifest, candidates, "--intensity", "hu_mean")
    check(run.returncode != 0 and "no measure hu_mean" in run.stderr and "lung_share_around" in run.stderr,
          "an unknown measure is refused by name, the known ones listed")

    run = calibrate(manifest, candidates)
    check(run.returncode == 0 and "intensity_weights" not in read_entry(manifest),
          "without --intensity, no intensity weights")

    write_intensity_candidates(candidates, with_intensity=False)
    run = calibrate(manifest, candidates, "--intensity")
    check(run.returncode != 0 and "no hu_inside, hu_contrast, hu_sd_inside, lung_share_around columns"
          in run.stderr and "candidates.csv" in run.stderr,
          "candidates without the intensity columns are refused, naming the file and the columns")
    run = calibrate(manifest, candidates, "--intensity", "hu_contrast")
    check(run.returncode != 0 and "no hu_contrast columns" in run.stderr,
          "without the measure named, refused naming that one")


CHECKS = {"pass-scores": check_pass_scores, "slice-spacing": check_slice_spacing, "intensity": check_intensity}
if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
    sys.exit(f"usage: check_calibrate_ct_features.py {' | '.join(CHECKS)}")
with tempfile.TemporaryDirectory() as tmp:
    manifest = os.path.join(tmp, "manifest.json")
    with open(manifest, "w") as f:
        json.dump({"id": "made-up"}, f)
    CHECKS[sys.argv[1]](manifest, os.path.join(tmp, "candidates.csv"))
print(f"check_calibrate_ct_features {sys.argv[1]}: all passed")
