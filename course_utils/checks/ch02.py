"""Checks for the exercises of notebook 02, *Softmax and cross-entropy*.

Four exercises, compared with the course's references in :mod:`course_utils.softmax` and
:mod:`course_utils.binary_cross_entropy`:

* 2.1 ``softmax(logits)``: ``(n, k)`` logits -> ``(n, k)`` probabilities, numerically stable;
* 2.2 ``cross_entropy(logits, labels)``: the mean cross-entropy of a batch, from logits and
  integer labels, without ``log(0)``;
* 2.3 ``cross_entropy_grad(logits, labels)``: its gradient with respect to the logits,
  ``(softmax(logits) - one_hot(labels)) / n``;
* 2.4 ``sigmoid_bce_grad(logits, targets)``: the gradient of the mean binary cross-entropy of
  a sigmoid output, ``(sigmoid(z) - y) / n``, which the student derives.

Each check runs the student's function on small, harmless logits (wrong axes, wrong scaling, a
missing or extra softmax), then on logits of size 1,000 (overflow and ``log(0)``), with batch
sizes and numbers of classes other than the notebook's (a 10 written into the code is named).
Each mistake is one :class:`~course_utils.checks.feedback.Mistake`: the mistaken code, run on
the check's inputs to recognise it and by the test suite as a wrong solution
(:mod:`course_utils.checks.ch01` explains the pattern).
"""

from __future__ import annotations

import numpy as np

from course_utils.binary_cross_entropy import binary_cross_entropy_grad as _reference_bce_grad
from course_utils.binary_cross_entropy import sigmoid as _sigmoid
from course_utils.checks.feedback import (
    IGNORES_ARGUMENT,
    MODIFIED_INPUT,
    Exercise,
    Feedback,
    Mistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    require_dependence,
    stop,
)
from course_utils.softmax import cross_entropy as _reference_cross_entropy
from course_utils.softmax import cross_entropy_grad as _reference_cross_entropy_grad
from course_utils.softmax import softmax as _reference_softmax

# ---------------------------------------------------------------- test inputs


def _small_logits() -> np.ndarray:
    """(6, 4) float32 logits between 0.2 and 3.8: no overflow, and all positive, so that
    "logits used as probabilities" gives a finite (and recognisable) number."""
    return np.random.default_rng(2).uniform(0.2, 3.8, size=(6, 4)).astype(np.float32)


def _small_labels() -> np.ndarray:
    return np.array([2, 0, 3, 1, 1, 0], dtype=np.int64)


def _ten_class_logits() -> tuple[np.ndarray, np.ndarray]:
    """(5, 10) float32 logits, the first row exactly 0 (a uniform prediction), and labels."""
    logits = np.random.default_rng(5).normal(scale=2.0, size=(5, 10)).astype(np.float32)
    logits[0] = 0.0
    return logits, np.array([4, 9, 0, 4, 7], dtype=np.int64)


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


def _wide_logits() -> np.ndarray:
    """(2, 2) float32 rows that span 2,000 and 1,800: shifted by anything but the row's
    maximum (its mean, its minimum), the larger exponent still overflows, even in float64,
    and the softmax gives NaN where the probability is 1."""
    return np.array([[-1000.0, 1000.0], [800.0, -1000.0]], dtype=np.float32)


def _confident_logits() -> tuple[np.ndarray, np.ndarray]:
    """(3, 4) float32 logits whose first row is confidently *wrong* (the label's logit
    is 1,000 below the largest), plus their labels. The correct loss is about 333.4.
    log(softmax(z)) gives log(0) = -inf there, so a loss of inf; without max
    subtraction both exp(1000) and exp(2000) overflow (also in float64), so NaN."""
    logits = np.array([[1000.0, 2000.0, 1000.0, 1000.0],
                       [3.0, 1.0, 0.5, 0.0],
                       [0.0, 0.0, 20.0, 0.0]], dtype=np.float32)
    return logits, np.array([0, 0, 2], dtype=np.int64)


# ---------------------------------------------------------------- pieces of mistaken code


