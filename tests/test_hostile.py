"""Hostile, broken and unusual input: a clear answer every time, nothing lost, no traceback.

Every bad input is refused with exit code 2 and one German line that says what the file is,
fast and with bounded memory. In-process refusals are measured with ``tracemalloc`` (Python
allocations, which include every buffer zipfile and zlib hand back); the zip bombs run the real
command line in a subprocess, which reports its own peak resident memory (``VmHWM``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import ampel_xl._io
import ampel_xl.export
import ampel_xl.reader.sniff
from ampel_xl import read
from ampel_xl.cli import cli
from ampel_xl.errors import ReadError, WriteError
from builders import FieldSheet, Text, build, simple_field

# bound for one refusal in-process: a refusal reads a few kilobytes, so this is generous. Time is not
# asserted here (a loaded machine made 2 s flaky); the refusal's speed is the benchmark's business, and
# a refusal that decompressed or parsed the whole file would show in its memory.
SMALL_MB = 32
# bounds for the zip bombs, measured on the real command line in a subprocess
BOMB_S = 15.0
BOMB_RSS_MB = 300
GIB = 1024 ** 3


# --------------------------------------------------------------------------------------------
# helpers


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def measured(fn):
    """Run fn(); return (result, seconds, peak MB of Python allocations)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, seconds, peak


