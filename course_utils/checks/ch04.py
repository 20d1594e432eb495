r"""Checks for the exercises of notebook 04, *Training dynamics and debugging*.

Six exercises, in the order the notebook asks for them, with the conventions of
:mod:`course_utils.optimizers`, :mod:`course_utils.schedules` and :class:`course_utils.mlp.MLP`:

* ``momentum_step(w, grad, velocity, learning_rate, beta) -> (w, velocity)``: one step of
  SGD with momentum in the *velocity* convention
  :math:`v \leftarrow \beta v - \eta g`, :math:`w \leftarrow w + v`.
* ``adam_step(w, grad, m, v, t, learning_rate, beta1, beta2, eps) -> (w, m, v)``: one Adam
  step. ``t`` is the number of *this* step, 1 for the first update; :math:`\epsilon` is
  added to the root of the *bias-corrected* second moment,
  :math:`w \leftarrow w - \eta\,\hat m/(\sqrt{\hat v}+\epsilon)` (Algorithm 1 of the Adam
  paper, PyTorch). Keras folds the bias correction into the step size and adds
  :math:`\epsilon` to :math:`\sqrt{v}` instead; the check names that order.
* ``warmup_cosine(epoch, base_lr, warmup_epochs, total_epochs, min_lr) -> lr``: a linear
  warm-up followed by a cosine decay, usable as a schedule of
  :class:`course_utils.schedules.Scheduled`.
* ``Dropout(rate, rng)``: a layer with ``forward(x, training=True)`` and
  ``backward(dout)`` implementing *inverted* dropout: in training each entry is dropped with
  probability ``rate`` (kept with probability ``q = 1 - rate``, as in
  :class:`course_utils.regularization.Dropout`, Keras and PyTorch) and the kept ones are
  divided by ``q``; at inference the layer is the identity.
* ``add_l2(data_loss, grads, params, lam) -> (loss, grads)``: L2 regularisation of the
  weight matrices only, for the objective
  :math:`L = L_\text{data} + \frac{\lambda}{2}\sum_l \lVert W_l \rVert^2`.
* ``fixed_loss_and_gradients(params, X, y) -> (loss, grads)``: the debugging lab's
  mystery function (:func:`mystery_loss_and_gradients`) with its one bug fixed.

Each typical mistake is one :class:`~course_utils.checks.feedback.Mistake`: its name, what
it does, how to fix it, and the mistaken code, which the check runs on the same inputs
as the student's function (and the test suite passes to the check as a wrong answer).
The inputs vary every parameter a student might hard-code (learning rate, betas, the
dropout rate, the schedule's lengths, the number of layers and of classes), use
non-square arrays, non-zero starting states and exact zeros. Dropout is random, so its
check does not demand one particular random draw: it checks properties every correct
implementation has (the kept fraction, the scaling, one mask per entry, the same mask in
backward as in forward, the identity at inference), whatever generator call drew the mask.
"""

from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from course_utils.checks.feedback import (
    MODIFIED_INPUT,
    OUTPUTS_SWAPPED,
    Exercise,
    Feedback,
    Mistake,
    Status,
    arrays_match,
    call_student,
    compare_arrays,
    compare_outputs,
    diagnose,
    modifies_input,
    stop,
    swapped,
)
from course_utils.i18n import N_, tr, tr_text
from course_utils.softmax import softmax

# ---------------------------------------------------------------- shared machinery


def _call(exercise: str, fn, *args, may_modify=(), **kwargs):
    """:func:`call_student` with deep-copied arguments and NumPy warnings silenced (a mistaken
    Adam divides by zero; its NaN is recognised, the warning would only add noise)."""
    with np.errstate(all="ignore"):
        return call_student(exercise, fn, *copy.deepcopy(args), may_modify=may_modify,
                            **copy.deepcopy(kwargs))


def _hard_coded(reference, position: int, value):
    """The reference with argument ``position`` replaced by a constant (a hard-coded value)."""
    def wrong(*args):
        args = list(args)
        args[position] = value
        return reference(*args)
    return wrong


# ---------------------------------------------------------------- exercise 4.1: momentum

_MOMENTUM = "momentum_step"


