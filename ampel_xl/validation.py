"""Validation: model → findings. No I/O, no spreadsheet library.

Findings are values, not exceptions: each has a stable ``code``, a ``severity``
(``error``/``warning``/``info``, shown as Fehler/Warnung/Hinweis), the sheet and cell, a German
``message`` that names what was found and a ``hint`` how to fix it. Errors stop figures from
being written (unless forced); warnings never do. The table of codes is :data:`CODES` (also in
the README).
"""

from __future__ import annotations

import enum
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .display import report_html
from .model import Feld, Konzept, Massnahme, StatusEvidence, field_key
from .vocabulary import STATUS_CHOICE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every finding code: severity and a short German description (the README's table is made from this).
CODES: dict[str, tuple[Severity, str]] = {
    "no-field-sheets": (E, "Kein Blatt ist als Handlungsfeld oder Querschnittsthema erkennbar."),
    "sheet-ignored": (I, "Ein Blatt ist kein Feld und wird nicht ausgewertet (z. B. Legende, Notizen)."),
    "no-konzept-sheet": (I, "Es gibt kein Blatt „Konzept“; die Anzahlen werden nicht gegen Soll-Werte geprüft."),
    "missing-oberziel": (W, "Ein Feld hat kein Oberziel."),
    "no-table": (E, "Auf einem Feldblatt wurde keine Kopfzeile der Maßnahmentabelle gefunden."),
    "field-empty": (I, "Ein Feld enthält noch keine Maßnahmen."),
    "measure-without-unterziel": (E, "Eine Maßnahme gehört zu keinem Unterziel (steht vor dem ersten Unterziel)."),
    "unterziel-unreadable": (E, "Die Unterziel-Zelle einer Maßnahme enthält keine Unterziel-Nummer."),
    "unterziel-carried": (W, "Die Unterziel-Zelle ist leer und nicht verbunden; das Unterziel der Zeile darüber wurde übernommen."),
    "unterziel-duplicate": (E, "Eine Unterziel-Nummer kommt in einem Feld mehrfach vor."),
    "unterziel-missing": (W, "In der Nummernfolge der Unterziele fehlt eine Nummer."),
    "unterziel-order": (W, "Die Unterziele stehen nicht in aufsteigender Reihenfolge."),
    "unterziel-empty": (W, "Ein Unterziel hat keine Maßnahmen."),
    "measure-duplicate": (E, "Eine Maßnahmen-Nummer (und damit ihre ID) kommt in einem Feld mehrfach vor."),
    "measure-without-number": (W, "Eine Maßnahme hat keine Nummer; ihre ID hängt dann an der Zeile."),
    "measure-without-text": (W, "Eine Maßnahme hat keinen Text."),
    "count-unterziele": (E, "Die Zahl der Unterziele weicht vom Blatt „Konzept“ ab."),
    "count-massnahmen": (E, "Die Zahl der Maßnahmen weicht vom Blatt „Konzept“ ab."),
    "count-total": (E, "Die Gesamtzahlen weichen von der Gesamt-Zeile im Blatt „Konzept“ ab."),
    "field-missing": (E, "Ein im Blatt „Konzept“ genanntes Feld hat kein Blatt."),
    "field-undeclared": (W, "Ein Feldblatt ist im Blatt „Konzept“ nicht genannt."),
    "color-unknown": (E, "Eine Farbe der Ampel-Zelle (Füllung, bedingte Formatierung oder Farbe eines Zeichens wie ●) "
                         "passt zu keinem Status."),
    "status-conflict": (E, "Zwei Kanäle der Ampel-Zelle widersprechen sich (Text, Füllfarbe, bedingte Formatierung, "
                           "Symbol, Zeichenfarbe)."),
    "status-missing": (E, "Eine Maßnahme in der Auswertung hat keinen Status."),
    "status-missing-unmarked": (W, "Eine Maßnahme außerhalb der Auswertung hat keinen lesbaren Status."),
    "status-text-unknown": (E, "Der Text einer Ampel-Zelle ist kein bekanntes Status-Wort (lässt sich über das Blatt "
                               "„Legende“ beibringen)."),
    "icon-unknown": (E, "Ein Symbol der bedingten Formatierung (Symbolsatz) steht für keinen Status."),
    "cf-unreadable": (W, "Eine Regel der bedingten Formatierung, die eine Ampel-Zelle betrifft, kann nicht "
                         "ausgewertet werden."),
    "word-conflict": (W, "Das Blatt „Legende“ oder eine Auswahlliste ordnet ein Wort mehreren Status zu; es wird "
                         "nicht gelernt."),
    "field-duplicate": (E, "Zwei Blätter beanspruchen dasselbe Feld."),
    "row-outside-table": (I, "Eine Zeile unter oder neben der Tabelle ist keine Maßnahme (Legende, Notiz, Summe, "
                             "Unterschrift) und wird nicht gezählt."),
    "label-empty": (W, "Neben „Sachstand“, „Highlights“, „Oberziel“, „Einleitung“ oder „Ausblick“ steht kein Text."),
    "konzept-unreadable": (W, "Die Tabelle im Blatt „Konzept“ lässt sich nicht lesen."),
    "status-ambiguous": (E, "Der Text einer Ampel-Zelle kann mehr als einen Status bedeuten (der Buchstabe „G“, "
                            "„Grün/Gelb“)."),
    "status-on-unterziel": (W, "Eine Unterziel-Zeile hat einen Status; gezählt werden nur Maßnahmen."),
    "formula-uncached": (E, "Die Ampel-Zelle enthält eine Formel ohne gespeichertes Ergebnis."),
    "status-blue": (W, "Die Ampel-Zelle ist blau; Blau markiert die Auswertung, nicht den Status."),
    "row-hidden": (W, "Eine Maßnahme steht in einer ausgeblendeten Zeile; sie wird mitgezählt."),
    "nothing-marked": (I, "Keine Maßnahme ist für die Auswertung markiert; alle Maßnahmen zählen."),
    "auswertung-unreadable": (W, "Der Eintrag in der Spalte „In Auswertung“ ist weder ja noch nein."),
    "template-placeholder": (W, "Im Master steht noch ein Platzhalter der Vorlage (Text in eckigen Klammern)."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    sheet: str | None
    cell: str | None
    message: str
    hint: str = ""
    row: int | None = None

    @property
    def location(self) -> str:
        """``Sprache!D14``, ``Sprache`` or ``Arbeitsmappe``."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or "Arbeitsmappe"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Report:
    """The findings of one master, ordered by sheet and row."""

    source: str
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is E)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is W)

    @property
    def infos(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is I)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity.value for f in self.findings)
        return {"error": c["error"], "warning": c["warning"], "info": c["info"]}

    def by_sheet(self) -> list[tuple[str, list[Finding]]]:
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.sheet or "Arbeitsmappe", []).append(f)
        return list(groups.items())

    def codes(self) -> list[tuple[str | None, str | None, str]]:
        """``(sheet, cell, code)`` for every finding: handy in tests and notebooks."""
        return [(f.sheet, f.cell, f.code) for f in self.findings]

    def as_dict(self) -> dict[str, Any]:
        return {"findings": [f.as_dict() for f in self.findings], "counts": self.counts}

    def to_frame(self) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame(
            [f.as_dict() for f in self.findings],
            columns=["code", "severity", "sheet", "cell", "message", "hint"],
        )

    def _repr_html_(self) -> str:
        return report_html(self)


# --------------------------------------------------------------------------------------------


def _hex(ev: StatusEvidence) -> str:
    return f"#{ev.fill}" if ev.fill else "ohne Füllung"


def _colour(ev: StatusEvidence) -> str:
    if not ev.fill:
        return "ohne Füllung"
    return f"{ev.color_name or 'unbenannt'} ({_hex(ev)})"


_OUTSIDE = {
    "summe": "eine Summen- oder Zählzeile",
    "notiz": "eine Notiz unter der Tabelle",
    "legende": "eine Legende",
    "unterschrift": "eine Unterschriftszeile",
    "neben": "ein Eintrag neben der Tabelle",
}

_ART_WORD = {"Handlungsfeld": "diesem Handlungsfeld", "Querschnittsthema": "diesem Querschnittsthema"}


class _Collector:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, code: str, sheet: str | None, cell: str | None, row: int | None, message: str, hint: str,
            severity: Severity | None = None) -> None:
        sev = severity or CODES[code][0]
        self.items.append(Finding(code, sev, sheet, cell, message, hint, row))


def validate(konzept: Konzept) -> Report:
    """Check a read master and return its :class:`Report` (:func:`ampel_xl.validate` also takes a path)."""
    out = _Collector()
    _check_workbook(konzept, out)
    for feld in konzept.felder:
        _check_feld(feld, out)
    _check_declared(konzept, out)
    _check_placeholders(konzept, out)
    order = {s.name: i for i, s in enumerate(konzept.sheets)}
    findings = sorted(
        out.items,
        key=lambda f: (
            -1 if f.sheet is None else order.get(f.sheet, len(order)),
            f.row or 0,
            _col_index(f.cell),
            f.severity.rank,
        ),
    )
    return Report(source=konzept.source, findings=tuple(findings))


def _col_index(cell: str | None) -> int:
    if not cell:
        return -1
    m = re.match(r"([A-Z]+)", cell)
    n = 0
    for ch in m.group(1) if m else "":
        n = n * 26 + ord(ch) - 64
    return n


def _n_massnahmen(f: Feld) -> int:
    """``len(f.massnahmen)`` without building and sorting the list."""
    return sum(len(u.massnahmen) for u in f.unterziele) + len(f.orphans)


def _check_workbook(k: Konzept, out: _Collector) -> None:
    if not k.felder:
        out.add("no-field-sheets", None, None, None,
                "In der Arbeitsmappe wurde kein Blatt gefunden, das mit „Handlungsfeld …“ oder „Querschnittsthema …“ beginnt.",
                "Jedes Feld braucht ein eigenes Blatt mit dem Titel (z. B. „Handlungsfeld Sprache“) in einer der ersten Zeilen.")
    doubled = {a.sheet for a in k.anomalies if a.code == "feld_doppelt"}
    for a in k.anomalies:
        if a.code == "feld_doppelt":
            keep, drop, name = (a.detail.split("\t") + ["", "", ""])[:3]
            out.add("field-duplicate", a.sheet, a.cell, a.row,
                    f"Die Blätter „{keep}“ und „{drop}“ beanspruchen beide das Feld „{name}“; gelesen wird nur „{keep}“.",
                    f"Löschen Sie die Kopie „{drop}“ oder ändern Sie ihren Titel, falls sie ein anderes Feld ist.")
        elif a.code == "wort_widerspruch":
            word, _, statuses = a.detail.partition("\t")
            out.add("word-conflict", a.sheet, a.cell, a.row,
                    f"Das Wort „{word}“ wird mehreren Status zugeordnet ({statuses}); ampel_xl lernt es daher nicht.",
                    "Ordnen Sie jedes Wort in der Legende bzw. der Auswahlliste genau einer Ampelfarbe zu.")
        elif a.code == "konzept_unlesbar":
            kind, *rest = a.detail.split("\t")
            if kind == "zahl":
                name, value = (rest + ["", ""])[:2]
                out.add("konzept-unreadable", a.sheet, a.cell, a.row,
                        f"Im Blatt „Konzept“ steht bei „{name}“ „{value}“ statt einer Anzahl; diese Soll-Zahl wird nicht geprüft.",
                        "Tragen Sie die Anzahl als ganze Zahl ein.")
            else:
                out.add("konzept-unreadable", a.sheet, a.cell, a.row,
                        "Das Blatt „Konzept“ enthält eine Tabelle, deren Kopfzeile nicht erkannt wird; die Anzahlen werden "
                        "daher nicht gegen Soll-Werte geprüft.",
                        "Die Kopfzeile braucht eine Spalte „Feld“ und mindestens eine der Spalten „Unterziele“ bzw. "
                        "„Maßnahmen“ (auch „Anzahl Unterziele“, „Soll-Anzahl Maßnahmen“).")
    for s in k.sheets:
        if s.kind == "ignoriert" and s.name not in doubled:
            out.add("sheet-ignored", s.name, None, 0,
                    f"Das Blatt „{s.name}“ ist kein Handlungsfeld oder Querschnittsthema und wird nicht ausgewertet.",
                    "Nichts zu tun, falls das so gewollt ist (z. B. Legende, Notizen). Sonst oben im Blatt den Titel "
                    "„Handlungsfeld …“ bzw. „Querschnittsthema …“ eintragen.")
    if k.konzept_sheet is None and k.felder:
        out.add("no-konzept-sheet", None, None, None,
                "Es gibt kein Blatt „Konzept“; die gefundenen Anzahlen von Unterzielen und Maßnahmen werden nicht geprüft.",
                "Legen Sie ein Blatt „Konzept“ mit der Tabelle Feld | Art | Unterziele | Maßnahmen an, damit versehentlich "
                "gelöschte Zeilen auffallen.")
    if k.felder and any(_n_massnahmen(f) for f in k.felder) and not k.any_marked:
        out.add("nothing-marked", None, None, None,
                "Keine Maßnahme ist blau hinterlegt oder als „In Auswertung“ markiert; daher zählen alle Maßnahmen.",
                "Wenn nur ein Teil der Maßnahmen in die Auswertung eingehen soll, hinterlegen Sie deren Nr.- oder "
                "Textzelle blau.")


def _check_feld(f: Feld, out: _Collector) -> None:
    sheet = f.sheet
    if not f.oberziel:
        out.add("missing-oberziel", sheet, f.title_cell, 0,
                f"Für „{f.name}“ wurde kein Oberziel gefunden.",
                "Tragen Sie unter dem Titel eine Zeile „Oberziel“ mit dem Text daneben ein (oder „Oberziel: …“ in einer Zelle).")
    in_use = bool(_n_massnahmen(f))  # a fresh template's empty labels are there to be filled in
    for a in f.anomalies:
        if a.code == "label_leer" and in_use:
            out.add("label-empty", sheet, a.cell, a.row,
                    f"Neben „{a.detail}“ steht kein Text.",
                    f"Tragen Sie den Text rechts neben „{a.detail}“ ein oder löschen Sie die Beschriftung.")
    if f.table is None:
        out.add("no-table", sheet, None, 0,
                f"Auf dem Blatt „{sheet}“ wurde keine Maßnahmentabelle gefunden (Kopfzeile mit „Nr“, „Maßnahme“ und „Ampel“).",
                "Die Tabelle braucht eine Kopfzeile mit mindestens den Spalten „Maßnahme“ (oder „Unterziel / Maßnahme“) und "
                "„Ampel“ (oder „Status“) bzw. „Nr“.")
        return
    for a in f.anomalies:
        if a.code == "auswertung_unlesbar":
            out.add("auswertung-unreadable", sheet, a.cell, a.row,
                    f"In der Spalte „In Auswertung“ steht „{a.detail}“ – das ist weder ja noch nein.",
                    "Tragen Sie „x“ (bzw. „ja“) ein, wenn die Maßnahme in die Auswertung eingeht, sonst lassen Sie die Zelle leer.")
        elif a.code == "unterziel_unlesbar":
            out.add("unterziel-unreadable", sheet, a.cell, a.row,
                    f"In der Unterziel-Spalte steht „{a.detail}“; daraus geht keine Unterziel-Nummer hervor.",
                    "Tragen Sie die Nummer des Unterziels ein (z. B. „3“ oder „Unterziel 3: …“).")
        elif a.code == "zeile_ausserhalb":
            why, _, text = a.detail.partition("\t")
            what = _OUTSIDE.get(why, "keine Maßnahme")
            out.add("row-outside-table", sheet, a.cell, a.row,
                    f"Zeile {a.row} („{_short(text)}“) ist {what} und wird nicht als Maßnahme gezählt.",
                    "Nichts zu tun, falls das so gewollt ist. Ist es doch eine Maßnahme, tragen Sie sie mit Nummer in "
                    "die Tabelle ein (ohne Leerzeile davor).")
        elif a.code == "unterziel_uebernommen":
            out.add("unterziel-carried", sheet, a.cell, a.row,
                    "Die Unterziel-Zelle ist leer (und nicht mit der Zelle darüber verbunden); die Maßnahme wurde dem "
                    "Unterziel der Zeile darüber zugeordnet.",
                    "Tragen Sie die Unterziel-Nummer ein oder verbinden Sie die Zellen der Gruppe.")

    massnahmen = f.massnahmen  # a property that builds and sorts the list: once per field
    if not massnahmen:
        out.add("field-empty", sheet, None, 0, f"„{f.name}“ enthält noch keine Maßnahmen.",
                "Tragen Sie die Maßnahmen unter ihren Unterzielen ein.")

    # Unterziele: numbering
    nrs = [u.nr for u in f.unterziele]
    seen: set[int] = set()
    for u in f.unterziele:
        if u.nr in seen:
            out.add("unterziel-duplicate", sheet, u.cell, u.row,
                    f"Unterziel {u.nr} kommt in „{f.name}“ mehrfach vor.",
                    "Prüfen Sie die Nummerierung der Unterziele; jede Nummer darf nur einmal vorkommen.")
        seen.add(u.nr)
        if u.evidence is not None and not u.evidence.empty:
            what = u.evidence.text or _colour(u.evidence)
            out.add("status-on-unterziel", sheet, u.evidence.cell, u.row,
                    f"Die Unterziel-Zeile {u.nr} hat einen Status („{what}“); gezählt werden nur Maßnahmen.",
                    "Entfernen Sie Text und Farbe aus der Ampel-Zelle der Unterziel-Zeile.")
        if massnahmen and not u.massnahmen:
            out.add("unterziel-empty", sheet, u.cell, u.row,
                    f"Unterziel {u.nr} in „{f.name}“ hat keine Maßnahmen.",
                    "Prüfen Sie, ob Maßnahmen versehentlich gelöscht oder einem anderen Unterziel zugeordnet wurden.")
    if nrs:
        for missing in sorted(set(range(1, max(nrs) + 1)) - set(nrs)):
            out.add("unterziel-missing", sheet, None, 0,
                    f"In „{f.name}“ fehlt Unterziel {missing} (vorhanden: {', '.join(map(str, sorted(set(nrs))))}).",
                    "Prüfen Sie, ob die Zeile des Unterziels gelöscht wurde, oder nummerieren Sie neu.")
        for prev, u in zip(f.unterziele, f.unterziele[1:]):
            if u.nr < prev.nr:
                out.add("unterziel-order", sheet, u.cell, u.row,
                        f"Unterziel {u.nr} steht nach Unterziel {prev.nr}.",
                        "Sortieren Sie die Unterziele aufsteigend.")

    # Maßnahmen
    ids: dict[str, Massnahme] = {}
    unreadable_rows = {a.row for a in f.anomalies if a.code == "unterziel_unlesbar"}
    for m in massnahmen:
        cell_nr = m.nr_cell or m.text_cell
        if m.unterziel_nr is None and m.row not in unreadable_rows:
            out.add("measure-without-unterziel", sheet, m.text_cell, m.row,
                    f"Die Maßnahme „{_short(m.text)}“ steht vor dem ersten Unterziel und gehört zu keinem Unterziel.",
                    "Fügen Sie darüber eine Unterziel-Zeile ein („Unterziel 1: …“) oder verschieben Sie die Maßnahme.")
        if not m.nr:
            out.add("measure-without-number", sheet, cell_nr, m.row,
                    f"Die Maßnahme „{_short(m.text)}“ hat keine Nummer.",
                    "Tragen Sie in der Spalte „Nr“ die Nummer der Maßnahme ein, damit sie über Stände hinweg verglichen werden kann.")
        elif m.id in ids:
            first = ids[m.id]
            out.add("measure-duplicate", sheet, cell_nr, m.row,
                    f"Maßnahme Nr. {m.nr} kommt in „{f.name}“ mehrfach vor (zuerst in Zeile {first.row}).",
                    "Jede Maßnahme braucht eine eigene Nummer; prüfen Sie die Nummerierung.")
        else:
            ids[m.id] = m
        if not m.text:
            out.add("measure-without-text", sheet, m.text_cell, m.row,
                    f"Maßnahme Nr. {m.nr or '?'} hat keinen Text.",
                    "Tragen Sie die Bezeichnung der Maßnahme ein oder löschen Sie die Zeile ganz.")
        if m.hidden:
            out.add("row-hidden", sheet, f"{m.row}:{m.row}", m.row,
                    f"Maßnahme Nr. {m.nr or '?'} steht in einer ausgeblendeten Zeile (Zeile {m.row}) und wird mitgezählt.",
                    "Blenden Sie die Zeile ein (Rechtsklick › Einblenden), damit sichtbar ist, was gezählt wird; "
                    "löschen Sie sie, wenn die Maßnahme entfallen ist.")
        _check_status(f, m, out)


def _check_status(f: Feld, m: Massnahme, out: _Collector) -> None:
    ev = m.evidence
    sheet, cell, row = f.sheet, ev.cell, m.row
    label = f"Maßnahme Nr. {m.nr}" if m.nr else f"Die Maßnahme in Zeile {m.row}"
    for rule in ev.unreadable:
        out.add("cf-unreadable", sheet, cell, row,
                f"{label}: Die Regel {rule} gilt für die Ampel-Zelle, kann aber nicht ausgewertet werden; "
                "ihre Farbe oder ihr Symbol ist nicht berücksichtigt.",
                "Prüfen Sie die Regel unter Start › Bedingte Formatierung › Regeln verwalten, oder tragen Sie den Status "
                "als Wort ein.")
    if ev.formula_uncached:
        out.add("formula-uncached", sheet, cell, row,
                f"{label}: Die Ampel-Zelle enthält eine Formel ohne gespeichertes Ergebnis.",
                "Öffnen Sie den Master in Excel und speichern Sie ihn einmal (dann wird das Ergebnis gespeichert), "
                "oder tragen Sie den Status als Text ein.")
    if ev.color_class == "unbekannt":
        where = " (durch bedingte Formatierung)" if ev.fill_source == "bedingt" else ""
        out.add("color-unknown", sheet, cell, row,
                f"{label}: Die Füllfarbe {_colour(ev)}{where} passt zu keinem Status ({STATUS_CHOICE}).",
                "Färben Sie die Zelle in einem eindeutigen Grün, Gelb/Orange oder Rot, oder tragen Sie den Status als Wort ein.")
    elif ev.color_class == "blau":
        out.add("status-blue", sheet, cell, row,
                f"{label}: Die Ampel-Zelle ist blau ({_hex(ev)}); Blau markiert die Auswertung, nicht den Status."
                + (f" Verwendet wird der Text „{ev.text}“." if ev.text_status else ""),
                "Markieren Sie die Auswertung über die Nr.- oder Textzelle und färben Sie die Ampel-Zelle grün, gelb oder rot.")
    if ev.symbol and ev.font_class not in ("gruen", "gelb", "rot"):
        colour = f"#{ev.font_rgb}" if ev.font_rgb else "Schwarz (automatisch)"
        out.add("color-unknown", sheet, cell, row,
                f"{label}: Das Zeichen „{ev.text}“ hat die Schriftfarbe {colour}, die zu keinem Status passt.",
                "Färben Sie das Zeichen grün, gelb/orange oder rot, oder tragen Sie den Status als Wort ein.",
                severity=E if m.in_auswertung and ev.status is None else W)
    if ev.icon and ev.icon_status is None:
        out.add("icon-unknown", sheet, cell, row,
                f"{label}: Die bedingte Formatierung zeigt das Symbol {ev.icon}, das für keinen Status steht.",
                "Verwenden Sie einen Symbolsatz mit Ampelfarben (z. B. „3 Ampeln“) oder tragen Sie den Status als Wort ein.")
    if ev.text_ambiguous:
        if len((ev.text or "").strip()) == 1:
            out.add("status-ambiguous", sheet, cell, row,
                    f"{label}: „{ev.text}“ kann Grün oder Gelb bedeuten.",
                    f"Schreiben Sie den Status aus ({STATUS_CHOICE}).")
        else:
            out.add("status-ambiguous", sheet, cell, row,
                    f"{label}: „{_short(ev.text or '')}“ nennt mehr als eine Ampelfarbe.",
                    f"Tragen Sie genau einen Status ein ({STATUS_CHOICE}); Erläuterungen gehören in die Bemerkung.")
    elif ev.text_unrecognised and not ev.formula_uncached:
        other = ev.icon_status or ev.color_status
        sev = E if m.in_auswertung and other is None else W
        out.add("status-text-unknown", sheet, cell, row,
                f"{label}: Das Wort „{_short(ev.text or '')}“ in der Ampel-Zelle steht für keinen Status."
                + (f" Verwendet wird {other.label} aus der Farbe bzw. dem Symbol." if other else ""),
                f"Tragen Sie {STATUS_CHOICE} ein, oder bringen Sie ampel_xl das Wort bei: im Blatt „Legende“ "
                f"eine Zeile mit „{_short(ev.text or '', 30)}“ neben „Grün“, „Gelb“ oder „Rot“ (oder neben einem "
                f"entsprechend gefärbten Feld).", severity=sev)
    pair = ev.disagreeing
    if pair is not None:
        first, second = pair
        out.add("status-conflict", sheet, cell, row,
                f"{label}: {_cap(_says(ev, second))}, {_says(ev, first)}.",
                f"Gleichen Sie die Ampel-Zelle an; bis dahin wird {first.status.label} ({_CHANNEL_WORD[first.kind]}) "
                "verwendet.")
    unreadable = (ev.formula_uncached or ev.text_ambiguous or ev.text_unrecognised or ev.color_class == "unbekannt"
                  or (ev.icon and ev.icon_status is None) or (ev.symbol and ev.font_class not in ("gruen", "gelb", "rot")))
    if m.status is None and not unreadable:
        if m.in_auswertung:
            out.add("status-missing", sheet, cell or m.text_cell, row,
                    f"{label} ist in der Auswertung, hat aber keinen Status."
                    + (" (Eine Regel der bedingten Formatierung konnte nicht ausgewertet werden.)" if ev.unreadable else ""),
                    "Färben Sie die Ampel-Zelle grün, gelb oder rot bzw. tragen Sie den Status ein – oder nehmen Sie die "
                    "Maßnahme aus der Auswertung (blaue Markierung entfernen).")
        else:
            out.add("status-missing-unmarked", sheet, cell or m.text_cell, row,
                    f"{label} ist nicht in der Auswertung und hat keinen lesbaren Status.",
                    "Tragen Sie den Status ein, sobald er feststeht; gezählt wird die Maßnahme erst, wenn sie blau "
                    "markiert ist.")


def _says(ev: StatusEvidence, channel) -> str:
    """What one channel of the status cell says, as a clause: "der Text sagt „Rot“"."""
    status = channel.status.label
    if channel.kind == "text":
        text = ev.text or ""
        extra = "" if text.strip().casefold() == status.casefold() else f" ({status})"
        return f"der Text sagt „{_short(text)}“{extra}"
    if channel.kind == "icon":
        return f"die bedingte Formatierung zeigt das Symbol {ev.icon} ({status})"
    if channel.kind == "symbol":
        return f"das Zeichen „{ev.text}“ ist {status.casefold()} (#{ev.font_rgb})"
    how = {"bedingt": " durch bedingte Formatierung", "zeile": " (die ganze Zeile)"}.get(ev.fill_source, "")
    return f"die Zelle ist{how} {status.casefold()} gefüllt (#{ev.fill})"


_CHANNEL_WORD = {"text": "Text", "fill": "Füllfarbe", "icon": "Symbol", "symbol": "Zeichenfarbe"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _check_declared(k: Konzept, out: _Collector) -> None:
    if k.declared is None:
        return
    sheet = k.konzept_sheet
    felder_by_key: dict[str, Feld] = {}
    for f in k.felder:
        felder_by_key.setdefault(field_key(f.name), f)
        felder_by_key.setdefault(field_key(f.sheet), f)
    matched: set[str] = set()
    for d in k.declared:
        f = felder_by_key.get(field_key(d.name))
        if f is None:
            out.add("field-missing", sheet, f"A{d.row}", d.row,
                    f"Das Feld „{d.name}“ steht im Blatt „Konzept“, hat aber kein eigenes Blatt.",
                    "Prüfen Sie, ob das Blatt gelöscht oder umbenannt wurde und ob sein Titel mit „Handlungsfeld …“ "
                    "bzw. „Querschnittsthema …“ beginnt.")
            continue
        matched.add(f.sheet)
        n_uz, n_m = len(f.unterziele), _n_massnahmen(f)
        if d.unterziele is not None and d.unterziele != n_uz:
            out.add("count-unterziele", f.sheet, None, 0,
                    f"„{f.name}“ hat {n_uz} Unterziele, laut Blatt „Konzept“ (Zeile {d.row}) sind es {d.unterziele}.",
                    "Prüfen Sie, ob ein Unterziel versehentlich gelöscht oder doppelt eingetragen wurde, oder passen Sie "
                    "das Blatt „Konzept“ an.")
        if d.massnahmen is not None and d.massnahmen != n_m:
            if n_m == 0:
                continue  # nothing entered yet (a fresh template): reported as field-empty
            out.add("count-massnahmen", f.sheet, None, 0,
                    f"„{f.name}“ hat {n_m} Maßnahmen, laut Blatt „Konzept“ (Zeile {d.row}) sind es {d.massnahmen}.",
                    "Prüfen Sie, ob eine Maßnahme versehentlich gelöscht oder doppelt eingetragen wurde, oder passen Sie "
                    "das Blatt „Konzept“ an.")
    for f in k.felder:
        if f.sheet not in matched:
            out.add("field-undeclared", f.sheet, f.title_cell, 0,
                    f"Das Feld „{f.name}“ steht nicht in der Tabelle im Blatt „Konzept“.",
                    "Ergänzen Sie es dort mit Art und Soll-Anzahlen, damit seine Anzahlen geprüft werden.")
    t = k.declared_total
    if t is not None:
        found_uz = len(k.unterziele)
        found_m = sum(_n_massnahmen(f) for f in k.felder)
        if t.unterziele is not None and t.unterziele != found_uz:
            out.add("count-total", sheet, f"A{t.row}", t.row,
                    f"Insgesamt wurden {found_uz} Unterziele gefunden, laut Gesamt-Zeile im Blatt „Konzept“ sind es {t.unterziele}.",
                    "Prüfen Sie die Felder mit abweichenden Anzahlen oder korrigieren Sie die Gesamt-Zeile.")
        if t.massnahmen is not None and t.massnahmen != found_m and found_m:
            out.add("count-total", sheet, f"A{t.row}", t.row,
                    f"Insgesamt wurden {found_m} Maßnahmen gefunden, laut Gesamt-Zeile im Blatt „Konzept“ sind es {t.massnahmen}.",
                    "Prüfen Sie die Felder mit abweichenden Anzahlen oder korrigieren Sie die Gesamt-Zeile.")


def _check_placeholders(k: Konzept, out: _Collector) -> None:
    """A placeholder of the template ("[Stichtag eintragen, …]") still in the master."""
    from .placeholders import find_placeholder

    def add(sheet: str | None, cell: str | None, row: int | None, what: str, value: object) -> None:
        placeholder = find_placeholder(value)
        if placeholder is None:
            return
        out.add("template-placeholder", sheet, cell, row,
                f"{what}: Hier steht noch der Platzhalter „{placeholder}“ aus der Vorlage.",
                "Überschreiben Sie den Text in eckigen Klammern mit der richtigen Angabe; sonst erscheint er so in "
                "der Zusammenfassung und im Ampeldokument.")

    cells = dict(k.meta_cells)
    for key, value in k.meta:
        cell = cells.get(key)
        add(k.konzept_sheet, cell, _row_of(cell), f"„{key}“ im Blatt „{k.konzept_sheet or 'Konzept'}“", value)
    for d in k.declared or ():
        add(k.konzept_sheet, f"A{d.row}", d.row, "Feldname in der Tabelle des Blatts „Konzept“", d.name)
    for f in k.felder:
        add(f.sheet, f.title_cell, _row_of(f.title_cell), "Titel des Feldes", f.title)
        add(f.sheet, f.oberziel_cell, _row_of(f.oberziel_cell), "Oberziel", f.oberziel)
        for label, text in (("Einleitung", f.einleitung), ("Sachstand", f.sachstand), ("Ausblick", f.ausblick),
                            ("Highlights", "\n".join(f.highlights))):
            add(f.sheet, None, 0, label, text)
        for u in f.unterziele:
            add(f.sheet, u.cell, u.row, f"Unterziel {u.nr}", u.text)
        for m in f.massnahmen:
            add(f.sheet, m.text_cell, m.row, f"Maßnahme Nr. {m.nr or '?'}", m.text)


def _row_of(cell: str | None) -> int | None:
    m = re.search(r"(\d+)$", cell or "")
    return int(m.group(1)) if m else None


def codes_table_markdown() -> str:
    """The table of finding codes for the README."""
    lines = ["| Code | Schwere | Bedeutung |", "|---|---|---|"]
    for code, (sev, text) in CODES.items():
        lines.append(f"| `{code}` | {sev.label} | {text} |")
    return "\n".join(lines)


def render_text(report: Report, color: bool = False) -> str:
    """The German report for the terminal, grouped by sheet, with counts per severity."""
    styles = {"error": ("\x1b[1;31m", "\x1b[0m"), "warning": ("\x1b[33m", "\x1b[0m"), "info": ("\x1b[36m", "\x1b[0m")}
    c = report.counts
    lines = [f"Prüfbericht für {os.path.basename(report.source)}"]
    lines.append(f"{c['error']} Fehler, {c['warning']} Warnungen, {c['info']} Hinweise")
    for sheet, items in report.by_sheet():
        lines.append("")
        lines.append(f"{sheet}:")
        for f in items:
            tag = f.severity.label
            if color:
                on, off = styles[f.severity.value]
                tag = f"{on}{tag}{off}"
            where = f"{f.cell}: " if f.cell else ""
            lines.append(f"  {tag} [{f.code}] {where}{f.message}")
            if f.hint:
                lines.append(f"      → {f.hint}")
    if not report.findings:
        lines.append("")
        lines.append("Keine Auffälligkeiten.")
    return "\n".join(lines)
