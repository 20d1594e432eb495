"""MLP.fit limits the BLAS threads only while it trains, and an explicit choice wins."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from course_utils.mlp import MLP
from course_utils.threads import (
    TRAINING_THREADS,
    blas_thread_limit,
    resolve_blas_threads,
    thread_count,
)


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


class _RecordThreads:
    """A callback that notes the BLAS thread counts in force during each epoch."""

    def __init__(self):
        self.seen = []

    def on_epoch_end(self, model, epoch, history):
        self.seen.append(_blas_threads())


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 6)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def _fit_recording(**kwargs):
    recorder = _RecordThreads()
    MLP((4,), epochs=2, callbacks=[recorder], **kwargs).fit(*_data())
    return recorder.seen


@pytest.fixture
def two_blas_threads():
    """A caller that has set two BLAS threads for its own work."""
    if not _blas_threads():
        pytest.skip("NumPy's BLAS is not visible to threadpoolctl")
    with threadpool_limits(limits=2, user_api="blas"):
        if set(_blas_threads()) != {2}:
            pytest.skip("this BLAS cannot be set to two threads")
        yield


def test_fit_trains_on_the_course_thread_count_and_restores_the_callers(two_blas_threads):
    seen = _fit_recording()
    assert seen and all(set(threads) == {TRAINING_THREADS} for threads in seen)
    assert set(_blas_threads()) == {2}


def test_an_explicit_thread_count_overrides_the_course_choice(two_blas_threads):
    with threadpool_limits(limits=1, user_api="blas"):
        seen = _fit_recording(blas_threads=2)
        assert set(_blas_threads()) == {1}
    assert all(set(threads) == {2} for threads in seen)


def test_none_leaves_the_callers_setting_in_force_during_fit(two_blas_threads):
    seen = _fit_recording(blas_threads=None)
    assert all(set(threads) == {2} for threads in seen)


def test_the_callers_setting_is_restored_when_fit_raises(two_blas_threads):
    X, y = _data()
    with pytest.raises(ValueError, match="labels"):
        MLP((4,), epochs=1).fit(X, y - 5)
    assert set(_blas_threads()) == {2}


def test_the_default_is_auto_and_auto_means_the_course_choice():
    assert MLP().blas_threads == "auto"
    assert resolve_blas_threads("auto") == TRAINING_THREADS == 1
    assert resolve_blas_threads(3) == 3
    assert resolve_blas_threads(None) is None


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "one", "AUTO"])
def test_bad_thread_counts_are_refused_by_fit_with_what_is_accepted(bad):
    with pytest.raises(ValueError, match=r"blas_threads must be 'auto'.*positive integer.*None"):
        MLP((4,), epochs=1, blas_threads=bad).fit(*_data())


def test_blas_thread_limit_of_none_changes_nothing(two_blas_threads):
    with blas_thread_limit(None):
        assert set(_blas_threads()) == {2}
    with blas_thread_limit(1):
        assert set(_blas_threads()) == {1}
    assert set(_blas_threads()) == {2}


@pytest.mark.parametrize("value", [0, -1, 1.0, True, "2", None])
def test_thread_count_refuses_anything_but_a_positive_integer_and_names_the_caller(value):
    with pytest.raises(ValueError, match=r"^run_seeds: blas_threads must be a positive integer"):
        thread_count(value, "run_seeds")


def test_thread_count_returns_a_plain_int():
    assert thread_count(np.int64(2), "run_seeds") == 2 and type(thread_count(2, "x")) is int
