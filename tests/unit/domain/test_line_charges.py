"""Rating one line item (BILLING-SEMANTICS §2, §4, §5, §10): exact charges and period actuals.

Every expected value is worked out by hand in the comment beside it. Amounts are exact: a value
without a finite decimal expansion is written out to the 30 decimals the engine keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactline.domain.calendar import Anchor, BillingCycle, CycleUnit, days_in_month
from pactline.domain.contracts import (
    ChargeType,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    Proration,
    QuantityChange,
    UsageTierReset,
)
from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, LineKind
from pactline.domain.money import Money
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, Graduated, PerUnit, PricingModel, Tier, Volume
from pactline.domain.rating.charges import Charge
from pactline.domain.rating.line_charges import LineRating, rate_line
from pactline.domain.rating.usage import NO_USAGE, InlineUsage, UsageRecord, UsageSource

D = Decimal
USD = currency("USD")
JPY = currency("JPY")
MONTHLY = BillingCycle(CycleUnit.MONTH)
ADVANCE = ChargeTiming.IN_ADVANCE
ARREARS = ChargeTiming.IN_ARREARS
CHARGE = LineKind.CHARGE
ADJUSTMENT = LineKind.ADJUSTMENT


def make_line(**overrides: Any) -> LineItem:
    fields: dict[str, Any] = {
        "id": "li_1",
        "name": "Seats",
        "charge_type": ChargeType.FIXED,
        "price_versions": (PriceVersion(date(2020, 1, 1), PerUnit(D("12"))),),
        "billing_cycle": MONTHLY,
        "timing": ADVANCE,
        "anchor": Anchor(day_of_month=1),
    }
    fields.update(overrides)
    return LineItem(**fields)


def make_terms(
    line: LineItem, start_on: date, end_on: date | None, **overrides: Any
) -> ContractTerms:
    fields: dict[str, Any] = {
        "id": "ct_1",
        "name": "Acme 2026",
        "customer_id": "cu_1",
        "currency": USD,
        "timezone": "UTC",
        "start_on": start_on,
        "end_on": end_on,
        "line_items": (line,),
    }
    fields.update(overrides)
    return ContractTerms(**fields)


def rate(
    line: LineItem,
    start_on: date,
    end_on: date | None,
    usage: UsageSource = NO_USAGE,
    horizon_on: date | None = None,
    **terms: Any,
) -> LineRating:
    return rate_line(make_terms(line, start_on, end_on, **terms), line, usage, horizon_on)


def rows(rating: LineRating) -> list[tuple[LineKind, date, date, date, Decimal | None, Decimal]]:
    """(kind, first day, exclusive end, issue date, quantity, amount) per charge."""
    return [
        (c.kind, c.period_start_on, c.period_end_on, c.issue_on, c.quantity, c.amount)
        for c in rating.charges
    ]


def usage_at(line_id: str, *events: tuple[datetime, int | str]) -> InlineUsage:
    return InlineUsage(UsageRecord(line_id, at, D(quantity)) for at, quantity in events)


def utc(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def versions(*parts: tuple[date, date | None, PricingModel]) -> tuple[PriceVersion, ...]:
    return tuple(PriceVersion(start, model, end) for start, end, model in parts)


def seats(*changes: tuple[date, int]) -> tuple[QuantityChange, ...]:
    return tuple(QuantityChange(day, D(quantity)) for day, quantity in changes)


# --- fixed lines: stubs and proration ----------------------------------------------------


def test_monthly_flat_fee_starting_on_the_15th_bills_a_stub_of_17_31sts_then_full_months() -> None:
    line = make_line(
        name="Platform", price_versions=versions((date(2026, 1, 1), None, FlatFee(D("310"))))
    )

    rating = rate(line, date(2026, 1, 15), date(2026, 3, 31))

    assert rows(rating) == [
        # Jan 15–31 is 17 of January's 31 days: 310 × 17/31 = 170.
        (CHARGE, date(2026, 1, 15), date(2026, 2, 1), date(2026, 1, 15), None, D("170")),
        (CHARGE, date(2026, 2, 1), date(2026, 3, 1), date(2026, 2, 1), None, D("310")),
        (CHARGE, date(2026, 3, 1), date(2026, 4, 1), date(2026, 3, 1), None, D("310")),
    ]
    assert [c.description for c in rating.charges] == [
        "Platform (Jan 15 – Jan 31, 2026)",
        "Platform (Feb 1 – Feb 28, 2026)",
        "Platform (Mar 1 – Mar 31, 2026)",
    ]
    assert all(c.unit_price is None for c in rating.charges)


def test_a_stub_without_a_finite_decimal_is_kept_to_30_decimals_and_rounds_to_the_cent() -> None:
    line = make_line(price_versions=versions((date(2026, 1, 1), None, FlatFee(D("100")))))

    (stub, *_) = rate(line, date(2026, 1, 15), date(2026, 2, 28)).charges

    # 100 × 17/31 = 1700/31 = 54 + 26/31, and 26/31 = 0.(838709677419354) repeating:
    # floored at 30 decimals. Half-up to the cent: 54.84.
    assert stub.amount == D("54.838709677419354838709677419354")
    assert Money(stub.amount, USD).rounded() == Money(D("54.84"), USD)


def test_quarterly_in_advance_with_a_last_day_anchor_prorates_the_first_quarter() -> None:
    line = make_line(
        name="Platform",
        billing_cycle=BillingCycle(CycleUnit.QUARTER),
        anchor=Anchor(last_day=True, month=3),
        price_versions=versions((date(2026, 1, 1), None, FlatFee(D("900")))),
    )

    rating = rate(line, date(2026, 2, 10), date(2026, 9, 29))

    assert rows(rating) == [
        # The full quarter is Dec 31 – Mar 31: 1 + 31 + 28 + 30 = 90 days; the stub Feb 10 –
        # Mar 31 is 19 + 30 = 49 days: 900 × 49/90 = 490.
        (CHARGE, date(2026, 2, 10), date(2026, 3, 31), date(2026, 2, 10), None, D("490")),
        (CHARGE, date(2026, 3, 31), date(2026, 6, 30), date(2026, 3, 31), None, D("900")),
        (CHARGE, date(2026, 6, 30), date(2026, 9, 30), date(2026, 6, 30), None, D("900")),
    ]


def test_in_arrears_fixed_line_is_issued_when_the_period_closes() -> None:
    line = make_line(timing=ARREARS, quantities=seats((date(2026, 4, 1), 10)))

    rating = rate(line, date(2026, 4, 1), date(2026, 5, 31))

    assert rows(rating) == [
        # 10 × 12 = 120 per month, issued on the exclusive end (the next period's start).
        (CHARGE, date(2026, 4, 1), date(2026, 5, 1), date(2026, 5, 1), D(10), D("120")),
        (CHARGE, date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 1), D(10), D("120")),
    ]
    assert all(c.unit_price == D("12") for c in rating.charges)


def test_thirty_360_counts_every_month_as_30_days() -> None:
    line = make_line(price_versions=versions((date(2026, 1, 1), None, FlatFee(D("300")))))

    january = rate(line, date(2026, 1, 15), date(2026, 1, 31), proration=Proration.THIRTY_360)
    february = rate(line, date(2026, 2, 15), date(2026, 2, 28), proration=Proration.THIRTY_360)
    actual_days = rate(line, date(2026, 2, 15), date(2026, 2, 28))

    # Jan 15 – Feb 1 counts 30 − 14 = 16 of 30 days: 300 × 16/30 = 160 (actual days: 17/31).
    assert [c.amount for c in january.charges] == [D("160")]
    # Feb 15 – Mar 1 also counts 16 of 30: 160; with actual days it is 14/28: 150.
    assert [c.amount for c in february.charges] == [D("160")]
    assert [c.amount for c in actual_days.charges] == [D("150")]


def test_thirty_360_gives_the_31st_no_days_so_a_split_month_still_sums_to_one_fee() -> None:
    # A price change on Jan 31: 30/360 counts Jan 1 – Jan 31 as the whole 30 days, so the 31st
    # is worth nothing and the month bills 300, not 300 × 31/30.
    line = make_line(
        price_versions=versions(
            (date(2026, 1, 1), date(2026, 1, 30), FlatFee(D("300"))),
            (date(2026, 1, 31), None, FlatFee(D("600"))),
        )
    )

    rating = rate(line, date(2026, 1, 1), date(2026, 1, 31), proration=Proration.THIRTY_360)

    assert [(c.period_start_on, c.amount) for c in rating.charges] == [
        (date(2026, 1, 1), D("300")),
        (date(2026, 1, 31), D("0")),
    ]


def test_jpy_amounts_stay_exact_until_the_schedule_rounds_them_to_whole_yen() -> None:
    line = make_line(
        price_versions=versions((date(2026, 1, 1), None, PerUnit(D("1000")))),
        quantities=seats((date(2026, 1, 1), 7)),
    )

    (stub, full) = rate(line, date(2026, 1, 15), date(2026, 2, 28), currency=JPY).charges

    # 7 × 1000 × 17/31 = 119000/31 = 3838 + 22/31, 22/31 = 0.(709677419354838) repeating.
    assert stub.amount == D("3838.709677419354838709677419354838")
    assert Money(stub.amount, JPY).rounded() == Money(D("3839"), JPY)
    assert full.amount == D("7000")


# --- quantities over time -------------------------------------------------------------------


def test_seat_ramp_in_advance_bills_the_opening_quantity_then_adjusts_on_the_next_invoice() -> None:
    line = make_line(quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 16), 15)))

    rating = rate(line, date(2026, 4, 1), date(2026, 5, 31))

    assert rows(rating) == [
        # April invoice: the 10 seats in effect on Apr 1, for all of April: 10 × 12 = 120.
        (CHARGE, date(2026, 4, 1), date(2026, 5, 1), date(2026, 4, 1), D(10), D("120")),
        # 5 more seats for Apr 16–30, 15 of 30 days: 5 × 12 × 15/30 = 30, time-weighted
        # quantity 5 × 15/30 = 2.5, issued May 1 with May's invoice.
        (ADJUSTMENT, date(2026, 4, 1), date(2026, 5, 1), date(2026, 5, 1), D("2.5"), D("30")),
        (CHARGE, date(2026, 5, 1), date(2026, 6, 1), date(2026, 5, 1), D(15), D("180")),
    ]
    adjustment = rating.charges[1]
    assert adjustment.description == "Seats quantity adjustment (Apr 1 – Apr 30, 2026)"
    assert adjustment.unit_price == D("12")
    # Actual April: 10 × 12 × 15/30 + 15 × 12 × 15/30 = 60 + 90 = 150 spend;
    # 10 × 15/30 + 15 × 15/30 = 12.5 seats on average.
    assert [(a.spend, a.quantity) for a in rating.actuals] == [
        (D("150"), D("12.5")),
        (D("180"), D("15")),
    ]


def test_a_seat_reduction_inside_an_in_advance_period_gives_a_negative_adjustment() -> None:
    line = make_line(quantities=seats((date(2026, 4, 1), 15), (date(2026, 4, 21), 10)))

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Billed 15 × 12 = 180; actual 15 × 12 × 20/30 + 10 × 12 × 10/30 = 120 + 40 = 160.
    # Adjustment 160 − 180 = −20; quantity 15 × 20/30 + 10 × 10/30 − 15 = −5/3.
    assert [(c.kind, c.amount) for c in rating.charges] == [
        (CHARGE, D("180")),
        (ADJUSTMENT, D(-20)),
    ]
    assert rating.charges[1].quantity == D("-1.666666666666666666666666666667")
    assert rating.actuals[0].spend == D("160")


def test_a_quantity_change_on_the_period_start_needs_no_adjustment() -> None:
    line = make_line(quantities=seats((date(2026, 4, 1), 10), (date(2026, 5, 1), 15)))

    rating = rate(line, date(2026, 4, 1), date(2026, 5, 31))

    # 10 × 12 = 120 for April, 15 × 12 = 180 for May, nothing to correct.
    assert [(c.kind, c.amount) for c in rating.charges] == [(CHARGE, D("120")), (CHARGE, D("180"))]


def test_in_arrears_line_bills_the_time_weighted_quantity_one_segment_per_quantity() -> None:
    line = make_line(
        timing=ARREARS, quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 16), 15))
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    assert rows(rating) == [
        # 10 × 12 × 15/30 = 60 and 15 × 12 × 15/30 = 90, both issued when April closes.
        (CHARGE, date(2026, 4, 1), date(2026, 4, 16), date(2026, 5, 1), D(10), D("60")),
        (CHARGE, date(2026, 4, 16), date(2026, 5, 1), date(2026, 5, 1), D(15), D("90")),
    ]


def test_a_per_unit_line_without_any_quantity_in_effect_rates_zero() -> None:
    line = make_line(quantities=seats((date(2026, 4, 16), 10)), timing=ARREARS)

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Nothing before Apr 16 (0 × 12 = 0); 10 × 12 × 15/30 = 60 after.
    assert [(c.quantity, c.amount) for c in rating.charges] == [(D(0), D(0)), (D(10), D("60"))]


# --- price versions ---------------------------------------------------------------------


def test_a_price_change_mid_period_prices_each_segment_with_its_own_version() -> None:
    line = make_line(
        quantities=seats((date(2026, 4, 1), 10)),
        price_versions=versions(
            (date(2026, 1, 1), date(2026, 4, 15), PerUnit(D("10"))),
            (date(2026, 4, 16), None, PerUnit(D("12"))),
        ),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Billed in advance on Apr 1, in two segments: 10 × 10 × 15/30 = 50, 10 × 12 × 15/30 = 60.
    assert rows(rating) == [
        (CHARGE, date(2026, 4, 1), date(2026, 4, 16), date(2026, 4, 1), D(10), D("50")),
        (CHARGE, date(2026, 4, 16), date(2026, 5, 1), date(2026, 4, 1), D(10), D("60")),
    ]
    assert [c.unit_price for c in rating.charges] == [D("10"), D("12")]


def test_a_day_without_a_price_version_is_reported_on_the_line_path() -> None:
    line = make_line(
        quantities=seats((date(2026, 4, 1), 10)),
        price_versions=versions((date(2026, 4, 10), None, PerUnit(D("10")))),
    )

    with pytest.raises(InvalidArgument) as raised:
        rate(line, date(2026, 4, 1), date(2026, 4, 30))

    assert [(p.field, p.code) for p in raised.value.problems] == [
        ("lineItems[0].priceVersions", "price_version_gap")
    ]


# --- usage lines ------------------------------------------------------------------------

LOW = Graduated((Tier(D(0), D(100), D("1.00")), Tier(D(100), None, D("0.50"))))
HIGH = Graduated((Tier(D(0), D(100), D("2.00")), Tier(D(100), None, D("1.00"))))


def api_calls(**overrides: Any) -> LineItem:
    fields: dict[str, Any] = {
        "id": "li_api",
        "name": "API calls",
        "charge_type": ChargeType.USAGE,
        "metered_feature_id": "feature-api",
        "timing": ARREARS,
        "price_versions": versions(
            (date(2026, 1, 1), date(2026, 4, 15), LOW), (date(2026, 4, 16), None, HIGH)
        ),
    }
    fields.update(overrides)
    return make_line(**fields)


APRIL_USAGE = usage_at("li_api", (utc(2026, 4, 10), 150), (utc(2026, 4, 20), 50))


def test_usage_ladders_restart_in_each_segment_of_a_version_change() -> None:
    rating = rate(api_calls(), date(2026, 4, 1), date(2026, 4, 30), APRIL_USAGE)

    assert rows(rating) == [
        # 150 calls at the old ladder: 100 × 1.00 + 50 × 0.50 = 125.
        (CHARGE, date(2026, 4, 1), date(2026, 4, 16), date(2026, 5, 1), D(150), D("125")),
        # 50 calls at the new ladder, from its first row again: 50 × 2.00 = 100.
        (CHARGE, date(2026, 4, 16), date(2026, 5, 1), date(2026, 5, 1), D(50), D("100")),
    ]
    assert rating.actuals[0].quantity == D(200)
    assert rating.actuals[0].spend == D("225")


def test_period_end_pricing_prices_the_whole_period_once_and_shares_it_by_usage() -> None:
    rating = rate(
        api_calls(),
        date(2026, 4, 1),
        date(2026, 4, 30),
        APRIL_USAGE,
        usage_tier_reset=UsageTierReset.PERIOD_END_VERSION,
    )

    # 200 calls at the ladder in effect on Apr 30: 100 × 2.00 + 100 × 1.00 = 300, shared
    # 150/200 → 225 and 50/200 → 75.
    assert [(c.quantity, c.amount) for c in rating.charges] == [(D(150), D(225)), (D(50), D(75))]
    assert rating.actuals[0].spend == D("300")


def test_usage_is_cut_at_local_midnight_in_the_contract_timezone() -> None:
    # 03:00 UTC on Apr 16 is still 23:00 on Apr 15 in New York (EDT, UTC−4): old ladder.
    usage = usage_at("li_api", (datetime(2026, 4, 16, 3, tzinfo=UTC), 120))

    rating = rate(
        api_calls(), date(2026, 4, 1), date(2026, 4, 30), usage, timezone="America/New_York"
    )

    # 100 × 1.00 + 20 × 0.50 = 110 in the first segment, none in the second.
    assert [(c.quantity, c.amount) for c in rating.charges] == [(D(120), D(110)), (D(0), D(0))]


def test_a_usage_line_is_never_prorated_and_always_billed_in_arrears() -> None:
    line = api_calls(timing=ADVANCE, price_versions=versions((date(2026, 1, 1), None, LOW)))
    usage = usage_at("li_api", (utc(2026, 4, 20), 40))

    rating = rate(line, date(2026, 4, 16), date(2026, 4, 30), usage)

    # A 15-day stub still pays every call in full: 40 × 1.00 = 40, issued May 1.
    assert rows(rating) == [
        (CHARGE, date(2026, 4, 16), date(2026, 5, 1), date(2026, 5, 1), D(40), D("40")),
    ]


def test_free_units_are_consumed_from_the_earliest_segment_first() -> None:
    line = api_calls(
        price_versions=versions(
            (date(2026, 1, 1), date(2026, 4, 15), PerUnit(D("0.10"))),
            (date(2026, 4, 16), None, PerUnit(D("0.20"))),
        ),
        discounts=(Discount(DiscountKind.FREE_UNITS, D(100)),),
    )
    usage = usage_at("li_api", (utc(2026, 4, 10), 60), (utc(2026, 4, 20), 90))

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30), usage)

    # 100 free units: 60 from the first segment (0 left), 40 from the second (90 − 40 = 50).
    # 0 × 0.10 = 0; 50 × 0.20 = 10. Free units reduce the quantity, not the discount.
    assert [(c.quantity, c.amount, c.discount) for c in rating.charges] == [
        (D(0), D(0), D(0)),
        (D(50), D("10"), D(0)),
    ]
    assert (rating.actuals[0].quantity, rating.actuals[0].spend) == (D(50), D("10"))


def test_free_units_on_a_fixed_line_reduce_every_segment_quantity() -> None:
    line = make_line(
        timing=ARREARS,
        quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 16), 15)),
        discounts=(Discount(DiscountKind.FREE_UNITS, D(3)),),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # (10 − 3) × 12 × 15/30 = 42 and (15 − 3) × 12 × 15/30 = 72.
    assert [(c.quantity, c.amount) for c in rating.charges] == [(D(7), D(42)), (D(12), D(72))]


# --- discounts --------------------------------------------------------------------------


def test_percent_then_amount_off_with_the_amount_prorated_for_a_stub() -> None:
    line = make_line(
        price_versions=versions((date(2026, 1, 1), None, FlatFee(D("310")))),
        discounts=(
            Discount(DiscountKind.AMOUNT, D("62")),
            Discount(DiscountKind.PERCENT, D("10")),
        ),
    )

    rating = rate(line, date(2026, 1, 15), date(2026, 2, 28))

    assert [(c.amount, c.discount) for c in rating.charges] == [
        # Stub 310 × 17/31 = 170; 10% = 17; amount off 62 × 17/31 = 34: discount 51.
        (D("170"), D("51")),
        # February: 310; 10% = 31; amount off 62: discount 93.
        (D("310"), D("93")),
    ]
    assert [a.spend for a in rating.actuals] == [D("119"), D("217")]


def test_percent_discounts_compound_in_the_order_listed() -> None:
    line = make_line(
        price_versions=versions((date(2026, 1, 1), None, FlatFee(D("100")))),
        discounts=(Discount(DiscountKind.PERCENT, D(10)), Discount(DiscountKind.PERCENT, D(10))),
    )

    (charge,) = rate(line, date(2026, 4, 1), date(2026, 4, 30)).charges

    # 10% of 100 = 10, then 10% of the 90 left = 9: discount 19.
    assert charge.discount == D("19")


def test_an_amount_discount_never_takes_a_segment_below_zero() -> None:
    line = api_calls(
        price_versions=versions((date(2026, 1, 1), None, PerUnit(D("0.50")))),
        discounts=(Discount(DiscountKind.AMOUNT, D(50)),),
    )
    usage = usage_at("li_api", (utc(2026, 4, 3), 40))

    (charge,) = rate(line, date(2026, 4, 1), date(2026, 4, 30), usage).charges

    # 40 × 0.50 = 20; 50 off would be −30, so the discount stops at 20.
    assert (charge.amount, charge.discount, charge.net) == (D(20), D(20), D(0))


def test_a_discount_window_splits_the_period_and_applies_only_inside() -> None:
    line = make_line(
        timing=ARREARS,
        quantities=seats((date(2026, 4, 1), 10)),
        discounts=(
            Discount(DiscountKind.PERCENT, D(50), DateWindow(date(2026, 4, 1), date(2026, 4, 10))),
        ),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Apr 1–10: 120 × 10/30 = 40, half off = 20. Apr 11–30: 120 × 20/30 = 80, no discount.
    assert [(c.period_start_on, c.amount, c.discount) for c in rating.charges] == [
        (date(2026, 4, 1), D(40), D(20)),
        (date(2026, 4, 11), D(80), D(0)),
    ]


def test_an_in_advance_adjustment_carries_the_change_in_discount_too() -> None:
    line = make_line(
        quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 16), 15)),
        discounts=(Discount(DiscountKind.PERCENT, D(10)),),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Billed 120 less 12; actual 150 less 15: the adjustment is 30 less 3.
    assert [(c.kind, c.amount, c.discount) for c in rating.charges] == [
        (CHARGE, D(120), D(12)),
        (ADJUSTMENT, D(30), D(3)),
    ]
    assert rating.actuals[0].spend == D("135")


APR_11, APR_20 = date(2026, 4, 11), date(2026, 4, 20)


def test_an_adjustment_whose_discount_outgrows_its_amount_shows_only_the_net() -> None:
    # A volume ladder where more units can cost less: 30 per unit up to 10, 3 per unit above.
    cheaper_in_bulk = Volume((Tier(D(0), D(10), D(30)), Tier(D(10), None, D(3))))
    line = make_line(
        price_versions=versions((date(2026, 1, 1), None, cheaper_in_bulk)),
        quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 11), 300), (date(2026, 4, 21), 15)),
        discounts=(
            Discount(
                DiscountKind.PERCENT, D(100), DateWindow(date(2026, 4, 11), date(2026, 4, 20))
            ),
        ),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30))

    # Billed at 10 units (10 × 30 = 300 a month) in thirds: 100, 100 (all off), 100.
    # Actual: 100; 300 × 3 × 10/30 = 300 (all off); 15 × 3 × 10/30 = 15.
    # Amount +115 with discount +200 would break "no larger than the amount": the adjustment
    # is the net instead, (100 + 0 + 15) − (100 + 0 + 100) = −85, with no discount.
    assert [(c.kind, c.amount, c.discount) for c in rating.charges] == [
        (CHARGE, D(100), D(0)),
        (CHARGE, D(100), D(100)),
        (CHARGE, D(100), D(0)),
        (ADJUSTMENT, D(-85), D(0)),
    ]
    assert rating.actuals[0].spend == D(115)


# --- optional items and one-time fees ------------------------------------------------------


def test_an_optional_item_bills_only_the_days_of_its_activation() -> None:
    line = make_line(
        name="Premium support",
        optional=True,
        activations=(DateWindow(date(2026, 4, 11), date(2026, 4, 20)),),
        price_versions=versions((date(2026, 1, 1), None, FlatFee(D("300")))),
    )

    rating = rate(line, date(2026, 4, 1), date(2026, 5, 31))

    # Apr 11–20 inclusive is 10 of April's 30 days: 300 × 10/30 = 100. No charge in May.
    assert rows(rating) == [
        (CHARGE, date(2026, 4, 11), date(2026, 4, 21), date(2026, 4, 1), None, D("100")),
    ]
    assert rating.charges[0].description == "Premium support (Apr 11 – Apr 20, 2026)"
    assert [a.spend for a in rating.actuals] == [D("100"), D(0)]


def test_an_optional_usage_item_bills_only_the_usage_inside_its_activation() -> None:
    line = api_calls(
        optional=True,
        activations=(DateWindow(date(2026, 4, 11), date(2026, 4, 20)),),
        price_versions=versions((date(2026, 1, 1), None, PerUnit(D("1")))),
    )
    usage = usage_at("li_api", (utc(2026, 4, 5), 7), (utc(2026, 4, 15), 3), (utc(2026, 4, 25), 9))

    rating = rate(line, date(2026, 4, 1), date(2026, 4, 30), usage)

    # Only the 3 calls on Apr 15 fall inside Apr 11–20: 3 × 1 = 3.
    assert rows(rating) == [
        (CHARGE, date(2026, 4, 11), date(2026, 4, 21), date(2026, 5, 1), D(3), D("3")),
    ]


def test_a_one_time_fee_is_one_charge_at_the_line_start_without_proration() -> None:
    line = make_line(
        name="Onboarding",
        billing_cycle=BillingCycle(CycleUnit.ONE_TIME),
        anchor=Anchor(),
        timing=ARREARS,
        price_versions=versions((date(2026, 1, 1), None, FlatFee(D("5000")))),
    )

    rating = rate(line, date(2026, 1, 15), date(2026, 12, 31))

    assert rows(rating) == [
        (CHARGE, date(2026, 1, 15), date(2026, 1, 16), date(2026, 1, 15), None, D("5000")),
    ]
    assert rating.charges[0].description == "Onboarding (Jan 15, 2026)"


def test_a_one_time_per_unit_fee_prices_the_quantity_at_the_start() -> None:
    line = make_line(
        billing_cycle=BillingCycle(CycleUnit.ONE_TIME),
        anchor=Anchor(),
        quantities=seats((date(2026, 1, 15), 3)),
        price_versions=versions((date(2026, 1, 1), None, PerUnit(D("1500")))),
    )

    (charge,) = rate(line, date(2026, 1, 15), date(2026, 12, 31)).charges

    assert (charge.quantity, charge.unit_price, charge.amount) == (D(3), D(1500), D(4500))


def test_a_usage_line_billed_one_time_is_refused() -> None:
    line = api_calls(billing_cycle=BillingCycle(CycleUnit.ONE_TIME), anchor=Anchor())

    with pytest.raises(InvalidArgument) as raised:
        rate(line, date(2026, 1, 1), date(2026, 12, 31))

    assert [p.field for p in raised.value.problems] == ["lineItems[0].billingCycle.unit"]


# --- invoice metadata and horizon --------------------------------------------------------


def test_charges_carry_the_line_group_net_terms_and_tax_rate() -> None:
    line = make_line(
        quantities=seats((date(2026, 4, 1), 1)), separate_invoice=True, net_terms_days=45
    )
    default = make_line(quantities=seats((date(2026, 4, 1), 1)), tax_rate=D("7.5"))

    (own,) = rate(line, date(2026, 4, 1), date(2026, 4, 30), tax_rate=D(20)).charges
    (shared,) = rate(default, date(2026, 4, 1), date(2026, 4, 30), tax_rate=D(20)).charges

    assert (own.billing_group, own.net_terms_days, own.tax_rate) == ("li_1", 45, D(20))
    assert (shared.billing_group, shared.net_terms_days, shared.tax_rate) == (
        DEFAULT_BILLING_GROUP,
        30,
        D("7.5"),
    )
    assert own.line_item_id == "li_1"


def test_an_open_ended_line_is_rated_for_periods_starting_before_the_horizon() -> None:
    line = make_line(quantities=seats((date(2026, 1, 1), 1)))

    rating = rate(line, date(2026, 1, 1), None, horizon_on=date(2026, 3, 2))

    # Periods starting Jan 1, Feb 1 and Mar 1 start before Mar 2; April's does not.
    assert [c.period_start_on for c in rating.charges] == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert len(rating.actuals) == 3


def test_an_open_ended_line_without_a_horizon_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        rate(make_line(), date(2026, 1, 1), None)


def test_a_line_with_its_own_dates_uses_them_inside_the_contract() -> None:
    line = make_line(
        start_on=date(2026, 2, 1),
        end_on=date(2026, 2, 28),
        quantities=seats((date(2026, 2, 1), 2)),
    )

    rating = rate(line, date(2026, 1, 1), date(2026, 12, 31))

    assert [(c.period_start_on, c.period_end_on, c.amount) for c in rating.charges] == [
        (date(2026, 2, 1), date(2026, 3, 1), D(24)),  # 2 × 12
    ]


def test_rating_is_deterministic() -> None:
    line = make_line(quantities=seats((date(2026, 4, 1), 10), (date(2026, 4, 16), 15)))
    terms = make_terms(line, date(2026, 1, 15), date(2026, 6, 30))

    first = rate_line(terms, line, NO_USAGE, None)
    second = rate_line(replace(terms), replace(line), NO_USAGE, None)

    assert first == second


# --- properties -------------------------------------------------------------------------


def total(values: Iterable[Decimal]) -> Fraction:
    """An exact sum: Decimal addition would round past the context's 28 digits."""
    return sum((Fraction(value) for value in values), Fraction(0))


