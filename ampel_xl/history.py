"""The course ("Verlauf") over many Stände: shares of Grün, Gelb and Rot per field and in total.

Each master is one Stand, named by its Konzept sheet's Stand (else by the file's name). The
figures come from :func:`ampel_xl.figures.summarize`, so they count exactly what the summary
counts (only measures in the evaluation).

Example::

    from ampel_xl.history import history, write_history

    df = history(["Master_2024-06.xlsx", "Master_2024-10.xlsx", "Master_2025-02.xlsx"])
    df[df.feld == "Gesamt"][["stand_label", "prozent_gruen", "prozent_gelb", "prozent_rot"]]
    write_history(df, "Verlauf.xlsx")   # the workbook "Verlauf"
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Konzept, format_date_de
from .vocabulary import NO_STATUS, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COLUMNS", "GESAMT", "history", "write_history"]

#: The name of the total row of each Stand.
GESAMT = "Gesamt"

#: Columns of :func:`history`.
COLUMNS = [
    "stand", "stand_label", "quelle", "feld", "anteil_gruen", "anteil_gelb", "anteil_rot", "anteil_ohne",
    "gruen", "gelb", "rot", "ohne", "summe", "prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne",
]

_DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), ("d", "m", "y")),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), ("y", "m", "d")),
)


def _date_in_name(name: str) -> _dt.date | None:
    """A date written in a file name (``2025-02-03``, ``03.02.2025``, ``20250203``), else None."""
    for pattern, order in _DATE_PATTERNS:
        match = pattern.search(name)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                return _dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                continue
    return None


def _stand(konzept: Konzept) -> tuple[_dt.date | None, str]:
    """(date or None, label) of a Stand: the Konzept sheet's Stand, else the file's name.

    A date in the file's name (``Master_2025-02-03.xlsx``) is used as such; other names are
    shown as they are (without the extension) and have no date.
    """
    name = Path(konzept.source).name
    stand = konzept.stand
    if isinstance(stand, _dt.datetime):
        stand = stand.date()
    if isinstance(stand, _dt.date):
        return stand, format_date_de(stand) or name
    if isinstance(stand, str) and stand.strip():
        return _date_in_name(stand), stand.strip()
    date = _date_in_name(name)
    return date, (format_date_de(date) if date else None) or Path(name).stem


def history(paths: Iterable[str | os.PathLike[str] | Konzept]) -> "pd.DataFrame":
    """Shares of Grün, Gelb and Rot per field and in total, one block of rows per Stand.

    ``paths`` are master files (or read :class:`~ampel_xl.model.Konzept` objects). Columns:
    :data:`COLUMNS` – ``stand`` (date, NaT if none is known), ``stand_label`` (German text),
    ``quelle`` (file name), ``feld`` (the field, ``"Gesamt"`` for the total), the exact shares
    ``anteil_*`` (0..1 of ``summe``, NaN when nothing is evaluated), the counts and the printed
    shares ``prozent_*`` (whole percents by the one rounding rule of :mod:`ampel_xl.figures`: a
    row's Grün, Gelb, Rot and ohne Bewertung add up to 100; ``<NA>`` when nothing is evaluated).
    Rows are ordered by Stand when every Stand has a date (from the Konzept sheet or the file's
    name), else in the order given; within a Stand by the fields' order, the total last.
    """
    import pandas as pd

    from .figures import summarize
    from .reader import read

    entries: list[tuple[_dt.date | None, str, Konzept]] = []
    for item in paths:
        konzept = item if isinstance(item, Konzept) else read(item)
        date, label = _stand(konzept)
        entries.append((date, label, konzept))
    if entries and all(date is not None for date, _, _ in entries):
        entries.sort(key=lambda e: e[0])  # type: ignore[arg-type, return-value]
    labels = [label for _, label, _ in entries]
    rows: list[dict[str, Any]] = []
    for date, label, konzept in entries:
        quelle = Path(konzept.source).name
        if labels.count(label) > 1:
            label = f"{label} ({quelle})"
        summary = summarize(konzept)
        for record in [*summary.felder.to_dict("records"), {**summary.total.iloc[0].to_dict(), "feld": GESAMT}]:
            rows.append({
                "stand": pd.Timestamp(date) if date else pd.NaT,
                "stand_label": label,
                "quelle": quelle,
                **{c: record[c] for c in COLUMNS[3:]},
            })
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["stand"] = pd.to_datetime(df["stand"])
    for c in ("gruen", "gelb", "rot", "ohne", "summe"):
        df[c] = df[c].astype("int64")
    for c in ("anteil_gruen", "anteil_gelb", "anteil_rot", "anteil_ohne"):
        df[c] = df[c].astype("float64")
    for c in ("prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne"):
        df[c] = df[c].astype("Int64")
    return df


def _felder(df: "pd.DataFrame") -> list[str]:
    """The fields in order: Gesamt first, then by the latest Stand's order, then older ones."""
    order: list[str] = []
    for label in reversed(list(dict.fromkeys(df["stand_label"]))):
        for feld in df.loc[df["stand_label"] == label, "feld"]:
            if feld != GESAMT and feld not in order:
                order.append(feld)
    return [GESAMT, *order]


def write_history(df: "pd.DataFrame", target: str | os.PathLike[str]) -> Path:
    """Write the workbook "Verlauf" (one block per field plus the total, each with a line chart).

    ``df`` is what :func:`history` returns. Written atomically and deterministically (the
    document date is the latest Stand, or 1 January 2000).
    """
    import pandas as pd

    from ._io import xlsx_workbook

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


def _verlauf_sheet(wb: Any, df: "pd.DataFrame", stands: list[str]) -> None:
    from .figures import EXCEL_PERCENT_FORMAT, KEINE_IN_AUSWERTUNG
    from .xlsx.cells import fit_width
    from .xlsx.page import setup_print

    title = wb.add_format({"bold": True, "font_size": 14})
    heading = wb.add_format({"bold": True, "font_size": 12})
    header = wb.add_format({"bold": True, "bottom": 2, "text_wrap": True, "valign": "bottom"})
    border = {"border": 1, "border_color": "#BFBFBF"}
    text = wb.add_format(border)
    pct = wb.add_format({**border, "num_format": EXCEL_PERCENT_FORMAT})
    num = wb.add_format({**border, "num_format": "0"})
    none = wb.add_format({**border, "align": "center", "italic": True, "font_color": "#595959"})
    note = wb.add_format({"italic": True, "font_color": "#404040"})

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
    ws.write_string(2, 0, "Anteile an den Maßnahmen in der Auswertung, auf ganze Prozent gerundet (die Anteile "
                          "eines Standes ergeben zusammen 100 %); Stand laut Blatt „Konzept“, sonst der Dateiname.",
                    note)
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
        chart = wb.add_chart({"type": "line"})
        for col, status in zip(share_cols, STATUS_ORDER):
            colour = STATUS_COLORS[status.value]
            chart.add_series({
                "name": [ws.name, top, col],
                "categories": [ws.name, top + 1, 0, r, 0],
                "values": [ws.name, top + 1, col, r, col],
                "line": {"color": colour, "width": 2.5},
                "marker": {"type": "circle", "size": 6, "fill": {"color": colour}, "border": {"color": colour}},
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
