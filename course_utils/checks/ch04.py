r"""Checks for the exercises of notebook 04, *Training dynamics and debugging*.

Four exercises, with the conventions of :mod:`course_utils.optimizers` and
:class:`course_utils.mlp.MLP`:

* ``momentum_step(w, grad, velocity, learning_rate, beta) -> (w, velocity)``: one step of
  SGD with momentum in the *velocity* convention
  :math:`v \leftarrow \beta v - \eta g`, :math:`w \leftarrow w + v`.
* ``adam_step(w, grad, m, v, t, learning_rate, beta1, beta2, eps) -> (w, m, v)``: one Adam
  step. ``t`` is the number of *this* step, 1 for the first update; :math:`\epsilon` is
  added **outside** the square root, :math:`w \leftarrow w - \eta\,\hat m/(\sqrt{\hat v}+\epsilon)`
  (as in the Adam paper, PyTorch and Keras).
* ``Dropout(rate, rng)``: a layer with ``forward(x, training=True)`` and
  ``backward(dout)`` implementing *inverted* dropout: in training each unit is dropped with
  probability ``rate`` (kept with probability ``q = 1 - rate``, as in
  :class:`course_utils.regularization.Dropout`, Keras and PyTorch) and the kept ones are
  divided by ``q``; at inference the layer is the identity.
* ``add_l2(data_loss, grads, params, lam) -> (loss, grads)``: L2 regularisation of the
  weight matrices only, for the objective
  :math:`L = L_\text{data} + \frac{\lambda}{2}\sum_l \lVert W_l \rVert^2`, whose gradient
  adds :math:`\lambda W_l` to each :math:`dW_l` and nothing to the biases.

The update rules are checked on small arrays whose every entry matters (a non-zero
starting velocity, non-zero Adam moments at step 4), so that each typical mistake
changes the result. Dropout is random, so its check does not demand one particular
random draw: it checks the properties every correct implementation has (the kept
fraction, the scaling, the same mask in backward as in forward, the identity at
inference), whatever generator call produced the mask.
"""

from __future__ import annotations

import copy

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    Status,
    arrays_match,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)

# ---------------------------------------------------------------- shared machinery


def _close(a, b) -> bool:
    return arrays_match(a, b, rtol=1e-5, atol=1e-8)


def _outputs(exercise: str, got, names: tuple[str, ...]) -> tuple:
    """The student's return value as a tuple of ``len(names)`` numeric arrays, or a verdict."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        length = f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""
        stop(exercise, Status.MISTAKE,
             f"Your function returned {type(got).__name__}{length}; expected the tuple "
             f"({', '.join(names)}).",
             hint=f"End with `return {', '.join(names)}` (in that order).")
    return tuple(got)


def _match_mistakes(exercise: str, got: tuple, expected: tuple, args: tuple, mistakes: dict):
    """Name the first mistake whose outputs equal the student's on these arguments."""
    if all(_close(g, e) for g, e in zip(got, expected, strict=True)):
        return
    for name, (wrong_fn, explanation, hint) in mistakes.items():
        with np.errstate(all="ignore"):
            wrong = wrong_fn(*copy.deepcopy(args))
        if all(_close(g, w) for g, w in zip(got, wrong, strict=True)):
            stop(exercise, Status.MISTAKE, explanation, hint=hint, mistake=name)


def _call(exercise: str, fn, *args, **kwargs):
    """:func:`call_student` with deep-copied arguments and NumPy warnings silenced (a mistaken
    Adam divides by zero; its NaN is recognised, the warning would only add noise).

    The update rules return the arrays they update, so they may also update them in place
    (``velocity *= beta`` is fine); ``may_modify`` lists those arguments."""
    with np.errstate(all="ignore"):
        return call_student(exercise, fn, *copy.deepcopy(args), **copy.deepcopy(kwargs))


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


def _momentum_variant(kind: str):
    def step(w, grad, velocity, learning_rate, beta):
        if kind == "plus":
            v = beta * velocity + learning_rate * grad
            return w + v, v
        if kind == "old velocity":
            return w + velocity, beta * velocity - learning_rate * grad
        if kind == "no beta":
            v = velocity - learning_rate * grad
            return w + v, v
        if kind == "lr inside velocity missing":
            v = beta * velocity + grad
            return w - learning_rate * v, v
        if kind == "damped":
            v = beta * velocity + (1 - beta) * grad
            return w - learning_rate * v, v
        if kind == "lr twice":
            v = beta * velocity - learning_rate * grad
            return w + learning_rate * v, v
        raise ValueError(kind)
    return step


