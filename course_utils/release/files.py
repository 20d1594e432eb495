"""Reading notebooks safely, where student versions go, and writing files whole.

Reading: a missing, empty, non-JSON or invalid notebook is a :class:`ReleaseError` that
names the file and what is wrong with it (one line), never a traceback.

Writing: every file is written to a temporary ``.part`` file in the destination folder,
flushed to disk, then renamed over the destination. A full disk or an interrupted run
leaves the previous version (or nothing), never a truncated notebook; the temporary file
is removed.
"""

from __future__ import annotations

import json
import os
import tempfile
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
    collect them); an output directory that is a file; a destination that is one of the
    sources; two sources with one name; a source that does not exist or is not an
    ``.ipynb`` file.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise ReleaseError(f"{out_dir} is a file, not a folder; choose a folder for the student "
                           "versions, e.g. release/.")
    out = out_dir.resolve()
    resolved = []
    for source in sources:
        path = Path(source).resolve()
        check_notebook_path(Path(source))
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


def check_notebook_path(path: Path) -> None:
    """Raise :class:`ReleaseError` unless ``path`` is an existing ``.ipynb`` file."""
    if not path.exists():
        raise ReleaseError(f"{path} does not exist.")
    if not path.is_file() or path.suffix != ".ipynb":
        raise ReleaseError(f"{path} is not a notebook file (.ipynb).")


def read_notebook(path: Path):
    """The notebook at ``path`` as nbformat v4, or a one-line :class:`ReleaseError` saying
    why it cannot be read (missing, empty, not JSON, not a valid notebook)."""
    check_notebook_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ReleaseError(f"{path} cannot be read: {_reason(err)}.") from None
    if not text.strip():
        raise ReleaseError(f"{path} is empty; it is not a notebook (restore it, e.g. from git).")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReleaseError(f"{path} is not valid JSON ({err.msg} at line {err.lineno}, column "
                           f"{err.colno}): it is not a notebook, or it was cut short.") from None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        version = data.get("nbformat") if isinstance(data, dict) else None
        raise ReleaseError(f"{path} is not a valid notebook (expected nbformat 4, found "
                           f"{version!r}).")
    try:
        nbformat.validate(nbformat.from_dict(data))
    except Exception as err:  # noqa: BLE001 - jsonschema's ValidationError and its relatives
        raise ReleaseError(f"{path} is not a valid notebook ({_reason(err)}).") from None
    return nbformat.reads(text, as_version=4)


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def notebook_text(nb) -> str:
    """The exact file content ``nbformat.write`` produces (sorted keys, one-space indent,
    trailing newline), so the same notebook always gives the same bytes."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_files(items: Sequence[tuple[Path, str]]) -> None:
    """Write each ``(path, text)``, every file whole: all texts go to temporary files first,
    then each is renamed over its destination, so a failure while writing (a full disk)
    changes no destination. Files are readable by everyone (0o644), as ``open`` makes them.

    Raises:
        ReleaseError: a file could not be written; the message names it and why.
    """
    temporaries: list[tuple[Path, Path]] = []
    destination = None
    try:
        for destination, text in items:
            destination.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append((_write_temporary(destination, text), destination))
        for temporary, destination in temporaries:
            os.replace(temporary, destination)
    except OSError as err:
        raise ReleaseError(f"could not write {destination}: {_reason(err)}; nothing was "
                           "replaced by a partial file.") from None
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)  # already renamed, or left over from a failure


def _write_temporary(destination: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.",
                                suffix=".part")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes files readable by their owner only
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
