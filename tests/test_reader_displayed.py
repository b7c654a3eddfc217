"""What a cell shows, not what it stores: masters of ``tests/clerk_displayed.py`` read as a person reads them.

A number under a custom number format that prints "Grün" or a coloured ●, a formula's stored result,
a rich-text "● umgesetzt" with a green ●, header labels, Unterziel markers, the marking and the
Konzept's counts under number formats. Per master: every measure's status, evaluation flag and
Unterziel; every expected finding at its cell and no other error or warning; every non-empty table
row accounted for; the command line's exit code. The same after a round trip through LibreOffice
and Gnumeric, where the program keeps the channel (see :data:`LOST_IN`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

import ampel_xl
from ampel_xl.cli import cli
from clerk_displayed import CASE_IDS, SEVERITY, build_case
from clerk_masters import RESAVERS, SEVERITY as CLERK_SEVERITY, UNDECIDED, Case, Master, as_strict_open_xml, cell_rows

SEVERITIES = {**CLERK_SEVERITY, **SEVERITY}

#: Channels a program drops when it re-saves a master as .xlsx (checked by reading their output back):
#: LibreOffice keeps custom number formats with conditions and literal text, and the named colours
#: ([Red], [Green], [Yellow]), but drops Excel's palette colours ([Color10], [Color45]: it writes the
#: format without them, so every ● is black) and does not know the German tokens ([Farbe10]: it writes
#: "General", the cell shows 1/2/3). It keeps rich-text runs with their colours and stored formula results.
#: Gnumeric keeps every one of them (it drops icon sets, as clerk_masters.LOST_IN says). Both calculate a
#: formula that has no result and store it (see test_formulas_without_result_are_calculated_by_the_other_programs).
LOST_IN: dict[str, frozenset[str]] = {
    "libreoffice": frozenset({"numfmt-palette", "numfmt-farbe", "formula-uncached"}),
    "gnumeric": frozenset({"formula-uncached", "icon"}),
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    d = tmp_path_factory.mktemp("clerk_displayed")
    return {cid: build_case(cid, d) for cid in CASE_IDS}


def _status(m) -> str | None:
    return m.status.value if m.status is not None else None


def check_measures(case: Case, konzept) -> list[str]:
    """Every difference between what was read and what a careful colleague reads."""
    problems: list[str] = []
    got: dict[tuple[str, str | None], list] = {}
    for f in konzept.felder:
        for m in f.massnahmen:
            got.setdefault((f.sheet, m.nr), []).append(m)
    for e in case.measures:
        ms = got.get((e.sheet, e.nr), [])
        if len(ms) != 1:
            problems.append(f"{e.sheet} Nr. {e.nr}: {len(ms)}-mal gelesen")
            continue
        m = ms[0]
        if e.status != UNDECIDED and _status(m) != e.status:
            problems.append(f"{e.sheet} Nr. {e.nr}: Status {_status(m)!r} ({m.evidence.text!r}), erwartet {e.status!r}")
        if m.in_auswertung != e.in_eval:
            problems.append(f"{e.sheet} Nr. {e.nr}: in_auswertung {m.in_auswertung}, erwartet {e.in_eval}")
        if e.unterziel is not None and m.unterziel_nr != e.unterziel:
            problems.append(f"{e.sheet} Nr. {e.nr}: Unterziel {m.unterziel_nr}, erwartet {e.unterziel}")
        if m.row != e.rows[0]:
            problems.append(f"{e.sheet} Nr. {e.nr}: Zeile {m.row}, erwartet {e.rows[0]}")
    expected = {(e.sheet, e.nr) for e in case.measures}
    problems += [f"überzählige Maßnahme {key}" for key in got if key not in expected]
    felder = {f.sheet: f for f in konzept.felder}
    for sheet, nrs in case.unterziele.items():
        f = felder.get(sheet)
        if f is None or [u.nr for u in f.unterziele] != nrs:
            problems.append(f"{sheet}: Unterziele {f and [u.nr for u in f.unterziele]}, erwartet {nrs}")
    return problems


def check_findings(case: Case, report) -> list[str]:
    problems: list[str] = []
    findings = list(report.findings)
    for e in case.findings:
        hits = [f for f in findings if e.matches(f)]
        if not hits:
            problems.append(f"fehlt: {e.code} bei {e.sheet}!{e.cell}")
        elif not any(f.severity.value == SEVERITIES[e.code] for f in hits):
            problems.append(f"{e.code} bei {e.sheet}!{e.cell}: Schwere {hits[0].severity.value}")
    for f in findings:
        if f.severity.value != "info" and not any(e.matches(f) for e in case.findings + case.allowed):
            problems.append(f"unerwartet: {f.severity.value} {f.code} bei {f.location}: {f.message}")
    return problems


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_measure_reads_what_its_cells_show(cases, case_id):
    case = cases[case_id]
    konzept = ampel_xl.read(case.path)
    problems = check_measures(case, konzept) + check_findings(case, ampel_xl.validate(konzept))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_never_silent_every_table_row_is_accounted_for(cases, case_id):
    case = cases[case_id]
    konzept = ampel_xl.read(case.path)
    report = ampel_xl.validate(konzept)
    wb = load_workbook(case.path)
    silent = []
    for sheet, header_row in case.header_rows.items():
        f = konzept.feld(sheet)
        accounted = {m.row for m in f.massnahmen} | {u.row for u in f.unterziele if u.row}
        for finding in report.findings:
            if finding.sheet == sheet:
                accounted |= cell_rows(finding.cell)
        for row in wb[sheet].iter_rows(min_row=header_row + 1):
            if any(c.value is not None for c in row) and row[0].row not in accounted:
                silent.append(f"{sheet}!{row[0].row}")
    assert not silent


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_validate_command_says_error_exactly_where_a_cell_cannot_be_read(cases, case_id):
    case = cases[case_id]
    result = CliRunner().invoke(cli, ["validate", str(case.path)])
    assert "Traceback" not in result.output
    errors = any(SEVERITIES[f.code] == "error" for f in case.findings)
    assert result.exit_code == (1 if errors else 0), result.output


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_saved_as_strict_open_xml_reads_the_same(cases, case_id, tmp_path):
    """Excel's "Strict Open XML-Arbeitsmappe": the number formats and runs live under other namespaces."""
    case = cases[case_id]
    konzept = ampel_xl.read(as_strict_open_xml(case.path, tmp_path / case.path.name))
    problems = check_measures(case, konzept) + check_findings(case, ampel_xl.validate(konzept))
    assert not problems, "\n".join(problems)


