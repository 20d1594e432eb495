"""Keras for the course: one backend, on the CPU, seeded and repeatable (notebook 06).

Keras 3 runs on several numerical libraries ("backends"). Which one it uses is
decided once, when ``keras`` is first imported, from the ``KERAS_BACKEND``
environment variable (or ``~/.keras/keras.json``). The course fixes it to JAX,
so that a student's own environment cannot silently change the results::

    from course_utils.keras_setup import setup_keras
    keras = setup_keras(seed=0)        # instead of `import keras`

:func:`setup_keras` must run before anything else imports ``keras``; if Keras
is already loaded with another backend it raises an error that says how to
recover (restart the kernel). It also

* keeps JAX on the CPU (``JAX_PLATFORMS=cpu``): the course's networks are small,
  and a CPU gives the same numbers on every machine that runs the course;
* runs XLA's CPU kernels on one thread, so sums are always added in the same
  order and a re-run prints exactly the same numbers (floating-point addition is
  not associative: splitting a sum between threads changes its last digits);
* seeds Python, NumPy's global generator and Keras' own generator
  (``keras.utils.set_random_seed``): weight initialisation, dropout masks and the
  shuffling done by ``model.fit`` repeat from run to run.

Call :func:`seed_everything` again before building each model to make that
model independent of what ran before it.
"""

from __future__ import annotations

import numbers
import os
import sys
from types import ModuleType

from course_utils.i18n import tr

BACKEND = "jax"

# XLA's CPU compiler: no multi-threaded Eigen kernels, one intra-op thread.
_XLA_FLAGS = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")


def setup_keras(seed: int = 0) -> ModuleType:
    """Import Keras on the JAX CPU backend, deterministic and quiet, and seed it.

    Args:
        seed: integer seed for Python's ``random``, NumPy's global generator and
            Keras (initial weights, dropout, the shuffling of ``fit``).

    Returns:
        The ``keras`` module, ready to use.

    Raises:
        RuntimeError: ``keras`` (or JAX) was already imported with settings this
            function can no longer change; restart the kernel and call
            ``setup_keras`` before any ``import keras``.
    """
    _check_seed(seed)
    _check_not_imported_otherwise()
    os.environ["KERAS_BACKEND"] = BACKEND
    os.environ["JAX_PLATFORMS"] = "cpu"
    flags = os.environ.get("XLA_FLAGS", "").split()
    os.environ["XLA_FLAGS"] = " ".join(flags + [f for f in _XLA_FLAGS if f not in flags])

    import keras

    if keras.config.backend() != BACKEND:  # e.g. a keras.json that wins over the variable
        raise RuntimeError(tr("Keras started with the {backend!r} backend although "
                              "KERAS_BACKEND={course_backend!r}; check ~/.keras/keras.json.",
                              backend=keras.config.backend(), course_backend=BACKEND))
    keras.config.set_floatx("float32")
    seed_everything(seed)
    return keras


def seed_everything(seed: int = 0) -> None:
    """Re-seed Python, NumPy's global generator and Keras (call before building a model)."""
    _check_seed(seed)
    if "keras" not in sys.modules:
        raise RuntimeError(tr("seed_everything: call setup_keras() first; it imports Keras on "
                              "the course's backend."))
    import keras

    keras.utils.set_random_seed(int(seed))


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(tr("seed must be a non-negative integer, got {seed!r}.", seed=seed))


def _check_not_imported_otherwise() -> None:
    """Fail early if Keras or JAX were imported before with settings we cannot change."""
    keras = sys.modules.get("keras")
    if keras is not None:
        backend = keras.config.backend()
        if backend != BACKEND:
            raise RuntimeError(
                tr("Keras is already imported with the {backend!r} backend, but the course uses "
                   "{course_backend!r}. The backend is fixed when Keras is first imported: "
                   "restart the kernel and call course_utils.keras_setup.setup_keras() before "
                   "any `import keras`.", backend=backend, course_backend=BACKEND))
    if "jax" in sys.modules and not _xla_flags_present():
        # XLA reads its flags once, when JAX starts; later changes would be ignored silently.
        raise RuntimeError(
            tr("JAX was imported before setup_keras(), so its CPU thread settings can no longer "
               "be made deterministic. Restart the kernel and call "
               "course_utils.keras_setup.setup_keras() first."))


def _xla_flags_present() -> bool:
    flags = os.environ.get("XLA_FLAGS", "").split()
    return all(f in flags for f in _XLA_FLAGS)
