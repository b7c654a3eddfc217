"""The summary workbook ("Zusammenfassung"): figures, charts and lists, ready to print.

Sheets (all labels German):

* **Übersicht** – title, Stand, the evaluation rule, one row per field with counts, shares and a
  totals row (traffic-light fills on the counts, data bars on the shares), a doughnut chart of
  the whole concept, a 100 % stacked bar chart comparing the fields and the Ampel legend. When
  the master has errors (written with ``--force``) a red warning says the figures may be wrong.
* one sheet per field – Oberziel, Sachstand and Highlights (when the master has them), the
  table per Unterziel, the charts "Ergebnisse <Feld> gesamt" and "Ergebnisse <Feld> je
  Unterziel", then every measure grouped by Unterziel with its status as colour *and* word;
* **Maßnahmen** – every measure as an Excel table (filter buttons), IDs, status, extra columns;
* **Prüfbericht** – the findings of validation, when there are any.

Every sheet prints on A4 landscape, one page wide, with the Kopfzeile as header and page
numbers in the footer. All colours come from :data:`ampel_xl.vocabulary.STATUS_COLORS` (charts,
status cells) and :data:`~ampel_xl.vocabulary.STATUS_FILLS` (light fills of counts).

Text from the master is always written with ``write_string`` (and the workbook is opened with
``strings_to_formulas``/``strings_to_numbers``/``strings_to_urls`` off), so a measure called
"=SUMME(A1)" or "+49 …" stays text. The output is deterministic: the document date comes from
the master (Stand, else its modification date, else a fixed date) and XlsxWriter stamps every
zip member with a fixed 1980 date, so the same master gives byte-identical workbooks.

Size: up to :data:`CONSTANT_MEMORY_MEASURES` measures all cells are kept in memory (the output
is byte-identical from run to run). Larger masters are written in XlsxWriter's
``constant_memory`` mode, which flushes each row to a temporary file as soon as a later row is
started, so the cells are no longer held in memory (XlsxWriter still keeps the row heights and
merged ranges until the end). Every sheet is therefore written strictly row by row: charts are
only *placed* above the table they plot, and no cell, row height or merge goes back to an
earlier row (a write to a flushed row would be dropped silently). Differences in that mode:
strings are written inline instead of shared, the charts carry no cached values (Excel and
LibreOffice read them from the cells), and "Maßnahmen" and "Prüfbericht" get a header row with
an autofilter instead of an Excel table (XlsxWriter cannot write tables in that mode); cell
values, formats, row heights, merges and print setup are the same, and the output is still
deterministic. Measured at 100,000 measures (11 fields, 2-core Xeon): the whole run
(``ampel-xl summary``) peaked at 989 MB in memory mode and peaks at 505 MB now;
``write_summary`` alone adds 259 MB instead of 732 MB to what reading the master needs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import xlsx_workbook
from .figures import EXCEL_PERCENT_FORMAT, KEINE_IN_AUSWERTUNG, NO_SHARE, format_percent, percent_parts
from .model import Art, Feld, Konzept, document_date
from .vocabulary import (
    LOOKS, NO_STATUS, STATUS_COLORS, STATUS_FILLS, STATUS_LABELS, STATUS_MEANINGS, STATUS_ORDER, status_key,
)

from .xlsx.cells import (
    PX_PER_PT, ROW_PT, clip, counts_text, fit_row, fit_width, is_int_text, missing, sheet_name, wrapped_lines,
)
from .xlsx.formats import BORDER_COLOR, FONT, GROUP_FILL, MUTED, SEVERITY_FILLS, WARN_FILL, Formats
from .xlsx.page import setup_print

if TYPE_CHECKING:  # pragma: no cover
    from .compare import Changes
    from .figures import Summary
    from .validate import Report

SHEET_UEBERSICHT = "Übersicht"
SHEET_MASSNAHMEN = "Maßnahmen"
SHEET_PRUEFBERICHT = "Prüfbericht"
SHEET_ENTWICKLUNG = "Entwicklung"

#: Above this many measures the summary is written in XlsxWriter's ``constant_memory`` mode
#: (each row flushed to disk instead of every cell held until the end; see the module
#: docstring). At or below it the output is exactly what the in-memory mode writes.
CONSTANT_MEMORY_MEASURES = 20_000

#: Document date when the master names neither a Stand nor a modification date.

STATUS_KEYS = tuple(s.value for s in STATUS_ORDER)
STATUS_WORDS = STATUS_LABELS  # label by palette key, "ohne" included

# --------------------------------------------------------------------------------------------
# Helpers


def default_summary_path(master: str | os.PathLike[str]) -> Path:
    """``…/Ampel-Master.xlsx`` → ``…/Ampel-Master_Zusammenfassung.xlsx``."""
    master = Path(master)
    return master.with_name(f"{master.stem}_Zusammenfassung.xlsx")


def default_header(konzept: Konzept) -> str:
    """The print header: the Konzept sheet's Kopfzeile, else title and Stand."""
    if konzept.kopfzeile and konzept.kopfzeile.strip():
        return konzept.kopfzeile.strip()
    text = f"{konzept.titel or 'Integrationskonzept'} – Zusammenfassung der Ampelauswertung"
    if konzept.stand_text:
        text += f" – Stand {konzept.stand_text}"
    return text


