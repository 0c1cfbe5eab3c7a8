#!/usr/bin/env python3
"""The cross-validated yardstick of a CT candidate calibration: how well
calibrate_ct.py's fit, with a given set of features, ranks candidates of
scans it was not fitted on.

    cv_calibrate_ct.py RESULT_DIR... [--folds K] [--seed S] [--pass-scores] [--slice-spacing]
                       [--intensity [NAME...]] [--extra-columns NAME...] [--search-floor F] [--ridge R]

Each RESULT_DIR is the output of `vigie-cli eval nodules --floor F` run with
the calibration stripped (calibrate_ct.py --strip): its candidates.csv lists
every candidate by its raw score, its metrics.json the scans and how many
nodules each holds (nodules never among the candidates count as missed).

The scans of all the folders are dealt into K folds (default 6) in an order
drawn from S; each fold's candidates are scored by the calibration fitted on
the other folds, exactly as calibrate_ct.py fits it (--shape is implied; the
same --pass-scores, --slice-spacing, --intensity, --search-floor and --ridge), and the
FROC is read from all of them pooled, as `eval nodules` reads it (LUNA16:
a nodule counts once, at its best candidate; a candidate on no nodule is a
false positive). It prints the cross-validated CPM, its sensitivities at
1/8 to 8 false positives per scan, the CPM of the network's own scores and
how many nodules are among the candidates; --json FILE writes them too.

This is the screen the reference-model tries were judged by before any
held-out phantom was read (docs/reference-models.md): it needs no network
run, only the candidates of the calibration phantoms.

--extra-columns NAME...: further numeric columns of candidates.csv weighed
beside the chosen features (with --slice-spacing, also each one times
t = ln(slice spacing / 1 mm)). The runtime does not compute such columns:
this is for asking whether a new candidate measure would be worth computing
there, with columns added to a copy of candidates.csv.
"""
import argparse
import csv
import json
import os

import numpy as np

from calibrate_ct import (check_feature_columns, fit_rounded_shape_platt, intensity_indices, read_candidates,
                          shape_features)
from calibration import apply_shape_platt
from compare_froc import FP_RATES, froc_events, sensitivities_at_rates


class ResultFolder:
    """One `eval nodules` output: its candidates and its scans' nodule counts."""

    def __init__(self, path, extra_columns):
        self.path = path
        candidates = os.path.join(path, "candidates.csv")
        metrics_file = os.path.join(path, "metrics.json")
        for needed in (candidates, metrics_file):
            if not os.path.isfile(needed):
                raise SystemExit(f"{needed}: missing (RESULT_DIR must be an `eval nodules` output)")
        with open(metrics_file) as f:
            metrics = json.load(f)
        if metrics.get("scores_calibrated"):
            raise SystemExit(f"{metrics_file}: the scores were calibrated; run eval nodules on the bundle with "
                             "its calibration stripped (calibrate_ct.py --strip)")
        self.nodules_per_case = {c["case"]: int(c["nodules"]) for c in metrics["cases"]}
        self.candidates_file = candidates
        self.part = read_candidates(candidates)
        with open(candidates, newline="") as f:
            rows = list(csv.DictReader(f))
        self.cases = np.array([r["case"] for r in rows])
        self.nodule_numbers = np.array([int(r["nodule"]) for r in rows])
        missing = [c for c in extra_columns if rows and c not in rows[0]]
        if missing:
            raise SystemExit(f"{candidates}: no column {', '.join(missing)}")
        try:
            self.extra = (np.array([[float(r[c]) for c in extra_columns] for r in rows]) if extra_columns
                          else np.zeros((len(rows), 0)))
        except ValueError as error:
            raise SystemExit(f"{candidates}: an --extra-columns cell is not a number ({error})")
        unknown = set(self.cases) - set(self.nodules_per_case)
        if unknown:
            raise SystemExit(f"{candidates}: case {sorted(unknown)[0]} is not in metrics.json")


