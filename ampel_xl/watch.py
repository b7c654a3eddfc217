"""Watch mode: regenerate the summary each time the master is saved.

A plain polling loop, no extra dependency: every ``interval`` seconds the master's
(modification time, size, inode) is looked at. A save is handled once that signature has stayed
the same for two polls in a row and the file opens as a complete zip archive; only then is the
master read. This rides out Excel's save dance: Excel writes a temporary file, renames the old
master away and the temporary file into its place, and keeps a lock file ``~$<name>`` beside it.
Only the master's own path is looked at, so lock and temporary files never trigger anything.

* the master is missing for a moment or half written → wait for the next change;
* the master cannot be read (:class:`~ampel_xl.errors.ReadError`) or has errors (the run is
  refused, the Prüfbericht written beside it) → the German message is printed once, and the
  next save is awaited;
* the summary cannot be written, e.g. because it is open in Excel
  (:class:`~ampel_xl.errors.WriteError`) → the message is printed and the next save retries;
* Ctrl+C ends the loop with a German goodbye.

:func:`run_watch` takes the work to do as ``action(master)`` returning the path written or a
:class:`~ampel_xl.RunResult` (default: :func:`ampel_xl.run`, the workflow of the ``summary``
command, so that watch mode refuses, writes the Prüfbericht and removes a stale one exactly as
the command does), a ``stop`` event and ``max_events`` so that it can be tested without Ctrl+C.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import ampel_xl
from ampel_xl import AmpelError, ReadError, RunResult, WriteError

__all__ = ["default_action", "is_lock_file", "run_watch", "signature"]

Signature = tuple[int, int, int]

#: A master that stays incomplete (no zip) this long is reported once, then the next save awaited.
INCOMPLETE_SECONDS = 5.0


def is_lock_file(path: str | os.PathLike[str]) -> bool:
    """True for Excel's lock files (``~$Master.xlsx``)."""
    return Path(path).name.startswith("~$")


def signature(path: Path) -> Signature | None:
    """(mtime in ns, size, inode) of ``path``, or None when it does not exist right now."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _complete_zip(path: Path) -> bool:
    """The file opens as a zip with its central directory (an .xlsx saved to the end)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return "[Content_Types].xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def default_action(out: Path | None = None, *, force: bool = False) -> Callable[[Path], RunResult]:
    """The ``summary`` command's workflow (:func:`ampel_xl.run`): read, validate, write the summary to
    ``out`` (default: beside the master), or refuse with the Prüfbericht beside the master when the
    master has errors (unless ``force``). Returns the run's :class:`~ampel_xl.RunResult`."""

    def action(master: Path) -> RunResult:
        # just saved: Excel's lock file beside the master says nothing about unsaved edits now
        return ampel_xl.run(master, "summary", output=out, force=force, just_saved=True)

    return action


def _now() -> str:
    return _dt.datetime.now().strftime("%H:%M:%S")


def run_watch(
    master: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    interval: float = 1.0,
    max_events: int | None = None,
    stop: threading.Event | None = None,
    action: Callable[[Path], Path | RunResult] | None = None,
    echo: Callable[[str], None] | None = None,
) -> int:
    """Watch ``master`` and run ``action`` after every completed save; return the number of runs.

    ``out`` is the summary to write (used by the default action; default: beside the master). A run is one handled save:
    the action ran and either wrote its file or reported why not. The loop ends after
    ``max_events`` runs, when ``stop`` is set, or on Ctrl+C. The first run happens right after
    the start (two polls), so the summary is current from the beginning.
    """
    master = Path(master)
    if is_lock_file(master):
        raise ReadError(
            f"„{master.name}“ ist die Sperrdatei, die Excel neben einem geöffneten Master anlegt. "
            f"Bitte geben Sie den Master selbst an (ohne „~$“ am Anfang)."
        )
    if master.is_dir():
        raise ReadError(f"„{master}“ ist ein Ordner, keine Datei. Bitte geben Sie die Master-Arbeitsmappe (.xlsx) an.")
    if out is not None and Path(out).resolve() == master.resolve():
        raise WriteError(
            "Die Zusammenfassung darf nicht den Master überschreiben. "
            "Bitte wählen Sie mit -o einen anderen Namen."
        )
    if action is None:
        action = default_action(None if out is None else Path(out))
    say = echo or (lambda text: print(text, flush=True))
    stop = stop or threading.Event()

    give_up = max(3, round(INCOMPLETE_SECONDS / interval)) if interval > 0 else 3
    runs = 0
    previous: Signature | None = None  # the signature at the previous poll
    handled: Signature | None = None  # the last signature acted on (or given up on)
    stable = 0  # polls in a row with the same signature
    missing_said = False
    say(f"Beobachte „{master.name}“ – die Zusammenfassung wird nach jedem Speichern erneuert. "
        f"Beenden mit Strg+C.")
    try:
        while not stop.is_set():
            sig = signature(master)
            stable = stable + 1 if sig is not None and sig == previous else 0
            previous = sig
            if sig is None:
                if not missing_said:
                    say(f"[{_now()}] „{master.name}“ ist gerade nicht vorhanden; "
                        f"ich warte auf die nächste Speicherung …")
                    missing_said = True
            else:
                missing_said = False
            if sig is not None and sig != handled and stable >= 1:
                if _complete_zip(master):
                    handled = sig
                    if _run(action, master, sig, say):
                        runs += 1
                    else:
                        handled = None  # changed while being read: handle the next save
                elif stable >= give_up:
                    handled = sig
                    say(f"[{_now()}] „{master.name}“ ist unvollständig oder keine Excel-Arbeitsmappe; "
                        f"ich warte auf die nächste Speicherung.")
            if max_events is not None and runs >= max_events:
                break
            if stop.wait(interval):
                break
    except KeyboardInterrupt:
        pass
    say("Beobachtung beendet. Auf Wiedersehen!")
    return runs


def _run(action: Callable[[Path], Path | RunResult], master: Path, sig: Signature,
         say: Callable[[str], None]) -> bool:
    """Run the action once and report the outcome; False when the master changed meanwhile."""
    try:
        outcome = action(master)
    except ReadError as exc:
        if signature(master) != sig:
            return False
        say(f"[{_now()}] {exc.message} Ich warte auf die nächste Speicherung.")
    except WriteError as exc:
        say(f"[{_now()}] {exc.message} Neuer Versuch beim nächsten Speichern des Masters.")
    except AmpelError as exc:
        say(f"[{_now()}] {exc.message}")
    else:
        if not isinstance(outcome, RunResult):
            say(f"[{_now()}] Zusammenfassung erneuert: {outcome}")
        elif outcome.refused:
            say(f"[{_now()}] {outcome.refusal()} Ich warte auf die nächste Speicherung.")
        else:
            for note in outcome.notes:
                say(f"[{_now()}] Hinweis: {note}")
            say(f"[{_now()}] Zusammenfassung erneuert: {outcome.written[0]}")
            for line in [*outcome.findings_lines(), outcome.draft_warning()]:
                if line:
                    say(f"[{_now()}] {line}")
    return True
