"""Checks for the exercises of notebook 05, *scikit-learn*.

Four exercises, in the order the notebook asks for them:

* ``matching_alpha(l2, batch_size)``: the course's L2 strength ``l2`` -> the ``alpha``
  that gives ``MLPClassifier`` the same gradient, derived from how scikit-learn scales
  its penalty (``alpha = l2 * batch_size``);
* ``matching_classifier(config, seed)``: a course configuration -- a dict with the keys
  ``hidden_sizes``, ``learning_rate``, ``batch_size``, ``epochs``, ``l2`` of
  :class:`course_utils.mlp.MLP` -- becomes an unfitted ``MLPClassifier`` that trains the
  same network the same way;
* ``leak_free_scores(model, scaler, X, y, folds)``: one held-out accuracy per
  cross-validation fold, with the scaler fitted on that fold's training rows only;
* ``most_confused_pair(cm)``: ``(k, k)`` confusion matrix -> ``(true, predicted)``, the
  off-diagonal cell with the largest *share of its true class*.

Every typical mistake is one :class:`~course_utils.checks.feedback.Mistake`: its name,
explanation, hint and the mistaken code itself (``wrong``). The check recognises a
mistake by its effect -- it runs ``wrong`` on the check's inputs and compares with what
the student's function did -- and the test suite hands ``wrong`` to the check as a
student solution that must come back with that name. What "effect" means depends on
the exercise: the returned numbers (5.1, 5.4), the classifier's parameters (5.2), or
which rows each ``fit`` and ``predict`` saw (5.3, through instrumented stand-ins for
the scaler and the model).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier

from course_utils.checks.feedback import (
    MODIFIED_INPUT,
    Exercise,
    Feedback,
    Mistake,
    Status,
    arrays_match,
    call_student,
    compare_arrays,
    diagnose,
    negated,
    scaled,
    stop,
)

# ---------------------------------------------------------------- exercise 5.1: matching alpha

_ALPHA = "matching_alpha"


def matching_alpha(l2: float, batch_size: int) -> float:
    """scikit-learn's ``alpha`` for the course's L2 strength ``l2`` (reference for 5.1).

    The course's penalty gradient is ``l2 * W``; scikit-learn's is ``alpha * W / m`` for a
    batch of ``m`` samples (``_compute_loss_grad`` adds ``alpha * W`` to the summed data
    gradient, then divides both by ``m``). They agree when ``alpha = l2 * m``.

    Args:
        l2: the course's ``MLP(l2=...)``, ``>= 0``.
        batch_size: samples per mini-batch, ``>= 1``.
    """
    return float(l2 * batch_size)


#: (l2, batch size) pairs the check tries: other batch sizes than 64, l2 = 0, extremes.
_ALPHA_GRID = ((1e-4, 64), (5e-4, 100), (0.0, 32), (3e-3, 1), (2.0, 257), (1e-4, 200))
_TRAINING_IMAGES = 3200   # the notebook's training-set size, a tempting wrong "m"


def _alpha_mistakes() -> list[Mistake]:
    why = ("scikit-learn divides the whole weight gradient, penalty included, by the batch's "
           "sample count m: its penalty gradient is alpha * W / m, the course's is l2 * W. ")
    return [
        Mistake("alpha not converted (alpha = l2)",
                why + "With alpha = l2 the penalty is m times weaker than the course's.",
                "Set alpha / m equal to l2 and solve for alpha.",
                lambda l2, batch_size: l2 + 0.0 * batch_size),
        Mistake("alpha divided by the batch size instead of multiplied",
                why + "Dividing l2 by m makes the penalty m² times too weak.",
                "From alpha / m = l2 it follows that alpha = l2 times m, not divided.",
                lambda l2, batch_size: l2 / batch_size),
        Mistake("batch size hard-coded to 64",
                "Your alpha is l2 * 64 whatever batch_size is: right for this notebook's "
                "configuration only. The check also tries batches of 1, 32, 100, 200 and 257.",
                "Use the argument batch_size.",
                lambda l2, batch_size: l2 * 64 + 0.0 * batch_size),
        Mistake("training-set size instead of the batch size",
                "You multiplied l2 by the number of training images (3,200). scikit-learn "
                "divides each step's gradient by the samples of *that batch*, not of the "
                "whole training set.",
                "The m in alpha * W / m is the batch size.",
                lambda l2, batch_size: l2 * _TRAINING_IMAGES + 0.0 * batch_size),
        Mistake("l2 hard-coded to 1e-4",
                "Your alpha does not follow l2: it is 1e-4 * batch_size for every l2, so l2 = 0 "
                "still gets a penalty.",
                "Use the argument l2.",
                lambda l2, batch_size: 1e-4 * batch_size + 0.0 * l2),
    ]


def _diagnose_alpha(student_fn) -> Feedback:
    def procedure() -> str:
        l2s = np.array([l2 for l2, _ in _ALPHA_GRID])
        sizes = np.array([m for _, m in _ALPHA_GRID])
        got = []
        for l2, m in _ALPHA_GRID:
            value = call_student(_ALPHA, student_fn, l2, m)
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                    value, (int, float, np.integer, np.floating)) and not (
                    isinstance(value, np.ndarray) and value.shape == ()):
                stop(_ALPHA, Status.MISTAKE,
                     f"For l2 = {l2:g} and batch_size = {m} your function returned "
                     f"{type(value).__name__} {value!r}; alpha is one number.",
                     hint="Return a float, e.g. float(...).")
            got.append(value)
        got = np.array(got)
        compare_arrays(_ALPHA, got, l2s * sizes, inputs=(l2s, sizes), mistakes=_alpha_mistakes(),
                       what=f"alpha for (l2, batch_size) = {list(_ALPHA_GRID)}",
                       factors={"the ½ of the penalty": 2.0}, rtol=1e-9, atol=0.0)
        return ("alpha = l2 * batch_size for batches of 1 to 257 and l2 from 0 to 2: "
                "scikit-learn's alpha * W / m equals the course's l2 * W.")

    return diagnose(_ALPHA, procedure)


ALPHA = Exercise(
    name=_ALPHA,
    reference=matching_alpha,
    diagnosis=_diagnose_alpha,
    mistakes=_alpha_mistakes(),
    wrong_solutions={
        "off by a constant factor: the ½ of the penalty": scaled(matching_alpha, 2.0),
        "sign flipped": negated(matching_alpha),
        "integer dtype truncates the values": lambda l2, batch_size: int(l2 * batch_size),
    },
)


def check_matching_alpha(student_fn):
    """Check exercise 5.1 (alpha from l2 and the batch size); returns the function to use."""
    return ALPHA.check(student_fn)


# ---------------------------------------------------------------- exercise 5.2: matching classifier

_MATCH = "matching_classifier"


def matching_classifier(config: dict, seed: int = 0) -> MLPClassifier:
    """The ``MLPClassifier`` that trains the course's ``MLP(**config, seed=seed)`` (reference 5.2).

    Args:
        config: ``{"hidden_sizes": (128,), "learning_rate": 0.1, "batch_size": 64,
            "epochs": 30, "l2": 1e-4}`` (ReLU hidden layers, plain SGD).
        seed: becomes ``random_state``.

    Returns:
        An unfitted ``MLPClassifier``. Equivalent spellings pass the check: a list of
        layer sizes, ``nesterovs_momentum`` left True (no effect without momentum), any
        ``n_iter_no_change >= epochs`` (it can then never stop training early), parameters
        that the chosen solver ignores (``beta_1``, ``power_t``, ...).
    """
    return MLPClassifier(
        hidden_layer_sizes=tuple(config["hidden_sizes"]), activation="relu",
        solver="sgd", momentum=0.0, nesterovs_momentum=False,
        learning_rate="constant", learning_rate_init=config["learning_rate"],
        batch_size=config["batch_size"], max_iter=config["epochs"], shuffle=True,
        alpha=matching_alpha(config["l2"], config["batch_size"]),
        early_stopping=False, tol=0.0, n_iter_no_change=config["epochs"],
        random_state=seed,
    )


#: Configurations the check tries: two hidden layers, other batch sizes, l2 = 0.
_CHECK_CONFIGS = (({"hidden_sizes": (256, 64), "learning_rate": 0.05, "batch_size": 100,
                    "epochs": 20, "l2": 5e-4}, 3),
                  ({"hidden_sizes": (32,), "learning_rate": 0.2, "batch_size": 50,
                    "epochs": 7, "l2": 0.0}, 11))
#: The notebook's own configuration: a student who copies its numbers gets them back.
_NOTEBOOK_CONFIG = {"hidden_sizes": (128,), "learning_rate": 0.1, "batch_size": 64,
                    "epochs": 30, "l2": 1e-4}


def _training(params: dict, epochs: int) -> dict:
    """What decides the training, in one spelling: ignored parameters dropped, equivalent
    settings made equal (``tol`` and ``n_iter_no_change`` become whether training can stop
    before the last epoch)."""
    p = dict(params)
    sizes = p["hidden_layer_sizes"]
    p["hidden_layer_sizes"] = (int(sizes),) if np.ndim(sizes) == 0 else tuple(int(s) for s in sizes)
    for key in ("verbose", "max_fun", "validation_fraction", "beta_1", "beta_2", "epsilon",
                "power_t", "tol", "n_iter_no_change"):
        p.pop(key, None)
    p["can stop before the last epoch"] = bool(params["early_stopping"]) or (
        isinstance(params["n_iter_no_change"], (int, np.integer))
        and params["n_iter_no_change"] < epochs)
    if p["solver"] != "sgd":
        for key in ("momentum", "nesterovs_momentum", "learning_rate"):
            p.pop(key, None)
    elif p["momentum"] == 0:
        p.pop("nesterovs_momentum")
    return p


def _same(a, b) -> bool:
    numbers = (int, float, np.integer, np.floating)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=0.0))
    return type(a) is type(b) and a == b


def _differences(got: dict, expected: dict) -> dict:
    keys = set(got) | set(expected)
    return {k: got.get(k, "(ignored)") for k in sorted(keys)
            if k not in got or k not in expected or not _same(got[k], expected[k])}


def _with(**changes):
    """A wrong solution: the reference with some parameters changed (values may depend on
    the configuration: pass a function of it)."""
    def wrong(config, seed=0):
        values = {k: v(config) if callable(v) else v for k, v in changes.items()}
        return matching_classifier(config, seed).set_params(**values)
    return wrong


def _matching_mistakes() -> list[Mistake]:
    return [
        Mistake("default solver (adam)",
                "solver='adam': the course trains with plain mini-batch SGD; Adam adapts a "
                "step size for every weight, a different algorithm.",
                "Pass solver='sgd' (MLPClassifier's default is 'adam').",
                _with(solver="adam")),
        Mistake("momentum left at 0.9",
                "momentum=0.9: with solver='sgd' scikit-learn adds momentum unless told "
                "otherwise; the course's SGD has none.",
                "Pass momentum=0.0 (and nesterovs_momentum=False).",
                _with(momentum=0.9)),
        Mistake("only the first hidden layer",
                "hidden_layer_sizes is one number, the first hidden layer's size: the other "
                "hidden layers of the configuration are missing.",
                "Pass the whole tuple: hidden_layer_sizes=tuple(config['hidden_sizes']).",
                _with(hidden_layer_sizes=lambda c: c["hidden_sizes"][0])),
        Mistake("output layer counted as hidden",
                "hidden_layer_sizes ends with 10: the output units are listed as a hidden "
                "layer, so this network has one layer too many.",
                "List only the hidden layers; MLPClassifier adds the output layer from the "
                "number of classes.",
                _with(hidden_layer_sizes=lambda c: (*c["hidden_sizes"], 10))),
        Mistake("alpha not converted (alpha = l2)",
                "alpha = l2: scikit-learn divides alpha by the batch size (its penalty "
                "gradient is alpha * W / m), so this penalty is batch_size times too weak.",
                "Use matching_alpha(config['l2'], config['batch_size']) from exercise 5.1.",
                _with(alpha=lambda c: c["l2"])),
        Mistake("alpha divided by the batch size instead of multiplied",
                "alpha = l2 / batch_size: the penalty is batch_size² times too weak.",
                "alpha = l2 * batch_size (exercise 5.1).",
                _with(alpha=lambda c: c["l2"] / c["batch_size"])),
        Mistake("alpha left at its default",
                "alpha=0.0001, scikit-learn's default, whatever the configuration's l2.",
                "alpha = l2 * batch_size (exercise 5.1).",
                _with(alpha=1e-4)),
        Mistake("early stopping on",
                "early_stopping=True: scikit-learn then holds back 10 % of the training data "
                "for validation and may stop early, so it trains on less data for fewer epochs.",
                "Pass early_stopping=False.",
                _with(early_stopping=True)),
        Mistake("training can stop before the last epoch",
                "n_iter_no_change is smaller than the number of epochs: training stops as soon "
                "as the loss fails to improve by tol for that many epochs in a row, possibly "
                "before the last epoch.",
                "Pass n_iter_no_change=config['epochs'] (it can then never trigger).",
                _with(tol=1e-4, n_iter_no_change=10)),
        Mistake("batch size left at 'auto'",
                "batch_size='auto' means min(200, n_samples) samples per step, not the "
                "configuration's batch size.",
                "Pass batch_size=config['batch_size'].",
                _with(batch_size="auto")),
        Mistake("max_iter is not the number of epochs",
                "max_iter=200 (the default): for the 'sgd' solver max_iter is the number of "
                "epochs.",
                "Pass max_iter=config['epochs'].",
                _with(max_iter=200)),
        Mistake("learning rate given as learning_rate",
                "In MLPClassifier, learning_rate names the schedule ('constant', 'invscaling', "
                "'adaptive'); the step size is learning_rate_init.",
                "Pass learning_rate='constant', learning_rate_init=config['learning_rate'].",
                _with(learning_rate=lambda c: c["learning_rate"], learning_rate_init=0.001)),
        Mistake("learning rate left at its default",
                "learning_rate_init=0.001, scikit-learn's default, not the configuration's "
                "step size.",
                "Pass learning_rate_init=config['learning_rate'].",
                _with(learning_rate_init=0.001)),
        Mistake("no reshuffling",
                "shuffle=False: the batches come in the same order every epoch; the course "
                "reshuffles before each epoch.",
                "Pass shuffle=True.",
                _with(shuffle=False)),
        Mistake("random_state not set to the seed",
                "random_state=None: every run draws other initial weights and batches, so "
                "runs do not repeat.",
                "Pass random_state=seed.",
                _with(random_state=None)),
        Mistake("seed hard-coded",
                "random_state=0 whatever the seed argument: every 'seed' trains the same run, "
                "so a comparison over seeds would repeat one run five times.",
                "Pass random_state=seed.",
                _with(random_state=0)),
        Mistake("activation not relu",
                "activation='logistic': the course's hidden layers are ReLU.",
                "Pass activation='relu'.",
                _with(activation="logistic")),
        Mistake("this notebook's numbers hard-coded",
                "Your classifier has this notebook's configuration (one hidden layer of 128, "
                "step 0.1, batches of 64, 30 epochs) whatever config says.",
                "Read every number from config: config['hidden_sizes'], config['batch_size'], ...",
                lambda config, seed=0: matching_classifier(_NOTEBOOK_CONFIG, seed)),
    ]


_PARAMETER_HINTS = {
    "hidden_layer_sizes": "Use tuple(config['hidden_sizes']).",
    "alpha": "alpha = l2 * batch_size (exercise 5.1).",
    "batch_size": "Pass batch_size=config['batch_size'].",
    "learning_rate_init": "Pass learning_rate_init=config['learning_rate'].",
    "max_iter": "Pass max_iter=config['epochs'].",
    "random_state": "Pass random_state=seed.",
}


def _diagnose_matching(student_fn) -> Feedback:
    def procedure() -> str:
        for config, seed in _CHECK_CONFIGS:
            got = call_student(_MATCH, student_fn, dict(config), seed)
            if not isinstance(got, MLPClassifier):
                stop(_MATCH, Status.MISTAKE,
                     f"Your function returned {type(got).__name__}, not an MLPClassifier.",
                     hint="Build it with MLPClassifier(...) and return it without fitting.")
            epochs = config["epochs"]
            expected = _training(matching_classifier(config, seed).get_params(), epochs)
            try:
                yours = _training(got.get_params(), epochs)
            except (TypeError, ValueError) as err:
                stop(_MATCH, Status.MISTAKE,
                     f"Some parameter of your classifier has a value of the wrong type "
                     f"({type(err).__name__}: {err}); hidden_layer_sizes={got.hidden_layer_sizes!r}"
                     f", n_iter_no_change={got.n_iter_no_change!r}.",
                     hint="hidden_layer_sizes is a tuple of ints; n_iter_no_change an int.")
            differs = _differences(yours, expected)
            if not differs:
                continue
            where = f"For config = {config} and seed = {seed}: "
            for mistake in _matching_mistakes():
                wrong = _training(mistake.wrong(dict(config), seed).get_params(), epochs)
                its = {k: v for k, v in _differences(wrong, expected).items() if k in expected}
                if its and all(k in differs and _same(differs[k], its[k]) for k in its):
                    stop(_MATCH, Status.MISTAKE, where + mistake.explanation,
                         hint=mistake.hint, mistake=mistake.name)
            key, value = next(iter(differs.items()))
            stop(_MATCH, Status.MISTAKE,
                 where + f"your classifier has {key} = {value!r}; the matching classifier has "
                 f"{expected.get(key, '(ignored)')!r}.",
                 hint=_PARAMETER_HINTS.get(key, "Compare with the table of course choices "
                                                "above the exercise."))
        return ("Plain SGD, same layers, batch size, step size, epochs, alpha = l2 * batch_size, "
                "no early stopping, seeded, for two configurations.")

    return diagnose(_MATCH, procedure)


MATCHING = Exercise(
    name=_MATCH,
    reference=matching_classifier,
    diagnosis=_diagnose_matching,
    mistakes=_matching_mistakes(),
)


def check_matching_classifier(student_fn):
    """Check exercise 5.2 (the matching MLPClassifier); returns the function to use."""
    return MATCHING.check(student_fn)


# ---------------------------------------------------------------- exercise 5.3: leak-free CV

_CV = "leak_free_scores"


def leak_free_scores(model, scaler, X: np.ndarray, y: np.ndarray, folds) -> np.ndarray:
    """Held-out accuracy of ``scaler`` + ``model`` on each fold, nothing leaking (reference 5.3).

    For each ``(train_idx, held_idx)`` of ``folds``: a fresh copy of ``scaler`` is fitted
    on ``X[train_idx]`` only; a fresh copy of ``model`` is trained on the scaled training
    rows; it is scored on ``X[held_idx]`` scaled with the *training* rows' statistics.
    ``cross_val_score(make_pipeline(scaler, model), X, y, cv=folds)`` does the same and
    passes the check too.

    Args:
        model: an unfitted scikit-learn classifier; scaler: an unfitted transformer.
        X: ``(n, d)``; y: ``(n,)``.
        folds: a list of ``(train_idx, held_idx)`` index arrays.

    Returns:
        ``(n_folds,)`` float accuracies, in the order of ``folds``.
    """
    scores = []
    for train_idx, held_idx in folds:
        fitted_scaler = clone(scaler).fit(X[train_idx])
        fitted_model = clone(model).fit(fitted_scaler.transform(X[train_idx]), y[train_idx])
        scores.append(fitted_model.score(fitted_scaler.transform(X[held_idx]), y[held_idx]))
    return np.array(scores)


def _row_ids(X) -> frozenset:
    return frozenset(int(round(v)) for v in np.asarray(X, dtype=np.float64)[:, 0])


def _spies():
    """A scaler and a classifier that do their job and record which rows each call saw.

    Column 0 of the check's data holds each row's index: the scaler passes it through
    unscaled (and standardises the other columns), the classifier (nearest centroid)
    ignores it for its predictions but reads it to record the rows. ``clone`` makes new
    objects of the same classes, which share the same log.
    """
    log = {"scaler fit": [], "model fit": [], "model predict": []}

    class RecordingScaler(TransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            X = np.asarray(X, dtype=np.float64)
            log["scaler fit"].append(_row_ids(X))
            self.mean_ = X[:, 1:].mean(axis=0)
            std = X[:, 1:].std(axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)
            return self

        def transform(self, X):
            X = np.asarray(X, dtype=np.float64)
            out = X.copy()
            out[:, 1:] = (X[:, 1:] - self.mean_) / self.scale_
            return out

    class RecordingClassifier(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
            log["model fit"].append(_row_ids(X))
            self.classes_ = np.unique(y)
            self.centroids_ = np.stack([X[y == c, 1:].mean(axis=0) for c in self.classes_])
            return self

        def predict(self, X):
            X = np.asarray(X, dtype=np.float64)
            log["model predict"].append(_row_ids(X))
            distances = ((X[:, None, 1:] - self.centroids_[None]) ** 2).sum(axis=2)
            return self.classes_[np.argmin(distances, axis=1)]

    return RecordingScaler(), RecordingClassifier(), log


def _cv_data(n_per_class: int, n_classes: int, n_splits: int, seed: int):
    """Rows sorted by class (like the embedded data), column 0 = row index, overlapping
    classes so that accuracies differ between folds; stratified, shuffled folds."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), n_per_class)
    features = rng.normal(size=(len(y), 4)) * np.array([1.0, 5.0, 0.2, 30.0]) \
        + 1.2 * y[:, None] * np.array([1.0, 3.0, 0.3, 10.0])
    X = np.column_stack([np.arange(len(y), dtype=np.float64), features])
    folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y))
    return X, y, folds


