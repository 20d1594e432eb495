"""The release command fails cleanly: bad inputs get one line and exit status 2, student
versions are written whole or not at all, and a solution region may not swallow the
function it belongs to."""

import errno
import os

import nbformat
import pytest
from test_release import ONE_HOT, course_notebook, exercise, notebook, write

from course_utils.release import ReleaseError, make_student_version
from course_utils.release import files as files_module
from course_utils.release.cli import main


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err  # one line, no traceback
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("content", "words"), [
    ("", "empty"),
    ("{not json", "not valid JSON"),
    ('{"cells": "nope"}', "not a valid notebook"),
])
def test_a_corrupt_or_empty_notebook_is_a_one_line_error(tmp_path, capsys, content, words):
    bad = tmp_path / "notebooks" / "01_bad.ipynb"
    bad.parent.mkdir()
    bad.write_text(content)
    assert main([str(tmp_path / "release"), str(bad)]) == 2
    line = one_line_error(capsys)
    assert str(bad) in line and words in line
    assert not (tmp_path / "release").exists()


def test_a_missing_notebook_is_reported_as_missing(tmp_path, capsys):
    missing = tmp_path / "notebooks" / "01_gone.ipynb"
    assert main([str(tmp_path / "release"), str(missing)]) == 2
    line = one_line_error(capsys)
    assert f"{missing} does not exist" in line and "not a notebook" not in line


def test_a_file_that_is_not_a_notebook_is_named_as_such(tmp_path, capsys):
    text = tmp_path / "notebooks" / "notes.txt"
    text.parent.mkdir()
    text.write_text("hello")
    assert main([str(tmp_path / "release"), str(text)]) == 2
    assert "is not a notebook file (.ipynb)" in one_line_error(capsys)


def test_an_output_folder_that_is_a_file_is_a_one_line_error(tmp_path, capsys):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    out.write_text("I am a file")
    assert main([str(out), str(source)]) == 2
    line = one_line_error(capsys)
    assert f"{out} is a file" in line
    assert out.read_text() == "I am a file"


@pytest.mark.parametrize("check", [False, True])
def test_a_corrupt_source_notebook_with_check_is_also_a_one_line_error(tmp_path, capsys, check):
    bad = tmp_path / "notebooks" / "01_bad.ipynb"
    bad.parent.mkdir()
    bad.write_text("")
    args = ["--check", "--no-execute"] if check else []
    assert main([*args, str(tmp_path / "release"), str(bad)]) == 2
    assert "01_bad.ipynb" in one_line_error(capsys)


def test_check_reports_a_corrupt_student_version_as_a_failed_check(tmp_path, capsys):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    assert main([str(out), str(source)]) == 0
    (out / "01_test.ipynb").write_text('{"truncated": ')
    assert main(["--check", "--no-execute", str(out), str(source)]) == 1
    report = capsys.readouterr().out
    assert "FAILED 01_test.ipynb" in report and "is not valid JSON" in report


def test_a_failed_write_leaves_the_previous_student_versions_whole(tmp_path, capsys,
                                                                   monkeypatch):
    first = write(course_notebook(), tmp_path / "notebooks" / "01_a.ipynb")
    second = write(course_notebook(), tmp_path / "notebooks" / "02_b.ipynb")
    out = tmp_path / "release"
    assert main([str(out), str(first), str(second)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files_module.os, "fsync", disk_full)
    changed = course_notebook()
    changed.cells[0].source = "# A new title"
    write(changed, first)
    write(changed, second)
    assert main([str(out), str(first), str(second)]) == 2
    line = one_line_error(capsys)
    assert "No space left on device" in line and "01_a.ipynb" in line
    # every file is the complete previous version; no temporary file is left behind
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    for path in out.iterdir():
        nbformat.validate(nbformat.read(path, as_version=4))


def test_written_student_versions_are_readable_by_everyone(tmp_path):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    assert main([str(out), str(source)]) == 0
    assert (out / "01_test.ipynb").stat().st_mode & 0o044 == 0o044
    assert sorted(os.listdir(out)) == ["01_test.ipynb"]


COVERS_DEF = ONE_HOT.replace('def one_hot(labels, num_classes=10):\n    """labels (n,) int -> '
                             '(n, num_classes) float32 one-hot."""\n    ### BEGIN SOLUTION\n',
                             '### BEGIN SOLUTION\ndef one_hot(labels, num_classes=10):\n')


def test_a_solution_region_that_covers_the_def_line_is_refused_with_the_cell_named():
    assert COVERS_DEF.startswith("### BEGIN SOLUTION\ndef one_hot(")
    with pytest.raises(ReleaseError) as info:
        make_student_version(notebook(exercise(COVERS_DEF)), "01_test.ipynb")
    message = str(info.value)
    assert "01_test.ipynb, cell 0 (id ex1, grade_id ex01-1-one-hot)" in message
    assert "def one_hot" in message and "outside" in message


def test_a_region_covering_a_class_statement_is_refused_too():
    source = ('class Dropout:\n    """Drop units."""\n    ### BEGIN SOLUTION\n'
              '    def forward(self, x):\n        return x\n    ### END SOLUTION')
    with pytest.raises(ReleaseError, match="Dropout.forward"):
        make_student_version(notebook(exercise(source)), "04_test.ipynb")


def test_a_helper_function_written_inside_the_region_below_the_signature_is_allowed():
    helper = "    def rows(n):\n        return np.arange(n)\n"
    source = ONE_HOT.replace("    encoded = np.zeros", helper + "    encoded = np.zeros")
    student, report = make_student_version(notebook(exercise(source)), "01_test.ipynb")
    assert report.solution_regions == 1 and "def one_hot(" in student.cells[0].source
