"""Minimum commitment true-ups (BILLING-SEMANTICS §6): greedy, cumulative, amount, quantity."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

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
    LineItem,
    PriceVersion,
)
from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, LineKind
from pactline.domain.money import RoundingPolicy
from pactline.domain.periods import BillingPeriod, ChargeTiming
from pactline.domain.rating import PerUnit, Tier, Volume
from pactline.domain.rating.charges import Charge, PeriodActual
from pactline.domain.rating.commitments import contract_true_ups, line_true_ups

D = date
USD = currency("USD")
MONTHLY = BillingCycle(CycleUnit.MONTH)
FOUR_WEEKS = BillingCycle(CycleUnit.WEEK, 4)
GREEDY, CUMULATIVE = CommitmentMode.GREEDY, CommitmentMode.CUMULATIVE
Q1_START, Q1_END = D(2026, 1, 1), D(2026, 3, 31)

# Three 28-day periods (Mon 5 Jan 2026 – Sun 29 Mar 2026, 84 days): a total of 900 gives each
# period a share of exactly 900 × 28 / 84 = 300, the document's example.
EXAMPLE_PERIODS = (
    BillingPeriod(D(2026, 1, 5), D(2026, 2, 2), D(2026, 1, 5), D(2026, 2, 2)),
    BillingPeriod(D(2026, 2, 2), D(2026, 3, 2), D(2026, 2, 2), D(2026, 3, 2)),
    BillingPeriod(D(2026, 3, 2), D(2026, 3, 30), D(2026, 3, 2), D(2026, 3, 30)),
)
MONTHS_Q1 = (
    BillingPeriod(D(2026, 1, 1), D(2026, 2, 1), D(2026, 1, 1), D(2026, 2, 1)),
    BillingPeriod(D(2026, 2, 1), D(2026, 3, 1), D(2026, 2, 1), D(2026, 3, 1)),
    BillingPeriod(D(2026, 3, 1), D(2026, 4, 1), D(2026, 3, 1), D(2026, 4, 1)),
)


def line(
    commitment: Commitment | None,
    *,
    cycle: BillingCycle = MONTHLY,
    versions: tuple[PriceVersion, ...] = (PriceVersion(D(2026, 1, 1), PerUnit(Decimal("2.00"))),),
    separate_invoice: bool = False,
    tax_rate: Decimal | None = None,
    net_terms_days: int | None = None,
) -> LineItem:
    return LineItem(
        id="api",
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=versions,
        billing_cycle=cycle,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id="calls",
        commitment=commitment,
        separate_invoice=separate_invoice,
        tax_rate=tax_rate,
        net_terms_days=net_terms_days,
    )


def terms(
    *lines: LineItem,
    start_on: date = Q1_START,
    end_on: date | None = Q1_END,
    commitment: Commitment | None = None,
    tax_rate: Decimal | None = None,
) -> ContractTerms:
    return ContractTerms(
        id="c1",
        name="Acme",
        customer_id="acme",
        currency=USD,
        timezone="UTC",
        start_on=start_on,
        end_on=end_on,
        line_items=lines,
        commitment=commitment,
        tax_rate=tax_rate,
    )


def actuals(
    periods: tuple[BillingPeriod, ...], spends: list[str], quantities: list[str] | None = None
) -> list[PeriodActual]:
    units = quantities or ["0"] * len(spends)
    return [
        PeriodActual(period, Decimal(spend), Decimal(quantity))
        for period, spend, quantity in zip(periods, spends, units, strict=True)
    ]


def example(
    mode: CommitmentMode,
    spends: list[str],
    *,
    total: Decimal | None = None,
    per_period: Decimal | None = None,
) -> list[Charge]:
    commitment = Commitment(CommitmentKind.AMOUNT, mode, total=total, per_period=per_period)
    item = line(commitment, cycle=FOUR_WEEKS)
    contract = terms(item, start_on=D(2026, 1, 5), end_on=D(2026, 3, 29))
    return line_true_ups(contract, item, actuals(EXAMPLE_PERIODS, spends))


def by_close(charges: list[Charge]) -> dict[date, Decimal]:
    return {charge.issue_on: charge.amount for charge in charges}


# --- the document's examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "spends", "expected"),
    [
        # greedy: 300-100 = 200; 600 meets its share; 50 misses by 250 but 100+600+50+200 = 950
        # already exceeds 900, so the cap 900 - 950 < 0 leaves 0.
        (GREEDY, ["100", "600", "50"], ["200", "0", "0"]),
        # cumulative: 300-100 = 200; 600-700-200 < 0; 900-750-200 = -50 → 0.
        (CUMULATIVE, ["100", "600", "50"], ["200", "0", "0"]),
        # greedy: 500 ≥ 300; 300-100 = 200 (cap 900-600 = 300); 300 meets its share.
        (GREEDY, ["500", "100", "300"], ["0", "200", "0"]),
        # cumulative: 300-500 < 0; 600-600 = 0; 900-900 = 0.
        (CUMULATIVE, ["500", "100", "300"], ["0", "0", "0"]),
    ],
)
def test_total_900_over_three_periods_follows_the_documented_examples(
    mode: CommitmentMode, spends: list[str], expected: list[str]
) -> None:
    charged = by_close(example(mode, spends, total=Decimal(900)))
    closes = [period.end_on for period in EXAMPLE_PERIODS]
    assert [charged.get(close, Decimal(0)) for close in closes] == [Decimal(e) for e in expected]


def test_per_period_greedy_charges_every_missed_share_without_a_total_cap() -> None:
    # 300-100 = 200; 300-600 < 0; 300-50 = 250 (no total, so nothing caps it).
    assert by_close(example(GREEDY, ["100", "600", "50"], per_period=Decimal(300))) == {
        D(2026, 2, 2): Decimal(200),
        D(2026, 3, 30): Decimal(250),
    }


def test_per_period_cumulative_lets_a_heavy_period_cover_later_ones() -> None:
    # 300-100 = 200; 600-700-200 < 0; 900-750-200 = -50 → 0.
    assert by_close(example(CUMULATIVE, ["100", "600", "50"], per_period=Decimal(300))) == {
        D(2026, 2, 2): Decimal(200)
    }


# --- shares by days ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [GREEDY, CUMULATIVE])
def test_total_share_is_prorated_by_period_days_over_window_days(mode: CommitmentMode) -> None:
    # Jan–Mar 2026 = 90 days: shares 900×31/90 = 310, 900×28/90 = 280, 900×31/90 = 310.
    # greedy: 310-100 = 210; 280-300 < 0; 310-200 = 110 capped at 900-(600+210) = 90.
    # cumulative: 310-100 = 210; 590-400-210 < 0; 900-600-210 = 90.
    item = line(Commitment(CommitmentKind.AMOUNT, mode, total=Decimal(900)))
    charges = line_true_ups(terms(item), item, actuals(MONTHS_Q1, ["100", "300", "200"]))
    assert by_close(charges) == {D(2026, 2, 1): Decimal(210), D(2026, 4, 1): Decimal(90)}


def test_cumulative_true_ups_of_an_unused_total_add_up_to_it_to_the_cent() -> None:
    # Shares of 1000 over 90 days: 344.44…, 311.11…, 344.44…. Each shortfall is charged in
    # cents: 344.44; then 655.55… - 344.44 = 311.1155… → 311.12; then 1000 - 655.56 = 344.44.
    item = line(Commitment(CommitmentKind.AMOUNT, CUMULATIVE, total=Decimal(1000)))
    charges = line_true_ups(terms(item), item, actuals(MONTHS_Q1, ["0", "0", "0"]))
    assert [c.amount for c in charges] == [Decimal("344.44"), Decimal("311.12"), Decimal("344.44")]
    assert sum(c.amount for c in charges) == Decimal(1000)


def test_greedy_share_rounds_half_even_when_the_contract_says_so() -> None:
    # One period of 2 days in a 4-day window, total 0.05: share 0.025, a tie at the cent.
    # HALF_UP → 0.03; HALF_EVEN → 0.02.
    period = BillingPeriod(D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 1), D(2026, 1, 3))
    item = line(Commitment(CommitmentKind.AMOUNT, GREEDY, total=Decimal("0.05")))
    up = terms(item, end_on=D(2026, 1, 4))
    even = dataclasses.replace(up, rounding=RoundingPolicy.HALF_EVEN)
    unused = [PeriodActual(period, Decimal(0), Decimal(0))]
    assert [c.amount for c in line_true_ups(up, item, unused)] == [Decimal("0.03")]
    assert [c.amount for c in line_true_ups(even, item, unused)] == [Decimal("0.02")]


# --- windows, cycles, horizon --------------------------------------------------------------------


def test_periods_outside_the_commitment_window_are_not_evaluated() -> None:
    # Window Feb 1 – Mar 31 (59 days), total 590: shares Feb 590×28/59 = 280, Mar 310.
    # January's zero spend is outside the window and charges nothing.
    window = DateWindow(D(2026, 2, 1), D(2026, 3, 31))
    item = line(Commitment(CommitmentKind.AMOUNT, GREEDY, total=Decimal(590), window=window))
    charges = line_true_ups(terms(item), item, actuals(MONTHS_Q1, ["0", "80", "310"]))
    assert by_close(charges) == {D(2026, 3, 1): Decimal(200)}  # 280 - 80


def test_a_quarterly_evaluation_cycle_sums_the_monthly_actuals() -> None:
    # One quarter Jan 1 – Apr 1 = the whole window: share 900; actual 100+300+200 = 600 → 300,
    # charged once at the quarter's close.
    commitment = Commitment(
        CommitmentKind.AMOUNT, GREEDY, total=Decimal(900), cycle=BillingCycle(CycleUnit.QUARTER)
    )
    item = line(commitment)
    charges = line_true_ups(terms(item), item, actuals(MONTHS_Q1, ["100", "300", "200"]))
    assert [(c.period_start_on, c.period_end_on, c.amount) for c in charges] == [
        (D(2026, 1, 1), D(2026, 4, 1), Decimal(300))
    ]


def test_an_evaluation_period_the_actuals_do_not_cover_is_not_evaluated() -> None:
    # Open-ended line rated to a horizon: only January and February have actuals, so the
    # quarter closing on Apr 1 is left for a later run instead of charging 300 - 0 for it.
    commitment = Commitment(
        CommitmentKind.AMOUNT,
        GREEDY,
        per_period=Decimal(300),
        cycle=BillingCycle(CycleUnit.QUARTER),
    )
    item = line(commitment)
    contract = terms(item, end_on=None)
    assert line_true_ups(contract, item, actuals(MONTHS_Q1[:2], ["0", "0"])) == []


def test_a_total_on_an_open_ended_line_without_a_window_end_is_rejected() -> None:
    item = line(Commitment(CommitmentKind.AMOUNT, GREEDY, total=Decimal(900)))
    with pytest.raises(InvalidArgument) as raised:
        line_true_ups(terms(item, end_on=None), item, actuals(MONTHS_Q1, ["0", "0", "0"]))
    assert [p.field for p in raised.value.problems] == ["lineItems[0].commitment.endDate"]


def test_a_line_without_commitment_has_no_true_ups() -> None:
    item = line(None)
    assert line_true_ups(terms(item), item, actuals(MONTHS_Q1, ["0", "0", "0"])) == []


# --- the true-up charge --------------------------------------------------------------------------


def test_true_up_charge_carries_the_lines_terms_and_closes_its_period() -> None:
    item = line(
        Commitment(CommitmentKind.AMOUNT, GREEDY, per_period=Decimal(300)),
        separate_invoice=True,
        tax_rate=Decimal("8.875"),
        net_terms_days=45,
    )
    [charge] = line_true_ups(terms(item), item, actuals(MONTHS_Q1[:1], ["120.50"]))
    assert charge == Charge(
        kind=LineKind.COMMITMENT_TRUE_UP,
        line_item_id="api",
        description="Minimum commitment true-up (Jan 1 – Jan 31, 2026)",
        billing_group="api",
        issue_on=D(2026, 2, 1),
        net_terms_days=45,
        period_start_on=D(2026, 1, 1),
        period_end_on=D(2026, 2, 1),
        quantity=None,
        unit_price=None,
        amount=Decimal("179.50"),  # 300 - 120.50
        discount=Decimal(0),
        tax_rate=Decimal("8.875"),
    )


def test_true_up_takes_the_billing_group_it_is_given() -> None:
    item = line(Commitment(CommitmentKind.AMOUNT, GREEDY, per_period=Decimal(300)))
    [charge] = line_true_ups(
        terms(item), item, actuals(MONTHS_Q1[:1], ["0"]), billing_group="group-x"
    )
    assert charge.billing_group == "group-x"
    [default] = line_true_ups(terms(item), item, actuals(MONTHS_Q1[:1], ["0"]))
    assert default.billing_group == DEFAULT_BILLING_GROUP


def test_description_names_both_years_when_the_period_spans_new_year() -> None:
    period = BillingPeriod(D(2025, 12, 15), D(2026, 1, 15), D(2025, 12, 15), D(2026, 1, 15))
    item = line(Commitment(CommitmentKind.AMOUNT, GREEDY, per_period=Decimal(1)))
    contract = terms(item, start_on=D(2025, 12, 15))
    [charge] = line_true_ups(contract, item, [PeriodActual(period, Decimal(0), Decimal(0))])
    assert charge.description == "Minimum commitment true-up (Dec 15, 2025 – Jan 14, 2026)"


# --- quantity commitments ------------------------------------------------------------------------


def test_quantity_shortfall_is_priced_as_the_extra_units_on_the_closing_version() -> None:
    # 1000 units a month; January used 700 → 300 units short. January's last day (Jan 31) is
    # under the second version (from Jan 16, volume): 1000 units fall in the 0.50 row, 700 in
    # the 0.80 row → 1000×0.50 - 700×0.80 = 500 - 560 < 0 → floored at 0.
    # February used 400 → 600 short: 1000×0.50 - 400×0.80 = 500 - 320 = 180.
    volume = Volume(
        (
            Tier(Decimal(0), Decimal(800), Decimal("0.80")),
            Tier(Decimal(800), None, Decimal("0.50")),
        )
    )
    versions = (
        PriceVersion(D(2026, 1, 1), PerUnit(Decimal(1)), D(2026, 1, 15)),
        PriceVersion(D(2026, 1, 16), volume),
    )
    commitment = Commitment(CommitmentKind.QUANTITY, GREEDY, per_period=Decimal(1000))
    item = line(commitment, versions=versions)
    charges = line_true_ups(terms(item), item, actuals(MONTHS_Q1[:2], ["9", "9"], ["700", "400"]))
    assert [(c.issue_on, c.quantity, c.amount) for c in charges] == [
        (D(2026, 2, 1), Decimal(300), Decimal(0)),
        (D(2026, 3, 1), Decimal(600), Decimal(180)),
    ]


def test_quantity_commitment_compares_units_not_spend() -> None:
    # 500 units committed per month at 2.00 per unit; 450 used → 50 units → 100.00, although
    # the spend (9999) is far above 500.
    commitment = Commitment(CommitmentKind.QUANTITY, GREEDY, per_period=Decimal(500))
    item = line(commitment)
    [charge] = line_true_ups(terms(item), item, actuals(MONTHS_Q1[:1], ["9999"], ["450"]))
    assert (charge.quantity, charge.amount) == (Decimal(50), Decimal("100.00"))


# --- contract-level commitments ------------------------------------------------------------------


def spend(line_item_id: str, start_on: date, net: str, kind: LineKind = LineKind.CHARGE) -> Charge:
    return Charge(
        kind=kind,
        line_item_id=line_item_id,
        description="x",
        billing_group=DEFAULT_BILLING_GROUP,
        issue_on=start_on,
        net_terms_days=30,
        period_start_on=start_on,
        period_end_on=D(2026, 4, 1),
        quantity=None,
        unit_price=None,
        amount=Decimal(net),
        discount=Decimal(0),
        tax_rate=Decimal(0),
    )


def test_contract_commitment_defaults_to_one_evaluation_at_the_contracts_close() -> None:
    # 2000 over the contract; spend 500 + 300 + (-50 adjustment) = 750; an earlier true-up is
    # not spend → 2000 - 750 = 1250, issued Apr 1 in the default group at the contract rate.
    commitment = Commitment(CommitmentKind.AMOUNT, GREEDY, total=Decimal(2000))
    contract = terms(line(None), commitment=commitment, tax_rate=Decimal(5))
    charges = [
        spend("api", D(2026, 1, 1), "500"),
        spend("seats", D(2026, 3, 1), "300"),
        spend("seats", D(2026, 3, 1), "-50", LineKind.ADJUSTMENT),
        spend("api", D(2026, 2, 1), "999", LineKind.COMMITMENT_TRUE_UP),
    ]
    [true_up] = contract_true_ups(contract, charges, None)
    assert (true_up.line_item_id, true_up.billing_group, true_up.issue_on) == (
        None,
        DEFAULT_BILLING_GROUP,
        D(2026, 4, 1),
    )
    assert (true_up.amount, true_up.tax_rate) == (Decimal(1250), Decimal(5))
    assert true_up.description == "Minimum commitment true-up (Jan 1 – Mar 31, 2026)"


def test_contract_commitment_with_a_cycle_skips_periods_closing_after_the_horizon() -> None:
    # Monthly, 100 per month, open-ended; horizon Mar 15: January (spend 40 → 60) and February
    # (spend 100 → 0) are evaluated; March closes Apr 1, after the horizon.
    commitment = Commitment(
        CommitmentKind.AMOUNT, CUMULATIVE, per_period=Decimal(100), cycle=MONTHLY
    )
    contract = terms(line(None), end_on=None, commitment=commitment)
    charges = [spend("api", D(2026, 1, 1), "40"), spend("api", D(2026, 2, 1), "100")]
    # cumulative: 100-40 = 60; 200-140-60 = 0.
    assert by_close(contract_true_ups(contract, charges, D(2026, 3, 15))) == {
        D(2026, 2, 1): Decimal(60)
    }


def test_contract_without_commitment_has_no_true_ups() -> None:
    assert contract_true_ups(terms(line(None)), [spend("api", D(2026, 1, 1), "1")], None) == []


# --- invariants ----------------------------------------------------------------------------------

CENTS = st.integers(min_value=0, max_value=200_000).map(lambda c: Decimal(c).scaleb(-2))


@given(
    total=st.integers(min_value=1, max_value=100_000).map(Decimal),
    spends=st.lists(CENTS, min_size=3, max_size=3),
    mode=st.sampled_from([GREEDY, CUMULATIVE]),
)
def test_true_ups_never_exceed_the_commitment_total(
    total: Decimal, spends: list[Decimal], mode: CommitmentMode
) -> None:
    item = line(Commitment(CommitmentKind.AMOUNT, mode, total=total))
    periods = [PeriodActual(p, s, Decimal(0)) for p, s in zip(MONTHS_Q1, spends, strict=True)]
    charges = line_true_ups(terms(item), item, periods)
    assert all(charge.amount > 0 for charge in charges)
    assert sum(charge.amount for charge in charges) <= total


@given(
    total=st.integers(min_value=1, max_value=100_000).map(Decimal),
    extra=st.lists(CENTS, min_size=3, max_size=3),
)
def test_greedy_and_cumulative_charge_nothing_when_every_period_meets_its_share(
    total: Decimal, extra: list[Decimal]
) -> None:
    # Shares are total × days / 90; the share rounded up to a cent, plus anything, meets it.
    shares = [Decimal(math.ceil(Fraction(total) * p.days / 90 * 100)).scaleb(-2) for p in MONTHS_Q1]
    periods = [
        PeriodActual(p, share + more, Decimal(0))
        for p, share, more in zip(MONTHS_Q1, shares, extra, strict=True)
    ]
    totals = []
    for mode in (GREEDY, CUMULATIVE):
        item = line(Commitment(CommitmentKind.AMOUNT, mode, total=total))
        totals.append(sum(c.amount for c in line_true_ups(terms(item), item, periods)))
    assert totals == [0, 0]
