"""Colours of cell fills: resolve them as Excel displays them, then classify them by hue.

Pure functions, no file I/O and no spreadsheet library. The reader hands the resolver one colour
type, :class:`~ampel_xl.reader.parts.XColor` (a ``<color>``, ``<fgColor>``, ``<bgColor>`` element
as stored, in cell styles and in the differential formats of conditional formatting alike); it
reads it by duck typing (``.type``, ``.rgb``, ``.theme``, ``.indexed``, ``.tint``), so openpyxl's
colours, which tests build fixtures with, resolve the same way.

Resolving
---------
A cell fill colour is stored in one of three ways:

* ``rgb`` – an ``AARRGGBB`` string; the alpha byte is ignored (Excel ignores it for fills).
* ``theme`` – an index into the workbook's own theme (``xl/theme/theme1.xml``). Excel's index
  order swaps the first two pairs of the theme's ``<a:clrScheme>``: 0 = lt1, 1 = dk1, 2 = lt2,
  3 = dk2, 4..9 = accent1..6, 10 = hlink, 11 = folHlink. A workbook without a readable theme is
  treated as using the Office 2013–2022 theme.
* ``indexed`` – the legacy 64-colour palette (:data:`STANDARD_INDEXED`) or the workbook's own
  ``<indexedColors>``; 64 and 65 are the system foreground/background (``None``).

Any of them may carry a ``tint`` (ECMA-376 §18.8.19): see :func:`apply_tint`. Excel applies it
in Windows' integer HLS (HLSMAX = 240, lightness floored), not in float HLS; only that reproduces
the hex codes of Excel's theme colour grid (2007 accent6 F79646 at -25 % is E26B0A in Excel;
the float formula gives E46C0A, which is what Word and PowerPoint show).

Classifying
-----------
:func:`classify` maps an ``RRGGBB`` value to a :class:`ColorClass` by its HLS values
(hue ``H`` in degrees, lightness ``L`` and saturation ``S`` in 0..1, as in :mod:`colorsys`)
and its chroma ``C = (max - min) / 255``. The first matching row wins:

====  ==========================================================  =============  ====================================
Step  Condition                                                   Class          Covers
====  ==========================================================  =============  ====================================
1     ``C < 0.06``                                                ``neutral``    white, greys, black, "no colour"
2     ``L < 0.12``                                                ``unbekannt``  near-black with a tinge of colour
3     ``10° <= H < 70°`` and ``L < 0.2``                          ``unbekannt``  very dark brown / olive
4     ``10° <= H < 70°`` and ``L < 0.45`` and ``S < 0.7``         ``unbekannt``  brown (996633, 7F4F28)
5     ``10° <= H < 70°`` and ``S < 0.45``                         ``unbekannt``  beige, khaki, taupe (DDD9C4, C4BD97)
6     ``H >= 335°`` or ``H < 15°``                                ``rot``        red, dark red, pink-red, rosé
7     ``15° <= H < 70°``                                          ``gelb``       yellow, gold, amber, orange
8     ``70° <= H < 165°``                                         ``gruen``      yellow-green to blue-green
9     ``165° <= H < 250°``                                        ``blau``       cyan, light blue, blue, navy
10    ``250° <= H < 335°``                                        ``unbekannt``  indigo, purple, violet, magenta
====  ==========================================================  =============  ====================================

Amber and orange count as Gelb (the master format's contract). Known consequences of the
boundaries (all covered by tests):

* Office 2007's "Tan, Background 2" EEECE1 (C = 13/255) is neutral, and so is 2007's
  "Lavender, Accent 4, Lighter 80%" E4DFEC (C = 13/255); every other tint of an accent
  keeps the class of its accent.
* Orange-brown with full saturation (Excel's legacy "Brown" 993300, the "Neutral" style's
  font colour 9C5700) is Gelb: it cannot be told apart from the darker shades of the orange
  accents (C65911, 833C0C, 974706), which must stay Gelb.
* Colours that sit on a boundary split their palette families: LibreOffice's "Brick" (FF4000,
  15.1°) counts as Gelb but "Light Brick 1..4" (12°) as Rot; "Teal" (158466, 163.8°) as Grün
  but "Light Teal 1..3" (172°) as Blau; "Magenta" (BF0041, 339.6°) as Rot but "Dark Magenta 1"
  (334.5°) as unbekannt. LibreOffice's "Dark … 4" row is brown whatever its name.
* Blue ends at 250° so that pure blue 0000FF and Excel's legacy 333399/9999FF/CCCCFF (240°)
  are Blau while greyish lavenders such as LibreOffice's "Light Indigo 1..3" (252°) are not.
"""

