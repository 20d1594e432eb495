"""nbgrader, for real: the course notebooks go through a throwaway nbgrader course, and
nbgrader's autograde agrees with ``course_utils.release.grade`` on the same submissions.

1. ``nbgrader generate_assignment`` converts every notebook of ``notebooks/`` (one
   assignment holding all of them); its student versions must match the course's own
   release cell for cell, and carry the checksums ``course_utils.release.checksums``
   computes.
2. Three students submit every notebook: the answer key itself; "wrong", whose last
   exercise is left as the stub; "attacker", whose last exercise is the stub plus a
   ``def check_...`` that prints a pass (the fake-pass attack). Only the last exercise
   is touched, because in strict mode (how nbgrader grades) a failed exercise keeps the
   student's function for the cells below, while the course's grader hands them the
   reference: a change to an earlier exercise could move later scores apart by design.
3. ``COURSE_STRICT_CHECKS=1 nbgrader autograde`` and ``python -m course_utils.release.grade``
   grade the same files, at the same time (one core each).

Expected scores come from the answer keys' nbgrader metadata, whatever the exercises.
To keep the run to a few minutes, each submission keeps only the code cells the checks
need (the exercises, the checks, and what they read, found with the release tool's name
flow); the other cells are deleted, as a student may delete unlocked cells.

Needs nbgrader (``pip install -r requirements-nbgrader.txt``); skipped without it,
unless ``COURSE_REQUIRE_NBGRADER=1`` (set by ``.ci/run``) turns the skip into a failure.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.checks.feedback import STRICT_ENV_VAR
from course_utils.release import make_student_version
from course_utils.release.checksums import compute_checksum
from course_utils.release.dependencies import name_flow
from course_utils.release.grade import answer_key_checks
from course_utils.release.markers import SOLUTION, find_regions, replace_regions
from course_utils.release.stubs import code_stub
from course_utils.release.verdicts import is_check_cell, is_exercise_cell

pytestmark = pytest.mark.nbgrader

REQUIRE_ENV_VAR = "COURSE_REQUIRE_NBGRADER"
REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
ASSIGNMENT = "ps"
STUDENTS = ("key", "wrong", "attacker")
VENV_BIN = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from here


def _nbgrader_command() -> list[str]:
    path = os.pathsep.join([VENV_BIN, os.environ.get("PATH", "")])
    found = shutil.which("nbgrader", path=path)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        found = None
    if found is None:
        reason = ("nbgrader is not installed in this environment; install it with "
                  "`pip install -r requirements-nbgrader.txt` (see that file)")
        if os.environ.get(REQUIRE_ENV_VAR) == "1":
            pytest.fail(f"{REQUIRE_ENV_VAR}=1 but {reason}.")
        pytest.skip(reason)
    return [found]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PATH=os.pathsep.join([VENV_BIN, os.environ.get("PATH", "")]))
    env.pop(STRICT_ENV_VAR, None)
    env.update(extra)
    return env


# ------------------------------------------------------------------ submissions


def needed_cells(nb) -> set[int]:
    """Indices of the code cells the nbgrader cells need: every nbgrader cell, and every
    earlier cell that binds or modifies a name a needed cell reads (a backward slice over
    the release tool's name flow; a simple rebinding hides the definitions before it)."""
    keep: set[int] = set()
    wanted: set[str] = set()
    for index in range(len(nb.cells) - 1, -1, -1):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        flow = name_flow(cell.source)
        if "nbgrader" in cell.metadata or (flow.defines | flow.modifies) & wanted:
            keep.add(index)
            for statement in reversed(flow.statements):
                if statement.simple:
                    wanted -= statement.binds
                wanted |= statement.reads
    return keep


def last_exercise(nb) -> int:
    return max(i for i, cell in enumerate(nb.cells) if is_exercise_cell(cell))


def stub_exercise(cell) -> str:
    """The exercise's source with every solution region replaced by the plain stub."""
    regions = [r for r in find_regions(cell.source) if r.kind == SOLUTION]
    return replace_regions(cell.source, regions,
                           lambda region: code_stub(region.indent, "not done"))


def called_check(check_source: str) -> str:
    """The name of the check function a check cell calls (``x = check_x(x)``)."""
    calls = [node.func.id for node in ast.walk(ast.parse(check_source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id.startswith("check_")]
    assert calls, f"no check_... call in {check_source!r}"
    return calls[0]


def imports_its_check(check_source: str) -> bool:
    """Whether a check cell imports the check it calls (then a ``def`` in an exercise
    cell cannot shadow it, under nbgrader too)."""
    name = called_check(check_source)
    return any(isinstance(node, ast.ImportFrom)
               and any((alias.asname or alias.name) == name for alias in node.names)
               for node in ast.walk(ast.parse(check_source)))


def submission(answer_key, student: str):
    nb = nbformat.from_dict(json.loads(json.dumps(answer_key)))
    last = last_exercise(nb)
    if student in ("wrong", "attacker"):
        nb.cells[last].source = stub_exercise(nb.cells[last])
    if student == "attacker":
        check = next(c for c in nb.cells[last + 1:] if is_check_cell(c))
        nb.cells[last].source = (f"def {called_check(check.source)}(fn):\n"
                                 "    print('✔ exercise: correct')\n"
                                 "    return fn\n\n\n" + nb.cells[last].source)
    keep = needed_cells(nb)
    nb.cells = [cell for i, cell in enumerate(nb.cells) if cell.cell_type != "code" or i in keep]
    return nb


def expected_points(answer_key, student: str, grader: str) -> dict[str, float]:
    """Points per check, from the answer key's metadata."""
    checks = answer_key_checks(answer_key)
    last = last_exercise(answer_key)
    last_check = next(c.metadata["nbgrader"]["grade_id"] for c in answer_key.cells[last + 1:]
                      if is_check_cell(c))
    expected = {grade_id: points for grade_id, points, _ in checks}
    if student == "wrong":
        expected[last_check] = 0.0
    if student == "attacker":
        source = next(s for g, _, s in checks if g == last_check)
        fooled = grader == "nbgrader" and not imports_its_check(source)
        # nbgrader counts a test cell that does not raise as passed: the fake check fools it
        expected[last_check] = expected[last_check] if fooled else 0.0
    return expected


# ------------------------------------------------------------------ the course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    nbgrader = _nbgrader_command()
    root = tmp_path_factory.mktemp("nbgrader-course")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'course-roundtrip'\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n")
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source / path.name)
    done = subprocess.run([*nbgrader, "generate_assignment", ASSIGNMENT], cwd=root, env=_env(),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    keys = {path.name: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
    for student in STUDENTS:
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, key in keys.items():
            nbformat.write(submission(key, student), folder / name)
    return root, nbgrader, keys


@pytest.fixture(scope="module")
def scores(course):
    """``{(grader, student, notebook): {grade_id: points}}`` from both graders, run at once."""
    root, nbgrader, keys = course
    log = (root / "autograde.log").open("w")
    autograde = subprocess.Popen([*nbgrader, "autograde", ASSIGNMENT], cwd=root,
                                 env=_env(**{STRICT_ENV_VAR: "1"}), stdout=log,
                                 stderr=subprocess.STDOUT)
    report = root / "course-grader.json"
    paths = [str(root / "submitted" / s / ASSIGNMENT / name) for s in STUDENTS for name in keys]
    ours = subprocess.run([sys.executable, "-m", "course_utils.release.grade", *paths,
                           "--answer-key", str(REPO / "notebooks"), "--json", str(report)],
                          cwd=root, env=_env(), capture_output=True, text=True, timeout=1800)
    autograde.wait(timeout=1800)
    log.close()
    assert ours.returncode == 0, ours.stderr[-3000:]
    assert autograde.returncode == 0, (root / "autograde.log").read_text()[-3000:]
    found = {}
    for row in json.loads(report.read_text()):
        student = Path(row["submission"]).parent.parent.name
        found["course", student, row["notebook"]] = {c["grade_id"]: c["points"]
                                                     for c in row["checks"]}
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            for name in keys:
                graded = gradebook.find_submission_notebook(Path(name).stem, ASSIGNMENT, student)
                # Written answers (Markdown answer cells) wait for a person: nbgrader gives
                # them no automatic score, the course's grader does not grade them either.
                written = {grade.name for grade in graded.grades
                           if grade.cell.cell_type == "markdown"}
                assert all(grade.needs_manual_grade for grade in graded.grades
                           if grade.name in written), f"{student}/{name}: {sorted(written)}"
                found["nbgrader", student, name] = {grade.name: grade.score
                                                    for grade in graded.grades
                                                    if grade.name not in written}
                found["written", student, name] = written
    return found


# ------------------------------------------------------------------ tests


def test_nbgrader_releases_every_notebook_as_the_course_release_does(course):
    root, _, keys = course
    for name, key in keys.items():
        theirs = nbformat.read(root / "release" / ASSIGNMENT / name, as_version=4)
        ours, _ = make_student_version(key, name)
        assert len(theirs.cells) == len(ours.cells), name
        for index, (a, b) in enumerate(zip(theirs.cells, ours.cells, strict=True)):
            where = f"{name}, cell {index}"
            meta_a, meta_b = a.metadata.get("nbgrader"), b.metadata.get("nbgrader")
            assert (meta_a is None) == (meta_b is None), where
            if meta_a is None:
                assert a.source == b.source, where
                continue
            # our stubs carry a hint in NotImplementedError(...); nbgrader's are bare
            assert [line.split("raise NotImplementedError(")[0] for line in a.source.split("\n")] \
                == [line.split("raise NotImplementedError(")[0] for line in b.source.split("\n")], \
                where
            assert {k: v for k, v in meta_a.items() if k != "checksum"} \
                == {k: v for k, v in meta_b.items() if k != "checksum"}, where
            if "checksum" in meta_a:
                assert compute_checksum(a) == meta_a["checksum"], where


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_both_graders_give_the_points_the_answer_key_predicts(scores, course, student, name):
    _, _, keys = course
    for grader in ("course", "nbgrader"):
        assert scores[grader, student, name] == expected_points(keys[name], student, grader), \
            f"{grader} on {student}/{name}"


def test_written_answers_are_left_for_manual_grading(scores, course):
    _, _, keys = course
    for name, key in keys.items():
        answers = {cell.metadata["nbgrader"]["grade_id"] for cell in key.cells
                   if cell.cell_type == "markdown"
                   and cell.metadata.get("nbgrader", {}).get("grade")}
        assert answers, f"{name} has no written-answer cell"
        for student in STUDENTS:
            assert scores["written", student, name] == answers, f"{student}/{name}"


def test_the_graders_agree_except_where_nbgrader_is_fooled(scores, course):
    _, _, keys = course
    for student in STUDENTS:
        for name, key in keys.items():
            ours, theirs = scores["course", student, name], scores["nbgrader", student, name]
            differ = {g for g in ours if ours[g] != theirs[g]}
            allowed = {g for g in ours if expected_points(key, student, "course")[g]
                       != expected_points(key, student, "nbgrader")[g]}
            assert differ == allowed, f"{student}/{name}: {ours} vs {theirs}"
