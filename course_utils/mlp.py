r"""A multilayer perceptron trained with mini-batch SGD (introduced in notebook 03).

The network is a list of layers from :mod:`course_utils.layers`::

    Dense(784, 128) -> ReLU -> Dense(128, 10) -> softmax + cross-entropy

``hidden_sizes=()`` leaves a single dense layer: softmax regression (notebook 02).

Row-major convention, and how it maps to textbooks
--------------------------------------------------
Here one sample is one *row*: a batch ``X`` has shape ``(m, n_0)`` (``m`` samples,
``n_0 = 784`` features). Layer ``l`` with ``n_{l-1}`` inputs and ``n_l`` units has
``W_l`` of shape ``(n_{l-1}, n_l)`` and ``b_l`` of shape ``(n_l,)``. Each quantity
here (samples x features), then in column-major texts (features x samples):

* input batch: ``X`` is ``(m, n_0)``; there ``X`` is ``(n_0, m)``.
* weights: ``W_l`` is ``(n_{l-1}, n_l)``; there ``(n_l, n_{l-1})``, our ``W_l`` transposed.
* pre-activation: ``Z_l = A_{l-1} @ W_l + b_l``; there ``Z_l = W_l A_{l-1} + b_l``.
* output error (BP1): ``D_L = (P - Y) / m``, ``(m, n_L)``; there ``delta_L = P - Y``, ``(n_L, m)``.
* backward (BP2): ``D_l = (D_{l+1} @ W_{l+1}.T) * g'(Z_l)``;
  there ``delta_l = (W_{l+1}^T delta_{l+1}) * g'(Z_l)``.
* bias gradient (BP3): ``db_l = D_l.sum(axis=0)``; there ``(1/m)`` times the sum of
  ``delta_l``'s columns.
* weight gradient (BP4): ``dW_l = A_{l-1}.T @ D_l``; there ``(1/m) delta_l A_{l-1}^T``.

Every matrix is the transpose of its textbook counterpart. Texts that keep
``W`` as ``(n_{l-1}, n_l)`` write ``Z = W^T X``: the same weights as ours, with
``X`` transposed. Here the ``1/m`` of the mean loss enters once, in ``D_L``
(:func:`course_utils.softmax.softmax_cross_entropy`), and flows into every
gradient; texts that leave it out of ``delta`` must put it into ``dW`` and
``db`` instead (forgetting it in one of them is a classic bug). With softmax
and cross-entropy, ``D_L`` is ``P - Y`` with *no* extra ``sigma'(Z_L)`` factor.

Speed: everything stays in float32 (half the memory traffic of float64); each
dense layer costs one matrix product forward and two backward (one for the first
layer, whose input needs no gradient); the softmax is computed once per batch.
"""

from __future__ import annotations

import copy
import math
import numbers
import sys
import warnings
from collections.abc import Sequence

import numpy as np

from course_utils.i18n import tr
from course_utils.layers import ACTIVATIONS, Dense, Layer
from course_utils.optimizers import SGD, Optimizer, packed_views
from course_utils.regularization import Dropout
from course_utils.softmax import _log_softmax, _softmax, _softmax_cross_entropy
from course_utils.threads import AUTO, blas_thread_limit, resolve_blas_threads

#: A batch loss above this many times the run's first loss counts as exploding (warned once).
EXPLOSION_FACTOR = 100.0
#: Non-negative inputs larger than this look like unscaled pixels (0..255), not [0, 1].
UNSCALED_MAX = 1.5

