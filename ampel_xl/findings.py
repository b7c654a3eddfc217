"""The finding types: one table of everything validation (and the reader) can report.

In the style of frictionless-py's error types, a finding is data: a :class:`FindingType` names
its stable ``code`` (public: README, JSON output, tests), its :class:`Severity`, a short German
``title`` (the README's table is generated from it) and German ``message`` and ``hint``
templates with named placeholders (``{sheet}``, ``{cell}``, ``{label}``, …). A :class:`Finding`
is made by calling a type with its place and parameters::

    MISSING_OBERZIEL("Sprache", "A1", 0, name="Sprache")

No call site writes its own message text or chooses a severity; where one code has differently
worded cases (a number or the header in the sheet „Konzept“) the type has *variants* that share
code, severity and title. ``sheet``, ``cell`` and ``row`` are always available to the templates,
as is ``choice`` (the status words, "Grün, Gelb oder Rot").

This module is a leaf: it imports only the vocabulary.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass, field
from typing import Any

from .vocabulary import STATUS_CHOICE

__all__ = [
    "Severity", "Finding", "FindingType", "FINDING_TYPES", "REGISTRY", "codes_table_markdown",
    "ChannelKind", "Unread", "CHANNEL_KINDS",
]


class Severity(str, enum.Enum):
    """How much a finding weighs: a Fehler stops the summary (unless forced), a Warnung and a Hinweis never do."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741  (the initials the table below uses)


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: code, severity, place, and the German message and hint rendered from its type."""

    code: str
    severity: Severity
    sheet: str | None
    cell: str | None
    message: str
    hint: str = ""
    row: int | None = None

    @property
    def title(self) -> str:
        """The short German description of the finding's type (the README's "Bedeutung")."""
        return REGISTRY[self.code].title

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


_ALWAYS = {"choice": STATUS_CHOICE}


@dataclass(frozen=True, slots=True)
class FindingType:
    """A kind of finding: stable code, severity, title and the templates of message and hint."""

    code: str
    severity: Severity
    title: str
    message: str
    hint: str
    variant: str = ""
    """Empty for the main case; a word for a differently worded case of the same code."""

    def __call__(self, sheet: str | None, cell: str | None, row: int | None, /, **params: Any) -> Finding:
        values = {**_ALWAYS, "sheet": sheet, "cell": cell, "row": row, **params}
        return Finding(self.code, self.severity, sheet, cell, self.message.format(**values),
                       self.hint.format(**values), row)

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the templates use (beyond those always given)."""
        names = {name for text in (self.message, self.hint)
                 for _, name, _, _ in string.Formatter().parse(text) if name}
        return frozenset(names - set(_ALWAYS) - {"sheet", "cell", "row"})


def _t(code: str, severity: Severity, title: str, message: str, hint: str, variant: str = "") -> FindingType:
    return FindingType(code, severity, title, message, hint, variant)


# -- the workbook --------------------------------------------------------------------------------
NO_FIELD_SHEETS = _t(
    "no-field-sheets", E, "Kein Blatt ist als Handlungsfeld oder Querschnittsthema erkennbar.",
    "In der Arbeitsmappe wurde kein Blatt gefunden, das mit „Handlungsfeld …“ oder „Querschnittsthema …“ beginnt.",
    "Jedes Feld braucht ein eigenes Blatt mit dem Titel (z. B. „Handlungsfeld Sprache“) in einer der ersten Zeilen.")
SHEET_IGNORED = _t(
    "sheet-ignored", I, "Ein Blatt ist kein Feld und wird nicht ausgewertet (z. B. Legende, Notizen).",
    "Das Blatt „{sheet}“ ist kein Handlungsfeld oder Querschnittsthema und wird nicht ausgewertet.",
    "Nichts zu tun, falls das so gewollt ist (z. B. Legende, Notizen). Sonst oben im Blatt den Titel "
    "„Handlungsfeld …“ bzw. „Querschnittsthema …“ eintragen.")
MASTER_OPEN = _t(
    "master-open", I, "Der Master ist gerade in Excel (oder LibreOffice) geöffnet; ungespeicherte Änderungen fehlen.",
    "„{name}“ ist in {program} geöffnet: ungespeicherte Änderungen fehlen in dieser Auswertung "
    "(Sperrdatei „{lock}“).",
    "Speichern Sie den Master in {program} und starten Sie erneut. Ist er nirgends mehr geöffnet, ist die "
    "Sperrdatei ein Rest (z. B. nach einem Absturz) und kann gelöscht werden.")
NO_KONZEPT_SHEET = _t(
    "no-konzept-sheet", I, "Es gibt kein Blatt „Konzept“; die Anzahlen werden nicht gegen Soll-Werte geprüft.",
    "Es gibt kein Blatt „Konzept“; die gefundenen Anzahlen von Unterzielen und Maßnahmen werden nicht geprüft.",
    "Legen Sie ein Blatt „Konzept“ mit der Tabelle Feld | Art | Unterziele | Maßnahmen an, damit versehentlich "
    "gelöschte Zeilen auffallen.")

# -- a field sheet ---------------------------------------------------------------------------------
MISSING_OBERZIEL = _t(
    "missing-oberziel", W, "Ein Feld hat kein Oberziel.",
    "Für „{name}“ wurde kein Oberziel gefunden.",
    "Tragen Sie unter dem Titel eine Zeile „Oberziel“ mit dem Text daneben ein (oder „Oberziel: …“ in einer Zelle).")
