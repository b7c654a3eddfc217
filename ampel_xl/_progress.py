"""Progress on a terminal: which step runs ("Master wird gelesen …") and a bar for long work.

Only when both standard output and standard error are terminals: piped, redirected or captured
output (scripts, tests, a log file) gets nothing extra. ``AMPEL_XL_PROGRESS=0`` switches it off,
``AMPEL_XL_PROGRESS=1`` forces it on (e.g. in a terminal multiplexer that hides the tty).

A step is one line on standard error that ends with the time it took::

    Master wird gelesen … fertig (0,7 s)
    Zusammenfassung wird geschrieben … [##############----------]  58 %  4 s

With a ``total`` the line shows a bar of the work done so far (the caller reports it); without
one, work that takes longer than a moment shows a moving bar and the seconds elapsed (e.g. the
PDF conversion by LibreOffice, which reports no progress of its own). Only ASCII is drawn, so
that any console encoding can show it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from types import TracebackType

import click

#: Masters with more measures than this get a bar while the summary is written.
BAR_MEASURES = 3000
#: Seconds before a step without a total starts to show its moving bar.
_QUIET_START = 0.5
_TICK = 0.1


def enabled() -> bool:
    """True when progress is shown: stdout and stderr are terminals (or forced by the environment)."""
    setting = os.environ.get("AMPEL_XL_PROGRESS")
    if setting == "0":
        return False
    if setting == "1":
        return True
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


class Bar:
    """The progress of one step; :meth:`update` reports work done (``done`` of ``total``)."""

    def __init__(self, label: str, total: int | None, live: bool) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.live = live
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False
        self._width = 0
        self._last = ""

    # -- reporting ---------------------------------------------------------------------------
    def update(self, done: int, total: int | None = None) -> None:
        """``done`` units of work of ``total`` (default: the total given to the step)."""
        with self._lock:
            if total is not None:
                self.total = total
            self.done = done

    __call__ = update

    # -- drawing -----------------------------------------------------------------------------
    def _line(self, now: float) -> str:
        elapsed = now - self.started
        columns = shutil.get_terminal_size((80, 24)).columns
        with self._lock:
            total, done = self.total, self.done
        if total:
            share = min(1.0, max(0.0, done / total))
            width = max(10, min(30, columns - len(self.label) - 22))
            filled = round(share * width)
            bar = "[" + "#" * filled + "-" * (width - filled) + "]"
            text = f"{self.label} {bar} {round(share * 100):3d} %  {int(elapsed)} s"
        else:
            width = max(10, min(20, columns - len(self.label) - 14))
            pos = int(elapsed / _TICK) % (2 * (width - 3))
            if pos > width - 3:
                pos = 2 * (width - 3) - pos
            bar = "[" + " " * pos + "<=>" + " " * (width - 3 - pos) + "]"
            text = f"{self.label} {bar} {int(elapsed)} s"
        return text[: max(10, columns - 1)]

    def _draw(self, text: str) -> None:
        if text == self._last:
            return
        self._last = text
        pad = " " * max(0, self._width - len(text))
        click.echo("\r" + text + pad, err=True, nl=False)
        self._width = len(text)
        self._drawn = True

    def _run(self) -> None:
        while not self._stop.wait(_TICK):
            now = time.monotonic()
            if self.total or now - self.started >= _QUIET_START:
                self._draw(self._line(now))

    def start(self) -> None:
        if not self.live:
            return
        self._draw(self.label)
        self._thread = threading.Thread(target=self._run, name="ampel-xl-fortschritt", daemon=True)
        self._thread.start()

    def finish(self, ok: bool) -> None:
        if not self.live:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        elapsed = time.monotonic() - self.started
        end = f"fertig ({_seconds(elapsed)})" if ok else "abgebrochen"
        self._draw(f"{self.label} {end}")
        click.echo("", err=True)


@contextlib.contextmanager
def step(label: str, total: int | None = None) -> Iterator[Bar]:
    """Show ``label`` as the running step (on a terminal only); yields the step's :class:`Bar`.

    The bar is callable as ``bar(done, total)`` whether or not anything is shown, so callers
    report progress without asking whether a terminal is there.
    """
    bar = Bar(label, total, enabled())
    bar.start()
    ok = False
    try:
        yield bar
        ok = True
    finally:
        bar.finish(ok)


def bar_total(n_measures: int) -> int | None:
    """The units of a bar for a master of ``n_measures`` measures, None below :data:`BAR_MEASURES`."""
    return n_measures if n_measures > BAR_MEASURES else None


class Steps:
    """Consecutive steps on one terminal: ``steps.next(label)`` ends the running step as done.

    Used as a context manager; an exception marks the running step as aborted.
    """

    def __init__(self) -> None:
        self.bar: Bar | None = None

    def next(self, label: str, total: int | None = None) -> Bar:
        self._end(True)
        self.bar = Bar(label, total, enabled())
        self.bar.start()
        return self.bar

    def _end(self, ok: bool) -> None:
        if self.bar is not None:
            self.bar.finish(ok)
            self.bar = None

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._end(exc_type is None)
