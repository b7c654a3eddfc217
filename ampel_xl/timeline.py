"""The course ("Verlauf") over many Stände: shares of Grün, Gelb and Rot per field and in total.

Each master is one Stand, named by its Konzept sheet's Stand (else by the file's name). The
figures come from :func:`ampel_xl.figures.summarize`, so they count exactly what the summary
counts (only measures in the evaluation).

Example::

    import ampel_xl

    df = ampel_xl.history(["Master_2024-06.xlsx", "Master_2024-10.xlsx", "Master_2025-02.xlsx"])
    df[df.feld == "Gesamt"][["stand_label", "prozent_gruen", "prozent_gelb", "prozent_rot"]]
    ampel_xl.write_history(df, "Verlauf.xlsx")   # the workbook "Verlauf"
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .figures import summarize
from .model import Konzept, format_date_de

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COLUMNS", "GESAMT", "history"]

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
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
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


def history(konzepte: Iterable[Konzept]) -> pd.DataFrame:
    """Shares of Grün, Gelb and Rot per field and in total, one block of rows per Stand.

    ``konzepte`` are read masters (:func:`ampel_xl.history` also takes paths). Columns:
    :data:`COLUMNS` – ``stand`` (date, NaT if none is known), ``stand_label`` (German text),
    ``quelle`` (file name), ``feld`` (the field, ``"Gesamt"`` for the total), the exact shares
    ``anteil_*`` (0..1 of ``summe``, NaN when nothing is evaluated), the counts and the printed
    shares ``prozent_*`` (whole percents by the one rounding rule of :mod:`ampel_xl.figures`: a
    share rounded on its own; ``<NA>`` when nothing is evaluated).
    Rows are ordered by Stand when every Stand has a date (from the Konzept sheet or the file's
    name), else in the order given; within a Stand by the fields' order, the total last.
    """
    import pandas as pd

    entries: list[tuple[_dt.date | None, str, Konzept]] = []
    for konzept in konzepte:
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
