"""watch_training records MLP.fit's warnings and divergence in words, and lets other errors through."""

import warnings

import numpy as np
import pytest

from course_utils.mlp import MLP, TrainingDivergedError, UnscaledInputWarning
from course_utils.training_watch import watch_training


@pytest.fixture(scope="module")
def blobs():
    """Three separable Gaussian blobs in 20-D, 40 points each, float32 in [0, 1]."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 40)
    X = 0.5 + 0.1 * rng.standard_normal((3, 20))[y] + 0.02 * rng.standard_normal((120, 20))
    return np.clip(X, 0, 1).astype(np.float32), y


def test_a_healthy_run_reports_no_warnings(blobs):
    X, y = blobs
    with watch_training() as watch:
        MLP((8,), epochs=2, seed=0).fit(X, y)
    assert watch.clean and str(watch) == "no warnings"


def test_unscaled_inputs_are_named_without_numbers(blobs):
    X, y = blobs
    with watch_training() as watch:
        MLP((8,), epochs=1, learning_rate=1e-4, seed=0).fit(255 * X, y)
    assert "inputs look unscaled (0..255)" in watch.warned
    assert not any(ch.isdigit() for ch in str(watch).replace("0..255", ""))


def test_a_diverging_run_is_caught_with_its_epoch(blobs):
    X, y = blobs
    with watch_training() as watch:
        MLP((8,), epochs=5, learning_rate=1e30, seed=0).fit(X, y)
        raise AssertionError("fit should have diverged")   # pragma: no cover
    assert watch.diverged and watch.diverged_epoch >= 1
    assert f"diverged at epoch {watch.diverged_epoch}" in str(watch)
    assert isinstance(watch.history, dict)


def test_a_plain_floating_point_error_counts_as_divergence_without_an_epoch():
    with watch_training() as watch:
        raise FloatingPointError("overflow")
    assert watch.diverged and watch.diverged_epoch is None
    assert str(watch) == "diverged (the loss became NaN or infinite)"


def test_other_errors_propagate():
    with pytest.raises(ValueError):
        with watch_training():
            raise ValueError("not a divergence")


def test_each_warning_is_listed_once_and_other_kinds_keep_their_category():
    with watch_training() as watch:
        for _ in range(3):
            warnings.warn("MLP.fit: something odd: look here", UserWarning)
        warnings.warn("the inputs X range from 0 to 255", UnscaledInputWarning)
    assert watch.warned == ["UserWarning: look here", "inputs look unscaled (0..255)"]


def test_the_divergence_error_is_a_floating_point_error():
    assert issubclass(TrainingDivergedError, FloatingPointError)