NO_TABLE = _t(
    "no-table", E, "Auf einem Feldblatt wurde keine Kopfzeile der Maßnahmentabelle gefunden.",
    "Auf dem Blatt „{sheet}“ wurde keine Maßnahmentabelle gefunden (Kopfzeile mit „Nr“, „Maßnahme“ und „Ampel“).",
    "Die Tabelle braucht eine Kopfzeile mit mindestens den Spalten „Maßnahme“ (oder „Unterziel / Maßnahme“) und "
    "„Ampel“ (oder „Status“) bzw. „Nr“.")
FIELD_EMPTY = _t(
    "field-empty", I, "Ein Feld enthält noch keine Maßnahmen.",
    "„{name}“ enthält noch keine Maßnahmen.",
    "Tragen Sie die Maßnahmen unter ihren Unterzielen ein.")

# -- Unterziele and measures -----------------------------------------------------------------------
MEASURE_WITHOUT_UNTERZIEL = _t(
    "measure-without-unterziel", E, "Eine Maßnahme gehört zu keinem Unterziel (steht vor dem ersten Unterziel).",
    "Die Maßnahme „{text}“ steht vor dem ersten Unterziel und gehört zu keinem Unterziel.",
    "Fügen Sie darüber eine Unterziel-Zeile ein („Unterziel 1: …“) oder verschieben Sie die Maßnahme.")
UNTERZIEL_UNREADABLE = _t(
    "unterziel-unreadable", E, "Die Unterziel-Zelle einer Maßnahme enthält keine Unterziel-Nummer.",
    "In der Unterziel-Spalte steht „{value}“; daraus geht keine Unterziel-Nummer hervor.",
    "Tragen Sie die Nummer des Unterziels ein (z. B. „3“ oder „Unterziel 3: …“).")
UNTERZIEL_CARRIED = _t(
    "unterziel-carried", W,
    "Die Unterziel-Zelle ist leer und nicht verbunden; das Unterziel der Zeile darüber wurde übernommen.",
    "Die Unterziel-Zelle ist leer (und nicht mit der Zelle darüber verbunden); die Maßnahme wurde dem "
    "Unterziel der Zeile darüber zugeordnet.",
    "Tragen Sie die Unterziel-Nummer ein oder verbinden Sie die Zellen der Gruppe.")
UNTERZIEL_DUPLICATE = _t(
    "unterziel-duplicate", E, "Eine Unterziel-Nummer kommt in einem Feld mehrfach vor.",
    "Unterziel {nr} kommt in „{name}“ mehrfach vor.",
    "Prüfen Sie die Nummerierung der Unterziele; jede Nummer darf nur einmal vorkommen.")
UNTERZIEL_MISSING = _t(
    "unterziel-missing", W, "In der Nummernfolge der Unterziele fehlt eine Nummer.",
    "In „{name}“ fehlt Unterziel {nr} (vorhanden: {present}).",
    "Prüfen Sie, ob die Zeile des Unterziels gelöscht wurde, oder nummerieren Sie neu.")
UNTERZIEL_ORDER = _t(
    "unterziel-order", W, "Die Unterziele stehen nicht in aufsteigender Reihenfolge.",
    "Unterziel {nr} steht nach Unterziel {previous}.",
    "Sortieren Sie die Unterziele aufsteigend.")
UNTERZIEL_EMPTY = _t(
    "unterziel-empty", W, "Ein Unterziel hat keine Maßnahmen.",
    "Unterziel {nr} in „{name}“ hat keine Maßnahmen.",
    "Prüfen Sie, ob Maßnahmen versehentlich gelöscht oder einem anderen Unterziel zugeordnet wurden.")
MEASURE_DUPLICATE = _t(
    "measure-duplicate", E, "Eine Maßnahmen-Nummer (und damit ihre ID) kommt in einem Feld mehrfach vor.",
    "Maßnahme Nr. {nr} kommt in „{name}“ mehrfach vor (zuerst in Zeile {first_row}).",
    "Jede Maßnahme braucht eine eigene Nummer; prüfen Sie die Nummerierung.")
MEASURE_WITHOUT_NUMBER = _t(
    "measure-without-number", W, "Eine Maßnahme hat keine Nummer; ihre ID hängt dann an der Zeile.",
    "Die Maßnahme „{text}“ hat keine Nummer.",
    "Tragen Sie in der Spalte „Nr“ die Nummer der Maßnahme ein, damit sie über Stände hinweg verglichen werden kann.")
MEASURE_WITHOUT_TEXT = _t(
    "measure-without-text", W, "Eine Maßnahme hat keinen Text.",
    "Maßnahme Nr. {nr} hat keinen Text.",
    "Tragen Sie die Bezeichnung der Maßnahme ein oder löschen Sie die Zeile ganz.")

# -- the sheet „Konzept“ ---------------------------------------------------------------------------
COUNT_UNTERZIELE = _t(
    "count-unterziele", E, "Die Zahl der Unterziele weicht vom Blatt „Konzept“ ab.",
    "„{name}“ hat {found} Unterziele, laut Blatt „Konzept“ (Zeile {konzept_row}) sind es {declared}.",
    "Prüfen Sie, ob ein Unterziel versehentlich gelöscht oder doppelt eingetragen wurde, oder passen Sie "
    "das Blatt „Konzept“ an.")
COUNT_MASSNAHMEN = _t(
    "count-massnahmen", E, "Die Zahl der Maßnahmen weicht vom Blatt „Konzept“ ab.",
    "„{name}“ hat {found} Maßnahmen, laut Blatt „Konzept“ (Zeile {konzept_row}) sind es {declared}.",
    "Prüfen Sie, ob eine Maßnahme versehentlich gelöscht oder doppelt eingetragen wurde, oder passen Sie "
    "das Blatt „Konzept“ an.")
