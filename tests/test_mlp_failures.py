"""Training that says when it went wrong: divergence, exploding losses, unscaled inputs,
degenerate labels. Each failure is reported where it happens, in words a student can act on."""

import re
import warnings

import numpy as np
import pytest

from course_utils.data import load_dataset
from course_utils.mlp import MLP, TrainingDivergedError, UnscaledInputWarning
from course_utils.preprocessing import Standardizer, flatten, scale_to_unit


def _unit_data(n=256, d=20, k=4, seed=0):
    """Inputs in [0, 1) (like scaled pixels) and balanced labels 0..k-1."""
    rng = np.random.default_rng(seed)
    return rng.random((n, d), dtype=np.float32), np.arange(n) % k


def test_a_huge_learning_rate_stops_training_at_the_first_non_finite_loss():
    X, y = _unit_data()
    model = MLP(hidden_sizes=(16,), learning_rate=1e30, batch_size=32, epochs=5)
    with pytest.raises(TrainingDivergedError) as info:
        model.fit(X, y)
    err = info.value
    assert isinstance(err, FloatingPointError)
    assert not np.isfinite(err.loss)
    # 1-based, as a student counts; the first batch's loss is computed before any update
    assert err.epoch >= 1 and err.batch >= 1 and (err.epoch, err.batch) != (1, 1)
    message = str(err)
    assert f"epoch {err.epoch}, batch {err.batch} of 8" in message
    assert "smaller learning rate" in message and "1e+30" in message
    assert "scale_to_unit" in message
    # the epochs that did finish are kept, and no NaN is recorded as if it were a loss
    assert err.history["loss"] == model.history_["loss"]
    assert len(err.history["loss"]) == err.epoch - 1
    assert all(np.isfinite(value) for value in err.history["loss"])


def test_the_learning_rate_named_is_the_optimizers_when_one_is_given():
    from course_utils.optimizers import SGD

    X, y = _unit_data()
    with pytest.raises(TrainingDivergedError, match=r"smaller learning rate \(now 1e\+25;"):
        MLP(hidden_sizes=(16,), optimizer=SGD(1e25), batch_size=32, epochs=3).fit(X, y)


def test_a_loss_that_grows_more_than_100x_warns_once_and_names_where():
    # softmax regression stays finite for any finite weights, so the loss explodes without NaN
    X, y = _unit_data()
    model = MLP(hidden_sizes=(), learning_rate=1e4, batch_size=32, epochs=3)
    with pytest.warns(RuntimeWarning, match=r"loss exploded") as record:
        model.fit(X, y)
    explosions = [w for w in record if "loss exploded" in str(w.message)]
    assert len(explosions) == 1
    text = str(explosions[0].message)
    assert re.search(r"epoch 1, batch \d+ of 8", text)
    assert "smaller learning rate" in text
    assert max(model.history_["loss"]) > 100 * np.log(4)  # the loss really did explode


def test_a_healthy_run_whose_loss_falls_to_near_zero_and_fluctuates_does_not_warn():
    # memorising random labels with small batches: late batch losses swing by large factors
    # relative to each other, but never exceed the loss at the start of training
    X, y = _unit_data(n=64, d=20, k=10)
    y = np.random.default_rng(1).integers(0, 10, size=64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MLP(hidden_sizes=(64,), learning_rate=0.5, batch_size=8, epochs=150).fit(X, y)
    assert model.history_["loss"][-1] < 0.01 * model.history_["loss"][0]


def test_a_network_whose_last_update_made_the_weights_non_finite_is_reported():
    # one batch per epoch and one epoch: the only loss is computed before the update
    X, y = _unit_data(n=32)
    with pytest.raises(TrainingDivergedError, match="weights"):
        MLP(hidden_sizes=(16,), learning_rate=1e39, batch_size=32, epochs=1).fit(X, y)


def test_float_pixels_in_0_to_255_warn_once_naming_the_maximum_and_the_fix():
    X, y = _unit_data()
    raw = np.floor(X * 256).astype(np.float32)  # 0..255, not scaled
    with pytest.warns(UnscaledInputWarning) as record:
        MLP(hidden_sizes=(8,), learning_rate=1e-4, epochs=3).fit(raw, y, raw[:32], y[:32])
    unscaled = [w for w in record if issubclass(w.category, UnscaledInputWarning)]
    assert len(unscaled) == 1
    text = str(unscaled[0].message)
    assert "255" in text and "scale_to_unit" in text
    assert unscaled[0].filename == __file__  # points at the caller's line, not at mlp.py


@pytest.fixture(scope="module")
def standardised_mnist(tmp_path_factory):
    """The embedded MNIST subset, z-scored with the training statistics. Rare pixels make
    z-scores of tens in training and of hundreds in the test set (measured: 63 and 222)."""
    data = load_dataset("mnist-5k", cache_dir=tmp_path_factory.mktemp("data"))
    train = flatten(scale_to_unit(data.train_images))
    test = flatten(scale_to_unit(data.test_images))
    scaler = Standardizer.fit(train)
    return scaler.transform(train), data.train_labels, scaler.transform(test), data.test_labels


def test_standardised_mnist_does_not_look_unscaled_although_its_z_scores_reach_hundreds(
        standardised_mnist):
    Z_train, y_train, Z_test, y_test = standardised_mnist
    assert Z_test.max() > 100 and Z_train.max() > 10  # the case the rule must not flag
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnscaledInputWarning)
        MLP(hidden_sizes=(8,), learning_rate=0.01, epochs=1).fit(Z_train[:500], y_train[:500])
        MLP(hidden_sizes=(8,), learning_rate=0.01, epochs=1).fit(Z_test, y_test)


def test_inputs_scaled_to_the_unit_interval_do_not_warn():
    X, y = _unit_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MLP(hidden_sizes=(8,), epochs=2).fit(X, y)


@pytest.mark.parametrize("n_classes", [None, 10])
def test_labels_of_a_single_class_are_refused_at_fit(n_classes):
    X, _ = _unit_data()
    with pytest.raises(ValueError, match=r"only one class \(3\).*at least two"):
        MLP(hidden_sizes=(8,), epochs=1, n_classes=n_classes).fit(X, np.full(len(X), 3))


def test_scoring_on_a_class_missing_from_training_says_why_and_how_to_fix_it():
    X, y = _unit_data(k=10)
    seen = y < 9  # class 9 never appears in training: the network infers 9 classes
    model = MLP(hidden_sizes=(8,), epochs=1).fit(X[seen], y[seen])
    with pytest.raises(ValueError) as info:
        model.score(X, y)
    message = str(info.value)
    assert "0..8" in message and "label 9" in message
    assert "largest training label" in message and "n_classes=10" in message


def test_validation_labels_beyond_the_inferred_classes_give_the_same_explanation():
    X, y = _unit_data(k=10)
    seen = y < 9
    with pytest.raises(ValueError, match=r"n_classes=10"):
        MLP(hidden_sizes=(8,), epochs=1).fit(X[seen], y[seen], X, y)


def test_an_explicit_n_classes_keeps_the_plain_range_message():
    X, y = _unit_data(k=4)
    model = MLP(hidden_sizes=(8,), epochs=1, n_classes=4).fit(X, y)
    with pytest.raises(ValueError, match=r"0\.\.3") as info:
        model.score(X[:2], np.array([0, 7]))
    assert "inferred" not in str(info.value)
