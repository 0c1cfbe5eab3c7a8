#!/usr/bin/env python3
"""Calibrates a CT nodule bundle's candidate scores and sets its operating
threshold, from `vigie-cli eval nodules` run on calibration phantoms that no
training step saw (their candidates.csv).

    calibrate_ct.py MANIFEST CANDIDATES_CSV... --scans N [--false-positives-per-scan F]
                    [--shape --search-floor S --ridge R]
    calibrate_ct.py MANIFEST --strip

- calibration.candidate: Platt scaling of the heatmap peak score, with the
  candidate's size as a second feature, into the probability that a
  candidate lies on a nodule. The detector's sigmoid saturates (many peaks at
  0.9999+); Platt on the logit spreads them again. The size term is there
  because the peak alone under-rates masses: a large blob peaks lower than a
  small nodule, yet is rarely a false positive.
- --shape (method "platt-shape"): the image's shape around each candidate as
  further features (the shape_* columns: the scale-normalised Hessian's
  eigenvalues and the dot and line measures at several scales, which vigie-cli
  computes for every candidate). The peak score ranks a 4 mm nodule and a
  vessel crossing alike; their shapes differ (a blob, a tube). Candidates are
  then searched down to a heatmap score of S (search_floor), and the fit
  only sees those, as the runtime will. The weights are pulled towards 0 with
  a ridge worth R candidates (default 10): with a weak pull (1) the held-out
  phantoms like the calibration ones gained most, but phantoms of other
  slice thicknesses and the real scan lost (docs/reference-models.md).
- --pass-scores (with --shape, for a model that reads the scan at several
  spacings): each pass's own score near the candidate (the pass_<n>_score
  columns) as further features, one weight per pass on its logit
  (pass_score_weights). The combined map keeps each voxel's highest
  probability, so a peak strong in the 0.9 mm pass alone and one strong in
  both look alike in it; their passes tell them apart
  (docs/reference-models.md, "After 0.5.1").
- --slice-spacing (with --shape): the scan's slice spacing (the
  slice_spacing_mm column) as further features: t = ln(spacing / 1 mm), and
  t times the score's logit, ln(diameter) and each shape value. A thick
  slice blurs a small nodule along z, so score, size and shape mean less
  there: fitted without it on thin and 3 mm phantoms together, the
  calibration is a compromise that suits neither (docs/reference-models.md,
  "After 0.5.1"). The runtime clamps the spacing to the range fitted on,
  which the manifest records; the candidates must come from scans of at
  least two spacings.
- --intensity [NAME ...] (with --shape): the image's intensity around each
  candidate (the hu_inside, hu_contrast, hu_sd_inside and lung_share_around
  columns: inference::candidateIntensity, on the series as read) as further
  features, and with --slice-spacing each of them times t as well; NAMEs
  choose some of the four (the others get a weight of 0 in the manifest,
  which always holds four). On the calibration phantoms all four add
  +0.030 to the cross-validated CPM (cv_calibrate_ct.py), but fitted there
  they lost the real CT's mass; the first three alone add +0.027 and keep
  the mass, and the reference model (0.6.0, `make calibrate-ct`) weighs those
  (docs/reference-models.md, "Model 0.6.0"). A calibration fitted on
  labelled real scans may weigh all four.
- Several CANDIDATES_CSV files (e.g. thin- and thick-slice calibration
  phantoms) are fitted together; --scans counts the scans of all of them.
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

from calibration import apply_shape_platt, apply_sized_platt, fit_shape_platt, fit_sized_platt, logit

SHAPE_VALUES = ("l1", "l2", "l3", "dot", "line")
INTENSITY_COLUMNS = ("hu_inside", "hu_contrast", "hu_sd_inside", "lung_share_around")


def read_candidates(path):
    """Raw scores, diameters, labels, the shape columns (candidates x values),
    the scales they were measured at (from the column names), each pass's
    score, the slice spacing, and the intensity columns (candidates x 4; NaN
    where the file has none)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no candidates")
    if "diameter_mm" not in rows[0]:
        raise SystemExit(f"{path}: no diameter_mm column (written by an older vigie-cli eval nodules)")
    raw = np.array([float(r["uncalibrated_score"]) for r in rows])
    diameters = np.array([float(r["diameter_mm"]) for r in rows])
    on_nodule = np.array([int(r["on_nodule"]) for r in rows])
    columns = [c for c in rows[0] if c.startswith("shape_")]
    scales = []
    for c in columns[::len(SHAPE_VALUES)]:
        scales.append(float(c[len("shape_"):c.index("mm_")]))
    shape = np.array([[float(r[c]) for c in columns] for r in rows]) if columns else np.zeros((len(rows), 0))
    pass_columns = sorted((c for c in rows[0] if c.startswith("pass_") and c.endswith("_score")),
                          key=lambda c: int(c[len("pass_"):-len("_score")]))
    passes = (np.array([[float(r[c]) for c in pass_columns] for r in rows]) if pass_columns
              else np.zeros((len(rows), 0)))
    spacings = (np.array([float(r["slice_spacing_mm"]) for r in rows]) if "slice_spacing_mm" in rows[0]
                else np.full(len(rows), np.nan))
    intensity = np.array([[float(r[c]) if r.get(c) else np.nan for c in INTENSITY_COLUMNS] for r in rows])
    return raw, diameters, on_nodule, shape, scales, passes, spacings, intensity


