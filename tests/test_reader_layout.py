"""Acceptance tests of issue 17 (classes 2, 3, 4, 7): the reader decides every role and row as a person
does, and never silently.

The masters come from ``tests/clerk_layout.py``; what a careful colleague reads in each is its
:class:`~clerk_masters.Case`. Only the public API is used (``ampel_xl.read``, ``ampel_xl.validate``, the
command line, the model's attributes). The same expectations hold after a round trip through LibreOffice
and Gnumeric, for the channels each program keeps.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import ampel_xl
from ampel_xl.cli import cli
from clerk_layout import (
    COLUMN_AMBIGUOUS,
    COLUMN_HIDDEN,
    COLUMN_SECOND,
    COLUMN_STAND,
    LAYOUT_CASE_IDS,
    MARKING_CONFLICT,
    SHEET_NOT_A_FIELD,
    build_layout_case,
)
from clerk_masters import LOST_IN, RESAVERS, ROW_OUTSIDE_TABLE, Case, cell_rows
from test_reader_clerk import check_findings, check_measures


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    d = tmp_path_factory.mktemp("clerk_layout")
    return {cid: build_layout_case(cid, d) for cid in LAYOUT_CASE_IDS}


def _findings(case: Case) -> list:
    return list(ampel_xl.validate(case.path).findings)


@pytest.mark.parametrize("case_id", LAYOUT_CASE_IDS)
def test_every_measure_number_status_and_marking(cases, case_id):
    case = cases[case_id]
    problems = check_measures(case, ampel_xl.read(case.path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case_id", LAYOUT_CASE_IDS)
def test_findings_at_their_cells(cases, case_id):
    case = cases[case_id]
    problems = check_findings(case, ampel_xl.validate(case.path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case_id", LAYOUT_CASE_IDS)
def test_every_table_row_is_a_measure_an_unterziel_or_named(cases, case_id):
    case = cases[case_id]
    konzept = ampel_xl.read(case.path)
    report = ampel_xl.validate(konzept)
    wb = load_workbook(case.path)
    felder = {f.sheet: f for f in konzept.felder}
    silent = []
    for sheet, header_row in case.header_rows.items():
        ws = wb[sheet]
        f = felder[sheet]
        accounted = {m.row for m in f.massnahmen} | {u.row for u in f.unterziele if u.row}
        for finding in report.findings:
            if finding.sheet == sheet:
                accounted |= cell_rows(finding.cell)
        for row in ws.iter_rows(min_row=header_row + 1):
            values = [c.value for c in row if c.value is not None and str(c.value).strip()]
            if values and row[0].row not in accounted:
                silent.append(f"{sheet}!{row[0].row}: {values}")
    assert not silent, "Zeilen ohne Maßnahme, Unterziel oder Befund:\n" + "\n".join(silent)


@pytest.mark.parametrize("case_id", LAYOUT_CASE_IDS)
def test_validate_command_names_errors_and_never_crashes(cases, case_id, tmp_path, monkeypatch):
    case = cases[case_id]
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = CliRunner().invoke(cli, ["validate", str(case.path)])
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if case.expects_errors else 0), result.output


# --------------------------------------------------------------------------------------------
# The blue marking as displayed


@pytest.mark.parametrize("variant", ["regel-nr", "regel-ja"])
def test_a_rule_on_another_column_marks_and_only_the_marked_count(cases, variant):
    """The rule =$F5="x" paints the Nr cells of three measures blue: those three count, the other three
    do not, and "nothing is marked, all count" is not what the reader decided."""
    case = cases[f"marking_displayed-{variant}"]
    konzept = ampel_xl.read(case.path)
    assert konzept.any_marked
    got = {m.nr: m.in_auswertung for m in konzept.feld("Bildung").massnahmen}
    assert got == {"1": True, "2": False, "3": True, "4": False, "5": True, "6": False}
    assert "nothing-marked" not in {f.code for f in _findings(case)}
    summary = ampel_xl.summarize(konzept)
    assert summary.total["summe"].iloc[0] == 3


def test_blue_and_column_that_disagree_are_errors_naming_the_measure(cases):
    case = cases["marking_displayed-widerspruch"]
    conflicts = [f for f in _findings(case) if f.code == MARKING_CONFLICT]
    assert sorted(f.cell for f in conflicts) == ["A8", "D9"]
    assert "Maßnahme Nr. 3" in next(f.message for f in conflicts if f.cell == "A8")
    assert "„x“" in next(f.message for f in conflicts if f.cell == "D9")


# --------------------------------------------------------------------------------------------
# Two columns for one role


def test_the_hidden_copy_of_last_years_column_is_named_not_read(cases):
    case = cases["two_status_columns-ausgeblendet"]
    hit = next(f for f in _findings(case) if f.code == COLUMN_HIDDEN)
    assert (hit.sheet, hit.cell, hit.severity.value) == ("Sprache", "C4", "info")
    assert "C („Ampel“)" in hit.message and "D („Ampel“)" in hit.message
    table = ampel_xl.read(case.path).feld("Sprache").table
    assert dict(table.columns)["status"] == "D"


@pytest.mark.parametrize("variant, keep, other", [("jahre", "D", "C"), ("stand-klammer", "C", "D")])
def test_the_newest_stand_is_read_and_both_are_named(cases, variant, keep, other):
    case = cases[f"two_status_columns-{variant}"]
    hit = next(f for f in _findings(case) if f.code == COLUMN_STAND)
    assert hit.severity.value == "info"
    assert f"{keep} („" in hit.message and f"{other} („" in hit.message and "neueste" in hit.message
    assert dict(ampel_xl.read(case.path).feld("Sprache").table.columns)["status"] == keep


def test_two_undated_status_columns_are_an_error_naming_both(cases, tmp_path):
    case = cases["two_status_columns-unklar"]
    hit = next(f for f in _findings(case) if f.code == COLUMN_AMBIGUOUS)
    assert hit.severity.value == "error"
    assert "C („Ampel“)" in hit.message and "D („Status“)" in hit.message
    result = CliRunner().invoke(cli, ["summary", str(case.path), "-o", str(tmp_path / "z.xlsx")])
    assert result.exit_code == 1, result.output  # a wrong figure is worse than none


def test_two_remark_columns_are_both_kept(cases):
    case = cases["two_status_columns-bemerkungen"]
    m = ampel_xl.read(case.path).feld("Sprache").massnahmen[0]
    assert m.bemerkung == "Bemerkung 1"
    assert ("Kommentar", "Kommentar 1") in m.extras


def test_the_name_column_is_the_text_and_the_description_is_kept(cases):
    case = cases["two_status_columns-beschreibung"]
    m = ampel_xl.read(case.path).feld("Sprache").massnahmen[1]
    assert m.text == "Kurs 2"
    assert dict(m.extras)["Beschreibung"].startswith("Ein Kurs für Gruppe 2")
    hit = next(f for f in _findings(case) if f.code == COLUMN_SECOND)
    assert hit.severity.value == "info" and "B („Maßnahme“)" in hit.message and "C („Beschreibung“)" in hit.message


# --------------------------------------------------------------------------------------------
# Rows and sheets that are no measures and no fields


def test_rows_under_the_table_are_named_as_what_they_are(cases):
    case = cases["below_and_beside-unter-der-tabelle"]
    what = {}
    for f in _findings(case):
        if f.code == ROW_OUTSIDE_TABLE:
            text, rest = f.message.split("“) ist ", 1)
            what[text.split("(„", 1)[1][:12]] = rest
    expected = {
        "Summe": "eine Summen- oder Zählzeile", "Anteil Grün": "eine Summen- oder Zählzeile",
        "Σ": "eine Summen- oder Zählzeile", "¹ Angaben de": "eine Fußnote", "² Plätze lau": "eine Fußnote",
        "1) nur Kurse": "eine Fußnote",
        "* vorläufige": "eine Fußnote", "Quelle: Jobc": "eine Quellenangabe",
        "Exportiert a": "ein Export- oder Druckvermerk", "Stand: 03.02": "ein Export- oder Druckvermerk",
        "gez. Dr. Bei": "eine Unterschriftszeile",
    }
    assert {k: v.split(" und ")[0] for k, v in what.items()} == expected
    assert [m.nr for m in ampel_xl.read(case.path).feld("Sprache").massnahmen] == ["1", "2", "3", "4", "5"]


def test_an_overview_beside_the_table_is_named_and_is_no_column_of_it(cases):
    case = cases["below_and_beside-uebersicht-daneben"]
    f = ampel_xl.read(case.path).feld("Sprache")
    assert dict(f.table.columns) == {"nr": "A", "text": "B", "status": "C", "verantwortlich": "D"}
    assert not f.table.extra_columns
    named = [x for x in _findings(case) if x.code == ROW_OUTSIDE_TABLE]
    assert [x.cell for x in named] == ["F5", "F6", "F7", "F8"]
    assert all("eine Übersicht neben der Tabelle" in x.message for x in named)


@pytest.mark.parametrize("variant", ["auswertung", "uebersicht", "feldtitel"])
def test_an_evaluation_sheet_is_a_hint_and_the_summary_is_written(cases, variant, tmp_path):
    case = cases[f"evaluation_sheet-{variant}"]
    konzept = ampel_xl.read(case.path)
    assert [f.sheet for f in konzept.felder] == ["Sprache", "Antidiskriminierung"]
    findings = _findings(case)
    hits = [f for f in findings if f.code == SHEET_NOT_A_FIELD]
    assert len(hits) == 1 and hits[0].severity.value == "info"
    assert not {"no-table", "field-duplicate"} & {f.code for f in findings}
    out = tmp_path / "Zusammenfassung.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(case.path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_a_field_with_101_unterziele(cases):
    for variant in ("text", "nummer"):
        f = ampel_xl.read(cases[f"many_unterziele-{variant}"].path).feld("Bildung")
        assert [u.nr for u in f.unterziele] == list(range(1, 102))
        assert len(f.unterziele[99].massnahmen) == 1 and len(f.unterziele[100].massnahmen) == 2


# --------------------------------------------------------------------------------------------
# The same masters after a round trip through LibreOffice and Gnumeric


def _surviving() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as d:
        channels = {cid: build_layout_case(cid, Path(d)).channels for cid in LAYOUT_CASE_IDS}
    return [(program, cid) for program in RESAVERS for cid in LAYOUT_CASE_IDS
            if not channels[cid] & LOST_IN[program]]


RESAVED_PARAMS = _surviving()


@pytest.fixture(scope="module")
def resaved(cases, tmp_path_factory):
    made: dict[str, dict[str, Path]] = {}

    def get(program: str) -> dict[str, Path]:
        exe, resave = RESAVERS[program]
        if exe is None:
            pytest.skip(f"{program} ist nicht installiert")
        if program not in made:
            wanted = [cases[cid].path for p, cid in RESAVED_PARAMS if p == program]
            paths = resave(wanted, tmp_path_factory.mktemp(program))
            made[program] = {cid: paths[cases[cid].path] for p, cid in RESAVED_PARAMS if p == program}
        return made[program]

    return get


@pytest.mark.parametrize("program, case_id", RESAVED_PARAMS)
def test_resaved_master_reads_the_same(cases, resaved, program, case_id):
    case = cases[case_id]
    konzept = ampel_xl.read(resaved(program)[case_id])
    problems = check_measures(case, konzept) + check_findings(case, ampel_xl.validate(konzept))
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# What a sheet means does not depend on the order of the tabs


def _tabs_reversed(src: Path, dst: Path) -> Path:
    """A copy of a master whose sheet tabs stand in reverse order (only ``xl/workbook.xml`` changes)."""
    with zipfile.ZipFile(src) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["xl/workbook.xml"].decode("utf-8")
    m = re.search(r"(<sheets>)(.*?)(</sheets>)", xml, re.S)
    assert m is not None
    sheets = re.findall(r"<sheet\b[^>]*/>", m.group(2))
    parts["xl/workbook.xml"] = (xml[:m.start(2)] + "".join(reversed(sheets)) + xml[m.end(2):]).encode("utf-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    return dst


def _reading(path: Path) -> tuple[set, set]:
    konzept = ampel_xl.read(path)
    measures = {(f.sheet, m.nr, m.row, m.status, m.in_auswertung, m.unterziel_nr)
                for f in konzept.felder for m in f.massnahmen}
    findings = {(f.code, f.sheet, f.cell) for f in ampel_xl.validate(konzept).findings}
    return measures, findings


@pytest.mark.parametrize("case_id", LAYOUT_CASE_IDS)
def test_reversed_tabs_read_the_same(cases, case_id, tmp_path):
    case = cases[case_id]
    reversed_path = _tabs_reversed(case.path, tmp_path / case.path.name)
    tabs = [s.name for s in ampel_xl.read(case.path).sheets]
    assert [s.name for s in ampel_xl.read(reversed_path).sheets] == tabs[::-1]
    assert _reading(reversed_path) == _reading(case.path)
