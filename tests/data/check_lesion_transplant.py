#!/usr/bin/env python3
"""Checks lesion_transplant.transplant on made-up photographs whose answer is
known: a dark spot (a haemorrhage) on a bright donor is carried onto a darker
recipient as the same contrast, the rest of the recipient is untouched, and
the lesion class map follows, inside the recipient's field of view only.
Exits non-zero, naming the check, on the first failure."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from lesion_transplant import transplant  # noqa: E402

SIZE = 96


def disc(radius, center=(SIZE // 2, SIZE // 2)):
    ys, xs = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    return (ys - center[0]) ** 2 + (xs - center[1]) ** 2 <= radius ** 2


def check(condition, what):
    if not condition:
        sys.exit(f"check_lesion_transplant: FAILED: {what}")
    print(f"ok: {what}")


field = disc(44)
donor = torch.tensor([0.8, 0.4, 0.2]).view(3, 1, 1) * field  # a bright eye
spot = disc(3, (40, 30))
donor = donor * torch.where(spot, 0.5, 1.0)  # the haemorrhage: half as bright as the retina around it
lesion_pixels = disc(4, (40, 30))  # the mask widened a little, as load_real does
classes = torch.zeros(SIZE // 4, SIZE // 4, dtype=torch.long)
classes[10, 7] = 2
classes[0, 0] = 3  # outside every field of view: must not survive

recipient = torch.tensor([0.5, 0.2, 0.05]).view(3, 1, 1) * field  # a darker eye, another colour balance
out, out_classes = transplant(donor, lesion_pixels, classes, recipient)

far = ~disc(6, (40, 30))
check(torch.equal(out[:, far], recipient[:, far]), "the recipient is untouched away from the lesion")
ratio = out[:, 40, 30] / recipient[:, 40, 30]
check(torch.allclose(ratio, torch.full((3,), 0.5), atol=0.03),
      f"the lesion keeps its contrast (centre / retina = {ratio.tolist()}, donor 0.5)")
check(out[:, 40, 30].tolist() != donor[:, 40, 30].tolist(), "the lesion takes the recipient's colour, not the donor's")
check(out_classes[10, 7].item() == 2, "the lesion class map follows the lesion")
check(out_classes[0, 0].item() == 0, "no lesion class outside the recipient's field of view")
check(bool(((out >= 0) & (out <= 1)).all()), "the photograph stays in 0..1")
