"""Draw a digit with the mouse and watch a trained network read it (notebook 03).

Why a raw drawing is misread
----------------------------
A network trained on MNIST has only ever seen digits prepared in one particular
way, and it has no notion of "the same digit, somewhere else": every one of its
784 inputs is one fixed pixel position. The MNIST images were made like this
(LeCun, Cortes and Burges, the MNIST web page):

1. the writer's digit was cut to its **bounding box** (the smallest rectangle
   holding all the ink);
2. the box was **scaled to fit a 20 x 20 square, keeping its aspect ratio**, with
   anti-aliasing, so the stroke edges became grey levels (a "1" stays thin and
   tall: 20 rows, a few columns);
3. the 20 x 20 patch was placed in a **28 x 28 image so that its centre of mass**
   (the ink-weighted mean pixel position) **falls on the centre** of the image.

A digit drawn on a 280 x 280 canvas is ten times too large, rarely in the middle,
and of any size: fed in as it is (merely shrunk to 28 x 28), its strokes land on
pixels where the training digits had none, and the network answers with
confidence for the wrong class. :func:`mnist_preprocess` applies the three steps
above, so the network sees a drawing the way it saw its training images.

The logic lives in plain functions -- :func:`draw_segment` (ink a stroke),
:func:`bounding_box`, :func:`resize_area`, :func:`center_of_mass`,
:func:`shift_image`, :func:`mnist_preprocess` and :func:`predict_digit` -- which the
tests call without a browser; :class:`DigitCanvas` only wires them to an ipycanvas
canvas, a Clear button and a bar chart of the ten probabilities.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import numpy as np

from course_utils.widgets.labels import text_with_tooltip

#: Side of the drawing canvas in screen pixels (ten times MNIST's 28).
CANVAS_SIZE = 280
#: Radius of the pen in canvas pixels: after scaling the digit's box to 20 pixels a
#: stroke is about two pixels wide, like MNIST's pen strokes.
PEN_RADIUS = 9.0
#: Side of the box the digit is scaled into, and of the final image (MNIST's numbers).
BOX_SIZE, IMAGE_SIZE = 20, 28
#: Shortest time in seconds between two predictions while the pen moves (each
#: prediction updates the bars and the preview, so a prediction per mouse event
#: would flood the browser); the prediction when the pen lifts is always made.
LIVE_INTERVAL = 0.15


def draw_segment(ink: np.ndarray, start: tuple[float, float], end: tuple[float, float],
                 radius: float = PEN_RADIUS) -> None:
    """Ink a pen stroke from ``start`` to ``end`` (``(x, y)`` in pixels) into ``ink``, in place.

    ``ink`` is a ``(height, width)`` float array, 0 = paper, 1 = full ink. A pixel
    whose centre lies at distance ``d`` from the segment gets ink
    ``clip(radius + 0.5 - d, 0, 1)``: full inside the pen, a one-pixel grey
    (anti-aliased) edge, nothing outside. Ink only increases (``max``), as on paper.
    """
    if ink.ndim != 2:
        raise ValueError(f"ink must be a (height, width) array, got shape {ink.shape}.")
    (x0, y0), (x1, y1) = start, end
    reach = radius + 1
    rows = slice(max(int(min(y0, y1) - reach), 0), min(int(max(y0, y1) + reach) + 1, ink.shape[0]))
    cols = slice(max(int(min(x0, x1) - reach), 0), min(int(max(x0, x1) + reach) + 1, ink.shape[1]))
    if rows.start >= rows.stop or cols.start >= cols.stop:
        return  # the stroke lies entirely outside the image
    yy, xx = np.mgrid[rows, cols].astype(np.float64) + 0.5  # pixel centres
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    # Position along the segment of the closest point, clamped to the segment's ends.
    t = np.zeros_like(xx) if length2 == 0 else np.clip(((xx - x0) * dx + (yy - y0) * dy)
                                                        / length2, 0.0, 1.0)
    distance = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
    stroke = np.clip(radius + 0.5 - distance, 0.0, 1.0)
    np.maximum(ink[rows, cols], stroke, out=ink[rows, cols])


def bounding_box(image: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int] | None:
    """The smallest rectangle holding every pixel above ``threshold``.

    Returns:
        ``(top, bottom, left, right)`` with ``bottom`` and ``right`` exclusive, so
        ``image[top:bottom, left:right]`` is the crop; ``None`` for an empty image.
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"bounding_box expects one image (height, width), got {image.shape}.")
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    if len(rows) == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)`` matrix: output pixel i averages the input pixels it covers.

    Output pixel ``i`` covers input positions ``[i * s, (i + 1) * s)`` with
    ``s = n_in / n_out``; each input pixel counts with the length of its overlap.
    """
    scale = n_in / n_out
    lo = np.arange(n_out)[:, None] * scale
    edges = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(lo + scale, edges + 1) - np.maximum(lo, edges), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resize_area(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resample ``image`` to ``(height, width)`` by area averaging (anti-aliased).

    Every output pixel is the mean of the input area it covers, weighted by how
    much of each input pixel lies inside it: shrinking a sharp stroke gives grey
    edges (as MNIST's anti-aliasing did) and no pixel is skipped. Computed as
    ``R_rows @ image @ R_cols.T`` with the weights of :func:`_area_weights`.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"resize_area expects a non-empty (height, width) image, "
                         f"got shape {image.shape}.")
    if height < 1 or width < 1:
        raise ValueError(f"height and width must be at least 1, got {height} x {width}.")
    return _area_weights(image.shape[0], height) @ image @ _area_weights(image.shape[1], width).T


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Ink-weighted mean position ``(row, column)``, in pixel-index coordinates.

    ``row = sum_ij i * image[i, j] / sum_ij image[i, j]``, likewise for the column:
    a single inked pixel at ``[14, 14]`` has its centre of mass at ``(14.0, 14.0)``.
    """
    image = np.asarray(image, dtype=np.float64)
    total = image.sum()
    if image.ndim != 2 or total <= 0:
        raise ValueError("center_of_mass needs a (height, width) image with some ink "
                         f"(got shape {image.shape}, total ink {total:g}).")
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def shift_image(image: np.ndarray, dy: float, dx: float) -> np.ndarray:
    """``image`` moved by ``dy`` rows and ``dx`` columns (fractions allowed), zeros coming in.

    A fractional shift interpolates linearly between the two nearest integer
    shifts, which moves the centre of mass by exactly ``(dy, dx)`` as long as no
    ink leaves the image.
    """
    out = np.asarray(image, dtype=np.float64)
    for axis, amount in ((0, dy), (1, dx)):
        whole = int(np.floor(amount))
        frac = amount - whole
        out = (1 - frac) * _shift_whole(out, whole, axis) + frac * _shift_whole(out, whole + 1,
                                                                               axis)
    return out


