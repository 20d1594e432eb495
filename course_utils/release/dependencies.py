"""Which code cells depend on an exercise: the rule that decides whose outputs are cleared.

The rule is a name flow over the answer key's sources, top-level statement by top-level
statement in notebook order (deterministic; nothing is executed):

1. **Seeds**: every statement of every code cell the release changes (solution cells,
   cells that lose hidden tests) is tainted.
2. A statement that **reads** a tainted name is tainted. A tainted statement taints
   every name it **binds** (assignment, ``for``/``with``/``except`` targets, ``def``,
   ``class``, ``import``, ``global`` declarations in its functions), every name it
   **modifies in place** (``params["W1"] = ...``, ``model.x = ...``, ``x += ...``), and
   every plain name it passes to a tainted function *for a parameter that function
   updates in place*: a function defined in the notebook whose body assigns into one
   of its parameters (``params[name] -= ...``) updates that argument, so after
   ``training_step(params, X, y, lr)`` the name ``params`` is tainted.
3. A name bound again by an untainted *simple* top-level statement (assignment,
   ``import``, ``def``, ``class``) is clean again: the new value replaces the old one,
   as in Python (``fig, ax = plt.subplots()`` starts afresh). Bindings inside
   ``if``/``for``/``while``/``with``/``try`` may not happen, so they never clean a name.
4. A code cell with at least one tainted statement is **cleared** (outputs and execution
   count): its output may show what the solution computes (check verdicts included).

Reading is Python's own scoping (:mod:`symtable`): a name read inside a function
body, lambda or comprehension counts unless it is local there, so a function that
calls ``softmax`` depends on ``softmax``; within a compound statement, a name is read
only if it is read before the statement binds it. Attribute chains count through
their first name (``data.train_images`` reads ``data``). IPython magics (``%...``,
``!...``) are ignored; a cell that does not parse as Python is taken to read and bind
every identifier in it.
"""

from __future__ import annotations

import ast
import re
import symtable
from collections.abc import Sequence
from dataclasses import dataclass

from course_utils.ast_parse import parse as parse_python

_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*\b")


@dataclass(frozen=True)
class StatementFlow:
    """What one top-level statement reads and writes.

    Attributes:
        reads: names it reads before binding them itself.
        binds: names it binds.
        modifies: names it changes in place (subscript/attribute targets, ``+=``).
        calls: for each call ``f(...)`` with a plain-name callee, ``(f, ((position or keyword,
            name passed), ...))`` for the arguments that are plain names.
        simple: not a compound statement (its bindings certainly happen).
    """

    reads: frozenset[str]
    binds: frozenset[str]
    modifies: frozenset[str] = frozenset()
    calls: tuple[tuple[str, tuple[tuple[int | str, str], ...]], ...] = ()
    simple: bool = True


@dataclass(frozen=True)
class NameFlow:
    """What one code cell reads and writes, statement by statement.

    Attributes:
        statements: one :class:`StatementFlow` per top-level statement, in order.
        updaters: for each function the cell defines at top level that assigns into one of
            its parameters, ``(function, positions and names of those parameters)``.
    """

    statements: tuple[StatementFlow, ...]
    updaters: tuple[tuple[str, frozenset[int | str]], ...] = ()

    @property
    def uses(self) -> frozenset[str]:
        """Names the cell reads from earlier cells (not bound by an earlier statement of it)."""
        bound: set[str] = set()
        used: set[str] = set()
        for statement in self.statements:
            used |= statement.reads - bound
            bound |= statement.binds
        return frozenset(used)

    @property
    def defines(self) -> frozenset[str]:
        return frozenset().union(*(statement.binds for statement in self.statements))

    @property
    def modifies(self) -> frozenset[str]:
        return frozenset().union(*(statement.modifies for statement in self.statements))


