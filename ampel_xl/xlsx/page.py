"""The A4 print setup of every sheet ampel_xl writes, and the planning of its page breaks.

:func:`print_a4` is the one place that sets paper, orientation, scaling, margins, header and
footer; :func:`setup_print` is what every output sheet uses (the Kopfzeile centred on top, the
sheet name, "Seite x von y" and the Stand in the footer, page breaks planned from the rows'
heights); the master template calls :func:`print_a4` with its own header and footer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

_HEADER_MAX = 200

#: Paper and margins of every printed sheet (inches): A4, header and footer 0.3 from the edge.
PAPER_MM = (297.0, 210.0)
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7}
#: Share of a page's height the page breaks plan to fill: row heights are estimates (wrapped
#: text, fonts differ between Excel and LibreOffice), so a planned page must fit with room to spare.
PAGE_FILL = 0.95
#: No page but a sheet's last is to be filled less than half: a block kept together (a table that
#: would fit a page of its own) is split, and a chart shrunk, rather than leave a page emptier. The
#: planned share is higher than half, since LibreOffice prints the rows a little smaller than the
#: estimate (a page planned :data:`PAGE_FILL` full prints about 80 % full).
MIN_FILL = 0.75
#: A block that would start the next page and leave the page before it less than :data:`MIN_FILL`
#: full is shrunk to the page's rest down to this share of its minimum height.
SHRINK_FLOOR = 0.75
#: Excel and LibreOffice accept at most this many manual page breaks per sheet.
MAX_PAGE_BREAKS = 1023



def hf_escape(text: str) -> str:
    """Text for an Excel header/footer: one line, ``&`` doubled, bounded length."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > _HEADER_MAX:
        text = text[: _HEADER_MAX - 1].rstrip() + "…"
    return text.replace("&", "&&")


