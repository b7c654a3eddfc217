"""The vocabulary: every status word, label and colour, and what a status cell's text says."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from ampel_xl import vocabulary as vocab
from ampel_xl.vocabulary import (
    BUILTIN,
    LEGEND,
    LIST,
    STATUS_ORDER,
    Status,
    Vocabulary,
    WordConflict,
    read_flag,
    words_from_legend,
    words_from_list,
)

G, Y, R = Status.GRUEN, Status.GELB, Status.ROT
BUILT = Vocabulary.builtin()


# -- words, symbols, short forms ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        # the colour names in any case and spacing, with or without umlaut
        ("Grün", G), ("grün", G), (" GRÜN ", G), ("gruen", G), ("Gruen", G), ("GRUEN", G), ("grun", G),
        ("G r ü n", G), ("Gru\u0308n", G), ("Grün\u00a0", G),
        ("Gelb", Y), ("GELB", Y), ("g e l b", Y), ("Rot", R), ("rot", R), (" R O T ", R),
        # English
        ("green", G), ("Yellow", Y), ("amber", Y), ("Orange", Y), ("RED", R),
        # symbols (🟠 counts as Gelb)
        ("🟢", G), ("🟡", Y), ("🟠", Y), ("🔴", R), (" 🔴 ", R),
        # short forms
        ("Y", Y), ("y", Y), ("R", R), ("r", R),
        # office words
        ("umgesetzt", G), ("Abgeschlossen", G), ("erledigt", G), ("realisiert", G), ("durchgeführt", G),
        ("durchgefuehrt", G), ("fertig", G),
        ("in Umsetzung", Y), ("In Arbeit", Y), ("in  planung", Y), ("in Bearbeitung", Y), ("laufend", Y),
        ("begonnen", Y), ("teilweise umgesetzt", Y), ("in Vorbereitung", Y), ("inArbeit", Y),
        ("offen", R), ("Offen", R), ("nicht begonnen", R), ("nicht umgesetzt", R), ("Nicht  umgesetzt", R),
        ("nicht weiterverfolgt", R), ("nicht verfolgt", R), ("zurückgestellt", R), ("zurueckgestellt", R),
        ("entfallen", R), ("noch nicht umgesetzt", R), ("noch offen", R),
        # nothing
        ("blau", None), ("lila", None), ("", None), ("   ", None), ("Rotation", None), ("Grüne Wiese", None),
        ("ungesetzt", None), ("Finanzierung offen", None), ("x", None), ("B", None), ("R.", None),
    ],
)
def test_builtin_words(text, expected):
    reading = BUILT.read(text)
    assert reading.status is expected
    assert not reading.ambiguous
    assert reading.source == (BUILTIN if expected else None)
    assert reading.addition is None


@pytest.mark.parametrize("value", [None, 3, 2.5])
def test_non_text_reads_as_nothing(value):
    assert BUILT.read(value) == vocab.WordReading(None)


def test_not_umgesetzt_is_never_umgesetzt():
    assert BUILT.read("nicht umgesetzt").status is R
    assert BUILT.read("teilweise umgesetzt").status is Y
    assert BUILT.read("umgesetzt").status is G
    assert BUILT.read("nicht umgesetzt (Personal fehlt)").status is R


# -- a leading status word with an addition ---------------------------------------------------
@pytest.mark.parametrize(
    "text, expected, addition",
    [
        ("Grün (verzögert)", G, "verzögert"),
        ("gelb – Finanzierung offen", Y, "Finanzierung offen"),
        ("Gelb - Finanzierung offen", Y, "Finanzierung offen"),
        ("GELB: Finanzierung offen", Y, "Finanzierung offen"),
        ("rot, Träger fehlt", R, "Träger fehlt"),
        ("in Arbeit seit 03/2024", Y, "seit 03/2024"),
        ("umgesetzt (2024)", G, "2024"),
        ("nicht begonnen – Personal fehlt", R, "Personal fehlt"),
        ("🟡 Finanzierung offen", Y, "Finanzierung offen"),
        ("Grün (realisiert)", G, "realisiert"),
        ("Grün (verzögert) – siehe Bemerkung", G, "(verzögert) – siehe Bemerkung"),
        ("Grün.", G, None),
        ("🟢 Grün", G, None),
        ("Grün\u00a0(verzögert)", G, "verzögert"),
    ],
)
def test_leading_word_with_addition(text, expected, addition):
    reading = BUILT.read(text)
    assert (reading.status, reading.addition) == (expected, addition)
    assert reading.addition_status is None
    assert reading.source == BUILTIN


@pytest.mark.parametrize("text, first, second", [("Grün/Gelb", G, Y), ("🟢 Rot", G, R), ("gelb-rot", Y, R),
                                                 ("offen / grün", R, G)])
def test_an_addition_that_names_another_colour_is_reported(text, first, second):
    reading = BUILT.read(text)
    assert (reading.status, reading.addition_status) == (first, second)


def test_an_office_word_in_the_addition_never_wins():
    reading = BUILT.read("gelb – Finanzierung offen")
    assert reading.status is Y
    assert reading.addition_status is None
    assert BUILT.read("Gelb (offen)").status is Y


@pytest.mark.parametrize("text", ["offen?", "Grün?", "Grün (?)", "in Arbeit ??"])
def test_a_question_mark_is_no_status(text):
    assert BUILT.read(text).status is None


# -- the letter G ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["G", "g", " G "])
def test_lone_g_is_ambiguous(text):
    reading = BUILT.read(text)
    assert reading.status is None
    assert reading.ambiguous


@pytest.mark.parametrize(
    "letters, expected",
    [(["g", "y", "r"], G), (["G", "Y"], G), (["g", "r"], None), (["g"], None), ([], None)],
)
def test_g_means_gruen_only_where_the_workbook_also_uses_y(letters, expected):
    reading = BUILT.for_letters(letters).read("G")
    assert reading.status is expected
    assert reading.ambiguous is (expected is None)


def test_letter_collects_one_character_texts():
    assert [Vocabulary.letter(t) for t in ("Y", " g ", "Grün", "", None)] == ["y", "g", None, None, None]


# -- taught words ------------------------------------------------------------------------------
def test_taught_words_win_over_builtin_words_and_name_their_source():
    taught = BUILT.taught({"offen": Y, "läuft": Y, "Abschluss": G}, LEGEND)
    assert taught is not BUILT
    assert BUILT.read("offen").status is R  # the built-in vocabulary is unchanged
    assert (taught.read("Offen").status, taught.read("Offen").source) == (Y, LEGEND)
    assert (taught.read("laeuft").status, taught.read("laeuft").source) == (Y, LEGEND)
    reading = taught.read("läuft (verzögert)")
    assert (reading.status, reading.addition, reading.source) == (Y, "verzögert", LEGEND)
    assert taught.read("nicht umgesetzt").source == BUILTIN
    assert taught.read("Abschluss 2024").status is G


def test_later_teaching_wins():
    v = BUILT.taught({"ruht": R}, LEGEND).taught({"ruht": Y}, LIST)
    assert (v.read("ruht").status, v.read("ruht").source) == (Y, LIST)


def test_a_taught_letter_is_no_longer_ambiguous():
    v = BUILT.taught({"G": G}, LEGEND)
    assert (v.read("G").status, v.read("G").ambiguous) == (G, False)


def test_a_longer_builtin_word_still_wins_over_a_taught_prefix():
    v = BUILT.taught({"nicht": R, "umgesetzt": Y}, LEGEND)
    assert v.read("teilweise umgesetzt").status is Y
    assert v.read("nicht umgesetzt").source == BUILTIN


# -- what a Legende sheet teaches ----------------------------------------------------------------
def cell(text=None, status=None):
    return (text, status)


def test_legend_word_beside_a_status_name():
    lesson = words_from_legend([
        [cell("Ampel"), cell("Bedeutung")],
        [cell("umgesetzt"), cell("Grün")],
        [cell("in Arbeit"), cell("gelb")],
        [cell("ruht"), cell("Rot"), cell("Die Maßnahme wird derzeit nicht weiterverfolgt, weil …")],
    ])
    assert lesson.words == {"umgesetzt": G, "in Arbeit": Y, "ruht": R}
    assert lesson.conflicts == ()


def test_legend_word_beside_a_coloured_swatch_or_on_it():
    lesson = words_from_legend([
        [cell(None, G), cell("fertig gestellt")],
        [cell("läuft", Y), cell("Die Maßnahme ist in der Planungs- oder Realisierungsphase.")],
        [cell("", R), cell("ausgesetzt"), cell("Maßnahme ruht bis auf Weiteres bis zur Klärung der Mittel")],
        [cell("Blau"), cell("Blau hinterlegte Maßnahmen sind in die Auswertung eingeflossen.")],
    ])
    assert lesson.words == {"fertig gestellt": G, "läuft": Y, "ausgesetzt": R}


def test_legend_laid_out_across():
    lesson = words_from_legend([[cell("Grün", G), cell("erledigt"), cell("Gelb", Y), cell("läuft"),
                                 cell("Rot", R), cell("ruht")]])
    assert lesson.words == {"erledigt": G, "läuft": Y, "ruht": R}
    lesson = words_from_legend([[cell("erledigt"), cell(None, G), cell("läuft"), cell(None, Y)]])
    assert lesson.words == {"erledigt": G, "läuft": Y}


@pytest.mark.parametrize(
    "text, fill, expected",
    [
        ("Grün = umgesetzt", None, {"umgesetzt": G}),
        ("in Arbeit: gelb", None, {"in Arbeit": Y}),
        ("🟢 erledigt", None, {"erledigt": G}),
        ("Rot (ruht)", R, {"ruht": R}),
        ("Gelb – in Planung / in Arbeit", None, {"in Planung": Y, "in Arbeit": Y}),
        ("Grün: Die Maßnahme ist realisiert oder hat stattgefunden.", G, {}),
        ("Grün - Gelb", None, {}),
    ],
)
def test_legend_colour_and_word_in_one_cell(text, fill, expected):
    lesson = words_from_legend([[cell(text, fill)]])
    assert lesson.words == expected
    assert lesson.conflicts == ()


def test_legend_alternatives_and_sentences():
    lesson = words_from_legend([
        [cell("umgesetzt, erledigt"), cell("Grün")],
        [cell(None, R), cell("Die Maßnahme wurde nicht weiterverfolgt.")],
        [cell(None, Y), cell("Maßnahme läuft noch bis Ende 2026 weiter")],
    ])
    assert lesson.words == {"umgesetzt": G, "erledigt": G}


def test_legend_pair_painted_in_another_colour_is_a_conflict():
    lesson = words_from_legend([[cell("Grün = umgesetzt", R)]])
    assert lesson.words == {}
    assert lesson.conflicts == (WordConflict("umgesetzt", (G, R), ((0, 0),)),)


def test_the_templates_own_legend_teaches_nothing_new():
    rows = [[cell(s.label, s), cell(s.meaning)] for s in STATUS_ORDER]
    lesson = words_from_legend(rows)
    assert lesson.words == {}
    assert lesson.conflicts == ()


def test_legend_conflicts_are_returned_not_resolved():
    lesson = words_from_legend([
        [cell("offen"), cell("Gelb")],
        [cell("offen"), cell("Rot")],
        [cell("erledigt"), cell("Grün")],
        [cell("Rot", G)],
    ])
    assert lesson.words == {"erledigt": G}
    assert set(lesson.conflicts) == {
        WordConflict("offen", (Y, R), ((0, 0), (1, 0))),
        WordConflict("Rot", (G, R), ((3, 0),)),
    }


def test_a_word_in_a_row_with_a_self_contradicting_swatch_is_a_conflict():
    lesson = words_from_legend([[cell("Grün", R), cell("umgesetzt")]])
    assert lesson.words == {}
    assert {c.word for c in lesson.conflicts} == {"Grün", "umgesetzt"}


# -- what a drop-down list teaches --------------------------------------------------------------
def test_list_entries_with_their_colours():
    colours = {"erledigt": G, "läuft": Y, "ruht": R, "k. A.": None}
    lesson = words_from_list(["erledigt", "läuft", "ruht", "k. A.", None, ""], colours)
    assert lesson.words == {"erledigt": G, "läuft": Y, "ruht": R}
    v = BUILT.taught(lesson.words, LIST)
    assert (v.read("ruht").status, v.read("ruht").source) == (R, LIST)


def test_list_accepts_a_function():
    lesson = words_from_list(["A", "B"], lambda e: {"A": G}.get(e))
    assert lesson.words == {"A": G}


def test_list_conflicts():
    lesson = words_from_list(["Grün", "läuft"], {"Grün": R, "läuft": Y})
    assert lesson.words == {"läuft": Y}
    assert lesson.conflicts == (WordConflict("Grün", (G, R), ((0, 0),)),)
    colours = iter([Y, R])
    lesson = words_from_list(["läuft", "läuft"], lambda e: next(colours))
    assert lesson.words == {}
    assert lesson.conflicts == (WordConflict("läuft", (Y, R), ((0, 0), (1, 0))),)


# -- the In-Auswertung flag ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ("x", True), ("X", True), (" x ", True), ("ja", True), ("Ja", True), ("1", True), ("✓", True),
        ("✔", True), ("✔️", True), ("wahr", True), ("TRUE", True), ("true", True), (1, True), (True, True),
        (2.0, True),
        ("nein", False), ("Nein", False), ("0", False), (0, False), ("", False), (" ", False), (None, False),
        (False, False), ("-", False), ("falsch", False), ("false", False),
        ("vielleicht", None), ("2025", None), ("xx", None), ("siehe oben", None),
    ],
)
def test_read_flag(value, expected):
    assert read_flag(value) is expected


def test_the_templates_mark_reads_as_true():
    assert read_flag(vocab.FLAG_MARK) is True


# -- labels and colours: one definition each ------------------------------------------------------
def test_status_labels_meanings_and_colours_come_from_the_looks():
    assert [s.label for s in STATUS_ORDER] == ["Grün", "Gelb", "Rot"]
    assert list(vocab.LOOKS) == ["gruen", "gelb", "rot", "ohne"]
    for s in STATUS_ORDER:
        look = vocab.look(s)
        assert (s.label, s.meaning, s.color, s.fill) == (look.label, look.meaning, look.color, look.fill)
        assert vocab.STATUS_COLORS[s.value] == s.color
        assert vocab.STATUS_FILLS[s.value] == s.fill
        assert vocab.STATUS_MEANINGS[s] == s.meaning
        assert BUILT.read(s.label).status is s  # every label reads back as its status
    assert vocab.look(None).label == "ohne Bewertung"
    assert vocab.look("ohne") is vocab.look(None)
    assert vocab.status_key(None) == "ohne"
    assert vocab.status_key("gelb") == "gelb"
    assert vocab.STATUS_CHOICE == "Grün, Gelb oder Rot"
    assert BUILT.canonical == ("Grün", "Gelb", "Rot")


def test_model_reexports_the_vocabulary():
    from ampel_xl import model

    assert model.Status is Status
    assert model.STATUS_COLORS is vocab.STATUS_COLORS
    assert model.STATUS_FILLS is vocab.STATUS_FILLS
    assert model.BLUE_MARK == vocab.BLUE_MARK
    assert model.STATUS_ORDER is vocab.STATUS_ORDER


def test_vocabulary_imports_nothing_of_the_package_and_no_spreadsheet_library():
    tree = ast.parse(Path(vocab.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "the vocabulary must not import from the package"
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "enum", "itertools", "re", "unicodedata", "collections", "dataclasses", "typing"}


def test_the_builtin_words_are_the_documented_ones():
    doc = vocab.__doc__ or ""
    for table in (vocab.COLOUR_WORDS, vocab.OFFICE_WORDS):
        for words in table.values():
            for word in words:
                assert word in doc, word


# -- every output takes its words and colours from the vocabulary ---------------------------------
ROOT = Path(__file__).resolve().parent.parent
STATUS_OF_COLOUR = {s.color.lstrip("#").upper(): s for s in STATUS_ORDER}


def _rgb(cell) -> str | None:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid" or not isinstance(fill.fgColor.rgb, str):
        return None
    return fill.fgColor.rgb[-6:].upper()


def test_the_templates_dropdown_colour_rules_and_legend_are_the_vocabularys():
    from openpyxl import load_workbook

    from ampel_xl.xlsx.master import load_structure, template_filename

    structure = load_structure()
    wb = load_workbook(ROOT / "workbooks" / template_filename(structure))
    field = wb[structure["felder"][0]["sheet"]]
    lists = [dv.formula1 for dv in field.data_validations.dataValidation if dv.type == "list"]
    assert '"' + ",".join(BUILT.canonical) + '"' in lists
    assert f'"{vocab.FLAG_MARK}"' in lists
    rules = {rule.formula[0].strip('"'): rule.dxf.fill.bgColor.rgb[-6:].upper()
             for cf in field.conditional_formatting for rule in cf.rules}
    assert rules == {s.label: s.color.lstrip("#").upper() for s in STATUS_ORDER}

    legend = wb["Anleitung"]  # the template's legend is part of its instructions
    rows = [[(c.value, STATUS_OF_COLOUR.get(_rgb(c) or "")) for c in row] for row in legend.iter_rows()]
    shown = {r[0][0]: (r[0][1], r[1][0]) for r in rows if len(r) > 1 and r[0][0]}
    for s in STATUS_ORDER:
        assert shown[s.label] == (s, s.meaning)
    assert shown[vocab.BLUE_LABEL][1].startswith(vocab.BLUE_MEANING)
    blue = next(row[0] for row in legend.iter_rows() if row[0].value == vocab.BLUE_LABEL)
    assert _rgb(blue) == vocab.BLUE_MARK.lstrip("#")
    # read back as a Legende, the template teaches nothing new and nothing contradictory
    lesson = words_from_legend(rows)
    assert lesson.conflicts == ()
    assert all(BUILT.read(w).status is s for w, s in lesson.words.items())


def test_the_summarys_status_cells_use_the_vocabularys_labels_and_colours(tmp_path):
    from openpyxl import load_workbook

    import ampel_xl
    from ampel_xl.xlsx.summary import SHEET_MASSNAHMEN

    konzept = ampel_xl.read(ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx")
    target = tmp_path / "z.xlsx"
    ampel_xl.write_summary(ampel_xl.summarize(konzept), target)
    ws = load_workbook(target)[SHEET_MASSNAHMEN]
    header = next(r for r in ws.iter_rows() if any(c.value == "Status" for c in r))
    col = next(c.column for c in header if c.value == "Status")
    seen = {}
    for row in ws.iter_rows(min_row=header[0].row + 1, min_col=col, max_col=col):
        if row[0].value:
            seen[row[0].value] = _rgb(row[0])
    assert seen == {s.label: s.color.lstrip("#").upper() for s in STATUS_ORDER}


def test_chart_compare_and_display_words_are_the_vocabularys():
    charts, comparison, changes, display, figures = (
        importlib.import_module(f"ampel_xl.{m}")
        for m in ("ampeldokument.charts", "comparison", "xlsx.changes", "display", "figures"))
    assert tuple((k, v.label) for k, v in vocab.LOOKS.items()) == charts.STATUS_KEYS
    assert charts.EDGES == vocab.STATUS_EDGES
    assert {k: figures.LABELS[k] for k in vocab.LOOKS} == vocab.STATUS_LABELS
    assert changes._before_after(comparison.Change(
        feld="F", massnahme_id="F/M1", art="status", alt="rot", neu=None, unterziel_nr=1, massnahme="m",
    )) == ((Status.ROT.label, "rot"), (vocab.NO_STATUS_MEASURE, vocab.NO_STATUS))
    html = display._status_td("gelb") + display._status_td(None)
    assert Status.GELB.label in html and Status.GELB.fill in html and vocab.NO_STATUS_MEASURE in html


#: Modules that still spell status words themselves: the reader (being rewritten onto this module)
#: and the colour classifier's names of colours ("Grün (#00B050)" is the name of a colour, not a status),
#: and the number-format language's colour tokens ("[Red]", "[Grün]" name a colour in a format code).
_NOT_YET = {"reader.py", "reader/colors.py", "reader/numfmt.py"}


def test_no_other_module_spells_a_status_word_or_status_colour():
    words = {*vocab.STATUS_LABELS.values(), vocab.NO_STATUS_MEASURE, vocab.BLUE_LABEL,
             vocab.BLUE_MEANING, *vocab.STATUS_MEANINGS.values()}
    # every spelling the reader knows, except the status values, which are also the palette keys
    spellings = set(BUILT.words()) - {s.value for s in STATUS_ORDER}
    colours = {c.upper() for s in STATUS_ORDER for c in (s.color, s.fill, vocab.STATUS_EDGES[s.value])}
    colours.add(vocab.BLUE_MARK.upper())
    package = ROOT / "ampel_xl"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "vocabulary.py" or rel in _NOT_YET:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    node.value in words or node.value.upper() in colours or node.value.casefold() in spellings):
                offenders.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert offenders == []
