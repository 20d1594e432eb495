"""Turning images and labels into what a network eats (introduced in notebook 01).

Conventions: ``images`` are ``(n, 28, 28)`` uint8; a design matrix ``X`` is
``(n_samples, n_features)`` with one flattened image per row; ``labels`` are
``(n,)`` integers ``0..num_classes-1``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from course_utils.i18n import tr


def flatten(images: np.ndarray) -> np.ndarray:
    """``(n, h, w)`` images -> ``(n, h*w)`` rows, one image per row (no copy when possible)."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(
            tr("flatten expects a stack of images with shape (n, height, width), got shape "
               "{shape}. A single image needs a leading axis: image[None].", shape=images.shape)
        )
    return images.reshape(len(images), -1)


def scale_to_unit(images: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 -> float32 in [0, 1] (divide by 255).

    Refuses anything but uint8, because dividing already-scaled floats by 255
    again is a silent, common bug that makes every input almost zero.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(
            tr("scale_to_unit expects raw uint8 pixels (0..255), got dtype {dtype}. If your data "
               "is already scaled, do not scale it twice.", dtype=images.dtype)
        )
    return images.astype(np.float32) / np.float32(255.0)


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Per-feature z-score ``(x - mean) / std`` with a guard for constant features.

    Fit it on the training set only, then apply the *same* mean and std to
    validation and test data (otherwise information leaks from the test set).

    Pixels at the border of MNIST are 0 in every training image: their standard
    deviation is 0, and a plain z-score divides by zero (NaN or inf). Features
    whose std is below ``min_std`` are set to exactly 0 by :meth:`transform`, in
    every data set it is applied to: they carried no information in training, and
    a test image with ink in such a pixel must not produce a huge value there.

    Attributes:
        mean: ``(n_features,)`` float32.
        std: ``(n_features,)`` float32, with constant features' std replaced by 1
            (never used to divide: those features are set to 0).
        constant: ``(n_features,)`` bool, True where the feature was constant.
    """

    mean: np.ndarray
    std: np.ndarray
    constant: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray, min_std: float = 1e-6) -> Standardizer:
        """Learn mean and std of each column of ``X`` ``(n_samples, n_features)``.

        ``min_std``: features whose standard deviation is below this are constant.
        """
        X = _as_float_matrix(X, "Standardizer.fit")
        if len(X) < 2:
            raise ValueError(
                tr("Standardizer.fit needs at least 2 samples to estimate a spread, got {n_x}.",
                   n_x=len(X))
            )
        if not (isinstance(min_std, (int, float)) and np.isfinite(min_std) and min_std > 0):
            raise ValueError(tr("min_std must be a positive number, got {min_std!r}.",
                                min_std=min_std))
        mean = X.mean(axis=0, dtype=np.float64)
        std = X.std(axis=0, dtype=np.float64)
        constant = std < min_std
        safe_std = np.where(constant, 1.0, std)
        return cls(mean.astype(np.float32), safe_std.astype(np.float32), constant)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Apply the learned z-score to ``X`` ``(n_samples, n_features)``; returns float32.

        Constant features (``self.constant``) come out as exactly 0.
        """
        X = _as_float_matrix(X, "Standardizer.transform")
        if X.shape[1] != self.mean.shape[0]:
            raise ValueError(
                tr("This Standardizer was fitted on {mean_value} features, but X has {x_value} "
                   "columns.", mean_value=self.mean.shape[0], x_value=X.shape[1])
            )
        Z = ((X - self.mean) / self.std).astype(np.float32)
        Z[:, self.constant] = 0.0
        return Z


def _as_float_matrix(X: np.ndarray, who: str) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(tr("{who} expects a 2-D array (n_samples, n_features), got shape "
                            "{shape}. Flatten images first with flatten(images).", who=who,
                            shape=X.shape))
    if not np.issubdtype(X.dtype, np.number):
        raise TypeError(tr("{who} expects numbers, got dtype {dtype}.", who=who, dtype=X.dtype))
    X = X.astype(np.float32, copy=False)
    if not np.all(np.isfinite(X)):
        raise ValueError(tr("{who}: X contains NaN or infinite values; clean them first.", who=who))
    return X


def one_hot(labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Integer labels ``(n,)`` -> one-hot float32 ``(n, num_classes)``.

    Row ``i`` is all zeros except a 1 in column ``labels[i]``.
    """
    labels = _check_labels(labels, num_classes)
    encoded = np.zeros((len(labels), num_classes), dtype=np.float32)
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


def _check_labels(labels: np.ndarray, num_classes: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(tr("labels must be a 1-D array (n,), got shape {shape}.",
                            shape=labels.shape))
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(tr("labels must be integers, got dtype {dtype}. Convert with "
                           "labels.astype(int) if they are whole numbers.", dtype=labels.dtype))
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or num_classes < 1
    ):
        raise ValueError(tr("num_classes must be a positive integer, got {num_classes!r}.",
                            num_classes=num_classes))
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(tr("labels must lie in 0..{value}; found values from {min} to {max}.",
                            value=num_classes - 1, min=labels.min(), max=labels.max()))
    return labels


def stratified_split(
    X: np.ndarray, y: np.ndarray, *, val_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``(X, y)`` into training and validation parts with the same class proportions.

    Each class is shuffled (with a generator seeded by ``seed``) and its first
    ``round(val_fraction * class_count)`` members go to validation. Both parts
    come back shuffled, so that data sorted by class (like the embedded MNIST
    subset) does not stay sorted.

    Returns:
        ``X_train, X_val, y_train, y_val``.
    """
    X, y = _check_samples(X, y, seed, "stratified_split")
    if (
        isinstance(val_fraction, bool)
        or not isinstance(val_fraction, numbers.Real)
        or not 0.0 < val_fraction < 1.0
    ):
        raise ValueError(
            tr("val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}.",
               val_fraction=val_fraction)
        )
    rng = np.random.default_rng(seed)
    val_parts, train_parts = [], []
    for k in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == k))
        n_val = int(round(val_fraction * len(members)))
        if n_val == 0 or n_val == len(members):
            raise ValueError(
                tr("val_fraction={val_fraction} leaves class {k} (with {n_members} samples) with "
                   "no training or no validation samples; choose a fraction further from 0 and 1.",
                   val_fraction=val_fraction, k=k, n_members=len(members))
            )
        val_parts.append(members[:n_val])
        train_parts.append(members[n_val:])
    train_idx = rng.permutation(np.concatenate(train_parts))
    val_idx = rng.permutation(np.concatenate(val_parts))
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]