_TOTAL_TITLE = "Die Gesamtzahlen weichen von der Gesamt-Zeile im Blatt „Konzept“ ab."
_TOTAL_HINT = "Prüfen Sie die Felder mit abweichenden Anzahlen oder korrigieren Sie die Gesamt-Zeile."
COUNT_TOTAL_UNTERZIELE = _t(
    "count-total", E, _TOTAL_TITLE,
    "Insgesamt wurden {found} Unterziele gefunden, laut Gesamt-Zeile im Blatt „Konzept“ sind es {declared}.",
    _TOTAL_HINT)
COUNT_TOTAL_MASSNAHMEN = _t(
    "count-total", E, _TOTAL_TITLE,
    "Insgesamt wurden {found} Maßnahmen gefunden, laut Gesamt-Zeile im Blatt „Konzept“ sind es {declared}.",
    _TOTAL_HINT, variant="massnahmen")
FIELD_MISSING = _t(
    "field-missing", E, "Ein im Blatt „Konzept“ genanntes Feld hat kein Blatt.",
    "Das Feld „{name}“ steht im Blatt „Konzept“, hat aber kein eigenes Blatt.",
    "Prüfen Sie, ob das Blatt gelöscht oder umbenannt wurde und ob sein Titel mit „Handlungsfeld …“ "
    "bzw. „Querschnittsthema …“ beginnt.")
FIELD_UNDECLARED = _t(
    "field-undeclared", W, "Ein Feldblatt ist im Blatt „Konzept“ nicht genannt.",
    "Das Feld „{name}“ steht nicht in der Tabelle im Blatt „Konzept“.",
    "Ergänzen Sie es dort mit Art und Soll-Anzahlen, damit seine Anzahlen geprüft werden.")

# -- the status cell; what the reader could not place ------------------------------------------
_COLOR_TITLE = ("Eine Farbe der Ampel-Zelle (Füllung, bedingte Formatierung oder Farbe eines Zeichens wie ●) "
                "passt zu keinem Status.")
_FILL_HINT = ("Färben Sie die Zelle in einem eindeutigen Grün, Gelb/Orange oder Rot, oder tragen Sie den Status "
              "als Wort ein.")
_SYMBOL_MESSAGE = "{label}: Das Zeichen „{text}“ hat die Schriftfarbe {code}, die zu keinem Status passt."
_SYMBOL_HINT = "Färben Sie das Zeichen grün, gelb/orange oder rot, oder tragen Sie den Status als Wort ein."
COLOR_UNKNOWN = _t(
    "color-unknown", E, _COLOR_TITLE,
    "{label}: Die Füllfarbe {colour} passt zu keinem Status ({choice}).", _FILL_HINT)
COLOR_UNKNOWN_CONDITIONAL = _t(
    "color-unknown", E, _COLOR_TITLE,
    "{label}: Die Füllfarbe {colour} (durch bedingte Formatierung) passt zu keinem Status ({choice}).", _FILL_HINT,
    variant="bedingt")
COLOR_UNKNOWN_SYMBOL = _t(
    "color-unknown", E, _COLOR_TITLE, _SYMBOL_MESSAGE, _SYMBOL_HINT, variant="zeichen")
SYMBOL_COLOR_MINOR = _t(
    "symbol-color-minor", W,
    "Die Farbe eines Zeichens wie ● in der Ampel-Zelle passt zu keinem Status; der Status steht aber fest (aus "
    "einem anderen Kanal) oder die Maßnahme ist nicht in der Auswertung.",
    _SYMBOL_MESSAGE, _SYMBOL_HINT)
_CONFLICT_TITLE = ("Zwei Kanäle der Ampel-Zelle widersprechen sich (Wort, Zellfarbe, bedingte Formatierung, "
                   "Symbolsatz, Schriftfarbe, Form oder Bild über der Zelle).")
STATUS_CONFLICT = _t(
    "status-conflict", E, _CONFLICT_TITLE,
    "{label}: {second}, {first}.",
    "Gleichen Sie die Ampel-Zelle an; bis dahin wird {status} ({channel}) verwendet.")
_MISSING_HINT = ("Färben Sie die Ampel-Zelle grün, gelb oder rot bzw. tragen Sie den Status ein – oder nehmen Sie die "
                 "Maßnahme aus der Auswertung (blaue Markierung entfernen).")
STATUS_MISSING = _t(
    "status-missing", E, "Eine Maßnahme in der Auswertung hat keinen Status.",
    "{label} ist in der Auswertung, hat aber keinen Status.", _MISSING_HINT)
STATUS_MISSING_CF = _t(
    "status-missing", E, "Eine Maßnahme in der Auswertung hat keinen Status.",
    "{label} ist in der Auswertung, hat aber keinen Status. (Eine Regel der bedingten Formatierung konnte nicht "
    "ausgewertet werden.)", _MISSING_HINT, variant="regel")
STATUS_MISSING_UNMARKED = _t(
    "status-missing-unmarked", W, "Eine Maßnahme außerhalb der Auswertung hat keinen lesbaren Status.",
    "{label} ist nicht in der Auswertung und hat keinen lesbaren Status.",
    "Tragen Sie den Status ein, sobald er feststeht; gezählt wird die Maßnahme erst, wenn sie blau "
    "markiert ist.")
_WORD_MESSAGE = "{label}: Das Wort „{text}“ in der Ampel-Zelle steht für keinen Status."
_WORD_HINT = ("Tragen Sie {choice} ein, oder bringen Sie ampel_xl das Wort bei: im Blatt „Legende“ "
              "eine Zeile mit „{word}“ neben „Grün“, „Gelb“ oder „Rot“ (oder neben einem "
              "entsprechend gefärbten Feld).")
