"""Writes master workbooks ("Ampel-Master") with XlsxWriter.

Three kinds, all in the canonical *hierarchical* layout that :mod:`ampel_xl.reader` reads:

* the **template** of a concept (``write_master(path, structure)``): every field with its
  Oberziel and Unterziele, no measure rows yet;
* a generic **empty** master for another concept (``empty=True``): a Konzept sheet with
  placeholders and one field sheet to copy;
* the **example** (``example=True``): all measures with fictional but deterministic statuses
  and evaluation marks, painted the way staff keep them (fill colour and word, or fill only).

``structure`` is a dict as in ``ampel_xl/data/integrationskonzept_1_0.json``
(see :func:`load_structure`). Output is byte-for-byte deterministic: the document's creation
date is the concept's Stand and XlsxWriter dates every zip entry 1980-01-01.

Layout of a field sheet (rows are 1-based; only the title row is frozen, so that the tall text
cells scroll with the table)::

    1  Handlungsfeld Sprache                        (example: banner in E1:G1)
    2  Oberziel    | text (B2:G2 merged)
    3  Einleitung  | text (optional; one unmerged input cell B3)
    4  Sachstand   | text (tall unmerged input cell B4)
    5  Highlights  | one per line (tall unmerged input cell B5)
    6  Ausblick    | text (optional; unmerged input cell B6)
    8  Nr | Unterziel / Maßnahme | Ampel | In Auswertung | Verantwortlich | Zeitraum | Bemerkung
    9  3  | Unterziel 3: …  (bold, grey)
   10  5  | measure text | Grün | …                  (Nr = running number within the field)
       (template: bordered empty input rows under every Unterziel)

Every workbook opens with the sheet "Anleitung" (how to fill in the master, the Ampel words and
colours, the blue marking). Cells a clerk must complete carry a visible placeholder in square
brackets (:mod:`ampel_xl.placeholders`); validation warns while one is left in.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import placeholders
from .._io import xlsx_workbook
from ..vocabulary import (
    ANLEITUNG_TITLE,
    BLUE_LABEL,
    BLUE_MARK,
    BLUE_MEANING,
    FLAG_MARK,
    STATUS_CHOICE,
    STATUS_COLORS,
    STATUS_MEANINGS,
    STATUS_ORDER,
    Status,
)
from .cells import row_height, sheet_name
from .formats import Formats
from .page import print_a4

__all__ = [
    "EXAMPLE_FILENAME",
    "EXAMPLE_SEED",
    "HEADER_ROW",
    "STRUCTURE_RESOURCE",
    "load_structure",
    "template_filename",
    "write_master",
    "write_template",
]

STRUCTURE_RESOURCE = "integrationskonzept_1_0.json"
EXAMPLE_FILENAME = "Beispiel_Ampel-Master.xlsx"
#: Seed of the pseudo-random statuses of the example.
EXAMPLE_SEED = 2025

#: 1-based row of the table header on every field sheet.
HEADER_ROW = 8
#: The free-text rows above the table (1-based row, label, height of the empty input cell in points).
TEXT_ROWS: tuple[tuple[int, str, float], ...] = (
    (3, "Einleitung", 48),
    (4, "Sachstand", 120),
    (5, "Highlights", 96),
    (6, "Ausblick", 60),
)
#: Sheet names the writer uses itself (a field sheet never takes one of them).
SHEET_ANLEITUNG = "Anleitung"
#: (header label, column width) of the measures table, columns A..G.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Nr", 11),
    ("Unterziel / Maßnahme", 72),
    ("Ampel", 10),
    ("In Auswertung", 13),
    ("Verantwortlich", 18),
    ("Zeitraum", 12),
    ("Bemerkung", 26),
)
COL_NR, COL_TEXT, COL_AMPEL, COL_AUSWERTUNG = 0, 1, 2, 3
#: Characters per line of the text column for the row-height estimate (generous: neither Excel
#: nor LibreOffice fits the rows of a generated file, and a clipped line is worse than space).
TEXT_CHARS = COLUMNS[COL_TEXT][1] * 1.1
TEXT_CHARS_BOLD = COLUMNS[COL_TEXT][1] * 1.0
LAST_COL = len(COLUMNS) - 1

#: Fewest empty, bordered input rows under each Unterziel of the template; where the concept
#: declares more measures per Unterziel, as many as declared plus two.
TEMPLATE_BLANK_ROWS = 4
#: Extra input rows beyond the declared measures of an Unterziel.
TEMPLATE_SPARE_ROWS = 2
#: Drop-downs and colour rules reach this many rows below the last written row.
DROPDOWN_RESERVE = 200

#: The words of the Ampel drop-down, its colour rules and the Legende (the vocabulary's labels).
STATUS_WORDS = {s: s.label for s in STATUS_ORDER}
GREY = "#D9D9D9"
BORDER_GREY = "#BFBFBF"
INPUT_BORDER = "#7F7F7F"
BANNER = "FIKTIVE BEISPIELDATEN – Status und Auswertungsmarkierung sind erfunden"

AMPEL_INPUT = f"Bitte {STATUS_CHOICE} aus der Liste wählen – die Zelle färbt sich dann von selbst."
AMPEL_ERROR = (f"Nur {STATUS_CHOICE} sind erlaubt. "
               f"Bitte wählen Sie einen Wert aus der Liste oder lassen Sie die Zelle leer.")
AUSWERTUNG_INPUT = f"{FLAG_MARK} = Maßnahme fließt in die Auswertung ein (alternativ: Nr-Zelle blau hinterlegen)"
AUSWERTUNG_ERROR = f"Bitte „{FLAG_MARK}“ wählen oder die Zelle leer lassen."
#: Input messages (Excel shows them when the cell is selected; at most 255 characters).
TEXT_INPUT = {
    "Einleitung": "Optional: ein Absatz, den das Ampeldokument vor den Ergebnissen druckt "
                  "(z. B. „Das Oberziel … fokussiert sich auf …“). Leer lassen, wenn nicht gebraucht.",
    "Sachstand": "Sachstand des Feldes als Absatz für das Ampeldokument. Neuer Absatz: Alt+Enter "
                 "(LibreOffice: Strg+Enter).",
    "Highlights": "Ein Highlight je Zeile: nach jedem Punkt Alt+Enter (LibreOffice: Strg+Enter). "
                  "Fett gesetzte Wörter bleiben im Ampeldokument fett.",
    "Ausblick": "Optional: Pläne und was nicht weiterverfolgt wurde; das Ampeldokument druckt es nach "
                "den Ergebnissen. Leer lassen, wenn nicht gebraucht.",
}


# --------------------------------------------------------------------------------------------
# Structure


def load_structure(name: str = STRUCTURE_RESOURCE) -> dict[str, Any]:
    """The packaged structure of a concept (default: Integrationskonzept 1.0, Landkreis Konstanz)."""
    text = resources.files("ampel_xl").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def template_filename(structure: dict[str, Any]) -> str:
    """``"Vorlage_Integrationskonzept_1.0.xlsx"`` for the packaged structure."""
    titel = str(structure.get("titel") or "Integrationskonzept").strip()
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in titel.replace(" ", "_"))
    return f"Vorlage_{safe}.xlsx"


def _stand(structure: dict[str, Any]) -> _dt.date | None:
    value = structure.get("stand")
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------------------------
# Example data (fictional, deterministic)


def _distribute(total: int, parts: int) -> list[int]:
    """Measures per Unterziel: as even as possible, the first ones get the remainder."""
    if parts <= 0:
        return []
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def _example_data(felder: Sequence[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], set[int]]:
    """Per field the measure rows of the example, and the fields painted without words."""
    rng = random.Random(EXAMPLE_SEED)
    statuses = (Status.GRUEN, Status.GELB, Status.ROT)
    weights = (0.5, 0.33, 0.17)
    out: list[list[dict[str, Any]]] = []
    for feld in felder:
        bekannt = {str(k): v for k, v in (feld.get("massnahmen_bekannt") or {}).items()}
        counts = _distribute(int(feld.get("massnahmen_anzahl") or 0), len(feld["unterziele"]))
        rows: list[dict[str, Any]] = []
        nr = 0
        for uz, n in zip(feld["unterziele"], counts, strict=True):
            for _ in range(n):
                nr += 1
                text = bekannt.get(str(nr)) or f"Beispielmaßnahme {nr} zu Unterziel {uz['nr']} (fiktiv)"
                rows.append({
                    "nr": nr,
                    "uz": uz["nr"],
                    "text": text,
                    "status": rng.choices(statuses, weights)[0],
                    "auswertung": rng.random() < 0.85,
                })
        # every field shows all three statuses (when it has at least three measures)
        if len(rows) >= len(statuses):
            for status in statuses:
                if any(r["status"] is status for r in rows):
                    continue
                seen = {s: sum(r["status"] is s for r in rows) for s in statuses}
                donors = [r for r in rows if seen[r["status"]] > 1]
                rng.choice(donors)["status"] = status
        out.append(rows)
    k = min(3, max(len(felder) - 1, 0))
    fill_only = set(rng.sample(range(1, len(felder)), k)) if k else set()
    return out, fill_only


# --------------------------------------------------------------------------------------------
# Formats


class _Formats:
    """All cell formats of a master, created once per workbook (through the shared format cache)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        formats = Formats(wb)

        def add(props: dict[str, Any]) -> Any:
            return formats.plain(**props)

        border = {"border": 1, "border_color": BORDER_GREY}
        self.title = add({"bold": True, "font_size": 14})
        self.label = add({"bold": True, "valign": "top"})
        self.oberziel = add({"text_wrap": True, "valign": "top"})
        self.longtext = add({"text_wrap": True, "valign": "top", "font_size": 10})
        self.banner = add({
            "bold": True, "font_color": "#C00000", "text_wrap": True, "valign": "vcenter",
            "align": "center", "border": 2, "border_color": "#C00000",
        })
        self.header = add({"bold": True, "bottom": 2, "text_wrap": True, "valign": "bottom"})
        self.uz_nr = add({"bold": True, "bg_color": GREY, "valign": "top", "align": "left", **border})
        self.uz_text = add({"bold": True, "bg_color": GREY, "text_wrap": True, "valign": "top", **border})
        self.uz_fill = add({"bg_color": GREY, **border})
        self.nr = add({"valign": "top", "align": "left", **border})
        self.nr_blue = add({"valign": "top", "align": "left", "bg_color": BLUE_MARK, **border})
        self.text = add({"text_wrap": True, "valign": "top", **border})
        self.text_blue = add({"text_wrap": True, "valign": "top", "bg_color": BLUE_MARK, **border})
        self.cell = add({"valign": "top", "text_wrap": True, **border})
        self.center = add({"valign": "top", "align": "center", **border})
        self.status = {
            s: add({"bg_color": STATUS_COLORS[s.value], "align": "center", "valign": "top", **border})
            for s in Status
        }
        # conditional formats (differential: fill only)
        self.cf = {s: add({"bg_color": STATUS_COLORS[s.value]}) for s in Status}
        self.date = add({"num_format": "DD.MM.YYYY", "align": "left"})
        self.key = add({"bold": True})
        self.value = add({"text_wrap": False})
        self.placeholder = add({"italic": True, "font_color": "#7F7F7F"})
        self.note = add({"italic": True, "text_wrap": True, "valign": "top", "font_color": "#404040"})
        self.kheader = add({"bold": True, "bottom": 2})
        self.int = add({"num_format": "0", "align": "center"})
        self.legend_status = {
            s: add({"bold": True, "bg_color": STATUS_COLORS[s.value], "align": "center", "valign": "vcenter", **border})
            for s in Status
        }
        self.legend_text = add({"text_wrap": True, "valign": "vcenter", **border})
        self.legend_blue = add({"bold": True, "bg_color": BLUE_MARK, "align": "center", "valign": "vcenter", **border})
        self.legend_blue_text = add({"text_wrap": True, "valign": "vcenter", "bg_color": BLUE_MARK, **border})
        self.legend_grey = add({"bold": True, "bg_color": GREY, "align": "center", "valign": "vcenter", **border})
        self.heading = add({"bold": True, "font_size": 12})
        self.step_nr = add({"valign": "top", "align": "right"})
        self.step = add({"text_wrap": True, "valign": "top"})
        self.step_lead = add({"bold": True, "valign": "top"})
        frame = {"border": 1, "border_color": INPUT_BORDER}
        self.input = add({"text_wrap": True, "valign": "top", "font_size": 10, **frame})
        self.input_value = add({"valign": "top", **frame})
        self.input_date = add({"valign": "top", "num_format": "DD.MM.YYYY", "align": "left", **frame})
        # conditional (differential) format of a placeholder that is still there
        self.cf_placeholder = add({"italic": True, "font_color": "#7F7F7F"})
        self.anleitung_title = add({"bold": True, "font_size": 16})
        self.swatch_empty = add({**frame})


