#!/usr/bin/env python3
"""Writes tiny TorchScript models and bundles for the inference tests.

Usage: make_test_models.py OUT_DIR

The models have fixed weights (no training) so the tests know exactly what
they compute:
  blob3d.pt        [B,1,D,H,W] -> logits that are high where the 3x3x3 mean of
                   the normalised input is above 0.55 (soft tissue inside lung)
  wrong_shape.pt   returns half the depth: the runtime must refuse its output
  centre_density.pt  [N,1,z,y,x] -> [N,1] logits, high when the central 4^3
                   voxels of the cube are denser than 120 HU, bone-like (a
                   candidate classifier that keeps some of blob3d's candidates)
  fundus.pt        [B,3,64,64] -> (grade logits, gradability logit, heatmap):
                   the heatmap is high where the green channel is above 0.5, and
                   the grade goes from 0 to 4 as that area grows past half
  fundus_grades_only.pt   the same grade logits alone (a plain tensor)
  fundus_wrong.pt  returns [B, 4] logits: the runtime must refuse them
and blob3d-bundle/, blob3d-classified-bundle/ (blob3d with centre_density as
its candidate classifier, finding threshold 0.5), blob3d-leaning-bundle/
(blob3d's map moved 2 voxels along x: a bias along one axis, which a pass
mirrored along it cancels) and fundus-bundle/, complete bundles (manifest +
weights).
"""
import hashlib
import json
import os
import sys

import torch


class Blob3d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mean = torch.nn.Conv3d(1, 1, 3, padding=1, bias=False)
        with torch.no_grad():
            self.mean.weight.fill_(1.0 / 27.0)

    def forward(self, x):
        return 40.0 * (self.mean(x) - 0.55)


class LeaningBlob3d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.blob = Blob3d()

    def forward(self, x):
        logits = self.blob(x)
        return torch.nn.functional.pad(logits[:, :, :, :, :-2], (2, 0), value=-40.0)


class CenterDensity(torch.nn.Module):
    def forward(self, x):
        d, h, w = x.shape[2] // 2, x.shape[3] // 2, x.shape[4] // 2
        center = x[:, :, d - 2 : d + 2, h - 2 : h + 2, w - 2 : w + 2].mean(dim=(2, 3, 4))
        return 40.0 * (center - 0.8)


class Fundus(torch.nn.Module):
    def forward(self, x):
        heat = torch.sigmoid(20.0 * (x[:, 1:2] - 0.5))
        heat = torch.nn.functional.avg_pool2d(heat, 4)
        m = heat.mean(dim=(1, 2, 3))
        zero = torch.zeros_like(m)
        grade_logits = torch.stack([10.0 * (0.5 - m), zero, zero, zero, 10.0 * (m - 0.5)], dim=1)
        gradable_logit = (5.0 + zero).unsqueeze(1)
        return grade_logits, gradable_logit, heat


class FundusGradesOnly(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fundus = Fundus()

    def forward(self, x):
        return self.fundus(x)[0]


class FundusWrong(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3)).repeat(1, 2)[:, :4]


def write_bundle(out, name, module, manifest):
    bundle = os.path.join(out, name)
    os.makedirs(bundle, exist_ok=True)
    weights = os.path.join(bundle, "model.pt")
    torch.jit.script(module).save(weights)
    with open(weights, "rb") as f:
        manifest["weights"] = {"file": "model.pt", "sha256": hashlib.sha256(f.read()).hexdigest()}
    with open(os.path.join(bundle, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


class WrongShape(torch.nn.Module):
    def forward(self, x):
        return x[:, :, ::2]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.jit.script(Blob3d()).save(os.path.join(out, "blob3d.pt"))
    torch.jit.script(WrongShape()).save(os.path.join(out, "wrong_shape.pt"))

    bundle = os.path.join(out, "blob3d-bundle")
    os.makedirs(bundle, exist_ok=True)
    weights = os.path.join(bundle, "model.pt")
    torch.jit.script(Blob3d()).save(weights)
    with open(weights, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest = {
        "schema_version": 1,
        "id": "test-blob3d",
        "name": "Test blob detector (fixed weights)",
        "version": "1.0.0",
        "task": "ct-nodule-detection",
        "modality": "CT",
        "weights": {"file": "model.pt", "sha256": digest},
        "input": {
            "channels": 1,
            "spacing_mm": [2.0, 2.0, 2.0],
            "patch_size": [24, 24, 24],
            "intensity": {"window_hu": [-1000, 400], "normalise": "minmax"},
        },
        "output": {"kind": "heatmap", "heatmap_activation": "sigmoid", "labels": ["nodule"]},
        "thresholds": {"candidate": 0.5},
        "inference": {"overlap": 0.25, "batch_size": 2},
        "intended_use": "unit tests only",
        "training_data": "none: fixed weights",
        "clinical_use": False,
    }
    with open(os.path.join(bundle, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)

    leaning = dict(manifest, id="test-blob3d-leaning", name="Test blob detector leaning along x")
    write_bundle(out, "blob3d-leaning-bundle", LeaningBlob3d(), leaning)

    torch.jit.script(CenterDensity()).save(os.path.join(out, "centre_density.pt"))
    classified = os.path.join(out, "blob3d-classified-bundle")
    os.makedirs(classified, exist_ok=True)
    torch.jit.script(Blob3d()).save(os.path.join(classified, "model.pt"))
    torch.jit.script(CenterDensity()).save(os.path.join(classified, "classifier.pt"))
    with open(os.path.join(classified, "classifier.pt"), "rb") as f:
        classifier_digest = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(classified, "model.pt"), "rb") as f:
        manifest["weights"] = {"file": "model.pt", "sha256": hashlib.sha256(f.read()).hexdigest()}
    manifest["id"] = "test-blob3d-classified"
    manifest["thresholds"] = {"candidate": 0.5, "finding": 0.5}
    manifest["candidate_classifier"] = {"file": "classifier.pt", "sha256": classifier_digest,
                                        "patch_size": [8, 8, 8], "batch_size": 3}
    with open(os.path.join(classified, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)

    torch.jit.script(Fundus()).save(os.path.join(out, "fundus.pt"))
    torch.jit.script(FundusGradesOnly()).save(os.path.join(out, "fundus_grades_only.pt"))
    torch.jit.script(FundusWrong()).save(os.path.join(out, "fundus_wrong.pt"))
    write_bundle(out, "fundus-bundle", Fundus(), {
        "schema_version": 1,
        "id": "test-fundus",
        "name": "Test fundus grader (fixed weights)",
        "version": "1.0.0",
        "task": "fundus-dr-screening",
        "modality": "OP",
        "input": {"channels": 3, "target_size": [64, 64], "colour": {"mean": [0, 0, 0], "sd": [1, 1, 1]},
                  "crop_field_of_view": False},
        "output": {"kind": "heatmap+class-scores", "heatmap_activation": "none",
                   "labels": ["icdr-0", "icdr-1", "icdr-2", "icdr-3", "icdr-4"]},
        "thresholds": {"referable": 0.5, "gradable": 0.5},
        "inference": {"batch_size": 3},
        "intended_use": "unit tests only",
        "training_data": "none: fixed weights",
        "clinical_use": False,
    })


if __name__ == "__main__":
    main()
