"""Pages that print right: LibreOffice renders of the summary, compare and history workbooks.

Every page carries the header and "Seite x von y"; no page ends with a heading (an Unterziel
heading prints on the page of its first measure); no chart is cut by a page break (checked in
the written XML – breaks against chart anchors – and in the render: each sheet prints on exactly
the pages its planned breaks give, so LibreOffice added no break of its own). In the summary, no
page but a sheet's last is less than half full (measured on the rendered page: how far down its
ink reaches) and no page holds a single row (counted from the planned breaks and the sheet's rows).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ampel_xl import compare, history, read, summarize
from ampel_xl.xlsx.changes import write_changes
from ampel_xl.xlsx.history import write_history
from ampel_xl.xlsx.summary import write_summary
from builders import build, simple_field
from render import HAVE_POPPLER, SOFFICE, page_breaks_and_charts, page_image, page_lines, to_pdf
from share_masters import half_master, long_master, sizes_master, texts_master

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None or not HAVE_POPPLER,
                       reason="LibreOffice (soffice) und poppler (pdftotext) sind nicht installiert; "
                              "die CI installiert sie"),
]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
HEADINGS = {"Maßnahmen", "Ergebnisse je Unterziel", "Ergebnisse je Feld", "Ampelsystem", "Je Feld",
            "Gesamtes Konzept", "Oberziel"}
HEADING_RE = re.compile(r"^Unterziel \d+: ")


def _check_pages(xlsx: Path, tmp_path: Path, header: str, extra_headings: set[str] = frozenset()) -> list[list[str]]:
    """The render's pages, after the checks every printed workbook must pass."""
    pages = page_lines(to_pdf(xlsx, tmp_path / "pdf"))
    n = len(pages)
    layout = page_breaks_and_charts(xlsx)
    for i, lines in enumerate(pages, start=1):
        assert lines[0] == header, (i, lines[0])                                   # header on every page
        assert re.search(rf"\bSeite {i} von {n}\b", lines[-1]), (i, lines[-1])     # footer with page number
        body = lines[1:-1]
        assert body, f"Seite {i} ist leer"
        last = re.split(r"\s{2,}", body[-1])[0]
        assert last not in HEADINGS | set(extra_headings) and not HEADING_RE.match(last), (
            f"Seite {i} endet mit der Überschrift {body[-1]!r}")
    for sheet, (breaks, charts) in layout.items():
        for first, last, title in charts:                                         # no chart is cut
            assert not [b for b in breaks if first < b <= last], (sheet, title, first, last, breaks)
        printed = [i for i, lines in enumerate(pages) if lines[-1].startswith(sheet + " ")]
        assert len(printed) == len(breaks) + 1, (sheet, len(printed), breaks)      # LibreOffice added no break
    return pages


#: The printed body of a page lies between the top and the bottom margin (inches; xlsx.page.MARGINS).
BODY_MARGINS = (0.8, 0.7)


def _fill(pdf: Path, page: int, outdir: Path, dpi: int = 40) -> float:
    """How far down the body of a page (1-based) its ink reaches, as a share of the body's height."""
    import numpy as np

    img = page_image(pdf, page, outdir, dpi)
    body = img[int(BODY_MARGINS[0] * dpi):img.shape[0] - int(BODY_MARGINS[1] * dpi)].min(axis=2)
    inked = np.nonzero((body < 200).any(axis=1))[0]
    return float(inked.max() + 1) / body.shape[0] if len(inked) else 0.0


def _check_fill_and_rows(xlsx: Path, pages: list[list[str]], tmp_path: Path) -> dict[str, list[float]]:
    """No page of a sheet but its last is less than half full; no page holds a single row. Returns the
    measured fill of every page, by sheet."""
    from openpyxl import load_workbook

    pdf = tmp_path / "pdf" / (xlsx.stem + ".pdf")
    layout = page_breaks_and_charts(xlsx)
    wb = load_workbook(xlsx)
    fills: dict[str, list[float]] = {}
    for sheet, (breaks, charts) in layout.items():
        ws = wb[sheet]
        printed = [i for i, lines in enumerate(pages) if lines[-1].startswith(sheet + " ")]
        fills[sheet] = [_fill(pdf, i + 1, tmp_path / "png") for i in printed]
        for n, fill in enumerate(fills[sheet][:-1], start=1):
            assert fill >= 0.5, f"{sheet}: Seite {n} von {len(printed)} ist nur zu {fill:.0%} gefüllt"
        repeated = set()
        if ws.print_title_rows:
            first, last = (int(x) - 1 for x in ws.print_title_rows.replace("$", "").split(":"))
            repeated = set(range(first, last + 1))
        content = {c.row - 1 for row in ws.iter_rows() for c in row if c.value not in (None, "")}
        for first, last, _title in charts:
            content.update(range(first, last + 1))
        bounds = [0, *breaks, max(content) + 1]
        for n, (a, b) in enumerate(itertools.pairwise(bounds), start=1):
            rows = [r for r in range(a, b) if r in content and not (r in repeated and a > min(repeated))]
            assert len(rows) >= 2, f"{sheet}: Seite {n} hält nur die Zeile(n) {[r + 1 for r in rows]}"
    return fills


