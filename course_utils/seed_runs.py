"""Compare models fairly: the same seeds for every model, timed on equal terms (notebook 05).

One run of each model is not a comparison: the seed alone moves a test accuracy by
about a point. :func:`run_seeds` trains each model once per seed and records, for
every run, its test accuracy and its wall time::

    runs = run_seeds({"course MLP": lambda seed: MLP(seed=seed).fit(X, y),
                      "MLPClassifier": lambda seed: fit_fixed_epochs(...)},
                     seeds=range(5), X_test=X_test, y_test=y_test)
    print(runs.report())              # mean ± sd, range, one run's CI, per model
    runs.median_seconds("course MLP") # the timing to quote: a median, not one run

Fair timing, as the notebook explains it: the same work for every model (the
caller's job: same layers, epochs, batch size, data and dtype), the runs of the
different models taking turns seed by seed (so a busy moment of the machine does
not fall on one model only), the same number of BLAS threads for all of them
(``blas_threads``, applied with ``threadpoolctl`` while the runs last), and the
median over the seeds rather than one run.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from course_utils.metrics import RunsSummary, summarize_runs


@dataclass
class SeedRuns:
    """What :func:`run_seeds` measured.

    Attributes:
        seeds: the seeds, in the order they ran.
        accuracies: model name -> test accuracy of each seed's run, in [0, 1].
        seconds: model name -> wall time of each run (training only, not scoring).
        models: model name -> the fitted model of each run.
        n_test: the number of test images.
        blas_threads: the BLAS thread count the runs used.
    """

    seeds: tuple[int, ...]
    n_test: int
    blas_threads: int
    accuracies: dict[str, list[float]] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    models: dict[str, list] = field(default_factory=dict)

    def summary(self, name: str) -> RunsSummary:
        """Mean ± sd of the test accuracies of ``name`` (a :class:`~.metrics.RunsSummary`)."""
        return summarize_runs(self._runs(self.accuracies, name), self.n_test)

    def median_seconds(self, name: str) -> float:
        """The median wall time of ``name``'s runs."""
        return float(np.median(self._runs(self.seconds, name)))

    def report(self) -> str:
        """One line per model: its name and :meth:`summary`."""
        width = max(len(name) for name in self.accuracies)
        return "\n".join(f"{name:<{width}}  {self.summary(name)}" for name in self.accuracies)

    def _runs(self, table: Mapping[str, list], name: str) -> list:
        if name not in table:
            raise KeyError(f"No runs of {name!r}; the models are {', '.join(table)}.")
        return table[name]


def run_seeds(trainers: Mapping[str, Callable[[int], object]], seeds: Iterable[int],
              X_test: np.ndarray, y_test: np.ndarray, *, blas_threads: int = 1) -> SeedRuns:
    """Train every model with every seed; record test accuracy and training time per run.

    Args:
        trainers: model name -> ``train(seed)``, which builds a model, fits it and returns
            it (anything with ``score(X, y)``). Only the call to ``train`` is timed.
        seeds: at least two seeds (a spread needs two runs; use three or more).
        X_test, y_test: ``(n_test, n_features)`` and ``(n_test,)``: where each run is scored.
        blas_threads: BLAS threads for every run (1, as the notebooks run in CI).

    Returns:
        :class:`SeedRuns`. For each seed the models run in the order of ``trainers``.
    """
    seeds = tuple(seeds)
    if len(seeds) < 2:
        raise ValueError(f"run_seeds needs at least 2 seeds to measure a spread, got {seeds}.")
    if not trainers or not all(callable(t) for t in trainers.values()):
        raise TypeError("run_seeds: trainers must map each model's name to a function "
                        "train(seed) that returns the fitted model.")
    if isinstance(blas_threads, bool) or not isinstance(blas_threads, numbers.Integral) \
            or blas_threads < 1:
        raise ValueError(f"run_seeds: blas_threads must be a positive integer, got "
                         f"{blas_threads!r}.")
    if len(X_test) != len(y_test):
        raise ValueError(f"X_test has {len(X_test)} rows but y_test {len(y_test)} labels.")
    runs = SeedRuns(seeds, len(y_test), int(blas_threads))
    for name in trainers:
        runs.accuracies[name], runs.seconds[name], runs.models[name] = [], [], []
    with threadpool_limits(limits=int(blas_threads), user_api="blas"):
        for seed in seeds:
            for name, train in trainers.items():
                start = time.perf_counter()
                fitted = train(seed)
                runs.seconds[name].append(time.perf_counter() - start)
                runs.models[name].append(fitted)
                runs.accuracies[name].append(float(fitted.score(X_test, y_test)))
    return runs
