"""Flag code in a submission that could subvert in-kernel grading, for a human to read.

The grader's harness (:mod:`course_utils.release.harness`) defeats the cheap ways of
faking a pass; what it cannot stop is code that deliberately tampers with the
interpreter. Such code has recognisable forms, listed in :data:`PATTERNS`. Every code
cell of a submission that is not identical to a cell of the answer key is searched for
them, and exercise cells also for any use of ``course_utils`` (the package holds the
course's reference solutions).

A flag is a reason to look, not a verdict: it changes no points, some flagged code is
innocent, and obfuscated code (``getattr(__builtins__, "pr" + "int")``) is not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course_utils.release.verdicts import is_exercise_cell

#: (what it means, regular expression) -- searched in the cell source.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("defines or rebinds a check", r"\bdef\s+check_\w+|\bcheck_\w+\s*=(?!=)"),
    ("touches the course's checks", r"course_utils\s*\.\s*checks|checks\s*\.\s*feedback"),
    ("replaces builtins or printing",
     r"\bbuiltins\b|__builtins__|\bprint\s*=(?!=)|sys\s*\.\s*std(out|err)\s*=(?!=)"),
    ("changes the import system", r"sys\s*\.\s*(modules|meta_path|path_hooks)|__import__"
                                   r"|\bimportlib\b"),
    ("replaces an attribute of a module",
     r"(?m)^\s*(np|numpy|os|sys|json|hmac|hashlib|types|math)\s*\.[\w.]+\s*=(?!=)"
     r"|\bsetattr\s*\("),
    ("exits or kills the kernel", r"os\s*\.\s*_exit|sys\s*\.\s*exit|SystemExit|\bexit\s*\("
                                  r"|\bquit\s*\(|os\s*\.\s*kill|signal\s*\."),
    ("inspects the interpreter", r"_getframe|\bf_back\b|\bf_locals\b|\bf_globals\b"
                                 r"|_current_frames|inspect\s*\.\s*(stack|currentframe)"
                                 r"|\bgc\s*\.|settrace|setprofile|addaudithook|\bctypes\b"
                                 r"|/proc/self"),
    ("hooks cell execution", r"input_transformers|ast_transformers|events\s*\.\s*register"
                             r"|get_ipython\s*\(\s*\)\s*\.\s*(run_cell|kernel|events)"),
    ("starts threads or processes", r"\bthreading\b|\bmultiprocessing\b|\bsubprocess\b"
                                    r"|os\s*\.\s*(system|fork|spawn|popen)"),
)

_EXERCISE_PATTERN = ("uses course_utils inside an exercise (the course's reference "
                     "solutions live there)", r"\bcourse_utils\b")


@dataclass(frozen=True)
class Flag:
    cell: int  # 0-based index in the submission, as nbformat and nbclient count
    what: str
    excerpt: str  # the matching text, for the reader

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what} ({self.excerpt!r})"


def review_flags(submission, answer_key) -> list[Flag]:
    """Flags for the code cells of ``submission`` not found verbatim in ``answer_key``."""
    known = {cell.source for cell in answer_key.cells if cell.cell_type == "code"}
    flags = []
    for index, cell in enumerate(submission.cells):
        if cell.cell_type != "code" or cell.source in known:
            continue
        patterns = PATTERNS + ((_EXERCISE_PATTERN,) if is_exercise_cell(cell) else ())
        for what, pattern in patterns:
            match = re.search(pattern, cell.source)
            if match:
                flags.append(Flag(index, what, match.group(0).strip()[:40]))
    return flags
