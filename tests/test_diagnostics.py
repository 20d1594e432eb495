"""Diagnostics flag collapsed nets, dead ReLUs and vanishing gradients, pass healthy ones."""

import copy

import numpy as np
import pytest

from course_utils.diagnostics import (
    activation_norms,
    class_distribution,
    dead_relu_fraction,
    gradient_norms,
    layer_outputs,
    layer_report,
    overfit_small_batch,
    prediction_distribution,
    train_test_mismatch,
)
from course_utils.mlp import MLP


@pytest.fixture(scope="module")
def blobs():
    """Four well-separated Gaussian blobs in 10-D, 50 points each (float32)."""
    rng = np.random.default_rng(0)
    centres = 3 * rng.standard_normal((4, 10))
    y = np.repeat(np.arange(4), 50)
    X = (centres[y] + 0.5 * rng.standard_normal((200, 10))).astype(np.float32)
    return X, y


@pytest.fixture(scope="module")
def healthy(blobs):
    X, y = blobs
    return MLP((16,), epochs=20, batch_size=20, learning_rate=0.1, seed=0).fit(X, y)


def test_healthy_network_is_not_flagged_as_collapsed(blobs, healthy):
    X, y = blobs
    report = prediction_distribution(healthy, X)
    assert not report.collapsed
    assert report.counts.sum() == 200 and report.never_predicted == []
    assert str(report).startswith("OK")


def test_network_with_huge_negative_biases_on_all_but_one_output_is_collapsed(blobs, healthy):
    X, _ = blobs
    broken = copy.deepcopy(healthy)
    broken.intercepts_[-1][:] = -1e4
    broken.intercepts_[-1][2] = 0.0
    report = prediction_distribution(broken, X)
    assert report.collapsed
    assert report.most_common == 2 and report.top_fraction == 1.0
    np.testing.assert_array_equal(report.counts, [0, 0, 200, 0])
    assert report.never_predicted == [0, 1, 3]
    assert "COLLAPSED" in str(report) and "class 2" in str(report)


def test_a_network_with_nan_weights_is_collapsed_and_the_message_says_why(blobs, healthy):
    X, _ = blobs
    broken = copy.deepcopy(healthy)
    broken.coefs_[0][0, 0] = np.nan
    report = prediction_distribution(broken, X)
    assert report.collapsed
    assert "200 of the 200 outputs are NaN or infinite" in str(report)
    assert "NaN" not in str(prediction_distribution(healthy, X))


def test_class_distribution_uses_the_threshold_on_the_top_share():
    preds = np.array([1] * 6 + [0] * 4)
    assert class_distribution(preds, 3, threshold=0.6).collapsed
    assert not class_distribution(preds, 3, threshold=0.7).collapsed
    np.testing.assert_allclose(class_distribution(preds, 3).fractions, [0.4, 0.6, 0.0])


def test_class_distribution_rejects_probabilities_with_a_hint():
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        class_distribution(np.full((4, 3), 1 / 3), 3)
    with pytest.raises(ValueError, match="must lie in 0..2"):
        class_distribution(np.array([0, 3]), 3)


def test_all_dead_relus_are_detected_and_a_healthy_layer_is_mostly_alive(blobs, healthy):
    X, _ = blobs
    assert dead_relu_fraction(healthy, X)["ReLU 1"] < 0.5
    dead = copy.deepcopy(healthy)
    dead.intercepts_[0][:] = -1e3  # every pre-activation negative
    assert dead_relu_fraction(dead, X) == {"ReLU 1": 1.0}
    # a dead layer passes no gradient to the weights in front of it
    assert gradient_norms(dead, X, blobs[1])["W1"] == 0.0


def test_dead_relu_fraction_counts_units_dead_on_every_sample():
    model = MLP((4,), dtype=np.float64).initialize(2, 2)
    model.coefs_[0][:] = [[1.0, -1.0, 1.0, -1.0], [0.0, 0.0, 0.0, 0.0]]
    model.intercepts_[0][:] = [0.0, 0.0, 5.0, -5.0]
    X = np.array([[1.0, 0.0], [2.0, 0.0]])  # x > 0: unit 1 and unit 3 never fire
    assert dead_relu_fraction(model, X) == {"ReLU 1": 0.5}


def test_dead_relu_fraction_requires_relu_layers():
    model = MLP((4,), activation="tanh").initialize(3, 2)
    with pytest.raises(ValueError, match="no ReLU layers"):
        dead_relu_fraction(model, np.ones((2, 3), np.float32))


def test_activation_norms_are_root_mean_squares_of_layer_outputs(blobs, healthy):
    X, _ = blobs
    norms = activation_norms(healthy, X)
    assert list(norms) == ["Dense 1", "ReLU 1", "Dense 2"]
    logits = healthy.forward(X)
    assert norms["Dense 2"] == pytest.approx(np.sqrt(np.mean(logits.astype(np.float64) ** 2)))
    outputs = dict(layer_outputs(healthy, X))
    assert outputs["ReLU 1"].min() >= 0


def test_gradient_norms_reveal_vanishing_gradients_in_a_deep_sigmoid_net():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    deep = MLP((32,) * 6, activation="sigmoid", init="xavier", seed=0).initialize(20, 3)
    relu = MLP((32,) * 6, activation="relu", init="he", seed=0).initialize(20, 3)
    g_sig, g_relu = gradient_norms(deep, X, y), gradient_norms(relu, X, y)
    assert list(g_sig)[:2] == ["W1", "b1"]
    assert g_sig["W1"] < 0.01 * g_sig["W7"]  # the first layer barely learns
    assert g_relu["W1"] > 0.1 * g_relu["W7"]


