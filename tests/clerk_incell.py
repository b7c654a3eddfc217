"""Masters whose Ampel is a picture placed IN the cell, the way Excel 365 stores it.

In Excel 365 the clerk selects the Ampel cell, Einfügen › Bilder › „Bild in Zelle platzieren“ (or,
on a picture already on the sheet, „Bild in Zelle platzieren“ from its context menu), picks a small
traffic-light picture, and may give it alt text (Rechtsklick › Bild in Zelle › Alternativtext). The
picture is then the cell's value: it fills the cell, moves and sorts with it, and there is no
drawing over the sheet. Now and then a picture lands in another column: a photo in the Bemerkung
column, a flyer pasted into the text cell instead of the measure's name.

Excel stores such a cell as the error ``#VALUE!`` with value metadata, ``<c r="C6" t="e"
vm="1"><v>#VALUE!</v></c>`` (what older programs show), and the picture in workbook parts:
``xl/metadata.xml`` (``valueMetadata`` → ``futureMetadata name="XLRICHVALUE"`` → ``xlrd:rvb i``),
``xl/richData/rdrichvalue.xml`` (``<rv s="0"><v>rel</v><v>5</v><v>alt text</v></rv>``: the
``_rvRel:LocalImageIdentifier``, ``CalcOrigin`` 5 for a placed picture, and ``Text`` where the
picture has alt text, keys declared in ``rdrichvaluestructure.xml``), ``rdRichValueTypes.xml``,
``xl/richData/richValueRel.xml`` with its relationships to ``xl/media/imageN.png``, their content
types and the workbook's relationships to them. openpyxl writes none of it: the workbook is
built with openpyxl (the placed cells hold ``#VALUE!``, which openpyxl writes as ``t="e"``) and the
parts are written into the saved zip afterwards, byte for byte as Excel 365 writes them (the
same parts XlsxWriter's ``embed_image`` reproduces).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.styles import Font

from builders import BLUE, solid
from clerk_drawings import Layout, field_sheet, new_workbook, traffic_light_png

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RICHDATA = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
RICHDATA2 = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata2"
RVREL = "http://schemas.microsoft.com/office/spreadsheetml/2022/richvaluerel"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: The workbook's relationships to the parts of the rich values, as Excel 365 writes them.
WORKBOOK_RELS = (
    ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata", "metadata.xml"),
    ("http://schemas.microsoft.com/office/2022/10/relationships/richValueRel", "richData/richValueRel.xml"),
    ("http://schemas.microsoft.com/office/2017/06/relationships/rdRichValue", "richData/rdrichvalue.xml"),
    ("http://schemas.microsoft.com/office/2017/06/relationships/rdRichValueStructure",
     "richData/rdrichvaluestructure.xml"),
    ("http://schemas.microsoft.com/office/2017/06/relationships/rdRichValueTypes", "richData/rdRichValueTypes.xml"),
)
CONTENT_TYPES = (
    ("/xl/metadata.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"),
    ("/xl/richData/rdRichValueTypes.xml", "application/vnd.ms-excel.rdrichvaluetypes+xml"),
    ("/xl/richData/rdrichvalue.xml", "application/vnd.ms-excel.rdrichvalue+xml"),
    ("/xl/richData/rdrichvaluestructure.xml", "application/vnd.ms-excel.rdrichvaluestructure+xml"),
    ("/xl/richData/richValueRel.xml", "application/vnd.ms-excel.richvaluerel+xml"),
)
_KEY_FLAGS = "".join(
    f'<key name="{k}">' + ('<flag name="ExcludeFromFile" value="1"/>' if k == "_Self" else "")
    + '<flag name="ExcludeFromCalcComparison" value="1"/></key>'
    for k in ("_Self", "_DisplayString", "_Flags", "_Format", "_SubLabel", "_Attribution", "_Icon", "_Display",
              "_CanonicalPropertyNames", "_ClassificationId"))


@dataclass(frozen=True)
class Placed:
    """A picture placed in ``cell`` of the sheet: its PNG and its alt text ("" for none)."""

    cell: str
    png: bytes
    alt: str = ""


def place_in_cells(path: Path, sheet_no: int, placed: list[Placed], split: bool = False) -> None:
    """Write ``placed`` into the saved workbook as Excel 365 does: each cell (already ``t="e"``
    ``#VALUE!``) gets ``vm``, and the metadata, rich-value, relationship and media parts are added.
    Identical pictures share one image part, as in Excel. ``split``: one structure for the pictures
    without alt text and one (with the key ``Text``) for those with, each rich value naming its own
    (``rv s=``), instead of one structure with ``Text`` whose values may stop short of it."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = f"xl/worksheets/sheet{sheet_no}.xml"
    xml = parts[sheet].decode()
    images: dict[bytes, int] = {}
    first_media = 1 + sum(1 for n in parts if n.startswith("xl/media/"))
    rvs = []
    for vm, p in enumerate(placed, start=1):
        pattern = re.compile(rf'<c r="{p.cell}"([^>]*?)(/?)>')
        m = pattern.search(xml)
        assert m and 't="e"' in m.group(1), f"{p.cell} must hold #VALUE! (t=\"e\") before a picture is placed"
        xml = xml[:m.start()] + f'<c r="{p.cell}"{m.group(1)} vm="{vm}"{m.group(2)}>' + xml[m.end():]
        rel = images.setdefault(p.png, len(images))
        s = 1 if split and p.alt else 0
        rvs.append(f'<rv s="{s}"><v>{rel}</v><v>5</v>' + (f"<v>{escape(p.alt)}</v>" if p.alt else "") + "</rv>")
    parts[sheet] = xml.encode()
    for png, i in images.items():
        parts[f"xl/media/image{first_media + i}.png"] = png
    n = len(placed)
    with_text = any(p.alt for p in placed)
    parts["xl/metadata.xml"] = (
        f'{HEAD}<metadata xmlns="{MAIN}" xmlns:xlrd="{RICHDATA}"><metadataTypes count="1">'
        '<metadataType name="XLRICHVALUE" minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" '
        'merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" coerce="1"/>'
        f'</metadataTypes><futureMetadata name="XLRICHVALUE" count="{n}">'
        + "".join(f'<bk><extLst><ext uri="{{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}}"><xlrd:rvb i="{i}"/></ext>'
                  "</extLst></bk>" for i in range(n))
        + f'</futureMetadata><valueMetadata count="{n}">'
        + "".join(f'<bk><rc t="1" v="{i}"/></bk>' for i in range(n))
        + "</valueMetadata></metadata>").encode()
    parts["xl/richData/rdrichvalue.xml"] = (
        f'{HEAD}<rvData xmlns="{RICHDATA}" count="{n}">{"".join(rvs)}</rvData>').encode()
    keys = '<k n="_rvRel:LocalImageIdentifier" t="i"/><k n="CalcOrigin" t="i"/>'
    structures = ([keys, keys + '<k n="Text" t="s"/>'] if split
                  else [keys + ('<k n="Text" t="s"/>' if with_text else "")])
    parts["xl/richData/rdrichvaluestructure.xml"] = (
        f'{HEAD}<rvStructures xmlns="{RICHDATA}" count="{len(structures)}">'
        + "".join(f'<s t="_localImage">{k}</s>' for k in structures) + "</rvStructures>").encode()
    parts["xl/richData/rdRichValueTypes.xml"] = (
        f'{HEAD}<rvTypesInfo xmlns="{RICHDATA2}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x" '
        f'xmlns:x="{MAIN}"><global><keyFlags>{_KEY_FLAGS}</keyFlags></global></rvTypesInfo>').encode()
    parts["xl/richData/richValueRel.xml"] = (
        f'{HEAD}<richValueRels xmlns="{RVREL}" xmlns:r="{R}">'
        + "".join(f'<rel r:id="rId{i + 1}"/>' for i in range(len(images))) + "</richValueRels>").encode()
    parts["xl/richData/_rels/richValueRel.xml.rels"] = (
        f'{HEAD}<Relationships xmlns="{PKG}">'
        + "".join(f'<Relationship Id="rId{i + 1}" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
                  f'Target="../media/image{first_media + i}.png"/>' for i in range(len(images)))
        + "</Relationships>").encode()
    ct = parts["[Content_Types].xml"].decode()
    if 'Extension="png"' not in ct:
        ct = ct.replace("<Override", '<Default Extension="png" ContentType="image/png"/><Override', 1)
    ct = ct.replace("</Types>", "".join(f'<Override PartName="{name}" ContentType="{kind}"/>'
                                        for name, kind in CONTENT_TYPES) + "</Types>")
    parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>", "".join(
        f'<Relationship Id="rIdRich{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(WORKBOOK_RELS, start=1)) + "</Relationships>")
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


# ---------------------------------------------------------------------------------------------
# The master


@dataclass
class InCellCase:
    path: Path
    statuses: dict[str, str | None]
    """Measure number → status label a careful colleague reads (None: none)."""
    findings: list[tuple[str, str]] = field(default_factory=list)
    """(cell, code) of the findings about the pictures and the cells they are in."""
    texts: dict[str, str] = field(default_factory=dict)
    """Measure number → its text as read."""
    notes: dict[str, str] = field(default_factory=dict)
    """Measure number → its Bemerkung as read."""


PHOTO_ALT = "Foto vom Infostand"
FLYER_ALT = "Flyer Gesundheitstag"
LOGO_ALT = "Wappen des Landkreises"


def _photo_png(sky: str = "#87CEEB") -> bytes:
    """A small photo-like picture (no traffic light) for the Bemerkung column, or a coat of arms."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (40, 30), sky)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 20, 40, 30), fill="#7F7F7F")
    draw.rectangle((8, 8, 30, 22), fill="#FFFFFF", outline="#333333")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def incell_master(directory: Path, split: bool = False) -> InCellCase:
    """A field sheet whose Ampel cells hold traffic-light pictures placed in the cell: alt text
    „Grün“ and „Ampel rot“ read as those statuses, one picture without alt text is named at its cell
    (the measure has no status), one „Ampel rot“ sits in a cell the clerk also filled green (two
    channels disagree). Measure 5 has the word „Gelb“ and a photo placed in its Bemerkung cell;
    measure 6 has a flyer placed in its text cell instead of a name. Measures 1–6 are marked blue for
    the evaluation; measure 7, not marked, has a picture without alt text too. The county's coat of
    arms is placed in a cell beside the title, above the table: no business of the table."""
    layout = Layout({"A": 6, "B": 48, "C": 9, "D": 24}, dict.fromkeys(range(5, 14), 30.0))
    wb = new_workbook()
    ws = wb.active
    ws.title = "Gesundheit"
    rows = [
        ("UZ1", "Unterziel 1: Gesundheitsversorgung ist für alle zugänglich", None),
        ("1", "Gesundheitslotsinnen und -lotsen ausbilden", None),
        ("2", "Mehrsprachige Infoblätter in Arztpraxen", None),
        ("3", "Dolmetscherpool für Arztpraxen", "Finanzierung offen"),
        ("UZ2", "Unterziel 2: Prävention erreicht alle", None),
        ("4", "Psychosoziale Beratung für Geflüchtete", None),
        ("5", "Impfaktion in Gemeinschaftsunterkünften", "Foto"),
        ("6", "Gesundheitstag", None),
        ("7", "Hebammensprechstunde mit Sprachmittlung", None),
    ]
    cells = field_sheet(ws, "Handlungsfeld Gesundheit", layout, rows)
    green, red, yellow = traffic_light_png("gruen"), traffic_light_png("rot"), traffic_light_png("gelb")
    photo = _photo_png()
    r5, r6 = int(cells["5"][1:]), int(cells["6"][1:])
    placed = [
        Placed(cells["1"], green, "Grün"),
        Placed(cells["2"], red, "Ampel rot"),
        Placed(cells["3"], yellow),  # no alt text: a person sees a traffic light, the file says nothing
        Placed(cells["4"], red, "Ampel rot"),
        Placed(f"D{r5}", photo, PHOTO_ALT),
        Placed(f"B{r6}", photo, FLYER_ALT),
        Placed(cells["6"], green, "Ampel grün"),
        Placed(cells["7"], green),
        Placed("D1", _photo_png("#FFD700"), LOGO_ALT),  # the county's coat of arms beside the title
    ]
    for p in placed:
        ws[p.cell] = "#VALUE!"  # openpyxl writes the error as Excel does (t="e"); the picture follows
    ws[cells["4"]].fill = solid("00B050")  # the clerk also painted the cell green
    ws[cells["5"]] = "Gelb"
    for nr in ("1", "2", "3", "4", "5", "6"):
        ws[f"A{cells[nr][1:]}"].fill = solid(BLUE)  # marked for the evaluation
    ws["A4"].font = Font(bold=True)
    path = directory / ("bild_in_zelle_zwei_strukturen.xlsx" if split else "bild_in_zelle.xlsx")
    wb.save(path)
    place_in_cells(path, 1, placed, split)
    return InCellCase(
        path,
        {"1": "Grün", "2": "Rot", "3": None, "4": "Rot", "5": "Gelb", "6": "Grün", "7": None},
        [(cells["3"], "drawing-over-cell"), (cells["3"], "status-missing"), (cells["4"], "status-conflict"),
         (f"D{r5}", "picture-in-cell"), (f"B{r6}", "picture-in-cell"), (f"B{r6}", "measure-without-text"),
         (cells["7"], "drawing-over-cell-minor"), (cells["7"], "status-missing-unmarked")],
        texts={"5": "Impfaktion in Gemeinschaftsunterkünften", "6": ""},
        notes={"3": "Finanzierung offen", "5": ""},
    )


#: Ways the parts of the pictures placed in cells come damaged (a copy lost a part, a tool cut one
#: short, a hand edit broke an index): the part named in the finding, and the change.
DAMAGES: dict[str, tuple[str, str]] = {
    "teil-fehlt": ("xl/richData/richValueRel.xml", "fehlt"),
    "abgeschnitten": ("xl/richData/rdrichvalue.xml", "ist beschädigt"),
    "index-falsch": ("xl/richData/rdrichvalue.xml", "ist beschädigt"),
}


def damaged(case: InCellCase, directory: Path, how: str) -> Path:
    """A copy of the master whose rich-value parts are damaged in the way ``how`` (a key of
    :data:`DAMAGES`, or ``"dtd"``: a document type declaration in ``xl/metadata.xml``)."""
    with zipfile.ZipFile(case.path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    if how == "teil-fehlt":
        del parts["xl/richData/richValueRel.xml"]
    elif how == "abgeschnitten":
        data = parts["xl/richData/rdrichvalue.xml"]
        parts["xl/richData/rdrichvalue.xml"] = data[:len(data) // 2]
    elif how == "index-falsch":
        parts["xl/metadata.xml"] = parts["xl/metadata.xml"].replace(b'<xlrd:rvb i="2"/>', b'<xlrd:rvb i="99"/>')
    elif how == "dtd":  # refused before anything is read, as every part with a DTD
        xml = parts["xl/metadata.xml"]
        head, body = xml.split(b"\n", 1)
        parts["xl/metadata.xml"] = head + b'\n<!DOCTYPE metadata [<!ENTITY a "aaaaaaaaaa">]>' + body
    else:
        raise ValueError(how)
    out = directory / f"bild_in_zelle_{how}.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out
