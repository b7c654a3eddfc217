"""Smoke test of scripts/benchmark.py: it runs at its smallest size and reports every step.

Runs the benchmark once (193 measures, one repeat, in subprocesses as always) and checks the
table it prints and writes. Timings are not judged here: the benchmark is a measurement, not a
timed test. Baselines that need the optional ``bench`` extra (StyleFrame, python-calamine, lxml)
must be reported as skipped when the package is missing; those cases are skipped here too.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "benchmark.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("ampel_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()
OPTIONAL = {"styleframe", "python_calamine", "lxml"}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out, raw = tmp / "benchmark.md", tmp / "benchmark.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "193", "--repeats", "1", "--startup-repeats", "1",
         "--output", str(out), "--json", str(raw), "--workdir", str(tmp / "masters")],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, out.read_text(encoding="utf-8"), json.loads(raw.read_text(encoding="utf-8"))


def _section(table: str, title: str) -> str:
    start = table.index(f"## {title}")
    end = table.find("\n## ", start + 1)
    return table[start:] if end < 0 else table[start:end]


def _row(section: str, label: str) -> list[str]:
    for line in section.splitlines():
        if line.startswith(f"| {label} |"):
            return [c.strip() for c in line.strip().strip("|").split("|")][1:]
    raise AssertionError(f"no row for {label!r} in:\n{section}")


def test_prints_and_writes_the_same_table_with_the_machine(run):
    stdout, table, _ = run
    assert table.strip() in stdout
    for title in ("Machine", "Time", "Peak memory", "Scaling", "Start-up", "Targets"):
        assert f"## {title}" in table
    machine = _section(table, "Machine")
    for key in ("Date", "Cpu", "Python", "Libraries", "openpyxl"):
        assert key in machine


@pytest.mark.parametrize("step", bench.STEPS, ids=[s.key for s in bench.STEPS])
def test_every_step_is_measured_or_skipped_with_a_reason(run, step):
    _, table, raw = run
    time_cell = _row(_section(table, "Time"), step.label)[0]
    result = next(r for r in raw["results"] if r["step"] == step.key and r["size"] == 193)
    missing = [m for m in step.needs if not _installed(m)]
    if missing:
        assert time_cell == "skipped" and result["note"].startswith("skipped")
        assert set(missing) <= OPTIONAL, f"{missing} are core dependencies"
        pytest.skip(f"{', '.join(missing)} not installed (optional extra: pip install -e \".[bench]\")")
    assert result["note"] is None, result["note"]
    assert re.fullmatch(r"[\d.]+ m?s \([\d.]+×\)", time_cell), time_cell
    assert len(result["times"]) == 1 and result["times"][0] > 0
    peak = _row(_section(table, "Peak memory"), step.label)[0]
    assert peak.isdigit() and int(peak) > 0
    _row(_section(table, "Scaling"), step.label)


def test_start_up_and_targets_are_reported(run):
    _, table, raw = run
    startup = _section(table, "Start-up")
    for key in (bench.HELP_KEY, bench.IMPORT_KEY, bench.SUMMARY_KEY):
        cell = _row(startup, key)[0]
        assert re.fullmatch(r"[\d.]+ m?s", cell), (key, cell)
    help_run = next(r for r in raw["startup"] if r["command"] == bench.HELP_KEY)
    assert help_run["info"]["heavy"] is not None
    targets = _section(table, "Targets")
    for words in ("openpyxl read-only", "lxml floor", "StyleFrame", "Linear", "Peak RSS", "--help", "summary"):
        assert words in targets, words
    big_cell = next(line for line in targets.splitlines() if "1 MB cell" in line)
    assert "failed" not in big_cell and re.search(r"\| [\d.]+ m?s", big_cell), big_cell
