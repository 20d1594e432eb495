"""A widget to flip through the images of a dataset class by class (notebook 01).

Pick a class in a drop-down, move a slider through that class's images, and
see each image with its label and, if you like, its pixel values.

The logic is in plain functions (:func:`select_image`, :func:`describe_image`,
:func:`pixel_table`, :func:`render_digit`) so it can be tested without a browser;
:class:`DigitBrowser` only connects them to the controls.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

from course_utils.widgets.labels import with_label


def _check_dataset(images: np.ndarray, labels: np.ndarray, class_names: Sequence[str]) -> None:
    if images.ndim != 3:
        raise ValueError(f"digit_browser expects images of shape (n, height, width), got shape "
                         f"{images.shape}. Reshape flat rows with images.reshape(-1, 28, 28).")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), one per image of images "
                         f"{images.shape}; got shape {labels.shape}.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}.")
    if len(labels) == 0:
        raise ValueError("There are no images to browse (got 0 images).")
    if labels.min() < 0 or labels.max() >= len(class_names):
        raise ValueError(f"labels must lie in 0..{len(class_names) - 1} (one per class name); "
                         f"found values from {labels.min()} to {labels.max()}.")


def select_image(labels: np.ndarray, class_index: int, position: int) -> int:
    """Index (into the whole dataset) of the ``position``-th image whose label is ``class_index``.

    Args:
        labels: ``(n,)`` integer labels of the dataset.
        class_index: the class to look in.
        position: 0 for the first image of that class, 1 for the second, ...

    Raises:
        ValueError: if the class has no images or ``position`` is out of range.
    """
    members = np.flatnonzero(np.asarray(labels) == class_index)
    if len(members) == 0:
        raise ValueError(f"Class {class_index} has no images in this dataset.")
    if not 0 <= position < len(members):
        raise ValueError(f"Class {class_index} has {len(members)} images, so position must lie in "
                         f"0..{len(members) - 1}; got {position}.")
    return int(members[position])


def describe_image(index: int, label: int, position: int, class_count: int,
                   class_names: Sequence[str]) -> str:
    """One line saying which image is shown: its dataset index, its label and class name."""
    name = class_names[label]
    label_text = f"label {label}" if str(name) == str(label) else f"label {label} ({name})"
    return (f"image {index} of the dataset, {label_text}: "
            f"number {position + 1} of the {class_count} images of this class")


def pixel_table(image: np.ndarray) -> str:
    """The pixel values of ``image`` ``(h, w)`` as aligned text, one image row per line."""
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"pixel_table expects one image of shape (height, width), "
                         f"got shape {image.shape}.")
    width = max(len(str(v)) for v in (image.min(), image.max()))
    return "\n".join(" ".join(f"{v:>{width}}" for v in row) for row in image)


def render_digit(image: np.ndarray, title: str) -> Figure:
    """Draw one image (``(h, w)`` uint8, 0 = white, 255 = black) with a grey-level colour bar."""
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    shown = ax.imshow(image, cmap="gray_r", vmin=0, vmax=255)
    fig.colorbar(shown, ax=ax, label="intensity (0..255)")
    ax.set_title(title)
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    fig.tight_layout()
    return fig


class DigitBrowser(widgets.VBox):
    """The browser's controls and display; build it with :func:`digit_browser`.

    Attributes:
        class_picker: ``Dropdown`` whose value is the class index.
        position_slider: ``IntSlider`` through the images of that class (0 = first).
        show_pixels: ``Checkbox``; when ticked, the pixel values are printed under the image.
        caption: ``HTML`` line describing the image shown.
        output: ``Output`` area holding the figure.
        selected_index: index in the dataset of the image shown.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, class_names: Sequence[str]):
        self.images, self.labels, self.class_names = images, labels, tuple(class_names)
        present = [int(k) for k in np.unique(labels)]
        self.class_picker = widgets.Dropdown(
            options=[(str(self.class_names[k]), k) for k in present], value=present[0],
            layout=widgets.Layout(width="120px"))
        class_row = with_label(self.class_picker, "class",
                               "The class whose images the slider runs through.", width="40px")
        # Wide enough that one image is about one pixel of track for a class of 400 images;
        # the arrow keys step one image at a time.
        self.position_slider = widgets.IntSlider(
            value=0, min=0, max=self._class_count(present[0]) - 1, description="image",
            continuous_update=False, layout=widgets.Layout(width="520px"),
            style={"description_width": "45px"},
            tooltip="Which image of the class to show (0 = the first); drag, or click the "
                    "handle and use the arrow keys.")
        # indent=False: no empty description column, so the box sits next to the slider.
        self.show_pixels = widgets.Checkbox(
            value=False, description="show pixel values", indent=False,
            layout=widgets.Layout(width="auto"),
            tooltip="Print the image's 28 x 28 grey levels (0 = white, 255 = black) under it.")
        self.caption = widgets.HTML(tooltip="Which image is shown: its index in the dataset "
                                            "and its label.")
        self.output = widgets.Output()
        self.selected_index = -1
        self._changing_class = False
        self.class_picker.observe(self._on_class_change, names="value")
        self.position_slider.observe(self._on_change, names="value")
        self.show_pixels.observe(self._on_change, names="value")
        controls = widgets.HBox([class_row, self.position_slider, self.show_pixels])
        super().__init__([controls, self.caption, self.output])
        self.update()

    def __repr__(self) -> str:
        # Shown where widgets cannot run (a notebook viewed on GitHub, a terminal).
        return (f"Digit browser over {len(self.labels)} images in {len(self.class_picker.options)} "
                "classes (run the notebook to use it)")

    def _class_count(self, class_index: int) -> int:
        return int(np.count_nonzero(self.labels == class_index))

    def _on_class_change(self, change) -> None:
        self._changing_class = True  # resetting the slider must not draw twice
        try:
            self.position_slider.value = 0
            self.position_slider.max = self._class_count(change["new"]) - 1
        finally:
            self._changing_class = False
        self.update()

    def _on_change(self, change) -> None:
        if not self._changing_class:
            self.update()

    def update(self) -> None:
        """Show the image selected by the current control values."""
        label, position = self.class_picker.value, self.position_slider.value
        self.selected_index = select_image(self.labels, label, position)
        self.caption.value = describe_image(self.selected_index, label, position,
                                            self._class_count(label), self.class_names)
        image = self.images[self.selected_index]
        with self.output:
            self.output.clear_output(wait=True)
            fig = render_digit(image, f"class {self.class_names[label]}")
            display(fig)
            plt.close(fig)
            if self.show_pixels.value:
                print(pixel_table(image))


def digit_browser(images: np.ndarray, labels: np.ndarray,
                  class_names: Sequence[str]) -> DigitBrowser:
    """Build a browser for ``images`` ``(n, 28, 28)`` uint8 with ``labels`` ``(n,)`` int.

    ``class_names[k]`` names class ``k``. Display the result as the last line of a
    notebook cell.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    _check_dataset(images, labels, class_names)
    return DigitBrowser(images, labels, class_names)
