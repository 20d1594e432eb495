"""Peak memory of one training run of the course's MLP on the full training set.

    python benchmarks/peak_memory.py                          # Fashion-MNIST, 784-128-10, Adam
    python benchmarks/peak_memory.py --hidden 256,128 --optimizer sgd

Run in a fresh process (``bench_epoch.py`` starts it) so that nothing else
inflates the numbers. Two measurements, because each misses something:

* ``tracemalloc`` follows every allocation made through Python's allocators,
  NumPy's array buffers included. Started after the data are loaded, its peak is
  the largest amount of memory ``MLP.fit`` itself held at any moment on top of its
  input: weights, optimiser state, batch buffers, temporaries such as the
  ``isfinite`` mask of the input check. It does not see memory that C libraries
  allocate directly (OpenBLAS's work buffers).
* The peak resident set size (``VmHWM`` in ``/proc/self/status``, reset just
  before training by writing ``5`` to ``/proc/self/clear_refs``; elsewhere
  ``resource.getrusage``, whose ``ru_maxrss`` cannot be reset and so also counts
  the loading) is what the operating system had to provide: the interpreter, the
  libraries, the float32 training set and everything ``fit`` allocated.

Both are compared with the size of the float32 training set (60,000 x 784 x 4
bytes = 188 MB for Fashion-MNIST).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tracemalloc
from pathlib import Path

import trainers

from course_utils.data import load_dataset
from course_utils.mlp import MLP
from course_utils.preprocessing import flatten, scale_to_unit

MB = 1e6


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter of this process; False where that is impossible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_bytes(after_reset: bool) -> int:
    if after_reset:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--hidden", default="128", help="hidden layer sizes, e.g. 256,128")
    parser.add_argument("--optimizer", default="adam", choices=list(trainers.OPTIMIZERS))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hidden = tuple(int(s) for s in args.hidden.split(",") if s)

    data = load_dataset(args.dataset)
    X, y = scale_to_unit(flatten(data.train_images)), data.train_labels.copy()
    del data  # keep only what training needs: the float32 images and the labels
    dataset_bytes = X.nbytes
    model = MLP(hidden, epochs=args.epochs, seed=args.seed,
                optimizer=trainers.course_optimizer(args.optimizer))

    after_reset = reset_peak_rss()
    tracemalloc.start()
    model.fit(X, y)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = peak_rss_bytes(after_reset)

    name = "-".join(map(str, (X.shape[1], *hidden, 10)))
    print(f"peak memory, {name} {args.optimizer}, {args.epochs} epoch(s) on {len(X)} "
          f"{args.dataset} images (float32 training set: {dataset_bytes / MB:.0f} MB)")
    print(f"  allocated by fit on top of its input (tracemalloc peak): "
          f"{traced_peak / MB:7.1f} MB = {traced_peak / dataset_bytes:.2f} x the training set")
    how = "VmHWM, reset before fit" if after_reset else "ru_maxrss, includes loading"
    print(f"  whole process, peak resident ({how}):  {rss / MB:7.1f} MB = "
          f"{rss / dataset_bytes:.2f} x the training set")


if __name__ == "__main__":
    main()
