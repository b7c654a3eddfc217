"""Konzept sheets as clerks really write them, built in code, each with what a careful colleague reads.

The structure table of the Konzept sheet ("which fields, how many Unterziele and Maßnahmen each") is
typed by hand: under the clerk's own column titles, with the fields' full names against the short tab
names, with a Σ row, without any header, with the columns in another order, or moved down and right
under the key/value rows. Each builder writes three field sheets the way
:mod:`clerk_masters` does and returns a :class:`KonzeptCase`: the :class:`~clerk_masters.Case`
(measures and findings) plus what the table declares, field by field, and the key/value rows.

On one field sheet a measure row was deleted by accident (the Konzept sheet still counts it): the
colleague notices it, in every variant whose table can be read.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.styles import Font, PatternFill

from clerk_masters import (
    ANY,
    COUNT_MASSNAHMEN,
    COUNT_TOTAL,
    COUNT_UNTERZIELE,
    KONZEPT_UNREADABLE,
    Case,
    G,
    Master,
    R,
    Y,
    three_fields,
)

#: The fields of every master here: (tab name, title on the sheet, full name in the Konzept sheet)
FIELDS = (
    ("Sprache", "Handlungsfeld Sprache", "Handlungsfeld 1: Sprache"),
    ("Kultur", "Handlungsfeld Kultur & Freizeit", "Handlungsfeld 6: Kultur und Freizeit"),
    ("Antidiskriminierung", "Querschnittsthema Antidiskriminierung", "Querschnittsthema 5: Antidiskriminierung"),
)
STATUSES = {
    "Sprache": (("Grün", "Gelb", "Rot", "Grün", "Gelb", "Grün"), (G, Y, R, G, Y, G), 3),
    "Kultur": (("Rot", "Grün", "Gelb", "Gelb"), (R, G, Y, Y), 2),
    "Antidiskriminierung": (("Grün", "Rot", "Gelb", "Grün", "Rot", "Gelb", "Grün", "Gelb"), (G, R, Y, G, R, Y, G, Y),
                            4),
}
META = {"Titel": "Integrationskonzept 2.0", "Gebiet": "Landkreis Musterhausen", "Stand": _dt.datetime(2025, 6, 30),
        "Kopfzeile": "Landkreis Musterhausen – Integrationsbeauftragte"}


@dataclass
class KonzeptCase:
    case: Case
    declared: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    """Field as named in the Konzept sheet → (Unterziele, Maßnahmen) as declared; empty when the table
    cannot be read."""
    total: tuple[int, int] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    """Konzept attribute (titel, gebiet, stand, kopfzeile) → value."""

    @property
    def path(self) -> Path:
        return self.case.path


def _fields(ms: Master, deleted: str = "Sprache") -> dict[str, tuple[int, int]]:
    """Three field sheets; in ``deleted`` one measure row is missing that the Konzept sheet still counts.
    Returns tab name → (Unterziele, Maßnahmen) as the Konzept sheet declares them."""
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    out = {}
    for tab, title, _full in FIELDS:
        fw = ms.field(tab, title, hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        words, expect, n_uz = STATUSES[tab]
        if tab == deleted:  # the last measure's row was deleted by accident
            words, expect = words[:-1], expect[:-1]
        three_fields(fw, words, expect, n_uz=n_uz)
        n_m = len(STATUSES[tab][0])
        out[tab] = (n_uz, n_m)
    ms.expect(deleted, ANY, COUNT_MASSNAHMEN)
    return out


def _write(ms: Master, top_left: tuple[int, int], meta: dict[str, Any] | None, header: list[str] | None,
           rows: list[list[Any]], below: list[list[Any]] = ()) -> None:
    """The Konzept sheet, first tab: key/value rows at the top, then the table (bold header) from
    ``top_left`` (row, column), then after a blank row the ``below`` rows (from column A)."""
    ws = ms.wb.create_sheet("Konzept", 0)
    r = 1
    for key, value in (meta or {}).items():
        ws.cell(r, 1, key).font = Font(bold=True)
        cell = ws.cell(r, 2, value)
        if isinstance(value, _dt.datetime):
            cell.number_format = "DD.MM.YYYY"
        r += 1
    r0, c0 = top_left
    assert r0 > r, "the table starts below the key/value rows"
    if header is not None:
        for i, label in enumerate(header):
            cell = ws.cell(r0, c0 + i, label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFD9E1F2")
        r0 += 1
    for row in rows:
        for i, value in enumerate(row):
            if value is not None:
                ws.cell(r0, c0 + i, value)
        r0 += 1
    r0 += 1
    for row in below:
        for i, value in enumerate(row):
            cell = ws.cell(r0, 1 + i, value)
            if isinstance(value, _dt.datetime):
                cell.number_format = "DD.MM.YYYY"
        r0 += 1
    # widths as the clerk dragged them: the names readable, the dates and counts not "###"
    ws.column_dimensions["A"].width = 30
    for i in range(max((len(x) for x in rows), default=1)):
        letter = chr(ord("A") + c0 - 1 + i)
        wide = (header is not None and len(str(header[i])) > 14) or any(
            isinstance(row[i], str) and len(row[i]) > 14 for row in rows if i < len(row))
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 42 if wide else 14)


def _meta_expect(kc: KonzeptCase, meta: dict[str, Any]) -> None:
    kc.meta = {"titel": meta.get("Titel"), "gebiet": meta.get("Gebiet"),
               "stand": meta["Stand"].date() if "Stand" in meta else None, "kopfzeile": meta.get("Kopfzeile")}


def andere_titel(path: Path) -> KonzeptCase:
    """The clerk's own column titles: "Themenfeld | Art | Anzahl UZ | Maßn. (Soll)", short tab names.

    A colleague reads the UZ and Maßn. columns as the counts at once."""
    ms = Master(path, "konzept-andere_titel")
    counts = _fields(ms)
    kc = KonzeptCase(ms.case)
    rows = []
    for tab, _title, _full in FIELDS:
        art = "Querschnittsthema" if tab == "Antidiskriminierung" else "Handlungsfeld"
        rows.append([tab, art, *counts[tab]])
        kc.declared[tab] = counts[tab]
    _write(ms, (6, 1), META, ["Themenfeld", "Art", "Anzahl UZ", "Maßn. (Soll)"], rows)
    _meta_expect(kc, META)
    kc.case = ms.save({"word"})
    return kc


def volle_namen(path: Path) -> KonzeptCase:
    """Full names in the Konzept sheet ("Handlungsfeld 1: Sprache", "… Kultur und Freizeit") against the
    short tab names and the "&" of the sheet's title; the columns titled "Bezeichnung | Ziele | Maßnahmen
    insgesamt"."""
    ms = Master(path, "konzept-volle_namen")
    counts = _fields(ms, deleted="Kultur")
    kc = KonzeptCase(ms.case)
    rows = []
    for tab, _title, full in FIELDS:
        rows.append([full, *counts[tab]])
        kc.declared[full] = counts[tab]
    meta = {k: META[k] for k in ("Titel", "Gebiet")}
    _write(ms, (4, 1), meta, ["Bezeichnung", "Ziele", "Maßnahmen insgesamt"], rows)
    _meta_expect(kc, meta)
    kc.case = ms.save({"word"})
    return kc


