"""Grading without nbgrader: the real checks decide, whatever the submission does to fake a
pass, and a fault in one cell costs only the checks it breaks.

One grading run over many submissions (each a kernel) is shared by most tests; each
submission attacks the grader or breaks in its own way. Expected scores come from the
synthetic answer key below: softmax is worth 2 points, one_hot 1.
"""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils.release.grade import main

SOFTMAX_META = {"grade": False, "grade_id": "ex-softmax", "locked": False,
                "schema_version": 3, "solution": True, "task": False}
SOFTMAX_CHECK = {"grade": True, "grade_id": "ex-softmax-check", "locked": True, "points": 2,
                 "schema_version": 3, "solution": False, "task": False}
ONE_HOT_META = {"grade": False, "grade_id": "ex-one-hot", "locked": False,
                "schema_version": 3, "solution": True, "task": False}
ONE_HOT_CHECK = {"grade": True, "grade_id": "ex-one-hot-check", "locked": True, "points": 1,
                 "schema_version": 3, "solution": False, "task": False}

SETUP = ("import numpy as np\nfrom course_utils.checks.ch01 import check_one_hot\n"
         "from course_utils.checks.ch02 import check_softmax")
SOFTMAX = ("def softmax(z):\n"
           "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
           "    return e / e.sum(axis=1, keepdims=True)")
WRONG_SOFTMAX = "def softmax(z):\n    return z"
ONE_HOT = ("def one_hot(labels, num_classes=10):\n"
           "    return np.eye(num_classes, dtype=np.float32)[labels]")


def course_notebook(softmax=SOFTMAX, one_hot=ONE_HOT, *, softmax_check=None, extra=()):
    """Setup, softmax with its check, one_hot with its check, a cell that uses one_hot."""
    cells = [new_code_cell(SETUP), new_code_cell(softmax),
             new_code_cell(softmax_check or "softmax = check_softmax(softmax)"),
             new_code_cell(one_hot), new_code_cell("one_hot = check_one_hot(one_hot)"),
             new_code_cell("print(one_hot(np.array([1]), 3))"), *map(new_code_cell, extra)]
    for cell, meta in zip(cells[1:5], (SOFTMAX_META, SOFTMAX_CHECK, ONE_HOT_META, ONE_HOT_CHECK),
                          strict=True):
        cell.metadata["nbgrader"] = dict(meta)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def answer_key():
    nb = course_notebook(SOFTMAX.replace("    e = ", "    ### BEGIN SOLUTION\n    e = ")
                         + "\n    ### END SOLUTION")
    return nb


FAKE_PRINT = "print('✔ softmax: correct')"

