#!/usr/bin/env python3
"""Runs a `vigie-cli` command (eval dr, analyze, ...) and checks the JSON it
writes against limits: the test that a model still holds its measured figures
on real held-out data.

    check_metrics.py DATA_DIR -- COMMAND... -- [METRICS_JSON NAME>=VALUE|NAME<=VALUE ...]

With nothing after the second --, it only runs COMMAND (a step that prepares
data for a later check), with the same skip.

Exits 77 (skipped) when DATA_DIR is missing: the real data lives in
../shared beside the clone, not in the repository.
"""
import json
import os
import sys

from real_data import run_on_real_data

# The same dotted paths as the recipes record metrics with.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from record_metrics import lookup  # noqa: E402


def main():
    args = sys.argv[1:]
    if len(args) < 4 or args[1] != "--" or "--" not in args[2:]:
        sys.exit(__doc__)
    data = args[0]
    split = args.index("--", 2)
    command, checks = args[2:split], args[split + 1:]
    run_on_real_data(data, command)
    if not checks:
        return
    metrics_file, limits = checks[0], checks[1:]
    with open(metrics_file) as f:
        metrics = json.load(f)
    failed = []
    for limit in limits:
        op = ">=" if ">=" in limit else "<="
        name, value = limit.split(op)
        measured = lookup(metrics, name)
        ok = measured >= float(value) if op == ">=" else measured <= float(value)
        print(f"{name}: {measured:.4f} (limit {op} {value}) {'ok' if ok else 'FAILED'}")
        if not ok:
            failed.append(name)
    if failed:
        sys.exit(f"below the limits: {', '.join(failed)}")


if __name__ == "__main__":
    main()
