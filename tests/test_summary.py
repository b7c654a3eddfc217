"""The summary workbook and ``ampel-xl summary``: figures, charts, formats, print setup, texts,
determinism, the command's exit codes and atomic writes, and a real spreadsheet program.

Masters are built in code (tests/builders.py); the bundled example master is used when present.
The written summary is opened with openpyxl and checked cell by cell against the master.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import uuid
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.chart import BarChart, DoughnutChart

from ampel_xl import compare, read, summarize, validate
from ampel_xl.cli import cli
from ampel_xl.figures import EXCEL_PERCENT_FORMAT, format_percent, percent_parts
from ampel_xl.model import STATUS_COLORS, STATUS_FILLS, Status, document_date
from ampel_xl.xlsx.summary import write_summary
from builders import FieldSheet, build, simple_field

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
KOPFZEILE = "ANLAGE 1 – PROTOKOLL STEUERUNGSGRUPPE INTEGRATION 3. FEBRUAR 2025"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

WORDS = {"gruen": "Grün", "gelb": "Gelb", "rot": "Rot", None: "ohne Bewertung"}


# --------------------------------------------------------------------------------------------
# Masters


def rich_master(path: Path) -> Path:
    """Two fields; texts that look like formulas/numbers; extra columns; a field sheet called
    "Übersicht" (collides with the summary's own sheet); one measure outside the evaluation."""
    header = ("Nr", "Unterziel / Maßnahme", "Ampel", "Bemerkung", "Kosten")
    f1 = FieldSheet("Handlungsfeld Sprache", "Sprache", header=header, oberziel="Alle sprechen Deutsch.",
                    sachstand="Es läuft gut.", highlights="• Erstens\n• Zweitens")
    f1.unterziel(1, "Zugang zu Kursen")
    f1.measure(1, "Kurse anbieten", status="Grün", blue="nr",
               values={"Bemerkung": "+49 7531 800-0", "Kosten": "100 €"})
    f1.measure(2, "PLACEHOLDER", status="Gelb", blue="nr")
    f1.measure(3, "Dritte", status="Rot")  # not blue: not in the evaluation
    f1.unterziel(2, "-5 Punkte Plan")
    f1.measure(4, "Vierte", status="Grün", blue="nr")
    f1.measure(5, "Fünfte", status="Grün", blue="nr")
    f2 = FieldSheet("Querschnittsthema Zusammenarbeit mit kreisangehörigen Kommunen", "Übersicht")
    f2.unterziel(1)
    f2.measure(1, "a", status="Grün", blue="nr")
    f2.measure(2, "b", status="Rot", blue="nr")
    build(path, [f1, f2],
          konzept={"Titel": "Integrationskonzept 9.9", "Gebiet": "Landkreis Test", "Stand": dt.date(2025, 2, 3),
                   "Kopfzeile": KOPFZEILE},
          declared=[("Sprache", "Handlungsfeld", 2, 5),
                    ("Zusammenarbeit mit kreisangehörigen Kommunen", "Querschnittsthema", 1, 2)])
    # openpyxl writes "=..." as a formula; make it a literal text, as Excel does with a leading '
    wb = load_workbook(path)
    cell = wb["Sprache"].cell(f1.row_of(2), 2)
    cell.value, cell.data_type = "=SUMME(A1)", "s"
    wb.save(path)
    return path


def error_master(path: Path) -> Path:
    """A master with errors: a status text that names no status, a counted measure without status."""
    f = simple_field(n_uz=1, per_uz=3)
    f.measure(4, "Unklar", status="lila")
    f.measure(5, "Ohne Status")
    return build(path, [f])


@pytest.fixture
def rich(tmp_path) -> Path:
    return rich_master(tmp_path / "Ampel-Master.xlsx")


def load(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl drops Excel-2010 extensions (data bar styling)
        return load_workbook(path)


def write(master: Path, out: Path, **kw) -> Path:
    k = read(master)
    return write_summary(summarize(k, validate(k)), out, **kw)


def find_row(ws, col: int, value) -> int:
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} not found in column {col} of {ws.title}")


def header_map(ws, row: int) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}


