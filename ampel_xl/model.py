"""The domain model: Konzept → Feld → Oberziel, Unterziele → Maßnahmen, each with a Status.

Plain frozen dataclasses, no I/O and no spreadsheet library. Everything read from a master
keeps its source (sheet and A1 cell) so that findings and outputs can point back to it.

Stable IDs let two versions of a master be matched: an Unterziel is ``<Feld>/U<nr>``, a
Maßnahme ``<Feld>/M<nr>`` (e.g. ``Sprache/M5`` or ``Sprache/M2.3``).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import enum
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

# The status and its palette live in the vocabulary (which imports nothing from the package);
# re-exported here because a status is part of the model.
from .display import konzept_html
from .findings import CHANNEL_KINDS, Finding, FindingType
from .tidy import konzept_frame
from .vocabulary import BLUE_MARK, STATUS_COLORS, STATUS_FILLS, STATUS_MEANINGS, STATUS_ORDER, Status  # noqa: F401  (re-exports)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Art(str, enum.Enum):
    """Kind of a field."""

    HANDLUNGSFELD = "Handlungsfeld"
    QUERSCHNITTSTHEMA = "Querschnittsthema"


_TITLE_WORDS = {"handlungsfeld": Art.HANDLUNGSFELD, "querschnittsthema": Art.QUERSCHNITTSTHEMA}
_TITLE_RE = re.compile(r"^\s*([A-Za-zÄÖÜäöüß]+)\b\s*[:\-–—]?\s*(.*)$", re.S)


# a field's own number before its name: "1: Sprache", "2. Arbeit", "III – Bildung", "Nr. 4 Wohnen"
_FIELD_NUMBER_RE = re.compile(r"^(?:Nr\.?\s*)?(?:\d{1,2}|[IVX]{1,4})(?:\s*[.:)\-–—]\s*|\s+)(?=\S)")
_QUOTES = (("„", "“"), ('"', '"'), ("“", "”"), ("»", "«"), ("«", "»"), ("'", "'"), ("‚", "‘"))


def field_name(text: str) -> str:
    """The name of a field as written after its title word: spaces normalised, a leading number of
    the field ("1: Sprache" → "Sprache") and surrounding quotes („Sprache“) left out."""
    name = re.sub(r"\s+", " ", text).strip(" :-–—")
    name = _FIELD_NUMBER_RE.sub("", name, count=1)
    for left, right in _QUOTES:
        if len(name) > 2 and name[0] == left and name[-1] == right:
            name = name[1:-1].strip()
            break
    return name


def match_title(text: str) -> tuple[Art, str] | None:
    """``"Handlungsfeld Sprache"`` → (Art.HANDLUNGSFELD, "Sprache"); typos tolerated; the field's
    own number and quotes are no part of its name (``"Handlungsfeld 1: „Sprache“"`` → "Sprache")."""
    m = _TITLE_RE.match(text)
    if not m:
        return None
    word = m.group(1).casefold()
    for key, art in _TITLE_WORDS.items():
        # a word twice as long as the key cannot reach the ratio (2·17 / (17 + 34) < 0.82): comparing only
        # words of about the key's length keeps the fuzzy match constant in a long cell's length
        if word == key or (len(key) - 3 <= len(word) <= 2 * len(key)
                           and difflib.SequenceMatcher(None, word, key).ratio() >= 0.82):
            return art, field_name(m.group(2))
    return None


# the title word abbreviated before a field's name, as in tab names and tables: "HF1 Sprache", "QT 5: …"
_ABBREVIATED_RE = re.compile(r"^\s*(?:HF|QT|QST)(?=[\s\d.:\-–—])\s*(?:\d{1,2}|[IVX]{1,4})?\s*[.:)\-–—]?\s*(?=\S)")


def field_key(name: str) -> str:
    """The key under which a field name (or sheet name) is matched: title words (also abbreviated,
    "HF1 Sprache"), the field's number, quotes, case, "&", ß."""
    hit = match_title(name)
    name = hit[1] if hit and hit[1] else field_name(_ABBREVIATED_RE.sub("", name, count=1))
    t = name.casefold().replace("&", " und ").replace("ß", "ss")
    return re.sub(r"[^a-z0-9äöü]+", "", t)


