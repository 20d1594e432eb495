"""Preprocessing helpers: flatten, [0, 1] scaling, z-scores with a zero-variance guard,
one-hot labels and stratified splits -- including the clear errors for bad input."""

import numpy as np
import pytest

from course_utils.preprocessing import (
    Standardizer,
    flatten,
    one_hot,
    scale_to_unit,
    stratified_split,
    stratified_subset,
)

# --- flatten and scale_to_unit ---------------------------------------------------------------


def test_flatten_puts_one_image_per_row_in_row_major_order():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    X = flatten(images)
    assert X.shape == (2, 12)
    np.testing.assert_array_equal(X[1], images[1].ravel())


def test_flatten_refuses_a_single_image_and_suggests_adding_an_axis():
    with pytest.raises(ValueError, match=r"image\[None\]"):
        flatten(np.zeros((28, 28), dtype=np.uint8))


def test_scale_to_unit_maps_0_and_255_to_0_and_1_as_float32():
    images = np.array([[[0, 51, 255]]], dtype=np.uint8)
    scaled = scale_to_unit(images)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [[[0.0, 0.2, 1.0]]], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_scale_to_unit_refuses_anything_but_uint8(dtype):
    with pytest.raises(TypeError, match="uint8"):
        scale_to_unit(np.zeros((1, 28, 28), dtype=dtype))


# --- Standardizer ----------------------------------------------------------------------------


@pytest.fixture
def features():
    """Train/test matrices whose columns 0 and 3 are constant in the training set."""
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 3.0, size=(200, 5)).astype(np.float32)
    X_train[:, 0] = 0.0
    X_train[:, 3] = 7.5
    X_test = rng.normal(5.0, 3.0, size=(50, 5)).astype(np.float32)
    X_test[:, 0] = 200.0  # "ink" where the training set never had any
    return X_train, X_test


def test_standardized_training_columns_have_mean_0_and_std_1(features):
    X_train, _ = features
    Z = Standardizer.fit(X_train).transform(X_train)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z[:, [1, 2, 4]].mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(Z[:, [1, 2, 4]].std(axis=0), 1.0, atol=1e-5)


def test_constant_features_become_exactly_zero_without_nan(features):
    X_train, X_test = features
    scaler = Standardizer.fit(X_train)
    np.testing.assert_array_equal(scaler.constant, [True, False, False, True, False])
    for X in (X_train, X_test):
        Z = scaler.transform(X)
        assert np.all(np.isfinite(Z))
        np.testing.assert_array_equal(Z[:, [0, 3]], 0.0)


def test_standardizer_uses_training_statistics_on_test_data(features):
    X_train, X_test = features
    scaler = Standardizer.fit(X_train)
    Z_test = scaler.transform(X_test)
    expected = (X_test[:, 1] - X_train[:, 1].mean()) / X_train[:, 1].std()
    np.testing.assert_allclose(Z_test[:, 1], expected, rtol=1e-4, atol=1e-5)
    assert abs(Z_test[:, 1].mean()) > 1e-3  # not re-centred on the test set


def test_standardizer_refuses_a_different_number_of_features(features):
    X_train, _ = features
    with pytest.raises(ValueError, match="fitted on 5 features, but X has 4"):
        Standardizer.fit(X_train).transform(X_train[:, :4])


def test_standardizer_refuses_nan_and_images_that_are_not_flattened(features):
    X_train, _ = features
    bad = X_train.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Standardizer.fit(bad)
    with pytest.raises(ValueError, match="flatten"):
        Standardizer.fit(np.zeros((10, 28, 28), dtype=np.float32))


def test_standardizer_needs_two_samples():
    with pytest.raises(ValueError, match="at least 2 samples"):
        Standardizer.fit(np.ones((1, 3), dtype=np.float32))


# --- one_hot ---------------------------------------------------------------------------------


def test_one_hot_has_a_single_one_per_row_in_the_label_column():
    labels = np.array([3, 0, 9, 3])
    encoded = one_hot(labels, 10)
    assert encoded.shape == (4, 10) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), labels)
    assert set(np.unique(encoded)) == {0.0, 1.0}


@pytest.mark.parametrize("labels", [np.array([0, 10]), np.array([-1, 2])])
def test_one_hot_refuses_labels_out_of_range(labels):
    with pytest.raises(ValueError, match=r"0\.\.9"):
        one_hot(labels, 10)


def test_one_hot_refuses_float_labels_and_2d_labels():
    with pytest.raises(TypeError, match="integers"):
        one_hot(np.array([1.0, 2.0]), 10)
    with pytest.raises(ValueError, match="1-D"):
        one_hot(np.array([[1, 2]]), 10)


@pytest.mark.parametrize("num_classes", [0, True, 2.5])
def test_one_hot_refuses_a_bad_number_of_classes(num_classes):
    with pytest.raises(ValueError, match="num_classes"):
        one_hot(np.array([0]), num_classes)


# --- stratified_split ------------------------------------------------------------------------


@pytest.fixture
def sorted_by_class():
    """Labels sorted by class with unequal class sizes; X[i] == i to trace every sample."""
    y = np.repeat(np.arange(4), [50, 100, 30, 20])
    return np.arange(len(y)), y


