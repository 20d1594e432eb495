"""Figures that compare training runs (introduced in notebook 04).

* :func:`plot_lr_sweep`        -- small multiples: one column per learning rate, one line per
  optimiser, training loss above and validation accuracy below;
* :func:`plot_histories`       -- several runs' loss (training dashed, validation solid) and
  validation accuracy per epoch;
* :func:`plot_seed_spread`     -- one result per seed for each set-up, with mean and standard
  deviation (is a difference larger than the spread between seeds?);
* :func:`plot_mean_and_spread` -- mean +- standard deviation over seeds against a setting;
* :func:`plot_schedules`       -- learning rate per epoch of several schedules.

Each function checks its inputs, draws a new figure and returns it. Accuracies are given
as fractions in [0, 1] and drawn in %; epochs are numbered from 1 with integer ticks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_utils.i18n import tr
from course_utils.plotting.palette import OKABE_ITO, SPLIT_COLORS

_DEFAULT_ORDER = ("blue", "orange", "bluish green", "vermillion", "sky blue", "reddish purple",
                  "black", "grey", "yellow")


def _colors_for(labels, colors: Mapping[str, str] | None) -> dict[str, str]:
    colors = dict(colors or {})
    free = [OKABE_ITO[name] for name in _DEFAULT_ORDER if OKABE_ITO[name] not in colors.values()]
    return {label: colors.get(label) or free[i % len(free)] for i, label in enumerate(labels)}


def _check_history(label, history, keys=("loss", "val_loss", "val_accuracy")) -> int:
    if not isinstance(history, Mapping) or not set(keys) <= set(history):
        raise ValueError(tr("the run {label!r} needs a history with {keys} (an MLP's history_ "
                            "after fit with validation data).", label=label, keys=", ".join(keys)))
    n = len(history[keys[0]])
    if n == 0 or any(len(history[key]) != n for key in keys):
        raise ValueError(tr("the run {label!r}: every list of its history needs one entry per "
                            "epoch, at least one.", label=label))
    return n


def _epoch_axis(ax) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(tr("epoch"))
    ax.grid(alpha=0.3)


def plot_lr_sweep(histories: Mapping[tuple[str, float], Mapping | None],
                  learning_rates: Sequence[float], optimizers: Mapping[str, str],
                  colors: Mapping[str, str] | None = None, loss_limit: float = 2.5,
                  title: str | None = None) -> Figure:
    """Small multiples of a learning-rate sweep: each column one learning rate.

    Args:
        histories: ``{(optimizer key, learning rate): history_ or None}``; ``None`` marks a
            run that diverged (its loss became non-finite), drawn as the word "diverged".
        learning_rates: the columns, in order.
        optimizers: ``{optimizer key: name shown}``, e.g. ``{"sgd": "SGD", "adam": "Adam"}``.
        colors: ``{name shown: colour}`` (e.g. ``OPTIMIZER_COLORS``).
        loss_limit: top of the loss axis; larger losses are cut off (the text says so).
        title: figure title.
    """
    if not learning_rates or not optimizers:
        raise ValueError(tr("plot_lr_sweep needs at least one learning rate and one optimiser."))
    missing = [(key, lr) for key in optimizers for lr in learning_rates
               if (key, lr) not in histories]
    if missing:
        raise ValueError(tr("plot_lr_sweep: no run for {missing}; histories needs an entry (a "
                            "history_ or None) for every optimiser and learning rate.",
                            missing=missing[:3]))
    palette = _colors_for(list(optimizers.values()), colors)
    fig, axes = plt.subplots(2, len(learning_rates), figsize=(2.9 * len(learning_rates), 5.6),
                             sharey="row", sharex=True, squeeze=False)
    for col, lr in enumerate(learning_rates):
        ax_loss, ax_acc = axes[0, col], axes[1, col]
        for row, (key, name) in enumerate(optimizers.items()):
            history, color = histories[key, lr], palette[name]
            if history is None:
                for ax in (ax_loss, ax_acc):
                    ax.text(0.5, 0.75 - 0.15 * row, tr("{name}: diverged", name=name), color=color,
                            ha="center", transform=ax.transAxes, fontsize=9)
                continue
            n = _check_history((key, lr), history, ("loss", "val_accuracy"))
            epochs = np.arange(1, n + 1)
            ax_loss.plot(epochs, np.minimum(history["loss"], loss_limit), "o-", ms=2.5,
                         color=color, label=name)
            ax_acc.plot(epochs, 100 * np.asarray(history["val_accuracy"]), "o-", ms=2.5,
                        color=color, label=name)
        ax_loss.set_title(tr("learning rate {lr:g}", lr=lr))
        ax_loss.set_ylim(0, loss_limit)
        ax_acc.set_ylim(0, 100)
        for ax in (ax_loss, ax_acc):
            _epoch_axis(ax)
    axes[0, 0].set_ylabel(tr("training loss (cut at {limit:g})", limit=loss_limit))
    axes[1, 0].set_ylabel(tr("validation accuracy (%)"))
    handles = [plt.Line2D([], [], color=palette[name], marker="o", ms=3, label=name)
               for name in optimizers.values()]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle(title or tr("Learning-rate sweep"))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_histories(histories: Mapping[str, Mapping], colors: Mapping[str, str] | None = None,
                   title: str | None = None, loss_ylim: tuple[float, float] | None = None,
                   accuracy_ylim: tuple[float, float] | None = None) -> Figure:
    """Loss (training dashed, validation solid) and validation accuracy of several runs.

    Args:
        histories: ``{label: history_}``, each with ``loss``, ``val_loss``, ``val_accuracy``.
        colors: ``{label: colour}``; default Okabe-Ito colours in order.
        title: figure title; loss_ylim, accuracy_ylim: optional axis ranges (accuracy in %).
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError(tr("plot_histories expects a non-empty dict {label: history_}."))
    for label, history in histories.items():
        _check_history(label, history)
    palette = _colors_for(list(histories), colors)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(12, 4.2))
    for label, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax_loss.plot(epochs, history["loss"], "--", color=palette[label])
        ax_loss.plot(epochs, history["val_loss"], "-", color=palette[label], label=label)
        ax_acc.plot(epochs, 100 * np.asarray(history["val_accuracy"]), "-", color=palette[label],
                    label=label)
    ax_loss.set(title=tr("Loss (dashed: training, solid: validation)"),
                ylabel=tr("cross-entropy"))
    ax_acc.set(title=tr("Validation accuracy"), ylabel=tr("accuracy (%)"))
    if loss_ylim:
        ax_loss.set_ylim(*loss_ylim)
    if accuracy_ylim:
        ax_acc.set_ylim(*accuracy_ylim)
    for ax in (ax_loss, ax_acc):
        _epoch_axis(ax)
    handles, labels = ax_acc.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), frameon=False)
    fig.suptitle(title or tr("Training runs compared"))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_seed_spread(results: Mapping[str, Sequence[float]], title: str | None = None,
                     xlabel: str | None = None, ylabel: str | None = None,
                     color: str = SPLIT_COLORS["validation"]) -> Figure:
    """One dot per seed for each set-up, with the mean and +- one standard deviation.

    Args:
        results: ``{set-up label: [accuracy of each seed]}``, fractions in [0, 1], at least
            two seeds each.
        title, xlabel, ylabel: texts (default "set-up" and "validation accuracy (%)");
            color: the dots' colour.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError(tr("plot_seed_spread expects a non-empty dict {label: per-seed "
                            "results}."))
    values = {label: 100 * np.asarray(v, dtype=np.float64) for label, v in results.items()}
    for label, v in values.items():
        if v.ndim != 1 or len(v) < 2:
            raise ValueError(tr("plot_seed_spread: {label!r} needs at least two per-seed results "
                                "(a spread), got {shape}.", label=label, shape=v.shape))
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(values)), 4))
    for i, v in enumerate(values.values()):
        ax.plot(np.full(len(v), i) + np.linspace(-0.08, 0.08, len(v)), v, "o", color=color,
                alpha=0.7, label=tr("one seed") if i == 0 else None)
        ax.errorbar(i + 0.25, v.mean(), yerr=v.std(ddof=1), fmt="s", color=OKABE_ITO["black"],
                    capsize=4, label=tr("mean ± sd") if i == 0 else None)
    ax.set_xticks(range(len(values)), list(values))
    ax.set(title=title or tr("Results over seeds"),
           xlabel=tr("set-up") if xlabel is None else xlabel,
           ylabel=tr("validation accuracy (%)") if ylabel is None else ylabel)
    ax.set_xlim(-0.5, len(values) - 0.3)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return fig


def plot_mean_and_spread(series: Mapping[str, Mapping[str, Sequence[float]]], xlabel: str,
                         ylabel: str, title: str | None = None,
                         colors: Mapping[str, str] | None = None,
                         reference: tuple[float, float] | None = None,
                         reference_label: str | None = None, percent: bool = True) -> Figure:
    """Mean +- standard deviation over seeds against a setting, one line per series.

    Args:
        series: ``{label: {"x": [...], "mean": [...], "sd": [...]}}``, equal lengths.
        xlabel, ylabel, title: texts.
        colors: ``{label: colour}``.
        reference: optional ``(mean, sd)`` drawn as a horizontal band (e.g. no regularisation);
            reference_label: its legend entry (default "reference").
        percent: means and sds are fractions, drawn in %.
    """
    if not isinstance(series, Mapping) or not series:
        raise ValueError(tr("plot_mean_and_spread expects a non-empty dict {label: {'x', "
                            "'mean', 'sd'}}."))
    scale = 100.0 if percent else 1.0
    palette = _colors_for(list(series), colors)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    if reference is not None:
        mean, sd = (scale * float(v) for v in reference)
        ax.axhspan(mean - sd, mean + sd, color=OKABE_ITO["grey"], alpha=0.25,
                   label=tr("{reference} (mean ± sd)",
                            reference=tr("reference") if reference_label is None
                            else reference_label))
        ax.axhline(mean, color=OKABE_ITO["grey"], lw=1)
    for label, data in series.items():
        if not isinstance(data, Mapping) or not {"x", "mean", "sd"} <= set(data):
            raise ValueError(tr("plot_mean_and_spread: {label!r} needs 'x', 'mean' and 'sd'.",
                                label=label))
        x, m, s = (np.asarray(data[k], dtype=np.float64) for k in ("x", "mean", "sd"))
        if not x.shape == m.shape == s.shape or x.ndim != 1 or len(x) == 0:
            raise ValueError(tr("plot_mean_and_spread: {label!r} has x, mean, sd of shapes "
                                "{x_shape}, {m_shape}, {s_shape}; they must be equal and 1-D.",
                                label=label, x_shape=x.shape, m_shape=m.shape, s_shape=s.shape))
        ax.errorbar(x, scale * m, yerr=scale * s, fmt="o-", capsize=3, color=palette[label],
                    label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or tr("Mean and spread over seeds"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return fig


def plot_schedules(rates: Mapping[str, Sequence[float]], colors: Mapping[str, str] | None = None,
                   title: str | None = None) -> Figure:
    """Learning rate per epoch (epoch 1 = the first) of several schedules.

    Args:
        rates: ``{label: [learning rate in epoch 1, 2, ...]}``, e.g. ``Scheduled.lr_history``.
        colors: ``{label: colour}``; title: figure title.
    """
    if not isinstance(rates, Mapping) or not rates:
        raise ValueError(tr("plot_schedules expects a non-empty dict {label: rate per epoch}."))
    palette = _colors_for(list(rates), colors)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    markers = "osD^v<>"
    for i, (label, values) in enumerate(rates.items()):
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 1 or len(v) == 0 or not np.all(np.isfinite(v)) or np.any(v < 0):
            raise ValueError(tr("plot_schedules: {label!r} needs a non-empty list of finite "
                                "learning rates >= 0.", label=label))
        ax.plot(np.arange(1, len(v) + 1), v, marker=markers[i % len(markers)], ms=4,
                color=palette[label], label=label)
    ax.set(ylabel=tr("learning rate"), title=title or tr("Learning-rate schedules"))
    _epoch_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return fig