def momentum_step(w: np.ndarray, grad: np.ndarray, velocity: np.ndarray,
                  learning_rate: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of SGD with momentum, as :class:`course_utils.optimizers.Momentum`.

    :math:`v \leftarrow \beta v - \eta g`, then :math:`w \leftarrow w + v`.

    Args:
        w: parameters, any shape.
        grad: gradient of the loss with respect to ``w``, same shape.
        velocity: the velocity after the previous step (zeros before the first), same shape.
        learning_rate: :math:`\eta > 0`.
        beta: momentum coefficient :math:`\beta` in [0, 1), typically 0.9.

    Returns:
        ``(w_new, velocity_new)``, both shaped like ``w``.
    """
    velocity_new = beta * velocity - learning_rate * grad
    return w + velocity_new, velocity_new


def _momentum_plus(w, grad, velocity, learning_rate, beta):
    v = beta * velocity + learning_rate * grad
    return w + v, v


def _momentum_old_velocity(w, grad, velocity, learning_rate, beta):
    return w + velocity, beta * velocity - learning_rate * grad


def _momentum_no_beta(w, grad, velocity, learning_rate, beta):
    v = velocity - learning_rate * grad
    return w + v, v


def _momentum_pytorch(w, grad, velocity, learning_rate, beta):
    v = beta * velocity + grad
    return w - learning_rate * v, v


def _momentum_damped(w, grad, velocity, learning_rate, beta):
    v = beta * velocity + (1 - beta) * grad
    return w - learning_rate * v, v


def _momentum_lr_twice(w, grad, velocity, learning_rate, beta):
    v = beta * velocity - learning_rate * grad
    return w + learning_rate * v, v


_CONVENTION_HINT = ("Use the convention stated in the exercise: the velocity is the step "
                    "itself, a fraction beta of the previous step plus a plain SGD step, and "
                    "w moves by the new velocity.")

MOMENTUM_MISTAKES = [
    Mistake("gradient added to the velocity",
            "Your velocity is beta * v + learning_rate * grad: it points along the gradient, "
            "uphill, so every step increases the loss. In the velocity convention the "
            "gradient is subtracted when it enters the velocity, and the velocity is then "
            "added to w.",
            "The plain SGD step is -learning_rate * grad; that is what enters the velocity.",
            _momentum_plus),
    Mistake("parameters moved with the old velocity",
            "Your new velocity is right, but w moved by the velocity of the *previous* step: "
            "the current gradient only affects w one step later.",
            "Update the velocity first, then add the new velocity to w.",
            _momentum_old_velocity),
    Mistake("velocity not decayed by beta",
            "Your velocity is v - learning_rate * grad: the old velocity is kept in full, so "
            "it never forgets old gradients (with a steady gradient it grows without bound). "
            "beta < 1 makes it an exponentially fading memory.",
            "Multiply the old velocity by beta before adding the new step.",
            _momentum_no_beta),
    Mistake("velocity in the other convention (v = beta*v + g)",
            "Your w is updated as w - learning_rate * (beta * v + grad), the convention of "
            "PyTorch, where the velocity holds gradients and the learning rate is applied "
            "afterwards. It is a valid convention, but then the velocity you store means "
            "something else (-velocity / learning_rate here), and the velocity passed in "
            "(written in this exercise's convention) is misread.",
            _CONVENTION_HINT, _momentum_pytorch),
    Mistake("gradient damped by (1 - beta)",
            "Your velocity is an exponential moving average, beta * v + (1 - beta) * grad, "
            "followed by w - learning_rate * v. That convention (used in some lecture notes) "
            "makes each step (1 - beta) times smaller than the one asked for here: with "
            "beta = 0.9, a learning rate tuned for this notebook would act ten times smaller.",
            _CONVENTION_HINT, _momentum_damped),
    Mistake("learning rate applied twice",
            "Your velocity is right, but w moved by learning_rate * velocity: the learning "
            "rate is already inside the velocity.",
            "w moves by the velocity itself, with no second factor learning_rate.",
            _momentum_lr_twice),
    Mistake("beta hard-coded as 0.9",
            "Your step is right for beta = 0.9 but not for the beta passed in (0.5 in this "
            "test): the function uses a fixed number instead of its argument.",
            "Use the argument beta wherever the momentum coefficient appears.",
            _hard_coded(momentum_step, 4, 0.9)),
    Mistake("learning rate hard-coded as 0.1",
            "Your step is right for learning_rate = 0.1 but not for the one passed in: the "
            "function uses a fixed number instead of its argument.",
            "Use the argument learning_rate.",
            _hard_coded(momentum_step, 3, 0.1)),
]


def _momentum_cases():
    rng = np.random.default_rng(41)
    w, grad = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    velocity = rng.normal(0.0, 0.5, size=(3, 4))
    grad_with_zeros = rng.normal(size=5)
    grad_with_zeros[[0, 3]] = 0.0
    return [(w, grad, velocity, 0.1, 0.9),
            (w[:2, :3].copy(), grad[:2, :3].copy(), np.zeros((2, 3)), 0.05, 0.5),
            (rng.normal(size=5), grad_with_zeros, rng.normal(size=5), 0.2, 0.5)]


def _diagnose_momentum(student_fn) -> Feedback:
    def procedure() -> str:
        for args in _momentum_cases():
            got = _call(_MOMENTUM, student_fn, *args, may_modify=(0, 2))
            compare_outputs(_MOMENTUM, got, momentum_step(*copy.deepcopy(args)),
                            ("w_new", "velocity_new"), inputs=args, mistakes=MOMENTUM_MISTAKES)
        return tr("velocity = beta * velocity - learning_rate * grad, then w = w + velocity, "
                  "with and without a starting velocity, for several learning rates and betas.")

    return diagnose(_MOMENTUM, procedure)


MOMENTUM = Exercise(
    name=_MOMENTUM,
    reference=momentum_step,
    diagnosis=_diagnose_momentum,
    mistakes=MOMENTUM_MISTAKES,
    wrong_solutions={OUTPUTS_SWAPPED: swapped(momentum_step),
                     MODIFIED_INPUT: modifies_input(momentum_step, 1)},
)


def check_momentum_step(student_fn):
    """Check exercise 4.1 (momentum); returns the function to use from here on."""
    return MOMENTUM.check(student_fn)


# ---------------------------------------------------------------- exercise 4.2: Adam

_ADAM = "adam_step"


def adam_step(w: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
              learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""One Adam step (as :class:`course_utils.optimizers.Adam`).

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
        w \leftarrow w - \eta \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Args:
        w, grad, m, v: arrays of one shape: parameters, gradient, first and second moment
            after the previous step (zeros before the first step).
        t: the number of this step: 1 for the first update, 2 for the second, ...
        learning_rate, beta1, beta2, eps: Adam's hyper-parameters; ``eps`` is added to
            the square root of the bias-corrected second moment.

    Returns:
        ``(w_new, m_new, v_new)``: the moments returned are the *uncorrected* running
        averages (the bias correction is recomputed at every step from ``t``).
    """
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_variant(kind: str):
    """A mistaken Adam step; ``kind`` names what is wrong."""
    def step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m_new = beta1 * m + (1 - beta1) * grad
        v_new = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
        if kind == "no correction":
            m_hat, v_hat = m_new, v_new
        elif kind == "t from 0":
            m_hat, v_hat = m_new / (1 - beta1**(t - 1)), v_new / (1 - beta2**(t - 1))
        elif kind == "t ignored":
            m_hat, v_hat = m_new / (1 - beta1), v_new / (1 - beta2)
        elif kind == "old moments":
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        elif kind == "return corrected":
            return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
        elif kind == "keras order":
            alpha = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
            return w - alpha * m_new / (np.sqrt(v_new) + eps), m_new, v_new
        if kind == "eps inside":
            update = m_hat / np.sqrt(v_hat + eps)
        elif kind == "no sqrt":
            update = m_hat / (v_hat + eps)
        else:
            update = m_hat / (np.sqrt(v_hat) + eps)
        if kind == "plus":
            return w + learning_rate * update, m_new, v_new
        return w - learning_rate * update, m_new, v_new
    return step


ADAM_MISTAKES = [
    Mistake("no bias correction",
            "Your step uses m and v directly. Both start at 0, so in the first steps they are "
            "far too small: at t = 1, m = (1 - beta1) * grad is a tenth of the gradient and v "
            "a thousandth of its square, so the first step is about 3 times too large "
            "(0.1 / sqrt(0.001)) and its size depends on how many steps have been taken.",
            "Divide each running average by the total weight its terms have after t steps "
            "(1 minus beta to the power t), then step with those.",
            _adam_variant("no correction")),
    Mistake("bias correction with t starting at 0",
            "Your bias correction uses t - 1, as if the first step were step 0. At the first "
            "step 1 - beta**0 = 0, so m_hat and v_hat are divided by zero and the parameters "
            "become NaN; later steps are over-corrected.",
            "Count steps from 1: the first call has t = 1 and divides by 1 - beta1**1 = 0.1.",
            _adam_variant("t from 0")),
    Mistake("bias correction ignores the step count t",
            "Your correction divides by 1 - beta1 and 1 - beta2 at every step, the right "
            "factor only at t = 1. At step 4 (this test) the averages already hold more "
            "weight, so your step is off; after many steps the correction must fade to 1.",
            "The correction factor depends on t: 1 - beta**t.",
            _adam_variant("t ignored")),
    Mistake("epsilon inside the square root",
            "You divided by sqrt(v_hat + eps). The convention here (Adam paper's Algorithm 1, "
            "PyTorch) is sqrt(v_hat) + eps: with eps inside the root it acts like an eps of "
            "about sqrt(eps), which for small gradients changes the step a lot (the check "
            "uses eps = 1e-3 so that the difference shows).",
            "Add eps after taking the square root.",
            _adam_variant("eps inside")),
    Mistake("epsilon added to sqrt(v) with the correction folded into the step (Keras's order)",
            "You computed learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t) * m / "
            "(sqrt(v) + eps): the order Keras uses (and the Adam paper suggests for "
            "efficiency). It equals the asked-for step only when eps is negligible: eps is "
            "added to sqrt(v), not to sqrt(v_hat), so it acts like an eps of "
            "eps / sqrt(1 - beta2**t), 32 times larger at t = 1. A valid variant, but not the "
            "convention of this exercise (and of course_utils.optimizers.Adam).",
            "Correct both moments first, then add eps to sqrt(v_hat).",
            _adam_variant("keras order")),
    Mistake("square root of v forgotten",
            "You divided by v_hat + eps instead of sqrt(v_hat) + eps. v_hat estimates the "
            "squared gradient; its square root has the units of the gradient, so that "
            "m_hat / sqrt(v_hat) is about +-1 and the step is about learning_rate.",
            "The denominator has the units of the gradient, not of its square.",
            _adam_variant("no sqrt")),
    Mistake("step taken with the old moments",
            "Your new m and v are right, but the step used the moments of the previous step: "
            "the current gradient enters the update one step late (and the very first step "
            "does nothing, since m = 0).",
            "Update m and v with the current gradient first, then correct them and step.",
            _adam_variant("old moments")),
    Mistake("bias-corrected moments returned as the new state",
            "Your w is right, but you returned m_hat and v_hat as the new moments. The next "
            "step would correct them a second time. The running averages m and v are the "
            "state; m_hat and v_hat are recomputed from them at every step.",
            "Return the uncorrected running averages.",
            _adam_variant("return corrected")),
    Mistake("step in the direction of the gradient",
            "Your parameters moved by + learning_rate * m_hat / (sqrt(v_hat) + eps): along the "
            "gradient, uphill.",
            "Subtract the step.",
            _adam_variant("plus")),
    Mistake("beta1 hard-coded as 0.9",
            "Your step is right for beta1 = 0.9 but not for the beta1 passed in (0.8 in this "
            "test): a fixed number is used instead of the argument.",
            "Use the arguments beta1 and beta2 (in the averages and in the correction).",
            _hard_coded(adam_step, 6, 0.9)),
]


_ADAM_EPS = 1e-3


def _adam_cases():
    """Step 1 from zero moments (bias correction matters most; two gradients exactly 0),
    step 4 from non-zero ones, and a step with other betas. Gradients of about 1e-2 with
    eps = 1e-3 make every placement of eps give another result."""
    rng = np.random.default_rng(42)
    w = rng.normal(size=(3, 5))
    g1 = rng.normal(0.0, 0.02, size=(3, 5))
    g1[0, 0] = g1[2, 3] = 0.0
    zeros = np.zeros((3, 5))
    g4 = rng.normal(0.0, 0.02, size=(3, 5))
    m4 = rng.normal(0.0, 0.005, size=(3, 5))
    v4 = rng.uniform(1e-5, 1e-4, size=(3, 5)) * (1 - 0.999**3)
    w7, g7 = rng.normal(size=(4, 2)), rng.normal(0.0, 0.03, size=(4, 2))
    m7, v7 = rng.normal(0.0, 0.01, size=(4, 2)), rng.uniform(1e-5, 1e-4, size=(4, 2))
    return [(w, g1, zeros, zeros.copy(), 1, 0.01, 0.9, 0.999, _ADAM_EPS),
            (w, g4, m4, v4, 4, 0.01, 0.9, 0.999, _ADAM_EPS),
            (w7, g7, m7, v7, 7, 0.003, 0.8, 0.99, _ADAM_EPS)]


def _diagnose_adam(student_fn) -> Feedback:
    def procedure() -> str:
        for args in _adam_cases():
            got = _call(_ADAM, student_fn, *args, may_modify=(0, 2, 3))
            compare_outputs(_ADAM, got, adam_step(*copy.deepcopy(args)),
                            ("w_new", "m_new", "v_new"), inputs=args, mistakes=ADAM_MISTAKES)
        return tr("Moments, bias correction with t counted from 1, and the step "
                  "m_hat / (sqrt(v_hat) + eps), at the first step, at later ones and with "
                  "other betas.")

    return diagnose(_ADAM, procedure)


ADAM = Exercise(
    name=_ADAM,
    reference=adam_step,
    diagnosis=_diagnose_adam,
    mistakes=ADAM_MISTAKES,
    wrong_solutions={OUTPUTS_SWAPPED: swapped(adam_step, 1, 2),
                     MODIFIED_INPUT: modifies_input(adam_step, 1)},
)


def check_adam_step(student_fn):
    """Check exercise 4.2 (Adam); returns the function to use from here on."""
    return ADAM.check(student_fn)


# ---------------------------------------------------------------- exercise 4.3: warm-up + cosine

_SCHEDULE = "warmup_cosine"


def warmup_cosine(epoch: int, base_lr: float, warmup_epochs: int, total_epochs: int,
                  min_lr: float = 0.0) -> float:
    r"""A linear warm-up, then half a cosine down to ``min_lr`` (reference for exercise 4.3).

    With :math:`W` = ``warmup_epochs``, :math:`T` = ``total_epochs``, :math:`\eta_0` =
    ``base_lr``:

    * epochs :math:`e = 0 \dots W-1`: :math:`\eta_e = \eta_0 (e + 1) / W`, so the first epoch
      already trains, at :math:`\eta_0 / W`, and epoch :math:`W - 1` reaches :math:`\eta_0`;
    * epochs :math:`e = W \dots T`: :math:`\eta_e = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})
      (1 + \cos(\pi (e - W) / (T - W)))`, from :math:`\eta_0` down to :math:`\eta_{min}`;
    * after :math:`T`: :math:`\eta_{min}`.

    With ``warmup_epochs = 0`` it is :class:`course_utils.schedules.CosineDecay`. Used as
    ``Scheduled(Adam(1e-2), lambda e, lr: warmup_cosine(e, lr, 2, 15))``.

    Args:
        epoch: integer >= 0.
        base_lr: the peak learning rate, > 0.
        warmup_epochs: integer >= 0.
        total_epochs: integer > ``warmup_epochs``: the epoch at which ``min_lr`` is reached.
        min_lr: the final learning rate, in [0, base_lr].
    """
    if epoch < warmup_epochs:
        return base_lr * (epoch + 1) / warmup_epochs
    decay_epochs = total_epochs - warmup_epochs
    progress = min(epoch - warmup_epochs, decay_epochs) / decay_epochs
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))


