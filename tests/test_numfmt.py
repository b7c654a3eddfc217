"""The number-format renderer: what Excel (German) displays for a stored value, and the section's colour.

Expected texts are those German Excel shows (decimal comma, thousands dot); colours are Excel's
palette indexes (``[ColorN]`` is entry N + 7; ``[Red]`` entry 10 = FF0000).
"""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ampel_xl.reader.colors import STANDARD_INDEXED
from ampel_xl.reader.numfmt import BUILTIN_FORMATS, compile_format, general, render

settings.register_profile(
    "numfmt-ci", max_examples=300, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("AMPEL_HYPOTHESIS_PROFILE_NUMFMT", "numfmt-ci"))

WORDS = '[=1]"Grün";[=2]"Gelb";"Rot"'


def text(value, code):
    return render(value, code).text


# --------------------------------------------------------------------------------------------
# Sections and conditions


@pytest.mark.parametrize("value, shown", [(1, "Grün"), (2, "Gelb"), (3, "Rot"), (7, "Rot"), (0, "Rot"), (1.0, "Grün")])
def test_conditional_sections_print_the_status_word(value, shown):
    out = render(value, WORDS)
    assert out.text == shown
    assert out.literal  # the cell shows a word, not its number


def test_less_than_condition_and_the_section_for_the_rest():
    code = '[<3]"klein";"groß"'
    assert [text(v, code) for v in (1, 2.9, 3, 10)] == ["klein", "klein", "groß", "groß"]


def test_a_number_no_conditional_section_takes_shows_as_general():
    # two conditions and no section for the rest: the number itself, never a guessed word
    assert text(3, '[=1]"a";[=2]"b"') == "3"
    assert not render(3, '[=1]"a";[=2]"b"').literal


@pytest.mark.parametrize("value, shown", [(5, "5"), (-5, "(5)"), (0, "0")])
def test_second_section_is_for_negatives_without_a_minus_of_its_own(value, shown):
    assert text(value, "0;(0)") == shown


def test_three_sections_positive_negative_zero():
    code = '"plus";"minus";"null"'
    assert [text(v, code) for v in (2, -2, 0)] == ["plus", "minus", "null"]


def test_one_section_shows_negatives_with_a_minus():
    assert text(-1234.5, "#,##0.00") == "-1.234,50"
    assert text(-3, '0" Stück"') == "-3 Stück"


def test_conditional_section_for_negatives_shows_no_minus():
    assert text(-3, '[<0]"neg "0;0') == "neg 3"
    assert text(-3, '[<5]"klein "0;0') == "-klein 3"


def test_fourth_section_is_for_text():
    code = '0;-0;"null";"Text: "@'
    assert text("offen", code) == "Text: offen"
    assert text(0, code) == "null"


def test_text_without_a_text_section_shows_as_it_is():
    assert render("Grün", WORDS) == ("Grün", None, False)
    assert render("Grün", "0.00") == ("Grün", None, False)


def test_a_lone_text_section_leaves_numbers_as_general():
    assert render(1.5, '"Nr. "@').text == "1,5"
    assert render("3", '"Nr. "@') == ("Nr. 3", None, True)
    assert render("Grün", "@") == ("Grün", None, False)


def test_empty_sections_hide_the_value():
    for value in (5, -5, 0, "Grün"):
        out = render(value, ";;;")
        assert out.text == "" and out.literal


# --------------------------------------------------------------------------------------------
# Literals


def test_quoted_escaped_and_plain_literals():
    assert text(5, '"M "0') == "M 5"
    assert text(5, "\\M\\ 0") == "M 5"
    assert text(12, '0 "Maßnahmen"') == "12 Maßnahmen"
    assert text(1, '[=1]\\●;"x"') == "●"
    assert text(7, "0 €") == "7 €"


def test_padding_and_fill_characters():
    assert text(5, "_-0_-") == " 5 "
    assert text(5, "* 0") == "5"  # the fill repeats to the cell's width, which is not known here
    assert text(5, '0* "x"') == "5x"


