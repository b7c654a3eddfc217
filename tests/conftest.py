"""Shared test setup.

The master guard (the issue's "the master is byte-identical after every command"):
for the whole test run, ``ampel_xl.sniff.check_master_file`` and ``ampel_xl.reader.read`` are
wrapped. Every path they are called on is fingerprinted (sha256 and mtime_ns) before the call;
when the outermost ampel_xl call ends (one CLI command run in-process by click's CliRunner, or
one ``read()``/``validate()`` from the API), the file must still have the same fingerprint.
Every reader path goes through ``check_master_file`` (the reader imports it at call time), so
commands run through CliRunner are seen too. A change is recorded with the test that caused it,
and the session then fails (exit status 1) with a list in the terminal summary. Commands run in
a subprocess are not seen; the tests that spawn one check the master themselves.

Checking per command (not once at session end) keeps tests that deliberately rewrite a master
between two commands (compare, watch) from being mistaken for ampel_xl writing to it.
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

    def wrap(self, fn):
        @functools.wraps(fn)
        def wrapper(path, *args, **kwargs):
            self.enter()
            try:
                self.note(path)
                return fn(path, *args, **kwargs)
            finally:
                self.leave()

        wrapper.__wrapped_by_master_guard__ = True  # type: ignore[attr-defined]
        return wrapper


GUARD = MasterGuard()
_ORIGINALS: list[tuple[Any, str, Any]] = []


def _install() -> None:
    import ampel_xl
    import ampel_xl.cli
    import ampel_xl.reader
    import ampel_xl.sniff

    targets = [(ampel_xl.sniff, "check_master_file"), (ampel_xl.reader, "read")]
    for module, name in targets:
        original = getattr(module, name)
        if getattr(original, "__wrapped_by_master_guard__", False):
            continue
        _ORIGINALS.append((module, name, original))
        setattr(module, name, GUARD.wrap(original))
    # the package's lazy attribute may already hold the unwrapped read()
    if ampel_xl.__dict__.get("read") is not None:
        _ORIGINALS.append((ampel_xl, "read", ampel_xl.__dict__["read"]))
        ampel_xl.read = ampel_xl.reader.read
    # one CLI command is one scope: outputs written after read() returns are checked too
    group = ampel_xl.cli._Group
    original_invoke = group.invoke
    _ORIGINALS.append((group, "invoke", original_invoke))

    @functools.wraps(original_invoke)
    def invoke(self, ctx):
        GUARD.enter()
        try:
            return original_invoke(self, ctx)
        finally:
            GUARD.leave()

    group.invoke = invoke


def pytest_configure(config: pytest.Config) -> None:
    _install()


def pytest_unconfigure(config: pytest.Config) -> None:
    while _ORIGINALS:
        module, name, original = _ORIGINALS.pop()
        setattr(module, name, original)


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
        tr.line(f"Master-Wächter: {len(GUARD.seen)} Master bei {GUARD.calls} Lesezugriffen geprüft, alle unverändert.")


@pytest.fixture
def master_guard() -> MasterGuard:
    """The session's master guard (for tests of the guard itself)."""
    return GUARD
