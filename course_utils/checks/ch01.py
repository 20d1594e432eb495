"""Checks for the exercises of notebook 01, *Exploring MNIST*.

Four exercises, in the order the notebook asks for them:

* ``mean_image_per_class(images, labels, num_classes)``: ``(n, h, w)`` uint8 images ->
  ``(num_classes, h, w)`` float mean image of each class;
* ``constant_pixels(X)``: ``(n, d)`` -> ``(d,)`` bool, True where a pixel never changes;
* ``zscore(X_train, X)``: standardise ``X`` with the per-pixel mean and standard deviation
  of ``X_train``, setting pixels that are constant in ``X_train`` to 0;
* ``one_hot(labels, num_classes)``: ``(n,)`` int -> ``(n, num_classes)`` float32.

The references live here (and in :mod:`course_utils.preprocessing`); each check
recognises the typical mistakes by recomputing what the mistaken code returns
(see :mod:`course_utils.checks.feedback`).
"""

from __future__ import annotations

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    KnownMistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)
from course_utils.preprocessing import Standardizer
from course_utils.preprocessing import one_hot as _reference_one_hot

# ---------------------------------------------------------------- one-hot encoding

_ONE_HOT = "one_hot"


def _one_hot_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="classes in rows, samples in columns",
            explanation="Your array has one row per class and one column per sample: it is the "
                        "transpose of what the course uses. Every array here has one sample "
                        "per row, shape (n_samples, num_classes).",
            hint="Build the array with shape (len(labels), num_classes).",
            compute=lambda labels, k: _reference_one_hot(labels, k).T,
        ),
        KnownMistake(
            name="one column too many",
            explanation="Your array has num_classes + 1 columns, as if the classes were "
                        "numbered 1..num_classes. Class indices start at 0.",
            hint="Use num_classes columns; label k goes to column k.",
            compute=lambda labels, k: np.eye(k + 1)[labels],
        ),
    ]


def _diagnose_one_hot(student_fn) -> Feedback:
    def procedure() -> str:
        labels = np.array([3, 0, 9, 3, 7], dtype=np.int64)
        expected = _reference_one_hot(labels, 10)
        got = call_student(_ONE_HOT, student_fn, labels, 10)
        compare_arrays(_ONE_HOT, got, expected, inputs=(labels, 10), mistakes=_one_hot_mistakes(),
                       what="the one-hot array")
        if not np.issubdtype(np.asarray(got).dtype, np.floating):
            stop(_ONE_HOT, Status.MISTAKE,
                 f"The values are right but the dtype is {np.asarray(got).dtype}; the network "
                 "computes in float32, so the targets should be float32 too.",
                 hint="Create the array with np.zeros(..., dtype=np.float32).")
        return "One row per sample, a single 1 in the column of its class."

    return diagnose(_ONE_HOT, procedure)


ONE_HOT = Exercise(
    name=_ONE_HOT,
    reference=_reference_one_hot,
    diagnosis=_diagnose_one_hot,
    wrong_solutions={
        "classes in rows, samples in columns":
            lambda labels, k: np.eye(k, dtype=np.float32)[labels].T,
        "one column too many": lambda labels, k: np.eye(k + 1, dtype=np.float32)[labels],
    },
)


def check_one_hot(student_fn):
    """Check the one-hot exercise; returns the function to use from here on."""
    return ONE_HOT.check(student_fn)




# ---------------------------------------------------------------- mean image per class

_MEAN_IMAGE = "mean_image_per_class"


