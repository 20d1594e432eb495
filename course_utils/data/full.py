"""Full datasets (MNIST, Fashion-MNIST) from their canonical IDX files.

Each dataset is four gzip-compressed IDX files (training images and labels, test
images and labels). For every file, :func:`load_full` looks in this order:

1. the cache: ``<cache_dir>/<dataset name>/<file name>``, e.g.
   ``data/fashion-mnist/train-images-idx3-ubyte.gz``;
2. the directories where operating-system packages install it
   (``DatasetSpec.system_dirs``; Debian's ``dataset-fashion-mnist`` uses
   ``/usr/share/datasets/fashion-mnist``);
3. the public mirrors, downloading into the cache (only with ``download=True``).

Every file is verified (size and SHA-256 of its decompressed contents) before it
is used. A file that fails is never used: it is reported with a warning when
another copy is found, and in the error message otherwise. A download replaces a
damaged file in the cache only once the new copy has been verified.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_utils.data.dataset import Dataset
from course_utils.data.download import (
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    DownloadError,
    check_seconds,
    download_verified,
    mirror_url,
)
from course_utils.data.idx import IdxFormatError, decompress, parse_idx
from course_utils.data.integrity import ChecksumError, verify_bytes
from course_utils.data.registry import DatasetSpec, IdxFile


class DatasetNotAvailableError(FileNotFoundError):
    """A full dataset has no verified local copy and could not be downloaded."""


class DamagedFileWarning(UserWarning):
    """A dataset file failed verification and was skipped (another copy was used)."""


def load_full(
    spec: DatasetSpec,
    cache_dir: str | os.PathLike,
    *,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
) -> Dataset:
    """Load the dataset described by ``spec``, verifying every file.

    Args:
        spec: which dataset (see :mod:`course_utils.data.registry`).
        cache_dir: the cache root; this dataset's files live in ``cache_dir / spec.name``.
        download: download missing files from the mirrors into the cache.
        mirrors: base URLs to use instead of ``spec.mirrors``, tried in order.
        progress: show a progress bar while downloading.
        timeout, deadline: seconds of silence, and seconds for a whole file, after which a
            mirror is given up (see :func:`course_utils.data.download.download_verified`).

    Returns:
        A :class:`Dataset` with ``train_images (n_train, 28, 28)`` uint8,
        ``train_labels (n_train,)`` int64, the same for the test split, and
        ``source`` naming the directory (or directories) the files came from.

    Raises:
        DatasetNotAvailableError: a file is missing (or damaged) everywhere and
            could not be downloaded; the message says which files to put where.
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {download!r}.")
    timeout, deadline = check_seconds(timeout, "timeout"), check_seconds(deadline, "deadline")
    mirrors = spec.mirrors if mirrors is None else _check_mirrors(mirrors)
    dataset_dir = Path(cache_dir) / spec.name

    arrays: dict[IdxFile, np.ndarray] = {}
    used_dirs: list[Path] = []
    rejected: dict[IdxFile, list[tuple[Path, str]]] = {f: [] for f in spec.files}
    for file in spec.files:
        for directory in (dataset_dir, *map(Path, spec.system_dirs)):
            path = directory / file.filename
            if not path.is_file():
                continue
            try:
                arrays[file] = read_verified(path, file)
            except (ChecksumError, IdxFormatError, OSError) as err:
                rejected[file].append((path, str(err)))
                continue
            used_dirs.append(directory)
            break

    missing = [f for f in spec.files if f not in arrays]
    if missing and not download:
        raise DatasetNotAvailableError(
            _not_available_message(spec, dataset_dir, missing, mirrors, rejected, failure=None)
        )
    for file in missing:
        try:
            path = download_verified(
                file.filename, mirrors, dataset_dir, file.sha256, file.size, progress=progress,
                timeout=timeout, deadline=deadline,
            )
            arrays[file] = read_verified(path, file)
        except (DownloadError, ChecksumError, IdxFormatError, OSError) as err:
            # Stop at the first failure: the other files would most likely fail the same way.
            still_missing = [f for f in missing if f not in arrays]
            raise DatasetNotAvailableError(
                _not_available_message(
                    spec, dataset_dir, still_missing, mirrors, rejected, failure=str(err)
                )
            ) from err
        used_dirs.append(dataset_dir)

    for file, copies in rejected.items():
        for path, reason in copies:
            if file in missing and path.parent == dataset_dir:
                outcome = "It has been replaced by a verified download."
            else:
                outcome = "A verified copy was used instead; delete or replace the damaged file."
            warnings.warn(f"Skipped a damaged file. {reason} {outcome}", DamagedFileWarning,
                          stacklevel=3)

    train_images, test_images = arrays[spec.train_images], arrays[spec.test_images]
    train_labels, test_labels = arrays[spec.train_labels], arrays[spec.test_labels]
    _check_split(spec, "train", train_images, train_labels)
    _check_split(spec, "test", test_images, test_labels)
    return Dataset(
        name=spec.name,
        train_images=train_images,
        train_labels=train_labels.astype(np.int64),
        test_images=test_images,
        test_labels=test_labels.astype(np.int64),
        class_names=spec.class_names,
        source="; ".join(str(d) for d in dict.fromkeys(used_dirs)),
    )


