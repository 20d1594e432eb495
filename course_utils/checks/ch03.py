"""Checks for the exercises of notebook 03, *Backpropagation from scratch*.

Four exercises. The student versions take their arguments explicitly (where
:mod:`course_utils.layers` packs them into a ``cache``):

* ``relu_backward(dout, z) -> dz``: the gradient through ``h = relu(z)``;
  ``dout`` and ``z`` are ``(n, d)``, ``dz = dout * 1[z > 0]`` is ``(n, d)``.
  At exactly ``z == 0`` the ReLU has no derivative; the check accepts both
  subgradients there, 0 (the course's choice) and 1 (``z >= 0``).
* ``dense_backward(dout, x, W) -> (dx, dW, db)``: the gradient through
  ``out = x @ W + b`` with ``x (n, fan_in)``, ``W (fan_in, fan_out)``,
  ``dout (n, fan_out)``: ``dx = dout @ W.T``, ``dW = x.T @ dout``,
  ``db = dout.sum(axis=0)``. ``dout`` already carries the ``1/n`` of the mean loss.
* ``backward_two_hidden(params, X, y) -> (dW1, db1, dW2, db2, dW3, db3)``: the whole
  backward pass of ``X -> dense -> relu -> dense -> relu -> dense -> softmax`` with the
  mean cross-entropy, written without the layer helpers. The check compares it with
  **finite differences** of the loss (gradient checking, in float64), not with a
  formula, on networks of three shapes.
* ``training_step(params, X, y, learning_rate) -> loss``: one step of mini-batch
  SGD on a one-hidden-layer ReLU network whose parameters are the dictionary
  ``params = {"W1", "b1", "W2", "b2"}``, updated in place; returns the loss of the
  batch *before* the update.

Every typical mistake is one :class:`~course_utils.checks.feedback.Mistake`: its name,
explanation, hint and the mistaken code itself, which both recognises the mistake (the
check runs it on the same inputs) and is its self-test. Test inputs have a different
size along every axis (batch, fan-in, fan-out, classes other than 10), so a transposed
or wrongly summed array has the wrong shape; one case per exercise has a square weight
matrix, where ``dout @ W`` (instead of ``dout @ W.T``) runs and is recognised by its values.
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.checks.feedback import (
    IGNORES_ARGUMENT,
    MODIFIED_INPUT,
    OFF_BY_FACTOR,
    OUTPUTS_SWAPPED,
    SIGN_FLIPPED,
    TRUNCATED_DTYPE,
    Exercise,
    Feedback,
    Mistake,
    Status,
    arrays_match,
    call_student,
    cast,
    compare_arrays,
    compare_outputs,
    diagnose,
    negated,
    require_dependence,
    stop,
    swapped,
)
from course_utils.gradcheck import numerical_gradient
from course_utils.softmax import log_softmax as _log_softmax
from course_utils.softmax import softmax as _softmax
from course_utils.softmax import softmax_cross_entropy as _softmax_cross_entropy

# ---------------------------------------------------------------- reference solutions


def relu_backward(dout: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Gradient of the loss with respect to ``z``, where ``h = relu(z)``.

    Args:
        dout: ``(n, d)`` gradient of the loss with respect to ``h``.
        z: ``(n, d)`` the input of the ReLU (pre-activation), saved by the forward pass.

    Returns:
        ``dz``: ``(n, d)``, equal to ``dout`` where ``z > 0`` and 0 elsewhere.
    """
    _, cache = _layers.relu_forward(z)
    return _layers.relu_backward(dout, cache)


def dense_backward(dout: np.ndarray, x: np.ndarray, W: np.ndarray):
    """Gradients through the dense layer ``out = x @ W + b``.

    Args:
        dout: ``(n, fan_out)`` gradient of the loss with respect to ``out``.
        x: ``(n, fan_in)`` the layer's input, saved by the forward pass.
        W: ``(fan_in, fan_out)`` the layer's weights.

    Returns:
        ``(dx, dW, db)`` with shapes ``(n, fan_in)``, ``(fan_in, fan_out)``, ``(fan_out,)``.
    """
    b = np.zeros(W.shape[1], dtype=W.dtype)
    _, cache = _layers.dense_forward(x, W, b)
    return _layers.dense_backward(dout, cache)


_TWO_HIDDEN_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
_TWO_HIDDEN_OUTPUTS = tuple(f"d{name}" for name in _TWO_HIDDEN_NAMES)