#: The kinds of status channel in their order of precedence (the table with their German names
#: and findings is :data:`ampel_xl.findings.CHANNEL_KINDS`).
CHANNEL_ORDER: dict[str, int] = {kind: i for i, kind in enumerate(CHANNEL_KINDS)}
_FILL_KINDS = ("zellfarbe", "zeilenfarbe", "bedingt")
_INCIDENTAL = ("teilweise", "ohne")


_new_evidence = tuple.__new__


def _precedence(channel: Channel) -> int:
    return CHANNEL_ORDER.get(channel.kind, len(CHANNEL_ORDER))


class Channel(NamedTuple):
    """One thing a person sees in a status cell, and the status it says (a named tuple: one or two
    are made for every status cell).

    ``kind`` is a key of :data:`ampel_xl.findings.CHANNEL_KINDS` (``"wort"``, ``"zellfarbe"``,
    ``"bedingt"``, ``"symbolsatz"``, ``"schriftfarbe"``, ``"form"``, ``"bild"``, …); ``says`` the
    status it names, or None; ``raw`` what was seen (the word, the colour ``"RRGGBB"``, the icon's
    description, the symbol, a picture's alt text, an unreadable rule); ``where`` the cell;
    ``readable`` False when it shows something that names no status (its kind's finding tells
    which, by ``case``: ``"blau"``, ``"mehrdeutig"``, ``"teilweise"`` …). For a readable channel
    ``case`` may say how it was made (``"verlauf"``: a gradient's stop). ``name`` names what was
    seen (a colour's name, a shape's or picture's name); ``colour`` the colour seen ``"RRGGBB"``
    (a fill's, a shape's, a symbol's font colour), which findings quote as ``#RRGGBB``.
    """

    kind: str
    says: Status | None
    raw: str
    where: str | None = None
    readable: bool = True
    case: str = ""
    name: str | None = None
    colour: str | None = None