def _scaling_fix() -> str:
    return tr("inputs scaled to [0, 1] (course_utils.preprocessing.scale_to_unit(images)) or "
              "standardised")


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite: the updates overflowed float arithmetic.

    Attributes:
        epoch, batch: where it happened, counted from 1 (``batch`` is ``None`` when the
            weights became non-finite after the last update of ``epoch``).
        loss: the non-finite loss (or ``nan`` for non-finite weights).
        history: the ``history_`` of the epochs that did finish, for plotting the run.
    """

    def __init__(self, message: str, *, epoch: int, batch: int | None, loss: float,
                 history: dict[str, list[float]]) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.loss = epoch, batch, loss
        self.history = history


class UnscaledInputWarning(UserWarning):
    """The inputs look like raw pixel values (0..255) rather than values scaled to [0, 1]."""


class MLP:
    """Fully connected network with softmax output, in scikit-learn's style.

    Args:
        hidden_sizes: units of each hidden layer, e.g. ``(128,)``; ``()`` = softmax regression.
        activation: ``"relu"``, ``"sigmoid"`` or ``"tanh"`` for the hidden layers.
        init: weight initialisation (see :mod:`course_utils.initializers`); biases start at 0.
        init_scale: multiplies the standard deviation of ``init`` (e.g. 0.01 or 10 to show
            what too small or too large a start does; notebook 04).
        learning_rate: SGD step size (ignored when ``optimizer`` is given).
        batch_size: samples per mini-batch (the last batch of an epoch may be smaller).
        epochs: passes over the training data in :meth:`fit`.
        l2: weight decay ``lambda``: the objective is mean cross-entropy
            ``+ (lambda / 2) * sum of squared weights`` (biases are not penalised).
            scikit-learn's ``MLPClassifier`` divides its ``alpha`` by the batch size, so
            ``l2 = alpha / batch_size`` gives the same updates.
        seed: seeds the weights, the shuffling and the dropout masks (independent streams).
        optimizer: an :class:`course_utils.optimizers.Optimizer`; default ``SGD(learning_rate)``.
            :meth:`fit` trains a copy (``optimizer_``), so the object passed in stays fresh.
        verbose: print one line per epoch (deterministic: rounded numbers, no timings).
        progress: show a tqdm progress bar over the epochs, for interactive use. In a
            terminal it redraws on stderr as often as timing allows; in Jupyter it is a
            widget whose saved text is its 0% starting state. Keep it off in notebooks
            whose outputs are committed; use ``verbose`` there.
        dtype: ``np.float32`` for training; ``np.float64`` for gradient checks.
        n_classes: number of classes; default ``max(y) + 1`` of the training labels.
        dropout: drop probability of a :class:`course_utils.regularization.Dropout` layer
            after every hidden activation (0 = none; notebook 04).
        callbacks: objects called after every epoch of :meth:`fit` as
            ``cb.on_epoch_end(model, epoch, history_)``; training stops when one returns
            True. ``cb.on_train_begin(model)`` and ``cb.on_train_end(model)`` are called
            when they exist (e.g. :class:`course_utils.callbacks.EarlyStopping`, which
            restores the best weights at the end). The objects themselves are used, not
            copies, so their attributes can be read after training.
        blas_threads: BLAS threads for the matrix products of :meth:`fit`. ``"auto"``
            (default): the course's choice, one thread (:mod:`course_utils.threads`: with
            another program busy on a core, more threads made training many times
            slower). An integer: that many. None: leave the thread settings as they are.
            The limit holds only during :meth:`fit`; the caller's setting is unchanged
            afterwards.

    Attributes (after :meth:`fit` or :meth:`initialize`):
        layers_: the list of layer objects, input to output.
        coefs_: weight matrices, ``coefs_[i]`` of shape ``(fan_in, fan_out)``, and
        intercepts_: bias vectors ``(fan_out,)`` -- scikit-learn's ``MLPClassifier``
            layout, the very arrays the layers use (so they change as training proceeds).
        history_: ``{"loss": [...], "accuracy": [...]}`` per epoch, plus ``"val_loss"`` and
            ``"val_accuracy"`` when validation data is given. ``loss`` and ``accuracy`` are
            averages over the epoch's mini-batches, each measured just before its own
            update (as Keras and scikit-learn report them); validation numbers use the
            weights at the end of the epoch. Losses are the cross-entropy alone, without
            the ``l2`` penalty, so that training and validation are comparable.
        n_features_in_, n_classes_, classes_, optimizer_.
    """

    def __init__(self, hidden_sizes: tuple[int, ...] = (128,), activation: str = "relu",
                 init: str = "he", learning_rate: float = 0.1, batch_size: int = 64,
                 epochs: int = 10, l2: float = 0.0, seed: int = 0,
                 optimizer: Optimizer | None = None, verbose: bool = False,
                 progress: bool = False, dtype: type = np.float32,
                 n_classes: int | None = None, init_scale: float = 1.0, dropout: float = 0.0,
                 callbacks: Sequence = (), blas_threads: int | str | None = AUTO) -> None:
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.init = init
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.l2 = l2
        self.seed = seed
        self.optimizer = optimizer
        self.verbose = verbose
        self.progress = progress
        self.dtype = dtype
        self.n_classes = n_classes
        self.init_scale = init_scale
        self.dropout = dropout
        self.callbacks = callbacks
        self.blas_threads = blas_threads

    # ------------------------------------------------------------------ set-up

    def initialize(self, n_features: int, n_classes: int) -> MLP:
        """Create fresh layers for ``n_features`` inputs and ``n_classes`` outputs.

        :meth:`fit` calls this; call it yourself to inspect or gradient-check an
        untrained network.
        """
        self._check_hyperparameters()
        for name, value in (("n_features", n_features), ("n_classes", n_classes)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(tr("{name} must be a positive integer, got {value!r}.",
                                    name=name, value=value))
        # Independent streams; child i of spawn(k) does not depend on k, so adding a
        # stream never changes the weights or the shuffling of existing runs.
        init_rng, self._shuffle_rng, dropout_rng = np.random.default_rng(self.seed).spawn(3)
        sizes = [int(n_features), *self.hidden_sizes, int(n_classes)]
        self.layers_: list[Layer] = []
        for i in range(len(sizes) - 1):
            self.layers_.append(Dense(sizes[i], sizes[i + 1], self.init, init_rng, self.dtype,
                                      compute_dx=i > 0, init_scale=self.init_scale))
            if i < len(sizes) - 2:
                self.layers_.append(ACTIVATIONS[self.activation]())
                if self.dropout > 0:
                    self.layers_.append(Dropout(self.dropout, rng=dropout_rng))
        self._dense = [layer for layer in self.layers_ if isinstance(layer, Dense)]
        # W1, b1, W2, b2, ... (and their gradients) back to back in one flat array each,
        # so that the optimiser updates them all in one pass per operation.
        for store in ("params", "grads"):
            dicts = [getattr(layer, store) for layer in self._dense]
            views = iter(packed_views([d[kind] for d in dicts for kind in ("W", "b")]))
            for d in dicts:
                d["W"], d["b"] = next(views), next(views)
        self.coefs_ = [layer.params["W"] for layer in self._dense]
        self.intercepts_ = [layer.params["b"] for layer in self._dense]
        self._param_list = [p for layer in self._dense for p in (layer.W, layer.b)]
        self.n_features_in_ = int(n_features)
        self.n_classes_ = int(n_classes)
        self.classes_ = np.arange(n_classes)
        self.optimizer_ = (SGD(self.learning_rate) if self.optimizer is None
                           else copy.deepcopy(self.optimizer))
        self.history_: dict[str, list[float]] = {"loss": [], "accuracy": []}
        self._first_loss: float | None = None  # the run's first batch loss (explosion baseline)
        self._warned_explosion = False
        return self

    def parameters(self) -> dict[str, np.ndarray]:
        """``{"W1": (784, 128), "b1": (128,), "W2": ..., ...}``, numbered from the input."""
        self._check_initialized("parameters")
        return {f"{kind}{i}": layer.params[kind]
                for i, layer in enumerate(self._dense, start=1) for kind in ("W", "b")}

    # ------------------------------------------------------------------ training

    def fit(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None = None,
            y_val: np.ndarray | None = None) -> MLP:
        """Train from scratch for ``epochs`` epochs of shuffled mini-batches.

        Args:
            X: ``(n_samples, n_features)`` float32 inputs (e.g. pixels scaled to [0, 1]).
            y: ``(n_samples,)`` integer labels ``0..n_classes-1``.
            X_val, y_val: optional validation data, evaluated after every epoch.

        Returns:
            ``self``, trained; see ``history_``.

        Raises:
            TrainingDivergedError: a batch loss (or, after the last update, a weight) became
                NaN or infinite; training stops there and the message says what to try.

        Warns:
            UnscaledInputWarning: ``X`` is non-negative with values above 1.5 (raw pixels).
            RuntimeWarning: a batch loss exceeded 100 times the first loss of the run
                (at least 100): the loss exploded, even if it stayed finite.
        """
        with blas_thread_limit(resolve_blas_threads(self.blas_threads)):
            return self._fit(X, y, X_val, y_val)

    def _fit(self, X, y, X_val, y_val) -> MLP:
        """:meth:`fit` inside its BLAS thread limit."""
        self._check_hyperparameters()
        X = self._check_X(X, "fit", n_features=None)
        y = _check_y(y, X, self.n_classes, "fit")
        _check_two_classes(y)
        _warn_if_unscaled(X)
        n_classes = self.n_classes if self.n_classes is not None else int(y.max()) + 1
        validate = X_val is not None or y_val is not None
        if validate:
            if X_val is None or y_val is None:
                raise ValueError(tr("Pass both X_val and y_val (or neither)."))
            X_val = self._check_X(X_val, "fit (X_val)", n_features=X.shape[1])
            y_val = _check_y(y_val, X_val, n_classes, "fit (y_val)",
                             inferred=self.n_classes is None)
        self.initialize(X.shape[1], n_classes)
        if validate:
            self.history_.update(val_loss=[], val_accuracy=[])
        for callback in self.callbacks:
            if hasattr(callback, "on_train_begin"):
                callback.on_train_begin(self)
        epochs = self._epochs()
        for epoch in epochs:
            loss, acc = self._train_epoch(X, y, epoch)
            self.history_["loss"].append(loss)
            self.history_["accuracy"].append(acc)
            line = tr("epoch {epoch}/{epochs}  loss {loss:.4f}  accuracy {accuracy:.1%}",
                      epoch=f"{epoch + 1:>{len(str(self.epochs))}}", epochs=self.epochs,
                      loss=loss, accuracy=acc)
            if validate:
                val_loss, val_acc = self._evaluate(X_val, y_val)
                self.history_["val_loss"].append(val_loss)
                self.history_["val_accuracy"].append(val_acc)
                line += tr("  val_loss {val_loss:.4f}  val_accuracy {val_accuracy:.1%}",
                           val_loss=val_loss, val_accuracy=val_acc)
            if self.verbose:
                print(line, flush=True)
            if self.progress:
                epochs.set_postfix_str(line.split("  ", 1)[1], refresh=False)
            self.optimizer_.on_epoch_end(epoch)
            stop = [bool(cb.on_epoch_end(self, epoch, self.history_)) for cb in self.callbacks]
            if any(stop):
                break
        if self.progress:
            epochs.close()
        for callback in self.callbacks:
            if hasattr(callback, "on_train_end"):
                callback.on_train_end(self)
        self._check_weights_finite(epoch)  # the weights returned (a callback may restore some)
        return self

    def _epochs(self):
        if not self.progress:
            return range(self.epochs)
        from tqdm.auto import tqdm

        return tqdm(range(self.epochs), desc=tr("epochs"), file=sys.stderr)

    def _train_epoch(self, X: np.ndarray, y: np.ndarray, epoch: int = 0) -> tuple[float, float]:
        """One pass over ``(X, y)`` in shuffled mini-batches; returns mean loss and accuracy.

        ``epoch`` (0-based) only serves the messages of :meth:`_watch_loss`.
        """
        n, bs = len(X), self.batch_size
        order = self._shuffle_rng.permutation(n)
        batch = np.empty((min(bs, n), X.shape[1]), dtype=X.dtype)  # reused by every batch
        total_loss, correct = 0.0, 0
        n_batches = -(-n // bs)
        # Overflows are not warned about one by one: they end in a non-finite loss, which
        # _watch_loss reports once, with where it happened and what to do.
        with np.errstate(over="ignore", invalid="ignore"):
            for number, start in enumerate(range(0, n, bs), start=1):
                idx = order[start:start + bs]
                # mode="clip" lets take write straight into `out` (mode="raise" buffers a
                # copy); the indices are a permutation of range(n), so none is ever clipped.
                xb = np.take(X, idx, axis=0, out=batch[:len(idx)], mode="clip")
                loss, batch_correct = self._train_step(xb, y.take(idx))
                self._watch_loss(loss, epoch + 1, number, n_batches)
                total_loss += loss * len(idx)
                correct += batch_correct
        return total_loss / n, correct / n

    def _train_step(self, xb: np.ndarray, yb: np.ndarray) -> tuple[float, int]:
        """Forward, backward and update on one mini-batch (the hot loop)."""
        out = xb
        for layer in self.layers_:
            out = layer.forward(out)
        loss, dout = _softmax_cross_entropy(out, yb)
        correct = int(np.count_nonzero(out.argmax(axis=1) == yb))
        for layer in reversed(self.layers_):
            dout = layer.backward(dout)
        self.optimizer_.step(self._param_list, self._grad_list())
        return loss, correct

    def _watch_loss(self, loss: float, epoch: int, batch: int, n_batches: int) -> None:
        """After every batch (a scalar test, no pass over data): stop at a non-finite loss,
        warn once when the loss exceeds ``EXPLOSION_FACTOR`` times the run's first loss.

        The baseline is the first loss of the run, not the previous batch: late in training
        batch losses are tiny and swing by large factors from batch to batch without
        anything going wrong. The floor of 1 keeps a near-zero first loss from making
        every later batch look like an explosion.
        """
        if not math.isfinite(loss):
            start = "" if self._first_loss is None else " " + tr(
                "(it was {first:.4g} at the start)", first=self._first_loss)
            raise TrainingDivergedError(
                tr("MLP.fit: training diverged at epoch {epoch}, batch {batch} of {n_batches}: "
                   "the loss became {loss}{start}. The updates grew until the numbers "
                   "overflowed. Try {remedy}.", epoch=epoch, batch=batch, n_batches=n_batches,
                   loss=loss, start=start, remedy=self._remedy()),
                epoch=epoch, batch=batch, loss=loss, history=copy.deepcopy(self.history_))
        if self._first_loss is None:
            self._first_loss = loss
        elif (not self._warned_explosion
              and loss > EXPLOSION_FACTOR * max(self._first_loss, 1.0)):
            self._warned_explosion = True
            warnings.warn(
                tr("MLP.fit: the loss exploded at epoch {epoch}, batch {batch} of {n_batches}: "
                   "{loss:.4g}, more than {factor:g} times the {first:.4g} of the first batch. "
                   "Training is unstable; try {remedy}.", epoch=epoch, batch=batch,
                   n_batches=n_batches, loss=loss, factor=EXPLOSION_FACTOR,
                   first=self._first_loss, remedy=self._remedy()),
                RuntimeWarning, stacklevel=5)

    def _remedy(self) -> str:
        rate = self.optimizer_.learning_rate
        return tr("a smaller learning rate (now {rate:g}; e.g. 10 times smaller) and {fix}",
                  rate=rate, fix=_scaling_fix())

    def _check_weights_finite(self, epoch: int) -> None:
        """After training: the last update can overflow with no later loss to show it."""
        if all(np.isfinite(p).all() for p in self._param_list):
            return
        raise TrainingDivergedError(
            tr("MLP.fit: training diverged in the last update of epoch {epoch}: the weights "
               "became NaN or infinite (the losses before it were finite). Try {remedy}.",
               epoch=epoch + 1, remedy=self._remedy()),
            epoch=epoch + 1, batch=None, loss=math.nan, history=copy.deepcopy(self.history_))

    def _grad_list(self) -> list[np.ndarray]:
        grads = []
        for layer in self._dense:
            dW = layer.grads["W"]
            if self.l2:
                dW = dW + self.l2 * layer.params["W"]
            grads += (dW, layer.grads["b"])
        return grads

    # ------------------------------------------------------------------ inference

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Logits (before softmax): ``(n_samples, n_features)`` -> ``(n_samples, n_classes)``."""
        self._check_initialized("forward")
        out = self._check_X(X, "forward", n_features=self.n_features_in_)
        for layer in self.layers_:
            out = layer.forward(out, training=False)
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n_samples, n_classes)``; each row sums to 1."""
        return _softmax(self.forward(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted labels ``(n_samples,)`` int64 (the largest logit; no softmax needed)."""
        return self.forward(X).argmax(axis=1)

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy on ``(X, y)``, a float in [0, 1]."""
        self._check_initialized("score")
        y = _check_y(y, X, self.n_classes_, "score", inferred=self.n_classes is None)
        return float(np.mean(self.predict(X) == y))

    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
        """Objective and its gradient on one batch, without updating anything.

        The objective is the mean cross-entropy plus ``(l2 / 2) * sum(W**2)`` over
        all weight matrices. Used for gradient checking
        (:func:`course_utils.gradcheck.check_network_gradients`).

        Returns:
            ``(loss, grads)`` with ``grads`` keyed like :meth:`parameters`.
        """
        self._check_initialized("loss_and_gradients")
        X = self._check_X(X, "loss_and_gradients", n_features=self.n_features_in_)
        y = _check_y(y, X, self.n_classes_, "loss_and_gradients")
        out = X
        for layer in self.layers_:
            out = layer.forward(out)
        loss, dout = _softmax_cross_entropy(out, y)
        for layer in reversed(self.layers_):
            dout = layer.backward(dout)
        if self.l2:
            loss += 0.5 * self.l2 * sum(float(np.sum(W.astype(np.float64) ** 2))
                                        for W in self.coefs_)
        # Copies: the layers overwrite their gradient arrays on the next backward pass.
        grads = {name: g.copy() for name, g in
                 zip(self.parameters(), self._grad_list(), strict=True)}
        return loss, grads

    def _evaluate(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        logits = X
        for layer in self.layers_:
            logits = layer.forward(logits, training=False)
        log_p = _log_softmax(logits)
        loss = float(-log_p[np.arange(len(y)), y].mean(dtype=np.float64))
        return loss, float(np.mean(logits.argmax(axis=1) == y))

    # ------------------------------------------------------------------ checks

    def __repr__(self) -> str:
        return (f"MLP(hidden_sizes={tuple(self.hidden_sizes)}, activation={self.activation!r}, "
                f"learning_rate={self.learning_rate}, batch_size={self.batch_size}, "
                f"epochs={self.epochs}, l2={self.l2}, seed={self.seed})")

    def _check_initialized(self, who: str) -> None:
        if not hasattr(self, "layers_"):
            raise RuntimeError(tr("MLP.{who}: this network has no weights yet; call fit(X, y) "
                                  "first (or initialize(n_features, n_classes)).", who=who))

    def _check_hyperparameters(self) -> None:
        def positive_int(value):
            return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
                    and value >= 1)

        sizes = self.hidden_sizes
        if not isinstance(sizes, (tuple, list)) or not all(positive_int(s) for s in sizes):
            raise ValueError(tr("hidden_sizes must be a tuple of positive integers such as "
                                "(128,) or () for no hidden layer, got {sizes!r}.", sizes=sizes))
        if self.activation not in ACTIVATIONS:
            raise ValueError(tr("activation must be one of {names}, got {activation!r}.",
                                names=sorted(ACTIVATIONS), activation=self.activation))
        for name in ("batch_size", "epochs"):
            if not positive_int(getattr(self, name)):
                raise ValueError(tr("{name} must be a positive integer, got {value!r}.",
                                    name=name, value=getattr(self, name)))
        if self.optimizer is None:
            Optimizer(self.learning_rate)  # validates the learning rate
        elif not isinstance(self.optimizer, Optimizer):
            raise TypeError(tr("optimizer must be a course_utils.optimizers.Optimizer such as "
                               "SGD(0.1), got {optimizer!r}.", optimizer=self.optimizer))
        if (isinstance(self.l2, bool) or not isinstance(self.l2, numbers.Real)
                or not np.isfinite(self.l2) or self.l2 < 0):
            raise ValueError(tr("{name} must be a non-negative number, got {value!r}.",
                                name="l2", value=self.l2))
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise TypeError(tr("seed must be an integer, got {seed!r}.", seed=self.seed))
        if np.dtype(self.dtype) not in (np.float32, np.float64):
            raise TypeError(tr("dtype must be np.float32 or np.float64, got {dtype!r}.",
                               dtype=self.dtype))
        for name in ("init_scale", "dropout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not np.isfinite(value) or value < 0:
                raise ValueError(tr("{name} must be a non-negative number, got {value!r}.",
                                    name=name, value=value))
        if self.dropout >= 1:
            raise ValueError(tr("dropout is a drop probability in [0, 1), got {dropout!r}.",
                                dropout=self.dropout))
        if isinstance(self.callbacks, (str, bytes)) or not all(
                hasattr(cb, "on_epoch_end") for cb in self.callbacks):
            raise TypeError(tr("callbacks must be a sequence of objects with an "
                               "on_epoch_end(model, epoch, history) method, got {callbacks!r}.",
                               callbacks=self.callbacks))
        if self.n_classes is not None and not (positive_int(self.n_classes)
                                               and self.n_classes >= 2):
            raise ValueError(tr("n_classes must be an integer >= 2, got {n_classes!r}.",
                                n_classes=self.n_classes))

    def _check_X(self, X: np.ndarray, who: str, n_features: int | None) -> np.ndarray:
        if not isinstance(X, np.ndarray):
            raise TypeError(tr("MLP.{who}: X must be a NumPy array, got {type}.", who=who,
                               type=type(X).__name__))
        if X.ndim != 2:
            hint = (" " + tr("These look like images: flatten them with "
                             "course_utils.preprocessing.flatten(images).") if X.ndim == 3 else "")
            raise ValueError(tr("MLP.{who}: X must have shape (n_samples, n_features), got "
                                "{shape}.{hint}", who=who, shape=X.shape, hint=hint))
        if X.dtype == np.uint8:
            raise TypeError(tr("MLP.{who}: X holds raw uint8 pixels (0..255). Scale them to "
                               "[0, 1] first: course_utils.preprocessing.scale_to_unit(images).",
                               who=who))
        if X.dtype != self.dtype:
            raise TypeError(tr("MLP.{who}: X has dtype {dtype}, but this network computes in "
                               "{expected}. Convert once with X.astype(np.{expected}).",
                               who=who, dtype=X.dtype, expected=np.dtype(self.dtype)))
        if n_features is not None and X.shape[1] != n_features:
            raise ValueError(tr("MLP.{who}: X has {n} features (shape {shape}), but the network "
                                "expects {expected}.", who=who, n=X.shape[1], shape=X.shape,
                                expected=n_features))
        if len(X) == 0:
            raise ValueError(tr("MLP.{who}: X has no samples (shape {shape}).", who=who,
                                shape=X.shape))
        # NaN propagates through min and max, and an infinity is one of them: two
        # reductions check every entry without the (n, d) mask np.isfinite(X) would
        # allocate (on 60,000 images that mask cost more than an epoch's products).
        if not (math.isfinite(X.min()) and math.isfinite(X.max())):
            raise ValueError(tr("MLP.{who}: X contains NaN or infinite values ({count} entries). "
                                "A z-score of a constant pixel divides by 0: use "
                                "preprocessing.Standardizer.", who=who,
                                count=np.count_nonzero(~np.isfinite(X))))
        return X


def _check_two_classes(y: np.ndarray) -> None:
    """A classifier needs examples of at least two classes (one class gives one output unit,
    whose softmax is always 1: nothing to learn)."""
    if np.all(y == y[0]):
        raise ValueError(tr("MLP.fit: the labels y hold only one class ({label}) in {n} "
                            "samples; a classifier needs examples of at least two. Check how the "
                            "training set was selected (e.g. a slice of data sorted by class).",
                            label=y[0], n=len(y)))


def _warn_if_unscaled(X: np.ndarray) -> None:
    """Warn when ``X`` looks like raw pixels: non-negative, with values above ``UNSCALED_MAX``.

    Standardised data is never flagged: it has negative values. Its maximum alone would not
    do: z-scores of MNIST pixels that are rarely inked reach 63 in the embedded training set
    and 222 in its test set, as large as raw pixels.
    """
    top = float(X.max())
    if top > UNSCALED_MAX and (bottom := float(X.min())) >= 0:
        warnings.warn(
            tr("MLP.fit: the inputs X range from {low:g} to {high:g}: they look like unscaled "
               "pixels (0..255), and a network trained on them usually stalls or diverges. "
               "Use {fix}.", low=bottom, high=top, fix=_scaling_fix()),
            UnscaledInputWarning, stacklevel=4)


def _check_y(y: np.ndarray, X: np.ndarray, n_classes: int | None, who: str, *,
             inferred: bool = False) -> np.ndarray:
    """Labels ``(n_samples,)`` in ``0..n_classes-1`` (only ``>= 0`` when ``n_classes`` is None).

    ``inferred``: ``n_classes`` was taken from the largest training label, so a larger label
    here means a class that never appeared in training; the message says so.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        hint = (" " + tr("One-hot rows must become labels: Y.argmax(axis=1).")
                if y.ndim == 2 else "")
        raise ValueError(tr("MLP.{who}: y must be integer labels of shape (n_samples,), got "
                            "shape {shape}.{hint}", who=who, shape=y.shape, hint=hint))
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(tr("MLP.{who}: y must hold integer labels, got dtype {dtype}.", who=who,
                           dtype=y.dtype))
    n_rows = len(X) if hasattr(X, "__len__") else None
    if n_rows is not None and len(y) != n_rows:
        raise ValueError(tr("MLP.{who}: X has {n_rows} rows (shape {x_shape}) but y has "
                            "{n_labels} labels (shape {y_shape}); they must match.", who=who,
                            n_rows=n_rows, x_shape=np.shape(X), n_labels=len(y),
                            y_shape=y.shape))
    if y.size and y.min() < 0:
        raise ValueError(tr("MLP.{who}: labels must be 0, 1, 2, ...; found the negative label "
                            "{label}.", who=who, label=y.min()))
    if y.size and n_classes is not None and y.max() >= n_classes:
        message = tr("MLP.{who}: labels must lie in 0..{top}; found values from {low} to "
                     "{high}.", who=who, top=n_classes - 1, low=y.min(), high=y.max())
        if inferred:
            message += " " + tr(
                "The network has {n_classes} outputs because the largest training label was "
                "{top}: the label {label} never appeared in training. Pass the number of "
                "classes explicitly, MLP(..., n_classes={needed}), and train again.",
                n_classes=n_classes, top=n_classes - 1, label=y.max(), needed=y.max() + 1)
        raise ValueError(message)
    return y
