"""Seed-run figure: every run as a dot in the model's colour, accuracy in percent."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.plotting.palette import MODEL_COLORS  # noqa: E402
from course_utils.plotting.seed_runs import plot_seed_runs  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_seed_runs_show_each_run_in_the_models_colour_in_percent():
    fig = plot_seed_runs({"course MLP": [0.93, 0.94, 0.92], "MLPClassifier": [0.91, 0.92]},
                         n_test=1000, colors={"course MLP": "course MLP",
                                              "MLPClassifier": "MLPClassifier"})
    ax = fig.axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    np.testing.assert_allclose(dots[0].get_xdata(), [93.0, 94.0, 92.0])
    assert to_hex(dots[0].get_color()) == MODEL_COLORS["course MLP"].lower()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["MLPClassifier", "course MLP"]
    assert "%" in ax.get_xlabel() and "1,000" in ax.get_xlabel()


def test_seed_runs_refuse_accuracies_in_percent():
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        plot_seed_runs({"m": [93.0, 94.0]}, n_test=1000)
