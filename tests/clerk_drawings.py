"""Masters whose Ampel is drawn over the cell, the way clerks do it in Excel.

The clerk leaves the Ampel column empty and, for each measure, inserts a shape (Einfügen › Formen ›
Ellipse), fills it green, yellow or red (Formformat › Fülleffekt, one of the standard colours or a
theme colour "Grün, Akzent 6, dunkler 25 %") and drags it over the measure's Ampel cell; or pastes a
small traffic-light picture into the cell (Einfügen › Bilder) and gives it alt text. The sheet also
carries drawings that are no Ampel: a title banner over the heading (a rectangle with text in the
default shape style), an arrow beside the table pointing at a measure, a remark shape.

openpyxl cannot write shapes, so the drawing part (``xl/drawings/drawingN.xml``), the sheet's
relationship to it and its content type are written into the saved zip afterwards, as
:func:`clerk_masters.add_x14_icon_set` does for icon sets. Pictures are inserted by openpyxl
(``openpyxl.drawing.image.Image``, a real PNG) and their alt text set in the same drawing part.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from PIL import Image as PILImage, ImageDraw

from ampel_xl.reader.colors import OFFICE_2013, theme_xml
from builders import BLUE, solid

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
EMU_PX = 9525
EMU_PT = 12700

#: Fills as Excel writes them for a shape: a standard colour (srgbClr) or a theme colour with its
#: lightness modifiers (schemeClr with lumMod/lumOff).
STANDARD_GREEN, STANDARD_YELLOW, STANDARD_RED = "00B050", "FFC000", "FF0000"
GREEN_ACCENT6_DARKER_25 = ("accent6", (("lumMod", 75000),))  # 70AD47 → 548235
RED_ACCENT2_LIGHTER_40 = ("accent2", (("lumMod", 60000), ("lumOff", 40000)))  # ED7D31 → F4B183, an orange: Gelb
PURPLE = "7030A0"


Fill = str | tuple[str, tuple[tuple[str, int], ...]] | None


@dataclass
class Shape:
    """A shape as Excel stores it: a preset geometry between two cell corners (0-based col/row
    with offsets in EMU), filled with an RGB or theme colour, or left in the default style."""

    name: str
    prst: str
    start: tuple[int, int, int, int]
    """(col, colOff, row, rowOff) of the top-left corner."""
    end: tuple[int, int, int, int]
    fill: Fill = None
    """"RRGGBB", (theme slot, modifiers), or None for the default style's fill (accent 1)."""
    no_fill: bool = False
    text: str | None = None

    def xml(self, shape_id: int) -> str:
        (c0, co0, r0, ro0), (c1, co1, r1, ro1) = self.start, self.end
        if self.no_fill:
            fill = "<a:noFill/>"
        elif isinstance(self.fill, str):
            fill = f'<a:solidFill><a:srgbClr val="{self.fill}"/></a:solidFill>'
        elif self.fill is not None:
            slot, mods = self.fill
            inner = "".join(f'<a:{m} val="{v}"/>' for m, v in mods)
            fill = f'<a:solidFill><a:schemeClr val="{slot}">{inner}</a:schemeClr></a:solidFill>'
        else:
            fill = ""  # the default style's fill reference (accent 1)
        body = ('<xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip" rtlCol="0" anchor="ctr"/>'
                '<a:lstStyle/><a:p><a:pPr algn="ctr"/>'
                + (f'<a:r><a:rPr lang="de-DE" sz="1400" b="1"/><a:t>{escape(self.text)}</a:t></a:r>' if self.text
                   else '<a:endParaRPr lang="de-DE" sz="1100"/>')
                + '</a:p></xdr:txBody>')
        return (
            f'<xdr:twoCellAnchor xmlns:xdr="{XDR}" xmlns:a="{A}">'
            f'<xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>{co0}</xdr:colOff><xdr:row>{r0}</xdr:row>'
            f'<xdr:rowOff>{ro0}</xdr:rowOff></xdr:from>'
            f'<xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>{co1}</xdr:colOff><xdr:row>{r1}</xdr:row>'
            f'<xdr:rowOff>{ro1}</xdr:rowOff></xdr:to>'
            f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name={quoteattr(self.name)}/>'
            '<xdr:cNvSpPr/></xdr:nvSpPr>'
            f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
            f'<a:prstGeom prst="{self.prst}"><a:avLst/></a:prstGeom>{fill}</xdr:spPr>'
            '<xdr:style><a:lnRef idx="2"><a:schemeClr val="accent1"><a:shade val="50000"/></a:schemeClr></a:lnRef>'
            '<a:fillRef idx="1"><a:schemeClr val="accent1"/></a:fillRef>'
            '<a:effectRef idx="0"><a:schemeClr val="accent1"/></a:effectRef>'
            '<a:fontRef idx="minor"><a:schemeClr val="lt1"/></a:fontRef></xdr:style>'
            f'{body}</xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
        )


