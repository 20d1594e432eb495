"""The notebook-04 checks on student code written independently of the references: correct
variants in other styles pass, and wrong ones, one per class of typical mistake, come back
with a verdict that names what is wrong. (Every declared Mistake is also run as a wrong
answer by test_exercise_checks.py.)"""

import math

import numpy as np
import pytest

from course_utils.checks import ALL_EXERCISES, ch04
from course_utils.checks.feedback import (
    MODIFIED_INPUT,
    OFF_BY_FACTOR,
    OUTPUTS_SWAPPED,
    SIGN_FLIPPED,
    Status,
)
from course_utils.schedules import CosineDecay


def test_all_six_exercises_are_registered_for_the_shared_tests():
    names = {exercise.name for exercise in ALL_EXERCISES}
    assert {"momentum_step", "adam_step", "warmup_cosine", "Dropout", "add_l2",
            "fixed_loss_and_gradients"} <= names


def verdict(exercise, fn):
    feedback = exercise.diagnose(fn)
    assert feedback.status is Status.MISTAKE, feedback.render()
    return feedback


# ---------------------------------------------------------------- momentum


def test_in_place_momentum_written_differently_passes():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        velocity *= beta
        velocity -= learning_rate * grad
        w += velocity
        return w, velocity

    assert ch04.MOMENTUM.diagnose(momentum_step).status is Status.CORRECT


def test_momentum_with_unrecognised_values_names_the_wrong_output():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        v = beta * velocity - learning_rate * grad
        return w + v, v + 0.01 * np.abs(w)

    feedback = verdict(ch04.MOMENTUM, momentum_step)
    assert feedback.mistake is None and "velocity_new" in feedback.message


def test_momentum_returning_velocity_first_is_told_the_outputs_are_swapped():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        velocity = beta * velocity - learning_rate * grad
        return velocity, w + velocity

    assert verdict(ch04.MOMENTUM, momentum_step).mistake == OUTPUTS_SWAPPED


def test_momentum_that_scales_the_gradient_in_place_is_told_it_changed_its_input():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        grad *= learning_rate
        velocity = beta * velocity - grad
        return w + velocity, velocity

    assert verdict(ch04.MOMENTUM, momentum_step).mistake == MODIFIED_INPUT


def test_momentum_with_a_fixed_beta_is_told_beta_is_hard_coded():
    def momentum_step(w, grad, velocity, learning_rate, beta):
        velocity = 0.9 * velocity - learning_rate * grad
        return w + velocity, velocity

    assert verdict(ch04.MOMENTUM, momentum_step).mistake == "beta hard-coded as 0.9"


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


def test_adam_in_the_order_keras_uses_is_named_as_keras_order():
    def adam_step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        lr_t = learning_rate * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        return w - lr_t * m / (np.sqrt(v) + eps), m, v

    assert "Keras" in verdict(ch04.ADAM, adam_step).mistake


def test_adam_that_always_corrects_as_at_the_first_step_is_told_t_is_ignored():
    def adam_step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return w - learning_rate * (m / (1 - beta1)) / (np.sqrt(v / (1 - beta2)) + eps), m, v

    assert verdict(ch04.ADAM, adam_step).mistake == "bias correction ignores the step count t"


def test_adam_returning_v_before_m_is_told_the_outputs_are_swapped():
    def adam_step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        w_new, m_new, v_new = ch04.adam_step(w, grad, m, v, t, learning_rate, beta1, beta2, eps)
        return w_new, v_new, m_new

    assert verdict(ch04.ADAM, adam_step).mistake == OUTPUTS_SWAPPED


def test_adam_step_with_a_halved_learning_rate_is_told_it_is_off_by_a_factor():
    def adam_step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        _, m_new, v_new = ch04.adam_step(w, grad, m, v, t, learning_rate, beta1, beta2, eps)
        shift = ch04.adam_step(np.zeros_like(w), grad, m, v, t, learning_rate, beta1, beta2, eps)[0]
        return w + 0.5 * shift, m_new, v_new

    feedback = verdict(ch04.ADAM, adam_step)
    assert feedback.mistake is None and "w_new" in feedback.message   # w itself is not halved