def assert_one_german_line(result, code: int, *words: str) -> str:
    """Exit code, exactly one line on stderr starting "Fehler:", containing every word; no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Fehler: "), lines
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def refuse(path: Path, *words: str, command: str = "validate") -> str:
    """Run a command on a bad file: exit 2, the words, small; and read() raises ReadError."""
    result, _seconds, peak = measured(lambda: invoke(command, path))
    line = assert_one_german_line(result, 2, *words)
    assert result.stdout == ""
    assert peak < SMALL_MB, peak
    with pytest.raises(ReadError):
        read(path)
    return line


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build(tmp_path / "Ampel-Master.xlsx", [simple_field()])


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def raw_zip(path: Path, entries: list[dict]) -> Path:
    """Write a zip by hand, so that sizes and flags can be anything (also lies).

    Each entry: ``name``, ``chunks`` (the stored/compressed bytes, an iterable of bytes),
    ``method`` (0 stored, 8 deflated), ``crc``, ``size`` (declared inflated size), ``flags``.
    """
    central = []
    with open(path, "wb") as fh:
        for e in entries:
            name = e["name"].encode("utf-8")
            offset = fh.tell()
            header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0) | 0x800, e.get("method", 8),
                                 0, 0x21, e["crc"], 0, e["size"], len(name), 0)
            fh.write(header + name)
            start = fh.tell()
            for chunk in e["chunks"]:
                fh.write(chunk)
            csize = fh.tell() - start
            end = fh.tell()
            fh.seek(offset + 18)
            fh.write(struct.pack("<I", csize))
            fh.seek(end)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.get("flags", 0) | 0x800,
                                       e.get("method", 8), 0, 0x21, e["crc"], csize, e["size"], len(name),
                                       0, 0, 0, 0, 0, offset) + name)
        cd_start = fh.tell()
        for c in central:
            fh.write(c)
        cd_size = fh.tell() - cd_start
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0))
    return path


def deflated(data: bytes) -> tuple[list[bytes], int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return [c.compress(data) + c.flush()], zlib.crc32(data), len(data)


def entries_from(parts: dict[str, bytes], **replace: dict) -> list[dict]:
    out = []
    for name, data in parts.items():
        if name in replace:
            out.append({"name": name, **replace[name]})
        else:
            chunks, crc, size = deflated(data)
            out.append({"name": name, "chunks": chunks, "crc": crc, "size": size})
    return out


def inflating_to(prefix: bytes, fill: bytes, n_fill: int, suffix: bytes) -> tuple[list[bytes], int, int]:
    """A deflate stream of prefix + fill * n_fill + suffix, made without compressing it all.

    After a full flush, deflate starts afresh and byte-aligned, so the compressed block of
    ``fill`` can simply be repeated. The CRC is computed over the same pieces.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(fill) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(suffix) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(n_fill):
        crc = zlib.crc32(fill, crc)
    crc = zlib.crc32(suffix, crc)
    return [head, *([block] * n_fill), tail], crc, len(prefix) + len(fill) * n_fill + len(suffix)


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB version 3, 512-byte sectors) holding ``streams``.

    Streams are padded to 4096 bytes so that they live in regular sectors (no mini stream).
    Layout: sector 0 FAT, sector 1 directory, then the streams. Written by hand so that the
    tests need no extra dependency.
    """
    free, end, fatsect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's sort order
    assert len(names) <= 3
    fat = [fatsect, end]
    starts = []
    for n in names:
        data = streams[n].ljust(4096, b"\x00")
        count = len(data) // 512
        first = len(fat)
        starts.append(first)
        fat.extend([*range(first + 1, first + count), end])
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", nostream, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, 1 if names else nostream, nostream, end, 0)
    for i, n in enumerate(names):
        right = i + 2 if i + 1 < len(names) else nostream
        directory += entry(n, 2, nostream, right, starts[i], len(streams[n]))
    directory = directory.ljust(512, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + directory
    for n in names:
        body += streams[n].ljust(4096, b"\x00")
    return header + body


# --------------------------------------------------------------------------------------------
# Recognised before parsing: what the file is, and what to do


def test_empty_file(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(b"")
    refuse(p, "leer", "0 Byte")


def test_old_xls(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(cfb({"Workbook": b"\x09\x08" + b"\x00" * 200, "\x05SummaryInformation": b"x" * 100}))
    line = refuse(p, "alte Excel-Datei (.xls", "Excel-Arbeitsmappe (*.xlsx)")
    assert "Kennwort" not in line


def test_old_xls_under_its_own_name(tmp_path):
    p = tmp_path / "Ampel-Master.xls"
    p.write_bytes(cfb({"Workbook": b"\x09\x08" + b"\x00" * 200}))
    refuse(p, "alte Excel-Datei")


def test_password_protected_workbook(tmp_path):
    """Excel saves a workbook with a password as an OLE2 file with EncryptionInfo + EncryptedPackage."""
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 300,
                       "EncryptedPackage": os.urandom(3000)}))
    line = refuse(p, "mit einem Kennwort geschützt", "ohne Kennwort")
    assert "alte Excel" not in line


def test_password_protected_workbook_found_beyond_the_first_megabytes(tmp_path):
    """The directory of a big encrypted file can sit anywhere: the whole file is searched.

    12 MiB of sectors are put in front of the FAT and directory (the sector chain is then no
    longer valid, which the search does not need: it looks for aligned directory entries).
    """
    p = tmp_path / "Ampel-Master.xlsx"
    data = cfb({"EncryptionInfo": b"\x04\x00" * 100, "EncryptedPackage": b"x" * 100})
    header, rest = data[:512], data[512:]
    pad = b"\x00" * (12 * 2**20)
    p.write_bytes(header + pad + rest)
    assert "EncryptionInfo" in ampel_xl.reader.sniff.ole2_stream_names(p)


def test_other_old_office_file(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(cfb({"WordDocument": b"x" * 100}))
    refuse(p, "altes Word-Dokument")


def test_ods(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    refuse(p, "OpenDocument-Tabelle (.ods)", "xlsx")


@pytest.mark.parametrize("part, what", [
    ("word/document.xml", "Word-Dokument"),
    ("ppt/presentation.xml", "PowerPoint-Präsentation"),
    ("readme.txt", "ZIP-Archiv"),
])
def test_zip_that_is_no_workbook(tmp_path, part, what):
    p = tmp_path / "Ampel-Master.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr(part, "<x/>")
    refuse(p, what, "keine Excel-Arbeitsmappe")


def test_empty_zip(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    with zipfile.ZipFile(p, "w"):
        pass
    refuse(p, "ZIP-Archiv")


def test_xlsb(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
        zf.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    refuse(p, "binäre Excel-Arbeitsmappe (.xlsb)")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_with_an_excel_name(tmp_path, encoding):
    p = tmp_path / "Ampel-Master.xlsx"
    text = "Nr;Maßnahme;Ampel\r\n1;Sprachkurse für Zugewanderte;Grün\r\n2;Sprachcafé;Gelb\r\n"
    p.write_bytes(text.encode(encoding))
    refuse(p, "Textdatei (z. B. CSV)", "Excel-Arbeitsmappe (*.xlsx)")


@pytest.mark.parametrize("text", [
    "<html><head><meta charset='utf-8'></head><body><table><tr><td>Grün</td></tr></table></body></html>",
    "<!DOCTYPE html>\n<html lang='de'><body>Ampel</body></html>",
    '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
])
def test_html_or_xml_with_an_excel_name(tmp_path, text):
    p = tmp_path / "Ampel-Master.xls"
    p.write_text(text, encoding="utf-8")
    refuse(p, "HTML-/XML-Datei")


def test_pdf_and_unknown_binary(tmp_path):
    pdf = tmp_path / "Ampel-Master.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    refuse(pdf, "PDF-Datei")
    blob = tmp_path / "Zufall.xlsx"
    blob.write_bytes(bytes(range(256)) * 8)
    refuse(blob, "unbekanntes Dateiformat")


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1, 0.001])
def test_truncated_zip(tmp_path, master, keep):
    data = master.read_bytes()
    p = tmp_path / "abgebrochen.xlsx"
    p.write_bytes(data[: max(8, int(len(data) * keep))])
    refuse(p, "beschädigt oder unvollständig")


def test_damaged_part_inside_an_intact_zip_directory(tmp_path, master):
    """The zip directory is fine, but the compressed worksheet data is garbage."""
    parts = parts_of(master)
    sheet = parts["xl/worksheets/sheet1.xml"]
    chunks, crc, size = deflated(sheet)
    garbled = bytearray(b"".join(chunks))
    for i in range(len(garbled) // 3, len(garbled) * 2 // 3):
        garbled[i] ^= 0x5A
    p = raw_zip(tmp_path / "kaputt.xlsx", entries_from(parts, **{
        "xl/worksheets/sheet1.xml": {"chunks": [bytes(garbled)], "crc": crc, "size": size}}))
    refuse(p, "beschädigt")


def _big_master(path: Path, n_uz: int = 20, per_uz: int = 20) -> Path:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    n = 0
    for u in range(1, n_uz + 1):
        f.unterziel(u)
        for _ in range(per_uz):
            n += 1
            f.measure(n, f"Maßnahme {n}: " + os.urandom(60).hex(), status=("Grün", "Gelb", "Rot")[n % 3])
    return build(path, [f])


def _garble_sheet_end(master: Path, path: Path) -> Path:
    parts = parts_of(master)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert len(sheet) > 100_000
    chunks, crc, size = deflated(sheet)
    garbled = bytearray(b"".join(chunks))
    for i in range(len(garbled) * 8 // 10, len(garbled) * 9 // 10):
        garbled[i] ^= 0x5A
    return raw_zip(path, entries_from(parts, **{
        "xl/worksheets/sheet1.xml": {"chunks": [bytes(garbled)], "crc": crc, "size": size}}))


def test_damage_deep_inside_a_big_worksheet(tmp_path):
    """sniff reads every part to its end before parsing, so late damage is found up front."""
    p = _garble_sheet_end(_big_master(tmp_path / "gross.xlsx"), tmp_path / "kaputt.xlsx")
    refuse(p, "beschädigt")


def test_damage_found_only_while_streaming_is_still_exit_2(monkeypatch, tmp_path):
    """If the file changes between check and read (a sync client replacing it), the damage
    surfaces inside openpyxl's sheet parser (zlib.error, BadZipFile, ParseError): still a
    ReadError and exit 2, not an internal error. Simulated by switching sniff's full read off."""
    p = _garble_sheet_end(_big_master(tmp_path / "gross.xlsx"), tmp_path / "kaputt.xlsx")
    monkeypatch.setattr(ampel_xl.reader.sniff, "MAX_XML_TAGS", -1)
    monkeypatch.setattr(ampel_xl.reader.sniff, "_check_zip", lambda path, name: None)
    refuse(p, "beschädigt")


