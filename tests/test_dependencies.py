"""What the package needs at run time: openpyxl is no runtime dependency.

The reader parses the workbook's parts itself (ampel_xl/reader/parts.py) and the writers use
XlsxWriter and python-docx, so a county's IT can install ampel_xl without openpyxl; the tests
build their fixture masters with it (extra "test"), the benchmark compares against it (extra
"bench").
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEISPIEL = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"

# Runs in a fresh interpreter: any import of openpyxl (also one hidden in pandas or a writer) fails
# there, as it would on a machine without it.
_WITHOUT_OPENPYXL = r'''
import importlib.abc, sys

class NoOpenpyxl(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ModuleNotFoundError("No module named 'openpyxl' (blocked by the test)", name=name)
        return None

sys.meta_path.insert(0, NoOpenpyxl())
from ampel_xl.cli import cli

master, out = sys.argv[1], sys.argv[2]
for args in (["validate", master], ["summary", master, "-o", out + "/Zusammenfassung.xlsx"],
             ["report", master, "-o", out + "/Ampeldokument.docx"],
             ["export", master, "-o", out + "/Massnahmen.csv"]):
    try:
        cli(["--debug", *args], prog_name="ampel-xl")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise SystemExit(f"{args[0]}: exit code {exc.code}") from None
assert not any(m == "openpyxl" or m.startswith("openpyxl.") for m in sys.modules), "openpyxl was imported"
print("ohne openpyxl gelesen")
'''


def test_the_example_is_read_validated_and_written_without_openpyxl(tmp_path):
    """A machine without openpyxl: validate, summary, Ampeldokument and export of the example work."""
    result = subprocess.run([sys.executable, "-c", _WITHOUT_OPENPYXL, str(BEISPIEL), str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ohne openpyxl gelesen" in result.stdout
    for name in ("Zusammenfassung.xlsx", "Ampeldokument.docx", "Massnahmen.csv"):
        assert (tmp_path / name).stat().st_size > 1000, name


def test_openpyxl_is_needed_by_the_tests_only():
    """pyproject.toml: openpyxl is in the extras "test" and "bench", not in the runtime dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower() for r in requirements}

    assert "openpyxl" not in names(project["dependencies"])
    assert "openpyxl" in names(project["optional-dependencies"]["test"])
    assert "openpyxl" in names(project["optional-dependencies"]["bench"])
