"""Checks of notebook 01 beyond the shared contract in test_exercise_checks.py: other spellings
of the same mistake get the same name, legitimate alternatives pass, the check inputs have the
properties the checks rely on, and the references compute what they say."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from course_utils.checks import ch01
from course_utils.checks.feedback import MODIFIED_INPUT, Status
from course_utils.preprocessing import Standardizer


def _mistake(exercise, fn):
    feedback = exercise.diagnose(fn)
    assert feedback.status is Status.MISTAKE, feedback.render()
    return feedback.mistake


def _passes(exercise, fn):
    feedback = exercise.diagnose(fn)
    return feedback.status is Status.CORRECT


# ---------------------------------------------------------------- 1.1 mean image per class

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


def test_a_uint8_result_buffer_is_named_like_floor_division():
    def uint8_buffer(images, labels, num_classes=10):
        means = np.zeros((num_classes, *images.shape[1:]), dtype=images.dtype)
        for k in range(num_classes):
            means[k] = images[labels == k].mean(axis=0)   # truncated on assignment
        return means

    assert _mistake(ch01.MEAN_IMAGE, uint8_buffer) == "means cut to whole numbers"


def test_check_images_overflow_uint8_and_are_not_square():
    images, labels = ch01._mean_image_inputs(seed=1, counts=[6] * 4, height=5, width=7)
    assert images.shape[1:] == (5, 7)
    exact = images[labels == 0].sum(axis=0, dtype=np.int64)
    assert np.all(exact[1:] > 255) and exact[0, 0] == 0


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered")
def test_hard_coded_ten_classes_with_mean_of_empty_class_is_named():
    def ten_classes(images, labels, num_classes=10):
        return np.stack([images[labels == k].mean(axis=0) for k in range(10)])

    assert _mistake(ch01.MEAN_IMAGE, ten_classes) == "ignored num_classes"


def test_hard_coded_28_by_28_images_fail_with_the_shapes_in_one_line():
    def square_28(images, labels, num_classes=10):
        means = np.zeros((num_classes, 28, 28))
        for k in range(num_classes):
            means[k] = images[labels == k].mean(axis=0)
        return means

    feedback = ch01.MEAN_IMAGE.diagnose(square_28)
    assert feedback.status is Status.ERROR and "(5,7)" in feedback.message


def test_mean_image_reference_averages_each_class_in_float():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 4, 3), dtype=np.uint8)
    labels = np.arange(30) % 3
    means = ch01.mean_image_per_class(images, labels, 3)
    assert means.shape == (3, 4, 3)
    for k in range(3):
        np.testing.assert_allclose(means[k], images[labels == k].astype(float).sum(0) / 10)


def test_mean_image_reference_refuses_an_empty_class():
    images = np.zeros((4, 2, 2), dtype=np.uint8)
    with pytest.raises(ValueError, match="Class 2 has no images"):
        ch01.mean_image_per_class(images, np.array([0, 1, 0, 1]), 3)


# ---------------------------------------------------------------- 1.2 constant pixels

def test_constant_pixels_finds_constant_columns_of_any_value():
    X = np.array([[0, 7, 1], [0, 7, 2], [0, 7, 1]], dtype=np.uint8)
    np.testing.assert_array_equal(ch01.constant_pixels(X), [True, True, False])


@pytest.mark.parametrize("solution", [
    lambda X: X.std(axis=0) == 0,
    lambda X: X.min(axis=0) == X.max(axis=0),
    lambda X: np.isclose(X.std(axis=0), 0),
    lambda X: np.all(X[1:] == X[:-1], axis=0),
], ids=["std == 0", "min == max", "isclose(std, 0)", "neighbours equal"])
def test_other_correct_constant_pixel_solutions_pass(solution):
    assert _passes(ch01.CONSTANT, solution)


def test_a_threshold_that_calls_a_one_level_change_constant_is_rejected():
    assert not _passes(ch01.CONSTANT, lambda X: X.std(axis=0) < 1)


def test_whole_array_np_all_is_named_like_whole_array_std():
    assert _mistake(ch01.CONSTANT, lambda X: bool(np.all(X == X[0]))) == \
        "one answer for the whole array instead of one per pixel"


# ---------------------------------------------------------------- 1.3 z-score

@pytest.mark.parametrize("eps", [1e-10, 1e-8, 1e-7])
def test_any_tiny_epsilon_guard_is_recognised(eps):
    def with_epsilon(X_train, X, min_std=1e-6):
        return ((X - X_train.mean(0)) / (X_train.std(0) + eps)).astype(np.float32)

    assert _mistake(ch01.ZSCORE, with_epsilon) == "tiny epsilon added to the standard deviation"


def test_scikit_learn_standard_scaler_is_named_for_not_zeroing_constant_pixels():
    def with_sklearn(X_train, X, min_std=1e-6):
        return StandardScaler().fit(X_train).transform(X).astype(np.float32)

    assert _mistake(ch01.ZSCORE, with_sklearn) == "constant pixels not set to 0"


def test_a_float64_computation_returned_as_float32_passes():
    def in_float64(X_train, X, min_std=1e-6):
        mean = X_train.mean(axis=0, dtype=np.float64)
        std = X_train.std(axis=0, dtype=np.float64)
        constant = std < min_std
        Z = (X - mean) / np.where(constant, 1.0, std)
        Z[:, constant] = 0.0
        return Z.astype(np.float32)

    assert _passes(ch01.ZSCORE, in_float64)


def test_a_guard_on_std_equal_to_zero_is_named_for_ignoring_min_std():
    def exact_zero_only(X_train, X, min_std=1e-6):
        std = X_train.std(axis=0)
        Z = (X - X_train.mean(axis=0)) / np.where(std == 0, 1.0, std)
        Z[:, std == 0] = 0.0
        return Z.astype(np.float32)

    assert _mistake(ch01.ZSCORE, exact_zero_only) == "ignored min_std"


def test_standardising_the_callers_test_images_in_place_is_named():
    feedback = ch01.ZSCORE.diagnose(ch01._standardises_in_place)
    assert feedback.mistake == MODIFIED_INPUT and "`X`" in feedback.message


def test_min_std_inputs_have_a_column_with_std_between_default_and_threshold():
    X_train, _ = ch01._min_std_inputs()
    std = X_train.std(axis=0)
    assert 1e-6 < std[1] < 0.1 and np.all(np.delete(std, 1) > 0.1)


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


# ---------------------------------------------------------------- 1.4 one-hot

def test_float64_one_hot_from_an_identity_matrix_is_a_legitimate_alternative():
    assert _passes(ch01.ONE_HOT, lambda labels, num_classes=10: np.eye(num_classes)[labels])


def test_a_loop_that_hard_codes_ten_columns_is_named():
    def ten_columns(labels, num_classes=10):
        encoded = np.zeros((len(labels), 10), dtype=np.float32)
        for i, label in enumerate(labels):
            encoded[i, label] = 1
        return encoded

    assert _mistake(ch01.ONE_HOT, ten_columns) == "ignored num_classes"
