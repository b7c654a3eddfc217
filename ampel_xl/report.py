"""The Ampeldokument: the protocol's annex as Word (python-docx) and, optionally, PDF.

Structure (as in the hand-made "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"):

1. title block: office, Stand, title, table of contents;
2. "Einführung": what the Ampel measures, the counts of Oberziele, Unterziele and Maßnahmen,
   the evaluation rule and the Ampelsystem-Legende (a table with coloured cells), an example;
3. per field, in the master's order, starting on a new page: heading, count sentence,
   Sachstand and Highlights from the master, the charts "Ergebnisse <Feld> gesamt" and
   "Ergebnisse <Feld> je Unterziel"; on the next page the Oberziel and the Unterziele.

Every number comes from :class:`ampel_xl.figures.Summary` (the same figures as the summary
workbook); text from the master goes in as plain runs, never as fields.

Table of contents: a real Word ``TOC \\o "1-2" \\h \\z \\u`` field, with ``w:updateFields`` set so
that Word offers to update it when the document is opened. Its stored result is pre-filled with
the headings; each entry carries a ``PAGEREF`` field to the heading's bookmark, left empty
(Word fills it on update). LibreOffice never updates a TOC field on load, but it does compute
``PAGEREF`` fields that stand outside one: the PDF is therefore converted from a copy of the
document in which the TOC field's wrapper is dropped and its entries kept, so the PDF's table of
contents has the right page numbers without a second pass.

Determinism: fixed core properties (dates from the master's Stand), no thumbnail, charts without
timestamps, and the package re-zipped with fixed entry dates in a fixed order: the same master
gives the same bytes. (The PDF carries LibreOffice's creation date and is not byte-stable.)
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import atomic_path
from .errors import WriteError
from .model import Art, document_date, format_date_de
from .vocabulary import LOOKS, NO_STATUS, STATUS_ORDER

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from docx.document import Document as DocxDocument

    from .figures import Summary

#: Seconds LibreOffice may take for one conversion before we give up.
SOFFICE_TIMEOUT = 300
#: Width of each chart and of its table cell on the page (cm); two charts stand side by side.
CHART_WIDTH_CM = 8.0
CHART_CELL_CM = 8.25
#: LibreOffice's PDF export, images kept lossless at full resolution (JSON filter options, read by
#: LibreOffice 7.4 and later; tested with 7.4).
PDF_FILTER = ('pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
              '"ReduceImageResolution":{"type":"boolean","value":"false"}}')
#: Fixed date for entries of the .docx zip (the earliest a zip can store).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

FONT = "Arial"
ACCENT = "1F4E79"
_TOC_INSTR = ' TOC \\o "1-2" \\h \\z \\u '
_BOOKMARK_BASE = 100000


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote.

    ``docx`` is always written. ``pdf`` is the PDF's path when one was asked for and made;
    when LibreOffice is missing it is None and ``pdf_note`` says so in one German sentence.
    The object can be used as a path (``os.fspath(result)`` is the .docx).
    """

    docx: Path
    pdf: Path | None = None
    pdf_note: str | None = None

    def __fspath__(self) -> str:
        return os.fspath(self.docx)

    def __str__(self) -> str:
        return str(self.docx)


# --------------------------------------------------------------------------------------------
# public API


def default_report_path(master: str | os.PathLike[str]) -> Path:
    """``…/Ampel-Master.xlsx`` → ``…/Ampel-Master_Ampeldokument.docx``."""
    master = Path(master)
    return master.with_name(f"{master.stem}_Ampeldokument.docx")