def _schedule_variant(kind: str):
    """A mistaken schedule; ``kind`` names what is wrong."""
    def schedule(epoch, base_lr, warmup_epochs, total_epochs, min_lr=0.0):
        if epoch < warmup_epochs:
            ramp = epoch if kind == "warm-up from 0" else epoch + 1
            return base_lr * ramp / warmup_epochs
        start, length = warmup_epochs, total_epochs - warmup_epochs
        if kind == "not shifted":
            start, length = 0, total_epochs
        elif kind == "over total":
            length = total_epochs
        elif kind == "one early":
            length = max(length - 1, 1)
        done = epoch - start
        if kind != "no clamp":
            done = min(done, length)
        progress = done // length if kind == "integer division" else done / length
        angle = {"degrees": 180.0 * progress, "full period": 2 * math.pi * progress}.get(
            kind, math.pi * progress)
        if kind == "min ignored":
            return 0.5 * base_lr * (1 + math.cos(angle))
        if kind == "min on top":
            return min_lr + 0.5 * base_lr * (1 + math.cos(angle))
        return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(angle))
    return schedule


SCHEDULE_MISTAKES = [
    Mistake("warm-up starts at 0 (off by one)",
            "In epoch 0 your learning rate is 0, so the first epoch does not train at all, and "
            "base_lr is only reached at epoch warmup_epochs. The warm-up asked for starts at "
            "base_lr / warmup_epochs in epoch 0 and reaches base_lr in epoch warmup_epochs - 1.",
            "Count the epoch that is about to run: epoch 0 is the first of the warm-up.",
            _schedule_variant("warm-up from 0")),
    Mistake("cosine not shifted by the warm-up",
            "Your cosine starts at epoch 0, under the warm-up, so when the warm-up ends the "
            "decay is already under way: the rate drops below base_lr right after reaching it, "
            "and the decay does not start from base_lr at epoch warmup_epochs.",
            "Measure the cosine's progress from the end of the warm-up.",
            _schedule_variant("not shifted")),
    Mistake("cosine stretched over total_epochs",
            "Your cosine divides by total_epochs, but the decay only has total_epochs - "
            "warmup_epochs epochs: it has not reached min_lr at epoch total_epochs.",
            "The decay lasts total_epochs - warmup_epochs epochs.",
            _schedule_variant("over total")),
    Mistake("min_lr reached one epoch early",
            "Your schedule reaches min_lr at epoch total_epochs - 1: the length of the decay "
            "is off by one.",
            "At epoch total_epochs the progress of the decay is exactly 1.",
            _schedule_variant("one early")),
    Mistake("rises again after total_epochs",
            "Your schedule keeps following the cosine after epoch total_epochs, so the "
            "learning rate climbs back up towards base_lr. After total_epochs it must stay "
            "at min_lr.",
            "Clip the progress of the decay at 1.",
            _schedule_variant("no clamp")),
    Mistake("cosine of degrees",
            "Your angle goes from 0 to 180, as in degrees, but math.cos and np.cos take "
            "radians: cos(180) is not -1, so the curve wiggles instead of making half a "
            "cosine.",
            "Half a period in radians is pi.",
            _schedule_variant("degrees")),
    Mistake("a full cosine period instead of half",
            "Your angle goes from 0 to 2 pi: the learning rate goes down to min_lr halfway "
            "and back up to base_lr at the end. A cosine decay is half a period, from its "
            "maximum to its minimum.",
            "The angle should go from 0 to pi.",
            _schedule_variant("full period")),
    Mistake("progress computed with integer division",
            "Your progress is an integer division (//): it is 0 for every epoch of the decay "
            "and jumps to 1 at the end, so the rate stays at base_lr and then drops at once.",
            "Use true division (/) for the progress.",
            _schedule_variant("integer division")),
    Mistake("min_lr ignored",
            "Your schedule decays to 0 whatever min_lr is.",
            "The cosine moves between base_lr and min_lr: its amplitude is base_lr - min_lr.",
            _schedule_variant("min ignored")),
    Mistake("min_lr added on top of the cosine",
            "Your schedule starts the decay at base_lr + min_lr: min_lr was added to a cosine "
            "that still has amplitude base_lr.",
            "The cosine's amplitude is base_lr - min_lr, on top of min_lr.",
            _schedule_variant("min on top")),
]

