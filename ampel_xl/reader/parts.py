"""Stage 1, the workbook parts: the only module of the reader that opens the zip or parses XML.

Every XML part goes through :class:`NoDTD` first, which refuses a document type declaration
before the parser sees it: without a DTD no entity can be declared (billion laughs) or fetched
(XXE). :func:`~ampel_xl.reader.sniff.check_master_file` refuses such files before reading; this is
the second line of defence, run on every part the reader parses, with the same verdict
(:func:`~ampel_xl.reader.sniff.prolog_verdict`, the one DTD guard). Parts are parsed with the C ElementTree parser; the
large ones (worksheets, the shared strings) are streamed item by item (:class:`_Streamed`).

openpyxl is not used: it would drop what the reader needs (the x14 extensions of conditional
formatting and data validation, rich-text runs, the row styles) and its import alone costs a
quarter of a second, so the parts are read here directly.

What comes out is plain data: :class:`WorkbookParts` (sheets, styles, theme, shared strings,
properties, the pictures placed in cells) and, per sheet, :class:`SheetPart` (the cells as stored,
merged ranges, row attributes and the raw elements of conditional formatting, data validation and
``extLst``). A picture placed in a cell (Excel 365, stored as the error ``#VALUE!`` with ``vm``) is
read as an empty cell with its picture (:func:`read_cell_pictures`), never as the error text; the
``vm`` is looked at only in error cells, so the common cells cost nothing more.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as _dt
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, cast
from xml.etree.ElementTree import Element, XMLParser, XMLPullParser

from .numfmt import BUILTIN_FORMATS
from .refs import COLUMNS, CellRange, column_index, parse_range
from .sniff import prolog_verdict

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_M = f"{{{MAIN_NS}}}"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

# --------------------------------------------------------------------------------------------
# The DTD guard (its verdict: sniff.prolog_verdict)

_PROLOG_MAX = 1 << 20
"""Longest prolog NoDTD reads before it refuses the part (sniff refuses past ``MAX_PROLOG`` already)."""


class NoDTD:
    """Read-through wrapper of an XML part: refuses a part with a DTD (ValueError)."""

    def __init__(self, src: IO[bytes]) -> None:
        self._src = src
        self._head: bytes | None = None

    def read(self, size: int = -1) -> bytes:
        if self._head is None:
            head = b""
            while True:
                chunk = self._src.read(1 << 16)
                head += chunk
                verdict = prolog_verdict(head.replace(b"\x00", b""), eof=not chunk)
                if verdict == "dtd":
                    raise ValueError("XML part with a document type declaration (DTD) refused")
                if verdict is not None:
                    break
                if len(head) > _PROLOG_MAX:
                    raise ValueError("XML part with an overlong prolog refused")
            self._head = head
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._src.read(size)


class PartMissing(KeyError):
    """A part the workbook names is not in the zip."""


def _parse(zf: zipfile.ZipFile, name: str) -> Element:
    try:
        src = zf.open(name)
    except KeyError as exc:
        raise PartMissing(name) from exc
    with src:
        guarded = NoDTD(src)
        parser = XMLParser()
        while True:
            chunk = guarded.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
        return _unstrict(parser.close())


class _Streamed:
    """A large part parsed as a stream: iterating yields each child of the ``container`` element
    (``sheetData`` of a sheet; the root itself when None, for the string table) once it is
    complete, and drops it from the tree when the next is asked for, so that the part's tree never
    lives whole. ``root`` is the rest of the part once iteration has ended. Tags of the strict
    namespace read as the main one.

    A sheet of 10,000 rows is a tree of some 200,000 elements: built whole, the cyclic garbage
    collector walks it again and again while it grows; streamed, a few hundred live at a time.
    Still the C parser (``XMLPullParser``), asked only for start events: a child is complete once
    its next sibling has started or the part has ended."""

    def __init__(self, zf: zipfile.ZipFile, name: str, container: str | None = None) -> None:
        self.zf, self.name = zf, name
        self.container = None if container is None else (_M + container, "{" + _STRICT_NS + "}" + container)
        self.root: Element | None = None

    def __iter__(self) -> Iterator[Element]:
        try:
            src = self.zf.open(self.name)
        except KeyError as exc:
            raise PartMissing(self.name) from exc
        container = self.container
        root: Element | None = None
        holder: Element | None = None  # the element whose children are the items
        strict = False
        with src:
            guarded = NoDTD(src)
            parser: XMLPullParser[Element] = XMLPullParser(events=("start",))
            # only start events were asked for: every event is ("start", element)
            read_events = cast("Callable[[], Iterator[tuple[str, Element]]]", parser.read_events)
            done = False
            while not done:
                # small chunks: the elements of one chunk live until its rows are handed over, and
                # what lives through a collection of the young generation is promoted to the old one,
                # whose full collections (walking everything the read keeps) come the sooner the more
                # is promoted (16 KiB chunks: 13 of them at 100,000 measures, 4 KiB: 3)
                chunk = guarded.read(1 << 12)
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
                    done = True
                if holder is None:
                    for _, el in read_events():
                        if root is None:
                            root = el
                            strict = el.tag.startswith("{" + _STRICT_NS)
                            if container is None:
                                holder = el
                                break
                        elif container is not None and el.tag in container and any(c is el for c in root):
                            holder = el
                            break
                    if holder is not None:
                        _events_off(parser)
                _drain(read_events())  # (also raises a syntax error the parser queued)
                if holder is None:
                    continue
                complete = len(holder) if done else len(holder) - 1  # the last child may be open
                for k in range(complete):
                    item = holder[k]
                    if strict:
                        _unstrict_all(item)
                    yield item
                    item.clear()  # its cells go now, not with the batch
                del holder[:complete]
        if root is not None:
            self.root = _unstrict(root)


_drain: Callable[[Iterable[object]], None] = collections.deque[object](maxlen=0).extend
"""Consume an iterator at C speed, keeping nothing."""


def _events_off(parser: XMLPullParser[Element]) -> None:
    """Ask ``parser`` for no more events: once the element whose children are the items is found,
    the items are taken from the tree, and an event per cell (some two million in a sheet of
    100,000 rows) would only be made and dropped. The C parser's ``_setevents`` is what
    ``XMLPullParser`` itself calls; where it is missing, the events go on (and are drained)."""
    inner = getattr(parser, "_parser", None)
    queue = getattr(parser, "_events_queue", None)
    setevents = getattr(inner, "_setevents", None)
    if setevents is not None and queue is not None:
        setevents(queue, ())


def _unstrict_all(el: Element) -> None:
    strict = "{" + _STRICT_NS
    for sub in el.iter():
        if isinstance(sub.tag, str) and sub.tag.startswith(strict):
            sub.tag = _M + sub.tag[len(_STRICT_NS) + 2:]


def _unstrict(root: Element) -> Element:
    """Strict OOXML (ISO 29500 strict) uses other namespaces: rename them to the transitional ones."""
    if root.tag.startswith("{" + _STRICT_NS):
        _unstrict_all(root)
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(el: Element, name: str) -> str | None:
    """An attribute by local name (relationship ids come with their namespace)."""
    v = el.get(name)
    if v is not None:
        return v
    for k, val in el.attrib.items():
        if _local(k) == name:
            return val
    return None


def _true(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "on")


# --------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True, slots=True)
class XColor:
    """A colour as stored: the reader's one XML colour type (cell styles and the differential
    formats of conditional formatting), resolved by :class:`~ampel_xl.reader.colors.ColorResolver`.
    An ``rgb`` wins over ``theme`` and ``indexed``, ``auto`` counts only without any of them."""

    type: str  # "rgb", "theme", "indexed" or "auto"
    rgb: str | None = None
    theme: int | None = None
    indexed: int | None = None
    tint: float = 0.0

    @classmethod
    def from_element(cls, el: Element | None) -> XColor | None:
        if el is None:
            return None
        try:
            tint = float(el.get("tint") or 0.0)
        except ValueError:
            tint = 0.0
        if el.get("rgb"):
            return cls("rgb", rgb=el.get("rgb"), tint=tint)
        for kind in ("theme", "indexed"):
            v = el.get(kind)
            if v is not None:
                try:
                    if kind == "theme":
                        return cls(kind, theme=int(v), tint=tint)
                    return cls(kind, indexed=int(v), tint=tint)
                except ValueError:
                    return None
        if _true(el.get("auto")):
            return cls("auto")
        return None


@dataclass(frozen=True, slots=True)
class XPatternFill:
    patternType: str | None
    fgColor: XColor | None
    bgColor: XColor | None


@dataclass(frozen=True, slots=True)
class XStop:
    position: float
    color: XColor | None


@dataclass(frozen=True, slots=True)
class XGradientFill:
    stop: tuple[XStop, ...]


@dataclass(frozen=True, slots=True)
class XFont:
    name: str | None = None
    color: XColor | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class XStyle:
    """One cell format (``cellXfs`` entry), resolved to its parts. ``painted``: it has a fill that
    may show a colour (an empty cell with another style shows nothing a reader needs)."""

    fill: XPatternFill | XGradientFill | None
    font: XFont
    is_date: bool = False
    painted: bool = False
    number_format: str | None = None
    """The number format's code (built-in ones from :data:`~.numfmt.BUILTIN_FORMATS`); None for General."""