def _kinds(row_sets: list, folds, n_rows: int) -> tuple[str, ...]:
    """Which rows each call saw, named: 'training rows' / 'held-out rows' of a fold, 'all
    rows', 'other rows'; () if there was no call."""
    train = {frozenset(int(i) for i in t) for t, _ in folds}
    held = {frozenset(int(i) for i in h) for _, h in folds}
    every = frozenset(range(n_rows))

    def kind(rows):
        if rows in train:
            return "training rows"
        if rows in held:
            return "held-out rows"
        if rows == every:
            return "all rows"
        return "other rows"

    return tuple(sorted({kind(rows) for rows in row_sets}))


def _trace(fn, X, y, folds, *, student: bool):
    """Call ``fn`` with recording stand-ins; return its scores and what each call saw."""
    scaler, model, log = _spies()
    args = (model, scaler, X, y, [(t.copy(), h.copy()) for t, h in folds])
    if student:
        scores = call_student(_CV, fn, *args)
    else:
        with np.errstate(all="ignore"):
            scores = fn(*args)
    seen = tuple(_kinds(log[key], folds, len(y)) for key in ("scaler fit", "model fit",
                                                              "model predict"))
    return scores, seen


_EXPECTED_SEEN = (("training rows",), ("training rows",), ("held-out rows",))


