"""The reference CT micro-nodule network: a small 3D U-Net.

Fully convolutional, so it trains on 32^3 patches and runs on larger windows;
any size divisible by 4 works. Output: one channel of logits (nodule).

The decoder upsamples with a 1x1x1 convolution at the coarse resolution
followed by trilinear interpolation, not ConvTranspose3d: LibTorch runs the
transposed 3D convolution on the CPU through slow_conv_transpose3d (im2col
buffers, memsets), and a 144^3 window took 6.3 s against 4.0 s this way
(2 threads, model 0.2.0 against 0.3.0's layout).
"""
import torch
import torch.nn.functional as F
from torch import nn


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


class NoduleUNet3d(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.enc1 = block(1, width)
        self.enc2 = block(width, 2 * width)
        self.bottom = block(2 * width, 4 * width)
        self.up2 = Upsample(4 * width, 2 * width)
        self.dec2 = block(4 * width, 2 * width)
        self.up1 = Upsample(2 * width, width)
        self.dec1 = block(2 * width, width)
        self.head = nn.Conv3d(width, 1, 1)
        self.pool = nn.MaxPool3d(2)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        b = self.bottom(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)
