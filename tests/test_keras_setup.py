"""course_utils.keras_setup and course_utils.keras_bridge: backend, seeding, weight transfer."""

import sys
import types

import numpy as np
import pytest

from course_utils.keras_setup import BACKEND, seed_everything, setup_keras
from course_utils.mlp import MLP

keras = setup_keras(seed=0)

from course_utils.keras_bridge import (  # noqa: E402  (needs the backend chosen first)
    build_keras_mlp,
    keras_loss_and_gradients,
    keras_to_mlp,
    mlp_to_keras,
)


def _batch(n=32, n_features=12, n_classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, n_features), dtype=np.float32), rng.integers(0, n_classes, n)


def _mlp(hidden=(7, 5), n_features=12, n_classes=4, seed=0):
    return MLP(hidden_sizes=hidden, seed=seed).initialize(n_features, n_classes)


# ----------------------------------------------------------------- setup_keras


def test_setup_keras_runs_keras_on_jax_on_the_cpu():
    import jax

    assert keras.config.backend() == BACKEND == "jax"
    assert {d.platform for d in jax.devices()} == {"cpu"}


def test_setup_keras_refuses_keras_imported_with_another_backend(monkeypatch):
    fake = types.ModuleType("keras")
    fake.config = types.SimpleNamespace(backend=lambda: "tensorflow")
    monkeypatch.setitem(sys.modules, "keras", fake)
    with pytest.raises(RuntimeError, match="'tensorflow' backend.*restart the kernel"):
        setup_keras(seed=0)


def test_setup_keras_refuses_jax_started_without_the_deterministic_flags(monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "")
    with pytest.raises(RuntimeError, match="JAX was imported before setup_keras"):
        setup_keras(seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_setup_keras_rejects_seeds_that_are_not_non_negative_integers(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        setup_keras(seed=seed)


def test_seed_everything_repeats_initial_weights_and_a_new_seed_changes_them():
    def first_kernel(seed):
        seed_everything(seed)
        return build_keras_mlp(6, (5,), 3).layers[0].kernel.value

    np.testing.assert_array_equal(first_kernel(3), first_kernel(3))
    assert not np.array_equal(first_kernel(3), first_kernel(4))


def test_training_twice_with_the_same_seed_gives_identical_weights():
    X, y = _batch(n=48)

    def trained_weights():
        seed_everything(1)
        model = build_keras_mlp(12, (6,), 4)
        model.add(keras.layers.Dropout(0.5))  # random masks must repeat too
        model.compile(optimizer=keras.optimizers.SGD(0.1),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(X, y, batch_size=16, epochs=2, verbose=0)
        return [np.asarray(v.value) for v in model.weights]

    for a, b in zip(trained_weights(), trained_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------- keras_bridge


def test_keras_mlp_with_copied_weights_computes_the_mlp_logits():
    mlp = _mlp()
    model = mlp_to_keras(mlp, build_keras_mlp(12, (7, 5), 4))
    X, _ = _batch()
    np.testing.assert_allclose(np.asarray(model(X)), mlp.forward(X), atol=1e-6)


def test_keras_loss_and_gradients_equal_the_mlp_backprop():
    mlp = _mlp()
    model = mlp_to_keras(mlp, build_keras_mlp(12, (7, 5), 4))
    X, y = _batch()
    loss, grads = keras_loss_and_gradients(model, X, y)
    ref_loss, ref_grads = mlp.loss_and_gradients(X, y)
    assert loss == pytest.approx(ref_loss, abs=1e-6)
    assert list(grads) == list(ref_grads) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for name in ref_grads:
        np.testing.assert_allclose(grads[name], ref_grads[name], atol=1e-6, err_msg=name)


def test_keras_to_mlp_then_back_round_trips_the_weights_exactly():
    model = build_keras_mlp(12, (7, 5), 4)
    mlp = keras_to_mlp(model, _mlp(seed=9))
    for layer, W, b in zip(model.layers, mlp.coefs_, mlp.intercepts_, strict=True):
        np.testing.assert_array_equal(W, np.asarray(layer.kernel.value))
        np.testing.assert_array_equal(b, np.asarray(layer.bias.value))
    other = build_keras_mlp(12, (7, 5), 4)
    mlp_to_keras(mlp, other)
    for a, b in zip(model.weights, other.weights, strict=True):
        a, b = np.asarray(a.value), np.asarray(b.value)
        np.testing.assert_array_equal(a, b)


def test_weight_copy_names_both_shapes_when_the_architectures_differ():
    with pytest.raises(ValueError, match=r"kernel \(12, 8\).*W \(12, 7\)"):
        mlp_to_keras(_mlp(), build_keras_mlp(12, (8, 5), 4))
    with pytest.raises(ValueError, match="3 dense layers.*2"):
        mlp_to_keras(_mlp(), build_keras_mlp(12, (7,), 4))


def test_weight_copy_refuses_an_output_layer_that_is_not_linear():
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(7, activation="relu"),
                              keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    with pytest.raises(ValueError, match="'softmax' in Keras but 'linear'"):
        mlp_to_keras(_mlp(), model)


def test_weight_copy_needs_an_initialised_mlp():
    with pytest.raises(RuntimeError, match="initialize"):
        mlp_to_keras(MLP(hidden_sizes=(7, 5)), build_keras_mlp(12, (7, 5), 4))


def test_keras_loss_and_gradients_rejects_float64_inputs():
    X, y = _batch()
    with pytest.raises(TypeError, match="float32"):
        keras_loss_and_gradients(build_keras_mlp(12, (7,), 4), X.astype(np.float64), y)


# ----------------------------------------------------------------- keras_output_check

from course_utils.keras_output_check import (  # noqa: E402
    check_output_and_loss,
    output_activation,
)


def _classifier(activation):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=activation)])


def _loss(from_logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)


@pytest.mark.parametrize("activation, from_logits", [("linear", True), ("softmax", False)])
def test_the_two_correct_output_and_loss_pairings_pass_silently(activation, from_logits,
                                                                recwarn):
    assert check_output_and_loss(_classifier(activation), _loss(from_logits)) is True
    assert len(recwarn) == 0


@pytest.mark.parametrize("activation, from_logits, says", [
    ("sigmoid", True, "applies sigmoid, so the model does not return logits"),
    ("softmax", True, "applies softmax, so the model does not return logits"),
    ("linear", False, "output layer is linear, so the model returns logits"),
    ("sigmoid", False, "only a softmax gives such probabilities"),
])
def test_mismatched_output_and_loss_warn_and_name_both_fixes(activation, from_logits, says):
    with pytest.warns(UserWarning, match=says) as record:
        assert check_output_and_loss(_classifier(activation), _loss(from_logits)) is False
    assert "linear output layer with from_logits=True" in str(record[0].message)
    assert "softmax output layer with from_logits=False" in str(record[0].message)


def test_output_activation_sees_a_separate_softmax_layer_and_string_losses_mean_probabilities():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Softmax()])
    assert output_activation(model) == "softmax"
    assert check_output_and_loss(model, "sparse_categorical_crossentropy") is True