# --------------------------------------------------------------------------------------------
# Helpers


def _input_rows(uz: dict[str, Any], fewest: int, declared: dict[int, int]) -> int:
    """Empty input rows under an Unterziel: none when ``fewest`` is 0 (the example), else at
    least ``fewest`` and room for the declared measures plus :data:`TEMPLATE_SPARE_ROWS`."""
    if fewest <= 0:
        return 0
    return max(fewest, declared.get(uz["nr"], 0) + TEMPLATE_SPARE_ROWS)


def _merged_width(first: int, last: int) -> float:
    return sum(width for _, width in COLUMNS[first : last + 1])


#: The master's margins (inches): a little less at the top than the outputs, which carry a bold header.
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75}


def _header_footer(ws, kopfzeile: str | None, example: bool) -> None:
    """A4 landscape, one page wide, Kopfzeile in the header, page numbers in the footer."""
    left = (kopfzeile or "").replace("&", "&&")
    header = f"&L&8{left}" if left else ""
    if example:
        header += "&C&8&\"-,Bold\"FIKTIVE BEISPIELDATEN"
    header += "&R&8&A"
    print_a4(ws, header, "&C&8Seite &P von &N", margins=_MARGINS, center=False)


def _ranges(col_letter: str, first: int, last: int, skip: set[int]) -> str:
    """Space-separated ranges of one column from ``first`` to ``last`` (1-based), without ``skip``."""
    parts: list[str] = []
    start = None
    for row in range(first, last + 2):
        inside = row <= last and row not in skip
        if inside and start is None:
            start = row
        elif not inside and start is not None:
            end = row - 1
            parts.append(f"{col_letter}{start}" if start == end else f"{col_letter}{start}:{col_letter}{end}")
            start = None
    return " ".join(parts)


