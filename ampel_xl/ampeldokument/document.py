"""The Ampeldokument: the protocol's annex as Word (python-docx) and, optionally, PDF.

Structure (as in the hand-made "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt"):

1. title block: office, Stand, title, table of contents;
2. "Einführung": what the Ampel measures, the counts of Oberziele, Unterziele and Maßnahmen,
   the evaluation rule and the Ampelsystem-Legende (a table with coloured cells), an example;
3. with ``changes`` (``report --compare-with ALT``): "Veränderungen seit dem Stand vom …", the
   Fortschritte, Rückschritte, new and removed measures per field, from :func:`ampel_xl.compare`
   (the same numbers as ``ampel-xl compare`` and the summary's sheet "Entwicklung");
4. per field, in the master's order, starting on a new page: heading, count sentence,
   Sachstand and Highlights from the master, the charts "Ergebnisse <Feld> gesamt" and
   "Ergebnisse <Feld> je Unterziel"; on the next page the Oberziel and the Unterziele.

Every number comes from :class:`ampel_xl.figures.Summary` (the same figures as the summary
workbook); text from the master goes in as plain runs, never as fields.

Table of contents: a real Word ``TOC \\o "1-1" \\h \\z \\u`` field whose stored result already
holds every heading with its page number (each a link and a ``PAGEREF`` field with its result
filled in), so Word shows it as written and never needs to update fields or ask to. The page
numbers come from LibreOffice's render of the document itself when LibreOffice is installed (the
headings' pages are read from the PDF's bookmarks, :func:`heading_pages`), else from a
deterministic estimate of the layout (:func:`estimate_pages`). Every heading starts a page, so a
page number only moves when a field's text runs over a page.

Typeface: Calibri 11 pt, as the hand-made document; where Calibri is missing (LibreOffice on
Linux) its metric-compatible twin Carlito takes its place line for line, and the charts are drawn
in the same face at their printed size (:mod:`.charts`).

Accessibility (BITV 2.0, PDF/UA): the PDF is exported tagged and PDF/UA-compliant
(:data:`.libreoffice.PDF_FILTER`), with the document language de-DE, the title shown in the window, headings
as headings (H1) and every picture with an alternative text that states its figures
(``wp:docPr/@descr``). A forced run (``--force``: the master has errors) carries
"Entwurf – der Master enthält Fehler" in the header of every page.

Determinism: fixed core properties (dates from the master's Stand), no thumbnail, charts without
timestamps, and the package re-zipped with fixed entry dates in a fixed order: the same master
gives the same bytes. (The PDF carries LibreOffice's creation date and is not byte-stable.)
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import atomic_path, beside
from ..errors import WriteError
from ..model import Art, document_date, format_date_de
from ..vocabulary import ARTEN, LOOKS, NO_STATUS, STATUS_ORDER, plural
from .libreoffice import find_soffice, heading_pages, render_pdf

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from docx.document import Document as DocxDocument

    from ..comparison import Change, Changes
    from ..figures import Summary

#: Width of each chart's table cell on the page (cm); two charts stand side by side, each drawn
#: at :data:`.charts.CHART_WIDTH_CM`.
CHART_CELL_CM = 8.25
#: What a forced run (the master has errors) says at the top of every page.
DRAFT_NOTE = "Entwurf – der Master enthält Fehler"
#: Fixed date for entries of the .docx zip (the earliest a zip can store).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: The body's typeface (LibreOffice shows Carlito, its metric-compatible twin, where it is missing).
FONT = "Calibri"
ACCENT = "1F4E79"
_TOC_INSTR = ' TOC \\o "1-1" \\h \\z '
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
    """``…/Ampel-Master.xlsx`` → ``…/Ampel-Master_Ampeldokument.docx`` (in the current folder for a
    master inside the installed package, see :func:`ampel_xl._io.beside`)."""
    return beside(master, f"{Path(master).stem}_Ampeldokument.docx")


def write_report(summary: Summary, target: str | os.PathLike[str], *, header: str | None = None,
                 pdf: bool = False, on_step: Callable[[str], None] | None = None,
                 changes: Changes | None = None) -> ReportFiles:
    """Write the Ampeldokument of ``summary`` to ``target`` (.docx), atomically.

    ``header`` replaces the Kopfzeile from the Konzept sheet. ``changes`` (from
    :func:`ampel_xl.compare`, an earlier Stand against this one) adds the chapter "Veränderungen
    seit dem Stand vom …" after the Einführung. With ``pdf=True`` the PDF is also
    written next to the .docx (same name, ``.pdf``) through LibreOffice; where LibreOffice is
    not installed, the .docx is still written and the result's ``pdf_note`` says so.

    The table of contents carries page numbers: where LibreOffice is installed, those of its
    render of this very document (so the PDF and the Word file agree), else the estimate of
    :func:`estimate_pages`. Raises :class:`~ampel_xl.errors.WriteError` when a file cannot be
    written. ``on_step`` is called with ``"pdf"`` when the PDF conversion starts (the CLI shows it
    on a terminal), with ``"seitenzahlen"`` when LibreOffice only renders to measure the pages.
    """
    target = Path(target)
    if target.suffix.lower() != ".docx":
        raise WriteError(
            f"Das Ampeldokument wird als Word-Datei geschrieben; bitte geben Sie einen Namen mit der Endung "
            f"„.docx“ an (nicht „{target.name}“)."
        )
    soffice = find_soffice()
    data, pages = _build(summary, header, None, changes)
    pdf_bytes: bytes | None = None
    if soffice is not None:
        where = f" Die Word-Datei liegt unter {target}; Sie können sie auch in Word als PDF speichern."
        if on_step is not None:
            on_step("pdf" if pdf else "seitenzahlen")
        try:
            data, pdf_bytes = _paginate(summary, header, data, pages, soffice, need_pdf=pdf, where=where,
                                        changes=changes)
        except WriteError:
            if pdf:
                with atomic_path(target) as tmp:
                    tmp.write_bytes(data)
                raise
            pdf_bytes = None  # the Word file keeps the estimated page numbers
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    if not pdf:
        return ReportFiles(docx=target)
    if soffice is None or pdf_bytes is None:
        return ReportFiles(
            docx=target,
            pdf_note=(f"LibreOffice ist nicht installiert – das PDF wurde nicht erstellt; die Word-Datei liegt unter "
                      f"{target}."),
        )
    pdf_path = target.with_suffix(".pdf")
    with atomic_path(pdf_path) as tmp:
        tmp.write_bytes(pdf_bytes)
    return ReportFiles(docx=target, pdf=pdf_path)


def build_report_bytes(summary: Summary, *, header: str | None = None,
                       pages: list[int] | None = None, changes: Changes | None = None) -> bytes:
    """The .docx as bytes (deterministic).

    ``pages`` are the page numbers of the headings (:func:`report_headings`) for the table of
    contents; None takes the estimate of :func:`estimate_pages`.
    """
    return _build(summary, header, pages, changes)[0]


def _build(summary: Summary, header: str | None, pages: list[int] | None,
           changes: Changes | None = None) -> tuple[bytes, list[int]]:
    """The .docx bytes and the page numbers its table of contents shows."""
    builder = _Builder(summary, header=header, changes=changes)
    doc = builder.build()
    pages = list(pages) if pages is not None else estimate_pages(doc)
    builder.fill_toc(pages)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue()), pages


def report_headings(summary: Summary, changes: Changes | None = None) -> list[str]:
    """The document's headings in order (Einführung, the Veränderungen with ``changes``, then one per
    field), as in its table of contents."""
    return ["Einführung", *([changes_heading(changes)] if changes is not None else []),
            *(_Builder._feld_heading(row) for _, row in summary.felder.iterrows())]


def changes_heading(changes: Changes) -> str:
    """"Veränderungen seit dem Stand vom 30. September 2024" (the earlier Stand's date, else its file)."""
    stand = clean_text(changes.old.stand_text)
    if stand:
        return f"Veränderungen seit dem Stand {'vom ' if stand[:1].isdigit() else ''}{stand}"
    return f"Veränderungen seit dem früheren Stand ({clean_text(os.path.basename(changes.old.source))})"


def _paginate(summary: Summary, header: str | None, data: bytes, shown: list[int], soffice: str, *,
              need_pdf: bool, where: str, changes: Changes | None = None) -> tuple[bytes, bytes | None]:
    """Render ``data`` with LibreOffice and, where its headings fall on other pages than the table of
    contents says, rebuild the document with the rendered page numbers (and render it again when a
    PDF is wanted). Returns the final .docx and, with ``need_pdf``, its PDF."""
    pdf_bytes = render_pdf(data, soffice=soffice, where=where)
    measured = heading_pages(pdf_bytes, report_headings(summary, changes))
    if measured is None or measured == shown:
        return data, pdf_bytes
    data = build_report_bytes(summary, header=header, pages=measured, changes=changes)
    return data, (render_pdf(data, soffice=soffice, where=where) if need_pdf else None)


#: Page geometry of the document (cm), shared by the section setup and the layout estimate.
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 2.7, "bottom": 2.2, "left": 2.5, "right": 2.0}
#: Line height of the body face as a multiple of the font size (Calibri/Carlito: ascent + descent).
_LINE_EM = 1.22
_PT_PER_EMU = 1 / 12700