def backward_two_hidden(params: dict, X: np.ndarray, y: np.ndarray):
    """Gradients of the mean cross-entropy of a network with two hidden ReLU layers.

    The forward pass is ``Z1 = X W1 + b1``, ``H1 = relu(Z1)``, ``Z2 = H1 W2 + b2``,
    ``H2 = relu(Z2)``, ``Z3 = H2 W3 + b3``, ``P = softmax(Z3)``, and the loss is
    ``L = -mean_i log P[i, y_i]``.

    Args:
        params: ``{"W1": (d, h1), "b1": (h1,), "W2": (h1, h2), "b2": (h2,),
            "W3": (h2, k), "b3": (k,)}``; not modified.
        X: ``(n, d)`` inputs; ``y``: ``(n,)`` int labels in ``0..k-1``.

    Returns:
        ``(dW1, db1, dW2, db2, dW3, db3)``, each with the shape of its parameter.
    """
    W1, b1, W2, b2, W3, b3 = (params[name] for name in _TWO_HIDDEN_NAMES)
    z1, dense1 = _layers.dense_forward(X, W1, b1)
    h1, relu1 = _layers.relu_forward(z1)
    z2, dense2 = _layers.dense_forward(h1, W2, b2)
    h2, relu2 = _layers.relu_forward(z2)
    z3, dense3 = _layers.dense_forward(h2, W3, b3)
    _, dz3 = _softmax_cross_entropy(z3, y)
    dh2, dW3, db3 = _layers.dense_backward(dz3, dense3)
    dh1, dW2, db2 = _layers.dense_backward(_layers.relu_backward(dh2, relu2), dense2)
    _, dW1, db1 = _layers.dense_backward(_layers.relu_backward(dh1, relu1), dense1)
    return dW1, db1, dW2, db2, dW3, db3


def training_step(params: dict, X: np.ndarray, y: np.ndarray, learning_rate: float) -> float:
    """One mini-batch SGD step for ``X -> dense -> relu -> dense -> softmax``.

    Args:
        params: ``{"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}``, updated in place.
        X: ``(n, d)`` float32 mini-batch.
        y: ``(n,)`` int labels in ``0..k-1``.
        learning_rate: the SGD step size.

    Returns:
        The mean cross-entropy of the batch, computed before the update.
    """
    loss, grads = _loss_and_gradients(params, X, y)
    for name, grad in grads.items():
        params[name] -= learning_rate * grad
    return loss


def _loss_and_gradients(params: dict, X: np.ndarray, y: np.ndarray, extra_softmax=False):
    z1, dense1 = _layers.dense_forward(X, params["W1"], params["b1"])
    h, relu1 = _layers.relu_forward(z1)
    z2, dense2 = _layers.dense_forward(h, params["W2"], params["b2"])
    loss, dz2 = _softmax_cross_entropy(_softmax(z2) if extra_softmax else z2, y)
    dh, dW2, db2 = _layers.dense_backward(dz2, dense2)
    dz1 = _layers.relu_backward(dh, relu1)
    _, dW1, db1 = _layers.dense_backward(dz1, dense1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# ---------------------------------------------------------------- ReLU backward

_RELU = "relu_backward"
SHARED_MASK = "one mask shared by the whole batch"


def _relu_cases():
    """``(dout, z)`` pairs. Case 1: (6, 5) float32, no exact zeros, signs of ``dout`` and
    ``z`` independent (masking on the wrong array shows), ``|z|`` not 0/1 (multiplying by
    ``relu(z)`` differs from multiplying by the mask), one unit off and one on for every
    sample (a mask shared by the batch keeps the first and drops the second). Case 2:
    non-square (3, 8) float64 with tiny and huge magnitudes. Case 3: exact zeros in ``z``
    and in ``dout``."""
    rng = np.random.default_rng(3)
    dout = rng.normal(0.0, 1.0, size=(6, 5)).astype(np.float32)
    z = rng.uniform(0.5, 3.0, size=(6, 5)).astype(np.float32)
    z *= rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=z.shape)
    z[:, 0], z[:, 1] = -np.abs(z[:, 0]), np.abs(z[:, 1])   # a unit off, a unit on for all
    dout2 = rng.normal(0.0, 1.0, size=(3, 8)) * 10.0 ** rng.integers(-6, 7, size=(3, 8))
    z2 = rng.choice([-1.0, 1.0], size=(3, 8)) * 10.0 ** rng.integers(-30, 30, size=(3, 8))
    z3 = rng.normal(size=(4, 7)).astype(np.float32)
    z3[rng.random(z3.shape) < 0.3] = 0.0
    dout3 = rng.normal(size=(4, 7)).astype(np.float32)
    dout3[rng.random(dout3.shape) < 0.2] = 0.0
    return [(dout, z), (dout2, z2), (dout3, z3)]