from __future__ import annotations

import colorsys
import enum
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from defusedxml import ElementTree as _SafeET

from ..vocabulary import STATUS_LABELS

__all__ = [
    "OFFICE_2007",
    "OFFICE_2013",
    "OFFICE_2023",
    "STANDARD_INDEXED",
    "ColorClass",
    "ColorResolver",
    "Theme",
    "apply_tint",
    "classify",
    "color_name",
    "hls",
    "normalize_rgb",
    "theme_xml",
]


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------


class ColorClass(str, enum.Enum):
    """What a fill colour says. The three traffic-light values equal :class:`Status` values."""

    GRUEN = "gruen"
    GELB = "gelb"
    ROT = "rot"
    BLAU = "blau"
    NEUTRAL = "neutral"
    UNBEKANNT = "unbekannt"

    @property
    def label(self) -> str:
        """German word for messages."""
        return _CLASS_LABELS[self]


_CLASS_LABELS = {
    ColorClass.GRUEN: STATUS_LABELS["gruen"],
    ColorClass.GELB: STATUS_LABELS["gelb"],
    ColorClass.ROT: STATUS_LABELS["rot"],
    ColorClass.BLAU: "Blau",
    ColorClass.NEUTRAL: "ohne Farbe",
    ColorClass.UNBEKANNT: "unbekannte Farbe",
}

#: Boundaries of :func:`classify` (documented in the module docstring).
NEUTRAL_MAX_CHROMA = 0.06
DARK_MAX_LIGHTNESS = 0.12
AMBER_HUES = (10.0, 70.0)
AMBER_DARK_MAX_LIGHTNESS = 0.2
BROWN_MAX_LIGHTNESS = 0.45
BROWN_MAX_SATURATION = 0.7
BEIGE_MAX_SATURATION = 0.45
HUE_CLASSES: tuple[tuple[float, float, ColorClass], ...] = (
    (0.0, 15.0, ColorClass.ROT),
    (15.0, 70.0, ColorClass.GELB),
    (70.0, 165.0, ColorClass.GRUEN),
    (165.0, 250.0, ColorClass.BLAU),
    (250.0, 335.0, ColorClass.UNBEKANNT),
    (335.0, 360.0, ColorClass.ROT),
)

_HEX6 = re.compile(r"[0-9A-Fa-f]{6}")


def normalize_rgb(value: str) -> str:
    """``"RRGGBB"``, ``"AARRGGBB"`` or ``"#RRGGBB"`` → upper-case ``"RRGGBB"``.

    Raises :class:`ValueError` for anything else.
    """
    if not isinstance(value, str):
        raise ValueError(f"not an RGB colour: {value!r}")
    text = value.strip()
    if text.startswith("#"):
        text = text[1:]
    if len(text) == 8:
        text = text[2:]  # drop the alpha byte
    if len(text) != 6 or not _HEX6.fullmatch(text):
        raise ValueError(f"not an RGB colour: {value!r}")
    return text.upper()


def _channels(rgb: str) -> tuple[int, int, int]:
    return int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)


def hls(rgb: str) -> tuple[float, float, float, float]:
    """(hue in degrees, lightness 0..1, saturation 0..1, chroma 0..1) of an RGB value."""
    r, g, b = _channels(normalize_rgb(rgb))
    h, light, s = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    return (h * 360.0) % 360.0, light, s, (max(r, g, b) - min(r, g, b)) / 255


@functools.lru_cache(maxsize=4096)
def _classify(rgb: str) -> ColorClass:
    hue, light, sat, chroma = hls(rgb)
    if chroma < NEUTRAL_MAX_CHROMA:
        return ColorClass.NEUTRAL
    if light < DARK_MAX_LIGHTNESS:
        return ColorClass.UNBEKANNT
    if AMBER_HUES[0] <= hue < AMBER_HUES[1]:
        if light < AMBER_DARK_MAX_LIGHTNESS:
            return ColorClass.UNBEKANNT
        if light < BROWN_MAX_LIGHTNESS and sat < BROWN_MAX_SATURATION:
            return ColorClass.UNBEKANNT
        if sat < BEIGE_MAX_SATURATION:
            return ColorClass.UNBEKANNT
    for low, high, cls in HUE_CLASSES:
        if low <= hue < high:
            return cls
    return ColorClass.UNBEKANNT  # pragma: no cover - the hue table covers [0, 360)


