"""Answer-key consistency of the real notebooks (whatever notebooks/[0-9]*.ipynb exist, and
the notebooks of each other-language edition, notebooks/<language>/[0-9]*.ipynb).

The committed notebooks are the answer key. For each one:

* every exercise (a code cell with nbgrader ``solution: true``) is followed by a check
  cell of the course format before the next exercise, and that check calls the exercise;
* every check passes on the answer key: its committed output is a "✔" verdict (nbval
  separately proves that the committed outputs are current);
* the student version released from it contains no solution text;
* the student version runs from top to bottom in a fresh kernel with no error, every
  check reporting "not implemented", the cells below continuing with the reference the
  check returned.

One release run is shared by all tests; each student version is executed once.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from course_utils.checks.feedback import STRICT_ENV_VAR, Status
from course_utils.release.cli import release
from course_utils.release.dependencies import name_flow
from course_utils.release.errors import ReleaseError
from course_utils.release.execute import execute_notebook
from course_utils.release.leaks import find_leaks, secret_lines
from course_utils.release.verdicts import is_check_cell, is_exercise_cell, verdicts

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb")) + sorted(NOTEBOOK_DIR.glob("*/[0-9]*.ipynb"))
IDS = [path.relative_to(NOTEBOOK_DIR).with_suffix("").as_posix() for path in NOTEBOOKS]
CELL_TIMEOUT = 600

pytestmark = pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)


def answer_key(path: Path):
    return nbformat.read(path, as_version=4)


def label(path: Path) -> str:
    """The notebook's path under notebooks/: ``01_exploring_mnist.ipynb``, ``es/01_...``."""
    return path.relative_to(NOTEBOOK_DIR).as_posix()


def edition_language(path: Path) -> str | None:
    """``"es"`` for a notebook of the Spanish edition, ``None`` for the English answer key."""
    return None if path.parent == NOTEBOOK_DIR else path.parent.name


def exercises_and_checks(nb):
    """``[(exercise index, [check indices before the next exercise]), ...]``."""
    exercises = [i for i, cell in enumerate(nb.cells) if is_exercise_cell(cell)]
    bounds = [*exercises[1:], len(nb.cells)] if exercises else []
    return [(start, [i for i in range(start + 1, end) if is_check_cell(nb.cells[i])])
            for start, end in zip(exercises, bounds, strict=True)]


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """All notebooks released once, into a folder named like the source folder so that
    relative paths in the notebooks resolve the same way (an edition's notebooks go into
    its subfolder, as ``python -m course_utils.release`` writes them). A notebook the
    release refuses fails its own tests (with the reason), not the others'."""
    out = tmp_path_factory.mktemp("release") / "notebooks"
    for path in NOTEBOOKS:
        destination = out / label(path)
        try:
            release(destination.parent, [path])
        except ReleaseError as err:
            destination.parent.mkdir(parents=True, exist_ok=True)
            (out / f"{label(path)}.error").write_text(str(err))
    return out


def student_version(student_dir: Path, path: Path):
    error = student_dir / f"{label(path)}.error"
    if error.exists():
        pytest.fail(f"the release refused {label(path)}: {error.read_text()}")
    return nbformat.read(student_dir / label(path), as_version=4)


@pytest.fixture(scope="module")
def executed(student_dir):
    """Each student version executed at most once (on first request), then cached."""
    cache: dict[str, object] = {}

    def run(name: str):
        if name not in cache:
            nb = nbformat.read(student_dir / name, as_version=4)
            env = {key: value for key, value in os.environ.items() if key != STRICT_ENV_VAR}
            try:
                cache[name] = execute_notebook(nb, (student_dir / name).parent,
                                               timeout=CELL_TIMEOUT, env=env)
            except Exception as err:  # noqa: BLE001 - reported by the test that needs it
                cache[name] = err
        return cache[name]

    return run