def test_the_grid_gives_the_text_a_person_sees(tmp_path):
    """Numbers as German Excel shows them under their formats; a word format's text; a date as TT.MM.JJJJ."""
    import datetime as dt

    from openpyxl import Workbook

    from ampel_xl.reader import parts
    from ampel_xl.reader.colors import ColorResolver
    from ampel_xl.reader.grid import Grid

    wb = Workbook()
    ws = wb.active
    cells = [(1234.5, "#,##0.00", "1.234,50"), (0.5, "0%", "50%"), (2, '[=1]"Grün";[=2]"Gelb";"Rot"', "Gelb"),
             (dt.datetime(2025, 2, 1), "dd.mm.yyyy", "01.02.2025"), (3, "General", "3"),
             (2.5, "General", "2,5"), ("offen", "@", "offen"),
             (7, ";;;", "")]
    for r, (value, code, _) in enumerate(cells, start=1):
        ws.cell(r, 1, value).number_format = code
    wb.save(tmp_path / "m.xlsx")
    book = parts.open_workbook(tmp_path / "m.xlsx")
    try:
        grid = Grid(book.sheet(book.sheets[0]), book, ColorResolver())
        assert [grid.text(r, 1) for r in range(1, len(cells) + 1)] == [shown for _, _, shown in cells]
        assert grid.value(3, 1) == "Gelb" and grid.stored(3, 1) == 2  # roles read the word, rules the number
        assert grid.value(8, 1) is None and grid.stored(8, 1) == 7  # ";;;" hides the value
    finally:
        book.close()


# --------------------------------------------------------------------------------------------
# Single points a person notices


def test_a_number_under_a_word_format_is_that_word_and_its_colour_rule_still_applies(cases):
    """1/2/3 under [=1]"Grün";… with conditional fills on the stored number: text and fill agree."""
    konzept = ampel_xl.read(cases["number_words-mit-farbe"].path)
    ms = konzept.feld("Sprache").massnahmen
    assert [m.evidence.text for m in ms] == ["Grün", "Gelb", "Rot", "Grün", "Gelb", "Rot", "Grün"]
    assert [m.evidence.color_status.value for m in ms] == [_status(m) for m in ms]
    assert all(m.evidence.fill_source == "bedingt" for m in ms)


def test_a_dot_printed_by_the_format_reads_by_the_sections_colour(cases):
    ms = ampel_xl.read(cases["number_dots-bedingt"].path).feld("Bildung").massnahmen
    dots = [m.evidence.channel("schriftfarbe") for m in ms]  # the symbol read by its colour
    assert [(m.evidence.text, d is not None, d and d.colour) for m, d in zip(ms, dots, strict=True)] == [
        ("●", True, "008000"), ("●", True, "FF9900"), ("●", True, "FF0000"), ("●", True, "008000"),
        ("●", True, "FF0000")]


