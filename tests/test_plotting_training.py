"""Training figures: right curves, counts, mistakes and weight images, with titles and labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting.training import (  # noqa: E402
    TRAIN_COLOR,
    VAL_COLOR,
    plot_confusion_matrix,
    plot_history,
    show_first_layer_weights,
    show_misclassified,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


HISTORY = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.7, 0.85, 0.9],
           "val_loss": [0.8, 0.6, 0.5], "val_accuracy": [0.75, 0.8, 0.82]}


def test_history_plot_draws_training_and_validation_curves_in_fixed_colours():
    fig = plot_history(HISTORY)
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    for ax in (loss_ax, acc_ax):
        assert [line.get_label() for line in ax.lines] == ["training", "validation"]
        assert [line.get_color() for line in ax.lines] == [TRAIN_COLOR, VAL_COLOR]
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() and ax.get_title()
    np.testing.assert_allclose(acc_ax.lines[0].get_ydata(), [70, 85, 90])
    np.testing.assert_array_equal(loss_ax.lines[1].get_xdata(), [1, 2, 3])


def test_history_plot_without_validation_has_one_curve_per_panel():
    fig = plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.6]})
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]


def test_history_plot_can_start_at_epoch_0_for_a_history_measured_before_training():
    fig = plot_history(HISTORY, first_epoch=0)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), [0, 1, 2])
    assert list(fig.axes[0].get_xticks()) == [0, 1, 2]
    with pytest.raises(ValueError, match="first_epoch"):
        plot_history(HISTORY, first_epoch=-1)


@pytest.mark.parametrize("history", [{"loss": [1.0]}, {"loss": [], "accuracy": []},
                                     {**HISTORY, "val_loss": [0.1]}])
def test_history_plot_rejects_incomplete_histories(history):
    with pytest.raises(ValueError, match="plot_history"):
        plot_history(history)


def test_confusion_matrix_plot_writes_every_count_and_labels_the_axes():
    cm = np.array([[5, 1, 0], [2, 7, 0], [0, 3, 9]])
    fig = plot_confusion_matrix(cm, ["a", "b", "c"])
    ax = fig.axes[0]
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(cm.ravel().tolist())
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]


def test_confusion_matrix_plot_rejects_wrong_names_and_non_square_input():
    with pytest.raises(ValueError, match="2 class names"):
        plot_confusion_matrix(np.eye(3, dtype=int), ["a", "b"])
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.ones((2, 3), dtype=int))


def _panel_titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.images]


def test_misclassified_gallery_shows_only_mistakes_most_confident_first():
    images = np.zeros((5, 784), np.float32)
    y_true = np.array([0, 1, 2, 1, 0])
    y_pred = np.array([0, 2, 2, 0, 1])
    proba = np.full((5, 3), 0.1)
    proba[[1, 3, 4], [2, 0, 1]] = [0.6, 0.9, 0.7]
    fig = show_misclassified(images, y_true, y_pred, proba)
    assert _panel_titles(fig) == ["1 → 0\n(90%)", "0 → 1\n(70%)", "1 → 2\n(60%)"]


def test_misclassified_gallery_respects_n_and_handles_no_mistakes():
    images = np.zeros((4, 28, 28), np.uint8)
    y = np.array([0, 1, 2, 3])
    assert len(_panel_titles(show_misclassified(images, y, y[::-1], n=2))) == 2
    fig = show_misclassified(images, y, y)
    assert _panel_titles(fig) == [] and "no misclassified" in fig.axes[0].texts[0].get_text()


def test_misclassified_gallery_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        show_misclassified(np.zeros((4, 784)), np.zeros(4, int), np.zeros(3, int))


def test_first_layer_weights_are_28x28_images_on_one_symmetric_colour_scale():
    W = np.random.default_rng(0).normal(size=(784, 20)).astype(np.float32)
    fig = show_first_layer_weights(W, n=6)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 6
    limit = np.abs(W[:, :6]).max()
    for unit, image in enumerate(images):
        assert image.get_array().shape == (28, 28)
        np.testing.assert_array_equal(image.get_array(), W[:, unit].reshape(28, 28))
        assert image.get_clim() == pytest.approx((-limit, limit))


def test_first_layer_weights_colour_bar_says_what_the_colours_measure():
    W = np.random.default_rng(1).normal(size=(784, 4)).astype(np.float32)
    default = show_first_layer_weights(W, n=4)
    change = show_first_layer_weights(W, n=4, colorbar_label="change of weight in training")
    assert default.axes[-1].get_ylabel() == "weight"
    assert change.axes[-1].get_ylabel() == "change of weight in training"


def test_first_layer_weights_explains_a_transposed_matrix():
    with pytest.raises(ValueError, match="W.T"):
        show_first_layer_weights(np.zeros((10, 784), np.float32))


def test_normalised_confusion_matrix_colours_row_shares_and_masks_the_diagonal():
    cm = np.array([[90, 10, 0], [5, 45, 0], [0, 1, 9]])
    fig = plot_confusion_matrix(cm)
    shown = fig.axes[0].images[0].get_array()
    assert np.ma.is_masked(shown) and shown.mask[np.diag_indices(3)].all()
    np.testing.assert_allclose(shown.filled(0)[0, 1], 0.1)
    np.testing.assert_allclose(shown.filled(0)[1, 0], 0.1)
    assert "share of the true class" in fig.axes[1].get_ylabel()
    raw = plot_confusion_matrix(cm, normalize=False).axes[0].images[0].get_array()
    assert raw[0, 0] == 90 and not np.ma.is_masked(raw)
