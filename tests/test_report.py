"""The Ampeldokument (``ampel-xl report`` / ``write_report``): opened again with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

import ampel_xl
from ampel_xl import charts
from ampel_xl.cli import cli
from ampel_xl.model import STATUS_COLORS, STATUS_MEANINGS, STATUS_ORDER
from ampel_xl.report import (
    ReportFiles,
    build_report_bytes,
    default_report_path,
    document_title,
    find_soffice,
    write_report,
)

from builders import FieldSheet, build, simple_field

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"

KOPFZEILE = "ANLAGE 1 – PROTOKOLL STEUERUNGSGRUPPE INTEGRATION 3. FEBRUAR 2025"
SACHSTAND = "Sprachkurse gibt es im ganzen Kreis & darüber hinaus <sogar> online.\n\nFür 2025 sind „Teilzeitkurse“ geplant."
HIGHLIGHTS = "Zentrale Einstufung seit 2025\nFahrtkostenerstattung {PAGE} bleibt Text"
OBERZIEL_ARBEIT = "Die erwerbsfähigen Migrantinnen und Migranten haben Zugang zum Arbeitsmarkt."


def _fields(blue: str | None = None) -> list[FieldSheet]:
    sprache = simple_field("Handlungsfeld Sprache", "Sprache", n_uz=2, per_uz=3, blue=blue)
    sprache.oberziel = "Im Landkreis besteht ein flächendeckendes Angebot an Deutschkursen."
    sprache.sachstand = SACHSTAND
    sprache.highlights = HIGHLIGHTS
    arbeit = simple_field("Handlungsfeld Arbeit", "Arbeit", n_uz=3, per_uz=2, statuses=("Grün", "Grün", "Gelb"), blue=blue)
    arbeit.oberziel = OBERZIEL_ARBEIT
    anti = simple_field("Querschnittsthema Antidiskriminierung", "Antidiskriminierung", n_uz=1, per_uz=4,
                        statuses=("Rot", "Gelb"), blue=blue)
    return [sprache, arbeit, anti]


def _master(tmp_path: Path, name: str = "Master.xlsx", blue: str | None = None, **konzept) -> Path:
    meta = {"Titel": "Integrationskonzept 1.0", "Gebiet": "Landkreis Konstanz", "Stand": dt.datetime(2025, 2, 3),
            "Kopfzeile": KOPFZEILE, "Amt": "Amt für Migration und Integration"}
    meta.update(konzept)
    return build(tmp_path / name, _fields(blue), konzept=meta)


def _summary(path: Path):
    k = ampel_xl.read(path)
    return ampel_xl.summarize(k, ampel_xl.validate(k))


def _body(doc) -> list:
    """Top-level paragraphs and tables in document order, as python-docx objects."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            out.append(Paragraph(el, doc))
        elif el.tag == qn("w:tbl"):
            out.append(Table(el, doc))
    return out


def _headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def _sections_by_heading(doc) -> dict[str, list]:
    """Body blocks grouped under each Heading 1."""
    groups: dict[str, list] = {}
    current = None
    for block in _body(doc):
        if hasattr(block, "style") and getattr(block.style, "name", "") == "Heading 1":
            current = block.text
            groups[current] = []
        elif current is not None:
            groups[current].append(block)
    return groups


def _pictures(doc, blocks) -> list[tuple[str, str, bytes]]:
    """(docPr name, descr, image bytes) of every picture in ``blocks``."""
    found = []
    for block in blocks:
        for inline in block._element.iter(qn("wp:inline")):
            doc_pr = inline.find(qn("wp:docPr"))
            blip = inline.find(".//" + qn("a:blip"))
            rid = blip.get(qn("r:embed"))
            found.append((doc_pr.get("name"), doc_pr.get("descr"), doc.part.related_parts[rid].blob))
    return found


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@pytest.fixture
def master(tmp_path):
    return _master(tmp_path)


@pytest.fixture
def written(master, tmp_path):
    summary = _summary(master)
    result = write_report(summary, tmp_path / "Ampeldokument.docx")
    return summary, Document(result.docx)


# -- structure --------------------------------------------------------------------------------
def test_headings_per_field_in_the_masters_order(written):
    summary, doc = written
    assert _headings(doc) == ["Einführung", "Handlungsfeld Sprache", "Handlungsfeld Arbeit",
                              "Querschnittsthema Antidiskriminierung"]
    # every field starts on a new page
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            assert p.paragraph_format.page_break_before


