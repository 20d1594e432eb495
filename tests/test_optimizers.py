"""Update rules and learning-rate schedules: each step equals its written formula.

Expected values are computed here from the update rules as printed in the
docstrings (scalar Python arithmetic, one parameter entry at a time), never by
calling the implementation.
"""

import math

import numpy as np
import pytest

from course_utils.mlp import MLP
from course_utils.optim import SGD
from course_utils.optimizers import Adam, Momentum, RMSProp, make_optimizer
from course_utils.schedules import CosineDecay, ExponentialDecay, Scheduled, StepDecay

# A tiny problem: one weight matrix and one bias, three fixed gradients.
W0 = [[0.5, -1.0], [2.0, 0.25]]
B0 = [0.1, -0.3]
GRADS = [([[0.2, -0.4], [1.0, 0.0]], [0.5, -0.1]),
         ([[-0.1, 0.3], [0.8, 0.05]], [0.4, 0.2]),
         ([[0.3, 0.3], [-0.5, 0.1]], [-0.2, 0.0])]


def _run(optimizer, steps=3):
    W = np.array(W0, dtype=np.float64)
    b = np.array(B0, dtype=np.float64)
    for gW, gb in GRADS[:steps]:
        optimizer.step([W, b], [np.array(gW), np.array(gb)])
    return W, b


def _flat_problem():
    """Parameters and gradients as flat lists of Python floats, entry by entry."""
    theta = [x for row in W0 for x in row] + list(B0)
    grads = [[x for row in gW for x in row] + list(gb) for gW, gb in GRADS]
    return theta, grads


def _as_arrays(theta):
    return np.array(theta[:4]).reshape(2, 2), np.array(theta[4:])


def test_sgd_step_is_parameter_minus_learning_rate_times_gradient():
    lr = 0.1
    theta, grads = _flat_problem()
    for g in grads:
        theta = [t - lr * gi for t, gi in zip(theta, g, strict=True)]
    W, b = _run(SGD(lr))
    np.testing.assert_allclose(W, _as_arrays(theta)[0], rtol=1e-12)
    np.testing.assert_allclose(b, _as_arrays(theta)[1], rtol=1e-12)


def test_momentum_accumulates_a_velocity_over_three_steps():
    lr, mu = 0.1, 0.9
    theta, grads = _flat_problem()
    vel = [0.0] * len(theta)
    for g in grads:
        vel = [mu * v - lr * gi for v, gi in zip(vel, g, strict=True)]
        theta = [t + v for t, v in zip(theta, vel, strict=True)]
    opt = Momentum(lr, mu)
    W, b = _run(opt)
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-12)
    np.testing.assert_allclose(np.concatenate([opt.velocity[0].ravel(), opt.velocity[1]]), vel,
                               rtol=1e-12)


def test_nesterov_adds_the_lookahead_correction_over_three_steps():
    lr, mu = 0.1, 0.9
    theta, grads = _flat_problem()
    vel = [0.0] * len(theta)
    for g in grads:
        vel = [mu * v - lr * gi for v, gi in zip(vel, g, strict=True)]
        theta = [t + mu * v - lr * gi for t, v, gi in zip(theta, vel, g, strict=True)]
    W, b = _run(Momentum(lr, mu, nesterov=True))
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-12)


def test_nesterov_first_step_is_one_plus_mu_times_the_momentum_step():
    mu = 0.9
    W_m, _ = _run(Momentum(0.1, mu), steps=1)
    W_n, _ = _run(Momentum(0.1, mu, nesterov=True), steps=1)
    start = np.array(W0)
    np.testing.assert_allclose(W_n - start, (1 + mu) * (W_m - start), rtol=1e-12)