STATUS_TEXT_UNKNOWN = _t(
    "status-text-unknown", E,
    "Der Text einer Ampel-Zelle ist kein bekanntes Status-Wort (lässt sich über das Blatt „Legende“ beibringen).",
    _WORD_MESSAGE, _WORD_HINT)
_WORD_MINOR_TITLE = ("Der Text einer Ampel-Zelle ist kein bekanntes Status-Wort; der Status steht aber fest (aus "
                     "Farbe oder Symbol) oder die Maßnahme ist nicht in der Auswertung.")
STATUS_TEXT_MINOR = _t(
    "status-text-minor", W, _WORD_MINOR_TITLE, _WORD_MESSAGE, _WORD_HINT)
STATUS_TEXT_MINOR_USED = _t(
    "status-text-minor", W, _WORD_MINOR_TITLE,
    _WORD_MESSAGE + " Verwendet wird {status} aus der Farbe bzw. dem Symbol.", _WORD_HINT, variant="verwendet")
_ERROR_MESSAGE = "{label}: Die Ampel-Zelle zeigt den Fehlerwert „{name}“, keinen Status."
_ERROR_HINT = ("Ein Fehlerwert ist kein Status: prüfen Sie die Formel der Zelle oder tragen Sie den Status ein. Stand "
               "dort ein Bild in der Zelle (Excel 365), hat ein Programm ohne diese Funktion (z. B. LibreOffice) es "
               "beim Speichern durch den Fehlerwert ersetzt: Bild neu einfügen oder den Status eintragen.")
STATUS_ERROR_VALUE = _t(
    "status-text-unknown", E,
    "Der Text einer Ampel-Zelle ist kein bekanntes Status-Wort (lässt sich über das Blatt „Legende“ beibringen).",
    _ERROR_MESSAGE, _ERROR_HINT, variant="fehler")
STATUS_ERROR_VALUE_MINOR = _t("status-text-minor", W, _WORD_MINOR_TITLE, _ERROR_MESSAGE, _ERROR_HINT,
                              variant="fehler")
STATUS_ERROR_VALUE_USED = _t(
    "status-text-minor", W, _WORD_MINOR_TITLE,
    _ERROR_MESSAGE + " Verwendet wird {status} aus der Farbe bzw. dem Symbol.", _ERROR_HINT, variant="fehler-verwendet")
ICON_UNKNOWN = _t(
    "icon-unknown", E, "Ein Symbol der bedingten Formatierung (Symbolsatz) steht für keinen Status.",
    "{label}: Die bedingte Formatierung zeigt das Symbol {raw}, das für keinen Status steht.",
    "Verwenden Sie einen Symbolsatz mit Ampelfarben (z. B. „3 Ampeln“) oder tragen Sie den Status als Wort ein.")
CF_UNREADABLE = _t(
    "cf-unreadable", W,
    "Eine Regel der bedingten Formatierung, die eine Ampel-Zelle betrifft, kann nicht ausgewertet werden.",
    "{label}: Die Regel {raw} gilt für die Ampel-Zelle, kann aber nicht ausgewertet werden; "
    "ihre Farbe oder ihr Symbol ist nicht berücksichtigt.",
    "Prüfen Sie die Regel unter Start › Bedingte Formatierung › Regeln verwalten, oder tragen Sie den Status "
    "als Wort ein.")
WORD_CONFLICT = _t(
    "word-conflict", W,
    "Das Blatt „Legende“ oder eine Auswahlliste ordnet ein Wort mehreren Status zu; es wird nicht gelernt.",
    "Das Wort „{word}“ wird mehreren Status zugeordnet ({statuses}); ampel_xl lernt es daher nicht.",
    "Ordnen Sie jedes Wort in der Legende bzw. der Auswahlliste genau einer Ampelfarbe zu.")
FIELD_DUPLICATE = _t(
    "field-duplicate", E, "Zwei Blätter beanspruchen dasselbe Feld.",
    "Die Blätter „{keep}“ und „{drop}“ beanspruchen beide das Feld „{name}“; gelesen wird nur „{keep}“.",
    "Löschen Sie die Kopie „{drop}“ oder ändern Sie ihren Titel, falls sie ein anderes Feld ist.")
ROW_OUTSIDE_TABLE = _t(
    "row-outside-table", I,
    "Eine Zeile unter oder neben der Tabelle ist keine Maßnahme (Legende, Notiz, Summe, Unterschrift) und wird "
    "nicht gezählt.",
    "Zeile {row} („{text}“) ist {what} und wird nicht als Maßnahme gezählt.",
    "Nichts zu tun, falls das so gewollt ist. Ist es doch eine Maßnahme, tragen Sie sie mit Nummer in "
    "die Tabelle ein (ohne Leerzeile davor).")
LABEL_EMPTY = _t(
    "label-empty", W,
    "Neben „Sachstand“, „Highlights“, „Oberziel“, „Einleitung“ oder „Ausblick“ steht kein Text.",
    "Neben „{label}“ steht kein Text.",
    "Tragen Sie den Text rechts neben „{label}“ ein oder löschen Sie die Beschriftung.")
_KONZEPT_TITLE = "Die Tabelle im Blatt „Konzept“ lässt sich nicht lesen."
KONZEPT_HEADER_UNREADABLE = _t(
    "konzept-unreadable", W, _KONZEPT_TITLE,
    "Das Blatt „Konzept“ enthält eine Tabelle, deren Kopfzeile nicht erkannt wird; die Anzahlen werden "
    "daher nicht gegen Soll-Werte geprüft.",
    "Die Kopfzeile braucht eine Spalte „Feld“ und mindestens eine der Spalten „Unterziele“ bzw. "
    "„Maßnahmen“ (auch „Anzahl Unterziele“, „Soll-Anzahl Maßnahmen“).")