def test_title_block_and_core_properties(written):
    _, doc = written
    texts = [p.text for p in doc.paragraphs]
    assert "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt" in texts
    assert "Amt für Migration und Integration" in texts
    assert "Stand: 3. Februar 2025" in texts
    cp = doc.core_properties
    assert cp.title == "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"
    assert cp.created == cp.modified == cp.last_printed == dt.datetime(2025, 2, 3, tzinfo=dt.timezone.utc)
    assert cp.revision == 1
    assert cp.author == "Amt für Migration und Integration"


@pytest.mark.parametrize(
    "titel, expected",
    [
        ("Integrationskonzept 1.0", "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"),
        ("Integrationskonzept 2.0", "Ampeldokument des Integrationskonzepts 2.0 – Kurzextrakt"),
        ("Integrationsplan 2030", "Ampeldokument des Integrationsplans 2030 – Kurzextrakt"),
        ("Integrationsstrategie", "Ampeldokument der Integrationsstrategie – Kurzextrakt"),
        ("Kommunales Gesamtkonzept", "Ampeldokument: Kommunales Gesamtkonzept – Kurzextrakt"),
        (None, "Ampeldokument – Kurzextrakt"),
    ],
)
def test_document_title(titel, expected):
    assert document_title(titel) == expected


def test_toc_is_a_real_field_prefilled_with_the_headings(written):
    _, doc = written
    instr = [el.text for el in doc.element.body.iter(qn("w:instrText"))]
    assert any(re.fullmatch(r'\s*TOC \\o "1-2" \\h \\z \\u\s*', t) for t in instr)
    toc = [p.text for p in doc.paragraphs if p.style.name == "toc 1"]
    assert [t.strip() for t in toc] == _headings(doc)
    update = doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_pdf_copy_has_no_toc_field_but_the_same_entries(master):
    summary = _summary(master)
    doc = Document(io.BytesIO(build_report_bytes(summary, toc_field=False)))
    instr = [el.text for el in doc.element.body.iter(qn("w:instrText"))]
    assert not any("TOC" in t for t in instr)
    assert sum("PAGEREF" in t for t in instr) == len(_headings(doc))
    assert doc.settings.element.find(qn("w:updateFields")) is None


# -- Einführung -------------------------------------------------------------------------------
def test_einfuehrung_counts_are_computed_from_the_master(written):
    summary, doc = written
    intro = [b for b in _sections_by_heading(doc)["Einführung"] if hasattr(b, "text")]
    bullets = [p.text for p in intro if p.style.name == "List Bullet"]
    assert bullets == ["3 Oberziele (2 Handlungsfelder und 1 Querschnittsthema)", "6 Unterziele", "16 Maßnahmen"]
    total = summary.total.iloc[0]
    assert (int(total["unterziele"]), int(total["massnahmen"])) == (6, 16)
    assert "Für das Integrationskonzept 1.0 bedeutet dies:" in [p.text for p in intro]


def test_einfuehrung_states_the_rule_all_count_when_nothing_is_marked(written):
    summary, doc = written
    assert not summary.konzept.any_marked
    assert summary.rule in [p.text for p in doc.paragraphs]
    assert "alle Maßnahmen" in summary.rule


def test_einfuehrung_states_the_blue_rule(tmp_path):
    path = _master(tmp_path, blue="nr")
    summary = _summary(path)
    doc = Document(write_report(summary, tmp_path / "a.docx").docx)
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("Blau hinterlegte") for t in texts)


def test_legend_table_has_coloured_cells_and_the_three_meanings(written):
    _, doc = written
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows == [[s.label, STATUS_MEANINGS[s]] for s in STATUS_ORDER]
    for row, status in zip(table.rows, STATUS_ORDER):
        shd = row.cells[0]._tc.tcPr.find(qn("w:shd"))
        assert shd.get(qn("w:fill")) == STATUS_COLORS[status.value].lstrip("#").upper()
        assert row.cells[1]._tc.tcPr is None or row.cells[1]._tc.tcPr.find(qn("w:shd")) is None
    assert "Ampelsystem-Legende" in [p.text for p in doc.paragraphs]


def test_einfuehrung_has_the_worked_example(written):
    _, doc = written
    texts = [p.text for p in doc.paragraphs]
    assert "Beispiel: Handlungsfeld Sprache" in texts
    assert "Unterziel 1 von 2: Unterziel 1 Text" in texts
    assert "Maßnahme 1 von 6: Maßnahme 1 Text" in texts


