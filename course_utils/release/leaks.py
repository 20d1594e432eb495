"""Prove that no solution text is left in a student version.

The *secret lines* of an answer key are the lines of its solution regions (code
regions and written answers) that are substantial -- at least 8 characters, not a
comment, not a marker or hint, with something other than letters and digits in them
(so a line cannot match by chance inside base64 image data) -- and that occur nowhere
else in the answer key outside solution regions (``return loss`` is no secret when
another cell has it too). A student version leaks if any secret line occurs anywhere
in it: in a cell source, an output, or metadata.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

from course_utils.release import stubs
from course_utils.release.checksums import is_solution
from course_utils.release.markers import SOLUTION, find_regions, marker_in, replace_regions

MIN_LENGTH = 8


@dataclass(frozen=True)
class Leak:
    line: str
    location: str  # "cell 18" or "notebook metadata"


def _code_part(line: str) -> str:
    """The line without an inline comment (a comment's wording is not the solution)."""
    stripped = line.strip()
    if not stripped.startswith("#") and " #" in stripped:
        stripped = stripped.split(" #", 1)[0].rstrip()
    return stripped


def _substantial(line: str) -> bool:
    return (len(line) >= MIN_LENGTH and not line.startswith("#") and not stubs.is_hint(line)
            and marker_in(line) is None and not line.replace("_", "").isalnum())


def _solution_bodies(cell) -> list[str]:
    regions = [r for r in find_regions(cell.source) if r.kind == SOLUTION]
    if not regions and is_solution(cell) and cell.cell_type == "markdown":
        return cell.source.split("\n")  # a written answer without markers is all solution
    return [line for region in regions for line in region.body]


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key in sorted(node):
            yield from _strings(node[key])
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def secret_lines(answer_key) -> set[str]:
    """The substantial solution lines of ``answer_key`` found nowhere else in it."""
    public = copy.deepcopy(answer_key)
    candidates: set[str] = set()
    for cell in public.cells:
        for line in _solution_bodies(cell):
            code = _code_part(line)
            if _substantial(code):
                candidates.add(code)
        if is_solution(cell) and cell.cell_type == "markdown" and not find_regions(cell.source):
            cell.source = ""
        else:
            cell.source = replace_regions(
                cell.source, [r for r in find_regions(cell.source) if r.kind == SOLUTION],
                lambda region: [])
    public_text = "\n".join(_strings(public))
    return {line for line in candidates if line not in public_text}


def find_leaks(student, secrets: set[str]) -> list[Leak]:
    """Every secret line that occurs in ``student``, with where it was found, in notebook order."""
    places = [(f"cell {i}", "\n".join(_strings(cell))) for i, cell in enumerate(student.cells)]
    places.append(("notebook metadata", "\n".join(_strings(student.get("metadata", {})))))
    return [Leak(line, where) for where, text in places for line in sorted(secrets)
            if line in text]
