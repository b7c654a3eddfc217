"""The figures table shared by the Übersicht and the field sheets, and its two charts.

Columns after the label columns: the count per status, Summe, Maßnahmen gesamt, the share per
status (:class:`FigureColumns`); the doughnut of one row and the stacked bars of all rows (100 %
stacked with the shares as labels, or stacked counts with the counts as labels).

The charts read without colour too: each status has its pattern (:data:`.formats.CHART_PATTERNS`,
the Ampeldokument's hatching) and its labels the colour that contrasts with its fill. Where a row's
printed shares do not add up to 100 % the table (:func:`~ampel_xl.figures.rounding_note`, written by
the sheets) and the charts showing shares carry :data:`~ampel_xl.figures.ROUNDING_NOTE`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..figures import (
    EXCEL_PERCENT_FORMAT,
    KEINE_IN_AUSWERTUNG,
    NO_SHARE,
    ROUNDING_NOTE,
    format_percent,
    percent_parts,
    rounding_differs,
)
from ..vocabulary import STATUS_COLORS, STATUS_FILLS, STATUS_LABELS, STATUS_ORDER
from .cells import PX_PER_PT, ROW_PT, missing
from .formats import BORDER_COLOR, CHART_LABEL_COLORS, FONT, MUTED, Formats, chart_fill

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

STATUS_KEYS = tuple(s.value for s in STATUS_ORDER)
STATUS_WORDS = STATUS_LABELS  # label by palette key, "ohne" included


def chart_rows(height_px: int) -> int:
    return math.ceil(height_px / (ROW_PT * PX_PER_PT)) + 1


class FigureColumns:
    """The columns of a figures table after the label columns: counts, Summe, shares."""

    def __init__(self, first_col: int, with_ohne: bool) -> None:
        self.keys = [*STATUS_KEYS, *(["ohne"] if with_ohne else [])]
        c = first_col
        self.count = {}
        for k in self.keys:
            self.count[k] = c
            c += 1
        self.summe = c
        self.massnahmen = c + 1
        c += 2
        self.share = {}
        for k in self.keys:
            self.share[k] = c
            c += 1
        self.last = c - 1

    def headers(self) -> list[tuple[int, str]]:
        out = [(self.count[k], STATUS_WORDS[k]) for k in self.keys]
        out += [(self.summe, "Summe"), (self.massnahmen, "Maßnahmen gesamt")]
        out += [(self.share[k], f"Anteil {STATUS_WORDS[k]}") for k in self.keys]
        return out

    def widths(self, count_width: float = 9.0) -> list[tuple[int, float]]:
        out = [(self.count[k], count_width if k != "ohne" else max(count_width, 11.0)) for k in self.keys]
        out += [(self.summe, count_width), (self.massnahmen, 11.0)]
        out += [(self.share[k], 11.0 if k != "ohne" else 13.0) for k in self.keys]
        return out


def write_figures_row(ws, fmt: Formats, row: int, cols: FigureColumns, data: Mapping[Any, Any] | pd.Series, *,
                      bold: bool = False, top: bool = False) -> None:
    extra: dict[str, Any] = {"bold": True} if bold else {}
    if top:
        extra["top"] = 2
    num = fmt.cell(num_format="0", align="center", **extra)
    share = fmt.cell(num_format=EXCEL_PERCENT_FORMAT, align="center", **extra)
    for k in cols.keys:
        ws.write_number(row, cols.count[k], int(data[k]), num)
    if int(data["summe"]) == 0:
        # nothing in the evaluation: no shares at all (never "Grün 0 %"), one cell across them
        first, last = cols.share[cols.keys[0]], cols.share[cols.keys[-1]]
        ws.merge_range(row, first, row, last, KEINE_IN_AUSWERTUNG,
                       fmt.cell(align="center", italic=True, font_color=MUTED, **extra))
    else:
        for k in cols.keys:
            _write_share(ws, fmt, row, cols.share[k], data[f"prozent_{k}"], share, extra)
    ws.write_number(row, cols.summe, int(data["summe"]), num)
    ws.write_number(row, cols.massnahmen, int(data["massnahmen"]), num)


def _write_share(ws, fmt: Formats, row: int, col: int, percent: Any, share_format, extra: dict[str, Any]) -> None:
    """A share as the figures module printed it: the whole percent (by the one rounding rule,
    :mod:`ampel_xl.figures`) written as the value, so the cell holds exactly what it displays and
    a formula on it computes with the printed number; "–" when nothing is evaluated."""
    if missing(percent):
        ws.write_string(row, col, NO_SHARE, fmt.cell(align="center", font_color=MUTED, **extra))
    else:
        ws.write_number(row, col, int(percent) / 100, share_format)


def figures_conditional_formats(ws, fmt: Formats, first_row: int, last_row: int, cols: FigureColumns) -> None:
    """Traffic-light fills on the counts (when > 0) and data bars on the shares."""
    if last_row < first_row:
        return
    for k in cols.keys:
        c = cols.count[k]
        ws.conditional_format(first_row, c, last_row, c, {
            "type": "cell", "criteria": ">", "value": 0,
            "format": fmt(bg_color=STATUS_FILLS[k], font_name=FONT),
        })
        s = cols.share[k]
        ws.conditional_format(first_row, s, last_row, s, {
            "type": "data_bar", "bar_color": STATUS_COLORS[k], "bar_border_color": STATUS_COLORS[k],
            "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1,
        })


def _label_font(key: str, size: int) -> dict[str, Any]:
    """A data label's font on the fill of status ``key``: white on green and red, black on yellow and grey."""
    return {"name": FONT, "size": size, "bold": True, "color": CHART_LABEL_COLORS[key]}