def _chart_rows(height_px: int) -> int:
    return math.ceil(height_px / (ROW_PT * PX_PER_PT)) + 1


# --------------------------------------------------------------------------------------------
# The figures table (Übersicht and field sheets share its columns)


class _FigureColumns:
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


def _write_figures_row(ws, fmt: Formats, row: int, cols: _FigureColumns, data: dict[str, Any], *, bold: bool = False,
                       top: bool = False) -> None:
    extra = {"bold": True} if bold else {}
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


def _figures_conditional_formats(ws, fmt: Formats, first_row: int, last_row: int, cols: _FigureColumns) -> None:
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


def _delete_zero_labels(values: Iterable[int]) -> list[dict[str, Any] | None]:
    return [{"delete": True} if not v else None for v in values]


def _donut_labels(values: list[int]) -> list[dict[str, Any]]:
    """The doughnut's slice labels: count and share as the figures module prints them.

    Static texts instead of Excel's computed percentage, which rounds every slice on its own
    (three equal slices read 33 + 33 + 33 = 99 %); these add up to 100 and are the numbers of
    the table, the Ampeldokument and every other output. Empty slices get no label."""
    percents = percent_parts(values)
    return [{"value": f"{v}\n{format_percent(p)}"} if v else {"delete": True} for v, p in zip(values, percents)]


def _doughnut(workbook, sheet: str, title: str, header_row: int, data_row: int, cols: _FigureColumns,
              values: list[int]):
    first, last = cols.count[cols.keys[0]], cols.count[cols.keys[-1]]
    chart = workbook.add_chart({"type": "doughnut"})
    chart.add_series({
        "name": title,
        "categories": [sheet, header_row, first, header_row, last],
        "values": [sheet, data_row, first, data_row, last],
        "points": [{"fill": {"color": STATUS_COLORS[k]}, "border": {"color": "#FFFFFF"}} for k in cols.keys],
        "data_labels": {
            "value": True,
            "font": {"name": FONT, "size": 10, "bold": True, "color": "#000000"},
            "custom": _donut_labels(values),
        },
    })
    chart.set_hole_size(45)
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 10}})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    return chart


def _stacked_bars(workbook, sheet: str, title: str, header_row: int, first_row: int, last_row: int, label_col: int,
                  cols: _FigureColumns, columns_values: dict[str, list[int]], *, percent: bool):
    chart = workbook.add_chart({"type": "bar", "subtype": "percent_stacked" if percent else "stacked"})
    for k in cols.keys:
        c = cols.count[k]
        chart.add_series({
            "name": [sheet, header_row, c],
            "categories": [sheet, first_row, label_col, last_row, label_col],
            "values": [sheet, first_row, c, last_row, c],
            "fill": {"color": STATUS_COLORS[k]},
            "border": {"color": "#FFFFFF"},
            "gap": 60 if len(columns_values[k]) > 4 else 150,
            "overlap": 100,
            "data_labels": {
                "value": True, "position": "center",
                "font": {"name": FONT, "size": 9, "color": "#000000"},
                "custom": _delete_zero_labels(columns_values[k]),
            },
        })
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    # In XlsxWriter's bar charts the x axis is the (horizontal) value axis and the y axis the
    # category axis. Categories run top-down in table order; the value axis stays at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"name": FONT, "size": 9},
                      "major_tick_mark": "none"})
    value_axis: dict[str, Any] = {"num_font": {"name": FONT, "size": 9}, "min": 0,
                                  "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if percent:
        value_axis.update({"max": 1, "num_format": EXCEL_PERCENT_FORMAT, "major_unit": 0.25})
    else:
        top = max((sum(v) for v in zip(*columns_values.values())), default=0)
        unit = max(1, math.ceil(top / 8))
        value_axis.update({"num_format": "0", "major_unit": unit, "max": max(unit, math.ceil(top / unit) * unit)})
    chart.set_x_axis(value_axis)
    chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 10}})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    return chart


