"""Figures: model → pandas DataFrames. No I/O.

Only measures in the evaluation count (the contract's "In Auswertung" rule; when a master marks
none, all count, see :attr:`Konzept.auswertung_rule`). Every writer (summary workbook,
Ampeldokument, notebooks) takes its numbers from here, so nothing is computed twice.

Columns of every figures table:

``massnahmen`` (all measures), ``in_auswertung`` (those counted), ``gruen``, ``gelb``, ``rot``,
``ohne`` (counted but without status), ``summe`` (= in_auswertung), the exact shares
``anteil_gruen``, ``anteil_gelb``, ``anteil_rot``, ``anteil_ohne`` (fractions 0..1 of ``summe``,
NaN when nothing is evaluated) and the printed shares ``prozent_gruen``, ``prozent_gelb``,
``prozent_rot``, ``prozent_ohne`` (whole percents by the rule below; ``<NA>`` when nothing is
evaluated). Outputs print ``prozent_*``, never a rounding of ``anteil_*``.

The one rounding rule
---------------------
Every share any output shows is a whole percent computed here, so the summary workbook, the
Ampeldokument, compare, history, the notebook and the exports print the same number:

* every share is its count over the sum, rounded commercially (half-up) on its own
  (:func:`round_percent`: 1 of 8 = 12.5 % → 13 %, 10 of 16 = 62.5 % → 63 %, where Python's
  ``round`` would give 12 and 62); :func:`percent_parts` does so for the parts of one whole, so
  equal counts always print equal shares (1, 1, 1 → 33 %, 33 %, 33 %);
* as in German official statistics, the printed parts of one whole may then add up to 99 or 101 %;
  a table or chart with such a row carries the note :data:`ROUNDING_NOTE`
  ("Rundungsdifferenzen möglich"; :func:`rounding_differs`, :func:`rounding_note`);
* where nothing is evaluated there is no share: ``None``, printed as "–"
  (:func:`format_percent`) or :data:`KEINE_IN_AUSWERTUNG` — never "0 %".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .display import summary_html
from .model import Konzept, Massnahme, Status
from .vocabulary import NO_STATUS, STATUS_LABELS, STATUS_ORDER

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .validation import Report

#: What every output prints for a group (Unterziel, field) without any measure in the evaluation.
KEINE_IN_AUSWERTUNG = "keine in Auswertung"

#: The note a table or chart carries where the printed shares of one of its rows (each rounded on
#: its own) do not add up to 100 %, as German official statistics write it.
ROUNDING_NOTE = "Rundungsdifferenzen möglich"

#: Printed in place of a share that does not exist (nothing evaluated): an en dash.
NO_SHARE = "\u2013"

#: Between a number and the percent sign, German typesetting (DIN 5008) puts a space; a no-break
#: space keeps "63 %" on one line.
PERCENT_SEPARATOR = "\u00a0"


#: The number format of a share cell in the workbooks: the whole percent with the same no-break
#: space as :func:`format_percent` (a cell holding 0.63 shows "63 %", as the German texts do).
EXCEL_PERCENT_FORMAT = '0"\u00a0"%'


#: The status keys of a row's parts, in print order.
PART_KEYS = ("gruen", "gelb", "rot", "ohne")


def round_percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, rounded half-up (commercial rounding).

    Exact integer arithmetic (no float error at the .5 boundary): 1 of 8 → 13, 10 of 16 → 63,
    1 of 3 → 33. ``None`` when ``whole`` is 0: nothing evaluated, no share.
    """
    part, whole = int(part), int(whole)
    if whole < 0 or part < 0:
        raise ValueError(f"counts must not be negative: {part} of {whole}")
    if whole == 0:
        return None
    # floor(100 * part / whole + 1/2) in integers
    return (200 * part + whole) // (2 * whole)


