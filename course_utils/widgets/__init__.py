"""Interactive widgets for the notebooks (ipywidgets, ipycanvas).

The logic behind each widget lives in plain functions that the tests call
without a browser; the widget classes only wire those functions to controls.

* :func:`digit_browser` -- flip through the images of one class (notebook 01)
* :class:`DigitCanvas` -- draw a digit, see it prepared MNIST's way and read by a
  trained network (notebook 03; :mod:`course_utils.widgets.digit_canvas`)
* :func:`training_playground` -- sliders, a Train button and live curves (notebook 04;
  :mod:`course_utils.widgets.playground`)
"""

from course_utils.widgets.digit_browser import (
    DigitBrowser,
    describe_image,
    digit_browser,
    select_image,
)
from course_utils.widgets.digit_canvas import DigitCanvas, mnist_preprocess, predict_digit

__all__ = ["DigitBrowser", "DigitCanvas", "describe_image", "digit_browser", "mnist_preprocess",
           "predict_digit", "select_image"]
