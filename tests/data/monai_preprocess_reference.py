#!/usr/bin/env python3
"""MONAI's CT pre-processing re-implemented from its documented behaviour, in
numpy, to check Vigie's C++ voxel by voxel (tests/unit/MonaiBundleTest.cpp).

Usage: monai_preprocess_reference.py FOLDER
FOLDER/scan.json: {"size": [i, j, k], "origin", "spacing", "direction": [3 column
vectors] (LPS), "pixdim", "a_min", "a_max", "b_min", "b_max", "clip"};
FOLDER/scan.raw: int16 voxels, i fastest. Writes FOLDER/reference.raw (float32,
[x][y][z], z fastest) and FOLDER/reference.json ({"shape", "affine"}).

The steps, as MONAI documents them:
- LoadImage with ITKReader: the array is indexed (i, j, k); the affine maps
  (i, j, k, 1) to world, converted from LPS to RAS (affine_lps_to_ras).
- Orientation("RAS"): nibabel's io_orientation of the affine (each array axis
  goes to the world axis its column points along most), then the array is
  flipped and transposed; the affine follows, so world positions are unchanged.
- Spacing(pixdim): the new affine keeps the oriented affine's directions with
  columns of length pixdim; compute_shape_offset maps the corners of the voxel
  centres (0 and n - 1 along each axis) into the new grid: shape =
  round(extent + 1) (numpy round, half to even), origin = the corner that is
  smallest in every new axis. Values: voxel-centre mapping of the two affines,
  trilinear, coordinates clamped to the image (padding_mode "border").
- ScaleIntensityRange: (x - a_min) / (a_max - a_min) * (b_max - b_min) + b_min,
  then clipped to [b_min, b_max] when clip.
"""
import json
import os
import sys

import numpy as np


def main():
    folder = sys.argv[1]
    meta = json.load(open(os.path.join(folder, "scan.json")))
    ni, nj, nk = meta["size"]
    scan = np.fromfile(os.path.join(folder, "scan.raw"), dtype=np.int16).reshape(nk, nj, ni)
    image = scan.transpose(2, 1, 0).astype(np.float64)  # (i, j, k), as ITKReader gives MONAI

    direction = np.array(meta["direction"], dtype=np.float64).T  # columns are the axes
    affine = np.eye(4)
    affine[:3, :3] = direction * np.array(meta["spacing"])
    affine[:3, 3] = meta["origin"]
    affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ affine  # LPS -> RAS

    # Orientation to RAS.
    axes = np.abs(affine[:3, :3]).argmax(axis=0)  # world axis of each array axis
    signs = np.sign(affine[axes, range(3)])
    for a in range(3):
        if signs[a] < 0:
            image = np.flip(image, axis=a)
            flip = np.eye(4)
            flip[a, a] = -1
            flip[a, 3] = image.shape[a] - 1
            affine = affine @ flip
    order = np.argsort(axes)  # array axis that goes to world axis 0, 1, 2
    image = image.transpose(order)
    affine = affine[:, list(order) + [3]]

    # Spacing.
    pixdim = np.array(meta["pixdim"], dtype=np.float64)
    rotation = affine[:3, :3] / np.linalg.norm(affine[:3, :3], axis=0)
    new_affine = np.eye(4)
    new_affine[:3, :3] = rotation * pixdim
    corners = np.array(np.meshgrid(*[(0.0, n - 1.0) for n in image.shape], indexing="ij")).reshape(3, -1)
    corners = np.vstack([corners, np.ones(corners.shape[1])])
    in_new = np.linalg.solve(new_affine, affine) @ corners
    shape = np.round(np.ptp(in_new[:3], axis=1) + 1.0).astype(int)
    lowest = in_new[:3].min(axis=1)
    new_affine[:3, 3] = (new_affine @ np.append(lowest, 1.0))[:3]

    # Trilinear, border padding.
    index = np.array(np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape], indexing="ij"))
    index = np.vstack([index.reshape(3, -1), np.ones(int(np.prod(shape)))])
    source = (np.linalg.solve(affine, new_affine) @ index)[:3]
    for a in range(3):
        source[a] = np.clip(source[a], 0, image.shape[a] - 1)
    lo = np.floor(source).astype(int)
    hi = np.minimum(lo + 1, np.array(image.shape)[:, None] - 1)
    t = source - lo
    out = np.zeros(source.shape[1])
    for corner in range(8):
        pick = [(hi if corner >> a & 1 else lo)[a] for a in range(3)]
        weight = np.prod([t[a] if corner >> a & 1 else 1 - t[a] for a in range(3)], axis=0)
        out += weight * image[pick[0], pick[1], pick[2]]

    out = (out - meta["a_min"]) / (meta["a_max"] - meta["a_min"]) * (meta["b_max"] - meta["b_min"]) + meta["b_min"]
    if meta["clip"]:
        out = np.clip(out, min(meta["b_min"], meta["b_max"]), max(meta["b_min"], meta["b_max"]))
    out.astype(np.float32).tofile(os.path.join(folder, "reference.raw"))
    json.dump({"shape": shape.tolist(), "affine": new_affine.tolist()},
              open(os.path.join(folder, "reference.json"), "w"))


if __name__ == "__main__":
    main()
