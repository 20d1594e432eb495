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


def call_student(exercise: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the student's function; turn a stub or a crash into a verdict.

    A ``NotImplementedError`` means the exercise is still a stub. Any other
    exception is reported in one line: its type, its message, and the shapes of
    the array arguments, which is usually what the student needs to see.
    """
    if not callable(fn):
        stop(exercise, Status.ERROR, f"Expected a function, got {type(fn).__name__}.",
             hint="Pass the function itself, without calling it: check(my_function).")
    try:
        return fn(*_copies(args), **{key: _copy(value) for key, value in kwargs.items()})
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


def _copy(value):
    """A copy of an array argument, so a student function that modifies its input in place
    cannot corrupt the check's own data."""
    return value.copy() if isinstance(value, np.ndarray) else value


def _copies(values):
    return [_copy(v) for v in values]


@dataclass(frozen=True)
class KnownMistake:
    """A typical mistake, recognised by what it computes.

    Attributes:
        name: short name shown to the student ("softmax along the wrong axis").
        explanation: what the mistaken code does and why it is wrong.
        hint: how to fix it.
        compute: returns the output the mistaken code would produce; called with the
            same arguments as the student's function.
    """

    name: str
    explanation: str
    hint: str
    compute: Callable[..., Any] = field(repr=False)


def compare_arrays(
    exercise: str,
    got: Any,
    expected: np.ndarray,
    *,
    inputs: Sequence[Any] = (),
    mistakes: Sequence[KnownMistake] = (),
    what: str = "the returned array",
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> None:
    """Stop with a specific verdict unless ``got`` equals ``expected`` (to tolerance).

    The order of the questions matters: type, then shape, then a recognised
    mistake, then NaN/inf, then the values themselves. A recognised mistake is
    named even when it also changes the shape (a transposed gradient) or
    produces NaN (a softmax that overflows).
    """
    if got is None:
        stop(exercise, Status.MISTAKE, f"Your function returned None instead of {what}.",
             hint="Did you forget the `return` statement?")
    got_array = np.asarray(got) if not isinstance(got, np.ndarray) else got
    if got_array.dtype == object:
        stop(exercise, Status.MISTAKE, f"{_sentence_case(what)} is not a numeric array "
             f"(got {type(got).__name__}).", hint="Return a NumPy array.")

    for candidate in mistakes:
        with np.errstate(all="ignore"):
            wrong = np.asarray(candidate.compute(*_copies(inputs)))
        if (arrays_match(got_array, wrong, rtol, atol)
                and not arrays_match(got_array, expected, rtol, atol)):
            stop(exercise, Status.MISTAKE, candidate.explanation, hint=candidate.hint,
                 mistake=candidate.name)

    if got_array.shape != expected.shape:
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
        diff = np.abs(got_array.astype(np.float64) - expected.astype(np.float64))
        worst = np.unravel_index(int(np.nanargmax(diff)), diff.shape) if diff.ndim else ()
        stop(exercise, Status.MISTAKE,
             f"{_sentence_case(what)} has the right shape {expected.shape} but wrong values: "
             f"the largest difference is at index {tuple(int(i) for i in worst)}, "
             f"where you return {_fmt(got_array[worst])} and the correct value is "
             f"{_fmt(expected[worst])}.",
             hint="Test your function on a tiny input you can work out by hand.")


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

    ``check(student_fn)`` is what the notebook calls. ``wrong_solutions`` maps the
    name of each :class:`KnownMistake` the diagnosis can report to a small function
    that makes that mistake; the test suite uses them to prove that every named
    mistake is really recognised.
    """

    name: str
    reference: Callable
    diagnosis: Callable[[Callable], Feedback]
    wrong_solutions: dict[str, Callable] = field(default_factory=dict)

    def diagnose(self, student_fn: Callable) -> Feedback:
        return self.diagnosis(student_fn)

    def check(self, student_fn: Callable) -> Callable:
        return report(self.diagnose(student_fn), student_fn, self.reference)
