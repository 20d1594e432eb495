"""The computational graph of a one-hidden-layer network (drawn in notebook 03).

:func:`draw_computational_graph` draws the forward pass of
``X -> dense -> relu -> dense -> softmax -> cross-entropy`` as a row of boxes, each
with the shape of the array it produces, and under each box the gradient that the
backward pass sends back through it::

    X (n, d)  ->  Z1 = X W1 + b1 (n, h)  ->  H = relu(Z1)  ->  Z2 = H W2 + b2 (n, k)  ->  P  ->  L
                  dZ1 = dH * 1[Z1 > 0]       dH = dZ2 W2^T     dZ2 = (P - Y) / n

Above the two dense boxes sit their weights with ``dW = A^T dZ`` and ``db`` = the
column sums of ``dZ``. Forward arrows are black, backward arrows and gradients
vermillion (colour-blind safe, from :mod:`course_utils.plotting.palette`).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from course_utils.i18n import tr
from course_utils.plotting.palette import OKABE_ITO

FORWARD_COLOR = OKABE_ITO["black"]
BACKWARD_COLOR = OKABE_ITO["vermillion"]
_STEP = 2.2          # horizontal distance between two boxes
_ROW_Y = 1.55        # centre line of the forward boxes


def _tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white: 0 = the colour itself, 1 = white (for box fills)."""
    return tuple(c + (1 - c) * amount for c in to_rgb(color))


BOX_COLORS = {
    "input": _tint(OKABE_ITO["grey"], 0.6),
    "operation": _tint(OKABE_ITO["sky blue"], 0.6),
    "loss": _tint(OKABE_ITO["orange"], 0.6),
    "weights": _tint(OKABE_ITO["yellow"], 0.6),
}


def _check_sizes(layer_sizes: Sequence[int]) -> tuple[int, int, int]:
    sizes = tuple(layer_sizes) if isinstance(layer_sizes, (list, tuple)) else None
    if sizes is None or len(sizes) != 3 or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(
            tr("draw_computational_graph expects three positive integers (inputs, hidden units, "
               "classes), e.g. (784, 128, 10); got {layer_sizes!r}.", layer_sizes=layer_sizes))
    return sizes


def _box(ax, x: float, y: float, width: float, height: float, text: str, fill,
         fontsize: int = 10) -> None:
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", fc=fill, ec=FORWARD_COLOR))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def draw_computational_graph(layer_sizes: Sequence[int] = (784, 128, 10),
                             title: str | None = None) -> Figure:
    """Draw the forward pass (left to right) and the backward pass (right to left).

    Args:
        layer_sizes: ``(d, h, k)``: input features, hidden ReLU units, classes.
        title: figure title (default names the network, e.g. "The 784-128-10 network").

    Returns:
        The figure; each box's text holds the array's formula and its shape, e.g.
        ``(n, 128)``.
    """
    d, h, k = _check_sizes(layer_sizes)
    steps = [f"$X$\n(n, {d})", f"$Z_1 = XW_1 + b_1$\n(n, {h})",
             f"$H = \\mathrm{{relu}}(Z_1)$\n(n, {h})", f"$Z_2 = HW_2 + b_2$\n(n, {k})",
             f"$P = \\mathrm{{softmax}}(Z_2)$\n(n, {k})", tr("$L$ = cross-entropy\nscalar")]
    grads = ["", "$dZ_1 = dH \\odot 1[Z_1 > 0]$", "$dH = dZ_2 W_2^\\top$",
             "$dZ_2 = (P - Y)/n$", "", ""]
    kinds = ["input", "operation", "operation", "operation", "operation", "loss"]
    forward = dict(arrowstyle="->", lw=1.5, color=FORWARD_COLOR)
    backward = dict(arrowstyle="->", lw=1.5, color=BACKWARD_COLOR)

    fig, ax = plt.subplots(figsize=(13, 4.2))
    for i, (label, grad, kind) in enumerate(zip(steps, grads, kinds, strict=True)):
        x = _STEP * i
        _box(ax, x, _ROW_Y, 1.9, 0.9, label, BOX_COLORS[kind])
        ax.text(x, 0.75, grad, ha="center", va="center", fontsize=10, color=BACKWARD_COLOR)
        if i < len(steps) - 1:
            ax.annotate("", (x + 1.25, _ROW_Y + 0.2), (x + 0.95, _ROW_Y + 0.2),
                        arrowprops=forward)
            ax.annotate("", (x + 0.95, _ROW_Y - 0.2), (x + 1.25, _ROW_Y - 0.2),
                        arrowprops=backward)
    for x, layer, shape, inputs in [(_STEP, 1, f"({d}, {h}), $b_1$ ({h},)", "X"),
                                    (3 * _STEP, 2, f"({h}, {k}), $b_2$ ({k},)", "H")]:
        _box(ax, x, 2.77, 2.0, 0.45, f"$W_{layer}$ {shape}", BOX_COLORS["weights"], fontsize=9)
        ax.annotate("", (x, 2.0), (x, 2.55), arrowprops=forward)
        ax.text(x, 3.25, tr("$dW_{layer} = {inputs}^\\top dZ_{layer}$,   $db_{layer} = $ column "
                            "sums of $dZ_{layer}$", layer=layer, inputs=inputs),
                ha="center", va="center", fontsize=10, color=BACKWARD_COLOR)
    ax.set(xlim=(-1.2, 12.2), ylim=(0.4, 3.5))
    ax.set_title(title or tr("The {d}-{h}-{k} network: forward pass (black), "
                             "backward pass (vermillion)", d=d, h=h, k=k))
    ax.axis("off")
    return fig
