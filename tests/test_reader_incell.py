"""A picture placed IN the Ampel cell (Excel 365 „Bild in Zelle platzieren“), as Excel stores it.

The master comes from ``clerk_incell.py``: traffic-light pictures placed in the Ampel cells, with
alt text „Grün“, „Ampel rot“, „Ampel grün“ or none; one in a cell the clerk also filled green; a
photo placed in a Bemerkung cell and a flyer in a text cell. Such a cell stores the error
``#VALUE!``: it must never be read as that word. The same picture written by a second writer
(XlsxWriter's ``embed_image``, which reproduces Excel's parts) reads the same. Damaged parts are a
finding, never a crash. LibreOffice 7.4 and Gnumeric 1.12 know no pictures in cells: on re-save
both drop the pictures and keep the bare error ``#VALUE!`` in the cells (asserted below), which is
then what a person sees in the re-saved file: such a status cell is named as showing the error
value „#WERT!“, with the likely cause, not as an unknown word.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

import ampel_xl
from ampel_xl.errors import ReadError
from clerk_drawings import traffic_light_png
from clerk_incell import DAMAGES, FLYER_ALT, PHOTO_ALT, InCellCase, damaged, incell_master
from clerk_masters import SOFFICE, SSCONVERT, resave_gnumeric, resave_libreoffice

CODES = {"drawing-over-cell", "drawing-over-cell-minor", "status-conflict", "status-missing",
         "status-missing-unmarked", "picture-in-cell", "measure-without-text", "status-text-unknown",
         "status-text-minor", "rich-data-damaged"}


def _statuses(k: ampel_xl.Konzept) -> dict[str, str | None]:
    return {m.nr or "?": (m.status.label if m.status else None) for m in k.massnahmen}


def _findings(k: ampel_xl.Konzept) -> list[tuple[str | None, str | None, str]]:
    report = ampel_xl.validate(k)
    return sorted(((f.sheet, f.cell, f.code) for f in report.findings if f.code in CODES),
                  key=lambda t: tuple(x or "" for x in t))


def _expected(case: InCellCase) -> list[tuple[str | None, str | None, str]]:
    return sorted((("Gesundheit", cell, code) for cell, code in case.findings), key=lambda t: tuple(t))


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> InCellCase:
    return incell_master(tmp_path_factory.mktemp("incell"))


def test_the_fixture_stores_the_pictures_as_excel_does(case):
    with zipfile.ZipFile(case.path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        names = set(zf.namelist())
    assert '<c r="C6" t="e" vm="1"><v>#VALUE!</v></c>' in sheet
    assert {"xl/metadata.xml", "xl/richData/rdrichvalue.xml", "xl/richData/rdrichvaluestructure.xml",
            "xl/richData/richValueRel.xml", "xl/richData/_rels/richValueRel.xml.rels"} <= names
    assert sum(n.startswith("xl/media/") for n in names) == 5  # green, red, yellow, photo, arms: shared


def test_a_picture_in_the_ampel_cell_is_read_by_its_alt_text_or_named_at_its_cell(case):
    k = ampel_xl.read(case.path)
    assert _statuses(k) == case.statuses
    assert _findings(k) == _expected(case)
    by_nr = {m.nr: m for m in k.massnahmen}
    # never the word #VALUE!: the picture is the only channel of a placed cell
    assert all(c.raw != "#VALUE!" for m in k.massnahmen for c in m.evidence.channels)
    assert [c.kind for c in by_nr["1"].evidence.channels] == ["bild"]
    report = ampel_xl.validate(k)
    [unnamed] = [f for f in report.findings if f.code == "drawing-over-cell"]
    assert unnamed.message == ("Maßnahme Nr. 3: In der Ampel-Zelle steht ein Bild; ein Bild wird nicht als "
                               "Status gelesen.")
    assert "Alternativtext" in unnamed.hint
    [conflict] = [f for f in report.findings if f.code == "status-conflict"]
    assert conflict.cell == "C10" and "„Ampel rot“ (Rot)" in conflict.message and "grün gefüllt" in conflict.message
    assert by_nr["4"].status.label == "Rot"  # the picture precedes the fill, as a picture over the cell does


def test_one_structure_per_kind_of_picture_reads_the_same(case, tmp_path):
    """Rich values of two structures (pictures without and with the key ``Text``) read as one."""
    split = incell_master(tmp_path, split=True)
    with zipfile.ZipFile(split.path) as zf:
        assert zf.read("xl/richData/rdrichvaluestructure.xml").count(b'<s t="_localImage">') == 2
    k = ampel_xl.read(split.path)
    assert _statuses(k) == case.statuses
    assert _findings(k) == _expected(case)


def test_a_picture_in_another_column_is_no_text_and_is_named(case):
    k = ampel_xl.read(case.path)
    by_nr = {m.nr: m for m in k.massnahmen}
    for nr, text in case.texts.items():
        assert by_nr[nr].text == text
    for nr, note in case.notes.items():
        assert by_nr[nr].bemerkung == note
    assert not any("#VALUE!" in (m.text + m.bemerkung) for m in k.massnahmen)
    report = ampel_xl.validate(k)
    named = {f.cell: f.message for f in report.findings if f.code == "picture-in-cell"}
    assert set(named) == {"D11", "B12"}  # not the coat of arms beside the title, above the table
    assert k.felder[0].title == "Handlungsfeld Gesundheit"
    assert f"Alternativtext „{PHOTO_ALT}“" in named["D11"] and f"Alternativtext „{FLYER_ALT}“" in named["B12"]


def test_excels_parts_written_by_a_second_writer_read_the_same(tmp_path):
    """XlsxWriter's ``embed_image`` writes the parts Excel 365 writes: the reader does not depend
    on how the fixture's post-processing spells them."""
    green, red, yellow = tmp_path / "gruen.png", tmp_path / "rot.png", tmp_path / "gelb.png"
    for png, lit in ((green, "gruen"), (red, "rot"), (yellow, "gelb")):
        png.write_bytes(traffic_light_png(lit))
    path = tmp_path / "xlsxwriter.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bildung")
    ws.write("A1", "Handlungsfeld Bildung")
    ws.write("A2", "Oberziel")
    ws.write("B2", "Bildungserfolg hängt nicht von der Herkunft ab.")
    ws.write_row("A4", ["Nr.", "Unterziel / Maßnahme", "Ampel", "Bemerkung"])
    ws.write("B5", "Unterziel 1: Frühe Förderung")
    ws.write_row("A6", ["1", "Sprachförderung in Kitas"])
    ws.embed_image("C6", str(green), {"description": "Ampel grün"})
    ws.write_row("A7", ["2", "Elterncafé"])
    ws.embed_image("C7", str(red), {"description": "Rot"})
    ws.write_row("A8", ["3", "Hausaufgabenhilfe"])
    ws.embed_image("C8", str(yellow))  # (XlsxWriter gives a repeated image the first one's alt text)
    wb.close()
    k = ampel_xl.read(path)
    assert _statuses(k) == {"1": "Grün", "2": "Rot", "3": None}
    assert [(c, code) for _, c, code in _findings(k)] == [("C8", "drawing-over-cell"), ("C8", "status-missing")]