def mean_image_per_class(images: np.ndarray, labels: np.ndarray,
                         num_classes: int = 10) -> np.ndarray:
    """The average image of each class (reference for exercise 1.1 of notebook 01).

    Args:
        images: ``(n, h, w)`` uint8.
        labels: ``(n,)`` int in ``0..num_classes-1``; every class must occur.

    Returns:
        ``(num_classes, h, w)`` float64: entry ``k`` is the pixel-wise mean of the
        images whose label is ``k``. The sums are taken in float64, because summing
        uint8 values in uint8 wraps around at 256.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or labels.shape != (len(images),):
        raise ValueError(f"Expected images (n, h, w) and labels (n,), got shapes {images.shape} "
                         f"and {labels.shape}.")
    means = np.empty((num_classes, *images.shape[1:]), dtype=np.float64)
    for k in range(num_classes):
        members = images[labels == k]
        if len(members) == 0:
            raise ValueError(f"Class {k} has no images, so it has no mean image.")
        means[k] = members.mean(axis=0, dtype=np.float64)
    return means


def _per_class(images, labels, k, reduce):
    return np.stack([reduce(images[labels == c]) for c in range(k)])


def _uint8_sum(members):
    return np.sum(members, axis=0, dtype=np.uint8)  # what sum() / `total += image` in uint8 give


_MEAN_MISTAKES = {
    "summed in uint8, which wraps around at 256": (
        "Your sums overflowed: adding uint8 images keeps the result in uint8, so every total "
        "above 255 wraps around (200 + 100 gives 44). Python's sum(...) over uint8 images and "
        "a uint8 accumulator (np.zeros_like(image); total += image) both do this, silently.",
        "Let NumPy average in floating point: images[labels == k].mean(axis=0), or convert "
        "first with .astype(np.float64).",
        lambda im, lab, k: _per_class(im, lab, k, lambda m: _uint8_sum(m) / len(m)),
    ),
    "averaged over the wrong axis": (
        "You averaged within each image (over its rows or pixels) instead of across the "
        "images of the class. Axis 0 of images[labels == k] runs over the images.",
        "Average over axis 0: images[labels == k].mean(axis=0) has shape (h, w).",
        lambda im, lab, k: _per_class(im, lab, k, lambda m: m.mean(axis=1)),
    ),
    "forgot the class mask": (
        "Every class got the same image: the mean of all images, whatever their label.",
        "Select the images of class k first with a boolean mask: images[labels == k].",
        lambda im, lab, k: np.stack([im.mean(axis=0)] * k),
    ),
    "returned flat images": (
        "Your mean images are flat rows of h*w values; the exercise asks for images of shape "
        "(h, w), so that the result has shape (num_classes, h, w).",
        "Keep the image axes: average the (n, h, w) stack over axis 0, or reshape the result "
        "with .reshape(num_classes, *images.shape[1:]).",
        lambda im, lab, k: mean_image_per_class(im, lab, k).reshape(k, -1),
    ),
    "assumed the images are sorted by class": (
        "You took consecutive blocks of images as the classes. That only works when the data "
        "is sorted by class with equal counts; the check's images are shuffled.",
        "Select by label, not by position: images[labels == k].",
        lambda im, lab, k: im.reshape(k, len(im) // k, *im.shape[1:]).mean(axis=1),
    ),
    "divided by the number of all images": (
        "You divided each class's sum by the total number of images instead of the number "
        "of images in that class, so every mean image is too faint.",
        "Divide by np.count_nonzero(labels == k), or use .mean(axis=0) on the selected images.",
        lambda im, lab, k: _per_class(im, lab, k, lambda m: m.sum(axis=0) / len(im)),
    ),
    "ignored num_classes": (
        "Your function always returns 10 mean images; asked for 4 classes, the extra ones are "
        "means of no images at all (NaN). Other datasets have other numbers of classes.",
        "Loop over range(num_classes), and make the result's first axis num_classes long.",
        lambda im, lab, k: np.concatenate(
            [mean_image_per_class(im, lab, k), np.full((10 - k, *im.shape[1:]), np.nan)]),
    ),
    "integer division": (
        "Your means are whole numbers: // (floor division) throws away the fractional part.",
        "Use / (true division), or .mean(axis=0).",
        lambda im, lab, k: _per_class(im, lab, k, lambda m: m.sum(axis=0) // len(m)),
    ),
}


def _mistakes(table) -> list[KnownMistake]:
    return [KnownMistake(name, explanation, hint, compute)
            for name, (explanation, hint, compute) in table.items()]


def _mean_image_inputs(seed: int, num_classes: int, counts: list[int], side: int):
    """Shuffled uint8 images (values 100..255, so any class sum overflows uint8) and labels."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(num_classes), counts)).astype(np.int64)
    images = rng.integers(100, 256, size=(len(labels), side, side), dtype=np.uint8)
    return images, labels