def _quietly(mistaken_fn):
    """Run a deliberately mistaken solution without NumPy's overflow/log(0) warnings: the
    inf and NaN it produces are the point, not noise for the test log."""
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return mistaken_fn(*args)

    wrapped.__name__ = mistaken_fn.__name__
    return wrapped


def _exp_normalised(z, axis=1, shift=None):
    """exp(z - shift) / its sum along ``axis``; ``shift`` defaults to the maximum along it."""
    shift = np.max(z, axis=axis, keepdims=True) if shift is None else shift
    e = np.exp(z - shift)
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _picked(values, labels):
    """values[i, labels[i]] for every row i."""
    return values[np.arange(len(labels)), labels]


def _one_hot(labels, k):
    return np.eye(k)[labels]


#: Named when a function that ran with 10 classes crashes with another number of them.
_TEN_CLASSES = "works only for 10 classes"


def _stop_unless_any_number_of_classes(exercise, student_fn, logits, labels):
    """A function that ran with 10 classes and crashes with ``k`` has the 10 written into it
    (``np.eye(10)``, ``reshape(-1, 10)``): name that instead of showing the crash."""
    probe = diagnose(exercise, lambda: call_student(exercise, student_fn, logits, labels)
                     is None or "ran")
    if probe.status is Status.ERROR:
        k = logits.shape[1]
        stop(exercise, Status.MISTAKE,
             f"Your function works with 10 classes but crashes with {k}: "
             f"{probe.message.splitlines()[0]} The number 10 is written into the code "
             "(np.eye(10), a reshape to 10 columns, a range(10)); the check also tries batches "
             f"of {k} classes, as a dataset with other classes would.",
             hint="Take the number of classes from the logits: k = logits.shape[1].",
             mistake=_TEN_CLASSES)


def _split(mistakes, names):
    """(mistakes not in ``names``, mistakes in ``names``): the first group is looked for on
    small logits, the second (overflow and log(0)) on logits of size 1000, where two
    different bugs could otherwise both produce inf or NaN."""
    return ([m for m in mistakes if m.name not in names],
            [m for m in mistakes if m.name in names])


# ================================================================ 2.1 softmax

_SOFTMAX = "softmax"

_WRONG_AXIS = "softmax along the wrong axis"
_NO_MAX_SUBTRACTION = "no max subtraction (overflow)"
_GLOBAL_MAX = "subtracted the maximum of the whole array"
_LOG_OF_PROBS = "log of softmax probabilities instead of log-softmax"

#: Mistakes that only show on large logits (the three exercises use these names).
_OVERFLOW_MISTAKES = {_NO_MAX_SUBTRACTION, _GLOBAL_MAX, _LOG_OF_PROBS}


@_quietly
def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_in_place(z):
    z -= z.max(axis=1, keepdims=True)     # shifts the caller's logits
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX_MISTAKES = [
    Mistake(
        _WRONG_AXIS,
        "Your columns sum to 1, not your rows: the softmax was normalised over the samples "
        "(axis 0) instead of over the classes (axis 1). Each row is one sample and must become "
        "a probability distribution over its classes.",
        "Use axis=1 (or axis=-1) with keepdims=True in both np.max and np.sum.",
        wrong=lambda z: _exp_normalised(z, axis=0),
    ),
    Mistake(
        "divided by the sum of the whole array",
        "All entries of your array together sum to 1: np.sum without an axis adds up the "
        "exponentials of every sample, so each sample's probabilities shrink by a factor of "
        "about the batch size.",
        "Sum each row separately: np.sum(e, axis=1, keepdims=True).",
        wrong=lambda z: _exp_normalised(z, axis=None),
    ),
    Mistake(
        "exponentials not normalised",
        "You returned the exponentials (after any shift) without dividing by their sum, so the "
        "rows do not sum to 1.",
        "Divide each row by its sum: e / np.sum(e, axis=1, keepdims=True).",
        wrong=lambda z: np.exp(z - z.max(axis=1, keepdims=True)),
    ),
    Mistake(
        _NO_MAX_SUBTRACTION,
        "On logits around +1000 and -1000 your softmax returns NaN: np.exp(1000) overflows to "
        "inf and inf / inf is NaN; np.exp(-1000) underflows to 0 and 0 / 0 is NaN. Small logits "
        "hide this bug.",
        "Subtract each row's maximum before np.exp: softmax(z - c) equals softmax(z) for any "
        "constant c, and after the shift the largest exponent is exp(0) = 1.",
        wrong=_naive_softmax,
    ),
    Mistake(
        _GLOBAL_MAX,
        "On a batch with one row around +1000 and others around 0 and -1000, your softmax "
        "returns NaN in the other rows: you subtracted the largest logit of the whole batch, so "
        "their exponentials all underflow to 0 and 0 / 0 is NaN.",
        "Subtract each row's own maximum: np.max(z, axis=1, keepdims=True).",
        wrong=_quietly(lambda z: _exp_normalised(z, shift=np.max(z))),
    ),
]

