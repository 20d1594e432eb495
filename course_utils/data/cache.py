"""Where the course keeps datasets it has parsed or downloaded.

The cache directory is, in order: the ``cache_dir`` a loader is given (created if it
does not exist yet), the ``COURSE_DATA_DIR`` environment variable (which must name an
existing directory: a typo there is reported, not turned into a new folder), or the
``data/`` folder of the course repository.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

#: Environment variable that overrides the default cache directory.
CACHE_ENV_VAR = "COURSE_DATA_DIR"

_REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class CacheNotWrittenWarning(UserWarning):
    """Data was loaded but could not be saved in the cache (e.g. a read-only shared copy)."""


def default_cache_dir() -> Path:
    """The cache directory used when a loader is not given one.

    In order: the ``COURSE_DATA_DIR`` environment variable if it is set (and not empty),
    otherwise the ``data/`` folder of the course repository (ignored by git).

    Raises:
        FileNotFoundError: ``COURSE_DATA_DIR`` names a directory that does not exist.
        NotADirectoryError: ``COURSE_DATA_DIR`` names a file.
    """
    override = os.environ.get(CACHE_ENV_VAR)
    if not override:
        return _REPO_DATA_DIR
    path = Path(override).expanduser()
    if path.is_file():
        raise NotADirectoryError(f"{CACHE_ENV_VAR}={override} is a file, not a directory. "
                                 f"Point {CACHE_ENV_VAR} at a folder (or unset it to use the "
                                 "repository's data/).")
    if not path.is_dir():
        raise FileNotFoundError(
            f"{CACHE_ENV_VAR}={override}, but that directory does not exist. If the name is "
            f"right, create it (mkdir -p {override}); otherwise correct the variable, or unset "
            "it to use the repository's data/.")
    return path


def resolve_cache_dir(cache_dir: str | os.PathLike | None) -> Path:
    """``cache_dir`` as a Path, or the default one when it is ``None``.

    A ``cache_dir`` that does not exist yet is fine (it is created when something is
    cached); an empty string or a path to a file is refused.
    """
    if cache_dir is None:
        return default_cache_dir()
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(
            f"cache_dir must be a path (str or pathlib.Path), got {type(cache_dir).__name__}."
        )
    if os.fspath(cache_dir) == "":
        raise ValueError("cache_dir is an empty string, which would mean the current working "
                         "directory. Pass a folder such as 'data', or None for the default.")
    path = Path(cache_dir).expanduser()
    if path.is_file():
        raise NotADirectoryError(f"cache_dir {path} is a file, not a directory. Pass the folder "
                                 "the datasets should be kept in.")
    return path


def remove_stale_parts(directory: Path, prefix: str, older_than: float) -> list[Path]:
    """Delete ``<prefix>*.part`` files in ``directory`` untouched for ``older_than`` seconds.

    Downloads and cache writes go to a ``.part`` file first, which is renamed when
    complete and deleted on any error; only a killed process leaves one behind. A
    ``.part`` file still being written is modified all the time, so only old ones are
    removed: a concurrent download of the same file is left alone.

    Returns the files removed (missing directory or files vanishing meanwhile are fine).
    """
    if not directory.is_dir():
        return []
    cutoff = time.time() - older_than
    removed = []
    for part in directory.glob(f"{_glob_escape(prefix)}*.part"):
        try:
            if part.is_file() and part.stat().st_mtime < cutoff:
                part.unlink()
                removed.append(part)
        except FileNotFoundError:
            continue  # another process finished or removed it
        except OSError:
            continue  # e.g. a read-only shared cache: nothing to clean there
    return removed


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
