"""What is drawn over the Ampel cell: shapes and pictures (reader/drawings.py), as clerks make them.

The masters come from ``clerk_drawings.py``: ellipses filled green/yellow/red over the Ampel cells, a
title banner and an arrow that are no Ampel, traffic-light pictures with and without alt text. Each is
also re-saved by LibreOffice (keeps every shape and the alt text) and Gnumeric (keeps pictures and
plain-coloured ellipses, drops arrows and the pictures' alt text, resolves a theme colour's
"dunkler 25 %" to another colour).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import ampel_xl
from ampel_xl.model import Status
from clerk_drawings import XDR, A, DrawnCase, Layout, Shape, add_shapes, ellipses, field_sheet, new_workbook, pictures
from clerk_masters import SOFFICE, SSCONVERT, resave_gnumeric, resave_libreoffice

DRAWING_CODES = {"drawing-over-cell", "drawing-over-cell-minor", "status-conflict", "status-missing",
                 "status-missing-unmarked", "color-unknown"}


def _statuses(path: Path) -> dict[str, str | None]:
    k = ampel_xl.read(path)
    return {m.nr or "?": (m.status.label if m.status else None) for m in k.massnahmen}


def _status_findings(path: Path) -> list[tuple[str | None, str]]:
    report = ampel_xl.validate(ampel_xl.read(path))
    return sorted((f.cell, f.code) for f in report.findings if f.code in DRAWING_CODES)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, DrawnCase]:
    d = tmp_path_factory.mktemp("drawn")
    return {"ellipsen": ellipses(d), "bilder": pictures(d)}


def test_an_ellipse_over_the_ampel_cell_is_its_colour(cases):
    case = cases["ellipsen"]
    assert _statuses(case.path) == case.statuses
    k = ampel_xl.read(case.path)
    by_nr = {m.nr: m for m in k.massnahmen}
    # a theme colour with Excel's lightness modifiers is resolved by the workbook's theme, as Excel shows it
    assert by_nr["2"].evidence.channels[0].raw == "548235"  # Grün, Akzent 6, dunkler 25 %
    assert by_nr["5"].evidence.channels[0].raw == "F4B183"  # Orange, Akzent 2, heller 40 %: Gelb
    # the title banner and the arrow beside the table lie over no Ampel cell: no measure sees them
    names = {c.name for m in k.massnahmen for c in m.evidence.channels}
    assert names == {f"Ellipse {i}" for i in range(2, 8)}
    assert _status_findings(case.path) == sorted(case.findings)


def test_a_picture_is_read_by_its_alt_text_or_named_at_its_cell(cases):
    case = cases["bilder"]
    assert _statuses(case.path) == case.statuses
    assert _status_findings(case.path) == sorted(case.findings)
    report = ampel_xl.validate(ampel_xl.read(case.path))
    [picture] = [f for f in report.findings if f.code == "drawing-over-cell" and "Bild" in f.message]
    assert "Ein Bild, das Kreis" in picture.message and picture.hint.startswith("Bild über der Zelle – Ampel als")
    [conflict] = [f for f in report.findings if f.code == "status-conflict"]
    assert conflict.message == ("Maßnahme Nr. 6: Die Form „Ellipse 1“ über der Zelle ist rot gefüllt (#FF0000), "
                                "der Text sagt „Grün“.")
    assert "Grün (Wort)" in conflict.hint


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_libreoffice_keeps_shapes_and_pictures(cases, tmp_path):
    resaved = resave_libreoffice([c.path for c in cases.values()], tmp_path / "lo")
    for case in cases.values():
        again = resaved[case.path]
        assert zipfile.ZipFile(again).read("xl/drawings/drawing1.xml")  # the drawing survives
        assert _statuses(again) == case.statuses
        assert _status_findings(again) == sorted(case.findings)


@pytest.mark.skipif(SSCONVERT is None, reason="Gnumeric not installed")
def test_gnumeric_keeps_plain_shapes_and_pictures_without_their_alt_text(cases, tmp_path):
    resaved = resave_gnumeric([c.path for c in cases.values()], tmp_path / "gn")
    ell = cases["ellipsen"]
    got = _statuses(resaved[ell.path])
    # standard colours survive; "Grün, Akzent 6, dunkler 25 %" is resolved by Gnumeric to an olive
    # (798235) that fits no status, so that measure is named instead of counted
    assert {nr: s for nr, s in got.items() if nr != "2"} == {nr: s for nr, s in ell.statuses.items() if nr != "2"}
    assert got["2"] is None
    bil = cases["bilder"]
    path = resaved[bil.path]
    got = _statuses(path)
    # the pictures lose their alt text: not read, but every one is named at its cell
    assert got == {**bil.statuses, "1": None, "2": None, "7": None}
    findings = _status_findings(path)
    for nr in ("1", "2", "3"):
        cell = f"C{5 + int(nr)}"
        assert (cell, "drawing-over-cell") in findings and (cell, "status-missing") in findings
    # the arrow is dropped by Gnumeric: measure 7 has nothing left but its missing status
    assert ("C13", "status-missing") in findings and ("C13", "drawing-over-cell") not in findings


def _one_measure(tmp_path: Path, name: str, shapes: list[Shape], text: str | None = None,
                 raw: str | None = None) -> ampel_xl.model.Massnahme:
    """A field with one marked measure in row 6 (Ampel cell C6) and ``shapes`` drawn over the sheet;
    ``raw`` replaces the drawing part with that XML."""
    layout = Layout({"A": 6, "B": 40, "C": 10}, {6: 24.0})
    wb = new_workbook()
    ws = wb.active
    ws.title = "Sprache"
    field_sheet(ws, "Handlungsfeld Sprache", layout, [("UZ1", "Unterziel 1: Kurse", None), ("1", "Kurs", None)])
    if text:
        ws["C6"] = text
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    if shapes or raw is not None:
        add_shapes(path, 1, shapes)
    if raw is not None:
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
        parts["xl/drawings/drawing1.xml"] = raw.encode()
        with zipfile.ZipFile(path, "w") as zf:
            for n, data in parts.items():
                zf.writestr(n, data)
    return ampel_xl.read(path).massnahmen[0]


LAYOUT = Layout({"A": 6, "B": 40, "C": 10}, {6: 24.0})


def test_a_shape_in_the_default_style_or_without_fill_is_no_status(tmp_path):
    # inserted and never recoloured: Excel's default shape style fills it with accent 1 (blue)
    m = _one_measure(tmp_path, "default", [LAYOUT.centred("Ellipse 1", "C6")])
    assert m.status is None
    [ch] = m.evidence.channels
    assert (ch.kind, ch.raw, ch.case) == ("form", "4472C4", "farbe")
    # a red outline drawn round the cell to draw attention ("Kreis ohne Füllung") beside the word Grün
    m = _one_measure(tmp_path, "outline", [LAYOUT.centred("Ellipse 1", "C6", no_fill=True, size_px=30)], "Grün")
    assert m.status is Status.GRUEN and m.evidence.empty is False
    report = ampel_xl.validate(ampel_xl.read(tmp_path / "outline.xlsx"))
    assert not [f for f in report.findings if f.code.startswith("drawing")]  # only named where no status


def test_a_large_shape_over_many_cells_is_not_the_cells_colour(tmp_path):
    # a green rectangle over the whole table (a highlight of the block) has its centre in C6, but is
    # far larger than the cell: it is no Ampel of that measure, only mentioned because it has none
    big = Shape("Rechteck 1", "rect", (0, 0, 4, 0), (6, 0, 7, 0), "00B050")
    m = _one_measure(tmp_path, "big", [big])
    assert m.status is None
    assert [(c.kind, c.case) for c in m.evidence.channels] == [("form", "teilweise")]


def test_groups_one_cell_anchors_and_markup_compatibility(tmp_path):
    """A group (an ellipse grouped with a label, in the group's own coordinates), a one-cell anchor,
    an absolute anchor, a hidden shape and an mc:AlternateContent block, as Excel writes them."""
    emu = 9525
    row6_top = 5 * 15 * 12700  # rows 1–5 have the default height

    col_c = (int(((256 * 6 + 18) / 256) * 7) + int(((256 * 40 + 18) / 256) * 7)) * emu
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    def sp(name: str, fill: str, hidden: bool = False, xfrm: str = "") -> str:
        h = ' hidden="1"' if hidden else ""
        return (f'<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="5" name="{name}"{h}/><xdr:cNvSpPr/></xdr:nvSpPr>'
                f'<xdr:spPr>{xfrm}<a:prstGeom prst="ellipse"/><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>'
                '</xdr:spPr></xdr:sp>')

    group = (
        '<xdr:twoCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row>'
        '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff>'
        '<xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
        '<xdr:grpSp><xdr:nvGrpSpPr><xdr:cNvPr id="2" name="Gruppieren 1"/><xdr:cNvGrpSpPr/></xdr:nvGrpSpPr>'
        '<xdr:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1000" cy="1000"/><a:chOff x="0" y="0"/>'
        '<a:chExt cx="1000" cy="1000"/></a:xfrm></xdr:grpSpPr>'
        + sp("Ellipse 3", "FF0000", xfrm='<a:xfrm><a:off x="300" y="300"/><a:ext cx="400" cy="400"/></a:xfrm>')
        + '</xdr:grpSp><xdr:clientData/></xdr:twoCellAnchor>')
    one_cell = ('<xdr:oneCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>9</xdr:row>'
                '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="100000" cy="100000"/>'
                + sp("Ellipse 4", "00B050") + '<xdr:clientData/></xdr:oneCellAnchor>')
    absolute = (f'<xdr:absoluteAnchor><xdr:pos x="{col_c + 10 * emu}" y="{row6_top + 5 * emu}"/>'
                '<xdr:ext cx="95250" cy="95250"/>' + sp("Ellipse 5", "FF0000")
                + '<xdr:clientData/></xdr:absoluteAnchor>')
    hidden = (f'<xdr:absoluteAnchor><xdr:pos x="{col_c + 10 * emu}" y="{row6_top + 5 * emu}"/>'
              '<xdr:ext cx="95250" cy="95250"/>' + sp("Ellipse 7", "00B050", hidden=True)
              + '<xdr:clientData/></xdr:absoluteAnchor>')
    alternate = ('<xdr:twoCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>20000</xdr:colOff>'
                 '<xdr:row>5</xdr:row><xdr:rowOff>20000</xdr:rowOff></xdr:from><xdr:to><xdr:col>2</xdr:col>'
                 '<xdr:colOff>120000</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>120000</xdr:rowOff></xdr:to>'
                 f'<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="a14">'
                 + sp("Ellipse 6", "FF0000") + '</mc:Choice><mc:Fallback>' + sp("Ellipse 6", "FF0000")
                 + '</mc:Fallback></mc:AlternateContent><xdr:clientData/></xdr:twoCellAnchor>')
    # a chart dropped over the table, from A5 to D12
    chart = ('<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row>'
             '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff>'
             '<xdr:row>12</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro="">'
             '<xdr:nvGraphicFramePr><xdr:cNvPr id="9" name="Diagramm 1"/><xdr:cNvGraphicFramePr/>'
             '</xdr:nvGraphicFramePr></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>')
    raw = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}">'
           + group + one_cell + absolute + hidden + alternate + chart + '</xdr:wsDr>')
    m = _one_measure(tmp_path, "mixed", [], raw=raw)
    # the group's ellipse sits in the middle of C6, the absolute one near its corner, the alternate content
    # counts once; the one-cell anchor lies in row 10, the hidden shape is not seen; the chart lies over
    # the cell but is far larger: seen, named only where the measure had no status
    assert [(c.name, c.says, c.case) for c in m.evidence.channels] == [
        ("Ellipse 3", Status.ROT, ""), ("Ellipse 5", Status.ROT, ""), ("Ellipse 6", Status.ROT, ""),
        ("Diagramm 1", None, "teilweise")]
    assert m.status is Status.ROT


def test_a_workbook_without_drawings_reads_as_before(tmp_path):
    m = _one_measure(tmp_path, "plain", [], "Gelb")
    assert m.status is Status.GELB
    assert [c.kind for c in m.evidence.channels] == ["wort"]


def test_the_row_index_finds_exactly_the_drawings_over_a_row():
    """The interval tree behind Drawings.over agrees with looking at every drawing, for spans of one
    row up to the whole sheet."""
    import random

    from ampel_xl.reader.drawings import Drawn, _Rows

    rng = random.Random(7)
    spans = []
    for i in range(400):
        first = rng.randint(1, 2000)
        last = first + rng.choice((0, 0, 1, 3, 50, 5000))
        spans.append((first, last, Drawn("form", f"Form {i}", "", None, (0, 0, 1, 1))))
    tree = _Rows(spans)
    for row in [*rng.sample(range(1, 7100), 300), 1, 2000, 7000]:
        assert {d.name for d in tree.at(row)} == {d.name for first, last, d in spans if first <= row <= last}


def test_column_edges_from_runs_of_widths_agree_with_adding_them_up():
    import random

    from ampel_xl.reader.drawings import _Sizes

    rng = random.Random(3)
    runs, col = [], 1
    while col < 300:
        lo = col + rng.randint(0, 5)
        hi = lo + rng.randint(0, 20)
        runs.append((lo, hi, rng.choice((0, 300000, 900000))))
        col = hi + 1
    sizes = _Sizes(runs, 609600, {3: 0, 7: 400000}, 190500)
    width = {c: size for lo, hi, size in runs for c in range(lo, hi + 1)}
    edge = 0
    for c in range(1, 400):
        assert sizes.x(c) == edge and sizes.width(c) == width.get(c, 609600)
        edge += width.get(c, 609600)
    assert sizes.y(8) == 5 * 190500 + 0 + 400000 and sizes.row_at(sizes.y(8)) == 8
    heights = {r: rng.choice((0, 100000, 190500, 500000)) for r in rng.sample(range(1, 300), 80)}
    sizes = _Sizes([], 609600, heights, 190500)
    tops, y = [], 0
    for r in range(1, 400):
        tops.append(y)
        y += heights.get(r, 190500)
    for probe in [*rng.sample(range(0, y), 500), 0, y - 1]:
        # the one row whose span holds the point (a row of height 0 holds none)
        [expected] = [r for r in range(1, 400) if tops[r - 1] <= probe < tops[r - 1] + heights.get(r, 190500)]
        assert sizes.row_at(probe) == expected, probe


def test_a_drawing_part_with_a_document_type_is_refused_in_german(tmp_path):
    from ampel_xl.errors import ReadError

    raw = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}">'
           '</xdr:wsDr>')
    with pytest.raises(ReadError, match="Dokumenttyp-Deklaration"):
        _one_measure(tmp_path, "dtd", [], raw=raw)


def test_a_shape_over_a_merged_status_cell_and_in_a_hidden_row(tmp_path):
    """A measure over two rows (Nr, text, Ampel merged) with its ellipse in the middle of the merged
    Ampel cell, on the border of the two rows; a measure in a hidden row with its ellipse (counted, as
    the hidden row's measure is)."""
    layout = Layout({"A": 6, "B": 40, "C": 10}, {6: 20.0, 7: 20.0, 8: 20.0})
    wb = new_workbook()
    ws = wb.active
    ws.title = "Sprache"
    field_sheet(ws, "Handlungsfeld Sprache", layout,
                [("UZ1", "Unterziel 1: Kurse", None), ("1", "Kurs", None), ("", "", None), ("2", "Kita", None)])
    for rng in ("A6:A7", "B6:B7", "C6:C7"):
        ws.merge_cells(rng)
    ws.row_dimensions[8].hidden = True
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    px = 9525
    across = Shape("Ellipse 1", "ellipse", (2, 20 * px, 5, 24 * px), (2, 40 * px, 6, 12 * px), "FF0000")
    add_shapes(path, 1, [across, layout.centred("Ellipse 2", "C8", "00B050")])
    k = ampel_xl.read(path)
    assert [(m.nr, m.status) for m in k.massnahmen] == [("1", Status.ROT), ("2", Status.GRUEN)]


def _unmentioned(path: Path) -> list[tuple[str | None, str | None]]:
    """(cell, drawing) of every drawing over the Ampel cell of a measure without status that no finding
    at that cell names."""
    k = ampel_xl.read(path)
    report = ampel_xl.validate(k)
    named = {(f.sheet, f.cell) for f in report.findings if f.code.startswith("drawing-over-cell")}
    return [(m.status_cell, c.name) for m in k.massnahmen if m.status is None
            for c in m.evidence.channels if c.kind in ("form", "bild") and (m.sheet, m.status_cell) not in named]


def test_nothing_drawn_over_a_measure_without_status_goes_unmentioned(cases, tmp_path):
    paths = [c.path for c in cases.values()]
    if SOFFICE:
        paths += list(resave_libreoffice(paths[:2], tmp_path / "lo").values())
    if SSCONVERT:
        paths += list(resave_gnumeric(paths[:2], tmp_path / "gn").values())
    for path in paths:
        k = ampel_xl.read(path)
        assert any(m.status is None and m.evidence.channel("form", "bild") for m in k.massnahmen), path
        assert _unmentioned(path) == [], path


@pytest.mark.parametrize("xml, expected", [
    ('<a:srgbClr val="00b050"/>', "00B050"),
    ('<a:prstClr val="red"/>', "FF0000"),
    ('<a:sysClr val="window" lastClr="FFFFFF"/>', "FFFFFF"),
    ('<a:schemeClr val="accent6"/>', "70AD47"),
    ('<a:schemeClr val="accent6"><a:lumMod val="75000"/></a:schemeClr>', "548235"),  # dunkler 25 %
    ('<a:schemeClr val="accent2"><a:lumMod val="60000"/><a:lumOff val="40000"/></a:schemeClr>', "F4B183"),
    ('<a:schemeClr val="accent6"><a:lumMod val="50000"/></a:schemeClr>', "385723"),  # dunkler 50 %
    ('<a:schemeClr val="bg1"><a:lumMod val="85000"/></a:schemeClr>', "D9D9D9"),  # Weiß, dunkler 15 %
    ('<a:srgbClr val="FF0000"><a:tint val="50000"/></a:srgbClr>', "FF8080"),
    ('<a:srgbClr val="FF0000"><a:shade val="50000"/></a:srgbClr>', "800000"),
])
def test_drawingml_colours_as_excel_shows_them(xml, expected):
    """A shape's fill colour as Excel's colour picker writes it, resolved with the Office 2013–2022 theme."""
    from xml.etree.ElementTree import fromstring

    from ampel_xl.reader.colors import OFFICE_2013
    from ampel_xl.reader.drawings import _colour

    holder = fromstring(f'<a:solidFill xmlns:a="{A}">{xml}</a:solidFill>')
    assert _colour(holder, OFFICE_2013) == expected


def test_a_text_box_over_the_cell_is_read_by_its_text(tmp_path):
    """Einfügen › Textfeld, white as Excel makes it, typed „Gelb“ and dragged over the Ampel cell: a
    person reads Gelb. A text box that says something else is no status and is named where the measure
    has none; one that says „Grün“ over the word „Rot“ is a conflict naming both."""
    def box(text: str) -> Shape:
        s = LAYOUT.centred("Textfeld 1", "C6", "FFFFFF", size_px=30)
        s.text = text
        return s

    m = _one_measure(tmp_path, "gelb", [box("Gelb")])
    assert m.status is Status.GELB and [c.kind for c in m.evidence.channels] == ["textfeld"]
    m = _one_measure(tmp_path, "note", [box("siehe Bemerkung")])
    assert m.status is None
    report = ampel_xl.validate(ampel_xl.read(tmp_path / "note.xlsx"))
    assert {(f.cell, f.code) for f in report.findings} >= {("C6", "status-missing"), ("C6", "drawing-over-cell")}
    _one_measure(tmp_path, "conflict", [box("Grün")], text="Rot")
    report = ampel_xl.validate(ampel_xl.read(tmp_path / "conflict.xlsx"))
    [conflict] = [f for f in report.findings if f.code == "status-conflict"]
    assert conflict.message == ("Maßnahme Nr. 1: Das Textfeld „Textfeld 1“ über der Zelle sagt „Grün“, "
                                "der Text sagt „Rot“.")
