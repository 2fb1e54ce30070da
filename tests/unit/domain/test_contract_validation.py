"""Contract validation: every problem at once, each with its JSON-draft path and stable code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.calendar import Anchor, BillingCycle, CycleUnit
from pactline.domain.catalog import Condition, Operation
from pactline.domain.contract_validation import require_valid_terms, validate_terms
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    CommitmentMode,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, Graduated, Package, PerUnit, Stairstep, Tier

D = date
JAN1 = D(2026, 1, 1)
DEC31 = D(2026, 12, 31)
MONTHLY = BillingCycle(CycleUnit.MONTH)
ADVANCE, ARREARS = ChargeTiming.IN_ADVANCE, ChargeTiming.IN_ARREARS
FIXED, USAGE = ChargeType.FIXED, ChargeType.USAGE
PERCENT, AMOUNT, FREE = DiscountKind.PERCENT, DiscountKind.AMOUNT, DiscountKind.FREE_UNITS

# Three minimal valid lines over the whole of 2026; each test breaks one thing.
FLAT = LineItem(
    id="platform",
    name="Platform fee",
    charge_type=FIXED,
    price_versions=(PriceVersion(JAN1, FlatFee(Decimal("1000.00"))),),
    billing_cycle=MONTHLY,
    timing=ADVANCE,
)
SEATS = LineItem(
    id="seats",
    name="Seats",
    charge_type=FIXED,
    price_versions=(PriceVersion(JAN1, PerUnit(Decimal("25.00"))),),
    billing_cycle=MONTHLY,
    timing=ADVANCE,
    quantities=(QuantityChange(JAN1, Decimal(50)),),
)
API = LineItem(
    id="api",
    name="API calls",
    charge_type=USAGE,
    price_versions=(PriceVersion(JAN1, PerUnit(Decimal("0.002"))),),
    billing_cycle=MONTHLY,
    timing=ARREARS,
    metered_feature_id="api-calls",
)
BASE = ContractTerms(
    id="C-1",
    name="Acme 2026",
    customer_id="acme",
    currency=currency("USD"),
    timezone="America/New_York",
    start_on=JAN1,
    end_on=DEC31,
    line_items=(FLAT,),
)


def terms(*lines: LineItem, **changes: Any) -> ContractTerms:
    return replace(BASE, line_items=lines or (FLAT,), **changes)


def found(contract: ContractTerms) -> list[tuple[str, str]]:
    return [(problem.field, problem.code) for problem in validate_terms(contract)]


def versions(*spans: tuple[date, date | None], model: Any = None) -> tuple[PriceVersion, ...]:
    price = model or FlatFee(Decimal(1000))
    return tuple(PriceVersion(start, price, end) for start, end in spans)


def dated(start: date | None, end: date | None) -> LineItem:
    """FLAT with its own dates and a version that starts with it, so only the dates matter."""
    return replace(FLAT, start_on=start, end_on=end, price_versions=versions((start or JAN1, None)))


def unchecked(cls: type, **fields: Any) -> Any:
    """A model built without its constructor's checks, as a buggy adapter might hand one over."""
    model = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(model, name, value)
    return model


# --- a realistic contract, and several problems at once ---------------------------------------

