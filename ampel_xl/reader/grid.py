"""Stage 2, the grid: every cell of a sheet as a person sees it.

A :class:`Grid` answers, for any (row, column): the value shown (a cell covered by a merged
range shows its owner's value), the fill shown (a conditional-formatting fill, else the cell's
own fill, else the fill of its painted row; a gradient's coloured stop, a pattern's colour), the
font colour (a conditional format's font colour wins), the icon of an icon set, the owner of
its merged range, and whether its row is hidden. Everything is computed on demand and cached,
so a large sheet costs only for the cells the layout asks about.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any, NamedTuple

from ..colors import ColorClass, ColorResolver, classify
from .drawings import NO_DRAWINGS, Drawings
from .parts import Run, SheetPart, WorkbookParts, XGradientFill, cell_key

_LARGE_MERGE = 20_000
"""Merged ranges with more cells than this are looked up by scanning instead of a cell map."""


class Shown(NamedTuple):
    """A cell as displayed (a named tuple: one is made for every status cell, in C)."""

    row: int
    col: int
    value: Any
    fill: str | None
    """Displayed fill ``"RRGGBB"`` or None."""
    fill_class: ColorClass
    fill_source: str
    """Where the displayed fill comes from: ``"zelle"``, ``"zeile"``, ``"bedingt"``, ``"verlauf"``, ``""``."""
    font_rgb: str | None
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


_new_tuple = tuple.__new__


@functools.cache
def col_letter(col: int) -> str:
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
        self.cf_error_ranges: list[tuple[int, int, int, int]] = []
        """The ranges that formatting covers (its cells get ``cf_error`` as unreadable)."""
        self.drawn: Drawings = NO_DRAWINGS
        """The shapes and pictures drawn over the sheet's cells (set by the reader for a field sheet)."""
        self._fill_cache: dict[int, tuple[str | None, ColorClass, bool]] = {}
        self._font_cache: dict[int, tuple[str | None, str | None]] = {}
        self._owner: dict[tuple[int, int], tuple[int, int]] = {}
        self._large: list[tuple[int, int, int, int]] = []
        self._ranges: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for c0, r0, c1, r1 in part.merged:
            if c0 == c1 and r0 == r1:
                continue
            self._ranges[(r0, c0)] = (c0, r0, c1, r1)
            if (c1 - c0 + 1) * (r1 - r0 + 1) > _LARGE_MERGE:
                self._large.append((c0, r0, c1, r1))
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._owner[(r, c)] = (r0, c0)

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
            for c0, r0, c1, r1 in self._large:
                if c0 <= col <= c1 and r0 <= row <= r1 and (row, col) != (r0, c0):
                    return r0, c0
        return hit

    def merge_range(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """(min_col, min_row, max_col, max_row) of the merged range (row, col) belongs to."""
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
        return text_of(self.value(row, col))

    def own_value(self, row: int, col: int) -> Any:
        """The value stored in (row, col) itself (None for a covered cell)."""
        r = self.rows.get(row)
        return r.get(col) if r else None

    def runs(self, row: int, col: int) -> tuple[Run, ...] | None:
        """The runs of a rich-text cell when one of them is bold, else None."""
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
        o = self.owner(row, col)
        r, c = o if o is not None else (row, col)
        style = self.style(r, c)
        if style:
            _, cls, _ = self._style_fill(style)
            if cls is not ColorClass.NEUTRAL:
                return cls
        return self.row_fill(row)[1]

    # -- the displayed cell ----------------------------------------------------------------
    def shown(self, row: int, col: int) -> Shown:
        """(row, col) as displayed. Not cached: each cell is asked once or twice, and a cache
        would keep one object per status cell alive for the collector to walk."""
        o = self.owner(row, col)
        r, c = o if o is not None else (row, col)
        cells = self.rows.get(r)
        value = cells.get(c) if cells else None
        style = self.style(r, c)
        fill, cls, source = None, ColorClass.NEUTRAL, ""
        font_rgb = font_name = None
        if style:
            fill, cls, gradient = self._style_fill(style)
            if fill is not None:
                source = "verlauf" if gradient else "zelle"
            font_rgb, font_name = self._style_font(style)
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
        elif self.cf_error and any(c0 <= c <= c1 and r0 <= r <= r1 for c0, r0, c1, r1 in self.cf_error_ranges):
            unreadable = (self.cf_error,)
        shown = _new_tuple(Shown, (row, col, value, fill, cls, source, font_rgb, font_name, icon, rule, unreadable,
                                   self.formula(r, c), o))
        return shown

    def _evaluate(self, row: int, col: int) -> Any:
        try:
            return self.cf.evaluate(row, col, self.value)
        except Exception as exc:  # noqa: BLE001 - a rule must never crash the reader
            from types import SimpleNamespace

            return SimpleNamespace(fill=None, font_rgb=None, icon=None, rule="",
                                   unreadable=(f"bedingte Formatierung nicht auswertbar ({type(exc).__name__})",))
