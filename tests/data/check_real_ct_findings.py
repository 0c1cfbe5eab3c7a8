#!/usr/bin/env python3
"""Runs `vigie-cli analyze` on the real chest CT (CPTAC C3N-00247) and checks
its findings against what the scan holds: the spiculated mass of about 12 mm
at the base of the right lung, against the hemidiaphragm, must be found, and
the other findings (false positives on real anatomy, as far as anyone knows:
the scan has no other annotation) must be at most MAX_OTHERS.

    check_real_ct_findings.py DATA_DIR FINDINGS_JSON MAX_OTHERS -- COMMAND...

Exits 77 (skipped) when DATA_DIR is missing: the real data lives in
../shared beside the clone, not in the repository.
"""
import json
import math
import sys

from real_data import run_on_real_data

# Located by reading the scan (axial slice 32 of 99, z = -192 mm; LPS mm),
# not from a model's output; docs/reference-models.md shows it.
MASS_CENTER_MM = (-82.0, -190.0, -192.0)
MASS_REACH_MM = 15.0


def main():
    args = sys.argv[1:]
    if len(args) < 5 or args[3] != "--":
        sys.exit(__doc__)
    data, findings_file, max_others, command = args[0], args[1], int(args[2]), args[4:]
    run_on_real_data(data, command)
    with open(findings_file) as f:
        findings = json.load(f)["findings"]
    on_mass = [f for f in findings if math.dist(f["center_mm"], MASS_CENTER_MM) <= MASS_REACH_MM]
    others = [f for f in findings if f not in on_mass]
    print(f"the mass: {'found, score ' + format(on_mass[0]['score'], '.2f') if on_mass else 'MISSED'}; "
          f"{len(others)} other finding(s) (at most {max_others})")
    if not on_mass or len(others) > max_others:
        sys.exit("the real CT's findings are not what the model promises")


if __name__ == "__main__":
    main()
