"""Grade submitted notebooks without nbgrader: run them, take each check's verdict from a
channel the student's code does not control.

    python -m course_utils.release.grade SUBMISSION.ipynb [...] [--answer-key DIR]
        [--cell-timeout SECONDS] [--deadline SECONDS] [--csv FILE] [--json FILE]

For each submission, matched to the answer key of the same file name:

1. every check cell of the answer key (nbgrader grade cell, matched by ``grade_id``) is
   replaced by a harness cell that runs the answer key's check on a fresh, private copy
   of the course's checks and reports its verdict to the grader directly
   (:mod:`course_utils.release.harness`, which also states the threat model). A check
   cell the student deleted earns 0 points, with that reason;
2. the submission runs in a fresh kernel, in its own folder, cell by cell with errors
   allowed and checks not strict (:mod:`course_utils.release.runner`): a cell that
   raises, exceeds ``--cell-timeout`` or kills the kernel costs the checks it breaks,
   not the others; past ``--deadline`` the remaining cells are not run (0 points, with
   that reason);
3. a check earns its nbgrader ``points`` when it ran to its end and every verdict it
   reported is "correct"; otherwise 0 with the verdict or the reason;
4. code cells that differ from the answer key are searched for attempts to subvert the
   grading (:mod:`course_utils.release.review`); flags are listed, points unchanged.

Each submission is named by its path in every message and in the score table printed
at the end; ``--csv`` and ``--json`` write the scores for a gradebook
(:mod:`course_utils.release.gradebook`). Exit status: 0 every submission was graded, 2
one could not be graded at all (unreadable, no answer key) or the course's own source
files changed during a run (grading stops: restore them, e.g. with git).

The submission is executed: run it only on a machine where running a student's code
is acceptable (as with any autograder).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Sequence
from pathlib import Path

from course_utils.checks.feedback import Status
from course_utils.release.errors import ReleaseError
from course_utils.release.files import read_notebook
from course_utils.release.gradebook import CheckGrade, Grade, score_table, write_reports
from course_utils.release.harness import (
    ForgedVerdictError,
    KernelVerdict,
    VerdictChannel,
    package_root,
    source_digest,
)
from course_utils.release.review import review_flags
from course_utils.release.runner import DEAD, NOT_RUN, TIMEOUT, NotebookRun, Outcome
from course_utils.release.verdicts import is_check_cell

DEFAULT_CELL_TIMEOUT = 600.0
DEFAULT_DEADLINE = 3600.0


class SourcesChangedError(ReleaseError):
    """The course package's source files changed while a submission ran."""


def answer_key_checks(answer_key) -> list[tuple[str, float, str]]:
    """``(grade_id, points, source)`` of every check cell of the answer key, in order."""
    return [(cell.metadata["nbgrader"]["grade_id"], float(cell.metadata["nbgrader"]["points"]),
             cell.source) for cell in answer_key.cells if is_check_cell(cell)]


def grade_submission(path: Path, answer_key, notebook: str, *,
                     cell_timeout: float = DEFAULT_CELL_TIMEOUT,
                     deadline: float = DEFAULT_DEADLINE) -> Grade:
    """Execute the submission at ``path`` and grade it against ``answer_key`` (a notebook
    object named ``notebook``).

    Raises:
        ReleaseError: the submission cannot be read (the message names it).
        SourcesChangedError: the course package's sources changed during the run.
    """
    submission = read_notebook(path)
    name = str(path)
    checks = answer_key_checks(answer_key)
    flags = tuple(str(flag) for flag in review_flags(submission, answer_key))
    run_nb = copy.deepcopy(submission)
    positions: dict[str, int] = {}
    for index, cell in enumerate(run_nb.cells):
        if is_check_cell(cell):
            positions.setdefault(cell.metadata["nbgrader"].get("grade_id"), index)
    digest_before = source_digest()
    results: dict[str, CheckGrade] = {}
    with VerdictChannel() as channel:
        tickets = {}
        for grade_id, _, source in checks:
            if grade_id in positions:
                tickets[positions[grade_id]] = ticket = channel.ticket(grade_id)
                run_nb.cells[positions[grade_id]].source = channel.cell_source(ticket, source)
        collected: dict[int, KernelVerdict | None | str] = {}

        def after_cell(index: int, outcome: Outcome) -> None:
            if index in tickets:
                try:
                    collected[index] = channel.collect(tickets[index])
                except (ForgedVerdictError, ValueError, KeyError) as err:
                    collected[index] = f"the verdict failed its integrity check ({err})"

        outcomes = NotebookRun(run_nb, path.resolve().parent, cell_timeout=cell_timeout,
                               deadline=deadline).run(after_cell)
    if source_digest() != digest_before:
        raise SourcesChangedError(
            f"{name}: the course package's source files ({package_root() / 'course_utils'}) "
            "changed while this submission ran; its code may have rewritten the checks. "
            "Grading stopped: restore the files (e.g. git checkout course_utils) and grade "
            "again, and read this submission by hand.")
    for grade_id, points, _ in checks:
        if grade_id not in positions:
            results[grade_id] = CheckGrade(grade_id, 0.0, points, "no points: this check cell "
                                           "was deleted from the submission")
            continue
        index = positions[grade_id]
        passed, verdict = _judge(outcomes.get(index, Outcome(NOT_RUN, "not run")),
                                 collected.get(index))
        results[grade_id] = CheckGrade(grade_id, points if passed else 0.0, points, verdict)
    return Grade(name, notebook, tuple(results[g] for g, _, _ in checks), flags=flags)


