"""The workflow, once: read → validate → refuse with the Prüfbericht, or write (a draft when forced).

:func:`run` is what ``ampel-xl summary``, ``ampel-xl report``, watch mode and a notebook call::

    result = ampel_xl.run("Ampel-Master.xlsx")                  # the summary beside the master
    result = ampel_xl.run("Ampel-Master.xlsx", "report", pdf=True)
    result.refused, result.written, result.findings             # what happened

It returns a :class:`RunResult` and raises only for what stops it altogether (a master that
cannot be read, an output that cannot be written: :class:`~ampel_xl.errors.ReadError`,
:class:`~ampel_xl.errors.WriteError`). A master with errors is no exception: the result is
``refused`` and names the Prüfbericht written beside the master; with ``force`` the output is
written anyway as a draft (the summary with the sheet Prüfbericht and a warning, the
Ampeldokument with "Entwurf" on every page). Once the master has no errors, a Prüfbericht left
by an earlier run is removed.

Outputs never go into the installed package: for a master inside it (the bundled example) the
default outputs are written to the current folder (:func:`ampel_xl._io.beside`), and the
result's ``notes`` say so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ._io import in_package
from .ampeldokument.document import default_report_path, write_report
from .comparison import compare
from .errors import WriteError
from .figures import summarize
from .findings import MASTER_OPEN
from .model import Konzept, document_date
from .reader import read
from .validation import validate
from .xlsx.pruefbericht import default_findings_path, write_findings
from .xlsx.summary import default_summary_path, write_summary

if TYPE_CHECKING:  # pragma: no cover
    from .comparison import Changes
    from .figures import Summary
    from .validation import Report

__all__ = ["Product", "RunResult", "StepCallback", "run"]

Product = Literal["summary", "report"]

#: ``on_step(label, units)`` is called as each step starts ("Master wird gelesen …"); ``units`` is
#: the work of a step that reports progress (measures written), else None. It may return a
#: callable ``progress(done, total)`` that the step then reports its progress to.
StepCallback = Callable[[str, "int | None"], "Callable[[int, int], None] | None"]

#: What a refusal says, per product (the start of the German sentence).
_NOT_WRITTEN = {
    "summary": "Es wurde keine Zusammenfassung geschrieben",
    "report": "Das Ampeldokument wurde nicht geschrieben",
}
_WHAT = {"summary": "die Zusammenfassung", "report": "das Ampeldokument"}


@dataclass(frozen=True)
class RunResult:
    """What :func:`run` did.

    ``written`` are the outputs (the summary, or the Ampeldokument's .docx and maybe its PDF);
    empty when the run was ``refused``. ``findings`` is the Prüfbericht written beside the master
    because of its errors (``findings_note`` says why it could not be written);
    ``removed_findings`` a Prüfbericht of an earlier run that was removed because the master has
    no errors now (``stale_findings`` one that could not be removed). ``forced`` says that the
    outputs were written although the master has errors: they are drafts.
    """

    master: Path
    product: Product
    konzept: Konzept
    report: Report
    written: tuple[Path, ...] = ()
    summary: Summary | None = None
    changes: Changes | None = None
    forced: bool = False
    findings: Path | None = None
    findings_note: str | None = None
    removed_findings: Path | None = None
    stale_findings: Path | None = None
    pdf_note: str | None = None
    notes: tuple[str, ...] = ()
    """German sentences about the outputs (e.g. that they went to the current folder)."""

    @property
    def refused(self) -> bool:
        """The master has errors and nothing was written (except the Prüfbericht)."""
        return bool(self.report.errors) and not self.forced

    @property
    def draft(self) -> bool:
        """The outputs were written although the master has errors (``force``)."""
        return self.forced and bool(self.report.errors)

    def refusal(self, force_hint: str = "") -> str:
        """The German message of a refused run: what was not written, why, and where the Prüfbericht is.

        ``force_hint`` is put after "bitte beheben Sie sie" (the CLI: " (oder erzwingen Sie es mit --force)").
        """
        n = len(self.report.errors)
        text = (f"{_NOT_WRITTEN[self.product]}, weil der Master {n} Fehler enthält; "
                f"bitte beheben Sie sie{force_hint}.")
        if self.findings is not None:
            beside = self.findings.parent.resolve() == self.master.parent.resolve()
            where = "neben dem Master" if beside else f"unter {self.findings.resolve()}"
            text += (f" Der Prüfbericht „{self.findings.name}“ liegt {where}; ein Klick auf eine "
                     f"Fundstelle öffnet den Master an der Zelle.")
        elif self.findings_note:
            text += f" Der Prüfbericht konnte nicht geschrieben werden: {self.findings_note}"
        return text

    def draft_warning(self) -> str | None:
        """The German warning of a forced run on a master with errors, else None."""
        if not self.draft:
            return None
        n = len(self.report.errors)
        if self.product == "report":
            return (f"Achtung: Der Master enthält {n} Fehler; das Ampeldokument wurde trotzdem geschrieben "
                    f"(--force) und trägt einen Hinweis darauf.")
        return (f"Achtung: Der Master enthält {n} Fehler; die Zusammenfassung wurde mit --force trotzdem "
                f"geschrieben und die Zahlen können falsch sein (siehe Blatt „Prüfbericht“).")

    def findings_lines(self) -> list[str]:
        """German lines about the Prüfbericht beside the master: removed, or stale and still there."""
        lines = []
        if self.removed_findings is not None:
            lines.append(f"Der veraltete Prüfbericht „{self.removed_findings.name}“ wurde entfernt "
                         f"(der Master hat keine Fehler mehr).")
        if self.stale_findings is not None:
            lines.append(f"Hinweis: „{self.stale_findings.name}“ stammt von einem früheren Lauf und ist veraltet; "
                         f"bitte löschen Sie ihn.")
        return lines

    def __repr__(self) -> str:
        state = "abgelehnt" if self.refused else ("Entwurf" if self.draft else "geschrieben")
        files = ", ".join(p.name for p in self.written) or (self.findings.name if self.findings else "–")
        return f"<RunResult {self.product} {Path(self.master).name}: {state} ({files})>"


def run(master: str | os.PathLike[str], product: Product = "summary", *,
        output: str | os.PathLike[str] | None = None, force: bool = False, header: str | None = None,
        compare_with: str | os.PathLike[str] | Konzept | None = None, pdf: bool = False,
        findings: bool = True, just_saved: bool = False, on_step: StepCallback | None = None) -> RunResult:
    """Read and validate ``master``, then write the summary (``product="summary"``) or the
    Ampeldokument (``"report"``), or refuse with the Prüfbericht beside the master.

    ``output`` defaults to ``<Master>_Zusammenfassung.xlsx`` / ``<Master>_Ampeldokument.docx``
    beside the master (in the current folder for a master inside the installed package).
    ``force`` writes a draft although the master has errors. ``header`` replaces the Kopfzeile;
    ``compare_with`` (an earlier Stand, a path or a read Konzept) adds the sheet "Entwicklung" to the
    summary and the chapter "Veränderungen seit dem Stand vom …" to the Ampeldokument; ``pdf`` also
    writes the Ampeldokument as PDF. ``findings=False`` writes no Prüfbericht on errors.
    ``just_saved`` (watch mode: the master was saved a moment ago) leaves out the Hinweis that the
    master is open in Excel: right after a save, its lock file is no sign of unsaved edits.
    ``on_step`` reports the steps (see :data:`StepCallback`).
    """
    master = Path(master)
    if product not in _NOT_WRITTEN:
        raise ValueError(f"product must be 'summary' or 'report', not {product!r}")
    default = default_summary_path(master) if product == "summary" else default_report_path(master)
    target = Path(output) if output is not None else default
    notes: list[str] = []
    if output is None and in_package(master):
        notes.append(f"Der Master liegt im Programmordner von ampel_xl; {_WHAT[product]} wird daher im "
                     f"aktuellen Ordner geschrieben: {target}")
    olds = [] if compare_with is None or isinstance(compare_with, Konzept) else [Path(compare_with)]
    guard_output(target, master, *olds)

    step = on_step or (lambda label, units: None)
    step("Master wird gelesen …", None)
    konzept = read(master)
    step("Master wird geprüft …", None)
    report = validate(konzept)
    if just_saved:
        report = replace(report, findings=tuple(f for f in report.findings if f.code != MASTER_OPEN.code))

    if report.errors and not force:
        written_findings, note = None, None
        if findings:
            step("Prüfbericht wird geschrieben …", None)
            try:
                written_findings = write_findings(
                    report, default_findings_path(master), master=master,
                    stand=konzept.stand_text, created=document_date(konzept))
            except WriteError as exc:
                note = exc.message
        return RunResult(master, product, konzept, report, findings=written_findings, findings_note=note,
                         notes=tuple(notes))

    changes = None
    if compare_with is not None:
        step("Früherer Stand wird gelesen …", None)
        changes = compare(compare_with if isinstance(compare_with, Konzept) else read(compare_with), konzept)
    summary = summarize(konzept, report)
    pdf_note = None
    if product == "summary":
        bar = step("Zusammenfassung wird geschrieben …", len(konzept.massnahmen))
        written: tuple[Path, ...] = (write_summary(summary, target, header=header, changes=changes, progress=bar),)
    else:
        step("Ampeldokument wird geschrieben …", None)

        def on_pdf(name: str) -> None:
            if name == "pdf":
                step("PDF wird erzeugt …", None)

        files = write_report(summary, target, header=header, pdf=pdf, on_step=on_pdf, changes=changes)
        written = (files.docx,) if files.pdf is None else (files.docx, files.pdf)
        pdf_note = files.pdf_note
    removed = stale = None
    if not report.errors:
        removed, stale = _remove_stale_findings(master)
    return RunResult(master, product, konzept, report, written=written, summary=summary, changes=changes,
                     forced=bool(report.errors), removed_findings=removed, stale_findings=stale,
                     pdf_note=pdf_note, notes=tuple(notes))


def guard_output(output: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> None:
    """Refuse an output path that names one of the input masters (masters are only read)."""
    output = Path(output)
    for master in inputs:
        try:
            same = output.exists() and output.resolve() == Path(master).resolve()
        except OSError:
            same = False
        if same:
            raise WriteError(f"„{output.name}“ ist ein Master und wird nicht überschrieben. "
                             f"Bitte wählen Sie mit -o einen anderen Namen.")


def _remove_stale_findings(master: Path) -> tuple[Path | None, Path | None]:
    """A Prüfbericht from an earlier run with errors is out of date once the master has none:
    (the removed one, the one that could not be removed)."""
    old = default_findings_path(master)
    if not old.is_file():
        return None, None
    try:
        old.unlink()
    except OSError:
        return None, old
    return old, None