_MOMENTUM_MISTAKES = {
    "gradient added to the velocity": (
        _momentum_variant("plus"),
        "Your velocity is beta * v + learning_rate * grad: it points along the gradient, "
        "uphill, so every step increases the loss. In the velocity convention the gradient "
        "is subtracted when it enters the velocity, and the velocity is then added to w.",
        "velocity = beta * velocity - learning_rate * grad; w = w + velocity."),
    "parameters moved with the old velocity": (
        _momentum_variant("old velocity"),
        "Your new velocity is right, but w moved by the velocity of the *previous* step: the "
        "current gradient only affects w one step later.",
        "Update the velocity first, then add the new velocity to w."),
    "velocity not decayed by beta": (
        _momentum_variant("no beta"),
        "Your velocity is v - learning_rate * grad: the old velocity is kept in full, so it "
        "never forgets old gradients (with a steady gradient it grows without bound). "
        "beta < 1 makes it an exponentially fading memory.",
        "Multiply the old velocity by beta: velocity = beta * velocity - learning_rate * grad."),
    "velocity in the other convention (v = beta*v + g)": (
        _momentum_variant("lr inside velocity missing"),
        "Your w is updated as w - learning_rate * (beta * v + grad), the convention of "
        "PyTorch, where the velocity holds gradients and the learning rate is applied "
        "afterwards. It is a valid convention, but then the velocity you store means "
        "something else (-velocity / learning_rate here), and the velocity passed in "
        "(written in this exercise's convention) is misread.",
        "Use the convention stated in the exercise: velocity = beta * velocity - "
        "learning_rate * grad; w = w + velocity."),
    "gradient damped by (1 - beta)": (
        _momentum_variant("damped"),
        "Your velocity is an exponential moving average, beta * v + (1 - beta) * grad, "
        "followed by w - learning_rate * v. That convention (used in some lecture notes) "
        "makes each step (1 - beta) times smaller than the one asked for here: with beta = "
        "0.9, a learning rate tuned for this notebook would act ten times smaller.",
        "Use the convention stated in the exercise: velocity = beta * velocity - "
        "learning_rate * grad; w = w + velocity."),
    "learning rate applied twice": (
        _momentum_variant("lr twice"),
        "Your velocity is right, but w moved by learning_rate * velocity: the learning rate "
        "is already inside the velocity.",
        "w = w + velocity, with no second factor learning_rate."),
}


def _momentum_cases():
    rng = np.random.default_rng(41)
    w = rng.normal(size=(3, 4))
    grad = rng.normal(size=(3, 4))
    velocity = rng.normal(0.0, 0.5, size=(3, 4))
    return [(w, grad, velocity, 0.1, 0.9),
            (w[:2, :3].copy(), grad[:2, :3].copy(), np.zeros((2, 3)), 0.05, 0.5)]


def _diagnose_momentum(student_fn) -> Feedback:
    names = ("w_new", "velocity_new")

    def procedure() -> str:
        for args in _momentum_cases():
            got = _outputs(_MOMENTUM, _call(_MOMENTUM, student_fn, *args, may_modify=(0, 2)), names)
            expected = momentum_step(*copy.deepcopy(args))
            _match_mistakes(_MOMENTUM, got, expected, args, _MOMENTUM_MISTAKES)
            for i, what in ((1, "the new velocity (the second value returned)"),
                            (0, "the new w (the first value returned)")):
                compare_arrays(_MOMENTUM, got[i], expected[i], what=what)
        return ("velocity = beta * velocity - learning_rate * grad, then w = w + velocity, "
                "with and without a starting velocity.")

    return diagnose(_MOMENTUM, procedure)