def test_adam_first_step_moves_each_coordinate_by_about_the_learning_rate():
    rng = np.random.default_rng(0)
    grad = rng.normal(0.0, 1e-3, size=50)
    w, _, _ = ch04.adam_step(np.zeros(50), grad, np.zeros(50), np.zeros(50), t=1,
                             learning_rate=0.01, eps=1e-12)
    assert np.allclose(w, -0.01 * np.sign(grad), rtol=1e-6)


def test_the_check_inputs_make_every_placement_of_epsilon_differ():
    for args in ch04._adam_cases():
        w = args[0]
        reference_step = ch04.adam_step(*args)[0] - w
        for kind in ("eps inside", "keras order"):
            step = ch04._adam_variant(kind)(*args)[0] - w
            assert not np.allclose(step, reference_step, rtol=1e-3, atol=0)


# ---------------------------------------------------------------- warm-up + cosine schedule


def test_reference_schedule_without_warm_up_is_the_course_cosine_decay():
    decay = CosineDecay(total_epochs=12, min_lr=0.01)
    for epoch in range(20):
        assert ch04.warmup_cosine(epoch, 0.5, 0, 12, 0.01) == pytest.approx(decay(epoch, 0.5))


def test_reference_schedule_rises_to_base_lr_then_falls_to_min_lr_and_stays():
    lrs = [ch04.warmup_cosine(e, 1.0, 4, 10, 0.1) for e in range(14)]
    assert lrs[:4] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert lrs[4] == pytest.approx(1.0) and lrs[10] == pytest.approx(0.1)
    assert all(a > b for a, b in zip(lrs[4:10], lrs[5:11], strict=True))
    assert lrs[10:] == pytest.approx([0.1] * 4)


def test_schedule_written_with_numpy_and_a_clipped_progress_passes():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        if epoch < warmup_epochs:
            return base_lr * (epoch + 1) / warmup_epochs
        progress = np.clip((epoch - warmup_epochs) / (total_epochs - warmup_epochs), 0, 1)
        return min_lr + (base_lr - min_lr) * np.cos(np.pi * progress / 2) ** 2

    assert ch04.SCHEDULE.diagnose(warmup_cosine).status is Status.CORRECT


def test_schedule_in_degrees_is_named():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        if epoch < warmup_epochs:
            return base_lr * (epoch + 1) / warmup_epochs
        decay = total_epochs - warmup_epochs
        t = min(epoch - warmup_epochs, decay)
        return min_lr + (base_lr - min_lr) * (1 + math.cos(180 * t / decay)) / 2

    assert verdict(ch04.SCHEDULE, warmup_cosine).mistake == "cosine of degrees"


def test_schedule_that_keeps_following_the_cosine_after_the_end_is_named():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        if epoch < warmup_epochs:
            return base_lr * (epoch + 1) / warmup_epochs
        angle = math.pi * (epoch - warmup_epochs) / (total_epochs - warmup_epochs)
        return min_lr + (base_lr - min_lr) * (1 + math.cos(angle)) / 2

    assert verdict(ch04.SCHEDULE, warmup_cosine).mistake == "rises again after total_epochs"


def test_schedule_returning_the_factor_without_base_lr_is_told_it_is_off_by_base_lr():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        return ch04.warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr) / base_lr

    feedback = verdict(ch04.SCHEDULE, warmup_cosine)
    assert feedback.mistake == f"{OFF_BY_FACTOR}: base_lr"


def test_schedule_returning_a_list_is_told_to_return_one_number():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        return [base_lr]

    assert "one number" in verdict(ch04.SCHEDULE, warmup_cosine).message


def test_schedule_that_divides_by_the_warm_up_length_unconditionally_reports_the_crash():
    def warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        warm = base_lr * (epoch + 1) / warmup_epochs
        if epoch < warmup_epochs:
            return warm
        return ch04.warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr)

    feedback = ch04.SCHEDULE.diagnose(warmup_cosine)
    assert feedback.status is Status.ERROR and "ZeroDivisionError" in feedback.message


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


def test_dropout_with_one_mask_row_for_the_whole_batch_is_named():
    class RowMask(BinomialDropout):
        def forward(self, x, training=True):
            if not training:
                return x
            q = 1 - self.rate
            self.scale = (self.rng.random(x.shape[1]) < q).astype(x.dtype) / x.dtype.type(q)
            return x * self.scale

    assert verdict(ch04.DROPOUT, RowMask).mistake == "mask shared across the batch"


