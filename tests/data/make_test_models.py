#!/usr/bin/env python3
"""Writes tiny TorchScript models and bundles for the inference tests.

Usage: make_test_models.py OUT_DIR

The models have fixed weights (no training) so the tests know exactly what
they compute:
  blob3d.pt        [B,1,D,H,W] -> logits that are high where the 3x3x3 mean of
                   the normalised input is above 0.55 (soft tissue inside lung)
  wrong_shape.pt   returns half the depth: the runtime must refuse its output
and blob3d-bundle/, a complete bundle around blob3d.pt (manifest + weights).
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


if __name__ == "__main__":
    main()
