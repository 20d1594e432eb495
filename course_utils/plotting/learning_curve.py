"""Learning curves: test accuracy (%) against training-set size, seeds per size (notebook 05).

Each curve is drawn as the mean over its seeds with an error bar of ± one standard
deviation, on a logarithmic size axis labelled with the sizes actually trained
(250, 500, ... rather than powers of ten). Colours come from
:mod:`course_utils.plotting.palette`: one curve per dataset, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from course_utils.i18n import tr
from course_utils.plotting.palette import OKABE_ITO

#: Curve colours, in order (colour-blind safe; no red/green pair).
CURVE_COLORS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish green"],
                OKABE_ITO["reddish purple"])
_MARKERS = ("o", "s", "^", "D")


@dataclass(frozen=True)
class Curve:
    """One learning curve: ``accuracy[i, j]`` (in [0, 1]) at ``sizes[i]`` for seed ``j``."""

    sizes: Sequence[int]
    accuracy: np.ndarray
    label: str


def plot_learning_curves(curves: Sequence[Curve], title: str | None = None,
                         mark: int | None = None, mark_label: str | None = None) -> Figure:
    """Draw each curve as mean ± sd over its seeds, accuracy in %, sizes on a log axis.

    Args:
        curves: one or more :class:`Curve`; every ``accuracy`` has shape
            ``(len(sizes), n_seeds)`` with ``n_seeds >= 2``.
        title: figure title (default "Learning curves").
        mark: a training-set size to mark with a dotted vertical line (e.g. 4,000).
        mark_label: its legend entry.
    """
    if not curves or len(curves) > len(CURVE_COLORS):
        raise ValueError(tr("plot_learning_curves draws 1 to {n_curve_colors} curves, got "
                            "{n_curves}.", n_curve_colors=len(CURVE_COLORS), n_curves=len(curves)))
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ticks = set()
    for curve, color, marker in zip(curves, CURVE_COLORS, _MARKERS, strict=False):
        acc = np.asarray(curve.accuracy, dtype=float)
        if acc.ndim != 2 or acc.shape[0] != len(curve.sizes) or acc.shape[1] < 2:
            raise ValueError(tr("plot_learning_curves: curve {label!r} needs accuracy of shape "
                                "(len(sizes), n_seeds >= 2) = ({n}, >= 2), got {shape}.",
                                label=curve.label, n=len(curve.sizes), shape=acc.shape))
        ax.errorbar(curve.sizes, 100 * acc.mean(axis=1), yerr=100 * acc.std(axis=1, ddof=1),
                    marker=marker, capsize=3, color=color,
                    label=tr("{label} (mean ± sd of {n_seeds} seeds)", label=curve.label,
                             n_seeds=acc.shape[1]))
        ticks.update(int(n) for n in curve.sizes)
    if mark is not None:
        ax.axvline(mark, color=OKABE_ITO["grey"], linestyle=":", label=mark_label)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sorted(ticks)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{n:,}" for n in sorted(ticks)], rotation=45, ha="right")
    ax.set_xlabel(tr("training images (log scale)"))
    ax.set_ylabel(tr("test accuracy (%)"))
    ax.set_title(tr("Learning curves") if title is None else title)
    ax.grid(alpha=0.3)
    # below the axes, so that it never covers a point of a curve
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
