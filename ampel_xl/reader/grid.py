"""Stage 2, the grid: every cell of a sheet as a person sees it.

A :class:`Grid` answers, for any (row, column): the value shown (a cell covered by a merged
range shows its owner's value), the fill shown (a conditional-formatting fill, else the cell's
own fill, else the fill of its painted row; a gradient's coloured stop, a pattern's colour), the
font colour (a conditional format's font colour wins, then the ``[Color]`` of the number
format's section, then a rich-text run's own colour, then the cell's font), the icon of an icon
set, the owner of its merged range, and whether its row is hidden.

The value shown is what the cell displays, not what it stores: a number whose format prints text
(``[=1]"Grün";[=2]"Gelb";"Rot"``, a ● per value, a unit, or nothing at all) shows that text
(:mod:`.numfmt`), so every role (status, marking, header labels, Unterziel markers, Konzept)
reads it from :attr:`Grid.rows` and :meth:`Grid.value`. A number shown as a number (``0``,
``#,##0``, ``0 %``) keeps its value; :meth:`Grid.text` gives its displayed text. A formula shows
its stored result; one without (:meth:`Grid.uncached`) shows nothing, and the reader names it.
Conditional formatting compares what cells store (:meth:`Grid.stored`), as Excel does.
Everything else is computed on demand and cached, so a large sheet costs only for the cells the
layout asks about.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..findings import FORMULA_NO_RESULT, PICTURE_IN_CELL, short
from ..model import Anomaly
from .colors import ColorClass, ColorResolver, classify
from .drawings import NO_DRAWINGS, Drawings
from .numfmt import NumberFormat, compile_format, general
from .parts import COL_BITS, Run, SheetPart, WorkbookParts, XColor, XGradientFill, cell_key
from .refs import CellRange

_LARGE_MERGE = 20_000
"""Merged ranges with more cells than this are looked up by scanning instead of a cell map."""


class Shown(NamedTuple):
    """A cell as displayed (a named tuple: one is made for every status cell, in C)."""

    row: int
    col: int
    value: Any
    """The value displayed: a format's text where it prints more than the number ("Grün", "●"),
    else the value (a formula's stored result; None for a formula without one)."""
    fill: str | None
    """Displayed fill ``"RRGGBB"`` or None."""
    fill_class: ColorClass
    fill_source: str
    """Where the displayed fill comes from: ``"zelle"``, ``"zeile"``, ``"bedingt"``, ``"verlauf"``, ``""``."""
    font_rgb: str | None
    """The font colour displayed: a conditional format's, else the number format section's ``[Color]``,
    else the own colour of a rich-text cell's first visible run, else the cell font's."""
    font_name: str | None
    icon: Any = None
    """The icon of an icon set (the cf engine's ``Icon``), or None."""
    cf_rule: str | None = None
    """German description of the conditional-formatting rule that decided fill, font or icon."""
    unreadable: tuple[str, ...] = ()
    """Conditional-formatting rules covering the cell that cannot be evaluated."""
    formula: bool = False
    owner: tuple[int, int] | None = None
    """(row, col) of the merged range's owner when this cell is covered by one."""
    uncached: bool = False
    """The cell holds a formula without a stored result: what it shows is unknown."""


_new_tuple = tuple.__new__


class FormulaWithoutResult(LookupError):
    """Conditional formatting asked for a cell whose formula has no stored result (its A1 reference):
    what the rule would show is unknown, so the rule is not evaluated there."""


@functools.cache
@functools.lru_cache(maxsize=1024)
def col_letter(col: int) -> str:
    """Letters of a column (1 → "A"); kept per column, as every measure's cells are named by them."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def ref(col: int, row: int) -> str:
    return f"{col_letter(col)}{row}"


def text_of(value: Any) -> str:
    """Cell value as the text staff see (numbers without .0, dates as TT.MM.JJJJ)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


class Grid:
    """The displayed cells of one worksheet."""

    def __init__(self, part: SheetPart, wb: WorkbookParts, resolver: ColorResolver, cf: Any = None,
                 cf_error: str | None = None) -> None:
        self.part = part
        self.rows = part.rows
        self.styles = wb.styles
        self.resolver = resolver
        self.cf = cf
        self.cf_error = cf_error
        """Set when the sheet has conditional formatting that could not be parsed at all."""
        self.cf_error_ranges: list[CellRange] = []
        """The ranges that formatting covers (its cells get ``cf_error`` as unreadable)."""
        self.drawn: Drawings = NO_DRAWINGS
        """The shapes and pictures drawn over the sheet's cells (set by the reader for a field sheet)."""
        self._fill_cache: dict[int, tuple[str | None, ColorClass, bool]] = {}
        self._font_cache: dict[int, tuple[str | None, str | None]] = {}
        self._formats: dict[int, NumberFormat] = {}
        """Style index → its number format, for the styles whose format is not General."""
        self._stored: dict[int, Any] = {}
        """:func:`cell_key` → the stored value of every cell that displays something else."""
        self._display_formatted()
        self._owner: dict[tuple[int, int], tuple[int, int]] = {}
        self._large: list[CellRange] = []
        self._ranges: dict[tuple[int, int], CellRange] = {}
        for rng in part.merged:
            r0, c0, r1, c1 = rng
            if c0 == c1 and r0 == r1:
                continue
            self._ranges[(r0, c0)] = rng
            if rng.size > _LARGE_MERGE:
                self._large.append(rng)
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._owner[(r, c)] = (r0, c0)

    # -- what the number formats display ---------------------------------------------------
    def _display_formatted(self) -> None:
        """Put into :attr:`rows` what a number format displays where that is more than the value
        (a word, a symbol, a unit, or nothing); the stored values go to :attr:`_stored`. Costs only
        for the cells of such formats; the part's own rows are not changed (copied on write)."""
        textual: dict[int, NumberFormat] = {}
        for idx, style in enumerate(self.styles.styles):
            code = style.number_format
            if code is None or style.is_date:
                continue
            fmt = compile_format(code)
            self._formats[idx] = fmt
            if fmt.textual:
                textual[idx] = fmt
        if not textual:
            return
        stored = self.part.rows
        mask = (1 << COL_BITS) - 1
        cells_styled = self.part.styles
        keys: Iterable[tuple[int, int]] = cells_styled.items()
        if 0 in textual:  # the default style itself prints text: every cell without a style of its own too
            keys = [(cell_key(r, c), cells_styled.get(cell_key(r, c), 0)) for r, cells in stored.items() for c in cells]
        shown_rows: dict[int, dict[int, Any]] = {}
        for key, idx in keys:
            number_format = textual.get(idx)
            if number_format is None:
                continue
            row, col = key >> COL_BITS, key & mask
            value = stored[row].get(col) if row in stored else None
            if isinstance(value, str):
                if not number_format.textual_text:
                    continue
            elif not number_format.textual_numbers or value is None or isinstance(value, (bool, _dt.date, _dt.time)):
                continue
            shown = number_format.render(value)
            if not shown.literal:
                continue
            cells = shown_rows.get(row)
            if cells is None:
                cells = shown_rows[row] = dict(stored[row])
            self._stored[key] = value
            cells[col] = shown.text if shown.text.strip() else None
        if shown_rows:
            self.rows = {**stored, **shown_rows}

    def stored(self, row: int, col: int) -> Any:
        """The value (row, col) stores (a covered cell: its owner's), as conditional formatting compares it."""
        if not self._stored:
            return self.value(row, col)
        o = self.owner(row, col)
        if o is not None:
            row, col = o
        key = cell_key(row, col)
        if key in self._stored:
            return self._stored[key]
        r = self.rows.get(row)
        return r.get(col) if r else None

    def _rule_value(self, row: int, col: int) -> Any:
        """:meth:`stored`, for conditional formatting: a formula without a stored result raises
        :class:`FormulaWithoutResult` (the rule is named unreadable at the cell, never guessed)."""
        if self.part.uncached:
            o = self.owner(row, col)
            r, c = o if o is not None else (row, col)
            if cell_key(r, c) in self.part.uncached:
                raise FormulaWithoutResult(ref(c, r))
        return self.stored(row, col)

    def _format_rgb(self, style: int, row: int, col: int) -> str | None:
        """The colour the number format's section gives the value of (row, col), or None."""
        fmt = self._formats.get(style)
        if fmt is None or not fmt.colored:
            return None
        index = fmt.render(self.stored(row, col)).color
        if index is None:
            return None
        try:
            return self.resolver.resolve(XColor("indexed", indexed=index))
        except (TypeError, ValueError, AttributeError):
            return None

    def _run_font(self, row: int, col: int) -> tuple[str | None, str | None]:
        """Own colour and font name of the run that holds a rich-text cell's first visible character
        (a "●" set green in "● umgesetzt"); None for what the run does not set itself."""
        runs = self.part.runs.get((row, col))
        first = next((run for run in runs if run.text.strip()), None) if runs else None
        if first is None:
            return None, None
        rgb = None
        if first.color is not None:
            try:
                rgb = self.resolver.resolve(first.color)
            except (TypeError, ValueError, AttributeError):
                rgb = None
        return rgb, first.font

    def uncached(self) -> list[tuple[int, int]]:
        """(row, col) of every formula cell without a stored result, in reading order: what it shows
        is unknown until Excel calculates and saves it."""
        mask = (1 << COL_BITS) - 1
        return [(key >> COL_BITS, key & mask) for key in sorted(self.part.uncached)]

    def uncached_anomalies(self, sheet: str, named: Iterable[str] = ()) -> list[Anomaly]:
        """A finding at every formula cell without a stored result, but the cells in ``named`` (A1),
        which a more specific finding names already (a measure's status cell)."""
        skip = set(named)
        return [Anomaly.of(FORMULA_NO_RESULT, sheet, a1, row) for row, col in self.uncached()
                if (a1 := ref(col, row)) not in skip]

    def placed_anomalies(self, sheet: str, header_row: int | None, status_cells: Iterable[str | None]) -> list[Anomaly]:
        """A finding at every picture placed in a cell (Excel 365 „Bild in Zelle platzieren“) of the
        table, from its header row ``header_row`` down, but the measures' status cells
        (``status_cells``, A1), whose pictures are status channels: in a Nr., text or Bemerkung cell
        a picture is no text, the cell reads as empty, and the picture is named there. A picture
        above the table (a logo beside the title) is none of the table's business."""
        if not self.drawn.cells or header_row is None:
            return []
        skip = set(status_cells)
        return [Anomaly.of(PICTURE_IN_CELL, sheet, a1, row, alt=f" (Alternativtext „{short(d.alt)}“)" if d.alt else "")
                for (row, col), d in self.drawn.cells.items()
                if row >= header_row and (a1 := ref(col, row)) not in skip]

    # -- structure -----------------------------------------------------------------------
    @property
    def max_row(self) -> int:
        return max(self.rows, default=0)

    def owner(self, row: int, col: int) -> tuple[int, int] | None:
        """The owner of the merged range that covers (row, col), None when not covered."""
        if not self._ranges:
            return None
        hit = self._owner.get((row, col))
        if hit is None and self._large:
            for r0, c0, r1, c1 in self._large:
                if c0 <= col <= c1 and r0 <= row <= r1 and (row, col) != (r0, c0):
                    return r0, c0
        return hit

    def merge_range(self, row: int, col: int) -> CellRange | None:
        """The merged range (row, col) belongs to."""
        o = self.owner(row, col) or (row, col)
        return self._ranges.get(o)

    def style(self, row: int, col: int) -> int:
        """Style index of (row, col) itself (0, the default, for a cell not stored)."""
        return self.part.styles.get(cell_key(row, col), 0)

    def formula(self, row: int, col: int) -> bool:
        """Whether (row, col) itself holds a formula."""
        return cell_key(row, col) in self.part.formulas

    def value(self, row: int, col: int) -> Any:
        """The value shown in (row, col): a covered cell shows its owner's."""
        o = self.owner(row, col)
        if o is not None:
            row, col = o
        r = self.rows.get(row)
        return r.get(col) if r else None

    def text(self, row: int, col: int) -> str:
        """The text (row, col) displays: its value through its number format (a number as German
        Excel shows it: "1.234,50", "50%"; a date as TT.MM.JJJJ)."""
        o = self.owner(row, col)
        r, c = o if o is not None else (row, col)
        value = self.value(r, c)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or cell_key(r, c) in self._stored:
            return text_of(value)
        fmt = self._formats.get(self.style(r, c))
        return (fmt.render(value).text if fmt is not None else general(value)).strip()

    def own_value(self, row: int, col: int) -> Any:
        """The value stored in (row, col) itself (None for a covered cell)."""
        r = self.rows.get(row)
        return r.get(col) if r else None

    def runs(self, row: int, col: int) -> tuple[Run, ...] | None:
        """The runs of a rich-text cell when one of them is bold or has its own colour, else None."""
        return self.part.runs.get((row, col))

    def hidden(self, row: int) -> bool:
        attrs = self.part.row_attrs.get(row)
        return bool(attrs and attrs[0])

    def row_fill(self, row: int) -> tuple[str | None, ColorClass]:
        attrs = self.part.row_attrs.get(row)
        if not attrs or attrs[1] is None:
            return None, ColorClass.NEUTRAL
        rgb, cls, _ = self._style_fill(attrs[1])
        return rgb, cls

    # -- styles --------------------------------------------------------------------------
    def _style_fill(self, style: int) -> tuple[str | None, ColorClass, bool]:
        hit = self._fill_cache.get(style)
        if hit is not None:
            return hit
        fill = self.styles.get(style).fill
        gradient = isinstance(fill, XGradientFill)
        rgb: str | None = None
        try:
            if isinstance(fill, XGradientFill):
                for stop in fill.stop:
                    candidate = self.resolver.resolve(stop.color)
                    if candidate is not None and classify(candidate) is not ColorClass.NEUTRAL:
                        rgb = candidate
                        break
            else:
                rgb = self.resolver.resolve_fill(fill)
        except (TypeError, ValueError, AttributeError):
            rgb = None
        hit = (rgb, classify(rgb), gradient)
        self._fill_cache[style] = hit
        return hit

    def _style_font(self, style: int) -> tuple[str | None, str | None]:
        hit = self._font_cache.get(style)
        if hit is None:
            font = self.styles.get(style).font
            try:
                rgb = self.resolver.resolve(font.color)
            except (TypeError, ValueError, AttributeError):
                rgb = None
            hit = (rgb, font.name)
            self._font_cache[style] = hit
        return hit

    def fill_class(self, row: int, col: int) -> ColorClass:
        """Quick class of the own fill (owner's for covered cells) or the row's fill, no CF."""
        o = self.owner(row, col) if self._ranges else None
        r, c = o if o is not None else (row, col)
        style = self.part.styles.get(r << COL_BITS | c, 0)  # self.style(r, c), inlined
        if style:
            _, cls, _ = self._style_fill(style)
            if cls is not ColorClass.NEUTRAL:
                return cls
        return self.row_fill(row)[1]

    # -- the displayed cell ----------------------------------------------------------------
    def shown(self, row: int, col: int) -> Shown:
        """(row, col) as displayed. Not cached: each cell is asked once or twice, and a cache
        would keep one object per status cell alive for the collector to walk."""
        o = self.owner(row, col) if self._ranges else None
        r, c = o if o is not None else (row, col)
        cells = self.rows.get(r)
        value = cells.get(c) if cells else None
        key = r << COL_BITS | c  # cell_key(r, c), inlined: asked for every status, Nr and text cell
        part = self.part
        style = part.styles.get(key, 0)
        fill, cls, source = None, ColorClass.NEUTRAL, ""
        font_rgb = font_name = None
        if style:
            fill, cls, gradient = self._style_fill(style)
            if fill is not None:
                source = "verlauf" if gradient else "zelle"
            font_rgb, font_name = self._style_font(style)
            if self._formats:
                font_rgb = self._format_rgb(style, r, c) or font_rgb
        if part.runs:
            run_rgb, run_font = self._run_font(r, c)
            font_rgb, font_name = run_rgb or font_rgb, run_font or font_name
        if fill is None or cls is ColorClass.NEUTRAL:
            row_rgb, row_cls = self.row_fill(row)
            if row_rgb is not None and row_cls is not ColorClass.NEUTRAL:
                fill, cls, source = row_rgb, row_cls, "zeile"
        icon = rule = None
        unreadable: tuple[str, ...] = ()
        if self.cf is not None:
            outcome = self._evaluate(r, c)
            if outcome is not None:
                if outcome.fill:
                    fill, cls, source = outcome.fill, classify(outcome.fill), "bedingt"
                elif getattr(outcome, "fill_cleared", False):
                    fill, cls, source = None, ColorClass.NEUTRAL, ""
                if outcome.font_rgb:
                    font_rgb = outcome.font_rgb
                icon = outcome.icon
                if outcome.fill or outcome.font_rgb or outcome.icon is not None:
                    rule = outcome.rule
                unreadable = tuple(outcome.unreadable)
        elif self.cf_error and any(rng.covers(r, c) for rng in self.cf_error_ranges):
            unreadable = (self.cf_error,)
        return _new_tuple(Shown, (row, col, value, fill, cls, source, font_rgb, font_name, icon, rule, unreadable,
                                  key in part.formulas, o, key in part.uncached))

    def _evaluate(self, row: int, col: int) -> Any:
        try:
            return self.cf.evaluate(row, col, self._rule_value)
        except Exception as exc:  # noqa: BLE001 - a rule must never crash the reader
            from types import SimpleNamespace

            if isinstance(exc, FormulaWithoutResult):
                # each rule of the cell by name: which of them would show is unknown
                why = f"Zelle {exc} enthält eine Formel ohne gespeichertes Ergebnis"
                unreadable = tuple(f"{rule} ({why})" for rule in self.cf.covering(row, col))
            else:
                unreadable = (f"bedingte Formatierung nicht auswertbar ({type(exc).__name__})",)
            return SimpleNamespace(fill=None, font_rgb=None, icon=None, rule="", unreadable=unreadable)
