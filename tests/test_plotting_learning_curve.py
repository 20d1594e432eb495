"""Learning-curve figure: accuracy in percent, the trained sizes as ticks, course colours."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.plotting.learning_curve import CURVE_COLORS, Curve, plot_learning_curves  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_learning_curves_are_drawn_in_percent_with_the_trained_sizes_as_ticks():
    acc = np.array([[0.80, 0.82], [0.90, 0.92]])
    fig = plot_learning_curves([Curve([250, 500], acc, "mnist-5k")], mark=500, mark_label="4,000")
    ax = fig.axes[0]
    line = ax.containers[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), [81.0, 91.0])
    assert to_hex(line.get_color()) == CURVE_COLORS[0].lower()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["250", "500"]
    assert ax.get_xscale() == "log" and "%" in ax.get_ylabel() and ax.get_title()
    assert any("mean ± sd of 2 seeds" in t.get_text() for t in ax.get_legend().get_texts())


def test_learning_curves_refuse_a_curve_with_one_seed():
    with pytest.raises(ValueError, match="n_seeds >= 2"):
        plot_learning_curves([Curve([250], np.array([[0.8]]), "x")])
