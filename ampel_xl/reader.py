"""Reads a master workbook into the model. The only module that imports openpyxl.

The reader streams each sheet once (openpyxl's own sheet parser in read-only mode, so memory
stays flat), resolves every fill colour once per cell style (not per cell) against the
workbook's own theme and palette, and records what it sees as *evidence*: it interprets
structure, but leaves the judgement (what is an error) to :mod:`ampel_xl.validate`.

What is read (see the contract, master-format.md):

* field sheets, recognised by a title cell near the top starting with "Handlungsfeld" or
  "Querschnittsthema" (typos tolerated), with Oberziel, optional Sachstand and Highlights;
* the measures table, found by its header labels (synonyms, any column order), in the
  hierarchical layout (Unterziel rows followed by their measures) or the flat layout
  (an Unterziel column, possibly vertically merged);
* the optional "Konzept" sheet: key/value rows and the table of declared counts.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import functools
import gc
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .colors import ColorClass, ColorResolver, Theme, classify, color_name
from .errors import ReadError
from .model import (
    Anomaly,
    Art,
    DeclaredFeld,
    Feld,
    Konzept,
    Massnahme,
    SheetInfo,
    Status,
    StatusEvidence,
    TableInfo,
    Unterziel,
)

# --------------------------------------------------------------------------------------------
# Text helpers


def _norm(text: str) -> str:
    """Lower-case, single spaces, no trailing punctuation: for label matching."""
    text = text.replace("\u00a0", " ").strip().casefold()
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .:*?")


HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nr": ("nr", "nr.", "nummer", "lfd. nr", "lfd nr", "lfd.nr", "no", "#", "maßnahmen-nr", "maßnahme nr"),
    "text": (
        "maßnahme", "massnahme", "maßnahmen", "massnahmen", "unterziel/maßnahme",
        "unterziel/massnahme", "unterziele/maßnahmen", "maßnahme/unterziel", "beschreibung",
        "bezeichnung", "maßnahmenbeschreibung",
    ),
    "unterziel": ("unterziel", "unterziele", "uz", "unterziel-nr", "unterziel nr", "nr. unterziel"),
    "status": ("ampel", "status", "bewertung", "ampelstatus", "ampel/status", "ampelfarbe", "ampel-status"),
    "auswertung": (
        "in auswertung", "auswertung", "in die auswertung", "ausgewertet", "in auswertung eingeflossen",
        "in auswertung (x)", "auswertung (x)",
    ),
    "bemerkung": ("bemerkung", "bemerkungen", "anmerkung", "anmerkungen", "kommentar", "kommentare", "hinweis", "hinweise"),
    "verantwortlich": ("verantwortlich", "zuständig", "zuständigkeit", "federführung", "verantwortung", "zuständige stelle"),
    "zeitraum": ("zeitraum", "frist", "umsetzung bis", "zeitplan", "termin", "zeitrahmen"),
}
_HEADER_LOOKUP: dict[str, str] = {_norm(s): role for role, syns in HEADER_SYNONYMS.items() for s in syns}

_TITLE_WORDS = {"handlungsfeld": Art.HANDLUNGSFELD, "querschnittsthema": Art.QUERSCHNITTSTHEMA}
_TITLE_RE = re.compile(r"^\s*([A-Za-zÄÖÜäöüß]+)\b\s*[:\-–—]?\s*(.*)$", re.S)
_UZ_TEXT_RE = re.compile(
    r"^\s*(?:Unterziel|UZ)\s*(\d+)\s*(?:von\s*\d+)?\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$", re.I | re.S
)
_UZ_NR_RE = re.compile(r"^\s*(?:U|UZ|Unterziel)\s*(\d+)\s*$", re.I)
_M_TEXT_RE = re.compile(r"^\s*(?:Maßnahme|Massnahme|M)\s*(\d+(?:\.\d+)?)\s*(?:von\s*\d+)?\s*[:.\-–—)]\s*(.*)$", re.I | re.S)
_LEADING_NR_RE = re.compile(r"^\s*(\d+)\s*(?:[:.\-–—)]\s*|\s+|$)(.*)$", re.S)
_DOTTED_RE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")

_STATUS_WORDS: dict[str, Status] = {
    "grün": Status.GRUEN, "gruen": Status.GRUEN, "grun": Status.GRUEN, "green": Status.GRUEN,
    "realisiert": Status.GRUEN, "umgesetzt": Status.GRUEN, "erledigt": Status.GRUEN, "🟢": Status.GRUEN,
    "gelb": Status.GELB, "yellow": Status.GELB, "amber": Status.GELB, "orange": Status.GELB,
    "in arbeit": Status.GELB, "in planung": Status.GELB, "🟡": Status.GELB, "🟠": Status.GELB,
    "rot": Status.ROT, "red": Status.ROT, "nicht verfolgt": Status.ROT, "🔴": Status.ROT,
}
_STATUS_LETTERS = {"y": Status.GELB, "r": Status.ROT}
_STATUS_WORD_RE = re.compile(r"^([a-zäöüß]+|[\U0001F7E0-\U0001F7EB])")

_TRUE_FLAGS = {"x", "ja", "j", "1", "✓", "✔", "✔️", "yes", "y", "true", "wahr", "ok", "•", "●"}
_FALSE_FLAGS = {"nein", "n", "0", "-", "–", "no", "false", "falsch", ""}


@functools.lru_cache(maxsize=4096)
def parse_status_text(text: str) -> tuple[Status | None, bool]:
    """Status named by a status cell's text, and whether it was an ambiguous "G".

    Accepts Grün/Gelb/Rot in any case and spacing, with or without umlaut, English words,
    the symbols 🟢 🟡 🔴, and the letters Y and R. A lone "G" is ambiguous (Grün or Gelb);
    the reader resolves it for the whole workbook (see :func:`read`).
    """
    t = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()
    if not t:
        return None, False
    if t in _STATUS_WORDS:
        return _STATUS_WORDS[t], False
    if t in _STATUS_LETTERS:
        return _STATUS_LETTERS[t], False
    if t == "g":
        return None, True
    compact = t.replace(" ", "")
    if compact in _STATUS_WORDS:
        return _STATUS_WORDS[compact], False
    m = _STATUS_WORD_RE.match(t)
    if m and m.group(1) in _STATUS_WORDS:
        return _STATUS_WORDS[m.group(1)], False
    return None, False


def parse_flag(value: Any) -> bool | None:
    """An In-Auswertung cell: True, False, or None when it cannot be read."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    t = _norm(str(value))
    if t in _TRUE_FLAGS:
        return True
    if t in _FALSE_FLAGS:
        return False
    return None


