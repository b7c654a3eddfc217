"""What a word means is decided once for the workbook, never by the order of its sheet tabs.

The reader learns the workbook's lessons (theme, palette, Legende, drop-down lists with their rule
colours, status letters) in a first pass and lays out every field with them in a second. These tests
reverse the sheet tabs of every clerk master and of the example master (only ``xl/workbook.xml``'s
``<sheets>`` changes) and read the same Konzept: the same fields with the same measures, statuses,
marking and findings. And they build masters whose lessons stand on another sheet than the words
they explain (a drop-down list on one field sheet, its words typed on another; "G" on one sheet,
"Y" on another; two lists that teach one word differently).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

import ampel_xl
import clerk_displayed
import clerk_drawings
import clerk_incell
import clerk_konzept
from builders import GREEN, RED, YELLOW
from clerk_masters import CASE_IDS, build_case

EXAMPLE = Path(__file__).resolve().parent.parent / "workbooks" / "Beispiel_Ampel-Master.xlsx"

_SHEETS_RE = re.compile(rb"(<(?:\w+:)?sheets\b[^>]*>)(.*?)(</(?:\w+:)?sheets>)", re.S)
_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?(?:/>|>.*?</(?:\w+:)?sheet>)", re.S)
_LOCAL_RE = re.compile(rb'localSheetId="(\d+)"')


def reverse_tabs(src: Path, dst: Path) -> list[str]:
    """A copy of ``src`` whose sheet tabs stand in reverse order; every other part is copied as stored.

    Only ``xl/workbook.xml`` changes: its ``<sheets>`` are reversed, and the sheet-local defined
    names (print titles, filter ranges), which name their sheet by position, follow their sheet.
    Returns the sheet names in the new order."""
    with zipfile.ZipFile(src) as zin:
        wb_xml = zin.read("xl/workbook.xml")
        m = _SHEETS_RE.search(wb_xml)
        assert m is not None, "no <sheets> in xl/workbook.xml"
        entries = _SHEET_RE.findall(m.group(2))
        n = len(entries)
        assert n >= 1
        body = b"".join(reversed(entries))
        wb_xml = wb_xml[:m.start()] + m.group(1) + body + m.group(3) + wb_xml[m.end():]
        wb_xml = _LOCAL_RE.sub(lambda x: b'localSheetId="%d"' % (n - 1 - int(x.group(1))), wb_xml)
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = wb_xml if info.filename == "xl/workbook.xml" else zin.read(info.filename)
                zout.writestr(info, data)
    return [re.search(rb'name="([^"]*)"', e).group(1).decode() for e in reversed(entries)]


def _status(m) -> str | None:
    return m.status.value if m.status is not None else None


def reading(path: Path) -> dict:
    """What a colleague compares between two reads: every field by name (its sheet, Unterziele and
    measures with status, marking and evaluation flag), the declared structure, and the findings."""
    konzept = ampel_xl.read(path)
    report = ampel_xl.validate(konzept)
    fields = {}
    for f in konzept.felder:
        fields[f.name] = {
            "art": f.art,
            "sheet": f.sheet,
            "oberziel": f.oberziel,
            "unterziele": [(u.nr, u.text) for u in f.unterziele],
            "measures": [(m.nr, m.text, m.unterziel_nr, _status(m), m.evidence.text_status, m.marked,
                          m.in_auswertung, m.status_cell) for m in f.massnahmen],
        }
    return {
        "fields": fields,
        "any_marked": konzept.any_marked,
        "declared": konzept.declared,
        "sheets": sorted((s.name, s.kind, s.hidden) for s in konzept.sheets),
        "findings": Counter((f.code, f.severity, f.sheet, f.cell, f.message) for f in report.findings),
    }


#: Every family of fixture masters besides the clerk masters (the layout masters reverse their own
#: tabs in tests/test_reader_layout.py): displayed cells, drawings, pictures in cells, Konzept sheets.
OTHER_IDS = [*(f"displayed/{cid}" for cid in clerk_displayed.CASE_IDS), "drawings/ellipses", "drawings/pictures",
             "incell/master", "incell/split",
             *(f"konzept/{name}" for name in clerk_konzept.BUILDERS)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clerk_masters_tabs")
    out = {cid: build_case(cid, d).path for cid in CASE_IDS}
    out["beispiel"] = EXAMPLE
    for sub in ("displayed", "ellipses", "pictures", "incell", "incell-split"):
        (d / sub).mkdir()
    for cid in clerk_displayed.CASE_IDS:
        out[f"displayed/{cid}"] = clerk_displayed.build_case(cid, d / "displayed").path
    out["drawings/ellipses"] = clerk_drawings.ellipses(d / "ellipses").path
    out["drawings/pictures"] = clerk_drawings.pictures(d / "pictures").path
    out["incell/master"] = clerk_incell.incell_master(d / "incell").path
    out["incell/split"] = clerk_incell.incell_master(d / "incell-split", split=True).path
    for name, builder in clerk_konzept.BUILDERS.items():
        out[f"konzept/{name}"] = builder(d / f"konzept-{name}.xlsx").case.path
    return out


@pytest.mark.parametrize("case_id", [*CASE_IDS, "beispiel", *OTHER_IDS])
def test_reversed_tabs_read_the_same(built, case_id, tmp_path):
    src = built[case_id]
    with zipfile.ZipFile(src) as z:
        names_before = re.findall(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"', z.read("xl/workbook.xml"))
    dst = tmp_path / f"{case_id.replace('/', '-')}-umgekehrt.xlsx"
    order = reverse_tabs(src, dst)
    assert order == [n.decode() for n in reversed(names_before)]
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        changed = [n for n in a.namelist() if n != "xl/workbook.xml" and a.read(n) != b.read(n)]
        assert not changed and a.namelist() == b.namelist()
    before, after = reading(src), reading(dst)
    assert after["fields"] == before["fields"]
    assert after == before


# ---------------------------------------------------------------------------------------------
# Lessons on one sheet, words on another


def _field(wb: Workbook, name: str, statuses: list[str], *, dropdown: tuple[str, ...] = (),
           colours: tuple[str, ...] = ()) -> None:
    """A field sheet as a clerk lays it out: title, Oberziel, header, one Unterziel, the measures with
    the given status texts; optionally a drop-down list on the Ampel column whose entries conditional
    formatting paints in ``colours``."""
    ws = wb.create_sheet(name)
    ws["A1"] = f"Handlungsfeld {name}"
    ws["A2"], ws["B2"] = "Oberziel", f"Das Oberziel für {name}."
    for c, label in enumerate(("Nr.", "Maßnahme", "Ampel"), start=1):
        ws.cell(4, c, label)
    ws["B5"] = "Unterziel 1: Ein Ziel"
    for i, word in enumerate(statuses, start=1):
        ws.cell(5 + i, 1, i)
        ws.cell(5 + i, 2, f"Maßnahme {i} in {name}")
        ws.cell(5 + i, 3, word)
    if dropdown:
        dv = DataValidation(type="list", formula1='"' + ",".join(dropdown) + '"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add("C6:C200")
        for word, colour in zip(dropdown, colours, strict=True):
            ws.conditional_formatting.add("C6:C200", CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                                fill=PatternFill(bgColor="FF" + colour)))


def _statuses(path: Path) -> dict[str, list[str | None]]:
    return {f.sheet: [_status(m) for m in f.massnahmen] for f in ampel_xl.read(path).felder}


def test_a_drop_down_on_a_later_sheet_teaches_the_words_of_an_earlier_one(tmp_path):
    """The clerk gave only the sheet Arbeit the drop-down "erreicht, teilweise, ruht" (painted green,
    amber, red by its rules) and typed the same words by hand on the sheet Sprache, the first tab.
    A colleague reads them alike on both sheets, whichever tab comes first."""
    wb = Workbook()
    wb.remove(wb.active)
    _field(wb, "Sprache", ["ruht", "erreicht", "teilweise"])
    _field(wb, "Arbeit", ["teilweise", "ruht"], dropdown=("erreicht", "teilweise", "ruht"),
           colours=(GREEN, YELLOW, RED))
    path = tmp_path / "dropdown-spaeter.xlsx"
    wb.save(path)
    want = {"Sprache": ["rot", "gruen", "gelb"], "Arbeit": ["gelb", "rot"]}
    assert _statuses(path) == want
    reverse_tabs(path, tmp_path / "umgekehrt.xlsx")
    assert _statuses(tmp_path / "umgekehrt.xlsx") == want
    report = ampel_xl.validate(path)
    assert not [f for f in report.findings if f.code == "status-text-unknown"]


def test_letters_on_two_sheets_are_read_as_one_scheme(tmp_path):
    """"G" on the first sheet, "Y" only on the second: the workbook writes G/Y/R, so "G" is Grün on
    both sheets (on a sheet read alone it could be Grün or Gelb)."""
    wb = Workbook()
    wb.remove(wb.active)
    _field(wb, "Sprache", ["G", "R", "G"])
    _field(wb, "Arbeit", ["Y", "G"])
    path = tmp_path / "buchstaben.xlsx"
    wb.save(path)
    want = {"Sprache": ["gruen", "rot", "gruen"], "Arbeit": ["gelb", "gruen"]}
    assert _statuses(path) == want
    reverse_tabs(path, tmp_path / "umgekehrt.xlsx")
    assert _statuses(tmp_path / "umgekehrt.xlsx") == want


def test_two_lists_that_teach_one_word_differently_are_a_conflict_in_either_order(tmp_path):
    """Two sheets' drop-downs paint "teilweise" amber on one and red on the other: no tab order decides
    what the word means; the contradiction is named and the word stays unread on both sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    _field(wb, "Sprache", ["teilweise", "fertig"], dropdown=("fertig", "teilweise"), colours=(GREEN, YELLOW))
    _field(wb, "Arbeit", ["teilweise", "fertig"], dropdown=("fertig", "teilweise"), colours=(GREEN, RED))
    path = tmp_path / "widerspruch.xlsx"
    wb.save(path)
    reverse_tabs(path, tmp_path / "umgekehrt.xlsx")
    for p in (path, tmp_path / "umgekehrt.xlsx"):
        konzept = ampel_xl.read(p)
        texts = {f.sheet: [m.evidence.text_status for m in f.massnahmen] for f in konzept.felder}
        assert texts["Sprache"][0] is None and texts["Arbeit"][0] is None
        assert all(t[1] is not None and t[1].value == "gruen" for t in texts.values())
        conflicts = [f for f in ampel_xl.validate(konzept).findings if f.code == "word-conflict"]
        assert conflicts and "teilweise" in conflicts[0].message


