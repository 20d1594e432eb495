"""Notebook 02's checks beyond the shared contract in test_exercise_checks.py: correct solutions
written in other styles pass, the test inputs really trigger the numerical failures the checks
claim to detect, other spellings of a mistake get its name, and the verdicts explain it."""

import numpy as np
import pytest

from course_utils.binary_cross_entropy import binary_cross_entropy
from course_utils.checks import ALL_EXERCISES, ch02
from course_utils.checks.feedback import Status
from course_utils.gradcheck import numerical_gradient, relative_error


def _stable_log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mistake(exercise, fn):
    with np.errstate(all="ignore"):
        feedback = exercise.diagnose(fn)
    assert feedback.status is Status.MISTAKE, feedback.render()
    return feedback


def test_all_four_exercises_are_registered_for_the_shared_tests():
    names = {exercise.name for exercise in ALL_EXERCISES}
    assert {"softmax", "cross_entropy", "cross_entropy_grad", "sigmoid_bce_grad"} <= names


def test_large_logits_make_a_naive_softmax_return_nan_in_every_mistaken_row():
    z = ch02._large_logits()
    with np.errstate(all="ignore"):
        naive = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        global_max = np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)
    assert np.isnan(naive[:2]).all() and np.isfinite(naive[2]).all()
    assert np.isfinite(global_max[0]).all() and np.isnan(global_max[1:]).all()


def test_wide_logits_overflow_after_any_shift_but_the_maximum():
    z = ch02._wide_logits()
    for shift in (z.mean(axis=1, keepdims=True), z.min(axis=1, keepdims=True)):
        with np.errstate(all="ignore"):
            e = np.exp(z.astype(np.float64) - shift)
        assert np.isinf(e).any(axis=1).all()


def test_confident_logits_underflow_the_true_class_probability_to_exactly_zero():
    z, labels = ch02._confident_logits()
    for dtype in (np.float32, np.float64):
        p = np.exp(_stable_log_softmax(z.astype(dtype)))
        assert p[0, labels[0]] == 0.0
    assert np.isfinite(ch02._reference_cross_entropy(z, labels))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_correct_solutions_in_another_style_and_precision_pass(dtype):
    def softmax(z):
        z = z.astype(dtype)
        e = np.exp(z - np.max(z, axis=-1)[:, None])
        return e / e.sum(-1)[:, None]

    def cross_entropy(z, labels):
        log_p = _stable_log_softmax(z.astype(dtype))
        return -(np.eye(z.shape[1], dtype=dtype)[labels] * log_p).sum() / len(labels)

    def cross_entropy_grad(z, labels):
        return (softmax(z) - np.eye(z.shape[1], dtype=dtype)[labels]) / z.shape[0]

    def sigmoid_bce_grad(z, y):
        z = z.astype(dtype)
        with np.errstate(over="ignore"):
            return (1 / (1 + np.exp(-z)) - y) / z.size

    for exercise, solution in [(ch02.SOFTMAX, softmax), (ch02.CROSS_ENTROPY, cross_entropy),
                               (ch02.CROSS_ENTROPY_GRAD, cross_entropy_grad),
                               (ch02.BCE_GRAD, sigmoid_bce_grad)]:
        feedback = exercise.diagnose(solution)
        assert feedback.status is Status.CORRECT, feedback.render()


def test_overflowing_softmax_is_named_not_reported_as_generic_nan():
    def naive(z):
        e = np.exp(z.astype(np.float64))
        return e / e.sum(axis=1, keepdims=True)

    feedback = _mistake(ch02.SOFTMAX, naive)
    assert feedback.mistake == "no max subtraction (overflow)"
    assert "exp(1000)" in feedback.message and "maximum" in feedback.hint


def test_softmax_shifted_by_the_row_minimum_is_named_like_the_mean_shift():
    def min_shift(z):
        e = np.exp(z - z.min(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    assert _mistake(ch02.SOFTMAX, min_shift).mistake == \
        "subtracted the row's mean (or minimum) instead of its maximum"


def test_clipping_probabilities_with_an_epsilon_is_not_accepted():
    def clipped(z, labels):
        p = np.exp(_stable_log_softmax(z))
        return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12))

    feedback = _mistake(ch02.CROSS_ENTROPY, clipped)
    assert "confidently wrong" in feedback.message


def test_a_reshape_to_ten_columns_is_named_as_a_hard_coded_number_of_classes():
    def reshaped(z, labels):
        p = np.exp(_stable_log_softmax(z)).reshape(-1, 10)
        p[np.arange(len(labels)), labels] -= 1
        return p / len(labels)

    feedback = _mistake(ch02.CROSS_ENTROPY_GRAD, reshaped)
    assert feedback.mistake == "works only for 10 classes" and "logits.shape[1]" in feedback.hint


def test_extra_derivative_verdict_explains_where_the_factor_belongs():
    wrong = ch02.CROSS_ENTROPY_GRAD.self_tests()["extra activation derivative at the output"]
    feedback = _mistake(ch02.CROSS_ENTROPY_GRAD, wrong)
    assert "sigmoid" in feedback.message and "squared error" in feedback.message
    assert "(softmax(z) - one_hot(y)) / n" in feedback.hint


def test_failed_check_prints_the_mistake_and_returns_the_reference(capsys):
    wrong = ch02.CROSS_ENTROPY_GRAD.self_tests()["gradient not divided by the batch size"]
    chosen = ch02.check_cross_entropy_grad(wrong)
    out = capsys.readouterr().out
    assert chosen is ch02.CROSS_ENTROPY_GRAD.reference
    assert "gradient not divided by the batch size" in out and "Hint:" in out


# ---------------------------------------------------------------- 2.4 sigmoid + BCE

def test_bce_reference_agrees_with_finite_differences_on_the_check_inputs():
    ordinary, _ = ch02._bce_inputs()
    z, y = ordinary
    numeric = numerical_gradient(lambda v: binary_cross_entropy(v, y), z.copy())
    assert relative_error(ch02._reference_bce_grad(z, y), numeric) < 1e-8


def test_the_unsimplified_chain_rule_is_right_on_ordinary_logits_and_nan_when_saturated():
    (z, y), (z_big, y_big) = ch02._bce_inputs()
    np.testing.assert_allclose(ch02._bce_unsimplified(z, y), ch02._reference_bce_grad(z, y))
    assert np.isnan(ch02._bce_unsimplified(z_big, y_big)).any()


def test_a_naive_sigmoid_that_overflows_harmlessly_still_passes():
    def naive(z, y):
        with np.errstate(over="ignore"):
            return (1 / (1 + np.exp(-z)) - y) / len(y)

    assert ch02.BCE_GRAD.diagnose(naive).passed


def test_squared_error_gradient_written_with_the_derivative_spelled_out_is_named():
    def squared_error(z, y):
        p = 1 / (1 + np.exp(-z))
        dp_dz = np.exp(-z) / (1 + np.exp(-z)) ** 2
        return (p - y) * dp_dz / len(y)

    feedback = _mistake(ch02.BCE_GRAD, squared_error)
    assert feedback.mistake == "extra sigmoid derivative (the squared-error gradient)"


def test_a_gradient_that_ignores_the_targets_is_named():
    feedback = _mistake(ch02.BCE_GRAD, lambda z, y: np.zeros_like(z))
    assert feedback.mistake == "result does not depend on an argument"
    assert "`targets`" in feedback.message
