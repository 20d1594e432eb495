"""Checks for the exercises of notebook 01, *Exploring MNIST*: the worked example of a check.

The four exercises, in the order the notebook asks for them:

* 1.1 ``mean_image_per_class(images, labels, num_classes)``: ``(n, h, w)`` uint8 ->
  ``(num_classes, h, w)`` float, the pixel-wise mean image of each class;
* 1.2 ``constant_pixels(X)``: ``(n, d)`` -> ``(d,)`` bool, True where a column never changes;
* 1.3 ``zscore(X_train, X, min_std)``: ``(n, d)`` float32, ``X`` standardised with the
  per-column mean and standard deviation of ``X_train``, exactly 0 in the columns whose
  training standard deviation is below ``min_std``;
* 1.4 ``one_hot(labels, num_classes)``: ``(n,)`` int -> ``(n, num_classes)`` float32 (any
  floating dtype passes: ``np.eye(num_classes)[labels]`` is float64, a legitimate alternative).

Every check of the course is built the same way, on :mod:`course_utils.checks.feedback`;
each section of this module follows these steps, in this order:

1. **The reference**: the correct function, with the exercise's signature.
2. **One** :class:`~course_utils.checks.feedback.Mistake` **per typical mistake**: its name,
   what the mistaken code does, how to fix it, and ``wrong``, the mistaken code itself. The
   check runs ``wrong`` on its own inputs and names the mistake when the student's result is
   the same; the test suite passes ``wrong`` to the check as if a student had written it and
   expects that very name back. Adding a mistake is adding one entry.
3. **Inputs that tell the mistakes apart**: non-square images, unequal class sizes, a number
   of classes other than 10, exact zeros and extreme values, so that no mistake gives the
   right answer by coincidence and no two mistakes give the same wrong one.
4. **The diagnosis**: ``call_student`` calls the student's function (a stub, a crash or an
   argument changed in place become verdicts), ``compare_arrays`` compares its result with
   the reference's (the declared mistakes first, then the structural ones every check knows:
   a transposed result, a flipped sign, a constant factor, an integer dtype that truncated the
   values, ...), and ``stop`` ends with a verdict of the exercise's own (a wrong dtype).
5. **The** :class:`~course_utils.checks.feedback.Exercise`: name, reference, diagnosis, the
   mistakes, and ``wrong_solutions`` for what the framework or a custom test recognises,
   built from the reference where they can be (``transposed(one_hot)``), so that they are
   tested too.
6. **The check function** the notebook's check cell calls, ``check_one_hot(one_hot)``.
"""

from __future__ import annotations

import numpy as np

from course_utils.checks.feedback import (
    MODIFIED_INPUT,
    TRANSPOSED,
    Exercise,
    Feedback,
    Mistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    modifies_input,
    stop,
    transposed,
)
from course_utils.preprocessing import Standardizer
from course_utils.preprocessing import one_hot as _reference_one_hot

# ================================================================ 1.1 mean image per class

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


def _each_class(images, labels, num_classes, average):
    """``average(images of class k)`` for every class, stacked: the skeleton every mistaken
    solution below shares, so that each one shows only its own mistake."""
    return np.stack([average(images[labels == k]) for k in range(num_classes)])


def _ten_means_whatever_num_classes(images, labels, num_classes=10):
    with np.errstate(invalid="ignore"):  # 0/0 for the classes that do not occur
        return np.stack([images[labels == k].sum(axis=0) / np.count_nonzero(labels == k)
                         for k in range(10)])


def _one_number_per_class(images, labels, num_classes=10):
    means = np.zeros((num_classes, *images.shape[1:]))
    for k in range(num_classes):
        means[k] = images[labels == k].mean()   # no axis: a single number, broadcast
    return means


