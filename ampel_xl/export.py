"""Export: one row per measure – or the figures – as rows, a DataFrame, CSV or JSON.

Columns (named exactly so): ``sheet``, ``feld``, ``art``, ``unterziel_nr``, ``unterziel``,
``massnahme_nr``, ``massnahme_id``, ``massnahme``, ``status`` (``gruen``/``gelb``/``rot`` or
empty), ``in_auswertung`` (true/false), ``cell`` (the status cell), then ``markiert``,
``bemerkung``, ``verantwortlich``, ``zeitraum``, ``status_zusatz`` (what follows a leading status word in
the status cell: "verzögert" in "Grün (verzögert)") and the master's extra columns.

The figures (``ampel-xl export --zahlen``, :func:`figures_rows`) are one row per level: the
whole concept (``ebene`` "Gesamt"), each field ("Feld") and each Unterziel ("Unterziel"), with
the counts and the shares ``prozent_gruen`` … ``prozent_ohne`` as whole percents by the one
rounding rule of :mod:`ampel_xl.figures` (a row adds up to 100; empty, with ``hinweis``
"keine in Auswertung", when nothing is evaluated) – the numbers every other output prints.

CSV is written for German Excel: UTF-8 with BOM, ``;`` as separator by default, Windows line
endings, and every text that Excel would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or CR) is neutralised with a leading apostrophe (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .model import Konzept

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .figures import Summary

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


FIGURES_COLUMNS = [
    "ebene", "feld", "art", "unterziel_nr", "unterziel", "massnahmen", "in_auswertung", "gruen", "gelb", "rot",
    "ohne", "prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne", "hinweis",
]


def figures_rows(summary: Summary) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of the figures: the total, then each field followed by its Unterziele."""
    import pandas as pd

    from .figures import COUNT_COLUMNS, KEINE_IN_AUSWERTUNG, PERCENT_COLUMNS

    def row(ebene: str, rec: Mapping[Any, Any], **more: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"ebene": ebene, "feld": "", "art": "", "unterziel_nr": None, "unterziel": "", **more}
        for c in COUNT_COLUMNS:
            if c in FIGURES_COLUMNS:
                out[c] = int(rec[c])
        empty = int(rec["summe"]) == 0
        for c in PERCENT_COLUMNS:
            out[c] = None if empty else int(rec[c])
        out["hinweis"] = KEINE_IN_AUSWERTUNG if empty else ""
        return out

    rows = [row("Gesamt", summary.total.iloc[0].to_dict())]
    for f in summary.felder.to_dict("records"):
        rows.append(row("Feld", f, feld=f["feld"], art=f["art"]))
        for u in summary.feld_unterziele(f["feld"]).to_dict("records"):
            nr = u["unterziel_nr"]
            rows.append(row("Unterziel", u, feld=f["feld"], art=f["art"], unterziel=u["unterziel"],
                            unterziel_nr=None if pd.isna(nr) else int(nr)))
    return list(FIGURES_COLUMNS), rows


def figures_to_csv(summary: Summary, sep: str = ";") -> str:
    """The figures as CSV text (without BOM; :func:`figures_to_csv_bytes` adds it)."""
    return _csv_text(*figures_rows(summary), sep)


def figures_to_csv_bytes(summary: Summary, sep: str = ";") -> bytes:
    return figures_to_csv(summary, sep).encode("utf-8-sig")


def figures_to_json(summary: Summary) -> str:
    columns, rows = figures_rows(summary)
    return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=1)


def konzept_frame(konzept: Konzept) -> pd.DataFrame:
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
    return _csv_text(*export_rows(konzept), sep)


def _csv_text(columns: list[str], rows: list[dict[str, Any]], sep: str) -> str:
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