KONZEPT_NUMBER_UNREADABLE = _t(
    "konzept-unreadable", W, _KONZEPT_TITLE,
    "Im Blatt „Konzept“ steht bei „{name}“ „{value}“ statt einer Anzahl; diese Soll-Zahl wird nicht geprüft.",
    "Tragen Sie die Anzahl als ganze Zahl ein.", variant="zahl")
_AMBIGUOUS_TITLE = "Der Text einer Ampel-Zelle kann mehr als einen Status bedeuten (der Buchstabe „G“, „Grün/Gelb“)."
STATUS_AMBIGUOUS = _t(
    "status-ambiguous", E, _AMBIGUOUS_TITLE,
    "{label}: „{text}“ nennt mehr als eine Ampelfarbe.",
    "Tragen Sie genau einen Status ein ({choice}); Erläuterungen gehören in die Bemerkung.")
STATUS_AMBIGUOUS_LETTER = _t(
    "status-ambiguous", E, _AMBIGUOUS_TITLE,
    "{label}: „{text}“ kann Grün oder Gelb bedeuten.",
    "Schreiben Sie den Status aus ({choice}).", variant="buchstabe")
STATUS_ON_UNTERZIEL = _t(
    "status-on-unterziel", W, "Eine Unterziel-Zeile hat einen Status; gezählt werden nur Maßnahmen.",
    "Die Unterziel-Zeile {nr} hat einen Status („{what}“); gezählt werden nur Maßnahmen.",
    "Entfernen Sie Text und Farbe aus der Ampel-Zelle der Unterziel-Zeile.")
FORMULA_UNCACHED = _t(
    "formula-uncached", E, "Die Ampel-Zelle enthält eine Formel ohne gespeichertes Ergebnis.",
    "{label}: Die Ampel-Zelle enthält eine Formel ohne gespeichertes Ergebnis.",
    "Öffnen Sie den Master in Excel und speichern Sie ihn einmal (dann wird das Ergebnis gespeichert), "
    "oder tragen Sie den Status als Text ein.")
FORMULA_NO_RESULT = _t(
    "formula-no-result", E, "Eine Zelle enthält eine Formel ohne gespeichertes Ergebnis; was sie zeigt, ist unbekannt.",
    "Die Zelle enthält eine Formel ohne gespeichertes Ergebnis – was sie anzeigt, ist unbekannt und wird nicht "
    "geraten.",
    "Formel ohne gespeichertes Ergebnis – Datei in Excel öffnen und speichern (dann speichert Excel das Ergebnis "
    "mit), oder den Wert statt der Formel eintragen.")
_BLUE_TITLE = "Die Ampel-Zelle ist blau; Blau markiert die Auswertung, nicht den Status."
_BLUE_MESSAGE = "{label}: Die Ampel-Zelle ist blau ({code}); Blau markiert die Auswertung, nicht den Status."
_BLUE_HINT = ("Markieren Sie die Auswertung über die Nr.- oder Textzelle und färben Sie die Ampel-Zelle grün, "
              "gelb oder rot.")
STATUS_BLUE = _t("status-blue", W, _BLUE_TITLE, _BLUE_MESSAGE, _BLUE_HINT)
STATUS_BLUE_TEXT = _t(
    "status-blue", W, _BLUE_TITLE, _BLUE_MESSAGE + " Verwendet wird {used}.", _BLUE_HINT, variant="text")
_DRAWING_FORM = "{label}: Über der Ampel-Zelle liegt die Form „{name}“ ({shown}); sie zeigt keinen Status."
_DRAWING_BILD = "{label}: Über der Ampel-Zelle liegt das Bild „{name}“{alt}; ein Bild wird nicht als Status gelesen."
_DRAWING_FORM_HINT = ("Legen Sie eine grün, gelb oder rot gefüllte Form mittig über die Ampel-Zelle, oder tragen Sie "
                      "die Ampel als Farbe oder Wort in die Zelle ein.")
_DRAWING_BILD_HINT = ("Bild über der Zelle – Ampel als Farbe oder Wort eintragen, oder dem Bild den Alternativtext "
                      "„Grün“, „Gelb“ oder „Rot“ geben (Rechtsklick › Alternativtext bearbeiten).")
_DRAWING_TITLE = "Über der Ampel-Zelle liegt eine Form oder ein Bild, das keinen Status zeigt"
DRAWING_OVER_CELL = _t(
    "drawing-over-cell", W, _DRAWING_TITLE + "; die Maßnahme hat sonst keinen Status.",
    _DRAWING_FORM, _DRAWING_FORM_HINT)
DRAWING_OVER_CELL_PICTURE = _t(
    "drawing-over-cell", W, _DRAWING_TITLE + "; die Maßnahme hat sonst keinen Status.",
    _DRAWING_BILD, _DRAWING_BILD_HINT, variant="bild")
_DRAWING_MINOR_TITLE = (_DRAWING_TITLE + "; der Status steht aber fest (aus einem anderen Kanal) oder die Maßnahme "
                        "ist nicht in der Auswertung.")
DRAWING_MINOR = _t("drawing-over-cell-minor", I, _DRAWING_MINOR_TITLE, _DRAWING_FORM, _DRAWING_FORM_HINT)
DRAWING_MINOR_PICTURE = _t(
    "drawing-over-cell-minor", I, _DRAWING_MINOR_TITLE, _DRAWING_BILD, _DRAWING_BILD_HINT, variant="bild")
_PLACED_BILD = "{label}: In der Ampel-Zelle steht ein Bild{alt}; ein Bild wird nicht als Status gelesen."
_PLACED_BILD_HINT = ("Bild in der Zelle – Ampel als Farbe oder Wort eintragen, oder dem Bild den Alternativtext "
                     "„Grün“, „Gelb“ oder „Rot“ geben (Rechtsklick auf die Zelle › Bild in Zelle › Alternativtext).")
