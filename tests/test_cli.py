"""The command line: each command run through click's CliRunner, its result checked through the
Python API (what the command prints and writes must be what the library says), and the rule
that the command line uses only the public API (``ampel_xl.__all__``)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import ampel_xl
from ampel_xl import _cli_support as support
from ampel_xl.cli import cli
from builders import build, simple_field

PACKAGE = Path(ampel_xl.__file__).parent
#: The modules of the command-line layer: they may import each other, and else only the public API
#: and the terminal's helpers (SUPPORT: names in its ``__all__``).
CLI_LAYER = {"cli", "watch", "_progress"}
SUPPORT = "_cli_support"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build(tmp_path / "Ampel-Master.xlsx", [
        simple_field(),
        simple_field("Querschnittsthema Gesundheit", "Gesundheit", statuses=("Grün", "Rot")),
    ])


@pytest.fixture
def older(tmp_path: Path) -> Path:
    """An earlier Stand of ``master``: other statuses, one measure fewer in each Unterziel."""
    folder = tmp_path / "alt"
    folder.mkdir()
    return build(folder / "Ampel-Master.xlsx", [
        simple_field(statuses=("Rot", "Gelb")),
        simple_field("Querschnittsthema Gesundheit", "Gesundheit", per_uz=2, statuses=("Gelb",)),
    ])


# --------------------------------------------------------------------------------------------
# The command line uses only the public API


def _ampel_xl_names(module: str) -> list[tuple[str, int]]:
    """Every name a CLI-layer module takes from ampel_xl outside the CLI layer, with its line:
    ``from ampel_xl import X``, ``from .x import Y``, ``import ampel_xl.x`` and ``ampel_xl.X``;
    a name taken from the terminal's helpers (``from . import _cli_support as support``, then
    ``support.X``, or ``from ._cli_support import X``) as ``_cli_support.X``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names: list[tuple[str, int]] = []
    support_aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module == "ampel_xl":
                names += [(alias.name, node.lineno) for alias in node.names if alias.name != SUPPORT]
                support_aliases |= {alias.asname or alias.name for alias in node.names if alias.name == SUPPORT}
            elif (node.level, node.module) in ((0, f"ampel_xl.{SUPPORT}"), (1, SUPPORT)):
                names += [(f"{SUPPORT}.{alias.name}", node.lineno) for alias in node.names]
            elif node.level == 0 and (node.module or "").startswith("ampel_xl."):
                names.append((node.module, node.lineno))
            elif node.level == 1 and node.module is None:
                names += [(f".{alias.name}", node.lineno) for alias in node.names
                          if alias.name not in CLI_LAYER | {SUPPORT}]
                support_aliases |= {alias.asname or alias.name for alias in node.names if alias.name == SUPPORT}
            elif node.level >= 1 and node.module not in CLI_LAYER:
                names.append((f"{'.' * node.level}{node.module}", node.lineno))
        elif isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("ampel_xl.")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "ampel_xl":
                names.append((node.attr, node.lineno))
            elif node.value.id in support_aliases:
                names.append((f"{SUPPORT}.{node.attr}", node.lineno))
    return names


def _allowed(name: str) -> bool:
    if name.startswith(f"{SUPPORT}."):
        return name.split(".", 1)[1] in support.__all__
    return name in ampel_xl.__all__


@pytest.mark.parametrize("module", sorted(CLI_LAYER))
def test_the_command_line_uses_only_names_in_all(module):
    outside = [f"{module}.py:{line}: {name}" for name, line in _ampel_xl_names(module) if not _allowed(name)]
    assert not outside, "not in ampel_xl.__all__ (nor in _cli_support.__all__):\n" + "\n".join(outside)


def test_names_only_the_command_line_needs_are_not_public():
    """The terminal's helpers are no part of the public API, and the API has no name only for the CLI."""
    assert not set(support.__all__) & set(ampel_xl.__all__)
    for name in ("report_text", "format_percent", "default_header", "document_date", "default_summary_path",
                 "default_findings_path", "default_report_path"):
        assert name not in ampel_xl.__all__
        assert not hasattr(ampel_xl, name), name


