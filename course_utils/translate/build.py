"""Build a translated notebook from the English one and its catalogue.

The translated notebook is the English notebook with

* every Markdown paragraph and text-bearing code cell replaced by its translation;
* one cell after the parameters cell, ``set_language(...)``, so that the helpers'
  messages (checks, widgets, data errors) come in the same language;
* nbgrader ``grade_id``s suffixed with the language (``ex03-1-relu-backward-es``), so
  that an nbgrader course can hold both editions;
* the outputs of the translated notebook already committed kept for every cell whose
  source did not change (and cleared for the others), so that rebuilding an
  up-to-date edition changes nothing; re-execute it to refresh the outputs
  (``python .ci/regenerate_notebooks.py notebooks/es/...``).
"""

from __future__ import annotations

import copy

import nbformat

from course_utils.translate.catalog import translations
from course_utils.translate.segments import join_segments, markdown_segments

LANGUAGE_CELL_ID = "set-language"


class TranslationIncomplete(ValueError):
    """The catalogue lacks a translation the build needs (see :func:`catalog.problems`)."""


def language_cell(language: str):
    cell = nbformat.v4.new_code_cell(
        f'from course_utils import set_language\n\nset_language("{language}")')
    cell.id = LANGUAGE_CELL_ID
    return cell


def build_notebook(nb, po, language: str, previous=None):
    """The ``language`` edition of English notebook ``nb``; ``previous`` is the committed one."""
    entries = translations(po)

    def translated(cell_id: str, english: str) -> str:
        entry = entries.get((cell_id, english))
        if entry is None or not entry.msgstr or "fuzzy" in entry.flags:
            raise TranslationIncomplete(f"cell {cell_id}: no current translation of "
                                        f"{english[:80]!r}")
        return entry.msgstr

    from course_utils.translate.catalog import is_marker
    from course_utils.translate.segments import code_has_text, has_words

    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = join_segments([
                translated(cell.id, s) if has_words(s) and not is_marker(s) else s
                for s in markdown_segments(cell.source)])
        elif cell.cell_type == "code" and code_has_text(cell.source):
            cell.source = translated(cell.id, cell.source)
        grading = cell.metadata.get("nbgrader")
        if grading and grading.get("grade_id"):
            grading["grade_id"] = f"{grading['grade_id']}-{language}"
    position = next((i for i, c in enumerate(out.cells) if c.cell_type == "code"
                     and "parameters" in c.metadata.get("tags", [])), -1)
    out.cells.insert(position + 1, language_cell(language))
    out.metadata["language"] = language
    _carry_outputs(out, previous)
    return out


def _carry_outputs(nb, previous) -> None:
    old = {c.get("id"): c for c in (previous.cells if previous is not None else [])
           if c.cell_type == "code"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        before = old.get(cell.get("id"))
        if before is not None and before.source == cell.source:
            cell.outputs = copy.deepcopy(before.outputs)
            cell.execution_count = before.execution_count
        else:
            cell.outputs = []
            cell.execution_count = None
