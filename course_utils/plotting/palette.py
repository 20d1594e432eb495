"""The course's colours: colour-blind safe, and the same colour for the same thing everywhere.

About one man in twelve cannot tell red from green, so no figure in the course pairs
them. Categories (models, optimisers, data splits) take colours from the Okabe-Ito
palette, designed to stay distinct under every common colour-vision deficiency
(Okabe & Ito, *Color Universal Design*, 2008). Ordered series (a learning-rate sweep,
epochs) take evenly spaced colours from ``viridis``, which is perceptually uniform
and stays ordered in grey scale.

Use the names, not the hex codes, so a model has one colour in every notebook::

    from course_utils.plotting.palette import MODEL_COLORS, sequential_colors
    ax.plot(epochs, acc, color=MODEL_COLORS["course MLP"])
    for lr, color in zip(rates, sequential_colors(len(rates))): ...
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt

from course_utils.i18n import tr

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "grey": "#999999",
}

#: Training, validation and test data, in every learning curve of the course.
SPLIT_COLORS = {
    "training": OKABE_ITO["blue"],
    "validation": OKABE_ITO["orange"],
    "test": OKABE_ITO["reddish purple"],
}

#: Every model the course compares; notebooks 02-06 draw each in its own colour.
MODEL_COLORS = {
    "softmax regression": OKABE_ITO["sky blue"],
    "course MLP": OKABE_ITO["blue"],
    "MLPClassifier": OKABE_ITO["orange"],
    "Keras MLP": OKABE_ITO["bluish green"],
    "Keras CNN": OKABE_ITO["reddish purple"],
    "logistic regression": OKABE_ITO["grey"],
    "k-nearest neighbours": OKABE_ITO["yellow"],
    "RBF SVM": OKABE_ITO["vermillion"],
}

#: The optimisers of notebook 04 (and of the playground).
OPTIMIZER_COLORS = {
    "SGD": OKABE_ITO["black"],
    "momentum": OKABE_ITO["orange"],
    "Nesterov": OKABE_ITO["sky blue"],
    "RMSProp": OKABE_ITO["bluish green"],
    "Adam": OKABE_ITO["blue"],
    "AdamW": OKABE_ITO["vermillion"],
}

#: Colour maps: ordered values, values with a meaningful zero (weights, changes), counts.
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"   # red-blue, never red-green; centre it on 0 (vmin = -vmax)
COUNT_CMAP = "Blues"


def sequential_colors(n: int, cmap: str = SEQUENTIAL_CMAP) -> list[tuple[float, ...]]:
    """``n`` colours that follow the order of a series (first = dark, last = light).

    The bright yellow end of ``viridis`` is left out: it is hard to see on white.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(tr("sequential_colors: n must be a positive integer, got {n!r}.", n=n))
    colormap = plt.get_cmap(cmap)
    if n == 1:
        return [colormap(0.0)]
    return [colormap(0.85 * i / (n - 1)) for i in range(n)]


#: Okabe-Ito colours in the order :func:`class_styles` hands them to classes.
_CLASS_COLOR_ORDER = ("blue", "orange", "bluish green", "vermillion", "reddish purple",
                      "sky blue", "black", "grey", "yellow")

#: One marker per class, so that ten classes differ in shape as well as in colour.
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def class_styles(n: int) -> list[tuple[str, str]]:
    """``n`` (colour, marker) pairs, one per class, for scatter plots of labelled points.

    Nine Okabe-Ito colours and ten markers: up to 90 classes, no two get the same pair,
    and the first ten differ in marker, so a reader who cannot tell two colours apart
    still tells the classes apart.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= 90:
        raise ValueError(tr("class_styles: n must be an integer from 1 to 90, got {n!r}.", n=n))
    return [(OKABE_ITO[_CLASS_COLOR_ORDER[i % len(_CLASS_COLOR_ORDER)]],
             CLASS_MARKERS[i % len(CLASS_MARKERS)]) for i in range(n)]


def color_of(name: str) -> str:
    """The colour of a model, optimiser or data split, by the name the course uses."""
    for table in (MODEL_COLORS, OPTIMIZER_COLORS, SPLIT_COLORS):
        if name in table:
            return table[name]
    known = sorted({*MODEL_COLORS, *OPTIMIZER_COLORS, *SPLIT_COLORS})
    raise KeyError(tr("No course colour for {name!r}. Known names: {known}. Add the new model to "
                      "course_utils/plotting/palette.py.", name=name, known=", ".join(known)))