def percent_parts(counts: Sequence[int]) -> list[int]:
    """Whole percents of the parts of one whole, each rounded half-up on its own (:func:`round_percent`).

    Equal counts get equal shares; the parts may add up to 99 or 101 (then the output carries
    :data:`ROUNDING_NOTE`, see :func:`rounding_differs`). All parts are 0 when the total is 0
    (callers print "–" for such a group, see :func:`format_percent`).
    """
    values = [int(c) for c in counts]
    if any(c < 0 for c in values):
        raise ValueError(f"counts must not be negative: {values}")
    total = sum(values)
    if total == 0:
        return [0] * len(values)
    return [round_percent(c, total) or 0 for c in values]


def rounding_differs(percents: Iterable[Any]) -> bool:
    """True when printed shares of one whole (``None``/NA for "no share" left out) do not add up to 100."""
    shown = [int(p) for p in percents if not _is_missing(p)]
    return bool(shown) and sum(shown) != 100


def rounding_note(rows: Iterable[Mapping[Any, Any] | pd.Series] | pd.DataFrame,
                  keys: Sequence[str] = PART_KEYS) -> str | None:
    """:data:`ROUNDING_NOTE` when the printed shares ``prozent_*`` of any of ``rows`` (figures rows: dicts,
    pandas rows or a DataFrame) do not add up to 100, else ``None``. A table or chart prints it."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    for row in records:
        if rounding_differs(row[f"prozent_{k}"] for k in keys if f"prozent_{k}" in row):
            return ROUNDING_NOTE
    return None


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):  # pd.NA compares to NA, whose truth is ambiguous
        return True


def format_percent(value: int | None) -> str:
    """German text of a whole percent: ``63`` → "63 %" (no-break space); ``None`` → "–"."""
    if value is None:
        return NO_SHARE
    try:
        import pandas as pd

        if pd.isna(value):
            return NO_SHARE
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return f"{int(value)}{PERCENT_SEPARATOR}%"


COUNT_COLUMNS = ["massnahmen", "in_auswertung", "gruen", "gelb", "rot", "ohne", "summe"]
SHARE_COLUMNS = ["anteil_gruen", "anteil_gelb", "anteil_rot", "anteil_ohne"]
PERCENT_COLUMNS = [f"prozent_{k}" for k in PART_KEYS]

#: German column labels for outputs.
LABELS = {
    "feld": "Feld",
    "art": "Art",
    "unterziel_nr": "Unterziel",
    "unterziel": "Unterziel (Text)",
    "massnahmen": "Maßnahmen",
    "in_auswertung": "In Auswertung",
    **STATUS_LABELS,
    "summe": "Summe",
    **{f"anteil_{key}": f"Anteil {label}" for key, label in STATUS_LABELS.items()},
    **{f"prozent_{key}": f"{label} %" for key, label in STATUS_LABELS.items()},
}


def count(massnahmen: Iterable[Massnahme]) -> dict[str, float | None]:
    """Counts and shares for a group of measures (one row of a figures table)."""
    n = n_eval = g = y = r = o = 0
    for m in massnahmen:
        n += 1
        if not m.in_auswertung:
            continue
        n_eval += 1
        s = m.status
        if s is Status.GRUEN:
            g += 1
        elif s is Status.GELB:
            y += 1
        elif s is Status.ROT:
            r += 1
        else:
            o += 1
    row: dict[str, float | None] = {
        "massnahmen": n, "in_auswertung": n_eval, "gruen": g, "gelb": y, "rot": r, "ohne": o, "summe": n_eval,
    }
    parts = percent_parts([g, y, r, o])
    for key, value, pct in zip(PART_KEYS, (g, y, r, o), parts, strict=True):
        row[f"anteil_{key}"] = (value / n_eval) if n_eval else math.nan
        row[f"prozent_{key}"] = pct if n_eval else None
    return row


def row_percents(row: Mapping[Any, Any] | pd.Series, keys: Sequence[str] = PART_KEYS) -> dict[str, int | None]:
    """The printed shares of some statuses of one figures row (a dict or a pandas row).

    ``keys`` chooses the parts (e.g. Grün, Gelb, Rot when a master has no "ohne Bewertung"); each is
    its count over the sum of ``keys``' counts, rounded on its own. ``None`` each when nothing is evaluated.
    """
    counts = [int(row[k]) for k in keys]
    if not sum(counts):
        return dict.fromkeys(keys)
    return dict(zip(keys, percent_parts(counts), strict=True))


@dataclass(frozen=True)
class Summary:
    """The figures of one master: per field, per Unterziel and in total."""

    konzept: Konzept
    felder: pd.DataFrame
    """One row per field (in the master's order)."""
    unterziele: pd.DataFrame
    """One row per Unterziel (field, number, text)."""
    total: pd.DataFrame
    """One row: the whole concept."""
    report: Report | None = None

    @property
    def rule(self) -> str:
        """The evaluation rule that was applied (German sentence)."""
        return self.konzept.auswertung_rule

    @property
    def has_ohne(self) -> bool:
        """True when some counted measure has no status (then "ohne Bewertung" is shown)."""
        return bool(self.total["ohne"].iloc[0])

    def text(self) -> str:
        """One German sentence of the totals, as the command line prints it: "168 von 193 Maßnahmen
        in der Auswertung: 90 Grün (54 %), 50 Gelb (30 %), 28 Rot (17 %). Rundungsdifferenzen möglich."
        ("ohne Bewertung" only when some counted measure has no status; no shares when nothing is
        evaluated; the note only where the shares do not add up to 100 %)."""
        tot = self.total.iloc[0]
        n = int(tot["summe"])

        def part(key: str, label: str) -> str:
            share = f" ({format_percent(tot[f'prozent_{key}'])})" if n else ""
            return f"{int(tot[key])} {label}{share}"

        parts = [part(s.value, s.label) for s in STATUS_ORDER]
        if int(tot[NO_STATUS]):
            parts.append(part(NO_STATUS, STATUS_LABELS[NO_STATUS]))
        note = rounding_note([tot])
        return (f"{n} von {int(tot['massnahmen'])} Maßnahmen in der Auswertung: " + ", ".join(parts) + "."
                + (f" {note}." if note else ""))

    def feld_unterziele(self, feld: str) -> pd.DataFrame:
        """The Unterziel rows of one field."""
        return self.unterziele[self.unterziele["feld"] == feld].reset_index(drop=True)

    def _repr_html_(self) -> str:
        return summary_html(self)


def summarize(konzept: Konzept, report: Report | None = None) -> Summary:
    """Figures of a read master (:func:`ampel_xl.summarize` also takes a path)."""
    import pandas as pd


    feld_rows = []
    uz_rows = []
    for f in konzept.felder:
        feld_rows.append({"feld": f.name, "art": f.art.value, "sheet": f.sheet,
                          "unterziele": len(f.unterziele), **count(f.massnahmen)})
        for u in f.unterziele:
            uz_rows.append({"feld": f.name, "unterziel_nr": u.nr, "unterziel": u.text, **count(u.massnahmen)})
        if f.orphans:
            uz_rows.append({"feld": f.name, "unterziel_nr": None, "unterziel": "(ohne Unterziel)", **count(f.orphans)})
    total = {"feld": "Gesamt", "art": "", "sheet": "", "unterziele": len(konzept.unterziele),
             **count(konzept.massnahmen)}
    feld_cols = ["feld", "art", "sheet", "unterziele", *COUNT_COLUMNS, *SHARE_COLUMNS, *PERCENT_COLUMNS]
    uz_cols = ["feld", "unterziel_nr", "unterziel", *COUNT_COLUMNS, *SHARE_COLUMNS, *PERCENT_COLUMNS]
    felder = pd.DataFrame(feld_rows, columns=feld_cols)
    unterziele = pd.DataFrame(uz_rows, columns=uz_cols)
    for df in (felder, unterziele):
        for c in COUNT_COLUMNS:
            df[c] = df[c].astype("int64")
    unterziele["unterziel_nr"] = unterziele["unterziel_nr"].astype("Int64")
    total_df = pd.DataFrame([total], columns=feld_cols)
    for df in (felder, unterziele, total_df):
        for c in SHARE_COLUMNS:
            df[c] = df[c].astype("float64")
        for c in PERCENT_COLUMNS:
            df[c] = df[c].astype("Int64")
    return Summary(konzept=konzept, felder=felder, unterziele=unterziele, total=total_df, report=report)