_MEAN_SHIFT = Mistake(
    "subtracted the row's mean (or minimum) instead of its maximum",
    "On a row that holds both -1000 and +1000 your softmax returns NaN: after subtracting the "
    "row's mean (or minimum), its largest logit is still 1000 or more above the shift, and "
    "exp(1000) overflows. Any shift leaves the softmax unchanged mathematically, but only the "
    "maximum makes every exponent at most exp(0) = 1.",
    "Subtract np.max(z, axis=1, keepdims=True).",
    wrong=_quietly(lambda z: _exp_normalised(z, shift=np.mean(z, axis=1, keepdims=True))),
)


def _diagnose_softmax(student_fn) -> Feedback:
    def procedure() -> str:
        shape_mistakes, overflow_mistakes = _split(SOFTMAX_MISTAKES, _OVERFLOW_MISTAKES)
        zero_row_logits = _ten_class_logits()[0]
        for logits, mistakes, what in [
            (_small_logits(), shape_mistakes, "the probabilities for small logits"),
            (zero_row_logits, shape_mistakes, "the probabilities for 10 classes"),
            (_large_logits(), overflow_mistakes, "the probabilities for logits around ±1000"),
            (_wide_logits(), [_MEAN_SHIFT], "the probabilities for rows from -1000 to 1000"),
        ]:
            got = call_student(_SOFTMAX, student_fn, logits)
            compare_arrays(_SOFTMAX, got, np.asarray(_reference_softmax(logits)),
                           inputs=(logits,), mistakes=mistakes, what=what, probabilities=True)
        return "Rows sum to 1, and logits of ±1000 give finite probabilities (no overflow)."

    return diagnose(_SOFTMAX, procedure)


SOFTMAX = Exercise(
    name=_SOFTMAX,
    reference=_reference_softmax,
    diagnosis=_diagnose_softmax,
    mistakes=[*SOFTMAX_MISTAKES, _MEAN_SHIFT],
    wrong_solutions={MODIFIED_INPUT: _softmax_in_place},
)


def check_softmax(student_fn):
    """Check exercise 2.1 (stable softmax); returns the function to use from here on."""
    return SOFTMAX.check(student_fn)


# ================================================================ 2.2 cross-entropy

_CROSS_ENTROPY = "cross_entropy"


@_quietly
def _ce_logits_as_probabilities(z, y):
    return -np.mean(np.log(_picked(z, y)))


def _ce_softmax_twice(z, y):
    p = np.exp(_log_softmax(z))
    return -np.mean(_picked(_log_softmax(p), y))


@_quietly
def _ce_log_of_probabilities(z, y):
    p = np.exp(_log_softmax(z))
    return -np.mean(np.log(_picked(p, y)))


@_quietly
def _ce_naive(z, y):
    return -np.mean(np.log(_picked(_naive_softmax(z), y)))


def _ce_shifts_in_place(z, y):
    z -= z.max(axis=1, keepdims=True)    # shifts the caller's logits
    return -np.mean(_picked(z - np.log(np.exp(z).sum(axis=1, keepdims=True)), y))


