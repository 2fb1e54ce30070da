"""The stored invoice's lifecycle (BILLING-SEMANTICS §8): transitions, refusals with stable
codes, hand edits of drafts, and payment arithmetic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoice_lifecycle import (
    InvoiceNotEditable,
    InvoiceStatus,
    InvoiceTransitionNotAllowed,
    LineChange,
    LineEdit,
    LineSource,
    StoredInvoice,
    StoredLine,
    approved,
    credit_to_apply,
    edited,
    paid,
    refreshed,
    sent,
    voided,
)
from pactline.domain.invoicing import InvoiceLine, LineKind
from pactline.domain.money import Money, RoundingPolicy

USD = currency("USD")
T0 = datetime(2026, 2, 1, 9, tzinfo=UTC)
JAN1, FEB1 = date(2026, 1, 1), date(2026, 2, 1)
ZERO = Money.zero(USD)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


def line(
    amount: str, tax_rate: str = "0", tax: str = "0", description: str = "Platform"
) -> StoredLine:
    return StoredLine(
        InvoiceLine(
            kind=LineKind.CHARGE,
            description=description,
            line_item_id="platform",
            period_start_on=JAN1,
            period_end_on=FEB1,
            quantity=None,
            unit_price=None,
            amount=usd(amount),
            discount=ZERO,
            tax_rate=Decimal(tax_rate),
            tax=usd(tax),
        ),
        "ct-1",
    )


def draft(*lines: StoredLine) -> StoredInvoice:
    lines = lines or (line("1000.00"),)
    return StoredInvoice(
        id="inv_1",
        environment_id="env",
        customer_id="acme",
        contract_id="ct-1",
        legal_entity_id="le",
        scope_key="ct-1",
        billing_group="default",
        billing_group_key="default|net30",
        correction_number=0,
        currency=USD,
        rounding=RoundingPolicy.HALF_UP,
        issue_on=JAN1,
        due_on=date(2026, 1, 31),
        period_start_on=JAN1,
        period_end_on=FEB1,
        status=InvoiceStatus.DRAFT,
        number=None,
        lines=tuple(lines),
        basis=tuple(lines),
        created_at=T0,
        updated_at=T0,
    )


def issued(*lines: StoredLine, credit: str = "0") -> StoredInvoice:
    return approved(draft(*lines), "INV-000001", usd(credit), T0)


def test_approval_numbers_the_draft_and_makes_it_final() -> None:
    invoice = issued()

    assert (invoice.status, invoice.number, invoice.version) == (
        InvoiceStatus.APPROVED,
        "INV-000001",
        2,
    )
    assert invoice.amount_due == usd("1000.00")


def test_a_draft_owes_nothing_until_it_is_approved() -> None:
    assert draft().amount_due == ZERO


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", InvoiceStatus.APPROVED),
        ("send_draft", InvoiceStatus.DRAFT),
        ("pay_draft", InvoiceStatus.DRAFT),
        ("void_paid", InvoiceStatus.PAID),
        ("void_partially_paid", InvoiceStatus.PARTIALLY_PAID),
        ("pay_void", InvoiceStatus.VOID),
    ],
)
def test_transitions_outside_the_lifecycle_are_refused_with_a_stable_code(
    action: str, status: InvoiceStatus
) -> None:
    invoice = replace(issued(), status=status) if status is not InvoiceStatus.DRAFT else draft()
    actions = {
        "approve": lambda: approved(invoice, "INV-000002", ZERO, T0),
        "send_draft": lambda: sent(invoice, T0),
        "void_paid": lambda: voided(invoice, T0),
        "void_partially_paid": lambda: voided(invoice, T0),
    }
    act = actions.get(action, lambda: paid(invoice, None, FEB1, None, T0))
    with pytest.raises(InvoiceTransitionNotAllowed) as refused:
        act()
    assert refused.value.code == "InvoiceTransitionNotAllowed"
    assert refused.value.details["status"] == status.value


def test_void_is_reachable_from_draft_approved_and_sent() -> None:
    for invoice in (draft(), issued(), sent(issued(), T0)):
        assert voided(invoice, T0, "duplicate").status is InvoiceStatus.VOID


def test_sending_twice_changes_nothing() -> None:
    once = sent(issued(), T0)
    assert sent(once, T0) is once


def test_partial_then_full_payment() -> None:
    partly = paid(issued(), usd("400.00"), FEB1, "wire-1", T0)
    assert (partly.status, partly.amount_due) == (InvoiceStatus.PARTIALLY_PAID, usd("600.00"))

    full = paid(partly, None, date(2026, 2, 10), "wire-2", T0)

    assert (full.status, full.amount_due, full.amount_paid) == (
        InvoiceStatus.PAID,
        ZERO,
        usd("1000.00"),
    )
    assert full.paid_on == date(2026, 2, 10)
    assert [p.reference for p in full.payments] == ["wire-1", "wire-2"]


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1000.01", "overpayment"),
        ("0", "out_of_range"),
        ("-5", "out_of_range"),
        ("1.001", "too_precise"),
    ],
)
def test_payments_outside_what_is_due_are_refused(amount: str, code: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        paid(issued(), usd(amount), FEB1, None, T0)
    assert refused.value.problems[0].field == "amount"
    assert refused.value.problems[0].code == code


def test_carry_forward_credit_reduces_what_is_due_and_never_goes_below_zero() -> None:
    invoice = issued(credit="250.00")
    assert invoice.amount_due == usd("750.00")
    assert credit_to_apply(usd("5000.00"), draft()) == usd("1000.00")
    assert credit_to_apply(usd("40.00"), draft()) == usd("40.00")


def test_editing_an_approved_invoice_is_refused_as_not_editable() -> None:
    change = LineChange(position=1, amount=Decimal("900.00"))
    with pytest.raises(InvoiceNotEditable) as refused:
        edited(issued(), [change], LineEdit("key_1", "discount agreed", T0))
    assert refused.value.code == "InvoiceNotEditable"


def test_a_draft_is_edited_by_hand_with_who_and_why_on_every_changed_line() -> None:
    before = draft(
        line("1000.00", tax_rate="19", tax="190.00"), line("50.00", description="Support")
    )
    edit = LineEdit("key_1", "goodwill", T0)

    after = edited(
        before,
        [
            LineChange(position=1, amount=Decimal("900.00")),
            LineChange(position=2, remove=True),
            LineChange(description="Onboarding", amount=Decimal("200.00"), tax_rate=Decimal("10")),
        ],
        edit,
    )

    assert [
        (s.line.description, str(s.line.amount.amount), str(s.line.tax.amount)) for s in after.lines
    ] == [
        ("Platform", "900.00", "171.00"),
        ("Onboarding", "200.00", "20.00"),
    ]
    assert [s.edit for s in after.lines] == [edit, edit]
    assert after.lines[1].source is LineSource.MANUAL
    assert after.edited
    assert after.basis == before.basis  # what corrections compare with is the engine's


def test_an_edit_needs_a_reason_and_valid_positions() -> None:
    with pytest.raises(InvalidArgument) as refused:
        edited(draft(), [LineChange(position=3, amount=Decimal("1"))], LineEdit("k", " ", T0))
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("reason", "required"),
        ("lines[0].position", "out_of_range"),
    }


def test_a_refresh_replaces_computed_lines_and_keeps_the_others() -> None:
    correction = replace(line("150.00", description="API calls"), source=LineSource.CORRECTION)
    before = replace(draft(), lines=(line("1000.00"), correction))

    after = refreshed(before, JAN1, date(2026, 1, 31), (line("1100.00"),), T0)

    assert [str(s.line.amount.amount) for s in after.lines] == ["1100.00", "150.00"]
    assert after.basis == (line("1100.00"),)


amounts = st.integers(min_value=1, max_value=10_000_000).map(
    lambda cents: Money.from_minor_units(cents, USD)
)


@given(total=amounts, payments=st.lists(amounts, max_size=8))
def test_payments_never_exceed_the_total_and_the_status_follows_the_balance(
    total: Money, payments: list[Money]
) -> None:
    invoice = issued(line(str(total.amount)))
    for amount in payments:
        if invoice.status is InvoiceStatus.PAID:
            break
        if amount > invoice.amount_due:
            with pytest.raises(InvalidArgument):
                paid(invoice, amount, FEB1, None, T0)
            continue
        invoice = paid(invoice, amount, FEB1, None, T0)
        assert invoice.amount_paid + invoice.amount_due == total
        expected = (
            InvoiceStatus.PAID if invoice.amount_due.is_zero() else InvoiceStatus.PARTIALLY_PAID
        )
        assert invoice.status is expected
    assert invoice.amount_paid <= total


@given(balance=amounts, total=amounts)
def test_applied_credit_never_takes_an_invoice_below_zero(balance: Money, total: Money) -> None:
    invoice = draft(line(str(total.amount)))
    credit = credit_to_apply(balance, invoice)
    assert credit == min(balance, total)
    assert approved(invoice, "INV-1", credit, T0).amount_due >= ZERO
