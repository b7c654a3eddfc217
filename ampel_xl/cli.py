"""The command line: a thin click layer over the public API.

Exit codes: 0 done; 1 the master has errors (validation); 2 a file cannot be read or written;
3 an unexpected internal error (a full report is saved to a log file, ``--debug`` shows it).
Staff never see a traceback.

Heavy libraries (pandas, openpyxl, matplotlib) are imported inside the commands, so that
``ampel-xl --help`` answers at once.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import IO, Any, ClassVar, Literal, cast

import click

import ampel_xl
from ampel_xl import AmpelError

from . import _cli_support as support, _progress

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _log_path() -> Path:
    # not "ampel_xl": a folder of that name in the temp dir would shadow the package there
    base = Path(tempfile.gettempdir()) / "ampel-xl-fehlerberichte"
    base.mkdir(parents=True, exist_ok=True)
    return base / f"fehlerbericht-{_dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"


_USAGE_DE = [
    (r"Missing argument '([^']+)'\.?", r"Es fehlt die Angabe \1."),
    (r"Missing option '([^']+)'\.?", r"Es fehlt die Option \1."),
    (r"No such option:? '?([^'\s]+)'?\.?", r"Unbekannte Option: \1."),
    (r"No such command '([^']+)'\.?", r"Unbekannter Befehl „\1“."),
    (r"Option '([^']+)' requires an argument\.?", r"Die Option \1 braucht einen Wert."),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"Zu viele Angaben: \1."),
    (r"Invalid value for '([^']+)': (.*)", r"Ungültiger Wert für \1: \2"),
    (r"'([^']+)' is a directory\.?", r"„\1“ ist ein Ordner."),
]


def _usage_de(exc: click.UsageError) -> str:
    """click's (English) usage message in German, as far as we know it."""
    import re

    message = exc.format_message()
    for pattern, repl in _USAGE_DE:
        if re.search(pattern, message):
            return re.sub(pattern, repl, message)
    return message


#: Exit code when the reader of standard output closed it (128 + SIGPIPE, as a shell reports it).
PIPE_CLOSED = 141


def _quiet_stdout() -> None:
    """Standard output is a closed pipe: send what is still buffered, and all further output, nowhere.

    Without this, Python's final flush of ``sys.stdout`` at exit fails once more and prints
    "Exception ignored … BrokenPipeError" on standard error.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (a test's stand-in)
        pass


class _Formatter(click.HelpFormatter):
    """click's help layout with German headings."""

    _SECTIONS: ClassVar[dict[str, str]] = {"Options": "Optionen", "Commands": "Befehle", "Arguments": "Argumente"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Aufruf: ")

    def section(self, name: str):
        return super().section(self._SECTIONS.get(name, name))


class _Context(click.Context):
    formatter_class = _Formatter


class _German(click.Command):
    """Mixin for commands and groups: German help headings, "[OPTIONEN]" and the help option's text."""

    context_class: type[click.Context] = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONEN]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Diese Hilfe anzeigen und beenden."
        return option


class _Command(_German, click.Command):
    pass


