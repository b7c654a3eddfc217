"""Tests of ampel_xl.reader.colors: tint, themes, indexed palette, resolving and classifying fills."""

from __future__ import annotations

import ast
import colorsys
import io
import random
import time
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest

from ampel_xl.model import BLUE_MARK, STATUS_COLORS, STATUS_FILLS, Status, StatusEvidence
from ampel_xl.reader import colors
from ampel_xl.reader.colors import (
    OFFICE_2007,
    OFFICE_2013,
    OFFICE_2023,
    STANDARD_INDEXED,
    ColorClass,
    ColorResolver,
    Theme,
    apply_tint,
    classify,
    color_name,
    normalize_rgb,
    theme_xml,
)
from ampel_xl.reader.status import StatusReader

G, Y, R, B, N, U = (
    ColorClass.GRUEN,
    ColorClass.GELB,
    ColorClass.ROT,
    ColorClass.BLAU,
    ColorClass.NEUTRAL,
    ColorClass.UNBEKANNT,
)

# The tint values Excel writes for the entries of its theme colour grid (n / 32767).
TINT = {
    80: 0.7999816888943144,
    60: 0.5999938962981048,
    50: 0.499984740745262,
    40: 0.3999755851924192,
    35: 0.3499862666707358,
    25: 0.249977111117893,
    15: 0.1499984740745262,
    5: 0.0499893185216834,
    -5: -0.0499893185216834,
    -10: -0.0999786370433668,
    -15: -0.1499984740745262,
    -25: -0.249977111117893,
    -35: -0.3499862666707358,
    -50: -0.499984740745262,
    -75: -0.749992370372631,
    -90: -0.89999084444715,
}


def color(kind: str, value=None, tint: float = 0.0):
    """A duck-typed stand-in for openpyxl's Color."""
    return SimpleNamespace(
        type=kind,
        rgb=value if kind == "rgb" else None,
        theme=value if kind == "theme" else None,
        indexed=value if kind == "indexed" else None,
        tint=tint,
    )


# ---------------------------------------------------------------------------------------------
# ColorClass and the model
# ---------------------------------------------------------------------------------------------


def test_color_class_values_match_the_model():
    assert [c.value for c in ColorClass] == ["gruen", "gelb", "rot", "blau", "neutral", "unbekannt"]
    for status in Status:
        assert ColorClass(status.value).value == status.value
    # a fill's colour class becomes the status its channel says (blue says none)
    assert StatusReader.with_row_fill(StatusEvidence(), "00B050").color_status is Status.GRUEN
    assert StatusReader.with_row_fill(StatusEvidence(), "0070C0").color_status is None


@pytest.mark.parametrize(
    "key, expected", [("gruen", G), ("gelb", Y), ("rot", R), ("ohne", N)]
)
def test_the_projects_own_palette_reads_back(key, expected):
    """What our writers paint must be read back as the same status."""
    assert classify(STATUS_COLORS[key]) is expected
    assert classify(STATUS_FILLS[key]) is expected


def test_the_projects_blue_mark_is_blue():
    assert classify(BLUE_MARK) is B


# ---------------------------------------------------------------------------------------------
# normalize_rgb
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["00b050", "00B050", "FF00B050", "0000B050", "#00B050", " 00B050 ", "#ff00b050"]
)
def test_normalize_rgb_accepts_the_usual_spellings(raw):
    assert normalize_rgb(raw) == "00B050"


@pytest.mark.parametrize("raw", ["", "GREEN", "00B05", "00B0500", "#", "Values must be of type <class 'str'>", 42])
def test_normalize_rgb_rejects_garbage(raw):
    with pytest.raises(ValueError):
        normalize_rgb(raw)


def test_classify_accepts_argb_and_hash_and_none():
    assert classify("FF00B050") is G
    assert classify("#00B050") is G
    assert classify(None) is N


# ---------------------------------------------------------------------------------------------
# classify: the colours a master actually contains
# ---------------------------------------------------------------------------------------------

# Excel's "Standard Colors" row (Format Cells → Fill), left to right.
EXCEL_STANDARD = [
    ("C00000", R),  # Dunkelrot
    ("FF0000", R),  # Rot
    ("FFC000", Y),  # Orange (German Excel) – amber counts as Gelb
    ("FFFF00", Y),  # Gelb
    ("92D050", G),  # Hellgrün
    ("00B050", G),  # Grün
    ("00B0F0", B),  # Hellblau
    ("0070C0", B),  # Blau
    ("002060", B),  # Dunkelblau (lightness 0.19, must not count as "too dark")
    ("7030A0", U),  # Lila
]

# Built-in cell styles "Gut", "Neutral", "Schlecht": fill and font colour.
CELL_STYLES = [
    ("C6EFCE", G),
    ("006100", G),
    ("FFEB9C", Y),
    ("9C5700", Y),
    ("FFC7CE", R),
    ("9C0006", R),
]