@pytest.mark.parametrize("case_id", ["taught_words-legende-name", "taught_words-dropdown-liste",
                                     "taught_words-dropdown-x14", "konzept_sheet-soll-gesamt"])
def test_every_sheet_is_parsed_once(built, case_id, monkeypatch):
    """The lessons and the fields come from one parse of each sheet: the Legende, a drop-down list's
    source sheet and the Konzept sheet are not read again (a large master would pay twice)."""
    from ampel_xl.reader import parts

    seen: Counter[str] = Counter()
    original = parts.read_sheet

    def counting(wb, part):  # type: ignore[no-untyped-def]
        seen[part] += 1
        return original(wb, part)

    monkeypatch.setattr(parts, "read_sheet", counting)
    konzept = ampel_xl.read(built[case_id])
    assert konzept.felder
    with zipfile.ZipFile(built[case_id]) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sorted(seen) == sorted(sheets)
    assert set(seen.values()) == {1}


def test_two_legends_that_disagree_teach_neither_word_in_either_order(tmp_path):
    """An old Legende left beside the new one gives "ruht" another colour: whichever tab comes first, the
    word is not taught and the contradiction is named; the words both agree on are taught."""
    wb = Workbook()
    wb.remove(wb.active)
    _field(wb, "Sprache", ["fertig", "ruht"])
    for name, ruht in (("Legende", "Gelb"), ("Legende (alt)", "Rot")):
        leg = wb.create_sheet(name)
        leg["A1"], leg["B1"] = "Grün", "fertig"
        leg["A2"], leg["B2"] = ruht, "ruht"
    path = tmp_path / "zwei-legenden.xlsx"
    wb.save(path)
    reverse_tabs(path, tmp_path / "umgekehrt.xlsx")
    for p in (path, tmp_path / "umgekehrt.xlsx"):
        konzept = ampel_xl.read(p)
        assert [_status(m) for m in konzept.massnahmen] == ["gruen", None]
        conflicts = [f for f in ampel_xl.validate(konzept).findings if f.code == "word-conflict"]
        assert len(conflicts) == 1 and "ruht" in conflicts[0].message
