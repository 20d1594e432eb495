"""The notebook comparison: words and shapes exact, numbers within the tolerance a cell declares."""

import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tests.nbval_tolerance import Tolerance, ToleranceError, compare_text, parse_tolerance, tokenize

LOOSE = Tolerance(percent=0.3, count=3, rel=0.01, abs=1e-6)


def kinds(text):
    return [(t.kind, t.text) for t in tokenize(text) if t.kind != "text"]


def test_numbers_are_split_by_kind_and_identifiers_are_not_numbers():
    assert kinds("epoch 3: loss 0.5637, accuracy 88.6 %, W1 grad 9.5e-07, 12,345 images") == [
        ("count", "3"), ("real", "0.5637"), ("percent", "88.6 %"), ("real", "9.5e-07"),
        ("count", "12,345")]
    assert kinds("W1 b2 ex01 mnist-5k float32") == []


def test_shapes_are_one_token_and_are_never_tolerated():
    assert kinds("X_train (4000, 784) float32") == [("shape", "(4000, 784)")]
    problems = compare_text("X (4000, 784)", "X (4001, 784)", LOOSE)
    assert any("shapes are always compared exactly" in p for p in problems)


def test_a_network_description_keeps_its_layer_sizes():
    assert kinds("784-128-10 network") == [("count", "784"), ("count", "128"), ("count", "10")]


def test_identical_text_passes_even_without_tolerance():
    assert compare_text("loss 0.5637\n", "loss 0.5637\n", Tolerance()) == []


def test_without_a_tolerance_every_digit_counts():
    problems = compare_text("loss 0.5637", "loss 0.5642", Tolerance())
    assert problems and "no tolerance declared" in problems[-1]


@pytest.mark.parametrize("committed, computed", [
    ("CNN test accuracy 88.6 %", "CNN test accuracy 88.8 %"),
    ("Shirt taken for T-shirt/top 154 times", "Shirt taken for T-shirt/top 152 times"),
    ("epoch 1 loss 0.5637", "epoch 1 loss 0.5642"),
    ("max |Keras - ours| = 1.3e-06 < 1e-05", "max |Keras - ours| = 9.5e-07 < 1e-05"),
])
def test_differences_within_the_declared_tolerance_pass(committed, computed):
    assert compare_text(committed, computed, LOOSE) == []


@pytest.mark.parametrize("committed, computed, fragment", [
    ("accuracy 88.6 %", "accuracy 89.0 %", "percent tolerance allows 0.3"),
    ("154 times", "150 times", "count tolerance allows 3"),
    ("loss 0.5637", "loss 0.5737", "rel/abs tolerance allows"),
])
def test_differences_beyond_the_tolerance_name_the_numbers_and_the_limit(committed, computed,
                                                                         fragment):
    problems = compare_text(committed, computed, LOOSE)
    assert problems[0].startswith("numbers differ beyond the tolerance")
    assert "committed: " + committed in problems[0] and "now:       " + computed in problems[0]
    assert fragment in problems[1]


def test_words_must_match_exactly_even_with_a_tolerance():
    problems = compare_text("Shirt taken for T-shirt/top 154 times",
                            "T-shirt/top taken for Shirt 154 times", LOOSE)
    assert problems and problems[0].startswith("the text itself differs")


def test_a_number_that_becomes_a_word_is_a_difference():
    assert compare_text("loss 0.25", "loss nan", LOOSE)


def test_padding_may_change_with_the_width_of_a_tolerated_number():
    assert compare_text("acc  99.9 %", "acc 100.0 %", Tolerance(percent=0.2)) == []
    assert compare_text("acc  99.9 %", "acc 100.0 %", Tolerance())


def test_tolerance_metadata_is_validated():
    assert parse_tolerance({}) == Tolerance()
    assert parse_tolerance({"tolerance": {"percent": 0.5, "rel": 1e-3}}) == \
        Tolerance(percent=0.5, rel=1e-3)
    with pytest.raises(ToleranceError, match="unknown tolerance kind"):
        parse_tolerance({"tolerance": {"percents": 0.5}})
    with pytest.raises(ToleranceError, match="non-negative number"):
        parse_tolerance({"tolerance": {"rel": -1}})
    with pytest.raises(ToleranceError, match="non-empty object"):
        parse_tolerance({"tolerance": 0.5})


# ---------------------------------------------------------------- end to end, through nbval

PRINTING_CELL = textwrap.dedent("""\
    accuracy, confusions, loss = 0.887, 154, 0.5642
    print(f"test accuracy {accuracy:.1%}; Shirt -> T-shirt/top {confusions} times; loss {loss:.4f}")
    """)


def notebook_committed_with(printed: str, tolerance: dict | None) -> nbformat.NotebookNode:
    cell = new_code_cell(PRINTING_CELL, execution_count=1,
                         outputs=[new_output("stream", name="stdout", text=printed)])
    if tolerance is not None:
        cell.metadata["tolerance"] = tolerance
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.fixture
def run_nbval(pytester, monkeypatch):
    """Run nbval with this plugin, in a fresh pytest process, on one small notebook."""
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(repo),
                                                                   os.environ.get("PYTHONPATH")])))
    pytester.makeconftest('pytest_plugins = ["tests.nbval_tolerance"]\n')

    def run(nb):
        path = pytester.path / "shifted.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        return pytester.runpytest_subprocess("--nbval", "--nbval-current-env", "-p",
                                             "no:cacheprovider", str(path))
    return run


TRUE_OUTPUT = "test accuracy 88.7%; Shirt -> T-shirt/top 154 times; loss 0.5642\n"
SLIGHTLY_SHIFTED = "test accuracy 88.6%; Shirt -> T-shirt/top 153 times; loss 0.5637\n"
FAR_SHIFTED = "test accuracy 87.7%; Shirt -> T-shirt/top 154 times; loss 0.5642\n"
DECLARED = {"percent": 0.3, "count": 3, "rel": 0.002}


def test_a_notebook_shifted_slightly_within_its_tolerance_passes(run_nbval):
    result = run_nbval(notebook_committed_with(SLIGHTLY_SHIFTED, DECLARED))
    result.assert_outcomes(passed=1)


def test_the_same_shift_fails_where_no_tolerance_is_declared(run_nbval):
    result = run_nbval(notebook_committed_with(SLIGHTLY_SHIFTED, None))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no tolerance declared for this kind*"])


def test_a_notebook_shifted_beyond_its_tolerance_fails_with_the_numbers(run_nbval):
    result = run_nbval(notebook_committed_with(FAR_SHIFTED, DECLARED))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*committed: test accuracy 87.7%*",
                                 "*now:       test accuracy 88.7%*",
                                 "*87.7% became 88.7%*percent tolerance allows 0.3*"])


def test_malformed_tolerance_metadata_stops_the_run_with_the_cell_named(run_nbval):
    result = run_nbval(notebook_committed_with(TRUE_OUTPUT, {"percentage": 0.3}))
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*shifted.ipynb::Cell 0*unknown tolerance kind*"])