def _dropdowns(ws, fm: _Formats, first: int, last: int, skip: set[int]) -> None:
    """Drop-downs and colour rules on the Ampel and In-Auswertung columns (Unterziel rows skipped)."""
    ampel = _ranges("C", first, last, skip)
    auswertung = _ranges("D", first, last, skip)
    if not ampel:
        return
    c_first = f"C{first}"
    ws.data_validation(c_first, {
        "validate": "list",
        "source": [STATUS_WORDS[s] for s in Status],
        "input_title": "Ampel",
        "input_message": AMPEL_INPUT,
        "error_title": "Ungültiger Ampelwert",
        "error_message": AMPEL_ERROR,
        "error_type": "stop",
        "multi_range": ampel,
    })
    for status in Status:
        ws.conditional_format(c_first, {
            "type": "cell",
            "criteria": "equal to",
            "value": f'"{STATUS_WORDS[status]}"',
            "format": fm.cf[status],
            "multi_range": ampel,
        })
    ws.data_validation(f"D{first}", {
        "validate": "list",
        "source": [FLAG_MARK],
        "input_title": "In Auswertung",
        "input_message": AUSWERTUNG_INPUT,
        "error_title": "Ungültiger Wert",
        "error_message": AUSWERTUNG_ERROR,
        "error_type": "warning",
        "multi_range": auswertung,
    })


