"""The tool does not trip over itself: its own template's sheets, two Stände given the wrong way
round, a closed pipe, the installed package as a place for outputs, the double-click scripts without
a working program, a master open in Excel. Each through the real command line (click's CliRunner,
or a real subprocess where a pipe or a script is involved)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import ampel_xl
from ampel_xl.cli import cli
from builders import build, simple_field
from clerk_masters import SOFFICE, resave_libreoffice
from double_click import ROOT, script_env

EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def codes(path: Path) -> list[tuple[str | None, str]]:
    return [(f.sheet, f.code) for f in ampel_xl.validate(path).findings]


# -- (a) the template's own sheets ---------------------------------------------------------------


def test_the_examples_summary_reports_no_finding_for_the_templates_anleitung(tmp_path):
    """The example is written by the template writer, Anleitung first: no Hinweis, no Prüfbericht sheet."""
    out = tmp_path / "Zusammenfassung.xlsx"
    result = invoke("summary", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Warnungen" not in result.stderr
    wb = load_workbook(out, read_only=True)
    try:
        assert "Prüfbericht" not in wb.sheetnames
        rows = [[v for v in row if v is not None] for row in wb["Übersicht"].iter_rows(max_row=15, values_only=True)]
    finally:
        wb.close()
    assert ["Prüfung des Masters:", "0 Fehler, 0 Warnungen, 0 Hinweise"] in rows


def test_a_new_template_names_none_of_its_own_sheets(tmp_path):
    master = tmp_path / "Neu.xlsx"
    assert invoke("template", master).exit_code == 0
    konzept = ampel_xl.read(master)
    assert [s.kind for s in konzept.sheets if s.name == "Anleitung"] == ["vorlage"]
    assert "sheet-ignored" not in {code for _, code in codes(master)}
    result = invoke("validate", master)
    assert "Anleitung" not in result.stdout


def test_the_anleitung_renamed_by_a_clerk_and_resaved_by_libreoffice_is_still_the_templates(tmp_path):
    """A clerk renames the tab "Anleitung" to "Hilfe" and keeps the master in LibreOffice: the sheet is
    still the template's own (known by what the template wrote), so nothing is reported."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) fehlt")
    master = tmp_path / "Ampel-Master.xlsx"
    shutil.copy2(EXAMPLE, master)
    wb = load_workbook(master)
    wb["Anleitung"].title = "Hilfe"
    wb.save(master)
    resaved = resave_libreoffice([master], tmp_path / "lo")[master]
    konzept = ampel_xl.read(resaved)
    assert [s.kind for s in konzept.sheets if s.name == "Hilfe"] == ["vorlage"]
    assert ampel_xl.validate(konzept).counts == {"error": 0, "warning": 0, "info": 0}


def test_a_clerks_own_sheet_named_anleitung_is_named_like_any_other(tmp_path):
    """A sheet the clerk called "Anleitung" for the meeting's procedure is not the template's: a Hinweis."""

    def procedure(ws):
        ws["A1"] = "Anleitung für die Sitzung der Steuerungsgruppe"
        ws["A3"] = "1. Master prüfen lassen"
        ws["A4"] = "2. Zusammenfassung an alle verschicken"

    master = build(tmp_path / "Ampel-Master.xlsx", [simple_field()], extra_sheets={"Anleitung": procedure})
    assert ("Anleitung", "sheet-ignored") in codes(master)
    result = invoke("validate", master)
    assert "„Anleitung“ ist kein Handlungsfeld" in result.stdout


# -- (b) compare orders two Stände by their dates --------------------------------------------------


def _stand(path: Path, stand: dt.date, statuses: tuple[str, ...]) -> Path:
    path.parent.mkdir(exist_ok=True)
    return build(path, [simple_field(statuses=statuses)], konzept={"Titel": "Integrationskonzept", "Stand": stand})


