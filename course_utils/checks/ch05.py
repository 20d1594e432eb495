"""Checks for the exercises of notebook 05, *scikit-learn*.

Three exercises, in the order the notebook asks for them:

* ``matching_classifier(config, seed)``: a course configuration -- a dict with the
  keys ``hidden_sizes``, ``learning_rate``, ``batch_size``, ``epochs``, ``l2`` of
  :class:`course_utils.mlp.MLP` -- becomes an unfitted ``MLPClassifier`` that trains
  the same network the same way (plain SGD, ``alpha = l2 * batch_size``, exactly
  ``epochs`` epochs);
* ``most_confused_pair(cm)``: ``(k, k)`` confusion matrix (rows: true class,
  columns: prediction) -> ``(true, predicted)``, the largest off-diagonal entry;
* ``per_class_recall(cm)``: ``(k, k)`` -> ``(k,)`` float, the fraction of each true
  class predicted correctly.

The first check compares the classifier's parameters (``get_params()``) with the
reference, one question at a time, and names the parameter that differs; the other
two recognise typical mistakes by what they compute (see
:mod:`course_utils.checks.feedback`).
"""

from __future__ import annotations

import numpy as np
from sklearn.neural_network import MLPClassifier

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

# ---------------------------------------------------------------- exercise 5.1: matching classifier

_MATCH = "matching_classifier"


def matching_classifier(config: dict, seed: int = 0) -> MLPClassifier:
    """The ``MLPClassifier`` that trains the course's ``MLP(**config, seed=seed)`` (reference 5.1).

    Args:
        config: ``{"hidden_sizes": (128,), "learning_rate": 0.1, "batch_size": 64,
            "epochs": 30, "l2": 1e-4}`` (ReLU hidden layers, plain SGD).
        seed: becomes ``random_state``.

    Returns:
        An unfitted ``MLPClassifier``.
    """
    return MLPClassifier(
        hidden_layer_sizes=tuple(config["hidden_sizes"]), activation="relu",
        solver="sgd", momentum=0.0, nesterovs_momentum=False,
        learning_rate="constant", learning_rate_init=config["learning_rate"],
        batch_size=config["batch_size"], max_iter=config["epochs"], shuffle=True,
        alpha=config["l2"] * config["batch_size"],
        early_stopping=False, tol=0.0, n_iter_no_change=config["epochs"],
        random_state=seed,
    )


_CHECK_CONFIG = {"hidden_sizes": (256, 64), "learning_rate": 0.05, "batch_size": 100,
                 "epochs": 20, "l2": 5e-4}
_CHECK_SEED = 3

_ADAM = "default solver (adam)"
_MOMENTUM = "momentum left at 0.9"
_ONE_LAYER = "only the first hidden layer"
_OUTPUT_LAYER = "output layer counted as hidden"
_ALPHA_RAW = "alpha not converted (alpha = l2)"
_ALPHA_DIVIDED = "alpha divided by the batch size instead of multiplied"
_ALPHA_DEFAULT = "alpha left at its default"
_EARLY = "early stopping on"
_NO_CHANGE = "training can stop before the last epoch"
_BATCH = "batch size left at 'auto'"
_MAX_ITER = "max_iter is not the number of epochs"
_LR_SCHEDULE = "learning rate given as learning_rate"
_LR_DEFAULT = "learning rate left at its default"
_SHUFFLE = "no reshuffling"
_SEED = "random_state not set to the seed"
_ACTIVATION = "activation not relu"


def _close(a, b) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and bool(
        np.isclose(float(a), float(b), rtol=1e-9, atol=0.0))


