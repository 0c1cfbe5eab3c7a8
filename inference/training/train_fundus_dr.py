#!/usr/bin/env python3
"""Trains Vigie's reference diabetic-retinopathy model on real and synthetic
fundus photographs, calibrates its referable score, and packages it as a
model bundle.

    train_fundus_dr.py --data DIR --out BUNDLE --vigie-cli PATH
                       [--real DIR --train-csv CSV --calibration-csv CSV]
                       [--steps N] [--seed S] [--members K] [--archive-camera] [--smoke]

DIR holds photographs written by `vigie-cli synth fundus` (PNG, lesion masks,
truth.json). --real is the IDRiD folder (../shared/data/fundus-idrid-512);
the CSVs come from idrid_split.py: the training part's photographs and expert
lesion masks teach the network, the calibration part fits the referable
score's calibration (Platt scaling) and nothing else; the held-out test part
is read by no step of this recipe.

Every batch mixes synthetic and real photographs. Real ones pass through
camera augmentation (colour balance, gamma, illumination fall-off, blur,
resolution, field-of-view shape; fundus_augment.py) and a share of them is
degraded into an ungradable photograph (defocus, exposure, lid shadow, small
pupil, off-centre field), so the quality head learns ungradability on real
backgrounds. Losses: the ICDR grade for synthetic photographs (cross-entropy),
referable or not for real ones (IDRiD gives lesions, not grades: a photograph
with lesions is referable, one without is grade 0), gradability (binary), and
the lesion masks (per-pixel cross-entropy, so the heatmap shows lesions).
A real photograph with DR is, 35 % of the time, shown as its own lesions
carried onto another training eye without retinopathy (lesion_transplant.py),
so the network learns the lesions rather than the 27 eyes that have them.
With --members K, K networks are trained one after another from seeds S,
S+1, ... (each exactly the network `--seed S+k` alone trains) and the bundle
holds their mean (fundus_dr_model.FundusDrEnsemble); the calibration is
fitted on the mean. With 72 real photographs one run is a draw, and the mean
of several is steadier (docs/reference-models.md, "Model 0.5.0").
Reproducible: fixed seeds, deterministic order, one process. The result is
labelled not for clinical use in its manifest.
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibration import fit_platt  # noqa: E402
from fundus_augment import DEGRADATIONS, camera, degrade, geometric  # noqa: E402
from fundus_dr_model import ExportedFundusDrNet, FundusDrEnsemble, FundusDrNet  # noqa: E402
from lesion_transplant import transplant  # noqa: E402
import same_kernels  # noqa: E402
from vigie_data import package_bundle  # noqa: E402

SIZE = 384
MEAN = (0.5, 0.25, 0.1)  # the runtime's normalisation; the network standardises each photograph itself
SD = (0.25, 0.15, 0.1)
GRAY_LEVEL_FOV = 20  # pixels above this (max over RGB) belong to the field of view
MASK_LEVEL = 40  # IDRiD's masks are lossy JPEG: a lesion pixel is one above this
# IDRiD mask suffix -> the network's lesion class (the phantom's numbering).
# Painted in this order, so the smallest lesions win where masks overlap.
REAL_LESIONS = (("mask_se", 4), ("mask_ex", 3), ("mask_he", 2), ("mask_ma", 1))
REAL_SHARE = 10  # of each batch of 16; the rest synthetic
UNGRADABLE_SHARE = 0.3  # of the real photographs in a batch
TRANSPLANT_SHARE = 0.35  # of the real photographs with DR drawn: their lesions shown on another eye
EVALUATION = ("Measured by make models-fundus with vigie-cli eval dr and recorded under metrics: real_* on the 50 "
              "held-out real photographs of the IDRiD split (inference/training/data/idrid-test.csv, 19 with DR), "
              "which no training step saw, with 95 % percentile-bootstrap intervals (*_ci_low, *_ci_high, 2000 "
              "resamples); degraded_* on the same photographs with one simulated quality fault each (6 per "
              "photograph); synthetic_* on 300 held-out phantoms at 768 px (seed 9100).")


def field_of_view_box(rgb):
    """Bounding square of the bright field of view, as the C++ runtime finds it
    (threshold, then a 5-pixel opening so specks do not widen the box)."""
    mask = Image.fromarray(((rgb.max(axis=2) > GRAY_LEVEL_FOV) * 255).astype(np.uint8))
    mask = np.asarray(mask.filter(ImageFilter.MinFilter(5)).filter(ImageFilter.MaxFilter(5))) > 0
    ys, xs = np.nonzero(mask)
    if len(xs) == 0 or xs.max() - xs.min() < rgb.shape[1] // 4 or ys.max() - ys.min() < rgb.shape[0] // 4:
        return 0, 0, max(rgb.shape[:2]), max(rgb.shape[:2])
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    side = max(x1 - x0, y1 - y0)
    cx, cy = x0 + (x1 - x0) // 2, y0 + (y1 - y0) // 2
    return cx - side // 2, cy - side // 2, side, side


def crop_square(img, box, fill=0):
    x, y, w, h = box
    out = Image.new(img.mode, (w, h), fill)
    out.paste(img.crop((max(x, 0), max(y, 0), min(x + w, img.width), min(y + h, img.height))), (max(-x, 0), max(-y, 0)))
    return out


def resize_photo(img, size):
    # The runtime shrinks with INTER_AREA (a box filter) and enlarges bilinearly.
    return img.resize((size, size), Image.BOX if img.width > size else Image.BILINEAR)


def load_synthetic(folder):
    with open(os.path.join(folder, "truth.json")) as f:
        truth = json.load(f)["images"]
    images, masks, grades, gradable = [], [], [], []
    for t in truth:
        rgb = Image.open(os.path.join(folder, t["file"])).convert("RGB")
        box = field_of_view_box(np.asarray(rgb))
        rgb = resize_photo(crop_square(rgb, box), SIZE)
        mask = Image.open(os.path.join(folder, t["lesion_mask"]))
        mask = crop_square(mask, box).resize((SIZE // 4, SIZE // 4), Image.NEAREST)
        images.append(np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1))
        masks.append(np.asarray(mask, dtype=np.uint8))
        grades.append(t["grade"])
        gradable.append(1.0 if t["gradable"] else 0.0)
    return (np.stack(images), np.stack(masks).astype(np.int64), np.array(grades, dtype=np.int64),
            np.array(gradable, dtype=np.float32))


def read_labels(csv_path):
    with open(csv_path, newline="") as f:
        return list(csv.DictReader(f))


def real_lesion_mask(folder, row, box):
    """The expert masks as one class map at the network's lesion resolution
    (a cell is a lesion when a tenth of it is: microaneurysms are a few
    pixels), and every lesion pixel at the photograph's resolution, widened by
    a pixel so a lesion carried elsewhere (lesion_transplant.py) takes its rim."""
    out = np.zeros((SIZE // 4, SIZE // 4), dtype=np.int64)
    pixels = np.zeros((SIZE, SIZE), dtype=bool)
    for column, label in REAL_LESIONS:
        if not row.get(column):
            continue
        gray = np.asarray(Image.open(os.path.join(folder, row[column])).convert("RGB")).max(axis=2)
        binary = crop_square(Image.fromarray(((gray > MASK_LEVEL) * 255).astype(np.uint8)), box)
        share = np.asarray(binary.resize((SIZE // 4, SIZE // 4), Image.BOX), dtype=np.float32) / 255
        out[share > 0.1] = label
        pixels |= np.asarray(binary.resize((SIZE, SIZE), Image.BOX)) > 0
    widened = Image.fromarray(pixels.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(3))
    return out, np.asarray(widened) > 0


def load_real(folder, csv_path):
    """Photographs, lesion class maps, referable labels and lesion pixels of
    one part of the split."""
    images, masks, referable, lesion_pixels = [], [], [], []
    for row in read_labels(csv_path):
        rgb = Image.open(os.path.join(folder, row["file"])).convert("RGB")
        box = field_of_view_box(np.asarray(rgb))
        images.append(np.asarray(resize_photo(crop_square(rgb, box), SIZE), dtype=np.uint8).transpose(2, 0, 1))
        classes, pixels = real_lesion_mask(folder, row, box)
        masks.append(classes)
        lesion_pixels.append(pixels)
        referable.append(float(row["referable"]))
    return np.stack(images), np.stack(masks), np.array(referable, dtype=np.float32), np.stack(lesion_pixels)


def normalize(raw01):
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    sd = torch.tensor(SD).view(1, 3, 1, 1)
    return (raw01 - mean) / sd


def referable_log_probability(grade_logits):
    return torch.logsumexp(F.log_softmax(grade_logits, dim=1)[:, 2:], dim=1)


def with_transplants(real, idx, rng):
    """The drawn photographs [n, 3, S, S] in 0..1 and their class maps, where
    each one with DR is, TRANSPLANT_SHARE of the time, shown as its lesions on
    another training eye without retinopathy (lesion_transplant.py)."""
    images, masks, referable, lesion_pixels = real
    x = torch.from_numpy(images[idx]).float() / 255.0
    m = torch.from_numpy(masks[idx])
    healthy = np.flatnonzero(referable == 0)
    for i, k in enumerate(idx):
        if referable[k] == 1 and len(healthy) and rng.random() < TRANSPLANT_SHARE:
            recipient = torch.from_numpy(images[healthy[rng.integers(len(healthy))]]).float() / 255.0
            x[i], m[i] = transplant(x[i], torch.from_numpy(lesion_pixels[k]), m[i], recipient)
    return x, m


ARCHIVE_NOTE = " with in-camera sharpening, JPEG and fields cut by the frame (--archive-camera)"


def real_batch(real, idx, rng, archive=False):
    """Real photographs with camera augmentation; a share degraded into
    ungradable ones. Returns images, masks, referable, gradable and a weight
    per photograph for the grade and lesion losses (0 for degraded ones: their
    lesions may be hidden)."""
    x, m = with_transplants(real, idx, rng)
    x, m = geometric(x, m, rng)
    x = camera(x, rng, archive)
    gradable = torch.ones(len(idx))
    informative = torch.ones(len(idx))
    for i in range(len(idx)):
        kind = DEGRADATIONS[rng.integers(len(DEGRADATIONS))]
        if rng.random() < UNGRADABLE_SHARE:
            x[i] = degrade(x[i], rng, kind)
            gradable[i], informative[i] = 0.0, 0.0
        elif rng.random() < 0.3:
            x[i] = degrade(x[i], rng, kind, mild=True)
    return x, m, torch.from_numpy(real[2][idx]), gradable, informative


def synthetic_batch(synthetic, idx, rng, archive=False):
    images, masks, grades, gradable = synthetic
    x = torch.from_numpy(images[idx]).float() / 255.0
    m = torch.from_numpy(masks[idx])
    x, m = geometric(x, m, rng)
    x = camera(x, rng, archive)
    return x, m, torch.from_numpy(grades[idx]), torch.from_numpy(gradable[idx])


def train(net, synthetic, real, args, rng):
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.steps)
    lesion_weights = torch.tensor([0.2, 3.0, 2.0, 1.5, 1.5, 2.0])  # lesions are rare pixels
    n_real = REAL_SHARE if real is not None else 0
    n_synth = args.batch - n_real
    net.train()
    last, start = 0.0, time.time()
    for step in range(1, args.steps + 1):
        sx, sm, sgrade, sgradable = synthetic_batch(
            synthetic, rng.integers(len(synthetic[0]), size=n_synth), rng, args.archive_camera)
        if n_real:
            rx, rm, rref, rgradable, informative = real_batch(
                real, rng.integers(len(real[0]), size=n_real), rng, args.archive_camera)
            x = torch.cat([sx, rx])
            m = torch.cat([sm, rm])
            gradable = torch.cat([sgradable, rgradable])
        else:
            x, m, gradable = sx, sm, sgradable
        grade_logits, gradable_logit, _, lesion_logits = net(normalize(x))
        loss_grade = F.cross_entropy(grade_logits[:n_synth], sgrade)
        pixel_loss = F.cross_entropy(lesion_logits, m, weight=lesion_weights, reduction="none")  # [N, h, w]
        per_image = pixel_loss.mean(dim=(1, 2))
        lesion_weight = torch.ones(len(x))
        if n_real:
            # Real photographs: grade 0 without lesions, referable (grade >= 2) with them.
            log_referable = referable_log_probability(grade_logits[n_synth:])
            log_normal = F.log_softmax(grade_logits[n_synth:], dim=1)[:, 0]
            real_nll = -(rref * log_referable + (1 - rref) * log_normal)
            loss_grade = loss_grade + (real_nll * informative).sum() / informative.sum().clamp_min(1.0)
            lesion_weight[n_synth:] = informative * 2.0  # real lesions are what matters
        loss_lesion = (per_image * lesion_weight).sum() / lesion_weight.sum()
        loss_quality = F.binary_cross_entropy_with_logits(gradable_logit[:, 0], gradable)
        loss = loss_grade + 0.5 * loss_quality + loss_lesion
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        last = 0.98 * last + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0 or step == args.steps:
            print(f"step {step}/{args.steps}: loss {last:.3f} ({(time.time() - start) / step:.2f} s/step)", flush=True)
    return last


@torch.no_grad()
def predict(net, images_uint8, batch=16):
    """Referable probability and quality score per photograph, eval mode, no augmentation."""
    net.eval()
    referable, quality = [], []
    for b in range(0, len(images_uint8), batch):
        x = normalize(torch.from_numpy(images_uint8[b:b + batch]).float() / 255.0)
        grade_logits, gradable_logit, _, _ = net(x)
        referable.append(referable_log_probability(grade_logits).exp())
        quality.append(torch.sigmoid(gradable_logit[:, 0]))
    return torch.cat(referable).numpy(), torch.cat(quality).numpy()


def write_bundle(net, args, description, calibration):
    exported = ExportedFundusDrNet(net).eval()
    with torch.no_grad():
        traced = torch.jit.trace(exported, torch.zeros(1, 3, SIZE, SIZE))
    manifest = {
        "schema_version": 1,
        "id": "vigie-fundus-dr",
        "name": "Vigie diabetic-retinopathy screening (reference model, not for clinical use)",
        "version": "0.5.0",
        "task": "fundus-dr-screening",
        "modality": "OP",
        "weights": {"file": "model.pt", "sha256": "0" * 64},
        "input": {"channels": 3, "target_size": [SIZE, SIZE], "colour": {"mean": list(MEAN), "sd": list(SD)},
                  "crop_field_of_view": True},
        "output": {"kind": "heatmap+class-scores", "heatmap_activation": "none",
                   "labels": ["icdr-0", "icdr-1", "icdr-2", "icdr-3", "icdr-4"]},
        "thresholds": {"referable": 0.5, "gradable": 0.5},
        "inference": {"batch_size": 4},
        "intended_use": ("Software testing, demonstration and research on colour fundus photographs: flags referable "
                         "diabetic retinopathy (ICDR grade 2 or more), judges image quality and shows lesions. "
                         "Trained on 72 real photographs of one camera and on synthetic phantoms. Not for clinical use."),
        "training_data": description,
        "clinical_use": False,
        "metrics": {},
        "model_card": {
            "document": "docs/model-cards/fundus-dr.md",
            "evaluation": EVALUATION,
            "known_limitations": [
                "Trained on 72 real photographs from a single camera (IDRiD, Kowa VX-10 alpha, India); other cameras, "
                "ethnicities and fields of view are untested.",
                "IDRiD gives lesions, not grades: the grade is learnt from synthetic phantoms, and on real photographs only "
                "'referable or not' was taught. The ICDR grade shown for a real photograph is indicative.",
                "Microaneurysms alone (mild DR) are rarely flagged; proliferative signs (new vessels) were never seen on "
                "a real photograph.",
                "Image quality was learnt from simulated faults on real backgrounds (defocus, exposure, lid shadow, small "
                "pupil, off-centre field), not from real ungradable photographs.",
                "The quality gate turns away no diagnostic-quality real photograph, but it catches only part of the "
                "simulated faults on held-out real backgrounds (139 of 300: every washed-out one, none of the defocused "
                "ones) and 2 of the phantoms' 37 ungradable photographs: a blurred photograph may be graded.",
            ],
        },
    }
    if calibration is not None:
        manifest["calibration"] = {"referable": calibration}
    package_bundle(traced, manifest, args.vigie_cli, args.out)


def member_seeds(args):
    return [args.seed + k for k in range(args.members)]


def describe_members(args, final_losses):
    if args.members == 1:
        return f"training seed {args.seed}, final loss {final_losses[0]:.3f}"
    return (f"the mean of {args.members} networks trained alike from seeds "
            f"{', '.join(str(s) for s in member_seeds(args))} (final losses "
            f"{', '.join(f'{loss:.3f}' for loss in final_losses)})")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="synthetic photographs (vigie-cli synth fundus)")
    p.add_argument("--real", help="the IDRiD folder, e.g. ../shared/data/fundus-idrid-512")
    p.add_argument("--train-csv", help="the training part of the split (idrid_split.py)")
    p.add_argument("--calibration-csv", help="the calibration part of the split")
    p.add_argument("--out", required=True)
    p.add_argument("--vigie-cli", required=True)
    p.add_argument("--steps", type=int, default=900)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--members", type=int, default=1,
                   help="networks trained one after another from seeds S, S+1, ... and shipped as their mean "
                        "(fundus_dr_model.FundusDrEnsemble)")
    p.add_argument("--data-seed", type=int, default=2000, help="recorded in the manifest")
    p.add_argument("--threads", type=same_kernels.thread_count, default=same_kernels.PINNED_THREADS,
                   help="CPU threads (another count trains other weights from the same seeds)")
    p.add_argument("--archive-camera", action="store_true",
                   help="train with sharpening, JPEG and fields cut by the frame too (fundus_augment.camera's "
                        "archive; measured, not shipped: see docs/reference-models.md)")
    p.add_argument("--smoke", action="store_true", help="a few steps: proves the recipe runs")
    args = p.parse_args()
    if bool(args.real) != bool(args.train_csv):
        p.error("--real and --train-csv go together")
    if args.smoke:
        args.steps = 3
    if args.members < 1:
        p.error("--members must be 1 or more")
    same_kernels.pin()
    torch.set_num_threads(args.threads)
    start = time.time()
    synthetic = load_synthetic(args.data)
    real = load_real(args.real, args.train_csv) if args.real else None
    n_real = 0 if real is None else len(real[0])
    print(f"{len(synthetic[0])} synthetic photographs (grades {np.bincount(synthetic[2], minlength=5).tolist()}), "
          f"{n_real} real ({0 if real is None else int(real[2].sum())} with DR) loaded in {time.time() - start:.1f} s",
          flush=True)
    members, final_losses = [], []
    for seed in member_seeds(args):
        # Each member from its own seed, as if trained alone: member k of an ensemble is the network
        # `--seed S+k --members 1` trains.
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        if args.members > 1:
            print(f"member {len(members) + 1} of {args.members}, seed {seed}", flush=True)
        members.append(FundusDrNet(MEAN, SD))
        final_losses.append(train(members[-1], synthetic, real, args, rng))
        members[-1].eval()
    net = members[0] if len(members) == 1 else FundusDrEnsemble(members).eval()

    calibration = None
    calibration_note = ""
    if args.real and args.calibration_csv:
        cal_images, _, cal_labels, _ = load_real(args.real, args.calibration_csv)
        referable, quality = predict(net, cal_images)
        slope, intercept = fit_platt(referable, cal_labels)
        calibration = {"method": "platt", "slope": round(slope, 4), "intercept": round(intercept, 4),
                       "fitted_on": f"{len(cal_labels)} real photographs of the calibration part "
                                    f"({int(cal_labels.sum())} with DR), {os.path.basename(args.calibration_csv)}"}
        calibration_note = (f"; referable score calibrated by Platt scaling on {len(cal_labels)} real photographs "
                            f"set aside for it (slope {slope:.3f}, intercept {intercept:.3f})")
        print(f"calibration part: referable {np.round(referable, 3).tolist()}, labels {cal_labels.astype(int).tolist()}, "
              f"quality min {quality.min():.3f}; Platt slope {slope:.3f}, intercept {intercept:.3f}")
    seconds = time.time() - start
    description = (f"{len(synthetic[0])} Vigie synthetic fundus photographs (vigie-cli synth fundus, seed {args.data_seed}) "
                   f"and {n_real} real photographs of IDRiD (Porwal et al., Data 2018; CC BY 4.0) with their expert "
                   f"lesion masks, the training part of a split by photograph (idrid_split.py, seed 14; a held-out "
                   f"test part is seen by no step); the lesions of {int(TRANSPLANT_SHARE * 100)} % of the DR photographs "
                   f"drawn carried onto other training eyes without retinopathy (lesion_transplant.py); camera "
                   f"augmentation{ARCHIVE_NOTE if args.archive_camera else ''} and simulated quality faults on the "
                   f"real backgrounds; {args.steps} steps of batch "
                   f"{args.batch} at {SIZE}x{SIZE}, {describe_members(args, final_losses)}, "
                   f"{seconds / 60:.1f} min on {same_kernels.describe(torch.get_num_threads())}"
                   f"{calibration_note}")
    if real is None:
        description = (f"{len(synthetic[0])} Vigie synthetic fundus photographs (vigie-cli synth fundus, seed "
                       f"{args.data_seed}), {args.steps} steps, {describe_members(args, final_losses)}")
    write_bundle(net, args, description, calibration)
    print(f"trained in {seconds / 60:.1f} min; bundle in {args.out}")


if __name__ == "__main__":
    main()
