"""LibreOffice as a second, independent reference for theme colours with tint.

LibreOffice Calc resolves theme colours to plain RGB when it saves a workbook as .xlsx. We write a
master whose status cells use theme colours with tints (under the 2007 and 2013 Office themes), let
LibreOffice re-save it, and check that (1) our resolution of the original agrees with LibreOffice's
RGB within rounding, and (2) the re-saved file, a kind of master staff produce too, reads the same.

"Within rounding" is up to 2 units per channel: LibreOffice applies the ECMA tint formula in float
HLS (F79646 at -25 % → E46C0A, as Word shows it), Excel's grid uses Windows' integer HLS
(→ E26B0A, which ampel_xl reproduces; see ampel_xl/reader/colors.py). The colour class is the same.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Color

from ampel_xl import read
from ampel_xl.reader import colors
from ampel_xl.reader.colors import ColorClass, classify
from builders import FieldSheet, build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert; .ci/run installiert es"),
]

TINTS = [-0.499984740745262, -0.249977111117893, 0.0, 0.399975585192419, 0.599993896298105, 0.799981688894314]


def _resave_with_libreoffice(src: Path, outdir: Path) -> Path:
    profile = outdir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir / "lo"), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    return outdir / "lo" / src.name


def _channel_diff(a: str, b: str) -> int:
    return max(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) for i in (0, 2, 4))


@pytest.mark.parametrize("theme_name", ["OFFICE_2007", "OFFICE_2013"])
def test_theme_tints_match_libreoffice(tmp_path, theme_name):
    theme = getattr(colors, theme_name)
    cases = [(idx, tint) for idx in range(4, 10) for tint in TINTS]
    f = FieldSheet("Handlungsfeld Test", "Test")
    f.unterziel(1)
    for n, (idx, tint) in enumerate(cases, start=1):
        f.measure(n, f"accent{idx - 3} tint {tint:+.2f}", fill=Color(theme=idx, tint=tint))
    src = build(tmp_path / "theme.xlsx", [f])
    wb = load_workbook(src)
    wb.loaded_theme = colors.theme_xml(theme)
    wb.save(src)

    ours = read(src)
    resaved = _resave_with_libreoffice(src, tmp_path)
    lo_wb = load_workbook(resaved)
    ws = lo_wb["Test"]
    mismatches = []
    for m in ours.massnahmen:
        lo_fill = ws[m.status_cell].fill.fgColor
        assert lo_fill.type == "rgb", "LibreOffice should have written plain RGB"
        lo_rgb = lo_fill.rgb[-6:].upper()
        if m.evidence.fill is None:  # no colour channel: a tint so light (or dark) that it names no status
            if classify(lo_rgb) is not ColorClass.NEUTRAL:
                mismatches.append((m.text, None, lo_rgb))
            continue
        if _channel_diff(m.evidence.fill, lo_rgb) > 2:
            mismatches.append((m.text, m.evidence.fill, lo_rgb))
    assert not mismatches, mismatches

    # the re-saved workbook is a master too, and reads the same
    theirs = read(resaved)
    assert [(m.id, m.evidence.color_class) for m in theirs.massnahmen] == [
        (m.id, m.evidence.color_class) for m in ours.massnahmen
    ]