def print_a4(ws: Any, header: str, footer: str, *, landscape: bool = True, fit_tall: int = 0,
             margins: dict[str, float] | None = None, center: bool = True) -> None:
    """A4 paper (landscape unless told), one page wide (``fit_tall`` pages tall, 0: as many as
    needed), ``margins`` in inches (default :data:`MARGINS`), ``header`` and ``footer`` as Excel
    header/footer codes 0.3 inch from the edge, centred horizontally unless told."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, fit_tall)
    ws.set_margins(**(MARGINS if margins is None else margins))
    ws.set_header(header, {"margin": 0.3})
    ws.set_footer(footer, {"margin": 0.3})
    if center:
        ws.center_horizontally()


def setup_print(ws, header: str, stand: str | None, *, landscape: bool = True, fit_tall: int = 0,
                 keep_with_next: Iterable[int] = (), keep_together: Iterable[range] = ()) -> None:
    """The print setup of every sheet of every workbook (summary, compare, history).

    A4 (landscape unless told), one page wide, the header centred on every page, the footer
    with the sheet's name, "Seite x von y" and the Stand. When the sheet may run over several
    pages (``fit_tall`` 0), page breaks are planned here from the rows' heights (see
    :func:`plan_page_breaks`): no row of ``keep_with_next`` (headings) ends a page, no chart is
    cut by a break, a block of ``keep_together`` stays on one page where that leaves no page less
    than half full, and no page holds a single row. Call it after the sheet's last row is written.
    """
    right = f"&RStand: {hf_escape(stand)}" if stand else ""
    print_a4(ws, f"&C&B{hf_escape(header)}", f"&L&A&CSeite &P von &N{right}", landscape=landscape,
             fit_tall=fit_tall)
    if fit_tall == 0:
        breaks = plan_page_breaks(ws, keep_with_next=keep_with_next, keep_together=keep_together,
                                  landscape=landscape)
        if breaks:
            ws.set_h_pagebreaks(breaks[:MAX_PAGE_BREAKS])


def chart_spans(ws) -> list[tuple[int, int]]:
    """(first, last) row each chart of ``ws`` covers, from its anchor, offset and height."""
    spans = []
    for chart_row, _col, chart, _x_off, y_off, _x_scale, y_scale, *_ in ws.charts:
        height = chart.height * y_scale + y_off
        r, covered = chart_row, 0.0
        while True:
            covered += ws._size_row(r)
            if covered >= height or r - chart_row > 10_000:
                break
            r += 1
        spans.append((chart_row, r))
    return spans


def content_width_px(ws) -> float:
    """Width of what prints (columns in use and charts), in pixels."""
    last_col = ws.dim_colmax or 0
    widths = [ws._size_col(c) for c in range(last_col + 1)]
    right = sum(widths)
    for _row, col, chart, x_off, _y_off, x_scale, *_ in ws.charts:
        right = max(right, sum(ws._size_col(c) for c in range(col)) + x_off + chart.width * x_scale)
    return right


def repeat_rows(ws) -> tuple[int, int] | None:
    match = re.search(r"\$(\d+):\$(\d+)$", ws.repeat_row_range or "")
    return (int(match.group(1)) - 1, int(match.group(2)) - 1) if match else None


def page_capacity_px(ws, *, landscape: bool = True) -> float:
    """The height (in the sheet's pixels) the page breaks plan to fill on a page of ``ws``: the
    printable height at the scale that makes the sheet one page wide, times :data:`PAGE_FILL`."""
    paper_w, paper_h = PAPER_MM if landscape else PAPER_MM[::-1]
    printable_w_pt = paper_w / 25.4 * 72 - (MARGINS["left"] + MARGINS["right"]) * 72
    printable_h_pt = paper_h / 25.4 * 72 - (MARGINS["top"] + MARGINS["bottom"]) * 72
    content_pt = content_width_px(ws) * 0.75
    scale = min(1.0, printable_w_pt / content_pt) if content_pt else 1.0
    return printable_h_pt / 0.75 / scale * PAGE_FILL


def page_room(ws, row: int, *, keep_with_next: Iterable[int] = (), keep_together: Iterable[range] = (),
              landscape: bool = True) -> tuple[float, float]:
    """(used, capacity) in pixels: how much of the page that ``row`` would start on is taken by the
    rows above it (as :func:`plan_page_breaks` lays them out), and the page's capacity.

    A writer asks this before it places a block it cannot split (a chart), to size the block so that
    it fits the page rather than leave the page before it less than half full.
    """
    capacity = page_capacity_px(ws, landscape=landscape)
    breaks = _plan(ws, row - 1, keep_with_next=keep_with_next, keep_together=keep_together, capacity=capacity,
                   widows=False)
    start = max([0, *(b for b in breaks if b <= row)])
    repeat = repeat_rows(ws)
    used = sum(ws._size_row(r) for r in range(start, row))
    if repeat and start > repeat[1]:
        used += sum(ws._size_row(r) for r in range(repeat[0], repeat[1] + 1))
    return used, capacity


def fit_block_height(ws, row: int, natural: float, minimum: float, *, offset: float = 0,
                     keep_with_next: Iterable[int] = (), keep_together: Iterable[range] = ()) -> float:
    """The height (pixels) for a block that cannot be split (a chart) placed at ``row`` over rows of the
    default height: ``natural`` where it fits the rest of the page; else shrunk to that rest where it
    still gets ``minimum``, so it stays on the page of what comes before it (a page of text alone,
    maybe less than half full, and the block on the next would read worse); else ``natural`` (the
    block starts the next page), unless that left the page before it less than :data:`MIN_FILL` full:
    then shrunk down to :data:`SHRINK_FLOOR` of ``minimum``. Never taller than a page. ``offset``: how
    far below the row's top the block begins; ``keep_with_next`` and ``keep_together`` as the sheet's
    rows above will be planned with."""
    used, capacity = page_room(ws, row, keep_with_next=keep_with_next, keep_together=keep_together)
    room = capacity - used
    row_px = ws._size_row(row)  # the default height of the rows the block lies over
    # never taller than a page (a chart of a hundred Unterziele would else be cut by a break)
    page = (capacity // row_px - 1) * row_px - offset
    natural, minimum = min(natural, page), min(minimum, page)
    if math.ceil((natural + offset) / row_px) * row_px <= room:
        return natural
    fitted = room // row_px * row_px - offset
    if fitted >= minimum:
        return fitted
    if used < MIN_FILL * capacity and fitted >= SHRINK_FLOOR * minimum:
        # on the next page the block would leave this one less than half full as printed (a page
        # planned at :data:`MIN_FILL` prints at about half): a slightly smaller block reads better
        return fitted
    return natural


def plan_page_breaks(ws, *, keep_with_next: Iterable[int] = (), keep_together: Iterable[range] = (),
                     landscape: bool = True) -> list[int]:
    """Manual page breaks (rows that start a page) for a sheet printed one page wide.

    The sheet's rows are laid out on pages of the printable height at the scale that makes
    the sheet one page wide (:data:`PAGE_FILL` of it, for estimated heights). Where a row no
    longer fits, the page ends before it – or earlier, before the heading it belongs to: a row
    in ``keep_with_next`` (an Unterziel heading, a table's caption and header) and every row a
    chart covers but its last stay on the page of the row after them. A block of
    ``keep_together`` (rows of a table) that fits a page moves to the next page whole, unless that
    left the page before it less than :data:`MIN_FILL` full; then it is split. The last page never
    holds a single row: the row before it goes along. Breaks the sheet already has (a table that
    starts a new page) are kept; the repeated title rows are counted on every page after they
    first appear.
    """
    last_row = ws.dim_rowmax
    spans = chart_spans(ws)
    if last_row is None and not spans:
        return []
    last_row = max([last_row or 0, *(b for _a, b in spans)])
    return _plan(ws, last_row, keep_with_next=keep_with_next, keep_together=keep_together,
                 capacity=page_capacity_px(ws, landscape=landscape), widows=True)


def _plan(ws, last_row: int, *, keep_with_next: Iterable[int], keep_together: Iterable[range], capacity: float,
          widows: bool) -> list[int]:
    """The page breaks of rows 0..``last_row`` (see :func:`plan_page_breaks`)."""
    spans = chart_spans(ws)
    keep = set(keep_with_next)
    charted: set[int] = set()
    for a, b in spans:
        keep.update(range(a, b))
        charted.update(range(a, b + 1))
    # the first row of the block kept together that each row belongs to
    block_of: dict[int, int] = {}
    block_end: dict[int, int] = {}
    for block in keep_together:
        if len(block):
            for r in block:
                block_of.setdefault(r, block[0])
            block_end[block[0]] = max(block_end.get(block[0], 0), block[-1] + 1)
    forced = set(ws.hbreaks or ())
    repeat = repeat_rows(ws)
    repeat_px = sum(ws._size_row(r) for r in range(repeat[0], repeat[1] + 1)) if repeat else 0

    def head(start: int) -> float:
        """Height of the repeated rows on a page starting at ``start``."""
        return repeat_px if repeat and start > repeat[1] else 0

    def height(a: int, b: int) -> float:
        return sum(ws._size_row(x) for x in range(a, b))

    # rows without cells (known only while the sheet holds its cells: not in constant_memory mode)
    cells = None if getattr(ws, "constant_memory", False) else ws.table

    def filled(r: int) -> bool:
        return cells is None or bool(cells.get(r)) or r in charted

    def blank_until_forced(r: int) -> int | None:
        """The forced break after ``r`` when every row from ``r`` to it is blank, else None."""
        if cells is None:
            return None
        nxt = min((f for f in forced if f > r), default=None)
        if nxt is None or any(filled(x) for x in range(r, nxt)):
            return None
        return nxt

    def back_over_keeps(b: int, start: int) -> int:
        while b - 1 > start and (b - 1) in keep:
            b -= 1
        return b

    breaks: list[int] = []
    start, used = 0, 0.0
    for r in range(last_row + 1):
        h = ws._size_row(r)
        if r in forced and r != start:
            breaks.append(r)
            start, used = r, head(r)
        elif used + h > capacity and r > start and (skip := blank_until_forced(r)) is not None:
            # only blank rows before a table that starts a page anyway: the page ends here, the
            # forced break is dropped (else those blank rows would print as a page of their own)
            forced.discard(skip)
            breaks.append(r)
            start, used = r, head(r)
        elif used + h > capacity and r > start:
            b = back_over_keeps(r, start)
            first = block_of.get(r)
            if first is not None and first > start:
                # the block fits a page of its own: it moves whole, with its heading, unless the
                # page before it would be left less than half full
                whole = back_over_keeps(first, start)
                if (height(whole, block_end[first]) + head(whole) <= capacity
                        and head(start) + height(start, whole) >= MIN_FILL * capacity):
                    b = min(b, whole)
            if (b - 1 == start and start in keep) or not any(filled(x) for x in range(start, b)):
                # the whole page is one block (a table or chart taller than a page), or only blank
                # rows would stay on it: cut where it is full
                b = r
            breaks.append(b)
            start = b
            used = head(b) + height(b, r)
        used += h
    if widows and breaks:
        # the last page holds a single row: the row before it goes along (with its heading)
        last = breaks[-1]
        before = breaks[-2] if len(breaks) > 1 else 0
        rows = [x for x in range(last, last_row + 1) if filled(x)]
        if len(rows) == 1 and last not in forced and last - 1 > before and (last - 1) not in charted:
            b = back_over_keeps(last - 1, before)
            if b > before and any(filled(x) for x in range(before, b)):
                breaks[-1] = b
    return breaks
