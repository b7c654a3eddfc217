"""Benchmark ampel_xl against its peers: speed, start-up, peak memory and scaling.

Generates colour-coded masters of 193, 2,000, 20,000 and 100,000 measures
(scripts/make_bench_masters.py), then times on the same files

* ampel_xl: ``read``, ``validate``, ``summarize``, ``write_summary``, ``write_report`` and the
  command line end to end (``ampel-xl validate``, ``ampel-xl summary``, ``ampel-xl report``);
* the baselines: openpyxl's full and read-only passes over every cell's value and fill,
  ``pandas.read_excel`` (openpyxl and calamine engines), StyleFrame's styled read
  (``read_style=True``, sheet by sheet) and a bare lxml pass over the sheet XML and
  styles.xml (values and fills: the floor for reading styles from Python);
* start-up: ``ampel-xl --help`` and ``ampel-xl summary`` on the example master against
  ``python -c "import pandas, openpyxl, xlsxwriter"``.

Every run of every step is a fresh subprocess, so that the peak RSS is that step's own and
nothing is cached between repeats. Library steps are timed after their imports; a step that
needs a read (validate, summarize, the writers) reads first, untimed, so its peak RSS
includes the read. The command-line steps are timed from process start to exit.

Usage (from a checkout with ``pip install -e ".[bench]"``)::

    python scripts/benchmark.py                       # all sizes, 3 repeats, writes docs/benchmark.md
    python scripts/benchmark.py --sizes 193 --repeats 1 --output /tmp/bench.md   # smoke run

The StyleFrame and calamine baselines need the optional ``bench`` extra and are skipped with a
note when missing; StyleFrame is skipped at a size when its time projected from the previous
size exceeds ``--slow-budget`` seconds per run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE_MASTER = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
DEFAULT_OUTPUT = ROOT / "docs" / "benchmark.md"
SIZES = (193, 2000, 20000, 100000)
HEAVY_MODULES = ("pandas", "openpyxl", "matplotlib", "numpy", "xlsxwriter", "docx", "lxml")

# --------------------------------------------------------------------------------------------
# Steps, as run in the child process


def _peak_rss_mb() -> float | None:
    """Peak resident set size of this process in MB (VmHWM on Linux, else getrusage/psutil)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    except ImportError:  # Windows
        try:
            import psutil

            return psutil.Process().memory_info().peak_wset / (1024 * 1024)
        except (ImportError, AttributeError):
            return None


def _touch_fill(fill: Any) -> tuple:
    """Read a fill's pattern and foreground colour as a caller would (no theme resolution)."""
    if fill is None:
        return ()
    fg = fill.fgColor
    return (fill.patternType, fg.type, fg.rgb if fg.type == "rgb" else fg.theme if fg.type == "theme" else fg.indexed,
            fg.tint)


def step_openpyxl_full(master: Path, tmp: Path) -> Callable[[], dict]:
    import openpyxl

    def run() -> dict:
        wb = openpyxl.load_workbook(master, data_only=True)
        cells = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    _ = c.value
                    _touch_fill(c.fill)
                    cells += 1
        wb.close()
        return {"cells": cells}

    return run


def step_openpyxl_ro(master: Path, tmp: Path) -> Callable[[], dict]:
    import openpyxl

    def run() -> dict:
        wb = openpyxl.load_workbook(master, read_only=True, data_only=True)
        cells = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    _ = c.value
                    _touch_fill(getattr(c, "fill", None))  # EmptyCell has no style
                    cells += 1
        wb.close()
        return {"cells": cells}

    return run


def step_lxml_floor(master: Path, tmp: Path) -> Callable[[], dict]:
    import zipfile

    from lxml import etree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

    def run() -> dict:
        cells = 0
        with zipfile.ZipFile(master) as z:
            names = set(z.namelist())
            styles = etree.fromstring(z.read("xl/styles.xml"))
            fills = []
            for fill in styles.find(ns + "fills"):
                pf = fill.find(ns + "patternFill")
                fg = pf.find(ns + "fgColor") if pf is not None else None
                fills.append((pf.get("patternType") if pf is not None else None,
                              dict(fg.attrib) if fg is not None else None))
            xf_fill = [fills[int(xf.get("fillId", 0))] for xf in styles.find(ns + "cellXfs")]
            strings: list[str] = []
            if "xl/sharedStrings.xml" in names:
                with z.open("xl/sharedStrings.xml") as fh:
                    for _, si in etree.iterparse(fh, tag=ns + "si"):
                        strings.append("".join(si.itertext()))
                        si.clear()
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            for name in sheets:
                with z.open(name) as fh:
                    for _, row in etree.iterparse(fh, tag=ns + "row"):
                        for c in row:
                            s, t = c.get("s"), c.get("t")
                            v = c.findtext(ns + "v")
                            if t == "s":
                                value: Any = strings[int(v)]
                            elif t == "inlineStr":
                                value = "".join(c.itertext())
                            elif v is not None and t in (None, "n"):
                                value = float(v)
                            else:
                                value = v
                            fill = xf_fill[int(s)] if s else None
                            del value, fill
                            cells += 1
                        row.clear()
                        while row.getprevious() is not None:
                            del row.getparent()[0]
        return {"cells": cells}

    return run


def step_pandas(engine: str) -> Callable[[Path, Path], Callable[[], dict]]:
    def prepare(master: Path, tmp: Path) -> Callable[[], dict]:
        import pandas as pd

        if engine == "calamine":
            import python_calamine  # noqa: F401
        else:
            import openpyxl  # noqa: F401

        def run() -> dict:
            frames = pd.read_excel(master, sheet_name=None, header=None, engine=engine)
            return {"cells": int(sum(df.size for df in frames.values()))}

        return run

    return prepare


