"""Charts of the Ampel figures as PNG bytes (matplotlib, no display needed).

Two charts per field, as in the Ampeldokument:

* :func:`feld_gesamt_png` – a doughnut of the field's statuses, each slice labelled with the
  German status word, its count and its share (so the chart reads without colour too);
* :func:`feld_unterziele_png` – stacked horizontal bars, one per Unterziel ("UZ 1", "UZ 2", …),
  counts written into the segments and on the axis, Gelb and Rot also told apart by hatching.

Both are sized to stand side by side on an A4 page (about 8 cm wide each), as in the seed.

The numbers come from a row (or rows) of :class:`ampel_xl.figures.Summary` tables; nothing is
counted here. Colours are the one fixed palette :data:`ampel_xl.vocabulary.STATUS_COLORS`;
"ohne Bewertung" (grey) appears only when such measures exist.

Output is deterministic: a fixed font (DejaVu Sans, shipped with matplotlib), a fixed size and
resolution, and PNGs written without the "Software" or any date entry, so the same figures give
the same bytes. matplotlib is imported lazily, and only its object-oriented API with the Agg
canvas is used: no pyplot, no global backend switch, no change to a notebook's own settings.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .vocabulary import LOOKS, NO_STATUS, STATUS_COLORS, STATUS_EDGES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Resolution of every chart (sharp in print at the sizes used in the Ampeldokument).
DPI = 200
#: Figure sizes in inches (width, height); pixel size = size × DPI.
GESAMT_SIZE = (3.2, 2.9)
UNTERZIELE_SIZE = (3.2, 2.9)

#: Status keys in drawing order, with their German legend words.
STATUS_KEYS: tuple[tuple[str, str], ...] = tuple((key, look.label) for key, look in LOOKS.items())
#: Hatching so that Gelb, Rot and "ohne Bewertung" stay apart in a black-and-white print.
HATCHES = {"gruen": "", "gelb": "..", "rot": "///", "ohne": "xx"}
#: Edge/hatch colours: a darker tone of each fill.
EDGES = STATUS_EDGES

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.unicode_minus": False,
    "hatch.linewidth": 0.6,
    "svg.hashsalt": "ampel_xl",
    "path.simplify": True,
}


def pixel_size(size: tuple[float, float]) -> tuple[int, int]:
    """Pixel width and height of a chart of ``size`` inches at :data:`DPI`."""
    return round(size[0] * DPI), round(size[1] * DPI)


def percent_de(share: float) -> str:
    """0.409 → ``"41 %"`` (German spacing; below 1 % one decimal with a comma)."""
    value = share * 100
    if 0 < value < 1:
        return f"{value:.1f}".replace(".", ",") + " %"
    return f"{value:.0f} %"


def _get(row: Mapping[str, Any] | "pd.Series", key: str) -> int:
    value = row[key]
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _statuses(counts: list[dict[str, int]], show_ohne: bool | None) -> list[tuple[str, str]]:
    """The status keys to draw: always Grün/Gelb/Rot, "ohne" only when present (or asked)."""
    if show_ohne is None:
        show_ohne = any(c.get("ohne", 0) for c in counts)
    return [(k, w) for k, w in STATUS_KEYS if k != "ohne" or show_ohne]


def _render(fig: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    # opaque RGB (no alpha channel): smaller, and PDF writers keep it as one lossless image
    from PIL import Image

    with Image.open(io.BytesIO(buf.getvalue())) as img:
        out = io.BytesIO()
        img.convert("RGB").save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def feld_gesamt_png(row: Mapping[str, Any] | "pd.Series", *, title: str | None = None,
                    show_ohne: bool | None = None, size: tuple[float, float] = GESAMT_SIZE) -> bytes:
    """Doughnut of one field (a row of ``Summary.felder`` or ``Summary.total``) as PNG bytes.

    Each slice carries the status word, the count and the share; the centre shows how many
    measures were counted; the legend below names every status with its count. ``title`` is
    drawn above the chart when given (the Ampeldokument writes its titles as text instead).
    """
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    counts = {k: _get(row, k) for k, _ in STATUS_KEYS}
    total = _get(row, "summe")
    keys = _statuses([counts], show_ohne)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=size, dpi=DPI)
        top = 0.9 if title else 1.0
        ax = fig.add_axes((0.0, 0.14, 1.0, top - 0.14))
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
            for wedge, (k, _, _) in zip(wedges, drawn):
                wedge.set_edgecolor(EDGES[k])
                wedge.set_linewidth(0.6)
            ohne = LOOKS[NO_STATUS].label
            words = {ohne: ohne.replace(" ", "\n")}  # "ohne\nBewertung" fits the slice
            _label_slices(ax, wedges, [f"{words.get(w, w)}\n{n} ({percent_de(n / total)})" for _, w, n in drawn])
            centre = f"{total}\nin Aus-\nwertung"
        else:
            ax.pie([1], colors=[STATUS_COLORS["ohne"]], startangle=90,
                   wedgeprops={"width": 0.42, "edgecolor": "white"})
            centre = "keine\nin Aus-\nwertung"
        ax.text(0, 0, centre, ha="center", va="center", fontsize=7.5, linespacing=1.15)
        ax.set_xlim(-2.25, 2.25)
        ax.set_ylim(-1.35, 1.35)
        handles = [
            Patch(facecolor=STATUS_COLORS[k], edgecolor=EDGES[k], hatch=HATCHES[k], linewidth=0.6,
                  label=f"{w}: {counts[k]}")
            for k, w in keys
        ]
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False,
                   ncol=2 if len(keys) > 3 else len(keys), fontsize=7.5, handlelength=1.4, handleheight=1.0,
                   columnspacing=1.2, handletextpad=0.5, borderaxespad=0.3)
        if title:
            fig.suptitle(title, fontsize=9, fontweight="bold", y=0.98)
        return _render(fig)


def _label_slices(ax: Any, wedges: list[Any], labels: list[str]) -> None:
    """Write each slice's label beside the ring, left or right, without overlaps.

    Labels are placed at the height of their slice and pushed apart vertically where slices
    are narrow, with a thin leader line to the slice.
    """
    gap, limit, x_text = 0.62, 1.05, 1.22
    sides: dict[bool, list[tuple[float, float, float, str]]] = {True: [], False: []}
    for wedge, label in zip(wedges, labels):
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
        for (_, x, y, label), y_text in zip(items, placed):
            xt = x_text if right else -x_text
            ax.annotate(
                label, xy=(0.79 * x, 0.79 * y), xytext=(xt, y_text),
                ha="left" if right else "right", va="center", fontsize=7.5, linespacing=1.1,
                arrowprops={"arrowstyle": "-", "color": "#595959", "linewidth": 0.5,
                            "shrinkA": 1, "shrinkB": 0},
            )


def _uz_label(nr: Any) -> str:
    try:
        return f"UZ {int(nr)}"
    except (TypeError, ValueError):
        return "ohne UZ"


def feld_unterziele_png(rows: "pd.DataFrame | list[Mapping[str, Any]]", *, title: str | None = None,
                        show_ohne: bool | None = None, size: tuple[float, float] = UNTERZIELE_SIZE) -> bytes:
    """Stacked bars, one per Unterziel (rows of ``Summary.feld_unterziele(feld)``), as PNG bytes.

    Horizontal bars labelled "UZ 1", "UZ 2", … from the top; every segment carries its count,
    the value axis shows whole numbers of measures.
    """
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    records = rows.to_dict("records") if hasattr(rows, "to_dict") else [dict(r) for r in rows]
    counts = [{k: _get(r, k) for k, _ in STATUS_KEYS} for r in records]
    labels = [_uz_label(r.get("unterziel_nr")) for r in records]
    keys = _statuses(counts, show_ohne)
    n = len(records)
    small = n > 12
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=size, dpi=DPI)
        top = 0.9 if title else 0.97
        ax = fig.add_axes((0.17, 0.25, 0.79, top - 0.25))
        ys = list(range(n))
        lefts = [0] * n
        height = 0.66 if n > 3 else 0.5
        for k, word in keys:
            widths = [c[k] for c in counts]
            bars = ax.barh(ys, widths, height, left=lefts, color=STATUS_COLORS[k], edgecolor=EDGES[k],
                           hatch=HATCHES[k], linewidth=0.5, label=word, zorder=3)
            for bar, w, left in zip(bars, widths, lefts):
                if w <= 0:
                    bar.set_visible(False)  # a zero-width bar would still draw its edge
                else:
                    ax.text(left + w / 2, bar.get_y() + bar.get_height() / 2, str(w), ha="center",
                            va="center", fontsize=6 if small else 7, fontweight="bold", zorder=4,
                            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
                                  "alpha": 0.85})
            lefts = [left + w for left, w in zip(lefts, widths)]
        right = max(lefts, default=0)
        for y, total in zip(ys, lefts):
            if total == 0:
                ax.text(0.05, y, "keine in Auswertung", ha="left", va="center", fontsize=6.5, color="#595959")
        if n == 0:
            ax.text(0.5, 0.5, "keine Unterziele", ha="center", va="center", transform=ax.transAxes,
                    fontsize=7.5, color="#595959")
        ax.set_yticks(ys, labels, fontsize=6 if small else 7.5)
        ax.set_ylim(n - 0.4 if n else 0.6, -0.6)
        ax.set_xlim(0, max(right, 1) * 1.04)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.tick_params(axis="x", labelsize=7)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Anzahl Maßnahmen", fontsize=7.5)
        ax.grid(axis="x", color="#D9D9D9", linewidth=0.5, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Patch(facecolor=STATUS_COLORS[k], edgecolor=EDGES[k], hatch=HATCHES[k], linewidth=0.5, label=w)
                   for k, w in keys]
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False,
                   ncol=len(keys), fontsize=7.5, handlelength=1.4, handleheight=1.0, columnspacing=1.0,
                   handletextpad=0.5, borderaxespad=0.3)
        if title:
            fig.suptitle(title, fontsize=9, fontweight="bold", y=0.98)
        return _render(fig)
