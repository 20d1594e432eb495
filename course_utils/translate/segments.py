"""What in a notebook gets translated: Markdown paragraphs, and the human-facing text of code.

A Markdown cell is translated paragraph by paragraph (blocks separated by a blank
line; a fenced code block or a ``$$ ... $$`` formula stays in one piece), so that an
edit of one English sentence makes only its paragraph's translation stale. A
paragraph with no words in it -- only a formula, a code block, an image -- is copied
as it is and needs no entry.

A code cell is translated as a whole (its comments and its printed and plotted text),
and only when it has such text at all; the Spanish code must stay the same program
(:mod:`course_utils.translate.equivalence`).
"""

from __future__ import annotations

import io
import re
import tokenize

_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_WORDS = [
    re.compile(r"\$\$.*?\$\$", re.S),          # display math
    re.compile(r"(?<!\\)\$.+?(?<!\\)\$"),      # inline math
    re.compile(r"```.*?```", re.S),            # fenced code
    re.compile(r"`[^`]*`"),                    # inline code
    re.compile(r"!?\[[^\]]*\]\([^)]*\)"),      # images and links ... (link text kept below)
    re.compile(r"<[^>]+>"),                    # HTML tags
    re.compile(r"https?://\S+"),
]
_LINK_TEXT = re.compile(r"(?<!!)\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z]{2,}")


def markdown_segments(text: str) -> list[str]:
    """Split Markdown into paragraphs (blank-line separated), keeping fences and $$ blocks whole."""
    segments, current, in_fence, in_math = [], [], False, False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.strip() == "$$":
            in_math = not in_math
        elif not in_fence and line.strip().startswith("$$") and line.strip().count("$$") == 1:
            in_math = not in_math
        if line.strip() == "" and not in_fence and not in_math:
            if current:
                segments.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        segments.append("\n".join(current))
    return segments


def join_segments(segments: list[str]) -> str:
    return "\n\n".join(segments)


def has_words(segment: str) -> bool:
    """True when a Markdown paragraph holds prose (words outside formulas, code and URLs)."""
    text = _LINK_TEXT.sub(r"\1", segment)
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return bool(_WORD.search(text))


def code_has_text(source: str) -> bool:
    """True when a code cell has a comment or a string with words that a student reads."""
    from course_utils.translate.equivalence import translatable_strings

    return bool(comments(source)) or bool(translatable_strings(source))


def comments(source: str) -> list[str]:
    """The comments of a code cell that hold words."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [line for line in source.splitlines() if "#" in line]
    return [t.string for t in tokens if t.type == tokenize.COMMENT and _WORD.search(t.string)]
