#!/usr/bin/env python3
"""Checks train_ct_nodule.py --magnify: a patch shown on a finer grid holds
the nodule where its target says, larger by the magnification, and a
patch on the case's own grid (the default) holds it at its size. On a made-up case with
one solid sphere in lung, with the domain randomisation switched off so that
the image is the case's own. Exits non-zero, naming the check, on the first
failure."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
import ct_augment  # noqa: E402
import train_ct_nodule  # noqa: E402
from train_ct_nodule import MAGNIFY_MAX, PATCH, PatchSampler, normalize  # noqa: E402


def check(condition, what):
    if not condition:
        sys.exit(f"check_magnified_patches: FAILED: {what}")
    print(f"ok: {what}")


class SphereCase:
    """96^3 voxels of 1.25 mm lung (-850 HU) around one 10 mm solid nodule
    (40 HU) at a centre off the voxel grid."""

    spacing = np.array([1.25, 1.25, 1.25])
    origin = np.zeros(3)
    diameter = 10.0

    def __init__(self):
        self.center_mm = np.array([60.3, 59.6, 60.9])  # x y z
        z, y, x = np.indices((96, 96, 96))
        centers_mm = np.stack([x, y, z], axis=-1) * self.spacing
        inside = np.linalg.norm(centers_mm - self.center_mm, axis=-1) <= self.diameter / 2
        self.hu = np.where(inside, 40, -850).astype(np.int16)
        self.nodules = [(self.center_mm, self.diameter, "solid")]
        self.attachments = ["isolated"]

    def to_index(self, point_mm):
        return (np.asarray(point_mm) - self.origin) / self.spacing


def nodule_patches(share, count=40, seed=3):
    """`count` (image, target) patches drawn around the case's nodule, a
    `share` of them magnified."""
    case = SphereCase()
    sampler = PatchSampler([case], np.random.default_rng(seed), magnify_share=share)
    patches = []
    for _ in range(count):
        center = case.to_index(case.center_mm) + sampler.rng.uniform(-3, 3, size=3)
        patches.append(sampler._patch(case, center))
    return patches


def dice(a, b):
    return 2 * (a & b).sum() / max(a.sum() + b.sum(), 1)


# The case as it is: no vessels, noise or thick slices drawn over it.
ct_augment.randomise = lambda hu, nodule, rng: hu.astype(np.float64)
train_ct_nodule.ct_augment = ct_augment
nodule_voxels = 4 / 3 * np.pi * (SphereCase.diameter / 2 / 1.25) ** 3
midway = normalize(np.array([(40 - 850) / 2]))[0]

plain = nodule_patches(0.0)
check(all(image.shape == (PATCH,) * 3 for image, _ in plain), "the default patches are 32^3")
check(all(dice(image > midway, target > 0) > 0.9 for image, target in plain),
      "the default patches: the target is the nodule (Dice above 0.9)")
volumes = [target.sum() for _, target in plain]
check(abs(np.mean(volumes) / nodule_voxels - 1) < 0.1, "the default patches: the target is the nodule's size")

magnified = nodule_patches(1.0)
check(all(image.shape == (PATCH,) * 3 for image, _ in magnified), "the magnified patches are 32^3")
check(all(dice(image > midway, target > 0) > 0.9 for image, target in magnified),
      "the magnified patches: the target is the nodule, on the finer grid (Dice above 0.9)")
ratios = np.array([target.sum() for _, target in magnified]) / nodule_voxels
check(ratios.min() > 0.95 and ratios.max() < 1.05 * MAGNIFY_MAX ** 3,
      f"the magnified nodule is 1 to {MAGNIFY_MAX ** 3:.2f} times the voxels ({ratios.min():.2f}-{ratios.max():.2f})")
check(ratios.mean() > 1.3, f"the magnified nodule is larger on average ({ratios.mean():.2f} times the voxels)")
# Where the nodule is in the image agrees with its target to the voxel: shifting the target by one
# voxel along any axis only lowers the mean intensity under it.
for axis in range(3):
    under = {shift: np.mean([image[np.roll(target, shift, axis) > 0].mean() for image, target in magnified])
             for shift in (-1, 0, 1)}
    check(under[0] > max(under[-1], under[1]), f"the magnified target is centred on the nodule along axis {axis}")
