"""Student versions and grading of another-language edition (notebooks/es/), end to end.

The Spanish notebook here is built in a temporary course from a small English answer key
and a catalogue filled in by the test, exactly as ``python -m course_utils.translate es``
builds the real ones; nothing depends on the committed Spanish notebooks.
"""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils.checks.feedback import Status
from course_utils.release.cli import main as release_main
from course_utils.release.grade import main as grade_main
from course_utils.release.leaks import find_leaks, secret_lines
from course_utils.release.verdicts import status_words, verdicts
from course_utils.translate import catalog
from course_utils.translate.build import build_notebook

EXERCISE = ("def softmax(z):\n"
            "    # the stable softmax: subtract each row's maximum\n"
            "    ### BEGIN SOLUTION\n"
            "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
            "    return e / e.sum(axis=1, keepdims=True)\n"
            "    ### END SOLUTION")
SPANISH = {
    "Write the softmax.": "Escribe la softmax.",
    EXERCISE: EXERCISE.replace("# the stable softmax: subtract each row's maximum",
                               "# la softmax estable: resta el máximo de cada fila"),
}


def english_answer_key():
    cells = [new_markdown_cell("Write the softmax."),
             new_code_cell("import numpy as np\n"
                           "from course_utils.checks.ch02 import check_softmax"),
             new_code_cell(EXERCISE),
             new_code_cell("softmax = check_softmax(softmax)")]
    for cell, cell_id in zip(cells, ("intro", "setup", "exercise", "check"), strict=True):
        cell.id = cell_id
    cells[2].metadata.update(tags=["exercise"], nbgrader={
        "grade": False, "grade_id": "ex02-1-softmax", "locked": False, "schema_version": 3,
        "solution": True, "task": False})
    cells[3].metadata.update(tags=["check"], nbgrader={
        "grade": True, "grade_id": "ex02-1-softmax-check", "locked": True, "points": 2,
        "schema_version": 3, "solution": False, "task": False})
    cells[3].outputs = [new_output("stream", name="stdout", text="✔ softmax: correct\n")]
    cells[3].execution_count = 1
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with one English notebook and its Spanish edition, built from a catalogue."""
    root = tmp_path_factory.mktemp("course")
    english = english_answer_key()
    po = catalog.update(english, catalog.new_catalogue("01_t", "es"))
    for entry in po:
        entry.msgstr = SPANISH[entry.msgid]
    spanish = build_notebook(english, po, "es")
    (root / "notebooks" / "es").mkdir(parents=True)
    nbformat.write(english, root / "notebooks" / "01_t.ipynb")
    nbformat.write(spanish, root / "notebooks" / "es" / "01_t.ipynb")
    return root


@pytest.fixture(scope="module")
def released(course):
    out = course / "release"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(course)
        assert release_main([str(out)]) == 0
    return out


def test_the_release_writes_each_edition_into_its_own_folder(course, released):
    assert sorted(p.relative_to(released).as_posix() for p in released.rglob("*.ipynb")) == \
        ["01_t.ipynb", "es/01_t.ipynb"]
    student = nbformat.read(released / "es" / "01_t.ipynb", as_version=4)
    answer_key = nbformat.read(course / "notebooks" / "es" / "01_t.ipynb", as_version=4)
    exercise = next(c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "# la softmax estable: resta el máximo de cada fila" in exercise.source
    assert "raise NotImplementedError" in exercise.source
    assert not find_leaks(student, secret_lines(answer_key))
    assert [c.metadata["nbgrader"]["grade_id"] for c in student.cells
            if "nbgrader" in c.metadata] == ["ex02-1-softmax-es", "ex02-1-softmax-check-es"]
    assert student.metadata["language"] == "es"


def test_the_check_runs_the_spanish_student_version_and_reads_its_spanish_verdicts(
        course, released, capsys):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(course)
        status = release_main(["--check", str(released), "--timeout", "300"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "ok 01_t.ipynb: up to date, no solution text; ran top to bottom, 1 check(s)" in out
    assert "ok es/01_t.ipynb: up to date, no solution text; ran top to bottom, 1 check(s)" in out


def test_the_grader_grades_a_spanish_submission_with_the_spanish_answer_key(course, released):
    submissions = course / "submissions"
    for student, path in (("ana", course / "notebooks" / "es" / "01_t.ipynb"),
                          ("ben", course / "notebooks" / "01_t.ipynb"),
                          ("eva", released / "es" / "01_t.ipynb")):
        (submissions / student).mkdir(parents=True)
        (submissions / student / "01_t.ipynb").write_bytes(path.read_bytes())
    report = course / "scores.json"
    status = grade_main([str(p) for p in sorted(submissions.glob("*/01_t.ipynb"))]
                        + ["--answer-key", str(course / "notebooks"), "--cell-timeout", "120",
                           "--json", str(report)])
    assert status == 0
    rows = {row["submission"].split("/")[-2]: row for row in json.loads(report.read_text())}
    assert [(c["grade_id"], c["points"]) for c in rows["ana"]["checks"]] == \
        [("ex02-1-softmax-check-es", 2.0)]
    assert [(c["grade_id"], c["points"]) for c in rows["ben"]["checks"]] == \
        [("ex02-1-softmax-check", 2.0)]
    eva = rows["eva"]["checks"][0]
    assert (eva["grade_id"], eva["points"]) == ("ex02-1-softmax-check-es", 0.0)
    assert "softmax: not implemented" in eva["verdict"]


def test_a_submission_claiming_a_language_the_course_lacks_is_refused(course, capsys):
    nb = nbformat.read(course / "notebooks" / "es" / "01_t.ipynb", as_version=4)
    nb.metadata["language"] = "../.."
    path = course / "odd" / "01_t.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    assert grade_main([str(path), "--answer-key", str(course / "notebooks")]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: its metadata says language '../..', but the course ships 'en'" in err


def test_verdict_lines_are_read_in_every_language_the_course_ships():
    cell = new_code_cell("")
    cell.outputs = [new_output("stream", name="stdout", text=(
        "… softmax: sin implementar\n  Reemplaza la línea ...\n"
        "✘ one_hot: incorrecto — ejes intercambiados (resultado transpuesto)\n"
        "✘ zscore: error\n✔ constant_pixels: correcto\n✔ one_hot: correct\n"))]
    assert [(v.exercise, v.status) for v in verdicts(cell)] == [
        ("softmax", Status.NOT_IMPLEMENTED), ("one_hot", Status.MISTAKE),
        ("zscore", Status.ERROR), ("constant_pixels", Status.CORRECT),
        ("one_hot", Status.CORRECT)]
    words = status_words()
    assert {words[w] for w in ("correcto", "incorrecto", "sin implementar", "error")} == set(Status)
