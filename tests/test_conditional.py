"""Conditional formatting as Excel applies it (ampel_xl.reader.conditional, .formula, .icons).

Every test builds a real workbook with openpyxl's public conditional-formatting API (or, for the
x14 extension that no Python writer produces, adds Excel's documented ``<extLst>`` markup to the
sheet part), unzips it, hands the XML elements to the module and asserts what Excel would show
in each cell. LibreOffice and Gnumeric re-saves check that the module reads what those programs
write, too.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule, IconSetRule, Rule
from openpyxl.styles import Color, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle

from ampel_xl.model import Status
from ampel_xl.reader.colors import OFFICE_2013, ColorResolver, Theme, classify
from ampel_xl.reader.conditional import ConditionalFormats, parse_dxfs
from ampel_xl.reader.formula import FormulaError, parse_formula
from ampel_xl.reader.icons import Icon

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SSCONVERT = shutil.which("ssconvert")

GREEN, YELLOW, RED = "C6EFCE", "FFEB9C", "FFC7CE"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The CF of one worksheet of a saved workbook, and its cell values."""

    cf: ConditionalFormats
    values: dict[tuple[int, int], Any]

    def value_at(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def at(self, ref: str):
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        letters, row = coordinate_from_string(ref)
        return self.cf.evaluate(row, column_index_from_string(letters), self.value_at)

    def fill(self, ref: str) -> str | None:
        out = self.at(ref)
        return out.fill if out else None

    def icon(self, ref: str) -> Icon | None:
        out = self.at(ref)
        return out.icon if out else None


def _sheet_part(z: zipfile.ZipFile, title: str) -> str:
    """The zip path of the worksheet called ``title`` (workbook.xml + its relationships)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for sheet in wb.find("m:sheets", ns):
        if sheet.get("name") == title:
            target = targets[sheet.get(f"{{{ns['r']}}}id")]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(title)


def load(path: Path, title: str = "Sprache", now: dt.datetime | None = None) -> Sheet:
    with zipfile.ZipFile(path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        sheet = ET.fromstring(z.read(_sheet_part(z, title)))
        theme_name = next((n for n in z.namelist() if n.startswith("xl/theme/")), None)
        theme = Theme.from_xml(z.read(theme_name)) if theme_name else OFFICE_2013
    resolver = ColorResolver(theme)
    dxfs = parse_dxfs(styles, resolver)
    elements = [el for el in sheet if el.tag.rsplit("}", 1)[-1] in ("conditionalFormatting", "extLst")]
    cf = ConditionalFormats.from_sheet(elements, dxfs, resolver, now=now)
    ws = load_workbook(path)[title]
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return Sheet(cf, values)


def workbook(column: dict[int, Any] | None = None, col: int = 4, **cells: Any):
    """A workbook with a sheet "Sprache"; ``column`` maps rows to values of column ``col``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sprache"
    for row, value in (column or {}).items():
        ws.cell(row, col, value)
    for ref, value in cells.items():
        ws[ref] = value
    return wb, ws


def save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def fill(rgb: str) -> PatternFill:
    """A differential fill as Excel writes it (bgColor)."""
    return PatternFill(bgColor=rgb)


def inject_ext(path: Path, ext_xml: str, title: str = "Sprache") -> Path:
    """Add an ``<extLst>`` (Excel's x14 markup) as the last child of the sheet part."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_part(z, title)
    text = parts[part].decode("utf-8")
    text = text.replace("</worksheet>", ext_xml + "</worksheet>")
    parts[part] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def x14_ext(*blocks: str) -> str:
    return (
        '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        "<x14:conditionalFormattings>" + "".join(blocks) + "</x14:conditionalFormattings></ext></extLst>"
    )


def x14_block(sqref: str, rule: str) -> str:
    return (
        '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        f"{rule}<xm:sqref>{sqref}</xm:sqref></x14:conditionalFormatting>"
    )


def resave_libreoffice(src: Path, outdir: Path) -> Path:
    profile = outdir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir / "lo"), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    out = outdir / "lo" / src.name
    assert out.exists()
    return out


def resave_gnumeric(src: Path, outdir: Path) -> Path:
    out = outdir / f"gnumeric-{src.name}"
    subprocess.run([SSCONVERT, str(src), str(out)], check=True, capture_output=True, timeout=180)
    return out


needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert")
needs_ssconvert = pytest.mark.skipif(SSCONVERT is None, reason="Gnumeric (ssconvert) ist nicht installiert")


# --------------------------------------------------------------------------------------------
# cellIs
# --------------------------------------------------------------------------------------------


def _status_words_workbook():
    wb, ws = workbook({2: "Grün", 3: "gelb", 4: "ROT", 5: "Grün (verzögert)", 6: None, 7: "grün"})
    ws.conditional_formatting.add("D2:D7", CellIsRule(operator="equal", formula=['"Grün"'], fill=fill("C6EFCE"),
                                                      font=Font(color="006100")))
    ws.conditional_formatting.add("D2:D7", CellIsRule(operator="equal", formula=['"Gelb"'], fill=fill("FFEB9C")))
    ws.conditional_formatting.add("D2:D7", CellIsRule(operator="equal", formula=['"Rot"'], fill=fill("FFC7CE")))
    return wb


def test_cellis_equal_text_is_case_insensitive_and_whole_value(tmp_path):
    sheet = load(save(_status_words_workbook(), tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == GREEN
    assert sheet.at("D2").font_rgb == "006100"
    assert sheet.at("D2").rule == "Bedingte Formatierung D2:D7: Zellwert = „Grün“"
    assert sheet.fill("D3") == YELLOW  # "gelb" = "Gelb"
    assert sheet.fill("D4") == RED  # "ROT" = "Rot"
    assert sheet.fill("D7") == GREEN
    assert sheet.at("D5") is None  # "Grün (verzögert)" is not equal to "Grün"
    assert sheet.at("D6") is None  # blank is not "Grün"
    assert sheet.at("D8") is None  # outside the range


def test_cellis_numbers_between_and_reference_operand(tmp_path):
    wb, ws = workbook({2: 10, 3: 55, 4: 90, 5: None, 6: "n/a"}, H1=80)
    ws.conditional_formatting.add("D2:D6", CellIsRule(operator="greaterThanOrEqual", formula=["$H$1"],
                                                      fill=fill("00B050")))
    ws.conditional_formatting.add("D2:D6", CellIsRule(operator="between", formula=["50", "79"], fill=fill("FFC000")))
    ws.conditional_formatting.add("D2:D6", CellIsRule(operator="lessThan", formula=["50"], fill=fill("FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D4") == "00B050"  # 90 >= $H$1 (80)
    assert sheet.fill("D3") == "FFC000"
    assert sheet.fill("D2") == "FF0000"
    # Excel: a blank cell counts as 0 against a number, so "less than 50" paints it
    assert sheet.fill("D5") == "FF0000"
    # Excel: text sorts after every number, so it is ">= 80"
    assert sheet.fill("D6") == "00B050"


def test_cellis_relative_operand_shifts_with_the_row(tmp_path):
    # status in D is green when it reaches the target in E of the same row
    wb, ws = workbook({2: 5, 3: 9}, E2=5, E3=10)
    ws.conditional_formatting.add("D2:D3", CellIsRule(operator="greaterThanOrEqual", formula=["E2"],
                                                      fill=fill("C6EFCE")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == GREEN
    assert sheet.at("D3") is None


# --------------------------------------------------------------------------------------------
# expression rules
# --------------------------------------------------------------------------------------------


def test_expression_rules_paint_the_row_from_the_status_column(tmp_path):
    rows = {2: "Grün", 3: "umgesetzt", 4: "in Umsetzung", 5: "offen", 6: "  Offen "}
    wb, ws = workbook(rows)
    ws.conditional_formatting.add("B2:E6", FormulaRule(formula=['OR($D2="Grün",$D2="umgesetzt")'], fill=fill("C6EFCE")))
    ws.conditional_formatting.add("B2:E6", FormulaRule(formula=['ISNUMBER(SEARCH("umsetzung",$D2))'],
                                                       fill=fill("FFEB9C")))
    ws.conditional_formatting.add("B2:E6", FormulaRule(formula=['LOWER(TRIM($D2))="offen"'], fill=fill("FFC7CE")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    for col in "BCDE":
        assert sheet.fill(f"{col}2") == GREEN
        assert sheet.fill(f"{col}3") == GREEN
        assert sheet.fill(f"{col}4") == YELLOW
        assert sheet.fill(f"{col}5") == RED
        assert sheet.fill(f"{col}6") == RED  # TRIM and LOWER
    assert sheet.at("F2") is None


def test_expression_relative_reference_without_dollar(tmp_path):
    # =D5="umgesetzt" written for D5:D9; D7 looks at D7 itself, not at D5
    wb, ws = workbook({5: "offen", 6: "umgesetzt", 7: "umgesetzt"})
    ws.conditional_formatting.add("D5:D9", FormulaRule(formula=['D5="umgesetzt"'], fill=fill("00B050")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D5") is None
    assert sheet.fill("D6") == "00B050"
    assert sheet.fill("D7") == "00B050"


def test_expression_and_not_left_right_len(tmp_path):
    wb, ws = workbook({2: "G – läuft", 3: "Rot", 4: "R", 5: 3}, E2=1, E3=0, E4=1, E5=1)
    ws.conditional_formatting.add(
        "D2:D5", FormulaRule(formula=['AND(LEFT($D2,1)="G",NOT($E2=0))'], fill=fill("00B050"))
    )
    ws.conditional_formatting.add("D2:D5", FormulaRule(formula=['AND(LEN(D2)=1,RIGHT(D2)="R")'], fill=fill("FF0000")))
    ws.conditional_formatting.add("D2:D5", FormulaRule(formula=["$D2>=3"], fill=fill("FFC000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == "00B050"
    assert sheet.fill("D4") == "FF0000"
    assert sheet.fill("D5") == "FFC000"  # the number 3
    assert sheet.fill("D3") == "FFC000"  # text "Rot" >= 3: text sorts after numbers


# --------------------------------------------------------------------------------------------
# text rules and blanks
# --------------------------------------------------------------------------------------------


def test_text_rules_with_formula_as_excel_writes_them(tmp_path):
    wb, ws = workbook({2: "Status: grün", 3: "Gelb - wartet", 4: "noch ROT", 5: "offen"})
    ws.conditional_formatting.add("D2:D5", Rule(type="containsText", operator="containsText", text="grün",
                                                 formula=['NOT(ISERROR(SEARCH("grün",D2)))'],
                                                 dxf=DifferentialStyle(fill=fill("C6EFCE"))))
    ws.conditional_formatting.add("D2:D5", Rule(type="beginsWith", operator="beginsWith", text="gelb",
                                                 formula=['LEFT(D2,LEN("gelb"))="gelb"'],
                                                 dxf=DifferentialStyle(fill=fill("FFEB9C"))))
    ws.conditional_formatting.add("D2:D5", Rule(type="endsWith", operator="endsWith", text="rot",
                                                 formula=['RIGHT(D2,LEN("rot"))="rot"'],
                                                 dxf=DifferentialStyle(fill=fill("FFC7CE"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == GREEN
    assert sheet.at("D2").rule == "Bedingte Formatierung D2:D5: Text enthält „grün“"
    assert sheet.fill("D3") == YELLOW
    assert sheet.fill("D4") == RED
    assert sheet.at("D5") is None


def test_text_rules_from_the_text_attribute_alone(tmp_path):
    # writers that leave out the formula: the rule type and its text decide
    wb, ws = workbook({2: "GRÜN", 3: "nicht begonnen", 4: "begonnen", 5: "Gelb"})
    ws.conditional_formatting.add("D2:D5", Rule(type="notContainsText", operator="notContains", text="gr*n",
                                                 dxf=DifferentialStyle(font=Font(color="FF0000"))))
    ws.conditional_formatting.add("D2:D5", Rule(type="beginsWith", operator="beginsWith", text="NICHT",
                                                 dxf=DifferentialStyle(fill=fill("FFC7CE"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D2") is None  # wildcard gr*n matches GRÜN
    assert sheet.fill("D3") == RED and sheet.at("D3").font_rgb == "FF0000"
    assert sheet.fill("D4") is None and sheet.at("D4").font_rgb == "FF0000"


def test_text_comparison_is_excel_case_insensitive(tmp_path):
    # Excel folds case character by character: ß is not "SS"
    wb, ws = workbook({2: "STRASSE", 3: "STRAßE"})
    ws.conditional_formatting.add("D2:D3", CellIsRule(operator="equal", formula=['"straße"'], fill=fill("00B050")))
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=['UPPER(D2)="STRAßE"'], font=Font(color="FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D2") is None
    assert (sheet.fill("D3"), sheet.at("D3").font_rgb) == ("00B050", "FF0000")


def test_wildcards_on_a_full_cell_do_not_hang(tmp_path):
    # a regular expression .*a.*a.*a… backtracks for hours on 32,767 characters without a "b"
    wb, ws = workbook({2: "a" * 32767, 3: "a" * 32766 + "b"})
    ws.conditional_formatting.add("D2:D3", Rule(type="containsText", operator="containsText", text="*a*a*a*a*a*a*b",
                                                 dxf=DifferentialStyle(fill=fill("00B050"))))
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=['ISNUMBER(SEARCH("a?a*b",D2))'],
                                                       font=Font(color="FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D2") is None
    assert (sheet.fill("D3"), sheet.at("D3").font_rgb) == ("00B050", "FF0000")


def test_blank_rules_treat_spaces_as_blank(tmp_path):
    wb, ws = workbook({2: "Grün", 3: "   ", 4: None})
    ws.conditional_formatting.add("D2:D4", Rule(type="containsBlanks", formula=["LEN(TRIM(D2))=0"],
                                                 dxf=DifferentialStyle(fill=fill("D9D9D9"))))
    ws.conditional_formatting.add("D2:D4", Rule(type="notContainsBlanks", formula=["LEN(TRIM(D2))>0"],
                                                 dxf=DifferentialStyle(fill=fill("00B050"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == "00B050"
    assert sheet.fill("D3") == "D9D9D9"
    assert sheet.fill("D4") == "D9D9D9"


# --------------------------------------------------------------------------------------------
# priority, stopIfTrue, overlapping ranges
# --------------------------------------------------------------------------------------------


def test_first_true_rule_sets_the_fill_and_a_font_only_rule_does_not_clear_it(tmp_path):
    wb, ws = workbook({2: "Grün", 3: "Grün"}, E2="x")
    # priority 1: font only (fires for row 2); priority 2: green fill; priority 3: red fill
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=['$E2="x"'], font=Font(color="0000FF")))
    ws.conditional_formatting.add("D2:D3", CellIsRule(operator="equal", formula=['"Grün"'], fill=fill("00B050")))
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=['LEN(D2)>0'], fill=fill("FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    d2 = sheet.at("D2")
    assert (d2.fill, d2.font_rgb) == ("00B050", "0000FF")
    assert d2.rule.endswith("Zellwert = „Grün“")
    assert len(d2.rules) == 2
    assert sheet.at("D3").font_rgb is None and sheet.fill("D3") == "00B050"


def test_priority_decides_not_the_order_of_the_ranges(tmp_path):
    wb, ws = workbook(dict.fromkeys(range(2, 12), "Gelb"))
    # written first, but priority 2
    ws.conditional_formatting.add("D2:D11", Rule(type="expression", formula=['D2="Gelb"'], priority=2,
                                                  dxf=DifferentialStyle(fill=fill("FFEB9C"))))
    # an overlapping second range with priority 1 covers only D5:D7
    ws.conditional_formatting.add("D5:D7", Rule(type="expression", formula=['TRUE'], priority=1,
                                                 dxf=DifferentialStyle(fill=fill("BFBFBF"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D4") == YELLOW
    assert sheet.fill("D5") == "BFBFBF"
    assert sheet.fill("D7") == "BFBFBF"
    assert sheet.fill("D8") == YELLOW


def test_multiple_ranges_in_one_sqref_share_one_anchor(tmp_path):
    wb, ws = workbook({2: "Rot", 3: "Grün"}, F2="Rot", F3="Rot")
    ws.conditional_formatting.add("D2:D3 F2:F3", FormulaRule(formula=['D2="Rot"'], fill=fill("FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == "FF0000"
    assert sheet.at("D3") is None
    assert sheet.fill("F2") == "FF0000"  # D2 shifted two columns: F2
    assert sheet.fill("F3") == "FF0000"
    assert sheet.at("E2") is None


def test_stop_if_true_hides_lower_rules_and_icons(tmp_path):
    wb, ws = workbook({2: 10, 3: 90, 4: None, 5: 0})
    # the classic: a blank cell gets neither icon nor fill
    ws.conditional_formatting.add("D2:D5", Rule(type="expression", formula=['ISBLANK(D2)'], stopIfTrue=True,
                                                priority=1))
    ws.conditional_formatting.add("D2:D5", Rule(type="cellIs", operator="lessThan", formula=["50"], priority=2,
                                                 dxf=DifferentialStyle(fill=fill("FFC7CE"))))
    ws.conditional_formatting.add("D2:D5", IconSetRule("3TrafficLights1", "num", [0, 34, 67]))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D4") is None
    d2 = sheet.at("D2")
    assert d2.fill == RED and d2.icon == Icon("3TrafficLights1", 0, Status.ROT)
    assert sheet.at("D3").fill is None and sheet.icon("D3").status is Status.GRUEN


def test_stop_if_true_on_a_rule_with_fill(tmp_path):
    wb, ws = workbook({2: "Grün"})
    ws.conditional_formatting.add("D2", CellIsRule(operator="equal", formula=['"Grün"'], stopIfTrue=True,
                                                   font=Font(color="FFFFFF")))
    ws.conditional_formatting.add("D2", CellIsRule(operator="notEqual", formula=['"Rot"'], fill=fill("00B050")))
    wb2, ws2 = workbook({2: "Grün"})
    ws2.conditional_formatting.add("D2", CellIsRule(operator="equal", formula=['"Grün"'], font=Font(color="FFFFFF")))
    ws2.conditional_formatting.add("D2", CellIsRule(operator="notEqual", formula=['"Rot"'], fill=fill("00B050")))
    stopped = load(save(wb, tmp_path / "a.xlsx")).at("D2")
    assert (stopped.fill, stopped.font_rgb) == (None, "FFFFFF")
    both = load(save(wb2, tmp_path / "b.xlsx")).at("D2")
    assert (both.fill, both.font_rgb) == ("00B050", "FFFFFF")


# --------------------------------------------------------------------------------------------
# icon sets
# --------------------------------------------------------------------------------------------


def _icons(sheet: Sheet, refs: list[str]) -> list[tuple[int, Status | None] | None]:
    out = []
    for ref in refs:
        icon = sheet.icon(ref)
        out.append(None if icon is None else (icon.index, icon.status))
    return out


@pytest.mark.parametrize("reverse", [False, True])
def test_icon_set_number_thresholds_and_reverse(tmp_path, reverse):
    values = {2: 0, 3: 1, 4: 1.5, 5: 2, 6: 3, 7: "Grün", 8: None, 9: True}
    wb, ws = workbook(values)
    ws.conditional_formatting.add("D2:D9", IconSetRule("3TrafficLights1", "num", [0, 1, 2], reverse=reverse))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    got = _icons(sheet, [f"D{r}" for r in range(2, 10)])
    if not reverse:
        assert got[:5] == [(0, Status.ROT), (1, Status.GELB), (1, Status.GELB), (2, Status.GRUEN), (2, Status.GRUEN)]
    else:
        assert got[:5] == [(2, Status.GRUEN), (1, Status.GELB), (1, Status.GELB), (0, Status.ROT), (0, Status.ROT)]
    assert got[5:] == [None, None, None]  # text, blank and TRUE get no icon


def test_icon_set_percent_thresholds_over_the_range(tmp_path):
    wb, ws = workbook({2: 100, 3: 140, 4: 150, 5: 166, 6: 167, 7: 200})
    ws.conditional_formatting.add("D2:D7", IconSetRule("3Symbols", "percent", [0, 50, 67]))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    # min 100, max 200: thresholds 150 and 167
    assert [i.index for i in map(sheet.icon, ["D2", "D3", "D4", "D5", "D6", "D7"])] == [0, 0, 1, 1, 2, 2]
    assert sheet.icon("D7").status is Status.GRUEN


def test_icon_set_percentile_gte_and_icon_only(tmp_path):
    wb, ws = workbook(dict(zip(range(2, 7), [1, 2, 3, 4, 5], strict=True)))
    rule = IconSetRule("3Flags", "percentile", [0, 50, 75], showValue=False)
    rule.iconSet.cfvo[1].gte = False  # strictly greater than the median
    ws.conditional_formatting.add("D2:D6", rule)
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    # percentile 50 = 3, percentile 75 = 4 (PERCENTILE.INC)
    assert [sheet.icon(f"D{r}").index for r in range(2, 7)] == [0, 0, 0, 2, 2]
    assert sheet.icon("D2").show_value is False


def test_icon_sets_without_traffic_light_colours_give_no_status(tmp_path):
    wb, ws = workbook({2: 0, 3: 100}, E2=0, E3=100, F2=0, F3=100)
    ws.conditional_formatting.add("D2:D3", IconSetRule("5Quarters", "percent", [0, 20, 40, 60, 80]))
    ws.conditional_formatting.add("E2:E3", IconSetRule("4TrafficLights", "percent", [0, 25, 50, 75]))
    ws.conditional_formatting.add("F2:F3", IconSetRule("3ArrowsGray", "percent", [0, 33, 67]))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.icon("D3") == Icon("5Quarters", 4, None)
    assert sheet.icon("E2") == Icon("4TrafficLights", 0, None)  # the black light
    assert sheet.icon("E3") == Icon("4TrafficLights", 3, Status.GRUEN)
    assert sheet.icon("F3").status is None


def test_icon_set_dates_are_numbers(tmp_path):
    wb, ws = workbook({2: dt.datetime(2025, 1, 1), 3: dt.datetime(2025, 6, 1)})
    ws.conditional_formatting.add("D2:D3", IconSetRule("3Arrows", "formula", [0, "DATE(2025,3,1)", "DATE(2025,5,1)"]))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.icon("D2").status is Status.ROT
    assert sheet.icon("D3").status is Status.GRUEN


def test_range_statistics_are_taken_once_per_sheet(tmp_path):
    # a long status column: percent thresholds must not rescan the range for every cell
    n = 2000
    wb, ws = workbook({r: r % 100 for r in range(2, n + 2)})
    ws.conditional_formatting.add(f"D2:D{n + 1}", IconSetRule("3TrafficLights1", "percent", [0, 33, 67]))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    calls = 0

    class Grid:  # a fresh bound method on every access, as a reader's grid would hand out
        def value_at(self, row, col):
            nonlocal calls
            calls += 1
            return sheet.value_at(row, col)

    grid = Grid()
    icons = [sheet.cf.evaluate(r, 4, grid.value_at).icon for r in range(2, n + 2)]
    assert calls < 3 * n
    assert icons[0].status is Status.ROT and icons[97].status is Status.GRUEN  # values 0..99


def test_prepare_keeps_hypothetical_values_out_of_the_statistics(tmp_path):
    # "which icon would 50 get?" asked before any real cell: with prepare() the thresholds come
    # from the sheet (0..10), not from a range in which one cell is 50
    wb, ws = workbook({2: 0, 3: 5, 4: 10}, E2="a", E3="b", E4="a")
    ws.conditional_formatting.add("D2:D4", IconSetRule("3TrafficLights1", "percent", [0, 33, 67]))
    ws.conditional_formatting.add("E2:E4", Rule(type="duplicateValues", dxf=DifferentialStyle(fill=fill("FF0000"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    sheet.cf.prepare(sheet.value_at)

    def what_if(row: int, col: int, value: Any):
        return sheet.cf.evaluate(row, col, lambda r, c: value if (r, c) == (row, col) else sheet.value_at(r, c))

    assert what_if(2, 4, 50).icon.status is Status.GRUEN
    assert sheet.icon("D3").status is Status.GELB  # 5 of 0..10, not of 0..50
    assert sheet.fill("E2") == "FF0000" and sheet.at("E3") is None


X14_CUSTOM = x14_block(
    "D2:D4",
    '<x14:cfRule type="iconSet" priority="1" id="{00000000-0000-0000-0000-000000000001}">'
    '<x14:iconSet iconSet="3Stars" custom="1"{reverse}>'
    '<x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo>'
    '<x14:cfvo type="num"><xm:f>50</xm:f></x14:cfvo>'
    '<x14:cfvo type="num" gte="0"><xm:f>80</xm:f></x14:cfvo>'
    '<x14:cfIcon iconSet="3TrafficLights1" iconId="0"/>'
    '<x14:cfIcon iconSet="NoIcons" iconId="0"/>'
    '<x14:cfIcon iconSet="3Symbols" iconId="2"/>'
    "</x14:iconSet></x14:cfRule>",
)


@pytest.mark.parametrize("reverse", [False, True])
def test_x14_icon_set_with_custom_icons(tmp_path, reverse):
    wb, _ws = workbook({2: 10, 3: 60, 4: 90}, E2=0, E3=5)
    path = save(wb, tmp_path / "m.xlsx")
    stars = x14_block(
        "E2:E3",
        '<x14:cfRule type="iconSet" priority="2" id="{00000000-0000-0000-0000-000000000002}">'
        '<x14:iconSet iconSet="3Stars"><x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo>'
        '<x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo><x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo>'
        "</x14:iconSet></x14:cfRule>",
    )
    inject_ext(path, x14_ext(X14_CUSTOM.replace("{reverse}", ' reverse="1"' if reverse else ""), stars))
    sheet = load(path)
    low, mid, high = sheet.icon("D2"), sheet.icon("D3"), sheet.icon("D4")
    if not reverse:
        assert low == Icon("3TrafficLights1", 0, Status.ROT)
        assert mid is None  # NoIcons
        assert high == Icon("3Symbols", 2, Status.GRUEN)
    else:
        assert low == Icon("3Symbols", 2, Status.GRUEN)
        assert mid is None
        assert high == Icon("3TrafficLights1", 0, Status.ROT)
    assert "3 Sterne mit eigenen Symbolen" in sheet.at("D2").rule
    assert sheet.icon("E3") == Icon("3Stars", 2, None)


def test_x14_expression_with_inline_dxf_and_priority_against_main_rules(tmp_path):
    wb, ws = workbook({2: "Grün", 3: "x"})
    ws.conditional_formatting.add("D2:D3", Rule(type="expression", formula=['D2="Grün"'], priority=2,
                                                 dxf=DifferentialStyle(fill=fill("FF0000"))))
    path = save(wb, tmp_path / "m.xlsx")
    x14 = x14_block(
        "D2:D3",
        '<x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000003}">'
        '<xm:f>LOWER(D2)="grün"</xm:f>'
        '<x14:dxf><font><color theme="1"/></font><fill><patternFill><bgColor theme="9" tint="0.59996337778862885"/>'
        "</patternFill></fill></x14:dxf></x14:cfRule>",
    )
    inject_ext(path, x14_ext(x14))
    sheet = load(path)
    # accent6 of the file's theme (openpyxl writes Office 2007's, F79646) lighter 60 %: the x14
    # rule has priority 1 and wins over the red main rule
    assert sheet.fill("D2") == "FCD5B4"
    assert sheet.at("D2").font_rgb == "000000"
    assert sheet.at("D3") is None


def test_xlsxwriter_icon_set_with_own_thresholds_and_a_linked_data_bar(tmp_path):
    import xlsxwriter

    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Sprache")
    for row, value in enumerate([95, 60, 40, 10, "n/a"], start=1):
        ws.write(row, 3, value)
        ws.write(row, 4, row)
    green = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
    # above 90 the cell is painted and, with stop_if_true, shows no icon
    ws.conditional_format("D2:D6", {"type": "cell", "criteria": ">=", "value": 90, "format": green,
                                    "stop_if_true": True})
    ws.conditional_format("D2:D6", {"type": "icon_set", "icon_style": "3_traffic_lights",
                                    "icons": [{"criteria": ">=", "type": "number", "value": 90},
                                              {"criteria": ">", "type": "percentile", "value": 50}]})
    ws.conditional_format("E2:E6", {"type": "data_bar", "bar_solid": True})  # main rule + linked x14 rule
    ws.conditional_format("F2:F6", {"type": "formula", "criteria": '=$D2="n/a"', "format": green})
    wb.close()
    sheet = load(path)
    d2 = sheet.at("D2")
    assert (d2.fill, d2.font_rgb, d2.icon) == (GREEN, "006100", None)
    # percentile 50 of 10, 40, 60, 95 is 50, and XlsxWriter's ">" is gte="0"
    assert _icons(sheet, ["D3", "D4", "D5", "D6"]) == [(1, Status.GELB), (0, Status.ROT), (0, Status.ROT), None]
    assert [sheet.at(f"E{r}") for r in range(2, 7)] == [None] * 5
    assert sheet.fill("F6") == GREEN and sheet.at("F5") is None
    assert len(sheet.cf) == 4  # the data bar's x14 half is not a rule of its own


# --------------------------------------------------------------------------------------------
# colour scales and data bars
# --------------------------------------------------------------------------------------------


def test_three_colour_scale_shows_the_interpolated_colour(tmp_path):
    wb, ws = workbook({2: 0, 3: 20, 4: 40, 5: 60, 6: 100, 7: "k. A."})
    ws.conditional_formatting.add("D2:D7", ColorScaleRule(start_type="min", start_color="F8696B",
                                                          mid_type="percentile", mid_value=50, mid_color="FFEB84",
                                                          end_type="max", end_color="63BE7B"))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.fill("D2") == "F8696B"
    # Excel's default red-yellow-green scale: its stops say Rot, Gelb, Grün to the colour classes
    assert [classify(sheet.fill(f"D{r}")).value for r in (2, 4, 6)] == ["rot", "gelb", "gruen"]
    assert sheet.fill("D3") == "FCAA78"  # halfway between F8696B and FFEB84 (the median is 40)
    assert sheet.fill("D4") == "FFEB84"
    assert sheet.fill("D5") == "CBDC81"  # 60: a third of the way from the median to the maximum
    assert sheet.fill("D6") == "63BE7B"
    assert sheet.at("D7") is None
    assert sheet.at("D2").rule == "Bedingte Formatierung D2:D7: Farbskala (3 Farben)"


def test_two_colour_scale_with_numbers(tmp_path):
    wb, ws = workbook({2: 0, 3: 5, 4: 10, 5: 20})
    ws.conditional_formatting.add("D2:D5", ColorScaleRule(start_type="num", start_value=0, start_color="FF0000",
                                                          end_type="num", end_value=10, end_color="00FF00"))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert [sheet.fill(f"D{r}") for r in range(2, 6)] == ["FF0000", "808000", "00FF00", "00FF00"]


def test_data_bars_give_nothing(tmp_path):
    from openpyxl.formatting.rule import DataBarRule

    wb, ws = workbook({2: 1, 3: 5})
    ws.conditional_formatting.add("D2:D3", DataBarRule(start_type="min", end_type="max", color="638EC6"))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert sheet.at("D3") is None


def test_statistic_rules_over_the_range(tmp_path):
    wb, ws = workbook({2: "M 1", 3: "m 1", 4: "M 2", 5: None}, E2=10, E3=20, E4=30, E5=40, F2=1, F3=2, F4=3, F5=4)
    ws.conditional_formatting.add("D2:D5", Rule(type="duplicateValues", dxf=DifferentialStyle(fill=fill("FF0000"))))
    ws.conditional_formatting.add("E2:E5", Rule(type="top10", rank=25, percent=True,
                                                dxf=DifferentialStyle(fill=fill("00B050"))))
    ws.conditional_formatting.add("E2:E5", Rule(type="top10", rank=2, bottom=True,
                                                dxf=DifferentialStyle(fill=fill("FFC000"))))
    ws.conditional_formatting.add("F2:F5", Rule(type="aboveAverage", aboveAverage=False,
                                                dxf=DifferentialStyle(fill=fill("FFC7CE"))))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    assert [sheet.fill(f"D{r}") for r in range(2, 6)] == ["FF0000", "FF0000", None, None]
    assert [sheet.fill(f"E{r}") for r in range(2, 6)] == ["FFC000", "FFC000", None, "00B050"]
    assert [sheet.fill(f"F{r}") for r in range(2, 6)] == [RED, RED, None, None]  # below 2.5


def test_today_uses_the_given_clock(tmp_path):
    wb, ws = workbook({2: dt.datetime(2025, 1, 31), 3: dt.datetime(2025, 3, 1)})
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=["$D2<TODAY()"], fill=fill("FF0000")))
    sheet = load(save(wb, tmp_path / "m.xlsx"), now=dt.datetime(2025, 2, 15, 9, 30))
    assert sheet.fill("D2") == "FF0000"
    assert sheet.at("D3") is None


def test_date_rules_as_excel_writes_them(tmp_path):
    # Wednesday 12 February 2025; Excel's week runs Sunday to Saturday
    days = {2: dt.datetime(2025, 2, 11, 16), 3: dt.datetime(2025, 2, 9), 4: dt.datetime(2025, 2, 2),
            5: dt.datetime(2025, 1, 31)}
    wb, ws = workbook(days)
    ws.conditional_formatting.add("D2:D5", Rule(type="timePeriod", timePeriod="yesterday",
                                                formula=["FLOOR(D2,1)=TODAY()-1"],
                                                dxf=DifferentialStyle(fill=fill("FF0000"))))
    ws.conditional_formatting.add("D2:D5", Rule(type="timePeriod", timePeriod="lastWeek",
                                                dxf=DifferentialStyle(fill=fill("FFC000")),
                                                formula=["AND(TODAY()-ROUNDDOWN(D2,0)>=(WEEKDAY(TODAY())),"
                                                         "TODAY()-ROUNDDOWN(D2,0)<(WEEKDAY(TODAY())+7))"]))
    ws.conditional_formatting.add("D2:D5", Rule(type="timePeriod", timePeriod="lastMonth",
                                                dxf=DifferentialStyle(fill=fill("0070C0")),
                                                formula=["AND(MONTH(D2)=MONTH(EDATE(TODAY(),0-1)),"
                                                         "YEAR(D2)=YEAR(EDATE(TODAY(),0-1)))"]))
    sheet = load(save(wb, tmp_path / "m.xlsx"), now=dt.datetime(2025, 2, 12, 9))
    assert [sheet.fill(f"D{r}") for r in range(2, 6)] == ["FF0000", None, "FFC000", "0070C0"]
    assert sheet.at("D2").rule == "Bedingte Formatierung D2:D5: Datum gestern"


# --------------------------------------------------------------------------------------------
# unreadable rules
# --------------------------------------------------------------------------------------------


def test_unreadable_rules_are_named_never_guessed(tmp_path):
    wb, ws = workbook({2: "Grün", 3: "Rot"})
    ws.conditional_formatting.add("D2:D3", FormulaRule(formula=['COUNTIF($D$2:$D$3,D2)>1'], fill=fill("FF0000")))
    ws.conditional_formatting.add("D2:D3", Rule(type="aboveAverage", stdDev=1,
                                                dxf=DifferentialStyle(fill=fill("00B050"))))
    ws.conditional_formatting.add("D2:D3", CellIsRule(operator="equal", formula=['"Grün"'], fill=fill("C6EFCE")))
    sheet = load(save(wb, tmp_path / "m.xlsx"))
    d2 = sheet.at("D2")
    assert d2.fill == GREEN
    assert d2.unreadable == (
        "Bedingte Formatierung D2:D3: Formel =COUNTIF($D$2:$D$3,D2)>1 "
        "(Formel nicht auswertbar: Funktion COUNTIF wird nicht ausgewertet)",
        "Bedingte Formatierung D2:D3: über dem Durchschnitt (Standardabweichung 1) "
        "(Abstand in Standardabweichungen wird nicht ausgewertet)",
    )
    d3 = sheet.at("D3")  # nothing readable applies, but the cell is named
    assert d3.fill is None and d3.rule == "" and len(d3.unreadable) == 2


def test_reference_to_another_sheet_is_unreadable(tmp_path):
    wb, ws = workbook({2: "Grün"})
    wb.create_sheet("Legende")["A1"] = "Grün"
    ws.conditional_formatting.add("D2", FormulaRule(formula=["D2=Legende!$A$1"], fill=fill("00B050")))
    out = load(save(wb, tmp_path / "m.xlsx")).at("D2")
    assert out.fill is None
    assert out.unreadable == (
        "Bedingte Formatierung D2: Formel =D2=Legende!$A$1 "
        "(Formel nicht auswertbar: Bezug auf ein anderes Tabellenblatt)",
    )


def test_a_stop_if_true_rule_above_hides_an_unreadable_rule(tmp_path):
    wb, ws = workbook({2: "Grün"})
    ws.conditional_formatting.add("D2", CellIsRule(operator="equal", formula=['"Grün"'], stopIfTrue=True,
                                                   fill=fill("00B050")))
    ws.conditional_formatting.add("D2", FormulaRule(formula=['COUNTIF($D$2:$D$9,"Rot")>0'], fill=fill("FF0000")))
    out = load(save(wb, tmp_path / "m.xlsx")).at("D2")
    assert out.fill == "00B050" and out.unreadable == ()


# --------------------------------------------------------------------------------------------
# dxf fills and colours
# --------------------------------------------------------------------------------------------


def test_dxf_colours_theme_indexed_and_excel_fill_rules():
    styles = ET.fromstring(
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dxfs count="6">'
        '<dxf><fill><patternFill><bgColor theme="9" tint="-0.249977111117893"/></patternFill></fill></dxf>'
        '<dxf><font><color indexed="10"/></font><fill><patternFill><bgColor indexed="13"/></patternFill></fill></dxf>'
        '<dxf><fill><patternFill patternType="solid"><fgColor rgb="FF00B050"/></patternFill></fill></dxf>'
        '<dxf><fill><patternFill patternType="solid"><fgColor rgb="FFFF0000"/><bgColor rgb="FF00B050"/>'
        '</patternFill></fill></dxf>'
        '<dxf><fill><patternFill patternType="none"/></fill></dxf>'
        '<dxf><fill><patternFill patternType="lightGray"><fgColor rgb="FF000000"/><bgColor rgb="FFFFC000"/>'
        '</patternFill></fill></dxf>'
        "</dxfs></styleSheet>"
    )
    dxfs = parse_dxfs(styles, ColorResolver())
    assert dxfs[0].fill == "548235"  # accent6 70AD47 darker 25 %
    assert (dxfs[1].fill, dxfs[1].font_rgb) == ("FFFF00", "FF0000")
    assert dxfs[2].fill is None and not dxfs[2].sets_fill  # Excel shows a solid dxf fill's bgColor only
    assert dxfs[3].fill == "00B050"
    assert dxfs[4].fill is None and dxfs[4].fill_cleared
    assert dxfs[5].fill == "FFC000"


# --------------------------------------------------------------------------------------------
# the formula subset
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    ['__import__("os").system("x")', "INDIRECT(\"A1\")", "A1:A3=1", "SUM(A1,A2)", "Tabelle2!A1=1", "A1=", "{1,2}",
     "1E400>1", "(" * 500 + "1" + ")" * 500, "1" + "+1" * 3000, "-" * 3000 + "1"],
)
def test_formulas_outside_the_subset_are_refused(formula):
    with pytest.raises(FormulaError):
        parse_formula(formula)


_ATOMS = st.sampled_from(['"Grün"', '"gelb"', '""', "0", "1.5", "1E3", "50%", "TRUE", "D5", "$D$5", "$D5", "E$5",
                          "XFD1"])
_FUNCS = st.sampled_from([("AND", 1), ("AND", 3), ("OR", 2), ("NOT", 1), ("IF", 3), ("ISNUMBER", 1), ("ISTEXT", 1),
                          ("ISBLANK", 1), ("ISERROR", 1), ("SEARCH", 2), ("FIND", 3), ("LEFT", 2), ("RIGHT", 1),
                          ("MID", 3), ("LOWER", 1), ("UPPER", 1), ("TRIM", 1), ("LEN", 1), ("EXACT", 2),
                          ("VALUE", 1), ("DATE", 3)])
_FORMULAS = st.recursive(
    _ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["=", "<>", "<", ">=", "&", "+", "-", "*", "/", "^"]), inner).map(
            lambda t: f"{t[0]}{t[1]}{t[2]}"),
        st.tuples(_FUNCS, st.lists(inner, min_size=3, max_size=3)).map(
            lambda t: f"{t[0][0]}({','.join(t[1][:t[0][1]])})"),
        inner.map(lambda x: f"-({x})"),
    ),
    max_leaves=8,
)
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                    st.sampled_from(["#N/A", "#DIV/0!", "Grün"]),
                    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)))


@settings(max_examples=300, deadline=None)
@given(formula=_FORMULAS, value=_VALUES, row=st.integers(1, 30), col=st.integers(1, 30))
def test_any_formula_of_the_subset_evaluates_without_error(formula, value, row, col):
    """Formulas of the subset never raise: a wrong argument is an Excel error value, i.e. false."""
    styles = ET.fromstring('<styleSheet><dxfs><dxf><fill><patternFill><bgColor rgb="FF00B050"/></patternFill></fill>'
                           '</dxf></dxfs></styleSheet>')
    resolver = ColorResolver()
    sheet = ET.fromstring(
        '<worksheet><conditionalFormatting sqref="A1:AD30">'
        f'<cfRule type="expression" priority="1" dxfId="0"><formula>{escape(formula)}</formula></cfRule>'
        f'<cfRule type="cellIs" operator="between" priority="2" dxfId="0"><formula>{escape(formula)}</formula>'
        f'<formula>D5</formula></cfRule>'
        "</conditionalFormatting></worksheet>"
    )
    cf = ConditionalFormats.from_sheet([sheet], parse_dxfs(styles, resolver), resolver)
    out = cf.evaluate(row, col, lambda r, c: value)
    assert out is None or out.fill == "00B050"
    assert out is None or not out.unreadable


_ATTRS = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["cellIs", "expression", "iconSet", "colorScale", "dataBar", "top10", "containsText",
                             "aboveAverage", "duplicateValues", "timePeriod", "bogus", ""]),
    "priority": st.sampled_from(["1", "0", "-3", "x", "99999999999999999999"]),
    "dxfId": st.sampled_from(["0", "5", "-1", "x"]),
    "operator": st.sampled_from(["equal", "between", "notBetween", "containsText", "weird"]),
    "stopIfTrue": st.sampled_from(["1", "0", "true", "maybe"]),
    "rank": st.sampled_from(["0", "3", "x"]),
    "text": st.sampled_from(["", "grün", "*"]),
})
_CHILDREN = st.lists(st.sampled_from([
    "<formula>1</formula>", "<formula></formula>", "<formula>((</formula>", '<formula>"a"</formula>',
    '<iconSet iconSet="3Stars"><cfvo type="percent" val="0"/><cfvo type="num" val="x"/><cfvo type="max"/></iconSet>',
    '<iconSet iconSet="5Boxes" reverse="1"><cfvo type="min"/><cfvo type="percentile" val="200"/></iconSet>',
    '<iconSet><cfvo type="percent" val="0"/><cfvo type="percent" val="33"/><cfvo type="percent" val="67"/></iconSet>',
    '<colorScale><cfvo type="min"/><cfvo type="max"/><color rgb="FFFF0000"/><color theme="99"/></colorScale>',
    '<colorScale><cfvo type="min"/><cfvo type="max"/><color rgb="FFFF0000"/><color rgb="zz"/></colorScale>',
]), max_size=3)


@settings(max_examples=300, deadline=None)
@given(attrs=_ATTRS, children=_CHILDREN,
       sqref=st.sampled_from(["A1:C5", "C:C", "2:2", "A1 B2:B3", "", "ZZZZ9", "B5:A1"]),
       values=st.lists(_VALUES, min_size=1, max_size=5))
def test_damaged_rules_never_raise(attrs, children, sqref, values):
    """Whatever a rule looks like, reading and evaluating it gives an outcome or an unreadable rule."""
    attr_text = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    sheet = ET.fromstring(
        f'<worksheet><conditionalFormatting sqref="{sqref}"><cfRule{attr_text}>{"".join(children)}</cfRule>'
        "</conditionalFormatting></worksheet>"
    )
    resolver = ColorResolver()
    cf = ConditionalFormats.from_sheet([sheet], [], resolver, extent=(10, 5))
    for row in range(1, 6):
        for col in range(1, 4):
            out = cf.evaluate(row, col, lambda r, c: values[(r + c) % len(values)])
            assert out is None or isinstance(out.unreadable, tuple)


# --------------------------------------------------------------------------------------------
# what LibreOffice and Gnumeric write
# --------------------------------------------------------------------------------------------


def _mixed_workbook():
    rows = {2: "Grün", 3: "gelb", 4: "noch rot", 5: "umgesetzt", 6: None, 7: "offen"}
    wb, ws = workbook(rows)
    for r, v in zip(range(2, 8), [10, 40, 70, 100, 55, "n/a"], strict=True):
        ws.cell(r, 5, v)
    ws.conditional_formatting.add("D2:D7", CellIsRule(operator="equal", formula=['"Grün"'], fill=fill("C6EFCE")))
    ws.conditional_formatting.add("D2:D7", FormulaRule(
        formula=['$D2="gelb"'], fill=PatternFill(start_color="FFEB9C", end_color="FFEB9C", fill_type="solid")))
    ws.conditional_formatting.add("D2:D7", Rule(type="containsText", operator="containsText", text="rot",
                                                 formula=['NOT(ISERROR(SEARCH("rot",D2)))'],
                                                 dxf=DifferentialStyle(fill=fill("FFC7CE"))))
    ws.conditional_formatting.add("D2:D7", FormulaRule(formula=['D2="umgesetzt"'], font=Font(color=Color(theme=9))))
    ws.conditional_formatting.add("E2:E7", IconSetRule("3TrafficLights1", "num", [0, 34, 67], reverse=True))
    for r, v in zip(range(2, 6), [0, 50, 100, 75], strict=True):
        ws.cell(r, 6, v)
    ws.conditional_formatting.add("F2:F5", ColorScaleRule(start_type="num", start_value=0, start_color="FF0000",
                                                          mid_type="percent", mid_value=50, mid_color="FFFF00",
                                                          end_type="max", end_color="00B050"))
    return wb


def _assert_mixed(sheet: Sheet, icons: bool = True) -> None:
    assert sheet.fill("D2") == GREEN
    assert sheet.fill("D3") == YELLOW
    assert sheet.fill("D4") == RED
    assert sheet.at("D5").font_rgb == "F79646" and sheet.fill("D5") is None
    assert sheet.at("D6") is None and sheet.at("D7") is None
    if icons:  # icon sets and colour scales (Gnumeric drops both)
        assert _icons(sheet, [f"E{r}" for r in range(2, 8)]) == [
            (2, Status.GRUEN), (1, Status.GELB), (0, Status.ROT), (0, Status.ROT), (1, Status.GELB), None,
        ]
        assert [sheet.fill(f"F{r}") for r in range(2, 6)] == ["FF0000", "FFFF00", "00B050", "80D828"]


def test_openpyxl_original(tmp_path):
    _assert_mixed(load(save(_mixed_workbook(), tmp_path / "m.xlsx")))


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_resave(tmp_path):
    resaved = resave_libreoffice(save(_mixed_workbook(), tmp_path / "m.xlsx"), tmp_path)
    _assert_mixed(load(resaved))


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_resave_of_x14_custom_icons(tmp_path):
    wb, _ws = workbook({2: 10, 3: 60, 4: 90})
    path = save(wb, tmp_path / "m.xlsx")
    inject_ext(path, x14_ext(X14_CUSTOM.replace("{reverse}", "")))
    sheet = load(resave_libreoffice(path, tmp_path))
    assert sheet.icon("D2") == Icon("3TrafficLights1", 0, Status.ROT)
    assert sheet.icon("D3") is None
    assert sheet.icon("D4") == Icon("3Symbols", 2, Status.GRUEN)


@needs_ssconvert
@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_gnumeric_resave(tmp_path):
    resaved = resave_gnumeric(save(_mixed_workbook(), tmp_path / "m.xlsx"), tmp_path)
    # Gnumeric writes every rule with priority 1 and stopIfTrue, in document order, and drops
    # icon sets: the fills still come out as Excel shows the original
    _assert_mixed(load(resaved), icons=False)
