"""ampel_xl: the Ampel master workbook of an Integrationskonzept, read, checked and summarised.

Public API (the CLI uses exactly these)::

    import ampel_xl
    konzept = ampel_xl.read("Ampel-Master.xlsx")      # Konzept
    report = ampel_xl.validate(konzept)               # Report (findings)
    summary = ampel_xl.summarize(konzept)             # Summary (DataFrames)
    ampel_xl.write_summary(summary, "Zusammenfassung.xlsx")
    ampel_xl.write_findings(report)                   # <Master>_Prüfbericht.xlsx, links to the cells
    ampel_xl.example_path()                           # the bundled example master

Imports are lazy so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "read",
    "validate",
    "summarize",
    "write_summary",
    "write_report",
    "write_findings",
    "write_template",
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
    "read": ("reader", "read"),
    "validate": ("validation", "validate"),
    "summarize": ("figures", "summarize"),
    "write_summary": ("xlsx.summary", "write_summary"),
    "write_report": ("ampeldokument.document", "write_report"),
    "write_template": ("xlsx.master", "write_template"),
    "write_findings": ("xlsx.pruefbericht", "write_findings"),
    "compare": ("comparison", "compare"),
    "history": ("timeline", "history"),
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
    from pathlib import Path

    from .ampeldokument.document import write_report
    from .comparison import Changes, compare
    from .errors import AmpelError, ReadError, ValidationFailed, WriteError
    from .figures import Summary, summarize
    from .model import Feld, Konzept, Massnahme, Status, Unterziel
    from .reader import read
    from .timeline import history
    from .findings import Finding, Severity
    from .validation import Report, validate
    from .xlsx.pruefbericht import write_findings
    from .xlsx.master import write_template
    from .xlsx.summary import write_summary


def example_path() -> "Path":
    """The path of the bundled fictional example master ``Beispiel_Ampel-Master.xlsx``.

    Shipped inside the package, so it is found from any working directory and in an installed
    wheel: ``ampel_xl.read(ampel_xl.example_path())``.
    """
    from importlib import resources
    from pathlib import Path

    return Path(str(resources.files(__name__).joinpath("data", "Beispiel_Ampel-Master.xlsx")))


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