@dataclass
class Layout:
    """Column widths (characters) and row heights (points) the clerk set, to place shapes by cell."""

    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)

    def width_px(self, col: int) -> int:
        w = self.widths.get(get_column_letter(col))
        return int(((256 * w + 18) / 256) * 7) if w is not None else 64

    def height_emu(self, row: int) -> int:
        return round(self.heights.get(row, 15.0) * EMU_PT)

    def centred(self, name: str, cell: str, fill: Fill = None, size_px: int = 18, prst: str = "ellipse",
                dx_px: int = 0, no_fill: bool = False) -> Shape:
        """A shape of ``size_px`` dragged onto the middle of ``cell`` (``dx_px`` to the right of it)."""
        m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
        assert m
        col, row = column_index_from_string(m.group(1)), int(m.group(2))
        w, h = self.width_px(col) * EMU_PX, self.height_emu(row)
        size = size_px * EMU_PX
        x0, y0 = (w - size) // 2 + dx_px * EMU_PX, (h - size) // 2
        return Shape(name, prst, (col - 1, x0, row - 1, y0), (col - 1, x0 + size, row - 1, y0 + size), fill,
                     no_fill=no_fill)


def traffic_light_png(lit: str) -> bytes:
    """A small traffic light (dark housing, three lamps, one of them lit) as a PNG."""
    img = PILImage.new("RGB", (14, 34), "#333333")
    draw = ImageDraw.Draw(img)
    lamps = {"rot": "#FF0000", "gelb": "#FFC000", "gruen": "#00B050"}
    for i, (key, colour) in enumerate(lamps.items()):
        draw.ellipse((2, 2 + i * 10, 11, 11 + i * 10), fill=colour if key == lit else "#555555")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def add_shapes(path: Path, sheet_no: int, shapes: list[Shape], alt_texts: list[str] | None = None) -> None:
    """Write ``shapes`` into the drawing of sheet ``sheet_no`` of a saved workbook (creating the
    drawing part, its relationship and content type when openpyxl wrote none), and give the
    pictures openpyxl inserted their alt text (in the order they were added)."""
    sheet = f"xl/worksheets/sheet{sheet_no}.xml"
    rels = f"xl/worksheets/_rels/sheet{sheet_no}.xml.rels"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    drawing = None
    if rels in parts:
        for rel in re.findall(r"<Relationship\b[^>]*>", parts[rels].decode()):
            target = re.search(r'Target="([^"]+)"', rel)
            if f'Type="{DRAWING_REL}"' in rel and target:
                drawing = "xl/drawings/" + target.group(1).rsplit("/", 1)[-1]
    if drawing is None:
        n = 1 + sum(1 for p in parts if p.startswith("xl/drawings/drawing"))
        drawing = f"xl/drawings/drawing{n}.xml"
        parts[drawing] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                          f'<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}"></xdr:wsDr>').encode()
        rel = f'<Relationship Id="rIdDrawing1" Type="{DRAWING_REL}" Target="../drawings/drawing{n}.xml"/>'
        if rels in parts:
            parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        else:
            parts[rels] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                           f'"http://schemas.openxmlformats.org/package/2006/relationships">{rel}</Relationships>'
                           ).encode()
        ct = parts["[Content_Types].xml"].decode()
        ct = ct.replace("</Types>", f'<Override PartName="/{drawing}" ContentType="{DRAWING_TYPE}"/></Types>')
        parts["[Content_Types].xml"] = ct.encode()
        xml = parts[sheet].decode()
        tag = f'<drawing xmlns:r="{R}" r:id="rIdDrawing1"/>'
        m = re.search(r"<(?:legacyDrawing|tableParts|extLst)\b|</worksheet>", xml)
        assert m
        parts[sheet] = (xml[:m.start()] + tag + xml[m.start():]).encode()
    xml = parts[drawing].decode()
    for text in alt_texts or ():
        xml = xml.replace('descr="Picture"', f"descr={quoteattr(text)}", 1)
    first_id = 100
    anchors = "".join(s.xml(first_id + i) for i, s in enumerate(shapes))
    end = xml.rindex("</")
    xml = xml[:end] + anchors + xml[end:]
    parts[drawing] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