# --------------------------------------------------------------------------------------------
# Sheets


def _field_sheet(
    wb: xlsxwriter.Workbook,
    fm: _Formats,
    sheet: str,
    feld: dict[str, Any],
    *,
    kopfzeile: str | None,
    example: bool,
    measures: list[dict[str, Any]] | None,
    fill_only: bool,
    blank_rows: int,
    comments: bool = False,
) -> None:
    ws = wb.add_worksheet(sheet)
    for col, (_, width) in enumerate(COLUMNS):
        ws.set_column(col, col, width)
    _header_footer(ws, kopfzeile, example)

    # rows 1-4: title, Oberziel, Sachstand, Highlights (0-based row indexes below)
    art = feld.get("art") or "Handlungsfeld"
    ws.write_string(0, 0, f"{art} {feld['name']}", fm.title)
    ws.set_row(0, 24 if not example else 36)
    if example:
        ws.merge_range(0, 4, 0, LAST_COL, BANNER, fm.banner)

    width = _merged_width(1, LAST_COL) * 1.1
    oberziel = feld.get("oberziel") or ""
    ws.write_string(1, 0, "Oberziel", fm.label)
    ws.merge_range(1, 1, 1, LAST_COL, oberziel, fm.oberziel)
    ws.set_row(1, row_height(oberziel, chars_per_line=width, line_pt=15, padding=3))

    # the free texts: label in A, the text in the unmerged input cell B beside it (what the
    # reader reads), nothing else in the row; the template leaves them empty
    texts = {"Einleitung": "", "Sachstand": "", "Highlights": "", "Ausblick": ""}
    if example:
        texts = {
            "Einleitung": feld.get("fokus") or "",
            "Sachstand": feld.get("sachstand") or "",
            "Highlights": "\n".join(feld.get("highlights") or []),
            "Ausblick": feld.get("ausblick") or "",
        }
    chars = COLUMNS[COL_TEXT][1] * 1.15  # 10 pt text in the text column
    for row_1, label, empty_height in TEXT_ROWS:
        r = row_1 - 1
        text = texts[label]
        if example and not text:
            # a filled master leaves out what it does not use: a label beside an empty cell is a finding
            ws.set_row(r, 6)
            continue
        ws.write_string(r, 0, label, fm.label)
        if text:
            ws.write_string(r, COL_TEXT, text, fm.input)
            ws.set_row(r, max(row_height(text, chars_per_line=chars, line_pt=13, padding=5), 30))
        else:
            ws.write_blank(r, COL_TEXT, None, fm.input)
            ws.set_row(r, empty_height)
        ws.data_validation(r, COL_TEXT, r, COL_TEXT, {
            "validate": "any",
            "input_title": label,
            "input_message": TEXT_INPUT[label],
        })
    if comments:
        ws.write_comment(0, 0, (
            "Titel des Feldes: „Handlungsfeld …“ oder „Querschnittsthema …“ und der Name. "
            "Für jedes weitere Feld dieses Blatt kopieren (Rechtsklick auf den Blattnamen → "
            "Verschieben/Kopieren → Kopie erstellen)."
        ), {"x_scale": 2.2, "y_scale": 1.6})

    # the table header; only the title row is frozen (the text cells above must scroll)
    hr = HEADER_ROW - 1
    for col, (label, _) in enumerate(COLUMNS):
        ws.write_string(hr, col, label, fm.header)
    ws.set_row(hr, 30)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(hr)

    row = HEADER_ROW  # 0-based index of the first row below the header
    declared = dict(zip(
        (uz["nr"] for uz in feld["unterziele"]),
        _distribute(int(feld.get("massnahmen_anzahl") or 0), len(feld["unterziele"])), strict=True,
    ))
    uz_rows: set[int] = set()  # 1-based
    by_uz: dict[int, list[dict[str, Any]]] = {}
    for m in measures or []:
        by_uz.setdefault(m["uz"], []).append(m)
    for uz in feld["unterziele"]:
        ws.write_number(row, COL_NR, uz["nr"], fm.uz_nr)
        uz_text = f"Unterziel {uz['nr']}: {uz['text']}"
        ws.write_string(row, COL_TEXT, uz_text, fm.uz_text)
        ws.set_row(row, row_height(uz_text, chars_per_line=TEXT_CHARS_BOLD, line_pt=15, padding=1))
        for col in range(COL_AMPEL, LAST_COL + 1):
            ws.write_blank(row, col, None, fm.uz_fill)
        uz_rows.add(row + 1)
        if comments and row == HEADER_ROW:
            ws.write_comment(row, COL_TEXT, (
                "Unterziel-Zeile: „Unterziel 1: …“, in Nr die Nummer des Unterziels, keine Ampel. "
                "Darunter je Maßnahme eine Zeile: Nr = laufende Nummer im Feld (1, 2, 3 …), "
                "Text, Ampel aus der Liste."
            ), {"x_scale": 2.4, "y_scale": 1.6})
        row += 1
        uz_measures = by_uz.get(uz["nr"], [])
        for m in uz_measures:
            blue = m["auswertung"]
            ws.write_number(row, COL_NR, m["nr"], fm.nr_blue if blue else fm.nr)
            ws.write_string(row, COL_TEXT, m["text"], fm.text_blue if blue else fm.text)
            ws.set_row(row, row_height(m["text"], chars_per_line=TEXT_CHARS, line_pt=15, padding=1))
            status_fmt = fm.status[m["status"]]
            if fill_only:
                ws.write_blank(row, COL_AMPEL, None, status_fmt)
            else:
                ws.write_string(row, COL_AMPEL, STATUS_WORDS[m["status"]], status_fmt)
            ws.write_blank(row, COL_AUSWERTUNG, None, fm.center)
            for col in range(COL_AUSWERTUNG + 1, LAST_COL + 1):
                ws.write_blank(row, col, None, fm.cell)
            row += 1
        # empty, bordered input rows (no value anywhere: the reader skips them)
        for _ in range(_input_rows(uz, blank_rows, declared)):
            ws.write_blank(row, COL_NR, None, fm.nr)
            ws.write_blank(row, COL_TEXT, None, fm.text)
            ws.write_blank(row, COL_AMPEL, None, fm.center)
            ws.write_blank(row, COL_AUSWERTUNG, None, fm.center)
            for col in range(COL_AUSWERTUNG + 1, LAST_COL + 1):
                ws.write_blank(row, col, None, fm.cell)
            ws.set_row(row, 20)
            row += 1
    last = row + DROPDOWN_RESERVE
    _dropdowns(ws, fm, HEADER_ROW + 1, last, uz_rows)
    ws.autofilter(hr, 0, max(row - 1, hr), LAST_COL)