def _sheet_pages(pages: list[list[str]], sheet: str) -> list[tuple[int, list[str]]]:
    return [(i, lines) for i, lines in enumerate(pages) if lines[-1].startswith(sheet + " ")]


def _page_of(pages: list[tuple[int, list[str]]], pattern: str) -> int:
    found = [i for i, lines in pages if any(re.search(pattern, line) for line in lines)]
    assert found, pattern
    return found[0]


def test_summary_pages_of_a_long_master(tmp_path):
    master = long_master(tmp_path / "Druckprobe.xlsx")
    k = read(master)
    out = write_summary(summarize(k), tmp_path / "Zusammenfassung.xlsx")
    pages = _check_pages(out, tmp_path, "Druckprobe – Steuerungsgruppe Integration")
    assert len(pages) > 12
    for f in k.felder:
        sheet = f.sheet
        sp = _sheet_pages(pages, sheet)
        assert len(sp) >= 5, sheet  # the measures run over several pages
        for u in f.unterziele:
            # the heading prints on the page of its first measure
            first = min(u.massnahmen, key=lambda m: m.row)
            assert _page_of(sp, rf"^Unterziel {u.nr}: ") == _page_of(sp, rf"Maßnahme {first.nr}: "), (sheet, u.nr)
    # the charts print whole below the table: each title once, both on the page of the table's last
    # row (a long title wraps, so the short one of "Sprache" is looked for)
    sp = _sheet_pages(pages, "Sprache")
    total = _page_of(sp, r"^Gesamt\s+\d+ von \d+ Maßnahmen in der Auswertung")
    for t in ("Ergebnisse Sprache gesamt", "Ergebnisse Sprache je Unterziel"):
        assert [i for i, lines in sp if any(t in line for line in lines)] == [total], t
    _check_fill_and_rows(out, pages, tmp_path)


def test_summary_overview_column_fits_the_longest_field_name(tmp_path):
    out = write_summary(summarize(half_master(tmp_path / "m.xlsx")), tmp_path / "Z.xlsx")
    pages = _check_pages(out, tmp_path, "Integrationskonzept Rundungsprobe – Zusammenfassung der Ampelauswertung "
                                        "– Stand 1. März 2026")
    overview = pages[0]
    # the longest field name prints on one line, followed by its Art – nothing wraps or overprints
    row = next(line for line in overview if line.startswith("Zusammenarbeit mit"))
    assert re.match(r"Zusammenarbeit mit kreisangehörigen Kommunen\s{2,}Querschnittsthema\s", row), row
    gesamt = next(line for line in overview if line.startswith("Gesamt"))
    assert "Kommunen" not in gesamt


@pytest.mark.skipif(not EXAMPLE.exists(), reason="workbooks/Beispiel_Ampel-Master.xlsx fehlt")
def test_summary_pages_of_the_example(tmp_path):
    k = read(EXAMPLE)
    out = write_summary(summarize(k), tmp_path / "Z.xlsx")
    pages = _check_pages(out, tmp_path, k.kopfzeile.strip())
    for f in k.felder:
        sp = _sheet_pages(pages, f.sheet)
        for u in f.unterziele:
            if u.massnahmen:
                first = min(u.massnahmen, key=lambda m: m.row)
                assert (_page_of(sp, rf"^Unterziel {u.nr}: ")
                        == _page_of(sp, rf"^{first.nr}\s+{re.escape(first.text[:25])}"))
    fills = _check_fill_and_rows(out, pages, tmp_path)
    # Arbeit (long Sachstand, ten Unterziele) no longer prints a page three-quarters empty
    assert all(f >= 0.6 for f in fills["Arbeit"][:-1]), fills["Arbeit"]


def test_summary_pages_of_fields_of_many_sizes(tmp_path):
    """One to twenty Unterziele, one to eight measures each, no, short or long Sachstand and Highlights:
    every page of a field sheet but its last is at least half full, none holds a single row, the
    charts print whole on the page where the table ends, Unterziel headings with their first measure."""
    k = read(sizes_master(tmp_path / "Seitenprobe.xlsx"))
    out = write_summary(summarize(k), tmp_path / "Zusammenfassung.xlsx")
    pages = _check_pages(out, tmp_path, "Seitenprobe – Steuerungsgruppe Integration")
    fills = _check_fill_and_rows(out, pages, tmp_path)
    assert len(fills) == len(k.felder) + 2  # Übersicht, the fields, Maßnahmen
    for f in k.felder:
        sp = _sheet_pages(pages, f.sheet)
        donut = [i for i, lines in sp if any(f"Ergebnisse {f.name} gesamt" in line for line in lines)]
        assert len(donut) == 1, (f.sheet, donut)
        for u in f.unterziele:
            first = min(u.massnahmen, key=lambda m: m.row)
            assert _page_of(sp, rf"^Unterziel {u.nr}: ") == _page_of(sp, rf"^{first.nr}\s+Maßnahme {first.nr}:")