DRAWING_IN_CELL_PICTURE = _t(
    "drawing-over-cell", W, _DRAWING_TITLE + "; die Maßnahme hat sonst keinen Status.",
    _PLACED_BILD, _PLACED_BILD_HINT, variant="zelle")
DRAWING_MINOR_IN_CELL = _t(
    "drawing-over-cell-minor", I, _DRAWING_MINOR_TITLE, _PLACED_BILD, _PLACED_BILD_HINT, variant="zelle")
PICTURE_IN_CELL = _t(
    "picture-in-cell", I, "Eine Zelle enthält ein Bild (in der Zelle platziert); es wird nicht als Text gelesen.",
    "Die Zelle enthält ein Bild{alt}; ein Bild in der Zelle wird nicht als Text gelesen, die Zelle gilt als leer.",
    "Tragen Sie den Text in die Zelle ein; ein Bild kann daneben in einer eigenen Spalte stehen.")
RICH_DATA_DAMAGED = _t(
    "rich-data-damaged", W,
    "Der Teil der Datei, in dem Excel die Bilder in Zellen speichert, fehlt oder ist beschädigt.",
    "Der Teil „{part}“ der Datei {what}; die Zellen mit einem Bild in der Zelle werden als Bild ohne "
    "Alternativtext gelesen.",
    "Öffnen Sie den Master in Excel, prüfen Sie die Bilder in den Zellen und speichern Sie ihn erneut.")
ROW_HIDDEN = _t(
    "row-hidden", W, "Eine Maßnahme steht in einer ausgeblendeten Zeile; sie wird mitgezählt.",
    "Maßnahme Nr. {nr} steht in einer ausgeblendeten Zeile (Zeile {row}) und wird mitgezählt.",
    "Blenden Sie die Zeile ein (Rechtsklick › Einblenden), damit sichtbar ist, was gezählt wird; "
    "löschen Sie sie, wenn die Maßnahme entfallen ist.")
NOTHING_MARKED = _t(
    "nothing-marked", I, "Keine Maßnahme ist für die Auswertung markiert; alle Maßnahmen zählen.",
    "Keine Maßnahme ist blau hinterlegt oder als „In Auswertung“ markiert; daher zählen alle Maßnahmen.",
    "Wenn nur ein Teil der Maßnahmen in die Auswertung eingehen soll, hinterlegen Sie deren Nr.- oder "
    "Textzelle blau.")
AUSWERTUNG_UNREADABLE = _t(
    "auswertung-unreadable", W, "Der Eintrag in der Spalte „In Auswertung“ ist weder ja noch nein.",
    "In der Spalte „In Auswertung“ steht „{value}“ – das ist weder ja noch nein.",
    "Tragen Sie „x“ (bzw. „ja“) ein, wenn die Maßnahme in die Auswertung eingeht, sonst lassen Sie die Zelle leer.")
TEMPLATE_PLACEHOLDER = _t(
    "template-placeholder", W, "Im Master steht noch ein Platzhalter der Vorlage (Text in eckigen Klammern).",
    "{what}: Hier steht noch der Platzhalter „{placeholder}“ aus der Vorlage.",
    "Überschreiben Sie den Text in eckigen Klammern mit der richtigen Angabe; sonst erscheint er so in "
    "der Zusammenfassung und im Ampeldokument.")

# -- choices between candidates (never silent) --------------------------------------------------
COLUMN_HIDDEN = _t(
    "column-hidden", I,
    "Zwei Spalten haben dieselbe Rolle; die ausgeblendete wird nicht gelesen, sondern die sichtbare.",
    "Die Spalte {col} ist ausgeblendet und wird nicht gelesen; als Spalte „{role}“ gilt die sichtbare "
    "Spalte {keep}.",
    "Nichts zu tun, falls die ausgeblendete Spalte ein alter Stand ist. Sonst blenden Sie die richtige Spalte "
    "ein und die andere aus (oder löschen Sie sie).")
COLUMN_STAND = _t(
    "column-stand", I,
    "Zwei sichtbare Spalten haben dieselbe Rolle für verschiedene Stände; gelesen wird der neueste Stand.",
    "Als Spalte „{role}“ kommen {keep} und {others} in Frage; gelesen wird {keep}, der neueste Stand.",
    "Nichts zu tun, falls der neueste Stand ausgewertet werden soll. Sonst blenden Sie die neuere Spalte aus "
    "oder löschen Sie sie.")
COLUMN_AMBIGUOUS = _t(
    "column-ambiguous", E,
    "Zwei Spalten sind beide als dieselbe Spalte (z. B. „Ampel“) zu lesen; welche gilt, lässt sich nicht sagen.",
    "Als Spalte „{role}“ kommen {keep} und {others} in Frage; welche gemeint ist, lässt sich nicht sagen. "
    "Gelesen wurde {keep}.",
    "Geben Sie der alten Spalte ihren Stand in die Überschrift (z. B. „Ampel (Stand 02/2024)“), blenden Sie sie "
    "aus oder löschen Sie sie.")
COLUMN_SECOND = _t(
    "column-second", I,
    "Zwei Spalten haben dieselbe beschreibende Rolle (z. B. zwei Bemerkungsspalten); die zweite wird als eigene "
    "Spalte übernommen.",
    "Als Spalte „{role}“ kommen {keep} und {others} in Frage; {keep} wird als „{role}“ gelesen, "
    "{others} als eigene Spalte übernommen.",
    "Nichts zu tun, falls das so gewollt ist; sonst fassen Sie die Spalten zusammen.")