def test_check_output_and_loss_rejects_a_loss_without_from_logits():
    with pytest.raises(TypeError, match="cross-entropy loss"):
        check_output_and_loss(_classifier("linear"), keras.losses.MeanSquaredError())


def test_sigmoid_with_from_logits_warning_says_what_each_backend_does():
    with pytest.warns(UserWarning) as record:
        check_output_and_loss(_classifier("sigmoid"), _loss(True))
    message = str(record[0].message)
    assert "On the JAX and NumPy backends the loss applies a softmax" in message
    assert "on TensorFlow it silently uses the values from before the sigmoid" in message
    assert "predict() returns sigmoid scores, which do not sum to 1" in message


@pytest.mark.parametrize("activation", ["sigmoid", "softmax", "linear"])
def test_output_pre_activation_gives_what_the_output_activation_was_applied_to(activation):
    from course_utils.keras_output_check import output_pre_activation

    seed_everything(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(3, activation=activation)])
    X, _ = _batch(n=9, n_features=6)
    z = output_pre_activation(model, X)
    assert z.shape == (9, 3)
    again = np.asarray(keras.activations.get(activation)(z))
    np.testing.assert_allclose(again, np.asarray(model(X)), rtol=1e-5, atol=1e-6)


def test_output_pre_activation_of_a_single_dense_layer_is_the_affine_map():
    from course_utils.keras_output_check import output_pre_activation

    model = _classifier("sigmoid")
    X, _ = _batch(n=5, n_features=4)
    layer = model.layers[-1]
    expected = X @ np.asarray(layer.kernel.value) + np.asarray(layer.bias.value)
    np.testing.assert_allclose(output_pre_activation(model, X), expected, rtol=1e-6)


def test_output_pre_activation_needs_a_dense_output_layer():
    from course_utils.keras_output_check import output_pre_activation

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Softmax()])
    with pytest.raises(TypeError, match="ending in a Dense layer, got Softmax"):
        output_pre_activation(model, np.zeros((2, 4), np.float32))