REALISTIC = ContractTerms(
    id="C-2026-014",
    name="Acme Corp enterprise 2026",
    customer_id="acme",
    currency=currency("USD"),
    timezone="America/New_York",
    start_on=JAN1,
    end_on=DEC31,
    net_terms_days=45,
    tax_rate=Decimal("8.875"),
    discounts=(Discount(AMOUNT, Decimal(500), DateWindow(JAN1, D(2026, 3, 31))),),
    commitment=Commitment(CommitmentKind.AMOUNT, total=Decimal(60000)),
    line_items=(
        FLAT,
        LineItem(
            id="seats",
            name="Seats (ramp)",
            charge_type=FIXED,
            price_versions=(
                PriceVersion(D(2026, 2, 1), PerUnit(Decimal(25)), D(2026, 6, 30)),
                PriceVersion(D(2026, 7, 1), PerUnit(Decimal(27))),  # mid-year escalator
            ),
            billing_cycle=MONTHLY,
            timing=ADVANCE,
            start_on=D(2026, 2, 1),
            quantities=(
                QuantityChange(D(2026, 2, 1), Decimal(50)),
                QuantityChange(D(2026, 4, 15), Decimal(80)),
            ),
            discounts=(Discount(PERCENT, Decimal(10), DateWindow(D(2026, 2, 1), D(2026, 4, 30))),),
            commitment=Commitment(CommitmentKind.QUANTITY, per_period=Decimal(40)),
        ),
        LineItem(
            id="api",
            name="API calls",
            charge_type=USAGE,
            price_versions=(
                PriceVersion(
                    JAN1,
                    Graduated(
                        (
                            Tier(Decimal(0), Decimal(1_000_000), Decimal("0.0010")),
                            Tier(Decimal(1_000_000), None, Decimal("0.0008")),
                        )
                    ),
                ),
            ),
            billing_cycle=MONTHLY,
            timing=ARREARS,
            metered_feature_id="api-calls",
            discounts=(Discount(FREE, Decimal(10_000)),),
            commitment=Commitment(
                CommitmentKind.AMOUNT, CommitmentMode.CUMULATIVE, total=Decimal(12_000)
            ),
            tax_rate=Decimal(0),
        ),
        LineItem(
            id="support",
            name="Premium support",
            charge_type=FIXED,
            price_versions=(PriceVersion(JAN1, FlatFee(Decimal(1500))),),
            billing_cycle=BillingCycle(CycleUnit.QUARTER),
            timing=ADVANCE,
            anchor=Anchor(last_day=True, month=3),
            optional=True,
            activations=(
                DateWindow(D(2026, 4, 1), D(2026, 6, 30)),
                DateWindow(D(2026, 10, 1), None),
            ),
        ),
        LineItem(
            id="onboarding",
            name="Onboarding",
            charge_type=FIXED,
            price_versions=(PriceVersion(JAN1, FlatFee(Decimal(5000))),),
            billing_cycle=BillingCycle(CycleUnit.ONE_TIME),
            timing=ADVANCE,
            separate_invoice=True,
            net_terms_days=15,
        ),
    ),
)


def test_realistic_enterprise_contract_has_no_problems() -> None:
    assert validate_terms(REALISTIC) == []
    require_valid_terms(REALISTIC)  # returns quietly


def test_five_different_problems_are_all_reported_at_once() -> None:
    contract = replace(
        REALISTIC,
        timezone="Mars/Olympus",
        line_items=(
            REALISTIC.line_items[0],
            replace(REALISTIC.line_items[1], id="platform"),
            replace(REALISTIC.line_items[2], timing=ADVANCE),
            replace(
                REALISTIC.line_items[3],
                price_versions=versions((JAN1, D(2026, 5, 31)), (D(2026, 6, 2), None)),
            ),
            replace(REALISTIC.line_items[4], discounts=(Discount(PERCENT, Decimal(150)),)),
        ),
    )
    assert found(contract) == [
        ("timezone", "unknown_timezone"),
        ("lineItems[1].id", "duplicate"),
        ("lineItems[2].timing", "usage_in_advance"),
        ("lineItems[3].priceVersions[1].startDate", "gap"),
        ("lineItems[4].discounts[0].value", "out_of_range"),
    ]


def test_require_valid_terms_raises_with_every_problem_listed() -> None:
    contract = terms(replace(FLAT, net_terms_days=-1), replace(SEATS, id="platform"))
    with pytest.raises(InvalidArgument) as raised:
        require_valid_terms(contract)
    assert raised.value.problems == tuple(validate_terms(contract))
    assert [p.field for p in raised.value.problems] == [
        "lineItems[0].netTermsDays",
        "lineItems[1].id",
    ]
    assert raised.value.message.startswith("the contract has 2 problem(s): ")
    assert "lineItems[0].netTermsDays: " in raised.value.message
    assert "lineItems[1].id: 'platform' is already used [duplicate]" in raised.value.message


# --- contract -----------------------------------------------------------------------------------


def test_contract_ending_before_it_starts_is_end_before_start() -> None:
    assert found(terms(end_on=D(2025, 12, 31))) == [("endDate", "end_before_start")]


def test_one_day_contract_and_open_ended_contract_are_valid() -> None:
    assert found(terms(end_on=JAN1)) == []
    assert found(terms(end_on=None)) == []


def test_contract_needs_at_least_one_line_item() -> None:
    assert found(replace(BASE, line_items=())) == [("lineItems", "required")]


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-1, [("netTermsDays", "out_of_range")]), (None, [("netTermsDays", "out_of_range")]), (0, [])],
)
def test_contract_net_terms_are_required_and_not_negative(
    days: int | None, expected: list[Any]
) -> None:
    assert found(terms(net_terms_days=days)) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Decimal("-0.01"), [("taxRate", "out_of_range")]),
        (Decimal("100.01"), [("taxRate", "out_of_range")]),
        (Decimal("NaN"), [("taxRate", "out_of_range")]),
        (Decimal(0), []),
        (Decimal(100), []),
        (None, []),
    ],
)
def test_contract_tax_rate_is_a_percentage(rate: Decimal | None, expected: list[Any]) -> None:
    assert found(terms(tax_rate=rate)) == expected