CROSS_ENTROPY_MISTAKES = [
    Mistake(
        "missing softmax (logits used as probabilities)",
        "Your loss equals -mean(log(logits[i, y_i])): the logits were used as if they were "
        "probabilities. Logits are unnormalised scores (they can be negative, or larger than "
        "1); the softmax turns them into probabilities.",
        "Take the log-softmax of the logits first, then pick each sample's entry.",
        wrong=_ce_logits_as_probabilities,
    ),
    Mistake(
        "softmax applied twice",
        "Your loss equals the cross-entropy of softmax(logits), as if the inputs were logits "
        "again: a softmax was applied twice. Probabilities are all between 0 and 1, so a second "
        "softmax squashes them towards uniform and the loss hardly depends on the prediction "
        "any more. (The same happens when probabilities are passed to a function that expects "
        "logits.)",
        "Apply the softmax (or log-softmax) once, to the raw logits.",
        wrong=_ce_softmax_twice,
    ),
    Mistake(
        "sum instead of mean over the batch",
        "Your loss is n times too large: it is the sum of the per-sample losses instead of "
        "their mean. With a sum, the size of the gradient (and so the right learning rate) "
        "changes with the batch size.",
        "Use np.mean over the per-sample losses (or divide the sum by n).",
        wrong=lambda z, y: -np.sum(_picked(_log_softmax(z), y)),
    ),
    Mistake(
        "per-sample losses returned, not their mean",
        "You returned one loss per sample, shape (n,). The training loss is a single number: "
        "the mean of these.",
        "Return np.mean(per_sample_losses).",
        wrong=lambda z, y: -_picked(_log_softmax(z), y),
    ),
    Mistake(
        "averaged over the classes as well",
        "Your loss is k times too small (k = number of classes): you took the mean of "
        "one_hot * log(p) over all n * k entries. The sum over classes picks each sample's one "
        "term; only the samples are averaged.",
        "Sum over the classes (axis=1), then take the mean over the samples.",
        wrong=lambda z, y: -np.mean(_one_hot(y, z.shape[1]) * _log_softmax(z)),
    ),
    Mistake(
        "missing minus sign",
        "Your loss is negative: it is mean(log p[i, y_i]) without the minus sign. log p is at "
        "most 0, so the cross-entropy -log p is at least 0.",
        "Negate: loss = -mean(log p[i, y_i]).",
        wrong=lambda z, y: np.mean(_picked(_log_softmax(z), y)),
    ),
    Mistake(
        "p[:, labels] instead of p[np.arange(n), labels]",
        "Your loss averages log p[i, y_j] over every pair (i, j): indexing with p[:, labels] "
        "gives an (n, n) array, not one entry per sample.",
        "Pick one entry per row: p[np.arange(len(labels)), labels].",
        wrong=lambda z, y: -np.mean(_log_softmax(z)[:, y]),
    ),
    Mistake(
        _WRONG_AXIS,
        "Your loss matches a softmax normalised over the samples (axis 0) instead of over the "
        "classes (axis 1).",
        "Normalise along axis=1: each row is one sample.",
        wrong=lambda z, y: -np.mean(np.log(_picked(_exp_normalised(z, axis=0), y))),
    ),
    Mistake(
        _LOG_OF_PROBS,
        "For a confidently wrong prediction (the correct class's logit 1000 below the largest), "
        "your loss is inf: softmax gives exactly 0 for that class (exp(-1000) underflows), and "
        "log(0) = -inf. The correct loss is finite, about 333.",
        "Compute log p directly with log-softmax: z - max - log(sum(exp(z - max))). It never "
        "takes the log of an underflowed 0.",
        wrong=_ce_log_of_probabilities,
    ),
    Mistake(
        _NO_MAX_SUBTRACTION,
        "On logits of 1000 and 2000 your loss is NaN: np.exp overflows to inf, and inf / inf "
        "is NaN.",
        "Subtract each row's maximum before np.exp (the log-sum-exp trick).",
        wrong=_ce_naive,
    ),
]


