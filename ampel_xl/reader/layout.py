"""Stage 3, the layout of a field sheet: title, labels, header, table extent, records, Unterziele.

Works on a :class:`~ampel_xl.reader.grid.Grid` and produces a :class:`SheetDraft`: plain
dataclasses that the reader freezes into the model once the workbook-wide decisions are made.
Every row below the header ends up as a measure, an Unterziel row, a blank row, or an
``outside`` entry with its reason (a legend, a note, a sum line, a signature, text beside the
table) that validation names in a Hinweis.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..colors import ColorClass
from ..findings import (
    AUSWERTUNG_UNREADABLE,
    LABEL_EMPTY,
    OUTSIDE_OTHER,
    OUTSIDE_WHAT,
    ROW_OUTSIDE_TABLE,
    UNTERZIEL_CARRIED,
    UNTERZIEL_UNREADABLE,
    short,
)
from ..model import Anomaly, Art, StatusEvidence, TextRun, match_title  # (also re-exported)
from .grid import Grid, ref, text_of
from .status import StatusReader

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
    return None


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


_UZ_TEXT_RE = re.compile(
    r"^\s*(?:Unterziel|UZ|Ziel)\s*(?:Nr\.?\s*)?(\d{1,2}|[IVXLC]+)(?!\w)(?!\.\d)\s*(?:von\s*\d+)?\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$",
    re.I | re.S,
)
_UZ_NR_RE = re.compile(r"^\s*(?:U|UZ|Unterziel|Ziel)\s*(\d+|[IVXLC]+)\s*\.?\s*$", re.I)
_ROMAN_NR_RE = re.compile(r"^\s*([IVX]+)\s*\.?\s*$")
_M_TEXT_RE = re.compile(
    r"^\s*(?:(?:Maßnahme|Massnahme|M)\s*(\d+(?:\.\d+)*)\s*(?:von\s*\d+)?\s*[:.\-–—)]?\s*"
    r"|(\d+\.\d+(?:\.\d+)*)\.?\s+(?:[:\-–—]\s*)?)(.*)$",
    re.I | re.S,
)
_LEADING_NR_RE = re.compile(r"^\s*(\d+)\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$", re.S)
_DOTTED_RE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")

_SUM_RE = re.compile(r"^\s*(summe|gesamt|insgesamt|anzahl|total|davon|zwischensumme)\b", re.I)
_NOTE_RE = re.compile(
    r"^\s*(\*|(hinweis|hinweise|anmerkung|anmerkungen|fußnote|quelle|quellen|erläuterung|erläuterungen|notiz|stand)\s*[:\-–]"
    r"|blau hinterlegt|legende\b|ampelsystem)", re.I)
_SIGN_RE = re.compile(
    r"^\s*(gez\.|unterschrift|i\.\s?a\.|im auftrag|ort,?\s*datum|datum,?\s*unterschrift|\(?unterschrift|_{3,}"
    r"|erstellt\s*(von|am|:))",
    re.I)
_LEGEND_WORD_RE = re.compile(r"^\s*(grün|gruen|gelb|rot|blau|orange)\s*(=|:|–|-|\)|$)", re.I)
_SUM_LINE_RE = re.compile(r"^\s*(summe|gesamt|insgesamt|anzahl|total|zwischensumme|davon)\b[^.!?]{0,25}$", re.I)
_NR_LIKE_RE = re.compile(r"^\s*(?:[A-Za-zÄÖÜäöü]{1,3}\.?\s*)?\d|^\s*[IVXLC]+\s*\.?\s*$")


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


def nr_text(value: Any) -> str:
    """A number cell as written: 5 → "5", 2.3 → "2.3", "M 5" → "5"."""
    if type(value) is int:
        return str(value)
    t = text_of(value)
    t = re.sub(r"^(?:Nr\.?|Maßnahme|Massnahme|M)\s*", "", t, flags=re.I)
    return t.strip().rstrip(".")


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


class FieldLayout:
    """Reads one field sheet's layout into a :class:`SheetDraft`."""

    def __init__(self, grid: Grid, sheet: str, title: tuple[Art, str, str, str, int]) -> None:
        self.grid = grid
        self.sheet = sheet
        art, name, text, cell, self.title_row = title
        self.draft = SheetDraft(sheet, art, name, text, cell)

    # -- header --------------------------------------------------------------------------
    def _roles_of(self, idx: int) -> tuple[dict[str, int], list[tuple[str, int]], int]:
        grid = self.grid
        roles: dict[str, int] = {}
        unknown: list[tuple[str, int]] = []
        labelled = 0
        cols = set(grid.rows.get(idx, {}))
        cols |= {c for (r, c) in grid._owner if r == idx}
        for col in sorted(cols):
            o = grid.owner(idx, col)
            if o is not None and o[1] != col:
                continue  # covered by a horizontal merge: the owner column carries the label
            value = grid.value(idx, col)
            if value is None:
                continue
            if not isinstance(value, str):
                unknown.append((text_of(value), col))
                continue
            role = header_role(value)
            if role and role not in roles:
                roles[role] = col
                labelled += 1
            elif value.strip():
                unknown.append((re.sub(r"\s+", " ", value).strip(), col))
        return roles, unknown, labelled

    def find_header(self) -> int | None:
        grid = self.grid
        for idx in sorted(r for r in grid.rows if self.title_row <= r <= HEADER_SCAN_ROWS):
            roles, unknown, _ = self._roles_of(idx)
            if "text" not in roles or not ({"status", "nr"} & roles.keys()):
                continue
            end = idx
            # a two-row header: group labels above (merged across columns) or column labels below
            below, below_unknown, n_below = self._roles_of(idx + 1)
            own_below = [c for c in grid.rows.get(idx + 1, {}) if grid.rows[idx + 1][c] is not None]
            group_above = any(
                (rng := grid.merge_range(idx, c)) is not None and rng[2] > rng[0] and rng[1] == idx
                for c in grid.rows.get(idx, {}))
            if n_below and own_below and (group_above or all(
                    isinstance(grid.rows[idx + 1][c], str) and header_role(grid.rows[idx + 1][c])
                    for c in own_below)):
                merged_roles = {}
                for role, col in roles.items():
                    merged_roles[role] = col
                for role, col in below.items():
                    for r2, c2 in list(merged_roles.items()):
                        if c2 == col and r2 != role:
                            del merged_roles[r2]
                    merged_roles[role] = col
                roles = merged_roles
                known_cols = set(roles.values())
                unknown = [(t, c) for t, c in unknown + below_unknown if c not in known_cols]
                first_in_col: dict[int, tuple[str, int]] = {}
                for t, c in sorted(unknown, key=lambda x: x[1]):
                    first_in_col.setdefault(c, (t, c))
                unknown = list(first_in_col.values())
                end = idx + 1
            d = self.draft
            d.roles = roles
            d.extras = [(t, c) for t, c in unknown if c not in roles.values()]
            d.header_row = idx
            d.flat = "unterziel" in roles
            return end
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
        cols = set(roles.values()) | {c for _, c in self.d.extras}
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
        self.merges = bool(self.grid.part.merged)
        # what each column's header says: a row that says it again is the header repeated
        self.header_labels = {c: role for role, c in roles.items()}
        self.header_labels.update({c: header_key(label) for label, c in self.d.extras})

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
            self._outside(idx, col, "neben", text_of(row[col]))
        if not inside:
            if not beside:
                self.gap = True
            return
        self.d.table_rows += 1
        nr_raw = self._shown(idx, self.c_nr)
        nr = nr_text(nr_raw) if nr_raw is not None else ""
        text = text_of(self._shown(idx, self.c_text))
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
        m2 = (_UZ_NR_RE.match(nr) or (_ROMAN_NR_RE.match(nr) if not self.d.flat else None)) if nr else None
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
        if not self.d.flat and nr.isdigit() and self._heading(idx):
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
        has_nr = bool(nr) and bool(_NR_LIKE_RE.match(nr))
        if has_nr and not (text and _SUM_LINE_RE.match(text)):
            return None  # the usual measure row: numbered, no sum word
        first = nr if nr and not has_nr else _first_text(inside)  # "Anzahl", "Hinweis: …" in the Nr column
        if text and _SUM_LINE_RE.match(text) and self.measures_seen:
            ev = self._evidence(idx)
            if ev is None or ev.empty or ev.text_status is None or _SUM_LINE_RE.match(first):
                return "summe"
        if any(isinstance(v, (int, float)) and self.grid.formula(idx, c) for c, v in inside.items()) \
                and not has_nr and not (text and not _SUM_RE.match(text)):
            return "summe"
        if not has_nr and _SUM_RE.match(first) and any(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in inside.values()):
            return "summe"
        if not has_nr and _SUM_RE.match(first) and re.search(r"\d", first) and self.measures_seen:
            return "summe"
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

    def _uz_cell_value(self, idx: int) -> bool:
        return self.c_uz is not None and self._own(idx, self.c_uz) is not None

    def _heading(self, idx: int) -> bool:
        """The text cell spans the status column (merged across): a heading, not a measure."""
        if self.c_status is None:
            return False
        rng = self.grid.merge_range(idx, self.c_text)
        return rng is not None and rng[0] <= self.c_status <= rng[2] and rng[1] == idx

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
        if ev.color_class == "neutral" and not ev.icon:
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
            from ..colors import classify

            if classify(rgb) not in (ColorClass.NEUTRAL, ColorClass.BLAU):
                return rgb
        return None

    def _join(self, record: MeasureDraft, idx: int, row: dict) -> None:
        """Row ``idx`` belongs to ``record`` (its key cells are merged over it): its entries join."""
        record.last_row = idx

        def line(col: int | None) -> str:
            if col is None or self._covered_from(idx, col) is not None:
                return ""
            return text_of(self._own(idx, col))

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
        for c in (self.c_nr, self.c_text):
            if c is not None and not record.marked and self._covered_from(idx, c) is None \
                    and self.grid.fill_class(idx, c) is ColorClass.BLAU:
                record.marked, record.mark_source = True, "blau"

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
        marked, source = False, None
        for c in (self.c_nr, self.c_text):
            if c is not None and grid.fill_class(idx, c) is ColorClass.BLAU:
                marked, source = True, "blau"
                break
        if not marked and grid.row_fill(idx)[1] is ColorClass.BLAU:
            marked, source = True, "blau"
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
            rec.bemerkung = text_of(self._shown(idx, roles["bemerkung"]))
        if "verantwortlich" in roles:
            rec.verantwortlich = text_of(self._shown(idx, roles["verantwortlich"]))
        if "zeitraum" in roles:
            rec.zeitraum = text_of(self._shown(idx, roles["zeitraum"]))
        if self.d.extras:
            rec.extras = tuple(text_of(self._shown(idx, c)) for _, c in self.d.extras)
        if uz is None:
            self.d.orphans.append(rec)
        else:
            uz.measures.append(rec)
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
            m = _LEADING_NR_RE.match(t)
            if m:
                n, rest = int(m.group(1)), m.group(2).strip()
        if n is None:
            self.d.anomalies.append(Anomaly.of(UNTERZIEL_UNREADABLE, self.sheet, ref(col, idx), idx, value=t))
            self.last_uz_value = t
            return None
        self.last_uz_value = n
        return self._flat_unterziel(n, rest, idx)
