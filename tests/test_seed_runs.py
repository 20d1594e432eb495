"""course_utils.seed_runs: every model trained with every seed, scored and timed per run."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from course_utils.seed_runs import run_seeds


class _Fixed:
    """A 'model' whose test accuracy is set by its seed; it records what it was trained on."""

    def __init__(self, accuracy):
        self.accuracy = accuracy

    def fit(self, X, y):
        self.trained_on = X
        return self

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

    runs = run_seeds({"a": trainer("a", 0.9), "b": trainer("b", 0.8)}, [0, 1, 2],
                     X_TEST, Y_TEST, X_TEST, Y_TEST)
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

    run_seeds({"m": train}, [0, 1], X_TEST, Y_TEST, X_TEST, Y_TEST, blas_threads=1)
    assert all(threads <= {1} for threads in seen)


def test_bad_arguments_are_named():
    data = (X_TEST, Y_TEST, X_TEST, Y_TEST)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0], *data)
    with pytest.raises(TypeError, match="make\\(seed\\)"):
        run_seeds({"m": 3}, [0, 1], *data)
    with pytest.raises(ValueError, match="blas_threads"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], *data, blas_threads=0)
    with pytest.raises(KeyError, match="not among the models"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], *data, train_inputs={"x": X_TEST})
    with pytest.raises(ValueError, match="same images as X"):
        run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], *data, train_inputs={"m": X_TEST[:5]})
    runs = run_seeds({"m": lambda s: _Fixed(1.0)}, [0, 1], *data)
    with pytest.raises(KeyError, match="the models are m"):
        runs.summary("other")


def test_a_model_can_train_on_the_same_images_in_another_dtype_and_warnings_stay_quiet():
    import warnings

    from sklearn.neural_network import MLPClassifier

    X = np.random.default_rng(0).uniform(size=(40, 3)).astype(np.float32)
    y = np.arange(40) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # the max_iter warning would raise here
        runs = run_seeds({"a": lambda s: MLPClassifier((3,), max_iter=1, random_state=s),
                          "b": lambda s: _Fixed(0.5)}, [0, 1], X, y, X, y,
                         train_inputs={"b": X.astype(np.float64)})
    assert runs.models["a"][0].coefs_[0].dtype == np.float32
    assert runs.models["b"][1].trained_on.dtype == np.float64