#: (base_lr, warmup_epochs, total_epochs, min_lr) of each curve the check compares.
_SCHEDULE_CASES = [(0.01, 3, 15, 0.0), (0.5, 0, 10, 0.05), (2.0, 1, 7, 0.1), (0.03, 4, 5, 0.001)]


def _curve(fn, base_lr, warmup_epochs, total_epochs, min_lr):
    """The schedule's learning rate in every epoch from 0 to 4 epochs past the end."""
    return np.array([fn(e, base_lr, warmup_epochs, total_epochs, min_lr)
                     for e in range(total_epochs + 5)], dtype=np.float64)


def _student_curve(student_fn, case) -> np.ndarray:
    values = []
    for epoch in range(case[2] + 5):
        lr = _call(_SCHEDULE, student_fn, epoch, *case)
        if isinstance(lr, np.ndarray) and lr.shape == ():
            lr = lr[()]
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
            stop(_SCHEDULE, Status.MISTAKE,
                 tr("For epoch {epoch} your function returned {got_type} ({value!r}); it "
                    "must return one number, the learning rate of that epoch.",
                    epoch=epoch, got_type=type(lr).__name__, value=lr),
                 hint=tr("Return a float; call it once per epoch."))
        values.append(float(lr))
    return np.array(values)


def _diagnose_schedule(student_fn) -> Feedback:
    curve_mistakes = [Mistake(m.name, m.explanation, m.hint,
                              lambda *case, _wrong=m.wrong: _curve(_wrong, *case))
                      for m in SCHEDULE_MISTAKES]

    def procedure() -> str:
        for case in _SCHEDULE_CASES:
            base_lr, warmup, total, min_lr = case
            compare_arrays(_SCHEDULE, _student_curve(student_fn, case),
                           _curve(warmup_cosine, *case), inputs=case, mistakes=curve_mistakes,
                           what=tr("the learning rate of epochs 0 to {last} (base_lr "
                                   "{base_lr:g}, warmup_epochs {warmup}, total_epochs {total}, "
                                   "min_lr {min_lr:g})", last=total + 4, base_lr=base_lr,
                                   warmup=warmup, total=total, min_lr=min_lr),
                           rtol=1e-7, atol=1e-12, factors={N_("base_lr"): base_lr})
        return tr("Warm-up from base_lr / warmup_epochs, half a cosine from base_lr to min_lr "
                  "after it, min_lr from total_epochs on; with and without warm-up, over "
                  "{n_cases} sets of arguments.", n_cases=len(_SCHEDULE_CASES))

    return diagnose(_SCHEDULE, procedure)


SCHEDULE = Exercise(
    name=_SCHEDULE,
    reference=warmup_cosine,
    diagnosis=_diagnose_schedule,
    mistakes=SCHEDULE_MISTAKES,
)


def check_warmup_cosine(student_fn):
    """Check exercise 4.3 (warm-up + cosine schedule); returns the function to use from here on."""
    return SCHEDULE.check(student_fn)


# ---------------------------------------------------------------- exercise 4.4: inverted dropout

_DROPOUT = "Dropout"