def table_rows(ws, header_row: int, end_label: str = "Gesamt") -> list[int]:
    rows = []
    r = header_row + 1
    while ws.cell(r, 1).value != end_label:
        assert r < header_row + 10_000
        rows.append(r)
        r += 1
    return [*rows, r]


def fill_rgb(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


def palette(key: str) -> str:
    return STATUS_COLORS[key].lstrip("#").upper()


#: The chart pattern of each status (none for Grün): the charts read without colour too.
PATTERNS = {"gruen": None, "gelb": "dotGrid", "rot": "ltUpDiag", "ohne": "openDmnd"}


def chart_fill(sp_pr) -> tuple[str, str | None]:
    """(colour, pattern) of a chart series' or point's fill: the solid colour, or a pattern's background."""
    if sp_pr.pattFill is not None:
        return sp_pr.pattFill.bgClr.srgbClr.upper(), sp_pr.pattFill.prst
    return sp_pr.solidFill.srgbClr.upper(), None


def status_fill(key: str) -> tuple[str, str | None]:
    return palette(key), PATTERNS[key]


def expected_counts(massnahmen) -> dict[str, int]:
    """Counts computed straight from the model (independent of ampel_xl.figures)."""
    ms = list(massnahmen)
    c = Counter(m.status for m in ms if m.in_auswertung)
    return {"Grün": c[Status.GRUEN], "Gelb": c[Status.GELB], "Rot": c[Status.ROT],
            "Summe": sum(1 for m in ms if m.in_auswertung), "Maßnahmen gesamt": len(ms)}


def rng(sheet: str, col: str, first: int, last: int, last_col: str | None = None) -> str:
    """An absolute range as XlsxWriter writes it (one cell: no colon)."""
    q = "'" if re.search(r"[^\w]", sheet) else ""
    a, b = f"${col}${first}", f"${last_col or col}${last}"
    return f"{q}{sheet}{q}!{a}" + (f":{b}" if b != a else "")


def chart_title(chart) -> str:
    return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


def series_ref(ref) -> str | None:
    if ref is None:
        return None
    for attr in ("numRef", "strRef"):
        inner = getattr(ref, attr, None)
        if inner is not None:
            return inner.f
    return None


def chart_labels(path: Path, title: str) -> dict[int, str]:
    """The static data-label texts, by point, of the chart titled ``title`` in a written workbook."""
    import xml.etree.ElementTree as ET
    import zipfile

    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            t = root.find("c:chart/c:title", ns)
            if t is None or "".join(x.text or "" for x in t.iter(f"{{{ns['a']}}}t")) != title:
                continue
            out = {}
            for lbl in root.iter(f"{{{ns['c']}}}dLbl"):
                idx = int(lbl.find("c:idx", ns).get("val"))
                rich = lbl.find("c:tx/c:rich", ns)
                if lbl.find("c:delete", ns) is None and rich is not None:
                    out[idx] = "".join(x.text or "" for x in rich.iter(f"{{{ns['a']}}}t"))
            return out
    raise AssertionError(f"no chart titled {title!r}")


# --------------------------------------------------------------------------------------------
# Helpers


def test_document_date_comes_from_the_master(rich):
    k = read(rich)
    assert document_date(k) == dt.datetime(2025, 2, 3)


# --------------------------------------------------------------------------------------------
# The workbook


def test_sheets_and_overview_figures(rich, tmp_path):
    out = write(rich, tmp_path / "z.xlsx")
    k = read(rich)
    wb = load(out)
    assert wb.sheetnames == ["Übersicht", "Sprache", "Übersicht (2)", "Maßnahmen"]  # no findings: no Prüfbericht
    ws = wb["Übersicht"]
    texts = [c.value for row in ws.iter_rows(max_row=12) for c in row if isinstance(c.value, str)]
    assert "Integrationskonzept 9.9 – Landkreis Test" in texts
    assert "3. Februar 2025" in texts
    assert k.auswertung_rule in texts  # the rule applied is stated
    assert "6 von 7 Maßnahmen" in texts

    hr = find_row(ws, 1, "Feld")
    cols = header_map(ws, hr)
    for label in ("Grün", "Gelb", "Rot", "Summe", "Maßnahmen gesamt", "Anteil Grün", "Anteil Gelb", "Anteil Rot"):
        assert label in cols
    assert "ohne Bewertung" not in cols  # no measure without status
    rows = table_rows(ws, hr)
    assert [ws.cell(r, 1).value for r in rows] == [f.name for f in k.felder] + ["Gesamt"]
    groups = [f.massnahmen for f in k.felder] + [k.massnahmen]
    for r, ms in zip(rows, groups, strict=True):
        exp = expected_counts(ms)
        for label, value in exp.items():
            assert ws.cell(r, cols[label]).value == value, (r, label)
        # the cell holds the printed whole percent (the one rounding rule: each share on its own)
        parts = percent_parts([exp[w] for w in ("Grün", "Gelb", "Rot")])
        for word, pct in zip(("Grün", "Gelb", "Rot"), parts, strict=True):
            share = ws.cell(r, cols[f"Anteil {word}"]).value
            assert share == pytest.approx(pct / 100)
            assert abs(share - exp[word] / exp["Summe"]) < 0.01
            assert ws.cell(r, cols[f"Anteil {word}"]).number_format == EXCEL_PERCENT_FORMAT
    # Sprache: measure 3 is not blue, so 4 of 5 count (3 Grün, 1 Gelb, 0 Rot)
    assert ([ws.cell(rows[0], cols[x]).value for x in ("Grün", "Gelb", "Rot", "Summe", "Maßnahmen gesamt")]
            == [3, 1, 0, 4, 5])


def test_overview_charts_and_conditional_formats(rich, tmp_path):
    out = write(rich, tmp_path / "z.xlsx")
    wb = load(out)
    ws = wb["Übersicht"]
    hr = find_row(ws, 1, "Feld")
    cols = header_map(ws, hr)
    rows = table_rows(ws, hr)
    first, last, total = rows[0], rows[-2], rows[-1]
    L = {w: ws.cell(hr, cols[w]).column_letter for w in ("Grün", "Gelb", "Rot")}

    charts = ws._charts
    assert [type(c) for c in charts] == [DoughnutChart, BarChart]
    donut, bars = charts
    # 4/1/1 of 6: 67 + 17 + 17 = 101 %, so the title carries the note
    assert chart_title(donut) == "Ergebnisse Integrationskonzept 9.9 gesamt\nRundungsdifferenzen möglich"
    (s,) = donut.series
    assert series_ref(s.val) == f"Übersicht!${L['Grün']}${total}:${L['Rot']}${total}"
    assert series_ref(s.cat) == f"Übersicht!${L['Grün']}${hr}:${L['Rot']}${hr}"
    assert [(p.idx, chart_fill(p.spPr)) for p in s.dPt] == [
        (0, status_fill("gruen")), (1, status_fill("gelb")), (2, status_fill("rot"))]
    # count and share as the figures print them (static texts; Excel's own percentages may add to 99)
    values = [int(ws.cell(total, cols[w]).value) for w in ("Grün", "Gelb", "Rot")]
    expected = {i: f"{v}\n{format_percent(p)}"
                for i, (v, p) in enumerate(zip(values, percent_parts(values), strict=True)) if v}
    assert chart_labels(out, "Ergebnisse Integrationskonzept 9.9 gesamt\nRundungsdifferenzen möglich") == expected

    assert bars.barDir == "bar" and bars.grouping == "percentStacked"
    assert [series_ref(x.tx) for x in bars.series] == [f"Übersicht!${L[w]}${hr}" for w in ("Grün", "Gelb", "Rot")]
    for x, w, key in zip(bars.series, ("Grün", "Gelb", "Rot"), ("gruen", "gelb", "rot"), strict=True):
        assert series_ref(x.val) == f"Übersicht!${L[w]}${first}:${L[w]}${last}"
        assert series_ref(x.cat) == f"Übersicht!$A${first}:$A${last}"
        assert chart_fill(x.spPr) == status_fill(key)

    rules = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            rules[str(cf.sqref)] = rule
    for w, key in (("Grün", "gruen"), ("Gelb", "gelb"), ("Rot", "rot")):
        rule = rules[f"{L[w]}{first}:{L[w]}{total}"]
        assert (rule.type, rule.operator, rule.formula) == ("cellIs", "greaterThan", ["0"])
        assert rule.dxf.fill.bgColor.rgb[-6:].upper() == STATUS_FILLS[key].lstrip("#").upper()
        share_col = ws.cell(hr, cols[f"Anteil {w}"]).column_letter
        bar = rules[f"{share_col}{first}:{share_col}{total}"]
        assert bar.type == "dataBar"
        assert bar.dataBar.color.rgb[-6:].upper() == palette(key)
        assert [(v.type, float(v.val)) for v in bar.dataBar.cfvo] == [("num", 0.0), ("num", 1.0)]


def test_field_sheet(rich, tmp_path):
    k = read(rich)
    wb = load(write(rich, tmp_path / "z.xlsx"))
    for f, name in zip(k.felder, ["Sprache", "Übersicht (2)"], strict=True):
        ws = wb[name]
        values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert f"{f.art.value} {f.name}" in values  # the full field name
        assert f.oberziel in values
        # figures per Unterziel
        hr = find_row(ws, 1, "Unterziel")
        cols = header_map(ws, hr)
        rows = table_rows(ws, hr)
        assert [ws.cell(r, 1).value for r in rows] == [f"Unterziel {u.nr}" for u in f.unterziele] + ["Gesamt"]
        for r, ms in zip(rows, [u.massnahmen for u in f.unterziele] + [f.massnahmen], strict=True):
            for label, value in expected_counts(ms).items():
                assert ws.cell(r, cols[label]).value == value
        # charts
        donut, bars = ws._charts
        assert isinstance(donut, DoughnutChart) and chart_title(donut) == f"Ergebnisse {f.name} gesamt"
        assert isinstance(bars, BarChart) and chart_title(bars) == f"Ergebnisse {f.name} je Unterziel"
        assert bars.grouping == "stacked" and bars.barDir == "bar"
        first, last = rows[0], rows[-2]
        green = ws.cell(hr, cols["Grün"]).column_letter
        assert series_ref(bars.series[0].val) == rng(name, green, first, last)
        assert series_ref(bars.series[0].cat) == rng(name, "A", first, last)
        assert [chart_fill(p.spPr) for p in donut.series[0].dPt] == [
            status_fill("gruen"), status_fill("gelb"), status_fill("rot")]
        # measures: status as colour and word, in the master's order
        lr = find_row(ws, 2, "Maßnahme")
        assert ws.cell(lr, 1).value == "Nr" and ws.cell(lr, 3).value == "Status"
        listed = {}
        for r in range(lr + 1, ws.max_row + 1):
            if ws.cell(r, 3).value in WORDS.values():
                listed[ws.cell(r, 2).value] = (ws.cell(r, 3).value, fill_rgb(ws.cell(r, 3)), ws.cell(r, 4).value)
        assert len(listed) == len(f.massnahmen)
        for m in f.massnahmen:
            word, rgb, ausw = listed[m.text]
            key = m.status.value if m.status else "ohne"
            assert word == WORDS[m.status.value if m.status else None]
            assert rgb == palette(key)
            assert ausw == ("ja" if m.in_auswertung else "nein")
    sprache = wb["Sprache"]
    values = [c.value for row in sprache.iter_rows() for c in row if c.value is not None]
    assert "Es läuft gut." in values
    assert any(isinstance(v, str) and "• Erstens" in v and "• Zweitens" in v for v in values)
    assert any(isinstance(v, str) and "Bemerkung: +49 7531 800-0" in v and "Kosten: 100 €" in v for v in values)


def test_texts_stay_texts(rich, tmp_path):
    wb = load(write(rich, tmp_path / "z.xlsx"))
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in ("=SUMME(A1)", "+49 7531 800-0", "-5 Punkte Plan"):
                    seen.setdefault(c.value, []).append((ws.title, c.coordinate, c.data_type))
    assert set(seen) == {"=SUMME(A1)", "+49 7531 800-0", "-5 Punkte Plan"}
    for where in seen.values():
        assert all(dtype == "s" for _, _, dtype in where), where
    assert not any(isinstance(c.value, str) and c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows()
                   for c in row)


def test_massnahmen_table(rich, tmp_path):
    k = read(rich)
    wb = load(write(rich, tmp_path / "z.xlsx"))
    ws = wb["Maßnahmen"]
    (name, ref), = ws.tables.items()
    table = ws.tables[name]
    assert table.autoFilter is not None  # filter buttons
    headers = [c.name for c in table.tableColumns]
    for h in ("ID", "Feld", "Unterziel", "Nr", "Maßnahme", "Status", "In Auswertung", "Bemerkung", "Kosten",
              "Fundstelle im Master"):
        assert h in headers
    top = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
    last = int(re.search(r"(\d+)$", ref).group(1))
    assert last - top == len(k.massnahmen)
    col = {h: i + 1 for i, h in enumerate(headers)}
    for i, m in enumerate(k.massnahmen):
        r = top + 1 + i
        assert ws.cell(r, col["ID"]).value == m.id
        assert ws.cell(r, col["Maßnahme"]).value == m.text
        assert ws.cell(r, col["Status"]).value == WORDS[m.status.value if m.status else None]
        assert fill_rgb(ws.cell(r, col["Status"])) == palette(m.status.value if m.status else "ohne")
        assert ws.cell(r, col["In Auswertung"]).value == ("ja" if m.in_auswertung else "nein")
        assert ws.cell(r, col["Fundstelle im Master"]).value == f"{m.sheet}!{m.status_cell}"
    assert ws.freeze_panes == f"A{top + 1}"


def test_print_setup(rich, tmp_path):
    wb = load(write(rich, tmp_path / "z.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # one page wide (1 is the default)
        assert KOPFZEILE in ws.oddHeader.center.text
        footer = "".join(x.text or "" for x in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right))
        assert "&P" in footer and "&N" in footer and "Stand: 3. Februar 2025" in footer


def test_header_option_and_fallback(tmp_path):
    path = build(tmp_path / "m.xlsx", [simple_field()], konzept={"Titel": "Konzept X & Y", "Stand": "Mai 2025"})
    wb = load(write(path, tmp_path / "a.xlsx"))
    assert wb["Übersicht"].oddHeader.center.text.endswith(
        "Konzept X && Y – Zusammenfassung der Ampelauswertung – Stand Mai 2025")
    wb = load(write(path, tmp_path / "b.xlsx", header="Anlage 3 & 4"))
    assert all(ws.oddHeader.center.text.endswith("Anlage 3 && 4") for ws in wb.worksheets)


def test_errors_force_warning_pruefbericht_and_ohne_bewertung(tmp_path):
    path = error_master(tmp_path / "m.xlsx")
    k = read(path)
    report = validate(k)
    assert report.errors
    wb = load(write_summary(summarize(k, report), tmp_path / "z.xlsx"))
    assert wb.sheetnames[-1] == "Prüfbericht"
    ws = wb["Übersicht"]
    warning = [c for row in ws.iter_rows(max_row=15) for c in row
               if isinstance(c.value, str) and c.value.startswith("Achtung: Der Master enthält")]
    assert len(warning) == 1
    assert "--force" in warning[0].value and "falsch" in warning[0].value
    assert fill_rgb(warning[0]) == "C00000"
    # the counted measures without status get their own column and chart colour
    hr = find_row(ws, 1, "Feld")
    cols = header_map(ws, hr)
    assert "ohne Bewertung" in cols and "Anteil ohne Bewertung" in cols
    total = table_rows(ws, hr)[-1]
    assert ws.cell(total, cols["ohne Bewertung"]).value == 2
    assert ws.cell(total, cols["Summe"]).value == 5
    donut = ws._charts[0]
    assert chart_fill(donut.series[0].dPt[3].spPr) == status_fill("ohne")
    # the Prüfbericht lists every finding
    pb = wb["Prüfbericht"]
    codes = [c.value for row in pb.iter_rows() for c in row if c.value in {f.code for f in report.findings}]
    assert Counter(codes) == Counter(f.code for f in report.findings)
    severities = [pb.cell(r, 1).value for r in range(1, pb.max_row + 1)]
    assert severities.count("Fehler") == len(report.errors)


def test_no_report_no_pruefbericht_and_empty_field(tmp_path):
    f = FieldSheet("Handlungsfeld Leer", "Leer")
    f.unterziel(1)
    path = build(tmp_path / "m.xlsx", [simple_field(), f])
    wb = load(write_summary(summarize(path), tmp_path / "z.xlsx"))
    assert wb.sheetnames == ["Übersicht", "Sprache", "Leer", "Maßnahmen"]
    ws = wb["Leer"]
    hr = find_row(ws, 1, "Unterziel")
    total = table_rows(ws, hr)[-1]
    assert ws.cell(total, header_map(ws, hr)["Summe"]).value == 0


def test_two_runs_give_identical_bytes(rich, tmp_path):
    a = write(rich, tmp_path / "a.xlsx")
    (tmp_path / "sub").mkdir()
    b = write(rich, tmp_path / "sub" / "b.xlsx")  # another name and folder: the same bytes
    assert a.read_bytes() == b.read_bytes()
    wb = load(a)
    assert wb.properties.created == dt.datetime(2025, 2, 3)


@pytest.mark.skipif(not EXAMPLE.exists(), reason="Beispiel-Master (workbooks/) fehlt noch")
def test_example_master(tmp_path):
    k = read(EXAMPLE)
    out = write(EXAMPLE, tmp_path / "z.xlsx")
    out2 = write(EXAMPLE, tmp_path / "z2.xlsx")
    assert out.read_bytes() == out2.read_bytes()
    wb = load(out)
    assert len(wb.sheetnames) == len(k.felder) + 2 + (1 if validate(k).findings else 0)
    assert all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb["Übersicht"]
    hr = find_row(ws, 1, "Feld")
    cols = header_map(ws, hr)
    rows = table_rows(ws, hr)
    assert len(rows) == len(k.felder) + 1
    for r, ms in zip(rows, [f.massnahmen for f in k.felder] + [k.massnahmen], strict=True):
        for label, value in expected_counts(ms).items():
            assert ws.cell(r, cols[label]).value == value
    if k.declared_total is not None and k.declared_total.massnahmen:
        assert ws.cell(rows[-1], cols["Maßnahmen gesamt"]).value == k.declared_total.massnahmen
    for f in k.felder:
        assert any(f"{f.art.value} {f.name}" == c.value for ws2 in wb.worksheets[1:-1] for c in ws2["A"][:3])


# --------------------------------------------------------------------------------------------
# The command


def run(*args: str):
    return CliRunner().invoke(cli, ["summary", *args])


def test_cli_default_output_and_headline(rich):
    result = run(str(rich))
    assert result.exit_code == 0, result.output
    out = rich.with_name("Ampel-Master_Zusammenfassung.xlsx")
    assert out.exists()
    assert "Zusammenfassung geschrieben" in result.stdout
    # each share rounded on its own (equal counts, equal shares): 101 %, so the line says so
    assert ("6 von 7 Maßnahmen in der Auswertung: 4 Grün (67\u00a0%), 1 Gelb (17\u00a0%), "
            "1 Rot (17\u00a0%). Rundungsdifferenzen möglich.") in result.stdout
    assert not [p for p in rich.parent.iterdir() if p.name.startswith(".~ampel_")]


def test_cli_refuses_on_errors_and_forces(tmp_path):
    master = error_master(tmp_path / "m.xlsx")
    out = tmp_path / "m_Zusammenfassung.xlsx"
    result = run(str(master))
    assert result.exit_code == 1
    assert "status-text-unknown" in result.stderr  # the report is printed
    assert "keine Zusammenfassung geschrieben" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()

    result = run(str(master), "--force")
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "Achtung" in result.stderr
    wb = load(out)
    assert "Prüfbericht" in wb.sheetnames


def test_cli_output_and_header_options(rich, tmp_path):
    out = tmp_path / "anders.xlsx"
    result = run(str(rich), "-o", str(out), "--header", "ANLAGE 2")
    assert result.exit_code == 0, result.output
    assert load(out)["Übersicht"].oddHeader.center.text.endswith("ANLAGE 2")


def test_cli_never_overwrites_the_master(rich):
    before = rich.read_bytes()
    result = run(str(rich), "-o", str(rich))
    assert result.exit_code == 2
    assert "Master" in result.stderr
    assert rich.read_bytes() == before


@pytest.mark.parametrize("how", ["read-only", "locked"])
def test_cli_unwritable_target_keeps_old_file(rich, monkeypatch, how):
    out = rich.with_name("Ampel-Master_Zusammenfassung.xlsx")
    out.write_bytes(b"old summary")
    if how == "read-only":
        out.chmod(0o444)
        if os.access(out, os.W_OK):  # root may write anyway: behave like a read-only file
            real_access = os.access
            monkeypatch.setattr(os, "access", lambda p, mode, *a, **kw: False if Path(p) == out and mode == os.W_OK
                                else real_access(p, mode, *a, **kw))
    else:  # Excel on Windows keeps an open workbook locked: the final rename fails
        def locked(src, dst, *a, **kw):
            raise PermissionError(13, "Permission denied", str(dst))

        monkeypatch.setattr(os, "replace", locked)
    result = run(str(rich))
    assert result.exit_code == 2, result.output
    assert "Fehler:" in result.stderr and "geöffnet" in result.stderr and "Traceback" not in result.output
    assert out.read_bytes() == b"old summary"
    assert not [p for p in rich.parent.iterdir() if p.name.startswith(".~ampel_")]
    out.chmod(0o644)


def test_cli_missing_master():
    result = run("gibt-es-nicht.xlsx")
    assert result.exit_code == 2
    assert "nicht gefunden" in result.stderr


# --------------------------------------------------------------------------------------------
# Large masters: constant_memory mode


def sheet_contents(path: Path) -> dict[str, dict[str, Any]]:
    """Every sheet's cell values and formats, row heights, merged ranges, print setup and charts."""
    wb = load(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    cells[c.coordinate] = (c.value, fill_rgb(c), c.font.b, c.font.i,
                                           (c.font.color.rgb if c.font.color else None),
                                           c.alignment.wrap_text, c.alignment.horizontal, c.number_format,
                                           c.border.left.style, c.border.top.style)
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        charts = [(chart_title(ch), [(series_ref(s.cat), series_ref(s.val)) for s in ch.series])
                  for ch in ws._charts]
        out[ws.title] = {
            "cells": cells, "heights": heights, "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "header": ws.oddHeader.center.text, "print_titles": ws.print_title_rows,
            "freeze": ws.freeze_panes, "charts": charts,
            "breaks": [b.id for b in ws.row_breaks.brk],
        }
    return out


def test_large_masters_use_constant_memory_and_lose_nothing(tmp_path, monkeypatch):
    """Above the threshold the summary is written row by row (XlsxWriter's constant_memory): a
    cell, row height or merge written out of order would be dropped silently, so every sheet
    must read back exactly like the in-memory workbook, apart from table versus autofilter."""
    import ampel_xl.xlsx.summary as summary_mod

    old = rich_master(tmp_path / "alt.xlsx")
    master = rich_master(tmp_path / "neu.xlsx")
    wb = load_workbook(master)
    ws = wb["Sprache"]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 3).value == "Gelb":
            ws.cell(r, 3).value = "lila"  # an error: Prüfbericht and the red warning
    wb.save(master)
    k = read(master)
    assert len(k.massnahmen) > 5
    s = summarize(k, validate(k))
    changes = compare(old, master)
    assert changes.items

    normal = write_summary(s, tmp_path / "normal.xlsx", changes=changes)
    monkeypatch.setattr(summary_mod, "CONSTANT_MEMORY_MEASURES", 5)
    calls = []
    real = summary_mod.xlsx_workbook

    def spy(*args, **kw):
        calls.append(kw.get("constant_memory"))
        return real(*args, **kw)

    monkeypatch.setattr(summary_mod, "xlsx_workbook", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. XlsxWriter's "add_table() isn't supported"
        streamed = write_summary(s, tmp_path / "streamed.xlsx", changes=changes)
        again = write_summary(s, tmp_path / "again.xlsx", changes=changes)
    assert calls == [True, True]
    assert streamed.read_bytes() == again.read_bytes()  # still deterministic
    assert streamed.read_bytes() != normal.read_bytes()

    a, b = sheet_contents(normal), sheet_contents(streamed)
    assert list(a) == list(b)
    assert {"Übersicht", "Maßnahmen", "Entwicklung", "Prüfbericht"} <= set(a)
    for name in a:
        assert a[name] == b[name], name

    # no Excel tables in constant_memory mode: a header row with an autofilter instead
    wa, wb_ = load(normal), load(streamed)
    for name, top in (("Maßnahmen", 4), ("Prüfbericht", 5)):
        (table,) = wa[name].tables.values()
        assert not wb_[name].tables
        assert wb_[name].auto_filter.ref == table.ref
        assert table.ref.startswith(f"A{top}:")


# --------------------------------------------------------------------------------------------
# A real spreadsheet program


def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    profile = Path("/tmp") / f"ampel_lo_{uuid.uuid4().hex}"  # own profile: parallel runs do not clash
    try:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(outdir), str(xlsx)],
            check=True, capture_output=True, timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / (xlsx.stem + ".pdf")
    assert pdf.exists(), "LibreOffice hat kein PDF erzeugt"
    return pdf


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert; .ci/run installiert es")
@pytest.mark.parametrize("which", ["rich", "errors", "example", "constant_memory"])
def test_libreoffice_opens_and_prints_every_sheet(tmp_path, monkeypatch, which):
    if which == "constant_memory":  # the mode of large masters: no cached chart values, no tables
        import ampel_xl.xlsx.summary as summary_mod

        monkeypatch.setattr(summary_mod, "CONSTANT_MEMORY_MEASURES", 0)
    if which in ("rich", "constant_memory"):
        master = rich_master(tmp_path / "m.xlsx")
    elif which == "errors":
        master = error_master(tmp_path / "m.xlsx")
    else:
        if not EXAMPLE.exists():
            pytest.skip("Beispiel-Master (workbooks/) fehlt noch")
        master = EXAMPLE
    k = read(master)
    out = write_summary(summarize(k, validate(k)), tmp_path / "z.xlsx")
    sheets = load(out).sheetnames
    pdf = to_pdf(out, tmp_path)
    assert pdf_pages(pdf) >= len(sheets)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                              check=True).stdout
        text = re.sub(r"\s+", " ", text)
        assert "Zusammenfassung der Ampelauswertung" in text
        for f in k.felder:
            assert f"{f.art.value} {f.name}" in text
        assert "Alle Maßnahmen" in text


# --------------------------------------------------------------------------------------------
# The regenerate scripts for staff


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash fehlt")
def test_shell_script_uses_the_master_in_the_parent_folder(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    script = scripts / "zusammenfassung_erstellen.sh"
    shutil.copy2(ROOT / "scripts" / "zusammenfassung_erstellen.sh", script)
    master = rich_master(tmp_path / "Ampel-Master.xlsx")
    before = master.read_bytes()
    from double_click import script_env  # a python3 with the libraries on the PATH, the checkout on PYTHONPATH

    env = script_env(tmp_path)
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Fertig" in done.stdout
    assert (tmp_path / "Ampel-Master_Zusammenfassung.xlsx").exists()
    assert master.read_bytes() == before

    master.unlink()
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60, env=env,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "Kein Master gefunden" in done.stdout


def test_windows_script_is_a_proper_batch_file():
    data = (ROOT / "scripts" / "Zusammenfassung_erstellen.cmd").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout
    text = data.decode("utf-8")
    assert "chcp 65001" in text  # umlauts in the window
    assert 'summary "%MASTER%"' in text and "Ampel-Master.xlsx" in text
    assert text.rstrip().splitlines()[-2:] == ["pause", "exit /b %RC%"]  # the window stays open


def test_odd_field_sheet_names_round_trip(tmp_path):
    fields = [simple_field("Handlungsfeld Kinder's Welt", "Kinder's Welt"),
              simple_field("Handlungsfeld Sport (Verein)", "Sport (Verein)"),
              simple_field("Querschnittsthema Maßnahmen", "Maßnahmen")]
    path = build(tmp_path / "m.xlsx", fields)
    wb = load(write(path, tmp_path / "z.xlsx"))
    assert wb.sheetnames[:4] == ["Übersicht", "Kinder's Welt", "Sport (Verein)", "Maßnahmen (2)"]
    assert "Maßnahmen" in wb.sheetnames
    refs = [series_ref(s.val) for s in wb["Kinder's Welt"]._charts[1].series]
    assert all(r.startswith("'Kinder''s Welt'!$") for r in refs)