NEUTRALS = [
    "FFFFFF", "F2F2F2", "D9D9D9", "BFBFBF", "A6A6A6", "808080", "595959", "404040", "000000",
    "E7E6E6",  # Office 2013 lt2 "Gray"
    "E8E8E8",  # Office 2023 lt2
    "EEECE1",  # Office 2007 lt2 "Tan" (chroma 13/255 – a background, not a status)
    "C0C0C0",  # legacy indexed 22
    "969696",  # legacy indexed 55
]

UNKNOWN = [
    "7030A0",  # Excel standard "Lila"
    "996633",  # brown
    "7F4F28",  # brown
    "8064A2",  # Office 2007 accent4 (purple)
    "A02B93",  # Office 2023 accent5 (magenta)
    "FF00FF",  # magenta / pink
    "800080",  # purple
    "CC99FF",  # legacy indexed 46 (lavender)
    "DDD9C4",  # Office 2007 "Tan, Background 2, Darker 10%" (beige)
    "C4BD97",  # Office 2007 "Tan, Background 2, Darker 25%" (khaki)
    "1A0505",  # near-black with a tinge of red
]


@pytest.mark.parametrize("rgb, expected", EXCEL_STANDARD + CELL_STYLES)
def test_excel_standard_colours_and_cell_styles(rgb, expected):
    assert classify(rgb) is expected


@pytest.mark.parametrize("rgb", NEUTRALS)
def test_white_grey_black_are_neutral(rgb):
    assert classify(rgb) is N


@pytest.mark.parametrize("rgb", UNKNOWN)
def test_purple_brown_beige_are_unknown(rgb):
    assert classify(rgb) is U


# LibreOffice's standard palette, taken from /usr/lib/libreoffice/share/palette/standard.soc
# of LibreOffice 7.4.7 (Debian 12). Note: in this file 8D281E is "Dark Red 3" (the brief that
# asked for these tests called it "Dark Red 2"; "Dark Red 2" is C9211E here).
LIBREOFFICE = {
    "Yellow": ("FFFF00", Y), "Light Yellow 1": ("FFFF38", Y), "Light Yellow 2": ("FFFF6D", Y),
    "Light Yellow 3": ("FFFFA6", Y), "Light Yellow 4": ("FFFFD7", Y),
    "Dark Yellow 1": ("E6E905", Y), "Dark Yellow 2": ("ACB20C", Y), "Dark Yellow 3": ("706E0C", Y),
    "Gold": ("FFBF00", Y), "Light Gold 1": ("FFD428", Y), "Light Gold 2": ("FFDE59", Y),
    "Light Gold 3": ("FFE994", Y), "Light Gold 4": ("FFF5CE", Y),
    "Dark Gold 1": ("E8A202", Y), "Dark Gold 2": ("B47804", Y), "Dark Gold 3": ("784B04", Y),
    "Orange": ("FF8000", Y), "Light Orange 1": ("FF860D", Y), "Light Orange 2": ("FF972F", Y),
    "Light Orange 3": ("FFB66C", Y), "Light Orange 4": ("FFDBB6", Y),
    "Dark Orange 1": ("EA7500", Y), "Dark Orange 2": ("B85C00", Y), "Dark Orange 3": ("7B3D00", Y),
    "Red": ("FF0000", R), "Light Red 1": ("FF3838", R), "Light Red 2": ("FF6D6D", R),
    "Light Red 3": ("FFA6A6", R), "Light Red 4": ("FFD7D7", R),
    "Dark Red 1": ("F10D0C", R), "Dark Red 2": ("C9211E", R), "Dark Red 3": ("8D281E", R),
    "Green": ("00A933", G), "Light Green 1": ("3FAF46", G), "Light Green 2": ("77BC65", G),
    "Light Green 3": ("AFD095", G), "Light Green 4": ("DDE8CB", G),
    "Dark Green 1": ("069A2E", G), "Dark Green 2": ("127622", G), "Dark Green 3": ("224B12", G),
    "Lime": ("81D41A", G), "Light Lime 1": ("BBE33D", G), "Dark Lime 1": ("5EB91E", G),
    "Blue": ("2A6099", B), "Light Blue 1": ("5983B0", B), "Light Blue 2": ("729FCF", B),
    "Light Blue 3": ("B4C7DC", B), "Light Blue 4": ("DEE6EF", B),
    "Dark Blue 1": ("3465A4", B), "Dark Blue 2": ("355269", B),
    "Purple": ("800080", U), "Indigo": ("55308D", U), "Light Indigo 2": ("8E86AE", U),
    "Gray": ("808080", N), "Light Gray 5": ("EEEEEE", N), "Dark Gray 2": ("333333", N),
    # families split by a boundary (documented in ampel_xl.reader.colors):
    "Brick": ("FF4000", Y), "Light Brick 1": ("FF5429", R),
    "Teal": ("158466", G), "Light Teal 1": ("50938A", B),
    "Magenta": ("BF0041", R), "Dark Magenta 1": ("A7074B", U),
    "Light Indigo 1": ("6B5E9B", U),
    # LibreOffice's darkest row is brown (or grey) whatever its name says:
    "Dark Blue 3": ("383D3C", N),
    "Dark Red 4": ("50200C", U), "Dark Green 4": ("2E2706", U), "Dark Blue 4": ("362413", U),
    "Dark Yellow 4": ("443205", U), "Dark Orange 4": ("492300", U),
}


