"""Labelled points in two dimensions, such as images projected onto two principal components
(introduced in notebook 01, *Exploring MNIST*).

:func:`plot_projection` draws each class in its own colour *and* marker
(:func:`course_utils.plotting.palette.class_styles`) and writes the class's name at the
median of its points, so that the picture reads without a legend and without telling
colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.plotting.palette import class_styles


def plot_projection(points: np.ndarray, labels: np.ndarray,
                    class_names: Sequence[str] | None = None, *, title: str,
                    xlabel: str | None = None, ylabel: str | None = None,
                    ax: plt.Axes | None = None) -> Figure:
    """Scatter ``(n, 2)`` points, one colour and marker per class, names at the class medians.

    Args:
        points: ``(n, 2)`` coordinates, e.g. ``X_centred @ Vt[:2].T``.
        labels: ``(n,)`` integer classes ``0..k-1``.
        class_names: ``k`` names (default: the class numbers).
        title, xlabel, ylabel: what the figure and its axes show (default axes: the first
            and second principal component).
        ax: draw into these axes instead of a new figure.

    Returns:
        The figure.
    """
    points, labels = np.asarray(points), np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(tr("plot_projection expects points of shape (n, 2), got {shape}; "
                            "project onto two directions first (X @ Vt[:2].T).",
                            shape=points.shape))
    if labels.shape != (len(points),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(tr("plot_projection expects integer labels of shape ({n_points},), got "
                            "{dtype} of shape {shape}.", n_points=len(points), dtype=labels.dtype,
                            shape=labels.shape))
    k = int(labels.max()) + 1 if labels.size else 0
    names = [str(c) for c in range(k)] if class_names is None else list(class_names)
    if len(names) < k:
        raise ValueError(tr("plot_projection: labels go up to {top} but only {n_names} class "
                            "names were given.", top=k - 1, n_names=len(names)))
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 5.5))
    else:
        fig = ax.figure
    for c, (colour, marker) in enumerate(class_styles(len(names))):
        members = points[labels == c]
        if len(members) == 0:
            continue
        ax.scatter(*members.T, s=8, alpha=0.45, color=colour, marker=marker, linewidths=0,
                   label=names[c])
        ax.annotate(names[c], np.median(members, axis=0), ha="center", va="center",
                    fontsize=9, weight="bold",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "alpha": 0.85})
    ax.set_xlabel(tr("first principal component") if xlabel is None else xlabel)
    ax.set_ylabel(tr("second principal component") if ylabel is None else ylabel)
    ax.set_title(title)
    ax.legend(title=tr("class"), markerscale=3, fontsize=8, loc="center left",
              bbox_to_anchor=(1, 0.5))
    fig.tight_layout()
    return fig
