"""A translated code cell must be the same program: only its human-facing text may differ.

Two sources are equivalent when their syntax trees are identical except for

* comments (not in the tree at all),
* string literals a student reads: strings with words separated by spaces, and any
  string passed to a call that shows text (``print``, ``set_title``, ``xlabel``,
  ``legend``, ``claim_below``, ...), including the literal parts of f-strings there.

Everything else -- names, numbers, operators, the formatted expressions and format
specifications inside f-strings, strings without spaces such as ``"relu"``,
``"mnist-5k"`` or ``"val_loss"`` (they are keys and options the code depends on) --
must be identical. So a translator can change what a cell *says* but not what it
*does*; :func:`code_differences` names the first place where that rule is broken.
"""

from __future__ import annotations

import ast

from course_utils.ast_parse import parse as parse_python

#: Calls whose string arguments are text for a reader.
TEXT_CALLS = frozenset({
    "print", "display", "Markdown", "HTML", "set_title", "set_xlabel", "set_ylabel", "suptitle",
    "title", "xlabel", "ylabel", "legend", "text", "annotate", "set_label", "colorbar",
    "claim_below", "claim_at_most", "claim_above", "claim_at_least", "claim_between",
    "claim_true", "warn", "ValueError", "RuntimeError", "TypeError", "AssertionError",
})
TEXT_KEYWORDS = frozenset({"label", "title", "xlabel", "ylabel", "description", "tooltip",
                           "fmt_label", "name"})


def _python(source: str) -> str:
    """The cell as plain Python: IPython magics (``%matplotlib``, ``!pip``) turned into calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _readable_positions(tree: ast.AST) -> set[int]:
    """ids of the string nodes that sit where text for a reader goes."""
    readable: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            values = []
            if name in TEXT_CALLS:
                values += node.args
            values += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
            for value in values:
                _collect_text(value, readable)
    return readable


def _collect_text(node, readable: set[int]) -> None:
    """Mark the string parts of an expression that is shown as text; not the expressions
    formatted into an f-string, nor its format specifications."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        readable.add(id(node))
    elif isinstance(node, ast.JoinedStr):
        readable.add(id(node))
        for part in node.values:
            if isinstance(part, ast.Constant):
                readable.add(id(part))
    elif isinstance(node, ast.BinOp):
        _collect_text(node.left, readable)
        _collect_text(node.right, readable)
    elif isinstance(node, ast.IfExp):
        _collect_text(node.body, readable)
        _collect_text(node.orelse, readable)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            _collect_text(element, readable)


def _is_prose(value: str) -> bool:
    return " " in value.strip() and any(c.isalpha() for c in value)


def translatable_strings(source: str) -> list[str]:
    """The string literals of ``source`` a translation may change."""
    try:
        tree = parse_python(_python(source))
    except SyntaxError:
        return []
    readable = _readable_positions(tree)
    specs = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.FormattedValue)
             and node.format_spec is not None for inner in ast.walk(node.format_spec)}
    found = []
    for node in ast.walk(tree):
        if id(node) in specs:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            if _is_prose(node.value) or id(node) in readable:
                if any(c.isalpha() for c in node.value):
                    found.append(node.value)
    return found


def code_differences(english: str, translated: str) -> list[str]:
    """Where ``translated`` is not the same program as ``english`` (empty list: equivalent)."""
    try:
        tree_en = parse_python(_python(english))
    except SyntaxError as err:
        return [f"the English cell does not parse: {err}"]
    try:
        tree_tr = parse_python(_python(translated))
    except SyntaxError as err:
        return [f"the translated cell does not parse: {err.msg} (line {err.lineno})"]
    readable = _readable_positions(tree_en)
    problems: list[str] = []
    _compare(tree_en, tree_tr, readable, problems, in_readable=False)
    return problems[:1]


def _compare(a, b, readable, problems, in_readable):
    if problems:
        return
    if type(a) is not type(b):
        problems.append(f"line {getattr(a, 'lineno', '?')}: {type(a).__name__} became "
                        f"{type(b).__name__}")
        return
    if isinstance(a, ast.Constant):
        if a.value == b.value and type(a.value) is type(b.value):
            return
        if isinstance(a.value, str) and isinstance(b.value, str) and (
                in_readable or id(a) in readable or _is_prose(a.value)):
            return
        problems.append(f"line {a.lineno}: the value {a.value!r} became {b.value!r}; only text a "
                        "reader sees (strings with spaces, or printed/plotted text) may change")
        return
    if isinstance(a, ast.JoinedStr):
        in_readable = in_readable or id(a) in readable or any(
            isinstance(v, ast.Constant) and _is_prose(v.value) for v in a.values)
        parts_a = [v for v in a.values if not isinstance(v, ast.Constant)]
        parts_b = [v for v in b.values if not isinstance(v, ast.Constant)]
        if not in_readable and len(a.values) != len(b.values):
            problems.append(f"line {a.lineno}: an f-string changed its structure")
            return
        if len(parts_a) != len(parts_b):
            problems.append(f"line {a.lineno}: an f-string has {len(parts_b)} formatted "
                            f"values instead of {len(parts_a)}")
            return
        for x, y in zip(parts_a, parts_b):
            _compare(x, y, readable, problems, in_readable=False)
        if not in_readable:
            for x, y in zip(a.values, b.values):
                _compare(x, y, readable, problems, in_readable=False)
        return
    if isinstance(a, ast.FormattedValue):
        in_readable = False
    if isinstance(a, ast.AST):
        for field in a._fields:
            if field in ("ctx", "type_comment"):
                continue
            _compare(getattr(a, field, None), getattr(b, field, None), readable, problems,
                     in_readable or id(a) in readable)
        return
    if isinstance(a, list):
        if len(a) != len(b):
            problems.append(f"a block has {len(b)} statements or items instead of {len(a)}")
            return
        for x, y in zip(a, b):
            _compare(x, y, readable, problems, in_readable)
        return
    if a != b:
        problems.append(f"{a!r} became {b!r}")
