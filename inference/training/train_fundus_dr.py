#!/usr/bin/env python3
"""Trains Vigie's reference diabetic-retinopathy model on synthetic fundus
photographs and packages it as a model bundle.

    train_fundus_dr.py --data DIR --out BUNDLE --vigie-cli PATH [--epochs N] [--seed S] [--smoke]

DIR holds photographs written by `vigie-cli synth fundus` (PNG, lesion masks,
truth.json). Losses: the ICDR grade (cross-entropy), gradability (binary),
and the lesion masks (per-pixel cross-entropy, so the heatmap shows lesions).
Reproducible: fixed seeds, deterministic order, one process. The result is
labelled synthetic and not for clinical use in its manifest.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fundus_dr_model import ExportedFundusDrNet, FundusDrNet  # noqa: E402
from vigie_data import package_bundle  # noqa: E402

SIZE = 384
MEAN = (0.5, 0.25, 0.1)  # the phantom's reddish photographs, 0..1 scale
SD = (0.25, 0.15, 0.1)
GREY_LEVEL_FOV = 20  # pixels above this (max over RGB) belong to the field of view


def field_of_view_box(rgb):
    """Bounding square of the bright field of view (as the C++ runtime crops)."""
    mask = rgb.max(axis=2) > GREY_LEVEL_FOV
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return 0, 0, rgb.shape[1], rgb.shape[0]
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    side = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    return cx - side // 2, cy - side // 2, side, side


def crop_square(img, box, fill=0):
    x, y, w, h = box
    out = Image.new(img.mode, (w, h), fill)
    out.paste(img.crop((max(x, 0), max(y, 0), min(x + w, img.width), min(y + h, img.height))), (max(-x, 0), max(-y, 0)))
    return out


def load(folder):
    with open(os.path.join(folder, "truth.json")) as f:
        truth = json.load(f)["images"]
    images, masks, grades, gradable = [], [], [], []
    for t in truth:
        rgb = Image.open(os.path.join(folder, t["file"])).convert("RGB")
        box = field_of_view_box(np.asarray(rgb))
        rgb = crop_square(rgb, box).resize((SIZE, SIZE), Image.BILINEAR)
        mask = Image.open(os.path.join(folder, t["lesion_mask"]))
        mask = crop_square(mask, box).resize((SIZE // 4, SIZE // 4), Image.NEAREST)
        images.append(np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1))
        masks.append(np.asarray(mask, dtype=np.uint8))
        grades.append(t["grade"])
        gradable.append(1.0 if t["gradable"] else 0.0)
    return (np.stack(images), np.stack(masks).astype(np.int64), np.array(grades, dtype=np.int64),
            np.array(gradable, dtype=np.float32))


def normalise(batch_uint8):
    x = torch.from_numpy(batch_uint8).float() / 255.0
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    sd = torch.tensor(SD).view(1, 3, 1, 1)
    return (x - mean) / sd


def augment(x, rng):
    # Left and right eyes are mirror images; brightness varies between cameras.
    if rng.random() < 0.5:
        x = torch.flip(x, dims=[3])
        return x, True
    return x, False


def train(net, data, args, rng):
    images, masks, grades, gradable = data
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = args.epochs * max(1, len(images) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    lesion_weights = torch.tensor([0.2, 3.0, 2.0, 1.5, 1.5, 2.0])  # lesions are rare pixels
    net.train()
    step, last = 0, 0.0
    for epoch in range(args.epochs):
        order = rng.permutation(len(images))
        for b in range(0, len(order) - args.batch + 1, args.batch):
            idx = order[b:b + args.batch]
            x = normalise(images[idx])
            m = torch.from_numpy(masks[idx])
            x, flipped = augment(x, rng)
            if flipped:
                m = torch.flip(m, dims=[2])
            x = x * float(rng.uniform(0.85, 1.15))
            grade_logits, gradable_logit, _, lesion_logits = net(x)
            loss = (F.cross_entropy(grade_logits, torch.from_numpy(grades[idx]))
                    + 0.5 * F.binary_cross_entropy_with_logits(gradable_logit[:, 0], torch.from_numpy(gradable[idx]))
                    + F.cross_entropy(lesion_logits, m, weight=lesion_weights))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            last = 0.9 * last + 0.1 * loss.item() if step > 1 else loss.item()
        print(f"epoch {epoch + 1}/{args.epochs}: loss {last:.3f}", flush=True)
    return last


def write_bundle(net, n_images, args, seconds, final_loss):
    exported = ExportedFundusDrNet(net).eval()
    with torch.no_grad():
        traced = torch.jit.trace(exported, torch.zeros(1, 3, SIZE, SIZE))
    manifest = {
        "schema_version": 1,
        "id": "vigie-fundus-dr-synth",
        "name": "Vigie diabetic-retinopathy screening (synthetic training data, not for clinical use)",
        "version": "0.1.0",
        "task": "fundus-dr-screening",
        "modality": "OP",
        "weights": {"file": "model.pt", "sha256": "0" * 64},
        "input": {"channels": 3, "target_size": [SIZE, SIZE], "colour": {"mean": list(MEAN), "sd": list(SD)},
                  "crop_field_of_view": True},
        "output": {"kind": "heatmap+class-scores", "heatmap_activation": "none",
                   "labels": ["icdr-0", "icdr-1", "icdr-2", "icdr-3", "icdr-4"]},
        "thresholds": {"referable": 0.5, "gradable": 0.5},
        "inference": {"batch_size": 4},
        "intended_use": "Software testing and demonstration on synthetic phantoms. Synthetic training data, not for clinical use.",
        "training_data": (f"{n_images} Vigie synthetic fundus photographs (vigie-cli synth fundus, seed {args.data_seed}), "
                          f"{args.epochs} epochs of batch {args.batch} at {SIZE}x{SIZE}, training seed {args.seed}, "
                          f"{seconds / 60:.1f} min on {torch.get_num_threads()} CPU threads, final loss {final_loss:.3f}"),
        "clinical_use": False,
        "metrics": {},
    }
    package_bundle(traced, manifest, args.vigie_cli, args.out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--vigie-cli", required=True)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--data-seed", type=int, default=2000, help="recorded in the manifest")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--smoke", action="store_true", help="one short epoch: proves the recipe runs")
    args = p.parse_args()
    if args.smoke:
        args.epochs, args.batch = 1, 4
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    start = time.time()
    data = load(args.data)
    print(f"{len(data[0])} photographs loaded in {time.time() - start:.1f} s; grades {np.bincount(data[2], minlength=5).tolist()}", flush=True)
    net = FundusDrNet()
    final_loss = train(net, data, args, rng)
    seconds = time.time() - start
    write_bundle(net.eval(), len(data[0]), args, seconds, final_loss)
    print(f"trained in {seconds / 60:.1f} min; bundle in {args.out}")


if __name__ == "__main__":
    main()
