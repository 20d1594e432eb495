"""Read the verdicts that exercise checks print (see :mod:`course_utils.checks.feedback`).

A check prints one head line per verdict, ``"<symbol> <exercise>: <status>[ — <mistake>]"``,
for example ``"✔ one_hot: correct"`` or ``"… softmax: not implemented"``, with the status
word in the notebook's language (``"… softmax: sin implementar"`` in the Spanish edition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course_utils.checks.feedback import Status
from course_utils.i18n import available_languages, catalogue


def status_words() -> dict[str, Status]:
    """Each verdict word, in every language the course ships, and the status it means.

    Raises:
        ValueError: one word means two statuses in different languages (then a printed
            verdict could not be read back); choose another translation.
    """
    words: dict[str, Status] = {}
    for language in available_languages():
        for status in Status:
            word = catalogue(language).get(status.value) or status.value
            if words.setdefault(word, status) is not status:
                raise ValueError(f"the verdict word {word!r} ({language}) means both "
                                 f"{words[word].value!r} and {status.value!r}; translate "
                                 f"{status.value!r} with another word in {language}.po.")
    return words


_WORDS = status_words()
_HEAD = re.compile(
    r"^(?P<symbol>[✔✘…]) (?P<exercise>[^\s:]+): (?P<status>"
    + "|".join(re.escape(word) for word in sorted(_WORDS, key=len, reverse=True))
    + r")(?!\w)", re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    exercise: str
    status: Status


def output_text(cell) -> str:
    """The text a code cell printed or displayed (streams and ``text/plain``), in order."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output and "text/plain" in output["data"]:
            parts.append(output["data"]["text/plain"])
    return "".join(parts)


def verdicts(cell) -> list[Verdict]:
    """The verdicts in a code cell's outputs, in order."""
    return [Verdict(match.group("exercise"), _WORDS[match.group("status")])
            for match in _HEAD.finditer(output_text(cell))]


def is_check_cell(cell) -> bool:
    """A check cell: a code cell with nbgrader ``grade: true`` (tagged ``check``)."""
    return (cell.get("cell_type") == "code"
            and bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade", False)))


def is_exercise_cell(cell) -> bool:
    """An exercise: a code cell with nbgrader ``solution: true`` (tagged ``exercise``)."""
    return (cell.get("cell_type") == "code"
            and bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False)))
