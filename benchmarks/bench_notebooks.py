"""How long each notebook takes to run from top to bottom in a plain Jupyter kernel.

    python benchmarks/bench_notebooks.py                    # every notebook, machine as it is
    python benchmarks/bench_notebooks.py 04 --busy 1        # notebook 04 with one core kept busy
    python benchmarks/bench_notebooks.py --threads 1        # kernels with OPENBLAS_NUM_THREADS=1

Each notebook is executed with ``jupyter nbconvert --to notebook --execute`` into
a temporary directory (the committed notebook is not touched), in a fresh kernel
whose environment has no ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` /
``MKL_NUM_THREADS``: the default settings of a student's JupyterLab, not those of
the test suite (``conftest.py`` pins one thread). The time includes starting
the kernel (about a second). ``--busy N`` runs N processes that each keep a core
busy meanwhile, as a browser or a video call does on a laptop; ``--threads N``
sets the three variables to N instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import busy_processes, cpu_model, load_average

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_environment(threads: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if threads is not None:
        env.update({k: str(threads) for k in THREAD_VARIABLES})
    return env


def child_pids(parent: int) -> list[int]:
    """PIDs of the processes whose parent is ``parent`` (Linux ``/proc``; elsewhere none)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
    return pids


def execute(notebook: Path, env: dict[str, str], timeout: float, out_dir: str) -> float | None:
    """Seconds to execute ``notebook``; None if it did not finish within ``timeout``."""
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               "--output-dir", out_dir, "--ExecutePreprocessor.timeout=-1", str(notebook)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=notebook.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # The kernel runs in a session of its own: stop it by its PID, or it would
        # compute on as an orphan after nbconvert is gone.
        for pid in [*child_pids(proc.pid), proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        proc.communicate()
        return None
    if proc.returncode:
        raise SystemExit(f"{notebook.name} failed:\n{stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*",
                        help="name prefixes such as 03 04 (default: every notebook)")
    parser.add_argument("--busy", type=int, default=0, help="busy processes meanwhile (0)")
    parser.add_argument("--threads", type=int, default=None,
                        help="set OMP/OPENBLAS/MKL_NUM_THREADS for the kernels (default: unset)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds after which a notebook is stopped (1800)")
    args = parser.parse_args()
    paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb")
                   if not args.notebooks or any(p.name.startswith(n) for n in args.notebooks))
    if not paths:
        raise SystemExit(f"no notebook in {NOTEBOOKS} starts with {args.notebooks}")
    env = kernel_environment(args.threads)
    threads = "unset (library defaults)" if args.threads is None else str(args.threads)
    print(f"notebook execution times; CPU: {cpu_model()}; thread variables: {threads}; "
          f"{args.busy} busy process(es)")
    total = 0.0
    with tempfile.TemporaryDirectory() as out_dir, busy_processes(args.busy):
        for path in paths:
            before = load_average()
            seconds = execute(path, env, args.timeout, out_dir)
            shown = (f"{seconds:7.1f} s" if seconds is not None
                     else f"> {args.timeout:.0f} s (stopped)")
            total += seconds or args.timeout
            print(f"  {path.name:45s} {shown}   (load {before:.2f} before, "
                  f"{load_average():.2f} after)", flush=True)
    print(f"  {'total':45s} {total:7.1f} s")


if __name__ == "__main__":
    main()
