"""What is drawn over the cells: the shapes and pictures of a sheet's drawing part.

A sheet's drawing (``xl/drawings/drawingN.xml``, found through the sheet's relationships, parsed
behind the DTD guard of :mod:`.parts`) anchors every shape (``xdr:sp``), picture (``xdr:pic``),
connector and group at cells: ``twoCellAnchor`` (from one cell to another, with offsets),
``oneCellAnchor`` (from a cell, with a size) or ``absoluteAnchor``. :func:`read_drawings` turns
each into a box on the sheet (in EMU, from the sheet's column widths and row heights), with a
shape's fill resolved by the workbook's theme (``srgbClr``, ``schemeClr`` with ``lumMod``,
``lumOff``, ``tint``, ``shade``; ``prstClr``, ``sysClr``) and a picture's name and alt text.

:func:`drawn_channels` is the status channels of what lies over a status cell, the one reader
function of the drawing channels (their German names and findings are rows of
:data:`ampel_xl.findings.CHANNEL_KINDS`): a shape whose centre lies in the cell and whose solid fill
is green, yellow or red counts as the cell's colour (``form``); a picture there is read by its alt
text or name when that is a status word, else named at its cell (``bild``); whatever else lies over
the cell (a shape without fill or in another colour, one that only overlaps it) is kept as an
unreadable channel, so that nothing drawn over a status cell goes unmentioned where the measure
has no status. A picture placed IN a cell (Excel 365 „Bild in Zelle platzieren“,
:attr:`.parts.SheetPart.pictures`) is kept by its cell (:attr:`Drawings.cells`) and read the same
way, first (channel case ``zelle``).
"""

from __future__ import annotations

import bisect
import colorsys
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from ..findings import RICH_DATA_DAMAGED
from ..model import Anomaly, Channel, Status
from ..vocabulary import COLOUR_WORDS
from .colors import ColorClass, Theme, _scheme_color, classify
from .parts import CellPicture, PartMissing, WorkbookParts, _parse, _rels, _Streamed
from .refs import CellRange

EMU_PER_PIXEL = 9525
EMU_PER_POINT = 12700
_MAX_COL = 16384

_CLASS_STATUS = {ColorClass.GRUEN: Status.GRUEN, ColorClass.GELB: Status.GELB, ColorClass.ROT: Status.ROT}
_SCHEME_ALIAS = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
#: Preset geometries that draw a line, not an area: they have no fill to read.
_LINES = ("line", "straightConnector", "bentConnector", "curvedConnector", "arc")


@dataclass(frozen=True, slots=True)
class Drawn:
    """One shape or picture on a sheet. ``kind`` is ``"form"`` or ``"bild"``; ``fill`` the
    ``"RRGGBB"`` a shape is filled with (None: no fill, a line, a picture); ``box`` its (left, top,
    right, bottom) in EMU from the sheet's top-left corner; ``text`` what a shape (a text box) says."""

    kind: str
    name: str
    alt: str
    fill: str | None
    box: tuple[int, int, int, int]
    text: str = ""
    in_cell: bool = False
    """A picture placed in the cell (Excel 365 „Bild in Zelle platzieren“), not drawn over it."""


