"""Credit notes (BILLING-SEMANTICS §9): documents that take an amount off an issued invoice.

A credit note credits a whole invoice, chosen lines (each in full or in part), or an amount,
with a reason code. It is numbered per legal entity, in its own sequence, when it is issued.
Amounts are tax-inclusive (what the customer was charged), and the credit notes of an invoice
never add up to more than its total: what is left to credit shrinks with each one.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from pactline.domain.currency import Currency
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.invoice_lifecycle import (
    ISSUED,
    MAX_DESCRIPTION_LENGTH,
    OPEN,
    InvoiceStatus,
    InvoiceTransitionNotAllowed,
    StoredInvoice,
    StoredLine,
)
from pactline.domain.money import Money


class CreditReason(enum.Enum):
    ORDER_CHANGE = "ORDER_CHANGE"
    CANCELLATION = "CANCELLATION"
    WAIVER = "WAIVER"
    PRODUCT_UNSATISFACTORY = "PRODUCT_UNSATISFACTORY"  # product or service unsatisfactory
    USAGE_CREDIT = "USAGE_CREDIT"
    OTHER = "OTHER"


@dataclass(frozen=True)
class CreditNoteLine:
    description: str
    amount: Money  # positive, tax included
    invoice_line: int | None = None  # the credited line's position (1-based); None: any


@dataclass(frozen=True)
class CreditNote:
    id: str
    environment_id: str
    invoice_id: str
    customer_id: str
    legal_entity_id: str
    number: str
    reason: CreditReason
    issue_on: date
    currency: Currency
    lines: tuple[CreditNoteLine, ...]
    created_at: datetime
    memo: str | None = None
    correction_id: str | None = None  # issued by a correction, not by hand

    @property
    def total(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero(self.currency))


@dataclass(frozen=True)
class LineCredit:
    position: int  # 1-based, as the invoice lists its lines
    amount: Decimal | None = None  # None: what is left of the line


@dataclass(frozen=True)
class CreditRequest:
    """Neither lines nor amount: the whole invoice (what is left of it)."""

    reason: CreditReason
    issue_on: date
    lines: tuple[LineCredit, ...] = ()
    amount: Decimal | None = None
    memo: str | None = None


def left_to_credit(invoice: StoredInvoice, notes: Sequence[CreditNote]) -> Money:
    credited = sum((n.total for n in notes), Money.zero(invoice.currency))
    return max(invoice.total - credited, Money.zero(invoice.currency))


def line_left(invoice: StoredInvoice, notes: Sequence[CreditNote], position: int) -> Money:
    line: StoredLine = invoice.lines[position - 1]
    credited = sum(
        (c.amount for n in notes for c in n.lines if c.invoice_line == position),
        Money.zero(invoice.currency),
    )
    return max(line.total - credited, Money.zero(invoice.currency))


def credit_lines(
    invoice: StoredInvoice, notes: Sequence[CreditNote], request: CreditRequest
) -> tuple[CreditNoteLine, ...]:
    """The lines of a new credit note, or InvalidArgument naming every problem."""
    if invoice.status not in ISSUED:
        raise InvoiceTransitionNotAllowed(invoice.id, invoice.status, "credited")
    left = left_to_credit(invoice, notes)
    number = invoice.number or invoice.id
    problems: list[FieldProblem] = []
    if request.memo is not None and len(request.memo) > MAX_DESCRIPTION_LENGTH:
        problems.append(
            FieldProblem("memo", f"must be at most {MAX_DESCRIPTION_LENGTH} characters")
        )
    if request.lines and request.amount is not None:
        problems.append(FieldProblem("amount", "cannot be combined with lines", "not_allowed"))
        raise InvalidArgument(problems)
    lines: list[CreditNoteLine] = []
    if request.amount is not None:
        amount = Money(request.amount, invoice.currency)
        problems += _amount_problems("amount", amount)
        lines.append(CreditNoteLine(f"Credit on invoice {number}", amount))
    elif request.lines:
        seen: set[int] = set()
        for index, item in enumerate(request.lines):
            path = f"lines[{index}]"
            if not 1 <= item.position <= len(invoice.lines):
                message = f"must name a line of the invoice (1 to {len(invoice.lines)})"
                problems.append(FieldProblem(f"{path}.position", message, "out_of_range"))
                continue
            if item.position in seen:
                problems.append(FieldProblem(f"{path}.position", "is credited twice", "duplicate"))
                continue
            seen.add(item.position)
            remaining = line_left(invoice, notes, item.position)
            amount = remaining if item.amount is None else Money(item.amount, invoice.currency)
            line_problems = _amount_problems(f"{path}.amount", amount)
            if not line_problems and amount > remaining:
                line_problems.append(
                    FieldProblem(
                        f"{path}.amount",
                        f"{amount.amount} is more than the {remaining.amount} left to credit "
                        "on this line",
                        "exceeds_creditable",
                    )
                )
            problems += line_problems
            description = invoice.lines[item.position - 1].line.description
            lines.append(CreditNoteLine(description, amount, item.position))
    else:
        lines = _whole(invoice, notes, left)
        if not lines:
            problems.append(
                FieldProblem("amount", "nothing is left to credit on this invoice", "nothing_left")
            )
    total = sum((line.amount for line in lines), Money.zero(invoice.currency))
    if not problems and total > left:
        problems.append(
            FieldProblem(
                "amount",
                f"{total.amount} is more than the {left.amount} left to credit on the invoice",
                "exceeds_creditable",
            )
        )
    if problems:
        raise InvalidArgument(problems)
    return tuple(lines)


def _whole(
    invoice: StoredInvoice, notes: Sequence[CreditNote], left: Money
) -> list[CreditNoteLine]:
    """Every line's remainder, or one line for the rest once an amount was credited at large."""
    if left.is_zero():
        return []
    if any(c.invoice_line is None for n in notes for c in n.lines):
        return [CreditNoteLine(f"Credit of the rest of invoice {invoice.number}", left)]
    lines = []
    for position, stored in enumerate(invoice.lines, start=1):
        remaining = line_left(invoice, notes, position)
        if not remaining.is_zero():
            lines.append(CreditNoteLine(stored.line.description, remaining, position))
    total = sum((line.amount for line in lines), Money.zero(invoice.currency))
    if total != left:  # credit lines (negative) on the invoice: credit what is left at large
        return [CreditNoteLine(f"Credit of the rest of invoice {invoice.number}", left)]
    return lines