RELU_MISTAKES = [
    Mistake(
        "multiplied by the activation instead of the 0/1 mask",
        "You multiply dout by relu(z), the ReLU's *output*. The derivative of relu(z) with "
        "respect to z is not relu(z): it is 1 where z > 0 and 0 elsewhere.",
        "Multiply dout by the mask (z > 0), not by the activation values.",
        lambda dout, z: dout * np.maximum(z, 0)),
    Mistake(
        "mask taken on dout instead of z",
        "You keep the entries where dout > 0. Which entries pass the gradient is decided by "
        "the forward pass: the ReLU let z through where z > 0. The sign of the incoming "
        "gradient plays no role.",
        "Build the mask from z, the ReLU's input.",
        lambda dout, z: dout * (dout > 0)),
    Mistake(
        "returned the mask without multiplying by dout",
        "You return the local derivative 1[z > 0] alone. The chain rule multiplies it by the "
        "gradient arriving from above, dout.",
        "Multiply the local derivative by dout.",
        lambda dout, z: (z > 0).astype(dout.dtype)),
    Mistake(
        "gradient passed through unchanged",
        "You return dout as it is, as if the ReLU were the identity. Units with z <= 0 output "
        "a constant 0, so their gradient must be 0.",
        "Zero the entries where z <= 0.",
        lambda dout, z: dout.copy()),
    Mistake(
        "mask inverted",
        "You pass the gradient where z < 0 and block it where z > 0: the mask is the wrong "
        "way round.",
        "The ReLU is the identity for z > 0, so that is where the gradient flows.",
        lambda dout, z: dout * (z < 0)),
]


def _relu_one_mask_for_all(dout, z):
    return dout * (z[0] > 0)          # the first sample's mask, broadcast to every row


def _relu_zeroes_dout_in_place(dout, z):
    dout[z <= 0] = 0                  # changes the caller's array
    return dout


def _shared_mask(got: np.ndarray, dout: np.ndarray) -> bool:
    """True when every column of ``got`` is either all ``dout`` or all 0, some of each: one 0/1
    mask per unit, the same for every sample (although each sample has its own ``z``)."""
    if got.shape != dout.shape or got.ndim != 2 or len(got) < 2:
        return False
    g = got.astype(np.float64)
    kept = np.all(np.isclose(g, dout, rtol=1e-5, atol=1e-7), axis=0)
    zeroed = np.all(g == 0, axis=0)
    return bool(np.all(kept | zeroed) and kept.any() and zeroed.any())


def _diagnose_relu_backward(student_fn) -> Feedback:
    def procedure() -> str:
        for case, (dout, z) in enumerate(_relu_cases()):
            got = call_student(_RELU, student_fn, dout, z)
            expected = relu_backward(dout, z)
            if case == 2 and arrays_match(got, np.where(z >= 0, dout, 0).astype(dout.dtype)):
                continue           # subgradient 1 at z == 0: a legitimate choice
            if not arrays_match(got, expected) and _shared_mask(np.asarray(got), dout):
                stop(_RELU, Status.MISTAKE,
                     "Your dz uses the same mask for every sample (row): each column is either "
                     "all dout or all 0. But each sample has its own z, so each row needs its "
                     "own mask.",
                     hint="Build the mask from the whole (n, d) array z, element by element, "
                          "not from one row or a summary of the rows.", mistake=SHARED_MASK)
            compare_arrays(_RELU, got, expected, inputs=(dout, z), mistakes=RELU_MISTAKES,
                           what="dz")
        return ("dz equals dout where z > 0 and 0 where z < 0, for every sample, on batches "
                "of three shapes.")

    return diagnose(_RELU, procedure)


RELU_BACKWARD = Exercise(
    name=_RELU,
    reference=relu_backward,
    diagnosis=_diagnose_relu_backward,
    mistakes=RELU_MISTAKES,
    wrong_solutions={
        SHARED_MASK: _relu_one_mask_for_all,
        MODIFIED_INPUT: _relu_zeroes_dout_in_place,
        TRUNCATED_DTYPE: cast(relu_backward, np.int64),
        SIGN_FLIPPED: negated(relu_backward),
    },
)


def check_relu_backward(student_fn):
    """Check the ReLU-backward exercise; returns the function to use from here on."""
    return RELU_BACKWARD.check(student_fn)


# ---------------------------------------------------------------- dense backward

_DENSE = "dense_backward"
_DENSE_OUTPUTS = ("dx", "dW", "db")


def _dense_inputs(fan_in: int, fan_out: int, n: int = 6, seed: int = 4, dtype=np.float32):
    """``dout (n, fan_out)``, ``x (n, fan_in)`` with one all-zero column (a pixel that is
    never inked), ``W (fan_in, fan_out)``."""
    rng = np.random.default_rng(seed)
    dout = (rng.normal(size=(n, fan_out)) / n).astype(dtype)
    x = rng.normal(size=(n, fan_in)).astype(dtype)
    x[:, -1] = 0
    W = rng.normal(size=(fan_in, fan_out)).astype(dtype)
    return dout, x, W