_DATE_BUILTIN = set(range(14, 23)) | {45, 46, 47}
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]|_.|\*.')
_DATE_PARTS = re.compile(r"[dmyhsDMYHS]|AM/PM|A/P|\[(?:h|hh|m|mm|s|ss)\]")


def is_date_format(code: str) -> bool:
    """A number format that shows a date or time (after dropping literal text, colours, locales,
    padding): "TT.MM.JJJJ" in German Excel is stored as "dd/mm/yyyy", "[$-407]mmmm yy", "h:mm"."""
    rest = _FORMAT_LITERALS.sub("", code.split(";")[0])
    if rest.strip().casefold() == "general":
        return False
    return bool(_DATE_PARTS.search(rest))


def from_excel(serial: float, epoch: _dt.datetime) -> _dt.datetime | _dt.time:
    """An Excel serial date as Excel shows it (the 1900 system counts the non-existent 29 Feb 1900)."""
    day, fraction = divmod(serial, 1)
    diff = _dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and diff.days == 0:
        return (_dt.datetime.min + diff).time()
    if epoch.year == 1899 and 0 < serial < 60:
        day += 1
    return epoch + _dt.timedelta(days=day) + diff


def from_iso(text: str) -> _dt.datetime | _dt.date | _dt.time:
    """A cell of type "d" (ISO 8601)."""
    text = text.strip().rstrip("Z")
    if "T" not in text and ":" in text:
        return _dt.time.fromisoformat(text)
    return _dt.datetime.fromisoformat(text)


