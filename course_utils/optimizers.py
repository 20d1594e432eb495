r"""Update rules: how a gradient becomes a step (SGD in notebook 03; the others in notebook 04).

Every optimiser has the same interface, so the training loop of
:class:`course_utils.mlp.MLP` never changes when the update rule does::

    optimizer.step(params, grads)    # after every mini-batch
    optimizer.on_epoch_end(epoch)    # after every epoch (learning-rate schedules)

or, driving one by hand::

    opt = Adam(learning_rate=1e-3)
    for step in range(n_steps):
        loss, grads = model.loss_and_gradients(xb, yb)       # {"W1": ..., "b1": ..., ...}
        opt.step(list(model.parameters().values()), list(grads.values()))

``params`` and ``grads`` are lists of arrays of equal length, ``grads[i]`` shaped
like ``params[i]``, in the same order on every call (``W1, b1, W2, b2, ...``).
``step`` updates each ``params[i]`` **in place**, so the network, which holds the
same arrays, sees the new values. One optimiser object serves one network: a list
of parameters of other shapes raises an error.

Notation: :math:`\theta` one parameter array, :math:`g` its gradient, :math:`\eta`
the learning rate, :math:`t = 1, 2, \dots` the step count; squares, square roots
and divisions are element-wise.

How the updates are computed (and why it matters for speed)
    Each docstring shows the textbook formula and the form :meth:`step` computes.
    They are the same numbers up to float rounding (``tests/test_optimizers.py``
    checks this over many steps). The fast form differs in three ways only:

    * Every array operation writes into memory allocated once, at the first step:
      the optimiser's state and one scratch array per parameter. Written as in a
      textbook, ``p -= lr * m_hat / (np.sqrt(v_hat) + eps)`` creates five
      temporary arrays as large as ``p`` on every step.
    * RMSProp's and Adam's last pass, ``p -= alpha * x``, is one fused
      multiply-subtract (BLAS ``axpy``, :func:`_subtract_scaled`) instead of two.
    * Whatever is the same for every entry (Adam's bias corrections, the factors
      :math:`1-\beta` of its averages, the decay factor) is folded into Python
      numbers computed once per step, so the arrays are touched as few times as
      possible. This is why Adam and RMSProp keep weighted sums instead of
      averages (their docstrings show the algebra). Python numbers, not NumPy float64
      scalars, so that float32 arrays stay in float32 arithmetic.

    What costs time is the number of passes over the parameters: plain SGD makes
    2 per step, momentum 4, Nesterov 6, RMSProp 7, Adam 9, plus 1 for weight
    decay. The matrix products of one batch of 64 make about 192 multiply-adds
    per weight, so even Adam's update is a modest fraction of a training step.

Decoupled weight decay (``weight_decay=lambda``; with Adam, "AdamW")
    Before the update, every weight *matrix* shrinks: :math:`W \leftarrow W - \eta\lambda W`,
    computed as one multiplication ``W *= 1 - lr * lambda``. 1-D arrays (biases)
    are not decayed. The decay does not pass through the optimiser's memory or its
    adaptive scaling. This differs from L2 added to the loss ("coupled",
    ``MLP(l2=lambda)``), which adds :math:`\lambda W` to the gradient *before* the
    optimiser sees it: with plain SGD the two are the same update, but Adam and
    RMSProp divide that :math:`\lambda W` by :math:`\sqrt{\hat v}`, so weights with large
    gradients are barely decayed and weights with small gradients are decayed a lot
    (Loshchilov & Hutter, 2019). See :mod:`course_utils.regularization`.

Writing a new rule
    Subclass :class:`Optimizer` and write ``step``; :meth:`Optimizer._begin_step`
    checks the lists, counts the step, applies weight decay and says when to create
    the state. For example, momentum in its plainest form::

        class MyMomentum(Optimizer):
            def __init__(self, learning_rate=0.01, beta=0.9):
                super().__init__(learning_rate)
                self.beta = beta

            def step(self, params, grads):
                if self._begin_step(params, grads):
                    self.velocity = [np.zeros_like(p) for p in params]
                for p, g, v in zip(params, grads, self.velocity):
                    v *= self.beta
                    v -= self.learning_rate * g
                    p += v

    A learning-rate schedule changes ``self.learning_rate`` in ``on_epoch_end``
    (see :mod:`course_utils.schedules`); the scalars of the fast forms are computed
    from it at every step, so they follow the schedule.

Non-finite gradients are not rejected: a diverging run (learning rate too large)
should be allowed to show its ``nan`` loss rather than stop with an error.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.linalg.blas import daxpy, saxpy

__all__ = ["Optimizer", "SGD", "Momentum", "RMSProp", "Adam", "OPTIMIZERS", "make_optimizer"]


class Optimizer:
    """Base class of all update rules: argument checks, step count, decoupled weight decay.

    Args:
        learning_rate: step size :math:`\\eta` (a positive number).
        weight_decay: decoupled decay :math:`\\lambda \\ge 0` of weight matrices (see module).

    Attributes:
        learning_rate, weight_decay; ``t``: number of steps taken so far.
    """

    _repr_fields: tuple[str, ...] = ()
    #: Attributes holding the rule's state (lists of arrays made by ``_new_state``).
    _state_names: tuple[str, ...] = ()
    #: Every this many steps, state entries too small for a normal float become 0.
    FLUSH_EVERY = 100

    def __init__(self, learning_rate: float = 0.1, weight_decay: float = 0.0) -> None:
        if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
                or not np.isfinite(learning_rate) or learning_rate <= 0):
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
        self.learning_rate = float(learning_rate)
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self.t = 0
        self._shapes: list[tuple[int, ...]] | None = None
        self._scratch: list[np.ndarray] = []
        self._flat: tuple[list, list, np.ndarray, np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array in ``params`` in place, using ``grads`` (same shapes, same order)."""
        raise NotImplementedError

    def on_epoch_end(self, epoch: int) -> None:
        """Called by the training loop after epoch ``epoch`` (0-based); nothing by default."""

    def _begin_step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> bool:
        """Check the lists, count the step, decay the weights; True on the first call.

        On the first call the parameter shapes are recorded and one scratch array
        per parameter is allocated (``self._scratch``); the caller then creates its
        own state. Later calls only compare shapes, which is cheap.
        """
        try:
            same = ([p.shape for p in params] == self._shapes
                    and [g.shape for g in grads] == self._shapes)
        except AttributeError:  # not arrays: let _check_lists say which one
            same = False
        first = self._shapes is None
        if not same:
            self._check_lists(params, grads)
            if not first:
                raise ValueError(
                    f"{type(self).__name__}.step: this optimiser was first used with parameters "
                    f"of shapes {self._shapes}, now got {[p.shape for p in params]}. Each "
                    "network needs its own optimiser object (its state is per parameter).")
            self._shapes = [p.shape for p in params]
            self._scratch = self._new_state(params)
        self.t += 1
        if self.t % self.FLUSH_EVERY == 0:
            self._flush_subnormal_state()
        if self.weight_decay:
            shrink = 1.0 - self.learning_rate * self.weight_decay
            for p in params:
                if p.ndim >= 2:
                    p *= shrink
        return first

    def _flush_subnormal_state(self) -> None:
        """Set state entries below the smallest normal float (1.2e-38 in float32) to 0.

        A weight whose gradient stays 0 (a pixel that is blank in every recent batch)
        has its velocity, or Adam's and RMSProp's averages, multiplied by beta < 1 at
        every step: after a few hundred steps they are *subnormal* numbers, which many
        CPUs multiply, divide and take square roots of tens of times more slowly (on
        one epoch of Fashion-MNIST with RMSProp, 4 % of the first layer's entries,
        and RMSProp's step took 1.4 times as long). Their effect on the weights is far
        below float rounding (they are added to, or divided by, numbers above 1e-8),
        so flushing them to 0 changes no update in practice; a 0 then stays 0.
        """
        for name in self._state_names:
            state = getattr(self, name, None)
            if state:
                flat = state[0].base
                np.copyto(flat, 0, where=np.abs(flat) < np.finfo(flat.dtype).tiny)

    @staticmethod
    def _new_state(params: list[np.ndarray]) -> list[np.ndarray]:
        """Zeros shaped like each parameter, as consecutive views of one flat array."""
        return packed_views([np.zeros_like(p) for p in params])

    def _blocks(self, params: list[np.ndarray], grads: list[np.ndarray],
                *states: list[np.ndarray]):
        """The ``(p, g, *state)`` arrays an element-wise update runs over.

        Normally one tuple per parameter. When ``params`` and ``grads`` each fill one
        flat array back to back, as :class:`course_utils.mlp.MLP` allocates them
        (:func:`packed_views`), a single tuple of those flat arrays: the same
        element-wise arithmetic, but one pass per operation instead of one per
        array. For a network's small bias vectors the Python overhead of a NumPy
        call costs as much as the arithmetic on a 100,000-entry matrix.
        """
        cached = self._flat
        if not (cached is not None and len(params) == len(cached[0])
                and all(a is b for a, b in zip(params, cached[0], strict=True))
                and all(a is b for a, b in zip(grads, cached[1], strict=True))):
            flat_g = _buffer_filled_by(grads)
            flat_p = None if flat_g is None else _buffer_filled_by(params)
            if flat_p is None or flat_p.dtype != flat_g.dtype:
                self._flat = None
                return zip(params, grads, *states, strict=True)
            self._flat = cached = (list(params), list(grads), flat_p, flat_g)
        return [(cached[2], cached[3], *(state[0].base for state in states))]

    def _check_lists(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        who = f"{type(self).__name__}.step"
        if len(params) != len(grads):
            raise ValueError(f"{who}: got {len(params)} parameters but {len(grads)} gradients; "
                             "pass one gradient per parameter.")
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
                raise TypeError(f"{who}: params[{i}] and grads[{i}] must be NumPy arrays, got "
                                f"{type(p).__name__} and {type(g).__name__}.")
            if p.shape != g.shape:
                raise ValueError(f"{who}: params[{i}] has shape {p.shape} but grads[{i}] has "
                                 f"shape {g.shape}; they must match.")
            if p.dtype.kind != "f":
                raise TypeError(f"{who}: params[{i}] has dtype {p.dtype}; parameters must be "
                                "floating point (np.float32 or np.float64) to be updated.")
            if not p.flags.writeable:
                raise ValueError(f"{who}: params[{i}] is read-only; the update is written into "
                                 "the parameter arrays themselves.")

    def __repr__(self) -> str:
        fields = ("weight_decay",) * bool(self.weight_decay) + self._repr_fields
        extra = "".join(f", {k}={getattr(self, k)}" for k in fields)
        return f"{type(self).__name__}(learning_rate={self.learning_rate}{extra})"


class SGD(Optimizer):
    r"""Plain mini-batch stochastic gradient descent.

    Textbook: :math:`\theta \leftarrow \theta - \eta\, g`.

    Computed as ``buf = lr * g; p -= buf`` with ``buf`` allocated once (two passes).

    Args:
        learning_rate: :math:`\eta > 0`.
        weight_decay: decoupled decay of weight matrices, :math:`W \leftarrow (1-\eta\lambda)W`
            first. For SGD this is the same update as ``MLP(l2=lambda)``.
    """

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self._begin_step(params, grads)
        lr = self.learning_rate
        for p, g, buf in self._blocks(params, grads, self._scratch):
            np.multiply(g, lr, out=buf)
            p -= buf


class Momentum(Optimizer):
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

    Computed as ``buf = lr * g; v *= mu; v -= buf; p += v`` (four passes), and for
    Nesterov ``...; step = mu * v; step -= buf; p += step`` (six, with a second
    scratch array). These are the operations of ``v = mu * v - lr * g`` and
    ``p += v`` (or ``p += mu * v - lr * g``) in the same order, so the results
    equal those lines' to the last bit. The velocity is the textbook :math:`v`
    itself, so a learning rate changed by a schedule acts on new gradients only,
    as in the formula.

    Args:
        learning_rate: :math:`\eta > 0`.
        momentum: :math:`\mu` in [0, 1); 0 gives plain SGD.
        nesterov: use Nesterov's update.
        weight_decay: decoupled decay :math:`\lambda \ge 0` of weight matrices (see module).

    Attributes:
        velocity: list of arrays :math:`v`, one per parameter (None before the first step).
        t: number of steps taken.
    """

    _repr_fields = ("momentum", "nesterov")
    _state_names = ("velocity",)

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
            self.velocity = self._new_state(params)
            self._step = self._new_state(params) if self.nesterov else self.velocity
        lr, mu = self.learning_rate, self.momentum
        for p, g, v, buf, step in self._blocks(params, grads, self.velocity, self._scratch,
                                               self._step):
            np.multiply(g, lr, out=buf)          # buf = eta g
            v *= mu
            v -= buf                             # v = mu v - eta g
            if self.nesterov:
                np.multiply(v, mu, out=step)
                step -= buf
                p += step                        # p += mu v - eta g
            else:
                p += v


class RMSProp(Optimizer):
    r"""RMSProp: divide each step by a running root-mean-square of recent gradients.

    .. math::
        s \leftarrow \rho s + (1-\rho)\, g^2, \qquad
        \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}

    (:math:`s` starts at 0). Every parameter gets its own effective step size
    :math:`\eta / \sqrt{s}`: large for parameters whose gradients are small, small
    for those whose gradients are large. With :math:`s` starting at 0, the first
    steps are larger than :math:`\eta` (Adam corrects this bias; RMSProp does not).

    Fast form (what :meth:`step` computes). As in :class:`Adam`, the array keeps a
    weighted *sum* instead of an average, :math:`S = s / (1-\rho)`, which saves
    multiplying every :math:`g^2` by :math:`1-\rho`; the factor goes into the step
    size and the :math:`\epsilon`, computed once:

    .. math::
        S \leftarrow \rho S + g^2, \qquad
        \theta \leftarrow \theta - \frac{\eta}{\sqrt{1-\rho}}\,
        \frac{g}{\sqrt S + \epsilon / \sqrt{1-\rho}}

    the textbook update exactly, since :math:`\sqrt s = \sqrt{1-\rho}\,\sqrt S`.
    Computed as ``buf = g * g; S *= rho; S += buf; buf = sqrt(S); buf += eps'; buf =
    g / buf; p -= lr' * buf``: seven passes into one scratch array (the last one a
    single fused pass, see :func:`_subtract_scaled`), nothing allocated.

    Args:
        learning_rate: :math:`\eta > 0` (typical: 1e-3).
        rho: decay rate :math:`\rho` in [0, 1) of the average.
        eps: :math:`\epsilon > 0`, keeps the division finite.
        weight_decay: decoupled decay of weight matrices (see module).

    Attributes:
        square_avg: the textbook average :math:`s`, one array per parameter, computed
            from the sums ``square_sum`` when read; ``t``: steps taken.
    """

    _repr_fields = ("rho", "eps")
    _state_names = ("square_sum",)

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate, weight_decay)
        self.rho = _fraction(rho, "rho")
        self.eps = _positive(eps, "eps")
        self.square_sum: list[np.ndarray] | None = None

    @property
    def square_avg(self) -> list[np.ndarray] | None:
        return None if self.square_sum is None else [(1.0 - self.rho) * S
                                                     for S in self.square_sum]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._begin_step(params, grads):
            self.square_sum = self._new_state(params)
        rho = self.rho
        root = math.sqrt(1.0 - rho)
        alpha, eps = self.learning_rate / root, self.eps / root
        for p, g, S, buf in self._blocks(params, grads, self.square_sum, self._scratch):
            np.multiply(g, g, out=buf)
            S *= rho
            S += buf                             # S = rho S + g^2
            np.sqrt(S, out=buf)
            buf += eps
            np.divide(g, buf, out=buf)
            _subtract_scaled(p, alpha, buf)      # p -= alpha g / (sqrt(S) + eps)


class Adam(Optimizer):
    r"""Adam: momentum on the gradient and RMSProp's scaling, both bias-corrected.

    Textbook form. With :math:`m = v = 0` at the start, at step :math:`t = 1, 2, \dots`:

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

    Fast form (what :meth:`step` computes). Every factor that is the same for all
    entries moves out of the arrays into two numbers per step. The arrays keep
    weighted *sums* instead of averages, :math:`M = m / (1-\beta_1)` and
    :math:`V = v / (1-\beta_2)` (which saves multiplying every :math:`g` and
    :math:`g^2` by :math:`1-\beta`), and the bias corrections and those factors go
    into a step size :math:`\alpha_t` and an :math:`\epsilon_t`:

    .. math::
        M &\leftarrow \beta_1 M + g, \qquad V \leftarrow \beta_2 V + g^2 \\
        c_t &= \sqrt{(1-\beta_2^t) / (1-\beta_2)}, \qquad
        \alpha_t = \eta\, \frac{1-\beta_1}{1-\beta_1^t}\, c_t, \qquad
        \epsilon_t = \epsilon\, c_t \\
        \theta &\leftarrow \theta - \alpha_t\, \frac{M}{\sqrt{V} + \epsilon_t}

    This is the textbook update exactly, not an approximation: with
    :math:`\hat m = \frac{1-\beta_1}{1-\beta_1^t} M` and :math:`\sqrt{\hat v} = \sqrt V / c_t`,
    :math:`\frac{\hat m}{\sqrt{\hat v} + \epsilon} = \frac{1-\beta_1}{1-\beta_1^t}\, c_t\,
    \frac{M}{\sqrt V + \epsilon\, c_t}`. The :math:`\epsilon` must be rescaled to
    :math:`\epsilon_t` for that: adding the plain :math:`\epsilon` to :math:`\sqrt V` (or,
    as the Adam paper's "efficient version" does, to :math:`\sqrt v`) would be a
    slightly different optimiser, whose :math:`\epsilon` weighs differently in the
    first steps. The arrays are touched nine times per step (two for :math:`M`, three
    for :math:`V`, four for the update, the last one fused: see :func:`_subtract_scaled`)
    and nothing is allocated.

    ``weight_decay > 0`` gives AdamW (decoupled decay, see the module docstring);
    for L2 added to the loss use ``MLP(l2=...)`` instead.

    Args:
        learning_rate: :math:`\eta > 0` (typical: 1e-3).
        beta1, beta2: decay rates in [0, 1) of the first and second moment averages.
        eps: :math:`\epsilon > 0`.
        weight_decay: decoupled decay :math:`\lambda \ge 0` of weight matrices.

    Attributes:
        m, v: the textbook moments :math:`m`, :math:`v` (not bias-corrected), one array
            per parameter, computed from the sums ``m_sum``, ``v_sum`` when read;
        t: steps taken.
    """

    _repr_fields = ("beta1", "beta2", "eps")
    _state_names = ("m_sum", "v_sum")

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(learning_rate, weight_decay)
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")
        self.m_sum: list[np.ndarray] | None = None
        self.v_sum: list[np.ndarray] | None = None

    @property
    def m(self) -> list[np.ndarray] | None:
        return None if self.m_sum is None else [(1.0 - self.beta1) * M for M in self.m_sum]

    @property
    def v(self) -> list[np.ndarray] | None:
        return None if self.v_sum is None else [(1.0 - self.beta2) * V for V in self.v_sum]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._begin_step(params, grads):
            self.m_sum = self._new_state(params)
            self.v_sum = self._new_state(params)
        b1, b2, t = self.beta1, self.beta2, self.t
        c = math.sqrt((1.0 - b2**t) / (1.0 - b2))
        alpha = self.learning_rate * (1.0 - b1) / (1.0 - b1**t) * c
        eps = self.eps * c
        for p, g, M, V, buf in self._blocks(params, grads, self.m_sum, self.v_sum,
                                            self._scratch):
            M *= b1
            M += g                               # M = b1 M + g
            np.multiply(g, g, out=buf)
            V *= b2
            V += buf                             # V = b2 V + g^2
            np.sqrt(V, out=buf)
            buf += eps
            np.divide(M, buf, out=buf)
            _subtract_scaled(p, alpha, buf)      # p -= alpha M / (sqrt(V) + eps)


#: Names accepted by :func:`make_optimizer` (the playground's drop-down).
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")


def make_optimizer(name: str, learning_rate: float, weight_decay: float = 0.0) -> Optimizer:
    r"""An optimiser by name with the usual defaults: one of :data:`OPTIMIZERS`.

    ``"momentum"`` and ``"nesterov"`` use :math:`\mu = 0.9`; ``weight_decay`` is the
    decoupled decay (refused for ``"sgd"``, where it is the same update as ``MLP(l2=...)``).
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


def packed_views(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Copies of ``arrays`` (same shapes, values and dtype) that are consecutive views
    of one flat array, in order.

    ``MLP`` keeps its parameters, and its gradients, this way, so that an optimiser
    can update all of them at once (see ``Optimizer._blocks``). The arrays must share
    one dtype.
    """
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) != 1:
        raise TypeError("packed_views: the arrays must share one dtype, got "
                        f"{sorted(map(str, dtypes))}.")
    flat = np.empty(sum(a.size for a in arrays), dtype=dtypes.pop())
    views, start = [], 0
    for a in arrays:
        view = flat[start:start + a.size].reshape(a.shape)
        view[...] = a
        views.append(view)
        start += a.size
    return views


def _buffer_filled_by(arrays: list[np.ndarray]) -> np.ndarray | None:
    """The flat array that ``arrays`` fill exactly, one after the other, or None."""
    flat = getattr(arrays[0], "base", None) if arrays else None
    if (not isinstance(flat, np.ndarray) or flat.ndim != 1 or not flat.flags.c_contiguous
            or not flat.flags.writeable):
        return None
    address = flat.__array_interface__["data"][0]
    for a in arrays:
        if (a.base is not flat or not a.flags.c_contiguous
                or a.__array_interface__["data"][0] != address):
            return None
        address += a.nbytes
    return flat if address == flat.__array_interface__["data"][0] + flat.nbytes else None


# BLAS's axpy computes y <- a x + y in one pass over memory: no separate pass to
# scale x first. Elementwise, so its result does not depend on the BLAS thread count.
_AXPY = {np.dtype(np.float32): saxpy, np.dtype(np.float64): daxpy}


def _subtract_scaled(p: np.ndarray, alpha: float, x: np.ndarray) -> None:
    """``p -= alpha * x`` in place, in one pass (BLAS ``axpy`` with ``a = -alpha``).

    The NumPy line makes two passes: ``x * alpha`` into a temporary, then the
    subtraction. ``x`` must be a scratch array: when ``p`` or ``x`` is not a
    contiguous float32/float64 array (axpy needs one flat block of memory), the
    update falls back to ``x *= alpha; p -= x``.
    """
    axpy = _AXPY.get(p.dtype)
    if (axpy is not None and x.dtype == p.dtype and p.flags.c_contiguous
            and x.flags.c_contiguous and p.flags.writeable):
        axpy(x.reshape(-1), p.reshape(-1), a=-alpha)  # reshape: views, p updated in place
    else:
        x *= alpha
        p -= x


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
