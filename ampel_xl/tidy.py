"""The tidy table of a master: one row per measure, in the master's order.

Columns (named exactly so): ``sheet``, ``feld``, ``art``, ``unterziel_nr``, ``unterziel``,
``massnahme_nr``, ``massnahme_id``, ``massnahme``, ``status`` (``gruen``/``gelb``/``rot`` or
empty), ``in_auswertung`` (true/false), ``cell`` (the status cell), then ``markiert``,
``bemerkung``, ``verantwortlich``, ``zeitraum``, ``status_zusatz`` (what follows a leading status
word in the status cell: "verzögert" in "Grün (verzögert)") and the master's extra columns.

One table for every output of the measures: :meth:`Konzept.to_frame <ampel_xl.model.Konzept.to_frame>`
(:func:`konzept_frame`), the CSV and JSON export (:mod:`ampel_xl.export`) and the sheet
"Maßnahmen" of the summary. Like :mod:`ampel_xl.display`, it sits below the model: it takes model
objects (named for the type checker only) and imports nothing of the package at run time, so that
``model.py`` can use it without importing upwards. pandas is imported only by
:func:`konzept_frame`, so that the command line starts fast.

The keys are stable (JSON, DataFrames, programs). What staff read – the sheet "Maßnahmen" and the
CSV for German Excel – shows :data:`HEADERS` and :func:`shown_value` instead: German headers,
"ja"/"nein", "Grün"/"Gelb"/"Rot".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Konzept

BASE_COLUMNS = [
    "sheet", "feld", "art", "unterziel_nr", "unterziel", "massnahme_nr", "massnahme_id", "massnahme",
    "status", "in_auswertung", "cell",
]
MORE_COLUMNS = ["markiert", "bemerkung", "verantwortlich", "zeitraum", "status_zusatz"]

#: The German header of each key, for the outputs staff read (the master's extra columns keep their label).
HEADERS: dict[str, str] = {
    "sheet": "Blatt", "feld": "Feld", "art": "Art", "unterziel_nr": "Unterziel-Nr.", "unterziel": "Unterziel",
    "massnahme_nr": "Maßnahme-Nr.", "massnahme_id": "ID", "massnahme": "Maßnahme", "status": "Status",
    "in_auswertung": "In Auswertung", "cell": "Statuszelle", "markiert": "Markiert", "bemerkung": "Bemerkung",
    "verantwortlich": "Verantwortlich", "zeitraum": "Zeitraum", "status_zusatz": "Zusatz zum Status",
}


def header(key: str) -> str:
    """The German header of the column ``key`` (an extra column of the master keeps its label)."""
    return HEADERS.get(key, key)


def shown_value(key: str, value: Any) -> Any:
    """A value as staff read it: a status as its German word, a yes/no as "ja"/"nein"."""
    from .vocabulary import STATUS_LABELS

    if isinstance(value, bool):
        return "ja" if value else "nein"
    if key == "status" and value is not None:
        return STATUS_LABELS.get(str(value), value)
    return value


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


def konzept_frame(konzept: Konzept) -> pd.DataFrame:
    """:func:`export_rows` as a DataFrame (``unterziel_nr`` as nullable integers)."""
    import pandas as pd

    columns, rows = export_rows(konzept)
    df = pd.DataFrame(rows, columns=columns)
    df["unterziel_nr"] = df["unterziel_nr"].astype("Int64")
    return df
