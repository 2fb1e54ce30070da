"""Line discounts: free units, compounding percents, prorated amounts off (§5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.contracts import (
    ChargeType,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
)
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import PerUnit
from pactline.domain.rating.discounts import consume_free_units, discount_on, free_units_on

D = Decimal
F = Fraction
FREE = DiscountKind.FREE_UNITS
PERCENT = DiscountKind.PERCENT
AMOUNT = DiscountKind.AMOUNT
APR_1, APR_10, APR_16, APR_20 = (date(2026, 4, d) for d in (1, 10, 16, 20))


def line_with(*discounts: Discount) -> LineItem:
    return LineItem(
        id="li_1",
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=(PriceVersion(date(2026, 1, 1), PerUnit(D(1))),),
        billing_cycle=BillingCycle(CycleUnit.MONTH),
        timing=ChargeTiming.IN_ARREARS,
        discounts=discounts,
    )


def test_free_units_of_a_fixed_line_add_up_across_discounts_in_their_windows() -> None:
    line = line_with(
        Discount(FREE, D(2)),
        Discount(FREE, D("0.5"), DateWindow(APR_16, None)),
        Discount(PERCENT, D(50)),
    )

    assert free_units_on(line, APR_10) == D(2)
    assert free_units_on(line, APR_16) == D("2.5")


def test_usage_free_units_are_spent_on_the_earliest_segments_first() -> None:
    line = line_with(Discount(FREE, D(100)))

    # 100 free: 30 from the first segment, 70 of the second's 80, none of the third.
    assert consume_free_units(line, [APR_1, APR_10, APR_20], [F(30), F(80), F(5)]) == [
        F(0),
        F(10),
        F(5),
    ]


def test_usage_free_units_skip_segments_outside_their_window() -> None:
    line = line_with(Discount(FREE, D(50), DateWindow(APR_16, None)))

    # The first segment starts before the window: untouched; the second takes all 50.
    assert consume_free_units(line, [APR_1, APR_16], [F(30), F(80)]) == [F(30), F(30)]


def test_percent_discounts_compound_and_amount_off_is_prorated() -> None:
    line = line_with(Discount(AMOUNT, D(62)), Discount(PERCENT, D(10)), Discount(PERCENT, D(50)))

    # 200 → 10% off leaves 180 → 50% off leaves 90 → 62 × 17/31 = 34 off leaves 56: 144 off.
    assert discount_on(line, APR_1, F(200), F(17, 31)) == F(144)


def test_amount_off_stops_at_zero() -> None:
    line = line_with(Discount(AMOUNT, D(50)), Discount(AMOUNT, D(50)))

    # 30 − 50 would be negative: the first takes 30, the second finds nothing left.
    assert discount_on(line, APR_1, F(30), F(1)) == F(30)


def test_a_discount_outside_its_window_takes_nothing() -> None:
    line = line_with(Discount(PERCENT, D(10), DateWindow(APR_16, APR_20)))

    assert discount_on(line, APR_10, F(100), F(1)) == 0
    assert discount_on(line, APR_16, F(100), F(1)) == 10


@given(
    amount=st.fractions(min_value=0, max_value=10**6),
    ratio=st.fractions(min_value=0, max_value=1),
    kinds=st.lists(st.tuples(st.sampled_from([PERCENT, AMOUNT]), st.integers(0, 100)), max_size=4),
)
def test_a_discount_is_never_negative_nor_more_than_the_amount(
    amount: Fraction, ratio: Fraction, kinds: list[tuple[DiscountKind, int]]
) -> None:
    line = line_with(*(Discount(kind, D(value)) for kind, value in kinds))

    discount = discount_on(line, APR_1, amount, ratio)

    assert 0 <= discount <= amount