def read_verified(path: Path, file: IdxFile) -> np.ndarray:
    """Read ``path`` as IDX after checking its decompressed size and SHA-256.

    The file is decompressed once, in memory; the same bytes are hashed and parsed.

    Raises:
        ChecksumError: the contents differ from what the registry expects.
        IdxFormatError: the gzip data is damaged (or the file is not IDX).
    """
    payload = decompress(path.read_bytes(), name=str(path))
    verify_bytes(payload, file.sha256, file.size, name=str(path))
    return parse_idx(payload, name=str(path))


def _check_split(spec: DatasetSpec, split: str, images: np.ndarray, labels: np.ndarray) -> None:
    """Defensive checks that hold for every faithful copy (checksums already passed)."""
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"{spec.name} {split} images: expected (n, 28, 28) uint8, got {images.shape} "
            f"{images.dtype}. The registry entry for this dataset is wrong."
        )
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"{spec.name} {split}: {len(images)} images but labels of shape {labels.shape}."
        )
    if labels.size and int(labels.max()) >= len(spec.class_names):
        raise ValueError(
            f"{spec.name} {split} labels go up to {int(labels.max())}, but the dataset has "
            f"{len(spec.class_names)} classes."
        )


def _check_mirrors(mirrors: Sequence[str]) -> tuple[str, ...]:
    if isinstance(mirrors, (str, bytes)) or not all(isinstance(m, str) for m in mirrors):
        raise TypeError(
            "mirrors must be a list of base URLs (strings), e.g. ['https://example.org/mnist/'], "
            f"got {mirrors!r}."
        )
    if not mirrors:
        raise ValueError("mirrors is empty: give at least one base URL, or None for the defaults.")
    return tuple(mirrors)


def _not_available_message(
    spec: DatasetSpec,
    dataset_dir: Path,
    missing: list[IdxFile],
    mirrors: Sequence[str],
    rejected: dict[IdxFile, list[tuple[Path, str]]],
    failure: str | None,
) -> str:
    lines = [
        f"{spec.title} ({spec.name!r}) is not available: {len(missing)} of its "
        f"{len(spec.files)} files have no verified copy on this machine"
        + (" and could not be downloaded." if failure is not None else " (download=False)."),
        "",
        "Put these files, gzip-compressed as published, into the directory",
        f"    {dataset_dir.resolve()}",
        "(the cache directory: set it with load_dataset(..., cache_dir=...) or the "
        "COURSE_DATA_DIR environment variable)",
        *(f"  - {f.filename}" for f in missing),
        "",
        "Get them from any of these mirrors:",
        *(f"    {mirror_url(base, f.filename)}" for f in missing for base in mirrors),
    ]
    if spec.system_dirs:
        hint = f" ({spec.system_hint})" if spec.system_hint else ""
        lines += ["", f"Files in {', '.join(spec.system_dirs)} are found too{hint}."]
    damaged = [reason for f in missing for _, reason in rejected[f]]
    if damaged:
        lines += ["", "These copies were found but failed verification (never used):"]
        lines += [f"  - {reason}" for reason in damaged]
    if failure is not None:
        lines += ["", failure]
    else:
        lines += ["", "Or call load_dataset(..., download=True) to download them."]
    return "\n".join(lines)
