"""The training playground, driven headlessly: set controls, call the Train callback, inspect."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.widgets.playground import (  # noqa: E402
    HIDDEN_CHOICES,
    L2_CHOICES,
    Settings,
    describe_run,
    make_model,
    redraw_epochs,
    training_playground,
)


@pytest.fixture(scope="module")
def data():
    """Three separable blobs in 12-D: 150 training and 60 validation points (float32)."""
    rng = np.random.default_rng(0)
    centres = 2 * rng.standard_normal((3, 12))

    def sample(n):
        y = rng.integers(0, 3, n)
        return (centres[y] + 0.7 * rng.standard_normal((n, 12))).astype(np.float32), y

    X_tr, y_tr = sample(150)
    X_val, y_val = sample(60)
    return X_tr, y_tr, X_val, y_val


@pytest.fixture
def playground(data):
    return training_playground(*data, max_epochs=10, seed=0)


def test_playground_starts_untrained_with_the_default_settings(playground):
    assert playground.settings() == Settings(epochs=10)
    assert playground.progress.value == 0 and playground.runs_ == 0
    assert playground.history_ == {} and playground.model_ is None
    assert "press <b>Train</b>" in playground.status.value
    assert playground.epochs.max == 10
    assert list(playground.hidden_units.options) == list(HIDDEN_CHOICES)
    assert [value for _, value in playground.l2.options] == list(L2_CHOICES)


def test_train_callback_trains_for_the_chosen_epochs_and_fills_progress_plot_and_status(
        playground):
    playground.epochs.value = 4
    playground.optimizer.value = "adam"
    playground.learning_rate.value = 1e-2
    model = playground.train()
    assert playground.runs_ == 1 and playground.model_ is model
    assert len(playground.history_["loss"]) == 4 and len(playground.history_["val_loss"]) == 4
    assert playground.progress.value == playground.progress.max == 4
    assert playground.progress.bar_style == "success"
    assert playground.redraws_ == 4  # one redraw per epoch: the plot is live
    assert playground.history_["loss"][-1] < playground.history_["loss"][0]
    assert "Adam" in playground.status.value and "after 4 epochs" in playground.status.value
    assert not playground.train_button.disabled


def test_long_runs_redraw_the_plot_at_most_max_redraws_times(playground):
    playground.epochs.value = 10
    playground.train()
    assert playground.redraws_ == 5  # after epochs 2, 4, 6, 8, 10
    assert playground.progress.value == 10


def test_redraw_epochs_are_evenly_spaced_and_include_the_last():
    assert redraw_epochs(20, 8) == [3, 6, 9, 12, 15, 18, 20]
    assert redraw_epochs(5, 8) == [1, 2, 3, 4, 5]
    assert redraw_epochs(1, 8) == [1]
    assert all(len(redraw_epochs(n, 8)) <= 8 for n in range(1, 60))


def test_the_controls_reach_the_network(playground):
    playground.hidden_units.value = 16
    playground.l2.value = 1e-3
    playground.dropout.value = 0.3
    playground.optimizer.value = "nesterov"
    playground.epochs.value = 1
    model = playground.train()
    assert model.coefs_[0].shape == (12, 16)
    assert model.l2 == 1e-3 and model.dropout == pytest.approx(0.3)
    assert model.optimizer_.nesterov and model.optimizer_.momentum == 0.9


def test_same_settings_and_seed_give_the_same_curves(data):
    first = training_playground(*data, max_epochs=5, seed=3)
    second = training_playground(*data, max_epochs=5, seed=3)
    first.dropout.value = second.dropout.value = 0.2
    first.train()
    second.train()
    assert first.history_ == second.history_


def test_a_second_run_restarts_the_progress_bar_and_replaces_the_history(playground):
    playground.epochs.value = 3
    playground.train()
    playground.epochs.value = 2
    playground.train()
    assert playground.runs_ == 2
    assert playground.progress.max == 2 and playground.progress.value == 2
    assert len(playground.history_["loss"]) == 2


def test_clicking_the_button_runs_the_callback(playground):
    playground.epochs.value = 1
    playground.train_button.click()
    assert playground.runs_ == 1 and len(playground.history_["loss"]) == 1


def test_a_diverging_run_stops_early_and_says_so(data):
    X_tr, y_tr, X_val, y_val = data
    pg = training_playground(X_tr * 1e4, y_tr, X_val * 1e4, y_val, max_epochs=10)
    pg.learning_rate.value = 1.0
    pg.epochs.value = 10
    pg.train()
    assert len(pg.history_["loss"]) < 10  # stopped at the first non-finite loss
    assert not np.isfinite(pg.history_["loss"][-1])
    assert pg.progress.bar_style == "danger"
    assert "diverged" in pg.status.value


def test_describe_run_reports_settings_and_last_epoch():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.6],
               "val_accuracy": [0.45, 0.75]}
    text = describe_run(history, Settings(learning_rate=0.001, optimizer="rmsprop"))
    assert text.startswith("RMSProp, learning rate 0.001")
    assert "after 2 epochs" in text and "training accuracy 80.0%" in text
    assert "validation accuracy 75.0%" in text
    assert describe_run({}, Settings()).endswith("not trained yet.")


def test_make_model_builds_one_hidden_relu_layer_with_dropout():
    model = make_model(Settings(hidden_units=8, dropout=0.5, optimizer="adam"), seed=1)
    model.initialize(5, 3)
    assert [type(layer).__name__ for layer in model.layers_] == ["Dense", "ReLU", "Dropout",
                                                                 "Dense"]


def test_playground_rejects_partial_or_unscaled_data(data):
    X_tr, y_tr, X_val, y_val = data
    with pytest.raises(ValueError, match="all four"):
        training_playground(X_tr, y_tr)
    with pytest.raises(ValueError, match="float32"):
        training_playground(X_tr.astype(np.float64), y_tr, X_val, y_val)
    with pytest.raises(ValueError, match="max_epochs"):
        training_playground(*data, max_epochs=500)
