"""LibreOffice renders of written workbooks, for the tests that look at them as a reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HAVE_POPPLER = bool(shutil.which("pdftotext") and shutil.which("pdfinfo"))

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def _soffice(args: list[str], outdir: Path, src: Path) -> None:
    profile = outdir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", *args,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    _soffice(["--convert-to", "pdf"], outdir, xlsx)
    return outdir / (xlsx.stem + ".pdf")


def displayed_sheets(xlsx: Path, outdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice displays its cells (formatted text), by sheet name."""
    import csv

    outdir.mkdir(parents=True, exist_ok=True)
    # 59 = ";", 34 = '"', 76 = UTF-8; "as shown" on; -1 = one file per sheet
    _soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true,false,false,-1"],
             outdir, xlsx)
    out = {}
    for f in outdir.glob(f"{xlsx.stem}-*.csv"):
        with open(f, encoding="utf-8", newline="") as fh:
            out[f.stem[len(xlsx.stem) + 1:]] = list(csv.reader(fh, delimiter=";"))
    return out


def page_lines(pdf: Path) -> list[list[str]]:
    """The non-blank text lines of each page (``pdftotext -layout``), stripped."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for i in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append([line.strip() for line in text.splitlines() if line.strip()])
    return pages


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for s in wb.find("m:sheets", _NS):
        t = target[s.get(f"{{{_NS['r']}}}id")]
        out[s.get("name")] = "xl/" + t.lstrip("/").removeprefix("xl/")
    return out


def page_breaks_and_charts(xlsx: Path) -> dict[str, tuple[list[int], list[tuple[int, int, str]]]]:
    """Per sheet: the manual row breaks (0-based rows that start a page) and each chart's
    (first row, last row, title) from its drawing anchor."""
    out = {}
    with zipfile.ZipFile(xlsx) as z:
        for name, part in _sheet_parts(z).items():
            root = ET.fromstring(z.read(part))
            breaks = [int(b.get("id")) for b in root.findall("m:rowBreaks/m:brk", _NS)]
            charts = []
            rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rels_name in z.namelist():
                rels = ET.fromstring(z.read(rels_name))
                for r in rels.findall("rel:Relationship", _NS):
                    if not r.get("Type").endswith("/drawing"):
                        continue
                    drawing = "xl/drawings/" + r.get("Target").rsplit("/", 1)[-1]
                    d = ET.fromstring(z.read(drawing))
                    drels = ET.fromstring(z.read(drawing.replace("drawings/", "drawings/_rels/") + ".rels"))
                    dtarget = {x.get("Id"): "xl/charts/" + x.get("Target").rsplit("/", 1)[-1]
                               for x in drels.findall("rel:Relationship", _NS)}
                    for anchor in d.findall("xdr:twoCellAnchor", _NS):
                        first = int(anchor.find("xdr:from/xdr:row", _NS).text)
                        last = int(anchor.find("xdr:to/xdr:row", _NS).text)
                        if int(anchor.find("xdr:to/xdr:rowOff", _NS).text) == 0:
                            last -= 1  # the chart ends at the top of that row
                        chart_ref = anchor.find(".//c:chart", _NS)
                        title = ""
                        if chart_ref is not None:
                            c = ET.fromstring(z.read(dtarget[chart_ref.get(f"{{{_NS['r']}}}id")]))
                            t = c.find("c:chart/c:title", _NS)
                            title = "".join(x.text or "" for x in t.iter(f"{{{_NS['a']}}}t")) if t is not None else ""
                        charts.append((first, last, title))
            out[name] = (breaks, charts)
    return out


def chart_labels(xlsx: Path) -> dict[str, dict[int, str]]:
    """Chart title → the static data-label texts by point (deleted labels left out)."""
    out = {}
    with zipfile.ZipFile(xlsx) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            t = root.find("c:chart/c:title", _NS)
            title = "".join(x.text or "" for x in t.iter(f"{{{_NS['a']}}}t")) if t is not None else ""
            labels = {}
            for lbl in root.iter(f"{{{_NS['c']}}}dLbl"):
                rich = lbl.find("c:tx/c:rich", _NS)
                if lbl.find("c:delete", _NS) is None and rich is not None:
                    labels[int(lbl.find("c:idx", _NS).get("val"))] = "".join(
                        x.text or "" for x in rich.iter(f"{{{_NS['a']}}}t"))
            out[title] = labels
    return out


def word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Every word of a page (1-based) with its box in PDF points: (word, x0, y0, x1, y1), y from the top."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [(html.unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5))) for m in word.finditer(out)]


def page_image(pdf: Path, page: int, outdir: Path, dpi: int = 100):
    """A page (1-based) rendered by poppler as an RGB array (height × width × 3, uint8)."""
    import numpy as np
    from PIL import Image

    outdir.mkdir(parents=True, exist_ok=True)
    stem = outdir / f"seite-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=120)
    with Image.open(f"{stem}.png") as img:
        return np.asarray(img.convert("RGB"))


def chart_series_labels(xlsx: Path, title: str) -> list[dict[int, str]]:
    """The static data-label texts of each series (by point) of the chart whose title starts with ``title``."""
    with zipfile.ZipFile(xlsx) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            t = root.find("c:chart/c:title", _NS)
            if t is None or not "".join(x.text or "" for x in t.iter(f"{{{_NS['a']}}}t")).startswith(title):
                continue
            out = []
            for ser in root.iter(f"{{{_NS['c']}}}ser"):
                labels = {}
                for lbl in ser.iter(f"{{{_NS['c']}}}dLbl"):
                    rich = lbl.find("c:tx/c:rich", _NS)
                    if lbl.find("c:delete", _NS) is None and rich is not None:
                        labels[int(lbl.find("c:idx", _NS).get("val"))] = "".join(
                            x.text or "" for x in rich.iter(f"{{{_NS['a']}}}t"))
                out.append(labels)
            return out
    raise AssertionError(f"kein Diagramm mit dem Titel {title!r}")


def chart_fills(xlsx: Path) -> dict[str, list[tuple[str, str | None]]]:
    """Chart title → the fill of every series and point: (colour, pattern preset or None for a solid fill);
    for a pattern the colour is its background."""
    out = {}
    with zipfile.ZipFile(xlsx) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            t = root.find("c:chart/c:title", _NS)
            title = "".join(x.text or "" for x in t.iter(f"{{{_NS['a']}}}t")) if t is not None else ""
            fills = []
            for ser in root.iter(f"{{{_NS['c']}}}ser"):
                for sp in [ser.find("c:spPr", _NS), *(d.find("c:spPr", _NS) for d in ser.findall("c:dPt", _NS))]:
                    if sp is None:
                        continue
                    solid = sp.find("a:solidFill/a:srgbClr", _NS)
                    patt = sp.find("a:pattFill", _NS)
                    if patt is not None:
                        fills.append((patt.find("a:bgClr/a:srgbClr", _NS).get("val").upper(), patt.get("prst")))
                    elif solid is not None:
                        fills.append((solid.get("val").upper(), None))
            out[title] = fills
    return out
