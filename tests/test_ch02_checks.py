"""Notebook 02's checks: correct solutions written in other styles pass, the test inputs
really trigger the numerical failures the checks claim to detect, and the verdicts name
the mistake. (Every entry of ``wrong_solutions`` is tested in test_exercise_checks.py.)"""

import numpy as np
import pytest

from course_utils.checks import ALL_EXERCISES, ch02
from course_utils.checks.feedback import Status


def _stable_log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def test_all_three_exercises_are_registered_for_the_shared_tests():
    names = {exercise.name for exercise in ALL_EXERCISES}
    assert {"softmax", "cross_entropy", "cross_entropy_grad"} <= names


def test_large_logits_make_a_naive_softmax_return_nan_in_every_mistaken_row():
    z = ch02._large_logits()
    with np.errstate(all="ignore"):
        naive = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        global_max = np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)
    assert np.isnan(naive[:2]).all() and np.isfinite(naive[2]).all()
    assert np.isfinite(global_max[0]).all() and np.isnan(global_max[1:]).all()


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

    for exercise, solution in [(ch02.SOFTMAX, softmax), (ch02.CROSS_ENTROPY, cross_entropy),
                               (ch02.CROSS_ENTROPY_GRAD, cross_entropy_grad)]:
        feedback = exercise.diagnose(solution)
        assert feedback.status is Status.CORRECT, feedback.render()


def test_overflowing_softmax_is_named_not_reported_as_generic_nan():
    def naive(z):
        e = np.exp(z.astype(np.float64))
        return e / e.sum(axis=1, keepdims=True)

    with np.errstate(all="ignore"):
        feedback = ch02.SOFTMAX.diagnose(naive)
    assert feedback.mistake == "no max subtraction (overflow)"
    assert "exp(1000)" in feedback.message and "maximum" in feedback.hint


def test_clipping_probabilities_with_an_epsilon_is_not_accepted():
    def clipped(z, labels):
        p = np.exp(_stable_log_softmax(z))
        return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12))

    feedback = ch02.CROSS_ENTROPY.diagnose(clipped)
    assert feedback.status is Status.MISTAKE
    assert "confidently wrong" in feedback.message


def test_extra_derivative_verdict_explains_where_the_factor_belongs():
    feedback = ch02.CROSS_ENTROPY_GRAD.diagnose(
        ch02.CROSS_ENTROPY_GRAD.wrong_solutions["extra activation derivative at the output"])
    assert "sigmoid" in feedback.message and "squared error" in feedback.message
    assert "(softmax(z) - one_hot(y)) / n" in feedback.hint


def test_failed_check_prints_the_mistake_and_returns_the_reference(capsys):
    wrong = ch02.CROSS_ENTROPY_GRAD.wrong_solutions["gradient not divided by the batch size"]
    chosen = ch02.check_cross_entropy_grad(wrong)
    out = capsys.readouterr().out
    assert chosen is ch02.CROSS_ENTROPY_GRAD.reference
    assert "gradient not divided by the batch size" in out and "Hint:" in out
