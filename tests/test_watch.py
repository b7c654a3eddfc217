"""Watch mode, driven by real file writes in a temporary directory (every wait is bounded)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ampel_xl.errors import ReadError, WriteError
from ampel_xl.export import to_csv_bytes
from ampel_xl.reader import read
from ampel_xl.watch import default_action, run_watch
from builders import build, simple_field

TIMEOUT = 20.0
INTERVAL = 0.1


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def master_bytes(tmp_path: Path, name: str, statuses: tuple[str, ...]) -> bytes:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    return build(scratch / name, [simple_field(statuses=statuses)]).read_bytes()


def excel_save(target: Path, data: bytes) -> None:
    """Save the way Excel does: write a temporary file, move the old master away, rename, delete."""
    tmp = target.with_name("A1B2C3D4")
    with open(tmp, "wb") as fh:
        for i in range(0, len(data), 4096):
            fh.write(data[i:i + 4096])
    backup = target.with_name("E5F6A7B8.tmp")
    if target.exists():
        os.replace(target, backup)
    os.replace(tmp, target)
    if backup.exists():
        backup.unlink()


class Watcher:
    """run_watch in a thread, with its messages collected."""

    def __init__(self, master: Path, out: Path | None = None, **kwargs) -> None:
        self.messages: list[str] = []
        self.stop = threading.Event()
        self.result: list[int] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(run_watch(master, out, interval=INTERVAL, stop=self.stop,
                                                        echo=self.messages.append, **kwargs)),
            daemon=True,
        )

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "run_watch did not stop"

    def said(self, text: str) -> bool:
        return any(text in m for m in self.messages)


@pytest.fixture
def versions(tmp_path):
    a = master_bytes(tmp_path, "a.xlsx", ("Rot", "Gelb"))
    b = master_bytes(tmp_path, "b.xlsx", ("Grün", "Grün", "Gelb"))
    assert a != b
    return a, b


def test_summary_follows_excel_saves(tmp_path, versions):
    """Start, then a half-written save (ignored), then the full one (summary updated)."""
    a, b = versions
    master = tmp_path / "Ampel-Master.xlsx"
    out = tmp_path / "Ampel-Master_Zusammenfassung.xlsx"
    master.write_bytes(a)
    expected = {}  # what the summary command makes of each version (deterministic bytes)
    for key, data in (("a", a), ("b", b)):
        src = tmp_path / "expected" / key / master.name  # the same name: it is written into the summary
        src.parent.mkdir(parents=True)
        src.write_bytes(data)
        expected[key] = default_action(src.parent / out.name)(src).written[0].read_bytes()
    assert expected["a"] != expected["b"]

    with Watcher(master, out) as w:
        assert wait_for(lambda: out.exists() and out.read_bytes() == expected["a"]), w.messages
        lock = tmp_path / "~$Ampel-Master.xlsx"
        lock.write_bytes(b"\x00" * 165)  # Excel's lock file while the master is open
        excel_save(master, b[: len(b) // 2])  # a half-written master
        time.sleep(15 * INTERVAL)
        assert out.read_bytes() == expected["a"], "a half-written master must not be summarised"
        excel_save(master, b)
        assert wait_for(lambda: out.read_bytes() == expected["b"]), w.messages
        lock.unlink()
    assert w.result == [2]
    assert w.messages[0].startswith("Beobachte „Ampel-Master.xlsx“")
    assert sum("Zusammenfassung erneuert" in m for m in w.messages) == 2
    assert not w.said("unvollständig") and not w.said("beschädigt")
    assert w.messages[-1] == "Beobachtung beendet. Auf Wiedersehen!"
    assert not list(tmp_path.glob(".~ampel_*")), "no temporary output may be left behind"


def test_target_open_in_excel_is_reported_and_retried(tmp_path, versions):
    a, b = versions
    master = tmp_path / "m.xlsx"
    out = tmp_path / "export.csv"
    master.write_bytes(a)
    blocked = threading.Event()
    blocked.set()

    def action(path: Path) -> Path:
        if blocked.is_set():
            raise WriteError(f"Die Datei „{out.name}“ kann nicht geschrieben werden: sie ist wohl in Excel geöffnet.")
        out.write_bytes(to_csv_bytes(read(path)))
        return out

    with Watcher(master, action=action) as w:
        assert wait_for(lambda: w.said("in Excel geöffnet")), w.messages
        assert w.said("Neuer Versuch beim nächsten Speichern")
        assert not out.exists()
        time.sleep(5 * INTERVAL)
        assert sum("in Excel geöffnet" in m for m in w.messages) == 1, "reported once per save"
        blocked.clear()
        excel_save(master, b)
        assert wait_for(lambda: out.exists()), w.messages
    assert out.read_bytes() == to_csv_bytes(read(master))


def test_unreadable_master_waits_for_the_next_save(tmp_path, versions):
    a, _ = versions
    master = tmp_path / "m.xlsx"
    with zipfile.ZipFile(master, "w") as zf:  # a complete zip, but no workbook inside
        zf.writestr("[Content_Types].xml", "<Types/>")
    calls: list[Path] = []

    def action(path: Path) -> Path:
        read(path)
        calls.append(path)
        return path

    with Watcher(master, action=action) as w:
        assert wait_for(lambda: w.said("Ich warte auf die nächste Speicherung")), w.messages
        assert not calls
        excel_save(master, a)
        assert wait_for(lambda: len(calls) == 1), w.messages


def test_missing_master_is_awaited(tmp_path, versions):
    a, _ = versions
    master = tmp_path / "m.xlsx"
    runs: list[Path] = []
    with Watcher(master, action=lambda p: runs.append(p) or p) as w:
        assert wait_for(lambda: w.said("gerade nicht vorhanden"))
        excel_save(master, a)
        assert wait_for(lambda: len(runs) == 1), w.messages


def test_max_events_ends_the_loop(tmp_path, versions):
    master = tmp_path / "m.xlsx"
    master.write_bytes(versions[0])
    messages: list[str] = []
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(
        run_watch(master, action=lambda p: p, interval=INTERVAL, max_events=1, echo=messages.append)), daemon=True)
    t.start()
    t.join(TIMEOUT)
    assert result == [1]
    assert messages[-1] == "Beobachtung beendet. Auf Wiedersehen!"


def test_keyboard_interrupt_ends_cleanly(tmp_path, versions):
    master = tmp_path / "m.xlsx"
    master.write_bytes(versions[0])

    def action(path: Path) -> Path:
        raise KeyboardInterrupt

    messages: list[str] = []
    assert run_watch(master, action=action, interval=INTERVAL, echo=messages.append) == 0
    assert messages[-1] == "Beobachtung beendet. Auf Wiedersehen!"


@pytest.mark.parametrize("name", ["~$Ampel-Master.xlsx"])
def test_lock_file_is_no_master(tmp_path, name):
    with pytest.raises(ReadError, match="Sperrdatei"):
        run_watch(tmp_path / name, tmp_path / "out.xlsx")


def test_summary_may_not_replace_the_master(tmp_path, versions):
    master = tmp_path / "m.xlsx"
    master.write_bytes(versions[0])
    with pytest.raises(WriteError, match="nicht den Master"):
        run_watch(master, master)


def test_cli_watch_ends_on_ctrl_c(tmp_path, versions):
    """The real command in a subprocess: writes the summary, and SIGINT ends it with a goodbye."""
    master = tmp_path / "Master.xlsx"
    master.write_bytes(versions[0])
    out = tmp_path / "Master_Zusammenfassung.xlsx"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ampel_xl", "watch", str(master), "--interval", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )
    lines: list[str] = []

    def collect() -> None:
        for line in proc.stdout:
            lines.append(line)

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    try:
        # SIGINT only once the run is reported, so that it cannot cut the report short
        assert wait_for(lambda: any("Zusammenfassung erneuert" in line for line in lines)), "nothing was written"
        assert out.exists()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
        reader.join(TIMEOUT)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    stdout = "".join(lines)
    assert proc.returncode == 0, stderr
    assert "Zusammenfassung erneuert" in stdout
    assert stdout.rstrip().endswith("Beobachtung beendet. Auf Wiedersehen!")
    assert "Traceback" not in stdout + stderr
    assert master.read_bytes() == versions[0]
