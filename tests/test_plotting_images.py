"""Image figures: one panel per image with its label, NaN-aware pixel maps, clear input errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.images import (  # noqa: E402
    show_image_grid,
    show_mean_images,
    show_pixel_map,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.images]


def test_image_grid_titles_each_image_with_label_and_class_name():
    images = np.zeros((3, 28, 28), np.uint8)
    fig = show_image_grid(images, np.array([0, 2, 1]), ("T-shirt", "Trouser", "Pullover"), ncols=2)
    assert _titles(fig) == ["0: T-shirt", "2: Pullover", "1: Trouser"]
    assert len(fig.axes) == 4  # 2 x 2 grid, the empty fourth panel hidden
    assert not fig.axes[3].axison


def test_image_grid_with_digit_names_does_not_repeat_the_label():
    fig = show_image_grid(np.zeros((2, 28, 28), np.uint8), np.array([3, 7]), tuple("0123456789"))
    assert _titles(fig) == ["3", "7"]


def test_image_grid_accepts_flat_square_images_and_draws_them_28_by_28():
    fig = show_image_grid(np.zeros((2, 784), np.float32))
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_uint8_images_share_the_full_0_to_255_grey_scale():
    images = np.array([np.full((4, 4), 10), np.full((4, 4), 20)], dtype=np.uint8)
    fig = show_image_grid(images)
    assert all(ax.images[0].get_clim() == (0, 255) for ax in fig.axes)


def test_mean_images_are_titled_by_class():
    fig = show_mean_images(np.ones((3, 5, 5)), ("a", "b", "c"))
    assert _titles(fig) == ["0: a", "1: b", "2: c"]


def test_pixel_map_masks_nan_and_centres_a_symmetric_scale_on_zero():
    values = np.linspace(-0.2, 0.5, 784)
    values[:10] = np.nan
    fig = show_pixel_map(values, "correlation", cmap="RdBu_r", symmetric=True)
    image = fig.axes[0].images[0]
    assert image.get_clim() == (-0.5, 0.5)
    assert np.ma.getmaskarray(image.get_array()).sum() == 10
    assert len(fig.axes) == 2  # the map and its colour bar


@pytest.mark.parametrize("call, message", [
    (lambda: show_image_grid(np.zeros((2, 30))), "not a square number"),
    (lambda: show_image_grid(np.zeros((2, 4, 4)), np.array([0, 1, 2])), "labels must have shape"),
    (lambda: show_image_grid(np.zeros((1, 4, 4)), np.array([5]), ("a", "b")), "label 5 has no"),
    (lambda: show_image_grid(np.zeros((0, 4, 4))), "no images"),
    (lambda: show_image_grid(np.zeros((2, 4, 4)), ncols=0), "ncols must be a positive"),
    (lambda: show_mean_images(np.zeros((3, 4, 4)), ("a", "b")), "3 mean images but 2"),
    (lambda: show_mean_images(np.full((2, 4, 4), np.nan)), "NaN"),
    (lambda: show_pixel_map(np.zeros((2, 3, 4)), "t"), "\\(height, width\\)"),
    (lambda: show_pixel_map(np.zeros((4, 4)), ""), "needs a title"),
    (lambda: show_pixel_map(np.full((4, 4), np.nan), "t"), "every value is NaN"),
])
def test_bad_inputs_raise_errors_that_say_what_is_wrong(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
