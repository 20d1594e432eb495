"""One BLAS thread or two? Seconds per epoch of the course's networks, idle and with a core busy.

    python benchmarks/bench_threads.py                  # every network the course trains
    python benchmarks/bench_threads.py --busy 0         # idle only
    python benchmarks/bench_threads.py --networks 256,256 1024 --batch-sizes 64 512

For every network (hidden layer sizes) and batch size, trains
:class:`course_utils.mlp.MLP` with Adam for ``--epochs`` epochs on the embedded
mnist-5k training images (4,000), once with ``MLP(blas_threads=1)`` and once with
each other thread count of ``--threads``, first on the machine as it is and then
with ``--busy`` processes spinning on a core each (what a browser does to a
student's laptop). The thread counts take turns within each repeat; each number
is the median wall-clock time per epoch over ``--repeats`` runs.

The default networks are those of the notebooks (``hidden_sizes=`` in their code)
and of the training playground (one hidden layer of 8 to 256 units). What it
printed on this machine is in ``benchmarks/README.md``; it is the reason
``MLP.fit`` uses one BLAS thread (:mod:`course_utils.threads`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from machine import blas_description, busy_processes, cpu_model, load_average

from course_utils.data import load_dataset
from course_utils.mlp import MLP
from course_utils.optimizers import Adam
from course_utils.preprocessing import flatten, scale_to_unit

#: (hidden sizes, batch size, where the course trains it)
COURSE_NETWORKS = [
    ((), 64, "notebooks 02, 06"),
    ((8,), 64, "playground"),
    ((32,), 64, "notebook 04, playground"),
    ((64,), 64, "notebook 04, playground"),
    ((128,), 64, "notebooks 03-06, playground"),
    ((128,), 8, "notebook 04 (batch 8)"),
    ((256,), 64, "playground"),
    ((128, 64), 64, "notebook 04"),
    ((128, 128, 128), 64, "notebook 04"),
    ((256, 256), 64, "notebook 04"),
    ((128,) * 6, 64, "notebook 04"),
]


def parse_sizes(text: str) -> tuple[int, ...]:
    return () if text in ("", "-", "none") else tuple(int(s) for s in text.split(","))


def epoch_seconds(X, y, hidden, batch_size, threads, epochs) -> float:
    model = MLP(hidden, batch_size=batch_size, epochs=epochs, optimizer=Adam(1e-3),
                blas_threads=threads)
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / epochs


def measure(X, y, networks, thread_counts, epochs, repeats) -> dict:
    """{(hidden, batch, threads): median seconds per epoch}, thread counts taking turns."""
    samples = {}
    for hidden, batch, _ in networks:
        for _ in range(repeats):
            for threads in thread_counts:
                samples.setdefault((hidden, batch, threads), []).append(
                    epoch_seconds(X, y, hidden, batch, threads, epochs))
    return {key: statistics.median(values) for key, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", nargs="*", type=parse_sizes, default=None,
                        help="hidden sizes such as 128 or 256,256 ('-' for none); "
                             "default: the course's networks")
    parser.add_argument("--batch-sizes", nargs="*", type=int, default=[64],
                        help="batch sizes for --networks (default 64)")
    parser.add_argument("--threads", nargs="*", type=int, default=[1, 2],
                        help="thread counts to compare (default 1 2)")
    parser.add_argument("--busy", type=int, default=1,
                        help="busy processes for the second measurement (0: skip it)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    if args.networks is None:
        networks = COURSE_NETWORKS
    else:
        networks = [(h, b, "") for h in args.networks for b in args.batch_sizes]
    data = load_dataset("mnist-5k")
    X, y = scale_to_unit(flatten(data.train_images)), data.train_labels

    print(f"CPU:  {cpu_model()}")
    print(f"BLAS: {blas_description()} (default)")
    print(f"data: mnist-5k, {len(X)} training images; Adam; {args.epochs} epochs x "
          f"{args.repeats} repeats, wall clock, seconds per epoch\n")
    conditions = [("as it is", 0)] + ([(f"{args.busy} busy", args.busy)] if args.busy else [])
    results, loads = {}, {}
    for label, n_busy in conditions:
        with busy_processes(n_busy):
            before = load_average()
            results[label] = measure(X, y, networks, args.threads, args.epochs, args.repeats)
            loads[label] = (before, load_average())

    base = args.threads[0]
    header = f"{'network':>22} {'batch':>5} "
    for label, _ in conditions:
        header += "  " + "  ".join(f"{f'{t} thr':>7}" for t in args.threads)
        header += "  " + "  ".join(f"{f'{t}/{base}':>5}" for t in args.threads[1:])
        header += f"  [{label}]"
    print(header)
    for hidden, batch, where in networks:
        name = "-".join(map(str, (784, *hidden, 10)))
        line = f"{name:>22} {batch:>5} "
        for label, _ in conditions:
            times = [results[label][hidden, batch, t] for t in args.threads]
            line += "  " + "  ".join(f"{s:7.4f}" for s in times)
            line += "  " + "  ".join(f"{s / times[0]:5.2f}" for s in times[1:])
        print(line + (f"  {where}" if where else ""))
    for label, _ in conditions:
        before, after = loads[label]
        print(f"1-minute load average [{label}]: {before:.2f} before, {after:.2f} after "
              f"({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
