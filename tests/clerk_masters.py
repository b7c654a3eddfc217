"""Masters as clerks really make them in Excel, built in code, each with what a careful colleague reads.

Every builder writes one master with openpyxl the way a clerk would have made it by hand (merged cells,
wrapped header labels, a legend under the table, conditional formatting, icon sets, a coloured ●, …)
and returns a :class:`Case`: the path plus the expected result — every measure's number, status and
in-evaluation flag, the Unterziele per sheet, texts that must survive, and the findings as
``(sheet, cell, code)`` with their severity. The builder's docstring says what the clerk did and what a
careful colleague reads from it.

:data:`BUILDERS` lists every builder with its variants; :func:`build_case` makes one.
The finding codes and their severities live in one place, right below: adjust them there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule, IconSetRule, Rule
from openpyxl.styles import Alignment, Color, Font, GradientFill, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from builders import BLUE, GREEN, RED, YELLOW, solid

# ---------------------------------------------------------------------------------------------
# The finding codes these tests expect, with their severity ("error" / "warning" / "info").
# The one place to adjust when a code is renamed or its severity changes.
FIELD_DUPLICATE = "field-duplicate"
ROW_OUTSIDE_TABLE = "row-outside-table"
STATUS_CONFLICT = "status-conflict"
CF_UNREADABLE = "cf-unreadable"
ICON_UNKNOWN = "icon-unknown"
COLOR_UNKNOWN = "color-unknown"
STATUS_TEXT_UNKNOWN = "status-text-unknown"
STATUS_MISSING = "status-missing"
STATUS_MISSING_UNMARKED = "status-missing-unmarked"
LABEL_EMPTY = "label-empty"
KONZEPT_UNREADABLE = "konzept-unreadable"
COUNT_MASSNAHMEN = "count-massnahmen"
COUNT_UNTERZIELE = "count-unterziele"
COUNT_TOTAL = "count-total"
ROW_HIDDEN = "row-hidden"

SEVERITY: dict[str, str] = {
    FIELD_DUPLICATE: "error",
    ROW_OUTSIDE_TABLE: "info",
    STATUS_CONFLICT: "error",
    CF_UNREADABLE: "warning",
    ICON_UNKNOWN: "error",
    COLOR_UNKNOWN: "error",
    STATUS_TEXT_UNKNOWN: "error",
    STATUS_MISSING: "error",
    STATUS_MISSING_UNMARKED: "warning",
    LABEL_EMPTY: "warning",
    KONZEPT_UNREADABLE: "warning",
    COUNT_MASSNAHMEN: "error",
    COUNT_UNTERZIELE: "error",
    COUNT_TOTAL: "error",
    ROW_HIDDEN: "warning",
}

AMBER, PURPLE, BROWN, WHITE = "FFC000", "7030A0", "996633", "FFFFFF"
G, Y, R = "gruen", "gelb", "rot"


class _Any:
    """Matches any cell (or any sheet) of a finding."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass(frozen=True)
class Row:
    """An expected finding somewhere in this sheet row (any column, or the row reference ``7:7``)."""

    row: int


#: a status the test does not pin (channels disagree; which one the model keeps is the reader's choice)
UNDECIDED = "?"


# ---------------------------------------------------------------------------------------------
# The expectation


@dataclass
class ExpMeasure:
    sheet: str
    nr: str
    status: str | None
    marked: bool
    unterziel: int | None
    rows: tuple[int, ...]
    status_cell: str
    in_eval: bool = True
    bemerkung: tuple[str, ...] = ()
    """Substrings the measure's ``bemerkung`` must contain (entries of its covered rows, additions)."""


@dataclass(frozen=True)
class ExpFinding:
    sheet: Any
    """A sheet name, a tuple of acceptable sheet names, None (workbook) or ANY."""
    cell: Any
    """A1 cell (a finding on a range containing it matches), :class:`Row`, None or ANY."""
    code: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]

    def matches(self, finding: Any) -> bool:
        if finding.code != self.code:
            return False
        if self.sheet is not ANY:
            sheets = self.sheet if isinstance(self.sheet, tuple) else (self.sheet,)
            if finding.sheet not in sheets:
                return False
        return cell_matches(self.cell, finding.cell)


_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _cell_rc(a1: str) -> tuple[int, int] | None:
    m = _A1.match(a1.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def cell_rows(ref: str | None) -> set[int]:
    """The sheet rows a finding's cell reference names (``D7``, ``D7:D9``, ``7:7``); empty when none."""
    if not ref:
        return set()
    out: set[int] = set()
    for part in re.split(r"[ ,;]+", ref.strip()):
        if not part:
            continue
        a, _, b = part.partition(":")
        if a.isdigit() and (b.isdigit() or not b):
            lo, hi = int(a), int(b or a)
            out.update(range(lo, hi + 1))
            continue
        ra, rb = _cell_rc(a), _cell_rc(b) if b else None
        if ra and rb:
            out.update(range(min(ra[0], rb[0]), max(ra[0], rb[0]) + 1))
        elif ra:
            out.add(ra[0])
    return out


def cell_matches(expected: Any, actual: str | None) -> bool:
    if expected is ANY:
        return True
    if expected is None:
        return actual is None
    if isinstance(expected, Row):
        return expected.row in cell_rows(actual)
    if actual is None:
        return False
    want = _cell_rc(expected)
    for part in re.split(r"[ ,;]+", actual.strip()):
        a, _, b = part.partition(":")
        ra, rb = _cell_rc(a), _cell_rc(b) if b else None
        if ra and rb and want:
            if min(ra[0], rb[0]) <= want[0] <= max(ra[0], rb[0]) and min(ra[1], rb[1]) <= want[1] <= max(ra[1], rb[1]):
                return True
        elif ra and want and ra == want:
            return True
    return False


@dataclass
class Case:
    """A master and what a careful colleague reads from it."""

    name: str
    path: Path
    measures: list[ExpMeasure] = field(default_factory=list)
    unterziele: dict[str, list[int]] = field(default_factory=dict)
    header_rows: dict[str, int] = field(default_factory=dict)
    """Last header row of each field sheet's table (the table's rows follow it)."""
    findings: list[ExpFinding] = field(default_factory=list)
    """Findings that must be there (with the severity of :data:`SEVERITY`)."""
    allowed: list[ExpFinding] = field(default_factory=list)
    """Findings that may be there too (errors and warnings outside both lists fail a test)."""
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    """(sheet, attribute of Feld, substring that must survive), e.g. ("Sprache", "sachstand", "Die Kurse")."""
    strict: bool = True
    """False: other measures may be read too (a duplicate field sheet)."""
    channels: frozenset[str] = frozenset()
    """What carries the status or structure: "word", "fill", "row", "gradient", "pattern", "cf" (cell-value
    and formula rules), "cf-text" (text rules), "icon", "font", "dv", "legend", "merge", "table", "column",
    "very-hidden" (a sheet hidden through the VBA editor), "theme-tint" (theme colours with a tint)
    (the re-save tests keep the cases whose channels a program preserves, see :data:`LOST_IN`)."""

    def counts(self, sheet: str | None = None) -> dict[str, int]:
        """Expected figures: measures in the evaluation per status, their sum, all measures."""
        ms = [m for m in self.measures if sheet is None or m.sheet == sheet]
        ev = [m for m in ms if m.in_eval]
        return {
            "Grün": sum(m.status == G for m in ev),
            "Gelb": sum(m.status == Y for m in ev),
            "Rot": sum(m.status == R for m in ev),
            "Summe": len(ev),
            "Maßnahmen gesamt": len(ms),
        }

    @property
    def expects_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


# ---------------------------------------------------------------------------------------------
# Writing a master the way a clerk does


def _fill(color: Any) -> Any:
    if color is None or isinstance(color, (PatternFill, GradientFill)):
        return color
    return solid(color)


def dxf(color: str) -> DifferentialStyle:
    """A conditional format's fill as Excel writes it (the colour in bgColor, no pattern type)."""
    return DifferentialStyle(fill=PatternFill(bgColor="FF" + color))


class Master:
    """One workbook under construction and its :class:`Case`."""

    def __init__(self, path: Path, name: str) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.case = Case(name=name, path=path)
        self.fields: list[FieldWriter] = []
        self._konzept: tuple[Any, ...] | None = None

    def field(self, sheet: str, title: str, header: list[str], *, nr: str | None, text: str, status: str | None,
              header_row: int = 4, oberziel: str | None = "Ein Oberziel des Feldes.", title_cell: str = "A1",
              name: str | None = None, art: str | None = None, index: int | None = None) -> FieldWriter:
        ws = self.wb.create_sheet(sheet, index)
        ws[title_cell] = title
        ws[title_cell].font = Font(bold=True, size=14)
        if oberziel is not None:
            ws["A2"] = "Oberziel"
            ws["B2"] = oberziel
        fw = FieldWriter(self, ws, header, header_row, nr=nr, text=text, status=status)
        fw.name = name or re.sub(r"^\S+\s*:?\s*", "", title)
        fw.art = art or ("Querschnittsthema" if title.casefold().startswith("quer") else "Handlungsfeld")
        self.fields.append(fw)
        self.case.header_rows[sheet] = header_row
        self.case.unterziele.setdefault(sheet, [])
        return fw

    def konzept(self, labels: Iterable[str] = ("Feld", "Art", "Unterziele", "Maßnahmen"), *,
                rows: list[tuple[Any, ...]] | None = None, total: bool | tuple[Any, Any] = False,
                meta: dict[str, Any] | None = None) -> None:
        """A Konzept sheet; ``rows`` None: the found counts are declared (written at save)."""
        self._konzept = (tuple(labels), rows, total, meta)

    def expect(self, sheet: Any, cell: Any, code: str) -> None:
        self.case.findings.append(ExpFinding(sheet, cell, code))

    def allow(self, sheet: Any, cell: Any, code: str) -> None:
        self.case.allowed.append(ExpFinding(sheet, cell, code))

    def text(self, sheet: str, attr: str, substring: str) -> None:
        self.case.texts.append((sheet, attr, substring))

    def _write_konzept(self) -> None:
        labels, rows, total, meta = self._konzept
        ws = self.wb.create_sheet("Konzept", 0)
        r = 1
        for key, value in (meta or {"Titel": "Integrationskonzept 1.0", "Gebiet": "Landkreis Muster"}).items():
            ws.cell(r, 1, key)
            ws.cell(r, 2, value)
            r += 1
        r += 1
        for c, label in enumerate(labels, start=1):
            ws.cell(r, c, label)
        if rows is None:
            rows = []
            for fw in self.fields:
                sheet = fw.ws.title
                rows.append((fw.name, fw.art, len(self.case.unterziele[sheet]),
                             sum(1 for m in self.case.measures if m.sheet == sheet)))
        for row in rows:
            r += 1
            for c, value in enumerate(row, start=1):
                ws.cell(r, c, value)
        if total:
            r += 1
            ws.cell(r, 1, "Gesamt")
            if total is True:
                ws.cell(r, 3, sum(x[2] for x in rows))
                ws.cell(r, 4, sum(x[3] for x in rows))
            else:
                ws.cell(r, 3, total[0])
                ws.cell(r, 4, total[1])

    def save(self, channels: Iterable[str] = ()) -> Case:
        if self._konzept is not None:
            self._write_konzept()
        any_marked = any(m.marked for m in self.case.measures)
        for m in self.case.measures:
            m.in_eval = m.marked or not any_marked
        self.case.channels = frozenset(channels)
        self.wb.save(self.case.path)
        return self.case


class FieldWriter:
    """Writes the table of one field sheet row by row and records what a colleague reads from it."""

    name: str
    art: str

    def __init__(self, master: Master, ws: Any, header: list[str], header_row: int, *, nr: str | None, text: str,
                 status: str | None) -> None:
        self.master, self.ws, self.header, self.header_row = master, ws, header, header_row
        self.nr_label, self.text_label, self.status_label = nr, text, status
        self.next_row = header_row + 1
        self.current_uz: int | None = None
        for c, label in enumerate(header, start=1):
            cell = ws.cell(header_row, c, label)
            cell.font = Font(bold=True)
            if "\n" in label:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(c)].width = 12 if c != self.col(text) else 40

    @property
    def sheet(self) -> str:
        return self.ws.title

    def col(self, label: str) -> int:
        return self.header.index(label) + 1

    def ref(self, label: str, row: int) -> str:
        return f"{get_column_letter(self.col(label))}{row}"

    def status_ref(self, row: int) -> str:
        return self.ref(self.status_label, row)

    def cell(self, label: str, row: int) -> Any:
        return self.ws.cell(row, self.col(label))

    def put(self, row: int, cells: dict[str, Any]) -> None:
        for label, value in cells.items():
            values = value if type(value) is list else [value]  # CellRichText is a list too
            for i, v in enumerate(values):
                if v is not None:
                    self.ws.cell(row + i, self.col(label), v)

    def uz(self, nr: int, cells: dict[str, Any] | str) -> int:
        """An Unterziel row; ``cells`` a dict of label → value, or the marker text for the text column."""
        r = self.next_row
        self.put(r, cells if isinstance(cells, dict) else {self.text_label: cells})
        self.ws.cell(r, self.col(self.text_label)).font = Font(bold=True)
        self.current_uz = nr
        self.master.case.unterziele[self.sheet].append(nr)
        self.next_row += 1
        return r

    def m(self, nr: str, cells: dict[str, Any], expect: str | None, *, span: int = 1,
          merge: Iterable[str] | None = None, fill: Any = None, blue: bool = False, unterziel: int | None = None,
          bemerkung: Iterable[str] = (), marked: bool | None = None) -> int:
        """A measure over ``span`` rows (Nr / text / status merged vertically when span > 1)."""
        r = self.next_row
        self.put(r, cells)
        if span > 1:
            labels = (list(merge) if merge is not None
                      else [x for x in (self.nr_label, self.text_label, self.status_label) if x])
            for label in labels:
                c = get_column_letter(self.col(label))
                self.ws.merge_cells(f"{c}{r}:{c}{r + span - 1}")
                self.ws[f"{c}{r}"].alignment = Alignment(vertical="top", wrap_text=True)
        if fill is not None and self.status_label:
            self.cell(self.status_label, r).fill = _fill(fill)
        if blue:
            self.cell(self.nr_label or self.text_label, r).fill = solid(BLUE)
        self.master.case.measures.append(ExpMeasure(
            sheet=self.sheet, nr=nr, status=expect, marked=blue if marked is None else marked,
            unterziel=self.current_uz if unterziel is None else unterziel, rows=tuple(range(r, r + span)),
            status_cell=self.status_ref(r) if self.status_label else "", bemerkung=tuple(bemerkung)))
        self.next_row += span
        return r

    def blank(self, n: int = 1) -> int:
        self.next_row += n
        return self.next_row - n

    def free(self, cells: dict[str, Any]) -> int:
        """A row that is no measure and no Unterziel (a note, a count line, a legend line)."""
        r = self.next_row
        self.put(r, cells)
        self.next_row += 1
        return r


