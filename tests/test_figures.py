"""The one rounding rule for every share (ampel_xl.figures): half-up, largest remainder, "–"."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from ampel_xl.figures import KEINE_IN_AUSWERTUNG, NO_SHARE, format_percent, percent_parts, round_percent

counts_lists = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6)


def _half_up(part: int, whole: int) -> int:
    exact = Fraction(100 * part, whole)
    return int(exact + Fraction(1, 2)) if exact >= 0 else 0


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 8, 13),      # 12.5 %: half-up, not half-even (12)
    (10, 16, 63),    # 62.5 %: the share the Ampeldokument printed as 62 %
    (3, 8, 38),      # 37.5 %
    (5, 8, 63),      # 62.5 %
    (1, 200, 1),     # 0.5 %
    (1, 3, 33),
    (2, 3, 67),
    (0, 5, 0),
    (5, 5, 100),
])
def test_round_percent_is_commercial_half_up(part, whole, expected):
    assert round_percent(part, whole) == expected


def test_round_percent_without_anything_evaluated_is_none():
    assert round_percent(0, 0) is None


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_round_percent_matches_exact_half_up(part, whole):
    assert round_percent(part, whole) == _half_up(part, whole)


@given(counts_lists)
def test_percent_parts_add_up_to_100_and_stay_within_1_of_the_exact_share(counts):
    parts = percent_parts(counts)
    total = sum(counts)
    assert len(parts) == len(counts)
    if total == 0:
        assert parts == [0] * len(counts)
        return
    assert sum(parts) == 100
    for c, p in zip(counts, parts, strict=True):
        assert abs(p - Fraction(100 * c, total)) < 1
        assert p >= 0


@given(counts_lists)
def test_percent_parts_agree_with_half_up_where_that_already_adds_up(counts):
    total = sum(counts)
    if total == 0:
        return
    half_up = [round_percent(c, total) for c in counts]
    if sum(half_up) == 100:
        assert percent_parts(counts) == half_up


@given(counts_lists)
@settings(max_examples=50)
def test_percent_parts_is_deterministic_and_a_zero_count_gets_zero(counts):
    assert percent_parts(counts) == percent_parts(list(counts))
    for c, p in zip(counts, percent_parts(counts), strict=True):
        if c == 0:
            assert p == 0


def test_percent_parts_known_cases():
    # A donut of three equal parts printed 33 + 33 + 33 = 99 %; ties go to the earlier part.
    assert percent_parts([1, 1, 1]) == [34, 33, 33]
    # 1/6, 2/6, 3/6 by half-up: 17 + 33 + 50 = 100 already.
    assert percent_parts([1, 2, 3]) == [17, 33, 50]
    # 10 of 16 Grün, 3 Gelb, 3 Rot: 62.5 / 18.75 / 18.75 → half-up 63 + 19 + 19 = 101; parts: 62 + 19 + 19.
    assert percent_parts([10, 3, 3]) == [62, 19, 19]
    # Equal remainders, different counts: the larger count wins the point.
    assert percent_parts([1, 2, 0, 0, 0, 0, 0]) == [33, 67, 0, 0, 0, 0, 0]
    assert percent_parts([0, 0, 0]) == [0, 0, 0]


def test_format_percent_german():
    assert format_percent(63) == "63\u00a0%"
    assert format_percent(0) == "0\u00a0%"
    assert format_percent(None) == "\u2013" == NO_SHARE
    assert KEINE_IN_AUSWERTUNG == "keine in Auswertung"



def test_summary_frames_carry_printed_shares_that_add_up(tmp_path):
    from ampel_xl import summarize
    from ampel_xl.figures import PERCENT_COLUMNS, row_percents
    from share_masters import half_master

    s = summarize(half_master(tmp_path / "halbe.xlsx"))
    uz = s.unterziele.set_index(["feld", "unterziel_nr"])
    oeffnung = "Interkulturelle Öffnung"
    # 62.5 / 18.75 / 18.75: the parts of one whole add up to 100 (half-up would print 63 + 19 + 19)
    assert uz.loc[(oeffnung, 1), ["prozent_gruen", "prozent_gelb", "prozent_rot"]].tolist() == [62, 19, 19]
    assert uz.loc[(oeffnung, 2), ["prozent_gruen", "prozent_gelb", "prozent_rot"]].tolist() == [12, 0, 88]
    # nothing in the evaluation: no share at all (not 0 %)
    empty = uz.loc[(oeffnung, 3)]
    assert empty["summe"] == 0
    assert all(empty[c] is pd.NA for c in PERCENT_COLUMNS)
    assert all(math.isnan(empty[c]) for c in ("anteil_gruen", "anteil_gelb", "anteil_rot"))
    assert {format_percent(empty[c]) for c in PERCENT_COLUMNS} == {NO_SHARE}
    for df in (s.felder, s.unterziele, s.total):
        assert str(df["prozent_gruen"].dtype) == "Int64"
        for _, row in df[df["summe"] > 0].iterrows():
            assert sum(int(row[c]) for c in PERCENT_COLUMNS) == 100
            assert [row[c] for c in PERCENT_COLUMNS] == list(row_percents(row).values())