def _text(value: Any) -> str:
    """Cell value as the text staff see (numbers without .0, dates as TT.MM.JJJJ)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _nr_text(value: Any) -> str:
    """A number cell as written: 5 → "5", 2.3 → "2.3", "M 5" → "5"."""
    if type(value) is int:  # the usual case, nothing to strip
        return str(value)
    t = _text(value)
    t = re.sub(r"^(?:Nr\.?|Maßnahme|Massnahme|M)\s*", "", t, flags=re.I)
    return t.strip().rstrip(".")


def _is_int_text(t: str) -> bool:
    return t.isdigit()


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def match_title(text: str) -> tuple[Art, str] | None:
    """``"Handlungsfeld Sprache"`` → (Art.HANDLUNGSFELD, "Sprache"); typos tolerated."""
    m = _TITLE_RE.match(text)
    if not m:
        return None
    word = m.group(1).casefold()
    for key, art in _TITLE_WORDS.items():
        if word == key or (len(word) >= len(key) - 3 and _similar(word, key) >= 0.82):
            return art, re.sub(r"\s+", " ", m.group(2)).strip(" :-–—")
    return None


@functools.lru_cache(maxsize=None)
def _col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _ref(col: int, row: int) -> str:
    return f"{_col_letter(col)}{row}"


@functools.lru_cache(maxsize=4096)
def _fill_name(rgb: str) -> str:
    """:func:`~ampel_xl.colors.color_name`, once per resolved colour."""
    return color_name(rgb)


# --------------------------------------------------------------------------------------------
# Low level: cells with style and formula flag, streamed by openpyxl's sheet parser


@dataclass(slots=True)
class _Cell:
    value: Any
    style: int
    formula: bool


# The big parts (worksheets, shared strings) are parsed with the C ElementTree parser: openpyxl
# parses them with defusedxml's iterparse, a pure-Python expat driver that takes most of the
# read time of a large master. Every part goes through _NoDTD first, which refuses a document
# type declaration before the parser sees it: without a DTD no entity can be declared (billion
# laughs) or fetched (XXE). sniff.check_master_file refuses such files before reading; this is
# the second line of defence, independent of it.

_PROLOG_MAX = 1 << 20


def _prolog_verdict(buf: bytes, eof: bool) -> bool | None:
    """True when a declaration (``<!DOCTYPE`` …) precedes the root element, False when none
    does, None when ``buf`` ends before that is decided. NUL bytes must be dropped first (so
    that UTF-16 markup reads as ASCII)."""
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
        if i >= n or buf[i] != 0x3C:  # "<"
            return False  # no markup: left to the parser
        if buf.startswith(b"<?", i):
            end = b"?>"
        elif buf.startswith(b"<!--", i):
            end = b"-->"
        elif buf.startswith(b"<!", i):
            return True
        else:
            return False  # the root element
        j = buf.find(end, i + 2)
        if j < 0:
            return False if eof else None
        i = j + len(end)


class _NoDTD:
    """Read-through wrapper of an XML part: refuses a part with a DTD (ValueError)."""

    def __init__(self, src) -> None:
        self._src = src
        self._head: bytes | None = None

    def read(self, size: int = -1) -> bytes:
        if self._head is None:
            head = b""
            while True:
                chunk = self._src.read(1 << 16)
                head += chunk
                verdict = _prolog_verdict(head.replace(b"\x00", b""), eof=not chunk)
                if verdict:
                    raise ValueError("XML part with a document type declaration (DTD) refused")
                if verdict is False:
                    break
                if len(head) > _PROLOG_MAX:
                    raise ValueError("XML part with an overlong prolog refused")
            self._head = head
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._src.read(size)


def _read_shared_strings(src) -> list[str]:
    """openpyxl's read_string_table with the C parser: the plain text of every ``<si>`` (its
    ``<t>`` and the ``<t>`` of its runs; phonetic runs left out), ``_x005F_`` unescaped."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.xml.constants import SHEET_MAIN_NS

    si_tag, t_tag, r_tag = (f"{{{SHEET_MAIN_NS}}}{t}" for t in ("si", "t", "r"))
    strings: list[str] = []
    for _, node in iterparse(_NoDTD(src)):
        if node.tag == si_tag:
            t = node.find(t_tag)
            parts = [t.text] if t is not None and t.text is not None else []
            for run in node.iterfind(r_tag):
                rt = run.find(t_tag)
                if rt is not None and rt.text is not None:
                    parts.append(rt.text)
            strings.append("".join(parts).replace("x005F_", ""))
            node.clear()
    return strings