# -- fields -----------------------------------------------------------------------------------
def test_count_sentences_match_the_master(written):
    summary, doc = written
    groups = _sections_by_heading(doc)
    expected = {
        "Handlungsfeld Sprache": "In diesem Handlungsfeld gibt es 2 Unterziele und 6 Maßnahmen.",
        "Handlungsfeld Arbeit": "In diesem Handlungsfeld gibt es 3 Unterziele und 6 Maßnahmen.",
        "Querschnittsthema Antidiskriminierung": "In diesem Querschnittsthema gibt es 1 Unterziel und 4 Maßnahmen.",
    }
    for heading, sentence in expected.items():
        assert groups[heading][0].text == sentence
    for _, row in summary.felder.iterrows():
        heading = f"{row['art']} {row['feld']}"
        assert f"{row['unterziele']} Unterziel" in groups[heading][0].text
        assert f"{row['massnahmen']} Maßnahme" in groups[heading][0].text


def test_count_sentence_names_the_evaluated_measures_when_fewer(tmp_path):
    fields = _fields()
    # mark only the first measure of Sprache blue
    fields[0].rows[1]["blue"] = "nr"
    path = build(tmp_path / "m.xlsx", fields, konzept={"Titel": "Integrationskonzept 1.0"})
    summary = _summary(path)
    doc = Document(write_report(summary, tmp_path / "a.docx").docx)
    first = _sections_by_heading(doc)["Handlungsfeld Sprache"][0].text
    assert first == "In diesem Handlungsfeld gibt es 2 Unterziele und 6 Maßnahmen. Davon ist 1 in die Auswertung eingeflossen."
    arbeit = _sections_by_heading(doc)["Handlungsfeld Arbeit"][0].text
    assert arbeit.endswith("Keine Maßnahme dieses Handlungsfelds ist in die Auswertung eingeflossen.")


def test_two_charts_per_field_of_the_right_size(written):
    _, doc = written
    groups = _sections_by_heading(doc)
    assert _pictures(doc, groups["Einführung"]) == []
    for heading in _headings(doc)[1:]:
        feld = heading.split(" ", 1)[1]
        pics = _pictures(doc, groups[heading])
        assert [name for name, _, _ in pics] == [f"Ergebnisse {feld} gesamt", f"Ergebnisse {feld} je Unterziel"]
        sizes = [Image.open(io.BytesIO(blob)).size for _, _, blob in pics]
        assert sizes == [charts.pixel_size(charts.GESAMT_SIZE), charts.pixel_size(charts.UNTERZIELE_SIZE)]
        for _, _, blob in pics:
            img = Image.open(io.BytesIO(blob))
            assert img.format == "PNG"
            assert img.info.get("dpi", (0, 0))[0] == pytest.approx(charts.DPI, abs=1)
        # the chart titles are text in the document, above the charts
        titles = [p.text for block in groups[heading] if hasattr(block, "rows")
                  for cell in block.rows[0].cells for p in cell.paragraphs if p.text]
        assert titles == [f"Ergebnisse {feld} gesamt", f"Ergebnisse {feld} je Unterziel"]


def test_chart_alt_text_carries_the_figures(written):
    summary, doc = written
    groups = _sections_by_heading(doc)
    pics = _pictures(doc, groups["Handlungsfeld Sprache"])
    row = summary.felder.iloc[0]
    assert pics[0][1] == (f"{row['summe']} Maßnahmen in der Auswertung. Grün: 2 (33 %), Gelb: 2 (33 %), Rot: 2 (33 %).")
    assert pics[1][1].startswith("UZ 1: Grün 1, Gelb 1, Rot 1; UZ 2:")
    assert "ohne Bewertung" not in pics[0][1]


def test_text_from_the_master_stays_text(written):
    _, doc = written
    groups = _sections_by_heading(doc)
    sprache = [b.text for b in groups["Handlungsfeld Sprache"] if hasattr(b, "text")]
    assert "Sprachkurse gibt es im ganzen Kreis & darüber hinaus <sogar> online." in sprache
    assert "Für 2025 sind „Teilzeitkurse“ geplant." in sprache
    bullets = [b.text for b in groups["Handlungsfeld Sprache"] if hasattr(b, "style") and b.style.name == "List Bullet"]
    assert bullets == ["Zentrale Einstufung seit 2025", "Fahrtkostenerstattung {PAGE} bleibt Text"]
    arbeit = [b.text for b in groups["Handlungsfeld Arbeit"] if hasattr(b, "text")]
    assert f"Oberziel: {OBERZIEL_ARBEIT}" in arbeit
    assert [t for t in arbeit if t.startswith("Unterziel")] == [
        "Unterziel 1:\tUnterziel 1 Text", "Unterziel 2:\tUnterziel 2 Text", "Unterziel 3:\tUnterziel 3 Text"]
    # no field instruction carries master text; the only fields are TOC/PAGEREF/PAGE/NUMPAGES
    instr = [el.text.strip().split()[0] for part in (doc.part, doc.sections[0].footer.part)
             for el in part.element.iter(qn("w:instrText"))]
    assert set(instr) <= {"TOC", "PAGEREF", "PAGE", "NUMPAGES"}
    assert "{PAGE}" in _all_text(doc)


