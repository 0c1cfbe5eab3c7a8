#!/usr/bin/env python3
"""How a chest CT's lungs look in numbers, to compare phantoms with a real
scan (what inference/training/ct_augment.py randomises towards).

    ct_domain_stats.py [--spacing MM] VOLUME.nii.gz [VOLUME.nii.gz ...]

Each VOLUME is a NIfTI written by `vigie-cli convert` (a real series) or
`vigie-cli synth ct --format nifti` (a phantom). For each it prints: voxel
size; lung HU percentiles; the share of lung voxels denser than -700 HU
(vessels, walls, partial volume); noise as the SD of the in-plane high-pass
(voxel minus its 3x3 mean) in lung; and the in-plane noise power spectrum's
centroid in cycles/mm (sharp kernels put their noise at high frequencies).
With --spacing, each volume is first resampled to that isotropic spacing by
linear interpolation, as the runtime does before the model sees it (a real
scan's noise then looks as it does to the model). The lung is the air below -500 HU inside the body's outline, row by row and
column by column (no segmentation library needed).
"""
import gzip
import struct
import sys

import numpy as np


def read_nifti(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = struct.unpack_from("<8h", raw, 40)
    datatype = struct.unpack_from("<h", raw, 70)[0]
    if dims[0] != 3 or datatype != 4:
        raise SystemExit(f"{path}: expected a 3D int16 NIfTI volume")
    pixdim = struct.unpack_from("<8f", raw, 76)
    offset = int(struct.unpack_from("<f", raw, 108)[0])
    slope, inter = struct.unpack_from("<2f", raw, 112)
    nx, ny, nz = dims[1:4]
    hu = np.frombuffer(raw, dtype="<i2", count=nx * ny * nz, offset=offset).reshape(nz, ny, nx).astype(np.float32)
    if slope not in (0.0, 1.0) or inter != 0.0:
        hu = hu * (slope or 1.0) + inter
    return hu, np.array(pixdim[1:4], dtype=float)


def inside_body(hu):
    """Voxels between the first and last body voxel (> -300 HU) of their row
    and of their column, slice by slice."""
    body = hu > -300
    def between(axis):
        first = np.argmax(body, axis=axis)
        last = body.shape[axis] - 1 - np.argmax(np.flip(body, axis=axis), axis=axis)
        any_body = body.any(axis=axis)
        idx = np.arange(body.shape[axis]).reshape([-1 if a == axis else 1 for a in range(3)])
        return (idx >= np.expand_dims(first, axis)) & (idx <= np.expand_dims(last, axis)) & np.expand_dims(any_body, axis)
    return between(1) & between(2)


def high_pass(slice_hu):
    padded = np.pad(slice_hu, 1, mode="edge")
    mean = sum(padded[1 + dy : 1 + dy + slice_hu.shape[0], 1 + dx : 1 + dx + slice_hu.shape[1]]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9.0
    return slice_hu - mean


def resample(hu, spacing, target):
    import torch
    import torch.nn.functional as F

    size = [max(2, int(round(n * s / target))) for n, s in zip(hu.shape, spacing[::-1])]
    out = F.interpolate(torch.from_numpy(hu)[None, None], size=size, mode="trilinear", align_corners=True)
    return out[0, 0].numpy(), np.array([target] * 3)


def describe(path, target_spacing=None):
    hu, spacing = read_nifti(path)
    if target_spacing:
        hu, spacing = resample(hu, spacing, target_spacing)
    lung = inside_body(hu) & (hu < -500) & (hu > -1024)
    values = hu[lung]
    p = np.percentile(values, [5, 25, 50, 75, 95])
    noise, centroid = [], []
    for k in range(hu.shape[0] // 4, 3 * hu.shape[0] // 4, max(1, hu.shape[0] // 16)):
        hp = high_pass(hu[k])
        region = lung[k] & (hu[k] < -750)
        if region.sum() < 1000:
            continue
        noise.append(hp[region].std())
        spectrum = np.abs(np.fft.fft2(np.where(region, hp, 0.0))) ** 2
        fy = np.fft.fftfreq(hu.shape[1], spacing[1])[:, None]
        fx = np.fft.fftfreq(hu.shape[2], spacing[0])[None, :]
        radius = np.sqrt(fx * fx + fy * fy)
        centroid.append(float((spectrum * radius).sum() / spectrum.sum()))
    print(f"{path}:")
    print(f"  voxels {spacing[0]:.3g} x {spacing[1]:.3g} x {spacing[2]:.3g} mm, {hu.shape[2]}x{hu.shape[1]}x{hu.shape[0]}")
    print(f"  lung HU percentiles 5/25/50/75/95: {' / '.join(f'{v:.0f}' for v in p)}")
    print(f"  lung voxels denser than -700 HU: {100 * (values > -700).mean():.1f} %")
    if noise:
        print(f"  in-plane high-pass SD in lung: {np.median(noise):.1f} HU; "
              f"noise spectrum centroid {np.median(centroid):.3f} cycles/mm")


def main():
    args = sys.argv[1:]
    spacing = None
    if args[:1] == ["--spacing"] and len(args) > 1:
        spacing, args = float(args[1]), args[2:]
    if not args:
        sys.exit(__doc__)
    for path in args:
        describe(path, spacing)


if __name__ == "__main__":
    main()
