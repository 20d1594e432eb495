"""Figures that compare models or settings over several seeds (notebooks 05 and 06).

* :func:`plot_seed_runs`         -- test accuracy per model: each seed a dot, the mean and
  one run's 95 % interval (notebook 05)
* :func:`plot_model_comparison`  -- test accuracy per model: mean, min-max bar, each seed
* :func:`plot_curves_over_seeds` -- a metric per epoch: mean line, min-max band per setting

One run of a model is one draw from the spread that its random initialisation and
batch order produce; a comparison shows that spread, so that a difference smaller than
it is not read as a ranking. Models take their colour from
:data:`course_utils.plotting.palette.MODEL_COLORS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.metrics import wilson_interval
from course_utils.plotting.palette import OKABE_ITO, color_of


def plot_seed_runs(accuracies: Mapping[str, Sequence[float]], n_test: int,
                   colors: Mapping[str, str] | None = None,
                   title: str | None = None) -> Figure:
    """Dots per seed, mean and one run's 95 % CI, one row per model (accuracy in %).

    Args:
        accuracies: row label -> test accuracies in [0, 1], one per seed (>= 2 each).
        n_test: the number of test images every accuracy was measured on.
        colors: row label -> a course colour name (``"course MLP"``, ``"MLPClassifier"``,
            see :func:`course_utils.plotting.palette.color_of`); default grey.
        title: axes title (default "Test accuracy of every run").
    """
    if not accuracies:
        raise ValueError(tr("plot_seed_runs: no models to draw."))
    colors = colors or {}
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(accuracies) + 1.6))
    labels = list(accuracies)
    for row, label in enumerate(labels):
        acc = np.asarray(accuracies[label], dtype=float)
        if acc.ndim != 1 or len(acc) < 2 or not np.all((acc >= 0) & (acc <= 1)):
            raise ValueError(tr("plot_seed_runs: {label!r} needs at least 2 accuracies in [0, "
                                "1], got {values}.", label=label, values=acc.tolist()))
        color = color_of(colors[label]) if label in colors else OKABE_ITO["grey"]
        low, high = wilson_interval(round(acc.mean() * n_test), n_test)
        y = len(labels) - 1 - row
        ax.plot([100 * low, 100 * high], [y, y], color=color, linewidth=6, alpha=0.25,
                solid_capstyle="butt", label=tr("one run's 95 % CI") if row == 0 else None)
        ax.plot(100 * acc, np.full(len(acc), y), "o", color=color, markersize=6,
                markeredgecolor="black", markeredgewidth=0.5,
                label=tr("one seed") if row == 0 else None)
        ax.plot([100 * acc.mean()] * 2, [y - 0.3, y + 0.3], color="black", linewidth=1.5,
                label=tr("mean") if row == 0 else None)
    ax.set_yticks(range(len(labels)), labels[::-1])
    ax.set_ylim(-0.8, len(labels) - 0.2 + 0.6)
    ax.set_xlabel(tr("test accuracy (%), n = {n_test:,} test images", n_test=n_test))
    ax.set_title(tr("Test accuracy of every run") if title is None else title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncols=3, frameon=False)
    fig.tight_layout()
    return fig


def plot_model_comparison(accuracies: Mapping[str, Sequence[float]],
                          seconds: Mapping[str, Sequence[float]] | None = None,
                          title: str | None = None) -> Figure:
    """Horizontal bars: test accuracy (%) of each model over its seeds.

    Args:
        accuracies: model name (a key of ``MODEL_COLORS``) -> test accuracy per seed, in [0, 1].
        seconds: optional, model name -> training seconds per seed: drawn in a second panel.
        title: figure title.

    Each bar is the mean; the black line spans the lowest to the highest seed, and every
    seed is a dot. The accuracy axis starts near the lowest value, not at 0, so read the
    numbers, not the bar lengths.
    """
    names = list(accuracies)
    if not names:
        raise ValueError(tr("plot_model_comparison: no models given."))
    values = {}
    for name in names:
        runs = np.asarray(accuracies[name], dtype=float)
        if runs.ndim != 1 or len(runs) == 0 or np.any((runs < 0) | (runs > 1)):
            raise ValueError(tr("plot_model_comparison: {name!r} needs a list of accuracies in "
                                "[0, 1], one per seed; got {value!r}.", name=name,
                                value=accuracies[name]))
        values[name] = 100 * runs
    colors = [color_of(name) for name in names]
    panels = 2 if seconds is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 0.6 * len(names) + 1.6),
                             sharey=True, squeeze=False)
    ax_acc = axes[0, 0]
    rows = np.arange(len(names))
    means = [values[n].mean() for n in names]
    ax_acc.barh(rows, means, color=colors, alpha=0.85)
    for row, name in zip(rows, names, strict=True):
        runs = values[name]
        ax_acc.plot([runs.min(), runs.max()], [row, row], color=OKABE_ITO["black"], lw=1.5)
        ax_acc.plot(runs, np.full(len(runs), row), "o", color=OKABE_ITO["black"], ms=3.5)
        ax_acc.text(runs.max() + 0.3, row, tr("{mean:.1f} % ({low:.1f}–{high:.1f}, {n} seeds)",
                                              mean=runs.mean(), low=runs.min(), high=runs.max(),
                                              n=len(runs)), va="center", fontsize=8)
    low = min(v.min() for v in values.values())
    high = max(v.max() for v in values.values())
    ax_acc.set_xlim(max(0.0, np.floor(low) - 3), min(100.0, high + 0.35 * (high - low) + 5))
    ax_acc.set(xlabel=tr("test accuracy (%)"),
               title=tr("Test accuracy: mean, range and each seed"))
    ax_acc.set_yticks(rows, names)
    ax_acc.invert_yaxis()
    ax_acc.grid(axis="x", alpha=0.3)
    if seconds is not None:
        ax_time = axes[0, 1]
        times = [float(np.mean(seconds[name])) for name in names]
        ax_time.barh(rows, times, color=colors, alpha=0.85)
        ax_time.set(xlabel=tr("training seconds per seed on this machine (mean)"),
                    title=tr("Training time"))
        ax_time.grid(axis="x", alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves_over_seeds(curves: Mapping[str, Sequence[Sequence[float]]],
                           ylabel: str | None = None, percent: bool = True,
                           colors: Sequence | None = None, title: str | None = None) -> Figure:
    """One line per setting: the mean over seeds per epoch, with a band from min to max.

    Args:
        curves: setting name -> one curve per seed (each a list with one value per epoch).
        ylabel: label of the y axis (default "validation accuracy (%)").
        percent: multiply by 100 (accuracies in [0, 1] drawn in %).
        colors: one colour per setting; Okabe-Ito colours by default.
        title: axes title.
    """
    if not curves:
        raise ValueError(tr("plot_curves_over_seeds: no curves given."))
    default = [OKABE_ITO[c] for c in ("blue", "orange", "bluish green", "reddish purple",
                                      "sky blue", "vermillion")]
    colors = list(colors) if colors is not None else default
    if len(colors) < len(curves):
        raise ValueError(tr("plot_curves_over_seeds: {n_curves} settings but only {n_colors} "
                            "colours.", n_curves=len(curves), n_colors=len(colors)))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for (name, runs), color in zip(curves.items(), colors[:len(curves)], strict=True):
        lengths = {len(run) for run in runs}
        if len(lengths) != 1:
            raise ValueError(tr("plot_curves_over_seeds: {name!r} needs one curve per seed, all "
                                "of the same length; got lengths {lengths}.", name=name,
                                lengths=sorted(lengths)))
        runs = np.asarray(runs, dtype=float) * (100 if percent else 1)
        if runs.ndim != 2:
            raise ValueError(tr("plot_curves_over_seeds: {name!r} needs one curve per seed, all "
                                "of the same length; got an array of shape {shape}.", name=name,
                                shape=runs.shape))
        epochs = np.arange(1, runs.shape[1] + 1)
        ax.fill_between(epochs, runs.min(axis=0), runs.max(axis=0), color=color, alpha=0.2)
        ax.plot(epochs, runs.mean(axis=0), "o-", ms=3, color=color,
                label=tr("{name} (mean of {n} seeds; band: min–max)", name=name, n=len(runs)))
    ax.set(xlabel=tr("epoch"), ylabel=tr("validation accuracy (%)") if ylabel is None else ylabel,
           title=title or "")
    ax.set_xticks(np.arange(1, runs.shape[1] + 1, max(1, runs.shape[1] // 10)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
