"""Datasets for the course: MNIST, Fashion-MNIST and an always-offline MNIST subset.

Start with :func:`load_dataset`::

    from course_utils.data import load_dataset
    data = load_dataset("mnist-5k")        # or "mnist", "fashion-mnist"
    data.train_images.shape                # (4000, 28, 28), uint8

Modules: ``registry`` (what each dataset is: files, checksums, mirrors),
``embedded`` (the offline MNIST subset), ``idx`` (the IDX file format),
``integrity`` (checksums), ``download`` (verified downloads), ``full`` (finding
the full datasets), ``cache`` (where files are kept). See data/README.md.
"""

from course_utils.data.dataset import Dataset
from course_utils.data.full import DamagedFileWarning, DatasetNotAvailableError
from course_utils.data.idx import IdxFormatError, read_idx, write_idx
from course_utils.data.loaders import load_dataset
from course_utils.data.registry import DATASET_NAMES

__all__ = [
    "DATASET_NAMES",
    "DamagedFileWarning",
    "Dataset",
    "DatasetNotAvailableError",
    "IdxFormatError",
    "load_dataset",
    "read_idx",
    "write_idx",
]
