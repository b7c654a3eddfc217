"""Damaged parts inside an intact zip: no command ever ends with an internal error.

A master is a zip of XML parts. Real masters get damaged in ways a zip check does not see: a sync
tool that cut a part short, an add-in that wrote a style id it never defined, a script that edited
the sheet XML by hand. This test takes two real masters — one written by openpyxl, one saved by
LibreOffice (shared strings, styles and attributes in LibreOffice's own way) — and applies a fixed
list of mutations to their parts (sheet, sharedStrings, styles, workbook, theme, relationships),
each inside a valid zip. ``ampel-xl validate`` and ``ampel-xl summary`` must answer every one with
exit 0, 1 or 2 and a German sentence: never exit 3, never a traceback.

Deterministic (a fixed list, no randomness) and CI-sized: about 85 mutations of one or both masters × 2 commands.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, IconSetRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ampel_xl.cli import cli
from clerk_masters import (
    SOFFICE,
    add_x14_icon_set,
    add_x14_list_validation,
    build_case,
    prefix_main_namespace,
    resave_libreoffice,
)

# --------------------------------------------------------------------------------------------
# The two real masters


def _openpyxl_master(directory: Path) -> Path:
    """A clerk master with every part the mutations touch: merged measures, a Konzept sheet, conditional
    formatting (cell value and icon set, an Excel 2010 icon set in the x14 extension), drop-down lists
    (one in the x14 extension), a comment and a hidden row."""
    case = build_case("merged_rows-zwei-zeilen", directory)
    wb = load_workbook(case.path)
    ws = wb["Sprache"]
    ws.conditional_formatting.add("C5:C12", CellIsRule(operator="equal", formula=['"x"'],
                                                       fill=PatternFill(bgColor="FF00B050")))
    ws.conditional_formatting.add("F5:F12", IconSetRule("3TrafficLights1", "num", [0, 2, 3]))
    dv = DataValidation(type="list", formula1='"Grün,Gelb,Rot"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C5:C40")
    ws["F6"].comment = Comment("seit März", "Sachbearbeitung")
    ws.row_dimensions[12].hidden = True
    path = directory / "Ampel-Master.xlsx"
    wb.save(path)
    sheet_no = wb.sheetnames.index("Sprache") + 1
    add_x14_icon_set(path, sheet_no, "E5:E12", "3Stars", [("percent", "0"), ("num", "2"), ("num", "3")])
    add_x14_list_validation(path, sheet_no, "D5:D40", "Konzept!$A$1:$A$2")
    return path


@pytest.fixture(scope="module")
def masters(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("fuzz_bases")
    out = {"openpyxl": _openpyxl_master(d)}
    if SOFFICE is not None:
        lo = resave_libreoffice([out["openpyxl"]], d / "lo")
        out["libreoffice"] = lo[out["openpyxl"]]
    return out


# --------------------------------------------------------------------------------------------
# Parts and mutations

Parts = dict[str, bytes]


def read_parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(parts: Parts, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def field_sheet(parts: Parts) -> str:
    """The worksheet part of the field sheet with merged measures."""
    return next(n for n in sorted(parts) if n.startswith("xl/worksheets/sheet") and b"<mergeCell " in parts[n])


def sub(part: str | Callable[[Parts], str], pattern: str, repl: str, count: int = 1):
    """A mutation: a regular-expression replacement in one part (``count`` 0: every match)."""

    def mutate(parts: Parts) -> bool:
        name = part(parts) if callable(part) else part
        text = parts[name].decode("utf-8")
        new, n = re.subn(pattern, repl, text, count=count, flags=re.S)
        parts[name] = new.encode("utf-8")
        return n > 0

    return mutate


def truncate(part: str | Callable[[Parts], str], keep: float):
    def mutate(parts: Parts) -> bool:
        name = part(parts) if callable(part) else part
        parts[name] = parts[name][: int(len(parts[name]) * keep)]
        return True

    return mutate


def drop(part: str | Callable[[Parts], str]):
    def mutate(parts: Parts) -> bool:
        name = part(parts) if callable(part) else part
        return parts.pop(name, None) is not None

    return mutate


def drop_half_of_shared_strings(parts: Parts) -> bool:
    text = parts[SST].decode("utf-8")
    items = re.findall(r"<si>.*?</si>|<si/>", text, flags=re.S)
    if len(items) < 2:
        return False
    keep = items[: len(items) // 2]
    head = text[: text.index(items[0])]
    parts[SST] = (head + "".join(keep) + "</sst>").encode("utf-8")
    return True


def swap_two_rows(parts: Parts) -> bool:
    name = field_sheet(parts)
    text = parts[name].decode("utf-8")
    rows = re.findall(r"<row [^>]*?>.*?</row>", text, flags=re.S)
    if len(rows) < 8:
        return False
    a, b = rows[5], rows[6]
    parts[name] = text.replace(a + b, b + a, 1).encode("utf-8") if a + b in text else \
        text.replace(a, "\0", 1).replace(b, a, 1).replace("\0", b, 1).encode("utf-8")
    return True


def duplicate_a_row(parts: Parts) -> bool:
    name = field_sheet(parts)
    text = parts[name].decode("utf-8")
    m = re.search(r"<row [^>]*?>.*?</row>", text[text.index("<sheetData"):], flags=re.S)
    rows = re.findall(r"<row [^>]*?>.*?</row>", text, flags=re.S)
    if not m or len(rows) < 6:
        return False
    row = rows[5]
    parts[name] = text.replace(row, row + row, 1).encode("utf-8")
    return True


def overlapping_merge(parts: Parts) -> bool:
    name = field_sheet(parts)
    text = parts[name].decode("utf-8")
    m = re.search(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"\s*/>', text)
    if not m:
        return False
    extra = f'<mergeCell ref="{m.group(1)}{int(m.group(2)) + 1}:{m.group(3)}{int(m.group(4)) + 1}"/>'
    parts[name] = (text[: m.end()] + extra + text[m.end():]).encode("utf-8")
    return True


_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)


def cells(predicate: Callable[[dict[str, str], str], bool], rewrite: Callable[[dict[str, str], str], str],
          count: int = 0):
    """A mutation of the field sheet's cells: ``rewrite(attributes, inner XML)`` for those ``predicate`` picks."""

    def mutate(parts: Parts) -> bool:
        name = field_sheet(parts)
        text = parts[name].decode("utf-8")
        done = 0

        def repl(m: re.Match) -> str:
            nonlocal done
            attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
            inner = m.group(2) or ""
            if (count and done >= count) or not predicate(attrs, inner):
                return m.group(0)
            done += 1
            return rewrite(attrs, inner)

        parts[name] = _CELL.sub(repl, text).encode("utf-8")
        return done > 0

    return mutate


