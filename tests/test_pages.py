"""Page planning without LibreOffice: summary.plan_page_breaks on sheets built with XlsxWriter."""

from __future__ import annotations

import xlsxwriter

from ampel_xl.xlsx.page import plan_page_breaks, setup_print


def _sheet(tmp_path, rows: int, heading_rows=(), chart_at: int | None = None, chart_px: int = 300):
    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    ws = wb.add_worksheet("Blatt")
    ws.set_column(0, 0, 100)
    for r in range(rows):
        if chart_at is not None and chart_at <= r < chart_at + chart_px // 20 + 1:
            continue  # the rows under the chart stay empty
        ws.write_string(r, 0, f"Überschrift {r}" if r in heading_rows else f"Zeile {r}")
    if chart_at is not None:
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"values": ["Blatt", 0, 0, 1, 0]})
        chart.set_size({"width": 500, "height": chart_px})
        ws.insert_chart(chart_at, 0, chart)
    return wb, ws


def _capacity_rows(tmp_path) -> int:
    """How many default rows the plan puts on the first page of a plain sheet."""
    wb, ws = _sheet(tmp_path, 200)
    first = plan_page_breaks(ws)[0]
    wb.close()
    return first


def test_plain_rows_fill_pages_evenly(tmp_path):
    wb, ws = _sheet(tmp_path, 200)
    breaks = plan_page_breaks(ws)
    wb.close()
    n = breaks[0]
    assert 20 < n < 40  # A4 landscape at 15 pt rows
    assert breaks == list(range(n, 200, n))


def test_a_heading_never_ends_a_page(tmp_path):
    n = _capacity_rows(tmp_path)
    heading = n - 1  # would be the last row of page 1
    wb, ws = _sheet(tmp_path, 100, heading_rows={heading})
    breaks = plan_page_breaks(ws, keep_with_next=[heading])
    wb.close()
    assert breaks[0] == heading  # the page ends before the heading; it starts page 2 with its rows


def test_a_chart_is_never_cut(tmp_path):
    n = _capacity_rows(tmp_path)
    chart_at = n - 5  # a 15-row chart starting 5 rows before the page would end
    wb, ws = _sheet(tmp_path, 100, chart_at=chart_at)
    breaks = plan_page_breaks(ws)
    wb.close()
    assert breaks[0] == chart_at
    assert all(not (chart_at < b <= chart_at + 15) for b in breaks)


def test_every_printed_sheet_gets_header_footer_and_page_numbers(tmp_path):
    wb, ws = _sheet(tmp_path, 100)
    setup_print(ws, "Kopf & Zeile", "1. März 2026")
    assert ws.header == "&C&BKopf && Zeile"
    assert ws.footer == "&L&A&CSeite &P von &N&RStand: 1. März 2026"
    assert ws.hbreaks and ws.fit_width == 1 and ws.fit_height == 0
    wb.close()