def _diagnose_mean_image(student_fn) -> Feedback:
    def procedure() -> str:
        # 4 classes of 6 images of 5x5 pixels: every mistaken shape differs from (4, 5, 5).
        images, labels = _mean_image_inputs(seed=1, num_classes=4, counts=[6] * 4, side=5)
        got = call_student(_MEAN_IMAGE, student_fn, images, labels, 4)
        compare_arrays(_MEAN_IMAGE, got, mean_image_per_class(images, labels, 4),
                       inputs=(images, labels, 4), mistakes=_mistakes(_MEAN_MISTAKES),
                       what="the array of mean images")
        # Unequal class sizes and another number of classes: nothing may be hard-coded.
        images, labels = _mean_image_inputs(seed=2, num_classes=3, counts=[2, 7, 4], side=6)
        got = call_student(_MEAN_IMAGE, student_fn, images, labels, 3)
        compare_arrays(_MEAN_IMAGE, got, mean_image_per_class(images, labels, 3),
                       inputs=(images, labels, 3), what="with 3 classes of 2, 7 and 4 images, "
                       "the array of mean images")
        return ("One mean image per class, averaged over that class's images only, "
                "without uint8 overflow, also for unequal class sizes.")

    return diagnose(_MEAN_IMAGE, procedure)


def _ten_means_without_warnings(images, labels):
    with np.errstate(invalid="ignore"):  # 0/0 for the classes that do not occur
        return np.stack([images[labels == c].sum(axis=0) / np.count_nonzero(labels == c)
                         for c in range(10)])