def _fill_from(el: Element) -> XPatternFill | XGradientFill | None:
    for child in el:
        kind = _local(child.tag)
        if kind == "patternFill":
            return XPatternFill(
                child.get("patternType"),
                XColor.from_element(child.find(_M + "fgColor")),
                XColor.from_element(child.find(_M + "bgColor")),
            )
        if kind == "gradientFill":
            stops = []
            for s in child.findall(_M + "stop"):
                try:
                    pos = float(s.get("position") or 0)
                except ValueError:
                    pos = 0.0
                stops.append(XStop(pos, XColor.from_element(s.find(_M + "color"))))
            return XGradientFill(tuple(stops))
    return None


def _font_from(el: Element) -> XFont:
    name = el.find(_M + "name")
    bold = el.find(_M + "b")
    return XFont(
        name=name.get("val") if name is not None else None,
        color=XColor.from_element(el.find(_M + "color")),
        bold=bold is not None and _true(bold.get("val"), True),
    )


@dataclass
class Styles:
    styles: list[XStyle]
    indexed_colors: list[str] | None
    root: Element | None
    """The parsed ``styles.xml`` (for the differential formats of conditional formatting)."""

    _PLAIN = XStyle(None, XFont())

    def get(self, index: int) -> XStyle:
        try:
            return self.styles[index]
        except IndexError:
            return self._PLAIN

    @classmethod
    def from_root(cls, root: Element | None) -> Styles:
        if root is None:
            return cls([], None, None)

        num_fmts: dict[int, str] = {}
        for nf in root.iterfind(f"{_M}numFmts/{_M}numFmt"):
            try:
                num_fmts[int(nf.get("numFmtId", ""))] = nf.get("formatCode") or ""
            except ValueError:
                continue
        fills = [_fill_from(f) for f in root.iterfind(f"{_M}fills/{_M}fill")]
        fonts = [_font_from(f) for f in root.iterfind(f"{_M}fonts/{_M}font")]
        plain = XFont()
        styles: list[XStyle] = []
        for xf in root.iterfind(f"{_M}cellXfs/{_M}xf"):
            fill = font = None
            try:
                fill = fills[int(xf.get("fillId") or 0)]
            except (ValueError, IndexError):
                fill = None
            try:
                font = fonts[int(xf.get("fontId") or 0)]
            except (ValueError, IndexError):
                font = plain
            try:
                fmt = int(xf.get("numFmtId") or 0)
            except ValueError:
                fmt = 0
            is_date = fmt in _DATE_BUILTIN or (fmt in num_fmts and is_date_format(num_fmts[fmt]))
            painted = isinstance(fill, XGradientFill) or (
                isinstance(fill, XPatternFill) and fill.patternType not in (None, "none"))
            code = num_fmts[fmt] if fmt in num_fmts else BUILTIN_FORMATS.get(fmt)
            if code is not None and (not code or code.casefold() == "general"):
                code = None
            styles.append(XStyle(fill, font or plain, is_date, painted, code))
        indexed = [c.get("rgb") or "" for c in root.iterfind(f"{_M}colors/{_M}indexedColors/{_M}rgbColor")]
        return cls(styles, indexed or None, root)


