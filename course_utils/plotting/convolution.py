"""Figures of what a convolution layer does (introduced in notebook 06, section 3).

* :func:`plot_filter_demo`     -- an image, one filter, its feature map, the map max-pooled
* :func:`plot_learned_filters` -- a layer's learned 3 x 3 filters above their feature maps

Weights have a meaningful zero, so filters are drawn with the diverging map
``DIVERGING_CMAP`` centred on 0 (red > 0 > blue, never red against green); feature
maps after a ReLU are non-negative and use a sequential map.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.plotting.palette import DIVERGING_CMAP

FEATURE_CMAP = "magma"


def plot_filter_demo(image: np.ndarray, kernel: np.ndarray, feature_map: np.ndarray,
                     pooled: np.ndarray, title: str | None = None) -> Figure:
    """Four panels, left to right: ``image`` (h, w), ``kernel`` (kh, kw), ``feature_map``
    (h - kh + 1, w - kw + 1) and ``pooled`` (the map after max pooling), each with a colour bar.
    """
    panels = {"image": image, "kernel": kernel, "feature_map": feature_map, "pooled": pooled}
    for name, array in panels.items():
        if np.ndim(array) != 2:
            raise ValueError(tr("plot_filter_demo: {name} must be a 2-D array, got shape {shape}.",
                                name=name, shape=np.shape(array)))
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.4))
    titles = (tr("image ({size}, white = 1)", size=_size(image)),
              tr("filter ({size})", size=_size(kernel)),
              tr("feature map ({size})", size=_size(feature_map)),
              tr("max-pooled ({size})", size=_size(pooled)))
    for ax, (name, picture), label in zip(axes, panels.items(), titles, strict=True):
        if name == "kernel":
            limit = float(np.abs(picture).max()) or 1.0
            shown = ax.imshow(picture, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit)
            ax.set_xticks(range(picture.shape[1]))
            ax.set_yticks(range(picture.shape[0]))
        else:
            shown = ax.imshow(picture, cmap="gray" if name == "image" else FEATURE_CMAP)
        ax.set_title(label)
        ax.set_xlabel(tr("column"))
        fig.colorbar(shown, ax=ax, shrink=0.75)
    axes[0].set_ylabel(tr("row"))
    fig.suptitle(title or tr("A filter slid over an image, then max pooling"))
    fig.tight_layout()
    return fig


def plot_learned_filters(kernels: np.ndarray, maps: np.ndarray, pooled_maps: np.ndarray,
                         layer_name: str = "conv1", title: str | None = None) -> Figure:
    """One column per filter: its weights, its feature map of one image, the map pooled.

    Args:
        kernels: ``(kh, kw, n_filters)`` weights of a layer with one input channel.
        maps: ``(h, w, n_filters)`` the layer's output for one image.
        pooled_maps: ``(h', w', n_filters)`` the same after pooling.
    """
    arrays = {"kernels": kernels, "maps": maps, "pooled_maps": pooled_maps}
    for name, array in arrays.items():
        if np.ndim(array) != 3:
            raise ValueError(tr("plot_learned_filters: {name} must be 3-D (rows, columns, "
                                "filters), got shape {shape}.", name=name, shape=np.shape(array)))
    n = kernels.shape[2]
    if maps.shape[2] != n or pooled_maps.shape[2] != n:
        raise ValueError(tr("plot_learned_filters: {n} filters but {n_maps} feature maps and "
                            "{n_pooled} pooled maps.", n=n, n_maps=maps.shape[2],
                            n_pooled=pooled_maps.shape[2]))
    fig, axes = plt.subplots(3, n, figsize=(max(6.0, 0.94 * n), 3.4), squeeze=False)
    limit = float(np.abs(kernels).max()) or 1.0
    for f in range(n):
        axes[0, f].imshow(kernels[:, :, f], cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit)
        axes[1, f].imshow(maps[:, :, f], cmap=FEATURE_CMAP)
        axes[2, f].imshow(pooled_maps[:, :, f], cmap=FEATURE_CMAP)
        axes[0, f].set_title(tr("filter {number}", number=f), fontsize=7)
    labels = (tr("filter\n{size}", size=_size(kernels[:, :, 0])),
              f"{layer_name}\n{_size(maps[:, :, 0])}",
              tr("pooled\n{size}", size=_size(pooled_maps[:, :, 0])))
    for ax, label in zip(axes[:, 0], labels, strict=True):
        ax.set_ylabel(label, fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title or tr("{layer}: learned filters (red > 0 > blue) and feature maps",
                             layer=layer_name))
    return fig


def _size(array: np.ndarray) -> str:
    return " × ".join(str(n) for n in np.shape(array))