class _Sizes:
    """Column widths and row heights of a sheet in EMU, with the edge of any column or row in
    O(log n): the sheet's own widths (runs of columns) and heights, the default for the rest."""

    def __init__(self, cols: list[tuple[int, int, int]], default_w: int, heights: dict[int, int],
                 default_h: int) -> None:
        self.default_w, self.default_h = default_w, default_h
        self.heights = heights
        runs: list[tuple[int, int, int]] = []
        for lo, hi, size in sorted(cols):
            lo = max(lo, runs[-1][1] + 1 if runs else 1)  # overlapping runs: the first one holds
            if lo <= hi:
                runs.append((lo, hi, size))
        self._runs = runs
        self._run_lo = [lo for lo, _, _ in runs]
        self._run_delta = [0]
        for lo, hi, size in runs:
            self._run_delta.append(self._run_delta[-1] + (hi - lo + 1) * (size - default_w))
        self._rows = sorted(heights)
        self._row_delta = [0]
        for r in self._rows:
            self._row_delta.append(self._row_delta[-1] + heights[r] - default_h)
        self._row_tops = [self.y(r) for r in self._rows]

    def _run(self, col: int) -> int:
        return bisect.bisect_right(self._run_lo, col) - 1

    def x(self, col: int) -> int:
        """Left edge of column ``col`` (1-based)."""
        i = self._run(col)
        delta = 0
        if i >= 0:
            lo, hi, size = self._runs[i]
            delta = self._run_delta[i + 1] if col > hi else self._run_delta[i] + (col - lo) * (size - self.default_w)
        return (col - 1) * self.default_w + delta

    def y(self, row: int) -> int:
        """Top edge of row ``row`` (1-based)."""
        return (row - 1) * self.default_h + self._row_delta[bisect.bisect_left(self._rows, row)]

    def width(self, col: int) -> int:
        i = self._run(col)
        if i >= 0 and col <= self._runs[i][1]:
            return self._runs[i][2]
        return self.default_w

    def height(self, row: int) -> int:
        return self.heights.get(row, self.default_h)

    def row_at(self, y: int) -> int:
        """The row whose span holds ``y`` (past the last sized row, the rows have the default height)."""
        step = max(self.default_h, 1)
        i = bisect.bisect_right(self._row_tops, y) - 1
        if i < 0:
            return max(1, y // step + 1)
        r, top = self._rows[i], self._row_tops[i]
        end = top + self.heights[r]
        return r if y < end else r + 1 + (y - end) // step


def _sheet_sizes(wb: WorkbookParts, part: str) -> tuple[_Sizes, str | None]:
    """The column widths and row heights a sheet stores (Excel's pixel rules, Calibri 11), and the
    relationship id of its ``<drawing>``."""
    heights: dict[int, int] = {}
    row = 0
    stream = _Streamed(wb.zf, part, "sheetData")
    for el in stream:
        r = el.get("r")
        row = int(r) if r and r.isdigit() else row + 1
        # a hidden row keeps its height here: its measure counts, and so does what is drawn over it
        pt = _float(el.get("ht"))
        if pt is not None:
            heights[row] = round(pt * EMU_PER_POINT)
    root = stream.root
    default_w, default_h = 64 * EMU_PER_PIXEL, 15 * EMU_PER_POINT
    cols: list[tuple[int, int, int]] = []
    rid = None
    if root is not None:
        for el in root:
            tag = _local(el.tag)
            if tag == "sheetFormatPr":
                pt = _float(el.get("defaultRowHeight"))
                if pt:
                    default_h = round(pt * EMU_PER_POINT)
                w = _float(el.get("defaultColWidth"))
                base = _float(el.get("baseColWidth"))
                if w:
                    default_w = _char_width(w)
                elif base:
                    default_w = -(-(int(base * 7) + 5) // 8) * 8 * EMU_PER_PIXEL
            elif tag == "cols":
                for col in el:
                    lo, hi, w = _int(col.get("min")), _int(col.get("max")), _float(col.get("width"))
                    if lo is not None and hi is not None and w is not None:  # hidden or not: as for rows
                        cols.append((max(lo, 1), min(hi, _MAX_COL), _char_width(w)))
            elif tag == "drawing":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
    return _Sizes(cols, default_w, heights, default_h), rid


def _char_width(width: float) -> int:
    """A stored column width (characters of the default font, padding included) in EMU."""
    return int(((256 * width + 18) / 256) * 7) * EMU_PER_PIXEL


class _Rows:
    """A centred interval tree over the row spans of the drawings: the drawings over one row in
    O(log n + found), built in O(n log n), however many rows a drawing spans."""

    __slots__ = ("by_end", "by_start", "centre", "left", "right")

    def __init__(self, spans: list[tuple[int, int, Drawn]]) -> None:
        points = sorted(p for first, last, _ in spans for p in (first, last))
        self.centre = points[len(points) // 2]
        here = [s for s in spans if s[0] <= self.centre <= s[1]]
        self.by_start = sorted(here, key=lambda s: s[0])
        self.by_end = sorted(here, key=lambda s: -s[1])
        lower = [s for s in spans if s[1] < self.centre]
        upper = [s for s in spans if s[0] > self.centre]
        self.left = _Rows(lower) if lower else None
        self.right = _Rows(upper) if upper else None

    def at(self, row: int) -> Iterator[Drawn]:
        node: _Rows | None = self
        while node is not None:
            if row < node.centre:
                for first, _, d in node.by_start:
                    if first > row:
                        break
                    yield d
                node = node.left
            elif row > node.centre:
                for _, last, d in node.by_end:
                    if last < row:
                        break
                    yield d
                node = node.right
            else:
                for _, _, d in node.by_start:
                    yield d
                return


class Drawings:
    """The drawings of one sheet, looked up by the cells they lie over."""

    def __init__(self, items: list[Drawn], sizes: _Sizes | None,
                 cells: dict[tuple[int, int], Drawn] | None = None) -> None:
        self.items = items
        self.sizes = sizes
        self.cells: dict[tuple[int, int], Drawn] = cells or {}
        """The pictures placed in cells, by (row, col)."""
        self._rows: _Rows | None = None
        self._order = {id(d): i for i, d in enumerate(items)}
        if sizes is not None and items:
            self._rows = _Rows([(sizes.row_at(d.box[1]), sizes.row_at(max(d.box[1], d.box[3] - 1)), d)
                                for d in items])

    def __bool__(self) -> bool:
        return bool(self.items or self.cells)

    def over(self, c0: int, r0: int, c1: int, r1: int) -> Iterator[tuple[Drawn, bool]]:
        """Each picture placed in the cells c0:r0…c1:r1 (a cell or its merged range), then each
        drawing that lies over them, with whether it is that cell's own mark: in the cell, or its
        centre inside and not much larger than the cell."""
        if self.cells:
            if (r1 - r0 + 1) * (c1 - c0 + 1) <= len(self.cells):
                placed = [d for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (d := self.cells.get((r, c)))]
            else:
                placed = [d for (r, c), d in self.cells.items() if r0 <= r <= r1 and c0 <= c <= c1]
            for d in placed:
                yield d, True
        if self.sizes is None or self._rows is None:
            return
        sizes = self.sizes
        left, top, right, bottom = sizes.x(c0), sizes.y(r0), sizes.x(c1 + 1), sizes.y(r1 + 1)
        found: dict[int, Drawn] = {}
        for r in range(r0, r1 + 1):
            for d in self._rows.at(r):
                found.setdefault(id(d), d)
        for d in sorted(found.values(), key=lambda d: self._order[id(d)]):  # in the order they were drawn
            yield from _judge(d, left, top, right, bottom)


def _judge(d: Drawn, left: int, top: int, right: int, bottom: int) -> Iterator[tuple[Drawn, bool]]:
    x0, y0, x1, y1 = d.box
    # a line without width or height still lies over the cell it crosses
    if not (x0 < right and (x1 > left or x0 == x1 >= left) and y0 < bottom and (y1 > top or y0 == y1 >= top)):
        return
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    centred = (left <= cx < right and top <= cy < bottom
               and x1 - x0 <= 2 * (right - left) and y1 - y0 <= 3 * (bottom - top))
    yield d, centred


NO_DRAWINGS = Drawings([], None)


def read_drawings(wb: WorkbookParts, sheet_part: str, theme: Theme,
                  placed: dict[tuple[int, int], CellPicture] | None = None) -> Drawings:
    """The shapes and pictures of the sheet stored at ``sheet_part``: its ``<drawing r:id>`` through
    the sheet's relationships; none when it has no drawing. ``placed``: the pictures placed in the
    sheet's cells (:attr:`~.parts.SheetPart.pictures`), kept by their cells. Damage raises as any
    part's does (the caller turns it into a German message)."""
    cells = {at: Drawn("bild", "", pic.alt, None, (0, 0, 0, 0), in_cell=True) for at, pic in (placed or {}).items()}
    none = Drawings([], None, cells) if cells else NO_DRAWINGS
    rels = {rid: p for rid, (t, p) in _rels(wb.zf, sheet_part).items() if t.endswith("/drawing")}
    if not rels:
        return none
    sizes, rid = _sheet_sizes(wb, sheet_part)
    drawing = rels.get(rid or "")
    if drawing is None or drawing not in wb.zf.NameToInfo:
        return none
    try:
        root = _parse(wb.zf, drawing)
    except PartMissing:
        return none
    items: list[Drawn] = []
    for anchor in root:
        if _local(anchor.tag) not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
            continue
        box = _anchor_box(anchor, sizes)
        if box is None:
            continue
        for el in _content(anchor):
            _collect(el, box, theme, items, None)
    return Drawings(items, sizes, cells) if items else none


def _anchor_box(anchor: Element, sizes: _Sizes) -> tuple[int, int, int, int] | None:
    kind = _local(anchor.tag)

    def point(marker: Element | None) -> tuple[int, int] | None:
        if marker is None:
            return None
        v = {_local(c.tag): _int(c.text) for c in marker}
        col, row = v.get("col"), v.get("row")
        if col is None or row is None:
            return None
        col, row = col + 1, row + 1
        # an offset is within its cell; one stored past the cell's edge ends at the edge
        x = sizes.x(col) + min(max(v.get("colOff") or 0, 0), sizes.width(col))
        y = sizes.y(row) + min(max(v.get("rowOff") or 0, 0), sizes.height(row))
        return x, y

    def ext() -> tuple[int, int]:
        e = _child(anchor, "ext")
        return (_int(e.get("cx")) or 0, _int(e.get("cy")) or 0) if e is not None else (0, 0)

    if kind == "twoCellAnchor":
        a, b = point(_child(anchor, "from")), point(_child(anchor, "to"))
        if a is None or b is None:
            return None
        return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])
    if kind == "oneCellAnchor":
        a = point(_child(anchor, "from"))
        if a is None:
            return None
        cx, cy = ext()
        return a[0], a[1], a[0] + cx, a[1] + cy
    pos = _child(anchor, "pos")
    if pos is None:
        return None
    x, y = _int(pos.get("x")) or 0, _int(pos.get("y")) or 0
    cx, cy = ext()
    return x, y, x + cx, y + cy


def _content(anchor: Element) -> Iterator[Element]:
    """The drawn elements of an anchor; of a markup-compatibility block its first choice only."""
    for el in anchor:
        tag = _local(el.tag)
        if tag == "AlternateContent":
            choice = next(iter(el), None)
            if choice is not None:
                yield from choice
        elif tag in ("sp", "pic", "cxnSp", "grpSp", "graphicFrame"):
            yield el


def _collect(el: Element, box: tuple[int, int, int, int], theme: Theme, out: list[Drawn],
             group_fill: str | None) -> None:
    tag = _local(el.tag)
    nv = next((c for c in el if _local(c.tag).startswith("nv")), None)
    props = _child(nv, "cNvPr") if nv is not None else None
    if props is not None and props.get("hidden") in ("1", "true"):
        return
    name = (props.get("name") or "").strip() if props is not None else ""
    alt = " ".join(((props.get("descr") or props.get("title") or "") if props is not None else "").split())
    if tag == "pic":
        out.append(Drawn("bild", name, alt, None, box))
    elif tag in ("cxnSp", "graphicFrame"):  # a line or connector, a chart: drawn, but no fill to read
        out.append(Drawn("form", name, alt, None, box))
    elif tag == "sp":
        body = _child(el, "txBody")
        paragraphs = [p for p in body.iter() if _local(p.tag) == "p"] if body is not None else []
        text = " ".join(" ".join("".join(t.text or "" for t in p.iter() if _local(t.tag) == "t") for p in paragraphs)
                        .split())
        out.append(Drawn("form", name, alt, _shape_fill(el, theme, group_fill), box, text))
    elif tag == "grpSp":
        gprops = _child(el, "grpSpPr")
        fill = _fill(gprops, theme) if gprops is not None else None
        xfrm = _child(gprops, "xfrm") if gprops is not None else None
        for child in el:
            if _local(child.tag) in ("sp", "pic", "cxnSp", "grpSp", "graphicFrame"):
                _collect(child, _child_box(child, xfrm, box), theme, out, fill if fill != "" else group_fill)


def _child_box(child: Element, group_xfrm: Element | None, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Where a member of a group lies: its offset and size in the group's own coordinates,
    scaled into the group's anchor box."""
    props = next((c for c in child if _local(c.tag) in ("spPr", "grpSpPr")), None)
    xfrm = _child(props, "xfrm") if props is not None else None
    if group_xfrm is None or xfrm is None:
        return box
    ch_off, ch_ext = _child(group_xfrm, "chOff"), _child(group_xfrm, "chExt")
    off, ext = _child(xfrm, "off"), _child(xfrm, "ext")
    if ch_off is None or ch_ext is None or off is None or ext is None:
        return box
    cw, chh = _int(ch_ext.get("cx")) or 0, _int(ch_ext.get("cy")) or 0
    sx = (box[2] - box[0]) / cw if cw else 1.0
    sy = (box[3] - box[1]) / chh if chh else 1.0
    x = box[0] + ((_int(off.get("x")) or 0) - (_int(ch_off.get("x")) or 0)) * sx
    y = box[1] + ((_int(off.get("y")) or 0) - (_int(ch_off.get("y")) or 0)) * sy
    return round(x), round(y), round(x + (_int(ext.get("cx")) or 0) * sx), round(y + (_int(ext.get("cy")) or 0) * sy)


def _shape_fill(sp: Element, theme: Theme, group_fill: str | None) -> str | None:
    """The colour a shape is filled with: its own fill, else its style's fill reference."""
    props = _child(sp, "spPr")
    geometry = _child(props, "prstGeom") if props is not None else None
    prst = geometry.get("prst", "") if geometry is not None else ""
    if any(prst.startswith(p) for p in _LINES):
        return None
    own = _fill(props, theme, group_fill) if props is not None else ""
    if own != "":
        return own
    style = _child(sp, "style")
    ref = _child(style, "fillRef") if style is not None else None
    if ref is None or _int(ref.get("idx")) in (None, 0):
        return None
    return _colour(ref, theme)


def _fill(props: Element, theme: Theme, group_fill: str | None = None) -> str | None:
    """The fill of ``spPr``/``grpSpPr``: ``"RRGGBB"``, None for no fill, ``""`` where it has none of its own."""
    for el in props:
        tag = _local(el.tag)
        if tag == "noFill":
            return None
        if tag == "solidFill":
            return _colour(el, theme)
        if tag == "pattFill":
            return _colour(_child(el, "fgClr"), theme)
        if tag == "gradFill":
            stops = [_colour(gs, theme) for gs in el.iter() if _local(gs.tag) == "gs"]
            coloured = [s for s in stops if s and classify(s) not in (ColorClass.NEUTRAL,)]
            return (coloured or stops or [None])[0]
        if tag == "grpFill":
            return group_fill
        if tag == "blipFill":
            return None
    return ""


def _colour(holder: Element | None, theme: Theme) -> str | None:
    """``"RRGGBB"`` of the DrawingML colour inside ``holder`` (``solidFill``, ``fgClr``, ``gs``,
    ``fillRef``), with its luminance and tint modifiers applied."""
    if holder is None:
        return None
    for el in holder:
        tag = _local(el.tag)
        if tag == "schemeClr":
            val = el.get("val") or ""
            base = theme.scheme.get(_SCHEME_ALIAS.get(val, val))
        elif tag in ("srgbClr", "sysClr", "prstClr", "scrgbClr", "hslClr"):
            base = _scheme_color([el])
        else:
            continue
        return _modified(base, el) if base is not None else None
    return None


def _modified(rgb: str, el: Element) -> str:
    """Apply DrawingML's colour modifiers (``lumMod``, ``lumOff``, ``satMod``, ``tint``, ``shade``)."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    for m in el:
        tag, v = _local(m.tag), _percent(m.get("val"))
        if v is None:
            continue
        if tag in ("lumMod", "lumOff", "satMod"):
            h, lum, s = colorsys.rgb_to_hls(r, g, b)
            if tag == "lumMod":
                lum *= v
            elif tag == "lumOff":
                lum += v
            else:
                s *= v
            r, g, b = colorsys.hls_to_rgb(h, min(max(lum, 0.0), 1.0), min(max(s, 0.0), 1.0))
        elif tag == "tint":  # towards white
            r, g, b = (c * v + (1 - v) for c in (r, g, b))
        elif tag == "shade":  # towards black
            r, g, b = (c * v for c in (r, g, b))
    return "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in (r, g, b))


def drawn_channels(drawings: Drawings, cells: CellRange, where: str,
                   word: Callable[[str], Status | None]) -> list[Channel]:
    """The status channels of what is drawn over a status cell (``cells``: the cell or its merged
    range); ``word`` reads a picture's alt text or name, or a text box's text, as a
    status word."""
    out: list[Channel] = []
    for d, centred in drawings.over(cells.min_col, cells.min_row, cells.max_col, cells.max_row):
        if d.kind == "bild":
            said = None
            if centred:
                said = _picture_says(d.alt, word) or _picture_says(d.name, word)
            case = "zelle" if d.in_cell else "" if centred else "teilweise"
            out.append(Channel("bild", said, d.alt, where, said is not None, case,
                               d.name or (f"Bild in Zelle {where}" if d.in_cell else "Bild")))
            continue
        name = d.name or "Form"
        if not centred:
            out.append(Channel("form", None, d.fill or "", where, False, "teilweise", name, d.fill))
            continue
        cls = classify(d.fill) if d.fill else ColorClass.NEUTRAL
        says = _CLASS_STATUS.get(cls)
        said = word(d.text) if says is None and d.text else None
        if says is not None:
            out.append(Channel("form", says, d.fill or "", where, True, "", name, d.fill))
        elif said is not None:  # a text box over the cell whose text is a status word
            out.append(Channel("textfeld", said, d.text, where, True, "", name, d.fill))
        else:
            out.append(Channel("form", None, d.fill or "", where, False,
                               "ohne" if cls is ColorClass.NEUTRAL else "farbe", name, d.fill))
    return out


def rich_data_anomalies(wb: WorkbookParts) -> list[Anomaly]:
    """The finding of a missing or damaged part of the pictures placed in cells."""
    if wb.rich_damage is None:
        return []
    part, what = wb.rich_damage
    return [Anomaly.of(RICH_DATA_DAMAGED, None, None, None, part=part,
                       what="fehlt" if what == "fehlt" else "ist beschädigt")]


_COLOUR_NAMES = {
    spelling: status
    for status, names in COLOUR_WORDS.items() for name in names
    for spelling in {name.casefold(), name.casefold().replace("ü", "ue"), name.casefold().replace("ü", "u")}
}


def _picture_says(text: str, word: Callable[[str], Status | None]) -> Status | None:
    """The status a picture's alt text or name says: a status word as a whole („Grün“), or one
    colour named among its words („Ampel grün“, „ampel_rot.png“); None where none or two are named."""
    if not text:
        return None
    said = word(text)
    if said is not None:
        return said
    named = {_COLOUR_NAMES[t] for t in re.split(r"[^0-9A-Za-zÄÖÜäöüß]+", text.casefold()) if t in _COLOUR_NAMES}
    return named.pop() if len(named) == 1 else None


# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _percent(value: str | None) -> float | None:
    """ST_Percentage: ``"60000"`` (thousandths of a percent) or ``"60%"`` → 0.6."""
    if value is None:
        return None
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value) / 100000
    except ValueError:
        return None
