r"""Look inside a network that does not learn (introduced in notebook 04).

Each function takes a network (an :class:`course_utils.mlp.MLP` after ``fit`` or
``initialize``; only its public attributes ``layers_``, ``parameters()``,
``loss_and_gradients``, ``predict`` are used) and a batch ``X``:
``(n_samples, n_features)`` in the network's dtype (float32), labels ``y``:
``(n_samples,)`` int.

* :func:`dead_relu_fraction` -- per ReLU layer, the fraction of units that output 0
  for every sample of the batch (they get no gradient, so they never recover);
* :func:`activation_norms`, :func:`gradient_norms`, :func:`layer_report` -- how
  large activations and gradients are, layer by layer (vanishing or exploding);
* :func:`prediction_distribution` (or :func:`class_distribution` for any labels) --
  how many predictions fall in each class; flags a *collapsed* network that
  predicts (almost) one class for everything;
* :func:`overfit_small_batch` -- a network and training loop that work can drive the
  loss on 32 samples to about 0; if it cannot, look for a bug before tuning anything.
"""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field

import numpy as np

from course_utils.layers import Dense, ReLU

# ------------------------------------------------------------------ activations and gradients


def layer_outputs(model, X: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Every layer's output for ``X`` (inference mode), input to output.

    Returns:
        ``[(name, out), ...]`` with names such as ``"Dense 1"``, ``"ReLU 1"``, ...,
        ``"Dense L"`` (the logits); ``out`` is ``(n_samples, units)``.
    """
    X = _check_model_X(model, X, "layer_outputs")
    outputs, counts, out = [], {}, X
    for layer in model.layers_:
        out = layer.forward(out, training=False)
        kind = type(layer).__name__
        counts[kind] = counts.get(kind, 0) + 1
        outputs.append((f"{kind} {counts[kind]}", out))
    return outputs


def dead_relu_fraction(model, X: np.ndarray) -> dict[str, float]:
    """Fraction of the units of each ReLU layer that are 0 for *every* sample of ``X``.

    A dead unit has a negative pre-activation on all inputs, so its gradient is 0
    and gradient descent never revives it. A few percent is normal; a large fraction
    (after a too-large learning rate, or a big negative bias) wastes the layer.
    Use a batch of a few hundred samples: on a tiny batch units look dead by chance.

    Returns:
        ``{"ReLU 1": fraction, "ReLU 2": ...}``, fractions in [0, 1].

    Raises:
        ValueError: if the network has no ReLU layer.
    """
    fractions = {}
    X = _check_model_X(model, X, "dead_relu_fraction")
    out, k = X, 0
    for layer in model.layers_:
        out = layer.forward(out, training=False)
        if isinstance(layer, ReLU):
            k += 1
            fractions[f"ReLU {k}"] = float(np.mean(np.all(out <= 0, axis=0)))
    if not fractions:
        raise ValueError("dead_relu_fraction: this network has no ReLU layers (activation is "
                         "not 'relu'); look at activation_norms instead.")
    return fractions


def activation_norms(model, X: np.ndarray) -> dict[str, float]:
    r"""Root-mean-square of each layer's output, :math:`\sqrt{\mathrm{mean}(A^2)}`.

    Independent of batch size and width, so layers can be compared: values that
    shrink layer after layer (towards 0) or grow (by orders of magnitude) point to
    a bad initialisation or saturating activations.

    Returns:
        ``{"Dense 1": rms, "ReLU 1": rms, ..., "Dense L": rms}`` in forward order.
    """
    return {name: _rms(out) for name, out in layer_outputs(model, X)}


def gradient_norms(model, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    r"""Frobenius norm :math:`\lVert \partial J/\partial\theta \rVert` of each parameter's gradient.

    Computed by ``model.loss_and_gradients(X, y)`` on this batch (without updating
    anything; it includes the ``l2`` term when the model has one). In a deep
    sigmoid network the norms of ``W1, W2, ...`` fall by orders of magnitude towards
    the input: vanishing gradients.

    Returns:
        ``{"W1": norm, "b1": norm, "W2": ...}``, numbered from the input.
    """
    X = _check_model_X(model, X, "gradient_norms")
    _, grads = model.loss_and_gradients(X, y)
    return {name: float(np.linalg.norm(g.astype(np.float64))) for name, g in grads.items()}


def layer_report(model, X: np.ndarray, y: np.ndarray) -> str:
    r"""A table, one row per dense layer: units, activation RMS, dead ReLUs, weight and gradient.

    Columns: the layer's number of units; the RMS of its output after the
    activation (the logits for the last layer); the fraction of dead ReLU units
    (``-`` for other activations); :math:`\lVert W\rVert`;
    :math:`\lVert\partial J/\partial W\rVert`;
    and their ratio, roughly how much one SGD step of size 1 would change ``W``
    relative to its size (very small ratios in the first layers: vanishing gradients).
    """
    outputs = layer_outputs(model, X)
    grads = gradient_norms(model, X, y)
    params = model.parameters()
    rows = ["layer  units  activation RMS  dead ReLU     ||W||    ||dW||  ||dW||/||W||"]
    dense_index = 0
    for i, (name, out) in enumerate(outputs):
        if not name.startswith("Dense"):
            continue
        dense_index += 1
        shown = out
        dead = "-"
        nxt = outputs[i + 1] if i + 1 < len(outputs) else None
        if nxt is not None and not nxt[0].startswith(("Dense", "Dropout")):
            shown = nxt[1]
            if nxt[0].startswith("ReLU"):
                dead = f"{np.mean(np.all(shown <= 0, axis=0)):.1%}"
        w_norm = float(np.linalg.norm(params[f"W{dense_index}"].astype(np.float64)))
        g_norm = grads[f"W{dense_index}"]
        ratio = g_norm / w_norm if w_norm > 0 else float("inf")
        rows.append(f"{dense_index:>5}  {out.shape[1]:>5}  {_rms(shown):>14.4g}  {dead:>9}  "
                    f"{w_norm:>8.3g}  {g_norm:>8.3g}  {ratio:>12.3g}")
    return "\n".join(rows)


# ------------------------------------------------------------------ predicted classes


@dataclass
class PredictionDistribution:
    """How predictions spread over the classes; ``str()`` gives the verdict in words.

    Attributes:
        counts: ``(n_classes,)`` int64, predictions per class.
        fractions: ``(n_classes,)`` float64, ``counts / counts.sum()``.
        most_common: the most predicted class; ``top_fraction``: its share.
        never_predicted: classes that no sample was assigned to.
        collapsed: True if ``top_fraction >= threshold``.
        message: the verdict with the numbers.
    """

    counts: np.ndarray
    fractions: np.ndarray
    most_common: int
    top_fraction: float
    never_predicted: list[int]
    collapsed: bool
    message: str = field(repr=False)

    def __str__(self) -> str:
        return self.message


def class_distribution(y_pred: np.ndarray, n_classes: int,
                       threshold: float = 0.5) -> PredictionDistribution:
    """Count predicted labels per class and decide whether the predictions collapsed.

    On data with ``n_classes`` roughly balanced classes a working classifier gives
    each class about ``1 / n_classes`` of its predictions. A *collapsed* one puts
    ``threshold`` (default half) or more of them into a single class.

    Args:
        y_pred: ``(n_samples,)`` integer predicted labels ``0..n_classes-1``.
        n_classes: number of classes (k >= 2).
        threshold: share of the most common class from which the network counts as
            collapsed, in (1/n_classes, 1].
    """
    y_pred = np.asarray(y_pred)
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) \
            or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}.")
    if y_pred.ndim != 1 or y_pred.size == 0:
        hint = (" Turn probabilities or logits (n, k) into labels with .argmax(axis=1)."
                if y_pred.ndim == 2 else "")
        raise ValueError(f"class_distribution expects a non-empty 1-D array of predicted labels "
                         f"(n_samples,), got shape {y_pred.shape}.{hint}")
    if not np.issubdtype(y_pred.dtype, np.integer):
        raise TypeError(f"class_distribution expects integer labels, got dtype {y_pred.dtype}.")
    if y_pred.min() < 0 or y_pred.max() >= n_classes:
        raise ValueError(f"predicted labels must lie in 0..{n_classes - 1}; found values from "
                         f"{y_pred.min()} to {y_pred.max()}.")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not 1 / n_classes < threshold <= 1:
        raise ValueError(f"threshold must lie in (1/{n_classes}, 1], got {threshold!r}.")
    counts = np.bincount(y_pred, minlength=n_classes).astype(np.int64)
    fractions = counts / counts.sum()
    top = int(np.argmax(counts))
    share = float(fractions[top])
    never = [int(k) for k in np.flatnonzero(counts == 0)]
    collapsed = share >= threshold
    n = int(counts.sum())
    balanced = f"balanced classes would give about {1 / n_classes:.1%} each"
    if collapsed:
        message = (f"COLLAPSED: {share:.1%} of the {n} predictions are class {top} "
                   f"({balanced}); {len(never)} of {n_classes} classes are never predicted. "
                   "The network ignores its input. Typical causes: unscaled inputs, a learning "
                   "rate so large that the loss diverged, dead ReLUs, a wrong gradient, "
                   "labels shuffled apart from their images.")
    else:
        message = (f"OK: predictions spread over {n_classes - len(never)} of {n_classes} "
                   f"classes; the most common, class {top}, has {share:.1%} of the {n} "
                   f"predictions ({balanced}).")
    return PredictionDistribution(counts, fractions, top, share, never, collapsed, message)


def prediction_distribution(model, X: np.ndarray,
                            threshold: float = 0.5) -> PredictionDistribution:
    """:func:`class_distribution` of ``model.predict(X)``, with the model's number of classes.

    If some outputs are NaN or infinite (diverged weights; ``argmax`` then returns
    class 0), the message says so.

    Example: ``print(prediction_distribution(model, X_test))``.
    """
    X = _check_model_X(model, X, "prediction_distribution")
    with np.errstate(over="ignore", invalid="ignore"):
        logits = model.forward(X)
    report = class_distribution(logits.argmax(axis=1), model.n_classes_, threshold)
    n_bad = int(np.count_nonzero(~np.isfinite(logits).all(axis=1)))
    if n_bad:
        report.message += (f" {n_bad} of the {len(X)} outputs are NaN or infinite: the weights "
                           "diverged (learning rate too large, or unscaled inputs).")
    return report


# ------------------------------------------------------------------ overfit one small batch


@dataclass
class OverfitReport:
    """Result of :func:`overfit_small_batch`; ``str()`` gives the verdict in words.

    Attributes:
        losses: training loss before each step (``steps`` values).
        final_loss: loss on the batch after the last step.
        accuracy: accuracy on the batch after the last step.
        passed: ``final_loss < loss_tol`` and accuracy 100%.
        model: the trained copy (the network passed in is not changed).
    """

    losses: list[float]
    final_loss: float
    accuracy: float
    passed: bool
    message: str = field(repr=False)
    model: object = field(repr=False)

    def __str__(self) -> str:
        return self.message


def overfit_small_batch(model, X: np.ndarray, y: np.ndarray, n_samples: int = 32,
                        steps: int = 200, loss_tol: float = 0.05,
                        seed: int = 0) -> OverfitReport:
    """Train a fresh copy of ``model`` on ``n_samples`` samples; report if it memorises them.

    A network with enough units can learn any 32 labels by heart, so the loss
    should fall to about 0 and the accuracy reach 100%. If it does not, something
    is broken (gradient, update, data/label pairing, a learning rate far off)
    and no amount of training on the full data will help.

    The copy is initialised afresh (same hyper-parameters and seed) and trained
    with full-batch steps of its own optimiser. Switch off ``l2`` and dropout for
    this check: they deliberately prevent memorising.

    Args:
        model: an MLP (fitted or not; it is not modified).
        X: ``(n, n_features)`` inputs, ``y``: ``(n,)`` labels, ``n >= n_samples``.
        n_samples: size of the batch, drawn without replacement with ``seed``.
        steps: number of gradient steps.
        loss_tol: the loss that counts as "about 0".
    """
    for name, value in (("n_samples", n_samples), ("steps", steps)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        raise ValueError(f"overfit_small_batch: X must be a 2-D array (n_samples, n_features), "
                         f"got {getattr(X, 'shape', type(X).__name__)}.")
    y = np.asarray(y)
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"overfit_small_batch: y must be {len(X)} integer labels, shape "
                         f"({len(X)},), to match X {X.shape}; got shape {y.shape}, dtype "
                         f"{y.dtype}.")
    if n_samples > len(X):
        raise ValueError(f"overfit_small_batch: n_samples={n_samples} but X has only {len(X)} "
                         "rows.")
    idx = np.sort(np.random.default_rng(seed).choice(len(X), size=n_samples, replace=False))
    xb, yb = X[idx], y[idx]
    net = copy.deepcopy(model)
    if getattr(net, "n_classes_", None) is not None:
        n_classes = net.n_classes_
    elif getattr(net, "n_classes", None) is not None:
        n_classes = net.n_classes
    else:
        n_classes = int(y.max()) + 1
    net.initialize(X.shape[1], n_classes)
    params = list(net.parameters().values())
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for _ in range(steps):
            loss, grads = net.loss_and_gradients(xb, yb)
            losses.append(float(loss))
            net.optimizer_.step(params, list(grads.values()))
        final_loss = float(net.loss_and_gradients(xb, yb)[0])
        accuracy = float(np.mean(net.predict(xb) == yb))
    passed = bool(np.isfinite(final_loss) and final_loss < loss_tol and accuracy == 1.0)
    summary = (f"after {steps} steps on {n_samples} samples: loss {losses[0]:.4f} -> "
               f"{final_loss:.4f}, accuracy {accuracy:.1%}")
    if passed:
        message = f"PASSED: {summary}. The network can learn; the pipeline is sound."
    elif not np.isfinite(final_loss):
        message = (f"FAILED: {summary}. The loss became NaN/inf: the learning rate is too "
                   "large or the inputs are not scaled.")
    else:
        message = (f"FAILED: {summary}. It cannot even memorise {n_samples} samples: check "
                   "the gradients (gradcheck), that labels still match their images, the "
                   "input scaling, and the learning rate (try 10x larger and smaller); "
                   "switch off l2 and dropout for this test.")
    return OverfitReport(losses, final_loss, accuracy, passed, message, net)


# ------------------------------------------------------------------ helpers


def _rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))


def _check_model_X(model, X: np.ndarray, who: str) -> np.ndarray:
    layers = getattr(model, "layers_", None)
    if layers is None:
        raise RuntimeError(f"{who}: the network has no weights yet; call fit(X, y) or "
                           "initialize(n_features, n_classes) first.")
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        raise ValueError(f"{who}: X must be a 2-D array (n_samples, n_features), got "
                         f"{getattr(X, 'shape', type(X).__name__)}.")
    n_features, dtype = dense[0].W.shape[0], dense[0].W.dtype
    if X.shape[1] != n_features:
        raise ValueError(f"{who}: X has {X.shape[1]} features (shape {X.shape}) but the "
                         f"network expects {n_features}.")
    if X.dtype != dtype:
        raise TypeError(f"{who}: X has dtype {X.dtype} but the network computes in {dtype}; "
                        f"convert with X.astype(np.{dtype}).")
    if len(X) == 0 or not np.isfinite(X).all():
        raise ValueError(f"{who}: X must have at least one row and only finite values.")
    return X
