"""The full-data tier overrides a notebook's parameters, runs it, and checks the claimed bands."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.full_data_tier import (
    BANDS,
    RUNS,
    Band,
    Run,
    TierError,
    check_bands,
    execute,
    render_report,
    with_parameters,
)


def notebook(parameters_source='DATASET = "mnist-5k"\nFULL_DATA = False', tagged=True):
    params = new_code_cell(parameters_source)
    if tagged:
        params.metadata["tags"] = ["parameters"]
    body = new_code_cell('final_comparison = {"course MLP": [0.9, 0.91, 0.92] if FULL_DATA '
                         'else [0.5]}\nprint(DATASET, FULL_DATA)')
    return new_notebook(cells=[new_markdown_cell("# title"), params, body])


def test_the_new_values_are_set_in_a_cell_right_after_the_parameters_cell():
    nb = with_parameters(notebook(), {"FULL_DATA": True, "DATASET": "fashion-mnist"})
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    assert "FULL_DATA = True" in nb.cells[2].source
    assert "DATASET = 'fashion-mnist'" in nb.cells[2].source
    assert len(nb.cells) == 4


def test_a_notebook_without_a_parameters_cell_is_refused_with_the_fix():
    with pytest.raises(TierError, match="tagged 'parameters'"):
        with_parameters(notebook(tagged=False), {"DATASET": "fashion-mnist"})


def test_a_parameter_the_notebook_does_not_define_is_refused():
    with pytest.raises(TierError, match="does not define EPOCHS"):
        with_parameters(notebook(), {"EPOCHS": 3})


def test_a_band_holds_only_when_every_one_of_at_least_three_seeds_is_above_it():
    band = Band("Keras CNN", 0.905, "at least 90.5 %")
    assert check_bands({"Keras CNN": [0.91, 0.907, 0.912]}, [band])[0]["passed"]
    failing = check_bands({"Keras CNN": [0.91, 0.903, 0.912]}, [band])[0]
    assert not failing["passed"] and "lowest seed 90.30%" in failing["why"]
    assert not check_bands({"Keras CNN": [0.95, 0.95]}, [band])[0]["passed"]
    assert "no accuracies" in check_bands({}, [band])[0]["why"]


def test_every_run_names_a_committed_notebook_and_the_bands_name_the_readme_claims(tmp_path):
    from tests.full_data_tier import REPO

    for run in RUNS:
        assert (REPO / "notebooks" / run.notebook).is_file(), run.notebook
    assert {band.model for band in BANDS} == {"course MLP", "Keras CNN"}


def test_a_run_executes_with_the_new_parameters_and_collects_a_variable(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(notebook(), notebooks / "demo.ipynb")
    outcome = execute(Run("demo.ipynb", {"FULL_DATA": True}, collect="final_comparison"),
                      notebooks, tmp_path / "out", timeout=60)
    assert outcome["error"] is None
    assert outcome["value"] == {"course MLP": [0.9, 0.91, 0.92]}
    executed = nbformat.read(tmp_path / "out" / "demo.ipynb", as_version=4)
    assert executed.cells[3].outputs[0].text == "mnist-5k True\n"
    report = render_report([outcome], check_bands(outcome["value"],
                                                  [Band("course MLP", 0.88, "≥ 88 %")]), "test")
    assert "| course MLP | 3 | 91.00% |" in report and "| yes |" in report


def test_a_failing_notebook_is_an_outcome_with_its_error(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = notebook()
    nb.cells.append(new_code_cell("raise ValueError('claim does not hold')"))
    nbformat.write(nb, notebooks / "demo.ipynb")
    outcome = execute(Run("demo.ipynb", {"DATASET": "fashion-mnist"}), notebooks,
                      tmp_path / "out", timeout=60)
    assert "claim does not hold" in outcome["error"]