def three_fields(fw: FieldWriter, words: tuple[Any, ...], statuses: tuple[str | None, ...], *, n_uz: int = 2,
                 fills: tuple[Any, ...] | None = None, start: int = 1) -> list[int]:
    """Hierarchical filler: ``n_uz`` Unterziele, the given statuses as words (or fills) in turn."""
    rows = []
    n = start - 1
    per = max(1, len(words) // n_uz)
    for i, (word, expect) in enumerate(zip(words, statuses, strict=True)):
        if i % per == 0 and (i // per) < n_uz:
            uz = i // per + 1
            fw.uz(uz, f"Unterziel {uz}: Ziel {uz} des Feldes")
        n += 1
        cells = {fw.text_label: f"Maßnahme {n}"}
        if fw.nr_label:
            cells[fw.nr_label] = n
        if word is not None and fw.status_label:
            cells[fw.status_label] = word
        rows.append(fw.m(str(n), cells, expect, fill=fills[i] if fills else None))
    return rows


# ---------------------------------------------------------------------------------------------
# Structure


def merged_rows(path: Path, variant: str) -> Case:
    """Measures over vertically merged rows, one row per partner or date.

    The clerk: gave each measure one row per cooperation partner (or per date) and merged the Nr, text
    and Ampel cells of those rows vertically so that the measure reads as one block; the partners,
    dates and remarks stand one per row in the other columns. Variant "zwei-zeilen": two rows each,
    status as fill, a Konzept sheet with the right counts. "drei-zeilen": up to three rows, status as
    word, blue Nr cells mark the evaluation, remarks in every row.
    A careful colleague counts one measure per merged block (never one per row), gives it the
    block's status, and reads the remarks of all its rows as the measure's remarks.
    """
    ms = Master(path, f"merged_rows-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig", "Zeitraum", "Bemerkung"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    if variant == "zwei-zeilen":
        fw.uz(1, "Unterziel 1: Sprachkurse für alle")
        fw.m("1", {"Nr.": 1, "Maßnahme": "Integrationskurse ausbauen", "Zuständig": ["VHS", "Caritas"],
                   "Zeitraum": ["2024", "2025"], "Bemerkung": ["Kurs A voll", "Kurs B startet"]}, G, span=2,
             fill=GREEN, bemerkung=("Kurs A voll", "Kurs B startet"))
        fw.m("2", {"Nr.": 2, "Maßnahme": "Sprachcafés", "Zuständig": ["Stadt", "Verein"],
                   "Zeitraum": ["laufend", "2025"]}, Y, span=2, fill=YELLOW)
        fw.uz(2, "Unterziel 2: Berufssprache")
        fw.m("3", {"Nr.": 3, "Maßnahme": "Berufssprachkurse", "Zuständig": "Jobcenter"}, R, fill=RED)
        fw.m("4", {"Nr.": 4, "Maßnahme": "Sprachmittlerpool", "Zuständig": ["Landratsamt", "DRK"],
                   "Bemerkung": ["seit 2023", "Pool wächst"]}, G, span=2, fill="92D050",
             bemerkung=("seit 2023", "Pool wächst"))
        f2 = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        f2.uz(1, "Unterziel 1: Anerkennung")
        f2.m("1", {"Nr.": 1, "Maßnahme": "Anerkennungsberatung", "Zuständig": ["IHK", "HWK"]}, Y, span=2, fill=AMBER)
        f2.m("2", {"Nr.": 2, "Maßnahme": "Mentoring", "Zuständig": "Agentur"}, R, fill="C00000")
        ms.konzept()
        return ms.save({"merge", "fill"})
    if variant == "nur-nr-text":
        # Nr and text merged, the Ampel cell painted in the first row only (the clerk did not merge it)
        fw.uz(1, "Unterziel 1: Sprachkurse für alle")
        fw.m("1", {"Nr.": 1, "Maßnahme": "Integrationskurse ausbauen", "Zuständig": ["VHS", "Caritas"]}, G, span=2,
             merge=("Nr.", "Maßnahme"), fill=GREEN)
        fw.m("2", {"Nr.": 2, "Maßnahme": "Sprachcafés", "Ampel": ["Rot", None, None],
                   "Zuständig": ["Stadt", "Verein", "Kirche"], "Bemerkung": [None, None, "ab 2025"]}, R, span=3,
             merge=("Nr.", "Maßnahme"), bemerkung=("ab 2025",))
        fw.m("3", {"Nr.": 3, "Maßnahme": "Lesepaten", "Ampel": "Gelb"}, Y)
        ms.konzept()
        return ms.save({"merge", "fill", "word"})
    fw.uz(1, "Unterziel 1: Sprachkurse für alle")
    fw.m("1", {"Nr.": 1, "Maßnahme": "Integrationskurse ausbauen", "Ampel": "Grün",
               "Zuständig": ["VHS", "Caritas", "Diakonie"], "Zeitraum": ["2023", "2024", "2025"],
               "Bemerkung": ["Kurs A", "Kurs B", "Kurs C geplant"]}, G, span=3, blue=True,
         bemerkung=("Kurs A", "Kurs B", "Kurs C geplant"))
    fw.m("2", {"Nr.": 2, "Maßnahme": "Sprachcafés", "Ampel": "Gelb", "Zuständig": "Stadt"}, Y, blue=True)
    fw.m("3", {"Nr.": 3, "Maßnahme": "Lesepatenschaften", "Ampel": "Rot",
               "Zuständig": ["Bibliothek", "Schulen"], "Bemerkung": ["ruht", "Neustart 2026"]}, R, span=2,
         bemerkung=("ruht", "Neustart 2026"))
    fw.uz(2, "Unterziel 2: Berufssprache")
    fw.m("4", {"Nr.": 4, "Maßnahme": "Berufssprachkurse", "Ampel": "gelb",
               "Zuständig": ["Jobcenter", "Agentur", "IHK"], "Zeitraum": ["Q1", "Q2", "Q3"]}, Y, span=3, blue=True)
    fw.m("5", {"Nr.": 5, "Maßnahme": "Sprachprüfungen vor Ort", "Ampel": "Grün", "Zuständig": "VHS"}, G, blue=True)
    ms.konzept()
    return ms.save({"merge", "word"})


def wrapped_headers(path: Path, variant: str) -> Case:
    """Header labels typed in narrow wrapped columns, or a header over two rows.

    The clerk: made the columns narrow and broke the labels with Alt+Enter ("Lfd.↵Nr.",
    "Maßnahmen-↵beschreibung", "Ampel↵(Stand 02/2025)", "Bemer-↵kungen"); in the other variant put a
    merged group label "Umsetzung" above "Ampel" and "Zuständigkeiten", with "Nr." and "Maßnahmen"
    merged over both header rows; in "synonyme" "Nr." with a non-breaking space, "Beschreibung der↵Maßnahme",
    "Ampel-↵status", "Kommentare", "Feder-↵führung", "Umsetzung↵bis"; in "leerspalte" a narrow empty
    spacer column between Nr and text, and "Stand 02/2025" written (unmerged) above "Ampel".
    A careful colleague reads the labels as Nr, Maßnahme, Ampel, Bemerkung and finds the table.
    """
    ms = Master(path, f"wrapped_headers-{variant}")
    if variant == "umbruch":
        hdr = ["Lfd.\nNr.", "Maßnahmen-\nbeschreibung", "Ampel\n(Stand 02/2025)", "Bemer-\nkungen", "Verant-\nwortlich"]
        fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr=hdr[0], text=hdr[1], status=hdr[2])
        fw.ws.row_dimensions[4].height = 45
        fw.uz(1, "Unterziel 1: Frühe Bildung")
        fw.m("1", {hdr[0]: 1, hdr[1]: "Kita-Plätze", hdr[2]: "Grün", hdr[3]: "mehr Plätze"}, G,
             bemerkung=("mehr Plätze",))
        fw.m("2", {hdr[0]: 2, hdr[1]: "Elternbegleitung", hdr[2]: "Rot"}, R)
        fw.uz(2, "Unterziel 2: Schule")
        fw.m("3", {hdr[0]: 3, hdr[1]: "Schulsozialarbeit"}, Y, fill=YELLOW)
        fw.m("4", {hdr[0]: 4, hdr[1]: "Hausaufgabenhilfe", hdr[2]: "gelb", hdr[4]: "Schulamt"}, Y)
        return ms.save({"word", "fill"})
    if variant == "leerspalte":
        # a narrow empty spacer column between Nr and text, and "Ampel" under a group label one row up
        hdr = ["Nr.", "(leer)", "Maßnahme", "Ampel", "Zuständig"]
        fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel", header_row=5)
        fw.ws["B5"] = None
        fw.ws.column_dimensions["B"].width = 2
        fw.ws["D4"] = "Stand 02/2025"
        fw.ws["D4"].font = Font(bold=True)
        fw.uz(1, "Unterziel 1: Frühe Bildung")
        fw.m("1", {"Nr.": 1, "Maßnahme": "Kita-Plätze", "Ampel": "Grün", "Zuständig": "Jugendamt"}, G)
        fw.m("2", {"Nr.": 2, "Maßnahme": "Elternbegleitung"}, Y, fill=AMBER)
        return ms.save({"word", "fill"})
    if variant == "synonyme":
        hdr = ["Nr.\u00a0", "Beschreibung der\nMaßnahme", "Ampel-\nstatus", "Kommentare", "Feder-\nführung",
               "Umsetzung\nbis"]
        fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr=hdr[0], text=hdr[1], status=hdr[2])
        fw.uz(1, "Unterziel 1: Frühe Bildung")
        fw.m("1", {hdr[0]: 1, hdr[1]: "Kita-Plätze", hdr[2]: "Grün", hdr[3]: "gut angenommen", hdr[5]: "2025"}, G,
             bemerkung=("gut angenommen",))
        fw.m("2", {hdr[0]: 2, hdr[1]: "Elternbegleitung", hdr[2]: "Rot", hdr[4]: "Jugendamt"}, R)
        return ms.save({"word"})
    hdr = ["Lfd. Nr.", "Maßnahmen", "Status", "Zuständigkeiten", "Anmerkungen"]
    fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr=hdr[0], text=hdr[1], status=hdr[2], header_row=5)
    ws = fw.ws
    for c, _label in enumerate(hdr, start=1):
        ws.cell(5, c).value = None
    ws["A4"], ws["B4"], ws["C4"] = "Lfd. Nr.", "Maßnahmen", "Umsetzung"
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:E4")
    ws["C5"], ws["D5"], ws["E5"] = "Status", "Zuständigkeiten", "Anmerkungen"
    for ref in ("A4", "B4", "C4", "C5", "D5", "E5"):
        ws[ref].font = Font(bold=True)
    fw.uz(1, "Unterziel 1: Frühe Bildung")
    fw.m("1", {"Lfd. Nr.": 1, "Maßnahmen": "Kita-Plätze", "Status": "Grün", "Anmerkungen": "ausgebaut"}, G,
         bemerkung=("ausgebaut",))
    fw.m("2", {"Lfd. Nr.": 2, "Maßnahmen": "Elternbegleitung", "Zuständigkeiten": "Jugendamt"}, R, fill=RED)
    fw.uz(2, "Unterziel 2: Schule")
    fw.m("3", {"Lfd. Nr.": 3, "Maßnahmen": "Schulsozialarbeit", "Status": "Gelb"}, Y)
    return ms.save({"word", "fill", "merge"})


