"""Checks for the exercises of notebook 03, *Backpropagation from scratch*.

Three exercises. The references are built from :mod:`course_utils.layers` and
:mod:`course_utils.softmax`; the student versions take their arguments explicitly
(where ``course_utils.layers`` packs them into a ``cache``):

* ``relu_backward(dout, z) -> dz``: the gradient through ``h = relu(z)``;
  ``dout`` and ``z`` are ``(n, d)``, ``dz = dout * 1[z > 0]`` is ``(n, d)``.
* ``dense_backward(dout, x, W) -> (dx, dW, db)``: the gradient through
  ``out = x @ W + b`` with ``x (n, fan_in)``, ``W (fan_in, fan_out)``,
  ``dout (n, fan_out)``: ``dx = dout @ W.T``, ``dW = x.T @ dout``,
  ``db = dout.sum(axis=0)``. ``dout`` already carries the ``1/n`` of the mean loss.
* ``training_step(params, X, y, learning_rate) -> loss``: one step of mini-batch
  SGD on a one-hidden-layer ReLU network whose parameters are the dictionary
  ``params = {"W1", "b1", "W2", "b2"}``, updated in place; returns the loss of the
  batch *before* the update.

All test inputs have different sizes along every axis (batch, fan-in, fan-out),
so a transposed or wrongly summed array has the wrong shape and is caught; the
dense-layer check first uses a square weight matrix, where ``dout @ W`` (instead of
``dout @ W.T``) runs without error and can be recognised by its values.
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    KnownMistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)
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


def _relu_inputs() -> tuple[np.ndarray, np.ndarray]:
    """(6, 5) float32 ``dout`` and ``z``, no exact zeros in ``z``. The signs of ``dout``
    and ``z`` are independent, so masking on the wrong array gives different values;
    ``z`` is not 0/1, so multiplying by ``relu(z)`` differs from multiplying by the mask."""
    rng = np.random.default_rng(3)
    dout = rng.normal(0.0, 1.0, size=(6, 5)).astype(np.float32)
    z = rng.uniform(0.5, 3.0, size=(6, 5)).astype(np.float32)
    z *= rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=z.shape)
    return dout, z


def _relu_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="multiplied by the activation instead of the 0/1 mask",
            explanation="You multiply dout by relu(z), the ReLU's *output*. The derivative of "
                        "relu(z) with respect to z is not relu(z): it is 1 where z > 0 and 0 "
                        "elsewhere.",
            hint="Multiply dout by the mask (z > 0), not by the activation values.",
            compute=lambda dout, z: dout * np.maximum(z, 0),
        ),
        KnownMistake(
            name="mask taken on dout instead of z",
            explanation="You keep the entries where dout > 0. Which entries pass the gradient "
                        "is decided by the forward pass: the ReLU let z through where z > 0. "
                        "The sign of the incoming gradient plays no role.",
            hint="Build the mask from z, the ReLU's input: dout * (z > 0).",
            compute=lambda dout, z: dout * (dout > 0),
        ),
        KnownMistake(
            name="returned the mask without multiplying by dout",
            explanation="You return the local derivative 1[z > 0] alone. The chain rule "
                        "multiplies it by the gradient arriving from above, dout.",
            hint="Return dout * (z > 0).",
            compute=lambda dout, z: (z > 0).astype(np.float32),
        ),
        KnownMistake(
            name="gradient passed through unchanged",
            explanation="You return dout as it is, as if the ReLU were the identity. Units "
                        "with z <= 0 output a constant 0, so their gradient must be 0.",
            hint="Zero the entries where z <= 0: dout * (z > 0).",
            compute=lambda dout, z: dout,
        ),
        KnownMistake(
            name="mask inverted",
            explanation="You pass the gradient where z < 0 and block it where z > 0: the "
                        "mask is the wrong way round.",
            hint="The ReLU is the identity for z > 0, so that is where the gradient flows.",
            compute=lambda dout, z: dout * (z < 0),
        ),
    ]


def _diagnose_relu_backward(student_fn) -> Feedback:
    def procedure() -> str:
        dout, z = _relu_inputs()
        got = call_student(_RELU, student_fn, dout, z)
        compare_arrays(_RELU, got, relu_backward(dout, z), inputs=(dout, z),
                       mistakes=_relu_mistakes(), what="dz")
        return "dz equals dout where z > 0 and 0 elsewhere."

    return diagnose(_RELU, procedure)


RELU_BACKWARD = Exercise(
    name=_RELU,
    reference=relu_backward,
    diagnosis=_diagnose_relu_backward,
    wrong_solutions={
        "multiplied by the activation instead of the 0/1 mask":
            lambda dout, z: dout * np.maximum(z, 0),
        "mask taken on dout instead of z": lambda dout, z: np.where(dout > 0, dout, 0),
        "returned the mask without multiplying by dout": lambda dout, z: (z > 0) * 1.0,
        "gradient passed through unchanged": lambda dout, z: dout.copy(),
        "mask inverted": lambda dout, z: np.where(z < 0, dout, 0),
    },
)


def check_relu_backward(student_fn):
    """Check the ReLU-backward exercise; returns the function to use from here on."""
    return RELU_BACKWARD.check(student_fn)


# ---------------------------------------------------------------- dense backward

_DENSE = "dense_backward"


def _dense_inputs(fan_in: int, fan_out: int, n: int = 6, seed: int = 4):
    """``dout (n, fan_out)``, ``x (n, fan_in)``, ``W (fan_in, fan_out)`` float32."""
    rng = np.random.default_rng(seed)
    dout = (rng.normal(size=(n, fan_out)) / n).astype(np.float32)
    x = rng.normal(size=(n, fan_in)).astype(np.float32)
    W = rng.normal(size=(fan_in, fan_out)).astype(np.float32)
    return dout, x, W


def _if_shapes_allow(fn):
    """A mistaken computation that cannot run on these shapes (``dout @ W`` with a
    non-square ``W``) returns an empty array, which never matches an answer."""
    def wrapped(*args):
        try:
            return fn(*args)
        except ValueError:
            return np.empty(0)
    return wrapped


def _dW_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="transposed weight gradient",
            explanation="Your dW is the transpose of the correct one, as computed by "
                        "dout.T @ x: shape (fan_out, fan_in). A gradient always has the shape "
                        "of the parameter, and W is (fan_in, fan_out).",
            hint="dW = x.T @ dout: (fan_in, n) @ (n, fan_out) -> (fan_in, fan_out).",
            compute=lambda dout, x, W: dout.T @ x,
        ),
        KnownMistake(
            name="weight gradient divided by the batch size again",
            explanation="Your dW is the correct one divided by n. dout comes from the mean "
                        "loss, so it already contains the factor 1/n; dividing again makes "
                        "every step n times too small.",
            hint="dW = x.T @ dout, with no extra division: the 1/n is inside dout.",
            compute=lambda dout, x, W: x.T @ dout / len(x),
        ),
        KnownMistake(
            name="weight gradient multiplied by the batch size",
            explanation="Your dW is n times the correct one: the gradient of a sum over "
                        "the batch instead of the mean. Steps would be n times too large.",
            hint="dW = x.T @ dout, where dout already is the gradient of the mean loss.",
            compute=lambda dout, x, W: x.T @ dout * len(x),
        ),
    ]


def _db_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="bias gradient not summed over the batch",
            explanation="Your db has one row per sample, shape (n, fan_out). The same bias "
                        "is added to every row of the batch, so its gradient is the sum of "
                        "the per-sample contributions: one number per output unit.",
            hint="db = dout.sum(axis=0), shape (fan_out,).",
            compute=lambda dout, x, W: dout,
        ),
        KnownMistake(
            name="bias gradient averaged instead of summed",
            explanation="Your db is dout.mean(axis=0): the correct gradient divided by n. "
                        "The 1/n of the mean loss is already inside dout; averaging applies "
                        "it a second time.",
            hint="db = dout.sum(axis=0).",
            compute=lambda dout, x, W: dout.mean(axis=0),
        ),
        KnownMistake(
            name="bias gradient summed over the wrong axis",
            explanation="Your db has one entry per sample: you summed across the output "
                        "units (axis=1) instead of across the batch (axis=0).",
            hint="db = dout.sum(axis=0), one entry per output unit.",
            compute=lambda dout, x, W: dout.sum(axis=1),
        ),
    ]


def _dx_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="dx computed with W instead of W^T",
            explanation="Your dx is dout @ W. The forward pass multiplied x by W, so the "
                        "gradient flows back through the transpose: each input unit collects "
                        "the gradients of the outputs it feeds, weighted by its own row of W.",
            hint="dx = dout @ W.T: (n, fan_out) @ (fan_out, fan_in) -> (n, fan_in).",
            compute=_if_shapes_allow(lambda dout, x, W: dout @ W),
        ),
        KnownMistake(
            name="input gradient divided by the batch size again",
            explanation="Your dx is the correct one divided by n; the 1/n of the mean loss is "
                        "already inside dout.",
            hint="dx = dout @ W.T, with no extra division.",
            compute=lambda dout, x, W: dout @ W.T / len(x),
        ),
    ]


def _check_dense_case(student_fn, dout, x, W) -> None:
    got = call_student(_DENSE, student_fn, dout, x, W)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        stop(_DENSE, Status.MISTAKE,
             f"Your function returned {type(got).__name__}"
             f"{f' of length {len(got)}' if isinstance(got, (tuple, list)) else ''}; "
             "expected the three gradients dx, dW, db.",
             hint="End with `return dx, dW, db` (in that order).")
    dx, dW, db = dense_backward(dout, x, W)
    inputs = (dout, x, W)
    compare_arrays(_DENSE, got[1], dW, inputs=inputs, mistakes=_dW_mistakes(),
                   what="the weight gradient (the second value returned)")
    compare_arrays(_DENSE, got[2], db, inputs=inputs, mistakes=_db_mistakes(),
                   what="the bias gradient (the third value returned)")
    compare_arrays(_DENSE, got[0], dx, inputs=inputs, mistakes=_dx_mistakes(),
                   what="the input gradient (the first value returned)")


def _diagnose_dense_backward(student_fn) -> Feedback:
    def procedure() -> str:
        # Square W first: there dout @ W runs and is recognised by its values.
        _check_dense_case(student_fn, *_dense_inputs(fan_in=4, fan_out=4, n=6))
        # Then every axis a different size, so any transposition changes a shape.
        _check_dense_case(student_fn, *_dense_inputs(fan_in=5, fan_out=3, n=7, seed=5))
        return ("dx = dout @ W.T, dW = x.T @ dout and db = dout.sum(axis=0), each with the "
                "shape of what it is the gradient of.")

    return diagnose(_DENSE, procedure)


def _dense_wrong(dx=None, dW=None, db=None):
    """A student function that is right except for the parts given here."""
    def student(dout, x, W):
        return (dout @ W.T if dx is None else dx(dout, x, W),
                x.T @ dout if dW is None else dW(dout, x, W),
                dout.sum(axis=0) if db is None else db(dout, x, W))
    return student


DENSE_BACKWARD = Exercise(
    name=_DENSE,
    reference=dense_backward,
    diagnosis=_diagnose_dense_backward,
    wrong_solutions={
        "transposed weight gradient": _dense_wrong(dW=lambda dout, x, W: (x.T @ dout).T),
        "weight gradient divided by the batch size again":
            _dense_wrong(dW=lambda dout, x, W: x.T @ dout / x.shape[0]),
        "weight gradient multiplied by the batch size":
            _dense_wrong(dW=lambda dout, x, W: x.shape[0] * (x.T @ dout)),
        "bias gradient not summed over the batch": _dense_wrong(db=lambda dout, x, W: dout),
        "bias gradient averaged instead of summed":
            _dense_wrong(db=lambda dout, x, W: np.mean(dout, axis=0)),
        "bias gradient summed over the wrong axis":
            _dense_wrong(db=lambda dout, x, W: np.sum(dout, axis=1)),
        "dx computed with W instead of W^T": _dense_wrong(dx=lambda dout, x, W: dout @ W),
        "input gradient divided by the batch size again":
            _dense_wrong(dx=lambda dout, x, W: (dout @ W.T) / x.shape[0]),
    },
)


def check_dense_backward(student_fn):
    """Check the dense-backward exercise; returns the function to use from here on."""
    return DENSE_BACKWARD.check(student_fn)


# ---------------------------------------------------------------- one training step

_STEP = "training_step"
_PARAM_NAMES = ("W1", "b1", "W2", "b2")
_STEP_LEARNING_RATE = 0.5
_PARAM_WORDS = {"W1": "first-layer weights", "b1": "first-layer biases",
                "W2": "second-layer weights", "b2": "second-layer biases"}


def _step_inputs():
    """A 5-4-3 network and a batch of 7: every axis has its own size."""
    rng = np.random.default_rng(6)
    params = {
        "W1": rng.normal(0.0, 0.6, size=(5, 4)).astype(np.float32),
        "b1": rng.normal(0.0, 0.3, size=4).astype(np.float32),
        "W2": rng.normal(0.0, 0.6, size=(4, 3)).astype(np.float32),
        "b2": rng.normal(0.0, 0.3, size=3).astype(np.float32),
    }
    X = rng.normal(size=(7, 5)).astype(np.float32)
    y = np.array([0, 2, 1, 1, 0, 2, 2], dtype=np.int64)
    return params, X, y


def _copy_params(params: dict) -> dict:
    return {name: value.copy() for name, value in params.items()}


def _mistaken_step(sign=-1.0, update_bias=True, extra_softmax=False, loss_after=False,
                   sum_not_mean=False):
    """What a training step with the given mistake returns and leaves in ``params``."""
    def step(params, X, y, learning_rate):
        loss, grads = _loss_and_gradients(params, X, y, extra_softmax=extra_softmax)
        scale = learning_rate * (len(X) if sum_not_mean else 1)
        for name, grad in grads.items():
            if update_bias or name.startswith("W"):
                params[name] += sign * scale * grad
        if loss_after:
            loss, _ = _loss_and_gradients(params, X, y)
        return loss
    return step


_STEP_MISTAKES = {
    "update with + instead of -": (
        _mistaken_step(sign=+1.0),
        "Your parameters moved *along* the gradient (params += learning_rate * grad). The "
        "gradient points uphill, towards a larger loss; gradient descent steps the other way.",
        "Subtract: params[name] -= learning_rate * grads[name]."),
    "biases not updated": (
        _mistaken_step(update_bias=False),
        "Your weights are updated correctly but b1 and b2 did not change. The biases are "
        "parameters too and have their own gradients db1, db2.",
        "Update all four entries of params: W1, b1, W2 and b2."),
    "extra softmax before the loss": (
        _mistaken_step(extra_softmax=True),
        "Your loss and update are those of a softmax applied twice, as when softmax(Z2) is "
        "passed to softmax_cross_entropy, which applies its own softmax: probabilities between "
        "0 and 1 are squashed into an almost uniform distribution, the loss stays near log(k) "
        "and the gradients are far too small.",
        "Give softmax_cross_entropy the logits Z2 (the output of the last dense layer), "
        "not probabilities."),
    "gradient not divided by the batch size": (
        _mistaken_step(sum_not_mean=True),
        "Every parameter moved n times too far (n = batch size): your gradients are those of "
        "the *sum* of the per-sample losses, while the loss is their mean. In (P - Y) / n the "
        "1/n is easy to drop when you compute the output gradient yourself.",
        "Use dZ2 = (P - Y) / n, as softmax_cross_entropy returns it, and no other 1/n."),
    "returned the loss after the update": (
        _mistaken_step(loss_after=True),
        "Your parameters are updated correctly, but the loss you return is computed with the "
        "*updated* parameters. The step's loss is the one its gradients came from, before "
        "the update.",
        "Keep the loss from the forward pass at the start of the step and return that."),
}


def _flat(loss, params: dict) -> np.ndarray:
    return np.concatenate([[float(loss)], *(params[name].ravel() for name in _PARAM_NAMES)])


def _diagnose_training_step(student_fn) -> Feedback:
    def procedure() -> str:
        params, X, y = _step_inputs()
        expected_params = _copy_params(params)
        expected_loss = training_step(expected_params, X, y, _STEP_LEARNING_RATE)

        student_params = _copy_params(params)
        loss = call_student(_STEP, student_fn, student_params, X, y, _STEP_LEARNING_RATE,
                            may_modify=("params", 0))
        if loss is None or np.ndim(loss) != 0 or not np.isreal(loss):
            stop(_STEP, Status.MISTAKE,
                 f"Your function returned {type(loss).__name__}; expected the batch loss, "
                 "a single number.",
                 hint="Update params in place and end with `return loss`.")
        if set(student_params) != set(_PARAM_NAMES) or any(
                np.shape(student_params[k]) != params[k].shape for k in _PARAM_NAMES):
            stop(_STEP, Status.MISTAKE,
                 "After your step, params no longer holds W1, b1, W2, b2 with their "
                 "original shapes: "
                 + ", ".join(f"{k} {np.shape(v)}" for k, v in student_params.items()) + ".",
                 hint="Update the arrays in place: params['W1'] -= learning_rate * dW1, ...")

        got = _flat(loss, student_params)
        if not np.allclose(got, _flat(expected_loss, expected_params), rtol=1e-4, atol=1e-6):
            for name, (mistaken, explanation, hint) in _STEP_MISTAKES.items():
                wrong_params = _copy_params(params)
                wrong_loss = mistaken(wrong_params, X, y, _STEP_LEARNING_RATE)
                if np.allclose(got, _flat(wrong_loss, wrong_params), rtol=1e-4, atol=1e-6):
                    stop(_STEP, Status.MISTAKE, explanation, hint=hint, mistake=name)
        if np.allclose(_flat(0.0, student_params), _flat(0.0, params)):
            stop(_STEP, Status.MISTAKE, "The parameters did not change.",
                 hint="Update params in place (params['W1'] -= ...); assigning a new array to a "
                      "local variable W1 does not change the dictionary.")
        compare_arrays(_STEP, np.float64(loss), np.float64(expected_loss),
                       what="the returned loss", rtol=1e-4, atol=1e-6)
        for name in _PARAM_NAMES:
            compare_arrays(_STEP, student_params[name], expected_params[name],
                           what=f"the {_PARAM_WORDS[name]} after your update", rtol=1e-4,
                           atol=1e-6)
        return "The loss and all four updated parameters match one SGD step."

    return diagnose(_STEP, procedure)


TRAINING_STEP = Exercise(
    name=_STEP,
    reference=training_step,
    diagnosis=_diagnose_training_step,
    wrong_solutions={name: spec[0] for name, spec in _STEP_MISTAKES.items()},
)


def check_training_step(student_fn):
    """Check the training-step exercise; returns the function to use from here on."""
    return TRAINING_STEP.check(student_fn)


EXERCISES = [RELU_BACKWARD, DENSE_BACKWARD, TRAINING_STEP]