def test_line_net_terms_and_tax_rate_follow_the_same_bounds() -> None:
    line = replace(FLAT, net_terms_days=-5, tax_rate=Decimal(101))
    assert found(terms(line)) == [
        ("lineItems[0].netTermsDays", "out_of_range"),
        ("lineItems[0].taxRate", "out_of_range"),
    ]
    assert found(terms(replace(FLAT, net_terms_days=0, tax_rate=Decimal(0)))) == []


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_timezone_must_be_an_iana_zone(zone: str) -> None:
    assert found(terms(timezone=zone)) == [("timezone", "unknown_timezone")]


def test_currency_is_required() -> None:
    assert found(terms(currency=None)) == [("currency", "required")]


# --- line items: ids and dates ------------------------------------------------------------------


def test_line_item_ids_must_be_unique_and_present() -> None:
    contract = terms(FLAT, replace(SEATS, id="platform"), replace(API, id="platform"))
    assert found(contract) == [("lineItems[1].id", "duplicate"), ("lineItems[2].id", "duplicate")]
    assert found(terms(replace(FLAT, id="  "))) == [("lineItems[0].id", "required")]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 12, 1), None, [("lineItems[0].startDate", "outside_contract")]),
        (D(2027, 1, 1), None, [("lineItems[0].startDate", "outside_contract")]),
        (None, D(2027, 1, 31), [("lineItems[0].endDate", "outside_contract")]),
        (D(2026, 6, 1), D(2026, 5, 31), [("lineItems[0].endDate", "end_before_start")]),
        (D(2026, 3, 1), D(2026, 8, 31), []),
        (JAN1, DEC31, []),
        (DEC31, DEC31, []),
    ],
)
def test_line_dates_lie_inside_the_contract_and_end_after_they_start(
    start: date | None, end: date | None, expected: list[Any]
) -> None:
    assert found(terms(dated(start, end))) == expected


def test_line_end_under_an_open_ended_contract_is_valid() -> None:
    assert found(terms(dated(D(2026, 3, 1), D(2030, 2, 28)), end_on=None)) == []


# --- anchors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cycle", "anchor", "expected"),
    [
        (MONTHLY, Anchor(day_of_month=1, month=4), [("lineItems[0].anchor.month", "invalid")]),
        (
            BillingCycle(CycleUnit.WEEK),
            Anchor(last_day=True),
            [("lineItems[0].anchor.lastDay", "invalid")],
        ),
        (
            BillingCycle(CycleUnit.QUARTER),
            Anchor(weekday=1),
            [("lineItems[0].anchor.weekday", "invalid")],
        ),
        (BillingCycle(CycleUnit.QUARTER), Anchor(last_day=True, month=3), []),
        (BillingCycle(CycleUnit.WEEK), Anchor(weekday=1), []),
    ],
)
def test_anchor_must_fit_the_billing_cycle(
    cycle: BillingCycle, anchor: Anchor, expected: list[Any]
) -> None:
    assert found(terms(replace(FLAT, billing_cycle=cycle, anchor=anchor))) == expected


# --- price versions -----------------------------------------------------------------------------

V = "lineItems[0].priceVersions"


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        (((JAN1, D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 9, 30)), (D(2026, 10, 1), None)), []),
        (((JAN1, D(2026, 3, 31)), (D(2026, 4, 2), None)), [(f"{V}[1].startDate", "gap")]),
        (((JAN1, D(2026, 3, 31)), (D(2026, 3, 31), None)), [(f"{V}[1].startDate", "overlap")]),
        (((JAN1, None), (D(2026, 7, 1), None)), [(f"{V}[1].startDate", "overlap")]),
        (((D(2026, 1, 2), None),), [(f"{V}[0].startDate", "not_at_line_start")]),
        (((D(2025, 12, 1), None),), [(f"{V}[0].startDate", "not_at_line_start")]),
        (((JAN1, D(2026, 12, 30)),), [(f"{V}[0].endDate", "ends_before_line")]),
        (((JAN1, DEC31),), []),
        (((JAN1, D(2027, 6, 30)),), []),  # a price may outlast the line
    ],
)
def test_price_versions_cover_the_line_with_no_gap_or_overlap(
    spans: tuple[tuple[date, date | None], ...], expected: list[Any]
) -> None:
    assert found(terms(replace(FLAT, price_versions=versions(*spans)))) == expected


