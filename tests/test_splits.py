"""course_utils.splits: the data a notebook trains on, cut to size without losing any class."""

import numpy as np
import pytest

from course_utils.splits import SMALL_TEST, SMALL_TRAIN, load_splits


def test_embedded_data_is_used_whole_and_split_80_20():
    data = load_splits("mnist-5k", seed=0)
    assert data.X_all.shape == (SMALL_TRAIN, 784) and data.X_test.shape == (SMALL_TEST, 784)
    assert data.X_train.shape == (3200, 784) and data.X_val.shape == (800, 784)
    assert data.X_train.dtype == np.float32 and 0.0 <= data.X_train.min() <= data.X_train.max() <= 1
    assert np.bincount(data.y_train).tolist() == [320] * 10
    assert data.pool_sorted_by_class
    assert "mnist-5k (the embedded subset)" in data.describe() and "sorted by class: yes" \
        in data.describe()


def test_full_data_of_the_embedded_subset_is_the_same_data():
    small, full = load_splits("mnist-5k"), load_splits("mnist-5k", full_data=True)
    np.testing.assert_array_equal(small.X_train, full.X_train)
    assert "every image" in full.describe()


def test_full_data_must_be_a_bool():
    with pytest.raises(TypeError, match="True or False"):
        load_splits("mnist-5k", full_data="yes")


def test_a_full_dataset_is_cut_to_the_embedded_size_per_class(monkeypatch):
    from course_utils import splits
    from course_utils.data.dataset import Dataset

    rng = np.random.default_rng(0)
    fake = Dataset("fake", rng.integers(0, 256, (6000, 28, 28), dtype=np.uint8),
                   np.arange(6000) % 10, rng.integers(0, 256, (2000, 28, 28), dtype=np.uint8),
                   np.arange(2000) % 10, tuple("abcdefghij"), "test")
    monkeypatch.setattr(splits, "load_dataset", lambda name: fake)
    data = splits.load_splits("fake")
    assert data.X_all.shape == (4000, 784) and np.bincount(data.y_all).tolist() == [400] * 10
    assert np.bincount(data.y_test).tolist() == [100] * 10
    assert not data.pool_sorted_by_class and "a stratified subset" in data.describe()
    assert splits.load_splits("fake", full_data=True).X_all.shape == (6000, 784)
