r"""L2 weight decay and inverted dropout (introduced in notebook 04).

L2 added to the loss ("coupled")
    The objective becomes the mean cross-entropy plus a penalty on the weight
    matrices (not the biases: a bias shifts a unit's input and does not make the
    function any less smooth):

    .. math::
        J(\theta) = L(\theta) + \frac{\lambda}{2} \sum_l \lVert W_l \rVert_F^2, \qquad
        \frac{\partial J}{\partial W_l} = \frac{\partial L}{\partial W_l} + \lambda W_l .

    This is ``MLP(l2=lambda)``; :func:`l2_penalty` and :func:`l2_penalty_grad` compute
    the two terms. With plain SGD the extra gradient term makes the update
    :math:`W \leftarrow (1 - \eta\lambda) W - \eta\, \partial L/\partial W`: every step
    shrinks the weights by the factor :math:`1 - \eta\lambda`, hence "weight decay".

Decoupled weight decay ("AdamW")
    Shrink the weights directly, outside the gradient:
    :math:`W \leftarrow W - \eta\lambda W`, then the optimiser's usual step on
    :math:`\partial L / \partial W` alone (``Adam(weight_decay=lambda)``, see
    :mod:`course_utils.optimizers`). For SGD this is the same update as above.
    For Adam (and RMSProp) it is not: with coupled L2, the term :math:`\lambda W`
    enters :math:`m` and :math:`v` and is divided by :math:`\sqrt{\hat v}`, so a weight
    whose loss gradient is large is hardly decayed at all, and the strength of the
    regularisation depends on the gradient scale. Decoupled decay shrinks every
    weight by the same factor :math:`1 - \eta\lambda`. The same :math:`\lambda` therefore
    means very different things in ``MLP(l2=lambda, optimizer=Adam())`` and
    ``Adam(weight_decay=lambda)``.

Inverted dropout
    During training each unit is kept with probability :math:`q = 1 - p`
    (``rate`` :math:`= p`) and the kept ones are divided by :math:`q`:

    .. math::
        \text{out} = x \odot \frac{r}{q}, \quad r_{ij} \sim \text{Bernoulli}(q), \qquad
        \frac{\partial L}{\partial x} = \frac{\partial L}{\partial \text{out}} \odot \frac{r}{q}

    so :math:`E[\text{out}] = x` and nothing needs rescaling at inference, where
    dropout is the identity. The backward pass must use the *same* mask as the
    forward pass.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from course_utils.i18n import tr
from course_utils.layers import Layer


def l2_penalty(weights: Sequence[np.ndarray], lam: float) -> float:
    r"""The penalty :math:`\frac{\lambda}{2}\sum_l \lVert W_l\rVert_F^2` (a Python float).

    Args:
        weights: the weight matrices only, e.g. ``model.coefs_`` (leave the biases out).
        lam: :math:`\lambda \ge 0`.
    """
    lam = _check_lambda(lam)
    weights = _check_weights(weights, "l2_penalty")
    return 0.5 * lam * sum(float(np.sum(np.square(W, dtype=np.float64))) for W in weights)


def l2_penalty_grad(W: np.ndarray, lam: float) -> np.ndarray:
    r"""Gradient of :func:`l2_penalty` with respect to one weight matrix: :math:`\lambda W`.

    Add it to the loss gradient ``dW`` (same shape ``(fan_in, fan_out)``, same dtype).
    """
    lam = _check_lambda(lam)
    (W,) = _check_weights([W], "l2_penalty_grad")
    return W.dtype.type(lam) * W


# ------------------------------------------------------------------ dropout


def dropout_forward(x: np.ndarray, rate: float, rng: np.random.Generator,
                    training: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest by 1/(1-rate).

    Args:
        x: ``(n_samples, n_units)`` activations (float32 or float64).
        rate: drop probability ``p`` in [0, 1).
        rng: ``np.random.Generator`` that draws the mask (seed it for reproducible runs).
        training: False at inference: ``x`` is returned unchanged and no mask is drawn.

    Returns:
        ``out`` shaped like ``x``, and the ``mask`` (``r / (1 - p)``, entries 0 or
        ``1/(1-p)``, dtype of ``x``) for :func:`dropout_backward`; None at inference.
    """
    rate = _check_rate(rate)
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(tr("dropout_forward: x must be a floating-point NumPy array, got "
                           "{got}.", got=getattr(x, 'dtype', type(x).__name__)))
    if not isinstance(rng, np.random.Generator):
        raise TypeError(tr("dropout_forward: rng must be a np.random.Generator, got {rng!r}; "
                           "create one with np.random.default_rng(seed).", rng=rng))
    if not training or rate == 0.0:
        return x, None
    keep = 1.0 - rate
    mask = (rng.random(x.shape) < keep).astype(x.dtype)
    mask *= x.dtype.type(1.0 / keep)
    return x * mask, mask