def slice_spacing_features(raw, diameters, shape, spacings):
    """t = ln(spacing / 1 mm) and its products with the score's logit,
    ln(diameter) and each shape value, in the order of the manifest's
    slice_spacing weights."""
    t = np.log(spacings)
    size = np.log(np.maximum(diameters, 1.0))
    return np.column_stack([t, t * logit(raw, 1e-7), t * size, t[:, None] * shape])


def intensity_indices(names):
    """The positions in INTENSITY_COLUMNS of the measures --intensity names
    (all four when it names none); refuses a name it does not know."""
    unknown = [n for n in names if n not in INTENSITY_COLUMNS]
    if unknown:
        raise SystemExit(f"--intensity: no measure {', '.join(unknown)} (the measures are "
                         f"{', '.join(INTENSITY_COLUMNS)})")
    return [i for i, column in enumerate(INTENSITY_COLUMNS) if column in names or not names]


def all_intensity_weights(weights, indices):
    """The manifest's four intensity weights from those fitted on the measures
    at `indices`: 0 for each measure left out."""
    full = [0.0] * len(INTENSITY_COLUMNS)
    for i, w in zip(indices, weights):
        full[i] = w
    return full


def check_feature_columns(paths, parts, pass_scores, slice_spacing, intensity=None):
    """Refuses, naming the file, candidates that lack a column the chosen
    features need (the parts as read_candidates gives them; intensity: the
    positions of the intensity measures weighed, or None)."""
    if not parts[0][4]:
        raise SystemExit(f"{paths[0]}: no shape_* columns (written by an older vigie-cli eval nodules)")
    if pass_scores and parts[0][5].shape[1] < 2:
        raise SystemExit(f"{paths[0]}: no pass_<n>_score columns (a model read once, or an "
                         "older vigie-cli eval nodules)")
    if slice_spacing:
        for path, part in zip(paths, parts):
            if not np.all(np.isfinite(part[6]) & (part[6] > 0)):
                raise SystemExit(f"{path}: no slice_spacing_mm column (written by an older vigie-cli "
                                 "eval nodules) or a spacing that is not a positive number")
        spacings = np.concatenate([part[6] for part in parts])
        if spacings.min() == spacings.max():
            raise SystemExit(f"every candidate comes from scans of {spacings[0]:g} mm slices: "
                             "a slice-spacing term needs at least two spacings to fit")
    if intensity:
        for path, part in zip(paths, parts):
            if not np.all(np.isfinite(part[7][:, intensity])):
                names = ", ".join(INTENSITY_COLUMNS[i] for i in intensity)
                raise SystemExit(f"{path}: no {names} columns, or empty cells in them "
                                 "(written by an older vigie-cli eval nodules, or a pipeline that does not "
                                 "measure them)")