MARKING_CONFLICT = _t(
    "marking-conflict", E,
    "Blaue Markierung und Spalte „In Auswertung“ widersprechen sich bei einer Maßnahme.",
    "{label}: {says}; sie wird als in der Auswertung gezählt.",
    "Gleichen Sie die blaue Markierung der Nr.- oder Textzelle und die Spalte „In Auswertung“ an.")
MARKING_UNREADABLE = _t(
    "marking-unreadable", W,
    "Eine Regel der bedingten Formatierung auf der Nr.- oder Textzelle kann nicht ausgewertet werden; ob sie "
    "Maßnahmen blau markiert, ist offen.",
    "Die Regel {rule} gilt für die Nr.- bzw. Textzellen der Maßnahmen (zuerst bei {label}), kann aber nicht "
    "ausgewertet werden; ob sie Maßnahmen blau markiert (in die Auswertung nimmt), ist offen.",
    "Prüfen Sie die Regel unter Start › Bedingte Formatierung › Regeln verwalten, oder markieren Sie die "
    "Maßnahmen von Hand blau.")
SHEET_NOT_A_FIELD = _t(
    "sheet-not-a-field", I,
    "Ein Blatt nennt „Handlungsfeld“ oder „Querschnittsthema“, hat aber keine Maßnahmentabelle und ist wie eine "
    "Übersicht aufgebaut; es wird nicht als Feld gelesen.",
    "Das Blatt „{sheet}“ nennt in {cell} „{text}“, ist aber kein Feld: {why}, und eine Maßnahmentabelle fehlt. "
    "Es wird nicht als Feld gelesen.",
    "Nichts zu tun, falls es eine Übersicht oder eigene Auswertung ist. Ist es ein Feld, gehört oben der Titel "
    "„Handlungsfeld …“ hin und darunter die Tabelle mit Nr, Maßnahme und Ampel.")

#: Every finding type defined above, variants included, in the order of definition (the README's order;
#: the main case of a code comes first).
FINDING_TYPES: tuple[FindingType, ...] = tuple(v for v in list(globals().values()) if isinstance(v, FindingType))


def _registry() -> dict[str, FindingType]:
    out: dict[str, FindingType] = {}
    for t in FINDING_TYPES:
        main = out.setdefault(t.code, t)
        if (main.severity, main.title) != (t.severity, t.title):  # pragma: no cover - a mistake in this table
            raise AssertionError(f"variants of {t.code} differ in severity or title")
    return out


#: code → finding type (its main case): one row per code in the README.
REGISTRY: dict[str, FindingType] = _registry()


def codes_table_markdown() -> str:
    """The table of finding codes for the README (generated there with cog)."""
    lines = ["| Code | Schwere | Bedeutung |", "|---|---|---|"]
    for code, t in REGISTRY.items():
        lines.append(f"| `{code}` | {t.severity.label} | {t.title} |")
    return "\n".join(lines)


# -- phrases the templates' parameters are made of ---------------------------------------------------
#: What a row outside the table is, by the reader's reason (``row-outside-table``'s ``{what}``).
OUTSIDE_WHAT = {
    "summe": "eine Summen- oder Zählzeile",
    "notiz": "eine Notiz unter der Tabelle",
    "legende": "eine Legende",
    "unterschrift": "eine Unterschriftszeile",
    "neben": "ein Eintrag neben der Tabelle",
    "kopfzeile": "die Kopfzeile der Tabelle noch einmal",
    "fussnote": "eine Fußnote",
    "stempel": "ein Export- oder Druckvermerk",
    "quelle": "eine Quellenangabe",
    "uebersicht": "eine Übersicht neben der Tabelle",
}
OUTSIDE_OTHER = "keine Maßnahme"

#: How a message names a column's role (``column-…``'s ``{role}``).
ROLE_WORD = {
    "status": "Ampel", "nr": "Nr.", "text": "Maßnahme", "unterziel": "Unterziel", "auswertung": "In Auswertung",
    "bemerkung": "Bemerkung", "verantwortlich": "Verantwortlich", "zeitraum": "Zeitraum",
}

#: Why a sheet with a field-like heading is no field (``sheet-not-a-field``'s ``{why}``).
NOT_A_FIELD_WHY = {
    "kopf": "die Zelle ist die Überschrift einer Spalte (einer Übersicht)",
    "kein-feld": "die Überschrift nennt kein einzelnes Feld",
    "formeln": "es rechnet mit Formeln und hat kein Oberziel",
}

# -- the channels of a status cell ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Unread:
    """What validation reports for an unreadable channel of one case of a kind.

    ``counts`` when the measure is in the evaluation and no other channel gives its status, ``minor``
    when it is not in the evaluation (default: ``counts``), ``used`` when another channel gives the
    status (default: ``minor``). ``explains``: the finding says why the measure has no status, so no
    ``status-missing`` is reported besides it. ``only_missing``: named only when the measure has no
    status at all (a shape that merely overlaps the cell). ``shown`` says what was seen, for the
    template's ``{shown}``.
    """

    counts: FindingType
    minor: FindingType | None = None
    used: FindingType | None = None
    explains: bool = True
    only_missing: bool = False
    shown: str = ""

    def finding(self, counted: bool, other_status: bool) -> FindingType:
        if other_status:
            return self.used or self.minor or self.counts
        return self.counts if counted else (self.minor or self.counts)