def test_oberziel_page_starts_on_a_new_page(written):
    _, doc = written
    oberziele = [p for p in doc.paragraphs if p.text.startswith("Oberziel: ") and p.style.name == "Normal"
                 and p.paragraph_format.page_break_before]
    assert len(oberziele) == 3


def test_header_and_footer(written, master, tmp_path):
    _, doc = written
    section = doc.sections[0]
    header = [p.text for p in section.header.paragraphs]
    assert header == [KOPFZEILE, "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"]
    footer_instr = [el.text.strip() for el in section.footer.part.element.iter(qn("w:instrText"))]
    assert footer_instr == ["PAGE", "NUMPAGES"]
    assert section.footer.paragraphs[0].text.startswith("Seite ")
    # A4 portrait
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    # --header replaces the Kopfzeile
    doc2 = Document(write_report(_summary(master), tmp_path / "b.docx", header="Anlage 2 – Sitzung & Co").docx)
    assert doc2.sections[0].header.paragraphs[0].text == "Anlage 2 – Sitzung & Co"


def test_header_without_kopfzeile_names_title_and_stand(tmp_path):
    path = build(tmp_path / "m.xlsx", _fields(), konzept={"Titel": "Integrationskonzept 2.0", "Stand": dt.datetime(2026, 3, 1)})
    doc = Document(write_report(_summary(path), tmp_path / "a.docx").docx)
    assert [p.text for p in doc.sections[0].header.paragraphs] == [
        "Ampeldokument des Integrationskonzepts 2.0 – Kurzextrakt – Stand: 1. März 2026"]


def test_measures_without_status_appear_as_ohne_bewertung(tmp_path):
    fields = _fields()
    fields[1].rows[1]["values"].pop("Ampel")  # first measure of Arbeit: no status
    path = build(tmp_path / "m.xlsx", fields, konzept={"Titel": "Integrationskonzept 1.0"})
    summary = _summary(path)
    assert summary.has_ohne
    doc = Document(write_report(summary, tmp_path / "a.docx").docx)
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert [r[0] for r in rows] == ["Grün", "Gelb", "Rot", "ohne Bewertung"]
    texts = [p.text for p in doc.paragraphs]
    assert "1 Maßnahme in der Auswertung hat noch keine Bewertung; sie erscheinen in den Diagrammen grau als „ohne Bewertung“." in texts
    pics = _pictures(doc, _sections_by_heading(doc)["Handlungsfeld Arbeit"])
    assert "ohne Bewertung: 1" in pics[0][1]
    # the master has an error (status missing): the forced document says so
    assert summary.report.errors
    assert any(t.startswith("Achtung: Dieses Dokument wurde trotz 1 Fehler im Master erstellt") for t in texts)


def test_control_characters_in_master_text_do_not_break_the_document(master, tmp_path):
    # Excel stores e.g. a vertical tab as _x000B_; openpyxl cannot even write one, so inject it in the model
    import dataclasses

    summary = _summary(master)
    k = summary.konzept
    feld = dataclasses.replace(k.felder[0], oberziel="Oberziel mit\x0bSteuerzeichen\x07 und Zeilen\r\numbruch")
    konzept = dataclasses.replace(k, felder=(feld, *k.felder[1:]))
    doc = Document(write_report(ampel_xl.summarize(konzept), tmp_path / "a.docx").docx)
    assert any(p.text == "Oberziel: Oberziel mitSteuerzeichen und Zeilen\numbruch" for p in doc.paragraphs)


# -- determinism and writing ------------------------------------------------------------------
def test_two_runs_give_the_same_bytes(master, tmp_path):
    a = write_report(_summary(master), tmp_path / "a.docx").docx.read_bytes()
    b = write_report(_summary(master), tmp_path / "b.docx").docx.read_bytes()
    assert a == b
    import zipfile

    infos = zipfile.ZipFile(io.BytesIO(a)).infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in [i.filename for i in infos]