def _cell(attrs: dict[str, str], inner: str) -> str:
    return "<c " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + f">{inner}</c>"


def _is_sst(a: dict[str, str], inner: str) -> bool:
    return a.get("t") == "s" and "<v>" in inner


def _is_text(a: dict[str, str], inner: str) -> bool:
    return a.get("t") in ("s", "inlineStr", "str")


def _is_number(a: dict[str, str], inner: str) -> bool:
    return a.get("t", "n") == "n" and "<v>" in inner


def _with(**changes: str) -> Callable[[dict[str, str], str], str]:
    """Rewrite: set attributes; ``v`` replaces the value, ``inner`` the whole content."""

    def rewrite(attrs: dict[str, str], inner: str) -> str:
        attrs = dict(attrs)
        for k, v in changes.items():
            if k not in ("v", "inner"):
                attrs[k] = v
        if "inner" in changes:
            inner = changes["inner"]
        elif "v" in changes:
            inner = re.sub(r"<v>.*?</v>", f"<v>{changes['v']}</v>", inner, flags=re.S)
        return _cell(attrs, inner)

    return rewrite


SHEET, SST, STYLES, WORKBOOK, THEME = field_sheet, "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", \
    "xl/theme/theme1.xml"
WB_RELS, CT = "xl/_rels/workbook.xml.rels", "[Content_Types].xml"

