"""How many BLAS threads the course's training uses (``MLP(blas_threads=...)``).

NumPy hands every matrix product to a BLAS library (OpenBLAS here), which by
default splits each product across all cores. For the course's networks that
is a bad deal: a product of a 64 x 784 batch with a 784 x 128 weight matrix takes
about a tenth of a millisecond, too little work to share. On an idle machine two
threads save little on such products; when another program keeps one core busy
(a browser, on a student's laptop), a BLAS thread that waits for that core holds
up every product, and training becomes several times slower. One thread is
never much slower and does not care about the other programs.
``benchmarks/bench_threads.py`` measures this for every network the notebooks
and the playground train.

:func:`blas_thread_limit` applies a choice only while a block runs, through
``threadpoolctl``, so the caller's own setting is back in force afterwards.
"""

from __future__ import annotations

import contextlib
import numbers

from threadpoolctl import threadpool_limits

from course_utils.i18n import tr

#: ``MLP(blas_threads=AUTO)``, the default: the course's choice, :data:`TRAINING_THREADS`.
AUTO = "auto"

#: BLAS threads for the course's training. One thread was as fast as two, or faster,
#: for every network the notebooks and the playground train on an idle machine, and
#: many times faster with one core busy (``benchmarks/README.md``, "BLAS threads").
TRAINING_THREADS = 1


def resolve_blas_threads(value) -> int | None:
    """The thread count for ``MLP(blas_threads=value)``: ``"auto"`` gives :data:`TRAINING_THREADS`.

    Args:
        value: ``"auto"``, a positive integer (that many threads), or None (leave the
            thread settings as they are; the result is None).

    Raises:
        ValueError: for anything else, saying what is accepted.
    """
    if value is None:
        return None
    if isinstance(value, str) and value == AUTO:
        return TRAINING_THREADS
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(tr("blas_threads must be 'auto' (the course's choice, one thread), a "
                            "positive integer (that many BLAS threads while training) or None "
                            "(leave the thread settings as they are), got {value!r}.", value=value))
    return int(value)


def thread_count(value, who: str) -> int:
    """``value`` as a number of BLAS threads, a positive integer (``run_seeds``,
    ``learning_curve``); a ValueError naming ``who`` for anything else."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(tr("{who}: blas_threads must be a positive integer, got {value!r}.",
                            who=who, value=value))
    return int(value)


@contextlib.contextmanager
def blas_thread_limit(threads: int | None):
    """Limit BLAS to ``threads`` threads inside the block (None: change nothing).

    The previous limits are restored when the block ends, also after an error, so
    a caller's ``threadpool_limits(...)`` or ``OPENBLAS_NUM_THREADS`` setting is
    unchanged afterwards.
    """
    if threads is None:
        yield
        return
    with threadpool_limits(limits=int(threads), user_api="blas"):
        yield