# --------------------------------------------------------------------------------------------
# Shared strings


@dataclass(frozen=True, slots=True)
class Run:
    """A run of a rich-text cell: its text, whether it is bold, and its own font colour and name."""

    text: str
    bold: bool
    color: XColor | None = None
    font: str | None = None


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")


def _rich(node: Element) -> tuple[str, tuple[Run, ...]]:
    """Text of an ``<si>`` or ``<is>`` element (phonetic runs left out) and its runs when one is bold
    or has a font colour of its own. Digits set superscript read as a person sees them: a footnote
    mark "¹", not a "1"."""
    t_tag, r_tag, rpr_tag, b_tag, va_tag = _M + "t", _M + "r", _M + "rPr", _M + "b", _M + "vertAlign"
    t = node.find(t_tag)
    parts = [t.text] if t is not None and t.text is not None else []
    rich: list[Run] = []
    for run in node.iterfind(r_tag):
        rt = run.find(t_tag)
        if rt is None or rt.text is None:
            continue
        text = rt.text
        rpr = run.find(rpr_tag)
        va = rpr.find(va_tag) if rpr is not None else None
        if va is not None and va.get("val") == "superscript" and any(ch.isdigit() for ch in text) \
                and all(ch in "0123456789+-=() " for ch in text):
            text = text.translate(_SUPERSCRIPT)
        parts.append(text)
        if rpr is None:
            rich.append(Run(_unescape(text), False))
            continue
        b = rpr.find(b_tag)
        font = rpr.find(_M + "rFont")
        rich.append(Run(_unescape(text), b is not None and _true(b.get("val"), True),
                        XColor.from_element(rpr.find(_M + "color")), font.get("val") if font is not None else None))
    keep = any(r.bold or r.color is not None for r in rich)
    return _unescape("".join(parts)), (tuple(rich) if keep else ())


def _read_shared_strings(zf: zipfile.ZipFile, name: str) -> tuple[list[str | None], dict[int, tuple[Run, ...]]]:
    """Plain text of every ``<si>`` (phonetic runs left out; None for a blank one, which reads
    as an empty cell) and the runs of rich strings."""
    t_tag, r_tag = _M + "t", _M + "r"
    strings: list[str | None] = []
    append = strings.append
    runs: dict[int, tuple[Run, ...]] = {}
    for node in _Streamed(zf, name):
        first = node[0] if len(node) == 1 else None
        if first is not None and first.tag == t_tag:  # the usual case: one plain <t>
            text = first.text or ""
            append(_unescape(text) if "_x" in text else text)
            continue
        if node.find(r_tag) is None:
            t = node.find(t_tag)
            text = (t.text or "") if t is not None else ""
            append(_unescape(text) if "_x" in text else text)
            continue
        text, rich = _rich(node)
        if rich:
            runs[len(strings)] = rich
        append(text)
    for i, shown in enumerate(strings):
        if shown is not None and (not shown or shown.isspace()):
            strings[i] = None
    return strings, runs


# --------------------------------------------------------------------------------------------
# The workbook


@dataclass(frozen=True)
class SheetRef:
    name: str
    state: str
    part: str | None
    """Path of the worksheet part in the zip; None for chart sheets and dangling entries."""


@dataclass
class WorkbookParts:
    zf: zipfile.ZipFile
    sheets: list[SheetRef]
    styles: Styles
    theme_xml: bytes | None
    strings: list[str | None]
    """The shared strings (None for a blank one)."""
    rich: dict[int, tuple[Run, ...]]
    date1904: bool
    modified: _dt.datetime | None
    defined_names: dict[str, str] = field(default_factory=dict)
    """Workbook-wide defined names (case-folded) → their formula text."""
    cell_pictures: dict[int, CellPicture] = field(default_factory=dict)
    """Pictures placed in cells (Excel 365 „Bild in Zelle platzieren“), by the ``vm`` index of their cells."""
    rich_damage: tuple[str, str] | None = None
    """(part, what) when the parts of the rich values (pictures in cells) are missing or damaged."""

    def close(self) -> None:
        self.zf.close()

    def sheet(self, ref: SheetRef) -> SheetPart:
        assert ref.part is not None
        return read_sheet(self, ref.part)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id → (type, target path in the zip)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    try:
        root = _parse(zf, name)
    except PartMissing:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter(_PKG_REL):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", path)
    return out


