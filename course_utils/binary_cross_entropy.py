"""A sigmoid output and binary cross-entropy, computed from logits (introduced in notebook 02).

Two classes need a single output: the logit ``z`` of class 1. Its probability is

    p = sigmoid(z) = 1 / (1 + exp(-z)),        and class 0 gets 1 - p.

The loss of one sample with target ``y`` (1 for class 1, 0 for class 0) is

    L = -[y log p + (1 - y) log(1 - p)],

and the loss of a batch is the mean over its ``n`` samples. Since
``log p = -softplus(-z)`` and ``log(1 - p) = -softplus(z)``, with
``softplus(t) = log(1 + exp(t))``, the same loss is

    L = softplus(z) - y z,

which stays finite for any finite ``z``: no probability is rounded to 0 before a log
(``log(sigmoid(-1000))`` would be ``log(0) = -inf``). Its derivative is
``dL/dz = sigmoid(z) - y`` for one sample (notebook 02 derives it, exercise 2.4), so the
gradient of the batch mean is ``(sigmoid(z) - y) / n``.

* :func:`sigmoid` -- ``(n,)`` logits -> ``(n,)`` probabilities of class 1, accurate in both tails;
* :func:`binary_cross_entropy` -- the mean loss of a batch, a float;
* :func:`binary_cross_entropy_grad` -- its gradient with respect to the logits, ``(n,)``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` elementwise, without overflow and accurate in both tails.

    With ``e = exp(-|z|)`` (at most 1, never overflows): ``1 / (1 + e)`` for ``z >= 0``
    and ``e / (1 + e)`` for ``z < 0``, the same function written two ways.

    Args:
        z: float array of any shape.

    Returns:
        Probabilities in ``[0, 1]``, same shape and dtype as ``z``.
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        raise TypeError(f"sigmoid expects floating-point logits, got dtype {z.dtype}. "
                        "Convert with z.astype(np.float64).")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def binary_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean binary cross-entropy ``(1/n) sum_i [softplus(z_i) - y_i z_i]`` of a batch.

    Args:
        logits: ``(n,)`` float, the logit of class 1 for each sample (before the sigmoid).
        targets: ``(n,)`` in ``[0, 1]``: 1 for class 1, 0 for class 0 (soft targets allowed).

    Returns:
        The loss as a Python float; ``log 2`` when every logit is 0.
    """
    z, y = _check(logits, targets, "binary_cross_entropy")
    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(softplus - y * z))


def binary_cross_entropy_grad(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``d(mean binary cross-entropy)/d(logits) = (sigmoid(z) - y) / n``.

    Args, shapes: as :func:`binary_cross_entropy`.

    Returns:
        ``(n,)``, the dtype of ``logits``.
    """
    z, y = _check(logits, targets, "binary_cross_entropy_grad")
    return ((sigmoid(z) - y) / len(z)).astype(z.dtype, copy=False)


def _check(logits, targets, who: str) -> tuple[np.ndarray, np.ndarray]:
    z, y = np.asarray(logits), np.asarray(targets)
    if z.ndim != 1:
        hint = " Flatten a column of logits with z.ravel()." if z.ndim == 2 and 1 in z.shape else ""
        raise ValueError(f"{who} expects one logit per sample, shape (n,), got shape "
                         f"{z.shape}.{hint}")
    if len(z) == 0:
        raise ValueError(f"{who} needs at least one sample; got an empty batch.")
    if not np.issubdtype(z.dtype, np.floating):
        raise TypeError(f"{who} expects floating-point logits, got dtype {z.dtype}. "
                        "Convert with z.astype(np.float64).")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{who}: the logits contain NaN or infinite values.")
    if y.shape != z.shape:
        raise ValueError(f"{who}: logits have shape {z.shape} but targets have shape "
                         f"{y.shape}; there must be one target per logit.")
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise TypeError(f"{who}: targets must be numbers 0 and 1, got dtype {y.dtype}.")
    y = y.astype(z.dtype)
    if not np.all((y >= 0) & (y <= 1)):
        raise ValueError(f"{who}: targets must lie in [0, 1] (1 for class 1, 0 for class 0); "
                         f"found values from {y.min():g} to {y.max():g}.")
    return z, y