def _diagnose_matching(student_fn) -> Feedback:
    def procedure() -> str:
        cfg, seed = dict(_CHECK_CONFIG), _CHECK_SEED
        got = call_student(_MATCH, student_fn, cfg, seed)
        if not isinstance(got, MLPClassifier):
            stop(_MATCH, Status.MISTAKE,
                 f"Your function returned {type(got).__name__}, not an MLPClassifier.",
                 hint="Build it with MLPClassifier(...) and return it without fitting.")
        p = got.get_params()
        what = (f"For config = {cfg} and seed = {seed}, your classifier has ")

        def mistake(name, found, hint):
            stop(_MATCH, Status.MISTAKE, what + found, hint=hint, mistake=name)

        if p["solver"] != "sgd":
            mistake(_ADAM if p["solver"] == "adam" else "solver not sgd",
                    f"solver={p['solver']!r}. The course trains with plain mini-batch SGD; "
                    "Adam adapts a step size for every weight, a different algorithm.",
                    "Pass solver='sgd' (MLPClassifier's default is 'adam').")
        if p["momentum"] != 0:
            mistake(_MOMENTUM if p["momentum"] == 0.9 else "momentum not 0",
                    f"momentum={p['momentum']!r}. With solver='sgd' scikit-learn adds "
                    "momentum unless told otherwise; the course's SGD has none.",
                    "Pass momentum=0.0 (and nesterovs_momentum=False).")
        sizes = p["hidden_layer_sizes"]
        expected_sizes = cfg["hidden_sizes"]
        if np.ndim(sizes) == 0:
            if sizes == expected_sizes[0]:
                mistake(_ONE_LAYER, f"hidden_layer_sizes={sizes!r}: one hidden layer of "
                        f"{sizes} units, where the configuration has {expected_sizes}.",
                        "Pass the whole tuple: hidden_layer_sizes=tuple(config['hidden_sizes'])"
                        ".")
            mistake("wrong hidden layers", f"hidden_layer_sizes={sizes!r}; expected "
                    f"{expected_sizes}.", "Use config['hidden_sizes'].")
        sizes = tuple(int(s) for s in sizes)
        if sizes != expected_sizes:
            if sizes[:-1] == expected_sizes and sizes[-1] == 10:
                mistake(_OUTPUT_LAYER, f"hidden_layer_sizes={sizes}: the 10 output units are "
                        "listed as a hidden layer, so this network has one layer too many.",
                        "List only the hidden layers; MLPClassifier adds the output layer "
                        "from the number of classes.")
            mistake("wrong hidden layers", f"hidden_layer_sizes={sizes}; expected "
                    f"{expected_sizes}.", "Use config['hidden_sizes'].")
        if p["activation"] != "relu":
            mistake(_ACTIVATION, f"activation={p['activation']!r}.", "Pass activation='relu'.")
        if p["batch_size"] == "auto":
            mistake(_BATCH, "batch_size='auto', which means min(200, n_samples) samples per "
                    f"step, not {cfg['batch_size']}.", "Pass batch_size=config['batch_size'].")
        if p["batch_size"] != cfg["batch_size"]:
            mistake("batch size differs", f"batch_size={p['batch_size']!r}; expected "
                    f"{cfg['batch_size']}.", "Pass batch_size=config['batch_size'].")
        if not isinstance(p["learning_rate"], str):
            mistake(_LR_SCHEDULE, f"learning_rate={p['learning_rate']!r}. In MLPClassifier, "
                    "learning_rate names the schedule ('constant', 'invscaling', 'adaptive'); "
                    "the step size is learning_rate_init.",
                    "Pass learning_rate='constant', learning_rate_init=config['learning_rate']"
                    ".")
        if p["learning_rate"] != "constant":
            mistake("learning-rate schedule not constant", f"learning_rate="
                    f"{p['learning_rate']!r}: the step size changes during training.",
                    "Pass learning_rate='constant'.")
        if not _close(p["learning_rate_init"], cfg["learning_rate"]):
            name = _LR_DEFAULT if p["learning_rate_init"] == 0.001 else "learning rate differs"
            mistake(name, f"learning_rate_init={p['learning_rate_init']!r}; the configuration's "
                    f"step size is {cfg['learning_rate']}.",
                    "Pass learning_rate_init=config['learning_rate'].")
        l2, m = cfg["l2"], cfg["batch_size"]
        if not _close(p["alpha"], l2 * m):
            found = f"alpha={p['alpha']!r}, but scikit-learn divides alpha by the batch size: " \
                    f"its penalty gradient is alpha * W / m, the course's is l2 * W, so " \
                    f"alpha = l2 * m = {l2 * m:g}."
            hint = "Pass alpha=config['l2'] * config['batch_size']."
            if _close(p["alpha"], l2):
                mistake(_ALPHA_RAW, found, hint)
            if _close(p["alpha"], l2 / m):
                mistake(_ALPHA_DIVIDED, found, hint)
            if _close(p["alpha"], 1e-4):
                mistake(_ALPHA_DEFAULT, found, hint)
            mistake("alpha differs", found, hint)
        if p["max_iter"] != cfg["epochs"]:
            mistake(_MAX_ITER, f"max_iter={p['max_iter']!r}; for the 'sgd' solver max_iter is "
                    f"the number of epochs, {cfg['epochs']} here.",
                    "Pass max_iter=config['epochs'].")
        if p["early_stopping"]:
            mistake(_EARLY, "early_stopping=True: scikit-learn then holds back "
                    f"{p['validation_fraction']:.0%} of the training data for validation and "
                    "may stop early, so it trains on less data for fewer epochs.",
                    "Pass early_stopping=False.")
        if p["tol"] > 0 and p["n_iter_no_change"] < cfg["epochs"]:
            mistake(_NO_CHANGE, f"tol={p['tol']!r} and n_iter_no_change="
                    f"{p['n_iter_no_change']!r}: training stops as soon as the loss fails to "
                    f"improve by tol for {p['n_iter_no_change']} epochs in a row, possibly "
                    f"before epoch {cfg['epochs']}.",
                    "Pass n_iter_no_change=config['epochs'] (it can then never trigger), or "
                    "tol=0.0 together with it.")
        if not p["shuffle"]:
            mistake(_SHUFFLE, "shuffle=False: the batches come in the same order every epoch; "
                    "the course reshuffles before each epoch.", "Pass shuffle=True.")
        if p["random_state"] != seed:
            mistake(_SEED, f"random_state={p['random_state']!r}; expected the seed {seed}, "
                    "so that runs repeat exactly.", "Pass random_state=seed.")
        return ("Plain SGD, same layers, batch size, step size, epochs, alpha = l2 * batch_size, "
                "no early stopping, seeded.")

    return diagnose(_MATCH, procedure)