class _Group(_German, click.Group):
    """Turns every failure into one German sentence and an exit code."""

    command_class = _Command

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "BEFEHL [ARGUMENTE]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        debug = ctx.params.get("debug", False) or os.environ.get("AMPEL_XL_DEBUG") == "1"
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "ampel-xl"
            _echo_err(f"Fehler: {_usage_de(exc)} Hilfe: {where} --help")
            ctx.exit(2)
        except AmpelError as exc:
            if debug:
                traceback.print_exc()
            _echo_err(f"Fehler: {exc.message}")
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # the reader of the output went away (`ampel-xl compare … | head -3`): nobody reads on
            _quiet_stdout()
            ctx.exit(PIPE_CLOSED)
        except KeyboardInterrupt:
            _echo_err("Abgebrochen.")
            ctx.exit(130)
        except Exception:  # noqa: BLE001 - the last line of defence: never a raw traceback for staff
            if debug:
                traceback.print_exc()
            try:
                log = _log_path()
                log.write_text(
                    f"ampel_xl {sys.argv!r}\n{_dt.datetime.now().isoformat()}\n\n{traceback.format_exc()}",
                    encoding="utf-8",
                )
                where = f" Ein ausführlicher Bericht wurde gespeichert unter: {log}"
            except OSError:
                where = ""
            _echo_err(
                "Fehler: Ein unerwarteter interner Fehler ist aufgetreten; Ihre Dateien wurden nicht verändert."
                f"{where} Bitte senden Sie diesen Bericht an die Betreuung von ampel_xl."
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.option("--debug", is_flag=True, help="Bei Fehlern die technische Fehlermeldung (Traceback) zeigen.")
@click.version_option(package_name="ampel_xl", message="ampel-xl %(version)s",
                      help="Versionsnummer anzeigen und beenden.")
def cli(debug: bool) -> None:
    """ampel-xl: Ampel-Master eines Integrationskonzepts lesen, prüfen und auswerten.

    \b
    Typischer Ablauf vor einer Sitzung der Steuerungsgruppe:
      ampel-xl validate Ampel-Master.xlsx     Master prüfen
      ampel-xl summary Ampel-Master.xlsx      Zusammenfassung (Excel) schreiben
      ampel-xl report Ampel-Master.xlsx --pdf Ampeldokument (Word/PDF) schreiben
    """


MASTER = click.argument("master", type=click.Path(dir_okay=True, path_type=Path))


def _run(master: Path, product: Literal["summary", "report"], **options: Any):
    """Run the workflow (:func:`ampel_xl.run`) with the steps shown on a terminal; print what happened.

    A refused run (the master has errors) prints the findings and raises
    :class:`~ampel_xl.ValidationFailed` (exit code 1) with the sentence that names the Prüfbericht.
    """
    with _progress.Steps() as steps:

        def on_step(label: str, units: int | None):
            total = _progress.bar_total(units) if units is not None else None
            bar = steps.next(label, total)
            return bar if total is not None else None

        result = ampel_xl.run(master, product, on_step=on_step, **options)
    for note in result.notes:
        _echo_err(f"Hinweis: {note}")
    if result.refused:
        _echo_err(support.report_text(result.report))
        _echo_err("")
        if result.findings is not None:
            click.echo(f"Prüfbericht geschrieben: {result.findings}")
        raise ampel_xl.ValidationFailed(result.refusal(" (oder erzwingen Sie es mit --force)"), result.report)
    for line in result.findings_lines():
        (_echo_err if line.startswith("Hinweis") else click.echo)(line)
    return result


# --------------------------------------------------------------------------------------------
@cli.command("export", context_settings=CONTEXT)
@MASTER
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              help="Ausgabeformat (Standard: csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei; ohne Angabe auf die Standardausgabe.")
@click.option("--sep", type=click.Choice([";", ",", "tab"]), default=";",
              help="Trennzeichen für CSV (Standard: „;“, wie es deutsches Excel erwartet).")
@click.option("--zahlen", is_flag=True,
              help="Statt der Maßnahmen die Zahlen ausgeben: je Konzept, Feld und Unterziel die Anzahlen "
                   "und Anteile (ganze Prozent, wie in allen Ausgaben).")
