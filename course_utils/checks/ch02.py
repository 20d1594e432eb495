"""Checks for the exercises of notebook 02, *Softmax and cross-entropy*.

Three exercises, each compared with the course's reference in
:mod:`course_utils.softmax`:

* ``softmax(logits)``: ``(n, k)`` logits -> ``(n, k)`` probabilities, numerically stable;
* ``cross_entropy(logits, labels)``: mean cross-entropy over the batch, from logits and
  integer labels, without ``log(0)``;
* ``cross_entropy_grad(logits, labels)``: its gradient with respect to the logits,
  ``(softmax(logits) - one_hot(labels)) / n``.

Each check first uses small, harmless logits (to catch wrong axes, wrong scaling,
a missing or extra softmax), then logits of size 1,000 (to catch overflow and
``log(0)``). The mistakes are recognised by recomputing what the mistaken code
returns; see :mod:`course_utils.checks.feedback`.
"""

from __future__ import annotations

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    KnownMistake,
    call_student,
    compare_arrays,
    diagnose,
)
from course_utils.softmax import cross_entropy as _reference_cross_entropy
from course_utils.softmax import cross_entropy_grad as _reference_cross_entropy_grad
from course_utils.softmax import log_softmax as _log_softmax
from course_utils.softmax import softmax as _reference_softmax

# ---------------------------------------------------------------- test inputs


def _small_logits() -> np.ndarray:
    """(6, 4) float32 logits between 0.2 and 3.8: no overflow, and all positive, so that
    "logits used as probabilities" gives a finite (and recognisable) number."""
    return np.random.default_rng(2).uniform(0.2, 3.8, size=(6, 4)).astype(np.float32)


def _small_labels() -> np.ndarray:
    return np.array([2, 0, 3, 1, 1, 0], dtype=np.int64)


def _large_logits() -> np.ndarray:
    """(3, 4) float32 logits around +1000, -1000 and 0.

    exp(+1000) overflows to inf (also in float64), exp(-1000) underflows to 0. A
    softmax without max subtraction returns NaN in the first two rows; one that
    subtracts the maximum of the whole array instead of each row's maximum
    returns NaN in the last two.
    """
    return np.array([[1000.0, 1001.0, 1002.0, 999.0],
                     [-1000.0, -1001.0, -999.0, -1002.0],
                     [0.0, 1.0, 2.0, -1.0]], dtype=np.float32)


def _confident_logits() -> tuple[np.ndarray, np.ndarray]:
    """(3, 4) float32 logits whose first row is confidently *wrong* (the label's logit
    is 1,000 below the largest), plus their labels. The correct loss is about 333.4.
    log(softmax(z)) gives log(0) = -inf there, so a loss of inf; without max
    subtraction both exp(1000) and exp(2000) overflow (also in float64), so NaN."""
    logits = np.array([[1000.0, 2000.0, 1000.0, 1000.0],
                       [3.0, 1.0, 0.5, 0.0],
                       [0.0, 0.0, 20.0, 0.0]], dtype=np.float32)
    return logits, np.array([0, 0, 2], dtype=np.int64)


# ---------------------------------------------------------------- what mistaken code computes


def _softmax_along(z: np.ndarray, axis: int | None) -> np.ndarray:
    """Stable softmax normalised along ``axis`` (None: over the whole array)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _naive_softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) per row, without subtracting the maximum (overflows)."""
    e = np.exp(np.asarray(z))
    return e / e.sum(axis=1, keepdims=True)


def _global_max_softmax(z: np.ndarray) -> np.ndarray:
    """Subtracts the maximum of the whole array instead of each row's maximum."""
    z = np.asarray(z)
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _quietly(mistaken_fn):
    """Run a deliberately mistaken solution without NumPy's overflow/log(0) warnings: the
    inf and NaN it produces are the point, not noise for the test log."""
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return mistaken_fn(*args)

    wrapped.__name__ = mistaken_fn.__name__
    return wrapped


