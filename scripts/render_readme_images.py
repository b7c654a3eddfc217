"""Render the README's pictures of the summary workbook from the example master.

    python scripts/render_readme_images.py [--master workbooks/Beispiel_Ampel-Master.xlsx] [--dpi 100]

Writes ``docs/img/zusammenfassung_uebersicht.png`` (the sheet "Übersicht") and
``docs/img/zusammenfassung_feld.png`` (the first page of the first field's sheet). Each document
is converted to PDF once with LibreOffice (``soffice --headless --convert-to pdf``); a page is
found by a text on it (``pdftotext``) and rasterised with ``pdftoppm`` (poppler-utils).

To add a picture, add one call in :func:`main`, e.g.::

    render_page(report_docx, "Handlungsfeld Sprache", "ampeldokument_seite.png", dpi=dpi)

Needs LibreOffice and poppler-utils; a developer tool, not part of the package. The pictures
are committed; keep them at about 100 dpi so the repository stays small.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
IMG_DIR = ROOT / "docs" / "img"
TIMEOUT = 180

_pdf_cache: dict[Path, Path] = {}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"„{name}“ wurde nicht gefunden; bitte LibreOffice und poppler-utils installieren.")
    return path


def to_pdf(document: Path, outdir: Path) -> Path:
    """Convert ``document`` (xlsx, docx, …) to PDF with LibreOffice; cached per document."""
    if document in _pdf_cache:
        return _pdf_cache[document]
    soffice = shutil.which("soffice") or _tool("libreoffice")
    # an own profile: no clash with a running LibreOffice
    profile = Path(tempfile.gettempdir()) / f"ampel_lo_{uuid.uuid4().hex}"
    try:
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), str(document)], check=True, capture_output=True, timeout=TIMEOUT)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / f"{document.stem}.pdf"
    if not pdf.exists():
        raise SystemExit(f"LibreOffice hat aus {document.name} kein PDF erzeugt.")
    _pdf_cache[document] = pdf
    return pdf


def page_count(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def find_page(pdf: Path, text: str) -> int:
    """The first page (1-based) whose text contains ``text`` (whitespace-insensitive)."""
    want = re.sub(r"\s+", " ", text).strip()
    for page in range(1, page_count(pdf) + 1):
        out = subprocess.run([_tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        if want in re.sub(r"\s+", " ", out):
            return page
    raise SystemExit(f"Keine Seite in {pdf.name} enthält „{text}“.")


def render_page(document: Path, marker: str, out_name: str, *, dpi: int = 100, workdir: Path) -> Path:
    """Rasterise the first page of ``document`` that shows ``marker`` to ``docs/img/<out_name>``."""
    pdf = to_pdf(document, workdir)
    page = find_page(pdf, marker)
    stem = workdir / f"page_{uuid.uuid4().hex}"
    subprocess.run([_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, timeout=TIMEOUT)
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    out = IMG_DIR / out_name
    png = stem.with_suffix(".png")
    try:  # smaller files with Pillow (a dependency of the package); plain copy otherwise
        from PIL import Image

        with Image.open(png) as img:
            img.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(out, format="PNG", optimize=True)
    except ImportError:  # pragma: no cover
        shutil.copyfile(png, out)
    print(f"geschrieben: {out.relative_to(ROOT)} (Seite {page} von {pdf.name})")
    return out


def summary_workbook(master: Path, workdir: Path) -> tuple[Path, object]:
    """Write the summary of ``master`` into ``workdir``; returns (path, Konzept)."""
    import ampel_xl

    konzept = ampel_xl.read(master)
    summary = ampel_xl.summarize(konzept, ampel_xl.validate(konzept))
    return ampel_xl.write_summary(summary, workdir / "Zusammenfassung.xlsx"), konzept


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--master", type=Path, default=EXAMPLE)
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    dpi = args.dpi
    with tempfile.TemporaryDirectory(prefix="ampel_xl_img_") as tmp:
        workdir = Path(tmp)
        summary, konzept = summary_workbook(args.master, workdir)
        first = konzept.felder[0]
        render_page(summary, "Zusammenfassung der Ampelauswertung", "zusammenfassung_uebersicht.png",
                    dpi=dpi, workdir=workdir)
        render_page(summary, f"{first.art.value} {first.name}", "zusammenfassung_feld.png", dpi=dpi, workdir=workdir)


if __name__ == "__main__":
    main()
