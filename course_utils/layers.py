"""Layers as forward/backward pairs, then as small classes (introduced in notebook 03).

Every forward function returns ``(out, cache)``; the matching backward function
takes the upstream gradient ``dout = dL/dout`` (same shape as ``out``) and that
``cache``, and returns the gradient with respect to each input. Chaining the
backward functions in reverse order *is* backpropagation.

Row-major convention: ``x`` is ``(n_samples, fan_in)``, one sample per row;
``W`` is ``(fan_in, fan_out)``; ``b`` is ``(fan_out,)``. A dense layer computes
``out = x @ W + b``. Textbooks that store samples as columns write
``z = W^T x + b`` with ``W`` of shape ``(fan_out, fan_in)``; the two are transposes
of each other (see :mod:`course_utils.mlp` for the full mapping).

The classes at the bottom (:class:`Dense`, :class:`ReLU`, :class:`Sigmoid`,
:class:`Tanh`) wrap these pairs and keep the cache themselves, so that a
network of any depth is just a list of layers (see :mod:`course_utils.mlp`).
"""

from __future__ import annotations

import numpy as np

from course_utils.i18n import tr
from course_utils.initializers import init_weights

# ------------------------------------------------------------------ dense (affine)


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """``out = x @ W + b``.

    Args:
        x: ``(n_samples, fan_in)`` inputs.
        W: ``(fan_in, fan_out)`` weights, same dtype as ``x``.
        b: ``(fan_out,)`` biases, same dtype as ``x``.

    Returns:
        ``out``: ``(n_samples, fan_out)``; ``cache``: ``(x, W)`` for :func:`dense_backward`.
    """
    _check_array(x, "dense_forward", "x", ndim=2)
    _check_array(W, "dense_forward", "W", ndim=2)
    _check_array(b, "dense_forward", "b", ndim=1)
    if x.shape[1] != W.shape[0] or b.shape[0] != W.shape[1]:
        raise ValueError(
            tr("dense_forward: shapes do not fit out = x @ W + b: x {x_shape}, W {w_shape}, b "
               "{b_shape}. Expected x (n, fan_in), W (fan_in, fan_out), b (fan_out,).",
               x_shape=x.shape, w_shape=W.shape, b_shape=b.shape)
        )
    if not x.dtype == W.dtype == b.dtype:
        raise TypeError(
            tr("dense_forward: x, W and b must share one dtype, got {x_dtype}, {w_dtype}, "
               "{b_dtype}. Mixing float32 and float64 silently computes in float64 (slower); "
               "convert once, e.g. x.astype(W.dtype).", x_dtype=x.dtype, w_dtype=W.dtype,
               b_dtype=b.dtype)
        )
    out = x @ W
    out += b
    return out, (x, W)


