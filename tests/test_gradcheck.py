"""Gradient checking: finite differences agree with known derivatives and expose wrong ones."""

import numpy as np
import pytest

from course_utils.gradcheck import (
    check_layer_gradients,
    check_network_gradients,
    numerical_gradient,
    relative_error,
)
from course_utils.layers import dense_forward
from course_utils.mlp import MLP


def test_numerical_gradient_of_sum_of_cubes_is_three_x_squared_and_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_checks_only_the_requested_entries():
    x = np.arange(6.0)
    grad = numerical_gradient(lambda v: np.sum(v**2), x, indices=np.array([1, 4]))
    np.testing.assert_allclose(grad, [0, 2, 0, 0, 8, 0], atol=1e-8)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: v.sum(), np.ones(3, np.float32))


def test_relative_error_is_zero_for_equal_arrays_and_scale_free():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    b = a * (1 + 1e-6)
    assert relative_error(a, b) == pytest.approx(relative_error(1e6 * a, 1e6 * b))
    assert relative_error(a, -a) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="one shape"):
        relative_error(a, a[:2])


def _wrong_dense_backward(dout, cache):
    """A classic bug: the bias gradient is averaged instead of summed over the batch."""
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def test_check_layer_gradients_exposes_a_wrong_bias_gradient():
    rng = np.random.default_rng(0)
    errors = check_layer_gradients(dense_forward, _wrong_dense_backward, rng.normal(size=(5, 4)),
                                   rng.normal(size=(4, 3)), rng.normal(size=3))
    assert errors[0] < 1e-8 and errors[1] < 1e-8
    assert errors[2] > 0.1


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_three_hidden_layer_network_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 7)), rng.integers(0, 3, size=8)
    net = MLP(hidden_sizes=(6, 5, 4), activation=activation, init="xavier", l2=0.05,
              dtype=np.float64, seed=1).initialize(n_features=7, n_classes=3)
    errors = check_network_gradients(net, X, y)
    assert list(errors) == ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"]
    assert max(errors.values()) < 1e-6


def test_network_check_on_a_random_subset_of_a_big_layer():
    rng = np.random.default_rng(0)
    X, y = rng.random((4, 784)), np.array([0, 3, 9, 1])
    net = MLP(hidden_sizes=(32,), dtype=np.float64).initialize(784, 10)
    errors = check_network_gradients(net, X, y, max_entries=20)
    assert max(errors.values()) < 1e-6


class _OffByBatchSize:
    """A network whose reported gradient lacks the 1/n of the mean loss."""

    def __init__(self):
        self.w = np.array([0.3, -0.2])
        self.x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])

    def parameters(self):
        return {"w": self.w}

    def loss_and_gradients(self, X, y):
        residual = self.x @ self.w - 1.0
        return float(np.mean(residual**2)), {"w": 2 * self.x.T @ residual}


def test_network_check_exposes_a_gradient_off_by_the_batch_size():
    errors = check_network_gradients(_OffByBatchSize(), None, None)
    assert errors["w"] > 0.1


def test_network_check_refuses_a_float32_network():
    net = MLP(hidden_sizes=(3,)).initialize(4, 2)
    with pytest.raises(TypeError, match="dtype=np.float64"):
        check_network_gradients(net, np.ones((2, 4), np.float32), np.array([0, 1]))
