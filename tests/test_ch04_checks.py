"""The notebook-04 checks (momentum, Adam, inverted dropout, L2) on student code written
independently of the references: correct variants in other styles pass, and the verdicts
say what is wrong. (Every ``wrong_solutions`` entry is run by test_exercise_checks.py.)"""

import numpy as np
import pytest

from course_utils.checks import ALL_EXERCISES, ch04
from course_utils.checks.feedback import Status


def test_all_four_exercises_are_registered_for_the_shared_tests():
    names = {exercise.name for exercise in ALL_EXERCISES}
    assert {"momentum_step", "adam_step", "Dropout", "add_l2"} <= names


# ---------------------------------------------------------------- momentum


def test_in_place_momentum_written_differently_passes():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        velocity *= beta
        velocity -= learning_rate * grad
        w += velocity
        return w, velocity

    assert ch04.MOMENTUM.diagnose(momentum_step).status is Status.CORRECT


def test_momentum_with_unrecognised_values_is_reported_with_the_wrong_array():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        v = beta * velocity - learning_rate * grad
        return w + v, v + 0.01 * np.abs(w)

    feedback = ch04.MOMENTUM.diagnose(momentum_step)
    assert feedback.status is Status.MISTAKE and feedback.mistake is None
    assert "new velocity" in feedback.message


def test_reference_momentum_accumulates_a_constant_gradient_towards_one_over_one_minus_beta():
    w, v = np.zeros(1), np.zeros(1)
    for _ in range(200):
        w_before = w
        w, v = ch04.momentum_step(w, np.ones(1), v, learning_rate=0.1, beta=0.9)
    assert np.allclose(w - w_before, -0.1 / (1 - 0.9))


# ---------------------------------------------------------------- Adam


def test_adam_written_with_explicit_bias_correction_factors_passes():
    def adam_step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = m * beta1 + grad * (1 - beta1)
        v = v * beta2 + np.square(grad) * (1 - beta2)
        alpha = learning_rate / (1 - beta1**t)
        denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
        return w - alpha * m / denom, m, v

    assert ch04.ADAM.diagnose(adam_step).status is Status.CORRECT


def test_adam_first_step_moves_each_coordinate_by_about_the_learning_rate():
    rng = np.random.default_rng(0)
    grad = rng.normal(0.0, 1e-3, size=50)
    w, _, _ = ch04.adam_step(np.zeros(50), grad, np.zeros(50), np.zeros(50), t=1,
                             learning_rate=0.01, eps=1e-12)
    assert np.allclose(w, -0.01 * np.sign(grad), rtol=1e-6)


def test_the_check_inputs_make_epsilon_inside_and_outside_the_root_differ():
    args = ch04._adam_cases()[0]
    inside = ch04._adam_variant("eps inside")(*args)[0]
    assert not np.allclose(inside, ch04.adam_step(*args)[0], rtol=1e-3)


# ---------------------------------------------------------------- dropout


class BinomialDropout:
    """Correct inverted dropout drawn with rng.binomial instead of rng.random."""

    def __init__(self, rate, rng):
        self.rate, self.rng, self.scale = rate, rng, None

    def forward(self, x, training=True):
        if not training:
            return x
        keep_prob = 1 - self.rate
        self.scale = self.rng.binomial(1, keep_prob, size=x.shape).astype(x.dtype)
        self.scale /= x.dtype.type(keep_prob)
        return x * self.scale

    def backward(self, dout):
        return dout * self.scale


def test_dropout_with_another_random_draw_passes():
    feedback = ch04.DROPOUT.diagnose(BinomialDropout)
    assert feedback.status is Status.CORRECT, feedback.render()


def test_reference_dropout_keeps_the_expected_activation():
    layer = ch04.Dropout(0.4, np.random.default_rng(1))
    x = np.ones((400, 500), dtype=np.float32)
    assert abs(float(layer.forward(x).mean()) - 1.0) < 0.01
    assert layer.forward(x, training=False) is x


def test_dropout_that_drops_nothing_is_not_called_correct():
    class NoDropout(BinomialDropout):
        def forward(self, x, training=True):
            self.scale = np.ones_like(x)
            return x

    feedback = ch04.DROPOUT.diagnose(NoDropout)
    assert feedback.status is Status.MISTAKE and "no entry was dropped" in feedback.message


def test_dropout_class_without_backward_is_reported():
    class ForwardOnly:
        def __init__(self, rate, rng):
            pass

        def forward(self, x, training=True):
            return x

    feedback = ch04.DROPOUT.diagnose(ForwardOnly)
    assert feedback.status is Status.MISTAKE and "backward" in feedback.message


# ---------------------------------------------------------------- L2


def test_l2_written_with_a_loop_and_in_place_updates_passes():
    def add_l2(data_loss, grads, params, lam):
        loss = data_loss
        for name in params:
            if name[0] == "W":
                loss += lam / 2 * np.vdot(params[name], params[name])
                grads[name] += lam * params[name]
        return loss, grads

    assert ch04.L2.diagnose(add_l2).status is Status.CORRECT


def test_reference_l2_gradient_matches_finite_differences_of_its_loss():
    _, grads, params, lam = ch04._l2_inputs()
    zero = {k: np.zeros_like(g) for k, g in grads.items()}
    _, analytic = ch04.add_l2(0.0, zero, params, lam)
    h = 1e-6
    for name in params:
        bumped = {k: p.copy() for k, p in params.items()}
        bumped[name].flat[0] += h
        up, _ = ch04.add_l2(0.0, zero, bumped, lam)
        bumped[name].flat[0] -= 2 * h
        down, _ = ch04.add_l2(0.0, zero, bumped, lam)
        assert (up - down) / (2 * h) == pytest.approx(analytic[name].flat[0], abs=1e-6)


def test_l2_returning_a_list_of_gradients_is_told_to_return_a_dictionary():
    def add_l2(data_loss, grads, params, lam):
        return data_loss, list(grads.values())

    feedback = ch04.L2.diagnose(add_l2)
    assert feedback.status is Status.MISTAKE and "dictionary" in feedback.message
