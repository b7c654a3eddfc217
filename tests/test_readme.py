"""The README's two set-up commands are what CI runs, and they work where pip refuses the system
(Debian 12 / Ubuntu 24.04: "externally-managed-environment"): each installs into a virtual
environment, one line each, with the Windows line beside it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

sys.path.insert(0, str(ROOT / "scripts"))
from readme_command import command  # noqa: E402  (scripts/ is no package)


def block_under(heading: str, lang: str = "sh") -> list[str]:
    """The lines of the first ``lang`` code block under ``heading``, read from the README's text
    independently of the CI markers."""
    after = README.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    m = re.search(rf"```{lang}\n(.*?)\n```", after, re.S)
    assert m, heading
    return m.group(1).splitlines()


MAIN_JOB = block_under("### Install and run the main job on the bundled example (fresh machine)")
TESTS = block_under("### Install and run the tests")


def test_each_command_is_one_line_and_installs_into_a_virtual_environment():
    assert len(MAIN_JOB) == 1 and len(TESTS) == 1
    for line in (MAIN_JOB[0], TESTS[0]):
        assert line.startswith("python3 -m venv .venv && .venv/bin/pip install ")
        # nothing is installed into the system's python (PEP 668 refuses it there)
        assert "python3 -m pip" not in line and " pip install" not in line.replace(".venv/bin/pip install", "")
    assert MAIN_JOB[0].endswith(".venv/bin/ampel-xl summary workbooks/Beispiel_Ampel-Master.xlsx "
                                "-o Beispiel_Zusammenfassung.xlsx")
    assert TESTS[0].endswith(".venv/bin/python -m pytest -q")
    assert "python3-venv" in README  # what Debian/Ubuntu need for it


def test_the_markers_ci_reads_sit_on_the_readmes_commands():
    assert command("main-job") == MAIN_JOB[0]
    assert command("tests") == TESTS[0]


def test_ci_runs_exactly_the_readmes_commands():
    """The lines of .ci/run that take the commands, run as they stand, give the README's text; the
    main job runs with Debian's own /usr/bin/python3 (PATH=/usr/bin:/bin) in a fresh folder."""
    take = [line.strip() for line in CI.splitlines() if "readme_command.py" in line and "=$(" in line]
    assert len(take) == 2, take
    got = {}
    for line in take:
        var = line.split("=", 1)[0]
        done = subprocess.run(["bash", "-c", f'{line}; printf %s "${var}"'], cwd=ROOT, capture_output=True,
                              text=True, env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}, timeout=60)
        assert done.returncode == 0, done.stderr
        got[var] = done.stdout
    assert got == {"main_job": MAIN_JOB[0], "tests_command": TESTS[0]}
    assert "main_job=$(/usr/bin/python3 scripts/readme_command.py main-job)" in CI
    assert 'env PATH=/usr/bin:/bin HOME="$fresh" bash -euo pipefail -c "$main_job"' in CI
    assert "fresh=$(mktemp -d)" in CI and 'cd "$fresh"' in CI
    assert 'bash -euo pipefail -c "$tests_command"' in CI
    # the tests command is the last thing CI does (pytest's summary is its last line)
    assert CI.rstrip().splitlines()[-1] == 'bash -euo pipefail -c "$tests_command"'


def test_the_windows_lines_say_the_same():
    bat = block_under("### Install and run the main job on the bundled example (fresh machine)", "bat")
    assert bat == [MAIN_JOB[0].replace("python3 -m venv", "py -m venv").replace(".venv/bin/", ".venv\\Scripts\\")
                   .replace("workbooks/", "workbooks\\")]
    windows_tests = TESTS[0].replace("python3 -m venv", "py -m venv").replace(".venv/bin/", ".venv\\Scripts\\")
    assert f"On Windows: `{windows_tests}`" in README


def test_the_staff_section_has_an_install_step():
    german = README.split("## For developers and analysts", 1)[0]
    assert "**Einmalig installieren**" in german
    assert "`py -m venv .venv && .venv\\Scripts\\pip install .`" in german
    assert "`python3 -m venv .venv && .venv/bin/pip install .`" in german
    assert "python3-venv" in german


@pytest.mark.skipif(not Path("/usr/bin/python3").exists() or shutil.which("bash") is None,
                    reason="kein /usr/bin/python3")
def test_the_system_python_refuses_pip_but_makes_the_readmes_virtual_environment(tmp_path):
    """Where the system's python3 is externally managed (Debian 12, Ubuntu 24.04), the old command
    fails and the README's first step works (the rest needs the network; .ci/run runs it whole)."""
    marker = subprocess.run(["/usr/bin/python3", "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, timeout=60)
    if not (Path(marker.stdout.strip()) / "EXTERNALLY-MANAGED").exists():
        pytest.skip("dieser python3 ist nicht extern verwaltet")
    refused = subprocess.run(["/usr/bin/python3", "-m", "pip", "install", "--dry-run", "--no-index", str(ROOT)],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stdout + refused.stderr
    first = MAIN_JOB[0].split(" && ")[0]
    done = subprocess.run(["bash", "-c", first], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / ".venv" / "bin" / "pip").exists()
