"""The from-scratch MLP and its Keras twin: same weights, same numbers (notebook 06).

A Keras ``Dense`` layer stores its ``kernel`` as ``(fan_in, fan_out)`` and its
``bias`` as ``(fan_out,)``, exactly like ``MLP.coefs_[i]`` and
``MLP.intercepts_[i]`` (row-major: one sample per row, ``Z = A @ W + b``), so
weights move between the two without any transpose::

    mlp = MLP(hidden_sizes=(128,)).fit(X, y)
    model = build_keras_mlp(784, (128,), 10)     # Dense(128, relu) -> Dense(10), logits
    mlp_to_keras(mlp, model)                     # now model(X) equals mlp.forward(X)
    loss, grads = keras_loss_and_gradients(model, X, y)   # compare with mlp.loss_and_gradients

Use :func:`course_utils.keras_setup.setup_keras` before calling anything here.
"""

from __future__ import annotations

import numpy as np

from course_utils.i18n import tr
from course_utils.mlp import MLP


def build_keras_mlp(n_features: int, hidden_sizes: tuple[int, ...] = (128,),
                    n_classes: int = 10, activation: str = "relu"):
    """The Keras version of ``MLP(hidden_sizes, activation)``: a ``keras.Sequential``.

    The output layer is linear: the model returns logits ``(n_samples, n_classes)``,
    to be paired with a loss built with ``from_logits=True``.
    """
    import keras

    layers = [keras.Input((n_features,), name="pixels")]
    for i, units in enumerate(hidden_sizes, start=1):
        layers.append(keras.layers.Dense(units, activation=activation, name=f"hidden_{i}"))
    layers.append(keras.layers.Dense(n_classes, name="logits"))
    return keras.Sequential(layers, name="mlp")


def mlp_to_keras(mlp: MLP, model):
    """Copy ``mlp.coefs_`` / ``mlp.intercepts_`` into the ``Dense`` layers of ``model``.

    Args:
        mlp: an initialised or fitted :class:`course_utils.mlp.MLP`.
        model: a Keras model whose ``Dense`` layers, in order, have the same shapes and
            activations (hidden layers ``mlp.activation``, output layer linear);
            other layers (``Dropout``) are skipped.

    Returns:
        ``model``, changed in place.
    """
    dense = _matching_dense_layers(mlp, model, "mlp_to_keras")
    for layer, W, b in zip(dense, mlp.coefs_, mlp.intercepts_, strict=True):
        layer.kernel.assign(W)
        layer.bias.assign(b)
    return model


def keras_to_mlp(model, mlp: MLP) -> MLP:
    """Copy the weights of ``model``'s ``Dense`` layers into ``mlp`` (in place).

    ``mlp`` must be initialised with matching sizes, e.g.
    ``MLP(hidden_sizes=(128,)).initialize(784, 10)``.
    """
    dense = _matching_dense_layers(mlp, model, "keras_to_mlp")
    for layer, W, b in zip(dense, mlp.coefs_, mlp.intercepts_, strict=True):
        W[...] = np.asarray(layer.kernel.value, dtype=W.dtype)
        b[...] = np.asarray(layer.bias.value, dtype=b.dtype)
    return mlp


def keras_loss_and_gradients(model, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Mean cross-entropy of ``model``'s logits on one batch, and its gradient.

    Computed by JAX's automatic differentiation, without changing the model.

    Args:
        model: a Keras model returning logits, with ``Dense`` layers only (plus
            ``Dropout``, which is off here: ``training=False``).
        X: ``(n_samples, n_features)`` float32; y: ``(n_samples,)`` integer labels.

    Returns:
        ``(loss, grads)``: ``grads`` keyed like ``MLP.parameters()`` -- ``"W1"``,
        ``"b1"``, ``"W2"``, ... numbered from the input -- as float32 NumPy arrays.
    """
    import jax
    import keras

    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(tr("keras_loss_and_gradients expects X (n_samples, n_features) and y "
                            "(n_samples,), got X {x_shape} and y {y_shape}.", x_shape=X.shape,
                            y_shape=y.shape))
    if X.dtype != np.float32:
        raise TypeError(tr("keras_loss_and_gradients: X must be float32, got {dtype}.",
                           dtype=X.dtype))
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(tr("keras_loss_and_gradients: y must hold integer labels, got {dtype}.",
                           dtype=y.dtype))
    names = {}
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for i, layer in enumerate(dense, start=1):
        names[id(layer.kernel)], names[id(layer.bias)] = f"W{i}", f"b{i}"
    trainable = model.trainable_variables
    if any(id(v) not in names for v in trainable):
        raise ValueError(tr("keras_loss_and_gradients handles models made of Dense layers only."))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    fixed = [v.value for v in model.non_trainable_variables]

    def loss_of(values):
        logits, _ = model.stateless_call(values, fixed, X, training=False)
        return loss_fn(y, logits)

    loss, grads = jax.value_and_grad(loss_of)([v.value for v in trainable])
    by_name = {names[id(v)]: np.asarray(g, dtype=np.float32) for v, g in zip(trainable, grads,
                                                                              strict=True)}
    order = [f"{kind}{i}" for i in range(1, len(dense) + 1) for kind in ("W", "b")]
    return float(loss), {name: by_name[name] for name in order}


def _matching_dense_layers(mlp: MLP, model, who: str) -> list:
    import keras

    if not hasattr(mlp, "coefs_"):
        raise RuntimeError(tr("{who}: the MLP has no weights yet; fit it or call "
                              "mlp.initialize(n_features, n_classes) first.", who=who))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) != len(mlp.coefs_):
        raise ValueError(tr("{who}: the MLP has {n} dense layers, the Keras model has {n_dense}; "
                            "build the model with build_keras_mlp(...) and the MLP's "
                            "hidden_sizes.", who=who, n=len(mlp.coefs_), n_dense=len(dense)))
    for i, (layer, W, b) in enumerate(zip(dense, mlp.coefs_, mlp.intercepts_, strict=True)):
        shapes = (tuple(layer.kernel.shape), tuple(layer.bias.shape))
        if shapes != (W.shape, b.shape):
            raise ValueError(tr("{who}: dense layer {layer} has kernel {kernel} and bias "
                                "{bias} in Keras but W {w_shape} and b {b_shape} in the MLP.",
                                who=who, layer=i + 1, kernel=shapes[0], bias=shapes[1],
                                w_shape=W.shape, b_shape=b.shape))
        wanted = mlp.activation if i < len(dense) - 1 else "linear"
        actual = keras.activations.serialize(layer.activation)
        actual = actual if isinstance(actual, str) else actual.get("config", actual)
        if actual != wanted:
            raise ValueError(tr("{who}: dense layer {layer} uses activation {actual!r} in Keras "
                                "but {wanted!r} in the MLP (the output layer must be linear: it "
                                "returns logits, the softmax is inside the loss).", who=who,
                                layer=i + 1, actual=actual, wanted=wanted))
    return dense
