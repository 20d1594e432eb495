"""The machinery behind every exercise check: specific feedback, never just "wrong".

An exercise in a notebook is a function the student writes. The cell after it
calls a check, for example ``one_hot = check_one_hot(one_hot)``, which

1. calls the student's function on inputs chosen to expose typical mistakes,
2. prints one of four verdicts -- *correct*, a *named mistake* with a hint,
   *not implemented yet*, or the *error* the function raised (one line, not a
   traceback wall),
3. returns the function the rest of the notebook should use: the student's own
   when it passed, otherwise the course's reference implementation, so that the
   notebook still runs from top to bottom while the exercise is unfinished.

How a mistake gets its name: each exercise lists :class:`KnownMistake` objects,
each of which *computes what the mistaken code would return* on the same inputs
(for example "softmax over axis 0 instead of axis 1"). When the student's output
matches one of those, the check names that mistake. This recognises the bug
from its effect, whatever the code looks like.

Instructors who grade automatically can set the environment variable
``COURSE_STRICT_CHECKS=1``: a check that does not pass then also raises
:class:`ExerciseNotPassed` (an ``AssertionError``), which nbgrader and similar
tools count as a failed test cell.
"""

from __future__ import annotations

import copy
import inspect
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

STRICT_ENV_VAR = "COURSE_STRICT_CHECKS"


class Status(str, Enum):
    CORRECT = "correct"
    MISTAKE = "mistake"
    NOT_IMPLEMENTED = "not implemented"
    ERROR = "error"


_SYMBOL = {
    Status.CORRECT: "✔",
    Status.MISTAKE: "✘",
    Status.NOT_IMPLEMENTED: "…",
    Status.ERROR: "✘",
}


@dataclass(frozen=True)
class Feedback:
    """The verdict of one check on one student function.

    Attributes:
        exercise: the exercise's name, as shown to the student.
        status: one of :class:`Status`.
        message: what was found, specifically (which mistake, which input, which values).
        hint: what to try next; empty for a correct answer.
        mistake: for ``Status.MISTAKE``, the name of the recognised mistake (or ``None``
            when the values are simply wrong in a way the check does not recognise).
    """

    exercise: str
    status: Status
    message: str
    hint: str = ""
    mistake: str | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.CORRECT

    def render(self) -> str:
        head = f"{_SYMBOL[self.status]} {self.exercise}: {self.status.value}"
        if self.mistake:
            head += f" — {self.mistake}"
        lines = [head, *("  " + line for line in self.message.splitlines())]
        if self.hint:
            lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)


class ExerciseNotPassed(AssertionError):
    """Raised by a check in strict (grading) mode when the exercise does not pass."""


class _Verdict(Exception):
    """Internal: carries a Feedback out of a diagnosis as soon as it is known."""

    def __init__(self, feedback: Feedback):
        super().__init__(feedback.message)
        self.feedback = feedback


def stop(exercise: str, status: Status, message: str, hint: str = "", mistake: str | None = None):
    """End the diagnosis now with this verdict (raises an internal exception)."""
    raise _Verdict(Feedback(exercise, status, message, hint, mistake))


