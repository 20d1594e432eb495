"""Softmax, log-softmax and cross-entropy, numerically stable (introduced in notebook 02).

Every function takes logits ``z`` of shape ``(n_samples, n_classes)``: one row
per sample, one column per class, and works along ``axis=1`` (across classes).

Targets are either integer labels ``(n_samples,)`` in ``0..n_classes-1`` or
one-hot rows ``(n_samples, n_classes)`` (any rows of probabilities are accepted).

Why "stable": ``exp(1000)`` is ``inf`` even in float64, and ``exp(-1000)`` is 0.
Softmax does not change when the same constant is added to a whole row, so we
subtract each row's maximum first: the largest exponent becomes ``exp(0) = 1``
and nothing overflows. The cross-entropy is computed from ``log_softmax``
(log-sum-exp), never as ``log(softmax(z))``, because a confident prediction
rounds the other probabilities to exactly 0 and ``log(0) = -inf``.
"""

from __future__ import annotations

import numpy as np

from course_utils.i18n import tr


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax: ``p[i, j] = exp(z[i, j]) / sum_k exp(z[i, k])``.

    Args:
        z: ``(n_samples, n_classes)`` float logits.

    Returns:
        ``(n_samples, n_classes)`` probabilities, same dtype as ``z``; each row sums to 1.
    """
    z = _check_logits(z, "softmax")
    return _softmax(z)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``log(softmax(z))`` via log-sum-exp, finite for any finite logits.

    ``log p[i, j] = (z[i, j] - m_i) - log(sum_k exp(z[i, k] - m_i))`` with
    ``m_i = max_k z[i, k]``; the sum is at least 1, so its log never is ``-inf``.

    Args:
        z: ``(n_samples, n_classes)`` float logits.

    Returns:
        ``(n_samples, n_classes)`` log-probabilities (all <= 0), same dtype as ``z``.
    """
    z = _check_logits(z, "log_softmax")
    return _log_softmax(z)


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean cross-entropy ``L = -(1/n) sum_i log p[i, y_i]`` of a batch.

    Args:
        logits: ``(n_samples, n_classes)`` float logits (before softmax).
        targets: ``(n_samples,)`` integer labels, or ``(n_samples, n_classes)`` one-hot rows.

    Returns:
        The loss as a Python float (finite even for very confident predictions).
    """
    logits = _check_logits(logits, "cross_entropy")
    targets = _check_targets(targets, logits, "cross_entropy")
    return _cross_entropy_from_log_probs(_log_softmax(logits), targets)


def cross_entropy_grad(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits: ``(p - y) / n``.

    ``p = softmax(logits)``, ``y`` the one-hot targets, ``n`` the batch size (the
    loss is a mean over the batch, so each row's gradient carries a ``1/n``).
    Notebook 02 derives it with the chain rule: the softmax Jacobian and the
    derivative of ``-log`` combine into ``p - y``; no further activation
    derivative is multiplied in.

    Args:
        logits: ``(n_samples, n_classes)`` float logits.
        targets: ``(n_samples,)`` integer labels or ``(n_samples, n_classes)`` one-hot rows.

    Returns:
        ``dlogits``: ``(n_samples, n_classes)``, same dtype as ``logits``.
    """
    logits = _check_logits(logits, "cross_entropy_grad")
    targets = _check_targets(targets, logits, "cross_entropy_grad")
    return _grad_from_probs(_softmax(logits), targets)


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Loss and its gradient in one go, computing the softmax only once.

    This is what a training loop calls at the output of the network.

    Args:
        logits: ``(n_samples, n_classes)`` float logits.
        targets: ``(n_samples,)`` integer labels or ``(n_samples, n_classes)`` one-hot rows.

    Returns:
        ``(loss, dlogits)``: the mean cross-entropy (float) and ``(p - y) / n``
        with shape ``(n_samples, n_classes)``.
    """
    logits = _check_logits(logits, "softmax_cross_entropy")
    targets = _check_targets(targets, logits, "softmax_cross_entropy")
    return _softmax_cross_entropy(logits, targets)


# ------------------------------------------------------------------ unchecked cores
# The training loop of course_utils.mlp validates its data once and then calls
# these directly on every mini-batch.


def _softmax(z: np.ndarray) -> np.ndarray:
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


# np.maximum.reduce and np.add.reduce are what z.max() and z.sum() call: the same
# numbers, without the Python layer that costs more than the arithmetic on a
# (64, 10) batch of logits.


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)
    shifted -= np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))
    return shifted


def _cross_entropy_from_log_probs(log_p: np.ndarray, targets: np.ndarray) -> float:
    if targets.ndim == 1:
        picked = log_p[np.arange(len(log_p)), targets]
        return -(float(np.add.reduce(picked, dtype=np.float64)) / len(picked))
    return float(-(targets * log_p).sum(axis=1).mean(dtype=np.float64))


def _grad_from_probs(p: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Turns ``p`` (a fresh array, modified in place) into ``(p - y) / n``."""
    n = len(p)
    if targets.ndim == 1:
        p[np.arange(n), targets] -= 1
    else:
        p -= targets
    p /= p.dtype.type(n)
    return p