@pytest.mark.parametrize("how", sorted(DAMAGES))
def test_damaged_parts_are_a_finding_never_a_crash(case, tmp_path, how):
    k = ampel_xl.read(damaged(case, tmp_path, how))
    part, what = DAMAGES[how]
    report = ampel_xl.validate(k)
    [finding] = [f for f in report.findings if f.code == "rich-data-damaged"]
    assert (finding.sheet, finding.cell) == (None, None)
    assert f"„{part}“ der Datei {what}" in finding.message
    # the placed cells still read as pictures (without alt text), never as the word #VALUE!
    assert _statuses(k) == {"1": None, "2": None, "3": None, "4": "Grün", "5": "Gelb", "6": None, "7": None}
    assert not any(f.code in ("status-text-unknown", "status-text-minor") for f in report.findings)
    named = {f.cell for f in report.findings if f.code == "drawing-over-cell"}
    assert named == {"C6", "C7", "C8", "C12"}
    assert not any("#VALUE!" in (m.text + m.bemerkung) for m in k.massnahmen)


def test_a_dtd_in_the_metadata_part_is_refused_as_in_every_part(case, tmp_path):
    with pytest.raises(ReadError, match="Dokumenttyp-Deklaration"):
        ampel_xl.read(damaged(case, tmp_path, "dtd"))