def summenzeile(path: Path) -> KonzeptCase:
    """A Σ row under the table (the clerk's =SUMME(), typed as its value), titles "Feld | Soll UZ | Soll M";
    below the table the Stand and a source line.

    The Σ row is no field; it still counts the deleted measure, so the total is off by one as well. The
    Stand below the table is a key/value row like those above it, the source line a note."""
    ms = Master(path, "konzept-summenzeile")
    counts = _fields(ms)
    kc = KonzeptCase(ms.case)
    rows = []
    for tab, _title, _full in FIELDS:
        rows.append([tab, *counts[tab]])
        kc.declared[tab] = counts[tab]
    total = (sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()))
    rows.append(["Σ", *total])
    kc.total = total
    above = {k: v for k, v in META.items() if k != "Stand"}
    _write(ms, (6, 1), above, ["Feld", "Soll UZ", "Soll M"], rows,
           below=[["Stand", META["Stand"]], ["Quelle: Beschluss des Kreistags vom 12.03.2024"]])
    _meta_expect(kc, META)
    ms.expect("Konzept", ANY, COUNT_TOTAL)
    kc.case = ms.save({"word"})
    return kc


def ohne_kopf(path: Path) -> KonzeptCase:
    """No header row at all: the clerk typed the names and two columns of numbers under "Struktur".

    A colleague sees which column holds the Unterziele and which the Maßnahmen from the numbers: they
    match what the sheets hold (but for the deleted row)."""
    ms = Master(path, "konzept-ohne_kopf")
    counts = _fields(ms, deleted="Antidiskriminierung")
    kc = KonzeptCase(ms.case)
    rows = []
    for tab, _title, full in FIELDS:
        rows.append([full, *counts[tab]])
        kc.declared[full] = counts[tab]
    _write(ms, (3, 1), {"Titel": META["Titel"]}, None, rows)
    _meta_expect(kc, {"Titel": META["Titel"]})
    kc.case = ms.save({"word"})
    return kc


