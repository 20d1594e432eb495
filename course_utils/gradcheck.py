"""Gradient checking with central finite differences (introduced in notebook 03).

A backward pass is easy to get subtly wrong (a missing ``1/n``, a transposed
``dW``, a bias gradient not summed over the batch) and the network still trains,
only worse. The check: nudge one number ``x_i`` by ``+-h`` and watch the loss,

    dL/dx_i  ~  (L(x + h e_i) - L(x - h e_i)) / (2 h)          (error O(h^2)),

then compare with the analytic gradient through :func:`relative_error`. In
float64 with ``h = 1e-5`` a correct backward pass gives about 1e-8 or less; above
1e-6 something is wrong (ReLU kinks hit by chance are the one innocent cause).
Float32 is far too coarse for this (its resolution near 1 is about 1e-7), so the
check refuses it: build the layer or network with ``dtype=np.float64``.

* :func:`numerical_gradient` -- the finite differences for any ``f(x) -> float``;
* :func:`check_layer_gradients` -- a forward/backward function pair such as
  ``dense_forward``/``dense_backward`` (yours or the course's);
* :func:`check_layer` -- a layer object from :mod:`course_utils.layers`;
* :func:`check_network_gradients` -- every parameter of a whole network.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.i18n import tr


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5,
                       indices: np.ndarray | None = None) -> np.ndarray:
    """Central finite differences of a scalar function ``f`` at ``x``.

    ``x`` is changed in place one entry at a time and restored afterwards, so
    ``f`` may also read ``x`` through a closure (e.g. a network's weight matrix).

    Args:
        f: function of ``x`` returning a scalar (the loss).
        x: float64 array of any shape.
        h: step size.
        indices: optional flat indices of the entries to check (default: all).

    Returns:
        Array shaped like ``x`` with the estimated ``df/dx`` (0 where not checked).
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            tr("numerical_gradient needs a float64 array, got {got}. Float32 rounding "
               "(~1e-7) swamps differences of size h; build the layer or network with "
               "dtype=np.float64.", got=getattr(x, 'dtype', type(x).__name__))
        )
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError(tr("numerical_gradient needs a contiguous array x that it can modify in "
                            "place; pass np.ascontiguousarray(x)."))
    for i in range(x.size) if indices is None else indices:
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = float(f(x))
        flat_x[i] = original - h
        f_minus = float(f(x))
        flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``max|a - b| / max(|a| + |b|)`` over all entries (0 if both are all zero).

    Scale-free, and unlike an entry-wise ratio it does not blow up where both
    gradients are tiny.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(tr("relative_error needs arrays of one shape, got {a_shape} and "
                            "{b_shape}.", a_shape=a.shape, b_shape=b.shape))
    if a.size == 0:
        return 0.0
    denominator = max(float(np.max(np.abs(a) + np.abs(b))), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a - b)) / denominator)


def check_layer_gradients(forward: Callable, backward: Callable, *inputs: np.ndarray,
                          seed: int = 0, h: float = 1e-5) -> tuple[float, ...]:
    """Check a forward/backward function pair against finite differences.

    Example: ``check_layer_gradients(dense_forward, dense_backward, x, W, b)``.

    Uses the scalar ``L = sum(forward(*inputs)[0] * dout)`` with a fixed random
    ``dout``, whose gradient with respect to the output is exactly ``dout``.

    Args:
        forward: ``forward(*inputs) -> (out, cache)``.
        backward: ``backward(dout, cache)`` returning one gradient per input (a tuple,
            or a single array when there is one input).
        inputs: float64 arrays.

    Returns:
        One relative error per input, in the order of ``inputs``.
    """
    inputs = tuple(_float64_input(a, "check_layer_gradients") for a in inputs)
    out, cache = forward(*inputs)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    analytic = backward(dout, cache)
    if not isinstance(analytic, tuple):
        analytic = (analytic,)
    if len(analytic) != len(inputs):
        raise ValueError(tr("backward returned {n_analytic} gradients for {n_inputs} inputs.",
                            n_analytic=len(analytic), n_inputs=len(inputs)))
    errors = []
    for x, grad in zip(inputs, analytic, strict=True):
        numeric = numerical_gradient(lambda _x: np.sum(forward(*inputs)[0] * dout), x, h)
        errors.append(relative_error(grad, numeric))
    return tuple(errors)


def check_layer(layer, x: np.ndarray, seed: int = 0, h: float = 1e-5) -> dict[str, float]:
    """Check a layer object (``forward``, ``backward``, ``params``, ``grads``).

    Returns:
        ``{"x": error, "W": error, "b": error, ...}``: the input (unless the layer
        skips ``dx``) and every parameter.
    """
    x = _float64_input(x, "check_layer")
    for name, p in layer.params.items():
        _float64_input(p, f"check_layer (parameter {name})")
    out = layer.forward(x)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    dx = layer.backward(dout)

    def loss(_):
        return np.sum(layer.forward(x, training=False) * dout)

    errors = {}
    if dx is not None:
        errors["x"] = relative_error(dx, numerical_gradient(loss, x, h))
    for name, p in layer.params.items():
        errors[name] = relative_error(layer.grads[name], numerical_gradient(loss, p, h))
    return errors


def check_network_gradients(model, X: np.ndarray, y: np.ndarray, h: float = 1e-5,
                            max_entries: int | None = None, seed: int = 0) -> dict[str, float]:
    """Compare ``model.loss_and_gradients(X, y)`` with finite differences, parameter by parameter.

    Args:
        model: an object with ``parameters() -> {name: array}`` (float64 arrays, updated in
            place) and ``loss_and_gradients(X, y) -> (loss, {name: gradient})``, such as
            :class:`course_utils.mlp.MLP` created with ``dtype=np.float64``.
        X: ``(n_samples, n_features)`` float64 inputs; ``y``: ``(n_samples,)`` labels.
        max_entries: check at most this many randomly chosen entries per parameter
            (default: all), to keep big layers fast.
        seed: chooses those entries.

    Returns:
        ``{"W1": error, "b1": error, ...}``: the relative error of each parameter.
    """
    params = model.parameters()
    _, grads = model.loss_and_gradients(X, y)
    rng = np.random.default_rng(seed)
    errors = {}
    for name, p in params.items():
        _float64_input(p, f"check_network_gradients (parameter {name})")
        indices = None
        if max_entries is not None and p.size > max_entries:
            indices = np.sort(rng.choice(p.size, size=max_entries, replace=False))
        numeric = numerical_gradient(lambda _p: model.loss_and_gradients(X, y)[0], p, h, indices)
        analytic = np.asarray(grads[name], dtype=np.float64)
        if indices is not None:
            numeric, analytic = numeric.reshape(-1)[indices], analytic.reshape(-1)[indices]
        errors[name] = relative_error(analytic, numeric)
    return errors


def _float64_input(a: np.ndarray, who: str) -> np.ndarray:
    if not isinstance(a, np.ndarray) or a.dtype != np.float64:
        raise TypeError(tr("{who} needs float64 arrays (float32 is too coarse for finite "
                           "differences), got {got}. Use .astype(np.float64), or "
                           "dtype=np.float64 for layers and networks.", who=who,
                           got=getattr(a, 'dtype', type(a).__name__)))
    return a
