"""Shared test setup.

The master guard (the issue's "the master is byte-identical after every command"), built
without patching any production code:

* every command run in-process through click's ``CliRunner`` is one scope: each argument that
  names an existing workbook (.xlsx, .xlsm) is fingerprinted (sha256 and mtime_ns) before the
  command and compared when it ends (the guard wraps the test tool ``CliRunner.invoke`` for the
  duration of each test, never ampel_xl itself);
* around every test, the workbooks that existed before it (the bundled example, ``workbooks/``,
  the masters of shared fixtures in pytest's temporary folder) must be unchanged afterwards, so
  an API call such as ``ampel_xl.read(master)`` cannot change a shared master unnoticed.

A change is recorded with the test that caused it, and the session then fails (exit status 1)
with a list in the terminal summary. Commands run in a subprocess are checked by the tests that
spawn them. Checking per command (not once per test) keeps tests that deliberately rewrite
their own master between two commands (compare, watch) from being mistaken for ampel_xl
writing to it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


def fingerprint(path: Path) -> tuple[str, int] | None:
    """(sha256, mtime_ns) of a regular file, None when it is none or cannot be read."""
    try:
        st = os.stat(path)
        if not os.path.isfile(path):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest(), st.st_mtime_ns
    except OSError:
        return None


@dataclass
class MasterGuard:
    depth: int = 0
    scope: dict[Path, tuple[str, int]] = field(default_factory=dict)
    seen: set[Path] = field(default_factory=set)
    calls: int = 0
    violations: list[str] = field(default_factory=list)
    current_test: str = "(außerhalb eines Tests)"

    def note(self, path: Any) -> None:
        """Fingerprint ``path`` the first time the current command touches it."""
        try:
            p = Path(os.fspath(path)).absolute()
        except TypeError:
            return
        self.calls += 1
        if p not in self.scope:
            fp = fingerprint(p)
            if fp is not None:
                self.scope[p] = fp
                self.seen.add(p)

    def enter(self) -> None:
        if self.depth == 0:
            self.scope = {}
        self.depth += 1

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.verify()

    def verify(self) -> None:
        for p, before in self.scope.items():
            if not p.exists():
                continue  # a test may delete its own master afterwards; nothing to compare
            after = fingerprint(p)
            if after != before:
                self.violations.append(f"{self.current_test}: {p} wurde verändert ({before} → {after})")
        self.scope = {}


GUARD = MasterGuard()
ROOT = Path(__file__).resolve().parent.parent
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Folders whose workbooks every test must leave alone (pytest's temporary folder is added per session).
SHARED_FOLDERS = [ROOT / "workbooks", ROOT / "ampel_xl" / "data"]


def _workbook_args(args: Any) -> list[Path]:
    """The arguments of a command that name an existing workbook file."""
    if isinstance(args, (str, os.PathLike)):
        args = [args]
    found = []
    for arg in args or ():
        try:
            p = Path(os.fspath(arg))
            if p.suffix.lower() in _WORKBOOK_SUFFIXES and p.is_file():
                found.append(p)
        except (TypeError, ValueError, OSError):  # no path, or one the system refuses (too long)
            continue
    return found


def _stat_fingerprints(folders: list[Path]) -> dict[Path, tuple[int, int, int]]:
    """(inode, size, mtime_ns) of every workbook below ``folders``: cheap enough for every test."""
    seen: dict[Path, tuple[int, int, int]] = {}
    for folder in folders:
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(_WORKBOOK_SUFFIXES):
                    p = Path(dirpath, name)
                    try:
                        st = p.stat()
                    except OSError:
                        continue
                    seen[p] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return seen


@pytest.fixture(autouse=True)
def _guard_masters(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch):
    """The master guard of each test (see the module docstring)."""
    from click.testing import CliRunner

    original_invoke = CliRunner.invoke

    @functools.wraps(original_invoke)
    def invoke(self, cli, args=None, *a, **kw):
        GUARD.enter()
        try:
            for path in _workbook_args(args):
                GUARD.note(path)
            return original_invoke(self, cli, args, *a, **kw)
        finally:
            GUARD.leave()

    monkeypatch.setattr(CliRunner, "invoke", invoke)
    folders = [*SHARED_FOLDERS, tmp_path_factory.getbasetemp()]
    before = _stat_fingerprints(folders)
    yield
    after = _stat_fingerprints(folders)
    for p, fp in before.items():
        if p in after and after[p] != fp:
            GUARD.violations.append(f"{request.node.nodeid}: {p} wurde verändert")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    GUARD.current_test = item.nodeid
    try:
        return (yield)
    finally:
        GUARD.current_test = "(außerhalb eines Tests)"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if GUARD.violations and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    tr = terminalreporter
    if GUARD.violations:
        tr.section("Master-Wächter: Master verändert!", red=True)
        for line in GUARD.violations:
            tr.line(line, red=True)
    else:
        tr.line(f"Master-Wächter: {len(GUARD.seen)} Master bei {GUARD.calls} Befehlen geprüft, alle unverändert.")


@pytest.fixture
def master_guard() -> MasterGuard:
    """The session's master guard (for tests of the guard itself)."""
    return GUARD
