"""Render one field page of the Ampeldokument of the example master as a PNG for the README.

    python scripts/render_report_image.py [--master workbooks/Beispiel_Ampel-Master.xlsx]
                                          [--page 3] [--dpi 90] [-o docs/img/ampeldokument_seite.png]

Writes the report with its PDF (as ``ampel-xl report --pdf`` does: LibreOffice, tagged PDF, table
of contents with the rendered page numbers) and rasterises one page with ``pdftoppm``
(poppler-utils). Page 3 is the first field's page with its Sachstand, Highlights and the two
charts. Needs LibreOffice and pdftoppm; a developer tool, not part of the package.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ampel_xl  # noqa: E402
from ampel_xl.ampeldokument.document import write_report  # noqa: E402
from ampel_xl.ampeldokument.libreoffice import find_soffice  # noqa: E402


def render_report_page(master: Path, out: Path, *, page: int = 3, dpi: int = 90) -> Path:
    """Write page ``page`` of the Ampeldokument of ``master`` as a PNG to ``out``."""
    soffice = find_soffice()
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit("LibreOffice (soffice) und pdftoppm (poppler-utils) werden gebraucht.")
    konzept = ampel_xl.read(master)
    summary = ampel_xl.summarize(konzept, ampel_xl.validate(konzept))
    with tempfile.TemporaryDirectory(prefix="ampel_xl_img_") as tmp:
        pdf = write_report(summary, Path(tmp) / "Ampeldokument.docx", pdf=True).pdf
        stem = Path(tmp) / "seite"
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(stem)], check=True)
        from PIL import Image

        out.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(stem.with_suffix(".png")) as img:
            img.convert("RGB").save(out, format="PNG", optimize=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--master", type=Path, default=ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx")
    parser.add_argument("--page", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=90)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "img" / "ampeldokument_seite.png")
    args = parser.parse_args()
    out = render_report_page(args.master, args.output, page=args.page, dpi=args.dpi)
    print(f"geschrieben: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
