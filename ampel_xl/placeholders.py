"""The placeholders the master template writes, and how to recognise one left in a master.

The template (:mod:`ampel_xl.xlsx.master`) fills cells a clerk must complete with a visible text in
square brackets ("[Stichtag eintragen]"). Validation warns about every such text
still in a master (code ``template-placeholder``), because it would otherwise be printed in the
summary or the Ampeldokument. No I/O, no spreadsheet library.
"""

from __future__ import annotations

import re

STAND = "[Stichtag eintragen]"
KOPFZEILE = "[Kopfzeile für Ausdrucke eintragen]"
TITEL = "[Titel eintragen]"
GEBIET = "[Gebiet eintragen]"
AMT = "[Amt bzw. Referat eintragen]"
FELD_NAME = "[Name des Feldes eintragen]"
OBERZIEL = "[Oberziel des Feldes eintragen]"
UNTERZIEL = "[Text des Unterziels eintragen]"

#: Every placeholder text the template writes.
ALL: tuple[str, ...] = (STAND, KOPFZEILE, TITEL, GEBIET, AMT, FELD_NAME, OBERZIEL, UNTERZIEL)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


_NORMALISED = tuple(_norm(p) for p in ALL)


def find_placeholder(value: object) -> str | None:
    """The template placeholder contained in ``value`` (a cell's text), or None.

    Matching ignores case and runs of white space, and finds a placeholder anywhere in the
    text, so "Handlungsfeld [Name des Feldes eintragen]" is caught as well.
    """
    if not isinstance(value, str) or "[" not in value:
        return None
    text = _norm(value)
    for placeholder, norm in zip(ALL, _NORMALISED, strict=True):
        if norm in text:
            return placeholder
    return None