def open_workbook(path: str | os.PathLike[str] | IO[bytes]) -> WorkbookParts:
    """Open the zip and read the workbook-wide parts. Raises KeyError/ValueError/SyntaxError/
    zipfile errors on damage (the caller turns them into a German message)."""
    zf = zipfile.ZipFile(path)
    try:
        root_rels = _rels(zf, "")
        wb_part = next((p for t, p in root_rels.values() if t.endswith("/officeDocument")), "xl/workbook.xml")
        wb = _parse(zf, wb_part)
        rels = _rels(zf, wb_part)
        by_type: dict[str, str] = {}
        for t, p in rels.values():
            by_type.setdefault(t.rsplit("/", 1)[-1], p)
        sheets = []
        for s in wb.iterfind(f"{_M}sheets/{_M}sheet"):
            rid = _attr(s, "id")
            rel = rels.get(rid or "")
            part = rel[1] if rel and rel[0].endswith("/worksheet") and rel[1] in zf.NameToInfo else None
            sheets.append(SheetRef(s.get("name") or "", s.get("state") or "visible", part))
        pr = wb.find(_M + "workbookPr")
        date1904 = pr is not None and _true(pr.get("date1904"))
        has_styles = "styles" in by_type and by_type["styles"] in zf.NameToInfo
        styles_root = _parse(zf, by_type["styles"]) if has_styles else None
        theme_xml = None
        if "theme" in by_type and by_type["theme"] in zf.NameToInfo:
            with zf.open(by_type["theme"]) as src:
                theme_xml = NoDTD(src).read() + src.read()
        strings: list[str | None] = []
        rich: dict[int, tuple[Run, ...]] = {}
        if "sharedStrings" in by_type and by_type["sharedStrings"] in zf.NameToInfo:
            strings, rich = _read_shared_strings(zf, by_type["sharedStrings"])
        modified = _core_modified(zf, root_rels)
        names = {}
        for dn in wb.iterfind(f"{_M}definedNames/{_M}definedName"):
            if dn.get("localSheetId") is None and (name := dn.get("name")) and dn.text:
                names[name.casefold()] = dn.text.strip()
        pictures, damage = read_cell_pictures(zf, rels)
        return WorkbookParts(zf, sheets, Styles.from_root(styles_root), theme_xml, strings, rich, date1904, modified,
                             names, pictures, damage)
    except BaseException:
        zf.close()
        raise


# --------------------------------------------------------------------------------------------
# Pictures placed in cells (Excel 365 „Bild in Zelle platzieren“)

_RD = "{http://schemas.microsoft.com/office/spreadsheetml/2017/richdata}"
_RICH_VALUE = "XLRICHVALUE"


@dataclass(frozen=True, slots=True)
class CellPicture:
    """A picture placed in a cell: its image part in the zip (``""`` where none is found) and its
    alternative text (the rich value's ``Text`` key, ``""`` where it has none)."""

    image: str
    alt: str


DAMAGED_PICTURE = CellPicture("", "")
"""What an error cell with value metadata is read as while the parts of the rich values are damaged."""


