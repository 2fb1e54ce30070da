"""Credit notes (BILLING-SEMANTICS §9): whole invoices, chosen lines or amounts, never more than
what is left to credit; their effect on what is due."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.credit_notes import (
    CreditNote,
    CreditNoteLine,
    CreditReason,
    CreditRequest,
    LineCredit,
    correction_credit_lines,
    credit_lines,
    credited_by,
    left_to_credit,
)
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoice_lifecycle import InvoiceStatus, InvoiceTransitionNotAllowed, paid
from pactline.domain.money import Money
from tests.unit.domain.test_invoice_lifecycle import T0, USD, draft, issued, line, usd

FEB2 = date(2026, 2, 2)


def note(invoice_lines: tuple[CreditNoteLine, ...], number: str = "CN-000001") -> CreditNote:
    return CreditNote(
        id=f"cn_{number}",
        environment_id="env",
        invoice_id="inv_1",
        customer_id="acme",
        legal_entity_id="le",
        number=number,
        reason=CreditReason.WAIVER,
        issue_on=FEB2,
        currency=USD,
        lines=invoice_lines,
        created_at=datetime(2026, 2, 2, tzinfo=UTC),
    )


def request(**fields: object) -> CreditRequest:
    return CreditRequest(reason=CreditReason.WAIVER, issue_on=FEB2, **fields)  # type: ignore[arg-type]


TWO_LINES = (line("1000.00", tax_rate="19", tax="190.00"), line("50.00", description="Support"))


def test_a_full_credit_note_credits_every_line_tax_included() -> None:
    lines = credit_lines(issued(*TWO_LINES), [], request())
    assert [(c.description, c.amount, c.invoice_line) for c in lines] == [
        ("Platform", usd("1190.00"), 1),
        ("Support", usd("50.00"), 2),
    ]


def test_a_partial_credit_note_takes_part_of_a_line_and_then_its_rest() -> None:
    invoice = issued(*TWO_LINES)
    first = credit_lines(invoice, [], request(lines=(LineCredit(1, Decimal("190.00")),)))
    assert [(c.amount, c.invoice_line) for c in first] == [(usd("190.00"), 1)]

    rest = credit_lines(invoice, [note(first)], request(lines=(LineCredit(1),)))

    assert [(c.amount, c.invoice_line) for c in rest] == [(usd("1000.00"), 1)]


def test_an_amount_is_credited_at_large_and_the_whole_rest_after_it() -> None:
    invoice = issued(*TWO_LINES)
    first = credit_lines(invoice, [], request(amount=Decimal("40.00")))
    assert [(c.amount, c.invoice_line) for c in first] == [(usd("40.00"), None)]

    rest = credit_lines(invoice, [note(first)], request())

    assert [c.amount for c in rest] == [usd("1200.00")]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"amount": Decimal("1240.01")}, "amount", "exceeds_creditable"),
        ({"lines": (LineCredit(2, Decimal("50.01")),)}, "lines[0].amount", "exceeds_creditable"),
        ({"lines": (LineCredit(3),)}, "lines[0].position", "out_of_range"),
        ({"amount": Decimal("0")}, "amount", "out_of_range"),
        ({"amount": Decimal("1.005")}, "amount", "too_precise"),
        ({"amount": Decimal("1"), "lines": (LineCredit(1),)}, "amount", "not_allowed"),
    ],
)
def test_credit_beyond_what_is_left_or_malformed_is_refused(
    fields: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        credit_lines(issued(*TWO_LINES), [], request(**fields))
    assert (refused.value.problems[0].field, refused.value.problems[0].code) == (field, code)


def test_nothing_is_left_once_fully_credited() -> None:
    invoice = issued(*TWO_LINES)
    full = note(credit_lines(invoice, [], request()))
    with pytest.raises(InvalidArgument) as refused:
        credit_lines(invoice, [full], request())
    assert refused.value.problems[0].code == "nothing_left"


def test_a_draft_cannot_be_credited() -> None:
    with pytest.raises(InvoiceTransitionNotAllowed):
        credit_lines(draft(), [], request())


def test_a_credit_note_settles_what_is_due_and_returns_the_excess() -> None:
    invoice = paid(issued(line("1000.00")), usd("800.00"), FEB2, None, T0)
    credited, excess = credited_by(invoice, note((CreditNoteLine("Waiver", usd("300.00")),)), T0)

    assert (credited.status, credited.amount_due, excess) == (
        InvoiceStatus.PAID,
        Money.zero(USD),
        usd("100.00"),
    )


def test_a_correction_credit_is_capped_at_what_is_left() -> None:
    delta = [line("-700.00"), line("-500.00", description="Support")]
    lines, rest = correction_credit_lines(delta, usd("1000.00"))
    assert ([c.amount for c in lines], rest) == ([usd("1000.00")], usd("200.00"))

    lines, rest = correction_credit_lines(delta, usd("5000.00"))
    assert ([c.amount for c in lines], rest) == ([usd("700.00"), usd("500.00")], Money.zero(USD))


cents = st.integers(min_value=1, max_value=500_000)


@given(st.lists(cents, min_size=1, max_size=8))
def test_credit_notes_never_add_up_to_more_than_the_invoice(amounts: list[int]) -> None:
    invoice = issued(*TWO_LINES)
    notes: list[CreditNote] = []
    for units in amounts:
        amount = Money.from_minor_units(units, USD)
        if amount > left_to_credit(invoice, notes):
            with pytest.raises(InvalidArgument):
                credit_lines(invoice, notes, request(amount=amount.amount))
            continue
        notes.append(note(credit_lines(invoice, notes, request(amount=amount.amount))))
        assert left_to_credit(invoice, notes) >= Money.zero(USD)
    credited = sum((n.total for n in notes), Money.zero(USD))
    assert credited + left_to_credit(invoice, notes) == invoice.total
