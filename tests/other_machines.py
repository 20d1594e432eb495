"""Re-run the notebook comparison as if on other machines.

    python -m tests.other_machines                  # every condition, every notebook
    python -m tests.other_machines --only xla-sse4  # one condition
    python -m tests.other_machines notebooks/03_backprop_from_scratch.ipynb

A student's laptop or the next CI machine has another CPU: other SIMD kernels in
the BLAS, another number of threads, another instruction set for XLA. Each adds
the same numbers in another order, so trained numbers differ in their last digits
from the committed outputs. Each condition below changes floating-point results
on any x86-64 machine the way such a machine would (``tests/test_other_machines.py``
shows that it does), and the committed notebooks must still pass under it: their
trained numbers are compared within the tolerance each cell declares
(``tests/nbval_tolerance.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: name -> (environment variables, what it imitates, which notebooks it can affect)
CONDITIONS = {
    "openblas-sandybridge": (
        {"OPENBLAS_CORETYPE": "Sandybridge"},
        "OpenBLAS's AVX kernels (an older CPU) instead of the ones for this CPU",
        "all",
    ),
    "two-blas-threads": (
        {"COURSE_BLAS_THREADS": "2"},   # conftest.py turns it into OPENBLAS_NUM_THREADS=2 ...
        "two BLAS threads instead of one (matrix products split between threads)",
        "all",
    ),
    "xla-sse4": (
        {"XLA_FLAGS": "--xla_cpu_max_isa=SSE4_2"},
        "XLA compiling for SSE4.2 (no AVX, no FMA) instead of this CPU's instruction set",
        "keras",
    ),
}


def uses_keras(notebook: Path) -> bool:
    """True for notebooks that start Keras (only those run XLA-compiled code)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return any("setup_keras" in "".join(cell["source"]) for cell in cells
               if cell["cell_type"] == "code")


def notebooks_for(condition: str, notebooks: list[Path]) -> list[Path]:
    scope = CONDITIONS[condition][2]
    return [nb for nb in notebooks if scope == "all" or uses_keras(nb)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to compare (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--only", choices=sorted(CONDITIONS), action="append",
                        help="run only this condition (repeatable)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
    missing = [str(nb) for nb in notebooks if not nb.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    failed = []
    for name in args.only or list(CONDITIONS):
        variables, meaning, _ = CONDITIONS[name]
        selected = notebooks_for(name, notebooks)
        if not selected:
            print(f"== {name}: no notebook affected, skipped", flush=True)
            continue
        settings = " ".join(f"{k}={v}" for k, v in variables.items())
        print(f"== {name} ({settings}): {meaning}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header",
             *map(str, selected)],
            cwd=REPO, env={**os.environ, **variables}, check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"Notebook comparison failed under: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("Notebook comparison passed under every condition.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
