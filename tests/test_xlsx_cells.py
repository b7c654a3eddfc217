"""The shared cell helpers of every workbook: sheet names, row heights, the plural helper."""

from __future__ import annotations

import pytest
import xlsxwriter
from openpyxl import load_workbook

from ampel_xl.vocabulary import counts_text, plural
from ampel_xl.xlsx.cells import ROW_PT, fit_row, row_height, sheet_name, wrapped_lines
from ampel_xl.xlsx.master import write_master


def test_sheet_name_is_legal_short_and_unique():
    taken: set[str] = {"übersicht"}
    assert sheet_name("Übersicht", taken) == "Übersicht (2)"
    assert sheet_name("ÜBERSICHT", taken) == "ÜBERSICHT (3)"
    long = "Zusammenarbeit mit kreisangehörigen Kommunen"
    a, b = sheet_name(long, taken), sheet_name(long, taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b and b.endswith("(2)")
    odd = sheet_name("Kultur [und]: Freizeit/Sport?*\\", taken)
    assert not set("[]:*?/\\") & set(odd)
    assert sheet_name("'Zitat'", taken) == "Zitat"
    assert sheet_name("History", taken).lower() != "history"
    assert sheet_name("   ", taken) == "Feld"


def test_a_field_name_excel_refuses_gets_a_legal_sheet_in_the_template(tmp_path):
    structure = {
        "titel": "Konzept",
        "felder": [
            {"name": "Kultur/Freizeit: Sport?", "art": "Handlungsfeld", "oberziel": "O",
             "unterziele": [{"nr": 1, "text": "U"}]},
            {"name": "kultur/freizeit: sport?", "art": "Handlungsfeld", "oberziel": "O",
             "unterziele": [{"nr": 1, "text": "U"}]},
        ],
    }
    target = write_master(tmp_path / "m.xlsx", structure)
    names = load_workbook(target).sheetnames
    fields = [n for n in names if n.lower().startswith("kultur")]
    assert len(fields) == 2 and len({n.lower() for n in fields}) == 2
    assert all(not set("[]:*?/\\") & set(n) and len(n) <= 31 for n in fields)


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("kurz", 20, 1),
    ("", 20, 1),
    ("eins zwei drei vier fünf sechs sieben acht neun zehn", 10, 6),
    ("erste Zeile\nzweite Zeile\ndritte", 40, 3),
    ("x" * 100, 10, 10),  # a word longer than the line breaks over several lines
])
def test_wrapped_lines_by_words(text, width, lines):
    assert wrapped_lines(text, width) == lines


def test_the_template_counts_characters_per_line():
    assert wrapped_lines("a" * 101, 0, chars_per_line=50) == 3
    assert wrapped_lines("kurz\n\nlang " * 2, 0, chars_per_line=50) == 5  # every paragraph a line at least


def test_row_height_and_fit_row(tmp_path):
    long = "Wort " * 60
    assert row_height("kurz", 30) == ROW_PT + 3
    assert row_height(long, 30) > 4 * ROW_PT
    assert row_height("", 30, min_lines=2) == 2 * ROW_PT + 3
    assert row_height("kurz", chars_per_line=50, line_pt=13, padding=5) == 18
    target = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(target)
    ws = wb.add_worksheet()
    fit_row(ws, 0, [("kurz", 30)])  # one line: the default height stays
    fit_row(ws, 1, [("kurz", 30), (long, 30)])  # the tallest cell decides
    wb.close()
    sheet = load_workbook(target).active
    assert sheet.row_dimensions[1].height is None
    assert sheet.row_dimensions[2].height == row_height(long, 30)


def test_plural_and_the_count_of_findings():
    assert [plural(n, "Hinweis", "Hinweise") for n in (0, 1, 2)] == ["0 Hinweise", "1 Hinweis", "2 Hinweise"]
    assert counts_text({"error": 1, "warning": 1, "info": 0}) == "1 Fehler, 1 Warnung, 0 Hinweise"
