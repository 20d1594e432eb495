"""The release tool: student versions from the answer key (course_utils.release).

Every test builds a small synthetic notebook in the course's exercise format, so these
tests do not depend on the real notebooks (tests/test_answer_key.py covers those).
"""

import ast
import hashlib
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils.release import ReleaseError, is_student_version, make_student_version
from course_utils.release.checksums import compute_checksum
from course_utils.release.cli import main
from course_utils.release.dependencies import dependent_cells, name_flow
from course_utils.release.errors import MarkerError
from course_utils.release.files import notebook_text
from course_utils.release.leaks import find_leaks, secret_lines
from course_utils.release.markers import SOLUTION, find_regions
from course_utils.release.verdicts import verdicts

SOLUTION_META = {"grade": False, "grade_id": "ex01-1-one-hot", "locked": False,
                 "schema_version": 3, "solution": True, "task": False}
CHECK_META = {"grade": True, "grade_id": "ex01-1-one-hot-check", "locked": True, "points": 1,
              "schema_version": 3, "solution": False, "task": False}

ONE_HOT = '''def one_hot(labels, num_classes=10):
    """labels (n,) int -> (n, num_classes) float32 one-hot."""
    ### BEGIN SOLUTION
    encoded = np.zeros((len(labels), num_classes), dtype=np.float32)
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded
    ### END SOLUTION'''


def stream(text):
    return new_output("stream", name="stdout", text=text)


def code(source, *, count=None, outputs=(), meta=None, tags=(), cell_id=None):
    cell = new_code_cell(source, execution_count=count, outputs=list(outputs))
    if meta is not None:
        cell.metadata["nbgrader"] = dict(meta)
    if tags:
        cell.metadata["tags"] = list(tags)
    if cell_id:
        cell.id = cell_id
    return cell


def exercise(source=ONE_HOT, meta=SOLUTION_META, cell_id="ex1"):
    return code(source, count=3, meta=meta, tags=["exercise"], cell_id=cell_id)


def check(source="one_hot = check_one_hot(one_hot)", meta=CHECK_META):
    return code(source, count=4, outputs=[stream("✔ one_hot: correct\n")], meta=meta,
                tags=["check"], cell_id="check1")


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for index, cell in enumerate(nb.cells):
        if "id" in cell and not cell.id.startswith(("ex", "check")):
            cell.id = f"cell{index}"  # fixed ids: the same notebook gives the same bytes
    return nb


def course_notebook():
    """Setup, an exercise with its check, dependent and independent cells."""
    return notebook(
        new_markdown_cell("# One-hot encoding\nWhat you will learn."),
        code("import numpy as np\nlabels = np.array([3, 0, 9])\nprint(labels)", count=1,
             outputs=[stream("[3 0 9]\n")]),
        new_markdown_cell("### Exercise 1.1 — one-hot\nWrite `one_hot`."),
        exercise(),
        check(),
        code("Y = one_hot(labels)\nprint(Y.sum(axis=0))", count=5,
             outputs=[stream("[1. 0. 0. 1. 0. 0. 0. 0. 0. 1.]\n")]),
        code("totals = Y.sum()\nprint(totals)", count=6, outputs=[stream("3.0\n")]),
        code("print(labels.max())", count=7, outputs=[stream("9\n")]),
    )


def released(nb, name="01_test.ipynb"):
    return make_student_version(nb, name)


# ------------------------------------------------------------------ markers


def test_regions_are_found_with_their_indentation_and_body():
    (region,) = find_regions(ONE_HOT)
    assert region.kind == SOLUTION
    assert region.indent == "    "
    assert region.body[0].strip().startswith("encoded = np.zeros")
    assert region.body[-1].strip() == "return encoded"


@pytest.mark.parametrize("source, words", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
     "cannot nest"),
    ("x = 1\n### END SOLUTION", "never opened"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
     "cannot nest"),
    ("### BEGIN HIDDEN TESTS\nassert x\n### END SOLUTION", "is a hidden tests region"),
])
def test_malformed_markers_are_rejected_with_the_line(source, words):
    with pytest.raises(MarkerError, match=words):
        find_regions(source)


