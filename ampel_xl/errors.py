"""One exception tree for everything that stops ampel_xl from going on.

Every exception carries a German message meant for staff: one sentence that says what is
wrong and what to do. The CLI prints exactly that message and exits with ``exit_code``;
notebooks see the same text in the exception.

Problems *inside* a readable master are not exceptions but findings
(see :mod:`ampel_xl.validation`).
"""

from __future__ import annotations


class AmpelError(Exception):
    """Base class. ``str(exc)`` is the German message for staff."""

    exit_code = 3

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReadError(AmpelError):
    """The master (or another input file) cannot be read at all."""

    exit_code = 2


class WriteError(AmpelError):
    """An output file could not be written; any previous file is left intact."""

    exit_code = 2


class ValidationFailed(AmpelError):
    """Validation found errors, so no figures are written (unless forced)."""

    exit_code = 1

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report