def dropout_backward(dout: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``dx = dout * mask``: the same units are dropped and scaled as in the forward pass.

    Args:
        dout: upstream gradient shaped like the forward output.
        mask: what :func:`dropout_forward` returned (None: it was the identity).
    """
    if mask is None:
        return dout
    if dout.shape != mask.shape:
        raise ValueError(tr("dropout_backward: dout has shape {dout_shape} but the mask has "
                            "shape {mask_shape}; they must match.", dout_shape=dout.shape,
                            mask_shape=mask.shape))
    return dout * mask


class Dropout(Layer):
    """Inverted dropout as a layer object (no parameters).

    ``forward(x, training=True)`` draws a new mask for every batch and keeps it
    for ``backward``; ``forward(x, training=False)`` is the identity. Put it after
    a hidden activation: ``Dense -> ReLU -> Dropout -> Dense``.

    Args:
        rate: drop probability ``p`` in [0, 1) (0 = no dropout). Keras and PyTorch
            use the same convention; the original paper's ``p`` is the keep probability.
        rng: ``np.random.Generator`` or integer seed for the masks.

    Attributes:
        mask: the mask of the last training forward pass (``(n_samples, n_units)``).
    """

    def __init__(self, rate: float = 0.5, rng: np.random.Generator | int = 0) -> None:
        super().__init__()
        self.rate = _check_rate(rate)
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
            rng = np.random.default_rng(int(rng))
        if not isinstance(rng, np.random.Generator):
            raise TypeError(tr("Dropout: rng must be a np.random.Generator or an integer seed, "
                               "got {rng!r}.", rng=rng))
        self.rng = rng
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        out, self.mask = dropout_forward(x, self.rate, self.rng, training)
        self._cache = (x.shape,) if training else None
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (shape,) = self._take_cache()
        if dout.shape != shape:
            raise ValueError(tr("Dropout.backward: dout has shape {dout_shape} but the forward "
                                "input had shape {shape}; they must match.", dout_shape=dout.shape,
                                shape=shape))
        return dropout_backward(dout, self.mask)

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"


# ------------------------------------------------------------------ checks


def _check_rate(rate: float) -> float:
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
        raise ValueError(tr("dropout rate must lie in [0, 1) (the probability of dropping a "
                            "unit), got {rate!r}.", rate=rate))
    return float(rate)


def _check_lambda(lam: float) -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not np.isfinite(lam) \
            or lam < 0:
        raise ValueError(tr("The L2 strength lambda must be a non-negative number, got {lam!r}.",
                            lam=lam))
    return float(lam)


def _check_weights(weights: Sequence[np.ndarray], who: str) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        raise TypeError(tr("{who}: pass a list of weight matrices, e.g. model.coefs_ (wrap a "
                           "single matrix as [W]).", who=who))
    weights = list(weights)
    for i, W in enumerate(weights):
        if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
            raise TypeError(tr("{who}: weight {i} must be a floating-point NumPy array, got "
                               "{got}.", who=who, i=i,
                               got=getattr(W, 'dtype', type(W).__name__)))
        if W.ndim != 2:
            raise ValueError(tr("{who}: weight {i} has shape {shape}; only weight matrices "
                                "(fan_in, fan_out) are penalised, not biases (fan_out,).", who=who,
                                i=i, shape=W.shape))
    return weights
