"""Platt scaling, shared by the training recipes: p' = sigmoid(a * logit(p) + b),
which is what the runtime applies (ScoreCalibration in ModelManifest)."""
import math

import numpy as np


def logit(probabilities, clip):
    p = np.clip(np.asarray(probabilities, dtype=np.float64), clip, 1 - clip)
    return np.log(p / (1 - p))


def apply_platt(probabilities, slope, intercept, clip=1e-7):
    return 1.0 / (1.0 + np.exp(-(slope * logit(probabilities, clip) + intercept)))


def fit_platt(probabilities, labels, clip=1e-6, slopes=(0.05, 3.0), intercepts=(-6.0, 6.0)):
    """(a, b) by grid search on the negative log-likelihood with a weak pull
    towards the identity (a = 1, b = 0): a small or separable calibration set
    would otherwise run to an infinite slope. `clip` keeps scores of exactly
    0 or 1 finite (the runtime clamps at 1e-7)."""
    z = logit(probabilities, clip)
    labels = np.asarray(labels, dtype=np.float64)
    best = (math.inf, 1.0, 0.0)
    for a in np.exp(np.linspace(math.log(slopes[0]), math.log(slopes[1]), 121)):
        for b in np.linspace(intercepts[0], intercepts[1], 121):
            q = 1.0 / (1.0 + np.exp(-(a * z + b)))
            nll = -np.mean(labels * np.log(np.clip(q, 1e-9, 1)) + (1 - labels) * np.log(np.clip(1 - q, 1e-9, 1)))
            nll += 0.02 * (math.log(a) ** 2 + (b / 4.0) ** 2)
            if nll < best[0]:
                best = (nll, float(a), float(b))
    return best[1], best[2]
