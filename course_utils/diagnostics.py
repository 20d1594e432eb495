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
  loss on 32 samples to about 0; if it cannot, look for a bug before tuning anything;
* :func:`train_test_mismatch` -- a network that trained well but predicts nonsense on
  new data: compares the training and test inputs (scale, shift) and the predictions on
  both, and names the likely cause (inputs scaled differently, an argmax over the wrong
  axis, a model that was never trained).
"""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field

import numpy as np

from course_utils.i18n import N_, tr, tr_text
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
        raise ValueError(tr("dead_relu_fraction: this network has no ReLU layers (activation is "
                            "not 'relu'); look at activation_norms instead."))
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
    columns = (tr("layer"), tr("units"), tr("activation RMS"), tr("dead ReLU"), "||W||",
               "||dW||", "||dW||/||W||")
    # each column as wide as its heading, at least (a translated heading may be longer)
    widths = [max(width, len(heading)) for width, heading
              in zip((5, 5, 14, 9, 8, 8, 12), columns, strict=True)]
    rows = ["  ".join(f"{heading:>{width}}" for heading, width in zip(columns, widths,
                                                                       strict=True))]
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
        cells = (f"{dense_index}", f"{out.shape[1]}", f"{_rms(shown):.4g}", dead,
                 f"{w_norm:.3g}", f"{g_norm:.3g}", f"{ratio:.3g}")
        rows.append("  ".join(f"{cell:>{width}}" for cell, width in zip(cells, widths,
                                                                         strict=True)))
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
        raise ValueError(tr("n_classes must be an integer >= 2, got {n_classes!r}.",
                            n_classes=n_classes))
    if y_pred.ndim != 1 or y_pred.size == 0:
        hint = (" " + tr("Turn probabilities or logits (n, k) into labels with "
                         ".argmax(axis=1).") if y_pred.ndim == 2 else "")
        raise ValueError(tr("class_distribution expects a non-empty 1-D array of predicted "
                            "labels (n_samples,), got shape {shape}.{hint}", shape=y_pred.shape,
                            hint=hint))
    if not np.issubdtype(y_pred.dtype, np.integer):
        raise TypeError(tr("class_distribution expects integer labels, got dtype {dtype}.",
                           dtype=y_pred.dtype))
    if y_pred.min() < 0 or y_pred.max() >= n_classes:
        raise ValueError(tr("predicted labels must lie in 0..{value}; found values from {min} to "
                            "{max}.", value=n_classes - 1, min=y_pred.min(), max=y_pred.max()))
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not 1 / n_classes < threshold <= 1:
        raise ValueError(tr("threshold must lie in (1/{n_classes}, 1], got {threshold!r}.",
                            n_classes=n_classes, threshold=threshold))
    counts = np.bincount(y_pred, minlength=n_classes).astype(np.int64)
    fractions = counts / counts.sum()
    top = int(np.argmax(counts))
    share = float(fractions[top])
    never = [int(k) for k in np.flatnonzero(counts == 0)]
    collapsed = share >= threshold
    n = int(counts.sum())
    balanced = tr("balanced classes would give about {even:.1%} each", even=1 / n_classes)
    if collapsed:
        message = tr("COLLAPSED: {share:.1%} of the {n} predictions are class {top} "
                     "({balanced}); {n_never} of {n_classes} classes are never predicted. "
                     "The network ignores its input. Typical causes: unscaled inputs, a "
                     "learning rate so large that the loss diverged, dead ReLUs, a wrong "
                     "gradient, labels shuffled apart from their images.",
                     share=share, n=n, top=top, balanced=balanced, n_never=len(never),
                     n_classes=n_classes)
    else:
        message = tr("OK: predictions spread over {n_seen} of {n_classes} classes; the most "
                     "common, class {top}, has {share:.1%} of the {n} predictions "
                     "({balanced}).", n_seen=n_classes - len(never), n_classes=n_classes,
                     top=top, share=share, n=n, balanced=balanced)
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
        report.message += " " + tr("{n_bad} of the {n} outputs are NaN or infinite: the weights "
                                   "diverged (learning rate too large, or unscaled inputs).",
                                   n_bad=n_bad, n=len(X))
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
            raise ValueError(tr("{name} must be a positive integer, got {value!r}.", name=name,
                                value=value))
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        raise ValueError(tr("overfit_small_batch: X must be a 2-D array (n_samples, n_features), "
                            "got {got}.", got=getattr(X, "shape", type(X).__name__)))
    y = np.asarray(y)
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(tr("overfit_small_batch: y must be {n_x} integer labels, shape "
                            "({n_x},), to match X {x_shape}; got shape {y_shape}, dtype {dtype}.",
                            n_x=len(X), x_shape=X.shape, y_shape=y.shape, dtype=y.dtype))
    if n_samples > len(X):
        raise ValueError(tr("overfit_small_batch: n_samples={n_samples} but X has only {n_x} "
                            "rows.", n_samples=n_samples, n_x=len(X)))
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
    summary = tr("after {steps} steps on {n_samples} samples: loss {first:.4f} -> "
                 "{final:.4f}, accuracy {accuracy:.1%}", steps=steps, n_samples=n_samples,
                 first=losses[0], final=final_loss, accuracy=accuracy)
    if passed:
        message = tr("PASSED: {summary}. The network can learn; the pipeline is sound.",
                     summary=summary)
    elif not np.isfinite(final_loss):
        message = tr("FAILED: {summary}. The loss became NaN/inf: the learning rate is too "
                     "large or the inputs are not scaled.", summary=summary)
    else:
        message = tr("FAILED: {summary}. It cannot even memorise {n_samples} samples: check "
                     "the gradients (gradcheck), that labels still match their images, the "
                     "input scaling, and the learning rate (try 10x larger and smaller); "
                     "switch off l2 and dropout for this test.",
                     summary=summary, n_samples=n_samples)
    return OverfitReport(losses, final_loss, accuracy, passed, message, net)


# ------------------------------------------------------------------ train/inference mismatch


@dataclass
class MismatchReport:
    """Result of :func:`train_test_mismatch`; ``str()`` gives the verdict in words.

    Attributes:
        train_stats, test_stats: ``{"mean", "std", "rms", "min", "max"}`` of each input array.
        scale_ratio: ``rms(X_test) / rms(X_train)``; about 1 when both were prepared alike.
        train_predictions: :class:`PredictionDistribution` of the model on ``X_train``.
        test_predictions: the same on ``X_test`` (from ``y_pred`` when it is given and has
            the right shape), or ``None`` when ``y_pred`` has the wrong shape.
        cause: short name of the problem found (``None`` when nothing is wrong): one of
            :data:`MISMATCH_CAUSES`.
        message: the verdict, with the numbers.
    """

    train_stats: dict[str, float]
    test_stats: dict[str, float]
    scale_ratio: float
    train_predictions: PredictionDistribution
    test_predictions: PredictionDistribution | None
    cause: str | None
    message: str = field(repr=False)

    def __str__(self) -> str:
        return self.message


#: The causes :func:`train_test_mismatch` can name, in the order it looks for them.
MISMATCH_CAUSES = ("predictions of the wrong shape", "model never trained",
                   "model does not fit its training data", "inputs scaled differently",
                   "inputs shifted", "test predictions collapsed")


def _input_stats(X: np.ndarray) -> dict[str, float]:
    X64 = X.astype(np.float64)
    return {"mean": float(X64.mean()), "std": float(X64.std()), "rms": _rms(X64),
            "min": float(X64.min()), "max": float(X64.max())}


def train_test_mismatch(model, X_train: np.ndarray, X_test: np.ndarray,
                        y_pred: np.ndarray | None = None, y_train: np.ndarray | None = None,
                        scale_tolerance: float = 3.0) -> MismatchReport:
    r"""Why does a network that trained well predict nonsense on the test set?

    Most such cases are a *train/inference mismatch*: the test data do not reach the
    network the way the training data did. This looks, in order, for

    1. ``y_pred`` (if given) of the wrong shape: ``probs.argmax(axis=0)`` gives one label
       per *class* (the image with the highest score), ``probs.argmax()`` one number;
    2. a model that was never trained (empty ``history_``: a fresh object, or the weights
       re-initialised), or, with ``y_train``, one that does not fit its own training data;
    3. inputs on another scale: :math:`r = \mathrm{rms}(X_\text{test}) /
       \mathrm{rms}(X_\text{train})` outside ``[1/scale_tolerance, scale_tolerance]``
       (about 255 for test pixels left in 0..255, about 1/255 for pixels scaled twice);
    4. inputs shifted: means that differ by more than half the training standard deviation
       (another normalisation, or z-scores with the test set's own statistics);
    5. test predictions collapsed onto one class while the training predictions are not.

    Args:
        model: a trained :class:`course_utils.mlp.MLP` (only ``predict`` is used for the
            predictions, ``history_`` for the training record).
        X_train, X_test: ``(n, n_features)`` inputs as they were given to ``fit`` and as they
            are given for prediction, in the network's dtype.
        y_pred: optional, the predicted test labels as the caller computed them; checked
            for shape, then used instead of ``model.predict(X_test)``.
        y_train: optional ``(n_train,)`` labels, to check that the model fits them.
        scale_tolerance: ratio of RMS beyond which the inputs count as scaled differently.

    Returns:
        A :class:`MismatchReport`; ``print(report)`` gives the verdict.
    """
    X_train = _check_model_X(model, X_train, "train_test_mismatch (X_train)")
    X_test = _check_model_X(model, X_test, "train_test_mismatch (X_test)")
    if isinstance(scale_tolerance, bool) or not isinstance(scale_tolerance, numbers.Real) \
            or not scale_tolerance > 1:
        raise ValueError(tr("scale_tolerance must be a number > 1, got {scale_tolerance!r}.",
                            scale_tolerance=scale_tolerance))
    n_classes = model.n_classes_
    train_stats, test_stats = _input_stats(X_train), _input_stats(X_test)
    ratio = test_stats["rms"] / train_stats["rms"] if train_stats["rms"] > 0 else float("inf")
    with np.errstate(over="ignore", invalid="ignore"):
        train_pred = class_distribution(model.forward(X_train).argmax(axis=1), n_classes)
        test_pred, cause, message = None, None, ""
        if y_pred is not None:
            y_pred = np.asarray(y_pred)
            if y_pred.shape != (len(X_test),):
                cause = MISMATCH_CAUSES[0]
                what = (tr("a single number (argmax without an axis: the position of the "
                           "largest score in the whole flattened array)") if y_pred.ndim == 0
                        else tr("shape {shape}", shape=y_pred.shape))
                axis_hint = (" " + tr("With {n_classes} classes, {shape} is one label per "
                                      "*class*: argmax(axis=0) picked, for each class, the "
                                      "image with the highest score.",
                                      n_classes=n_classes, shape=y_pred.shape)
                             if y_pred.shape == (n_classes,) else "")
                message = tr("PREDICTIONS OF THE WRONG SHAPE: {n_test} test inputs, but the "
                             "predictions are {what}.{axis_hint} Take the argmax over the "
                             "classes, one label per sample: probs.argmax(axis=1).",
                             n_test=len(X_test), what=what, axis_hint=axis_hint)
            else:
                test_pred = class_distribution(y_pred.astype(np.int64), n_classes)
        if test_pred is None and cause is None:
            test_pred = class_distribution(model.forward(X_test).argmax(axis=1), n_classes)
    history = getattr(model, "history_", {}) or {}
    scale = tr("RMS of the inputs: training {train_rms:.4g}, test {test_rms:.4g} (ratio "
               "{ratio:.3g}); largest value: training {train_max:.4g}, test {test_max:.4g}",
               train_rms=train_stats["rms"], test_rms=test_stats["rms"], ratio=ratio,
               train_max=train_stats["max"], test_max=test_stats["max"])
    if cause is None and not history.get("loss"):
        cause = MISMATCH_CAUSES[1]
        message = tr("MODEL NEVER TRAINED: this network has no training history, so its "
                     "weights are the random initial ones. Predict with the object that fit() "
                     "trained (fit returns it), not with a new one, and do not call "
                     "initialize() on it afterwards.")
    if cause is None and y_train is not None:
        train_accuracy = float(np.mean(model.predict(X_train) == np.asarray(y_train)))
        if train_accuracy <= 2 / n_classes:
            cause = MISMATCH_CAUSES[2]
            message = tr("MODEL DOES NOT FIT ITS TRAINING DATA: accuracy {accuracy:.1%} on "
                         "X_train, about chance level, although it was trained. The network "
                         "itself is broken (see the collapse causes of "
                         "prediction_distribution), or X_train is not the data it was trained "
                         "on.", accuracy=train_accuracy)
    if cause is None and not 1 / scale_tolerance <= ratio <= scale_tolerance:
        cause = MISMATCH_CAUSES[3]
        if 100 <= ratio <= 600:
            guess = " " + tr("The test pixels look unscaled (0..255) while the training ones "
                             "were scaled.")
        elif 1 / 600 <= ratio <= 1 / 100:
            guess = " " + tr("The test inputs look scaled twice (divided by 255 once too "
                             "often).")
        else:
            guess = ""
        template = (N_("INPUTS SCALED DIFFERENTLY: the test inputs are {factor:.3g} times "
                       "larger than the training inputs ({scale}).{guess} Prepare the test "
                       "inputs with exactly the same function and the same fitted statistics "
                       "as the training inputs.") if ratio > 1 else
                    N_("INPUTS SCALED DIFFERENTLY: the test inputs are {factor:.3g} times "
                       "smaller than the training inputs ({scale}).{guess} Prepare the test "
                       "inputs with exactly the same function and the same fitted statistics "
                       "as the training inputs."))
        factor = ratio if ratio > 1 else 1 / ratio
        message = tr_text(template).format(factor=factor, scale=scale, guess=guess)
    if cause is None and abs(test_stats["mean"] - train_stats["mean"]) > 0.5 * train_stats["std"]:
        cause = MISMATCH_CAUSES[4]
        message = tr("INPUTS SHIFTED: mean of the inputs: training {train_mean:.4g}, test "
                     "{test_mean:.4g}, more than half a training standard deviation "
                     "({train_std:.4g}) apart. Normalise the test inputs with the training "
                     "set's statistics.", train_mean=train_stats["mean"],
                     test_mean=test_stats["mean"], train_std=train_stats["std"])
    if cause is None and test_pred.collapsed and not train_pred.collapsed:
        cause = MISMATCH_CAUSES[5]
        message = tr("TEST PREDICTIONS COLLAPSED: {test_top:.1%} of the test predictions are "
                     "class {test_class}, while on the training inputs the most common class "
                     "has {train_top:.1%}; the inputs have the same scale. Check that the test "
                     "images are the kind the network was trained on, prepared the same way.",
                     test_top=test_pred.top_fraction, test_class=test_pred.most_common,
                     train_top=train_pred.top_fraction)
    if cause is None:
        message = tr("OK: no train/inference mismatch found. {scale}; the most common "
                     "predicted class has {train_top:.1%} of the training and {test_top:.1%} "
                     "of the test predictions.", scale=scale,
                     train_top=train_pred.top_fraction, test_top=test_pred.top_fraction)
    elif cause != MISMATCH_CAUSES[3]:
        message += f" ({scale}.)"
    if test_pred is not None and cause is not None:
        message += " " + tr("Test predictions: {top:.1%} are class {most_common}.",
                            top=test_pred.top_fraction, most_common=test_pred.most_common)
    return MismatchReport(train_stats, test_stats, float(ratio), train_pred, test_pred, cause,
                          message)


# ------------------------------------------------------------------ helpers


def _rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))


def _check_model_X(model, X: np.ndarray, who: str) -> np.ndarray:
    layers = getattr(model, "layers_", None)
    if layers is None:
        raise RuntimeError(tr("{who}: the network has no weights yet; call fit(X, y) or "
                              "initialize(n_features, n_classes) first.", who=who))
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        raise ValueError(tr("{who}: X must be a 2-D array (n_samples, n_features), got {got}.",
                            who=who, got=getattr(X, "shape", type(X).__name__)))
    n_features, dtype = dense[0].W.shape[0], dense[0].W.dtype
    if X.shape[1] != n_features:
        raise ValueError(tr("{who}: X has {n} features (shape {shape}) but the network "
                            "expects {n_features}.", who=who, n=X.shape[1], shape=X.shape,
                            n_features=n_features))
    if X.dtype != dtype:
        raise TypeError(tr("{who}: X has dtype {x_dtype} but the network computes in {dtype}; "
                           "convert with X.astype(np.{dtype}).", who=who, x_dtype=X.dtype,
                           dtype=dtype))
    if len(X) == 0 or not np.isfinite(X).all():
        raise ValueError(tr("{who}: X must have at least one row and only finite values.", who=who))
    return X
