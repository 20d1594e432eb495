"""The training playground, driven headlessly: set controls, call the Train callback, inspect."""

import base64

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.widgets.playground import (  # noqa: E402
    HIDDEN_CHOICES,
    L2_CHOICES,
    Settings,
    describe_run,
    judge_run,
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
    assert all(np.isfinite(pg.history_["loss"]))   # only the epochs that finished are kept
    assert pg.progress.bar_style == "danger"
    assert "diverged" in pg.status.value and "epoch" in pg.status.value


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


# ---- failed runs: a red bar and the reason, never a green bar -----------------------------

class ScriptedModel:
    """Stands in for ``MLP``: ``fit`` replays a scripted history through the callbacks."""

    def __init__(self, losses, accuracies, callbacks, raise_at=None):
        self.losses, self.accuracies, self.callbacks = losses, accuracies, callbacks
        self.raise_at = raise_at
        self.history_ = {}

    def fit(self, X, y, X_val=None, y_val=None):
        self.history_ = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        for epoch, (loss, acc) in enumerate(zip(self.losses, self.accuracies, strict=True)):
            if epoch == self.raise_at:
                raise FloatingPointError(f"the loss became inf in epoch {epoch + 1}")
            for key, value in (("loss", loss), ("accuracy", acc), ("val_loss", loss),
                               ("val_accuracy", acc)):
                self.history_[key].append(value)
            for callback in self.callbacks:
                callback.on_epoch_end(self, epoch, self.history_)
        return self


def scripted(monkeypatch, losses, accuracies, raise_at=None):
    from course_utils.widgets import playground as module

    monkeypatch.setattr(module, "make_model", lambda settings, seed, callbacks: ScriptedModel(
        losses, accuracies, callbacks, raise_at))


def test_a_loss_spike_that_ends_near_chance_is_a_failure_on_a_log_scale(playground, monkeypatch):
    scripted(monkeypatch, [254.0, 2.4, 2.3], [0.10, 0.11, 0.12])
    playground.epochs.value = 3
    playground.train()
    assert playground.progress.bar_style == "danger"
    assert "failed" in playground.status.value and "exploded to 254" in playground.status.value
    assert playground.log_loss.value  # ticked for the student: the spike flattens the curve


def test_a_floating_point_error_from_fit_ends_the_run_as_a_failure_with_its_message(
        playground, monkeypatch):
    scripted(monkeypatch, [2.0, 1.5, 1.0], [0.5, 0.6, 0.7], raise_at=1)
    playground.epochs.value = 3
    playground.train()
    assert playground.progress.bar_style == "danger"
    assert "the loss became inf in epoch 2" in playground.status.value
    assert "<b>failed</b> after 1 of 3 epochs" in playground.status.value
    assert not playground.train_button.disabled


def test_a_run_that_stays_near_chance_is_a_failure(playground, monkeypatch):
    scripted(monkeypatch, [1.10, 1.09], [0.34, 0.35])  # three classes: chance is 33 %
    playground.epochs.value = 2
    playground.train()
    assert playground.progress.bar_style == "danger" and "near chance" in playground.status.value


def test_judge_run_names_each_way_a_run_fails_and_accepts_a_run_that_learned():
    good = {"loss": [2.0, 0.5], "accuracy": [0.6, 0.9]}
    assert judge_run(good, 10) is None
    assert "diverged" in judge_run({"loss": [2.0, float("nan")], "accuracy": [0.5, 0.1]}, 10)
    spike = judge_run({"loss": [254.0, 2.3], "accuracy": [0.1, 0.9]}, 10)
    assert "exploded to 254 in epoch 1" in spike
    assert "near chance" in judge_run({"loss": [2.3, 2.29], "accuracy": [0.1, 0.12]}, 10)
    assert "near chance" in judge_run({"loss": [2.0, 1.9], "accuracy": [0.9, 0.9],
                                       "val_loss": [2.1, 2.0], "val_accuracy": [0.1, 0.1]}, 10)
    assert judge_run({}, 10) is None
    with pytest.raises(ValueError, match="n_classes"):
        judge_run(good, 1)


# ---- the browser-facing details ---------------------------------------------------------

def test_a_second_click_that_arrives_as_a_run_ends_is_ignored(playground):
    now = [100.0]
    playground._clock = lambda: now[0]
    playground.epochs.value = 1
    playground.train_button.click()
    playground.train_button.click()  # queued while the first run was going: same instant
    assert playground.runs_ == 1 and playground.ignored_clicks_ == 1
    now[0] += 2.0  # a click after the student has seen the result
    playground.train_button.click()
    assert playground.runs_ == 2 and "Run 2:" in playground.status.value


def test_every_control_has_a_tooltip_saying_what_it_does(playground):
    controls = [playground.learning_rate, playground.optimizer, playground.hidden_units,
                playground.l2, playground.dropout, playground.epochs, playground.log_loss,
                playground.train_button, playground.progress]
    assert all(isinstance(c.tooltip, str) and len(c.tooltip) > 20 for c in controls)


def test_plain_text_repr_is_one_friendly_line_and_a_saved_copy_carries_the_figure(playground):
    assert "children=" not in repr(playground) and "run the notebook" in repr(playground)
    assert "image/png" not in playground._repr_mimebundle_()
    playground.epochs.value = 2
    playground.train()
    text = repr(playground)
    assert text.startswith("Training playground after run 1: 2 epochs, validation accuracy")
    assert len(text) <= 110
    bundle = playground._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_names_the_epoch_and_the_plot_title_names_no_epoch(playground, monkeypatch):
    from course_utils.widgets import playground as module

    figures = []
    real_plot = module.plot_history
    monkeypatch.setattr(module, "plot_history",
                        lambda h, title: figures.append(real_plot(h, title)) or figures[-1])
    playground.epochs.value = 7
    playground.train()
    assert playground.progress.description == "epoch 7 of 7"
    titles = [fig._suptitle.get_text() for fig in figures]
    assert titles and not any("epoch" in t for t in titles)
    playground.log_loss.value = True  # redraws the finished run with a log-scale loss axis
    assert figures[-1].axes[0].get_yscale() == "log"
    assert figures[-2].axes[0].get_yscale() == "linear"