SUBMISSIONS = {
    "right": course_notebook(),
    "wrong": course_notebook(WRONG_SOFTMAX),
    # the attack: a check defined in the exercise cell
    "fake-check": course_notebook(
        f"def check_softmax(fn):\n    {FAKE_PRINT}\n    return fn\n\n" + WRONG_SOFTMAX),
    # patching the course's checks, their feedback machinery and sys.modules
    "monkeypatch": course_notebook(
        "import sys, types\nimport course_utils.checks.ch02 as ch02\n"
        "import course_utils.checks.feedback as fb\n"
        f"ch02.check_softmax = lambda fn: ({FAKE_PRINT}, fn)[1]\n"
        "fb.report = lambda verdict, mine, reference: (print('✔', verdict.exercise + ':', "
        "'correct'), mine)[1]\n"
        "fb.Feedback.passed = property(lambda self: True)\n"
        "fb.compare_arrays = lambda *args, **kwargs: None\n"
        "fake = types.ModuleType('course_utils.checks.ch02')\n"
        "fake.check_softmax = ch02.check_softmax\n"
        "sys.modules['course_utils.checks.ch02'] = fake\n" + WRONG_SOFTMAX),
    # a function that patches the checks while it is being checked
    "patch-during-check": course_notebook(
        "def softmax(z):\n    import course_utils.checks.feedback as fb\n"
        "    fb.compare_arrays = lambda *args, **kwargs: None\n"
        "    fb.report = lambda verdict, mine, reference: mine\n    return z"),
    # printing: builtins.print, sys.stdout, and fake verdict text in the check cell itself
    "print": course_notebook(
        "import builtins, sys\n_real = builtins.print\n"
        "builtins.print = lambda *a, **k: _real('✔ softmax: correct')\n"
        "class Out:\n    def write(self, text):\n"
        "        sys.__stdout__.write('✔ softmax: correct\\n')\n"
        "    def flush(self):\n        pass\n"
        "sys.stdout = Out()\n" + WRONG_SOFTMAX,
        softmax_check=FAKE_PRINT),
    "system-exit": course_notebook(
        f"def softmax(z):\n    {FAKE_PRINT}\n    raise SystemExit(0)"),
    # the check calls this function, which prints a pass and kills the kernel
    "os-exit": course_notebook(
        "def softmax(z):\n    import os\n    print('✔ softmax: correct', flush=True)\n"
        "    os._exit(0)"),
    # a thread that rewrites every verdict file it can find with a pass
    "forger": course_notebook(
        "import glob, json, os, tempfile, threading, time\n"
        "def forge():\n    while True:\n"
        "        for path in glob.glob(os.path.join(tempfile.gettempdir(), 'course-verdicts-*', "
        "'*.json')):\n"
        "            try:\n                body = json.dumps({'grade_id': 'ex-softmax-check', "
        "'verdicts': [['softmax', 'correct']], 'finished': True, 'error': None})\n"
        "                open(path, 'w').write('0' * 64 + '\\n' + body)\n"
        "            except OSError:\n                pass\n        time.sleep(0.001)\n"
        "threading.Thread(target=forge, daemon=True).start()\n" + WRONG_SOFTMAX),
    # one infinite loop: the other checks are still graded
    "infinite-loop": course_notebook(one_hot="while True:\n    pass\n" + ONE_HOT),
    # a loop that swallows the interrupt: the kernel is replaced, the rest still graded
    "stubborn-loop": course_notebook(
        one_hot="import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                "    except KeyboardInterrupt:\n        pass\n" + ONE_HOT),
    "deleted-check": course_notebook(),
}
del SUBMISSIONS["deleted-check"].cells[2]  # the softmax check


# Seconds per cell: long enough for the ordinary cells on a busy machine (importing the checks
# takes a few seconds there), short enough that the two endless loops do not take all day.
CELL_TIMEOUT = 25


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "notebooks").mkdir()
    nbformat.write(answer_key(), root / "notebooks" / "01_t.ipynb")
    paths = {}
    for name, nb in SUBMISSIONS.items():
        (root / "submissions" / name).mkdir(parents=True)
        paths[name] = root / "submissions" / name / "01_t.ipynb"
        nbformat.write(nb, paths[name])
    return root, paths


@pytest.fixture(scope="module")
def graded(course):
    """Every submission graded in one run, plus an unreadable one; the JSON report."""
    root, paths = course
    broken = root / "submissions" / "broken" / "01_t.ipynb"
    broken.parent.mkdir()
    broken.write_text('{"cells": [')
    report = root / "out" / "scores.json"
    table = root / "out" / "scores.csv"
    status = main([*map(str, paths.values()), str(broken), "--answer-key", str(root / "notebooks"),
                   "--cell-timeout", str(CELL_TIMEOUT), "--json", str(report), "--csv", str(table)])
    rows = {os.path.basename(os.path.dirname(row["submission"])): row
            for row in json.loads(report.read_text())}
    return status, rows, table


def points(rows, name):
    return {check["grade_id"]: check["points"] for check in rows[name]["checks"]}


def verdict(rows, name, grade_id):
    return next(c["verdict"] for c in rows[name]["checks"] if c["grade_id"] == grade_id)


def test_right_and_wrong_answers_get_the_points_their_verdicts_earn(graded):
    _, rows, _ = graded
    assert points(rows, "right") == {"ex-softmax-check": 2, "ex-one-hot-check": 1}
    assert points(rows, "wrong") == {"ex-softmax-check": 0, "ex-one-hot-check": 1}
    assert verdict(rows, "wrong", "ex-softmax-check").startswith("softmax: mistake")


@pytest.mark.parametrize("attack", ["fake-check", "monkeypatch", "patch-during-check", "print",
                                    "system-exit", "os-exit", "forger"])
def test_a_submission_that_fakes_a_pass_gets_no_points_for_it(graded, attack):
    _, rows, _ = graded
    assert points(rows, attack)["ex-softmax-check"] == 0
    if attack != "forger":  # the forger's thread spoils every verdict file, its own one_hot's too
        assert points(rows, attack)["ex-one-hot-check"] == 1  # the honest part is still graded


def test_the_reason_for_no_points_says_what_happened(graded):
    _, rows, _ = graded
    assert "mistake" in verdict(rows, "fake-check", "ex-softmax-check")
    assert "SystemExit" in verdict(rows, "system-exit", "ex-softmax-check")
    assert "kernel died" in verdict(rows, "os-exit", "ex-softmax-check")
    # the forger's thread usually overwrites the verdict before the grader reads it (then its
    # signature fails); if the grader reads first, the real verdict stands: no points either way
    assert verdict(rows, "forger", "ex-softmax-check").startswith(
        ("no points: the verdict failed its integrity check", "softmax: mistake"))
    assert "deleted" in verdict(rows, "deleted-check", "ex-softmax-check")


