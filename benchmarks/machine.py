"""What the benchmarks print about the machine, and a way to keep its cores busy on purpose.

Shared by ``bench_epoch.py``, ``bench_threads.py`` and ``bench_notebooks.py``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import subprocess
import sys

from threadpoolctl import threadpool_info


def cpu_model() -> str:
    """``"<model name>, <n> CPU(s)"`` from ``lscpu`` (or what ``platform`` knows)."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return f"{platform.processor() or 'unknown CPU'}, {os.cpu_count()} CPU(s)"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    model = fields.get("Model name", "unknown CPU").strip()
    return f"{model}, {fields.get('CPU(s)', '?').strip()} CPU(s)"


def blas_description() -> str:
    """The BLAS libraries NumPy loaded, with their current thread counts."""
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}), "
                     f"{i['num_threads']} thread(s)" for i in infos) or "no BLAS found"


def load_average() -> float:
    """The 1-minute load average: about the number of processes that wanted a CPU lately."""
    return os.getloadavg()[0]


@contextlib.contextmanager
def busy_processes(n: int):
    """Run ``n`` processes that spin on a CPU each (``while True: pass``) inside the block.

    This is the competing load of a student's laptop (a browser, a video call): the
    benchmarks use it to measure how training behaves when a core is taken. The
    processes are stopped, by their own PIDs, when the block ends.
    """
    if n < 0:
        raise ValueError(f"the number of busy processes must be >= 0, got {n}.")
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait()
