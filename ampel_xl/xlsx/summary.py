"""The summary workbook ("Zusammenfassung"): figures, charts and lists, ready to print.

Sheets (all labels German), each written by its own module of this package:

* **Übersicht** (:mod:`.overview`) – title, Stand, the evaluation rule, one row per field with counts, shares and a
  totals row (traffic-light fills on the counts, data bars on the shares), a doughnut chart of
  the whole concept, a 100 % stacked bar chart comparing the fields and the Ampel legend. When
  the master has errors (written with ``--force``) a red warning says the figures may be wrong.
* one sheet per field (:mod:`.field`) – Oberziel, Sachstand and Highlights (when the master has them), the
  table per Unterziel, the charts "Ergebnisse <Feld> gesamt" and "Ergebnisse <Feld> je
  Unterziel", then every measure grouped by Unterziel with its status as colour *and* word;
* **Maßnahmen** (:mod:`.measures`) – every measure as an Excel table (filter buttons), IDs, status, extra columns;
* **Entwicklung** (:mod:`.changes`) – the changes since an earlier Stand, when asked for;
* **Prüfbericht** (:mod:`.findings`) – the findings of validation, when there are any.

Every sheet prints on A4 landscape, one page wide, with the Kopfzeile as header and page
numbers in the footer. All colours come from :data:`ampel_xl.vocabulary.STATUS_COLORS` (charts,
status cells) and :data:`~ampel_xl.vocabulary.STATUS_FILLS` (light fills of counts).

Text from the master is always written with ``write_string`` (and the workbook is opened with
``strings_to_formulas``/``strings_to_numbers``/``strings_to_urls`` off), so a measure called
"=SUMME(A1)" or "+49 …" stays text. The output is deterministic: the document date comes from
the master (Stand, else its modification date, else a fixed date) and XlsxWriter stamps every
zip member with a fixed 1980 date, so the same master gives byte-identical workbooks.

Size: up to :data:`CONSTANT_MEMORY_MEASURES` measures all cells are kept in memory (the output
is byte-identical from run to run). Larger masters are written in XlsxWriter's
``constant_memory`` mode, which flushes each row to a temporary file as soon as a later row is
started, so the cells are no longer held in memory (XlsxWriter still keeps the row heights and
merged ranges until the end). Every sheet is therefore written strictly row by row: charts are
only *placed* above the table they plot, and no cell, row height or merge goes back to an
earlier row (a write to a flushed row would be dropped silently). Differences in that mode:
strings are written inline instead of shared, the charts carry no cached values (Excel and
LibreOffice read them from the cells), and "Maßnahmen" and "Prüfbericht" get a header row with
an autofilter instead of an Excel table (XlsxWriter cannot write tables in that mode); cell
values, formats, row heights, merges and print setup are the same, and the output is still
deterministic. Measured at 100,000 measures (11 fields, 2-core Xeon): the whole run
(``ampel-xl summary``) peaked at 989 MB in memory mode and peaks at 505 MB now;
``write_summary`` alone adds 259 MB instead of 732 MB to what reading the master needs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import beside, xlsx_workbook
from ..model import Konzept, document_date
from .cells import ROW_PT, clip, row_height, sheet_name
from .changes import SHEET_ENTWICKLUNG, add_changes_sheet
from .field import write_field
from .formats import Formats
from .measures import SHEET_MASSNAHMEN, write_measures
from .overview import SHEET_UEBERSICHT, write_overview
from .pruefbericht import SHEET_PRUEFBERICHT, write_findings_sheet

if TYPE_CHECKING:  # pragma: no cover
    from ..comparison import Changes
    from ..figures import Summary
    from ..validation import Report

#: Above this many measures the summary is written in XlsxWriter's ``constant_memory`` mode
#: (each row flushed to disk instead of every cell held until the end; see the module
#: docstring). At or below it the output is exactly what the in-memory mode writes.
CONSTANT_MEMORY_MEASURES = 20_000

# --------------------------------------------------------------------------------------------
# Paths and header


def default_summary_path(master: str | os.PathLike[str]) -> Path:
    """``…/Ampel-Master.xlsx`` → ``…/Ampel-Master_Zusammenfassung.xlsx`` (in the current folder for a
    master inside the installed package, see :func:`ampel_xl._io.beside`)."""
    return beside(master, f"{Path(master).stem}_Zusammenfassung.xlsx")


def default_header(konzept: Konzept) -> str:
    """The print header: the Konzept sheet's Kopfzeile, else title and Stand."""
    if konzept.kopfzeile and konzept.kopfzeile.strip():
        return konzept.kopfzeile.strip()
    text = f"{konzept.titel or 'Integrationskonzept'} – Zusammenfassung der Ampelauswertung"
    if konzept.stand_text:
        text += f" – Stand {konzept.stand_text}"
    return text


# --------------------------------------------------------------------------------------------
# The workbook