def unterziel_markers(path: Path, variant: str) -> Case:
    """Unterziel rows as clerks mark them: "UZ 1 – …", "Ziel 1: …", "Unterziel II", or the number alone.

    The clerk: wrote the Unterziel rows in the short form of the office ("UZ 2 – Berufssprache"),
    as "Ziel 2", with Roman numerals ("Unterziel III"), or put only the number in the Nr column and
    the Unterziel's wording in the text column, numbering measures 1.1, 1.2 below it; or ("quer-verbunden")
    wrote "Unterziel 2: …" into the Nr column, merged it across the table, shaded it grey, and left one or
    two blank rows after each group.
    A careful colleague reads the Unterziel numbers 1, 2, 3 and assigns the measures below each; a blank
    row does not end the table.
    """
    ms = Master(path, f"unterziel_markers-{variant}")
    hdr = ["Nr.", "Unterziel / Maßnahme", "Ampel"]
    fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Unterziel / Maßnahme", status="Ampel")
    markers = {
        "uz-strich": ["UZ 1 – Wohnraum schaffen", "UZ 2 – Beratung", "UZ 3 – Nachbarschaft"],
        "ziel": ["Ziel 1: Wohnraum schaffen", "Ziel 2 – Beratung", "Ziel 3 Nachbarschaft"],
        "roemisch": ["Unterziel I: Wohnraum schaffen", "Unterziel II: Beratung", "Unterziel III: Nachbarschaft"],
    }
    words = ("Grün", "Gelb", "Rot", "Grün", "Rot")
    expect = (G, Y, R, G, R)
    per_uz = ((0, 1), (2, 3), (4,))
    n = 0
    for uz, idxs in enumerate(per_uz, start=1):
        if variant == "quer-verbunden":
            # the Unterziel row merged across the table's width, its text in the Nr column; blank rows between groups
            r = fw.uz(uz, {"Nr.": ["Unterziel 1: Wohnraum schaffen", "Unterziel 2: Beratung",
                                   "Unterziel 3: Nachbarschaft"][uz - 1]})
            fw.ws.merge_cells(f"A{r}:C{r}")
            fw.ws[f"A{r}"].fill = solid("D9D9D9")
        elif variant == "nr-allein":
            fw.uz(uz, {"Nr.": uz, "Unterziel / Maßnahme": ["Wohnraum schaffen", "Beratung", "Nachbarschaft"][uz - 1]})
        else:
            fw.uz(uz, markers[variant][uz - 1])
        for k, i in enumerate(idxs, start=1):
            n += 1
            nr = f"{uz}.{k}" if variant == "nr-allein" else str(n)
            fw.m(nr, {"Nr.": nr if variant == "nr-allein" else n, "Unterziel / Maßnahme": f"Maßnahme {nr}",
                      "Ampel": words[i]}, expect[i])
        if variant == "quer-verbunden":
            fw.blank(2 if uz == 1 else 1)
    return ms.save({"word"})


