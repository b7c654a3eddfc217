"""Every message and hint reads as before: the findings of the bundled workbooks, of masters with
planted defects and of the clerk-made masters (``clerk_masters.py``) against a golden file.

``tests/data/finding_messages.json`` was written by the validation *before* findings became a
registry (``ampel_xl/findings.py``); the only change since is that the warning cases of
``status-text-unknown`` and of an unknown symbol colour (``color-unknown``) have their own codes,
``status-text-minor`` and ``symbol-color-minor`` (a code has one severity), and the template's own
sheet "Anleitung" is no longer named (``sheet-ignored``) in the bundled workbooks. A deliberate change of
wording is made by editing the registry and then rewriting the file::

    python tests/test_finding_messages.py --update
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

import ampel_xl
from ampel_xl.findings import FINDING_TYPES
from builders import BLUE, GREEN, RED, FieldSheet, build, simple_field, solid
from clerk_drawings import ellipses, pictures
from clerk_incell import damaged, incell_master
from clerk_layout import LAYOUT_CASE_IDS, build_layout_case
from clerk_masters import CASE_IDS, build_case

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "finding_messages.json"
DECLARED = [("Sprache", "Handlungsfeld", 2, 6)]


def _one(f: FieldSheet, **kw: object) -> Callable[[Path], Path]:
    return lambda d: build(d / "m.xlsx", [f], **kw)  # type: ignore[arg-type]


def _status(**kw: object) -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "a", **kw)  # type: ignore[arg-type]
    return f


def _with_font(make: Callable[[Path], Path], cell: str, color: str) -> Callable[[Path], Path]:
    def built(d: Path) -> Path:
        path = make(d)
        wb = load_workbook(path)
        wb["Sprache"][cell].font = Font(color=color)
        wb.save(path)
        return path

    return built


def _numbering() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    for nr in (1, 3, 3, 2, 5):
        f.unterziel(nr)
        f.measure(f"{len(f.rows)}", "m", status="Grün")
    return f


def _duplicates() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1)
    f.measure(1, "a", status="Grün")
    f.measure(2, "b", status="Grün")
    f.measure(2, "c", status="Rot")
    f.measure(None, "ohne Nummer", status="Rot")
    f.measure(9, None, status="Gelb")
    return f


def _early() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.measure(1, "zu früh", status="Grün")
    f.unterziel(1)
    f.unterziel(2)
    f.measure(2, "ok", status="Rot")
    return f


def _no_oberziel_empty_label() -> FieldSheet:
    f = simple_field()
    f.oberziel = None
    f.sachstand = " "
    return f


def _no_table() -> FieldSheet:
    f = simple_field()
    f.header = ("Spalte 1", "Spalte 2", "Spalte 3")
    f.rows = []
    return f


def _hidden() -> FieldSheet:
    f = simple_field()
    f.hidden_rows = {f.row_of(2)}
    return f


def _unmarked() -> FieldSheet:
    f = _status(status="Grün", blue="nr")
    f.measure(2, "nicht in der Auswertung")
    f.measure(3, "auch nicht", status="in Klärung")
    f.measure(4, "Zeichen", status="●")
    return f


def _error_values() -> FieldSheet:
    """Ampel cells that show an error value: where LibreOffice dropped a picture placed in the cell
    (#VALUE!), a lookup that found nothing (#N/A); in and out of the evaluation, one beside a fill."""
    f = _status(status="#VALUE!", blue="nr")
    f.measure(2, "mit Farbe", status="#VALUE!", fill=GREEN, blue="nr")
    f.measure(3, "nicht in der Auswertung", status="#N/A")
    return f


def _ambiguous() -> FieldSheet:
    f = _status(status="G")
    f.measure(2, "b", status="Grün/Gelb")
    return f


def _auswertung() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache", header=("Nr", "Maßnahme", "Ampel", "In Auswertung"))
    f.rows.append({"kind": "uz", "values": {"Maßnahme": "Unterziel 1: X"}})
    f.measure(1, "a", status="Grün", values={"In Auswertung": "vielleicht"})
    return f


def _on_unterziel() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.rows.append({"kind": "uz", "values": {"Unterziel / Maßnahme": "Unterziel 1: X", "Ampel": "Grün"}})
    f.measure(1, "a", status="Gelb")
    return f


def _placeholder() -> FieldSheet:
    f = simple_field()
    f.oberziel = "[Oberziel eintragen]"
    return f


def _flat() -> FieldSheet:
    f = FieldSheet("Handlungsfeld Bildung", "Bildung", header=("Unterziel", "Nr", "Maßnahme", "Status"))
    f.measure("1", "a", status="Grün", values={"Unterziel": 1})
    f.measure("2", "b", status="Rot")
    f.measure("3", "c", status="Gelb", values={"Unterziel": "siehe oben"})
    return f


def _conflicting_legend(ws) -> None:  # type: ignore[no-untyped-def]
    ws.append(["Legende"])
    ws.append(["Grün", "erledigt"])
    ws.append(["Rot", "erledigt"])


def _notes(ws) -> None:  # type: ignore[no-untyped-def]
    ws["A1"] = "Notizen"


def _legende(ws) -> None:  # type: ignore[no-untyped-def]
    ws["A1"] = "Legende"
    ws["A2"].fill = solid(GREEN)


def _odd_konzept(ws) -> None:  # type: ignore[no-untyped-def]
    ws.append(["Bereich", "Typ", "Zahl"])
    ws.append(["Sprache", "HF", 2])


def _open_in_excel(d: Path) -> Path:
    """A master with Excel's owner file beside it (what Excel writes while the workbook is open)."""
    path = build(d / "m.xlsx", [simple_field()])
    (d / "~$m.xlsx").write_bytes(b"\x0cSachbearbeit" + b" " * 41 + b"\x0c\x00" + "Sachbearbeit".encode("utf-16-le"))
    return path


PLANTED: dict[str, Callable[[Path], Path]] = {
    "no-field-sheets": lambda d: build(d / "n.xlsx", [], extra_sheets={"Notizen": _notes}),
    "no-oberziel-empty-label": _one(_no_oberziel_empty_label()),
    "no-table": _one(_no_table()),
    "measure-before-unterziel": _one(_early()),
    "unterziel-numbering": _one(_numbering()),
    "measure-numbers-and-texts": _one(_duplicates()),
    "counts": lambda d: build(d / "c.xlsx", [simple_field()], konzept={"Titel": "X"},
                              declared=[("Sprache", "Handlungsfeld", 3, 7)], total=(3, 7)),
    "declared-and-undeclared": lambda d: build(
        d / "d.xlsx", [simple_field(), simple_field("Handlungsfeld Arbeit", "Arbeit")],
        declared=[("Sprache", "Handlungsfeld", 2, 6), ("Wohnen", "Handlungsfeld", 5, 9)]),
    "konzept-number": lambda d: build(d / "k.xlsx", [simple_field()],
                                      declared=[("Sprache", "Handlungsfeld", 2, "sechs")]),  # type: ignore[list-item]
    "konzept-header": lambda d: build(d / "h.xlsx", [simple_field()], extra_sheets={"Konzept": _odd_konzept}),
    "fill-lila": _one(_status(fill="7030A0")),
    "fill-braun": _one(_status(fill="996633")),
    "text-and-fill-disagree": _one(_status(status="Grün", fill=RED)),
    "status-missing": _one(_status(blue="nr")),
    "status-missing-unmarked-and-minor": _one(_unmarked()),
    "text-unknown": _one(_status(status="in Klärung")),
    "text-unknown-with-fill": _one(_status(status="in Klärung", fill=GREEN)),
    "error-values": _one(_error_values()),
    "symbol-colour-unknown": _with_font(_one(_status(status="●")), "C6", "7030A0"),
    "symbol-colour-unknown-with-fill": _with_font(_one(_status(status="●", fill=GREEN)), "C6", "7030A0"),
    "symbol-colour-unmarked": _with_font(_one(_unmarked()), "C9", "7030A0"),
    "status-on-unterziel": _one(_on_unterziel()),
    "formula-uncached": _one(_status(status='=IF(TRUE,"Grün","Rot")')),
    "formula-no-result": _one(_status(status="Grün", values={"Unterziel / Maßnahme": '=CONCATENATE("Sprach","kurs")'})),
    "blue-with-text": _one(_status(status="Grün", fill=BLUE)),
    "blue-without-text": _one(_status(fill=BLUE)),
    "ambiguous": _one(_ambiguous()),
    "hidden-row": _one(_hidden()),
    "auswertung-unreadable": _one(_auswertung()),
    "ignored-sheet": lambda d: build(d / "i.xlsx", [simple_field()], extra_sheets={"Legende": _legende}),
    "flat-unterziel-column": _one(_flat()),
    "legend-word-conflict": lambda d: build(d / "w.xlsx", [simple_field()],
                                            extra_sheets={"Legende": _conflicting_legend}),
    "placeholder": _one(_placeholder(), konzept={"Titel": "[Titel eintragen]"}, declared=DECLARED),
    "open-in-excel": _open_in_excel,
    "drawn-ellipses": lambda d: ellipses(d).path,
    "drawn-pictures": lambda d: pictures(d).path,
    "pictures-in-cells": lambda d: incell_master(d).path,
    "pictures-in-cells-damaged": lambda d: damaged(incell_master(d), d, "teil-fehlt"),
}

BUNDLED = {"beispiel": ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx",
           "vorlage": ROOT / "workbooks" / "Vorlage_Integrationskonzept_1.0.xlsx"}

CASES = [*BUNDLED, *(f"planted/{k}" for k in PLANTED), *(f"clerk/{c}" for c in CASE_IDS),
         *(f"layout/{c}" for c in LAYOUT_CASE_IDS)]


def findings_of(case: str, directory: Path) -> list[list[object]]:
    if case in BUNDLED:
        path = BUNDLED[case]
    elif case.startswith("planted/"):
        path = PLANTED[case.removeprefix("planted/")](directory)
    elif case.startswith("layout/"):
        path = build_layout_case(case.removeprefix("layout/"), directory).path
    else:
        path = build_case(case.removeprefix("clerk/"), directory).path
    report = ampel_xl.validate(ampel_xl.read(path))
    return [[f.code, f.severity.value, f.sheet, f.cell, f.message, f.hint] for f in report.findings]


@pytest.fixture(scope="module")
def golden() -> dict[str, list[list[object]]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_messages_and_hints_read_as_before(case, golden, tmp_path):
    assert findings_of(case, tmp_path) == golden[case]


def test_golden_file_has_exactly_these_cases(golden):
    assert sorted(golden) == sorted(CASES)


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(".*?".join(map(re.escape, re.split(r"\{[a-z_]+\}", template))), re.S)


def test_every_finding_type_is_exercised(golden):
    """Each type, each worded variant included, is behind at least one golden finding (a finding counts
    for the type with the longest template its message fits)."""
    seen: set[tuple[str, str]] = set()
    for items in golden.values():
        for code, _, _, _, message, hint in items:
            fits = [t for t in FINDING_TYPES if t.code == code and _pattern(t.message).fullmatch(message)
                    and _pattern(t.hint).fullmatch(hint)]
            assert fits, (code, message)
            best = max(fits, key=lambda t: len(t.message) + len(t.hint))
            seen.add((best.code, best.variant))
    assert {(t.code, t.variant) for t in FINDING_TYPES} - seen == set()


def _dump(golden: dict[str, list[list[object]]]) -> str:
    """One finding a line, so that a change of wording is a readable diff."""
    lines = ["{"]
    for i, (case, items) in enumerate(golden.items()):
        lines.append(f" {json.dumps(case)}: [")
        lines.extend(f"  {json.dumps(f, ensure_ascii=False)}{',' if j < len(items) - 1 else ''}"
                     for j, f in enumerate(items))
        lines.append(" ]" + ("," if i < len(golden) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _update() -> None:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            directory = Path(tmp) / case.replace("/", "_")
            directory.mkdir()
            out[case] = findings_of(case, directory)
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(_dump(out), encoding="utf-8")
    print(f"{GOLDEN}: {len(out)} cases, {sum(map(len, out.values()))} findings")


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    _update()