MOMENTUM = Exercise(
    name=_MOMENTUM,
    reference=momentum_step,
    diagnosis=_diagnose_momentum,
    wrong_solutions={name: spec[0] for name, spec in _MOMENTUM_MISTAKES.items()},
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
        learning_rate, beta1, beta2, eps: Adam's hyper-parameters; ``eps`` is added
            outside the square root.

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
    def step(w, grad, m, v, t, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m_new = beta1 * m + (1 - beta1) * grad
        v_new = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
        if kind == "no correction":
            m_hat, v_hat = m_new, v_new
        elif kind == "t from 0":
            m_hat, v_hat = m_new / (1 - beta1**(t - 1)), v_new / (1 - beta2**(t - 1))
        elif kind == "old moments":
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        elif kind == "return corrected":
            return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
        if kind == "eps inside":
            step_ = m_hat / np.sqrt(v_hat + eps)
        elif kind == "no sqrt":
            step_ = m_hat / (v_hat + eps)
        else:
            step_ = m_hat / (np.sqrt(v_hat) + eps)
        if kind == "plus":
            return w + learning_rate * step_, m_new, v_new
        return w - learning_rate * step_, m_new, v_new
    return step


_ADAM_MISTAKES = {
    "no bias correction": (
        _adam_variant("no correction"),
        "Your step uses m and v directly. Both start at 0, so in the first steps they are far "
        "too small: at t = 1, m = (1 - beta1) * grad is a tenth of the gradient and v a "
        "thousandth of its square, so the first step is about 3 times too large (0.1 / "
        "sqrt(0.001)) and its size depends on how many steps have been taken.",
        "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), and step with m_hat and v_hat."),
    "bias correction with t starting at 0": (
        _adam_variant("t from 0"),
        "Your bias correction uses t - 1, as if the first step were step 0. At the first "
        "step 1 - beta**0 = 0, so m_hat and v_hat are divided by zero and the parameters "
        "become NaN; later steps are over-corrected.",
        "Count steps from 1: the first call has t = 1 and divides by 1 - beta1**1 = 0.1."),
    "epsilon inside the square root": (
        _adam_variant("eps inside"),
        "You divided by sqrt(v_hat + eps). The convention here (Adam paper, PyTorch, Keras) "
        "is sqrt(v_hat) + eps: with eps inside the root it acts like an eps of about "
        "sqrt(eps), which for small gradients changes the step a lot (the check uses "
        "eps = 1e-3 so that the difference shows).",
        "w - learning_rate * m_hat / (np.sqrt(v_hat) + eps)."),
    "square root of v forgotten": (
        _adam_variant("no sqrt"),
        "You divided by v_hat + eps instead of sqrt(v_hat) + eps. v_hat estimates the squared "
        "gradient; its square root has the units of the gradient, so that m_hat / sqrt(v_hat) "
        "is about +-1 and the step is about learning_rate.",
        "Divide by np.sqrt(v_hat) + eps."),
    "step taken with the old moments": (
        _adam_variant("old moments"),
        "Your new m and v are right, but the step used the moments of the previous step: "
        "the current gradient enters the update one step late (and the very first step "
        "does nothing, since m = 0).",
        "Update m and v with the current gradient first, then correct them and step."),
    "bias-corrected moments returned as the new state": (
        _adam_variant("return corrected"),
        "Your w is right, but you returned m_hat and v_hat as the new moments. The next step "
        "would correct them a second time. The running averages m and v are the state; "
        "m_hat and v_hat are recomputed from them at every step.",
        "return w_new, m, v  (the uncorrected averages)."),
    "step in the direction of the gradient": (
        _adam_variant("plus"),
        "Your parameters moved by + learning_rate * m_hat / (sqrt(v_hat) + eps): along the "
        "gradient, uphill.",
        "Subtract the step: w - learning_rate * m_hat / (np.sqrt(v_hat) + eps)."),
}

_ADAM_EPS = 1e-3


def _adam_cases():
    """Step 1 from zero moments (bias correction matters most), then step 4 from non-zero
    ones. Gradients of about 1e-2 with eps = 1e-3 make eps inside vs outside the root differ."""
    rng = np.random.default_rng(42)
    w = rng.normal(size=(3, 5))
    g1 = rng.normal(0.0, 0.02, size=(3, 5))
    zeros = np.zeros((3, 5))
    g4 = rng.normal(0.0, 0.02, size=(3, 5))
    m4 = rng.normal(0.0, 0.005, size=(3, 5))
    v4 = rng.uniform(1e-5, 1e-4, size=(3, 5)) * (1 - 0.999**3)
    return [(w, g1, zeros, zeros.copy(), 1, 0.01, 0.9, 0.999, _ADAM_EPS),
            (w, g4, m4, v4, 4, 0.01, 0.9, 0.999, _ADAM_EPS)]


def _diagnose_adam(student_fn) -> Feedback:
    names = ("w_new", "m_new", "v_new")

    def procedure() -> str:
        for args in _adam_cases():
            got = _outputs(_ADAM, _call(_ADAM, student_fn, *args, may_modify=(0, 2, 3)), names)
            expected = adam_step(*copy.deepcopy(args))
            _match_mistakes(_ADAM, got, expected, args, _ADAM_MISTAKES)
            for i, what in ((1, "the new m (the second value returned)"),
                            (2, "the new v (the third value returned)"),
                            (0, "the new w (the first value returned)")):
                compare_arrays(_ADAM, got[i], expected[i], what=f"{what} at step t = {args[4]}")
        return ("Moments, bias correction with t counted from 1, and the step "
                "m_hat / (sqrt(v_hat) + eps), at the first step and at a later one.")

    return diagnose(_ADAM, procedure)


ADAM = Exercise(
    name=_ADAM,
    reference=adam_step,
    diagnosis=_diagnose_adam,
    wrong_solutions={name: spec[0] for name, spec in _ADAM_MISTAKES.items()},
)


def check_adam_step(student_fn):
    """Check exercise 4.2 (Adam); returns the function to use from here on."""
    return ADAM.check(student_fn)


# ---------------------------------------------------------------- exercise 4.3: inverted dropout

_DROPOUT = "Dropout"


class Dropout:
    """Inverted dropout (reference for exercise 4.3; the course's layer is
    :class:`course_utils.regularization.Dropout`).

    Args:
        rate: probability ``p`` of *dropping* each unit, in [0, 1) (the convention of Keras
            and PyTorch); each unit is kept with probability ``q = 1 - p``.
        rng: ``np.random.Generator``; the source of the random masks.

    ``forward(x, training=True)``: ``x (n, d)`` -> ``(n, d)``, same dtype. In training, every
    entry is kept with probability ``q`` (a new mask at every call) and the kept ones are
    divided by ``q``, so the expected output equals ``x``; at inference
    (``training=False``) the input is returned unchanged.
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
    class Mistaken(Dropout):
        def forward(self, x, training=True):
            q = 1 - self.rate
            if kind == "at inference":
                training = True
            if not training:
                return x * q if kind == "scaled at inference" else x
            if kind == "same mask" and self.mask is not None:
                return x * self.mask
            keep = self.rng.random(x.shape) < (self.rate if kind == "rate as keep" else q)
            scale = 1.0 if kind == "not rescaled" else 1 / q
            self.mask = (keep * scale).astype(x.dtype)
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


_DROPOUT_MISTAKES = {
    "dropout not rescaled (not inverted)": (
        "The units you keep come out unchanged, so in training the layer's output is on "
        "average q = 1 - rate times its input, and the next layer sees smaller values in "
        "training than at inference. Inverted dropout divides the kept units by q, so that "
        "the expected output equals the input and inference needs no change.",
        "out = x * keep / (1 - rate), where keep is the boolean mask."),
    "rate used as the keep probability": (
        "Only {kept:.0%} of the entries survived the forward pass; with rate = {p} about "
        "{q:.0%} should. rate is the probability of *dropping* an entry, and you used it as "
        "the probability of keeping one.",
        "Keep an entry when rng.random(x.shape) < 1 - rate."),
    "same mask for every batch": (
        "Two training forward passes dropped exactly the same units: the mask is drawn once "
        "and reused. Dropout's point is a *different* random sub-network at every step.",
        "Draw a new mask inside forward, at every call with training=True."),
    "mask regenerated in backward": (
        "Your backward pass multiplies dout by a *new* random mask: the gradient then flows "
        "through units that were dropped in the forward pass (and is blocked at units that "
        "were kept). The backward pass must use exactly the mask of the forward pass.",
        "Store the scaled mask in forward (self.mask = ...) and return dout * self.mask."),
    "backward ignores the mask": (
        "Your backward pass returns dout unchanged. A dropped unit did not affect the output, "
        "so its gradient is 0; a kept one was multiplied by 1 / (1 - rate), and so is its "
        "gradient.",
        "return dout * self.mask, with the scaled mask saved by forward."),
    "backward not rescaled": (
        "Your backward pass zeroes the right entries but does not divide by 1 - rate. The "
        "forward pass computed x * keep / (1 - rate), so its derivative is keep / (1 - rate).",
        "Multiply dout by the same scaled mask as the forward pass."),
    "dropout applied at inference": (
        "With training=False your layer still drops units: predictions become random and "
        "worse. At inference inverted dropout is the identity (the rescaling during training "
        "already made the expected activations match).",
        "if not training: return x"),
    "output scaled at inference": (
        "With training=False you multiply by 1 - rate. That is the rule of the original, "
        "non-inverted dropout; with inverted dropout (kept units divided by 1 - rate in "
        "training) inference must leave x unchanged, or the activations shrink.",
        "if not training: return x"),
    "float32 input returned as float64": (
        "The values are right, but a float32 input came back as float64: a boolean mask "
        "divided by a Python float is float64, and multiplying by it upcasts. The network "
        "works in float32 (half the memory and time); the next layer would reject the mix.",
        "Convert the mask: mask = (keep / (1 - self.rate)).astype(x.dtype)."),
}

_DROPOUT_KINDS = {
    "dropout not rescaled (not inverted)": "not rescaled",
    "rate used as the keep probability": "rate as keep",
    "same mask for every batch": "same mask",
    "mask regenerated in backward": "new mask in backward",
    "backward ignores the mask": "backward unmasked",
    "backward not rescaled": "backward not rescaled",
    "dropout applied at inference": "at inference",
    "output scaled at inference": "scaled at inference",
    "float32 input returned as float64": "float64",
}


def _say(name: str, **fmt) -> None:
    explanation, hint = _DROPOUT_MISTAKES[name]
    stop(_DROPOUT, Status.MISTAKE, explanation.format(**fmt), hint=hint, mistake=name)


def _check_array_out(got, x: np.ndarray, what: str) -> np.ndarray:
    if got is None:
        stop(_DROPOUT, Status.MISTAKE, f"{what} returned None.",
             hint="Did you forget the `return` statement?")
    got = np.asarray(got)
    if got.shape != x.shape:
        stop(_DROPOUT, Status.MISTAKE, f"{what} returned shape {got.shape}; expected "
             f"{x.shape}, the shape of its input.",
             hint="Dropout works element-wise: draw the mask with shape x.shape.")
    return got


def _diagnose_dropout(student_cls) -> Feedback:
    rate = 0.2
    q = 1 - rate

    def procedure() -> str:
        data = np.random.default_rng(43)
        x = data.uniform(0.5, 1.5, size=(200, 60)).astype(np.float32)   # no zeros
        dout = data.uniform(0.5, 1.5, size=x.shape).astype(np.float32)
        layer = _call(_DROPOUT, student_cls, rate, np.random.default_rng(7))
        for method in ("forward", "backward"):
            if not callable(getattr(layer, method, None)):
                stop(_DROPOUT, Status.MISTAKE, f"The layer has no {method} method.",
                     hint="Keep the class outline given in the exercise.")

        out = _check_array_out(_call(_DROPOUT, layer.forward, x, training=True), x,
                               "forward(x, training=True)")
        kept = out != 0
        fraction = float(kept.mean())
        if fraction > 0.999:
            stop(_DROPOUT, Status.MISTAKE, "In training, no entry was dropped.",
                 hint="Multiply x by a random mask: keep = rng.random(x.shape) < 1 - rate.")
        if abs(fraction - rate) < 0.03:
            _say("rate used as the keep probability", kept=fraction, p=rate, q=q)
        if abs(fraction - q) > 0.03:
            stop(_DROPOUT, Status.MISTAKE,
                 f"In training {fraction:.1%} of the entries were kept; with rate = {rate} "
                 f"about {q:.0%} should be.",
                 hint="Keep an entry when rng.random(x.shape) < 1 - rate.")
        if _close(out[kept], x[kept]):
            _say("dropout not rescaled (not inverted)")
        if not _close(out[kept], x[kept] / q):
            stop(_DROPOUT, Status.MISTAKE, "The kept entries are not x / (1 - rate).",
                 hint="out = x * keep / (1 - rate), where keep is the boolean mask.")
        if out.dtype != x.dtype:
            _say("float32 input returned as float64")

        dx = _check_array_out(_call(_DROPOUT, layer.backward, dout), x, "backward(dout)")
        expected_dx = dout * (kept / q)
        if not _close(dx, expected_dx):
            if _close(dx, dout):
                _say("backward ignores the mask")
            if _close(dx, dout * kept):
                _say("backward not rescaled")
            if abs(float((dx != 0).mean()) - q) < 0.03:
                _say("mask regenerated in backward")
            compare_arrays(_DROPOUT, dx, expected_dx, what="backward(dout)")

        again = _check_array_out(_call(_DROPOUT, layer.forward, x, training=True), x,
                                 "a second forward(x, training=True)")
        if np.array_equal(again != 0, kept):
            _say("same mask for every batch")

        at_inference = _check_array_out(_call(_DROPOUT, layer.forward, x, training=False), x,
                                        "forward(x, training=False)")
        if not _close(at_inference, x):
            if np.count_nonzero(at_inference == 0):
                _say("dropout applied at inference")
            if _close(at_inference, x * q):
                _say("output scaled at inference")
            compare_arrays(_DROPOUT, at_inference, x, what="forward(x, training=False)")
        return (f"With rate = {rate}, about {q:.0%} of the entries are kept in training and "
                "divided by 1 - rate, with a new mask at every call; backward reuses the forward "
                "mask; at inference the layer is the identity.")

    return diagnose(_DROPOUT, procedure)


DROPOUT = Exercise(
    name=_DROPOUT,
    reference=Dropout,
    diagnosis=_diagnose_dropout,
    wrong_solutions={name: _dropout_variant(kind) for name, kind in _DROPOUT_KINDS.items()},
)


def check_dropout(student_cls):
    """Check exercise 4.3 (inverted dropout); returns the class to use from here on."""
    return DROPOUT.check(student_cls)

# ---------------------------------------------------------------- exercise 4.4: L2 gradient term

_L2 = "add_l2"


def add_l2(data_loss: float, grads: dict, params: dict, lam: float) -> tuple[float, dict]:
    r"""Add L2 regularisation of the weight matrices to a loss and its gradients.

    Objective: :math:`L = L_\text{data} + \frac{\lambda}{2} \sum_l \lVert W_l \rVert^2`
    (the sum of squares of every weight matrix ``"W1"``, ``"W2"``, ...; biases are not
    penalised), as ``MLP(l2=lam)``. Its gradient adds :math:`\lambda W_l` to each
    :math:`dW_l` and leaves the biases' gradients unchanged.

    Args:
        data_loss: the mean cross-entropy of the batch.
        grads: ``{"W1": ..., "b1": ..., ...}`` gradients of ``data_loss``.
        params: the parameters, same keys and shapes as ``grads``.
        lam: :math:`\lambda \ge 0`.

    Returns:
        ``(loss, grads)``: the regularised loss (a float) and a dictionary of the
        regularised gradients, same keys and shapes.
    """
    penalty = 0.5 * lam * sum(float(np.sum(p**2)) for k, p in params.items() if k.startswith("W"))
    new_grads = {k: g + lam * params[k] if k.startswith("W") else g.copy()
                 for k, g in grads.items()}
    return data_loss + penalty, new_grads


def _l2_variant(kind: str):
    def add(data_loss, grads, params, lam):
        def penalised(k):
            return k.startswith("W") or kind == "biases"
        factor = {"2lam": 2.0, "sign": -1.0, "no grad": 0.0}.get(kind, 1.0)
        loss_factor = {"no half": 1.0, "no loss": 0.0}.get(kind, 0.5)
        penalty = loss_factor * lam * sum(float(np.sum(p**2)) for k, p in params.items()
                                          if penalised(k))
        new = {k: g + factor * lam * params[k] if penalised(k) else g.copy()
               for k, g in grads.items()}
        return data_loss + penalty, new
    return add


_L2_MISTAKES = {
    "L2 term on the biases": (
        _l2_variant("biases"),
        "You penalised the biases too. Weight decay is meant to keep the weights small, which "
        "limits how sharply the network can react to its inputs; a bias only shifts a unit "
        "and does not make the function more complex, so it is not penalised (and MLP(l2=...) "
        "does not penalise it).",
        "Apply the term only to the entries whose names start with 'W'."),
    "gradient 2*lambda*W instead of lambda*W": (
        _l2_variant("2lam"),
        "Your gradient adds 2 * lam * W. The objective here is (lam / 2) * sum(W**2), whose "
        "derivative is lam * W: the 1/2 is there precisely so that the 2 cancels. 2 * lam * W "
        "is the gradient of lam * sum(W**2), a different convention with twice the decay.",
        "dW + lam * W for every weight matrix."),
    "penalty without the 1/2 in the loss": (
        _l2_variant("no half"),
        "Your gradient is right but the loss adds lam * sum(W**2), twice the stated penalty "
        "(lam / 2) * sum(W**2). The loss you report must be the function whose gradient you "
        "compute, or a gradient check fails.",
        "loss = data_loss + 0.5 * lam * (sum of squares of every weight matrix)."),
    "gradient term missing": (
        _l2_variant("no grad"),
        "The loss includes the penalty but the gradients are unchanged: the penalty is "
        "reported but never acts on the weights.",
        "Add lam * params[k] to grads[k] for every weight matrix k."),
    "penalty missing from the loss": (
        _l2_variant("no loss"),
        "The gradients are right, but the returned loss is the data loss alone. Then the loss "
        "you monitor is not the objective you minimise.",
        "Add 0.5 * lam * sum(np.sum(W**2) for each weight matrix) to the loss."),
    "weight decay with the wrong sign": (
        _l2_variant("sign"),
        "Your gradient subtracts lam * W: gradient descent would then push the weights away "
        "from zero, growing them.",
        "dW + lam * W."),
}


def _l2_inputs():
    rng = np.random.default_rng(44)
    shapes = {"W1": (5, 4), "b1": (4,), "W2": (4, 3), "b2": (3,)}
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    grads = {k: rng.normal(size=s) for k, s in shapes.items()}
    return 1.25, grads, params, 0.1


def _diagnose_l2(student_fn) -> Feedback:
    def procedure() -> str:
        args = _l2_inputs()
        got = _outputs(_L2, _call(_L2, student_fn, *args, may_modify=(1,)), ("loss", "grads"))
        loss, grads = got
        if not isinstance(grads, dict) or set(grads) != set(args[1]):
            stop(_L2, Status.MISTAKE,
                 f"The second value returned must be a dictionary with the keys "
                 f"{sorted(args[1])}; got {type(grads).__name__}"
                 f"{' with keys ' + str(sorted(grads)) if isinstance(grads, dict) else ''}.",
                 hint="Build a new dictionary: {k: ... for k, g in grads.items()}.")
        if np.ndim(loss) != 0:
            stop(_L2, Status.MISTAKE, f"The loss must be one number; got shape {np.shape(loss)}.",
                 hint="Sum the squares of every weight matrix into a single float.")
        keys = sorted(args[1])

        def flat(result):
            return (np.float64(result[0]), *(np.asarray(result[1][k]) for k in keys))

        ref_loss, ref_grads = add_l2(*copy.deepcopy(args))
        flat_mistakes = {name: (lambda *a, _f=spec[0]: flat(_f(*a)), spec[1], spec[2])
                         for name, spec in _L2_MISTAKES.items()}
        _match_mistakes(_L2, flat(got), flat((ref_loss, ref_grads)), args, flat_mistakes)
        compare_arrays(_L2, np.float64(loss), np.float64(ref_loss), what="the returned loss")
        for k in keys:
            compare_arrays(_L2, grads[k], ref_grads[k], what=f"the gradient of {k}")
        return ("loss + (lam/2) * sum(W**2) over the weight matrices, lam * W added to each dW, "
                "biases untouched.")

    return diagnose(_L2, procedure)


L2 = Exercise(
    name=_L2,
    reference=add_l2,
    diagnosis=_diagnose_l2,
    wrong_solutions={name: spec[0] for name, spec in _L2_MISTAKES.items()},
)


def check_add_l2(student_fn):
    """Check exercise 4.4 (L2 regularisation); returns the function to use from here on."""
    return L2.check(student_fn)


EXERCISES = [MOMENTUM, ADAM, DROPOUT, L2]
