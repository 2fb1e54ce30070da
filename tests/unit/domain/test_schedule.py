"""The invoice schedule (BILLING-SEMANTICS §1, §5, §7, §8): grouping, ordering, contract discounts,
rounding once per line part, tax per line, numbering, filtering."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.calendar import BillingCycle, CycleUnit
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
)
from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, Invoice, LineKind
from pactline.domain.money import Money, RoundingPolicy
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, PerUnit
from pactline.domain.rating.charges import Charge
from pactline.domain.rating.schedule import assemble_invoices, invoice_schedule
from pactline.domain.rating.usage import NO_USAGE, InlineUsage, UsageRecord

D = date
MONTHLY = BillingCycle(CycleUnit.MONTH)
JAN1, FEB1, MAR1, APR1 = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)
MAR31 = D(2026, 3, 31)
HALF_UP, HALF_EVEN = RoundingPolicy.HALF_UP, RoundingPolicy.HALF_EVEN
LINE_IDS = ("platform", "seats", "api")


def contract(
    *lines: LineItem,
    code: str = "USD",
    rounding: RoundingPolicy = HALF_UP,
    discounts: tuple[Discount, ...] = (),
    end_on: date | None = MAR31,
    commitment: Commitment | None = None,
) -> ContractTerms:
    return ContractTerms(
        id="c1",
        name="Acme 2026",
        customer_id="acme",
        currency=currency(code),
        timezone="UTC",
        start_on=JAN1,
        end_on=end_on,
        line_items=lines or tuple(fee(line_id) for line_id in LINE_IDS),
        discounts=discounts,
        commitment=commitment,
        rounding=rounding,
    )


def fee(line_id: str, price: str = "1000.00", **extra: object) -> LineItem:
    """A flat fee billed monthly in advance."""
    return LineItem(
        id=line_id,
        name=line_id.title(),
        charge_type=ChargeType.FIXED,
        price_versions=(PriceVersion(JAN1, FlatFee(Decimal(price))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
        **extra,  # type: ignore[arg-type]
    )


def metered(line_id: str = "api", price: str = "0.05", **extra: object) -> LineItem:
    """Usage priced per unit, billed monthly in arrears."""
    return LineItem(
        id=line_id,
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=(PriceVersion(JAN1, PerUnit(Decimal(price))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id="calls",
        **extra,  # type: ignore[arg-type]
    )


def charge(
    line_item_id: str | None,
    amount: str,
    *,
    discount: str = "0",
    kind: LineKind = LineKind.CHARGE,
    issue_on: date = JAN1,
    start_on: date = JAN1,
    end_on: date = FEB1,
    group: str = DEFAULT_BILLING_GROUP,
    net_terms_days: int = 30,
    tax_rate: str = "0",
) -> Charge:
    return Charge(
        kind=kind,
        line_item_id=line_item_id,
        description=f"{line_item_id} {kind.value} {start_on}",
        billing_group=group,
        issue_on=issue_on,
        net_terms_days=net_terms_days,
        period_start_on=start_on,
        period_end_on=end_on,
        quantity=None,
        unit_price=None,
        amount=Decimal(amount),
        discount=Decimal(discount),
        tax_rate=Decimal(tax_rate),
    )


def parts(invoice: Invoice) -> list[tuple[str | None, str, str, str]]:
    """Each line as (line item, amount, discount, tax), amounts as their exact digits."""
    return [
        (
            line.line_item_id,
            str(line.amount.amount),
            str(line.discount.amount),
            str(line.tax.amount),
        )
        for line in invoice.lines
    ]


def usage(*quantities: tuple[date, int]) -> InlineUsage:
    return InlineUsage(
        UsageRecord("api", datetime(day.year, day.month, day.day, 12, tzinfo=UTC), Decimal(q))
        for day, q in quantities
    )


# --- end to end: consolidation and separate invoices ----------------------------------------------

# Platform 1000.00 a month in advance; API calls at 0.05 in arrears: 1000 calls in January
# (50.00), 2500 in February (125.00), none in March (0.00).
CALLS = usage((D(2026, 1, 15), 1000), (D(2026, 2, 15), 2500))


def test_advance_fee_and_arrears_usage_consolidate_on_each_issue_date() -> None:
    invoices = invoice_schedule(contract(fee("platform"), metered()), CALLS)
    assert [(i.number, i.issue_on, i.due_on, str(i.total)) for i in invoices] == [
        ("DRAFT-0001", JAN1, D(2026, 1, 31), "USD 1000.00"),  # January's fee
        ("DRAFT-0002", FEB1, D(2026, 3, 3), "USD 1050.00"),  # February's fee + 1000 × 0.05
        ("DRAFT-0003", MAR1, D(2026, 3, 31), "USD 1125.00"),  # March's fee + 2500 × 0.05
        ("DRAFT-0004", APR1, D(2026, 5, 1), "USD 0.00"),  # March's usage: none
    ]
    second = invoices[1]
    assert [(line.line_item_id, line.period_start_on) for line in second.lines] == [
        ("platform", FEB1),
        ("api", JAN1),
    ]
    assert (second.period_start_on, second.period_end_on) == (JAN1, MAR1)
    assert {i.billing_group for i in invoices} == {DEFAULT_BILLING_GROUP}


def test_separate_invoice_line_forms_its_own_invoice_after_the_default_group() -> None:
    invoices = invoice_schedule(contract(fee("platform"), metered(separate_invoice=True)), CALLS)
    assert [
        (i.number, i.issue_on, [line.line_item_id for line in i.lines], str(i.total))
        for i in invoices
    ] == [
        ("DRAFT-0001", JAN1, ["platform"], "USD 1000.00"),
        ("DRAFT-0002", FEB1, ["platform"], "USD 1000.00"),
        ("DRAFT-0003", FEB1, ["api"], "USD 50.00"),
        ("DRAFT-0004", MAR1, ["platform"], "USD 1000.00"),
        ("DRAFT-0005", MAR1, ["api"], "USD 125.00"),
        ("DRAFT-0006", APR1, ["api"], "USD 0.00"),
    ]
    assert invoices[1].billing_group == DEFAULT_BILLING_GROUP
    assert invoices[2].billing_group != DEFAULT_BILLING_GROUP


def test_line_commitment_true_up_follows_the_lines_charge_on_its_invoice() -> None:
    # 100.00 a month committed; January 50.00 → 50.00 true-up on Feb 1; February 125.00 → none;
    # March 0.00 → 100.00 on Apr 1.
    api = metered(commitment=Commitment(CommitmentKind.AMOUNT, per_period=Decimal(100)))
    invoices = invoice_schedule(contract(fee("platform"), api), CALLS)
    assert [(line.line_item_id, line.kind) for line in invoices[1].lines] == [
        ("platform", LineKind.CHARGE),
        ("api", LineKind.CHARGE),
        ("api", LineKind.COMMITMENT_TRUE_UP),
    ]
    assert [str(i.total) for i in invoices] == [
        "USD 1000.00",
        "USD 1100.00",  # 1000 + 50 + 50
        "USD 1125.00",
        "USD 100.00",  # 0 + 100
    ]


def test_contract_commitment_true_up_comes_last_on_the_closing_invoice() -> None:
    # 4000.00 over the contract; spend 3 × 1000 + 50 + 125 + 0 = 3175 → 825.00 on Apr 1.
    commitment = Commitment(CommitmentKind.AMOUNT, total=Decimal(4000))
    invoices = invoice_schedule(contract(fee("platform"), metered(), commitment=commitment), CALLS)
    last = invoices[-1]
    assert last.issue_on == APR1
    assert [(line.line_item_id, line.kind, str(line.amount)) for line in last.lines] == [
        ("api", LineKind.CHARGE, "USD 0.00"),
        (None, LineKind.COMMITMENT_TRUE_UP, "USD 825.00"),
    ]


# --- end to end: horizon, as-of, count, determinism ----------------------------------------------


def test_open_ended_contract_needs_a_horizon() -> None:
    with pytest.raises(InvalidArgument) as raised:
        invoice_schedule(contract(fee("platform"), end_on=None), NO_USAGE)
    assert [p.field for p in raised.value.problems] == ["horizon"]


def test_open_ended_contract_bills_periods_starting_before_the_horizon() -> None:
    # Horizon Mar 1: the fee for January and February; usage for January (issued Feb 1) and
    # February (issued Mar 1, after the horizon but for a period that started before it).
    invoices = invoice_schedule(
        contract(fee("platform"), metered(), end_on=None), CALLS, horizon_on=MAR1
    )
    assert [(i.issue_on, str(i.total)) for i in invoices] == [
        (JAN1, "USD 1000.00"),
        (FEB1, "USD 1050.00"),
        (MAR1, "USD 125.00"),
    ]


def test_a_horizon_does_not_cut_a_contract_that_has_an_end_date() -> None:
    terms = contract(fee("platform"), metered())
    with_horizon = invoice_schedule(terms, CALLS, horizon_on=FEB1)
    assert with_horizon == invoice_schedule(terms, CALLS)
    assert [i.issue_on for i in with_horizon] == [JAN1, FEB1, MAR1, APR1]


def test_issued_by_keeps_the_invoices_issued_that_day_or_before_exactly() -> None:
    # The total commitment of 4000.00 closes on Apr 1: it is missing until then, and the
    # invoices up to Mar 1 are the full schedule's, numbers included.
    commitment = Commitment(CommitmentKind.AMOUNT, total=Decimal(4000))
    terms = contract(fee("platform"), metered(), commitment=commitment)
    full = invoice_schedule(terms, CALLS)
    assert invoice_schedule(terms, CALLS, issued_by=D(2026, 2, 28)) == full[:2]
    assert invoice_schedule(terms, CALLS, issued_by=MAR1) == full[:3]
    assert invoice_schedule(terms, CALLS, issued_by=APR1) == full
    assert [i.number for i in full[:3]] == ["DRAFT-0001", "DRAFT-0002", "DRAFT-0003"]


def test_issued_by_bounds_an_open_ended_contract_without_a_horizon() -> None:
    terms = contract(fee("platform"), metered(), end_on=None)
    assert [(i.issue_on, str(i.total)) for i in invoice_schedule(terms, CALLS, issued_by=MAR1)] == [
        (JAN1, "USD 1000.00"),
        (FEB1, "USD 1050.00"),
        (MAR1, "USD 1125.00"),
    ]


@given(
    day=st.dates(min_value=D(2025, 12, 30), max_value=D(2026, 4, 3)),
    monthly=st.booleans(),
    cumulative=st.booleans(),
)
def test_issued_by_is_the_full_schedule_cut_at_that_day(
    day: date, monthly: bool, cumulative: bool
) -> None:
    # Per-period or whole-term commitments, on the line and on the contract: a true-up is
    # issued on the close of what it measures, so cutting the rating never changes one.
    mode = CommitmentMode.CUMULATIVE if cumulative else CommitmentMode.GREEDY
    cycle = MONTHLY if monthly else None
    terms = contract(
        fee("platform"),
        metered(
            commitment=Commitment(CommitmentKind.AMOUNT, total=Decimal(300), cycle=cycle, mode=mode)
        ),
        commitment=Commitment(CommitmentKind.AMOUNT, total=Decimal(4000), cycle=cycle, mode=mode),
    )
    full = [i for i in invoice_schedule(terms, CALLS) if i.issue_on <= day]
    assert invoice_schedule(terms, CALLS, issued_by=day) == full


def test_as_of_and_count_select_invoices_without_renumbering_them() -> None:
    terms = contract(fee("platform"), metered())
    invoices = invoice_schedule(terms, CALLS, as_of_on=D(2026, 1, 2), count=2)
    assert [(i.number, i.issue_on) for i in invoices] == [
        ("DRAFT-0002", FEB1),
        ("DRAFT-0003", MAR1),
    ]
    assert [i.issue_on for i in invoice_schedule(terms, CALLS, as_of_on=MAR1)] == [MAR1, APR1]
    assert invoice_schedule(terms, CALLS, count=0) == []


def test_a_negative_count_is_rejected() -> None:
    with pytest.raises(InvalidArgument) as raised:
        invoice_schedule(contract(fee("platform")), NO_USAGE, count=-1)
    assert [p.field for p in raised.value.problems] == ["count"]


def test_invalid_terms_are_rejected_before_anything_is_rated() -> None:
    with pytest.raises(InvalidArgument):
        invoice_schedule(dataclasses.replace(contract(fee("platform")), line_items=()), NO_USAGE)


@given(quantities=st.lists(st.integers(min_value=0, max_value=10**7), min_size=3, max_size=3))
def test_schedule_is_deterministic_and_its_lines_add_up(quantities: list[int]) -> None:
    calls = usage(*zip((D(2026, 1, 9), D(2026, 2, 9), D(2026, 3, 9)), quantities, strict=True))
    terms = contract(
        fee("platform", "999.995"),
        metered(price="0.0037", tax_rate=Decimal("8.875")),
        discounts=(Discount(DiscountKind.PERCENT, Decimal("7.5")),),
    )
    first, second = invoice_schedule(terms, calls), invoice_schedule(terms, calls)
    assert first == second
    assert repr(first) == repr(second)
    for invoice in first:
        assert sum((line.total for line in invoice.lines), Money.zero(terms.currency)) == (
            invoice.total
        )
        assert invoice.subtotal - invoice.discount + invoice.tax == invoice.total


# --- grouping and ordering ------------------------------------------------------------------------


def test_invoices_order_by_date_then_default_group_then_line_order() -> None:
    charges = [
        charge("api", "3", issue_on=FEB1, group="api"),
        charge("seats", "2", issue_on=FEB1, group="seats"),
        charge("api", "1", issue_on=JAN1, group="api"),
        charge("platform", "4", issue_on=FEB1),
    ]
    invoices = assemble_invoices(contract(), charges)
    assert [(i.number, i.issue_on, i.billing_group) for i in invoices] == [
        ("DRAFT-0001", JAN1, "api"),
        ("DRAFT-0002", FEB1, DEFAULT_BILLING_GROUP),
        ("DRAFT-0003", FEB1, "seats"),  # seats is line 1, api line 2
        ("DRAFT-0004", FEB1, "api"),
    ]


def test_lines_order_by_line_item_then_period_start_then_kind() -> None:
    charges = [
        charge(None, "9", kind=LineKind.COMMITMENT_TRUE_UP),
        charge("api", "8", kind=LineKind.COMMITMENT_TRUE_UP),
        charge("api", "7", kind=LineKind.ADJUSTMENT),
        charge("api", "6"),
        charge("seats", "5", start_on=D(2026, 1, 15)),
        charge("seats", "4"),
        charge("platform", "3"),
    ]
    [invoice] = assemble_invoices(contract(), charges)
    assert [(line.line_item_id, str(line.amount.amount)) for line in invoice.lines] == [
        ("platform", "3.00"),
        ("seats", "4.00"),
        ("seats", "5.00"),
        ("api", "6.00"),
        ("api", "7.00"),
        ("api", "8.00"),
        (None, "9.00"),
    ]


def test_different_net_terms_on_one_day_make_separate_invoices() -> None:
    charges = [charge("platform", "1", net_terms_days=45), charge("seats", "2")]
    invoices = assemble_invoices(contract(), charges)
    assert [(i.due_on, [line.line_item_id for line in i.lines]) for i in invoices] == [
        (D(2026, 1, 31), ["seats"]),
        (D(2026, 2, 15), ["platform"]),
    ]


# --- contract-level discounts ---------------------------------------------------------------------


def test_contract_percent_discount_is_rounded_once_and_the_remainder_cent_goes_first() -> None:
    # Nets 33.33 × 3 = 99.99; 10% = 9.999 → 10.00 = 1000 cents; 1000 / 3 = 333 each and one
    # cent left over, which goes to the first of the equal fractions.
    terms = contract(discounts=(Discount(DiscountKind.PERCENT, Decimal(10)),))
    [invoice] = assemble_invoices(terms, [charge(line_id, "33.33") for line_id in LINE_IDS])
    assert parts(invoice) == [
        ("platform", "33.33", "3.34", "0.00"),
        ("seats", "33.33", "3.33", "0.00"),
        ("api", "33.33", "3.33", "0.00"),
    ]
    assert (str(invoice.subtotal), str(invoice.discount), str(invoice.total)) == (
        "USD 99.99",
        "USD 10.00",
        "USD 89.99",
    )


def test_contract_discount_applies_after_line_discounts_and_adds_to_them() -> None:
    # platform 200.00 with 50.005 off at line level → 50.01 (HALF_UP), net 149.99;
    # seats 100.00, net 100.00. 10% of 249.99 = 24.999 → 25.00 = 2500 cents:
    # 2500 × 149.99/249.99 = 1499.96… → 1499, 2500 × 100/249.99 = 1000.04… → 1000; the left
    # cent goes to platform (.96 > .04) → 15.00 and 10.00. Tax 10% on 134.99 → 13.499 → 13.50,
    # on 90.00 → 9.00.
    terms = contract(discounts=(Discount(DiscountKind.PERCENT, Decimal(10)),))
    charges = [
        charge("platform", "200", discount="50.005", tax_rate="10"),
        charge("seats", "100", tax_rate="10"),
    ]
    [invoice] = assemble_invoices(terms, charges)
    assert parts(invoice) == [
        ("platform", "200.00", "65.01", "13.50"),
        ("seats", "100.00", "10.00", "9.00"),
    ]


def test_percent_then_amount_and_the_amount_never_below_zero() -> None:
    # Net 100: 10% → 10, then 5 off → 15 in all. Net 12: 10% → 1.20, then 5 off → 6.20.
    # Net 3: 10% → 0.30, then min(5, 2.70) → 3.00: the invoice comes to zero.
    terms = contract(
        discounts=(
            Discount(DiscountKind.AMOUNT, Decimal(5)),
            Discount(DiscountKind.PERCENT, Decimal(10)),
        )
    )
    charges = [
        charge("platform", "100"),
        charge("platform", "12", issue_on=FEB1),
        charge("platform", "3", issue_on=MAR1),
    ]
    assert [str(i.discount) for i in assemble_invoices(terms, charges)] == [
        "USD 15.00",
        "USD 6.20",
        "USD 3.00",
    ]


def test_contract_discount_applies_by_issue_date_inside_its_window() -> None:
    window = DateWindow(JAN1, D(2026, 1, 31))
    terms = contract(discounts=(Discount(DiscountKind.AMOUNT, Decimal(5), window),))
    charges = [charge("platform", "100"), charge("platform", "100", issue_on=FEB1)]
    assert [str(i.discount) for i in assemble_invoices(terms, charges)] == ["USD 5.00", "USD 0.00"]


def test_a_credit_line_takes_no_share_of_the_contract_discount() -> None:
    # Nets 100 and -20 → 80; 10% = 8.00, all of it on the positive line.
    terms = contract(discounts=(Discount(DiscountKind.PERCENT, Decimal(10)),))
    charges = [charge("platform", "100"), charge("seats", "-20", kind=LineKind.ADJUSTMENT)]
    [invoice] = assemble_invoices(terms, charges)
    assert parts(invoice) == [
        ("platform", "100.00", "8.00", "0.00"),
        ("seats", "-20.00", "0.00", "0.00"),
    ]


# --- rounding and tax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        # 12.345 → 12.35, tax 12.35 × 8.875% = 1.0960625 → 1.10; 60 × 8.875% = 5.325 → 5.33.
        (HALF_UP, [("platform", "12.35", "0.00", "1.10"), ("seats", "60.00", "0.00", "5.33")]),
        # 12.345 → 12.34, tax 12.34 × 8.875% = 1.095175 → 1.10; 5.325 → 5.32 (2 is even).
        (HALF_EVEN, [("platform", "12.34", "0.00", "1.10"), ("seats", "60.00", "0.00", "5.32")]),
    ],
)
def test_amount_and_tax_at_8_875_percent_round_by_the_contracts_policy(
    rounding: RoundingPolicy, expected: list[tuple[str, str, str, str]]
) -> None:
    charges = [
        charge("platform", "12.345", tax_rate="8.875"),
        charge("seats", "60", tax_rate="8.875"),
    ]
    [invoice] = assemble_invoices(contract(rounding=rounding), charges)
    assert parts(invoice) == expected


@pytest.mark.parametrize(
    ("rounding", "expected", "total"),
    [
        # 1234.5 → 1235; 0.5 off → 1 (away from zero); tax 10% of 1234 = 123.4 → 123.
        (HALF_UP, ("platform", "1235", "1", "123"), "JPY 1357"),
        # 1234.5 → 1234 (even); 0.5 → 0; tax 10% of 1234 = 123.4 → 123.
        (HALF_EVEN, ("platform", "1234", "0", "123"), "JPY 1357"),
    ],
)
def test_yen_rounds_to_whole_units(
    rounding: RoundingPolicy, expected: tuple[str, str, str, str], total: str
) -> None:
    terms = contract(code="JPY", rounding=rounding)
    [invoice] = assemble_invoices(
        terms, [charge("platform", "1234.5", discount="0.5", tax_rate="10")]
    )
    assert parts(invoice) == [expected]
    assert str(invoice.total) == total


def test_kuwaiti_dinar_rounds_to_three_decimals() -> None:
    # 10.0005 → 10.001 (HALF_UP); 0.0015 off → 0.002; net 9.999; tax 5% = 0.49995 → 0.500.
    [invoice] = assemble_invoices(
        contract(code="KWD"), [charge("platform", "10.0005", discount="0.0015", tax_rate="5")]
    )
    assert parts(invoice) == [("platform", "10.001", "0.002", "0.500")]
    assert str(invoice.total) == "KWD 10.499"


# --- invariants ----------------------------------------------------------------------------------

EXACT_AMOUNTS = st.decimals(
    min_value=Decimal("-500"), max_value=Decimal("5000"), places=4, allow_nan=False
)


@st.composite
def charges_for(draw: st.DrawFn) -> Charge:
    amount = draw(EXACT_AMOUNTS)
    fraction = draw(st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("0.375"), Decimal(1)]))
    return charge(
        draw(st.sampled_from([*LINE_IDS, None])),
        str(amount),
        discount=str(amount * fraction),
        kind=draw(st.sampled_from(list(LineKind))),
        issue_on=draw(st.sampled_from([JAN1, FEB1])),
        start_on=draw(st.sampled_from([JAN1, D(2026, 1, 15)])),
        group=draw(st.sampled_from([DEFAULT_BILLING_GROUP, "api"])),
        net_terms_days=draw(st.sampled_from([30, 45])),
        tax_rate=draw(st.sampled_from(["0", "8.875", "20"])),
    )


DISCOUNTS = st.lists(
    st.builds(
        Discount,
        st.sampled_from([DiscountKind.PERCENT, DiscountKind.AMOUNT]),
        st.decimals(min_value=0, max_value=100, places=3, allow_nan=False),
    ),
    max_size=2,
)


@given(
    charges=st.lists(charges_for(), min_size=1, max_size=12),
    discounts=DISCOUNTS,
    code=st.sampled_from(["USD", "JPY", "KWD"]),
    rounding=st.sampled_from([HALF_UP, HALF_EVEN]),
)
def test_every_line_part_is_rounded_once_and_lines_sum_to_totals(
    charges: list[Charge], discounts: list[Discount], code: str, rounding: RoundingPolicy
) -> None:
    terms = contract(code=code, rounding=rounding, discounts=tuple(discounts))
    invoices = assemble_invoices(terms, charges)
    assert sum(len(i.lines) for i in invoices) == len(charges)
    zero = Money.zero(terms.currency)
    for invoice in invoices:
        assert sum((line.total for line in invoice.lines), zero) == invoice.total
        assert invoice.subtotal - invoice.discount + invoice.tax == invoice.total
        for line in invoice.lines:
            assert line.amount.is_rounded()
            assert line.discount.is_rounded()
            expected_tax = (line.net * line.tax_rate * Decimal("0.01")).rounded(rounding)
            assert line.tax == expected_tax
        # The contract discount is what the invoice's discount adds to the line discounts: never
        # negative, and never more than the net those leave (nothing when that is not positive).
        own = [
            c
            for c in charges
            if (c.billing_group, c.issue_on, c.net_terms_days)
            == (
                invoice.billing_group,
                invoice.issue_on,
                invoice.due_on.toordinal() - invoice.issue_on.toordinal(),
            )
        ]
        line_discounts = sum(
            (Money(c.discount, terms.currency).rounded(rounding) for c in own), zero
        )
        line_net = invoice.subtotal - line_discounts
        contract_discount = invoice.discount - line_discounts
        assert zero <= contract_discount <= max(line_net, zero)


@given(
    charges=st.lists(charges_for(), min_size=1, max_size=12),
    discounts=DISCOUNTS,
    seed=st.integers(),
)
def test_the_same_charges_in_any_order_give_the_same_invoices(
    charges: list[Charge], discounts: list[Discount], seed: int
) -> None:
    terms = contract(discounts=tuple(discounts))
    shuffled = list(charges)
    random.Random(seed).shuffle(shuffled)
    assert assemble_invoices(terms, shuffled) == assemble_invoices(terms, charges)


@given(
    nets=st.lists(
        st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c).scaleb(-2)),
        min_size=1,
        max_size=5,
    ),
    percent=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
)
def test_contract_percent_discount_shares_add_up_to_the_rounded_discount(
    nets: list[Decimal], percent: Decimal
) -> None:
    terms = contract(discounts=(Discount(DiscountKind.PERCENT, percent),))
    [invoice] = assemble_invoices(terms, [charge("platform", str(n)) for n in nets])
    exact = sum(nets, Decimal(0)) * percent / Decimal(100)
    assert invoice.discount == Money(exact, terms.currency).rounded(HALF_UP)