class Dropout:
    """Inverted dropout (reference for exercise 4.4; the course's layer is
    :class:`course_utils.regularization.Dropout`).

    Args:
        rate: probability ``p`` of *dropping* each entry, in [0, 1) (the convention of Keras
            and PyTorch); each entry is kept with probability ``q = 1 - p``.
        rng: ``np.random.Generator``; the source of the random masks.

    ``forward(x, training=True)``: ``x (n, d)`` -> ``(n, d)``, same dtype. In training, every
    entry (every unit of every sample) is kept with probability ``q``, independently, with
    a new mask at every call, and the kept ones are divided by ``q``, so the expected
    output equals ``x``; at inference (``training=False``) the input is returned unchanged.
    ``backward(dout)``: ``(n, d)`` -> ``(n, d)``: ``dout`` times the *same* scaled mask as
    the last training forward pass.
    """

    def __init__(self, rate: float, rng: np.random.Generator) -> None:
        self.rate = rate
        self.rng = rng
        self.mask = None

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        if not training:
            return x
        keep_prob = 1 - self.rate
        keep = self.rng.random(x.shape) < keep_prob
        self.mask = (keep / keep_prob).astype(x.dtype)
        return x * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self.mask


def _dropout_variant(kind: str):
    """A mistaken dropout layer; ``kind`` names what is wrong."""
    class Mistaken(Dropout):
        def forward(self, x, training=True):
            rate = 0.2 if kind == "rate hard-coded" else self.rate
            q = 1 - rate
            if kind == "at inference":
                training = True
            if not training:
                return x * q if kind == "scaled at inference" else x
            if kind == "same mask" and self.mask is not None:
                return x * self.mask
            shape = (1, x.shape[1]) if kind == "shared across batch" else x.shape
            keep = self.rng.random(shape) < (rate if kind == "rate as keep" else q)
            scale = 1.0 if kind == "not rescaled" else 1 / q
            self.mask = np.broadcast_to(keep * scale, x.shape).astype(x.dtype)
            if kind == "float64":
                self.mask = keep / q
            return x * self.mask

        def backward(self, dout):
            if kind == "new mask in backward":
                q = 1 - self.rate
                return dout * ((self.rng.random(dout.shape) < q) / q).astype(dout.dtype)
            if kind == "backward unmasked":
                return dout
            if kind == "backward not rescaled":
                return dout * (self.mask != 0)
            return dout * self.mask

    Mistaken.__name__ = "Dropout"
    return Mistaken


_KEEP_HINT = N_("Keep an entry when a uniform random number is below the keep probability.")

DROPOUT_MISTAKES = [
    Mistake("dropout not rescaled (not inverted)",
            "The entries you keep come out unchanged, so in training the layer's output is on "
            "average q = 1 - rate times its input, and the next layer sees smaller values in "
            "training than at inference. Inverted dropout rescales the kept entries so that "
            "the expected output equals the input and inference needs no change.",
            "Work out the factor that makes the expected value of the output equal x.",
            _dropout_variant("not rescaled")),
    Mistake("rate used as the keep probability",
            "Only {kept:.0%} of the entries survived the forward pass; with rate = {p} about "
            "{q:.0%} should. rate is the probability of *dropping* an entry, and you used it "
            "as the probability of keeping one.", _KEEP_HINT,
            _dropout_variant("rate as keep")),
    Mistake("rate hard-coded as 0.2",
            "With rate = {p} you kept {kept:.0%} of the entries, as if rate were 0.2: the layer "
            "uses a fixed number instead of self.rate.",
            "Use self.rate, the rate the layer was created with.",
            _dropout_variant("rate hard-coded")),
    Mistake("mask shared across the batch",
            "Every sample of the batch lost exactly the same units: your mask has one row, "
            "broadcast over all {n} rows. Each sample needs its own random mask, or the "
            "whole batch trains the same sub-network and the gradient of a dropped unit is "
            "zero for every sample at once.",
            "Draw the mask with the shape of x, not of one row.",
            _dropout_variant("shared across batch")),
    Mistake("same mask for every batch",
            "Two training forward passes dropped exactly the same entries: the mask is drawn "
            "once and reused. Dropout's point is a *different* random sub-network at every "
            "step.",
            "Draw a new mask inside forward, at every call with training=True.",
            _dropout_variant("same mask")),
    Mistake("mask regenerated in backward",
            "Your backward pass multiplies dout by a *new* random mask: the gradient then flows "
            "through entries that were dropped in the forward pass (and is blocked at some "
            "that were kept). The backward pass must use exactly the mask of the forward pass.",
            "Store the scaled mask in forward (self.mask = ...) and reuse it in backward.",
            _dropout_variant("new mask in backward")),
    Mistake("backward ignores the mask",
            "Your backward pass returns dout unchanged. A dropped entry did not affect the "
            "output, so its gradient is 0; a kept one was multiplied by 1 / (1 - rate), and "
            "so is its gradient.",
            "Multiply dout by the scaled mask saved by forward.",
            _dropout_variant("backward unmasked")),
    Mistake("backward not rescaled",
            "Your backward pass zeroes the right entries but does not divide by 1 - rate. The "
            "forward pass computed x * keep / (1 - rate), so its derivative is "
            "keep / (1 - rate).",
            "Multiply dout by the same scaled mask as the forward pass.",
            _dropout_variant("backward not rescaled")),
    Mistake("dropout applied at inference",
            "With training=False your layer still drops entries: predictions become random and "
            "worse. At inference inverted dropout is the identity (the rescaling during "
            "training already made the expected activations match).",
            "if not training: return x",
            _dropout_variant("at inference")),
    Mistake("output scaled at inference",
            "With training=False you multiply by 1 - rate. That is the rule of the original, "
            "non-inverted dropout; with inverted dropout (kept entries divided by 1 - rate in "
            "training) inference must leave x unchanged, or the activations shrink.",
            "if not training: return x",
            _dropout_variant("scaled at inference")),
    Mistake("float32 input returned as float64",
            "The values are right, but a float32 input came back as float64: a boolean mask "
            "divided by a Python float is float64, and multiplying by it upcasts. The network "
            "works in float32 (half the memory and time); the next layer would reject the mix.",
            "Convert the mask to x.dtype.",
            _dropout_variant("float64")),
]

_DROPOUT_BY_NAME = {m.name: m for m in DROPOUT_MISTAKES}


def _say(name: str, **fmt) -> None:
    mistake = _DROPOUT_BY_NAME[name]
    stop(_DROPOUT, Status.MISTAKE, tr_text(mistake.explanation).format(**fmt),
         hint=tr_text(mistake.hint), mistake=name)


def _array_out(got, x: np.ndarray, what: str) -> np.ndarray:
    if got is None:
        stop(_DROPOUT, Status.MISTAKE, tr("{what} returned None.", what=what),
             hint=tr("Did you forget the `return` statement?"))
    got = np.asarray(got)
    if got.shape != x.shape:
        stop(_DROPOUT, Status.MISTAKE,
             tr("{what} returned shape {got}; expected {expected}, the shape of its input.",
                what=what, got=got.shape, expected=x.shape),
             hint=tr("Dropout works element-wise: draw the mask with shape x.shape."))
    return got


