"""The committed Spanish edition (notebooks/es/) is complete and in step with the English one.

``tests/test_translate.py`` tests the machinery on small notebooks; this file holds the
real ones to it. For every English notebook ``notebooks/NN_*.ipynb``:

* its catalogue ``translations/es/NN_*.po`` translates every paragraph and text-bearing
  code cell from the *current* English text (an entry made from an older text is stale
  and named with both texts), uses the glossary's terms, and keeps code cells the same
  program;
* ``notebooks/es/NN_*.ipynb`` exists and is exactly what the build makes from the two
  (sources and metadata; the outputs are its own, from executing it, and nbval compares
  them like the English ones);
* changing one English sentence of the real notebook makes exactly that entry stale.

After an English change: ``python -m course_utils.translate es --update``, translate the
entries it marks, ``python -m course_utils.translate es``, then re-execute the changed
Spanish notebooks (``python .ci/regenerate_notebooks.py notebooks/es/NN_*.ipynb``).
"""

from pathlib import Path

import nbformat
import pytest

from course_utils.translate import catalog
from course_utils.translate.__main__ import (
    built,
    catalogue_path,
    edition_path,
    english_notebooks,
    notebook_problems,
)

REPO = Path(__file__).resolve().parents[1]
LANGUAGE = "es"
NOTEBOOKS = english_notebooks(REPO)

pytestmark = pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_every_english_text_has_a_current_translation(notebook):
    assert catalogue_path(REPO, LANGUAGE, notebook).is_file(), (
        f"{notebook.name} has no Spanish catalogue: run `python -m course_utils.translate es "
        f"--update --only {notebook.name[:2]}` and translate it")
    problems = notebook_problems(REPO, LANGUAGE, notebook)
    assert not problems, "\n\n".join(map(str, problems))


def test_the_committed_edition_is_what_the_build_makes(notebook):
    target = edition_path(REPO, LANGUAGE, notebook)
    assert target.is_file(), f"notebooks/es/{notebook.name} is missing: run " \
                             "`python -m course_utils.translate es`"
    committed = nbformat.read(target, as_version=4)
    fresh = built(REPO, LANGUAGE, notebook)
    differing = [i for i, (a, b) in enumerate(zip(fresh.cells, committed.cells, strict=False))
                 if (a.cell_type, a.source, a.metadata) != (b.cell_type, b.source, b.metadata)]
    assert len(fresh.cells) == len(committed.cells) and not differing, (
        f"notebooks/es/{notebook.name} is not what the build makes from the English notebook "
        f"and its catalogue (cells {differing[:10]}); run `python -m course_utils.translate es` "
        "and re-execute it")


def test_every_code_cell_of_the_edition_was_executed(notebook):
    target = edition_path(REPO, LANGUAGE, notebook)
    if not target.is_file():
        pytest.fail(f"notebooks/es/{notebook.name} is missing: run "
                    "`python -m course_utils.translate es`")
    committed = nbformat.read(target, as_version=4)
    unrun = [i for i, cell in enumerate(committed.cells)
             if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None]
    assert not unrun, (f"notebooks/es/{notebook.name}: cells {unrun} have no outputs; run "
                       f"`python .ci/regenerate_notebooks.py notebooks/es/{notebook.name}`")


def test_changing_one_english_sentence_makes_exactly_that_entry_stale(notebook):
    nb = nbformat.read(notebook, as_version=4)
    po = catalog.load(catalogue_path(REPO, LANGUAGE, notebook))
    index, cell = next((i, c) for i, c in enumerate(nb.cells)
                       if c.cell_type == "markdown" and "course_header" not in c.metadata
                       and "." in c.source)
    first_sentence_end = cell.source.index(".")
    cell.source = cell.source[:first_sentence_end] + ", changed" + cell.source[first_sentence_end:]
    problems = catalog.problems(nb, po, notebook.name)
    assert [(p.cell_index, p.kind) for p in problems] == [(index, "stale")], problems
    assert ", changed" in problems[0].english and problems[0].previous_english