def write_report(summary: "Summary", target: str | os.PathLike[str], *, header: str | None = None,
                 pdf: bool = False, on_step: "Callable[[str], None] | None" = None) -> ReportFiles:
    """Write the Ampeldokument of ``summary`` to ``target`` (.docx), atomically.

    ``header`` replaces the Kopfzeile from the Konzept sheet. With ``pdf=True`` the PDF is also
    written next to the .docx (same name, ``.pdf``) through LibreOffice; where LibreOffice is
    not installed, the .docx is still written and the result's ``pdf_note`` says so.
    Raises :class:`~ampel_xl.errors.WriteError` when a file cannot be written. ``on_step`` is
    called with ``"pdf"`` when the PDF conversion starts (the CLI shows it on a terminal).
    """
    target = Path(target)
    if target.suffix.lower() != ".docx":
        raise WriteError(
            f"Das Ampeldokument wird als Word-Datei geschrieben; bitte geben Sie einen Namen mit der Endung "
            f"„.docx“ an (nicht „{target.name}“)."
        )
    data = build_report_bytes(summary, header=header)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    if not pdf:
        return ReportFiles(docx=target)
    soffice = find_soffice()
    pdf_path = target.with_suffix(".pdf")
    if soffice is None:
        return ReportFiles(
            docx=target,
            pdf_note=(f"LibreOffice ist nicht installiert – das PDF wurde nicht erstellt; die Word-Datei liegt unter "
                      f"{target}."),
        )
    if on_step is not None:
        on_step("pdf")
    variant = build_report_bytes(summary, header=header, toc_field=False)
    convert_to_pdf(variant, pdf_path, soffice=soffice, docx_hint=target)
    return ReportFiles(docx=target, pdf=pdf_path)


def build_report_bytes(summary: "Summary", *, header: str | None = None, toc_field: bool = True) -> bytes:
    """The .docx as bytes (deterministic). ``toc_field=False`` gives the copy used for the PDF."""
    doc = _Builder(summary, header=header, toc_field=toc_field).build()
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------------------------
# LibreOffice


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


def convert_to_pdf(docx_bytes: bytes, target: str | os.PathLike[str], *, soffice: str,
                   docx_hint: str | os.PathLike[str] | None = None) -> Path:
    """Convert a .docx (bytes) to PDF at ``target`` with LibreOffice headless, atomically.

    Runs in a temporary folder with its own LibreOffice profile, so that an open LibreOffice
    window of the user neither blocks nor is disturbed by the conversion.
    """
    target = Path(target)
    where = f" Die Word-Datei liegt unter {docx_hint}; Sie können sie auch in Word als PDF speichern." if docx_hint else ""
    with tempfile.TemporaryDirectory(prefix="ampel_xl_pdf_") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / f"{target.stem}.docx"
        src.write_bytes(docx_bytes)
        outdir = tmpdir / "out"
        outdir.mkdir()
        profile = (tmpdir / "profil").resolve().as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", PDF_FILTER,
               "--outdir", str(outdir), str(src)]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=SOFFICE_TIMEOUT,
                                  check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise WriteError(f"LibreOffice hat das PDF nicht innerhalb von {SOFFICE_TIMEOUT} Sekunden erstellt.{where}") from None
        except OSError as exc:
            raise WriteError(f"LibreOffice konnte nicht gestartet werden ({exc.strerror or exc}).{where}") from None
        produced = outdir / f"{target.stem}.pdf"
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise WriteError(f"LibreOffice konnte das PDF nicht erstellen.{where}")
        with atomic_path(target) as out:
            shutil.copyfile(produced, out)
    return target


# --------------------------------------------------------------------------------------------
# wording helpers

#: Noun endings of concept titles → (genitive article, genitive -s, article for "Für …").
_NOUNS: tuple[tuple[str, str, str, str], ...] = (
    ("konzept", "des", "s", "das"),
    ("programm", "des", "s", "das"),
    ("projekt", "des", "s", "das"),
    ("papier", "des", "s", "das"),
    ("leitbild", "des", "s", "das"),
    ("plan", "des", "s", "den"),
    ("strategie", "der", "", "die"),
    ("ung", "der", "", "die"),
    ("leitlinien", "der", "", "die"),
    ("agenda", "der", "", "die"),
)


def _noun(titel: str) -> tuple[str, str, str, str, str] | None:
    first, _, rest = titel.strip().partition(" ")
    low = first.lower()
    for ending, gen_article, gen_s, article in _NOUNS:
        if low.endswith(ending):
            return first, rest, gen_article, gen_s, article
    return None