class StatusEvidence(NamedTuple):
    """What the status cell of a row shows, before any judgement: a tuple of channels (a named
    tuple, made in C for every status cell).

    ``channels`` are in the order of precedence (:data:`CHANNEL_ORDER`; build evidence with
    :meth:`of`); the status is the first readable channel's. ``addition`` is what follows a leading
    status word ("Grün (verzögert)"), ``word_source`` where that word was learnt. The properties
    below (``text``, ``fill``, ``color_class`` …) are views of the channels.
    """

    cell: str | None = None
    channels: tuple[Channel, ...] = ()
    addition: str | None = None
    word_source: str | None = None

    @classmethod
    def of(cls, cell: str | None, channels: list[Channel], addition: str | None = None,
           word_source: str | None = None) -> StatusEvidence:
        """Evidence with its channels put in the order of precedence."""
        n = len(channels)
        if n == 2:  # the usual pair (a word and a fill) is mostly in order already: no sort
            first, second = channels
            if _precedence(first) > _precedence(second):
                return _new_evidence(cls, (cell, (second, first), addition, word_source))
            return _new_evidence(cls, (cell, (first, second), addition, word_source))
        if n > 2:
            channels.sort(key=_precedence)  # (stable: equal kinds keep the order they were seen in)
        return _new_evidence(cls, (cell, (*channels,), addition, word_source))

    def channel(self, *kinds: str) -> Channel | None:
        """The first channel of one of ``kinds``, or None."""
        for c in self.channels:
            if c.kind in kinds:
                return c
        return None

    def adding(self, channel: Channel) -> StatusEvidence:
        """This evidence with one more channel (a painted row seen after the cell)."""
        return StatusEvidence.of(self.cell, [*self.channels, channel], self.addition, self.word_source)

    def settled(self, status: Status) -> StatusEvidence:
        """The ambiguous letter of the word channel read as ``status`` (a workbook-wide decision)."""
        chans = [c._replace(says=status, readable=True, case="")
                 if c.kind == "wort" and c.case == "buchstabe" else c for c in self.channels]
        return StatusEvidence.of(self.cell, chans, self.addition, self.word_source)

    # -- views of the channels ------------------------------------------------------------------
    @property
    def status(self) -> Status | None:
        """The resolved status: the first readable channel's, in the order of precedence."""
        for c in self.channels:
            if c.says is not None and c.readable:
                return c.says
        return None

    @property
    def text(self) -> str | None:
        """The cell's text (a word or a symbol), None when it has none."""
        c = self.channel("wort", "schriftfarbe")
        return c.raw if c is not None else None

    @property
    def text_status(self) -> Status | None:
        c = self.channel("wort")
        return c.says if c is not None and c.readable else None

    @property
    def text_ambiguous(self) -> bool:
        c = self.channel("wort")
        return c is not None and c.case in ("mehrdeutig", "buchstabe")

    @property
    def fill(self) -> str | None:
        """The displayed fill ``"RRGGBB"`` that counts as a status colour (or is blue, or fits none)."""
        c = self.channel(*_FILL_KINDS)
        return c.raw if c is not None else None

    @property
    def color_class(self) -> str:
        """``gruen``, ``gelb``, ``rot``, ``blau``, ``unbekannt`` or ``neutral`` (no colour) of the fill."""
        for c in self.channels:
            if c.kind in _FILL_KINDS:
                if c.says is not None:
                    return c.says.value
                return "blau" if c.case == "blau" else "unbekannt"
        return "neutral"

    @property
    def color_status(self) -> Status | None:
        c = self.channel(*_FILL_KINDS)
        return c.says if c is not None else None

    @property
    def fill_source(self) -> str:
        """Where the fill comes from: ``zelle``, ``verlauf``, ``zeile``, ``bedingt``, or ``""``."""
        c = self.channel(*_FILL_KINDS)
        if c is None:
            return ""
        if c.kind == "zellfarbe":
            return "verlauf" if c.case == "verlauf" else "zelle"
        return "zeile" if c.kind == "zeilenfarbe" else "bedingt"

    @property
    def icon(self) -> str | None:
        for c in self.channels:
            if c.kind == "symbolsatz":
                return c.raw
        return None

    @property
    def formula_uncached(self) -> bool:
        return self.channel("formel") is not None

    @property
    def unreadable(self) -> tuple[str, ...]:
        """The conditional-formatting rules over the cell that could not be evaluated."""
        return tuple(c.raw for c in self.channels if c.kind == "regel")

    @property
    def disagreeing(self) -> tuple[Channel, Channel] | None:
        """The first two readable channels that name different statuses, or None."""
        named = [c for c in self.channels if c.says is not None and c.readable]
        for other in named[1:]:
            if other.says is not named[0].says:
                return named[0], other
        return None

    @property
    def conflict(self) -> bool:
        return self.disagreeing is not None

    @property
    def empty(self) -> bool:
        """Nothing is seen in the cell: an unreadable rule over it shows nothing, nor does a shape that
        only overlaps it or has no fill."""
        return not self.channels or all(c.kind == "regel" or c.case in _INCIDENTAL for c in self.channels)


