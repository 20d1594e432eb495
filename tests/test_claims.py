"""Claims in prose, checked in the notebook: a visible line when they hold, an error when not."""

import numpy as np
import pytest

from course_utils.claims import (
    ClaimFailed,
    claim_above,
    claim_at_least,
    claim_at_most,
    claim_below,
    claim_between,
    claim_true,
)


def test_a_claim_that_holds_prints_one_line_with_the_value_and_the_bound(capsys):
    assert claim_below("max |Keras - ours|", 9.5e-07, 1e-5, fmt=".1e") == 9.5e-07
    assert capsys.readouterr().out == "✔ max |Keras - ours| = 9.5e-07 < 1.0e-05\n"


def test_percentages_print_as_percentages(capsys):
    claim_at_least("CNN test accuracy", np.float64(0.887), 0.88, fmt=".1%")
    assert capsys.readouterr().out == "✔ CNN test accuracy = 88.7% ≥ 88.0%\n"


@pytest.mark.parametrize("claim, value, bound", [
    (claim_below, 1.0, 1.0), (claim_at_most, 1.5, 1.0),
    (claim_above, 1.0, 1.0), (claim_at_least, 0.5, 1.0),
])
def test_a_claim_that_does_not_hold_raises_and_names_the_numbers(claim, value, bound, capsys):
    with pytest.raises(ClaimFailed, match=r"✘ loss = .* does not hold"):
        claim("loss", value, bound)
    assert capsys.readouterr().out == ""


def test_the_boundary_cases_are_inclusive_only_where_the_symbol_says_so():
    claim_at_most("x", 1.0, 1.0)
    claim_at_least("x", 1.0, 1.0)
    with pytest.raises(ClaimFailed):
        claim_below("x", 1.0, 1.0)


def test_claim_between_checks_both_ends(capsys):
    claim_between("accuracy", 0.9, 0.85, 0.95, fmt=".2f")
    assert capsys.readouterr().out == "✔ accuracy = 0.90 in [0.85, 0.95]\n"
    with pytest.raises(ClaimFailed):
        claim_between("accuracy", 0.97, 0.85, 0.95)
    with pytest.raises(ValueError, match="low=.* is above high"):
        claim_between("accuracy", 0.9, 0.95, 0.85)


def test_nan_never_satisfies_a_claim():
    with pytest.raises(ClaimFailed, match="is NaN"):
        claim_below("loss", float("nan"), 1.0)


def test_arrays_and_booleans_are_refused_with_a_fix():
    with pytest.raises(TypeError, match=r"float\(x\)"):
        claim_below("loss", np.array([0.1, 0.2]), 1.0)
    with pytest.raises(TypeError, match="real number"):
        claim_below("loss", True, 1.0)
    with pytest.raises(TypeError, match=r"bool\(\.\.\.\)"):
        claim_true("rows sum to 1", np.bool_(True))


def test_claim_true_prints_the_statement(capsys):
    claim_true("every row sums to 1", True)
    assert capsys.readouterr().out == "✔ every row sums to 1\n"
    with pytest.raises(ClaimFailed, match="every row sums to 1"):
        claim_true("every row sums to 1", False)
