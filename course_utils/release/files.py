"""Where student versions go, and writing them byte for byte reproducibly."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat

from course_utils.release.errors import ReleaseError

DEFAULT_PATTERN = "notebooks/[0-9]*.ipynb"


def default_notebooks(root: Path | None = None) -> list[Path]:
    """The course notebooks, ``notebooks/[0-9]*.ipynb`` under ``root`` (default: the current
    directory), sorted; raises :class:`ReleaseError` when there are none."""
    root = Path.cwd() if root is None else root
    found = sorted(root.glob(DEFAULT_PATTERN))
    if not found:
        raise ReleaseError(f"no notebooks match {DEFAULT_PATTERN} in {root}; run the command "
                           "from the repository root or name the notebooks to release.")
    return found


def plan_outputs(out_dir: Path, sources: Sequence[Path]) -> list[tuple[Path, Path]]:
    """``(source, destination)`` pairs, refusing anything that could overwrite the answer key.

    Refused: an output directory that is, or lies inside, a directory holding a source
    notebook (student versions must not mix with the answer key, where CI would also
    collect them); a destination that is one of the sources; two sources with one name;
    a source that is not an existing ``.ipynb`` file.
    """
    out = out_dir.resolve()
    resolved = []
    for source in sources:
        path = Path(source).resolve()
        if not path.is_file() or path.suffix != ".ipynb":
            raise ReleaseError(f"{source} is not a notebook file (.ipynb).")
        resolved.append(path)
    for path in resolved:
        if out == path.parent or path.parent in out.parents:
            raise ReleaseError(
                f"refusing to write student versions into {out_dir}: it is (or is inside) "
                f"{path.parent}, which holds the answer key {path.name}. Choose a folder "
                "outside it, e.g. `python -m course_utils.release release/`.")
    names = [path.name for path in resolved]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ReleaseError(f"two notebooks to release share the name {duplicates[0]}; their "
                           "student versions would overwrite each other.")
    pairs = [(path, out / path.name) for path in resolved]
    for _, destination in pairs:
        if destination in resolved:
            raise ReleaseError(f"refusing to overwrite {destination}: it is a source notebook.")
    return pairs


def notebook_text(nb) -> str:
    """The exact file content ``nbformat.write`` produces (sorted keys, one-space indent,
    trailing newline), so the same notebook always gives the same bytes."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(notebook_text(nb))