def _konzept_sheet(
    wb: xlsxwriter.Workbook,
    fm: _Formats,
    meta: list[tuple[str, Any, bool]],
    table: Sequence[tuple[str, str, int | None, int | None]],
    note: str,
    *,
    kopfzeile: str | None,
    example: bool,
    date_hint: bool = False,
) -> None:
    """Key/value rows from A1, a blank row, a note for staff, the declared structure."""
    ws = wb.add_worksheet("Konzept")
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 3, 12)
    ws.set_column(4, 5, 14)
    _header_footer(ws, kopfzeile, example)
    row = 0
    for key, value, placeholder in meta:
        ws.write_string(row, 0, key, fm.key)
        if isinstance(value, _dt.date):
            ws.write_datetime(row, 1, _dt.datetime.combine(value, _dt.time()), fm.date)
        elif value is None:
            ws.write_blank(row, 1, None, fm.date if key == "Stand" else fm.value)
        elif placeholder:
            # a visible placeholder in a framed input cell; grey and italic only while unchanged
            ws.write_string(row, 1, str(value), fm.input_date if key == "Stand" else fm.input_value)
            ws.conditional_format(row, 1, row, 1, {
                "type": "cell", "criteria": "equal to", "value": f'"{value}"', "format": fm.cf_placeholder,
            })
        else:
            ws.write_string(row, 1, str(value), fm.value)
        if key == "Stand" and (date_hint or placeholder):
            ws.data_validation(row, 1, row, 1, {
                "validate": "date",
                "criteria": "between",
                "minimum": _dt.date(2000, 1, 1),
                "maximum": _dt.date(2100, 12, 31),
                "input_title": "Stand",
                "input_message": "Stichtag der Ampelbewertung als Datum eingeben, z. B. 31.01.2026.",
                "error_title": "Kein Datum",
                "error_message": "Bitte ein Datum im Format TT.MM.JJJJ eingeben.",
                "error_type": "warning",
            })
        elif key == "Kopfzeile" and placeholder:
            ws.data_validation(row, 1, row, 1, {
                "validate": "any",
                "input_title": "Kopfzeile",
                "input_message": "Text, der oben auf jeder gedruckten Seite von Zusammenfassung und "
                                 "Ampeldokument steht, z. B. „Anlage 1 – Protokoll Steuerungsgruppe "
                                 "Integration vom 12. März 2026“.",
            })
        row += 1
    row += 1  # blank row
    # single-cell rows above the table: a note for staff (and the banner of the example)
    ws.merge_range(row, 0, row, 5, note, fm.note)
    ws.set_row(row, row_height(note, chars_per_line=118 * 1.1, line_pt=15, padding=3))
    row += 1
    if example:
        ws.merge_range(row, 0, row, 5, BANNER, fm.banner)
        ws.set_row(row, 22)
        row += 1
    header_row = row
    for col, label in enumerate(("Feld", "Art", "Unterziele", "Maßnahmen")):
        ws.write_string(row, col, label, fm.kheader)
    row += 1
    for name, art, n_uz, n_m in table:
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, art)
        if n_uz is None:
            ws.write_blank(row, 2, None, fm.int)
        else:
            ws.write_number(row, 2, n_uz, fm.int)
        if n_m is None:
            ws.write_blank(row, 3, None, fm.int)
        else:
            ws.write_number(row, 3, n_m, fm.int)
        row += 1
    ws.repeat_rows(header_row)


