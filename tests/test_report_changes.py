"""`report --compare-with ALT`: the Ampeldokument's chapter "Veränderungen seit dem Stand vom …",
with the numbers of `ampel_xl.compare` and accessible like the rest of the PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from copy import copy
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

import ampel_xl
from ampel_xl.ampeldokument.document import changes_heading, report_headings
from ampel_xl.ampeldokument.libreoffice import find_soffice
from ampel_xl.cli import cli
from ampel_xl.comparison import short_id
from ampel_xl.vocabulary import ARTEN

SOFFICE = find_soffice()
STATUS_WORDS = {"gruen": "Grün", "gelb": "Gelb", "rot": "Rot", None: "ohne Bewertung"}


def earlier_stand(path: Path) -> Path:
    """The example master as the clerk saved it for the last meeting: another Stand, some Ampeln
    still one step behind or ahead, one measure not yet written, one that was dropped since."""
    shutil.copy(ampel_xl.example_path(), path)
    k = ampel_xl.read(path)
    wb = load_workbook(path)
    wb[k.konzept_sheet][dict(k.meta_cells)["Stand"]] = dt.datetime(2024, 9, 30)

    def set_status(feld: str, index: int, status: str) -> None:
        f = k.feld(feld)
        ws = wb[f.sheet]
        # written as the sheet writes its statuses (a word from the list, or its code)
        model = next(m for m in f.massnahmen if m.status is not None and m.status.value == status)
        ws[f.massnahmen[index].status_cell] = ws[model.status_cell].value

    def statuses(feld: str) -> list[str]:
        return [m.status.value for m in k.feld(feld).massnahmen]

    sprache, arbeit = statuses("Sprache"), statuses("Arbeit")
    set_status("Sprache", sprache.index("gruen"), "gelb")          # Gelb → Grün since
    set_status("Sprache", sprache.index("gelb"), "rot")            # Rot → Gelb since
    set_status("Arbeit", arbeit.index("gelb"), "gruen")            # Grün → Gelb: a setback
    set_status("Gesundheit", statuses("Gesundheit").index("rot"), "gelb")  # Gelb → Rot: a setback
    set_status("Antidiskriminierung", statuses("Antidiskriminierung").index("rot"), "rot")  # unchanged
    # the last measure of Kultur & Freizeit was added since the last meeting
    kultur = k.feld("Kultur & Freizeit")
    last = kultur.massnahmen[-1]
    ws = wb[kultur.sheet]
    for merged in [m for m in ws.merged_cells.ranges if m.max_row >= last.row]:
        ws.unmerge_cells(str(merged))
    for row in ws.iter_rows(min_row=last.row):  # with the rows of its partners below it
        for cell in row:
            cell.value = None
    # a measure of Wohnen was dropped since: it stood below the last one
    wohnen = k.feld("Wohnen")
    ws = wb[wohnen.sheet]
    row = wohnen.massnahmen[-1].row
    for cell in ws[row]:
        ws.cell(row + 1, cell.column, cell.value)._style = copy(cell._style)
    nr_col = next(c.column for c in ws[row] if c.value == int(wohnen.massnahmen[-1].nr))
    ws.cell(row + 1, nr_col, int(wohnen.massnahmen[-1].nr) + 1)
    text_col = ws[wohnen.massnahmen[-1].text_cell].column
    ws.cell(row + 1, text_col, "Wohnraumbörse für Geflüchtete im Kreisgebiet")
    ws.cell(row + 1, ws[wohnen.massnahmen[-1].status_cell].column, "Gelb")  # typed below the coloured range
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("stände")
    old = earlier_stand(folder / "Ampel-Master_2024-09.xlsx")
    new = shutil.copy(ampel_xl.example_path(), folder / "Ampel-Master_2025-02.xlsx")
    return old, Path(new)


def _section(doc, heading: str) -> list:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks, inside = [], False
    for el in doc.element.body.iterchildren():
        block = Paragraph(el, doc) if el.tag == qn("w:p") else Table(el, doc) if el.tag == qn("w:tbl") else None
        if isinstance(block, Paragraph) and block.style.name == "Heading 1":
            inside = block.text == heading
            continue
        if inside and block is not None:
            blocks.append(block)
    return blocks


def _cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_chapter_has_the_numbers_of_compare(pair, tmp_path):
    old, new = pair
    changes = ampel_xl.compare(old, new)
    # the pair has each kind the chapter lists
    assert changes.verbesserungen and changes.rueckschritte and changes.of("neu") and changes.of("entfernt")
    k = ampel_xl.read(new)
    summary = ampel_xl.summarize(k, ampel_xl.validate(k))
    result = ampel_xl.write_report(summary, tmp_path / "Ampeldokument.docx", changes=changes)
    doc = Document(result.docx)
    heading = "Veränderungen seit dem Stand vom 30. September 2024"
    assert changes_heading(changes) == heading
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == report_headings(summary, changes) and headings[1] == heading
    toc = [p.text.split("\t")[0] for p in doc.paragraphs if p.style.name == "toc 1"]
    assert heading in toc

    blocks = _section(doc, heading)
    tables = [b for b in blocks if hasattr(b, "rows")]
    overview = _cells(tables[0])
    assert overview[0] == ["Feld", "Fortschritte", "Rückschritte", "Neu", "Entfernt"]
    expected = [[r["feld"], str(r["verbesserungen"]), str(r["rueckschritte"]), str(r["neu"]), str(r["entfernt"])]
                for r in changes.per_feld_counts()]
    assert overview[1:-1] == expected
    assert overview[-1] == ["Gesamt", str(len(changes.verbesserungen)), str(len(changes.rueckschritte)),
                            str(len(changes.of("neu"))), str(len(changes.of("entfernt")))]
    # the chart of Fortschritte and Rückschritte says its figures in its alternative text
    from docx.oxml.ns import qn

    pictures = [el for b in blocks for el in b._element.iter(qn("wp:docPr"))]
    assert len(pictures) == 1
    descr = pictures[0].get("descr")
    for r in changes.per_feld_counts():
        if r["verbesserungen"] or r["rueckschritte"]:
            assert re.search(rf"{re.escape(r['feld'])}: {r['verbesserungen']} Fortschritte?, "
                             rf"{r['rueckschritte']} Rückschritte?", descr), descr
        else:
            assert f"{r['feld']}:" not in descr
    text = "\n".join(b.text for b in blocks if not hasattr(b, "rows"))
    assert f"{len(changes.verbesserungen)} Fortschritt" in text and f"{len(changes.rueckschritte)} Rückschritt" in text

    # per field: every Fortschritt, Rückschritt, new and dropped measure with its Ampel before → now
    listed = {}
    subheads = [b.text for b in blocks if not hasattr(b, "rows") and b.style.name == "Zwischenüberschrift"]
    for title, table in zip(subheads[1:], tables[1:], strict=True):
        rows = _cells(table)
        assert rows[0] == ["Veränderung", "Nr.", "Maßnahme", "Ampel vorher", "Ampel jetzt"]
        for kind, nr, text, before, after in rows[1:]:
            listed[(title.split(" ", 1)[1], text)] = (kind, nr, before, after)
    wanted = {}
    for c in changes:
        if c.art == "status" and c.richtung:
            kind = "Fortschritt" if c.richtung == "besser" else "Rückschritt"
        elif c.art in ("neu", "entfernt"):
            kind = ARTEN[c.art]  # "Neu", "Entfernt": the same words as the workbook Veränderungen
        else:
            continue
        wanted[(c.feld, c.massnahme)] = (kind, short_id(c.massnahme_id), "–" if c.art == "neu" else STATUS_WORDS[c.alt],
                                         "–" if c.art == "entfernt" else STATUS_WORDS[c.neu])
    assert listed == wanted
    assert ("Wohnen", "Wohnraumbörse für Geflüchtete im Kreisgebiet") in listed


def test_without_compare_with_there_is_no_chapter(pair, tmp_path):
    _, new = pair
    out = tmp_path / "ohne.docx"
    r = CliRunner().invoke(cli, ["report", str(new), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert not [p for p in Document(out).paragraphs if p.text.startswith("Veränderungen seit")]


def test_no_changes_says_so(pair, tmp_path):
    _, new = pair
    changes = ampel_xl.compare(new, new)
    k = ampel_xl.read(new)
    doc = Document(ampel_xl.write_report(ampel_xl.summarize(k), tmp_path / "a.docx", changes=changes).docx)
    blocks = _section(doc, changes_heading(changes))
    assert any("nichts verändert" in b.text for b in blocks if not hasattr(b, "rows"))
    assert not [b for b in blocks if hasattr(b, "rows")]


def test_compare_with_protects_the_earlier_master(pair, tmp_path):
    old, new = pair
    before = old.read_bytes()
    r = CliRunner().invoke(cli, ["report", str(new), "--compare-with", str(old), "-o", str(old)])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert old.read_bytes() == before


def _struct(pdf_path: Path) -> list[tuple[str, object]]:
    import pikepdf

    out: list[tuple[str, object]] = []
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root
        role_map = {str(k): str(v) for k, v in root.StructTreeRoot.get("/RoleMap", {}).items()}

        def walk(node) -> None:
            if isinstance(node, pikepdf.Array):
                for item in node:
                    walk(item)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                out.append((role_map.get(str(node.S), str(node.S)), str(node.get("/Alt", ""))))
                if "/K" in node:
                    walk(node.K)

        walk(root.StructTreeRoot.K)
    return out


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert; die CI installiert es")
def test_cli_report_compare_with_writes_an_accessible_chapter(pair, tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    old, new = pair
    out = tmp_path / "Ampeldokument.docx"
    r = CliRunner().invoke(cli, ["report", str(new), "--compare-with", str(old), "--pdf", "-o", str(out)])
    assert r.exit_code == 0, r.output
    changes = ampel_xl.compare(old, new)
    heading = changes_heading(changes)
    pdf_path = out.with_suffix(".pdf")
    with pikepdf.open(pdf_path) as pdf:
        titles = [str(item.title) for item in pdf.open_outline().root]
    assert heading in titles
    struct = _struct(pdf_path)
    roles = [r for r, _ in struct]
    k = ampel_xl.read(new)
    summary = ampel_xl.summarize(k)
    assert roles.count("/H1") == 1 + len(report_headings(summary, changes))  # the title, then the chapters
    # the chapter's tables: one per field with changes and the overview, each with a header row
    n_tables = 1 + len({c.feld for c in changes if c.art in ("neu", "entfernt") or c.richtung})
    assert roles.count("/Table") >= 2 + n_tables  # the legend, the chart rows of the fields …
    assert roles.count("/TH") >= 5 * (1 + n_tables)
    assert all(alt.strip() for r, alt in struct if r == "/Figure")
    # the checks of the pdfua checker pass with the chapter too (as tests/test_report.py asks of the document)
    pdfua = pytest.importorskip("pdfua")
    report = pdfua.validate(str(pdf_path))
    assert [f"{f.rule_id}: {f.message}" for o in report.outcomes for f in o.findings] == []
    text = subprocess_text(pdf_path)
    assert re.search(r"Veränderungen\s+seit\s+dem\s+Stand\s+vom\s+30\.\s+September\s+2024", text, re.I)


def subprocess_text(pdf: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
