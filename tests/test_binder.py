"""Binder's configuration: the files repo2docker reads, and that they install what students do.

repo2docker uses ``binder/`` instead of the repository root when that folder exists:
``runtime.txt`` (``python-X.Y``), ``apt.txt`` (one Debian/Ubuntu package per line) and
``requirements.txt`` (run as ``pip install -r binder/requirements.txt`` from the
repository root, so ``-e .`` inside it installs the course).
"""

import re
from pathlib import Path

from course_utils.data.registry import FASHION_MNIST

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of ``path``, following ``-r`` as pip does (relative to the file)."""
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line.startswith("-r "):
            lines += requirement_lines((path.parent / line[3:].strip()).resolve())
        elif line:
            lines.append(line)
    return lines


def test_binder_folder_holds_the_files_repo2docker_reads():
    assert sorted(p.name for p in BINDER.iterdir()) == ["apt.txt", "requirements.txt",
                                                        "runtime.txt"]


def test_binder_python_is_one_whose_pins_match_the_committed_outputs():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"runtime.txt must read python-3.X, got {runtime!r}"
    assert int(match.group(1)) >= 11  # requirements.txt pins exact versions from 3.11 on


def test_binder_installs_exactly_requirements_txt():
    binder = requirement_lines(BINDER / "requirements.txt")
    assert binder == requirement_lines(REPO / "requirements.txt")
    assert "-e ." in binder and any(line.startswith("jupyterlab==") for line in binder)


def test_binder_installs_the_fashion_mnist_package_the_loader_looks_for():
    packages = [line.split("#", 1)[0].strip() for line in (BINDER / "apt.txt").read_text()
                .splitlines()]
    packages = [p for p in packages if p]
    assert all(re.fullmatch(r"[a-z0-9.+-]+", p) for p in packages)  # repo2docker's rule
    assert "dataset-fashion-mnist" in packages
    assert "/usr/share/datasets/fashion-mnist" in FASHION_MNIST.system_dirs
    assert "dataset-fashion-mnist" in (REPO / ".ci" / "run").read_text()
