"""An interactive training playground: pick hyper-parameters, press Train, watch (notebook 04).

Controls: learning rate (log slider), optimiser, hidden units, L2 strength,
dropout rate and epochs; a Train button; a progress bar; a loss/accuracy plot
redrawn as training proceeds (loss on a linear or a log scale); a status line
with the final numbers, or with the reason a run failed.

A run *fails* -- red bar, the reason in the status line -- when training raises a
``FloatingPointError`` (``MLP.fit`` stops at the first non-finite loss), when a
loss is NaN or infinite, when the loss explodes (above :data:`EXPLODED_LOSS_FACTOR`
times :math:`\\log K`, the loss of a network that guesses uniformly among ``K``
classes), or when the final accuracy stays near chance (see :func:`judge_run`).
A loss spike squashes the rest of the loss curve against the axis, so after an
explosion the loss axis switches to a log scale.

One run trains a one-hidden-layer :class:`course_utils.mlp.MLP` on a small
training subset (2000 images by default) for at most ``max_epochs`` epochs, so
it takes a few seconds and the kernel is busy only that long. Drawing the
figure costs more than an epoch of training, so the plot is redrawn at most
:data:`MAX_REDRAWS` times per run (see :func:`redraw_epochs`). The same seed
and the same settings give the same curves.

The logic lives in plain functions -- :func:`make_model` (settings -> network),
:func:`describe_run` (history -> status line), :func:`redraw_epochs` (when to
redraw), :func:`judge_run` (did the run learn?), :func:`playground_data` (data
subset) -- and in
:meth:`TrainingPlayground.train`, the Train button's callback, which tests call
directly without a browser.
"""

from __future__ import annotations

import base64
import html
import io
import math
import time
import warnings
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course_utils.i18n import N_, tr, tr_text
from course_utils.mlp import MLP
from course_utils.optimizers import OPTIMIZERS, make_optimizer
from course_utils.plotting.training import plot_history
from course_utils.widgets.labels import with_label

#: L2 strengths offered by the slider (0 = off).
L2_CHOICES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
#: Hidden-layer widths offered by the slider.
HIDDEN_CHOICES = (8, 16, 32, 64, 128, 256)
#: Upper limit on plot redraws per run (each costs about 0.1-0.2 s).
MAX_REDRAWS = 8
#: A loss above this many times log(K) (the loss of a uniform guess over K classes) has exploded.
EXPLODED_LOSS_FACTOR = 10.0
#: A final accuracy below chance + this share of the way from chance to 100 % is "near chance".
CHANCE_MARGIN = 0.1
#: Clicks on Train handled less than this many seconds after a run ended are ignored: they
#: were made during the run (a double click), queued by the busy kernel, and are not a new
#: request -- a student who wants another run clicks after seeing the result.
CLICK_DEBOUNCE_SECONDS = 0.5

#: What each control does, shown as its tooltip.
TOOLTIPS = {
    "learning_rate": N_("Step size of each weight update (log scale): too small learns slowly, "
                        "too large makes the loss jump or explode."),
    "optimizer": N_("The update rule: plain SGD, SGD with momentum, Nesterov momentum, RMSProp or "
                    "Adam."),
    "hidden_units": N_("Number of ReLU units in the single hidden layer (the network's width)."),
    "l2": N_("Strength of the L2 penalty on the weights (0 = off); larger values keep the weights "
             "small and fight overfitting."),
    "dropout": N_("Share of hidden units switched off at random in each training step (0 = off)."),
    "epochs": N_("Number of passes over the training images in one run."),
    "log_loss": N_("Draw the loss axis on a log scale, so that one large loss does not flatten "
                   "the rest of the curve."),
    "train_button": N_("Train a new network with these settings (from scratch, same seed)."),
    "progress": N_("Epochs done in the current run; red when the run failed."),
}

_OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": N_("SGD + momentum"), "nesterov": "Nesterov",
                     "rmsprop": "RMSProp", "adam": "Adam"}


