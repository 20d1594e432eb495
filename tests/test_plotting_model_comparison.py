"""Comparison figures: every seed drawn, the spread visible, the course's model colours."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.plotting.model_comparison import (  # noqa: E402
    plot_curves_over_seeds,
    plot_model_comparison,
)
from course_utils.plotting.palette import MODEL_COLORS  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


ACCURACIES = {"course MLP": [0.881, 0.884, 0.879], "Keras CNN": [0.905, 0.91, 0.907]}


def test_model_comparison_bars_are_the_means_in_percent_in_each_models_colour():
    fig = plot_model_comparison(ACCURACIES)
    ax = fig.axes[0]
    bars = ax.patches
    np.testing.assert_allclose([bar.get_width() for bar in bars], [88.13333, 90.73333], rtol=1e-5)
    assert [to_hex(bar.get_facecolor()) for bar in bars] == [
        MODEL_COLORS["course MLP"].lower(), MODEL_COLORS["Keras CNN"].lower()]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["course MLP", "Keras CNN"]


def test_model_comparison_draws_every_seed_and_the_range():
    ax = plot_model_comparison(ACCURACIES).axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    ranges = [line for line in ax.lines if line.get_marker() in ("None", "", None)]
    np.testing.assert_allclose(dots[1].get_xdata(), [90.5, 91.0, 90.7])
    np.testing.assert_allclose(ranges[0].get_xdata(), [87.9, 88.4])
    assert "3 seeds" in ax.texts[0].get_text()


def test_model_comparison_with_times_has_a_second_panel():
    fig = plot_model_comparison(ACCURACIES, {"course MLP": [1, 2, 3], "Keras CNN": [30, 31, 29]})
    assert len(fig.axes) == 2
    np.testing.assert_allclose([bar.get_width() for bar in fig.axes[1].patches], [2, 30])


@pytest.mark.parametrize("bad", [{"course MLP": [88.1, 88.4]}, {"course MLP": []}, {}])
def test_model_comparison_refuses_accuracies_that_are_not_fractions(bad):
    with pytest.raises(ValueError, match="plot_model_comparison"):
        plot_model_comparison(bad)


def test_model_comparison_names_an_unknown_model():
    with pytest.raises(KeyError, match="No course colour for 'my net'"):
        plot_model_comparison({"my net": [0.5]})


def test_curves_over_seeds_draw_the_mean_and_a_band_per_setting():
    curves = {"a": [[0.5, 0.6], [0.7, 0.8]], "b": [[0.1, 0.2], [0.1, 0.2]]}
    ax = plot_curves_over_seeds(curves).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [60, 70])
    assert len(ax.collections) == 2
    assert ax.lines[0].get_label().startswith("a (mean of 2 seeds")
    assert list(ax.get_xticks()) == [1, 2]


def test_curves_over_seeds_refuse_curves_of_different_lengths():
    with pytest.raises(ValueError, match="one curve per seed"):
        plot_curves_over_seeds({"a": [[0.5, 0.6], [0.7]]})