def _softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    log_p = _log_softmax(logits)
    loss = _cross_entropy_from_log_probs(log_p, targets)
    return loss, _grad_from_probs(np.exp(log_p, out=log_p), targets)


# ------------------------------------------------------------------ input checks


def _check_logits(z: np.ndarray, who: str) -> np.ndarray:
    if not isinstance(z, np.ndarray):
        raise TypeError(tr("{who} expects a NumPy array of logits, got {type}. Wrap it with "
                           "np.asarray(z, dtype=np.float32).", who=who, type=type(z).__name__))
    if z.ndim != 2:
        hint = (" " + tr("For a single sample use z[None, :] (shape (1, n_classes)).")
                if z.ndim == 1 else "")
        raise ValueError(tr("{who} expects logits of shape (n_samples, n_classes), got shape "
                            "{shape}.{hint}", who=who, shape=z.shape, hint=hint))
    if not np.issubdtype(z.dtype, np.floating):
        raise TypeError(tr("{who} expects floating-point logits, got dtype {dtype}. Convert with "
                           "z.astype(np.float32) (or float64 for gradient checks).", who=who,
                           dtype=z.dtype))
    if z.shape[1] == 0:
        raise ValueError(tr("{who} needs at least one class, got logits of shape {shape}.",
                            who=who, shape=z.shape))
    if not np.isfinite(z).all():
        raise ValueError(tr("{who}: the logits contain NaN or infinite values ({count} "
                            "of {size}). Look for a diverging training run (learning rate too "
                            "high?) or NaN in the inputs.", who=who,
                            count=np.count_nonzero(~np.isfinite(z)), size=z.size))
    return z


def _check_targets(targets: np.ndarray, logits: np.ndarray, who: str) -> np.ndarray:
    targets = np.asarray(targets)
    n, k = logits.shape
    if n == 0:
        # The loss is a mean over the batch: over zero samples it is 0/0 (NaN).
        raise ValueError(tr("{who}: got an empty batch (logits of shape {shape}); the mean loss "
                            "of zero samples is undefined. Check the slice that made the batch "
                            "(e.g. X[start:start + batch_size] with start past the end).", who=who,
                            shape=logits.shape))
    if targets.ndim == 1:
        if not np.issubdtype(targets.dtype, np.integer):
            raise TypeError(tr("{who}: 1-D targets must be integer class labels, got dtype "
                               "{dtype}. Use labels.astype(np.int64), or pass one-hot rows of "
                               "shape (n_samples, n_classes).", who=who, dtype=targets.dtype))
        if len(targets) != n:
            raise ValueError(tr("{who}: logits have shape {logits_shape} but labels have shape "
                                "{targets_shape}; there must be one label per row of logits.",
                                who=who, logits_shape=logits.shape, targets_shape=targets.shape))
        if targets.min() < 0 or targets.max() >= k:
            raise ValueError(tr("{who}: labels must lie in 0..{top} for {k} classes (logits "
                                "shape {shape}); found values from {min} to {max}.", who=who,
                                top=k - 1, k=k, shape=logits.shape, min=targets.min(),
                                max=targets.max()))
        return targets
    if targets.ndim == 2:
        if targets.shape != logits.shape:
            raise ValueError(tr("{who}: one-hot targets must have the shape of the logits, got "
                                "targets {targets_shape} and logits {logits_shape}.", who=who,
                                targets_shape=targets.shape, logits_shape=logits.shape))
        if not (np.issubdtype(targets.dtype, np.number) or targets.dtype == bool):
            raise TypeError(tr("{who}: one-hot targets must be numbers, got dtype {dtype}.",
                               who=who, dtype=targets.dtype))
        targets = targets.astype(logits.dtype, copy=False)
        if not np.isfinite(targets).all() or (targets < 0).any():
            raise ValueError(tr("{who}: one-hot targets must be finite and non-negative.", who=who))
        if not np.allclose(targets.sum(axis=1), 1.0, atol=1e-3):
            raise ValueError(tr("{who}: each row of one-hot targets must sum to 1. If these are "
                                "integer labels, pass them as a 1-D array of shape (n_samples,).",
                                who=who))
        return targets
    raise ValueError(tr("{who}: targets must be labels (n_samples,) or one-hot (n_samples, "
                        "n_classes); got shape {targets_shape} for logits of shape "
                        "{logits_shape}.", who=who, targets_shape=targets.shape,
                        logits_shape=logits.shape))
