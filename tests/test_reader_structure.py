"""The reader on tables as clerks build them: merged multi-row measures, wrapped and two-row
headers, Unterziel markers, numbers in the text, rows outside the table, duplicate sheets,
Konzept header wordings, label texts. Every master is built here in code (openpyxl)."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from ampel_xl import read, summarize, validate
from ampel_xl.cli import cli
from ampel_xl.errors import ReadError
from builders import GREEN, RED, YELLOW, solid
from clerk_masters import as_strict_open_xml

ROOT = Path(__file__).resolve().parents[1]


def sheet(wb: Workbook, name: str = "Sprache", title: str = "Handlungsfeld Sprache"):
    ws = wb.create_sheet(name)
    ws["A1"] = title
    ws["A2"] = "Oberziel"
    ws["B2"] = "Alle sprechen Deutsch."
    return ws


def put(ws, row: int, *values):
    for col, value in enumerate(values, start=1):
        if value is not None:
            ws.cell(row, col, value)


def save(wb: Workbook, path: Path) -> Path:
    if "Sheet" in wb.sheetnames:
        del wb["Sheet"]
    wb.save(path)
    return path


def statuses(k):
    return [(m.nr, m.status.label if m.status else None) for m in k.massnahmen]


def codes(report, code):
    return [(f.sheet, f.cell) for f in report.findings if f.code == code]


# -- merged multi-row measures -------------------------------------------------------------
def merged_master(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel", "Bemerkung", "Partner")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, 1, "Sprachkurse", "Grün", "läuft", "VHS")
    put(ws, 7, 2, "Sprachcafés", "Gelb", "Café Mitte", "Caritas")
    put(ws, 8, None, None, None, "Café Süd", "Diakonie")
    put(ws, 9, None, None, None, "Café Nord", None)
    for col in "ABC":
        ws.merge_cells(f"{col}7:{col}9")
    put(ws, 10, 3, "Lernpaten", "Rot", "gestrichen")
    put(ws, 11, None, "Unterziel 2: Beratung")
    put(ws, 12, 4, "Beratung", None, "Termin A")
    put(ws, 13, None, None, None, "Termin B")
    ws["C12"].fill = solid(GREEN)
    for col in "ABC":
        ws.merge_cells(f"{col}12:{col}13")
    return save(wb, tmp_path / "merged.xlsx")


def test_measure_over_merged_rows_is_one_measure(tmp_path):
    k = read(merged_master(tmp_path))
    assert statuses(k) == [("1", "Grün"), ("2", "Gelb"), ("3", "Rot"), ("4", "Grün")]
    m2 = k.massnahmen[1]
    assert (m2.row, m2.last_row) == (7, 9)
    assert m2.bemerkung == "Café Mitte\nCafé Süd\nCafé Nord"
    assert m2.extra["Partner"] == "Caritas\nDiakonie"
    assert k.massnahmen[3].bemerkung == "Termin A\nTermin B"
    assert [len(u.massnahmen) for u in k.felder[0].unterziele] == [3, 1]


def test_summary_of_merged_rows_counts_each_measure_once(tmp_path):
    s = summarize(merged_master(tmp_path))
    k = read(merged_master(tmp_path))
    assert len(k.massnahmen) == 4
    assert validate(k).ok
    assert s is not None


# -- rows outside the table ------------------------------------------------------------------
def outside_master(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, 1, "Sprachkurse", "Grün")
    put(ws, 7, 2, "Sprachcafés", "Gelb")
    put(ws, 8, 3, "Lernpaten", "Rot")
    put(ws, 9, None, "Summe", 3)
    put(ws, 11, None, "Legende")
    put(ws, 12, None, "realisiert")
    ws["C12"].fill = solid(GREEN)
    put(ws, 13, None, "in Planung")
    ws["C13"].fill = solid(YELLOW)
    put(ws, 14, None, "nicht verfolgt")
    ws["C14"].fill = solid(RED)
    put(ws, 16, None, "Hinweis: Blau hinterlegte Maßnahmen sind in die Auswertung eingeflossen.")
    put(ws, 18, None, "gez. Müller, Integrationsbeauftragte")
    ws["F6"] = "Stand 02/2025"
    return save(wb, tmp_path / "outside.xlsx")


def test_legend_sum_note_and_signature_are_never_measures(tmp_path):
    path = outside_master(tmp_path)
    k = read(path)
    assert statuses(k) == [("1", "Grün"), ("2", "Gelb"), ("3", "Rot")]
    r = validate(k)
    assert codes(r, "row-outside-table") == [
        ("Sprache", "F6"), ("Sprache", "B9"), ("Sprache", "B11"), ("Sprache", "B12"), ("Sprache", "B13"),
        ("Sprache", "B14"), ("Sprache", "B16"), ("Sprache", "B18")]
    assert all(f.severity.value == "info" for f in r.findings if f.code == "row-outside-table")
    msg = next(f.message for f in r.findings if f.cell == "B9")
    assert "Summen" in msg and "Zeile 9" in msg
    assert r.ok


def test_header_repeated_inside_the_table_is_no_measure(tmp_path):
    """The clerk pasted the second Unterziel's block with its header row (wrapped this time), as it
    was on the old printout: the row repeats the header, it is no measure, and it is named."""
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr.", "Maßnahme", "Ampel", "Verantwortlich")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, "1.1", "Kurse für Eltern", "Grün", "VHS")
    put(ws, 8, "Nr.", "Maß-\nnahme", "Ampel\n(Stand 02/2025)", "Verant-\nwortlich")
    put(ws, 9, None, "Unterziel 2: Beratung")
    put(ws, 10, "2.1", "Sprechstunde", "Gelb", "Landratsamt")
    k = read(save(wb, tmp_path / "kopf.xlsx"))
    assert statuses(k) == [("1.1", "Grün"), ("2.1", "Gelb")]
    assert [u.nr for u in k.felder[0].unterziele] == [1, 2]
    report = validate(k)
    assert not report.errors and not report.warnings
    (hint,) = [f for f in report.findings if f.code == "row-outside-table"]
    assert hint.cell == "A8" and "Kopfzeile der Tabelle noch einmal" in hint.message


def test_summary_totals_ignore_rows_outside_the_table(tmp_path):
    path = outside_master(tmp_path)
    out = tmp_path / "Zusammenfassung.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Übersicht"]
    texts = [c.value for row in ws.iter_rows(max_row=15) for c in row if isinstance(c.value, str)]
    assert "3 von 3 Maßnahmen" in texts


# -- headers ---------------------------------------------------------------------------------
def test_wrapped_header_labels_with_hyphens_and_brackets(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Lfd.\nNr.", "Maßnahmen-\nbeschreibung", "Ampel\n(Stand 02/2025)", "Bemer-\nkungen",
        "Zuständig-\nkeiten")
    put(ws, 5, None, "UZ 1 – Kurse")
    put(ws, 6, 1, "Kurse", "grün", "gut", "VHS")
    k = read(save(wb, tmp_path / "h.xlsx"))
    m = k.massnahmen[0]
    assert (m.nr, m.text, m.status.label, m.bemerkung, m.verantwortlich) == ("1", "Kurse", "Grün", "gut", "VHS")


def test_two_row_header_with_merged_group_label(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Umsetzung")
    put(ws, 5, None, None, "Ampel", "Bemerkung")
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:D4")
    put(ws, 6, None, "Unterziel 1: Kurse")
    put(ws, 7, 1, "Kurse", "Rot", "verschoben")
    k = read(save(wb, tmp_path / "h2.xlsx"))
    f = k.felder[0]
    assert f.table.column("status") == "C" and f.table.column("bemerkung") == "D"
    assert statuses(k) == [("1", "Rot")]
    assert k.massnahmen[0].bemerkung == "verschoben"
    assert [u.nr for u in f.unterziele] == [1]


# -- Unterziel markers and numbers -------------------------------------------------------------
@pytest.mark.parametrize("marker, nr", [
    ("UZ 1 – Kurse", 1), ("Ziel 1: Kurse", 1), ("Unterziel I: Kurse", 1), ("Unterziel III – Kurse", 3),
])
def test_unterziel_markers(tmp_path, marker, nr):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, None, marker)
    put(ws, 6, 1, "Kurse", "Grün")
    k = read(save(wb, tmp_path / "u.xlsx"))
    assert [(u.nr, u.text) for u in k.felder[0].unterziele] == [(nr, "Kurse")]
    assert k.massnahmen[0].unterziel_nr == nr


def test_unterziel_heading_typed_in_the_nr_column(tmp_path):
    """The clerk typed the heading into the narrow Nr column and let it run over the empty cells beside."""
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, "Unterziel 1: Sprachkurse")
    put(ws, 6, "1.1", "Kurse für Eltern", "Grün")
    put(ws, 7, "UZ 2 – Beratung")
    put(ws, 8, "2.1", "Sprechstunde", "Rot")
    k = read(save(wb, tmp_path / "u.xlsx"))
    assert [(u.nr, u.text) for u in k.felder[0].unterziele] == [(1, "Sprachkurse"), (2, "Beratung")]
    assert [(m.nr, m.unterziel_nr) for m in k.massnahmen] == [("1.1", 1), ("2.1", 2)]
    assert not validate(k).errors


def test_roman_number_alone_in_nr(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, "I", "Kurse")
    put(ws, 6, 1, "Kurse", "Grün")
    put(ws, 7, "II", "Beratung")
    put(ws, 8, 2, "Beratung", "Rot")
    k = read(save(wb, tmp_path / "r.xlsx"))
    assert [u.nr for u in k.felder[0].unterziele] == [1, 2]
    assert [m.unterziel_nr for m in k.massnahmen] == [1, 2]


def test_measure_numbers_at_the_start_of_the_text(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Unterziel / Maßnahme", "Status")
    put(ws, 5, "Unterziel 1: Kurse")
    put(ws, 6, "M 1.1 – Sprachkurse", "Grün")
    put(ws, 7, "1.2 Sprachcafés", "umgesetzt")
    put(ws, 8, "Maßnahme 1.3: Lernpaten", "in Umsetzung")
    put(ws, 9, "Sprachpaten für Familien", "offen")
    k = read(save(wb, tmp_path / "n.xlsx"))
    assert [(m.nr, m.text) for m in k.massnahmen] == [
        ("1.1", "Sprachkurse"), ("1.2", "Sprachcafés"), ("1.3", "Lernpaten"), (None, "Sprachpaten für Familien")]
    assert [m.status.label for m in k.massnahmen] == ["Grün", "Grün", "Gelb", "Rot"]


# -- sheets --------------------------------------------------------------------------------------
def duplicate_master(tmp_path: Path) -> Path:
    wb = Workbook()
    for name in ("Sprache", "Sprache (2)"):
        ws = sheet(wb, name)
        put(ws, 4, "Nr", "Maßnahme", "Ampel")
        put(ws, 5, None, "Unterziel 1: Kurse")
        put(ws, 6, 1, "Kurse", "Grün")
    wb["Sprache (2)"].sheet_state = "hidden"
    return save(wb, tmp_path / "dup.xlsx")


def test_two_sheets_for_one_field_are_a_finding_not_a_crash(tmp_path):
    path = duplicate_master(tmp_path)
    k = read(path)
    assert [f.sheet for f in k.felder] == ["Sprache"]
    r = validate(k)
    dup = [f for f in r.findings if f.code == "field-duplicate"]
    assert len(dup) == 1 and dup[0].severity.value == "error"
    assert "„Sprache“" in dup[0].message and "„Sprache (2)“" in dup[0].message
    result = CliRunner().invoke(cli, ["summary", str(path), "-o", str(tmp_path / "z.xlsx")])
    assert result.exit_code == 1, result.output


def test_konzept_table_under_other_header_wordings(tmp_path):
    wb = Workbook()
    kz = wb.create_sheet("Konzept")
    put(kz, 1, "Titel", "Integrationskonzept 2.0")
    put(kz, 3, "Handlungsfeld", "Art", "Anzahl Unterziele", "Soll-Anzahl Maßnahmen")
    put(kz, 4, "Sprache", "Handlungsfeld", 1, 3)
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, 1, "Kurse", "Grün")
    put(ws, 7, 2, "Cafés", "Gelb")
    k = read(save(wb, tmp_path / "k.xlsx"))
    assert [(d.name, d.unterziele, d.massnahmen) for d in k.declared] == [("Sprache", 1, 3)]
    assert codes(validate(k), "count-massnahmen") == [("Sprache", None)]


def test_konzept_table_that_cannot_be_read_is_a_warning(tmp_path):
    wb = Workbook()
    kz = wb.create_sheet("Konzept")
    put(kz, 3, "Art", "Anzahl Unterziele", "Soll-Anzahl Maßnahmen")
    put(kz, 4, "Handlungsfeld", 1, 3)
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, 1, "Kurse", "Grün")
    r = validate(read(save(wb, tmp_path / "k2.xlsx")))
    found = [f for f in r.findings if f.code == "konzept-unreadable"]
    assert [(f.sheet, f.cell, f.severity.value) for f in found] == [("Konzept", "A3", "warning")]


# -- labels -------------------------------------------------------------------------------------
def test_label_texts_are_never_dropped(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    ws["D1"] = "Sachstand zum 31.12.2024: Die Kurse laufen."
    ws["D2"] = "Einleitung"
    ws["E2"] = "Das Oberziel fokussiert sich auf Sprache."
    ws["D3"] = "Ausblick:"
    ws["A3"] = "Highlights"
    ws["B3"] = CellRichText([TextBlock(InlineFont(b=True), "Sprachcafé:"), " 40 Gäste\n",
                             TextBlock(InlineFont(b=True), "Kurse:"), " voll"])
    put(ws, 5, "Nr", "Maßnahme", "Ampel")
    put(ws, 6, None, "Unterziel 1: Kurse")
    put(ws, 7, 1, "Kurse", "Grün")
    k = read(save(wb, tmp_path / "l.xlsx"))
    f = k.felder[0]
    assert f.sachstand == "Sachstand zum 31.12.2024: Die Kurse laufen."
    assert f.einleitung == "Das Oberziel fokussiert sich auf Sprache."
    assert f.ausblick is None
    assert f.highlights == ("Sprachcafé: 40 Gäste", "Kurse: voll")
    assert [[(r.text, r.bold) for r in line] for line in f.highlight_runs] == [
        [("Sprachcafé:", True), (" 40 Gäste", False)], [("Kurse:", True), (" voll", False)]]
    assert codes(validate(k), "label-empty") == [("Sprache", "D3")]


# -- damaged parts and the source -------------------------------------------------------------------
def test_shared_string_index_out_of_range_is_a_damaged_file(tmp_path):
    path = merged_master(tmp_path)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="B6"[^>]*>.*?</c>', b'<c r="B6" t="s"><v>9999</v></c>', data, count=1)
                assert b"9999" in data
            zout.writestr(info, data)
    with pytest.raises(ReadError, match="beschädigt"):
        read(bad)
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2


def test_reader_imports_no_private_openpyxl_name():
    """The reader uses openpyxl's public API only (so the pin can follow openpyxl's releases)."""
    for path in sorted((ROOT / "ampel_xl" / "reader").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("openpyxl"):
                assert not any(part.startswith("_") for part in node.module.split(".")), (path.name, node.module)
                assert not any(a.name.startswith("_") for a in node.names), (path.name, node.module)
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("openpyxl"):
                        assert not any(p.startswith("_") for p in a.name.split(".")), (path.name, a.name)
        assert "._" not in "".join(
            line for line in path.read_text(encoding="utf-8").splitlines() if "openpyxl" in line), path.name


# -- status channels --------------------------------------------------------------------------------
def channel_master(tmp_path: Path) -> Path:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, GradientFill, PatternFill

    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel")
    put(ws, 5, None, "Unterziel 1: Kurse")
    put(ws, 6, 1, "painted row")                      # row style, no cell fill
    ws.row_dimensions[6].fill = solid(RED)
    put(ws, 7, 2, "gradient")
    ws["C7"].fill = GradientFill(stop=("FFFFFF", "00B050"))
    put(ws, 8, 3, "pattern")
    ws["C8"].fill = PatternFill("lightGrid", fgColor="FFFF00")
    put(ws, 9, 4, "dot", "●")
    ws["C9"].font = Font(color="00B050")
    put(ws, 10, 5, "wingdings", "l")
    ws["C10"].font = Font(name="Wingdings", color="FF0000")
    put(ws, 11, 6, "purple dot", "●")
    ws["C11"].font = Font(color="7030A0")
    put(ws, 12, 7, "cf wins", "Grün")
    ws["C12"].fill = solid(RED)
    ws.conditional_formatting.add("C12", CellIsRule(operator="equal", formula=['"Grün"'],
                                                    fill=PatternFill(bgColor="00B050")))
    return save(wb, tmp_path / "channels.xlsx")


def test_every_status_channel(tmp_path):
    k = read(channel_master(tmp_path))
    got = {m.nr: (m.status.label if m.status else None, m.evidence.fill_source) for m in k.massnahmen}
    assert got == {"1": ("Rot", "zeile"), "2": ("Grün", "verlauf"), "3": ("Gelb", "zelle"), "4": ("Grün", ""),
                   "5": ("Rot", ""), "6": (None, ""), "7": ("Grün", "bedingt")}
    r = validate(k)
    unknown = [f for f in r.findings if f.code == "color-unknown"]
    assert [(f.cell, f.severity.value) for f in unknown] == [("C11", "error")]
    assert "#7030A0" in unknown[0].message
    assert not [f for f in r.findings if f.code == "status-conflict"]


def test_a_measure_text_that_starts_with_a_year_is_no_unterziel(tmp_path):
    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr", "Maßnahme", "Ampel", "Bemerkung zur Ampel")
    put(ws, 5, None, "Unterziel 1. Kurse")
    put(ws, 6, 1, "Ziel 2030: alle Kinder in Kitas", "Grün", "gut")
    k = read(save(wb, tmp_path / "z.xlsx"))
    assert [(u.nr, u.text) for u in k.felder[0].unterziele] == [(1, "Kurse")]
    assert [(m.nr, m.text, m.bemerkung) for m in k.massnahmen] == [("1", "Ziel 2030: alle Kinder in Kitas", "gut")]


# --------------------------------------------------------------------------------------------
# Strict Open XML: Excel's "Speichern unter → Strict Open XML-Arbeitsmappe"

def test_a_master_saved_as_strict_open_xml_reads_the_same(tmp_path):
    import datetime as dt

    from openpyxl.styles import Color, PatternFill

    wb = Workbook()
    ws = sheet(wb)
    put(ws, 4, "Nr.", "Maßnahme", "Ampel", "Zeitraum")
    put(ws, 5, None, "Unterziel 1: Sprachkurse")
    put(ws, 6, "1.1", "Kurse für Eltern", None, dt.datetime(2025, 3, 1))
    ws["C6"].fill = PatternFill("solid", fgColor=Color(theme=6, tint=0.0))  # accent3 of openpyxl's theme: green
    put(ws, 7, "1.2", CellRichText(TextBlock(InlineFont(b=True), "Neu:"), " Lotsen"), "Rot")
    put(ws, 8, "1.3", "Treffpunkt", "Gelb")
    put(ws, 9, None, "zweiter Ort")
    ws.merge_cells("A8:A9")
    ws.merge_cells("C8:C9")
    transitional = save(wb, tmp_path / "Master.xlsx")
    strict = as_strict_open_xml(transitional, tmp_path / "Master_strict.xlsx")
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("xl/worksheets/sheet1.xml")

    a, b = read(transitional), read(strict)
    assert statuses(b) == statuses(a) == [("1.1", "Grün"), ("1.2", "Rot"), ("1.3", "Gelb")]
    assert [(m.text, m.zeitraum, m.last_row) for m in b.massnahmen] == \
        [(m.text, m.zeitraum, m.last_row) for m in a.massnahmen]
    assert b.massnahmen[0].zeitraum == "01.03.2025" and b.massnahmen[2].last_row == 9
    assert b.massnahmen[0].evidence.fill == a.massnahmen[0].evidence.fill is not None
    assert validate(b).counts == validate(a).counts