def _dense_cases():
    # Square W first: there dout @ W runs and is recognised by its values. Then every axis
    # a different size, so any transposition changes a shape; then float64 and n = 1.
    return [_dense_inputs(fan_in=4, fan_out=4, n=6),
            _dense_inputs(fan_in=5, fan_out=3, n=7, seed=5),
            _dense_inputs(fan_in=3, fan_out=8, n=1, seed=6, dtype=np.float64)]


def _dense_wrong(dx=None, dW=None, db=None):
    """A student function that is right except for the parts given here. A mistaken part that
    cannot run on the given shapes (``dout @ W`` with a non-square ``W``) returns an empty
    array, which never matches an answer."""
    def part(fn, default, dout, x, W):
        try:
            return default(dout, x, W) if fn is None else fn(dout, x, W)
        except ValueError:
            return np.empty(0)

    def student(dout, x, W):
        return (part(dx, lambda d, a, w: d @ w.T, dout, x, W),
                part(dW, lambda d, a, w: a.T @ d, dout, x, W),
                part(db, lambda d, a, w: d.sum(axis=0), dout, x, W))
    return student


DENSE_MISTAKES = [
    Mistake(
        "transposed weight gradient",
        "Your dW is the transpose of the correct one, as computed by dout.T @ x: shape "
        "(fan_out, fan_in). A gradient always has the shape of the parameter, and W is "
        "(fan_in, fan_out).",
        "Which product of x (n, fan_in) and dout (n, fan_out) has shape (fan_in, fan_out)?",
        _dense_wrong(dW=lambda dout, x, W: dout.T @ x)),
    Mistake(
        "weight gradient divided by the batch size again",
        "Your dW is the correct one divided by n. dout comes from the mean loss, so it "
        "already contains the factor 1/n; dividing again makes every step n times too small.",
        "No extra division: the 1/n is inside dout.",
        _dense_wrong(dW=lambda dout, x, W: x.T @ dout / len(x))),
    Mistake(
        "weight gradient multiplied by the batch size",
        "Your dW is n times the correct one: the gradient of a sum over the batch instead of "
        "the mean. Steps would be n times too large.",
        "dout already is the gradient of the mean loss; use it as it is.",
        _dense_wrong(dW=lambda dout, x, W: x.T @ dout * len(x))),
    Mistake(
        "bias gradient not summed over the batch",
        "Your db has one row per sample, shape (n, fan_out). The same bias is added to every "
        "row of the batch, so its gradient is the sum of the per-sample contributions: one "
        "number per output unit.",
        "Sum dout over the samples, so that db has shape (fan_out,).",
        _dense_wrong(db=lambda dout, x, W: dout)),
    Mistake(
        "bias gradient averaged instead of summed",
        "Your db is dout.mean(axis=0): the correct gradient divided by n. The 1/n of the mean "
        "loss is already inside dout; averaging applies it a second time.",
        "Sum over the batch instead of averaging.",
        _dense_wrong(db=lambda dout, x, W: dout.mean(axis=0))),
    Mistake(
        "bias gradient summed over the wrong axis",
        "Your db has one entry per sample: you summed across the output units (axis=1) "
        "instead of across the batch (axis=0).",
        "Sum over the samples, the axis of length n; one entry per output unit remains.",
        _dense_wrong(db=lambda dout, x, W: dout.sum(axis=1))),
    Mistake(
        "dx computed with W instead of W^T",
        "Your dx is dout @ W. The forward pass multiplied x by W, so the gradient flows back "
        "through the transpose: each input unit collects the gradients of the outputs it "
        "feeds, weighted by its own row of W.",
        "dx must be (n, fan_in): (n, fan_out) times a (fan_out, fan_in) matrix.",
        _dense_wrong(dx=lambda dout, x, W: dout @ W)),
    Mistake(
        "input gradient divided by the batch size again",
        "Your dx is the correct one divided by n; the 1/n of the mean loss is already inside "
        "dout.",
        "No extra division for dx either.",
        _dense_wrong(dx=lambda dout, x, W: dout @ W.T / len(x))),
]


def _diagnose_dense_backward(student_fn) -> Feedback:
    def procedure() -> str:
        for dout, x, W in _dense_cases():
            got = call_student(_DENSE, student_fn, dout, x, W)
            compare_outputs(_DENSE, got, dense_backward(dout, x, W), _DENSE_OUTPUTS,
                            inputs=(dout, x, W), mistakes=DENSE_MISTAKES,
                            factors={"the batch size": len(x)})
        return ("dx = dout @ W.T, dW = x.T @ dout and db = dout.sum(axis=0), each with the "
                "shape of what it is the gradient of, for square and non-square layers.")

    return diagnose(_DENSE, procedure)


DENSE_BACKWARD = Exercise(
    name=_DENSE,
    reference=dense_backward,
    diagnosis=_diagnose_dense_backward,
    mistakes=DENSE_MISTAKES,
    wrong_solutions={
        OUTPUTS_SWAPPED: swapped(dense_backward, 0, 1),
        SIGN_FLIPPED: negated(dense_backward),
    },
)


