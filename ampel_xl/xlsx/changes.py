"""The sheet of changes between two Stände ("Entwicklung" in the summary) and the workbook
"Veränderungen" made of it alone. What changed is computed in :mod:`ampel_xl.comparison`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import xlsx_workbook
from ..comparison import ARTEN, STATUS_WORD, TEXT_FIELDS, Change, Changes, ja_nein, short_id
from ..model import document_date
from ..vocabulary import BLUE_MARK, NO_STATUS, NO_STATUS_MEASURE, STATUS_COLORS, STATUS_EDGES, STATUS_FILLS
from .cells import fit_row, fit_width
from .formats import BORDER_COLOR, CHART_LABEL_COLORS, MUTED, Formats, chart_fill
from .page import chart_spans, setup_print

if TYPE_CHECKING:  # pragma: no cover
    import xlsxwriter

#: The sheet's name inside the summary workbook.
SHEET_ENTWICKLUNG = "Entwicklung"

#: German headings of the change list (columns A..J).
_LIST_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Feld", 24),
    ("Maßnahme", 14),
    ("Bisherige Nr.", 12),
    ("Unterziel", 9),
    ("Text der Maßnahme", 46),
    ("Art der Änderung", 17),
    ("Vorher", 26),
    ("", 4),
    ("Nachher", 26),
    ("In Auswertung", 11),
)
#: What the Vorher/Nachher cells of a text change show for an empty value.
_LEER = "(leer)"
_FELD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("feld", "Feld"),
    ("verbesserungen", "Verbesserungen"),
    ("rueckschritte", "Rückschritte"),
)
#: Pixel height of the per-field chart: a base plus a band per field.
_CHART_BASE, _CHART_BAND = 120, 30
_ARROW_COLORS = {"besser": STATUS_COLORS["gruen"], "schlechter": STATUS_COLORS["rot"], "": "#7F7F7F"}


class ChangeFormats:
    """The formats of the changes sheet, from the workbook's shared format cache."""

    def __init__(self, formats: Formats) -> None:
        def add(props: dict[str, Any]) -> Any:
            return formats.plain(**props)

        border = {"border": 1, "border_color": BORDER_COLOR, "valign": "top"}
        self.title = add({"bold": True, "font_size": 14})
        self.line = add({})
        self.heading = add({"bold": True, "font_size": 12})
        self.header = add({"bold": True, "bottom": 2, "text_wrap": True, "valign": "bottom"})
        self.cell = add(border)
        self.wrap = add({**border, "text_wrap": True})
        self.int = add({**border, "num_format": "0"})
        self.status = {k: add({**border, "bg_color": STATUS_FILLS[k], "align": "center"}) for k in STATUS_FILLS}
        self.blue = add({**border, "bg_color": BLUE_MARK, "align": "center"})
        self.center = add({**border, "align": "center"})
        self.wrap_muted = add({**border, "text_wrap": True, "italic": True, "font_color": MUTED})
        self.arrow = {k: add({**border, "bold": True, "align": "center", "font_color": c, "font_size": 13})
                      for k, c in _ARROW_COLORS.items()}


def _before_after(c: Change) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
    """(text, fill key) of the Vorher and Nachher cells; the fill key ``"blau"`` marks the evaluation."""
    if c.art == "auswertung":
        return ((ja_nein(c.auswertung_alt), "blau" if c.auswertung_alt else None),
                (ja_nein(c.auswertung_neu), "blau" if c.auswertung_neu else None))
    if c.art == "nummer":
        return (short_id(c.alt_id), None), (short_id(c.massnahme_id), None)
    if c.art in TEXT_FIELDS:
        return (c.vorher or _LEER, None), (c.nachher or _LEER, None)

    def status(value: str | None, present: bool) -> tuple[str, str | None]:
        if not present:
            return "", None
        return (STATUS_WORD[value], value) if value else (NO_STATUS_MEASURE, NO_STATUS)

    return status(c.alt, c.art != "neu"), status(c.neu, c.art != "entfernt")