def _one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[np.asarray(labels)]


def _picked(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """values[i, labels[i]] for every row i."""
    return values[np.arange(len(labels)), labels]


def _ce_from_probabilities(p: np.ndarray, labels: np.ndarray) -> float:
    """-mean(log p[i, y_i]): right only if p are probabilities computed without underflow."""
    return float(-np.mean(np.log(_picked(p, labels))))


def _split(mistakes: list[KnownMistake], names: set[str]):
    """(mistakes not in ``names``, mistakes in ``names``): the first group is looked for
    on small logits, the second (overflow and log(0)) on logits of size 1000, where two
    different bugs could otherwise both produce inf or NaN."""
    return ([m for m in mistakes if m.name not in names],
            [m for m in mistakes if m.name in names])


# ---------------------------------------------------------------- exercise 2.1: softmax

_SOFTMAX = "softmax"

_WRONG_AXIS = "softmax along the wrong axis"
_WHOLE_ARRAY_SUM = "divided by the sum of the whole array"
_NOT_NORMALISED = "exponentials not normalised"
_NO_MAX_SUBTRACTION = "no max subtraction (overflow)"
_GLOBAL_MAX = "subtracted the maximum of the whole array"
_LOG_OF_PROBS = "log of softmax probabilities instead of log-softmax"

#: Mistakes that only show on large logits (all three exercises use these names).
_OVERFLOW_MISTAKES = {_NO_MAX_SUBTRACTION, _GLOBAL_MAX, _LOG_OF_PROBS}


def _softmax_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name=_WRONG_AXIS,
            explanation="Your columns sum to 1, not your rows: the softmax was normalised over "
                        "the samples (axis 0) instead of over the classes (axis 1). Each row is "
                        "one sample and must become a probability distribution over its classes.",
            hint="Use axis=1 (or axis=-1) with keepdims=True in both np.max and np.sum.",
            compute=lambda z: _softmax_along(z, axis=0),
        ),
        KnownMistake(
            name=_WHOLE_ARRAY_SUM,
            explanation="All entries of your array together sum to 1: np.sum without an axis "
                        "adds up the exponentials of every sample, so each sample's "
                        "probabilities shrink by a factor of about the batch size.",
            hint="Sum each row separately: np.sum(e, axis=1, keepdims=True).",
            compute=lambda z: _softmax_along(z, axis=None),
        ),
        KnownMistake(
            name=_NOT_NORMALISED,
            explanation="You returned the exponentials (after any shift) without dividing by "
                        "their sum, so the rows do not sum to 1.",
            hint="Divide each row by its sum: e / np.sum(e, axis=1, keepdims=True).",
            compute=lambda z: np.exp(np.asarray(z, np.float64)
                                     - np.max(z, axis=1, keepdims=True)),
        ),
        KnownMistake(
            name=_NO_MAX_SUBTRACTION,
            explanation="On logits around +1000 and -1000 your softmax returns NaN: np.exp(1000) "
                        "overflows to inf and inf / inf is NaN; np.exp(-1000) underflows to 0 "
                        "and 0 / 0 is NaN. Small logits hide this bug.",
            hint="Subtract each row's maximum before np.exp: softmax(z - c) equals softmax(z) "
                 "for any constant c, and after the shift the largest exponent is exp(0) = 1.",
            compute=_naive_softmax,
        ),
        KnownMistake(
            name=_GLOBAL_MAX,
            explanation="On a batch with one row around +1000 and others around 0 and -1000, "
                        "your softmax returns NaN in the other rows: you subtracted the largest "
                        "logit of the whole batch, so their exponentials all underflow to 0 and "
                        "0 / 0 is NaN.",
            hint="Subtract each row's own maximum: np.max(z, axis=1, keepdims=True).",
            compute=_global_max_softmax,
        ),
    ]


