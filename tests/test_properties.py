"""Property-based tests: random masters, built with openpyxl, never break the reader.

Hypothesis builds masters with random layouts (hierarchical and flat), random header order and
synonyms, extra columns, merges, fills of every kind (RGB, theme with tint, indexed, patterns,
gradients), texts with emoji, right-to-left scripts, control characters openpyxl accepts,
empty and huge (32,767-character) cells, hidden rows, comments, frozen panes and filters.
For every one:

* ``read()`` and ``validate()`` never raise, and the CSV/JSON export and the text report work;
* every measure row that was planted is either read (it is in ``konzept.massnahmen``) or named
  by a finding at its row: nothing is lost silently;
* no exported CSV cell could start a formula.

The run is deterministic and bounded for CI: the profile ``ampel-ci`` (60 examples per test,
no deadline, derandomized, no example database). ``AMPEL_HYPOTHESIS_PROFILE=ampel-deep`` runs
a longer random search locally.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings, strategies as st
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Color, GradientFill, PatternFill

from ampel_xl import export, read, validate
from ampel_xl.validation import render_text

settings.register_profile(
    "ampel-ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("ampel-deep", settings.get_profile("ampel-ci"), max_examples=1000, derandomize=False)
PROFILE = settings.get_profile(os.environ.get("AMPEL_HYPOTHESIS_PROFILE", "ampel-ci"))

EXCEL_MAX_CELL = 32_767

# --------------------------------------------------------------------------------------------
# texts

_ILLEGAL = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)])  # openpyxl refuses these
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=_ILLEGAL + "\ufffe\uffff")
_ODD = [
    "🟢", "🟡🔴", "👩🏽‍🏫 Lehrkräfte", "عربى", "עִבְרִית", "\u202eRTL-Override", "Zero\u200bWidth", "ﬃ", "Ⅻ",
    "\u00a0geschützt\u00a0", "Tab\tim Text", "Zeile 1\r\nZeile 2", "ẞ GROSS", "İstanbul", "Ǆ", "e\u0301",
    "=SUMME(A1:A3)", "+49 7531", "-", "@Kreis", "'", '"zitiert"', "<b>fett</b>", "&amp;", "]]>",
    "Grün", "GELB", "rot", "G", "x", "ja", "Oberziel", "Handlungsfeld", "Maßnahme",
]
plain_text = st.text(_CHARS, max_size=30)
texts = st.one_of(
    plain_text,
    st.sampled_from(_ODD),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(_ODD), plain_text),
)
huge_text = st.builds(lambda ch: (ch * EXCEL_MAX_CELL)[:EXCEL_MAX_CELL], st.sampled_from(["a", "Ä", "🟢", "ab\n"]))


def _not_an_unterziel(text: str) -> bool:
    """A measure text must not read as an Unterziel heading ("Unterziel 3: …", "UZ 2")."""
    return not re.match(r"^\s*(?:Unterziel|UZ)\s*\d", text, re.I)


measure_texts = st.one_of(texts.filter(_not_an_unterziel), huge_text)

# --------------------------------------------------------------------------------------------
# fills

_STANDARD = ["00B050", "92D050", "FFFF00", "FFC000", "FF0000", "C00000", "C6EFCE", "FFEB9C", "FFC7CE",
             "BDD7EE", "9BC2E6", "DDEBF7", "FFFFFF", "D9D9D9", "7030A0", "996633", "000000"]
_hex = st.sampled_from(_STANDARD) | st.integers(0, 0xFFFFFF).map(lambda v: f"{v:06X}")
colors = st.one_of(
    _hex.map(lambda h: Color(rgb="FF" + h)),
    st.builds(lambda t, tint: Color(theme=t, tint=tint), st.integers(0, 11),
              st.sampled_from([0.0, 0.3999, 0.5999, 0.7999, -0.2499, -0.4999, 1.0, -1.0])),
    st.integers(0, 65).map(lambda i: Color(indexed=i)),
)
fills = st.one_of(
    st.none(),
    colors.map(lambda c: PatternFill("solid", fgColor=c, bgColor=c)),
    st.builds(lambda p, c1, c2: PatternFill(p, fgColor=c1, bgColor=c2),
              st.sampled_from(["gray125", "darkGrid", "lightUp", "mediumGray"]), colors, colors),
    st.builds(lambda c1, c2: GradientFill(stop=(c1, c2)), colors, colors),
)
status_texts = st.one_of(
    st.none(),
    st.sampled_from(["Grün", "grün", " GRÜN ", "gruen", "Gelb", "gelb", "Rot", "ROT", "green", "yellow", "red",
                     "🟢", "🟡", "🔴", "G", "Y", "R", "g", "in Arbeit", "erledigt", "lila", "?", "Grün/Gelb"]),
    texts,
)

# --------------------------------------------------------------------------------------------
# masters

HEADER = {
    "nr": ["Nr", "Nr.", "Nummer", "lfd. Nr", "#"],
    "text": ["Maßnahme", "Unterziel / Maßnahme", "Beschreibung", "Massnahme", "Maßnahmen"],
    "status": ["Ampel", "Status", "Bewertung", "Ampelstatus", "Ampel / Status"],
    "unterziel": ["Unterziel", "UZ", "Unterziele", "Unterziel-Nr"],
    "auswertung": ["In Auswertung", "Auswertung", "Ausgewertet"],
    "bemerkung": ["Bemerkung", "Anmerkung", "Kommentar"],
    "verantwortlich": ["Verantwortlich", "Zuständig", "Federführung"],
    "zeitraum": ["Zeitraum", "Frist", "Umsetzung bis"],
    "extra": ["Kosten (€)", "Partner", "Notiz 🟡", "Quelle"],
}
FELD_NAMES = ["Sprache", "Arbeit", "Bildung", "Wohnen", "Gesundheit", "Kultur & Freizeit", "Antidiskriminierung",
              "Ehrenamtliches Engagement", "Interkulturelle Öffnung der Verwaltung"]
TITLE_WORDS = {"Handlungsfeld": ["Handlungsfeld", "HANDLUNGSFELD", "Handlungsfeld:", "Handlungsfled"],
               "Querschnittsthema": ["Querschnittsthema", "Querschnittstehma", "QUERSCHNITTSTHEMA"]}
AUSWERTUNG_VALUES = [None, "x", "X", "ja", "nein", "1", "0", "✓", "vielleicht", 1, 0, True, False]


@dataclass
class Measure:
    nr: Any
    text: str
    status: str | None
    fill: Any
    blue: str | None
    hidden: bool
    blank_before: bool
    auswertung: Any
    bemerkung: str | None


@dataclass
class UZ:
    nr: int
    text: str
    form: str  # hierarchical: "text" ("Unterziel n: …" in the text cell) or "nr" ("U n" in Nr)
    merge_row: bool
    flat_value: str  # flat layout: "text", "number", "int"
    flat_fill: str  # flat layout: "every", "merged", "first"
    measures: list[Measure]


@dataclass
class FieldSpec:
    sheet: str
    title: str
    oberziel: str | None
    sachstand: str | None
    layout: str
    roles: list[str]
    labels: dict[str, str]
    header_row: int
    numbering: str
    unterziele: list[UZ]
    merge_title: bool
    freeze: bool
    autofilter: bool
    comment: bool
    planted: list[tuple[str, int]] = field(default_factory=list)


@st.composite
def measures(draw, numbering: str, uz: int, k: int, n: int) -> Measure:
    if numbering == "field":
        nr: Any = draw(st.sampled_from([n, str(n), f"M {n}", float(n)]))
    elif numbering == "dotted":
        nr = f"{uz}.{k}"
    else:
        nr = draw(st.one_of(st.none(), st.just(n)))
    text = draw(measure_texts)
    if nr is None:
        assume(text.strip())  # a row with neither number nor text is a blank row, not a measure
    return Measure(
        nr=nr,
        text=text,
        status=draw(status_texts),
        fill=draw(fills),
        blue=draw(st.sampled_from([None, None, "nr", "text", "row"])),
        hidden=draw(st.booleans()) and draw(st.booleans()),
        blank_before=draw(st.booleans()) and draw(st.booleans()),
        auswertung=draw(st.sampled_from(AUSWERTUNG_VALUES)),
        bemerkung=draw(st.one_of(st.none(), texts)),
    )


@st.composite
def field_specs(draw, index: int) -> FieldSpec:
    art = draw(st.sampled_from(list(TITLE_WORDS)))
    name = draw(st.sampled_from(FELD_NAMES))
    title = f"{draw(st.sampled_from(TITLE_WORDS[art]))} {name}{draw(st.sampled_from(['', ' ', ' 🟢', ' (Entwurf)']))}"
    layout = draw(st.sampled_from(["hierarchisch", "flach"]))
    roles = ["text"]
    has_nr = draw(st.booleans())
    has_status = draw(st.booleans()) or not has_nr
    if has_nr:
        roles.append("nr")
    if has_status:
        roles.append("status")
    if layout == "flach":
        roles.append("unterziel")
    roles += [r for r in ("auswertung", "bemerkung", "verantwortlich", "zeitraum", "extra") if draw(st.booleans())]
    roles = draw(st.permutations(roles))
    labels = {r: draw(st.sampled_from(HEADER[r])) for r in roles}
    numbering = draw(st.sampled_from(["field", "dotted", "none"])) if has_nr else "none"
    unterziele = []
    n = 0
    n_uz = draw(st.integers(1, 4))
    for u in range(1, n_uz + 1):
        ms = []
        for k in range(1, draw(st.integers(0, 4)) + 1):
            n += 1
            ms.append(draw(measures(numbering, u, k, n)))
        form = draw(st.sampled_from(["text", "nr"])) if has_nr else "text"
        if numbering == "dotted" and form == "nr":
            form = "text"  # "U 3" in Nr would also do; an Unterziel numbered "3" alone is tested in test_reader
        unterziele.append(UZ(
            nr=u,
            text=draw(texts.filter(_not_an_unterziel)),
            form=form,
            merge_row=draw(st.booleans()),
            flat_value=draw(st.sampled_from(["text", "number", "int"])),
            flat_fill=draw(st.sampled_from(["every", "merged", "first"])),
            measures=ms,
        ))
    return FieldSpec(
        sheet=f"F{index} {name}"[:31].replace("&", "und"),
        title=title,
        oberziel=draw(st.one_of(st.none(), texts, huge_text)),
        sachstand=draw(st.one_of(st.none(), texts)),
        layout=layout,
        roles=list(roles),
        labels=labels,
        header_row=draw(st.integers(4, 9)),
        numbering=numbering,
        unterziele=unterziele,
        merge_title=draw(st.booleans()),
        freeze=draw(st.booleans()),
        autofilter=draw(st.booleans()),
        comment=draw(st.booleans()),
    )


@st.composite
def master_specs(draw) -> dict[str, Any]:
    n = draw(st.integers(1, 3))
    return {
        "fields": [draw(field_specs(i)) for i in range(n)],
        "konzept": draw(st.booleans()),
        "legende": draw(st.booleans()),
        "declared": draw(st.lists(st.integers(0, 40), min_size=n * 2, max_size=n * 2)),
    }


BLUE_FILL = PatternFill("solid", fgColor="FFBDD7EE", bgColor="FFBDD7EE")


def write_master(spec: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the master; record (sheet, row) of every planted measure in the field specs."""
    wb = Workbook()
    wb.remove(wb.active)
    if spec["konzept"]:
        ws = wb.create_sheet("Konzept")
        ws.append(["Titel", "Integrationskonzept 🟢 Test"])
        ws.append(["Stand", dt.date(2025, 2, 1)])
        ws.append([])
        ws.append(["Feld", "Art", "Unterziele", "Maßnahmen"])
        for i, f in enumerate(spec["fields"]):
            ws.append([f.title.split(" ", 1)[-1], "Handlungsfeld",
                       spec["declared"][2 * i], spec["declared"][2 * i + 1]])
    for f in spec["fields"]:
        _write_field(wb, f)
    if spec["legende"]:
        ws = wb.create_sheet("Legende")
        ws["A1"] = "Legende"
        ws["A2"] = "Grün"
        ws["A2"].fill = PatternFill("solid", fgColor="FF00B050")
    wb.save(path)
    return spec


