"""Fonts, colours and cell formats of the output workbooks (status colours from the vocabulary)."""

from __future__ import annotations

from typing import Any

from ..vocabulary import STATUS_COLORS, STATUS_EDGES, STATUS_FILLS

FONT = "Calibri"
BORDER_COLOR = "#BFBFBF"
HEAD_FILL = "#DDEBF7"
GROUP_FILL = "#F2F2F2"
WARN_FILL = "#C00000"
MUTED = "#595959"
SEVERITY_FILLS = {"error": STATUS_FILLS["rot"], "warning": STATUS_FILLS["gelb"], "info": "#DDEBF7"}


#: How the summary's charts fill each status, so that they read without colour too (red-green
#: colour blindness, black-and-white print), as the Ampeldokument's hatching does
#: (:data:`ampel_xl.ampeldokument.charts.HATCHES`): Grün solid, Gelb dotted (LibreOffice draws a
#: fine grid), Rot hatched "///", ohne Bewertung cross-hatched. The lines on yellow and red are
#: white: on red they stay visible where dark ones would not, on yellow they leave the black labels
#: readable. XlsxWriter writes them as pattern fills, which Excel and LibreOffice draw.
CHART_PATTERNS: dict[str, dict[str, str] | None] = {
    "gruen": None,
    "gelb": {"pattern": "dotted_grid", "fg_color": "#FFFFFF", "bg_color": STATUS_COLORS["gelb"]},
    "rot": {"pattern": "light_upward_diagonal", "fg_color": "#FFFFFF", "bg_color": STATUS_COLORS["rot"]},
    "ohne": {"pattern": "outlined_diamond", "fg_color": STATUS_EDGES["ohne"], "bg_color": STATUS_COLORS["ohne"]},
}
def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two colours "#RRGGBB" (1 to 21; text needs at least 4.5)."""

    def luminance(rgb: str) -> float:
        channels = [int(rgb.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def label_color(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (white lines of a pattern only favour black)."""
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast(text, fill))


#: The colour of a data label on each status's fill: the one with the higher contrast (WCAG), which for
#: the traffic-light colours is black (00B050: 7.3:1 against white's 2.9:1; FF0000: 5.3:1 against 4.0:1).
CHART_LABEL_COLORS = {key: label_color(STATUS_COLORS[key]) for key in CHART_PATTERNS}


def chart_fill(key: str) -> dict[str, Any]:
    """The XlsxWriter fill options of status ``key`` in a chart: ``fill`` or ``pattern``."""
    pattern = CHART_PATTERNS[key]
    return {"pattern": dict(pattern)} if pattern else {"fill": {"color": STATUS_COLORS[key]}}


class Formats:
    """Cached XlsxWriter formats, created in a fixed order (deterministic output)."""

    def __init__(self, workbook) -> None:
        self._wb = workbook
        self._cache: dict[tuple, Any] = {}

    def __call__(self, **props: Any):
        props.setdefault("font_name", FONT)
        props.setdefault("valign", "top")
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt

    def plain(self, **props: Any):
        """A format of exactly ``props`` (no default font or alignment), cached like the others."""
        key = ("plain", *sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt

    # frequently used -------------------------------------------------------------------
    def title(self):
        return self(bold=True, font_size=16)

    def subtitle(self):
        return self(bold=True, font_size=12)

    def text(self, **kw):
        return self(text_wrap=True, **kw)

    def head(self, **kw):
        return self(bold=True, bg_color=HEAD_FILL, border=1, border_color=BORDER_COLOR, text_wrap=True,
                    valign="vcenter", **kw)

    def cell(self, **kw):
        return self(border=1, border_color=BORDER_COLOR, **kw)

    def status(self, key: str):
        """A status cell: the palette colour and the word."""
        return self(border=1, border_color=BORDER_COLOR, bold=True, align="center", text_wrap=True,
                    bg_color=STATUS_COLORS[key], font_color="#000000")
