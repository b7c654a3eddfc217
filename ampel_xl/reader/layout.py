"""Stage 3, the layout of a field sheet: title, labels, header, table extent, records, Unterziele.

Works on a :class:`~ampel_xl.reader.grid.Grid` and produces a :class:`SheetDraft`: plain
dataclasses that the reader freezes into the model once the workbook-wide decisions are made.
Every row below the header ends up as a measure, an Unterziel row, a blank row, or an
``outside`` entry with its reason (a legend, a note, a footnote, a sum or share line, an export
stamp, a source line, a signature, an overview beside the table) that validation names in a Hinweis.

Never silent: where the layout chooses, the choice is an anomaly of the draft. A header label is
read by its stems (:func:`stem_role`), so a role may be claimed by two columns; then the visible
one wins over a hidden one, the newest dated Stand over older ones, and otherwise both are named
(:meth:`FieldLayout._choose_columns`). The blue marking is read from the Nr or text cell as
displayed (conditional formatting included); where it and the column „In Auswertung“ disagree,
each measure is named. A sheet whose heading only mentions the fields and that has no table is
no field (:meth:`FieldLayout.not_a_field`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..findings import (
    AUSWERTUNG_UNREADABLE,
    COLUMN_AMBIGUOUS,
    COLUMN_HIDDEN,
    COLUMN_SECOND,
    COLUMN_STAND,
    LABEL_EMPTY,
    MARKING_CONFLICT,
    MARKING_UNREADABLE,
    NOT_A_FIELD_WHY,
    OUTSIDE_OTHER,
    OUTSIDE_WHAT,
    ROLE_WORD,
    ROW_OUTSIDE_TABLE,
    UNTERZIEL_CARRIED,
    UNTERZIEL_UNREADABLE,
    measure_label,
    short,
)
from ..model import Anomaly, Art, StatusEvidence, TextRun, match_title  # (also re-exported)
from ..vocabulary import ANLEITUNG_TITLE
from .colors import ColorClass
from .grid import Grid, col_letter, ref, text_of
from .status import StatusReader
from .words import stem_role

# --------------------------------------------------------------------------------------------
# Labels


def norm(text: str) -> str:
    """Lower-case, single spaces, no trailing punctuation: for label matching."""
    text = text.replace("\u00a0", " ").strip().casefold()
    text = _SPACES.sub(" ", text).replace(" /", "/").replace("/ ", "/")  # linear: no \s* before a literal
    return text.strip(" .:*?")


def header_key(label: str) -> str:
    """A header label as staff type it in narrow wrapped columns, reduced for matching:
    a hyphen at a line break joins ("Maßnahmen-↵beschreibung"), other line breaks are spaces,
    additions in brackets go ("Ampel (Stand 02/2025)")."""
    t = label.replace("\u00a0", " ").replace("\u00ad", "")
    t = _BREAK.sub(_break, t)
    t = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", t)
    return norm(t)


_SPACES = re.compile(r"\s+")
# a run of white space, the hyphen before it and whether a lower-case letter follows: each run is
# looked at once (a pattern such as \s*\n\s* would try every position of a long run again)
_BREAK = re.compile(r"(-?)(\s+)(?=([a-zäöüß])?)")


def _break(m: re.Match[str]) -> str:
    """A line break in a label: a hyphen at the break joins ("Maßnahmen-↵beschreibung"), or stays
    before a capital ("Kultur-↵Freizeit"); any other break is a space."""
    hyphen, space, lower = m.groups()
    if "\n" not in space:
        return m.group()
    if hyphen:
        return "" if lower else "-"
    return " "


_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(p)) for role, p in (
        ("auswertung", r"^(in (die )?)?auswertung|auswertung( \(x\))?$|^ausgewertet|^in auswertung"),
        ("unterziel", r"^(nr\.? |nummer )?(unterziel|uz)e?(\s?-?\s?(nr|nummer)\.?)?$"
                      r"|^zugehöriges unterziel$"),
        ("text", r"^(unterziele?/ma(ß|ss)nahmen?|ma(ß|ss)nahmen?/unterziele?)$"),
        ("nr", r"^(lfd\.? ?)?(nr|nummer|no|#)\.?$|^ma(ß|ss)nahmen?[ -]?(nr|nummer)\.?$"
               r"|^(nr|nummer)\.? (der )?ma(ß|ss)nahme"),
        ("bemerkung", r"^(bemerkung|anmerkung|kommentar|hinweis)(en|e)?\b"),  # "Bemerkung zur Ampel"
        ("status", r"ampel|^status|status$|^bewertung|bewertung$"),
        ("text", r"^ma(ß|ss)nahmen?(beschreibung|bezeichnung|titel|text)?$"
                 r"|^ma(ß|ss)nahmen?[ -](beschreibung|bezeichnung|titel|text)"
                 r"|^beschreibung|^bezeichnung|beschreibung$"),
        ("bemerkung", r"^(bemerkung|anmerkung|kommentar|hinweis)(en|e)?\b|(bemerkung|anmerkung|kommentar)(en|e)?$"),
        ("verantwortlich", r"verantwort|zuständig|federführ|ansprechp"),
        ("zeitraum",
         r"^(zeitraum|zeitrahmen|zeitplan|frist|termin|umsetzung bis|umsetzungszeitraum|laufzeit|bis wann)"),
    )
)


#: A header label is never longer than this (a longer text is content, not compared with the labels).
LABEL_MAX = 300


@functools.lru_cache(maxsize=4096)
def header_role(label: str) -> str | None:
    if len(label) > LABEL_MAX:
        return None
    key = header_key(label)
    if not key:
        return None
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(key):
            return role
    return stem_role(key)


#: the roles the figures come from: two columns for one of them that a person could not tell apart are an error
FIGURE_ROLES = frozenset({"status", "nr", "text", "unterziel", "auswertung"})

#: labels of a table that sums up (an overview, a legend) rather than lists measures
_OVERVIEW_LABEL_RE = re.compile(
    r"^(anzahl|zahl|anteil|summe|gesamt|insgesamt|σ|∑|%|prozent|quote|legende|übersicht|grün|gruen|gelb|rot|farbe)"
    r"(?!\w)")

_MONTHS = {"jan": 1, "feb": 2, "mär": 3, "mar": 3, "apr": 4, "mai": 5, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dez": 12, "dec": 12}
_STAND_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), kind) for p, kind in (
    (r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)", "dmy"),
    (r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)", "ymd"),
    (r"\bq\s*([1-4])\s*[/.\-]?\s*(\d{4})(?!\d)|(?<!\d)([1-4])\.\s*quartal\s*(\d{4})(?!\d)", "q"),
    (r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)", "my"),
    (r"\b(jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\.?\s*(\d{4})(?!\d)", "name"),
    (r"(?<!\d)((?:19|20)\d{2})(?!\d)", "y"),
))


def label_stand(label: str) -> tuple[int, int, int] | None:
    """The Stand a header label names, as (year, month, day) with 0 for what it leaves open:
    "Ampel (Stand 02/2025)" → (2025, 2, 0), "Status 31.12.2024" → (2024, 12, 31), "Ampel 2025" → (2025, 0, 0)."""
    t = label.casefold()
    for pattern, kind in _STAND_RES:
        m = pattern.search(t)
        if not m:
            continue
        g = m.groups()
        if kind == "dmy":
            year = int(g[2])
            return (year + 2000 if year < 100 else year), int(g[1]), int(g[0])
        if kind == "ymd":
            return int(g[0]), int(g[1]), int(g[2] or 0)
        if kind == "q":
            quarter, y = (g[0], g[1]) if g[0] else (g[2], g[3])
            return int(y), int(quarter) * 3, 0
        if kind == "my":
            return int(g[1]), int(g[0]), 0
        if kind == "name":
            return int(g[1]), _MONTHS[g[0]], 0
        return int(g[0]), 0, 0
    return None


_DESCRIPTION_RE = re.compile(r"beschreibung|erläuterung|inhalt|detail|ausführung")
_NUMBER_LABEL_RE = re.compile(r"(^|[\s\-.])(nr|nummer|no)\b|nummer|#")


def _label_rank(role: str, label: str) -> int:
    """How plainly a label names its role, where two columns claim it: for the text, a name
    ("Maßnahme", "Titel") over a description ("Beschreibung"); for the Unterziel, its number
    ("UZ-Nr.") over its wording ("Unterziel")."""
    key = header_key(label)
    if role == "text":
        return 0 if _DESCRIPTION_RE.search(key) else 1
    if role == "unterziel":
        return 1 if _NUMBER_LABEL_RE.search(key) else 0
    return 0


_RECENT_RE = re.compile(r"\b(neu|neue[rs]?|aktuell|aktuelle[rs]?|jetzt|heute)\b")
_OLD_RE = re.compile(r"\b(alt|alte[rs]?|vorjahr|vorjahres|bisher|bisherige[rs]?|vorher|früher|vorige[rs]?|"
                     r"vorherige[rs]?)\b")


def label_recency(label: str) -> tuple[int, int, int]:
    """A Stand a label says in words: (1, 0, 0) for "neu", "aktuell"; (-1, 0, 0) for "alt", "Vorjahr";
    (0, 0, 0) for neither (the current column of a pair whose other one says "alt")."""
    t = label.casefold()
    if _RECENT_RE.search(t):
        return 1, 0, 0
    if _OLD_RE.search(t):
        return -1, 0, 0
    return 0, 0, 0


# --------------------------------------------------------------------------------------------
# Row patterns

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman(text: str) -> int | None:
    t = text.upper()
    if not t or any(ch not in _ROMAN for ch in t) or len(t) > 8:
        return None
    total = 0
    for a, b in zip(t, t[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN.get(b, 0) > v else v
    return total if total > 0 else None


def _uz_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return roman(token)


# "Unterziel 100:" is an Unterziel as "Unterziel 1:" is (no cap on their number); after the bare
# word "Ziel" a number of four digits is a year ("Ziel 2030 erreichen"), no Unterziel
_UZ_TEXT_RE = re.compile(
    r"^\s*(?:(?:Unterziel|UZ)\s*(?:Nr\.?\s*)?|Ziel\s*(?:Nr\.?\s*)?(?!\d{4}))(\d+|[IVXLC]+)(?!\w)(?!\.\d)\s*"
    r"(?:von\s*\d+)?\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$",
    re.I | re.S,
)
# Unterziele numbered the way people number outlines, in the text column ("1. …", "1) …", "1.0 …",
# "A. …", "IV. …") or alone in the Nr column ("1.0", "A", "B)")
_OUTLINE_TEXT_RE = re.compile(r"^\s*(\d{1,6}|[A-Z]|[IVXLC]{1,8})(?:\.0\b\.?|\.|\))\s+(\S.*)$", re.S)
_OUTLINE_FLAT_RE = re.compile(r"^\s*([A-Z]|[IVXLC]{1,8})(?:\s*[.)]\s*|\s*[:\-–—]\s*|\s+|$)(.*)$", re.S)
_OUTLINE_NR_RE = re.compile(r"^\s*(?:(\d{1,6})\.0|([A-Z])\)?)\s*$")
_UZ_NR_RE = re.compile(r"^\s*(?:U|UZ|Unterziel|Ziel)\s*(\d+|[IVXLC]+)\s*\.?\s*$", re.I)
_ROMAN_NR_RE = re.compile(r"^\s*([IVX]+)\s*\.?\s*$")
_M_TEXT_RE = re.compile(
    r"^\s*(?:(?:Maßnahme|Massnahme|M)\s*(\d+(?:\.\d+)*)\s*(?:von\s*\d+)?\s*[:.\-–—)]?\s*"
    r"|(\d+\.\d+(?:\.\d+)*)\.?\s+(?:[:\-–—]\s*)?)(.*)$",
    re.I | re.S,
)
_LEADING_NR_RE = re.compile(r"^\s*(\d+)\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$", re.S)
_DOTTED_RE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")
_POINT_ZERO_RE = re.compile(r"^(\s*\d+)\.0\b")

_SUM_WORDS = r"(summe|gesamt|insgesamt|anzahl|total|davon|zwischensumme|anteil|σ|∑|durchschnitt|mittelwert|quote)"
_SUM_RE = re.compile(r"^\s*" + _SUM_WORDS + r"(?!\w)", re.I)
# a footnote: a superscript or star marker ("¹ …", "* …", "**) …", "† …") or "1) …" where the table refers to it
_FOOTNOTE_RE = re.compile(r"^\s*([¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3}|†)\s*\)?\s*\S")
_FOOTNOTE_MARKS = frozenset("¹²³⁴⁵⁶⁷⁸⁹⁰*†")
_FOOTNOTE_NR_RE = re.compile(r"^\s*(\d{1,2}\))\s+\S")
_FOOTNOTE_REF_RE = re.compile(r"(?<=\w)(\d{1,2}\))")
# an export or print stamp, a source line
_STAMP_RE = re.compile(  # with its date or time
    r"^(?=.*(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}))"
    r"\s*((exportiert|erstellt|gedruckt|ausgedruckt|generiert|erzeugt|aktualisiert|zuletzt \w+)"
    r"\s+(am|von|durch|mit|aus)"
    r"|(export|ausdruck|druck|druckdatum|exportdatum|datenstand|datenexport)\b"
    r"|stand\s*[:\-–]?\s*[\d.]+.*\b(erstellt|exportiert|gedruckt)\b)", re.I | re.S)
_SOURCE_RE = re.compile(r"^\s*(daten)?quellen?\s*[:\-–]", re.I)
_NUMBERISH_RE = re.compile(r"^\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*$")
_NOTE_RE = re.compile(
    r"^\s*(\*|(hinweis|hinweise|anmerkung|anmerkungen|fußnote|quelle|quellen|erläuterung|erläuterungen|notiz|stand)\s*[:\-–]"
    r"|blau hinterlegt|legende\b|ampelsystem)", re.I)
_SIGN_RE = re.compile(
    r"^\s*(gez\.|unterschrift|i\.\s?a\.|im auftrag|ort,?\s*datum|datum,?\s*unterschrift|\(?unterschrift|_{3,}"
    r"|erstellt\s*(von|am|:))",
    re.I)
_LEGEND_WORD_RE = re.compile(r"^\s*(grün|gruen|gelb|rot|blau|orange)\s*(=|:|–|-|\)|$)", re.I)
_SUM_LINE_RE = re.compile(r"^\s*" + _SUM_WORDS + r"(?!\w)[^.!?]{0,25}$", re.I)
_NR_LIKE_RE = re.compile(r"^\s*(?:[A-Za-zÄÖÜäöü]{1,3}\.?\s*)?\d|^\s*[IVXLC]+\s*\.?\s*$")


def _measure_named(nr: str | None, row: int) -> str:
    """A measure as named inside a sentence: "Maßnahme Nr. 3", "der Maßnahme in Zeile 12"."""
    return f"Maßnahme Nr. {nr}" if nr else f"der Maßnahme in Zeile {row}"


def _first_text(cells: dict) -> str:
    """The first value of a row (leftmost cell that holds one), as text."""
    for c in sorted(cells):
        if cells[c] is not None:
            return text_of(cells[c])
    return ""


def _joined(text: str, line: str) -> str:
    """``text`` with ``line`` as a further line (either may be empty)."""
    if not line:
        return text
    return f"{text}\n{line}" if text else line


def split_lines(text: str) -> list[str]:
    out = []
    for line in re.split(r"[\r\n]+", text or ""):
        line = re.sub(r"^\s*[•\-–—*·▪●]\s*", "", line).strip()
        if line:
            out.append(line)
    return out


_NR_PREFIX_RE = re.compile(r"^(?:Nr\.?|Maßnahme|Massnahme|M)\s*", re.I)


def nr_text(value: Any) -> str:
    """A number cell as written: 5 → "5", 2.3 → "2.3", "M 5" → "5"."""
    if type(value) is int:
        return str(value)
    t = text_of(value)
    t = _NR_PREFIX_RE.sub("", t, count=1)
    t = t.strip()
    if t.endswith(")") and "(" not in t and t[:-1].replace(".", "").isdigit():
        t = t[:-1]  # "1)" is number 1
    return t.rstrip(".")


# --------------------------------------------------------------------------------------------
# Drafts


@dataclass(slots=True)
class MeasureDraft:
    row: int
    nr: str | None
    text: str
    evidence: StatusEvidence
    marked: bool
    mark_source: str | None
    auswertung_text: str | None
    hidden: bool
    nr_cell: str | None
    text_cell: str
    last_row: int | None = None
    bemerkung: str = ""
    verantwortlich: str = ""
    zeitraum: str = ""
    extras: tuple[str, ...] = ()
    """The values of the master's extra columns, in the order of ``SheetDraft.extras``."""
    more_text: str = ""
    """Text of the rows the measure spans below its first (one line each)."""