def step_styleframe(master: Path, tmp: Path) -> Callable[[], dict]:
    import warnings

    import openpyxl
    from styleframe import StyleFrame

    wb = openpyxl.load_workbook(master, read_only=True)
    names = list(wb.sheetnames)
    wb.close()

    def run() -> dict:
        cells = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in names:
                sf = StyleFrame.read_excel(str(master), read_style=True, sheet_name=name, header=None)
                for col in sf.data_df.columns:
                    for c in sf.data_df[col]:
                        _ = c.value, c.style.bg_color
                        cells += 1
        return {"cells": cells}

    return run


def step_read(master: Path, tmp: Path) -> Callable[[], dict]:
    import ampel_xl.reader.sniff  # noqa: F401 - imports are not timed
    from ampel_xl.reader import read

    def run() -> dict:
        k = read(master)
        return {"measures": len(k.massnahmen)}

    return run


BIG_CELL_CHARS = 1_000_000
BIG_CELL_LIMIT_S = 1.0


def make_big_cell_master(dst: Path, chars: int = BIG_CELL_CHARS) -> Path:
    """The example master with its longest text (a Sachstand near the top of a field sheet, in the
    rows where titles, labels and the header are looked for) grown to ``chars`` characters: the text
    repeated line by line, as if a document had been pasted into the cell. Only the shared string
    changes; Excel itself refuses more than 32,767 characters, other programs write them."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(EXAMPLE_MASTER) as zin:
        strings = zin.read("xl/sharedStrings.xml").decode("utf-8")
        items = list(re.finditer(r"<si>(.*?)</si>", strings, re.S))
        longest = max(items, key=lambda m: len(m.group(1)))
        text = re.sub(r"<[^>]+>", "", longest.group(1))
        big = ((text + "\n") * (chars // (len(text) + 1) + 1))[:chars]
        strings = (strings[:longest.start()] + f'<si><t xml:space="preserve">{escape(big)}</t></si>'
                   + strings[longest.end():])
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = strings.encode("utf-8") if info.filename == "xl/sharedStrings.xml" else zin.read(info.filename)
                zout.writestr(info, data)
    return dst


def step_read_big_cell(master: Path, tmp: Path) -> Callable[[], dict]:
    """``read`` of the example master with one 1 MB cell (``master`` is not used: the cell is the size)."""
    import ampel_xl.reader.sniff  # noqa: F401 - imports are not timed
    from ampel_xl.reader import read

    path = make_big_cell_master(tmp / "big_cell.xlsx")

    def run() -> dict:
        k = read(path)
        texts = [f.sachstand or "" for f in k.felder] + [m.text for m in k.massnahmen]
        return {"measures": len(k.massnahmen), "longest_text": max(map(len, texts), default=0)}

    return run


# The public functions are imported from their modules: after ``import ampel_xl.validate`` the
# package attribute ``ampel_xl.validate`` is that submodule, no longer the lazy function.


def _read_untimed(master: Path):
    from ampel_xl.reader import read

    return read(master)


def step_validate(master: Path, tmp: Path) -> Callable[[], dict]:
    from ampel_xl.validation import validate

    konzept = _read_untimed(master)

    def run() -> dict:
        report = validate(konzept)
        return {"findings": len(report.findings), "errors": len(report.errors)}

    return run


def step_summarize(master: Path, tmp: Path) -> Callable[[], dict]:
    import pandas  # noqa: F401

    from ampel_xl.figures import summarize

    konzept = _read_untimed(master)

    def run() -> dict:
        summary = summarize(konzept)
        return {"rows": len(summary.unterziele)}

    return run


def step_write_summary(master: Path, tmp: Path) -> Callable[[], dict]:
    import xlsxwriter  # noqa: F401 - imports are not timed

    from ampel_xl.figures import summarize
    from ampel_xl.validation import validate
    from ampel_xl.xlsx.summary import write_summary

    konzept = _read_untimed(master)
    summary = summarize(konzept, report=validate(konzept))
    out = tmp / "Zusammenfassung.xlsx"

    def run() -> dict:
        write_summary(summary, out)
        return {"bytes": out.stat().st_size if out.exists() else None}

    return run


def step_write_report(master: Path, tmp: Path) -> Callable[[], dict]:
    from ampel_xl.ampeldokument.document import write_report  # imports are not timed
    from ampel_xl.figures import summarize
    from ampel_xl.validation import validate

    konzept = _read_untimed(master)
    summary = summarize(konzept, report=validate(konzept))
    out = tmp / "Ampeldokument.docx"

    def run() -> dict:
        write_report(summary, out)
        return {"bytes": out.stat().st_size if out.exists() else None}

    return run


# --------------------------------------------------------------------------------------------
# What is measured


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    kind: str  # "ampel", "baseline", "cli"
    prepare: Callable[[Path, Path], Callable[[], dict]] | None = None
    needs: tuple[str, ...] = ()  # importable modules (missing → skipped)
    needs_ampel: tuple[str, ...] = ()  # ampel_xl modules (missing → skipped: not written yet)
    cli: tuple[str, ...] = ()  # arguments after the master for CLI steps
    slow: bool = False  # projected from the previous size; skipped when over the budget


STEPS: tuple[Step, ...] = (
    Step("read", "ampel_xl.read", "ampel", step_read),
    Step("validate", "ampel_xl.validate", "ampel", step_validate),
    Step("summarize", "ampel_xl.summarize", "ampel", step_summarize),
    Step("write_summary", "ampel_xl.write_summary", "ampel", step_write_summary, needs_ampel=("xlsx.summary",)),
    Step("write_report", "ampel_xl.write_report", "ampel", step_write_report, needs_ampel=("ampeldokument.document",)),
    Step("cli_validate", "ampel-xl validate (end to end)", "cli", cli=("validate",)),
    Step("cli_summary", "ampel-xl summary (end to end)", "cli", cli=("summary",), needs_ampel=("xlsx.summary",)),
    Step("cli_report", "ampel-xl report (end to end)", "cli", cli=("report",), needs_ampel=("ampeldokument.document",)),
    Step("openpyxl_ro", "openpyxl read-only: values + fills", "baseline", step_openpyxl_ro, needs=("openpyxl",)),
    Step("openpyxl_full", "openpyxl load_workbook: values + fills", "baseline", step_openpyxl_full,
         needs=("openpyxl",)),
    Step("pandas_openpyxl", "pandas.read_excel (openpyxl, values only)", "baseline", step_pandas("openpyxl"),
         needs=("pandas", "openpyxl")),
    Step("pandas_calamine", "pandas.read_excel (calamine, values only)", "baseline", step_pandas("calamine"),
         needs=("pandas", "python_calamine")),
    Step("styleframe", "StyleFrame read_excel(read_style=True)", "baseline", step_styleframe,
         needs=("styleframe",), slow=True),
    Step("lxml_floor", "lxml pass: values + fills (floor)", "baseline", step_lxml_floor, needs=("lxml",)),
)
#: Measured once per benchmark run, whatever the sizes and --steps (like the start-up commands).
BIG_CELL_STEP = Step("read_big_cell", "ampel_xl.read: example master with one 1 MB cell", "ampel",
                     step_read_big_cell)
STEP_BY_KEY = {s.key: s for s in (*STEPS, BIG_CELL_STEP)}
REFERENCE = "openpyxl_ro"
LINEAR_SIZES = (2000, 100000)
LINEAR_TOLERANCE = 0.30
MEMORY_LIMIT_MB = 300
HELP_LIMIT_S = 0.2
SUMMARY_IMPORT_FACTOR = 2.0


#: The hostile-input caps that refuse masters of this benchmark's larger sizes (module, name).
LIMITS = (("ampel_xl.reader", "MAX_TABLE_ROWS"), ("ampel_xl.reader.sniff", "MAX_XML_TAGS"))
LIFT_ENV = "AMPEL_BENCH_LIFT_LIMITS"


def lift_limits() -> list[str]:
    """Raise the hostile-input caps in this process (only for measuring); return what was lifted."""
    import importlib

    lifted = []
    for module_name, attr in LIMITS:
        module = importlib.import_module(module_name)
        if hasattr(module, attr):
            lifted.append(f"{module_name.rsplit('.', 1)[-1]}.{attr} = {getattr(module, attr):,}")
            setattr(module, attr, 10 ** 12)
    return lifted


#: ``python -c`` program that runs the command line with the caps lifted (as lift_limits does).
CLI_LIFTED = (
    "import importlib, sys\n"
    f"for name, attr in {LIMITS!r}:\n"
    "    module = importlib.import_module(name)\n"
    "    if hasattr(module, attr):\n"
    "        setattr(module, attr, 10 ** 12)\n"
    "from ampel_xl.cli import main\n"
    "sys.argv[0] = 'ampel-xl'\n"
    "main()\n"
)


def child_main(step_key: str, master: Path, tmp: Path) -> None:
    """Run one step once in this (fresh) process and print its result as one JSON line."""
    step = STEP_BY_KEY[step_key]
    assert step.prepare is not None
    if os.environ.get(LIFT_ENV) == "1":
        lift_limits()
    run = step.prepare(master, tmp)
    t0, c0 = time.perf_counter(), time.process_time()
    info = run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": _peak_rss_mb(), "info": info}))


# --------------------------------------------------------------------------------------------
# Running children


@dataclass
class Result:
    step: str
    size: int | str
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    note: str | None = None
    remark: str | None = None  # measured, but with fewer runs
    info: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.times) and self.note is None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def peak(self) -> float | None:
        return max(self.peaks) if self.peaks else None


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[int, float | None]:
    """Wait for ``proc``; return (exit code, peak RSS MB of the child from wait4 if available)."""
    deadline = time.monotonic() + timeout
    if hasattr(os, "wait4"):
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                scale = 1024 * 1024 if sys.platform == "darwin" else 1024
                return proc.returncode, usage.ru_maxrss / scale
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise subprocess.TimeoutExpired(proc.args, timeout)
            time.sleep(0.002)
    return proc.wait(timeout=timeout), None


def run_child(step: Step, master: Path, tmp: Path, timeout: float, lift: bool) -> tuple[float, float | None, dict]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step.key, "--master", str(master),
           "--tmp", str(tmp)]
    env = dict(os.environ, **{LIFT_ENV: "1" if lift else "0"})
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(" | ".join(tail) or f"exit code {proc.returncode}")
    line = [ln for ln in out.decode("utf-8", "replace").splitlines() if ln.startswith("{")][-1]
    data = json.loads(line)
    data["info"]["cpu_s"] = round(data["cpu"], 4)
    return data["seconds"], data["peak_mb"], data["info"]


def cli_command() -> list[str]:
    """How to start the command line: the console script if installed, else ``python -m ampel_xl``."""
    exe = shutil.which("ampel-xl", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return [exe] if exe else [sys.executable, "-m", "ampel_xl"]


def run_timed(cmd: list[str], timeout: float, ok_codes: tuple[int, ...] = (0, 1)) -> tuple[float, float | None]:
    """Wall time and peak RSS of one command, from process start to exit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    code, peak = _wait(proc, timeout)
    seconds = time.perf_counter() - t0
    if code not in ok_codes:
        err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()[-2:] if proc.stderr else []
        raise RuntimeError(f"exit code {code}: {' | '.join(err)}")
    return seconds, peak