def test_wrong_crc(tmp_path, master):
    parts = parts_of(master)
    chunks, crc, size = deflated(parts["xl/worksheets/sheet1.xml"])
    p = raw_zip(tmp_path / "crc.xlsx", entries_from(parts, **{
        "xl/worksheets/sheet1.xml": {"chunks": chunks, "crc": crc ^ 1, "size": size}}))
    refuse(p, "beschädigt")


def test_encrypted_zip_entries(tmp_path, master):
    parts = parts_of(master)
    chunks, crc, size = deflated(parts["xl/workbook.xml"])
    p = raw_zip(tmp_path / "zipcrypt.xlsx", entries_from(parts, **{
        "xl/workbook.xml": {"chunks": chunks, "crc": crc, "size": size, "flags": 0x1}}))
    refuse(p, "verschlüsseltes ZIP-Archiv")


def test_directory(tmp_path):
    d = tmp_path / "Ampel-Master.xlsx"
    d.mkdir()
    refuse(d, "ist ein Ordner")


def test_missing_file(tmp_path):
    refuse(tmp_path / "gibt-es-nicht.xlsx", "wurde nicht gefunden")


def test_missing_folder_on_the_way(tmp_path):
    refuse(tmp_path / "kein Ordner" / "Ampel-Master.xlsx", "wurde nicht gefunden")


def test_path_through_a_file(tmp_path, master):
    refuse(master / "Ampel-Master.xlsx", "wurde nicht gefunden")


def test_path_too_long(tmp_path):
    refuse(tmp_path / ("x" * 300 + ".xlsx"), "zu lang")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "Ampel-Master.xlsx"
    os.mkfifo(fifo)
    refuse(fifo, "keine gewöhnliche Datei")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their mode, so chmod 000 cannot take read permission away")
def test_no_read_permission_for_real(tmp_path, master):
    """Proves the OS-level path: a file the user may not read (only meaningful as non-root)."""
    master.chmod(0)
    try:
        refuse(master, "Keine Leseberechtigung")
    finally:
        master.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_no_read_permission_simulated(monkeypatch, master):
    """Proves only that a PermissionError on opening becomes the right message and exit code 2.

    It does not prove that the OS refuses (tests run as root here, where it does not); the
    test above does that when run as a normal user.
    """
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(args[0]))

    monkeypatch.setattr(ampel_xl.reader.sniff, "open", denied, raising=False)
    result = invoke("validate", master)
    assert_one_german_line(result, 2, "Keine Leseberechtigung", master.name)


def test_validate_json_reports_the_refusal_as_json(tmp_path):
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(b"")
    result = invoke("validate", "--json", p)
    assert result.exit_code == 2
    assert "leer" in json.loads(result.stdout)["fatal"]


@pytest.mark.parametrize("command", ["validate", "export"])
def test_every_reading_command_refuses_the_same_way(tmp_path, command):
    p = tmp_path / "Ampel-Master.xlsx"
    p.write_bytes(cfb({"EncryptionInfo": b"\x04\x00" * 100, "EncryptedPackage": b"x" * 100}))
    refuse(p, "Kennwort", command=command)


# --------------------------------------------------------------------------------------------
# XML attacks: entity expansion (billion laughs) and external entities (XXE)

LOL = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
       + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                  for i in range(1, 10))
       + b"]>\n")
XXE = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
SECRET = "root:"  # what /etc/passwd starts with: must never show up anywhere


def _body(xml: bytes) -> bytes:
    """The part without its XML declaration (openpyxl writes some parts with, some without)."""
    if xml.startswith(b"<?xml"):
        xml = xml[xml.index(b"?>") + 2:]
    return xml.lstrip()


