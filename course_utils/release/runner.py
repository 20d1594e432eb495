"""Execute a notebook cell by cell and keep going through faults: errors, timeouts, a dead
kernel, a deadline for the whole notebook.

:class:`NotebookRun` runs every code cell in a fresh kernel, errors allowed, and records
an :class:`Outcome` for each:

* a cell that raises is ``"error"`` and the next cell runs (as "Run all" with errors
  allowed);
* a cell that exceeds ``cell_timeout`` is ``"timeout"``: the kernel is interrupted
  (``KeyboardInterrupt``) and, if it answers again within ``probe_timeout``, the run
  continues in the same kernel;
* a cell during which the kernel dies (``os._exit``, a crash, out of memory), or after
  which it does not recover from the interrupt, is ``"dead"`` or ``"timeout"``: a new
  kernel is started, the cells before it are replayed (without the failed ones; their
  outputs are not recorded again) and the run continues after it, at most
  ``max_restarts`` times;
* once ``deadline`` seconds have passed for the whole notebook (replays included), the
  cells not yet run are ``"not run"``.

``after_cell(index, outcome)`` is called after each cell's first run (not after replays).
"""

from __future__ import annotations

import copy
import logging
import math
import os
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from course_utils.checks.feedback import STRICT_ENV_VAR

OK, ERROR, TIMEOUT, DEAD, NOT_RUN = "ok", "error", "timeout", "dead", "not run"

_QUIET = logging.getLogger("course_utils.release.runner")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False  # nbclient logs every timeout and dead kernel as an error


@dataclass(frozen=True)
class Outcome:
    """How one code cell's run ended (``status``) and, for a fault, why (``detail``)."""

    status: str
    detail: str = ""


class NotebookRun:
    """Run ``nb``'s code cells (their outputs are written into the cells) in ``cwd``.

    Args:
        cell_timeout: seconds one cell may run.
        deadline: seconds the whole notebook may take, replays after a restart included.
        env: the kernel's environment (default: this process's), without the strict-check
            variable, so a failed check prints its verdict instead of raising.
        max_restarts: new kernels started after a dead or unresponsive one.
        probe_timeout: seconds an interrupted kernel has to answer again.
    """

    def __init__(self, nb, cwd: Path, *, cell_timeout: float = 600, deadline: float = 3600,
                 env: Mapping[str, str] | None = None, max_restarts: int = 3,
                 probe_timeout: float = 10) -> None:
        self.nb, self.cwd = nb, cwd
        self.cell_timeout, self.deadline = cell_timeout, deadline
        self.max_restarts, self.probe_timeout = max_restarts, probe_timeout
        self.env = dict(os.environ if env is None else env)
        self.env.pop(STRICT_ENV_VAR, None)
        self.kernel_name = nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3")
        self.outcomes: dict[int, Outcome] = {}

    def run(self, after_cell: Callable[[int, Outcome], None] | None = None) -> dict[int, Outcome]:
        """Execute everything; returns ``{cell index: Outcome}`` for every code cell."""
        started = time.monotonic()
        code = [i for i, cell in enumerate(self.nb.cells) if cell.cell_type == "code"]
        failed: set[int] = set()
        position, restarts = 0, 0
        while position < len(code):
            client = self._client()
            # the kernel's own stderr (start-up warnings, crash reports) is not the grader's
            with client.setup_kernel(env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL):
                if restarts and not self._replay(client, code[:position], failed, started):
                    self._give_up(code[position:], "not run: the kernel could not be restored "
                                  "after the failure above (replaying the cells before failed)")
                    return self.outcomes
                while position < len(code):
                    index = code[position]
                    remaining = self.deadline - (time.monotonic() - started)
                    if remaining <= 0:
                        self._give_up(code[position:], self._deadline_text())
                        return self.outcomes
                    outcome, healthy = self._run_first(client, index, remaining)
                    self.outcomes[index] = outcome
                    position += 1
                    if outcome.status in (TIMEOUT, DEAD):
                        failed.add(index)
                    if after_cell is not None:
                        after_cell(index, outcome)
                    if outcome.detail == self._deadline_text():
                        self._give_up(code[position:], self._deadline_text())
                        return self.outcomes
                    if not healthy:
                        break
            if position < len(code):
                restarts += 1
                if restarts > self.max_restarts:
                    self._give_up(code[position:], f"not run: the kernel failed "
                                  f"{self.max_restarts + 1} times; grading of this notebook "
                                  "stopped there")
                    return self.outcomes
        return self.outcomes

    # ------------------------------------------------------------------ internals

    def _client(self):
        from nbclient import NotebookClient  # part of the Jupyter tool chain
        from nbformat.v4 import new_code_cell, new_notebook

        # The client writes each executed cell into its notebook at the index it is given:
        # a one-cell scratch notebook keeps replays and probes out of self.nb.
        scratch = new_notebook(cells=[new_code_cell("")], metadata=copy.deepcopy(self.nb.metadata))
        return NotebookClient(scratch, timeout=int(self.cell_timeout), kernel_name=self.kernel_name,
                              allow_errors=True, record_timing=False, log=_QUIET,
                              resources={"metadata": {"path": str(self.cwd)}})

    def _execute(self, client, cell, timeout: float) -> None:
        client.timeout = max(1, math.ceil(timeout))
        client.execute_cell(cell, 0)

    def _run_first(self, client, index: int, remaining: float) -> tuple[Outcome, bool]:
        """Run cell ``index``; returns its outcome and whether the kernel is still usable."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        cell = self.nb.cells[index]
        limit = min(self.cell_timeout, remaining)
        try:
            self._execute(client, cell, limit)
        except CellTimeoutError:
            detail = (self._deadline_text() if limit < self.cell_timeout
                      else f"timed out: the cell ran longer than {self.cell_timeout:g} s and was "
                           "interrupted")
            return Outcome(TIMEOUT, detail), self._interrupt(client)
        except DeadKernelError:
            return Outcome(DEAD, "the kernel died while this cell ran (os._exit, a crash, or "
                                 "out of memory); the cells after it ran in a new kernel"), False
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            return Outcome(ERROR, f"{errors[0].get('ename')}: {errors[0].get('evalue')}"), True
        return Outcome(OK), True

    def _interrupt(self, client) -> bool:
        """Interrupt the kernel; True if it then answers a trivial cell in time."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from nbclient.util import run_sync
        from nbformat.v4 import new_code_cell

        try:
            run_sync(client.km.interrupt_kernel)()
            self._execute(client, new_code_cell("pass"), self.probe_timeout)
        except (CellTimeoutError, DeadKernelError, RuntimeError):
            return False
        return True

    def _replay(self, client, earlier: list[int], failed: set[int], started: float) -> bool:
        """Re-run the cells before the failure (copies: their outputs are kept) in the new
        kernel; False if one of them times out or kills the kernel again."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        for index in earlier:
            if index in failed:
                continue
            remaining = self.deadline - (time.monotonic() - started)
            if remaining <= 0:
                return False
            try:
                self._execute(client, copy.deepcopy(self.nb.cells[index]),
                              min(self.cell_timeout, remaining))
            except (CellTimeoutError, DeadKernelError):
                return False
        return True

    def _deadline_text(self) -> str:
        return f"not run: the notebook deadline of {self.deadline:g} s was reached"

    def _give_up(self, indices: list[int], detail: str) -> None:
        for index in indices:
            self.outcomes.setdefault(index, Outcome(NOT_RUN, detail))
