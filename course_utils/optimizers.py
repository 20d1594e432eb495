r"""Momentum, Nesterov, RMSProp and Adam: update rules with memory (introduced in notebook 04).

All of them share the interface of :class:`course_utils.optim.Optimizer` (plain
:class:`~course_utils.optim.SGD` lives there), so any of them can be passed to
``MLP(optimizer=...)`` or driven by hand::

    opt = Adam(learning_rate=1e-3)
    for step in range(n_steps):
        loss, grads = model.loss_and_gradients(xb, yb)       # {"W1": ..., "b1": ..., ...}
        opt.step(list(model.parameters().values()), list(grads.values()))

``step(params, grads)`` takes two lists of arrays of equal length, ``grads[i]``
shaped like ``params[i]``, in the same order on every call, and updates each
``params[i]`` **in place**. State that belongs to one parameter (a velocity,
Adam's two moments) is a list indexed like ``params``, created on the first
call with zeros of the parameter's shape and dtype. One optimiser object serves
one network: a different list of parameters raises an error.

Notation below: :math:`\theta` one parameter array, :math:`g` its gradient,
:math:`\eta` the learning rate, :math:`t = 1, 2, \dots` the step count; squares,
square roots and divisions are element-wise.

Decoupled weight decay (``weight_decay=lambda``, "AdamW")
    Before the update, every weight *matrix* shrinks: :math:`W \leftarrow W - \eta\lambda W`.
    1-D arrays (biases) are not decayed. The decay does not pass through the
    optimiser's memory or its adaptive scaling. This differs from L2 added to the
    loss ("coupled", ``MLP(l2=lambda)``), which adds :math:`\lambda W` to the
    gradient *before* the optimiser sees it: with plain SGD the two are the same
    update, but Adam and RMSProp divide that :math:`\lambda W` by
    :math:`\sqrt{\hat v}`, so weights with large gradients are barely decayed and
    weights with small gradients are decayed a lot (Loshchilov & Hutter, 2019).
    See :mod:`course_utils.regularization`.

Non-finite gradients are not rejected here: a diverging run (learning rate too
large) should be allowed to show its ``nan`` loss rather than stop with an error.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.optim import SGD, Optimizer

__all__ = ["SGD", "Momentum", "RMSProp", "Adam", "OPTIMIZERS", "make_optimizer"]


class _StatefulOptimizer(Optimizer):
    """Shared plumbing: argument checks, per-parameter state, decoupled weight decay."""

    def __init__(self, learning_rate: float, weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate)
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self.t = 0  # number of steps taken so far
        self._shapes: list[tuple[int, ...]] | None = None

    def _begin_step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> bool:
        """Check the lists, count the step; True on the very first call (create the state)."""
        if len(params) != len(grads):
            raise ValueError(f"{type(self).__name__}.step: got {len(params)} parameters but "
                             f"{len(grads)} gradients; pass one gradient per parameter.")
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
                raise TypeError(f"{type(self).__name__}.step: params[{i}] and grads[{i}] must be "
                                f"NumPy arrays, got {type(p).__name__} and {type(g).__name__}.")
            if p.shape != g.shape:
                raise ValueError(f"{type(self).__name__}.step: params[{i}] has shape {p.shape} "
                                 f"but grads[{i}] has shape {g.shape}; they must match.")
        shapes = [p.shape for p in params]
        first = self._shapes is None
        if first:
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(f"{type(self).__name__}.step: this optimiser was first used with "
                             f"parameters of shapes {self._shapes}, now got {shapes}. Each "
                             "network needs its own optimiser object (its state is per "
                             "parameter).")
        self.t += 1
        if self.weight_decay:
            decay = self.learning_rate * self.weight_decay
            for p in params:
                if p.ndim >= 2:
                    p -= decay * p
        return first

    def __repr__(self) -> str:
        extra = "".join(f", {k}={getattr(self, k)}" for k in self._repr_fields)
        return f"{type(self).__name__}(learning_rate={self.learning_rate}{extra})"

    _repr_fields: tuple[str, ...] = ()


class Momentum(_StatefulOptimizer):
    r"""SGD with momentum (heavy ball), or Nesterov's accelerated gradient.

    Classical momentum keeps a velocity :math:`v` (zeros at the start):

    .. math::
        v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + v

    so a gradient that keeps its sign accumulates into steps up to
    :math:`1/(1-\mu)` times larger (10 times for :math:`\mu = 0.9`), while
    gradients that flip sign from step to step cancel out.

    Nesterov (``nesterov=True``) takes the gradient at the point the velocity
    is about to carry us to. Written so that the stored parameters *are* that
    look-ahead point (Bengio et al., 2013), the update is

    .. math::
        v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + \mu v - \eta g

    Its first step is :math:`(1+\mu)` times the classical one; afterwards the
    correction :math:`-\eta g` brakes earlier when the gradient turns, so it
    oscillates less in steep valleys.

    Args:
        learning_rate: :math:`\eta > 0`.
        momentum: :math:`\mu` in [0, 1); 0 gives plain SGD.
        nesterov: use Nesterov's update.
        weight_decay: decoupled decay :math:`\lambda \ge 0` of weight matrices (see module).

    Attributes:
        velocity: list of arrays :math:`v`, one per parameter (None before the first step).
        t: number of steps taken.
    """

    _repr_fields = ("momentum", "nesterov", "weight_decay")

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate, weight_decay)
        self.momentum = _fraction(momentum, "momentum")
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}.")
        self.nesterov = nesterov
        self.velocity: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._begin_step(params, grads):
            self.velocity = [np.zeros_like(p) for p in params]
        lr, mu = self.learning_rate, self.momentum
        for p, g, v in zip(params, grads, self.velocity, strict=True):
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v - lr * g
            else:
                p += v


class RMSProp(_StatefulOptimizer):
    r"""RMSProp: divide each step by a running root-mean-square of recent gradients.

    .. math::
        s \leftarrow \rho s + (1-\rho)\, g^2, \qquad
        \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}

    (:math:`s` starts at 0). Every parameter gets its own effective step size
    :math:`\eta / \sqrt{s}`: large for parameters whose gradients are small, small
    for those whose gradients are large. With :math:`s` starting at 0, the first
    steps are larger than :math:`\eta` (Adam corrects this bias; RMSProp does not).

    Args:
        learning_rate: :math:`\eta > 0` (typical: 1e-3).
        rho: decay rate :math:`\rho` in [0, 1) of the average.
        eps: :math:`\epsilon > 0`, keeps the division finite.
        weight_decay: decoupled decay of weight matrices (see module).

    Attributes:
        square_avg: list of arrays :math:`s`, one per parameter; ``t``: steps taken.
    """

    _repr_fields = ("rho", "eps", "weight_decay")

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate, weight_decay)
        self.rho = _fraction(rho, "rho")
        self.eps = _positive(eps, "eps")
        self.square_avg: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._begin_step(params, grads):
            self.square_avg = [np.zeros_like(p) for p in params]
        lr, rho, eps = self.learning_rate, self.rho, self.eps
        for p, g, s in zip(params, grads, self.square_avg, strict=True):
            s *= rho
            s += (1 - rho) * (g * g)
            p -= lr * g / (np.sqrt(s) + eps)


class Adam(_StatefulOptimizer):
    r"""Adam: momentum on the gradient and RMSProp's scaling, both bias-corrected.

    With :math:`m = v = 0` at the start, at step :math:`t = 1, 2, \dots`:

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1)\, g \\
        v &\leftarrow \beta_2 v + (1-\beta_2)\, g^2 \\
        \hat m &= m / (1-\beta_1^t), \qquad \hat v = v / (1-\beta_2^t) \\
        \theta &\leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Why the bias correction: :math:`m` and :math:`v` start at 0, so early on they
    are averages with too little weight (at :math:`t=1`, :math:`m = (1-\beta_1) g`,
    a tenth of the gradient). Dividing by :math:`1-\beta^t` undoes exactly that:
    at :math:`t=1`, :math:`\hat m = g` and :math:`\hat v = g^2`, so the first step is
    :math:`\eta\, g / (|g| + \epsilon)`, of size about :math:`\eta` whatever the
    scale of the gradient. Later steps stay of the order of :math:`\eta` per
    coordinate too (at most :math:`\eta(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2\,\eta`
    with the defaults, and about :math:`\eta` for a steady gradient): :math:`\eta` sets
    the step size directly, not a multiple of the gradient.

    ``weight_decay > 0`` gives AdamW (decoupled decay, see the module docstring);
    for L2 added to the loss use ``MLP(l2=...)`` instead.

    Args:
        learning_rate: :math:`\eta > 0` (typical: 1e-3).
        beta1, beta2: decay rates in [0, 1) of the first and second moment averages.
        eps: :math:`\epsilon > 0`.
        weight_decay: decoupled decay :math:`\lambda \ge 0` of weight matrices.

    Attributes:
        m, v: lists of moment arrays, one per parameter; ``t``: steps taken.
    """

    _repr_fields = ("beta1", "beta2", "eps", "weight_decay")

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate, weight_decay)
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._begin_step(params, grads):
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        b1, b2, t = self.beta1, self.beta2, self.t
        lr, eps = self.learning_rate, self.eps
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
            p -= lr * m_hat / (np.sqrt(v_hat) + eps)


#: Names accepted by :func:`make_optimizer` (the playground's drop-down).
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")


def make_optimizer(name: str, learning_rate: float, weight_decay: float = 0.0) -> Optimizer:
    r"""An optimiser by name with the usual defaults: one of :data:`OPTIMIZERS`.

    ``"momentum"`` and ``"nesterov"`` use :math:`\mu = 0.9`; ``weight_decay`` is the
    decoupled decay (not available for ``"sgd"``, where it equals ``MLP(l2=...)``).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimiser {name!r}; choose one of {OPTIMIZERS}.")
    if name == "sgd":
        if weight_decay:
            raise ValueError("For plain SGD decoupled weight decay is the same update as L2 "
                             "in the loss: use MLP(l2=...) instead of weight_decay.")
        return SGD(learning_rate)
    if name in ("momentum", "nesterov"):
        return Momentum(learning_rate, 0.9, nesterov=name == "nesterov",
                        weight_decay=weight_decay)
    if name == "rmsprop":
        return RMSProp(learning_rate, weight_decay=weight_decay)
    return Adam(learning_rate, weight_decay=weight_decay)


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return float(value)


def _fraction(value, name: str) -> float:
    value = _real(value, name)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}.")
    return value


def _positive(value, name: str) -> float:
    if _real(value, name) <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}.")
    return float(value)


def _non_negative(value, name: str) -> float:
    if _real(value, name) < 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}.")
    return float(value)