class _TextWidths:
    """Widths of text in the body face (Carlito/Calibri, measured with Pillow), or an average width
    per character where neither is installed."""

    def __init__(self) -> None:
        self.fonts: dict[bool, Any] = {}
        try:
            from matplotlib import font_manager as fm
            from PIL import ImageFont

            from .charts import FALLBACK_FONT, chart_font

            family = chart_font()
            if family != FALLBACK_FONT:
                for bold in (False, True):
                    path = fm.findfont(fm.FontProperties(family=family, weight="bold" if bold else "normal"),
                                       fallback_to_default=False)
                    self.fonts[bold] = ImageFont.truetype(path, 200)
        except Exception:  # noqa: BLE001 - no such font, no FreeType: the average width below
            self.fonts = {}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        font = self.fonts.get(bold)
        if font is None:
            return len(text) * size * (0.5 if bold else 0.47)
        return float(font.getlength(text)) * size / 200

    def lines(self, text: str, size: float, width: float, bold: bool = False) -> int:
        """Lines that ``text`` takes in a column ``width`` pt wide (greedy word wrap, as Word does)."""
        total = 0
        space = self.width(" ", size, bold)
        for part in text.split("\n"):
            n, used = 1, 0.0
            for word in part.split():
                w = self.width(word, size, bold)
                if used and used + space + w > width:
                    n, used = n + 1, w
                else:
                    used = used + space + w if used else w
                while used > width:  # a word longer than the line breaks inside
                    n, used = n + 1, used - width
            total += n
        return total