def _judge(outcome: Outcome, verdict: KernelVerdict | None | str) -> tuple[bool, str]:
    """Whether a check earns its points, and the line that says why."""
    if isinstance(verdict, str):
        return False, f"no points: {verdict}"
    if outcome.status == DEAD:
        return False, "no points: the kernel died while the check ran (os._exit, a crash, " \
                      "or out of memory)"
    if outcome.status in (TIMEOUT, NOT_RUN):
        return False, f"no points: {outcome.detail}"
    if verdict is None:
        return False, "no points: no verdict was recorded (the check cell did not run to its end)"
    heads = "; ".join(f"{exercise}: {status}" for exercise, status in verdict.verdicts)
    if not verdict.finished:
        return False, f"no points: the check did not finish ({verdict.error})" + (
            f" after {heads}" if heads else "")
    if not verdict.verdicts:
        return False, "no points: the check reported no verdict"
    passed = all(status == Status.CORRECT.value for _, status in verdict.verdicts)
    return passed, heads


def _not_graded(path: Path, answer_key, notebook: str, problem: str) -> Grade:
    checks = tuple(CheckGrade(grade_id, 0.0, points, "not graded")
                   for grade_id, points, _ in answer_key_checks(answer_key)) \
        if answer_key is not None else ()
    return Grade(str(path), notebook, checks, problem=problem)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.release.grade",
        description="Execute submitted notebooks and grade them with the answer key's checks. "
                    "Each submission is named by its path; a fault in one cell costs only the "
                    "checks it breaks.")
    parser.add_argument("submissions", type=Path, nargs="+", metavar="SUBMISSION",
                        help="submitted notebooks, e.g. submissions/*/01_exploring_mnist.ipynb")
    parser.add_argument("--answer-key", type=Path, default=Path("notebooks"), metavar="DIR",
                        help="folder of the answer-key notebooks, matched by file name "
                             "(default: notebooks)")
    parser.add_argument("--cell-timeout", "--timeout", dest="cell_timeout", type=_seconds,
                        default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                        help="seconds one cell may run before it is interrupted and counted "
                             f"as failed (default: {DEFAULT_CELL_TIMEOUT:g})")
    parser.add_argument("--deadline", type=_seconds, default=DEFAULT_DEADLINE, metavar="SECONDS",
                        help="seconds one whole notebook may run; cells not reached by then "
                             f"earn no points (default: {DEFAULT_DEADLINE:g})")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="also write the scores as CSV, one row per submission")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the scores and every verdict as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.answer_key.is_dir():
        print(f"error: the answer-key folder {args.answer_key} does not exist; pass "
              "--answer-key DIR.", file=sys.stderr)
        return 2
    keys: dict[str, object] = {}
    grades: list[Grade] = []
    status = 0
    for path in args.submissions:
        notebook = path.name
        key = keys.get(notebook)
        try:
            if key is None:
                key_path = args.answer_key / notebook
                if not key_path.is_file():
                    raise ReleaseError(f"{path}: no answer key {key_path}; pass --answer-key DIR.")
                key = keys[notebook] = read_notebook(key_path)
            grade = grade_submission(path, key, notebook, cell_timeout=args.cell_timeout,
                                     deadline=args.deadline)
        except SourcesChangedError as err:
            print(f"error: {err}", file=sys.stderr)
            grades.append(_not_graded(path, key, notebook, "the course's sources changed "
                                      "during its run"))
            status = 2
            break
        except ReleaseError as err:
            message = str(err) if str(err).startswith(str(path)) else f"{path}: {err}"
            print(f"error: {message}", file=sys.stderr)
            grades.append(_not_graded(path, key, notebook, message))
            status = 2
            continue
        grades.append(grade)
        print(grade.summary(), flush=True)
    print("\n" + score_table(grades), flush=True)
    try:
        write_reports(grades, csv_path=args.csv, json_path=args.json)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
