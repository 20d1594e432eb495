"""Layers: every backward pass matches finite differences; initialisers have the stated variance."""

import warnings

import numpy as np
import pytest

from course_utils.gradcheck import check_layer, check_layer_gradients
from course_utils.initializers import init_weights
from course_utils.layers import (
    Dense,
    ReLU,
    Sigmoid,
    Tanh,
    dense_backward,
    dense_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)


def _x(shape=(5, 4), seed=0):
    x = np.random.default_rng(seed).normal(size=shape)
    x[np.abs(x) < 1e-3] = 0.5  # keep clear of the ReLU kink
    return x


def test_dense_forward_computes_x_at_W_plus_b():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    out, _ = dense_forward(x, W, b)
    expected = [[sum(x[i, j] * W[j, k] for j in range(4)) + b[k] for k in range(2)]
                for i in range(3)]
    np.testing.assert_allclose(out, expected)


def test_dense_backward_matches_finite_differences_for_x_W_and_b():
    rng = np.random.default_rng(2)
    errors = check_layer_gradients(dense_forward, dense_backward, _x(), rng.normal(size=(4, 3)),
                                   rng.normal(size=3))
    assert len(errors) == 3 and max(errors) < 1e-8


@pytest.mark.parametrize(
    ("forward", "backward"),
    [(relu_forward, relu_backward), (sigmoid_forward, sigmoid_backward),
     (tanh_forward, tanh_backward)],
)
def test_activation_backward_matches_finite_differences(forward, backward):
    (error,) = check_layer_gradients(forward, backward, _x())
    assert error < 1e-8


def test_relu_derivative_is_taken_at_the_input():
    x = np.array([[-2.0, -0.5, 0.5, 2.0]])
    out, cache = relu_forward(x)
    np.testing.assert_array_equal(out, [[0, 0, 0.5, 2.0]])
    np.testing.assert_array_equal(relu_backward(np.ones_like(x), cache), [[0, 0, 1, 1]])


def test_sigmoid_and_tanh_backward_use_the_derivative_at_the_input():
    x = np.array([[-1.5, 0.0, 2.0]])
    s = 1 / (1 + np.exp(-x))
    _, cache = sigmoid_forward(x)
    np.testing.assert_allclose(sigmoid_backward(np.ones_like(x), cache), s * (1 - s))
    _, cache = tanh_forward(x)
    np.testing.assert_allclose(tanh_backward(np.ones_like(x), cache), 1 - np.tanh(x) ** 2)


def test_sigmoid_is_stable_and_warning_free_for_huge_inputs():
    x = np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = sigmoid_forward(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0, 0, 0.5, 1, 1]], atol=1e-7)


@pytest.mark.parametrize("layer_type", [ReLU, Sigmoid, Tanh])
def test_activation_layer_objects_match_finite_differences(layer_type):
    errors = check_layer(layer_type(), _x())
    assert set(errors) == {"x"} and errors["x"] < 1e-8


def test_dense_layer_object_matches_finite_differences():
    errors = check_layer(Dense(4, 3, rng=0, dtype=np.float64), _x())
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) < 1e-8


def test_first_dense_layer_skips_the_input_gradient_but_keeps_parameter_gradients():
    full, first = (Dense(4, 3, rng=0, dtype=np.float64, compute_dx=flag) for flag in (True, False))
    x, dout = _x(), np.ones((5, 3))
    full.forward(x), first.forward(x)
    assert first.backward(dout) is None
    assert full.backward(dout).shape == x.shape
    np.testing.assert_array_equal(first.grads["W"], full.grads["W"])
    np.testing.assert_array_equal(first.grads["b"], full.grads["b"])


def test_dense_layer_params_and_grads_have_matching_keys_shapes_and_dtype():
    layer = Dense(784, 128, rng=0)
    assert layer.W.shape == (784, 128) and layer.b.shape == (128,)
    assert layer.W.dtype == np.float32 and not layer.b.any()
    layer.forward(np.zeros((2, 784), np.float32))
    layer.backward(np.ones((2, 128), np.float32))
    assert {k: v.shape for k, v in layer.grads.items()} == \
        {k: v.shape for k, v in layer.params.items()}


def test_backward_without_training_forward_raises():
    layer = ReLU()
    layer.forward(np.ones((2, 3)), training=False)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones((2, 3)))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: dense_forward(np.ones((2, 3)), np.ones((4, 5)), np.ones(5)), ValueError,
         "x \\(2, 3\\), W \\(4, 5\\)"),
        (lambda: dense_forward(np.ones((2, 4), np.float32), np.ones((4, 5)), np.ones(5)),
         TypeError, "one dtype"),
        (lambda: dense_forward(np.ones((2, 4), np.uint8), np.ones((4, 5)), np.ones(5)),
         TypeError, "floating point"),
        (lambda: dense_backward(np.ones((2, 6)), (np.ones((2, 4)), np.ones((4, 5)))),
         ValueError, "\\(2, 5\\)"),
        (lambda: relu_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError, "must match"),
    ],
)
def test_layer_functions_reject_bad_inputs_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    ("scheme", "variance"),
    [("he", 2 / 400), ("xavier", 2 / 700), ("glorot", 2 / 700), ("xavier_normal", 2 / 700),
     ("lecun", 1 / 400), ("normal", 1.0)],
)
def test_init_weights_have_the_documented_variance(scheme, variance):
    W = init_weights(400, 300, scheme, rng=np.random.default_rng(0), dtype=np.float64)
    assert W.shape == (400, 300)
    assert abs(W.mean()) < 0.02 * np.sqrt(variance)
    assert W.var() == pytest.approx(variance, rel=0.02)


def test_xavier_is_uniform_within_its_bound():
    W = init_weights(400, 300, "xavier", rng=0)
    bound = np.sqrt(6 / 700)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound


def test_init_scale_multiplies_the_standard_deviation_and_zeros_are_zero():
    base = init_weights(50, 40, "he", rng=3)
    np.testing.assert_allclose(init_weights(50, 40, "he", rng=3, scale=0.1), 0.1 * base,
                               rtol=1e-6)
    assert not init_weights(50, 40, "zeros").any()


def test_init_weights_is_reproducible_and_same_numbers_in_float32_and_float64():
    a = init_weights(20, 10, "he", rng=7, dtype=np.float32)
    b = init_weights(20, 10, "he", rng=7, dtype=np.float64)
    assert a.dtype == np.float32 and b.dtype == np.float64
    np.testing.assert_array_equal(a, b.astype(np.float32))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({"scheme": "kaiming"}, ValueError, "Unknown"), ({"rng": None}, TypeError, "default_rng"),
     ({"dtype": np.int32}, TypeError, "floating"), ({"scale": -1.0}, ValueError, "scale")],
)
def test_init_weights_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        init_weights(**{"fan_in": 3, "fan_out": 2, "scheme": "he", "rng": 0, **kwargs})