def _diagnose_cross_entropy(student_fn) -> Feedback:
    def procedure() -> str:
        scale_mistakes, overflow_mistakes = _split(CROSS_ENTROPY_MISTAKES, _OVERFLOW_MISTAKES)
        ten_logits, ten_labels = _ten_class_logits()
        confident_logits, confident_labels = _confident_logits()
        stages = [(ten_logits, ten_labels, scale_mistakes, "the loss for 10 classes"),
                  (_small_logits(), _small_labels(), scale_mistakes, "the loss for small logits"),
                  (confident_logits, confident_labels, overflow_mistakes,
                   "the loss for a confidently wrong prediction")]
        for i, (logits, labels, mistakes, what) in enumerate(stages):
            if i:
                _stop_unless_any_number_of_classes(_CROSS_ENTROPY, student_fn, logits, labels)
            got = call_student(_CROSS_ENTROPY, student_fn, logits, labels)
            expected = np.asarray(_reference_cross_entropy(logits, labels), dtype=np.float64)
            compare_arrays(_CROSS_ENTROPY, got, expected, inputs=(logits, labels),
                           mistakes=mistakes, what=what)
        return ("The mean loss is right for any number of classes, also for a confidently "
                "wrong prediction (finite, no log(0)).")

    return diagnose(_CROSS_ENTROPY, procedure)


def _ce_ten_one_hot_columns(z, y):
    return -np.mean(np.sum(np.eye(10)[y] * _log_softmax(z), axis=1))


CROSS_ENTROPY = Exercise(
    name=_CROSS_ENTROPY,
    reference=_reference_cross_entropy,
    diagnosis=_diagnose_cross_entropy,
    mistakes=CROSS_ENTROPY_MISTAKES,
    wrong_solutions={_TEN_CLASSES: _ce_ten_one_hot_columns, MODIFIED_INPUT: _ce_shifts_in_place},
)


def check_cross_entropy(student_fn):
    """Check exercise 2.2 (cross-entropy from logits and integer labels)."""
    return CROSS_ENTROPY.check(student_fn)


# ================================================================ 2.3 the gradient

_GRAD = "cross_entropy_grad"
_GRAD_FORMULA = "dL/dz = (softmax(z) - one_hot(y)) / n"


def _p_minus_y(z, y, softmax=_exp_normalised):
    return softmax(z) - _one_hot(y, z.shape[1])


def _with_extra_derivative(z, y):
    p = _exp_normalised(z)
    return (p - _one_hot(y, z.shape[1])) * p * (1 - p)


def _grad_ten_classes(z, y):
    return (_exp_normalised(z) - np.eye(10)[y]) / len(y)


def _grad_in_place(z, y):
    z -= z.max(axis=1, keepdims=True)     # shifts the caller's logits
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