def _describe(seen) -> str:
    parts = [f"{who} saw {', '.join(kinds) if kinds else 'nothing (never called)'}"
             for who, kinds in zip(("scaler.fit", "model.fit", "model.predict"), seen, strict=True)]
    return "; ".join(parts)


def _scaler_on_everything(model, scaler, X, y, folds):
    fitted = clone(scaler).fit(X)          # the leak: statistics of every row, held-out included
    Z = fitted.transform(X)
    return np.array([clone(model).fit(Z[t], y[t]).score(Z[h], y[h]) for t, h in folds])


def _held_out_scaled_alone(model, scaler, X, y, folds):
    scores = []
    for t, h in folds:
        Z_train = clone(scaler).fit_transform(X[t])
        Z_held = clone(scaler).fit_transform(X[h])   # the held-out rows' own statistics
        scores.append(clone(model).fit(Z_train, y[t]).score(Z_held, y[h]))
    return np.array(scores)


def _model_on_everything(model, scaler, X, y, folds):
    scores = []
    for t, h in folds:
        fitted = clone(scaler).fit(X[t])
        net = clone(model).fit(fitted.transform(X), y)   # trained on the held-out rows too
        scores.append(net.score(fitted.transform(X[h]), y[h]))
    return np.array(scores)


def _scored_on_training_rows(model, scaler, X, y, folds):
    scores = []
    for t, _ in folds:
        fitted = clone(scaler).fit(X[t])
        net = clone(model).fit(fitted.transform(X[t]), y[t])
        scores.append(net.score(fitted.transform(X[t]), y[t]))
    return np.array(scores)


