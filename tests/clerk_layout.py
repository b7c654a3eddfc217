"""Masters whose layout asks the reader to choose: roles, rows and sheets, each choice named (issue 17).

Built the way clerks build them in Excel, with the helpers of :mod:`clerk_masters`: a conditional format
on another column that paints the Nr cell blue, a hidden copy of last year's Ampel column, two Stände side
by side, footnotes, export stamps and share lines under the table, an overview beside it on the same
header row, the clerk's own evaluation sheet, Unterziele numbered like an outline, a field with 101
Unterziele. Each builder returns a :class:`~clerk_masters.Case` with what a careful colleague reads.

:data:`LAYOUT_BUILDERS` lists every builder with its variants, as :data:`clerk_masters.BUILDERS` does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill

from builders import GREEN, RED, YELLOW, solid
from clerk_masters import ROW_OUTSIDE_TABLE, SEVERITY, Case, G, Master, R, Row, Y, set_cached_results

# The finding codes these fixtures expect, with their severity (added to clerk_masters.SEVERITY, the one table).
COLUMN_HIDDEN = "column-hidden"
COLUMN_STAND = "column-stand"
COLUMN_AMBIGUOUS = "column-ambiguous"
COLUMN_SECOND = "column-second"
MARKING_CONFLICT = "marking-conflict"
MARKING_UNREADABLE = "marking-unreadable"
SHEET_NOT_A_FIELD = "sheet-not-a-field"
SEVERITY.update({
    COLUMN_HIDDEN: "info",
    COLUMN_STAND: "info",
    COLUMN_AMBIGUOUS: "error",
    COLUMN_SECOND: "info",
    MARKING_CONFLICT: "error",
    MARKING_UNREADABLE: "warning",
    SHEET_NOT_A_FIELD: "info",
})

LIGHT_BLUE = "9BC2E6"


# ---------------------------------------------------------------------------------------------
# The blue marking as displayed


def marking_displayed(path: Path, variant: str) -> Case:
    """The blue marking painted by a rule that looks at another column, or two marking channels that disagree.

    The clerk: kept a column "Bericht 2025" (an "x" for the measures reported on) and set up a conditional
    format on the Nr column, =$F5="x" → light blue fill ("regel-nr"); or on Nr and text, =$F5="ja" in a
    column "Berichtet" ("regel-ja"); or ("widerspruch") painted the Nr cells of the evaluated measures blue
    by hand and also kept a column "In Auswertung" with "x", which disagrees on two measures; or
    ("regel-unlesbar") made the rule look the flag up on another sheet (VLOOKUP), which cannot be evaluated.
    A careful colleague counts exactly the measures whose Nr cell shows blue (the others are no part of
    the evaluation; "nothing marked, all count" is never decided), and where blue and the column
    disagree cannot tell: an error at each such measure; a rule that cannot be evaluated is named.
    """
    ms = Master(path, f"marking_displayed-{variant}")
    if variant == "widerspruch":
        hdr = ["Nr.", "Maßnahme", "Ampel", "In Auswertung", "Zuständig"]
        fw = ms.field("Arbeit", "Handlungsfeld Arbeit", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Arbeitsmarkt")
        # (status, blue, column) per measure
        plan = ((GREEN, G, True, "x"), (RED, R, False, None), (YELLOW, Y, True, None), (GREEN, G, False, "x"),
                (RED, R, True, "x"))
        for n, (fill, expect, blue, column) in enumerate(plan, start=1):
            cells = {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Zuständig": "Jobcenter"}
            if column:
                cells["In Auswertung"] = column
            r = fw.m(str(n), cells, expect, fill=fill, blue=blue, marked=blue or bool(column))
            if blue != bool(column):
                ms.expect("Arbeit", Row(r), MARKING_CONFLICT)
        return ms.save({"fill"})
    if variant == "regel-unlesbar":
        # the rule looks the flag up on another sheet: it cannot be evaluated, so whether it marks is open
        hdr = ["Nr.", "Maßnahme", "Ampel", "Bericht"]
        fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Bildungsziel 1")
        first = 0
        for n, (word, expect) in enumerate((("Grün", G), ("Gelb", Y), ("Rot", R)), start=1):
            r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word, "Bericht": "B" + str(n)},
                     expect)
            first = first or r
        listen = ms.wb.create_sheet("Listen")
        for i, (key, value) in enumerate((("B1", "ja"), ("B2", "nein"), ("B3", "ja")), start=1):
            listen.cell(i, 1, key)
            listen.cell(i, 2, value)
        fw.ws.conditional_formatting.add("A5:A40", FormulaRule(
            formula=['VLOOKUP($D5,Listen!$A$1:$B$3,2,FALSE)="ja"'], fill=PatternFill(bgColor="FF" + LIGHT_BLUE)))
        ms.expect("Bildung", f"A{first}", MARKING_UNREADABLE)
        return ms.save({"word", "cf"})
    flag_label, flag = ("Bericht 2025", "x") if variant == "regel-nr" else ("Berichtet", "ja")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig", "Bemerkung", flag_label]
    fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    plan = (("Grün", G, True), ("Gelb", Y, False), ("Rot", R, True), ("Grün", G, False), ("Gelb", Y, True),
            ("Rot", R, False))
    n = 0
    for uz in (1, 2):
        fw.uz(uz, f"Unterziel {uz}: Bildungsziel {uz}")
        for word, expect, reported in plan[(uz - 1) * 3: uz * 3]:
            n += 1
            cells = {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": word, "Zuständig": "Schulamt"}
            if reported:
                cells[flag_label] = flag
            else:
                cells[flag_label] = "nein" if variant == "regel-ja" else None
            fw.m(str(n), cells, expect, marked=reported)
    target = "A5:A40" if variant == "regel-nr" else "A5:B40"
    rule = FormulaRule(formula=[f'$F5="{flag}"'], fill=PatternFill(bgColor="FF" + LIGHT_BLUE))
    fw.ws.conditional_formatting.add(target, rule)
    return ms.save({"word", "cf"})


# ---------------------------------------------------------------------------------------------
# One role claimed by two columns


def two_status_columns(path: Path, variant: str) -> Case:
    """Two columns that both read as the Ampel column (or two Bemerkung columns).

    The clerk: copied last year's Ampel column before updating and hid the copy, which stands left of
    the current one ("ausgeblendet"); or kept "Ampel 2024" and "Ampel 2025" side by side ("jahre");
    or "Status (Stand 02/2025)" left of "Status (Stand 06/2024)" ("stand-klammer"); or a "Maßnahme" (the
    name) and a "Beschreibung" column ("beschreibung"); or last year's and this year's Ampel column with a
    narrow empty column between them ("abstand"); or "Ampel (Vorjahr)" beside "Ampel" ("vorjahr"); or
    "Ampel" merged over two columns headed "2024" and "2025" ("gruppe-jahre"); or has an "Ampel" and a
    "Status" column with no date at all ("unklar"); or two remark columns "Bemerkung" and "Kommentar"
    ("bemerkungen").
    A careful colleague reads the visible column, the newest Stand, and says which one was read and which
    not; where the labels do not say which one counts, that is an error naming both; two remark columns
    are both kept.
    """
    ms = Master(path, f"two_status_columns-{variant}")
    if variant == "gruppe-jahre":
        return _grouped_years(ms)
    if variant == "abstand":
        # last year's column, a narrow empty spacer, this year's column
        hdr = ["Nr.", "Maßnahme", "Ampel (Stand 06/2024)", "(leer)", "Ampel (Stand 02/2025)", "Zuständig"]
        fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status=hdr[4])
        fw.ws["D4"] = None
        fw.ws.column_dimensions["D"].width = 2
        fw.uz(1, "Unterziel 1: Sprachkurse")
        for n, (old_word, new_word, expect) in enumerate((("Rot", "Grün", G), ("Gelb", "Rot", R),
                                                          ("Rot", "Gelb", Y)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Kurs {n}", hdr[2]: old_word, hdr[4]: new_word, "Zuständig": "VHS"},
                 expect)
        ms.expect("Sprache", "E4", COLUMN_STAND)
        return ms.save({"word"})
    if variant == "beschreibung":
        # a short name and a longer description: both read as the text, the name is what a colleague cites
        hdr = ["Nr.", "Maßnahme", "Beschreibung", "Ampel", "Zuständig"]
        fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Sprachkurse")
        for n, (word, expect) in enumerate((("Grün", G), ("Rot", R), ("Gelb", Y)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Kurs {n}", "Beschreibung": f"Ein Kurs für Gruppe {n}, zweimal "
                          "wöchentlich, mit Kinderbetreuung", "Ampel": word, "Zuständig": "VHS"}, expect)
        ms.expect("Sprache", "C4", COLUMN_SECOND)
        return ms.save({"word"})
    old = ("Rot", "Rot", "Gelb", "Rot", "Gelb")
    new = ("Grün", "Gelb", "Grün", "Rot", "Grün")
    expect_new = (G, Y, G, R, G)
    expect_old = (R, R, Y, R, Y)
    labels = {
        "ausgeblendet": ("Ampel", "Ampel"),
        "jahre": ("Ampel 2024", "Ampel 2025"),
        "stand-klammer": ("Status (Stand 02/2025)", "Status (Stand 06/2024)"),
        "unklar": ("Ampel", "Status"),
        "bemerkungen": ("Ampel", "Bemerkung"),
        "vorjahr": ("Ampel (Vorjahr)", "Ampel"),
    }[variant]
    if variant == "bemerkungen":
        hdr = ["Nr.", "Maßnahme", "Ampel", "Bemerkung", "Kommentar"]
        status_label = "Ampel"
    else:
        hdr = ["Nr.", "Maßnahme", labels[0], labels[1] + " ", "Zuständig"]  # the second label with a stray space
        status_label = {"ausgeblendet": hdr[3], "jahre": hdr[3], "stand-klammer": hdr[2], "unklar": hdr[2],
                        "vorjahr": hdr[3]}[variant]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status=status_label)
    fw.uz(1, "Unterziel 1: Sprachkurse")
    for i in range(5):
        if i == 3:
            fw.uz(2, "Unterziel 2: Berufssprache")
        cells = {"Nr.": i + 1, "Maßnahme": f"Sprachmaßnahme {i + 1}"}
        if variant == "bemerkungen":
            cells.update({"Ampel": new[i], "Bemerkung": f"Bemerkung {i + 1}", "Kommentar": f"Kommentar {i + 1}"})
            fw.m(str(i + 1), cells, expect_new[i], bemerkung=(f"Bemerkung {i + 1}",))
            continue
        left, right = hdr[2], hdr[3]
        if variant == "stand-klammer":
            cells.update({left: new[i], right: old[i]})
        else:
            cells.update({left: old[i], right: new[i]})
        cells["Zuständig"] = "VHS"
        fw.m(str(i + 1), cells, expect_old[i] if variant == "unklar" else expect_new[i])
    ws = fw.ws
    if variant == "ausgeblendet":
        ws.column_dimensions["C"].hidden = True
        ms.expect("Sprache", "C4", COLUMN_HIDDEN)
    elif variant in ("jahre", "vorjahr"):
        ms.expect("Sprache", "D4", COLUMN_STAND)
    elif variant == "stand-klammer":
        ms.expect("Sprache", "C4", COLUMN_STAND)
    elif variant == "unklar":
        ms.expect("Sprache", "D4", COLUMN_AMBIGUOUS)
    else:
        ms.expect("Sprache", "E4", COLUMN_SECOND)
    return ms.save({"word", "column"})


def _grouped_years(ms: Master) -> Case:
    """"Ampel" merged over two columns, "2024" and "2025" below it; Nr, Maßnahme, Zuständig merged over both rows."""
    hdr = ["Nr.", "Maßnahme", "Ampel 2024", "Ampel 2025", "Zuständig"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel 2025",
                  header_row=5)
    ws = fw.ws
    for c in range(1, 6):
        ws.cell(5, c).value = None
    ws["A4"], ws["B4"], ws["C4"], ws["E4"] = "Nr.", "Maßnahme", "Ampel", "Zuständig"
    ws["C5"], ws["D5"] = 2024, 2025
    for rng in ("A4:A5", "B4:B5", "C4:D4", "E4:E5"):
        ws.merge_cells(rng)
    for ref in ("A4", "B4", "C4", "C5", "D5", "E4"):
        ws[ref].font = Font(bold=True)
    fw.uz(1, "Unterziel 1: Sprachkurse")
    for n, (old, new, expect) in enumerate((("Rot", "Grün", G), ("Gelb", "Gelb", Y), ("Rot", "Gelb", Y),
                                            ("Gelb", "Rot", R)), start=1):
        fw.m(str(n), {"Nr.": n, "Maßnahme": f"Sprachmaßnahme {n}", "Ampel 2024": old, "Ampel 2025": new,
                      "Zuständig": "VHS"}, expect)
    ms.expect("Sprache", "D4", COLUMN_STAND)
    return ms.save({"word", "column", "merge"})


# ---------------------------------------------------------------------------------------------
# Rows below and beside the table that are no measures


def below_and_beside(path: Path, variant: str) -> Case:
    """Footnotes, stamps, sums and shares under the table; an overview beside it on the header row.

    The clerk ("unter-der-tabelle"): put a footnote mark behind a measure ("Sprachkurse¹", the "¹" set
    superscript in the cell; "Berufssprachkurse" with a "2" set superscript; another ends in "…1)"), and under
    the table, after a blank row: the footnotes "¹ Angaben des Jobcenters", "2 Plätze …" (the "2" superscript)
    and "1) nur Frauenkurse", "* vorläufige Zahl", a source line "Quelle: …",
    a "Summe" row with the count in the Ampel column, an "Anteil Grün" row with 40 % there, a "Σ" row, the
    export stamp of the county's software and a "Stand: …, erstellt von …" line, and a signature.
    ("uebersicht-daneben"): right of the measures, one empty column apart, a small overview on the same
    header row: "Ampel | Anzahl | Anteil", one row per colour with counts and shares.
    ("woerter-wie-summen"): measures whose wording begins like such a line ("Anteil Frauen erhöhen", "Druck von
    Flyern …", "Summe der Angebote bündeln"), status by fill, the year as a number in "Zeitraum".
    A careful colleague counts only the measures; every other row is named as what it is.
    """
    ms = Master(path, f"below_and_beside-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel", "Zuständig"]
    fw = ms.field("Sprache", "Handlungsfeld Sprache", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    ws = fw.ws
    outside: list[int] = []
    if variant == "uebersicht-daneben":
        ws["F4"], ws["G4"], ws["H4"] = "Ampel", "Anzahl", "Anteil"
        for ref in ("F4", "G4", "H4"):
            ws[ref].font = Font(bold=True)
        fw.uz(1, "Unterziel 1: Sprachkurse")
        plan = ((GREEN, G), (YELLOW, Y), (GREEN, G), (RED, R), (YELLOW, Y))
        for n, (fill, expect) in enumerate(plan, start=1):
            if n == 4:
                fw.uz(2, "Unterziel 2: Berufssprache")
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Zuständig": "VHS"}, expect, fill=fill)
        for r, (word, count, share, fill) in enumerate((("Grün", 2, 0.4, GREEN), ("Gelb", 2, 0.4, YELLOW),
                                                        ("Rot", 1, 0.2, RED)), start=5):
            ws.cell(r, 6, word).fill = solid(fill)
            ws.cell(r, 7, count)
            ws.cell(r, 8, share).number_format = "0%"
            ms.expect("Sprache", f"F{r}", ROW_OUTSIDE_TABLE)
        r = 8
        ws.cell(r, 6, "Summe")
        ws.cell(r, 7, 5)
        ws.cell(r, 8, 1).number_format = "0%"
        ms.expect("Sprache", f"F{r}", ROW_OUTSIDE_TABLE)
        return ms.save({"fill"})
    if variant == "woerter-wie-summen":
        # measures whose wording begins like a sum, a stamp or a source line: they are measures all the same
        hdr2 = ["Nr.", "Maßnahme", "Ampel", "Zeitraum"]
        for c, label in enumerate(hdr2, start=1):
            ws.cell(4, c, label)
        fw.header, fw.status_label = hdr2, "Ampel"
        fw.uz(1, "Unterziel 1: Sprache im Alltag")
        texts = ("Anteil Frauen erhöhen", "Druck von Flyern in zehn Sprachen", "Quote der Abschlüsse steigern",
                 "Gesamtkonzept Sprachförderung", "Summe der Angebote bündeln", "Quellen erschließen: Stiftungen")
        plan = ((GREEN, G), (YELLOW, Y), (RED, R), (GREEN, G), (YELLOW, Y), (RED, R))
        for n, (text, (fill, expect)) in enumerate(zip(texts, plan, strict=True), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": text, "Zeitraum": 2025}, expect, fill=fill)
        return ms.save({"fill"})
    fw.uz(1, "Unterziel 1: Sprachkurse")
    fw.m("1", {"Nr.": 1, "Maßnahme": CellRichText("Sprachkurse", TextBlock(InlineFont(vertAlign="superscript"), "¹")),
               "Ampel": "Grün"}, G)
    fw.m("2", {"Nr.": 2, "Maßnahme": "Frauenkurse1)", "Ampel": "Gelb"}, Y)
    fw.m("3", {"Nr.": 3, "Maßnahme": "Sprachcafés*", "Ampel": "Rot"}, R)
    fw.uz(2, "Unterziel 2: Berufssprache")
    fw.m("4", {"Nr.": 4, "Maßnahme": CellRichText("Berufssprachkurse", TextBlock(InlineFont(vertAlign="superscript"),
                                                                                 "2")), "Ampel": "Grün"}, G)
    fw.m("5", {"Nr.": 5, "Maßnahme": "Sprachprüfungen"}, R, fill=RED)
    fw.blank()
    outside.append(fw.free({"Maßnahme": "Summe", "Ampel": 5}))
    r = fw.free({"Maßnahme": "Anteil Grün", "Ampel": 0.4})
    ws.cell(r, 3).number_format = "0%"
    outside.append(r)
    outside.append(fw.free({"Nr.": "Σ", "Maßnahme": 5}))
    fw.blank()
    r = fw.free({"Nr.": CellRichText(TextBlock(InlineFont(vertAlign="superscript"), "¹"),
                                     " Angaben des Jobcenters, Stand 12/2024")})
    outside.append(r)
    outside.append(fw.free({"Nr.": CellRichText(TextBlock(InlineFont(vertAlign="superscript"), "2"),
                                                " Plätze laut BAMF-Trägerrundschreiben")}))
    outside.append(fw.free({"Nr.": "1) nur Kurse für Frauen mit Kinderbetreuung"}))
    outside.append(fw.free({"Nr.": "* vorläufige Angabe"}))
    outside.append(fw.free({"Nr.": "Quelle: Jobcenter Landkreis Muster, eigene Erhebung"}))
    fw.blank()
    outside.append(fw.free({"Nr.": "Exportiert am 03.02.2025 um 14:12 aus Fachverfahren KommunalPlan"}))
    outside.append(fw.free({"Maßnahme": "Stand: 03.02.2025, erstellt von M. Muster (Integrationsbeauftragte)"}))
    fw.blank()
    outside.append(fw.free({"Maßnahme": "gez. Dr. Beispiel, Dezernentin"}))
    for r in outside:
        ms.expect("Sprache", Row(r), ROW_OUTSIDE_TABLE)
    return ms.save({"word", "fill"})


# ---------------------------------------------------------------------------------------------
# A sheet that mentions the fields but is none


def evaluation_sheet(path: Path, variant: str) -> Case:
    """The clerk's own evaluation sheet beside the fields.

    The clerk: added a sheet "Auswertung" titled "Auswertung Handlungsfeld / Querschnittsthema" with a
    table whose first column header is "Handlungsfeld / Querschnittsthema", one row per field with COUNTIF
    formulas for Grün, Gelb and Rot, a sum and a share ("auswertung"); or an "Übersicht" sheet whose table
    header reads "Handlungsfeld | Maßnahmen | Grün | Gelb | Rot" ("uebersicht"); or a sheet "Auswertung Sprache"
    titled "Handlungsfeld Sprache – Auswertung" with counts and shares by formula ("feldtitel").
    A careful colleague sees no field in it: a Hinweis, and the summary is written.
    """
    ms = Master(path, f"evaluation_sheet-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    names = (("Sprache", "Handlungsfeld Sprache"), ("Antidiskriminierung", "Querschnittsthema Antidiskriminierung"))
    for sheet, title in names:
        fw = ms.field(sheet, title, hdr, nr="Nr.", text="Maßnahme", status="Ampel")
        fw.uz(1, "Unterziel 1: Ein Ziel")
        for n, (word, expect) in enumerate((("Grün", G), ("Gelb", Y), ("Rot", R)), start=1):
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"{sheet} {n}", "Ampel": word}, expect)
    if variant == "feldtitel":
        # the clerk's evaluation of one field, titled with the field's own title
        ws = ms.wb.create_sheet("Auswertung Sprache")
        ws["A1"] = "Handlungsfeld Sprache – Auswertung"
        ws["A1"].font = Font(bold=True, size=14)
        for c, label in enumerate(("Ampel", "Anzahl", "Anteil"), start=1):
            ws.cell(3, c, label).font = Font(bold=True)
        results = {}
        for r, word in enumerate(("Grün", "Gelb", "Rot"), start=4):
            ws.cell(r, 1, word)
            ws[f"B{r}"] = f'=COUNTIF(Sprache!C:C,"{word}")'
            ws[f"C{r}"] = f"=B{r}/SUM($B$4:$B$6)"
            ws[f"C{r}"].number_format = "0%"
            results[f"B{r}"], results[f"C{r}"] = "1", "0.333333333333333"
        ms.expect(ws.title, "A1", SHEET_NOT_A_FIELD)
        case = ms.save({"word"})
        set_cached_results(case.path, len(names) + 1, results)
        return case
    ws = ms.wb.create_sheet("Auswertung" if variant == "auswertung" else "Übersicht")
    if variant == "auswertung":
        ws["A1"] = "Auswertung Handlungsfeld / Querschnittsthema"
        ws["A1"].font = Font(bold=True, size=14)
        header = ["Handlungsfeld / Querschnittsthema", "Grün", "Gelb", "Rot", "Summe", "Anteil Grün"]
        head_row = 3
    else:
        ws["A1"] = "Übersicht der Felder"
        header = ["Handlungsfeld", "Maßnahmen", "Grün", "Gelb", "Rot"]
        head_row = 2
    for c, label in enumerate(header, start=1):
        ws.cell(head_row, c, label).font = Font(bold=True)
    results: dict[str, str] = {}
    for i, (sheet, _) in enumerate(names):
        r = head_row + 1 + i
        ws.cell(r, 1, sheet)
        colour_cols = "BCD" if variant == "auswertung" else "CDE"
        for col, word in zip(colour_cols, ("Grün", "Gelb", "Rot"), strict=True):
            ws[f"{col}{r}"] = f'=COUNTIF({sheet}!C:C,"{word}")'
            results[f"{col}{r}"] = "1"
        if variant == "auswertung":
            ws[f"E{r}"] = f"=SUM(B{r}:D{r})"
            ws[f"F{r}"] = f"=B{r}/E{r}"
            ws[f"F{r}"].number_format = "0%"
            results[f"E{r}"], results[f"F{r}"] = "3", "0.333333333333333"
        else:
            ws[f"B{r}"] = f"=SUM(C{r}:E{r})"
            results[f"B{r}"] = "3"
    ms.expect(ws.title, f"A{head_row}", SHEET_NOT_A_FIELD)
    case = ms.save({"word"})
    set_cached_results(case.path, len(names) + 1, results)
    return case


# ---------------------------------------------------------------------------------------------
# Header labels in the words of the office


HEADER_WORDINGS = {
    "titel-farbe": ("Lfd. Nummer", "Maßnahmentitel", "Ampelfarbe", "Verantwortung", "Anmerkungen"),
    "fragen": ("#", "Was?", "Umsetzungsstand", "Wer?", "Bis wann?"),
    "stand-der-umsetzung": ("Pos.", "Kurzbeschreibung", "Stand der Umsetzung", "Zuständigkeit", "Erläuterungen"),
}


def header_wordings(path: Path, variant: str) -> Case:
    """Header labels in wordings a colleague understands at once, though no list names them.

    The clerk titled the columns "Lfd. Nummer | Maßnahmentitel | Ampelfarbe | Verantwortung | Anmerkungen"
    ("titel-farbe"), as questions "# | Was? | Umsetzungsstand | Wer? | Bis wann?" ("fragen"), or
    "Pos. | Kurzbeschreibung | Stand der Umsetzung | Zuständigkeit | Erläuterungen".
    A careful colleague finds Nr, text, Ampel, the person responsible and the remarks.
    """
    ms = Master(path, f"header_wordings-{variant}")
    hdr = list(HEADER_WORDINGS[variant])
    fw = ms.field("Gesundheit", "Handlungsfeld Gesundheit", hdr, nr=hdr[0], text=hdr[1], status=hdr[2])
    fw.uz(1, "Unterziel 1: Zugang")
    plan = (("Grün", G), ("gelb", Y), ("rot", R), ("umgesetzt", G))
    for n, (word, expect) in enumerate(plan, start=1):
        cells = {hdr[0]: n, hdr[1]: f"Gesundheitsmaßnahme {n}", hdr[2]: word, hdr[3]: "Gesundheitsamt",
                 hdr[4]: f"Notiz {n}" if variant != "fragen" else "2025"}
        fw.m(str(n), cells, expect, bemerkung=(f"Notiz {n}",) if variant != "fragen" else ())
    return ms.save({"word"})


# ---------------------------------------------------------------------------------------------
# Unterziele numbered like an outline; no cap on their number


def outline_unterziele(path: Path, variant: str) -> Case:
    """Unterziel rows numbered the way people number outlines.

    The clerk: wrote the Unterziele into the text column as "1. Wohnraum schaffen", "2. …" with the Nr cell
    empty ("punkt"), as "I. …", "II. …" ("roemisch-punkt"), "A) …", "B) …" ("buchstabe-klammer"); or put
    "1.0", "2.0" into the Nr column with the measures 1.1, 1.2, … below ("null"), "1)" with measures 1.1, …
    ("klammer"), a capital letter "A", "B", "C" ("buchstabe-nr"), or "Ziel 1." and "UZ2" ("ziel-uz"); or, in
    a flat table, "A – …", "B) …", "C. …" in an Unterziel column merged over each group ("flach-buchstaben").
    A careful colleague reads Unterziele 1, 2, 3 and the measures under each.
    """
    ms = Master(path, f"outline_unterziele-{variant}")
    if variant == "flach-buchstaben":
        return _flat_letters(ms)
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    names = ("Wohnraum schaffen", "Beratung", "Nachbarschaft")
    words = (("Grün", G), ("Gelb", Y), ("Rot", R), ("Grün", G), ("Gelb", Y), ("Rot", R), ("Grün", G))
    per_uz = ((0, 1, 2), (3, 4), (5, 6))
    roman = ("I", "II", "III")
    n = 0
    for uz, idxs in enumerate(per_uz, start=1):
        name = names[uz - 1]
        letter = "ABC"[uz - 1]
        if variant == "punkt":
            fw.uz(uz, {"Maßnahme": f"{uz}. {name}"})
        elif variant == "roemisch-punkt":
            fw.uz(uz, {"Maßnahme": f"{roman[uz - 1]}. {name}"})
        elif variant == "buchstabe-klammer":
            fw.uz(uz, {"Maßnahme": f"{letter}) {name}"})
        elif variant == "null":
            fw.uz(uz, {"Nr.": f"{uz}.0", "Maßnahme": name})
        elif variant == "klammer":
            fw.uz(uz, {"Nr.": f"{uz})", "Maßnahme": name})
        elif variant == "buchstabe-nr":
            fw.uz(uz, {"Nr.": letter, "Maßnahme": name})
        else:  # ziel-uz
            fw.uz(uz, {"Nr.": f"Ziel {uz}." if uz != 2 else f"UZ{uz}", "Maßnahme": name})
        for k, i in enumerate(idxs, start=1):
            n += 1
            nr = f"{uz}.{k}" if variant in ("null", "klammer") else str(n)
            word, expect = words[i]
            fw.m(nr, {"Nr.": nr if variant in ("null", "klammer") else n, "Maßnahme": f"Wohnmaßnahme {nr}",
                      "Ampel": word}, expect)
    return ms.save({"word"})


def _flat_letters(ms: Master) -> Case:
    """Flat layout: the Unterziel column says "A – Wohnraum schaffen", "B) Beratung", "C. Nachbarschaft",
    merged down over each group's measures."""
    hdr = ["Unterziel", "Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Wohnen", "Handlungsfeld Wohnen", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    groups = ((1, "A – Wohnraum schaffen", 2), (2, "B) Beratung", 3), (3, "C. Nachbarschaft", 1))
    statuses = (("Grün", G), ("Gelb", Y), ("Rot", R), ("Grün", G), ("Gelb", Y), ("Rot", R))
    n = 0
    for uz, label, size in groups:
        first = fw.next_row
        fw.ws.cell(first, 1, label)
        ms.case.unterziele[fw.sheet].append(uz)
        fw.current_uz = uz
        for _ in range(size):
            word, expect = statuses[n]
            n += 1
            fw.m(str(n), {"Nr.": n, "Maßnahme": f"Wohnmaßnahme {n}", "Ampel": word}, expect)
        if size > 1:
            fw.ws.merge_cells(f"A{first}:A{first + size - 1}")
    return ms.save({"word", "merge"})


def many_unterziele(path: Path, variant: str) -> Case:
    """A field with 101 Unterziele, one or two measures each, and a Konzept sheet with the right counts.

    The clerk of a large county wrote "Unterziel 1: …" to "Unterziel 101: …" ("text"), or the number
    alone in the Nr column and the measures numbered 1.1 … 101.2 ("nummer").
    A careful colleague reads all 101 Unterziele (there is no cap on their number).
    """
    ms = Master(path, f"many_unterziele-{variant}")
    hdr = ["Nr.", "Maßnahme", "Ampel"]
    fw = ms.field("Bildung", "Handlungsfeld Bildung", hdr, nr="Nr.", text="Maßnahme", status="Ampel")
    cycle = (("Grün", G), ("Gelb", Y), ("Rot", R))
    n = 0
    for uz in range(1, 102):
        if variant == "text":
            fw.uz(uz, f"Unterziel {uz}: Bildungsziel {uz}")
        else:
            fw.uz(uz, {"Nr.": uz, "Maßnahme": f"Bildungsziel {uz}"})
        for k in range(1, 2 + (uz % 2)):
            n += 1
            word, expect = cycle[n % 3]
            nr = str(n) if variant == "text" else f"{uz}.{k}"
            fw.m(nr, {"Nr.": n if variant == "text" else nr, "Maßnahme": f"Bildungsmaßnahme {nr}", "Ampel": word},
                 expect)
    ms.konzept()
    return ms.save({"word"})


# ---------------------------------------------------------------------------------------------

LAYOUT_BUILDERS: dict[str, tuple[Callable[[Path, str], Case], tuple[str, ...]]] = {
    "marking_displayed": (marking_displayed, ("regel-nr", "regel-ja", "widerspruch", "regel-unlesbar")),
    "two_status_columns": (two_status_columns, ("ausgeblendet", "jahre", "stand-klammer", "unklar", "bemerkungen",
                                                "gruppe-jahre", "beschreibung", "abstand", "vorjahr")),
    "below_and_beside": (below_and_beside, ("unter-der-tabelle", "uebersicht-daneben", "woerter-wie-summen")),
    "evaluation_sheet": (evaluation_sheet, ("auswertung", "uebersicht", "feldtitel")),
    "header_wordings": (header_wordings, tuple(HEADER_WORDINGS)),
    "outline_unterziele": (outline_unterziele, ("punkt", "roemisch-punkt", "buchstabe-klammer", "null", "klammer",
                                                "buchstabe-nr", "ziel-uz", "flach-buchstaben")),
    "many_unterziele": (many_unterziele, ("text", "nummer")),
}

#: every (builder, variant) as "builder-variant"
LAYOUT_CASE_IDS: list[str] = [f"{name}-{v}" for name, (_, variants) in LAYOUT_BUILDERS.items() for v in variants]


def build_layout_case(case_id: str, directory: Path) -> Case:
    """Build one master ("builder-variant") into ``directory``."""
    for name, (fn, variants) in LAYOUT_BUILDERS.items():
        for v in variants:
            if case_id == f"{name}-{v}":
                return fn(directory / f"{case_id}.xlsx", v)
    raise KeyError(case_id)
