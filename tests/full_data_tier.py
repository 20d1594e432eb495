"""The full-data tier: the numbers the README quotes, re-measured on the full datasets.

    python -m tests.full_data_tier                    # everything (about 30 min on 2 cores)
    python -m tests.full_data_tier --only 06          # one notebook's runs
    python -m tests.full_data_tier --report reports/full_data.md

The default test suite runs every notebook on the embedded 5,000 images (and
notebook 06 on a subset of Fashion-MNIST), so that it is fast. This tier re-executes
the notebooks the way their parameters cell allows and checks what the course
claims about them:

* notebooks 05 and 06 with ``FULL_DATA = True``: training on all of Fashion-MNIST,
  several seeds per model; the test accuracies of notebook 06's final comparison
  (its ``final_comparison`` variable: model name -> one accuracy per seed) must lie
  above the bounds in :data:`BANDS`, for every seed;
* notebooks 01-04 with ``DATASET = "fashion-mnist"``: they must run to the end, every
  claim they check (``course_utils.claims``) included, on the other dataset.

Each run inserts one cell right after the notebook's ``parameters`` cell that sets
the new values (as papermill does), executes the notebook in a fresh kernel and
keeps the executed copy in ``--output-dir``. The measured numbers go to a Markdown
report (``reports/full_data.md`` by default), which the README quotes. Not part of
``pytest``: it needs Fashion-MNIST (Debian's ``dataset-fashion-mnist``, or a
download) and half an hour.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


@dataclass(frozen=True)
class Run:
    """One execution of one notebook with some parameters overridden."""

    notebook: str                       # file name in notebooks/
    parameters: dict                    # name -> value, written as Python literals
    collect: str | None = None          # a variable to read after the run (JSON-serialisable)
    purpose: str = ""


@dataclass(frozen=True)
class Band:
    """A claim about a metric: every seed's value at least ``low``."""

    model: str
    low: float
    claim: str


RUNS = (
    Run("01_exploring_mnist.ipynb", {"DATASET": "fashion-mnist"},
        purpose="runs and its claims hold on Fashion-MNIST"),
    Run("02_softmax_and_cross_entropy.ipynb", {"DATASET": "fashion-mnist"},
        purpose="runs and its claims hold on Fashion-MNIST"),
    Run("03_backprop_from_scratch.ipynb", {"DATASET": "fashion-mnist"},
        purpose="runs and its claims hold on Fashion-MNIST"),
    Run("04_training_dynamics_and_debugging.ipynb", {"DATASET": "fashion-mnist"},
        purpose="runs and its claims hold on Fashion-MNIST"),
    Run("05_scikit_learn.ipynb", {"FULL_DATA": True},
        purpose="full Fashion-MNIST learning curves and comparisons"),
    Run("06_keras_dense_and_cnn.ipynb", {"FULL_DATA": True}, collect="final_comparison",
        purpose="every model on full Fashion-MNIST, several seeds"),
)

#: What the README claims on full Fashion-MNIST (10,000 test images), checked for every seed.
BANDS = (
    Band("course MLP", 0.88, "the from-scratch MLP reaches at least 88 %"),
    Band("Keras CNN", 0.905, "the Keras CNN reaches at least 90.5 %"),
)


class TierError(RuntimeError):
    """A notebook of the tier could not be prepared or executed."""


