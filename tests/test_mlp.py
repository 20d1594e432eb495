"""The MLP: learns, is reproducible, keeps float32, uses scikit-learn's layout, refuses bad data."""

import warnings

import numpy as np
import pytest

from course_utils.layers import Dense, ReLU
from course_utils.mlp import MLP
from course_utils.optimizers import SGD


def _data(n=64, d=20, k=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = np.arange(n) % k
    return X, y


def test_tiny_network_overfits_64_samples_to_full_training_accuracy():
    X, y = _data(n=64, d=20, k=10)  # random labels: only memorisation can fit them
    net = MLP(hidden_sizes=(64,), learning_rate=0.2, batch_size=16, epochs=150).fit(X, y)
    assert net.score(X, y) == 1.0
    assert net.history_["loss"][-1] < 0.1 * net.history_["loss"][0]


def test_training_is_reproducible_with_a_seed_and_differs_with_another():
    X, y = _data()
    X_val, y_val = _data(n=16, seed=1)
    a, b, c = (MLP(hidden_sizes=(8,), epochs=3, seed=s).fit(X, y, X_val, y_val)
               for s in (5, 5, 6))
    assert a.history_ == b.history_
    for Wa, Wb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    assert a.history_ != c.history_


def test_history_has_one_entry_per_epoch_and_validation_keys_only_with_validation_data():
    X, y = _data()
    plain = MLP(hidden_sizes=(8,), epochs=4).fit(X, y)
    assert set(plain.history_) == {"loss", "accuracy"}
    assert all(len(v) == 4 for v in plain.history_.values())
    with_val = MLP(hidden_sizes=(8,), epochs=4).fit(X, y, X[:10], y[:10])
    assert set(with_val.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(isinstance(v, float) for values in with_val.history_.values() for v in values)


def test_validation_history_is_the_loss_and_accuracy_after_each_epoch():
    X, y = _data()
    net = MLP(hidden_sizes=(8,), epochs=2).fit(X, y, X[:16], y[:16])
    logits = net.forward(X[:16])
    log_p = logits - logits.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    assert net.history_["val_loss"][-1] == pytest.approx(-log_p[np.arange(16), y[:16]].mean(),
                                                          rel=1e-5)
    assert net.history_["val_accuracy"][-1] == net.score(X[:16], y[:16])


def test_layers_alternate_dense_and_activation_and_first_layer_skips_dx():
    net = MLP(hidden_sizes=(8, 6)).initialize(n_features=5, n_classes=3)
    assert [type(layer) for layer in net.layers_] == [Dense, ReLU, Dense, ReLU, Dense]
    assert net.layers_[0].compute_dx is False and net.layers_[2].compute_dx is True


def test_no_hidden_layer_is_softmax_regression():
    X, y = _data()
    net = MLP(hidden_sizes=(), epochs=2).fit(X, y)
    assert len(net.layers_) == 1 and net.coefs_[0].shape == (20, 4)
    np.testing.assert_allclose(net.forward(X), X @ net.coefs_[0] + net.intercepts_[0], rtol=1e-5)


def test_coefs_and_intercepts_use_sklearn_layout_and_are_the_trained_arrays():
    X, y = _data()
    net = MLP(hidden_sizes=(8, 6), epochs=1).fit(X, y)
    assert [W.shape for W in net.coefs_] == [(20, 8), (8, 6), (6, 4)]
    assert [b.shape for b in net.intercepts_] == [(8,), (6,), (4,)]
    assert net.coefs_[0] is net.layers_[0].W
    assert all(W.dtype == np.float32 for W in net.coefs_ + net.intercepts_)


def test_weights_copied_into_sklearn_mlpclassifier_give_the_same_probabilities():
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = _data()
    net = MLP(hidden_sizes=(8,), epochs=3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=1).fit(X, y)
    clf.coefs_ = [W.copy() for W in net.coefs_]
    clf.intercepts_ = [b.copy() for b in net.intercepts_]
    np.testing.assert_allclose(clf.predict_proba(X), net.predict_proba(X), atol=1e-5)


def test_predictions_are_float32_probabilities_and_their_argmax():
    X, y = _data()
    net = MLP(hidden_sizes=(8,), epochs=2).fit(X, y)
    proba = net.predict_proba(X)
    assert proba.dtype == np.float32 and proba.shape == (64, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(net.predict(X), proba.argmax(axis=1))
    assert net.score(X, y) == pytest.approx(np.mean(net.predict(X) == y))


def test_verbose_prints_one_deterministic_line_per_epoch(capsys):
    X, y = _data()
    MLP(hidden_sizes=(8,), epochs=3, verbose=True).fit(X, y, X[:8], y[:8])
    first = capsys.readouterr().out
    MLP(hidden_sizes=(8,), epochs=3, verbose=True).fit(X, y, X[:8], y[:8])
    lines = first.splitlines()
    assert first == capsys.readouterr().out
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3  loss ")
    assert "val_accuracy" in lines[0] and lines[0].endswith("%")


def test_silent_by_default(capsys):
    X, y = _data()
    MLP(hidden_sizes=(8,), epochs=2).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_fit_trains_a_copy_of_the_optimizer_and_calls_its_epoch_hook():
    class RecordingSGD(SGD):
        def __init__(self, learning_rate):
            super().__init__(learning_rate)
            self.epochs_seen = []

        def on_epoch_end(self, epoch):
            self.epochs_seen.append(epoch)
            self.learning_rate /= 2

    X, y = _data()
    given = RecordingSGD(0.1)
    net = MLP(hidden_sizes=(8,), epochs=3, optimizer=given).fit(X, y)
    assert net.optimizer_.epochs_seen == [0, 1, 2]
    assert net.optimizer_.learning_rate == pytest.approx(0.1 / 8)
    assert given.epochs_seen == [] and given.learning_rate == 0.1


def test_l2_penalty_shrinks_the_weights():
    X, y = _data()
    plain = MLP(hidden_sizes=(8,), epochs=5).fit(X, y)
    decayed = MLP(hidden_sizes=(8,), epochs=5, l2=0.5).fit(X, y)
    assert np.sum(decayed.coefs_[0] ** 2) < 0.9 * np.sum(plain.coefs_[0] ** 2)


def test_float64_network_for_gradient_checks_accepts_float64_data():
    X, y = _data()
    net = MLP(hidden_sizes=(8,), epochs=1, dtype=np.float64).fit(X.astype(np.float64), y)
    assert net.coefs_[0].dtype == np.float64


X_OK, Y_OK = _data()


@pytest.mark.parametrize(
    ("X", "y", "error", "message"),
    [
        ((X_OK * 255).astype(np.uint8), Y_OK, TypeError, "scale_to_unit"),
        (X_OK.astype(np.float64), Y_OK, TypeError, "astype\\(np.float32\\)"),
        (np.where(np.eye(64, 20, dtype=bool), np.nan, X_OK).astype(np.float32), Y_OK, ValueError,
         "NaN"),
        (X_OK.reshape(64, 4, 5), Y_OK, ValueError, "flatten"),
        (X_OK.tolist(), Y_OK, TypeError, "NumPy array"),
        (X_OK, Y_OK[:10], ValueError, "64 rows"),
        (X_OK, np.eye(4, dtype=np.int64)[Y_OK], ValueError, "argmax"),
        (X_OK, Y_OK.astype(np.float32), TypeError, "integer labels"),
        (X_OK, Y_OK - 1, ValueError, "negative"),
    ],
)
def test_fit_rejects_bad_data_with_a_hint(X, y, error, message):
    with pytest.raises(error, match=message):
        MLP(hidden_sizes=(4,), epochs=1).fit(X, y)


def test_validation_labels_beyond_the_training_classes_are_rejected():
    with pytest.raises(ValueError, match="0..3"):
        MLP(hidden_sizes=(4,), epochs=1).fit(X_OK, Y_OK, X_OK[:2], np.array([0, 7]))


def test_prediction_checks_feature_count_and_needs_a_fitted_network():
    with pytest.raises(RuntimeError, match="fit"):
        MLP().predict(X_OK)
    net = MLP(hidden_sizes=(4,), epochs=1).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="expects 20"):
        net.predict(X_OK[:, :10])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"hidden_sizes": 128}, "tuple"), ({"hidden_sizes": (0,)}, "tuple"),
     ({"activation": "softmax"}, "activation"), ({"batch_size": 0}, "batch_size"),
     ({"epochs": 2.5}, "epochs"), ({"learning_rate": -1.0}, "learning_rate"),
     ({"l2": -0.1}, "l2"), ({"optimizer": "adam"}, "Optimizer"), ({"seed": None}, "seed"),
     ({"dropout": 1.0}, "dropout"), ({"init_scale": -1.0}, "init_scale"),
     ({"callbacks": [print]}, "on_epoch_end")],
)
def test_bad_hyperparameters_are_reported_at_fit(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        MLP(**kwargs).fit(X_OK, Y_OK)


def test_loss_and_gradients_returns_arrays_that_later_calls_do_not_overwrite():
    X, y = _data()
    net = MLP(hidden_sizes=(8,)).initialize(20, 4)
    _, first = net.loss_and_gradients(X[:8], y[:8])
    kept = {name: g.copy() for name, g in first.items()}
    net.loss_and_gradients(X[8:16], y[8:16])
    for name, g in first.items():
        np.testing.assert_array_equal(g, kept[name])


def test_init_scale_multiplies_the_initial_weights():
    base = MLP(hidden_sizes=(8,)).initialize(20, 4)
    scaled = MLP(hidden_sizes=(8,), init_scale=0.01).initialize(20, 4)
    for W, W_scaled in zip(base.coefs_, scaled.coefs_, strict=True):
        np.testing.assert_allclose(W_scaled, 0.01 * W, rtol=1e-6)


def test_dropout_adds_a_layer_after_each_hidden_activation_and_zero_dropout_changes_nothing():
    from course_utils.regularization import Dropout

    net = MLP(hidden_sizes=(8, 6), dropout=0.5).initialize(20, 4)
    assert [type(layer) for layer in net.layers_] == [Dense, ReLU, Dropout, Dense, ReLU, Dropout,
                                                      Dense]
    X, y = _data()
    plain = MLP(hidden_sizes=(8,), epochs=2).fit(X, y)
    assert MLP(hidden_sizes=(8,), epochs=2, dropout=0.0).fit(X, y).history_ == plain.history_
    dropped = MLP(hidden_sizes=(8,), epochs=2, dropout=0.5).fit(X, y)
    np.testing.assert_array_equal(dropped.predict(X), dropped.predict(X))  # inference: no masks
    assert dropped.history_ != plain.history_


def test_callbacks_are_called_every_epoch_and_can_stop_training():
    calls = []

    class StopAfterTwo:
        def on_train_begin(self, model):
            calls.append("begin")

        def on_epoch_end(self, model, epoch, history):
            calls.append((epoch, len(history["loss"])))
            return epoch == 1

        def on_train_end(self, model):
            calls.append("end")

    X, y = _data()
    net = MLP(hidden_sizes=(8,), epochs=10, callbacks=[StopAfterTwo()]).fit(X, y)
    assert calls == ["begin", (0, 1), (1, 2), "end"]
    assert len(net.history_["loss"]) == 2


def test_early_stopping_callback_restores_the_best_weights():
    from course_utils.callbacks import EarlyStopping

    X, y = _data()
    stopper = EarlyStopping(patience=2)
    net = MLP(hidden_sizes=(16,), learning_rate=0.5, epochs=40, callbacks=[stopper]).fit(
        X, y, X[:16], (y[:16] + 1) % 4)  # validation labels that training cannot predict
    assert len(net.history_["loss"]) < 40
    best = int(np.argmin(net.history_["val_loss"]))
    assert stopper.best_epoch_ == best
    logits = net.forward(X[:16])
    log_p = logits - logits.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    val_loss = -log_p[np.arange(16), (y[:16] + 1) % 4].mean()
    assert val_loss == pytest.approx(net.history_["val_loss"][best], rel=1e-5)