def python_only(source: str) -> str:
    """The source with IPython magics and shell escapes blanked out (line numbers kept)."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        lines = ["" for _ in lines[:1]] + lines[1:]
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[: len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _base_name(node: ast.AST) -> str | None:
    """``params`` for ``params["W1"]``, ``model.layers[0].W`` -> ``model``."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _TopLevel(ast.NodeVisitor):
    """Collects the names a cell binds or modifies at module level."""

    def __init__(self) -> None:
        self.defines: set[str] = set()
        self.modifies: set[str] = set()

    def _target(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.defines.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self._target(element)
        elif isinstance(node, ast.Starred):
            self._target(node.value)
        else:
            base = _base_name(node)
            if base:
                self.modifies.add(base)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target)
        self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        base = _base_name(node.target)
        if base:
            self.modifies.add(base)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target)
        if node.value is not None:
            self.visit(node.value)

    def visit_For(self, node: ast.For) -> None:
        self._target(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self._target(node.optional_vars)
        self.visit(node.context_expr)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._target(node.target)
        self.visit(node.value)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.defines.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.defines.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                self.defines.add(alias.asname or alias.name)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            base = _base_name(target)
            if base:
                self.modifies.add(base)

    def _scope(self, node) -> None:
        self.defines.add(node.name)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Global):
                self.defines.update(inner.names)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Lambda(self, node: ast.Lambda) -> None:  # its parameters are local
        return

    def visit_ListComp(self, node) -> None:  # comprehension variables are local
        return

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp


def _scope_names(code: str, mode: str) -> set[str]:
    """Module-level names a piece of code reads, found with Python's own scope analysis
    (:mod:`symtable`): a function's parameters and locals, and comprehension variables,
    are not module names; a function body's reads of module names are."""
    try:
        table = symtable.symtable(code, "<cell>", mode)
    except SyntaxError:  # parses, but does not compile (``nonlocal`` at top level, ...)
        return set(_IDENTIFIER.findall(code))
    names = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    # Python 3.12+ inlines comprehensions into the enclosing scope (PEP 709), so at module
    # level symtable reports their loop variables as module names; take those out again.
    names -= _comprehension_locals(parse_python(code, mode=mode))
    pending = list(table.get_children())
    while pending:
        scope = pending.pop()
        pending.extend(scope.get_children())
        names |= {symbol.get_name() for symbol in scope.get_symbols()
                  if symbol.is_referenced() and symbol.is_global()}
    return names


class _ComprehensionScopes(ast.NodeVisitor):
    """Collects the loop variables of top-level comprehensions, and the names read there
    or elsewhere at top level that no enclosing comprehension binds. Function bodies and
    lambdas are skipped: they keep symbol tables of their own in every Python version."""

    def __init__(self) -> None:
        self.targets: set[str] = set()
        self.outer_reads: set[str] = set()
        self._bound: list[set[str]] = []

    def _comprehension(self, node) -> None:
        bound: set[str] = set()
        for generator in node.generators:
            # Iterables count as read outside: exact for the first one; for later ones it
            # errs towards "reads more", which only ever clears more outputs.
            self.visit(generator.iter)
            bound |= {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
            self._bound.append(bound)
            for condition in generator.ifs:
                self.visit(condition)
            self._bound.pop()
        self.targets |= bound
        self._bound.append(bound)
        for part in ("elt", "key", "value"):
            if getattr(node, part, None) is not None:
                self.visit(getattr(node, part))
        self._bound.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and not any(node.id in b for b in self._bound):
            self.outer_reads.add(node.id)

    def _skip(self, node) -> None:
        return

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _skip


def _comprehension_locals(tree: ast.AST) -> set[str]:
    """Names that only comprehensions at this level bind and read (their loop variables)."""
    scopes = _ComprehensionScopes()
    scopes.visit(tree)
    return scopes.targets - scopes.outer_reads


def _reads(node: ast.AST) -> set[str]:
    return _scope_names(ast.unparse(node), "eval" if isinstance(node, ast.expr) else "exec")


def _bindings(statement: ast.AST) -> _TopLevel:
    top = _TopLevel()
    top.visit(statement)
    return top


def _target_names(target: ast.expr) -> set[str]:
    top = _TopLevel()
    top._target(target)
    return top.defines


def _block_reads(statements: list[ast.stmt], bound: set[str], uses: set[str]) -> None:
    """Add to ``uses`` the names ``statements`` read before binding them, in execution order
    (a ``for`` target is bound before the loop body runs); ``bound`` grows as they bind."""
    for statement in statements:
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            uses |= _reads(statement.iter) - bound
            bound |= _target_names(statement.target)
            blocks = [statement.body, statement.orelse]
        elif isinstance(statement, (ast.While, ast.If)):
            uses |= _reads(statement.test) - bound
            blocks = [statement.body, statement.orelse]
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                uses |= _reads(item.context_expr) - bound
                if item.optional_vars is not None:
                    bound |= _target_names(item.optional_vars)
            blocks = [statement.body]
        elif isinstance(statement, ast.Try | getattr(ast, "TryStar", ast.Try)):
            _block_reads(statement.body, bound, uses)
            for handler in statement.handlers:
                if handler.type is not None:
                    uses |= _reads(handler.type) - bound
                if handler.name:
                    bound.add(handler.name)
                _block_reads(handler.body, bound, uses)
            blocks = [statement.orelse, statement.finalbody]
        else:
            uses |= _reads(statement) - bound
            if isinstance(statement, ast.AugAssign):
                uses |= {_base_name(statement.target)} - bound - {None}
            bound |= _bindings(statement).defines
            continue
        for block in blocks:
            _block_reads(block, bound, uses)


_COMPOUND = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try,
             getattr(ast, "TryStar", ast.Try), getattr(ast, "Match", ast.If))