def _donut_labels(values: list[int], keys: list[str]) -> list[dict[str, Any]]:
    """The doughnut's slice labels: count and share as the figures module prints them.

    Static texts instead of Excel's computed percentage (these are the numbers of the table, the
    Ampeldokument and every other output), each in the colour that contrasts with its slice.
    Empty slices get no label."""
    percents = percent_parts(values)
    return [{"value": f"{v}\n{format_percent(p)}", "font": _label_font(k, 10)} if v else {"delete": True}
            for v, p, k in zip(values, percents, keys, strict=True)]


def _with_note(title: str, percents: list[int] | None) -> str:
    """A chart title, with the rounding note on a second line where the shown shares do not add up to 100."""
    return f"{title}\n{ROUNDING_NOTE}" if percents is not None and rounding_differs(percents) else title


def doughnut(workbook, sheet: str, title: str, header_row: int, data_row: int, cols: FigureColumns,
              values: list[int]):
    first, last = cols.count[cols.keys[0]], cols.count[cols.keys[-1]]
    chart = workbook.add_chart({"type": "doughnut"})
    chart.add_series({
        "name": title,
        "categories": [sheet, header_row, first, header_row, last],
        "values": [sheet, data_row, first, data_row, last],
        "points": [{**chart_fill(k), "border": {"color": "#FFFFFF"}} for k in cols.keys],
        "data_labels": {
            "value": True,
            "font": {"name": FONT, "size": 10, "bold": True, "color": "#000000"},
            "custom": _donut_labels(values, cols.keys),
        },
    })
    chart.set_hole_size(45)
    shown = [p for v, p in zip(values, percent_parts(values), strict=True) if v] if sum(values) else None
    chart.set_title({"name": _with_note(title, shown), "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 10}})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    return chart


def stacked_bars(workbook, sheet: str, title: str, header_row: int, first_row: int, last_row: int, label_col: int,
                  cols: FigureColumns, columns_values: dict[str, list[int]], *, percent: bool):
    """Stacked bars of the rows ``first_row``..``last_row``: with ``percent`` 100 % stacked on a share
    axis, labelled with the printed shares; else stacked counts on a count axis, labelled with the counts.
    Zero segments carry no label."""
    chart = workbook.add_chart({"type": "bar", "subtype": "percent_stacked" if percent else "stacked"})
    rows = list(zip(*(columns_values[k] for k in cols.keys), strict=True))
    shares = [dict(zip(cols.keys, percent_parts(r), strict=True)) for r in rows]
    for k in cols.keys:
        c = cols.count[k]
        custom: list[dict[str, Any] | None]
        if percent:
            custom = [{"value": format_percent(sh[k])} if r[cols.keys.index(k)] else {"delete": True}
                      for r, sh in zip(rows, shares, strict=True)]
        else:
            custom = [None if v else {"delete": True} for v in columns_values[k]]
        chart.add_series({
            "name": [sheet, header_row, c],
            "categories": [sheet, first_row, label_col, last_row, label_col],
            "values": [sheet, first_row, c, last_row, c],
            **chart_fill(k),
            "border": {"color": "#FFFFFF"},
            "gap": 60 if len(columns_values[k]) > 4 else 150,
            "overlap": 100,
            "data_labels": {
                "value": True, "position": "center",
                "font": _label_font(k, 9),
                "custom": custom,
            },
        })
    if percent and any(rounding_differs([sh[k] for k, v in zip(cols.keys, r, strict=True) if v])
                       for r, sh in zip(rows, shares, strict=True) if sum(r)):
        title = f"{title}\n{ROUNDING_NOTE}"
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    # In XlsxWriter's bar charts the x axis is the (horizontal) value axis and the y axis the
    # category axis. Categories run top-down in table order; the value axis stays at the bottom.
    # every bar keeps its label (a renderer would else skip every other one on a crowded axis)
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"name": FONT, "size": 9},
                      "major_tick_mark": "none", "interval_unit": 1})
    value_axis: dict[str, Any] = {"num_font": {"name": FONT, "size": 9}, "min": 0,
                                  "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if percent:
        value_axis.update({"max": 1, "num_format": EXCEL_PERCENT_FORMAT, "major_unit": 0.25})
    else:
        top = max((sum(v) for v in zip(*columns_values.values(), strict=True)), default=0)
        unit = max(1, math.ceil(top / 8))
        value_axis.update({"num_format": "0", "major_unit": unit, "max": max(unit, math.ceil(top / unit) * unit)})
    chart.set_x_axis(value_axis)
    chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 10}})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    return chart
