"""The workbook "Verlauf": one block per field plus the whole concept, each with a line chart of
the shares Grün, Gelb and Rot over the Stände. The figures come from :mod:`ampel_xl.timeline`."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import xlsx_workbook
from ..figures import EXCEL_PERCENT_FORMAT, KEINE_IN_AUSWERTUNG, ROUNDING_NOTE, rounding_note
from ..model import format_date_de
from ..timeline import GESAMT
from ..vocabulary import NO_STATUS, STATUS_COLORS, STATUS_EDGES, STATUS_LABELS, STATUS_ORDER
from .cells import fit_width
from .formats import BORDER_COLOR, MUTED, Formats
from .page import setup_print

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _felder(df: pd.DataFrame) -> list[str]:
    """The fields in order: Gesamt first, then by the latest Stand's order, then older ones."""
    order: list[str] = []
    for label in reversed(list(dict.fromkeys(df["stand_label"]))):
        for feld in df.loc[df["stand_label"] == label, "feld"]:
            if feld != GESAMT and feld not in order:
                order.append(feld)
    return [GESAMT, *order]


def write_history(df: pd.DataFrame, target: str | os.PathLike[str]) -> Path:
    """Write the workbook "Verlauf" (one block per field plus the total, each with a line chart).

    ``df`` is what :func:`history` returns. Written atomically and deterministically (the
    document date is the latest Stand, or 1 January 2000).
    """
    import pandas as pd

    target = Path(target)
    stands = list(dict.fromkeys(df["stand_label"]))
    dates = [d for d in df["stand"] if not pd.isna(d)]
    created = max(dates).to_pydatetime() if dates else _dt.datetime(2000, 1, 1)
    with xlsx_workbook(target, {"title": "Verlauf", "created": created}) as wb:
        _verlauf_sheet(wb, df, stands)
    return target


_BLOCK_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("stand_label", "Stand", 22),
    *((f"prozent_{key}", f"Anteil {label}", 13 if key == NO_STATUS else 11) for key, label in STATUS_LABELS.items()),
    *((key, label, 10 if key == NO_STATUS else 7) for key, label in STATUS_LABELS.items()),
    ("summe", "Summe", 8),
)
_CHART_ROWS = 16
#: Line style and marker of each status's line: the lines differ without colour too.
_LINES = {"gruen": ("solid", "circle"), "gelb": ("dash", "diamond"), "rot": ("round_dot", "triangle")}


def _verlauf_sheet(wb: Any, df: pd.DataFrame, stands: list[str]) -> None:
    fm = Formats(wb)
    title = fm.plain(bold=True, font_size=14)
    heading = fm.plain(bold=True, font_size=12)
    header = fm.plain(bold=True, bottom=2, text_wrap=True, valign="bottom")
    border = {"border": 1, "border_color": BORDER_COLOR}
    text = fm.plain(**border)
    pct = fm.plain(**border, num_format=EXCEL_PERCENT_FORMAT)
    num = fm.plain(**border, num_format="0")
    none = fm.plain(**border, align="center", italic=True, font_color=MUTED)
    note = fm.plain(italic=True, font_color="#404040")

    # "ohne Bewertung" only when some Stand has such measures (else the shares of Grün, Gelb
    # and Rot already add up to 100 %)
    with_ohne = bool((df["ohne"] > 0).any())
    columns = [c for c in _BLOCK_COLUMNS if with_ohne or c[0] not in ("prozent_ohne", "ohne")]
    columns[0] = ("stand_label", "Stand", fit_width(stands, 16.0, 40.0))
    share_cols = [i for i, c in enumerate(columns) if c[0].startswith("prozent_")]

    ws = wb.add_worksheet("Verlauf")
    ws.hide_gridlines(2)
    for col, (_, _, width) in enumerate(columns):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, "Verlauf der Ampel: Anteile Grün, Gelb und Rot je Stand", title)
    ws.write_string(1, 0, f"{len(stands)} Stände: " + " → ".join(stands), note)
    ws.write_string(2, 0, "Anteile an den Maßnahmen in der Auswertung, jeder für sich auf ganze Prozent gerundet; "
                          "Stand laut Blatt „Konzept“, sonst der Dateiname.", note)
    keep: list[int] = []
    row = 4
    for feld in _felder(df):
        block = df[df["feld"] == feld]
        keep += [row, row + 1]  # heading and header stay with the first Stand
        ws.write_string(row, 0, "Gesamtes Konzept" if feld == GESAMT else feld, heading)
        top = row + 1
        for col, (_, label, _) in enumerate(columns):
            ws.write_string(top, col, label, header)
        r = top
        for record in block.to_dict("records"):
            r += 1
            empty = int(record["summe"]) == 0
            for col, (key, _, _) in enumerate(columns):
                value = record[key]
                if key == "stand_label":
                    ws.write_string(r, col, str(value), text)
                elif key.startswith("prozent_"):
                    if empty:
                        if col == share_cols[0]:
                            ws.merge_range(r, share_cols[0], r, share_cols[-1], KEINE_IN_AUSWERTUNG, none)
                    else:
                        # the printed whole percent as the value: the cell and the chart show our number
                        ws.write_number(r, col, int(value) / 100, pct)
                else:
                    ws.write_number(r, col, float(value), num)
        if rounding_note(block):  # a Stand whose printed shares do not add up to 100 %
            ws.write_string(r + 1, 0, f"{ROUNDING_NOTE}.", note)
        chart = wb.add_chart({"type": "line"})
        # a line for Grün, Gelb and Rot: the share "ohne Bewertung" (the last share column, where there
        # is one) stays in the table and out of the chart
        for col, status in zip(share_cols, STATUS_ORDER, strict=False):
            colour = STATUS_COLORS[status.value]
            dash, marker = _LINES[status.value]
            chart.add_series({
                "name": [ws.name, top, col],
                "categories": [ws.name, top + 1, 0, r, 0],
                "values": [ws.name, top + 1, col, r, col],
                "line": {"color": colour, "width": 2.5, "dash_type": dash},
                "marker": {"type": marker, "size": 7, "fill": {"color": colour},
                           "border": {"color": STATUS_EDGES[status.value]}},
            })
        chart.set_title({"name": "Gesamtes Konzept" if feld == GESAMT else feld, "name_font": {"size": 11}})
        chart.set_y_axis({"min": 0, "max": 1, "num_format": EXCEL_PERCENT_FORMAT, "major_unit": 0.25,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_x_axis({"num_font": {"size": 9}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 520, "height": 290})
        ws.insert_chart(row, len(columns) + 1, chart)
        row = max(r + 2, row + _CHART_ROWS)
    last = df.dropna(subset=["stand"])
    stand = format_date_de(max(last["stand"]).date()) if not last.empty else (stands[-1] if stands else None)
    setup_print(ws, "Verlauf der Ampelauswertung", stand, keep_with_next=keep)