GRAD_MISTAKES = [
    Mistake(
        "gradient not divided by the batch size",
        "Your gradient is n times too large (n = batch size): it is p - y, the gradient of the "
        "*sum* of the per-sample losses. The loss is their mean, so every sample's gradient is "
        "divided by n.",
        f"Divide by the number of samples: {_GRAD_FORMULA}.",
        wrong=_p_minus_y,
    ),
    Mistake(
        "divided by the batch size twice",
        "Your gradient is n times too small: it was divided by the batch size twice (for "
        "example once here and once more when averaging later).",
        f"Divide by n exactly once: {_GRAD_FORMULA}.",
        wrong=lambda z, y: _p_minus_y(z, y) / len(y) ** 2,
    ),
    Mistake(
        "missing softmax (logits used as probabilities)",
        "Your gradient equals (logits - y) / n: the logits were used in place of the "
        "probabilities p = softmax(logits).",
        "Compute p = softmax(logits) first.",
        wrong=lambda z, y: (z - _one_hot(y, z.shape[1])) / len(y),
    ),
    Mistake(
        "softmax applied twice",
        "Your gradient equals (softmax(softmax(logits)) - y) / n: a softmax was applied twice "
        "(or the function received probabilities where it expects logits).",
        "Apply the softmax once, to the raw logits.",
        wrong=lambda z, y: _p_minus_y(_exp_normalised(z), y) / len(y),
    ),
    Mistake(
        "extra activation derivative at the output",
        "Your gradient equals (p - y) * p * (1 - p) / n: it multiplies by a further activation "
        "derivative at the output. That factor belongs to a sigmoid output trained with squared "
        "error. For softmax with cross-entropy the softmax Jacobian is already inside p - y; "
        "multiplying again makes the gradient almost vanish exactly where the model is "
        "confidently wrong (p near 0 or 1).",
        f"Drop the extra factor: {_GRAD_FORMULA}.",
        wrong=lambda z, y: _with_extra_derivative(z, y) / len(y),
    ),
    Mistake(
        "extra activation derivative at the output, and no 1/n",
        "Your gradient equals (p - y) * p * (1 - p): an extra activation derivative at the "
        "output (that factor belongs to a sigmoid output with squared error, not to softmax "
        "with cross-entropy), and no division by the batch size.",
        f"Drop the factor p * (1 - p) and divide by n: {_GRAD_FORMULA}.",
        wrong=_with_extra_derivative,
    ),
    Mistake(
        "wrong sign (y - p instead of p - y)",
        "Your gradient has the wrong sign: (y - p) / n. A gradient-descent step with it would "
        "*increase* the loss.",
        "The gradient is p - y: predicted minus target.",
        wrong=lambda z, y: -_p_minus_y(z, y) / len(y),
    ),
    Mistake(
        _WRONG_AXIS,
        "Your gradient uses a softmax normalised over the samples (axis 0) instead of over the "
        "classes (axis 1).",
        "Normalise along axis=1: each row is one sample.",
        wrong=lambda z, y: _p_minus_y(z, y, lambda v: _exp_normalised(v, axis=0)) / len(y),
    ),
    Mistake(
        "gradient transposed",
        "Your gradient has shape (k, n), the transpose of the logits' shape (n, k). A gradient "
        "always has the shape of what it is the gradient of.",
        "Return an array shaped like the logits: one row per sample.",
        wrong=lambda z, y: (_p_minus_y(z, y) / len(y)).T,
    ),
    Mistake(
        _NO_MAX_SUBTRACTION,
        "On logits around ±1000 your gradient contains NaN: the softmax inside it overflows "
        "(exp(1000) = inf, inf / inf = NaN).",
        "Use a stable softmax (subtract each row's maximum first).",
        wrong=_quietly(lambda z, y: _p_minus_y(z, y, _naive_softmax) / len(y)),
    ),
]


def _diagnose_grad(student_fn) -> Feedback:
    def procedure() -> str:
        scale_mistakes, overflow_mistakes = _split(GRAD_MISTAKES, _OVERFLOW_MISTAKES)
        ten_logits, ten_labels = _ten_class_logits()
        stages = [(ten_logits, ten_labels, scale_mistakes, "the gradient for 10 classes"),
                  (_small_logits(), _small_labels(), scale_mistakes,
                   "the gradient for small logits"),
                  (_large_logits(), np.array([2, 0, 1], dtype=np.int64), overflow_mistakes,
                   "the gradient for logits around ±1000")]
        for i, (logits, labels, mistakes, what) in enumerate(stages):
            if i:
                _stop_unless_any_number_of_classes(_GRAD, student_fn, logits, labels)
            got = call_student(_GRAD, student_fn, logits, labels)
            expected = np.asarray(_reference_cross_entropy_grad(logits, labels))
            compare_arrays(_GRAD, got, expected, inputs=(logits, labels), mistakes=mistakes,
                           what=what)
        return "The gradient is (p - y) / n for any batch and number of classes, also for " \
               "logits around ±1000."

    return diagnose(_GRAD, procedure)