def _close(a, b) -> bool:
    return arrays_match(a, b, rtol=1e-5, atol=1e-8)


def _check_dropout_case(student_cls, rate: float, seed: int) -> None:
    """One layer with one rate: forward, backward, a second forward, inference."""
    q = 1 - rate
    data = np.random.default_rng(43 + seed)
    x = data.uniform(0.5, 1.5, size=(200, 60)).astype(np.float32)   # no zeros
    dout = data.uniform(0.5, 1.5, size=x.shape).astype(np.float32)
    layer = _call(_DROPOUT, student_cls, rate, np.random.default_rng(seed))
    for method in ("forward", "backward"):
        if not callable(getattr(layer, method, None)):
            stop(_DROPOUT, Status.MISTAKE, tr("The layer has no {method} method.", method=method),
                 hint=tr("Keep the class outline given in the exercise."))

    out = _array_out(_call(_DROPOUT, layer.forward, x, training=True), x,
                     tr("forward(x, training=True) with rate = {rate}", rate=rate))
    kept = out != 0
    fraction = float(kept.mean())
    if rate == 0.0:
        if not _close(out, x):
            compare_arrays(_DROPOUT, out, x,
                           what=tr("forward(x, training=True) with rate = {rate}", rate=0))
    else:
        if fraction < 0.999 and np.array_equal(kept, np.broadcast_to(kept[:1], kept.shape)):
            _say("mask shared across the batch", n=len(x))
        if fraction > 0.999:
            stop(_DROPOUT, Status.MISTAKE,
                 tr("In training with rate = {rate}, no entry was dropped.", rate=rate),
                 hint=tr("Multiply x by a random mask of kept (True) and dropped (False) "
                         "entries."))
        if abs(fraction - rate) < 0.03 and abs(rate - q) > 0.06:
            _say("rate used as the keep probability", kept=fraction, p=rate, q=q)
        if abs(fraction - 0.8) < 0.03 and abs(q - 0.8) > 0.06:
            _say("rate hard-coded as 0.2", kept=fraction, p=rate)
        if abs(fraction - q) > 0.03:
            stop(_DROPOUT, Status.MISTAKE,
                 tr("In training {fraction:.1%} of the entries were kept; with rate = {rate} "
                    "about {q:.0%} should be.", fraction=fraction, rate=rate, q=q),
                 hint=tr_text(_KEEP_HINT))
    if _close(out[kept], x[kept]) and rate > 0:
        _say("dropout not rescaled (not inverted)")
    if not _close(out[kept], x[kept] / q):
        stop(_DROPOUT, Status.MISTAKE,
             tr("With rate = {rate}, the kept entries are not x / (1 - rate).", rate=rate),
             hint=tr("The kept entries are divided by the keep probability."))
    if out.dtype != x.dtype:
        _say("float32 input returned as float64")

    dx = _array_out(_call(_DROPOUT, layer.backward, dout), x, tr("backward(dout)"))
    expected_dx = dout * (kept / q)
    if not _close(dx, expected_dx):
        if _close(dx, dout):
            _say("backward ignores the mask")
        if _close(dx, dout * kept):
            _say("backward not rescaled")
        if abs(float((dx != 0).mean()) - q) < 0.03:
            _say("mask regenerated in backward")
        compare_arrays(_DROPOUT, dx, expected_dx, what=tr("backward(dout)"))

    again = _array_out(_call(_DROPOUT, layer.forward, x, training=True), x,
                       tr("a second forward(x, training=True)"))
    if rate > 0 and np.array_equal(again != 0, kept):
        _say("same mask for every batch")

    at_inference = _array_out(_call(_DROPOUT, layer.forward, x, training=False), x,
                              tr("forward(x, training=False)"))
    if not _close(at_inference, x):
        if np.count_nonzero(at_inference == 0):
            _say("dropout applied at inference")
        if _close(at_inference, x * q):
            _say("output scaled at inference")
        compare_arrays(_DROPOUT, at_inference, x, what=tr("forward(x, training=False)"))


def _diagnose_dropout(student_cls) -> Feedback:
    def procedure() -> str:
        for rate, seed in ((0.2, 7), (0.5, 8), (0.0, 9)):
            _check_dropout_case(student_cls, rate, seed)
        return tr("With rates 0.2, 0.5 and 0: each entry kept with probability 1 - rate and "
                  "divided by it, a new mask per entry and per call; backward reuses the "
                  "forward mask; at inference the layer is the identity.")

    return diagnose(_DROPOUT, procedure)


DROPOUT = Exercise(
    name=_DROPOUT,
    reference=Dropout,
    diagnosis=_diagnose_dropout,
    mistakes=DROPOUT_MISTAKES,
)


def check_dropout(student_cls):
    """Check exercise 4.4 (inverted dropout); returns the class to use from here on."""
    return DROPOUT.check(student_cls)


# ---------------------------------------------------------------- exercise 4.5: L2 gradient term

_L2 = "add_l2"


def add_l2(data_loss: float, grads: dict, params: dict, lam: float) -> tuple[float, dict]:
    r"""Add L2 regularisation of the weight matrices to a loss and its gradients.

    Objective: :math:`L = L_\text{data} + \frac{\lambda}{2} \sum_l \lVert W_l \rVert^2`
    (the sum of squares of every weight matrix ``"W1"``, ``"W2"``, ...; biases are not
    penalised), as ``MLP(l2=lam)``. Its gradient adds :math:`\lambda W_l` to each
    :math:`dW_l` and leaves the biases' gradients unchanged.

    Args:
        data_loss: the mean cross-entropy of the batch.
        grads: ``{"W1": ..., "b1": ..., ...}`` gradients of ``data_loss``, any number of layers.
        params: the parameters, same keys and shapes as ``grads`` (not modified).
        lam: :math:`\lambda \ge 0`.

    Returns:
        ``(loss, grads)``: the regularised loss (a float) and a dictionary of the
        regularised gradients, same keys and shapes. Updating the ``grads`` passed in and
        returning it is allowed.
    """
    penalty = 0.5 * lam * sum(float(np.sum(p**2)) for k, p in params.items() if k.startswith("W"))
    new_grads = {k: g + lam * params[k] if k.startswith("W") else g.copy()
                 for k, g in grads.items()}
    return data_loss + penalty, new_grads


def _l2_variant(kind: str):
    """A mistaken L2 term; ``kind`` names what is wrong."""
    def add(data_loss, grads, params, lam):
        def penalised(k):
            if kind == "biases":
                return True
            if kind == "two layers":
                return k in ("W1", "W2")
            return k.startswith("W")
        factor = {"2lam": 2.0, "sign": -1.0, "no grad": 0.0}.get(kind, 1.0)
        loss_factor = {"no half": 1.0, "no loss": 0.0}.get(kind, 0.5)
        penalty = loss_factor * lam * sum(float(np.sum(p**2)) for k, p in params.items()
                                          if penalised(k))
        new = {k: g + factor * lam * params[k] if penalised(k) else g.copy()
               for k, g in grads.items()}
        return data_loss + penalty, new
    return add