def _wrong_matching(**changes):
    def wrong(config, seed=0):
        return matching_classifier(config, seed).set_params(**changes)
    return wrong


MATCHING = Exercise(
    name=_MATCH,
    reference=matching_classifier,
    diagnosis=_diagnose_matching,
    wrong_solutions={
        _ADAM: lambda config, seed=0: MLPClassifier(
            hidden_layer_sizes=config["hidden_sizes"], batch_size=config["batch_size"],
            learning_rate_init=config["learning_rate"], max_iter=config["epochs"],
            alpha=config["l2"] * config["batch_size"], random_state=seed),
        _MOMENTUM: _wrong_matching(momentum=0.9),
        _ONE_LAYER: lambda config, seed=0: matching_classifier(config, seed).set_params(
            hidden_layer_sizes=config["hidden_sizes"][0]),
        _OUTPUT_LAYER: lambda config, seed=0: matching_classifier(config, seed).set_params(
            hidden_layer_sizes=(*config["hidden_sizes"], 10)),
        _ALPHA_RAW: lambda config, seed=0: matching_classifier(config, seed).set_params(
            alpha=config["l2"]),
        _ALPHA_DIVIDED: lambda config, seed=0: matching_classifier(config, seed).set_params(
            alpha=config["l2"] / config["batch_size"]),
        _ALPHA_DEFAULT: _wrong_matching(alpha=0.0001),
        _EARLY: _wrong_matching(early_stopping=True),
        _NO_CHANGE: _wrong_matching(tol=1e-4, n_iter_no_change=10),
        _BATCH: _wrong_matching(batch_size="auto"),
        _MAX_ITER: _wrong_matching(max_iter=200),
        _LR_SCHEDULE: lambda config, seed=0: matching_classifier(config, seed).set_params(
            learning_rate=config["learning_rate"]),
        _LR_DEFAULT: _wrong_matching(learning_rate_init=0.001),
        _SHUFFLE: _wrong_matching(shuffle=False),
        _SEED: _wrong_matching(random_state=None),
        _ACTIVATION: _wrong_matching(activation="logistic"),
    },
)


