"""Update rules: how a gradient becomes a step (SGD in notebook 03; more in notebook 04).

Every optimiser has the same interface, so the training loop of
:class:`course_utils.mlp.MLP` never changes when the update rule does:

    optimizer.step(params, grads)    # after every mini-batch
    optimizer.on_epoch_end(epoch)    # after every epoch (learning-rate schedules)

``params`` and ``grads`` are lists of arrays, in the same order on every call
(``W1, b1, W2, b2, ...``). ``step`` updates each parameter **in place**
(``p -= ...``), so the network, which holds the same arrays, sees the new values.

Adding an update rule means subclassing :class:`Optimizer` and writing ``step``.
State that belongs to one parameter (a velocity, Adam's moments) lives in a list
indexed like ``params``, created on the first call. For example, momentum::

    class Momentum(Optimizer):
        def __init__(self, learning_rate=0.01, beta=0.9):
            super().__init__(learning_rate)
            self.beta, self.velocity = beta, None

        def step(self, params, grads):
            if self.velocity is None:
                self.velocity = [np.zeros_like(p) for p in params]
            for p, g, v in zip(params, grads, self.velocity):
                v *= self.beta
                v -= self.learning_rate * g
                p += v

A schedule changes ``self.learning_rate`` in ``on_epoch_end``.

Notebook 04's update rules (momentum, Nesterov, RMSProp, Adam, decoupled weight
decay) live in :mod:`course_utils.optimizers`; learning-rate schedules that wrap
any optimiser live in :mod:`course_utils.schedules`.
"""

from __future__ import annotations

import numbers

import numpy as np


class Optimizer:
    """Base class of all update rules.

    Args:
        learning_rate: step size ``eta`` (a positive number).
    """

    def __init__(self, learning_rate: float = 0.1) -> None:
        if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
                or not np.isfinite(learning_rate) or learning_rate <= 0):
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
        self.learning_rate = float(learning_rate)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array in ``params`` in place, using ``grads`` (same shapes, same order)."""
        raise NotImplementedError

    def on_epoch_end(self, epoch: int) -> None:
        """Called by the training loop after epoch ``epoch`` (0-based); nothing by default."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class SGD(Optimizer):
    """Plain mini-batch stochastic gradient descent: ``p <- p - learning_rate * g``."""

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        lr = self.learning_rate
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