def shape_features(raw, diameters, shape, passes, spacings, pass_scores, slice_spacing, intensity=None):
    """The columns a "platt-shape" calibration weighs beside the score and the
    size, in the manifest's order: the shape values, then each pass's score as
    its logit, then the slice-spacing terms, then the intensity values and
    (with the slice-spacing terms) each of them times t. One fit, one ridge."""
    none = np.zeros((len(raw), 0))
    extra = logit(passes, 1e-7) if pass_scores else none
    by_spacing = slice_spacing_features(raw, diameters, shape, spacings) if slice_spacing else none
    around = intensity if intensity is not None else none
    around_by_spacing = np.log(spacings)[:, None] * around if slice_spacing and intensity is not None else none
    return np.column_stack([shape, extra, by_spacing, around, around_by_spacing])


def fit_rounded_shape_platt(raw, diameters, features, on_nodule, ridge):
    """fit_shape_platt, rounded as the manifest stores it: the threshold and
    any score computed from the fit are then what the runtime applies."""
    slope, log_diameter_slope, weights, intercept = fit_shape_platt(raw, diameters, features, on_nodule, ridge=ridge)
    slope, log_diameter_slope, intercept = (round(v, 4) for v in (slope, log_diameter_slope, intercept))
    return slope, log_diameter_slope, [float(f"{v:.6g}") for v in weights], intercept


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
    parser.add_argument("candidates", nargs="*")
    parser.add_argument("--strip", action="store_true", help="remove the candidate calibration and threshold")
    parser.add_argument("--scans", type=int, help="how many scans the candidates come from")
    parser.add_argument("--false-positives-per-scan", type=float, default=0.25)
    parser.add_argument("--fitted-on", default="calibration phantoms")
    parser.add_argument("--shape", action="store_true", help="weigh the image's shape around each candidate")
    parser.add_argument("--search-floor", type=float, default=0.05,
                        help="with --shape: the lowest heatmap score searched (and fitted)")
    parser.add_argument("--pass-scores", action="store_true",
                        help="with --shape: weigh each pass's own score near the candidate too")
    parser.add_argument("--slice-spacing", action="store_true",
                        help="with --shape: weigh the scan's slice spacing too")
    parser.add_argument("--intensity", nargs="*", metavar="NAME",
                        help="with --shape: weigh the image's intensity around the candidate too (NAMEs: "
                        "only those of the four measures)")
    parser.add_argument("--ridge", type=float, default=10.0,
                        help="with --shape: the pull of the weights towards 0, in candidates")
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

    parts = [read_candidates(path) for path in args.candidates]
    scales = parts[0][4]
    if any(part[4] != scales for part in parts):
        raise SystemExit("the candidate files measured the shape at different scales")
    if args.pass_scores and not args.shape:
        parser.error("--pass-scores goes with --shape")
    if args.slice_spacing and not args.shape:
        parser.error("--slice-spacing goes with --shape")
    if args.intensity is not None and not args.shape:
        parser.error("--intensity goes with --shape")
    chosen = intensity_indices(args.intensity) if args.intensity is not None else None
    if any(part[5].shape[1] != parts[0][5].shape[1] for part in parts):
        raise SystemExit("the candidate files come from models with different numbers of passes")
    raw, diameters, on_nodule, shape, passes, spacings, intensity = (
        np.concatenate([part[i] for part in parts]) for i in (0, 1, 2, 3, 5, 6, 7))
    pass_weights, spacing_weights, intensity_weights, spacing_intensity_weights = [], [], [], []
    if args.shape:
        check_feature_columns(args.candidates, parts, args.pass_scores, args.slice_spacing, chosen)
        kept = raw >= args.search_floor
        raw, diameters, on_nodule, shape, passes, spacings, intensity = (
            v[kept] for v in (raw, diameters, on_nodule, shape, passes, spacings, intensity))
        features = shape_features(raw, diameters, shape, passes, spacings, args.pass_scores, args.slice_spacing,
                                  intensity[:, chosen] if chosen else None)
        slope, log_diameter_slope, weights, intercept = fit_rounded_shape_platt(raw, diameters, features, on_nodule,
                                                                                args.ridge)
        n_shape, n_passes = shape.shape[1], passes.shape[1] if args.pass_scores else 0
        n_spacing = 3 + n_shape if args.slice_spacing else 0
        n_intensity = len(chosen) if chosen else 0
        shape_weights = weights[:n_shape]
        pass_weights = weights[n_shape:n_shape + n_passes]
        spacing_weights = weights[n_shape + n_passes:n_shape + n_passes + n_spacing]
        if chosen:
            fitted = n_shape + n_passes + n_spacing
            intensity_weights = all_intensity_weights(weights[fitted:fitted + n_intensity], chosen)
            if args.slice_spacing:
                spacing_intensity_weights = all_intensity_weights(weights[fitted + n_intensity:], chosen)
        calibrated = apply_shape_platt(raw, diameters, features, slope, log_diameter_slope, weights, intercept)
    else:
        slope, log_diameter_slope, intercept = (round(v, 4) for v in fit_sized_platt(raw, diameters, on_nodule))
        calibrated = apply_sized_platt(raw, diameters, slope, log_diameter_slope, intercept)
    threshold = operating_threshold(calibrated, on_nodule, args.scans, args.false_positives_per_scan)
    # Round down, so the scan that set it stays at or under its target.
    threshold = float(np.floor(threshold * 1000) / 1000)

    entry = {
        "method": "platt-shape" if args.shape else "platt",
        "slope": slope,
        "log_diameter_slope": log_diameter_slope,
        "intercept": intercept,
        "fitted_on": f"{len(raw)} candidates ({int(on_nodule.sum())} on nodules) of {args.scans} {args.fitted_on}",
    }
    if args.shape:
        entry.update({"shape_scales_mm": scales, "shape_weights": shape_weights, "search_floor": args.search_floor})
    if pass_weights:
        entry["pass_score_weights"] = pass_weights
    if intensity_weights:
        entry["intensity_weights"] = intensity_weights
    if spacing_weights:
        entry["slice_spacing"] = {
            "range_mm": [float(spacings.min()), float(spacings.max())],
            "weight": spacing_weights[0],
            "score_weight": spacing_weights[1],
            "log_diameter_weight": spacing_weights[2],
            "shape_weights": spacing_weights[3:],
        }
        if spacing_intensity_weights:
            entry["slice_spacing"]["intensity_weights"] = spacing_intensity_weights
    manifest.setdefault("calibration", {})["candidate"] = entry
    manifest.setdefault("thresholds", {})["candidate"] = threshold
    write_manifest(args.manifest, manifest)
    saturated = int((raw >= 0.99999).sum())
    print(f"{args.manifest}: {entry['method']} slope {slope:.4f}, log-diameter slope {log_diameter_slope:.4f}, "
          f"intercept {intercept:.4f}"
          f"{', pass score weights ' + ', '.join(f'{w:.4f}' for w in pass_weights) if pass_weights else ''}"
          f"{', intensity weights ' + ', '.join(f'{w:.4f}' for w in intensity_weights) if intensity_weights else ''}"
          f"{', slice-spacing terms fitted on ' + ' to '.join(f'{v:g}' for v in (spacings.min(), spacings.max())) + ' mm' if spacing_weights else ''}"
          f" on {len(raw)} candidates ({int(on_nodule.sum())} on nodules, "
          f"{saturated} saturated); operating threshold {threshold:.3f} "
          f"(at most {args.false_positives_per_scan} false positives per calibration scan)")


if __name__ == "__main__":
    main()
