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
from typing import IO, Any, Literal, cast

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


# click's own messages in German. click passes every text staff can see (usage errors, help
# headings, the help option's text, the type names behind metavars such as FILE) through
# ``gettext.gettext`` / ``gettext.ngettext``, imported into each of its modules as ``_`` and
# ``ngettext``. Replacing those two names in every click module is the one place that turns all of
# them German, in every click version since 8.0; tests/test_cli_german.py checks that every msgid
# of the installed click has an entry here. Placeholders may be dropped or unquoted ({name} for
# {name!r}), since the arguments are passed by keyword.
_CLICK_DE: dict[str, str] = {
    # exceptions.py
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe: {command} {option}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Missing argument": "Es fehlt die Angabe",
    "Missing option": "Es fehlt die Option",
    "Missing parameter": "Es fehlt die Angabe",
    "Missing {param_type}": "Es fehlt die Angabe",
    "Missing parameter: {param_name}": "Es fehlt die Angabe {param_name}.",
    "No such option {name!r}.": "Unbekannte Option: {name}.",
    "No such command {name!r}.": "Unbekannter Befehl „{name}“.",
    "unknown error": "unbekannter Fehler",
    "Could not open file {filename!r}: {message}": "Die Datei „{filename}“ lässt sich nicht öffnen: {message}",
    # core.py
    "Aborted!": "Abgebrochen.",
    "deprecated": "veraltet",
    "Options": "Optionen",
    "Positional arguments": "Angaben",
    "Arguments": "Angaben",
    "Commands": "Befehle",
    "Missing command.": "Es fehlt der Befehl.",
    "Value must be an iterable.": "Der Wert muss eine Liste sein.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Hinweis: Der Befehl „{name}“ ist veraltet.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Hinweis: Die Angabe „{name}“ ist veraltet.{extra_message}",
    "Name '{name}' defined twice": "Der Name „{name}“ ist doppelt vergeben",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "Die Ja/Nein-Option {decl} braucht zwei verschiedene Schalter.",
    "Could not determine name for option with declarations {decls!r}":
        "Der Name der Option {decls} lässt sich nicht bestimmen",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "Keine Option angegeben, aber ein Name ({name}); gemeint ist vielleicht --{name}.",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Eine Angabe braucht genau einen Namen, erhalten {length}: {decls}.",
    "env var: {var}": "Umgebungsvariable: {var}",
    "default: {default}": "Standard: {default}",
    "required": "erforderlich",
    "(dynamic)": "(veränderlich)",
    # decorators.py
    "Do you want to continue?": "Fortfahren?",
    "Confirm the action without prompting.": "Ohne Rückfrage ausführen.",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "Show the version and exit.": "Versionsnummer anzeigen und beenden.",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    # formatting.py
    "Usage:": "Aufruf:",
    # parser.py
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen der Option ({option})",
    "Argument {name!r} takes {nargs} values.": "Die Angabe {name} braucht {nargs} Werte.",
    "Option {name!r} does not take a value.": "Die Option {name} nimmt keinen Wert.",
    # types.py
    "Choose from:\n\t{choices}": "Möglich sind:\n\t{choices}",
    "Choice({choices})": "Auswahl({choices})",
    "{value!r} is not a valid {number_type}.": "„{value}“ ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "„{value}“ ist weder ja noch nein. Möglich sind: {states}",
    "{value!r} is not a valid UUID.": "„{value}“ ist keine gültige UUID.",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "{name} {filename!r} does not exist.": "{name} „{filename}“ gibt es nicht.",
    "{name} {filename!r} is a file.": "{name} „{filename}“ ist eine Datei.",
    "{name} {filename!r} is a directory.": "{name} „{filename}“ ist ein Ordner.",
    "{name} {filename!r} is not readable.": "{name} „{filename}“ ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} „{filename}“ ist nicht schreibbar.",
    "{name} {filename!r} is not executable.": "{name} „{filename}“ ist nicht ausführbar.",
    # termui.py, _termui_impl.py, utils.py, shell_completion.py, _winconsole.py
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Unknown color {colour!r}": "Unbekannte Farbe „{colour}“",
    "Press any key to continue...": "Weiter mit einer beliebigen Taste …",
    "d": "T",
    "{editor}: Editing failed": "{editor}: Bearbeiten fehlgeschlagen",
    "{editor}: Editing failed: {e}": "{editor}: Bearbeiten fehlgeschlagen: {e}",
    "Unknown standard stream '{name}'": "Unbekannter Standard-Datenstrom „{name}“",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "Die Vervollständigung braucht Bash 4.4 oder neuer.",
    "Couldn't detect Bash version, shell completion is not supported.":
        "Die Bash-Version ist unbekannt; die Vervollständigung ist nicht möglich.",
    "Windows error: {error}": "Windows-Fehler: {error}",
}