def check_matching_classifier(student_fn):
    """Check exercise 5.1 (the matching MLPClassifier); returns the function to use."""
    return MATCHING.check(student_fn)


# ---------------------------------------------------------------- exercise 5.2: most-confused pair

_PAIR = "most_confused_pair"


def most_confused_pair(cm: np.ndarray) -> tuple[int, int]:
    """The most frequent mistake in a confusion matrix (reference for exercise 5.2).

    Args:
        cm: ``(k, k)`` integer counts, ``cm[true, predicted]`` (rows: true class).

    Returns:
        ``(true, predicted)`` as Python ints: the position of the largest entry off the
        diagonal (the first one in row-major order if several tie).
    """
    cm = np.asarray(cm)
    off = cm.astype(np.int64).copy()
    np.fill_diagonal(off, -1)
    true, predicted = np.unravel_index(int(np.argmax(off)), off.shape)
    return int(true), int(predicted)


def _pair_inputs() -> np.ndarray:
    """A 10x10 matrix: big diagonal; (3, 5) = 17 is the largest mistake, (5, 3) = 9."""
    rng = np.random.default_rng(5)
    cm = rng.integers(0, 4, size=(10, 10))
    np.fill_diagonal(cm, rng.integers(80, 100, size=10))
    cm[3, 5], cm[5, 3], cm[8, 1] = 17, 9, 12
    return cm


def _diag_included(cm):
    t, p = np.unravel_index(int(np.argmax(cm)), cm.shape)
    return np.array([t, p])


def _pair_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            "rows and columns swapped",
            "You returned (predicted, true): in scikit-learn's confusion matrix (and the "
            "course's) the row is the true class and the column the prediction.",
            "Return (row, column) of the largest off-diagonal entry.",
            lambda cm: np.array(most_confused_pair(cm)[::-1])),
        KnownMistake(
            "diagonal included",
            "You returned a pair on the diagonal (true == predicted): those are the correct "
            "predictions, usually the largest entries of the matrix.",
            "Mask the diagonal first, e.g. copy the matrix and np.fill_diagonal(off, -1).",
            _diag_included),
        KnownMistake(
            "flat index instead of (row, column)",
            "You returned the position in the flattened matrix (np.argmax of a 2-D array).",
            "Convert it with np.unravel_index(index, cm.shape).",
            lambda cm: np.array(np.ravel_multi_index(most_confused_pair(cm), cm.shape))),
        KnownMistake(
            "returned the count",
            "You returned how many times the mistake happened; the exercise asks which "
            "classes are confused: (true, predicted).",
            "Return the row and column of that entry, not its value.",
            lambda cm: np.array(cm[most_confused_pair(cm)])),
    ]


def _diagnose_pair(student_fn) -> Feedback:
    def procedure() -> str:
        cm = _pair_inputs()
        expected = np.array(most_confused_pair(cm))
        got = call_student(_PAIR, student_fn, cm)
        compare_arrays(_PAIR, got, expected, inputs=(cm,), mistakes=_pair_mistakes(),
                       what="the (true, predicted) pair", rtol=0, atol=0)
        return "The largest entry off the diagonal, as (true class, predicted class)."

    return diagnose(_PAIR, procedure)


def _largest(cm):
    t, p = np.unravel_index(int(np.argmax(cm)), cm.shape)
    return int(t), int(p)


