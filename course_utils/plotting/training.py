"""Figures that diagnose training (introduced in notebook 03, *Backpropagation from scratch*).

* :func:`plot_history`             -- loss and accuracy per epoch, training vs validation
* :func:`plot_confusion_matrix`    -- counts of true class (rows) vs predicted class (columns)
* :func:`show_misclassified`       -- a gallery of wrong predictions, most confident first
* :func:`show_first_layer_weights` -- each hidden unit's 784 input weights as a 28 x 28 image

Each function checks its inputs, draws a new figure and returns it. Colours are
the same in every figure: training in ``TRAIN_COLOR``, validation in ``VAL_COLOR``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.plotting.images import _as_image_stack, _grid, _label_text
from course_utils.plotting.palette import OKABE_ITO, SPLIT_COLORS

TRAIN_COLOR = SPLIT_COLORS["training"]
VAL_COLOR = SPLIT_COLORS["validation"]


def plot_history(history: Mapping[str, Sequence[float]], title: str | None = None, *,
                 first_epoch: int = 1) -> Figure:
    """Loss (left) and accuracy (right) per epoch.

    Args:
        history: ``MLP.history_``: lists ``"loss"`` and ``"accuracy"``, and optionally
            ``"val_loss"`` and ``"val_accuracy"``, one number per epoch (accuracy in [0, 1]).
        title: figure title.
        first_epoch: the epoch of the first entry: 1 for ``MLP.history_``; 0 for a history
            whose first entry was measured before training.
    """
    if isinstance(first_epoch, bool) or not isinstance(first_epoch, int) or first_epoch < 0:
        raise ValueError(tr("plot_history: first_epoch must be a non-negative integer (0 or 1), "
                            "got {first_epoch!r}.", first_epoch=first_epoch))
    if not isinstance(history, Mapping) or not {"loss", "accuracy"} <= set(history):
        raise ValueError(tr("plot_history expects a dict with at least 'loss' and 'accuracy' "
                            "lists (the history_ of a fitted MLP)."))
    n_epochs = len(history["loss"])
    if n_epochs == 0:
        raise ValueError(tr("plot_history: the history is empty; train for at least one epoch."))
    for key in ("accuracy", "val_loss", "val_accuracy"):
        if key in history and len(history[key]) != n_epochs:
            raise ValueError(tr("plot_history: '{key}' has {n} entries but 'loss' has "
                                "{n_epochs}; all lists need one entry per epoch.", key=key,
                                n=len(history[key]), n_epochs=n_epochs))
    epochs = np.arange(first_epoch, first_epoch + n_epochs)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, key, label, axes_title in (
            (ax_loss, "loss", tr("cross-entropy loss"), tr("Loss per epoch")),
            (ax_acc, "accuracy", tr("accuracy (%)"), tr("Accuracy per epoch"))):
        scale = 100.0 if key == "accuracy" else 1.0
        ax.plot(epochs, scale * np.asarray(history[key]), "o-", color=TRAIN_COLOR, ms=3,
                label=tr("training"))
        if f"val_{key}" in history:
            ax.plot(epochs, scale * np.asarray(history[f"val_{key}"]), "s-", color=VAL_COLOR,
                    ms=3, label=tr("validation"))
        ax.set_xlabel(tr("epoch"))
        ax.set_ylabel(label)
        ax.set_title(axes_title)
        ax.grid(alpha=0.3)
        ax.legend()
        if n_epochs <= 20:
            ax.set_xticks(epochs)
    fig.suptitle(title or tr("Training history"))
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str] | None = None,
                          title: str | None = None, cmap: str = "Blues",
                          normalize: bool = True) -> Figure:
    """Show a confusion matrix: colour = share of each true class, with the counts written in.

    With ``normalize=True`` (the default) the colour of cell ``[t, p]`` is the fraction of
    class ``t``'s samples predicted as ``p`` (each row sums to 1), and the diagonal -- the
    correct predictions -- is drawn in grey, so that the colour scale is spent on the
    errors: a 3 % confusion stands out instead of vanishing next to a 95 % diagonal.
    With ``normalize=False`` the colours are the raw counts, diagonal included.

    Args:
        cm: ``(k, k)`` integer counts, ``cm[true, predicted]``
            (:func:`course_utils.metrics.confusion_matrix`).
        class_names: ``k`` names for the axes (default ``0..k-1``).
        normalize: colour by row share with the diagonal masked (True) or by count (False).
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or not np.issubdtype(cm.dtype, np.integer):
        raise ValueError(tr("plot_confusion_matrix expects a square integer matrix (k, k), got "
                            "shape {shape} and dtype {dtype}.", shape=cm.shape, dtype=cm.dtype))
    k = cm.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(tr("plot_confusion_matrix: {n_names} class names for a {k} x {k} matrix.",
                            n_names=len(names), k=k))
    fig, ax = plt.subplots(figsize=(0.55 * k + 2.5, 0.55 * k + 2))
    if normalize:
        rows = cm.sum(axis=1, keepdims=True)
        shares = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
        off_diagonal = np.ma.masked_where(np.eye(k, dtype=bool), shares)
        colours = plt.get_cmap(cmap).with_extremes(bad="#d9d9d9")
        image = ax.imshow(off_diagonal, cmap=colours, vmin=0)
        fig.colorbar(image, ax=ax, label=tr("share of the true class (errors only)"))
        shown = off_diagonal.filled(0.0)
    else:
        image = ax.imshow(cm, cmap=cmap)
        fig.colorbar(image, ax=ax, label=tr("number of samples"))
        shown = cm
    threshold = shown.max() / 2 if shown.size else 0
    for t in range(k):
        for p in range(k):
            dark = shown[t, p] > threshold and not (normalize and t == p)
            ax.text(p, t, str(cm[t, p]), ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.set_xticks(range(k), names, rotation=45 if max(map(len, names)) > 2 else 0, ha="right"
                  if max(map(len, names)) > 2 else "center")
    ax.set_yticks(range(k), names)
    ax.set_xlabel(tr("predicted class"))
    ax.set_ylabel(tr("true class"))
    ax.set_title(title or tr("Confusion matrix"))
    fig.tight_layout()
    return fig


def show_misclassified(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                       proba: np.ndarray | None = None,
                       class_names: Sequence[str] | None = None, n: int = 16, ncols: int = 8,
                       title: str | None = None) -> Figure:
    """A gallery of misclassified images, titled "true -> predicted".

    Args:
        images: ``(n_samples, 28, 28)`` or ``(n_samples, 784)`` pixels.
        y_true, y_pred: ``(n_samples,)`` integer labels.
        proba: optional ``(n_samples, n_classes)`` predicted probabilities; then the most
            confident mistakes come first and each title shows the confidence.
        n: show at most this many mistakes (default 16); otherwise in data order.
    """
    who = "show_misclassified"
    images = _as_image_stack(images, who)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != (len(images),) or y_pred.shape != (len(images),):
        raise ValueError(tr("{who}: images {images_shape}, y_true {y_true_shape} and y_pred "
                            "{y_pred_shape} must describe the same number of samples.", who=who,
                            images_shape=images.shape, y_true_shape=y_true.shape,
                            y_pred_shape=y_pred.shape))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(tr("{who}: n must be a positive integer, got {n!r}.", who=who, n=n))
    wrong = np.flatnonzero(y_true != y_pred)
    if proba is not None:
        proba = np.asarray(proba)
        if proba.ndim != 2 or len(proba) != len(images) or y_pred.max() >= proba.shape[1]:
            raise ValueError(tr("{who}: proba must have shape (n_samples, n_classes) with "
                                "n_samples = {n_images}, got {shape}.", who=who,
                                n_images=len(images), shape=proba.shape))
        confidence = proba[wrong, y_pred[wrong]]
        wrong = wrong[np.argsort(-confidence, kind="stable")]
    wrong = wrong[:n]
    if len(wrong) == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.set_axis_off()
        ax.text(0.5, 0.5, tr("no misclassified images"), ha="center", va="center")
        ax.set_title(title or tr("Misclassified images"))
        return fig
    fig, axes = _grid(len(wrong), ncols, 1.4, who)
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        text = (f"{_label_text(int(y_true[i]), class_names, who)} → "
                f"{_label_text(int(y_pred[i]), class_names, who)}")
        if proba is not None:
            text += f"\n({proba[i, y_pred[i]]:.0%})"
        ax.set_title(text, fontsize=8, color=OKABE_ITO["vermillion"])
    fig.suptitle(title or (tr("Misclassified: true → predicted (confidence)")
                           if proba is not None else tr("Misclassified: true → predicted")))
    fig.tight_layout()
    return fig


def show_first_layer_weights(W: np.ndarray, n: int = 16, ncols: int = 8,
                             image_shape: tuple[int, int] = (28, 28),
                             title: str | None = None,
                             colorbar_label: str | None = None) -> Figure:
    """Each hidden unit's input weights (a column of ``W``) drawn as an image.

    Red pixels push the unit's pre-activation up, blue pixels push it down; one
    symmetric colour scale centred at 0 is shared by all panels, so they can be
    compared.

    Args:
        W: ``(784, n_hidden)`` first-layer weights (``model.coefs_[0]``), or
            ``(784, 10)`` for softmax regression (digit templates).
        n: show the first ``n`` units (columns).
        colorbar_label: what the colours measure (default "weight"); say so when ``W`` is
            not the weights themselves, e.g. ``"change of weight in training"`` for trained
            minus initial.
    """
    W = np.asarray(W)
    h, w = image_shape
    if W.ndim != 2 or W.shape[0] != h * w:
        hint = " " + tr("(did you pass W.T? W is (fan_in, fan_out))") if W.ndim == 2 and \
            W.shape[1] == h * w else ""
        raise ValueError(tr("show_first_layer_weights expects W of shape ({n_pixels}, n_units), "
                            "got {shape}{hint}.", n_pixels=h * w, shape=W.shape, hint=hint))
    if not np.issubdtype(W.dtype, np.floating) or not np.isfinite(W).all():
        raise ValueError(tr("show_first_layer_weights expects finite floating-point weights."))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(tr("show_first_layer_weights: n must be a positive integer, got {n!r}.",
                            n=n))
    n = min(int(n), W.shape[1])
    limit = float(np.abs(W[:, :n]).max()) or 1.0
    fig, axes = _grid(n, ncols, 1.3, "show_first_layer_weights")
    for unit, ax in zip(range(n), axes.flat, strict=False):
        image = ax.imshow(W[:, unit].reshape(h, w), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(tr("unit {unit}", unit=unit), fontsize=8)
    fig.suptitle(title or tr("First-layer weights of each unit (red > 0 > blue)"))
    fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8,
                 label=tr("weight") if colorbar_label is None else colorbar_label)
    return fig