@dataclass(frozen=True)
class TextRun:
    """A piece of cell text with its emphasis (a bold lead-in of a Highlights line stays bold)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Massnahme:
    """A measure. ``nr`` is the number as written ("5" or "2.3"); ``id`` is stable."""

    feld: str
    nr: str | None
    text: str
    unterziel_nr: int | None
    evidence: StatusEvidence
    marked: bool
    """Marked for the evaluation in the master (blue fill or the In-Auswertung column)."""
    in_auswertung: bool
    """Counted in the evaluation: ``marked``, or every measure when the master marks none."""
    sheet: str
    row: int
    nr_cell: str | None = None
    text_cell: str | None = None
    hidden: bool = False
    mark_source: str | None = None
    """How the mark was found: ``"blau"`` (fill) or ``"spalte"`` (column), None if unmarked."""
    auswertung_text: str | None = None
    """Raw text of the In-Auswertung column, when there is one."""
    last_row: int | None = None
    """The last row of a measure that spans several (vertically merged) rows; None for one row."""
    bemerkung: str = ""
    verantwortlich: str = ""
    zeitraum: str = ""
    extras: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return massnahme_id(self.feld, self.nr, self.row)

    @property
    def status(self) -> Status | None:
        return self.evidence.status

    @property
    def status_cell(self) -> str | None:
        return self.evidence.cell

    @property
    def extra(self) -> dict[str, str]:
        return dict(self.extras)


@dataclass(frozen=True)
class Unterziel:
    feld: str
    nr: int
    text: str
    sheet: str
    row: int | None = None
    cell: str | None = None
    evidence: StatusEvidence | None = None
    """Evidence of a status painted on the Unterziel row itself (a mistake if not empty)."""
    massnahmen: tuple[Massnahme, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.feld}/U{self.nr}"


@dataclass(frozen=True)
class TableInfo:
    """Where the measures table of a field sheet was found."""

    header_row: int
    layout: str
    """``"hierarchisch"`` or ``"flach"``."""
    columns: tuple[tuple[str, str], ...]
    """(role, column letter) for every recognised column, e.g. ("status", "D")."""
    extra_columns: tuple[tuple[str, str], ...] = ()
    """(header text, column letter) for columns ampel_xl does not know."""

    def column(self, role: str) -> str | None:
        return dict(self.columns).get(role)


@dataclass(frozen=True)
class Anomaly:
    """Something the reader saw but could not place into the model (a row, a cell).

    ``kind`` is its type in the findings registry (:mod:`ampel_xl.findings`), so ``code`` is the
    finding code it is reported under (e.g. ``"unterziel-carried"``); ``cell`` is the A1 reference,
    ``params`` the values its message and hint templates name. Validation reports it as it is.
    """

    kind: FindingType
    sheet: str | None
    """None for what concerns the workbook as a whole (e.g. that it is open in Excel)."""
    cell: str | None
    row: int | None
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, kind: FindingType, sheet: str | None, cell: str | None, row: int | None,
           **params: Any) -> Anomaly:
        return cls(kind, sheet, cell, row, tuple(params.items()))

    @property
    def code(self) -> str:
        return self.kind.code

    def finding(self) -> Finding:
        return self.kind(self.sheet, self.cell, self.row, **dict(self.params))


@dataclass(frozen=True)
class Feld:
    name: str
    art: Art
    sheet: str
    title: str
    title_cell: str
    oberziel: str | None
    oberziel_cell: str | None
    sachstand: str | None = None
    highlights: tuple[str, ...] = ()
    highlight_runs: tuple[tuple[TextRun, ...], ...] = ()
    """The Highlights lines as runs with their emphasis, parallel to ``highlights``; empty when the
    cell has no rich text (then every line is plain)."""
    einleitung: str | None = None
    """Optional introduction the report prints before the results ("Das Oberziel … fokussiert sich auf …")."""
    ausblick: str | None = None
    """Optional closing paragraph the report prints after the results (plans, what was not pursued)."""
    table: TableInfo | None = None
    unterziele: tuple[Unterziel, ...] = ()
    orphans: tuple[Massnahme, ...] = ()
    """Measures that belong to no Unterziel (before the first one, or with an unknown number)."""
    anomalies: tuple[Anomaly, ...] = ()

    @cached_property
    def massnahmen(self) -> tuple[Massnahme, ...]:
        """All measures of the field in sheet order (orphans included); built once."""
        items = [m for u in self.unterziele for m in u.massnahmen] + list(self.orphans)
        return tuple(sorted(items, key=lambda m: m.row))

    def unterziel(self, nr: int) -> Unterziel | None:
        for u in self.unterziele:
            if u.nr == nr:
                return u
        return None


@dataclass(frozen=True)
class DeclaredFeld:
    """A row of the Konzept sheet's structure table."""

    name: str
    art: str | None
    unterziele: int | None
    massnahmen: int | None
    row: int
    cell: str | None = None
    """The cell that names the field (the table may stand anywhere on the sheet); None: column A."""

    @property
    def name_cell(self) -> str:
        return self.cell or f"A{self.row}"