@dataclass(slots=True)
class UnterzielDraft:
    nr: int
    text: str
    row: int | None
    cell: str | None
    evidence: StatusEvidence | None
    measures: list[MeasureDraft] = field(default_factory=list)


@dataclass
class SheetDraft:
    sheet: str
    art: Art
    name: str
    title_text: str
    title_cell: str
    labels: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)
    highlight_runs: list[tuple[TextRun, ...]] = field(default_factory=list)
    header_row: int | None = None
    flat: bool = False
    roles: dict[str, int] = field(default_factory=dict)
    extras: list[tuple[str, int]] = field(default_factory=list)
    unterziele: list[UnterzielDraft] = field(default_factory=list)
    orphans: list[MeasureDraft] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    table_rows: int = 0

    @property
    def measures(self) -> list[MeasureDraft]:
        return sorted([m for u in self.unterziele for m in u.measures] + self.orphans, key=lambda m: m.row)


# --------------------------------------------------------------------------------------------
# Title, labels, header

TITLE_SCAN_ROWS = 8
HEADER_SCAN_ROWS = 60
_LABELS = {"oberziel": "oberziel", "sachstand": "sachstand", "highlights": "highlights", "highlight": "highlights",
           "einleitung": "einleitung", "ausblick": "ausblick"}
