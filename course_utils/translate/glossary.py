"""The glossary: one Spanish term for each English term, used the same way everywhere.

``translations/<language>/glossary.tsv`` has one line per term: the English term, a
tab, and the accepted translations separated by ``|`` (inflections count as the same
term: ``época|épocas``). Wherever an English paragraph uses the term (as a word, in
its prose rather than in code or formulas), its translation must contain one of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course_utils.translate.segments import _LINK_TEXT, _NOT_WORDS


@dataclass(frozen=True)
class Term:
    english: str
    accepted: tuple[str, ...]

    def used_in(self, english_text: str) -> bool:
        return re.search(rf"\b{re.escape(self.english)}\b", _prose(english_text),
                         re.IGNORECASE) is not None

    def respected_by(self, translation: str) -> bool:
        text = _fold(_prose(translation))
        return any(_fold(form) in text for form in self.accepted)


def _prose(text: str) -> str:
    text = _LINK_TEXT.sub(r"\1", text)
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return text


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def load_glossary(path: Path) -> list[Term]:
    terms = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.count("\t") != 1:
            raise ValueError(f"{path}:{number}: expected 'english<TAB>form|form', got {line!r}")
        english, forms = line.split("\t")
        accepted = tuple(f.strip() for f in forms.split("|") if f.strip())
        if not english.strip() or not accepted:
            raise ValueError(f"{path}:{number}: empty term or translation in {line!r}")
        terms.append(Term(english.strip(), accepted))
    return terms


def glossary_violations(english: str, translation: str, terms: list[Term]) -> list[Term]:
    """The terms ``english`` uses whose agreed translation ``translation`` lacks."""
    return [t for t in terms if t.used_in(english) and not t.respected_by(translation)]
