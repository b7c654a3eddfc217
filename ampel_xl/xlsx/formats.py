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
#: The colour of a data label on each status's fill: white on the dark green and the red, black on
#: yellow and grey (the higher contrast a reader sees).
CHART_LABEL_COLORS = {"gruen": "#FFFFFF", "gelb": "#000000", "rot": "#FFFFFF", "ohne": "#000000"}


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
