"""Icon sets of conditional formatting: which icon of which set says which status.

The table :data:`ICON_SET_STATUSES` gives, for every icon set Excel offers (ECMA-376 §18.18.42
``ST_IconSetType`` and the x14 additions), the status each icon's colour says; icons that are
grey, black, stars, bars, quarters and boxes say none. :func:`icon_at` picks the icon a rule
shows for a position (reverse order and x14 custom icons applied). Which position a value gets
is the rules' business (:mod:`.conditional`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Status

__all__ = ["ICON_SET_STATUSES", "ICON_SET_NAMES", "Icon", "icon_set_of", "icon_at"]

_G, _Y, _R = Status.GRUEN, Status.GELB, Status.ROT

#: Status of each icon of an icon set, from the lowest icon (index 0) to the highest, as Excel
#: draws them without ``reverse``. None: the icon has no traffic-light colour.
ICON_SET_STATUSES: dict[str, tuple[Status | None, ...]] = {
    "3Arrows": (_R, _Y, _G),  # red down, yellow sideways, green up
    "3ArrowsGray": (None, None, None),
    "3Flags": (_R, _Y, _G),
    "3TrafficLights1": (_R, _Y, _G),  # unrimmed
    "3TrafficLights2": (_R, _Y, _G),  # rimmed
    "3Signs": (_R, _Y, _G),  # red diamond, yellow triangle, green circle
    "3Symbols": (_R, _Y, _G),  # circled cross, exclamation mark, check mark
    "3Symbols2": (_R, _Y, _G),  # the same without circle
    "3Stars": (None, None, None),
    "3Triangles": (_R, _Y, _G),  # red down, yellow dash, green up (x14)
    "4Arrows": (_R, _Y, _Y, _G),  # red down, yellow down-right, yellow up-right, green up
    "4ArrowsGray": (None, None, None, None),
    "4RedToBlack": (None, None, None, _R),  # black, grey, pink, red circles
    "4Rating": (None, None, None, None),
    "4TrafficLights": (None, _R, _Y, _G),  # black, red, yellow, green
    "5Arrows": (_R, _Y, _Y, _Y, _G),
    "5ArrowsGray": (None, None, None, None, None),
    "5Rating": (None, None, None, None, None),
    "5Quarters": (None, None, None, None, None),
    "5Boxes": (None, None, None, None, None),  # x14
}
#: Excel writes 3TrafficLights1 when the attribute is missing; XlsxWriter's name is accepted too.
_ICON_SET_ALIASES = {"3TrafficLights": "3TrafficLights1"}

#: German names of the icon sets (as in Excel's menu) for rule descriptions.
ICON_SET_NAMES: dict[str, str] = {
    "3Arrows": "3 Pfeile (farbig)",
    "3ArrowsGray": "3 Pfeile (grau)",
    "3Flags": "3 Flaggen",
    "3TrafficLights1": "3 Ampeln (ohne Rand)",
    "3TrafficLights2": "3 Ampeln (mit Rand)",
    "3Signs": "3 Zeichen",
    "3Symbols": "3 Symbole (mit Kreis)",
    "3Symbols2": "3 Symbole (ohne Kreis)",
    "3Stars": "3 Sterne",
    "3Triangles": "3 Dreiecke",
    "4Arrows": "4 Pfeile (farbig)",
    "4ArrowsGray": "4 Pfeile (grau)",
    "4RedToBlack": "Rot bis Schwarz",
    "4Rating": "4 Bewertungen",
    "4TrafficLights": "4 Ampeln",
    "5Arrows": "5 Pfeile (farbig)",
    "5ArrowsGray": "5 Pfeile (grau)",
    "5Rating": "5 Bewertungen",
    "5Quarters": "5 Viertel",
    "5Boxes": "5 Felder",
}


@dataclass(frozen=True)
class Icon:
    """The icon Excel shows: its set (``"3TrafficLights1"``), its index in that set (0 = the
    lowest icon of the set as drawn without ``reverse``) and the status its colour says.

    ``show_value`` is False when the rule shows the icon only (``showValue="0"``): the cell's
    value is then not visible.
    """

    set_name: str
    index: int
    status: Status | None
    show_value: bool = True




def icon_set_of(name: str | None) -> str:
    """The set's canonical name (a missing name is Excel's default, 3TrafficLights1)."""
    name = name or "3TrafficLights1"
    return _ICON_SET_ALIASES.get(name, name)


def icon_at(
    set_name: str,
    position: int,
    *,
    reverse: bool = False,
    custom: tuple[tuple[str, int] | None, ...] = (),
    show_value: bool = True,
) -> Icon | None:
    """The icon shown at ``position`` (0 = the lowest threshold band) of a rule with this set.

    ``reverse`` swaps the order; x14 ``custom`` icons name the icon for each (reversed)
    position, as LibreOffice applies them (None: no icon there).
    """
    if reverse:
        position = len(ICON_SET_STATUSES[set_name]) - 1 - position
    if custom:
        chosen = custom[position]
        if chosen is None:
            return None
        set_name, index = chosen
    else:
        index = position
    return Icon(set_name, index, ICON_SET_STATUSES[set_name][index], show_value)
