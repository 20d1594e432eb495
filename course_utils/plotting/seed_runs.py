"""Several models, several seeds each: every run as a dot, so the spread is seen (notebook 05).

One row per model. Each seed's test accuracy is a dot; the mean is a vertical tick,
and the horizontal bar around it is the 95 % confidence interval of *one* run's
accuracy on this test set (:func:`course_utils.metrics.wilson_interval` at the mean).
Two models whose dots mix and whose bars overlap are not shown apart by these runs.
Rows are coloured by library with :data:`course_utils.plotting.palette.MODEL_COLORS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.metrics import wilson_interval
from course_utils.plotting.palette import OKABE_ITO, color_of


def plot_seed_runs(accuracies: Mapping[str, Sequence[float]], n_test: int,
                   colors: Mapping[str, str] | None = None,
                   title: str = "Test accuracy of every run") -> Figure:
    """Dots per seed, mean and one run's 95 % CI, one row per model (accuracy in %).

    Args:
        accuracies: row label -> test accuracies in [0, 1], one per seed (>= 2 each).
        n_test: the number of test images every accuracy was measured on.
        colors: row label -> a course colour name (``"course MLP"``, ``"MLPClassifier"``,
            see :func:`course_utils.plotting.palette.color_of`); default grey.
    """
    if not accuracies:
        raise ValueError("plot_seed_runs: no models to draw.")
    colors = colors or {}
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(accuracies) + 1.6))
    labels = list(accuracies)
    for row, label in enumerate(labels):
        acc = np.asarray(accuracies[label], dtype=float)
        if acc.ndim != 1 or len(acc) < 2 or not np.all((acc >= 0) & (acc <= 1)):
            raise ValueError(f"plot_seed_runs: {label!r} needs at least 2 accuracies in [0, 1], "
                             f"got {acc.tolist()}.")
        color = color_of(colors[label]) if label in colors else OKABE_ITO["grey"]
        low, high = wilson_interval(round(acc.mean() * n_test), n_test)
        y = len(labels) - 1 - row
        ax.plot([100 * low, 100 * high], [y, y], color=color, linewidth=6, alpha=0.25,
                solid_capstyle="butt", label="one run's 95 % CI" if row == 0 else None)
        ax.plot(100 * acc, np.full(len(acc), y), "o", color=color, markersize=6,
                markeredgecolor="black", markeredgewidth=0.5,
                label="one seed" if row == 0 else None)
        ax.plot([100 * acc.mean()] * 2, [y - 0.3, y + 0.3], color="black", linewidth=1.5,
                label="mean" if row == 0 else None)
    ax.set_yticks(range(len(labels)), labels[::-1])
    ax.set_ylim(-0.8, len(labels) - 0.2 + 0.6)
    ax.set_xlabel(f"test accuracy (%), n = {n_test:,} test images")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncols=3, frameon=False)
    fig.tight_layout()
    return fig