MUTATIONS: dict[str, Callable[[Parts], bool]] = {
    # the field sheet
    "sheet-truncated-half": truncate(SHEET, 0.5),
    "sheet-truncated-end": truncate(SHEET, 0.97),
    "sheet-missing": drop(SHEET),
    "sheet-not-xml": lambda p: p.update({SHEET(p): b"\x00\x01PK garbage"}) or True,
    "sheet-cell-ref-garbage": sub(SHEET, r'(<c r=")B6(")', r"\1!!\2"),
    "sheet-cell-ref-beyond-limits": sub(SHEET, r'(<c r=")B6(")', r"\1XFE1048577\2"),
    "sheet-cell-ref-lowercase-dollar": sub(SHEET, r'(<c r=")B6(")', r"\1$b$6\2"),
    "sheet-row-number-zero": sub(SHEET, r'(<row r=")6(")', r"\g<1>0\2"),
    "sheet-row-number-negative": sub(SHEET, r'(<row r=")6(")', r"\1-6\2"),
    "sheet-row-number-huge": sub(SHEET, r'(<row r=")6(")', r"\g<1>99999999\2"),
    "sheet-rows-out-of-order": swap_two_rows,
    "sheet-row-duplicated": duplicate_a_row,
    "sheet-style-id-out-of-range": sub(SHEET, r'( s=")\d+(")', r"\g<1>999\2", count=0),
    "sheet-style-id-not-a-number": sub(SHEET, r'( s=")\d+(")', r"\1x\2", count=0),
    "sheet-shared-string-index-out-of-range": cells(_is_sst, _with(v="99999")),
    "sheet-shared-string-index-negative": cells(_is_sst, _with(v="-1"), count=1),
    "sheet-shared-string-index-not-a-number": cells(_is_sst, _with(v="abc")),
    "sheet-number-not-a-number": cells(_is_number, _with(v="1,5e")),
    "sheet-cell-type-unknown": cells(_is_text, _with(t="q")),
    "sheet-bool-cell-garbage": cells(_is_number, _with(t="b", v="yes"), count=2),
    "sheet-date-cell-garbage": cells(_is_number, _with(t="d", v="31.02.2025"), count=2),
    "sheet-error-cell": cells(_is_number, _with(t="e", v="#NV"), count=2),
    "sheet-inline-string-without-text": cells(_is_text, _with(t="inlineStr", inner=""), count=3),
    "sheet-inline-string-empty-runs": cells(_is_text, _with(t="inlineStr", inner="<is><r><rPr/></r><rPh/></is>"),
                                            count=3),
    "sheet-broken-formula": cells(_is_text, _with(t="str", inner="<f>SUM((</f><v></v>"), count=3),
    "sheet-formula-without-value": cells(_is_text, _with(t="str", inner="<f>Legende!A1</f>"), count=3),
    "sheet-merge-ref-open": sub(SHEET, r'(<mergeCell ref=")[^"]+(")', r"\1A6:\2"),
    "sheet-merge-ref-reversed": sub(SHEET, r'(<mergeCell ref=")([A-Z]+)(\d+):([A-Z]+)(\d+)(")', r"\1\4\5:\2\3\6"),
    "sheet-merge-ref-garbage": sub(SHEET, r'(<mergeCell ref=")[^"]+(")', r"\1Sprache!!\2", count=0),
    "sheet-merge-whole-sheet": sub(SHEET, r'(<mergeCell ref=")[^"]+(")', r"\1A1:XFD1048576\2"),
    "sheet-merge-overlapping": overlapping_merge,
    "sheet-cf-sqref-garbage": sub(SHEET, r'(<conditionalFormatting[^>]*sqref=")[^"]*(")', r"\1hello world\2", count=0),
    "sheet-cf-sqref-empty": sub(SHEET, r'(<conditionalFormatting[^>]*sqref=")[^"]*(")', r"\1\2", count=0),
    "sheet-cf-dxfid-bogus": sub(SHEET, r'(dxfId=")\d+(")', r"\g<1>99\2", count=0),
    "sheet-cf-dxfid-negative": sub(SHEET, r'(dxfId=")\d+(")', r"\1-1\2", count=0),
    "sheet-cf-type-unknown": sub(SHEET, r'(<cfRule[^>]*type=")cellIs(")', r"\1bogusRule\2"),
    "sheet-cf-operator-unknown": sub(SHEET, r'(operator=")equal(")', r"\1nearly\2"),
    "sheet-cf-formula-garbage": sub(SHEET, r"(<cfRule[^>]*cellIs.*?<formula>).*?(</formula>)", r"\1)(&amp;\2"),
    "sheet-iconset-unknown": sub(SHEET, r'(iconSet=")[^"]+(")', r"\g<1>9Unicorns\2"),
    "sheet-iconset-cfvo-garbage": sub(SHEET, r'(<cfvo[^>]*val=")[^"]*(")', r"\1abc\2", count=0),
    "sheet-iconset-cfvo-type-unknown": sub(SHEET, r'(<cfvo[^>]*type=")[^"]*(")', r"\1weird\2", count=0),
    "sheet-iconset-without-cfvo": sub(SHEET, r"<cfvo[^>]*/>|<cfvo[^>]*>\s*</cfvo>", "", count=0),
    "sheet-dv-sqref-garbage": sub(SHEET, r'(<dataValidation [^>]*sqref=")[^"]*(")', r"\1C5:?\2"),
    "sheet-dv-formula-garbage": sub(SHEET, r"(<dataValidation .*?<formula1>).*?(</formula1>)", r'\1"Grün,\2'),
    "sheet-row-hidden-garbage": sub(SHEET, r'(<row [^>]*hidden=")[^"]*(")', r"\1maybe\2"),
    "sheet-col-range-bad": sub(SHEET, r"<sheetData",
                               '<cols><col min="0" max="99999999" width="-3" customWidth="1"/></cols><sheetData'),
    "sheet-pane-garbage": sub(SHEET, r"<sheetView([^>]*)/>|<sheetView([^>]*)>",
                              r'<sheetView\1\2><pane xSplit="x" topLeftCell="??" state="frozen"/>'),
    "sheet-dimension-garbage": sub(SHEET, r'(<dimension ref=")[^"]*(")', r"\1garbage\2"),
    "sheet-extlst-garbage": sub(SHEET, r"</worksheet>", '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
                                   'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                                   '<x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule type="iconSet">'
                                   '<x14:iconSet iconSet="3Stars"><x14:cfvo type="num"/></x14:iconSet></x14:cfRule>'
                                   '</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>'),
    # shared strings
    "sst-missing": drop(SST),
    "sst-truncated": truncate(SST, 0.6),
    "sst-half-the-items": drop_half_of_shared_strings,
    "sst-counts-wrong": sub(SST, r'count="\d+"', 'count="1"'),
    "sst-empty-item": sub(SST, r"<si>.*?</si>", "<si/>"),
    "sst-run-without-text": sub(SST, r"<si>.*?</si>", '<si><r><rPr><color rgb="ZZ"/></rPr></r></si>'),
    # styles
    "styles-missing": drop(STYLES),
    "styles-truncated": truncate(STYLES, 0.5),
    "styles-cellxfs-one-left": sub(STYLES, r'(<cellXfs count=")\d+(">\s*<xf\b.*?(?:/>|</xf>)).*?(</cellXfs>)',
                                   r"\g<1>1\2\3"),
    "styles-fill-id-out-of-range": sub(STYLES, r'(fillId=")\d+(")', r"\g<1>99\2", count=0),
    "styles-font-id-out-of-range": sub(STYLES, r'(fontId=")\d+(")', r"\g<1>99\2", count=0),
    "styles-rgb-garbage": sub(STYLES, r'(rgb=")[0-9A-Fa-f]{6,8}(")', r"\1ZZZ\2", count=0),
    "styles-theme-index-huge": sub(STYLES, r'rgb="[0-9A-Fa-f]{6,8}"', 'theme="99" tint="abc"', count=0),
    "styles-indexed-huge": sub(STYLES, r'rgb="[0-9A-Fa-f]{6,8}"', 'indexed="999"', count=0),
    "styles-dxfs-removed": sub(STYLES, r"<dxfs.*?</dxfs>|<dxfs[^>]*/>", ""),
    "styles-pattern-unknown": sub(STYLES, r'patternType="solid"', 'patternType="zigzag"', count=0),
    "styles-numfmt-unknown": sub(STYLES, r'(<cellXfs.*?numFmtId=")\d+(")', r"\g<1>999\2"),
    "styles-gradient-garbage": sub(STYLES, r"(<fills[^>]*>)", r'\1<fill><gradientFill degree="x"><stop position="q">'
                                   r'<color rgb="nonsense"/></stop></gradientFill></fill>'),
    # workbook
    "workbook-missing": drop(WORKBOOK),
    "workbook-truncated": truncate(WORKBOOK, 0.5),
    "workbook-sheet-rid-dangling": sub(WORKBOOK, r'(<sheet [^>]*r:id=")[^"]+(")', r"\1rId99\2"),
    "workbook-duplicate-sheet-names": sub(WORKBOOK, r'(<sheet [^>]*name=")Konzept(")', r"\1Sprache\2"),
    "workbook-sheet-state-garbage": sub(WORKBOOK, r"<sheet ", '<sheet state="weird" ', count=0),
    "workbook-defined-names-garbage": sub(WORKBOOK, r"</sheets>", '</sheets><definedNames><definedName '
                                          'name="_xlnm._FilterDatabase" localSheetId="99">#REF!</definedName>'
                                          '<definedName name="x">Sprache!$A$1:</definedName></definedNames>'),
    "workbook-no-sheets": sub(WORKBOOK, r"<sheets>.*?</sheets>", "<sheets/>"),
    "workbook-sheet-name-empty": sub(WORKBOOK, r'(<sheet [^>]*name=")[^"]+(")', r"\1\2"),
    # theme
    "theme-missing": drop(THEME),
    "theme-truncated": truncate(THEME, 0.4),
    "theme-colour-scheme-empty": sub(THEME, r"(<a:clrScheme[^>]*>).*?(</a:clrScheme>)", r"\1\2"),
    "theme-srgb-garbage": sub(THEME, r'(<a:srgbClr val=")[^"]*(")', r"\1ZZZZZZ\2", count=0),
    # relationships and content types
    "rels-sheet-target-missing": sub(WB_RELS, r'(Target=")[^"]*worksheets/sheet\d+\.xml(")',
                                     r"\1worksheets/nothere.xml\2", count=0),
    "rels-workbook-missing": drop(WB_RELS),
    "content-types-without-overrides": sub(CT, r"<Override [^>]*/>", "", count=0),
    "sheet-rels-comment-target-missing": sub(lambda p: next(n for n in p if n.startswith("xl/worksheets/_rels/")),
                                             r'(Target=")[^"]*comment[^"]*(")', r"\1../nothere.xml\2"),
}


