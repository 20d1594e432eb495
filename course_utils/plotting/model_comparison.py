"""Figures that compare models or settings over several seeds (introduced in notebook 06).

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

from course_utils.plotting.palette import OKABE_ITO, color_of


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
        raise ValueError("plot_model_comparison: no models given.")
    values = {}
    for name in names:
        runs = np.asarray(accuracies[name], dtype=float)
        if runs.ndim != 1 or len(runs) == 0 or np.any((runs < 0) | (runs > 1)):
            raise ValueError(f"plot_model_comparison: {name!r} needs a list of accuracies in "
                             f"[0, 1], one per seed; got {accuracies[name]!r}.")
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
        ax_acc.text(runs.max() + 0.3, row, f"{runs.mean():.1f} % ({runs.min():.1f}–"
                    f"{runs.max():.1f}, {len(runs)} seeds)", va="center", fontsize=8)
    low = min(v.min() for v in values.values())
    high = max(v.max() for v in values.values())
    ax_acc.set_xlim(max(0.0, np.floor(low) - 3), min(100.0, high + 0.35 * (high - low) + 5))
    ax_acc.set(xlabel="test accuracy (%)", title="Test accuracy: mean, range and each seed")
    ax_acc.set_yticks(rows, names)
    ax_acc.invert_yaxis()
    ax_acc.grid(axis="x", alpha=0.3)
    if seconds is not None:
        ax_time = axes[0, 1]
        times = [float(np.mean(seconds[name])) for name in names]
        ax_time.barh(rows, times, color=colors, alpha=0.85)
        ax_time.set(xlabel="training seconds per seed on this machine (mean)",
                    title="Training time")
        ax_time.grid(axis="x", alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves_over_seeds(curves: Mapping[str, Sequence[Sequence[float]]],
                           ylabel: str = "validation accuracy (%)", percent: bool = True,
                           colors: Sequence | None = None, title: str | None = None) -> Figure:
    """One line per setting: the mean over seeds per epoch, with a band from min to max.

    Args:
        curves: setting name -> one curve per seed (each a list with one value per epoch).
        ylabel: label of the y axis.
        percent: multiply by 100 (accuracies in [0, 1] drawn in %).
        colors: one colour per setting; Okabe-Ito colours by default.
        title: axes title.
    """
    if not curves:
        raise ValueError("plot_curves_over_seeds: no curves given.")
    default = [OKABE_ITO[c] for c in ("blue", "orange", "bluish green", "reddish purple",
                                      "sky blue", "vermillion")]
    colors = list(colors) if colors is not None else default
    if len(colors) < len(curves):
        raise ValueError(f"plot_curves_over_seeds: {len(curves)} settings but only "
                         f"{len(colors)} colours.")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for (name, runs), color in zip(curves.items(), colors[:len(curves)], strict=True):
        lengths = {len(run) for run in runs}
        if len(lengths) != 1:
            raise ValueError(f"plot_curves_over_seeds: {name!r} needs one curve per seed, all of "
                             f"the same length; got lengths {sorted(lengths)}.")
        runs = np.asarray(runs, dtype=float) * (100 if percent else 1)
        if runs.ndim != 2:
            raise ValueError(f"plot_curves_over_seeds: {name!r} needs one curve per seed, all of "
                             f"the same length; got an array of shape {runs.shape}.")
        epochs = np.arange(1, runs.shape[1] + 1)
        ax.fill_between(epochs, runs.min(axis=0), runs.max(axis=0), color=color, alpha=0.2)
        ax.plot(epochs, runs.mean(axis=0), "o-", ms=3, color=color,
                label=f"{name} (mean of {len(runs)} seeds; band: min–max)")
    ax.set(xlabel="epoch", ylabel=ylabel, title=title or "")
    ax.set_xticks(np.arange(1, runs.shape[1] + 1, max(1, runs.shape[1] // 10)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
