"""Seconds per training epoch: the course's MLP against the libraries and the arithmetic floor.

    python benchmarks/bench_epoch.py                       # the whole story (a few minutes)
    python benchmarks/bench_epoch.py --threads 2 --clock wall
    python benchmarks/bench_epoch.py --networks 128 --optimizers sgd adam --no-libraries
    python benchmarks/bench_epoch.py --notebooks           # also time every notebook
    python benchmarks/bench_epoch.py --cpus 1              # everything on one core, Keras too
    OPENBLAS_CORETYPE=SkylakeX python benchmarks/bench_epoch.py   # OpenBLAS's AVX-512 kernels

On Fashion-MNIST's 60,000 training images (``--dataset``), for every network of
``--networks`` (default 784-128-10 and 784-256-128-10: ReLU hidden layers,
softmax output, cross-entropy), mini-batches of 64 reshuffled every epoch, it
times one epoch of:

* ``floor``: only the matrix products of each batch (forward ``A @ W`` per layer,
  backward ``A.T @ D`` and ``D @ W.T``, none for the input), into arrays
  allocated once: what any implementation must pay on this BLAS;
* the course's :class:`course_utils.mlp.MLP` with each update rule of
  ``--optimizers`` (SGD, momentum, Nesterov, RMSProp, Adam, AdamW);
* for SGD and Adam: scikit-learn's ``MLPClassifier`` on the same float32 array,
  Keras 3 on JAX (started as the course starts it: XLA's kernels on one thread, its
  dispatch and batch feeding on others, in parallel when a core is free; wall clock,
  compilation timed apart) and PyTorch when it is installed (skipped with a note
  otherwise).

Every number is the median over ``--repeats`` runs of (training time / epochs),
best run in brackets, and its ratio to the floor of the same network; all the
implementations take turns within each repeat, so a busy moment slows them alike.
``--clock cpu`` (the default) measures this process's CPU time: with one BLAS
thread it is what the wall time would be on an idle machine, and other processes
disturb it little. Keras always uses the wall clock, compared with the floor's.

Then, in a fresh process, the peak memory of a training run on the full data
(``peak_memory.py``), and with ``--notebooks`` the execution time of each notebook
(``bench_notebooks.py``). The CPU, the BLAS and the load average are printed with
the numbers: above about 0.5 other processes were competing for the CPUs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

import trainers
from machine import blas_description, cpu_model, load_average
from threadpoolctl import threadpool_limits

from course_utils.data import load_dataset
from course_utils.preprocessing import flatten, scale_to_unit

HERE = Path(__file__).resolve().parent
LIBRARY_OPTIMIZERS = ("sgd", "adam")
TARGETS = {"sgd": 1.5}  # x floor; every other optimiser: DEFAULT_TARGET
DEFAULT_TARGET = 1.8
LABELS = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "rmsprop": "RMSProp",
          "adam": "Adam", "adamw": "AdamW"}


def parse_sizes(text: str) -> tuple[int, ...]:
    return () if text in ("", "-", "none") else tuple(int(s) for s in text.split(","))


def network_name(hidden: tuple[int, ...]) -> str:
    return "-".join(map(str, (784, *hidden, 10)))


def implementations(args) -> tuple[list[tuple[str, str | None, object]], list[str]]:
    """[(kind, optimiser, trainer)] in the order they take turns, and notes on skipped ones."""
    runs = [("floor", None, trainers.train_floor)]
    runs += [("course", name, trainers.train_course) for name in args.optimizers]
    notes = []
    if args.libraries:
        library_opts = [name for name in LIBRARY_OPTIMIZERS if name in args.optimizers]
        runs += [("sklearn", name, trainers.train_sklearn) for name in library_opts]
        keras = trainers.KerasTrainer(args.seed)
        runs += [("keras", name, keras) for name in library_opts]
        version = trainers.torch_version()
        if version is None:
            notes.append("PyTorch is not installed: its rows are skipped "
                         "(pip install torch to add them).")
        else:
            runs += [("torch", name, trainers.train_torch) for name in library_opts]
    return runs, notes


def row_label(kind: str, optimizer: str | None) -> str:
    if kind == "floor":
        return "matrix products only (floor)"
    opt = LABELS[optimizer]
    if kind == "course":
        return f"course MLP, {opt}"
    if kind == "sklearn":
        return f"sklearn MLPClassifier float32, {opt}"
    if kind == "keras":
        return f"Keras on JAX, {opt}"
    fused = " (fused)" if optimizer == "adam" else ""
    return f"PyTorch {trainers.torch_version()}, {opt}{fused}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion-mnist",
                        help="fashion-mnist (default), mnist, or the embedded mnist-5k")
    parser.add_argument("--networks", nargs="+", type=parse_sizes,
                        default=[(128,), (256, 128)],
                        help="hidden layer sizes, e.g. 128 256,128 (default)")
    parser.add_argument("--optimizers", nargs="+", default=list(trainers.OPTIMIZERS),
                        choices=list(trainers.OPTIMIZERS), help="course update rules (all)")
    parser.add_argument("--no-libraries", dest="libraries", action="store_false",
                        help="skip MLPClassifier, Keras and PyTorch")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per timed run (2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs, median shown (3)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (1, as the course trains; 0: the machine's default)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="CPU time of this process (default) or wall time")
    parser.add_argument("--cpus", type=int, default=0,
                        help="run on this many CPUs only (0: all); --cpus 1 gives Keras's "
                             "helper threads no second core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the peak-memory run")
    parser.add_argument("--notebooks", action="store_true",
                        help="also time the execution of every notebook (bench_notebooks.py)")
    args = parser.parse_args()
    if args.cpus:
        if not 0 < args.cpus <= len(os.sched_getaffinity(0)):
            parser.error(f"--cpus must be between 1 and {len(os.sched_getaffinity(0))}")
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.cpus])
    threads = args.threads or None
    if args.clock == "cpu" and threads != 1:
        print("note: CPU time adds up the time of all threads; use it with --threads 1\n")

    data = load_dataset(args.dataset)
    X, y = scale_to_unit(flatten(data.train_images)), data.train_labels
    X_test, y_test = scale_to_unit(flatten(data.test_images)), data.test_labels
    runs, notes = implementations(args)

    with threadpool_limits(limits=threads, user_api="blas"):
        pinned = f" (this run: {args.cpus})" if args.cpus else ""
        print(f"CPU:  {cpu_model()}{pinned}")
        print(f"BLAS: {blas_description()}")
        print(f"data: {args.dataset}, {len(X)} training images, {len(X_test)} test; batch "
              f"{trainers.BATCH}; {args.epochs} epochs x {args.repeats} repeats; "
              f"{args.clock} clock\n")
        common = dict(X=X, y=y, epochs=args.epochs, seed=args.seed, X_test=X_test,
                      y_test=y_test, blas_threads=threads, threads=threads)
        trainers.train_floor(X=X[:6400], y=y, hidden=args.networks[0], epochs=1, seed=0)  # warm-up
        load_before = load_average()
        samples, last, compile_seconds = {}, {}, {}
        for _ in range(args.repeats):
            for hidden in args.networks:
                for kind, optimizer, train in runs:
                    key = (hidden, kind, optimizer)
                    run = train(hidden=hidden, optimizer=optimizer, **common)
                    samples.setdefault(key, []).append(run.seconds)
                    last[key] = run
                    if run.compile_seconds is not None:
                        compile_seconds[key] = run.compile_seconds
        load_after = load_average()
        accuracy = {key: run.accuracy() for key, run in last.items() if run.accuracy}

    verdicts = []
    for hidden in args.networks:
        print(f"{network_name(hidden)}, batch {trainers.BATCH}")
        print(f"  {'implementation':42s} {'clock':>5s} {'s/epoch':>8s} {'(best)':>8s} "
              f"{'x floor':>8s} {'test acc':>9s}")
        floor = {clock: statistics.median(s[clock] for s in samples[hidden, "floor", None])
                 for clock in ("cpu", "wall")}
        ratio = {}
        for kind, optimizer, _ in runs:
            key = (hidden, kind, optimizer)
            clock = "wall" if kind == "keras" else args.clock
            values = [s[clock] for s in samples[key]]
            median = statistics.median(values)
            ratio[kind, optimizer] = median / floor[clock]
            acc = f"{accuracy[key]:.1%}" if key in accuracy else "-"
            extra = ""
            if key in compile_seconds:
                cpu = statistics.median(s["cpu"] for s in samples[key]) / floor["cpu"]
                extra = f"  (compile {compile_seconds[key]:.1f} s; CPU time {cpu:.2f} x floor)"
            print(f"  {row_label(kind, optimizer):42s} {clock:>5s} {median:8.4f} "
                  f"{min(values):8.4f} {ratio[kind, optimizer]:8.2f} {acc:>9s}{extra}")
        for optimizer in args.optimizers:
            target = TARGETS.get(optimizer, DEFAULT_TARGET)
            r = ratio["course", optimizer]
            checks = [f"{r:.2f} x floor {'<=' if r <= target else '>'} {target}"]
            for kind, name in (("sklearn", "MLPClassifier"), ("keras", "Keras"),
                               ("torch", "PyTorch")):
                if (kind, optimizer) in ratio:
                    other = ratio[kind, optimizer]
                    checks.append(f"{other / r:.2f}x faster than {name}" if other >= r
                                  else f"{r / other:.2f}x slower than {name}")
            verdicts.append(f"{network_name(hidden):>15} {LABELS[optimizer]:>8}: "
                            + "; ".join(checks))
        print()
    print("course MLP per optimiser (target: SGD <= 1.5 x floor, the others <= 1.8):")
    print("\n".join(verdicts))
    for note in notes:
        print(f"note: {note}")
    print(f"1-minute load average: {load_before:.2f} before, {load_after:.2f} after "
          f"(above ~0.5 other processes share the {os.cpu_count()} CPUs)\n")

    if args.memory:
        subprocess.run([sys.executable, str(HERE / "peak_memory.py"), "--dataset", args.dataset,
                        "--seed", str(args.seed)], check=True)
    if args.notebooks:
        subprocess.run([sys.executable, str(HERE / "bench_notebooks.py")], check=True)


if __name__ == "__main__":
    main()