def main_namespace_prefixed(parts: Parts) -> bool:
    """Valid, not damaged: the sheet's main namespace written with a prefix "x:"."""
    name = field_sheet(parts)
    text = parts[name].decode("utf-8")
    parts[name] = prefix_main_namespace(text).encode("utf-8")
    return parts[name].decode("utf-8") != text


MUTATIONS.update({
    "sheet-main-namespace-prefixed": main_namespace_prefixed,
    "sheet-x14-dv-without-formula": sub(SHEET, r"<x14:formula1>.*?</x14:formula1>", ""),
    "sheet-x14-dv-sqref-garbage": sub(SHEET, r"(<x14:dataValidation .*?<xm:sqref>).*?(</xm:sqref>)", r"\1D5:Q\2"),
    "sheet-x14-dv-formula-missing-sheet": sub(SHEET, r"(<x14:formula1><xm:f>)[^<]*(</xm:f>)",
                                              r"\1Nirgends!$A$1:$A$3\2"),
    "sheet-x14-iconset-without-sqref": sub(SHEET, r"(<x14:conditionalFormatting [^>]*>.*?)<xm:sqref>[^<]*</xm:sqref>",
                                           r"\1"),
    "sheet-x14-iconset-unknown": sub(SHEET, r'(<x14:iconSet iconSet=")[^"]+(")', r"\g<1>7Moons\2"),
    "sheet-x14-custom-icon-out-of-range": sub(SHEET, r"(<x14:iconSet [^>]*)>",
                                              r'\1 custom="1"><x14:cfIcon iconSet="NoIcons" iconId="99"/>'),
    "sheet-dv-named-range-missing": sub(SHEET, r"(<dataValidation .*?<formula1>).*?(</formula1>)", r"\1Statusliste\2"),
    "sheet-style-id-huge": sub(SHEET, r'( s=")\d+(")', r"\g<1>99999999999999999999\2", count=0),
    "sheet-merge-ref-lowercase": sub(SHEET, r'(<mergeCell ref=")([^"]+)(")',
                                     lambda m: m.group(1) + m.group(2).lower() + m.group(3)),
    "sheet-row-spans-garbage": sub(SHEET, r'(<row [^>]*?)(>)', r'\1 spans="x:y"\2', count=0),
    "sheet-colour-scale-without-colours": sub(
        SHEET, r"</conditionalFormatting>",
        '<cfRule type="colorScale" priority="9"><colorScale><cfvo type="min"/><cfvo type="max"/></colorScale>'
        '</cfRule></conditionalFormatting>'),
    "workbook-defined-name-list-missing": sub(
        WORKBOOK, r"</sheets>",
        '</sheets><definedNames><definedName name="Statusliste">Gelöscht!$A$1:$A$3</definedName></definedNames>'),
    "styles-indexed-palette-truncated": sub(
        STYLES, r"(<styleSheet[^>]*>)",
        r'\1<colors><indexedColors><rgbColor rgb="FF000000"/></indexedColors></colors>'),
})