CROSS_ENTROPY_GRAD = Exercise(
    name=_GRAD,
    reference=_reference_cross_entropy_grad,
    diagnosis=_diagnose_grad,
    mistakes=GRAD_MISTAKES,
    wrong_solutions={_TEN_CLASSES: _grad_ten_classes, MODIFIED_INPUT: _grad_in_place},
)


def check_cross_entropy_grad(student_fn):
    """Check exercise 2.3 (gradient of the mean cross-entropy with respect to the logits)."""
    return CROSS_ENTROPY_GRAD.check(student_fn)


# ================================================================ 2.4 sigmoid + binary CE

_BCE_GRAD = "sigmoid_bce_grad"
_BCE_FORMULA = "dL/dz = (sigmoid(z) - y) / n"


def _dloss_dp(z, y):
    """dL/dp = -y/p + (1 - y)/(1 - p), the chain rule stopped one factor early."""
    p = _sigmoid(z)
    return -y / p + (1 - y) / (1 - p)


@_quietly
def _bce_unsimplified(z, y):
    p = _sigmoid(z)
    return _dloss_dp(z, y) * p * (1 - p) / len(y)


def _bce_sigmoid_in_place(z, y):
    z *= -1                       # the caller's logits, negated ...
    np.exp(z, out=z)              # ... and exponentiated, in place
    return (1 / (1 + z) - y) / len(y)


BCE_GRAD_MISTAKES = [
    Mistake(
        "gradient not divided by the batch size",
        "Your gradient is n times too large (n = batch size): it is sigmoid(z) - y, the "
        "gradient of one sample's loss, but the loss is the mean over the batch, so each "
        "sample's gradient is divided by n.",
        f"Divide by the number of samples: {_BCE_FORMULA}.",
        wrong=lambda z, y: _sigmoid(z) - y,
    ),
    Mistake(
        "divided by the batch size twice",
        "Your gradient is n times too small: it was divided by the batch size twice.",
        f"Divide by n exactly once: {_BCE_FORMULA}.",
        wrong=lambda z, y: (_sigmoid(z) - y) / len(y) ** 2,
    ),
    Mistake(
        "extra sigmoid derivative (the squared-error gradient)",
        "Your gradient equals (sigmoid(z) - y) * sigmoid'(z) / n: the gradient of the squared "
        "error (sigmoid(z) - y)^2 / 2, not of the cross-entropy. In dL/dz = dL/dp * dp/dz, "
        "the factor dp/dz = p(1 - p) cancels against the denominators of dL/dp = "
        "-y/p + (1 - y)/(1 - p); multiplying by it once more makes the gradient vanish when "
        "the model is confidently wrong.",
        f"Work out dL/dp * p(1 - p) on paper and simplify: {_BCE_FORMULA}.",
        wrong=lambda z, y: (_sigmoid(z) - y) * _sigmoid(z) * (1 - _sigmoid(z)) / len(y),
    ),
    Mistake(
        "wrong sign (y - sigmoid(z) instead of sigmoid(z) - y)",
        "Your gradient has the wrong sign: (y - p) / n, the gradient of the log-likelihood "
        "rather than of the loss (a minus sign lost in L = -[y log p + (1 - y) log(1 - p)]). "
        "A gradient-descent step with it would increase the loss.",
        "The gradient is p - y: predicted minus target.",
        wrong=lambda z, y: (y - _sigmoid(z)) / len(y),
    ),
    Mistake(
        "logits used in place of sigmoid(z)",
        "Your gradient equals (z - y) / n: the logit z was used where the probability "
        "p = sigmoid(z) belongs.",
        "Compute p = sigmoid(logits) first.",
        wrong=lambda z, y: (z - y) / len(y),
    ),
    Mistake(
        "chain rule stopped at dL/dp",
        "Your gradient equals dL/dp = -y/p + (1 - y)/(1 - p), divided by n: the derivative "
        "with respect to the probability, not the logit. The chain rule needs one more factor, "
        "dp/dz.",
        "Multiply by dp/dz = p(1 - p), then simplify.",
        wrong=_quietly(lambda z, y: _dloss_dp(z, y) / len(y)),
    ),
    Mistake(
        "chain rule not simplified (0 × ∞ when the sigmoid saturates)",
        "Your formula is right on paper, dL/dp * p(1 - p) / n, but not simplified: for a logit "
        "of ±1000 the sigmoid rounds to exactly 0 or 1, dL/dp becomes infinite, p(1 - p) becomes "
        "0, and 0 × ∞ is NaN. Simplified, the two factors cancel and nothing is divided.",
        "Multiply it out by hand: the p(1 - p) cancels, leaving sigmoid(z) - y.",
        wrong=_bce_unsimplified,
    ),
    Mistake(
        "a column minus a row: an (n, n) array",
        "Your gradient has shape (n, n): a column of shape (n, 1) minus the targets of shape "
        "(n,) broadcasts to every pair (i, j). One of the two arrays had an extra axis (for "
        "example logits[:, None], or a reshape(-1, 1)).",
        "Keep both one-dimensional, shape (n,): check .shape of each before subtracting.",
        wrong=lambda z, y: (_sigmoid(z)[:, None] - y) / len(y),
    ),
    Mistake(
        "softmax over the batch in place of the sigmoid",
        "Your gradient uses exp(z) / sum(exp(z)) over the whole batch: a softmax across the "
        "samples. With one logit per sample, the probability of class 1 is the sigmoid of that "
        "sample's own logit.",
        "Use p = sigmoid(z) = 1 / (1 + exp(-z)), sample by sample.",
        wrong=_quietly(lambda z, y: (np.exp(z - z.max()) / np.exp(z - z.max()).sum() - y)
                       / len(y)),
    ),
]


