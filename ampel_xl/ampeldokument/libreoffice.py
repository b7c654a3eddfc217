"""LibreOffice, headless: find it, turn a .docx into a tagged PDF, read the headings' pages back.

The Ampeldokument's table of contents takes its page numbers from LibreOffice's own render of
the document (:func:`heading_pages` reads the PDF's bookmarks) when LibreOffice is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .._io import atomic_path
from ..errors import WriteError

#: Seconds LibreOffice may take for one conversion before we give up.
SOFFICE_TIMEOUT = 300
#: LibreOffice's PDF export (JSON filter options, read by LibreOffice 7.4 and later; tested with
#: 7.4): tagged and PDF/UA (structure tree, language, alternative texts, bookmarks), the document
#: title shown in the window, images kept lossless at full resolution.
_PDF_OPTIONS = {
    "UseTaggedPDF": "true",
    "PDFUACompliance": "true",
    "ExportBookmarks": "true",
    "DisplayPDFDocumentTitle": "true",
    "UseLosslessCompression": "true",
    "ReduceImageResolution": "false",
}
PDF_FILTER = "pdf:writer_pdf_Export:{" + ",".join(
    f'"{key}":{{"type":"boolean","value":"{value}"}}' for key, value in _PDF_OPTIONS.items()) + "}"

def find_soffice() -> str | None:
    """The LibreOffice program (``soffice``), or None when it is not installed.

    Looks at ``AMPEL_XL_SOFFICE`` (a path), then PATH, then the usual install locations on
    Windows, macOS and Linux.
    """
    env = os.environ.get("AMPEL_XL_SOFFICE")
    if env and Path(env).is_file():
        return env
    for name in ("soffice", "libreoffice", "soffice.exe"):
        found = shutil.which(name)
        if found:
            return found
    candidates: list[Path] = []
    if sys.platform.startswith("win"):
        for var in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432", "LOCALAPPDATA"):
            base = os.environ.get(var)
            if base:
                candidates.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
                candidates.append(Path(base) / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    elif sys.platform == "darwin":
        candidates += [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
                       Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice"]
    else:
        candidates += [Path("/usr/lib/libreoffice/program/soffice"), Path("/usr/lib64/libreoffice/program/soffice"),
                       Path("/snap/bin/libreoffice")]
        candidates += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    for c in candidates:
        if c.is_file():
            return str(c)
    return None


def render_pdf(docx_bytes: bytes, *, soffice: str, where: str = "") -> bytes:
    """A .docx (bytes) as a tagged PDF (bytes), rendered by LibreOffice headless (:data:`PDF_FILTER`).

    Runs in a temporary folder with its own LibreOffice profile, so that an open LibreOffice
    window of the user neither blocks nor is disturbed by the conversion. ``where`` is appended to
    the German error message (where the user finds the Word file instead).
    """
    with tempfile.TemporaryDirectory(prefix="ampel_xl_pdf_") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "Ampeldokument.docx"
        src.write_bytes(docx_bytes)
        outdir = tmpdir / "out"
        outdir.mkdir()
        profile = (tmpdir / "profil").resolve().as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", PDF_FILTER,
               "--outdir", str(outdir), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=SOFFICE_TIMEOUT,
                                  check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise WriteError(
                f"LibreOffice hat das PDF nicht innerhalb von {SOFFICE_TIMEOUT} Sekunden erstellt.{where}"
            ) from None
        except OSError as exc:
            raise WriteError(f"LibreOffice konnte nicht gestartet werden ({exc.strerror or exc}).{where}") from None
        produced = outdir / "Ampeldokument.pdf"
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise WriteError(f"LibreOffice konnte das PDF nicht erstellen.{where}")
        return produced.read_bytes()


def convert_to_pdf(docx_bytes: bytes, target: str | os.PathLike[str], *, soffice: str,
                   docx_hint: str | os.PathLike[str] | None = None) -> Path:
    """Convert a .docx (bytes) to a tagged PDF at ``target`` with LibreOffice headless, atomically."""
    target = Path(target)
    where = (f" Die Word-Datei liegt unter {docx_hint}; Sie können sie auch in Word als PDF speichern."
             if docx_hint else "")
    data = render_pdf(docx_bytes, soffice=soffice, where=where)
    with atomic_path(target) as out:
        out.write_bytes(data)
    return target


# --------------------------------------------------------------------------------------------
# page numbers: measured in LibreOffice's PDF, or estimated

_OBJ = re.compile(rb"(?:^|[\r\n])(\d+) 0 obj\s*")
_REF = rb"(\d+) 0 R"


def _pdf_objects(pdf: bytes) -> dict[int, bytes]:
    """The dictionaries of the objects of an uncompressed-xref PDF as LibreOffice writes it
    (object number → text up to ``stream`` or ``endobj``)."""
    objects: dict[int, bytes] = {}
    for m in _OBJ.finditer(pdf):
        start = m.end()
        end = pdf.find(b"endobj", start)
        if end < 0:
            continue
        body = pdf[start:end]
        cut = body.find(b"stream")
        objects[int(m.group(1))] = body[:cut] if cut >= 0 else body
    return objects


def _pdf_string(raw: bytes) -> str:
    """A PDF text string (``<FEFF…>`` hex or ``(…)`` literal) as text."""
    raw = raw.strip()
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
    else:
        body = raw[1:-1]
        data = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
            else {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(m.group(1), m.group(1)),
            body, flags=re.S,
        )
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    return data.decode("latin-1")


def heading_pages(pdf: bytes, headings: list[str]) -> list[int] | None:
    """The page (1-based) of each of ``headings`` in a PDF written by LibreOffice, read from the
    top level of its bookmarks; None when the bookmarks do not name exactly these headings (after the
    document's title heading, the first bookmark when there is one more than ``headings``)."""
    try:
        objects = _pdf_objects(pdf)
        catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body))
        pages: list[int] = []

        def walk(num: int) -> None:
            body = objects[num]
            if re.search(rb"/Type\s*/Pages\b", body):
                kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
                for kid in re.findall(_REF, kids.group(1) if kids else b""):
                    walk(int(kid))
            else:
                pages.append(num)

        pages_ref = re.search(rb"/Pages\s+" + _REF, catalog)
        outlines_ref = re.search(rb"/Outlines\s+" + _REF, catalog)
        if pages_ref is None or outlines_ref is None:
            return None
        walk(int(pages_ref.group(1)))
        outlines = objects[int(outlines_ref.group(1))]
        first = re.search(rb"/First\s+" + _REF, outlines)
        found: list[tuple[str, int]] = []
        num = int(first.group(1)) if first else None
        while num is not None and len(found) <= len(headings) + 1:
            item = objects[num]
            title = re.search(rb"/Title\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))", item, flags=re.S)
            dest = re.search(rb"/Dest\s*\[\s*" + _REF, item)
            if title is None or dest is None:
                return None
            found.append((_pdf_string(title.group(1)), pages.index(int(dest.group(1))) + 1))
            nxt = re.search(rb"/Next\s+" + _REF, item)
            num = int(nxt.group(1)) if nxt else None
    except (StopIteration, AttributeError, KeyError, ValueError):
        return None

    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    if len(found) == len(headings) + 1:
        found = found[1:]  # the cover's title
    if [norm(t) for t, _ in found] != [norm(h) for h in headings]:
        return None
    return [page for _, page in found]
