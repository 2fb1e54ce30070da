"""Stored contracts: derived states, lifecycle transitions with their completeness checks,
renewal terms, amendment diffs, the contract value and line-item edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.catalog import Condition, Operation
from pactline.domain.contract_amendments import TermChange, terms_diff
from pactline.domain.contract_items import (
    RowChange,
    with_items_added,
    with_price_from,
    with_quantity_from,
    with_row_changed,
    without_item,
    without_row,
)
from pactline.domain.contract_lifecycle import (
    activated,
    activation_problems,
    amended,
    archived,
    canceled,
    expired,
    is_due_to_expire,
    renewal,
    renewal_terms,
    storage_problems,
)
from pactline.domain.contract_records import (
    Contract,
    ContractStatus,
    RenewalPolicy,
    StiggState,
    record_problems,
)
from pactline.domain.contract_value import contract_value
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.currency import currency
from pactline.domain.errors import EntityNotFound, InvalidArgument, StateConflict
from pactline.domain.legal_entities import BankTransfer, LegalEntity, legal_entity_problems
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, Graduated, PerUnit, Tier

JAN1, DEC31 = date(2026, 1, 1), date(2026, 12, 31)
T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
MONTHLY, YEARLY = BillingCycle(CycleUnit.MONTH), BillingCycle(CycleUnit.YEAR)

PLATFORM = LineItem(
    id="platform",
    name="Platform",
    charge_type=ChargeType.FIXED,
    price_versions=(PriceVersion(JAN1, FlatFee(Decimal(12000))),),
    billing_cycle=YEARLY,
    timing=ChargeTiming.IN_ADVANCE,
)
SEATS = LineItem(
    id="seats",
    name="Seats",
    charge_type=ChargeType.FIXED,
    price_versions=(
        PriceVersion(JAN1, PerUnit(Decimal(45)), date(2026, 6, 30)),
        PriceVersion(date(2026, 7, 1), PerUnit(Decimal(50))),
    ),
    billing_cycle=MONTHLY,
    timing=ChargeTiming.IN_ADVANCE,
    quantities=(QuantityChange(JAN1, Decimal(10)), QuantityChange(date(2026, 10, 1), Decimal(12))),
    discounts=(Discount(DiscountKind.PERCENT, Decimal(10), DateWindow(JAN1, date(2026, 3, 31))),),
)
CALLS = LineItem(
    id="calls",
    name="API calls",
    charge_type=ChargeType.USAGE,
    price_versions=(PriceVersion(JAN1, Graduated([Tier(Decimal(0), None, Decimal("0.002"))])),),
    billing_cycle=MONTHLY,
    timing=ChargeTiming.IN_ARREARS,
    metered_feature_id="calls",
    commitment=Commitment(CommitmentKind.AMOUNT, per_period=Decimal(100)),
)
METERED = frozenset({"calls"})  # the environment's metered features
TERMS = ContractTerms(
    id="c-1",
    name="Acme 2026",
    customer_id="acme",
    currency=currency("USD"),
    timezone="UTC",
    start_on=JAN1,
    end_on=DEC31,
    line_items=(PLATFORM, SEATS),
)
PAID = LegalEntity(
    id="le-1",
    environment_id="env",
    name="Pact GmbH",
    country="DE",
    address_lines=("Main 1",),
    created_at=T0,
    updated_at=T0,
    bank_transfer=BankTransfer("Pact GmbH", iban="DE89370400440532013000"),
)
DRAFT = Contract(
    id="c-1",
    environment_id="env",
    customer_id="acme",
    name="Acme 2026",
    status=ContractStatus.DRAFT,
    terms=TERMS,
    created_at=T0,
    updated_at=T0,
    legal_entity_id="le-1",
)


def codes(problems: list[object]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in problems]  # type: ignore[attr-defined]


# --- legal entities -------------------------------------------------------------------------


def test_a_legal_entity_has_a_payment_account_with_bank_details_or_an_airwallex_account() -> None:
    unpaid = replace(PAID, bank_transfer=None)
    assert PAID.has_payment_account
    assert not unpaid.has_payment_account
    assert replace(unpaid, airwallex_account_id="acct_123456").has_payment_account


def test_legal_entity_problems_name_each_field() -> None:
    broken = replace(
        PAID,
        name=" ",
        country="Germany",
        invoice_number_prefix="-x",
        bank_transfer=BankTransfer(" ", iban="de12"),
    )
    assert codes(legal_entity_problems(broken)) == [
        ("name", "required"),
        ("country", "invalid"),
        ("invoiceNumberPrefix", "invalid"),
        ("bankTransfer.accountHolder", "required"),
        ("bankTransfer.iban", "invalid"),
    ]
    no_account = replace(PAID, bank_transfer=BankTransfer("Pact GmbH"))
    assert codes(legal_entity_problems(no_account)) == [("bankTransfer.iban", "required")]


# --- states ---------------------------------------------------------------------------------


def test_an_active_contract_reads_expired_once_its_last_day_has_passed() -> None:
    active = replace(DRAFT, status=ContractStatus.ACTIVE)
    last_instant = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert active.status_at(last_instant) is ContractStatus.ACTIVE
    assert active.status_at(datetime(2027, 1, 1, tzinfo=UTC)) is ContractStatus.EXPIRED
    assert active.state_at(datetime(2027, 1, 1, tzinfo=UTC)) is StiggState.END_BILLING
    assert is_due_to_expire(active, datetime(2027, 1, 1, tzinfo=UTC))
    assert not is_due_to_expire(active, last_instant)


def test_the_term_is_counted_in_the_contract_timezone() -> None:
    berlin = replace(DRAFT, terms=replace(TERMS, timezone="Europe/Berlin"))
    assert berlin.starts_at == datetime(2025, 12, 31, 23, tzinfo=UTC)
    assert berlin.ends_at == datetime(2026, 12, 31, 23, tzinfo=UTC)


def test_billing_state_is_null_for_a_contract_that_only_provisions_access() -> None:
    assert DRAFT.billing_state_at(T0) is StiggState.DRAFT
    assert replace(DRAFT, billing_enabled=False).billing_state_at(T0) is None


def test_record_problems_name_the_api_fields() -> None:
    broken = replace(DRAFT, name="", po_number=" ", tags=("a", "a"), renewal=RenewalPolicy(True, 0))
    assert codes(record_problems(broken)) == [
        ("name", "invalid"),
        ("poNumber", "invalid"),
        ("tags", "duplicate"),
        ("renewalTermMonths", "out_of_range"),
    ]


# --- activation -----------------------------------------------------------------------------


def test_activation_moves_a_complete_draft_to_active_one_version_later() -> None:
    active = activated(DRAFT, PAID, METERED, T0)
    assert (active.status, active.version, active.activated_at) == (ContractStatus.ACTIVE, 2, T0)


def test_activation_lists_every_rule_and_completeness_problem() -> None:
    empty = replace(DRAFT, terms=replace(TERMS, line_items=()), legal_entity_id=None)
    with pytest.raises(InvalidArgument) as raised:
        activated(empty, None, METERED, T0)
    assert codes(list(raised.value.problems)) == [
        ("terms.lineItems", "required"),
        ("legalEntityId", "required"),
    ]
    unpaid = replace(PAID, bank_transfer=None)
    broken = replace(DRAFT, terms=replace(TERMS, line_items=(replace(SEATS, quantities=()),)))
    assert codes(activation_problems(broken, unpaid, METERED)) == [
        ("terms.lineItems[0].quantities", "required"),
        ("legalEntityId", "no_payment_account"),
    ]
    assert codes(activation_problems(DRAFT, None, METERED)) == [("legalEntityId", "not_found")]


def test_usage_lines_must_bill_a_metered_feature_once() -> None:
    # Usage lines read the usage store by feature: an unknown feature would bill nothing, and
    # two lines of one feature on the same days would each bill all of it.
    twin = replace(CALLS, id="calls-eu")
    july = date(2026, 7, 1)
    later = replace(
        CALLS,
        id="calls-h2",
        start_on=july,
        price_versions=(replace(CALLS.price_versions[0], start_on=july),),
    )
    terms = replace(TERMS, line_items=(CALLS, twin, later))
    contract = replace(DRAFT, terms=terms)
    assert codes(activation_problems(contract, PAID, frozenset())) == [
        ("terms.lineItems[0].meteredFeatureId", "unknown_metered_feature"),
        ("terms.lineItems[1].meteredFeatureId", "unknown_metered_feature"),
        ("terms.lineItems[1].meteredFeatureId", "feature_billed_twice"),
        ("terms.lineItems[2].meteredFeatureId", "unknown_metered_feature"),
        ("terms.lineItems[2].meteredFeatureId", "feature_billed_twice"),
    ]
    first_half = replace(CALLS, end_on=date(2026, 6, 30))
    split = replace(DRAFT, terms=replace(TERMS, line_items=(first_half, later)))
    assert activation_problems(split, PAID, METERED) == []


def other_contract(contract_id: str, terms: ContractTerms, **changes: object) -> Contract:
    """Another contract of the same customer, activated at T0 unless `changes` say otherwise."""
    live = replace(DRAFT, id=contract_id, terms=replace(terms, id=contract_id))
    return replace(live, **{"status": ContractStatus.ACTIVE, "activated_at": T0, **changes})


def test_a_feature_another_contract_of_the_customer_bills_is_refused_where_spans_meet() -> None:
    # Both contracts would read the customer's whole usage of 'calls': each would bill all of it.
    mine = replace(DRAFT, terms=replace(TERMS, line_items=(PLATFORM, CALLS)))
    billing = other_contract("c-0", replace(TERMS, line_items=(CALLS,)))
    with pytest.raises(InvalidArgument) as raised:
        activated(mine, PAID, METERED, T0, [billing])
    [problem] = raised.value.problems
    assert (problem.field, problem.code) == (
        "terms.lineItems[1].meteredFeatureId",
        "feature_billed_twice",
    )
    assert problem.message == (
        "contract 'c-0' (line 'calls') already bills 'calls' from 2026-01-01T00:00:00+00:00 "
        "until 2027-01-01T00:00:00+00:00: its usage would be billed twice (usage filters keep "
        "lines apart when they pin a dimension to different values)"
    )
    # The same contract read back from the store is not "another" contract.
    assert activation_problems(mine, PAID, METERED, [replace(billing, id="c-1")]) == []


def test_contracts_may_bill_a_feature_one_after_the_other() -> None:
    mine = replace(DRAFT, terms=replace(TERMS, line_items=(CALLS,)))
    last_year = replace(TERMS, start_on=date(2025, 1, 1), end_on=date(2025, 12, 31))
    last_year = replace(
        last_year,
        line_items=(replace(CALLS, price_versions=(PriceVersion(date(2025, 1, 1), PerUnit(1)),)),),
    )
    assert activation_problems(mine, PAID, METERED, [other_contract("c-0", last_year)]) == []
    # A contract canceled on 2026-03-10 stops billing then; one running on is refused.
    canceled_early = other_contract(
        "c-0",
        replace(TERMS, line_items=(CALLS,)),
        status=ContractStatus.CANCELED,
        ended_at=datetime(2026, 3, 10, tzinfo=UTC),
    )
    from_april = replace(
        CALLS,
        start_on=date(2026, 4, 1),
        price_versions=(replace(CALLS.price_versions[0], start_on=date(2026, 4, 1)),),
    )
    after = replace(DRAFT, terms=replace(TERMS, line_items=(from_april,)))
    assert activation_problems(after, PAID, METERED, [canceled_early]) == []
    assert codes(activation_problems(mine, PAID, METERED, [canceled_early])) == [
        ("terms.lineItems[0].meteredFeatureId", "feature_billed_twice")
    ]
    # A draft bills nothing yet (its own activation is checked), nor does another feature.
    draft = replace(other_contract("c-0", replace(TERMS, line_items=(CALLS,))), activated_at=None)
    seats_only = other_contract("c-2", replace(TERMS, line_items=(SEATS,)))
    assert activation_problems(mine, PAID, METERED, [draft, seats_only]) == []


def test_usage_filters_that_pin_a_region_apart_may_bill_one_feature_together() -> None:
    eu = replace(CALLS, usage_filter=(Condition("region", Operation.EQUALS, "eu"),))
    in_us = Condition("region", Operation.IN, values=("us", "ca"))
    us = replace(CALLS, id="calls-us", usage_filter=(in_us,))
    both = replace(DRAFT, terms=replace(TERMS, line_items=(eu, us)))
    assert activation_problems(both, PAID, METERED) == []
    # Across contracts too: another contract of the customer bills the US usage.
    mine = replace(DRAFT, terms=replace(TERMS, line_items=(eu,)))
    theirs = other_contract("c-0", replace(TERMS, line_items=(us,)))
    assert activation_problems(mine, PAID, METERED, [theirs]) == []
    # An unfiltered line shares every region's usage.
    everything = replace(DRAFT, terms=replace(TERMS, line_items=(CALLS,)))
    [problem] = activation_problems(everything, PAID, METERED, [theirs])
    assert (problem.field, problem.code) == (
        "terms.lineItems[0].meteredFeatureId",
        "feature_billed_twice",
    )
    assert problem.message.startswith(
        "contract 'c-0' (line 'calls-us') already bills 'calls' where region IN [us, ca] from "
    )
    # So does a filter on another dimension: a pro plan's calls may come from the EU.
    pro = replace(CALLS, id="pro", usage_filter=(Condition("plan", Operation.EQUALS, "pro"),))
    overlapping = replace(DRAFT, terms=replace(TERMS, line_items=(eu, pro)))
    [problem] = activation_problems(overlapping, PAID, METERED)
    assert (problem.field, problem.message) == (
        "terms.lineItems[1].meteredFeatureId",
        "line 'calls' already bills 'calls' where region EQUALS eu on some of the same days: its "
        "usage would be billed twice (usage filters keep lines apart when they pin a dimension "
        "to different values)",
    )


def test_spans_of_contracts_in_different_timezones_compare_as_instants() -> None:
    # Los Angeles' 2026 ends at 2027-01-01T08:00Z. A UTC contract from 1 January 2027 starts
    # eight hours before that: by dates the two do not meet, by instants those hours would be
    # billed twice.
    la = other_contract("c-0", replace(TERMS, timezone="America/Los_Angeles", line_items=(CALLS,)))

    def from_day(day: date) -> Contract:
        line = replace(
            CALLS, start_on=day, price_versions=(replace(CALLS.price_versions[0], start_on=day),)
        )
        return replace(DRAFT, terms=replace(TERMS, end_on=date(2027, 6, 30), line_items=(line,)))

    assert codes(activation_problems(from_day(date(2027, 1, 1)), PAID, METERED, [la])) == [
        ("terms.lineItems[0].meteredFeatureId", "feature_billed_twice")
    ]
    assert activation_problems(from_day(date(2027, 1, 2)), PAID, METERED, [la]) == []


def test_an_amendment_may_not_extend_a_usage_line_into_another_contracts_span() -> None:
    active = activated(replace(DRAFT, terms=replace(TERMS, line_items=(CALLS,))), PAID, METERED, T0)
    next_year = replace(TERMS, start_on=date(2027, 1, 1), end_on=date(2027, 12, 31))
    jan27 = date(2027, 1, 1)
    next_year = replace(
        next_year,
        line_items=(
            replace(CALLS, price_versions=(replace(CALLS.price_versions[0], start_on=jan27),)),
        ),
    )
    renewed = other_contract("c-9", next_year)
    longer = replace(active.terms, end_on=date(2027, 3, 31))
    with pytest.raises(InvalidArgument) as raised:
        amended(active, longer, date(2026, 2, 1), METERED, T0, [renewed])
    assert codes(list(raised.value.problems)) == [
        ("terms.lineItems[0].meteredFeatureId", "feature_billed_twice")
    ]
    assert amended(active, active.terms, date(2026, 2, 1), METERED, T0, [renewed]).terms == (
        active.terms
    )


def test_only_a_draft_activates() -> None:
    active = activated(DRAFT, PAID, METERED, T0)
    with pytest.raises(StateConflict) as raised:
        activated(active, PAID, METERED, T0)
    assert raised.value.details["state"] == "ACTIVE"


def test_a_draft_may_be_stored_incomplete_but_not_without_a_readable_span() -> None:
    assert storage_problems(replace(TERMS, line_items=())) == []
    broken = replace(TERMS, timezone="Mars/Olympus", end_on=date(2025, 1, 1))
    assert codes(storage_problems(broken)) == [
        ("terms.endDate", "end_before_start"),
        ("terms.timezone", "unknown_timezone"),
    ]


# --- amendment and ending -------------------------------------------------------------------


def test_an_amendment_keeps_currency_and_start_and_stays_inside_the_term() -> None:
    active = activated(DRAFT, PAID, METERED, T0)
    moved = replace(TERMS, currency=currency("EUR"), start_on=date(2026, 2, 1))
    with pytest.raises(InvalidArgument) as raised:
        amended(active, moved, date(2027, 2, 1), METERED, T0)
    assert ("terms.currency", "immutable") in codes(list(raised.value.problems))
    assert ("terms.startDate", "immutable") in codes(list(raised.value.problems))
    assert ("effectiveDate", "outside_contract") in codes(list(raised.value.problems))
    with pytest.raises(StateConflict):
        amended(DRAFT, TERMS, JAN1, METERED, T0)


def test_cancel_and_archive_end_a_live_contract_and_archive_twice_changes_nothing() -> None:
    gone = canceled(DRAFT, T0)
    assert (gone.status, gone.ended_at) == (ContractStatus.CANCELED, T0)
    with pytest.raises(StateConflict):
        canceled(gone, T0)
    put_away = archived(gone, T0)
    assert (put_away.status, put_away.version) == (ContractStatus.ARCHIVED, 3)
    assert archived(put_away, T0) is put_away


def test_expiry_is_dated_when_the_term_ended() -> None:
    active = activated(DRAFT, PAID, METERED, T0)
    done = expired(active, datetime(2027, 3, 1, tzinfo=UTC))
    assert (done.status, done.ended_at) == (
        ContractStatus.EXPIRED,
        datetime(2027, 1, 1, tzinfo=UTC),
    )


# --- renewal --------------------------------------------------------------------------------


def test_a_renewal_is_a_draft_for_the_next_term_at_the_latest_prices_and_quantities() -> None:
    with_usage = replace(TERMS, line_items=(PLATFORM, SEATS, CALLS))
    active = activated(replace(DRAFT, terms=with_usage), PAID, METERED, T0)
    following = renewal(active, "c-2", 12, T0)
    assert (following.id, following.status, following.renewed_from_id) == (
        "c-2",
        ContractStatus.DRAFT,
        "c-1",
    )
    terms = following.terms
    assert (terms.start_on, terms.end_on, terms.id) == (date(2027, 1, 1), date(2027, 12, 31), "c-2")
    seats = terms.line_items[1]
    assert seats.price_versions == (PriceVersion(date(2027, 1, 1), PerUnit(Decimal(50))),)
    assert seats.quantities == (QuantityChange(date(2027, 1, 1), Decimal(12)),)
    assert seats.discounts == ()
    assert terms.line_items[2].commitment == CALLS.commitment


def test_one_time_and_early_ending_lines_are_not_renewed() -> None:
    onboarding = replace(PLATFORM, id="onboarding", billing_cycle=BillingCycle(CycleUnit.ONE_TIME))
    pilot = replace(PLATFORM, id="pilot", end_on=date(2026, 3, 31))
    terms = replace(TERMS, line_items=(onboarding, pilot, PLATFORM))
    renewed = renewal_terms(terms, date(2027, 1, 1), date(2027, 12, 31))
    assert [line.id for line in renewed.line_items] == ["platform"]


def test_an_open_ended_contract_does_not_renew() -> None:
    active = activated(replace(DRAFT, terms=replace(TERMS, end_on=None)), PAID, METERED, T0)
    with pytest.raises(InvalidArgument) as raised:
        renewal(active, "c-2", 12, T0)
    assert codes(list(raised.value.problems)) == [("endDate", "open_ended")]


# --- amendment diff -------------------------------------------------------------------------


def test_the_diff_names_each_changed_field_and_matches_lines_by_id() -> None:
    after = with_quantity_from(TERMS, "seats", date(2026, 4, 1), Decimal(20))
    after = replace(after, net_terms_days=14, line_items=(after.line_items[1], CALLS))
    changes = terms_diff(TERMS, after)
    assert [c.path for c in changes] == [
        "netTermsDays",
        "lineItems[platform]",
        "lineItems[seats].quantities",
        "lineItems[calls]",
    ]
    assert changes[0] == TermChange("netTermsDays", 30, 14)
    assert changes[2].after[1] == {"effectiveDate": "2026-04-01", "quantity": "20"}
    assert changes[1].after is None
    assert changes[3].before is None
    model = changes[3].after["priceVersions"][0]["model"]
    assert model["type"] == "TIERED"
    assert terms_diff(TERMS, TERMS) == ()


# --- value ----------------------------------------------------------------------------------


def test_the_value_of_a_year_counts_committed_charges_net_of_discounts() -> None:
    value = contract_value(replace(TERMS, line_items=(PLATFORM, SEATS, CALLS)))
    # Seats: Jan-Mar 10 × 45 less 10 % = 1215; Apr-Jun 10 × 45 = 1350; Jul-Sep 10 × 50 = 1500;
    # Oct-Dec 12 × 50 = 1800. Calls: a 100 minimum each month at zero usage.
    assert value.fixed.amount == Decimal("12000") + Decimal("5865")
    assert value.usage_minimums.amount == Decimal("1200")
    assert value.tcv is not None
    assert value.tcv.amount == Decimal("19065.00")
    assert value.acv == value.tcv
    assert value.usage_line_item_ids == ("calls",)


def test_acv_is_tcv_per_year_of_term_and_an_evergreen_contract_has_no_tcv() -> None:
    two_years = replace(TERMS, end_on=date(2027, 12, 31), line_items=(PLATFORM,))
    value = contract_value(two_years)
    assert value.tcv is not None
    assert (value.tcv.amount, value.acv.amount) == (Decimal("24000.00"), Decimal("12000.00"))
    eighteen_months = replace(two_years, end_on=date(2027, 6, 30))
    value = contract_value(eighteen_months)
    # The second year is a stub: 12000 × 181/365 = 5950.68. Per year of 1 + 181/365 years,
    # 17950.68 × 365/546 = 11999.996 → 12000.00 (rounded once).
    assert value.tcv is not None
    assert (value.tcv.amount, value.acv.amount) == (Decimal("17950.68"), Decimal("12000.00"))
    evergreen = contract_value(replace(TERMS, end_on=None, line_items=(PLATFORM,)))
    assert evergreen.tcv is None
    assert evergreen.acv.amount == Decimal("12000.00")
    assert evergreen.end_on == DEC31


# --- line-item edits ------------------------------------------------------------------------


def test_items_are_added_replaced_and_removed_by_id() -> None:
    terms = with_items_added(TERMS, [CALLS])
    assert [line.id for line in terms.line_items] == ["platform", "seats", "calls"]
    with pytest.raises(InvalidArgument) as raised:
        with_items_added(terms, [CALLS])
    assert codes(list(raised.value.problems)) == [("items[0].externalId", "duplicate")]
    assert [line.id for line in without_item(terms, "platform").line_items] == ["seats", "calls"]
    with pytest.raises(EntityNotFound):
        without_item(terms, "nope")


def test_a_row_change_edits_the_current_price_and_the_first_quantity() -> None:
    terms = with_row_changed(TERMS, "seats", 0, RowChange(price=Decimal(55), quantity=Decimal(11)))
    seats = terms.line_items[1]
    assert seats.price_versions[-1].model == PerUnit(Decimal(55))
    assert seats.price_versions[0].model == PerUnit(Decimal(45))
    assert seats.quantities[0] == QuantityChange(JAN1, Decimal(11))
    with pytest.raises(EntityNotFound):
        with_row_changed(TERMS, "seats", 1, RowChange(price=Decimal(1)))
    with pytest.raises(InvalidArgument) as raised:
        with_row_changed(TERMS, "seats", 0, RowChange(to=Decimal(5)))
    assert codes(list(raised.value.problems)) == [("to", "not_allowed")]


def test_removing_a_tier_closes_the_gap() -> None:
    ladder = Graduated(
        [
            Tier(Decimal(0), Decimal(100), Decimal(2)),
            Tier(Decimal(100), Decimal(1000), Decimal(1)),
            Tier(Decimal(1000), None, Decimal("0.5")),
        ]
    )
    calls = replace(CALLS, price_versions=(PriceVersion(JAN1, ladder),))
    terms = replace(TERMS, line_items=(calls,))
    middle_gone = without_row(terms, "calls", 1).line_items[0].price_versions[0].model
    assert isinstance(middle_gone, Graduated)
    assert [(t.from_, t.to) for t in middle_gone.tiers] == [
        (Decimal(0), Decimal(100)),
        (Decimal(100), None),
    ]
    top_gone = without_row(terms, "calls", 2).line_items[0].price_versions[0].model
    assert isinstance(top_gone, Graduated)
    assert [(t.from_, t.to) for t in top_gone.tiers] == [
        (Decimal(0), Decimal(100)),
        (Decimal(100), None),
    ]


def test_a_new_price_from_a_day_ends_the_version_before_it() -> None:
    terms = with_price_from(TERMS, "platform", date(2026, 7, 1), FlatFee(Decimal(13000)))
    versions = terms.line_items[0].price_versions
    assert versions == (
        PriceVersion(JAN1, FlatFee(Decimal(12000)), date(2026, 6, 30)),
        PriceVersion(date(2026, 7, 1), FlatFee(Decimal(13000))),
    )
    with pytest.raises(InvalidArgument):
        with_price_from(TERMS, "platform", JAN1, FlatFee(Decimal(1)))
