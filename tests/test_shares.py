"""One set of numbers: every share in every output is the number ampel_xl.figures computes.

Read back from what was written – the summary workbook's cached values, what its number
formats display (LibreOffice's "as shown" CSV), the doughnuts' labels, the history workbook,
the figures export – for the example master and a master built to hit .5 cases and parts that
half-up would round to 99 or 101 %.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ampel_xl import history, summarize
from ampel_xl.export import figures_rows, figures_to_csv, figures_to_json
from ampel_xl.figures import KEINE_IN_AUSWERTUNG, format_percent
from ampel_xl.xlsx.history import write_history
from ampel_xl.xlsx.summary import write_summary
from render import SOFFICE, chart_labels, displayed_sheets
from share_masters import half_master

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
WORDS = {"gruen": "Grün", "gelb": "Gelb", "rot": "Rot", "ohne": "ohne Bewertung"}


@pytest.fixture(params=["beispiel", "halbe"])
def master(request, tmp_path) -> Path:
    if request.param == "beispiel":
        if not EXAMPLE.exists():
            pytest.skip("workbooks/Beispiel_Ampel-Master.xlsx fehlt")
        return EXAMPLE
    return half_master(tmp_path / "Rundungsprobe.xlsx")


def _share_tables(ws):
    """(header row, {key: column}, [(label, row)]) of every figures table of a sheet (1-based)."""
    tables = []
    for row in ws.iter_rows():
        labels = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "Anteil Grün" not in labels:
            continue
        hr = row[0].row
        cols = {k: labels[f"Anteil {w}"] for k, w in WORDS.items() if f"Anteil {w}" in labels}
        rows = []
        r = hr + 1
        while ws.cell(r, 1).value not in (None, ""):
            rows.append((str(ws.cell(r, 1).value), r))
            if ws.cell(r, 1).value == "Gesamt":
                break
            r += 1
        tables.append((hr, cols, rows))
    return tables


def _expected(s, ws_title: str, label: str):
    """The figures row a summary table row shows."""
    if ws_title == "Übersicht":
        if label == "Gesamt":
            return s.total.iloc[0]
        return s.felder.set_index("feld").loc[label]
    feld = next(r for r in s.felder.to_dict("records") if ws_title == f"{r['art']} {r['feld']}")
    if label == "Gesamt":
        return s.felder.set_index("feld").loc[feld["feld"]]
    uz = s.feld_unterziele(feld["feld"])
    if label == "ohne Unterziel":
        return uz[uz["unterziel_nr"].isna()].iloc[0]
    nr = int(label.removeprefix("Unterziel "))
    return uz[uz["unterziel_nr"] == nr].iloc[0]


def test_summary_workbook_shows_the_figures_numbers(master, tmp_path):
    s = summarize(master)
    out = write_summary(s, tmp_path / "Zusammenfassung.xlsx")
    wb = load_workbook(out)
    shown = displayed_sheets(out, tmp_path / "csv") if SOFFICE else None
    checked = empty_rows = 0
    for ws in wb.worksheets:
        tables = _share_tables(ws)
        if ws.title in ("Übersicht",) or ws.title not in ("Maßnahmen", "Prüfbericht"):
            assert tables or ws.title in ("Maßnahmen", "Prüfbericht"), ws.title
        title = ws["A1"].value if ws.title != "Übersicht" else "Übersicht"
        for _hr, cols, rows in tables:
            for label, r in rows:
                exp = _expected(s, title, label)
                if int(exp["summe"]) == 0:
                    # nothing evaluated: one cell "keine in Auswertung" across the shares, never 0 %
                    first = min(cols.values())
                    assert ws.cell(r, first).value == KEINE_IN_AUSWERTUNG, (ws.title, label)
                    assert all(ws.cell(r, c).value is None for c in cols.values() if c != first)
                    empty_rows += 1
                    continue
                values = {k: ws.cell(r, c).value for k, c in cols.items()}
                assert sum(round(v * 100) for v in values.values()) == 100, (ws.title, label, values)
                for k, c in cols.items():
                    pct = int(exp[f"prozent_{k}"])
                    assert values[k] == pytest.approx(pct / 100), (ws.title, label, k)
                    if shown is not None:
                        assert shown[ws.title][r - 1][c - 1] == format_percent(pct), (ws.title, label, k)
                checked += 1
    assert checked >= len(s.felder) + 1
    if master != EXAMPLE:
        assert empty_rows == 1  # Unterziel 3 of Interkulturelle Öffnung

    # the doughnuts: count and share of each slice, as the figures print them
    labels = chart_labels(out)
    keys = ["gruen", "gelb", "rot", *(["ohne"] if s.has_ohne else [])]
    donuts = {f"Ergebnisse {s.konzept.titel or 'des Konzepts'} gesamt": s.total.iloc[0]}
    donuts.update({f"Ergebnisse {r['feld']} gesamt": r for r in s.felder.to_dict("records")})
    for title, rec in donuts.items():
        expected = {i: f"{int(rec[k])}\n{format_percent(rec[f'prozent_{k}'])}"
                    for i, k in enumerate(keys) if int(rec[k])}
        assert labels[title] == expected, title
        if expected:
            assert sum(int(t.split("\n")[1].split("\u00a0")[0]) for t in expected.values()) == 100


def test_half_cases_are_the_documented_numbers(tmp_path):
    """12.5 % and 62.5 % round half-up where they stand alone; parts of a whole add up to 100."""
    s = summarize(half_master(tmp_path / "m.xlsx"))
    uz = s.feld_unterziele("Interkulturelle Öffnung")
    # 10 of 16 Grün, 3 Gelb, 3 Rot: 62.5 + 18.75 + 18.75 → 62 + 19 + 19 (half-up: 63 + 19 + 19 = 101)
    assert [int(uz.loc[0, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [62, 19, 19]
    # 1 of 8 Grün, 7 Rot: 12.5 + 87.5 → 12 + 88 (the larger part takes the point)
    assert [int(uz.loc[1, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [12, 0, 88]
    kommunen = s.feld_unterziele("Zusammenarbeit mit kreisangehörigen Kommunen")
    assert [int(kommunen.loc[0, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [34, 33, 33]
    assert [int(kommunen.loc[1, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [38, 37, 25]


def test_history_rows_add_up_and_show_the_figures(tmp_path):
    a = half_master(tmp_path / "Master_2025-10-01.xlsx", kommunen_marked=False, stand="01.10.2025")
    b = half_master(tmp_path / "Master_2026-03-01.xlsx")
    df = history([a, b])
    out = write_history(df, tmp_path / "Verlauf.xlsx")
    ws = load_workbook(out)["Verlauf"]
    shown = displayed_sheets(out, tmp_path / "csv")["Verlauf"] if SOFFICE else None
    checked = empty = 0
    for row in ws.iter_rows():
        if row[0].value != "Stand":
            continue
        hr = row[0].row
        cols = {c.value: c.column for c in row if c.value}
        block = ws.cell(hr - 1, 1).value
        feld = "Gesamt" if block == "Gesamtes Konzept" else block
        for i, rec in enumerate(df[df["feld"] == feld].to_dict("records"), start=1):
            r = hr + i
            assert ws.cell(r, 1).value == rec["stand_label"]
            share_cols = [cols[f"Anteil {w}"] for w in ("Grün", "Gelb", "Rot")]
            if rec["summe"] == 0:
                assert ws.cell(r, share_cols[0]).value == KEINE_IN_AUSWERTUNG
                empty += 1
                continue
            values = [ws.cell(r, c).value for c in share_cols]
            assert [round(v * 100) for v in values] == [rec[f"prozent_{k}"] for k in ("gruen", "gelb", "rot")]
            assert sum(round(v * 100) for v in values) == 100  # no measure without status here
            if shown is not None:
                assert [shown[r - 1][c - 1] for c in share_cols] == [
                    format_percent(rec[f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")]
            checked += 1
    assert checked == len(df) - 1 and empty == 1


def test_figures_export_has_the_same_numbers(tmp_path):
    s = summarize(half_master(tmp_path / "m.xlsx"))
    columns, rows = figures_rows(s)
    assert [r["ebene"] for r in rows] == ["Gesamt", "Feld", "Unterziel", "Unterziel", "Unterziel", "Feld",
                                          "Unterziel", "Unterziel"]
    by_uz = {(r["feld"], r["unterziel_nr"]): r for r in rows if r["ebene"] == "Unterziel"}
    empty = by_uz[("Interkulturelle Öffnung", 3)]
    assert [empty[f"prozent_{k}"] for k in WORDS] == [None] * 4 and empty["hinweis"] == KEINE_IN_AUSWERTUNG
    assert [by_uz[("Interkulturelle Öffnung", 1)][f"prozent_{k}"] for k in ("gruen", "gelb", "rot")] == [62, 19, 19]
    for r in rows:
        if r["in_auswertung"]:
            assert sum(r[f"prozent_{k}"] for k in WORDS) == 100
    parsed = list(csv.DictReader(io.StringIO(figures_to_csv(s)), delimiter=";"))
    assert [p["Grün (%)"] for p in parsed] == ["" if r["prozent_gruen"] is None else str(r["prozent_gruen"])
                                                     for r in rows]
    assert json.loads(figures_to_json(s))[2]["prozent_gruen"] == 62
    assert pd.DataFrame(rows, columns=columns)["prozent_rot"].iloc[0] == int(s.total["prozent_rot"].iloc[0])


def test_cli_export_zahlen(tmp_path):
    from click.testing import CliRunner

    from ampel_xl.cli import cli

    m = half_master(tmp_path / "m.xlsx")
    out = tmp_path / "zahlen.csv"
    result = CliRunner().invoke(cli, ["export", str(m), "--zahlen", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Ebene;Feld;Art;Unterziel-Nr.")
    assert "Unterziel;Interkulturelle Öffnung;Handlungsfeld;1;" in text
    assert ";62;19;19;0;" in text and ";keine in Auswertung" in text
