"""Turn an answer-key notebook into its student version (in memory; no files).

For each cell, in order:

* solution cells (nbgrader ``solution: true``): every ``BEGIN SOLUTION`` ...
  ``END SOLUTION`` region becomes a stub (see :mod:`course_utils.release.stubs`),
  indented like its marker; the signature and docstring outside it stay. A region
  that covers a ``def`` or ``class`` line of the cell (or of a method) is refused: the
  student version would no longer define what the check calls. A Markdown
  solution cell without markers is a written answer and becomes ``YOUR ANSWER HERE``
  as a whole (nbgrader's convention);
* grade cells: ``BEGIN HIDDEN TESTS`` ... ``END HIDDEN TESTS`` regions are removed;
* outputs and execution counts are cleared from the changed cells and from every cell
  that depends on them (the rule is in :mod:`course_utils.release.dependencies`); all
  other cells, outputs and execution counts are kept so the notebook stays readable;
* nbgrader metadata is kept, with ``checksum`` and ``cell_type`` computed on the
  released cell, and cells locked (``deletable``/``editable``), exactly as
  ``nbgrader generate_assignment`` does: check cells cannot be edited or deleted,
  exercise cells cannot be deleted.

The result is marked with ``metadata.course_release`` so that releasing a student
version again is refused instead of silently doing nothing useful.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass

from course_utils.ast_parse import parse as parse_python
from course_utils.release import stubs
from course_utils.release.checksums import add_checksums, is_grade, is_solution, lock
from course_utils.release.dependencies import dependent_cells, python_only
from course_utils.release.errors import MarkerError, ReleaseError, cell_location
from course_utils.release.markers import (
    HIDDEN_TESTS,
    SOLUTION,
    Region,
    find_regions,
    replace_regions,
)

RELEASE_KEY = "course_release"
_GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")


@dataclass(frozen=True)
class ReleaseReport:
    """What the release stripped from one notebook.

    Attributes:
        notebook: the notebook's file name.
        solution_regions: code solution regions replaced by stubs.
        written_answers: Markdown answers (whole cells or regions) replaced by the prompt.
        hidden_test_regions: hidden-test regions removed.
        cleared_cells: indices of the code cells whose outputs and execution counts were cleared.
    """

    notebook: str
    solution_regions: int
    written_answers: int
    hidden_test_regions: int
    cleared_cells: tuple[int, ...]

    def summary(self) -> str:
        parts = [f"{self.solution_regions} solution region(s) stubbed"]
        if self.written_answers:
            parts.append(f"{self.written_answers} written answer(s) replaced by the prompt")
        if self.hidden_test_regions:
            parts.append(f"{self.hidden_test_regions} hidden-test region(s) removed")
        cells = ", ".join(map(str, self.cleared_cells)) or "none"
        parts.append(f"outputs cleared in {len(self.cleared_cells)} cell(s) ({cells})")
        return f"{self.notebook}: " + "; ".join(parts)


def is_student_version(nb) -> bool:
    return RELEASE_KEY in nb.get("metadata", {})


def make_student_version(nb, name: str):
    """The student version of the answer key ``nb`` (left unmodified) and a :class:`ReleaseReport`.

    Args:
        nb: an nbformat v4 notebook (``nbformat.read(path, as_version=4)``).
        name: the notebook's file name, used in messages and in the release metadata.

    Raises:
        ReleaseError: ``nb`` is already a student version, or a cell has malformed markers,
            a solution region outside a solution cell, a code solution cell without a
            region, or invalid nbgrader metadata. The message names the notebook and cell.
    """
    if is_student_version(nb):
        raise ReleaseError(
            f"{name} is already a student version (it has metadata '{RELEASE_KEY}'); releasing "
            "it again would change nothing. Release the answer key in notebooks/ instead.")
    student = copy.deepcopy(nb)
    _check_grade_ids(student, name)

    counts = {"solution": 0, "written": 0, "hidden": 0}
    changed: set[int] = set()
    for index, cell in enumerate(student.cells):
        where = cell_location(name, index, cell)
        try:
            new_source = _strip_cell(cell, counts)
        except MarkerError as err:
            raise ReleaseError(f"{where}: {err}") from None
        if new_source != cell.source:
            if cell.cell_type == "code":
                _check_still_python(cell.source, new_source, where)
                _check_definitions_kept(cell.source, new_source, where)
            cell.source = new_source
            changed.add(index)

    sources = [cell.source if cell.cell_type == "code" else None for cell in nb.cells]
    seeds = {i for i in changed if student.cells[i].cell_type == "code"}
    cleared = dependent_cells(sources, seeds)
    for index in cleared:
        student.cells[index].outputs = []
        student.cells[index].execution_count = None
    for cell in student.cells:
        add_checksums(cell)
        lock(cell)

    student.metadata.pop("celltoolbar", None)  # nbgrader's "Create Assignment" toolbar
    student.metadata[RELEASE_KEY] = {"student_version": True, "source": name}
    report = ReleaseReport(name, counts["solution"], counts["written"], counts["hidden"],
                           tuple(sorted(cleared)))
    return student, report


def _strip_cell(cell, counts: dict[str, int]) -> str:
    """The released source of one cell (``counts`` is updated with what was stripped)."""
    regions = find_regions(cell.source)
    solutions = [r for r in regions if r.kind == SOLUTION]
    hidden = [r for r in regions if r.kind == HIDDEN_TESTS]
    if solutions and not is_solution(cell):
        raise MarkerError("holds a BEGIN SOLUTION region but is not a solution cell; set "
                          "metadata nbgrader.solution to true (nbgrader refuses it otherwise).")
    if hidden and not is_grade(cell):
        raise MarkerError("holds a BEGIN HIDDEN TESTS region but is not a grade cell; set "
                          "metadata nbgrader.grade to true with points.")
    if is_solution(cell) and not solutions:
        if cell.cell_type == "markdown":
            counts["written"] += 1
            return "\n".join(stubs.text_stub())
        if cell.cell_type == "code":
            raise MarkerError(
                "is a code solution cell without a BEGIN SOLUTION / END SOLUTION region; wrap "
                "the body of the function in the markers and keep the signature and docstring "
                "outside them, so the student version still defines the function.")

    lines = cell.source.split("\n")

    def replacement(region: Region) -> list[str]:
        if region.kind == HIDDEN_TESTS:
            counts["hidden"] += 1
            return []
        if cell.cell_type != "code":
            counts["written"] += 1
            return stubs.text_stub(region.indent)
        counts["solution"] += 1
        hint = stubs.find_hint(region.body)
        if hint is None:
            function = stubs.enclosing_function(lines, region.begin, region.indent)
            hint = f"write the body of {function}" if function else stubs.GENERIC_HINT
        return stubs.code_stub(region.indent, hint)

    return replace_regions(cell.source, regions, replacement)


def _check_still_python(old: str, new: str, where: str) -> None:
    try:
        parse_python(python_only(old))
    except SyntaxError:
        return  # not Python to begin with; nothing to compare
    try:
        parse_python(python_only(new))
    except SyntaxError as err:
        raise ReleaseError(
            f"{where}: the student version of this cell is not valid Python ({err.msg}, line "
            f"{err.lineno}); put the BEGIN/END SOLUTION markers around whole statements.") from None


def _definitions(tree: ast.AST, prefix: str = "") -> dict[str, int]:
    """Qualified names of the functions and classes a cell defines, with their line:
    top-level ones and the methods of top-level classes, not helpers inside functions."""
    found: dict[str, int] = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[prefix + node.name] = node.lineno
            if isinstance(node, ast.ClassDef):
                found.update(_definitions(node, f"{prefix}{node.name}."))
    return found


def _check_definitions_kept(old: str, new: str, where: str) -> None:
    try:
        before = _definitions(parse_python(python_only(old)))
        after = _definitions(parse_python(python_only(new)))
    except SyntaxError:
        return  # not Python; _check_still_python has had its say
    lost = [name for name in before if name not in after]
    if lost:
        line = old.split("\n")[before[lost[0]] - 1].strip()
        raise ReleaseError(
            f"{where}: a solution region covers the line `{line}`, so the student version "
            f"would not define {', '.join(lost)}. Keep the signature (and docstring) outside "
            "the BEGIN SOLUTION / END SOLUTION markers and put only the body inside them.")


def _check_grade_ids(nb, name: str) -> None:
    """nbgrader's own requirements on the metadata of grade and solution cells."""
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        where = cell_location(name, index, cell)
        if meta.get("schema_version") != 3:
            raise ReleaseError(f"{where}: nbgrader metadata needs schema_version 3, "
                               f"got {meta.get('schema_version')!r}.")
        if not (meta.get("grade") or meta.get("solution") or meta.get("locked")
                or meta.get("task")):
            continue
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not _GRADE_ID.match(grade_id):
            raise ReleaseError(f"{where}: nbgrader grade_id must be letters, digits, '_' or '-'; "
                               f"got {grade_id!r}.")
        if grade_id in seen:
            raise ReleaseError(f"{where}: grade_id {grade_id!r} is also used by cell "
                               f"{seen[grade_id]}; each grade_id must be unique in a notebook.")
        seen[grade_id] = index
        if meta.get("grade") and not isinstance(meta.get("points"), (int, float)):
            raise ReleaseError(f"{where}: a grade cell needs numeric nbgrader 'points', "
                               f"got {meta.get('points')!r}.")
