"""Gradient-descent paths on quadratic losses: the iterates follow the update rule, and the
figures show one panel per learning rate or one line per method."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.optimizers import Momentum  # noqa: E402
from course_utils.plotting.descent import (  # noqa: E402
    descent_path,
    plot_descent_1d,
    plot_descent_2d,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_each_plain_step_multiplies_every_coordinate_by_one_minus_eta_times_curvature():
    path = descent_path([2.0, 0.5], [1.0, -3.0], learning_rate=0.3, steps=4)
    assert path.shape == (5, 2)
    np.testing.assert_allclose(path[:, 0], (1 - 0.3 * 2.0) ** np.arange(5))
    np.testing.assert_allclose(path[:, 1], -3.0 * (1 - 0.3 * 0.5) ** np.arange(5))


def test_a_learning_rate_above_two_over_the_curvature_diverges():
    path = descent_path([1.0], [1.0], learning_rate=2.1, steps=20)
    assert abs(path[-1, 0]) > abs(path[0, 0]) and np.all(np.diff(np.sign(path[:, 0])) != 0)


def test_momentum_path_matches_the_course_momentum_optimiser():
    curvatures, start = np.array([10.0, 0.2]), np.array([0.5, 4.0])
    path = descent_path(curvatures, start, learning_rate=0.05, steps=6, momentum=0.8)
    w, opt = start.copy(), Momentum(learning_rate=0.05, momentum=0.8)
    for k in range(1, 7):
        opt.step([w], [curvatures * w])
        np.testing.assert_allclose(path[k], w)


@pytest.mark.parametrize("kwargs, message", [
    (dict(curvatures=[1.0, -1.0], start=[1.0, 1.0]), "positive"),
    (dict(curvatures=[1.0], start=[1.0, 1.0]), "one per coordinate"),
    (dict(curvatures=[1.0], start=[1.0], momentum=1.0), "momentum"),
    (dict(curvatures=[1.0], start=[1.0], steps=0), "steps"),
])
def test_descent_path_rejects_bad_arguments(kwargs, message):
    arguments = {"learning_rate": 0.1, "steps": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        descent_path(**arguments)


def test_1d_plot_has_one_labelled_panel_per_path():
    paths = {f"eta = {lr}": descent_path([1.0], [1.0], lr, 5)[:, 0] for lr in (0.5, 1.5, 2.1)}
    fig = plot_descent_1d(1.0, paths)
    assert [ax.get_title() for ax in fig.axes] == list(paths)
    assert all(ax.get_xlabel() == "w" and ax.get_ylabel() for ax in fig.axes)


def test_1d_plot_rejects_a_path_with_one_point():
    with pytest.raises(ValueError, match="two finite"):
        plot_descent_1d(1.0, {"one": [1.0]})


def test_2d_plot_draws_each_path_in_its_colour():
    paths = {"SGD": descent_path([10, 0.5], [3, 1], 0.18, 10),
             "momentum": descent_path([10, 0.5], [3, 1], 0.05, 10, momentum=0.8)}
    fig = plot_descent_2d([10, 0.5], paths, colors={"SGD": "#000000", "momentum": "#E69F00"})
    lines = {line.get_label(): line.get_color() for line in fig.axes[0].lines}
    assert lines["SGD"] == "#000000" and lines["momentum"] == "#E69F00"
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel() and fig.axes[0].get_title()


def test_2d_plot_rejects_paths_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(k, 2\)"):
        plot_descent_2d([1, 2], {"bad": np.zeros((4, 3))})
