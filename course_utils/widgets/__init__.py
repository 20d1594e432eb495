"""Interactive widgets for the notebooks (ipywidgets).

The logic behind each widget lives in plain functions that the tests call
without a browser; the widget classes only wire those functions to controls.

* :func:`digit_browser` -- flip through the images of one class (notebook 01)
"""

from course_utils.widgets.digit_browser import (
    DigitBrowser,
    describe_image,
    digit_browser,
    select_image,
)

__all__ = ["DigitBrowser", "describe_image", "digit_browser", "select_image"]