# ------------------------------------------------------------------ stubs


def test_solution_region_becomes_an_indented_stub_below_the_kept_signature_and_docstring():
    student, _ = released(course_notebook())
    source = student.cells[3].source
    assert source == (
        'def one_hot(labels, num_classes=10):\n'
        '    """labels (n,) int -> (n, num_classes) float32 one-hot."""\n'
        '    # YOUR CODE HERE\n'
        '    raise NotImplementedError("write the body of one_hot")')


def test_stub_defines_a_function_that_raises_not_implemented_with_the_hint():
    hint = '    ### HINT: np.eye(num_classes)[labels] "works"\n'
    source = ONE_HOT.replace("    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n" + hint)
    student, _ = released(notebook(exercise(source), check()))
    namespace = {}
    exec(student.cells[0].source, namespace)
    with pytest.raises(NotImplementedError, match=r'np.eye\(num_classes\)\[labels\] "works"'):
        namespace["one_hot"]([1, 2])


def test_code_after_the_region_and_nested_indentation_are_kept():
    source = ("def step(params, grads, lr):\n"
              "    for name in params:\n"
              "        ### BEGIN SOLUTION\n"
              "        params[name] -= lr * grads[name]\n"
              "        ### END SOLUTION\n"
              "    return params")
    student, _ = released(notebook(exercise(source), check("step = check_step(step)")))
    assert student.cells[0].source.split("\n")[2:] == [
        "        # YOUR CODE HERE",
        '        raise NotImplementedError("write the body of step")',
        "    return params"]
    ast.parse(student.cells[0].source)


def test_generic_hint_names_the_method_and_its_class():
    source = ("class Dropout:\n"
              "    def forward(self, x):\n"
              "        if x is None:\n"
              "            ### BEGIN SOLUTION\n"
              "            return x\n"
              "            ### END SOLUTION\n"
              "        return x")
    student, _ = released(notebook(exercise(source), check("Dropout = check_dropout(Dropout)")))
    assert 'raise NotImplementedError("write the body of Dropout.forward")' in \
        student.cells[0].source


def test_two_hint_lines_in_one_region_are_rejected():
    source = ONE_HOT.replace("    ### BEGIN SOLUTION\n",
                             "    ### BEGIN SOLUTION\n    ### HINT: a\n    ### HINT: b\n")
    with pytest.raises(ReleaseError, match="2 HINT lines"):
        released(notebook(exercise(source), check()))


def test_markdown_written_answer_becomes_nbgraders_prompt():
    answer = new_markdown_cell("The loss is convex because its Hessian is positive "
                               "semi-definite.")
    answer.metadata["nbgrader"] = {"grade": True, "grade_id": "q1", "locked": False,
                                   "points": 2, "schema_version": 3, "solution": True,
                                   "task": False}
    partial = new_markdown_cell("Answer below.\n\n=== BEGIN SOLUTION\nIt overflows.\n"
                                "=== END SOLUTION\nThanks.")
    partial.metadata["nbgrader"] = {**answer.metadata["nbgrader"], "grade_id": "q2"}
    student, report = released(notebook(answer, partial))
    assert student.cells[0].source == "YOUR ANSWER HERE"
    assert student.cells[1].source == "Answer below.\n\nYOUR ANSWER HERE\nThanks."
    assert report.written_answers == 2


def test_hidden_tests_are_removed_and_visible_tests_kept():
    source = ("one_hot = check_one_hot(one_hot)\n"
              "### BEGIN HIDDEN TESTS\n"
              "assert one_hot([0], 2).shape == (1, 2)\n"
              "### END HIDDEN TESTS")
    student, report = released(notebook(exercise(), check(source)))
    assert student.cells[1].source == "one_hot = check_one_hot(one_hot)"
    assert report.hidden_test_regions == 1
    assert student.cells[1].outputs == []