def test_price_versions_must_be_in_date_order() -> None:
    line = replace(FLAT, price_versions=versions((D(2026, 7, 1), None), (JAN1, D(2026, 6, 30))))
    # Out of order, the first listed no longer starts the line and the last stops early.
    assert found(terms(line)) == [
        (f"{V}[1].startDate", "unsorted"),
        (f"{V}[0].startDate", "not_at_line_start"),
        (f"{V}[1].endDate", "ends_before_line"),
    ]


def test_price_version_ending_before_it_starts_is_reported() -> None:
    line = replace(FLAT, price_versions=versions((JAN1, D(2025, 12, 31))))
    # The same end date is also short of the line's end (2026-12-31).
    assert found(terms(line)) == [
        (f"{V}[0].endDate", "end_before_start"),
        (f"{V}[0].endDate", "ends_before_line"),
    ]


def test_line_needs_at_least_one_price_version() -> None:
    assert found(terms(replace(FLAT, price_versions=()))) == [(V, "required")]
    # No model to judge by, so the missing quantities of a seat line are not reported too.
    assert found(terms(replace(SEATS, price_versions=(), quantities=()))) == [(V, "required")]


def test_open_ended_contract_needs_an_open_last_version() -> None:
    line = replace(FLAT, price_versions=versions((JAN1, DEC31)))
    assert found(terms(line, end_on=None)) == [(f"{V}[0].endDate", "ends_before_line")]


def test_broken_tier_ladder_is_reported_under_the_version_model() -> None:
    ladder = (
        Tier(Decimal(1), Decimal(10), Decimal(1)),  # first row must start at 0
        Tier(Decimal(10), Decimal(5), Decimal(1)),  # to ≤ from, and the last row must be open
    )
    line = replace(SEATS, price_versions=(PriceVersion(JAN1, unchecked(Graduated, tiers=ladder)),))
    assert found(terms(line)) == [
        (f"{V}[0].model.tiers[0].from", "invalid"),
        (f"{V}[0].model.tiers[1].to", "invalid"),
        (f"{V}[0].model.tiers[1].to", "invalid"),
    ]


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (
            unchecked(Stairstep, tiers=(Tier(Decimal(0), None, Decimal(100), Decimal(5)),)),
            "tiers[0].flatFee",
        ),
        (unchecked(Package, price=Decimal(10), package_size=Decimal(0)), "packageSize"),
        (unchecked(PerUnit, price=Decimal(-1)), "price"),
    ],
)
def test_invalid_model_fields_are_reported_under_the_version_model(model: Any, field: str) -> None:
    line = replace(SEATS, price_versions=(PriceVersion(JAN1, model),))
    assert found(terms(line)) == [(f"{V}[0].model.{field}", "invalid")]


def test_something_that_is_not_a_model_is_a_problem_not_an_exception() -> None:
    line = replace(FLAT, price_versions=(PriceVersion(JAN1, "PER_UNIT"),))
    # Whether the line needs quantities depends on its model, so that is not judged either.
    assert found(terms(line)) == [(f"{V}[0].model", "invalid")]


# --- billing schedule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (replace(API, timing=ADVANCE), [("lineItems[0].timing", "usage_in_advance")]),
        (replace(API, metered_feature_id=None), [("lineItems[0].meteredFeatureId", "required")]),
        (replace(API, metered_feature_id=" "), [("lineItems[0].meteredFeatureId", "required")]),
        (replace(API, price_versions=versions((JAN1, None))), []),  # a flat fee's usage twin
        (
            replace(API, billing_cycle=BillingCycle(CycleUnit.ONE_TIME)),
            [("lineItems[0].billingCycle.unit", "not_allowed")],
        ),
        (
            replace(FLAT, billing_cycle=BillingCycle(CycleUnit.ONE_TIME), timing=ARREARS),
            [("lineItems[0].timing", "one_time_in_arrears")],
        ),
        (replace(FLAT, billing_cycle=BillingCycle(CycleUnit.ONE_TIME)), []),
        (replace(FLAT, timing=ARREARS), []),  # recurring fixed fees may bill in arrears
        (API, []),
    ],
)
def test_billing_schedule_has_no_conflicts(line: LineItem, expected: list[Any]) -> None:
    assert found(terms(line)) == expected


