"""Softmax and cross-entropy: stable for huge logits, invariant to row shifts, exact gradients."""

import warnings

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.softmax import (
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    softmax,
    softmax_cross_entropy,
)


def _logits(n=6, k=4, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).normal(0, 3, size=(n, k)).astype(dtype)


def _labels(n=6, k=4, seed=1):
    return np.random.default_rng(seed).integers(0, k, size=n)


def test_softmax_rows_are_probabilities_matching_the_definition():
    z = _logits()
    p = softmax(z)
    naive = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, naive, rtol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_logits_of_plus_minus_1e4(dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4 + 1, -1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
        log_p = log_softmax(z)
    assert p.dtype == dtype and log_p.dtype == dtype
    assert np.isfinite(p).all() and np.isfinite(log_p).all()
    np.testing.assert_allclose(p[0], [1, 0, 0])
    np.testing.assert_allclose(p[1], softmax(np.array([[0.0, 1.0, 0.0]]))[0], rtol=1e-6)


def test_softmax_is_invariant_to_adding_a_constant_to_each_row():
    z = _logits()
    shifts = np.array([[-500.0], [0.0], [3.0], [1e3], [-7.5], [42.0]])
    np.testing.assert_allclose(softmax(z + shifts), softmax(z), atol=1e-12)
    np.testing.assert_allclose(log_softmax(z + shifts), log_softmax(z), atol=1e-9)


def test_log_softmax_equals_log_of_softmax_for_moderate_logits():
    z = _logits()
    np.testing.assert_allclose(log_softmax(z), np.log(softmax(z)), atol=1e-12)


def test_cross_entropy_is_finite_and_near_zero_for_confident_correct_predictions():
    z = np.array([[1e4, 0.0, 0.0], [0.0, 0.0, 1e4]], dtype=np.float32)
    loss = cross_entropy(z, np.array([0, 2]))
    assert np.isfinite(loss) and 0.0 <= loss < 1e-6


def test_cross_entropy_of_confident_wrong_prediction_is_the_logit_gap_not_inf():
    z = np.array([[1e4, 0.0, 0.0]], dtype=np.float32)
    assert cross_entropy(z, np.array([1])) == pytest.approx(1e4, rel=1e-6)


def test_cross_entropy_matches_the_definition_and_is_the_same_from_labels_and_one_hot():
    z, y = _logits(), _labels()
    one_hot = np.eye(4)[y]
    expected = -np.mean(np.log(softmax(z))[np.arange(len(y)), y])
    assert cross_entropy(z, y) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy(z, one_hot) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_grad_matches_finite_differences():
    z, y = _logits(), _labels()
    numeric = numerical_gradient(lambda logits: cross_entropy(logits, y), z)
    assert relative_error(cross_entropy_grad(z, y), numeric) < 1e-8


def test_cross_entropy_grad_is_softmax_minus_one_hot_over_batch_size():
    z, y = _logits(), _labels()
    expected = (softmax(z) - np.eye(4)[y]) / len(y)
    np.testing.assert_allclose(cross_entropy_grad(z, y), expected, atol=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z, np.eye(4)[y]), expected, atol=1e-15)


def test_softmax_cross_entropy_returns_loss_and_gradient_of_the_separate_functions():
    z, y = _logits(dtype=np.float32), _labels()
    loss, grad = softmax_cross_entropy(z, y)
    assert loss == pytest.approx(cross_entropy(z, y), rel=1e-6)
    np.testing.assert_allclose(grad, cross_entropy_grad(z, y), atol=1e-7)
    assert grad.dtype == np.float32


def test_functions_do_not_modify_their_inputs():
    z, y = _logits(), _labels()
    before = z.copy()
    softmax(z), log_softmax(z), softmax_cross_entropy(z, y), cross_entropy_grad(z, y)
    np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: softmax(np.ones(3)), ValueError, "z\\[None, :\\]"),
        (lambda: softmax(np.ones((2, 3), dtype=int)), TypeError, "floating-point"),
        (lambda: softmax(np.array([[np.nan, 1.0]])), ValueError, "NaN"),
        (lambda: softmax([[1.0, 2.0]]), TypeError, "NumPy array"),
        (lambda: cross_entropy(np.ones((2, 3)), np.array([0, 3])), ValueError, "0..2"),
        (lambda: cross_entropy(np.ones((2, 3)), np.array([0, -1])), ValueError, "0..2"),
        (lambda: cross_entropy(np.ones((2, 3)), np.array([0, 1, 2])), ValueError, "one label"),
        (lambda: cross_entropy(np.ones((2, 3)), np.ones((2, 2))), ValueError, "\\(2, 2\\)"),
        (lambda: cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])), TypeError, "integer"),
        (lambda: cross_entropy(np.ones((2, 3)), np.full((2, 3), 0.5)), ValueError, "sum to 1"),
        (lambda: cross_entropy_grad(np.ones((2, 3)), np.array([5, 0])), ValueError, "0..2"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad, softmax_cross_entropy])
@pytest.mark.parametrize("targets", [np.array([], dtype=np.int64), np.zeros((0, 3))],
                         ids=["labels", "one-hot"])
def test_an_empty_batch_is_refused_instead_of_giving_nan(function, targets):
    # the mean over zero samples is 0/0: say so where the empty batch comes in
    with pytest.raises(ValueError, match=r"empty batch.*shape \(0, 3\)"):
        function(np.zeros((0, 3)), targets)