def _shift_whole(image: np.ndarray, k: int, axis: int) -> np.ndarray:
    out = np.zeros_like(image)
    n = image.shape[axis]
    if abs(k) >= n:
        return out
    src = [slice(None)] * 2
    dst = [slice(None)] * 2
    src[axis] = slice(max(-k, 0), n - max(k, 0))
    dst[axis] = slice(max(k, 0), n - max(-k, 0))
    out[tuple(dst)] = image[tuple(src)]
    return out


def mnist_preprocess(drawing: np.ndarray) -> np.ndarray:
    """Turn a drawing into a 28 x 28 image prepared the way MNIST's digits were.

    Steps (see the module docstring for why each matters): crop to the bounding
    box of the ink; scale the box so that its longer side is 20 pixels, keeping the
    aspect ratio, by area averaging (anti-aliased grey levels); paste it into a
    28 x 28 image and shift it so that its centre of mass is at ``(14, 14)``, the
    convention of the MNIST preparation code (pixel indices 0..27).

    Args:
        drawing: ``(height, width)`` ink, 0 = paper, 1 = full ink (e.g. the canvas).

    Returns:
        ``(28, 28)`` float32 in [0, 1], ink high: the layout of
        ``scale_to_unit(images)``. Reshape to ``(1, 784)`` for a network.

    Raises:
        ValueError: if the drawing is empty or not a 2-D array of values in [0, 1].
    """
    drawing = np.asarray(drawing, dtype=np.float64)
    if drawing.ndim != 2:
        raise ValueError(f"mnist_preprocess expects one drawing (height, width), "
                         f"got shape {drawing.shape}.")
    if not np.all(np.isfinite(drawing)) or drawing.min() < 0 or drawing.max() > 1:
        raise ValueError("The drawing must hold ink values in [0, 1] (0 = paper); scale a "
                         "uint8 image with image / 255 first.")
    box = bounding_box(drawing)
    if box is None:
        raise ValueError("The drawing is empty: draw a digit first.")
    top, bottom, left, right = box
    crop = drawing[top:bottom, left:right]
    scale = BOX_SIZE / max(crop.shape)
    height = max(1, round(crop.shape[0] * scale))
    width = max(1, round(crop.shape[1] * scale))
    patch = resize_area(crop, height, width)
    image = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    row0, col0 = (IMAGE_SIZE - height) // 2, (IMAGE_SIZE - width) // 2
    image[row0:row0 + height, col0:col0 + width] = patch
    centre = IMAGE_SIZE / 2
    cy, cx = center_of_mass(image)
    image = shift_image(image, centre - cy, centre - cx)
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def predict_digit(model, image: np.ndarray) -> np.ndarray:
    """The model's class probabilities for one preprocessed ``(28, 28)`` image: ``(10,)``.

    Args:
        model: any object with ``predict_proba(X)`` taking ``(n, 784)`` float32 in
            [0, 1] and returning ``(n, 10)`` probabilities (a fitted ``MLP``, a
            scikit-learn classifier trained on such rows, ...).
        image: the output of :func:`mnist_preprocess`.
    """
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(f"The model must have a predict_proba method (a fitted MLP, for "
                        f"example); got {type(model).__name__}.")
    image = np.asarray(image)
    if image.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"predict_digit expects one (28, 28) image from mnist_preprocess, "
                         f"got shape {image.shape}.")
    proba = np.asarray(model.predict_proba(image.reshape(1, -1).astype(np.float32)))
    if proba.shape != (1, 10):
        raise ValueError(f"model.predict_proba should return shape (1, 10) for one image, "
                         f"got {proba.shape}: is the model trained on 784 pixels and 10 "
                         "digit classes?")
    if not np.all(np.isfinite(proba)) or not np.isclose(proba.sum(), 1.0, atol=1e-3):
        raise ValueError(f"model.predict_proba returned values that are not probabilities "
                         f"(sum {proba.sum():.4g}); was the model trained without diverging?")
    return proba[0]


