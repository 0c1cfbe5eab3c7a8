#!/usr/bin/env python3
"""Checks train_ct_nodule.py --attachment-weights: what the option accepts and
refuses, and how it changes the odds of each nodule being drawn as a positive
(small ones more often, times their place's weight). Exits non-zero, naming
the check, on the first failure."""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from train_ct_nodule import PatchSampler, parse_attachment_weights  # noqa: E402


def check(condition, what):
    if not condition:
        sys.exit(f"check_attachment_weights: FAILED: {what}")
    print(f"ok: {what}")


def refused(text, why):
    try:
        parse_attachment_weights(text)
    except argparse.ArgumentTypeError as error:
        return why in str(error)
    return False


check(parse_attachment_weights("vessel=3,pleura=2") == {"vessel": 3.0, "pleura": 2.0}, "two places parsed")
check(parse_attachment_weights("") == {}, "no weights: every nodule as before")
check(refused("lung=2", "'lung': not one of isolated, vessel, pleura, diaphragm"), "an unknown place is refused by name")
check(refused("vessel=lots", "'vessel=lots': the weight is not a number"), "a weight that is not a number is refused")
check(refused("vessel=0", "'vessel=0': the weight must be above 0"), "a weight of 0 is refused")
check(refused("pleura=-1", "must be above 0"), "a negative weight is refused")


class FakeCase:
    """Three nodules: 4 mm isolated, 4 mm on a vessel, 8 mm on the pleura."""
    nodules = [(np.zeros(3), 4.0, "solid"), (np.zeros(3), 4.0, "solid"), (np.zeros(3), 8.0, "ground-glass")]
    attachments = ["isolated", "vessel", "pleura"]


rng = np.random.default_rng(0)
plain = PatchSampler([FakeCase()], rng).positive_draw_odds(FakeCase())
check(np.allclose(plain, [0.4, 0.4, 0.2]), "without weights the odds go as 1/diameter")
weighted = PatchSampler([FakeCase()], rng, {"vessel": 3.0, "pleura": 2.0}).positive_draw_odds(FakeCase())
# 1/4, 3/4, 2/8 -> 0.25, 0.75, 0.25 of 1.25
check(np.allclose(weighted, [0.2, 0.6, 0.2]), "a vessel-attached nodule drawn three times as often as an isolated one")
check(abs(weighted.sum() - 1.0) < 1e-12, "the odds add up to 1")