def document_title(titel: str | None) -> str:
    """``"Integrationskonzept 1.0"`` → ``"Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"``."""
    if not titel:
        return "Ampeldokument – Kurzextrakt"
    noun = _noun(titel)
    if noun is None:
        return f"Ampeldokument: {titel.strip()} – Kurzextrakt"
    first, rest, gen_article, gen_s, _ = noun
    return f"Ampeldokument {gen_article} {first}{gen_s}{(' ' + rest) if rest else ''} – Kurzextrakt"


def _fuer(titel: str | None) -> str:
    noun = _noun(titel) if titel else None
    if noun is None:
        return "Insgesamt bedeutet dies:"
    return f"Für {noun[4]} {titel.strip()} bedeutet dies:"  # type: ignore[union-attr]


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """Master text made safe for Word: no characters XML forbids, ``\\n`` line ends."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return _ILLEGAL_XML.sub("", text).strip()


def _paragraphs(text: str | None) -> list[str]:
    """Split a text block into paragraphs at blank lines."""
    text = clean_text(text)
    if not text:
        return []
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# --------------------------------------------------------------------------------------------
# low-level OOXML helpers


def _w(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _set_fonts(rpr_owner: Any, name: str) -> None:
    """Set ascii/hAnsi/cs fonts and drop theme fonts (which would override them)."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _w("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _shade(element_pr: Any, fill_hex: str) -> None:
    shd = _w("w:shd", val="clear", color="auto", fill=fill_hex.lstrip("#").upper())
    element_pr.append(shd)