def _own_folds(model, scaler, X, y, folds):
    own = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    return leak_free_scores(model, scaler, X, y, list(own))


def _no_scaler(model, scaler, X, y, folds):
    return np.array([clone(model).fit(X[t], y[t]).score(X[h], y[h]) for t, h in folds])


def _cv_mistakes() -> list[Mistake]:
    return [
        Mistake("scaler fitted on all the data",
                "Your scaler learned its statistics from every row, the held-out fold's "
                "included, before the folds were split. The held-out rows then helped prepare "
                "the training data: the score measures a procedure that has seen its test "
                "data, not the one you will use on new images.",
                "Inside the loop, fit a fresh copy of the scaler on X[train_idx] only "
                "(clone(scaler).fit(X[train_idx])), then transform both parts with it; or "
                "put scaler and model in one Pipeline and cross-validate the pipeline.",
                _scaler_on_everything),
        Mistake("held-out fold scaled with its own statistics",
                "You fitted a scaler on the held-out rows themselves (fit_transform on "
                "X[held_idx]). New data must be transformed with the statistics learned from "
                "the training rows; a held-out fold that standardises itself uses its own "
                "mean and spread, which a single new image does not have.",
                "Fit the scaler on the training rows and only call transform on the "
                "held-out rows.",
                _held_out_scaled_alone),
        Mistake("model trained on the held-out rows too",
                "Your model was fitted on every row, held-out fold included, so it is scored "
                "on images it was trained on.",
                "Train on the training rows only: model.fit(Z[train_idx], y[train_idx]).",
                _model_on_everything),
        Mistake("scored on the training folds",
                "You scored each model on the rows it was trained on: that is the training "
                "accuracy, not the held-out one.",
                "Score on X[held_idx], y[held_idx] (scaled with the training statistics).",
                _scored_on_training_rows),
        Mistake("folds ignored",
                "Your function made its own split instead of using the folds it was given, "
                "so its scores cannot be compared with other models scored on those folds.",
                "Loop over the argument: for train_idx, held_idx in folds: ...",
                _own_folds),
        Mistake("scaler argument not used",
                "The scaler you were given was never fitted: your function either skips the "
                "scaling or builds a scaler of its own.",
                "Use clone(scaler) (a fresh copy of the argument) in every fold.",
                _no_scaler),
        Mistake("returned the mean instead of one score per fold",
                "You returned one number; the exercise asks for the accuracy of every fold, "
                "so that their spread can be seen.",
                "Collect one score per fold in a list and return np.array(scores).",
                lambda model, scaler, X, y, folds: float(np.mean(
                    leak_free_scores(model, scaler, X, y, folds)))),
    ]


