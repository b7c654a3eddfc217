"""Charts of the Ampel figures as PNG bytes (matplotlib, no display needed).

Two charts per field, as in the Ampeldokument:

* :func:`feld_gesamt_png` – a doughnut of the field's statuses, each slice labelled with the
  German status word, its count and its share (so the chart reads without colour too);
* :func:`feld_unterziele_png` – stacked horizontal bars, one per Unterziel ("UZ 1", "UZ 2", …),
  counts written into the segments and on the axis.

Gelb, Rot and "ohne Bewertung" are also told apart by hatching (:data:`HATCHES`), so a
black-and-white print keeps them apart; :func:`swatch_png` draws the same fill and hatch as a small
key for the Ampeldokument's legend table.

Printed size: every chart is drawn at the size it takes on the A4 page (:data:`CHART_WIDTH_CM`
wide, two side by side), so a 9 pt label is 9 pt on paper; no text is smaller than
:data:`MIN_FONT_PT`. The typeface is the body's: Calibri, or its metric-compatible free twin
Carlito (Debian ``fonts-crosextra-carlito``), whichever is installed; DejaVu Sans (shipped with
matplotlib) only when neither is (:func:`chart_font`).

Shares are whole percents by the one rounding rule of :mod:`ampel_xl.figures`: a doughnut's
labels are :func:`~ampel_xl.figures.percent_parts` of its counts (each rounded on its own, equal
counts equal shares), the summary workbook's ``prozent_*`` of the same row; where they do not add up
to 100 the Ampeldokument prints :data:`~ampel_xl.figures.ROUNDING_NOTE` under the doughnut.

The numbers come from a row (or rows) of :class:`ampel_xl.figures.Summary` tables; nothing is
counted here. Colours are the one fixed palette :data:`ampel_xl.vocabulary.STATUS_COLORS`;
"ohne Bewertung" (grey) appears only when such measures exist.

Output is deterministic: a fixed font, size and resolution, and PNGs written without the
"Software" or any date entry, so the same figures give the same bytes on one machine. matplotlib
is imported lazily, and only its object-oriented API with the Agg canvas is used: no pyplot, no
global backend switch, no change to a notebook's own settings.
"""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..figures import KEINE_IN_AUSWERTUNG, format_percent, percent_parts
from ..vocabulary import LOOKS, NO_STATUS, STATUS_COLORS, STATUS_EDGES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

#: Resolution of every chart: 100 pixels per centimetre, so that a chart of whole millimetres has
#: whole pixels (sharp in print at the sizes used in the Ampeldokument).
DPI = 254
CM = 1 / 2.54
#: Width of each chart on the page (cm): two stand side by side within the 16.5 cm text width.
CHART_WIDTH_CM = 8.0
#: Figure sizes in inches (width, height); pixel size = size × DPI. The doughnut has a fixed
#: height; the bar chart grows with the number of Unterziele (:func:`unterziele_size`).
GESAMT_SIZE = (CHART_WIDTH_CM * CM, 6.6 * CM)
UNTERZIELE_SIZE = (CHART_WIDTH_CM * CM, 6.6 * CM)
#: Height of one bar row of the Unterziel chart (cm) and of the axis, label and legend below it.
_BAR_ROW_CM = 0.62
_BAR_FOOT_CM = 1.9
#: Size of a legend key (:func:`swatch_png`), inches.
SWATCH_SIZE = (1.1 * CM, 0.55 * CM)

#: The smallest text any chart prints (pt), and the size of ordinary labels.
MIN_FONT_PT = 9.0
FONT_PT = 9.0
#: Typefaces in order of preference: the Word body's Calibri, its metric twin Carlito, then
#: matplotlib's own DejaVu Sans (always there).
FONT_CANDIDATES = ("Calibri", "Carlito")
FALLBACK_FONT = "DejaVu Sans"

#: Status keys in drawing order, with their German legend words.
STATUS_KEYS: tuple[tuple[str, str], ...] = tuple((key, look.label) for key, look in LOOKS.items())
#: Hatching so that Gelb, Rot and "ohne Bewertung" stay apart in a black-and-white print.
HATCHES = {"gruen": "", "gelb": "..", "rot": "///", "ohne": "xx"}
#: Edge/hatch colours: a darker tone of each fill.
EDGES = STATUS_EDGES
#: How the legend table and alternative texts describe each fill to someone who cannot see it.
PATTERN_WORDS = {"gruen": "grün, ohne Schraffur", "gelb": "gelb, gepunktet", "rot": "rot, schräg schraffiert",
                 "ohne": "grau, kreuzschraffiert"}


