"""Pages that print right: LibreOffice renders of the summary, compare and history workbooks.

Every page carries the header and "Seite x von y"; no page ends with a heading (an Unterziel
heading prints on the page of its first measure); no chart is cut by a page break (checked in
the written XML – breaks against chart anchors – and in the render: each sheet prints on exactly
the pages its planned breaks give, so LibreOffice added no break of its own).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ampel_xl import compare, history, read, summarize
from ampel_xl.xlsx.changes import write_changes
from ampel_xl.xlsx.history import write_history
from ampel_xl.xlsx.summary import write_summary
from render import HAVE_POPPLER, SOFFICE, page_breaks_and_charts, page_lines, to_pdf
from share_masters import half_master, long_master

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
    # the charts print whole: each title once, both on the field's first page (a long title wraps,
    # so the short one of "Sprache" is looked for)
    sp = _sheet_pages(pages, "Sprache")
    for t in ("Ergebnisse Sprache gesamt", "Ergebnisse Sprache je Unterziel"):
        assert [i for i, lines in sp if any(t in line for line in lines)] == [sp[0][0]], t


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
