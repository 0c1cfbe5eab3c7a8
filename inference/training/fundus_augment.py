"""Camera and quality variation for fundus training, on batches of RGB
photographs [N, 3, S, S] in 0..1 (torch, CPU), with their lesion masks
[N, S/4, S/4] where they move with the image.

- `geometric`: flips, rotation and scale (the masks follow).
- `camera`: what differs between cameras and sessions but leaves a photograph
  gradable: colour balance, gamma, illumination fall-off, mild blur, sensor
  noise, a lower native resolution, the shape of the field of view; with
  `archive`, also in-camera sharpening, JPEG compression and fields cut by
  every side of the frame.
- `magnify`: a narrower field angle, or a photograph cropped to a square.
- `degrade`: what makes a photograph ungradable on a real background: defocus,
  under- and over-exposure, eyelash and lid shadows, a small pupil, an
  off-centre field. `mild=True` gives the same faults too weak to matter,
  labelled gradable, so the quality head learns where the line is.
"""
import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

DEGRADATIONS = ("defocus", "dark", "washed_out", "lid_shadow", "small_pupil", "off_centre")


def _grid(n, size):
    ys = torch.linspace(-1.0, 1.0, size).view(1, size, 1).expand(n, size, size)
    xs = torch.linspace(-1.0, 1.0, size).view(1, 1, size).expand(n, size, size)
    return ys, xs


