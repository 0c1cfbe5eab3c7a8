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


def _ridge_logistic(features, labels, prior, pulled, iterations):
    """Weights w maximising the logistic likelihood of `labels` given
    `features` (rows), less (w - prior)' pulled (w - prior): damped Newton
    steps, each halved until it lowers the objective (plain Newton overshoots
    when most candidates sit on a saturated sigmoid)."""

    def objective(w):
        t = features @ w
        return np.sum(np.logaddexp(0.0, t) - labels * t) + (w - prior) @ pulled @ (w - prior)

    w = prior.copy()
    for _ in range(iterations):
        q = 1.0 / (1.0 + np.exp(-(features @ w)))
        gradient = features.T @ (q - labels) + 2 * pulled @ (w - prior)
        hessian = (features.T * (q * (1 - q))) @ features + 2 * pulled + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        before, scale = objective(w), 1.0
        while objective(w - scale * step) > before and scale > 1e-6:
            scale /= 2
        w = w - scale * step
        if np.max(np.abs(scale * step)) < 1e-10:
            break
    return w


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

    w = _ridge_logistic(features, labels, prior, pulled, iterations)
    if w[0] <= 0:
        raise ValueError(f"the fitted score slope is {w[0]:.4f}: the scores carry no information here")
    return float(w[0]), float(w[1]), float(w[2])


def fit_shape_platt(probabilities, diameters_mm, shape, labels, clip=1e-7, ridge=1.0, iterations=200):
    """Platt scaling with the candidate's size and the image's shape around it
    (the columns of `shape`, vigie-cli's candidateShape values) as further
    features: sigmoid(a * logit(p) + c * ln(d) + sum_i w_i * shape_i + b),
    as the runtime applies a "platt-shape" calibration. Maximum likelihood by
    damped Newton steps as in fit_sized_platt; the shape values are
    standardised for the fit, so that the ridge (worth `ridge` candidates,
    towards a = 1 and every other weight 0) weighs them alike, then the
    weights are given back on the raw values. Returns (a, c, w, b)."""
    shape = np.asarray(shape, dtype=np.float64)
    mean, spread = shape.mean(axis=0), shape.std(axis=0)
    spread[spread < 1e-9] = 1.0  # a constant column carries nothing; keep it finite
    standard = (shape - mean) / spread
    n_shape = shape.shape[1]
    features = np.column_stack([logit(probabilities, clip),
                                np.log(np.maximum(np.asarray(diameters_mm, dtype=np.float64), 1.0)),
                                standard, np.ones(len(labels))])
    labels = np.asarray(labels, dtype=np.float64)
    prior = np.zeros(features.shape[1])
    prior[0] = 1.0
    pulled = np.diag([1.0] * (features.shape[1] - 1) + [0.0]) * ridge

    w = _ridge_logistic(features, labels, prior, pulled, iterations)
    if w[0] <= 0:
        raise ValueError(f"the fitted score slope is {w[0]:.4f}: the scores carry no information here")
    shape_weights = w[2:2 + n_shape] / spread
    intercept = w[-1] - float(np.sum(w[2:2 + n_shape] * mean / spread))
    return float(w[0]), float(w[1]), [float(v) for v in shape_weights], float(intercept)


def apply_shape_platt(probabilities, diameters_mm, shape, slope, log_diameter_slope, shape_weights, intercept,
                      clip=1e-7):
    size = np.log(np.maximum(np.asarray(diameters_mm, dtype=np.float64), 1.0))
    z = slope * logit(probabilities, clip) + log_diameter_slope * size + intercept
    z = z + np.asarray(shape, dtype=np.float64) @ np.asarray(shape_weights, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))
