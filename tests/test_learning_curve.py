"""course_utils.learning_curve: one score per size and seed, on stratified subsets."""

import numpy as np
import pytest

from course_utils.learning_curve import doubling_sizes, learning_curve


class _CountingModel:
    """Scores 'the fraction of the pool it was trained on' and records the class counts."""

    seen = []

    def __init__(self, seed):
        self.seed = seed

    def fit(self, X, y):
        self.n = len(y)
        _CountingModel.seen.append((self.seed, np.bincount(y).tolist()))
        return self

    def score(self, X, y):
        return self.n / 1000


def test_doubling_sizes_end_with_the_whole_pool():
    assert doubling_sizes(4000) == [250, 500, 1000, 2000, 4000]
    assert doubling_sizes(60000)[-2:] == [32000, 60000]
    assert doubling_sizes(100) == [100]
    with pytest.raises(ValueError, match="positive integer"):
        doubling_sizes(0)


def test_learning_curve_trains_each_size_with_each_seed_on_stratified_subsets():
    _CountingModel.seen = []
    y = np.repeat(np.arange(4), 250)
    X = np.zeros((1000, 2))
    acc = learning_curve(_CountingModel, X, y, X[:10], y[:10], sizes=[100, 1000], seeds=[3, 4])
    np.testing.assert_allclose(acc, [[0.1, 0.1], [1.0, 1.0]])
    assert _CountingModel.seen[0] == (3, [25, 25, 25, 25])
    assert [seed for seed, _ in _CountingModel.seen] == [3, 4, 3, 4]


def test_learning_curve_needs_two_seeds_and_sizes_inside_the_pool():
    y = np.repeat(np.arange(2), 5)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        learning_curve(_CountingModel, np.zeros((10, 1)), y, None, None, [5], [0])
    with pytest.raises(ValueError, match="from 1 to 10"):
        learning_curve(_CountingModel, np.zeros((10, 1)), y, None, None, [5, 11], [0, 1])
    with pytest.raises(ValueError, match="blas_threads"):
        learning_curve(_CountingModel, np.zeros((10, 1)), y, None, None, [5], [0, 1],
                       blas_threads=0)


def test_learning_curve_trains_under_the_requested_blas_threads():
    from threadpoolctl import threadpool_info

    seen = []

    class Spy(_CountingModel):
        def fit(self, X, y):
            seen.append({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
            return super().fit(X, y)

    y = np.repeat(np.arange(2), 5)
    learning_curve(Spy, np.zeros((10, 1)), y, None, y, [10], [0, 1], blas_threads=1)
    assert seen and all(threads <= {1} for threads in seen)