def with_parameters(nb, parameters: dict):
    """A copy of notebook ``nb`` with a cell setting ``parameters`` after its parameters cell."""
    import nbformat

    nb = copy.deepcopy(nb)
    index = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                  and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise TierError("the notebook has no code cell tagged 'parameters'; tag the cell that "
                        "holds its switches (DATASET = ..., FULL_DATA = ...) so the tier can "
                        "override them.")
    source = nb.cells[index].source
    unknown = [name for name in parameters if f"{name} =" not in source]
    if unknown:
        raise TierError(f"the parameters cell does not define {', '.join(unknown)}; it holds:\n"
                        f"{source}")
    lines = ["# Parameters set by the full-data tier (python -m tests.full_data_tier)"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    injected = nbformat.v4.new_code_cell("\n".join(lines))
    injected.metadata["tags"] = [INJECTED_TAG]
    nb.cells.insert(index + 1, injected)
    return nb


def execute(run: Run, notebooks_dir: Path, output_dir: Path, timeout: int) -> dict:
    """Execute one run; return its outcome (seconds, collected value, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = notebooks_dir / run.notebook
    nb = with_parameters(nbformat.read(source, as_version=4), run.parameters)
    if run.collect:
        nb.cells.append(nbformat.v4.new_code_cell(
            f"import json as _json\nprint('COLLECTED ' + _json.dumps({run.collect}))"))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(notebooks_dir)}})
    started = time.monotonic()
    outcome = {"run": run, "seconds": None, "value": None, "error": None}
    try:
        client.execute()
    except CellExecutionError as err:
        outcome["error"] = str(err).strip().splitlines()[-1][:300]
    except Exception as err:  # noqa: BLE001 - a dead kernel or a timeout is an outcome too
        outcome["error"] = f"{type(err).__name__}: {err}"[:300]
    outcome["seconds"] = time.monotonic() - started
    output_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, output_dir / run.notebook)
    if run.collect and outcome["error"] is None:
        outcome["value"] = _collected(nb)
    return outcome


def _collected(nb):
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith("COLLECTED "):
                return json.loads(line[len("COLLECTED "):])
    raise TierError("the notebook ran but printed nothing to collect")


def check_bands(comparison: dict, bands=BANDS) -> list[dict]:
    """One row per band: the model's per-seed accuracies and whether every seed is above."""
    rows = []
    for band in bands:
        values = comparison.get(band.model)
        if not values:
            rows.append({"band": band, "values": [], "passed": False,
                         "why": f"no accuracies for {band.model!r} in final_comparison"})
            continue
        if len(values) < 3:
            rows.append({"band": band, "values": values, "passed": False,
                         "why": f"only {len(values)} seed(s); the claim needs at least 3"})
            continue
        passed = min(values) >= band.low
        rows.append({"band": band, "values": values, "passed": passed,
                     "why": "" if passed else f"lowest seed {min(values):.2%} < {band.low:.1%}"})
    return rows


def render_report(outcomes: list[dict], band_rows: list[dict], machine: str) -> str:
    lines = ["# Full-data tier: measured numbers", "",
             "Written by `python -m tests.full_data_tier`; the README quotes it. "
             f"Machine: {machine}.", "",
             "| notebook | parameters | purpose | minutes | result |", "|---|---|---|---|---|"]
    for outcome in outcomes:
        run = outcome["run"]
        params = ", ".join(f"`{k} = {v!r}`" for k, v in run.parameters.items())
        result = "ran to the end" if outcome["error"] is None else f"FAILED: {outcome['error']}"
        lines.append(f"| {run.notebook} | {params} | {run.purpose} | "
                     f"{outcome['seconds'] / 60:.1f} | {result} |")
    if band_rows:
        lines += ["", "Test accuracy on the 10,000 Fashion-MNIST test images, one value per seed:",
                  "", "| model | seeds | mean | sd | min | max | claim | holds |",
                  "|---|---|---|---|---|---|---|---|"]
        for row in band_rows:
            v = row["values"]
            stats = ([f"{statistics.mean(v):.2%}", f"{statistics.stdev(v):.2%}" if len(v) > 1
                      else "–", f"{min(v):.2%}", f"{max(v):.2%}"] if v else ["–"] * 4)
            lines.append(f"| {row['band'].model} | {len(v)} | " + " | ".join(stats)
                         + f" | {row['band'].claim} | {'yes' if row['passed'] else 'NO: ' + row['why']} |")
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".part") as handle:
        handle.write(text)
    os.replace(handle.name, path)


def _machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, 1-minute load {os.getloadavg()[0]:.2f} at the start"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NN",
                        help="only the notebooks whose file name starts with NN (repeatable)")
    parser.add_argument("--report", type=Path, default=REPO / "reports" / "full_data.md",
                        help="where to write the Markdown report (default: %(default)s)")
    parser.add_argument("--output-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "full_data_tier",
                        help="where to keep the executed notebooks (default: %(default)s)")
    parser.add_argument("--timeout", type=int, default=3600,
                        help="seconds one cell may run (default: %(default)s)")
    args = parser.parse_args(argv)
    runs = [r for r in RUNS if not args.only or any(r.notebook.startswith(p) for p in args.only)]
    if not runs:
        parser.error(f"no notebook starts with {args.only}")
    machine = _machine()
    outcomes, band_rows = [], []
    for run in runs:
        print(f"== {run.notebook} with {run.parameters} ...", flush=True)
        outcome = execute(run, REPO / "notebooks", args.output_dir, args.timeout)
        status = "ok" if outcome["error"] is None else f"FAILED: {outcome['error']}"
        print(f"   {outcome['seconds'] / 60:.1f} min, {status}", flush=True)
        outcomes.append(outcome)
        if run.collect and outcome["value"] is not None:
            band_rows = check_bands(outcome["value"])
    _write_atomically(args.report, render_report(outcomes, band_rows, machine))
    print(f"report written to {args.report}")
    failed = [o for o in outcomes if o["error"]] + [r for r in band_rows if not r["passed"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