def test_a_formula_without_result_is_named_at_every_cell_and_no_status_is_guessed(cases):
    case = cases["formulas-ohne-ergebnis"]
    konzept = ampel_xl.read(case.path)
    assert all(m.status is None for m in konzept.felder[0].massnahmen)
    report = ampel_xl.validate(konzept)
    cells = sorted((f.code, f.cell) for f in report.findings if f.code.startswith("formula-"))
    assert cells == sorted([("formula-uncached", f"C{r}") for r in range(6, 11)]
                           + [("formula-no-result", f"D{r}") for r in range(6, 11)])
    assert report.errors
    no_result = next(f for f in report.findings if f.code == "formula-no-result")
    assert "Excel" in no_result.hint and "speichern" in no_result.hint


def test_formula_results_are_read_as_stored(cases):
    konzept = ampel_xl.read(cases["formulas-gespeichert"].path)
    ms = konzept.feld("Arbeit").massnahmen
    assert [m.nr for m in ms] == ["1", "2", "3", "4", "5"]  # =ROW()-5, its stored numbers
    assert [m.auswertung_text for m in ms] == ["x", "x", "x", None, "x"]  # "" is a stored result: not marked


def test_rich_text_dot_and_word_are_two_channels(cases):
    ms = ampel_xl.read(cases["rich_dots-widerspruch"].path).feld("Gesundheit").massnahmen
    first, last = ms[0], ms[-1]
    dot_first, dot_last = first.evidence.channel("schriftfarbe"), last.evidence.channel("schriftfarbe")
    assert first.evidence.text == "● umgesetzt" and dot_first.colour == "00B050" and not first.evidence.conflict
    assert last.evidence.text == "● umgesetzt" and dot_last.colour == "FF0000" and last.evidence.conflict
    conflict = next(f for f in ampel_xl.validate(cases["rich_dots-widerspruch"].path).findings
                    if f.code == "status-conflict")
    assert "Das Zeichen „●“ ist rot (#FF0000)" in conflict.message and "„● umgesetzt“ (Grün)" in conflict.message


def test_header_label_unterziel_markers_and_konzept_counts_read_as_displayed(cases):
    konzept = ampel_xl.read(cases["displayed_roles-konzept"].path)
    f = konzept.feld("Wohnen")
    assert dict(f.table.columns)["status"] == "C"  # the header cell holds 2025, shown "Ampel 2025"
    assert [(u.nr, u.text) for u in f.unterziele] == [(1, "Wohnraum 1"), (2, "Wohnraum 2")]
    assert [d.massnahmen for d in konzept.declared] == [5]
    assert [d.unterziele for d in konzept.declared] == [2]


# --------------------------------------------------------------------------------------------
# Re-saved by LibreOffice and Gnumeric


def _surviving() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as d:
        channels = {cid: build_case(cid, Path(d)).channels for cid in CASE_IDS}
    return [(p, cid) for p in RESAVERS for cid in CASE_IDS if not channels[cid] & LOST_IN[p]]


RESAVED_PARAMS = _surviving()


@pytest.fixture(scope="module")
def resaved(cases, tmp_path_factory):
    made: dict[str, dict[Path, Path]] = {}

    def get(program: str, case_id: str) -> Path:
        exe, resave = RESAVERS[program]
        if exe is None:
            pytest.skip(f"{program} ist nicht installiert")
        if program not in made:
            made[program] = resave([c.path for c in cases.values()], tmp_path_factory.mktemp(program))
        return made[program][cases[case_id].path]

    return get


@pytest.mark.parametrize("program, case_id", RESAVED_PARAMS)
def test_resaved_master_reads_the_same(cases, resaved, program, case_id):
    case = cases[case_id]
    konzept = ampel_xl.read(resaved(program, case_id))
    problems = check_measures(case, konzept) + check_findings(case, ampel_xl.validate(konzept))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("program", list(RESAVERS))
@pytest.mark.parametrize("case_id, statuses, marked", [
    ("formulas-ohne-ergebnis", ["gruen", "gelb", "rot", "gruen", "gelb"], [True, True, True, False, True]),
    ("formulas-regel-ohne-ergebnis", ["gruen", "gelb", "rot"], [True, True, True]),
])
def test_formulas_without_result_are_calculated_by_the_other_programs(cases, resaved, program, case_id, statuses,
                                                                      marked):
    """LibreOffice and Gnumeric calculate a formula that has no stored result and save the result:
    the re-saved master reads as if Excel had saved it (the words, the marking, the rules' colours)."""
    konzept = ampel_xl.read(resaved(program, case_id))
    ms = konzept.feld("Arbeit").massnahmen
    assert [_status(m) for m in ms] == statuses
    assert [m.in_auswertung for m in ms] == marked
    assert not [f for f in ampel_xl.validate(konzept).findings if f.severity.value != "info"]