def _write_field(wb: Workbook, f: FieldSpec) -> None:
    ws = wb.create_sheet(f.sheet)
    col = {role: i + 1 for i, role in enumerate(f.roles)}
    last_col = len(f.roles)
    ws["A1"] = f.title
    if f.merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(2, last_col))
    if f.oberziel is not None:
        ws["A2"] = "Oberziel"
        ws["B2"] = f.oberziel
    if f.sachstand is not None:
        ws["A3"] = "Sachstand:"
        ws["B3"] = f.sachstand
    for role, c in col.items():
        ws.cell(f.header_row, c, f.labels[role])
    r = f.header_row
    f.planted = []
    for uz in f.unterziele:
        # the Unterziel row (hierarchical) or its cells in the Unterziel column (flat)
        if f.layout == "hierarchisch":
            r += 1
            if uz.form == "text":
                ws.cell(r, col["text"], f"Unterziel {uz.nr}: {uz.text}")
                if uz.merge_row and col["text"] < last_col and all(
                        c <= col["text"] or ws.cell(r, c).value is None for c in range(1, last_col + 1)):
                    ws.merge_cells(start_row=r, start_column=col["text"], end_row=r, end_column=last_col)
            else:
                ws.cell(r, col["nr"], f"U{uz.nr}")
                ws.cell(r, col["text"], uz.text or f"Unterziel {uz.nr}")
        first_row = None
        for m in uz.measures:
            if m.blank_before:
                r += 1
            r += 1
            if first_row is None:
                first_row = r
            has_content = _write_measure(ws, f, col, r, m)
            if f.layout == "flach":
                value = {"text": f"Unterziel {uz.nr}: {uz.text}", "number": str(uz.nr), "int": uz.nr}[uz.flat_value]
                if uz.flat_fill == "every" or r == first_row:
                    ws.cell(r, col["unterziel"], value)
                    has_content = True
            if has_content:  # a row without any value in the table's columns is a blank row, not a measure
                f.planted.append((f.sheet, r))
        if f.layout == "flach" and uz.flat_fill == "merged" and first_row is not None and r > first_row:
            ws.merge_cells(start_row=first_row, start_column=col["unterziel"], end_row=r, end_column=col["unterziel"])
    if f.freeze:
        ws.freeze_panes = ws.cell(f.header_row + 1, 1)
    if f.autofilter:
        ws.auto_filter.ref = (f"A{f.header_row}:"
                              f"{ws.cell(f.header_row, last_col).column_letter}{max(r, f.header_row + 1)}")
    if f.comment:
        ws.cell(f.header_row, 1).comment = Comment("Bitte nicht löschen 🟢", "Sachbearbeitung")