def export_cmd(master: Path, fmt: str, output: Path | None, sep: str, zahlen: bool) -> None:
    """Alle Maßnahmen als Tabelle ausgeben (eine Zeile je Maßnahme), als CSV oder JSON.

    Mit --zahlen die Zahlen der Auswertung (eine Zeile je Konzept, Feld und Unterziel)."""
    konzept = ampel_xl.read(master)
    delimiter = "\t" if sep == "tab" else sep
    data = ampel_xl.summarize(konzept) if zahlen else konzept
    if output is None:
        # the binary stream under stdout; a stdout without one (a test's stand-in) takes bytes itself
        stream = cast("IO[bytes]", getattr(sys.stdout, "buffer", None) or sys.stdout)
        sys.stdout.flush()
        stream.write(ampel_xl.export_bytes(data, fmt, delimiter))
        stream.flush()
    else:
        ampel_xl.write_export(data, output, fmt, delimiter)
        what = "Zahlen" if zahlen else f"{len(konzept.massnahmen)} Maßnahmen"
        _echo_err(f"{what} geschrieben nach {output}")


# --------------------------------------------------------------------------------------------
@cli.command("validate", context_settings=CONTEXT)
@MASTER
@click.option("--json", "as_json", is_flag=True, help="Befunde als JSON ausgeben (für Programme).")
@click.option("--strict", is_flag=True, help="Auch Warnungen führen zum Exit-Code 1.")
def validate_cmd(master: Path, as_json: bool, strict: bool) -> None:
    """Master prüfen: Aufbau, Ampelfarben und Anzahlen, mit Fundstelle je Zelle.

    Exit-Code 0: keine Fehler; 1: Fehler (mit --strict auch bei Warnungen);
    2: Datei nicht lesbar.
    """
    import json

    try:
        with _progress.step("Master wird gelesen …"):
            konzept = ampel_xl.read(master)
        report = ampel_xl.validate(konzept)
    except AmpelError as exc:
        if as_json:
            click.echo(json.dumps({"findings": [], "counts": {"error": 0, "warning": 0, "info": 0},
                                   "fatal": exc.message}, ensure_ascii=False))
        raise
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(support.report_text(report, color=color), color=color)
    failed = bool(report.errors) or (strict and bool(report.warnings))
    if failed:
        sys.exit(1)


# --------------------------------------------------------------------------------------------
@cli.command("template", context_settings=CONTEXT)
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--empty", is_flag=True, help="Leeren, allgemeinen Master für ein anderes Konzept anlegen.")
def template_cmd(out: Path | None, empty: bool) -> None:
    """Neuen, leeren Master anlegen (Integrationskonzept 1.0 oder mit --empty allgemein)."""
    if out is None:
        out = Path("Ampel-Master_leer.xlsx" if empty else "Ampel-Master_Integrationskonzept_1.0.xlsx")
    if out.exists():
        raise ampel_xl.WriteError(
            f"„{out}“ gibt es schon; ampel-xl überschreibt keinen Master. Bitte wählen Sie einen anderen Namen."
        )
    ampel_xl.write_template(out, empty=empty)
    click.echo(f"Neuer Master geschrieben: {out}")
    click.echo("Das erste Blatt „Anleitung“ erklärt das Ausfüllen. Bitte zuerst im Blatt „Konzept“ die Angaben in "
               "eckigen Klammern ersetzen (Stand, Kopfzeile); bis dahin meldet die Prüfung eine Warnung.")


# --------------------------------------------------------------------------------------------
# (further commands are added below: summary, report, compare, history, watch)


# --------------------------------------------------------------------------------------------
@cli.command("summary", context_settings=CONTEXT)
@MASTER
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: <Master>_Zusammenfassung.xlsx neben dem Master).")
@click.option("--force", is_flag=True,
              help="Auch schreiben, wenn die Prüfung Fehler findet (mit Prüfbericht und Warnhinweis).")
@click.option("--header", "header", metavar="TEXT",
              help="Kopfzeile für den Ausdruck (Standard: „Kopfzeile“ aus dem Blatt „Konzept“).")
@click.option("--compare-with", "compare_with", metavar="OLD", type=click.Path(path_type=Path),
              help="Früherer Master (z. B. Stand der letzten Sitzung): fügt das Blatt „Entwicklung“ "
                   "mit den Veränderungen seitdem hinzu.")
