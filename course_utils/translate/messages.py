"""The helpers' own messages: every ``tr("...")`` in ``course_utils`` and its translations.

``course_utils/locale/<language>.po`` maps each English template to its translation
(see :mod:`course_utils.i18n`). :func:`extract` finds the templates in the source
(``tr`` must be called with a literal string, never an f-string, so it can be found);
:func:`message_problems` lists what is untranslated, stale or has other placeholders
than its English template.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1]


def extract(package: Path = PACKAGE) -> tuple[dict[str, list[str]], list[str]]:
    """(template -> files that use it, problems) for every ``tr(...)`` call in the package."""
    templates: dict[str, list[str]] = {}
    problems = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(package.parent))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_tr(node.func)):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates.setdefault(first.value, [])
                if where not in templates[first.value]:
                    templates[first.value].append(where)
            else:
                problems.append(f"{where}:{node.lineno}: tr() needs a literal English template "
                                "as its first argument (an f-string or a variable cannot be "
                                "found in the catalogue); use tr('... {name} ...', name=value)")
    return templates, problems


def _is_tr(func) -> bool:
    return (isinstance(func, ast.Name) and func.id == "tr") or (
        isinstance(func, ast.Attribute) and func.attr == "tr")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def message_problems(po: polib.POFile, templates: dict[str, list[str]]) -> list[str]:
    entries = {e.msgid: e for e in po if not e.obsolete}
    found = []
    for template, files in templates.items():
        entry = entries.get(template)
        where = ", ".join(files)
        if entry is None or not entry.msgstr:
            found.append(f"missing ({where}): {template!r}")
        elif "fuzzy" in entry.flags:
            found.append(f"stale ({where}): {template!r} was translated from "
                         f"{entry.previous_msgid!r} as {entry.msgstr!r}")
        elif placeholders(entry.msgstr) != placeholders(template):
            found.append(f"other placeholders ({where}): {template!r} has "
                         f"{sorted(placeholders(template))}, its translation {entry.msgstr!r} "
                         f"has {sorted(placeholders(entry.msgstr))}")
    return found


def update_messages(po: polib.POFile, templates: dict[str, list[str]]) -> polib.POFile:
    """A catalogue with one entry per template (sorted), keeping existing translations."""
    entries = {e.msgid: e for e in po if not e.obsolete}
    fresh = polib.POFile()
    fresh.metadata = dict(po.metadata) or {"Content-Type": "text/plain; charset=UTF-8",
                                           "Content-Transfer-Encoding": "8bit"}
    for template in sorted(templates):
        entry = entries.get(template) or polib.POEntry(msgid=template, msgstr="")
        entry.occurrences = []
        entry.comment = ", ".join(templates[template])
        fresh.append(entry)
    return fresh