def _available(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _lifted_limits_text() -> list[str]:
    """The caps the children lift, as "module.NAME = value" (asked in a fresh process)."""
    code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import benchmark; "
            "print(json.dumps(benchmark.lift_limits()))")
    out = _run_text([sys.executable, "-c", code])
    try:
        return [str(x) for x in json.loads(out.splitlines()[-1])] if out else []
    except (ValueError, IndexError, TypeError):
        return []


def _cli_has(command: str) -> bool:
    try:
        proc = subprocess.run([*cli_command(), command, "--help"], capture_output=True, timeout=60, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def _cli_args(step: Step, master: Path, tmp: Path, lift: bool) -> list[str]:
    start = [sys.executable, "-c", CLI_LIFTED] if lift else cli_command()
    args = [*start, step.cli[0], str(master)]
    if step.cli[0] == "summary":
        args += ["-o", str(tmp / "Zusammenfassung_cli.xlsx")]
    elif step.cli[0] == "report":
        args += ["-o", str(tmp / "Ampeldokument_cli.docx")]
    return args


def skip_reason(step: Step, cli_commands: dict[str, bool]) -> str | None:
    for module in step.needs:
        if not _available(module):
            extra = (" (optional extra: pip install -e \".[bench]\")"
                     if module in ("styleframe", "python_calamine") else "")
            return f"skipped: {module} is not installed{extra}"
    for module in step.needs_ampel:
        if not _available(f"ampel_xl.{module}"):
            return f"skipped: ampel_xl.{module} does not exist yet"
    if step.kind == "cli" and not cli_commands.get(step.cli[0], False):
        return f"skipped: the command line has no `{step.cli[0]}` command yet"
    return None


# --------------------------------------------------------------------------------------------
# Machine


def _run_text(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine_info() -> dict[str, str]:
    import importlib.metadata as md

    cpu = platform.processor() or platform.machine()
    lscpu = _run_text(["lscpu"])
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(fh.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        try:
            import psutil

            mem = f"{psutil.virtual_memory().total / 1024 ** 3:.1f} GB"
        except ImportError:
            pass
    versions = []
    for dist in ("ampel_xl", "openpyxl", "pandas", "xlsxwriter", "lxml", "python-calamine", "styleframe",
                 "click", "numpy", "python-docx", "matplotlib"):
        try:
            versions.append(f"{dist} {md.version(dist)}")
        except md.PackageNotFoundError:
            versions.append(f"{dist} –")
    try:
        load = "load average at the end {:.1f} / {:.1f} / {:.1f} (1 / 5 / 15 min)".format(*os.getloadavg())
    except (OSError, AttributeError):
        load = ""
    commit = _run_text(["git", "rev-parse", "--short", "HEAD"])
    dirty = _run_text(["git", "status", "--porcelain", "--untracked-files=no", "--", "ampel_xl"])
    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs" + (f"; {load}" if load else ""),
        "memory": mem,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": ", ".join(versions),
        "commit": (commit + (" (with local changes in ampel_xl/)" if dirty else "")) if commit else "–",
    }


# --------------------------------------------------------------------------------------------
# Tables


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def _per_k(result: Result, size: int) -> float | None:
    return result.median * 1000 / size * 1000 if result.median is not None else None  # ms per 1,000


MID_SIZE = 20000


def marginal_changes(results: dict[tuple[str, int | str], Result]) -> dict[str, float]:
    """Change of the marginal cost per measure: slope from 20,000 to 100,000 against the slope
    from 2,000 to 20,000. Fixed costs (start-up, imports, opening the file) cancel out."""
    lo, hi = LINEAR_SIZES
    out = {}
    for step in STEPS:
        a, m, b = (results.get((step.key, n)) for n in (lo, MID_SIZE, hi))
        if all(r is not None and r.times for r in (a, m, b)):
            s1 = (m.median - a.median) / (MID_SIZE - lo)
            s2 = (b.median - m.median) / (hi - MID_SIZE)
            if s1 > 0:
                out[step.key] = s2 / s1 - 1
    return out


def linear_changes(results: dict[tuple[str, int | str], Result]) -> dict[str, float]:
    """Relative change of the cost per measure from the small to the large linearity size."""
    lo, hi = LINEAR_SIZES
    out = {}
    for step in STEPS:
        a, b = results.get((step.key, lo)), results.get((step.key, hi))
        if a is not None and b is not None and a.times and b.times:
            out[step.key] = _per_k(b, hi) / _per_k(a, lo) - 1
    return out


def render(results: dict[tuple[str, int | str], Result], sizes: list[int], startup: dict[str, Result],
           machine: dict[str, str], repeats: int, lifted: list[str] | None = None) -> str:
    lines: list[str] = []
    add = lines.append
    add("# Benchmark")
    add("")
    add("Generated by `python scripts/benchmark.py` (masters from `scripts/make_bench_masters.py`: hierarchical "
        "layout as in the example master, 11 field sheets, status cells coloured with plain RGB and with theme "
        "colours plus tint). Each run of each step is a fresh process, and the steps take turns (one run "
        f"each per round); times are medians over {repeats} run(s), peak RSS is the largest over the runs.")
    add("")
    if lifted:
        add(f"The hostile-input caps ({', '.join(lifted)}) refuse masters beyond about 20,000 table rows; "
            "the benchmark lifts them in its own processes to measure the larger sizes (`--keep-limits` "
            "measures as shipped).")
        add("")
    add("## Machine")
    add("")
    for key in ("date", "cpu", "memory", "os", "python", "libraries", "commit"):
        add(f"- **{key.capitalize()}**: {machine.get(key, '–')}")
    add("")

    ref = {n: results.get((REFERENCE, n)) for n in sizes}

    def ratio(r: Result, n: int) -> float | None:
        base = ref.get(n)
        if r.median is None or base is None or not base.median:
            return None
        return r.median / base.median

    head = "| Step | " + " | ".join(f"{n:,}" for n in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    add("## Time")
    add("")
    add("Median seconds; in brackets the ratio to the openpyxl read-only pass over every value and fill on the "
        "same file (lower is faster). Library steps are timed after their imports; `ampel-xl …` rows are whole "
        "processes (start-up, imports, read, work, output).")
    add("")
    add(head)
    add(rule)
    notes: list[str] = []
    for step in STEPS:
        cells = []
        for n in sizes:
            r = results.get((step.key, n))
            if r is None:
                cells.append("–")
            elif r.note and not r.times:
                cells.append("skipped")
                notes.append(f"{step.label} at {n:,}: {r.note}")
            else:
                cells.append(f"{_fmt_s(r.median)} ({_fmt_ratio(ratio(r, n))})" + ("¹" if r.remark else ""))
                if r.remark:
                    notes.append(f"¹ {step.label} at {n:,}: {r.remark}")
        add(f"| {step.label} | " + " | ".join(cells) + " |")
    add("")
    cpu = {key: statistics.median(r.info["cpu_runs"]) for key, r in results.items() if r.info.get("cpu_runs")}
    if cpu:
        add("## CPU time")
        add("")
        add("Median CPU seconds of the library steps (the process's own time, timed like the wall time above), "
            "in brackets the ratio to the openpyxl read-only pass: on a machine shared with other work the wall "
            "time moves with the load, the CPU time much less.")
        add("")
        add(head)
        add(rule)
        for step in STEPS:
            if not any((step.key, n) in cpu for n in sizes):
                continue
            cells = []
            for n in sizes:
                mine, base = cpu.get((step.key, n)), cpu.get((REFERENCE, n))
                cells.append("–" if mine is None else
                             f"{_fmt_s(mine)} ({_fmt_ratio(mine / base if base else None)})")
            add(f"| {step.label} | " + " | ".join(cells) + " |")
        add("")
    add("## Peak memory")
    add("")
    add("Peak RSS in MB of the process running the step (Python, its imports and, for validate, summarize and the "
        "writers, the read they need).")
    add("")
    add(head)
    add(rule)
    for step in STEPS:
        cells = []
        for n in sizes:
            r = results.get((step.key, n))
            cells.append("skipped" if r is not None and not r.times else
                         (f"{r.peak:.0f}" if r is not None and r.peak is not None else "–"))
        add(f"| {step.label} | " + " | ".join(cells) + " |")
    add("")

    lo, hi = LINEAR_SIZES
    add("## Scaling")
    add("")
    add(f"Milliseconds per 1,000 measures. Linear means the cost per measure at {hi:,} is within "
        f"±{LINEAR_TOLERANCE:.0%} of that at {lo:,}. A fixed cost (process start-up, imports) makes the "
        f"cost per measure at {lo:,} look high, so the last column compares the marginal cost instead: "
        f"the slope from {MID_SIZE:,} to {hi:,} against the slope from {lo:,} to {MID_SIZE:,}.")
    add("")
    add("| Step | " + " | ".join(f"{n:,}" for n in sizes) + f" | {hi:,} vs {lo:,} | marginal |")
    add("|---|" + "---:|" * len(sizes) + "---|---|")
    linear = linear_changes(results)
    marginal = marginal_changes(results)
    for step in STEPS:
        cells = []
        for n in sizes:
            r = results.get((step.key, n))
            cells.append(f"{_per_k(r, n):.2f}" if r is not None and r.times else "–")
        change = linear.get(step.key)
        if change is not None:
            verdict = f"{change:+.0%} " + ("✓" if abs(change) <= LINEAR_TOLERANCE else "✗")
        else:
            verdict = "–"
        m = marginal.get(step.key)
        m_text = "–" if m is None else f"{m:+.0%} " + ("✓" if abs(m) <= LINEAR_TOLERANCE else "✗")
        add(f"| {step.label} | " + " | ".join(cells) + f" | {verdict} | {m_text} |")
    add("")

    add("## Start-up")
    add("")
    add("Median wall time of whole processes.")
    add("")
    add("| Command | Median | Peak RSS MB |")
    add("|---|---:|---:|")
    for key, r in startup.items():
        if key == BIG_CELL_STEP.label:
            continue
        if r.note and not r.times:
            add(f"| {key} | skipped | – |")
            notes.append(f"{key}: {r.note}")
        else:
            add(f"| {key} | {_fmt_s(r.median)} | {r.peak:.0f} |" if r.peak is not None else
                f"| {key} | {_fmt_s(r.median)} | – |")
    help_r = startup.get(HELP_KEY)
    if help_r is not None and help_r.info.get("heavy") is not None:
        heavy = help_r.info["heavy"]
        add("")
        add(f"Heavy modules imported by `ampel-xl --help`: {', '.join(heavy) if heavy else 'none'}.")
    add("")

    big = startup.get(BIG_CELL_STEP.label)
    if big is not None:
        add("## One large cell")
        add("")
        add(f"The example master with its longest text grown to {BIG_CELL_CHARS:,} characters (one cell near the "
            "top of a field sheet, where titles, labels and the header are looked for): every step of the read "
            "must stay linear in a cell's length. Median of fresh processes, timed after the imports.")
        add("")
        add("| Step | Median | Runs | Peak RSS MB |")
        add("|---|---:|---:|---:|")
        peak = f"{big.peak:.0f}" if big.peak is not None else "–"
        add(f"| {BIG_CELL_STEP.label} | {_fmt_s(big.median) if big.times else 'skipped'} | {len(big.times)} | "
            f"{peak} |")
        if big.note:
            notes.append(f"{BIG_CELL_STEP.label}: {big.note}")
        add("")

    add("## Targets")
    add("")
    add("| Target | Measured | Holds |")
    add("|---|---|---|")
    for target, measured, holds in evaluate_targets(results, sizes, startup, linear):
        add(f"| {target} | {measured} | {'✓' if holds else '✗' if holds is False else '–'} |")
    add("")
    if notes:
        add("## Notes")
        add("")
        for note in dict.fromkeys(notes):
            add(f"- {note}")
        add("")
    add("## How to reproduce")
    add("")
    add("```")
    add('python -m pip install -e ".[bench]"')
    add("python scripts/benchmark.py            # all sizes, 3 runs each; rewrites docs/benchmark.md")
    add("python scripts/benchmark.py --sizes 193 --repeats 1 --output /tmp/bench.md   # quick check")
    add("```")
    add("")
    add("The masters are generated once into the system's temporary folder (`ampel_xl_bench`); "
        "`python scripts/make_bench_masters.py --help` writes them anywhere.")
    return "\n".join(lines)


HELP_KEY = "ampel-xl --help"
IMPORT_KEY = 'python -c "import pandas, openpyxl, xlsxwriter"'
SUMMARY_KEY = "ampel-xl summary (example master)"
VALIDATE_KEY = "ampel-xl validate (example master)"


def evaluate_targets(results: dict[tuple[str, int | str], Result], sizes: list[int], startup: dict[str, Result],
                     linear: dict[str, float]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []

    def med(step: str, n: int) -> float | None:
        r = results.get((step, n))
        return r.median if r is not None and r.times else None

    # read vs openpyxl read-only, vs lxml floor, vs StyleFrame
    ratios = [(n, med("read", n), med(REFERENCE, n), med("lxml_floor", n)) for n in sizes]
    big = ([(n, a, b, c) for n, a, b, c in ratios if n >= 2000 and a and b]
           or [(n, a, b, c) for n, a, b, c in ratios if a and b])
    if big:
        worst = max(big, key=lambda x: x[1] / x[2])
        out.append(("`read` no slower than openpyxl read-only (ratio ≤ 1.0, sizes ≥ 2,000)",
                    ", ".join(f"{n:,}: {a / b:.2f}" for n, a, b, _ in big), worst[1] / worst[2] <= 1.0))
        floors = [(n, a, c) for n, a, _, c in big if c]
        if floors:
            worst_f = max(a / c for _, a, c in floors)
            out.append(("`read` within 2× of the lxml floor",
                        ", ".join(f"{n:,}: {a / c:.2f}×" for n, a, c in floors), worst_f <= 2.0))
    sf = [(n, med("styleframe", n), med("read", n)) for n in sizes]
    sf = [(n, s, r) for n, s, r in sf if s and r]
    if sf:
        n, s, r = max(sf, key=lambda x: x[0])
        out.append(("`read` at least 20× faster than StyleFrame", f"{s / r:.0f}× at {n:,}", s / r >= 20))
    else:
        out.append(("`read` at least 20× faster than StyleFrame", "StyleFrame not measured", None))

    lo, hi = LINEAR_SIZES
    ampel_steps = [s.key for s in STEPS if s.kind in ("ampel", "cli")]
    marginal = {k: v for k, v in marginal_changes(results).items() if k in ampel_steps}
    measured = {k: v for k, v in linear.items() if k in ampel_steps and v is not None}
    if measured:
        bad = {k: v for k, v in measured.items() if abs(v) > LINEAR_TOLERANCE}
        text = ", ".join(f"{STEP_BY_KEY[k].label} {v:+.0%}" for k, v in measured.items())
        out.append((f"Linear: cost per measure at {hi:,} within ±{LINEAR_TOLERANCE:.0%} of {lo:,}, every step",
                    text, not bad))
    else:
        out.append((f"Linear: cost per measure at {hi:,} within ±{LINEAR_TOLERANCE:.0%} of {lo:,}, every step",
                    f"needs sizes {lo:,} and {hi:,}", None))
    if marginal:
        bad = {k: v for k, v in marginal.items() if abs(v) > LINEAR_TOLERANCE}
        out.append((f"Linear, fixed costs excluded: marginal cost per measure {MID_SIZE:,}→{hi:,} within "
                    f"±{LINEAR_TOLERANCE:.0%} of {lo:,}→{MID_SIZE:,}, every step",
                    ", ".join(f"{STEP_BY_KEY[k].label} {v:+.0%}" for k, v in marginal.items()), not bad))

    peaks = [(k, results.get((k, hi))) for k in ("read", "summarize")]
    peaks = [(k, r.peak) for k, r in peaks if r is not None and r.peak is not None]
    if peaks:
        worst_p = max(p for _, p in peaks)
        out.append((f"Peak RSS reading and summarising {hi:,} measures < {MEMORY_LIMIT_MB} MB",
                    ", ".join(f"{k} {p:.0f} MB" for k, p in peaks), worst_p < MEMORY_LIMIT_MB))
    else:
        out.append((f"Peak RSS reading and summarising {hi:,} measures < {MEMORY_LIMIT_MB} MB",
                    f"needs size {hi:,}", None))

    big = startup.get(BIG_CELL_STEP.label)
    if big is not None and big.times:
        out.append((f"`read` of a master with one 1 MB cell under {BIG_CELL_LIMIT_S:g} s, the text kept whole",
                    f"{_fmt_s(big.median)}" + (f" ({big.note})" if big.note else ""),
                    big.median < BIG_CELL_LIMIT_S and not big.note))
    else:
        out.append((f"`read` of a master with one 1 MB cell under {BIG_CELL_LIMIT_S:g} s, the text kept whole",
                    big.note if big is not None and big.note else "not measured", None))

    h = startup.get(HELP_KEY)
    if h is not None and h.times:
        heavy = h.info.get("heavy") or []
        out.append((f"`ampel-xl --help` under {HELP_LIMIT_S} s, no pandas/openpyxl/matplotlib",
                    f"{_fmt_s(h.median)}, heavy imports: {', '.join(heavy) or 'none'}",
                    h.median < HELP_LIMIT_S and not set(heavy) & {"pandas", "openpyxl", "matplotlib"}))
    s, i = startup.get(SUMMARY_KEY), startup.get(IMPORT_KEY)
    if s is not None and s.times and i is not None and i.times:
        out.append((f"`ampel-xl summary` on the example master ≤ {SUMMARY_IMPORT_FACTOR:g}× importing its libraries",
                    f"{_fmt_s(s.median)} vs {_fmt_s(i.median)} = {s.median / i.median:.2f}×",
                    s.median <= SUMMARY_IMPORT_FACTOR * i.median))
    else:
        v = startup.get(VALIDATE_KEY)
        proxy = (
            f"summary command not available; `ampel-xl validate`: {_fmt_s(v.median)} vs "
            f"{_fmt_s(i.median)} = {v.median / i.median:.2f}×"
        ) if v and v.times and i and i.times else "not measured"
        out.append((f"`ampel-xl summary` on the example master ≤ {SUMMARY_IMPORT_FACTOR:g}× importing its libraries",
                    proxy, None))
    return out


# --------------------------------------------------------------------------------------------
# Main


def _help_heavy_modules() -> list[str] | None:
    """Which heavy modules the CLI imports to answer --help (checked in a fresh process)."""
    code = (
        "import sys\n"
        "from ampel_xl.cli import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='ampel-xl', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    out = _run_text([sys.executable, "-c", code])
    for line in out.splitlines():
        if line.startswith("HEAVY="):
            return [m for m in line[6:].split(",") if m]
    return None


def measure_startup(repeats: int, tmp: Path, timeout: float, cli_commands: dict[str, bool],
                    log: Callable[[str], None]) -> dict[str, Result]:
    cli = cli_command()
    out: dict[str, Result] = {}
    runs: list[tuple[str, list[str] | None, str | None]] = [
        (HELP_KEY, [*cli, "--help"], None),
        (IMPORT_KEY, [sys.executable, "-c", "import pandas, openpyxl, xlsxwriter"], None),
        (VALIDATE_KEY, [*cli, "validate", str(EXAMPLE_MASTER)], None),
        (SUMMARY_KEY, [*cli, "summary", str(EXAMPLE_MASTER), "-o", str(tmp / "Zusammenfassung_example.xlsx")]
         if cli_commands.get("summary") else None, "the command line has no `summary` command yet"),
    ]
    for key, cmd, why in runs:
        r = Result(key, "startup")
        if cmd is None:
            r.note = f"skipped: {why}"
        else:
            # one warm-up run (file-system caches), not counted
            try:
                run_timed(cmd, timeout)
                for _ in range(repeats):
                    seconds, peak = run_timed(cmd, timeout)
                    r.times.append(seconds)
                    if peak is not None:
                        r.peaks.append(peak)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                r.note = f"failed: {exc}"
        if key == HELP_KEY:
            r.info["heavy"] = _help_heavy_modules()
        out[key] = r
        log(f"  {key}: {_fmt_s(r.median)} {r.note or ''}")
    return out


def measure_big_cell(repeats: int, tmp: Path, timeout: float, lift: bool,
                     log: Callable[[str], None]) -> Result:
    """``read`` of a master whose one cell holds 1 MB of text, each run a fresh process."""
    r = Result(BIG_CELL_STEP.label, "startup")
    try:
        for _ in range(repeats):
            seconds, peak, info = run_child(BIG_CELL_STEP, EXAMPLE_MASTER, tmp, timeout, lift)
            r.times.append(seconds)
            if peak is not None:
                r.peaks.append(peak)
            r.info = info
        if r.info.get("longest_text", 0) < BIG_CELL_CHARS - 1:
            r.note = f"the 1 MB text was not kept whole ({r.info.get('longest_text')} characters read)"
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, IndexError) as exc:
        r.note = f"failed: {exc}"
    log(f"  {BIG_CELL_STEP.label}: {_fmt_s(r.median)} {r.note or ''}")
    return r


def rerender(raw_path: Path, output: Path) -> int:
    """Render the Markdown of an earlier run from its raw results (--json)."""
    raw = json.loads(raw_path.read_text(encoding="utf-8"))
    results: dict[tuple[str, int | str], Result] = {}
    for item in raw["results"]:
        results[(item["step"], item["size"])] = Result(item["step"], item["size"], item["times"], item["peaks"],
                                                       item["note"], item.get("remark"), item["info"])
    startup = {item["command"]: Result(item["command"], "startup", item["times"], item["peaks"], item["note"],
                                       None, item["info"]) for item in raw["startup"]}
    sizes = raw.get("sizes") or sorted({r.size for r in results.values() if isinstance(r.size, int)})
    table = render(results, sizes, startup, raw.get("machine") or machine_info(), raw.get("repeats", 3),
                   raw.get("lifted"))
    print(table)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(table + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of measures")
    parser.add_argument("--repeats", type=int, default=3, help="runs per step and size (median)")
    parser.add_argument("--startup-repeats", type=int, default=None, help="runs per start-up command (default: "
                        "max(5, --repeats))")
    parser.add_argument("--steps", nargs="+", choices=[s.key for s in STEPS], help="only these steps")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown file for the tables")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON")
    parser.add_argument("--workdir", type=Path, default=None, help="where the generated masters are cached")
    parser.add_argument("--slow-budget", type=float, default=60.0,
                        help="skip StyleFrame at a size when its projected time per run exceeds this (seconds)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per run, seconds")
    parser.add_argument("--keep-limits", action="store_true",
                        help="measure with the hostile-input caps (reader.MAX_TABLE_ROWS, sniff.MAX_XML_TAGS) in "
                             "place; by default the benchmark lifts them in its own processes, as they refuse the "
                             "larger masters")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target does not hold")
    parser.add_argument("--from-json", type=Path, metavar="JSON",
                        help="render the tables of an earlier run (its --json file) again, without measuring")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--master", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child_main(args.child, args.master, args.tmp)
        return 0
    if args.from_json:
        return rerender(args.from_json, args.output)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    sizes = sorted(set(args.sizes))
    steps = [s for s in STEPS if not args.steps or s.key in args.steps]
    sys.path.insert(0, str(HERE))
    import make_bench_masters as gen  # light: xlsxwriter is imported only when writing

    workdir = args.workdir or gen.default_directory()
    workdir.mkdir(parents=True, exist_ok=True)
    # Generate in a subprocess so that this process stays small (a child's ru_maxrss on Linux
    # starts from its parent's size at fork).
    missing = [n for n in sizes if not gen.master_path(workdir, n).exists()]
    if missing:
        log(f"generating masters: {', '.join(f'{n:,}' for n in missing)} → {workdir}")
        subprocess.run([sys.executable, str(HERE / "make_bench_masters.py"), "--sizes", *map(str, missing),
                        "-o", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    masters = {n: gen.master_path(workdir, n) for n in sizes}

    cli_commands = {name: _cli_has(name) for name in ("validate", "summary", "report")}
    lift = not args.keep_limits
    lifted = _lifted_limits_text() if lift else []
    results: dict[tuple[str, int | str], Result] = {}
    with tempfile.TemporaryDirectory(prefix="ampel_bench_") as tmpname:
        tmp = Path(tmpname)
        for n in sizes:
            log(f"{n:,} measures ({masters[n].stat().st_size / 1e6:.1f} MB)")
            planned: dict[str, int] = {}  # step → runs at this size
            for step in steps:
                r = Result(step.key, n)
                results[(step.key, n)] = r
                reason = skip_reason(step, cli_commands)
                repeats = args.repeats
                prev = [m for m in sizes if m < n and results.get((step.key, m)) and results[(step.key, m)].times]
                if reason is None and prev:
                    m = prev[-1]
                    projected = results[(step.key, m)].median * n / m
                    if projected > args.slow_budget:
                        over = (f"projected {projected:.0f} s per run from {m:,} measures, over the budget of "
                                f"{args.slow_budget:.0f} s (--slow-budget)")
                        if step.slow:  # a peer: not worth the wait
                            reason = f"skipped: {over}"
                        elif repeats > 1:  # ours: measured, once
                            repeats = 1
                            r.remark = f"one run only: {over}"
                if reason:
                    r.note = reason
                    log(f"  {step.key}: {reason}")
                    continue
                planned[step.key] = repeats
            # The steps take turns, one run each per round: a machine that slows down or speeds up
            # during the run (a shared VM does) then moves every step alike, and the ratios to the
            # reference stay comparable.
            for round_ in range(max(planned.values(), default=0)):
                for step in steps:
                    r = results[(step.key, n)]
                    if planned.get(step.key, 0) <= round_ or r.note:
                        continue
                    try:
                        if step.kind == "cli":
                            seconds, peak = run_timed(_cli_args(step, masters[n], tmp, lift), args.timeout)
                            info: dict = {}
                        else:
                            seconds, peak, info = run_child(step, masters[n], tmp, args.timeout, lift)
                        r.times.append(seconds)
                        if peak is not None:
                            r.peaks.append(peak)
                        cpu_runs = [*r.info.get("cpu_runs", []), info["cpu_s"]] if "cpu_s" in info else []
                        r.info = {**info, "cpu_runs": cpu_runs} if cpu_runs else info
                    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, IndexError) as exc:
                        r.note = f"failed: {exc}"
                        r.times.clear()
            for step in steps:
                r = results[(step.key, n)]
                if step.key in planned:
                    log(f"  {step.key}: {_fmt_s(r.median)}, peak {r.peak or 0:.0f} MB {r.note or ''}")
        log("start-up")
        startup = measure_startup(args.startup_repeats or max(5, args.repeats), tmp, args.timeout, cli_commands, log)
        startup[BIG_CELL_STEP.label] = measure_big_cell(max(3, args.repeats), tmp, args.timeout, lift, log)

    machine = machine_info()
    table = render(results, sizes, startup, machine, args.repeats, lifted)
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table + "\n", encoding="utf-8")
    log(f"written: {args.output}")
    if args.json:
        raw = {
            "sizes": sizes,
            "repeats": args.repeats,
            "lifted": lifted,
            "machine": machine,
            "results": [{"step": r.step, "size": r.size, "times": r.times, "peaks": r.peaks, "note": r.note,
                         "remark": r.remark, "info": r.info} for r in results.values()],
            "startup": [{"command": k, "times": r.times, "peaks": r.peaks, "note": r.note, "info": r.info}
                        for k, r in startup.items()],
        }
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    if args.check:
        failed = [t for t, _, holds in evaluate_targets(results, sizes, startup, linear_changes(results))
                  if holds is False]
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
