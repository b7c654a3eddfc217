"""history(): the course over three Stände, the workbook "Verlauf" and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ampel_xl import history
from ampel_xl.cli import cli
from ampel_xl.figures import EXCEL_PERCENT_FORMAT
from ampel_xl.reader import read
from ampel_xl.timeline import COLUMNS, _date_in_name
from ampel_xl.xlsx.history import write_history
from builders import FieldSheet, build


def _field(title: str, sheet: str, statuses: list[str]) -> FieldSheet:
    f = FieldSheet(title, sheet)
    f.unterziel(1)
    for nr, status in enumerate(statuses, start=1):
        f.measure(nr, f"{sheet} Maßnahme {nr}", status=status)
    return f


# Sprache moves from Rot to Grün over three meetings, Arbeit stays put.
STAENDE = {
    "2024-06-10": (["Rot", "Rot", "Gelb", "Gelb"], ["Grün", "Rot"]),
    "2024-10-01": (["Gelb", "Rot", "Gelb", "Grün"], ["Grün", "Rot"]),
    "2025-02-03": (["Grün", "Gelb", "Grün", "Grün"], ["Grün", "Rot"]),
}


@pytest.fixture
def drei(tmp_path: Path) -> list[Path]:
    paths = []
    for i, (stand, (sprache, arbeit)) in enumerate(STAENDE.items()):
        fields = [_field("Handlungsfeld Sprache", "Sprache", sprache), _field("Handlungsfeld Arbeit", "Arbeit", arbeit)]
        if i == 1:  # no Konzept sheet: the Stand comes from the file's name
            paths.append(build(tmp_path / f"Ampel-Master_{stand}.xlsx", fields))
        else:
            y, m, d = stand.split("-")
            paths.append(build(tmp_path / f"Master{i}.xlsx", fields, konzept={"Stand": f"{d}.{m}.{y}"}))
    # given out of order on purpose
    return [paths[2], paths[0], paths[1]]


def test_history_frame(drei):
    df = history(drei)
    assert list(df.columns) == COLUMNS
    assert len(df) == 9  # 3 Stände × (2 fields + Gesamt)
    assert list(df["stand"].drop_duplicates()) == [pd.Timestamp(s) for s in STAENDE]
    assert list(df["stand_label"].drop_duplicates()) == ["10. Juni 2024", "1. Oktober 2024", "3. Februar 2025"]
    assert list(df["feld"][:3]) == ["Sprache", "Arbeit", "Gesamt"]
    sprache = df[df["feld"] == "Sprache"]
    assert list(sprache["gruen"]) == [0, 1, 3]
    assert list(sprache["gelb"]) == [2, 2, 1]
    assert list(sprache["rot"]) == [2, 1, 0]
    assert list(sprache["anteil_gruen"]) == [0.0, 0.25, 0.75]
    gesamt = df[df["feld"] == "Gesamt"]
    assert list(gesamt["summe"]) == [6, 6, 6]
    assert list(gesamt["gruen"]) == [1, 2, 4]
    assert gesamt["anteil_gruen"].round(4).tolist() == [round(1 / 6, 4), round(2 / 6, 4), round(4 / 6, 4)]
    shares = df[["anteil_gruen", "anteil_gelb", "anteil_rot", "anteil_ohne"]].sum(axis=1)
    assert (shares.round(9) == 1.0).all()
    # the printed shares, each rounded on its own (4, 1, 1 of 6 is 67 + 17 + 17)
    printed = df[["prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne"]]
    # each share rounded on its own: 4, 1 and 1 of 6 print 67 + 17 + 17 (equal counts, equal shares)
    assert printed[df["feld"] == "Gesamt"].values.tolist()[-1] == [67, 17, 17, 0]
    assert df["quelle"].iloc[3] == "Ampel-Master_2024-10-01.xlsx"


def test_history_takes_konzepte_too(drei):
    from_paths = history(drei)
    from_objects = history([read(p) for p in drei])
    pd.testing.assert_frame_equal(from_paths, from_objects)


def test_undated_stands_keep_the_given_order(tmp_path):
    a = build(tmp_path / "Herbst.xlsx", [_field("Handlungsfeld Sprache", "Sprache", ["Rot"])])
    b = build(tmp_path / "Frühjahr.xlsx", [_field("Handlungsfeld Sprache", "Sprache", ["Grün"])])
    df = history([a, b])
    assert list(df["stand_label"].drop_duplicates()) == ["Herbst", "Frühjahr"]
    assert df["stand"].isna().all()


def test_same_stand_twice_is_told_apart(tmp_path):
    a = build(tmp_path / "a.xlsx", [_field("Handlungsfeld Sprache", "Sprache", ["Rot"])],
              konzept={"Stand": "03.02.2025"})
    b = build(tmp_path / "b.xlsx", [_field("Handlungsfeld Sprache", "Sprache", ["Grün"])],
              konzept={"Stand": "03.02.2025"})
    labels = list(history([a, b])["stand_label"].drop_duplicates())
    assert labels == ["3. Februar 2025 (a.xlsx)", "3. Februar 2025 (b.xlsx)"]


@pytest.mark.parametrize("name, expected", [
    ("Master_2025-02-03.xlsx", dt.date(2025, 2, 3)),
    ("Master 03.02.2025.xlsx", dt.date(2025, 2, 3)),
    ("Master_20250203.xlsx", dt.date(2025, 2, 3)),
    ("Master_2025-13-40.xlsx", None),
    ("Master.xlsx", None),
])
def test_date_in_name(name, expected):
    assert _date_in_name(name) == expected


def test_workbook(drei, tmp_path):
    target = write_history(history(drei), tmp_path / "Verlauf.xlsx")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Verlauf"]
    ws = wb["Verlauf"]
    assert ws["A1"].value == "Verlauf der Ampel: Anteile Grün, Gelb und Rot je Stand"
    headings = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert headings.index("Gesamtes Konzept") < headings.index("Sprache") < headings.index("Arbeit")
    top = headings.index("Sprache") + 2  # 1-based header row of the Sprache block
    assert [ws.cell(top, c).value for c in range(1, 5)] == ["Stand", "Anteil Grün", "Anteil Gelb", "Anteil Rot"]
    assert [ws.cell(top + i, 1).value for i in (1, 2, 3)] == ["10. Juni 2024", "1. Oktober 2024", "3. Februar 2025"]
    assert [ws.cell(top + i, 2).value for i in (1, 2, 3)] == [0.0, 0.25, 0.75]
    assert ws.cell(top + 1, 2).number_format == EXCEL_PERCENT_FORMAT
    charts = ws._charts
    assert len(charts) == 3
    assert all(c.tagname == "lineChart" for c in charts)
    sprache = charts[1]
    assert [s.tx.strRef.f for s in sprache.series] == [f"Verlauf!$B${top}", f"Verlauf!$C${top}", f"Verlauf!$D${top}"]
    assert sprache.series[0].val.numRef.f == f"Verlauf!$B${top + 1}:$B${top + 3}"
    assert [s.graphicalProperties.line.solidFill.srgbClr for s in sprache.series] == ["00B050", "FFC000", "FF0000"]
    # the lines differ without colour too: dash and marker
    assert [s.graphicalProperties.line.prstDash for s in sprache.series] == ["solid", "dash", "sysDot"]
    assert [s.marker.symbol for s in sprache.series] == ["circle", "diamond", "triangle"]


def test_workbook_is_deterministic(drei, tmp_path):
    df = history(drei)
    assert write_history(df, tmp_path / "1.xlsx").read_bytes() == write_history(df, tmp_path / "2.xlsx").read_bytes()


def test_cli_history(drei, tmp_path):
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["history", *map(str, drei), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Gesamtes Konzept je Stand:"
    assert lines[1] == "  10. Juni 2024: Grün 17\u00a0%, Gelb 33\u00a0%, Rot 50\u00a0% (von 6 Maßnahmen)"
    # 4, 1 and 1 of 6: each share half-up on its own, 67 + 17 + 17
    assert lines[3] == "  3. Februar 2025: Grün 67\u00a0%, Gelb 17\u00a0%, Rot 17\u00a0% (von 6 Maßnahmen)"
    # 101 % in that line: the note follows the lines, as below every table whose shares miss 100 %
    assert lines[4] == "  Rundungsdifferenzen möglich."
    # a Stand whose shares add up to 100 % (10. Juni 2024: 17 + 33 + 50) prints no such note
    single = CliRunner().invoke(cli, ["history", str(drei[1]), "-o", str(tmp_path / "eins.xlsx")])
    assert single.exit_code == 0, single.output
    assert "Rundungsdifferenzen" not in single.output
    assert f"Verlauf geschrieben: {out}" in result.output
    assert out.exists()


def test_cli_history_default_name_and_unreadable(drei, tmp_path):
    result = CliRunner().invoke(cli, ["history", *map(str, drei)])
    assert result.exit_code == 0, result.output
    assert (drei[-1].parent / "Verlauf.xlsx").exists()
    result = CliRunner().invoke(cli, ["history", str(drei[0]), str(tmp_path / "fehlt.xlsx")])
    assert result.exit_code == 2
    assert "wurde nicht gefunden" in result.output
    assert "Traceback" not in result.output
