"""Convolution figures: the panels they promise, in the course's colour maps, and clear errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.convolution import plot_filter_demo, plot_learned_filters  # noqa: E402
from course_utils.plotting.palette import DIVERGING_CMAP  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_filter_demo_draws_four_panels_with_the_kernel_centred_on_zero():
    rng = np.random.default_rng(0)
    kernel = np.array([[1.0, 0, -2.0]] * 3)
    fig = plot_filter_demo(rng.random((28, 28)), kernel, rng.random((26, 26)),
                           rng.random((13, 13)), title="demo")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        "image (28 × 28, white = 1)", "filter (3 × 3)", "feature map (26 × 26)",
        "max-pooled (13 × 13)"]
    shown = panels[1].images[0]
    assert shown.get_cmap().name == DIVERGING_CMAP
    assert shown.get_clim() == (-2.0, 2.0)
    assert fig._suptitle.get_text() == "demo"


def test_filter_demo_refuses_an_image_with_a_channel_axis():
    with pytest.raises(ValueError, match=r"image must be a 2-D array, got shape \(28, 28, 1\)"):
        plot_filter_demo(np.zeros((28, 28, 1)), np.zeros((3, 3)), np.zeros((26, 26)),
                         np.zeros((13, 13)))


def test_learned_filters_draw_one_column_per_filter_and_three_rows():
    rng = np.random.default_rng(0)
    fig = plot_learned_filters(rng.normal(size=(3, 3, 5)), rng.random((26, 26, 5)),
                               rng.random((13, 13, 5)))
    assert len(fig.axes) == 15
    assert [fig.axes[f].get_title() for f in range(5)] == [f"filter {f}" for f in range(5)]
    assert fig.axes[0].get_ylabel() == "filter\n3 × 3"


def test_learned_filters_refuse_maps_of_another_number_of_filters():
    with pytest.raises(ValueError, match="5 filters but 4 feature maps"):
        plot_learned_filters(np.zeros((3, 3, 5)), np.zeros((26, 26, 4)), np.zeros((13, 13, 5)))
