"""The notebooks' Colab/Binder header (.ci/notebook_header.py) and its Colab setup cell."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


def load_tool():
    spec = importlib.util.spec_from_file_location("notebook_header",
                                                  REPO / ".ci" / "notebook_header.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def setup_cell_source() -> str:
    return tool.setup_source(tool.repository_url(), tool.pinned_versions())


def test_committed_notebooks_carry_a_current_header():
    assert tool.main(["--check", *map(str, NOTEBOOKS)]) == 0


def headerless_copy(path: Path, folder: Path) -> Path:
    """``path`` copied into ``folder`` without the cells the tool writes (as before it ran)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "course_header" not in c.metadata]
    copy = folder / path.name
    nbformat.write(nb, copy)
    return copy


def test_the_tool_inserts_badge_setup_and_draw_cells_once(tmp_path):
    copies = [headerless_copy(path, tmp_path) for path in NOTEBOOKS]
    assert tool.main(["--check", *map(str, copies)]) == 1  # not there yet
    assert tool.main(list(map(str, copies))) == 0
    first = {path: path.read_bytes() for path in copies}
    assert tool.main(list(map(str, copies))) == 0  # a second run changes nothing
    assert {path: path.read_bytes() for path in copies} == first
    assert tool.main(["--check", *map(str, copies)]) == 0
    for path in copies:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        roles = [c.metadata.get("course_header") for c in nb.cells]
        assert roles[0] == "badge"
        assert f"notebooks/{path.name}" in nb.cells[0].source
        assert "colab.research.google.com/github/nn-first-principles/course/blob/main" \
            in nb.cells[0].source
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert first_code.metadata.get("course_header") == "colab-setup"
        if path.name.startswith("03_"):
            draw = roles.index("draw-a-digit")
            assert roles[draw - 1] == "draw-a-digit-intro"
            assert "test_accuracy" in nb.cells[draw - 2].source
            assert nb.cells[draw].metadata["tags"] == ["nbval-ignore-output"]
        else:
            assert "draw-a-digit" not in roles


def test_a_hand_edited_setup_cell_is_put_back_and_other_cells_are_untouched(tmp_path):
    path = Path(shutil.copy(NOTEBOOKS[0], tmp_path))
    tool.main([str(path)])
    nb = json.loads(path.read_text())
    setup = next(c for c in nb["cells"] if c["metadata"].get("course_header") == "colab-setup")
    setup["source"] = "print('edited')"
    path.write_text(json.dumps(nb))
    assert tool.main(["--check", str(path)]) == 1
    tool.main([str(path)])
    again = nbformat.read(path, as_version=4)
    assert setup_cell_source() in [c.source for c in again.cells]
    original = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert [c.source for c in again.cells if "course_header" not in c.metadata] == \
        [c.source for c in original.cells if "course_header" not in c.metadata]


def test_badges_follow_the_repository_url_in_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[project.urls]\n'
                         'Repository = "https://github.com/a-fork/course"\n')
    url = tool.repository_url(pyproject)
    assert "github/a-fork/course/blob/main/notebooks/01.ipynb" in tool.badge_source(url, "01.ipynb")
    pyproject.write_text('[project]\nname = "x"\n')
    with pytest.raises(tool.HeaderError, match="Repository"):
        tool.repository_url(pyproject)


def test_setup_cell_pins_the_versions_of_requirements_txt():
    source = setup_cell_source()
    for pin in tool.pinned_versions():
        name, version = pin.split("==")
        assert f'{name}=={version} ; python_version >= "3.11"' in \
            (REPO / "requirements.txt").read_text()
        assert f'"{pin}"' in source


