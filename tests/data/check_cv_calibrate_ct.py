#!/usr/bin/env python3
"""Checks cv_calibrate_ct.py, the cross-validated yardstick of a CT candidate
calibration, on made-up `eval nodules` outputs.

- Its FROC is `eval nodules`' own: on two scans worked out by hand (a nodule
  counted once at its best candidate, one never found, a false positive
  above every nodule) it gives the CPM and sensitivities computed by hand.
- A column that tells nodules apart raises the cross-validated CPM over the
  score alone when given as --extra-columns; a column of noise does not
  raise it as far. The figures do not depend on how the folders are split
  (one folder or two of the same scans), and the same seed deals the same
  folds.
- Bad input is refused naming the file: calibrated scores, a missing
  column, a case that metrics.json does not list, scans without a nodule.

Exits non-zero, naming the check, on the first failure."""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

TRAINING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training")
SCRIPT = os.path.join(TRAINING, "cv_calibrate_ct.py")
sys.path.insert(0, TRAINING)
from cv_calibrate_ct import froc  # noqa: E402

SHAPE = [f"shape_2mm_{v}" for v in ("l1", "l2", "l3", "dot", "line")]
COLUMNS = ["case", "score", "uncalibrated_score", "diameter_mm", "on_nodule", "nodule_diameter_mm", "nodule",
           "center_x_mm", "center_y_mm", "center_z_mm", "slice_spacing_mm"] + SHAPE + ["telling", "noise"]


def check(condition, what):
    if not condition:
        sys.exit(f"check_cv_calibrate_ct: FAILED: {what}")
    print(f"ok: {what}")


def check_froc_by_hand():
    # Scan A holds nodules 1 and 2, scan B nodules 1 and 2 (B#2 never found).
    scores = [0.9, 0.8, 0.7, 0.6, 0.95, 0.5]
    on_nodule = [1, 0, 1, 1, 0, 1]
    keys = ["A#1", "A#0", "A#1", "A#2", "B#0", "B#1"]
    cpm, sensitivities = froc(scores, on_nodule, keys, scans=2, nodules=4)
    # Pooled: 0.95 FP (0.5 FP/scan), 0.9 TP, 0.8 FP (1 FP/scan), 0.6 TP, 0.5 TP
    # (A#1's second candidate at 0.7 is neither).
    expected = [0.0, 0.0, 0.25, 0.75, 0.75, 0.75, 0.75]
    check(np.allclose(sensitivities, expected), f"sensitivities at 1/8 .. 8 FP/scan by hand ({sensitivities})")
    check(abs(cpm - sum(expected) / 7) < 1e-12, f"CPM by hand ({cpm:.4f})")


