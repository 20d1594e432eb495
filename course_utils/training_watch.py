"""Watch a training run that may misbehave, and say in a few words what happened (notebook 04).

``MLP.fit`` reports trouble in two ways: it *warns* (``UnscaledInputWarning`` for
inputs that look like raw pixels, a ``RuntimeWarning`` when a batch loss exceeds
100 times the first one) and it *stops* with ``TrainingDivergedError``, a
``FloatingPointError``, at the first NaN or infinite loss. In a notebook the
warnings go to stderr, full of numbers that change from machine to machine, and the
error ends the cell. :func:`watch_training` collects both instead::

    with watch_training() as watch:
        model.fit(X, y)
    print(watch)      # e.g. "warned: inputs look unscaled (0..255); the loss exploded;
                      #       diverged at epoch 1 (the loss became NaN or infinite)"
    if watch.diverged: ...

Only floating-point errors are caught; any other exception propagates. Inside the
block NumPy's overflow and invalid-value warnings are silenced (a diverging run
overflows on purpose); the divergence itself is recorded by ``MLP.fit``'s error.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from course_utils.i18n import tr


@dataclass
class TrainingWatch:
    """What a watched run did: its warnings (short phrases) and where it diverged.

    Attributes:
        warned: one phrase per distinct warning, in the order first seen.
        diverged: ``True`` when the run stopped with a ``FloatingPointError``.
        diverged_epoch: the epoch (from 1) of the divergence, when the error says it
            (``TrainingDivergedError.epoch``), else ``None``.
        history: the finished epochs' history carried by the error, else ``None``.
    """

    warned: list[str] = field(default_factory=list)
    diverged: bool = False
    diverged_epoch: int | None = None
    history: dict[str, list[float]] | None = None

    @property
    def clean(self) -> bool:
        """No warning and no divergence."""
        return not self.warned and not self.diverged

    def __str__(self) -> str:
        parts = []
        if self.warned:
            parts.append(tr("warned: {warnings}", warnings="; ".join(self.warned)))
        if self.diverged:
            parts.append(tr("diverged (the loss became NaN or infinite)")
                         if self.diverged_epoch is None else
                         tr("diverged at epoch {epoch} (the loss became NaN or infinite)",
                            epoch=self.diverged_epoch))
        return "; ".join(parts) if parts else tr("no warnings")


def describe_warning(warning: warnings.WarningMessage) -> str:
    """A short phrase, without numbers, for a warning ``MLP.fit`` gives."""
    category, text = warning.category, str(warning.message)
    if category.__name__ == "UnscaledInputWarning":
        return tr("inputs look unscaled (0..255)")
    if issubclass(category, RuntimeWarning) and "exploded" in text:
        return tr("the loss exploded")
    return f"{category.__name__}: {text.split(':')[-1].strip()[:60]}"


@contextmanager
def watch_training() -> Iterator[TrainingWatch]:
    """Context manager: record the warnings raised in the block and a ``FloatingPointError``.

    Yields a :class:`TrainingWatch`, filled in when the block ends. A floating-point
    error ends the block (the statements after the failing one do not run) and is not
    re-raised.
    """
    watch = TrainingWatch()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        warnings.simplefilter("always")
        try:
            yield watch
        except FloatingPointError as error:
            watch.diverged = True
            epoch = getattr(error, "epoch", None)
            watch.diverged_epoch = int(epoch) if epoch is not None else None
            watch.history = getattr(error, "history", None)
        finally:
            for warning in caught:
                phrase = describe_warning(warning)
                if phrase not in watch.warned:
                    watch.warned.append(phrase)
