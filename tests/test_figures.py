"""The one rounding rule for every share (ampel_xl.figures): each share half-up on its own, the note where a
row does not add up to 100 %, "–" where nothing is evaluated."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ampel_xl.figures import (
    KEINE_IN_AUSWERTUNG,
    NO_SHARE,
    ROUNDING_NOTE,
    format_percent,
    percent_parts,
    round_percent,
    rounding_differs,
    rounding_note,
)

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
def test_percent_parts_round_each_share_on_its_own(counts):
    parts = percent_parts(counts)
    total = sum(counts)
    assert len(parts) == len(counts)
    if total == 0:
        assert parts == [0] * len(counts)
        return
    assert parts == [_half_up(c, total) for c in counts]
    # equal counts, equal shares; a zero count gets zero
    for c, p in zip(counts, parts, strict=True):
        assert all(q == p for d, q in zip(counts, parts, strict=True) if d == c)
        assert abs(p - Fraction(100 * c, total)) <= Fraction(1, 2)
    # the note exactly where the printed parts miss 100
    assert rounding_differs(parts) == (sum(parts) != 100)


def test_percent_parts_known_cases():
    # three equal parts print three equal shares, 99 % in all: the output carries the note
    assert percent_parts([1, 1, 1]) == [33, 33, 33]
    assert rounding_differs([33, 33, 33])
    # 1 of 8 = 12.5 % → 13 % (half-up, also beside 7 of 8 = 87.5 % → 88 %: 101 %)
    assert percent_parts([1, 7]) == [13, 88]
    # 10 of 16 Grün, 3 Gelb, 3 Rot: 62.5 / 18.75 / 18.75 → 63 + 19 + 19 = 101
    assert percent_parts([10, 3, 3]) == [63, 19, 19]
    # 13 and 13 of 28 (Arbeit): equal counts, equal shares
    assert percent_parts([13, 13, 2]) == [46, 46, 7]
    # 1/6, 2/6, 3/6: 17 + 33 + 50 = 100, no note
    assert percent_parts([1, 2, 3]) == [17, 33, 50]
    assert not rounding_differs([17, 33, 50])
    assert percent_parts([0, 0, 0]) == [0, 0, 0]


def test_rounding_note_looks_at_every_row_and_skips_rows_without_shares():
    def row(*p):
        return dict(zip(("prozent_gruen", "prozent_gelb", "prozent_rot", "prozent_ohne"), p, strict=True))

    assert rounding_note([row(50, 25, 25, 0)]) is None
    assert rounding_note([row(50, 25, 25, 0), row(33, 33, 33, 0)]) == ROUNDING_NOTE == "Rundungsdifferenzen möglich"
    assert rounding_note(pd.DataFrame([row(pd.NA, pd.NA, pd.NA, pd.NA)], dtype="Int64")) is None
    assert rounding_note([row(None, None, None, None), row(63, 19, 19, 0)]) == ROUNDING_NOTE


def test_format_percent_german():
    assert format_percent(63) == "63\u00a0%"
    assert format_percent(0) == "0\u00a0%"
    assert format_percent(None) == "\u2013" == NO_SHARE
    assert KEINE_IN_AUSWERTUNG == "keine in Auswertung"



def test_summary_frames_carry_printed_shares_each_rounded_on_its_own(tmp_path):
    from ampel_xl import summarize
    from ampel_xl.figures import PERCENT_COLUMNS, row_percents
    from share_masters import half_master

    s = summarize(half_master(tmp_path / "halbe.xlsx"))
    uz = s.unterziele.set_index(["feld", "unterziel_nr"])
    oeffnung = "Interkulturelle Öffnung"
    # 62.5 / 18.75 / 18.75: each share half-up on its own, 101 % in all
    assert uz.loc[(oeffnung, 1), ["prozent_gruen", "prozent_gelb", "prozent_rot"]].tolist() == [63, 19, 19]
    assert uz.loc[(oeffnung, 2), ["prozent_gruen", "prozent_gelb", "prozent_rot"]].tolist() == [13, 0, 88]
    # nothing in the evaluation: no share at all (not 0 %)
    empty = uz.loc[(oeffnung, 3)]
    assert empty["summe"] == 0
    assert all(empty[c] is pd.NA for c in PERCENT_COLUMNS)
    assert all(math.isnan(empty[c]) for c in ("anteil_gruen", "anteil_gelb", "anteil_rot"))
    assert {format_percent(empty[c]) for c in PERCENT_COLUMNS} == {NO_SHARE}
    for df in (s.felder, s.unterziele, s.total):
        assert str(df["prozent_gruen"].dtype) == "Int64"
        for _, row in df[df["summe"] > 0].iterrows():
            assert [int(row[c]) for c in PERCENT_COLUMNS] == [
                round_percent(int(row[k]), int(row["summe"])) for k in ("gruen", "gelb", "rot", "ohne")]
            assert [row[c] for c in PERCENT_COLUMNS] == list(row_percents(row).values())
