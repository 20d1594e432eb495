"""Where the course keeps datasets it has parsed or downloaded."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the default cache directory.
CACHE_ENV_VAR = "COURSE_DATA_DIR"

_REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def default_cache_dir() -> Path:
    """The cache directory used when a loader is not given one.

    In order: the ``COURSE_DATA_DIR`` environment variable if it is set, otherwise
    the ``data/`` folder of the course repository (ignored by git).
    """
    override = os.environ.get(CACHE_ENV_VAR)
    return Path(override).expanduser() if override else _REPO_DATA_DIR


def resolve_cache_dir(cache_dir: str | os.PathLike | None) -> Path:
    """``cache_dir`` as a Path, or the default one when it is ``None``."""
    if cache_dir is None:
        return default_cache_dir()
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(
            f"cache_dir must be a path (str or pathlib.Path), got {type(cache_dir).__name__}."
        )
    return Path(cache_dir).expanduser()