def _calls(statement: ast.stmt) -> tuple[tuple[str, tuple[tuple[int | str, str], ...]], ...]:
    calls = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            passed = [(i, arg.id) for i, arg in enumerate(node.args) if isinstance(arg, ast.Name)]
            passed += [(kw.arg, kw.value.id) for kw in node.keywords
                       if kw.arg and isinstance(kw.value, ast.Name)]
            if passed:
                calls.append((node.func.id, tuple(passed)))
    return tuple(calls)


def name_flow(source: str) -> NameFlow:
    """The :class:`NameFlow` of one code cell's source."""
    try:
        tree = parse_python(python_only(source))
    except SyntaxError:
        names = frozenset(_IDENTIFIER.findall(source))
        return NameFlow(statements=(StatementFlow(reads=names, binds=names, simple=False),))

    statements = []
    for statement in tree.body:
        reads: set[str] = set()
        _block_reads([statement], set(), reads)
        top = _bindings(statement)
        statements.append(StatementFlow(
            reads=frozenset(reads), binds=frozenset(top.defines),
            modifies=frozenset(top.modifies), calls=_calls(statement),
            simple=not isinstance(statement, _COMPOUND)))
    updaters = [(statement.name, _updated_parameters(statement)) for statement in tree.body
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return NameFlow(statements=tuple(statements),
                    updaters=tuple((name, keys) for name, keys in updaters if keys))


def _updated_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[int | str]:
    """Positions and names of the parameters ``function`` assigns into (``p[k] = ...``,
    ``p.x = ...``, ``p[k] -= ...``, ``p += ...``) anywhere in its body."""
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    names = set(positional) | {a.arg for a in arguments.kwonlyargs}
    updated: set[str] = set()
    for node in ast.walk(function):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if not isinstance(t, ast.Name)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            base = _base_name(target)
            if base in names:
                updated.add(base)
    keys: set[int | str] = set(updated)
    keys |= {position for position, name in enumerate(positional) if name in updated}
    return frozenset(keys)


def dependent_cells(sources: Sequence[str | None], seeds: set[int]) -> set[int]:
    """Indices of the cells cleared under the rule in this module's docstring.

    Args:
        sources: one entry per notebook cell: the source of a code cell, ``None`` for any
            other cell (Markdown and raw cells have no outputs and bind no names).
        seeds: indices of the code cells changed by the release.
    """
    tainted: set[str] = set()
    cleared: set[int] = set()
    updaters: dict[str, frozenset[int | str]] = {}
    for index, source in enumerate(sources):
        if source is None:
            continue
        flow = name_flow(source)
        updaters.update(flow.updaters)
        for statement in flow.statements:
            if index in seeds or statement.reads & tainted:
                cleared.add(index)
                updated = {name for callee, passed in statement.calls if callee in tainted
                           for key, name in passed if key in updaters.get(callee, ())}
                tainted |= statement.binds | statement.modifies | updated
            elif statement.simple:
                tainted -= statement.binds
    return cleared