def write_result(folder, cases, rng, calibrated=False, nodules_per_case=4, drop_case=None):
    """An eval nodules output: 40 candidates a scan, 3 of its 4 nodules among
    them; the score separates them only loosely, 'telling' well."""
    os.makedirs(folder, exist_ok=True)
    rows = []
    for case in cases:
        spacing = 1.25 if int(case[-3:]) % 2 else 3.0
        for n in range(40):
            nodule = n % 13 == 0 and n < 39  # nodules 1..3 of the scan
            score = float(np.clip(rng.normal(0.75 if nodule else 0.55, 0.2), 0.06, 0.999))
            telling = rng.normal(2.0 if nodule else 0.0, 0.6)
            rows.append([case, score, score, 5.0, int(nodule), 5.0 if nodule else 0, n // 13 + 1 if nodule else 0,
                         0, 0, 0, spacing] + list(rng.normal(0, 1, len(SHAPE))) + [telling, rng.normal()])
    with open(os.path.join(folder, "candidates.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        out.writerows(rows)
    listed = [c for c in cases if c != drop_case]
    with open(os.path.join(folder, "metrics.json"), "w") as f:
        json.dump({"scores_calibrated": calibrated,
                   "cases": [{"case": c, "nodules": nodules_per_case} for c in listed]}, f)


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def figures(*args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cv.json")
        result = run(*args, "--json", out)
        if result.returncode != 0:
            sys.exit(f"check_cv_calibrate_ct: FAILED: cv_calibrate_ct.py {' '.join(args)}: {result.stderr}")
        with open(out) as f:
            return json.load(f)


def check_yardstick(tmp):
    cases = [f"case_{n:03d}" for n in range(12)]
    whole, first, second = (os.path.join(tmp, name) for name in ("whole", "first", "second"))
    write_result(whole, cases, np.random.default_rng(3))
    rng = np.random.default_rng(3)  # the same draws, dealt into two folders
    write_result(first, cases[:6], rng)
    write_result(second, cases[6:], rng)

    plain = figures(whole, "--slice-spacing")
    check(plain["scans"] == 12 and plain["nodules"] == 48 and plain["nodules_among_candidates"] == 36,
          f"counts scans and nodules from metrics.json, those never a candidate included ({plain})")
    telling = figures(whole, "--slice-spacing", "--extra-columns", "telling")
    noise = figures(whole, "--slice-spacing", "--extra-columns", "noise")
    check(telling["features"] == plain["features"] + 2, "an extra column enters alone and times t")
    check(telling["cross_validated_cpm"] > plain["cross_validated_cpm"] + 0.05,
          f"a column that tells nodules apart raises the CPM ({plain['cross_validated_cpm']} to "
          f"{telling['cross_validated_cpm']})")
    check(noise["cross_validated_cpm"] < telling["cross_validated_cpm"] - 0.05,
          f"a column of noise does not ({noise['cross_validated_cpm']})")
    check(telling["cross_validated_cpm"] <= 0.75 + 1e-9, "never above the share of nodules among the candidates")
    split = figures(first, second, "--slice-spacing", "--extra-columns", "telling")
    check(split["cross_validated_cpm"] == telling["cross_validated_cpm"],
          "the same scans in two folders give the same figures")
    check(figures(whole, "--slice-spacing", "--extra-columns", "telling")["cross_validated_cpm"]
          == telling["cross_validated_cpm"], "the same seed deals the same folds")


def check_refusals(tmp):
    cases = [f"case_{n:03d}" for n in range(6)]
    calibrated = os.path.join(tmp, "calibrated")
    write_result(calibrated, cases, np.random.default_rng(1), calibrated=True)
    result = run(calibrated)
    check(result.returncode != 0 and "metrics.json: the scores were calibrated" in result.stderr,
          "calibrated scores are refused, naming the file")
    plain = os.path.join(tmp, "plain")
    write_result(plain, cases, np.random.default_rng(1))
    result = run(plain, "--extra-columns", "hu_inside")
    check(result.returncode != 0 and "candidates.csv: no column hu_inside" in result.stderr,
          "a missing extra column is refused, naming the file")
    result = run(plain, "--intensity", "hu_contrast")
    check(result.returncode != 0 and "candidates.csv: no hu_contrast columns" in result.stderr,
          "an intensity measure the candidates lack is refused, naming the file and the measure")
    result = run(plain, "--intensity", "hu_mean")
    check(result.returncode != 0 and "no measure hu_mean" in result.stderr,
          "an unknown intensity measure is refused by name")
    unlisted = os.path.join(tmp, "unlisted")
    write_result(unlisted, cases, np.random.default_rng(1), drop_case="case_004")
    result = run(unlisted)
    check(result.returncode != 0 and "case case_004 is not in metrics.json" in result.stderr,
          "a candidate of a case metrics.json does not list is refused")
    empty = os.path.join(tmp, "empty")
    write_result(empty, cases, np.random.default_rng(1), nodules_per_case=0)
    result = run(empty)
    check(result.returncode != 0 and "no nodule in any scan" in result.stderr,
          "scans without a nodule are refused: a FROC needs some")
    result = run(os.path.join(tmp, "nowhere"))
    check(result.returncode != 0 and "nowhere/candidates.csv: missing" in result.stderr,
          "a folder that is not an eval nodules output is refused")


def main():
    check_froc_by_hand()
    with tempfile.TemporaryDirectory() as tmp:
        check_yardstick(tmp)
        check_refusals(tmp)


if __name__ == "__main__":
    main()