def test_libreoffice_drops_palette_colours_and_the_reader_says_so(cases, resaved):
    """What LibreOffice makes of [Color10][=1]"●";[Color45][=2]"●";[Red]"●": a black ● for 1 and 2, a red
    one for the rest. The reader does not invent a colour: it names the cells of the black ones."""
    konzept = ampel_xl.read(resaved("libreoffice", "number_dots-bedingt"))
    ms = konzept.feld("Bildung").massnahmen
    assert [(m.evidence.text, _status(m)) for m in ms] == [("●", None), ("●", None), ("●", "rot"), ("●", None),
                                                            ("●", "rot")]
    report = ampel_xl.validate(konzept)
    assert {f.cell for f in report.errors} == {"C6", "C7", "C9"}


# --------------------------------------------------------------------------------------------
# Any number format a clerk may type: the master is read and validated, never an internal error

_FORMAT_PIECES = st.sampled_from([
    *'0#?.,;%@"\\_*[]=<>-+E /●', "[Red]", "[Color10]", "[Farbe45]", "[Grün]", "[=1]", "[<=-2.5]", "[>=2]",
    '"Grün"', '"Gelb"', '"Rot"', '"umgesetzt"', "General", "E+", "[$€-407]", "dd.mm.yyyy", "[h]", ";;;"])


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(_FORMAT_PIECES, max_size=12).map("".join),
       st.lists(st.one_of(st.integers(-3, 3), st.sampled_from(["Grün", "●", "offen", ""])), min_size=1, max_size=4))
def test_any_number_format_on_the_status_column_reads_without_internal_error(tmp_path_factory, code, values):
    ms = Master(tmp_path_factory.mktemp("fmt") / "m.xlsx", "format")
    fw = ms.field("Sprache", "Handlungsfeld Sprache", ["Nr.", "Maßnahme", "Ampel"], nr="Nr.", text="Maßnahme",
                  status="Ampel")
    fw.uz(1, "Unterziel 1: Sprachkurse")
    for n, value in enumerate(values, start=1):
        r = fw.m(str(n), {"Nr.": n, "Maßnahme": f"Maßnahme {n}", "Ampel": value if value != "" else None}, None)
        fw.cell("Ampel", r).number_format = code
    case = ms.save()
    konzept = ampel_xl.read(case.path)
    assert [m.nr for m in konzept.feld("Sprache").massnahmen] == [str(n) for n in range(1, len(values) + 1)]
    ampel_xl.validate(konzept)


def test_remarks_and_extra_columns_read_as_their_number_format_shows_them(tmp_path):
    """A Bemerkung "2.500 €" typed as 2500 under a currency format, a Zeitraum typed as a date, and an own
    column "Anteil" as 0.25 under 0%: the summary and the report print what the clerk sees in Excel."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sprache"
    ws["A1"] = "Handlungsfeld Sprache"
    ws["A2"], ws["B2"] = "Oberziel", "Alle sprechen Deutsch."
    ws.append([])
    ws.append(["Nr.", "Maßnahme", "Ampel", "Bemerkung", "Zeitraum", "Anteil"])
    ws.append(["Unterziel 1: Kurse"])
    ws.append([1, "Kurse anbieten", "Grün", 2500, dt.date(2025, 12, 31), 0.25])
    ws.append([2, "Kurse bewerben", "Gelb", "offen", "2026", 1])
    ws.append([None, None, None, 1234.5, None, None])  # a second line of measure 2 (Nr, text, Ampel merged)
    for col in "ABC":
        ws.merge_cells(f"{col}7:{col}8")
    ws["D6"].number_format = '#,##0 "€"'
    ws["D8"].number_format = '#,##0.00 "€"'
    ws["E6"].number_format = "DD.MM.YYYY"
    ws["F6"].number_format = ws["F7"].number_format = "0%"
    path = tmp_path / "m.xlsx"
    wb.save(path)
    first, second = ampel_xl.read(path).feld("Sprache").massnahmen
    assert (first.bemerkung, first.zeitraum, first.extras) == ("2.500 €", "31.12.2025", (("Anteil", "25%"),))
    assert second.bemerkung == "offen\n1.234,50 €" and second.extras == (("Anteil", "100%"),)