def _anleitung_sheet(wb: xlsxwriter.Workbook, fm: _Formats, *, kopfzeile: str | None, example: bool,
                     fill_only_names: Sequence[str] = (), placeholders_left: bool = True) -> None:
    """The first sheet: how to fill in the master, the Ampel words and colours, the blue marking.

    No cell of it starts with "Handlungsfeld" or "Querschnittsthema", so that the reader never
    takes it for a field sheet.
    """
    ws = wb.add_worksheet(SHEET_ANLEITUNG)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 110)
    _header_footer(ws, kopfzeile, example)
    ws.hide_gridlines(2)
    ws.write_string(0, 0, ANLEITUNG_TITLE, fm.anleitung_title)
    ws.set_row(0, 26)
    row = 2

    def heading(text: str) -> None:
        nonlocal row
        ws.write_string(row, 0, text, fm.heading)
        ws.set_row(row, 20)
        row += 1

    def paragraph(text: str, lead: str = "") -> None:
        nonlocal row
        if lead:
            ws.write_string(row, 0, lead, fm.step_lead)
        ws.write_string(row, 1, text, fm.step)
        ws.set_row(row, row_height(text, chars_per_line=110 * 1.05, line_pt=15, padding=3))
        row += 1

    def swatch(word: str, word_format, text: str, text_format) -> None:
        nonlocal row
        ws.write_string(row, 0, word, word_format)
        ws.write_string(row, 1, text, text_format)
        ws.set_row(row, row_height(text, chars_per_line=110 * 1.05, line_pt=15, padding=6))
        row += 1

    if example:
        text = (
            "Diese Datei zeigt, wie ein ausgefüllter Master aussieht. Oberziele, Unterziele, Einleitung, "
            "Sachstand, Highlights und Ausblick stammen aus dem Ampeldokument vom Februar 2025; die "
            "Maßnahmentexte sind Platzhalter (außer den im Ampeldokument zitierten). Status und blaue "
            "Markierung sind zufällig erzeugt."
        )
        if fill_only_names:
            text += (
                " In den Blättern " + ", ".join(f"„{n}“" for n in fill_only_names)
                + " ist die Ampel nur als Zellfarbe erfasst (ohne Wort) – auch das wird gelesen."
            )
        ws.write_string(row, 0, BANNER, fm.heading)
        row += 1
        paragraph(text)
        row += 1

    heading("1. Zuerst: Angaben im Blatt „Konzept“")
    if placeholders_left:
        paragraph(
            "Felder mit einem Text in eckigen Klammern, z. B. „" + placeholders.STAND + "“, sind Platzhalter: "
            "Klicken Sie hinein und überschreiben Sie sie. Stand = Stichtag der Ampelbewertung (als Datum), "
            "Kopfzeile = der Text oben auf jeder gedruckten Seite. Solange ein Platzhalter im Master steht, "
            "meldet die Prüfung eine Warnung mit der Zelle."
        )
    paragraph(
        "Die Tabelle im Blatt „Konzept“ nennt je Feld die im Konzept festgelegte Zahl der Unterziele und "
        "Maßnahmen. ampel_xl vergleicht die Zeilen der Feldblätter damit, damit eine versehentlich "
        "gelöschte Zeile auffällt. Ändert sich die Struktur, passen Sie die Zahlen an."
    )
    row += 1
    heading("2. Texte für das Ampeldokument (oben auf jedem Feldblatt)")
    paragraph("Den Text immer in das umrahmte Feld rechts neben der Beschriftung schreiben; die Beschriftung "
              "in Spalte A nicht ändern und keine Zellen verbinden.")
    paragraph("Ein Absatz zum Stand des Feldes. Für einen neuen Absatz Alt+Enter drücken "
              "(LibreOffice: Strg+Enter).", "Sachstand")
    paragraph("Ein Highlight je Zeile – nach jedem Punkt Alt+Enter (LibreOffice: Strg+Enter). "
              "Wörter, die Sie in der Zelle fett setzen, erscheinen auch im Ampeldokument fett.", "Highlights")
    paragraph("Freiwillig: ein Absatz, den das Ampeldokument vor den Ergebnissen druckt, "
              "z. B. „Das Oberziel … fokussiert sich auf …“. Freiwillige Felder einfach leer lassen.", "Einleitung")
    paragraph("Freiwillig: Pläne und was nicht weiterverfolgt wurde; das Ampeldokument druckt es "
              "nach den Ergebnissen.", "Ausblick")
    row += 1
    heading("3. Ampel (Status) je Maßnahme")
    paragraph(f"Zelle in der Spalte „Ampel“ anklicken und {STATUS_CHOICE} aus der Liste wählen – die Zelle "
              "färbt sich dann von selbst. Wie bisher darf die Zelle stattdessen auch nur farbig hinterlegt "
              "werden; Wort und Farbe müssen dann zusammenpassen. Bitte keine anderen Farben verwenden.")
    for status in STATUS_ORDER:
        swatch(STATUS_WORDS[status], fm.legend_status[status], STATUS_MEANINGS[status], fm.legend_text)
    row += 1
    heading("4. Blaue Markierung: in der Auswertung")
    swatch(BLUE_LABEL, fm.legend_blue, f"{BLUE_MEANING} Markieren "
           f"Sie dazu die Nr- oder Textzelle der Maßnahme blau – oder wählen Sie „{FLAG_MARK}“ in der Spalte "
           "„In Auswertung“. Ist im ganzen Master keine Maßnahme markiert, gehen alle Maßnahmen in die "
           "Auswertung ein.", fm.legend_blue_text)
    swatch("Grau", fm.legend_grey, "Grau hinterlegte Zeilen sind Unterziele; sie bekommen keine Ampel.",
           fm.legend_text)
    row += 1
    heading("5. Maßnahmen, Unterziele und Felder")
    steps = (
        "Neue Maßnahme: in eine der leeren, umrahmten Zeilen unter ihrem Unterziel in „Nr“ die laufende "
        "Nummer im Feld (1, 2, 3 …) und den Text eintragen, dann die Ampel wählen. Reichen die Zeilen nicht, "
        "eine Zeile einfügen (Rechtsklick auf die Zeilennummer → Zeilen einfügen). Leere Zeilen zählen nicht.",
        "Neues Unterziel: eine Zeile mit der Nummer des Unterziels in „Nr“ und dem Text „Unterziel 4: …“; "
        "diese Zeile bekommt keine Ampel.",
        "Neues Feld: ein Feldblatt kopieren (Rechtsklick auf den Blattnamen → Verschieben/Kopieren → Kopie "
        "erstellen), in Zelle A1 den Titel ändern und das Feld im Blatt „Konzept“ eintragen.",
        "Entfallene Maßnahmen nicht löschen, sondern in „Bemerkung“ vermerken – so bleiben Nummern und Zahlen "
        "stimmig.",
    )
    for i, step in enumerate(steps, start=1):
        paragraph(step, f"{i}.")
    row += 1
    heading("6. Prüfen und auswerten")
    paragraph(
        "Vor der Sitzung: „ampel-xl validate Master.xlsx“ zeigt jede Auffälligkeit mit Blatt und Zelle. "
        "Die Zusammenfassung schreibt „ampel-xl summary Master.xlsx“ oder ein Doppelklick auf "
        "„Zusammenfassung_erstellen.cmd“. Hat der Master Fehler, entsteht statt der Zusammenfassung ein "
        "Prüfbericht neben dem Master: Ein Klick auf die Fundstelle öffnet den Master an der Zelle."
    )
    ws.activate()


