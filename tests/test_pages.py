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


def test_a_block_kept_together_moves_whole_only_when_the_page_before_stays_well_filled(tmp_path):
    from ampel_xl.xlsx.page import MIN_FILL

    n = _capacity_rows(tmp_path)
    # a 10-row table that starts 5 rows before the page would end: it moves whole to page 2
    late = n - 5
    wb, ws = _sheet(tmp_path, 100)
    breaks = plan_page_breaks(ws, keep_together=[range(late, late + 10)])
    wb.close()
    assert breaks[0] == late
    # a table that starts on a page filled less than MIN_FILL and does not fit its rest is split
    # there: the page is not left more than half empty
    early = int(n * MIN_FILL) - 2
    wb, ws = _sheet(tmp_path, 100)
    breaks = plan_page_breaks(ws, keep_together=[range(early, early + n - 3)])
    wb.close()
    assert breaks[0] == n
    # a block taller than a page is cut where the page is full
    wb, ws = _sheet(tmp_path, 100)
    breaks = plan_page_breaks(ws, keep_together=[range(late, late + n + 5)])
    wb.close()
    assert breaks[0] == n


def test_the_last_page_never_holds_a_single_row(tmp_path):
    n = _capacity_rows(tmp_path)
    wb, ws = _sheet(tmp_path, 2 * n + 1)  # two full pages and one row
    breaks = plan_page_breaks(ws)
    wb.close()
    assert breaks == [n, 2 * n - 1]  # the row before it goes along
    # its heading too: a heading never ends a page
    wb, ws = _sheet(tmp_path, 2 * n + 1, heading_rows={2 * n - 2})
    breaks = plan_page_breaks(ws, keep_with_next=[2 * n - 2])
    wb.close()
    assert breaks == [n, 2 * n - 2]


def test_a_chart_shrinks_to_the_rest_of_a_page_rather_than_leave_it_half_empty(tmp_path):
    from ampel_xl.xlsx.page import fit_block_height, page_room

    n = _capacity_rows(tmp_path)
    wb, ws = _sheet(tmp_path, n // 2)  # half a page of rows
    used, capacity = page_room(ws, n // 2)
    assert used == 20 * (n // 2) and capacity > used
    room = capacity - used
    # fits: as asked; too tall: the page's rest in whole rows; the rest too small for the minimum: as asked
    assert fit_block_height(ws, n // 2, 100, 80) == 100
    assert fit_block_height(ws, n // 2, room + 200, 100) == room // 20 * 20
    assert fit_block_height(ws, n // 2, room + 200, room + 100) == room + 200
    wb.close()


def test_a_chart_is_never_taller_than_a_page(tmp_path):
    from ampel_xl.xlsx.page import fit_block_height, page_room

    wb, ws = _sheet(tmp_path, 3)
    _used, capacity = page_room(ws, 0)
    height = fit_block_height(ws, 0, 5 * capacity, 3 * capacity)  # a hundred Unterziele' bars
    wb.close()
    assert capacity / 2 < height <= capacity - 20
