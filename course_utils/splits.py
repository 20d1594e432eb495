"""The arrays a notebook trains and tests on, at the size its switches ask for (notebook 05).

Every notebook starts from ``DATASET`` and, for the longer ones, ``FULL_DATA``. With
``FULL_DATA = False`` the work stays the size of the embedded ``mnist-5k`` subset
whatever the dataset: 4,000 training and 1,000 test images. A bigger dataset is cut
down to that size by a *stratified* subset, so every class keeps its share (400 and
100 images per class for a balanced dataset). With ``FULL_DATA = True`` every image
is used (60,000 + 10,000 for ``"mnist"`` and ``"fashion-mnist"``)::

    data = load_splits("fashion-mnist", full_data=False, seed=0)
    data.X_train.shape, data.X_val.shape, data.X_test.shape
    # ((3200, 784), (800, 784), (1000, 784)), all float32 in [0, 1]

``X_all`` / ``y_all`` are the training pool before the validation split (what
cross-validation and learning curves draw from); ``X_train`` / ``X_val`` split it
80 / 20, stratified, with :func:`course_utils.preprocessing.stratified_split`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.data import load_dataset
from course_utils.i18n import tr
from course_utils.preprocessing import flatten, scale_to_unit, stratified_split, stratified_subset

#: Training and test images kept when ``full_data`` is False: the size of ``mnist-5k``.
SMALL_TRAIN, SMALL_TEST = 4000, 1000


@dataclass(frozen=True)
class Splits:
    """Flattened float32 images in [0, 1] (one image per row) and integer labels.

    Attributes:
        name: the dataset's name.
        X_all, y_all: ``(n_pool, 784)``, ``(n_pool,)``: the training pool.
        X_train, y_train, X_val, y_val: the pool split 80 / 20, stratified.
        X_test, y_test: the held-out test images.
        class_names: ``class_names[k]`` names class ``k``.
        full_data: whether every image of the dataset is used.
    """

    name: str
    X_all: np.ndarray
    y_all: np.ndarray
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    full_data: bool

    @property
    def pool_sorted_by_class(self) -> bool:
        """Whether the training pool's labels never decrease (the embedded subset is sorted)."""
        return bool(np.all(np.diff(self.y_all) >= 0))

    def describe(self) -> str:
        """Two lines for a notebook: the dataset, the sizes and dtype, whether it is sorted."""
        size = tr("every image") if self.full_data else tr("a stratified subset") \
            if self.name != "mnist-5k" else tr("the embedded subset")
        return tr("{name} ({size}): train {train_shape} {dtype}, validation {val_shape}, test "
                  "{test_shape}\ntraining pool of {pool:,} images sorted by class: {sorted}",
                  name=self.name, size=size, train_shape=self.X_train.shape,
                  dtype=self.X_train.dtype, val_shape=self.X_val.shape,
                  test_shape=self.X_test.shape, pool=len(self.y_all),
                  sorted=tr("yes") if self.pool_sorted_by_class else tr("no"))


def load_splits(dataset: str, *, full_data: bool = False, seed: int = 0,
                val_fraction: float = 0.2) -> Splits:
    """Load ``dataset`` (see :func:`course_utils.data.load_dataset`) and cut it to size.

    Args:
        dataset: ``"mnist-5k"``, ``"mnist"`` or ``"fashion-mnist"``.
        full_data: False keeps at most :data:`SMALL_TRAIN` training and :data:`SMALL_TEST`
            test images (stratified subsets); True keeps them all.
        seed: seeds the subsets and the validation split.
        val_fraction: the share of the training pool held out for validation.
    """
    if not isinstance(full_data, bool):
        raise TypeError(tr("load_splits: full_data must be True or False, got {full_data!r}.",
                           full_data=full_data))
    data = load_dataset(dataset)
    X_all, y_all = flatten(data.train_images), data.train_labels
    X_test, y_test = flatten(data.test_images), data.test_labels
    if not full_data:
        X_all, y_all = stratified_subset(X_all, y_all, min(SMALL_TRAIN, len(y_all)), seed=seed,
                                         keep_order=True)
        X_test, y_test = stratified_subset(X_test, y_test, min(SMALL_TEST, len(y_test)),
                                           seed=seed, keep_order=True)
    X_all, X_test = scale_to_unit(X_all), scale_to_unit(X_test)
    X_train, X_val, y_train, y_val = stratified_split(X_all, y_all, val_fraction=val_fraction,
                                                      seed=seed)
    return Splits(data.name, X_all, y_all, X_train, y_train, X_val, y_val, X_test, y_test,
                  tuple(data.class_names), full_data)