def test_stratified_split_keeps_each_class_proportion(sorted_by_class):
    X, y = sorted_by_class
    _, _, y_tr, y_val = stratified_split(X, y, val_fraction=0.2, seed=0)
    np.testing.assert_array_equal(np.bincount(y_val), [10, 20, 6, 4])
    np.testing.assert_array_equal(np.bincount(y_tr), [40, 80, 24, 16])


def test_stratified_split_partitions_the_samples_and_keeps_pairs_together(sorted_by_class):
    X, y = sorted_by_class
    X_tr, X_val, y_tr, y_val = stratified_split(X, y, val_fraction=0.25, seed=3)
    np.testing.assert_array_equal(np.sort(np.concatenate([X_tr, X_val])), X)
    np.testing.assert_array_equal(y[X_tr], y_tr)
    np.testing.assert_array_equal(y[X_val], y_val)


def test_stratified_split_is_reproducible_for_a_seed_and_shuffles(sorted_by_class):
    X, y = sorted_by_class
    first = stratified_split(X, y, seed=7)
    again = stratified_split(X, y, seed=7)
    other = stratified_split(X, y, seed=8)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])
    assert np.any(np.diff(first[2]) < 0), "the training labels are no longer sorted"


@pytest.mark.parametrize("fraction", [0, 0.0, 1, 1.0, -0.1, 1.5, float("nan"), True, "0.2"])
def test_stratified_split_refuses_fractions_outside_0_and_1(sorted_by_class, fraction):
    X, y = sorted_by_class
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        stratified_split(X, y, val_fraction=fraction)


def test_stratified_split_refuses_a_fraction_that_empties_a_class(sorted_by_class):
    X, y = sorted_by_class
    with pytest.raises(ValueError, match="class 3"):
        stratified_split(X, y, val_fraction=0.02)


def test_stratified_split_refuses_mismatched_lengths_naming_both_shapes():
    with pytest.raises(ValueError, match=r"\(10, 3\).*\(9,\)"):
        stratified_split(np.zeros((10, 3)), np.zeros(9, dtype=int))


def test_stratified_split_refuses_float_labels_and_a_missing_seed(sorted_by_class):
    X, y = sorted_by_class
    with pytest.raises(TypeError, match="integer class labels"):
        stratified_split(X, y.astype(float))
    with pytest.raises(TypeError, match="seed"):
        stratified_split(X, y, seed=None)


# --- stratified_subset -----------------------------------------------------------------------

def test_stratified_subset_keeps_the_class_proportions(sorted_by_class):
    X, y = sorted_by_class           # 50, 100, 30, 20 of 200
    X_sub, y_sub = stratified_subset(X, y, 40, seed=0)
    np.testing.assert_array_equal(np.bincount(y_sub), [10, 20, 6, 4])
    np.testing.assert_array_equal(y[X_sub], y_sub)
    assert len(np.unique(X_sub)) == 40, "no sample is drawn twice"


def test_stratified_subset_gives_leftover_samples_to_the_largest_remainders(sorted_by_class):
    X, y = sorted_by_class           # quotas for 11: 2.75, 5.5, 1.65, 1.1
    _, y_sub = stratified_subset(X, y, 11, seed=0)
    np.testing.assert_array_equal(np.bincount(y_sub), [3, 5, 2, 1])


def test_stratified_subset_is_reproducible_shuffled_and_takes_images(sorted_by_class):
    images = np.arange(200 * 4).reshape(200, 2, 2)
    _, y = sorted_by_class
    first, again = stratified_subset(images, y, 50, seed=4), stratified_subset(images, y, 50, seed=4)
    np.testing.assert_array_equal(first[0], again[0])
    assert first[0].shape == (50, 2, 2) and np.any(np.diff(first[1]) < 0)


@pytest.mark.parametrize("size", [0, 201, 2.5, True, "40"])
def test_stratified_subset_refuses_sizes_outside_1_to_n(sorted_by_class, size):
    X, y = sorted_by_class
    with pytest.raises(ValueError, match="size must be an integer from 1 to"):
        stratified_subset(X, y, size)


def test_stratified_subset_refuses_a_size_that_empties_a_class(sorted_by_class):
    X, y = sorted_by_class
    with pytest.raises(ValueError, match="class 3 gets none.*10 or more"):
        stratified_subset(X, y, 4)


def test_stratified_subset_keep_order_chooses_the_same_rows_in_their_original_order():
    y = np.repeat(np.arange(3), [600, 300, 100])
    X = np.arange(len(y))[:, None]
    X_kept, y_kept = stratified_subset(X, y, 100, seed=1, keep_order=True)
    X_shuffled, _ = stratified_subset(X, y, 100, seed=1)
    assert np.bincount(y_kept).tolist() == [60, 30, 10]
    assert np.all(np.diff(X_kept[:, 0]) > 0)                 # original order, no duplicates
    np.testing.assert_array_equal(y[X_kept[:, 0]], y_kept)   # rows stay with their labels
    np.testing.assert_array_equal(np.sort(X_shuffled[:, 0]), X_kept[:, 0])


def test_stratified_subset_refuses_a_keep_order_that_is_not_a_bool(sorted_by_class):
    X, y = sorted_by_class
    with pytest.raises(TypeError, match="keep_order must be True or False"):
        stratified_subset(X, y, 20, keep_order="yes")
