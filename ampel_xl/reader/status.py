"""Stage 4, the status of a measure: channels → evidence.

Every channel a person sees in the status cell is read: the word (through the vocabulary,
including the words the workbook teaches), the displayed fill (conditional formatting, own
fill, painted row, gradient, pattern), the icon of an icon set, and the font colour of a status
that is only a symbol, and what is drawn over the cell (:mod:`.drawings`). The result is a
:class:`~ampel_xl.model.StatusEvidence`: a tuple of :class:`~ampel_xl.model.Channel` values (kind,
what it says, what was seen, where, readable or not); judging it (conflicts, unknown colours,
missing status) is validation's job, by the table of channel kinds in :mod:`ampel_xl.findings`.
"""

from __future__ import annotations

import functools
import re

from ..model import Channel, Status, StatusEvidence
from .colors import ColorClass, classify, color_name
from .drawings import drawn_channels
from .formula import ERROR_TEXTS
from .grid import Grid, ref as _ref, text_of
from .icons import ICON_SET_NAMES, ICON_SET_STATUSES, Icon
from .refs import CellRange
from .words import Words

#: Excel's error values as German Excel shows them.
ERROR_NAMES = {"#VALUE!": "#WERT!", "#REF!": "#BEZUG!", "#NUM!": "#ZAHL!", "#N/A": "#NV", "#SPILL!": "#ÜBERLAUF!",
               "#CALC!": "#KALK!", "#GETTING_DATA": "#DATEN_ABRUFEN"}
#: Texts that are only a symbol: their colour is the status.
SYMBOLS = frozenset("●⬤■◼▪•◉⚫█▮◆♦★")
_LEADING_SYMBOL = re.compile("^\\s*[" + "".join(sorted(SYMBOLS)) + "]+\\s*(?=\\S)")
"""A symbol before a word ("● umgesetzt"): the word is read, the symbol by its colour."""
#: Fonts that draw a dot (or a square) for an ordinary letter: Wingdings "l" is ●, "n" is ■.
SYMBOL_FONTS = ("wingdings", "webdings", "symbol")


@functools.lru_cache(maxsize=4096)
def _fill_name(rgb: str) -> str:
    return color_name(rgb)


def is_symbol(text: str, font_name: str | None) -> bool:
    t = text.strip()
    if not t:
        return False
    if t[0] in SYMBOLS and all(ch in SYMBOLS or ch.isspace() for ch in t):  # (t[0] is no space)
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
        return ev.adding(_fill_channel("zeilenfarbe", rgb, classify(rgb), ev.cell))

    def _word(self, text: str) -> Status | None:
        return self.words.read(text).status

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
        if isinstance(value, str) and (icon is not None or shown.fill_source == "bedingt"):
            # a number its format shows with a unit ("80 %" for 80 under 0" %") is still that number
            stored = grid.stored(row, col)
            numeric = numeric or (isinstance(stored, (int, float)) and not isinstance(stored, bool)
                                  and any(ch.isdigit() for ch in str(value)))
        # a number under an icon set or a conditional fill is the rule's input, not a status word
        scored = numeric and (icon is not None or shown.fill_source == "bedingt")
        text = text_of(value) if value is not None and not scored else None
        channels: list[Channel] = []
        reading = None
        if text:
            if text in ERROR_TEXTS:
                # an error value (#VALUE! where LibreOffice dropped a picture placed in the cell, a
                # formula's #N/A) is no word: it is named as the error German Excel shows
                channels.append(Channel("wort", None, text, cell_ref, False, "fehler", ERROR_NAMES.get(text, text)))
            elif is_symbol(text, shown.font_name):
                font = classify(shown.font_rgb)
                says = _CLASS_STATUS.get(font)
                channels.append(Channel("schriftfarbe", says, text, cell_ref, says is not None, "", None,
                                        shown.font_rgb))
            else:
                reading = self.words.read(text)
                lead = _LEADING_SYMBOL.match(text) if reading.status is None else None
                if lead is not None:
                    # "● umgesetzt": the word says one status, the symbol's colour (if it has one) another channel
                    word = self.words.read(text[lead.end():])
                    if word.status is not None:
                        reading = word
                        font = classify(shown.font_rgb)
                        if font is not ColorClass.NEUTRAL:
                            says = _CLASS_STATUS.get(font)
                            channels.append(Channel("schriftfarbe", says, text[:lead.end()].strip(), cell_ref,
                                                    says is not None, "", None, shown.font_rgb))
                stripped = text.strip()
                case = ("buchstabe" if len(stripped) == 1 else "mehrdeutig") if reading.ambiguous else ""
                channels.append(_new_channel(Channel, ("wort", reading.status, text, cell_ref,
                                                       reading.status is not None and not reading.ambiguous, case,
                                                       None, None)))
        elif shown.uncached:
            channels.append(Channel("formel", None, "", cell_ref, False))
        if icon is not None:
            channels.append(Channel("symbolsatz", icon.status, icon_text(icon, value if scored else None), cell_ref,
                                    icon.status is not None))
        if shown.fill and shown.fill_class is not ColorClass.NEUTRAL:
            kind = _FILL_KIND.get(shown.fill_source, "zellfarbe")
            channels.append(_fill_channel(kind, shown.fill, shown.fill_class, cell_ref,
                                          "verlauf" if shown.fill_source == "verlauf" else ""))
        if shown.unreadable:
            channels.extend(Channel("regel", None, rule, cell_ref, False) for rule in shown.unreadable)
        if grid.drawn:
            rng = grid.merge_range(row, col) or CellRange(row, col, row, col)
            channels.extend(drawn_channels(grid.drawn, rng, cell_ref, self._word))
        if reading is None:
            return StatusEvidence.of(cell_ref, channels)
        return StatusEvidence.of(cell_ref, channels, reading.addition, reading.source)


_CLASS_STATUS = {ColorClass.GRUEN: Status.GRUEN, ColorClass.GELB: Status.GELB, ColorClass.ROT: Status.ROT}
_new_channel = tuple.__new__
"""Builds a :class:`Channel` from all its fields in C (its ``__new__`` is a Python function; one or two
channels are made for every status cell)."""
_FILL_KIND = {"bedingt": "bedingt", "zeile": "zeilenfarbe"}
"""The channel kind of a displayed fill by its source (any other: the cell's own fill)."""


def _fill_channel(kind: str, rgb: str, cls: ColorClass, cell: str | None, how: str = "") -> Channel:
    """The channel of a displayed fill: readable when its colour names a status; blue is the
    marking, not a status; any other colour fits none."""
    says = _CLASS_STATUS.get(cls)
    case = how if says is not None else ("blau" if cls is ColorClass.BLAU else "")
    return _new_channel(Channel, (kind, says, rgb, cell, says is not None, case, _fill_name(rgb), rgb))
