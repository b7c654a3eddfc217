"""Formulas of conditional formatting, evaluated as Excel does: a small safe subset, never ``eval``.

A formula is parsed by a recursive-descent parser into a tree of typed, immutable nodes
(:data:`Node`: :class:`Const`, :class:`Ref`, :class:`Unary`, :class:`Percent`, :class:`Binary`,
:class:`Call`) and evaluated per cell against ``value_at(row, col)``, which gives any cell's
typed value. Anything outside the subset raises :class:`FormulaError` (a German reason): it is
reported as unreadable, never guessed.

Values
    Comparisons follow Excel: text is compared case-insensitively; numbers sort before text,
    text before booleans; a blank cell equals 0 against a number and "" against text; dates are
    serial numbers; numbers compare to 15 significant digits. Errors (``#VALUE!`` …) propagate.
References
    Relative references shift with the cell (:class:`Context` holds the offset from the cell the
    formula was written for); ``$`` parts stay fixed; references to other sheets are refused.
Subset
    Numbers, strings, ``TRUE``/``FALSE``, cell references (relative and ``$`` absolute), the
    operators ``= <> < > <= >= & + - * / ^`` and unary ``-``/``+``/``%``, and the functions
    ``AND OR NOT IF ISNUMBER ISTEXT ISBLANK ISERROR ISERR ISLOGICAL SEARCH FIND LEFT RIGHT MID
    LOWER UPPER TRIM LEN EXACT VALUE DATE TODAY NOW`` plus, for the formulas Excel writes for
    ``timePeriod`` rules, ``YEAR MONTH DAY WEEKDAY EDATE FLOOR INT ROUNDDOWN ROUND ABS``.
    ``TODAY()`` is the clock of the :class:`Context` (default: now).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .refs import MAX_COL, MAX_ROW, column_index

__all__ = [
    "Node",
    "Const",
    "Ref",
    "Unary",
    "Percent",
    "Binary",
    "Call",
    "ERROR_TEXTS",
    "MAX_FORMULA_DEPTH",
    "Context",
    "FormulaError",
    "ValueAt",
    "XlError",
    "cell_value",
    "compare",
    "evaluate",
    "parse_formula",
    "search",
    "to_number",
    "to_text",
    "truthy",
]

ValueAt = Callable[[int, int], Any]


class FormulaError(ValueError):
    """A formula outside the supported subset; the message is German and names the reason."""


# --------------------------------------------------------------------------------------------
# Excel values
# --------------------------------------------------------------------------------------------


class XlError:
    """An Excel error value (#VALUE!, #REF! …) inside formula evaluation."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.code


_VALUE = XlError("#VALUE!")
_REF = XlError("#REF!")
_NUM = XlError("#NUM!")
_DIV0 = XlError("#DIV/0!")
#: Error texts a cell can hold (value_at gives them as strings).
ERROR_TEXTS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)

_EPOCH = _dt.datetime(1899, 12, 30)


