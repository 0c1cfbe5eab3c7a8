#!/usr/bin/env python3
"""Compares two CT detection runs on the same phantoms: each one's CPM, and
their difference with a paired percentile bootstrap interval over scans.

    compare_froc.py DATA_DIR A/candidates.csv B/candidates.csv [--resamples N] [--seed S] [--first N]

DATA_DIR holds the case folders with their truth.json (what `vigie-cli eval
nodules` read); each CSV is the `candidates.csv` that command wrote, scores as
the bundle reported them (calibrated where it calibrates). The FROC is
LUNA16's, as `eval nodules` computes it: a nodule counts once, at its best
candidate; a candidate on no nodule is a false positive; CPM is the mean
sensitivity at 1/8 to 8 false positives per scan.

Why paired: two models read on one set of phantoms share its luck. The
interval of each CPM alone is wide on 16 phantoms (0.4.4: 0.739-0.895), but
both move together from one resample of the scans to the next, so the
interval of their difference, from the same resamples, is what says whether
one is better. --first N keeps the first N cases (sorted by name).
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

FP_RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def case_nodules(data_dir, first=None):
    """{case name: how many nodules its truth.json holds}, in name order."""
    cases = sorted(d for d in os.listdir(data_dir) if os.path.isfile(os.path.join(data_dir, d, "truth.json")))
    if first:
        cases = cases[:first]
    if not cases:
        sys.exit(f"{data_dir}: no case folders with a truth.json")
    counts = {}
    for case in cases:
        with open(os.path.join(data_dir, case, "truth.json")) as f:
            counts[case] = len(json.load(f)["nodules"])
    return counts


def froc_events(scored):
    """[(score, 1 for a nodule's best candidate or 0 for a false positive)] of
    (score, the nodule it lies on or None) pairs: LUNA16's rule, a nodule
    counts once, at its best candidate."""
    events, best = [], {}
    for score, nodule in scored:
        if nodule is None:
            events.append((score, 0))
        else:
            best[nodule] = max(best.get(nodule, -1.0), score)
    return events + [(score, 1) for score in best.values()]


def sensitivities_at_rates(events, nodules, scans):
    """The FROC's sensitivity at each of FP_RATES false positives per scan, from
    the pooled events of `scans` scans holding `nodules` nodules."""
    pooled = sorted(events, key=lambda e: -e[0])
    hits = false_positives = 0
    curve = [(0.0, 0.0)]
    for i, (score, hit) in enumerate(pooled):
        hits += hit
        false_positives += 1 - hit
        if i + 1 == len(pooled) or pooled[i + 1][0] != score:
            curve.append((false_positives / scans, hits / nodules))
    return [max(s for fp, s in curve if fp <= rate + 1e-12) for rate in FP_RATES]


def scan_events(candidates_csv, cases):
    """{case: [(score, 1 for a nodule's best candidate or 0 for a false positive)]}."""
    scored = {case: [] for case in cases}
    with open(candidates_csv) as f:
        for row in csv.DictReader(f):
            if row["case"] in scored:
                scored[row["case"]].append((float(row["score"]), row["nodule"] if row["on_nodule"] == "1" else None))
    return {case: froc_events(pairs) for case, pairs in scored.items()}


def cpm(events, nodules, chosen):
    """The CPM over the scans `chosen` (names; a scan drawn twice counts twice)."""
    pooled = [e for case in chosen for e in events[case]]
    total = sum(nodules[case] for case in chosen)
    return float(np.mean(sensitivities_at_rates(pooled, total, len(chosen))))


def compare(data_dir, csv_a, csv_b, resamples=2000, seed=1, first=None):
    """{"scans", "nodules", "cpm_a", "cpm_b", "difference", "difference_ci95",
    "cpm_a_ci95", "cpm_b_ci95"}: the difference is B - A."""
    nodules = case_nodules(data_dir, first)
    cases = list(nodules)
    a, b = scan_events(csv_a, cases), scan_events(csv_b, cases)
    rng = np.random.default_rng(seed)
    drawn_a, drawn_b = [], []
    while len(drawn_a) < resamples:
        chosen = [cases[i] for i in rng.integers(0, len(cases), len(cases))]
        if sum(nodules[c] for c in chosen) == 0:
            continue
        drawn_a.append(cpm(a, nodules, chosen))
        drawn_b.append(cpm(b, nodules, chosen))
    drawn_a, drawn_b = np.array(drawn_a), np.array(drawn_b)

    def interval(values):
        return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]

    cpm_a, cpm_b = cpm(a, nodules, cases), cpm(b, nodules, cases)
    return {"scans": len(cases), "nodules": sum(nodules.values()), "resamples": resamples, "seed": seed,
            "cpm_a": cpm_a, "cpm_b": cpm_b, "difference": cpm_b - cpm_a,
            "cpm_a_ci95": interval(drawn_a), "cpm_b_ci95": interval(drawn_b),
            "difference_ci95": interval(drawn_b - drawn_a)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("a", help="candidates.csv of the first run (the baseline)")
    parser.add_argument("b", help="candidates.csv of the second run")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, help="only the first N cases")
    args = parser.parse_args()
    if args.resamples < 1:
        parser.error("--resamples must be at least 1")
    for path in (args.a, args.b):
        if not os.path.isfile(path):
            parser.error(f"{path}: no such candidates.csv")
    r = compare(args.data, args.a, args.b, args.resamples, args.seed, args.first)
    lo, hi = r["difference_ci95"]
    print(f"{r['scans']} scans, {r['nodules']} nodules; CPM A {r['cpm_a']:.3f} "
          f"({r['cpm_a_ci95'][0]:.3f}-{r['cpm_a_ci95'][1]:.3f}), B {r['cpm_b']:.3f} "
          f"({r['cpm_b_ci95'][0]:.3f}-{r['cpm_b_ci95'][1]:.3f}); B - A {r['difference']:+.3f} "
          f"(paired 95 % interval {lo:+.3f} to {hi:+.3f}, {r['resamples']} resamples)")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
