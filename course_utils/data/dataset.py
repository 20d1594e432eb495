"""The object every loader returns: train and test arrays plus class names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """A labelled image dataset split into a training and a test part.

    Attributes:
        name: the name it was loaded by (``"mnist-5k"``, ``"mnist"``, ``"fashion-mnist"``).
        train_images: ``(n_train, 28, 28)`` uint8, pixel intensities 0..255.
        train_labels: ``(n_train,)`` int64, class indices 0..9.
        test_images: ``(n_test, 28, 28)`` uint8.
        test_labels: ``(n_test,)`` int64.
        class_names: ``class_names[k]`` is the human-readable name of class ``k``.
        source: where the arrays came from (a file path or a package), for the record.
    """

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    source: str

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}: {len(self.train_labels)} train + {len(self.test_labels)} test "
            f"images of {self.train_images.shape[1]}x{self.train_images.shape[2]}, "
            f"{self.num_classes} classes)"
        )
