"""course_utils.seed_runs: every model trained with every seed, scored and timed per run."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from course_utils.seed_runs import run_seeds


class _Fixed:
    """A 'model' whose test accuracy is set by its seed."""

    def __init__(self, accuracy):
        self.accuracy = accuracy

    def score(self, X, y):
        return self.accuracy


X_TEST, Y_TEST = np.zeros((100, 3)), np.zeros(100, dtype=int)


def test_every_model_runs_once_per_seed_in_turn_and_is_scored():
    order = []

    def trainer(name, base):
        def train(seed):
            order.append((seed, name))
            return _Fixed(base + seed / 100)
        return train

    runs = run_seeds({"a": trainer("a", 0.9), "b": trainer("b", 0.8)}, [0, 1, 2], X_TEST, Y_TEST)
    assert order == [(0, "a"), (0, "b"), (1, "a"), (1, "b"), (2, "a"), (2, "b")]
    assert runs.accuracies["a"] == pytest.approx([0.90, 0.91, 0.92])
    assert runs.summary("b").mean == pytest.approx(0.81) and runs.summary("b").n_test == 100
    assert len(runs.seconds["a"]) == 3 and all(s >= 0 for s in runs.seconds["a"])
    assert runs.median_seconds("a") == pytest.approx(np.median(runs.seconds["a"]))
    assert runs.report().splitlines()[0].startswith("a  91.0 % ± 1.0 (sd of 3 seeds")


def test_runs_use_the_requested_blas_threads():
    seen = []

    def train(seed):
        seen.append({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
        return _Fixed(0.5)

    run_seeds({"m": train}, [0, 1], X_TEST, Y_TEST, blas_threads=1)
    assert all(threads <= {1} for threads in seen)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="at least 2 seeds"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0], X_TEST, Y_TEST)
    with pytest.raises(TypeError, match="train\\(seed\\)"):
        run_seeds({"m": 3}, [0, 1], X_TEST, Y_TEST)
    with pytest.raises(ValueError, match="blas_threads"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], X_TEST, Y_TEST, blas_threads=0)
    runs = run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], X_TEST, Y_TEST)
    with pytest.raises(KeyError, match="the models are m"):
        runs.summary("other")