def with_shared_strings(parts: dict[str, bytes], strings_xml: bytes) -> dict[str, bytes]:
    """The master with its title cell (A1) moved into a sharedStrings part."""
    parts = dict(parts)
    sheet = parts["xl/worksheets/sheet1.xml"]
    new = re.sub(rb'<c r="A1"([^>]*) t="inlineStr"><is><t>[^<]*</t></is></c>', rb'<c r="A1"\1 t="s"><v>0</v></c>',
                 sheet)
    assert new != sheet
    parts["xl/worksheets/sheet1.xml"] = new
    parts["xl/sharedStrings.xml"] = strings_xml
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return parts


SST = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
       b'<si><t>%s</t></si></sst>')


def xml_attack(master: Path, tmp_path: Path, kind: str) -> Path:
    parts = parts_of(master)
    sheet = parts["xl/worksheets/sheet1.xml"]
    wb = parts["xl/workbook.xml"]
    if kind == "lol-sheet":
        parts["xl/worksheets/sheet1.xml"] = LOL + _body(sheet).replace(
            b"Handlungsfeld Sprache", b"Handlungsfeld &lol9;")
    elif kind == "lol-workbook":
        parts["xl/workbook.xml"] = LOL + _body(wb).replace(b'name="Sprache"', b'name="&lol9;"')
    elif kind == "lol-sharedstrings":
        parts = with_shared_strings(parts, LOL + SST % b"Handlungsfeld &lol9;")
    elif kind == "xxe-sharedstrings":
        parts = with_shared_strings(parts, XXE + SST % b"Handlungsfeld &xxe;")
    elif kind == "xxe-workbook":
        parts["xl/workbook.xml"] = XXE + _body(wb).replace(b'name="Sprache"', b'name="&xxe;"')
    elif kind == "xxe-styles":
        parts["xl/styles.xml"] = XXE + _body(parts["xl/styles.xml"])
    elif kind == "dtd-after-comment":
        parts["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?>\n<!-- Excel? -->\n<?pi x?>\n'
                                             + XXE.split(b"\n", 1)[1] + _body(sheet))
    elif kind == "dtd-utf16":
        text = (XXE + _body(sheet).replace(b"Handlungsfeld Sprache", b"Handlungsfeld &xxe;")).decode("utf-8")
        parts["xl/worksheets/sheet1.xml"] = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    elif kind == "endless-prolog":
        parts["xl/worksheets/sheet1.xml"] = b'<?xml version="1.0"?>\n<!--' + b"x" * 200_000 + b"-->" + _body(sheet)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return write_parts(tmp_path / f"{kind}.xlsx", parts)


XML_ATTACKS = ["lol-sheet", "lol-workbook", "lol-sharedstrings", "xxe-sharedstrings", "xxe-workbook", "xxe-styles",
               "dtd-after-comment", "dtd-utf16", "endless-prolog"]


@pytest.mark.parametrize("kind", XML_ATTACKS)
def test_xml_attack_is_refused_fast_small_and_without_leaking(master, tmp_path, kind):
    p = xml_attack(master, tmp_path, kind)
    line = refuse(p, "Dokumenttyp-Deklaration (DTD)", "Sicherheitsgründen")
    assert SECRET not in line
    result = invoke("export", "--format", "json", p)
    assert result.exit_code == 2 and SECRET not in result.output


def test_a_real_master_has_no_dtd_and_passes(master):
    """The DTD check does not touch ordinary workbooks (openpyxl's, with its XML declarations)."""
    ampel_xl.reader.sniff.check_master_file(master)
    assert read(master).massnahmen


def test_openpyxl_streaming_parser_is_defused():
    """openpyxl's own sheet and shared-strings parser (iterparse) comes from defusedxml.

    ampel_xl's reader does not use it (it parses every part with the C parser behind its own DTD
    guard, reader.parts.NoDTD), but the tests read outputs back with openpyxl, which parses with
    lxml and resolve_entities=False when lxml is installed, defusedxml otherwise: entities are never
    expanded, but a DTD is accepted silently. That is why sniff refuses every DTD itself (the tests
    above).
    """
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")


@pytest.mark.parametrize("kind", ["lol-sheet", "lol-sharedstrings", "xxe-sharedstrings", "lol-workbook",
                                  "xxe-workbook"])
def test_xml_attack_without_sniff_is_still_harmless(monkeypatch, master, tmp_path, kind):
    """Defence in depth: with the DTD check switched off, openpyxl (through the reader) still
    expands nothing and leaks nothing; it either refuses (ReadError) or reads the text unexpanded."""
    p = xml_attack(master, tmp_path, kind)
    monkeypatch.setattr(ampel_xl.reader.sniff, "_prolog", lambda buf, fill, at_eof: (None, True))

    def attempt():
        try:
            return read(p)
        except ReadError as exc:
            return exc

    outcome, _seconds, peak = measured(attempt)
    assert peak < 64, peak
    text = repr(outcome) if isinstance(outcome, ReadError) else repr([(f.name, f.title) for f in outcome.felder])
    assert SECRET not in text
    assert "lollol" not in text


@pytest.mark.parametrize("kind", [k for k in XML_ATTACKS if k != "endless-prolog"])
def test_the_parts_reader_refuses_every_dtd_the_file_check_refuses(monkeypatch, master, tmp_path, kind):
    """One DTD guard, two lines of defence: with the file check's prolog walk switched off, the parts'
    reader refuses the same declarations (after comments, in UTF-16) with one German sentence."""
    p = xml_attack(master, tmp_path, kind)
    monkeypatch.setattr(ampel_xl.reader.sniff, "_prolog", lambda buf, fill, at_eof: (None, True))
    with pytest.raises(ReadError) as caught:
        read(p)
    assert SECRET not in str(caught.value) and "Traceback" not in str(caught.value)


