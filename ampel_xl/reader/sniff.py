"""Recognise what a file is before any parser sees it, and refuse what is no master.

Every refusal is a :class:`~ampel_xl.errors.ReadError` (exit code 2) with a German message that
says what the file is and what to do. The checks look at the file's first bytes and the zip
directory, and then read each part once in 1 MiB chunks without keeping it, so they are fast
and need little memory, even for hostile files. The limits are documented for staff and admins
in ``docs/limits.md``.

What is refused, in this order:

* a missing file, a folder, something that is no regular file, a file without read permission;
* an empty file (0 bytes);
* an OLE2 compound file: a password-protected workbook (it has an ``EncryptionInfo`` stream),
  an old ``.xls``, an old Word document, or any other old Office file;
* anything that is no zip: HTML/XML, text (CSV), PDF, unknown formats;
* a damaged or truncated zip, encrypted zip entries, compression methods Excel never uses;
* a zip bomb, judged from the sizes declared in the zip directory *before anything is
  inflated*: more than ``MAX_PARTS`` parts, one part above ``MAX_PART_INFLATED``, all parts
  together above ``MAX_TOTAL_INFLATED``, or a part above 10 MiB compressed more than
  ``MAX_RATIO``:1. Python's zip reader never inflates a part beyond its declared size (a part
  that holds more is cut off there and fails its CRC check, or, with a CRC forged for the
  shorter content, is broken XML, which the reader reports as damage), so the declared sizes
  bound the work;
* an OpenDocument file (``.ods``), a Word/PowerPoint file, a binary workbook (``.xlsb``), or
  any other zip without a workbook part;
* an XML part with a document type declaration (``<!DOCTYPE``/``<!ENTITY``): Excel never
  writes one, and it is the vehicle of entity expansion ("billion laughs") and external entity
  (XXE) attacks. openpyxl's streaming parser uses defusedxml, but its whole-part parser does
  not when lxml is installed; this check protects every path the same way. An XML prolog
  longer than ``MAX_PROLOG`` bytes is refused as well, so the check itself stays bounded;
* a part whose actual inflated size or CRC differs from its declaration (every part is read
  once to its end, in chunks, before parsing), and more than ``MAX_XML_TAGS`` XML tags.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from ..errors import ReadError

MiB = 1024 * 1024

MAX_TOTAL_INFLATED = 256 * MiB
"""All parts of a workbook together, inflated (as declared in the zip directory)."""
MAX_PART_INFLATED = 64 * MiB
"""One part, inflated. A real master's worksheet has about 100 KB. openpyxl loads shared strings
and styles whole, and parses a whole worksheet once more when it lacks a ``<dimension>``."""
MAX_RATIO = 200
"""Highest compression ratio accepted for a part larger than ``_RATIO_MIN_SIZE``."""
_RATIO_MIN_SIZE = 10 * MiB
MAX_PARTS = 10_000
"""Most parts (files) in the zip."""
MAX_PROLOG = 64 * 1024
"""Longest XML prolog (declaration, comments) before the root element of a part."""
MAX_XML_TAGS = 5_000_000
"""Most XML tags (counted as ``<``) in all parts together. The sample master has about 8,000;
a measure costs about 18, so 200,000 measures (the reader's cap, twice the largest master of
the benchmark) need about 3.6 million. openpyxl keeps shared strings and every element of one
``<row>`` in memory, so this and ``MAX_ROW_TAGS`` bound memory for files full of tiny elements."""
MAX_ROW_TAGS = 100_000
"""Most XML tags in one ``<row>`` of a worksheet (and in what follows the last row). Excel has
16,384 columns, a few tags each; the sheet parser holds one whole row in memory at a time."""
MAX_OLE2_SCAN = MAX_TOTAL_INFLATED
"""How much of an old Office (OLE2) file is searched for its stream names."""

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"

# compression methods Python reads: stored, deflated, bzip2, lzma (Excel writes the first two)
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError)


def check_master_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`ReadError` unless ``path`` looks like a readable .xlsx/.xlsm workbook.

    Reads the first bytes and the zip directory, refuses bombs from the declared sizes, then
    reads each part once in chunks (never more than its declared size, never keeping it).
    """
    path = Path(path)
    name = path.name or str(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise ReadError(f"Die Datei „{path}“ wurde nicht gefunden. Bitte prüfen Sie Pfad und Dateinamen.") from exc
    except PermissionError as exc:
        raise ReadError(
            f"Auf „{path}“ gibt es keine Zugriffsberechtigung (der Ordner ist gesperrt). Bitte lassen Sie sich "
            f"Leserechte geben oder kopieren Sie die Datei an einen anderen Ort."
        ) from exc
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise ReadError(
                f"Der Pfad zu „{name}“ ist zu lang. Bitte kopieren Sie die Datei in einen Ordner mit kürzerem Pfad."
            ) from exc
        raise ReadError(
            f"„{name}“ kann nicht gelesen werden ({exc.strerror or exc}). Bitte prüfen Sie Pfad und Datei."
        ) from exc
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(f"„{path}“ ist ein Ordner, keine Datei. Bitte geben Sie die Master-Arbeitsmappe (.xlsx) an.")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(f"„{name}“ ist keine gewöhnliche Datei. Bitte geben Sie die Master-Arbeitsmappe (.xlsx) an.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            size = os.fstat(fh.fileno()).st_size
    except PermissionError as exc:
        raise ReadError(
            f"Keine Leseberechtigung für „{name}“. Bitte lassen Sie sich Leserechte geben oder kopieren Sie die Datei "
            f"an einen anderen Ort."
        ) from exc
    except OSError as exc:
        raise ReadError(
            f"„{name}“ kann nicht gelesen werden ({exc.strerror or exc}). Bitte prüfen Sie die Datei."
        ) from exc

    if size == 0 or not head:
        raise ReadError(
            f"„{name}“ ist leer (0 Byte). Bitte wählen Sie die richtige Datei oder speichern Sie den Master "
            f"in Excel erneut."
        )
    _refuse_lock_file(name, head)
    if head.startswith(OLE2_MAGIC):
        _refuse_ole2(path, name)
    if not head.startswith(ZIP_MAGIC) and not head.startswith(ZIP_EMPTY):
        _refuse_non_zip(name, head)
    _check_zip(path, name)


def _refuse_lock_file(name: str, head: bytes) -> None:
    """Excel's lock file ``~$Master.xlsx`` (LibreOffice's ``.~lock.Master.xlsx#``) is no master:
    say so, and name the master beside it."""
    if head.startswith(ZIP_MAGIC):
        return
    if name.startswith("~$"):
        program, master = "Excel", name[2:]
    elif name.startswith(".~lock.") and name.endswith("#"):
        program, master = "LibreOffice", name[len(".~lock."):-1]
    else:
        return
    raise ReadError(
        f"„{name}“ ist die Sperrdatei, die {program} neben einem geöffneten Master anlegt, nicht der Master "
        f"selbst; bitte geben Sie den Master an (z. B. „{master}“)."
    )


# --------------------------------------------------------------------------------------------
# Old Office files (OLE2 / Compound File Binary)

_OLE2_STREAMS = {
    "EncryptionInfo": "kennwort",
    "EncryptedPackage": "kennwort",
    "Workbook": "xls",
    "Book": "xls",
    "WordDocument": "doc",
    "PowerPoint Document": "ppt",
}


def ole2_stream_names(path: str | os.PathLike[str]) -> set[str]:
    """Names of the well-known streams in an OLE2 file (see ``_OLE2_STREAMS``).

    A compound file's directory consists of 128-byte entries inside sectors whose size is a
    multiple of 512 and which start after a 512- or 4096-byte header, so every entry sits at a
    file offset divisible by 128: the name (UTF-16LE, NUL-terminated) at offset 0, its length in
    bytes at offset 64 and the entry type at 66. Searching the file for such aligned entries
    needs no FAT walk and cannot be led astray by a broken sector chain.
    """
    patterns = {n: n.encode("utf-16-le") + b"\x00\x00" for n in _OLE2_STREAMS}
    found: set[str] = set()
    with open(path, "rb") as fh:
        read = 0
        while read < MAX_OLE2_SCAN:
            chunk = fh.read(MiB)  # 1 MiB is a multiple of 128: entries never straddle chunks
            if not chunk:
                break
            read += len(chunk)
            for stream, pattern in patterns.items():
                if stream in found:
                    continue
                start = 0
                while (j := chunk.find(pattern, start)) >= 0:
                    if (j % 128 == 0 and j + 128 <= len(chunk)
                            and int.from_bytes(chunk[j + 64:j + 66], "little") == len(pattern)
                            and chunk[j + 66] in (1, 2)):
                        found.add(stream)
                        break
                    start = j + 1
            if "EncryptionInfo" in found or "EncryptedPackage" in found:
                break
    return found


def _refuse_ole2(path: Path, name: str) -> None:
    try:
        kinds = {_OLE2_STREAMS[s] for s in ole2_stream_names(path)}
    except OSError:
        kinds = set()
    if "kennwort" in kinds:
        raise ReadError(
            f"„{name}“ ist mit einem Kennwort geschützt. Bitte öffnen Sie die Datei in Excel und speichern Sie sie "
            f"ohne Kennwort (Datei › Informationen › Arbeitsmappe schützen › Mit Kennwort verschlüsseln: "
            f"Kennwort leeren)."
        )
    if "xls" in kinds:
        raise ReadError(
            f"„{name}“ ist eine alte Excel-Datei (.xls, Excel 97–2003). Bitte öffnen Sie sie in Excel und "
            f"speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    if "doc" in kinds:
        raise ReadError(
            f"„{name}“ ist ein altes Word-Dokument (.doc), keine Excel-Arbeitsmappe. "
            f"Bitte wählen Sie die Master-Arbeitsmappe (.xlsx)."
        )
    if "ppt" in kinds:
        raise ReadError(
            f"„{name}“ ist eine alte PowerPoint-Präsentation (.ppt), keine Excel-Arbeitsmappe. "
            f"Bitte wählen Sie die Master-Arbeitsmappe (.xlsx)."
        )
    raise ReadError(
        f"„{name}“ ist eine Datei im alten Office-Format (vermutlich .xls, Excel 97–2003). Bitte öffnen Sie sie "
        f"in Excel und speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
    )


# --------------------------------------------------------------------------------------------
# Not a zip at all


def _refuse_non_zip(name: str, head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text, e.g. Excel's "Unicode-Text"
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        raise ReadError(
            f"„{name}“ ist eine PDF-Datei, keine Excel-Arbeitsmappe. Bitte wählen Sie die Master-Arbeitsmappe (.xlsx)."
        )
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<!--")) or b"<html" in text[:512]:
        raise ReadError(
            f"„{name}“ ist keine Excel-Arbeitsmappe, sondern eine HTML-/XML-Datei mit Excel-Endung. Bitte öffnen Sie "
            f"sie in Excel und speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    if text.startswith(b"{\\rtf"):
        raise ReadError(
            f"„{name}“ ist ein RTF-Textdokument, keine Excel-Arbeitsmappe. "
            f"Bitte wählen Sie die Master-Arbeitsmappe (.xlsx)."
        )
    sample = head.decode("utf-8", errors="ignore") if _mostly_utf8(head) else head.decode("cp1252", errors="replace")
    if sample and sum(ch.isprintable() or ch in "\r\n\t" for ch in sample) > 0.95 * len(sample):
        raise ReadError(
            f"„{name}“ ist keine Excel-Arbeitsmappe, sondern eine Textdatei (z. B. CSV) mit Excel-Endung. "
            f"Bitte öffnen Sie sie in Excel und speichern Sie sie als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    raise ReadError(
        f"„{name}“ ist keine Excel-Arbeitsmappe (unbekanntes Dateiformat). "
        f"Bitte wählen Sie die Master-Datei (.xlsx oder .xlsm)."
    )


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8, allowing a character cut off at the end of the sample."""
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3


# --------------------------------------------------------------------------------------------
# Zip: what it is, how big it claims to be, and whether its XML is plain


def _damaged(name: str) -> str:
    return (
        f"„{name}“ ist beschädigt oder unvollständig (die Datei wurde wohl nicht fertig gespeichert oder kopiert). "
        f"Bitte öffnen Sie sie in Excel und speichern Sie sie erneut, oder nehmen Sie eine Sicherungskopie."
    )


def _check_zip(path: Path, name: str) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except _READ_ERRORS as exc:
        raise ReadError(_damaged(name)) from exc
    with zf:
        infos = zf.infolist()
        _check_sizes(infos, name)
        for info in infos:
            if info.flag_bits & 0x1:
                raise ReadError(
                    f"„{name}“ ist ein verschlüsseltes ZIP-Archiv, keine Excel-Arbeitsmappe. Bitte speichern Sie "
                    f"den Master in Excel ohne Kennwort als .xlsx."
                )
            if info.compress_type not in _ZIP_METHODS:
                raise ReadError(_damaged(name))
        names = {i.filename for i in infos}
        try:
            mimetype = _read_head(zf, "mimetype", 100) if "mimetype" in names else b""
        except _READ_ERRORS as exc:
            raise ReadError(_damaged(name)) from exc
        _check_kind(names, mimetype, name)
        tags = 0
        try:
            for info in infos:
                verdict, n = _scan_part(zf, info, MAX_XML_TAGS - tags, rows=_is_worksheet(info.filename))
                if verdict == "dtd":
                    raise ReadError(
                        f"„{name}“ enthält XML mit einer Dokumenttyp-Deklaration (DTD) oder einem überlangen Vorspann, "
                        f"wie Excel sie nie schreibt, und wird aus Sicherheitsgründen nicht gelesen. "
                        f"Bitte prüfen Sie die Herkunft der Datei und speichern Sie den Master in Excel neu als .xlsx."
                    )
                if n < 0:
                    limit = f"{MAX_ROW_TAGS:,}".replace(",", ".")
                    raise ReadError(
                        f"„{name}“ enthält eine Tabellenzeile mit ungewöhnlich vielen XML-Elementen "
                        f"(mehr als {limit}), wie Excel sie nie schreibt, und wird aus Sicherheitsgründen "
                        f"nicht gelesen. Bitte prüfen Sie die Herkunft der Datei und speichern Sie den Master "
                        f"in Excel neu als .xlsx."
                    )
                tags += n
                if tags > MAX_XML_TAGS:
                    limit = f"{MAX_XML_TAGS:,}".replace(",", ".")
                    raise ReadError(
                        f"„{name}“ enthält ungewöhnlich viele XML-Elemente (mehr als {limit}), so viele hat kein "
                        f"Ampel-Master, und wird aus Sicherheitsgründen nicht gelesen. Bitte prüfen Sie, ob Sie die "
                        f"richtige Datei gewählt haben."
                    )
        except _READ_ERRORS as exc:
            raise ReadError(_damaged(name)) from exc


def _check_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a zip bomb from the declared sizes alone, before anything is inflated."""
    if len(infos) > MAX_PARTS:
        raise ReadError(_bomb(name))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_INFLATED or total > MAX_TOTAL_INFLATED:
            raise ReadError(_bomb(name))
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(_bomb(name))


def _check_kind(names: set[str], mimetype: bytes, name: str) -> None:
    if b"opendocument.spreadsheet" in mimetype:
        raise ReadError(
            f"„{name}“ ist eine OpenDocument-Tabelle (.ods). Bitte speichern Sie sie in LibreOffice oder Excel als "
            f"„Excel 2007–365 (.xlsx)“."
        )
    if b"opendocument" in mimetype:
        raise ReadError(
            f"„{name}“ ist ein OpenDocument-Dokument, keine Tabelle. Bitte wählen Sie die Master-Arbeitsmappe (.xlsx)."
        )
    if "xl/workbook.bin" in names or any(n.startswith("xl/worksheets/") and n.endswith(".bin") for n in names):
        raise ReadError(
            f"„{name}“ ist eine binäre Excel-Arbeitsmappe (.xlsb). "
            f"Bitte speichern Sie sie in Excel als „Excel-Arbeitsmappe (*.xlsx)“."
        )
    if "xl/workbook.xml" not in names and not any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
        if "word/document.xml" in names:
            what = "ein Word-Dokument"
        elif "ppt/presentation.xml" in names:
            what = "eine PowerPoint-Präsentation"
        else:
            what = "ein ZIP-Archiv"
        raise ReadError(
            f"„{name}“ ist {what}, keine Excel-Arbeitsmappe. "
            f"Bitte wählen Sie die Master-Arbeitsmappe (.xlsx oder .xlsm)."
        )


def _read_head(zf: zipfile.ZipFile, member: str | zipfile.ZipInfo, n: int) -> bytes:
    with zf.open(member) as fh:
        return fh.read(n)


def _is_worksheet(filename: str) -> bool:
    return filename.startswith("xl/worksheets/") and filename.endswith(".xml")


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, rows: bool = False
               ) -> tuple[str | None, int]:
    """Read one part to its end, without keeping it: ("dtd" or None, number of XML tags).

    With ``rows`` (a worksheet), the tags of each ``<row>`` are counted too; a row with more
    than ``MAX_ROW_TAGS`` gives -1.

    First the prolog: a document type declaration (or a prolog longer than ``MAX_PROLOG``)
    gives "dtd" and ends the scan. NUL bytes are dropped before looking, so that UTF-16/UTF-32
    encoded XML shows its ASCII markup. Then the rest is read in 1 MiB chunks, counting ``<``
    in XML parts (a part whose first character is ``<``) and stopping once ``budget`` is
    exceeded. Reading to the end is the check of the *actual* inflated size: zipfile never hands
    out more than the declared size, raises EOFError when the data ends early and BadZipFile
    when the CRC does not match, so a part that lies about its size is refused as damaged
    before any parser sees it.
    """
    if info.is_dir():
        return None, 0
    with zf.open(info) as fh:
        buf = bytearray()
        eof = False

        def fill(upto: int) -> None:
            nonlocal eof
            while len(buf) < upto and not eof and len(buf) <= MAX_PROLOG:
                chunk = fh.read(4096)
                if not chunk:
                    eof = True
                    break
                buf.extend(chunk.replace(b"\x00", b""))

        verdict, is_xml = _prolog(buf, fill, lambda: eof)
        if verdict == "dtd":
            return verdict, 0
        tags = buf.count(b"<") if is_xml else 0
        in_row = 0
        while tags <= budget:
            chunk = fh.read(MiB)
            if not chunk:
                break
            if is_xml:
                tags += chunk.count(b"<")
                if rows:
                    pieces = chunk.split(b"<row")
                    in_row += pieces[0].count(b"<")
                    longest = in_row
                    for piece in pieces[1:]:
                        in_row = 1 + piece.count(b"<")
                        longest = max(longest, in_row)
                    if longest > MAX_ROW_TAGS:
                        return None, -1
        return None, tags


def _prolog(buf: bytearray, fill: Callable[[int], None], at_eof: Callable[[], bool]) -> tuple[str | None, bool]:
    """Walk the XML prolog in ``buf`` (filled on demand): ("dtd" or None, is it XML at all).

    An endless prolog (whitespace, comments or processing instructions past ``MAX_PROLOG``) is
    refused like a declaration; a truncated one is left to the parser."""
    fill(16)
    while True:
        verdict = prolog_verdict(buf, at_eof())
        if verdict is not None:
            return ("dtd" if verdict == "dtd" else None), verdict != "other"
        if len(buf) > MAX_PROLOG:
            return "dtd", True
        fill(len(buf) + 4096)


def prolog_verdict(buf: bytes | bytearray, eof: bool) -> str | None:
    """The reader's one DTD guard: what the prolog of an XML part (its start, in ``buf``) says.

    "dtd" when a declaration (``<!DOCTYPE``, ``<!ENTITY`` …) precedes the root element: Excel
    never writes one, and it is the vehicle of entity expansion and external entities; "xml"
    when the root element comes first (or the data ends inside the prolog at ``eof``); "other"
    when the part holds no markup at all (an image); None when ``buf`` ends before that is
    decided and more can be read. NUL bytes must be dropped first, so that UTF-16 and UTF-32
    markup reads as ASCII. :func:`check_master_file` and the parts' reader
    (:class:`~ampel_xl.reader.parts.NoDTD`) both ask it.
    """
    i, n = 0, len(buf)
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if buf.startswith(bom):
            i = len(bom)
            break
    while True:
        while i < n and buf[i] in b" \t\r\n":
            i += 1
        if n - i < 4 and not eof:
            return None
        if i >= n:
            return "other"  # whitespace only: left to the parser
        if buf[i] != 0x3C:  # "<"
            return "other"  # no XML (an image, a binary part): not this check's business
        if buf.startswith(b"<?", i):
            end = b"?>"
        elif buf.startswith(b"<!--", i):
            end = b"-->"
        elif buf.startswith(b"<!", i):
            return "dtd"  # <!DOCTYPE (or anything else declared) before the root element
        else:
            return "xml"  # the root element: the prolog is over
        j = buf.find(end, i + 2)
        if j < 0:
            return "xml" if eof else None
        i = j + len(end)


def _bomb(name: str) -> str:
    return (
        f"„{name}“ wäre entpackt ungewöhnlich groß (mehr als {MAX_TOTAL_INFLATED // MiB} MB insgesamt, mehr als "
        f"{MAX_PART_INFLATED // MiB} MB für einen Teil oder extrem stark komprimiert) und wird aus "
        f"Sicherheitsgründen nicht gelesen. Bitte prüfen Sie die Herkunft der Datei."
    )
