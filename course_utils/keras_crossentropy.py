"""What Keras' cross-entropy computes on each backend, reproduced in NumPy (notebook 06, section 4).

The same Keras model and loss, ``Dense(10, activation="sigmoid")`` with
``SparseCategoricalCrossentropy(from_logits=True)``, trains differently on TensorFlow
and on JAX. What follows is read from Keras 3's source (``keras/src``, version 3.15):

* ``activations/activations.py``, ``sigmoid`` and ``softmax``: after computing the
  activation they try ``output._keras_logits = x``, caching the pre-activation values on
  the result, and skip it silently (``except AttributeError: pass``) for array types that
  refuse new attributes. TensorFlow tensors accept it (``backend/tensorflow/nn.py``'s own
  ``sigmoid`` and ``softmax`` set it too); JAX's traced arrays, inside the compiled
  training step of ``fit``, refuse it.
* ``backend/tensorflow/nn.py``, ``_get_logits(output, from_logits, op_type, fn_name)``,
  called by ``categorical_crossentropy`` and ``sparse_categorical_crossentropy`` with
  ``op_type="Softmax"``: if ``output`` carries ``_keras_logits`` (or was produced by a
  graph ``Softmax`` op), the loss uses those pre-activation values **and sets
  ``from_logits`` to True**, whatever was passed; if ``from_logits`` was already True it
  also warns :data:`TENSORFLOW_WARNING`, in which ``op_type`` is always "Softmax", even
  for a sigmoid. The loss is then ``tf.nn.sparse_softmax_cross_entropy_with_logits`` of
  the logits: exactly the loss of a linear output layer. Training is right; only what
  ``predict()`` returns, sigmoid scores, is not a probability distribution.
* ``backend/jax/nn.py`` and ``backend/numpy/nn.py``, ``sparse_categorical_crossentropy``:
  never read ``_keras_logits`` (even where an array carries it) and never warn. With
  ``from_logits=True`` they take ``log_softmax`` of whatever they get, so sigmoid outputs
  in (0, 1) are softmaxed a second time and the loss cannot fall below
  ``-ln(e / (e + 9))`` (about 1.46, for 10 classes). With ``from_logits=False`` they
  divide the output by its sum over the classes and clip it to ``[epsilon, 1 - epsilon]``
  before the log.

:func:`sparse_categorical_crossentropy` computes each backend's per-sample loss from
NumPy arrays, so the TensorFlow behaviour can be shown without TensorFlow installed.
"""

from __future__ import annotations

import numpy as np

from course_utils.i18n import tr

#: ``keras.config.epsilon()``, the clipping bound of probabilities before their log.
EPSILON = 1e-7

#: The warning of ``_get_logits`` in ``keras/src/backend/tensorflow/nn.py`` (including the
#: stray double quote it starts with); Keras fills in the loss's name and "Softmax".
TENSORFLOW_WARNING = ('"`{fn_name}` received `from_logits=True`, but the `output` argument '
                      "was produced by a {op_type} activation and thus does not represent "
                      "logits. Was this intended?")

BACKENDS = ("jax", "numpy", "tensorflow")


def tensorflow_loss_input(output: np.ndarray, cached_logits: np.ndarray | None,
                          from_logits: bool,
                          fn_name: str = "sparse_categorical_crossentropy"):
    """What TensorFlow's cross-entropy does with its input (``_get_logits``, reproduced).

    Args:
        output: ``(n, k)`` what the model returned.
        cached_logits: ``(n, k)`` the pre-activation values a sigmoid or softmax output
            layer cached on ``output`` (``_keras_logits``), or ``None`` for a linear one.
        from_logits: the loss's argument.
        fn_name: the loss function's name, as it appears in the warning.

    Returns:
        ``(values, from_logits_used, warning)``: the array the loss goes on with, the
        ``from_logits`` it goes on with, and the warning text TensorFlow prints (``None``
        when it prints none).
    """
    if cached_logits is None:
        return np.asarray(output), bool(from_logits), None
    cached_logits = np.asarray(cached_logits)
    if cached_logits.shape != np.shape(output):
        raise ValueError(tr("tensorflow_loss_input: cached_logits {logits_shape} must have the "
                            "shape of output {output_shape}.", logits_shape=cached_logits.shape,
                            output_shape=np.shape(output)))
    warning = TENSORFLOW_WARNING.format(fn_name=fn_name, op_type="Softmax") if from_logits \
        else None
    return cached_logits, True, warning


def sparse_categorical_crossentropy(target: np.ndarray, output: np.ndarray, *,
                                    from_logits: bool, backend: str = "jax",
                                    cached_logits: np.ndarray | None = None) -> np.ndarray:
    """Per-sample loss ``(n,)`` of Keras' ``sparse_categorical_crossentropy`` on ``backend``.

    Args:
        target: ``(n,)`` integer labels in ``0..k-1``.
        output: ``(n, k)`` the model's output (logits or probabilities, as the model makes them).
        from_logits: the loss's argument.
        backend: ``"jax"`` or ``"numpy"`` (identical), or ``"tensorflow"``.
        cached_logits: for ``"tensorflow"``, the pre-activation values of a sigmoid or softmax
            output layer (see :func:`tensorflow_loss_input`); ignored by the other backends,
            whose arrays cannot carry them.

    Returns:
        ``-log p[target]`` per sample, where ``p`` is what the backend makes of ``output``:
        ``softmax(output)`` when it treats ``output`` as logits, otherwise ``output``
        normalised to sum 1 and clipped to ``[EPSILON, 1 - EPSILON]``.
    """
    if backend not in BACKENDS:
        raise ValueError(tr("backend must be one of {backends}, got {backend!r}.",
                            backends=BACKENDS, backend=backend))
    output = np.asarray(output, dtype=np.float64)
    target = np.asarray(target)
    if output.ndim != 2 or target.shape != (len(output),):
        raise ValueError(tr("Expected target (n,) and output (n, k), got {target_shape} and "
                            "{output_shape}.", target_shape=target.shape,
                            output_shape=output.shape))
    if not np.issubdtype(target.dtype, np.integer) or target.min() < 0 \
            or target.max() >= output.shape[1]:
        raise ValueError(tr("target must hold integer labels in 0..{top}.",
                            top=output.shape[1] - 1))
    if backend == "tensorflow":
        values, from_logits, _ = tensorflow_loss_input(output, cached_logits, from_logits)
        values = np.asarray(values, dtype=np.float64)
        if not from_logits:
            values = np.log(np.clip(values, EPSILON, 1 - EPSILON))
        log_p = _log_softmax(values)   # tf.nn.sparse_softmax_cross_entropy_with_logits
    elif from_logits:
        log_p = _log_softmax(output)
    else:
        p = output / output.sum(axis=1, keepdims=True)
        log_p = np.log(np.clip(p, EPSILON, 1 - EPSILON))
    return -log_p[np.arange(len(target)), target]


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
