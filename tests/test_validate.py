"""Validation: each defect planted in a master built in code, asserted by code, severity and cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ampel_xl import read, validate
from ampel_xl.cli import cli
from ampel_xl.findings import REGISTRY, Severity
from builders import BLUE, GREEN, RED, FieldSheet, build, simple_field

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
TEMPLATE = ROOT / "workbooks" / "Vorlage_Integrationskonzept_1.0.xlsx"

DECLARED = [("Sprache", "Handlungsfeld", 2, 6)]


def findings(path, *, exclude=("no-konzept-sheet", "nothing-marked", "sheet-ignored")):
    report = validate(read(path))
    return [(f.sheet, f.cell, f.code, f.severity.value) for f in report.findings if f.code not in exclude]


def one_field(tmp_path, f: FieldSheet, **kw) -> Path:
    return build(tmp_path / "m.xlsx", [f], **kw)


def test_clean_master_has_no_findings(tmp_path):
    path = build(tmp_path / "ok.xlsx", [simple_field()], konzept={"Titel": "X"}, declared=DECLARED)
    report = validate(path)
    assert report.ok
    assert report.codes() == [(None, None, "nothing-marked")]


# -- workbook level ----------------------------------------------------------------------------
def test_no_field_sheets(tmp_path):
    def notes(ws):
        ws["A1"] = "Notizen"

    path = build(tmp_path / "n.xlsx", [], extra_sheets={"Notizen": notes})
    assert findings(path, exclude=()) == [
        (None, None, "no-field-sheets", "error"),
        ("Notizen", None, "sheet-ignored", "info"),
    ]


def test_missing_oberziel(tmp_path):
    f = simple_field()
    f.oberziel = None
    assert findings(one_field(tmp_path, f)) == [("Sprache", "A1", "missing-oberziel", "warning")]


def test_header_not_found(tmp_path):
    f = simple_field()
    f.header = ("Spalte 1", "Spalte 2", "Spalte 3")
    f.rows = []
    assert findings(one_field(tmp_path, f)) == [("Sprache", None, "no-table", "error")]


def test_measure_before_any_unterziel(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.measure(1, "zu früh", status="Grün")
    f.unterziel(1)
    f.measure(2, "ok", status="Rot")
    assert findings(one_field(tmp_path, f)) == [("Sprache", "B5", "measure-without-unterziel", "error")]


def test_unterziel_numbers_missing_duplicated_out_of_order(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    for nr in (1, 3, 3, 2, 5):
        f.unterziel(nr)
        f.measure(f"{len(f.rows)}", "m", status="Grün")
    got = findings(one_field(tmp_path, f))
    assert ("Sprache", None, "unterziel-missing", "warning") in got  # 4 is missing
    assert ("Sprache", "B9", "unterziel-duplicate", "error") in got
    assert ("Sprache", "B11", "unterziel-order", "warning") in got
    assert len([g for g in got if g[2] == "unterziel-missing"]) == 1


def test_duplicate_measure_numbers(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "a", status="Grün")
    f.measure(2, "b", status="Grün")
    f.measure(2, "c", status="Rot")
    assert findings(one_field(tmp_path, f)) == [("Sprache", "A8", "measure-duplicate", "error")]


def test_counts_differ_from_konzept(tmp_path):
    path = build(tmp_path / "c.xlsx", [simple_field()], konzept={"Titel": "X"},
                 declared=[("Sprache", "Handlungsfeld", 3, 7)], total=(3, 7))
    got = findings(path)
    assert ("Sprache", None, "count-unterziele", "error") in got
    assert ("Sprache", None, "count-massnahmen", "error") in got
    assert [g for g in got if g[2] == "count-total"] == [("Konzept", "A5", "count-total", "error")] * 2


def test_declared_field_without_sheet_and_undeclared_sheet(tmp_path):
    path = build(tmp_path / "d.xlsx", [simple_field(), simple_field("Handlungsfeld Arbeit", "Arbeit")],
                 declared=[("Sprache", "Handlungsfeld", 2, 6), ("Wohnen", "Handlungsfeld", 5, 9)])
    got = findings(path)
    assert ("Konzept", "A4", "field-missing", "error") in got
    assert ("Arbeit", "A1", "field-undeclared", "warning") in got


# -- status cells ------------------------------------------------------------------------------
def _status_field(**measure_kw) -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "a", **measure_kw)
    return f


@pytest.mark.parametrize("colour, name", [("7030A0", "Lila"), ("996633", "Braun")])
def test_colour_that_fits_no_status(tmp_path, colour, name):
    path = one_field(tmp_path, _status_field(fill=colour))
    report = validate(path)
    f = [x for x in report.findings if x.code == "color-unknown"]
    assert [(x.sheet, x.cell, x.severity) for x in f] == [("Sprache", "C6", Severity.ERROR)]
    assert f"#{colour}" in f[0].message and name in f[0].message


def test_text_and_colour_disagree(tmp_path):
    path = one_field(tmp_path, _status_field(status="Grün", fill=RED))
    report = validate(path)
    f = [x for x in report.findings if x.code == "status-conflict"]
    assert [(x.cell, x.severity) for x in f] == [("C6", Severity.ERROR)]
    # names both channels, as agreed: "Die Zelle ist rot gefüllt (#FF0000), der Text sagt „Grün“."
    assert "rot gefüllt (#FF0000)" in f[0].message and "der Text sagt „Grün“" in f[0].message


def test_no_status_on_evaluated_measure(tmp_path):
    path = one_field(tmp_path, _status_field(blue="nr"))
    assert findings(path) == [("Sprache", "C6", "status-missing", "error")]


def test_no_status_outside_evaluation_is_a_warning(tmp_path):
    """The contract: no channel is an error in the evaluation, a warning outside it (never nothing)."""
    f = _status_field(status="Grün", blue="nr")
    f.measure(2, "not evaluated")  # no status, not blue
    assert findings(one_field(tmp_path, f)) == [("Sprache", "C7", "status-missing-unmarked", "warning")]


def test_unknown_status_text(tmp_path):
    path = one_field(tmp_path, _status_field(status="in Klärung"))
    assert findings(path) == [("Sprache", "C6", "status-text-unknown", "error")]


def test_status_on_unterziel_row(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.rows.append({"kind": "uz", "values": {"Unterziel / Maßnahme": "Unterziel 1: X", "Ampel": "Grün"}})
    f.measure(1, "a", status="Gelb")
    assert findings(one_field(tmp_path, f)) == [("Sprache", "C5", "status-on-unterziel", "warning")]


def test_formula_without_cached_value(tmp_path):
    path = one_field(tmp_path, _status_field(status='=IF(TRUE,"Grün","Rot")'))
    assert findings(path) == [("Sprache", "C6", "formula-uncached", "error")]


def test_blue_status_cell(tmp_path):
    path = one_field(tmp_path, _status_field(status="Grün", fill=BLUE))
    assert findings(path) == [("Sprache", "C6", "status-blue", "warning")]


def test_ambiguous_g(tmp_path):
    f = _status_field(status="G")
    f.measure(2, "b", status="R")
    assert findings(one_field(tmp_path, f)) == [("Sprache", "C6", "status-ambiguous", "error")]


def test_hidden_measure_row(tmp_path):
    f = simple_field()
    f.hidden_rows = {f.row_of(2)}
    assert findings(one_field(tmp_path, f)) == [("Sprache", "7:7", "row-hidden", "warning")]


def test_unreadable_auswertung_flag(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "In Auswertung"))
    f.rows.append({"kind": "uz", "values": {"Maßnahme": "Unterziel 1: X"}})
    f.measure(1, "a", status="Grün", values={"In Auswertung": "vielleicht"})
    assert findings(one_field(tmp_path, f)) == [("Sprache", "D6", "auswertung-unreadable", "warning")]


def test_ignored_sheet_and_nothing_marked_are_infos(tmp_path):
    def legende(ws):
        ws["A1"] = "Legende"
        ws["A2"].fill = __import__("builders").solid(GREEN)

    path = build(tmp_path / "i.xlsx", [simple_field()], extra_sheets={"Legende": legende})
    got = findings(path, exclude=())
    assert got == [
        (None, None, "no-konzept-sheet", "info"),
        (None, None, "nothing-marked", "info"),
        ("Legende", None, "sheet-ignored", "info"),
    ]


def test_findings_are_ordered_by_sheet_and_row(tmp_path):
    a = simple_field("Handlungsfeld Arbeit", "Arbeit")
    a.measure(99, "x", status="lila")
    a.rows.insert(1, {"kind": "m", "values": {"Nr": 50, "Unterziel / Maßnahme": "y", "Ampel": "Rot"}, "fill": GREEN})
    b = simple_field()
    b.oberziel = None
    path = build(tmp_path / "o.xlsx", [a, b])
    report = validate(path)
    keyed = [(f.sheet, f.row) for f in report.findings if f.sheet]
    order = {"Arbeit": 0, "Sprache": 1}
    assert keyed == sorted(keyed, key=lambda x: (order[x[0]], x[1]))


def test_every_code_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in REGISTRY:
        assert f"`{code}`" in readme, code


# -- no false errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", [EXAMPLE, TEMPLATE], ids=["example", "template"])
def test_bundled_workbooks_validate_cleanly(path):
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 Fehler" in result.output


# -- the command -------------------------------------------------------------------------------
def test_cli_exit_codes_and_json(tmp_path):
    bad = one_field(tmp_path, _status_field(status="Grün", fill=RED))
    runner = CliRunner()
    r = runner.invoke(cli, ["validate", str(bad)])
    assert r.exit_code == 1
    assert "Sprache:" in r.output
    # the code (for the README's table) ends the line; the clerk reads the cell and the sentence first
    assert re.search(r"^  Fehler C6: .* \[status-conflict\]$", r.output, re.M), r.output
    r = runner.invoke(cli, ["validate", "--json", str(bad)])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["counts"]["error"] == 1
    assert {"code", "severity", "sheet", "cell", "message", "hint"} == set(data["findings"][0])


def test_cli_strict_fails_on_warnings(tmp_path):
    f = simple_field()
    f.oberziel = None
    path = one_field(tmp_path, f)
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["validate", "--strict", str(path)]).exit_code == 1


def test_cli_unreadable_file_exit_2_with_json(tmp_path):
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    r = CliRunner().invoke(cli, ["validate", "--json", str(path)])
    assert r.exit_code == 2
    first = r.output.splitlines()[0]
    assert json.loads(first)["fatal"]
    assert "Traceback" not in r.output


def test_report_from_python_to_frame(tmp_path):
    path = one_field(tmp_path, _status_field(status="Grün", fill=RED))
    df = validate(path).to_frame()
    assert list(df.columns) == ["code", "severity", "sheet", "cell", "message", "hint"]
    row = df[df["code"] == "status-conflict"].iloc[0]
    assert (row["severity"], row["sheet"], row["cell"]) == ("error", "Sprache", "C6")


def test_counts_line_speaks_german_singular_and_plural(tmp_path):
    """A master whose only finding is a Hinweis (no measure marked): "1 Hinweis", never "1 Hinweise";
    the example (whose Anleitung is the template's own sheet) has none: "0 Hinweise"."""
    path = build(tmp_path / "ok.xlsx", [simple_field()], konzept={"Titel": "X"}, declared=DECLARED)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 Fehler, 0 Warnungen, 1 Hinweis\n" in result.output
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "0 Fehler, 0 Warnungen, 0 Hinweise\n" in result.output