def _serial(value: _dt.date | _dt.datetime | _dt.time) -> float:
    if isinstance(value, _dt.datetime):
        return (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
    if isinstance(value, _dt.date):
        return float((value - _EPOCH.date()).days)
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400


def cell_value(value: Any) -> Any:
    """A value_at result in formula terms: numbers as float, dates as serials, errors as XlError."""
    if value is None or isinstance(value, (bool, XlError)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return _serial(value)
    if isinstance(value, str):
        if value in ERROR_TEXTS:
            return XlError(value)
        return value
    try:  # Decimal and friends
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _number_text(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".replace("e+", "E+").replace("e-", "E-")


def to_text(value: Any) -> Any:
    if isinstance(value, XlError):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


_NUMERIC_TEXT = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?\s*$")


def to_number(value: Any) -> Any:
    if isinstance(value, XlError):
        return value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        if _NUMERIC_TEXT.match(value):
            text = value.strip()
            if text.endswith("%"):
                return float(text[:-1]) / 100
            return float(text)
        return _VALUE
    return _VALUE


def _to_bool(value: Any) -> Any:
    if isinstance(value, XlError):
        return value
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0
    if isinstance(value, str):
        upper = value.strip().upper()
        if upper == "TRUE":
            return True
        if upper == "FALSE":
            return False
        return _VALUE
    return _VALUE


def _type_rank(value: Any) -> int:
    if isinstance(value, bool):
        return 2
    if isinstance(value, str):
        return 1
    return 0


def compare(a: Any, b: Any) -> Any:
    """-1, 0 or 1 as Excel's comparison operators see it; an XlError propagates."""
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    if a is None and b is None:
        return 0
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    ra, rb = _type_rank(a), _type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if isinstance(a, str):
        a, b = a.lower(), b.lower()
    elif not isinstance(a, bool):
        # Excel compares numbers to 15 significant digits
        a, b = float(f"{a:.15g}"), float(f"{b:.15g}")
    return (a > b) - (a < b)


@functools.lru_cache(maxsize=256)
def _wildcard_segments(pattern: str) -> tuple[tuple[str | None, ...], ...]:
    """A SEARCH pattern split at ``*`` into segments of characters (None = ``?``); ``~`` escapes."""
    segments: list[tuple[str | None, ...]] = []
    current: list[str | None] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            current.append(pattern[i + 1])
            i += 2
            continue
        if ch == "*":
            segments.append(tuple(current))
            current = []
        else:
            current.append(None if ch == "?" else ch)
        i += 1
    segments.append(tuple(current))
    return tuple(segments)


def _segment_at(text: str, segment: tuple[str | None, ...], pos: int) -> bool:
    if pos + len(segment) > len(text):
        return False
    return all(not (ch is not None and text[pos + offset] != ch) for offset, ch in enumerate(segment))


def _segment_find(text: str, segment: tuple[str | None, ...], pos: int) -> int:
    if None not in segment:
        return text.find("".join(segment), pos)  # type: ignore[arg-type]
    for candidate in range(pos, len(text) - len(segment) + 1):
        if _segment_at(text, segment, candidate):
            return candidate
    return -1


def _wildcard_find(pattern: str, text: str, pos: int) -> int:
    """0-based position of the first match of an Excel wildcard pattern in text, or -1.

    No regular expression: the first segment's earliest occurrence from which the other segments
    follow in order is the answer (if the chain fails there, it fails from every later start), so
    the search stays linear in the segments whatever the pattern, even ``*a*a*a*a*b``.
    """
    first, *rest = _wildcard_segments(pattern.lower())
    text = text.lower()
    start = _segment_find(text, first, pos)
    if start < 0:
        return -1
    cursor = start + len(first)
    for segment in rest:
        found = _segment_find(text, segment, cursor)
        if found < 0:
            return -1
        cursor = found + len(segment)
    return start


def search(needle: str, haystack: str, start: int = 1, *, wildcards: bool, case: bool) -> Any:
    if start < 1 or start > len(haystack) + 1:
        return _VALUE
    if wildcards:
        found = _wildcard_find(needle, haystack, start - 1)
        return float(found + 1) if found >= 0 else _VALUE
    if case:
        pos = haystack.find(needle, start - 1)
    else:
        pos = haystack.lower().find(needle.lower(), start - 1)
    return float(pos + 1) if pos >= 0 else _VALUE


# --------------------------------------------------------------------------------------------
# Formula parser (a safe subset; no eval)
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<sheetref>(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)
  | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?![\w(]))
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<func>[A-Za-z_][\w.]*(?=\s*\())
  | (?P<name>[A-Za-z_][\w.]*)
  | (?P<op><>|<=|>=|[=<>&+\-*/^%(),:;{}\[\]#@])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise FormulaError(f"unbekanntes Zeichen „{text[pos]}“")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "ws":
            continue
        if kind == "sheetref":
            raise FormulaError("Bezug auf ein anderes Tabellenblatt")
        tokens.append(_Tok(kind, m.group()))
    return tokens


# The tree of a formula: typed nodes, immutable (a rule's formulas are parsed once and evaluated for
# every cell the rule covers).


@dataclass(frozen=True, slots=True)
class Const:
    """A number, a string or TRUE/FALSE written in the formula."""

    value: float | str | bool


@dataclass(frozen=True, slots=True)
class Ref:
    """A cell reference as written for the rule's top-left cell; ``$`` parts are absolute."""

    row: int
    col: int
    row_abs: bool
    col_abs: bool


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``+x``."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Percent:
    """``x%``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """A comparison (``= <> < > <= >=``), ``&`` or arithmetic (``+ - * / ^``)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A function of the subset, its name in capitals (``_xlfn.`` dropped), arity checked."""

    name: str
    args: tuple[Node, ...]


Node = Const | Ref | Unary | Percent | Binary | Call

_FUNCTIONS = frozenset(
    {
        "AND", "OR", "NOT", "IF", "ISNUMBER", "ISTEXT", "ISBLANK", "ISERROR", "ISERR",
        "ISLOGICAL", "SEARCH", "FIND", "LEFT", "RIGHT", "MID", "LOWER", "UPPER", "TRIM", "LEN",
        "EXACT", "VALUE", "DATE", "TRUE", "FALSE", "TODAY", "NOW",
        # date and rounding functions, for the formulas Excel writes for "Datum" rules
        "YEAR", "MONTH", "DAY", "WEEKDAY", "EDATE", "FLOOR", "INT", "ROUNDDOWN", "ROUND", "ABS",
    }
)
_COMPARISONS = ("=", "<>", "<", ">", "<=", ">=")


#: Nesting depth of a formula (Excel allows 64 levels of functions).
MAX_FORMULA_DEPTH = 100


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise FormulaError("Formel endet unerwartet")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise FormulaError(f"„{text}“ erwartet, „{tok.text}“ gefunden")

    def parse(self) -> Node:
        node = self.comparison()
        if self.peek() is not None:
            raise FormulaError(f"nicht unterstützter Formelteil „{self.peek().text}“")  # type: ignore[union-attr]
        return node

    def comparison(self) -> Node:
        self.depth += 1
        if self.depth > MAX_FORMULA_DEPTH:
            raise FormulaError("Formel zu tief verschachtelt")
        try:
            return self._comparison()
        finally:
            self.depth -= 1

    def _comparison(self) -> Node:
        node = self.concat()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in _COMPARISONS:
            self.take()
            node = Binary(tok.text, node, self.concat())
        return node

    def concat(self) -> Node:
        node = self.additive()
        while (tok := self.peek()) is not None and tok.text == "&":
            self.take()
            node = Binary("&", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            node = Binary(tok.text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.power()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "*/":
            self.take()
            node = Binary(tok.text, node, self.power())
        return node

    def power(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) is not None and tok.text == "^":
            self.take()
            node = Binary("^", node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            self.depth += 1
            if self.depth > MAX_FORMULA_DEPTH:
                raise FormulaError("Formel zu tief verschachtelt")
            try:
                return Unary(tok.text, self.unary())
            finally:
                self.depth -= 1
        node = self.primary()
        while (tok := self.peek()) is not None and tok.text == "%":
            self.take()
            node = Percent(node)
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            number = float(tok.text)
            if not math.isfinite(number):
                raise FormulaError(f"Zahl „{tok.text}“ zu groß")
            return Const(number)
        if tok.kind == "string":
            return Const(tok.text[1:-1].replace('""', '"'))
        if tok.kind == "ref":
            nxt = self.peek()
            if nxt is not None and nxt.text == ":":
                raise FormulaError("Bereichsbezug (nur einzelne Zellen werden ausgewertet)")
            m = re.match(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$", tok.text)
            assert m is not None
            return Ref(int(m.group(4)), column_index(m.group(2)), bool(m.group(3)), bool(m.group(1)))
        if tok.kind == "name":
            upper = tok.text.upper()
            if upper in ("TRUE", "FALSE"):
                return Const(upper == "TRUE")
            raise FormulaError(f"Name „{tok.text}“ wird nicht ausgewertet")
        if tok.kind == "func":
            name = tok.text.upper()
            if name.startswith("_XLFN."):
                name = name[6:]
            if name not in _FUNCTIONS:
                raise FormulaError(f"Funktion {name} wird nicht ausgewertet")
            self.expect("(")
            args: list[Node] = []
            if self.peek() is not None and self.peek().text == ")":  # type: ignore[union-attr]
                self.take()
            else:
                while True:
                    args.append(self.comparison())
                    sep = self.take()
                    if sep.text == ")":
                        break
                    if sep.text not in (",", ";"):
                        raise FormulaError(f"„,“ oder „)“ erwartet, „{sep.text}“ gefunden")
            _check_arity(name, len(args))
            return Call(name, tuple(args))
        if tok.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        raise FormulaError(f"nicht unterstützter Formelteil „{tok.text}“")


_ARITY = {
    "AND": (1, 255), "OR": (1, 255), "NOT": (1, 1), "IF": (1, 3), "ISNUMBER": (1, 1),
    "ISTEXT": (1, 1), "ISBLANK": (1, 1), "ISERROR": (1, 1), "ISERR": (1, 1), "ISLOGICAL": (1, 1),
    "SEARCH": (2, 3), "FIND": (2, 3), "LEFT": (1, 2), "RIGHT": (1, 2), "MID": (3, 3),
    "LOWER": (1, 1), "UPPER": (1, 1), "TRIM": (1, 1), "LEN": (1, 1), "EXACT": (2, 2),
    "VALUE": (1, 1), "DATE": (3, 3), "TRUE": (0, 0), "FALSE": (0, 0), "TODAY": (0, 0), "NOW": (0, 0),
    "YEAR": (1, 1), "MONTH": (1, 1), "DAY": (1, 1), "WEEKDAY": (1, 2), "EDATE": (2, 2), "FLOOR": (2, 2),
    "INT": (1, 1), "ROUNDDOWN": (2, 2), "ROUND": (2, 2), "ABS": (1, 1),
}


def _check_arity(name: str, count: int) -> None:
    low, high = _ARITY[name]
    if not low <= count <= high:
        raise FormulaError(f"Funktion {name} mit {count} Argumenten")


def parse_formula(text: str) -> Node:
    """Parse a formula of the supported subset (with or without a leading ``=``) into a tree.

    Raises :class:`FormulaError` (German message) for anything outside the subset.
    """
    text = (text or "").strip()
    if text.startswith("="):
        text = text[1:]
    if not text:
        raise FormulaError("leere Formel")
    tree = _Parser(text).parse()
    if _tree_depth(tree) > MAX_FORMULA_DEPTH:
        raise FormulaError("Formel zu tief verschachtelt")
    return tree


def _tree_depth(tree: Node) -> int:
    """Depth of a formula tree, without recursion (a long chain 1+1+…+1 is deep too)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, (Unary, Percent)):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack.append((node.left, depth + 1))
            stack.append((node.right, depth + 1))
        elif isinstance(node, Call):
            stack.extend((arg, depth + 1) for arg in node.args)
    return deepest


class Context:
    __slots__ = ("dcol", "drow", "now", "value_at")

    def __init__(self, drow: int, dcol: int, value_at: ValueAt, now: _dt.datetime | None = None) -> None:
        self.drow = drow
        self.dcol = dcol
        self.value_at = value_at
        self.now = now


def evaluate(node: Node, ctx: Context) -> Any:
    """The value of a formula tree for the cell ``ctx`` stands for (an :class:`XlError` for an error)."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Ref):
        row = node.row if node.row_abs else node.row + ctx.drow
        col = node.col if node.col_abs else node.col + ctx.dcol
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
            return _REF
        return cell_value(ctx.value_at(row, col))
    if isinstance(node, Unary):
        value = to_number(evaluate(node.operand, ctx))
        if isinstance(value, XlError):
            return value
        return -value if node.op == "-" else value
    if isinstance(node, Percent):
        value = to_number(evaluate(node.operand, ctx))
        return value if isinstance(value, XlError) else value / 100
    if isinstance(node, Binary):
        return _binary(node.op, evaluate(node.left, ctx), evaluate(node.right, ctx))
    return _call(node.name, node.args, ctx)


def _binary(op: str, a: Any, b: Any) -> Any:
    if op in _COMPARISONS:
        result = compare(a, b)
        if isinstance(result, XlError):
            return result
        return {
            "=": result == 0, "<>": result != 0, "<": result < 0,
            ">": result > 0, "<=": result <= 0, ">=": result >= 0,
        }[op]
    if op == "&":
        ta, tb = to_text(a), to_text(b)
        if isinstance(ta, XlError):
            return ta
        if isinstance(tb, XlError):
            return tb
        return ta + tb
    na, nb = to_number(a), to_number(b)
    if isinstance(na, XlError):
        return na
    if isinstance(nb, XlError):
        return nb
    if op == "+":
        result = na + nb
    elif op == "-":
        result = na - nb
    elif op == "*":
        result = na * nb
    elif op == "/":
        if nb == 0:
            return _DIV0
        result = na / nb
    else:  # "^"
        try:
            result = na ** nb
        except (OverflowError, ZeroDivisionError):
            return _NUM
        if isinstance(result, complex):
            return _NUM
    result = float(result)
    return result if math.isfinite(result) else _NUM


def _text_arg(node: Node, ctx: Context) -> Any:
    return to_text(evaluate(node, ctx))


def _int_arg(node: Node, ctx: Context) -> Any:
    value = to_number(evaluate(node, ctx))
    if isinstance(value, XlError):
        return value
    if not math.isfinite(value) or abs(value) > 2**31:
        return _NUM
    return math.floor(value)


def _call(name: str, args: tuple[Node, ...], ctx: Context) -> Any:
    if name in ("TRUE", "FALSE"):
        return name == "TRUE"
    if name in _DATE_MATH:
        return _date_math(name, [to_number(evaluate(arg, ctx)) for arg in args])
    if name in ("TODAY", "NOW"):
        now = ctx.now or _dt.datetime.now()
        return float(math.floor(_serial(now))) if name == "TODAY" else _serial(now)
    if name in ("AND", "OR"):
        values: list[bool] = []
        for arg in args:
            value = evaluate(arg, ctx)
            if isinstance(value, XlError):
                return value
            if value is None or (isinstance(value, str) and isinstance(arg, Ref)):
                continue  # text and blanks in referenced cells are ignored
            flag = _to_bool(value)
            if isinstance(flag, XlError):
                return flag
            values.append(flag)
        if not values:
            return _VALUE
        return all(values) if name == "AND" else any(values)
    if name == "NOT":
        flag = _to_bool(evaluate(args[0], ctx))
        return flag if isinstance(flag, XlError) else not flag
    if name == "IF":
        flag = _to_bool(evaluate(args[0], ctx))
        if isinstance(flag, XlError):
            return flag
        if flag:
            return evaluate(args[1], ctx) if len(args) > 1 else True
        return evaluate(args[2], ctx) if len(args) > 2 else False
    if name in ("ISNUMBER", "ISTEXT", "ISBLANK", "ISERROR", "ISERR", "ISLOGICAL"):
        value = evaluate(args[0], ctx)
        if name == "ISNUMBER":
            return isinstance(value, float)
        if name == "ISTEXT":
            return isinstance(value, str)
        if name == "ISBLANK":
            return value is None
        if name == "ISLOGICAL":
            return isinstance(value, bool)
        if name == "ISERR":
            return isinstance(value, XlError) and value.code != "#N/A"
        return isinstance(value, XlError)
    if name in ("SEARCH", "FIND"):
        needle, haystack = _text_arg(args[0], ctx), _text_arg(args[1], ctx)
        start = _int_arg(args[2], ctx) if len(args) > 2 else 1
        for value in (needle, haystack, start):
            if isinstance(value, XlError):
                return value
        return search(needle, haystack, start, wildcards=name == "SEARCH", case=name == "FIND")
    if name in ("LEFT", "RIGHT"):
        text = _text_arg(args[0], ctx)
        count = _int_arg(args[1], ctx) if len(args) > 1 else 1
        if isinstance(text, XlError):
            return text
        if isinstance(count, XlError):
            return count
        if count < 0:
            return _VALUE
        if name == "LEFT":
            return text[:count]
        return text[len(text) - count:] if count else ""
    if name == "MID":
        text, start, count = _text_arg(args[0], ctx), _int_arg(args[1], ctx), _int_arg(args[2], ctx)
        for value in (text, start, count):
            if isinstance(value, XlError):
                return value
        if start < 1 or count < 0:
            return _VALUE
        return text[start - 1:start - 1 + count]
    if name in ("LOWER", "UPPER", "TRIM", "LEN"):
        text = _text_arg(args[0], ctx)
        if isinstance(text, XlError):
            return text
        if name == "LOWER":
            return text.lower()
        if name == "UPPER":
            return _upper(text)
        if name == "TRIM":
            return " ".join(part for part in text.split(" ") if part)
        return float(len(text))
    if name == "EXACT":
        a, b = _text_arg(args[0], ctx), _text_arg(args[1], ctx)
        if isinstance(a, XlError):
            return a
        if isinstance(b, XlError):
            return b
        return a == b
    if name == "VALUE":
        value = evaluate(args[0], ctx)
        if isinstance(value, str):
            return to_number(value)
        return to_number(value)
    if name == "DATE":
        parts = [_int_arg(arg, ctx) for arg in args]
        for value in parts:
            if isinstance(value, XlError):
                return value
        year, month, day = parts
        if 0 <= year < 1900:
            year += 1900
        try:
            year += (month - 1) // 12
            month = (month - 1) % 12 + 1
            base = _dt.date(year, month, 1) + _dt.timedelta(days=day - 1)
        except (ValueError, OverflowError):
            return _NUM
        return _serial(base)
    raise AssertionError(name)  # pragma: no cover


_DATE_MATH = frozenset({"YEAR", "MONTH", "DAY", "WEEKDAY", "EDATE", "FLOOR", "INT", "ROUNDDOWN", "ROUND", "ABS"})


def _date_of(serial: float) -> _dt.date | None:
    if not 1 <= serial < 2958466:  # 1900-01-01 .. 9999-12-31
        return None
    return _EPOCH.date() + _dt.timedelta(days=math.floor(serial))


def _date_math(name: str, numbers: list[Any]) -> Any:
    for number in numbers:
        if isinstance(number, XlError):
            return number
    x = numbers[0]
    if name in ("YEAR", "MONTH", "DAY", "WEEKDAY", "EDATE"):
        day = _date_of(x)
        if day is None:
            return _NUM
        if name == "YEAR":
            return float(day.year)
        if name == "MONTH":
            return float(day.month)
        if name == "DAY":
            return float(day.day)
        if name == "WEEKDAY":
            kind = int(numbers[1]) if len(numbers) > 1 else 1
            monday0 = day.weekday()
            if kind == 1:
                return float((monday0 + 1) % 7 + 1)  # Sunday = 1
            if kind == 2:
                return float(monday0 + 1)  # Monday = 1
            if kind == 3:
                return float(monday0)  # Monday = 0
            return _NUM
        months = numbers[1]
        if not math.isfinite(months) or abs(months) > 120000:
            return _NUM
        total = day.year * 12 + day.month - 1 + int(months)
        year, month = divmod(total, 12)
        month += 1
        if not 1900 <= year <= 9999:
            return _NUM
        last = (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)).day
        return _serial(_dt.date(year, month, min(day.day, last)))
    if name == "ABS":
        return abs(x)
    if name == "INT":
        return float(math.floor(x))
    if name == "FLOOR":
        significance = numbers[1]
        if significance == 0:
            return 0.0 if x == 0 else _DIV0
        if x > 0 > significance:
            return _NUM
        return float(math.floor(x / significance) * significance)
    digits = numbers[1]
    if not math.isfinite(digits) or abs(digits) > 300:
        return _NUM
    factor = 10.0 ** int(digits)
    if name == "ROUNDDOWN":
        return float(math.trunc(x * factor) / factor)
    scaled = abs(x) * factor  # ROUND: half away from zero
    rounded = math.floor(scaled + 0.5) / factor
    return float(math.copysign(rounded, x))


def _upper(text: str) -> str:
    """Excel's UPPER: character by character (ß stays ß, unlike str.upper)."""
    return "".join(up if len(up := ch.upper()) == 1 else ch for ch in text)


def truthy(value: Any) -> bool:
    """A CF formula result as a condition: TRUE or a non-zero number; text and errors are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0
    return False

