"""The reader on masters built in code: every variant of the contract."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Color

from ampel_xl import read, validate
from ampel_xl.model import Art, Status
from ampel_xl.reader import match_title, parse_status_text
from builders import BLUE, GREEN, RED, YELLOW, FieldSheet, build, simple_field, solid


def statuses(k):
    return [(m.id, m.status.value if m.status else None) for m in k.massnahmen]


# -- text statuses ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Grün", Status.GRUEN), ("grün", Status.GRUEN), (" GRÜN ", Status.GRUEN), ("gruen", Status.GRUEN),
        ("Gruen", Status.GRUEN), ("green", Status.GRUEN), ("🟢", Status.GRUEN), ("Grün (realisiert)", Status.GRUEN),
        ("Gelb", Status.GELB), ("gelb", Status.GELB), ("yellow", Status.GELB), ("🟡", Status.GELB), ("Y", Status.GELB),
        ("Rot", Status.ROT), ("ROT", Status.ROT), ("red", Status.ROT), ("🔴", Status.ROT), ("r", Status.ROT),
        ("G r ü n", Status.GRUEN),
        ("blau", None), ("offen?", None), ("lila", None),
    ],
)
def test_status_text(text, expected):
    assert parse_status_text(text)[0] is expected


def test_lone_g_is_ambiguous():
    assert parse_status_text("G") == (None, True)


@pytest.mark.parametrize(
    "title, art, name",
    [
        ("Handlungsfeld Sprache", Art.HANDLUNGSFELD, "Sprache"),
        ("HANDLUNGSFELD: Kultur & Freizeit", Art.HANDLUNGSFELD, "Kultur & Freizeit"),
        ("Querschnittsthema Antidiskriminierung", Art.QUERSCHNITTSTHEMA, "Antidiskriminierung"),
        ("Querschnittstehma Ehrenamtliches Engagement", Art.QUERSCHNITTSTHEMA, "Ehrenamtliches Engagement"),
        ("QUERSCHNITTSTEHMA ANTIDIKRIMINIERUNG", Art.QUERSCHNITTSTHEMA, "ANTIDIKRIMINIERUNG"),
        ("Handlungsfled Wohnen", Art.HANDLUNGSFELD, "Wohnen"),
    ],
)
def test_title_matching_tolerates_the_seeds_typos(title, art, name):
    assert match_title(title) == (art, name)


@pytest.mark.parametrize(
    "title, name",
    [
        ("Handlungsfeld 1: Sprache", "Sprache"),
        ("Handlungsfeld 2. Arbeit", "Arbeit"),
        ("Handlungsfeld III – Bildung", "Bildung"),
        ("Handlungsfeld Nr. 4 Wohnen", "Wohnen"),
        ("Handlungsfeld 1 – Sprache und Bildung", "Sprache und Bildung"),
        ("Handlungsfeld „Gesundheit“", "Gesundheit"),
        ("Querschnittsthema 2: »Ehrenamt«", "Ehrenamt"),
        # a number that is part of the name stays
        ("Handlungsfeld 50plus", "50plus"),
        ("Handlungsfeld Integration 4.0", "Integration 4.0"),
        ("Handlungsfeld 1", "1"),
    ],
)
def test_numbered_and_quoted_field_titles(title, name):
    """Counties number their fields ("Handlungsfeld 1: Sprache"): the number is no part of the name."""
    assert match_title(title)[1] == name


def test_numbered_titles_match_the_konzept_sheet_and_the_next_stand(tmp_path):
    """The Konzept sheet lists "Sprache"; the field sheets say "Handlungsfeld 1: Sprache"."""
    numbered = FieldSheet("Handlungsfeld 1: Sprache", "1 Sprache")
    numbered.unterziel(1).measure(1, "Kurse", status="Grün").measure(2, "Lotsen", status="Rot")
    k = read(build(tmp_path / "m.xlsx", [numbered], declared=[("Sprache", "Handlungsfeld", 1, 2)],
                   total=(1, 2)))
    assert [f.name for f in k.felder] == ["Sprache"]
    report = validate(k)
    assert not report.errors and not report.warnings, report.findings
    plain = FieldSheet("Handlungsfeld Sprache", "Sprache")
    plain.unterziel(1).measure(1, "Kurse", status="Grün").measure(2, "Lotsen", status="Gelb")
    from ampel_xl import compare

    changes = compare(k, read(build(tmp_path / "neu.xlsx", [plain])))
    assert [(c.feld, c.art, c.alt, c.neu) for c in changes] == [("Sprache", "status", "rot", "gelb")]
    assert not changes.felder_neu and not changes.felder_entfernt


@pytest.mark.parametrize("title", ["Legende", "Ampelsystem-Legende", "Notizen zum Handlungsfeld", "Hinweise"])
def test_other_titles_are_no_fields(title):
    assert match_title(title) is None


# -- layouts ---------------------------------------------------------------------------------
def test_hierarchical_text_statuses(tmp_path):
    path = build(tmp_path / "m.xlsx", [simple_field()])
    k = read(path)
    assert [f.name for f in k.felder] == ["Sprache"]
    f = k.felder[0]
    assert f.art is Art.HANDLUNGSFELD
    assert f.oberziel == "Ein Oberziel."
    assert [u.nr for u in f.unterziele] == [1, 2]
    assert [len(u.massnahmen) for u in f.unterziele] == [3, 3]
    assert statuses(k) == [
        ("Sprache/M1", "gruen"), ("Sprache/M2", "gelb"), ("Sprache/M3", "rot"),
        ("Sprache/M4", "gruen"), ("Sprache/M5", "gelb"), ("Sprache/M6", "rot"),
    ]
    m = f.unterziele[0].massnahmen[0]
    assert (m.sheet, m.status_cell, m.row) == ("Sprache", "C6", 6)
    assert f.table.layout == "hierarchisch"


def test_fill_only_and_both(tmp_path):
    f = FieldSheet("Handlungsfeld Arbeit", "Arbeit")
    f.unterziel(1)
    f.measure(1, "a", fill=GREEN)
    f.measure(2, "b", fill=YELLOW)
    f.measure(3, "c", fill=RED)
    f.measure(4, "d", status="Gelb", fill="FFC000")
    f.measure(5, "e", fill="92D050")
    f.measure(6, "f", fill="C00000")
    k = read(build(tmp_path / "m.xlsx", [f]))
    assert [s for _, s in statuses(k)] == ["gruen", "gelb", "rot", "gelb", "gruen", "rot"]
    ev = k.massnahmen[0].evidence
    assert ev.fill == "00B050" and ev.text is None and ev.color_class == "gruen"


def test_cell_styles_gut_neutral_schlecht(tmp_path):
    path = tmp_path / "styles.xlsx"
    f = FieldSheet("Handlungsfeld Arbeit", "Arbeit")
    f.unterziel(1)
    for i in range(3):
        f.measure(i + 1, f"m{i}")
    build(path, [f])
    wb = load_workbook(path)
    ws = wb["Arbeit"]
    ws["C6"].style = "Good"
    ws["C7"].style = "Neutral"
    ws["C8"].style = "Bad"
    wb.save(path)
    assert [s for _, s in statuses(read(path))] == ["gruen", "gelb", "rot"]


def test_flat_layout_with_merged_unterziel_cells(tmp_path):
    f = FieldSheet("Handlungsfeld Bildung", "Bildung", header=("Unterziel", "Nr", "Maßnahme", "Status", "Kosten"))
    f.measure("1", "a", status="Grün", values={"Unterziel": "Unterziel 1: Zugang", "Kosten": "100 €"})
    f.measure("2", "b", status="Rot", values={"Kosten": 5})
    f.measure("3", "c", status="Gelb", values={"Unterziel": 2})
    f.measure("4", "d", status="gelb")
    f.merges = ["A5:A6", "A7:A8"]
    k = read(build(tmp_path / "m.xlsx", [f]))
    fld = k.felder[0]
    assert fld.table.layout == "flach"
    assert [(u.nr, u.text, [m.nr for m in u.massnahmen]) for u in fld.unterziele] == [
        (1, "Zugang", ["1", "2"]), (2, "", ["3", "4"])
    ]
    assert fld.massnahmen[0].extra == {"Kosten": "100 €"}
    assert fld.massnahmen[1].extra == {"Kosten": "5"}
    assert not fld.anomalies  # merged cells carry their value down silently


def test_flat_layout_unmerged_gap_is_noted(tmp_path):
    f = FieldSheet("Handlungsfeld Bildung", "Bildung", header=("Unterziel", "Nr", "Maßnahme", "Status"))
    f.measure("1", "a", status="Grün", values={"Unterziel": 1})
    f.measure("2", "b", status="Rot")
    k = read(build(tmp_path / "m.xlsx", [f]))
    assert [m.unterziel_nr for m in k.massnahmen] == [1, 1]
    assert [(a.code, a.cell) for a in k.felder[0].anomalies] == [("unterziel-carried", "A6")]


@pytest.mark.parametrize(
    "header",
    [
        ("Nr.", "Maßnahme", "Status"),
        ("Ampel", "Beschreibung", "Nummer"),
        ("Nr", "Unterziel / Maßnahme", "Bewertung", "Anmerkung", "Zuständig", "Frist"),
        ("Nummer", "Unterziel/Maßnahme", "Ampel", "Kommentar", "Federführung", "Umsetzung bis"),
    ],
)
def test_header_synonyms_in_any_order(tmp_path, header):
    f = FieldSheet("Handlungsfeld Wohnen", "Wohnen", header=header)
    f.unterziel(1) if "Unterziel / Maßnahme" in header else None
    if "Unterziel / Maßnahme" not in header:
        f.rows.append({"kind": "uz", "values": {f._text_label(): "Unterziel 1: Text"}})
    values = {}
    if len(header) > 3:
        values = {header[3]: "Bem.", header[4]: "Amt 1", header[5]: "2026"}
    f.measure(1, "Eine", status="Rot", values=values)
    k = read(build(tmp_path / "m.xlsx", [f]))
    m = k.massnahmen[0]
    assert (m.nr, m.text, m.status) == ("1", "Eine", Status.ROT)
    if values:
        assert (m.bemerkung, m.verantwortlich, m.zeitraum) == ("Bem.", "Amt 1", "2026")


def test_dotted_numbers_and_unterziel_number_alone_in_nr(tmp_path):
    f = FieldSheet("Handlungsfeld Gesundheit", "Gesundheit")
    f.rows.append({"kind": "uz", "values": {"Nr": 1, "Unterziel / Maßnahme": "Zugang zu Angeboten"}})
    f.measure("1.1", "a", status="Grün")
    f.measure("1.2", "b", status="Gelb")
    f.rows.append({"kind": "uz", "values": {"Nr": 2, "Unterziel / Maßnahme": "Information"}})
    f.measure("2.1", "c", status="Rot")
    k = read(build(tmp_path / "m.xlsx", [f]))
    fld = k.felder[0]
    assert [(u.nr, u.text) for u in fld.unterziele] == [(1, "Zugang zu Angeboten"), (2, "Information")]
    assert [m.id for m in k.massnahmen] == ["Gesundheit/M1.1", "Gesundheit/M1.2", "Gesundheit/M2.1"]


def test_measure_number_in_text(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1, "Zugang")
    f.measure(None, "Maßnahme 1 von 22: Sprachkurse an verschiedenen Standorten", status="Grün")
    k = read(build(tmp_path / "m.xlsx", [f]))
    m = k.massnahmen[0]
    assert (m.nr, m.text) == ("1", "Sprachkurse an verschiedenen Standorten")


# -- in Auswertung -------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["nr", "text", "row"])
def test_blue_marking(tmp_path, where):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "a", fill=GREEN, blue=where)
    f.measure(2, "b", fill=RED)
    k = read(build(tmp_path / "m.xlsx", [f]))
    assert k.any_marked
    assert [(m.marked, m.in_auswertung) for m in k.massnahmen] == [(True, True), (False, False)]
    assert k.massnahmen[0].mark_source == "blau"
    assert k.massnahmen[0].status is Status.GRUEN  # the blue row does not paint over the status


def test_auswertung_column(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "In Auswertung"))
    f.unterziel(1)
    for i, flag in enumerate(["x", "ja", "✓", 1, "", "nein", None], start=1):
        f.measure(i, f"m{i}", status="Grün", values={"In Auswertung": flag})
    f.rows.insert(0, {"kind": "uz", "values": {"Maßnahme": "Unterziel 1: Text"}})
    f.rows.pop(1)
    k = read(build(tmp_path / "m.xlsx", [f]))
    assert [m.in_auswertung for m in k.massnahmen] == [True, True, True, True, False, False, False]


def test_nothing_marked_means_all_count(tmp_path):
    k = read(build(tmp_path / "m.xlsx", [simple_field()]))
    assert not k.any_marked
    assert all(m.in_auswertung and not m.marked for m in k.massnahmen)
    assert "alle" in k.auswertung_rule


# -- colours: themes and palettes ------------------------------------------------------------
def _theme_master(tmp_path, theme_xml: bytes | None, colors: list[Color]):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    for i, c in enumerate(colors, start=1):
        f.measure(i, f"m{i}", fill=c)
    path = build(tmp_path / "t.xlsx", [f])
    if theme_xml is not None:
        wb = load_workbook(path)
        wb.loaded_theme = theme_xml
        wb.save(path)
    return path


@pytest.mark.parametrize(
    "theme_name, expected",
    [("OFFICE_2013", "gelb"), ("OFFICE_2023", None)],  # accent4: gold in 2013, blue in 2023
)
def test_same_theme_index_differs_between_office_themes(tmp_path, theme_name, expected):
    from ampel_xl.reader import colors

    xml = colors.theme_xml(getattr(colors, theme_name))
    path = _theme_master(tmp_path, xml, [Color(theme=7, tint=0.0), Color(theme=9, tint=-0.25)])
    k = read(path)
    m = k.massnahmen
    assert (m[0].status.value if m[0].status else None) == expected
    assert m[1].status is Status.GRUEN  # accent6 is green in both
    if expected is None:
        assert m[0].evidence.color_class == "blau"


@pytest.mark.parametrize("tint", [-0.5, -0.25, 0.0, 0.4, 0.6, 0.8])
def test_theme_tints_of_green_accent_2007(tmp_path, tint):
    from ampel_xl.reader import colors

    xml = colors.theme_xml(colors.OFFICE_2007)
    # 2007 accent3 9BBB59 is green
    path = _theme_master(tmp_path, xml, [Color(theme=6, tint=tint)])
    assert read(path).massnahmen[0].status is Status.GRUEN


def test_custom_indexed_palette(tmp_path):
    path = _theme_master(tmp_path, None, [Color(indexed=10), Color(indexed=11)])
    wb = load_workbook(path)
    palette = list(wb._colors)
    palette[10] = "FF00B050"  # index 10 remapped to green
    palette[11] = "FFFF0000"
    wb._colors = palette
    wb.save(path)
    k = read(path)
    assert [m.status for m in k.massnahmen] == [Status.GRUEN, Status.ROT]


def test_standard_indexed_palette(tmp_path):
    path = _theme_master(tmp_path, None, [Color(indexed=11), Color(indexed=13), Color(indexed=10)])
    # Excel's standard palette: 11 = 00FF00 (green), 13 = FFFF00 (yellow), 10 = FF0000 (red)
    assert [m.status for m in read(path).massnahmen] == [Status.GRUEN, Status.GELB, Status.ROT]


# -- Konzept sheet, other sheets, odd rows -----------------------------------------------------
def test_konzept_sheet_and_legende_ignored(tmp_path):
    def legende(ws):
        ws["A1"] = "Ampelsystem-Legende"
        for r, (word, colour) in enumerate([("Grün", GREEN), ("Gelb", YELLOW), ("Rot", RED), ("Blau", BLUE)], start=2):
            ws.cell(r, 1, word).fill = solid(colour)
            ws.cell(r, 2, "Bedeutung")

    path = build(
        tmp_path / "k.xlsx",
        [simple_field()],
        konzept={"Titel": "Integrationskonzept 2.0", "Gebiet": "Landkreis X", "Stand": dt.datetime(2026, 3, 1),
                 "Kopfzeile": "ANLAGE 1 – PROTOKOLL"},
        declared=[("Sprache", "Handlungsfeld", 2, 6)],
        extra_sheets={"Legende": legende},
    )
    k = read(path)
    assert (k.titel, k.gebiet, k.stand, k.kopfzeile) == (
        "Integrationskonzept 2.0", "Landkreis X", dt.date(2026, 3, 1), "ANLAGE 1 – PROTOKOLL")
    assert k.stand_text == "1. März 2026"
    assert [(d.name, d.unterziele, d.massnahmen) for d in k.declared] == [("Sprache", 2, 6)]
    assert [(s.name, s.kind) for s in k.sheets] == [
        ("Konzept", "konzept"), ("Sprache", "feld"), ("Legende", "ignoriert")]
    assert len(k.massnahmen) == 6


def test_blank_rows_hidden_rows_and_formula_without_cache(tmp_path):
    f = simple_field(n_uz=1, per_uz=2)
    f.blank()
    f.measure(3, "hidden one", status="Rot")
    f.hidden_rows = {f.row_of(4)}
    f.measure(4, "formula", status="=IF(1,\"Grün\",\"Rot\")")
    k = read(build(tmp_path / "h.xlsx", [f]))
    ms = k.massnahmen
    assert [m.nr for m in ms] == ["1", "2", "3", "4"]
    assert [m.hidden for m in ms] == [False, False, True, False]
    assert ms[3].evidence.formula_uncached and ms[3].status is None


def test_sachstand_and_highlights(tmp_path):
    f = simple_field()
    f.sachstand = "Es läuft."
    f.highlights = "• Erstens\n• Zweitens"
    k = read(build(tmp_path / "s.xlsx", [f]))
    assert k.felder[0].sachstand == "Es läuft."
    assert k.felder[0].highlights == ("Erstens", "Zweitens")


def test_oberziel_in_one_cell(tmp_path):
    f = simple_field()
    f.oberziel = None
    path = build(tmp_path / "o.xlsx", [f])
    wb = load_workbook(path)
    wb["Sprache"]["A2"] = "Oberziel: Alle haben Zugang."
    wb.save(path)
    assert read(path).felder[0].oberziel == "Alle haben Zugang."


def test_xlsm_is_read(tmp_path):
    path = build(tmp_path / "m.xlsx", [simple_field()])
    wb = load_workbook(path)
    target = tmp_path / "m.xlsm"
    wb.save(target)
    assert len(read(target).massnahmen) == 6


def test_english_g_y_r_letters(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    for i, s in enumerate(["G", "Y", "R"], start=1):
        f.measure(i, "m", status=s)
    k = read(build(tmp_path / "l.xlsx", [f]))
    assert [m.status for m in k.massnahmen] == [Status.GRUEN, Status.GELB, Status.ROT]


def test_master_is_not_modified(tmp_path):
    path = build(tmp_path / "m.xlsx", [simple_field()])
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    read(path)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_marking_of_a_dropped_copy_does_not_decide_for_the_kept_field(tmp_path):
    """The clerk's old copy of the sheet (dropped: the same field twice) has blue measures, the sheet in use
    none: nothing of what is read is marked, so every measure counts."""
    kept = FieldSheet("Handlungsfeld Sprache", "Sprache")
    kept.unterziel(1).measure(1, "Kurse", status="Grün").measure(2, "Lotsen", status="Rot")
    copy = FieldSheet("Handlungsfeld Sprache", "Sprache (alt)")
    copy.unterziel(1).measure(1, "Kurse", status="Gelb", blue="nr").measure(2, "Lotsen", status="Rot")
    k = read(build(tmp_path / "m.xlsx", [kept, copy]))
    assert [f.sheet for f in k.felder] == ["Sprache"]
    assert not k.any_marked
    assert [(m.nr, m.in_auswertung) for m in k.massnahmen] == [("1", True), ("2", True)]
    assert "field-duplicate" in [f.code for f in validate(k).findings]