def gaussian_blur(img, sigma):
    """Separable Gaussian blur of one image [3, H, W]; sigma in pixels."""
    if sigma < 0.3:
        return img
    radius = max(1, int(math.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=img.dtype)
    k = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    k = (k / k.sum()).to(img.dtype)
    x = img.unsqueeze(0)
    x = F.conv2d(F.pad(x, (radius, radius, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
    x = F.conv2d(F.pad(x, (0, 0, radius, radius), mode="replicate"), k.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)
    return x[0]


def field_of_view(img, level=20.0 / 255.0):
    return (img.amax(dim=-3, keepdim=True) > level).to(img.dtype)


def geometric(images, masks, rng):
    n, _, size, _ = images.shape
    theta = torch.zeros(n, 2, 3)
    for i in range(n):
        angle = math.radians(rng.uniform(-25.0, 25.0))
        scale = rng.uniform(0.9, 1.1)
        flip = -1.0 if rng.random() < 0.5 else 1.0
        c, s = math.cos(angle) / scale, math.sin(angle) / scale
        theta[i] = torch.tensor([[c * flip, -s, 0.0], [s * flip, c, 0.0]])
    grid = F.affine_grid(theta, (n, 3, size, size), align_corners=False)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    small = F.affine_grid(theta, (n, 1, masks.shape[1], masks.shape[2]), align_corners=False)
    moved = F.grid_sample(masks.unsqueeze(1).float(), small, mode="nearest", padding_mode="zeros", align_corners=False)
    return out, moved[:, 0].long()


def _aperture(size, rng, largest=1.08):
    """A field-of-view shape: a disc, sometimes cut flat at top and bottom;
    past a radius of 1 the frame cuts it on every side, as cameras that crop
    their photographs to a square do."""
    ys, xs = _grid(1, size)
    radius = rng.uniform(0.92, largest)
    shape = ((xs ** 2 + ys ** 2) <= radius ** 2).float()
    if rng.random() < 0.5:
        cut = rng.uniform(0.78, 0.97)
        shape = shape * (ys.abs() <= cut).float()
    return shape


def camera(images, rng, archive=False):
    """`archive` adds what cameras and archives do to a file after the optics:
    in-camera sharpening, JPEG compression, and fields cut by every side of
    the frame. The DR network 0.4.0 was trained without it (the same random
    draws as then, so the recipe still gives its weights); its quality gate
    is fitted with it (fit_fundus_quality.py)."""
    n, _, size, _ = images.shape
    out = images.clone()
    ys, xs = _grid(1, size)
    for i in range(n):
        img = out[i]
        fov = field_of_view(img)
        gain = torch.tensor([rng.uniform(0.75, 1.25) for _ in range(3)]).view(3, 1, 1)
        gamma = rng.uniform(0.7, 1.4)
        img = (img.clamp(0, 1) ** gamma) * gain * rng.uniform(0.8, 1.2)
        if rng.random() < 0.7:  # illumination falling off towards one side or the edge
            cy, cx = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)
            fall = 1.0 - rng.uniform(0.0, 0.45) * ((ys - cy) ** 2 + (xs - cx) ** 2)
            img = img * fall.clamp_min(0.2)
        if rng.random() < 0.3:  # a camera of lower resolution, scaled up
            factor = rng.uniform(0.35, 0.9)
            small = max(32, int(size * factor))
            img = F.interpolate(F.interpolate(img.unsqueeze(0), size=(small, small), mode="area"),
                                size=(size, size), mode="bilinear", align_corners=False)[0]
        if rng.random() < 0.3:
            img = gaussian_blur(img, rng.uniform(0.4, 1.0))
        if archive and rng.random() < 0.25:  # in-camera sharpening: an unsharp mask
            img = img + rng.uniform(0.2, 1.0) * (img - gaussian_blur(img, rng.uniform(0.6, 1.5)))
        if rng.random() < 0.5:
            img = img + torch.randn_like(img) * rng.uniform(0.0, 0.02)
        if rng.random() < 0.4:
            fov = fov * _aperture(size, rng, largest=1.2 if archive else 1.08)
        # Keep the field of view above the runtime's level and the border dark.
        out[i] = img.clamp(0, 1) * fov
        if archive and rng.random() < 0.35:  # the photograph as the camera or the archive saved it
            out[i] = jpeg_round_trip(out[i], int(rng.integers(30, 96)))
    return out


def magnify(img, factor):
    """One photograph [3, S, S] as a camera with a narrower field angle, or a
    photograph cropped to a square, gives it: its centre `factor` times larger,
    the field of view cut by every side of the frame."""
    size = img.shape[-1]
    side = max(8, int(round(size / factor)))
    start = (size - side) // 2
    center = img[:, start:start + side, start:start + side].unsqueeze(0)
    return F.interpolate(center, size=(size, size), mode="bilinear", align_corners=False)[0]


def jpeg_round_trip(img, quality):
    """What saving one photograph [3, H, W] in 0..1 as a JPEG of `quality`
    leaves of it: the 8x8 blocks and ringing that lossy archives add, which
    a network must not read as microaneurysms."""
    pixels = (img.clamp(0, 1).permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)
    back = np.asarray(jpeg_saved(Image.fromarray(pixels), quality), dtype=np.float32) / 255.0
    return torch.from_numpy(back).permute(2, 0, 1).to(img.dtype)


def jpeg_saved(photo, quality):
    """An RGB PIL photograph as it reads back from a JPEG of `quality`."""
    saved = io.BytesIO()
    photo.save(saved, "JPEG", quality=quality)
    saved.seek(0)
    return Image.open(saved).convert("RGB")


def degrade(img, rng, kind, mild=False):
    """One photograph [3, S, S] with one quality fault."""
    size = img.shape[-1]
    fov = field_of_view(img)
    ys, xs = _grid(1, size)
    if kind == "defocus":
        return gaussian_blur(img, rng.uniform(0.5, 1.2) if mild else rng.uniform(3.5, 8.0) * size / 384)
    if kind == "dark":
        gain = rng.uniform(0.55, 0.8) if mild else rng.uniform(0.1, 0.25)
        return ((img * gain) + torch.randn_like(img) * 0.01).clamp(0, 1) * fov
    if kind == "washed_out":
        k = rng.uniform(0.7, 0.85) if mild else rng.uniform(0.12, 0.35)
        return (1.0 - (1.0 - img) * k).clamp(0, 1) * fov
    if kind == "lid_shadow":
        cover = rng.uniform(0.03, 0.12) if mild else rng.uniform(0.4, 0.65)
        edge = -1.0 + 2.0 * cover
        band = torch.sigmoid((ys - edge) * rng.uniform(8.0, 25.0))  # 0 in the shadow, 1 below it
        if rng.random() < 0.5:
            band = band.flip(-2)
        depth = rng.uniform(0.03, 0.15)
        return img * (depth + (1.0 - depth) * band)
    if kind == "small_pupil":
        r0 = rng.uniform(0.9, 1.2) if mild else rng.uniform(0.3, 0.5)
        light = torch.exp(-((xs ** 2 + ys ** 2) / r0 ** 2) ** 2)
        return img * light * (1.0 if mild else rng.uniform(0.5, 0.85))
    if kind == "off_centre":
        shift = rng.uniform(0.0, 0.06) if mild else rng.uniform(0.3, 0.5)
        angle = rng.uniform(0, 2 * math.pi)
        dy, dx = int(shift * size * math.sin(angle)), int(shift * size * math.cos(angle))
        moved = torch.roll(img, shifts=(dy, dx), dims=(-2, -1))
        # What rolled in from the other side is outside the retina: dark.
        keep = torch.ones_like(fov)
        if dy > 0:
            keep[..., :dy, :] = 0
        elif dy < 0:
            keep[..., dy:, :] = 0
        if dx > 0:
            keep[..., :, :dx] = 0
        elif dx < 0:
            keep[..., :, dx:] = 0
        return moved * keep * fov
    raise ValueError(kind)
