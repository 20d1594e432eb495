"""How good are the predictions, and where do they go wrong (introduced in notebook 03).

Labels are integer arrays of shape ``(n_samples,)`` with values ``0..n_classes-1``.
A confusion matrix ``cm`` has shape ``(n_classes, n_classes)``: ``cm[t, p]`` counts
the samples of true class ``t`` predicted as ``p`` (rows: truth, columns: prediction,
as in scikit-learn).
"""

from __future__ import annotations

import numbers

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of samples with ``y_pred == y_true``, a float in [0, 1]."""
    y_true, y_pred = _check_pair(y_true, y_pred, "accuracy")
    if len(y_true) == 0:
        raise ValueError("accuracy of an empty set of predictions is undefined.")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray,
                     num_classes: int | None = None) -> np.ndarray:
    """Count how often each true class is predicted as each class.

    Args:
        y_true, y_pred: ``(n_samples,)`` integer labels.
        num_classes: size of the matrix; default ``max(label) + 1``.

    Returns:
        ``cm``: ``(num_classes, num_classes)`` int64, ``cm[true, predicted]``; the
        diagonal holds the correct predictions, each row sums to that class's count.
    """
    y_true, y_pred = _check_pair(y_true, y_pred, "confusion_matrix")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}.")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and labels.max() >= num_classes:
            raise ValueError(f"confusion_matrix: {name} contains label {labels.max()}, but "
                             f"num_classes={num_classes} allows only 0..{num_classes - 1}.")
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Accuracy within each true class (the recall): ``diag(cm) / row sums``.

    Returns:
        ``(n_classes,)`` float64; NaN for a class that has no samples.
    """
    cm = _check_cm(cm, "per_class_accuracy")
    totals = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(cm) / np.maximum(totals, 1), np.nan)


def most_confused_pairs(cm: np.ndarray, k: int = 5) -> list[tuple[int, int, int]]:
    """The ``k`` largest off-diagonal entries of ``cm``.

    Returns:
        Up to ``k`` triples ``(true_class, predicted_class, count)``, largest count first
        (ties in order of ``(true, predicted)``); pairs that never occur are left out.
    """
    cm = _check_cm(cm, "most_confused_pairs")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    off = cm.copy()
    np.fill_diagonal(off, 0)
    flat = off.reshape(-1)
    order = np.argsort(-flat, kind="stable")[:k]
    n = cm.shape[0]
    return [(int(i // n), int(i % n), int(flat[i])) for i in order if flat[i] > 0]


def _check_pair(y_true: np.ndarray, y_pred: np.ndarray, who: str) -> tuple[np.ndarray, ...]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"{who} expects two label arrays of one shape (n_samples,), got y_true "
                         f"{y_true.shape} and y_pred {y_pred.shape}. Predicted probabilities "
                         "(n, k) must first become labels: proba.argmax(axis=1).")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f"{who}: {name} must hold integer labels, got dtype {labels.dtype}.")
        if labels.size and labels.min() < 0:
            raise ValueError(f"{who}: {name} contains the negative label {labels.min()}.")
    return y_true, y_pred


def _check_cm(cm: np.ndarray, who: str) -> np.ndarray:
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"{who} expects a square confusion matrix (k, k), got shape {cm.shape}.")
    if not np.issubdtype(cm.dtype, np.integer):
        raise TypeError(f"{who} expects integer counts, got dtype {cm.dtype}.")
    return cm
