"""What only the command line needs beyond the public API: the terminal text of a report, a share
as German text, where a default output goes, the order of two Stände.

These used to be names of ``ampel_xl.__all__``; a notebook has no use for them (it shows a
:class:`~ampel_xl.Report` as a table and takes its shares from ``Summary``), so they live here.
The command line (``cli``, ``watch``) imports the package only through ``ampel_xl`` and this
module (the import-linter contract ``cli-api`` and ``tests/test_cli.py`` check it). Imports
are lazy, so that ``ampel-xl --help`` answers at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .model import Konzept
    from .validation import Report

__all__ = ["beside", "format_percent", "guard_output", "in_package", "newer_first", "report_text", "rounding_note"]


def report_text(report: Report, color: bool = False) -> str:
    """The German report for the terminal, grouped by sheet, with counts per severity."""
    from .validation import render_text

    return render_text(report, color=color)


def format_percent(value: int | None) -> str:
    """A printed share (a whole percent) as German text ("63 %", "–" for none)."""
    from .figures import format_percent as fmt

    return fmt(value)


def rounding_note(rows: list[dict]) -> str | None:
    """"Rundungsdifferenzen möglich" when the printed shares of one of ``rows`` do not add up to 100 %."""
    from .figures import rounding_note as note

    return note(rows)


def in_package(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` lies inside the installed package (the bundled example master)."""
    from ._io import in_package as inside

    return inside(path)


def beside(master: str | os.PathLike[str], filename: str) -> Path:
    """Where an output named ``filename`` goes by default: beside the master, or in the current folder
    for a master inside the installed package."""
    from ._io import beside as place

    return place(master, filename)


def guard_output(output: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> None:
    """Refuse an output path that names one of the input masters (masters are only read)."""
    from .pipeline import guard_output as guard

    guard(output, *inputs)


def newer_first(old: Konzept, new: Konzept) -> bool:
    """True when both Stände carry a date and ``old``'s is the later one: given the wrong way round."""
    import datetime as dt

    a, b = old.stand, new.stand
    if isinstance(a, dt.datetime):
        a = a.date()
    if isinstance(b, dt.datetime):
        b = b.date()
    return isinstance(a, dt.date) and isinstance(b, dt.date) and a > b