def test_the_import_check_sees_a_private_import(tmp_path, monkeypatch):
    """The check above fails for the imports the command line had before it used the public API."""
    fake = tmp_path / "cli.py"
    fake.write_text("import ampel_xl\nfrom .validation import render_text\nfrom ampel_xl import document_date\n"
                    "from . import _cli_support as support\nx = ampel_xl.reader\ny = support.render_text\n"
                    "z = support.report_text\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path)
    found = {name for name, _ in _ampel_xl_names("cli")}
    assert found == {".validation", "document_date", "reader", "_cli_support.render_text",
                     "_cli_support.report_text"}
    assert {name for name in found if not _allowed(name)} == {".validation", "document_date", "reader",
                                                              "_cli_support.render_text"}


def test_every_public_function_has_a_docstring():
    for name in ampel_xl.__all__:
        value = getattr(ampel_xl, name)
        if callable(value) and not isinstance(value, type):
            assert (value.__doc__ or "").strip(), name


# --------------------------------------------------------------------------------------------
# Commands, checked through the Python API


def test_validate_json_is_the_report_of_validate(master):
    result = invoke("validate", master, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(ampel_xl.validate(master).as_dict(), ensure_ascii=False))


def test_validate_prints_the_report_text(master):
    result = invoke("validate", master)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == support.report_text(ampel_xl.validate(master)).strip()


def test_summary_writes_the_workbook_and_says_the_totals(master):
    result = invoke("summary", master)
    assert result.exit_code == 0, result.output
    target = master.with_name("Ampel-Master_Zusammenfassung.xlsx")
    assert f"Zusammenfassung geschrieben: {target}" in result.stdout
    summary = ampel_xl.summarize(master)
    assert summary.text() in result.stdout.splitlines()
    assert summary.text().startswith("12 von 12 Maßnahmen in der Auswertung: ")
    wb = load_workbook(target, read_only=True)
    try:
        assert "Übersicht" in wb.sheetnames
    finally:
        wb.close()


def test_export_writes_what_export_bytes_gives(master, tmp_path):
    out = tmp_path / "Maßnahmen.csv"
    result = invoke("export", master, "-o", out)
    assert result.exit_code == 0, result.output
    konzept = ampel_xl.read(master)
    assert out.read_bytes() == ampel_xl.export_bytes(konzept)
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + len(konzept.massnahmen)


def test_export_of_the_figures_as_json_on_stdout(master):
    result = invoke("export", master, "--zahlen", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == ampel_xl.export_bytes(ampel_xl.summarize(master), "json")


def test_compare_writes_the_changes_of_compare(master, older, tmp_path):
    out = tmp_path / "Veränderungen.xlsx"
    result = invoke("compare", older, master, "-o", out)
    assert result.exit_code == 0, result.output
    changes = ampel_xl.compare(older, master)
    assert len(changes) > 0
    assert result.stdout.startswith(changes.text())
    wb = load_workbook(out, read_only=True)
    try:
        rows = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                   if any(v in (c.massnahme for c in changes) for v in row))
    finally:
        wb.close()
    assert rows >= len({c.massnahme for c in changes})


def test_history_prints_the_total_of_each_stand(master, older, tmp_path):
    out = tmp_path / "Verlauf.xlsx"
    result = invoke("history", older, master, "-o", out)
    assert result.exit_code == 0, result.output
    df = ampel_xl.history([older, master])
    totals = df[df["feld"] == "Gesamt"]
    lines = result.stdout.splitlines()
    assert lines[0] == "Gesamtes Konzept je Stand:"
    # shares rounded each on their own: the note follows where a Stand's shares miss 100 %
    from ampel_xl.figures import rounding_note

    note = rounding_note(totals)
    assert len(lines) == 1 + len(totals) + bool(note) + 1
    assert (lines[-2] == f"  {note}.") if note else not any("Rundungsdifferenzen" in x for x in lines)
    for line, row in zip(lines[1:], totals.to_dict("records"), strict=False):  # the last line names the file
        assert support.format_percent(row["prozent_rot"]) in line
        assert f"(von {row['summe']} Maßnahmen)" in line
    assert out.is_file()


def test_template_writes_a_master_that_reads_without_errors(tmp_path):
    out = tmp_path / "Neu.xlsx"
    result = invoke("template", out)
    assert result.exit_code == 0, result.output
    konzept = ampel_xl.read(out)
    assert konzept.felder
    assert not ampel_xl.validate(konzept).errors
    again = invoke("template", out)
    assert again.exit_code != 0
    assert "überschreibt keinen Master" in again.output
