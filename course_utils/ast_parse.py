"""``ast.parse`` with a workaround for a CPython 3.11 bug (used by the translation and
release tools, which read notebook code and the package's own source).

CPython before 3.11.8 and 3.12.1 can raise ``SystemError: AST constructor recursion
depth mismatch`` from a valid ``ast.parse`` when other Python code runs while the tree
is being built (a garbage-collector finaliser, another thread):
https://github.com/python/cpython/issues/106905. The source is fine and parsing it again
succeeds, so :func:`parse` does that once; any other error propagates unchanged.
"""

from __future__ import annotations

import ast


def parse(source: str, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse(source, filename, mode)``, retried once on the spurious SystemError."""
    try:
        return ast.parse(source, filename=filename, mode=mode)
    except SystemError as err:
        if "recursion depth mismatch" not in str(err):
            raise
        return ast.parse(source, filename=filename, mode=mode)
