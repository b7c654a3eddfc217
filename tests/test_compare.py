"""compare(): two Stände with known changes, the workbook "Veränderungen" and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ampel_xl import compare
from ampel_xl.cli import cli
from ampel_xl.comparison import ARTEN, Changes
from ampel_xl.model import STATUS_FILLS
from ampel_xl.reader import read
from ampel_xl.xlsx.changes import add_changes_sheet, write_changes
from builders import FieldSheet, build


def _sprache(rows: list[tuple]) -> FieldSheet:
    """rows: (unterziel) as int, or (nr, text, status[, blue])."""
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    for row in rows:
        if isinstance(row, int):
            f.unterziel(row)
        else:
            nr, text, status, *blue = row
            f.measure(nr, text, status=status, blue=blue[0] if blue else "nr")
    return f


def _arbeit(rows: list[tuple]) -> FieldSheet:
    f = FieldSheet("Handlungsfeld Arbeit", "Arbeit")
    f.unterziel(1)
    for nr, text, status, *blue in rows:
        f.measure(nr, text, status=status, blue=blue[0] if blue else "nr")
    return f


OLD_SPRACHE = [
    1,
    (1, "Sprachkurse an mehreren Standorten", "Rot"),
    (2, "Kita-Sprachförderung", "Gelb"),
    (3, "Elternkurse in den Familienzentren", "Grün"),
    2,
    (4, "Berufssprachkurse ausbauen und bekannt machen", "Gelb"),
    (5, "Lotsen für Sprachangebote", "Rot"),
    (6, "Sprachcafés in den Gemeinden", "Gelb"),
]
# A measure inserted at the top (all numbers after it move by one), one removed (the Lotsen),
# one reworded a little (Berufssprachkurse) – and status changes up and down.
NEW_SPRACHE = [
    1,
    (1, "Digitale Lernangebote für Sprache", "Rot"),
    (2, "Sprachkurse an mehreren Standorten", "Gelb"),      # was 1, Rot → Gelb
    (3, "Kita-Sprachförderung", "Gelb"),                     # was 2, unchanged status
    (4, "Elternkurse in den  FAMILIENZENTREN", "Gelb"),      # was 3, Grün → Gelb (setback)
    2,
    (5, "Berufssprachkurse ausbauen und bekanntmachen", "Grün"),  # was 4, reworded, Gelb → Grün
    (6, "Sprachcafés in den Gemeinden", "Gelb"),             # same ID, same text
]
OLD_ARBEIT = [(1, "Jobmesse", "Grün"), (2, "Mentoring", "Rot"), (3, "Praktikumsbörse", "Gelb", None)]
NEW_ARBEIT = [
    (1, "Jobmesse", "Grün", None),
    (2, "Mentoring-Programm für Frauen", "Gelb"),
    (3, "Praktikumsbörse", "Gelb"),
]


@pytest.fixture
def masters(tmp_path: Path) -> tuple[Path, Path]:
    old = build(tmp_path / "Master_2024-10.xlsx", [_sprache(OLD_SPRACHE), _arbeit(OLD_ARBEIT)],
                konzept={"Titel": "Integrationskonzept", "Stand": "01.10.2024"})
    new = build(tmp_path / "Master_2025-02.xlsx", [_sprache(NEW_SPRACHE), _arbeit(NEW_ARBEIT)],
                konzept={"Titel": "Integrationskonzept", "Stand": "03.02.2025"})
    return old, new


def _rows(changes: Changes) -> list[tuple]:
    return [(c.massnahme_id, c.alt_id, c.art, c.alt, c.neu) for c in changes]


def test_known_changes(masters):
    changes = compare(*masters)
    assert _rows(changes) == [
        ("Sprache/M2", "Sprache/M1", "status", "rot", "gelb"),
        ("Sprache/M4", "Sprache/M3", "status", "gruen", "gelb"),
        ("Sprache/M5", "Sprache/M4", "status", "gelb", "gruen"),
        ("Sprache/M1", None, "neu", None, "rot"),
        ("Sprache/M5", "Sprache/M5", "entfernt", "rot", None),
        ("Sprache/M2", "Sprache/M1", "nummer", "rot", "gelb"),
        ("Sprache/M3", "Sprache/M2", "nummer", "gelb", "gelb"),
        ("Sprache/M4", "Sprache/M3", "nummer", "gruen", "gelb"),
        ("Sprache/M5", "Sprache/M4", "nummer", "gelb", "gruen"),
        ("Sprache/M4", "Sprache/M3", "text", "gruen", "gelb"),   # "FAMILIENZENTREN": case is a change
        ("Sprache/M5", "Sprache/M4", "text", "gelb", "gruen"),   # "bekannt machen" → "bekanntmachen"
        ("Arbeit/M2", "Arbeit/M2", "status", "rot", "gelb"),
        ("Arbeit/M1", "Arbeit/M1", "auswertung", "gruen", "gruen"),
        ("Arbeit/M3", "Arbeit/M3", "auswertung", "gelb", "gelb"),
        ("Arbeit/M2", "Arbeit/M2", "text", "rot", "gelb"),
    ]
    texts = {c.massnahme_id: (c.vorher, c.nachher) for c in changes.of("text")}
    assert texts["Sprache/M4"] == ("Elternkurse in den Familienzentren", "Elternkurse in den FAMILIENZENTREN")
    assert texts["Arbeit/M2"] == ("Mentoring", "Mentoring-Programm für Frauen")
    assert [c.richtung for c in changes.of("status")] == ["besser", "schlechter", "besser", "besser"]
    assert [c.pfeil for c in changes.of("status")] == ["↑", "↓", "↑", "↑"]
    by_id = {(c.massnahme_id, c.art): c for c in changes}
    assert by_id[("Sprache/M2", "status")].zuordnung == "text"       # renumbered, same text
    assert by_id[("Sprache/M4", "status")].zuordnung == "text"       # case and spaces do not matter
    assert by_id[("Sprache/M5", "status")].zuordnung == "aehnlich"   # renumbered and reworded
    assert by_id[("Arbeit/M2", "status")].zuordnung == "id"          # reworded, numbers stable
    assert by_id[("Arbeit/M1", "auswertung")].auswertung_alt is True
    assert by_id[("Arbeit/M1", "auswertung")].auswertung_neu is False
    assert by_id[("Sprache/M5", "entfernt")].massnahme == "Lotsen für Sprachangebote"


def test_renumbered_measures_are_not_removed_and_added(masters):
    changes = compare(*masters)
    assert [c.massnahme for c in changes.of("neu")] == ["Digitale Lernangebote für Sprache"]
    assert [c.massnahme for c in changes.of("entfernt")] == ["Lotsen für Sprachangebote"]


def test_to_frame(masters):
    df = compare(*masters).to_frame()
    assert list(df.columns[:6]) == ["feld", "massnahme_id", "alt_id", "art", "alt", "neu"]
    assert {"richtung", "massnahme", "auswertung_alt", "auswertung_neu", "zuordnung"} <= set(df.columns)
    assert len(df) == 15
    assert set(df["art"]) == {"status", "neu", "entfernt", "auswertung", "nummer", "text"}
    assert set(df["alt"].dropna()) | set(df["neu"].dropna()) <= {"gruen", "gelb", "rot"}
    status = df[df["art"] == "status"]
    assert list(zip(status["alt"], status["neu"], strict=True)) == [
        ("rot", "gelb"), ("gruen", "gelb"), ("gelb", "gruen"), ("rot", "gelb")]
    assert df.loc[df["art"] == "neu", "alt"].isna().all()
    assert df.loc[df["art"] == "entfernt", "neu"].isna().all()


def test_per_feld_and_text(masters):
    changes = compare(*masters)
    per = changes.per_feld().set_index("feld")
    assert (per.loc["Sprache", ["verbesserungen", "rueckschritte", "neu", "entfernt", "nummer"]].tolist()
            == [2, 1, 1, 1, 4])
    assert per.loc["Arbeit", ["verbesserungen", "rueckschritte", "auswertung"]].tolist() == [1, 0, 2]
    text = changes.text()
    assert text.splitlines()[0] == "Vergleich Stand 1. Oktober 2024 → Stand 3. Februar 2025"
    assert ("4 Statusänderungen: 3 Verbesserungen (Rot → Gelb: 2, Gelb → Grün: 1), "
            "1 Rückschritt (Grün → Gelb: 1).") in text
    assert ("1 Maßnahme neu, 1 Maßnahme entfernt, 2 Änderungen der Auswertung, 4 Maßnahmen neu nummeriert, "
            "3 Texte geändert.") in text
    assert "Sprache 2 ↑ / 1 ↓" in text


def test_paths_and_konzepte_give_the_same(masters):
    from_paths = compare(*masters)
    from_objects = compare(read(masters[0]), read(masters[1]))
    assert _rows(from_paths) == _rows(from_objects)


def test_same_master_has_no_changes(masters):
    changes = compare(masters[1], masters[1])
    assert len(changes) == 0 and not changes
    assert "Keine Veränderungen" in changes.text()
    assert changes.to_frame().empty


def test_field_added_and_removed(tmp_path):
    old = build(tmp_path / "a.xlsx", [_sprache([1, (1, "A", "Rot")]), _arbeit([(1, "Jobmesse", "Grün")])])
    new = build(tmp_path / "b.xlsx", [
        _sprache([1, (1, "A", "Rot")]),
        FieldSheet("Handlungsfeld Wohnen", "Wohnen").unterziel(1).measure(1, "W", "Gelb"),
    ])
    changes = compare(old, new)
    assert changes.felder_neu == ("Wohnen",)
    assert changes.felder_entfernt == ("Arbeit",)
    assert _rows(changes) == [
        ("Wohnen/M1", None, "neu", None, "gelb"),
        ("Arbeit/M1", "Arbeit/M1", "entfernt", "gruen", None),
    ]
    assert "Neue Felder: Wohnen." in changes.text()
    assert changes.felder == ("Sprache", "Wohnen", "Arbeit")


def test_status_set_or_cleared_has_no_direction(tmp_path):
    old = build(tmp_path / "a.xlsx", [_sprache([1, (1, "A", None), (2, "B", "Gelb")])])
    new = build(tmp_path / "b.xlsx", [_sprache([1, (1, "A", "Grün"), (2, "B", None)])])
    changes = compare(old, new)
    assert [(c.alt, c.neu, c.richtung, c.pfeil) for c in changes] == [(None, "gruen", "", "→"), ("gelb", None, "", "→")]
    assert "2 ohne Richtung" in changes.text()


def test_same_number_other_text_after_a_shift_is_not_the_same_measure(tmp_path):
    old = build(tmp_path / "a.xlsx",
                [_sprache([1, (1, "Kurse", "Rot"), (2, "Beratung", "Gelb"), (3, "Wird gestrichen", "Grün")])])
    new = build(tmp_path / "b.xlsx",
                [_sprache([1, (1, "Neu dazu", "Rot"), (2, "Kurse", "Rot"), (3, "Beratung", "Gelb")])])
    arts = {(c.art, c.massnahme) for c in compare(old, new)}
    assert ("entfernt", "Wird gestrichen") in arts
    assert ("neu", "Neu dazu") in arts
    assert not any(a == "status" for a, _ in arts)


# -- workbook ----------------------------------------------------------------------------------
def test_workbook(masters, tmp_path):
    target = write_changes(compare(*masters), tmp_path / "Veränderungen.xlsx")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Veränderungen"]
    ws = wb["Veränderungen"]
    assert ws["A1"].value == "Veränderungen: Stand 1. Oktober 2024 → Stand 3. Februar 2025"
    feld_header, header = [r for r in range(1, 40) if ws.cell(r, 1).value == "Feld"]
    # per-field table with the chart beside it
    assert [ws.cell(feld_header, c).value for c in range(1, 4)] == ["Feld", "Verbesserungen", "Rückschritte"]
    assert [ws.cell(feld_header + 1, c).value for c in range(1, 4)] == ["Sprache", 2, 1]
    assert [ws.cell(feld_header + 2, c).value for c in range(1, 4)] == ["Arbeit", 1, 0]
    charts = ws._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart"
    assert [s.tx.strRef.f for s in chart.series] == [
        f"Veränderungen!$B${feld_header}", f"Veränderungen!$C${feld_header}"]
    # Verbesserungen solid green, Rückschritte red with the hatching of Rot: apart without colour too
    better, worse = (s.graphicalProperties for s in chart.series)
    assert better.solidFill.srgbClr == "00B050" and better.pattFill is None
    assert worse.pattFill.bgClr.srgbClr == "FF0000" and worse.pattFill.prst == "ltUpDiag"
    # one row per change
    assert [ws.cell(header, c).value for c in range(1, 11)] == [
        "Feld", "Maßnahme", "Bisherige Nr.", "Unterziel", "Text der Maßnahme", "Art der Änderung", "Vorher", None,
        "Nachher", "In Auswertung"]
    rows = [[ws.cell(r, c).value for c in range(1, 10)] for r in range(header + 1, header + 16)]
    assert rows[0] == [
        "Sprache", "M2", "M1", 1, "Sprachkurse an mehreren Standorten", "Status geändert", "Rot", "↑", "Gelb"]
    assert rows[1][5:] == ["Status geändert", "Grün", "↓", "Gelb"]
    assert rows[3][5:] == ["Neu", None, "→", "Rot"]
    assert rows[4][5:] == ["Entfernt", "Rot", "→", None]
    assert rows[5][5:] == ["Neue Nummer", "M1", "→", "M2"]
    assert rows[9][5:] == ["Text geändert", "Elternkurse in den Familienzentren", "→",
                           "Elternkurse in den FAMILIENZENTREN"]
    assert rows[12][5:] == ["Auswertung geändert", "ja", "→", "nein"]
    assert ws.cell(header + 16, 1).value is None
    first = header + 1
    assert ws.cell(first, 7).fill.fgColor.rgb == "FF" + STATUS_FILLS["rot"][1:]
    assert ws.cell(first, 9).fill.fgColor.rgb == "FF" + STATUS_FILLS["gelb"][1:]
    assert ws.cell(first, 8).font.color.rgb == "FF00B050"       # ↑ in green
    assert ws.cell(first + 1, 8).font.color.rgb == "FFFF0000"   # ↓ in red
    assert ws.auto_filter.ref == f"A{header}:J{header + 15}"


def test_workbook_is_deterministic_and_text_stays_text(tmp_path):
    old = build(tmp_path / "a.xlsx", [_sprache([1, (1, "+49 7531 800", "Rot")])])
    new = build(tmp_path / "b.xlsx", [_sprache([1, (1, "+49 7531 800", "Gelb")])])
    changes = compare(old, new)
    one = write_changes(changes, tmp_path / "1.xlsx").read_bytes()
    two = write_changes(changes, tmp_path / "2.xlsx").read_bytes()
    assert one == two
    ws = load_workbook(tmp_path / "1.xlsx")["Veränderungen"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "+49 7531 800"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_add_changes_sheet_into_another_workbook(masters, tmp_path):
    import xlsxwriter

    path = tmp_path / "Zusammenfassung.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Übersicht")
    ws = add_changes_sheet(wb, compare(*masters))
    assert ws.name == "Entwicklung"
    wb.close()
    assert load_workbook(path).sheetnames == ["Übersicht", "Entwicklung"]


def test_no_changes_workbook(masters, tmp_path):
    target = write_changes(compare(masters[0], masters[0]), tmp_path / "v.xlsx")
    ws = load_workbook(target)["Veränderungen"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "Keine Veränderungen." in values


# -- command line ------------------------------------------------------------------------------
def test_cli_compare(masters, tmp_path):
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["compare", str(masters[0]), str(masters[1]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 Verbesserungen" in result.output
    assert f"Veränderungen geschrieben: {out}" in result.output
    assert load_workbook(out).sheetnames == ["Veränderungen"]


def test_cli_compare_default_name_and_master_protection(masters):
    old, new = masters
    result = CliRunner().invoke(cli, ["compare", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert new.with_name("Veränderungen_Master_2025-02.xlsx").exists()
    before = old.read_bytes()
    result = CliRunner().invoke(cli, ["compare", str(old), str(new), "-o", str(old)])
    assert result.exit_code == 2
    assert "wird nicht überschrieben" in result.output
    assert "Traceback" not in result.output
    assert old.read_bytes() == before


def test_cli_compare_unreadable_file(tmp_path, masters):
    bad = tmp_path / "kaputt.xlsx"
    bad.write_bytes(b"PK\x03\x04 nicht fertig")
    result = CliRunner().invoke(cli, ["compare", str(bad), str(masters[1]), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2
    assert result.output.startswith("Fehler: ")
    assert "Traceback" not in result.output


# -- summary --compare-with ----------------------------------------------------------------------
def test_write_summary_with_changes(masters, tmp_path):
    from ampel_xl import summarize
    from ampel_xl.xlsx.summary import write_summary

    changes = compare(*masters)
    target = write_summary(summarize(changes.new), tmp_path / "Z.xlsx", changes=changes)
    wb = load_workbook(target)
    assert wb.sheetnames[-1] == "Entwicklung"
    ws = wb["Entwicklung"]
    assert ws["A1"].value == "Veränderungen: Stand 1. Oktober 2024 → Stand 3. Februar 2025"
    arts = [c.value for c in ws["F"] if c.value in ARTEN.values()]
    assert len(arts) == len(changes) == 15
    assert ws.oddFooter.center.text == "Seite &P von &N"  # printed like the other sheets of the summary
    without = load_workbook(write_summary(summarize(changes.new), tmp_path / "Y.xlsx"))
    assert "Entwicklung" not in without.sheetnames


def test_cli_summary_compare_with(masters, tmp_path):
    old, new = masters
    out = tmp_path / "Zusammenfassung.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(new), "--compare-with", str(old), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Blatt „Entwicklung“: Vergleich Stand 1. Oktober 2024 → Stand 3. Februar 2025" in result.output
    assert "Entwicklung" in load_workbook(out).sheetnames
    before = old.read_bytes()
    result = CliRunner().invoke(cli, ["summary", str(new), "--compare-with", str(old), "-o", str(old)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert old.read_bytes() == before


# --------------------------------------------------------------------------------------------
# Every kind of change of a measure


def _one_measure(path: Path, **cells) -> Path:
    """A master with one field, one Unterziel and the measures given as dicts of column values."""
    header = ("Nr", "Unterziel / Maßnahme", "Ampel", "Bemerkung", "Verantwortlich", "Zeitraum")
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=header)
    f.unterziel(1)
    for nr, values in cells.items():
        values = dict(values)
        text = values.pop("text")
        status = values.pop("status", "Gelb")
        blue = values.pop("blue", "nr")
        f.measure(int(nr[1:]), text, status=status, blue=blue, values=values)
    # two more measures, one always marked and one never, so the blue marking decides the evaluation
    f.measure(98, "Eine Maßnahme in der Auswertung", status="Grün", blue="nr")
    f.measure(99, "Eine Maßnahme außerhalb der Auswertung", status="Grün")
    return build(path, [f], konzept={"Titel": "Integrationskonzept"})


BASE = {"text": "Sprachkurse an mehreren Standorten", "status": "Gelb", "Bemerkung": "läuft",
        "Verantwortlich": "Amt für Migration", "Zeitraum": "2024–2025"}


@pytest.mark.parametrize(("art", "edit", "vorher", "nachher"), [
    ("status", {"status": "Grün"}, "Gelb", "Grün"),
    ("auswertung", {"blue": None}, "ja", "nein"),
    ("text", {"text": "Sprachkurse an mehreren Standorten im Landkreis"},
     "Sprachkurse an mehreren Standorten", "Sprachkurse an mehreren Standorten im Landkreis"),
    ("bemerkung", {"Bemerkung": "abgeschlossen"}, "läuft", "abgeschlossen"),
    ("bemerkung", {"Bemerkung": None}, "läuft", ""),
    ("verantwortlich", {"Verantwortlich": "Volkshochschule"}, "Amt für Migration", "Volkshochschule"),
    ("zeitraum", {"Zeitraum": "2025–2026"}, "2024–2025", "2025–2026"),
])
def test_every_kind_of_change_is_its_own_art(tmp_path, art, edit, vorher, nachher):
    old = _one_measure(tmp_path / "alt.xlsx", m1=BASE)
    new = _one_measure(tmp_path / "neu.xlsx", m1={**BASE, **edit})
    changes = compare(old, new)
    assert [(c.massnahme_id, c.art, c.vorher, c.nachher) for c in changes] == [("Sprache/M1", art, vorher, nachher)]
    df = changes.to_frame()
    assert df[["art", "vorher", "nachher"]].values.tolist() == [[art, vorher, nachher]]
    assert ARTEN[art] in changes.text() or art in ("status", "auswertung")
    ws = load_workbook(write_changes(changes, tmp_path / "V.xlsx"))["Veränderungen"]
    header = [r for r in range(1, 40) if ws.cell(r, 1).value == "Feld"][-1]
    assert [ws.cell(header + 1, c).value for c in (2, 6, 7, 9)] == [
        "M1", ARTEN[art], vorher or "(leer)", nachher or "(leer)"]
    assert ws.cell(header + 2, 1).value is None  # nothing else reported


def test_spacing_alone_is_no_change(tmp_path):
    old = _one_measure(tmp_path / "alt.xlsx", m1=BASE)
    new = _one_measure(tmp_path / "neu.xlsx", m1={**BASE, "text": "Sprachkurse  an mehreren\nStandorten ",
                                                    "Bemerkung": " läuft"})
    assert len(compare(old, new)) == 0


def test_number_added_removed_and_several_kinds_at_once(tmp_path):
    old = _one_measure(tmp_path / "alt.xlsx", m1=BASE, m2={"text": "Lotsen für Sprachangebote", "status": "Rot"})
    new = _one_measure(tmp_path / "neu.xlsx",
                       m2={**BASE, "status": "Grün", "Verantwortlich": "VHS"},          # renumbered 1 → 2
                       m3={"text": "Sprachcafés in den Gemeinden", "status": "Gelb"})
    changes = compare(old, new)
    got = [(c.massnahme_id, c.art, c.vorher, c.nachher) for c in changes]
    assert got == [
        ("Sprache/M2", "status", "Gelb", "Grün"),
        ("Sprache/M3", "neu", "", "Gelb"),
        ("Sprache/M2", "entfernt", "Rot", ""),
        ("Sprache/M2", "nummer", "M1", "M2"),
        ("Sprache/M2", "verantwortlich", "Amt für Migration", "VHS"),
    ]
    assert set(changes.to_frame()["art"]) == {"status", "neu", "entfernt", "nummer", "verantwortlich"}
    per = changes.per_feld().set_index("feld")
    assert per.loc["Sprache", ["status", "neu", "entfernt", "nummer", "verantwortlich", "text"]].tolist() == [
        1, 1, 1, 1, 1, 0]