def summary_cmd(master: Path, output: Path | None, force: bool, header: str | None,
                compare_with: Path | None) -> None:
    """Zusammenfassung (Excel) schreiben: Zahlen, Diagramme und Maßnahmen, druckfertig.

    Prüft den Master vorher. Bei Fehlern wird keine Zusammenfassung geschrieben (Exit-Code 1),
    sondern der Prüfbericht <Master>_Prüfbericht.xlsx neben dem Master: je Befund eine Zeile mit
    einem Link, der den Master an der Zelle öffnet. Mit --force entsteht die Zusammenfassung
    trotzdem, mit dem Prüfbericht als Blatt und einem deutlichen Warnhinweis.
    """
    result = _run(master, "summary", output=output, force=force, header=header, compare_with=compare_with)
    if compare_with is not None:
        _warn_order(compare_with, master, result.changes)
    summary, changes, report = result.summary, result.changes, result.report
    click.echo(f"Zusammenfassung geschrieben: {result.written[0]}")
    click.echo(summary.text())
    if changes is not None:
        click.echo("Blatt „Entwicklung“: " + changes.text())
    if result.draft:
        _echo_err(result.draft_warning())
    elif report.counts["warning"]:
        _echo_err(
            f"Hinweis: Die Prüfung meldet {report.counts['warning']} Warnungen (siehe Blatt „Prüfbericht“ oder "
            f"ampel-xl validate)."
        )


# --------------------------------------------------------------------------------------------
@cli.command("report", context_settings=CONTEXT)
@MASTER
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Word-Datei (.docx); ohne Angabe neben dem Master: <Name>_Ampeldokument.docx.")
@click.option("--pdf", is_flag=True, help="Zusätzlich ein PDF schreiben (braucht LibreOffice).")
@click.option("--header", metavar="TEXT", help="Kopfzeile jeder Seite (statt der Kopfzeile aus dem Blatt „Konzept“).")
@click.option("--force", is_flag=True,
              help="Auch schreiben, wenn der Master Fehler hat (die Zahlen können dann falsch sein).")
def report_cmd(master: Path, output: Path | None, pdf: bool, header: str | None, force: bool) -> None:
    """Ampeldokument (Anlage zum Protokoll) als Word-Datei schreiben, mit --pdf auch als PDF.

    Prüft den Master vorher. Bei Fehlern wird kein Ampeldokument geschrieben (Exit-Code 1),
    sondern der Prüfbericht <Master>_Prüfbericht.xlsx neben dem Master, wie bei „summary“.
    """
    result = _run(master, "report", output=output, force=force, header=header, pdf=pdf)
    if result.draft:
        _echo_err(result.draft_warning())
    click.echo(f"Ampeldokument geschrieben: {result.written[0]}")
    if len(result.written) > 1:
        click.echo(f"PDF geschrieben: {result.written[1]}")
    elif result.pdf_note:
        _echo_err(result.pdf_note)


# --------------------------------------------------------------------------------------------
def _warn_order(old: Path, new: Path, changes) -> None:
    """One German line when the earlier Stand given is the later one by its Stand date."""
    if changes is not None and support.newer_first(changes.old, changes.new):
        a, b = (old.name, new.name) if old.name != new.name else (str(old), str(new))
        _echo_err(f"Hinweis: „{a}“ (Stand {changes.old.stand_text}) ist neuer als „{b}“ "
                  f"(Stand {changes.new.stand_text}); die Veränderungen zeigen den Weg vom neueren zum älteren Stand.")


