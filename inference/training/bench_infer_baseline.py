#!/usr/bin/env python3
"""Baseline for `vigie-cli bench infer`: the same TorchScript model and the same
sliding window (windows, overlap, Gaussian blending, normalisation) written as
a plain Python loop over Debian's python3-torch.

    bench_infer_baseline.py MODEL.pt VOLUME.raw NX NY NZ PATCH OVERLAP LOW_HU HIGH_HU THREADS

VOLUME.raw is int16 HU, x fastest. Prints one line: "seconds S".
"""
import sys
import time

import numpy as np
import torch


def starts(size, patch, overlap):
    if size <= patch:
        return [0]
    stride = max(1, int(round(patch * (1 - overlap))))
    out = list(range(0, size - patch, stride))
    out.append(size - patch)
    return out


def gaussian(n):
    x = np.arange(n, dtype=np.float32) - (n - 1) / 2.0
    sigma = max(1.0, n / 8.0)
    return np.exp(-(x * x) / (2 * sigma * sigma))


def main():
    model_file, raw = sys.argv[1], sys.argv[2]
    nx, ny, nz, patch = (int(v) for v in sys.argv[3:7])
    overlap, low, high = (float(v) for v in sys.argv[7:10])
    torch.set_num_threads(int(sys.argv[10]))
    model = torch.jit.load(model_file).eval()
    hu = np.fromfile(raw, dtype=np.int16).reshape(nz, ny, nx)
    start = time.time()
    volume = (np.clip(hu.astype(np.float32), low, high) - low) / (high - low)
    # A volume smaller than a window is padded with air (0 after normalising),
    # as Vigie's runtime does, and the heatmap cropped back.
    volume = np.pad(volume, [(0, max(0, patch - n)) for n in (nz, ny, nx)])
    g = gaussian(patch)
    weights = np.maximum(g[:, None, None] * g[None, :, None] * g[None, None, :], 1e-12).astype(np.float32)
    accumulated = np.zeros_like(volume)
    weight_sum = np.zeros_like(volume)
    with torch.no_grad():
        pz, py, px = volume.shape
        for z in starts(pz, patch, overlap):
            for y in starts(py, patch, overlap):
                for x in starts(px, patch, overlap):
                    window = volume[z : z + patch, y : y + patch, x : x + patch]
                    out = model(torch.from_numpy(np.ascontiguousarray(window))[None, None])
                    p = torch.sigmoid(out[0, -1]).numpy()
                    accumulated[z : z + patch, y : y + patch, x : x + patch] += p * weights
                    weight_sum[z : z + patch, y : y + patch, x : x + patch] += weights
    heatmap = (accumulated / weight_sum)[:nz, :ny, :nx]
    print(f"seconds {time.time() - start:.3f} max {heatmap.max():.4f}")


if __name__ == "__main__":
    main()