@dataclass(frozen=True)
class Settings:
    """One run's hyper-parameters, as read from the controls.

    Attributes:
        learning_rate: step size (> 0).
        optimizer: one of :data:`course_utils.optimizers.OPTIMIZERS`.
        hidden_units: width of the single hidden ReLU layer.
        l2: coupled L2 strength :math:`\\lambda` (``MLP(l2=...)``), 0 = off.
        dropout: drop rate after the hidden layer, in [0, 1).
        epochs: passes over the training subset.
        batch_size: samples per mini-batch.
    """

    learning_rate: float = 0.1
    optimizer: str = "sgd"
    hidden_units: int = 64
    l2: float = 0.0
    dropout: float = 0.0
    epochs: int = 10
    batch_size: int = 64


def make_model(settings: Settings, seed: int = 0, callbacks=()) -> MLP:
    """The network a run trains: ``784 -> hidden_units (ReLU) -> 10``, He initialisation.

    Args:
        settings: the hyper-parameters.
        seed: seeds weights, shuffling and dropout masks.
        callbacks: passed to ``MLP(callbacks=...)`` (the playground itself, for its live plot).
    """
    if not isinstance(settings, Settings):
        raise TypeError(tr("make_model expects a Settings object, got {settings!r}.",
                           settings=settings))
    return MLP(hidden_sizes=(settings.hidden_units,), activation="relu", init="he",
               batch_size=settings.batch_size, epochs=settings.epochs, l2=settings.l2,
               dropout=settings.dropout, seed=seed, callbacks=callbacks,
               optimizer=make_optimizer(settings.optimizer, settings.learning_rate))


