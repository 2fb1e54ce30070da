"""Proration ratios and exact conversion of rationals to Decimals (BILLING-SEMANTICS §1, §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.contracts import Proration
from pactline.domain.periods import BillingPeriod
from pactline.domain.rating.proration import (
    exact_decimals,
    fraction_sum,
    proportional_shares,
    proration_ratio,
    to_decimal,
)

D = Decimal
F = Fraction
JANUARY = BillingPeriod(date(2026, 1, 15), date(2026, 2, 1), date(2026, 1, 1), date(2026, 2, 1))
FEBRUARY = BillingPeriod(date(2026, 2, 15), date(2026, 3, 1), date(2026, 2, 1), date(2026, 3, 1))
# Anchor 31: the full period Jan 31 – Feb 28 (non-leap).
SHORT = BillingPeriod(date(2026, 1, 31), date(2026, 2, 28), date(2026, 1, 31), date(2026, 2, 28))


@pytest.mark.parametrize(
    ("period", "start_on", "end_on", "proration", "expected"),
    [
        # Jan 15–31: 17 of 31 calendar days.
        (JANUARY, date(2026, 1, 15), date(2026, 2, 1), Proration.ACTUAL_DAYS, F(17, 31)),
        # 30/360: Jan 1 → Feb 1 is 30; Jan 1 → Jan 15 is 14; 30 − 14 = 16 of 30.
        (JANUARY, date(2026, 1, 15), date(2026, 2, 1), Proration.THIRTY_360, F(16, 30)),
        # Feb 15–28: 14 of 28 calendar days; 30/360 counts February as 30: 16 of 30.
        (FEBRUARY, date(2026, 2, 15), date(2026, 3, 1), Proration.ACTUAL_DAYS, F(14, 28)),
        (FEBRUARY, date(2026, 2, 15), date(2026, 3, 1), Proration.THIRTY_360, F(16, 30)),
        # Jan 1 → Jan 31 already counts 30, so the 31st alone is worth nothing.
        (JANUARY, date(2026, 1, 31), date(2026, 2, 1), Proration.THIRTY_360, F(0)),
        # A whole period is always worth 1, whatever 30/360 counts for it (here 28).
        (SHORT, date(2026, 1, 31), date(2026, 2, 28), Proration.THIRTY_360, F(1)),
    ],
)
def test_proration_ratio(
    period: BillingPeriod, start_on: date, end_on: date, proration: Proration, expected: Fraction
) -> None:
    assert proration_ratio(period, start_on, end_on, proration) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (F(1, 8), "0.125"),
        (F(100), "100"),  # not 1E+2: an integer keeps exponent 0
        (F(0), "0"),
        (F(-5, 2), "-2.5"),
        (F(1, 3), "0." + "3" * 30),
        # Floor: a negative third rounds away from zero in its 30th decimal.
        (F(-1, 3), "-0." + "3" * 29 + "4"),
    ],
)
def test_to_decimal_is_exact_when_the_value_fits_and_floors_otherwise(
    value: Fraction, expected: str
) -> None:
    converted = to_decimal(value)

    assert str(converted) == expected


def test_exact_decimals_of_three_thirds_add_up_to_one() -> None:
    thirds = exact_decimals([F(1, 3)] * 3)

    # Running sums floored: 0.333…3, 0.666…6, 1 → differences …3, …3, …4 (30 decimals).
    assert thirds == [D("0." + "3" * 30), D("0." + "3" * 30), D("0." + "3" * 29 + "4")]
    assert fraction_sum(thirds) == 1


def test_exact_decimals_keep_exact_values_exact_after_inexact_ones() -> None:
    assert exact_decimals([F(1, 3), F(5, 4), F(0)])[1:] == [D("1.25"), D(0)]


def test_fraction_sum_does_not_round_past_28_digits() -> None:
    long = D("123456789.123456789012345678901234567")

    assert fraction_sum([long, long]) == 2 * F(long)


def test_proportional_shares_split_exactly_and_give_nothing_without_weights() -> None:
    assert proportional_shares(F(8), [F(1), F(3)]) == [F(2), F(6)]
    assert proportional_shares(F(8), [F(0), F(0)]) == [F(0), F(0)]


fractions = st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=400)


@given(st.lists(fractions, max_size=12))
def test_exact_decimals_always_total_the_converted_exact_sum(values: list[Fraction]) -> None:
    assert fraction_sum(exact_decimals(values)) == F(to_decimal(fraction_sum(values)))


@given(st.lists(fractions, max_size=12))
def test_each_exact_decimal_is_within_one_unit_of_the_30th_decimal(values: list[Fraction]) -> None:
    for value, converted in zip(values, exact_decimals(values), strict=True):
        assert abs(F(converted) - value) < F(1, 10**30)


@given(st.lists(st.decimals(-(10**6), 10**6, places=4), max_size=12))
def test_values_with_few_decimals_convert_exactly(values: list[Decimal]) -> None:
    assert exact_decimals(F(value) for value in values) == values