L2_MISTAKES = [
    Mistake("L2 term on the biases",
            "You penalised the biases too. Weight decay is meant to keep the weights small, "
            "which limits how sharply the network can react to its inputs; a bias only "
            "shifts a unit and does not make the function more complex, so it is not "
            "penalised (and MLP(l2=...) does not penalise it).",
            "Apply the term only to the entries whose names start with 'W'.",
            _l2_variant("biases")),
    Mistake("only W1 and W2 regularised",
            "Your function handles the keys W1 and W2 by name; with three layers (this test) "
            "W3 is left unregularised. The network may have any number of layers.",
            "Loop over the dictionary and select the weight matrices by their name.",
            _l2_variant("two layers")),
    Mistake("gradient 2*lambda*W instead of lambda*W",
            "Your gradient adds 2 * lam * W. The objective here is (lam / 2) * sum(W**2), "
            "whose derivative is lam * W: the 1/2 is there precisely so that the 2 cancels. "
            "2 * lam * W is the gradient of lam * sum(W**2), a different convention with "
            "twice the decay.",
            "Differentiate (lam / 2) * W**2 with respect to W.",
            _l2_variant("2lam")),
    Mistake("penalty without the 1/2 in the loss",
            "Your gradient is right but the loss adds lam * sum(W**2), twice the stated "
            "penalty (lam / 2) * sum(W**2). The loss you report must be the function whose "
            "gradient you compute, or a gradient check fails.",
            "The penalty in the loss is (lam / 2) times the sum of squares.",
            _l2_variant("no half")),
    Mistake("gradient term missing",
            "The loss includes the penalty but the gradients are unchanged: the penalty is "
            "reported but never acts on the weights.",
            "The penalty depends on W, so it changes dW too.",
            _l2_variant("no grad")),
    Mistake("penalty missing from the loss",
            "The gradients are right, but the returned loss is the data loss alone. Then the "
            "loss you monitor is not the objective you minimise.",
            "Add the penalty to the loss.",
            _l2_variant("no loss")),
    Mistake("weight decay with the wrong sign",
            "Your gradient subtracts lam * W: gradient descent would then push the weights "
            "away from zero, growing them.",
            "The derivative of a sum of squares has the sign of W.",
            _l2_variant("sign")),
]


def _l2_inputs(layers: int = 2, lam: float = 0.1, seed: int = 44):
    rng = np.random.default_rng(seed)
    widths = [5, 4, 3, 6][:layers + 1]
    shapes = {}
    for i in range(layers):
        shapes[f"W{i + 1}"] = (widths[i], widths[i + 1])
        shapes[f"b{i + 1}"] = (widths[i + 1],)
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    grads = {k: rng.normal(size=s) for k, s in shapes.items()}
    return 1.25, grads, params, lam


def _l2_flat(result, keys) -> tuple:
    return (np.float64(result[0]), *(np.asarray(result[1][k]) for k in keys))


def _diagnose_l2(student_fn) -> Feedback:
    def procedure() -> str:
        for layers, lam, seed in ((2, 0.1, 44), (3, 0.03, 45)):
            args = _l2_inputs(layers, lam, seed)
            got = _call(_L2, student_fn, *args, may_modify=(1,))
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                compare_outputs(_L2, got, (), ("loss", "grads"))
            loss, grads = got
            keys = sorted(args[1])
            if not isinstance(grads, dict) or set(grads) != set(keys):
                stop(_L2, Status.MISTAKE,
                     tr("The second value returned must be a dictionary with the keys {keys}; "
                        "got {got_type} with keys {got_keys}.", keys=keys,
                        got_type=type(grads).__name__, got_keys=sorted(grads))
                     if isinstance(grads, dict) else
                     tr("The second value returned must be a dictionary with the keys {keys}; "
                        "got {got_type}.", keys=keys, got_type=type(grads).__name__),
                     hint=tr("Build a dictionary with one regularised gradient per parameter."))
            if np.ndim(loss) != 0:
                stop(_L2, Status.MISTAKE,
                     tr("The loss must be one number; got shape {shape}.", shape=np.shape(loss)),
                     hint=tr("Sum the squares of every weight matrix into a single float."))
            flat_mistakes = [Mistake(m.name, m.explanation, m.hint,
                                     lambda *a, _wrong=m.wrong, _keys=keys: _l2_flat(_wrong(*a),
                                                                                     _keys))
                             for m in L2_MISTAKES]
            compare_outputs(_L2, _l2_flat(got, keys), _l2_flat(add_l2(*copy.deepcopy(args)), keys),
                            ("loss", *(f"d{k}" for k in keys)), inputs=args,
                            mistakes=flat_mistakes)
        return tr("loss + (lam/2) * sum(W**2) over the weight matrices, lam * W added to each "
                  "dW, biases untouched; with two and three layers and two values of lam.")

    return diagnose(_L2, procedure)


L2 = Exercise(
    name=_L2,
    reference=add_l2,
    diagnosis=_diagnose_l2,
    mistakes=L2_MISTAKES,
    wrong_solutions={MODIFIED_INPUT: modifies_input(add_l2, 2)},
)


def check_add_l2(student_fn):
    """Check exercise 4.5 (L2 regularisation); returns the function to use from here on."""
    return L2.check(student_fn)


# ---------------------------------------------------------------- exercise 4.6: the mystery bug

_MYSTERY = "fixed_loss_and_gradients"


def mystery_loss_and_gradients(params, X, y):
    """Mean cross-entropy of a ReLU network with one hidden layer, and its gradients."""
    n = len(X)
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0)
    P = softmax(H @ params["W2"] + params["b2"])
    loss = -np.mean(np.log(P[np.arange(n), y]))
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dH = dZ2 @ params["W2"].T
    dZ1 = np.where(Z1 > 0, 0.0, dH)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
             "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
    return loss, grads


