"""Feedback checks for the exercises, one module per notebook (``ch01`` for notebook 01, ...).

See :mod:`course_utils.checks.feedback` for how a check works.
"""

from course_utils.checks import ch01, ch02, ch03, ch04, ch05, ch06
from course_utils.checks.feedback import Exercise, Feedback, Status

#: Every exercise of the course, in notebook order (used by the test suite).
ALL_EXERCISES: list[Exercise] = [*ch01.EXERCISES, *ch02.EXERCISES, *ch03.EXERCISES, *ch04.EXERCISES,
                                  *ch05.EXERCISES, *ch06.EXERCISES]

__all__ = ["ALL_EXERCISES", "Exercise", "Feedback", "Status"]