def test_summary_pages_of_fields_with_every_text(tmp_path):
    """Einleitung, Sachstand, Highlights and Ausblick (every text the summary shows for proofreading) push
    the table of Unterziele and its charts down the page: still no page of a field sheet but its last
    is less than half full, no page holds a single row, and each field's charts print once, whole."""
    k = read(texts_master(tmp_path / "Textprobe.xlsx"))
    assert all(f.einleitung and f.ausblick for f in k.felder)
    out = write_summary(summarize(k), tmp_path / "Zusammenfassung.xlsx")
    pages = _check_pages(out, tmp_path, "Textprobe – Steuerungsgruppe Integration")
    _check_fill_and_rows(out, pages, tmp_path)
    for f in k.felder:
        sp = _sheet_pages(pages, f.sheet)
        assert len([i for i, lines in sp if any(f"Ergebnisse {f.name} gesamt" in line for line in lines)]) == 1


def test_summary_pages_of_fields_with_many_unterziele(tmp_path):
    """A field of 21, 40 or 65 Unterziele: its bars are split into charts of five to twenty
    (the first as many as fit below the table), so no page before them is left almost empty and
    every bar keeps its label; the charts' titles name which Unterziele each shows, all of them once."""
    fields = [simple_field("Handlungsfeld Sprache", "Sprache", n_uz=40, per_uz=2),
              simple_field("Handlungsfeld Arbeit", "Arbeit", n_uz=65, per_uz=1),
              simple_field("Handlungsfeld Bildung", "Bildung", n_uz=21, per_uz=2)]
    k = read(build(tmp_path / "Viele.xlsx", fields,
                   konzept={"Titel": "Integrationskonzept Probe", "Stand": "01.03.2026", "Kopfzeile": "Viele Ziele"}))
    out = write_summary(summarize(k), tmp_path / "Zusammenfassung.xlsx")
    pages = _check_pages(out, tmp_path, "Viele Ziele")
    _check_fill_and_rows(out, pages, tmp_path)
    for f in k.felder:
        text = "\n".join(line for _i, lines in _sheet_pages(pages, f.sheet) for line in lines)
        spans = [(int(a), int(b)) for a, b in re.findall(
            rf"Ergebnisse {f.name} je Unterziel \(Unterziel (\d+) bis Unterziel (\d+)\)", text)]
        assert spans[0][0] == 1 and spans[-1][1] == len(f.unterziele), spans
        assert all(b - a < 20 for a, b in spans) and all(b + 1 == c for (_a, b), (c, _d) in itertools.pairwise(spans))
        assert all(b - a >= 4 for a, b in spans), spans  # no chart of one or two bars


def test_compare_pages(tmp_path):
    old = long_master(tmp_path / "alt.xlsx", variant=1, stand="01.10.2025")
    new = long_master(tmp_path / "neu.xlsx")
    changes = compare(old, new)
    assert len(changes) > 60
    out = write_changes(changes, tmp_path / "Veränderungen.xlsx")
    pages = _check_pages(out, tmp_path, "Druckprobe – Steuerungsgruppe Integration")
    assert len(pages) >= 3
    assert all(re.search(r"Stand: 1\. März 2026$", p[-1]) for p in pages)
    # the list's header is repeated on every page after the first
    assert all(any(line.startswith("Feld ") and "Art der Änderung" in line for line in p) for p in pages)


def test_compare_pages_of_the_example(tmp_path):
    """The six changes of the example since an earlier Stand print on the page of the summary and the chart:
    the list begins right below the chart (measured by the rows' real heights, not split for a gap)."""
    from test_report_changes import earlier_stand

    old = earlier_stand(tmp_path / "Ampel-Master_2024-09.xlsx")
    changes = compare(old, EXAMPLE)
    assert len(changes) == 6
    out = write_changes(changes, tmp_path / "Veränderungen.xlsx")
    pages = _check_pages(out, tmp_path, read(EXAMPLE).kopfzeile.strip())
    assert len(pages) == 1, [p[-1] for p in pages]
    assert any(line.startswith("Kultur & Freizeit") and "Neu" in line for line in pages[0])


def test_history_pages(tmp_path):
    stands = [half_master(tmp_path / f"Master_{d}.xlsx", stand=s, kommunen_marked=i != 1)
              for i, (d, s) in enumerate([("2024-10-01", "01.10.2024"), ("2025-03-01", "01.03.2025"),
                                          ("2025-10-01", "01.10.2025"), ("2026-03-01", "01.03.2026")])]
    extra = long_master(tmp_path / "Master_2026-06-01.xlsx", stand="01.06.2026")
    df = history([*stands, extra])
    out = write_history(df, tmp_path / "Verlauf.xlsx")
    felder = set(df["feld"])
    pages = _check_pages(out, tmp_path, "Verlauf der Ampelauswertung", extra_headings=felder)
    assert len(pages) >= 2
    # every block's chart prints whole, on the page of its heading
    for feld in ["Gesamtes Konzept", *sorted(felder - {"Gesamt"})]:
        on = [i for i, lines in enumerate(pages) if lines[1:-1] and any(line.startswith(feld) for line in lines)]
        assert len(on) == 1, (feld, on)
