"""The helpers' own messages: every ``tr("...")`` in ``course_utils`` and its translations.

``course_utils/locale/<language>.po`` maps each English template to its translation
(see :mod:`course_utils.i18n`). :func:`extract` finds the templates in the source:
the literal first argument of every ``tr(...)`` and ``N_(...)`` call, and the literal
name, explanation and hint of every ``Mistake(...)`` declaration (``tr`` must be
called with a literal string, never an f-string, so it can be found);
:func:`message_problems` lists what is untranslated, stale or has other placeholders
than its English template.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import polib

from course_utils.ast_parse import parse as parse_python

PACKAGE = Path(__file__).resolve().parents[1]


def extract(package: Path = PACKAGE) -> tuple[dict[str, list[str]], list[str]]:
    """(template -> files that use it, problems) for every ``tr(...)`` call in the package.

    A text field of a declaration given as a name (``Mistake(_WRONG_AXIS, ...)``) is found
    where that name is assigned, if it is marked there: ``_WRONG_AXIS = N_("...")``.
    """
    templates: dict[str, list[str]] = {}
    problems = []
    for path in sorted(package.rglob("*.py")):
        tree = parse_python(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(package.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node.func) in DECLARATIONS:
                fields = DECLARATIONS[_called(node.func)]
                texts = node.args[:len(fields)] + [k.value for k in node.keywords
                                                   if k.arg in fields]
                for text in texts:
                    if isinstance(text, ast.Constant) and isinstance(text.value, str):
                        _add(templates, text.value, where)
                    elif isinstance(text, (ast.JoinedStr, ast.BinOp)):
                        problems.append(f"{where}:{text.lineno}: {_called(node.func)}(...) needs "
                                        "literal texts (an f-string or a concatenation cannot "
                                        "be found in the catalogue); write the text out")
                continue
            if not (isinstance(node, ast.Call) and _called(node.func) in ("tr", "N_")):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                _add(templates, first.value, where)
            else:
                problems.append(f"{where}:{node.lineno}: tr() needs a literal English template "
                                "as its first argument (an f-string or a variable cannot be "
                                "found in the catalogue); use tr('... {name} ...', name=value)")
    return templates, problems


#: Declarations whose leading text fields are shown to students (translated with tr_text).
DECLARATIONS = {"Mistake": ("name", "explanation", "hint")}


def _called(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _add(templates: dict[str, list[str]], text: str, where: str) -> None:
    files = templates.setdefault(text, [])
    if where not in files:
        files.append(where)


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