def redraw_epochs(epochs: int, max_redraws: int = MAX_REDRAWS) -> list[int]:
    """The epochs (1-based) after which the plot is redrawn: evenly spaced, always the last.

    Every ``ceil(epochs / max_redraws)``-th epoch, plus the final one; e.g. 20 epochs
    with ``max_redraws=8`` -> ``[3, 6, 9, 12, 15, 18, 20]``.
    """
    every = -(-epochs // max_redraws)
    return sorted({*range(every, epochs + 1, every), epochs})


def judge_run(history: dict[str, list[float]], n_classes: int) -> str | None:
    """Why a run failed, in one sentence, or ``None`` if it learned something.

    A run fails when

    * a loss is NaN or infinite (the weights overflowed: it diverged);
    * a loss exceeds ``EXPLODED_LOSS_FACTOR * log(n_classes)``: an untrained network
      guessing uniformly has loss :math:`\\log K` (2.30 for 10 classes), so 23 or more
      means the steps threw the weights far off, even if the curve later comes down;
    * the final accuracy (validation if there is one, else training) is below
      ``chance + CHANCE_MARGIN * (1 - chance)`` with ``chance = 1 / n_classes``
      (19 % for 10 classes): the network learned next to nothing.

    Args:
        history: ``MLP.history_`` (``"loss"``, ``"accuracy"``, optionally ``"val_*"``).
        n_classes: number of classes ``K`` (>= 2).
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
            or n_classes < 2:
        raise ValueError(tr("n_classes must be an integer >= 2, got {n_classes!r}.",
                            n_classes=n_classes))
    losses = [*history.get("loss", []), *history.get("val_loss", [])]
    if not history.get("loss"):
        return None
    if not all(np.isfinite(losses)):
        return tr("the run diverged: the loss became NaN or infinite (the weights overflowed); "
                  "try a smaller learning rate")
    explosion = _explosion(history, n_classes)
    if explosion is not None:
        worst, epoch = explosion
        return tr("the loss exploded to {worst:.4g} in epoch {epoch} (a uniform guess has "
                  "{uniform:.2f}); try a smaller learning rate",
                  worst=worst, epoch=epoch, uniform=math.log(n_classes))
    chance = 1.0 / n_classes
    accuracy = (history.get("val_accuracy") or history["accuracy"])[-1]
    if accuracy < chance + CHANCE_MARGIN * (1 - chance):
        return tr("the final accuracy {accuracy:.1%} is near chance ({chance:.0%}): the network "
                  "learned next to nothing; try another learning rate or more epochs",
                  accuracy=accuracy, chance=chance)
    return None


def _explosion(history: dict[str, list[float]], n_classes: int) -> tuple[float, int] | None:
    """(largest loss, its epoch, 1-based) when every loss is finite and one exceeds
    ``EXPLODED_LOSS_FACTOR * log(n_classes)``; ``None`` otherwise."""
    losses = [*history.get("loss", []), *history.get("val_loss", [])]
    if not history.get("loss") or not all(np.isfinite(losses)):
        return None
    worst = max(losses)
    if worst <= EXPLODED_LOSS_FACTOR * math.log(n_classes):
        return None
    epoch = 1 + int(np.argmax(np.maximum(history["loss"],
                                         history.get("val_loss", history["loss"]))))
    return worst, epoch


def describe_run(history: dict[str, list[float]], settings: Settings) -> str:
    """One line summarising a run: the settings and the last epoch's numbers.

    A loss that is NaN or infinite is reported as a divergence.
    """
    done = len(history.get("loss", []))
    head = tr("{optimizer}, learning rate {learning_rate:.2g}, {hidden_units} hidden units, L2 "
              "{l2:g}, dropout {dropout:.1f}",
              optimizer=tr_text(_OPTIMIZER_LABELS[settings.optimizer]),
              learning_rate=settings.learning_rate, hidden_units=settings.hidden_units,
              l2=settings.l2, dropout=settings.dropout)
    if done == 0:
        return tr("{head}: not trained yet.", head=head)
    loss = history["loss"][-1]
    if not np.isfinite(loss):
        return tr("{head}: diverged in epoch {epoch} (the loss became NaN or infinite); try a "
                  "smaller learning rate.", head=head, epoch=done)
    line = tr("{head} -- after {epochs} epochs: training loss {loss:.4f}, training accuracy "
              "{accuracy:.1%}", head=head, epochs=done, loss=loss, accuracy=history["accuracy"][-1])
    if history.get("val_accuracy"):
        line += tr(", validation loss {loss:.4f}, validation accuracy {accuracy:.1%}",
                   loss=history["val_loss"][-1], accuracy=history["val_accuracy"][-1])
    return line + "."


def playground_data(dataset: str = "mnist-5k", n_train: int = 2000, n_val: int = 500,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A small stratified training/validation split for the playground.

    Pixels are flattened and scaled to [0, 1] (float32). The validation images
    come from the training part of the dataset (the test set stays untouched).

    Returns:
        ``X_train (n_train, 784)``, ``y_train (n_train,)``, ``X_val (n_val, 784)``, ``y_val``.
    """
    from course_utils.data import load_dataset
    from course_utils.preprocessing import flatten, scale_to_unit, stratified_split

    data = load_dataset(dataset)
    X = scale_to_unit(flatten(data.train_images))
    y = data.train_labels
    if not (isinstance(n_train, int) and isinstance(n_val, int) and n_train >= 10
            and n_val >= 10 and n_train + n_val <= len(X)):
        raise ValueError(tr("n_train and n_val must be integers >= 10 with n_train + n_val <= "
                            "{size} (the size of {dataset!r}'s training set); got {n_train!r} and "
                            "{n_val!r}.",
                            size=len(X), dataset=dataset, n_train=n_train, n_val=n_val))
    X_rest, X_val, y_rest, y_val = stratified_split(X, y, val_fraction=n_val / len(X), seed=seed)
    if n_train < len(X_rest):
        X_rest, _, y_rest, _ = stratified_split(X_rest, y_rest,
                                                val_fraction=1 - n_train / len(X_rest), seed=seed)
    return X_rest, y_rest, X_val, y_val


class TrainingPlayground(widgets.VBox):
    """The controls, the Train button, a progress bar, the live plot and a status line.

    Build it with :func:`training_playground`. ``train()`` is the Train button's
    callback; call it directly to train with the current control values.

    Attributes:
        learning_rate: ``FloatLogSlider`` (1e-4 .. 1).
        optimizer: ``Dropdown`` of :data:`course_utils.optimizers.OPTIMIZERS`.
        hidden_units, l2: ``SelectionSlider``\\ s over :data:`HIDDEN_CHOICES`, :data:`L2_CHOICES`.
        dropout: ``FloatSlider`` (0 .. 0.8); epochs: ``IntSlider`` (1 .. ``max_epochs``).
        log_loss: ``Checkbox``: loss axis on a log scale (ticked automatically after an
            explosion).
        train_button: ``Button``; progress: ``IntProgress`` (epochs done, red after a
            failed run); status: ``HTML`` line; plot: ``Output`` with the figure.
        model_: the network of the last run; history_: its ``history_``;
        failure_: why the last run failed (a sentence), or ``None``;
        runs_: number of runs so far; redraws_: number of plot redraws so far;
        ignored_clicks_: clicks on Train ignored because they came during a run.
    """

    def __init__(self, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                 y_val: np.ndarray, max_epochs: int = 20, seed: int = 0) -> None:
        self.X_train, self.y_train, self.X_val, self.y_val = X_train, y_train, X_val, y_val
        self.seed = seed
        self.n_classes = int(max(y_train.max(), y_val.max())) + 1
        default = Settings()
        style = {"description_width": "110px"}
        layout = widgets.Layout(width="420px")
        self.learning_rate = widgets.FloatLogSlider(
            value=default.learning_rate, base=10, min=-4, max=0, step=0.25,
            description=tr("learning rate"), readout_format=".0e", continuous_update=False,
            style=style, layout=layout)
        self.optimizer = widgets.Dropdown(
            options=[(tr_text(_OPTIMIZER_LABELS[name]), name) for name in OPTIMIZERS],
            value=default.optimizer, layout=widgets.Layout(width="306px"))
        self.hidden_units = widgets.SelectionSlider(
            options=list(HIDDEN_CHOICES), value=default.hidden_units,
            description=tr("hidden units"), continuous_update=False, style=style, layout=layout)
        self.l2 = widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in L2_CHOICES], value=default.l2, description="L2",
            continuous_update=False, style=style, layout=layout)
        self.dropout = widgets.FloatSlider(
            value=default.dropout, min=0.0, max=0.8, step=0.1, description=tr("dropout"),
            readout_format=".1f", continuous_update=False, style=style, layout=layout)
        self.epochs = widgets.IntSlider(
            value=min(default.epochs, max_epochs), min=1, max=max_epochs, description=tr("epochs"),
            continuous_update=False, style=style, layout=layout)
        self.log_loss = widgets.Checkbox(value=False, description=tr("loss on a log scale"),
                                         indent=False)
        self.train_button = widgets.Button(description=tr("Train"), button_style="primary",
                                           icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=self.epochs.value,
                                            description=tr("epoch 0"), style=style, layout=layout)
        self.status = widgets.HTML(value=tr("Choose settings and press <b>Train</b>."),
                                   tooltip=tr("The last run's settings and results."))
        self.plot = widgets.Output()
        for name, tooltip in TOOLTIPS.items():
            getattr(self, name).tooltip = tr_text(tooltip)
        optimizer_row = with_label(self.optimizer, tr("optimiser"), tr_text(TOOLTIPS["optimizer"]))
        self.model_: MLP | None = None
        self.history_: dict[str, list[float]] = {}
        self.failure_: str | None = None
        self.runs_ = 0
        self.redraws_ = 0
        self.ignored_clicks_ = 0
        self._settings = default
        self._running = False
        self._ended_at = -math.inf
        self._clock = time.monotonic  # replaceable in tests
        self._figure_png: bytes | None = None
        self._warnings: list[str] = []
        self.train_button.on_click(self._on_click)
        self.log_loss.observe(self._on_log_scale, names="value")
        controls = widgets.VBox([self.learning_rate, optimizer_row, self.hidden_units, self.l2,
                                 self.dropout, self.epochs])
        super().__init__([controls, widgets.HBox([self.train_button, self.progress]),
                          self.status, self.log_loss, self.plot])

    def __repr__(self) -> str:
        # Shown where widgets cannot run (a notebook viewed on GitHub, a terminal); at most
        # 110 characters, ipywidgets' limit for the plain-text fallback.
        if not self.history_.get("loss"):
            return tr("Training playground, not trained yet (run the notebook to use it)")
        return f"Training playground after run {self.runs_}: {self._short_result()}"[:110]

    def _short_result(self) -> str:
        if self.failure_:
            return tr("failed, {reason}", reason=self.failure_.split(";")[0])
        if self.history_.get("val_accuracy"):
            return tr("{epochs} epochs, validation accuracy {accuracy:.1%}",
                      epochs=len(self.history_["loss"]), accuracy=self.history_["val_accuracy"][-1])
        return tr("{epochs} epochs, accuracy {accuracy:.1%}",
                  epochs=len(self.history_["loss"]), accuracy=self.history_["accuracy"][-1])

    def _repr_mimebundle_(self, **kwargs):
        # Besides the widget view, the last run's figure as a PNG: a saved or untrusted copy
        # of the notebook (GitHub, a fresh JupyterLab) shows the result instead of nothing.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self._figure_png is not None:
            bundle["image/png"] = base64.b64encode(self._figure_png).decode("ascii")
        return bundle

    def settings(self) -> Settings:
        """The hyper-parameters currently set on the controls."""
        return Settings(learning_rate=float(self.learning_rate.value),
                        optimizer=self.optimizer.value,
                        hidden_units=int(self.hidden_units.value), l2=float(self.l2.value),
                        dropout=round(float(self.dropout.value), 2),
                        epochs=int(self.epochs.value))

    def _on_click(self, _button) -> None:
        # The button is disabled from the kernel, which the browser learns only after the
        # first click's message has arrived: a double click sends a second click, which
        # waits in the kernel's queue until the first run ends, then arrives at once.
        if self._running or self._clock() - self._ended_at < CLICK_DEBOUNCE_SECONDS:
            self.ignored_clicks_ += 1
            return
        try:
            self.train()
        finally:
            self._ended_at = self._clock()  # the kernel turns to queued messages now

    def train(self, _button=None) -> MLP:
        """Train one network with the current settings (the Train button's callback).

        Resets the progress bar, then after every epoch advances it and redraws the
        plot; finally writes the summary -- or why the run failed -- into the status
        line and colours the bar (green: learned, red: failed). A ``FloatingPointError``
        raised by ``fit`` ends the run as a failure with its message. Returns the network.
        """
        self._settings = settings = self.settings()
        self._running = True
        self.train_button.disabled = True  # no second run while this one is going
        self.runs_ += 1
        self.progress.value, self.progress.max = 0, settings.epochs
        self._redraw_at = set(redraw_epochs(settings.epochs))
        self.progress.description = tr("epoch 0 of {epochs}", epochs=settings.epochs)
        self.progress.bar_style = ""
        self.history_, self.failure_ = {}, None
        self.status.value = tr("Run {run}: training ...", run=self.runs_)
        error, model, caught = None, None, []
        try:
            model = make_model(settings, seed=self.seed, callbacks=[self])
            # MLP.fit chooses the BLAS threads itself (one: see course_utils.threads).
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
                    warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                warnings.simplefilter("error", DeprecationWarning)
                model.fit(self.X_train, self.y_train, self.X_val, self.y_val)
        except FloatingPointError as err:
            error = err
        finally:
            self._running = False
            self.train_button.disabled = False
        self.model_ = model
        finished = getattr(error, "history", None)   # the epochs before a divergence
        self.history_ = finished if finished is not None else (
            getattr(model, "history_", None) or self.history_)
        self.failure_ = judge_run(self.history_, self.n_classes)
        if error is not None:
            self.failure_ = tr("training stopped: {error}", error=error)
        # Warnings raised inside a widget callback reach no cell; show them in the status.
        self._warnings = [str(w.message) for w in caught]
        self.progress.bar_style = "danger" if self.failure_ else "success"
        if error is None and _explosion(self.history_, self.n_classes) is not None:
            self.log_loss.value = True  # the spike would flatten the rest of the curve
        if self.history_.get("loss"):
            self._redraw(self.history_, keep_png=True)
        self.status.value = self._status_line(settings)
        return model

    def _status_line(self, settings: Settings) -> str:
        if self.failure_ is None:
            line = tr("Run {run}: {description}", run=self.runs_,
                      description=html.escape(describe_run(self.history_, settings)))
        else:
            done = len(self.history_.get("loss", []))
            line = tr("Run {run}: <b>failed</b> after {done} of {epochs} epochs: {reason}.",
                      run=self.runs_, done=done, epochs=settings.epochs,
                      reason=html.escape(self.failure_))
        for message in self._warnings:
            line += tr("<br>Warning from training: {message}", message=html.escape(message))
        return line

    def on_epoch_end(self, model: MLP, epoch: int, history: dict[str, list[float]]) -> bool:
        """Called by ``MLP.fit`` after every epoch: progress and plot; stop on divergence."""
        self.progress.value = epoch + 1
        self.progress.description = tr("epoch {epoch} of {epochs}",
                                       epoch=epoch + 1, epochs=self._settings.epochs)
        self.history_ = history
        diverged = not np.isfinite(history["loss"][-1])
        last = epoch + 1 == self._settings.epochs
        if (epoch + 1 in self._redraw_at and not last) or diverged:
            self._redraw(history)  # the last epoch is drawn by train(), after judging the run
        return diverged

    def _on_log_scale(self, _change) -> None:
        if self.history_.get("loss") and not self._running:
            self._redraw(self.history_, keep_png=True)

    def _redraw(self, history: dict[str, list[float]], keep_png: bool = False) -> None:
        # The title names the settings only: the progress bar says which epoch is running,
        # and the x axis shows how far the curves go (they are redrawn every few epochs).
        s = self._settings
        title = tr("{optimizer}, learning rate {learning_rate:.2g}",
                   optimizer=tr_text(_OPTIMIZER_LABELS[s.optimizer]), learning_rate=s.learning_rate)
        fig = plot_history(history, title=title)
        if self.log_loss.value:
            ax_loss = fig.axes[0]
            ax_loss.set_yscale("log")
            ax_loss.set_ylabel(tr("cross-entropy loss (log scale)"))
        with self.plot:
            self.plot.clear_output(wait=True)
            display(fig)
        if keep_png:  # the copy shown where widgets do not run (see _repr_mimebundle_)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=72)
            self._figure_png = buffer.getvalue()
        plt.close(fig)
        self.redraws_ += 1