def _bce_inputs():
    """7 float64 logits (one exactly 0) with mixed targets, and 6 saturating logits (±1000
    confidently wrong, ±30 confidently right)."""
    z = np.random.default_rng(6).normal(scale=2.0, size=7)
    z[3] = 0.0
    ordinary = (z, np.array([1, 0, 0, 1, 1, 0, 1], dtype=np.float64))
    saturated = (np.array([1000.0, -1000.0, 30.0, -30.0, 0.0, 5.0]),
                 np.array([0, 1, 1, 0, 1, 0], dtype=np.float64))
    return ordinary, saturated


def _diagnose_bce_grad(student_fn) -> Feedback:
    def procedure() -> str:
        ordinary, saturated = _bce_inputs()
        require_dependence(_BCE_GRAD, student_fn, _reference_bce_grad, ordinary, 1,
                           1 - ordinary[1], "targets")
        for (z, y), what in [(ordinary, "the gradient for ordinary logits"),
                             (saturated, "the gradient for logits of ±1000 and ±30")]:
            with np.errstate(over="ignore"):   # exp(1000) in a sigmoid that still gives 0
                got = call_student(_BCE_GRAD, student_fn, z, y)
            compare_arrays(_BCE_GRAD, got, _reference_bce_grad(z, y), inputs=(z, y),
                           mistakes=BCE_GRAD_MISTAKES, what=what, factors={"the batch size":
                                                                          len(z)})
        return "The gradient is (sigmoid(z) - y) / n, finite also when the sigmoid saturates."

    return diagnose(_BCE_GRAD, procedure)


BCE_GRAD = Exercise(
    name=_BCE_GRAD,
    reference=_reference_bce_grad,
    diagnosis=_diagnose_bce_grad,
    mistakes=BCE_GRAD_MISTAKES,
    wrong_solutions={IGNORES_ARGUMENT: lambda z, y: _sigmoid(z) / len(z),
                     MODIFIED_INPUT: _bce_sigmoid_in_place},
)


def check_sigmoid_bce_grad(student_fn):
    """Check exercise 2.4 (the gradient of sigmoid + binary cross-entropy, derived by hand)."""
    return BCE_GRAD.check(student_fn)


EXERCISES = [SOFTMAX, CROSS_ENTROPY, CROSS_ENTROPY_GRAD, BCE_GRAD]