# --------------------------------------------------------------------------------------------
# Sheets


class _Writer:
    def __init__(self, summary: "Summary", workbook, header: str, changes: "Changes | None" = None, *,
                 streaming: bool = False, link_dir: Path | None = None) -> None:
        self.s = summary
        # the folder of the summary: links to the master's cells are relative to it
        self.link_dir = link_dir
        # constant_memory mode: rows strictly in order, no add_table (see the module docstring)
        self.streaming = streaming
        self.changes = changes
        self.k: Konzept = summary.konzept
        self.wb = workbook
        self.fmt = Formats(workbook)
        self.header = header
        self.stand = self.k.stand_text
        self.with_ohne = bool(summary.has_ohne)
        self.report: Report | None = summary.report
        self.taken: set[str] = set()
        for reserved in (SHEET_UEBERSICHT, SHEET_MASSNAHMEN, SHEET_ENTWICKLUNG, SHEET_PRUEFBERICHT):
            self.taken.add(reserved.lower())
        self.feld_sheets: dict[str, str] = {}
        self._row_fmt_cache: dict[bool, dict[str, Any]] = {}
        for f in self.k.felder:
            self.feld_sheets[f.name] = sheet_name(f.sheet or f.name, self.taken)

    # ----------------------------------------------------------------------------------------
    def write(self, progress: "Callable[[int, int], None] | None" = None) -> None:
        # progress in measures written: each field sheet, then the Maßnahmen sheet lists them all
        n = len(self.k.massnahmen)
        total, done = 2 * n, 0
        report = progress or (lambda done, total: None)
        report(0, total)
        self.uebersicht()
        for i, f in enumerate(self.k.felder):
            self.feld(f, i)
            done += len(f.massnahmen)
            report(done, total)
        self.massnahmen()
        report(total, total)
        if self.changes is not None:
            self.entwicklung()
        if self.report is not None and self.report.findings:
            self.pruefbericht()

    def entwicklung(self) -> None:
        """The sheet "Entwicklung": the comparison with an earlier Stand (see :mod:`ampel_xl.compare`)."""
        from .compare import add_changes_sheet

        add_changes_sheet(self.wb, self.changes, name=SHEET_ENTWICKLUNG, header=self.header)

    # ----------------------------------------------------------------------------------------
    def _title_block(self, ws, last_col: int, title: str, subtitle: str | None) -> int:
        fmt = self.fmt
        ws.write_string(0, 0, clip(title), fmt.title())
        ws.set_row(0, 24)
        row = 1
        if subtitle:
            ws.write_string(row, 0, clip(subtitle), fmt.subtitle())
            row += 1
        return row

    def _merged_text(self, ws, row: int, first_col: int, last_col: int, text: str, cell_format, width: float,
                     *, min_lines: int = 1) -> None:
        text = clip(text)
        if first_col == last_col:
            ws.write_string(row, first_col, text, cell_format)
        else:
            ws.merge_range(row, first_col, row, last_col, "", cell_format)
            ws.write_string(row, first_col, text, cell_format)
        lines = max(min_lines, wrapped_lines(text, width))
        if lines > 1:
            ws.set_row(row, lines * ROW_PT + 3)

    # ----------------------------------------------------------------------------------------
    def uebersicht(self) -> None:
        fmt, k, s = self.fmt, self.k, self.s
        name = SHEET_UEBERSICHT
        ws = self.wb.add_worksheet(name)
        ws.hide_gridlines(2)
        cols = _FigureColumns(2, self.with_ohne)
        # column A fits the longest field name on one line (no field name overprints the next row)
        widths = {0: fit_width([*s.felder["feld"], "Auswertungsregel:", "Prüfung des Masters:"], 24.0),
                  1: fit_width(s.felder["art"], 17.0), **dict(cols.widths())}
        for c, w in widths.items():
            ws.set_column(c, c, w)
        total_width = sum(widths.values())
        last = cols.last

        title = "Zusammenfassung der Ampelauswertung"
        sub = " – ".join(x for x in (k.titel, k.gebiet) if x) or None
        row = self._title_block(ws, last, title, sub)
        label = fmt(bold=True)
        if k.amt:
            ws.write_string(row, 0, clip(k.amt), fmt(font_color=MUTED))
            row += 1
        ws.write_string(row, 0, "Stand:", label)
        ws.write_string(row, 1, self.stand or "nicht angegeben", fmt())
        row += 1
        tot = s.total.iloc[0]
        ws.write_string(row, 0, "In der Auswertung:", label)
        ws.write_string(row, 1, f"{int(tot['in_auswertung'])} von {int(tot['massnahmen'])} Maßnahmen", fmt())
        row += 1
        ws.write_string(row, 0, "Auswertungsregel:", label)
        self._merged_text(ws, row, 1, last, s.rule, fmt.text(), total_width - widths[0])
        row += 1
        rep = self.report
        if rep is not None:
            c = rep.counts
            ws.write_string(row, 0, "Prüfung des Masters:", label)
            text = counts_text(c)
            if rep.findings:
                text += f" (Einzelheiten im Blatt „{SHEET_PRUEFBERICHT}“)"
            ws.write_string(row, 1, text, fmt())
            row += 1
        if rep is not None and rep.errors:
            row += 1
            n = len(rep.errors)
            warning = (
                f"Achtung: Der Master enthält {n} Fehler. Diese Zusammenfassung wurde trotzdem mit --force "
                f"erzeugt; die Zahlen können falsch sein. Einzelheiten im Blatt „{SHEET_PRUEFBERICHT}“."
            )
            wfmt = fmt(bold=True, font_size=12, font_color="#FFFFFF", bg_color=WARN_FILL, text_wrap=True,
                       valign="vcenter", border=2, border_color=WARN_FILL)
            self._merged_text(ws, row, 0, last, warning, wfmt, total_width * 0.9, min_lines=2)
            row += 1
        row += 1

        # the table --------------------------------------------------------------------------
        keep = [row, row + 1]  # caption and header stay with the first field
        ws.write_string(row, 0, "Ergebnisse je Feld", fmt.subtitle())
        row += 1
        header_row = row
        ws.write_string(row, 0, "Feld", fmt.head())
        ws.write_string(row, 1, "Art", fmt.head())
        for c, text in cols.headers():
            ws.write_string(row, c, text, fmt.head(align="center"))
        ws.set_row(row, 2 * ROW_PT + 3)
        first_data = row + 1
        for _, rec in s.felder.iterrows():
            row += 1
            ws.write_string(row, 0, clip(rec["feld"]), fmt.cell(text_wrap=True))
            ws.write_string(row, 1, clip(rec["art"]), fmt.cell(text_wrap=True))
            _write_figures_row(ws, fmt, row, cols, rec)
            fit_row(ws, row, [(rec["feld"], widths[0]), (rec["art"], widths[1])])
        last_data = row
        row += 1
        total_row = row
        ws.write_string(row, 0, "Gesamt", fmt.cell(bold=True, top=2))
        ws.write_string(row, 1, "", fmt.cell(bold=True, top=2))
        _write_figures_row(ws, fmt, row, cols, tot, bold=True, top=True)
        _figures_conditional_formats(ws, fmt, first_data, total_row, cols)
        row += 1
        note = ("Summe: Maßnahmen in der Auswertung. Maßnahmen gesamt: alle Maßnahmen des Feldes. "
                "Die Anteile beziehen sich auf die Summe.")
        ws.write_string(row, 0, note, fmt(italic=True, font_color=MUTED, font_size=9))
        row += 2

        # the charts -------------------------------------------------------------------------
        n_felder = len(s.felder)
        chart_h = max(300, 70 + 30 * n_felder)
        donut_w = 400
        total_px = int(sum(w * 7 + 5 for w in widths.values()))
        bar_w = max(420, total_px - donut_w - 15)
        concept = k.titel or "des Konzepts"
        donut = _doughnut(self.wb, name, f"Ergebnisse {concept} gesamt", header_row, total_row, cols,
                          [int(tot[key]) for key in cols.keys])
        donut.set_size({"width": donut_w, "height": chart_h})
        ws.insert_chart(row, 0, donut, {"object_position": 1})
        if n_felder:
            arts = {f.art for f in k.felder}
            if arts == {Art.HANDLUNGSFELD}:
                what = "je Handlungsfeld"
            elif arts == {Art.QUERSCHNITTSTHEMA}:
                what = "je Querschnittsthema"
            else:
                what = "je Handlungsfeld und Querschnittsthema"
            bars = _stacked_bars(self.wb, name, f"Ergebnisse {what} (Anteile)", header_row, first_data, last_data,
                                 0, cols, {key: [int(v) for v in s.felder[key]] for key in cols.keys}, percent=True)
            bars.set_size({"width": bar_w, "height": chart_h})
            ws.insert_chart(row, 0, bars, {"x_offset": donut_w + 15, "object_position": 1})
        row += _chart_rows(chart_h) + 1

        # the legend -------------------------------------------------------------------------
        keep += [row, row + 1, row + 2]  # the legend is not split
        ws.write_string(row, 0, "Ampelsystem", fmt.subtitle())
        row += 1
        for st in STATUS_ORDER:
            ws.write_string(row, 0, st.label, fmt.status(st.value))
            self._merged_text(ws, row, 1, last, STATUS_MEANINGS[st], fmt.cell(text_wrap=True),
                              total_width - widths[0])
            row += 1
        if self.with_ohne:
            ws.write_string(row, 0, STATUS_WORDS[NO_STATUS], fmt.status(NO_STATUS))
            self._merged_text(ws, row, 1, last, LOOKS[NO_STATUS].meaning,
                              fmt.cell(text_wrap=True), total_width - widths[0])
            row += 1

        setup_print(ws, self.header, self.stand, fit_tall=1 if n_felder <= 16 else 0, keep_with_next=keep)
        ws.activate()

    # ----------------------------------------------------------------------------------------
    def feld(self, f: Feld, index: int) -> None:
        fmt, s = self.fmt, self.s
        name = self.feld_sheets[f.name]
        ws = self.wb.add_worksheet(name)
        ws.hide_gridlines(2)
        cols = _FigureColumns(2, self.with_ohne)
        # the count columns also hold the measures' Status and In-Auswertung cells: 11 wide
        widths = {0: 12.0, 1: 58.0, **dict(cols.widths(11.0))}
        for c, w in widths.items():
            ws.set_column(c, c, w)
        total_width = sum(widths.values())
        last = cols.last
        text_width = total_width - widths[0]

        heading = f"{f.art.value} {f.name}"
        sub = " – ".join(x for x in (self.k.titel, f"Stand: {self.stand}" if self.stand else None) if x) or None
        row = self._title_block(ws, last, heading, sub)
        row += 1
        label = fmt(bold=True)
        ws.write_string(row, 0, "Oberziel", label)
        self._merged_text(ws, row, 1, last, f.oberziel or "(im Master nicht angegeben)",
                          fmt.text(italic=not f.oberziel), text_width)
        row += 1
        if f.sachstand:
            ws.write_string(row, 0, "Sachstand", label)
            self._merged_text(ws, row, 1, last, f.sachstand, fmt.text(), text_width)
            row += 1
        if f.highlights:
            ws.write_string(row, 0, "Highlights", label)
            text = "\n".join(f"• {h}" for h in f.highlights)
            self._merged_text(ws, row, 1, last, text, fmt.text(), text_width)
            row += 1
        row += 1

        # charts (placed here, filled from the table below) -------------------------------------
        uz = s.feld_unterziele(f.name)
        frec = s.felder.iloc[index]
        n_uz = len(uz)
        chart_h = max(320, 90 + 28 * n_uz)
        donut_w = 380
        total_px = int(sum(w * 7 + 5 for w in widths.values()))
        bar_w = max(420, total_px - donut_w - 15)
        chart_row = row
        row += _chart_rows(chart_h) + 1

        # figures per Unterziel (from a new printed page) --------------------------------------
        ws.set_h_pagebreaks([row])
        keep = [row, row + 1]  # the caption and the header stay with the first Unterziel
        ws.write_string(row, 0, "Ergebnisse je Unterziel", fmt.subtitle())
        row += 1
        header_row = row
        ws.write_string(row, 0, "Unterziel", fmt.head())
        ws.write_string(row, 1, "Text", fmt.head())
        for c, text in cols.headers():
            ws.write_string(row, c, text, fmt.head(align="center"))
        ws.set_row(row, 2 * ROW_PT + 3)
        first_data = row + 1
        for _, rec in uz.iterrows():
            row += 1
            nr = rec["unterziel_nr"]
            ws.write_string(row, 0, "ohne Unterziel" if missing(nr) else f"Unterziel {int(nr)}",
                            fmt.cell(text_wrap=True))
            ws.write_string(row, 1, clip(rec["unterziel"]), fmt.cell(text_wrap=True))
            _write_figures_row(ws, fmt, row, cols, rec)
            fit_row(ws, row, [(rec["unterziel"], widths[1])])
        last_data = row
        keep += range(header_row, last_data + 1)  # the table stays on one page when it fits one
        row += 1
        total_row = row
        ws.write_string(row, 0, "Gesamt", fmt.cell(bold=True, top=2))
        ws.write_string(row, 1, f"{int(frec['in_auswertung'])} von {int(frec['massnahmen'])} Maßnahmen in der Auswertung",
                        fmt.cell(bold=True, top=2))
        _write_figures_row(ws, fmt, row, cols, frec, bold=True, top=True)
        _figures_conditional_formats(ws, fmt, first_data, total_row, cols)
        row += 2

        donut = _doughnut(self.wb, name, f"Ergebnisse {f.name} gesamt", header_row, total_row, cols,
                          [int(frec[key]) for key in cols.keys])
        donut.set_size({"width": donut_w, "height": chart_h})
        ws.insert_chart(chart_row, 0, donut, {"object_position": 1})
        if n_uz:
            bars = _stacked_bars(self.wb, name, f"Ergebnisse {f.name} je Unterziel", header_row, first_data, last_data,
                                 0, cols, {key: [int(v) for v in uz[key]] for key in cols.keys}, percent=False)
            bars.set_size({"width": bar_w, "height": chart_h})
            ws.insert_chart(chart_row, 0, bars, {"x_offset": donut_w + 15, "object_position": 1})

        # the measures -------------------------------------------------------------------------
        keep += [row, row + 1, row + 2]  # caption, note and header stay with the first measure
        ws.write_string(row, 0, "Maßnahmen", fmt.subtitle())
        row += 1
        ws.write_string(row, 0, "Status als Farbe und Wort. „In Auswertung: nein“: Die Maßnahme ist nicht in die "
                                "Zahlen eingeflossen (grau).", fmt(italic=True, font_color=MUTED, font_size=9))
        row += 1
        ms = f.massnahmen
        details = [self._details(m) for m in ms]
        has_details = any(details)
        detail_first = 4
        ws.write_string(row, 0, "Nr", fmt.head())
        ws.write_string(row, 1, "Maßnahme", fmt.head())
        ws.write_string(row, 2, "Status", fmt.head(align="center"))
        ws.write_string(row, 3, "In Auswertung", fmt.head(align="center"))
        if has_details:
            ws.merge_range(row, detail_first, row, last, "", fmt.head())
            ws.write_string(row, detail_first, "Weitere Angaben", fmt.head())
        ws.set_row(row, 2 * ROW_PT + 3)
        ws.repeat_rows(row)
        detail_width = sum(widths[c] for c in range(detail_first, last + 1))
        detail_of = {id(m): d for m, d in zip(ms, details)}

        groups: list[tuple[str, tuple]] = [(f"Unterziel {u.nr}: {u.text}", u.massnahmen) for u in f.unterziele]
        if f.orphans:
            groups.append(("Ohne Unterziel (im Master vor dem ersten Unterziel oder mit unbekannter Nummer)", f.orphans))
        group_fmt = fmt.cell(bold=True, bg_color=GROUP_FILL, text_wrap=True)
        for title, items in groups:
            row += 1
            keep.append(row)  # an Unterziel heading never ends a page: it goes with its first measure
            self._merged_text(ws, row, 0, last if has_details else 3, title, group_fmt,
                              total_width if has_details else sum(widths[c] for c in range(4)))
            if not items:
                row += 1
                ws.write_string(row, 1, "(keine Maßnahmen)", fmt.cell(italic=True, font_color=MUTED))
            for m in sorted(items, key=lambda m: m.row):
                row += 1
                self._measure_row(ws, row, m, detail_of[id(m)], has_details, detail_first, last, detail_width,
                                  widths[1])
        setup_print(ws, self.header, self.stand, keep_with_next=keep)

    @staticmethod
    def _details(m) -> str:
        parts = []
        if m.verantwortlich:
            parts.append(f"Verantwortlich: {m.verantwortlich}")
        if m.zeitraum:
            parts.append(f"Zeitraum: {m.zeitraum}")
        if m.bemerkung:
            parts.append(f"Bemerkung: {m.bemerkung}")
        for label, value in m.extras:
            if value not in (None, ""):
                parts.append(f"{label}: {value}")
        return "\n".join(parts)

    def _row_formats(self, in_auswertung: bool) -> dict[str, Any]:
        """The formats of a measure row (grey text for measures outside the evaluation), cached."""
        cache = self._row_fmt_cache
        if in_auswertung not in cache:
            fmt = self.fmt
            grey = {} if in_auswertung else {"font_color": "#808080"}
            cache[in_auswertung] = {
                "nr": fmt.cell(align="left", **grey),
                "text": fmt.cell(text_wrap=True, **grey),
                "flag": fmt.cell(align="center", **grey),
                "detail": fmt.cell(text_wrap=True, font_size=10, **grey),
                # an empty detail box drawn from blanks: outer borders only
                "box_left": fmt(left=1, top=1, bottom=1, border_color=BORDER_COLOR),
                "box_mid": fmt(top=1, bottom=1, border_color=BORDER_COLOR),
                "box_right": fmt(right=1, top=1, bottom=1, border_color=BORDER_COLOR),
                **{f"status_{k}": fmt.status(k) for k in (*STATUS_KEYS, "ohne")},
            }
        return cache[in_auswertung]

    def _measure_row(self, ws, row: int, m, detail: str, has_details: bool, detail_first: int, last: int,
                     detail_width: float, text_width: float) -> None:
        f = self._row_formats(m.in_auswertung)
        if is_int_text(m.nr):
            ws.write_number(row, 0, int(m.nr), f["nr"])
        else:
            ws.write_string(row, 0, clip(m.nr or ""), f["nr"])
        ws.write_string(row, 1, clip(m.text), f["text"])
        key = status_key(m.status)
        ws.write_string(row, 2, STATUS_WORDS[key], f[f"status_{key}"])
        ws.write_string(row, 3, "ja" if m.in_auswertung else "nein", f["flag"])
        cells = [(m.text, text_width), (STATUS_WORDS[key], 10.0)]
        if has_details:
            if detail:
                ws.merge_range(row, detail_first, row, last, "", f["detail"])
                ws.write_string(row, detail_first, clip(detail), f["detail"])
                cells.append((detail, detail_width * 1.1))
            else:  # an empty box; plain blanks are much cheaper than a merged range
                for c in range(detail_first, last + 1):
                    side = "box_left" if c == detail_first else "box_right" if c == last else "box_mid"
                    ws.write_blank(row, c, None, f[side])
        fit_row(ws, row, cells)

    # ----------------------------------------------------------------------------------------
    def massnahmen(self) -> None:
        from .export import export_rows

        fmt, k = self.fmt, self.k
        ws = self.wb.add_worksheet(SHEET_MASSNAHMEN)
        columns, rows = export_rows(k)
        optional = [c for c in ("bemerkung", "verantwortlich", "zeitraum") if any(r.get(c) for r in rows)]
        known = set(columns[: columns.index("zeitraum") + 1])
        extras = [c for c in columns if c not in known]
        spec: list[tuple[str, str, float]] = [
            ("massnahme_id", "ID", 18), ("feld", "Feld", 22), ("art", "Art", 17), ("unterziel_nr", "Unterziel", 10),
            ("massnahme_nr", "Nr", 7), ("massnahme", "Maßnahme", 60), ("status", "Status", 15),
            ("in_auswertung", "In Auswertung", 11),
        ]
        spec += [(c, c.capitalize(), 30 if c == "bemerkung" else 18) for c in optional]
        spec += [(c, c, 18) for c in extras]
        spec += [("fundstelle", "Fundstelle im Master", 18)]

        # unique header names (Excel tables compare them case-insensitively)
        seen: set[str] = set()
        headers = []
        for _, label, _w in spec:
            h = re.sub(r"\s+", " ", str(label)).strip() or "Spalte"
            base, n = h, 2
            while h.lower() in seen:
                h = f"{base} ({n})"
                n += 1
            seen.add(h.lower())
            headers.append(h)

        for c, (_, _, w) in enumerate(spec):
            ws.set_column(c, c, w)
        ws.write_string(0, 0, "Alle Maßnahmen", fmt.title())
        ws.set_row(0, 24)
        ws.write_string(1, 0, f"{len(rows)} Maßnahmen. Filter über die Pfeile in der Kopfzeile; "
                              f"„In Auswertung: nein“ = nicht in die Zahlen eingeflossen.",
                        fmt(italic=True, font_color=MUTED))
        top = 3
        # explicit borders: LibreOffice does not draw Excel's table styles
        text_fmt = fmt.cell(text_wrap=True)
        plain = fmt.cell()
        wrap_keys = [key for key, _l, _w in spec
                     if key not in ("status", "in_auswertung", "unterziel_nr", "massnahme_nr", "fundstelle")]
        width_of = {key: w for key, _l, w in spec}
        center = fmt.cell(align="center")
        status_fmt = {key: fmt.status(key) for key in (*STATUS_KEYS, "ohne")}
        status_by_value: dict[str | None, str] = {**{s.value: s.value for s in STATUS_ORDER}, None: NO_STATUS}
        if self.streaming:  # the header row before the body; an autofilter instead of a table
            for c, h in enumerate(headers):
                ws.write_string(top, c, h, fmt.head())
            ws.set_row(top, 2 * ROW_PT + 3)
        r = top
        for rec in rows:
            r += 1
            for c, (key, _label, _w) in enumerate(spec):
                if key == "status":
                    sk = status_by_value.get(rec["status"], "ohne")
                    ws.write_string(r, c, STATUS_WORDS[sk], status_fmt[sk])
                elif key == "in_auswertung":
                    ws.write_string(r, c, "ja" if rec["in_auswertung"] else "nein", center)
                elif key == "unterziel_nr":
                    v = rec["unterziel_nr"]
                    if v is None:
                        ws.write_blank(r, c, None, plain)
                    else:
                        ws.write_number(r, c, int(v), center)
                elif key == "massnahme_nr":
                    v = rec["massnahme_nr"]
                    if is_int_text(v):
                        ws.write_number(r, c, int(v), center)
                    else:
                        ws.write_string(r, c, clip(v or ""), center)
                elif key == "fundstelle":
                    cell = rec.get("cell")
                    ws.write_string(r, c, f"{rec['sheet']}!{cell}" if cell else str(rec["sheet"]), plain)
                else:
                    v = rec.get(key)
                    ws.write_string(r, c, clip("" if v is None else v), text_fmt)
            fit_row(ws, r, [(rec.get(key), width_of[key]) for key in wrap_keys])
        last_row = max(r, top + 1)
        if r == top:  # an empty table needs one (blank) data row
            for c in range(len(spec)):
                ws.write_blank(last_row, c, None, plain)
        if self.streaming:
            ws.autofilter(top, 0, last_row, len(spec) - 1)
        else:
            ws.add_table(top, 0, last_row, len(spec) - 1, {
                "name": "Massnahmen",
                "style": "Table Style Light 9",
                "columns": [{"header": h, "header_format": fmt.head()} for h in headers],
            })
            ws.set_row(top, 2 * ROW_PT + 3)
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
        setup_print(ws, self.header, self.stand)

    # ----------------------------------------------------------------------------------------
    def pruefbericht(self) -> None:
        """The findings, each location a link that opens the master at its cell (see :mod:`.pruefbericht`)."""
        from .pruefbericht import write_findings_sheet

        assert self.report is not None
        ws = self.wb.add_worksheet(SHEET_PRUEFBERICHT)
        write_findings_sheet(ws, self.fmt, self.report, master=self.k.source, link_dir=self.link_dir,
                             header=self.header, stand=self.stand, streaming=self.streaming)