def _modifies_X(model, scaler, X, y, folds):
    scores = leak_free_scores(model, scaler, X, y, folds)
    X[:, 1:] = clone(scaler).fit(X).transform(X)[:, 1:]   # "scale the data once, in place"
    return scores


def _diagnose_cv(student_fn) -> Feedback:
    def procedure() -> str:
        mistakes = _cv_mistakes()
        for n_per_class, n_classes, n_splits, seed in ((8, 3, 3, 1), (6, 4, 5, 2)):
            X, y, folds = _cv_data(n_per_class, n_classes, n_splits, seed)
            got, seen = _trace(student_fn, X, y, folds, student=True)
            expected, _ = _trace(leak_free_scores, X, y, folds, student=False)
            if seen != _EXPECTED_SEEN:
                for mistake in mistakes:
                    wrong_scores, wrong_seen = _trace(mistake.wrong, X, y, folds, student=False)
                    if wrong_seen == seen:
                        stop(_CV, Status.MISTAKE, mistake.explanation, hint=mistake.hint,
                             mistake=mistake.name)
                stop(_CV, Status.MISTAKE,
                     f"With {n_splits} folds, {_describe(seen)}. In every fold the scaler and "
                     "the model must be fitted on that fold's training rows only, and the "
                     "model must predict the held-out rows.",
                     hint="for train_idx, held_idx in folds: fit clone(scaler) on "
                          "X[train_idx], train clone(model) on the scaled training rows, "
                          "score on the scaled held-out rows.")
            compare_arrays(_CV, got, expected,
                           inputs=_FreshInputs(X, y, folds), mistakes=mistakes,
                           what=f"the array of {n_splits} fold scores", rtol=1e-9, atol=1e-12)
        return ("Scaler and model fitted on each fold's training rows only, the held-out rows "
                "transformed with the training statistics; one score per fold, for 3 and 5 "
                "folds.")

    return diagnose(_CV, procedure)


