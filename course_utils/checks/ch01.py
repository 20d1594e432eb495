"""Checks for the exercises of notebook 01, *Exploring MNIST*."""

from __future__ import annotations

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    KnownMistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)
from course_utils.preprocessing import one_hot as _reference_one_hot

# ---------------------------------------------------------------- one-hot encoding

_ONE_HOT = "one_hot"


def _one_hot_mistakes() -> list[KnownMistake]:
    return [
        KnownMistake(
            name="classes in rows, samples in columns",
            explanation="Your array has one row per class and one column per sample: it is the "
                        "transpose of what the course uses. Every array here has one sample "
                        "per row, shape (n_samples, num_classes).",
            hint="Build the array with shape (len(labels), num_classes).",
            compute=lambda labels, k: _reference_one_hot(labels, k).T,
        ),
        KnownMistake(
            name="one column too many",
            explanation="Your array has num_classes + 1 columns, as if the classes were "
                        "numbered 1..num_classes. Class indices start at 0.",
            hint="Use num_classes columns; label k goes to column k.",
            compute=lambda labels, k: np.eye(k + 1)[labels],
        ),
    ]


def _diagnose_one_hot(student_fn) -> "Feedback":  # noqa: F821 - documented return type
    def procedure() -> str:
        labels = np.array([3, 0, 9, 3, 7], dtype=np.int64)
        expected = _reference_one_hot(labels, 10)
        got = call_student(_ONE_HOT, student_fn, labels, 10)
        compare_arrays(_ONE_HOT, got, expected, inputs=(labels, 10), mistakes=_one_hot_mistakes(),
                       what="the one-hot array")
        if not np.issubdtype(np.asarray(got).dtype, np.floating):
            stop(_ONE_HOT, Status.MISTAKE,
                 f"The values are right but the dtype is {np.asarray(got).dtype}; the network "
                 "computes in float32, so the targets should be float32 too.",
                 hint="Create the array with np.zeros(..., dtype=np.float32).")
        return "One row per sample, a single 1 in the column of its class."

    return diagnose(_ONE_HOT, procedure)


ONE_HOT = Exercise(
    name=_ONE_HOT,
    reference=_reference_one_hot,
    diagnosis=_diagnose_one_hot,
    wrong_solutions={
        "classes in rows, samples in columns": lambda labels, k: np.eye(k, dtype=np.float32)[labels].T,
        "one column too many": lambda labels, k: np.eye(k + 1, dtype=np.float32)[labels],
    },
)


def check_one_hot(student_fn):
    """Check the one-hot exercise; returns the function to use from here on."""
    return ONE_HOT.check(student_fn)


EXERCISES = [ONE_HOT]