@pytest.mark.parametrize("name", sorted(LIBREOFFICE))
def test_libreoffice_standard_palette(name):
    rgb, expected = LIBREOFFICE[name]
    assert classify(rgb) is expected


@pytest.mark.parametrize(
    "rgb, expected",
    [
        ("0000FF", B),  # indexed 4/12: pure blue is 240°, inside Blau (ends at 250°)
        ("333399", B),  # indexed 62 "Indigo"
        ("9999FF", B),  # indexed 24 "Periwinkle"
        ("CCCCFF", B),  # indexed 31
        ("003366", B),  # indexed 56
        ("00FFFF", B),  # indexed 7 "Turquoise" – cyan counts as Blau
        ("339966", G),  # indexed 57 "Sea Green"
        ("CCFFCC", G),  # indexed 42 "Light Green"
        ("FFFF99", Y),  # indexed 43 "Light Yellow"
        ("FF9900", Y),  # indexed 52 "Light Orange"
        ("FF6600", Y),  # indexed 53 "Orange"
        ("993300", Y),  # indexed 60 "Brown": saturated dark orange, same as C65911/833C0C → Gelb
        ("FF8080", R),  # indexed 29 "Coral"
        ("800000", R),  # indexed 16 "Dark Red"
        ("FF99CC", U),  # indexed 45 "Rose" (pink, 330°)
    ],
)
def test_legacy_indexed_palette_colours(rgb, expected):
    assert classify(rgb) is expected


def _hue_colour(hue: float, light: float = 0.5, sat: float = 1.0) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, light, sat)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


@pytest.mark.parametrize(
    "hue, expected",
    [
        (0, R), (13, R), (17, Y), (45, Y), (68, Y), (72, G), (120, G), (163, G),
        (167, B), (210, B), (248, B), (252, U), (300, U), (333, U), (337, R), (359, R),
    ],
)
def test_hue_boundaries(hue, expected):
    assert classify(_hue_colour(hue)) is expected


@pytest.mark.parametrize(
    "rgb, expected",
    [
        ("F0F0E4", N),  # chroma 12/255 = 0.047 < 0.06
        ("E4DFEC", N),  # chroma 13/255
        ("E4E8F4", B),  # chroma 16/255 = 0.063, bluish
        ("F0F0E0", U),  # chroma 16/255, yellowish but saturation 0.35: beige, not Gelb
        ("DEE6EF", B),  # chroma 17/255 = 0.067 (LibreOffice "Light Blue 4")
        ("0A2000", U),  # lightness 0.06: too dark for a status
        ("0D3512", G),  # Office 2023 accent3 -50 %, lightness 0.13
        ("443205", U),  # amber at lightness 0.14: dark brown
        ("806000", Y),  # amber at lightness 0.25 (Office 2013 accent4 -50 %)
        ("996633", U),  # amber, lightness 0.40, saturation 0.50: brown
        ("9C5700", Y),  # amber, lightness 0.31, saturation 1.00: dark orange
        ("C4BD97", U),  # amber, saturation 0.30: khaki
        ("FCE4D6", Y),  # amber, saturation 0.86, pale: light orange
    ],
)
def test_chroma_lightness_and_saturation_boundaries(rgb, expected):
    assert classify(rgb) is expected


# ---------------------------------------------------------------------------------------------
# Themes: every accent of every default theme, untinted and tinted
# ---------------------------------------------------------------------------------------------

ACCENT_CLASSES = {
    "OFFICE_2007": (B, R, G, U, B, Y),  # 4F81BD C0504D 9BBB59 8064A2 4BACC6 F79646
    "OFFICE_2013": (B, Y, N, Y, B, G),  # 4472C4 ED7D31 A5A5A5 FFC000 5B9BD5 70AD47
    "OFFICE_2023": (B, Y, G, B, U, G),  # 156082 E97132 196B24 0F9ED5 A02B93 4EA72E
}
TINTS = (-50, -25, 0, 40, 60, 80)

# Documented exception: Office 2007 "Lavender, Accent 4, Lighter 80%" is E4DFEC, chroma 13/255,
# exactly as grey as Office 2007's "Tan, Background 2" EEECE1, which must stay neutral (a
# background colour, not a status). Both fall below the neutral boundary (0.06); a pale lavender
# therefore reads as "no colour" instead of "unknown colour".
TINT_EXCEPTIONS = {("OFFICE_2007", 4, 80): N}


@pytest.mark.parametrize("theme_name", sorted(ACCENT_CLASSES))
@pytest.mark.parametrize("accent", range(1, 7))
@pytest.mark.parametrize("percent", TINTS)
def test_tinted_accents_keep_the_class_of_the_accent(theme_name, accent, percent):
    theme = getattr(colors, theme_name)
    base = getattr(theme, f"accent{accent}")
    expected = TINT_EXCEPTIONS.get(
        (theme_name, accent, percent), ACCENT_CLASSES[theme_name][accent - 1]
    )
    tinted = apply_tint(base, TINT.get(percent, 0.0))
    assert classify(tinted) is expected, (base, percent, tinted)
    # and the same through the resolver, by theme index (accentN = index N + 3)
    resolver = ColorResolver(theme)
    assert resolver.resolve(color("theme", accent + 3, TINT.get(percent, 0.0))) == tinted