@functools.lru_cache(maxsize=4096)
def classify(rgb: str | None) -> ColorClass:
    """Classify a fill colour (``"RRGGBB"``, ``"AARRGGBB"`` or ``"#RRGGBB"``); None is neutral."""
    if rgb is None:
        return ColorClass.NEUTRAL
    return _classify(normalize_rgb(rgb))


# --------------------------------------------------------------------------------------------
# German colour names for messages
# --------------------------------------------------------------------------------------------

#: Greys are named by lightness alone: (minimum lightness, German name), first match wins.
GREY_NAMES: tuple[tuple[float, str], ...] = (
    (0.97, "Weiß"),
    (0.70, "Hellgrau"),
    (0.40, "Grau"),
    (0.12, "Dunkelgrau"),
    (0.0, "Schwarz"),
)
#: Below this chroma a colour is named as a grey (lower than the neutral class boundary, so
#: that beige EEECE1 or lavender E4DFEC keep a colour name).
GREY_NAME_MAX_CHROMA = 0.045

#: (German name, representative RGB) for coloured values. A name may have several
#: representatives; the nearest one of the same :class:`ColorClass` by CIE76 distance in
#: L*a*b* wins, so that a name never contradicts the classification (993300 is
#: "Dunkelorange", not "Braun", because it counts as Gelb).
NAMED_COLORS: tuple[tuple[str, str], ...] = (
    ("Rot", "FF0000"),
    ("Rot", "E32119"),
    ("Rot", "C0504D"),
    ("Dunkelrot", "C00000"),
    ("Dunkelrot", "9C0006"),
    ("Dunkelrot", "8B0000"),
    ("Dunkelrot", "632523"),
    ("Hellrot", "FF7C80"),
    ("Hellrot", "FF6D6D"),
    ("Hellrot", "FF9999"),
    ("Rosa", "FFC7CE"),
    ("Rosa", "FFC0CB"),
    ("Rosa", "F2DCDB"),
    ("Rosa", "FFD7D7"),
    ("Lachs", "FA8072"),
    ("Orange", "FF8000"),
    ("Orange", "ED7D31"),
    ("Orange", "F79646"),
    ("Orange", "FF9900"),
    ("Dunkelorange", "C65911"),
    ("Dunkelorange", "B85C00"),
    ("Dunkelorange", "993300"),
    ("Dunkelorange", "9C5700"),
    ("Hellorange", "FCE4D6"),
    ("Hellorange", "FBD4B4"),
    ("Hellorange", "F8CBAD"),
    ("Gold", "FFC000"),
    ("Gold", "FFBF00"),
    ("Gold", "E8A202"),
    ("Ocker", "BF8F00"),
    ("Ocker", "B8860B"),
    ("Gelb", "FFFF00"),
    ("Gelb", "FFE600"),
    ("Hellgelb", "FFFF99"),
    ("Hellgelb", "FFFF66"),
    ("Hellgelb", "FFF2CC"),
    ("Hellgelb", "FFEB9C"),
    ("Hellgelb", "FFFFD7"),
    ("Beige", "EEECE1"),
    ("Beige", "DDD9C4"),
    ("Khaki", "C4BD97"),
    ("Oliv", "808000"),
    ("Oliv", "948A54"),
    ("Braun", "996633"),
    ("Braun", "7F4F28"),
    ("Dunkelbraun", "4B2D0F"),
    ("Dunkelbraun", "472702"),
    ("Aubergine", "4E102D"),
    ("Aubergine", "481D32"),
    ("Gelbgrün", "9ACD32"),
    ("Gelbgrün", "D4EA6B"),
    ("Grün", "00B050"),
    ("Grün", "00A933"),
    ("Grün", "00FF00"),
    ("Grün", "70AD47"),
    ("Hellgrün", "92D050"),
    ("Hellgrün", "C6EFCE"),
    ("Hellgrün", "E2EFDA"),
    ("Hellgrün", "A9D08E"),
    ("Hellgrün", "CCFFCC"),
    ("Dunkelgrün", "006100"),
    ("Dunkelgrün", "375623"),
    ("Dunkelgrün", "008000"),
    ("Dunkelgrün", "224B12"),
    ("Türkis", "00FFFF"),
    ("Türkis", "40E0D0"),
    ("Türkis", "33CCCC"),
    ("Türkis", "4BACC6"),
    ("Petrol", "158466"),
    ("Petrol", "008080"),
    ("Hellblau", "00B0F0"),
    ("Hellblau", "BDD7EE"),
    ("Hellblau", "DDEBF7"),
    ("Hellblau", "9BC2E6"),
    ("Hellblau", "CCFFFF"),
    ("Blau", "0070C0"),
    ("Blau", "0000FF"),
    ("Blau", "4472C4"),
    ("Blau", "2A6099"),
    ("Dunkelblau", "002060"),
    ("Dunkelblau", "000080"),
    ("Dunkelblau", "1F4E78"),
    ("Dunkelblau", "0E2841"),
    ("Graublau", "44546A"),
    ("Lila", "7030A0"),
    ("Lila", "8064A2"),
    ("Lila", "800080"),
    ("Violett", "8000FF"),
    ("Violett", "55308D"),
    ("Flieder", "E4DFEC"),
    ("Flieder", "CCC0DA"),
    ("Flieder", "CC99FF"),
    ("Pink", "FF00FF"),
    ("Pink", "FF66CC"),
    ("Pink", "FF99CC"),
    ("Magenta", "A02B93"),
    ("Magenta", "BF0041"),
    ("Magenta", "C0008F"),
)


