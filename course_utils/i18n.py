"""The language of what the course's helpers say to a student (English by default; Spanish).

Every message a student reads from ``course_utils`` -- the verdicts of the exercise
checks, the names of mistakes and their hints, widget labels and tooltips, the data
layer's errors -- is written in English in the code, wrapped in :func:`tr`::

    raise FileNotFoundError(tr("Dataset {name!r} is not in {folder}.", name=name, folder=d))

and translated from a catalogue, ``course_utils/locale/<language>.po`` (gettext's
format: ``msgid`` the English template, ``msgstr`` its translation). The Spanish
notebooks start with one setting::

    from course_utils import set_language
    set_language("es")

A template keeps its ``{placeholders}`` in every language; the values are filled in
after the translation. A message without a translation is shown in English (the
test suite makes sure that never happens for a language the course ships).

Text declared once and shown later -- a mistake's name, explanation and hint in a
``Mistake(...)`` declaration, a tooltip in a table -- stays English where it is
declared (it is also a key: tests and graders compare mistake names) and is
translated where it is shown, with :func:`tr_text`. Such literals are found for the
catalogue because they are arguments of ``Mistake(...)`` or marked with :func:`N_`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LANGUAGE_ENV_VAR = "COURSE_LANGUAGE"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: list[str] = []


def available_languages() -> tuple[str, ...]:
    """English plus every language with a catalogue in ``course_utils/locale``."""
    return (DEFAULT_LANGUAGE, *sorted(p.stem for p in LOCALE_DIR.glob("*.po")))


def set_language(language: str) -> None:
    """Choose the language of the helpers' messages for this kernel: ``"en"`` or ``"es"``."""
    if language not in available_languages():
        raise ValueError(f"set_language: no messages in {language!r}; the course has "
                         f"{', '.join(repr(code) for code in available_languages())}.")
    _current[:] = [language]


def get_language() -> str:
    """The language chosen by :func:`set_language`, else ``$COURSE_LANGUAGE``, else English."""
    if _current:
        return _current[0]
    language = os.environ.get(LANGUAGE_ENV_VAR, DEFAULT_LANGUAGE)
    return language if language in available_languages() else DEFAULT_LANGUAGE


def tr(message: str, /, **fields) -> str:
    """``message`` in the current language, with ``{placeholders}`` filled from ``fields``.

    ``message`` must be a literal English template (not an f-string): it is the key
    the catalogues are looked up by, and the tests extract every call from the source.
    """
    template = catalogue(get_language()).get(message) or message
    return template.format(**fields) if fields else template


def tr_text(text: str) -> str:
    """An English text declared elsewhere (a ``Mistake`` field, an ``N_``-marked string) in the
    current language. Unlike :func:`tr`, its argument is a value, not a literal."""
    return catalogue(get_language()).get(text) or text


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark for translation"
    """Mark a literal for the catalogue without translating it now (translate it when shown,
    with :func:`tr_text`)."""
    return text


@cache
def catalogue(language: str) -> dict[str, str]:
    """English template -> translation, for one language (empty for English)."""
    if language == DEFAULT_LANGUAGE:
        return {}
    import polib

    path = LOCALE_DIR / f"{language}.po"
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path))
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags}
