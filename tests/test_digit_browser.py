"""The digit browser, driven headlessly: setting a control's value updates what is shown."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.widgets import describe_image, digit_browser, select_image  # noqa: E402
from course_utils.widgets.digit_browser import pixel_table  # noqa: E402

CLASS_NAMES = ("zero", "one", "two")


@pytest.fixture
def data():
    labels = np.array([2, 0, 1, 0, 2, 2, 0, 2], dtype=np.int64)  # class 2 has 4 images, 0 has 3
    images = (np.arange(8, dtype=np.uint8)[:, None, None] * np.ones((1, 4, 4), np.uint8))
    return images, labels


def test_select_image_returns_the_dataset_index_of_the_nth_member_of_a_class(data):
    _, labels = data
    assert [select_image(labels, 2, p) for p in range(4)] == [0, 4, 5, 7]
    assert select_image(labels, 1, 0) == 2


def test_select_image_rejects_positions_outside_the_class(data):
    _, labels = data
    with pytest.raises(ValueError, match="Class 1 has 1 images"):
        select_image(labels, 1, 1)


def test_describe_image_names_label_class_and_position():
    text = describe_image(7, 2, 3, 4, CLASS_NAMES)
    assert "image 7" in text and "label 2 (two)" in text and "4 of the 4" in text


def test_pixel_table_has_one_line_per_row_and_right_aligned_values():
    table = pixel_table(np.array([[0, 255], [7, 30]], dtype=np.uint8))
    assert table.splitlines() == ["  0 255", "  7  30"]


def test_browser_starts_on_the_first_image_of_the_first_class(data):
    browser = digit_browser(*data, CLASS_NAMES)
    assert browser.class_picker.value == 0
    assert browser.selected_index == 1
    assert browser.position_slider.max == 2  # class 0 has 3 images
    assert "label 0 (zero)" in browser.caption.value


def test_moving_the_slider_selects_the_next_image_of_the_class(data):
    browser = digit_browser(*data, CLASS_NAMES)
    browser.position_slider.value = 2
    assert browser.selected_index == 6
    assert "image 6" in browser.caption.value


def test_changing_the_class_resets_the_position_and_resizes_the_slider(data):
    browser = digit_browser(*data, CLASS_NAMES)
    browser.position_slider.value = 2
    browser.class_picker.value = 2
    assert browser.position_slider.value == 0
    assert browser.position_slider.max == 3
    assert browser.selected_index == 0
    browser.position_slider.value = 3
    assert browser.selected_index == 7
    assert "label 2 (two)" in browser.caption.value


def test_pixel_checkbox_redraws_without_changing_the_selection(data):
    browser = digit_browser(*data, CLASS_NAMES)
    browser.position_slider.value = 1
    browser.show_pixels.value = True
    assert browser.selected_index == 3


def test_class_picker_offers_only_classes_present(data):
    images, labels = data
    browser = digit_browser(images[labels != 1], labels[labels != 1], CLASS_NAMES)
    assert [value for _, value in browser.class_picker.options] == [0, 2]


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((3, 16), np.uint8), np.zeros(3, np.int64), "shape \\(n, height, width\\)"),
    (np.zeros((3, 4, 4), np.uint8), np.zeros(2, np.int64), "labels must have shape \\(3,\\)"),
    (np.zeros((3, 4, 4), np.uint8), np.array([0, 1, 3]), "labels must lie in 0..2"),
    (np.zeros((3, 4, 4), np.uint8), np.zeros(3), "labels must be integers"),
])
def test_digit_browser_rejects_bad_inputs_with_clear_errors(images, labels, message):
    with pytest.raises((ValueError, TypeError), match=message):
        digit_browser(images, labels, CLASS_NAMES)


def test_browser_describes_itself_in_one_line_where_widgets_cannot_run(data):
    text = repr(digit_browser(*data, CLASS_NAMES))
    assert text == "Digit browser over 8 images in 3 classes (run the notebook to use it)"


def test_every_control_has_a_tooltip_and_the_checkbox_is_not_indented(data):
    browser = digit_browser(*data, CLASS_NAMES)
    for control in (browser.class_picker, browser.position_slider, browser.show_pixels):
        assert isinstance(control.tooltip, str) and len(control.tooltip) > 20
    assert browser.show_pixels.indent is False  # no empty label column pushing it right
    assert browser.position_slider.layout.width == "520px"