# ------------------------------------------------------------------ dependency rule


def test_outputs_are_cleared_from_the_exercise_its_check_and_cells_that_depend_on_it():
    student, report = released(course_notebook())
    cleared = [i for i, cell in enumerate(student.cells)
               if cell.cell_type == "code" and not cell.outputs and cell.execution_count is None]
    # 3 exercise, 4 check, 5 uses one_hot, 6 uses Y which cell 5 computed with it
    assert cleared == [3, 4, 5, 6]
    assert report.cleared_cells == (3, 4, 5, 6)


def test_cells_that_do_not_depend_on_an_exercise_keep_outputs_and_execution_counts():
    original = course_notebook()
    student, _ = released(original)
    for index in (1, 7):
        assert student.cells[index].outputs == original.cells[index].outputs
        assert student.cells[index].execution_count == original.cells[index].execution_count
    assert [c.source for c in student.cells if c.cell_type == "markdown"] == \
           [c.source for c in original.cells if c.cell_type == "markdown"]


def test_a_function_that_updates_a_parameter_in_place_taints_the_argument():
    sources = [
        "params = {'W': 1.0}",
        "def step(params, lr):\n    params['W'] -= lr\n    return 0.0",  # the exercise
        "loss = step(params, 0.1)",
        "print(params)",                       # params was updated by the student's step
        "def show(values):\n    return values",
        "shown = show(params)",
        "print(shown)",
    ]
    assert dependent_cells(sources, seeds={1}) == {1, 2, 3, 5, 6}


def test_a_call_that_does_not_update_its_argument_leaves_it_clean():
    sources = ["X = load()", "def f(X):\n    return X.sum()", "s = f(X)", "print(X.mean())"]
    assert dependent_cells(sources, seeds={1}) == {1, 2}


def test_rebinding_a_name_in_an_independent_statement_makes_it_clean_again():
    sources = ["def f(x):\n    return x", "fig = f(1)",
               "fig = make_figure()\nfig.suptitle('t')", "fig.savefig('a.png')"]
    assert dependent_cells(sources, seeds={0}) == {0, 1}


def test_a_binding_inside_a_loop_does_not_clean_a_name():
    sources = ["def f(x):\n    return x", "y = f(1)", "for i in range(3):\n    y = i",
               "print(y)"]
    assert dependent_cells(sources, seeds={0}) == {0, 1, 3}


def test_name_flow_follows_python_scopes():
    flow = name_flow(
        "%matplotlib inline\n"
        "def g(a):\n    b = a + offset\n    return [k for k in b]\n"
        "squares = [k * k for k in values]\n"
        "fig, ax = plt.subplots()\nfig.suptitle(title)\n"
        "for i in range(n):\n    total += i\n")
    assert flow.uses == {"offset", "values", "plt", "title", "range", "n", "total"}
    assert {"g", "squares", "fig", "ax", "i"} <= flow.defines
    assert "total" in flow.modifies


def test_a_cell_that_is_not_python_counts_as_reading_every_identifier():
    assert dependent_cells(["def f():\n    pass", "f(  # unclosed"], seeds={0}) == {0, 1}
    assert dependent_cells(["def f():\n    pass", "nonlocal f"], seeds={0}) == {0, 1}


# ------------------------------------------------------------------ metadata and checksums


def test_nbgrader_metadata_and_tags_are_kept_with_nbgraders_checksum():
    student, _ = released(course_notebook())
    check_cell = student.cells[4]
    meta = check_cell.metadata["nbgrader"]
    assert {k: meta[k] for k in CHECK_META} == CHECK_META
    assert check_cell.metadata["tags"] == ["check"]
    expected = hashlib.md5(("one_hot = check_one_hot(one_hot)" + "code" + "True" + "False"
                            + "True" + "ex01-1-one-hot-check" + "1.0").encode()).hexdigest()
    assert meta["checksum"] == expected
    assert meta["cell_type"] == "code"
    exercise_meta = student.cells[3].metadata["nbgrader"]
    assert exercise_meta["checksum"] == compute_checksum(student.cells[3])