@given(
    year=st.integers(2020, 2030),
    month=st.integers(1, 12),
    fee=st.decimals(min_value=0, max_value=10**6, places=2),
    cut_days=st.sets(st.integers(2, 28), max_size=6),
    proration=st.sampled_from(Proration),
    timing=st.sampled_from(ChargeTiming),
)
def test_a_flat_fee_split_into_any_segments_sums_exactly_to_the_fee(
    year: int,
    month: int,
    fee: Decimal,
    cut_days: set[int],
    proration: Proration,
    timing: ChargeTiming,
) -> None:
    first = date(year, month, 1)
    starts = [date(2000, 1, 1), *(date(year, month, day) for day in sorted(cut_days))]
    ends: list[date | None] = [start - timedelta(days=1) for start in starts[1:]]
    line = make_line(
        timing=timing,
        price_versions=versions(
            *((start, end, FlatFee(fee)) for start, end in zip(starts, [*ends, None], strict=True))
        ),
    )
    last = date(year, month, days_in_month(year, month))

    rating = rate(line, first, last, proration=proration)

    assert len(rating.charges) == len(cut_days) + 1
    assert total(c.amount for c in rating.charges) == Fraction(fee)


@st.composite
def fixed_lines(draw: st.DrawFn) -> tuple[LineItem, date, date]:
    """A fixed line over a random span with price, quantity and discount changes anywhere."""
    start_on = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
    span = draw(st.integers(0, 120))
    end_on = start_on + timedelta(days=span)

    def some_day() -> date:
        return start_on + timedelta(days=draw(st.integers(0, span)))

    version_starts = sorted({start_on, *(some_day() for _ in range(draw(st.integers(0, 3))))})
    models: list[PricingModel] = [
        draw(
            st.one_of(
                st.decimals(0, 500, places=2).map(PerUnit),
                st.decimals(0, 500, places=2).map(
                    lambda price: Graduated((Tier(D(0), D(5), price), Tier(D(5), None, D(1))))
                ),
            )
        )
        for _ in version_starts
    ]
    ends = [day - timedelta(days=1) for day in version_starts[1:]] + [None]
    quantities = [QuantityChange(start_on, D(draw(st.integers(0, 40))))] + [
        QuantityChange(some_day(), D(draw(st.integers(0, 40))))
        for _ in range(draw(st.integers(0, 4)))
    ]
    discounts = [
        Discount(kind, value, DateWindow(*sorted((some_day(), some_day()))))
        for kind, value in draw(
            st.lists(
                st.one_of(
                    st.tuples(st.just(DiscountKind.PERCENT), st.integers(0, 100).map(D)),
                    st.tuples(st.just(DiscountKind.AMOUNT), st.integers(0, 300).map(D)),
                    st.tuples(st.just(DiscountKind.FREE_UNITS), st.integers(0, 10).map(D)),
                ),
                max_size=3,
            )
        )
    ]
    line = make_line(
        price_versions=versions(*zip(version_starts, ends, models, strict=True)),
        quantities=tuple(sorted(quantities, key=lambda change: change.effective_on)),
        discounts=tuple(discounts),
        anchor=Anchor(day_of_month=draw(st.integers(1, 31))),
    )
    return line, start_on, end_on