def dense_backward(
    dout: np.ndarray, cache: tuple, compute_dx: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of ``out = x @ W + b``.

    ``dx = dout @ W.T``, ``dW = x.T @ dout``, ``db = dout.sum(axis=0)``. The sums over
    the batch happen inside ``x.T @ dout`` and ``dout.sum(axis=0)``; the ``1/n`` of a
    mean loss is already in ``dout`` (see :func:`course_utils.softmax.cross_entropy_grad`).

    Args:
        dout: ``(n_samples, fan_out)`` upstream gradient ``dL/dout``.
        cache: ``(x, W)`` from :func:`dense_forward`.
        compute_dx: set False for the first layer, whose input (the data) needs no
            gradient; saves one matrix product.

    Returns:
        ``dx`` ``(n_samples, fan_in)`` (or None), ``dW`` ``(fan_in, fan_out)``,
        ``db`` ``(fan_out,)``.
    """
    x, W = cache
    _check_dout(dout, (x.shape[0], W.shape[1]), x.dtype, "dense_backward")
    dx = dout @ W.T if compute_dx else None
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


# ------------------------------------------------------------------ activations


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``out = max(x, 0)`` element-wise; ``cache`` is the input ``x``."""
    _check_array(x, "relu_forward", "x")
    return np.maximum(x, 0), x


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dx = dout * (x > 0)``: the derivative is 1 where the *input* was positive, else 0."""
    x = cache
    _check_dout(dout, x.shape, x.dtype, "relu_backward")
    return dout * (x > 0)


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``out = 1 / (1 + exp(-x))``; ``cache`` is the output.

    Computed as ``0.5 * (1 + tanh(x / 2))``, the same function, which never
    overflows (``exp(-x)`` does for ``x < -88`` in float32).
    """
    _check_array(x, "sigmoid_forward", "x")
    out = np.tanh(x * x.dtype.type(0.5))
    out += 1
    out *= x.dtype.type(0.5)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dx = dout * s * (1 - s)`` with ``s = sigmoid(x)``, the cached *output*."""
    s = cache
    _check_dout(dout, s.shape, s.dtype, "sigmoid_backward")
    return dout * s * (1 - s)


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``out = tanh(x)``; ``cache`` is the output."""
    _check_array(x, "tanh_forward", "x")
    out = np.tanh(x)
    return out, out


def tanh_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dx = dout * (1 - t**2)`` with ``t = tanh(x)``, the cached *output*."""
    t = cache
    _check_dout(dout, t.shape, t.dtype, "tanh_backward")
    return dout * (1 - t * t)


# ------------------------------------------------------------------ layer classes


class Layer:
    """A layer object: ``out = layer.forward(x)``, then ``dx = layer.backward(dout)``.

    ``forward`` stores what ``backward`` needs; ``backward`` fills ``grads`` with one
    array per entry of ``params`` (same keys, same shapes). ``training=False`` marks
    inference (no cache kept); layers that behave differently in training, such as
    dropout or batch normalisation, read this flag.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache = None

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def _take_cache(self):
        if self._cache is None:
            raise RuntimeError(tr("{type}.backward needs a preceding forward(x, training=True) "
                                  "call.", type=type(self).__name__))
        cache, self._cache = self._cache, None
        return cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Affine layer ``out = x @ W + b`` with ``params = {"W": (fan_in, fan_out), "b": (fan_out,)}``.

    Args:
        fan_in, fan_out: input and output sizes.
        init: weight scheme of :func:`course_utils.initializers.init_weights`; biases start at 0.
        init_scale: multiplies the standard deviation of ``init`` (``scale=`` of ``init_weights``).
        rng: ``np.random.Generator`` or integer seed for the weights.
        dtype: ``np.float32`` (training) or ``np.float64`` (gradient checks).
        compute_dx: False for the first layer of a network: ``backward`` then returns
            None and skips the product ``dout @ W.T``.
    """

    def __init__(self, fan_in: int, fan_out: int, init: str = "he",
                 rng: np.random.Generator | int | None = None, dtype: type = np.float32,
                 compute_dx: bool = True, init_scale: float = 1.0) -> None:
        super().__init__()
        W = init_weights(fan_in, fan_out, init, rng, dtype, scale=init_scale)
        self.params = {"W": W, "b": np.zeros(fan_out, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(fan_out, dtype=dtype)}
        self.compute_dx = compute_dx

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        out, cache = dense_forward(x, self.params["W"], self.params["b"])
        self._cache = cache if training else None
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        # The maths of dense_backward, written into the arrays allocated once in
        # __init__: a fresh (784, 128) array on every batch costs about as much as
        # the matrix product that fills it (the memory must be mapped and zeroed).
        x, W = self._take_cache()
        _check_dout(dout, (x.shape[0], W.shape[1]), x.dtype, "Dense.backward")
        np.matmul(x.T, dout, out=self.grads["W"])
        np.add.reduce(dout, axis=0, out=self.grads["b"])  # dout.sum(axis=0), into b's array
        return dout @ W.T if self.compute_dx else None

    def __repr__(self) -> str:
        fan_in, fan_out = self.params["W"].shape
        return f"Dense({fan_in}, {fan_out})"


class _Activation(Layer):
    """An element-wise activation built from a forward/backward pair (set in subclasses)."""

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        out, cache = self._forward(x)
        self._cache = cache if training else None
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self._backward(dout, self._take_cache())


class ReLU(_Activation):
    """``max(x, 0)``; no parameters."""

    _forward = staticmethod(relu_forward)
    _backward = staticmethod(relu_backward)


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``; no parameters."""

    _forward = staticmethod(sigmoid_forward)
    _backward = staticmethod(sigmoid_backward)


class Tanh(_Activation):
    """``tanh(x)``; no parameters."""

    _forward = staticmethod(tanh_forward)
    _backward = staticmethod(tanh_backward)


ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


# ------------------------------------------------------------------ input checks


def _check_array(a: np.ndarray, who: str, name: str, ndim: int | None = None) -> None:
    if not isinstance(a, np.ndarray):
        raise TypeError(tr("{who}: {name} must be a NumPy array, got {type}.", who=who, name=name,
                           type=type(a).__name__))
    if ndim is not None and a.ndim != ndim:
        raise ValueError(tr("{who}: {name} must be {ndim}-D, got shape {shape}.", who=who,
                            name=name, ndim=ndim, shape=a.shape))
    if a.dtype.kind != "f":
        raise TypeError(tr("{who}: {name} must be floating point, got dtype {dtype}. Convert "
                           "with .astype(np.float32) (raw uint8 pixels: scale_to_unit first).",
                           who=who, name=name, dtype=a.dtype))


def _check_dout(dout: np.ndarray, shape: tuple, dtype: np.dtype, who: str) -> None:
    _check_array(dout, who, "dout")
    if dout.shape != tuple(shape):
        raise ValueError(tr("{who}: dout has shape {shape}, but the forward output had shape "
                            "{expected}; they must match.", who=who, shape=dout.shape,
                            expected=tuple(shape)))
    if dout.dtype != dtype:
        raise TypeError(tr("{who}: dout is {dout_dtype} but the forward pass ran in {dtype}; use "
                           "one dtype throughout.", who=who, dout_dtype=dout.dtype, dtype=dtype))
