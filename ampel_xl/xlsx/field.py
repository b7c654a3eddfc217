"""One sheet per field: Oberziel and every text the Ampeldokument prints (Einleitung, Sachstand,
Highlights, Ausblick), the figures per Unterziel with the field's two charts below them, then every
measure grouped by Unterziel with its status as colour and word."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from ..figures import ROUNDING_NOTE, rounding_note
from ..model import Feld
from ..vocabulary import status_key
from .cells import ROW_PT, clip, fit_row, is_int_text, missing
from .figure_table import (
    STATUS_KEYS,
    STATUS_WORDS,
    FigureColumns,
    chart_rows,
    doughnut,
    figures_conditional_formats,
    stacked_bars,
    write_figures_row,
)
from .formats import BORDER_COLOR, GROUP_FILL, MUTED
from .page import fit_block_height, page_room, setup_print

if TYPE_CHECKING:  # pragma: no cover
    from .summary import SummaryWriter


#: Unterziele per bar chart of a field sheet: more get further charts below, so that every bar keeps
#: its label and no chart needs a page of its own.
BARS_PER_CHART = 20
#: The fewest Unterziele the first of several bar charts shows.
MIN_BARS = 5


def write_field(book: SummaryWriter, f: Feld, index: int) -> None:
    """Add the sheet of field ``f`` (the ``index``-th) to the summary ``book`` is writing."""
    fmt, s = book.fmt, book.s
    name = book.feld_sheets[f.name]
    ws = book.wb.add_worksheet(name)
    ws.hide_gridlines(2)
    cols = FigureColumns(2, book.with_ohne)
    # the count columns also hold the measures' Status and In-Auswertung cells: 11 wide
    widths = {0: 12.0, 1: 58.0, **dict(cols.widths(11.0))}
    for c, w in widths.items():
        ws.set_column(c, c, w)
    total_width = sum(widths.values())
    last = cols.last
    text_width = total_width - widths[0]

    heading = f"{f.art.value} {f.name}"
    sub = " – ".join(x for x in (book.k.titel, f"Stand: {book.stand}" if book.stand else None) if x) or None
    row = book.title_block(ws, last, heading, sub)
    row += 1
    label = fmt(bold=True)
    ws.write_string(row, 0, "Oberziel", label)
    book.merged_text(ws, row, 1, last, f.oberziel or "(im Master nicht angegeben)",
                      fmt.text(italic=not f.oberziel), text_width)
    row += 1
    # every text the Ampeldokument prints for the field, in its order, so the clerk can proofread it here
    texts = [("Einleitung", _paragraphs(f.einleitung)), ("Sachstand", _paragraphs(f.sachstand)),
             ("Highlights", ["\n".join(f"• {h}" for h in f.highlights)] if f.highlights else []),
             ("Ausblick", _paragraphs(f.ausblick))]
    for word, paragraphs in texts:
        for i, text in enumerate(paragraphs):
            if i == 0:
                ws.write_string(row, 0, word, label)
            book.merged_text(ws, row, 1, last, text, fmt.text(), text_width)
            row += 1
    row += 1

    # figures per Unterziel ------------------------------------------------------------------
    uz = s.feld_unterziele(f.name)
    frec = s.felder.iloc[index]
    n_uz = len(uz)
    table_top = row
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
        write_figures_row(ws, fmt, row, cols, rec)
        fit_row(ws, row, [(rec["unterziel"], widths[1])])
    row += 1
    total_row = row
    ws.write_string(row, 0, "Gesamt", fmt.cell(bold=True, top=2))
    ws.write_string(row, 1, f"{int(frec['in_auswertung'])} von {int(frec['massnahmen'])} Maßnahmen in der Auswertung",
                    fmt.cell(bold=True, top=2))
    write_figures_row(ws, fmt, row, cols, frec, bold=True, top=True)
    figures_conditional_formats(ws, fmt, first_data, total_row, cols)
    if rounding_note([*uz.to_dict("records"), frec]):
        keep.append(row)  # the note prints on the page of the table's last row
        row += 1
        ws.write_string(row, 0, f"{ROUNDING_NOTE}.", fmt(italic=True, font_color=MUTED, font_size=9))
    # the table stays on one page when it fits one (unless the page before is left less than half full)
    together = [range(table_top, row + 1)]
    row += 2

    # the charts below the table: shrunk to the page's rest where they would leave it half empty. A field
    # of many Unterziele gets one bar chart per :data:`BARS_PER_CHART` of them (each bar labelled, and no
    # chart a page high that would leave the table's last page almost empty)
    chart_y = 2  # the charts' frame a little below the row's top: it never prints on the page before
    donut_w = 380
    total_px = int(sum(w * 7 + 5 for w in widths.values()))
    bar_w = max(420, total_px - donut_w - 15)
    chunks = _chunks(ws, row, n_uz, chart_y, keep, together)
    for i, chunk in enumerate(chunks):
        n = max(len(chunk), 1)
        chart_h = int(fit_block_height(ws, row, *_bars_height(n), offset=chart_y,
                                       keep_with_next=keep, keep_together=together))
        if i == 0:
            donut = doughnut(book.wb, name, f"Ergebnisse {f.name} gesamt", header_row, total_row, cols,
                              [int(frec[key]) for key in cols.keys])
            donut.set_size({"width": donut_w, "height": chart_h})
            ws.insert_chart(row, 0, donut, {"y_offset": chart_y, "object_position": 1})
        if len(chunk):
            title = f"Ergebnisse {f.name} je Unterziel"
            if len(chunks) > 1:
                first_nr, last_nr = (uz.iloc[x]["unterziel_nr"] for x in (chunk[0], chunk[-1]))
                title += (f" ({_uz_label(first_nr)} bis {_uz_label(last_nr)})")
            bars = stacked_bars(book.wb, name, title, header_row, first_data + chunk[0], first_data + chunk[-1], 0,
                                 cols, {key: [int(uz[key].iloc[x]) for x in chunk] for key in cols.keys},
                                 percent=False)
            # the first beside the doughnut, the others below it over the whole width
            width, x_off = (bar_w, donut_w + 15) if i == 0 else (bar_w + donut_w + 15, 0)
            bars.set_size({"width": width, "height": chart_h})
            ws.insert_chart(row, 0, bars, {"x_offset": x_off, "y_offset": chart_y, "object_position": 1})
        row += chart_rows(chart_h + chart_y) + 1

    # the measures -------------------------------------------------------------------------
    keep += [row, row + 1, row + 2]  # caption, note and header stay with the first measure
    ws.write_string(row, 0, "Maßnahmen", fmt.subtitle())
    row += 1
    ws.write_string(row, 0, "Status als Farbe und Wort. „In Auswertung: nein“: Die Maßnahme ist nicht in die "
                            "Zahlen eingeflossen (grau).", fmt(italic=True, font_color=MUTED, font_size=9))
    row += 1
    ms = f.massnahmen
    details = [_details(m) for m in ms]
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
    detail_of = {id(m): d for m, d in zip(ms, details, strict=True)}

    groups: list[tuple[str, tuple]] = [(f"Unterziel {u.nr}: {u.text}", u.massnahmen) for u in f.unterziele]
    if f.orphans:
        groups.append(("Ohne Unterziel (im Master vor dem ersten Unterziel oder mit unbekannter Nummer)", f.orphans))
    group_fmt = fmt.cell(bold=True, bg_color=GROUP_FILL, text_wrap=True)
    for title, items in groups:
        row += 1
        keep.append(row)  # an Unterziel heading never ends a page: it goes with its first measure
        book.merged_text(ws, row, 0, last if has_details else 3, title, group_fmt,
                          total_width if has_details else sum(widths[c] for c in range(4)))
        if not items:
            row += 1
            ws.write_string(row, 1, "(keine Maßnahmen)", fmt.cell(italic=True, font_color=MUTED))
        for m in sorted(items, key=lambda m: m.row):
            row += 1
            _measure_row(book, ws, row, m, detail_of[id(m)], has_details, detail_first, last, detail_width,
                              widths[1])
    setup_print(ws, book.header, book.stand, keep_with_next=keep, keep_together=together)



def _bars_height(n: int) -> tuple[int, int]:
    """(natural, minimum) height in pixels of a bar chart of ``n`` Unterziele (the minimum keeps each bar
    as tall as its label)."""
    return max(320, 90 + 28 * n), max(260, 90 + 16 * n)


def _chunks(ws, row: int, n_uz: int, offset: int, keep: list[int], together: list[range]) -> list[range]:
    """The Unterziele (by index) of each bar chart: at most :data:`BARS_PER_CHART` each, the first only as
    many as fit the rest of the table's page at their minimum height (so that page is not left half
    empty while a chart of twenty waits for the next)."""
    if n_uz <= BARS_PER_CHART:
        return [range(n_uz)]
    used, capacity = page_room(ws, row, keep_with_next=keep, keep_together=together)
    room = (capacity - used) // ws._size_row(row) * ws._size_row(row) - offset  # as fit_block_height sizes
    first = BARS_PER_CHART
    while first > MIN_BARS and _bars_height(first)[1] > room:
        first -= 1
    if _bars_height(first)[1] > room:
        first = BARS_PER_CHART  # not even a few fit: the charts start the next page
    if n_uz - first < MIN_BARS:  # no chart of one or two bars at the end
        first = n_uz - MIN_BARS
    # the rest in charts of equal size
    rest = n_uz - first
    size = math.ceil(rest / math.ceil(rest / BARS_PER_CHART))
    starts = [0, *range(first, n_uz, size)]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], n_uz], strict=True)]


def _uz_label(nr: Any) -> str:
    return "ohne Unterziel" if missing(nr) else f"Unterziel {int(nr)}"


def _paragraphs(text: str | None) -> list[str]:
    """A text of the master as its paragraphs (split at blank lines, as the Ampeldokument prints them):
    one row each, since Excel shows no row taller than 409 points."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


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



def _row_formats(book: SummaryWriter, in_auswertung: bool) -> dict[str, Any]:
    """The formats of a measure row (grey text for measures outside the evaluation), cached."""
    cache = book._row_fmt_cache
    if in_auswertung not in cache:
        fmt = book.fmt
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



def _measure_row(book: SummaryWriter, ws, row: int, m, detail: str, has_details: bool, detail_first: int, last: int,
                 detail_width: float, text_width: float) -> None:
    f = _row_formats(book, m.in_auswertung)
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
