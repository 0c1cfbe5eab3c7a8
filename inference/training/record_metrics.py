#!/usr/bin/env python3
"""Copies measured figures from a `vigie-cli eval` metrics.json into a bundle's
manifest ("metrics"), so a bundle carries what it was measured to do.

    record_metrics.py MANIFEST METRICS_JSON NAME=PATH [NAME=PATH ...]

PATH is a dotted path into metrics.json (e.g. all.cpm, referable_roc_auc,
findings.# for the length of a list,
referable_roc_auc_ci95.0 for an interval's lower end). The named figures are
added to (or replace) those already recorded, so several evaluations can be
recorded one after the other. The weights are untouched, so the bundle's
SHA-256 stays valid.
"""
import json
import sys


def lookup(data, path):
    """A dotted path: keys, list indices, and '#' for a list's length
    (findings.# is how many findings there are)."""
    for key in path.split("."):
        if key == "#":
            return float(len(data))
        data = data[int(key)] if isinstance(data, list) else data[key]
    return float(data)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    manifest_file, metrics_file = sys.argv[1], sys.argv[2]
    with open(metrics_file) as f:
        metrics = json.load(f)
    with open(manifest_file) as f:
        manifest = json.load(f)
    recorded = {}
    for spec in sys.argv[3:]:
        name, path = spec.split("=", 1)
        recorded[name] = round(lookup(metrics, path), 4)
    manifest["metrics"] = {**manifest.get("metrics", {}), **recorded}
    with open(manifest_file, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{manifest_file}: metrics {recorded}")


if __name__ == "__main__":
    main()
