"""Re-execute notebooks in place, with the settings CI compares against.

    python .ci/regenerate_notebooks.py                      # every notebook
    python .ci/regenerate_notebooks.py notebooks/01_*.ipynb  # some of them

Uses the same environment as the test suite (one BLAS thread, fixed hash seed;
see conftest.py) and leaves no per-cell timestamps in the files, so that a diff
of a regenerated notebook shows only what really changed.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from conftest import DETERMINISTIC_ENV  # noqa: E402


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
    env = {**os.environ, **DETERMINISTIC_ENV}
    for notebook in notebooks:
        print(f"executing {notebook} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
             "--inplace", "--ExecutePreprocessor.timeout=900",
             "--ExecutePreprocessor.record_timing=False", str(notebook.resolve())],
            env=env, check=True, cwd=notebook.resolve().parent,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
