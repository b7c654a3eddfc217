"""click's own messages reach staff in German: every usage error, every help page.

The English words are collected from the installed click's source (every ``_("…")`` and
``ngettext("…", "…")`` call and the names of its parameter types, which become metavars such as
FILE), so the test follows click's versions: a message a new click adds fails here until
``ampel_xl/cli.py`` translates it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ampel_xl.cli import cli

#: Words German shares with click's English (as loanwords or the same spelling).
SHARED = {"option", "name", "text", "format", "standard", "was", "bash", "windows", "uuid", "range"}


def _click_sources() -> dict[str, ast.Module]:
    trees = {}
    for info in pkgutil.iter_modules(click.__path__):
        path = Path(click.__path__[0]) / f"{info.name}.py"
        if path.is_file():
            trees[info.name] = ast.parse(path.read_text(encoding="utf-8"))
    return trees


def _msgids(tree: ast.Module) -> list[tuple[str, ...]]:
    """Every literal passed to ``_`` (one msgid) or ``ngettext`` (singular, plural)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if texts:
                found.append(tuple(texts))
    return found


def _type_names(tree: ast.Module) -> list[str]:
    """The ``name = "…"`` of click's parameter types (their upper case is the metavar)."""
    return [node.value.value for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and any(isinstance(t, ast.Name) and t.id == "name" for t in node.targets)]


SOURCES = _click_sources()
MSGIDS = {module: _msgids(tree) for module, tree in SOURCES.items()}


def _words(text: str) -> set[str]:
    text = re.sub(r"\{[^}]*\}|%\([^)]*\)s", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


ENGLISH = set().union(*(_words(" ".join(m)) for ms in MSGIDS.values() for m in ms),
                      *(_words(n) for n in _type_names(SOURCES["types"]))) - SHARED


def _english_in(output: str) -> set[str]:
    """English words of click's catalogue in ``output``; quoted user input and option names are not words."""
    text = re.sub(r"'[^'\n]*'|„[^“\n]*“|\"[^\"\n]*\"", " ", output)
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)
    words = {w.lower() for w in re.findall(r"[A-Za-zÄÖÜäöüß][\wÄÖÜäöüß]*(?:-[\wÄÖÜäöüß]+)*", text)}
    return words & ENGLISH


def test_the_catalogue_is_not_empty():
    # the collection must see click's messages, or the tests below could not fail
    assert {"usage", "missing", "options", "mean", "file", "integer"} <= ENGLISH


@pytest.mark.parametrize("module", sorted(m for m, ids in MSGIDS.items() if ids))
def test_every_click_message_has_a_german_text(module):
    try:
        mod = importlib.import_module(f"click.{module}")
    except (ImportError, AssertionError):  # click._winconsole runs on Windows only
        pytest.skip(f"click.{module} is not importable here")
    untranslated = []
    for ids in MSGIDS[module]:
        if len(ids) == 1:
            german = [mod._(ids[0])]
        else:
            german = [mod.ngettext(ids[0], ids[1], 1), mod.ngettext(ids[0], ids[1], 2)]
        if any(g in ids for g in german):
            untranslated.append(ids)
    assert not untranslated


def _usage_errors(tmp_path: Path) -> list[list[str]]:
    folder = tmp_path / "Ampel-Master.xlsx"
    folder.mkdir()
    calls: list[list[str]] = [[], ["--help"], ["--bogus"], ["summry", "x.xlsx"], ["valdate"], ["gibtsnicht"]]
    for name, command in cli.commands.items():
        calls.append([name, "--help"])
        calls.append([name, "--gibtsnicht", "x.xlsx"])
        calls.append([name, "-o"])
        if any(isinstance(p, click.Argument) and p.required for p in command.params):
            calls.append([name])
        else:
            calls.append([name, "a.xlsx", "b.xlsx"])
    calls += [
        ["export", "--format", "xml", "x.xlsx"],
        ["export", "--sep", "|", "x.xlsx"],
        ["watch", "--interval", "abc", "x.xlsx"],
        ["watch", "--interval", "1000", "x.xlsx"],
        ["report", "--pdf=ja", "x.xlsx"],
        ["validate", str(folder)],
        ["compare", "alt.xlsx"],
        ["validate", "a.xlsx", "b.xlsx"],
    ]
    return calls


def test_no_english_word_of_click_reaches_the_terminal(tmp_path):
    runner = CliRunner()
    seen = 0
    for args in _usage_errors(tmp_path):
        r = runner.invoke(cli, args, prog_name="ampel-xl")
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.output)
        assert not _english_in(r.output), (args, _english_in(r.output), r.output)
        if "--help" not in args and args:
            assert r.exit_code == 2, (args, r.output)
            assert "Fehler:" in r.output, (args, r.output)
        seen += 1
    assert seen > 30


@pytest.mark.parametrize(
    "args, expected",
    [
        (["summry", "x.xlsx"], "Unbekannter Befehl „summry“. Meinten Sie 'summary'?"),
        (["export", "--format", "xml", "x.xlsx"], "„xml“ ist nicht möglich; möglich sind 'csv', 'json'."),
        (["compare"], "Es fehlt die Angabe 'ALT'."),
        (["watch", "--interval", "abc", "x.xlsx"], "„abc“ ist keine gültige Zahl."),
    ],
)
def test_the_german_sentence_names_what_was_typed(args, expected):
    r = CliRunner().invoke(cli, args, prog_name="ampel-xl")
    assert r.exit_code == 2
    assert expected in r.output


def test_help_pages_use_german_metavars():
    runner = CliRunner()
    pages = {name: runner.invoke(cli, [name, "--help"], prog_name="ampel-xl").output for name in cli.commands}
    assert "Aufruf: ampel-xl compare [OPTIONEN] ALT NEU" in pages["compare"]
    assert "--compare-with ALT" in pages["summary"] and "-o, --output DATEI" in pages["summary"]
    assert "--interval SEKUNDEN" in pages["watch"]
    for page in pages.values():
        assert not re.search(r"\b(OLD|NEW|FILE|PATH|OUT|MASTERS|FLOAT|INTEGER|COMMAND|ARGS)\b", page), page