class _FreshInputs:
    """The arguments for a mistake's wrong implementation, with new recording stand-ins each
    time ``compare_arrays`` unpacks them (so no call adds to another call's log)."""

    def __init__(self, X, y, folds):
        self.X, self.y, self.folds = X, y, folds

    def __iter__(self):
        scaler, model, _ = _spies()
        return iter((model, scaler, self.X.copy(), self.y.copy(), list(self.folds)))


CV = Exercise(
    name=_CV,
    reference=leak_free_scores,
    diagnosis=_diagnose_cv,
    mistakes=_cv_mistakes(),
    wrong_solutions={MODIFIED_INPUT: _modifies_X},
)


def check_leak_free_scores(student_fn):
    """Check exercise 5.3 (cross-validation without leakage); returns the function to use."""
    return CV.check(student_fn)


# ---------------------------------------------------------------- exercise 5.4: most-confused pair

_PAIR = "most_confused_pair"


def most_confused_pair(cm: np.ndarray) -> tuple[int, int]:
    """The most frequent mistake relative to its class's size (reference for exercise 5.4).

    Args:
        cm: ``(k, k)`` integer counts, ``cm[true, predicted]`` (rows: true class). A row of
            zeros (a class with no test samples) has no mistakes.

    Returns:
        ``(true, predicted)`` as Python ints: the off-diagonal cell with the largest share
        of its row, ``cm[t, p] / cm[t].sum()`` (the first in row-major order if several tie).
        The matrix is not changed.
    """
    cm = np.asarray(cm)
    rows = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
    np.fill_diagonal(share, -1.0)
    true, predicted = np.unravel_index(int(np.argmax(share)), share.shape)
    return int(true), int(predicted)


