"""Masters whose cells show something other than what they store, built the way a clerk makes them.

A careful colleague reads what a cell displays: a number under a custom number format that prints
"Grün" or a coloured ●, a formula's result, the green ● of a rich-text cell. Each builder writes one
master with openpyxl (helpers of ``clerk_masters``) and returns its :class:`~clerk_masters.Case`; the
builder's docstring says what the clerk did and what a colleague reads. :data:`BUILDERS` lists them
with their variants, :func:`build_case` makes one ("builder-variant"), as in ``clerk_masters``.

openpyxl writes a formula without its result; Excel stores one with every formula. Where the clerk's
master comes from Excel, :func:`set_cached_values` writes the results Excel would have stored.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule, FormulaRule, IconSetRule
from openpyxl.styles import Font, PatternFill

from builders import GREEN, RED, YELLOW
from clerk_masters import AMBER, CF_UNREADABLE, STATUS_CONFLICT, STATUS_MISSING, UNDECIDED, Case, G, Master, R, Y

#: Finding codes of this module's cases (their severities: :data:`SEVERITY`).
FORMULA_UNCACHED = "formula-uncached"
FORMULA_NO_RESULT = "formula-no-result"
SEVERITY = {FORMULA_UNCACHED: "error", FORMULA_NO_RESULT: "error"}

#: Number formats as a clerk types them under "Zellen formatieren › Benutzerdefiniert".
WORDS_FORMAT = '[=1]"Grün";[=2]"Gelb";"Rot"'
OFFICE_WORDS_FORMAT = '[=1]"umgesetzt";[=2]"in Umsetzung";"offen"'
DOT_FORMAT = '[Color10][=1]"●";[Color45][=2]"●";[Red]"●"'
SIGN_DOT_FORMAT = '[Color10]"●";[Red]"●";[Color45]"●"'
NAMED_DOT_FORMAT = "[Green][=1]●;[Yellow][=2]●;[Red]●"
GERMAN_DOT_FORMAT = "[Farbe10][=1]●;[Farbe45][=2]●;[Farbe3]●"


def set_cached_values(path: Path, sheet_no: int, results: dict[str, Any]) -> None:
    """Give formula cells the result Excel stores with them: a number as it is, text as ``t="str"``
    (openpyxl writes formulas without one)."""
    name = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts[name].decode("utf-8")
    for ref, value in results.items():
        kind = "" if isinstance(value, (int, float)) else ' t="str"'
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v\s*/?>(?:</v>)?</c>',
                         rf'<c r="{ref}"\1{kind}>\2<v>{escape(str(value))}</v></c>', xml, count=1)
        assert n == 1, ref
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


# ---------------------------------------------------------------------------------------------
# A number under a format that prints a word or a coloured symbol


def number_words(path: Path, variant: str) -> Case:
    """The Ampel column holds 1, 2 or 3 and a custom number format prints the status word.

    The clerk: wants to type a digit, not a word, so she formatted the column
    ``[=1]"Grün";[=2]"Gelb";"Rot"`` ("woerter") or ``[=1]"umgesetzt";[=2]"in Umsetzung";"offen"``
    ("bueroworte"); in "mit-farbe" conditional formatting also paints 1 green, 2 yellow, 3 red (rules on
    the stored number). A careful colleague reads the words she sees: Grün / Gelb / Rot — never "1".
    """
    ms = Master(path, f"number_words-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Bemerkung"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    code = OFFICE_WORDS_FORMAT if variant == "bueroworte" else WORDS_FORMAT
    plan = ((1, G), (2, Y), (3, R), (1, G), (2, Y), (3, R), (1, G))
    n = 0
    for uz, chunk in ((1, plan[:4]), (2, plan[4:])):
        fw.uz(uz, f"Unterziel {uz}: Sprachförderung {uz}")
        for value, expect in chunk:
            n += 1
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
            fw.cell("Ampel", r).number_format = code
    channels = {"numfmt"}
    if variant == "mit-farbe":
        for value, color in (("1", GREEN), ("2", YELLOW), ("3", RED)):
            fw.ws.conditional_formatting.add("C5:C30", CellIsRule(operator="equal", formula=[value],
                                                                  fill=PatternFill(bgColor="FF" + color)))
        channels.add("cf")
    return ms.save(channels)


def number_dots(path: Path, variant: str) -> Case:
    """The Ampel column holds a number and a custom number format prints a ● in the status colour.

    The clerk: "bedingt": 1/2/3 under ``[Color10][=1]"●";[Color45][=2]"●";[Red]"●"`` (Excel's palette:
    colour 10 is green, 45 orange); "vorzeichen": 1 / -1 / 0 under ``[Color10]"●";[Red]"●";[Color45]"●"``
    (positive, negative, zero); "benannt": ``[Green][=1]●;[Yellow][=2]●;[Red]●`` with the colour names;
    "deutsch": the colour tokens as German Excel shows them (``[Farbe10]``). The cell's own font is black.
    A careful colleague reads the dot's colour, as for a ● typed in a coloured font.
    """
    ms = Master(path, f"number_dots-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    if variant == "vorzeichen":
        code, plan = SIGN_DOT_FORMAT, ((1, G), (-1, R), (0, Y), (1, G), (0, Y))
    else:
        code = {"bedingt": DOT_FORMAT, "benannt": NAMED_DOT_FORMAT, "deutsch": GERMAN_DOT_FORMAT}[variant]
        plan = ((1, G), (2, Y), (3, R), (1, G), (3, R))
    fw.uz(1, "Unterziel 1: Kita und Schule")
    for n, (value, expect) in enumerate(plan, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
        cell = fw.cell("Ampel", r)
        cell.number_format = code
        cell.font = Font(name="Calibri", size=14, color="FF000000")
    # what carries the colour: a palette number, a German colour token, or an English colour name
    channel = {"bedingt": "numfmt-palette", "vorzeichen": "numfmt-palette", "deutsch": "numfmt-farbe"}
    return ms.save({"numfmt", channel.get(variant, "numfmt-colour")})


def number_units(path: Path, variant: str) -> Case:
    """The Ampel column holds the progress 0–100, formatted ``0" %"`` (it shows "80 %"), and Excel's
    3 traffic lights draw the light from it (≥ 67 green, ≥ 33 yellow); in "fuellung" cell-value rules
    paint the cell instead.
    A careful colleague reads the light (or the colour): "80 %" is the number the rule looks at, not
    a status word nobody knows.
    """
    ms = Master(path, f"number_units-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Sprachkurse")
    for n, (value, expect) in enumerate(((100, G), (80, G), (50, Y), (20, R), (0, R), (67, G)), start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value}, expect)
        fw.cell("Ampel", r).number_format = '0" %"'
    ws = fw.ws
    if variant == "symbole":
        ws.conditional_formatting.add("C5:C20", IconSetRule("3TrafficLights1", "num", [0, 33, 67]))
        return ms.save({"numfmt", "icon"})
    ws.conditional_formatting.add("C5:C20", CellIsRule(operator="greaterThanOrEqual", formula=["67"],
                                                       fill=PatternFill(bgColor="FF" + GREEN)))
    ws.conditional_formatting.add("C5:C20", CellIsRule(operator="greaterThanOrEqual", formula=["33"],
                                                       fill=PatternFill(bgColor="FF" + YELLOW)))
    ws.conditional_formatting.add("C5:C20", CellIsRule(operator="lessThan", formula=["33"],
                                                       fill=PatternFill(bgColor="FF" + RED)))
    return ms.save({"numfmt", "cf"})


# ---------------------------------------------------------------------------------------------
# Formulas


def formulas(path: Path, variant: str) -> Case:
    """The Ampel is a formula on the row's "Erledigt" column; the Nr counts the rows by formula.

    The clerk: "Erledigt" holds "x", "teilweise" or nothing; the Ampel cell
    ``=IF(E5="x","Grün",IF(E5="teilweise","Gelb","Rot"))`` (German Excel: ``=WENN(…)``); the Nr is
    ``=ROW()-5`` and the "In Auswertung" column ``=IF(F5>=2024,"x","")`` on the year in F.
    "gespeichert": saved by Excel, every formula with its result. "ohne-ergebnis": written by a
    script (openpyxl), no formula has a result. "regel-ohne-ergebnis": the Ampel cells are empty and
    conditional formatting paints them from "Erledigt", which is a formula (on "Prozent") without result.
    A careful colleague reads the results Excel stored. Where none is stored, what the cell shows is
    unknown: she names every such cell, and the rules that look at it, and guesses no status.
    """
    ms = Master(path, f"formulas-{variant}")
    if variant == "regel-ohne-ergebnis":
        return _rule_on_formula(ms)
    hdr = ["Nr.", "Maßnahme", "Ampel", "In Auswertung", "Erledigt", "Jahr"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Arbeitsmarkt")
    cached = variant == "gespeichert"
    results: dict[str, Any] = {}
    plan = (("x", 2024, "Grün", G), ("teilweise", 2024, "Gelb", Y), (None, 2024, "Rot", R),
            ("x", 2023, "Grün", G), ("teilweise", 2024, "Gelb", Y))
    for n, (done, year, word, expect) in enumerate(plan, start=1):
        r = fw.next_row
        cells: dict[str, Any] = {
            "Maßnahme": f"Maßnahme {n}", "Erledigt": done, "Jahr": year,
            "Ampel": f'=IF(E{r}="x","Grün",IF(E{r}="teilweise","Gelb","Rot"))',
            "In Auswertung": f'=IF(F{r}>=2024,"x","")',
        }
        if cached:
            cells["Nr."] = f"=ROW()-{fw.header_row + 1}"
            results.update({f"A{r}": n, f"C{r}": word, f"D{r}": "x" if year >= 2024 else ""})
        else:
            cells["Nr."] = n
        fw.m(str(n), cells, expect if cached else None, marked=cached and year >= 2024)
        if not cached:
            ms.expect("Arbeit", f"C{r}", FORMULA_UNCACHED)
            ms.expect("Arbeit", f"D{r}", FORMULA_NO_RESULT)
    case = ms.save({"formula"} if cached else {"formula-uncached"})
    if cached:
        set_cached_values(case.path, 1, results)
    return case


def _rule_on_formula(ms: Master) -> Case:
    hdr = ["Nr.", "Maßnahme", "Ampel", "Erledigt", "Prozent"]
    fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    fw.uz(1, "Unterziel 1: Arbeitsmarkt")
    rows = []
    for n, pct in enumerate((1.0, 0.5, 0.0), start=1):
        r = fw.next_row
        rows.append(fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Prozent": pct,
                                  "Erledigt": f'=IF(E{r}>=1,"x",IF(E{r}>0,"teilweise",""))'}, None))
        ms.expect("Arbeit", f"D{r}", FORMULA_NO_RESULT)
        ms.expect("Arbeit", f"C{r}", CF_UNREADABLE)
        ms.allow("Arbeit", f"C{r}", STATUS_MISSING)
    for word, color in (("x", GREEN), ("teilweise", YELLOW)):
        fw.ws.conditional_formatting.add(f"C{rows[0]}:C{rows[-1]}", FormulaRule(
            formula=[f'$D{rows[0]}="{word}"'], fill=PatternFill(bgColor="FF" + color)))
    fw.ws.conditional_formatting.add(f"C{rows[0]}:C{rows[-1]}", FormulaRule(
        formula=[f'$D{rows[0]}=""'], fill=PatternFill(bgColor="FF" + RED)))
    return ms.save({"cf", "formula-uncached"})


# ---------------------------------------------------------------------------------------------
# Rich text


def rich_dots(path: Path, variant: str) -> Case:
    """The Ampel cell holds "● umgesetzt": the ● set in the status colour, the word in black.

    The clerk: typed a ● and a status word and coloured only the ● (rich text: the cell's own font is
    black); in "nur-punkt" the cell holds only the ●, coloured as a run of its own; in "widerspruch"
    one cell says "● umgesetzt" with a red ●.
    A careful colleague reads the word and the ●'s colour; both say the same status, and where they
    do not, she names the cell.
    """
    ms = Master(path, f"rich_dots-{variant}")
    hdr = ["Nr.", "Maßnahme", "Status", "Zuständig"]
    fw = ms.field("Gesundheit", "Handlungsfeld Gesundheit", hdr, nr="Nr.", text="Maßnahme", status="Status")
    fw.uz(1, "Unterziel 1: Zugang zum Gesundheitswesen")

    def dot(color: str, word: str | None) -> CellRichText:
        blocks: list[Any] = [TextBlock(InlineFont(color="FF" + color, sz=14), "●")]
        if word is not None:
            blocks.append(TextBlock(InlineFont(color="FF000000"), f" {word}"))
        return CellRichText(blocks)

    if variant == "nur-punkt":
        plan = [(dot(GREEN, None), G), (dot(AMBER, None), Y), (dot(RED, None), R), (dot("92D050", None), G)]
    else:
        plan = [(dot(GREEN, "umgesetzt"), G), (dot(AMBER, "in Umsetzung"), Y), (dot(RED, "offen"), R),
                (dot(GREEN, "abgeschlossen"), G)]
        if variant == "widerspruch":
            plan.append((dot(RED, "umgesetzt"), UNDECIDED))
    for n, (text, expect) in enumerate(plan, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Status": text}, expect)
        fw.cell("Status", r).font = Font(name="Calibri", color="FF000000")
        if expect == UNDECIDED:
            ms.expect("Gesundheit", fw.status_ref(r), STATUS_CONFLICT)
    return ms.save({"rich"})


# ---------------------------------------------------------------------------------------------
# Other roles read what is displayed


def displayed_roles(path: Path, variant: str) -> Case:
    """Header label, Unterziel markers, measure numbers and the In-Auswertung column under number formats.

    The clerk: keeps the year of the Stand as a number in the Ampel header, formatted ``"Ampel "0`` (it
    shows "Ampel 2025"); numbers the Unterziele 1, 2 in the Nr column formatted ``"Unterziel "0`` and the
    measures formatted ``"M "0`` (they show "Unterziel 1", "M 3"); marks the evaluation with 1/0 formatted
    ``[=1]"ja";"nein"``; the Ampel itself is a word. On the Konzept sheet the counts are formatted
    ``0" UZ"`` and ``0" Maßnahmen"``.
    A careful colleague reads "Ampel 2025" as the Ampel column, "Unterziel 1" as an Unterziel row,
    "M 3" as measure 3, "ja"/"nein" as the marking, and the Konzept's counts as numbers.
    """
    ms = Master(path, f"displayed_roles-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "In Auswertung"]
    fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    head = fw.ws.cell(fw.header_row, fw.col("Ampel"), 2025)
    head.number_format = '"Ampel "0'
    n = 0
    for uz, plan in ((1, (("Grün", 1, G), ("Gelb", 0, Y))), (2, (("Rot", 1, R), ("Grün", 1, G), ("Gelb", 0, Y)))):
        r = fw.uz(uz, {"Nr.": uz, "Maßnahme": f"Wohnraum {uz}"})
        fw.cell("Nr.", r).number_format = '"Unterziel "0'
        for word, flag, expect in plan:
            n += 1
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word, "In Auswertung": flag},
                     expect, marked=bool(flag))
            fw.cell("Nr.", r).number_format = '"M "0'
            fw.cell("In Auswertung", r).number_format = '[=1]"ja";"nein"'
    if variant == "konzept":
        ms.konzept()
    case = ms.save({"numfmt"})
    if variant == "konzept":
        _format_konzept_counts(case.path)
    return case


def _format_konzept_counts(path: Path) -> None:
    """The Konzept sheet's count columns formatted ``0" UZ"`` and ``0" Maßnahmen"`` (as the clerk did)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Konzept"]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, int) and c.column == 3:
                c.number_format = '0" UZ"'
            elif isinstance(c.value, int) and c.column == 4:
                c.number_format = '0" Maßnahmen"'
    wb.save(path)


