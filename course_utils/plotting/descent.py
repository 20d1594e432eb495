r"""Gradient descent drawn on losses small enough to see (introduced in notebook 04).

* :func:`descent_path` -- the iterates of gradient descent (with optional momentum) on a
  quadratic loss :math:`L(w) = \tfrac12 \sum_i a_i w_i^2`, whose gradient is
  :math:`a_i w_i`; each step multiplies :math:`w_i` by :math:`1 - \eta a_i` without momentum.
* :func:`plot_descent_1d` -- one panel per learning rate: the loss curve and the steps on it
  (converging, oscillating, overshooting);
* :func:`plot_descent_2d` -- paths on the contours of a long, narrow 2-D valley (the
  zig-zag of plain SGD against momentum).

Each plotting function checks its inputs, draws a new figure and returns it.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils.i18n import tr
from course_utils.plotting.palette import OKABE_ITO, sequential_colors


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 \
            or not np.isfinite(value):
        raise ValueError(tr("{name} must be a positive number, got {value!r}.", name=name,
                            value=value))
    return float(value)


def descent_path(curvatures: Sequence[float], start: Sequence[float], learning_rate: float,
                 steps: int, momentum: float = 0.0) -> np.ndarray:
    r"""Iterates of gradient descent on :math:`L(w) = \tfrac12 \sum_i a_i w_i^2`.

    The velocity convention of :class:`course_utils.optimizers.Momentum`:
    :math:`v \leftarrow \mu v - \eta\, a \odot w`, :math:`w \leftarrow w + v`
    (:math:`\mu = 0`: plain gradient descent).

    Args:
        curvatures: :math:`a_i > 0`, one per coordinate (the second derivatives).
        start: the starting point, same length.
        learning_rate: :math:`\eta > 0`; momentum: :math:`\mu` in [0, 1).
        steps: number of steps (integer >= 1).

    Returns:
        ``(steps + 1, len(start))`` float64: the start, then the point after each step.
    """
    a = np.asarray(curvatures, dtype=np.float64)
    w = np.asarray(start, dtype=np.float64).copy()
    if a.ndim != 1 or w.shape != a.shape or np.any(a <= 0):
        raise ValueError(tr("descent_path: curvatures must be positive numbers, one per "
                            "coordinate of start; got curvatures {curvatures} and start {start}.",
                            curvatures=a.tolist(), start=w.tolist()))
    _positive(learning_rate, "learning_rate")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(tr("steps must be a positive integer, got {steps!r}.", steps=steps))
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) \
            or not 0 <= momentum < 1:
        raise ValueError(tr("momentum must lie in [0, 1), got {momentum!r}.", momentum=momentum))
    velocity = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(steps):
        velocity = momentum * velocity - learning_rate * a * w
        w = w + velocity
        path.append(w.copy())
    return np.array(path)


def plot_descent_1d(curvature: float, paths: Mapping[str, Sequence[float]],
                    title: str | None = None) -> Figure:
    r"""The loss :math:`L(w) = a w^2 / 2` with the steps of gradient descent on it.

    Args:
        curvature: :math:`a > 0`.
        paths: ``{panel title: iterates w_0, w_1, ...}`` (e.g. the first column of
            :func:`descent_path`), one panel each, left to right, each drawn on the scale
            of its own steps.
        title: figure title.
    """
    a = _positive(curvature, "curvature")
    if not isinstance(paths, Mapping) or not paths:
        raise ValueError(tr("plot_descent_1d expects a non-empty dict {panel title: iterates}."))
    series = {label: np.asarray(p, dtype=np.float64).ravel() for label, p in paths.items()}
    for label, w in series.items():
        if len(w) < 2 or not np.all(np.isfinite(w)):
            raise ValueError(tr("plot_descent_1d: the path {label!r} needs at least two finite "
                                "iterates.", label=label))
    fig, axes = plt.subplots(1, len(series), figsize=(4.2 * len(series), 3.6), squeeze=False)
    for ax, (label, w) in zip(axes[0], series.items(), strict=True):
        reach = 1.25 * np.abs(w).max()   # each panel on the scale of its own steps
        grid = np.linspace(-reach, reach, 301)
        ax.plot(grid, 0.5 * a * grid**2, color=OKABE_ITO["grey"], lw=1.5, label=tr("loss"))
        loss = 0.5 * a * w**2
        ax.plot(w, loss, "-", color=OKABE_ITO["blue"], lw=1, alpha=0.7)
        colors = sequential_colors(len(w))
        ax.scatter(w, loss, c=colors, s=28, zorder=3, label=tr("steps (dark = early)"))
        ax.plot(w[:1], loss[:1], "o", ms=9, mfc="none", mec=OKABE_ITO["black"],
                label=tr("start"))
        ax.set(title=label, xlabel="w", ylabel=tr("loss  a·w²/2"))
        ax.grid(alpha=0.3)
    axes[0, 0].legend(loc="upper center", fontsize=8)
    fig.suptitle(title or tr("Gradient descent on a 1-D quadratic loss"))
    fig.tight_layout()
    return fig


def plot_descent_2d(curvatures: Sequence[float], paths: Mapping[str, np.ndarray],
                    colors: Mapping[str, str] | None = None, title: str | None = None) -> Figure:
    r"""Paths on the contours of :math:`L(w) = (a_1 w_1^2 + a_2 w_2^2) / 2`.

    Args:
        curvatures: ``(a1, a2)``, both > 0; very different values make a long, narrow valley.
        paths: ``{label: (k, 2) iterates}`` (:func:`descent_path`), one line each.
        colors: optional ``{label: colour}``; default Okabe-Ito colours in order.
        title: figure title.
    """
    a = np.asarray(curvatures, dtype=np.float64)
    if a.shape != (2,) or np.any(a <= 0):
        raise ValueError(tr("plot_descent_2d: curvatures must be two positive numbers, got "
                            "{curvatures}.", curvatures=a))
    if not isinstance(paths, Mapping) or not paths:
        raise ValueError(tr("plot_descent_2d expects a non-empty dict {label: (k, 2) iterates}."))
    arrays = {label: np.asarray(p, dtype=np.float64) for label, p in paths.items()}
    for label, p in arrays.items():
        if p.ndim != 2 or p.shape[1] != 2 or len(p) < 2 or not np.all(np.isfinite(p)):
            raise ValueError(tr("plot_descent_2d: path {label!r} must be a (k, 2) array of "
                                "finite iterates, k >= 2; got shape {shape}.", label=label,
                                shape=p.shape))
    default = [OKABE_ITO[c] for c in ("black", "orange", "blue", "bluish green", "vermillion")]
    colors = dict(colors or {})
    everything = np.vstack(list(arrays.values()))
    span = np.abs(everything).max(axis=0) * 1.15
    x, y = np.meshgrid(np.linspace(-span[0], span[0], 200), np.linspace(-span[1], span[1], 200))
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.contour(x, y, 0.5 * (a[0] * x**2 + a[1] * y**2), levels=12, colors=OKABE_ITO["grey"],
               linewidths=0.6)
    for i, (label, p) in enumerate(arrays.items()):
        color = colors.get(label, default[i % len(default)])
        ax.plot(p[:, 0], p[:, 1], "o-", ms=3, lw=1.2, color=color, label=label)
    ax.plot(*everything[0], "o", ms=9, mfc="none", mec=OKABE_ITO["black"], label=tr("start"))
    ax.plot(0, 0, "*", ms=12, color=OKABE_ITO["reddish purple"], label=tr("minimum"))
    ax.set(xlabel=tr("w₁ (gentle direction)"), ylabel=tr("w₂ (steep direction)"),
           title=title or tr("Gradient descent in a narrow valley"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