def test_compare_given_the_wrong_way_round_says_so_and_compares_old_to_new(tmp_path):
    old = _stand(tmp_path / "2024" / "Ampel-Master.xlsx", dt.date(2024, 6, 30), ("Rot", "Rot", "Gelb"))
    new = _stand(tmp_path / "2025" / "Ampel-Master.xlsx", dt.date(2025, 2, 3), ("Grün", "Gelb", "Gelb"))
    right = ampel_xl.compare(old, new)
    assert len(right) > 0
    out = tmp_path / "Veränderungen.xlsx"
    result = invoke("compare", new, old, "-o", out)  # NEW OLD: the wrong way round
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if line.strip()]
    assert warning == [f"Hinweis: „{new}“ (Stand 3. Februar 2025) ist neuer als „{old}“ (Stand 30. Juni 2024); "
                       f"verglichen wird daher vom älteren zum neueren Stand."]
    assert result.stdout.startswith(right.text())
    again = invoke("compare", old, new, "-o", tmp_path / "richtig.xlsx")
    assert again.exit_code == 0 and again.stderr == ""
    assert again.stdout.splitlines()[0] == result.stdout.splitlines()[0]


def test_summary_compared_with_a_later_stand_says_so(tmp_path):
    """`summary MASTER --compare-with OLD` where OLD is the later Stand: the summary is of MASTER, as asked,
    with one line that the sheet Entwicklung runs backwards."""
    old = _stand(tmp_path / "2024" / "Ampel-Master.xlsx", dt.date(2024, 6, 30), ("Rot", "Rot", "Gelb"))
    new = _stand(tmp_path / "2025" / "Ampel-Master.xlsx", dt.date(2025, 2, 3), ("Grün", "Gelb", "Gelb"))
    result = invoke("summary", old, "--compare-with", new, "-o", tmp_path / "z.xlsx")
    assert result.exit_code == 0, result.output
    hints = [line for line in result.stderr.splitlines() if "neuer als" in line]
    assert hints == [f"Hinweis: „{new}“ (Stand 3. Februar 2025) ist neuer als „{old}“ (Stand 30. Juni 2024); "
                     f"die Veränderungen zeigen den Weg vom neueren zum älteren Stand."]
    right = invoke("summary", new, "--compare-with", old, "-o", tmp_path / "r.xlsx")
    assert right.exit_code == 0 and "neuer als" not in right.stderr


def test_compare_without_stand_dates_keeps_the_order_given(tmp_path):
    a = build(tmp_path / "a.xlsx", [simple_field(statuses=("Rot",))])
    b = build(tmp_path / "b.xlsx", [simple_field(statuses=("Grün",))])
    result = invoke("compare", b, a, "-o", tmp_path / "v.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith(ampel_xl.compare(b, a).text())


# -- (c) a closed pipe ---------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    """The checkout first on the path; a private temp folder, so that a crash log would be seen."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "AMPEL_XL_PROGRESS": "0",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def two_stande(tmp_path):
    old = _stand(tmp_path / "alt" / "Ampel-Master.xlsx", dt.date(2024, 6, 30), ("Rot", "Gelb"))
    new = _stand(tmp_path / "neu" / "Ampel-Master.xlsx", dt.date(2025, 2, 3), ("Grün", "Grün", "Gelb"))
    return old, new


@pytest.mark.parametrize("command", [
    ["validate", "{new}"],
    ["validate", "{new}", "--json"],
    ["export", "{new}"],
    ["compare", "{old}", "{new}", "-o", "{tmp}/v.xlsx"],
    ["history", "{old}", "{new}", "-o", "{tmp}/verlauf.xlsx"],
    ["summary", "{new}", "-o", "{tmp}/z.xlsx"],
])
def test_every_command_ends_quietly_when_its_reader_closed_the_pipe(tmp_path, two_stande, command):
    """The reader of standard output is gone before the command writes (the pipe's read end is closed
    at once): no message, no crash log, exit 141 (as a shell reports SIGPIPE); files are still written."""
    old, new = two_stande
    args = [a.format(old=old, new=new, tmp=tmp_path) for a in command]
    proc = subprocess.Popen([sys.executable, "-m", "ampel_xl", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(tmp_path), cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: nobody reads
    stderr = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=120)
    assert stderr == ""
    assert proc.returncode == 141
    assert not list((tmp_path / "tmp").rglob("fehlerbericht-*"))
    for a in args:
        if a.startswith(str(tmp_path)) and a.endswith(".xlsx") and a not in (str(old), str(new)):
            assert Path(a).is_file(), a


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None, reason="bash/head fehlt")
@pytest.mark.parametrize(("command", "lines"), [("compare {old} {new} -o {tmp}/v.xlsx", 3),
                                                ("validate {old}", 1)])
def test_piping_into_head_shows_the_first_lines_and_nothing_else(tmp_path, command, lines):
    """The issue's own commands: `ampel-xl compare … | head -3`, `ampel-xl validate … | head -1`."""
    old = build(tmp_path / "alt.xlsx", [simple_field(n_uz=20, per_uz=20, statuses=("Rot", "Gelb"))])
    new = build(tmp_path / "neu.xlsx", [simple_field(n_uz=20, per_uz=20, statuses=("Grün", "Gelb", "Rot"))])
    line = command.format(old=old, new=new, tmp=tmp_path)
    script = f'"{sys.executable}" -m ampel_xl {line} | head -{lines}; echo "rc=${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=_env(tmp_path),
                          timeout=300, cwd=tmp_path)
    assert len(done.stdout.splitlines()) == lines
    assert done.stderr.strip() in ("rc=141", "rc=0", "rc=1"), done.stderr  # 0/1: all was written before head left
    assert "Fehler" not in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "tmp").rglob("fehlerbericht-*"))