class DigitCanvas(widgets.HBox):
    """A canvas to draw on, what the network sees, and its ten probabilities as bars.

    Display ``DigitCanvas(model)`` as the last line of a cell, draw a digit with the
    mouse (or a finger), and watch the bars while you draw; **Clear** starts again.

    Attributes:
        canvas: the ``ipycanvas.Canvas`` (280 x 280) you draw on.
        preview: a small canvas showing the 28 x 28 image the network receives.
        clear_button: ``Button``; bars: ten ``FloatProgress`` (one per digit);
        caption: ``HTML`` line with the prediction; ink: ``(280, 280)`` float array
        of the drawing; probabilities: the last prediction ``(10,)`` or ``None``;
        predictions_: number of predictions made so far.
    """

    def __init__(self, model) -> None:
        from ipycanvas import Canvas

        if not callable(getattr(model, "predict_proba", None)):
            raise TypeError(f"DigitCanvas needs a model with predict_proba (for example the "
                            f"MLP trained above); got {type(model).__name__}.")
        self.model = model
        self.ink = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
        self.probabilities: np.ndarray | None = None
        self.predictions_ = 0
        self._pen: tuple[float, float] | None = None
        self._last_prediction = -np.inf
        self._clock = time.monotonic  # replaceable in tests
        self.canvas = Canvas(width=CANVAS_SIZE, height=CANVAS_SIZE,
                             layout=widgets.Layout(width=f"{CANVAS_SIZE}px",
                                                   height=f"{CANVAS_SIZE}px",
                                                   border="1px solid #888"))
        self.preview = Canvas(width=4 * IMAGE_SIZE, height=4 * IMAGE_SIZE,
                              layout=widgets.Layout(width=f"{4 * IMAGE_SIZE}px",
                                                    height=f"{4 * IMAGE_SIZE}px",
                                                    border="1px solid #888"))
        self.clear_button = widgets.Button(description="Clear", icon="eraser",
                                           tooltip="Wipe the canvas and draw again.")
        self.bars = [widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description=str(d),
                                           style={"description_width": "14px"},
                                           layout=widgets.Layout(width="260px"),
                                           tooltip=f"Probability that the drawing is a {d}")
                     for d in range(10)]
        self.bar_labels = [widgets.HTML(value="", layout=widgets.Layout(width="52px"),
                                        tooltip=f"Probability of a {d}") for d in range(10)]
        self.caption = widgets.HTML(value="Draw a digit on the left.",
                                    tooltip="The digit the network reads, and how sure it is.")
        self.canvas.on_mouse_down(self._pen_down)
        self.canvas.on_mouse_move(self._pen_move)
        self.canvas.on_mouse_up(self._pen_up)
        self.canvas.on_mouse_out(self._pen_up)
        self.canvas.on_touch_start(lambda touches: self._pen_down(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self._pen_move(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self._pen_up(0, 0))
        self.clear_button.on_click(self.clear)
        self._paint_paper()
        chart = widgets.VBox([widgets.HBox([bar, label])
                              for bar, label in zip(self.bars, self.bar_labels, strict=True)])
        # (ipycanvas cannot show a tooltip on a canvas: setting one breaks its view.)
        left = widgets.VBox([text_with_tooltip("draw here", "Draw one digit with the mouse, as "
                                               "large as you like."), self.canvas,
                             self.clear_button])
        middle = widgets.VBox([text_with_tooltip("what the network sees", (
            "The 28 x 28 image the network receives: the drawing cropped, scaled to 20 x 20 "
            "and centred by its centre of mass.")), self.preview])
        right = widgets.VBox([self.caption, chart])
        super().__init__([left, middle, right])

    def __repr__(self) -> str:
        # Shown where widgets cannot run (a notebook viewed on GitHub, a terminal).
        return "Digit drawing canvas: draw a digit and see the network's probabilities " \
               "(run the notebook to use it)"

    def _paint_paper(self) -> None:
        from ipycanvas import hold_canvas

        with hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "white"
            self.canvas.fill_rect(0, 0, CANVAS_SIZE, CANVAS_SIZE)
            self.canvas.stroke_style = "black"
            self.canvas.line_width = 2 * PEN_RADIUS
            self.canvas.line_cap = "round"
        self.preview.clear()

    def _pen_down(self, x: float, y: float) -> None:
        self._pen = (x, y)
        self._stroke_to(x, y)

    def _pen_move(self, x: float, y: float) -> None:
        if self._pen is None:
            return
        self._stroke_to(x, y)
        if self._clock() - self._last_prediction >= LIVE_INTERVAL:
            self.update_prediction()

    def _pen_up(self, _x: float, _y: float) -> None:
        if self._pen is not None:
            self._pen = None
            self.update_prediction()

    def _stroke_to(self, x: float, y: float) -> None:
        start = self._pen
        draw_segment(self.ink, start, (x, y))
        self.canvas.stroke_line(start[0], start[1], x, y)
        self._pen = (x, y)

    def clear(self, _button=None) -> None:
        """Wipe the drawing, the preview and the bars."""
        self.ink[:] = 0.0
        self._pen = None
        self.probabilities = None
        self._paint_paper()
        for bar, label in zip(self.bars, self.bar_labels, strict=True):
            bar.value, bar.bar_style, label.value = 0.0, "", ""
        self.caption.value = "Draw a digit on the left."

    def update_prediction(self) -> np.ndarray | None:
        """Preprocess the drawing, ask the model, update the bars; returns the probabilities."""
        self._last_prediction = self._clock()
        if bounding_box(self.ink) is None:
            return None
        image = mnist_preprocess(self.ink)
        self.probabilities = proba = predict_digit(self.model, image)
        self.predictions_ += 1
        best = int(np.argmax(proba))
        for digit, (bar, label) in enumerate(zip(self.bars, self.bar_labels, strict=True)):
            bar.value = float(proba[digit])
            bar.bar_style = "success" if digit == best else ""
            label.value = f"{proba[digit]:.0%}"
        self.caption.value = f"The network reads a <b>{best}</b> ({proba[best]:.0%} sure)."
        grey = np.kron(255 - np.round(image * 255), np.ones((4, 4))).astype(np.uint8)
        self.preview.put_image_data(np.dstack([grey, grey, grey]), 0, 0)
        return proba
