"""Recognise what a file is before any parser sees it, and refuse what is no master.

Every refusal is a :class:`~ampel_xl.errors.ReadError` with one German sentence that says what
the file is and what to do. The checks look only at the first bytes and the zip directory, so
they are fast and need no memory, even for hostile files.

Limits (also in the README):

* at most ``MAX_TOTAL_INFLATED`` bytes (512 MiB) for all parts of the workbook together, and
  ``MAX_PART_INFLATED`` (256 MiB) for one part, as declared in the zip directory; Python's zip
  reader never inflates a part beyond its declared size, so the declared sizes bound the work;
* a compression ratio above ``MAX_RATIO`` (200:1) for a part larger than 10 MiB is a zip bomb;
* at most ``MAX_PARTS`` (10,000) parts.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .errors import ReadError

MAX_TOTAL_INFLATED = 512 * 1024 * 1024
MAX_PART_INFLATED = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
_RATIO_MIN_SIZE = 10 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"


def check_master_file(path: str | os.PathLike[str]) -> None:
    """Raise ReadError unless ``path`` looks like a readable .xlsx/.xlsm workbook."""
    path = Path(path)
    name = path.name or str(path)
    if not path.exists():
        raise ReadError(f"Die Datei „{path}“ wurde nicht gefunden. Bitte prüfen Sie Pfad und Dateinamen.")
    if path.is_dir():
        raise ReadError(f"„{path}“ ist ein Ordner, keine Datei. Bitte geben Sie die Master-Arbeitsmappe (.xlsx) an.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            size = os.fstat(fh.fileno()).st_size
    except PermissionError as exc:
        raise ReadError(
            f"Keine Leseberechtigung für „{name}“. Bitte lassen Sie sich Leserechte geben oder kopieren Sie die Datei an einen anderen Ort."
        ) from exc
    except OSError as exc:
        raise ReadError(f"„{name}“ kann nicht gelesen werden ({exc.strerror or exc}). Bitte prüfen Sie die Datei.") from exc

    if size == 0:
        raise ReadError(f"„{name}“ ist leer (0 Byte). Bitte wählen Sie die richtige Datei oder speichern Sie den Master in Excel erneut.")
    if head.startswith(OLE2_MAGIC):
        _refuse_ole2(path, name)
    if not head.startswith(ZIP_MAGIC) and not head.startswith(ZIP_EMPTY):
        _refuse_non_zip(name, head)
    _check_zip(path, name)


def _refuse_ole2(path: Path, name: str) -> None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(8 * 1024 * 1024)
    except OSError:
        data = b""
    utf16 = lambda s: s.encode("utf-16-le")  # noqa: E731 - directory names in OLE2 are UTF-16
    if utf16("EncryptionInfo") in data or utf16("EncryptedPackage") in data:
        raise ReadError(
            f"„{name}“ ist mit einem Kennwort geschützt. Bitte öffnen Sie die Datei in Excel und speichern Sie sie "
            f"ohne Kennwort (Datei › Informationen › Arbeitsmappe schützen › Mit Kennwort verschlüsseln: Kennwort leeren)."
        )
    raise ReadError(
        f"„{name}“ ist eine alte Excel-Datei (.xls, Excel 97–2003). Bitte öffnen Sie sie in Excel und speichern Sie sie "
        f"als „Excel-Arbeitsmappe (*.xlsx)“."
    )


def _refuse_non_zip(name: str, head: bytes) -> None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in text[:512]:
        raise ReadError(
            f"„{name}“ ist keine Excel-Arbeitsmappe, sondern eine HTML-/XML-Datei mit Excel-Endung. Bitte öffnen Sie sie "
            f"in Excel und speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample = head.decode("cp1252")
        except UnicodeDecodeError:
            sample = ""
    if sample and sum(ch.isprintable() or ch in "\r\n\t" for ch in sample) > 0.95 * len(sample):
        raise ReadError(
            f"„{name}“ ist keine Excel-Arbeitsmappe, sondern eine Textdatei (z. B. CSV) mit Excel-Endung. Bitte öffnen Sie "
            f"sie in Excel und speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    raise ReadError(
        f"„{name}“ ist keine Excel-Arbeitsmappe (unbekanntes Dateiformat). Bitte wählen Sie die Master-Datei (.xlsx oder .xlsm)."
    )


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ReadError(
            f"„{name}“ ist beschädigt oder unvollständig (die Datei wurde wohl nicht fertig gespeichert oder kopiert). "
            f"Bitte öffnen Sie sie in Excel und speichern Sie sie erneut, oder nehmen Sie eine Sicherungskopie."
        ) from exc
    if b"opendocument.spreadsheet" in mimetype:
        raise ReadError(
            f"„{name}“ ist eine OpenDocument-Tabelle (.ods). Bitte speichern Sie sie in LibreOffice oder Excel als "
            f"„Excel 2007–365 (.xlsx)“."
        )
    if b"opendocument" in mimetype:
        raise ReadError(f"„{name}“ ist ein OpenDocument-Dokument, keine Tabelle. Bitte wählen Sie die Master-Arbeitsmappe (.xlsx).")
    if "xl/workbook.xml" not in names and not any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
        if "word/document.xml" in names:
            what = "ein Word-Dokument"
        elif "ppt/presentation.xml" in names:
            what = "eine PowerPoint-Präsentation"
        else:
            what = "ein ZIP-Archiv"
        raise ReadError(f"„{name}“ ist {what}, keine Excel-Arbeitsmappe. Bitte wählen Sie die Master-Arbeitsmappe (.xlsx oder .xlsm).")
    if "xl/xlsb" in " ".join(names) or any(n.endswith(".bin") and n.startswith("xl/worksheets/") for n in names):
        raise ReadError(
            f"„{name}“ ist eine binäre Excel-Arbeitsmappe (.xlsb). Bitte speichern Sie sie in Excel als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    if len(infos) > MAX_PARTS:
        raise ReadError(_bomb(name))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_INFLATED or total > MAX_TOTAL_INFLATED:
            raise ReadError(_bomb(name))
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(_bomb(name))


def _bomb(name: str) -> str:
    return (
        f"„{name}“ ist ungewöhnlich groß, wenn man sie entpackt (mehr als {MAX_TOTAL_INFLATED // (1024 * 1024)} MB "
        f"oder extrem stark komprimiert) und wird aus Sicherheitsgründen nicht gelesen. Bitte prüfen Sie die Herkunft der Datei."
    )
