"""The Prüfbericht workbook beside the master (findings with links to their cells) and the
progress a terminal shows."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ampel_xl import read, validate
from ampel_xl.cli import cli
from ampel_xl.validation import Finding, Severity
from ampel_xl.xlsx.pruefbericht import COLUMNS, TABLE_TOP, default_findings_path, master_link, write_findings
from builders import RED, FieldSheet, build

FUNDSTELLE = 1 + [h for h, _ in COLUMNS].index("Fundstelle")


def planted(path: Path) -> Path:
    """Two fields with errors at known cells (and a sheet-level finding)."""
    a = FieldSheet("Handlungsfeld Sprache", "Sprache")
    a.unterziel(1).measure(1, "Kurse", status="Grün").measure(2, "Lila Ampel", status="lila")
    a.measure(3, "Grün in Rot", status="Grün", fill=RED)
    b = FieldSheet("Querschnittsthema Kommunen & 'Partner'", "Kom'munen")
    b.unterziel(1).measure(1, "Ohne Status", blue="nr").measure(1, "Doppelt", status="Gelb", blue="nr")
    return build(path, [a, b])


def load(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path)


def finding_rows(ws):
    """(Fundstelle cell, Schwere, Meldung) of every finding row."""
    for r in range(TABLE_TOP + 2, ws.max_row + 1):
        if ws.cell(r, 1).value:
            yield ws.cell(r, FUNDSTELLE), ws.cell(r, 1).value, ws.cell(r, FUNDSTELLE + 1).value


def expected_location(f: Finding) -> str:
    sheet = f.sheet.replace("'", "''")
    return f"'{sheet}'!{f.cell or 'A1'}"


def test_summary_with_errors_writes_the_pruefbericht_beside_the_master(tmp_path):
    master = planted(tmp_path / "Ampel-Master.xlsx")
    report = validate(read(master))
    assert len(report.errors) >= 3
    result = CliRunner().invoke(cli, ["summary", str(master)])
    assert result.exit_code == 1
    assert not (tmp_path / "Ampel-Master_Zusammenfassung.xlsx").exists()
    target = tmp_path / "Ampel-Master_Prüfbericht.xlsx"
    assert default_findings_path(master) == target and target.is_file()
    assert f"Prüfbericht geschrieben: {target}" in result.output
    assert "Ampel-Master_Prüfbericht.xlsx“ liegt neben dem Master" in result.output

    ws = load(target)["Prüfbericht"]
    rows = list(finding_rows(ws))
    assert len(rows) == len(report.findings)
    seen = []
    for cell, severity, message in rows:
        link = cell.hyperlink
        assert link is not None, cell.value
        if cell.value == "Arbeitsmappe":  # a finding about the whole workbook opens the master
            assert (link.target, link.location) == ("Ampel-Master.xlsx", None)
            continue
        assert link.target == "Ampel-Master.xlsx"  # relative: the pair can be moved together
        seen.append((cell.value, link.location, severity, message))
    # every finding with a sheet links to its sheet and cell
    for f in report.findings:
        if f.sheet is None:
            continue
        assert (f.location, expected_location(f), f.severity.label, f.message) in seen, f
    assert ("Sprache!C8", "'Sprache'!C8", "Fehler") in [s[:3] for s in seen]
    assert any(loc.startswith("'Kom''munen'!") for _, loc, _, _ in seen)
    # errors first
    severities = [s for _, s, _ in rows]
    assert severities == sorted(severities, key=["Fehler", "Warnung", "Hinweis"].index)

    # printed on A4 with header, footer and page numbers, the header row on every page
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.oddHeader.center.text and ws.oddFooter.center.text == "Seite &P von &N"
    assert ws.print_title_rows == f"${TABLE_TOP + 1}:${TABLE_TOP + 1}"


def test_the_stand_alone_pruefbericht_has_its_own_header_and_the_code_last(tmp_path):
    """The Prüfbericht is the clerk's work list, not an Anlage of the protocol: it does not print under the
    concept's Kopfzeile, and the columns read as a clerk works (what, where, what to do) with the code last."""
    a = FieldSheet("Handlungsfeld Sprache", "Sprache")
    a.unterziel(1).measure(1, "Kurse", status="Grün").measure(2, "Lila Ampel", status="lila")
    master = build(tmp_path / "Ampel-Master.xlsx", [a], konzept={
        "Titel": "Integrationskonzept 1.0", "Stand": "31.12.2024",
        "Kopfzeile": "ANLAGE 1 – PROTOKOLL der Steuerungsgruppe"})
    for command in ("summary", "report"):
        result = CliRunner().invoke(cli, [command, str(master)])
        assert result.exit_code == 1, result.output
        ws = load(default_findings_path(master))["Prüfbericht"]
        header = ws.oddHeader.center.text
        assert "Prüfbericht" in header and "Ampel-Master.xlsx" in header, header
        assert "ANLAGE" not in header.upper() and "PROTOKOLL" not in header.upper(), header
        heads = [ws.cell(TABLE_TOP + 1, c).value for c in range(1, len(COLUMNS) + 1)]
        assert heads[:2] == ["Schwere", "Fundstelle"] and heads[-1] == "Code", heads
        codes = [ws.cell(r, len(COLUMNS)).value for r in range(TABLE_TOP + 2, ws.max_row + 1)]
        assert codes and all(re.fullmatch(r"[a-z]+(-[a-z]+)+", c or "") for c in codes), codes