#: click's plural messages: (singular, plural) → German (singular, plural).
_CLICK_DE_PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Meinten Sie {possibility}?", "(Meinten Sie einen von: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Eine Angabe zu viel: {args}.", "Angaben zu viel: {args}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Braucht {nargs} Werte, erhalten 1.", "Braucht {nargs} Werte, erhalten {len}."),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Die Option {name} braucht einen Wert.", "Die Option {name} braucht {nargs} Werte."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("„{value}“ ist nicht möglich, nur {choice}.", "„{value}“ ist nicht möglich; möglich sind {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("„{value}“ passt nicht zum Format {format}.", "„{value}“ passt zu keinem der Formate {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} Werte sind nötig, erhalten {len_value}.", "{len_type} Werte sind nötig, erhalten {len_value}."),
}


def _gettext_de(message: str) -> str:
    return _CLICK_DE.get(message, message)


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


def _ngettext_de(singular: str, plural: str, n: int) -> str:
    german = _CLICK_DE_PLURAL.get((singular, plural))
    if german is None:
        return singular if n == 1 else plural
    return german[0] if n == 1 else german[1]


def _german_click() -> None:
    """Make every message of click German (see ``_CLICK_DE``); before any command is declared,
    since click.Path names its metavar (FILE) when the type is made."""
    import gettext
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(click.__path__):
        try:
            module = importlib.import_module(f"click.{info.name}")
        except (ImportError, AssertionError):  # _winconsole asserts it runs on Windows
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _gettext_de  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _ngettext_de  # type: ignore[attr-defined]


_german_click()


class _German(click.Command):
    """Mixin for commands and groups: "[OPTIONEN]" in the usage line (a literal in click)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONEN]")
        super().__init__(*args, **kwargs)


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
            _echo_err(f"Fehler: {exc.format_message()} Hilfe: {where} --help")
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
@click.argument("out", required=False, metavar="[DATEI]", type=click.Path(dir_okay=False, path_type=Path))
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
@click.option("--compare-with", "compare_with", metavar="ALT", type=click.Path(path_type=Path),
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
@click.option("--compare-with", "compare_with", metavar="ALT", type=click.Path(path_type=Path),
              help="Früherer Master (z. B. Stand der letzten Sitzung): fügt das Kapitel „Veränderungen seit dem "
                   "Stand vom …“ hinzu (Fortschritte, Rückschritte, neue und entfernte Maßnahmen je Feld).")
def report_cmd(master: Path, output: Path | None, pdf: bool, header: str | None, force: bool,
               compare_with: Path | None) -> None:
    """Ampeldokument (Anlage zum Protokoll) als Word-Datei schreiben, mit --pdf auch als PDF.

    Prüft den Master vorher. Bei Fehlern wird kein Ampeldokument geschrieben (Exit-Code 1),
    sondern der Prüfbericht <Master>_Prüfbericht.xlsx neben dem Master, wie bei „summary“.
    """
    result = _run(master, "report", output=output, force=force, header=header, pdf=pdf,
                  compare_with=compare_with)
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
@click.argument("old", metavar="ALT", type=click.Path(path_type=Path))
@click.argument("new", metavar="NEU", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: Veränderungen_<NEU>.xlsx neben NEU).")
def compare_cmd(old: Path, new: Path, output: Path | None) -> None:
    """Zwei Stände vergleichen: ALT ist der frühere Master, NEU der aktuelle.

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
@click.argument("masters", nargs=-1, required=True, metavar="MASTER...", type=click.Path(path_type=Path))
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
    rows = df[df["feld"] == "Gesamt"].to_dict("records")  # the total's rows (documented at history)
    for row in rows:
        shares = ", ".join(f"{s.label} {support.format_percent(row[f'prozent_{s.value}'])}" for s in ampel_xl.Status)
        click.echo(f"  {row['stand_label']}: {shares} (von {row['summe']} Maßnahmen)")
    note = support.rounding_note(rows)  # shares rounded each on its own may add up to 99 or 101 %
    if note:
        click.echo(f"  {note}.")
    click.echo(f"Verlauf geschrieben: {output}")


@cli.command("watch", context_settings=CONTEXT)
@MASTER
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Standard: <Master>_Zusammenfassung.xlsx neben dem Master).")
@click.option("--interval", type=click.FloatRange(0.1, 60), default=1.0, metavar="SEKUNDEN",
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