def _count_axis(ax: Any, ticks: Any) -> None:
    """A horizontal bar chart's count axis as every chart of the document draws it: ticks, the label
    "Anzahl Maßnahmen", light vertical grid lines behind the bars, no frame at the top and right."""
    ax.set_xticks(ticks)
    ax.tick_params(axis="x", labelsize=FONT_PT)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Anzahl Maßnahmen", fontsize=FONT_PT)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


@functools.lru_cache(maxsize=1)
def chart_font() -> str:
    """The typeface of the charts: Calibri or Carlito when installed, else DejaVu Sans.

    matplotlib caches its list of system fonts when it first runs; a font installed later (such as
    Carlito from ``fonts-crosextra-carlito``) is looked up among the system's font files and
    added, so that it is used without clearing that cache.
    """
    from matplotlib import font_manager as fm

    known = {f.name for f in fm.fontManager.ttflist}
    for name in FONT_CANDIDATES:
        if name in known:
            return name
    try:
        files = fm.findSystemFonts()
    except Exception:  # noqa: BLE001  # pragma: no cover - unreadable font folders
        files = []
    for name in FONT_CANDIDATES:
        wanted = [f for f in sorted(files) if os.path.basename(f).lower().startswith(name.lower())]
        for path in wanted:
            try:
                fm.fontManager.addfont(path)
            except Exception:  # noqa: BLE001  # pragma: no cover - a broken font file
                continue
        if name in {f.name for f in fm.fontManager.ttflist}:
            return name
    return FALLBACK_FONT


def _rc() -> dict[RcKeyType, Any]:
    return {
        # concrete family names, stored in every text: resolved the same when drawn later
        "font.family": [chart_font(), FALLBACK_FONT],
        "font.size": FONT_PT,
        "axes.unicode_minus": False,
        "hatch.linewidth": 0.6,
        "svg.hashsalt": "ampel_xl",
        "path.simplify": True,
    }


def unterziele_size(n: int) -> tuple[float, float]:
    """Figure size of the Unterziel chart with ``n`` bars: the printed width, a height that gives
    every bar room for a 9 pt label (never lower than the doughnut beside it)."""
    height_cm = round(max(UNTERZIELE_SIZE[1] / CM, _BAR_FOOT_CM + 0.4 + n * _BAR_ROW_CM), 1)  # whole pixels
    return (UNTERZIELE_SIZE[0], height_cm * CM)


def pixel_size(size: tuple[float, float]) -> tuple[int, int]:
    """Pixel width and height of a chart of ``size`` inches at :data:`DPI`."""
    return round(size[0] * DPI), round(size[1] * DPI)


def _get(row: Mapping[Any, Any] | pd.Series, key: str) -> int:
    value = row[key]
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def status_percents(counts: Mapping[str, int]) -> dict[str, int]:
    """Whole percents of Grün, Gelb, Rot, ohne Bewertung of one group, each rounded on its own
    (:func:`~ampel_xl.figures.percent_parts`, the same numbers as the summary's ``prozent_*``)."""
    keys = [k for k, _ in STATUS_KEYS]
    return dict(zip(keys, percent_parts([int(counts.get(k, 0)) for k in keys]), strict=True))


def _statuses(counts: list[dict[str, int]], show_ohne: bool | None) -> list[tuple[str, str]]:
    """The status keys to draw: always Grün/Gelb/Rot, "ohne" only when present (or asked)."""
    if show_ohne is None:
        show_ohne = any(c.get("ohne", 0) for c in counts)
    return [(k, w) for k, w in STATUS_KEYS if k != "ohne" or show_ohne]