def test_setup_cell_does_nothing_outside_colab(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    exec(compile(setup_cell_source(), "<setup cell>", "exec"), {})
    assert calls == [] and capsys.readouterr() == ("", "")
    assert "COURSE_DATA_DIR" not in os.environ


STUB_COLAB = "# stands in for Colab's google.colab package\n"

STUB_OUTPUT = '''\
import os, pathlib


def enable_custom_widget_manager():
    pathlib.Path(os.environ["STUB_RECORD"]).write_text("widget manager enabled")
'''


def test_setup_cell_on_colab_installs_the_course_from_a_local_clone_in_a_fresh_venv(tmp_path):
    """Colab simulated: a stub google.colab, COURSE_INSTALL_FROM pointing at a copy of the repo.

    The fresh venv sees this environment's site-packages through a .pth file, so the
    pinned dependencies are already satisfied and nothing but the course is installed.
    """
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, clone / name)
    shutil.copytree(REPO / "course_utils", clone / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    here = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "course_dependencies.pth").write_text("\n".join(here) + "\n")
    stubs = tmp_path / "stubs" / "google" / "colab"
    stubs.mkdir(parents=True)
    (stubs / "__init__.py").write_text(STUB_COLAB)
    (stubs / "output.py").write_text(STUB_OUTPUT)
    record = tmp_path / "record.txt"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "stubs"), "STUB_RECORD": str(record),
           "COURSE_INSTALL_FROM": str(clone), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("COURSE_DATA_DIR", None)
    env.pop("VIRTUAL_ENV", None)
    before = subprocess.run([python, "-c", "import course_utils"], env=env, capture_output=True,
                            cwd=tmp_path)
    assert before.returncode != 0  # the fresh venv does not see the editable install
    cell = setup_cell_source() + "\nprint(os.environ['COURSE_DATA_DIR'])\n"
    run = subprocess.run([python, "-c", cell], env=env, capture_output=True, text=True,
                         timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "/content/course-data"
    assert record.read_text() == "widget manager enabled"
    where = subprocess.run([python, "-c", "import course_utils.widgets as w; print(w.__file__)"],
                           env=env, capture_output=True, text=True, check=True,
                           cwd=tmp_path).stdout.strip()
    assert Path(where).resolve().is_relative_to(Path(site).resolve())


def test_readme_badges_are_current_and_follow_the_repository_url(tmp_path):
    assert not tool.process_readme(check=True)  # the committed README is current
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n<!-- badges -->\nold\n<!-- /badges -->\ntext\n")
    assert tool.process_readme(check=False, readme=readme,
                               repo_url="https://github.com/a-fork/course")
    text = readme.read_text()
    assert "github/a-fork/course/blob/main/notebooks/01_exploring_mnist.ipynb" in text
    assert "old" not in text and text.endswith("<!-- /badges -->\ntext\n")
    assert not tool.process_readme(check=True, readme=readme,
                                   repo_url="https://github.com/a-fork/course")


def test_a_rewritten_notebook_keeps_its_permissions(tmp_path):
    copy = headerless_copy(NOTEBOOKS[0], tmp_path)
    copy.chmod(0o644)
    assert tool.main([str(copy)]) == 0
    assert tool.has_header(copy)
    assert copy.stat().st_mode & 0o777 == 0o644


def test_the_spanish_readme_badges_are_current_and_open_the_spanish_notebooks(tmp_path):
    spanish = REPO / "README.es.md"
    assert spanish in tool.readmes()
    assert tool.readme_folder(spanish) == "notebooks/es"
    assert tool.readme_folder(REPO / "README.md") == "notebooks"
    assert not tool.process_readme(check=True, readme=spanish)  # the committed one is current
    block = tool.README_BLOCK.search(spanish.read_text(encoding="utf-8")).group(0)
    assert "blob/main/notebooks/es/01_exploring_mnist.ipynb" in block
    assert "lab/tree/notebooks/es/01_exploring_mnist.ipynb" in block
    readme = tmp_path / "README.es.md"
    readme.write_text("# Título\n<!-- badges -->\n<!-- /badges -->\ntexto\n", encoding="utf-8")
    assert tool.process_readme(check=False, readme=readme,
                               repo_url="https://github.com/a-fork/course")
    text = readme.read_text(encoding="utf-8")
    assert "github/a-fork/course/blob/main/notebooks/es/01_exploring_mnist.ipynb" in text
    assert "notebooks/01_exploring_mnist" not in text
    assert text.endswith("<!-- /badges -->\ntexto\n")


def test_the_check_names_a_stale_spanish_readme(tmp_path, monkeypatch):
    for name in ("README.md", "README.es.md"):
        shutil.copy(REPO / name, tmp_path / name)
    es = tmp_path / "README.es.md"
    es.write_text(es.read_text(encoding="utf-8").replace("notebooks/es/01", "notebooks/01"),
                  encoding="utf-8")
    monkeypatch.setattr(tool, "readmes", lambda repo=tmp_path: [tmp_path / "README.md", es])
    monkeypatch.setattr(tool, "process", lambda paths, check: [])
    assert tool.main(["--check"]) == 1
    assert tool.main([]) == 0
    assert tool.main(["--check"]) == 0
    assert "notebooks/es/01_exploring_mnist.ipynb" in es.read_text(encoding="utf-8")