def vertauscht(path: Path) -> KonzeptCase:
    """The table moved right and down, a running number left of the names, the Maßnahmen before the
    Unterziele: "Lfd. Nr. | Handlungsfeld / Querschnittsthema | Maßnahmen | Unterziele"."""
    ms = Master(path, "konzept-vertauscht")
    counts = _fields(ms)
    kc = KonzeptCase(ms.case)
    rows = []
    for i, (tab, _title, _full) in enumerate(FIELDS, start=1):
        rows.append([i, tab, counts[tab][1], counts[tab][0]])
        kc.declared[tab] = counts[tab]
    _write(ms, (8, 2), META, ["Lfd. Nr.", "Handlungsfeld / Querschnittsthema", "Maßnahmen", "Unterziele"], rows)
    _meta_expect(kc, META)
    kc.case = ms.save({"word"})
    return kc


def unklar(path: Path) -> KonzeptCase:
    """A table under "Bereich | Zuständig | Zahl | Jahr" whose numbers fit no count on the sheets: a
    colleague cannot tell what they count and says so (never a silent skip)."""
    ms = Master(path, "konzept-unklar")
    _fields(ms)
    ms.case.findings.clear()  # nothing to compare: the deleted row goes unnoticed, and the sheet says why
    kc = KonzeptCase(ms.case)
    rows = [[tab, "Frau Muster", 10 + i, 2025 + i] for i, (tab, _t, _f) in enumerate(FIELDS)]
    _write(ms, (4, 1), {"Titel": META["Titel"]}, ["Bereich", "Zuständig", "Zahl", "Jahr"], rows)
    _meta_expect(kc, {"Titel": META["Titel"]})
    ms.expect("Konzept", ANY, KONZEPT_UNREADABLE)
    kc.case = ms.save({"word"})
    return kc


