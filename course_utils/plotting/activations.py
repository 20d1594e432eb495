"""Histograms of each layer's activations, one row per network (introduced in notebook 04).

* :func:`plot_layer_histograms` -- how the signal grows, shrinks or keeps its size from
  layer to layer (initialisation schemes compared on the same input).

Checks its inputs, draws a new figure and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.plotting.palette import OKABE_ITO


def _rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))


def plot_layer_histograms(layers: Mapping[str, Sequence[np.ndarray]],
                          xlabel: str | None = None, title: str | None = None,
                          bins: int = 60) -> Figure:
    """A grid of histograms: one row per network, one column per layer.

    Each row keeps the x-range of its first layer (four times that layer's RMS), so a
    histogram that narrows from left to right is a signal that shrinks and one that spreads
    past the edges is a signal that grows; each panel also prints its RMS.

    Args:
        layers: ``{row label: [layer 1 values, layer 2 values, ...]}``, arrays of any shape,
            the same number of layers in every row.
        xlabel: what the values are (default "pre-activation").
        title: figure title.
        bins: histogram bins per panel.
    """
    if not isinstance(layers, Mapping) or not layers:
        raise ValueError(tr("plot_layer_histograms expects a non-empty dict {row label: [array "
                            "per layer]}."))
    counts = {label: len(values) for label, values in layers.items()}
    if len(set(counts.values())) != 1 or 0 in counts.values():
        raise ValueError(tr("plot_layer_histograms: every row needs the same (non-zero) number "
                            "of layers; got {counts}.", counts=counts))
    n_rows, n_cols = len(layers), next(iter(counts.values()))
    xlabel = tr("pre-activation") if xlabel is None else xlabel
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.8 * n_cols, 2.2 * n_rows),
                             squeeze=False)
    for row, (label, values) in enumerate(layers.items()):
        limit = 4 * _rms(values[0]) or 1.0
        for col, z in enumerate(values):
            ax = axes[row, col]
            ax.hist(np.ravel(z), bins=bins, range=(-limit, limit), color=OKABE_ITO["blue"])
            ax.text(0.03, 0.85, tr("RMS {rms:.2g}", rms=_rms(z)), transform=ax.transAxes,
                    fontsize=8,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
            ax.set_yticks([])
            if row == 0:
                ax.set_title(tr("layer {number}", number=col + 1))
            if col == 0:
                ax.set_ylabel(label)
            if row == n_rows - 1:
                ax.set_xlabel(xlabel)
    fig.suptitle(title or tr("Activations per layer (same x-range along each row)"))
    fig.tight_layout()
    return fig