# -- (d) no output into the installed package -----------------------------------------------------


def _package_files() -> set[Path]:
    return {p for p in Path(ampel_xl.__file__).parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_write_findings_of_the_bundled_example_writes_to_the_current_folder(tmp_path, monkeypatch):
    """The README's notebook lines on the bundled example: the Prüfbericht lands in the current folder."""
    monkeypatch.chdir(tmp_path)
    before = _package_files()
    report = ampel_xl.validate(ampel_xl.example_path())
    written = ampel_xl.write_findings(report)
    assert written == tmp_path / "Beispiel_Ampel-Master_Prüfbericht.xlsx" and written.is_file()
    assert _package_files() == before


def test_summary_of_the_bundled_example_writes_to_the_current_folder_and_says_so(tmp_path):
    before = _package_files()
    done = subprocess.run([sys.executable, "-m", "ampel_xl", "summary", str(ampel_xl.example_path())],
                          capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    target = tmp_path / "Beispiel_Ampel-Master_Zusammenfassung.xlsx"
    assert target.is_file()
    assert f"Zusammenfassung geschrieben: {target}" in done.stdout
    assert "im aktuellen Ordner geschrieben" in done.stderr
    assert _package_files() == before


def test_a_master_elsewhere_still_gets_its_outputs_beside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "Ablage"
    folder.mkdir()
    master = shutil.copy2(EXAMPLE, folder / "Ampel-Master.xlsx")
    result = invoke("summary", master)
    assert result.exit_code == 0, result.output
    assert (folder / "Ampel-Master_Zusammenfassung.xlsx").is_file()
    assert "aktuellen Ordner" not in result.output


# -- (e) the double-click scripts check that the program really runs ---------------------------------


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash fehlt")
def test_shell_script_without_a_working_program_says_how_to_install(tmp_path):
    """Only a python3 that finds the package but not its libraries (the system's python3 with the
    checkout on PYTHONPATH): `import ampel_xl` succeeds, the program does not run. The script tells how
    to install instead of failing with exit 3 of an internal error."""
    system = shutil.which("python3", path="/usr/bin:/bin")
    if system is None:
        pytest.skip("kein python3 in /usr/bin")
    env = script_env(tmp_path, python=None)
    probe = subprocess.run([system, "-c", "import ampel_xl"], env=env, capture_output=True)
    full = subprocess.run([system, "-c", "import pandas, xlsxwriter, defusedxml"], env=env, capture_output=True)
    if probe.returncode != 0 or full.returncode == 0:
        pytest.skip("dieser python3 hat die Bibliotheken (oder findet ampel_xl nicht)")
    shutil.copy2(EXAMPLE, tmp_path / "Ampel-Master.xlsx")
    script = shutil.copy2(ROOT / "scripts" / "zusammenfassung_erstellen.sh", tmp_path / "zusammenfassung_erstellen.sh")
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 3
    assert "nicht (vollständig) installiert" in done.stdout
    assert "python3 -m venv .venv && .venv/bin/pip install ." in done.stdout
    assert "unerwarteter interner Fehler" not in done.stdout + done.stderr
    assert not (tmp_path / "Ampel-Master_Zusammenfassung.xlsx").exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash fehlt")
def test_shell_script_finds_the_readme_install_in_dot_venv(tmp_path):
    """After the README's install (`python3 -m venv .venv && .venv/bin/pip install .`) nothing is on the
    PATH; the script in scripts/ finds ../.venv and runs its python."""
    (tmp_path / "scripts").mkdir()
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    python = venv_bin / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    script = shutil.copy2(ROOT / "scripts" / "zusammenfassung_erstellen.sh",
                          tmp_path / "scripts" / "zusammenfassung_erstellen.sh")
    master = shutil.copy2(EXAMPLE, tmp_path / "Ampel-Master.xlsx")
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=300,
                          env=script_env(tmp_path / "scripts", python=None), stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert Path(master).with_name("Ampel-Master_Zusammenfassung.xlsx").is_file()


def test_the_scripts_check_every_library_the_package_needs():
    """The scripts' check imports every runtime dependency of pyproject.toml (by its import name)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    import_names = {"python-docx": "docx", "pillow": "PIL"}
    for script in ("zusammenfassung_erstellen.sh", "Zusammenfassung_erstellen.cmd"):
        text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
        check = next(line for line in text.splitlines() if "import ampel_xl.pipeline" in line)
        modules = {m.strip() for m in check.split("import", 1)[1].split('"')[0].split(",")}
        for dep in deps:
            name = dep.split(">")[0].split("<")[0].split("=")[0].strip().lower()
            assert import_names.get(name, name) in modules, (script, name)
        assert "--version" in text and '-c "import ampel_xl"' not in text


# -- (f) a master open in Excel ----------------------------------------------------------------------


def _excel_owner_file(path: Path, user: str = "Sachbearbeiterin") -> None:
    """What Excel writes as ``~$<name>`` while the workbook is open: the user's name, twice (165 bytes)."""
    data = bytes([len(user)]) + user.encode("latin-1").ljust(53) + len(user).to_bytes(2, "little")
    data += user.encode("utf-16-le").ljust(165 - len(data), b"\x00")
    path.write_bytes(data[:165])


def test_a_master_open_in_excel_gets_a_hinweis(tmp_path):
    master = build(tmp_path / "Ampel-Master.xlsx", [simple_field()])
    assert ("master-open" not in {code for _, code in codes(master)})
    _excel_owner_file(tmp_path / "~$Ampel-Master.xlsx")
    result = invoke("validate", master)
    assert result.exit_code == 0, result.output
    assert ("„Ampel-Master.xlsx“ ist in Excel geöffnet: ungespeicherte Änderungen fehlen in dieser Auswertung "
            "(Sperrdatei „~$Ampel-Master.xlsx“).") in " ".join(result.stdout.split())
    finding = next(f for f in ampel_xl.validate(master).findings if f.code == "master-open")
    assert finding.severity.value == "info" and finding.sheet is None
    out = tmp_path / "Z.xlsx"
    assert invoke("summary", master, "-o", out).exit_code == 0  # a Hinweis holds nothing up


def test_pointing_at_the_lock_file_names_it(tmp_path):
    build(tmp_path / "Ampel-Master.xlsx", [simple_field()])
    lock = tmp_path / "~$Ampel-Master.xlsx"
    _excel_owner_file(lock)
    for command in ("validate", "summary"):
        result = invoke(command, lock)
        assert result.exit_code == 2
        message = " ".join(result.stderr.split())
        assert message == ("Fehler: „~$Ampel-Master.xlsx“ ist die Sperrdatei, die Excel neben einem geöffneten "
                           "Master anlegt, nicht der Master selbst; bitte geben Sie den Master an (z. B. "
                           "„Ampel-Master.xlsx“).")
        assert "CSV" not in message
