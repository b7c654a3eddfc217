"""One set of numbers: every share in every output is the number ampel_xl.figures computes.

Read back from what was written – the summary workbook's cached values, what its number
formats display (LibreOffice's "as shown" CSV), the charts' labels and titles, the history
workbook, the figures export, the Ampeldokument – for the example master, a master built to hit
.5 cases and rows whose shares, each rounded on its own, add up to 99 or 101 %, and one where only
one Unterziel misses 100 %. Equal counts print equal shares; a table or chart with a row that
misses 100 % carries "Rundungsdifferenzen möglich", one whose rows all add up to 100 does not.
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
from ampel_xl.figures import KEINE_IN_AUSWERTUNG, ROUNDING_NOTE, format_percent, rounding_note
from ampel_xl.xlsx.history import write_history
from ampel_xl.xlsx.summary import write_summary
from render import SOFFICE, chart_labels, chart_series_labels, displayed_sheets
from share_masters import even_master, half_master

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
WORDS = {"gruen": "Grün", "gelb": "Gelb", "rot": "Rot", "ohne": "ohne Bewertung"}


@pytest.fixture(params=["beispiel", "halbe", "gleich"])
def master(request, tmp_path) -> Path:
    if request.param == "beispiel":
        if not EXAMPLE.exists():
            pytest.skip("workbooks/Beispiel_Ampel-Master.xlsx fehlt")
        return EXAMPLE
    if request.param == "gleich":
        return even_master(tmp_path / "Gleichprobe.xlsx")
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


def _title(labels: dict[str, dict[int, str]], start: str) -> str:
    """The one chart title that starts with ``start`` (the rounding note may follow on a second line)."""
    found = [t for t in labels if t == start or t.startswith(start + "\n")]
    assert len(found) == 1, (start, list(labels))
    return found[0]


def test_summary_workbook_shows_the_figures_numbers(master, tmp_path):
    s = summarize(master)
    out = write_summary(s, tmp_path / "Zusammenfassung.xlsx")
    wb = load_workbook(out)
    shown = displayed_sheets(out, tmp_path / "csv") if SOFFICE else None
    checked = empty_rows = 0
    notes = {}
    for ws in wb.worksheets:
        tables = _share_tables(ws)
        if ws.title not in ("Maßnahmen", "Prüfbericht"):
            assert tables, ws.title
        title = ws["A1"].value if ws.title != "Übersicht" else "Übersicht"
        for _hr, cols, rows in tables:
            expected_rows = []
            for label, r in rows:
                exp = _expected(s, title, label)
                expected_rows.append(exp)
                if int(exp["summe"]) == 0:
                    # nothing evaluated: one cell "keine in Auswertung" across the shares, never 0 %
                    first = min(cols.values())
                    assert ws.cell(r, first).value == KEINE_IN_AUSWERTUNG, (ws.title, label)
                    assert all(ws.cell(r, c).value is None for c in cols.values() if c != first)
                    empty_rows += 1
                    continue
                values = {k: ws.cell(r, c).value for k, c in cols.items()}
                counts = {k: int(exp[k]) for k in cols}
                for k, c in cols.items():
                    pct = int(exp[f"prozent_{k}"])
                    # each share is its count over the sum, half-up on its own
                    assert pct == (200 * counts[k] + int(exp["summe"])) // (2 * int(exp["summe"]))
                    assert values[k] == pytest.approx(pct / 100), (ws.title, label, k)
                    if shown is not None:
                        assert shown[ws.title][r - 1][c - 1] == format_percent(pct), (ws.title, label, k)
                # equal counts, equal shares
                for a in cols:
                    for b in cols:
                        if counts[a] == counts[b]:
                            assert values[a] == values[b], (ws.title, label, a, b)
                checked += 1
            # the note under the table exactly where a row's printed shares miss 100 %
            gesamt = rows[-1][1]
            below = str(ws.cell(gesamt + 1, 1).value or "")
            misses = any(sum(int(e[f"prozent_{k}"]) for k in cols) != 100 for e in expected_rows if int(e["summe"]))
            assert (ROUNDING_NOTE in below) == misses, (ws.title, below)
            assert (rounding_note(expected_rows) is not None) == misses
            notes[ws.title] = misses
    assert checked >= len(s.felder) + 1
    if master.name == "Rundungsprobe.xlsx":
        assert empty_rows == 1  # Unterziel 3 of Interkulturelle Öffnung
        assert notes["Übersicht"] and all(notes.values())
    if master.name == "Gleichprobe.xlsx":
        # only Kultur & Freizeit's Unterziel 1 (1/1/1: 33 + 33 + 33) misses 100 %
        assert notes == {"Übersicht": False, "Wohnen": False, "Kultur": True}

    # the doughnuts: count and share of each slice, as the figures print them; the rounding note
    # in the title where the slices' shares miss 100 %
    labels = chart_labels(out)
    keys = ["gruen", "gelb", "rot", *(["ohne"] if s.has_ohne else [])]
    donuts = {f"Ergebnisse {s.konzept.titel or 'des Konzepts'} gesamt": s.total.iloc[0]}
    donuts.update({f"Ergebnisse {r['feld']} gesamt": r for r in s.felder.to_dict("records")})
    for start, rec in donuts.items():
        title = _title(labels, start)
        expected = {i: f"{int(rec[k])}\n{format_percent(rec[f'prozent_{k}'])}"
                    for i, k in enumerate(keys) if int(rec[k])}
        assert labels[title] == expected, title
        misses = bool(expected) and sum(int(rec[f"prozent_{k}"]) for k in keys) != 100
        assert (title == f"{start}\n{ROUNDING_NOTE}") == misses, title

    # the Übersicht's bars on the share axis are labelled with the shares, not the counts
    bars = [t for t in labels if t.startswith("Ergebnisse je ") and "(Anteile)" in t]
    assert len(bars) == 1
    felder = s.felder.to_dict("records")
    series = chart_series_labels(out, bars[0].split("\n")[0])
    for k, texts in zip(keys, series, strict=False):
        assert texts == {i: format_percent(r[f"prozent_{k}"]) for i, r in enumerate(felder) if int(r[k])}, k
    misses = any(sum(int(r[f"prozent_{k}"]) for k in keys) != 100 for r in felder if int(r["summe"]))
    assert bars[0].endswith(f"\n{ROUNDING_NOTE}") == misses


def test_half_cases_are_the_documented_numbers(tmp_path):
    """12.5 % and 62.5 % round half-up, also as parts of a whole; equal counts, equal shares."""
    s = summarize(half_master(tmp_path / "m.xlsx"))
    uz = s.feld_unterziele("Interkulturelle Öffnung")
    # 10 of 16 Grün, 3 Gelb, 3 Rot: 62.5 + 18.75 + 18.75 → 63 + 19 + 19 (101 %: the note)
    assert [int(uz.loc[0, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [63, 19, 19]
    # 1 of 8 Grün, 7 Rot: 12.5 + 87.5 → 13 + 88 (as the README says: 12,5 % → 13 %)
    assert [int(uz.loc[1, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [13, 0, 88]
    kommunen = s.feld_unterziele("Zusammenarbeit mit kreisangehörigen Kommunen")
    assert [int(kommunen.loc[0, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [33, 33, 33]
    assert [int(kommunen.loc[1, f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")] == [38, 38, 25]
    assert rounding_note(uz.iloc[:2]) == rounding_note(kommunen) == ROUNDING_NOTE


def test_history_rows_show_the_figures_and_the_rounding_note(tmp_path):
    a = half_master(tmp_path / "Master_2025-10-01.xlsx", kommunen_marked=False, stand="01.10.2025")
    b = half_master(tmp_path / "Master_2026-03-01.xlsx")
    df = history([a, b])
    out = write_history(df, tmp_path / "Verlauf.xlsx")
    ws = load_workbook(out)["Verlauf"]
    shown = displayed_sheets(out, tmp_path / "csv")["Verlauf"] if SOFFICE else None
    checked = empty = 0
    notes = {}
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
            if shown is not None:
                assert [shown[r - 1][c - 1] for c in share_cols] == [
                    format_percent(rec[f"prozent_{k}"]) for k in ("gruen", "gelb", "rot")]
            checked += 1
        # the rounding note under the block exactly where one of its Stände misses 100 %
        block_rows = df[df["feld"] == feld].to_dict("records")
        below = str(ws.cell(hr + len(block_rows) + 1, 1).value or "")
        misses = any(sum(int(b[f"prozent_{k}"]) for k in ("gruen", "gelb", "rot", "ohne")) != 100
                     for b in block_rows if b["summe"])
        assert (ROUNDING_NOTE in below) == misses, (feld, below)
        notes[feld] = misses
    assert checked == len(df) - 1 and empty == 1
    # the Öffnung field (11/3/10 of 24: 46 + 13 + 42 = 101) misses in both Stände
    assert notes["Interkulturelle Öffnung"]


def test_figures_export_has_the_same_numbers(tmp_path):
    s = summarize(half_master(tmp_path / "m.xlsx"))
    columns, rows = figures_rows(s)
    assert [r["ebene"] for r in rows] == ["Gesamt", "Feld", "Unterziel", "Unterziel", "Unterziel", "Feld",
                                          "Unterziel", "Unterziel"]
    by_uz = {(r["feld"], r["unterziel_nr"]): r for r in rows if r["ebene"] == "Unterziel"}
    empty = by_uz[("Interkulturelle Öffnung", 3)]
    assert [empty[f"prozent_{k}"] for k in WORDS] == [None] * 4 and empty["hinweis"] == KEINE_IN_AUSWERTUNG
    assert [by_uz[("Interkulturelle Öffnung", 1)][f"prozent_{k}"] for k in ("gruen", "gelb", "rot")] == [63, 19, 19]
    for r in rows:
        if r["in_auswertung"]:
            misses = sum(r[f"prozent_{k}"] for k in WORDS) != 100
            assert r["hinweis"] == (ROUNDING_NOTE if misses else ""), r
    assert rows[0]["hinweis"] == ""  # the concept: 43 + 20 + 37
    parsed = list(csv.DictReader(io.StringIO(figures_to_csv(s)), delimiter=";"))
    assert [p["Grün (%)"] for p in parsed] == ["" if r["prozent_gruen"] is None else str(r["prozent_gruen"])
                                                     for r in rows]
    assert json.loads(figures_to_json(s))[2]["prozent_gruen"] == 63
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
    assert ";63;19;19;0;Rundungsdifferenzen möglich" in text and ";keine in Auswertung" in text


@pytest.mark.parametrize("which", ["halbe", "gleich"])
def test_report_prints_equal_shares_and_the_note_under_its_doughnuts(tmp_path, which):
    """The Ampeldokument (read with python-docx): under each field's doughnut the rounding note exactly
    where the field's shares miss 100 %; its alternative text gives equal counts equal shares."""
    from docx import Document

    from ampel_xl.ampeldokument.document import write_report

    master = (half_master if which == "halbe" else even_master)(tmp_path / f"{which}.xlsx")
    s = summarize(master)
    docx_path = Path(write_report(s, tmp_path / "Ampeldokument.docx").docx)
    doc = Document(str(docx_path))
    seen = {}
    for table in doc.tables:
        head = table.rows[0].cells[0].text
        if not (head.startswith("Ergebnisse ") and head.endswith(" gesamt")):
            continue
        feld = head.removeprefix("Ergebnisse ").removesuffix(" gesamt")
        rec = s.felder.set_index("feld").loc[feld]
        cell = table.rows[1].cells[0]
        texts = [p.text for p in cell.paragraphs if p.text]
        misses = sum(int(rec[f"prozent_{k}"]) for k in WORDS) != 100
        assert texts == ([f"{ROUNDING_NOTE}."] if misses else []), (feld, texts)
        alt = cell._tc.xpath(".//wp:docPr")[0].get("descr")
        for k, w in (("gruen", "Grün"), ("gelb", "Gelb"), ("rot", "Rot")):
            assert f"{w}: {int(rec[k])} ({format_percent(rec[f'prozent_{k}'])})" in alt, (feld, alt)
        assert (ROUNDING_NOTE in alt) == misses
        seen[feld] = misses
    if which == "halbe":
        # Öffnung 11/3/10 of 24 (46 + 13 + 42 = 101), Kommunen 4/4/3 of 11 (36 + 36 + 27 = 99)
        assert seen == {"Interkulturelle Öffnung": True, "Zusammenarbeit mit kreisangehörigen Kommunen": True}
    else:
        assert seen == {"Wohnen": False, "Kultur & Freizeit": False}