def test_charts_are_deterministic_and_sized():
    row = {"gruen": 3, "gelb": 2, "rot": 1, "ohne": 0, "summe": 6}
    assert charts.feld_gesamt_png(row) == charts.feld_gesamt_png(row)
    rows = [{"unterziel_nr": 1, "gruen": 1, "gelb": 0, "rot": 2, "ohne": 0},
            {"unterziel_nr": None, "gruen": 0, "gelb": 0, "rot": 0, "ohne": 0}]
    png = charts.feld_unterziele_png(rows)
    assert png == charts.feld_unterziele_png(rows)
    img = Image.open(io.BytesIO(png))
    assert img.size == charts.pixel_size(charts.UNTERZIELE_SIZE)
    assert "Software" not in img.info and not any("date" in k.lower() for k in img.info)
    # empty inputs still draw
    Image.open(io.BytesIO(charts.feld_gesamt_png({"gruen": 0, "gelb": 0, "rot": 0, "ohne": 0, "summe": 0})))
    Image.open(io.BytesIO(charts.feld_unterziele_png([])))
    # "ohne Bewertung" only when present (or asked for): the picture differs
    assert charts.feld_gesamt_png(row, show_ohne=True) != charts.feld_gesamt_png(row)


def test_charts_use_the_fixed_palette():
    png = charts.feld_gesamt_png({"gruen": 1, "gelb": 0, "rot": 0, "ohne": 0, "summe": 1})
    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = {c for _, c in img.getcolors(1 << 20)}
    green = tuple(int(STATUS_COLORS["gruen"][i:i + 2], 16) for i in (1, 3, 5))
    assert green in colours


def test_target_must_be_docx(master, tmp_path):
    with pytest.raises(ampel_xl.WriteError, match=r"„\.docx“"):
        write_report(_summary(master), tmp_path / "a.pdf")


