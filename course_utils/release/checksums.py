"""nbgrader's cell checksum and cell locks, so released notebooks carry the metadata
that ``nbgrader generate_assignment`` itself writes.

``nbgrader generate_assignment`` stores, in every grade, solution or locked cell of
the student version, ``checksum`` (an MD5 over the cell's source, its type, its
grade/solution/locked flags, its ``grade_id`` and, for grade cells, its points as a
float) and ``cell_type``. nbgrader compares the checksum later, e.g. to give 0 points
to a written answer the student left unchanged. This module reproduces
``nbgrader.utils.compute_checksum`` (nbgrader is not a dependency of the course).
"""

from __future__ import annotations

import hashlib


def _flags(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_grade(cell) -> bool:
    return bool(_flags(cell).get("grade", False))


def is_solution(cell) -> bool:
    return bool(_flags(cell).get("solution", False))


def is_locked(cell) -> bool:
    """nbgrader's rule: solution cells are never locked, grade cells always are."""
    if "nbgrader" not in cell.get("metadata", {}):
        return False
    if is_solution(cell):
        return False
    if is_grade(cell):
        return True
    return bool(_flags(cell).get("locked", False))


def compute_checksum(cell) -> str:
    """The hex MD5 nbgrader computes for ``cell`` (which must have a ``grade_id``)."""
    digest = hashlib.md5(usedforsecurity=False)
    for part in (cell["source"], cell["cell_type"], str(is_grade(cell)), str(is_solution(cell)),
                 str(is_locked(cell)), _flags(cell)["grade_id"]):
        digest.update(part.encode("utf-8"))
    if is_grade(cell):
        digest.update(str(float(_flags(cell)["points"])).encode("utf-8"))
    return digest.hexdigest()



def add_checksums(cell) -> None:
    """Write ``checksum`` and ``cell_type`` into the nbgrader metadata of a grade, solution or
    locked cell, as ``nbgrader generate_assignment`` does; other cells are left alone."""
    if is_grade(cell) or is_solution(cell) or is_locked(cell):
        cell["metadata"]["nbgrader"]["checksum"] = compute_checksum(cell)
        cell["metadata"]["nbgrader"]["cell_type"] = cell["cell_type"]


def lock(cell) -> None:
    """Protect cells the way nbgrader's LockCells does: solution cells cannot be deleted;
    grade (check) cells and other locked cells can be neither deleted nor edited."""
    if is_solution(cell):
        cell["metadata"]["deletable"] = False
    elif is_grade(cell) or is_locked(cell):
        cell["metadata"]["deletable"] = False
        cell["metadata"]["editable"] = False
