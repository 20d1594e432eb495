"""Seconds per training epoch of a 784-128-10 ReLU/softmax network, three ways, in one run.

    python benchmarks/bench_epoch.py                    # embedded mnist-5k (4,000 training images)
    python benchmarks/bench_epoch.py --dataset mnist    # full MNIST (60,000), if available
    python benchmarks/bench_epoch.py --dataset fashion-mnist   # same shapes as full MNIST
    python benchmarks/bench_epoch.py --threads 1        # limit BLAS threads (as the notebooks do)

Compares, with identical hyper-parameters (batch 64, plain SGD with a constant
learning rate, no momentum, no L2, shuffling every epoch):

* ``course``     -- :class:`course_utils.mlp.MLP` (float32);
* ``sklearn32``  -- scikit-learn's ``MLPClassifier`` on the same float32 data;
* ``sklearn64``  -- ``MLPClassifier`` on float64 data (what a student usually passes it);
* ``floor``      -- only the matrix products one epoch needs, per batch
  ``X @ W1``, ``H @ W2`` forward and ``H.T @ D2``, ``D2 @ W2.T``, ``X.T @ D1`` backward
  (no ``dX`` for the input layer): the arithmetic floor on this BLAS.

Each number is the median over ``--repeats`` runs of (training time / epochs),
with the best run in brackets; the runs take turns, and the data are converted
once, before timing. The load average printed at the end says whether other
processes competed for the CPUs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from course_utils.data import load_dataset
from course_utils.mlp import MLP
from course_utils.preprocessing import flatten, scale_to_unit

HIDDEN, BATCH = 128, 64
CLOCK = time.perf_counter  # --clock cpu switches to time.process_time


def time_course(X, y, epochs, lr, seed):
    start = CLOCK()
    model = MLP(hidden_sizes=(HIDDEN,), learning_rate=lr, batch_size=BATCH, epochs=epochs,
                seed=seed).fit(X, y)
    return (CLOCK() - start) / epochs, model


def time_sklearn(X, y, epochs, lr, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd",
                          learning_rate="constant", learning_rate_init=lr, momentum=0.0,
                          nesterovs_momentum=False, batch_size=BATCH, alpha=0.0,
                          max_iter=epochs, shuffle=True, early_stopping=False,
                          n_iter_no_change=epochs + 1, tol=0.0, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = CLOCK()
        model.fit(X, y)
        elapsed = CLOCK() - start
    assert model.n_iter_ == epochs, model.n_iter_
    return elapsed / epochs, model


def time_floor(X, epochs, seed):
    """The five matrix products of every batch, into preallocated outputs."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    W1 = rng.standard_normal((d, HIDDEN), dtype=np.float32)
    W2 = rng.standard_normal((HIDDEN, 10), dtype=np.float32)
    H = rng.standard_normal((BATCH, HIDDEN), dtype=np.float32)
    D2 = rng.standard_normal((BATCH, 10), dtype=np.float32)
    D1 = rng.standard_normal((BATCH, HIDDEN), dtype=np.float32)
    Z1, Z2 = np.empty((BATCH, HIDDEN), np.float32), np.empty((BATCH, 10), np.float32)
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    dH = np.empty((BATCH, HIDDEN), np.float32)
    start = CLOCK()
    for _ in range(epochs):
        for lo in range(0, n, BATCH):
            xb = X[lo:lo + BATCH]
            m = len(xb)
            np.matmul(xb, W1, out=Z1[:m])
            np.matmul(H[:m], W2, out=Z2[:m])
            np.matmul(H[:m].T, D2[:m], out=dW2)
            np.matmul(D2[:m], W2.T, out=dH[:m])
            np.matmul(xb.T, D1[:m], out=dW1)
    return (CLOCK() - start) / epochs


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown CPU"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    model = fields.get("Model name", "unknown CPU").strip()
    return f"{model}, {fields.get('CPU(s)', '?').strip()} CPU(s)"


def blas_description() -> str:
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}), "
                     f"{i['num_threads']} thread(s)" for i in infos) or "no BLAS found"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist-5k",
                        help="mnist-5k (default, embedded), mnist or fashion-mnist")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs (median reported)")
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: the machine's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or CPU time of this process: with one "
                             "thread, CPU time is what wall time would be on an idle machine")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    data = load_dataset(args.dataset)
    X = scale_to_unit(flatten(data.train_images))
    X_test = scale_to_unit(flatten(data.test_images))
    y, y_test = data.train_labels, data.test_labels
    X64, X_test64 = X.astype(np.float64), X_test.astype(np.float64)

    with threadpool_limits(limits=args.threads, user_api="blas"):
        print(f"CPU:  {cpu_model()}")
        print(f"BLAS: {blas_description()}")
        print(f"data: {args.dataset}, {X.shape[0]} training images, {X_test.shape[0]} test; "
              f"784-{HIDDEN}-10 ReLU/softmax, batch {BATCH}, SGD lr {args.learning_rate}, "
              f"{args.epochs} epochs x {args.repeats} repeats, {args.clock} clock\n")
        if args.clock == "cpu" and args.threads != 1:
            print("note: CPU time adds up the time of all threads; use it with --threads 1\n")
        runs = {
            "course (float32)": lambda: time_course(X, y, args.epochs, args.learning_rate,
                                                    args.seed),
            "sklearn MLPClassifier (float32)": lambda: time_sklearn(
                X, y, args.epochs, args.learning_rate, args.seed),
            "sklearn MLPClassifier (float64)": lambda: time_sklearn(
                X64, y, args.epochs, args.learning_rate, args.seed),
        }
        runs["matrix products only (floor)"] = lambda: (time_floor(X, args.epochs, args.seed),
                                                         None)
        time_floor(X, 1, args.seed)  # warm-up
        load_before = os.getloadavg()[0]
        # Round-robin over the implementations, so that a busy moment on the machine
        # slows all of them alike instead of one.
        samples = {name: [] for name in runs}
        models = {}
        for _ in range(args.repeats):
            for name, run in runs.items():
                seconds, models[name] = run()
                samples[name].append(seconds)
        load_after = os.getloadavg()[0]
        times = {name: statistics.median(values) for name, values in samples.items()}
        best = {name: min(values) for name, values in samples.items()}
        accuracy = {name: model.score(X_test64 if "float64" in name else X_test, y_test)
                    for name, model in models.items() if model is not None}

    floor = times["matrix products only (floor)"]
    course = times["course (float32)"]
    print(f"{'implementation':34s} {'s/epoch':>8s} {'(best)':>8s} {'x floor':>8s} "
          f"{'x course':>9s} {'test acc':>9s}")
    for name, seconds in times.items():
        acc = f"{accuracy[name]:.1%}" if name in accuracy else "-"
        print(f"{name:34s} {seconds:8.4f} {best[name]:8.4f} {seconds / floor:8.2f} "
              f"{seconds / course:9.2f} {acc:>9s}")
    print(f"\ncourse epoch / floor:           {course / floor:.2f}  (target <= 1.5)")
    speedup = times["sklearn MLPClassifier (float32)"] / course
    print(f"MLPClassifier float32 / course: {speedup:.2f}  (target >= 2.5)")
    print(f"MLPClassifier float64 / course: "
          f"{times['sklearn MLPClassifier (float64)'] / course:.2f}")
    print(f"1-minute load average: {load_before:.2f} before, {load_after:.2f} after "
          f"(above ~0.5 other processes share the {os.cpu_count()} CPUs; times are then noisy)")

if __name__ == "__main__":
    main()