def _pair_inputs() -> list[np.ndarray]:
    """Matrices on which every mistake below points at another cell than the answer.

    First: ten classes of unequal size (as in full MNIST's test set: 892 to 1,135 images).
    (1, 7) = 40 is the largest count, but in the biggest class; (5, 3) = 30 of 300 is the
    largest share of a true class (the answer); (2, 5) is the largest share of its
    *column*; (8, 0) is the only mistake of its row, so it is largest when the correct
    predictions are left out of the row total. Second: four classes, one of them absent
    (a row of zeros, whose shares are 0/0). Third: three classes, the answer in the last row.
    """
    rng = np.random.default_rng(5)
    cm = rng.integers(1, 3, size=(10, 10))          # every other off-diagonal cell is 1 or 2
    cm[8] = 0
    cm[1, 7], cm[5, 3], cm[2, 5], cm[8, 0] = 40, 30, 25, 26
    np.fill_diagonal(cm, 0)
    sizes = np.array([900, 1100, 1000, 1000, 950, 300, 950, 1000, 970, 1000])
    cm[np.arange(10), np.arange(10)] = sizes - cm.sum(axis=1)
    second = np.array([[50, 0, 4, 1],
                       [0, 0, 0, 0],
                       [3, 0, 40, 9],
                       [0, 0, 2, 30]])
    third = np.array([[20, 1, 0],
                      [2, 30, 1],
                      [0, 6, 4]])
    return [cm, second, third]


def _counts(cm):
    off = np.asarray(cm, dtype=np.int64).copy()
    np.fill_diagonal(off, -1)
    t, p = np.unravel_index(int(np.argmax(off)), off.shape)
    return int(t), int(p)


def _shares(cm, axis=1, subtract_diagonal=False, floor=False, nan_rows=False):
    cm = np.asarray(cm)
    totals = cm.sum(axis=axis, keepdims=True)
    if subtract_diagonal:
        totals = totals - np.diag(cm).reshape(totals.shape)
    if nan_rows:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = cm / totals
    elif floor:
        share = np.floor_divide(cm, np.maximum(totals, 1)).astype(float)
    else:
        share = np.divide(cm, totals, out=np.zeros(cm.shape), where=totals > 0)
    np.fill_diagonal(share, -1.0)
    return share


def _argmax_pair(share):
    t, p = np.unravel_index(int(np.argmax(share)), share.shape)
    return int(t), int(p)


