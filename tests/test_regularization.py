"""L2 penalty, inverted dropout and early stopping behave as their docstrings state."""

import numpy as np
import pytest

from course_utils.callbacks import EarlyStopping
from course_utils.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_utils.layers import Dense, Layer
from course_utils.mlp import MLP
from course_utils.regularization import (
    Dropout,
    dropout_backward,
    dropout_forward,
    l2_penalty,
    l2_penalty_grad,
)
from course_utils.softmax import cross_entropy

# ------------------------------------------------------------------ L2


def test_l2_penalty_is_half_lambda_times_the_sum_of_squared_weights():
    W1 = np.array([[1.0, -2.0], [0.5, 0.0]])
    W2 = np.array([[3.0], [-1.0]])
    expected = 0.1 / 2 * (1 + 4 + 0.25 + 9 + 1)
    assert l2_penalty([W1, W2], 0.1) == pytest.approx(expected)


def test_l2_gradient_matches_finite_differences_of_the_penalised_loss():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    t = rng.standard_normal((5, 2))
    W = rng.standard_normal((3, 2))
    lam = 0.3

    def objective(W_):
        data_loss = 0.5 * np.mean(np.sum((x @ W_ - t) ** 2, axis=1))
        return data_loss + l2_penalty([W_], lam)

    analytic = x.T @ (x @ W - t) / len(x) + l2_penalty_grad(W, lam)
    assert relative_error(analytic, numerical_gradient(objective, W)) < 1e-8


def test_mlp_l2_gradient_is_the_finite_difference_of_its_penalised_objective():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, 3, 6)
    model = MLP((5,), l2=0.2, dtype=np.float64).initialize(4, 3)
    _, grads = model.loss_and_gradients(X, y)
    W1 = model.coefs_[0]
    numeric = numerical_gradient(lambda _: model.loss_and_gradients(X, y)[0], W1)
    assert relative_error(grads["W1"], numeric) < 1e-7
    # and the penalty part of the gradient is lambda * W (bias gradients carry no penalty)
    plain = MLP((5,), l2=0.0, dtype=np.float64).initialize(4, 3)
    _, plain_grads = plain.loss_and_gradients(X, y)
    np.testing.assert_allclose(grads["W1"] - plain_grads["W1"], l2_penalty_grad(W1, 0.2),
                               atol=1e-12)
    np.testing.assert_allclose(grads["b1"], plain_grads["b1"], atol=1e-12)


def test_l2_refuses_a_bias_vector_and_a_negative_lambda():
    with pytest.raises(ValueError, match="not biases"):
        l2_penalty([np.zeros(3)], 0.1)
    with pytest.raises(ValueError, match="non-negative"):
        l2_penalty_grad(np.zeros((2, 2)), -1.0)


# ------------------------------------------------------------------ dropout


def test_dropout_mean_over_many_masks_equals_the_input():
    x = np.linspace(-1, 2, 12, dtype=np.float32).reshape(3, 4)
    rng = np.random.default_rng(0)
    outs = np.stack([dropout_forward(x, 0.4, rng)[0] for _ in range(20000)])
    np.testing.assert_allclose(outs.mean(axis=0), x, atol=0.03)


def test_dropout_keeps_about_one_minus_rate_and_scales_kept_units():
    x = np.ones((200, 50), np.float32)
    out, mask = dropout_forward(x, 0.25, np.random.default_rng(1))
    kept = out != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.02)
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=1e-6)
    assert out.dtype == np.float32 and mask.dtype == np.float32


def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(2).standard_normal((4, 6)).astype(np.float32)
    layer = Dropout(0.5, rng=0)
    assert layer.forward(x, training=False) is x
    out, mask = dropout_forward(x, 0.5, np.random.default_rng(0), training=False)
    assert out is x and mask is None


def test_dropout_backward_uses_the_forward_mask():
    layer = Dropout(0.5, rng=3)
    x = np.ones((8, 10), np.float32)
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx, out)  # zero exactly where the forward zeroed, same scale
    np.testing.assert_array_equal(dx == 0, layer.mask == 0)


def test_gradient_check_through_dropout_with_a_fixed_mask():
    x = np.random.default_rng(4).standard_normal((5, 7))

    def forward(x_):
        return dropout_forward(x_, 0.3, np.random.default_rng(0))  # the same mask each call

    (error,) = check_layer_gradients(forward, dropout_backward, x)
    assert error < 1e-9


def test_dropout_draws_a_new_mask_for_every_batch_but_repeats_with_the_seed():
    x = np.ones((4, 16), np.float32)
    a, b = Dropout(0.5, rng=7), Dropout(0.5, rng=7)
    first_a, second_a = a.forward(x), a.forward(x)
    assert not np.array_equal(first_a, second_a)
    np.testing.assert_array_equal(first_a, b.forward(x))


def test_dropout_layer_plugs_into_a_layer_stack():
    layer = Dropout(0.2, rng=0)
    assert isinstance(layer, Layer) and layer.params == {}
    dense = Dense(3, 4, rng=0)
    x = np.ones((2, 3), np.float32)
    h = layer.forward(dense.forward(x))
    dense.backward(layer.backward(np.ones_like(h)))
    assert dense.grads["W"].shape == (3, 4)