def test_every_exercise_is_followed_by_a_check_that_calls_it(path):
    nb = answer_key(path)
    for exercise, checks in exercises_and_checks(nb):
        assert checks, (f"{label(path)}: the exercise in cell {exercise} has no check cell "
                        "(nbgrader grade: true) before the next exercise")
        defined = name_flow(nb.cells[exercise].source).defines
        assert any(name_flow(nb.cells[c].source).uses & defined for c in checks), (
            f"{label(path)}: no check after cell {exercise} uses what it defines {sorted(defined)}")


def test_exercise_and_check_cells_follow_the_course_format(path):
    for index, cell in enumerate(answer_key(path).cells):
        meta = cell.metadata.get("nbgrader", {})
        tags = cell.metadata.get("tags", [])
        where = f"{label(path)}, cell {index}"
        if is_exercise_cell(cell):
            assert "exercise" in tags, f"{where}: a solution cell needs the tag 'exercise'"
            assert (meta.get("grade"), meta.get("locked")) == (False, False), where
            assert "### BEGIN SOLUTION" in cell.source, where
        if is_check_cell(cell):
            assert "check" in tags, f"{where}: a grade cell needs the tag 'check'"
            assert meta.get("locked") is True and meta.get("points", 0) > 0, where


def test_every_check_passes_on_the_answer_key(path):
    nb = answer_key(path)
    for _, checks in exercises_and_checks(nb):
        for index in checks:
            found = verdicts(nb.cells[index])
            assert found, (f"{label(path)}, cell {index}: the committed output has no check "
                           "verdict; execute the notebook before committing it")
            assert all(v.status is Status.CORRECT for v in found), (
                f"{label(path)}, cell {index}: the answer key does not pass its check: "
                + ", ".join(f"{v.exercise}: {v.status.value}" for v in found))


def test_student_version_contains_no_solution_text(path, student_dir):
    nb = answer_key(path)
    student = student_version(student_dir, path)
    assert not find_leaks(student, secret_lines(nb))
    for exercise, _ in exercises_and_checks(student):
        assert "raise NotImplementedError(" in student.cells[exercise].source
    if not exercises_and_checks(nb):
        assert student.cells == nb.cells, "a notebook without exercises is released unchanged"


def test_student_version_runs_to_the_end_with_every_check_not_implemented(
        path, student_dir, executed):
    if not exercises_and_checks(answer_key(path)):
        pytest.skip("no exercises: the student version has the answer key's cells, which "
                    "nbval runs")
    student_version(student_dir, path)  # fails here if the release refused the notebook
    result = executed(label(path))
    if isinstance(result, Exception):
        pytest.fail(f"the student version of {label(path)} does not run top to bottom:\n"
                    f"{result}")
    checks = [(i, cell) for i, cell in enumerate(result.cells) if is_check_cell(cell)]
    assert checks
    for index, cell in checks:
        found = verdicts(cell)
        assert found and all(v.status is Status.NOT_IMPLEMENTED for v in found), (
            f"{label(path)}, cell {index}: expected 'not implemented', got "
            f"{[v.status.value for v in found]}")
    unrun = [i for i, cell in enumerate(result.cells)
             if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None]
    assert not unrun, f"{label(path)}: cells {unrun} were not executed"


def test_grade_ids_are_unique_and_an_edition_suffixes_them_with_its_language(path):
    nb = answer_key(path)
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
           if cell.metadata.get("nbgrader", {}).get("grade_id")]
    duplicates = sorted({grade_id for grade_id in ids if ids.count(grade_id) > 1})
    assert not duplicates, f"{label(path)}: grade ids used twice: {duplicates}"
    language = edition_language(path)
    if language is None:
        return
    english = answer_key(NOTEBOOK_DIR / path.name)
    assert ids == [f"{cell.metadata['nbgrader']['grade_id']}-{language}" for cell in english.cells
                   if cell.metadata.get("nbgrader", {}).get("grade_id")], (
        f"{label(path)}: its grade ids are not the English ones suffixed with -{language}; "
        "rebuild it with python -m course_utils.translate")
    assert nb.metadata.get("language") == language, (
        f"{label(path)}: the notebook metadata must say language {language!r} (the grader "
        "picks the answer key by it)")
