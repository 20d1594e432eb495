"""Per-layer histograms: one panel per layer and network, each row on its first layer's range."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.activations import plot_layer_histograms  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_layer_histograms_keep_the_first_layers_range_along_each_row():
    rng = np.random.default_rng(0)
    rows = {"shrinking": [rng.normal(0, s, 500) for s in (1.0, 0.5, 0.25)],
            "steady": [rng.normal(0, 1, 500) for _ in range(3)]}
    fig = plot_layer_histograms(rows)
    assert len(fig.axes) == 6
    first, third = fig.axes[0], fig.axes[2]
    assert first.get_xlim() == pytest.approx(third.get_xlim())
    assert first.texts[0].get_text().startswith("RMS")


def test_layer_histograms_need_the_same_number_of_layers_per_row():
    with pytest.raises(ValueError, match="same"):
        plot_layer_histograms({"a": [np.ones(3)], "b": [np.ones(3), np.ones(3)]})