@pytest.mark.parametrize("rate", [1.0, -0.1, 2])
def test_dropout_rejects_rates_outside_zero_to_one(rate):
    with pytest.raises(ValueError, match=r"dropout rate must lie in \[0, 1\)"):
        Dropout(rate)


def test_dropout_backward_needs_a_training_forward_first():
    layer = Dropout(0.5)
    layer.forward(np.ones((2, 2)), training=False)
    with pytest.raises(RuntimeError, match="needs a preceding"):
        layer.backward(np.ones((2, 2)))


# ------------------------------------------------------------------ early stopping


def _params(value):
    return {"W1": np.full((2, 2), float(value)), "b1": np.full(2, float(value))}


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(patience=2)
    losses = [1.0, 0.8, 0.7, 0.75, 0.9, 0.6]
    stopped_at = None
    for epoch, loss in enumerate(losses):
        if stopper.update(loss, _params(epoch)):
            stopped_at = epoch
            break
    assert stopped_at == 4
    assert stopper.best_epoch_ == 2 and stopper.best_value_ == pytest.approx(0.7)
    assert stopper.stopped_epoch_ == 4


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    stopper = EarlyStopping(patience=3)
    params = _params(0)
    for epoch, loss in enumerate([0.9, 0.5, 0.6, 0.7, 0.8]):
        for p in params.values():
            p[...] = epoch  # "training" changes the arrays in place
        if stopper.update(loss, params):
            break
    assert params["W1"][0, 0] == 4  # the network now holds the last, worse weights
    stopper.restore(params)
    np.testing.assert_array_equal(params["W1"], np.full((2, 2), 1.0))
    np.testing.assert_array_equal(params["b1"], np.full(2, 1.0))


def test_early_stopping_counts_only_improvements_larger_than_min_delta():
    stopper = EarlyStopping(patience=2, min_delta=0.05)
    assert not stopper.update(1.0, _params(0))
    assert not stopper.update(0.97, _params(1))  # better, but by less than min_delta
    assert stopper.update(0.96, _params(2))
    assert stopper.best_epoch_ == 0


def test_early_stopping_callback_reads_the_history_and_restores_on_train_end():
    model = MLP((3,), dtype=np.float64).initialize(2, 2)
    stopper = EarlyStopping(patience=1)
    stopper.on_train_begin(model)
    history = {"loss": [], "val_loss": []}
    for epoch, val in enumerate([0.5, 0.4, 0.45]):
        model.coefs_[0][...] = epoch
        history["val_loss"].append(val)
        if stopper.on_epoch_end(model, epoch, history):
            break
    stopper.on_train_end(model)
    np.testing.assert_array_equal(model.coefs_[0], 1.0)


def test_early_stopping_without_validation_history_says_what_is_missing():
    model = MLP((3,)).initialize(2, 2)
    with pytest.raises(KeyError, match="Pass validation data"):
        EarlyStopping().on_epoch_end(model, 0, {"loss": [1.0]})


def test_early_stopping_never_keeps_a_nan_loss_as_best():
    stopper = EarlyStopping(patience=5)
    stopper.update(float("nan"), _params(0))
    stopper.update(0.5, _params(1))
    assert stopper.best_epoch_ == 1


# ------------------------------------------------------------------ inside MLP.fit


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((90, 8)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
    return X, y


def test_mlp_dropout_layers_are_active_in_training_and_identity_in_predict(small_data):
    X, y = small_data
    model = MLP((16, 16), dropout=0.5, epochs=3, seed=0).fit(X, y)
    assert [type(layer).__name__ for layer in model.layers_].count("Dropout") == 2
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))
    plain = MLP((16, 16), dropout=0.0, epochs=3, seed=0).fit(X, y)
    assert model.history_["loss"] != plain.history_["loss"]


def test_mlp_with_dropout_is_reproducible_with_its_seed(small_data):
    X, y = small_data
    a = MLP((16,), dropout=0.3, epochs=3, seed=4).fit(X, y)
    b = MLP((16,), dropout=0.3, epochs=3, seed=4).fit(X, y)
    assert a.history_ == b.history_


def test_early_stopping_in_fit_stops_and_restores_the_best_epoch(small_data):
    X, y = small_data
    # Validation labels shifted by one class: the better the network fits the training
    # labels, the worse its validation loss, so the validation loss rises.
    y_val = (y + 1) % 3
    stopper = EarlyStopping(patience=3)
    model = MLP((32,), learning_rate=0.5, epochs=40, seed=0, callbacks=[stopper])
    model.fit(X, y, X, y_val)
    val = model.history_["val_loss"]
    assert len(val) == stopper.stopped_epoch_ + 1 < 40
    assert stopper.stopped_epoch_ == stopper.best_epoch_ + 3
    assert stopper.best_value_ == pytest.approx(min(val))
    restored = cross_entropy(model.forward(X), y_val)
    assert restored == pytest.approx(min(val), rel=1e-5)
    assert restored < val[-1]
