"""Initial weights for a dense layer (introduced in notebook 03, compared in notebook 04).

Why the variance matters: a unit of a dense layer computes ``z = sum_i x_i W_ij``
over ``fan_in`` inputs. With independent zero-mean weights of variance ``s^2``,
``Var(z) = fan_in * s^2 * E[x^2]``. If ``fan_in * s^2`` is not about 1 (or 2 for
ReLU), the signal grows or shrinks by that factor at every layer, and a deep
network's activations and gradients explode or vanish.

=============================  ==============  ==========================================
scheme                         distribution    variance of each weight
=============================  ==============  ==========================================
``"he"``                       normal          ``2 / fan_in`` (ReLU zeroes half the inputs)
``"xavier"`` or ``"glorot"``   uniform(-a, a)  ``2 / (fan_in + fan_out)``,
                                               ``a = sqrt(6 / (fan_in + fan_out))``
``"xavier_normal"``            normal          ``2 / (fan_in + fan_out)``
``"lecun"``                    normal          ``1 / fan_in``, i.e. ``randn(...) / sqrt(fan_in)``
``"normal"``                   normal          ``1`` (times ``scale**2``), e.g. ``scale=0.01``
``"zeros"``                    all zeros       0: all hidden units stay identical (symmetry)
=============================  ==============  ==========================================

Why these numbers: He et al. (2015) keep ``Var(z)`` constant through ReLU layers,
which zero half of their inputs, hence the 2. Glorot and Bengio (2010) compromise
between keeping the forward signal (``1/fan_in``) and the backward gradient
(``1/fan_out``) constant, for tanh/sigmoid units. LeCun's ``1/fan_in`` is the
"divide by the square root of the number of inputs" many first implementations use;
with ReLU it halves the signal's variance at every layer. All zeros makes every
unit of a layer compute the same thing and receive the same gradient, forever.

``scale`` multiplies the standard deviation of any scheme (so the variance by ``scale**2``).
Weights have shape ``(fan_in, fan_out)``: row-major, ``out = x @ W`` with ``x`` of
shape ``(n_samples, fan_in)``.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.i18n import tr

SCHEMES = ("he", "xavier", "glorot", "xavier_normal", "glorot_normal", "lecun", "normal", "zeros")


def init_weights(
    fan_in: int,
    fan_out: int,
    scheme: str = "he",
    rng: np.random.Generator | int | None = None,
    dtype: type = np.float32,
    scale: float = 1.0,
) -> np.ndarray:
    """Draw a ``(fan_in, fan_out)`` weight matrix with the variance of ``scheme``.

    Args:
        fan_in: number of inputs of the layer (784 for the first MNIST layer).
        fan_out: number of units of the layer.
        scheme: one of ``SCHEMES`` (see the module docstring for each variance).
        rng: a ``np.random.Generator`` or an integer seed (required except for ``"zeros"``).
        dtype: ``np.float32`` for training, ``np.float64`` for gradient checks. The same
            random numbers are drawn for both (in float64, then cast).
        scale: multiplies the standard deviation (default 1).

    Returns:
        ``W``: ``(fan_in, fan_out)`` array of ``dtype``.
    """
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(tr("{name} must be a positive integer, got {value!r}.", name=name,
                                value=value))
    if scheme not in SCHEMES:
        raise ValueError(tr("Unknown initialisation scheme {scheme!r}; choose one of {schemes}.",
                            scheme=scheme, schemes=SCHEMES))
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise TypeError(tr("dtype must be a floating-point type such as np.float32, got "
                           "{dtype!r}.", dtype=dtype))
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not scale >= 0:
        raise ValueError(tr("scale must be a non-negative number, got {scale!r}.", scale=scale))
    shape = (fan_in, fan_out)
    if scheme == "zeros":
        return np.zeros(shape, dtype=dtype)
    rng = _as_generator(rng)
    if scheme in ("xavier", "glorot"):
        bound = scale * np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=shape).astype(dtype)
    std = scale * {
        "he": np.sqrt(2.0 / fan_in),
        "xavier_normal": np.sqrt(2.0 / (fan_in + fan_out)),
        "glorot_normal": np.sqrt(2.0 / (fan_in + fan_out)),
        "lecun": np.sqrt(1.0 / fan_in),
        "normal": 1.0,
    }[scheme]
    return (std * rng.standard_normal(shape)).astype(dtype)


def _as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        tr("rng must be a np.random.Generator or an integer seed, got {rng!r}. Create one with "
           "rng = np.random.default_rng(SEED) and pass it on, so that results are reproducible.",
           rng=rng)
    )