def test_nesterov_damps_the_oscillation_that_momentum_shows_on_a_quadratic():
    # f(x) = x^2 / 2 with learning rate 1 (= 1/curvature): heavy-ball momentum keeps
    # oscillating (its iteration matrix has eigenvalues of modulus sqrt(mu)), while
    # Nesterov's look-ahead gradient reaches the minimum exactly after two steps.
    def run(nesterov):
        x = np.array([1.0])
        opt = Momentum(1.0, 0.9, nesterov=nesterov)
        path = []
        for _ in range(10):
            opt.step([x], [x.copy()])  # gradient of x^2/2 is x
            path.append(float(x[0]))
        return path

    heavy_ball, nesterov = run(False), run(True)
    sign_changes = np.count_nonzero(np.diff(np.sign(heavy_ball[1:])))
    assert sign_changes >= 2  # it swings back and forth across the minimum
    assert max(abs(x) for x in heavy_ball[-3:]) > 0.3  # and is still far from it
    assert nesterov[0] == pytest.approx(-0.9)  # first step (1 + mu) times larger ...
    assert nesterov[1:] == pytest.approx([0.0] * 9, abs=1e-12)  # ... then exactly at 0


def test_momentum_zero_is_plain_sgd():
    np.testing.assert_allclose(_run(Momentum(0.1, 0.0))[0], _run(SGD(0.1))[0], rtol=1e-12)


def test_rmsprop_divides_by_the_running_root_mean_square():
    lr, rho, eps = 0.01, 0.9, 1e-8
    theta, grads = _flat_problem()
    s = [0.0] * len(theta)
    for g in grads:
        s = [rho * si + (1 - rho) * gi**2 for si, gi in zip(s, g, strict=True)]
        theta = [t - lr * gi / (math.sqrt(si) + eps) for t, gi, si in zip(theta, g, s, strict=True)]
    W, b = _run(RMSProp(lr, rho, eps))
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-10)


def test_adam_matches_the_bias_corrected_update_over_three_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    theta, grads = _flat_problem()
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    for t, g in enumerate(grads, start=1):
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        theta = [th - lr * (mi / (1 - b1**t)) / (math.sqrt(vi / (1 - b2**t)) + eps)
                 for th, mi, vi in zip(theta, m, v, strict=True)]
    opt = Adam(lr, b1, b2, eps)
    W, b = _run(opt)
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-10)
    assert opt.t == 3


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_adam_first_step_has_size_learning_rate_whatever_the_gradient_scale(scale):
    # Without the bias correction the first step would be (1-b1)/sqrt(1-b2) ~ 3.2 lr.
    lr = 0.01
    g = scale * np.array([0.3, -2.0, 5.0])
    p = np.zeros(3)
    Adam(lr).step([p], [g])
    np.testing.assert_allclose(p, -lr * np.sign(g), rtol=1e-4)


def test_decoupled_weight_decay_shrinks_matrices_but_not_biases():
    lr, lam = 0.1, 0.5
    W, b = np.array(W0), np.array(B0)
    opt = Momentum(lr, 0.0, weight_decay=lam)
    opt.step([W, b], [np.zeros((2, 2)), np.zeros(2)])
    np.testing.assert_allclose(W, (1 - lr * lam) * np.array(W0), rtol=1e-12)
    np.testing.assert_allclose(b, B0, rtol=1e-12)


def test_adamw_decay_is_not_rescaled_by_the_adaptive_denominator():
    # Coupled L2 feeds lam*W through Adam's normalisation: with a zero loss gradient the
    # first step is -lr*sign(W), independent of lam. Decoupled decay shrinks by lr*lam*W.
    lr, lam = 0.01, 1e-3
    W = np.array([[4.0, -2.0]])
    coupled, decoupled = W.copy(), W.copy()
    Adam(lr).step([coupled], [lam * coupled.copy()])
    Adam(lr, weight_decay=lam).step([decoupled], [np.zeros_like(W)])
    np.testing.assert_allclose(coupled, W - lr * np.sign(W), rtol=1e-6)
    np.testing.assert_allclose(decoupled, W - lr * lam * W, rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: Momentum(0.1), lambda: RMSProp(0.1), lambda: Adam(0.1)])
def test_float32_parameters_stay_float32(make):
    W = np.ones((2, 2), np.float32)
    make().step([W], [np.full((2, 2), 0.5, np.float32)])
    assert W.dtype == np.float32 and not np.allclose(W, 1.0)


def test_an_optimiser_refuses_parameters_of_another_network():
    opt = Adam()
    opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="Each network needs its own optimiser"):
        opt.step([np.zeros(4)], [np.ones(4)])


