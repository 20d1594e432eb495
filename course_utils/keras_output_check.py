"""Does the output layer match the loss? (notebook 06, *the output-layer mistake*)

A classification loss in Keras needs to know what the model returns:

* ``from_logits=True``: raw scores (logits), any real numbers; the loss applies
  the softmax itself, in a numerically stable way. The output layer must be linear.
* ``from_logits=False``: probabilities that already sum to 1 over the classes;
  the output layer must be a softmax.

Anything else still trains without an error, but what goes wrong depends on the
backend (see :mod:`course_utils.keras_crossentropy` for the source it is read from).
A sigmoid or softmax output with ``from_logits=True``: on JAX and NumPy the loss applies
a softmax to the outputs a second time and nothing warns; on TensorFlow the loss
silently reads the values from before the activation (cached on the output tensor), so
training works and a warning is printed, but ``predict()`` still returns the
activation's outputs (for a sigmoid, scores that do not sum to 1). Keras on JAX, the
course's backend, says nothing, so :func:`check_output_and_loss` makes the check, and
:func:`output_pre_activation` gives the values TensorFlow's loss would have used.
"""

from __future__ import annotations

import warnings

import numpy as np

from course_utils.i18n import tr

_PROBABILITY_OUTPUTS = ("softmax", "sigmoid")


def output_activation(model) -> str:
    """Name of the activation applied by the model's last layer (``"linear"`` if none)."""
    import keras

    layer = model.layers[-1]
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return "linear"
    name = keras.activations.serialize(activation)
    return name if isinstance(name, str) else getattr(activation, "__name__", repr(activation))


def check_output_and_loss(model, loss) -> bool:
    """Warn (``UserWarning``) when the output layer and ``from_logits`` of ``loss`` disagree.

    Args:
        model: a Keras model for classification.
        loss: a Keras cross-entropy loss object (``keras.losses.SparseCategoricalCrossentropy(
            from_logits=...)`` or ``CategoricalCrossentropy``) or its name as a string
            (strings mean ``from_logits=False``).

    Returns:
        ``True`` if the pairing is one of the two correct ones: linear output with
        ``from_logits=True``, or softmax output with ``from_logits=False``.
    """
    if isinstance(loss, str):
        from_logits = False
    else:
        kwargs = getattr(loss, "_fn_kwargs", None)
        if not isinstance(kwargs, dict) or "from_logits" not in kwargs:
            raise TypeError(tr("check_output_and_loss expects a Keras cross-entropy loss such "
                               "as keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
                               "got {loss!r}.", loss=loss))
        from_logits = bool(kwargs["from_logits"])
    activation = output_activation(model)
    fixes = tr("Use a linear output layer with from_logits=True, or a softmax output layer "
               "with from_logits=False.")
    if from_logits and activation in _PROBABILITY_OUTPUTS:
        returned = (tr("sigmoid scores, which do not sum to 1 over the classes and are not "
                       "probabilities") if activation == "sigmoid"
                    else tr("softmax probabilities"))
        problem = tr("the loss was built with from_logits=True, but the output layer applies "
                     "{activation}, so the model does not return logits. On the JAX and NumPy "
                     "backends the loss applies a softmax to these outputs a second time, and "
                     "training suffers; on TensorFlow it silently uses the values from before "
                     "the {activation} instead, so training works, but predict() returns "
                     "{returned}.", activation=activation, returned=returned)
    elif not from_logits and activation == "linear":
        problem = tr("the loss was built with from_logits=False, but the output layer is "
                     "linear, so the model returns logits, not probabilities.")
    elif not from_logits and activation != "softmax":
        problem = tr("the loss expects probabilities that sum to 1, but the output layer "
                     "applies {activation}; only a softmax gives such probabilities for several "
                     "classes (TensorFlow silently computes the loss from the values before the "
                     "{activation}; JAX and NumPy divide the outputs by their sum).",
                     activation=activation)
    else:
        return True
    warnings.warn(tr("Output layer and loss do not match: {problem} {fixes}", problem=problem,
                     fixes=fixes), UserWarning, stacklevel=2)
    return False


def output_pre_activation(model, X) -> np.ndarray:
    """``(n, k)``: what the model's last ``Dense`` layer computes before its activation.

    For a sigmoid or softmax output layer these are the logits that TensorFlow's
    cross-entropy reads from the output tensor (``_keras_logits``) instead of the
    output itself; ``activation(output_pre_activation(model, X))`` is ``model.predict(X)``.

    Args:
        model: a Keras model built on a ``keras.Input``, ending in a ``Dense`` layer.
        X: inputs the model accepts, e.g. ``(n, 784)`` or ``(n, 28, 28, 1)`` float32.
    """
    import keras

    layer = model.layers[-1]
    if not isinstance(layer, keras.layers.Dense):
        raise TypeError(tr("output_pre_activation needs a model ending in a Dense layer, got "
                           "{got_type}.", got_type=type(layer).__name__))
    X = np.asarray(X, dtype=np.float32)
    features = X if len(model.layers) == 1 else keras.Model(model.inputs, layer.input)([X])
    features = np.asarray(keras.ops.convert_to_numpy(features), dtype=np.float32)
    return features @ np.asarray(layer.kernel.value) + np.asarray(layer.bias.value)