def _load_workbook(path: Path):
    """``openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)``,
    with the shared strings read by :func:`_read_shared_strings`."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class _Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            """Dimensions stay unknown: the reader never asks for them, and openpyxl would
            parse the start of every sheet with its slow parser to find them."""

    class _Reader(ExcelReader):
        def read_strings(self) -> None:  # noqa: D102 - see ExcelReader
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = _read_shared_strings(src)

        def read_worksheets(self) -> None:
            """The read-only branch of ExcelReader.read_worksheets, with :class:`_Sheet`."""
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = _Reader(path, read_only=True, keep_vba=False, data_only=True, keep_links=False, rich_text=False)
    reader.read()
    return reader.wb


def _make_parser_class():
    from xml.etree.ElementTree import iterparse

    from openpyxl.cell.text import Text
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import (
        FORMULA_TAG,
        INLINE_STRING,
        MERGE_TAG,
        ROW_TAG,
        VALUE_TAG,
        WorkSheetParser,
    )
    from openpyxl.worksheet.merge import MergeCells

    columns: dict[str, int] = {}

    def column(coordinate: str) -> int:
        letters = coordinate.rstrip("0123456789")
        col = columns.get(letters)
        if col is None:
            name = letters.replace("$", "").upper()
            if letters == coordinate or not (name.isascii() and name.isalpha() and len(name) <= 3):
                raise ValueError(f"Invalid cell coordinates ({coordinate})")
            col = 0
            for ch in name:
                col = col * 26 + ord(ch) - 64
            columns[letters] = col
        return col

    class _Parser(WorkSheetParser):
        """openpyxl's streaming sheet parser (data only), reduced to what the reader uses.

        Rows come as ``{column: _Cell}`` with the cells that hold a value, a style or a formula
        (text of only blanks counts as no value); values are converted as openpyxl converts
        them. Besides rows, only the row dimensions and the merged cells are kept.
        """

        def parse(self):  # noqa: D102 - see WorkSheetParser
            for _, element in iterparse(_NoDTD(self.source)):
                tag = element.tag
                if tag == ROW_TAG:
                    row = self.parse_row(element)
                    element.clear()
                    yield row
                elif tag == MERGE_TAG:
                    self.merged_cells = MergeCells.from_tree(element)
                    element.clear()

        def parse_row(self, row):  # noqa: D102 - see WorkSheetParser
            attrs = row.attrib
            r = attrs.get("r")
            if r is not None:
                try:
                    self.row_counter = int(r)
                except ValueError:
                    val = float(r)
                    if not val.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    self.row_counter = int(val)
            else:
                self.row_counter += 1
            if any(k not in ("r", "spans") and not k.startswith("{") for k in attrs):
                self.row_dimensions[str(self.row_counter)] = dict(attrs)
            cells: dict[int, _Cell] = {}
            col = 0
            shared = self.shared_strings
            date_formats = self.date_formats
            for element in row:
                get = element.get
                coordinate = get("r")
                col = column(coordinate) if coordinate else col + 1
                style = get("s")
                style = int(style) if style else 0
                data_type = get("t", "n")
                formula = element.find(FORMULA_TAG) is not None
                value: Any = None
                if data_type == "inlineStr":
                    child = element.find(INLINE_STRING)
                    if child is not None:
                        value = Text.from_tree(child).content
                else:
                    v = element.findtext(VALUE_TAG) or None
                    if v is None:
                        pass
                    elif data_type == "n":
                        value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                        if style in date_formats:
                            try:
                                value = from_excel(value, self.epoch, timedelta=style in self.timedelta_formats)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif data_type == "s":
                        value = shared[int(v)]
                    elif data_type == "b":
                        value = bool(int(v))
                    elif data_type == "d":
                        value = from_ISO8601(v)
                    else:
                        value = v
                if isinstance(value, str) and not value.strip():
                    value = None
                if value is None and not style and not formula:
                    continue
                cells[col] = _Cell(value, style, formula)
            return self.row_counter, cells

    return _Parser


@dataclass
class _Styles:
    """Resolves a cell style id to (fill RGB, colour class), once per style id."""

    wb: Any
    resolver: ColorResolver
    cache: dict[int, tuple[str | None, ColorClass]] = field(default_factory=dict)

    def fill(self, style_id: int) -> tuple[str | None, ColorClass]:
        hit = self.cache.get(style_id)
        if hit is not None:
            return hit
        rgb: str | None = None
        try:
            xf = self.wb._cell_styles[style_id]
            fill = self.wb._fills[xf.fillId]
            rgb = self.resolver.resolve_fill(fill)
        except (IndexError, AttributeError, TypeError, ValueError):
            rgb = None
        result = (rgb, classify(rgb))
        self.cache[style_id] = result
        return result


# --------------------------------------------------------------------------------------------
# Opening


def _open_workbook(path: Path):
    from .sniff import check_master_file

    check_master_file(path)
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _load_workbook(path)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        if _is_damage(exc):
            raise _damaged(path, exc) from exc
        raise ReadError(
            f"„{path.name}“ lässt sich nicht als Excel-Arbeitsmappe lesen ({type(exc).__name__}). "
            f"Bitte öffnen Sie die Datei in Excel und speichern Sie sie erneut als .xlsx."
        ) from exc


# What a damaged part raises while it is inflated or parsed: a bad CRC, a part shorter or
# longer than declared, broken deflate data, broken XML (ParseError is a SyntaxError).
_DAMAGE = (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError)


def _is_damage(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _damaged(path: Path, exc: BaseException) -> ReadError:
    return ReadError(
        f"„{path.name}“ ist beschädigt oder unvollständig ({type(exc).__name__}). "
        f"Bitte öffnen Sie die Datei in Excel und speichern Sie sie erneut."
    )


def _resolver(wb) -> ColorResolver:
    theme = Theme.from_xml(getattr(wb, "loaded_theme", None))
    indexed = None
    try:
        from openpyxl.styles.colors import COLOR_INDEX

        if wb._colors is not COLOR_INDEX and list(wb._colors) != list(COLOR_INDEX):
            indexed = list(wb._colors)
    except AttributeError:
        pass
    return ColorResolver(theme, indexed)


# --------------------------------------------------------------------------------------------
# Public entry point


def read(path: str | os.PathLike[str]) -> Konzept:
    """Read a master workbook (.xlsx/.xlsm) into a :class:`~ampel_xl.model.Konzept`.

    The file is only read, never written. Raises :class:`~ampel_xl.errors.ReadError` with a
    German message when the file is no readable workbook; everything else that is odd about
    the master is kept as evidence for :func:`ampel_xl.validate`.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        with _gc_paused():
            return _read_workbook(wb, path)
    except ReadError:
        raise
    except _DAMAGE as exc:
        raise _damaged(path, exc) from exc
    finally:
        try:
            wb.close()
        except Exception:  # pragma: no cover - closing must never mask the real outcome
            pass


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. Reading builds no reference cycles worth collecting,
    but a large master makes millions of live objects that every full collection walks again:
    a quarter of the read time at 100,000 measures, and the cost per measure grows with size.

    Afterwards the new objects sit in the youngest generation: the next collections would walk
    them twice on their way to the oldest one, and a full collection again, in whatever the
    caller does next. After a large read one full collection walks them once instead."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        created = gc.get_count()[0]
        gc.enable()
        if created > _GC_COLLECT_AFTER:
            gc.collect()


