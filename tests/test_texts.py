"""Every text of the master reaches the summary (so a clerk can proofread what the Ampeldokument
prints), and the Ampeldokument's own sentences speak to the steering group."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

import ampel_xl
from builders import build, simple_field

EINLEITUNG = ("Das Oberziel im Handlungsfeld Sprache fokussiert sich auf Deutschkurse für alle Altersgruppen.\n\n"
              "Dabei stehen Kurse mit Kinderbetreuung im Vordergrund.")
SACHSTAND = ("Die Integrationskurse sind ausgelastet; die Wartezeit beträgt drei Monate.\n\n"
             "Zwei neue Träger haben im Herbst begonnen.")
AUSBLICK = ("Im kommenden Jahr sollen Kurse in Radolfzell und Singen hinzukommen.\n\n"
            "Die Sprachcafés werden nicht weiterverfolgt, weil die Ehrenamtlichen fehlen.")


def _clerk_master(path: Path) -> Path:
    """A master as a clerk fills it: the texts beside their labels above the table, paragraphs
    separated by an empty line (Alt+Enter twice)."""
    sprache = simple_field("Handlungsfeld Sprache", "Sprache", n_uz=2, per_uz=2)
    sprache.oberziel = "Im Landkreis besteht ein flächendeckendes Angebot an Deutschkursen."
    sprache.sachstand = SACHSTAND
    sprache.highlights = "Sprachkurs für Eltern in Konstanz\nErstes Sprachcafé in Engen"
    arbeit = simple_field("Handlungsfeld Arbeit", "Arbeit", n_uz=1, per_uz=3)
    path = build(path, [sprache, arbeit], konzept={"Titel": "Integrationskonzept 1.0", "Stand": "31.12.2024"})
    wb = load_workbook(path)
    ws = wb["Sprache"]
    ws["G1"], ws["H1"] = "Einleitung", EINLEITUNG
    ws["G2"], ws["H2"] = "Ausblick", AUSBLICK
    wb.save(path)
    return path


def _sheet_texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _master_texts(f) -> list[str]:
    return [*_paragraphs(f.einleitung), *_paragraphs(f.sachstand), *f.highlights, *_paragraphs(f.ausblick),
            f.oberziel or ""]


@pytest.mark.parametrize("which", ["clerk", "example"])
def test_every_text_the_report_prints_is_in_the_summary(tmp_path, which):
    master = _clerk_master(tmp_path / "Ampel-Master.xlsx") if which == "clerk" else ampel_xl.example_path()
    k = ampel_xl.read(master)
    if which == "clerk":
        sprache = k.feld("Sprache")
        assert _paragraphs(sprache.einleitung) == _paragraphs(EINLEITUNG)
        assert _paragraphs(sprache.ausblick) == _paragraphs(AUSBLICK)
    summary = ampel_xl.summarize(k, ampel_xl.validate(k))
    out = ampel_xl.write_summary(summary, tmp_path / "Zusammenfassung.xlsx")
    docx = ampel_xl.write_report(summary, tmp_path / "Ampeldokument.docx").docx
    printed = "\n".join(p.text for p in Document(docx).paragraphs)
    wb = load_workbook(out)
    kinds = set()
    for f in k.felder:
        cells = _sheet_texts(wb[next(n for n in wb.sheetnames if n.startswith(f.sheet[:25]))])
        for text in _master_texts(f):
            if not text:
                continue
            assert " ".join(text.split()) in " ".join(printed.split()), text  # the report prints it …
            assert any(text in c for c in cells), (f.name, text)  # … and the clerk finds it in the summary
        kinds |= {w for w, t in (("Einleitung", f.einleitung), ("Sachstand", f.sachstand),
                                 ("Highlights", f.highlights), ("Ausblick", f.ausblick)) if t}
    assert kinds == {"Einleitung", "Sachstand", "Highlights", "Ausblick"}


def test_each_paragraph_has_its_own_row_under_its_label(tmp_path):
    """A long text in one cell would be cut at Excel's 409 points: one row per paragraph, the label beside the first."""
    out = ampel_xl.write_summary(ampel_xl.summarize(_clerk_master(tmp_path / "m.xlsx")), tmp_path / "z.xlsx")
    ws = load_workbook(out)["Sprache"]
    rows = {c.value: c.row for row in ws.iter_rows(max_col=1) for c in row if isinstance(c.value, str)}
    for label, text in (("Einleitung", EINLEITUNG), ("Sachstand", SACHSTAND), ("Ausblick", AUSBLICK)):
        first, second = _paragraphs(text)
        assert ws.cell(rows[label], 2).value == first
        assert ws.cell(rows[label] + 1, 2).value == second and ws.cell(rows[label] + 1, 1).value is None
    assert rows["Oberziel"] < rows["Einleitung"] < rows["Sachstand"] < rows["Highlights"] < rows["Ausblick"]


def _docx(tmp_path: Path, master: Path):
    k = ampel_xl.read(master)
    summary = ampel_xl.summarize(k, ampel_xl.validate(k))
    return summary, Document(ampel_xl.write_report(summary, tmp_path / "Ampeldokument.docx").docx)


def _reading_order(doc) -> list[str]:
    """Body text and the pictures' alternative texts, in the order a screen reader meets them."""
    from docx.oxml.ns import qn

    out = []
    for el in doc.element.body.iter(qn("w:t"), qn("wp:docPr")):
        out.append(el.get("descr", "") if el.tag == qn("wp:docPr") else (el.text or ""))
    return out


def test_uz_is_explained_where_it_is_first_used(tmp_path):
    _, doc = _docx(tmp_path, ampel_xl.example_path())
    text = " ".join(_reading_order(doc))
    first = re.search(r"\bUZ\b", text)
    assert first is not None  # the charts and their alternative texts use it
    assert text[first.start() - 13: first.end() + 1] == "Unterzielen (UZ)", text[first.start() - 40: first.end()]


def test_the_counts_sentence_stands_also_where_every_measure_counts(tmp_path):
    """No blue marking: every measure counts, and the reader is still told so (Einführung and every field)."""
    summary, doc = _docx(tmp_path, _clerk_master(tmp_path / "m.xlsx"))
    texts = [p.text for p in doc.paragraphs]
    total = int(summary.total["massnahmen"].iloc[0])
    assert f"In die Auswertung sind alle {total} Maßnahmen eingeflossen (Stand: 31. Dezember 2024)." in texts
    for _, row in summary.felder.iterrows():
        n = int(row["massnahmen"])
        sentence = f"In diesem {row['art']} gibt es "
        para = next(t for t in texts if sentence in t and f"{n} Maßnahmen." in t)
        assert para.endswith(f"Davon sind alle {n} in die Auswertung eingeflossen."), para


def test_the_cover_title_is_the_documents_title_heading(tmp_path):
    from docx.oxml.ns import qn

    _, doc = _docx(tmp_path, ampel_xl.example_path())
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.text == doc.core_properties.title and "Integrationskonzept" in title.text
    level = title._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    assert level is not None and level.get(qn("w:val")) == "0"  # a heading of the first level (H1 in the PDF)
    # the table of contents still lists the chapters only
    toc = [p.text.split("\t")[0] for p in doc.paragraphs if p.style.name == "toc 1"]
    assert title.text not in toc and toc[0] == "Einführung"