def _style_value(style: Any, getter: Any) -> Any:
    while style is not None:
        value = getter(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def _paragraph_box(p: Any, width_pt: float, widths: _TextWidths) -> dict[str, Any]:
    """Height parts of one paragraph: its line height, number of lines, space before and after."""
    from docx.oxml.ns import qn

    style = p.style
    pf = p.paragraph_format
    size = _style_value(style, lambda s: s.font.size)
    size = size.pt if size is not None else 11.0
    run_sizes = [r.font.size.pt for r in p.runs if r.font.size is not None]
    if run_sizes:
        size = max(run_sizes)
    spacing = pf.line_spacing if pf.line_spacing is not None else _style_value(
        style, lambda s: s.paragraph_format.line_spacing)
    spacing = spacing if isinstance(spacing, float) else 1.0
    before = pf.space_before if pf.space_before is not None else _style_value(
        style, lambda s: s.paragraph_format.space_before)
    after = pf.space_after if pf.space_after is not None else _style_value(
        style, lambda s: s.paragraph_format.space_after)
    left = _style_value(style, lambda s: s.paragraph_format.left_indent)
    caps = bool(_style_value(style, lambda s: s.font.all_caps))
    texts = [r for r in p.runs if r.text]
    bold = bool(_style_value(style, lambda s: s.font.bold)) or (bool(texts) and all(r.bold for r in texts))
    text = p.text.replace("\t", " ")
    if caps:
        text = text.upper()
    column = width_pt - (left.pt if left is not None else 0.0)
    if style.name == "List Bullet":
        column -= 0.64 * 72 / 2.54
    pictures = [int(e.get("cy")) * _PT_PER_EMU for e in p._p.iter(qn("wp:extent"))]
    line = size * _LINE_EM * spacing
    lines = widths.lines(text, size, max(column, 36.0), bold) if text.strip() else 1
    if pictures:
        line, lines = max(line, max(pictures)), 1
    # "don't add space between paragraphs of the same style" (the bullet list)
    contextual = _style_value(style, lambda s: True if s.element.pPr is not None and s.element.pPr.find(
        qn("w:contextualSpacing")) is not None else None)
    return {
        "line": line, "lines": lines,
        "before": before.pt if before is not None else 0.0,
        "after": after.pt if after is not None else 0.0,
        "break": (bool(pf.page_break_before)
                  or bool(_style_value(style, lambda s: s.paragraph_format.page_break_before))),
        "keep": bool(pf.keep_with_next) or bool(_style_value(style, lambda s: s.paragraph_format.keep_with_next)),
        "heading": style.name == "Heading 1",
        "style": style.name, "contextual": bool(contextual),
    }


def estimate_pages(doc: DocxDocument) -> list[int]:
    """The page of each level-1 heading of ``doc``, from a deterministic model of its layout.

    Used where LibreOffice is not at hand to measure them: paragraphs flow line by line in the
    body face (widths measured in Carlito where installed), table rows and pictures move whole,
    headings keep with what follows, page breaks start a page. Exact as long as no paragraph
    lands within a line or two of a page's foot, which covers the usual Ampeldokument, where
    every field starts a page; LibreOffice's measurement corrects it where it is installed.
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    widths = _TextWidths()
    pt = 72 / 2.54
    body_w = (PAGE_CM[0] - MARGINS_CM["left"] - MARGINS_CM["right"]) * pt
    body_h = (PAGE_CM[1] - MARGINS_CM["top"] - MARGINS_CM["bottom"]) * pt

    # blocks: (height units, space before, space after, page break, keep with next, heading, splittable)
    blocks: list[dict[str, Any]] = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            box = _paragraph_box(Paragraph(el, doc), body_w, widths)
            box["units"] = [box["line"]] * box["lines"]
            box["split"] = True
            blocks.append(box)
        elif el.tag == qn("w:tbl"):
            table = Table(el, doc)
            rows = []
            top = 0.0
            for r, row in enumerate(table.rows):
                height = 0.0
                for cell in row.cells:
                    cell_w = (cell.width.pt if cell.width is not None else body_w / len(row.cells)) - 2 * 5.4
                    h = 0.0
                    for k, cp in enumerate(cell.paragraphs):
                        b = _paragraph_box(cp, cell_w, widths)
                        if r == 0 and k == 0:  # collapses with the space after the paragraph above
                            top = max(top, b["before"])
                        else:
                            h += b["before"]
                        h += b["line"] * b["lines"] + b["after"]
                    height = max(height, h)
                rows.append(height)
            charts = bool(el.xpath(".//w:cantSplit"))
            blocks.append({"units": [sum(rows)] if charts else rows, "before": top, "after": 0.0, "break": False,
                           "keep": False, "heading": False, "split": not charts, "style": "", "contextual": False})

    # between two paragraphs the larger of the space after and the space before (as LibreOffice lays
    # out a .docx); nothing above the first line of a page
    page, y, after = 1, 0.0, 0.0
    heading_pages: list[int] = []
    for i, b in enumerate(blocks):
        if b["break"] and y > 0:
            page, y, after = page + 1, 0.0, 0.0
        gap = max(after, b["before"]) if y > 0 else 0.0
        if b["contextual"] and i and blocks[i - 1]["style"] == b["style"]:
            gap = 0.0
        need = gap + b["units"][0]
        if b["keep"] and i + 1 < len(blocks):
            nxt = blocks[i + 1]
            need = gap + sum(b["units"]) + max(b["after"], nxt["before"]) + sum(nxt["units"][:2])
        if y > 0 and y + need > body_h:
            page, y, gap = page + 1, 0.0, 0.0
        if b["heading"]:
            heading_pages.append(page)
        y += gap
        for unit in b["units"]:
            if y > 0 and y + unit > body_h:
                page, y = page + 1, 0.0
            y += unit
        nxt_same = i + 1 < len(blocks) and b["contextual"] and blocks[i + 1]["style"] == b["style"]
        after = 0.0 if nxt_same else b["after"]
    return heading_pages


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


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """Master text made safe for Word: no characters XML forbids, ``\\n`` line ends."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return _ILLEGAL_XML.sub("", text).strip()


def _eingeflossen(n_eval: int, n_all: int) -> str:
    """"In die Auswertung sind 150 der 193 Maßnahmen eingeflossen" (without the full stop)."""
    if n_eval == n_all:
        if n_all == 1:
            return "In die Auswertung ist die eine Maßnahme eingeflossen"
        return f"In die Auswertung sind alle {n_all} Maßnahmen eingeflossen"
    verb = "ist" if n_eval == 1 else "sind"
    return f"In die Auswertung {verb} {n_eval} der {plural(n_all, 'Maßnahme', 'Maßnahmen')} eingeflossen"


def _davon(n_eval: int, n_m: int) -> str:
    """The second half of a field's count sentence: how many of its ``n_m`` measures count."""
    if n_eval == n_m:
        return "Sie ist in die Auswertung eingeflossen." if n_m == 1 else (
            f"Davon sind alle {n_m} in die Auswertung eingeflossen.")
    return f"Davon {'ist' if n_eval == 1 else 'sind'} {n_eval} in die Auswertung eingeflossen."


#: The kinds of change the chapter "Veränderungen" lists, in its order.
_KINDS = ("fortschritt", "rueckschritt", "status", "neu", "entfernt")
_KIND_WORDS = {"fortschritt": "Fortschritt", "rueckschritt": "Rückschritt", "status": "Bewertung geändert",
               "neu": ARTEN["neu"], "entfernt": ARTEN["entfernt"]}  # as the workbook Veränderungen says
_KIND_COUNTS = {"fortschritt": ("Fortschritt", "Fortschritte"), "rueckschritt": ("Rückschritt", "Rückschritte"),
                "status": ("Bewertung neu gesetzt oder entfernt", "Bewertungen neu gesetzt oder entfernt"),
                "neu": ("Maßnahme neu", "Maßnahmen neu"), "entfernt": ("Maßnahme entfernt", "Maßnahmen entfernt")}


def _kind(c: Change) -> str | None:
    """The chapter's kind of a change (None for kinds it does not list: text, number, Bemerkung …)."""
    if c.art == "status":
        return {"besser": "fortschritt", "schlechter": "rueckschritt"}.get(c.richtung, "status")
    return c.art if c.art in ("neu", "entfernt") else None


def _status_word(key: str | None, absent: bool) -> str:
    """The Ampel as a word; "–" where the measure did not exist (before a new one, after a removed one)."""
    if absent:
        return "–"
    return LOOKS[key or NO_STATUS].label


def _steps_text(items: list[Change]) -> str:
    """" (Rot → Gelb: 2, Gelb → Grün: 1)": the steps of status changes, in the order they occur."""
    counts: dict[tuple[str, str], int] = {}
    for c in items:
        key = (_status_word(c.alt, False), _status_word(c.neu, False))
        counts[key] = counts.get(key, 0) + 1
    return " (" + ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.items()) + ")" if counts else ""


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
    def __init__(self, summary: Summary, *, header: str | None, changes: Changes | None = None) -> None:
        self.summary = summary
        self.changes = changes
        self.k = summary.konzept
        self.header = clean_text(header) if header is not None else clean_text(self.k.kopfzeile)
        self.title = document_title(clean_text(self.k.titel) or None)
        report = summary.report
        self.draft = bool(report is not None and getattr(report, "errors", ()))
        self._bookmarks: list[tuple[str, str, int]] = []  # (text, name, level)

    # -- setup ---------------------------------------------------------------------------
    def build(self) -> DocxDocument:
        from docx import Document

        self.doc = Document()
        self._setup_package()
        self._setup_styles()
        self._setup_section()
        self._plan_headings()
        self._title_block()
        self._einfuehrung()
        if self.changes is not None:
            self._veraenderungen(self.changes)
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
        # no w:updateFields: the table of contents is written complete, Word has nothing to ask
        for el in settings.findall(qn("w:updateFields")):
            settings.remove(el)

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

        text_width = Cm(PAGE_CM[0] - MARGINS_CM["left"] - MARGINS_CM["right"])
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
        # a heading of the second level (H2 in the tagged PDF, a level-2 bookmark), not in the TOC
        label.element.get_or_add_pPr().insert_element_before(
            _w("w:outlineLvl", val="1"), "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

        toc_title = styles.add_style("Verzeichnistitel", WD_STYLE_TYPE.PARAGRAPH)
        toc_title.base_style = normal
        toc_title.next_paragraph_style = normal
        toc_title.font.bold = True
        toc_title.font.size = Pt(13)
        toc_title.font.color.rgb = accent
        toc_title.paragraph_format.space_before = Pt(10)
        toc_title.paragraph_format.space_after = Pt(6)
        toc_title.paragraph_format.keep_with_next = True

    def _setup_section(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm

        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width = Cm(PAGE_CM[0])
        sec.page_height = Cm(PAGE_CM[1])
        sec.top_margin = Cm(MARGINS_CM["top"])
        sec.bottom_margin = Cm(MARGINS_CM["bottom"])
        sec.left_margin = Cm(MARGINS_CM["left"])
        sec.right_margin = Cm(MARGINS_CM["right"])
        sec.header_distance = Cm(1.1)
        sec.footer_distance = Cm(1.0)

        head = sec.header
        p = head.paragraphs[0]
        p.style = self.doc.styles["Header"]
        if self.draft:
            # one section, one header: the note stands at the top of every page
            from docx.shared import Pt as _Pt, RGBColor

            r = p.add_run(DRAFT_NOTE)
            r.bold = True
            r.font.size = _Pt(11)
            r.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            p = head.add_paragraph(style="Header")
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
        heads = report_headings(self.summary, self.changes)
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
        """The table of contents: a TOC field whose stored result lists every heading with a link and a
        PAGEREF field; the page numbers go in with :meth:`fill_toc` once they are known."""
        from docx.oxml.ns import qn

        paragraphs = []
        self._toc_results = []
        for text, name, level in self._bookmarks:
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
            _field_runs(p._p, f" PAGEREF {name} \\h ", "0", parent=link)
            self._toc_results.append(link.findall(".//" + qn("w:t"))[-1])
            p._p.append(link)
            paragraphs.append(p)
        if not paragraphs:
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

    def fill_toc(self, pages: list[int]) -> None:
        """Write the page number of each heading into the table of contents' stored result."""
        if len(pages) != len(self._toc_results):
            raise ValueError(f"{len(pages)} page numbers for {len(self._toc_results)} headings")
        for t, page in zip(self._toc_results, pages, strict=True):
            t.text = str(int(page))

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
        title = self.doc.add_paragraph(self.title, style="Title")
        # the document's title heading: an outline level makes it a heading (H1) in the tagged PDF and
        # in Word's navigation; the table of contents lists the Heading 1 paragraphs only (no \\u)
        title._p.get_or_add_pPr().insert_element_before(
            _w("w:outlineLvl", val="0"), "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
        self.doc.add_paragraph("Inhaltsverzeichnis", style="Verzeichnistitel")
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
            f"{jedes} des Integrationskonzepts ist mit jeweils einem Oberziel und mehreren Unterzielen (UZ) "
            "versehen. "
            "Diese Unterziele sind wiederum in Maßnahmen unterteilt, die gemäß der Ampelsystem-Legende "
            "bewertet werden."
        )
        self.doc.add_paragraph(_fuer(clean_text(self.k.titel) or None))
        n_felder = len(felder)
        parts = []
        if n_hf:
            parts.append(plural(n_hf, "Handlungsfeld", "Handlungsfelder"))
        if n_qt:
            parts.append(plural(n_qt, "Querschnittsthema", "Querschnittsthemen"))
        detail = f" ({' und '.join(parts)})" if parts else ""
        self._bullet_counts(plural(n_felder, "Oberziel", "Oberziele"), detail)
        self._bullet_counts(plural(int(total["unterziele"]), "Unterziel", "Unterziele"), "")
        self._bullet_counts(plural(int(total["massnahmen"]), "Maßnahme", "Maßnahmen"), "")

        p = self.doc.add_paragraph(s.rule)
        p.paragraph_format.space_before = self.doc.styles["Normal"].paragraph_format.space_after
        n_eval, n_all = int(total["in_auswertung"]), int(total["massnahmen"])
        stand = format_date_de(self.k.stand)
        when = f" (Stand: {clean_text(stand)})" if stand else ""
        self.doc.add_paragraph(f"{_eingeflossen(n_eval, n_all)}{when}.")
        if s.has_ohne:
            n_ohne = int(total["ohne"])
            verb = "hat" if n_ohne == 1 else "haben"
            self.doc.add_paragraph(
                f"{plural(n_ohne, 'Maßnahme', 'Maßnahmen')} in der Auswertung {verb} noch keine Bewertung; "
                f"sie erscheinen in den Diagrammen grau als „{LOOKS[NO_STATUS].label}“."
            )
        report = s.report
        if report is not None and report.errors:
            n_err = len(report.errors)
            p = self.doc.add_paragraph()
            r = p.add_run(
                f"Achtung, Entwurf: Bei der Erstellung enthielt die Datengrundlage (der Ampel-Master) noch "
                f"{plural(n_err, 'Fehler', 'Fehler')}. Die Zahlen in diesem Dokument können daher unvollständig "
                "oder falsch sein; bitte treffen Sie keine Entscheidungen auf ihrer Grundlage, bis eine geprüfte "
                "Fassung vorliegt."
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
        """The Ampelsystem-Legende: each status with the key the charts draw for it (the same fill,
        edge and hatching, :func:`.charts.swatch_png`) and its meaning."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        from .charts import PATTERN_WORDS, SWATCH_SIZE, swatch_png

        keys = [st.value for st in STATUS_ORDER] + ([NO_STATUS] if self.summary.has_ohne else [])
        rows = [(key, LOOKS[key].label, LOOKS[key].meaning) for key in keys]
        p = self.doc.add_paragraph(style="Zwischenüberschrift")
        p.add_run("Ampelsystem-Legende")
        table = self.doc.add_table(rows=len(rows) + 1, cols=3)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Cm(1.8), Cm(3.2), Cm(11.0))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        # a header row, repeated and announced as such to screen readers
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        trpr.append(_w("w:tblHeader"))
        for cell, word in zip(head.cells, ("Farbe", "Ampel", "Bedeutung"), strict=True):
            cell.paragraphs[0].add_run(word).bold = True
            _shade(cell._tc.get_or_add_tcPr(), "F2F2F2")
        for i, (key, word, meaning) in enumerate(rows, start=1):
            cells = table.rows[i].cells
            key_p = cells[0].paragraphs[0]
            key_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = key_p.add_run()
            run.add_picture(io.BytesIO(swatch_png(key)), width=Cm(SWATCH_SIZE[0] * 2.54))
            for doc_pr in run._r.xpath(".//wp:docPr"):
                doc_pr.set("name", f"Farbfeld {word}")
                doc_pr.set("descr", f"Farbfeld {word} in den Diagrammen: {PATTERN_WORDS[key]}.")
            cells[1].paragraphs[0].add_run(word).bold = True
            cells[2].paragraphs[0].add_run(meaning)
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                para = cell.paragraphs[0]
                para.paragraph_format.space_before = Pt(3)
                para.paragraph_format.space_after = Pt(3)
                para.paragraph_format.line_spacing = 1.0

    def _beispiel(self) -> None:
        """The seed's worked example: Oberziel → Unterziel → Maßnahme of the first field."""
        for f in self.k.felder:
            uz = next((u for u in f.unterziele if u.massnahmen), None)
            if uz is None or not f.oberziel:
                continue
            rows = self.summary.felder[self.summary.felder["feld"] == f.name]
            if rows.empty:
                continue
            row = rows.iloc[0]
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

    # -- Veränderungen seit dem letzten Stand ---------------------------------------------
    def _veraenderungen(self, changes: Changes) -> None:
        """What changed since the earlier Stand: the counts, a table per field, and per field the
        measures that moved, came or went, each with its Ampel before and now (words and fill)."""
        from ..comparison import short_id

        self._heading(changes_heading(changes), new_page=True)
        old = clean_text(changes.old.stand_text)
        new = clean_text(changes.new.stand_text)
        since = f"dem Stand {'vom ' if old[:1].isdigit() else ''}{old}" if old else "dem früheren Stand"
        now = f" (Stand {'vom ' if new[:1].isdigit() else ''}{new})" if new else ""
        self.doc.add_paragraph(
            f"Dieses Kapitel vergleicht die Ampeln dieses Dokuments{now} mit {since}. Ein Fortschritt ist ein "
            "Wechsel zu einer besseren Ampel (Rot → Gelb, Gelb → Grün, Rot → Grün), ein Rückschritt ein Wechsel "
            "zu einer schlechteren."
        )
        rows = changes.per_feld_counts()
        moved: dict[str, list[Change]] = {art: [] for art in _KINDS}
        for c in changes.items:
            kind = _kind(c)
            if kind is not None:
                moved[kind].append(c)
        if not any(moved.values()) and not changes.felder_neu and not changes.felder_entfernt:
            self.doc.add_paragraph(f"Seit {since} hat sich an den Ampeln nichts verändert; es sind keine "
                                   "Maßnahmen hinzugekommen oder entfallen.")
            return
        for art, (one, many) in _KIND_COUNTS.items():
            items = moved[art]
            if not items and art not in ("fortschritt", "rueckschritt"):
                continue
            steps = _steps_text(items) if art in ("fortschritt", "rueckschritt", "status") else ""
            self._bullet_counts(plural(len(items), one, many), steps)
        if changes.felder_neu:
            self._bullet_counts("Neue Felder: ", ", ".join(clean_text(f) for f in changes.felder_neu))
        if changes.felder_entfernt:
            self._bullet_counts("Entfallene Felder: ", ", ".join(clean_text(f) for f in changes.felder_entfernt))
        n_ausw = len(changes.of("auswertung"))
        if n_ausw:
            self.doc.add_paragraph(
                f"Bei {plural(n_ausw, 'Maßnahme', 'Maßnahmen')} hat sich geändert, ob sie in die Auswertung "
                "eingeht; die Zahlen der Felder sind deshalb nicht in jedem Fall mit dem früheren Stand "
                "vergleichbar.")

        p = self.doc.add_paragraph(style="Zwischenüberschrift")
        p.add_run("Veränderungen je Feld")
        head = ("Feld", "Fortschritte", "Rückschritte", "Neu", "Entfernt")
        keys = ("verbesserungen", "rueckschritte", "neu", "entfernt")
        body = [(clean_text(r["feld"]), *(str(r[k]) for k in keys)) for r in rows]
        body.append(("Gesamt", *(str(sum(r[k] for r in rows)) for k in keys)))
        table = self._table(head, body, (7.0, 2.4, 2.4, 2.0, 2.2), numeric=(1, 2, 3, 4))
        for cell in table.rows[-1].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        moving = [(clean_text(r["feld"]), int(r["verbesserungen"]), int(r["rueckschritte"])) for r in rows
                  if r["verbesserungen"] or r["rueckschritte"]]
        if moving:
            self._veraenderungen_chart(moving)

        for feld in changes.felder:
            listed = [(art, c) for art in _KINDS for c in moved[art] if c.feld == feld]
            if not listed:
                continue
            p = self.doc.add_paragraph(style="Zwischenüberschrift")
            p.add_run(self._feld_title(changes, feld))
            body = [(_KIND_WORDS[art], short_id(c.massnahme_id), clean_text(c.massnahme),
                     _status_word(c.alt, art == "neu"), _status_word(c.neu, art == "entfernt")) for art, c in listed]
            table = self._table(("Veränderung", "Nr.", "Maßnahme", "Ampel vorher", "Ampel jetzt"), body,
                                (2.5, 1.3, 7.7, 2.3, 2.2))
            # the Ampel as word and as the legend's light fill (never colour alone)
            for row, (art, c) in zip(table.rows[1:], listed, strict=True):
                for cell, key, absent in ((row.cells[3], c.alt, art == "neu"),
                                          (row.cells[4], c.neu, art == "entfernt")):
                    if not absent:
                        _shade(cell._tc.get_or_add_tcPr(), LOOKS[key or NO_STATUS].fill.lstrip("#"))

    def _veraenderungen_chart(self, moving: list[tuple[str, int, int]]) -> None:
        """The chart of Fortschritte and Rückschritte per field, with its figures as alternative text."""
        from docx.shared import Cm

        from .charts import VERAENDERUNGEN_WIDTH_CM, veraenderungen_png

        title = "Fortschritte und Rückschritte je Feld"
        cap = self.doc.add_paragraph(style="Diagrammtitel")
        cap.add_run(title)
        p = self.doc.add_paragraph(style="Diagramm")
        run = p.add_run()
        run.add_picture(io.BytesIO(veraenderungen_png(moving)), width=Cm(VERAENDERUNGEN_WIDTH_CM))
        descr = "; ".join(f"{name}: {plural(up, 'Fortschritt', 'Fortschritte')}, "
                          f"{plural(down, 'Rückschritt', 'Rückschritte')}" for name, up, down in moving) + "."
        for doc_pr in run._r.xpath(".//wp:docPr"):
            doc_pr.set("name", title)
            doc_pr.set("descr", descr)

    @staticmethod
    def _feld_title(changes: Changes, feld: str) -> str:
        for k in (changes.new, changes.old):
            f = k.feld(feld)
            if f is not None:
                return f"{f.art.value} {clean_text(f.name)}"
        return clean_text(feld)

    def _table(self, head: tuple[str, ...], body: list[tuple[str, ...]], widths_cm: tuple[float, ...], *,
               numeric: tuple[int, ...] = ()) -> Any:
        """A table with a header row that repeats on every page (TH in the tagged PDF), rows never split."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        table = self.doc.add_table(rows=len(body) + 1, cols=len(head))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Cm(w) for w in widths_cm]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        table.rows[0]._tr.get_or_add_trPr().append(_w("w:tblHeader"))
        for i, values in enumerate([head, *body]):
            row = table.rows[i]
            row._tr.get_or_add_trPr().insert(0, _w("w:cantSplit"))
            for j, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
                cell.width = width
                para = cell.paragraphs[0]
                run = para.add_run(value)
                if i == 0:
                    run.bold = True
                    _shade(cell._tc.get_or_add_tcPr(), "F2F2F2")
                if j in numeric:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                para.paragraph_format.space_before = Pt(2)
                para.paragraph_format.space_after = Pt(2)
                para.paragraph_format.line_spacing = 1.0
        return table

    # -- one field -----------------------------------------------------------------------
    def _feld(self, index: int) -> None:
        from ..figures import rounding_note
        from .charts import feld_gesamt_png, feld_unterziele_png

        row = self.summary.felder.iloc[index]
        name = clean_text(row["feld"])
        feld = self._model_feld(row)
        heading = self._feld_heading(row)
        self._heading(heading, new_page=True)
        art = str(row["art"]) or Art.HANDLUNGSFELD.value

        n_uz, n_m, n_eval = int(row["unterziele"]), int(row["massnahmen"]), int(row["in_auswertung"])
        # the introduction ("Das Oberziel … fokussiert sich auf …"), the count sentence closing its
        # last paragraph, as in the seed
        einleitung = _paragraphs(feld.einleitung) if feld is not None else []
        for text in einleitung[:-1]:
            self.doc.add_paragraph(text)
        p = self.doc.add_paragraph(f"{einleitung[-1]} " if einleitung else "")
        p.add_run(f"In diesem {art} gibt es ")
        p.add_run(plural(n_uz, "Unterziel", "Unterziele")).bold = True
        p.add_run(" und ")
        p.add_run(plural(n_m, "Maßnahme", "Maßnahmen")).bold = True
        p.add_run(".")
        # the counts sentence stands in every field, also where every measure counts
        if n_m and n_eval == 0:
            genitive = "dieses Handlungsfelds" if art == Art.HANDLUNGSFELD.value else "dieses Querschnittsthemas"
            p.add_run(f" Keine Maßnahme {genitive} ist in die Auswertung eingeflossen.")
        elif n_m:
            p.add_run(f" {_davon(n_eval, n_m)}")

        if feld is not None:
            sachstand = _paragraphs(feld.sachstand)
            if sachstand:
                self.doc.add_paragraph("Sachstand", style="Zwischenüberschrift")
                for text in sachstand:
                    self.doc.add_paragraph(text)
            highlights = self._highlight_lines(feld)
            if highlights:
                self.doc.add_paragraph("Highlights", style="Zwischenüberschrift")
                for runs in highlights:
                    hp = self.doc.add_paragraph(style="List Bullet")
                    for text, bold in runs:
                        hp.add_run(text).bold = bold or None
            ausblick = _paragraphs(feld.ausblick)
            if ausblick:
                self.doc.add_paragraph("Ausblick", style="Zwischenüberschrift")
                for text in ausblick:
                    self.doc.add_paragraph(text)

        show_ohne = self.summary.has_ohne or None
        uz_rows = self.summary.feld_unterziele(row["feld"])
        gesamt = f"Ergebnisse {name} gesamt"
        je = f"Ergebnisse {name} je Unterziel"
        self._chart_row([
            (gesamt, feld_gesamt_png(row, show_ohne=show_ohne), self._alt_gesamt(row)),
            (je, feld_unterziele_png(uz_rows, show_ohne=show_ohne), self._alt_unterziele(uz_rows)),
        ], note=rounding_note([row]))

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

    @staticmethod
    def _highlight_lines(feld: Any) -> list[list[tuple[str, bool]]]:
        """The Highlights lines as (text, bold) runs: the master's rich text where the reader kept it
        (the seed's bold lead-ins), else each line plain."""
        lines: list[list[tuple[str, bool]]] = []
        runs_per_line = getattr(feld, "highlight_runs", ()) or ()
        if runs_per_line:
            for runs in runs_per_line:
                pieces = [(_ILLEGAL_XML.sub("", r.text.replace("\r", "")), bool(r.bold)) for r in runs]
                pieces = [(t, b) for t, b in pieces if t]
                if not pieces:
                    continue
                # the line's outer whitespace goes, the spaces between runs stay
                pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
                pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
                pieces = [(t, b) for t, b in pieces if t]
                if pieces:
                    lines.append(pieces)
            return lines
        return [[(text, False)] for text in (clean_text(h) for h in feld.highlights) if text]

    def _model_feld(self, row: Any) -> Any:
        sheet = row.get("sheet") if hasattr(row, "get") else None
        for f in self.k.felder:
            if f.name == row["feld"] and (not sheet or f.sheet == sheet):
                return f
        return self.k.feld(row["feld"])

    @staticmethod
    def _alt_gesamt(row: Any) -> str:
        from ..figures import format_percent
        from .charts import STATUS_KEYS, status_percents

        total = int(row["summe"])
        if not total:
            return "Keine Maßnahme in der Auswertung."
        counts = {k: int(row[k]) for k, _ in STATUS_KEYS}
        percents = status_percents(counts)
        parts = [f"{word}: {counts[k]} ({format_percent(percents[k])})" for k, word in STATUS_KEYS
                 if k != "ohne" or counts[k]]
        return f"{total} Maßnahmen in der Auswertung. " + ", ".join(parts) + "."

    @staticmethod
    def _alt_unterziele(rows: Any) -> str:
        from ..figures import KEINE_IN_AUSWERTUNG
        from .charts import STATUS_KEYS, uz_label

        items = []
        for r in rows.to_dict("records"):
            parts = [f"{word} {int(r[k])}" for k, word in STATUS_KEYS if int(r[k])]
            items.append(f"{uz_label(r['unterziel_nr'])}: {', '.join(parts) if parts else KEINE_IN_AUSWERTUNG}")
        return "; ".join(items) + "." if items else "Keine Unterziele."

    def _chart_row(self, charts: list[tuple[str, bytes, str]], note: str | None = None) -> None:
        """The field's charts side by side: a borderless table, titles in the first row, charts in the second.

        Titles of long field names wrap (as in the seed); a row of their own keeps the charts level.
        ``note`` (the rounding note of the first chart's shares) is printed under the first chart.
        """
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.shared import Cm

        from .charts import CHART_WIDTH_CM

        table = self.doc.add_table(rows=2, cols=len(charts))
        table.autofit = False
        for tr in table.rows:
            tr._tr.get_or_add_trPr().append(_w("w:cantSplit"))
        # the titles head their columns (TH in the tagged PDF, read before each chart)
        table.rows[0]._tr.get_or_add_trPr().append(_w("w:tblHeader"))
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
            run.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))  # drawn at this width: 1:1
            for doc_pr in run._r.xpath(".//wp:docPr"):
                doc_pr.set("name", title)
                doc_pr.set("descr", f"{descr} {note}." if note and i == 0 else descr)
            if note and i == 0:
                from docx.shared import Pt

                note_run = body.add_paragraph(style=self.doc.styles["Diagramm"]).add_run(f"{note}.")
                note_run.italic = True
                note_run.font.size = Pt(9)
