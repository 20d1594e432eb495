"""pytest configuration shared by the unit tests and the notebook re-execution (nbval).

Notebook outputs are committed and compared cell by cell. The kernels nbval starts
inherit this process's environment: one BLAS thread (the order of floating-point
sums depends on how work is split between threads) and a fixed hash seed, the
settings the committed outputs were made with. ``COURSE_BLAS_THREADS=2`` runs the
comparison with another thread count instead, one of the "other machine"
conditions CI checks (see ``.ci/run``).

Numbers that come out of training still differ in their last digits on another
CPU; ``tests/nbval_tolerance.py`` compares them within the tolerance each cell
declares.
"""

import os

pytest_plugins = ["tests.nbval_tolerance", "pytester"]

_threads = os.environ.get("COURSE_BLAS_THREADS", "1")
DETERMINISTIC_ENV = {
    "OMP_NUM_THREADS": _threads,
    "OPENBLAS_NUM_THREADS": _threads,
    "MKL_NUM_THREADS": _threads,
    "PYTHONHASHSEED": "0",
}
os.environ.update(DETERMINISTIC_ENV)
