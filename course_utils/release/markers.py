"""Find the nbgrader regions in one cell's source.

Two kinds of region, each opened and closed by a line that *contains* the marker
(nbgrader matches substrings, so ``### BEGIN SOLUTION`` and ``# BEGIN SOLUTION``
both work):

* ``BEGIN SOLUTION`` ... ``END SOLUTION``: the instructor's answer, replaced by a
  stub in the student version;
* ``BEGIN HIDDEN TESTS`` ... ``END HIDDEN TESTS``: extra tests, removed from the
  student version.

Regions cannot nest (not even one kind inside the other), every region must be
closed, and an ``END`` line needs a matching ``BEGIN``: anything else raises
:class:`MarkerError` naming the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_utils.release.errors import MarkerError

SOLUTION = "solution"
HIDDEN_TESTS = "hidden tests"

_MARKERS = {
    "BEGIN SOLUTION": (SOLUTION, "begin"),
    "END SOLUTION": (SOLUTION, "end"),
    "BEGIN HIDDEN TESTS": (HIDDEN_TESTS, "begin"),
    "END HIDDEN TESTS": (HIDDEN_TESTS, "end"),
}


@dataclass(frozen=True)
class Region:
    """One marked region. Line numbers are 0-based indices into ``source.split("\\n")``.

    Attributes:
        kind: ``SOLUTION`` or ``HIDDEN_TESTS``.
        begin, end: the lines holding the BEGIN and END markers.
        indent: the leading whitespace of the BEGIN line (the stub is indented like it).
        body: the lines strictly between the two markers.
    """

    kind: str
    begin: int
    end: int
    indent: str
    body: tuple[str, ...]


def marker_in(line: str) -> tuple[str, str] | None:
    """``(kind, "begin" | "end")`` for a marker line, ``None`` for any other line."""
    found = [value for marker, value in _MARKERS.items() if marker in line]
    if len(found) > 1:
        raise MarkerError(f"one line holds two markers: {line.strip()!r}")
    return found[0] if found else None


def find_regions(source: str) -> list[Region]:
    """All regions of ``source`` in order.

    Raises :class:`MarkerError` if the markers are malformed.
    """
    lines = source.split("\n")
    regions: list[Region] = []
    open_kind: str | None = None
    open_line = -1
    for number, line in enumerate(lines):
        marker = marker_in(line)
        if marker is None:
            continue
        kind, edge = marker
        if edge == "begin":
            if open_kind is not None:
                raise MarkerError(
                    f"line {number + 1} opens a {kind} region inside the {open_kind} region "
                    f"opened on line {open_line + 1}; regions cannot nest. Close the first one "
                    "with its END marker before opening another.")
            open_kind, open_line = kind, number
        else:
            if open_kind is None:
                raise MarkerError(f"line {number + 1} closes a {kind} region that was never "
                                  f"opened: {line.strip()!r} has no matching BEGIN line above it.")
            if kind != open_kind:
                raise MarkerError(f"line {number + 1} closes a {kind} region, but the region "
                                  f"open since line {open_line + 1} is a {open_kind} region.")
            begin_line = lines[open_line]
            indent = begin_line[: len(begin_line) - len(begin_line.lstrip())]
            regions.append(Region(kind, open_line, number, indent,
                                  tuple(lines[open_line + 1:number])))
            open_kind = None
    if open_kind is not None:
        closing = "END SOLUTION" if open_kind == SOLUTION else "END HIDDEN TESTS"
        raise MarkerError(f"the {open_kind} region opened on line {open_line + 1} is never "
                          f"closed; add its {closing} line.")
    return regions


def replace_regions(source: str, regions: list[Region], replacement) -> str:
    """``source`` with each region (markers included) replaced by ``replacement(region)``,
    a list of lines (empty to delete the region)."""
    lines = source.split("\n")
    out: list[str] = []
    position = 0
    for region in regions:
        out.extend(lines[position:region.begin])
        out.extend(replacement(region))
        position = region.end + 1
    out.extend(lines[position:])
    return "\n".join(out)
