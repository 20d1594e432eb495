r"""Early stopping on the validation loss, with the best weights restored (notebook 04).

A callback is an object the training loop calls after every epoch::

    stop = callback.on_epoch_end(model, epoch, history)   # True: stop training now
    callback.on_train_end(model)                          # once, after the last epoch

``model`` is the network (an :class:`course_utils.mlp.MLP`; callbacks use only its
``parameters()``), ``epoch`` counts from 0 and ``history`` is the model's
``history_`` dict of per-epoch lists (``"loss"``, ``"val_loss"``, ...).

Early stopping
    Keep the lowest validation loss seen so far, :math:`L^*`. An epoch *improves*
    if its loss :math:`L_e < L^* - \delta` (``min_delta`` :math:`= \delta \ge 0`);
    then :math:`L^* \leftarrow L_e` and a copy of the weights is kept. After
    ``patience`` epochs in a row without improvement, training stops, and the
    weights of the best epoch are copied back, so the network you get is the one
    that generalised best, not the one that had already started to overfit.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.i18n import tr


class EarlyStopping:
    """Stop when the monitored validation loss stops improving; restore the best weights.

    Args:
        patience: epochs without improvement to wait before stopping (>= 1).
        min_delta: an epoch improves only if it beats the best loss by more than this.
        monitor: key of ``history`` to watch (a loss: lower is better).
        restore_best_weights: copy the best epoch's weights back at the end of training.

    Attributes (updated as training runs):
        best_value_: lowest monitored value so far (``inf`` before the first epoch).
        best_epoch_: epoch (0-based) where it occurred (-1 before the first epoch).
        wait_: epochs since the last improvement.
        stopped_epoch_: epoch after which training stopped, or None if it ran to the end.
        best_params_: copies of the parameters at ``best_epoch_`` (name -> array).

    Without the training loop, feed it values directly::

        stopper = EarlyStopping(patience=2)
        for epoch, val_loss in enumerate(losses):
            if stopper.update(val_loss, model.parameters()):
                break
        stopper.restore(model.parameters())
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, monitor: str = "val_loss",
                 restore_best_weights: bool = True) -> None:
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral) \
                or patience < 1:
            raise ValueError(tr("patience must be a positive integer, got {patience!r}.",
                                patience=patience))
        if (isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real)
                or not np.isfinite(min_delta) or min_delta < 0):
            raise ValueError(tr("min_delta must be a non-negative number, got {min_delta!r}.",
                                min_delta=min_delta))
        self.patience, self.min_delta = int(patience), float(min_delta)
        self.monitor, self.restore_best_weights = monitor, bool(restore_best_weights)
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far (a new training run)."""
        self.best_value_ = float("inf")
        self.best_epoch_ = -1
        self.wait_ = 0
        self.stopped_epoch_: int | None = None
        self.best_params_: dict[str, np.ndarray] = {}
        self._epoch = -1

    def update(self, value: float, params: dict[str, np.ndarray]) -> bool:
        """Record one epoch's monitored value; return True when training should stop.

        Args:
            value: this epoch's validation loss.
            params: the network's parameters now (``model.parameters()``); copied if best.
        """
        value = float(value)
        self._epoch += 1
        if np.isfinite(value) and value < self.best_value_ - self.min_delta:
            self.best_value_, self.best_epoch_, self.wait_ = value, self._epoch, 0
            self.best_params_ = {name: p.copy() for name, p in params.items()}
            return False
        self.wait_ += 1
        if self.wait_ >= self.patience:
            self.stopped_epoch_ = self._epoch
            return True
        return False

    def restore(self, params: dict[str, np.ndarray]) -> None:
        """Copy the best weights back into ``params`` in place (the arrays the network uses)."""
        if not self.best_params_:
            raise RuntimeError(tr("EarlyStopping.restore: no epoch has been recorded with a "
                                  "finite loss yet, so there are no best weights to restore."))
        if set(params) != set(self.best_params_):
            raise ValueError(tr("EarlyStopping.restore: the network has parameters {names} but "
                                "the saved ones are {saved}.", names=sorted(params),
                                saved=sorted(self.best_params_)))
        for name, p in params.items():
            np.copyto(p, self.best_params_[name])

    # -------------------------------------------------- callback protocol of the training loop

    def on_train_begin(self, model) -> None:
        """Start afresh (so one object can serve several ``fit`` calls)."""
        self.reset()

    def on_epoch_end(self, model, epoch: int, history: dict[str, list[float]]) -> bool:
        """Read ``history[monitor][-1]``; return True to stop training."""
        if self.monitor not in history or not history[self.monitor]:
            raise KeyError(tr("EarlyStopping monitors {monitor!r}, but the history has only "
                              "{keys}. Pass validation data (X_val, y_val) to fit.",
                              monitor=self.monitor,
                              keys=sorted(k for k in history if history[k])))
        return self.update(history[self.monitor][-1], model.parameters())

    def on_train_end(self, model) -> None:
        """Restore the best weights (when ``restore_best_weights`` and one epoch was finite)."""
        if self.restore_best_weights and self.best_params_:
            self.restore(model.parameters())

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"monitor={self.monitor!r})")