# --------------------------------------------------------------------------------------------
# Public API


def write_master(
    target: str | Path,
    structure: dict[str, Any],
    *,
    example: bool = False,
    empty: bool = False,
) -> Path:
    """Write a master workbook to ``target`` (atomically) and return its path.

    * default: the template of ``structure`` – all fields, Oberziele and Unterziele, no
      measure rows, the Konzept sheet with the declared counts;
    * ``empty=True``: a generic empty master for another concept (``structure`` only gives
      the creation date);
    * ``example=True``: all declared measures with fictional, deterministic statuses and
      blue evaluation marks, plus a banner saying so on every sheet.
    """
    if example and empty:
        raise ValueError("example and empty exclude each other")
    target = Path(target)
    stand = _stand(structure)
    created = _dt.datetime.combine(stand or _dt.date(2025, 1, 1), _dt.time())
    with xlsx_workbook(target) as wb:
        if empty:
            _write_empty(wb, created)
        else:
            _write_concept(wb, structure, stand, created, example=example)
    return target


def write_template(
    target: str | Path,
    *,
    example: bool = False,
    empty: bool = False,
    structure: dict[str, Any] | None = None,
) -> Path:
    """:func:`write_master` with the packaged structure (Integrationskonzept 1.0) by default."""
    return write_master(target, structure if structure is not None else load_structure(),
                        example=example, empty=empty)


