"""Reading the synthetic training data that `vigie-cli synth ct --format nifti` writes.

Only the standard library and numpy: ct.nii.gz is Vigie's own NIfTI-1 writer's
output (int16 HU, identity direction), truth.json its ground truth (LPS mm).
"""
import gzip
import json
import os
import struct
import subprocess
import tempfile

import numpy as np


class CtCase:
    """One case: HU volume as (z, y, x) int16, LPS origin and spacing, nodules
    (centre, diameter, type) and, in the same order, where each one sits
    (isolated, vessel, pleura or diaphragm)."""

    def __init__(self, folder):
        self.folder = folder
        with gzip.open(os.path.join(folder, "ct.nii.gz"), "rb") as f:
            raw = f.read()
        dims = struct.unpack_from("<8h", raw, 40)
        datatype = struct.unpack_from("<h", raw, 70)[0]
        if dims[0] != 3 or datatype != 4:
            raise ValueError(f"{folder}/ct.nii.gz: expected a 3D int16 NIfTI volume")
        nx, ny, nz = dims[1], dims[2], dims[3]
        vox_offset = int(struct.unpack_from("<f", raw, 108)[0])
        srow = [struct.unpack_from("<4f", raw, 280 + 16 * r) for r in range(3)]
        # NIfTI is RAS; Vigie's geometry is LPS: flip x and y back.
        self.spacing = np.array([abs(srow[0][0]), abs(srow[1][1]), abs(srow[2][2])])
        self.origin = np.array([-srow[0][3], -srow[1][3], srow[2][3]])
        self.hu = np.frombuffer(raw, dtype="<i2", count=nx * ny * nz, offset=vox_offset).reshape(nz, ny, nx)
        with open(os.path.join(folder, "truth.json")) as f:
            truth = json.load(f)
        self.nodules = [
            (np.array(n["center_mm"], dtype=float), float(n["diameter_mm"]), n["type"]) for n in truth["nodules"]
        ]
        self.attachments = [n.get("attachment", "isolated") for n in truth["nodules"]]

    def to_index(self, point_mm):
        """LPS mm -> continuous (x, y, z) voxel index."""
        return (np.asarray(point_mm) - self.origin) / self.spacing


def load_cases(root):
    folders = sorted(os.path.join(root, d) for d in os.listdir(root) if d.startswith("case_"))
    if not folders:
        raise SystemExit(f"{root}: no case_* folders (write them with: vigie-cli synth ct --format nifti)")
    return [CtCase(f) for f in folders]


def package_bundle(traced, manifest, vigie_cli, out):
    """Saves a traced TorchScript module and packages it with `manifest` as a
    model bundle in `out` through `vigie-cli bundle create` (which fills in the
    weights' file name and SHA-256)."""
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "model.pt")
        traced.save(weights)
        template = os.path.join(tmp, "manifest.json")
        with open(template, "w") as f:
            json.dump(manifest, f, indent=2)
        subprocess.run([vigie_cli, "bundle", "create", weights, "--manifest", template, "--out", out], check=True)
