"""`ampel-xl export`: columns, CSV for German Excel, JSON, formula safety; and the docs of every command."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ampel_xl import read
from ampel_xl.cli import cli
from builders import FieldSheet, Text, build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
COLUMNS = ["sheet", "feld", "art", "unterziel_nr", "unterziel", "massnahme_nr", "massnahme_id", "massnahme",
           "status", "in_auswertung", "cell"]


def test_example_json_lists_193_measures_in_11_fields_with_64_unterziele():
    r = CliRunner().invoke(cli, ["export", str(EXAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) == 193
    assert len({row["feld"] for row in rows}) == 11
    assert len({(row["feld"], row["unterziel_nr"]) for row in rows}) == 64
    assert list(rows[0])[: len(COLUMNS)] == COLUMNS
    assert {row["status"] for row in rows} <= {"gruen", "gelb", "rot", None}
    assert all(isinstance(row["in_auswertung"], bool) for row in rows)
    first = rows[0]
    assert (first["sheet"], first["massnahme_id"], first["unterziel_nr"]) == ("Sprache", "Sprache/M1", 1)
    assert first["massnahme"].startswith("Sprachkurse für Zugewanderte")


@pytest.fixture
def odd_master(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "Träger"))
    f.rows.append({"kind": "uz", "values": {"Maßnahme": "Unterziel 1: =Ziel"}})
    f.measure(1, Text("=SUMME(A1)"), status="Grün", values={"Träger": "@evil"})
    f.measure(2, "+49 7531 800", status="Rot", values={"Träger": "-1"})
    f.measure(3, "Zeile 1\nZeile 2; mit Semikolon", status="Gelb")
    return build(tmp_path / "ümlaut master.xlsx", [f])


def test_csv_for_german_excel(odd_master, tmp_path):
    out = tmp_path / "Ausgabe mit Ä.csv"
    r = CliRunner().invoke(cli, ["export", str(odd_master), "-o", str(out)])
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: German Excel shows umlauts
    assert raw.count(b"\r\n") == 4  # Windows line endings between records (header + 3)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r["Maßnahme"] for r in rows] == ["'=SUMME(A1)", "'+49 7531 800", "Zeile 1\nZeile 2; mit Semikolon"]
    assert [r["Träger"] for r in rows] == ["'@evil", "'-1", ""]
    assert rows[0]["Unterziel"] == "'=Ziel"
    # German Excel's reader sees German words, not the program's keys
    assert list(rows[0])[:5] == ["Blatt", "Feld", "Art", "Unterziel-Nr.", "Unterziel"]
    assert [r["Status"] for r in rows] == ["Grün", "Rot", "Gelb"]
    assert [r["In Auswertung"] for r in rows] == ["ja", "ja", "ja"]
    assert not [h for h in rows[0] if re.fullmatch(r"[a-z_]+", h)]


def test_csv_comma_separator_to_stdout(odd_master):
    r = CliRunner().invoke(cli, ["export", str(odd_master), "--sep", ","])
    text = r.stdout_bytes.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Blatt,Feld,Art,Unterziel-Nr.,")


def test_json_keeps_text_unchanged(odd_master):
    r = CliRunner().invoke(cli, ["export", str(odd_master), "--format", "json"])
    rows = json.loads(r.stdout)
    # programs keep the stable keys and values
    assert list(rows[0])[: len(COLUMNS)] == COLUMNS
    assert [row["status"] for row in rows] == ["gruen", "rot", "gelb"] and rows[0]["in_auswertung"] is True
    assert [row["massnahme"] for row in rows][:2] == ["=SUMME(A1)", "+49 7531 800"]
    assert rows[0]["Träger"] == "@evil"


def test_to_frame_has_the_export_columns(odd_master):
    df = read(odd_master).to_frame()
    assert list(df.columns[: len(COLUMNS)]) == COLUMNS
    assert len(df) == 3


def test_master_is_byte_identical_after_export(odd_master, tmp_path):
    before = odd_master.read_bytes()
    CliRunner().invoke(cli, ["export", str(odd_master), "-o", str(tmp_path / "x.json"), "--format", "json"])
    assert odd_master.read_bytes() == before


# -- docs: every command has help text and is in the README -------------------------------------
def test_every_command_has_german_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 20, name
        r = runner.invoke(cli, [name, "--help"])
        assert r.exit_code == 0, name
        assert f"ampel-xl {name}" in readme, name


@pytest.mark.parametrize(
    "args, expected",
    [
        (["validate"], "Fehler: Es fehlt die Angabe 'MASTER'. Hilfe: ampel-xl validate --help"),
        (["validate", "--foo", "x.xlsx"], "Fehler: Unbekannte Option: --foo."),
        (["gibtsnicht"], "Fehler: Unbekannter Befehl „gibtsnicht“."),
    ],
)
def test_wrong_calls_get_a_german_sentence(args, expected):
    r = CliRunner().invoke(cli, args, prog_name="ampel-xl")
    assert r.exit_code == 2
    assert expected in r.output
    assert "Usage" not in r.output and "Traceback" not in r.output


def test_help_is_german():
    r = CliRunner().invoke(cli, ["summary", "--help"], prog_name="ampel-xl")
    assert r.output.startswith("Aufruf: ampel-xl summary [OPTIONEN] MASTER")
    assert "Optionen:" in r.output and "Diese Hilfe anzeigen und beenden." in r.output
    assert "Show this message" not in r.output and "[default" not in r.output


def test_summary_measures_sheet_has_german_headers_only(tmp_path):
    """A status cell "Grün (verzögert)" keeps its addition under a German header, not "status_zusatz"."""
    from openpyxl import load_workbook

    f = FieldSheet("Handlungsfeld Arbeit", "Arbeit", header=("Nr", "Maßnahme", "Ampel", "Kosten"))
    f.rows.append({"kind": "uz", "values": {"Maßnahme": "Unterziel 1: Ausbildung"}})
    f.measure(1, "Ausbildungsbörse", status="Grün (verzögert)", values={"Kosten": "5.000 €"})
    f.measure(2, "Sprachkurse im Betrieb", status="Gelb")
    master = build(tmp_path / "Ampel-Master.xlsx", [f])
    out = tmp_path / "Zusammenfassung.xlsx"
    r = CliRunner().invoke(cli, ["summary", str(master), "-o", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["Maßnahmen"]
    (table,) = ws.tables.values()
    headers = [c.name for c in table.tableColumns]
    assert "Zusatz zum Status" in headers and "Kosten" in headers
    assert not [h for h in headers if re.fullmatch(r"[a-z_]+", h)], headers
    top = ws[table.ref.split(":")[0]].row
    col = headers.index("Zusatz zum Status") + 1
    assert ws.cell(top + 1, col).value == "verzögert"
    assert ws.cell(top + 1, headers.index("Status") + 1).value == "Grün"
    assert ws.cell(top + 1, headers.index("In Auswertung") + 1).value == "ja"