def _write_concept(
    wb: xlsxwriter.Workbook,
    structure: dict[str, Any],
    stand: _dt.date | None,
    created: _dt.datetime,
    *,
    example: bool,
) -> None:
    titel = structure.get("titel") or ""
    kopfzeile = structure.get("kopfzeile") or None
    felder = list(structure.get("felder") or [])
    wb.set_properties({
        "title": f"{'Beispiel' if example else 'Vorlage'} Ampel-Master – {titel}".strip(" –"),
        "subject": "Ampel-Master (Umsetzungsstand der Maßnahmen)",
        "author": "ampel_xl",
        "company": structure.get("amt") or "",
        "comments": "Fiktive Beispieldaten" if example else "Vorlage, erstellt mit ampel_xl",
        "created": created,
    })
    fm = _Formats(wb)
    measures, fill_only = _example_data(felder) if example else ([[] for _ in felder], set())
    used: set[str] = {"konzept", SHEET_ANLEITUNG.casefold()}
    sheets = [sheet_name(str(f.get("sheet") or f["name"]), used) for f in felder]

    if example:
        stand_value: Any = stand
        kopf_value, placeholder = kopfzeile or "", False
    else:
        # a template is not dated: the clerk fills in Stand and Kopfzeile
        stand_value, kopf_value, placeholder = placeholders.STAND, placeholders.KOPFZEILE, True
        kopfzeile = " – ".join(x for x in (titel, structure.get("gebiet") or "") if x) or None
    meta = [
        ("Titel", titel, False),
        ("Gebiet", structure.get("gebiet") or "", False),
        ("Stand", stand_value, placeholder),
        ("Kopfzeile", kopf_value, placeholder),
        ("Amt", structure.get("amt") or "", False),
    ]
    # the declared counts: the template has no measure rows yet, but the concept declares them
    table = [(f["name"], f.get("art") or "", len(f["unterziele"]), f.get("massnahmen_anzahl")) for f in felder]
    if example:
        note = (
            "Beispiel-Master: so sieht ein ausgefüllter Master aus. Die Tabelle nennt die im Konzept "
            "festgelegte Zahl der Unterziele und Maßnahmen je Feld; ampel_xl vergleicht die Zeilen der "
            "Feldblätter damit. Maßnahmentexte (außer den im Ampeldokument zitierten), Status und blaue "
            "Markierung sind erfunden."
        )
    else:
        note = (
            "Diese Tabelle nennt die im Konzept festgelegte Zahl der Unterziele und Maßnahmen je Feld; "
            "ampel_xl vergleicht die Zeilen der Feldblätter damit. Die Maßnahmenzahlen stammen aus dem "
            "Ampeldokument – in dieser Vorlage sind die Maßnahmen noch nicht eingetragen. Bitte die Zahlen "
            "anpassen, wenn sich die Struktur ändert."
        )
    _anleitung_sheet(wb, fm, kopfzeile=kopfzeile, example=example,
                     fill_only_names=[sheets[i] for i in sorted(fill_only)], placeholders_left=not example)
    _konzept_sheet(wb, fm, meta, table, note, kopfzeile=kopfzeile, example=example)
    for i, (feld, sheet) in enumerate(zip(felder, sheets, strict=True)):
        _field_sheet(
            wb, fm, sheet, feld,
            kopfzeile=kopfzeile,
            example=example,
            measures=measures[i],
            fill_only=i in fill_only,
            blank_rows=0 if example else TEMPLATE_BLANK_ROWS,
        )


def _write_empty(wb: xlsxwriter.Workbook, created: _dt.datetime) -> None:
    wb.set_properties({
        "title": "Leerer Ampel-Master",
        "subject": "Ampel-Master (Umsetzungsstand der Maßnahmen)",
        "author": "ampel_xl",
        "comments": "Leere Vorlage, erstellt mit ampel_xl",
        "created": created,
    })
    fm = _Formats(wb)
    meta = [
        ("Titel", placeholders.TITEL, True),
        ("Gebiet", placeholders.GEBIET, True),
        ("Stand", placeholders.STAND, True),
        ("Kopfzeile", placeholders.KOPFZEILE, True),
        ("Amt", placeholders.AMT, True),
    ]
    note = (
        "Bitte die Angaben oben ausfüllen (Stand = Stichtag der Ampelbewertung als Datum). Für jedes "
        "Handlungsfeld und Querschnittsthema ein Blatt anlegen (das Blatt „Feld 1“ kopieren) und hier eine "
        "Zeile mit Name, Art und der im Konzept festgelegten Zahl der Unterziele und Maßnahmen eintragen – "
        "ampel_xl vergleicht die Zeilen der Feldblätter damit."
    )
    table = [(placeholders.FELD_NAME, "Handlungsfeld", 1, 0)]
    _anleitung_sheet(wb, fm, kopfzeile=None, example=False)
    _konzept_sheet(wb, fm, meta, table, note, kopfzeile=None, example=False, date_hint=True)
    feld = {
        "name": placeholders.FELD_NAME,
        "art": "Handlungsfeld",
        "oberziel": placeholders.OBERZIEL,
        "unterziele": [{"nr": 1, "text": placeholders.UNTERZIEL}],
    }
    _field_sheet(wb, fm, "Feld 1", feld, kopfzeile=None, example=False, measures=None,
                 fill_only=False, blank_rows=10, comments=True)
