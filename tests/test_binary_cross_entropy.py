"""Sigmoid and binary cross-entropy from logits: right values, finite for any logit, the
gradient (sigmoid(z) - y) / n confirmed by finite differences, clear errors for bad input."""

import numpy as np
import pytest

from course_utils.binary_cross_entropy import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    sigmoid,
)
from course_utils.gradcheck import numerical_gradient, relative_error


def test_sigmoid_matches_its_definition_and_its_symmetry():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


def test_sigmoid_is_accurate_in_both_tails_without_warnings():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        p = sigmoid(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
    assert p[0] == 0.0 and p[-1] == 1.0 and p[2] == 0.5
    np.testing.assert_allclose(p[1], np.exp(-40.0), rtol=1e-12)   # not rounded to 0
    assert sigmoid(np.zeros(3, dtype=np.float32)).dtype == np.float32


def test_loss_matches_the_textbook_formula_on_ordinary_logits():
    rng = np.random.default_rng(0)
    z, y = rng.normal(scale=3, size=20), rng.integers(0, 2, size=20)
    p = 1 / (1 + np.exp(-z))
    textbook = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(binary_cross_entropy(z, y), textbook, rtol=1e-12)


def test_loss_of_zero_logits_is_log_2_and_confident_mistakes_stay_finite():
    assert binary_cross_entropy(np.zeros(4), np.array([0, 1, 1, 0])) == pytest.approx(np.log(2))
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = binary_cross_entropy(np.array([-1000.0, 1000.0]), np.array([1, 0]))
    assert loss == pytest.approx(1000.0)


@pytest.mark.parametrize("n", [1, 5, 12])
def test_gradient_is_sigmoid_minus_target_over_n_and_agrees_with_finite_differences(n):
    rng = np.random.default_rng(n)
    z, y = rng.normal(scale=2, size=n), rng.integers(0, 2, size=n)
    grad = binary_cross_entropy_grad(z, y)
    np.testing.assert_allclose(grad, (sigmoid(z) - y) / n, rtol=1e-12)
    numeric = numerical_gradient(lambda v: binary_cross_entropy(v, y), z.copy())
    assert relative_error(grad, numeric) < 1e-8


def test_soft_targets_are_accepted():
    z = np.array([0.3, -1.2])
    np.testing.assert_allclose(binary_cross_entropy_grad(z, np.array([0.25, 0.5])),
                               (sigmoid(z) - [0.25, 0.5]) / 2)


@pytest.mark.parametrize("logits, targets, error, match", [
    (np.zeros((3, 1)), np.zeros(3), ValueError, r"shape \(n,\).*z\.ravel\(\)"),
    (np.zeros(3), np.zeros(4), ValueError, r"\(3,\).*\(4,\)"),
    (np.zeros(2), np.array([0, 2]), ValueError, r"\[0, 1\].*0 to 2"),
    (np.array([0.0, np.nan]), np.zeros(2), ValueError, "NaN"),
    (np.array([1, 2]), np.zeros(2), TypeError, "floating-point"),
    (np.zeros(0), np.zeros(0), ValueError, "empty"),
    (np.zeros(2), np.array(["a", "b"]), TypeError, "numbers"),
])
def test_bad_input_gets_an_error_that_names_the_problem(logits, targets, error, match):
    for fn in (binary_cross_entropy, binary_cross_entropy_grad):
        with pytest.raises(error, match=match):
            fn(logits, targets)