# --------------------------------------------------------------------------------------------
# Zip bombs: refused from the declared sizes, or bounded by zipfile's own size check

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>Handlungsfeld Sprache</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"
FILL = b" " * (16 * 2**20)  # 16 MiB of blanks between rows: valid XML, compresses ~1000:1


def bomb(master: Path, path: Path, *, inflated: int, declared: int | None = None, honest_crc: bool = True) -> Path:
    """The master with its worksheet part inflating to ``inflated`` bytes.

    ``declared`` lies about the inflated size in the zip directory; with ``honest_crc`` the
    CRC is that of the declared (truncated) content, so zipfile's CRC check passes and only
    the size bound stops the inflation.
    """
    parts = parts_of(master)
    n_fill = (inflated - len(SHEET_HEAD) - len(SHEET_TAIL)) // len(FILL)
    chunks, crc, size = inflating_to(SHEET_HEAD, FILL, n_fill, SHEET_TAIL)
    if declared is not None:
        content = (SHEET_HEAD + FILL)[:declared]
        crc = zlib.crc32(content) if honest_crc else crc
        size = declared
    return raw_zip(path, entries_from(parts, **{
        "xl/worksheets/sheet1.xml": {"chunks": chunks, "crc": crc, "size": size}}))


# The child reports its own peak resident memory (VmHWM) when it exits. Not ru_maxrss from
# wait4/getrusage: on Linux that includes the RSS the child had between fork and exec, i.e. the
# size of this pytest process, and would measure the test run instead of the command.
_PEAK_WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    try:
        with open('/proc/self/status') as fh:
            for line in fh:
                if line.startswith('VmHWM:'):
                    with open(os.environ['AMPEL_PEAK_FILE'], 'w') as out:
                        out.write(line.split()[1])
    except OSError:
        pass