_LABEL_RE = re.compile(r"^\s*(Oberziel|Sachstand|Highlights?|Einleitung|Ausblick)\b\s*([:\-–—]?)\s*(.*)$", re.I | re.S)


def find_title(grid: Grid, sheet: str) -> tuple[Art, str, str, str, int] | None:
    for idx in sorted(r for r in grid.rows if r <= TITLE_SCAN_ROWS):
        row = grid.rows[idx]
        for col in sorted(row):
            value = row[col]
            if isinstance(value, str):
                hit = match_title(value)
                if hit:
                    art, name = hit
                    if not name or (name.isupper() and norm(name) == norm(sheet)):
                        name = sheet
                    return art, name, value.strip(), ref(col, idx), idx
    return None


def template_sheet(grid: Grid) -> bool:
    """A sheet the program's own template writes (its Anleitung), known by what the template writes in
    A1, not by the tab's name: a clerk may rename the tab, or name a sheet of their own "Anleitung"."""
    return grid.text(1, 1).strip() == ANLEITUNG_TITLE


class FieldLayout:
    """Reads one field sheet's layout into a :class:`SheetDraft`."""

    def __init__(self, grid: Grid, sheet: str, title: tuple[Art, str, str, str, int]) -> None:
        self.grid = grid
        self.sheet = sheet
        art, name, text, cell, self.title_row = title
        self.draft = SheetDraft(sheet, art, name, text, cell)
        self.apart_cols: set[int] = set()
        """Columns of another table right of the measures on their header row (an overview)."""
        self.skipped_cols: dict[int, str] = {}
        """Hidden columns that gave way to a visible one of the same role: not read, still inside the table."""

    # -- header --------------------------------------------------------------------------
    def _roles_of(self, idx: int) -> tuple[dict[str, list[int]], list[tuple[str, int]], int, dict[int, str], set[int]]:
        """Row ``idx`` read as a header: the columns claiming each role (left to right), the other
        labels, how many roles are claimed, every column's label, and the columns a label covers."""
        grid = self.grid
        cands: dict[str, list[int]] = {}
        unknown: list[tuple[str, int]] = []
        labels: dict[int, str] = {}
        covered: set[int] = set()
        cols = set(grid.rows.get(idx, {}))
        cols |= {c for (r, c) in grid._owner if r == idx}
        for col in sorted(cols):
            o = grid.owner(idx, col)
            if o is not None and o[1] != col:
                covered.add(col)
                continue  # covered by a horizontal merge: the owner column carries the label
            value = grid.value(idx, col)
            if value is None:
                continue
            if not isinstance(value, str):
                unknown.append((text_of(value), col))
                labels[col] = text_of(value)
                continue
            label = re.sub(r"\s+", " ", value).strip()
            labels[col] = label
            role = header_role(value)
            if role:
                cands.setdefault(role, []).append(col)
            elif label:
                unknown.append((label, col))
        return cands, unknown, len(cands), labels, covered

    def find_header(self) -> int | None:
        grid = self.grid
        for idx in sorted(r for r in grid.rows if self.title_row <= r <= HEADER_SCAN_ROWS):
            cands, unknown, _, labels, covered = self._roles_of(idx)
            if "text" not in cands or not ({"status", "nr"} & cands.keys()):
                continue
            end = idx
            # a two-row header: group labels above (merged across columns) or column labels below
            below, below_unknown, n_below, below_labels, below_covered = self._roles_of(idx + 1)
            own_below = [c for c in grid.rows.get(idx + 1, {}) if grid.rows[idx + 1][c] is not None]
            group_above = any(
                (rng := grid.merge_range(idx, c)) is not None and rng.max_col > rng.min_col and rng.min_row == idx
                for c in grid.rows.get(idx, {}))
            stand_groups = self._stand_groups(idx, cands)
            if stand_groups:
                # a group label over one column per Stand ("Ampel" merged over "2024" | "2025")
                group_cols: set[int] = set()
                for role, cols, under in stand_groups:
                    group_label = labels.get(cols[0], "")
                    cands[role] = sorted({*cands[role], *cols})
                    for c, u in zip(cols, under, strict=True):
                        labels[c] = f"{group_label} {u}".strip()
                    group_cols.update(cols)
                labelled = {col for _, col in unknown} | group_cols
                unknown += [(t, c) for t, c in below_unknown if c not in labelled]
                end = idx + 1
            elif n_below and own_below and (group_above or all(
                    isinstance(grid.rows[idx + 1][c], str) and header_role(grid.rows[idx + 1][c])
                    for c in own_below)):
                below_cols = {c for cs in below.values() for c in cs}
                merged = {role: [c for c in cs if c not in below_cols] for role, cs in cands.items()
                          if role not in below}
                merged.update(below)
                cands = {role: cs for role, cs in merged.items() if cs}
                known_cols = {c for cs in cands.values() for c in cs}
                unknown = [(t, c) for t, c in unknown + below_unknown if c not in known_cols]
                first_in_col: dict[int, tuple[str, int]] = {}
                for t, c in sorted(unknown, key=lambda x: x[1]):
                    first_in_col.setdefault(c, (t, c))
                unknown = list(first_in_col.values())
                for c, t in below_labels.items():
                    labels[c] = f"{labels[c]} {t}" if c in labels else t
                covered |= below_covered
                end = idx + 1
            cands, unknown = self._one_table(cands, unknown, labels, covered)
            roles, extras = self._choose_columns(idx, cands, unknown, labels)
            d = self.draft
            d.roles = roles
            d.extras = extras
            d.header_row = idx
            d.flat = "unterziel" in roles
            return end
        return None

    def _stand_groups(self, idx: int, cands: dict[str, list[int]]) -> list[tuple[str, list[int], list[str]]]:
        """Role labels merged across columns whose cells in the row below each name a Stand:
        (role, the columns, the Stände as written)."""
        grid = self.grid
        out = []
        for role, cols in cands.items():
            for c in cols:
                # the columns the label's merged cell covers in its own row only (asked through the owner,
                # which names a cell the same way whatever the shape of a range)
                span = [c]
                while grid.owner(idx, span[-1] + 1) == (idx, c):
                    span.append(span[-1] + 1)
                if len(span) == 1 or grid.owner(idx + 1, c) == (idx, c):
                    continue
                under = [text_of(grid.own_value(idx + 1, x)) for x in span]
                if all(under) and all(label_stand(u) is not None for u in under):
                    out.append((role, span, under))
        return out

    def _one_table(self, cands: dict[str, list[int]], unknown: list[tuple[str, int]], labels: dict[int, str],
                   covered: set[int]) -> tuple[dict[str, list[int]], list[tuple[str, int]]]:
        """Only the measure table's columns: a block of labels that stands apart from it (past an empty
        column) and reads as an overview (Anzahl, Anteil, Summe, Legende, a status name) is another
        table on the same header row; its cells are beside the table. A block apart that only names
        columns (a second Ampel column past a spacer) belongs to the table, where two columns for one
        role are chosen between openly."""
        if "text" not in cands:
            return cands, unknown
        present = sorted(set(labels) | covered)
        blocks: list[list[int]] = []
        for c in present:
            if blocks and c == blocks[-1][-1] + 1:
                blocks[-1].append(c)
            else:
                blocks.append([c])
        text_col = cands["text"][0]
        core_at = next(i for i, b in enumerate(blocks) if text_col in b)
        keep = set(blocks[core_at])

        def apart(block: list[int]) -> bool:
            return any(_OVERVIEW_LABEL_RE.match(header_key(labels.get(c, ""))) for c in block)

        for step in (1, -1):
            i = core_at + step
            while 0 <= i < len(blocks):
                if apart(blocks[i]):
                    break
                keep.update(blocks[i])
                i += step
        if len(keep) == len(present):
            return cands, unknown
        self.apart_cols = {c for c in present if c not in keep and c > min(keep)}
        kept = {role: [c for c in cs if c in keep] for role, cs in cands.items()}
        return {r: cs for r, cs in kept.items() if cs}, [(t, c) for t, c in unknown if c in keep]

    def _choose_columns(self, row: int, cands: dict[str, list[int]], unknown: list[tuple[str, int]],
                        labels: dict[int, str]) -> tuple[dict[str, int], list[tuple[str, int]]]:
        """One column per role, never chosen silently: a hidden column gives way to a visible one
        (a Hinweis), among visible ones the newest dated Stand wins (a Hinweis); otherwise the first
        is read and both are named: an error for the roles the figures come from, a Hinweis for the
        descriptive ones (the other column is kept as a column of its own). A column given way is
        kept as an extra column unless it is hidden."""
        hidden = self.grid.part.hidden_cols
        roles: dict[str, int] = {}
        extras = list(unknown)
        sheet = self.sheet

        def named(c: int) -> str:
            return f"{col_letter(c)} („{short(labels.get(c, ''), 40)}“)"

        for role, cols in cands.items():
            roles[role] = cols[0]
            if len(cols) == 1:
                continue
            word = ROLE_WORD.get(role, role)
            ranks = {c: _label_rank(role, labels.get(c, "")) for c in cols}
            best = max(ranks.values())
            if min(ranks.values()) < best:
                # "Maßnahme" beside "Beschreibung", "UZ-Nr." beside "Unterziel": the name and the number
                # take the role, the description or wording is kept as a column of its own
                lesser = [c for c in cols if ranks[c] < best]
                cols = [c for c in cols if ranks[c] == best]
                self.draft.anomalies.append(Anomaly.of(
                    COLUMN_SECOND, sheet, ref(lesser[0], row), row, role=word, keep=named(cols[0]),
                    others=", ".join(named(c) for c in lesser)))
                extras.extend((labels.get(c, ""), c) for c in lesser)
                roles[role] = cols[0]
                if len(cols) == 1:
                    continue
            visible = [c for c in cols if c not in hidden]
            pool = visible or cols
            keep = pool[0]
            if len(pool) > 1:
                stands = {c: label_stand(labels.get(c, "")) for c in pool}
                dated = sorted((v, c) for c, v in stands.items() if v is not None)
                if len(dated) < len(pool):  # "Ampel (alt)" / "Ampel (aktuell)": a Stand in words
                    said = {c: label_recency(labels.get(c, "")) for c in pool}
                    dated = sorted((v, c) for c, v in said.items()) if any(v[0] for v in said.values()) else []
                if len(dated) == len(pool) and dated[-1][0] != dated[-2][0]:
                    keep = dated[-1][1]
                    self.draft.anomalies.append(Anomaly.of(
                        COLUMN_STAND, sheet, ref(keep, row), row, role=word, keep=named(keep),
                        others=", ".join(named(c) for c in pool if c != keep)))
                elif role in FIGURE_ROLES:
                    self.draft.anomalies.append(Anomaly.of(
                        COLUMN_AMBIGUOUS, sheet, ref(pool[1], row), row, role=word, keep=named(keep),
                        others=", ".join(named(c) for c in pool if c != keep)))
                else:
                    self.draft.anomalies.append(Anomaly.of(
                        COLUMN_SECOND, sheet, ref(pool[1], row), row, role=word, keep=named(keep),
                        others=", ".join(named(c) for c in pool if c != keep)))
            roles[role] = keep
            for c in cols:
                if c == keep:
                    continue
                if c in hidden and keep not in hidden:
                    self.draft.anomalies.append(Anomaly.of(
                        COLUMN_HIDDEN, sheet, ref(c, row), row, role=word, col=named(c), keep=named(keep)))
                    self.skipped_cols[c] = role
                else:
                    extras.append((labels.get(c, ""), c))
        extras.sort(key=lambda x: x[1])
        return roles, extras

    def not_a_field(self) -> str | None:
        """Why a sheet whose heading matched but that has no measure table is no field sheet (the
        phrase of ``sheet-not-a-field``), or None when it is a field sheet without its table. Its
        heading names no single field ("Handlungsfeld / Querschnittsthema"), or it is the header of a
        column (other labels beside it, entries below it) or it computes (formulas) on a sheet without
        an Oberziel."""
        d = self.draft
        hit = match_title(d.title_text)
        rest = re.sub(r"^[\s/&,;+|]+|^(und|oder|bzw\.?)\s+", "", hit[1] if hit else "", flags=re.I)
        if hit is not None and rest and (other := match_title(rest)) is not None and not other[1].strip(" /&,;"):
            return NOT_A_FIELD_WHY["kein-feld"]
        if "oberziel" in d.labels:
            return None
        grid = self.grid
        row = self.title_row
        cells = grid.rows.get(row, {})
        col = next((c for c, v in cells.items() if isinstance(v, str) and v.strip() == d.title_text), 0)
        beside = sum(1 for c, v in grid.rows.get(row, {}).items() if c != col and text_of(v))
        below = grid.own_value(row + 1, col) is not None
        if beside >= 2 and below:
            return NOT_A_FIELD_WHY["kopf"]
        if grid.part.formulas:
            return NOT_A_FIELD_WHY["formeln"]  # the clerk's own evaluation of a field: counts, shares
        return None

    # -- labels ----------------------------------------------------------------------------
    def read_labels(self, last_row: int) -> None:
        grid = self.grid
        d = self.draft
        hl_col: int | None = None
        hl_row = -2
        for idx in sorted(r for r in grid.rows if r < last_row):
            row = grid.rows[idx]
            cols = sorted(c for c in row if row[c] is not None)
            consumed: set[int] = set()
            label_found = False
            for i, col in enumerate(cols):
                value = row[col]
                if col in consumed or not isinstance(value, str):
                    continue
                m = _LABEL_RE.match(value)
                if not m:
                    continue
                label_found = True
                key = _LABELS[m.group(1).casefold()]
                rest = m.group(3).strip()
                cell = ref(col, idx)
                src_col = col
                if rest and key != "oberziel" and not m.group(2):
                    rest = value.strip()  # "Sachstand zum 31.12.2024: …" keeps its whole text
                elif rest and key != "oberziel" and m.group(2) == "-":
                    rest = value.strip()  # "Highlight-Projekt …": the word belongs to the text
                if not rest and i + 1 < len(cols):
                    other = cols[i + 1]
                    t = text_of(row[other])
                    if t and not _LABEL_RE.match(t):
                        rest, cell, src_col = t, ref(other, idx), other
                        consumed.add(other)
                if not rest:
                    d.anomalies.append(Anomaly.of(LABEL_EMPTY, self.sheet, ref(col, idx), idx, label=m.group(1)))
                if key not in d.labels:
                    d.labels[key] = (rest, cell if rest else None)
                if key == "highlights" and rest:
                    d.highlights.extend(split_lines(rest))
                    self._highlight_runs(idx, src_col, rest)
                    hl_col, hl_row = src_col, idx
            if not label_found and hl_col is not None and idx == hl_row + 1 and cols == [hl_col]:
                t = text_of(row[hl_col])
                d.highlights.extend(split_lines(t))
                self._highlight_runs(idx, hl_col, t)
                hl_row = idx

    def _highlight_runs(self, row: int, col: int, text: str) -> None:
        runs = self.grid.runs(row, col)
        lines: list[tuple[TextRun, ...]] = []
        if not runs:
            lines = [(TextRun(line),) for line in split_lines(text)]
        else:
            current: list[TextRun] = []
            for run in runs:
                pieces = re.split(r"[\r\n]+", run.text)
                for i, piece in enumerate(pieces):
                    if i > 0:
                        lines.append(tuple(current))
                        current = []
                    if piece:
                        current.append(TextRun(piece, run.bold))
            lines.append(tuple(current))
            cleaned = []
            for line in lines:
                line = _strip_bullet_runs(line)
                if line:
                    cleaned.append(line)
            lines = cleaned
        self.draft.highlight_runs.extend(lines)

    # -- the table -------------------------------------------------------------------------
    def read_table(self, header_end: int, status: StatusReader) -> None:
        """The measures below the header, their statuses read with the workbook's words."""
        TableReader(self, header_end, status).run()