# ---------------------------------------------------------------------------------------------
# The masters


@dataclass
class DrawnCase:
    path: Path
    statuses: dict[str, str | None]
    """Measure number → status label a careful colleague reads (None: none)."""
    findings: list[tuple[str, str]] = field(default_factory=list)
    """(cell, code) of the findings about the status cells."""


def field_sheet(ws, title: str, layout: Layout, rows: list[tuple[str, str, str | None]]) -> dict[str, str]:
    """Title, Oberziel, header in row 4, then Unterziel and measure rows; Nr → Ampel cell."""
    ws["A1"] = title
    ws["A1"].font = Font(size=16, bold=True)
    ws["A2"] = "Oberziel"
    ws["B2"] = "Menschen mit Migrationsgeschichte nehmen gleichberechtigt am Leben im Landkreis teil."
    for c, label in enumerate(("Nr.", "Unterziel / Maßnahme", "Ampel", "Bemerkung"), start=1):
        ws.cell(4, c, label).font = Font(bold=True)
    for letter, width in layout.widths.items():
        ws.column_dimensions[letter].width = width
    cells = {}
    for i, (nr, text, note) in enumerate(rows):
        r = 5 + i
        if nr.startswith("UZ"):
            ws.cell(r, 2, text).font = Font(bold=True)
            continue
        ws.cell(r, 1, nr)
        ws.cell(r, 2, text).alignment = Alignment(wrap_text=True, vertical="center")
        if note:
            ws.cell(r, 4, note)
        cells[nr] = f"C{r}"
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    return cells


def new_workbook() -> Workbook:
    """A new workbook with the theme of Excel 2013–2022 (the theme colours a clerk picks from)."""
    wb = Workbook()
    wb.loaded_theme = theme_xml(OFFICE_2013)
    return wb


ROWS = [
    ("UZ1", "Unterziel 1: Sprachkurse sind für alle erreichbar", None),
    ("1", "Ausbau der Integrationskurse im ländlichen Raum", None),
    ("2", "Kinderbetreuung während der Kurse", "Träger angefragt"),
    ("3", "Online-Sprachcafé", None),
    ("UZ2", "Unterziel 2: Sprachmittlung in Beratungsstellen", None),
    ("4", "Pool ehrenamtlicher Sprachmittler", None),
    ("5", "Dolmetscherkosten im Haushalt verankern", None),
    ("6", "Leichte Sprache auf der Website", None),
]


def ellipses(directory: Path) -> DrawnCase:
    """Every Ampel is an ellipse over the Ampel cell (standard green, a theme green "dunkler 25 %",
    amber, red, a theme orange "heller 40 %"); one measure has a purple ellipse, one nothing. A title
    banner over the heading and an arrow beside the table pointing at a measure are no Ampel."""
    layout = Layout({"A": 6, "B": 48, "C": 9, "D": 24}, dict.fromkeys(range(5, 13), 30.0))
    wb = new_workbook()
    ws = wb.active
    ws.title = "Sprache"
    cells = field_sheet(ws, "Handlungsfeld Sprache", layout, ROWS)
    for nr in ("1", "2", "4"):
        ws[f"A{cells[nr][1:]}"].fill = solid(BLUE)  # marked for the evaluation
    path = directory / "ellipsen.xlsx"
    wb.save(path)
    shapes = [
        Shape("Rechteck 1", "rect", (2, 0, 0, 0), (4, 0, 2, 0), text="Ampelbericht 2025"),  # the banner
        layout.centred("Ellipse 2", cells["1"], STANDARD_GREEN),
        layout.centred("Ellipse 3", cells["2"], GREEN_ACCENT6_DARKER_25),
        layout.centred("Ellipse 4", cells["3"], STANDARD_YELLOW),
        layout.centred("Ellipse 5", cells["4"], STANDARD_RED),
        layout.centred("Ellipse 6", cells["5"], RED_ACCENT2_LIGHTER_40),
        layout.centred("Ellipse 7", cells["6"], PURPLE),
        # an arrow in the Bemerkung column pointing at measure 2, a red one: it is no Ampel
        Shape("Pfeil: nach links 8", "leftArrow", (3, 20 * EMU_PX, 5, 5 * EMU_PX), (3, 90 * EMU_PX, 5, 30 * EMU_PX),
              STANDARD_RED),
    ]
    add_shapes(path, 1, shapes)
    return DrawnCase(path, {"1": "Grün", "2": "Grün", "3": "Gelb", "4": "Rot", "5": "Gelb", "6": None},
                     [(cells["6"], "drawing-over-cell-minor"), (cells["6"], "status-missing-unmarked")])


