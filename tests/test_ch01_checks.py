"""Checks of notebook 01 that need more than the shared contract in test_exercise_checks.py:
other spellings of the same mistake are recognised, and the references compute what they say."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from course_utils.checks import ch01
from course_utils.checks.feedback import Status
from course_utils.preprocessing import Standardizer


def _mistake(exercise, fn):
    feedback = exercise.diagnose(fn)
    assert feedback.status is Status.MISTAKE, feedback.render()
    return feedback.mistake


# ---------------------------------------------------------------- mean image per class

def test_uint8_accumulator_loop_is_recognised_as_overflow():
    def accumulate_in_uint8(images, labels, num_classes=10):
        means = []
        for k in range(num_classes):
            total = np.zeros_like(images[0])  # uint8, like the images
            for image in images[labels == k]:
                total += image
            means.append(total / np.count_nonzero(labels == k))
        return np.stack(means)

    assert _mistake(ch01.MEAN_IMAGE, accumulate_in_uint8) == \
        "summed in uint8, which wraps around at 256"


def test_check_inputs_really_overflow_uint8():
    images, labels = ch01._mean_image_inputs(seed=1, num_classes=4, counts=[6] * 4, side=5)
    wrapped = np.sum(images[labels == 0], axis=0, dtype=np.uint8)
    exact = images[labels == 0].sum(axis=0, dtype=np.int64)
    assert np.all(exact > 255) and not np.array_equal(wrapped, exact)


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered")
def test_hard_coded_ten_classes_with_mean_of_empty_class_is_named():
    def ten_classes(images, labels, num_classes=10):
        return np.stack([images[labels == k].mean(axis=0) for k in range(10)])

    assert _mistake(ch01.MEAN_IMAGE, ten_classes) == "ignored num_classes"


def test_mean_image_reference_averages_each_class_in_float():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 4, 4), dtype=np.uint8)
    labels = np.arange(30) % 3
    means = ch01.mean_image_per_class(images, labels, 3)
    assert means.shape == (3, 4, 4)
    for k in range(3):
        np.testing.assert_allclose(means[k], images[labels == k].astype(float).sum(0) / 10)


def test_mean_image_reference_refuses_an_empty_class():
    images = np.zeros((4, 2, 2), dtype=np.uint8)
    with pytest.raises(ValueError, match="Class 2 has no images"):
        ch01.mean_image_per_class(images, np.array([0, 1, 0, 1]), 3)


# ---------------------------------------------------------------- constant pixels

def test_constant_pixels_finds_constant_columns_of_any_value():
    X = np.array([[0, 7, 1], [0, 7, 2], [0, 7, 1]], dtype=np.uint8)
    np.testing.assert_array_equal(ch01.constant_pixels(X), [True, True, False])


def test_std_equals_zero_solution_passes_the_constant_pixel_check():
    feedback = ch01.CONSTANT.diagnose(lambda X: X.std(axis=0) == 0)
    assert feedback.passed, feedback.render()


# ---------------------------------------------------------------- z-score

@pytest.mark.parametrize("eps", [1e-10, 1e-8, 1e-7])
def test_any_tiny_epsilon_guard_is_recognised(eps):
    def with_epsilon(X_train, X, min_std=1e-6):
        return ((X - X_train.mean(0)) / (X_train.std(0) + eps)).astype(np.float32)

    assert _mistake(ch01.ZSCORE, with_epsilon) == "tiny epsilon added to the standard deviation"


def test_scikit_learn_standard_scaler_is_named_for_not_zeroing_constant_pixels():
    def with_sklearn(X_train, X, min_std=1e-6):
        return StandardScaler().fit(X_train).transform(X).astype(np.float32)

    assert _mistake(ch01.ZSCORE, with_sklearn) == "constant pixels not set to 0"


def test_zscore_reference_standardises_the_training_data_and_zeroes_constant_pixels():
    rng = np.random.default_rng(5)
    X_train = rng.uniform(size=(50, 4)).astype(np.float32)
    X_train[:, 2] = 0.25
    Z = ch01.zscore(X_train, X_train)
    varying = [0, 1, 3]
    np.testing.assert_allclose(Z[:, varying].mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(Z[:, varying].std(0), 1, rtol=1e-4)
    assert np.all(Z[:, 2] == 0) and Z.dtype == np.float32


def test_zscore_reference_uses_training_statistics_on_new_data():
    rng = np.random.default_rng(6)
    X_train, X_new = rng.normal(size=(40, 3)), rng.normal(5, 2, size=(7, 3))
    expected = Standardizer.fit(X_train).transform(X_new)
    np.testing.assert_array_equal(ch01.zscore(X_train, X_new), expected)


def test_float64_zscore_with_right_values_is_told_about_the_dtype():
    feedback = ch01.ZSCORE.diagnose(lambda T, X: ch01.zscore(T, X).astype(np.float64))
    assert feedback.status is Status.MISTAKE and "float32" in feedback.message
