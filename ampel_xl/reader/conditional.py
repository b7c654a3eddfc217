"""Conditional formatting as Excel applies it: what a cell of a worksheet displays (the rules).

A pure module: it takes the ``xml.etree`` elements of a worksheet (its ``<conditionalFormatting>``
elements and its ``<extLst>``) and of ``styles.xml`` (the ``<dxfs>``), and the workbook's
:class:`~ampel_xl.reader.colors.ColorResolver`. It never touches a file or a formula engine, and
it never calls ``eval``: the rules' formulas are parsed and evaluated by :mod:`.formula`, which
knows the subset clerks use; anything beyond it is reported as unreadable, never guessed. The
icon sets' table lives in :mod:`.icons`, the range parser in :mod:`.refs`.

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
    green, yellow/amber or red give that status (:data:`.icons.ICON_SET_STATUSES`); grey, black, stars,
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
    See :mod:`.formula`. ``TODAY()`` is the clock given to :meth:`ConditionalFormats.from_sheet`
    (default: now).
Statistics
    ``top10`` (count or percent, top or bottom, ties included), ``aboveAverage`` (above or below,
    with or without equal), ``duplicateValues`` and ``uniqueValues`` (text case-insensitive,
    blanks neither) are computed over the rule's ranges.
"""


from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from .colors import ColorResolver
from .formula import (
    Context,
    FormulaError,
    Node,
    ValueAt,
    XlError,
    cell_value,
    compare,
    evaluate,
    parse_formula,
    search,
    to_number,
    to_text,
    truthy,
)
from .icons import ICON_SET_NAMES, ICON_SET_STATUSES, Icon, icon_at, icon_set_of
from .parts import XColor
from .refs import MAX_COL, MAX_ROW, CellRange, parse_sqref

__all__ = [
    "CfOutcome",
    "ConditionalFormats",
    "Dxf",
    "parse_dxfs",
]

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


def _resolve(resolver: ColorResolver, element: Element | None) -> str | None:
    color = XColor.from_element(element)
    if color is None:
        return None
    try:
        return resolver.resolve(color)
    except (ValueError, TypeError):
        return None


def _parse_dxf(dxf: Element, resolver: ColorResolver) -> Dxf:
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


def parse_dxfs(styles_root: Element, resolver: ColorResolver) -> list[Dxf]:
    """The ``<dxfs>`` of ``styles.xml`` (its root element), in order, colours resolved."""
    if styles_root is None:
        return []
    dxfs = styles_root if _local(styles_root.tag) == "dxfs" else _child(styles_root, "dxfs")
    if dxfs is None:
        return []
    return [_parse_dxf(dxf, resolver) for dxf in _children(dxfs, "dxf")]


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
    formula: Node | None
    gte: bool


@dataclass
class _Rule:
    priority: int
    order: int
    kind: str
    sqref: str
    ranges: tuple[CellRange, ...]
    stop: bool
    dxf: Dxf | None
    label: str
    problem: str | None = None
    operator: str | None = None
    formulas: tuple[Node, ...] = ()
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

    def context(self, row: int, col: int, value_at: ValueAt) -> Context:
        arow, acol = self.anchor
        return Context(row - arow, col - acol, value_at, self.now)


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


def _compile(texts: Sequence[str]) -> tuple[tuple[Node, ...], str | None]:
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


def _build_rule(
    rule_el: Element,
    sqref: str,
    ranges: tuple[CellRange, ...] | None,
    order: int,
    dxfs: Sequence[Dxf],
    resolver: ColorResolver,
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
    name = icon_set_of(icon_el.get("iconSet"))
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
            set_name = icon_set_of(icon.get("iconSet"))
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


def _build_color_scale(rule: _Rule, rule_el: Element, resolver: ColorResolver) -> None:
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
    value = cell_value(value)
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
                values.append(cell_value(value_at(row, col)))
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
    value = cell_value(value_at(row, col))
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
    ctx = Context(0, 0, value_at, rule.now)
    out: list[float] = []
    for t in rule.thresholds:
        if t.kind == "min":
            out.append(numbers[0])
            continue
        if t.kind == "max":
            out.append(numbers[-1])
            continue
        raw = to_number(evaluate(t.formula, ctx))  # type: ignore[arg-type]
        if isinstance(raw, XlError):
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
    return icon_at(rule.icon_set, position, reverse=rule.reverse, custom=rule.custom_icons, show_value=rule.show_value)


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
        return truthy(evaluate(rule.formulas[0], rule.context(row, col, value_at)))
    value = cell_value(value_at(row, col))
    if kind == "cellIs":
        if isinstance(value, XlError):
            return False
        ctx = rule.context(row, col, value_at)
        operands = [evaluate(f, ctx) for f in rule.formulas]
        if any(isinstance(o, XlError) for o in operands):
            return False
        op = rule.operator
        if op in ("between", "notBetween"):
            a, b = operands
            if compare(a, b) > 0:
                a, b = b, a
            inside = compare(value, a) >= 0 and compare(value, b) <= 0
            return inside if op == "between" else not inside
        result = compare(value, operands[0])
        return {
            "equal": result == 0, "notEqual": result != 0, "greaterThan": result > 0,
            "lessThan": result < 0, "greaterThanOrEqual": result >= 0, "lessThanOrEqual": result <= 0,
        }[op]  # type: ignore[index]
    if kind in _TEXT_LABELS:
        if rule.formulas:
            return truthy(evaluate(rule.formulas[0], rule.context(row, col, value_at)))
        if isinstance(value, XlError):
            return False
        text = to_text(value)
        needle = rule.text or ""
        if kind == "containsText":
            return not isinstance(search(needle, text, wildcards=True, case=False), XlError)
        if kind == "notContainsText":
            return isinstance(search(needle, text, wildcards=True, case=False), XlError)
        if kind == "beginsWith":
            return text[: len(needle)].lower() == needle.lower()
        return (text[len(text) - len(needle):] if needle else "").lower() == needle.lower()
    if kind in ("containsBlanks", "notContainsBlanks"):
        if isinstance(value, XlError):
            return kind == "notContainsBlanks"
        blank = not to_text(value).strip(" ")
        return blank if kind == "containsBlanks" else not blank
    if kind in _STATISTIC_TYPES:
        raise AssertionError(kind)  # pragma: no cover - evaluated by _statistic
    if kind == "containsErrors":
        return isinstance(value, XlError)
    if kind == "notContainsErrors":
        return not isinstance(value, XlError)
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
        resolver: ColorResolver,
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
                ranges = parse_sqref(sqref)
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
            ranges = parse_sqref(sqref)
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
