"""``--check``: is a released folder what the answer key gives, leak-free, and runnable?

For each answer-key notebook, its student version in the output folder must

1. exist and be byte-identical to a fresh release (otherwise it is out of date);
2. contain none of the answer key's secret solution lines (:mod:`course_utils.release.leaks`);
3. unless ``execute=False``: run from top to bottom without an error, with every check
   cell reporting its exercise as "not implemented" (the stubs are recognised and the
   cells below continue with the course's reference implementations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.checks.feedback import Status
from course_utils.release.errors import ReleaseError
from course_utils.release.execute import execute_notebook
from course_utils.release.files import notebook_text, read_notebook
from course_utils.release.leaks import find_leaks, secret_lines
from course_utils.release.student import make_student_version
from course_utils.release.verdicts import is_check_cell, verdicts


@dataclass
class CheckResult:
    notebook: str
    problems: list[str] = field(default_factory=list)
    checks_not_implemented: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            ran = (f"; ran top to bottom, {self.checks_not_implemented} check(s) report "
                   "'not implemented'" if self.checks_not_implemented else "")
            return f"ok {self.notebook}: up to date, no solution text{ran}"
        return "FAILED " + self.notebook + "".join(f"\n  - {p}" for p in self.problems)


def check_student_version(source: Path, out_dir: Path, *, execute: bool = True,
                          timeout: int = 600) -> CheckResult:
    """Check ``out_dir/<source name>`` against the answer key ``source``."""
    result = CheckResult(source.name)
    answer_key = read_notebook(Path(source))  # a broken answer key refuses the check (exit 2)
    released = out_dir / source.name
    if not released.is_file():
        result.problems.append(f"{released} does not exist; run the release command first.")
        return result
    try:
        student = read_notebook(released)
    except ReleaseError as err:
        result.problems.append(f"{err} Release again.")
        return result
    expected, _ = make_student_version(answer_key, source.name)
    if released.read_text(encoding="utf-8") != notebook_text(expected):
        result.problems.append(f"{released} differs from a fresh release of {source} "
                               "(edited, or the answer key changed since); release again.")
    for leak in find_leaks(student, secret_lines(answer_key)):
        result.problems.append(f"solution text left in {leak.location}: {leak.line!r}")
    if execute and not result.problems:
        _run(student, out_dir, timeout, result)
    return result


def _run(student, out_dir: Path, timeout: int, result: CheckResult) -> None:
    from nbclient.exceptions import CellExecutionError

    try:
        execute_notebook(student, out_dir, timeout=timeout)
    except CellExecutionError as err:
        result.problems.append("the student version stops with an error:\n    "
                               + str(err).strip().splitlines()[-1])
        return
    for index, cell in enumerate(student.cells):
        if not is_check_cell(cell):
            continue
        found = verdicts(cell)
        if not found or any(v.status is not Status.NOT_IMPLEMENTED for v in found):
            statuses = ", ".join(v.status.value for v in found) or "no verdict"
            result.problems.append(f"check cell {index} reports {statuses}; a stub must be "
                                   "reported as 'not implemented'.")
        else:
            result.checks_not_implemented += len(found)


def check_release(sources: Sequence[Path], out_dir: Path, *, execute: bool = True,
                  timeout: int = 600) -> list[CheckResult]:
    return [check_student_version(Path(s), out_dir, execute=execute, timeout=timeout)
            for s in sources]