def test_written_atomically_and_old_file_kept_on_failure(master, tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    import ampel_xl.report as report_mod

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_mod, "build_report_bytes", boom)
    with pytest.raises(RuntimeError):
        write_report(_summary(master), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~ampel_")] == []


def test_result_is_usable_as_a_path(master, tmp_path):
    result = write_report(_summary(master), tmp_path / "a.docx")
    assert isinstance(result, ReportFiles)
    assert Path(result) == tmp_path / "a.docx" and result.pdf is None and result.pdf_note is None


def test_pdf_without_libreoffice_still_writes_the_docx(master, tmp_path, monkeypatch):
    monkeypatch.setattr("ampel_xl.report.find_soffice", lambda: None)
    result = write_report(_summary(master), tmp_path / "a.docx", pdf=True)
    assert result.docx.is_file() and result.pdf is None
    assert result.pdf_note == (f"LibreOffice ist nicht installiert – das PDF wurde nicht erstellt; "
                               f"die Word-Datei liegt unter {tmp_path / 'a.docx'}.")
    assert not (tmp_path / "a.pdf").exists()


def test_public_api():
    assert ampel_xl.write_report is write_report
    assert default_report_path("x/Ampel-Master.xlsx") == Path("x/Ampel-Master_Ampeldokument.docx")


# -- CLI --------------------------------------------------------------------------------------
def test_cli_writes_next_to_the_master(master):
    result = CliRunner().invoke(cli, ["report", str(master)])
    assert result.exit_code == 0, result.output
    out = master.with_name("Master_Ampeldokument.docx")
    assert out.is_file()
    assert f"Ampeldokument geschrieben: {out}" in result.output
    assert _headings(Document(out))[1] == "Handlungsfeld Sprache"


def test_cli_output_and_header(master, tmp_path):
    out = tmp_path / "sub.docx"
    result = CliRunner().invoke(cli, ["report", str(master), "-o", str(out), "--header", "Sitzung am 1. April"])
    assert result.exit_code == 0, result.output
    assert Document(out).sections[0].header.paragraphs[0].text == "Sitzung am 1. April"


def test_cli_refuses_on_errors_unless_forced(tmp_path):
    fields = _fields()
    fields[0].rows[1]["values"]["Ampel"] = "lila"  # not a status: an error
    path = build(tmp_path / "m.xlsx", fields, konzept={"Titel": "Integrationskonzept 1.0"})
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert "Prüfbericht" in result.output and "status-text-unknown" in result.output
    assert "Fehler: Das Ampeldokument wurde nicht geschrieben, weil der Master 1 Fehler enthält" in result.output
    assert "Traceback" not in result.output
    forced = CliRunner().invoke(cli, ["report", str(path), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.is_file()
    assert "Achtung: Der Master enthält 1 Fehler" in forced.output


def test_cli_pdf_without_libreoffice(master, tmp_path, monkeypatch):
    monkeypatch.setattr("ampel_xl.report.find_soffice", lambda: None)
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(cli, ["report", str(master), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "LibreOffice ist nicht installiert – das PDF wurde nicht erstellt; die Word-Datei liegt unter" in result.output


def test_cli_wrong_suffix_is_one_german_sentence(master, tmp_path):
    result = CliRunner().invoke(cli, ["report", str(master), "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2
    assert result.output.startswith("Fehler: Das Ampeldokument wird als Word-Datei geschrieben")
    assert "Traceback" not in result.output


def test_cli_unreadable_master(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("kein Excel")
    result = CliRunner().invoke(cli, ["report", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("Fehler: ")


# -- the bundled example ----------------------------------------------------------------------
@pytest.mark.skipif(not EXAMPLE.exists(), reason="workbooks/Beispiel_Ampel-Master.xlsx fehlt")
def test_example_master(tmp_path):
    summary = _summary(EXAMPLE)
    doc = Document(write_report(summary, tmp_path / "Beispiel.docx").docx)
    headings = _headings(doc)
    assert headings[0] == "Einführung"
    assert headings[1:] == [f"{r['art']} {r['feld']}" for _, r in summary.felder.iterrows()]
    total = summary.total.iloc[0]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"][:3]
    assert bullets[0].startswith(f"{len(summary.felder)} Oberziele")
    assert bullets[1:] == [f"{total['unterziele']} Unterziele", f"{total['massnahmen']} Maßnahmen"]
    groups = _sections_by_heading(doc)
    for heading in headings[1:]:
        assert len(_pictures(doc, groups[heading])) == 2
    for feld in summary.konzept.felder:
        text = "\n".join(b.text for b in groups[f"{feld.art.value} {feld.name}"] if hasattr(b, "text"))
        assert feld.oberziel in text
        for u in feld.unterziele:
            assert f"Unterziel {u.nr}:\t{u.text}" in text
        for h in feld.highlights:
            assert h in text


# -- LibreOffice ------------------------------------------------------------------------------
SOFFICE = find_soffice()
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert; die CI installiert es")
@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) ist nicht installiert")
def test_pdf_every_field_has_its_pages(tmp_path):
    src = EXAMPLE if EXAMPLE.exists() else _master(tmp_path)
    master = tmp_path / "Master.xlsx"
    shutil.copyfile(src, master)
    summary = _summary(master)
    result = CliRunner().invoke(cli, ["report", str(master), "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = master.with_name("Master_Ampeldokument.pdf")
    assert pdf.is_file() and f"PDF geschrieben: {pdf}" in result.output
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = [re.sub(r"\s+", " ", p).upper() for p in text.split("\f")]
    pages = [p for p in pages if p.strip()]
    headings = ["EINFÜHRUNG"] + [f"{r['art']} {r['feld']}".upper() for _, r in summary.felder.iterrows()]
    # the page of each heading (page 1 holds the table of contents, which names them all)
    # a heading is followed by its first sentence (the Einführung also names the first field in its example)
    follows = ["MIT DEM AMPELDOKUMENT"] + ["IN DIESEM"] * len(summary.felder)
    starts = []
    for h, after in zip(headings, follows):
        found = [i for i, p in enumerate(pages) if f"{h} {after}" in p]
        assert len(found) == 1, f"{h} fehlt im PDF"
        starts.append(found[0])
    assert starts[0] == 1
    assert starts == sorted(starts)
    ends = starts[1:] + [len(pages)]
    for h, start, end in zip(headings[1:], starts[1:], ends[1:]):
        assert end - start >= 2, f"{h}: nur {end - start} Seite(n)"
        assert "OBERZIEL:" in " ".join(pages[start:end])
    # the table of contents carries the right page numbers
    toc = pages[0]
    for h, start in zip(headings, starts):
        m = re.search(re.escape(h) + r"[ .]*?(\d+)", toc)
        assert m and int(m.group(1)) == start + 1, f"Inhaltsverzeichnis: {h}"
    # every page has the header and its page number
    for i, p in enumerate(pages):
        assert f"SEITE {i + 1} VON {len(pages)}" in p
