"""The public notebook API: every call, the DataFrames and the HTML display."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import ampel_xl
from ampel_xl.model import STATUS_COLORS, STATUS_FILLS
from builders import FieldSheet, build

ROOT = Path(__file__).resolve().parents[1]
BEISPIEL = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"

# Names of the public API that are functions living in a submodule of the same name.
PUBLIC_FUNCTIONS = ("compare", "history", "validate", "read", "summarize")


def api(name: str):
    """``ampel_xl.<name>`` (a submodule import never shadows it, see the test below)."""
    return getattr(ampel_xl, name)


@pytest.fixture(scope="module")
def konzept():
    return api("read")(BEISPIEL)


def test_all_names_resolve():
    for name in ampel_xl.__all__:
        assert api(name) is not None, name
    assert (ROOT / "ampel_xl" / "py.typed").exists()


def test_no_module_is_named_like_a_public_function():
    """A submodule named like a public function would replace the function on the package once
    imported: ``import ampel_xl.x`` binds the module to ``ampel_xl.x``. (A module deeper down, such
    as ``ampel_xl.xlsx.history``, binds to its own package and shadows nothing.)"""
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(ampel_xl.__path__)}
    assert modules & set(ampel_xl.__all__) == set()


def test_public_functions_survive_importing_every_submodule():
    code = (
        "import importlib, pkgutil, types, ampel_xl\n"
        "for m in pkgutil.walk_packages(ampel_xl.__path__, 'ampel_xl.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [n for n in {PUBLIC_FUNCTIONS!r} if not callable(getattr(ampel_xl, n))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# -- read / Konzept -------------------------------------------------------------------------
def test_read(konzept):
    assert isinstance(konzept, api("Konzept"))
    assert konzept.titel == "Integrationskonzept 1.0"
    assert len(konzept.felder) == 11
    assert len(konzept.massnahmen) == 193


def test_konzept_to_frame(konzept):
    from ampel_xl.export import BASE_COLUMNS, MORE_COLUMNS

    df = konzept.to_frame()
    assert list(df.columns[: len(BASE_COLUMNS) + len(MORE_COLUMNS)]) == BASE_COLUMNS + MORE_COLUMNS
    assert len(df) == 193
    assert df["massnahme_id"].is_unique
    assert set(df["status"].dropna()) == {"gruen", "gelb", "rot"}
    assert df.loc[0, "massnahme_id"] == "Sprache/M1"


def test_konzept_html(konzept):
    html = konzept._repr_html_()
    assert "Integrationskonzept 1.0" in html
    assert "11 Felder, 64 Unterziele, 193 Maßnahmen" in html
    assert "Stand 3. Februar 2025" in html
    assert "Sprache" in html and "Antidiskriminierung" in html
    for key in ("gruen", "gelb", "rot"):
        assert STATUS_FILLS[key] in html  # headers in the palette's light fills
        assert STATUS_COLORS[key] in html  # distribution bars in the palette


# -- validate / Report ----------------------------------------------------------------------
def test_validate(konzept):
    report = api("validate")(konzept)
    assert isinstance(report, api("Report"))
    assert report.ok
    assert api("validate")(BEISPIEL).codes() == report.codes()  # a path works too


def test_report_to_frame_and_html(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1).measure(1, "Ohne Ampel", status=None, blue="nr").measure(2, "Rot", status="Rot", blue="nr")
    report = api("validate")(build(tmp_path / "m.xlsx", [f]))
    df = report.to_frame()
    assert list(df.columns) == ["code", "severity", "sheet", "cell", "message", "hint"]
    row = df[df["code"] == "status-missing"].iloc[0]
    assert (row["severity"], row["sheet"]) == ("error", "Sprache")
    html = report._repr_html_()
    assert "Prüfbericht" in html and "1 Fehler" in html
    assert "status-missing" in html and "Sprache!" in html


def test_report_html_without_findings(tmp_path):
    f = FieldSheet("Handlungsfeld Sprache", "Sprache").unterziel(1).measure(1, "A", status="Grün", blue="nr")
    report = api("validate")(build(tmp_path / "m.xlsx", [f], konzept={"Titel": "T"},
                                   declared=[("Sprache", "Handlungsfeld", 1, 1)]))
    assert report.findings == ()
    assert "Keine Auffälligkeiten" in report._repr_html_()


# -- summarize / Summary --------------------------------------------------------------------
def test_summarize_frames(konzept):
    summary = api("summarize")(konzept)
    assert isinstance(summary, api("Summary"))
    for df in (summary.felder, summary.unterziele, summary.total):
        assert isinstance(df, pd.DataFrame)
        assert {"gruen", "gelb", "rot", "summe", "anteil_gruen", "anteil_gelb", "anteil_rot"} <= set(df.columns)
    assert len(summary.felder) == 11
    assert len(summary.unterziele) == 64
    assert len(summary.total) == 1
    total = summary.total.iloc[0]
    assert total["summe"] == summary.felder["summe"].sum() == summary.unterziele["summe"].sum()
    assert total["gruen"] + total["gelb"] + total["rot"] + total["ohne"] == total["summe"]
    assert abs(total["anteil_gruen"] - total["gruen"] / total["summe"]) < 1e-12
    assert list(summary.feld_unterziele("Sprache")["unterziel_nr"]) == list(range(1, 8))
    from_path = api("summarize")(BEISPIEL)
    pd.testing.assert_frame_equal(from_path.felder, summary.felder)


def test_summary_html(konzept):
    summary = api("summarize")(konzept)
    html = summary._repr_html_()
    total = summary.total.iloc[0]
    assert "Ergebnisse Integrationskonzept 1.0" in html
    assert "Gesamt" in html
    assert f">{int(total['summe'])}<" in html
    assert STATUS_COLORS["gruen"] in html
    assert "Blau hinterlegte" in html  # the evaluation rule is told


def test_write_summary(konzept, tmp_path):
    pytest.importorskip("ampel_xl.xlsx.summary")
    from openpyxl import load_workbook

    target = api("write_summary")(api("summarize")(konzept), tmp_path / "Zusammenfassung.xlsx")
    assert Path(target).exists()
    assert "Übersicht" in load_workbook(target).sheetnames


# -- compare / Changes ----------------------------------------------------------------------
@pytest.fixture
def zwei_staende(tmp_path):
    def master(name, stand, rows):
        f = FieldSheet("Handlungsfeld Sprache", "Sprache")
        f.unterziel(1)
        for nr, text, status in rows:
            f.measure(nr, text, status=status)
        return build(tmp_path / name, [f], konzept={"Stand": stand})

    old = master("alt.xlsx", "01.10.2024", [(1, "Kurse", "Rot"), (2, "Beratung", "Grün"), (3, "Lotsen", "Gelb")])
    new = master("neu.xlsx", "03.02.2025",
                 [(1, "Neu: Sprachcafé", "Gelb"), (2, "Kurse", "Gelb"), (3, "Beratung", "Gelb")])
    return old, new


def test_compare(zwei_staende):
    changes = api("compare")(*zwei_staende)
    assert isinstance(changes, api("Changes"))
    df = changes.to_frame()
    assert {"feld", "massnahme_id", "art", "alt", "neu", "alt_id"} <= set(df.columns)
    rows = df[["massnahme_id", "alt_id", "art", "alt", "neu"]].astype(object).where(df.notna(), None)
    assert rows.values.tolist() == [
        ["Sprache/M2", "Sprache/M1", "status", "rot", "gelb"],
        ["Sprache/M3", "Sprache/M2", "status", "gruen", "gelb"],
        ["Sprache/M1", None, "neu", None, "gelb"],
        ["Sprache/M3", "Sprache/M3", "entfernt", "gelb", None],
        ["Sprache/M2", "Sprache/M1", "nummer", "rot", "gelb"],
        ["Sprache/M3", "Sprache/M2", "nummer", "gruen", "gelb"],
    ]
    konzepte = [api("read")(p) for p in zwei_staende]
    assert api("compare")(*konzepte).to_frame().equals(df)


def test_changes_html(zwei_staende):
    html = api("compare")(*zwei_staende)._repr_html_()
    assert "Vergleich Stand 1. Oktober 2024 → Stand 3. Februar 2025" in html
    assert "2 Statusänderungen: 1 Verbesserung (Rot → Gelb: 1), 1 Rückschritt (Grün → Gelb: 1)" in html
    assert "↑" in html and "↓" in html
    assert f"background:{STATUS_FILLS['rot']}" in html and f"background:{STATUS_FILLS['gelb']}" in html
    assert "(bisher Sprache/M1)" in html
    assert "Entfernt" in html and "Neu" in html
    assert "Lotsen" in html


# -- history --------------------------------------------------------------------------------
def test_history(zwei_staende):
    df = api("history")(list(reversed(zwei_staende)))
    assert list(df["stand_label"].drop_duplicates()) == ["1. Oktober 2024", "3. Februar 2025"]
    gesamt = df[df["feld"] == "Gesamt"]
    assert list(gesamt["anteil_gelb"]) == [pytest.approx(1 / 3), 1.0]
    assert {"stand", "stand_label", "feld", "anteil_gruen", "anteil_gelb", "anteil_rot",
            "gruen", "gelb", "rot", "summe"} <= set(df.columns)
