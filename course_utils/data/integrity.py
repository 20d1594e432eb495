"""Checking that a dataset file holds exactly the bytes it should.

The registry stores, for every IDX file, the SHA-256 and the size of its
*decompressed* payload. Comparing those, rather than the hash of the ``.gz``
archive, accepts a file that a distribution or mirror recompressed (different
archive bytes, same data) and rejects any change to the data itself.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

from course_utils.data.idx import GZIP_MAGIC
from course_utils.i18n import tr

_CHUNK = 1 << 20


class ChecksumError(ValueError):
    """A file's decompressed contents do not match the expected size or SHA-256."""


def payload_digest(path: str | os.PathLike, *, name: str | None = None) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file's decompressed payload.

    gzip files (recognised by their first two bytes) are decompressed on the fly,
    one megabyte at a time, so memory use stays small; other files are hashed as
    they are.

    Raises:
        ChecksumError: the gzip data is damaged (truncated or corrupt).
    """
    path = Path(path)
    with path.open("rb") as raw:
        is_gzip = raw.read(2) == GZIP_MAGIC
    digest = hashlib.sha256()
    size = 0
    opener = gzip.open if is_gzip else open
    try:
        with opener(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise ChecksumError(tr("{name}: damaged gzip data ({reason}).",
                               name=name or path, reason=err)) from err
    return digest.hexdigest(), size


def verify_payload(
    path: str | os.PathLike, sha256: str, size: int, *, name: str | None = None
) -> None:
    """Raise :class:`ChecksumError` unless ``path`` decompresses to the expected bytes.

    Args:
        path: the file to check (``.gz`` or uncompressed).
        sha256: expected SHA-256 of the decompressed payload, 64 hex digits.
        size: expected size in bytes of the decompressed payload.
        name: how to refer to the file in the error message (default: ``path``).
    """
    label = name or str(path)
    actual_sha, actual_size = payload_digest(path, name=label)
    _compare(label, actual_sha, actual_size, sha256, size)


def verify_bytes(payload: bytes, sha256: str, size: int, *, name: str) -> None:
    """Like :func:`verify_payload`, for a payload already decompressed in memory."""
    _compare(name, hashlib.sha256(payload).hexdigest(), len(payload), sha256, size)


def _compare(label: str, actual_sha: str, actual_size: int, sha256: str, size: int) -> None:
    if actual_size != size:
        raise ChecksumError(
            tr("{name}: decompressed size is {actual:,} bytes, expected {expected:,} (truncated "
               "or a different file).", name=label, actual=actual_size, expected=size)
        )
    if actual_sha != sha256.lower():
        raise ChecksumError(
            tr("{name}: SHA-256 of the decompressed data is {actual}, expected {expected} "
               "(corrupt or a different file).", name=label, actual=actual_sha, expected=sha256)
        )