MEAN_IMAGE = Exercise(
    name=_MEAN_IMAGE,
    reference=mean_image_per_class,
    diagnosis=_diagnose_mean_image,
    wrong_solutions={
        "summed in uint8, which wraps around at 256": lambda im, lab, k=10: np.stack(
            [sum(im[lab == c]) / np.count_nonzero(lab == c) for c in range(k)]),
        "averaged over the wrong axis": lambda im, lab, k=10: np.stack(
            [im[lab == c].mean(axis=1) for c in range(k)]),
        "forgot the class mask": lambda im, lab, k=10: np.stack(
            [im.mean(axis=0) for _ in range(k)]),
        "returned flat images": lambda im, lab, k=10: np.stack(
            [im[lab == c].reshape(-1, im.shape[1] * im.shape[2]).mean(axis=0) for c in range(k)]),
        "assumed the images are sorted by class": lambda im, lab, k=10: np.stack(
            [im[c * (len(im) // k):(c + 1) * (len(im) // k)].mean(axis=0) for c in range(k)]),
        "divided by the number of all images": lambda im, lab, k=10: np.stack(
            [im[lab == c].sum(axis=0) / len(lab) for c in range(k)]),
        "ignored num_classes": lambda im, lab, k=10: _ten_means_without_warnings(im, lab),
        "integer division": lambda im, lab, k=10: np.stack(
            [im[lab == c].sum(axis=0) // np.count_nonzero(lab == c) for c in range(k)]),
    },
)


def check_mean_image_per_class(student_fn):
    """Check exercise 1.1 (mean image per class); returns the function to use from here on."""
    return MEAN_IMAGE.check(student_fn)


# ---------------------------------------------------------------- constant pixels

_CONSTANT = "constant_pixels"


def constant_pixels(X: np.ndarray) -> np.ndarray:
    """Which features never change (reference for exercise 1.2 of notebook 01).

    Args:
        X: ``(n_samples, n_features)``, for example flattened uint8 images.

    Returns:
        ``(n_features,)`` bool: True where column ``j`` holds the same value in every row.
    """
    X = np.asarray(X)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"Expected X of shape (n_samples, n_features) with n_samples >= 1, "
                         f"got shape {X.shape}.")
    return np.all(X == X[0], axis=0)


_CONSTANT_MISTAKES = {
    "checked each image instead of each pixel": (
        "Your mask has one entry per image (row) instead of one per pixel (column): the "
        "reduction ran along axis 1.",
        "Reduce over the images, axis 0: the result must have shape (n_features,).",
        lambda X: X.min(axis=1) == X.max(axis=1),
    ),
    "only looked for pixels that are always 0": (
        "You found the pixels that are 0 in every image, but a pixel that is always 7 (or "
        "always 255) is just as constant, and has a standard deviation of 0 just the same.",
        "Compare each column with itself, not with 0: X.std(axis=0) == 0, or "
        "X.min(axis=0) == X.max(axis=0).",
        lambda X: np.all(X == 0, axis=0),
    ),
    "returned the count instead of the mask": (
        "You returned how many pixels are constant; the exercise asks for the mask itself "
        "(one True/False per pixel), which the next cells use to select columns.",
        "Return the boolean array; its .sum() is the count.",
        lambda X: np.count_nonzero(constant_pixels(X)),
    ),
}

_INT_MASK = "mask of 0/1 numbers instead of booleans"


def _constant_inputs() -> np.ndarray:
    """(6, 12) uint8: columns 0, 3 and 5 constant at 0, 7 and 255; column 8 is 0 except once."""
    X = np.random.default_rng(3).integers(1, 200, size=(6, 12), dtype=np.uint8)
    X[:, 0], X[:, 3], X[:, 5] = 0, 7, 255
    X[:, 8] = 0
    X[4, 8] = 90
    X[:, 10] = np.arange(6, dtype=np.uint8)  # varying for sure, whatever the generator draws
    return X


def _diagnose_constant(student_fn) -> Feedback:
    def procedure() -> str:
        X = _constant_inputs()
        expected = constant_pixels(X)
        got = call_student(_CONSTANT, student_fn, X)
        compare_arrays(_CONSTANT, got, expected, inputs=(X,),
                       mistakes=_mistakes(_CONSTANT_MISTAKES), what="the mask")
        if np.asarray(got).dtype != bool:
            stop(_CONSTANT, Status.MISTAKE,
                 f"The values are right but the mask has dtype {np.asarray(got).dtype}. A mask "
                 "of numbers does not select: X[:, mask] with 0s and 1s picks columns 0 and 1 "
                 "over and over.",
                 hint="Return the result of the comparison itself (dtype bool), without "
                      ".astype(int).", mistake=_INT_MASK)
        return "One True/False per pixel, True exactly where the pixel never changes."

    return diagnose(_CONSTANT, procedure)


CONSTANT = Exercise(
    name=_CONSTANT,
    reference=constant_pixels,
    diagnosis=_diagnose_constant,
    wrong_solutions={
        "checked each image instead of each pixel": lambda X: X.std(axis=1) == 0,
        "only looked for pixels that are always 0": lambda X: X.max(axis=0) == 0,
        "returned the count instead of the mask": lambda X: int((X.std(axis=0) == 0).sum()),
        _INT_MASK: lambda X: (X.std(axis=0) == 0).astype(np.int64),
    },
)


def check_constant_pixels(student_fn):
    """Check exercise 1.2 (constant pixels); returns the function to use from here on."""
    return CONSTANT.check(student_fn)


# ---------------------------------------------------------------- z-score with a guard

_ZSCORE = "zscore"
_EPSILON = "tiny epsilon added to the standard deviation"


def zscore(X_train: np.ndarray, X: np.ndarray, min_std: float = 1e-6) -> np.ndarray:
    """Standardise ``X`` with the statistics of ``X_train`` (reference for exercise 1.3).

    Args:
        X_train: ``(n_train, d)`` float32, the data the mean and std are learned from.
        X: ``(n, d)`` float32, the data to transform (``X_train`` itself, or validation
            or test data).
        min_std: pixels whose standard deviation in ``X_train`` is below this are constant.

    Returns:
        ``(n, d)`` float32: ``(X - mean) / std`` per column, and exactly 0 in the columns
        that are constant in ``X_train``. Same as ``Standardizer.fit(X_train).transform(X)``.
    """
    return Standardizer.fit(X_train, min_std=min_std).transform(X)


def _stats(X_train):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return mean, std, std < 1e-6


def _zscore_mistakes() -> list[KnownMistake]:
    def no_guard(X_train, X):
        mean, std, _ = _stats(X_train)
        return (X - mean) / std

    def per_image(X_train, X):
        return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)

    def no_mean(X_train, X, zero_constant):
        _, std, constant = _stats(X_train)
        Z = X / np.where(constant, 1.0, std)
        return np.where(constant, 0.0, Z) if zero_constant else Z

    def not_zeroed(X_train, X):
        mean, std, constant = _stats(X_train)
        return (X - mean) / np.where(constant, 1.0, std)

    forgot_mean = ("Your values are X / std: the mean was never subtracted, so the columns "
                   "are rescaled but not centred on 0.", "Compute (X - mean) / std.")
    return [
        KnownMistake(
            "divided by a zero standard deviation",
            "Pixels that are constant in X_train have std = 0, and your function divides by "
            "it: 0/0 gives NaN, and a non-zero value over 0 gives inf.",
            "Find the constant pixels (std < min_std), divide by 1 there instead, and set "
            "those columns of the result to 0.", no_guard),
        KnownMistake(
            "statistics of each image instead of each pixel",
            "You standardised each image (row) with its own mean and std. A z-score for a "
            "network standardises each pixel (column) across the training images.",
            "Use axis=0: X_train.mean(axis=0) has one value per pixel, shape (d,).", per_image),
        KnownMistake(
            "statistics from the wrong data",
            "You computed the mean and std from X, the data being transformed. They must come "
            "from X_train only: validation and test data are transformed with the training "
            "statistics, or information about them leaks into the model.",
            "Compute mean and std from X_train, then apply them to X.",
            lambda X_train, X: Standardizer.fit(X).transform(X)),
        KnownMistake("forgot to subtract the mean", *forgot_mean,
                     lambda X_train, X: no_mean(X_train, X, True)),
        KnownMistake("forgot to subtract the mean", *forgot_mean,
                     lambda X_train, X: no_mean(X_train, X, False)),
        KnownMistake(
            "constant pixels not set to 0",
            "You avoided the division by zero, but where a pixel was constant in X_train your "
            "result is X - mean, not 0. A test image with ink in a pixel that was always "
            "blank in training then feeds the network a value it never saw in training.",
            "After the division, set the constant columns to 0: Z[:, constant] = 0.",
            not_zeroed),
    ]


def _zscore_inputs():
    """X_train (8, 6) with column 0 always 0 and column 1 always 0.5; X (5, 6) with no
    constant column and ink in columns 0 and 1."""
    rng = np.random.default_rng(4)
    X_train = rng.uniform(0, 1, size=(8, 6)).astype(np.float32)
    X_train[:, 0], X_train[:, 1] = 0.0, 0.5
    X = rng.uniform(0.05, 1, size=(5, 6)).astype(np.float32)
    X[0, 1] = 0.5  # exactly the training value: 0/0 here, x/0 elsewhere
    return X_train, X


def _blown_up(Z_constant: np.ndarray) -> bool:
    """Whether the constant columns hold huge values (x / tiny) or 0 (0 / tiny), some huge."""
    big = np.abs(Z_constant) > 50
    return bool(big.any() and np.all(big | (Z_constant == 0)))


def _diagnose_zscore(student_fn) -> Feedback:
    def procedure() -> str:
        X_train, X = _zscore_inputs()
        expected = zscore(X_train, X)
        got = call_student(_ZSCORE, student_fn, X_train, X)
        constant = Standardizer.fit(X_train).constant
        got_array = np.asarray(got) if got is not None else None
        if (got_array is not None and got_array.shape == expected.shape
                and np.all(np.isfinite(got_array))
                and np.allclose(got_array[:, ~constant], expected[:, ~constant], rtol=1e-2)
                and _blown_up(got_array[:, constant])):
            stop(_ZSCORE, Status.MISTAKE,
                 "Where a pixel was constant in X_train you divide by a tiny number instead of "
                 f"setting the result to 0, so those columns hold values up to "
                 f"{np.abs(got_array[:, constant]).max():.3g}: enormous inputs for a network.",
                 hint="Detect the constant pixels (std < min_std) and set those columns of "
                      "the result to exactly 0.", mistake=_EPSILON)
        compare_arrays(_ZSCORE, got, expected, inputs=(X_train, X), mistakes=_zscore_mistakes(),
                       what="the standardised array", rtol=1e-4, atol=1e-5)
        if np.asarray(got).dtype != np.float32:
            stop(_ZSCORE, Status.MISTAKE,
                 f"The values are right but the dtype is {np.asarray(got).dtype}; the network "
                 "computes in float32.", hint="Return Z.astype(np.float32).")
        return ("Per-pixel mean and std from X_train applied to X; constant pixels are 0, "
                "no NaN or inf.")

    return diagnose(_ZSCORE, procedure)


def _wrong_zscore(mean_of, std_of, guard):
    """A mistaken z-score: mean/std computed by the given functions, guard 'none'/'eps'/'one'."""
    def wrong(X_train, X, min_std=1e-6):
        mean, std = mean_of(X_train, X), std_of(X_train, X)
        if guard == "eps":
            return ((X - mean) / (std + 1e-8)).astype(np.float32)
        if guard == "one":
            return ((X - mean) / np.where(std < min_std, 1.0, std)).astype(np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):  # the mistake being shown
            return ((X - mean) / std).astype(np.float32)
    return wrong


ZSCORE = Exercise(
    name=_ZSCORE,
    reference=zscore,
    diagnosis=_diagnose_zscore,
    wrong_solutions={
        "divided by a zero standard deviation": _wrong_zscore(
            lambda T, X: T.mean(axis=0), lambda T, X: T.std(axis=0), "none"),
        "statistics of each image instead of each pixel": _wrong_zscore(
            lambda T, X: X.mean(axis=1, keepdims=True), lambda T, X: X.std(axis=1, keepdims=True),
            "one"),
        "statistics from the wrong data": _wrong_zscore(
            lambda T, X: X.mean(axis=0), lambda T, X: X.std(axis=0), "one"),
        "forgot to subtract the mean": _wrong_zscore(
            lambda T, X: 0.0, lambda T, X: T.std(axis=0), "one"),
        "constant pixels not set to 0": _wrong_zscore(
            lambda T, X: T.mean(axis=0), lambda T, X: T.std(axis=0), "one"),
        _EPSILON: _wrong_zscore(lambda T, X: T.mean(axis=0), lambda T, X: T.std(axis=0), "eps"),
    },
)


def check_zscore(student_fn):
    """Check exercise 1.3 (z-score with a zero-variance guard); returns the function to use."""
    return ZSCORE.check(student_fn)


EXERCISES = [MEAN_IMAGE, CONSTANT, ZSCORE, ONE_HOT]
