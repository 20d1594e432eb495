r"""Learning-rate schedules, usable with any optimiser (introduced in notebook 04).

A schedule is a function of the epoch: ``schedule(epoch, base_lr) -> learning rate``
for epoch ``0, 1, 2, ...``, where ``base_lr`` is the optimiser's own learning rate.
:class:`Scheduled` wraps any optimiser and applies the schedule at the end of
every epoch, so the training loop does not change::

    opt = Scheduled(Adam(1e-3), CosineDecay(total_epochs=20))
    MLP(optimizer=opt, epochs=20).fit(X, y)

Schedules (with :math:`\eta_0` = ``base_lr``, :math:`e` = epoch):

* :class:`StepDecay`: :math:`\eta_e = \eta_0\, \gamma^{\lfloor e / s \rfloor}` (multiply by
  :math:`\gamma` every :math:`s` epochs);
* :class:`ExponentialDecay`: :math:`\eta_e = \eta_0\, \gamma^{e}`;
* :class:`CosineDecay`: :math:`\eta_e = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
  (1 + \cos(\pi \min(e, T) / T))`, from :math:`\eta_0` at :math:`e = 0` down to
  :math:`\eta_{min}` at :math:`e = T`, then constant.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from course_utils.i18n import tr
from course_utils.optimizers import Optimizer


class Schedule:
    """Base class: ``schedule(epoch, base_lr)`` returns the learning rate for that epoch."""

    def __call__(self, epoch: int, base_lr: float) -> float:
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
            raise ValueError(tr("epoch must be a non-negative integer, got {epoch!r}.",
                                epoch=epoch))
        if (isinstance(base_lr, bool) or not isinstance(base_lr, numbers.Real)
                or not np.isfinite(base_lr) or base_lr <= 0):
            raise ValueError(tr("base_lr must be a positive number, got {base_lr!r}.",
                                base_lr=base_lr))
        return float(self._rate(int(epoch), float(base_lr)))

    def _rate(self, epoch: int, base_lr: float) -> float:
        raise NotImplementedError


class StepDecay(Schedule):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    :math:`\eta_e = \eta_0\, \gamma^{\lfloor e / s \rfloor}`; e.g. ``StepDecay(10, 0.5)``
    halves it after epochs 10, 20, ...
    """

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral) \
                or step_size < 1:
            raise ValueError(tr("step_size must be a positive integer, got {step_size!r}.",
                                step_size=step_size))
        self.step_size, self.gamma = int(step_size), _decay_factor(gamma)

    def _rate(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)

    def __repr__(self) -> str:
        return f"StepDecay(step_size={self.step_size}, gamma={self.gamma})"


class ExponentialDecay(Schedule):
    r"""Multiply the learning rate by ``gamma`` after every epoch: :math:`\eta_e = \eta_0\gamma^e`.

    E.g. ``ExponentialDecay(0.9)`` gives 1, 0.9, 0.81, ... times the base rate in epochs 0, 1, 2.
    """

    def __init__(self, gamma: float = 0.9) -> None:
        self.gamma = _decay_factor(gamma)

    def _rate(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch

    def __repr__(self) -> str:
        return f"ExponentialDecay(gamma={self.gamma})"


class CosineDecay(Schedule):
    r"""Half a cosine from ``base_lr`` down to ``min_lr`` over ``total_epochs`` epochs.

    :math:`\eta_e = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})(1 + \cos(\pi \min(e,T)/T))`:
    slow decrease at first, fastest in the middle, gentle again at the end; constant
    :math:`\eta_{min}` from epoch ``T`` on. ``min_lr`` must not exceed ``base_lr``.
    """

    def __init__(self, total_epochs: int, min_lr: float = 0.0) -> None:
        if isinstance(total_epochs, bool) or not isinstance(total_epochs, numbers.Integral) \
                or total_epochs < 1:
            raise ValueError(tr("total_epochs must be a positive integer, got {total_epochs!r}.",
                                total_epochs=total_epochs))
        if (isinstance(min_lr, bool) or not isinstance(min_lr, numbers.Real)
                or not np.isfinite(min_lr) or min_lr < 0):
            raise ValueError(tr("min_lr must be a non-negative number, got {min_lr!r}.",
                                min_lr=min_lr))
        self.total_epochs, self.min_lr = int(total_epochs), float(min_lr)

    def _rate(self, epoch: int, base_lr: float) -> float:
        if self.min_lr > base_lr:
            raise ValueError(tr("CosineDecay: min_lr={min_lr} exceeds the optimiser's learning "
                                "rate {base_lr}; the schedule must decrease.", min_lr=self.min_lr,
                                base_lr=base_lr))
        progress = min(epoch, self.total_epochs) / self.total_epochs
        return self.min_lr + 0.5 * (base_lr - self.min_lr) * (1 + math.cos(math.pi * progress))

    def __repr__(self) -> str:
        return f"CosineDecay(total_epochs={self.total_epochs}, min_lr={self.min_lr})"


class Scheduled(Optimizer):
    """Any optimiser, with its learning rate set by ``schedule`` at every epoch.

    The wrapped optimiser's learning rate at construction is the base rate
    :math:`\\eta_0`. During epoch ``e`` (0-based) the optimiser steps with
    ``schedule(e, base_lr)``; :meth:`on_epoch_end` (called by the training loop
    after epoch ``e``) switches to ``schedule(e + 1, base_lr)``.

    Args:
        optimizer: any :class:`course_utils.optimizers.Optimizer` (its state is kept).
        schedule: a :class:`Schedule`, or any function ``(epoch, base_lr) -> lr``.

    Attributes:
        optimizer, schedule, base_lr; ``learning_rate`` is the rate in use now;
        ``lr_history``: the rate used in each epoch so far (the current one last).
    """

    def __init__(self, optimizer: Optimizer, schedule) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(tr("Scheduled needs a course_utils.optimizers.Optimizer such as "
                               "SGD(0.1) or Adam(1e-3), got {optimizer!r}.", optimizer=optimizer))
        if not callable(schedule):
            raise TypeError(tr("schedule must be a Schedule or a function (epoch, base_lr) -> "
                               "lr, got {schedule!r}.", schedule=schedule))
        self.optimizer, self.schedule = optimizer, schedule
        self.base_lr = optimizer.learning_rate
        super().__init__(self._rate_for(0))
        self.lr_history = [self.learning_rate]

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = float(value)

    def _rate_for(self, epoch: int) -> float:
        lr = self.schedule(epoch, self.base_lr)
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) \
                or lr < 0:
            raise ValueError(tr("The schedule gave learning rate {lr!r} for epoch {epoch}; it "
                                "must be a finite number >= 0.", lr=lr, epoch=epoch))
        return float(lr)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.optimizer.step(params, grads)

    def on_epoch_end(self, epoch: int) -> None:
        self.optimizer.on_epoch_end(epoch)
        self.learning_rate = self._rate_for(epoch + 1)
        self.lr_history.append(self.learning_rate)

    def __repr__(self) -> str:
        return f"Scheduled({self.optimizer!r}, {self.schedule!r})"


def _decay_factor(gamma: float) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or not 0 < gamma <= 1:
        raise ValueError(tr("gamma must lie in (0, 1], got {gamma!r}.", gamma=gamma))
    return float(gamma)
