"""How good are the predictions, and where do they go wrong (introduced in notebook 03).

A test accuracy is an estimate from a finite test set, so the course always reports it
with its 95 % confidence interval (:func:`accuracy_interval`, :class:`AccuracyEstimate`).

Labels are integer arrays of shape ``(n_samples,)`` with values ``0..n_classes-1``.
A confusion matrix ``cm`` has shape ``(n_classes, n_classes)``: ``cm[t, p]`` counts
the samples of true class ``t`` predicted as ``p`` (rows: truth, columns: prediction,
as in scikit-learn).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from course_utils.i18n import tr


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of samples with ``y_pred == y_true``, a float in [0, 1]."""
    y_true, y_pred = _check_pair(y_true, y_pred, "accuracy")
    if len(y_true) == 0:
        raise ValueError(tr("accuracy of an empty set of predictions is undefined."))
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
        raise ValueError(tr("num_classes must be a positive integer, got {num_classes!r}.",
                            num_classes=num_classes))
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and labels.max() >= num_classes:
            raise ValueError(tr("confusion_matrix: {name} contains label {label}, but "
                                "num_classes={num_classes} allows only 0..{largest}.",
                                name=name, label=labels.max(), num_classes=num_classes,
                                largest=num_classes - 1))
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
        raise ValueError(tr("k must be a positive integer, got {k!r}.", k=k))
    off = cm.copy()
    np.fill_diagonal(off, 0)
    flat = off.reshape(-1)
    order = np.argsort(-flat, kind="stable")[:k]
    n = cm.shape[0]
    return [(int(i // n), int(i % n), int(flat[i])) for i in order if flat[i] > 0]


@dataclass(frozen=True)
class AccuracyEstimate:
    """A test accuracy with its confidence interval: ``correct`` of ``total`` right.

    ``str()`` gives what the notebooks print, e.g. ``93.1 % (95 % CI 91.4-94.5 %, n = 1,000)``.
    """

    correct: int
    total: int
    low: float
    high: float
    confidence: float = 0.95

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def half_width(self) -> float:
        """Half the interval's width, in [0, 1]: the "±" a reader can attach to the accuracy."""
        return (self.high - self.low) / 2

    def __str__(self) -> str:
        return tr("{accuracy:.1f} % ({confidence:.0f} % CI {low:.1f}–{high:.1f} %, n = {total:,})",
                  accuracy=100 * self.accuracy, confidence=100 * self.confidence,
                  low=100 * self.low, high=100 * self.high, total=self.total)


def wilson_interval(correct: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval for a proportion ``correct / total`` (Wilson's score interval).

    Each test image is a coin flip that comes up "right" with the model's true accuracy
    ``p``, so the count right is binomial. With ``z`` the normal quantile
    (1.96 for 95 %) and ``p̂ = correct / total``, the interval is

        (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n).

    Unlike the textbook ``p̂ ± z √(p̂(1 − p̂)/n)`` it never leaves [0, 1] and stays
    honest near 0 % and 100 %. Its half-width is about ``z √(p̂(1 − p̂)/n)``: on 100 test
    images, a 79 % accuracy is uncertain by about ±8 points; on 10,000, by about ±0.8.
    """
    for name, value in (("correct", correct), ("total", total)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(tr("wilson_interval: {name} must be a non-negative integer, got "
                                "{value!r}.", name=name, value=value))
    if total == 0:
        raise ValueError(tr("wilson_interval: total is 0; an accuracy needs at least one sample."))
    if correct > total:
        raise ValueError(tr("wilson_interval: correct={correct} is more than total={total}.",
                            correct=correct, total=total))
    if not 0 < confidence < 1:
        raise ValueError(tr("wilson_interval: confidence must be in (0, 1), got {confidence!r} "
                            "(0.95 for a 95 % interval).", confidence=confidence))
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = correct / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    low = 0.0 if correct == 0 else max(0.0, centre - half)   # exact ends, not 1e-17 off
    high = 1.0 if correct == total else min(1.0, centre + half)
    return low, high


def accuracy_interval(y_true: np.ndarray, y_pred: np.ndarray,
                      confidence: float = 0.95) -> AccuracyEstimate:
    """The accuracy of ``y_pred`` with its Wilson confidence interval (see :func:`wilson_interval`).

    Args:
        y_true, y_pred: ``(n_samples,)`` integer labels.
        confidence: coverage of the interval, 0.95 by default.
    """
    y_true, y_pred = _check_pair(y_true, y_pred, "accuracy_interval")
    if len(y_true) == 0:
        raise ValueError(tr("accuracy_interval of an empty set of predictions is undefined."))
    correct = int(np.count_nonzero(y_true == y_pred))
    low, high = wilson_interval(correct, len(y_true), confidence)
    return AccuracyEstimate(correct, len(y_true), low, high, confidence)


def required_test_size(accuracy: float, half_width: float, confidence: float = 0.95) -> int:
    """How many test images make the interval of an accuracy near ``accuracy`` ±``half_width``.

    From ``half_width = z √(p(1 − p)/n)``: ``n = z² p (1 − p) / half_width²``. Telling
    apart two models one point apart at 93 % needs intervals of about ±0.5 points, that
    is about 10,000 test images.
    """
    if not 0 < accuracy < 1:
        raise ValueError(tr("required_test_size: accuracy must be in (0, 1), got {accuracy!r}.",
                            accuracy=accuracy))
    if not 0 < half_width < 1:
        raise ValueError(tr("required_test_size: half_width must be in (0, 1), got {half_width!r} "
                            "(0.005 for ±0.5 points).", half_width=half_width))
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return math.ceil(z * z * accuracy * (1 - accuracy) / half_width ** 2)


@dataclass(frozen=True)
class RunsSummary:
    """The test accuracies of one model trained with several seeds, on one test set.

    Two kinds of noise sit in such numbers, and the summary prints both: the spread
    between seeds (how much the training's randomness moves the result: ``sd``, the
    sample standard deviation, and the range) and the uncertainty of one run's
    accuracy measured on ``n_test`` images (``run_half_width``, the half-width of its
    95 % Wilson interval at the mean accuracy). Only a difference between two models
    larger than both is evidence. ``str()`` gives, for example,
    ``93.0 % ± 0.5 (sd of 5 seeds; range 92.3–93.7 %; one run's 95 % CI ±1.6 points, n = 1,000)``.
    """

    accuracies: tuple[float, ...]
    n_test: int

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def sd(self) -> float:
        return float(np.std(self.accuracies, ddof=1))

    @property
    def low(self) -> float:
        return float(min(self.accuracies))

    @property
    def high(self) -> float:
        return float(max(self.accuracies))

    @property
    def run_half_width(self) -> float:
        low, high = wilson_interval(round(self.mean * self.n_test), self.n_test)
        return (high - low) / 2

    def __str__(self) -> str:
        return tr("{mean:.1f} % ± {sd:.1f} (sd of {n_seeds} seeds; range {low:.1f}–{high:.1f} %; "
                  "one run's 95 % CI ±{half_width:.1f} points, n = {n_test:,})",
                  mean=100 * self.mean, sd=100 * self.sd, n_seeds=len(self.accuracies),
                  low=100 * self.low, high=100 * self.high,
                  half_width=100 * self.run_half_width, n_test=self.n_test)


def summarize_runs(accuracies, n_test: int) -> RunsSummary:
    """A :class:`RunsSummary` of test accuracies in [0, 1] from at least two seeds.

    Args:
        accuracies: one test accuracy per seed, each in [0, 1].
        n_test: the number of test images each accuracy was measured on.
    """
    values = np.asarray(accuracies, dtype=np.float64).ravel()
    if len(values) < 2:
        raise ValueError(tr("summarize_runs needs the accuracies of at least 2 seeds to measure "
                            "a spread, got {n_values}.", n_values=len(values)))
    if not np.all((values >= 0) & (values <= 1)):
        raise ValueError(tr("summarize_runs: accuracies must be fractions in [0, 1], got {min:g} "
                            "to {max:g} (pass 0.93, not 93).", min=values.min(), max=values.max()))
    if isinstance(n_test, bool) or not isinstance(n_test, numbers.Integral) or n_test < 1:
        raise ValueError(tr("summarize_runs: n_test must be a positive integer, got {n_test!r}.",
                            n_test=n_test))
    return RunsSummary(tuple(float(v) for v in values), int(n_test))


def _check_pair(y_true: np.ndarray, y_pred: np.ndarray, who: str) -> tuple[np.ndarray, ...]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(tr("{who} expects two label arrays of one shape (n_samples,), got y_true "
                            "{y_true_shape} and y_pred {y_pred_shape}. Predicted probabilities "
                            "(n, k) must first become labels: proba.argmax(axis=1).",
                            who=who, y_true_shape=y_true.shape, y_pred_shape=y_pred.shape))
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(tr("{who}: {name} must hold integer labels, got dtype {dtype}.",
                               who=who, name=name, dtype=labels.dtype))
        if labels.size and labels.min() < 0:
            raise ValueError(tr("{who}: {name} contains the negative label {label}.",
                                who=who, name=name, label=labels.min()))
    return y_true, y_pred


def _check_cm(cm: np.ndarray, who: str) -> np.ndarray:
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(tr("{who} expects a square confusion matrix (k, k), got shape {shape}.",
                            who=who, shape=cm.shape))
    if not np.issubdtype(cm.dtype, np.integer):
        raise TypeError(tr("{who} expects integer counts, got dtype {dtype}.",
                           who=who, dtype=cm.dtype))
    return cm
