"""Optimisers update parameters in place through the one documented interface."""

import numpy as np
import pytest

from course_utils.optim import SGD, Optimizer


def test_sgd_step_subtracts_learning_rate_times_gradient_in_place():
    W, b = np.ones((2, 3), np.float32), np.zeros(3, np.float32)
    W_id = id(W)
    SGD(learning_rate=0.5).step([W, b], [np.full((2, 3), 2.0, np.float32), np.ones(3, np.float32)])
    assert id(W) == W_id and W.dtype == np.float32
    np.testing.assert_array_equal(W, np.zeros((2, 3)))
    np.testing.assert_array_equal(b, np.full(3, -0.5))


def test_base_optimizer_step_must_be_overridden():
    with pytest.raises(NotImplementedError):
        Optimizer(0.1).step([np.ones(1)], [np.ones(1)])


@pytest.mark.parametrize("learning_rate", [0, -0.1, float("nan"), True, "0.1"])
def test_learning_rate_must_be_a_positive_number(learning_rate):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate)
