"""Write the committed sample workbooks into ``workbooks/``.

Maintenance helper, never imported by the package (the tests load it to check that the
committed files are exactly what it makes now)::

    python scripts/make_workbooks.py [OUTDIR]

* ``Vorlage_Integrationskonzept_1.0.xlsx`` – the template of the Integrationskonzept 1.0
  (11 fields, 64 Unterziele, no measure rows yet);
* ``Beispiel_Ampel-Master.xlsx`` – the same with 193 measures and fictional statuses, kept the way
  offices keep their masters: in a few fields the last measure takes several rows (Nr, text, Ampel
  and In-Auswertung cells merged vertically, one partner per row), and in one field the Ampel shows
  an icon set (conditional formatting, "3 Ampeln" on 3/2/1) instead of a word and a fill; the
  default run also copies it into ``ampel_xl/data/`` (shipped in the wheel, found by
  ``ampel_xl.example_path()``).

Run it again after changing :mod:`ampel_xl.xlsx.master` or the packaged structure, and commit
the workbooks with the change.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ampel_xl.xlsx.master import EXAMPLE_FILENAME, load_structure, template_filename, write_master  # noqa: E402

DEFAULT_OUTDIR = ROOT / "workbooks"
#: The package's copy of the example (identical to the one in workbooks/).
PACKAGE_EXAMPLE = ROOT / "ampel_xl" / "data" / EXAMPLE_FILENAME


def make_workbooks(outdir: str | Path = DEFAULT_OUTDIR) -> list[Path]:
    """Write the template and the example master into ``outdir``; return their paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    structure = load_structure()
    example = outdir / EXAMPLE_FILENAME
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=outdir)
    os.close(fd)
    try:
        write_master(tmp, structure, example=True)
        _as_kept_in_offices(Path(tmp), example)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return [write_master(outdir / template_filename(structure), structure), example]


# --------------------------------------------------------------------------------------------
# The example master as offices keep it: merged multi-row measures and an icon-set field

#: sheet → partners (one row each) of its last measure, which then takes len(partners) rows
MERGED_LAST_MEASURE = {
    "Kultur & Freizeit": ("Kulturamt", "Sportkreis"),
    "Interkult. Öffnung": ("Personalamt", "Integrationsbeauftragte"),
    "Antidiskriminierung": ("Beratungsstelle", "Migrationsbeirat", "Volkshochschule"),
}
#: the field whose Ampel is an icon set on 3 (Grün) / 2 (Gelb) / 1 (Rot), without word or fill
ICON_SET_SHEET = "Wohnen"
ICON_VALUE = {"gruen": 3, "gelb": 2, "rot": 1}
_STATUS_COLS = "ABCD"  # Nr, text, Ampel, In Auswertung: merged over the rows of a measure


def _as_kept_in_offices(source: Path, target: Path) -> None:
    """Rewrite the example written by :func:`write_master` (XML edits, same zip entries and dates,
    so the result stays byte-for-byte reproducible)."""
    from ampel_xl.reader import read

    konzept = read(source)
    with zipfile.ZipFile(source) as zin:
        infos = zin.infolist()
        data = {i.filename: zin.read(i) for i in infos}
    workbook = data["xl/workbook.xml"].decode("utf-8")
    rels = data["xl/_rels/workbook.xml.rels"].decode("utf-8")
    part_of = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"/>', workbook):
        target_part = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
        part_of[name.replace("&amp;", "&")] = "xl/" + (target_part.group(1) or target_part.group(2))
    for feld in konzept.felder:
        part = part_of[feld.sheet]
        xml = data[part].decode("utf-8")
        if feld.sheet in MERGED_LAST_MEASURE:
            xml, last_row = _merge_last_measure(xml, feld.massnahmen[-1].row, MERGED_LAST_MEASURE[feld.sheet])
            workbook = re.sub(rf"(>'?{re.escape(escape(feld.sheet))}'?!\$A\$\d+:\$G\$)\d+<",
                              rf"\g<1>{last_row}<", workbook)
        if feld.sheet == ICON_SET_SHEET:
            xml = _icon_set_statuses(xml, [(m.row, m.status.value) for m in feld.massnahmen])
        data[part] = xml.encode("utf-8")
    data["xl/workbook.xml"] = workbook.encode("utf-8")
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zout:
        for info in infos:
            zout.writestr(info, data[info.filename])
    os.replace(tmp, target)