def _write_measure(ws, f: FieldSpec, col: dict[str, int], r: int, m: Measure) -> bool:
    """Write one measure row; True when it holds a value (not only fills)."""
    if "nr" in col and m.nr is not None:
        ws.cell(r, col["nr"], m.nr)
    ws.cell(r, col["text"], m.text)
    if "status" in col:
        cell = ws.cell(r, col["status"])
        if m.status is not None:
            cell.value = m.status
        if m.fill is not None:
            cell.fill = m.fill
    for role in ("auswertung", "bemerkung", "verantwortlich", "zeitraum", "extra"):
        if role in col:
            value = m.auswertung if role == "auswertung" else m.bemerkung
            if value is not None:
                ws.cell(r, col[role], value)
    # text that openpyxl would take for a formula ("=…") is written as text, as Excel stores it
    for c in range(1, len(f.roles) + 1):
        cell = ws.cell(r, c)
        if cell.data_type == "f":
            cell.data_type = "s"
    if m.blue == "row":
        for c in range(1, len(f.roles) + 1):
            if c != col.get("status"):
                ws.cell(r, c).fill = BLUE_FILL
    elif m.blue == "nr" and "nr" in col:
        ws.cell(r, col["nr"]).fill = BLUE_FILL
    elif m.blue == "text":
        ws.cell(r, col["text"]).fill = BLUE_FILL
    if m.hidden:
        ws.row_dimensions[r].hidden = True
    return any(
        ws.cell(r, c).value is not None
        and not (isinstance(ws.cell(r, c).value, str) and not ws.cell(r, c).value.strip())
        for c in range(1, len(f.roles) + 1)
    )