@settings(max_examples=150)
@given(
    case=fixed_lines(), timing=st.sampled_from(ChargeTiming), proration=st.sampled_from(Proration)
)
def test_the_charges_of_a_regular_line_cover_each_billing_period_without_gap_or_overlap(
    case: tuple[LineItem, date, date], timing: ChargeTiming, proration: Proration
) -> None:
    line, start_on, end_on = case

    rating = rate(replace(line, timing=timing), start_on, end_on, proration=proration)

    for actual in rating.actuals:
        period = actual.period
        covered = sorted(
            (c.period_start_on, c.period_end_on)
            for c in rating.charges
            if c.kind is CHARGE and period.start_on <= c.period_start_on < period.end_on
        )
        edges = [period.start_on, *(day for pair in covered for day in pair), period.end_on]
        # Each charge starts where the previous one (or the period) ended.
        assert edges[::2] == edges[1::2]


@settings(max_examples=150)
@given(case=fixed_lines(), proration=st.sampled_from(Proration))
def test_in_advance_adjustments_bring_each_period_to_what_in_arrears_bills(
    case: tuple[LineItem, date, date], proration: Proration
) -> None:
    line, start_on, end_on = case

    advance = rate(replace(line, timing=ADVANCE), start_on, end_on, proration=proration)
    arrears = rate(replace(line, timing=ARREARS), start_on, end_on, proration=proration)

    assert advance.actuals == arrears.actuals
    for actual in arrears.actuals:
        start = actual.period.start_on

        def of(rating: LineRating, kind: LineKind, s: date = start) -> list[Charge]:
            return [c for c in rating.charges if c.kind is kind and c.period_start_on >= s]

        in_period = [c for c in of(arrears, CHARGE) if c.period_start_on < actual.period.end_on]
        billed = [c for c in of(advance, CHARGE) if c.period_start_on < actual.period.end_on]
        adjustments = [c for c in of(advance, ADJUSTMENT) if c.period_start_on == start]
        deltas = {
            field: total(getattr(c, field) for c in in_period)
            - total(getattr(c, field) for c in billed)
            for field in ("amount", "discount")
        }
        adjusted = {
            field: total(getattr(c, field) for c in adjustments) for field in ("amount", "discount")
        }
        net_only = {"amount": deltas["amount"] - deltas["discount"], "discount": Fraction(0)}
        # Amount and discount move separately, unless that would show a discount larger than
        # (or of the other sign to) the amount; then the adjustment is the net alone.
        assert adjusted in (deltas, net_only)
        assert Fraction(actual.spend) == total(c.amount for c in in_period) - total(
            c.discount for c in in_period
        )
