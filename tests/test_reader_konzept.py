"""The Konzept sheet in other words: its structure table is found by what it holds.

Every master comes from ``tests/clerk_konzept.py``: three field sheets, one of them missing a measure
row (or a whole Unterziel) that the Konzept sheet still counts, and a Konzept sheet as a clerk typed it
(other column titles, full field names against short tab names, a Σ row, no header, the columns in
another order, a table nobody can read). Only the public API is used.

Asserted per master: the declared structure (names and counts as the sheet says them, the Σ row as the
total and never as a field), the key/value rows, the count findings that name the deleted row (or the
finding that the table cannot be read), and no other error or warning; the same after LibreOffice and
Gnumeric have re-saved the master.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

import ampel_xl
from clerk_konzept import BUILDERS, KonzeptCase
from clerk_masters import RESAVERS


@pytest.fixture(scope="module")
def konzept_cases(tmp_path_factory) -> dict[str, KonzeptCase]:
    d = tmp_path_factory.mktemp("clerk_konzept")
    return {name: build(d / f"konzept-{name}.xlsx") for name, build in BUILDERS.items()}


def _date(value: object) -> object:
    return value.date() if isinstance(value, _dt.datetime) else value


def assert_reads(kc: KonzeptCase, path: Path) -> None:
    konzept = ampel_xl.read(path)
    report = ampel_xl.validate(konzept)
    problems: list[str] = []
    declared = {d.name: (d.unterziele, d.massnahmen) for d in konzept.declared or ()}
    if declared != kc.declared:
        problems.append(f"Tabelle: {declared} statt {kc.declared}")
    total = konzept.declared_total
    got = (total.unterziele, total.massnahmen) if total is not None else None
    if got != kc.total:
        problems.append(f"Summenzeile: {total} statt {kc.total}")
    for attr, want in kc.meta.items():
        if want is not None and _date(getattr(konzept, attr)) != want:
            problems.append(f"{attr}: {getattr(konzept, attr)!r} statt {want!r}")
    for e in kc.case.findings:
        hits = [f for f in report.findings if e.matches(f)]
        if not hits:
            problems.append(f"fehlt: {e.code} bei {e.sheet}!{e.cell}")
        elif not any(f.severity.value == e.severity for f in hits):
            problems.append(f"{e.code}: Schwere {hits[0].severity.value}, erwartet {e.severity}")
    for f in report.findings:
        if f.severity.value != "info" and not any(e.matches(f) for e in kc.case.findings):
            problems.append(f"unerwartet: {f.code} bei {f.location}: {f.message}")
    found = {f.sheet: len(f.massnahmen) for f in konzept.felder}
    want = {}
    for m in kc.case.measures:
        want[m.sheet] = want.get(m.sheet, 0) + 1
    if found != want:
        problems.append(f"Maßnahmen je Blatt: {found} statt {want}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_konzept_table_is_found_by_what_it_holds(konzept_cases, name):
    kc = konzept_cases[name]
    assert_reads(kc, kc.path)


def test_a_deleted_measure_row_is_named_with_the_konzept_row(konzept_cases):
    """The count finding says where the declared number stands, so that the clerk can compare."""
    kc = konzept_cases["volle-namen"]
    report = ampel_xl.validate(kc.path)
    hits = [f for f in report.findings if f.code == "count-massnahmen"]
    assert [f.sheet for f in hits] == ["Kultur"]
    assert "Zeile 6" in hits[0].message and "4" in hits[0].message and "3" in hits[0].message


def test_the_sum_row_is_no_field(konzept_cases):
    kc = konzept_cases["summenzeile"]
    konzept = ampel_xl.read(kc.path)
    assert [d.name for d in konzept.declared] == ["Sprache", "Kultur", "Antidiskriminierung"]
    report = ampel_xl.validate(konzept)
    assert not [f for f in report.findings if f.code == "field-missing"]


@pytest.fixture(scope="module")
def resaved_konzept(konzept_cases, tmp_path_factory):
    out: dict[str, dict[str, Path]] = {}

    def get(program: str) -> dict[str, Path]:
        if program not in out:
            tool, resave = RESAVERS[program]
            if tool is None:
                pytest.skip(f"{program} is not installed")
            paths = [kc.path for kc in konzept_cases.values()]
            mapping = resave(paths, tmp_path_factory.mktemp(f"konzept_{program}"))
            out[program] = {name: mapping[kc.path] for name, kc in konzept_cases.items()}
        return out[program]

    return get


@pytest.mark.parametrize("program", ["libreoffice", "gnumeric"])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_resaved_konzept_reads_the_same(konzept_cases, resaved_konzept, program, name):
    assert_reads(konzept_cases[name], resaved_konzept(program)[name])


def test_a_field_without_its_sheet_is_named_at_its_cell_of_the_table(tmp_path):
    """The table stands in columns B–E: the finding points at the cell that names the field, not at A."""
    from clerk_konzept import blatt_fehlt

    path, cell = blatt_fehlt(tmp_path / "blatt-fehlt.xlsx")
    missing = [f for f in ampel_xl.validate(path).findings if f.code == "field-missing"]
    assert [(f.sheet, f.cell) for f in missing] == [("Konzept", cell)]
    assert "Wohnen" in missing[0].message