# --------------------------------------------------------------------------------------------
# the properties


def _check_everything(path: Path, planted: list[tuple[str, int]]) -> None:
    konzept = read(path)
    report = validate(konzept)
    read_rows = {(m.sheet, m.row) for m in konzept.massnahmen}
    reported = {(f.sheet, f.row) for f in report.findings}
    # a second sheet for a field already read is reported as a whole (field-duplicate, an error)
    copies = {f.sheet for f in report.findings if f.code == "field-duplicate"}
    lost = [p for p in planted if p not in read_rows and p not in reported and p[0] not in copies]
    assert not lost, f"measures neither read nor reported: {lost}"
    render_text(report)
    json.loads(export.to_json(konzept))
    for row in csv.reader(io.StringIO(export.to_csv(konzept), newline=""), delimiter=";"):
        for value in row:
            assert not value or value[0] not in "=+-@\t\r", value


@settings(PROFILE)
@given(master_specs())
def test_random_masters_are_read_and_every_measure_is_accounted_for(spec):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Ampel-Master.xlsx"
        write_master(spec, path)
        planted = [p for f in spec["fields"] for p in f.planted]
        _check_everything(path, planted)


cell_values = st.one_of(
    st.none(),
    texts,
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["Handlungsfeld X", "Oberziel", "Nr", "Maßnahme", "Ampel", "Unterziel 1: a", "U1", "1.1",
                     "Unterziel", "Grün", "Querschnittsthema", "Highlights", "Sachstand"]),
)


