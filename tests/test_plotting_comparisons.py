"""Figures that compare runs: one panel per learning rate, diverged runs marked, accuracies
in %, integer epoch ticks, and clear errors for malformed input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.comparisons import (  # noqa: E402
    plot_histories,
    plot_lr_sweep,
    plot_mean_and_spread,
    plot_schedules,
    plot_seed_spread,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history(n=4, start=0.5):
    acc = list(np.linspace(start, 0.9, n))
    return {"loss": list(np.linspace(2, 0.5, n)), "accuracy": acc,
            "val_loss": list(np.linspace(2, 0.7, n)), "val_accuracy": acc}


def test_lr_sweep_has_one_column_per_learning_rate_and_marks_diverged_runs():
    rates = [0.01, 0.1, 1.0]
    runs = {(key, lr): history() for key in ("sgd", "adam") for lr in rates}
    runs["adam", 1.0] = None
    fig = plot_lr_sweep(runs, rates, {"sgd": "SGD", "adam": "Adam"},
                        colors={"SGD": "#000000", "Adam": "#0072B2"})
    axes = fig.axes
    assert [ax.get_title() for ax in axes[:3]] == ["learning rate 0.01", "learning rate 0.1",
                                                   "learning rate 1"]
    texts = [t.get_text() for t in axes[2].texts]
    assert "Adam: diverged" in texts
    assert [line.get_color() for line in axes[0].lines] == ["#000000", "#0072B2"]
    np.testing.assert_allclose(axes[3].lines[0].get_ydata(), 100 * np.linspace(0.5, 0.9, 4))


def test_lr_sweep_cuts_losses_at_the_limit_and_says_so():
    runs = {("sgd", 1.0): {"loss": [50.0, 3.0, 1.0], "val_accuracy": [0.1, 0.2, 0.3]}}
    fig = plot_lr_sweep(runs, [1.0], {"sgd": "SGD"}, loss_limit=2.5)
    assert max(fig.axes[0].lines[0].get_ydata()) == 2.5
    assert "cut at 2.5" in fig.axes[0].get_ylabel()


def test_lr_sweep_needs_every_run():
    with pytest.raises(ValueError, match="no run for"):
        plot_lr_sweep({("sgd", 0.1): history()}, [0.1, 1.0], {"sgd": "SGD"})


def test_histories_plot_draws_training_dashed_and_validation_solid():
    fig = plot_histories({"a": history(), "b": history(start=0.3)})
    loss_ax, acc_ax = fig.axes
    assert [line.get_linestyle() for line in loss_ax.lines] == ["--", "-", "--", "-"]
    assert acc_ax.get_ylabel() == "accuracy (%)" and loss_ax.get_xlabel() == "epoch"
    assert loss_ax.lines[0].get_color() != loss_ax.lines[2].get_color()


def test_histories_plot_rejects_a_history_without_validation():
    with pytest.raises(ValueError, match="val_loss"):
        plot_histories({"a": {"loss": [1.0], "accuracy": [0.5]}})


def test_seed_spread_shows_each_seed_and_the_mean_in_percent():
    fig = plot_seed_spread({"64": [0.91, 0.92, 0.93], "96": [0.92, 0.93, 0.94]})
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [91, 92, 93])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["64", "96"]


def test_seed_spread_needs_two_seeds_per_setup():
    with pytest.raises(ValueError, match="at least two"):
        plot_seed_spread({"one": [0.9]})


def test_mean_and_spread_draws_the_reference_band_and_one_series_each():
    fig = plot_mean_and_spread({"AdamW": {"x": [1, 0.5], "mean": [0.9, 0.8], "sd": [0.01, 0.02]},
                                "L2": {"x": [0.9, 0.4], "mean": [0.9, 0.85], "sd": [0.0, 0.01]}},
                               "relative size", "accuracy (%)", reference=(0.9, 0.01))
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels[0].startswith("reference") and {"AdamW", "L2"} <= set(labels)


def test_mean_and_spread_rejects_unequal_lengths():
    with pytest.raises(ValueError, match="equal"):
        plot_mean_and_spread({"s": {"x": [1, 2], "mean": [1], "sd": [0]}}, "x", "y")


def test_schedules_plot_starts_at_epoch_one():
    fig = plot_schedules({"constant": [0.1] * 5, "step": [0.1, 0.1, 0.05, 0.05, 0.025]})
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 6))
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "learning rate"


def test_schedules_plot_rejects_negative_rates():
    with pytest.raises(ValueError, match="finite"):
        plot_schedules({"bad": [0.1, -0.1]})