def fixed_loss_and_gradients(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    r"""The debugging lab's mystery function with its bug fixed (reference for exercise 4.6).

    Network: :math:`Z_1 = X W_1 + b_1`, :math:`H = \mathrm{relu}(Z_1)`,
    :math:`P = \mathrm{softmax}(H W_2 + b_2)`; loss: the mean cross-entropy. The bug of
    :func:`mystery_loss_and_gradients` is the ReLU's derivative: ``np.where(Z1 > 0, 0.0, dH)``
    has its two branches swapped, so the gradient flows back only through the units that were
    *inactive* (and had no effect on the output) and is blocked at the active ones. The
    derivative is 1 where :math:`Z_1 > 0` and 0 elsewhere. At exactly :math:`Z_1 = 0` either
    value is a valid subgradient (``H > 0`` or ``Z1 >= 0`` are fine); the check's inputs never
    hit 0 exactly.

    Args:
        params: ``{"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}``.
        X: ``(n, d)`` inputs; y: ``(n,)`` integer labels in ``0..k-1``.

    Returns:
        ``(loss, {"W1": ..., "b1": ..., "W2": ..., "b2": ...})``, gradients shaped like
        ``params``.
    """
    n = len(X)
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0)
    P = softmax(H @ params["W2"] + params["b2"])
    loss = -np.mean(np.log(P[np.arange(n), y]))
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dH = dZ2 @ params["W2"].T
    dZ1 = dH * (Z1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
             "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
    return loss, grads


def _relu_output_instead_of_derivative(params, X, y):
    loss, grads = fixed_loss_and_gradients(params, X, y)
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0)
    P = softmax(H @ params["W2"] + params["b2"])
    dZ2 = P.copy()
    dZ2[np.arange(len(X)), y] -= 1
    dZ1 = (dZ2 / len(X)) @ params["W2"].T * H
    return loss, {**grads, "W1": X.T @ dZ1, "b1": dZ1.sum(axis=0)}


_GRADCHECK_HINT = N_("Run the gradient check (check_network_gradients, as for bug 3) on your "
                     "function: the parameters with a large relative error tell you which lines "
                     "of the backward pass to read.")


def _relu_mask_always_true(params, X, y):
    loss, grads = fixed_loss_and_gradients(params, X, y)
    H = np.maximum(X @ params["W1"] + params["b1"], 0)
    P = softmax(H @ params["W2"] + params["b2"])
    P[np.arange(len(X)), y] -= 1
    dZ1 = (P / len(X)) @ params["W2"].T
    return loss, {**grads, "W1": X.T @ dZ1, "b1": dZ1.sum(axis=0)}


MYSTERY_MISTAKES = [
    Mistake("the bug is still there",
            "Your function returns exactly what the mystery function returns: the bug has not "
            "been found yet.",
            _GRADCHECK_HINT, mystery_loss_and_gradients),
    Mistake("ReLU output used instead of its derivative",
            "Your backward pass multiplies the hidden layer's gradient by H, the ReLU's output. "
            "The chain rule needs the ReLU's derivative: 1 where the unit is active, 0 where "
            "it is not.",
            "The derivative of max(z, 0) is 1 for z > 0 and 0 for z < 0.",
            _relu_output_instead_of_derivative),
    Mistake("ReLU derivative taken as 1 everywhere",
            "Your mask is true for every unit (for example H >= 0, which always holds since H = "
            "max(Z1, 0) is never negative): the gradient flows back through inactive units as "
            "if the hidden layer were linear.",
            "Where the unit was inactive (Z1 < 0) the ReLU's derivative is 0.",
            _relu_mask_always_true),
]

_MYSTERY_KEYS = ("W1", "b1", "W2", "b2")


def _mystery_inputs(n: int, d: int, h: int, k: int, seed: int):
    """A batch whose hidden pre-activations are about half negative (so the ReLU's
    derivative matters) and never exactly 0."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(0.0, 0.8, size=(d, h)), "b1": rng.normal(0.0, 0.3, size=h),
              "W2": rng.normal(0.0, 0.8, size=(h, k)), "b2": rng.normal(0.0, 0.3, size=k)}
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)   # every class present
    return params, X, y


def _mystery_flat(result) -> tuple:
    return (np.float64(result[0]), *(np.asarray(result[1][key]) for key in _MYSTERY_KEYS))


def _diagnose_mystery(student_fn) -> Feedback:
    flat_mistakes = [Mistake(m.name, m.explanation, m.hint,
                             lambda *a, _wrong=m.wrong: _mystery_flat(_wrong(*a)))
                     for m in MYSTERY_MISTAKES]
    names = ("loss", *(f"d{key}" for key in _MYSTERY_KEYS))

    def procedure() -> str:
        for n, d, h, k, seed in ((7, 6, 5, 4, 46), (12, 9, 8, 3, 47)):
            args = _mystery_inputs(n, d, h, k, seed)
            got = _call(_MYSTERY, student_fn, *args)
            if not isinstance(got, (tuple, list)) or len(got) != 2 \
                    or not isinstance(got[1], dict) or set(got[1]) != set(_MYSTERY_KEYS):
                stop(_MYSTERY, Status.MISTAKE,
                     tr("Your function must return (loss, grads) with grads a dictionary with "
                        "the keys {keys}, as the mystery function does.",
                        keys=list(_MYSTERY_KEYS)),
                     hint=tr("Keep the mystery function's return statement."))
            got = _mystery_flat(got)
            expected = _mystery_flat(fixed_loss_and_gradients(*copy.deepcopy(args)))
            compare_outputs(_MYSTERY, got, expected, names, inputs=args,
                            mistakes=flat_mistakes, rtol=1e-7, atol=1e-10,
                            factors={N_("the batch size"): n})
        return tr("The ReLU's derivative is back in the backward pass: the loss and the four "
                  "gradients agree with the correct ones on two batches of other shapes.")

    return diagnose(_MYSTERY, procedure)


def _still_wrong_message(student_fn) -> Feedback:
    """The verdict, with the outputs that are already right named first."""
    feedback = _diagnose_mystery(student_fn)
    if feedback.status is not Status.MISTAKE or feedback.mistake in {m.name for m in
                                                                       MYSTERY_MISTAKES}:
        return feedback
    args = _mystery_inputs(7, 6, 5, 4, 46)
    try:
        got = _mystery_flat(student_fn(*copy.deepcopy(args)))
    except Exception:  # noqa: BLE001 - the verdict above already describes it
        return feedback
    expected = _mystery_flat(fixed_loss_and_gradients(*copy.deepcopy(args)))
    names = ("loss", *(f"d{key}" for key in _MYSTERY_KEYS))
    right = [name for name, g, e in zip(names, got, expected, strict=True)
             if arrays_match(g, e, rtol=1e-7, atol=1e-10)]
    wrong = [name for name in names if name not in right]
    if not right or not wrong:
        return feedback
    summary = tr("Already right: {right}. Still wrong: {wrong}; read the lines of the "
                 "backward pass that compute them.", right=", ".join(right),
                 wrong=", ".join(wrong))
    hint = feedback.hint if feedback.mistake else tr_text(_GRADCHECK_HINT)
    return Feedback(feedback.exercise, feedback.status, f"{summary}\n{feedback.message}",
                    hint, feedback.mistake)


MYSTERY = Exercise(
    name=_MYSTERY,
    reference=fixed_loss_and_gradients,
    diagnosis=_still_wrong_message,
    mistakes=MYSTERY_MISTAKES,
    wrong_solutions={MODIFIED_INPUT: modifies_input(fixed_loss_and_gradients, 1)},
)


def check_fixed_loss_and_gradients(student_fn):
    """Check exercise 4.6 (the mystery bug); returns the function to use from here on."""
    return MYSTERY.check(student_fn)


EXERCISES = [MOMENTUM, ADAM, SCHEDULE, DROPOUT, L2, MYSTERY]