def check_dense_backward(student_fn):
    """Check the dense-backward exercise; returns the function to use from here on."""
    return DENSE_BACKWARD.check(student_fn)


# ---------------------------------------------------------------- two hidden layers

_TWO = "backward_two_hidden"


def _two_hidden_loss(params: dict, X: np.ndarray, y: np.ndarray) -> float:
    """The mean cross-entropy of the two-hidden-layer network (float64, log-sum-exp)."""
    h1 = np.maximum(X @ params["W1"] + params["b1"], 0)
    h2 = np.maximum(h1 @ params["W2"] + params["b2"], 0)
    log_p = _log_softmax(h2 @ params["W3"] + params["b3"])
    return float(-np.mean(log_p[np.arange(len(y)), y]))


def finite_difference_gradients(params: dict, X: np.ndarray, y: np.ndarray) -> tuple:
    """The six gradients of :func:`_two_hidden_loss` by central finite differences (float64)."""
    work = {name: value.copy() for name, value in params.items()}
    return tuple(numerical_gradient(lambda _: _two_hidden_loss(work, X, y), work[name])
                 for name in _TWO_HIDDEN_NAMES)


def _two_hidden_case(d, h1, h2, k, n, seed, scale=1.0, labels=None):
    """float64 parameters (He-like scale times ``scale``), inputs with an all-zero column,
    labels (all classes unless given). Pre-activations stay at least 1e-3 away from the
    ReLU's kink at 0, so finite differences with h = 1e-5 never cross it."""
    rng = np.random.default_rng(seed)
    sizes = [(d, h1), (h1, h2), (h2, k)]
    while True:
        params = {}
        for i, (fan_in, fan_out) in enumerate(sizes, start=1):
            params[f"W{i}"] = scale * rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))
            params[f"b{i}"] = scale * rng.normal(0, 0.1, size=fan_out)
        X = rng.normal(size=(n, d))
        X[:, 0] = 0.0
        z1 = X @ params["W1"] + params["b1"]
        z2 = np.maximum(z1, 0) @ params["W2"] + params["b2"]
        if np.abs(z1).min() > 1e-3 * scale and np.abs(z2).min() > 1e-3 * scale ** 2 \
                and (z1 > 0).any(axis=0).all() and (z2 > 0).any(axis=0).all():
            break
    y = rng.permutation(np.resize(np.arange(k), n)) if labels is None else np.asarray(labels)
    return params, X, y.astype(np.int64)


def _two_hidden_cases():
    """Three networks: a square W2 (so W2 used untransposed still runs) and 3 classes; every
    size different with labels that miss the last class (so the number of classes must come
    from W3, not from the labels); weights so large that the logits reach thousands (a softmax
    without the max subtraction overflows)."""
    return [_two_hidden_case(d=5, h1=4, h2=4, k=3, n=6, seed=10),
            _two_hidden_case(d=7, h1=6, h2=4, k=5, n=9, seed=11,
                             labels=[0, 1, 2, 3, 0, 1, 2, 3, 1]),
            _two_hidden_case(d=4, h1=3, h2=5, k=4, n=5, seed=12, scale=15.0)]


def _two_forward(params, X):
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ params["W2"] + params["b2"]
    h2 = np.maximum(z2, 0)
    p = _softmax(h2 @ params["W3"] + params["b3"])
    return z1, h1, z2, h2, p


def _two_wrong(*, mask1=True, mask2=True, swap_masks=False, first_not_divided=False, summed=False,
               W2_untransposed=False, extra_output_factor=False, transpose_dW=False,
               db="sum", pre_activation_inputs=False, targets_from_predictions=False,
               updates_params=False):
    """A from-scratch backward pass with the given mistakes (keyword = the mistake). Shapes a
    mistake cannot run on give empty arrays, which never match an answer."""
    def backward(params, X, y):
        try:
            return _two_backward(params, X, y)
        except ValueError:
            return tuple(np.empty(0) for _ in _TWO_HIDDEN_NAMES)

    def _two_backward(params, X, y):
        W2, W3 = params["W2"], params["W3"]
        z1, h1, z2, h2, p = _two_forward(params, X)
        n, k = len(X), W3.shape[1]
        labels = p.argmax(axis=1) if targets_from_predictions else y
        dz3 = (p - np.eye(k)[labels]) / (1 if summed else n)
        if extra_output_factor:
            dz3 = dz3 * p * (1 - p)
        m1, m2 = (z1 > 0), (z2 > 0)
        if swap_masks:
            m1, m2 = m2, m1
        dz2 = (dz3 @ W3.T) * (m2 if mask2 else 1)
        dz1 = (dz2 @ (W2 if W2_untransposed else W2.T)) * (m1 if mask1 else 1)
        inputs = (X, z1, z2) if pre_activation_inputs else (X, h1, h2)
        grads = []
        for a, dz in zip(inputs, (dz1, dz2, dz3), strict=True):
            dW = dz.T @ a if transpose_dW else a.T @ dz
            grads += [dW, {"sum": dz.sum(axis=0), "mean": dz.mean(axis=0), "none": dz}[db]]
        if first_not_divided:
            grads[0], grads[1] = n * grads[0], n * grads[1]
        if updates_params:
            for name, grad in zip(_TWO_HIDDEN_NAMES, grads, strict=True):
                params[name] -= 0.1 * grad
        return tuple(grads)
    return backward


