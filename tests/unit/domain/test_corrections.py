"""Corrections after approval (BILLING-SEMANTICS §9): the delta per line and where each
contract's policy sends it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.corrections import (
    Correction,
    CorrectionEffect,
    CorrectionOutcome,
    CorrectionPolicy,
    NegativeCorrection,
    PositiveCorrection,
    billed_lines,
    delta_lines,
    line_key,
    plan_corrections,
)
from pactline.domain.currency import currency
from pactline.domain.invoice_lifecycle import LineSource, PeriodRef, StoredLine
from pactline.domain.invoicing import InvoiceLine, LineKind
from pactline.domain.money import Money

USD = currency("USD")
JAN1, FEB1 = date(2026, 1, 1), date(2026, 2, 1)
REF = PeriodRef("inv_jan", JAN1, FEB1)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


def line(
    item: str,
    amount: str,
    quantity: str | None = None,
    tax: str = "0",
    contract_id: str = "ct-1",
    kind: LineKind = LineKind.CHARGE,
) -> StoredLine:
    return StoredLine(
        InvoiceLine(
            kind=kind,
            description=f"{item} (January)",
            line_item_id=item,
            period_start_on=JAN1,
            period_end_on=FEB1,
            quantity=None if quantity is None else Decimal(quantity),
            unit_price=Decimal("0.20") if quantity else None,
            amount=usd(amount),
            discount=Money.zero(USD),
            tax_rate=Decimal(0),
            tax=usd(tax),
        ),
        contract_id,
    )


def test_late_usage_gives_a_positive_delta_naming_the_period() -> None:
    # 5,000 calls at 0.20 billed; 750 more arrive: 1,150.00, a delta of +150.00.
    billed = [line("platform", "1000.00"), line("api", "1000.00", quantity="5000")]
    recomputed = [line("platform", "1000.00"), line("api", "1150.00", quantity="5750")]

    delta = delta_lines(billed, recomputed, REF)

    assert [(s.line.line_item_id, s.line.quantity, s.line.amount) for s in delta] == [
        ("api", Decimal("750"), usd("150.00"))
    ]
    assert delta[0].source is LineSource.CORRECTION
    assert delta[0].corrects == REF


def test_a_line_no_longer_produced_comes_back_as_its_negative() -> None:
    delta = delta_lines([line("support", "500.00", tax="95.00")], [])
    assert [(s.line.amount, s.line.tax) for s in delta] == [(usd("-500.00"), usd("-95.00"))]


def test_earlier_corrections_count_as_billed() -> None:
    billed = [line("api", "1000.00", quantity="5000")]
    first = delta_lines(billed, [line("api", "1150.00", quantity="5750")], REF)

    again = delta_lines([*billed, *first], [line("api", "1150.00", quantity="5750")], REF)

    assert again == ()


@pytest.mark.parametrize(
    ("total", "policy", "effect"),
    [
        ("150.00", CorrectionPolicy(), CorrectionEffect.BACKDATED_INVOICE),
        (
            "150.00",
            CorrectionPolicy(positive=PositiveCorrection.NEXT_INVOICE),
            CorrectionEffect.NEXT_INVOICE,
        ),
        ("-100.00", CorrectionPolicy(), CorrectionEffect.CARRY_FORWARD),
        (
            "-100.00",
            CorrectionPolicy(negative=NegativeCorrection.CREDIT_NOTE),
            CorrectionEffect.CREDIT_NOTE,
        ),
    ],
)
def test_each_sign_goes_where_the_contracts_policy_says(
    total: str, policy: CorrectionPolicy, effect: CorrectionEffect
) -> None:
    outcomes = plan_corrections([line("api", total)], {"ct-1": policy}, USD)
    assert [(o.contract_id, o.effect, o.total) for o in outcomes] == [("ct-1", effect, usd(total))]


def test_contracts_of_a_consolidated_invoice_are_corrected_each_by_its_own_policy() -> None:
    delta = [
        line("api", "150.00", contract_id="ct-1"),
        line("seats", "-40.00", contract_id="ct-2"),
        line("seats", "-10.00", contract_id="ct-2"),
        line("x", "5.00", contract_id="ct-3"),
        line("y", "-5.00", contract_id="ct-3"),
    ]
    policies = {"ct-2": CorrectionPolicy(negative=NegativeCorrection.CREDIT_NOTE)}

    outcomes = plan_corrections(delta, policies, USD)

    assert [(o.contract_id, o.effect, o.total) for o in outcomes] == [
        ("ct-1", CorrectionEffect.BACKDATED_INVOICE, usd("150.00")),
        ("ct-2", CorrectionEffect.CREDIT_NOTE, usd("-50.00")),
        ("ct-3", CorrectionEffect.NONE, usd("0.00")),
    ]


cents = st.integers(min_value=-1_000_000, max_value=1_000_000)
items = st.sampled_from(["platform", "api", "seats", "support"])
kinds = st.sampled_from([LineKind.CHARGE, LineKind.ADJUSTMENT])
stored_lines = st.builds(
    lambda item, kind, amount, tax: line(
        item, str(Decimal(amount) / 100), tax=str(Decimal(tax) / 100), kind=kind
    ),
    items,
    kinds,
    cents,
    cents,
)


def _totals(lines: list[StoredLine]) -> dict[tuple[object, ...], tuple[Money, Money]]:
    sums: dict[tuple[object, ...], tuple[Money, Money]] = {}
    for s in lines:
        amount, tax = sums.get(line_key(s), (Money.zero(USD), Money.zero(USD)))
        sums[line_key(s)] = (amount + s.line.amount, tax + s.line.tax)
    return {k: v for k, v in sums.items() if not (v[0].is_zero() and v[1].is_zero())}


@given(billed=st.lists(stored_lines, max_size=6), recomputed=st.lists(stored_lines, max_size=6))
def test_the_original_plus_the_delta_is_the_recomputed_invoice(
    billed: list[StoredLine], recomputed: list[StoredLine]
) -> None:
    delta = delta_lines(billed, recomputed, REF)

    assert _totals([*billed, *delta]) == _totals(recomputed)
    total = sum((s.total for s in delta), Money.zero(USD))
    expected = sum((s.total for s in recomputed), Money.zero(USD)) - sum(
        (s.total for s in billed), Money.zero(USD)
    )
    assert total == expected
    # Once recorded, the same inputs produce no further correction.
    assert delta_lines(billed_lines([*billed, *delta], []), recomputed, REF) == ()


@given(st.lists(stored_lines, min_size=1, max_size=6))
def test_every_outcome_follows_the_sign_of_its_net(delta: list[StoredLine]) -> None:
    outcomes = plan_corrections([replace(s, contract_id="ct-1") for s in delta], {}, USD)
    (outcome,) = outcomes
    if outcome.total > Money.zero(USD):
        assert outcome.effect is CorrectionEffect.BACKDATED_INVOICE
    elif outcome.total < Money.zero(USD):
        assert outcome.effect is CorrectionEffect.CARRY_FORWARD
    else:
        assert outcome.effect is CorrectionEffect.NONE


def _waiting_correction() -> Correction:
    outcomes = (
        CorrectionOutcome("ct-1", CorrectionEffect.NEXT_INVOICE, usd("10.00")),
        CorrectionOutcome("ct-2", CorrectionEffect.NEXT_INVOICE, usd("5.00"), None, "inv-old"),
        CorrectionOutcome("ct-3", CorrectionEffect.CARRY_FORWARD, usd("-3.00")),
    )
    return Correction(
        id="cor-1",
        environment_id="env",
        customer_id="acme",
        scope_key="ct-1",
        billing_group_key="",
        issue_on=date(2026, 2, 1),
        number=1,
        invoice_id="inv-feb",
        currency=currency("USD"),
        lines=(),
        outcomes=outcomes,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def test_placing_a_correction_moves_only_its_waiting_outcomes_onto_the_draft() -> None:
    placed = _waiting_correction().placed_on("inv-mar")
    assert [o.applied_invoice_id for o in placed.outcomes] == ["inv-mar", "inv-old", None]
    assert [o.pending for o in placed.outcomes] == [False, False, False]


def test_releasing_a_draft_makes_only_what_it_carried_wait_again() -> None:
    released = _waiting_correction().placed_on("inv-mar").released_from("inv-mar")
    assert [o.applied_invoice_id for o in released.outcomes] == [None, "inv-old", None]
    assert [o.pending for o in released.outcomes] == [True, False, False]
