"""Each "other machine" condition really changes floating-point results (else it proves nothing).

Every probe runs in a fresh interpreter, once with this machine's settings as the
notebook kernels get them (one BLAS thread, no XLA flags) and once under the
condition, and compares the bits of the results.
"""

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from tests.other_machines import CONDITIONS, main, notebooks_for, uses_keras

BLAS_PROBE = textwrap.dedent("""\
    import hashlib, numpy as np
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 784)).astype(np.float32)   # a batch of MNIST-sized inputs
    w = rng.standard_normal((784, 128)).astype(np.float32)
    print(hashlib.sha1((x @ w).tobytes()).hexdigest())
    """)

KERAS_PROBE = textwrap.dedent("""\
    import numpy as np
    from course_utils.keras_setup import setup_keras
    keras = setup_keras(seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.random((512, 784), dtype=np.float32), rng.integers(0, 10, 512)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(X, y, epochs=3, batch_size=64, verbose=0)
    print(" ".join(f"{v:.10f}" for v in history.history["loss"]))
    """)

BASELINE = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_probe(source: str, **variables: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "XLA_FLAGS", "COURSE_BLAS_THREADS")}
    env.update(BASELINE)
    env.update(variables)
    result = subprocess.run([sys.executable, "-c", source], env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def kernel_environment(condition: str) -> dict[str, str]:
    """The variables a notebook kernel sees under ``condition`` (conftest.py maps
    COURSE_BLAS_THREADS to the BLAS thread variables)."""
    variables = dict(CONDITIONS[condition][0])
    threads = variables.pop("COURSE_BLAS_THREADS", None)
    if threads:
        variables.update({k: threads for k in BASELINE})
    return variables


x86_only = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                              reason="the conditions name x86-64 kernels and instruction sets")


@x86_only
@pytest.mark.parametrize("condition", ["openblas-sandybridge", "two-blas-threads"])
def test_blas_conditions_change_the_bits_of_a_matrix_product(condition):
    assert run_probe(BLAS_PROBE) != run_probe(BLAS_PROBE, **kernel_environment(condition))


@x86_only
def test_the_xla_instruction_set_limit_is_honoured_and_changes_keras_training():
    baseline = run_probe(KERAS_PROBE)
    limited = run_probe(KERAS_PROBE, **kernel_environment("xla-sse4"))
    assert baseline != limited
    # ... in the last digits only: the same computation, not a broken one.
    for a, b in zip(baseline.split(), limited.split(), strict=True):
        assert abs(float(a) - float(b)) < 1e-4


def test_an_unknown_condition_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "sparc"])
    assert "invalid choice" in capsys.readouterr().err


def test_only_the_keras_notebook_runs_under_the_xla_condition():
    from pathlib import Path

    notebooks = sorted(Path("notebooks").glob("[0-9]*.ipynb"))
    keras_notebooks = [nb for nb in notebooks if uses_keras(nb)]
    assert [nb.name for nb in keras_notebooks] == ["06_keras_dense_and_cnn.ipynb"]
    assert notebooks_for("xla-sse4", notebooks) == keras_notebooks
    assert notebooks_for("openblas-sandybridge", notebooks) == notebooks


def test_probes_are_deterministic_under_this_machines_settings():
    assert run_probe(BLAS_PROBE) == run_probe(BLAS_PROBE)
