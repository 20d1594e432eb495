"""The grader's harness without a kernel: the verdict channel accepts only what the harness
wrote, the harness uses fresh checks whatever the namespace holds, and review flags."""

import hashlib
import hmac
import json

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils.release.harness import (
    ForgedVerdictError,
    VerdictChannel,
    _kernel_check,
    package_root,
    source_digest,
)
from course_utils.release.review import review_flags


@pytest.fixture
def channel():
    with VerdictChannel() as opened:
        yield opened


def run_harness(channel, namespace, source="softmax = check_softmax(softmax)"):
    ticket = channel.ticket("g1")
    _kernel_check(str(package_root()), "g1", source, str(ticket.path), ticket.key, namespace)
    return channel.collect(ticket)


def correct_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_harness_ignores_a_check_of_the_same_name_in_the_namespace(channel, capsys):
    def check_softmax(fn):
        print("✔ softmax: correct")
        return fn

    namespace = {"softmax": lambda z: z, "check_softmax": check_softmax}
    verdict = run_harness(channel, namespace)
    assert verdict.finished and verdict.verdicts == (("softmax", "mistake"),)
    assert namespace["softmax"] is not check_softmax  # rebound to the course's reference


def test_the_harness_passes_a_correct_function_and_writes_back_what_the_check_returns(channel):
    namespace = {"softmax": correct_softmax}
    verdict = run_harness(channel, namespace)
    assert verdict.verdicts == (("softmax", "correct"),)
    assert namespace["softmax"] is correct_softmax


def test_patching_the_imported_checks_does_not_reach_the_harness_copy(channel, monkeypatch):
    import course_utils.checks.feedback as feedback

    monkeypatch.setattr(feedback, "compare_arrays", lambda *args, **kwargs: None)
    monkeypatch.setattr(feedback.Feedback, "passed", property(lambda self: True))
    verdict = run_harness(channel, {"softmax": lambda z: z})
    assert verdict.verdicts == (("softmax", "mistake"),)


def test_an_exception_escaping_the_check_is_recorded_and_raised(channel):
    def softmax(z):
        raise SystemExit(0)

    ticket = channel.ticket("g1")
    with pytest.raises(SystemExit):
        _kernel_check(str(package_root()), "g1", "softmax = check_softmax(softmax)",
                      str(ticket.path), ticket.key, {"softmax": softmax})
    verdict = channel.collect(ticket)
    assert not verdict.finished and verdict.error.startswith("SystemExit")


def test_no_file_means_no_verdict(channel):
    assert channel.collect(channel.ticket("g1")) is None


def test_a_verdict_file_without_the_right_signature_is_rejected(channel):
    ticket = channel.ticket("g1")
    body = json.dumps({"grade_id": "g1", "verdicts": [["softmax", "correct"]], "finished": True,
                       "error": None}).encode()
    ticket.path.write_bytes(b"0" * 64 + b"\n" + body)
    with pytest.raises(ForgedVerdictError, match="signature"):
        channel.collect(ticket)


def test_a_signed_verdict_for_another_check_is_rejected(channel):
    ticket = channel.ticket("g1")
    body = json.dumps({"grade_id": "g2", "verdicts": [], "finished": True,
                       "error": None}).encode()
    mac = hmac.new(ticket.key.encode(), body, hashlib.sha256).hexdigest().encode()
    ticket.path.write_bytes(mac + b"\n" + body)
    with pytest.raises(ForgedVerdictError, match="another check"):
        channel.collect(ticket)


def test_each_check_cell_gets_its_own_file_and_key(channel):
    first, second = channel.ticket("g1"), channel.ticket("g1")
    assert first.path != second.path and first.key != second.key
    assert first.path.parent == channel.directory


def test_the_harness_cell_source_is_self_contained_python(channel):
    ticket = channel.ticket("g1")
    source = channel.cell_source(ticket, "softmax = check_softmax(softmax)")
    compile(source, "<cell>", "exec")
    assert ticket.key in source and str(ticket.path) in source
    assert "import course_utils" not in source  # nothing is taken from sys.modules


def test_the_source_digest_changes_when_a_check_file_changes(tmp_path):
    package = tmp_path / "course_utils" / "checks"
    package.mkdir(parents=True)
    (package / "ch01.py").write_text("x = 1\n")
    before = source_digest(tmp_path)
    (package / "ch01.py").write_text("x = 2\n")
    assert source_digest(tmp_path) != before


def _submission(*sources, exercise_at=()):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    for index in exercise_at:
        nb.cells[index].metadata["nbgrader"] = {"solution": True, "grade": False,
                                                "grade_id": f"ex{index}", "locked": False,
                                                "schema_version": 3, "task": False}
    return nb


def test_review_flags_name_the_cell_and_what_it_does_and_skip_the_answer_keys_cells():
    key = _submission("import os\nos._exit(0)  # the instructor's own cell", "def f(): pass",
                      exercise_at=[1])
    student = _submission("import os\nos._exit(0)  # the instructor's own cell",
                          "import builtins\nbuiltins.print = None\n"
                          "from course_utils.softmax import softmax as f", exercise_at=[1])
    flags = [str(flag) for flag in review_flags(student, key)]
    assert flags == [
        "cell 1: replaces builtins or printing ('builtins')",
        "cell 1: uses course_utils inside an exercise (the course's reference solutions live "
        "there) ('course_utils')"]


def test_ordinary_student_code_is_not_flagged():
    key = _submission("def softmax(z):\n    raise NotImplementedError", exercise_at=[0])
    student = _submission("def softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
                          "    return e / e.sum(axis=1, keepdims=True)", exercise_at=[0])
    assert review_flags(student, key) == []


def test_notebook_globals_named_like_builtins_cannot_stand_in_for_them(channel):
    """The cell as the grader injects it, executed as a notebook would: the student's cell
    defined globals that shadow builtins the harness uses."""
    ticket = channel.ticket("g1")
    namespace = {"softmax": lambda z: z,
                 "exec": lambda *args: None, "compile": lambda *args, **kwargs: None,
                 "globals": lambda: {"softmax": correct_softmax}, "dict": lambda *a: {},
                 "vars": lambda *a: {}, "sorted": lambda *a: [], "open": None}
    exec(channel.cell_source(ticket, "softmax = check_softmax(softmax)"), namespace)
    verdict = channel.collect(ticket)
    assert verdict.finished and verdict.verdicts == (("softmax", "mistake"),)
