"""One pipeline: ``ampel_xl.run`` is the workflow (read → validate → refuse with the Prüfbericht, or
write; a draft when forced), and the ``summary`` and ``report`` commands and watch mode are that
call. Each case is run through the function and through the command (or watch mode) on the same
master, and what a user sees must agree: the files written, the Prüfbericht, the sentence."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import ampel_xl
from ampel_xl.cli import cli
from ampel_xl.watch import default_action, run_watch
from builders import FieldSheet, build, simple_field


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def with_errors(path: Path) -> Path:
    """A field where the clerk typed a status word nobody knows ("lila"): an error."""
    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    f.unterziel(1).measure(1, "Sprachkurse", status="Grün").measure(2, "Lernpaten", status="lila")
    return build(path, [f])


def clean(path: Path) -> Path:
    return build(path, [simple_field()])


def sheetnames(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return wb.sheetnames
    finally:
        wb.close()


def watch_once(master: Path, **kwargs) -> list[str]:
    """Watch mode for one handled save; its messages."""
    messages: list[str] = []
    stop = threading.Event()
    runs = run_watch(master, interval=0.05, max_events=1, stop=stop, echo=messages.append, **kwargs)
    assert runs == 1
    return messages


def test_a_clean_master_is_written_and_the_result_says_what_happened(tmp_path):
    master = clean(tmp_path / "Ampel-Master.xlsx")
    result = ampel_xl.run(master)
    target = tmp_path / "Ampel-Master_Zusammenfassung.xlsx"
    assert result.written == (target,) and target.is_file()
    assert not result.refused and not result.draft and result.findings is None
    assert result.report.as_dict() == ampel_xl.validate(master).as_dict()
    assert result.summary is not None and result.summary.text() == ampel_xl.summarize(master).text()
    assert "Übersicht" in sheetnames(target)


def test_the_summary_command_writes_what_run_writes(tmp_path):
    master = clean(tmp_path / "Ampel-Master.xlsx")
    by_function = ampel_xl.run(master, output=tmp_path / "a.xlsx")
    result = invoke("summary", master, "-o", tmp_path / "b.xlsx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert by_function.summary is not None and by_function.summary.text() in result.stdout


@pytest.mark.parametrize("product", ["summary", "report"])
def test_a_master_with_errors_is_refused_with_the_pruefbericht(tmp_path, product):
    master = with_errors(tmp_path / "Ampel-Master.xlsx")
    result = ampel_xl.run(master, product)
    findings = tmp_path / "Ampel-Master_Prüfbericht.xlsx"
    assert result.refused and result.written == () and result.findings == findings
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Ampel-Master.xlsx", "Ampel-Master_Prüfbericht.xlsx"]
    assert sheetnames(findings) == ["Prüfbericht"]
    what = "Es wurde keine Zusammenfassung geschrieben" if product == "summary" else \
        "Das Ampeldokument wurde nicht geschrieben"
    assert result.refusal().startswith(f"{what}, weil der Master 1 Fehler enthält; bitte beheben Sie sie.")
    assert "„Ampel-Master_Prüfbericht.xlsx“ liegt neben dem Master" in result.refusal()

    findings.unlink()
    command = invoke(product, master)
    assert command.exit_code == 1
    assert findings.is_file()
    assert f"Fehler: {result.refusal(' (oder erzwingen Sie es mit --force)')}" in " ".join(command.stderr.split())


def test_watch_mode_refuses_and_writes_the_pruefbericht_as_the_command_does(tmp_path):
    """Watch mode used to refuse without a Prüfbericht, with its own sentence: now it is the same run."""
    master = with_errors(tmp_path / "Ampel-Master.xlsx")
    messages = watch_once(master)
    findings = tmp_path / "Ampel-Master_Prüfbericht.xlsx"
    assert findings.is_file()
    assert not (tmp_path / "Ampel-Master_Zusammenfassung.xlsx").exists()
    said = [m for m in messages if "Fehler enthält" in m]
    assert len(said) == 1 and ampel_xl.run(master).refusal() in said[0]


def test_forced_draft_is_the_same_from_run_the_command_and_watch_mode(tmp_path):
    master = with_errors(tmp_path / "Ampel-Master.xlsx")
    result = ampel_xl.run(master, output=tmp_path / "run.xlsx", force=True)
    assert result.draft and not result.refused and result.findings is None
    assert "Prüfbericht" in sheetnames(tmp_path / "run.xlsx")
    command = invoke("summary", master, "-o", tmp_path / "cli.xlsx", "--force")
    assert command.exit_code == 0, command.output
    assert result.draft_warning() in " ".join(command.stderr.split())
    messages = watch_once(master, action=default_action(tmp_path / "watch.xlsx", force=True))
    assert any(result.draft_warning() in m for m in messages)
    data = {name: (tmp_path / name).read_bytes() for name in ("run.xlsx", "cli.xlsx", "watch.xlsx")}
    assert len(set(data.values())) == 1


def test_a_stale_pruefbericht_is_removed_once_the_master_is_correct(tmp_path):
    master = with_errors(tmp_path / "Ampel-Master.xlsx")
    findings = tmp_path / "Ampel-Master_Prüfbericht.xlsx"
    assert ampel_xl.run(master).findings == findings
    clean(master)  # the clerk corrected it
    result = ampel_xl.run(master)
    assert result.removed_findings == findings and not findings.exists()
    assert result.findings_lines() == ["Der veraltete Prüfbericht „Ampel-Master_Prüfbericht.xlsx“ wurde entfernt "
                                       "(der Master hat keine Fehler mehr)."]
    # watch mode, the same
    with_errors(master)
    watch_once(master)
    assert findings.is_file()
    clean(master)
    messages = watch_once(master)
    assert not findings.exists() and any("veraltete Prüfbericht" in m for m in messages)


def test_run_refuses_to_write_over_the_master(tmp_path):
    master = clean(tmp_path / "Ampel-Master.xlsx")
    before = master.read_bytes()
    with pytest.raises(ampel_xl.WriteError, match="ist ein Master"):
        ampel_xl.run(master, output=master)
    assert master.read_bytes() == before


def test_compare_with_adds_the_sheet_entwicklung(tmp_path):
    old = build(tmp_path / "alt.xlsx", [simple_field(statuses=("Rot",))])
    master = clean(tmp_path / "Ampel-Master.xlsx")
    result = ampel_xl.run(master, compare_with=old)
    assert result.changes is not None and len(result.changes) > 0
    assert "Entwicklung" in sheetnames(result.written[0])


def test_run_reports_its_steps(tmp_path):
    master = clean(tmp_path / "Ampel-Master.xlsx")
    steps: list[tuple[str, int | None]] = []
    ampel_xl.run(master, on_step=lambda label, units: steps.append((label, units)))
    assert steps == [("Master wird gelesen …", None), ("Master wird geprüft …", None),
                     ("Zusammenfassung wird geschrieben …", 6)]


def test_watch_mode_leaves_out_the_lock_file_hinweis_right_after_a_save(tmp_path):
    """Watch mode runs right after Excel saved the master, while Excel keeps it open (its lock file
    beside it): "ungespeicherte Änderungen fehlen" would be false there, so it is not said."""
    master = clean(tmp_path / "Ampel-Master.xlsx")
    (tmp_path / "~$Ampel-Master.xlsx").write_bytes(b"\x05Clerk" + b" " * 48)
    assert "master-open" in {f.code for f in ampel_xl.run(master, output=tmp_path / "a.xlsx").report.findings}
    result = default_action(tmp_path / "b.xlsx")(master)
    assert "master-open" not in {f.code for f in result.report.findings}
    wb = load_workbook(tmp_path / "b.xlsx", read_only=True)
    try:
        cells = {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    finally:
        wb.close()
    assert not any("Excel geöffnet" in str(v) for v in cells)
