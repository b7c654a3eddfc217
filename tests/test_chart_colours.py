"""Charts that read without colour: the summary's (Übersicht, a field sheet) and the comparison's charts
as a red-green colour-blind reader sees them.

Grün (00B050) and Rot (FF0000) become nearly the same olive for deuteranopes and protanopes. The charts
therefore draw every status with its own pattern (Grün solid, Gelb dotted, Rot hatched, ohne Bewertung
cross-hatched, like the Ampeldokument), which the chart XML must carry. The proof is the render:
LibreOffice prints the workbook, poppler rasterises the page, daltonlens (Machado 2009, full severity)
simulates deuteranopia and protanopia, and in the simulated picture the red regions must still differ
measurably from the green ones – by texture (the share of pixels that sit at a sharp lightness edge:
about 1-3 % inside solid Grün, 35-63 % inside hatched Rot). Data labels contrast with their fill by
WCAG's measure (at least 4.5:1, as text must).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ampel_xl import compare, read, summarize
from ampel_xl.vocabulary import STATUS_COLORS
from ampel_xl.xlsx.changes import write_changes
from ampel_xl.xlsx.formats import contrast
from ampel_xl.xlsx.summary import write_summary
from builders import FieldSheet, build
from render import HAVE_POPPLER, SOFFICE, chart_fills, chart_series_labels, page_image, page_lines, to_pdf, word_boxes

simulate = pytest.importorskip("daltonlens.simulate", reason="daltonlens fehlt (pip install '.[test]')")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None or not HAVE_POPPLER,
                       reason="LibreOffice (soffice) und poppler (pdftoppm) sind nicht installiert; "
                              "die CI installiert sie"),
]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "Beispiel_Ampel-Master.xlsx"
DPI = 150
GREEN, RED = (STATUS_COLORS[k].lstrip("#").upper() for k in ("gruen", "rot"))


def _rgb(hex_colour: str):
    import numpy as np

    return np.array([int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)])


def _near(img, hex_colour: str, tolerance: int):
    import numpy as np

    return np.abs(img.astype(int) - _rgb(hex_colour)).sum(axis=2) < tolerance


def _grow(mask, steps: int, *, shrink: bool = False):
    """``mask`` dilated (or eroded) by ``steps`` pixels in the four directions."""
    import numpy as np

    out = mask.copy()
    for _ in range(steps):
        moved = [np.roll(out, shift, axis) for axis in (0, 1) for shift in (1, -1)]
        out = np.logical_and.reduce([out, *moved]) if shrink else np.logical_or.reduce([out, *moved])
    return out


def _interior(mask):
    """The inside of the regions of ``mask``: gaps of a hatching closed, then two pixels off every edge
    (so a region's border and its neighbours do not count)."""
    return _grow(_grow(_grow(mask, 2), 2, shrink=True), 2, shrink=True)


def _edge_share(img, mask) -> float:
    """The share of ``mask``'s pixels that sit at a sharp lightness step (> 30 of 255) to their right or
    lower neighbour: about 0 inside a solid fill, high inside a hatched one."""
    import numpy as np

    light = img.astype(float) @ np.array([0.299, 0.587, 0.114])
    edge = np.zeros(light.shape, dtype=bool)
    edge[:, :-1] |= np.abs(np.diff(light, axis=1)) > 30
    edge[:-1, :] |= np.abs(np.diff(light, axis=0)) > 30
    return float(edge[mask].mean())


def _crop(pdf: Path, page: int, outdir: Path, top: float, bottom: float):
    """The page's picture between ``top`` and ``bottom`` (PDF points from the top)."""
    img = page_image(pdf, page, outdir, DPI)
    return img[int(top * DPI / 72) + 2:int(bottom * DPI / 72) - 2]


def _assert_red_and_green_apart(region, where: str) -> dict[str, tuple[float, float]]:
    """In the region as it is and as deuteranopes and protanopes see it, Rot is hatched and Grün solid."""
    green, red = _interior(_near(region, GREEN, 60)), _interior(_near(region, RED, 90))
    assert green.sum() > 500 and red.sum() > 200, (where, int(green.sum()), int(red.sum()))
    sim = simulate.Simulator_Machado2009()
    measured = {}
    for name, deficiency in (("deuteranopie", simulate.Deficiency.DEUTAN),
                             ("protanopie", simulate.Deficiency.PROTAN)):
        seen = sim.simulate_cvd(region, deficiency, severity=1.0)
        g, r = _edge_share(seen, green), _edge_share(seen, red)
        measured[name] = (g, r)
        # the hatching keeps Rot apart: far more of its pixels sit at a lightness edge than Grün's
        assert r > 0.2 and r > 3 * g, (where, name, g, r)
    return measured


def _chart_statuses_are_patterned(xlsx: Path) -> None:
    """Every chart draws Grün solid and Rot (Gelb, ohne Bewertung) with a pattern; no status is colour alone."""
    fills = chart_fills(xlsx)
    assert fills
    for title, found in fills.items():
        colours = {c for c, _ in found}
        assert GREEN in colours, title
        for colour, pattern in found:
            if colour == GREEN:
                assert pattern is None, title
            else:
                assert pattern is not None, (title, colour)
        assert [p for c, p in found if c == RED], title


def _label_colours(xlsx: Path) -> dict[str, str]:
    """Fill colour → the colour of the data labels drawn on it, over every bar series of every chart."""
    import xml.etree.ElementTree as ET
    import zipfile

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    out: dict[str, str] = {}
    with zipfile.ZipFile(xlsx) as z:
        for name in (n for n in z.namelist() if n.startswith("xl/charts/chart")):
            for ser in ET.fromstring(z.read(name)).iter(f"{c}ser"):
                fill = ser.find(f"{c}spPr/{a}pattFill/{a}bgClr/{a}srgbClr")
                if fill is None:
                    fill = ser.find(f"{c}spPr/{a}solidFill/{a}srgbClr")
                label = ser.find(f"{c}dLbls/{c}txPr//{a}defRPr/{a}solidFill/{a}srgbClr")
                if fill is not None and label is not None:
                    out.setdefault(fill.get("val").upper(), label.get("val").upper())
                    assert out[fill.get("val").upper()] == label.get("val").upper(), name
    return out


@pytest.mark.skipif(not EXAMPLE.exists(), reason="workbooks/Beispiel_Ampel-Master.xlsx fehlt")
def test_overview_charts_read_without_colour(tmp_path):
    s = summarize(read(EXAMPLE))
    out = write_summary(s, tmp_path / "Zusammenfassung.xlsx")
    _chart_statuses_are_patterned(out)
    # the bars on the share axis carry shares (a share for every non-empty segment), not counts
    (green_labels, *_rest) = chart_series_labels(out, "Ergebnisse je Handlungsfeld und Querschnittsthema (Anteile)")
    assert green_labels and all(t.endswith("\u00a0%") for t in green_labels.values())

    pdf = to_pdf(out, tmp_path / "pdf")
    words = word_boxes(pdf, 1)
    top = max(y1 for w, _x0, _y0, _x1, y1 in words if w == "Summe:")       # the note under the table
    bottom = min(y0 for w, _x0, y0, _x1, _y1 in words if w == "Ampelsystem")  # the legend below the charts
    measured = _assert_red_and_green_apart(_crop(pdf, 1, tmp_path / "png", top, bottom), "Übersicht")
    print("Übersicht, Anteil Kantenpixel Grün/Rot:", measured)
    # labels that contrast with their fill as text must (WCAG 2: at least 4.5:1)
    labels = _label_colours(out)
    assert set(labels) >= {GREEN, RED, STATUS_COLORS["gelb"].lstrip("#").upper()}
    for fill, text in labels.items():
        assert contrast(f"#{fill}", f"#{text}") >= 4.5, (fill, text)

    # a field sheet: its two charts below the figures table, on the page where they print
    feld = s.felder.iloc[0]
    title = f"Ergebnisse {feld['feld']} gesamt"
    pages = page_lines(pdf)
    page = next(i for i, lines in enumerate(pages, start=1) if any(title in line for line in lines))
    words = word_boxes(pdf, page)
    gesamt = [y0 for w, _x0, y0, _x1, _y1 in words if w == "gesamt"]
    top = min(y0 for w, _x0, y0, _x1, _y1 in words
              if w == "Ergebnisse" and any(abs(y0 - g) < 2 for g in gesamt)) - 4  # the doughnut's title
    below = [y0 for w, _x0, y0, _x1, _y1 in words if w == "Maßnahmen" and y0 > top]
    bottom = min(below) if below else 560
    measured = _assert_red_and_green_apart(_crop(pdf, page, tmp_path / "png", top, bottom), feld["feld"])
    print(f"{feld['feld']}, Anteil Kantenpixel Grün/Rot:", measured)


def _stand(path: Path, stand: str, statuses: dict[str, list[str]]) -> Path:
    fields = []
    for name, row in statuses.items():
        f = FieldSheet(f"Handlungsfeld {name}", name)
        f.unterziel(1, "Ein Unterziel")
        for n, status in enumerate(row, start=1):
            f.measure(n, f"Maßnahme {n} im Feld {name}", status=status)
        fields.append(f)
    return build(path, fields, konzept={"Titel": "Integrationskonzept Farbprobe", "Stand": stand})


def test_changes_chart_tells_progress_from_setback_without_colour(tmp_path):
    old = _stand(tmp_path / "alt.xlsx", "01.10.2025", {"Sprache": ["Rot"] * 6 + ["Grün"] * 4,
                                                        "Arbeit": ["Gelb"] * 5 + ["Grün"] * 5})
    new = _stand(tmp_path / "neu.xlsx", "01.03.2026", {"Sprache": ["Grün"] * 6 + ["Rot"] * 4,
                                                        "Arbeit": ["Grün"] * 3 + ["Gelb"] * 2 + ["Rot"] * 5})
    changes = compare(old, new)
    out = write_changes(changes, tmp_path / "Veränderungen.xlsx")
    _chart_statuses_are_patterned(out)
    # the arrows of the list on the bars: ↑ Verbesserungen, ↓ Rückschritte
    better, worse = chart_series_labels(out, "Verbesserungen und Rückschritte je Feld")
    per_feld = changes.per_feld_counts()
    assert better == {i: f"↑ {r['verbesserungen']}" for i, r in enumerate(per_feld) if r["verbesserungen"]}
    assert worse == {i: f"↓ {r['rueckschritte']}" for i, r in enumerate(per_feld) if r["rueckschritte"]}
    assert better and worse

    pdf = to_pdf(out, tmp_path / "pdf")
    assert any("↑" in line for line in page_lines(pdf)[0]) and any("↓" in line for line in page_lines(pdf)[0])
    words = word_boxes(pdf, 1)
    top = min(y1 for w, _x0, _y0, _x1, y1 in words if w == "Je")                 # the heading "Je Feld"
    bottom = min(y0 for w, _x0, y0, _x1, _y1 in words if w == "Änderung" and y0 > top)  # the list's header
    measured = _assert_red_and_green_apart(_crop(pdf, 1, tmp_path / "png", top, bottom), "Veränderungen")
    print("Veränderungen, Anteil Kantenpixel Grün/Rot:", measured)