# --------------------------------------------------------------------------------------------
# Public entry point


def write_summary(summary: "Summary", target: str | os.PathLike[str], *, header: str | None = None,
                  changes: "Changes | None" = None, progress: "Callable[[int, int], None] | None" = None) -> Path:
    """Write the summary workbook of ``summary`` to ``target`` (atomically) and return its path.

    ``header`` replaces the print header (default: the Konzept sheet's Kopfzeile). ``changes``
    (from :func:`ampel_xl.compare`, an earlier Stand against this one) adds the sheet
    "Entwicklung" after "Maßnahmen". A master with more than :data:`CONSTANT_MEMORY_MEASURES`
    measures is written in XlsxWriter's ``constant_memory`` mode (see the module docstring).
    ``progress`` is called as ``progress(done, total)`` while the sheets are built (in measures
    written); saving the file afterwards reports nothing.
    """
    target = Path(target)
    k = summary.konzept
    header_text = header.strip() if header and header.strip() else default_header(k)
    properties = {
        "title": f"Zusammenfassung {k.titel}" if k.titel else "Zusammenfassung der Ampelauswertung",
        "subject": "Ampelauswertung",
        "author": "ampel_xl",
        "company": k.amt or "",
        "comments": f"Erzeugt aus {os.path.basename(k.source)}",
        "created": document_date(k),
    }
    streaming = len(k.massnahmen) > CONSTANT_MEMORY_MEASURES
    # not in memory: a roll-up of 100,000 measures would hold the whole workbook in RAM
    with xlsx_workbook(target, properties, in_memory=False, constant_memory=streaming) as workbook:
        _Writer(summary, workbook, header_text, changes, streaming=streaming, link_dir=target.parent).write(progress)
    return target