def _amount_problems(path: str, amount: Money) -> list[FieldProblem]:
    if not amount.is_rounded():
        places = amount.currency.minor_units
        return [FieldProblem(path, f"must have at most {places} decimal places", "too_precise")]
    if amount <= Money.zero(amount.currency):
        return [FieldProblem(path, "must be more than zero", "out_of_range")]
    return []


def correction_credit_lines(
    delta: Sequence[StoredLine], left: Money
) -> tuple[tuple[CreditNoteLine, ...], Money]:
    """An over-charge as credit note lines, at most `left`; and what did not fit (≥ 0).

    Each line credits the negative of its net delta; a line of the delta that went up (a
    correction can move lines both ways) reduces the credit instead of adding to it.
    """
    zero = Money.zero(left.currency)
    owed = -sum((s.total for s in delta), zero)
    credit = min(max(owed, zero), left)
    rest = max(owed, zero) - credit
    if credit.is_zero():
        return (), rest
    if credit == owed and all(s.total <= zero for s in delta):
        lines = tuple(
            CreditNoteLine(f"Correction: {s.line.description}", -s.total)
            for s in delta
            if not s.total.is_zero()
        )
        return lines, rest
    return (CreditNoteLine("Correction of the period", credit),), rest


def credited_by(
    invoice: StoredInvoice, note: CreditNote, at: datetime
) -> tuple[StoredInvoice, Money]:
    """The invoice once the note takes its total off what is due; and the excess (≥ 0), which
    belongs to the customer's carry-forward balance. Settled by credit alone, it is PAID."""
    applied = min(note.total, invoice.amount_due)
    excess = note.total - applied
    after = replace(
        invoice,
        credited=invoice.credit_noted + applied,
        updated_at=at,
        version=invoice.version + 1,
    )
    if invoice.status in OPEN and after.amount_due.is_zero():
        after = replace(after, status=InvoiceStatus.PAID)
    return after, excess
