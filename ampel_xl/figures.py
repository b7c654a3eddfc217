"""Figures: model → pandas DataFrames. No I/O.

Only measures in the evaluation count (the contract's "In Auswertung" rule; when a master marks
none, all count, see :attr:`Konzept.auswertung_rule`). Every writer (summary workbook,
Ampeldokument, notebooks) takes its numbers from here, so nothing is computed twice.

Columns of every figures table:

``massnahmen`` (all measures), ``in_auswertung`` (those counted), ``gruen``, ``gelb``, ``rot``,
``ohne`` (counted but without status), ``summe`` (= in_auswertung) and the shares
``anteil_gruen``, ``anteil_gelb``, ``anteil_rot``, ``anteil_ohne`` (fractions 0..1 of ``summe``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Konzept, Massnahme, Status
from .vocabulary import STATUS_LABELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .validate import Report

COUNT_COLUMNS = ["massnahmen", "in_auswertung", "gruen", "gelb", "rot", "ohne", "summe"]
SHARE_COLUMNS = ["anteil_gruen", "anteil_gelb", "anteil_rot", "anteil_ohne"]

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
}


def count(massnahmen: Iterable[Massnahme]) -> dict[str, float]:
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
    row: dict[str, float] = {
        "massnahmen": n, "in_auswertung": n_eval, "gruen": g, "gelb": y, "rot": r, "ohne": o, "summe": n_eval,
    }
    for key, value in (("gruen", g), ("gelb", y), ("rot", r), ("ohne", o)):
        row[f"anteil_{key}"] = (value / n_eval) if n_eval else 0.0
    return row


@dataclass(frozen=True)
class Summary:
    """The figures of one master: per field, per Unterziel and in total."""

    konzept: Konzept
    felder: "pd.DataFrame"
    """One row per field (in the master's order)."""
    unterziele: "pd.DataFrame"
    """One row per Unterziel (field, number, text)."""
    total: "pd.DataFrame"
    """One row: the whole concept."""
    report: "Report | None" = None

    @property
    def rule(self) -> str:
        """The evaluation rule that was applied (German sentence)."""
        return self.konzept.auswertung_rule

    @property
    def has_ohne(self) -> bool:
        """True when some counted measure has no status (then "ohne Bewertung" is shown)."""
        return bool(self.total["ohne"].iloc[0])

    def feld_unterziele(self, feld: str) -> "pd.DataFrame":
        """The Unterziel rows of one field."""
        return self.unterziele[self.unterziele["feld"] == feld].reset_index(drop=True)

    def _repr_html_(self) -> str:
        from .display import summary_html

        return summary_html(self)


def summarize(konzept_or_path: Konzept | str | os.PathLike[str], report: "Report | None" = None) -> Summary:
    """Figures of a master (a path or a read :class:`Konzept`)."""
    import pandas as pd

    if isinstance(konzept_or_path, Konzept):
        konzept = konzept_or_path
    else:
        from .reader import read

        konzept = read(konzept_or_path)

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
    feld_cols = ["feld", "art", "sheet", "unterziele", *COUNT_COLUMNS, *SHARE_COLUMNS]
    uz_cols = ["feld", "unterziel_nr", "unterziel", *COUNT_COLUMNS, *SHARE_COLUMNS]
    felder = pd.DataFrame(feld_rows, columns=feld_cols)
    unterziele = pd.DataFrame(uz_rows, columns=uz_cols)
    for df in (felder, unterziele):
        for c in COUNT_COLUMNS:
            df[c] = df[c].astype("int64")
    unterziele["unterziel_nr"] = unterziele["unterziel_nr"].astype("Int64")
    total_df = pd.DataFrame([total], columns=feld_cols)
    return Summary(konzept=konzept, felder=felder, unterziele=unterziele, total=total_df, report=report)