def test_step_rejects_mismatched_gradient_shapes_naming_both():
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*shape \(2,\)"):
        Momentum().step([np.zeros((2, 2))], [np.zeros(2)])
    with pytest.raises(ValueError, match="1 parameters but 2 gradients"):
        RMSProp().step([np.zeros(2)], [np.zeros(2), np.zeros(2)])


@pytest.mark.parametrize("make, message", [
    (lambda: Momentum(0.1, momentum=1.0), "momentum must lie in"),
    (lambda: Adam(beta2=-0.1), "beta2 must lie in"),
    (lambda: RMSProp(eps=0), "eps must be positive"),
    (lambda: Adam(-1e-3), "learning_rate must be a positive"),
    (lambda: Adam(weight_decay=-1), "weight_decay must be non-negative"),
    (lambda: Momentum(nesterov="yes"), "nesterov must be True or False"),
])
def test_bad_hyperparameters_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_make_optimizer_builds_each_named_rule():
    assert type(make_optimizer("sgd", 0.1)) is SGD
    assert make_optimizer("nesterov", 0.1).nesterov
    assert not make_optimizer("momentum", 0.1).nesterov
    assert isinstance(make_optimizer("rmsprop", 1e-3), RMSProp)
    assert make_optimizer("adam", 1e-3, weight_decay=0.01).weight_decay == 0.01
    with pytest.raises(ValueError, match="choose one of"):
        make_optimizer("adagrad", 0.1)


def test_every_optimiser_trains_the_mlp_below_its_starting_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 6)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    for opt in (Momentum(0.05), Momentum(0.05, nesterov=True), RMSProp(1e-2), Adam(1e-2)):
        model = MLP((8,), epochs=15, batch_size=16, optimizer=opt, seed=1).fit(X, y)
        assert model.history_["loss"][-1] < 0.5 * model.history_["loss"][0], opt


# ------------------------------------------------------------------ schedules


def test_step_decay_multiplies_by_gamma_every_step_size_epochs():
    sched = StepDecay(step_size=2, gamma=0.5)
    assert [sched(e, 0.1) for e in range(5)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_exponential_decay_is_a_geometric_sequence():
    sched = ExponentialDecay(0.9)
    assert [sched(e, 2.0) for e in range(4)] == pytest.approx([2.0, 1.8, 1.62, 1.458])


def test_cosine_decay_runs_from_base_to_min_then_stays():
    sched = CosineDecay(total_epochs=4, min_lr=0.01)
    values = [sched(e, 0.11) for e in range(6)]
    half = 0.01 + 0.5 * 0.1 * (1 + math.cos(math.pi / 4))
    assert values == pytest.approx([0.11, half, 0.06, 0.01 + 0.05 * (1 - math.sqrt(0.5)),
                                    0.01, 0.01])
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_scheduled_optimiser_changes_the_rate_at_each_epoch_end():
    opt = Scheduled(Momentum(0.2, 0.5), StepDecay(1, 0.5))
    assert opt.learning_rate == pytest.approx(0.2)
    opt.on_epoch_end(0)
    assert opt.optimizer.learning_rate == pytest.approx(0.1)
    opt.on_epoch_end(1)
    assert opt.lr_history == pytest.approx([0.2, 0.1, 0.05])
    p = np.zeros(1)
    opt.step([p], [np.ones(1)])
    assert p[0] == pytest.approx(-0.05)  # the wrapped optimiser steps with the current rate


def test_scheduled_rates_inside_mlp_fit_follow_the_schedule():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    model = MLP((4,), epochs=3, optimizer=Scheduled(SGD(0.1), ExponentialDecay(0.5))).fit(X, y)
    assert model.optimizer_.lr_history == pytest.approx([0.1, 0.05, 0.025, 0.0125])


def test_cosine_to_zero_at_the_last_epoch_end_does_not_raise():
    opt = Scheduled(SGD(0.1), CosineDecay(total_epochs=2))
    opt.on_epoch_end(0)
    opt.on_epoch_end(1)
    assert opt.learning_rate == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("make, message", [
    (lambda: StepDecay(0), "step_size must be a positive integer"),
    (lambda: ExponentialDecay(1.5), "gamma must lie in"),
    (lambda: CosineDecay(0), "total_epochs must be a positive integer"),
    (lambda: Scheduled("adam", StepDecay(1)), "needs a course_utils.optim.Optimizer"),
])
def test_bad_schedules_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