def _srgb_to_lab(rgb: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB value."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(rgb))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


_NAMED_LAB: dict[ColorClass | None, tuple[tuple[str, tuple[float, float, float]], ...]] = {
    None: tuple((name, _srgb_to_lab(rgb)) for name, rgb in NAMED_COLORS),
}
for _cls in ColorClass:
    _NAMED_LAB[_cls] = tuple(
        (name, _srgb_to_lab(rgb)) for name, rgb in NAMED_COLORS if _classify(rgb) is _cls
    )
del _cls


@functools.lru_cache(maxsize=4096)
def _color_name(rgb: str) -> str:
    _hue, light, _sat, chroma = hls(rgb)
    if chroma < GREY_NAME_MAX_CHROMA:
        return next(name for minimum, name in GREY_NAMES if light >= minimum)
    cls = _classify(rgb)
    candidates = (cls is not ColorClass.NEUTRAL and _NAMED_LAB[cls]) or _NAMED_LAB[None]
    lab = _srgb_to_lab(rgb)
    best = min(candidates, key=lambda item: math.dist(lab, item[1]))
    return best[0]


def color_name(rgb: str) -> str:
    """A German colour name (``"Grün"``, ``"Hellblau"``, ``"Braun"`` …) for messages.

    Greys (chroma below :data:`GREY_NAME_MAX_CHROMA`) are named by lightness
    (:data:`GREY_NAMES`), other colours by the nearest entry of :data:`NAMED_COLORS` of the
    same class (CIE76 distance in L*a*b*).
    """
    return _color_name(normalize_rgb(rgb))


# --------------------------------------------------------------------------------------------
# Tint
# --------------------------------------------------------------------------------------------

# Excel applies the tint in the integer HLS space of Windows' ColorRGBToHLS/ColorHLSToRGB
# (HLSMAX = 240, integer division as in Microsoft KB 29240). This reproduces every value of
# Excel's colour picker we compared (see tests/test_colors.py), where a float HLS with
# HLSMAX = 255 is off by one or two in most of them.
_HLSMAX = 240
_RGBMAX = 255


def _rgb_to_hls240(r: int, g: int, b: int) -> tuple[int, int, int]:
    cmax, cmin = max(r, g, b), min(r, g, b)
    light = ((cmax + cmin) * _HLSMAX + _RGBMAX) // (2 * _RGBMAX)
    if cmax == cmin:
        return _HLSMAX * 2 // 3, light, 0
    delta = cmax - cmin
    if light <= _HLSMAX // 2:
        sat = (delta * _HLSMAX + (cmax + cmin) // 2) // (cmax + cmin)
    else:
        sat = (delta * _HLSMAX + (2 * _RGBMAX - cmax - cmin) // 2) // (2 * _RGBMAX - cmax - cmin)
    rd = ((cmax - r) * (_HLSMAX // 6) + delta // 2) // delta
    gd = ((cmax - g) * (_HLSMAX // 6) + delta // 2) // delta
    bd = ((cmax - b) * (_HLSMAX // 6) + delta // 2) // delta
    if r == cmax:
        hue = bd - gd
    elif g == cmax:
        hue = _HLSMAX // 3 + rd - bd
    else:
        hue = 2 * _HLSMAX // 3 + gd - rd
    if hue < 0:
        hue += _HLSMAX
    if hue > _HLSMAX:
        hue -= _HLSMAX
    return hue, light, sat


def _hue_to_rgb240(n1: int, n2: int, hue: int) -> int:
    if hue < 0:
        hue += _HLSMAX
    if hue > _HLSMAX:
        hue -= _HLSMAX
    # n2 >= n1 always, so floor division equals C's truncation here
    if hue < _HLSMAX // 6:
        return n1 + ((n2 - n1) * hue + _HLSMAX // 12) // (_HLSMAX // 6)
    if hue < _HLSMAX // 2:
        return n2
    if hue < _HLSMAX * 2 // 3:
        return n1 + ((n2 - n1) * (_HLSMAX * 2 // 3 - hue) + _HLSMAX // 12) // (_HLSMAX // 6)
    return n1


def _hls240_to_rgb(hue: int, light: int, sat: int) -> tuple[int, int, int]:
    if light <= _HLSMAX // 2:
        m2 = (light * (_HLSMAX + sat) + _HLSMAX // 2) // _HLSMAX
    else:
        m2 = light + sat - (light * sat + _HLSMAX // 2) // _HLSMAX
    m1 = 2 * light - m2

    def channel(h: int) -> int:
        return (_hue_to_rgb240(m1, m2, h) * _RGBMAX + _HLSMAX // 2) // _HLSMAX

    return (
        channel(hue + _HLSMAX // 3),
        channel(hue),
        channel(hue - _HLSMAX // 3),
    )


def _snap_tint(tint: float) -> float:
    """Excel writes its whole-percent tints as n/32767 (0.8 → 0.7999816888943144): undo that."""
    percent = round(tint * 100)
    if abs(tint * 100 - percent) < 0.01:
        return percent / 100
    return tint


def _tint_lightness(light: float, tint: float) -> float:
    if tint < 0:
        return light * (1.0 + tint)
    return light * (1.0 - tint) + (_HLSMAX - _HLSMAX * (1.0 - tint))


def _clamp(value: int) -> int:
    return 0 if value < 0 else _RGBMAX if value > _RGBMAX else value


@functools.lru_cache(maxsize=4096)
def _apply_tint(rgb: str, tint: float) -> str:
    hue, light, sat = _rgb_to_hls240(*_channels(rgb))
    if sat == 0:
        # Pure greys: Excel keeps the fractional lightness when lightening and floors it when
        # darkening, then rounds to 0..255 (FFFFFF -50% → 808080, 000000 +50% → 7F7F7F).
        lum = _tint_lightness(light, tint)
        if tint < 0:
            lum = math.floor(lum)
        value = _clamp(math.floor(lum * _RGBMAX / _HLSMAX + 0.5))
        return f"{value:02X}" * 3
    lum = math.floor(_tint_lightness(light, _snap_tint(tint)))
    lum = max(0, min(_HLSMAX, lum))
    r, g, b = (_clamp(c) for c in _hls240_to_rgb(hue, lum, sat))
    return f"{r:02X}{g:02X}{b:02X}"


def apply_tint(rgb: str, tint: float) -> str:
    """Apply an Excel tint (-1..1) to a colour, as Excel displays it; returns ``"RRGGBB"``.

    ECMA-376 §18.8.19: convert to HLS; ``tint < 0``: ``L = L * (1 + tint)``;
    ``tint > 0``: ``L = L * (1 - tint) + (HLSMAX - HLSMAX * (1 - tint))``; convert back.
    Excel does this in Windows' integer HLS (HLSMAX = 240) with the lightness floored, which we
    reproduce (e.g. 2007 accent6 F79646 at -25 % → E26B0A, 2013 accent1 4472C4 at +80 % → D9E1F2).
    """
    norm = normalize_rgb(rgb)
    tint = float(tint or 0.0)
    if math.isnan(tint) or tint == 0.0:
        return norm
    tint = max(-1.0, min(1.0, tint))
    return _apply_tint(norm, tint)


# --------------------------------------------------------------------------------------------
# Themes
# --------------------------------------------------------------------------------------------

_NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_A_STRICT = "http://purl.oclc.org/ooxml/drawingml/main"  # a workbook saved as Strict Open XML
_SCHEME_SLOTS = (
    "dk1", "lt1", "dk2", "lt2",
    "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
    "hlink", "folHlink",
)
#: Excel's theme index → clrScheme slot (the first two pairs are swapped).
THEME_INDEX_SLOTS = (
    "lt1", "dk1", "lt2", "dk2",
    "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
    "hlink", "folHlink",
)


@dataclass(frozen=True)
class Theme:
    """The twelve colours of a workbook theme (``"RRGGBB"``), named as in ``<a:clrScheme>``."""

    name: str
    dk1: str
    lt1: str
    dk2: str
    lt2: str
    accent1: str
    accent2: str
    accent3: str
    accent4: str
    accent5: str
    accent6: str
    hlink: str
    folHlink: str

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "name":
                object.__setattr__(self, f.name, normalize_rgb(getattr(self, f.name)))

    def color(self, index: int) -> str | None:
        """The colour of Excel theme index ``index`` (0 = lt1, 1 = dk1, 2 = lt2, 3 = dk2, 4..9 =
        accent1..6, 10 = hlink, 11 = folHlink), None when out of range."""
        try:
            index = int(index)
        except (TypeError, ValueError):
            return None
        if 0 <= index < len(THEME_INDEX_SLOTS):
            return getattr(self, THEME_INDEX_SLOTS[index])
        return None

    @property
    def scheme(self) -> dict[str, str]:
        """Slot name → colour, in ``<a:clrScheme>`` order."""
        return {slot: getattr(self, slot) for slot in _SCHEME_SLOTS}

    @classmethod
    def from_xml(cls, data: bytes | str | None) -> Theme:
        """Read the colours of ``xl/theme/theme1.xml`` (parsed with defusedxml).

        None, unparseable XML or a theme without ``<a:clrScheme>`` gives :data:`OFFICE_2013`
        (what Excel uses for a workbook without a theme); a slot that cannot be read keeps
        the Office 2013 colour.
        """
        if data is None:
            return OFFICE_2013
        try:
            root = _SafeET.fromstring(data)
        except Exception:  # noqa: BLE001 - ParseError, defusedxml's refusals, bad encodings
            return OFFICE_2013
        scheme = root.find(f".//{{{_NS_A}}}clrScheme")
        if scheme is None:
            scheme = root.find(f".//{{{_NS_A_STRICT}}}clrScheme")
        if scheme is None:
            return OFFICE_2013
        values = OFFICE_2013.scheme
        for child in scheme:
            slot = _local(child.tag)
            if slot not in values:
                continue
            value = _scheme_color(child)
            if value is not None:
                values[slot] = value
        name = root.get("name") or scheme.get("name") or ""
        return cls(name=name, **values)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_PRESET_COLORS = {
    "black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000", "lime": "00FF00",
    "blue": "0000FF", "yellow": "FFFF00", "cyan": "00FFFF", "aqua": "00FFFF",
    "magenta": "FF00FF", "fuchsia": "FF00FF", "gray": "808080", "grey": "808080",
    "silver": "C0C0C0", "maroon": "800000", "navy": "000080", "olive": "808000",
    "purple": "800080", "teal": "008080", "orange": "FFA500",
}
_SYSTEM_COLORS = {"windowText": "000000", "window": "FFFFFF"}


def _percent(value: str | None) -> float | None:
    """ST_Percentage: ``"50000"`` (1/1000 %) or ``"50%"`` → 0.5."""
    if value is None:
        return None
    try:
        if value.endswith("%"):
            return float(value[:-1]) / 100
        return float(value) / 100000
    except ValueError:
        return None


def _scheme_color(slot_element: Any) -> str | None:
    for el in slot_element:
        kind = _local(el.tag)
        try:
            if kind == "srgbClr":
                return normalize_rgb(el.get("val", ""))
            if kind == "sysClr":
                last = el.get("lastClr")
                if last:
                    return normalize_rgb(last)
                return _SYSTEM_COLORS.get(el.get("val", ""))
            if kind == "prstClr":
                return _PRESET_COLORS.get((el.get("val") or "").lower())
            if kind == "scrgbClr":
                parts = [_percent(el.get(k)) for k in ("r", "g", "b")]
                if any(p is None for p in parts):
                    return None
                return "".join(f"{_linear_to_srgb(p):02X}" for p in parts)  # type: ignore[arg-type]
            if kind == "hslClr":
                hue = float(el.get("hue", "0")) / 60000 / 360
                sat, lum = _percent(el.get("sat")), _percent(el.get("lum"))
                if sat is None or lum is None:
                    return None
                r, g, b = colorsys.hls_to_rgb(hue % 1.0, lum, sat)
                return "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in (r, g, b))
        except ValueError:
            return None
    return None


def _linear_to_srgb(value: float) -> int:
    value = max(0.0, min(1.0, value))
    srgb = value * 12.92 if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
    return round(srgb * 255)


#: Office 2007–2010 "Office" theme.
OFFICE_2007 = Theme(
    name="Office Theme",
    dk1="000000", lt1="FFFFFF", dk2="1F497D", lt2="EEECE1",
    accent1="4F81BD", accent2="C0504D", accent3="9BBB59",
    accent4="8064A2", accent5="4BACC6", accent6="F79646",
    hlink="0000FF", folHlink="800080",
)
#: Office 2013–2022 "Office" theme (Excel's default for a workbook without a theme).
OFFICE_2013 = Theme(
    name="Office Theme",
    dk1="000000", lt1="FFFFFF", dk2="44546A", lt2="E7E6E6",
    accent1="4472C4", accent2="ED7D31", accent3="A5A5A5",
    accent4="FFC000", accent5="5B9BD5", accent6="70AD47",
    hlink="0563C1", folHlink="954F72",
)
#: Office 2023+ "Office" theme.
OFFICE_2023 = Theme(
    name="Office Theme",
    dk1="000000", lt1="FFFFFF", dk2="0E2841", lt2="E8E8E8",
    accent1="156082", accent2="E97132", accent3="196B24",
    accent4="0F9ED5", accent5="A02B93", accent6="4EA72E",
    hlink="467886", folHlink="96607D",
)


def _theme_slot_xml(slot: str, rgb: str) -> str:
    if slot == "dk1" and rgb == "000000":
        return f'<a:{slot}><a:sysClr val="windowText" lastClr="{rgb}"/></a:{slot}>'
    if slot == "lt1" and rgb == "FFFFFF":
        return f'<a:{slot}><a:sysClr val="window" lastClr="{rgb}"/></a:{slot}>'
    return f'<a:{slot}><a:srgbClr val="{rgb}"/></a:{slot}>'


_FONT_SCHEME = (
    '<a:fontScheme name="Office">'
    '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>'
    "</a:fontScheme>"
)
_SOLID_PH = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
_LINE = '<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">' + _SOLID_PH + '<a:prstDash val="solid"/></a:ln>'
_FMT_SCHEME = (
    '<a:fmtScheme name="Office">'
    "<a:fillStyleLst>" + _SOLID_PH * 3 + "</a:fillStyleLst>"
    "<a:lnStyleLst>" + "".join(_LINE.format(w=w) for w in (6350, 12700, 19050)) + "</a:lnStyleLst>"
    "<a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3 + "</a:effectStyleLst>"
    "<a:bgFillStyleLst>" + _SOLID_PH * 3 + "</a:bgFillStyleLst>"
    "</a:fmtScheme>"
)


def theme_xml(theme: Theme) -> bytes:
    """A minimal, valid ``xl/theme/theme1.xml`` holding ``theme``'s colours.

    Meant for tests and writers that need a workbook with a given theme
    (e.g. ``workbook.loaded_theme = theme_xml(OFFICE_2007)`` with openpyxl).
    """
    scheme = "".join(_theme_slot_xml(slot, rgb) for slot, rgb in theme.scheme.items())
    from xml.sax.saxutils import quoteattr  # here: it pulls in urllib, http, ssl and email

    name = quoteattr(theme.name or "Office Theme")
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<a:theme xmlns:a="{_NS_A}" name={name}>'
        "<a:themeElements>"
        f"<a:clrScheme name={name}>{scheme}</a:clrScheme>"
        f"{_FONT_SCHEME}{_FMT_SCHEME}"
        "</a:themeElements>"
        "<a:objectDefaults/><a:extraClrSchemeLst/>"
        "</a:theme>"
    )
    return text.encode("utf-8")


# --------------------------------------------------------------------------------------------
# Indexed colours
# --------------------------------------------------------------------------------------------

#: Excel's legacy indexed palette, index 0..63 (as in openpyxl.styles.colors.COLOR_INDEX).
STANDARD_INDEXED: tuple[str, ...] = (
    # 0..7: the fixed BIFF colours
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    # 8..63: the default palette
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "800000", "008000", "000080", "808000", "800080", "008080", "C0C0C0", "808080",
    "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF",
    "000080", "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF",
    "00CCFF", "CCFFFF", "CCFFCC", "FFFF99", "99CCFF", "FF99CC", "CC99FF", "FFCC99",
    "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699", "969696",
    "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333",
)
#: Indexed 64 and 65: the system foreground and background colours (no fixed RGB).
SYSTEM_FOREGROUND = 64
SYSTEM_BACKGROUND = 65


# --------------------------------------------------------------------------------------------
# Resolver
# --------------------------------------------------------------------------------------------


class ColorResolver:
    """Resolve openpyxl-like colours and fills to ``"RRGGBB"`` as Excel displays them.

    ``theme`` is the workbook's theme (default :data:`OFFICE_2013`), ``indexed`` the workbook's
    own ``indexedColors`` (ARGB strings) or None for :data:`STANDARD_INDEXED`. Results are cached
    per (type, value, tint), so resolving is cheap however often it is called.
    """

    def __init__(self, theme: Theme | None = None, indexed: Sequence[str] | None = None) -> None:
        self.theme = theme if theme is not None else OFFICE_2013
        palette: list[str | None] = []
        for entry in indexed if indexed is not None else STANDARD_INDEXED:
            try:
                palette.append(normalize_rgb(entry))
            except ValueError:
                palette.append(None)
        self.indexed: tuple[str | None, ...] = tuple(palette)
        self._cache: dict[tuple[str, Any, float], str | None] = {}

    def _indexed_color(self, index: Any) -> str | None:
        try:
            index = int(index)
        except (TypeError, ValueError):
            return None
        if index in (SYSTEM_FOREGROUND, SYSTEM_BACKGROUND) or index < 0:
            return None
        if index < len(self.indexed):
            return self.indexed[index]
        if index < len(STANDARD_INDEXED):  # a short custom palette keeps the rest
            return STANDARD_INDEXED[index]
        return None

    def _base(self, kind: str, value: Any) -> str | None:
        if kind == "rgb":
            try:
                return normalize_rgb(value)
            except ValueError:
                return None
        if kind == "theme":
            return self.theme.color(value)
        if kind == "indexed":
            return self._indexed_color(value)
        return None

    def resolve(self, color: Any) -> str | None:
        """``"RRGGBB"`` of an openpyxl-like Color as Excel shows it; None for auto/system/none.

        A plain string (``"FF00B050"``) is taken as an RGB value.
        """
        if color is None:
            return None
        kind: str | None
        value: Any
        if isinstance(color, str):
            kind, value, tint = "rgb", color, 0.0
        else:
            kind = getattr(color, "type", None)
            if kind is None:  # not an openpyxl Color: guess from the attributes
                for attr in ("rgb", "theme", "indexed"):
                    if getattr(color, attr, None) is not None:
                        kind = attr
                        break
            if kind not in ("rgb", "theme", "indexed"):
                return None  # "auto" and anything unknown
            value = getattr(color, kind, None)
            try:
                tint = float(getattr(color, "tint", 0.0) or 0.0)
            except (TypeError, ValueError):
                tint = 0.0
        key = (kind, value, tint)
        try:
            return self._cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable value
            key = None  # type: ignore[assignment]
        base = self._base(kind, value)
        result = apply_tint(base, tint) if base is not None and tint else base
        if key is not None:
            self._cache[key] = result
        return result

    def resolve_fill(self, fill: Any) -> str | None:
        """The colour an openpyxl-like fill shows, or None for no fill.

        PatternFill: no pattern (None/``"none"``) → None; ``solid`` → fgColor; other patterns →
        fgColor, else bgColor. GradientFill (has ``.stop``) → the first stop's colour.
        """
        if fill is None:
            return None
        stops = getattr(fill, "stop", None)
        if stops is not None and not hasattr(fill, "patternType"):
            for stop in stops:
                return self.resolve(getattr(stop, "color", stop))
            return None
        pattern = getattr(fill, "patternType", None)
        if pattern is None or pattern == "none":
            return None
        fg = self.resolve(getattr(fill, "fgColor", None))
        if pattern == "solid" or fg is not None:
            return fg
        return self.resolve(getattr(fill, "bgColor", None))

    def classify_fill(self, fill: Any) -> ColorClass:
        """Shortcut: :func:`classify` of :meth:`resolve_fill`."""
        return classify(self.resolve_fill(fill))