def test_check_cells_are_locked_and_exercise_cells_undeletable_as_nbgrader_does():
    student, _ = released(course_notebook())
    assert (student.cells[4].metadata["editable"], student.cells[4].metadata["deletable"]) == \
           (False, False)
    assert student.cells[3].metadata["deletable"] is False
    assert "editable" not in student.cells[3].metadata
    assert "deletable" not in student.cells[1].metadata


def test_checksum_changes_when_the_student_edits_the_cell():
    student, _ = released(course_notebook())
    cell = student.cells[3]
    before = cell.metadata["nbgrader"]["checksum"]
    cell.source = cell.source.replace("raise NotImplementedError", "return None  #")
    assert compute_checksum(cell) != before


@pytest.mark.parametrize("change, words", [
    (lambda nb: nb.cells[4].metadata["nbgrader"].update(grade_id="ex01-1-one-hot"),
     "also used by cell 3"),
    (lambda nb: nb.cells[4].metadata["nbgrader"].pop("points"), "needs numeric nbgrader 'points'"),
    (lambda nb: nb.cells[4].metadata["nbgrader"].update(grade_id="has space"), "grade_id must"),
])
def test_invalid_nbgrader_metadata_is_rejected(change, words):
    nb = course_notebook()
    change(nb)
    with pytest.raises(ReleaseError, match=words):
        released(nb)


# ------------------------------------------------------------------ malformed notebooks


@pytest.mark.parametrize("cell, words", [
    (exercise(ONE_HOT.replace("    ### END SOLUTION", "")), "never closed"),
    (exercise(ONE_HOT.replace("    return encoded\n", "    ### BEGIN SOLUTION\n")),
     "cannot nest"),
    (code("x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION", cell_id="ex1"),
     "not a solution cell"),
    (exercise("def one_hot(labels):\n    return labels"), "without a BEGIN SOLUTION"),
    (exercise("def f(x):\n    y = (x +\n    ### BEGIN SOLUTION\n    1)\n    ### END SOLUTION"),
     "not valid Python"),
])
def test_malformed_exercise_cells_are_reported_with_notebook_and_cell(cell, words):
    nb = notebook(new_markdown_cell("intro"), cell)
    with pytest.raises(ReleaseError, match=words) as error:
        released(nb, "02_broken.ipynb")
    assert "02_broken.ipynb, cell 1 (id ex1" in str(error.value)


def test_hidden_tests_outside_a_grade_cell_are_rejected():
    nb = notebook(code("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"))
    with pytest.raises(ReleaseError, match="not a grade cell"):
        released(nb)


# ------------------------------------------------------------------ no solution text left


def test_no_solution_line_is_left_in_the_student_version():
    original = course_notebook()
    secrets = secret_lines(original)
    assert "encoded[np.arange(len(labels)), labels] = 1.0" in secrets
    assert "return encoded" in secrets
    student, _ = released(original)
    assert find_leaks(student, secrets) == []


def test_a_solution_line_left_anywhere_is_found():
    original = course_notebook()
    student, _ = released(original)
    student.cells[7].outputs = [stream("return encoded\n")]
    leaks = find_leaks(student, secret_lines(original))
    assert [(leak.line, leak.location) for leak in leaks] == [("return encoded", "cell 7")]


def test_lines_shown_elsewhere_in_the_answer_key_are_not_secret():
    original = course_notebook()
    original.cells[7].source += "\n# return encoded appears here too"
    assert "return encoded" not in secret_lines(original)


# ------------------------------------------------------------------ determinism, idempotence


def test_the_same_answer_key_gives_byte_identical_student_versions():
    original = course_notebook()
    first, _ = released(original)
    second, _ = released(json.loads(json.dumps(original), object_hook=nbformat.NotebookNode))
    assert notebook_text(first) == notebook_text(second)
    assert original.cells[3].source == ONE_HOT  # the answer key itself is not modified