atexit.register(_peak)
sys.argv = ['ampel-xl', *sys.argv[1:]]
runpy.run_module('ampel_xl', run_name='__main__', alter_sys=True)
"""


def run_cli_measured(*args: str, cwd: Path) -> tuple[int, str, float, float]:
    """Run the command line in a subprocess: (exit code, stderr, seconds, peak RSS in MB)."""
    peak_file = cwd / "peak-kb.txt"
    peak_file.unlink(missing_ok=True)
    env = dict(os.environ, TMPDIR=str(cwd), PYTHONIOENCODING="utf-8", AMPEL_PEAK_FILE=str(peak_file))
    env.pop("AMPEL_XL_DEBUG", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, *args], cwd=cwd, env=env, stdout=out, stderr=err)
        rss = 0
        if not Path("/proc/self/status").exists():  # pragma: no cover - poll where there is no /proc
            import psutil

            ps = psutil.Process(proc.pid)
            while proc.poll() is None:
                try:
                    rss = max(rss, ps.memory_info().rss)
                except psutil.Error:
                    break
                time.sleep(0.005)
        proc.wait()
        seconds = time.perf_counter() - t0
        rss_mb = int(peak_file.read_text()) / 1024 if peak_file.exists() else rss / 2**20
        err.seek(0)
        return proc.returncode, err.read().decode("utf-8"), seconds, rss_mb


@pytest.fixture(scope="module")
def gib_bomb(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("bomb")
    master = build(tmp / "base.xlsx", [simple_field()])
    return bomb(master, tmp / "Ampel-Master (Bombe).xlsx", inflated=GIB)


def test_one_gib_zip_bomb_is_refused_in_seconds_with_little_memory(gib_bomb, tmp_path):
    with zipfile.ZipFile(gib_bomb) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size >= GIB - 16 * 2**20
    assert gib_bomb.stat().st_size < 4 * 2**20  # the test itself stays small
    before = gib_bomb.read_bytes()
    code, err, seconds, rss = run_cli_measured("validate", str(gib_bomb), cwd=tmp_path)
    print(f"1 GiB bomb: exit {code}, {seconds:.2f} s, peak RSS {rss:.0f} MB")
    assert code == 2, err
    assert err.startswith("Fehler: ") and "ungewöhnlich groß" in err and "Traceback" not in err
    assert seconds < BOMB_S
    assert 5 < rss < BOMB_RSS_MB  # (more than 5 MB: the measurement itself works)
    assert gib_bomb.read_bytes() == before


@pytest.mark.parametrize("honest_crc", [True, False], ids=["crc-of-declared-part", "crc-of-real-content"])
def test_zip_bomb_that_lies_about_its_size_is_bounded_by_zipfile(master, tmp_path, honest_crc):
    """Declared 40 KB, inflates to 1 GiB: zipfile stops at the declared size (CRC or XML then fails)."""
    p = bomb(master, tmp_path / "Luegner.xlsx", inflated=GIB, declared=40_000, honest_crc=honest_crc)
    code, err, seconds, rss = run_cli_measured("validate", str(p), cwd=tmp_path)
    print(f"lying bomb ({'honest' if honest_crc else 'wrong'} CRC): exit {code}, {seconds:.2f} s, "
          f"peak RSS {rss:.0f} MB")
    assert code == 2, err
    assert err.startswith("Fehler: ") and "beschädigt" in err and "Traceback" not in err
    assert seconds < BOMB_S
    assert 5 < rss < BOMB_RSS_MB
    # the same in-process: zipfile hands out no more than the declared 40 KB
    with zipfile.ZipFile(p) as zf, zf.open("xl/worksheets/sheet1.xml") as fh:
        got = 0
        with pytest.raises(zipfile.BadZipFile) if not honest_crc else _nothing():
            while chunk := fh.read(1 << 20):
                got += len(chunk)
        assert got <= 40_000


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_ratio_bomb_below_the_size_limits(master, tmp_path):
    """20 MiB that compress 1000:1 are far from any real worksheet: refused from the ratio alone."""
    p = bomb(master, tmp_path / "Verhaeltnis.xlsx", inflated=20 * 2**20 + 1000)
    refuse(p, "ungewöhnlich groß")


def _declared_only(master: Path, path: Path, sizes: dict[str, int]) -> Path:
    """Parts that merely claim a size (their data is tiny): the check is on the declaration."""
    parts = parts_of(master)
    entries = entries_from(parts)
    for name, size in sizes.items():
        entries.append({"name": name, "chunks": [b"\x03\x00"], "crc": 0, "size": size})
    return raw_zip(path, entries)


@pytest.mark.parametrize("sizes", [
    {"xl/worksheets/sheet9.xml": 300 * 2**20},                          # one worksheet over 64 MiB
    {"xl/sharedStrings.xml": 80 * 2**20},                              # shared strings over 64 MiB
    {f"xl/worksheets/sheet{i}.xml": 60 * 2**20 for i in range(5, 10)},  # 300 MiB together
], ids=["worksheet", "shared-strings", "total"])
def test_declared_sizes_over_the_limits(master, tmp_path, sizes):
    refuse(_declared_only(master, tmp_path / "gross.xlsx", sizes), "ungewöhnlich groß")


def test_a_row_with_too_many_xml_elements(master, tmp_path):
    """One worksheet row full of tiny elements (the sheet parser holds a whole row) is refused up front."""
    parts = parts_of(master)
    letters = [b"<%s/>" % bytes([c]) for c in range(97, 123)]
    import random

    rnd = random.Random(4711)
    filler = b"".join(rnd.choices(letters, k=ampel_xl.reader.sniff.MAX_ROW_TAGS + 1000))
    parts["xl/worksheets/sheet1.xml"] = SHEET_HEAD.replace(b"</row>", b"") + filler + b"</row>" + SHEET_TAIL
    p = write_parts(tmp_path / "Zeile.xlsx", parts)
    refuse(p, "Tabellenzeile mit ungewöhnlich vielen XML-Elementen")


def test_too_many_xml_elements(monkeypatch, master, tmp_path):
    """A file full of tiny elements across many rows is refused up front (limit lowered to keep it quick)."""
    monkeypatch.setattr(ampel_xl.reader.sniff, "MAX_XML_TAGS", 200_000)
    parts = parts_of(master)
    row = b"<row>" + b"<c/>" * 999 + b"</row>"
    parts["xl/worksheets/sheet1.xml"] = SHEET_HEAD + row * 250 + SHEET_TAIL
    p = write_parts(tmp_path / "Elemente.xlsx", parts)
    refuse(p, "ungewöhnlich viele XML-Elemente")


def test_too_many_table_rows(monkeypatch, master, tmp_path):
    """The reader stops at MAX_TABLE_ROWS rows with content (lowered here to keep the test quick)."""
    import ampel_xl.reader

    monkeypatch.setattr(ampel_xl.reader, "MAX_TABLE_ROWS", 50)
    p = _big_master(tmp_path / "zeilen.xlsx", n_uz=3, per_uz=20)
    refuse(p, "mehr als 50 Tabellenzeilen")
    monkeypatch.setattr(ampel_xl.reader, "MAX_TABLE_ROWS", 63)
    assert len(read(p).massnahmen) == 60


def test_too_many_parts(master, tmp_path):
    parts = parts_of(master)
    p = tmp_path / "viele.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        for i in range(ampel_xl.reader.sniff.MAX_PARTS):
            zf.writestr(f"xl/media/x{i}.bin", b"")
    refuse(p, "ungewöhnlich groß")


# --------------------------------------------------------------------------------------------
# Outputs: atomic, old file intact, clear message


def test_export_onto_a_read_only_file_keeps_it(master, tmp_path):
    target = tmp_path / "Export.csv"
    target.write_bytes(b"alter Inhalt\r\n")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        result = invoke("export", master, "-o", target)
        assert_one_german_line(result, 2, "Export.csv", "schreibgeschützt")
        assert target.read_bytes() == b"alter Inhalt\r\n"
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert not list(tmp_path.glob(".~ampel_*"))


def test_template_onto_an_existing_read_only_file_keeps_it(tmp_path):
    target = tmp_path / "Ampel-Master.xlsx"
    target.write_bytes(b"PK alter Master")
    target.chmod(stat.S_IRUSR)
    try:
        result = invoke("template", target)
        assert_one_german_line(result, 2, "gibt es schon")
        assert target.read_bytes() == b"PK alter Master"
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_summary_onto_a_read_only_file_keeps_it(master, tmp_path):
    target = tmp_path / "Zusammenfassung.xlsx"
    target.write_bytes(b"PK alte Zusammenfassung")
    target.chmod(stat.S_IRUSR)
    try:
        result = invoke("summary", master, "--force", "-o", target)
        assert_one_german_line(result, 2, "Zusammenfassung.xlsx", "schreibgeschützt")
        assert target.read_bytes() == b"PK alte Zusammenfassung"
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_summary_never_overwrites_the_master(master):
    before = master.read_bytes()
    result = invoke("summary", master, "--force", "-o", master)
    assert_one_german_line(result, 2, "nicht überschrieben")
    assert master.read_bytes() == before


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
def test_summary_writes_master_text_as_text_never_as_formula(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "Bemerkung"))
    f.unterziel(1, '=HYPERLINK("http://x";"Unterziel")')
    # Text(): openpyxl would write a text starting with "=" as a formula; staff's masters hold it as text
    f.measure(1, Text('=HYPERLINK("http://boese.example";"klick")'), status="Grün", values={"Bemerkung": Text("=1+1")})
    f.measure(2, "@SUMME(A1:A9)", status="Rot", values={"Bemerkung": "+49 7531"})
    master = build(tmp_path / "Formeln.xlsx", [f])
    out = tmp_path / "Zusammenfassung.xlsx"
    result = invoke("summary", master, "--force", "-o", out)
    assert result.exit_code == 0, result.output
    texts, formulas = [], []
    for ws in load_workbook(out).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(str(cell.value))
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
    assert not [f for f in formulas if "boese" in f or "SUMME(A1:A9)" in f or "Unterziel" in f]
    assert any("boese.example" in t for t in texts)


def test_write_onto_a_read_only_file_is_refused_by_the_writer_itself(tmp_path):
    target = tmp_path / "Zusammenfassung.xlsx"
    target.write_bytes(b"alt")
    target.chmod(stat.S_IRUSR)
    try:
        with pytest.raises(WriteError, match="schreibgeschützt"):
            ampel_xl._io.write_bytes_atomic(target, b"neu")
        assert target.read_bytes() == b"alt"
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_target_locked_by_excel(monkeypatch, master, tmp_path):
    """Windows refuses to replace a workbook open in Excel (PermissionError on rename): simulated."""
    target = tmp_path / "Export.csv"
    target.write_bytes(b"alter Inhalt")

    def locked(src, dst):
        raise PermissionError(13, "Der Prozess kann nicht auf die Datei zugreifen", str(dst))

    monkeypatch.setattr(ampel_xl._io.os, "replace", locked)
    result = invoke("export", master, "-o", target)
    assert_one_german_line(result, 2, "in Excel geöffnet", "Export.csv")
    assert target.read_bytes() == b"alter Inhalt"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~ampel_")] == []


def test_failure_while_writing_leaves_no_temp_file_and_no_target(tmp_path):
    target = tmp_path / "neu.csv"
    with pytest.raises(RuntimeError), ampel_xl._io.atomic_path(target) as tmp:
        tmp.write_bytes(b"halb")
        raise RuntimeError("abgebrochen")
    assert list(tmp_path.iterdir()) == []


def test_output_name_too_long(master, tmp_path):
    result = invoke("export", master, "-o", tmp_path / ("Export" * 50 + ".csv"))
    assert_one_german_line(result, 2, "zu lang")


def test_output_folder_missing(master, tmp_path):
    result = invoke("export", master, "-o", tmp_path / "fehlt" / "Export.csv")
    assert_one_german_line(result, 2, "existiert nicht")


def test_csv_neutralises_formulas(tmp_path):
    dangerous = ["=HYPERLINK(\"http://x\";\"klick\")", "+49 7531 800", "-1", "@SUMME(A1)", "\tTab", "\rCR",
                 "=1+1", "harmlos"]
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "Bemerkung"))
    f.unterziel(1)
    for i, text in enumerate(dangerous, start=1):
        f.measure(i, Text(text), status="Grün", values={"Bemerkung": Text(text)})
    master = build(tmp_path / "Formeln.xlsx", [f])
    out = tmp_path / "Export.csv"
    assert invoke("export", master, "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    got = [r["Maßnahme"] for r in rows]  # German headers: the CSV is for German Excel
    for text, cell in zip(dangerous, got, strict=True):
        stripped = text.strip()  # the reader strips cell text, as staff see it
        if stripped[:1] in ("=", "+", "-", "@"):
            assert cell == "'" + stripped
        else:
            assert cell == stripped
    for r in rows:
        for value in r.values():
            assert not value or value[0] not in "=+-@\t\r"


# --------------------------------------------------------------------------------------------
# Unexpected internal errors: one German sentence, a log file, exit 3; --debug shows the traceback


def _boom(*args, **kwargs):
    raise RuntimeError("interner Testfehler 4711")


def test_internal_error_ends_in_one_sentence_and_a_log_file(monkeypatch, master, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(ampel_xl.export, "to_csv_bytes", _boom)
    result = invoke("export", master, "-o", tmp_path / "Export.csv")
    line = assert_one_german_line(result, 3, "unerwarteter interner Fehler", "Bericht")
    assert "RuntimeError" not in result.output and "4711" not in result.output
    logs = list((tmp_path / "tmp" / "ampel-xl-fehlerberichte").glob("fehlerbericht-*.log"))
    assert len(logs) == 1
    assert str(logs[0]) in line
    report = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in report and "RuntimeError: interner Testfehler 4711" in report
    assert not (tmp_path / "Export.csv").exists()


def test_internal_error_with_debug_shows_the_traceback(monkeypatch, master, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(ampel_xl.export, "to_csv_bytes", _boom)
    result = invoke("--debug", "export", master, "-o", tmp_path / "Export.csv")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "interner Testfehler 4711" in result.stderr
    assert "Fehler: Ein unerwarteter interner Fehler" in result.stderr


def test_internal_error_inside_the_reader(monkeypatch, master, tmp_path):
    """A bug deep in the reader (not a ReadError) is an internal error, not a damaged file."""
    import ampel_xl.reader

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(ampel_xl.reader.FieldLayout, "read_table", _boom)
    result = invoke("validate", master)
    assert_one_german_line(result, 3, "fehlerbericht-")


# --------------------------------------------------------------------------------------------
# Paths: umlauts, spaces, long names, OneDrive-style folders; Windows line endings in CSV

ODD_NAMES = [
    "Ampel-Master Übersicht März 2025 – Änderungen (Kopie).xlsx",
    "Maßnahmen groß & klein ÄÖÜ äöü ß.xlsx",
    ("Ampel-Master " + "Integrationskonzept Landkreis Konstanz " * 5)[:195].rstrip() + ".xlsx",
    "ampel master mit  doppelten   leerzeichen .xlsx",
]


@pytest.mark.parametrize("name", ODD_NAMES, ids=["umlauts", "eszett", "long", "spaces"])
def test_odd_paths(tmp_path, name):
    folder = tmp_path / "OneDrive - Landkreis Konstanz" / "Integration" / "Ampel 2025 – Stand März"
    folder.mkdir(parents=True)
    master = build(folder / name, [simple_field()])
    assert len(master.name) <= 200
    result = invoke("validate", master)
    assert result.exit_code in (0, 1), result.output
    out = folder / (Path(name).stem + " – Export äöü.csv")
    result = invoke("export", master, "-o", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.count(b"\r\n") == 1 + len(read(master).massnahmen)


def test_csv_keeps_line_breaks_inside_cells_quoted(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "Erste Zeile\nzweite Zeile\r\ndritte", status="Gelb")
    master = build(tmp_path / "Zeilen.xlsx", [f])
    out = tmp_path / "Export.csv"
    assert invoke("export", master, "-o", out).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][7].startswith("Erste Zeile\nzweite Zeile")


def test_master_given_as_relative_path_with_umlauts(tmp_path, monkeypatch):
    folder = tmp_path / "Übergabe"
    folder.mkdir()
    build(folder / "Größe.xlsx", [simple_field()])
    monkeypatch.chdir(folder)
    result = invoke("export", "Größe.xlsx", "-o", "Ausgabe ä.csv")
    assert result.exit_code == 0, result.output
    assert (folder / "Ausgabe ä.csv").exists()


# --------------------------------------------------------------------------------------------
# The master guard of conftest.py works


def test_master_guard_notices_a_changed_master(master_guard, master):
    """The guard fingerprints a master when a command reads it and compares when it ends."""
    n = len(master_guard.violations)
    master_guard.enter()
    master_guard.note(master)
    with open(master, "ab") as fh:
        fh.write(b"\x00")
    master_guard.leave()
    assert len(master_guard.violations) == n + 1
    assert str(master) in master_guard.violations[-1]
    del master_guard.violations[n:]  # this change was ours


def test_master_guard_sees_cli_commands(master_guard, master):
    before = master_guard.calls
    assert invoke("validate", master).exit_code in (0, 1)
    assert master_guard.calls > before
    assert master.absolute() in master_guard.seen


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_written_files_get_a_normal_mode_not_a_private_one(tmp_path):
    from ampel_xl._io import write_bytes_atomic

    old = os.umask(0o022)
    try:
        target = tmp_path / "neu.csv"
        write_bytes_atomic(target, b"x")
        assert target.stat().st_mode & 0o777 == 0o644
        os.chmod(target, 0o664)
        write_bytes_atomic(target, b"y")
        assert target.stat().st_mode & 0o777 == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(old)


def test_reading_never_touches_the_garbage_collector(monkeypatch):
    """A notebook's other threads share the collector: a read neither pauses nor tunes it."""
    import gc

    import ampel_xl

    def forbidden(*_args, **_kwargs):
        raise AssertionError("the garbage collector's state was changed during a read")

    for name in ("disable", "enable", "freeze", "unfreeze", "set_threshold", "set_debug"):
        monkeypatch.setattr(gc, name, forbidden)
    assert gc.isenabled()
    k = ampel_xl.read(ampel_xl.example_path())
    assert len(k.massnahmen) == 193
    assert gc.isenabled()


def test_writing_never_touches_the_process_umask(tmp_path, monkeypatch):
    """Another thread of a notebook may create files at the same moment: the umask stays put."""
    from ampel_xl._io import write_bytes_atomic

    def forbidden(_mask):
        raise AssertionError("os.umask was called during a write")

    monkeypatch.setattr(os, "umask", forbidden)
    target = tmp_path / "neu.csv"
    write_bytes_atomic(target, b"x")
    write_bytes_atomic(target, b"y")
    assert target.read_bytes() == b"y"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~ampel_")]
