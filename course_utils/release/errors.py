"""The one error type of the release tool, saying which notebook and which cell is at fault."""

from __future__ import annotations


class ReleaseError(Exception):
    """The answer key cannot be turned into a student version (or a release is refused).

    The message names the notebook and, when one cell is at fault, the cell: its
    position (0-based, as nbformat and nbclient count), its id and its nbgrader
    ``grade_id``, so the instructor can find it in Jupyter.
    """


class MarkerError(ValueError):
    """Malformed ``BEGIN``/``END`` markers in one cell's source (the caller adds the location)."""


def cell_location(notebook: str, index: int, cell) -> str:
    """``"01_x.ipynb, cell 18 (id 48fed00d, grade_id ex01-1-mean-image)"``."""
    parts = []
    if cell.get("id"):
        parts.append(f"id {cell['id']}")
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if grade_id:
        parts.append(f"grade_id {grade_id}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{notebook}, cell {index}{detail}"
