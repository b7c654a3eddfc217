"""The sheet "Maßnahmen": every measure as an Excel table (filter buttons), with its IDs, status and
extra columns (a header row with an autofilter in constant_memory mode)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..tidy import BASE_COLUMNS, MORE_COLUMNS, export_rows, header
from ..vocabulary import NO_STATUS, STATUS_ORDER
from .cells import ROW_PT, clip, fit_row, is_int_text
from .figure_table import STATUS_KEYS, STATUS_WORDS
from .formats import MUTED
from .page import setup_print

if TYPE_CHECKING:  # pragma: no cover
    from .summary import SummaryWriter

SHEET_MASSNAHMEN = "Maßnahmen"


def write_measures(book: SummaryWriter) -> None:
    """Add the sheet "Maßnahmen" to the summary ``book`` is writing."""
    fmt, k = book.fmt, book.k
    ws = book.wb.add_worksheet(SHEET_MASSNAHMEN)
    columns, rows = export_rows(k)
    optional = [c for c in ("status_zusatz", "bemerkung", "verantwortlich", "zeitraum") if any(r.get(c) for r in rows)]
    extras = [c for c in columns if c not in BASE_COLUMNS and c not in MORE_COLUMNS]
    spec: list[tuple[str, str, float]] = [
        ("massnahme_id", "ID", 18), ("feld", "Feld", 22), ("art", "Art", 17), ("unterziel_nr", "Unterziel", 10),
        ("massnahme_nr", "Nr", 7), ("massnahme", "Maßnahme", 60), ("status", "Status", 15),
        ("in_auswertung", "In Auswertung", 11),
    ]
    spec += [(c, header(c), 30 if c == "bemerkung" else 18) for c in optional]
    spec += [(c, header(c), 18) for c in extras]
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
    if book.streaming:  # the header row before the body; an autofilter instead of a table
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
    if book.streaming:
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
    setup_print(ws, book.header, book.stand)
