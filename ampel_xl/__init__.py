"""ampel_xl: the Ampel master workbook of an Integrationskonzept, read, checked and summarised.

Public API (the CLI uses these, and for its terminal only ``ampel_xl._cli_support``)::

    import ampel_xl
    result = ampel_xl.run("Ampel-Master.xlsx")        # the whole workflow, as `ampel-xl summary` runs it:
                                                      # RunResult (.refused, .written, .findings, .report)
    konzept = ampel_xl.read("Ampel-Master.xlsx")      # Konzept
    report = ampel_xl.validate(konzept)               # Report (findings)
    summary = ampel_xl.summarize(konzept)             # Summary (DataFrames)
    ampel_xl.write_summary(summary, "Zusammenfassung.xlsx")
    ampel_xl.write_findings(report)                   # <Master>_Prüfbericht.xlsx, links to the cells
    ampel_xl.example_path()                           # the bundled example master

``validate``, ``summarize``, ``compare`` and ``history`` accept paths or read :class:`Konzept`
objects: they read here, then call the domain (``validation``, ``figures``, ``comparison``,
``timeline``), which takes model objects only. Imports are lazy so that the command line starts
fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "run",
    "RunResult",
    "read",
    "validate",
    "summarize",
    "write_summary",
    "write_report",
    "write_findings",
    "write_template",
    "write_changes",
    "write_history",
    "write_export",
    "export_bytes",
    "example_path",
    "compare",
    "history",
    "Konzept",
    "Feld",
    "Unterziel",
    "Massnahme",
    "Status",
    "Report",
    "Finding",
    "Severity",
    "Summary",
    "Changes",
    "AmpelError",
    "ReadError",
    "WriteError",
    "ValidationFailed",
]

_LAZY = {
    "run": ("pipeline", "run"),
    "RunResult": ("pipeline", "RunResult"),
    "read": ("reader", "read"),
    "write_summary": ("xlsx.summary", "write_summary"),
    "write_report": ("ampeldokument.document", "write_report"),
    "write_template": ("xlsx.master", "write_template"),
    "write_findings": ("xlsx.pruefbericht", "write_findings"),
    "write_changes": ("xlsx.changes", "write_changes"),
    "write_history": ("xlsx.history", "write_history"),
    "Konzept": ("model", "Konzept"),
    "Feld": ("model", "Feld"),
    "Unterziel": ("model", "Unterziel"),
    "Massnahme": ("model", "Massnahme"),
    "Status": ("model", "Status"),
    "Report": ("validation", "Report"),
    "Finding": ("findings", "Finding"),
    "Severity": ("findings", "Severity"),
    "Summary": ("figures", "Summary"),
    "Changes": ("comparison", "Changes"),
    "AmpelError": ("errors", "AmpelError"),
    "ReadError": ("errors", "ReadError"),
    "WriteError": ("errors", "WriteError"),
    "ValidationFailed": ("errors", "ValidationFailed"),
}

if TYPE_CHECKING:  # pragma: no cover
    import os
    from collections.abc import Iterable
    from pathlib import Path

    import pandas as pd

    from .ampeldokument.document import write_report
    from .comparison import Changes
    from .errors import AmpelError, ReadError, ValidationFailed, WriteError
    from .figures import Summary
    from .findings import Finding, Severity
    from .model import Feld, Konzept, Massnahme, Status, Unterziel
    from .pipeline import RunResult, run
    from .reader import read
    from .validation import Report
    from .xlsx.changes import write_changes
    from .xlsx.history import write_history
    from .xlsx.master import write_template
    from .xlsx.pruefbericht import write_findings
    from .xlsx.summary import write_summary


def example_path() -> Path:
    """The path of the bundled fictional example master ``Beispiel_Ampel-Master.xlsx``.

    Shipped inside the package, so it is found from any working directory and in an installed
    wheel: ``ampel_xl.read(ampel_xl.example_path())``.
    """
    from importlib import resources
    from pathlib import Path

    return Path(str(resources.files(__name__).joinpath("data", "Beispiel_Ampel-Master.xlsx")))


def _konzept(master: Konzept | str | os.PathLike[str]) -> Konzept:
    """A read master: ``master`` itself, or the master read from the path (the domain never reads)."""
    from .model import Konzept
    from .reader import read

    return master if isinstance(master, Konzept) else read(master)


def validate(master: Konzept | str | os.PathLike[str]) -> Report:
    """Check a master (a path or an already read :class:`Konzept`) and return its :class:`Report`."""
    from .validation import validate as validate_konzept

    return validate_konzept(_konzept(master))


def summarize(master: Konzept | str | os.PathLike[str], report: Report | None = None) -> Summary:
    """Figures of a master (a path or a read :class:`Konzept`); ``report`` goes along to the writers."""
    from .figures import summarize as summarize_konzept

    return summarize_konzept(_konzept(master), report)


def compare(old: Konzept | str | os.PathLike[str], new: Konzept | str | os.PathLike[str]) -> Changes:
    """Compare two Stände of a master (paths or read :class:`Konzept` objects).

    >>> changes = compare("Master_alt.xlsx", "Master_neu.xlsx")   # doctest: +SKIP
    >>> write_changes(changes, "Veränderungen.xlsx")              # doctest: +SKIP
    """
    from .comparison import compare as compare_konzepte

    return compare_konzepte(_konzept(old), _konzept(new))


def history(masters: Iterable[Konzept | str | os.PathLike[str]]) -> pd.DataFrame:
    """Shares of Grün, Gelb and Rot per field and in total, one block of rows per Stand.

    ``masters`` are master files or read :class:`Konzept` objects; the columns are described at
    :func:`ampel_xl.timeline.history`. ``write_history(df, "Verlauf.xlsx")`` writes the workbook.
    """
    from .timeline import history as history_of

    return history_of([_konzept(m) for m in masters])


def export_bytes(data: Konzept | Summary, fmt: str = "csv", sep: str = ";") -> bytes:
    """The export of a master as bytes: one row per measure (``data`` a :class:`Konzept`) or the
    figures per concept, field and Unterziel (``data`` a :class:`Summary`).

    ``fmt`` is ``"csv"`` (UTF-8 with BOM, ``sep`` between the columns: ";" as German Excel expects,
    "," or a tab) or ``"json"`` (UTF-8, one document ending in a line break).
    """
    from . import export
    from .figures import Summary

    if fmt not in ("csv", "json"):
        raise ValueError(f"fmt must be 'csv' or 'json', not {fmt!r}")
    if isinstance(data, Summary):
        if fmt == "json":
            return (export.figures_to_json(data) + "\n").encode("utf-8")
        return export.figures_to_csv_bytes(data, sep)
    if fmt == "json":
        return (export.to_json(data) + "\n").encode("utf-8")
    return export.to_csv_bytes(data, sep)


def write_export(data: Konzept | Summary, target: str | os.PathLike[str], fmt: str = "csv",
                 sep: str = ";") -> Path:
    """Write :func:`export_bytes` to ``target`` (atomically: a reader never sees half a file) and
    return its path."""
    from pathlib import Path

    from ._io import write_bytes_atomic

    target = Path(target)
    write_bytes_atomic(target, export_bytes(data, fmt, sep))
    return target


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'ampel_xl' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(f".{module_name}", __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
