"""pytest configuration shared by the unit tests and the notebook re-execution (nbval).

Notebook outputs are committed and compared cell by cell, so every kernel must
compute the same numbers as the run that produced them: one BLAS thread (the
order of floating-point sums depends on how work is split between threads), a
fixed hash seed, and a non-interactive plotting backend. The kernels nbval starts
inherit these variables from this process.
"""

import os

DETERMINISTIC_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}
os.environ.update(DETERMINISTIC_ENV)
