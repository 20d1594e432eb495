"""Claims a notebook makes in prose, checked where they are made (used in every notebook).

When the text says "the two networks agree to within 1e-5" or "the CNN reaches at
least 88 %", the cell below it proves it with one visible line::

    claim_below("max |Keras - ours|", max_difference, 1e-5, fmt=".1e")
    # ✔ max |Keras - ours| = 9.5e-07 < 1.0e-05

    claim_at_least("CNN test accuracy", test_accuracy, 0.88, fmt=".1%")
    # ✔ CNN test accuracy = 88.7% ≥ 88.0%

A claim that no longer holds raises :class:`ClaimFailed` (an ``AssertionError``),
so the notebook -- and the test suite that re-executes it -- stops at the sentence
that became false, instead of printing a number nobody reads. The bound is part of
the claim and always printed the same way; only the measured value can differ
between machines (in its last digits), which is what the notebook comparison's
per-cell tolerance is for (see the README, "Writing notebooks that re-execute
identically").
"""

from __future__ import annotations

import math
import numbers

from course_utils.i18n import tr

PASS_MARK = "✔"
FAIL_MARK = "✘"


class ClaimFailed(AssertionError):
    """A claim made by the notebook's text does not hold for the numbers just computed."""


def claim_below(label: str, value: float, bound: float, *, fmt: str = ".3g") -> float:
    """Check ``value < bound``; print ``✔ label = value < bound`` or raise :class:`ClaimFailed`.

    Returns ``value``, so a claim can sit inside an expression.
    """
    return _claim(label, value, value < bound, "<", bound, fmt)


def claim_at_most(label: str, value: float, bound: float, *, fmt: str = ".3g") -> float:
    """Check ``value <= bound`` (printed with ``≤``)."""
    return _claim(label, value, value <= bound, "≤", bound, fmt)


def claim_above(label: str, value: float, bound: float, *, fmt: str = ".3g") -> float:
    """Check ``value > bound``."""
    return _claim(label, value, value > bound, ">", bound, fmt)


def claim_at_least(label: str, value: float, bound: float, *, fmt: str = ".3g") -> float:
    """Check ``value >= bound`` (printed with ``≥``)."""
    return _claim(label, value, value >= bound, "≥", bound, fmt)


def claim_between(label: str, value: float, low: float, high: float, *,
                  fmt: str = ".3g") -> float:
    """Check ``low <= value <= high``; printed as ``✔ label = value in [low, high]``."""
    _check_number("low", low)
    _check_number("high", high)
    if low > high:
        raise ValueError(tr("claim_between({label!r}): low={low!r} is above high={high!r}.",
                            label=label, low=low, high=high))
    _check_number(label, value)
    holds = low <= value <= high
    line = tr("{label} = {value:{fmt}} in [{low:{fmt}}, {high:{fmt}}]",
              label=label, value=value, fmt=fmt, low=low, high=high)
    return _report(holds, line, value)


def claim_true(statement: str, holds: bool) -> bool:
    """Check a yes/no claim, printed as ``✔ statement``.

    Use it for claims that are not a number against a bound, for example
    ``claim_true("every row of the output sums to 1", bool(np.allclose(p.sum(1), 1)))``.
    """
    if not isinstance(holds, bool):
        raise TypeError(tr("claim_true({statement!r}): expected True or False, got {holds_type}; "
                           "wrap NumPy results in bool(...).",
                           statement=statement, holds_type=type(holds).__name__))
    return _report(holds, statement, holds)


def _claim(label: str, value: float, holds: bool, relation: str, bound: float,
           fmt: str) -> float:
    _check_number(label, value)
    _check_number("bound", bound)
    return _report(bool(holds), f"{label} = {value:{fmt}} {relation} {bound:{fmt}}", value)


def _report(holds: bool, line: str, value):
    if not holds:
        raise ClaimFailed(tr("{mark} {line} does not hold. The text above this cell claims "
                             "it; the numbers just computed contradict it.",
                             mark=FAIL_MARK, line=line))
    print(f"{PASS_MARK} {line}")
    return value


def _check_number(label: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(tr("claim about {label!r}: expected a real number, got {value_type} "
                           "({value!r}); pass float(x) for a NumPy array element.",
                           label=label, value_type=type(value).__name__, value=value))
    if math.isnan(value):
        raise ClaimFailed(tr("{mark} {label} is NaN, so no claim about it can hold: the "
                             "computation produced an invalid value.",
                             mark=FAIL_MARK, label=label))