@cli.command("compare", context_settings=CONTEXT)
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: Veränderungen_<NEW>.xlsx neben NEW).")
def compare_cmd(old: Path, new: Path, output: Path | None) -> None:
    """Zwei Stände vergleichen: OLD ist der frühere Master, NEW der aktuelle.

    Tragen beide ein Stand-Datum (Blatt „Konzept“) und sind sie vertauscht angegeben, wird
    vom älteren zum neueren Stand verglichen, mit einem Hinweis.

    Zeigt Statusänderungen (Verbesserungen wie Rot → Gelb und Rückschritte), neue und entfernte
    Maßnahmen, Änderungen der Auswertung und neu nummerierte Maßnahmen, und schreibt sie in die
    Arbeitsmappe „Veränderungen“ (eine Zeile je Änderung, Diagramm je Feld).
    """
    if output is not None:
        support.guard_output(output, old, new)
    old_k, new_k = ampel_xl.read(old), ampel_xl.read(new)
    if support.newer_first(old_k, new_k):
        a, b = (old.name, new.name) if old.name != new.name else (str(old), str(new))
        _echo_err(f"Hinweis: „{a}“ (Stand {old_k.stand_text}) ist neuer als „{b}“ "
                  f"(Stand {new_k.stand_text}); verglichen wird daher vom älteren zum neueren Stand.")
        old, new, old_k, new_k = new, old, new_k, old_k
    if output is None:
        output = support.beside(new, f"Veränderungen_{new.stem}.xlsx")
        support.guard_output(output, old, new)
    changes = ampel_xl.compare(old_k, new_k)
    ampel_xl.write_changes(changes, output)  # written first: a reader of the lines below may close the pipe early
    click.echo(changes.text())
    click.echo(f"Veränderungen geschrieben: {output}")


@cli.command("history", context_settings=CONTEXT)
@click.argument("masters", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: Verlauf.xlsx neben dem zuletzt genannten Master).")
def history_cmd(masters: tuple[Path, ...], output: Path | None) -> None:
    """Verlauf über mehrere Stände: Anteile Grün, Gelb und Rot je Feld und gesamt.

    Jeder MASTER ist ein Stand (Datum aus dem Blatt „Konzept“, sonst der Dateiname). Die
    Arbeitsmappe „Verlauf“ zeigt je Feld ein Liniendiagramm von Sitzung zu Sitzung.
    """
    output = output or support.beside(masters[-1], "Verlauf.xlsx")
    support.guard_output(output, *masters)
    df = ampel_xl.history(masters)
    ampel_xl.write_history(df, output)  # written first: a reader of the lines below may close the pipe early
    click.echo("Gesamtes Konzept je Stand:")
    for row in df[df["feld"] == "Gesamt"].to_dict("records"):  # the total's rows (documented at history)
        shares = ", ".join(f"{s.label} {support.format_percent(row[f'prozent_{s.value}'])}" for s in ampel_xl.Status)
        click.echo(f"  {row['stand_label']}: {shares} (von {row['summe']} Maßnahmen)")
    click.echo(f"Verlauf geschrieben: {output}")


@cli.command("watch", context_settings=CONTEXT)
@MASTER
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: <Master>_Zusammenfassung.xlsx neben dem Master).")
@click.option("--interval", type=click.FloatRange(0.1, 60), default=1.0,
              help="Sekunden zwischen zwei Blicken auf den Master (Standard: 1).")
@click.option("--force", is_flag=True, help="Auch schreiben, wenn der Master Fehler hat.")
def watch_cmd(master: Path, output: Path | None, interval: float, force: bool) -> None:
    """Zusammenfassung nach jedem Speichern des Masters neu schreiben (Beenden mit Strg+C).

    Verträgt das Speichern in Excel (Zwischendateien, Sperrdatei „~$…“) und eine geöffnete
    Zusammenfassung: dann kommt ein Hinweis, und beim nächsten Speichern ein neuer Versuch. Hat
    der Master Fehler, entsteht wie bei „summary“ der Prüfbericht neben dem Master.
    """
    from .watch import default_action, run_watch

    if output is not None:
        support.guard_output(output, master)
    run_watch(master, output, interval=interval, action=default_action(output, force=force), echo=click.echo)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ampel-xl")


if __name__ == "__main__":  # pragma: no cover
    main()