def _diagnose_softmax(student_fn) -> Feedback:
    def procedure() -> str:
        shape_mistakes, overflow_mistakes = _split(_softmax_mistakes(), _OVERFLOW_MISTAKES)
        for logits, mistakes, what in [
            (_small_logits(), shape_mistakes, "the probabilities for small logits"),
            (_large_logits(), overflow_mistakes, "the probabilities for logits around ±1000"),
        ]:
            got = call_student(_SOFTMAX, student_fn, logits)
            compare_arrays(_SOFTMAX, got, np.asarray(_reference_softmax(logits)),
                           inputs=(logits,), mistakes=mistakes, what=what)
        return "Rows sum to 1, and logits of ±1000 give finite probabilities (no overflow)."

    return diagnose(_SOFTMAX, procedure)


def _wrong_softmax_axis(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _wrong_softmax_whole_sum(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _wrong_softmax_not_normalised(z):
    return np.exp(z - z.max(axis=1, keepdims=True))


@_quietly
def _wrong_softmax_no_max(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@_quietly
def _wrong_softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX = Exercise(
    name=_SOFTMAX,
    reference=_reference_softmax,
    diagnosis=_diagnose_softmax,
    wrong_solutions={
        _WRONG_AXIS: _wrong_softmax_axis,
        _WHOLE_ARRAY_SUM: _wrong_softmax_whole_sum,
        _NOT_NORMALISED: _wrong_softmax_not_normalised,
        _NO_MAX_SUBTRACTION: _wrong_softmax_no_max,
        _GLOBAL_MAX: _wrong_softmax_global_max,
    },
)


def check_softmax(student_fn):
    """Check exercise 2.1 (stable softmax); returns the function to use from here on."""
    return SOFTMAX.check(student_fn)


# ---------------------------------------------------------------- exercise 2.2: cross-entropy

_CROSS_ENTROPY = "cross_entropy"

_CE_MISSING_SOFTMAX = "missing softmax (logits used as probabilities)"
_CE_EXTRA_SOFTMAX = "softmax applied twice"
_CE_SUM = "sum instead of mean over the batch"
_CE_PER_SAMPLE = "per-sample losses returned, not their mean"
_CE_OVER_CLASSES = "averaged over the classes as well"
_CE_SIGN = "missing minus sign"
_CE_FANCY_INDEX = "p[:, labels] instead of p[np.arange(n), labels]"
_CE_WRONG_AXIS = "softmax along the wrong axis"
_CE_LOG_OF_PROBS = _LOG_OF_PROBS
_CE_NO_MAX = _NO_MAX_SUBTRACTION


def _cross_entropy_mistakes() -> list[KnownMistake]:
    def ref(z, y):
        return float(_reference_cross_entropy(z, y))

    return [
        KnownMistake(
            name=_CE_MISSING_SOFTMAX,
            explanation="Your loss equals -mean(log(logits[i, y_i])): the logits were used as "
                        "if they were probabilities. Logits are unnormalised scores (they can "
                        "be negative, or larger than 1); the softmax turns them into "
                        "probabilities.",
            hint="Take the log-softmax of the logits first, then pick each sample's entry.",
            compute=lambda z, y: -np.mean(np.log(_picked(np.asarray(z, np.float64), y))),
        ),
        KnownMistake(
            name=_CE_EXTRA_SOFTMAX,
            explanation="Your loss equals the cross-entropy of softmax(logits), as if the "
                        "inputs were logits again: a softmax was applied twice. Probabilities "
                        "are all between 0 and 1, so a second softmax squashes them towards "
                        "uniform and the loss hardly depends on the prediction any more. (The "
                        "same happens when probabilities are passed to a function that expects "
                        "logits.)",
            hint="Apply the softmax (or log-softmax) once, to the raw logits.",
            compute=lambda z, y: ref(np.asarray(_softmax_along(z, axis=1), np.float32), y),
        ),
        KnownMistake(
            name=_CE_SUM,
            explanation="Your loss is n times too large: it is the sum of the per-sample losses "
                        "instead of their mean. With a sum, the size of the gradient (and so "
                        "the right learning rate) changes with the batch size.",
            hint="Use np.mean over the per-sample losses (or divide the sum by n).",
            compute=lambda z, y: len(y) * ref(z, y),
        ),
        KnownMistake(
            name=_CE_PER_SAMPLE,
            explanation="You returned one loss per sample, shape (n,). The training loss is a "
                        "single number: the mean of these.",
            hint="Return np.mean(per_sample_losses).",
            compute=lambda z, y: -_picked(np.asarray(_log_softmax(z), np.float64), y),
        ),
        KnownMistake(
            name=_CE_OVER_CLASSES,
            explanation="Your loss is k times too small (k = number of classes): you took the "
                        "mean of one_hot * log(p) over all n * k entries. The sum over classes "
                        "picks each sample's one term; only the samples are averaged.",
            hint="Sum over the classes (axis=1), then take the mean over the samples.",
            compute=lambda z, y: ref(z, y) / np.shape(z)[1],
        ),
        KnownMistake(
            name=_CE_SIGN,
            explanation="Your loss is negative: it is mean(log p[i, y_i]) without the minus "
                        "sign. log p is at most 0, so the cross-entropy -log p is at least 0.",
            hint="Negate: loss = -mean(log p[i, y_i]).",
            compute=lambda z, y: -ref(z, y),
        ),
        KnownMistake(
            name=_CE_FANCY_INDEX,
            explanation="Your loss averages log p[i, y_j] over every pair (i, j): indexing with "
                        "p[:, labels] gives an (n, n) array, not one entry per sample.",
            hint="Pick one entry per row: p[np.arange(len(labels)), labels].",
            compute=lambda z, y: -np.mean(np.asarray(_log_softmax(z), np.float64)[:, y]),
        ),
        KnownMistake(
            name=_CE_WRONG_AXIS,
            explanation="Your loss matches a softmax normalised over the samples (axis 0) "
                        "instead of over the classes (axis 1).",
            hint="Normalise along axis=1: each row is one sample.",
            compute=lambda z, y: _ce_from_probabilities(_softmax_along(z, axis=0), y),
        ),
        KnownMistake(
            name=_CE_LOG_OF_PROBS,
            explanation="For a confidently wrong prediction (the correct class's logit 1000 "
                        "below the largest), your loss is inf: softmax gives exactly 0 for that "
                        "class (exp(-1000) underflows), and log(0) = -inf. The correct loss is "
                        "finite, about 333.",
            hint="Compute log p directly with log-softmax: z - max - log(sum(exp(z - max))). "
                 "It never takes the log of an underflowed 0.",
            compute=lambda z, y: _ce_from_probabilities(np.asarray(_reference_softmax(z)), y),
        ),
        KnownMistake(
            name=_CE_NO_MAX,
            explanation="On logits of 1000 and 2000 your loss is NaN: np.exp overflows to inf, "
                        "and inf / inf is NaN.",
            hint="Subtract each row's maximum before np.exp (the log-sum-exp trick).",
            compute=lambda z, y: _ce_from_probabilities(_naive_softmax(z), y),
        ),
    ]


def _diagnose_cross_entropy(student_fn) -> Feedback:
    def procedure() -> str:
        scale_mistakes, overflow_mistakes = _split(_cross_entropy_mistakes(), _OVERFLOW_MISTAKES)
        confident_logits, confident_labels = _confident_logits()
        for logits, labels, mistakes, what in [
            (_small_logits(), _small_labels(), scale_mistakes, "the loss for small logits"),
            (confident_logits, confident_labels, overflow_mistakes,
             "the loss for a confidently wrong prediction"),
        ]:
            got = call_student(_CROSS_ENTROPY, student_fn, logits, labels)
            expected = np.asarray(_reference_cross_entropy(logits, labels), dtype=np.float64)
            compare_arrays(_CROSS_ENTROPY, got, expected, inputs=(logits, labels),
                           mistakes=mistakes, what=what)
        return ("The mean loss is right, also for a confidently wrong prediction "
                "(finite, no log(0)).")

    return diagnose(_CROSS_ENTROPY, procedure)


def _stable_log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@_quietly
def _wrong_ce_missing_softmax(z, y):
    return -np.mean(np.log(z[np.arange(len(y)), y]))


def _wrong_ce_extra_softmax(z, y):
    p = np.exp(_stable_log_softmax(z))
    return -np.mean(_stable_log_softmax(p)[np.arange(len(y)), y])


def _wrong_ce_sum(z, y):
    return -np.sum(_stable_log_softmax(z)[np.arange(len(y)), y])


def _wrong_ce_per_sample(z, y):
    return -_stable_log_softmax(z)[np.arange(len(y)), y]


def _wrong_ce_over_classes(z, y):
    one_hot = np.eye(z.shape[1])[y]
    return -np.mean(one_hot * _stable_log_softmax(z))


def _wrong_ce_sign(z, y):
    return np.mean(_stable_log_softmax(z)[np.arange(len(y)), y])


def _wrong_ce_fancy_index(z, y):
    return -np.mean(_stable_log_softmax(z)[:, y])


def _wrong_ce_axis(z, y):
    shifted = z - z.max(axis=0, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=0, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


@_quietly
def _wrong_ce_log_of_probs(z, y):
    p = np.exp(_stable_log_softmax(z))
    return -np.mean(np.log(p[np.arange(len(y)), y]))


@_quietly
def _wrong_ce_no_max(z, y):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


CROSS_ENTROPY = Exercise(
    name=_CROSS_ENTROPY,
    reference=_reference_cross_entropy,
    diagnosis=_diagnose_cross_entropy,
    wrong_solutions={
        _CE_MISSING_SOFTMAX: _wrong_ce_missing_softmax,
        _CE_EXTRA_SOFTMAX: _wrong_ce_extra_softmax,
        _CE_SUM: _wrong_ce_sum,
        _CE_PER_SAMPLE: _wrong_ce_per_sample,
        _CE_OVER_CLASSES: _wrong_ce_over_classes,
        _CE_SIGN: _wrong_ce_sign,
        _CE_FANCY_INDEX: _wrong_ce_fancy_index,
        _CE_WRONG_AXIS: _wrong_ce_axis,
        _CE_LOG_OF_PROBS: _wrong_ce_log_of_probs,
        _CE_NO_MAX: _wrong_ce_no_max,
    },
)


def check_cross_entropy(student_fn):
    """Check exercise 2.2 (cross-entropy from logits and integer labels)."""
    return CROSS_ENTROPY.check(student_fn)


# ---------------------------------------------------------------- exercise 2.3: gradient

_GRAD = "cross_entropy_grad"

_G_NO_1_OVER_N = "gradient not divided by the batch size"
_G_EXTRA_1_OVER_N = "divided by the batch size twice"
_G_MISSING_SOFTMAX = "missing softmax (logits used as probabilities)"
_G_EXTRA_SOFTMAX = "softmax applied twice"
_G_EXTRA_DERIVATIVE = "extra activation derivative at the output"
_G_EXTRA_DERIVATIVE_NO_N = "extra activation derivative at the output, and no 1/n"
_G_SIGN = "wrong sign (y - p instead of p - y)"
_G_WRONG_AXIS = "softmax along the wrong axis"
_G_TRANSPOSED = "gradient transposed"
_G_NO_MAX = _NO_MAX_SUBTRACTION

_GRAD_FORMULA = "dL/dz = (softmax(z) - one_hot(y)) / n"


def _grad_mistakes() -> list[KnownMistake]:
    def p_minus_y(z, y, softmax=lambda z: _softmax_along(z, axis=1)):
        return softmax(z) - _one_hot(y, np.shape(z)[1])

    return [
        KnownMistake(
            name=_G_NO_1_OVER_N,
            explanation="Your gradient is n times too large (n = batch size): it is p - y, the "
                        "gradient of the *sum* of the per-sample losses. The loss is their mean, "
                        "so every sample's gradient is divided by n.",
            hint=f"Divide by the number of samples: {_GRAD_FORMULA}.",
            compute=lambda z, y: p_minus_y(z, y),
        ),
        KnownMistake(
            name=_G_EXTRA_1_OVER_N,
            explanation="Your gradient is n times too small: it was divided by the batch size "
                        "twice (for example once here and once more when averaging later).",
            hint=f"Divide by n exactly once: {_GRAD_FORMULA}.",
            compute=lambda z, y: p_minus_y(z, y) / len(y) ** 2,
        ),
        KnownMistake(
            name=_G_MISSING_SOFTMAX,
            explanation="Your gradient equals (logits - y) / n: the logits were used in place of "
                        "the probabilities p = softmax(logits).",
            hint="Compute p = softmax(logits) first.",
            compute=lambda z, y: (np.asarray(z, np.float64)
                                  - _one_hot(y, np.shape(z)[1])) / len(y),
        ),
        KnownMistake(
            name=_G_EXTRA_SOFTMAX,
            explanation="Your gradient equals (softmax(softmax(logits)) - y) / n: a softmax was "
                        "applied twice (or the function received probabilities where it "
                        "expects logits).",
            hint="Apply the softmax once, to the raw logits.",
            compute=lambda z, y: p_minus_y(_softmax_along(z, axis=1), y) / len(y),
        ),
        KnownMistake(
            name=_G_EXTRA_DERIVATIVE,
            explanation="Your gradient equals (p - y) * p * (1 - p) / n: it multiplies by a "
                        "further activation derivative at the output. That factor belongs to a "
                        "sigmoid output trained with squared error. For softmax with "
                        "cross-entropy the softmax Jacobian is already inside p - y; "
                        "multiplying again makes the gradient almost vanish exactly where the "
                        "model is confidently wrong (p near 0 or 1).",
            hint=f"Drop the extra factor: {_GRAD_FORMULA}.",
            compute=lambda z, y: _with_extra_derivative(z, y) / len(y),
        ),
        KnownMistake(
            name=_G_EXTRA_DERIVATIVE_NO_N,
            explanation="Your gradient equals (p - y) * p * (1 - p): an extra activation "
                        "derivative at the output (that factor belongs to a sigmoid output "
                        "with squared error, not to softmax with cross-entropy), and no "
                        "division by the batch size.",
            hint=f"Drop the factor p * (1 - p) and divide by n: {_GRAD_FORMULA}.",
            compute=_with_extra_derivative,
        ),
        KnownMistake(
            name=_G_SIGN,
            explanation="Your gradient has the wrong sign: (y - p) / n. A gradient-descent step "
                        "with it would *increase* the loss.",
            hint="The gradient is p - y: predicted minus target.",
            compute=lambda z, y: -p_minus_y(z, y) / len(y),
        ),
        KnownMistake(
            name=_G_WRONG_AXIS,
            explanation="Your gradient uses a softmax normalised over the samples (axis 0) "
                        "instead of over the classes (axis 1).",
            hint="Normalise along axis=1: each row is one sample.",
            compute=lambda z, y: p_minus_y(z, y, lambda z: _softmax_along(z, axis=0)) / len(y),
        ),
        KnownMistake(
            name=_G_TRANSPOSED,
            explanation="Your gradient has shape (k, n), the transpose of the logits' shape "
                        "(n, k). A gradient always has the shape of what it is the gradient of.",
            hint="Return an array shaped like the logits: one row per sample.",
            compute=lambda z, y: (p_minus_y(z, y) / len(y)).T,
        ),
        KnownMistake(
            name=_G_NO_MAX,
            explanation="On logits around ±1000 your gradient contains NaN: the softmax inside "
                        "it overflows (exp(1000) = inf, inf / inf = NaN).",
            hint="Use a stable softmax (subtract each row's maximum first).",
            compute=lambda z, y: p_minus_y(z, y, _naive_softmax) / len(y),
        ),
    ]


def _with_extra_derivative(z, y):
    p = _softmax_along(z, axis=1)
    return (p - _one_hot(y, np.shape(z)[1])) * p * (1 - p)


def _diagnose_grad(student_fn) -> Feedback:
    def procedure() -> str:
        scale_mistakes, overflow_mistakes = _split(_grad_mistakes(), _OVERFLOW_MISTAKES)
        for logits, labels, mistakes, what in [
            (_small_logits(), _small_labels(), scale_mistakes, "the gradient for small logits"),
            (_large_logits(), np.array([2, 0, 1], dtype=np.int64), overflow_mistakes,
             "the gradient for logits around ±1000"),
        ]:
            got = call_student(_GRAD, student_fn, logits, labels)
            expected = np.asarray(_reference_cross_entropy_grad(logits, labels))
            compare_arrays(_GRAD, got, expected, inputs=(logits, labels), mistakes=mistakes,
                           what=what)
        return "The gradient is (p - y) / n, also for logits around ±1000."

    return diagnose(_GRAD, procedure)


def _wrong_grad_pieces(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p, np.eye(z.shape[1])[y], len(y)


def _wrong_grad_no_n(z, y):
    p, y1, _ = _wrong_grad_pieces(z, y)
    return p - y1


def _wrong_grad_n_twice(z, y):
    p, y1, n = _wrong_grad_pieces(z, y)
    return (p - y1) / n / n


def _wrong_grad_missing_softmax(z, y):
    _, y1, n = _wrong_grad_pieces(z, y)
    return (z - y1) / n


def _wrong_grad_extra_softmax(z, y):
    p, y1, n = _wrong_grad_pieces(z, y)
    e = np.exp(p - p.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - y1) / n


def _wrong_grad_extra_derivative(z, y):
    p, y1, n = _wrong_grad_pieces(z, y)
    return (p - y1) * p * (1 - p) / n


def _wrong_grad_extra_derivative_no_n(z, y):
    p, y1, _ = _wrong_grad_pieces(z, y)
    return (p - y1) * p * (1 - p)


def _wrong_grad_sign(z, y):
    p, y1, n = _wrong_grad_pieces(z, y)
    return (y1 - p) / n


def _wrong_grad_axis(z, y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    return (p - np.eye(z.shape[1])[y]) / len(y)


def _wrong_grad_transposed(z, y):
    p, y1, n = _wrong_grad_pieces(z, y)
    return ((p - y1) / n).T


@_quietly
def _wrong_grad_no_max(z, y):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return (p - np.eye(z.shape[1])[y]) / len(y)


CROSS_ENTROPY_GRAD = Exercise(
    name=_GRAD,
    reference=_reference_cross_entropy_grad,
    diagnosis=_diagnose_grad,
    wrong_solutions={
        _G_NO_1_OVER_N: _wrong_grad_no_n,
        _G_EXTRA_1_OVER_N: _wrong_grad_n_twice,
        _G_MISSING_SOFTMAX: _wrong_grad_missing_softmax,
        _G_EXTRA_SOFTMAX: _wrong_grad_extra_softmax,
        _G_EXTRA_DERIVATIVE: _wrong_grad_extra_derivative,
        _G_EXTRA_DERIVATIVE_NO_N: _wrong_grad_extra_derivative_no_n,
        _G_SIGN: _wrong_grad_sign,
        _G_WRONG_AXIS: _wrong_grad_axis,
        _G_TRANSPOSED: _wrong_grad_transposed,
        _G_NO_MAX: _wrong_grad_no_max,
    },
)


def check_cross_entropy_grad(student_fn):
    """Check exercise 2.3 (gradient of the mean cross-entropy with respect to the logits)."""
    return CROSS_ENTROPY_GRAD.check(student_fn)


EXERCISES = [SOFTMAX, CROSS_ENTROPY, CROSS_ENTROPY_GRAD]