def _placed_cells_after_resave(path: Path) -> tuple[set[str], str]:
    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist()), zf.read("xl/worksheets/sheet1.xml").decode()


def _assert_pictures_dropped(k: ampel_xl.Konzept, names: set[str], sheet: str) -> None:
    """What LibreOffice 7.4 and Gnumeric 1.12 keep: no picture, no rich value, the cell's error value."""
    assert not any(n.startswith(("xl/media/", "xl/richData/")) or n == "xl/metadata.xml" for n in names)
    assert "vm=" not in sheet and "#VALUE!" in sheet
    # what a person sees in the re-saved file is the error value: no status from those cells, each
    # named as the error German Excel shows (never „the word #VALUE!“), with the likely cause
    statuses = _statuses(k)
    assert statuses == {"1": None, "2": None, "3": None, "4": "Grün", "5": "Gelb", "6": None, "7": None}
    report = ampel_xl.validate(k)
    errors = {(f.cell, f.code) for f in report.findings if "Fehlerwert „#WERT!“" in f.message}
    assert errors == {("C6", "status-text-unknown"), ("C7", "status-text-unknown"), ("C8", "status-text-unknown"),
                      ("C12", "status-text-unknown"), ("C10", "status-text-minor"), ("C13", "status-text-minor")}
    assert all("LibreOffice" in f.hint for f in report.findings if "Fehlerwert" in f.message)
    assert not any("Das Wort „#VALUE!“" in f.message for f in report.findings)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_libreoffice_drops_pictures_in_cells(case, tmp_path):
    again = resave_libreoffice([case.path], tmp_path / "lo")[case.path]
    names, sheet = _placed_cells_after_resave(again)
    _assert_pictures_dropped(ampel_xl.read(again), names, sheet)


@pytest.mark.skipif(SSCONVERT is None, reason="Gnumeric not installed")
def test_gnumeric_drops_pictures_in_cells(case, tmp_path):
    again = resave_gnumeric([case.path], tmp_path / "gn")[case.path]
    names, sheet = _placed_cells_after_resave(again)
    _assert_pictures_dropped(ampel_xl.read(again), names, sheet)


# --------------------------------------------------------------------------------------------
# Damage of every kind to the rich-value parts: the commands answer with a report or one German
# sentence, never an internal error (as tests/test_fuzz_parts.py does for the other parts).

_RV, _META, _REL = "xl/richData/rdrichvalue.xml", "xl/metadata.xml", "xl/richData/richValueRel.xml"
_STRUCT, _RELS = "xl/richData/rdrichvaluestructure.xml", "xl/richData/_rels/richValueRel.xml.rels"
_SHEET = "xl/worksheets/sheet1.xml"

