"""The Prüfbericht: the findings of a master as a workbook, each with a link to its cell.

When the master has errors, ``ampel-xl summary`` (and the double-click scripts) write no summary –
a wrong figure in a protocol is worse than none – but this workbook beside the master
(``<Master>_Prüfbericht.xlsx``): one row per finding with its severity, a link that opens the
master at the cell ("Sprache!D14"), the message and what to do. The summary's own sheet
"Prüfbericht" (written with ``--force`` or when there are warnings) is the same sheet, written by
:func:`write_findings_sheet`.

The links are Excel hyperlinks to another workbook with a location
(``Master.xlsx#'Sprache'!D14``), relative to the folder of the workbook that holds them, so that
the pair can be moved or copied to a shared drive together.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import beside, xlsx_workbook
from ..vocabulary import counts_text
from .cells import clip, fit_row
from .formats import SEVERITY_FILLS, WARN_FILL, Formats
from .page import setup_print

if TYPE_CHECKING:  # pragma: no cover
    from ..validation import Finding, Report

SHEET_NAME = SHEET_PRUEFBERICHT = "Prüfbericht"
#: Excel keeps at most this many hyperlinks per sheet; further findings get the location as text.
MAX_LINKS = 65_000
#: Longest link target Excel accepts (characters, XlsxWriter's limit minus one).
_MAX_URL = 2079
#: Row (0-based) of the table header on the sheet.
TABLE_TOP = 4
#: (header, column width) of the findings table.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Schwere", 11),
    ("Fundstelle", 24),
    ("Meldung", 66),
    ("Was tun", 54),
    ("Code", 22),
)

_CELL_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$")
_ROWS_RE = re.compile(r"^(\d{1,7})(?::(\d{1,7}))?$")


def default_findings_path(master: str | os.PathLike[str]) -> Path:
    """``…/Ampel-Master.xlsx`` → ``…/Ampel-Master_Prüfbericht.xlsx`` (in the current folder for a master
    inside the installed package, see :func:`ampel_xl._io.beside`)."""
    return beside(master, f"{Path(master).stem}_Prüfbericht.xlsx")


def _anchor(sheet: str | None, cell: str | None) -> str | None:
    """The location inside the master: ``'Sprache'!D14`` (a row range becomes its first cell)."""
    if not sheet:
        return None
    ref = "A1"
    text = (cell or "").strip().upper()
    m = _CELL_RE.match(text)
    if m:
        ref = f"{m.group(1)}{m.group(2)}"
    else:
        rows = _ROWS_RE.match(text)
        if rows:
            ref = f"A{rows.group(1)}"
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!{ref}"


def master_link(finding: Finding, master: str | os.PathLike[str], from_dir: str | os.PathLike[str]) -> str | None:
    """The Excel hyperlink that opens ``master`` at the finding's cell, relative to ``from_dir``.

    ``external:Ampel-Master.xlsx#'Sprache'!D14`` for a finding at ``Sprache!D14``; the sheet's A1
    for a finding without a cell; the master itself for a finding about the whole workbook.
    None when no link can be made (a path Excel cannot hold, a ``#`` in the path).
    """
    master_abs = os.path.abspath(os.fspath(master))
    try:
        rel = os.path.relpath(master_abs, os.path.abspath(os.fspath(from_dir)))
    except ValueError:  # another drive on Windows: an absolute link
        rel = master_abs
    if "#" in rel:
        return None
    anchor = _anchor(finding.sheet, finding.cell)
    url = f"external:{rel}" + (f"#{anchor}" if anchor else "")
    if len(rel) > _MAX_URL or len(anchor or "") > _MAX_URL:
        return None
    return url


def write_findings_sheet(ws, fmt, report: Report, *, master: str | os.PathLike[str] | None,
                         link_dir: str | os.PathLike[str] | None, header: str, stand: str | None,
                         streaming: bool = False, note: str | None = None) -> None:
    """Write the findings of ``report`` on ``ws``: title, counts, one row per finding.

    ``fmt`` is the summary's format cache (:class:`.formats.Formats`); with ``master``
    and ``link_dir`` the location of each finding is a link into the master. ``streaming``
    (XlsxWriter's constant_memory mode) writes strictly row by row and puts an autofilter on the
    header row instead of an Excel table. ``note`` is a sentence under the counts (e.g. that no
    summary was written).
    """
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
    name = os.path.basename(report.source)
    ws.write_string(0, 0, f"Prüfbericht für {name}", fmt.title())
    ws.set_row(0, 24)
    ws.write_string(1, 0, counts_text(report.counts), fmt(bold=True))
    lines = []
    if report.errors:
        lines.append(note or "Der Master enthält Fehler: Die Zahlen dieser Zusammenfassung können falsch sein.")
    if master is not None and link_dir is not None:
        lines.append("Ein Klick auf die Fundstelle öffnet den Master an der Zelle.")
    if lines:
        ws.write_string(2, 0, " ".join(lines), fmt(bold=bool(report.errors), font_color=WARN_FILL if report.errors
                                                    else "#000000"))
    top = TABLE_TOP
    if streaming:  # the header row before the body; an autofilter instead of a table
        for c, (h, _) in enumerate(COLUMNS):
            ws.write_string(top, c, h, fmt.head())
    findings = sorted(report.findings, key=lambda f: f.severity.rank)
    link_format = fmt.cell(text_wrap=True, font_color="#0563C1", underline=1)
    r = top
    links = 0
    for f in findings:
        r += 1
        ws.write_string(r, 0, f.severity.label, fmt.cell(bold=True, bg_color=SEVERITY_FILLS[f.severity.value]))
        url = None
        if master is not None and link_dir is not None and links < MAX_LINKS:
            url = master_link(f, master, link_dir)
        if url:
            ws.write_url(r, 1, url, link_format, string=clip(f.location),
                         tip="Öffnet den Master an dieser Stelle")
            links += 1
        else:
            ws.write_string(r, 1, clip(f.location), fmt.cell(text_wrap=True))
        ws.write_string(r, 2, clip(f.message), fmt.cell(text_wrap=True))
        ws.write_string(r, 3, clip(f.hint), fmt.cell(text_wrap=True))
        ws.write_string(r, 4, clip(f.code), fmt.cell())
        fit_row(ws, r, [(f.message, COLUMNS[2][1]), (f.hint, COLUMNS[3][1]), (f.location, COLUMNS[1][1])])
    if not findings:  # a clean master: say so in the table rather than leave it empty
        r += 1
        ws.write_string(r, 0, "–", fmt.cell())
        ws.write_string(r, 2, NO_FINDINGS, fmt.cell(text_wrap=True))
        fit_row(ws, r, [(NO_FINDINGS, COLUMNS[2][1])])
    last = len(COLUMNS) - 1
    if streaming:
        ws.autofilter(top, 0, r, last)
    else:
        ws.add_table(top, 0, r, last, {
            "name": "Befunde",
            "style": "Table Style Light 1",
            "columns": [{"header": h, "header_format": fmt.head()} for h, _ in COLUMNS],
        })
    ws.freeze_panes(top + 1, 0)
    ws.repeat_rows(top)
    setup_print(ws, header, stand)


NO_FINDINGS = "Keine Befunde: Die Prüfung hat im Master weder Fehler noch Warnungen oder Hinweise gefunden."


def write_findings(report: Report, target: str | os.PathLike[str] | None = None, *,
                   master: str | os.PathLike[str] | None = None, header: str | None = None,
                   stand: str | None = None, created: Any = None) -> Path:
    """Write the Prüfbericht workbook of ``report`` (atomically) and return its path.

    ``master`` (default: ``report.source``) is the workbook the links open; ``target`` defaults
    to ``<Master>_Prüfbericht.xlsx`` beside it. ``header`` is the print header (default
    "Prüfbericht – <Master>": the workbook is a clerk's work list, not part of the protocol, so it
    does not print under the concept's Kopfzeile "Anlage 1 – Protokoll …"), ``stand`` is printed in
    the footer, ``created`` (a datetime) fixes the document date so that the output is deterministic.
    """
    master_path = Path(master if master is not None else report.source)
    target = Path(target) if target is not None else default_findings_path(master_path)
    properties: dict[str, Any] = {
        "title": f"Prüfbericht {master_path.name}",
        "subject": "Prüfung des Ampel-Masters",
        "author": "ampel_xl",
        "comments": f"Befunde der Prüfung von {master_path.name}",
    }
    if created is not None:
        properties["created"] = created
    with xlsx_workbook(target, properties) as wb:
        ws = wb.add_worksheet(SHEET_NAME)
        note = None
        if report.errors:
            # the same workbook answers a refused summary and a refused Ampeldokument
            note = ("Zusammenfassung bzw. Ampeldokument wurden nicht geschrieben, weil der Master Fehler enthält. "
                    "Bitte beheben Sie sie im Master und starten Sie erneut.")
        write_findings_sheet(ws, Formats(wb), report, master=master_path, link_dir=target.parent,
                             header=header or f"Prüfbericht – {master_path.name}", stand=stand, note=note)
    return target