def test_dropout_keeping_with_probability_rate_is_named():
    class KeepsRate(BinomialDropout):
        def forward(self, x, training=True):
            if not training:
                return x
            self.scale = self.rng.binomial(1, self.rate, size=x.shape).astype(x.dtype)
            self.scale /= x.dtype.type(1 - self.rate)
            return x * self.scale

    assert verdict(ch04.DROPOUT, KeepsRate).mistake == "rate used as the keep probability"


def test_dropout_without_rescaling_is_named():
    class Unscaled(BinomialDropout):
        def forward(self, x, training=True):
            if not training:
                return x
            self.scale = self.rng.binomial(1, 1 - self.rate, size=x.shape).astype(x.dtype)
            return x * self.scale

    assert verdict(ch04.DROPOUT, Unscaled).mistake == "dropout not rescaled (not inverted)"


def test_dropout_that_draws_a_new_mask_in_backward_is_named():
    class Redraws(BinomialDropout):
        def backward(self, dout):
            q = 1 - self.rate
            return dout * (self.rng.random(dout.shape) < q) / np.float32(q)

    assert verdict(ch04.DROPOUT, Redraws).mistake == "mask regenerated in backward"


def test_dropout_with_a_fixed_rate_is_named():
    class FixedRate(BinomialDropout):
        def forward(self, x, training=True):
            if not training:
                return x
            self.scale = self.rng.binomial(1, 0.8, size=x.shape).astype(x.dtype) / np.float32(0.8)
            return x * self.scale

    assert verdict(ch04.DROPOUT, FixedRate).mistake == "rate hard-coded as 0.2"


def test_dropout_that_drops_nothing_is_not_called_correct():
    class NoDropout(BinomialDropout):
        def forward(self, x, training=True):
            self.scale = np.ones_like(x)
            return x

    assert "no entry was dropped" in verdict(ch04.DROPOUT, NoDropout).message


def test_dropout_class_without_backward_is_reported():
    class ForwardOnly:
        def __init__(self, rate, rng):
            pass

        def forward(self, x, training=True):
            return x

    assert "backward" in verdict(ch04.DROPOUT, ForwardOnly).message


def test_reference_dropout_keeps_the_expected_activation():
    layer = ch04.Dropout(0.4, np.random.default_rng(1))
    x = np.ones((400, 500), dtype=np.float32)
    assert abs(float(layer.forward(x).mean()) - 1.0) < 0.01
    assert layer.forward(x, training=False) is x


# ---------------------------------------------------------------- L2


def test_l2_written_with_a_loop_and_in_place_updates_of_grads_passes():
    def add_l2(data_loss, grads, params, lam):
        loss = data_loss
        for name in params:
            if name[0] == "W":
                loss += lam / 2 * np.vdot(params[name], params[name])
                grads[name] += lam * params[name]
        return loss, grads

    assert ch04.L2.diagnose(add_l2).status is Status.CORRECT


def test_l2_that_decays_the_weights_in_place_is_told_it_changed_its_input():
    def add_l2(data_loss, grads, params, lam):
        penalty = sum(0.5 * lam * np.sum(p**2) for k, p in params.items() if k[0] == "W")
        new = {k: g + lam * params[k] if k[0] == "W" else g for k, g in grads.items()}
        for k in params:
            params[k] *= 1 - lam
        return data_loss + penalty, new

    assert verdict(ch04.L2, add_l2).mistake == MODIFIED_INPUT


def test_l2_written_for_two_named_layers_fails_on_three_layers():
    def add_l2(data_loss, grads, params, lam):
        W1, W2 = params["W1"], params["W2"]
        loss = data_loss + lam / 2 * (np.sum(W1**2) + np.sum(W2**2))
        return loss, {**grads, "W1": grads["W1"] + lam * W1, "W2": grads["W2"] + lam * W2}

    assert verdict(ch04.L2, add_l2).mistake == "only W1 and W2 regularised"


