"""Downloading a dataset file safely: mirrors in turn, atomic writes, verified contents.

:func:`download_verified` is careful in the ways a plain ``urlretrieve`` is not:

* It streams into a temporary file next to the destination and renames it into
  place only after the contents are verified. The final name therefore only ever
  holds a complete, correct file, even if the transfer fails, the checksum is
  wrong, or the user presses Ctrl+C (the temporary file is removed in every case).
* It checks that the server sent as many bytes as it announced
  (``Content-Length``): a connection that closes early is an error, not a file.
* It verifies the SHA-256 and size of the *decompressed* payload (see
  :mod:`course_utils.data.integrity`).
* When one mirror fails (HTTP error, timeout, short transfer, wrong contents) it
  tries the next; when all fail it raises :class:`DownloadError` listing what went
  wrong with each.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from course_utils.data.integrity import ChecksumError, verify_payload

DEFAULT_TIMEOUT = 30.0  # seconds without data before a mirror counts as failed
_CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """No mirror delivered a verified copy of a file."""


class ShortReadError(OSError):
    """The server closed the connection before sending all the bytes it announced."""


def mirror_url(base: str, filename: str) -> str:
    """The URL of ``filename`` on the mirror whose base URL is ``base``."""
    return base.rstrip("/") + "/" + filename


def download_verified(
    filename: str,
    mirrors: Sequence[str],
    dest_dir: str | os.PathLike,
    sha256: str,
    size: int,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
) -> Path:
    """Download ``filename`` from the first mirror that delivers a verified copy.

    Args:
        filename: file name on the mirrors, e.g. ``"train-images-idx3-ubyte.gz"``.
        mirrors: base URLs tried in order; the file's URL is ``base + "/" + filename``.
        dest_dir: directory to save into (created if missing).
        sha256: expected SHA-256 of the decompressed payload.
        size: expected size in bytes of the decompressed payload.
        timeout: seconds to wait for a connection or for the next data before giving
            up on a mirror.
        progress: show a progress bar.

    Returns:
        The path ``dest_dir / filename`` of the verified file.

    Raises:
        DownloadError: every mirror failed; the message lists each mirror's failure.
    """
    if isinstance(mirrors, (str, bytes)) or not all(isinstance(m, str) for m in mirrors):
        raise TypeError(
            "mirrors must be a list of base URLs (strings), e.g. "
            "['https://example.org/mnist/'], not a single string."
        )
    if not mirrors:
        raise ValueError("mirrors is empty: give at least one base URL to download from.")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    destination = dest_dir / filename
    failures: list[str] = []
    for base in mirrors:
        url = mirror_url(base, filename)
        try:
            _fetch_to(url, destination, sha256, size, timeout=timeout, progress=progress)
        except (OSError, http.client.HTTPException, ChecksumError, ValueError) as err:
            failures.append(f"  {url}: {_describe(err)}")
            continue
        return destination
    raise DownloadError(
        f"Could not download {filename} from any mirror:\n" + "\n".join(failures)
    )


def _fetch_to(
    url: str, destination: Path, sha256: str, size: int, *, timeout: float, progress: bool
) -> None:
    """Stream ``url`` into a temporary file, verify it, then rename it to ``destination``."""
    fd, tmp_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as tmp:
            received, announced = _stream(url, tmp, timeout=timeout, progress=progress)
            tmp.flush()
            os.fsync(tmp.fileno())
        if announced is not None and received != announced:
            raise ShortReadError(
                f"transfer cut short: received {received:,} of {announced:,} announced bytes"
            )
        verify_payload(tmp_path, sha256, size, name="downloaded file")
        os.chmod(tmp_path, 0o644)  # mkstemp creates files readable by their owner only
        os.replace(tmp_path, destination)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _stream(url: str, out, *, timeout: float, progress: bool) -> tuple[int, int | None]:
    """Copy the body of ``url`` into ``out``; returns (bytes received, Content-Length)."""
    request = urllib.request.Request(url, headers={"User-Agent": "course-utils"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length_header = response.headers.get("Content-Length")
        announced = int(length_header) if length_header and length_header.isdigit() else None
        received = 0
        with tqdm(
            total=announced,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=url.rsplit("/", 1)[-1],
            disable=not progress,
            leave=False,
        ) as bar:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    return received, announced


def _describe(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return f"could not connect ({err.reason})"
    if isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, ChecksumError):
        return f"wrong contents, rejected ({err})"
    if isinstance(err, http.client.IncompleteRead):
        return f"transfer cut short ({len(err.partial):,} bytes received)"
    return f"{type(err).__name__}: {err}"