def test_currency_token():
    assert text(7, "[$€-407] #,##0") == "€ 7"
    assert text(7, "[$-407]0") == "7"


def test_unterminated_quote_and_bracket_do_not_fail():
    assert text(5, '"abc') == "abc"
    assert text(5, "[Rot 0") == "[Rot 5"  # no "]" follows: the bracket is a literal
    assert text(5, "0[") == "5["


# --------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize("value, code, shown", [
    (5, "0", "5"), (5.5, "0", "6"), (2.5, "0", "3"), (-2.5, "0", "-3"), (5, "00", "05"), (5, "???", "  5"),
    (1234.5, "0.00", "1234,50"), (2.675, "0.00", "2,68"), (1.005, "0.00", "1,01"),
    (1234567, "#,##0", "1.234.567"), (1234.5, "#,##0.00", "1.234,50"), (999.5, "#,##0", "1.000"),
    (0, "#,##0", "0"), (0, "#", ""), (0.5, "#.##", ",5"), (1.5, "0.0#", "1,5"), (1.5, "0.0??", "1,5  "),
    (1234567, "#,##0,", "1.235"), (1234567, "0.0,,", "1,2"),
    (0.5, "0%", "50%"), (0.1234, "0.00%", "12,34%"), (1, "0%", "100%"),
    (12345, "0.00E+00", "1,23E+04"), (0.000123, "0.00E+00", "1,23E-04"), (12345, "##0.0E+0", "12,3E+3"),
    (0, "0.00E+00", "0,00E+00"), (9.999, "0.00E+00", "1,00E+01"),
    (12345678901234567890, "0", "12345678901234567890"),
])
def test_digit_placeholders(value, code, shown):
    out = render(value, code)
    assert out.text == shown
    assert not out.literal


@pytest.mark.parametrize("value, shown", [
    (5, "5"), (1.5, "1,5"), (-1.5, "-1,5"), (1 / 3, "0,333333333"), (1e12, "1E+12"), (123456789012.0, "1,23457E+11"),
    (0.0, "0"), (1e-12, "1E-12"), (100.0, "100"), (10**11, "1E+11"),
])
def test_general(value, shown):
    assert general(value) == shown
    assert text(value, "General") == shown
    assert text(value, None) == shown


def test_general_with_literals():
    assert text(12, 'General" Maßnahmen"') == "12 Maßnahmen"
    assert render(12, 'General" Maßnahmen"').literal


def test_separators_can_be_chosen():
    assert render(1234.5, "#,##0.00", decimal_sep=".", thousands_sep=",").text == "1,234.50"


def test_other_values():
    assert text(True, WORDS) == "WAHR"
    assert text(False, "0") == "FALSCH"
    assert text(None, WORDS) == ""
    assert text(dt.datetime(2025, 2, 1), "dd.mm.yyyy") == "01.02.2025"
    assert text(dt.date(2025, 2, 1), WORDS) == "01.02.2025"
    assert text(dt.time(9, 30), "hh:mm") == "09:30"
    assert text(float("inf"), "0") == "#ZAHL!"
    assert text(10**400, "0") == "#ZAHL!"


def test_a_number_in_a_date_section_shows_as_general():
    assert text(45000, "dd.mm.yyyy") == "45000"
    assert compile_format("dd.mm.yyyy").is_date
    assert not compile_format("dd.mm.yyyy").textual


# --------------------------------------------------------------------------------------------
# Colours