def test_layer_report_has_one_row_per_dense_layer(blobs, healthy):
    X, y = blobs
    lines = layer_report(healthy, X, y).splitlines()
    assert len(lines) == 3 and "dead ReLU" in lines[0]
    assert lines[1].split()[:2] == ["1", "16"] and lines[1].split()[3].endswith("%")
    assert lines[2].split()[:2] == ["2", "4"] and lines[2].split()[3] == "-"


def test_overfit_small_batch_passes_for_a_working_network(blobs):
    X, y = blobs
    model = MLP((32,), learning_rate=0.5, seed=0)
    report = overfit_small_batch(model, X, y, n_samples=16, steps=150)
    assert report.passed, report.message
    assert report.accuracy == 1.0 and report.final_loss < 0.05
    assert report.losses[0] > 10 * report.final_loss
    assert not hasattr(model, "layers_")  # the network passed in is untouched


def test_overfit_small_batch_fails_when_labels_are_noise_and_the_net_is_tiny():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((64, 5)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    report = overfit_small_batch(MLP((1,), learning_rate=0.1), X, y, n_samples=64, steps=50)
    assert not report.passed
    assert report.message.startswith("FAILED")


def test_overfit_small_batch_reports_a_diverging_learning_rate(blobs):
    X, y = blobs
    report = overfit_small_batch(MLP((16,), learning_rate=1e6), X * 100, y, steps=20)
    assert not report.passed
    assert "NaN/inf" in report.message and "learning rate is too large" in report.message


def test_diagnostics_need_a_network_with_weights_and_matching_inputs(healthy):
    with pytest.raises(RuntimeError, match="no weights yet"):
        activation_norms(MLP(), np.ones((2, 10), np.float32))
    with pytest.raises(ValueError, match="expects 10"):
        activation_norms(healthy, np.ones((2, 9), np.float32))
    with pytest.raises(TypeError, match="dtype float64"):
        activation_norms(healthy, np.ones((2, 10)))


# ------------------------------------------------------------------ train/inference mismatch


def test_a_test_set_prepared_like_the_training_set_shows_no_mismatch(blobs, healthy):
    X, y = blobs
    report = train_test_mismatch(healthy, X[::2], X[1::2], y_train=y[::2])
    assert report.cause is None and str(report).startswith("OK")
    assert report.scale_ratio == pytest.approx(1.0, abs=0.2)


def test_test_inputs_left_unscaled_are_named_with_their_scale_ratio(blobs, healthy):
    X, _ = blobs
    report = train_test_mismatch(healthy, X, X * np.float32(255))
    assert report.cause == "inputs scaled differently"
    assert report.scale_ratio == pytest.approx(255, rel=1e-4)
    assert "255 times larger" in str(report) and "unscaled" in str(report)


def test_test_inputs_scaled_twice_are_named(blobs, healthy):
    X, _ = blobs
    report = train_test_mismatch(healthy, X, X / np.float32(255))
    assert report.cause == "inputs scaled differently" and "scaled twice" in str(report)


def test_shifted_test_inputs_are_named(blobs, healthy):
    X, _ = blobs
    report = train_test_mismatch(healthy, X, X + np.float32(X.std()))
    assert report.cause == "inputs shifted"


def test_labels_from_an_argmax_over_the_wrong_axis_are_named(blobs, healthy):
    X, _ = blobs
    probs = healthy.predict_proba(X)
    report = train_test_mismatch(healthy, X, X, y_pred=probs.argmax(axis=0))
    assert report.cause == "predictions of the wrong shape"
    assert "argmax(axis=0)" in str(report) and report.test_predictions is None
    report = train_test_mismatch(healthy, X, X, y_pred=probs.argmax())
    assert "a single number" in str(report)


def test_a_fresh_network_is_named_as_never_trained(blobs):
    X, _ = blobs
    fresh = MLP((16,), seed=0).initialize(10, 4)
    assert train_test_mismatch(fresh, X, X).cause == "model never trained"


def test_a_trained_network_that_cannot_fit_its_training_labels_is_named(blobs, healthy):
    X, y = blobs
    broken = copy.deepcopy(healthy)
    broken.intercepts_[-1][:] = [-1e4, -1e4, 0.0, -1e4]   # always class 2
    report = train_test_mismatch(broken, X, X, y_train=y)
    assert report.cause == "model does not fit its training data"


def test_test_predictions_collapsed_on_inputs_of_the_right_scale_are_named(blobs, healthy):
    X, y = blobs
    stats = [(abs(X[y == k].mean() - X.mean()), k) for k in range(4)]
    _, k = min(stats)   # the class whose images look most like the whole set on average
    assert abs(X[y == k].mean() - X.mean()) < 0.5 * X.std()
    report = train_test_mismatch(healthy, X, X[y == k])
    assert report.cause == "test predictions collapsed"
    assert f"class {k}" in str(report)


def test_train_test_mismatch_rejects_bad_arguments(blobs, healthy):
    X, _ = blobs
    with pytest.raises(ValueError, match="scale_tolerance"):
        train_test_mismatch(healthy, X, X, scale_tolerance=1)
    with pytest.raises(TypeError, match="dtype"):
        train_test_mismatch(healthy, X, X.astype(np.float64))