def test_same_theme_index_differs_between_2013_and_2023():
    """Theme index 7 (accent4) is gold in Office 2013–2022 and blue in Office 2023+."""
    fill = color("theme", 7)
    old, new = ColorResolver(OFFICE_2013), ColorResolver(OFFICE_2023)
    assert old.resolve(fill) == "FFC000"
    assert new.resolve(fill) == "0F9ED5"
    assert classify(old.resolve(fill)) is Y
    assert classify(new.resolve(fill)) is B
    light = color("theme", 7, TINT[80])
    assert classify(old.resolve(light)) is Y
    assert classify(new.resolve(light)) is B


@pytest.mark.parametrize(
    "theme, scheme",
    [
        (OFFICE_2007, "000000 FFFFFF 1F497D EEECE1 4F81BD C0504D 9BBB59 8064A2 4BACC6 F79646 0000FF 800080"),
        (OFFICE_2013, "000000 FFFFFF 44546A E7E6E6 4472C4 ED7D31 A5A5A5 FFC000 5B9BD5 70AD47 0563C1 954F72"),
        (OFFICE_2023, "000000 FFFFFF 0E2841 E8E8E8 156082 E97132 196B24 0F9ED5 A02B93 4EA72E 467886 96607D"),
    ],
)
def test_default_themes(theme, scheme):
    assert list(theme.scheme.values()) == scheme.split()


def test_theme_index_order_swaps_the_first_pairs():
    t = OFFICE_2007
    assert [t.color(i) for i in range(12)] == [
        t.lt1, t.dk1, t.lt2, t.dk2,
        t.accent1, t.accent2, t.accent3, t.accent4, t.accent5, t.accent6,
        t.hlink, t.folHlink,
    ]
    assert t.color(0) == "FFFFFF" and t.color(1) == "000000"
    assert t.color(2) == "EEECE1" and t.color(3) == "1F497D"
    assert t.color(12) is None and t.color(-1) is None and t.color(None) is None


# ---------------------------------------------------------------------------------------------
# Theme XML
# ---------------------------------------------------------------------------------------------

A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@pytest.mark.parametrize("theme", [OFFICE_2007, OFFICE_2013, OFFICE_2023])
def test_theme_xml_round_trip(theme):
    data = theme_xml(theme)
    assert isinstance(data, bytes)
    assert Theme.from_xml(data) == theme
    assert Theme.from_xml(data.decode("utf-8")) == theme


def test_theme_xml_is_well_formed_and_complete():
    root = ET.fromstring(theme_xml(OFFICE_2023))
    assert root.tag == f"{{{A}}}theme"
    elements = root.find(f"{{{A}}}themeElements")
    assert [child.tag.split("}")[1] for child in elements] == ["clrScheme", "fontScheme", "fmtScheme"]
    scheme = elements.find(f"{{{A}}}clrScheme")
    assert [c.tag.split("}")[1] for c in scheme] == [
        "dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4",
        "accent5", "accent6", "hlink", "folHlink",
    ]
    fmt = elements.find(f"{{{A}}}fmtScheme")
    for lst in ("fillStyleLst", "lnStyleLst", "effectStyleLst", "bgFillStyleLst"):
        assert len(fmt.find(f"{{{A}}}{lst}")) == 3  # the schema asks for at least three


REAL_THEME = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Larissa">
 <a:themeElements>
  <a:clrScheme name="Larissa">
   <a:dk1><a:sysClr val="windowText" lastClr="101010"/></a:dk1>
   <a:lt1><a:sysClr val="window" lastClr="FFFFFE"/></a:lt1>
   <a:dk2><a:srgbClr val="1F497D"/></a:dk2>
   <a:lt2><a:srgbClr val="eeece1"/></a:lt2>
   <a:accent1><a:srgbClr val="00B050"/></a:accent1>
   <a:accent2><a:prstClr val="red"/></a:accent2>
   <a:accent3><a:scrgbClr r="0" g="100000" b="0"/></a:accent3>
   <a:accent4><a:hslClr hue="14400000" sat="100000" lum="50000"/></a:accent4>
   <a:accent5><a:srgbClr val="not-a-colour"/></a:accent5>
   <a:hlink><a:srgbClr val="0000FF"/></a:hlink>
   <a:folHlink><a:srgbClr val="800080"/></a:folHlink>
  </a:clrScheme>
 </a:themeElements>