def read_cell_pictures(zf: zipfile.ZipFile, rels: dict[str, tuple[str, str]]
                       ) -> tuple[dict[int, CellPicture], tuple[str, str] | None]:
    """The pictures placed in cells, by the ``vm`` index (1-based) of their cells, as Excel writes
    them: ``xl/metadata.xml`` (``valueMetadata/bk/rc`` → the ``XLRICHVALUE`` entry of
    ``futureMetadata`` → ``xlrd:rvb i``), ``xl/richData/rdrichvalue.xml`` (``rv s=`` a structure of
    ``rdrichvaluestructure.xml``, ``_localImage`` with the keys ``_rvRel:LocalImageIdentifier``,
    ``CalcOrigin`` and, in newer builds, ``Text``), ``xl/richData/richValueRel.xml`` and its
    relationships to ``xl/media/imageN.png``. A rich value of another structure (a linked data
    type) is no picture. Missing or damaged parts give (part, what) instead of raising."""
    by_type: dict[str, str] = {}
    for t, target in rels.values():
        by_type.setdefault(t.rsplit("/", 1)[-1].casefold(), target)
    meta = by_type.get("sheetmetadata")
    if meta is None:
        return {}, None
    current = meta
    try:
        root = _parse(zf, meta)
        types = [el.get("name") or "" for el in root.iter(_M + "metadataType")]
        future: list[int | None] = []
        for fm in root.iter(_M + "futureMetadata"):
            if fm.get("name") == _RICH_VALUE:
                for bk in fm.iter(_M + "bk"):
                    rvb = next((e for e in bk.iter(_RD + "rvb")), None)
                    future.append(int(rvb.get("i") or "") if rvb is not None else None)
        by_vm: dict[int, int] = {}
        for n, bk in enumerate(root.iterfind(f"{_M}valueMetadata/{_M}bk"), start=1):
            rc = bk.find(_M + "rc")
            if rc is None:
                continue
            ti, v = int(rc.get("t") or ""), int(rc.get("v") or "")
            if not 1 <= ti <= len(types):
                raise IndexError(f"metadata type {ti} of {len(types)}")
            if types[ti - 1] == _RICH_VALUE:
                if not 0 <= v < len(future):
                    raise IndexError(f"rich value block {v} of {len(future)}")
                i = future[v]
                if i is not None:
                    by_vm[n] = i
        if not by_vm:
            return {}, None
        current = by_type.get("rdrichvalue", "xl/richData/rdrichvalue.xml")
        values = _parse(zf, current).findall(_RD + "rv")
        current = by_type.get("rdrichvaluestructure", "xl/richData/rdrichvaluestructure.xml")
        structures = [(st.get("t") or "", [k.get("n") or "" for k in st.findall(_RD + "k")])
                      for st in _parse(zf, current).findall(_RD + "s")]
        current = by_type.get("richvaluerel", "xl/richData/richValueRel.xml")
        rel_ids = [_attr(el, "id") or "" for el in _parse(zf, current) if _local(el.tag) == "rel"]
        targets = _rels(zf, current)
        current = by_type.get("rdrichvalue", "xl/richData/rdrichvalue.xml")  # what a wrong index points into
        pictures: dict[int, CellPicture] = {}
        for vm, i in by_vm.items():
            if not 0 <= i < len(values):
                raise IndexError(f"rich value {i} of {len(values)}")
            rv = values[i]
            st = int(rv.get("s") or "")
            if not 0 <= st < len(structures):
                raise IndexError(f"structure {st} of {len(structures)}")
            kind, keys = structures[st]
            stored = [v.text or "" for v in rv.findall(_RD + "v")]
            if len(stored) > len(keys):
                raise ValueError(f"rich value of {len(stored)} values, its structure has {len(keys)} keys")
            fields = dict(zip(keys, stored, strict=False))
            ident = next((v for k, v in fields.items() if k.startswith("_rvRel:") and k.endswith("ImageIdentifier")),
                         None)
            if ident is None and not kind.casefold().endswith("image"):
                continue  # a linked data type (stocks, geography), no picture
            rel = int(ident) if ident else -1
            rid = rel_ids[rel] if 0 <= rel < len(rel_ids) else ""
            image = targets.get(rid, ("", ""))[1]
            alt = " ".join(fields.get("Text", "").split())
            pictures[vm] = CellPicture(image if image in zf.NameToInfo else "", alt)
        return pictures, None
    except PartMissing:
        return {}, (current, "fehlt")
    except (ValueError, SyntaxError, KeyError, IndexError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
        return {}, (current, "beschädigt")


def _core_modified(zf: zipfile.ZipFile, root_rels: dict[str, tuple[str, str]]) -> _dt.datetime | None:
    part = next((p for t, p in root_rels.values() if t.endswith("/core-properties")), "docProps/core.xml")
    if part not in zf.NameToInfo:
        return None
    try:
        root = _parse(zf, part)
    except (ValueError, SyntaxError, KeyError):
        return None
    for el in root:
        if _local(el.tag) == "modified" and el.text:
            t = el.text.strip().rstrip("Z")
            try:
                return _dt.datetime.fromisoformat(t[:19])
            except ValueError:
                return None
    return None


# --------------------------------------------------------------------------------------------
# A worksheet


COL_BITS = 15
"""Bits of the column in a :func:`cell_key` (columns end at 16,384; three letters at 18,278 < 2**15)."""


def cell_key(row: int, col: int) -> int:
    """One int for (row, col), the key of :attr:`SheetPart.styles` and :attr:`SheetPart.formulas`."""
    return row << COL_BITS | col


@dataclass
class SheetPart:
    """A worksheet as stored.

    The cells are kept in containers of plain values only (ints, strings, numbers, dates), which
    the cyclic garbage collector does not track: a large sheet holds some 100,000 of them, and
    per-cell objects would be walked again on every full collection while the master is read."""

    rows: dict[int, dict[int, Any]]
    """Row → column → converted value of every stored cell (None for a cell that holds only a
    formula without a cached value, or only a fill)."""
    styles: dict[int, int]
    """:func:`cell_key` → style index, for the stored cells whose style is not the default (0)."""
    formulas: set[int]
    """:func:`cell_key` of the cells that hold a formula."""
    row_attrs: dict[int, tuple[bool, int | None]]
    """Row number → (hidden, style index of a formatted row or None); only rows that have either."""
    merged: list[CellRange]
    """Every merged range."""
    conditional: list[Element] = field(default_factory=list)
    ext: Element | None = None
    validations: list[Element] = field(default_factory=list)
    bad_strings: list[tuple[int, int]] = field(default_factory=list)
    """(row, col) of cells that point past the end of the shared-string table."""
    uncached: set[int] = field(default_factory=set)
    """:func:`cell_key` of the formula cells without a stored result (an empty text result, ``t="str"``
    with an empty ``<v>``, is a result)."""
    runs: dict[tuple[int, int], tuple[Run, ...]] = field(default_factory=dict)
    """Runs of rich-text cells with emphasis or colours of their own (inline or from the string table),
    by (row, col)."""
    hidden_cols: frozenset[int] = frozenset()
    """The columns that are hidden (by hand or in a collapsed group)."""
    pictures: dict[tuple[int, int], CellPicture] = field(default_factory=dict)
    """Pictures placed in cells, by (row, col): such a cell stores the error ``#VALUE!`` with value
    metadata (``t="e" vm="…"``) and is read as empty, its picture kept here."""


_DIGITS = "0123456789"


def read_sheet(wb: WorkbookParts, part: str) -> SheetPart:
    epoch = _dt.datetime(1904, 1, 1) if wb.date1904 else _dt.datetime(1899, 12, 30)
    styles = wb.styles.styles
    strings = wb.strings
    n_strings = len(strings)
    n_styles = len(styles)
    cols_get = COLUMNS.get
    row_tag, c_tag, v_tag, f_tag, is_tag = (_M + t for t in ("row", "c", "v", "f", "is"))
    merge_tag, cf_tag, ext_tag, dv_tag = (
        _M + t for t in ("mergeCell", "conditionalFormatting", "extLst", "dataValidation"))
    rows: dict[int, dict[int, Any]] = {}
    cell_styles: dict[int, int] = {}
    formulas: set[int] = set()
    uncached: set[int] = set()
    rich = wb.rich
    row_attrs: dict[int, tuple[bool, int | None]] = {}
    merged: list[CellRange] = []
    bad: list[tuple[int, int]] = []
    runs_at: dict[tuple[int, int], tuple[Run, ...]] = {}
    cell_pictures = wb.cell_pictures
    rich_values = bool(cell_pictures) or wb.rich_damage is not None
    pictures_at: dict[tuple[int, int], CellPicture] = {}
    row_counter = 0
    stream = _Streamed(wb.zf, part, "sheetData")
    for el in stream:
        if el.tag != row_tag:
            continue
        attrs = el.attrib
        r = attrs.get("r")
        if r is not None:
            try:
                row_counter = int(r)
            except ValueError:
                row_counter = int(float(r))
        else:
            row_counter += 1
        hidden = attrs.get("hidden")
        s = attrs.get("s")
        if (hidden and _true(hidden)) or (s and _true(attrs.get("customFormat"))):
            style = None
            if s and _true(attrs.get("customFormat")):
                try:
                    style = int(s)
                except ValueError:
                    style = None
            row_attrs[row_counter] = (bool(hidden and _true(hidden)), style)
        cells: dict[int, Any] = {}
        col = 0
        for c in el:
            if c.tag != c_tag:
                continue
            get = c.get
            coordinate = get("r")
            if coordinate:
                letters = coordinate.rstrip(_DIGITS)
                col = cols_get(letters) or column_index(letters)
            else:
                col += 1
            st = get("s")
            style_id = int(st) if st else 0
            data_type = get("t", "n")
            formula = False
            v = inline = None
            if len(c) == 1 and c[0].tag == v_tag:  # the usual cell: one <v>
                v = c[0].text or ""
            else:
                for child in c:  # one pass over <v>, <f>, <is>
                    ctag = child.tag
                    if ctag == v_tag:
                        v = child.text or ""
                    elif ctag == f_tag:
                        formula = True
                    elif ctag == is_tag:
                        inline = child
            value: Any = None
            if data_type == "inlineStr":
                if inline is not None:
                    value, runs = _rich(inline)
                    if runs:
                        runs_at[(row_counter, col)] = runs
            else:
                if v is None or v == "":
                    pass
                elif data_type == "n":
                    try:
                        value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
                    except ValueError:
                        value = v
                    else:
                        if style_id < len(styles) and styles[style_id].is_date:
                            try:
                                value = from_excel(value, epoch)
                            except (OverflowError, ValueError, TypeError):
                                value = "#WERT!"
                elif data_type == "s":
                    try:
                        sidx = int(v)
                    except ValueError:
                        sidx = -2
                    if 0 <= sidx < n_strings:
                        value = strings[sidx]  # None for a blank one
                        if rich and sidx in rich:
                            runs_at[(row_counter, col)] = rich[sidx]
                    else:
                        bad.append((row_counter, col))
                elif data_type == "b":
                    value = v.strip() in ("1", "true")
                elif data_type == "d":
                    try:
                        value = from_iso(v)
                    except (ValueError, TypeError):
                        value = v
                else:  # str, e
                    value = _unescape(v)
                    if rich_values and data_type == "e" and (vm := get("vm")) is not None:
                        # a picture placed in the cell: what it shows is the picture, not the error
                        pic = cell_pictures.get(int(vm) if vm.isdigit() else -1)
                        if pic is None and wb.rich_damage is not None:
                            pic = DAMAGED_PICTURE
                        if pic is not None:
                            pictures_at[(row_counter, col)] = pic
                            value = None
            if isinstance(value, str) and (not value or value.isspace()):
                value = None
            if value is None and not formula and not (style_id < n_styles and styles[style_id].painted):
                continue  # an empty cell with borders or a number format only
            cells[col] = value
            if style_id:
                cell_styles[row_counter << COL_BITS | col] = style_id  # cell_key, inlined in this loop
            if formula:
                formulas.add(row_counter << COL_BITS | col)
                if v is None or (not v and data_type in ("n", "inlineStr")):
                    uncached.add(row_counter << COL_BITS | col)
        if cells:
            rows[row_counter] = cells
    root = stream.root
    assert root is not None  # a part without a root element does not parse
    for el in root.iterfind(f"{_M}mergeCells/{merge_tag}"):
        with contextlib.suppress(ValueError):
            merged.append(parse_range(el.get("ref") or ""))
    conditional = root.findall(cf_tag)
    validations = root.findall(f"{_M}dataValidations/{dv_tag}")
    ext = root.find(ext_tag)
    hidden_cols: set[int] = set()
    for el in root.iterfind(f"{_M}cols/{_M}col"):
        if _true(el.get("hidden")):
            with contextlib.suppress(ValueError, TypeError):
                lo, hi = int(el.get("min") or 0), int(el.get("max") or 0)
                hidden_cols.update(range(max(lo, 1), min(hi, 16384) + 1))
    return SheetPart(rows, cell_styles, formulas, row_attrs, merged, conditional, ext, validations, bad, uncached,
                     runs_at, pictures=pictures_at, hidden_cols=frozenset(hidden_cols))


_X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"


def list_validations(part: SheetPart) -> list[tuple[list[CellRange], list[str] | str]]:
    """Drop-down lists of a sheet (main and x14 data validations of type "list"): (ranges, entries)
    with the entries written into the rule, or (ranges, reference) for a list that points at
    cells (``Listen!$A$1:$A$3`` or a defined name)."""
    found: list[tuple[str, str]] = []
    for dv in part.validations:
        if dv.get("type") == "list":
            found.append((dv.get("sqref") or "", dv.findtext(_M + "formula1") or ""))
    if part.ext is not None:
        for dv in part.ext.iter(f"{{{_X14_NS}}}dataValidation"):
            if dv.get("type") != "list":
                continue
            formula = dv.findtext(f"{{{_X14_NS}}}formula1/{{{_XM_NS}}}f") or ""
            found.append((dv.findtext(f"{{{_XM_NS}}}sqref") or "", formula))
    out = []
    for sqref, formula in found:
        formula = formula.strip().lstrip("=")
        if formula.startswith('"') and formula.endswith('"') and len(formula) >= 2:
            entries: list[str] | str = [e.strip() for e in formula[1:-1].replace('""', '"').split(",") if e.strip()]
        else:
            entries = formula  # a reference: the reader looks the entries up
        ranges = []
        for r in sqref.split():
            try:
                ranges.append(parse_range(r))
            except ValueError:
                continue
        if ranges and entries:
            out.append((ranges, entries))
    return out


def cf_ranges(part: SheetPart) -> list[CellRange]:
    """The ranges every conditional format of the sheet covers (main and x14)."""
    refs: list[str] = []
    for el in part.conditional:
        refs.extend((el.get("sqref") or "").split())
    if part.ext is not None:
        for el in part.ext.iter(f"{{{_X14_NS}}}conditionalFormatting"):
            refs.extend((el.findtext(f"{{{_XM_NS}}}sqref") or "").split())
    out = []
    for r in refs:
        try:
            out.append(parse_range(r))
        except ValueError:
            continue
    return out
