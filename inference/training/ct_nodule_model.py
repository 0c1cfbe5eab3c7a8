"""The reference CT micro-nodule network: a small 3D U-Net.

Fully convolutional, so it trains on 32^3 patches and runs on larger windows;
any size divisible by 4 works. Output: one channel of logits (nodule).

The decoder upsamples with a 1x1x1 convolution at the coarse resolution
followed by trilinear interpolation, not ConvTranspose3d: LibTorch runs the
transposed 3D convolution on the CPU through slow_conv_transpose3d (im2col
buffers, memsets), and a 144^3 window took 6.3 s against 4.0 s this way
(2 threads, model 0.2.0 against 0.3.0's layout).
"""
import json
import os

import torch
import torch.nn.functional as F
from torch import nn


def read_bundle(path):
    """A CT nodule bundle's manifest and TorchScript network, or SystemExit
    naming the file and what is wrong with it."""
    manifest_path = os.path.join(path, "manifest.json")
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as error:
        raise SystemExit(f"{manifest_path}: not a readable bundle manifest ({error})")
    if manifest.get("task") != "ct-nodule-detection":
        raise SystemExit(f"{manifest_path}: task {manifest.get('task')!r}, not a CT nodule model")
    weights = os.path.join(path, manifest.get("weights", {}).get("file", "model.pt"))
    try:
        network = torch.jit.load(weights, map_location="cpu").eval()
    except (RuntimeError, ValueError, OSError) as error:
        raise SystemExit(f"{weights}: not a TorchScript network ({str(error).splitlines()[0]})")
    return manifest, network


def block(channels_in, channels_out):
    return nn.Sequential(
        nn.Conv3d(channels_in, channels_out, 3, padding=1, bias=False),
        nn.BatchNorm3d(channels_out),
        nn.ReLU(inplace=True),
        nn.Conv3d(channels_out, channels_out, 3, padding=1, bias=False),
        nn.BatchNorm3d(channels_out),
        nn.ReLU(inplace=True),
    )


class Upsample(nn.Module):
    """Channels mixed where they are few voxels, then doubled in size."""

    def __init__(self, channels_in, channels_out):
        super().__init__()
        self.mix = nn.Conv3d(channels_in, channels_out, 1)

    def forward(self, x):
        return F.interpolate(self.mix(x), scale_factor=2.0, mode="trilinear", align_corners=False)


class AntiAliasedMaxPool(nn.Module):
    """Halves the size like a 2x max pool, but without its aliasing: the max
    over each 2x2x2 neighbourhood at every voxel, then a binomial blur
    ([1, 2, 1] along each axis) kept at every second voxel (Zhang, "Making
    convolutional networks shift-invariant again", ICML 2019). A plain max
    pool made 0.4.4 see one 5.5 mm nodule at anything from 0.005 to 0.99
    depending on where the pooling grid fell on it."""

    def __init__(self, channels):
        super().__init__()
        taps = torch.tensor([1.0, 2.0, 1.0])
        kernel = taps[:, None, None] * taps[None, :, None] * taps[None, None, :]
        self.register_buffer("kernel", (kernel / kernel.sum()).expand(channels, 1, 3, 3, 3).clone())
        self.channels = channels

    def forward(self, x):
        x = F.max_pool3d(F.pad(x, (0, 1, 0, 1, 0, 1), mode="replicate"), 2, stride=1)
        x = F.pad(x, (1, 1, 1, 1, 1, 1), mode="replicate")
        return F.conv3d(x, self.kernel, stride=2, groups=self.channels)


class NoduleUNet3d(nn.Module):
    """pool: "max" (plain 2x max pooling, models up to 0.4.4) or "blur"
    (AntiAliasedMaxPool)."""

    def __init__(self, width=8, pool="max"):
        super().__init__()
        self.enc1 = block(1, width)
        self.enc2 = block(width, 2 * width)
        self.bottom = block(2 * width, 4 * width)
        self.up2 = Upsample(4 * width, 2 * width)
        self.dec2 = block(4 * width, 2 * width)
        self.up1 = Upsample(2 * width, width)
        self.dec1 = block(2 * width, width)
        self.head = nn.Conv3d(width, 1, 1)
        if pool == "max":
            self.pool1 = self.pool2 = nn.MaxPool3d(2)
        elif pool == "blur":
            self.pool1, self.pool2 = AntiAliasedMaxPool(width), AntiAliasedMaxPool(2 * width)
        else:
            raise ValueError(f"pool must be 'max' or 'blur', not {pool!r}")

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool1(e1))
        b = self.bottom(self.pool2(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)