UF = "lineItems[0].usageFilter"
EU = Condition("region", Operation.EQUALS, "eu")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (replace(API, usage_filter=(EU, Condition("plan", Operation.IN, values=("pro",)))), []),
        (replace(FLAT, usage_filter=(EU,)), [(UF, "not_allowed")]),
        (
            replace(API, usage_filter=(Condition("eventName", Operation.EQUALS, "call"),)),
            [(f"{UF}[0].field", "not_allowed")],
        ),
        (
            replace(API, usage_filter=(EU, Condition("plan", Operation.IN))),
            [(f"{UF}[1].values", "required")],
        ),
        (
            replace(API, usage_filter=(Condition("region", Operation.EQUALS),)),
            [(f"{UF}[0].value", "required")],
        ),
        (
            replace(API, usage_filter=(Condition("region", Operation.IS_NULL, "eu"),)),
            [(f"{UF}[0].value", "not_allowed")],
        ),
        (
            replace(API, usage_filter=(Condition("", Operation.IS_NULL),)),
            [(f"{UF}[0].field", "required")],
        ),
    ],
)
def test_only_usage_lines_filter_usage_with_well_formed_conditions(
    line: LineItem, expected: list[Any]
) -> None:
    assert found(terms(line)) == expected


# --- quantities ---------------------------------------------------------------------------------

Q = "lineItems[0].quantities"


def quantities(*entries: tuple[date, int]) -> tuple[QuantityChange, ...]:
    return tuple(QuantityChange(day, Decimal(quantity)) for day, quantity in entries)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ((), [(Q, "required")]),
        (((D(2026, 1, 2), 5),), [(f"{Q}[0].effectiveDate", "not_at_line_start")]),
        (((D(2025, 12, 1), 5),), [(f"{Q}[0].effectiveDate", "not_at_line_start")]),
        (
            ((JAN1, 5), (D(2026, 3, 1), 8), (D(2026, 3, 1), 9)),
            [(f"{Q}[2].effectiveDate", "duplicate_date")],
        ),
        (
            ((JAN1, 5), (D(2026, 6, 1), 8), (D(2026, 3, 1), 9)),
            [(f"{Q}[2].effectiveDate", "unsorted")],
        ),
        (((JAN1, 5), (D(2027, 1, 1), 8)), [(f"{Q}[1].effectiveDate", "outside_line")]),
        (((JAN1, -1),), [(f"{Q}[0].quantity", "out_of_range")]),
        (((JAN1, 0), (D(2026, 4, 15), 80), (DEC31, 3)), []),
    ],
)
def test_quantity_timeline_starts_with_the_line_and_moves_forward(
    entries: tuple[tuple[date, int], ...], expected: list[Any]
) -> None:
    assert found(terms(replace(SEATS, quantities=quantities(*entries)))) == expected


def test_usage_and_flat_fee_lines_take_no_quantities() -> None:
    with_quantity = quantities((JAN1, 5))
    assert found(terms(replace(API, quantities=with_quantity))) == [(Q, "not_allowed")]
    assert found(terms(replace(FLAT, quantities=with_quantity))) == [(Q, "not_allowed")]


def test_line_switching_from_flat_fee_to_per_unit_needs_quantities() -> None:
    mixed = (
        PriceVersion(JAN1, FlatFee(Decimal(1000)), D(2026, 6, 30)),
        PriceVersion(D(2026, 7, 1), PerUnit(Decimal(20))),
    )
    assert found(terms(replace(FLAT, price_versions=mixed))) == [(Q, "required")]
    assert found(terms(replace(FLAT, price_versions=mixed, quantities=quantities((JAN1, 5))))) == []


# --- optional items -----------------------------------------------------------------------------

A = "lineItems[0].activations"
APRIL_TO_JUNE = DateWindow(D(2026, 4, 1), D(2026, 6, 30))


