#!/usr/bin/env python3
"""Checks compare_froc.py, the paired comparison of two CT detection runs, on
made-up scans whose FROC is known by hand. Exits non-zero, naming the check,
on the first failure."""
import json
import os
import subprocess
import sys
import tempfile

TRAINING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training")
sys.path.insert(0, TRAINING)
from compare_froc import compare  # noqa: E402

HEADER = "case,score,uncalibrated_score,diameter_mm,on_nodule,nodule_diameter_mm,nodule\n"


def check(condition, what):
    if not condition:
        sys.exit(f"check_compare_froc: FAILED: {what}")
    print(f"ok: {what}")


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write(HEADER)
        for case, score, nodule in rows:
            f.write(f"{case},{score},{score},5,{1 if nodule else 0},{6 if nodule else 0},{nodule}\n")


with tempfile.TemporaryDirectory() as root:
    data = os.path.join(root, "cases")
    for n in range(8):
        os.makedirs(os.path.join(data, f"case_{n:03d}"))
        with open(os.path.join(data, f"case_{n:03d}", "truth.json"), "w") as f:
            json.dump({"nodules": [{"center_mm": [0, 0, 0], "diameter_mm": 6}]}, f)
    # A: the nodule found first on even scans (a second, lower hit on it is
    # neither true nor false), missed behind a false positive on odd ones:
    # sensitivity 0.5 at every rate. B: found first everywhere.
    a, b = os.path.join(root, "a.csv"), os.path.join(root, "b.csv")
    rows_a = []
    for n in range(8):
        case = f"case_{n:03d}"
        rows_a += [(case, 0.9, 1), (case, 0.3, 1)] if n % 2 == 0 else [(case, 0.8, 0)]
    write_csv(a, rows_a)
    write_csv(b, [(f"case_{n:03d}", 0.9, 1) for n in range(8)])

    same = compare(data, a, a, resamples=300, seed=3)
    check(abs(same["cpm_a"] - 0.5) < 1e-12, "A's CPM by hand: 4 of 8 nodules at every rate")
    check(same["difference"] == 0 and same["difference_ci95"] == [0.0, 0.0],
          "a run against itself: no difference in any resample")
    check(same["cpm_a_ci95"][0] < 0.5 < same["cpm_a_ci95"][1], "one run's own interval is wide")

    better = compare(data, a, b, resamples=300, seed=3)
    check(better["cpm_b"] == 1.0 and abs(better["difference"] - 0.5) < 1e-12, "B - A by hand: +0.5")
    check(better["difference_ci95"][0] > 0, "B better on every scan: the paired interval excludes 0")
    check(compare(data, a, b, resamples=300, seed=3) == better, "the same seed gives the same intervals")
    check(compare(data, a, b, resamples=50, seed=3, first=2)["scans"] == 2, "--first keeps the first cases")

    run = subprocess.run([sys.executable, os.path.join(TRAINING, "compare_froc.py"), data, a,
                          os.path.join(root, "missing.csv")], capture_output=True, text=True)
    check(run.returncode == 2 and "missing.csv: no such candidates.csv" in run.stderr,
          "a missing CSV is refused by name")
print("check_compare_froc: all passed")