def _field_runs(paragraph_el: Any, instr: str, result: str = "", *, parent: Any = None) -> None:
    """Append a complex field (begin, instruction, separate, result, end) to a paragraph."""
    from docx.oxml.ns import qn

    target = parent if parent is not None else paragraph_el

    def run(child: Any) -> None:
        r = _w("w:r")
        r.append(child)
        target.append(r)

    run(_w("w:fldChar", fldCharType="begin"))
    it = _w("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = instr
    run(it)
    run(_w("w:fldChar", fldCharType="separate"))
    if result:
        t = _w("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = result
        run(t)
    run(_w("w:fldChar", fldCharType="end"))


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack a .docx with fixed dates and a fixed entry order (content types first)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# the document


class _Builder:
    def __init__(self, summary: "Summary", *, header: str | None, toc_field: bool) -> None:
        self.summary = summary
        self.k = summary.konzept
        self.header = clean_text(header) if header is not None else clean_text(self.k.kopfzeile)
        self.title = document_title(clean_text(self.k.titel) or None)
        self.toc_field = toc_field
        self._bookmarks: list[tuple[str, str, int]] = []  # (text, name, level)

    # -- setup ---------------------------------------------------------------------------
    def build(self) -> "DocxDocument":
        from docx import Document

        self.doc = Document()
        self._setup_package()
        self._setup_styles()
        self._setup_section()
        self._plan_headings()
        self._title_block()
        self._einfuehrung()
        for i in range(len(self.summary.felder)):
            self._feld(i)
        return self.doc

    def _setup_package(self) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        pkg = self.doc.part.package
        for rid, rel in list(pkg.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                pkg.rels.pop(rid)
        when = document_date(self.summary.konzept)
        cp = self.doc.core_properties
        cp.title = self.title
        cp.subject = self.header or ""
        cp.author = clean_text(self.k.amt) or "ampel_xl"
        cp.last_modified_by = "ampel_xl"
        cp.comments = f"Erstellt mit ampel_xl aus {os.path.basename(self.k.source)}"
        cp.keywords = "Ampeldokument; Integrationskonzept"
        cp.category = "Ampeldokument"
        cp.language = "de-DE"
        cp.revision = 1
        cp.created = when
        cp.modified = when
        cp.last_printed = when
        settings = self.doc.settings.element
        from docx.oxml.ns import qn

        for tag in ("w:rsids", "w14:docId"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)
        for el in settings.findall(qn("w:savePreviewPicture")):
            settings.remove(el)
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:val"), "de-DE")
        dec = settings.find(qn("w:decimalSymbol"))
        if dec is not None:
            dec.set(qn("w:val"), ",")
        sep = settings.find(qn("w:listSeparator"))
        if sep is not None:
            sep.set(qn("w:val"), ";")
        if self.toc_field:
            update = _w("w:updateFields", val="true")
            # CT_Settings order: updateFields comes right before hdrShapeDefaults/footnotePr/compat
            anchor = next((settings.find(qn(t)) for t in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
                                                          "w:compat") if settings.find(qn(t)) is not None), None)
            if anchor is not None:
                anchor.addprevious(update)
            else:
                settings.append(update)

    def _setup_styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        styles = self.doc.styles
        # document defaults: German, Arial
        rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = _w("w:lang")
            rpr_default.append(lang)
        lang.set(qn("w:val"), "de-DE")
        lang.set(qn("w:eastAsia"), "de-DE")
        lang.set(qn("w:bidi"), "ar-SA")
        fonts = rpr_default.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in ("asciiTheme", "hAnsiTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{attr}"), None)
            for attr in ("ascii", "hAnsi", "cs"):
                fonts.set(qn(f"w:{attr}"), FONT)

        normal = styles["Normal"]
        _set_fonts(normal.element, FONT)
        normal.font.size = Pt(11)
        pf = normal.paragraph_format
        pf.space_after = Pt(6)
        pf.line_spacing = 1.15

        accent = RGBColor.from_string(ACCENT)
        for name, size, before, after in (("Heading 1", 15, 0, 12), ("Heading 2", 12, 12, 6)):
            st = styles[name]
            _set_fonts(st.element, FONT)
            st.font.size = Pt(size)
            st.font.bold = True
            st.font.color.rgb = accent
            st.font.all_caps = name == "Heading 1"
            st.paragraph_format.space_before = Pt(before)
            st.paragraph_format.space_after = Pt(after)
            st.paragraph_format.keep_with_next = True

        title = styles["Title"]
        _set_fonts(title.element, FONT)
        title.font.size = Pt(20)
        title.font.bold = True
        title.font.color.rgb = accent
        title.paragraph_format.space_before = Pt(18)
        title.paragraph_format.space_after = Pt(30)
        # the template's Title has a bottom border: keep it, in the accent colour
        for bdr in title.element.xpath(".//w:pBdr/w:bottom"):
            bdr.set(qn("w:color"), ACCENT)

        for name in ("Header", "Footer"):
            st = styles[name]
            _set_fonts(st.element, FONT)
            st.font.size = Pt(8.5)
            st.font.color.rgb = RGBColor(0x59, 0x59, 0x59)

        lb = styles["List Bullet"]
        _set_fonts(lb.element, FONT)
        lb.paragraph_format.space_after = Pt(3)

        text_width = Cm(21.0 - 2.5 - 2.0)
        for level in (1, 2):
            st = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            st.style_id = f"TOC{level}"  # Word's own id for its built-in "toc N" styles
            st.base_style = normal
            st.next_paragraph_style = normal
            st.paragraph_format.space_after = Pt(4)
            st.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            st.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            st.font.all_caps = level == 1
            st.font.size = Pt(10.5)

        cap = styles.add_style("Diagrammtitel", WD_STYLE_TYPE.PARAGRAPH)
        cap.base_style = normal
        cap.next_paragraph_style = normal
        cap.font.bold = True
        cap.font.all_caps = True
        cap.font.size = Pt(10)
        cap.font.color.rgb = accent
        cap.paragraph_format.space_before = Pt(14)
        cap.paragraph_format.space_after = Pt(4)
        cap.paragraph_format.keep_with_next = True

        pic = styles.add_style("Diagramm", WD_STYLE_TYPE.PARAGRAPH)
        pic.base_style = normal
        pic.paragraph_format.space_after = Pt(6)
        pic.paragraph_format.line_spacing = 1.0
        pic.paragraph_format.keep_together = True
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        pic.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

        uz = styles.add_style("Unterziel", WD_STYLE_TYPE.PARAGRAPH)
        uz.base_style = normal
        uz.paragraph_format.left_indent = Cm(3.0)
        uz.paragraph_format.first_line_indent = Cm(-3.0)
        uz.paragraph_format.tab_stops.add_tab_stop(Cm(3.0))
        uz.paragraph_format.space_after = Pt(8)

        label = styles.add_style("Zwischenüberschrift", WD_STYLE_TYPE.PARAGRAPH)
        label.style_id = "Zwischenueberschrift"  # ASCII ids: some tools trip over umlauts in ids
        label.base_style = normal
        label.next_paragraph_style = normal
        label.font.bold = True
        label.font.color.rgb = accent
        label.paragraph_format.space_before = Pt(10)
        label.paragraph_format.space_after = Pt(3)
        label.paragraph_format.keep_with_next = True

    def _setup_section(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm

        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width = Cm(21.0)
        sec.page_height = Cm(29.7)
        sec.top_margin = Cm(2.7)
        sec.bottom_margin = Cm(2.2)
        sec.left_margin = Cm(2.5)
        sec.right_margin = Cm(2.0)
        sec.header_distance = Cm(1.1)
        sec.footer_distance = Cm(1.0)

        head = sec.header
        p = head.paragraphs[0]
        p.style = self.doc.styles["Header"]
        if self.header:
            r = p.add_run(self.header)
            r.bold = True
            p = head.add_paragraph(style="Header")
            p.add_run(self.title)
        else:
            stand = format_date_de(self.k.stand)
            p.add_run(f"{self.title} – Stand: {clean_text(stand)}" if stand else self.title)
        from docx.shared import Pt

        ppr = p._p.get_or_add_pPr()
        bdr = _w("w:pBdr")
        bdr.append(_w("w:bottom", val="single", sz="4", space="4", color="A6A6A6"))
        ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
        p.paragraph_format.space_after = Pt(0)

        foot = sec.footer
        fp = foot.paragraphs[0]
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fp.add_run("Seite ")
        _field_runs(fp._p, " PAGE ", "1")
        fp.add_run(" von ")
        _field_runs(fp._p, " NUMPAGES ", "1")

    # -- headings and TOC ----------------------------------------------------------------
    def _plan_headings(self) -> None:
        heads = ["Einführung"]
        for _, row in self.summary.felder.iterrows():
            heads.append(self._feld_heading(row))
        self._bookmarks = [(text, f"_Toc{_BOOKMARK_BASE + i}", 1) for i, text in enumerate(heads)]
        self._next_heading = 0

    @staticmethod
    def _feld_heading(row: Any) -> str:
        art = str(row["art"]) or Art.HANDLUNGSFELD.value
        return f"{art} {clean_text(row['feld'])}"

    def _heading(self, text: str, *, new_page: bool) -> None:
        _, name, level = self._bookmarks[self._next_heading]
        bid = str(self._next_heading + 1)
        self._next_heading += 1
        p = self.doc.add_paragraph(style=f"Heading {level}")
        p.paragraph_format.page_break_before = new_page
        p._p.append(_w("w:bookmarkStart", id=bid, name=name))
        p.add_run(text)
        p._p.append(_w("w:bookmarkEnd", id=bid))

    def _toc(self) -> None:
        from docx.oxml.ns import qn

        entries = self._bookmarks
        paragraphs = []
        for text, name, level in entries:
            p = self.doc.add_paragraph(style=f"toc {level}")
            link = _w("w:hyperlink", anchor=name, history="1")
            r = _w("w:r")
            t = _w("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            r.append(t)
            link.append(r)
            tab_r = _w("w:r")
            tab_r.append(_w("w:tab"))
            link.append(tab_r)
            _field_runs(p._p, f" PAGEREF {name} \\h ", "", parent=link)
            p._p.append(link)
            paragraphs.append(p)
        if not self.toc_field or not paragraphs:
            return
        # wrap the entries in the TOC field: begin/instr/separate before the first entry, end after the last
        first = paragraphs[0]._p
        head_runs = []
        for child in (_w("w:fldChar", fldCharType="begin"), None, _w("w:fldChar", fldCharType="separate")):
            r = _w("w:r")
            if child is None:
                it = _w("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = _TOC_INSTR
                r.append(it)
            else:
                r.append(child)
            head_runs.append(r)
        ppr = first.find(qn("w:pPr"))
        pos = 1 if ppr is not None else 0
        for offset, r in enumerate(head_runs):
            first.insert(pos + offset, r)
        end = _w("w:r")
        end.append(_w("w:fldChar", fldCharType="end"))
        paragraphs[-1]._p.append(end)

    # -- title block ---------------------------------------------------------------------
    def _title_block(self) -> None:
        from docx.shared import Pt

        amt = clean_text(self.k.amt)
        if amt:
            p = self.doc.add_paragraph()
            r = p.add_run(amt)
            r.bold = True
            r.font.size = Pt(12)
        gebiet = clean_text(self.k.gebiet)
        if gebiet:
            self.doc.add_paragraph(gebiet)
        stand = format_date_de(self.k.stand)
        if stand:
            self.doc.add_paragraph(f"Stand: {clean_text(stand)}")
        self.doc.add_paragraph(self.title, style="Title")
        p = self.doc.add_paragraph(style="Zwischenüberschrift")
        p.add_run("Inhaltsverzeichnis").font.size = Pt(13)
        self._toc()

    # -- Einführung ----------------------------------------------------------------------
    def _einfuehrung(self) -> None:
        s = self.summary
        felder = s.felder
        total = s.total.iloc[0]
        self._heading("Einführung", new_page=True)
        n_hf = int((felder["art"] == Art.HANDLUNGSFELD.value).sum())
        n_qt = int((felder["art"] == Art.QUERSCHNITTSTHEMA.value).sum())
        if n_hf and n_qt:
            jedes = "Jedes Handlungsfeld und Querschnittsthema"
        elif n_qt and not n_hf:
            jedes = "Jedes Querschnittsthema"
        else:
            jedes = "Jedes Handlungsfeld"
        self.doc.add_paragraph(
            "Mit dem Ampeldokument wird die Umsetzung des Integrationskonzepts gemessen. "
            f"{jedes} des Integrationskonzepts ist mit jeweils einem Oberziel und mehreren Unterzielen versehen. "
            "Diese Unterziele sind wiederum in Maßnahmen unterteilt, die gemäß der Ampelsystem-Legende "
            "bewertet werden."
        )
        self.doc.add_paragraph(_fuer(clean_text(self.k.titel) or None))
        n_felder = len(felder)
        parts = []
        if n_hf:
            parts.append(_n(n_hf, "Handlungsfeld", "Handlungsfelder"))
        if n_qt:
            parts.append(_n(n_qt, "Querschnittsthema", "Querschnittsthemen"))
        detail = f" ({' und '.join(parts)})" if parts else ""
        self._bullet_counts(_n(n_felder, "Oberziel", "Oberziele"), detail)
        self._bullet_counts(_n(int(total["unterziele"]), "Unterziel", "Unterziele"), "")
        self._bullet_counts(_n(int(total["massnahmen"]), "Maßnahme", "Maßnahmen"), "")

        p = self.doc.add_paragraph(s.rule)
        p.paragraph_format.space_before = self.doc.styles["Normal"].paragraph_format.space_after
        n_eval, n_all = int(total["in_auswertung"]), int(total["massnahmen"])
        stand = format_date_de(self.k.stand)
        when = f" (Stand: {clean_text(stand)})" if stand else ""
        if n_eval != n_all:
            self.doc.add_paragraph(f"In die Auswertung sind {n_eval} der {_n(n_all, 'Maßnahme', 'Maßnahmen')} eingeflossen{when}.")
        elif when:
            self.doc.add_paragraph(f"Die Bewertungen geben den Stand vom {clean_text(stand)} wieder.")
        if s.has_ohne:
            n_ohne = int(total["ohne"])
            verb = "hat" if n_ohne == 1 else "haben"
            self.doc.add_paragraph(
                f"{_n(n_ohne, 'Maßnahme', 'Maßnahmen')} in der Auswertung {verb} noch keine Bewertung; "
                f"sie erscheinen in den Diagrammen grau als „{LOOKS[NO_STATUS].label}“."
            )
        report = s.report
        if report is not None and getattr(report, "errors", ()):
            n_err = len(report.errors)
            p = self.doc.add_paragraph()
            r = p.add_run(
                f"Achtung: Dieses Dokument wurde trotz {_n(n_err, 'Fehler', 'Fehlern')} im Master erstellt; "
                "die Zahlen können unvollständig oder falsch sein. Den Prüfbericht zeigt „ampel-xl validate“."
            )
            r.bold = True
            from docx.shared import RGBColor

            r.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

        self._legend()
        self._beispiel()

    def _bullet_counts(self, bold: str, rest: str) -> None:
        p = self.doc.add_paragraph(style="List Bullet")
        p.add_run(bold).bold = True
        if rest:
            p.add_run(rest)

    def _legend(self) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Cm, Pt

        looks = [LOOKS[st.value] for st in STATUS_ORDER] + ([LOOKS[NO_STATUS]] if self.summary.has_ohne else [])
        rows = [(look.color, look.label, look.meaning) for look in looks]
        p = self.doc.add_paragraph(style="Zwischenüberschrift")
        p.add_run("Ampelsystem-Legende")
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Cm(3.0), Cm(13.0))
        for column, width in zip(table.columns, widths):
            column.width = width
        for i, (color, word, meaning) in enumerate(rows):
            cells = table.rows[i].cells
            for cell, width in zip(cells, widths):
                cell.width = width
            c0 = cells[0]
            c0.paragraphs[0].add_run(word).bold = True
            _shade(c0._tc.get_or_add_tcPr(), color)
            cells[1].paragraphs[0].add_run(meaning)
            for cell in cells:
                para = cell.paragraphs[0]
                para.paragraph_format.space_before = Pt(3)
                para.paragraph_format.space_after = Pt(3)
        # header row semantics for screen readers: none needed (two-column key/value table)

    def _beispiel(self) -> None:
        """The seed's worked example: Oberziel → Unterziel → Maßnahme of the first field."""
        for f in self.k.felder:
            uz = next((u for u in f.unterziele if u.massnahmen), None)
            if uz is None or not f.oberziel:
                continue
            row = self.summary.felder[self.summary.felder["feld"] == f.name]
            if row.empty:
                continue
            row = row.iloc[0]
            m = uz.massnahmen[0]
            p = self.doc.add_paragraph(style="Zwischenüberschrift")
            p.add_run(f"Beispiel: {self._feld_heading(row)}")
            self._labelled("Oberziel: ", f.oberziel)
            self._labelled(f"Unterziel {uz.nr} von {int(row['unterziele'])}: ", uz.text)
            nr = clean_text(m.nr)
            label = f"Maßnahme {nr} von {int(row['massnahmen'])}: " if nr.isdigit() else (
                f"Maßnahme {nr}: " if nr else "Maßnahme: ")
            self._labelled(label, m.text)
            return

    def _labelled(self, label: str, text: str | None, style: str | None = None) -> Any:
        p = self.doc.add_paragraph(style=style)
        p.add_run(label).bold = True
        p.add_run(clean_text(text))
        return p

    # -- one field -----------------------------------------------------------------------
    def _feld(self, index: int) -> None:
        from .charts import feld_gesamt_png, feld_unterziele_png

        row = self.summary.felder.iloc[index]
        name = clean_text(row["feld"])
        feld = self._model_feld(row)
        heading = self._feld_heading(row)
        self._heading(heading, new_page=True)
        art = str(row["art"]) or Art.HANDLUNGSFELD.value

        n_uz, n_m, n_eval = int(row["unterziele"]), int(row["massnahmen"]), int(row["in_auswertung"])
        p = self.doc.add_paragraph(f"In diesem {art} gibt es ")
        p.add_run(_n(n_uz, "Unterziel", "Unterziele")).bold = True
        p.add_run(" und ")
        p.add_run(_n(n_m, "Maßnahme", "Maßnahmen")).bold = True
        p.add_run(".")
        if n_eval != n_m:
            genitive = "dieses Handlungsfelds" if art == Art.HANDLUNGSFELD.value else "dieses Querschnittsthemas"
            if n_eval == 0:
                p.add_run(f" Keine Maßnahme {genitive} ist in die Auswertung eingeflossen.")
            else:
                p.add_run(f" Davon {'ist' if n_eval == 1 else 'sind'} {n_eval} in die Auswertung eingeflossen.")

        if feld is not None:
            sachstand = _paragraphs(feld.sachstand)
            if sachstand:
                self.doc.add_paragraph("Sachstand", style="Zwischenüberschrift")
                for text in sachstand:
                    self.doc.add_paragraph(text)
            highlights = [clean_text(h) for h in feld.highlights if clean_text(h)]
            if highlights:
                self.doc.add_paragraph("Highlights", style="Zwischenüberschrift")
                for text in highlights:
                    self.doc.add_paragraph(text, style="List Bullet")

        show_ohne = self.summary.has_ohne or None
        uz_rows = self.summary.feld_unterziele(row["feld"])
        gesamt = f"Ergebnisse {name} gesamt"
        je = f"Ergebnisse {name} je Unterziel"
        self._chart_row([
            (gesamt, feld_gesamt_png(row, show_ohne=show_ohne), self._alt_gesamt(row)),
            (je, feld_unterziele_png(uz_rows, show_ohne=show_ohne), self._alt_unterziele(uz_rows)),
        ])

        # second page: Oberziel and Unterziele
        oberziel = clean_text(feld.oberziel) if feld is not None else ""
        p = self.doc.add_paragraph()
        p.paragraph_format.page_break_before = True
        p.paragraph_format.keep_with_next = True
        from docx.shared import Pt

        p.paragraph_format.space_after = Pt(12)
        p.add_run("Oberziel: ").bold = True
        p.add_run(oberziel or "(im Master nicht angegeben)")
        unterziele = feld.unterziele if feld is not None else ()
        if not unterziele:
            self.doc.add_paragraph("Für dieses Feld sind im Master noch keine Unterziele erfasst.")
        for u in unterziele:
            up = self.doc.add_paragraph(style="Unterziel")
            up.add_run(f"Unterziel {u.nr}:").bold = True
            up.add_run("\t")
            up.add_run(clean_text(u.text))

    def _model_feld(self, row: Any) -> Any:
        sheet = row.get("sheet") if hasattr(row, "get") else None
        for f in self.k.felder:
            if f.name == row["feld"] and (not sheet or f.sheet == sheet):
                return f
        return self.k.feld(row["feld"])

    @staticmethod
    def _alt_gesamt(row: Any) -> str:
        from .charts import STATUS_KEYS, percent_de

        total = int(row["summe"])
        if not total:
            return "Keine Maßnahme in der Auswertung."
        parts = [f"{word}: {int(row[k])} ({percent_de(int(row[k]) / total)})" for k, word in STATUS_KEYS
                 if k != "ohne" or int(row[k])]
        return f"{total} Maßnahmen in der Auswertung. " + ", ".join(parts) + "."

    @staticmethod
    def _alt_unterziele(rows: Any) -> str:
        from .charts import STATUS_KEYS, _uz_label

        items = []
        for r in rows.to_dict("records"):
            parts = [f"{word} {int(r[k])}" for k, word in STATUS_KEYS if int(r[k])]
            items.append(f"{_uz_label(r['unterziel_nr'])}: {', '.join(parts) if parts else 'keine in Auswertung'}")
        return "; ".join(items) + "." if items else "Keine Unterziele."

    def _chart_row(self, charts: list[tuple[str, bytes, str]]) -> None:
        """The field's charts side by side: a borderless table, titles in the first row, charts in the second.

        Titles of long field names wrap (as in the seed); a row of their own keeps the charts level.
        """
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.shared import Cm

        table = self.doc.add_table(rows=2, cols=len(charts))
        table.autofit = False
        for tr in table.rows:
            tr._tr.get_or_add_trPr().append(_w("w:cantSplit"))
        cell_width = Cm(CHART_CELL_CM)
        for column in table.columns:
            column.width = cell_width
        for i, (title, png, descr) in enumerate(charts):
            head, body = table.rows[0].cells[i], table.rows[1].cells[i]
            head.width = body.width = cell_width
            head.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            cap = head.paragraphs[0]
            cap.style = self.doc.styles["Diagrammtitel"]
            cap.add_run(title)
            p = body.paragraphs[0]
            p.style = self.doc.styles["Diagramm"]
            run = p.add_run()
            run.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
            for doc_pr in run._r.xpath(".//wp:docPr"):
                doc_pr.set("name", title)
                doc_pr.set("descr", descr)