# ---------------------------------------------------------------------------------------------

BUILDERS: dict[str, tuple[Callable[[Path, str], Case], tuple[str, ...]]] = {
    "number_words": (number_words, ("woerter", "bueroworte", "mit-farbe")),
    "number_dots": (number_dots, ("bedingt", "vorzeichen", "benannt", "deutsch")),
    "number_units": (number_units, ("symbole", "fuellung")),
    "formulas": (formulas, ("gespeichert", "ohne-ergebnis", "regel-ohne-ergebnis")),
    "rich_dots": (rich_dots, ("wort", "nur-punkt", "widerspruch")),
    "displayed_roles": (displayed_roles, ("feld", "konzept")),
}

#: every (builder, variant) as "builder-variant"
CASE_IDS: list[str] = [f"{name}-{v}" for name, (_, variants) in BUILDERS.items() for v in variants]


def build_case(case_id: str, directory: Path) -> Case:
    """Build one master ("builder-variant") into ``directory``."""
    for name, (fn, variants) in BUILDERS.items():
        for v in variants:
            if case_id == f"{name}-{v}":
                return fn(directory / f"{case_id}.xlsx", v)
    raise KeyError(case_id)


__all__ = ["BUILDERS", "CASE_IDS", "SEVERITY", "build_case", "set_cached_values", "STATUS_MISSING"]
