"""nbval, extended: compare notebook outputs token by token, numbers within a declared tolerance.

nbval re-executes every notebook and compares each cell's new output with the
committed one, character for character. That is right for words, shapes and
parameter counts, and wrong for numbers that come out of floating-point training:
another CPU (AVX2 instead of AVX-512), another BLAS kernel or thread count adds
the same numbers in another order, the last digits move, and the moves compound
over thousands of training steps (88.6 % on one machine, 88.7 % on another).

This plugin replaces nbval's comparison of text outputs (stdout, stderr,
``text/plain``, ``text/html``) by one that splits each text into tokens -- numbers
and the text between them -- and compares

* the text between numbers exactly (runs of spaces may differ in length when the
  cell declares a tolerance, since a number with more digits shifts a column);
* tuples of integers such as ``(4000, 784)`` (shapes) exactly, always;
* every other number exactly, unless the cell's metadata declares a tolerance for
  its kind::

      "metadata": {"tolerance": {"percent": 0.3, "count": 3, "rel": 0.002, "abs": 1e-6}}

  ``percent``  numbers followed by ``%``: absolute, in percentage points;
  ``count``    integers (``154``, ``12,345``): absolute;
  ``rel``, ``abs``  every other number (``0.5637``, ``9.5e-07``): passes when
               ``|new - committed| <= abs + rel * |committed|``.

  A kind the cell does not name is compared exactly (the default is "exact").

A difference beyond the tolerance fails with a readable report: the line as
committed, the line as computed now, and for each number its change and the
tolerance it exceeded. Sanitize rules (``.ci/nbval-sanitize.cfg``) still run
first, for what is truly volatile (timings, memory addresses).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from types import MappingProxyType, MethodType

import pytest

METADATA_KEY = "tolerance"
KINDS = MappingProxyType({
    "percent": "numbers followed by %, in percentage points (absolute)",
    "count": "integers, absolute",
    "rel": "other numbers, relative to the committed value",
    "abs": "other numbers, absolute",
})
TEXT_KEYS = ("stdout", "stderr", "text/plain", "text/html", "text/markdown", "text/latex")

_SHAPE = r"\((?:\s*\d+\s*,)+\s*(?:\d+\s*)?\)"
_NUMBER = (r"(?<![\w.])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
           r"(?![\w])")
_PERCENT_SUFFIX = r"(?:[ \u00a0\u202f]?%)"
_TOKEN = re.compile(rf"(?P<shape>{_SHAPE})|(?P<number>{_NUMBER})(?P<percent>{_PERCENT_SUFFIX})?")
_SPACES = re.compile(r"[ \t]+")


class ToleranceError(ValueError):
    """The ``tolerance`` metadata of a cell is malformed."""


@dataclass(frozen=True)
class Tolerance:
    """How far the numbers of one cell may move; every field ``None`` means "exact"."""

    percent: float | None = None
    count: float | None = None
    rel: float | None = None
    abs: float | None = None

    @property
    def is_exact(self) -> bool:
        return all(getattr(self, kind) is None for kind in KINDS)

    def describe(self) -> str:
        declared = {kind: _plain(getattr(self, kind)) for kind in KINDS
                    if getattr(self, kind) is not None}
        return json.dumps(declared) if declared else "exact (no tolerance declared)"


def _plain(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def parse_tolerance(metadata) -> Tolerance:
    """Read a cell's ``metadata["tolerance"]``; raise :class:`ToleranceError` on anything odd."""
    spec = (metadata or {}).get(METADATA_KEY)
    if spec is None:
        return Tolerance()
    if not isinstance(spec, dict) or not spec:
        raise ToleranceError(f'"{METADATA_KEY}" must be a non-empty object such as '
                             f'{{"percent": 0.3}}, got {spec!r}.')
    unknown = sorted(set(spec) - set(KINDS))
    if unknown:
        raise ToleranceError(f'unknown tolerance kind(s) {unknown}; the kinds are '
                             + "; ".join(f'"{k}" ({v})' for k, v in KINDS.items()) + ".")
    values = {}
    for kind, value in spec.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value < 0:
            raise ToleranceError(f'tolerance "{kind}" must be a non-negative number, '
                                 f"got {value!r}.")
        values[kind] = float(value)
    return Tolerance(**values)


