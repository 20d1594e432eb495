"""Scores of graded submissions: per check, per submission, as text, CSV and JSON.

Every submission is named by its path (all students' files share the notebook's name).

CSV: one row per submission; columns ``submission, notebook, points, max_points,
problem, flags``, then one column per check ``grade_id`` (its points; empty when that
notebook has no such check). JSON: a list of objects with the same fields plus, per
check, its points, maximum and the verdict or the reason for 0 points, and the review
flags in full. Both are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.release.files import write_files


@dataclass(frozen=True)
class CheckGrade:
    grade_id: str
    points: float
    max_points: float
    verdict: str  # "one_hot: correct", or why no points were given


@dataclass(frozen=True)
class Grade:
    """The grade of one submission.

    Attributes:
        submission: the submission's path, as given on the command line.
        notebook: the answer key's file name.
        checks: one entry per check cell of the answer key, in notebook order.
        problem: why the submission could not be graded at all (then ``checks`` is empty
            or all zero), else ``""``.
        flags: review flags (:mod:`course_utils.release.review`), as text.
    """

    submission: str
    notebook: str
    checks: tuple[CheckGrade, ...]
    problem: str = ""
    flags: tuple[str, ...] = field(default=())

    @property
    def points(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def max_points(self) -> float:
        return sum(check.max_points for check in self.checks)

    def summary(self) -> str:
        lines = [f"{self.submission}: {self.points:g}/{self.max_points:g} points"]
        if self.problem:
            lines.append(f"  not graded: {self.problem}")
        lines += [f"  {check.points:g}/{check.max_points:g}  {check.grade_id}: {check.verdict}"
                  for check in self.checks]
        lines += [f"  review: {flag}" for flag in self.flags]
        return "\n".join(lines)


def score_table(grades: Sequence[Grade]) -> str:
    """A plain-text table: one line per submission, its points, and a note."""
    width = max([len("submission"), *(len(g.submission) for g in grades)])
    lines = [f"{'submission':<{width}}  points  note"]
    for grade in grades:
        note = "NOT GRADED: " + grade.problem if grade.problem else (
            f"{len(grade.flags)} review flag(s)" if grade.flags else "")
        lines.append(f"{grade.submission:<{width}}  {grade.points:>3g}/{grade.max_points:<3g} "
                     f" {note}".rstrip())
    return "\n".join(lines)


def _grade_ids(grades: Sequence[Grade]) -> list[str]:
    seen: dict[str, None] = {}
    for grade in grades:
        for check in grade.checks:
            seen.setdefault(check.grade_id)
    return list(seen)


def csv_text(grades: Sequence[Grade]) -> str:
    columns = ["submission", "notebook", "points", "max_points", "problem", "flags",
               *_grade_ids(grades)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for grade in grades:
        row = {"submission": grade.submission, "notebook": grade.notebook,
               "points": f"{grade.points:g}", "max_points": f"{grade.max_points:g}",
               "problem": grade.problem, "flags": len(grade.flags)}
        row.update({check.grade_id: f"{check.points:g}" for check in grade.checks})
        writer.writerow(row)
    return out.getvalue()


def json_text(grades: Sequence[Grade]) -> str:
    data = [{"submission": g.submission, "notebook": g.notebook, "points": g.points,
             "max_points": g.max_points, "problem": g.problem, "flags": list(g.flags),
             "checks": [{"grade_id": c.grade_id, "points": c.points, "max_points": c.max_points,
                         "verdict": c.verdict} for c in g.checks]}
            for g in grades]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_reports(grades: Sequence[Grade], *, csv_path: Path | None = None,
                  json_path: Path | None = None) -> None:
    """Write the CSV and/or JSON report, each file whole or not at all."""
    items = []
    if csv_path is not None:
        items.append((csv_path, csv_text(grades)))
    if json_path is not None:
        items.append((json_path, json_text(grades)))
    write_files(items)
