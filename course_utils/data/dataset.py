"""The object every loader returns: train and test arrays plus class names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.i18n import tr


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
            tr("Dataset({name!r}: {n_train} train + {n_test} test images of {height}x{width}, "
               "{n_classes} classes)",
               name=self.name, n_train=len(self.train_labels), n_test=len(self.test_labels),
               height=self.train_images.shape[1], width=self.train_images.shape[2],
               n_classes=self.num_classes)
        )