def training_playground(X_train: np.ndarray | None = None, y_train: np.ndarray | None = None,
                        X_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
                        max_epochs: int = 20, seed: int = 0) -> TrainingPlayground:
    """Build the playground; display it as the last line of a notebook cell.

    Without data it uses :func:`playground_data` (2000 training and 500 validation
    images of the embedded MNIST subset).

    Args:
        X_train: ``(n, n_features)`` float32, ``y_train``: ``(n,)`` int labels;
        X_val, y_val: validation data of the same kind (shown as the second curve).
        max_epochs: upper end of the epochs slider (keeps each run short).
        seed: seeds the network, the shuffling and dropout.
    """
    given = [a is not None for a in (X_train, y_train, X_val, y_val)]
    if any(given) and not all(given):
        raise ValueError(tr("Pass all four of X_train, y_train, X_val, y_val, or none of them "
                            "(then the embedded MNIST subset is used)."))
    if not any(given):
        X_train, y_train, X_val, y_val = playground_data(seed=seed)
    for name, X, y in (("train", X_train, y_train), ("val", X_val, y_val)):
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype != np.float32:
            raise ValueError(tr("X_{name} must be a float32 array (n_samples, n_features), got "
                                "{dtype} of shape {shape}; use scale_to_unit(flatten(images)).",
                                name=name, dtype=getattr(X, 'dtype', type(X).__name__),
                                shape=getattr(X, 'shape', None)))
        y = np.asarray(y)
        if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(tr("y_{name} must hold {n} integer labels, shape ({n},), to match "
                                "X_{name} {shape_x}; got shape {shape}, dtype {dtype}.",
                                name=name, n=len(X), shape_x=X.shape, shape=y.shape, dtype=y.dtype))
    if X_train.shape[1] != X_val.shape[1]:
        raise ValueError(tr("X_train {train_shape} and X_val {val_shape} must have the same "
                            "number of features.",
                            train_shape=X_train.shape, val_shape=X_val.shape))
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or not 1 <= max_epochs <= 50:
        raise ValueError(tr("max_epochs must be an integer in 1..50 (runs must stay short), got "
                            "{max_epochs!r}.", max_epochs=max_epochs))
    return TrainingPlayground(X_train, y_train, X_val, y_val, max_epochs, seed)