def _picture(ws, cell: str, layout: Layout, lit: str) -> None:
    """A traffic-light picture pasted into ``cell`` and dragged to its middle (Excel anchors a
    picture "move with the cell": a two-cell anchor, editAs="oneCell")."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    assert m
    col, row = column_index_from_string(m.group(1)), int(m.group(2))
    img = Image(io.BytesIO(traffic_light_png(lit)))
    w, h = layout.width_px(col) * EMU_PX, layout.height_emu(row)
    cx, cy = img.width * EMU_PX, img.height * EMU_PX
    x0, y0 = (w - cx) // 2, (h - cy) // 2
    img.anchor = TwoCellAnchor(editAs="oneCell", _from=AnchorMarker(col - 1, x0, row - 1, y0),
                               to=AnchorMarker(col - 1, x0 + cx, row - 1, y0 + cy))
    ws.add_image(img)


AUTO_ALT = "Ein Bild, das Kreis, Screenshot, Grafiken enthält. Automatisch generierte Beschreibung"


def pictures(directory: Path) -> DrawnCase:
    """Traffic-light pictures pasted into Ampel cells: alt text „Ampel grün“ and „Rot“ read as those
    statuses; one with Excel's own generated description („Ein Bild, das Kreis … enthält“) says none and
    is named at its cell; beside the word „Gelb“ a picture „Ampel gelb“ agrees; beside „Grün“ a picture
    without alt text is only named. One measure has a red ellipse over the word „Grün“ (two channels
    disagree); one has nothing but the tip of an arrow from the Bemerkung column reaching into its
    Ampel cell, which is named, since the measure has no status."""
    layout = Layout({"A": 6, "B": 48, "C": 9, "D": 24}, dict.fromkeys(range(5, 14), 30.0))
    wb = new_workbook()
    ws = wb.active
    ws.title = "Arbeit"
    rows = [
        ("UZ1", "Unterziel 1: Anerkennung ausländischer Abschlüsse", None),
        ("1", "Anerkennungsberatung im Landratsamt", None),
        ("2", "Lotsenprojekt Ausbildung", None),
        ("3", "Jobmesse für Geflüchtete", None),
        ("4", "Kooperation mit der Agentur für Arbeit", None),
        ("UZ2", "Unterziel 2: Arbeitgeber gewinnen", None),
        ("5", "Infoabend für Betriebe", None),
        ("6", "Praktikumsbörse", None),
        ("7", "Mentoring in Unternehmen", "siehe Pfeil"),
    ]
    cells = field_sheet(ws, "Handlungsfeld Arbeit", layout, rows)
    ws[cells["4"]] = "Gelb"
    ws[cells["5"]] = "Grün"
    ws[cells["6"]] = "Grün"
    for nr, lit in (("1", "gruen"), ("2", "rot"), ("3", "gelb"), ("4", "gelb"), ("5", "gruen")):
        _picture(ws, cells[nr], layout, lit)
    path = directory / "bilder.xlsx"
    wb.save(path)
    r7 = int(cells["7"][1:])
    add_shapes(path, 1, [
        layout.centred("Ellipse 1", cells["6"], STANDARD_RED),
        # an arrow from the Bemerkung column whose tip reaches into the Ampel cell of measure 7
        Shape("Pfeil: nach links 2", "leftArrow", (2, 50 * EMU_PX, r7 - 1, 10 * EMU_PX),
              (3, 60 * EMU_PX, r7 - 1, 30 * EMU_PX), STANDARD_RED),
    ], alt_texts=["Ampel grün", "Rot", AUTO_ALT, "Ampel gelb", ""])
    return DrawnCase(
        path, {"1": "Grün", "2": "Rot", "3": None, "4": "Gelb", "5": "Grün", "6": "Grün", "7": None},
        [(cells["3"], "drawing-over-cell"), (cells["3"], "status-missing"),
         (cells["5"], "drawing-over-cell-minor"), (cells["6"], "status-conflict"),
         (cells["7"], "drawing-over-cell"), (cells["7"], "status-missing")])