#: mutations of a part only one base has: openpyxl writes text as inline strings (no sharedStrings part),
#: LibreOffice writes no theme part and turns the x14 drop-down list into a plain one
ONLY_IN = {
    **{m: "libreoffice" for m in MUTATIONS if m.startswith(("sst-", "sheet-shared-string"))},
    **{m: "openpyxl" for m in MUTATIONS if m.startswith(("theme-", "sheet-x14-dv-"))},
}
CASES = [(base, m) for m in MUTATIONS for base in ("openpyxl", "libreoffice") if ONLY_IN.get(m, base) == base]


# --------------------------------------------------------------------------------------------


def _check(result, command: str) -> list[str]:
    """What is wrong with one command's answer (empty: exit 0/1/2 with a German sentence, no traceback)."""
    out = result.output
    problems = []
    if result.exit_code not in (0, 1, 2):
        problems.append(f"{command}: Exit {result.exit_code}: {out.strip()[-300:]}")
    if "Traceback" in out:
        problems.append(f"{command}: Traceback in der Ausgabe")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"{command}: Ausnahme {type(result.exception).__name__}: {result.exception}")
    if result.exit_code == 2:
        if not any(line.startswith("Fehler: ") and line.rstrip().endswith((".", "!"))
                   for line in result.stderr.splitlines()):
            problems.append(f"{command}: Exit 2 ohne deutschen Satz „Fehler: …“: {result.stderr!r}")
    elif result.exit_code in (0, 1):
        words = {"validate": ("Prüfbericht",), "summary": ("Zusammenfassung",)}[command]
        if not any(w in out for w in words):
            problems.append(f"{command}: Exit {result.exit_code} ohne Bericht: {out[-300:]!r}")
    return problems


@pytest.mark.parametrize("base, mutation", CASES)
def test_damaged_part_never_ends_in_an_internal_error(masters, base, mutation, tmp_path, monkeypatch):
    if base not in masters:
        pytest.skip("LibreOffice (soffice) ist nicht installiert; .ci/run installiert es")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # crash reports of exit 3 land here
    parts = read_parts(masters[base])
    assert MUTATIONS[mutation](parts), f"the mutation {mutation} found nothing to change in the {base} master"
    path = write_parts(parts, tmp_path / "Ampel-Master.xlsx")
    problems = []
    for command, args in (("validate", ["validate", str(path)]),
                          ("summary", ["summary", str(path), "-o", str(tmp_path / "Zusammenfassung.xlsx")])):
        problems += _check(CliRunner().invoke(cli, args), command)
    assert not problems, "\n".join(problems)


def test_the_undamaged_masters_pass(masters, tmp_path):
    """The bases themselves are readable masters (so each mutation is the cause of what happens)."""
    for base, path in masters.items():
        copy = shutil.copy(path, tmp_path / f"{base}.xlsx")
        result = CliRunner().invoke(cli, ["summary", str(copy), "-o", str(tmp_path / f"{base}_Z.xlsx")])
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
