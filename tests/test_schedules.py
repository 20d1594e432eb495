"""Learning-rate schedules: each one follows its formula, and Scheduled applies it per epoch."""

import math

import numpy as np
import pytest

from course_utils.mlp import MLP
from course_utils.optimizers import SGD, Momentum
from course_utils.schedules import CosineDecay, ExponentialDecay, Scheduled, StepDecay


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
    (lambda: Scheduled("adam", StepDecay(1)), "needs a course_utils.optimizers.Optimizer"),
])
def test_bad_schedules_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