def froc(scores, on_nodule, nodule_keys, scans, nodules):
    """CPM and sensitivities at FP_RATES, as `eval nodules` computes them."""
    events = froc_events((score, key if hit else None) for score, hit, key in zip(scores, on_nodule, nodule_keys))
    sensitivities = sensitivities_at_rates(events, nodules, scans)
    return float(np.mean(sensitivities)), sensitivities


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", help="`eval nodules` output folders")
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0, help="draws the order the scans are dealt into folds")
    parser.add_argument("--pass-scores", action="store_true")
    parser.add_argument("--slice-spacing", action="store_true")
    parser.add_argument("--intensity", nargs="*", metavar="NAME", help="all four measures, or those named")
    parser.add_argument("--extra-columns", nargs="*", default=[])
    parser.add_argument("--search-floor", type=float, default=0.05)
    parser.add_argument("--ridge", type=float, default=10.0)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    folders = [ResultFolder(path, args.extra_columns) for path in args.results]
    paths = [folder.candidates_file for folder in folders]
    parts = [folder.part for folder in folders]
    if any(part[4] != parts[0][4] for part in parts):
        raise SystemExit("the candidate files measured the shape at different scales")
    if any(part[5].shape[1] != parts[0][5].shape[1] for part in parts):
        raise SystemExit("the candidate files come from models with different numbers of passes")
    chosen = intensity_indices(args.intensity) if args.intensity is not None else None
    check_feature_columns(paths, parts, args.pass_scores, args.slice_spacing, chosen)

    raw, diameters, on_nodule, shape, passes, spacings, intensity = (
        np.concatenate([part[i] for part in parts]) for i in (0, 1, 2, 3, 5, 6, 7))
    extra = np.concatenate([folder.extra for folder in folders])
    scan_of = np.concatenate([[f"{n}/{case}" for case in folder.cases] for n, folder in enumerate(folders)])
    nodule_keys = np.array([f"{scan}#{number}" for scan, number in
                            zip(scan_of, np.concatenate([folder.nodule_numbers for folder in folders]))])
    scans = [f"{n}/{case}" for n, folder in enumerate(folders) for case in folder.nodules_per_case]
    nodules = sum(sum(folder.nodules_per_case.values()) for folder in folders)
    if args.folds < 2 or args.folds > len(scans):
        raise SystemExit(f"--folds {args.folds}: needs 2 to {len(scans)} (the scans listed)")
    if nodules == 0:
        raise SystemExit(f"{', '.join(args.results)}: no nodule in any scan; a FROC needs some")

    features = shape_features(raw, diameters, shape, passes, spacings, args.pass_scores, args.slice_spacing,
                              intensity[:, chosen] if chosen else None)
    if extra.shape[1]:
        features = np.column_stack([features, extra])
        if args.slice_spacing:
            features = np.column_stack([features, np.log(spacings)[:, None] * extra])
    kept = raw >= args.search_floor
    raw, diameters, on_nodule, features, scan_of, nodule_keys = (
        v[kept] for v in (raw, diameters, on_nodule, features, scan_of, nodule_keys))

    order = np.random.default_rng(args.seed).permutation(len(scans))
    fold_of_scan = {scans[i]: position % args.folds for position, i in enumerate(order)}
    fold = np.array([fold_of_scan[s] for s in scan_of])
    scores = np.zeros(len(raw))
    for k in range(args.folds):
        train, test = fold != k, fold == k
        if not test.any():
            continue
        try:
            slope, size_slope, weights, intercept = fit_rounded_shape_platt(
                raw[train], diameters[train], features[train], on_nodule[train], args.ridge)
        except ValueError as error:  # a fold whose training part the score cannot rank
            raise SystemExit(f"fold {k + 1} of {args.folds}: {error}")
        scores[test] = apply_shape_platt(raw[test], diameters[test], features[test], slope, size_slope, weights,
                                         intercept)

    cpm, sensitivities = froc(scores, on_nodule, nodule_keys, len(scans), nodules)
    raw_cpm, _ = froc(raw, on_nodule, nodule_keys, len(scans), nodules)
    found = len(set(nodule_keys[on_nodule == 1]))
    figures = {
        "scans": len(scans), "nodules": nodules, "nodules_among_candidates": found,
        "candidates": int(len(raw)), "features": int(features.shape[1]) + 2, "folds": args.folds,
        "seed": args.seed, "cross_validated_cpm": round(cpm, 4),
        "sensitivity_at_fp_per_scan": {f"{r:g}": round(s, 4) for r, s in zip(FP_RATES, sensitivities)},
        "raw_score_cpm": round(raw_cpm, 4),
    }
    print(f"{len(scans)} scans, {nodules} nodules ({found} among {len(raw)} candidates at or over "
          f"{args.search_floor:g}); {figures['features']} features, {args.folds} folds (seed {args.seed})")
    print(f"cross-validated CPM {cpm:.4f}; sensitivity at 1/8 .. 8 FP/scan "
          + " ".join(f"{s:.3f}" for s in sensitivities))
    print(f"CPM of the network's own scores {raw_cpm:.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