_GC_COLLECT_AFTER = 100_000
"""New container objects (about three per measure) after which a read ends with a full collection."""


def _read_workbook(wb, path: Path) -> Konzept:
    styles = _Styles(wb, _resolver(wb))
    parser_cls = _make_parser_class()
    felder: list[Feld] = []
    sheets: list[SheetInfo] = []
    meta: dict[str, Any] = {}
    meta_rows: list[tuple[str, Any]] = []
    meta_cells: list[tuple[str, str]] = []
    declared: tuple[DeclaredFeld, ...] | None = None
    declared_total: DeclaredFeld | None = None
    konzept_sheet: str | None = None
    anomalies: list[Anomaly] = []
    ctx = _WorkbookContext(file_name=path.name)

    worksheet_names = {ws.title for ws in wb.worksheets}
    for name in wb.sheetnames:
        hidden = False
        if name not in worksheet_names:  # chart sheets
            sheets.append(SheetInfo(name, "ignoriert"))
            continue
        ws = wb[name]
        hidden = getattr(ws, "sheet_state", "visible") != "visible"
        if _norm(name) in ("konzept", "konzeptblatt", "konzept-info"):
            konzept_sheet = name
            rows = _iter_rows(ws, parser_cls)
            meta_rows, meta_cells, declared, declared_total = _read_konzept(rows)
            sheets.append(SheetInfo(name, "konzept", hidden))
            continue
        sheet = _SheetReader(ws, name, styles, parser_cls, ctx)
        feld = sheet.run()
        if feld is None:
            sheets.append(SheetInfo(name, "ignoriert", hidden))
        else:
            felder.append(feld)
            sheets.append(SheetInfo(name, "feld", hidden))

    # A lone "G" means Grün only where the workbook also uses "Y" (an English G/Y/R scheme).
    if ctx.letters_seen and "y" in ctx.letters_seen:
        felder = [_resolve_g(f) for f in felder]

    any_marked = any(m.marked for f in felder for m in f.massnahmen)
    if not any_marked:
        felder = [_mark_all(f) for f in felder]

    for key, value in meta_rows:
        meta.setdefault(_norm(key), value)

    def meta_value(*keys: str) -> Any:
        for k in keys:
            if meta.get(k) not in (None, ""):
                return meta[k]
        return None

    stand = meta_value("stand", "stichtag", "datum")
    modified = None
    try:
        modified = wb.properties.modified
    except AttributeError:
        pass
    return Konzept(
        source=str(path),
        felder=tuple(felder),
        titel=_str_or_none(meta_value("titel", "title", "konzept", "name")),
        gebiet=_str_or_none(meta_value("gebiet", "landkreis", "kommune", "kreis")),
        stand=_parse_stand(stand),
        kopfzeile=_str_or_none(meta_value("kopfzeile", "kopfzeile für ausdrucke", "kopfzeile (ausdruck)")),
        amt=_str_or_none(meta_value("amt", "dienststelle", "referat", "stelle", "herausgeber")),
        meta=tuple(meta_rows),
        meta_cells=tuple(meta_cells),
        declared=declared,
        declared_total=declared_total,
        konzept_sheet=konzept_sheet,
        sheets=tuple(sheets),
        any_marked=any_marked,
        modified=modified,
        anomalies=tuple(anomalies),
    )


