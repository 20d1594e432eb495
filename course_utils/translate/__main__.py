"""Build and check the course's other-language editions.

    python -m course_utils.translate es            # write notebooks/es/ from the catalogues
    python -m course_utils.translate es --update   # add new English text to the catalogues
    python -m course_utils.translate es --check    # list what is missing or stale; exit 1 if any
    python -m course_utils.translate es --update --only 03   # one notebook's catalogue only

Run from the repository root. ``--update`` rewrites ``translations/es/*.po`` and
``course_utils/locale/es.po`` so that every English paragraph, code cell and helper
message has an entry (empty or fuzzy where a translation is needed); translate those,
then build. The build refuses while anything is untranslated, stale, or a translated
code cell is not the same program as the English one, and names each problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from course_utils.translate import catalog
from course_utils.translate.build import TranslationIncomplete, build_notebook
from course_utils.translate.glossary import glossary_violations, load_glossary
from course_utils.translate.messages import (
    PACKAGE,
    extract,
    message_problems,
    update_messages,
)


def english_notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9]*.ipynb"))


def catalogue_path(root: Path, language: str, notebook: Path) -> Path:
    return root / "translations" / language / f"{notebook.stem}.po"


def edition_path(root: Path, language: str, notebook: Path) -> Path:
    return root / "notebooks" / language / notebook.name


def notebook_problems(root: Path, language: str, notebook: Path) -> list[catalog.Problem]:
    nb = nbformat.read(notebook, as_version=4)
    po = catalog.load(catalogue_path(root, language, notebook))
    found = catalog.problems(nb, po, notebook.name)
    glossary_file = root / "translations" / language / "glossary.tsv"
    if glossary_file.is_file():
        terms = load_glossary(glossary_file)
        current = catalog.translations(po)
        for unit in catalog.units(nb):
            entry = current.get((unit.context, unit.english))
            if unit.kind != "markdown" or entry is None or not entry.msgstr \
                    or "fuzzy" in entry.flags:
                continue
            for term in glossary_violations(unit.english, entry.msgstr, terms):
                found.append(catalog.Problem(
                    notebook.name, unit.cell_index, unit.context, "glossary", unit.english,
                    translation=entry.msgstr,
                    detail=f"'{term.english}' must be translated as one of "
                           f"{' / '.join(term.accepted)}"))
    return found


def built(root: Path, language: str, notebook: Path):
    nb = nbformat.read(notebook, as_version=4)
    po = catalog.load(catalogue_path(root, language, notebook))
    target = edition_path(root, language, notebook)
    previous = nbformat.read(target, as_version=4) if target.is_file() else None
    return build_notebook(nb, po, language, previous)


def write_notebook(nb, path: Path) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".part",
                                     delete=False) as handle:
        nbformat.write(nb, handle)
    os.replace(handle.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.translate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("language", help="language code, e.g. es")
    parser.add_argument("--update", action="store_true",
                        help="bring the catalogues up to date with the English sources")
    parser.add_argument("--check", action="store_true",
                        help="only report what is missing or stale (exit 1 if anything is)")
    parser.add_argument("--only", action="append", metavar="NN",
                        help="only the notebooks whose name starts with NN (repeatable); the "
                             "helpers' message catalogue is then left alone")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="repository root (default: the current directory)")
    args = parser.parse_args(argv)
    root, language = args.root.resolve(), args.language
    notebooks = english_notebooks(root)
    if not notebooks:
        parser.error(f"no notebooks/[0-9]*.ipynb under {root}; run from the repository root")
    if args.only:
        notebooks = [nb for nb in notebooks if any(nb.name.startswith(p) for p in args.only)]
        if not notebooks:
            parser.error(f"no notebook starts with {' or '.join(args.only)}")
    # The helpers' messages: those of the package in the repository being translated
    # (a --root without course_utils/, such as a test's folder, has none to update).
    package = root / PACKAGE.name
    with_messages = not args.only and package.is_dir()
    templates, source_problems = extract(package) if with_messages else ({}, [])
    messages_file = package / "locale" / f"{language}.po"

    if args.update:
        for notebook in notebooks:
            path = catalogue_path(root, language, notebook)
            nb = nbformat.read(notebook, as_version=4)
            catalog.save(catalog.update(nb, catalog.load(path)), path)
        if with_messages:
            catalog.save(update_messages(catalog.load(messages_file), templates), messages_file)
        print(f"catalogues updated in translations/{language}/"
              + (f" and {PACKAGE.name}/locale/{language}.po" if with_messages else ""))

    problems = [str(p) for nb in notebooks for p in notebook_problems(root, language, nb)]
    if with_messages:
        problems += source_problems
        problems += message_problems(catalog.load(messages_file), templates)
    if args.check or problems:
        for problem in problems:
            print(problem, end="\n\n")
        if problems:
            print(f"{len(problems)} problem(s); translate, then run "
                  f"`python -m course_utils.translate {language}`.", file=sys.stderr)
            return 1
        if args.check:
            stale = [nb.name for nb in notebooks if not _current(root, language, nb)]
            if stale:
                print(f"notebooks/{language}/ is not up to date: {', '.join(stale)}; run "
                      f"`python -m course_utils.translate {language}`.", file=sys.stderr)
                return 1
            print(f"the {language} edition is complete and up to date")
            return 0
    for notebook in notebooks:
        try:
            write_notebook(built(root, language, notebook), edition_path(root, language, notebook))
        except TranslationIncomplete as err:  # pragma: no cover - problems() lists these first
            print(f"{notebook.name}: {err}", file=sys.stderr)
            return 1
    print(f"wrote {len(notebooks)} notebooks to notebooks/{language}/; re-execute the changed "
          f"ones: python .ci/regenerate_notebooks.py notebooks/{language}/NN_*.ipynb")
    return 0


def _current(root: Path, language: str, notebook: Path) -> bool:
    target = edition_path(root, language, notebook)
    if not target.is_file():
        return False
    committed = nbformat.read(target, as_version=4)
    fresh = built(root, language, notebook)
    return [(c.cell_type, c.source, c.metadata) for c in fresh.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in committed.cells]


if __name__ == "__main__":
    sys.exit(main())