def test_releasing_a_student_version_is_refused():
    student, _ = released(course_notebook())
    assert is_student_version(student)
    with pytest.raises(ReleaseError, match="already a student version"):
        released(student)


# ------------------------------------------------------------------ the command


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_command_writes_student_versions_and_reports_what_it_stripped(tmp_path, capsys):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    assert main([str(out), str(source)]) == 0
    report = capsys.readouterr().out
    assert "01_test.ipynb: 1 solution region(s) stubbed" in report
    assert "outputs cleared in 4 cell(s) (3, 4, 5, 6)" in report
    student = nbformat.read(out / "01_test.ipynb", as_version=4)
    assert "raise NotImplementedError" in student.cells[3].source
    nbformat.validate(student)


def test_command_output_is_identical_on_a_second_run(tmp_path):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    main([str(out), str(source)])
    first = (out / "01_test.ipynb").read_bytes()
    main([str(out), str(source)])
    assert (out / "01_test.ipynb").read_bytes() == first


def test_command_releases_notebooks_folder_by_default(tmp_path, monkeypatch):
    write(course_notebook(), tmp_path / "notebooks" / "01_a.ipynb")
    write(course_notebook(), tmp_path / "notebooks" / "02_b.ipynb")
    write(course_notebook(), tmp_path / "notebooks" / "scratch.ipynb")  # not numbered
    monkeypatch.chdir(tmp_path)
    assert main(["student"]) == 0
    assert sorted(p.name for p in (tmp_path / "student").iterdir()) == ["01_a.ipynb", "02_b.ipynb"]


@pytest.mark.parametrize("out_dir", ["notebooks", "notebooks/student", "notebooks/."])
def test_command_refuses_to_write_into_the_source_folder(tmp_path, capsys, out_dir):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    before = source.read_bytes()
    assert main([str(tmp_path / out_dir), str(source)]) == 2
    assert "refusing to write student versions" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert sorted(p.name for p in source.parent.iterdir()) == ["01_test.ipynb"]


def test_command_refuses_a_student_version_as_input(tmp_path, capsys):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    main([str(tmp_path / "release"), str(source)])
    assert main([str(tmp_path / "again"), str(tmp_path / "release" / "01_test.ipynb")]) == 2
    assert "already a student version" in capsys.readouterr().err
    assert not (tmp_path / "again").exists()


def test_command_writes_nothing_when_one_notebook_is_malformed(tmp_path, capsys):
    good = write(course_notebook(), tmp_path / "notebooks" / "01_good.ipynb")
    bad = write(notebook(exercise(ONE_HOT.replace("    ### END SOLUTION", ""))),
                tmp_path / "notebooks" / "02_bad.ipynb")
    assert main([str(tmp_path / "release"), str(good), str(bad)]) == 2
    assert "02_bad.ipynb, cell 0" in capsys.readouterr().err
    assert not (tmp_path / "release").exists()


def test_check_reports_an_out_of_date_or_edited_student_version(tmp_path, capsys):
    source = write(course_notebook(), tmp_path / "notebooks" / "01_test.ipynb")
    out = tmp_path / "release"
    main([str(out), str(source)])
    assert main(["--check", "--no-execute", str(out), str(source)]) == 0
    assert "ok 01_test.ipynb" in capsys.readouterr().out
    edited = (out / "01_test.ipynb").read_text().replace("# YOUR CODE HERE", "# done")
    (out / "01_test.ipynb").write_text(edited)
    assert main(["--check", "--no-execute", str(out), str(source)]) == 1
    assert "differs from a fresh release" in capsys.readouterr().out


# ------------------------------------------------------------------ verdicts


def test_verdicts_are_read_from_check_output():
    cell = code("x = check(x)", outputs=[stream(
        "… softmax: not implemented\n  Replace the line ...\n"
        "✘ cross_entropy: mistake — log of zero\n  Hint: clip\n")])
    assert [(v.exercise, v.status.value) for v in verdicts(cell)] == [
        ("softmax", "not implemented"), ("cross_entropy", "mistake")]