def _str_or_none(value: Any) -> str | None:
    t = _text(value)
    return t or None


def _parse_stand(value: Any) -> _dt.date | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    t = _text(value)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return _dt.datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    return t


def _resolve_g(feld: Feld) -> Feld:
    def fix(m: Massnahme) -> Massnahme:
        if m.evidence.text_ambiguous:
            return replace(m, evidence=replace(m.evidence, text_status=Status.GRUEN, text_ambiguous=False))
        return m

    return replace(
        feld,
        unterziele=tuple(replace(u, massnahmen=tuple(fix(m) for m in u.massnahmen)) for u in feld.unterziele),
        orphans=tuple(fix(m) for m in feld.orphans),
    )


def _mark_all(feld: Feld) -> Feld:
    def fix(m: Massnahme) -> Massnahme:
        return replace(m, in_auswertung=True)

    return replace(
        feld,
        unterziele=tuple(replace(u, massnahmen=tuple(fix(m) for m in u.massnahmen)) for u in feld.unterziele),
        orphans=tuple(fix(m) for m in feld.orphans),
    )


@dataclass
class _WorkbookContext:
    letters_seen: set[str] = field(default_factory=set)
    file_name: str = ""
    table_rows: int = 0


def _iter_rows(ws, parser_cls, row_dims: dict | None = None, parser_out: list | None = None
               ) -> Iterator[tuple[int, dict[int, _Cell]]]:
    """Stream (row number, {column: cell}) for one sheet."""
    wb = ws.parent
    with ws._get_source() as src:
        parser = parser_cls(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        if parser_out is not None:
            parser_out.append(parser)
        yield from parser.parse()


# --------------------------------------------------------------------------------------------
# The Konzept sheet

_KONZEPT_COLS = {
    "feld": ("feld", "handlungsfeld", "bezeichnung", "name", "handlungsfeld/querschnittsthema"),
    "art": ("art", "typ", "kategorie"),
    "unterziele": ("unterziele", "anzahl unterziele", "unterziel", "uz"),
    "massnahmen": ("maßnahmen", "massnahmen", "anzahl maßnahmen", "maßnahme"),
}
_KONZEPT_LOOKUP = {_norm(s): k for k, syns in _KONZEPT_COLS.items() for s in syns}


def _read_konzept(rows: Iterator[tuple[int, dict[int, _Cell]]]):
    meta: list[tuple[str, Any]] = []
    cells: list[tuple[str, str]] = []
    declared: list[DeclaredFeld] = []
    total: DeclaredFeld | None = None
    header: dict[str, int] | None = None
    for idx, row in rows:
        values = {c: cell.value for c, cell in row.items() if cell.value is not None}
        if not values:
            continue
        if header is None:
            roles = {}
            for c, v in values.items():
                if isinstance(v, str) and _norm(v) in _KONZEPT_LOOKUP:
                    roles.setdefault(_KONZEPT_LOOKUP[_norm(v)], c)
            if "feld" in roles and ("unterziele" in roles or "massnahmen" in roles):
                header = roles
                continue
            cols = sorted(values)
            key = values[cols[0]]
            if isinstance(key, str) and len(cols) >= 2:
                meta.append((key.strip().rstrip(":"), values[cols[1]]))
                cells.append((key.strip().rstrip(":"), _ref(cols[1], idx)))
            continue
        name = _text(values.get(header["feld"]))
        if not name:
            continue
        entry = DeclaredFeld(
            name=name,
            art=_text(values.get(header.get("art", -1))) or None,
            unterziele=_int_or_none(values.get(header.get("unterziele", -1))),
            massnahmen=_int_or_none(values.get(header.get("massnahmen", -1))),
            row=idx,
        )
        if _norm(name) in ("gesamt", "summe", "insgesamt", "total", "integrationskonzept gesamt"):
            total = entry
        else:
            declared.append(entry)
    return meta, cells, (tuple(declared) if header is not None else None), total


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    t = _text(value)
    return int(t) if t.isdigit() else None


# --------------------------------------------------------------------------------------------
# A field sheet

_TITLE_SCAN_ROWS = 8
_HEADER_SCAN_ROWS = 60
MAX_TABLE_ROWS = 200_000
"""Most table rows with content (measures and Unterziele) in one workbook. A county's master has
a few hundred, a state-wide roll-up about 100,000 (the benchmark's largest); the cap bounds time
and memory for a small file that holds millions of rows."""
_LABELS = {"oberziel": "oberziel", "sachstand": "sachstand", "highlights": "highlights", "highlight": "highlights",
           "einleitung": "einleitung", "ausblick": "ausblick"}
_LABEL_RE = re.compile(r"^\s*(Oberziel|Sachstand|Highlights?|Einleitung|Ausblick)\b\s*[:\-–—]?\s*(.*)$", re.I | re.S)


@dataclass
class _Pending:
    """An integer-numbered row that is an Unterziel if the next row is numbered "<n>.k"."""

    row: int
    cells: dict[int, _Cell]
    nr: str


class _SheetReader:
    def __init__(self, ws, name: str, styles: _Styles, parser_cls, ctx: _WorkbookContext) -> None:
        self.ws = ws
        self.name = name
        self.styles = styles
        self.parser_cls = parser_cls
        self.ctx = ctx
        self.title: tuple[Art, str, str, str] | None = None  # art, name, title text, cell
        self.labels: dict[str, tuple[str, str | None]] = {}  # label → (text, cell)
        self.highlight_lines: list[str] = []
        self.highlight_col: int | None = None
        self.highlight_row: int = -2
        self.roles: dict[str, int] = {}
        self.extras: list[tuple[str, int]] = []
        self.header_row: int | None = None
        self.unterziele: list[dict[str, Any]] = []  # dicts: nr, text, row, cell, evidence, massnahmen
        self.uz_by_nr: dict[int, dict[str, Any]] = {}
        self.current_uz: dict[str, Any] | None = None
        self.orphans: list[Massnahme] = []
        self.anomalies: list[Anomaly] = []
        self.pending: _Pending | None = None
        self.carried: list[tuple[int, int]] = []  # (row, col) of empty Unterziel cells carried down
        self.last_uz_value: tuple[int | None, str] | None = None
        self.flat = False
        self.parser_box: list = []
        self.role_cols: set[int] | None = None
        self.evidence_row = -1
        self.evidence_memo: StatusEvidence | None = None

    # -- streaming -------------------------------------------------------------------------
    def run(self) -> Feld | None:
        rows = _iter_rows(self.ws, self.parser_cls, parser_out=self.parser_box)
        for idx, row in rows:
            if self.header_row is None:
                if self.title is None:
                    if idx > _TITLE_SCAN_ROWS:
                        return None  # not a field sheet: stop reading it
                    self._look_for_title(idx, row)
                    if self.title is None:
                        continue
                if self._look_for_header(idx, row):
                    continue
                self._look_for_labels(idx, row)
                continue
            self._table_row(idx, row)
        if self.title is None:
            return None
        self._flush_pending()
        self._check_carried()
        return self._build()

    def _row_hidden(self, idx: int) -> tuple[bool, int | None]:
        parser = self.parser_box[0] if self.parser_box else None
        if parser is None:
            return False, None
        attrs = parser.row_dimensions.get(str(idx))
        if not attrs:
            return False, None
        hidden = str(attrs.get("hidden", "0")).lower() in ("1", "true")
        style = None
        if str(attrs.get("customFormat", "0")).lower() in ("1", "true") and attrs.get("s"):
            try:
                style = int(attrs["s"])
            except ValueError:
                style = None
        return hidden, style

    def _look_for_title(self, idx: int, row: dict[int, _Cell]) -> None:
        for col in sorted(row):
            value = row[col].value
            if isinstance(value, str):
                hit = match_title(value)
                if hit:
                    art, name = hit
                    if not name:
                        name = self.name
                    elif name.isupper() and _norm(name) == _norm(self.name):
                        name = self.name
                    self.title = (art, name, value.strip(), _ref(col, idx))
                    return

    def _look_for_labels(self, idx: int, row: dict[int, _Cell]) -> None:
        cols = sorted(c for c in row if row[c].value is not None)
        label_found = False
        consumed: set[int] = set()
        for i, col in enumerate(cols):
            value = row[col].value
            if col in consumed or not isinstance(value, str):
                continue
            m = _LABEL_RE.match(value)
            if not m:
                continue
            label_found = True
            key = _LABELS[m.group(1).casefold()]
            rest = m.group(2).strip()
            cell = _ref(col, idx)
            if not rest and i + 1 < len(cols):
                other = cols[i + 1]
                t = _text(row[other].value)
                if t and not _LABEL_RE.match(t):
                    rest, cell = t, _ref(other, idx)
                    consumed.add(other)
                    if key == "highlights":
                        self.highlight_col = other
            if key not in self.labels:
                self.labels[key] = (rest, cell if rest else None)
            if key == "highlights":
                self.highlight_lines.extend(_split_lines(rest))
                self.highlight_row = idx
        if not label_found and self.highlight_col is not None and idx == self.highlight_row + 1:
            # continuation lines of the Highlights, in the value column right below
            t = _text(row.get(self.highlight_col, _Cell(None, 0, False)).value)
            if t and cols == [self.highlight_col]:
                self.highlight_lines.extend(_split_lines(t))
                self.highlight_row = idx

    def _look_for_header(self, idx: int, row: dict[int, _Cell]) -> bool:
        if idx > _HEADER_SCAN_ROWS:
            return False
        roles: dict[str, int] = {}
        unknown: list[tuple[str, int]] = []
        for col in sorted(row):
            value = row[col].value
            if not isinstance(value, str):
                if value is not None:
                    unknown.append((_text(value), col))
                continue
            role = _HEADER_LOOKUP.get(_norm(value))
            if role and role not in roles:
                roles[role] = col
            elif value.strip():
                unknown.append((value.strip(), col))
        if "text" not in roles or not ({"status", "nr"} & roles.keys()):
            return False
        self.roles = roles
        self.extras = unknown
        self.header_row = idx
        self.flat = "unterziel" in roles
        return True

    # -- table rows ------------------------------------------------------------------------
    def _value(self, row: dict[int, _Cell], role: str) -> Any:
        col = self.roles.get(role)
        if col is None:
            return None
        cell = row.get(col)
        return None if cell is None else cell.value

    def _table_row(self, idx: int, row: dict[int, _Cell]) -> None:
        role_cols = self.role_cols
        if role_cols is None:  # the header is known from here on
            role_cols = self.role_cols = set(self.roles.values()) | {c for _, c in self.extras}
        if not any(row[c].value is not None or row[c].formula for c in row if c in role_cols):
            # blank row (possibly painted): nothing to read
            return
        self.ctx.table_rows += 1
        if self.ctx.table_rows > MAX_TABLE_ROWS:
            limit = f"{MAX_TABLE_ROWS:,}".replace(",", ".")
            raise ReadError(
                f"„{self.ctx.file_name}“ hat mehr als {limit} Tabellenzeilen mit Inhalt – so groß ist kein "
                f"Ampel-Master, daher wird die Datei nicht weiter gelesen. Bitte prüfen Sie, ob Sie die richtige Datei "
                f"gewählt haben."
            )
        nr = _nr_text(self._value(row, "nr"))
        text = _text(self._value(row, "text"))

        # an Unterziel row: "Unterziel 3: …" in the text cell, or "U3" in Nr
        m = _UZ_TEXT_RE.match(text) if text else None
        if m and not self.flat:
            self._flush_pending()
            self._start_unterziel(int(m.group(1)), m.group(2).strip(), idx, row, "text")
            return
        if m and self.flat:
            # a heading row inside a flat table: it names the Unterziel text
            self._flush_pending()
            self._flat_unterziel(int(m.group(1)), m.group(2).strip(), idx, row)
            return
        m2 = _UZ_NR_RE.match(nr) if nr else None
        if m2:
            self._flush_pending()
            self._start_unterziel(int(m2.group(1)), text, idx, row, "nr")
            return

        if self.pending is not None:
            dotted = _DOTTED_RE.match(nr) if nr else None
            if dotted and dotted.group(1) == self.pending.nr:
                p = self.pending
                self.pending = None
                self._start_unterziel(int(p.nr), _text(self._value(p.cells, "text")), p.row, p.cells, "nr")
            else:
                self._flush_pending()
        if not self.flat and nr and _is_int_text(nr) and self._no_status(row, idx):
            # maybe an Unterziel row numbered alone; decided by the next row
            self.pending = _Pending(idx, row, nr)
            return
        self._measure(idx, row, nr, text)

    def _no_status(self, row: dict[int, _Cell], idx: int) -> bool:
        ev = self._evidence(row, idx)
        return ev is None or ev.empty

    def _flush_pending(self) -> None:
        if self.pending is not None:
            p = self.pending
            self.pending = None
            self._measure(p.row, p.cells, p.nr, _text(self._value(p.cells, "text")))

    def _start_unterziel(self, nr: int, text: str, idx: int, row: dict[int, _Cell], how: str) -> None:
        col = self.roles["text"] if how == "text" else self.roles.get("nr", self.roles["text"])
        uz = {
            "nr": nr, "text": text, "row": idx, "cell": _ref(col, idx),
            "evidence": self._evidence(row, idx), "massnahmen": [],
        }
        self.unterziele.append(uz)
        self.uz_by_nr.setdefault(nr, uz)
        self.current_uz = uz

    def _flat_unterziel(self, nr: int, text: str, idx: int, row: dict[int, _Cell]) -> dict[str, Any]:
        uz = self.uz_by_nr.get(nr)
        if uz is None:
            uz = {"nr": nr, "text": text, "row": idx, "cell": _ref(self.roles["unterziel"], idx),
                  "evidence": None, "massnahmen": []}
            self.unterziele.append(uz)
            self.uz_by_nr[nr] = uz
        elif text and not uz["text"]:
            uz["text"] = text
        return uz

    def _evidence(self, row: dict[int, _Cell], idx: int) -> StatusEvidence | None:
        """The status cell's evidence; kept for the last row (a measure row is asked twice)."""
        if idx != self.evidence_row:
            self.evidence_row, self.evidence_memo = idx, self._status_evidence(row, idx)
        return self.evidence_memo

    def _status_evidence(self, row: dict[int, _Cell], idx: int) -> StatusEvidence | None:
        col = self.roles.get("status")
        if col is None:
            return None
        cell = row.get(col)
        ref = _ref(col, idx)
        if cell is None:
            return StatusEvidence(cell=ref)
        text = _text(cell.value) if cell.value is not None else None
        status, ambiguous = (parse_status_text(text) if text else (None, False))
        if text and len(text.strip()) == 1:
            self.ctx.letters_seen.add(text.strip().casefold())
        rgb, cls = self.styles.fill(cell.style)
        return StatusEvidence(
            cell=ref,
            text=text or None,
            text_status=status,
            text_ambiguous=ambiguous,
            fill=rgb,
            color_class=cls.value,
            color_name=_fill_name(rgb) if rgb and cls is not ColorClass.NEUTRAL else None,
            formula_uncached=cell.formula and cell.value is None,
        )

    def _is_blue(self, row: dict[int, _Cell], role: str) -> bool:
        col = self.roles.get(role)
        if col is None or col not in row:
            return False
        return self.styles.fill(row[col].style)[1] is ColorClass.BLAU

    def _measure(self, idx: int, row: dict[int, _Cell], nr: str, text: str) -> None:
        if not nr and text:
            mt = _M_TEXT_RE.match(text)
            if mt:
                nr, text = mt.group(1), mt.group(2).strip()
        evidence = self._evidence(row, idx) or StatusEvidence()
        hidden, row_style = self._row_hidden(idx)

        # in the evaluation: blue Nr or text cell (or whole row), or the column says so
        marked, source = False, None
        if self._is_blue(row, "nr") or self._is_blue(row, "text"):
            marked, source = True, "blau"
        elif row_style is not None and self.styles.fill(row_style)[1] is ColorClass.BLAU and not (
            (self.roles.get("nr") in row) or (self.roles.get("text") in row)
        ):
            marked, source = True, "blau"
        auswertung_text = None
        if "auswertung" in self.roles:
            raw = self._value(row, "auswertung")
            auswertung_text = _text(raw) or None
            flag = parse_flag(raw)
            if flag is None:
                self.anomalies.append(Anomaly("auswertung_unlesbar", self.name,
                                              _ref(self.roles["auswertung"], idx), idx, auswertung_text or ""))
            elif flag and not marked:
                marked, source = True, "spalte"

        # which Unterziel
        uz: dict[str, Any] | None
        if self.flat:
            uz = self._flat_uz_for_row(idx, row)
        else:
            uz = self.current_uz
        extras = tuple((label, _text(row[c].value) if c in row else "") for label, c in self.extras)
        m = Massnahme(
            feld=self.title[1] if self.title else self.name,
            nr=nr or None,
            text=text,
            unterziel_nr=uz["nr"] if uz else None,
            evidence=evidence,
            marked=marked,
            in_auswertung=marked,
            sheet=self.name,
            row=idx,
            nr_cell=_ref(self.roles["nr"], idx) if "nr" in self.roles else None,
            text_cell=_ref(self.roles["text"], idx),
            hidden=hidden,
            mark_source=source,
            auswertung_text=auswertung_text,
            bemerkung=_text(self._value(row, "bemerkung")),
            verantwortlich=_text(self._value(row, "verantwortlich")),
            zeitraum=_text(self._value(row, "zeitraum")),
            extras=extras,
        )
        if uz is None:
            self.orphans.append(m)
        else:
            uz["massnahmen"].append(m)

    def _flat_uz_for_row(self, idx: int, row: dict[int, _Cell]) -> dict[str, Any] | None:
        col = self.roles["unterziel"]
        raw = row[col].value if col in row else None
        if raw is None:
            if self.last_uz_value is None:
                return None
            self.carried.append((idx, col))
            nr = self.last_uz_value[0]
            return self.uz_by_nr.get(nr) if nr is not None else None
        t = _text(raw)
        m = _UZ_TEXT_RE.match(t) or _LEADING_NR_RE.match(t)
        if not m:
            self.anomalies.append(Anomaly("unterziel_unlesbar", self.name, _ref(col, idx), idx, t))
            self.last_uz_value = (None, t)
            return None
        nr = int(m.group(1))
        self.last_uz_value = (nr, t)
        return self._flat_unterziel(nr, m.group(2).strip(), idx, row)

    def _check_carried(self) -> None:
        """Empty Unterziel cells are fine inside a merged range; elsewhere they are guessed."""
        if not self.carried:
            return
        parser = self.parser_box[0] if self.parser_box else None
        merged = getattr(parser, "merged_cells", None)
        ranges = []
        if merged is not None:
            for mc in getattr(merged, "mergeCell", []) or []:
                try:
                    from openpyxl.utils.cell import range_boundaries

                    min_col, min_row, max_col, max_row = range_boundaries(mc.ref)
                    ranges.append((min_col, min_row, max_col, max_row))
                except (ValueError, TypeError):
                    continue
        for idx, col in self.carried:
            inside = any(c0 <= col <= c1 and r0 < idx <= r1 for c0, r0, c1, r1 in ranges)
            if not inside:
                self.anomalies.append(Anomaly("unterziel_uebernommen", self.name, _ref(col, idx), idx))

    def _build(self) -> Feld:
        art, name, title_text, title_cell = self.title  # type: ignore[misc]
        oberziel = self.labels.get("oberziel")
        sachstand = self.labels.get("sachstand")
        einleitung = self.labels.get("einleitung")
        ausblick = self.labels.get("ausblick")
        table = None
        if self.header_row is not None:
            table = TableInfo(
                header_row=self.header_row,
                layout="flach" if self.flat else "hierarchisch",
                columns=tuple(sorted(((r, _col_letter(c)) for r, c in self.roles.items()), key=lambda x: x[1])),
                extra_columns=tuple((label, _col_letter(c)) for label, c in self.extras),
            )
        unterziele = tuple(
            Unterziel(
                feld=name, nr=u["nr"], text=u["text"], sheet=self.name, row=u["row"], cell=u["cell"],
                evidence=u["evidence"], massnahmen=tuple(u["massnahmen"]),
            )
            for u in self.unterziele
        )
        return Feld(
            name=name,
            art=art,
            sheet=self.name,
            title=title_text,
            title_cell=title_cell,
            oberziel=(oberziel[0] or None) if oberziel else None,
            oberziel_cell=oberziel[1] if oberziel else None,
            sachstand=(sachstand[0] or None) if sachstand else None,
            highlights=tuple(self.highlight_lines),
            einleitung=(einleitung[0] or None) if einleitung else None,
            ausblick=(ausblick[0] or None) if ausblick else None,
            table=table,
            unterziele=unterziele,
            orphans=tuple(self.orphans),
            anomalies=tuple(self.anomalies),
        )


def _split_lines(text: str) -> list[str]:
    out = []
    for line in re.split(r"[\r\n]+", text or ""):
        line = re.sub(r"^\s*[•\-–—*·▪●]\s*", "", line).strip()
        if line:
            out.append(line)
    return out