@dataclass(frozen=True)
class Token:
    kind: str          # "text", "shape", "percent", "count" or "real"
    text: str
    value: float | None = None


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into numbers (with their kind), shapes and the text between them."""
    tokens: list[Token] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            tokens.append(Token("text", text[position:match.start()]))
        if match.group("shape"):
            tokens.append(Token("shape", match.group("shape")))
        else:
            number = match.group("number")
            value = float(number.replace(",", "").replace("\u2212", "-"))
            if match.group("percent"):
                kind = "percent"
            elif re.fullmatch(r"[-+\u2212]?[\d,]+", number):
                kind = "count"
            else:
                kind = "real"
            tokens.append(Token(kind, match.group(0), value))
        position = match.end()
    if position < len(text):
        tokens.append(Token("text", text[position:]))
    return tokens


def _allowed(kind: str, committed: float, tolerance: Tolerance) -> float | None:
    """The largest tolerated |difference| for a number of this kind, or None for exact."""
    if kind == "percent":
        return tolerance.percent
    if kind == "count":
        return tolerance.count
    if tolerance.rel is None and tolerance.abs is None:
        return None
    return (tolerance.abs or 0.0) + (tolerance.rel or 0.0) * abs(committed)


_KIND_NAMES = {"percent": "percent", "count": "count", "real": "rel/abs"}


def compare_text(committed: str, computed: str, tolerance: Tolerance) -> list[str]:
    """Compare two outputs token by token; return the problems (empty when they agree)."""
    if committed == computed:
        return []
    old, new = tokenize(committed), tokenize(computed)
    if [t.kind for t in old] != [t.kind for t in new]:
        return [_line_diff(committed, computed, "the text itself differs, not only numbers")]
    problems = []
    for a, b in zip(old, new, strict=True):
        if a.text == b.text:
            continue
        if a.kind == "text":
            if not tolerance.is_exact and _SPACES.sub(" ", a.text) == _SPACES.sub(" ", b.text):
                continue
            return [_line_diff(committed, computed, "the text itself differs, not only numbers")]
        if a.kind == "shape":
            problems.append(f"shape {a.text} became {b.text} (shapes are always compared exactly)")
            continue
        allowed = _allowed(a.kind, a.value, tolerance)
        difference = abs(b.value - a.value)
        if allowed is not None and difference <= allowed * (1 + 1e-12):
            continue
        unit = " percentage points" if a.kind == "percent" else ""
        limit = ("no tolerance declared for this kind, so it must match exactly"
                 if allowed is None else f"{_KIND_NAMES[a.kind]} tolerance allows {allowed:.3g}")
        problems.append(f"{a.text.strip()} became {b.text.strip()}: |difference| = "
                        f"{difference:.3g}{unit}; {limit}")
    if not problems:
        return []
    return [_line_diff(committed, computed, "numbers differ beyond the tolerance"), *problems]


def _line_diff(committed: str, computed: str, headline: str) -> str:
    old_lines, new_lines = committed.splitlines(), computed.splitlines()
    shown = []
    for number in range(max(len(old_lines), len(new_lines))):
        a = old_lines[number] if number < len(old_lines) else "<no line>"
        b = new_lines[number] if number < len(new_lines) else "<no line>"
        if a != b:
            shown.append(f"  line {number + 1}:\n    committed: {a}\n    now:       {b}")
        if len(shown) == 8:
            shown.append("  ...")
            break
    return headline + ":\n" + "\n".join(shown)


# ------------------------------------------------------------------ the pytest/nbval glue


def _flatten(cell_item, outputs) -> dict[str, list]:
    """nbval's view of a cell's outputs: {mime type or stream name: [sanitized values]}."""
    from nbval.plugin import transform_streams_for_comparison

    skip = cell_item.parent.skip_compare
    flat: dict[str, list] = defaultdict(list)
    for output in transform_streams_for_comparison(outputs):
        for key, value in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in skip:
                        flat[mime].append(cell_item.sanitize(data))
            else:
                flat[key].append(cell_item.sanitize(value))
    return flat


def tolerant_compare_outputs(cell_item, test, ref, skip_compare=None) -> bool:
    """Drop-in replacement for ``nbval.plugin.IPyNbCell.compare_outputs``."""
    tolerance = cell_item.tolerance
    computed, committed = _flatten(cell_item, test), _flatten(cell_item, ref)
    report = cell_item.comparison_traceback = []
    if set(committed) != set(computed):
        missing, extra = set(committed) - set(computed), set(computed) - set(committed)
        report.append(f"The cell's outputs are of other kinds than committed: missing "
                      f"{sorted(missing)}, unexpected {sorted(extra)}.")
        return False
    for key, old_values in committed.items():
        new_values = computed[key]
        if len(old_values) != len(new_values):
            report.append(f"{key}: {len(old_values)} output(s) committed, {len(new_values)} now.")
            return False
        for old, new in zip(old_values, new_values, strict=True):
            if isinstance(old, str) and isinstance(new, str) and key in TEXT_KEYS:
                problems = compare_text(old, new, tolerance)
            else:
                problems = [] if old == new else [f"{key} differs (compared exactly)."]
            if problems:
                report.append(f"Output '{key}' differs; tolerance of this cell: "
                              f"{tolerance.describe()}.")
                report.extend(problems)
                return False
    return True


def pytest_collection_modifyitems(session, config, items):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: nothing to extend
        return
    for item in items:
        if isinstance(item, IPyNbCell):
            try:
                item.tolerance = parse_tolerance(item.cell.metadata)
            except ToleranceError as err:
                raise pytest.UsageError(f"{item.nodeid}: {err}") from None
            item.compare_outputs = MethodType(tolerant_compare_outputs, item)
