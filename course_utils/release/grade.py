"""Grade submitted notebooks without nbgrader, from the verdicts their checks print.

    python -m course_utils.release.grade SUBMISSION.ipynb [...] [--answer-key DIR]

For each submission:

1. its check cells (nbgrader grade cells) are restored from the answer key, matched by
   ``grade_id``, so an edited check cannot award itself points (nbgrader does the same);
2. it is executed in a fresh kernel, in its own folder, with errors allowed (a crash in
   one exercise does not stop the others from being graded) and checks *not* strict, so
   every check after a failed exercise still runs on the reference it was handed;
3. a check earns its nbgrader ``points`` when every verdict it prints is "correct".

The submission is executed: run it only on a machine where running a student's code
is acceptable (as with any autograder).
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_utils.checks.feedback import Status
from course_utils.release.errors import ReleaseError
from course_utils.release.execute import execute_notebook
from course_utils.release.verdicts import is_check_cell, verdicts


@dataclass(frozen=True)
class CheckGrade:
    grade_id: str
    points: float
    max_points: float
    verdict: str  # e.g. "one_hot: correct", or why no points were given


@dataclass(frozen=True)
class Grade:
    notebook: str
    checks: tuple[CheckGrade, ...]

    @property
    def points(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def max_points(self) -> float:
        return sum(check.max_points for check in self.checks)

    def summary(self) -> str:
        lines = [f"{self.notebook}: {self.points:g}/{self.max_points:g} points"]
        lines += [f"  {check.points:g}/{check.max_points:g}  {check.grade_id}: {check.verdict}"
                  for check in self.checks]
        return "\n".join(lines)


def restore_checks(submission, answer_key, name: str):
    """A copy of ``submission`` whose check cells have the answer key's sources.

    Raises :class:`ReleaseError` when a check cell of the answer key is missing from the
    submission (the student deleted it).
    """
    restored = copy.deepcopy(submission)
    by_id = {cell.metadata["nbgrader"].get("grade_id"): cell
             for cell in restored.cells if is_check_cell(cell)}
    for cell in answer_key.cells:
        if not is_check_cell(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if grade_id not in by_id:
            raise ReleaseError(f"{name}: the check cell {grade_id!r} of the answer key is "
                               "missing from the submission; it cannot be graded automatically.")
        by_id[grade_id].source = cell.source
    return restored


def grade_executed(executed, answer_key, name: str) -> Grade:
    """Points per check of an already executed submission (check cells restored)."""
    cells = {cell.metadata["nbgrader"]["grade_id"]: cell
             for cell in executed.cells if is_check_cell(cell)}
    grades = []
    for reference in answer_key.cells:
        if not is_check_cell(reference):
            continue
        grade_id = reference.metadata["nbgrader"]["grade_id"]
        max_points = float(reference.metadata["nbgrader"]["points"])
        cell = cells[grade_id]
        found = verdicts(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            verdict = f"the check cell raised {errors[0].get('ename')}: {errors[0].get('evalue')}"
        elif not found:
            verdict = "no verdict (the cell did not run, or printed nothing)"
        else:
            verdict = "; ".join(_head(v) for v in found)
        passed = bool(found) and not errors and all(v.status is Status.CORRECT for v in found)
        grades.append(CheckGrade(grade_id, max_points if passed else 0.0, max_points, verdict))
    return Grade(name, tuple(grades))


def _head(verdict) -> str:
    return f"{verdict.exercise}: {verdict.status.value}"


def grade_submission(path: Path, answer_key_path: Path, *, timeout: int = 600) -> Grade:
    submission = nbformat.read(path, as_version=4)
    answer_key = nbformat.read(answer_key_path, as_version=4)
    restored = restore_checks(submission, answer_key, path.name)
    # allow_errors: execute cell by cell to the end even where the student's code crashes
    try:
        executed = execute_notebook(restored, path.resolve().parent, timeout=timeout,
                                    allow_errors=True)
    except Exception as err:  # noqa: BLE001 - a timeout or a dead kernel: report, go on
        raise ReleaseError(f"{path}: could not be executed to the end: "
                           f"{type(err).__name__}: {str(err).strip()[:300]}") from None
    return grade_executed(executed, answer_key, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.release.grade",
        description="Execute submitted notebooks and grade them from their check verdicts.")
    parser.add_argument("submissions", type=Path, nargs="+", metavar="SUBMISSION")
    parser.add_argument("--answer-key", type=Path, default=Path("notebooks"), metavar="DIR",
                        help="folder of the answer-key notebooks, matched by file name "
                             "(default: notebooks)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    status = 0
    for path in args.submissions:
        key = args.answer_key / path.name
        try:
            if not key.is_file():
                raise ReleaseError(f"{path}: no answer key {key}; pass --answer-key DIR.")
            print(grade_submission(path, key, timeout=args.timeout).summary(), flush=True)
        except ReleaseError as err:
            print(f"error: {err}", file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
