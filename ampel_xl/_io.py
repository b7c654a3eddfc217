"""Atomic output: write to a temporary file beside the target, then rename.

An interrupted run never leaves a half-written file, and a target that is open in Excel
(locked on Windows) or read-only keeps its old content and gives a clear German message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import WriteError

if TYPE_CHECKING:  # pragma: no cover
    import xlsxwriter


#: The installed package's own folder: no default output goes there (see :func:`beside`).
PACKAGE_DIR = Path(__file__).resolve().parent


def in_package(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` lies inside the installed package (e.g. the bundled example master)."""
    try:
        return Path(path).resolve().is_relative_to(PACKAGE_DIR)
    except (OSError, RuntimeError):
        return False


def beside(master: str | os.PathLike[str], filename: str) -> Path:
    """The default place of an output named ``filename``: the master's folder, or the current folder
    (as an absolute path) when the master lies inside the installed package: a program's folder is
    no place for a user's files (site-packages may be read-only, and an update would delete them)."""
    master = Path(master)
    if in_package(master):
        return Path.cwd() / filename
    return master.with_name(filename)


def _describe_os_error(target: Path, exc: OSError) -> str:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return (
            f"Die Datei „{target.name}“ kann nicht geschrieben werden: sie ist wohl in Excel geöffnet "
            f"oder schreibgeschützt. Bitte schließen Sie sie (oder wählen Sie mit -o einen anderen Namen) "
            f"und starten Sie den Befehl erneut."
        )
    if exc.errno == errno.ENOSPC:
        return (
            f"Für „{target.name}“ ist nicht genug Speicherplatz frei. "
            f"Bitte schaffen Sie Platz und versuchen Sie es erneut."
        )
    if exc.errno == errno.ENOENT:
        return (
            f"Der Ordner „{target.parent}“ existiert nicht. "
            f"Bitte legen Sie ihn an oder wählen Sie einen anderen Zielort."
        )
    if exc.errno == errno.ENAMETOOLONG:
        return f"Der Dateiname „{target.name}“ ist zu lang. Bitte wählen Sie mit -o einen kürzeren Namen."
    return (
        f"Die Datei „{target}“ konnte nicht geschrieben werden ({exc.strerror or exc}). "
        f"Bitte prüfen Sie den Zielort."
    )


def _create_temp(directory: Path, suffix: str) -> Path:
    """Create a new empty file beside the target with the mode a normal new file gets.

    ``os.open(..., 0o666)`` lets the operating system apply the umask, so colleagues on a shared
    drive can open the result; no process-wide state (the umask) is touched to find it out.
    """
    for _ in range(100):
        tmp = directory / f".~ampel_{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(directory))


def _keep_replaced_mode(tmp: Path, target: Path) -> None:
    """A replaced file keeps its mode (a file shared with the group stays shared)."""
    try:
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
    except OSError:
        pass


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The caller writes the whole file to the yielded path. If the block raises, the temporary
    file is removed and ``target`` is untouched.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        is_dir, exists = target.is_dir(), target.exists()
        # the mode bits as well: os.access() says yes to root, and the rename below would
        # replace a file that was made read-only on purpose
        read_only = exists and (not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222)
    except OSError as exc:  # e.g. a name too long, a folder without access
        raise WriteError(_describe_os_error(target, exc)) from exc
    if is_dir:
        raise WriteError(f"„{target}“ ist ein Ordner. Bitte geben Sie einen Dateinamen an.")
    if read_only:
        raise WriteError(_describe_os_error(target, PermissionError(errno.EACCES, "read-only")))
    try:
        tmp = _create_temp(directory, target.suffix)
    except OSError as exc:
        raise WriteError(_describe_os_error(target, exc)) from exc
    try:
        yield tmp
        if target.exists():
            # Excel on Windows keeps an open workbook locked: os.replace fails there.
            # Probe the lock so that the message names the real cause.
            try:
                with open(target, "r+b"):
                    pass
            except OSError as exc:
                raise WriteError(_describe_os_error(target, exc)) from exc
        _keep_replaced_mode(tmp, target)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise WriteError(_describe_os_error(target, exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def xlsx_workbook(target: str | os.PathLike[str], properties: dict | None = None, *,
                  in_memory: bool = True, constant_memory: bool = False) -> Iterator[xlsxwriter.Workbook]:
    """An XlsxWriter workbook that is written atomically to ``target`` when the block ends.

    Master text is never turned into a formula, a number or a link (``strings_to_*`` off), and
    ``properties`` (with a fixed ``created`` date) keep the output deterministic. If the block
    raises, nothing is written; if writing fails, a :class:`WriteError` says so in German.

    ``constant_memory`` turns on XlsxWriter's mode of the same name (implies not ``in_memory``):
    each row is flushed to a temporary file as soon as a later row is written, so the cells are
    not held in memory. The caller must then write every sheet strictly row by row (a write to a
    flushed row is dropped), cannot use ``add_table`` and gets no cached values in charts;
    strings are written inline instead of shared.
    """
    import xlsxwriter
    from xlsxwriter.exceptions import XlsxWriterException

    target = Path(target)
    with atomic_path(target) as tmp:
        options = {
            "in_memory": in_memory and not constant_memory,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        }
        if constant_memory:
            options["constant_memory"] = True
        workbook = xlsxwriter.Workbook(str(tmp), options)
        if properties:
            workbook.set_properties(properties)
        try:
            yield workbook
        except BaseException:
            with contextlib.suppress(Exception):
                workbook.close()
            raise
        try:
            workbook.close()
        except (XlsxWriterException, OSError) as exc:
            raise WriteError(
                f"„{target.name}“ konnte nicht geschrieben werden ({exc}). "
                f"Bitte prüfen Sie den Zielort und den freien Speicherplatz."
            ) from exc


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` atomically (no newline translation)."""
    write_bytes_atomic(target, text.encode(encoding))