@settings(PROFILE)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), cell_values, st.one_of(st.none(), fills)), max_size=80),
    st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), st.integers(0, 3), st.integers(0, 3)), max_size=6),
)
def test_random_grids_never_break_reader_or_validator(cells, merges):
    """Arbitrary cells, fills and merges on a sheet titled as a field: read and validate never raise."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chaos"
    ws["A1"] = "Handlungsfeld Chaos"
    for r, c, value, fill in cells:
        if (r, c) == (1, 1):
            continue
        cell = ws.cell(r + 1, c, value)
        if isinstance(value, str) and cell.data_type == "f":
            cell.data_type = "s"
        if fill is not None:
            cell.fill = fill
    taken: set[tuple[int, int]] = set()
    for r, c, dr, dc in merges:
        area = {(rr, cc) for rr in range(r + 1, r + 2 + dr) for cc in range(c, c + 1 + dc)}
        if (dr or dc) and not area & taken:
            ws.merge_cells(start_row=r + 1, start_column=c, end_row=r + 1 + dr, end_column=c + dc)
            taken |= area
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Chaos.xlsx"
        wb.save(path)
        _check_everything(path, [])


def test_profile_is_bounded_and_deterministic():
    """CI runs a fixed, derandomized example budget."""
    ci = settings.get_profile("ampel-ci")
    assert ci.max_examples == 60 and ci.derandomize and ci.deadline is None and ci.database is None