@pytest.mark.parametrize(
    ("optional", "windows", "expected"),
    [
        (False, (APRIL_TO_JUNE,), [(A, "not_allowed")]),
        (True, (), [(A, "required")]),
        (True, (APRIL_TO_JUNE, DateWindow(D(2026, 7, 1), D(2026, 9, 30))), []),
        (True, (DateWindow(),), []),  # active for the whole line
        (
            True,
            (DateWindow(D(2025, 12, 1), D(2026, 2, 28)),),
            [(f"{A}[0].startDate", "outside_line")],
        ),
        (
            True,
            (DateWindow(D(2026, 11, 1), D(2027, 1, 31)),),
            [(f"{A}[0].endDate", "outside_line")],
        ),
        (
            True,
            (DateWindow(D(2026, 6, 30), D(2026, 4, 1)),),
            [(f"{A}[0].endDate", "end_before_start")],
        ),
        (
            True,
            (APRIL_TO_JUNE, DateWindow(D(2026, 6, 30), None)),
            [(f"{A}[1].startDate", "overlap")],
        ),
        (
            # listed out of order, the second ends on the day the first starts
            True,
            (DateWindow(D(2026, 7, 1), D(2026, 9, 30)), DateWindow(D(2026, 4, 1), D(2026, 7, 1))),
            [(f"{A}[1].startDate", "overlap")],
        ),
        (
            # a reversed window is reported once, not again as overlapping another
            True,
            (DateWindow(D(2026, 6, 30), D(2026, 4, 1)), APRIL_TO_JUNE),
            [(f"{A}[0].endDate", "end_before_start")],
        ),
        (True, (DateWindow(), APRIL_TO_JUNE), [(f"{A}[1].startDate", "overlap")]),
    ],
)
def test_activations_belong_to_optional_items_inside_the_line_without_overlap(
    optional: bool, windows: tuple[DateWindow, ...], expected: list[Any]
) -> None:
    line = replace(FLAT, optional=optional, activations=windows)
    assert found(terms(line)) == expected


# --- discounts ----------------------------------------------------------------------------------

LD = "lineItems[0].discounts"
MARCH_TO_AUGUST = dated(D(2026, 3, 1), D(2026, 8, 31))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            replace(SEATS, discounts=(Discount(AMOUNT, Decimal(-1)),)),
            [(f"{LD}[0].value", "out_of_range")],
        ),
        (
            replace(SEATS, discounts=(Discount(PERCENT, Decimal("100.5")),)),
            [(f"{LD}[0].value", "out_of_range")],
        ),
        (replace(SEATS, discounts=(Discount(PERCENT, Decimal(100)),)), []),
        (replace(SEATS, discounts=(Discount(AMOUNT, Decimal(250)),)), []),  # no cap on amounts
        (
            replace(
                SEATS, discounts=(Discount(PERCENT, Decimal(10), DateWindow(D(2026, 3, 31), JAN1)),)
            ),
            [(f"{LD}[0].endDate", "end_before_start")],
        ),
        (
            replace(
                MARCH_TO_AUGUST,
                discounts=(
                    Discount(AMOUNT, Decimal(5), DateWindow(D(2026, 2, 1), D(2026, 9, 30))),
                ),
            ),
            [(f"{LD}[0].startDate", "outside_line"), (f"{LD}[0].endDate", "outside_line")],
        ),
        (
            replace(FLAT, discounts=(Discount(FREE, Decimal(10)),)),
            [(f"{LD}[0].type", "not_allowed")],
        ),
        (replace(SEATS, discounts=(Discount(FREE, Decimal(10)),)), []),
        (
            replace(
                SEATS,
                discounts=(
                    Discount(PERCENT, Decimal(10), DateWindow(JAN1, D(2026, 3, 31))),
                    Discount(PERCENT, Decimal(5), DateWindow(D(2026, 3, 31), D(2026, 6, 30))),
                ),
            ),
            [(f"{LD}[1]", "overlapping_discounts")],
        ),
        (
            replace(
                SEATS,
                discounts=(
                    Discount(PERCENT, Decimal(10), DateWindow(JAN1, D(2026, 3, 31))),
                    Discount(PERCENT, Decimal(5), DateWindow(D(2026, 4, 1), None)),
                ),
            ),
            [],
        ),
        (
            replace(
                SEATS,
                discounts=(
                    Discount(FREE, Decimal(5)),
                    Discount(PERCENT, Decimal(10)),
                    Discount(AMOUNT, Decimal(20)),
                ),
            ),
            [],  # one of each kind may apply together (§5 orders them)
        ),
    ],
)
def test_line_discounts(line: LineItem, expected: list[Any]) -> None:
    assert found(terms(line)) == expected


@pytest.mark.parametrize(
    ("discounts", "expected"),
    [
        ((Discount(FREE, Decimal(100)),), [("discounts[0].type", "not_allowed")]),
        (
            (Discount(PERCENT, Decimal(5), DateWindow(D(2025, 12, 1), None)),),
            [("discounts[0].startDate", "outside_contract")],
        ),
        (
            (
                Discount(AMOUNT, Decimal(100)),
                Discount(AMOUNT, Decimal(50), DateWindow(DEC31, DEC31)),
            ),
            [("discounts[1]", "overlapping_discounts")],
        ),
        ((Discount(PERCENT, Decimal(5)), Discount(AMOUNT, Decimal(100))), []),
    ],
)
def test_contract_discounts(discounts: tuple[Discount, ...], expected: list[Any]) -> None:
    assert found(terms(discounts=discounts)) == expected