@dataclass(frozen=True, slots=True)
class ChannelKind:
    """One kind of channel a status is read from (a row of :data:`CHANNEL_KINDS`).

    ``name`` is its German name, as the findings name it; ``says`` what a channel of this kind
    says, as a clause of ``status-conflict``'s message; ``used`` how ``status-blue`` names it when
    its status is the one used; ``unread`` the finding of an unreadable channel, by its case
    (:attr:`ampel_xl.model.Channel.case`); ``missing`` the case of ``status-missing`` a channel of
    this kind selects. Placeholders: ``{raw}`` (what was seen), ``{name}``, ``{text}`` (the raw
    text, shortened), ``{status}``, ``{farbe}`` (the status in lower case), ``{named}`` (" (Grün)"
    where the raw text is not the status's own name), ``{code}`` (``#RRGGBB``).
    """

    name: str
    says: str
    used: str
    unread: dict[str, Unread] = field(default_factory=dict)
    missing: FindingType | None = None


_COLOR_UNREAD = Unread(COLOR_UNKNOWN)
_BLUE_UNREAD = Unread(STATUS_BLUE, used=STATUS_BLUE_TEXT, explains=False)

#: Every kind of status channel, in the order of precedence: where two readable channels disagree,
#: the first one's status is used (and the disagreement is an error naming both). Adding a channel
#: is a reader function that makes :class:`~ampel_xl.model.Channel` values of a new kind, and a row here.
CHANNEL_KINDS: dict[str, ChannelKind] = {
    "wort": ChannelKind(
        "Wort", "der Text sagt „{text}“{named}", "der Text „{raw}“",
        {"": Unread(STATUS_TEXT_UNKNOWN, STATUS_TEXT_MINOR, STATUS_TEXT_MINOR_USED),
         "mehrdeutig": Unread(STATUS_AMBIGUOUS), "buchstabe": Unread(STATUS_AMBIGUOUS_LETTER),
         "fehler": Unread(STATUS_ERROR_VALUE, STATUS_ERROR_VALUE_MINOR, STATUS_ERROR_VALUE_USED)}),
    "formel": ChannelKind("Formel", "die Formel ergibt „{raw}“", "die Formel", {"": Unread(FORMULA_UNCACHED)}),
    "bild": ChannelKind(
        "Bild in oder über der Zelle", "das Bild „{name}“ heißt „{raw}“ ({status})",
        "das Bild „{name}“",
        {"": Unread(DRAWING_OVER_CELL_PICTURE, DRAWING_MINOR_PICTURE, explains=False),
         "teilweise": Unread(DRAWING_OVER_CELL_PICTURE, DRAWING_MINOR_PICTURE, explains=False, only_missing=True),
         "zelle": Unread(DRAWING_IN_CELL_PICTURE, DRAWING_MINOR_IN_CELL, explains=False)}),
    "textfeld": ChannelKind(
        "Textfeld über der Zelle", "das Textfeld „{name}“ über der Zelle sagt „{text}“{named}",
        "der Text „{raw}“ des Textfelds „{name}“"),
    "symbolsatz": ChannelKind(
        "Symbolsatz", "die bedingte Formatierung zeigt das Symbol {raw} ({status})", "das Symbol {raw}",
        {"": Unread(ICON_UNKNOWN)}),
    "schriftfarbe": ChannelKind(
        "Schriftfarbe", "das Zeichen „{raw}“ ist {farbe} ({code})", "die Farbe des Zeichens „{raw}“",
        {"": Unread(COLOR_UNKNOWN_SYMBOL, SYMBOL_COLOR_MINOR)}),
    "form": ChannelKind(
        "Form über der Zelle", "die Form „{name}“ über der Zelle ist {farbe} gefüllt ({code})",
        "die Farbe der Form „{name}“",
        {"farbe": Unread(DRAWING_OVER_CELL, DRAWING_MINOR, explains=False,
                         shown="gefüllt in {code}, das zu keinem Status passt"),
         "ohne": Unread(DRAWING_OVER_CELL, DRAWING_MINOR, explains=False, only_missing=True,
                        shown="ohne Füllfarbe"),
         "teilweise": Unread(DRAWING_OVER_CELL, DRAWING_MINOR, explains=False, only_missing=True,
                             shown="nur teilweise über der Zelle")}),
    "bedingt": ChannelKind(
        "bedingte Formatierung", "die Zelle ist durch bedingte Formatierung {farbe} gefüllt ({code})",
        "die Farbe der bedingten Formatierung",
        {"": Unread(COLOR_UNKNOWN_CONDITIONAL), "blau": _BLUE_UNREAD}),
    "zellfarbe": ChannelKind(
        "Zellfarbe", "die Zelle ist {farbe} gefüllt ({code})", "die Zellfarbe",
        {"": _COLOR_UNREAD, "blau": _BLUE_UNREAD}),
    "zeilenfarbe": ChannelKind(
        "Zeilenfarbe", "die Zelle ist (die ganze Zeile) {farbe} gefüllt ({code})", "die Farbe der Zeile",
        {"": _COLOR_UNREAD, "blau": _BLUE_UNREAD}),
    "regel": ChannelKind(
        "Regel der bedingten Formatierung", "die Regel {raw} gilt", "die Regel {raw}",
        {"": Unread(CF_UNREADABLE, explains=False)}, missing=STATUS_MISSING_CF),
}

NO_FILL = "ohne Füllung"
UNNAMED_COLOUR = "unbenannt"
AUTOMATIC_FONT = "Schwarz (automatisch)"


def measure_label(nr: str | None, row: int) -> str:
    """How a message names a measure: "Maßnahme Nr. 3" or "Die Maßnahme in Zeile 12"."""
    return f"Maßnahme Nr. {nr}" if nr else f"Die Maßnahme in Zeile {row}"


def short(text: str, n: int = 60) -> str:
    """A cell's text for a message: whitespace collapsed, at most ``n`` characters (with "…")."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
