"""Stage 4, the status of a measure: channels → evidence.

Every channel a person sees in the status cell is read: the word (through the vocabulary,
including the words the workbook teaches), the displayed fill (conditional formatting, own
fill, painted row, gradient, pattern), the icon of an icon set, and the font colour of a status
that is only a symbol. The result is a :class:`~ampel_xl.model.StatusEvidence` that keeps what
each channel said; judging it (conflicts, unknown colours, missing status) is validation's job.
"""

from __future__ import annotations

import functools

from ..colors import ColorClass, classify, color_name
from ..conditional import ICON_SET_NAMES, ICON_SET_STATUSES, Icon
from ..model import Status, StatusEvidence
from .grid import Grid, ref as _ref, text_of
from .words import Words

#: Texts that are only a symbol: their colour is the status.
SYMBOLS = frozenset("●⬤■◼▪•◉⚫█▮◆♦★")
#: Fonts that draw a dot (or a square) for an ordinary letter: Wingdings "l" is ●, "n" is ■.
SYMBOL_FONTS = ("wingdings", "webdings", "symbol")


@functools.lru_cache(maxsize=4096)
def _fill_name(rgb: str) -> str:
    return color_name(rgb)


def is_symbol(text: str, font_name: str | None) -> bool:
    t = text.strip()
    if not t:
        return False
    if all(ch in SYMBOLS or ch.isspace() for ch in t):
        return True
    return (len(t) == 1 and font_name is not None
            and any(font_name.strip().casefold().startswith(f) for f in SYMBOL_FONTS))


def icon_text(icon: Icon, value: object = None) -> str:
    """German description of an icon of an icon set: „3 Ampeln (ohne Rand)“, Symbol 3 von 3."""
    name = ICON_SET_NAMES.get(icon.set_name, icon.set_name)
    size = len(ICON_SET_STATUSES.get(icon.set_name, ())) or None
    where = f", Symbol {icon.index + 1}" + (f" von {size}" if size else "")
    shown = f" (Wert {text_of(value)})" if value is not None else ""
    return f"„{name}“{where}{shown}"


def icon_status(icon: Icon | None) -> Status | None:
    return icon.status if icon is not None else None


class StatusReader:
    """Reads status cells with the workbook's words (frozen before any field is laid out)."""

    def __init__(self, words: Words) -> None:
        self.words = words

    def is_status_word(self, text: str) -> bool:
        return self.words.read(text).status is not None

    @staticmethod
    def with_row_fill(ev: StatusEvidence, rgb: str) -> StatusEvidence:
        """The evidence of a status cell without a fill of its own in a row painted ``rgb``."""
        from dataclasses import replace

        cls = classify(rgb)
        return replace(ev, fill=rgb, color_class=cls.value, color_name=_fill_name(rgb), fill_source="zeile")

    def evidence(self, grid: Grid, row: int, col: int) -> StatusEvidence:
        cell_ref = _ref(col, row)
        o = grid.owner(row, col)
        if o is not None and o[1] != col:
            # covered by a horizontal merge from another column (a heading across the row): no status cell
            return StatusEvidence(cell=cell_ref)
        shown = grid.shown(row, col)
        value = shown.value
        icon = shown.icon
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        # a number under an icon set or a conditional fill is the rule's input, not a status word
        scored = numeric and (icon is not None or shown.fill_source == "bedingt")
        text = text_of(value) if value is not None and not scored else None
        unreadable = shown.unreadable
        symbol = bool(text and is_symbol(text, shown.font_name))
        reading = self.words.read(text) if text and not symbol else None
        rgb, cls = shown.fill, shown.fill_class
        font_cls = classify(shown.font_rgb) if symbol else ColorClass.NEUTRAL
        return StatusEvidence(
            cell=cell_ref,
            text=text or None,
            text_status=reading.status if reading else None,
            text_ambiguous=bool(reading and reading.ambiguous),
            fill=rgb,
            color_class=cls.value,
            color_name=_fill_name(rgb) if rgb and cls is not ColorClass.NEUTRAL else None,
            formula_uncached=shown.formula and value is None,
            fill_source=shown.fill_source if rgb else "",
            icon=icon_text(icon, value if scored else None) if icon is not None else None,
            icon_status=icon_status(icon) if icon is not None else None,
            symbol=symbol,
            font_rgb=shown.font_rgb if symbol else None,
            font_class=font_cls.value,
            font_name=shown.font_name if symbol else None,
            cf_rule=shown.cf_rule,
            unreadable=tuple(unreadable),
            addition=reading.addition if reading else None,
            word_source=reading.source if reading else None,
        )