TWO_HIDDEN_MISTAKES = [
    Mistake(
        "ReLU mask missing on the second hidden layer",
        "Your gradients are those of a network whose second hidden layer has no ReLU: dZ2 = "
        "dH2, without the mask 1[Z2 > 0]. Units of the second layer that were off (Z2 <= 0) "
        "output a constant 0 and must pass no gradient back.",
        "After dH2 = dZ3 W3^T, multiply by the second layer's own mask before going on.",
        _two_wrong(mask2=False)),
    Mistake(
        "ReLU mask missing on the first hidden layer",
        "Your gradients of W1 and b1 are those of a network whose first hidden layer has no "
        "ReLU: dZ1 = dH1, without the mask 1[Z1 > 0].",
        "After dH1 = dZ2 W2^T, multiply by the first layer's mask (from Z1).",
        _two_wrong(mask1=False)),
    Mistake(
        "masks of the two hidden layers swapped",
        "You multiply dH2 by the first layer's mask and dH1 by the second's. Each ReLU's mask "
        "comes from its own input: Z2 for the second hidden layer, Z1 for the first.",
        "Keep Z1 and Z2 from the forward pass and use each at its own layer.",
        _two_wrong(swap_masks=True)),
    Mistake(
        "first-layer gradients not divided by the batch size",
        "Your dW1 and db1 are n times too large, the other four are right. This happens when "
        "the 1/n is applied to each weight gradient separately and forgotten for the first "
        "layer; training still runs, as if the first layer had a learning rate n times larger.",
        "Put the 1/n once into dZ3 = (P - Y)/n; everything below inherits it.",
        _two_wrong(first_not_divided=True)),
    Mistake(
        "gradients of the summed loss, not the mean",
        "Every gradient is n times too large: dZ3 = P - Y without the 1/n. The loss is the "
        "mean over the batch, so its gradient carries 1/n.",
        "Divide P - Y by the batch size once, at the output.",
        _two_wrong(summed=True)),
    Mistake(
        "W2 not transposed in the backward pass",
        "Your dH1 is dZ2 @ W2. The forward pass computed Z2 = H1 W2, so the gradient flows "
        "back through the transpose (with a square W2 the untransposed product runs, but "
        "gives other numbers).",
        "dH1 must be (n, h1): (n, h2) times a (h2, h1) matrix.",
        _two_wrong(W2_untransposed=True)),
    Mistake(
        "extra activation derivative at the softmax output",
        "You multiply P - Y by P(1 - P). With softmax and cross-entropy, (P - Y)/n already "
        "is the gradient of the loss with respect to the logits Z3: the softmax's derivative "
        "is inside it.",
        "Use dZ3 = (P - Y)/n as it is.",
        _two_wrong(extra_output_factor=True)),
    Mistake(
        "weight gradients transposed",
        "Your weight gradients are dZ^T A, shape (fan_out, fan_in): the transposes of the "
        "right ones. A gradient has the shape of its parameter, and W is (fan_in, fan_out).",
        "Which product of A (n, fan_in) and dZ (n, fan_out) has shape (fan_in, fan_out)?",
        _two_wrong(transpose_dW=True)),
    Mistake(
        "bias gradients averaged instead of summed",
        "Your bias gradients are dZ.mean(axis=0): the right ones divided by n. The 1/n of the "
        "mean loss is already inside dZ3 and every dZ below it.",
        "Sum dZ over the batch for each bias.",
        _two_wrong(db="mean")),
    Mistake(
        "bias gradients not summed over the batch",
        "Your bias gradients have one row per sample, shape (n, units). Each bias is added to "
        "every sample, so its gradient sums the samples' contributions.",
        "Sum dZ over the samples (axis 0).",
        _two_wrong(db="none")),
    Mistake(
        "pre-activations used as the layer inputs in dW",
        "Your dW2 and dW3 use Z1 and Z2, the values *before* the ReLU. The input of the second "
        "dense layer is H1 = relu(Z1), and of the third H2 = relu(Z2): dW = A^T dZ with A the "
        "layer's actual input.",
        "Use H1 for dW2 and H2 for dW3.",
        _two_wrong(pre_activation_inputs=True)),
]