def test_a_fixed_master_removes_the_stale_pruefbericht(tmp_path):
    master = planted(tmp_path / "Ampel-Master.xlsx")
    CliRunner().invoke(cli, ["summary", str(master)])
    assert default_findings_path(master).exists()
    good = FieldSheet("Handlungsfeld Sprache", "Sprache")
    good.unterziel(1).measure(1, "Kurse", status="Grün")
    build(master, [good])
    result = CliRunner().invoke(cli, ["summary", str(master)])
    assert result.exit_code == 0, result.output
    assert not default_findings_path(master).exists()
    assert "veraltete Prüfbericht" in result.output


def test_report_with_errors_writes_the_pruefbericht_too_and_a_fixed_master_removes_it(tmp_path):
    master = planted(tmp_path / "Ampel-Master.xlsx")
    result = CliRunner().invoke(cli, ["report", str(master)])
    assert result.exit_code == 1
    assert not (tmp_path / "Ampel-Master_Ampeldokument.docx").exists()
    target = default_findings_path(master)
    assert target.is_file() and f"Prüfbericht geschrieben: {target}" in result.output
    assert len(list(finding_rows(load(target)["Prüfbericht"]))) == len(validate(read(master)).findings)

    good = FieldSheet("Handlungsfeld Sprache", "Sprache")
    good.unterziel(1).measure(1, "Kurse", status="Grün")
    build(master, [good])
    result = CliRunner().invoke(cli, ["report", str(master)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Ampel-Master_Ampeldokument.docx").is_file()
    assert not target.exists() and "veraltete Prüfbericht" in result.output


def test_links_are_relative_to_the_pruefbericht_folder(tmp_path):
    (tmp_path / "Ablage").mkdir()
    (tmp_path / "Berichte").mkdir()
    master = planted(tmp_path / "Ablage" / "Master 2025.xlsx")
    out = write_findings(validate(read(master)), tmp_path / "Berichte" / "p.xlsx")
    ws = load(out)["Prüfbericht"]
    targets = {cell.hyperlink.target for cell, _, _ in finding_rows(ws)}
    # Excel's own spelling of a relative path (backslashes, spaces escaped)
    assert targets == {"..\\Ablage\\Master%202025.xlsx"}


def test_master_link_spelling():
    f = Finding("status-conflict", Severity.ERROR, "Kultur & Freizeit", "D14", "m")
    assert master_link(f, "/a/M.xlsx", "/a") == "external:M.xlsx#'Kultur & Freizeit'!D14"
    hidden = Finding("row-hidden", Severity.WARNING, "Sprache", "14:14", "m")
    assert master_link(hidden, "/a/M.xlsx", "/a").endswith("#'Sprache'!A14")
    sheet_only = Finding("no-table", Severity.ERROR, "Sprache", None, "m")
    assert master_link(sheet_only, "/a/M.xlsx", "/a").endswith("#'Sprache'!A1")
    assert master_link(sheet_only, "/a/M#1.xlsx", "/a") is None  # Excel would cut the path at "#"


def test_forced_summary_links_its_pruefbericht_sheet_to_the_master(tmp_path):
    master = planted(tmp_path / "Ampel-Master.xlsx")
    out = tmp_path / "Ausgabe" / "Zusammenfassung.xlsx"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["summary", str(master), "--force", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not default_findings_path(master).exists()  # forced: the findings are in the summary
    ws = load(out)["Prüfbericht"]
    report = validate(read(master))
    links = [(cell.value, cell.hyperlink.target if cell.hyperlink else None,
              cell.hyperlink.location if cell.hyperlink else None) for cell, _, _ in finding_rows(ws)]
    assert len(links) == len(report.findings)
    for f in report.findings:
        if f.sheet:
            assert (f.location, "..\\Ampel-Master.xlsx", expected_location(f)) in links


@pytest.mark.libreoffice
def test_pruefbericht_prints_with_page_numbers(tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice/pdftotext nicht installiert")
    master = planted(tmp_path / "Ampel-Master.xlsx")
    out = write_findings(validate(read(master)), tmp_path / "p.xlsx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "p.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Prüfbericht für Ampel-Master.xlsx" in text and "Seite 1 von 1" in text
    assert "Sprache!C8" in text and "Was tun" in text


# -- progress on a terminal ------------------------------------------------------------------
def run_in_pty(args: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str]:
    """Run a command with stdin/stdout/stderr on a pseudo-terminal; its exit code and output."""
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("kein Pseudo-Terminal unter Windows")
    primary, secondary = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "AMPEL_XL_PROGRESS"}
    proc = subprocess.Popen(args, stdin=secondary, stdout=secondary, stderr=secondary, cwd=cwd, env=env,
                            close_fds=True)
    os.close(secondary)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                try:
                    data = os.read(primary, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
    finally:
        os.close(primary)
    rc = proc.wait(timeout=30)
    return rc, b"".join(chunks).decode("utf-8", "replace")


def _console_script() -> str:
    exe = Path(sys.executable).with_name("ampel-xl")
    return str(exe) if exe.exists() else shutil.which("ampel-xl")


def test_terminal_shows_the_steps(tmp_path):
    good = FieldSheet("Handlungsfeld Sprache", "Sprache")
    good.unterziel(1).measure(1, "Kurse", status="Grün")
    master = build(tmp_path / "Ampel-Master.xlsx", [good])
    rc, out = run_in_pty([_console_script(), "summary", str(master)], tmp_path)
    assert rc == 0, out
    assert "Master wird gelesen …" in out and "Zusammenfassung wird geschrieben …" in out
    assert "fertig (" in out
    assert "Zusammenfassung geschrieben:" in out

    bad = planted(tmp_path / "Fehler.xlsx")
    rc, out = run_in_pty([_console_script(), "summary", str(bad)], tmp_path)
    assert rc == 1
    assert "Master wird gelesen …" in out and "Prüfbericht wird geschrieben …" in out


def test_terminal_shows_a_bar_for_a_large_master(tmp_path):
    from ampel_xl._progress import BAR_MEASURES

    f = FieldSheet("Handlungsfeld Sprache", "Sprache")
    per_uz = 400
    for uz in range(1, BAR_MEASURES // per_uz + 2):
        f.unterziel(uz)
        for i in range(per_uz):
            f.measure(f"{uz}.{i + 1}", "Maßnahme", status=("Grün", "Gelb", "Rot")[i % 3])
    master = build(tmp_path / "Gross.xlsx", [f])
    rc, out = run_in_pty([_console_script(), "summary", str(master)], tmp_path)
    assert rc == 0, out
    assert "Zusammenfassung wird geschrieben … [" in out and "100 %" in out


@pytest.mark.libreoffice
def test_terminal_shows_the_pdf_step(tmp_path):
    from ampel_xl.ampeldokument.libreoffice import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice nicht installiert")
    good = FieldSheet("Handlungsfeld Sprache", "Sprache")
    good.unterziel(1).measure(1, "Kurse", status="Grün")
    master = build(tmp_path / "Ampel-Master.xlsx", [good])
    rc, out = run_in_pty([_console_script(), "report", str(master), "--pdf"], tmp_path, timeout=400)
    assert rc == 0, out
    steps = [s for s in ("Master wird gelesen …", "Ampeldokument wird geschrieben …", "PDF wird erzeugt …")
             if s in out]
    assert len(steps) == 3, out
    assert out.index("Ampeldokument wird geschrieben …") < out.index("PDF wird erzeugt …")
    assert (tmp_path / "Ampel-Master_Ampeldokument.pdf").is_file()


def test_no_progress_when_output_is_not_a_terminal(tmp_path):
    good = FieldSheet("Handlungsfeld Sprache", "Sprache")
    good.unterziel(1).measure(1, "Kurse", status="Grün")
    master = build(tmp_path / "Ampel-Master.xlsx", [good])
    # captured by click's runner
    result = CliRunner().invoke(cli, ["summary", str(master)])
    assert result.exit_code == 0
    assert "wird gelesen" not in result.output and "\r" not in result.output
    # piped in a real process
    proc = subprocess.run([_console_script(), "summary", str(master), "-o", str(tmp_path / "z.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "wird gelesen" not in proc.stdout + proc.stderr and "\r" not in proc.stdout + proc.stderr


# -- the double-click scripts ------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash fehlt")
def test_shell_script_leaves_the_pruefbericht_beside_a_master_with_errors(tmp_path):
    script = tmp_path / "zusammenfassung_erstellen.sh"
    shutil.copy2(ROOT / "scripts" / "zusammenfassung_erstellen.sh", script)
    planted(tmp_path / "Ampel-Master.xlsx")
    from double_click import script_env  # a python3 with the libraries on the PATH, the checkout on PYTHONPATH

    env = script_env(tmp_path)
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stdout + done.stderr
    pruef = tmp_path / "Ampel-Master_Prüfbericht.xlsx"
    assert pruef.is_file()
    assert f"Der Prüfbericht liegt neben dem Master: {pruef}" in done.stdout
    assert not (tmp_path / "Ampel-Master_Zusammenfassung.xlsx").exists()


def test_windows_script_opens_the_pruefbericht():
    text = (ROOT / "scripts" / "Zusammenfassung_erstellen.cmd").read_bytes().decode("utf-8")
    assert 'set "PRUEF=%%~dpnF_Prüfbericht.xlsx"' in text
    assert 'start "" "%PRUEF%"' in text
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_the_pruefbericht_of_a_clean_master_says_there_is_nothing_to_fix(tmp_path):
    """A clerk who writes the Prüfbericht of a master without findings reads one sentence in the table,
    not an empty table (which XlsxWriter also warns about)."""
    from ampel_xl import example_path

    report = validate(example_path())
    assert not report.findings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = write_findings(report, tmp_path / "Prüfbericht.xlsx")
    ws = load_workbook(written).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Keine Befunde") for t in texts)