def _inline(ref: str, style: str, text: str) -> str:
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _merge_last_measure(xml: str, row: int, partners: tuple[str, ...]) -> tuple[str, int]:
    """The measure in ``row`` (the last of the sheet) takes one row per partner: the Verantwortlich
    column (E) names the partner, the Bemerkung column (G) its part (federführend, wirkt mit)."""
    m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', xml)
    assert m, row
    cells = dict(re.findall(r'<c r="([A-G])\d+" s="(\d+)"', m.group(1)))
    body = m.group(1)
    body = re.sub(rf'<c r="E{row}" s="(\d+)"/>', lambda x: _inline(f"E{row}", x.group(1), partners[0]), body)
    body = re.sub(rf'<c r="G{row}" s="(\d+)"/>',
                  lambda x: _inline(f"G{row}", x.group(1), "federführend"), body)
    head = xml[:m.start()] + xml[m.start():m.start(1)] + body + "</row>"
    extra = []
    for i, partner in enumerate(partners[1:], start=1):
        r = row + i
        cols = "".join(f'<c r="{c}{r}" s="{cells[c]}"/>' for c in _STATUS_COLS)
        cols += _inline(f"E{r}", cells["E"], partner) + f'<c r="F{r}" s="{cells["F"]}"/>'
        cols += _inline(f"G{r}", cells["G"], "wirkt mit")
        extra.append(f'<row r="{r}" spans="1:7" ht="15.75" customHeight="1">{cols}</row>')
    xml = head + "".join(extra) + xml[m.end():]
    last = row + len(partners) - 1
    xml = re.sub(r'<autoFilter ref="A(\d+):G\d+"/>', rf'<autoFilter ref="A\g<1>:G{last}"/>', xml)
    xml = re.sub(r'<dimension ref="A1:G\d+"/>', f'<dimension ref="A1:G{max(last, 1)}"/>', xml)
    merges = "".join(f'<mergeCell ref="{c}{row}:{c}{last}"/>' for c in _STATUS_COLS)
    count = int(re.search(r'<mergeCells count="(\d+)">', xml).group(1)) + len(_STATUS_COLS)
    xml = re.sub(r'<mergeCells count="\d+">', f'<mergeCells count="{count}">', xml)
    xml = xml.replace("</mergeCells>", merges + "</mergeCells>")
    return xml, last


def _icon_set_statuses(xml: str, rows: list[tuple[int, str]]) -> str:
    """The Ampel cells of these measure rows hold 3/2/1 under a "3 Ampeln" icon set (icon only), with
    the style of the In-Auswertung cell beside them (no fill); the word drop-down goes."""
    for row, status in rows:
        style = re.search(rf'<c r="D{row}" s="(\d+)"', xml).group(1)
        xml, n = re.subn(rf'<c r="C{row}" s="\d+"(?: t="s"><v>\d+</v></c>|/>)',
                         f'<c r="C{row}" s="{style}"><v>{ICON_VALUE[status]}</v></c>', xml)
        assert n == 1, row
    first, last = rows[0][0], rows[-1][0]
    rule = (f'<conditionalFormatting sqref="C{first}:C{last}"><cfRule type="iconSet" priority="4">'
            '<iconSet iconSet="3TrafficLights1" showValue="0"><cfvo type="percent" val="0"/>'
            '<cfvo type="num" val="2"/><cfvo type="num" val="3"/></iconSet></cfRule></conditionalFormatting>')
    xml = xml.replace("<dataValidations", rule + "<dataValidations", 1)
    # the drop-down of words does not fit numbers: only the In-Auswertung list stays
    xml = re.sub(r'<dataValidations count="2"><dataValidation type="list"[^>]*sqref="C[^"]*">'
                 r'<formula1>[^<]*</formula1></dataValidation>', '<dataValidations count="1">', xml)
    return xml


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    outdir = Path(argv[0]) if argv else DEFAULT_OUTDIR
    for path in make_workbooks(outdir):
        print(path)
    if outdir == DEFAULT_OUTDIR:
        PACKAGE_EXAMPLE.write_bytes((outdir / EXAMPLE_FILENAME).read_bytes())
        print(PACKAGE_EXAMPLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
