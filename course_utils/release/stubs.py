"""What a student sees in place of a solution region.

Code: two lines indented like the ``BEGIN SOLUTION`` marker::

    # YOUR CODE HERE
    raise NotImplementedError("<hint>")

The hint is the text of an optional ``### HINT: ...`` line inside the region (it is
written for the student, so it is the one line of the region that survives);
otherwise it names the function the region sits in ("write the body of one_hot",
"write the body of Dropout.forward").

Written answers (Markdown): nbgrader's text stub, ``YOUR ANSWER HERE``.
"""

from __future__ import annotations

import re

from course_utils.release.errors import MarkerError

CODE_PROMPT = "# YOUR CODE HERE"
TEXT_PROMPT = "YOUR ANSWER HERE"
GENERIC_HINT = "write your code here"

_HINT = re.compile(r"^\s*#+\s*HINT:\s*(?P<text>.*?)\s*$")
_DEF = re.compile(r"^(?P<indent>\s*)(?:(?:async\s+)?def|class)\s+(?P<name>\w+)\s*[(:]")


def is_hint(line: str) -> bool:
    return _HINT.match(line) is not None


def find_hint(body: tuple[str, ...] | list[str]) -> str | None:
    """The text of the region's ``### HINT:`` line, ``None`` if it has none.

    Raises :class:`MarkerError` for an empty hint or more than one hint line.
    """
    hints = [match.group("text") for match in map(_HINT.match, body) if match]
    if len(hints) > 1:
        raise MarkerError(f"a solution region has {len(hints)} HINT lines; keep one "
                          "(the NotImplementedError message is a single short hint).")
    if hints and not hints[0]:
        raise MarkerError("a HINT line is empty; write the hint after 'HINT:' or delete the line.")
    return hints[0] if hints else None


def enclosing_function(lines: list[str], begin: int, indent: str) -> str | None:
    """Name of the ``def`` that line ``begin`` (indented by ``indent``) sits in, with its
    class if it is a method (``"Dropout.forward"``); ``None`` at module level."""
    names: list[str] = []
    for line in reversed(lines[:begin]):
        match = _DEF.match(line)
        if match and len(match.group("indent")) < len(indent):
            names.insert(0, match.group("name"))
            indent = match.group("indent")
    return ".".join(names) if names else None


def python_string(text: str) -> str:
    """``text`` as a double-quoted Python string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def code_stub(indent: str, hint: str) -> list[str]:
    return [f"{indent}{CODE_PROMPT}", f"{indent}raise NotImplementedError({python_string(hint)})"]


def text_stub(indent: str = "") -> list[str]:
    return [f"{indent}{TEXT_PROMPT}"]