# --- commitments --------------------------------------------------------------------------------

LC = "lineItems[0].commitment"
AMT, QTY = CommitmentKind.AMOUNT, CommitmentKind.QUANTITY


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            replace(SEATS, commitment=Commitment(AMT, total=Decimal(100), per_period=Decimal(10))),
            [(f"{LC}.total", "one_of")],
        ),
        (replace(SEATS, commitment=Commitment(AMT)), [(f"{LC}.total", "one_of")]),
        (
            replace(SEATS, commitment=Commitment(AMT, total=Decimal(0))),
            [(f"{LC}.total", "out_of_range")],
        ),
        (
            replace(SEATS, commitment=Commitment(AMT, per_period=Decimal(-5))),
            [(f"{LC}.perPeriod", "out_of_range")],
        ),
        (
            replace(
                MARCH_TO_AUGUST,
                commitment=Commitment(AMT, total=Decimal(900), window=DateWindow(JAN1, None)),
            ),
            [(f"{LC}.startDate", "outside_line")],
        ),
        (
            replace(
                SEATS,
                commitment=Commitment(
                    AMT, total=Decimal(900), window=DateWindow(D(2026, 6, 1), D(2026, 5, 1))
                ),
            ),
            [(f"{LC}.endDate", "end_before_start")],
        ),
        (
            replace(FLAT, commitment=Commitment(QTY, per_period=Decimal(10))),
            [(f"{LC}.type", "not_allowed")],
        ),
        (replace(SEATS, commitment=Commitment(QTY, per_period=Decimal(10))), []),
        (replace(FLAT, commitment=Commitment(AMT, total=Decimal(900))), []),
    ],
)
def test_line_commitments(line: LineItem, expected: list[Any]) -> None:
    assert found(terms(line)) == expected


def test_line_commitment_total_on_an_open_ended_line_needs_an_end_date() -> None:
    total = replace(SEATS, commitment=Commitment(AMT, total=Decimal(1200)))
    assert found(terms(total, end_on=None)) == [(f"{LC}.endDate", "required")]
    bounded = replace(
        SEATS, commitment=Commitment(AMT, total=Decimal(1200), window=DateWindow(end_on=DEC31))
    )
    assert found(terms(bounded, end_on=None)) == []
    per_period = replace(SEATS, commitment=Commitment(AMT, per_period=Decimal(100)))
    assert found(terms(per_period, end_on=None)) == []


@pytest.mark.parametrize(
    ("end_on", "commitment", "expected"),
    [
        (DEC31, Commitment(QTY, total=Decimal(1000)), [("commitment.type", "not_allowed")]),
        (None, Commitment(AMT, per_period=Decimal(100)), [("commitment.endDate", "required")]),
        (None, Commitment(AMT, total=Decimal(900)), [("commitment.endDate", "required")]),
        (
            None,
            Commitment(AMT, total=Decimal(900), cycle=MONTHLY),
            [("commitment.endDate", "required")],
        ),
        (None, Commitment(AMT, per_period=Decimal(100), cycle=MONTHLY), []),
        (None, Commitment(AMT, total=Decimal(900), window=DateWindow(end_on=DEC31)), []),
        (DEC31, Commitment(AMT, total=Decimal(60000)), []),
        (
            DEC31,
            Commitment(AMT, total=Decimal(900), window=DateWindow(JAN1, D(2027, 3, 31))),
            [("commitment.endDate", "outside_contract")],
        ),
    ],
)
def test_contract_commitment(
    end_on: date | None, commitment: Commitment, expected: list[Any]
) -> None:
    assert found(terms(end_on=end_on, commitment=commitment)) == expected


# --- robustness ---------------------------------------------------------------------------------


def test_malformed_terms_become_problems_instead_of_exceptions() -> None:
    assert found(replace(BASE, line_items=None)) == [("lineItems", "required")]
    assert found(replace(BASE, line_items=(None,))) == [("lineItems[0]", "invalid")]
    assert found(terms(replace(FLAT, price_versions=None))) == [(V, "required")]
    assert found(terms(replace(SEATS, quantities=(QuantityChange(JAN1, 1.5),)))) == [
        (f"{Q}[0].quantity", "out_of_range")
    ]
    assert found(None) == [("", "invalid")]