def _check_samples(X, y, seed, who: str) -> tuple[np.ndarray, np.ndarray]:
    """``X`` with one sample per row, ``y`` its ``(n,)`` integer labels, an integer seed."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim != 1:
        raise ValueError(
            tr("{who} expects X with one sample per row and y of shape (n,), got X of shape "
               "{x_shape} and y of shape {y_shape}.", who=who, x_shape=X.shape, y_shape=y.shape)
        )
    if len(X) != len(y):
        raise ValueError(
            tr("X and y must have the same number of samples, got X of shape {x_shape} and y of "
               "shape {y_shape}.", x_shape=X.shape, y_shape=y.shape)
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(tr("y must hold integer class labels, got dtype {dtype}.", dtype=y.dtype))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(tr("seed must be an integer (for a reproducible split), got {seed!r}.",
                           seed=seed))
    return X, y


def stratified_subset(
    X: np.ndarray, y: np.ndarray, size: int, *, seed: int = 0, keep_order: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``size`` samples of ``(X, y)`` with the class proportions of ``y``.

    For example 4,000 of Fashion-MNIST's 60,000 training images, 400 per class, so
    that a notebook runs as fast on the full dataset as on the embedded subset.
    Class ``k``, with ``n_k`` of the ``n`` samples, contributes ``size * n_k / n``
    of them, rounded down; the samples left over go to the classes with the largest
    remainders (the lowest class first on a tie). Members are drawn without
    replacement by a generator seeded by ``seed``, and the subset comes back
    shuffled -- or, with ``keep_order=True``, in the rows' original order, so that data
    sorted by class stays sorted (the same rows are chosen either way).

    Args:
        X: ``(n, ...)``, one sample per row (images ``(n, 28, 28)`` or rows ``(n, d)``).
        y: ``(n,)`` integer labels.
        size: how many samples to keep, ``1 <= size <= n``; every class must keep at least one.
        seed: which samples of each class are drawn (and the shuffle).
        keep_order: return the chosen rows in their original order instead of shuffled.

    Returns:
        ``X_subset (size, ...)``, ``y_subset (size,)``.
    """
    X, y = _check_samples(X, y, seed, "stratified_subset")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= len(y):
        raise ValueError(tr("stratified_subset: size must be an integer from 1 to the number of "
                            "samples ({n_y}), got {size!r}.", n_y=len(y), size=size))
    classes, counts = np.unique(y, return_counts=True)
    quotas = size * counts / len(y)
    keep = np.floor(quotas).astype(int)
    leftover = size - int(keep.sum())
    keep[np.argsort(-(quotas - keep), kind="stable")[:leftover]] += 1
    if np.any(keep == 0):
        empty = classes[keep == 0]
        raise ValueError(tr("stratified_subset: size={size} is too small to keep a sample of "
                            "every class (class {value} gets none); a size of {ceil} or more "
                            "keeps every class.", size=size, value=empty[0],
                            ceil=int(np.ceil(len(y) / counts.min()))))
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(y == k), size=m, replace=False)
              for k, m in zip(classes, keep, strict=True)]
    if not isinstance(keep_order, bool):
        raise TypeError(tr("stratified_subset: keep_order must be True or False, got "
                           "{keep_order!r}.", keep_order=keep_order))
    rows = np.concatenate(chosen)
    rows = np.sort(rows) if keep_order else rng.permutation(rows)
    return X[rows], y[rows]
