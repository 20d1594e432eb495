"""Downloading a dataset file safely: mirrors in turn, atomic writes, verified contents.

:func:`download_verified` is careful in the ways a plain ``urlretrieve`` is not:

* It streams into a temporary file next to the destination and renames it into
  place only after the contents are verified. The final name therefore only ever
  holds a complete, correct file, even if the transfer fails, the checksum is
  wrong, or the user presses Ctrl+C (the temporary file is removed in every case).
* It checks that the server sent as many bytes as it announced
  (``Content-Length``): a connection that closes early is an error, not a file.
* It bounds what one mirror may cost: ``timeout`` seconds without data, ``deadline``
  seconds for the whole file (a mirror that trickles a few bytes at a time is
  abandoned), and a body larger than the file can be (``max_body_size``) is refused
  from its announced length, or cut off as soon as it grows past that.
* It verifies the SHA-256 and size of the *decompressed* payload (see
  :mod:`course_utils.data.integrity`).
* When one mirror fails (HTTP error, timeout, short transfer, wrong contents) it
  says so with a :class:`MirrorSkippedWarning` and tries the next; when all fail it
  raises :class:`DownloadError` listing what went wrong with each.
* ``.part`` files left behind by a killed process (older than the deadline, so they
  cannot belong to a download still running) are removed on the next download of
  the same file.
"""

from __future__ import annotations

import http.client
import numbers
import os
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from course_utils.data.cache import remove_stale_parts
from course_utils.data.integrity import ChecksumError, verify_payload

DEFAULT_TIMEOUT = 30.0  # seconds without data before a mirror counts as failed
DEFAULT_DEADLINE = 600.0  # seconds one mirror may take for a whole file
_CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """No mirror delivered a verified copy of a file."""


class MirrorSkippedWarning(UserWarning):
    """A mirror failed to deliver a file; the next one is being tried."""


class ShortReadError(OSError):
    """The server closed the connection before sending all the bytes it announced."""


class DeadlineError(OSError):
    """The mirror was still sending after the deadline for the whole file."""


class OversizedBodyError(OSError):
    """The mirror announced or sent more bytes than the file can have."""


def max_body_size(size: int) -> int:
    """The most bytes a correct copy of a file whose payload is ``size`` bytes can take.

    Mirrors serve gzip archives, and a gzip stream is never much larger than its payload:
    incompressible data is stored with 5 bytes of framing per 64 KiB block (zlib's
    ``deflateBound``), plus a header of a few dozen bytes. The bound allows 0.4 % and
    4 KiB on top, which also admits an uncompressed copy.
    """
    return size + size // 256 + 4096


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
    deadline: float = DEFAULT_DEADLINE,
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
        deadline: seconds one mirror may take to deliver the whole file; a mirror still
            sending after that is given up (checked between reads, so it may run over by
            up to ``timeout``).
        progress: show a progress bar.

    Returns:
        The path ``dest_dir / filename`` of the verified file.

    Raises:
        DownloadError: every mirror failed; the message lists each mirror's failure.

    Warns:
        MirrorSkippedWarning: a mirror failed and the next one is tried (the message
            says which, and why).
    """
    if isinstance(mirrors, (str, bytes)) or not all(isinstance(m, str) for m in mirrors):
        raise TypeError(
            "mirrors must be a list of base URLs (strings), e.g. "
            "['https://example.org/mnist/'], not a single string."
        )
    if not mirrors:
        raise ValueError("mirrors is empty: give at least one base URL to download from.")
    timeout = check_seconds(timeout, "timeout")
    deadline = check_seconds(deadline, "deadline")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    destination = dest_dir / filename
    remove_stale_parts(dest_dir, f".{filename}.", older_than=deadline + timeout)
    failures: list[str] = []
    for number, base in enumerate(mirrors):
        url = mirror_url(base, filename)
        try:
            _fetch_to(url, destination, sha256, size, timeout=timeout, deadline=deadline,
                      progress=progress)
        except (OSError, http.client.HTTPException, ChecksumError, ValueError) as err:
            failures.append(f"  {url}: {_describe(err, deadline)}")
            if number + 1 < len(mirrors):
                next_url = mirror_url(mirrors[number + 1], filename)
                warnings.warn(f"Skipped the mirror {url}: {_describe(err, deadline)}; trying "
                              f"{next_url}", MirrorSkippedWarning, stacklevel=2)
            continue
        return destination
    raise DownloadError(
        f"Could not download {filename} from any mirror:\n" + "\n".join(failures)
    )


def check_seconds(value, name: str) -> float:
    """``value`` as a float number of seconds, refusing anything but a positive number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number of seconds, got {value!r}.")
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}.")
    return float(value)


def _fetch_to(
    url: str, destination: Path, sha256: str, size: int, *, timeout: float, deadline: float,
    progress: bool
) -> None:
    """Stream ``url`` into a temporary file, verify it, then rename it to ``destination``."""
    fd, tmp_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as tmp:
            received, announced = _stream(url, tmp, timeout=timeout, deadline=deadline,
                                          limit=max_body_size(size), progress=progress)
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


def _stream(url: str, out, *, timeout: float, deadline: float, limit: int,
            progress: bool) -> tuple[int, int | None]:
    """Copy the body of ``url`` into ``out``; returns (bytes received, Content-Length).

    Stops with :class:`DeadlineError` after ``deadline`` seconds and with
    :class:`OversizedBodyError` when more than ``limit`` bytes are announced or arrive.
    """
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "course-utils"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length_header = response.headers.get("Content-Length")
        announced = int(length_header) if length_header and length_header.isdigit() else None
        if announced is not None and announced > limit:
            raise OversizedBodyError(f"the server announced {announced:,} bytes; a correct copy "
                                     f"has at most {limit:,}")
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
            # read1 returns what one read of the socket gives, so a trickle of a few bytes
            # comes back to this loop (and its deadline) instead of filling a 64 KiB buffer.
            while chunk := response.read1(_CHUNK):
                received += len(chunk)
                if received > limit:
                    raise OversizedBodyError(f"the body grew to more than {limit:,} bytes, "
                                             "more than a correct copy can have; stopped there")
                out.write(chunk)
                bar.update(len(chunk))
                if time.monotonic() - started > deadline:
                    raise DeadlineError(f"only {received:,} bytes"
                                        + (f" of {announced:,}" if announced else "")
                                        + f" after {deadline:g} s")
    return received, announced


def _describe(err: BaseException, deadline: float) -> str:
    if isinstance(err, DeadlineError):
        return f"too slow, given up at the deadline of {deadline:g} s ({err})"
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