@pytest.mark.parametrize("name", ["infinite-loop", "stubborn-loop"])
def test_a_cell_that_never_ends_costs_only_the_checks_that_need_it(graded, name):
    _, rows, _ = graded
    assert points(rows, name) == {"ex-softmax-check": 2, "ex-one-hot-check": 0}
    assert "NameError" in verdict(rows, name, "ex-one-hot-check")  # one_hot never got defined


def test_a_deleted_check_cell_scores_zero_and_the_others_are_graded(graded):
    _, rows, _ = graded
    assert points(rows, "deleted-check") == {"ex-softmax-check": 0, "ex-one-hot-check": 1}


def test_an_unreadable_submission_is_named_scored_zero_and_the_run_goes_on(graded, capsys):
    status, rows, _ = graded
    assert status == 2
    assert "not valid JSON" in rows["broken"]["problem"]
    assert "broken/01_t.ipynb" in rows["broken"]["problem"]
    assert rows["broken"]["points"] == 0 and rows["broken"]["max_points"] == 3
    assert len(rows) == len(SUBMISSIONS) + 1


def test_submissions_are_named_by_path_and_attempts_are_flagged_for_review(graded):
    _, rows, _ = graded
    for name, row in rows.items():
        assert row["submission"].endswith(f"submissions/{name}/01_t.ipynb")
    assert any("defines or rebinds a check" in flag for flag in rows["fake-check"]["flags"])
    assert any("replaces builtins or printing" in flag for flag in rows["print"]["flags"])
    assert any("exits or kills the kernel" in flag for flag in rows["os-exit"]["flags"])
    assert rows["right"]["flags"] == [] and rows["wrong"]["flags"] == []


def test_the_csv_has_one_row_per_submission_with_points_per_check(graded):
    _, rows, table = graded
    lines = table.read_text().splitlines()
    assert lines[0] == ("submission,notebook,points,max_points,problem,flags,"
                        "ex-softmax-check,ex-one-hot-check")
    assert len(lines) == len(rows) + 1
    right = next(line for line in lines if "/right/" in line)
    assert right.endswith(",01_t.ipynb,3,3,,0,2,1")


def test_past_the_deadline_the_remaining_checks_score_zero_with_that_reason(course, tmp_path,
                                                                            capsys):
    root, _ = course
    slow = course_notebook()
    slow.cells.insert(1, new_code_cell("import time\ntime.sleep(3600)"))  # within the cell timeout
    path = tmp_path / "slow" / "01_t.ipynb"
    path.parent.mkdir()
    nbformat.write(slow, path)
    report = tmp_path / "scores.json"
    assert main([str(path), "--answer-key", str(root / "notebooks"), "--deadline", "5",
                 "--json", str(report)]) == 0
    (row,) = json.loads(report.read_text())
    assert [c["points"] for c in row["checks"]] == [0, 0]
    assert all("the notebook deadline of 5 s was reached" in c["verdict"] for c in row["checks"])
    assert f"{path}: 0/3 points" in capsys.readouterr().out


def test_help_shows_the_timeouts_and_the_report_options(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--cell-timeout SECONDS" in text and "(default: 600)" in text
    assert "--deadline SECONDS" in text and "(default: 3600)" in text
    assert "--csv FILE" in text and "--json FILE" in text


def test_a_missing_answer_key_is_named_with_the_submission(course, capsys):
    root, paths = course
    assert main([str(paths["right"]), "--answer-key", str(root / "submissions")]) == 2
    assert f"error: {paths['right']}: no answer key" in capsys.readouterr().err


def test_grading_stops_when_the_course_sources_change_during_a_run(tmp_path, monkeypatch,
                                                                   capsys):
    import course_utils.release.grade as grade_module

    (tmp_path / "key").mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), tmp_path / "key" / "01_t.ipynb")
    paths = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        nbformat.write(new_notebook(cells=[new_code_cell("x = 2")]), tmp_path / name / "01_t.ipynb")
        paths.append(str(tmp_path / name / "01_t.ipynb"))
    digests = iter(["before", "after"])  # as if the first submission rewrote a check on disk
    monkeypatch.setattr(grade_module, "source_digest", lambda: next(digests))
    assert main([*paths, "--answer-key", str(tmp_path / "key")]) == 2
    captured = capsys.readouterr()
    assert f"error: {paths[0]}: the course package's source files" in captured.err
    assert "Grading stopped" in captured.err
    assert paths[1] not in captured.out  # the next submission was not run