class SummaryWriter:
    """The summary workbook being written: what every sheet module needs (formats, header, Stand, sheet names)."""


    def __init__(self, summary: Summary, workbook, header: str, changes: Changes | None = None, *,
                 streaming: bool = False, link_dir: Path | None = None) -> None:
        self.s = summary
        # the folder of the summary: links to the master's cells are relative to it
        self.link_dir = link_dir
        # constant_memory mode: rows strictly in order, no add_table (see the module docstring)
        self.streaming = streaming
        self.changes = changes
        self.k: Konzept = summary.konzept
        self.wb = workbook
        self.fmt = Formats(workbook)
        self.header = header
        self.stand = self.k.stand_text
        self.with_ohne = bool(summary.has_ohne)
        self.report: Report | None = summary.report
        self.taken: set[str] = set()
        for reserved in (SHEET_UEBERSICHT, SHEET_MASSNAHMEN, SHEET_ENTWICKLUNG, SHEET_PRUEFBERICHT):
            self.taken.add(reserved.lower())
        self.feld_sheets: dict[str, str] = {}
        self._row_fmt_cache: dict[bool, dict[str, Any]] = {}
        for f in self.k.felder:
            self.feld_sheets[f.name] = sheet_name(f.sheet or f.name, self.taken)

    # ----------------------------------------------------------------------------------------
    def write(self, progress: Callable[[int, int], None] | None = None) -> None:
        # progress in measures written: each field sheet, then the Maßnahmen sheet lists them all
        n = len(self.k.massnahmen)
        total, done = 2 * n, 0
        report = progress or (lambda done, total: None)
        report(0, total)
        write_overview(self)
        for i, f in enumerate(self.k.felder):
            write_field(self, f, i)
            done += len(f.massnahmen)
            report(done, total)
        write_measures(self)
        report(total, total)
        if self.changes is not None:
            self.entwicklung(self.changes)
        if self.report is not None and self.report.findings:
            self.pruefbericht()

    def entwicklung(self, changes: Changes) -> None:
        """The sheet "Entwicklung": the comparison with an earlier Stand (see :mod:`.changes`)."""
        add_changes_sheet(self.wb, changes, name=SHEET_ENTWICKLUNG, header=self.header)

    # ----------------------------------------------------------------------------------------
    def title_block(self, ws, last_col: int, title: str, subtitle: str | None) -> int:
        fmt = self.fmt
        ws.write_string(0, 0, clip(title), fmt.title())
        ws.set_row(0, 24)
        row = 1
        if subtitle:
            ws.write_string(row, 0, clip(subtitle), fmt.subtitle())
            row += 1
        return row

    def merged_text(self, ws, row: int, first_col: int, last_col: int, text: str, cell_format, width: float,
                     *, min_lines: int = 1) -> None:
        text = clip(text)
        if first_col == last_col:
            ws.write_string(row, first_col, text, cell_format)
        else:
            ws.merge_range(row, first_col, row, last_col, "", cell_format)
            ws.write_string(row, first_col, text, cell_format)
        height = row_height(text, width, min_lines=min_lines)
        if height > ROW_PT + 3:
            ws.set_row(row, height)

    # ----------------------------------------------------------------------------------------
    # ----------------------------------------------------------------------------------------
    # ----------------------------------------------------------------------------------------
    # ----------------------------------------------------------------------------------------
    def pruefbericht(self) -> None:
        """The findings, each location a link that opens the master at its cell (see :mod:`.findings`)."""
        assert self.report is not None
        ws = self.wb.add_worksheet(SHEET_PRUEFBERICHT)
        write_findings_sheet(ws, self.fmt, self.report, master=self.k.source, link_dir=self.link_dir,
                             header=self.header, stand=self.stand, streaming=self.streaming)


def write_summary(summary: Summary, target: str | os.PathLike[str], *, header: str | None = None,
                  changes: Changes | None = None, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the summary workbook of ``summary`` to ``target`` (atomically) and return its path.

    ``header`` replaces the print header (default: the Konzept sheet's Kopfzeile). ``changes``
    (from :func:`ampel_xl.compare`, an earlier Stand against this one) adds the sheet
    "Entwicklung" after "Maßnahmen". A master with more than :data:`CONSTANT_MEMORY_MEASURES`
    measures is written in XlsxWriter's ``constant_memory`` mode (see the module docstring).
    ``progress`` is called as ``progress(done, total)`` while the sheets are built (in measures
    written); saving the file afterwards reports nothing.
    """
    target = Path(target)
    k = summary.konzept
    header_text = header.strip() if header and header.strip() else default_header(k)
    properties = {
        "title": f"Zusammenfassung {k.titel}" if k.titel else "Zusammenfassung der Ampelauswertung",
        "subject": "Ampelauswertung",
        "author": "ampel_xl",
        "company": k.amt or "",
        "comments": f"Erzeugt aus {os.path.basename(k.source)}",
        "created": document_date(k),
    }
    streaming = len(k.massnahmen) > CONSTANT_MEMORY_MEASURES
    # not in memory: a roll-up of 100,000 measures would hold the whole workbook in RAM
    with xlsx_workbook(target, properties, in_memory=False, constant_memory=streaming) as workbook:
        SummaryWriter(summary, workbook, header_text, changes, streaming=streaming,
                      link_dir=target.parent).write(progress)
    return target
