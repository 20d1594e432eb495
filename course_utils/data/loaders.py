"""``load_dataset``: the one function a notebook calls to get its images."""

from __future__ import annotations

import os
from collections.abc import Sequence

from course_utils.data.cache import resolve_cache_dir
from course_utils.data.dataset import Dataset
from course_utils.data.download import DEFAULT_DEADLINE, DEFAULT_TIMEOUT
from course_utils.data.embedded import load_embedded
from course_utils.data.full import load_full
from course_utils.data.registry import DATASET_NAMES, EMBEDDED_NAME, FULL_DATASETS


def load_dataset(
    name: str = EMBEDDED_NAME,
    *,
    cache_dir: str | os.PathLike | None = None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
) -> Dataset:
    """Load a dataset by name, offline whenever possible.

    Args:
        name: ``"mnist-5k"`` (default: 5,000 real MNIST images that ship with the
            course's requirements, always offline, split 4,000 train / 1,000 test),
            ``"mnist"`` (60,000 + 10,000) or ``"fashion-mnist"`` (60,000 + 10,000).
        cache_dir: where parsed and downloaded files live: the embedded subset as
            ``<cache_dir>/mnist-5k.npz``, a full dataset as ``<cache_dir>/<name>/*.gz``
            (e.g. ``data/mnist/train-images-idx3-ubyte.gz``). Default: the
            ``COURSE_DATA_DIR`` environment variable (which must name an existing
            directory), else the repository's ``data/`` (see data/README.md). A
            ``cache_dir`` that does not exist yet is created.
        download: for the full datasets, whether to download missing files from the
            public mirrors. With ``False`` a missing file raises an error that says
            which files to put where.
        mirrors: base URLs to download from instead of the dataset's usual mirrors
            (tried in order).
        timeout: seconds a mirror may stay silent (connecting, or between two pieces of
            data) before the next mirror is tried (default 30).
        deadline: seconds a mirror may take for one whole file (default 600): a mirror
            that trickles is abandoned for the next.

    Returns:
        A :class:`Dataset`: ``train_images (n, 28, 28) uint8``, ``train_labels (n,) int64``,
        the same for the test split, ``class_names``, and ``source`` (where it came from).

    Raises:
        ValueError: unknown ``name``, or ``cache_dir=""``.
        FileNotFoundError: ``COURSE_DATA_DIR`` names a directory that does not exist.
        NotADirectoryError: the cache directory is a file.
        DatasetNotAvailableError: a full dataset has no verified local copy and could not
            be downloaded; the message lists the files, the directory to put them in,
            and the URLs to get them from.

    The full datasets are looked up in the cache directory first, then in the
    directories where Linux distributions install them (Debian's package
    ``dataset-fashion-mnist`` puts Fashion-MNIST in /usr/share/datasets/fashion-mnist),
    then downloaded. Every file is verified against the SHA-256 of its
    decompressed contents before it is used.
    """
    if not isinstance(name, str) or name not in DATASET_NAMES:
        raise ValueError(
            f"Unknown dataset {name!r}. Choose one of: {', '.join(map(repr, DATASET_NAMES))}."
        )
    directory = resolve_cache_dir(cache_dir)
    if name == EMBEDDED_NAME:
        return load_embedded(directory)
    return load_full(FULL_DATASETS[name], directory, download=download, mirrors=mirrors,
                     timeout=timeout, deadline=deadline)