def _render(fig: Figure) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    # opaque RGB (no alpha channel): smaller, and PDF writers keep it as one lossless image
    from PIL import Image

    with Image.open(io.BytesIO(buf.getvalue())) as img:
        out = io.BytesIO()
        img.convert("RGB").save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def feld_gesamt_png(row: Mapping[str, Any] | pd.Series, *, title: str | None = None,
                    show_ohne: bool | None = None, size: tuple[float, float] = GESAMT_SIZE) -> bytes:
    """Doughnut of one field (a row of ``Summary.felder`` or ``Summary.total``) as PNG bytes.

    Each slice carries the status word, the count and the share; the centre shows how many
    measures were counted; the legend below names every status with its count. ``title`` is
    drawn above the chart when given (the Ampeldokument writes its titles as text instead).
    """
    return _render(feld_gesamt_figure(row, title=title, show_ohne=show_ohne, size=size))


def feld_gesamt_figure(row: Mapping[str, Any] | pd.Series, *, title: str | None = None,
                       show_ohne: bool | None = None, size: tuple[float, float] = GESAMT_SIZE) -> Figure:
    """The doughnut as a matplotlib figure (see :func:`feld_gesamt_png`)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    counts = {k: _get(row, k) for k, _ in STATUS_KEYS}
    total = _get(row, "summe")
    keys = _statuses([counts], show_ohne)
    percents = status_percents(counts)
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=size, dpi=DPI)
        legend_h = 0.22 if len(keys) > 3 else 0.13
        top = 0.9 if title else 1.0
        ax = fig.add_axes((0.0, legend_h, 1.0, top - legend_h))
        ax.set_aspect("equal")
        ax.axis("off")
        drawn = [(k, w, counts[k]) for k, w in keys if counts[k] > 0]
        if total > 0 and drawn:
            wedges, _ = ax.pie(
                [n for _, _, n in drawn],
                colors=[STATUS_COLORS[k] for k, _, _ in drawn],
                hatch=[HATCHES[k] for k, _, _ in drawn],
                startangle=90, counterclock=False,
                wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1.5},
            )
            for wedge, (k, _, _) in zip(wedges, drawn, strict=True):
                wedge.set_edgecolor(EDGES[k])
                wedge.set_linewidth(0.6)
            ohne = LOOKS[NO_STATUS].label
            words = {ohne: ohne.replace(" ", "\n")}  # "ohne\nBewertung" beside the ring
            _label_slices(ax, wedges, [f"{words.get(w, w)}\n{n} ({format_percent(percents[k])})" for k, w, n in drawn])
            centre = f"{total} in\nAuswertung"
        else:
            ax.pie([1], colors=[STATUS_COLORS["ohne"]], startangle=90,
                   wedgeprops={"width": 0.42, "edgecolor": "white"})
            centre = KEINE_IN_AUSWERTUNG.replace(" in ", " in\n")
        ax.text(0, 0, centre, ha="center", va="center", fontsize=FONT_PT, linespacing=1.1)
        ax.set_xlim(-2.2, 2.2)
        ax.set_ylim(-1.25, 1.25)
        handles = [
            Patch(facecolor=STATUS_COLORS[k], edgecolor=EDGES[k], hatch=HATCHES[k], linewidth=0.6,
                  label=f"{w}: {counts[k]}")
            for k, w in keys
        ]
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False,
                   ncol=2 if len(keys) > 3 else len(keys), fontsize=FONT_PT, handlelength=1.6, handleheight=1.1,
                   columnspacing=1.2, handletextpad=0.5, borderaxespad=0.3)
        if title:
            fig.suptitle(title, fontsize=FONT_PT + 1, fontweight="bold", y=0.98)
        return fig


def _label_slices(ax: Any, wedges: list[Any], labels: list[str]) -> None:
    """Write each slice's label beside the ring, left or right, without overlaps.

    Labels are placed at the height of their slice and pushed apart vertically where slices
    are narrow, with a thin leader line to the slice.
    """
    gap, limit, x_text = 0.66, 0.98, 1.2
    sides: dict[bool, list[tuple[float, float, float, str]]] = {True: [], False: []}
    for wedge, label in zip(wedges, labels, strict=True):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        x, y = math.cos(angle), math.sin(angle)
        sides[x >= 0].append((1.05 * y, x, y, label))
    for right, items in sides.items():
        items.sort(key=lambda item: -item[0])
        placed: list[float] = []
        for want, *_ in items:
            y_text = min(want, limit) if not placed else min(want, placed[-1] - gap)
            placed.append(y_text)
        if placed and placed[-1] < -limit:  # pushed out at the bottom: move the column up
            shift = -limit - placed[-1]
            placed = [y + shift for y in placed]
        for (_, x, y, label), y_text in zip(items, placed, strict=True):
            xt = x_text if right else -x_text
            ax.annotate(
                label, xy=(0.79 * x, 0.79 * y), xytext=(xt, y_text),
                ha="left" if right else "right", va="center", fontsize=FONT_PT, linespacing=1.05,
                arrowprops={"arrowstyle": "-", "color": "#595959", "linewidth": 0.5,
                            "shrinkA": 1, "shrinkB": 0},
            )


def uz_label(nr: Any) -> str:
    try:
        return f"UZ {int(nr)}"
    except (TypeError, ValueError):
        return "ohne UZ"


def count_axis(longest: int) -> tuple[int, list[int]]:
    """The value axis of the bar chart: its end and its ticks, whole numbers from 0.

    The axis ends on a tick at or beyond the longest bar, so no bar runs past the last number;
    steps of 1, 2, 5, 10, 20, 50, … give at most six ticks.
    """
    longest = max(int(longest), 1)
    step = 1
    for magnitude in (1, 10, 100, 1000, 10000, 100000):
        for base in (1, 2, 5):
            step = base * magnitude
            if math.ceil(longest / step) <= 5:
                end = math.ceil(longest / step) * step
                return end, list(range(0, end + 1, step))
    end = math.ceil(longest / step) * step  # pragma: no cover - beyond a million measures
    return end, list(range(0, end + 1, step))


def feld_unterziele_png(rows: pd.DataFrame | list[Mapping[str, Any]], *, title: str | None = None,
                        show_ohne: bool | None = None, size: tuple[float, float] | None = None) -> bytes:
    """Stacked bars, one per Unterziel (rows of ``Summary.feld_unterziele(feld)``), as PNG bytes.

    Horizontal bars labelled "UZ 1", "UZ 2", … from the top; every segment carries its count,
    the value axis shows whole numbers of measures and ends at or beyond the longest bar. The
    height grows with the number of Unterziele (:func:`unterziele_size`) unless ``size`` is given.
    """
    return _render(feld_unterziele_figure(rows, title=title, show_ohne=show_ohne, size=size))


def feld_unterziele_figure(rows: pd.DataFrame | list[Mapping[str, Any]], *, title: str | None = None,
                           show_ohne: bool | None = None, size: tuple[float, float] | None = None) -> Figure:
    """The Unterziel bars as a matplotlib figure (see :func:`feld_unterziele_png`)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    records = rows.to_dict("records") if hasattr(rows, "to_dict") else [dict(r) for r in rows]
    counts = [{k: _get(r, k) for k, _ in STATUS_KEYS} for r in records]
    labels = [uz_label(r.get("unterziel_nr")) for r in records]
    keys = _statuses(counts, show_ohne)
    n = len(records)
    size = size or unterziele_size(n)
    height_cm = size[1] / CM
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=size, dpi=DPI)
        foot = (_BAR_FOOT_CM + (0.45 if len(keys) > 3 else 0.0)) / height_cm
        top = 1 - (0.9 if title else 0.2) / height_cm
        ax = fig.add_axes((0.16, foot, 0.77, top - foot))  # room right of the axis for its last number
        ys = list(range(n))
        lefts = [0] * n
        height = 0.66 if n > 3 else 0.5
        for k, word in keys:
            widths = [c[k] for c in counts]
            bars = ax.barh(ys, widths, height, left=lefts, color=STATUS_COLORS[k], edgecolor=EDGES[k],
                           hatch=HATCHES[k], linewidth=0.5, label=word, zorder=3)
            for bar, w, left in zip(bars, widths, lefts, strict=True):
                if w <= 0:
                    bar.set_visible(False)  # a zero-width bar would still draw its edge
                else:
                    ax.text(left + w / 2, bar.get_y() + bar.get_height() / 2, str(w), ha="center",
                            va="center", fontsize=FONT_PT, fontweight="bold", zorder=4,
                            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.85})
            lefts = [left + w for left, w in zip(lefts, widths, strict=True)]
        end, ticks = count_axis(max(lefts, default=0))
        for y, total in zip(ys, lefts, strict=True):
            if total == 0:
                ax.text(0.02 * end, y, KEINE_IN_AUSWERTUNG, ha="left", va="center", fontsize=FONT_PT,
                        color="#404040")
        if n == 0:
            ax.text(0.5, 0.5, "keine Unterziele", ha="center", va="center", transform=ax.transAxes,
                    fontsize=FONT_PT, color="#404040")
        ax.set_yticks(ys, labels, fontsize=FONT_PT)
        ax.set_ylim(n - 0.4 if n else 0.6, -0.6)
        ax.set_xlim(0, end)
        _count_axis(ax, ticks)
        handles = [Patch(facecolor=STATUS_COLORS[k], edgecolor=EDGES[k], hatch=HATCHES[k], linewidth=0.5, label=w)
                   for k, w in keys]
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False,
                   ncol=len(keys) if len(keys) <= 3 else 2, fontsize=FONT_PT, handlelength=1.6,
                   handleheight=1.1, columnspacing=1.0, handletextpad=0.5, borderaxespad=0.3)
        if title:
            fig.suptitle(title, fontsize=FONT_PT + 1, fontweight="bold", y=1 - 0.15 / height_cm)
        return fig


