"""One catalogue per notebook and language: ``translations/<language>/<notebook>.po``.

gettext's format, so any translation tool (Poedit, Weblate, a text editor) can open
it. Each entry is one Markdown paragraph or one code cell:

* ``msgctxt`` -- the nbformat id of the cell it comes from;
* ``msgid``   -- the English text it translates, in full (stronger than a hash of it:
  a reviewer sees what was translated, and a changed English text no longer matches);
* ``msgstr``  -- the translation.

When the English text of a paragraph changes, the old entry no longer matches and
the paragraph is reported *stale*, with the English it was translated from, the
English now, and the translation, until someone translates it again. ``update``
writes the new English into the catalogue as a *fuzzy* entry that keeps the old
translation and the old English (``#| msgid``) to edit from, as gettext's msgmerge
does; only what changed needs translating.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

from course_utils.translate.segments import code_has_text, has_words, markdown_segments

MARKER = re.compile(r"^\s*#{2,3}\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")


@dataclass(frozen=True)
class Unit:
    """One piece of a notebook that needs a translation."""

    context: str        # the cell id
    english: str
    kind: str           # "markdown" or "code"
    cell_index: int


@dataclass(frozen=True)
class Problem:
    """Why a notebook cannot be built in a language yet."""

    notebook: str
    cell_index: int
    context: str
    kind: str           # "missing", "stale", "not the same program", "glossary"
    english: str
    previous_english: str = ""
    translation: str = ""
    detail: str = ""

    def __str__(self) -> str:
        head = f"{self.notebook}, cell {self.cell_index} (id {self.context}): {self.kind}"
        if self.detail:
            head += f" -- {self.detail}"
        parts = [head]
        if self.previous_english:
            parts.append(_quoted("translated from the English", self.previous_english))
        parts.append(_quoted("English now" if self.previous_english else "English",
                             self.english))
        if self.translation:
            parts.append(_quoted("translation", self.translation))
        return "\n".join(parts)


def _quoted(label: str, text: str) -> str:
    shown = text if len(text) < 600 else text[:600] + " ..."
    return f"  {label}:\n" + "\n".join("    | " + line for line in shown.splitlines())


def is_marker(segment: str) -> bool:
    return all(MARKER.match(line) for line in segment.splitlines())


def units(nb) -> list[Unit]:
    """Every paragraph and code cell of ``nb`` that needs a translation, in notebook order."""
    found = []
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not cell_id:
            raise ValueError(f"cell {index} has no id; upgrade the notebook to nbformat 4.5 "
                             "(nbformat.validator.normalize) so each cell has a stable id.")
        if cell.cell_type == "markdown":
            found += [Unit(cell_id, segment, "markdown", index)
                      for segment in markdown_segments(cell.source)
                      if has_words(segment) and not is_marker(segment)]
        elif cell.cell_type == "code" and code_has_text(cell.source):
            found.append(Unit(cell_id, cell.source, "code", index))
    return found


def load(path: Path) -> polib.POFile:
    if not path.is_file():
        return new_catalogue(path.stem, language=path.parent.name)
    return polib.pofile(str(path))


def new_catalogue(notebook: str, language: str) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit", "Language": language,
                   "Project-Id-Version": notebook}
    return po


def translations(po: polib.POFile) -> dict[tuple[str, str], polib.POEntry]:
    return {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}


def problems(nb, po: polib.POFile, notebook: str) -> list[Problem]:
    """What is untranslated or stale in ``po`` for notebook ``nb``."""
    from course_utils.translate.equivalence import code_differences

    entries = translations(po)
    needed = units(nb)
    used = {(u.context, u.english) for u in needed}
    leftovers: dict[str, list[polib.POEntry]] = {}
    for key, entry in entries.items():
        if key not in used:
            leftovers.setdefault(key[0], []).append(entry)
    found = []
    for unit in needed:
        entry = entries.get((unit.context, unit.english))
        if entry is not None and entry.msgstr and "fuzzy" not in entry.flags:
            if unit.kind == "code":
                differences = code_differences(unit.english, entry.msgstr)
                differences += marker_differences(unit.english, entry.msgstr)
                if differences:
                    found.append(Problem(notebook, unit.cell_index, unit.context,
                                         "not the same program", unit.english,
                                         translation=entry.msgstr, detail=differences[0]))
            continue
        if entry is not None and "fuzzy" in entry.flags:
            found.append(Problem(notebook, unit.cell_index, unit.context, "stale", unit.english,
                                 previous_english=entry.previous_msgid or "",
                                 translation=entry.msgstr))
            continue
        older = leftovers.get(unit.context, [])
        if older:
            old = older.pop(0)
            found.append(Problem(notebook, unit.cell_index, unit.context, "stale", unit.english,
                                 previous_english=old.msgid, translation=old.msgstr))
        else:
            found.append(Problem(notebook, unit.cell_index, unit.context, "missing",
                                 unit.english))
    return found


def marker_differences(english: str, translated: str) -> list[str]:
    """The nbgrader markers (BEGIN/END SOLUTION, HINT) must stay, in the same order."""
    def markers(source):
        return [("HINT" if "### HINT:" in line else line.strip())
                for line in source.splitlines() if MARKER.match(line) or "### HINT:" in line]
    if markers(english) != markers(translated):
        return ["the nbgrader markers (### BEGIN/END SOLUTION, ### HINT:) differ; keep them "
                "exactly, translating only the hint's text"]
    return []


def update(nb, po: polib.POFile) -> polib.POFile:
    """A catalogue with an entry for every unit of ``nb``, in notebook order.

    Kept: entries whose English is unchanged. New English: a new entry, fuzzy and
    pre-filled with the translation of the entry it replaces in the same cell (the old
    English kept as ``previous_msgid``), or empty. Entries no longer needed are dropped.
    """
    entries = translations(po)
    needed = units(nb)
    used = {(u.context, u.english) for u in needed}
    leftovers: dict[str, list[polib.POEntry]] = {}
    for key, entry in entries.items():
        if key not in used and entry.msgstr:
            leftovers.setdefault(key[0], []).append(entry)
    fresh = polib.POFile()
    fresh.metadata = dict(po.metadata)
    for unit in needed:
        entry = entries.get((unit.context, unit.english))
        if entry is None:
            entry = polib.POEntry(msgctxt=unit.context, msgid=unit.english, msgstr="")
            older = leftovers.get(unit.context, [])
            if older:
                old = older.pop(0)
                entry.msgstr = old.msgstr
                entry.previous_msgid = old.previous_msgid or old.msgid
                entry.flags = ["fuzzy"]
        entry.comment = unit.kind
        fresh.append(entry)
    return fresh


def save(po: polib.POFile, path: Path) -> None:
    """Write ``po`` atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".part",
                                     delete=False) as handle:
        handle.write(str(po) + "\n")
    os.replace(handle.name, path)