def _strip_bullet_runs(line: tuple[TextRun, ...]) -> tuple[TextRun, ...]:
    out = list(line)
    while out and not out[0].text.strip():
        out.pop(0)
    if out:
        first = re.sub(r"^\s*[•\-–—*·▪●]\s*", "", out[0].text)
        out[0] = TextRun(first.lstrip(), out[0].bold)
        if not out[0].text:
            out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if out:
        out[-1] = TextRun(out[-1].text.rstrip(), out[-1].bold)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# The measures table


@dataclass
class _Pending:
    """An integer-numbered row that is an Unterziel if the next row is numbered "<n>.k"."""

    row: int
    nr: str


_COLOURING = frozenset(("zellfarbe", "zeilenfarbe", "bedingt", "symbolsatz"))
"""Channels that colour a status cell themselves (a fill or an icon): the row's paint is not looked at."""


class TableReader:
    def __init__(self, layout: FieldLayout, header_end: int, status: StatusReader) -> None:
        self.layout = layout
        self.grid = layout.grid
        self.d = layout.draft
        self.sheet = layout.sheet
        self.status = status
        self.header_end = header_end
        roles = self.d.roles
        self.roles = roles
        self.c_nr = roles.get("nr")
        self.c_text = roles["text"]
        self.c_status = roles.get("status")
        self.c_uz = roles.get("unterziel")
        self.c_ausw = roles.get("auswertung")
        cols = set(roles.values()) | {c for _, c in self.d.extras} | set(layout.skipped_cols)
        self.first_col, self.last_col = min(cols), max(cols)
        self.key_cols = [c for c in (self.c_nr, self.c_text, self.c_status) if c is not None]
        self.current_uz: UnterzielDraft | None = None
        self.uz_by_nr: dict[int, UnterzielDraft] = {}
        self.record: MeasureDraft | None = None
        self.pending: _Pending | None = None
        self.last_uz_value: int | str | None = None
        self.gap = False
        self.after_legend = False
        self.measures_seen = 0
        self.numbered = 0
        self._ev_row = -1
        self._ev: StatusEvidence | None = None
        self.letters = False
        """Unterziele are lettered (A, B, C …): then "I" and "V" are letters, not Roman numerals."""
        self.footnote_refs: set[str] = set()
        """Footnote markers the measures' texts end a word with ("Sprachkurse1)")."""
        self.marks: list[MeasureDraft] = []
        """Every measure (a measure over merged rows may come twice), and in :attr:`marks_blue` at the same
        place whether its Nr or text cell shows blue: two lists, not a pair per measure, which the
        collector would walk again and again while a large sheet is read."""
        self.marks_blue: list[bool] = []
        self.mark_unreadable = False
        self.merges = bool(self.grid.part.merged)
        # what each column's header says: a row that says it again is the header repeated
        self.header_labels = {c: role for role, c in roles.items()}
        self.header_labels.update({c: header_key(label) for label, c in self.d.extras})
        self.header_labels.update(layout.skipped_cols)

    # -- helpers ---------------------------------------------------------------------------
    def _own(self, row: int, col: int | None) -> Any:
        if col is None:
            return None
        return self.grid.own_value(row, col)

    def _shown(self, row: int, col: int | None) -> Any:
        """Value shown in (row, col), unless it is covered by a horizontal merge from another column."""
        if col is None:
            return None
        if not self.merges:  # no merged cell on the sheet: a cell shows what it holds
            cells = self.grid.rows.get(row)
            return cells.get(col) if cells else None
        o = self.grid.owner(row, col)
        if o is not None:
            if o[1] != col:
                return None
            row = o[0]  # covered from above in its own column: the owner's value
        cells = self.grid.rows.get(row)
        return cells.get(col) if cells else None

    def _text(self, row: int, col: int | None) -> str:
        """The text (row, col) shows, as :meth:`_shown` finds its cell: a number through its number
        format ("2.500 €", "31.12.2025"), as a person reads it in Excel."""
        if not self.merges and col is not None:  # quick: a cell shows what it holds
            cells = self.grid.rows.get(row)
            value = cells.get(col) if cells else None
            if value is None:
                return ""
            if type(value) is str:
                return value.strip()  # text_of(value)
        else:
            value = self._shown(row, col)
        if col is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            o = self.grid.owner(row, col) if self.merges else None
            return self.grid.text(o[0] if o is not None else row, col)
        return text_of(value)

    def _covered_from(self, row: int, col: int | None) -> int | None:
        """The owner row when (row, col) is covered by a vertical merge from above in its column."""
        if col is None:
            return None
        o = self.grid.owner(row, col)
        if o is not None and o[1] == col and o[0] < row:
            return o[0]
        return None

    def _outside(self, idx: int, cell_col: int, why: str, text: str) -> None:
        self.d.anomalies.append(Anomaly.of(ROW_OUTSIDE_TABLE, self.sheet, ref(cell_col, idx), idx,
                                           what=OUTSIDE_WHAT.get(why, OUTSIDE_OTHER), text=short(text)))

    # -- rows ------------------------------------------------------------------------------
    def run(self) -> None:
        rows = self.grid.rows
        for idx in sorted(r for r in rows if r > self.header_end):
            self._row(idx, rows[idx])
        self._flush_pending()
        self._marking_conflicts()

    def _row(self, idx: int, row: dict) -> None:
        first_col, last_col = self.first_col, self.last_col
        inside: dict = {}
        beside: list[int] = []
        formula = self.grid.formula
        for c, value in row.items():
            if value is not None or formula(idx, c):
                if first_col <= c <= last_col:
                    inside[c] = value
                else:
                    beside.append(c)
        record = self.record
        # a continuation row of a measure over vertically merged rows
        if record is not None and self.merges:
            owner_rows = {self._covered_from(idx, c) for c in self.key_cols}
            if record.row in owner_rows and not any(
                    self._covered_from(idx, c) is None and self._own(idx, c) is not None for c in self.key_cols
                    if c != self.c_text):
                self._join(record, idx, row)
                return
        if beside:
            col = min(beside)
            self._outside(idx, col, "uebersicht" if col in self.layout.apart_cols else "neben", text_of(row[col]))
        if not inside:
            if not beside:
                self.gap = True
            return
        self.d.table_rows += 1
        if self.merges:
            nr_raw = self._shown(idx, self.c_nr)
            text_raw = self._shown(idx, self.c_text)
        else:  # no merged cell on the sheet: the row's own cells (as _shown finds them)
            nr_raw = row.get(self.c_nr) if self.c_nr is not None else None
            text_raw = row.get(self.c_text)
        nr = nr_text(nr_raw) if nr_raw is not None else ""
        text = text_of(text_raw)
        if self.merges and not text:
            o = self.grid.owner(idx, self.c_text)
            if o is not None and o[0] == idx and o[1] != self.c_text:
                # a heading merged across the row from another column ("Unterziel 1: …" written in Nr)
                text = text_of(self.grid.value(idx, self.c_text))
                if o[1] == self.c_nr:
                    nr = ""
        if not text and nr and self.c_nr != self.c_text:
            heading = _UZ_TEXT_RE.match(nr)
            if heading and heading.group(2).strip():
                # an Unterziel heading typed in the Nr cell that runs over the empty text cell
                # ("Unterziel 1: Sprachkurse" in A, nothing in B): what a person sees is a heading
                text, nr = nr, ""
        why = self._outside_reason(idx, nr, text, inside)
        if why:
            col = min(inside)
            self._outside(idx, col, why, _first_text(inside))
            if why == "legende":
                self.after_legend = True
            return

        # an Unterziel row
        m = _UZ_TEXT_RE.match(text) if text else None
        if m and (n := _uz_number(m.group(1))) is not None and not (nr and _DOTTED_RE.match(nr)):
            self._flush_pending()
            if self.d.flat:
                self._flat_unterziel(n, m.group(2).strip(), idx)
            else:
                self._start_unterziel(n, m.group(2).strip(), idx, "text")
            self.record = None
            self.gap = False
            return
        if not self.d.flat and (outline := self._outline_unterziel(idx, nr, text)) is not None:
            self._flush_pending()
            self._start_unterziel(outline[0], outline[1], idx, outline[2])
            self.record = None
            self.gap = False
            return
        m2 = (_UZ_NR_RE.match(nr) or (_ROMAN_NR_RE.match(nr) if not self.d.flat and not self.letters else None)) \
            if nr else None
        if m2 and (n2 := _uz_number(m2.group(1))) is not None:
            self._flush_pending()
            self._start_unterziel(n2, text, idx, "nr")
            self.record = None
            self.gap = False
            return
        if self.pending is not None:
            dotted = _DOTTED_RE.match(nr) if nr else None
            p = self.pending
            if dotted and dotted.group(1) == p.nr:
                self.pending = None
                uz_text = text_of(self._shown(p.row, self.c_text))
                self._start_unterziel(int(p.nr), uz_text, p.row, "nr")
            else:
                self._flush_pending()
        if not self.d.flat and self.merges and nr.isdigit() and self._heading(idx):  # (a heading is a merge)
            self._start_unterziel(int(nr), text, idx, "nr")
            self.record = None
            return
        if not self.d.flat and nr.isdigit() and self._no_status(idx):
            self.pending = _Pending(idx, nr)
            self.record = None
            return
        self._measure(idx, nr, text)
        self.gap = False

    def _repeats_header(self, inside: dict) -> bool:
        """Every filled cell of the row names its own column, as the header does (at least two): the
        header repeated inside the table, e.g. where a second block was pasted or a page starts."""
        labels = self.header_labels
        hits = 0
        for c, value in inside.items():
            if not isinstance(value, str) or c not in labels:
                return False
            own = labels[c]
            if header_role(value) != own and header_key(value) != own:
                return False
            hits += 1
        return hits >= 2

    def _outside_reason(self, idx: int, nr: str, text: str, inside: dict) -> str | None:
        if text and not nr[:1].isdigit() and self._repeats_header(inside):
            return "kopfzeile"
        lead = (nr or text)[:4]
        if self.measures_seen and lead and (lead[0] in _FOOTNOTE_MARKS or ")" in lead or not (nr and text)):
            first_cell = _first_text(inside)
            if _FOOTNOTE_RE.match(first_cell) or (
                    (fn := _FOOTNOTE_NR_RE.match(first_cell)) and fn.group(1) in self.footnote_refs
                    and not self._says_status(idx)):
                return "fussnote"  # "¹ Angaben des Jobcenters", "1) …" where a measure's text ends in "…1)"
        has_nr = bool(nr) and bool(_NR_LIKE_RE.match(nr)) and not (
            nr[:1].isdigit() and not text and len(nr) > 12)  # "2025 wurde …" spilled from the Nr cell is no number
        if has_nr and not (text and _SUM_LINE_RE.match(text)):
            return None  # the usual measure row: numbered, no sum word
        first = nr if nr and not has_nr else _first_text(inside)  # "Anzahl", "Hinweis: …" in the Nr column
        if text and _SUM_LINE_RE.match(text) and self.measures_seen:
            ev = self._evidence(idx)
            if ev is None or ev.empty or _SUM_LINE_RE.match(first) or (
                    ev.text_status is None and not (has_nr and self._says_status(idx))):
                return "summe"
        if any(isinstance(v, (int, float)) and self.grid.formula(idx, c) for c, v in inside.items()) \
                and not has_nr and not (text and not _SUM_RE.match(text)):
            return "summe"
        if not has_nr and _SUM_RE.match(first) and any(
                (isinstance(v, (int, float)) and not isinstance(v, bool))
                or (isinstance(v, str) and _NUMBERISH_RE.match(v))
                for c, v in inside.items() if c in (self.c_status, self.c_nr, self.c_text)):
            return "summe"  # "Anteil Grün" with 45 % in the status column, "Σ" with counts
        if not has_nr and _SUM_RE.match(first) and ((re.search(r"\d", first) and self.measures_seen)
                                                     or any(self.grid.formula(idx, c) for c in inside)):
            return "summe"  # "Summe 12", or a count by formula that has no stored result
        if not has_nr and _STAMP_RE.match(first):
            return "stempel"
        if not has_nr and _SOURCE_RE.match(first):
            return "quelle"
        if not has_nr and _SIGN_RE.match(first):
            return "unterschrift"
        if not has_nr and _NOTE_RE.match(first):
            return "legende" if re.match(r"^\s*(legende|ampelsystem)", first, re.I) else "notiz"
        if not has_nr and (self.after_legend or self.gap) and self.measures_seen and (
                _LEGEND_WORD_RE.match(first) or (self.status.is_status_word(first) and len(first) <= 40)):
            return "legende"
        if not has_nr and self.after_legend:
            return "legende"
        if not has_nr and self.gap and self.measures_seen and self.numbered * 2 > self.measures_seen:
            ev = self._evidence(idx)
            if ev is None or ev.empty:
                return "notiz"
        if not has_nr and not text and self.c_status is not None and self._own(idx, self.c_status) is None \
                and self.measures_seen and not self._uz_cell_value(idx):
            # only other columns filled, no text, no number, no status: not a measure
            ev = self._evidence(idx)
            if ev is None or ev.empty:
                return "notiz"
        return None

    def _says_status(self, idx: int) -> bool:
        """Whether the row's status cell shows a status (a word, a colour, an icon, a coloured symbol)."""
        ev = self._evidence(idx)
        return ev is not None and ev.status is not None

    def _outline_unterziel(self, idx: int, nr: str, text: str) -> tuple[int, str, str] | None:
        """An Unterziel row numbered the way people number outlines: "1.0", or a capital letter alone in
        a row without a status, in the Nr column; or "1. …", "1) …", "A. …", "IV. …" at the start of the
        text of a row with no number and no status whose number continues the Unterziele (the next one,
        or the first)."""
        if nr:
            m = _OUTLINE_NR_RE.match(nr)
            if m is None or not text:
                return None
            if m.group(1):
                return int(m.group(1)), text, "nr"
            if self._says_status(idx):
                return None  # a measure lettered "A" (its status says so), not an Unterziel
            letter = m.group(2)
            if letter in "IVXLC" and not self.letters and (n := roman(letter)) is not None:
                return n, text, "nr"
            self.letters = True
            return ord(letter) - 64, text, "nr"
        m = _OUTLINE_TEXT_RE.match(text) if text else None
        if m is None or self._says_status(idx):
            return None
        token = m.group(1)
        if token.isdigit():
            n = int(token)
        elif len(token) == 1 and (self.letters or token not in "IVXLC"):
            n = ord(token) - 64
        else:
            n = roman(token) or 0
        expected = self.current_uz.nr + 1 if self.current_uz is not None else None
        if n < 1 or (expected is not None and n != expected) or (expected is None and n != 1 and self.measures_seen):
            return None
        if len(token) == 1 and token.isalpha() and (self.letters or token not in "IVXLC"):
            self.letters = True
        return n, m.group(2).strip(), "text"

    def _uz_cell_value(self, idx: int) -> bool:
        return self.c_uz is not None and self._own(idx, self.c_uz) is not None

    def _heading(self, idx: int) -> bool:
        """The text cell spans the status column (merged across): a heading, not a measure."""
        if self.c_status is None:
            return False
        rng = self.grid.merge_range(idx, self.c_text)
        return rng is not None and rng.min_col <= self.c_status <= rng.max_col and rng.min_row == idx

    def _no_status(self, idx: int) -> bool:
        ev = self._evidence(idx)
        return ev is None or ev.empty

    def _evidence(self, idx: int) -> StatusEvidence | None:
        """The status cell's evidence; kept for the last row (a row is asked more than once)."""
        if idx == self._ev_row:
            return self._ev
        self._ev_row, self._ev = idx, self._read_evidence(idx)
        return self._ev

    def _read_evidence(self, idx: int) -> StatusEvidence | None:
        if self.c_status is None:
            return None
        ev = self.status.evidence(self.grid, idx, self.c_status)
        for c in ev.channels:  # (ev.color_class == "neutral" and not ev.icon, in one loop over the channels)
            if c.kind in _COLOURING:
                break
        else:
            painted = self._painted_row(idx)
            if painted is not None:
                ev = self.status.with_row_fill(ev, painted)
        return ev

    def _painted_row(self, idx: int) -> str | None:
        """The colour of a row whose cells (all but the status cell) are painted alike, else None."""
        row = self.grid.rows.get(idx)
        if not row:
            return None
        key = self.c_text if self.c_text != self.c_status else self.c_nr
        if key is not None and self.grid.fill_class(idx, key) in (ColorClass.NEUTRAL, ColorClass.BLAU) \
                and self.grid.cf is None:
            return None  # quick: the text cell is not painted, so the row is not
        colours = set()
        n = 0
        for c in range(self.first_col, self.last_col + 1):
            if c == self.c_status:
                continue
            shown = self.grid.shown(idx, c)
            if shown.fill is None or shown.fill_source not in ("zelle", "verlauf"):
                return None
            colours.add(shown.fill)
            n += 1
        if n >= 2 and len(colours) == 1:
            rgb = colours.pop()
            from .colors import classify

            if classify(rgb) not in (ColorClass.NEUTRAL, ColorClass.BLAU):
                return rgb
        return None

    def _join(self, record: MeasureDraft, idx: int, row: dict) -> None:
        """Row ``idx`` belongs to ``record`` (its key cells are merged over it): its entries join."""
        record.last_row = idx

        def line(col: int | None) -> str:
            if col is None or self._covered_from(idx, col) is not None:
                return ""
            value = self._own(idx, col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return self.grid.text(idx, col)  # as its number format shows it
            return text_of(value)

        record.bemerkung = _joined(record.bemerkung, line(self.roles.get("bemerkung")))
        record.verantwortlich = _joined(record.verantwortlich, line(self.roles.get("verantwortlich")))
        record.zeitraum = _joined(record.zeitraum, line(self.roles.get("zeitraum")))
        record.more_text = _joined(record.more_text, line(self.c_text))
        if self.d.extras:
            record.extras = tuple(_joined(v, line(col))
                                  for v, (_, col) in zip(record.extras, self.d.extras, strict=True))
        if self.c_ausw is not None and not record.marked and self._covered_from(idx, self.c_ausw) is None:
            raw = self._own(idx, self.c_ausw)
            if raw is not None and self.status.words.flag(raw):
                record.marked, record.mark_source = True, "spalte"
        if not record.marked and self._blue(
                idx, tuple(c for c in (self.c_nr, self.c_text) if self._covered_from(idx, c) is None), record.nr):
            record.marked, record.mark_source = True, "blau"
            self.marks.append(record)
            self.marks_blue.append(True)

    def _blue(self, idx: int, cols: tuple[int | None, ...], nr: str | None) -> bool:
        """Whether the Nr or text cell (or the whole row) shows a blue fill as displayed: painted by
        hand or by a conditional format, also one that looks at another column. A rule on those cells
        that cannot be evaluated is named (once per sheet): whether it marks is open."""
        grid = self.grid
        if grid.cf is None and not grid.cf_error:  # no rule on the sheet: the own fill or the row's
            fill_class = grid.fill_class
            for c in cols:
                if c is not None and fill_class(idx, c) is ColorClass.BLAU:
                    return True
            return grid.row_fill(idx)[1] is ColorClass.BLAU
        blue = False
        for c in cols:
            if c is None:
                continue
            shown = grid.shown(idx, c)
            if shown.fill_class is ColorClass.BLAU:
                blue = True
            elif shown.unreadable and not self.mark_unreadable:
                self.mark_unreadable = True
                self.d.anomalies.append(Anomaly.of(
                    MARKING_UNREADABLE, self.sheet, ref(c, idx), idx, label=_measure_named(nr or None, idx),
                    rule=shown.unreadable[0]))
        return blue or grid.row_fill(idx)[1] is ColorClass.BLAU

    def _marking_conflicts(self) -> None:
        """Where the sheet marks with both blue and the column „In Auswertung“, each measure the two
        disagree on is named: a person could not tell whether it is in the evaluation."""
        if self.c_ausw is None or not any(self.marks_blue):
            return
        blue_of: dict[int, bool] = {}
        for rec, blue in zip(self.marks, self.marks_blue, strict=True):
            blue_of[rec.row] = blue_of.get(rec.row, False) or blue
        recs = {rec.row: rec for rec in self.marks}
        if not any(rec.auswertung_text for rec in recs.values()):
            return  # the column is not in use: the blue marking is the only channel
        for row, rec in recs.items():
            flag = self.status.words.flag(rec.auswertung_text) if rec.auswertung_text else False
            if flag is None or bool(flag) == blue_of[row]:
                continue
            label = measure_label(rec.nr, row)
            if blue_of[row]:
                says = (f"die Nr.- bzw. Textzelle ist blau hinterlegt, in der Spalte „In Auswertung“ steht aber "
                        f"„{rec.auswertung_text}“" if rec.auswertung_text else
                        "die Nr.- bzw. Textzelle ist blau hinterlegt, die Spalte „In Auswertung“ ist aber leer")
                cell = rec.nr_cell or rec.text_cell
            else:
                says = (f"in der Spalte „In Auswertung“ steht „{rec.auswertung_text}“, die Nr.- bzw. Textzelle ist "
                        f"aber nicht blau hinterlegt")
                cell = ref(self.c_ausw, row)
            self.d.anomalies.append(Anomaly.of(MARKING_CONFLICT, self.sheet, cell, row, label=label, says=says))
            rec.marked = True

    def _flush_pending(self) -> None:
        if self.pending is not None:
            p = self.pending
            self.pending = None
            self._measure(p.row, p.nr, text_of(self._shown(p.row, self.c_text)))

    def _start_unterziel(self, nr: int, text: str, idx: int, how: str) -> None:
        col = self.c_text if how == "text" else (self.c_nr or self.c_text)
        ev = self._evidence(idx)
        if ev is not None and ev.fill_source == "bedingt" and not ev.text and not ev.icon:
            # a rule over the whole column colours the Unterziel row too (a blank counts as 0): not painted by hand
            ev = StatusEvidence(cell=ev.cell)
        uz = UnterzielDraft(nr, text, idx, ref(col, idx), ev)
        self.d.unterziele.append(uz)
        self.uz_by_nr.setdefault(nr, uz)
        self.current_uz = uz

    def _flat_unterziel(self, nr: int, text: str, idx: int) -> UnterzielDraft:
        uz = self.uz_by_nr.get(nr)
        if uz is None:
            uz = UnterzielDraft(nr, text, idx, ref(self.c_uz or self.c_text, idx), None)
            self.d.unterziele.append(uz)
            self.uz_by_nr[nr] = uz
        elif text and not uz.text:
            uz.text = text
        return uz

    def _measure(self, idx: int, nr: str, text: str) -> None:
        grid = self.grid
        if not nr and text:
            mt = _M_TEXT_RE.match(text)
            if mt and (mt.group(1) or mt.group(2)):
                nr, text = (mt.group(1) or mt.group(2)), mt.group(3).strip()
        ev = self._evidence(idx) or StatusEvidence()
        blue = self._blue(idx, (self.c_nr, self.c_text), nr)
        marked, source = blue, ("blau" if blue else None)
        auswertung_text = None
        if self.c_ausw is not None:
            raw = self._shown(idx, self.c_ausw)
            auswertung_text = text_of(raw) or None
            flag = self.status.words.flag(raw)
            if flag is None:
                self.d.anomalies.append(Anomaly.of(AUSWERTUNG_UNREADABLE, self.sheet, ref(self.c_ausw, idx), idx,
                                                   value=auswertung_text or ""))
            elif flag and not marked:
                marked, source = True, "spalte"
        uz = self._flat_uz(idx) if self.d.flat else self.current_uz
        rec = MeasureDraft(
            row=idx, nr=nr or None, text=text, evidence=ev, marked=marked, mark_source=source,
            auswertung_text=auswertung_text, hidden=grid.hidden(idx),
            nr_cell=ref(self.c_nr, idx) if self.c_nr is not None else None,
            text_cell=ref(self.c_text, idx),
        )
        roles = self.roles
        if "bemerkung" in roles:
            rec.bemerkung = self._text(idx, roles["bemerkung"])
        if "verantwortlich" in roles:
            rec.verantwortlich = self._text(idx, roles["verantwortlich"])
        if "zeitraum" in roles:
            rec.zeitraum = self._text(idx, roles["zeitraum"])
        if self.d.extras:
            rec.extras = tuple(self._text(idx, c) for _, c in self.d.extras)
        if uz is None:
            self.d.orphans.append(rec)
        else:
            uz.measures.append(rec)
        self.marks.append(rec)
        self.marks_blue.append(blue)
        i = text.find(")")
        while i > 0:  # a footnote mark "…1)": a digit right before a closing bracket
            if text[i - 1].isdigit():
                self.footnote_refs.update(_FOOTNOTE_REF_RE.findall(text))
                break
            i = text.find(")", i + 1)
        self.record = rec
        self.measures_seen += 1
        if rec.nr:
            self.numbered += 1

    def _flat_uz(self, idx: int) -> UnterzielDraft | None:
        col = self.c_uz
        if col is None:  # a flat table is one with an Unterziel column
            return None
        raw = self._shown(idx, col)
        if raw is None:
            if self.last_uz_value is None:
                return None
            if self._covered_from(idx, col) is None:
                self.d.anomalies.append(Anomaly.of(UNTERZIEL_CARRIED, self.sheet, ref(col, idx), idx))
            nr = self.last_uz_value
            return self.uz_by_nr.get(nr) if isinstance(nr, int) else None
        t = text_of(raw)
        m = _UZ_TEXT_RE.match(t)
        n = _uz_number(m.group(1)) if m else None
        rest = m.group(2).strip() if m else ""
        if n is None:
            m = _LEADING_NR_RE.match(_POINT_ZERO_RE.sub(r"\1", t, count=1))  # "1.0 – Wohnraum" is Unterziel 1
            if m:
                n, rest = int(m.group(1)), m.group(2).strip()
        if n is None and (m := _OUTLINE_FLAT_RE.match(t)):
            token = m.group(1)  # "A", "B)", "IV." as in an outline
            letter = len(token) == 1 and (self.letters or token not in "IVXLC")
            n = ord(token) - 64 if letter else roman(token)
            self.letters = self.letters or letter
            rest = m.group(2).strip()
        if n is None:
            self.d.anomalies.append(Anomaly.of(UNTERZIEL_UNREADABLE, self.sheet, ref(col, idx), idx, value=t))
            self.last_uz_value = t
            return None
        self.last_uz_value = n
        return self._flat_unterziel(n, rest, idx)