def swatch_png(key: str, size: tuple[float, float] = SWATCH_SIZE) -> bytes:
    """A legend key: the fill, edge and hatching the charts draw for status ``key`` ("gruen", …)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=size, dpi=DPI)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.add_patch(Rectangle((0.04, 0.08), 0.92, 0.84, facecolor=STATUS_COLORS[key], edgecolor=EDGES[key],
                               hatch=HATCHES[key], linewidth=0.8))
        return _render(fig)


#: Width of the chart of the chapter "Veränderungen": the full text width (cm).
VERAENDERUNGEN_WIDTH_CM = 16.0


def veraenderungen_png(rows: list[tuple[str, int, int]]) -> bytes:
    """Fortschritte and Rückschritte per field as PNG bytes: ``rows`` are (field, Fortschritte,
    Rückschritte), from :meth:`ampel_xl.comparison.Changes.per_feld_counts`.

    Two bars per field, Fortschritte green and plain, Rückschritte red and hatched like Rot, each
    with its count, so the chart also reads without colour.
    """
    return _render(veraenderungen_figure(rows))


def veraenderungen_figure(rows: list[tuple[str, int, int]]) -> Figure:
    """The chart of :func:`veraenderungen_png` as a matplotlib figure."""
    import textwrap

    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    n = len(rows)
    labels = ["\n".join(textwrap.wrap(name, 30)) or name for name, _, _ in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    height_cm = round(max(4.5, 2.2 + 0.5 * lines + 0.35 * n), 1)
    size = (VERAENDERUNGEN_WIDTH_CM * CM, height_cm * CM)
    kinds = (("Fortschritte", "gruen", 1), ("Rückschritte", "rot", 2))
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=size, dpi=DPI)
        foot = 1.6 / height_cm
        ax = fig.add_axes((0.33, foot, 0.6, 1 - 0.3 / height_cm - foot))
        ys = list(range(n))
        height = 0.36
        longest = max((max(f, r) for _, f, r in rows), default=0)
        end, ticks = count_axis(longest)
        for offset, (word, key, index) in zip((-height / 2, height / 2), kinds, strict=True):
            values = [int(row[index]) for row in rows]
            bars = ax.barh([y + offset for y in ys], values, height, color=STATUS_COLORS[key], edgecolor=EDGES[key],
                           hatch=HATCHES[key], linewidth=0.5, label=word, zorder=3)
            for bar, value in zip(bars, values, strict=True):
                if value <= 0:
                    bar.set_visible(False)
                ax.text(value + end * 0.015, bar.get_y() + bar.get_height() / 2, str(value), ha="left",
                        va="center", fontsize=FONT_PT, fontweight="bold", zorder=4)
        ax.set_yticks(ys, labels, fontsize=FONT_PT)
        ax.set_ylim(n - 0.5 if n else 0.5, -0.5)
        ax.set_xlim(0, end * 1.08)
        _count_axis(ax, ticks)
        handles = [Patch(facecolor=STATUS_COLORS[key], edgecolor=EDGES[key], hatch=HATCHES[key], linewidth=0.5,
                         label=word) for word, key, _ in kinds]
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False, ncol=2,
                   fontsize=FONT_PT, handlelength=1.6, handleheight=1.1, columnspacing=1.5, handletextpad=0.5,
                   borderaxespad=0.3)
        return fig