def _text(ws: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """A string cell, or a blank (formatted) cell for an empty text."""
    if text:
        ws.write_string(row, col, text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def changes_header(changes: Changes) -> str:
    """The print header of the comparison: the new Stand's Kopfzeile, else title and both Stände."""
    k = changes.new
    if k.kopfzeile and k.kopfzeile.strip():
        return k.kopfzeile.strip()
    return f"{k.titel or 'Integrationskonzept'} – Veränderungen {changes.alt_label} → {changes.neu_label}"


def add_changes_sheet(workbook: xlsxwriter.Workbook, changes: Changes, name: str = SHEET_ENTWICKLUNG, *,
                      header: str | None = None) -> Any:
    """Add a sheet with the comparison to an open XlsxWriter workbook and return the sheet.

    From the top: a title, the German summary (:meth:`Changes.text`), a per-field table of
    improvements and setbacks with a bar chart beside it, then one row per change (status cells
    in the palette's light fills, ↑/↓/→ arrows, before and after of a changed text, an
    autofilter). Every text is written as a string. The sheet prints like every sheet of the
    summary (:func:`.page.setup_print`): A4 landscape, one page wide, ``header`` (default:
    :func:`changes_header`) on every page, "Seite x von y" and the new Stand in the footer, the
    list's header repeated, page breaks that keep headings with their rows and the chart whole.
    """
    fm = ChangeFormats(Formats(workbook))
    ws = workbook.add_worksheet(name)
    ws.hide_gridlines(2)
    widths = [width for _, width in _LIST_COLUMNS]
    widths[0] = fit_width(changes.felder, 16.0, 30.0)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, f"Veränderungen: {changes.alt_label} → {changes.neu_label}", fm.title)
    row = 0
    for line in changes.text(per_feld=False).splitlines()[1:]:
        row += 1
        ws.write_string(row, 0, line, fm.line)
    row += 1
    ws.write_string(row, 0, "↑ Verbesserung (Rot → Gelb → Grün)   ↓ Rückschritt   → sonstige Änderung", fm.line)

    # per-field table with the chart beside it
    row += 2
    keep = [row, row + 1]  # heading and header stay with the first field
    ws.write_string(row, 0, "Je Feld", fm.heading)
    feld_top = row + 1
    for col, (_, label) in enumerate(_FELD_COLUMNS):
        ws.write_string(feld_top, col, label, fm.header)
    per_feld = changes.per_feld_counts()
    for r, values in enumerate(per_feld, start=feld_top + 1):
        ws.write_string(r, 0, values["feld"], fm.wrap)
        for col, (key, _) in enumerate(_FELD_COLUMNS[1:], start=1):
            ws.write_number(r, col, values[key], fm.int)
        fit_row(ws, r, [(values["feld"], widths[0])])
    chart_rows = 0
    if per_feld:
        last = feld_top + len(per_feld)
        chart = workbook.add_chart({"type": "bar"})
        # Verbesserungen and Rückschritte differ without colour too: the pattern of Grün and Rot in
        # every chart of the summary, and labels with the arrows of the list ("↑ 3", "↓ 2")
        for col, key, arrow in ((1, "gruen", "↑"), (2, "rot", "↓")):
            field_key = _FELD_COLUMNS[col][0]
            chart.add_series({
                "name": [ws.name, feld_top, col],
                "categories": [ws.name, feld_top + 1, 0, last, 0],
                "values": [ws.name, feld_top + 1, col, last, col],
                **chart_fill(key),
                "border": {"color": STATUS_EDGES[key]},
                "data_labels": {"value": True, "position": "inside_end",
                                "font": {"bold": True, "color": CHART_LABEL_COLORS[key]},
                                "custom": [{"value": f"{arrow} {r[field_key]}"} if r[field_key] else {"delete": True}
                                           for r in per_feld]},
            })
        chart.set_title({"name": "Verbesserungen und Rückschritte je Feld", "name_font": {"size": 12}})
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9}})
        chart.set_x_axis({"min": 0, "num_format": "0",
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"})
        height = _CHART_BASE + _CHART_BAND * len(per_feld)
        chart.set_size({"width": 620, "height": height})
        ws.insert_chart(feld_top, 4, chart, {"x_offset": 10})
        # the rows the chart covers, by their real heights (fields of two lines are taller than a
        # default row): the list begins right below it, not after a gap
        chart_rows = chart_spans(ws)[-1][1] - feld_top
    row = max(feld_top + len(per_feld), feld_top + chart_rows) + 2

    # the list of changes
    top = row
    keep.append(top)
    for col, (label, _) in enumerate(_LIST_COLUMNS):
        _text(ws, top, col, label, fm.header)
    ws.repeat_rows(top)
    for c in changes.items:
        row += 1
        (before, before_fill), (after, after_fill) = _before_after(c)
        ws.write_string(row, 0, c.feld, fm.wrap)
        ws.write_string(row, 1, short_id(c.massnahme_id), fm.cell)
        _text(ws, row, 2, short_id(c.alt_id) if c.alt_id != c.massnahme_id else "", fm.cell)
        if c.unterziel_nr is None:
            ws.write_blank(row, 3, None, fm.cell)
        else:
            ws.write_number(row, 3, c.unterziel_nr, fm.int)
        ws.write_string(row, 4, c.massnahme, fm.wrap)
        ws.write_string(row, 5, ARTEN[c.art], fm.cell)
        for col, text, fill in ((6, before, before_fill), (8, after, after_fill)):
            if c.art in TEXT_FIELDS:
                fmt = fm.wrap_muted if text == _LEER else fm.wrap
            else:
                fmt = fm.blue if fill == "blau" else fm.status[fill] if fill else fm.center
            _text(ws, row, col, text, fmt)
        ws.write_string(row, 7, c.pfeil, fm.arrow[c.richtung])
        auswertung = c.auswertung_neu if c.auswertung_neu is not None else c.auswertung_alt
        _text(ws, row, 9, ja_nein(auswertung), fm.center)
        fit_row(ws, row, [(c.feld, widths[0]), (c.massnahme, widths[4]), (before, widths[6]),
                           (after, widths[8])])
    if changes.items:
        ws.autofilter(top, 0, row, len(_LIST_COLUMNS) - 1)
    else:
        ws.write_string(top + 1, 0, "Keine Veränderungen.", fm.line)
    setup_print(ws, header or changes_header(changes), changes.new.stand_text, keep_with_next=keep)
    return ws


def write_changes(changes: Changes, target: str | os.PathLike[str]) -> Path:
    """Write the workbook with the sheet "Veränderungen" to ``target`` (atomically).

    Deterministic: the document date is the new Stand's (or 1 January 2000), XlsxWriter dates
    every zip entry 1980-01-01, so the same comparison gives the same bytes.
    """
    target = Path(target)
    with xlsx_workbook(target, {"title": "Veränderungen", "created": document_date(changes.new)}) as wb:
        add_changes_sheet(wb, changes, name="Veränderungen")
    return target

