"""The registry of finding types: complete, documented in the README (generated with cog), the only
place that writes a message or chooses a severity."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from cogapp import Cog

import ampel_xl.findings as F
from ampel_xl.findings import FINDING_TYPES, REGISTRY, Severity, codes_table_markdown

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ampel_xl"
README = ROOT / "README.md"


def test_readme_code_table_is_generated_from_the_registry(tmp_path):
    """`cog --check` fails when the README's table and the registry disagree."""
    readme = README.read_text(encoding="utf-8")
    assert codes_table_markdown() in readme, "README out of date: run `cog -r README.md`"
    assert Cog().main(["cog", "--check", str(README)]) == 0, "README out of date: run `cog -r README.md`"
    # and the check does notice a hand edit of the table
    edited = tmp_path / "README.md"
    edited.write_text(readme.replace("| `row-hidden` | Warnung |", "| `row-hidden` | Hinweis |"), encoding="utf-8")
    assert Cog().main(["cog", "--check", str(edited)]) != 0


def test_readme_has_exactly_the_registry_codes():
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Finding codes", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M)
    assert documented == list(REGISTRY)
    assert len(set(documented)) == len(documented)


@pytest.mark.parametrize("kind", FINDING_TYPES, ids=lambda t: f"{t.code}{'/' + t.variant if t.variant else ''}")
def test_every_type_renders_a_german_sentence(kind):
    finding = kind("Sprache", "D7", 7, **dict.fromkeys(kind.placeholders, "«x»"))
    assert finding.code == kind.code and finding.severity is kind.severity
    assert (finding.sheet, finding.cell, finding.row) == ("Sprache", "D7", 7)
    for text in (finding.message, finding.hint, kind.title):
        assert text and "{" not in text and "}" not in text, text
        assert text.rstrip(")“").endswith((".", "?")), text
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", kind.code)
    assert finding.title == REGISTRY[kind.code].title


def test_variants_share_code_severity_and_title():
    seen: dict[tuple[str, str], F.FindingType] = {}
    for kind in FINDING_TYPES:
        assert (kind.code, kind.variant) not in seen, f"{kind.code} has two types of variant {kind.variant!r}"
        seen[(kind.code, kind.variant)] = kind
        main = REGISTRY[kind.code]
        assert (kind.severity, kind.title) == (main.severity, main.title)
        assert main.variant == ""


def test_one_code_one_severity():
    """Codes are public: the same code never means an error once and a warning another time."""
    by_code: dict[str, set[Severity]] = {}
    for kind in FINDING_TYPES:
        by_code.setdefault(kind.code, set()).add(kind.severity)
    assert {code: sevs for code, sevs in by_code.items() if len(sevs) > 1} == {}


def _package_sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "findings.py")


_CODE_LIKE = re.compile(r"[a-z]+(-[a-z]+)+")


def _codes_compared(tree: ast.AST) -> set[str]:
    """String constants compared with a ``.code`` attribute (``f.code == "x"``, ``a.code in ("x", "y")``)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if not any(isinstance(s, ast.Attribute) and s.attr == "code" for s in sides):
            continue
        for s in sides:
            for c in ast.walk(s):
                if isinstance(c, ast.Constant) and isinstance(c.value, str) and _CODE_LIKE.fullmatch(c.value):
                    out.add(c.value)  # (Excel's error values like "#N/A" have a .code too)
    return out


def test_every_code_used_in_the_package_is_in_the_registry():
    used: set[str] = set()
    for path in _package_sources():
        used |= _codes_compared(ast.parse(path.read_text(encoding="utf-8")))
    assert used - set(REGISTRY) == set()


def test_no_call_site_writes_a_message_or_chooses_a_severity():
    """Findings are made from a registry type only: no ``Finding(...)``/``FindingType(...)`` outside the
    registry, no ``severity=`` handed to anything."""
    offenders = []
    for path in _package_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("Finding", "FindingType") or any(k.arg == "severity" for k in node.keywords):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_reader_anomalies_carry_registry_types():
    """The reader reports with the registry's types, so validation needs no translation."""
    from ampel_xl.model import Anomaly

    a = Anomaly.of(F.UNTERZIEL_UNREADABLE, "Sprache", "A9", 9, value="drei")
    assert a.code == "unterziel-unreadable"
    f = a.finding()
    assert (f.code, f.severity, f.sheet, f.cell, f.row) == ("unterziel-unreadable", Severity.ERROR, "Sprache", "A9", 9)
    assert f.message == "In der Unterziel-Spalte steht „drei“; daraus geht keine Unterziel-Nummer hervor."
    for path in (PACKAGE / "reader").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"Anomaly\(\s*\"", text), f"{path.name} names an anomaly by a string of its own"
