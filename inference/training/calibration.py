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


def apply_sized_platt(probabilities, diameters_mm, slope, log_diameter_slope, intercept, clip=1e-7):
    """Platt scaling with the candidate's size as a second feature:
    sigmoid(a * logit(p) + c * ln(max(d, 1 mm)) + b), as the runtime applies it."""
    size = np.log(np.maximum(np.asarray(diameters_mm, dtype=np.float64), 1.0))
    return 1.0 / (1.0 + np.exp(-(slope * logit(probabilities, clip) + log_diameter_slope * size + intercept)))


def fit_sized_platt(probabilities, diameters_mm, labels, clip=1e-7, ridge=1.0, iterations=100):
    """(a, c, b) of apply_sized_platt: maximum likelihood by Newton's method,
    each step halved until it lowers the objective (plain Newton overshoots
    when most candidates sit on a saturated sigmoid). A weak pull of the two
    slopes towards the identity (a = 1, c = 0), worth `ridge` candidates,
    keeps a separable set finite without biasing an ordinary one; the
    intercept is left free (pulling it towards 0 would drag every score up).
    The score slope a must stay positive (the runtime refuses any other);
    should the optimum put it at or below zero, the score would carry no
    information and the caller is told."""
    features = np.stack([logit(probabilities, clip),
                         np.log(np.maximum(np.asarray(diameters_mm, dtype=np.float64), 1.0)),
                         np.ones(len(labels))], axis=1)
    labels = np.asarray(labels, dtype=np.float64)
    prior = np.array([1.0, 0.0, 0.0])
    pulled = np.diag([1.0, 1.0, 0.0]) * ridge

    def objective(w):
        t = features @ w
        return np.sum(np.logaddexp(0.0, t) - labels * t) + (w - prior) @ pulled @ (w - prior)

    w = prior.copy()
    for _ in range(iterations):
        q = 1.0 / (1.0 + np.exp(-(features @ w)))
        gradient = features.T @ (q - labels) + 2 * pulled @ (w - prior)
        hessian = (features.T * (q * (1 - q))) @ features + 2 * pulled + 1e-9 * np.eye(3)
        step = np.linalg.solve(hessian, gradient)
        before, scale = objective(w), 1.0
        while objective(w - scale * step) > before and scale > 1e-6:
            scale /= 2
        w = w - scale * step
        if np.max(np.abs(scale * step)) < 1e-10:
            break
    if w[0] <= 0:
        raise ValueError(f"the fitted score slope is {w[0]:.4f}: the scores carry no information here")
    return float(w[0]), float(w[1]), float(w[2])
