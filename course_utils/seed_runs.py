"""Compare models fairly: the same seeds for every model, timed on equal terms (notebook 05).

One run of each model is not a comparison: the seed alone moves a test accuracy by
about a point. :func:`run_seeds` builds each model once per seed, trains it on the
same data and records, for every run, its test accuracy and its training time::

    runs = run_seeds({"course MLP": lambda seed: MLP(seed=seed),
                      "MLPClassifier": lambda seed: MLPClassifier(random_state=seed)},
                     range(5), X_train, y_train, X_test, y_test)
    print(runs.report())              # mean ± sd, range, one run's CI, per model
    runs.median_seconds("course MLP") # the timing to quote: a median, not one run

Fair timing, as notebook 05 explains it: the same work for every model (the
caller's job: same layers, epochs, batch size, data and dtype), the runs of the
different models taking turns seed by seed (so that a busy moment of the machine
does not fall on one model only), the same number of BLAS threads for all of them
(``blas_threads``, applied with ``threadpoolctl`` while the runs last), data
converted before the clock starts, and the median over the seeds rather than one run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from course_utils.i18n import tr
from course_utils.metrics import RunsSummary, summarize_runs
from course_utils.sklearn_bridge import max_iter_warning_silenced
from course_utils.threads import blas_thread_limit, thread_count


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
            raise KeyError(tr("No runs of {name!r}; the models are {names}.", name=name,
                              names=", ".join(table)))
        return table[name]


def run_seeds(models: Mapping[str, Callable[[int], object]], seeds: Iterable[int],
              X: np.ndarray, y: np.ndarray, X_test: np.ndarray, y_test: np.ndarray, *,
              train_inputs: Mapping[str, np.ndarray] | None = None,
              blas_threads: int = 1) -> SeedRuns:
    """Train every model with every seed; record test accuracy and training time per run.

    Args:
        models: model name -> ``make(seed)``, an unfitted model with ``fit(X, y)`` and
            ``score(X, y)``. Only ``fit`` is timed. scikit-learn's "Maximum iterations
            reached" warning is silenced: a fixed number of epochs is the plan.
        seeds: at least two seeds (a spread needs two runs; use three or more).
        X, y: ``(n, n_features)`` and ``(n,)``: the training data of every model.
        X_test, y_test: where each run is scored.
        train_inputs: model name -> the same training images in another form (e.g.
            ``X.astype(np.float64)``), for the models that should train on that instead.
        blas_threads: BLAS threads for every run (1, as the notebooks run in CI).

    Returns:
        :class:`SeedRuns`. For each seed the models run in the order of ``models``.
    """
    seeds = tuple(seeds)
    train_inputs = dict(train_inputs or {})
    if len(seeds) < 2:
        raise ValueError(tr("run_seeds needs at least 2 seeds to measure a spread, got {seeds}.",
                            seeds=seeds))
    if not models or not all(callable(make) for make in models.values()):
        raise TypeError(tr("run_seeds: models must map each model's name to a function "
                           "make(seed) that returns an unfitted model."))
    unknown = set(train_inputs) - set(models)
    if unknown:
        raise KeyError(tr("run_seeds: train_inputs names {unknown}, which are not among the "
                          "models ({models}).", unknown=sorted(unknown), models=", ".join(models)))
    for name, inputs in train_inputs.items():
        if np.shape(inputs) != np.shape(X):
            raise ValueError(tr("run_seeds: train_inputs[{name!r}] has shape {shape}; it must "
                                "hold the same images as X, shape {x_shape}.", name=name,
                                shape=np.shape(inputs), x_shape=np.shape(X)))
    threads = thread_count(blas_threads, "run_seeds")
    if len(X) != len(y) or len(X_test) != len(y_test):
        raise ValueError(tr("run_seeds: X has {n_x} rows and y {n_y} labels; X_test has "
                            "{n_x_test} rows and y_test {n_y_test} labels.", n_x=len(X),
                            n_y=len(y), n_x_test=len(X_test), n_y_test=len(y_test)))
    runs = SeedRuns(seeds, len(y_test), threads)
    for name in models:
        runs.accuracies[name], runs.seconds[name], runs.models[name] = [], [], []
    with blas_thread_limit(threads), \
            max_iter_warning_silenced():
        for seed in seeds:
            for name, make in models.items():
                model = make(seed)
                inputs = train_inputs.get(name, X)
                start = time.perf_counter()
                model.fit(inputs, y)
                runs.seconds[name].append(time.perf_counter() - start)
                runs.models[name].append(model)
                runs.accuracies[name].append(float(model.score(X_test, y_test)))
    return runs