def _diagnose_backward_two_hidden(student_fn) -> Feedback:
    def procedure() -> str:
        cases = _two_hidden_cases()
        params, X, y = cases[0]
        require_dependence(_TWO, student_fn, backward_two_hidden, (params, X, y), 2,
                           np.roll(y, 1), "y")
        for params, X, y in cases:
            got = call_student(_TWO, student_fn, params, X, y)
            compare_outputs(_TWO, got, finite_difference_gradients(params, X, y),
                            _TWO_HIDDEN_OUTPUTS, inputs=(params, X, y),
                            mistakes=TWO_HIDDEN_MISTAKES, rtol=1e-5, atol=1e-8,
                            factors={"the batch size": len(X)})
        return ("All six gradients agree with finite differences of the loss (gradient "
                "checking in float64) on three networks, including a square W2, 5 classes and "
                "logits in the thousands.")

    return diagnose(_TWO, procedure)


BACKWARD_TWO_HIDDEN = Exercise(
    name=_TWO,
    reference=backward_two_hidden,
    diagnosis=_diagnose_backward_two_hidden,
    mistakes=TWO_HIDDEN_MISTAKES,
    wrong_solutions={
        OUTPUTS_SWAPPED: lambda params, X, y: tuple(
            backward_two_hidden(params, X, y)[i] for i in (0, 2, 4, 1, 3, 5)),
        SIGN_FLIPPED: lambda params, X, y: tuple(-g for g in backward_two_hidden(params, X, y)),
        f"{OFF_BY_FACTOR}: the batch size": lambda params, X, y: tuple(
            g / len(X) for g in backward_two_hidden(params, X, y)),
        IGNORES_ARGUMENT: _two_wrong(targets_from_predictions=True),
        MODIFIED_INPUT: _two_wrong(updates_params=True),
    },
)


def check_backward_two_hidden(student_fn):
    """Check the two-hidden-layer backward pass; returns the function to use from here on."""
    return BACKWARD_TWO_HIDDEN.check(student_fn)


# ---------------------------------------------------------------- one training step

_STEP = "training_step"
_PARAM_NAMES = ("W1", "b1", "W2", "b2")
_PARAM_WORDS = {"W1": "first-layer weights", "b1": "first-layer biases",
                "W2": "second-layer weights", "b2": "second-layer biases"}
#: The learning rate the notebook uses, the value a student might write instead of the argument.
_NOTEBOOK_LEARNING_RATE = 0.1