@pytest.mark.parametrize("code, value, index, rgb", [
    ('[Color10]"●";[Red]"●"', 1, 17, "008000"),
    ('[Color10]"●";[Red]"●"', -1, 10, "FF0000"),
    ('[Color10]"●";[Red]"●"', 0, 17, "008000"),
    ('[Color10][=1]"●";[Color45][=2]"●";[Red]"●"', 2, 52, "FF9900"),
    ('[=1][Color10]"●";[=2][Color45]"●";[Red]"●"', 2, 52, "FF9900"),
    ("[Green]●", 1, 11, "00FF00"),
    ("[Farbe10]●", 1, 17, "008000"),
    ("[Grün]●", 1, 11, "00FF00"),
    ("[rot]●;[BLAU]●", -1, 12, "0000FF"),
    ("[Yellow]0", 3, 13, "FFFF00"),
    ("[Color56]0", 3, 63, STANDARD_INDEXED[63]),
])
def test_colour_of_the_section_used(code, value, index, rgb):
    out = render(value, code)
    assert out.color == index
    assert STANDARD_INDEXED[out.color] == rgb


def test_no_colour_and_colours_out_of_range():
    assert render(1, "0").color is None
    assert render(1, "[Color57]0").color is None
    assert render(1, "[Color0]0").color is None
    assert render("text", '[Red]0;[Blue]0;0;[Green]@') == ("text", 11, False)
    assert compile_format('[Red]0').colored and not compile_format("0").colored


def test_textual_says_whether_some_value_shows_more_than_itself():
    assert compile_format(WORDS).textual
    assert compile_format('"M "0').textual
    assert compile_format(";;;").textual
    assert compile_format('0;-0;0;"x"@').textual
    for code in ("0", "#,##0.00", "0%", "General", "@", "[Red]0;[Blue]0", "0.00E+00", "_-0_-", "dd.mm.yyyy"):
        assert not compile_format(code).textual, code


def test_every_builtin_format_renders():
    for fid, code in BUILTIN_FORMATS.items():
        for value in (0, 1, -1, 1234.5678, "Text"):
            assert isinstance(render(value, code).text, str), (fid, value)
    assert text(-1234, BUILTIN_FORMATS[6]) == "-1.234 €"
    assert render(-1234, BUILTIN_FORMATS[6]).color == 10
    assert text(1234.5, BUILTIN_FORMATS[4]) == "1.234,50"


# --------------------------------------------------------------------------------------------
# Never raises; linear in the format's length

VALUES = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50), st.booleans(), st.none(),
    st.integers(min_value=-(10**400), max_value=10**400),
)
FORMAT_CHARS = st.sampled_from([
    *'0#?.,;%@"\\_*[]=<>-+E eE/$€ ●GrünRedColor10General()dmyhs:',
    "[Red]", "[Color10]", "[Farbe45]", "[=1]", "[<=-2.5]", "[>=1E3]", '"Grün"', "General", "E+", "[$€-407]", "[h]"])


@settings(PROFILE)
@given(VALUES, st.lists(FORMAT_CHARS, max_size=40).map("".join))
def test_never_raises_and_returns_text(value, code):
    out = render(value, code)
    assert isinstance(out.text, str)
    assert out.color is None or 8 <= out.color <= 63
    assert isinstance(out.literal, bool)


@settings(PROFILE)
@given(VALUES, st.text(max_size=200))
def test_never_raises_on_any_text_as_format(value, code):
    out = render(value, code)
    assert isinstance(out.text, str)


@pytest.mark.parametrize("unit", ["0", '"x"', "[", '"', "[Red]", "0,", "[=1]", ";", "E+0", "#.#", "\\●"])
def test_time_is_linear_in_the_format_length(unit):
    """A format of 32,000 characters costs about 8 times one of 4,000 (8 times its length), not 64 times."""

    def cost(n: int) -> float:
        code = unit * (n // len(unit))
        best = float("inf")
        for _ in range(5):  # processor time, best of 5: other processes on the machine do not count
            compile_format.cache_clear()
            t0 = time.process_time()
            render(1234.5, code)
            render("x", code)
            best = min(best, time.process_time() - t0)
        return best

    small, large = cost(4_000), cost(32_000)
    # linear: about 8 times; quadratic would be 64 times
    assert large < small * 8 * 4 + 0.05, (unit, small, large)
