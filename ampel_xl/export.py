"""Export: one row per measure, as rows, a DataFrame, CSV or JSON.

Columns (named exactly so): ``sheet``, ``feld``, ``art``, ``unterziel_nr``, ``unterziel``,
``massnahme_nr``, ``massnahme_id``, ``massnahme``, ``status`` (``gruen``/``gelb``/``rot`` or
empty), ``in_auswertung`` (true/false), ``cell`` (the status cell), then ``markiert``,
``bemerkung``, ``verantwortlich``, ``zeitraum``, ``status_zusatz`` (what follows a leading status word in
the status cell: "verzögert" in "Grün (verzögert)") and the master's extra columns.

CSV is written for German Excel: UTF-8 with BOM, ``;`` as separator by default, Windows line
endings, and every text that Excel would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or CR) is neutralised with a leading apostrophe (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from .model import Konzept

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BASE_COLUMNS = [
    "sheet", "feld", "art", "unterziel_nr", "unterziel", "massnahme_nr", "massnahme_id", "massnahme",
    "status", "in_auswertung", "cell",
]
MORE_COLUMNS = ["markiert", "bemerkung", "verantwortlich", "zeitraum", "status_zusatz"]


def export_rows(konzept: Konzept) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) with one row per measure, in the master's order."""
    extra_names: list[str] = []
    seen: set[str] = set(BASE_COLUMNS) | set(MORE_COLUMNS)
    rows: list[dict[str, Any]] = []
    for f in konzept.felder:
        uz_text = {u.nr: u.text for u in f.unterziele}
        for m in f.massnahmen:
            row: dict[str, Any] = {
                "sheet": f.sheet,
                "feld": f.name,
                "art": f.art.value,
                "unterziel_nr": m.unterziel_nr,
                "unterziel": uz_text.get(m.unterziel_nr, "") if m.unterziel_nr is not None else "",
                "massnahme_nr": m.nr,
                "massnahme_id": m.id,
                "massnahme": m.text,
                "status": m.status.value if m.status else None,
                "in_auswertung": m.in_auswertung,
                "cell": m.status_cell,
                "markiert": m.marked,
                "bemerkung": m.bemerkung,
                "verantwortlich": m.verantwortlich,
                "zeitraum": m.zeitraum,
                "status_zusatz": m.evidence.addition or "",
            }
            for label, value in m.extras:
                key = label
                if key in BASE_COLUMNS or key in MORE_COLUMNS:
                    key = f"{label} (Master)"
                if key not in seen:
                    seen.add(key)
                    extra_names.append(key)
                row[key] = value
            rows.append(row)
    columns = BASE_COLUMNS + MORE_COLUMNS + extra_names
    return columns, rows


def konzept_frame(konzept: Konzept) -> "pd.DataFrame":
    import pandas as pd

    columns, rows = export_rows(konzept)
    df = pd.DataFrame(rows, columns=columns)
    df["unterziel_nr"] = df["unterziel_nr"].astype("Int64")
    return df


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a text safe for spreadsheet programs: no formula, no DDE."""
    if value and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(konzept: Konzept, sep: str = ";") -> str:
    """CSV text (without BOM; :func:`to_csv_bytes` adds it)."""
    columns, rows = export_rows(konzept)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(c)) for c in columns])
    return buf.getvalue()


def to_csv_bytes(konzept: Konzept, sep: str = ";") -> bytes:
    return to_csv(konzept, sep).encode("utf-8-sig")


def to_json(konzept: Konzept) -> str:
    columns, rows = export_rows(konzept)
    data = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=1)