def uz_geloescht(path: Path) -> KonzeptCase:
    """A whole Unterziel (with its measures) deleted on a sheet; the table titled "HF/QT | UZ | Maßnahmen"
    with the names in capitals."""
    ms = Master(path, "konzept-uz_geloescht")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    kc = KonzeptCase(ms.case)
    rows = []
    for tab, title, _full in FIELDS:
        fw = ms.field(tab, title, hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        words, expect, n_uz = STATUSES[tab]
        three_fields(fw, words, expect, n_uz=n_uz)
        declared = (n_uz, len(words))
        if tab == "Kultur":
            declared = (n_uz + 1, len(words) + 2)  # Unterziel 3 and its two measures are gone
        rows.append([tab.upper(), *declared])
        kc.declared[tab.upper()] = declared
    ms.expect("Kultur", ANY, COUNT_UNTERZIELE)
    ms.expect("Kultur", ANY, COUNT_MASSNAHMEN)
    _write(ms, (5, 1), {"Titel": META["Titel"], "Stand": META["Stand"]}, ["HF/QT", "UZ", "Maßnahmen"], rows)
    _meta_expect(kc, {"Titel": META["Titel"], "Stand": META["Stand"]})
    kc.case = ms.save({"word"})
    return kc


def abgekuerzt(path: Path) -> KonzeptCase:
    """Abbreviated title words: tabs "HF1 Sprache", "HF6 Kultur", "QT5 Antidiskr." and in the Konzept
    sheet "HF 1: Sprache", "HF 6: Kultur und Freizeit", "QT 5: Antidiskriminierung" under "Nr./Bezeichnung |
    Soll-UZ | Soll-Maßnahmen". A colleague reads HF as Handlungsfeld and QT as Querschnittsthema."""
    ms = Master(path, "konzept-abgekuerzt")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    kc = KonzeptCase(ms.case)
    rows = []
    tabs = {"Sprache": "HF1 Sprache", "Kultur": "HF6 Kultur", "Antidiskriminierung": "QT5 Antidiskr."}
    short = {"Sprache": "HF 1: Sprache", "Kultur": "HF 6: Kultur und Freizeit",
             "Antidiskriminierung": "QT 5: Antidiskriminierung"}
    for tab, title, _full in FIELDS:
        fw = ms.field(tabs[tab], title, hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        words, expect, n_uz = STATUSES[tab]
        declared = (n_uz, len(words))
        if tab == "Antidiskriminierung":
            words, expect = words[:-1], expect[:-1]  # the last measure's row was deleted by accident
        three_fields(fw, words, expect, n_uz=n_uz)
        rows.append([short[tab], *declared])
        kc.declared[short[tab]] = declared
    ms.expect(tabs["Antidiskriminierung"], ANY, COUNT_MASSNAHMEN)
    _write(ms, (4, 1), {"Titel": META["Titel"]}, ["Nr./Bezeichnung", "Soll-UZ", "Soll-Maßnahmen"], rows)
    _meta_expect(kc, {"Titel": META["Titel"]})
    kc.case = ms.save({"word"})
    return kc


BUILDERS: dict[str, Callable[[Path], KonzeptCase]] = {
    "abgekuerzt": abgekuerzt,
    "andere-titel": andere_titel,
    "volle-namen": volle_namen,
    "summenzeile": summenzeile,
    "ohne-kopf": ohne_kopf,
    "vertauscht": vertauscht,
    "unklar": unklar,
    "uz-geloescht": uz_geloescht,
}


def blatt_fehlt(path: Path) -> tuple[Path, str]:
    """The table of "vertauscht" (names in column C) still lists "Wohnen", whose sheet the clerk deleted.
    Returns the path and the cell that names Wohnen, where a colleague points at the missing sheet."""
    ms = Master(path, "konzept-blatt_fehlt")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    rows = []
    for i, (tab, title, _full) in enumerate(FIELDS, start=1):
        fw = ms.field(tab, title, hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        words, expect, n_uz = STATUSES[tab]
        three_fields(fw, words, expect, n_uz=n_uz)
        rows.append([i, tab, len(words), n_uz])
    rows.append([4, "Wohnen", 9, 5])
    _write(ms, (8, 2), META, ["Lfd. Nr.", "Handlungsfeld / Querschnittsthema", "Maßnahmen", "Unterziele"], rows)
    ms.save({"word"})
    return path, "C12"