def _step_case(d, h, k, n, seed, learning_rate):
    """A d-h-k network, a batch of n and a learning rate: every axis has its own size."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(0.0, 0.6, size=(d, h)).astype(np.float32),
        "b1": rng.normal(0.0, 0.3, size=h).astype(np.float32),
        "W2": rng.normal(0.0, 0.6, size=(h, k)).astype(np.float32),
        "b2": rng.normal(0.0, 0.3, size=k).astype(np.float32),
    }
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = rng.permutation(np.resize(np.arange(k), n)).astype(np.int64)
    return params, X, y, learning_rate


def _step_cases():
    return [_step_case(5, 4, 3, 7, seed=6, learning_rate=0.5),
            _step_case(6, 8, 4, 3, seed=7, learning_rate=0.05)]


def _mistaken_step(sign=-1.0, update_bias=True, extra_softmax=False, loss_after=False,
                   sum_not_mean=False, fixed_learning_rate=None):
    """What a training step with the given mistake returns and leaves in ``params``."""
    def step(params, X, y, learning_rate):
        loss, grads = _loss_and_gradients(params, X, y, extra_softmax=extra_softmax)
        rate = learning_rate if fixed_learning_rate is None else fixed_learning_rate
        scale = rate * (len(X) if sum_not_mean else 1)
        for name, grad in grads.items():
            if update_bias or name.startswith("W"):
                params[name] += sign * scale * grad
        if loss_after:
            loss, _ = _loss_and_gradients(params, X, y)
        return loss
    return step


STEP_MISTAKES = [
    Mistake(
        "update with + instead of -",
        "Your parameters moved *along* the gradient. The gradient points uphill, towards a "
        "larger loss; gradient descent steps the other way.",
        "Subtract learning_rate times the gradient.",
        _mistaken_step(sign=+1.0)),
    Mistake(
        "biases not updated",
        "Your weights are updated correctly but b1 and b2 did not change. The biases are "
        "parameters too and have their own gradients db1, db2.",
        "Update all four entries of params: W1, b1, W2 and b2.",
        _mistaken_step(update_bias=False)),
    Mistake(
        "extra softmax before the loss",
        "Your loss and update are those of a softmax applied twice, as when softmax(Z2) is "
        "passed to softmax_cross_entropy, which applies its own softmax: probabilities between "
        "0 and 1 are squashed into an almost uniform distribution, the loss stays near log(k) "
        "and the gradients are far too small.",
        "Give softmax_cross_entropy the logits Z2 (the output of the last dense layer), not "
        "probabilities.",
        _mistaken_step(extra_softmax=True)),
    Mistake(
        "gradient not divided by the batch size",
        "Every parameter moved n times too far (n = batch size): your gradients are those of "
        "the *sum* of the per-sample losses, while the loss is their mean. In (P - Y) / n the "
        "1/n is easy to drop when you compute the output gradient yourself.",
        "Use dZ2 = (P - Y) / n, as softmax_cross_entropy returns it, and no other 1/n.",
        _mistaken_step(sum_not_mean=True)),
    Mistake(
        "returned the loss after the update",
        "Your parameters are updated correctly, but the loss you return is computed with the "
        "*updated* parameters. The step's loss is the one its gradients came from, before the "
        "update.",
        "Keep the loss from the forward pass at the start of the step and return that.",
        _mistaken_step(loss_after=True)),
    Mistake(
        "learning rate fixed instead of the argument",
        f"Your step moved the parameters by {_NOTEBOOK_LEARNING_RATE} times the gradient "
        "whatever learning_rate was passed: the function uses a fixed value (or the "
        "notebook's LEARNING_RATE) instead of its argument.",
        "Use the argument learning_rate inside the function.",
        _mistaken_step(fixed_learning_rate=_NOTEBOOK_LEARNING_RATE)),
]


def _copy_params(params: dict) -> dict:
    return {name: value.copy() for name, value in params.items()}


def _flat(loss, params: dict) -> np.ndarray:
    return np.concatenate([[float(loss)], *(np.ravel(params[name]) for name in _PARAM_NAMES)])


def _check_step_case(student_fn, params, X, y, learning_rate) -> None:
    expected_params = _copy_params(params)
    expected_loss = training_step(expected_params, X, y, learning_rate)

    student_params = _copy_params(params)
    loss = call_student(_STEP, student_fn, student_params, X, y, learning_rate,
                        may_modify=("params", 0))
    if loss is None or np.ndim(loss) != 0 or not np.isreal(loss):
        stop(_STEP, Status.MISTAKE,
             f"Your function returned {type(loss).__name__}; expected the batch loss, a single "
             "number.", hint="Update params in place and end with `return loss`.")
    if set(student_params) != set(_PARAM_NAMES) or any(
            np.shape(student_params[k]) != params[k].shape for k in _PARAM_NAMES):
        stop(_STEP, Status.MISTAKE,
             "After your step, params no longer holds W1, b1, W2, b2 with their original "
             "shapes: " + ", ".join(f"{k} {np.shape(v)}" for k, v in student_params.items())
             + ".", hint="Update each array of the dictionary, keeping its shape.")

    got = _flat(loss, student_params)
    if not np.allclose(got, _flat(expected_loss, expected_params), rtol=1e-4, atol=1e-6):
        for mistake in STEP_MISTAKES:
            wrong_params = _copy_params(params)
            wrong_loss = mistake.wrong(wrong_params, X, y, learning_rate)
            if np.allclose(got, _flat(wrong_loss, wrong_params), rtol=1e-4, atol=1e-6):
                stop(_STEP, Status.MISTAKE, mistake.explanation, hint=mistake.hint,
                     mistake=mistake.name)
    if np.allclose(_flat(0.0, student_params), _flat(0.0, params)):
        stop(_STEP, Status.MISTAKE, "The parameters did not change.",
             hint="Update params in place (params['W1'] -= ...); assigning a new array to a "
                  "local variable W1 does not change the dictionary.")
    compare_arrays(_STEP, np.float64(loss), np.float64(expected_loss),
                   what="the returned loss", rtol=1e-4, atol=1e-6)
    for name in _PARAM_NAMES:
        compare_arrays(_STEP, student_params[name], expected_params[name],
                       what=f"the {_PARAM_WORDS[name]} after your update", rtol=1e-4, atol=1e-6)


def _diagnose_training_step(student_fn) -> Feedback:
    def procedure() -> str:
        for case in _step_cases():
            _check_step_case(student_fn, *case)
        return ("The loss and all four updated parameters match one SGD step, for two "
                "networks and two learning rates.")

    return diagnose(_STEP, procedure)


TRAINING_STEP = Exercise(
    name=_STEP,
    reference=training_step,
    diagnosis=_diagnose_training_step,
    mistakes=STEP_MISTAKES,
)


def check_training_step(student_fn):
    """Check the training-step exercise; returns the function to use from here on."""
    return TRAINING_STEP.check(student_fn)


EXERCISES = [RELU_BACKWARD, DENSE_BACKWARD, BACKWARD_TWO_HIDDEN, TRAINING_STEP]