def call_student(exercise: str, fn: Callable[..., Any], *args: Any,
                 may_modify: Sequence[int | str] = (), **kwargs: Any) -> Any:
    """Call the student's function; turn a stub, a crash or a changed input into a verdict.

    A ``NotImplementedError`` means the exercise is still a stub. Any other
    exception is reported in one line: its type, its message, and the shapes of
    the array arguments, which is usually what the student needs to see.

    Array arguments are passed as copies, so a function that changes its input
    cannot corrupt the check's own data; and the check compares each argument
    (arrays, and the arrays inside a dict, list or tuple) before and after the
    call. A function that changed one of them *in place* -- ``z -= z.max()``
    instead of ``z = z - z.max()`` -- changes its caller's array too, so this is a
    named mistake (:data:`MODIFIED_INPUT`), unless the exercise asks for it: list
    those arguments, by position or name, in ``may_modify`` (an optimiser step
    that updates ``params`` in place, say).
    """
    if not callable(fn):
        stop(exercise, Status.ERROR, f"Expected a function, got {type(fn).__name__}.",
             hint="Pass the function itself, without calling it: check(my_function).")
    passed_args = _copies(args)
    passed_kwargs = {key: _copy(value) for key, value in kwargs.items()}
    before = [_snapshot(a) for a in passed_args], {k: _snapshot(v) for k, v in passed_kwargs.items()}
    try:
        result = fn(*passed_args, **passed_kwargs)
    except NotImplementedError:
        stop(exercise, Status.NOT_IMPLEMENTED,
             "Replace the line `raise NotImplementedError` with your code, run that cell, "
             "then run this one again.")
    except Exception as err:  # noqa: BLE001 - any student error becomes feedback
        shapes = ", ".join(
            f"{a.dtype}{list(a.shape)}" if isinstance(a, np.ndarray) else type(a).__name__
            for a in (*args, *kwargs.values())
        )
        stop(exercise, Status.ERROR,
             f"Your function raised {type(err).__name__}: {err}\n"
             f"It was called with arguments: {shapes}.",
             hint="Read the error message above; most errors here are shape mismatches. "
                  "Print the .shape of each array inside your function.")
    names = _parameter_names(fn, len(passed_args))
    changed = [(i, names[i]) for i, value in enumerate(passed_args)
               if i not in may_modify and names[i] not in may_modify
               and not _same_snapshot(before[0][i], _snapshot(value))]
    changed += [(key, key) for key, value in passed_kwargs.items()
                if key not in may_modify and not _same_snapshot(before[1][key], _snapshot(value))]
    if changed:
        where, name = changed[0]
        label = f"`{name}`" if name else f"number {where + 1}"
        stop(exercise, Status.MISTAKE,
             f"Your function changed its argument {label} in place: after the call, the "
             "caller's array holds other values than before. Code that calls your function "
             "with its own data (the training loop, the next cell) would find that data "
             "changed behind its back.",
             hint="Compute into a new array (`x = x - x.max()`), or work on a copy "
                  "(`x = x.copy()` first), instead of `x -= ...`, `x[...] = ...` or "
                  "`np.exp(x, out=x)` on an argument.",
             mistake=MODIFIED_INPUT)
    return result


def _copy(value):
    """A copy of an array argument, so a student function that modifies its input in place
    cannot corrupt the check's own data."""
    return value.copy() if isinstance(value, np.ndarray) else value


def _copies(values):
    return [_copy(v) for v in values]


#: The name of the mistake :func:`call_student` reports for an argument changed in place.
MODIFIED_INPUT = "modified its input in place"