def flat_merged_unterziel(path: Path, variant: str) -> Case:
    """Flat layout: an Unterziel column whose cell is merged down over the group's measures.

    The clerk: kept one row per measure and wrote the Unterziel once per group in its own column,
    merging that cell vertically over the group ("1" merged over three rows; or "Unterziel 2:
    Beratung" merged, with the columns in another order: Ampel first).
    A careful colleague assigns every measure of a merged block to that block's Unterziel.
    """
    ms = Master(path, f"flat_merged_unterziel-{variant}")
    if variant == "nummer":
        hdr = ["Unterziel", "Nr.", "Maßnahme", "Ampel"]
        fw = ms.field("Gesundheit", "Handlungsfeld Gesundheit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        groups = [(1, "1", 3), (2, "2", 2)]
    else:
        hdr = ["Ampel", "Unterziel", "Maßnahme", "Nr."]
        fw = ms.field("Gesundheit", "Handlungsfeld Gesundheit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        groups = [(1, "Unterziel 1: Zugang zum Gesundheitssystem", 2), (2, "Unterziel 2: Prävention", 3)]
    statuses = [(GREEN, G), (YELLOW, Y), (RED, R), (GREEN, G), (AMBER, Y)]
    n = 0
    for uz, label, size in groups:
        first = fw.next_row
        fw.ws.cell(first, fw.col("Unterziel"), label)
        ms.case.unterziele[fw.sheet].append(uz)
        fw.current_uz = uz
        for _ in range(size):
            fill, expect = statuses[n]
            n += 1
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}"}, expect, fill=fill)
        col = get_column_letter(fw.col("Unterziel"))
        fw.ws.merge_cells(f"{col}{first}:{col}{first + size - 1}")
    return ms.save({"fill", "merge"})


def numbers_in_text(path: Path, variant: str) -> Case:
    """No Nr column: the measure number stands at the start of the text ("M 1.2 – …" or "1.2 …").

    The clerk: dropped the Nr column and typed the number in front of each measure's wording.
    A careful colleague reads the numbers 1.1, 1.2, 2.1 as the measures' numbers.
    """
    ms = Master(path, f"numbers_in_text-{variant}")
    hdr = ["Maßnahme", "Status", "Zuständig"]
    fw = ms.field("Kultur", "Handlungsfeld Kultur & Freizeit", hdr, nr=None, text="Maßnahme", status="Status",
                  name="Kultur & Freizeit")
    fmt = (lambda nr, t: f"M {nr} – {t}") if variant == "m-praefix" else (lambda nr, t: f"{nr} {t}")
    fw.uz(1, "Unterziel 1: Teilhabe an Kultur")
    fw.m("1.1", {"Maßnahme": fmt("1.1", "Kulturpass"), "Status": "Grün"}, G)
    fw.m("1.2", {"Maßnahme": fmt("1.2", "Interkulturelle Woche"), "Status": "Gelb"}, Y)
    fw.uz(2, "Unterziel 2: Sport")
    fw.m("2.1", {"Maßnahme": fmt("2.1", "Vereinslotsen"), "Status": "Rot"}, R)
    fw.m("2.2", {"Maßnahme": fmt("2.2", "Schwimmkurse für Frauen")}, G, fill=GREEN)
    return ms.save({"word", "fill"})


def below_the_table(path: Path, variant: str) -> Case:
    """A count line, a note and a legend with colour swatches below the table.

    The clerk: wrote a "Summe" (or "Anzahl") line under the measures, a note about the blue marking,
    and a small legend whose swatches are painted in the Ampel column with the meaning beside them in
    the text column — the same columns as the measures. Variant "legende-summe" also has measures over
    merged rows and a Konzept sheet with the right counts; in "legende-daneben" the legend stands beside
    the table (swatches in F, meanings in G).
    A careful colleague counts only the measures; the count line, the note and the legend lines are
    no measures (each named in a Hinweis), and the totals of the summary are the measures' totals.
    """
    ms = Master(path, f"below_the_table-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    outside = []
    if variant == "legende-summe":
        fw.uz(1, "Unterziel 1: Sprachkurse")
        fw.m("1", {"Nr.": 1, "Maßnahme": "Integrationskurse", "Zuständig": ["VHS", "Caritas"]}, G, span=2,
             fill=GREEN, blue=True)
        fw.m("2", {"Nr.": 2, "Maßnahme": "Sprachcafés", "Zuständig": ["Stadt", "Verein", "Kirche"]}, Y, span=3,
             fill=YELLOW, blue=True)
        fw.m("3", {"Nr.": 3, "Maßnahme": "Lesepaten"}, R, fill=RED)
        fw.uz(2, "Unterziel 2: Berufssprache")
        fw.m("4", {"Nr.": 4, "Maßnahme": "Berufssprachkurse", "Zuständig": ["Jobcenter", "IHK"]}, G, span=2,
             fill=GREEN, blue=True)
        fw.m("5", {"Nr.": 5, "Maßnahme": "Sprachprüfungen"}, R, fill=RED, blue=True)
        fw.blank()
        outside.append(fw.free({"Maßnahme": "Summe", "Nr.": 5}))
        fw.blank()
        outside.append(fw.free({"Maßnahme": "Legende:"}))
        for color, word in ((GREEN, "umgesetzt"), (YELLOW, "in Umsetzung"), (RED, "nicht umgesetzt")):
            r = fw.free({"Maßnahme": word})
            fw.cell("Ampel", r).fill = solid(color)
            outside.append(r)
        r = fw.free({"Maßnahme": "in Auswertung eingeflossen"})
        fw.cell("Nr.", r).fill = solid(BLUE)
        outside.append(r)
        ms.konzept()
        for r in outside:
            ms.expect("Sprache", Row(r), ROW_OUTSIDE_TABLE)
        return ms.save({"merge", "fill", "legend"})
    if variant == "legende-daneben":
        # the legend stands beside the table, one empty column apart: swatches in F, meanings in G
        three_fields(fw, ("Grün", "Gelb", "Rot", "Grün"), (G, Y, R, G))
        fw.ws["F4"] = "Legende"
        for r, (color, word) in enumerate(((GREEN, "umgesetzt"), (YELLOW, "in Umsetzung"), (RED, "offen")), start=5):
            fw.ws.cell(r, 6).fill = solid(color)
            fw.ws.cell(r, 7, word)
            ms.expect("Sprache", f"G{r}", ROW_OUTSIDE_TABLE)
        return ms.save({"word", "fill", "legend"})
    three_fields(fw, ("Grün", "Gelb", "Rot", "Grün", "Gelb", "Rot"), (G, Y, R, G, Y, R))
    outside.append(fw.free({"Nr.": "Anzahl", "Maßnahme": 6}))
    outside.append(fw.free({"Nr.": "davon Grün", "Maßnahme": 2, "Ampel": "Grün"}))
    r = fw.free({"Nr.": "Hinweis: Blau hinterlegte Maßnahmen sind in die Auswertung eingeflossen."})
    fw.ws.merge_cells(f"A{r}:D{r}")
    outside.append(r)
    fw.blank()
    outside.append(fw.free({"Maßnahme": "Stand: 31.12.2024, Integrationsbeauftragte"}))
    for r in outside:
        ms.expect("Sprache", Row(r), ROW_OUTSIDE_TABLE)
    return ms.save({"word", "legend"})


def konzept_sheet(path: Path, variant: str) -> Case:
    """The Konzept sheet under other header wordings, and a row deleted on a field sheet.

    The clerk: headed the structure table "Handlungsfeld/Querschnittsthema | Art | Anzahl Unterziele |
    Soll-Anzahl Maßnahmen" (or "Unterziele (Soll) | Maßnahmen (Soll)" with a "Gesamt" row), then
    deleted a measure row (or a whole Unterziel with its measures) on a field sheet by accident. In the
    "unlesbar" variants a count is "k. A." or the table has no recognisable header at all.
    In "namen-abweichend" the sheets have short names ("Kommunen", "Kultur") and the Konzept sheet the
    full ones ("Zusammenarbeit mit kreisangehörigen Kommunen", "Kultur und Freizeit" for the title's "&").
    A careful colleague notices the missing row (a count error), says when the table cannot be read, and
    matches the fields by their titles.
    """
    ms = Master(path, f"konzept_sheet-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    three_fields(fw, ("Grün", "Gelb", "Rot", "Grün", "Gelb"), (G, Y, R, G, Y))
    f2 = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    three_fields(f2, ("Rot", "Grün", "Gelb", "Rot"), (R, G, Y, R))
    if variant == "soll-anzahl":
        # one measure row of Sprache was deleted: 6 declared, 5 found
        ms.konzept(("Handlungsfeld/Querschnittsthema", "Art", "Anzahl Unterziele", "Soll-Anzahl Maßnahmen"),
                   rows=[("Sprache", "Handlungsfeld", 2, 6), ("Arbeit", "Handlungsfeld", 2, 4)])
        ms.expect("Sprache", ANY, COUNT_MASSNAHMEN)
    elif variant == "soll-gesamt":
        # Arbeit lost its third Unterziel with its two measures
        ms.konzept(("Feld", "Art", "Unterziele (Soll)", "Maßnahmen (Soll)"),
                   rows=[("Sprache", "Handlungsfeld", 2, 5), ("Arbeit", "Handlungsfeld", 3, 6)], total=True)
        ms.expect("Arbeit", ANY, COUNT_UNTERZIELE)
        ms.expect("Arbeit", ANY, COUNT_MASSNAHMEN)
        ms.expect(ANY, ANY, COUNT_TOTAL)
    elif variant == "namen-abweichend":
        # sheet names are limited to 31 characters: the clerk abbreviated them, the titles and the Konzept
        # sheet carry the full names ("&" in the title, "und" in the Konzept sheet)
        f3 = ms.field("Kommunen", "Querschnittsthema Zusammenarbeit mit kreisangehörigen Kommunen", hdr, nr="Nr.",
                      text="Maßnahme", status="Ampel", name="Zusammenarbeit mit kreisangehörigen Kommunen")
        three_fields(f3, ("Grün", "Rot"), (G, R), n_uz=1)
        f4 = ms.field("Kultur", "Handlungsfeld Kultur & Freizeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel",
                      name="Kultur und Freizeit")
        three_fields(f4, ("Gelb",), (Y,), n_uz=1)
        ms.konzept()
    elif variant == "unlesbar-wert":
        ms.konzept(rows=[("Sprache", "Handlungsfeld", 2, "k. A."), ("Arbeit", "Handlungsfeld", 2, 4)])
        ms.expect("Konzept", "D5", KONZEPT_UNREADABLE)
    else:  # unlesbar-kopf: a table nobody can map to Feld | Unterziele | Maßnahmen
        ms.konzept(("Bereich", "Was", "Wie viele?", "Bis wann"),
                   rows=[("Sprache", "HF", "zwei", "2025"), ("Arbeit", "HF", "zwei", "2026")])
        ms.expect("Konzept", ANY, KONZEPT_UNREADABLE)
    return ms.save({"word"})


def field_copy(path: Path, variant: str) -> Case:
    """A copy "Sprache (2)" of a field sheet, left in the workbook (visible, or hidden).

    The clerk: copied the sheet (right-click › Verschieben/Kopieren) to try something out and left the
    copy in the workbook — visible, or hidden with older statuses, or "very hidden" in front of the original.
    A careful colleague says that two sheets claim the field "Sprache", names both, and reads on.
    """
    ms = Master(path, f"field_copy-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    three_fields(fw, ("Grün", "Gelb", "Rot", "Grün"), (G, Y, R, G))
    copy = ms.wb.copy_worksheet(fw.ws)
    copy.title = "Sprache (2)"
    if variant == "sehr-versteckt":  # hidden through the VBA editor, and moved in front of the original
        copy.sheet_state = "veryHidden"
        ms.wb.move_sheet(copy, offset=-1)
        copy["C6"] = "Rot"
    if variant == "ausgeblendet":
        copy.sheet_state = "hidden"
        copy["C6"] = "Rot"
    ms.expect(("Sprache", "Sprache (2)"), ANY, FIELD_DUPLICATE)
    case = ms.save({"word", "very-hidden"} if variant == "sehr-versteckt" else {"word"})
    case.strict = False
    return case


# ---------------------------------------------------------------------------------------------
# Status channels: words


STATUS_WORDS = {
    "umsetzung": [("umgesetzt", G), ("in Umsetzung", Y), ("offen", R), (" Umgesetzt ", G), ("IN UMSETZUNG", Y),
                  ("Offen", R)],
    "vertragsliste": [("abgeschlossen", G), ("erledigt", G), ("realisiert", G), ("in Arbeit", Y), ("in Planung", Y),
                      ("laufend", Y), ("begonnen", Y), ("nicht begonnen", R), ("nicht umgesetzt", R),
                      ("nicht weiterverfolgt", R)],
    "zusatz": [("Grün (verzögert)", G), ("gelb – Finanzierung offen", Y), ("Rot: keine Mittel", R),
               ("umgesetzt (2024)", G)],
    "schreibweisen": [("Grün\u00a0", G), ("gelb\n(Förderantrag gestellt)", Y), ("  ROT", R), ("Gruen", G),
                      ("grün ", G), ("In  Umsetzung", Y)],
}


def status_words(path: Path, variant: str) -> Case:
    """Status words of the office instead of colour names.

    The clerk: typed what the measure's state is — "umgesetzt / in Umsetzung / offen" in any case and
    spacing, the other words of the office ("abgeschlossen", "in Planung", "nicht weiterverfolgt", …),
    a status with an addition ("Grün (verzögert)", "gelb – Finanzierung offen"), the word as typed
    ("schreibweisen": a non-breaking space, Alt+Enter before the addition, capitals), a formula whose
    stored result is the word ("formel"), a word partly bold or coloured ("formatiert"); in "unbekannt"
    something that is no status ("siehe Protokoll"); in "farbe-widerspricht" "Rot" in a cell painted green.
    A careful colleague maps each word to Grün/Gelb/Rot ("nicht begonnen" is Rot, not Gelb), keeps
    the addition, names the cell whose word maps to nothing, and the cell whose word and colour disagree.
    """
    ms = Master(path, f"status_words-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Bemerkung"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    if variant == "formel":
        # the Ampel is computed from a progress column; Excel stored each formula's result
        hdr_e = "Fortschritt"
        fw.ws.cell(4, 5, hdr_e)
        fw.header.append(hdr_e)
        fw.uz(1, "Unterziel 1: Arbeitsmarkt")
        results = {}
        for n, (pct, word, expect) in enumerate(((1.0, "Grün", G), (0.5, "Gelb", Y), (0, "Rot", R)), start=1):
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", hdr_e: pct,
                              "Ampel": f'=IF($E{fw.next_row}>=1,"Grün",IF($E{fw.next_row}>0,"Gelb","Rot"))'}, expect)
            results[fw.status_ref(r)] = word
        case = ms.save({"word"})
        set_cached_results(case.path, 1, results)
        return case
    if variant == "formatiert":
        # parts of the word set in bold or coloured (rich text in the cell)
        fw.uz(1, "Unterziel 1: Arbeitsmarkt")
        texts = ((CellRichText([TextBlock(InlineFont(b=True), "Grün"), " (verzögert)"]), G),
                 (CellRichText(["in ", TextBlock(InlineFont(color="FFC00000"), "Umsetzung")]), Y),
                 (CellRichText([TextBlock(InlineFont(i=True), "offen")]), R))
        for n, (text, expect) in enumerate(texts, start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": text}, expect)
        return ms.save({"word"})
    if variant == "farbe-widerspricht":
        rows = three_fields(fw, ("umgesetzt", "Rot", "in Umsetzung"), (G, UNDECIDED, Y), n_uz=1,
                            fills=(GREEN, GREEN, None))
        ms.expect("Arbeit", fw.status_ref(rows[1]), STATUS_CONFLICT)
        return ms.save({"word", "fill"})
    if variant == "unbekannt":
        rows = three_fields(fw, ("umgesetzt", "siehe Protokoll", "offen"), (G, None, R), n_uz=1)
        ms.expect("Arbeit", fw.status_ref(rows[1]), STATUS_TEXT_UNKNOWN)
        ms.allow("Arbeit", fw.status_ref(rows[1]), STATUS_MISSING)
        return ms.save({"word"})
    pairs = STATUS_WORDS[variant]
    three_fields(fw, tuple(w for w, _ in pairs), tuple(s for _, s in pairs))
    return ms.save({"word"})


def taught_words(path: Path, variant: str) -> Case:
    """Words the workbook itself teaches: its Legende sheet, or the drop-down list of the Ampel column.

    The clerk: wrote a Legende sheet ("Grün | fertig", "Gelb | läuft", "Rot | ruht"; or painted
    swatches with "erreicht / teilweise erreicht / nicht erreicht" beside them) and used those words;
    or gave the Ampel column a drop-down list ("erreicht, teilweise, zurückgestellt") whose entries
    conditional formatting colours — the formatting covers rows 5–10, the drop-down the whole column,
    and two measures stand below the formatted rows. The list is typed into the rule ("dropdown"), on
    a hidden sheet ("dropdown-liste", coloured by text rules), behind a name ("dropdown-name"), or on a
    hidden sheet the way Excel 2010+ stores it, in the x14 extension ("dropdown-x14"). Variant
    "nicht-gelehrt": a word neither teaches.
    A careful colleague reads each taught word as the status it stands for, also where no colour shows
    it, and names the cell with a word nobody taught.
    """
    ms = Master(path, f"taught_words-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    leg = ms.wb.create_sheet("Legende")
    channels = {"word"}
    if variant == "legende-name":
        leg["A1"] = "Ampelsystem-Legende"
        for r, (name, word) in enumerate((("Grün", "fertig"), ("Gelb", "läuft"), ("Rot", "ruht")), start=3):
            leg.cell(r, 1, name)
            leg.cell(r, 2, word)
        three_fields(fw, ("fertig", "läuft", "ruht", "Fertig", "läuft"), (G, Y, R, G, Y))
        channels.add("legend")
    elif variant == "legende-farbfeld":
        leg["A1"] = "Legende"
        for r, (color, word) in enumerate(((GREEN, "erreicht"), (YELLOW, "teilweise erreicht"),
                                           (RED, "nicht erreicht")), start=3):
            leg.cell(r, 1).fill = solid(color)
            leg.cell(r, 2, word)
        three_fields(fw, ("erreicht", "teilweise erreicht", "nicht erreicht", "nicht erreicht"), (G, Y, R, R))
        channels |= {"legend", "fill"}
    elif variant in ("dropdown", "dropdown-liste", "dropdown-name", "dropdown-x14"):
        leg["A1"] = "Legende: siehe Auswahlliste in der Spalte Ampel"
        dv = None
        if variant == "dropdown":
            dv = DataValidation(type="list", formula1='"erreicht,teilweise,zurückgestellt"', allow_blank=True)
        else:
            lists = ms.wb.create_sheet("Listen")
            for r, word in enumerate(("erreicht", "teilweise", "zurückgestellt"), start=1):
                lists.cell(r, 1, word)
            lists.sheet_state = "hidden"
            if variant == "dropdown-liste":
                dv = DataValidation(type="list", formula1="Listen!$A$1:$A$3", allow_blank=True)
            elif variant == "dropdown-name":
                ms.wb.defined_names["Statusliste"] = DefinedName("Statusliste", attr_text="Listen!$A$1:$A$3")
                dv = DataValidation(type="list", formula1="Statusliste", allow_blank=True)
        if dv is not None:
            fw.ws.add_data_validation(dv)
            dv.add("C5:C40")
        for word, color in (("erreicht", GREEN), ("teilweise", YELLOW), ("zurückgestellt", RED)):
            if variant != "dropdown-liste":
                fw.ws.conditional_formatting.add("C5:C10", CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                                       fill=PatternFill(bgColor="FF" + color)))
            else:
                rule = Rule(type="containsText", operator="containsText", text=word, dxf=dxf(color))
                rule.formula = [f'NOT(ISERROR(SEARCH("{word}",C5)))']
                fw.ws.conditional_formatting.add("C5:C10", rule)
        # rows 5..10: Unterziel 1 and measures 1-5; the last measures stand below the formatted range
        three_fields(fw, ("erreicht", "teilweise", "zurückgestellt", "erreicht", "teilweise", "zurückgestellt",
                          "erreicht"), (G, Y, R, G, Y, R, G), n_uz=1)
        channels |= {"dv", "cf-text" if variant == "dropdown-liste" else "cf"}
        if variant == "dropdown-x14":
            case = ms.save(channels)
            add_x14_list_validation(case.path, 1, "C5:C40", "Listen!$A$1:$A$3")
            return case
    else:  # nicht-gelehrt
        for r, (name, word) in enumerate((("Grün", "fertig"), ("Gelb", "läuft")), start=3):
            leg.cell(r, 1, name)
            leg.cell(r, 2, word)
        rows = three_fields(fw, ("fertig", "läuft", "geparkt"), (G, Y, None), n_uz=1)
        ms.expect("Bildung", fw.status_ref(rows[2]), STATUS_TEXT_UNKNOWN)
        ms.allow("Bildung", fw.status_ref(rows[2]), STATUS_MISSING)
        channels.add("legend")
    return ms.save(channels)


# ---------------------------------------------------------------------------------------------
# Status channels: fills


def row_painted(path: Path, variant: str) -> Case:
    """The whole row painted, the Ampel cell itself unfilled.

    The clerk: selected the measure's whole row (row header) and painted it — Excel stores the fill on
    the row, the empty Ampel cell has no cell of its own ("zeilenformat") — or painted every cell of
    the row but the Ampel cell ("zellen"); in "lila" a row painted purple; in "widerspruch" the cells of a
    row painted green but "Rot" typed into its unpainted Ampel cell.
    A careful colleague reads the row's colour as the status, names the purple row's Ampel cell, and
    the cell where the row's green and the word "Rot" disagree.
    """
    ms = Master(path, f"row_painted-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Wohnraum")
    plan = {
        "zeilenformat": [(GREEN, G), (YELLOW, Y), (RED, R), ("92D050", G)],
        "zellen": [(GREEN, G), (AMBER, Y), (RED, R)],
        "lila": [(GREEN, G), (PURPLE, None), (RED, R)],
        "widerspruch": [(GREEN, G), (GREEN, UNDECIDED), (RED, R)],
    }[variant]
    for n, (color, expect) in enumerate(plan, start=1):
        cells = {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Zuständig": "Amt"}
        if expect == UNDECIDED:  # typed into the unpainted Ampel cell later
            cells["Ampel"] = "Rot"
            ms.expect("Wohnen", fw.status_ref(fw.next_row), STATUS_CONFLICT)
        r = fw.m(str(n), cells, expect)
        if variant == "zeilenformat":
            fw.ws.row_dimensions[r].fill = solid(color)
        for c in (1, 2, 4):
            fw.ws.cell(r, c).fill = solid(color)
        if expect is None:
            ms.expect("Wohnen", fw.status_ref(r), COLOR_UNKNOWN)
            ms.allow("Wohnen", fw.status_ref(r), STATUS_MISSING)
    return ms.save({"row"})


def gradient_pattern(path: Path, variant: str) -> Case:
    """Status cells with a gradient or a pattern fill instead of a plain one, or with theme and palette colours.

    The clerk: chose "Fülleffekte" — a two-colour gradient from white to green (linear or from the
    centre) — or a pattern (diagonal stripes, grid, 12.5 % grey dots) in the status colour; in
    "lila" a purple pattern.
    A careful colleague reads the gradient's coloured stop and the pattern's colour, and names the
    purple cell with its colour code. "designfarben": theme colours with tints from the colour picker
    ("Grün, Akzent 3, heller 40 %"); "palette": the legacy palette of old workbooks (indexed colours).
    """
    ms = Master(path, f"gradient_pattern-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Gesundheit", "Handlungsfeld Gesundheit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Zugang")
    if variant == "designfarben":  # openpyxl's theme: accent3 9BBB59 green, accent2 C0504D red, accent6 F79646 orange
        fills = [(solid(Color(theme=6, tint=0.3999755851924192)), G),
                 (solid(Color(theme=9, tint=0.0)), Y),
                 (solid(Color(theme=5, tint=-0.249977111117893)), R),
                 (solid(Color(theme=6, tint=-0.499984740745262)), G)]
    elif variant == "palette":  # the legacy indexed colours: 11 bright green, 13 yellow, 10 red, 17 green, 52 orange
        fills = [(solid(Color(indexed=11)), G), (solid(Color(indexed=13)), Y), (solid(Color(indexed=10)), R),
                 (solid(Color(indexed=17)), G), (solid(Color(indexed=52)), Y)]
    elif variant == "verlauf":
        fills = [(GradientFill(degree=90, stop=(WHITE, GREEN)), G),
                 (GradientFill(type="path", left=0.5, right=0.5, top=0.5, bottom=0.5, stop=(YELLOW, WHITE)), Y),
                 (GradientFill(degree=0, stop=(RED, WHITE)), R)]
    elif variant == "muster":
        fills = [(PatternFill("lightUp", fgColor="FF" + GREEN, bgColor="FF" + WHITE), G),
                 (PatternFill("darkGrid", fgColor="FF" + AMBER, bgColor="FF" + WHITE), Y),
                 (PatternFill("gray125", fgColor="FF" + RED), R)]
    else:
        fills = [(GradientFill(degree=90, stop=(WHITE, GREEN)), G),
                 (PatternFill("lightGrid", fgColor="FF" + PURPLE, bgColor="FF" + WHITE), None)]
    for n, (fill, expect) in enumerate(fills, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}"}, expect, fill=fill)
        if expect is None:
            ms.expect("Gesundheit", fw.status_ref(r), COLOR_UNKNOWN)
            ms.allow("Gesundheit", fw.status_ref(r), STATUS_MISSING)
    return ms.save({"verlauf": {"gradient"}, "muster": {"pattern"}, "designfarben": {"fill", "theme-tint"},
                    "palette": {"fill"}}.get(variant, {"gradient", "pattern"}))


# ---------------------------------------------------------------------------------------------
# Status channels: conditional formatting, icon sets, symbols


def cf_rules(path: Path, variant: str) -> Case:
    """Conditional formatting gives the colour a person sees.

    The clerk (or a predecessor) set up "Bedingte Formatierung" on the Ampel column:
    "zellwert": the column holds 1/2/3 ("Bewertung") and cell-value rules paint 1 green, 2 yellow,
      3 red (equal / between / greater than); in "zellwert-lila" a rule paints 4 purple; "vorlagen": the
      same with Excel's ready-made formats (light green fill with dark green text, …); "ganze-spalte": the
      rules on the whole column C:C; "geteilt": their range split in two ("C6:C7 C8:C10");
    "text": text rules (contains "erledigt" → green, begins with "in " → amber, ends with "offen" →
      red) over cells whose own fill is last year's, now stale;
    "ausdruck": the Ampel cells are empty; formula rules look at the row's "Fortschritt" column
      (=$E5="erledigt", =$E5="in Arbeit", =$E5="offen");
    "ausdruck-zahl": formula rules on a share in F (=$F5>=1, i.e. 100 %, before =$F5>0 before =$F5=0);
    "konflikt": a text rule paints "erledigt" red (a wrong rule) — word and colour disagree;
    "ausdruck-unlesbar": a rule with VLOOKUP into another sheet colours the cells.
    A careful colleague reads the colour the rules give (a rule wins over the cell's own fill, the
    first true rule wins), names the cell where word and colour disagree, and says which rule at which
    cell could not be evaluated.
    """
    ms = Master(path, f"cf_rules-{variant}")
    if variant in ("ausdruck", "ausdruck-zahl", "ausdruck-unlesbar"):
        hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig", "Fortschritt", "Fortschritt %"]
    else:
        hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    ws = fw.ws
    fw.uz(1, "Unterziel 1: Arbeitsmarkt")
    channels = {"cf"}
    if variant in ("zellwert", "zellwert-lila"):
        plan = ((1, G), (2, Y), (3, R), (1, G), (3, R)) if variant == "zellwert" else ((1, G), (4, None), (3, R))
        for n, (value, expect) in enumerate(plan, start=1):
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
            if expect is None:
                ms.expect("Arbeit", fw.status_ref(r), COLOR_UNKNOWN)
                ms.allow("Arbeit", fw.status_ref(r), STATUS_MISSING)
        if variant == "zellwert-lila":  # "4 = zurückgestellt", painted purple
            ws.conditional_formatting.add("C5:C20", CellIsRule(operator="equal", formula=["4"],
                                                               fill=PatternFill(bgColor="FF" + PURPLE)))
        ws.conditional_formatting.add("C5:C20", CellIsRule(operator="equal", formula=["1"],
                                                           fill=PatternFill(bgColor="FF" + GREEN)))
        ws.conditional_formatting.add("C5:C20", CellIsRule(operator="between", formula=["1.5", "2.5"],
                                                           fill=PatternFill(bgColor="FF" + YELLOW)))
        ws.conditional_formatting.add("C5:C20", CellIsRule(operator="greaterThan", formula=["2.5"],
                                                           fill=PatternFill(bgColor="FF" + RED)))
    elif variant in ("ganze-spalte", "geteilt"):
        # the rules were set on the whole column (header and Unterziel rows included), or Excel split their
        # range when rows were inserted
        for n, (value, expect) in enumerate(((1, G), (2, Y), (3, R), (1, G), (2, Y)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
        rng = "C1:C1048576" if variant == "ganze-spalte" else "C6:C7 C8:C10"
        for value, color in (("1", GREEN), ("2", YELLOW), ("3", RED)):
            ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[value],
                                                          fill=PatternFill(bgColor="FF" + color)))
    elif variant == "vorlagen":
        # Excel's presets: "Grüne Füllung mit dunkelgrünem Text", "Gelbe Füllung mit dunkelgelbem Text",
        # "Hellrote Füllung mit dunkelrotem Text"
        for n, (value, expect) in enumerate(((1, G), (2, Y), (3, R), (2, Y)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
        for value, fill, font in (("1", "C6EFCE", "006100"), ("2", "FFEB9C", "9C5700"), ("3", "FFC7CE", "9C0006")):
            rule = CellIsRule(operator="equal", formula=[value], fill=PatternFill(bgColor="FF" + fill),
                              font=Font(color="FF" + font))
            ws.conditional_formatting.add("C5:C20", rule)
    elif variant in ("text", "konflikt"):
        rows = []
        for n, (word, stale, expect) in enumerate((("erledigt", RED, G), ("in Arbeit", GREEN, Y), ("offen", GREEN, R),
                                                   ("erledigt", None, G)), start=1):
            rows.append(fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word}, expect, fill=stale))
        first = "C5"
        contains = Rule(type="containsText", operator="containsText", text="erledigt",
                        dxf=dxf(RED if variant == "konflikt" else GREEN))
        contains.formula = [f'NOT(ISERROR(SEARCH("erledigt",{first})))']
        begins = Rule(type="beginsWith", operator="beginsWith", text="in ", dxf=dxf(AMBER))
        begins.formula = [f'LEFT({first},LEN("in "))="in "']
        ends = Rule(type="endsWith", operator="endsWith", text="offen", dxf=dxf(RED))
        ends.formula = [f'RIGHT({first},LEN("offen"))="offen"']
        for rule in (contains, begins, ends):
            ws.conditional_formatting.add("C5:C20", rule)
        channels |= {"cf-text", "word", "fill"}
        if variant == "konflikt":
            for i in (0, 3):
                ms.case.measures[i].status = UNDECIDED
                ms.expect("Arbeit", fw.status_ref(rows[i]), STATUS_CONFLICT)
    elif variant == "ausdruck":
        for n, (word, expect) in enumerate((("erledigt", G), ("in Arbeit", Y), ("offen", R), ("erledigt", G)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Fortschritt": word}, expect)
        for word, color in (("erledigt", GREEN), ("in Arbeit", YELLOW), ("offen", RED)):
            ws.conditional_formatting.add("C5:C20", FormulaRule(formula=[f'$E5="{word}"'],
                                                                fill=PatternFill(bgColor="FF" + color)))
    elif variant == "ausdruck-zahl":
        for n, (pct, expect) in enumerate(((1.0, G), (0.5, Y), (0, R), (0.1, Y)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Fortschritt %": pct}, expect)
            ws.cell(fw.next_row - 1, fw.col("Fortschritt %")).number_format = "0%"
        ws.conditional_formatting.add("C5:C20", FormulaRule(formula=["$F5>=1"], fill=PatternFill(bgColor="FF" + GREEN)))
        ws.conditional_formatting.add("C5:C20", FormulaRule(formula=["$F5>0"], fill=PatternFill(bgColor="FF" + YELLOW)))
        ws.conditional_formatting.add("C5:C20", FormulaRule(formula=["$F5=0"], fill=PatternFill(bgColor="FF" + RED)))
    else:  # ausdruck-unlesbar
        leg = ms.wb.create_sheet("Legende")
        for r, (word, color) in enumerate((("erledigt", "grün"), ("offen", "rot")), start=1):
            leg.cell(r, 1, word)
            leg.cell(r, 2, color)
        rows = []
        for n, word in enumerate(("erledigt", "offen"), start=1):
            rows.append(fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Fortschritt": word}, None))
        ws.conditional_formatting.add(f"C{rows[0]}:C{rows[-1]}", FormulaRule(
            formula=[f'VLOOKUP($E{rows[0]},Legende!$A$1:$B$2,2,FALSE)="grün"'], fill=PatternFill(bgColor="FF" + GREEN)))
        for r in rows:
            ms.expect("Arbeit", fw.status_ref(r), CF_UNREADABLE)
            ms.allow("Arbeit", fw.status_ref(r), STATUS_MISSING)
    return ms.save(channels)


def icon_sets(path: Path, variant: str) -> Case:
    """Icon sets: Excel's traffic lights (or symbols) drawn from a number in the Ampel column.

    The clerk: typed a number and let "Symbolsätze" draw the light:
    "ampel-zahlen": 3 traffic lights on 1/2/3 with number thresholds (≥ 3 green, ≥ 2 yellow), the
      number shown beside the light;
    "ampel-umgekehrt": the same reversed ("Symbolreihenfolge umkehren": 1 is green) and "Nur Symbol
      anzeigen";
    "ampel-prozent": a progress share 0–100 % with percent thresholds (≥ 67 % green, ≥ 33 % yellow);
    "ampel-perzentil": scores 10–100 with percentile thresholds (33rd and 67th percentile);
    "symbole": 3 circled symbols (✓ ! ✗) on 1/2/3;
    "sterne": 3 stars (an Excel 2010 icon set, stored in the x14 extension) and "pfeile-grau": 3 grey
      arrows — neither says anything about Grün/Gelb/Rot; "andere-spalte": the lights are drawn in a
      progress column beside the Ampel column, which holds words.
    A careful colleague reads the icon Excel shows: a green light is Grün; the stars are named as
    unreadable at their cells; lights in another column are not the Ampel.
    """
    ms = Master(path, f"icon_sets-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Sprachkurse")
    if variant == "andere-spalte":
        # the Ampel column holds words; an icon set draws lights in the progress column beside it
        fw.ws.cell(4, 4, "Fortschritt")
        fw.header.append("Fortschritt")
        for n, (word, progress, expect) in enumerate((("Grün", 1, G), ("Gelb", 3, Y), ("Rot", 3, R)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word, "Fortschritt": progress}, expect)
        fw.ws.conditional_formatting.add("D5:D20", IconSetRule("3TrafficLights1", "num", [0, 2, 3]))
        return ms.save({"icon", "word"})
    if variant == "ampel-prozent":
        values = ((1.0, G), (0.8, G), (0.5, Y), (0.2, R), (0.0, R), (0.67, G), (0.33, Y))
    elif variant == "ampel-perzentil":
        # percentiles 33/67 of 10..100 (PERCENTILE.INC): 39.7 and 70.3
        values = tuple((v, R if v < 39.7 else Y if v < 70.3 else G) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100))
    elif variant == "ampel-umgekehrt":
        values = ((1, G), (2, Y), (3, R), (1, G))
    elif variant == "sterne":
        values = ((1, None), (3, None))
    elif variant == "pfeile-grau":
        values = ((3, None), (2, None), (1, None))
    else:
        values = ((3, G), (2, Y), (1, R), (3, G))
    rows = []
    for n, (value, expect) in enumerate(values, start=1):
        rows.append(fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect))
        if variant == "ampel-prozent":
            fw.cell("Ampel", rows[-1]).number_format = "0%"
    rng = f"C5:C{fw.next_row - 1}"
    if variant == "ampel-prozent":
        rule = IconSetRule("3TrafficLights1", "percent", [0, 33, 67])
    elif variant == "ampel-umgekehrt":
        rule = IconSetRule("3TrafficLights1", "num", [0, 2, 3], showValue=False, reverse=True)
    elif variant == "ampel-perzentil":
        rule = IconSetRule("3TrafficLights1", "percentile", [0, 33, 67])
    elif variant == "symbole":
        rule = IconSetRule("3Symbols", "num", [0, 2, 3])
    elif variant in ("sterne", "pfeile-grau"):
        rule = IconSetRule("3ArrowsGray", "num", [0, 2, 3]) if variant == "pfeile-grau" else None
        for r in rows:
            ms.expect("Sprache", fw.status_ref(r), ICON_UNKNOWN)
            ms.allow("Sprache", fw.status_ref(r), STATUS_MISSING)
    else:
        rule = IconSetRule("3TrafficLights2", "num", [0, 2, 3])
    if rule is not None:
        fw.ws.conditional_formatting.add(rng, rule)
    case = ms.save({"icon"})
    if variant == "sterne":
        add_x14_icon_set(case.path, 1, rng, "3Stars", [("percent", "0"), ("num", "2"), ("num", "3")])
    return case


def symbol_font(path: Path, variant: str) -> Case:
    """A status that is only a symbol, coloured with the font colour.

    The clerk: typed "●" (or "⬤", "■", or a Wingdings "l", which draws a dot) and gave it a green,
    amber or red font colour; in "braun" one dot is brown. In "wort-farbig" the words Grün/Rot/Gelb are
    typed in a red, green and blue font (for emphasis, not as a status).
    A careful colleague reads the dot's colour, names the brown dot's cell and colour, and reads a word
    as the word, whatever its font colour.
    """
    ms = Master(path, f"symbol_font-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Antidiskriminierung", "Querschnittsthema Antidiskriminierung", hdr, nr="Nr.", text="Maßnahme",
                  status="Ampel")
    fw.uz(1, "Unterziel 1: Beratung")
    if variant == "punkt":
        plan = [("●", "Calibri", GREEN, G), ("●", "Calibri", AMBER, Y), ("●", "Calibri", RED, R),
                ("●", "Calibri", "92D050", G)]
    elif variant == "andere-symbole":
        plan = [("⬤", "Segoe UI Symbol", GREEN, G), ("■", "Calibri", YELLOW, Y), ("l", "Wingdings", RED, R),
                ("l", "Wingdings", GREEN, G)]
    elif variant == "wort-farbig":  # words in a coloured font: the word counts, the font colour is no channel
        plan = [("Grün", "Calibri", RED, G), ("Rot", "Calibri", GREEN, R), ("Gelb", "Calibri", "0070C0", Y)]
    else:
        plan = [("●", "Calibri", GREEN, G), ("●", "Calibri", BROWN, None)]
    for n, (sym, font, color, expect) in enumerate(plan, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": sym}, expect)
        fw.cell("Ampel", r).font = Font(name=font, color="FF" + color, size=14)
        if expect is None:
            ms.expect("Antidiskriminierung", fw.status_ref(r), COLOR_UNKNOWN)
            ms.allow("Antidiskriminierung", fw.status_ref(r), STATUS_MISSING)
    return ms.save({"font"})


def status_missing(path: Path, variant: str) -> Case:
    """Measures with no status at all, inside and outside the evaluation.

    The clerk: marked some measures blue (Nr cell, or an "In Auswertung" column with "x") and forgot the
    Ampel of one marked and one unmarked measure.
    A careful colleague reports the marked one as an error and the unmarked one as a warning.
    """
    ms = Master(path, f"status_missing-{variant}")
    if variant == "blau":
        hdr = ["Nr.", "Maßnahme", "Ampel"]
        fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Wohnraum")
        fw.m("1", {"Nr.": 1, "Maßnahme": "a", "Ampel": "Grün"}, G, blue=True)
        r2 = fw.m("2", {"Nr.": 2, "Maßnahme": "b"}, None, blue=True)
        r3 = fw.m("3", {"Nr.": 3, "Maßnahme": "c"}, None)
        fw.m("4", {"Nr.": 4, "Maßnahme": "d", "Ampel": "Rot"}, R)
    else:
        hdr = ["Nr.", "Maßnahme", "Ampel", "In Auswertung"]
        fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Wohnraum")
        fw.m("1", {"Nr.": 1, "Maßnahme": "a", "Ampel": "Grün", "In Auswertung": "x"}, G, marked=True)
        r2 = fw.m("2", {"Nr.": 2, "Maßnahme": "b", "In Auswertung": "x"}, None, marked=True)
        r3 = fw.m("3", {"Nr.": 3, "Maßnahme": "c"}, None)
        fw.m("4", {"Nr.": 4, "Maßnahme": "d", "Ampel": "Rot", "In Auswertung": "x"}, R, marked=True)
    ms.expect("Wohnen", fw.status_ref(r2), STATUS_MISSING)
    ms.expect("Wohnen", fw.status_ref(r3), STATUS_MISSING_UNMARKED)
    return ms.save({"word", "fill" if variant == "blau" else "column"})


def blue_marking(path: Path, variant: str) -> Case:
    """The blue highlight that puts a measure into the evaluation, as clerks paint it.

    The clerk: painted the Nr cell in the theme's light blue from the colour picker ("Blau, Akzent 1,
    heller 80 %", "thema-blau"), or painted the measure's whole row light blue and gave the Ampel cell its
    own green/red fill ("zeile-blau", a merged two-row measure painted over both rows).
    A careful colleague counts the blue measures in the evaluation and the others not; the blue of the
    row is no status.
    """
    ms = Master(path, f"blue_marking-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Arbeitsmarkt")
    if variant == "thema-blau":
        light_blue = solid(Color(theme=4, tint=0.7999816888943144))
        for n, (word, marked, expect) in enumerate((("Grün", True, G), ("Rot", False, R), ("Gelb", True, Y)), start=1):
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word}, expect, marked=marked)
            if marked:
                fw.cell("Nr.", r).fill = light_blue
        return ms.save({"word", "fill", "theme-tint"})
    plan = ((GREEN, True, G, 2), (RED, False, R, 1), (YELLOW, True, Y, 1))
    for n, (color, marked, expect, span) in enumerate(plan, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Zuständig": ["Jobcenter", "IHK"][:span]}, expect,
                 span=span, fill=color, marked=marked)
        if marked:
            for row in range(r, r + span):
                for c in (1, 2, 4):
                    if (row == r) or c == 4:  # covered cells of the merged Nr and text get no style of their own
                        fw.ws.cell(row, c).fill = solid(BLUE)
    return ms.save({"fill", "merge"})


# ---------------------------------------------------------------------------------------------
# Text, titles and sheet features


def sachstand(path: Path, variant: str) -> Case:
    """The Sachstand paragraph in the forms clerks write it.

    The clerk: wrote "Sachstand zum 31.12.2024: Die Kurse …" into one cell ("eine-zelle"); or the
    label "Sachstand" with the text beside it and a "Highlight des Jahres: …" cell ("label-daneben");
    or the label "Sachstand" and nothing beside it yet ("label-leer"); or title, "Oberziel: …" and the
    Sachstand each in a cell merged across the table's width ("verbunden").
    A careful colleague keeps the whole text (date included) and notes the empty label.
    """
    ms = Master(path, f"sachstand-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    header_row = 6 if variant != "label-leer" else 5
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel",
                  header_row=header_row)
    ws = fw.ws
    if variant == "eine-zelle":
        ws["A3"] = "Sachstand zum 31.12.2024: Die Kurse sind voll ausgelastet; zwei neue Angebote starten 2025."
        ms.text("Sprache", "sachstand", "Sachstand zum 31.12.2024")
        ms.text("Sprache", "sachstand", "Die Kurse sind voll ausgelastet")
    elif variant == "label-daneben":
        ws["A3"] = "Sachstand"
        ws["B3"] = "Die Kurse sind voll ausgelastet."
        ws["A4"] = "Highlight des Jahres: Sprachfest mit 300 Gästen"
        ms.text("Sprache", "sachstand", "Die Kurse sind voll ausgelastet.")
        ms.text("Sprache", "highlights", "Sprachfest mit 300 Gästen")
    elif variant == "verbunden":
        # title, Oberziel and Sachstand in cells merged across the table's width
        ws["A2"] = None
        ws["B2"] = None
        ws.merge_cells("A1:C1")
        ws["A2"] = "Oberziel: Alle Zugewanderten können sich im Alltag verständigen."
        ws.merge_cells("A2:C2")
        ws["A3"] = "Sachstand zum 31.12.2024: Die Kurse sind voll ausgelastet."
        ws.merge_cells("A3:C4")
        ms.text("Sprache", "oberziel", "Alle Zugewanderten können sich im Alltag verständigen.")
        ms.text("Sprache", "sachstand", "Die Kurse sind voll ausgelastet.")
    else:
        ws["A3"] = "Sachstand"
        ms.expect("Sprache", "A3", LABEL_EMPTY)
    three_fields(fw, ("Grün", "Gelb", "Rot"), (G, Y, R), n_uz=1)
    return ms.save({"word"})


def seed_typo(path: Path, variant: str) -> Case:
    """The seed's typo "Querschnittstehma" in the title, with a Konzept sheet naming the field.

    The clerk: copied the title from the seed document ("Querschnittstehma Antidiskriminierung"); in
    "grossbuchstaben" the title is in capitals, with a colon, in B1 beside an empty logo column.
    A careful colleague recognises the Querschnittsthema and matches it with the Konzept sheet.
    """
    ms = Master(path, f"seed_typo-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    if variant == "querschnittstehma":
        fw = ms.field("Antidiskriminierung", "Querschnittstehma Antidiskriminierung", hdr, nr="Nr.", text="Maßnahme",
                      status="Ampel", name="Antidiskriminierung", art="Querschnittsthema")
    else:
        fw = ms.field("Antidiskriminierung", "QUERSCHNITTSTEHMA: ANTIDISKRIMINIERUNG", hdr, nr="Nr.", text="Maßnahme",
                      status="Ampel", title_cell="B1", name="Antidiskriminierung", art="Querschnittsthema")
    three_fields(fw, ("Grün", "Gelb", "Rot", "Gelb"), (G, Y, R, Y))
    f2 = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    three_fields(f2, ("Rot", "Grün"), (R, G), n_uz=1)
    ms.konzept()
    return ms.save({"word"})


def list_object(path: Path, variant: str) -> Case:
    """The measures kept as an Excel table ("Als Tabelle formatieren") with banded rows.

    The clerk: formatted the flat list as a table — a blue banded style ("Tabellenformat Mittel 2",
    stripes in light blue, statuses as words) or a light style with filter buttons and statuses as
    fills. No measure is marked blue by hand.
    A careful colleague sees that the stripes are the table style, not the blue marking: nothing is
    marked, every measure counts, each with its word or fill.
    """
    ms = Master(path, f"list_object-{variant}")
    hdr = ["Unterziel", "Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    plan = [(1, "Grün", GREEN, G), (1, "Gelb", YELLOW, Y), (2, "Rot", RED, R), (2, "Gelb", AMBER, Y),
            (2, "Grün", GREEN, G), (3, "Rot", RED, R)]
    seen: set[int] = set()
    for n, (uz, word, color, expect) in enumerate(plan, start=1):
        if uz not in seen:
            seen.add(uz)
            ms.case.unterziele["Arbeit"].append(uz)
        fw.current_uz = uz
        cells = {"Unterziel": uz, "Nr.": n, "Maßnahme": f"Maßnahme {n}", "Zuständig": "Jobcenter"}
        if variant == "mittel-blau":
            cells["Ampel"] = word
            fw.m(str(n), cells, expect)
        else:
            fw.m(str(n), cells, expect, fill=color)
    ref = f"A4:E{fw.next_row - 1}"
    style = "TableStyleMedium2" if variant == "mittel-blau" else "TableStyleLight9"
    table = Table(displayName="Massnahmen", ref=ref,
                  tableStyleInfo=TableStyleInfo(name=style, showRowStripes=True,
                                                showColumnStripes=variant != "mittel-blau"))
    fw.ws.add_table(table)
    return ms.save({"table", "word" if variant == "mittel-blau" else "fill"})


def sheet_features(path: Path, variant: str) -> Case:
    """Hidden rows, frozen panes, comments, filter buttons — things of daily use that are no status.

    The clerk: froze the header ("Fenster fixieren"), hid a measure row ("ausgeblendet-fixiert") or
    grouped and collapsed two measure rows ("gruppiert"), put comments on Ampel cells ("Grün seit
    März" on a yellow cell), and switched on the filter buttons.
    A careful colleague counts the hidden measures (and says they are hidden), and never takes a
    comment for the status.
    """
    ms = Master(path, f"sheet_features-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Bemerkung"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    ws = fw.ws
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = "A4:D4"
    rows = three_fields(fw, ("Gelb", "Grün", "Rot", "Gelb", "Grün"), (Y, G, R, Y, G))
    ws.cell(rows[0], 3).comment = Comment("Grün seit März", "Sachbearbeitung")
    ws.cell(rows[2], 3).comment = Comment("Bitte prüfen: eigentlich erledigt?", "Leitung")
    hidden = [rows[1]] if variant == "ausgeblendet-fixiert" else [rows[3], rows[4]]
    for r in hidden:
        ws.row_dimensions[r].hidden = True
        if variant == "gruppiert":
            ws.row_dimensions[r].outline_level = 1
        ms.expect("Sprache", Row(r), ROW_HIDDEN)
    return ms.save({"word"})


# ---------------------------------------------------------------------------------------------
# What Excel writes and openpyxl cannot: added to the saved parts


def add_extension(path: Path, sheet_no: int, ext: str) -> None:
    """Add an ``<ext>`` element to a saved sheet's ``extLst`` (Excel 2010 features openpyxl cannot write)."""
    name = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts[name].decode("utf-8")
    if "</extLst>" in xml:
        xml = xml.replace("</extLst>", ext + "</extLst>")
    else:
        xml = xml.replace("</worksheet>", "<extLst>" + ext + "</extLst></worksheet>")
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def set_cached_results(path: Path, sheet_no: int, results: dict[str, str]) -> None:
    """Give formula cells the text result Excel stores with them (openpyxl writes formulas without one)."""
    name = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts[name].decode("utf-8")
    for ref, value in results.items():
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v\s*/?>(?:</v>)?</c>',
                         rf'<c r="{ref}"\1 t="str">\2<v>{escape(value)}</v></c>', xml, count=1)
        assert n == 1, ref
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


MAIN_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def prefix_main_namespace(xml: str) -> str:
    """The same part with every element of the main namespace written as "x:…" (as .NET's Open XML SDK
    writes workbooks): valid, only spelled differently."""
    if MAIN_NS not in xml:
        return xml
    xml = xml.replace(MAIN_NS, MAIN_NS.replace("xmlns=", "xmlns:x="), 1)
    return re.sub(r"<(/?)(?![?!])(?!\w+:)([A-Za-z]\w*)", r"<\1x:\2", xml)


def with_prefixed_namespace(src: Path, dst: Path) -> Path:
    """A copy of a master whose workbook, sheets, styles and shared strings use the prefix "x:"."""
    with zipfile.ZipFile(src) as zf, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name in zf.namelist():
            data = zf.read(name)
            if name.startswith("xl/") and name.endswith(".xml") and "/_rels/" not in name:
                data = prefix_main_namespace(data.decode("utf-8")).encode("utf-8")
            out.writestr(name, data)
    return dst


STRICT_NAMESPACES = (
    ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     "http://purl.oclc.org/ooxml/officeDocument/relationships"),
    ("http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main"),
)


def as_strict_open_xml(src: Path, dst: Path) -> Path:
    """A copy of a master in the Strict namespaces (parts, relationship types and theme), as Excel writes
    it when the clerk picks "Strict Open XML-Arbeitsmappe" in the save dialog. The x14 extensions keep
    their namespaces, as in Excel's Strict files."""
    with zipfile.ZipFile(src) as zf, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for old, new in STRICT_NAMESPACES:
                    text = text.replace(old, new)
                if info.filename == "xl/workbook.xml":
                    text = re.sub(r"<((?:\w+:)?workbook)\b", r'<\1 conformance="strict"', text, count=1)
                data = text.encode("utf-8")
            out.writestr(info, data)
    return dst


_X14 = 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'
_XM = 'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"'


def add_x14_icon_set(path: Path, sheet_no: int, sqref: str, icon_set: str, cfvos: list[tuple[str, str]]) -> None:
    """Add an Excel 2010 icon set (3Stars, 3Triangles, 5Boxes: only in the x14 extension) to a saved sheet."""
    cfvo = "".join(f'<x14:cfvo type="{t}"><xm:f>{v}</xm:f></x14:cfvo>' for t, v in cfvos)
    add_extension(path, sheet_no, (
        f'<ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" {_X14}>'
        f'<x14:conditionalFormattings><x14:conditionalFormatting {_XM}>'
        '<x14:cfRule type="iconSet" priority="1" id="{1D2C3B4A-0000-4000-8000-000000000001}">'
        f'<x14:iconSet iconSet="{icon_set}">{cfvo}</x14:iconSet></x14:cfRule>'
        f'<xm:sqref>{sqref}</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext>'))


def add_x14_list_validation(path: Path, sheet_no: int, sqref: str, source: str) -> None:
    """A drop-down list whose entries live on another sheet, the way Excel 2010+ stores it (x14 extension)."""
    add_extension(path, sheet_no, (
        f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" {_X14}>'
        f'<x14:dataValidations count="1" {_XM}><x14:dataValidation type="list" allowBlank="1" '
        'showInputMessage="1" showErrorMessage="1">'
        f'<x14:formula1><xm:f>{source}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref>'
        '</x14:dataValidation></x14:dataValidations></ext>'))


# ---------------------------------------------------------------------------------------------
# Re-saved by another spreadsheet program

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SSCONVERT = shutil.which("ssconvert")

#: Channels a program does not keep when it re-saves a master as .xlsx (checked on LibreOffice 7/24 and
#: Gnumeric 1.12 by reading their output back). LibreOffice turns gradients and patterns into a plain
#: fill of a blended colour (white→green becomes 7FD7A7, a 12.5 % red dot pattern FFE0E0); it keeps
#: conditional formatting, icon sets (also the x14 ones), drop-downs, tables, row styles and fonts.
#: Gnumeric drops icon sets, drop-down lists and Excel tables, keeps only a gradient's last stop,
#: rewrites text rules as expression rules (NOT(ISERROR(SEARCH(…))), without their text attribute), and
#: makes a "very hidden" sheet visible (a hidden one stays hidden), and resolves theme colours with a tint
#: to other colours than Excel and LibreOffice (accent 3 9BBB59 lightened 40 % becomes DED69A, a pale khaki,
#: not C3D69B; darkened 50 % 6A6228, an olive, not 4F6228);
#: a painted row becomes painted cells (the status cell gets the row's fill: the status survives).
LOST_IN: dict[str, frozenset[str]] = {
    "libreoffice": frozenset({"gradient", "pattern"}),
    "gnumeric": frozenset({"gradient", "icon", "dv", "table", "cf-text", "very-hidden", "theme-tint"}),
}


def resave_libreoffice(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Open and save every master once in LibreOffice Calc (one headless run); original → re-saved path."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, paths)],
        check=True, capture_output=True, timeout=600,
    )
    return {p: outdir / p.name for p in paths}


def resave_gnumeric(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Open and save every master once in Gnumeric (ssconvert); original → re-saved path."""
    outdir.mkdir(parents=True, exist_ok=True)
    out = {}
    for p in paths:
        target = outdir / p.name
        subprocess.run([SSCONVERT, "--export-type=Gnumeric_Excel:xlsx2", str(p), str(target)],
                       check=True, capture_output=True, timeout=120)
        out[p] = target
    return out


RESAVERS: dict[str, tuple[str | None, Callable[[list[Path], Path], dict[Path, Path]]]] = {
    "libreoffice": (SOFFICE, resave_libreoffice),
    "gnumeric": (SSCONVERT, resave_gnumeric),
}


# ---------------------------------------------------------------------------------------------

BUILDERS: dict[str, tuple[Callable[[Path, str], Case], tuple[str, ...]]] = {
    "merged_rows": (merged_rows, ("zwei-zeilen", "drei-zeilen", "nur-nr-text")),
    "wrapped_headers": (wrapped_headers, ("umbruch", "zweizeilig", "synonyme", "leerspalte")),
    "unterziel_markers": (unterziel_markers, ("uz-strich", "ziel", "roemisch", "nr-allein", "quer-verbunden")),
    "flat_merged_unterziel": (flat_merged_unterziel, ("nummer", "text")),
    "numbers_in_text": (numbers_in_text, ("m-praefix", "nur-zahl")),
    "below_the_table": (below_the_table, ("legende-summe", "anzahl-notiz", "legende-daneben")),
    "konzept_sheet": (konzept_sheet, ("soll-anzahl", "soll-gesamt", "namen-abweichend", "unlesbar-wert",
                                      "unlesbar-kopf")),
    "field_copy": (field_copy, ("sichtbar", "ausgeblendet", "sehr-versteckt")),
    "status_words": (status_words, ("umsetzung", "vertragsliste", "zusatz", "schreibweisen", "formel",
                                      "formatiert", "unbekannt", "farbe-widerspricht")),
    "taught_words": (taught_words, ("legende-name", "legende-farbfeld", "dropdown", "dropdown-liste", "dropdown-name",
                                    "dropdown-x14", "nicht-gelehrt")),
    "row_painted": (row_painted, ("zeilenformat", "zellen", "lila", "widerspruch")),
    "gradient_pattern": (gradient_pattern, ("verlauf", "muster", "lila", "designfarben", "palette")),
    "cf_rules": (cf_rules, ("zellwert", "zellwert-lila", "vorlagen", "ganze-spalte", "geteilt", "text", "ausdruck",
                            "ausdruck-zahl", "konflikt", "ausdruck-unlesbar")),
    "icon_sets": (icon_sets, ("ampel-zahlen", "ampel-umgekehrt", "ampel-prozent", "ampel-perzentil", "symbole",
                              "sterne", "pfeile-grau", "andere-spalte")),
    "symbol_font": (symbol_font, ("punkt", "andere-symbole", "braun", "wort-farbig")),
    "status_missing": (status_missing, ("blau", "spalte")),
    "blue_marking": (blue_marking, ("thema-blau", "zeile-blau")),
    "sachstand": (sachstand, ("eine-zelle", "label-daneben", "label-leer", "verbunden")),
    "seed_typo": (seed_typo, ("querschnittstehma", "grossbuchstaben")),
    "list_object": (list_object, ("mittel-blau", "hell-filter")),
    "sheet_features": (sheet_features, ("ausgeblendet-fixiert", "gruppiert")),
}

#: every (builder, variant) as "builder-variant"
CASE_IDS: list[str] = [f"{name}-{v}" for name, (_, variants) in BUILDERS.items() for v in variants]


def build_case(case_id: str, directory: Path) -> Case:
    """Build one master ("builder-variant") into ``directory``."""
    for name, (fn, variants) in BUILDERS.items():
        for v in variants:
            if case_id == f"{name}-{v}":
                return fn(directory / f"{case_id}.xlsx", v)
    raise KeyError(case_id)