MEAN_IMAGE_MISTAKES = [
    Mistake(
        "summed in uint8, which wraps around at 256",
        "Your sums overflowed: adding uint8 images keeps the result in uint8, so every total "
        "above 255 wraps around (200 + 100 gives 44). Python's sum(...) over uint8 images and "
        "a uint8 accumulator (total = np.zeros_like(image); total += image) both do this, "
        "silently.",
        "Let NumPy average in floating point: images[labels == k].mean(axis=0), or convert "
        "first with .astype(np.float64).",
        wrong=lambda images, labels, num_classes=10: _each_class(
            images, labels, num_classes, lambda members: sum(members) / len(members)),
    ),
    Mistake(
        "averaged over the wrong axis",
        "You averaged within each image (over its rows) instead of across the images of the "
        "class. Axis 0 of images[labels == k] runs over the images.",
        "Average over axis 0: images[labels == k].mean(axis=0) has shape (h, w).",
        wrong=lambda images, labels, num_classes=10: _each_class(
            images, labels, num_classes, lambda members: members.mean(axis=1)),
    ),
    Mistake(
        "forgot the class mask",
        "Every class got the same image: the mean of all images, whatever their label.",
        "Select the images of class k first with a boolean mask: images[labels == k].",
        wrong=lambda images, labels, num_classes=10: np.stack(
            [images.mean(axis=0)] * num_classes),
    ),
    Mistake(
        "one number per class instead of an image",
        "Each of your mean images is one grey level everywhere: .mean() without an axis "
        "averages over the images and over all their pixels too, and the single number is "
        "then broadcast over the whole (h, w) image.",
        "Average over the images only: .mean(axis=0) keeps one value per pixel.",
        wrong=_one_number_per_class,
    ),
    Mistake(
        "returned flat images",
        "Your mean images are flat rows of h*w values; the exercise asks for images of shape "
        "(h, w), so that the result has shape (num_classes, h, w).",
        "Keep the image axes: average the (n, h, w) stack over axis 0, or reshape the result "
        "with .reshape(num_classes, *images.shape[1:]).",
        wrong=lambda images, labels, num_classes=10: _each_class(
            images.reshape(len(images), -1), labels, num_classes,
            lambda members: members.mean(axis=0)),
    ),
    Mistake(
        "assumed the images are sorted by class",
        "You took consecutive blocks of images as the classes. That only works when the data "
        "is sorted by class with equal counts; the check's images are shuffled.",
        "Select by label, not by position: images[labels == k].",
        wrong=lambda images, labels, num_classes=10: images.reshape(
            num_classes, len(images) // num_classes, *images.shape[1:]).mean(axis=1),
    ),
    Mistake(
        "divided by the number of all images",
        "You divided each class's sum by the total number of images instead of the number "
        "of images in that class, so every mean image is too faint.",
        "Divide by np.count_nonzero(labels == k), or use .mean(axis=0) on the selected images.",
        wrong=lambda images, labels, num_classes=10: _each_class(
            images, labels, num_classes, lambda members: members.sum(axis=0) / len(images)),
    ),
    Mistake(
        "ignored num_classes",
        "Your function always returns 10 mean images; asked for fewer classes, the extra ones "
        "are means of no images at all (NaN). Other datasets have other numbers of classes.",
        "Loop over range(num_classes), and make the result's first axis num_classes long.",
        wrong=_ten_means_whatever_num_classes,
    ),
    Mistake(
        "means cut to whole numbers",
        "Your means are whole numbers: the fractional part was thrown away, either by // "
        "(floor division) or by writing the means into an integer array (for example "
        "np.zeros_like(images[:num_classes]), which is uint8 like the images).",
        "Use / (true division) or .mean(axis=0), and create the result with a float dtype: "
        "np.zeros((num_classes, h, w)).",
        wrong=lambda images, labels, num_classes=10: _each_class(
            images, labels, num_classes, lambda members: members.sum(axis=0) // len(members)),
    ),
]


def _mean_image_inputs(seed: int, counts: list[int], height: int, width: int):
    """Shuffled uint8 images of ``height x width`` pixels (not square, so that an axis mix-up
    changes the shape) and their labels, ``counts[k]`` images of class ``k``. Values 100..255,
    so any class sum overflows uint8; pixel (0, 0) is 0 and pixel (0, 1) is 255 everywhere."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(len(counts)), counts)).astype(np.int64)
    images = rng.integers(100, 256, size=(len(labels), height, width), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = 0, 255
    return images, labels


def _diagnose_mean_image(student_fn) -> Feedback:
    def procedure() -> str:
        # 4 classes of 6 images of 5 x 7 pixels: each mistake above gives its own result.
        images, labels = _mean_image_inputs(seed=1, counts=[6] * 4, height=5, width=7)
        got = call_student(_MEAN_IMAGE, student_fn, images, labels, 4)
        compare_arrays(_MEAN_IMAGE, got, mean_image_per_class(images, labels, 4),
                       inputs=(images, labels, 4), mistakes=MEAN_IMAGE_MISTAKES,
                       what="the array of mean images")
        # Unequal class sizes, another number of classes, another image size.
        images, labels = _mean_image_inputs(seed=2, counts=[2, 7, 4], height=6, width=4)
        got = call_student(_MEAN_IMAGE, student_fn, images, labels, 3)
        compare_arrays(_MEAN_IMAGE, got, mean_image_per_class(images, labels, 3),
                       inputs=(images, labels, 3), what="with 3 classes of 2, 7 and 4 images, "
                       "the array of mean images")
        return ("One mean image per class, averaged over that class's images only, "
                "without uint8 overflow, for any image size and unequal class sizes.")

    return diagnose(_MEAN_IMAGE, procedure)


MEAN_IMAGE = Exercise(
    name=_MEAN_IMAGE,
    reference=mean_image_per_class,
    diagnosis=_diagnose_mean_image,
    mistakes=MEAN_IMAGE_MISTAKES,
    wrong_solutions={MODIFIED_INPUT: modifies_input(mean_image_per_class)},
)


def check_mean_image_per_class(student_fn):
    """Check exercise 1.1 (mean image per class); returns the function to use from here on."""
    return MEAN_IMAGE.check(student_fn)


# ================================================================ 1.2 constant pixels

_CONSTANT = "constant_pixels"
_INT_MASK = "mask of 0/1 numbers instead of booleans"


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


CONSTANT_MISTAKES = [
    Mistake(
        "checked each image instead of each pixel",
        "Your mask has one entry per image (row) instead of one per pixel (column): the "
        "reduction ran along axis 1.",
        "Reduce over the images, axis 0: the result must have shape (n_features,).",
        wrong=lambda X: X.std(axis=1) == 0,
    ),
    Mistake(
        "one answer for the whole array instead of one per pixel",
        "You returned a single True/False: without axis=..., np.all or .std() reduce over "
        "every value of X at once, images and pixels together.",
        "Reduce over the images only, axis=0, to get one answer per pixel, shape (n_features,).",
        wrong=lambda X: X.std() == 0,
    ),
    Mistake(
        "only looked for pixels that are always 0",
        "You found the pixels that are 0 in every image, but a pixel that is always 7 (or "
        "always 255) is just as constant, and has a standard deviation of 0 just the same.",
        "Compare each column with itself, not with 0: X.std(axis=0) == 0, or "
        "X.min(axis=0) == X.max(axis=0).",
        wrong=lambda X: np.all(X == 0, axis=0),
    ),
    Mistake(
        "compared only the first and the last image",
        "Your mask says a pixel is constant when the first and the last image agree there, "
        "but a pixel can change in between (the check's column 8 is 0 in every image but one).",
        "Compare every image with the first one: np.all(X == X[0], axis=0).",
        wrong=lambda X: X[0] == X[-1],
    ),
    Mistake(
        "returned the count instead of the mask",
        "You returned how many pixels are constant; the exercise asks for the mask itself "
        "(one True/False per pixel), which the next cells use to select columns.",
        "Return the boolean array; its .sum() is the count.",
        wrong=lambda X: int(np.count_nonzero(X.std(axis=0) == 0)),
    ),
]


def _constant_inputs() -> np.ndarray:
    """(6, 12) uint8: columns 0, 3 and 5 constant at 0, 7 and 255; column 8 is 0 except in one
    image; column 10 counts 0..5; column 11 is 50 except for a single 51."""
    X = np.random.default_rng(3).integers(1, 200, size=(6, 12), dtype=np.uint8)
    X[:, 0], X[:, 3], X[:, 5] = 0, 7, 255
    X[:, 8] = 0
    X[4, 8] = 90
    X[:, 10] = np.arange(6, dtype=np.uint8)
    X[:, 11] = 50
    X[2, 11] = 51
    return X


def _constant_float_inputs() -> np.ndarray:
    """(3, 5) float32 with a negative constant column (2) and one that changes by 1e-3 (4)."""
    X = np.array([[0.1, 0.0, -1.5, 3.0, 0.25], [0.2, 0.0, -1.5, -3.0, 0.25],
                  [0.3, 1.0, -1.5, 3.0, 0.251]], dtype=np.float32)
    return X


def _diagnose_constant(student_fn) -> Feedback:
    def procedure() -> str:
        for X in (_constant_inputs(), _constant_float_inputs()):
            got = call_student(_CONSTANT, student_fn, X)
            compare_arrays(_CONSTANT, got, constant_pixels(X), inputs=(X,),
                           mistakes=CONSTANT_MISTAKES, what=f"the mask for a {X.dtype} X of "
                           f"shape {X.shape}")
            if np.asarray(got).dtype != bool:
                stop(_CONSTANT, Status.MISTAKE,
                     f"The values are right but the mask has dtype {np.asarray(got).dtype}. A "
                     "mask of numbers does not select: X[:, mask] with 0s and 1s picks columns "
                     "0 and 1 over and over.",
                     hint="Return the result of the comparison itself (dtype bool), without "
                          ".astype(int).", mistake=_INT_MASK)
        return "One True/False per pixel, True exactly where the pixel never changes."

    return diagnose(_CONSTANT, procedure)


def _sorts_in_place(X):
    X.sort(axis=0)    # sorts the caller's array: after it, every column runs from min to max
    return X[0] == X[-1]


CONSTANT = Exercise(
    name=_CONSTANT,
    reference=constant_pixels,
    diagnosis=_diagnose_constant,
    mistakes=CONSTANT_MISTAKES,
    wrong_solutions={
        _INT_MASK: lambda X: (X.std(axis=0) == 0).astype(np.int64),
        MODIFIED_INPUT: _sorts_in_place,
    },
)


def check_constant_pixels(student_fn):
    """Check exercise 1.2 (constant pixels); returns the function to use from here on."""
    return CONSTANT.check(student_fn)


# ================================================================ 1.3 z-score with a guard

_ZSCORE = "zscore"
_EPSILON = "tiny epsilon added to the standard deviation"
_FLOAT64 = "float64 instead of float32"


def zscore(X_train: np.ndarray, X: np.ndarray, min_std: float = 1e-6) -> np.ndarray:
    """Standardise ``X`` with the statistics of ``X_train`` (reference for exercise 1.3).

    Args:
        X_train: ``(n_train, d)`` float32, the data the mean and std are learned from.
        X: ``(n, d)`` float32, the data to transform (``X_train`` itself, or validation
            or test data).
        min_std: columns whose standard deviation in ``X_train`` is below this are constant.

    Returns:
        ``(n, d)`` float32: ``(X - mean) / std`` per column, with the population standard
        deviation (``np.std``'s default, ``ddof=0``, as scikit-learn's ``StandardScaler``),
        and exactly 0 in the columns that are constant in ``X_train``. Same as
        ``Standardizer.fit(X_train, min_std=min_std).transform(X)``.
    """
    return Standardizer.fit(X_train, min_std=min_std).transform(X)


def _guarded(X_train, X, mean, std, min_std=1e-6):
    """(X - mean) / std with the reference's guard, for mistakes made elsewhere."""
    constant = np.asarray(X_train.std(axis=0) < min_std)
    Z = (X - mean) / np.where(constant, 1.0, std)
    return np.where(constant, 0.0, Z).astype(np.float32)


def _per_image(X_train, X, min_std=1e-6):
    mean, std = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
    return ((X - mean) / std).astype(np.float32)


def _no_guard(X_train, X, min_std=1e-6):
    with np.errstate(divide="ignore", invalid="ignore"):  # the mistake being shown
        return ((X - X_train.mean(axis=0)) / X_train.std(axis=0)).astype(np.float32)


def _not_zeroed(X_train, X, min_std=1e-6):
    std = X_train.std(axis=0)
    return ((X - X_train.mean(axis=0)) / np.where(std < min_std, 1.0, std)).astype(np.float32)


# Looked for on training data without a constant column, where each gives its own result.
ZSCORE_SCALING_MISTAKES = [
    Mistake(
        "statistics of each image instead of each pixel",
        "You standardised each image (row) with its own mean and std. A z-score for a "
        "network standardises each pixel (column) across the training images.",
        "Use axis=0: X_train.mean(axis=0) has one value per pixel, shape (d,).",
        wrong=_per_image,
    ),
    Mistake(
        "one mean and std for the whole array",
        "You subtracted one number and divided by one number: X_train.mean() and "
        "X_train.std() without an axis summarise every pixel of every image together. Each "
        "pixel (column) needs its own mean and standard deviation.",
        "Use X_train.mean(axis=0) and X_train.std(axis=0): shape (d,), one value per pixel.",
        wrong=lambda X_train, X, min_std=1e-6: (
            (X - X_train.mean()) / X_train.std()).astype(np.float32),
    ),
    Mistake(
        "statistics from the wrong data",
        "You computed the mean and std from X, the data being transformed. They must come "
        "from X_train only: validation and test data are transformed with the training "
        "statistics, or information about them leaks into the model.",
        "Compute mean and std from X_train, then apply them to X.",
        wrong=lambda X_train, X, min_std=1e-6: Standardizer.fit(X, min_std=min_std).transform(X),
    ),
    Mistake(
        "forgot to subtract the mean",
        "Your values are X / std: the mean was never subtracted, so the columns are rescaled "
        "but not centred on 0.",
        "Compute (X - mean) / std.",
        wrong=lambda X_train, X, min_std=1e-6: _guarded(X_train, X, 0.0, X_train.std(axis=0),
                                                        min_std),
    ),
    Mistake(
        "divided by the variance",
        "You divided by the variance, the square of the standard deviation: the columns come "
        "out centred but not with a standard deviation of 1.",
        "Divide by X_train.std(axis=0), the square root of the variance.",
        wrong=lambda X_train, X, min_std=1e-6: _guarded(
            X_train, X, X_train.mean(axis=0), X_train.var(axis=0), min_std),
    ),
    Mistake(
        "sample standard deviation (ddof=1)",
        "You divided by the sample standard deviation, which divides the squared deviations "
        "by n - 1 (ddof=1, the default of pandas' .std()). The exercise, like scikit-learn's "
        "StandardScaler, uses the population standard deviation: divide by n, np.std's "
        "default. On thousands of images the two hardly differ; on the check's 8 they do.",
        "Use X_train.std(axis=0) (ddof=0).",
        wrong=lambda X_train, X, min_std=1e-6: _guarded(
            X_train, X, X_train.mean(axis=0), X_train.std(axis=0, ddof=1), min_std),
    ),
]

# Looked for on training data with constant columns.
ZSCORE_GUARD_MISTAKES = [
    Mistake(
        "divided by a zero standard deviation",
        "Pixels that are constant in X_train have std = 0, and your function divides by it: "
        "0/0 gives NaN, and a non-zero value over 0 gives inf.",
        "Find the constant pixels (std < min_std) and make sure nothing is divided by their "
        "std; what should those columns of the result be?",
        wrong=_no_guard,
    ),
    Mistake(
        "constant pixels not set to 0",
        "You avoided the division by zero, but where a pixel was constant in X_train your "
        "result is X - mean, not 0. A test image with ink in a pixel that was always blank in "
        "training then feeds the network a value it never saw in training.",
        "After the division, set the constant columns to 0: Z[:, constant] = 0.",
        wrong=_not_zeroed,
    ),
]

# Looked for with a min_std larger than the default.
ZSCORE_MIN_STD_MISTAKES = [
    Mistake(
        "ignored min_std",
        "Called with min_std=0.1, your function still divides by a training standard deviation "
        "of 0.05 instead of treating that column as constant: the threshold is hard-coded "
        "(std == 0, or a fixed number) instead of taken from the argument min_std.",
        "Compare the standard deviation with the argument: constant = std < min_std.",
        wrong=lambda X_train, X, min_std=1e-6: zscore(X_train, X),
    ),
]


def _zscore_inputs(constant_columns: bool):
    """X_train (8, 6) float32 and X (5, 6). Columns have different scales (0..1, 0..0.02,
    0..3), so whole-array statistics differ from per-column ones. With ``constant_columns``,
    column 0 of X_train is always 0 and column 1 always 0.5, and X has ink in both."""
    rng = np.random.default_rng(4)
    scales = np.array([1.0, 1.0, 0.02, 3.0, 1.0, 0.5], dtype=np.float32)
    X_train = (rng.uniform(0, 1, size=(8, 6)) * scales).astype(np.float32)
    X = (rng.uniform(0.05, 1, size=(5, 6)) * scales).astype(np.float32)
    if constant_columns:
        X_train[:, 0], X_train[:, 1] = 0.0, 0.5
        X[0, 1] = 0.5  # exactly the training value: 0/0 here, x/0 elsewhere
    return X_train, X


def _min_std_inputs():
    """X_train (6, 3) whose column 1 has a standard deviation of exactly 0.05, and X (4, 3)."""
    X_train = np.array([[0.2, 0.45, 0.9], [0.7, 0.55, 0.1], [0.4, 0.45, 0.5],
                        [0.9, 0.55, 0.3], [0.1, 0.45, 0.8], [0.6, 0.55, 0.2]], dtype=np.float32)
    X = np.array([[0.3, 0.9, 0.4], [0.8, 0.0, 0.6], [0.5, 0.5, 0.5], [0.0, 1.0, 1.0]],
                 dtype=np.float32)
    return X_train, X


def _blown_up(Z_constant: np.ndarray) -> bool:
    """Whether the constant columns hold huge values (x / tiny) or 0 (0 / tiny), some huge."""
    big = np.abs(Z_constant) > 50
    return bool(big.any() and np.all(big | (Z_constant == 0)))


def _stop_if_epsilon(got, X_train, X, min_std):
    """The epsilon guard ``(X - mean) / (std + 1e-8)`` gives a different huge number for every
    epsilon; recognise it by its pattern: right where the std is not 0, enormous where it is."""
    expected = zscore(X_train, X, min_std)
    constant = Standardizer.fit(X_train, min_std=min_std).constant
    got = np.asarray(got) if got is not None else None
    if (got is not None and got.shape == expected.shape and np.all(np.isfinite(got))
            and np.allclose(got[:, ~constant], expected[:, ~constant], rtol=1e-2)
            and _blown_up(got[:, constant])):
        stop(_ZSCORE, Status.MISTAKE,
             "Where a pixel was constant in X_train you divide by a tiny number instead of "
             f"setting the result to 0, so those columns hold values up to "
             f"{np.abs(got[:, constant]).max():.3g}: enormous inputs for a network.",
             hint="Detect the constant pixels (std < min_std) and set those columns of the "
                  "result to exactly 0.", mistake=_EPSILON)


def _diagnose_zscore(student_fn) -> Feedback:
    def procedure() -> str:
        stages = [(_zscore_inputs(constant_columns=False), 1e-6, ZSCORE_SCALING_MISTAKES,
                   "the standardised array"),
                  (_zscore_inputs(constant_columns=True), 1e-6, ZSCORE_GUARD_MISTAKES,
                   "with constant columns in X_train, the standardised array"),
                  (_min_std_inputs(), 0.1, ZSCORE_MIN_STD_MISTAKES,
                   "with min_std=0.1, the standardised array")]
        for (X_train, X), min_std, mistakes, what in stages:
            got = call_student(_ZSCORE, student_fn, X_train, X, min_std)
            _stop_if_epsilon(got, X_train, X, min_std)
            compare_arrays(_ZSCORE, got, zscore(X_train, X, min_std), inputs=(X_train, X, min_std),
                           mistakes=mistakes, what=what, rtol=1e-4, atol=1e-5)
            if np.asarray(got).dtype != np.float32:
                stop(_ZSCORE, Status.MISTAKE,
                     f"The values are right but the dtype is {np.asarray(got).dtype}; the "
                     "network computes in float32.", hint="Return Z.astype(np.float32).",
                     mistake=_FLOAT64)
        return ("Per-pixel mean and std from X_train applied to X; columns with a training std "
                "below min_std are 0; no NaN or inf; the caller's arrays are left unchanged.")

    return diagnose(_ZSCORE, procedure)


def _standardises_in_place(X_train, X, min_std=1e-6):
    std = X_train.std(axis=0)
    constant = std < min_std
    X -= X_train.mean(axis=0)          # changes the caller's X (the test images, say)
    X /= np.where(constant, 1.0, std)
    X[:, constant] = 0.0
    return X


ZSCORE = Exercise(
    name=_ZSCORE,
    reference=zscore,
    diagnosis=_diagnose_zscore,
    mistakes=[*ZSCORE_SCALING_MISTAKES, *ZSCORE_GUARD_MISTAKES, *ZSCORE_MIN_STD_MISTAKES],
    wrong_solutions={
        _EPSILON: lambda X_train, X, min_std=1e-6: (
            (X - X_train.mean(axis=0)) / (X_train.std(axis=0) + 1e-8)).astype(np.float32),
        _FLOAT64: lambda X_train, X, min_std=1e-6: zscore(X_train, X, min_std).astype(np.float64),
        MODIFIED_INPUT: _standardises_in_place,
    },
)


def check_zscore(student_fn):
    """Check exercise 1.3 (z-score with a zero-variance guard); returns the function to use."""
    return ZSCORE.check(student_fn)


# ================================================================ 1.4 one-hot encoding

_ONE_HOT = "one_hot"
_INTEGER_ONE_HOT = "integer dtype instead of float"


def _whole_columns(labels, num_classes=10):
    encoded = np.zeros((len(labels), num_classes), dtype=np.float32)
    encoded[:, labels] = 1.0       # every row, every column that some label names
    return encoded


ONE_HOT_MISTAKES = [
    Mistake(
        "one column too many",
        "Your array has num_classes + 1 columns, as if the classes were numbered "
        "1..num_classes. Class indices start at 0.",
        "Use num_classes columns; label k goes to column k.",
        wrong=lambda labels, num_classes=10: np.eye(num_classes + 1, dtype=np.float32)[labels],
    ),
    Mistake(
        "ignored num_classes",
        "Your array always has 10 columns; asked for another number of classes it still has "
        "10. Other datasets (and the check) have other numbers of classes.",
        "Make the array num_classes columns wide.",
        wrong=lambda labels, num_classes=10: np.eye(10, dtype=np.float32)[labels],
    ),
    Mistake(
        "number of classes taken from the labels",
        "Your array has labels.max() + 1 columns instead of num_classes. That is right only "
        "when the largest class happens to occur in the labels; a validation batch without "
        "any 9 would get 9 columns, and no longer fit the network's 10 outputs.",
        "Use the argument num_classes for the number of columns.",
        wrong=lambda labels, num_classes=10: np.eye(labels.max() + 1, dtype=np.float32)[labels],
    ),
    Mistake(
        "set whole columns instead of one entry per row",
        "Every row of your array has a 1 in the columns of *all* the labels: encoded[:, labels] "
        "= 1 selects every row for each label, instead of row i for label i.",
        "Pair each row with its own label: encoded[np.arange(len(labels)), labels] = 1.",
        wrong=_whole_columns,
    ),
]


def _diagnose_one_hot(student_fn) -> Feedback:
    def procedure() -> str:
        for labels, num_classes in [
            (np.array([3, 0, 9, 3, 7], dtype=np.int64), 10),
            (np.array([2, 0, 3, 3, 1, 0], dtype=np.int64), 4),
            (np.array([1, 3, 0, 3], dtype=np.int64), 6),   # classes 4 and 5 do not occur
        ]:
            got = call_student(_ONE_HOT, student_fn, labels, num_classes)
            compare_arrays(_ONE_HOT, got, _reference_one_hot(labels, num_classes),
                           inputs=(labels, num_classes), mistakes=ONE_HOT_MISTAKES,
                           what=f"the one-hot array for {len(labels)} labels and "
                                f"num_classes={num_classes}")
            if not np.issubdtype(np.asarray(got).dtype, np.floating):
                stop(_ONE_HOT, Status.MISTAKE,
                     f"The values are right but the dtype is {np.asarray(got).dtype}; the "
                     "targets of a network are floating-point numbers (float32 here), like its "
                     "outputs.",
                     hint="Create the array with np.zeros(..., dtype=np.float32).",
                     mistake=_INTEGER_ONE_HOT)
        return ("One row per sample, a single 1 in the column of its class, for any "
                "num_classes.")

    return diagnose(_ONE_HOT, procedure)


ONE_HOT = Exercise(
    name=_ONE_HOT,
    reference=_reference_one_hot,
    diagnosis=_diagnose_one_hot,
    mistakes=ONE_HOT_MISTAKES,
    wrong_solutions={
        TRANSPOSED: transposed(_reference_one_hot),
        _INTEGER_ONE_HOT: lambda labels, num_classes=10: np.eye(num_classes, dtype=np.int64)[
            labels],
    },
)


def check_one_hot(student_fn):
    """Check exercise 1.4 (one-hot encoding); returns the function to use from here on."""
    return ONE_HOT.check(student_fn)


EXERCISES = [MEAN_IMAGE, CONSTANT, ZSCORE, ONE_HOT]