def _parameter_names(fn: Callable, count: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return (params + [""] * count)[:count]


def _snapshot(value):
    """A deep copy of the arrays in ``value`` (nested in dicts, lists, tuples), for comparison."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _snapshot(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(item) for item in value) if isinstance(value, list) \
            else tuple(_snapshot(item) for item in value)
    return _UNCOMPARED


_UNCOMPARED = object()


def _same_snapshot(a, b) -> bool:
    if a is _UNCOMPARED or b is _UNCOMPARED:
        return a is b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _same_snapshot(a[k], b[k]) for k in a)
    return (type(a) is type(b) and len(a) == len(b)
            and all(_same_snapshot(x, y) for x, y in zip(a, b)))


@dataclass(frozen=True)
class Mistake:
    """A typical mistake, declared once: its name, what it does, how to fix it, and the
    mistaken code itself.

    ``wrong`` is a small wrong implementation with the exercise's own signature. The
    check calls it on the same inputs as the student's function and names the
    mistake when the two agree (it recognises the bug by its effect, whatever the
    student's code looks like); the test suite passes ``wrong`` to the check as if a
    student had written it and expects this very name back. One declaration, two
    uses, so a mistake cannot be recognised without being tested, or the reverse.

    Attributes:
        name: short name shown to the student ("softmax along the wrong axis").
        explanation: what the mistaken code does and why it is wrong.
        hint: how to fix it.
        wrong: the mistaken implementation (same arguments as the exercise's function).
    """

    name: str
    explanation: str
    hint: str
    wrong: Callable = field(repr=False)

    @property
    def compute(self) -> Callable:
        return self.wrong


@dataclass(frozen=True)
class KnownMistake:
    """A mistake recognised by ``compute``, whose wrong implementation is listed separately in
    :attr:`Exercise.wrong_solutions`. New checks declare a :class:`Mistake` instead."""

    name: str
    explanation: str
    hint: str
    compute: Callable[..., Any] = field(repr=False)


_NO_RESULT = object()


def _mistaken_result(candidate, inputs):
    """What the mistaken code returns on ``inputs``; a mistake that cannot even run on them
    (a hard-coded 10 classes given 4) simply does not match, rather than breaking the check."""
    try:
        with np.errstate(all="ignore"):
            return candidate.compute(*inputs)
    except Exception:  # noqa: BLE001 - any failure of the mistaken code means "not this one"
        return _NO_RESULT


# Names of the structural mistakes compare_arrays recognises in any exercise.
TRANSPOSED = "axes swapped (transposed result)"
SIGN_FLIPPED = "sign flipped"
OFF_BY_FACTOR = "off by a constant factor"
SQUARED = "squared where it should not be"
SQUARE_ROOT = "square root where a square belongs"
NOT_NORMALISED = "rows do not sum to 1"
WRONG_AXIS_NORMALISED = "normalised along the wrong axis"
TRUNCATED_DTYPE = "integer dtype truncates the values"
OUTPUTS_SWAPPED = "outputs swapped"
IGNORES_ARGUMENT = "result does not depend on an argument"


def compare_arrays(
    exercise: str,
    got: Any,
    expected: np.ndarray,
    *,
    inputs: Sequence[Any] = (),
    mistakes: Sequence[Mistake | KnownMistake] = (),
    what: str = "the returned array",
    rtol: float = 1e-5,
    atol: float = 1e-7,
    factors: dict[str, float] | None = None,
    probabilities: bool = False,
) -> None:
    """Stop with a specific verdict unless ``got`` equals ``expected`` (to tolerance).

    The order of the questions matters: type, then a recognised mistake of this
    exercise, then shape (a transposed result is named), then NaN/inf, then the
    structure of the difference -- a flipped sign, a constant factor (named after
    an entry of ``factors`` when it is one, for example ``{"the batch size": 64}``),
    a square or square root too many, an integer dtype that truncated the values,
    and, for ``probabilities=True``, rows that do not sum to 1 -- and last the values
    themselves. A recognised mistake is named even when it also changes the shape
    (a transposed gradient) or produces NaN (a softmax that overflows).
    """
    if got is None:
        stop(exercise, Status.MISTAKE, f"Your function returned None instead of {what}.",
             hint="Did you forget the `return` statement?")
    got_array = np.asarray(got) if not isinstance(got, np.ndarray) else got
    if got_array.dtype == object:
        stop(exercise, Status.MISTAKE, f"{_sentence_case(what)} is not a numeric array "
             f"(got {type(got).__name__}).", hint="Return a NumPy array.")

    for candidate in mistakes:
        wrong = _mistaken_result(candidate, _copies(inputs))
        if wrong is _NO_RESULT:
            continue
        wrong = np.asarray(wrong)
        if (arrays_match(got_array, wrong, rtol, atol)
                and not arrays_match(got_array, expected, rtol, atol)):
            stop(exercise, Status.MISTAKE, candidate.explanation, hint=candidate.hint,
                 mistake=candidate.name)

    if got_array.shape != expected.shape:
        if expected.ndim == 2 and arrays_match(got_array, expected.T, rtol, atol):
            stop(exercise, Status.MISTAKE,
                 f"{_sentence_case(what)} has shape {got_array.shape}: it holds the right "
                 f"values, transposed. The expected shape is {expected.shape}.",
                 hint="Swap the two axes of your result, and find the operation that swapped "
                      "them: a product taken in the other order, or a missing/extra .T.",
                 mistake=TRANSPOSED)
        stop(exercise, Status.MISTAKE,
             f"{_sentence_case(what)} has shape {got_array.shape}; expected {expected.shape}.",
             hint="Check which axis each operation works along, and whether a matrix needs "
                  "transposing.")
    if not np.all(np.isfinite(got_array)) and np.all(np.isfinite(expected)):
        bad = int(np.size(got_array) - np.count_nonzero(np.isfinite(got_array)))
        stop(exercise, Status.MISTAKE,
             f"{_sentence_case(what)} contains {bad} NaN or infinite value(s) where the correct "
             "result is finite.",
             hint="Look for exp() of a large number, log(0), or a division by zero.")
    if not arrays_match(got_array, expected, rtol, atol):
        _diagnose_structure(exercise, got_array, expected, what, rtol, atol, factors or {},
                            probabilities)
        diff = np.abs(got_array.astype(np.float64) - expected.astype(np.float64))
        worst = np.unravel_index(int(np.nanargmax(diff)), diff.shape) if diff.ndim else ()
        stop(exercise, Status.MISTAKE,
             f"{_sentence_case(what)} has the right shape {expected.shape} but wrong values: "
             f"the largest difference is at index {tuple(int(i) for i in worst)}, "
             f"where you return {_fmt(got_array[worst])} and the correct value is "
             f"{_fmt(expected[worst])}.",
             hint="Test your function on a tiny input you can work out by hand.")


def _diagnose_structure(exercise, got, expected, what, rtol, atol, factors, probabilities):
    """Name how ``got`` differs from ``expected`` when the difference has a simple structure."""
    g, e = got.astype(np.float64), expected.astype(np.float64)
    subject = _sentence_case(what)
    if np.issubdtype(got.dtype, np.integer) and not np.issubdtype(expected.dtype, np.integer):
        if arrays_match(g, np.trunc(e), rtol, atol) or arrays_match(g, np.floor(e), rtol, atol) \
                or arrays_match(g, np.mod(np.floor(e), 256), rtol, atol):
            stop(exercise, Status.MISTAKE,
                 f"{subject} has dtype {got.dtype}: the values were cut to whole numbers (or "
                 "wrapped around), where the correct ones have fractions.",
                 hint="Compute in floating point: create the result with dtype=np.float64 (or "
                      "float32), or convert with .astype(np.float64) before dividing or "
                      "subtracting; never write float results into a uint8/int buffer.",
                 mistake=TRUNCATED_DTYPE)
    if probabilities and g.ndim == 2 and np.all(np.isfinite(g)):
        row_sums = g.sum(axis=1)
        if not np.allclose(row_sums, 1.0, rtol=1e-4, atol=1e-5):
            if np.allclose(g.sum(axis=0), 1.0, rtol=1e-4, atol=1e-5):
                stop(exercise, Status.MISTAKE,
                     f"The columns of {what} sum to 1, not its rows: the normalisation ran "
                     "along axis 0, over the samples, instead of over each sample's classes.",
                     hint="Normalise each row: divide by .sum(axis=1, keepdims=True).",
                     mistake=WRONG_AXIS_NORMALISED)
            stop(exercise, Status.MISTAKE,
                 f"Each row of {what} should hold probabilities that sum to 1; yours sum to "
                 f"{_fmt(row_sums.min())} ... {_fmt(row_sums.max())}.",
                 hint="Divide each row by its own sum (.sum(axis=1, keepdims=True)).",
                 mistake=NOT_NORMALISED)
    if not np.any(e):
        return
    if arrays_match(g, -e, rtol, atol):
        stop(exercise, Status.MISTAKE,
             f"{subject} has the right magnitude everywhere but the opposite sign.",
             hint="Find the subtraction written the other way round (a - b instead of b - a), "
                  "or a minus sign too many.", mistake=SIGN_FLIPPED)
    scale = float(np.vdot(g.ravel(), e.ravel()) / np.vdot(e.ravel(), e.ravel()))
    if np.isfinite(scale) and abs(scale) > 1e-12 and arrays_match(g, scale * e, rtol, atol):
        for name, factor in factors.items():
            for power, size in ((1, "large"), (-1, "small")):
                if np.isclose(scale, float(factor) ** power, rtol=1e-4):
                    stop(exercise, Status.MISTAKE,
                         f"{subject} is {name} ({factor:g}) times too {size}: every value is "
                         f"the correct one {'times' if power == 1 else 'divided by'} "
                         f"{factor:g}.",
                         hint=f"Look for a division by {name} that is missing or repeated "
                              "(or a sum where a mean belongs).",
                         mistake=f"{OFF_BY_FACTOR}: {name}")
        stop(exercise, Status.MISTAKE,
             f"{subject} is the correct result multiplied by {_fmt(scale)}: every value is off "
             "by the same factor.",
             hint="A constant is missing, repeated or inverted: a 1/n, a 1/2, a learning "
                  "rate, or a sum where a mean belongs.", mistake=OFF_BY_FACTOR)
    with np.errstate(invalid="ignore"):
        if arrays_match(g, e * e, rtol, atol) and not arrays_match(e * e, e, rtol, atol):
            stop(exercise, Status.MISTAKE,
                 f"{subject} is the square of the correct values.",
                 hint="A value was squared (or multiplied by itself) where it should not be.",
                 mistake=SQUARED)
        if np.all(e >= 0) and arrays_match(g, np.sqrt(e), rtol, atol) \
                and not arrays_match(np.sqrt(e), e, rtol, atol):
            stop(exercise, Status.MISTAKE,
                 f"{subject} is the square root of the correct values.",
                 hint="A square is missing, or a square root taken too early.",
                 mistake=SQUARE_ROOT)


def compare_outputs(
    exercise: str,
    got: Any,
    expected: Sequence[np.ndarray],
    names: Sequence[str],
    *,
    inputs: Sequence[Any] = (),
    mistakes: Sequence[Mistake] = (),
    rtol: float = 1e-5,
    atol: float = 1e-7,
    factors: dict[str, float] | None = None,
) -> None:
    """Like :func:`compare_arrays` for a function that returns a tuple, such as ``(dx, dW, db)``.

    Checks the tuple's length, then a recognised mistake of the exercise (computed on
    the whole tuple), then whether two outputs were swapped (``dW`` returned where
    ``dx`` belongs), then each output in turn, named in the message.
    """
    names = tuple(names)
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        length = f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""
        stop(exercise, Status.MISTAKE,
             f"Your function returned {type(got).__name__}{length}; expected the tuple "
             f"({', '.join(names)}).",
             hint=f"End with `return {', '.join(names)}` (in that order).")
    got = tuple(got)

    def same(a, b):
        return arrays_match(a, b, rtol, atol)

    if not all(same(g, e) for g, e in zip(got, expected)):
        for candidate in mistakes:
            wrong = _mistaken_result(candidate, copy.deepcopy(list(inputs)))
            if isinstance(wrong, (tuple, list)) and len(wrong) == len(got) \
                    and all(same(g, w) for g, w in zip(got, wrong)):
                stop(exercise, Status.MISTAKE, candidate.explanation, hint=candidate.hint,
                     mistake=candidate.name)
    for i, name in enumerate(names):
        if same(got[i], expected[i]):
            continue
        for j, other in enumerate(names):
            if j != i and same(got[i], expected[j]) and not same(expected[i], expected[j]):
                stop(exercise, Status.MISTAKE,
                     f"The value you return as `{name}` (position {i + 1}) is the correct "
                     f"`{other}`: two outputs are in each other's places.",
                     hint=f"Return them in the order ({', '.join(names)}).",
                     mistake=OUTPUTS_SWAPPED)
    for g, e, name in zip(got, expected, names):
        compare_arrays(exercise, g, np.asarray(e), what=f"`{name}`", rtol=rtol, atol=atol,
                       factors=factors)


def require_dependence(exercise: str, student_fn: Callable, reference: Callable,
                       args: Sequence[Any], argument: int, changed: Any, name: str,
                       *, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Stop if the student's result stays the same when argument ``argument`` changes to
    ``changed`` while the reference's result changes (for example a loss that ignores the
    labels, or a z-score that ignores the training statistics)."""
    varied = list(args)
    varied[argument] = changed
    with np.errstate(all="ignore"):
        before = call_student(exercise, student_fn, *args)
        after = call_student(exercise, student_fn, *varied)
        reference_moves = not _results_match(reference(*_copies(args)),
                                             reference(*_copies(varied)), rtol, atol)
    if reference_moves and _results_match(before, after, rtol, atol):
        stop(exercise, Status.MISTAKE,
             f"Your result does not change when `{name}` changes, but the correct result does: "
             f"your function ignores `{name}` (or uses a variable from outside it instead).",
             hint=f"Use the argument `{name}` inside the function; do not read a global "
                  "variable of the same meaning.", mistake=IGNORES_ARGUMENT)


def _results_match(a, b, rtol, atol) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_results_match(x, y, rtol, atol) for x, y in zip(a, b))
    try:
        return arrays_match(a, b, rtol, atol)
    except (TypeError, ValueError):
        return False


def _sentence_case(text: str) -> str:
    """Capitalise the first letter only (str.capitalize would turn "dW" into "Dw")."""
    return text[:1].upper() + text[1:]


def arrays_match(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-7) -> bool:
    """True when ``a`` and ``b`` have the same shape and equal values to tolerance,
    compared in float64, with NaN equal to NaN (so a mistake that produces NaN is
    recognised by its NaN)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _fmt(value: Any) -> str:
    return f"{float(value):.6g}"


def diagnose(exercise: str, procedure: Callable[[], str]) -> Feedback:
    """Run a diagnosis procedure and return its verdict.

    ``procedure`` calls :func:`call_student`, :func:`compare_arrays` and :func:`stop`
    as it goes; if it returns normally, its return value (one sentence saying what
    was verified) becomes the message of a *correct* verdict.
    """
    try:
        confirmed = procedure()
    except _Verdict as verdict:
        return verdict.feedback
    return Feedback(exercise, Status.CORRECT, confirmed)


def report(feedback: Feedback, student_fn: Callable, reference_fn: Callable) -> Callable:
    """Print the verdict and return the function the rest of the notebook should use."""
    print(feedback.render())
    if feedback.passed:
        return student_fn
    if os.environ.get(STRICT_ENV_VAR) == "1":
        raise ExerciseNotPassed(feedback.render())
    print(f"  (Until it passes, the cells below use the course's reference "
          f"`{reference_fn.__name__}`, so the rest of the notebook still runs.)")
    return reference_fn


@dataclass(frozen=True)
class Exercise:
    """One exercise: its reference solution, its diagnosis, and the mistakes it names.

    ``check(student_fn)`` is what the notebook calls. ``mistakes`` are the exercise's
    :class:`Mistake` declarations, each recognised by the diagnosis and each, through
    :meth:`self_tests`, passed to the check by the test suite as a wrong student
    solution that must come back with its own name. ``wrong_solutions`` adds wrong
    solutions for mistakes recognised in another way: by the structural diagnoses
    of :func:`compare_arrays` (build them from the reference with :func:`scaled`,
    :func:`negated`, :func:`transposed`, :func:`swapped`, :func:`modifies_input`, ...)
    or by a custom test in the diagnosis.
    """

    name: str
    reference: Callable
    diagnosis: Callable[[Callable], Feedback]
    mistakes: Sequence[Mistake] = ()
    wrong_solutions: dict[str, Callable] = field(default_factory=dict)

    def diagnose(self, student_fn: Callable) -> Feedback:
        return self.diagnosis(student_fn)

    def check(self, student_fn: Callable) -> Callable:
        return report(self.diagnose(student_fn), student_fn, self.reference)

    def self_tests(self) -> dict[str, Callable]:
        """Mistake name -> a wrong solution the check must name so (for the test suite)."""
        return {**{m.name: m.wrong for m in self.mistakes}, **self.wrong_solutions}


# Wrong solutions made from a reference, for the structural mistakes every check recognises.


def scaled(reference: Callable, factor: float) -> Callable:
    """The reference's result times ``factor`` (a missing or repeated 1/n, 1/2, ...)."""
    def wrong(*args, **kwargs):
        return _map_result(reference(*args, **kwargs), lambda r: factor * r)
    return wrong


def negated(reference: Callable) -> Callable:
    """The reference's result with its sign flipped."""
    def wrong(*args, **kwargs):
        return _map_result(reference(*args, **kwargs), lambda r: -r)
    return wrong


def transposed(reference: Callable) -> Callable:
    """The reference's (2-D) result transposed."""
    def wrong(*args, **kwargs):
        return _map_result(reference(*args, **kwargs), lambda r: np.asarray(r).T)
    return wrong


def swapped(reference: Callable, first: int = 0, second: int = 1) -> Callable:
    """The reference's tuple result with two outputs exchanged."""
    def wrong(*args, **kwargs):
        result = list(reference(*args, **kwargs))
        result[first], result[second] = result[second], result[first]
        return tuple(result)
    return wrong


def modifies_input(reference: Callable, argument: int = 0) -> Callable:
    """The reference, but afterwards it changes argument ``argument`` in place."""
    def wrong(*args, **kwargs):
        result = reference(*args, **kwargs)
        target = args[argument]
        if isinstance(target, dict):
            target = next(iter(target.values()))
        target[...] = target + 1   # any visible change to the caller's array
        return result
    return wrong


def cast(reference: Callable, dtype) -> Callable:
    """The reference's result written into an array of ``dtype`` (a uint8/int buffer truncates)."""
    def wrong(*args, **kwargs):
        return _map_result(reference(*args, **kwargs), lambda r: np.asarray(r).astype(dtype))
    return wrong


def _map_result(result, transform):
    if isinstance(result, tuple):
        return (transform(result[0]), *result[1:])
    return transform(result)
