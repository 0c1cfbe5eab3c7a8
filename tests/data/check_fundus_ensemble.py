#!/usr/bin/env python3
"""Checks fundus_dr_model.FundusDrEnsemble, the mean of several DR networks
that DR model 0.5.0 ships, on made-up photographs with untrained networks:
its grade probabilities and lesion map are the members' means, its
gradability is the first member's alone, the traced bundle network gives
the same, and fit_fundus_quality.load_trained reads an ensemble back with
every member's weights. Exits non-zero, naming the check, on the first
failure."""
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from fit_fundus_quality import load_trained  # noqa: E402
from fundus_dr_model import ExportedFundusDrNet, FundusDrEnsemble, FundusDrNet  # noqa: E402
from train_fundus_dr import MEAN, SD  # noqa: E402

SIZE = 96


def check(condition, what):
    if not condition:
        sys.exit(f"check_fundus_ensemble: FAILED: {what}")
    print(f"ok: {what}")


def close(a, b):
    return torch.allclose(a, b, atol=1e-6, rtol=1e-5)


members = []
for seed in (7, 8):
    torch.manual_seed(seed)
    members.append(FundusDrNet(MEAN, SD).eval())
ensemble = FundusDrEnsemble(members).eval()
photos = torch.rand(2, 3, SIZE, SIZE)

with torch.no_grad():
    grade, gradable, heatmap, lesions = ensemble(photos)
    alone = [member(photos) for member in members]
mean_grade = torch.stack([torch.softmax(o[0], dim=1) for o in alone]).mean(dim=0)
check(close(torch.softmax(grade, dim=1), mean_grade), "the grade probabilities are the members' mean")
check(not close(torch.softmax(alone[0][0], dim=1), torch.softmax(alone[1][0], dim=1)),
      "the two members answer differently (so the mean is not trivially either)")
check(close(heatmap, (alone[0][2] + alone[1][2]) / 2), "the lesion map is the members' mean")
mean_lesions = (torch.softmax(alone[0][3], dim=1) + torch.softmax(alone[1][3], dim=1)) / 2
check(close(torch.softmax(lesions, dim=1), mean_lesions), "the lesion classes are the members' mean")
check(torch.equal(gradable, alone[0][1]), "gradability is the first member's alone")
check(ensemble.gate_network() is members[0] and ensemble.gradable is members[0].gradable,
      "the gate is read from and fitted on the first member")

with torch.no_grad():
    traced = torch.jit.trace(ExportedFundusDrNet(ensemble).eval(), torch.zeros(1, 3, SIZE, SIZE))
    exported = traced(photos)
check(all(close(a, b) for a, b in zip(exported, (grade, gradable, heatmap))),
      "the traced bundle network gives the ensemble's grade, gradability and lesion map")

with tempfile.TemporaryDirectory() as folder:
    traced.save(os.path.join(folder, "model.pt"))
    loaded = load_trained(folder)
check(isinstance(loaded, FundusDrEnsemble) and len(loaded.members) == 2, "load_trained reads an ensemble of two back")
with torch.no_grad():
    again = loaded(photos)
check(close(again[0], grade) and close(again[2], heatmap),
      "read back, the ensemble gives the same grade and lesion map (only the gate is fresh)")
check(loaded.members[0].photo_quality is not None and loaded.members[1].photo_quality is None,
      "the fresh gate, with its photograph-quality measures, is the first member's")
