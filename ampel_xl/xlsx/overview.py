"""The sheet "Übersicht": title, Stand, the evaluation rule, the figures per field with a totals
row, the doughnut of the whole concept, the stacked bars comparing the fields, the legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..figures import ROUNDING_NOTE, rounding_note
from ..model import Art
from ..vocabulary import LOOKS, NO_STATUS, STATUS_MEANINGS, STATUS_ORDER, counts_text
from .cells import ROW_PT, clip, fit_row, fit_width
from .figure_table import (
    STATUS_WORDS,
    FigureColumns,
    chart_rows,
    doughnut,
    figures_conditional_formats,
    stacked_bars,
    write_figures_row,
)
from .formats import MUTED, WARN_FILL
from .page import fit_block_height, setup_print
from .pruefbericht import SHEET_PRUEFBERICHT

if TYPE_CHECKING:  # pragma: no cover
    from .summary import SummaryWriter

SHEET_UEBERSICHT = "Übersicht"


def write_overview(book: SummaryWriter) -> None:
    """Add the sheet "Übersicht" to the summary ``book`` is writing."""
    fmt, k, s = book.fmt, book.k, book.s
    name = SHEET_UEBERSICHT
    ws = book.wb.add_worksheet(name)
    ws.hide_gridlines(2)
    cols = FigureColumns(2, book.with_ohne)
    # column A fits the longest field name on one line (no field name overprints the next row)
    widths = {0: fit_width([*s.felder["feld"], "Auswertungsregel:", "Prüfung des Masters:"], 24.0),
              1: fit_width(s.felder["art"], 17.0), **dict(cols.widths())}
    for c, w in widths.items():
        ws.set_column(c, c, w)
    total_width = sum(widths.values())
    last = cols.last

    title = "Zusammenfassung der Ampelauswertung"
    sub = " – ".join(x for x in (k.titel, k.gebiet) if x) or None
    row = book.title_block(ws, last, title, sub)
    label = fmt(bold=True)
    if k.amt:
        ws.write_string(row, 0, clip(k.amt), fmt(font_color=MUTED))
        row += 1
    ws.write_string(row, 0, "Stand:", label)
    ws.write_string(row, 1, book.stand or "nicht angegeben", fmt())
    row += 1
    tot = s.total.iloc[0]
    ws.write_string(row, 0, "In der Auswertung:", label)
    ws.write_string(row, 1, f"{int(tot['in_auswertung'])} von {int(tot['massnahmen'])} Maßnahmen", fmt())
    row += 1
    ws.write_string(row, 0, "Auswertungsregel:", label)
    book.merged_text(ws, row, 1, last, s.rule, fmt.text(), total_width - widths[0])
    row += 1
    rep = book.report
    if rep is not None:
        ws.write_string(row, 0, "Prüfung des Masters:", label)
        text = counts_text(rep.counts)
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
        book.merged_text(ws, row, 0, last, warning, wfmt, total_width * 0.9, min_lines=2)
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
        write_figures_row(ws, fmt, row, cols, rec)
        fit_row(ws, row, [(rec["feld"], widths[0]), (rec["art"], widths[1])])
    last_data = row
    row += 1
    total_row = row
    ws.write_string(row, 0, "Gesamt", fmt.cell(bold=True, top=2))
    ws.write_string(row, 1, "", fmt.cell(bold=True, top=2))
    write_figures_row(ws, fmt, row, cols, tot, bold=True, top=True)
    figures_conditional_formats(ws, fmt, first_data, total_row, cols)
    row += 1
    note = ("Summe: Maßnahmen in der Auswertung. Maßnahmen gesamt: alle Maßnahmen des Feldes. "
            "Die Anteile beziehen sich auf die Summe.")
    if rounding_note([*s.felder.to_dict("records"), tot]):
        note += f" {ROUNDING_NOTE}."
    ws.write_string(row, 0, note, fmt(italic=True, font_color=MUTED, font_size=9))
    row += 2

    # the charts -------------------------------------------------------------------------
    n_felder = len(s.felder)
    one_page = n_felder <= 16  # up to 16 fields the sheet is scaled to one page
    chart_h = max(300, 70 + 30 * n_felder)
    if not one_page:
        # on the page where the table ends, shrunk to its rest rather than leave that page almost empty
        chart_h = int(fit_block_height(ws, row, chart_h, max(300, 70 + 20 * n_felder), keep_with_next=keep))
    donut_w = 400
    total_px = int(sum(w * 7 + 5 for w in widths.values()))
    bar_w = max(420, total_px - donut_w - 15)
    concept = k.titel or "des Konzepts"
    donut = doughnut(book.wb, name, f"Ergebnisse {concept} gesamt", header_row, total_row, cols,
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
        bars = stacked_bars(book.wb, name, f"Ergebnisse {what} (Anteile)", header_row, first_data, last_data,
                             0, cols, {key: [int(v) for v in s.felder[key]] for key in cols.keys}, percent=True)
        bars.set_size({"width": bar_w, "height": chart_h})
        ws.insert_chart(row, 0, bars, {"x_offset": donut_w + 15, "object_position": 1})
    row += chart_rows(chart_h) + 1

    # the legend -------------------------------------------------------------------------
    keep += [row, row + 1, row + 2]  # the legend is not split
    ws.write_string(row, 0, "Ampelsystem", fmt.subtitle())
    row += 1
    for st in STATUS_ORDER:
        ws.write_string(row, 0, st.label, fmt.status(st.value))
        book.merged_text(ws, row, 1, last, STATUS_MEANINGS[st], fmt.cell(text_wrap=True),
                          total_width - widths[0])
        row += 1
    if book.with_ohne:
        ws.write_string(row, 0, STATUS_WORDS[NO_STATUS], fmt.status(NO_STATUS))
        book.merged_text(ws, row, 1, last, LOOKS[NO_STATUS].meaning,
                          fmt.cell(text_wrap=True), total_width - widths[0])
        row += 1

    setup_print(ws, book.header, book.stand, fit_tall=1 if one_page else 0, keep_with_next=keep)
    ws.activate()
