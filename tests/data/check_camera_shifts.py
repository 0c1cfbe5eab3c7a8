#!/usr/bin/env python3
"""Checks the camera variation a DR model learns from and is judged on, on a
made-up photograph (a bright disc on black):
- fundus_augment.camera (with what archives add): in 0..1, dark outside the field of view, the same
  for the same seed; its JPEG round trip costs little at high quality and
  more at low quality; magnify enlarges the field of view in the same frame;
- camera_shift_fundus: each shift gives an RGB photograph of the size it
  promises, dark outside the field of view where it changes colours, and the
  comparison counts changed calls, the mean change and ungradable calls.
Exits non-zero, naming the check, on the first failure."""
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from camera_shift_fundus import SHIFTS, compare  # noqa: E402
from fundus_augment import camera, jpeg_round_trip, magnify  # noqa: E402

SIZE = 128


def check(condition, what):
    if not condition:
        sys.exit(f"check_camera_shifts: FAILED: {what}")
    print(f"ok: {what}")


ys, xs = np.mgrid[0:SIZE, 0:SIZE]
radius = np.hypot(ys - SIZE / 2, xs - SIZE / 2)
field = radius <= SIZE * 0.35
rng = np.random.default_rng(3)
texture = 0.75 + 0.25 * rng.random((SIZE, SIZE))
rgb = np.stack([0.8 * texture, 0.4 * texture, 0.15 * texture], axis=2) * field[..., None]

# The training augmentation.
batch = torch.from_numpy(rgb.astype(np.float32)).permute(2, 0, 1).unsqueeze(0).repeat(6, 1, 1, 1)
torch.manual_seed(5)  # the sensor noise is torch's, the rest numpy's, as in training
first = camera(batch, np.random.default_rng(11), archive=True)
torch.manual_seed(5)
again = camera(batch, np.random.default_rng(11), archive=True)
check(torch.equal(first, again), "camera() gives the same photographs for the same seeds")
check(bool(((first >= 0) & (first <= 1)).all()), "camera() stays in 0..1")
# JPEG rings within the 16 x 16 blocks of its halved colour resolution that the edge crosses, as
# real files do; beyond them the border stays under the runtime's field-of-view level (20 of 255).
clear = torch.from_numpy(radius > SIZE * 0.35 + 23)
check(float(first[:, :, clear].max()) < 20 / 255, "camera() leaves the outside of the field of view dark")
image = batch[0]
fine, coarse = jpeg_round_trip(image, 95), jpeg_round_trip(image, 30)
check(fine.shape == image.shape and fine.dtype == image.dtype, "the JPEG round trip keeps the shape and type")
fine_error, coarse_error = float((fine - image).abs().mean()), float((coarse - image).abs().mean())
check(fine_error < 0.01 and coarse_error > fine_error,
      f"JPEG costs little at quality 95 ({fine_error:.4f}) and more at 30 ({coarse_error:.4f})")

same = magnify(image, 1.0)
check(same.shape == image.shape and float((same - image).abs().max()) < 1e-5, "magnify by 1 leaves the photograph")
field_share = float((image.amax(0) > 20 / 255).float().mean())
larger = magnify(image, 1.3)
larger_share = float((larger.amax(0) > 20 / 255).float().mean())
check(larger.shape == image.shape and larger_share > field_share * 1.4,
      f"magnify by 1.3 fills more of the frame ({field_share:.2f} to {larger_share:.2f})")

# The evaluation's camera shifts.
photo = Image.fromarray((rgb * 255 + 0.5).astype(np.uint8))
sizes = {"full_size_3504": (3504, 2336), "framed_640x480": (640, 480), "low_resolution": (1024, 1024)}
for name, shift in SHIFTS.items():
    shifted = shift(photo)
    check(shifted.mode == "RGB", f"{name}: an RGB photograph")
    if name in sizes:
        check(shifted.size == sizes[name], f"{name}: {sizes[name][0]} x {sizes[name][1]}")
    if name in ("warm", "green", "pale", "darker"):
        pixels = np.asarray(shifted)
        check(shifted.size == photo.size and int(pixels[~field].max()) == 0,
              f"{name}: the same size, black outside the field of view")
        check(np.abs(pixels[field].astype(int) - np.asarray(photo)[field]).mean() > 2, f"{name}: colours changed")
cut = SHIFTS["field_cut_square"](photo)
check(cut.size[0] == cut.size[1] < SIZE, "field_cut_square: a square smaller than the photograph")

reference = {"a": {"referable_probability": "0.9", "predicted_gradable": "1"},
             "b": {"referable_probability": "0.2", "predicted_gradable": "1"}}
shifted = {"a": {"referable_probability": "0.4", "predicted_gradable": "1"},
           "b": {"referable_probability": "0.3", "predicted_gradable": "0"}}
figures = compare(reference, shifted, 0.5)
check(figures["referable_calls_changed"] == 1, "compare: one call changed (0.9 to 0.4 at 0.5)")
check(abs(figures["mean_abs_change"] - 0.3) < 1e-9, "compare: mean change (0.5 + 0.1) / 2")
check(figures["called_ungradable"] == 1, "compare: one photograph called ungradable")
