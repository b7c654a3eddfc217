"""Conditional formatting as Excel applies it: what a cell of a worksheet displays.

A pure module: it takes the ``xml.etree`` elements of a worksheet (its ``<conditionalFormatting>``
elements and its ``<extLst>``) and of ``styles.xml`` (the ``<dxfs>``), and the workbook's
:class:`~ampel_xl.colors.ColorResolver`. It never touches a file, openpyxl or a formula engine,
and it never calls ``eval``: formulas are parsed by a small recursive-descent parser that knows
the subset clerks use; anything beyond it is reported as unreadable, never guessed.

Semantics (ECMA-376 Part 1 §18.3.1.10 ``cfRule``, §18.3.1.49 ``iconSet``, §18.18.42
``ST_IconSetType``; MS-XLSX for the x14 extension; checked against Excel's documented behaviour
and LibreOffice's import):

Order
    All rules of a sheet, from every ``<conditionalFormatting>`` and every x14
    ``<x14:conditionalFormatting>``, are ordered by ``priority`` (1 = first). For a cell, every
    rule whose ``sqref`` covers it is tested in that order. Formats of true rules combine: the
    first true rule that sets a fill decides the fill, the first that sets a font colour decides
    the font colour (a later rule without fill never clears it; a later rule with a fill does not
    override it). A true rule with ``stopIfTrue`` ends the evaluation for that cell, which also
    hides the icons of lower icon-set rules (the usual way to keep blanks icon-free).
References
    Relative references in a rule's formulas are written for the top-left cell of the rule's
    ranges (the minimum row and column over all ranges of ``sqref``) and shift with the cell;
    ``$`` parts stay fixed.
Values
    ``value_at(row, col)`` gives any cell's typed value. Comparisons follow Excel: text is compared
    case-insensitively; numbers sort before text, text before booleans; a blank cell equals 0
    against a number and "" against text (so "Zellwert = 0" holds for blanks, as in Excel);
    dates are serial numbers.
Fills of a dxf
    Excel paints a differential fill with ``bgColor`` when ``patternType`` is absent or
    ``solid``; a ``solid`` dxf fill that has only ``fgColor`` shows no fill (LibreOffice's import
    does the same). Pattern fills show ``bgColor``, else ``fgColor``; gradients their first stop;
    ``patternType="none"`` clears the cell's own fill.
Icon sets
    Only numeric cells (numbers and dates, not booleans, not text, not blanks) get an icon. The
    first ``cfvo`` is ignored; icon *i* (from the lowest) is shown when the value is ``>=`` (or
    ``>`` with ``gte="0"``) threshold *i* and below the next one. ``percent`` thresholds are
    ``min + (max - min) * p / 100`` and ``percentile`` thresholds Excel's PERCENTILE.INC, both
    over the numeric values of all ranges of the rule. ``reverse`` swaps the order, x14 custom
    icons (``x14:cfIcon``) name the icon of each position after ``reverse`` (as LibreOffice
    applies them), ``NoIcons`` shows none. Icons that are
    green, yellow/amber or red give that status (:data:`ICON_SET_STATUSES`); grey, black, stars,
    bars, quarters and boxes give none.
Colour scales
    Evaluated: a numeric cell shows the colour interpolated per RGB channel between the two
    neighbouring stops (thresholds as for icon sets); other cells show no colour. The colour is
    returned as ``fill`` so that the reader classifies it by hue like any fill.
Data bars
    Give no colour and no status; they are skipped.
Unreadable
    Unknown rule types, ``aboveAverage`` with a distance in standard deviations, formulas outside
    the subset (:class:`FormulaError`), references to other sheets, and rules whose parts are missing are
    listed in :attr:`CfOutcome.unreadable` for every cell they cover (unless a true rule with
    ``stopIfTrue`` stopped before them), with a German description.

Formula subset
    Numbers, strings, ``TRUE``/``FALSE``, cell references (relative and ``$`` absolute), the
    operators ``= <> < > <= >= & + - * / ^`` and unary ``-``/``+``/``%``, and the functions
    ``AND OR NOT IF ISNUMBER ISTEXT ISBLANK ISERROR ISERR ISLOGICAL SEARCH FIND LEFT RIGHT MID
    LOWER UPPER TRIM LEN EXACT VALUE DATE TODAY NOW`` plus, for the formulas Excel writes for
    ``timePeriod`` rules, ``YEAR MONTH DAY WEEKDAY EDATE FLOOR INT ROUNDDOWN ROUND ABS``.
    ``TODAY()`` is the clock given to :meth:`ConditionalFormats.from_sheet` (default: now).
Statistics
    ``top10`` (count or percent, top or bottom, ties included), ``aboveAverage`` (above or below,
    with or without equal), ``duplicateValues`` and ``uniqueValues`` (text case-insensitive,
    blanks neither) are computed over the rule's ranges.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from ..model import Status

__all__ = [
    "ICON_SET_NAMES",
    "ICON_SET_STATUSES",
    "CfOutcome",
    "ConditionalFormats",
    "Dxf",
    "FormulaError",
    "Icon",
    "parse_dxfs",
    "parse_formula",
]

ValueAt = Callable[[int, int], Any]

MAX_ROW = 1_048_576
MAX_COL = 16_384

_G, _Y, _R = Status.GRUEN, Status.GELB, Status.ROT

#: Status of each icon of an icon set, from the lowest icon (index 0) to the highest, as Excel
#: draws them without ``reverse``. None: the icon has no traffic-light colour.
ICON_SET_STATUSES: dict[str, tuple[Status | None, ...]] = {
    "3Arrows": (_R, _Y, _G),  # red down, yellow sideways, green up
    "3ArrowsGray": (None, None, None),
    "3Flags": (_R, _Y, _G),
    "3TrafficLights1": (_R, _Y, _G),  # unrimmed
    "3TrafficLights2": (_R, _Y, _G),  # rimmed
    "3Signs": (_R, _Y, _G),  # red diamond, yellow triangle, green circle
    "3Symbols": (_R, _Y, _G),  # circled cross, exclamation mark, check mark
    "3Symbols2": (_R, _Y, _G),  # the same without circle
    "3Stars": (None, None, None),
    "3Triangles": (_R, _Y, _G),  # red down, yellow dash, green up (x14)
    "4Arrows": (_R, _Y, _Y, _G),  # red down, yellow down-right, yellow up-right, green up
    "4ArrowsGray": (None, None, None, None),
    "4RedToBlack": (None, None, None, _R),  # black, grey, pink, red circles
    "4Rating": (None, None, None, None),
    "4TrafficLights": (None, _R, _Y, _G),  # black, red, yellow, green
    "5Arrows": (_R, _Y, _Y, _Y, _G),
    "5ArrowsGray": (None, None, None, None, None),
    "5Rating": (None, None, None, None, None),
    "5Quarters": (None, None, None, None, None),
    "5Boxes": (None, None, None, None, None),  # x14
}
#: Excel writes 3TrafficLights1 when the attribute is missing; XlsxWriter's name is accepted too.
_ICON_SET_ALIASES = {"3TrafficLights": "3TrafficLights1"}

#: German names of the icon sets (as in Excel's menu) for rule descriptions.
ICON_SET_NAMES: dict[str, str] = {
    "3Arrows": "3 Pfeile (farbig)",
    "3ArrowsGray": "3 Pfeile (grau)",
    "3Flags": "3 Flaggen",
    "3TrafficLights1": "3 Ampeln (ohne Rand)",
    "3TrafficLights2": "3 Ampeln (mit Rand)",
    "3Signs": "3 Zeichen",
    "3Symbols": "3 Symbole (mit Kreis)",
    "3Symbols2": "3 Symbole (ohne Kreis)",
    "3Stars": "3 Sterne",
    "3Triangles": "3 Dreiecke",
    "4Arrows": "4 Pfeile (farbig)",
    "4ArrowsGray": "4 Pfeile (grau)",
    "4RedToBlack": "Rot bis Schwarz",
    "4Rating": "4 Bewertungen",
    "4TrafficLights": "4 Ampeln",
    "5Arrows": "5 Pfeile (farbig)",
    "5ArrowsGray": "5 Pfeile (grau)",
    "5Rating": "5 Bewertungen",
    "5Quarters": "5 Viertel",
    "5Boxes": "5 Felder",
}


# --------------------------------------------------------------------------------------------
# Public data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dxf:
    """A differential format of ``<dxfs>``, reduced to what says a status.

    ``fill`` is the displayed fill colour (``"RRGGBB"``) or None; ``fill_cleared`` is True when
    the dxf explicitly removes the fill (``patternType="none"``); ``font_rgb`` the font colour.
    """

    fill: str | None = None
    font_rgb: str | None = None
    fill_cleared: bool = False

    @property
    def sets_fill(self) -> bool:
        return self.fill is not None or self.fill_cleared


@dataclass(frozen=True)
class Icon:
    """The icon Excel shows: its set (``"3TrafficLights1"``), its index in that set (0 = the
    lowest icon of the set as drawn without ``reverse``) and the status its colour says.

    ``show_value`` is False when the rule shows the icon only (``showValue="0"``): the cell's
    value is then not visible.
    """

    set_name: str
    index: int
    status: Status | None
    show_value: bool = True


@dataclass(frozen=True)
class CfOutcome:
    """What conditional formatting makes Excel display in one cell.

    ``fill`` and ``font_rgb`` are ``"RRGGBB"`` or None (no CF fill / font colour: the cell's own
    formatting shows, unless ``fill_cleared``). ``rule`` describes (German) the rule that decided
    (the fill's rule, else the icon's, else the font colour's), ``rules`` every rule that
    contributed, ``unreadable`` the rules covering the cell that could not be evaluated.
    """

    fill: str | None
    font_rgb: str | None
    icon: Icon | None
    rule: str
    unreadable: tuple[str, ...] = ()
    fill_cleared: bool = False
    rules: tuple[str, ...] = ()


class FormulaError(ValueError):
    """A formula outside the supported subset; the message is German and names the reason."""


# --------------------------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _bool_attr(element: Element, name: str, default: bool) -> bool:
    value = element.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true")


class _XmlColor:
    """Duck-typed colour for :meth:`ColorResolver.resolve` from a ``<color>``-like element."""

    __slots__ = ("indexed", "rgb", "theme", "tint", "type")

    def __init__(self, element: Element) -> None:
        self.type: str | None
        self.rgb = element.get("rgb")
        self.theme = element.get("theme")
        self.indexed = element.get("indexed")
        try:
            self.tint = float(element.get("tint") or 0.0)
        except ValueError:
            self.tint = 0.0
        if _bool_attr(element, "auto", False):
            self.type = "auto"
        elif self.rgb is not None:
            self.type = "rgb"
        elif self.theme is not None:
            self.type = "theme"
        elif self.indexed is not None:
            self.type = "indexed"
        else:
            self.type = None


def _resolve(resolver: Any, element: Element | None) -> str | None:
    if element is None:
        return None
    color = _XmlColor(element)
    if color.type is None:
        return None
    try:
        return resolver.resolve(color)
    except (ValueError, TypeError):
        return None


def _parse_dxf(dxf: Element, resolver: Any) -> Dxf:
    fill_rgb: str | None = None
    cleared = False
    fill = _child(dxf, "fill")
    if fill is not None:
        pattern = _child(fill, "patternFill")
        gradient = _child(fill, "gradientFill")
        if pattern is not None:
            kind = pattern.get("patternType")
            fg = _resolve(resolver, _child(pattern, "fgColor"))
            bg_el = _child(pattern, "bgColor")
            bg = _resolve(resolver, bg_el)
            if kind == "none":
                cleared = True
            elif kind is None or kind == "solid":
                fill_rgb = bg  # a solid dxf fill without bgColor shows nothing
            else:
                fill_rgb = bg if bg is not None else fg
        elif gradient is not None:
            for stop in _children(gradient, "stop"):
                fill_rgb = _resolve(resolver, _child(stop, "color"))
                break
    font_rgb = None
    font = _child(dxf, "font")
    if font is not None:
        font_rgb = _resolve(resolver, _child(font, "color"))
    return Dxf(fill=fill_rgb, font_rgb=font_rgb, fill_cleared=cleared and fill_rgb is None)


def parse_dxfs(styles_root: Element, resolver: Any) -> list[Dxf]:
    """The ``<dxfs>`` of ``styles.xml`` (its root element), in order, colours resolved."""
    if styles_root is None:
        return []
    dxfs = styles_root if _local(styles_root.tag) == "dxfs" else _child(styles_root, "dxfs")
    if dxfs is None:
        return []
    return [_parse_dxf(dxf, resolver) for dxf in _children(dxfs, "dxf")]


# --------------------------------------------------------------------------------------------
# Cell references and ranges
# --------------------------------------------------------------------------------------------

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_RE = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROW_RE = re.compile(r"^\$?(\d+)$")


def _col_index(letters: str) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value


Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def _parse_range(text: str) -> Range | None:
    parts = text.strip().split(":")
    if len(parts) == 1:
        m = _CELL_RE.match(parts[0])
        if not m:
            return None
        row, col = int(m.group(2)), _col_index(m.group(1))
        return (row, col, row, col)
    if len(parts) != 2:
        return None
    a, b = parts
    ma, mb = _CELL_RE.match(a), _CELL_RE.match(b)
    if ma and mb:
        r1, c1 = int(ma.group(2)), _col_index(ma.group(1))
        r2, c2 = int(mb.group(2)), _col_index(mb.group(1))
    elif _COL_RE.match(a) and _COL_RE.match(b):
        c1, c2 = _col_index(_COL_RE.match(a).group(1)), _col_index(_COL_RE.match(b).group(1))  # type: ignore[union-attr]
        r1, r2 = 1, MAX_ROW
    elif _ROW_RE.match(a) and _ROW_RE.match(b):
        r1, r2 = int(_ROW_RE.match(a).group(1)), int(_ROW_RE.match(b).group(1))  # type: ignore[union-attr]
        c1, c2 = 1, MAX_COL
    else:
        return None
    return (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _parse_sqref(text: str | None) -> tuple[Range, ...] | None:
    if not text or not text.strip():
        return None
    ranges = []
    for part in text.replace(",", " ").split():
        parsed = _parse_range(part)
        if parsed is None:
            return None
        ranges.append(parsed)
    return tuple(ranges)


# --------------------------------------------------------------------------------------------
# Excel values
# --------------------------------------------------------------------------------------------


class _XlError:
    """An Excel error value (#VALUE!, #REF! …) inside formula evaluation."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.code


_VALUE = _XlError("#VALUE!")
_REF = _XlError("#REF!")
_NUM = _XlError("#NUM!")
_DIV0 = _XlError("#DIV/0!")
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


def _cell_value(value: Any) -> Any:
    """A value_at result in formula terms: numbers as float, dates as serials, errors as _XlError."""
    if value is None or isinstance(value, (bool, _XlError)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return _serial(value)
    if isinstance(value, str):
        if value in ERROR_TEXTS:
            return _XlError(value)
        return value
    try:  # Decimal and friends
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _number_text(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".replace("e+", "E+").replace("e-", "E-")


def _to_text(value: Any) -> Any:
    if isinstance(value, _XlError):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


_NUMERIC_TEXT = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?\s*$")


def _to_number(value: Any) -> Any:
    if isinstance(value, _XlError):
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
    if isinstance(value, _XlError):
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


def _compare(a: Any, b: Any) -> Any:
    """-1, 0 or 1 as Excel's comparison operators see it; an _XlError propagates."""
    if isinstance(a, _XlError):
        return a
    if isinstance(b, _XlError):
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


def _search(needle: str, haystack: str, start: int = 1, *, wildcards: bool, case: bool) -> Any:
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


# AST nodes are tuples: ("num", v) ("str", s) ("bool", b) ("ref", row, col, row_abs, col_abs)
# ("un", op, x) ("pct", x) ("bin", op, a, b) ("call", NAME, (args...))

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

    def parse(self) -> tuple:
        node = self.comparison()
        if self.peek() is not None:
            raise FormulaError(f"nicht unterstützter Formelteil „{self.peek().text}“")  # type: ignore[union-attr]
        return node

    def comparison(self) -> tuple:
        self.depth += 1
        if self.depth > MAX_FORMULA_DEPTH:
            raise FormulaError("Formel zu tief verschachtelt")
        try:
            return self._comparison()
        finally:
            self.depth -= 1

    def _comparison(self) -> tuple:
        node = self.concat()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in _COMPARISONS:
            self.take()
            node = ("bin", tok.text, node, self.concat())
        return node

    def concat(self) -> tuple:
        node = self.additive()
        while (tok := self.peek()) is not None and tok.text == "&":
            self.take()
            node = ("bin", "&", node, self.additive())
        return node

    def additive(self) -> tuple:
        node = self.term()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            node = ("bin", tok.text, node, self.term())
        return node

    def term(self) -> tuple:
        node = self.power()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "*/":
            self.take()
            node = ("bin", tok.text, node, self.power())
        return node

    def power(self) -> tuple:
        node = self.unary()
        while (tok := self.peek()) is not None and tok.text == "^":
            self.take()
            node = ("bin", "^", node, self.unary())
        return node

    def unary(self) -> tuple:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            self.depth += 1
            if self.depth > MAX_FORMULA_DEPTH:
                raise FormulaError("Formel zu tief verschachtelt")
            try:
                return ("un", tok.text, self.unary())
            finally:
                self.depth -= 1
        node = self.primary()
        while (tok := self.peek()) is not None and tok.text == "%":
            self.take()
            node = ("pct", node)
        return node

    def primary(self) -> tuple:
        tok = self.take()
        if tok.kind == "number":
            number = float(tok.text)
            if not math.isfinite(number):
                raise FormulaError(f"Zahl „{tok.text}“ zu groß")
            return ("num", number)
        if tok.kind == "string":
            return ("str", tok.text[1:-1].replace('""', '"'))
        if tok.kind == "ref":
            nxt = self.peek()
            if nxt is not None and nxt.text == ":":
                raise FormulaError("Bereichsbezug (nur einzelne Zellen werden ausgewertet)")
            m = re.match(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$", tok.text)
            assert m is not None
            return ("ref", int(m.group(4)), _col_index(m.group(2)), bool(m.group(3)), bool(m.group(1)))
        if tok.kind == "name":
            upper = tok.text.upper()
            if upper in ("TRUE", "FALSE"):
                return ("bool", upper == "TRUE")
            raise FormulaError(f"Name „{tok.text}“ wird nicht ausgewertet")
        if tok.kind == "func":
            name = tok.text.upper()
            if name.startswith("_XLFN."):
                name = name[6:]
            if name not in _FUNCTIONS:
                raise FormulaError(f"Funktion {name} wird nicht ausgewertet")
            self.expect("(")
            args: list[tuple] = []
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
            return ("call", name, tuple(args))
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


def parse_formula(text: str) -> tuple:
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


def _tree_depth(tree: tuple) -> int:
    """Depth of a formula tree, without recursion (a long chain 1+1+…+1 is deep too)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        kind = node[0]
        if kind == "un":
            stack.append((node[2], depth + 1))
        elif kind == "pct":
            stack.append((node[1], depth + 1))
        elif kind == "bin":
            stack.append((node[2], depth + 1))
            stack.append((node[3], depth + 1))
        elif kind == "call":
            stack.extend((arg, depth + 1) for arg in node[2])
    return deepest


class _Context:
    __slots__ = ("dcol", "drow", "now", "value_at")

    def __init__(self, drow: int, dcol: int, value_at: ValueAt, now: _dt.datetime | None = None) -> None:
        self.drow = drow
        self.dcol = dcol
        self.value_at = value_at
        self.now = now


def _evaluate(node: tuple, ctx: _Context) -> Any:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        return node[1]
    if kind == "ref":
        _, row, col, row_abs, col_abs = node
        row = row if row_abs else row + ctx.drow
        col = col if col_abs else col + ctx.dcol
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
            return _REF
        return _cell_value(ctx.value_at(row, col))
    if kind == "un":
        value = _to_number(_evaluate(node[2], ctx))
        if isinstance(value, _XlError):
            return value
        return -value if node[1] == "-" else value
    if kind == "pct":
        value = _to_number(_evaluate(node[1], ctx))
        return value if isinstance(value, _XlError) else value / 100
    if kind == "bin":
        return _binary(node[1], _evaluate(node[2], ctx), _evaluate(node[3], ctx))
    if kind == "call":
        return _call(node[1], node[2], ctx)
    raise AssertionError(kind)  # pragma: no cover


def _binary(op: str, a: Any, b: Any) -> Any:
    if op in _COMPARISONS:
        result = _compare(a, b)
        if isinstance(result, _XlError):
            return result
        return {
            "=": result == 0, "<>": result != 0, "<": result < 0,
            ">": result > 0, "<=": result <= 0, ">=": result >= 0,
        }[op]
    if op == "&":
        ta, tb = _to_text(a), _to_text(b)
        if isinstance(ta, _XlError):
            return ta
        if isinstance(tb, _XlError):
            return tb
        return ta + tb
    na, nb = _to_number(a), _to_number(b)
    if isinstance(na, _XlError):
        return na
    if isinstance(nb, _XlError):
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


def _text_arg(node: tuple, ctx: _Context) -> Any:
    return _to_text(_evaluate(node, ctx))


def _int_arg(node: tuple, ctx: _Context) -> Any:
    value = _to_number(_evaluate(node, ctx))
    if isinstance(value, _XlError):
        return value
    if not math.isfinite(value) or abs(value) > 2**31:
        return _NUM
    return math.floor(value)


def _call(name: str, args: tuple, ctx: _Context) -> Any:
    if name in ("TRUE", "FALSE"):
        return name == "TRUE"
    if name in _DATE_MATH:
        return _date_math(name, [_to_number(_evaluate(arg, ctx)) for arg in args])
    if name in ("TODAY", "NOW"):
        now = ctx.now or _dt.datetime.now()
        return float(math.floor(_serial(now))) if name == "TODAY" else _serial(now)
    if name in ("AND", "OR"):
        values: list[bool] = []
        for arg in args:
            value = _evaluate(arg, ctx)
            if isinstance(value, _XlError):
                return value
            if value is None or (isinstance(value, str) and arg[0] == "ref"):
                continue  # text and blanks in referenced cells are ignored
            flag = _to_bool(value)
            if isinstance(flag, _XlError):
                return flag
            values.append(flag)
        if not values:
            return _VALUE
        return all(values) if name == "AND" else any(values)
    if name == "NOT":
        flag = _to_bool(_evaluate(args[0], ctx))
        return flag if isinstance(flag, _XlError) else not flag
    if name == "IF":
        flag = _to_bool(_evaluate(args[0], ctx))
        if isinstance(flag, _XlError):
            return flag
        if flag:
            return _evaluate(args[1], ctx) if len(args) > 1 else True
        return _evaluate(args[2], ctx) if len(args) > 2 else False
    if name in ("ISNUMBER", "ISTEXT", "ISBLANK", "ISERROR", "ISERR", "ISLOGICAL"):
        value = _evaluate(args[0], ctx)
        if name == "ISNUMBER":
            return isinstance(value, float)
        if name == "ISTEXT":
            return isinstance(value, str)
        if name == "ISBLANK":
            return value is None
        if name == "ISLOGICAL":
            return isinstance(value, bool)
        if name == "ISERR":
            return isinstance(value, _XlError) and value.code != "#N/A"
        return isinstance(value, _XlError)
    if name in ("SEARCH", "FIND"):
        needle, haystack = _text_arg(args[0], ctx), _text_arg(args[1], ctx)
        start = _int_arg(args[2], ctx) if len(args) > 2 else 1
        for value in (needle, haystack, start):
            if isinstance(value, _XlError):
                return value
        return _search(needle, haystack, start, wildcards=name == "SEARCH", case=name == "FIND")
    if name in ("LEFT", "RIGHT"):
        text = _text_arg(args[0], ctx)
        count = _int_arg(args[1], ctx) if len(args) > 1 else 1
        if isinstance(text, _XlError):
            return text
        if isinstance(count, _XlError):
            return count
        if count < 0:
            return _VALUE
        if name == "LEFT":
            return text[:count]
        return text[len(text) - count:] if count else ""
    if name == "MID":
        text, start, count = _text_arg(args[0], ctx), _int_arg(args[1], ctx), _int_arg(args[2], ctx)
        for value in (text, start, count):
            if isinstance(value, _XlError):
                return value
        if start < 1 or count < 0:
            return _VALUE
        return text[start - 1:start - 1 + count]
    if name in ("LOWER", "UPPER", "TRIM", "LEN"):
        text = _text_arg(args[0], ctx)
        if isinstance(text, _XlError):
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
        if isinstance(a, _XlError):
            return a
        if isinstance(b, _XlError):
            return b
        return a == b
    if name == "VALUE":
        value = _evaluate(args[0], ctx)
        if isinstance(value, str):
            return _to_number(value)
        return _to_number(value)
    if name == "DATE":
        parts = [_int_arg(arg, ctx) for arg in args]
        for value in parts:
            if isinstance(value, _XlError):
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
        if isinstance(number, _XlError):
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


def _truthy(value: Any) -> bool:
    """A CF formula result as a condition: TRUE or a non-zero number; text and errors are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0
    return False


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

_CELLIS_LABELS = {
    "equal": "=", "notEqual": "<>", "greaterThan": ">", "lessThan": "<",
    "greaterThanOrEqual": ">=", "lessThanOrEqual": "<=",
    "between": "zwischen", "notBetween": "nicht zwischen",
}
_TEXT_LABELS = {
    "containsText": "Text enthält", "notContainsText": "Text enthält nicht",
    "beginsWith": "Text beginnt mit", "endsWith": "Text endet mit",
}
_OTHER_LABELS = {
    "containsBlanks": "Zelle ist leer",
    "notContainsBlanks": "Zelle ist nicht leer",
    "containsErrors": "Zelle enthält einen Fehlerwert",
    "notContainsErrors": "Zelle enthält keinen Fehlerwert",
    "top10": "obere/untere Werte",
    "aboveAverage": "über dem Durchschnitt",
    "duplicateValues": "doppelte Werte",
    "uniqueValues": "eindeutige Werte",
    "timePeriod": "Datum",
    "dataBar": "Datenbalken",
}
_STATISTIC_TYPES = frozenset({"top10", "aboveAverage", "duplicateValues", "uniqueValues"})
_UNSUPPORTED_TYPES: frozenset[str] = frozenset()
_TIME_PERIODS = {
    "today": "heute", "yesterday": "gestern", "tomorrow": "morgen", "last7Days": "in den letzten 7 Tagen",
    "thisWeek": "diese Woche", "lastWeek": "letzte Woche", "nextWeek": "nächste Woche",
    "thisMonth": "dieser Monat", "lastMonth": "letzter Monat", "nextMonth": "nächster Monat",
}


def _operand_label(text: str) -> str:
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    if len(text) >= 2 and text.startswith('"') and text.endswith('"') and '"' not in text[1:-1].replace('""', ""):
        return f"„{text[1:-1].replace(chr(34) * 2, chr(34))}“"
    return text


@dataclass
class _Threshold:
    kind: str  # num, percent, percentile, min, max, formula
    formula: tuple | None
    gte: bool


@dataclass
class _Rule:
    priority: int
    order: int
    kind: str
    sqref: str
    ranges: tuple[Range, ...]
    stop: bool
    dxf: Dxf | None
    label: str
    problem: str | None = None
    operator: str | None = None
    formulas: tuple[tuple, ...] = ()
    text: str | None = None
    # icon sets
    icon_set: str | None = None
    icon_count: int = 0
    reverse: bool = False
    show_value: bool = True
    custom_icons: tuple[tuple[str, int] | None, ...] = ()
    thresholds: tuple[_Threshold, ...] = ()
    # colour scales
    colors: tuple[str, ...] = ()
    # top10 / aboveAverage
    rank: int = 10
    percent: bool = False
    bottom: bool = False
    above: bool = True
    equal_average: bool = False
    now: _dt.datetime | None = None
    _stats: dict = field(default_factory=dict)

    @functools.cached_property
    def anchor(self) -> tuple[int, int]:
        return min(r[0] for r in self.ranges), min(r[1] for r in self.ranges)

    @property
    def description(self) -> str:
        return f"Bedingte Formatierung {self.sqref}: {self.label}"

    def covers(self, row: int, col: int) -> bool:
        return any(r1 <= row <= r2 and c1 <= col <= c2 for r1, c1, r2, c2 in self.ranges)

    def context(self, row: int, col: int, value_at: ValueAt) -> _Context:
        arow, acol = self.anchor
        return _Context(row - arow, col - acol, value_at, self.now)


def _formula_texts(rule_el: Element) -> list[str]:
    return [(f.text or "").strip() for f in rule_el if _local(f.tag) in ("formula", "f")]


def _label_for(kind: str, operator: str | None, formulas: list[str], text: str | None) -> str:
    if kind == "cellIs":
        op = _CELLIS_LABELS.get(operator or "", operator or "?")
        operands = [_operand_label(f) for f in formulas]
        if operator in ("between", "notBetween") and len(operands) >= 2:
            return f"Zellwert {op} {operands[0]} und {operands[1]}"
        return f"Zellwert {op} {operands[0] if operands else '?'}"
    if kind in _TEXT_LABELS:
        return f"{_TEXT_LABELS[kind]} „{text or ''}“"
    if kind == "expression":
        return f"Formel ={formulas[0] if formulas else ''}"
    if kind == "colorScale":
        return "Farbskala"
    return _OTHER_LABELS.get(kind, f"Regeltyp „{kind}“")


def _compile(texts: Sequence[str]) -> tuple[tuple[tuple, ...], str | None]:
    try:
        return tuple(parse_formula(t) for t in texts), None
    except FormulaError as exc:
        return (), f"Formel nicht auswertbar: {exc}"


def _parse_cfvo(cfvo: Element) -> tuple[_Threshold | None, str | None]:
    kind = cfvo.get("type") or ""
    gte = _bool_attr(cfvo, "gte", True)
    value = cfvo.get("val")
    if value is None:
        f = _child(cfvo, "f")
        value = f.text if f is not None else None
    if kind in ("min", "max", "autoMin", "autoMax"):
        return _Threshold(kind.replace("auto", "").lower(), None, gte), None
    if kind not in ("num", "percent", "percentile", "formula"):
        return None, f"Schwellenwert vom Typ „{kind}“ wird nicht ausgewertet"
    if value is None or not value.strip():
        return None, "Schwellenwert ohne Wert"
    try:
        formula = parse_formula(value)
    except FormulaError as exc:
        return None, f"Schwellenwert nicht auswertbar: {exc}"
    return _Threshold(kind, formula, gte), None


def _icon_set_of(name: str | None) -> str:
    name = name or "3TrafficLights1"
    return _ICON_SET_ALIASES.get(name, name)


def _build_rule(
    rule_el: Element,
    sqref: str,
    ranges: tuple[Range, ...] | None,
    order: int,
    dxfs: Sequence[Dxf],
    resolver: Any,
    inline_dxf: bool,
) -> _Rule:
    kind = rule_el.get("type") or ""
    try:
        priority = int(rule_el.get("priority") or 0)
    except ValueError:
        priority = 0
    if priority <= 0:
        priority = 1_000_000 + order  # no usable priority: after every numbered rule, in order
    stop = _bool_attr(rule_el, "stopIfTrue", False)
    operator = rule_el.get("operator")
    text = rule_el.get("text")
    formula_texts = _formula_texts(rule_el)
    dxf: Dxf | None = None
    if inline_dxf:
        dxf_el = _child(rule_el, "dxf")
        if dxf_el is not None:
            dxf = _parse_dxf(dxf_el, resolver)
    if dxf is None and rule_el.get("dxfId") is not None:
        try:
            index = int(rule_el.get("dxfId") or "")
            dxf = dxfs[index] if 0 <= index < len(dxfs) else None
        except ValueError:
            dxf = None
    rule = _Rule(
        priority=priority, order=order, kind=kind, sqref=sqref, ranges=ranges or (),
        stop=stop, dxf=dxf, label=_label_for(kind, operator, formula_texts, text),
        operator=operator, text=text,
    )
    if not ranges:
        rule.problem = f"Bereich „{sqref}“ nicht lesbar"
        return rule
    if kind == "cellIs":
        expected = 2 if operator in ("between", "notBetween") else 1
        if operator not in _CELLIS_LABELS:
            rule.problem = f"Vergleich „{operator}“ unbekannt"
        elif len(formula_texts) < expected:
            rule.problem = "Vergleichswert fehlt"
        else:
            rule.formulas, rule.problem = _compile(formula_texts[:expected])
    elif kind == "expression":
        if not formula_texts:
            rule.problem = "Formel fehlt"
        else:
            rule.formulas, rule.problem = _compile(formula_texts[:1])
    elif kind == "timePeriod":
        # Excel writes the formula of the period (FLOOR(D5,1)=TODAY()-1, …): evaluate that
        period = rule_el.get("timePeriod") or ""
        rule.label = f"Datum {_TIME_PERIODS.get(period, period)}".rstrip()
        if not formula_texts:
            rule.problem = "Formel des Zeitraums fehlt"
        else:
            rule.formulas, rule.problem = _compile(formula_texts[:1])
    elif kind in _TEXT_LABELS:
        if formula_texts:
            # Excel evaluates the formula; the text attribute only feeds its dialog.
            formulas, problem = _compile(formula_texts[:1])
            if problem is None:
                rule.formulas = formulas
        if not rule.formulas and text is None:
            rule.problem = "Suchtext fehlt"
    elif kind in ("containsBlanks", "notContainsBlanks", "containsErrors", "notContainsErrors"):
        pass
    elif kind == "iconSet":
        _build_icon_set(rule, rule_el)
    elif kind == "colorScale":
        _build_color_scale(rule, rule_el, resolver)
    elif kind == "dataBar":
        pass
    elif kind in _STATISTIC_TYPES:
        _build_statistic(rule, rule_el)
    elif kind in _UNSUPPORTED_TYPES:
        rule.problem = "dieser Regeltyp wird nicht ausgewertet"
    else:
        rule.problem = f"Regeltyp „{kind}“ unbekannt"
    return rule


def _build_statistic(rule: _Rule, rule_el: Element) -> None:
    if rule.kind == "top10":
        try:
            rule.rank = int(rule_el.get("rank") or "10")
        except ValueError:
            rule.problem = "Rang nicht lesbar"
            return
        rule.percent = _bool_attr(rule_el, "percent", False)
        rule.bottom = _bool_attr(rule_el, "bottom", False)
        which = "untere" if rule.bottom else "obere"
        rule.label = f"{which} {rule.rank}{' %' if rule.percent else ''} Werte"
        if rule.rank < 1:
            rule.problem = "Rang kleiner als 1"
    elif rule.kind == "aboveAverage":
        rule.above = _bool_attr(rule_el, "aboveAverage", True)
        rule.equal_average = _bool_attr(rule_el, "equalAverage", False)
        rule.label = ("über" if rule.above else "unter") + " dem Durchschnitt" + (
            " oder gleich" if rule.equal_average else ""
        )
        if rule_el.get("stdDev") not in (None, "0"):
            rule.label += f" (Standardabweichung {rule_el.get('stdDev')})"
            rule.problem = "Abstand in Standardabweichungen wird nicht ausgewertet"


def _build_icon_set(rule: _Rule, rule_el: Element) -> None:
    icon_el = _child(rule_el, "iconSet")
    if icon_el is None:
        rule.problem = "Symbolsatz fehlt"
        return
    name = _icon_set_of(icon_el.get("iconSet"))
    rule.icon_set = name
    rule.reverse = _bool_attr(icon_el, "reverse", False)
    rule.show_value = _bool_attr(icon_el, "showValue", True)
    german = ICON_SET_NAMES.get(name, name)
    rule.label = f"Symbolsatz {german}" + (" (umgekehrt)" if rule.reverse else "")
    if name not in ICON_SET_STATUSES:
        rule.problem = f"Symbolsatz „{name}“ unbekannt"
        return
    rule.icon_count = len(ICON_SET_STATUSES[name])
    thresholds = []
    for cfvo in _children(icon_el, "cfvo"):
        threshold, problem = _parse_cfvo(cfvo)
        if problem:
            rule.problem = problem
            return
        thresholds.append(threshold)
    if len(thresholds) != rule.icon_count:
        rule.problem = f"{len(thresholds)} Schwellenwerte für {rule.icon_count} Symbole"
        return
    rule.thresholds = tuple(thresholds)  # type: ignore[arg-type]
    if _bool_attr(icon_el, "custom", False):
        custom: list[tuple[str, int] | None] = []
        for icon in _children(icon_el, "cfIcon"):
            set_name = _icon_set_of(icon.get("iconSet"))
            try:
                index = int(icon.get("iconId") or "0")
            except ValueError:
                rule.problem = "eigenes Symbol nicht lesbar"
                return
            if set_name == "NoIcons":
                custom.append(None)
                continue
            if set_name not in ICON_SET_STATUSES or not 0 <= index < len(ICON_SET_STATUSES[set_name]):
                rule.problem = f"eigenes Symbol „{set_name}“ Nr. {index} unbekannt"
                return
            custom.append((set_name, index))
        if len(custom) != rule.icon_count:
            rule.problem = f"{len(custom)} eigene Symbole für {rule.icon_count} Stufen"
            return
        rule.custom_icons = tuple(custom)
        rule.label = f"Symbolsatz {german} mit eigenen Symbolen" + (" (umgekehrt)" if rule.reverse else "")


def _build_color_scale(rule: _Rule, rule_el: Element, resolver: Any) -> None:
    scale = _child(rule_el, "colorScale")
    if scale is None:
        rule.problem = "Farbskala fehlt"
        return
    thresholds = []
    for cfvo in _children(scale, "cfvo"):
        threshold, problem = _parse_cfvo(cfvo)
        if problem:
            rule.problem = problem
            return
        thresholds.append(threshold)
    colors = [_resolve(resolver, c) for c in _children(scale, "color")]
    rule.label = f"Farbskala ({len(colors)} Farben)"
    if len(thresholds) < 2 or len(thresholds) != len(colors) or any(c is None for c in colors):
        rule.problem = "Farbskala unvollständig"
        return
    rule.thresholds = tuple(thresholds)  # type: ignore[arg-type]
    rule.colors = tuple(colors)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Evaluation of one rule
# --------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """A rule that parsed but cannot be evaluated for this cell (German reason)."""


def _numeric(value: Any) -> float | None:
    value = _cell_value(value)
    return value if isinstance(value, float) and not isinstance(value, bool) else None


def _range_values(rule: _Rule, value_at: ValueAt, extent: tuple[int, int] | None) -> list[Any]:
    """The values of every cell of the rule's ranges (each cell once), in formula terms.

    Computed once per rule: a ConditionalFormats belongs to one sheet whose values do not change
    while it is read.
    """
    cached = rule._stats.get("values")
    if cached is not None:
        return cached
    max_row, max_col = extent if extent is not None else (MAX_ROW, MAX_COL)
    values: list[Any] = []
    seen: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in rule.ranges:
        for row in range(r1, min(r2, max_row) + 1):
            for col in range(c1, min(c2, max_col) + 1):
                if (row, col) in seen:
                    continue
                seen.add((row, col))
                values.append(_cell_value(value_at(row, col)))
    rule._stats["values"] = values
    return values


def _range_numbers(rule: _Rule, value_at: ValueAt, extent: tuple[int, int] | None) -> list[float]:
    """The sorted numbers (numbers and dates; not booleans, text or blanks) of the rule's ranges."""
    cached = rule._stats.get("numbers")
    if cached is None:
        cached = sorted(
            v for v in _range_values(rule, value_at, extent) if isinstance(v, float) and not isinstance(v, bool)
        )
        rule._stats["numbers"] = cached
    return cached


def _value_key(value: Any) -> Any:
    """Identity of a value for duplicate/unique rules: text case-insensitive, numbers by value."""
    if isinstance(value, str):
        return ("s", value.lower())
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, float):
        return ("n", float(f"{value:.15g}"))
    return None


def _value_counts(rule: _Rule, value_at: ValueAt, extent: tuple[int, int] | None) -> dict[Any, int]:
    counts = rule._stats.get("counts")
    if counts is None:
        counts = {}
        for v in _range_values(rule, value_at, extent):
            k = _value_key(v)
            if k is not None:
                counts[k] = counts.get(k, 0) + 1
        rule._stats["counts"] = counts
    return counts


def _statistic(rule: _Rule, row: int, col: int, value_at: ValueAt, extent: tuple[int, int] | None) -> bool:
    """duplicateValues, uniqueValues, top10 and aboveAverage over the rule's ranges."""
    value = _cell_value(value_at(row, col))
    if rule.kind in ("duplicateValues", "uniqueValues"):
        key = _value_key(value)
        if key is None:
            return False  # blanks and errors are neither
        several = _value_counts(rule, value_at, extent).get(key, 0) > 1
        return several if rule.kind == "duplicateValues" else not several
    if not isinstance(value, float) or isinstance(value, bool):
        return False
    numbers = _range_numbers(rule, value_at, extent)
    if not numbers:
        return False
    if rule.kind == "top10":
        count = len(numbers) * rule.rank // 100 if rule.percent else rule.rank
        count = max(1, min(count, len(numbers)))
        if rule.bottom:
            return value <= numbers[count - 1]
        return value >= numbers[-count]
    mean = sum(numbers) / len(numbers)  # aboveAverage
    if rule.above:
        return value >= mean if rule.equal_average else value > mean
    return value <= mean if rule.equal_average else value < mean


def _percentile(values: Sequence[float], fraction: float) -> float:
    """PERCENTILE.INC of sorted values."""
    if len(values) == 1:
        return values[0]
    rank = fraction * (len(values) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _threshold_values(
    rule: _Rule, value_at: ValueAt, extent: tuple[int, int] | None
) -> list[float] | None:
    """The numeric thresholds of an icon set or colour scale; None when the range has no number.

    Computed once per rule (see :meth:`ConditionalFormats.evaluate`).
    """
    if "thresholds" in rule._stats:
        cached = rule._stats["thresholds"]
        if isinstance(cached, _Unreadable):
            raise cached
        return cached
    try:
        result = _compute_thresholds(rule, value_at, extent)
    except _Unreadable as exc:
        rule._stats["thresholds"] = exc
        raise
    rule._stats["thresholds"] = result
    return result


def _compute_thresholds(
    rule: _Rule, value_at: ValueAt, extent: tuple[int, int] | None
) -> list[float] | None:
    needs_range = any(t.kind in ("min", "max", "percent", "percentile") for t in rule.thresholds)
    numbers = _range_numbers(rule, value_at, extent) if needs_range else []
    if needs_range and not numbers:
        return None
    ctx = _Context(0, 0, value_at, rule.now)
    out: list[float] = []
    for t in rule.thresholds:
        if t.kind == "min":
            out.append(numbers[0])
            continue
        if t.kind == "max":
            out.append(numbers[-1])
            continue
        raw = _to_number(_evaluate(t.formula, ctx))  # type: ignore[arg-type]
        if isinstance(raw, _XlError):
            raise _Unreadable(f"Schwellenwert ergibt {raw.code}")
        if t.kind in ("num", "formula"):
            out.append(raw)
        elif t.kind == "percent":
            out.append(numbers[0] + (numbers[-1] - numbers[0]) * raw / 100)
        else:  # percentile
            if not 0 <= raw <= 100:
                raise _Unreadable("Perzentil außerhalb von 0 bis 100")
            out.append(_percentile(numbers, raw / 100))
    return out


def _icon_for(rule: _Rule, row: int, col: int, value_at: ValueAt, extent: tuple[int, int] | None) -> Icon | None:
    number = _numeric(value_at(row, col))
    if number is None:
        return None
    thresholds = _threshold_values(rule, value_at, extent)
    if thresholds is None:
        return None
    position = 0
    for i in range(len(thresholds) - 1, 0, -1):
        limit = thresholds[i]
        if (number >= limit) if rule.thresholds[i].gte else (number > limit):
            position = i
            break
    assert rule.icon_set is not None
    if rule.reverse:
        position = rule.icon_count - 1 - position
    if rule.custom_icons:
        # x14 custom icons name the icon for each (reversed) position, as LibreOffice applies them
        chosen = rule.custom_icons[position]
        if chosen is None:
            return None
        set_name, index = chosen
    else:
        set_name, index = rule.icon_set, position
    return Icon(set_name, index, ICON_SET_STATUSES[set_name][index], rule.show_value)


def _interpolate(low: str, high: str, fraction: float) -> str:
    fraction = max(0.0, min(1.0, fraction))
    parts = []
    for i in (0, 2, 4):
        a, b = int(low[i:i + 2], 16), int(high[i:i + 2], 16)
        parts.append(round(a + (b - a) * fraction))
    return "".join(f"{p:02X}" for p in parts)


def _scale_color(rule: _Rule, row: int, col: int, value_at: ValueAt, extent: tuple[int, int] | None) -> str | None:
    number = _numeric(value_at(row, col))
    if number is None:
        return None
    thresholds = _threshold_values(rule, value_at, extent)
    if thresholds is None:
        return None
    colors = rule.colors
    if number <= thresholds[0]:
        return colors[0]
    if number >= thresholds[-1]:
        return colors[-1]
    for i in range(len(thresholds) - 1):
        low, high = thresholds[i], thresholds[i + 1]
        if low <= number <= high:
            if high == low:
                return colors[i + 1]
            return _interpolate(colors[i], colors[i + 1], (number - low) / (high - low))
    return colors[-1]  # pragma: no cover - thresholds out of order end here


def _condition(rule: _Rule, row: int, col: int, value_at: ValueAt) -> bool:
    kind = rule.kind
    if kind in ("expression", "timePeriod"):
        return _truthy(_evaluate(rule.formulas[0], rule.context(row, col, value_at)))
    value = _cell_value(value_at(row, col))
    if kind == "cellIs":
        if isinstance(value, _XlError):
            return False
        ctx = rule.context(row, col, value_at)
        operands = [_evaluate(f, ctx) for f in rule.formulas]
        if any(isinstance(o, _XlError) for o in operands):
            return False
        op = rule.operator
        if op in ("between", "notBetween"):
            a, b = operands
            if _compare(a, b) > 0:
                a, b = b, a
            inside = _compare(value, a) >= 0 and _compare(value, b) <= 0
            return inside if op == "between" else not inside
        result = _compare(value, operands[0])
        return {
            "equal": result == 0, "notEqual": result != 0, "greaterThan": result > 0,
            "lessThan": result < 0, "greaterThanOrEqual": result >= 0, "lessThanOrEqual": result <= 0,
        }[op]  # type: ignore[index]
    if kind in _TEXT_LABELS:
        if rule.formulas:
            return _truthy(_evaluate(rule.formulas[0], rule.context(row, col, value_at)))
        if isinstance(value, _XlError):
            return False
        text = _to_text(value)
        needle = rule.text or ""
        if kind == "containsText":
            return not isinstance(_search(needle, text, wildcards=True, case=False), _XlError)
        if kind == "notContainsText":
            return isinstance(_search(needle, text, wildcards=True, case=False), _XlError)
        if kind == "beginsWith":
            return text[: len(needle)].lower() == needle.lower()
        return (text[len(text) - len(needle):] if needle else "").lower() == needle.lower()
    if kind in ("containsBlanks", "notContainsBlanks"):
        if isinstance(value, _XlError):
            return kind == "notContainsBlanks"
        blank = not _to_text(value).strip(" ")
        return blank if kind == "containsBlanks" else not blank
    if kind in _STATISTIC_TYPES:
        raise AssertionError(kind)  # pragma: no cover - evaluated by _statistic
    if kind == "containsErrors":
        return isinstance(value, _XlError)
    if kind == "notContainsErrors":
        return not isinstance(value, _XlError)
    raise _Unreadable(f"Regeltyp „{kind}“ wird nicht ausgewertet")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# The sheet's rules
# --------------------------------------------------------------------------------------------


class ConditionalFormats:
    """All conditional formatting rules of one worksheet, ready to evaluate per cell."""

    #: Ranges at most this many columns wide are indexed per column; wider ones are checked
    #: for every lookup.
    _INDEX_MAX_WIDTH = 64

    def __init__(
        self,
        rules: Sequence[_Rule],
        extent: tuple[int, int] | None = None,
        now: _dt.datetime | None = None,
    ) -> None:
        self._rules = sorted(rules, key=lambda r: (r.priority, r.order))
        self.extent = extent
        for rule in self._rules:
            rule.now = now
        # column → [(first row, last row, rule position)], plus the wide ranges
        self._by_col: dict[int, list[tuple[int, int, int]]] = {}
        self._wide: list[tuple[int, int, int, int, int]] = []
        for pos, rule in enumerate(self._rules):
            for r1, c1, r2, c2 in rule.ranges:
                if c2 - c1 < self._INDEX_MAX_WIDTH:
                    for c in range(c1, c2 + 1):
                        self._by_col.setdefault(c, []).append((r1, r2, pos))
                else:
                    self._wide.append((r1, c1, r2, c2, pos))

    def _covering_rules(self, row: int, col: int) -> list[_Rule]:
        entries = self._by_col.get(col)
        if not entries and not self._wide:
            return []
        positions = {pos for r1, r2, pos in entries or () if r1 <= row <= r2}
        for r1, c1, r2, c2, pos in self._wide:
            if r1 <= row <= r2 and c1 <= col <= c2:
                positions.add(pos)
        if len(positions) == 1:
            return [self._rules[positions.pop()]]
        return [self._rules[pos] for pos in sorted(positions)]

    def __len__(self) -> int:
        return len(self._rules)

    def __bool__(self) -> bool:
        return bool(self._rules)

    @property
    def descriptions(self) -> tuple[str, ...]:
        """German descriptions of every rule, in priority order."""
        return tuple(rule.description for rule in self._rules)

    @classmethod
    def from_sheet(
        cls,
        elements: Iterable[Element],
        dxfs: Sequence[Dxf],
        resolver: Any,
        *,
        extent: tuple[int, int] | None = None,
        now: _dt.datetime | None = None,
    ) -> ConditionalFormats:
        """Collect the rules of a worksheet.

        ``elements``: its ``<conditionalFormatting>`` elements and its ``<extLst>`` (or the
        ``<worksheet>`` root itself, or x14 ``<x14:conditionalFormatting(s)>`` elements); other
        elements are ignored. ``dxfs`` from :func:`parse_dxfs`. ``extent`` = (last row, last
        column) of the sheet's used range: it bounds whole-column ranges such as ``D:D`` when
        percent or percentile thresholds scan the range. ``now`` is the clock of ``TODAY()`` and
        ``NOW()`` in formulas (default: the time of evaluation, as Excel shows it).
        """
        rules: list[_Rule] = []
        linked_ids: set[str] = set()
        x14_blocks: list[Element] = []

        def collect(element: Element) -> None:
            name = _local(element.tag)
            if name == "worksheet":
                for child in element:
                    if _local(child.tag) in ("conditionalFormatting", "extLst"):
                        collect(child)
            elif name == "conditionalFormatting" and not _is_x14(element):
                sqref = element.get("sqref") or ""
                ranges = _parse_sqref(sqref)
                for rule_el in _children(element, "cfRule"):
                    for ext_id in rule_el.iter():
                        if _local(ext_id.tag) == "id" and ext_id.text:
                            linked_ids.add(ext_id.text.strip())
                    rules.append(_build_rule(rule_el, sqref, ranges, len(rules), dxfs, resolver, False))
            elif name == "conditionalFormatting":
                x14_blocks.append(element)
            elif name in ("extLst", "ext", "conditionalFormattings"):
                for child in element:
                    collect(child)

        for element in elements:
            if element is not None:
                collect(element)
        for block in x14_blocks:
            sqref_el = _child(block, "sqref")
            sqref = (sqref_el.text or "").strip() if sqref_el is not None else ""
            ranges = _parse_sqref(sqref)
            for rule_el in _children(block, "cfRule"):
                rule_id = (rule_el.get("id") or "").strip()
                if rule_id and rule_id in linked_ids:
                    continue  # the x14 half of a main-section rule (data bar details)
                rules.append(_build_rule(rule_el, sqref, ranges, len(rules), dxfs, resolver, True))
        return cls(rules, extent, now)

    def prepare(self, value_at: ValueAt) -> None:
        """Take the range statistics of every rule (percent and percentile thresholds, colour
        scales, duplicates, averages) from ``value_at`` now.

        :meth:`evaluate` takes them on its first call that needs them; a caller that will also
        evaluate hypothetical values (e.g. "which colour would this drop-down entry get?") calls
        ``prepare`` first with the sheet's real values, so that the hypothetical cell does not
        enter the statistics.
        """
        for rule in self._rules:
            if rule.problem is not None:
                continue
            try:
                if rule.kind in ("iconSet", "colorScale"):
                    _threshold_values(rule, value_at, self.extent)
                elif rule.kind in ("duplicateValues", "uniqueValues"):
                    _value_counts(rule, value_at, self.extent)
                elif rule.kind in _STATISTIC_TYPES:
                    _range_numbers(rule, value_at, self.extent)
            except _Unreadable:
                continue  # evaluate() names it at every cell

    def covering(self, row: int, col: int) -> list[str]:
        """German descriptions of the rules whose ranges cover the cell, in priority order."""
        return [rule.description for rule in self._covering_rules(row, col)]

    def evaluate(self, row: int, col: int, value_at: ValueAt) -> CfOutcome | None:
        """What conditional formatting shows in the cell at (row, col), 1-based.

        None when no rule covers the cell, or when the covering rules are all false and all
        readable (the cell shows its own formatting). Statistics over a rule's ranges (percent
        and percentile thresholds, duplicates, averages) are taken once, on the first call that
        needs them: the sheet's values are taken to be fixed.
        """
        rules = self._covering_rules(row, col)
        if not rules:
            return None
        fill: str | None = None
        fill_set = False
        fill_cleared = False
        font: str | None = None
        icon: Icon | None = None
        icon_set = False
        fill_rule = font_rule = icon_rule = None
        contributing: list[str] = []
        unreadable: list[str] = []
        for rule in rules:
            if rule.problem is not None:
                unreadable.append(f"{rule.description} ({rule.problem})")
                continue
            try:
                if rule.kind == "dataBar":
                    continue
                if rule.kind == "iconSet":
                    if not icon_set:
                        found = _icon_for(rule, row, col, value_at, self.extent)
                        if found is not None:
                            icon, icon_set, icon_rule = found, True, rule.description
                            contributing.append(rule.description)
                    continue
                if rule.kind == "colorScale":
                    if not fill_set:
                        color = _scale_color(rule, row, col, value_at, self.extent)
                        if color is not None:
                            fill, fill_set, fill_rule = color, True, rule.description
                            contributing.append(rule.description)
                    continue
                if rule.kind in _STATISTIC_TYPES:
                    if not _statistic(rule, row, col, value_at, self.extent):
                        continue
                elif not _condition(rule, row, col, value_at):
                    continue
            except _Unreadable as exc:
                unreadable.append(f"{rule.description} ({exc})")
                continue
            dxf = rule.dxf
            used = False
            if dxf is not None:
                if dxf.sets_fill and not fill_set:
                    fill, fill_cleared, fill_set, fill_rule = dxf.fill, dxf.fill_cleared, True, rule.description
                    used = True
                if dxf.font_rgb is not None and font is None:
                    font, font_rule = dxf.font_rgb, rule.description
                    used = True
            if used:
                contributing.append(rule.description)
            if rule.stop:
                break
        if not contributing and not unreadable:
            return None
        decided = fill_rule or icon_rule or font_rule or ""
        return CfOutcome(
            fill=fill,
            font_rgb=font,
            icon=icon,
            rule=decided,
            unreadable=tuple(unreadable),
            fill_cleared=fill_cleared,
            rules=tuple(contributing),
        )


def _is_x14(element: Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return "/office/spreadsheetml/2009/9/main" in tag
