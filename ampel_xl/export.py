"""Export: one row per measure – or the figures – as rows, CSV or JSON.

The rows of measures are the tidy table of :mod:`ampel_xl.tidy` (its columns are listed there;
``BASE_COLUMNS``, ``MORE_COLUMNS``, ``export_rows`` and ``konzept_frame`` are still importable
from here).

The figures (``ampel-xl export --zahlen``, :func:`figures_rows`) are one row per level: the
whole concept (``ebene`` "Gesamt"), each field ("Feld") and each Unterziel ("Unterziel"), with
the counts and the shares ``prozent_gruen`` … ``prozent_ohne`` as whole percents by the one
rounding rule of :mod:`ampel_xl.figures` (each share rounded on its own; where a row's shares do
not add up to 100, ``hinweis`` says "Rundungsdifferenzen möglich"; empty, with ``hinweis`` "keine in
Auswertung", when nothing is evaluated) – the numbers every other output prints.

CSV is written for German Excel: German headers and values (``tidy.HEADERS``, "ja"/"nein",
"Grün"/"Gelb"/"Rot"; the figures' headers in :data:`FIGURES_HEADERS`), UTF-8 with BOM, ``;`` as
separator by default, Windows line endings, and every text that Excel would take for a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is neutralised with a leading
apostrophe (OWASP's CSV-injection advice).
JSON keeps the stable keys and values (``gruen``, ``true``) for programs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .model import Konzept
from .tidy import (
    BASE_COLUMNS as BASE_COLUMNS,
    MORE_COLUMNS as MORE_COLUMNS,
    export_rows,
    header,
    konzept_frame as konzept_frame,
    shown_value,
)
from .vocabulary import STATUS_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from .figures import Summary

FIGURES_COLUMNS = [
    "ebene", "feld", "art", "unterziel_nr", "unterziel", "massnahmen", "in_auswertung", "gruen", "gelb", "rot",
    "ohne", "prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne", "hinweis",
]
_THREE = {key: label for key, label in STATUS_LABELS.items() if key != "ohne"}  # Grün, Gelb, Rot
#: The German headers of the figures' CSV.
FIGURES_HEADERS: dict[str, str] = {
    "ebene": "Ebene", "feld": "Feld", "art": "Art", "unterziel_nr": "Unterziel-Nr.", "unterziel": "Unterziel",
    "massnahmen": "Maßnahmen", "in_auswertung": "In Auswertung", **_THREE,
    "ohne": "Ohne Bewertung", **{f"prozent_{key}": f"{label} (%)" for key, label in _THREE.items()},
    "prozent_ohne": "Ohne Bewertung (%)", "hinweis": "Hinweis",
}


def figures_rows(summary: Summary) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of the figures: the total, then each field followed by its Unterziele."""
    import pandas as pd

    from .figures import COUNT_COLUMNS, KEINE_IN_AUSWERTUNG, PERCENT_COLUMNS, rounding_note

    def row(ebene: str, rec: Mapping[Any, Any], **more: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"ebene": ebene, "feld": "", "art": "", "unterziel_nr": None, "unterziel": "", **more}
        for c in COUNT_COLUMNS:
            if c in FIGURES_COLUMNS:
                out[c] = int(rec[c])
        empty = int(rec["summe"]) == 0
        for c in PERCENT_COLUMNS:
            out[c] = None if empty else int(rec[c])
        out["hinweis"] = KEINE_IN_AUSWERTUNG if empty else (rounding_note([rec]) or "")
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
    columns, rows = figures_rows(summary)
    return _csv_text(columns, rows, sep, [FIGURES_HEADERS[c] for c in columns])


def figures_to_csv_bytes(summary: Summary, sep: str = ";") -> bytes:
    return figures_to_csv(summary, sep).encode("utf-8-sig")


def figures_to_json(summary: Summary) -> str:
    columns, rows = figures_rows(summary)
    return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=1)


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make a text safe for spreadsheet programs: no formula, no DDE."""
    if value and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(konzept: Konzept, sep: str = ";") -> str:
    """CSV text (without BOM; :func:`to_csv_bytes` adds it)."""
    columns, rows = export_rows(konzept)
    return _csv_text(columns, rows, sep, [header(c) for c in columns])


def _csv_text(columns: list[str], rows: list[dict[str, Any]], sep: str, headers: list[str]) -> str:
    """CSV for German Excel: ``headers`` above the rows, every value as staff read it."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(shown_value(c, row.get(c))) for c in columns])
    return buf.getvalue()


def to_csv_bytes(konzept: Konzept, sep: str = ";") -> bytes:
    return to_csv(konzept, sep).encode("utf-8-sig")


def to_json(konzept: Konzept) -> str:
    columns, rows = export_rows(konzept)
    data = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=1)
