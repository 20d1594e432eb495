"""course_utils.keras_crossentropy: each backend's cross-entropy, reproduced in NumPy."""

from pathlib import Path

import numpy as np
import pytest

from course_utils.keras_crossentropy import (
    TENSORFLOW_WARNING,
    sparse_categorical_crossentropy,
    tensorflow_loss_input,
)
from course_utils.keras_setup import setup_keras

keras = setup_keras(seed=0)


def _batch(n=8, k=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, k, n), (3 * rng.normal(size=(n, k))).astype(np.float32)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("activation, from_logits", [
    ("linear", True), ("sigmoid", True), ("softmax", True), ("softmax", False), ("sigmoid", False),
])
def test_the_jax_reproduction_equals_the_loss_keras_computes_here(activation, from_logits):
    y, z = _batch()
    output = np.asarray(keras.activations.get(activation)(z))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=None)
    expected = np.asarray(loss(y, output))
    ours = sparse_categorical_crossentropy(y, output, from_logits=from_logits, backend="jax")
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


def test_the_jax_loss_ignores_logits_cached_on_the_output_and_softmaxes_it_again():
    y, z = _batch()
    output = keras.activations.sigmoid(z)      # an eager JAX array: the cache is set here
    assert hasattr(output, "_keras_logits")
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    np.testing.assert_allclose(np.asarray(loss(y, output)), sparse_categorical_crossentropy(
        y, np.asarray(output), from_logits=True, backend="jax"), rtol=1e-5, atol=1e-6)


def test_inside_a_compiled_jax_function_the_activation_cannot_cache_its_logits():
    import jax

    seen = []

    def step(x):
        seen.append(hasattr(keras.activations.sigmoid(x), "_keras_logits"))
        return x

    jax.jit(step)(_batch()[1])
    assert seen == [False]


def test_on_tensorflow_a_sigmoid_output_is_scored_by_its_logits_like_a_linear_one():
    y, z = _batch()
    tf_loss = sparse_categorical_crossentropy(y, _sigmoid(z), from_logits=True,
                                              backend="tensorflow", cached_logits=z)
    linear = sparse_categorical_crossentropy(y, z, from_logits=True, backend="jax")
    jax_loss = sparse_categorical_crossentropy(y, _sigmoid(z), from_logits=True, backend="jax")
    np.testing.assert_allclose(tf_loss, linear, rtol=1e-12)
    assert np.all(jax_loss > -np.log(np.e / (np.e + 4)) - 1e-9)   # the floor for 5 classes


def test_tensorflow_substitutes_the_logits_even_with_from_logits_false_and_then_does_not_warn():
    _, z = _batch()
    values, from_logits, warning = tensorflow_loss_input(_sigmoid(z), z, from_logits=False)
    assert values is not None and np.array_equal(values, z)
    assert from_logits is True and warning is None


def test_tensorflow_warns_about_a_softmax_even_when_the_activation_was_a_sigmoid():
    _, z = _batch()
    _, _, warning = tensorflow_loss_input(_sigmoid(z), z, from_logits=True)
    assert warning == ('"`sparse_categorical_crossentropy` received `from_logits=True`, but the '
                       '`output` argument was produced by a Softmax activation and thus does '
                       'not represent logits. Was this intended?')


def test_a_linear_output_passes_through_tensorflow_unchanged_and_silently():
    _, z = _batch()
    values, from_logits, warning = tensorflow_loss_input(z, None, from_logits=True)
    assert np.array_equal(values, z) and from_logits is True and warning is None


def test_the_reproduced_warning_is_the_one_in_the_installed_keras_tensorflow_backend():
    import keras as keras_package

    source = (Path(keras_package.__file__).parent / "src" / "backend" / "tensorflow"
              / "nn.py").read_text(encoding="utf-8")
    for piece in ("received `from_logits=True`, but ", "the `output` argument was produced by a ",
                  "activation and thus does not represent logits. ", "Was this intended?",
                  'output, from_logits, "Softmax", "sparse_categorical_crossentropy"',
                  "output._keras_logits = logits"):
        assert piece in source
    assert TENSORFLOW_WARNING.startswith('"`{fn_name}`')


def test_probabilities_are_normalised_and_clipped_before_the_log_on_jax():
    y = np.array([0, 1])
    output = np.array([[0.0, 2.0], [1.0, 1.0]])   # class 0 has probability 0, then 1/2
    loss = sparse_categorical_crossentropy(y, output, from_logits=False, backend="jax")
    np.testing.assert_allclose(loss, [-np.log(1e-7), np.log(2)], rtol=1e-6)


@pytest.mark.parametrize("call, says", [
    (lambda: sparse_categorical_crossentropy([0], [[0.5, 0.5]], from_logits=True,
                                             backend="torch"), "backend must be one of"),
    (lambda: sparse_categorical_crossentropy([0, 1], [[0.5, 0.5]], from_logits=True),
     r"Expected target \(n,\) and output \(n, k\)"),
    (lambda: sparse_categorical_crossentropy([2], [[0.5, 0.5]], from_logits=True),
     r"integer labels in 0..1"),
    (lambda: tensorflow_loss_input(np.zeros((2, 3)), np.zeros((3, 2)), True),
     "must have the shape of output"),
])
def test_bad_inputs_are_refused_with_what_was_wrong(call, says):
    with pytest.raises(ValueError, match=says):
        call()
