"""What would more data buy? Test accuracy against training-set size (notebook 05).

A learning curve trains the same model on growing, stratified subsets of the
training pool, several seeds per size, and scores every run on the same test
set. The seed chooses both the subset (:func:`course_utils.preprocessing.stratified_subset`)
and the model's own randomness, so the spread at each size covers both::

    acc = learning_curve(lambda seed: MLP(seed=seed), X, y, X_test, y_test,
                         sizes=[250, 500, 1000], seeds=range(3))
    acc.shape   # (3 sizes, 3 seeds), accuracies in [0, 1]

:func:`doubling_sizes` gives the usual sizes: doublings from a start, then the whole pool.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from course_utils.i18n import tr
from course_utils.preprocessing import stratified_subset
from course_utils.threads import blas_thread_limit, thread_count


def doubling_sizes(n_pool: int, start: int = 250) -> list[int]:
    """``[start, 2 start, 4 start, ...]`` below ``n_pool``, then ``n_pool`` itself.

    ``doubling_sizes(4000)`` is ``[250, 500, 1000, 2000, 4000]``.
    """
    for name, value in (("n_pool", n_pool), ("start", start)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(tr("doubling_sizes: {name} must be a positive integer, got "
                                "{value!r}.", name=name, value=value))
    sizes, n = [], int(start)
    while n < n_pool:
        sizes.append(n)
        n *= 2
    return [*sizes, int(n_pool)]


def learning_curve(make_model: Callable[[int], object], X: np.ndarray, y: np.ndarray,
                   X_test: np.ndarray, y_test: np.ndarray, sizes: Sequence[int],
                   seeds: Iterable[int], *, blas_threads: int = 1) -> np.ndarray:
    """Test accuracy of ``make_model(seed)`` trained on ``n`` images, for each size and seed.

    Args:
        make_model: ``seed -> unfitted model`` with ``fit(X, y)`` returning the model and
            ``score(X, y)``.
        X, y: the training pool, ``(N, d)`` and ``(N,)``.
        X_test, y_test: where every run is scored.
        sizes: subset sizes, each from 1 to ``N`` (``N`` uses the whole pool, so its seeds
            differ only in the model's randomness).
        seeds: at least two.
        blas_threads: BLAS threads while training (1, as the notebooks run in CI: the small
            products of mini-batch training gain little from more, and lose a lot when
            another program keeps a core busy).

    Returns:
        ``(len(sizes), len(seeds))`` test accuracies in [0, 1].
    """
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError(tr("learning_curve needs at least 2 seeds per size to show a spread, "
                            "got {seeds}.", seeds=seeds))
    bad = [n for n in sizes if isinstance(n, bool) or not isinstance(n, numbers.Integral)
           or not 1 <= n <= len(y)]
    if not sizes or bad:
        raise ValueError(tr("learning_curve: sizes must be integers from 1 to {n_y} (the pool "
                            "size), got {sizes}.", n_y=len(y), sizes=list(sizes)))
    threads = thread_count(blas_threads, "learning_curve")
    accuracy = np.zeros((len(sizes), len(seeds)))
    with blas_thread_limit(threads):
        for i, n in enumerate(sizes):
            for j, seed in enumerate(seeds):
                X_sub, y_sub = stratified_subset(X, y, int(n), seed=seed, keep_order=True)
                accuracy[i, j] = make_model(seed).fit(X_sub, y_sub).score(X_test, y_test)
    return accuracy