def test_l2_subtracting_the_decay_term_is_named():
    def add_l2(data_loss, grads, params, lam):
        loss = data_loss + sum(lam / 2 * np.sum(p**2) for k, p in params.items() if k[0] == "W")
        return loss, {k: g - lam * params[k] if k[0] == "W" else g for k, g in grads.items()}

    assert verdict(ch04.L2, add_l2).mistake == "weight decay with the wrong sign"


def test_reference_l2_gradient_matches_finite_differences_of_its_loss():
    _, grads, params, lam = ch04._l2_inputs(layers=3)
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

    assert "dictionary" in verdict(ch04.L2, add_l2).message


# ---------------------------------------------------------------- the mystery bug


def numerical_gradient(fn, params, X, y, name, h=1e-6):
    grad = np.zeros_like(params[name])
    for i in np.ndindex(grad.shape):
        bumped = {k: p.copy() for k, p in params.items()}
        bumped[name][i] += h
        up = fn(bumped, X, y)[0]
        bumped[name][i] -= 2 * h
        grad[i] = (up - fn(bumped, X, y)[0]) / (2 * h)
    return grad


def test_the_reference_fix_agrees_with_finite_differences_and_the_mystery_does_not():
    params, X, y = ch04._mystery_inputs(7, 6, 5, 4, seed=46)
    _, fixed = ch04.fixed_loss_and_gradients(params, X, y)
    _, buggy = ch04.mystery_loss_and_gradients(params, X, y)
    for name in ("W1", "b1", "W2", "b2"):
        numeric = numerical_gradient(ch04.fixed_loss_and_gradients, params, X, y, name)
        assert np.allclose(fixed[name], numeric, atol=1e-7)
    assert not np.allclose(buggy["W1"], fixed["W1"], atol=1e-3)
    assert np.allclose(buggy["W2"], fixed["W2"]) and np.allclose(buggy["b2"], fixed["b2"])


def test_a_fix_with_the_relu_mask_taken_from_its_output_passes():
    def fixed_loss_and_gradients(params, X, y):
        loss, grads = ch04.mystery_loss_and_gradients(params, X, y)
        H = np.maximum(X @ params["W1"] + params["b1"], 0)
        from course_utils.softmax import softmax
        P = softmax(H @ params["W2"] + params["b2"])
        P[np.arange(len(X)), y] -= 1
        dZ1 = (P / len(X)) @ params["W2"].T * (H > 0)
        return loss, {**grads, "W1": X.T @ dZ1, "b1": dZ1.sum(axis=0)}

    assert ch04.MYSTERY.diagnose(fixed_loss_and_gradients).status is Status.CORRECT


def test_a_fix_elsewhere_names_what_is_right_and_what_is_still_wrong():
    def fixed_loss_and_gradients(params, X, y):
        loss, grads = ch04.mystery_loss_and_gradients(params, X, y)
        return loss, {**grads, "b2": grads["b2"].copy()}   # "fixed" a line that was right

    feedback = verdict(ch04.MYSTERY, fixed_loss_and_gradients)
    assert feedback.mistake == "the bug is still there"

    def changed_the_wrong_line(params, X, y):
        loss, grads = ch04.mystery_loss_and_gradients(params, X, y)
        return loss, {**grads, "W2": 2 * grads["W2"]}

    feedback = verdict(ch04.MYSTERY, changed_the_wrong_line)
    assert "Already right: loss, db2" in feedback.message
    assert "Still wrong: dW1, db1, dW2" in feedback.message


def test_a_fix_that_loses_the_one_over_n_is_told_the_factor_is_the_batch_size():
    def fixed_loss_and_gradients(params, X, y):
        loss, grads = ch04.fixed_loss_and_gradients(params, X, y)
        return loss, {**grads, "W1": grads["W1"] * len(X)}

    feedback = verdict(ch04.MYSTERY, fixed_loss_and_gradients)
    assert feedback.mistake == f"{OFF_BY_FACTOR}: the batch size"
    assert "Still wrong: dW1" in feedback.message


def test_a_fix_with_a_flipped_bias_gradient_is_told_the_sign_is_flipped():
    def fixed_loss_and_gradients(params, X, y):
        loss, grads = ch04.fixed_loss_and_gradients(params, X, y)
        return loss, {**grads, "b1": -grads["b1"]}

    assert verdict(ch04.MYSTERY, fixed_loss_and_gradients).mistake == SIGN_FLIPPED
