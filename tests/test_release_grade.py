"""Grading without nbgrader: execute submissions, points from their check verdicts."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils.release import make_student_version
from course_utils.release.grade import main

SOLUTION_META = {"grade": False, "grade_id": "ex1-one-hot", "locked": False,
                 "schema_version": 3, "solution": True, "task": False}
CHECK_META = {"grade": True, "grade_id": "ex1-one-hot-check", "locked": True, "points": 2,
              "schema_version": 3, "solution": False, "task": False}
HEAD = 'def one_hot(labels, num_classes=10):\n    """labels (n,) int -> (n, k) float32."""\n'
BODY = {
    "answer key": ("    ### BEGIN SOLUTION\n"
                   "    return np.eye(num_classes, dtype=np.float32)[labels]\n"
                   "    ### END SOLUTION"),
    "transposed": "    return np.eye(num_classes, dtype=np.float32)[labels].T",
}


def course_notebook(body):
    setup = new_code_cell("import numpy as np\nfrom course_utils.checks.ch01 import check_one_hot")
    exercise = new_code_cell(HEAD + body)
    exercise.metadata["nbgrader"] = dict(SOLUTION_META)
    check = new_code_cell("one_hot = check_one_hot(one_hot)")
    check.metadata["nbgrader"] = dict(CHECK_META)
    after = new_code_cell("print(one_hot(np.array([1]), 3))")
    nb = new_notebook(cells=[setup, exercise, check, after])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    key = course_notebook(BODY["answer key"])
    (root / "notebooks").mkdir()
    nbformat.write(key, root / "notebooks" / "01_t.ipynb")
    student, _ = make_student_version(key, "01_t.ipynb")
    submissions = {
        "right": course_notebook(BODY["answer key"].replace("### ", "# ")),
        "wrong": course_notebook(BODY["transposed"]),
        "tampered": student,  # the released stub, with a check cell edited to claim a pass
    }
    submissions["tampered"].cells[2].source = 'print("✔ one_hot: correct")'
    submissions["right"].cells.insert(1, new_code_cell("1 / 0"))  # a crash does not stop grading
    paths = []
    for student_name, nb in submissions.items():
        (root / student_name).mkdir()
        nbformat.write(nb, root / student_name / "01_t.ipynb")
        paths.append(str(root / student_name / "01_t.ipynb"))
    return root, paths


def test_each_submission_gets_the_points_its_check_verdict_earns(graded, capsys):
    root, paths = graded
    assert main([*paths, "--answer-key", str(root / "notebooks")]) == 0
    out = capsys.readouterr().out
    totals = {line.split("/01_t.ipynb")[0].rsplit("/", 1)[1]: line.rsplit(": ", 1)[1]
              for line in out.splitlines() if line.endswith("points")}
    assert totals == {"right": "2/2 points", "wrong": "0/2 points", "tampered": "0/2 points"}
    assert "one_hot: mistake" in out
    assert "one_hot: not implemented" in out


def test_a_submission_without_its_check_cell_is_reported(graded, tmp_path, capsys):
    root, _ = graded
    nb = course_notebook(BODY["answer key"])
    del nb.cells[2]
    (tmp_path / "01_t.ipynb").write_text(nbformat.writes(nb))
    assert main([str(tmp_path / "01_t.ipynb"), "--answer-key", str(root / "notebooks")]) == 2
    assert "'ex1-one-hot-check' of the answer key is missing" in capsys.readouterr().err