PAIR = Exercise(
    name=_PAIR,
    reference=most_confused_pair,
    diagnosis=_diagnose_pair,
    wrong_solutions={
        "rows and columns swapped": lambda cm: most_confused_pair(np.asarray(cm).T),
        "diagonal included": _largest,
        "flat index instead of (row, column)":
            lambda cm: int(np.argmax(np.where(np.eye(len(cm), dtype=bool), -1, cm))),
        "returned the count":
            lambda cm: int(np.where(np.eye(len(cm), dtype=bool), -1, cm).max()),
    },
)


def check_most_confused_pair(student_fn):
    """Check exercise 5.2 (most-confused pair); returns the function to use from here on."""
    return PAIR.check(student_fn)


# ---------------------------------------------------------------- exercise 5.3: per-class recall

_RECALL = "per_class_recall"


def per_class_recall(cm: np.ndarray) -> np.ndarray:
    """Recall of each class (reference for exercise 5.3).

    Args:
        cm: ``(k, k)`` integer counts, ``cm[true, predicted]``; every class has samples.

    Returns:
        ``(k,)`` float: ``cm[c, c] / cm[c, :].sum()``, the fraction of class ``c``'s
        samples predicted as ``c``.
    """
    cm = np.asarray(cm)
    return np.diag(cm) / cm.sum(axis=1)


def _recall_inputs() -> np.ndarray:
    """A 4x4 matrix with different row and column sums, so recall != precision."""
    return np.array([[50, 2, 3, 0],
                     [10, 30, 0, 5],
                     [1, 0, 20, 9],
                     [0, 8, 2, 60]])


def _recall_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            "precision instead of recall",
            "You divided by the column sums: that is the precision (of everything predicted "
            "as c, the fraction that really is c). Recall divides by the row sums: of "
            "everything that really is c, the fraction predicted as c.",
            "Divide the diagonal by cm.sum(axis=1).",
            lambda cm: np.diag(cm) / cm.sum(axis=0)),
        KnownMistake(
            "overall accuracy instead of one value per class",
            "You returned the accuracy of all predictions together (trace / total); the "
            "exercise asks for one number per class.",
            "Divide the diagonal (a vector) by the row sums (a vector).",
            lambda cm: np.array(np.trace(cm) / cm.sum())),
        KnownMistake(
            "counts not divided",
            "You returned the diagonal counts themselves (correct predictions per class), "
            "not fractions.",
            "Divide by how many samples each class has: cm.sum(axis=1).",
            lambda cm: np.diag(cm).astype(float)),
        KnownMistake(
            "denominator without the correct predictions",
            "You divided the correct count by the number of mistakes in the row; the "
            "denominator is the whole row, correct predictions included.",
            "Divide by cm.sum(axis=1).",
            lambda cm: np.diag(cm) / (cm.sum(axis=1) - np.diag(cm))),
    ]


def _diagnose_recall(student_fn) -> Feedback:
    def procedure() -> str:
        cm = _recall_inputs()
        got = call_student(_RECALL, student_fn, cm)
        compare_arrays(_RECALL, got, per_class_recall(cm), inputs=(cm,),
                       mistakes=_recall_mistakes(), what="the recall array")
        return "One recall per class: diagonal over row sums."

    return diagnose(_RECALL, procedure)


RECALL = Exercise(
    name=_RECALL,
    reference=per_class_recall,
    diagnosis=_diagnose_recall,
    wrong_solutions={
        "precision instead of recall": lambda cm: cm.diagonal() / cm.sum(axis=0),
        "overall accuracy instead of one value per class":
            lambda cm: float(cm.diagonal().sum() / cm.sum()),
        "counts not divided": lambda cm: cm.diagonal().copy(),
        "denominator without the correct predictions":
            lambda cm: cm.diagonal() / (cm.sum(axis=1) - cm.diagonal()),
    },
)


def check_per_class_recall(student_fn):
    """Check exercise 5.3 (per-class recall); returns the function to use from here on."""
    return RECALL.check(student_fn)


EXERCISES = [MATCHING, PAIR, RECALL]