def _pair_mistakes() -> list[Mistake]:
    return [
        Mistake("counts instead of shares of the true class",
                "You returned the largest count off the diagonal. When classes differ in "
                "size, a big class makes more mistakes simply because it has more images; the "
                "exercise asks for the mistake that takes the largest share of its class.",
                "Divide each row by its sum first (cm / cm.sum(axis=1, keepdims=True)).",
                _counts),
        Mistake("rows and columns swapped",
                "You returned (predicted, true): in scikit-learn's confusion matrix (and the "
                "course's) the row is the true class and the column the prediction.",
                "Return (row, column) of the chosen cell.",
                lambda cm: most_confused_pair(cm)[::-1]),
        Mistake("diagonal included",
                "You returned a cell on the diagonal (true == predicted): those are the "
                "correct predictions, usually the largest shares of all.",
                "Exclude the diagonal, e.g. np.fill_diagonal(share, -1) on your own array.",
                lambda cm: _argmax_pair(np.divide(cm, cm.sum(axis=1, keepdims=True),
                                                  out=np.zeros(np.shape(cm)),
                                                  where=np.sum(cm, axis=1, keepdims=True) > 0))),
        Mistake("flat index instead of (row, column)",
                "You returned the position in the flattened matrix (np.argmax of a 2-D array).",
                "Convert it with np.unravel_index(index, cm.shape).",
                lambda cm: int(np.ravel_multi_index(most_confused_pair(cm), np.shape(cm)))),
        Mistake("returned the share, not the pair",
                "You returned how large the mistake is; the exercise asks which classes are "
                "confused: (true, predicted).",
                "Return the row and column of that cell, not its value.",
                lambda cm: float(_shares(cm)[most_confused_pair(cm)])),
        Mistake("returned the count, not the pair",
                "You returned how many images the mistake concerns; the exercise asks which "
                "classes are confused: (true, predicted).",
                "Return the row and column of that cell, not its value.",
                lambda cm: int(np.asarray(cm)[most_confused_pair(cm)])),
        Mistake("shares of the predicted class (columns) instead of the true class",
                "You divided by the column sums: that is the share of the *predictions* of a "
                "class (what precision is made of). The share of the true class divides by "
                "the row sums: of all images of class t, how many were predicted as p.",
                "Divide by cm.sum(axis=1, keepdims=True).",
                lambda cm: _argmax_pair(_shares(cm, axis=0))),
        Mistake("row total without the correct predictions",
                "You divided by the number of mistakes in the row instead of the row's total: "
                "the share of a class counts all of its images, the correct ones included.",
                "Divide by cm.sum(axis=1, keepdims=True).",
                lambda cm: _argmax_pair(_shares(cm, subtract_diagonal=True))),
        Mistake("integer division",
                "// (floor division) turns every share below 1 into 0, so the largest "
                "'share' is just the first cell off the diagonal.",
                "Use / (true division).",
                lambda cm: _argmax_pair(_shares(cm, floor=True))),
        Mistake("0/0 for a class without samples",
                "A class with no samples has a row of zeros, and 0 / 0 is NaN; np.argmax "
                "returns the first NaN it finds, so your pair points into that empty row.",
                "Give empty rows a share of 0: np.divide(cm, rows, out=np.zeros(cm.shape), "
                "where=rows > 0).",
                lambda cm: _argmax_pair(_shares(cm, nan_rows=True))),
    ]


def _modifies_cm(cm):
    result = most_confused_pair(cm)
    np.fill_diagonal(cm, 0)      # "mask the diagonal" on the caller's matrix
    return result


def _compare_pair(got, expected: np.ndarray, cm: np.ndarray) -> None:
    """Stop unless ``got`` is the expected pair; name a recognised mistake, else say which
    share the student's cell has and which the right one has."""
    if got is None:
        stop(_PAIR, Status.MISTAKE, "Your function returned None instead of (true, predicted).",
             hint="Did you forget the `return` statement?")
    got_array = np.asarray(got)
    if got_array.shape == expected.shape and np.array_equal(got_array, expected):
        return
    for mistake in _pair_mistakes():
        with np.errstate(all="ignore"):
            wrong = np.asarray(mistake.wrong(cm.copy()))
        if wrong.shape == got_array.shape and arrays_match(wrong, got_array, 0, 0):
            stop(_PAIR, Status.MISTAKE, mistake.explanation, hint=mistake.hint,
                 mistake=mistake.name)
    k = len(cm)
    if got_array.shape != (2,) or not np.issubdtype(got_array.dtype, np.integer):
        stop(_PAIR, Status.MISTAKE,
             f"For a {k}x{k} matrix your function returned {got!r}; expected two integers "
             "(true, predicted).", hint="Return int(row), int(column).")
    t, p = (int(v) for v in got_array)
    share = _shares(cm)
    if not (0 <= t < k and 0 <= p < k):
        stop(_PAIR, Status.MISTAKE, f"({t}, {p}) is not a cell of a {k}x{k} matrix.",
             hint="Both indices run from 0 to k - 1.")
    et, ep = (int(v) for v in expected)
    stop(_PAIR, Status.MISTAKE,
         f"For a {k}x{k} matrix you returned ({t}, {p}), a share of "
         f"{max(share[t, p], 0):.1%} of class {t}; the off-diagonal cell with the largest "
         f"share is ({et}, {ep}), with {share[et, ep]:.1%} of class {et}.",
         hint="Divide each row by its total, ignore the diagonal, take the largest.")


def _diagnose_pair(student_fn) -> Feedback:
    def procedure() -> str:
        for cm in _pair_inputs():
            expected = np.array(most_confused_pair(cm))
            with np.errstate(all="ignore"):
                got = call_student(_PAIR, student_fn, cm)
            _compare_pair(got, expected, cm)
        return ("The off-diagonal cell with the largest share of its true class, as (true, "
                "predicted); classes of unequal size and an empty class handled.")

    return diagnose(_PAIR, procedure)


PAIR = Exercise(
    name=_PAIR,
    reference=most_confused_pair,
    diagnosis=_diagnose_pair,
    mistakes=_pair_mistakes(),
    wrong_solutions={MODIFIED_INPUT: _modifies_cm},
)


def check_most_confused_pair(student_fn):
    """Check exercise 5.4 (most-confused pair); returns the function to use from here on."""
    return PAIR.check(student_fn)


EXERCISES = [ALPHA, MATCHING, CV, PAIR]