</a:theme>"""


def test_theme_from_xml_reads_every_colour_form():
    theme = Theme.from_xml(REAL_THEME.encode("utf-8"))
    assert theme.name == "Larissa"
    assert theme.dk1 == "101010"  # sysClr → lastClr
    assert theme.lt1 == "FFFFFE"
    assert theme.lt2 == "EEECE1"  # upper-cased
    assert theme.accent1 == "00B050"
    assert theme.accent2 == "FF0000"  # prstClr
    assert theme.accent3 == "00FF00"  # scrgbClr (linear 100 % green)
    assert theme.accent4 == "0000FF"  # hslClr 240°
    assert theme.accent5 == OFFICE_2013.accent5  # unreadable → default
    assert theme.accent6 == OFFICE_2013.accent6  # missing → default
    assert theme.color(1) == "101010" and theme.color(4) == "00B050"


def test_sysclr_without_lastclr_uses_the_system_default():
    xml = REAL_THEME.replace(' lastClr="101010"', "").replace(' lastClr="FFFFFE"', "")
    theme = Theme.from_xml(xml)
    assert (theme.dk1, theme.lt1) == ("000000", "FFFFFF")


@pytest.mark.parametrize(
    "data",
    [
        None,
        b"",
        b"not xml at all",
        b"<a:theme xmlns:a='http://schemas.openxmlformats.org/drawingml/2006/main'/>",
        "<unclosed>",
        # an entity expansion bomb: defusedxml must refuse it, we fall back to the default
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">'
        b'<!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]><a>&y;</a>',
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    ],
)
def test_missing_or_bad_theme_gives_office_2013(data):
    assert Theme.from_xml(data) == OFFICE_2013


# ---------------------------------------------------------------------------------------------
# Tint
# ---------------------------------------------------------------------------------------------

# Reference values: the hex codes Excel shows for its theme colour grid (Format Cells → Fill →
# More Colors) with the Office 2007 and Office 2013 themes. These are the values published all
# over the web in "Excel theme colour" tables (and seen in Excel's own HTML export); they were
# written down here from those tables, not re-measured in a running Excel. Their consistency is
# the check: one algorithm (Windows' integer HLS, HLSMAX = 240, lightness floored) reproduces
# all 89 of them, while the plain float formula misses most by one or two units.
EXCEL_GRID = {
    # Office 2013–2022 accents
    ("4472C4", 80): "D9E1F2", ("4472C4", 60): "B4C6E7", ("4472C4", 40): "8EA9DB",
    ("4472C4", -25): "305496", ("4472C4", -50): "203764",
    ("ED7D31", 80): "FCE4D6", ("ED7D31", 60): "F8CBAD", ("ED7D31", 40): "F4B084",
    ("ED7D31", -25): "C65911", ("ED7D31", -50): "833C0C",
    ("A5A5A5", 80): "EDEDED", ("A5A5A5", 60): "DBDBDB", ("A5A5A5", 40): "C9C9C9",
    ("A5A5A5", -25): "7B7B7B", ("A5A5A5", -50): "525252",
    ("FFC000", 80): "FFF2CC", ("FFC000", 60): "FFE699", ("FFC000", 40): "FFD966",
    ("FFC000", -25): "BF8F00", ("FFC000", -50): "806000",
    ("5B9BD5", 80): "DDEBF7", ("5B9BD5", 60): "BDD7EE", ("5B9BD5", 40): "9BC2E6",
    ("5B9BD5", -25): "2F75B5", ("5B9BD5", -50): "1F4E78",
    ("70AD47", 80): "E2EFDA", ("70AD47", 60): "C6E0B4", ("70AD47", 40): "A9D08E",
    ("70AD47", -25): "548235", ("70AD47", -50): "375623",
    # Office 2013–2022 dk2 / lt2
    ("44546A", 80): "D6DCE4", ("44546A", 60): "ACB9CA", ("44546A", 40): "8497B0",
    ("44546A", -25): "333F4F", ("44546A", -50): "222B35",
    ("E7E6E6", -10): "D0CECE", ("E7E6E6", -25): "AEAAAA", ("E7E6E6", -50): "757171",
    ("E7E6E6", -75): "3A3838", ("E7E6E6", -90): "161616",
    # Office 2007–2010 accents
    ("4F81BD", 80): "DCE6F1", ("4F81BD", 60): "B8CCE4", ("4F81BD", 40): "95B3D7",
    ("4F81BD", -25): "366092", ("4F81BD", -50): "244062",
    ("C0504D", 80): "F2DCDB", ("C0504D", 60): "E6B8B7", ("C0504D", 40): "DA9694",
    ("C0504D", -25): "963634", ("C0504D", -50): "632523",
    ("9BBB59", 80): "EBF1DE", ("9BBB59", 60): "D8E4BC", ("9BBB59", 40): "C4D79B",
    ("9BBB59", -25): "76933C", ("9BBB59", -50): "4F6228",
    ("8064A2", 80): "E4DFEC", ("8064A2", 60): "CCC0DA", ("8064A2", 40): "B1A0C7",
    ("8064A2", -25): "60497A", ("8064A2", -50): "403151",
    ("4BACC6", 80): "DAEEF3", ("4BACC6", 60): "B7DEE8", ("4BACC6", 40): "92CDDC",
    ("4BACC6", -25): "31869B", ("4BACC6", -50): "215967",
    ("F79646", 80): "FDE9D9", ("F79646", 60): "FCD5B4", ("F79646", 40): "FABF8F",
    ("F79646", -25): "E26B0A", ("F79646", -50): "974706",
    # Office 2007–2010 dk2 / lt2
    ("1F497D", 80): "C5D9F1", ("1F497D", 60): "8DB4E2", ("1F497D", 40): "538DD5",
    ("1F497D", -25): "16365C", ("1F497D", -50): "0F243E",
    ("EEECE1", -10): "DDD9C4", ("EEECE1", -25): "C4BD97", ("EEECE1", -50): "948A54",
    ("EEECE1", -90): "1D1B10",
    # White (lt1) darker, black (dk1) lighter – identical in all themes
    ("FFFFFF", -5): "F2F2F2", ("FFFFFF", -15): "D9D9D9", ("FFFFFF", -25): "BFBFBF",
    ("FFFFFF", -35): "A6A6A6", ("FFFFFF", -50): "808080",
    ("000000", 50): "7F7F7F", ("000000", 35): "595959", ("000000", 25): "404040",
    ("000000", 15): "262626", ("000000", 5): "0D0D0D",
}


@pytest.mark.parametrize("base, percent", sorted(EXCEL_GRID))
def test_apply_tint_matches_excels_colour_grid(base, percent):
    assert apply_tint(base, TINT[percent]) == EXCEL_GRID[(base, percent)]


def _float_ecma_tint(rgb: str, tint: float) -> str:
    """The ECMA formula in float HLS (HLSMAX = 1), rounded – what Word/PowerPoint show."""
    r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + (1 - 1 * (1 - tint))
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, light, s))


def test_excel_differs_from_the_float_formula():
    """2007 accent6 F79646 at -25 %: the float formula gives E46C0A (Word's "Orange, Accent 6,
    Darker 25%"), Excel's grid shows E26B0A; likewise 2013 accent1 at +80 %: DAE3F3 vs D9E1F2.
    Both are the same colour class, so classification does not depend on the difference."""
    assert _float_ecma_tint("F79646", TINT[-25]) == "E46C0A"
    assert apply_tint("F79646", TINT[-25]) == "E26B0A"
    assert _float_ecma_tint("4472C4", TINT[80]) == "DAE3F3"
    assert apply_tint("4472C4", TINT[80]) == "D9E1F2"
    assert classify("E46C0A") is classify("E26B0A") is Y


@pytest.mark.parametrize("rgb", ["00B050", "F79646", "808080", "FF00B050", "#4472c4"])
def test_zero_tint_leaves_the_colour_alone(rgb):
    assert apply_tint(rgb, 0.0) == normalize_rgb(rgb)
    assert apply_tint(rgb, None) == normalize_rgb(rgb)


@pytest.mark.parametrize("rgb", ["00B050", "F79646", "4472C4", "7F7F7F"])
def test_full_tint_gives_white_or_black(rgb):
    assert apply_tint(rgb, 1.0) == "FFFFFF"
    assert apply_tint(rgb, -1.0) == "000000"
    assert apply_tint(rgb, 7.5) == "FFFFFF"  # clamped to 1
    assert apply_tint(rgb, -7.5) == "000000"


def test_tint_is_monotonic_in_lightness():
    def lightness(rgb):
        return colors.hls(rgb)[1]

    for base in ("4472C4", "00B050", "FFC000", "C00000", "A5A5A5"):
        values = [lightness(apply_tint(base, t / 20)) for t in range(-20, 21)]
        assert values == sorted(values), base


def test_custom_tints_are_not_snapped():
    # 0.123 is not a whole percent: used as it is (L 124 → 124 + 116 * 0.123 = 138.3 → 138)
    assert apply_tint("4472C4", 0.123) != apply_tint("4472C4", 0.12)


# ---------------------------------------------------------------------------------------------
# Indexed palette
# ---------------------------------------------------------------------------------------------


def test_standard_indexed_palette():
    assert len(STANDARD_INDEXED) == 64
    assert STANDARD_INDEXED[:8] == (
        "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    )
    assert STANDARD_INDEXED[8:16] == STANDARD_INDEXED[:8]
    assert STANDARD_INDEXED[22] == "C0C0C0" and STANDARD_INDEXED[63] == "333333"


def test_standard_indexed_palette_equals_openpyxls():
    from openpyxl.styles.colors import COLOR_INDEX

    assert tuple(normalize_rgb(c) for c in COLOR_INDEX[:64]) == STANDARD_INDEXED


# ---------------------------------------------------------------------------------------------
# ColorResolver with duck-typed colours
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "col, expected",
    [
        (color("rgb", "FF00B050"), "00B050"),
        (color("rgb", "0000B050"), "00B050"),  # alpha is ignored
        (color("rgb", "00b050"), "00B050"),
        (color("rgb", "Values must be of type <class 'str'>"), None),
        (color("rgb", "FFF79646", TINT[-25]), "E26B0A"),  # tint applies to RGB colours too
        (color("theme", 9, TINT[-25]), "E26B0A"),  # 2007 accent6
        (color("theme", 0), "FFFFFF"),
        (color("theme", 1), "000000"),
        (color("theme", 0, TINT[-15]), "D9D9D9"),
        (color("theme", 12), None),
        (color("indexed", 10), "FF0000"),
        (color("indexed", 17), "008000"),
        (color("indexed", 10, TINT[80]), apply_tint("FF0000", TINT[80])),
        (color("indexed", 64), None),  # system foreground
        (color("indexed", 65), None),  # system background
        (color("indexed", 81), None),
        (color("auto"), None),
        (SimpleNamespace(type="auto", auto=True, rgb=None, theme=None, indexed=None, tint=0), None),
        (None, None),
        ("FF92D050", "92D050"),
        (SimpleNamespace(rgb="FFC00000"), "C00000"),  # no .type: guessed from the attributes
    ],
)
def test_resolve(col, expected):
    assert ColorResolver(OFFICE_2007).resolve(col) == expected


def test_default_resolver_uses_office_2013_and_the_standard_palette():
    resolver = ColorResolver()
    assert resolver.theme == OFFICE_2013
    assert resolver.resolve(color("theme", 4)) == "4472C4"
    assert resolver.resolve(color("indexed", 52)) == "FF9900"


def test_custom_indexed_palette_replaces_the_standard_one():
    palette = [("FF" + c) for c in STANDARD_INDEXED]
    palette[10] = "FF00B050"  # the workbook remaps index 10 (normally red) to a green
    resolver = ColorResolver(indexed=palette)
    assert resolver.resolve(color("indexed", 10)) == "00B050"
    assert classify(resolver.resolve(color("indexed", 10))) is G
    assert classify(ColorResolver().resolve(color("indexed", 10))) is R
    assert resolver.resolve(color("indexed", 64)) is None


def test_short_or_broken_custom_palette():
    resolver = ColorResolver(indexed=["FF112233", "garbage"])
    assert resolver.resolve(color("indexed", 0)) == "112233"
    assert resolver.resolve(color("indexed", 1)) is None
    assert resolver.resolve(color("indexed", 2)) == "FF0000"  # beyond the list: standard


def _fill(pattern, fg=None, bg=None):
    return SimpleNamespace(patternType=pattern, fgColor=fg, bgColor=bg)


@pytest.mark.parametrize(
    "fill, expected",
    [
        (None, None),
        (_fill(None, color("rgb", "FF00B050")), None),
        (_fill("none", color("rgb", "FF00B050")), None),
        (_fill("solid", color("rgb", "FF00B050"), color("indexed", 64)), "00B050"),
        (_fill("solid", color("theme", 7, TINT[80])), "E4DFEC"),
        (_fill("solid", color("indexed", 64), color("rgb", "FFFF0000")), None),  # system colour
        (_fill("darkGrid", color("rgb", "FFFFC000"), color("rgb", "FFFFFFFF")), "FFC000"),
        (_fill("gray125", color("auto"), color("rgb", "FFFF0000")), "FF0000"),
        (_fill("lightGray", None, None), None),
        (SimpleNamespace(stop=[SimpleNamespace(color=color("rgb", "FF92D050"), position=0),
                               SimpleNamespace(color=color("rgb", "FFFFFFFF"), position=1)]),
         "92D050"),
        (SimpleNamespace(stop=[]), None),
    ],
)
def test_resolve_fill(fill, expected):
    assert ColorResolver(OFFICE_2007).resolve_fill(fill) == expected


def test_classify_fill():
    resolver = ColorResolver(OFFICE_2013)
    assert resolver.classify_fill(_fill("solid", color("theme", 9, TINT[60]))) is G
    assert resolver.classify_fill(_fill(None)) is N


def test_resolver_caches():
    resolver = ColorResolver(OFFICE_2013)
    col = color("theme", 5, TINT[-25])
    first = resolver.resolve(col)
    resolver.theme = OFFICE_2023  # a cached resolver does not look again
    assert resolver.resolve(col) == first == "C65911"
    assert ColorResolver(OFFICE_2023).resolve(col) != first


def test_classify_and_resolve_are_cheap():
    """Called once per distinct style; still, thousands of distinct colours take milliseconds."""
    rng = random.Random(7)
    values = [f"FF{rng.randrange(1 << 24):06X}" for _ in range(5000)]
    resolver = ColorResolver(OFFICE_2013)
    cols = [color("rgb", v, rng.choice((0.0, TINT[40], TINT[-25]))) for v in values]
    cols += [color("theme", i % 12, TINT[(80, 60, 40, -25, -50)[i % 5]]) for i in range(5000)]
    start = time.perf_counter()
    classes = [classify(resolver.resolve(c)) for c in cols]
    elapsed = time.perf_counter() - start
    assert len(classes) == 10000
    assert elapsed < 2.0, f"{elapsed:.3f} s for 10 000 colours"  # measured ≈ 0.05 s


# ---------------------------------------------------------------------------------------------
# With real openpyxl objects and a workbook round trip (the module itself never imports openpyxl)
# ---------------------------------------------------------------------------------------------


def test_colors_module_does_not_import_openpyxl():
    source = Path(colors.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "openpyxl" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "openpyxl"


def test_openpyxl_objects():
    from openpyxl.styles import Color, GradientFill, PatternFill

    resolver = ColorResolver(OFFICE_2007)
    assert resolver.resolve(Color(theme=9, tint=TINT[-25])) == "E26B0A"
    assert resolver.resolve(Color(rgb="FF92D050")) == "92D050"
    assert resolver.resolve(Color(indexed=17)) == "008000"
    assert resolver.resolve(Color(indexed=64)) is None
    assert resolver.resolve(Color(auto=True)) is None
    assert resolver.resolve_fill(PatternFill()) is None
    assert resolver.resolve_fill(PatternFill("solid", fgColor=Color(theme=4, tint=TINT[80]))) == "DCE6F1"
    assert resolver.resolve_fill(PatternFill("solid", fgColor="FFC000")) == "FFC000"
    assert resolver.resolve_fill(GradientFill(stop=("FF0000", "FFFFFF"))) == "FF0000"


@pytest.mark.parametrize(
    "theme, accent4_class", [(OFFICE_2013, Y), (OFFICE_2023, B), (OFFICE_2007, U), (None, U)]
)
def test_workbook_round_trip_with_injected_theme(theme, accent4_class):
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Color, PatternFill

    wb = Workbook()
    if theme is not None:
        wb.loaded_theme = theme_xml(theme)
    ws = wb.active
    ws["A1"].fill = PatternFill("solid", fgColor=Color(theme=7))
    ws["A2"].fill = PatternFill("solid", fgColor=Color(theme=9, tint=TINT[60]))
    ws["A3"].fill = PatternFill("solid", fgColor=Color(indexed=10))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    loaded = load_workbook(buffer)
    read_theme = Theme.from_xml(loaded.loaded_theme)
    # without an injected theme openpyxl writes its own default, the Office 2007 theme
    expected_theme = theme if theme is not None else OFFICE_2007
    assert read_theme == expected_theme
    resolver = ColorResolver(read_theme, loaded._colors)
    sheet = loaded.active
    assert resolver.resolve_fill(sheet["A1"].fill) == expected_theme.accent4
    assert resolver.resolve_fill(sheet["A2"].fill) == apply_tint(expected_theme.accent6, TINT[60])
    assert resolver.resolve_fill(sheet["A3"].fill) == "FF0000"
    assert classify(resolver.resolve_fill(sheet["A1"].fill)) is accent4_class


# ---------------------------------------------------------------------------------------------
# German colour names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rgb, name",
    [
        ("00B050", "Grün"), ("00A933", "Grün"), ("92D050", "Hellgrün"), ("C6EFCE", "Hellgrün"),
        ("006100", "Dunkelgrün"), ("FFFF00", "Gelb"), ("FFEB9C", "Hellgelb"), ("FFC000", "Gold"),
        ("FFBF00", "Gold"), ("FF8000", "Orange"), ("ED7D31", "Orange"), ("FF0000", "Rot"),
        ("C00000", "Dunkelrot"), ("8D281E", "Dunkelrot"), ("FFC7CE", "Rosa"), ("FFD7D7", "Rosa"),
        ("0070C0", "Blau"), ("2A6099", "Blau"), ("00B0F0", "Hellblau"), ("BDD7EE", "Hellblau"),
        ("DEE6EF", "Hellblau"), ("002060", "Dunkelblau"), ("00FFFF", "Türkis"),
        ("7030A0", "Lila"), ("8064A2", "Lila"), ("FF00FF", "Pink"), ("A02B93", "Magenta"),
        ("996633", "Braun"), ("7F4F28", "Braun"), ("EEECE1", "Beige"), ("E4DFEC", "Flieder"),
        ("FFFFFF", "Weiß"), ("F2F2F2", "Hellgrau"), ("D9D9D9", "Hellgrau"), ("808080", "Grau"),
        ("404040", "Dunkelgrau"), ("000000", "Schwarz"), ("FF00B050", "Grün"), ("#ffc000", "Gold"),
    ],
)
def test_color_name(rgb, name):
    assert color_name(rgb) == name


STATUS_NAMES = {
    G: {"Grün", "Hellgrün", "Dunkelgrün", "Gelbgrün", "Petrol"},
    Y: {"Gelb", "Hellgelb", "Gold", "Ocker", "Orange", "Hellorange", "Dunkelorange", "Oliv"},
    R: {"Rot", "Hellrot", "Dunkelrot", "Rosa", "Lachs", "Magenta"},
    B: {"Blau", "Hellblau", "Dunkelblau", "Graublau", "Türkis", "Petrol"},
}


def test_color_name_never_contradicts_the_status_class():
    """A message must not say "Braun" for a colour read as Gelb (e.g. 993300, 9C5700)."""
    rng = random.Random(3)
    samples = [f"{rng.randrange(1 << 24):06X}" for _ in range(3000)]
    samples += [rgb for rgb, _ in EXCEL_STANDARD + CELL_STYLES] + list(EXCEL_GRID.values())
    samples += ["993300", "9C5700", "C65911", "833C0C"]
    for rgb in samples:
        cls = classify(rgb)
        if cls in STATUS_NAMES:
            assert color_name(rgb) in STATUS_NAMES[cls], (rgb, cls, color_name(rgb))
    assert color_name("993300") == "Dunkelorange"


def test_color_name_rejects_garbage():
    with pytest.raises(ValueError):
        color_name("grün")
