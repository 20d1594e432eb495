"""Datasets for the course: MNIST, Fashion-MNIST and an always-offline MNIST subset.

Start with :func:`load_dataset`::

    from course_utils.data import load_dataset
    data = load_dataset("mnist-5k")        # or "mnist", "fashion-mnist"
    data.train_images.shape                # (4000, 28, 28), uint8
"""

from course_utils.data.dataset import Dataset
from course_utils.data.loaders import load_dataset
from course_utils.data.registry import DATASET_NAMES

__all__ = ["DATASET_NAMES", "Dataset", "load_dataset"]