RICH_MUTATIONS = {
    **{f"{name.rsplit('/', 1)[-1]}-{how}": (name, how) for name in (_RV, _META, _REL, _STRUCT, _RELS)
       for how in ("missing", "empty", "half", "garbage")},
    "vm-zero": (_SHEET, ('vm="1"', 'vm="0"')),
    "vm-letters": (_SHEET, ('vm="1"', 'vm="abc"')),
    "vm-huge": (_SHEET, ('vm="1"', 'vm="99999999999999999999"')),
    "vm-past-the-end": (_SHEET, ('vm="1"', 'vm="500"')),
    "rvb-negative": (_META, ('<xlrd:rvb i="0"/>', '<xlrd:rvb i="-1"/>')),
    "rvb-letters": (_META, ('<xlrd:rvb i="0"/>', '<xlrd:rvb i="x"/>')),
    "rc-type-past-the-end": (_META, ('<rc t="1" v="0"/>', '<rc t="7" v="0"/>')),
    "rc-value-letters": (_META, ('<rc t="1" v="0"/>', '<rc t="1" v="y"/>')),
    "rc-value-past-the-end": (_META, ('<rc t="1" v="0"/>', '<rc t="1" v="77"/>')),
    "rv-structure-negative": (_RV, ('<rv s="0">', '<rv s="-1">')),
    "rv-structure-past-the-end": (_RV, ('<rv s="0">', '<rv s="3">')),
    "rv-image-letters": (_RV, ("<v>0</v><v>5</v>", "<v>zero</v><v>5</v>")),
    "rv-image-past-the-end": (_RV, ("<v>0</v><v>5</v>", "<v>42</v><v>5</v>")),
    "structure-without-keys": (_STRUCT, ('<k n="_rvRel:LocalImageIdentifier" t="i"/>', "")),
    "rel-outside-the-zip": (_RELS, ('Target="../media/image1.png"', 'Target="../../../../etc/passwd"')),
    "rel-external": (_RELS, ('Target="../media/image1.png"',
                             'Target="https://example.org/a.png" TargetMode="External"')),
    "media-missing": ("xl/media/image1.png", "missing"),
}


#: The mutations that break a part or an index between the parts: named as ``rich-data-damaged``. The
#: others leave a readable chain (a picture whose image is gone still has its alt text; a cell whose
#: ``vm`` points nowhere shows the bare error value).
DAMAGE_NAMED = {m for m, (name, how) in RICH_MUTATIONS.items()
                if how in ("empty", "half", "garbage") or (how == "missing" and name != _RELS and name != _SHEET
                                                           and not name.startswith("xl/media/"))} | {
    "rvb-negative", "rvb-letters", "rc-type-past-the-end", "rc-value-letters", "rc-value-past-the-end",
    "rv-structure-negative", "rv-structure-past-the-end", "rv-image-letters", "structure-without-keys"}


def _mutate(parts: dict[str, bytes], name: str, how: str | tuple[str, str]) -> None:
    if how == "missing":
        del parts[name]
    elif how == "empty":
        parts[name] = b""
    elif how == "half":
        parts[name] = parts[name][: len(parts[name]) // 2]
    elif how == "garbage":
        parts[name] = bytes(range(256)) * 4
    else:
        old, new = how
        assert old.encode() in parts[name], (name, old)
        parts[name] = parts[name].replace(old.encode(), new.encode(), 1)


@pytest.mark.parametrize("mutation", sorted(RICH_MUTATIONS))
def test_damaged_rich_values_never_end_in_an_internal_error(case, mutation, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ampel_xl.cli import cli
    from test_fuzz_parts import _check, read_parts, write_parts

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    parts = read_parts(case.path)
    _mutate(parts, *RICH_MUTATIONS[mutation])
    path = write_parts(parts, tmp_path / "Ampel-Master.xlsx")
    problems = []
    for command, args in (("validate", ["validate", str(path)]),
                          ("summary", ["summary", str(path), "-o", str(tmp_path / "Zusammenfassung.xlsx")])):
        problems += _check(CliRunner().invoke(cli, args), command)
    assert not problems, "\n".join(problems)
    # and where the master is read, no placed cell reads as the word #VALUE!, and a damaged part is named
    try:
        k = ampel_xl.read(path)
    except ReadError:
        return
    named = any(f.code == "rich-data-damaged" for f in ampel_xl.validate(k).findings)
    assert named == (mutation in DAMAGE_NAMED), mutation
    assert not any(c.kind == "wort" and c.case != "fehler" and "#VALUE!" in c.raw
                   for m in k.massnahmen for c in m.evidence.channels)
