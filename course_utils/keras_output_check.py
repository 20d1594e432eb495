"""Does the output layer match the loss? (notebook 06, *the output-layer mistake*)

A classification loss in Keras needs to know what the model returns:

* ``from_logits=True``: raw scores (logits), any real numbers; the loss applies
  the softmax itself, in a numerically stable way. The output layer must be linear.
* ``from_logits=False``: probabilities that already sum to 1 over the classes;
  the output layer must be a softmax.

Anything else still trains without an error, but computes something else. With the
TensorFlow backend Keras warns about one of these cases; with JAX (the course's
backend) it says nothing, so :func:`check_output_and_loss` makes the check.
"""

from __future__ import annotations

import warnings

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
            raise TypeError(f"check_output_and_loss expects a Keras cross-entropy loss such as "
                            f"keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
                            f"got {loss!r}.")
        from_logits = bool(kwargs["from_logits"])
    activation = output_activation(model)
    fixes = ("Use a linear output layer with from_logits=True, or a softmax output layer "
             "with from_logits=False.")
    if from_logits and activation in _PROBABILITY_OUTPUTS:
        problem = (f"the loss was built with from_logits=True, but the output layer applies "
                   f"{activation}, so the model returns probabilities, not logits; the loss "
                   f"applies a softmax to them a second time.")
    elif not from_logits and activation == "linear":
        problem = ("the loss was built with from_logits=False, but the output layer is linear, "
                   "so the model returns logits, not probabilities.")
    elif not from_logits and activation != "softmax":
        problem = (f"the loss expects probabilities that sum to 1, but the output layer applies "
                   f"{activation}; only a softmax gives such probabilities for several classes.")
    else:
        return True
    warnings.warn(f"Output layer and loss do not match: {problem} {fixes}", UserWarning,
                  stacklevel=2)
    return False