@dataclass(frozen=True)
class SheetInfo:
    name: str
    kind: str
    """``"feld"``, ``"konzept"``, ``"ignoriert"`` (named in a Hinweis) or ``"vorlage"`` (a sheet the
    program's own template writes, its Anleitung: known, never reported)."""
    hidden: bool = False


@dataclass(frozen=True)
class Konzept:
    """A whole master workbook as read."""

    source: str
    felder: tuple[Feld, ...]
    titel: str | None = None
    gebiet: str | None = None
    stand: _dt.date | str | None = None
    kopfzeile: str | None = None
    amt: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()
    """All key/value rows of the Konzept sheet, as written."""
    meta_cells: tuple[tuple[str, str], ...] = ()
    """(key, A1 cell of its value) for each of :attr:`meta`, in the same order."""
    declared: tuple[DeclaredFeld, ...] | None = None
    """The Konzept sheet's structure table, None when the master has none."""
    declared_total: DeclaredFeld | None = None
    """The totals row ("Gesamt") of that table, when it has one."""
    konzept_sheet: str | None = None
    sheets: tuple[SheetInfo, ...] = ()
    any_marked: bool = False
    """True when at least one measure is marked for the evaluation."""
    modified: _dt.datetime | None = None
    """Last-modified date from the workbook's properties (used for deterministic outputs)."""
    anomalies: tuple[Anomaly, ...] = ()

    @cached_property
    def massnahmen(self) -> tuple[Massnahme, ...]:
        return tuple(m for f in self.felder for m in f.massnahmen)

    @cached_property
    def unterziele(self) -> tuple[Unterziel, ...]:
        return tuple(u for f in self.felder for u in f.unterziele)

    @property
    def auswertung_rule(self) -> str:
        """The evaluation rule applied, as a German sentence for outputs."""
        if self.any_marked:
            return (
                "Blau hinterlegte (bzw. als „In Auswertung“ markierte) Maßnahmen sind in die Auswertung eingeflossen."
            )
        return (
            "Im Master ist keine Maßnahme für die Auswertung markiert; "
            "daher sind alle Maßnahmen in die Auswertung eingeflossen."
        )

    @property
    def stand_text(self) -> str | None:
        return format_date_de(self.stand)

    def feld(self, name: str) -> Feld | None:
        for f in self.felder:
            if f.name == name or f.sheet == name:
                return f
        return None

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per measure, with the export's columns (:mod:`ampel_xl.tidy`)."""
        return konzept_frame(self)

    def _repr_html_(self) -> str:
        return konzept_html(self)


def document_date(konzept: Konzept) -> _dt.datetime:
    """The fixed date every output carries (deterministic: never the clock).

    The master's Stand, else the workbook's last-modified date, else 1 January 2000.
    """
    stand = konzept.stand
    if isinstance(stand, _dt.datetime):
        return stand.replace(tzinfo=None, microsecond=0)
    if isinstance(stand, _dt.date):
        return _dt.datetime(stand.year, stand.month, stand.day)
    if konzept.modified is not None:
        return konzept.modified.replace(tzinfo=None, microsecond=0)
    return _dt.datetime(2000, 1, 1)


def massnahme_id(feld: str, nr: str | None, row: int) -> str:
    """The stable ID of a measure: field name + number (``Sprache/M5``)."""
    if nr:
        return f"{feld}/M{nr}"
    return f"{feld}/Z{row}"


MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)


def format_date_de(value: _dt.date | str | None) -> str | None:
    """``date(2025, 2, 3)`` → ``"3. Februar 2025"``; strings pass through."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}"
    return str(value)
