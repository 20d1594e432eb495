"""Figures of images and of per-pixel statistics (introduced in notebook 01, *Exploring MNIST*).

* :func:`show_image_grid`  -- a grid of images, each titled with its label
* :func:`show_mean_images` -- one average image per class
* :func:`show_pixel_map`   -- one number per pixel (a variance, a correlation) as a picture

Each function checks its inputs, draws a new Matplotlib figure and returns it;
call ``plt.show()`` afterwards (the notebooks do), or ``fig.savefig(...)``.
Images are ``(height, width)`` arrays; a flat row of ``height * width`` values
is accepted wherever the image is square (784 -> 28 x 28).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr


def _as_image_stack(images: np.ndarray, who: str) -> np.ndarray:
    """``(n, h, w)`` as is, or ``(n, h*w)`` with square images reshaped to ``(n, h, w)``."""
    images = np.asarray(images)
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(
                tr("{who}: got flat images of shape {shape}, but {n_pixels} is not a square "
                   "number, so the image size is ambiguous. Pass (n, height, width) instead.",
                   who=who,
                   shape=images.shape, n_pixels=images.shape[1])
            )
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ValueError(tr("{who} expects images of shape (n, height, width) or (n, "
                            "height*width), got shape {shape}.", who=who, shape=images.shape))
    if len(images) == 0:
        raise ValueError(tr("{who}: there are no images to show (got shape {shape}).", who=who,
                            shape=images.shape))
    if not (np.issubdtype(images.dtype, np.number) or images.dtype == bool):
        raise TypeError(tr("{who} expects numeric pixels, got dtype {dtype}.", who=who,
                           dtype=images.dtype))
    return images


def _label_text(label: int, class_names: Sequence[str] | None, who: str) -> str:
    if class_names is None:
        return str(label)
    if not 0 <= label < len(class_names):
        raise ValueError(tr("{who}: label {label} has no entry in class_names (which has "
                            "{n_class_names} names, for labels 0..{top}).", who=who, label=label,
                            n_class_names=len(class_names), top=len(class_names) - 1))
    name = str(class_names[label])
    return name if name == str(label) else f"{label}: {name}"


def _grid(n: int, ncols: int, size: float, who: str) -> tuple[Figure, np.ndarray]:
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(tr("{who}: ncols must be a positive integer, got {ncols!r}.", who=who,
                            ncols=ncols))
    if not (isinstance(size, (int, float)) and size > 0):
        raise ValueError(tr("{who}: size (inches per image) must be a positive number, got "
                            "{size!r}.", who=who, size=size))
    ncols = min(int(ncols), n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.5),
                             squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    return fig, axes


def show_image_grid(
    images: np.ndarray,
    labels: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    title: str | None = None,
    cmap: str = "gray_r",
    size: float = 1.1,
) -> Figure:
    """Show images in a grid, each with its label above it.

    Args:
        images: ``(n, 28, 28)`` (or ``(n, 784)``) pixels, uint8 0..255 or floats.
            Every image uses the same grey scale (0 = white, the maximum of uint8 or
            of the data = black), so brightness can be compared across the grid.
        labels: ``(n,)`` integer class of each image, or None for no titles.
        class_names: ``class_names[k]`` names class ``k``; with it, titles read "7: Sneaker".
        ncols: images per row.
        title: a title for the whole figure.
        cmap: Matplotlib colour map; ``"gray_r"`` draws ink dark on white paper.
        size: inches per image.

    Returns:
        The Matplotlib figure.
    """
    images = _as_image_stack(images, "show_image_grid")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(images),):
            raise ValueError(tr("show_image_grid: labels must have shape ({n_images},), one per "
                                "image of images {images_shape}; got shape {labels_shape}.",
                                n_images=len(images), images_shape=images.shape,
                                labels_shape=labels.shape))
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(tr("show_image_grid: labels must be integers, got dtype {dtype}.",
                               dtype=labels.dtype))
    vmax = 255 if images.dtype == np.uint8 else float(np.nanmax(images))
    vmin = 0 if images.dtype == np.uint8 else min(0.0, float(np.nanmin(images)))
    fig, axes = _grid(len(images), ncols, size, "show_image_grid")
    for i, (ax, image) in enumerate(zip(axes.flat, images, strict=False)):
        ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
        if labels is not None:
            ax.set_title(_label_text(int(labels[i]), class_names, "show_image_grid"), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_mean_images(
    mean_images: np.ndarray,
    class_names: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    title: str | None = None,
    cmap: str = "gray_r",
    size: float = 1.3,
) -> Figure:
    """Show one average image per class, titled with the class.

    Args:
        mean_images: ``(num_classes, 28, 28)`` (or ``(num_classes, 784)``) floats:
            ``mean_images[k]`` is the pixel-wise mean of the images of class ``k``.
        class_names: ``num_classes`` names, or None to title the images 0, 1, ...
        ncols, title, cmap, size: as in :func:`show_image_grid` (default title "Mean image
            of each class").

    Returns:
        The Matplotlib figure.
    """
    mean_images = _as_image_stack(mean_images, "show_mean_images")
    if class_names is not None and len(class_names) != len(mean_images):
        raise ValueError(tr("show_mean_images: got {n_mean_images} mean images but "
                            "{n_class_names} class names; pass one image per class.",
                            n_mean_images=len(mean_images), n_class_names=len(class_names)))
    if not np.all(np.isfinite(mean_images)):
        raise ValueError(tr("show_mean_images: the mean images contain NaN or infinite values (a "
                            "class with no images?)."))
    labels = np.arange(len(mean_images))
    title = tr("Mean image of each class") if title is None else title
    return show_image_grid(mean_images, labels, class_names, ncols=ncols, title=title,
                           cmap=cmap, size=size)


def show_pixel_map(
    values: np.ndarray,
    title: str,
    *,
    cmap: str = "viridis",
    colorbar: bool = True,
    colorbar_label: str = "",
    symmetric: bool = False,
    nan_color: str = "lightgrey",
    ax: plt.Axes | None = None,
) -> Figure:
    """Draw one number per pixel as an image, e.g. each pixel's variance or correlation.

    Args:
        values: ``(28, 28)`` or ``(784,)`` numbers. NaN is allowed and drawn in
            ``nan_color`` (use it to mark pixels where a statistic is undefined).
        title: what the map shows (required: a map without a title is unreadable).
        cmap: Matplotlib colour map.
        colorbar: whether to draw a colour bar.
        colorbar_label: what the colours measure, with units.
        symmetric: centre the colour scale on 0 (for signed values such as correlations,
            together with a diverging ``cmap`` like ``"RdBu_r"``).
        nan_color: colour of NaN pixels.
        ax: draw into these axes instead of a new figure.

    Returns:
        The figure the map was drawn in.
    """
    values = np.asarray(values)
    if values.ndim == 1:
        values = _as_image_stack(values[None], "show_pixel_map")[0]
    if values.ndim != 2:
        raise ValueError(tr("show_pixel_map expects a (height, width) or (height*width,) array, "
                            "got shape {shape}.", shape=values.shape))
    if not np.issubdtype(values.dtype, np.number) and values.dtype != bool:
        raise TypeError(tr("show_pixel_map expects numbers, got dtype {dtype}.",
                           dtype=values.dtype))
    if not isinstance(title, str) or not title:
        raise ValueError(tr("show_pixel_map needs a title saying what the map shows."))
    values = values.astype(np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise ValueError(tr("show_pixel_map: every value is NaN or infinite; nothing to draw."))
    vmin, vmax = float(finite.min()), float(finite.max())
    if symmetric:
        vmax = max(abs(vmin), abs(vmax)) or 1.0
        vmin = -vmax
    colours = plt.get_cmap(cmap).with_extremes(bad=nan_color)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.2, 3.6))
    else:
        fig = ax.figure
    image = ax.imshow(np.ma.masked_invalid(values), cmap=colours, vmin=vmin, vmax=vmax)
    ax.set_title(title)
    ax.set_xlabel(tr("pixel column"))
    ax.set_ylabel(tr("pixel row"))
    if colorbar:
        fig.colorbar(image, ax=ax, label=colorbar_label)
    return fig