KNOWN_CODES = {
    "required",
    "end_before_start",
    "out_of_range",
    "unknown_timezone",
    "duplicate",
    "outside_contract",
    "outside_line",
    "gap",
    "overlap",
    "unsorted",
    "duplicate_date",
    "not_at_line_start",
    "ends_before_line",
    "usage_in_advance",
    "one_time_in_arrears",
    "not_allowed",
    "one_of",
    "overlapping_discounts",
    "invalid",
}

days = st.integers(-400, 800).map(lambda n: JAN1 + timedelta(days=n))
maybe_days = st.none() | days
windows = st.builds(DateWindow, maybe_days, maybe_days)
amounts = st.decimals(-10, 200, places=2, allow_nan=False)


@given(
    contract_end=maybe_days,
    line_start=maybe_days,
    line_end=maybe_days,
    version_spans=st.lists(st.tuples(days, maybe_days), max_size=3),
    quantity_days=st.lists(days, max_size=3),
    activations=st.lists(windows, max_size=3),
    discounts=st.lists(
        st.builds(Discount, st.sampled_from(DiscountKind), amounts, windows), max_size=3
    ),
    commitment=st.none()
    | st.builds(
        Commitment,
        st.sampled_from(CommitmentKind),
        st.sampled_from(CommitmentMode),
        st.none() | amounts,
        st.none() | amounts,
        windows,
    ),
    charge_type=st.sampled_from(ChargeType),
    timing=st.sampled_from(ChargeTiming),
    unit=st.sampled_from(CycleUnit),
    optional=st.booleans(),
)
def test_any_combination_of_dates_and_settings_yields_known_problems_never_an_exception(
    contract_end: date | None,
    line_start: date | None,
    line_end: date | None,
    version_spans: list[tuple[date, date | None]],
    quantity_days: list[date],
    activations: list[DateWindow],
    discounts: list[Discount],
    commitment: Commitment | None,
    charge_type: ChargeType,
    timing: ChargeTiming,
    unit: CycleUnit,
    optional: bool,
) -> None:
    line = replace(
        SEATS,
        charge_type=charge_type,
        timing=timing,
        billing_cycle=BillingCycle(unit),
        start_on=line_start,
        end_on=line_end,
        price_versions=versions(*version_spans, model=PerUnit(Decimal(3))),
        quantities=tuple(QuantityChange(day, Decimal(1)) for day in quantity_days),
        optional=optional,
        activations=tuple(activations),
        discounts=tuple(discounts),
        commitment=commitment,
    )
    contract = terms(line, FLAT, end_on=contract_end, commitment=commitment)
    problems = validate_terms(contract)
    assert {problem.code for problem in problems} <= KNOWN_CODES
    assert all(problem.code != "invalid" for problem in problems)  # nothing tripped a guard
    assert all(problem.message for problem in problems)


@st.composite
def partitions(draw: st.DrawFn) -> list[tuple[date, date | None]]:
    """Versions cutting 2026 at sorted distinct days: each ends the day before the next starts."""
    cuts = sorted(draw(st.sets(st.integers(1, 364), max_size=6)))
    starts = [JAN1, *(JAN1 + timedelta(days=cut) for cut in cuts)]
    ends: list[date | None] = [start - timedelta(days=1) for start in starts[1:]]
    return list(zip(starts, [*ends, draw(st.sampled_from([None, DEC31]))], strict=True))


@given(partitions())
def test_versions_that_partition_the_line_always_validate(spans: list[Any]) -> None:
    assert found(terms(replace(FLAT, price_versions=versions(*spans)))) == []


@given(partitions().filter(lambda spans: len(spans) > 1), st.data())
def test_moving_one_version_end_makes_exactly_one_gap_or_overlap(
    spans: list[Any], data: st.DataObject
) -> None:
    k = data.draw(st.integers(1, len(spans) - 1), label="version after the moved end")
    start, end = spans[k - 1]
    shift = data.draw(st.integers(-(end - start).days, 60).filter(bool), label="days moved")
    spans[k - 1] = (start, end + timedelta(days=shift))
    # Shortening the previous version opens a gap before version k; lengthening overlaps it.
    expected = "gap" if shift < 0 else "overlap"
    assert found(terms(replace(FLAT, price_versions=versions(*spans)))) == [
        (f"{V}[{k}].startDate", expected)
    ]
