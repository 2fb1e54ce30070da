"""A stored invoice and its lifecycle (BILLING-SEMANTICS §8).

DRAFT (generated, held for review, refreshed while its inputs change) → APPROVED (numbered,
immutable) → SENT → PAID or PARTIALLY_PAID; VOID from DRAFT, APPROVED or SENT. Only a draft's
lines change; every later state changes payments, credits and dates around fixed lines.

What the customer owes is the total less the carry-forward credit applied at approval, less
what credit notes took off, less what was paid; it never goes below zero, because payments
beyond it are refused and credit beyond it is returned to the customer's credit balance.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from pactline.domain.currency import Currency
from pactline.domain.errors import DomainError, FieldProblem, InvalidArgument
from pactline.domain.invoicing import InvoiceLine, LineKind
from pactline.domain.money import Money, RoundingPolicy

MAX_REASON_LENGTH = 500
MAX_REFERENCE_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 500


class InvoiceStatus(enum.Enum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    SENT = "SENT"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    VOID = "VOID"


# Numbered and final: the lines can no longer change, and corrections bill any difference.
ISSUED = frozenset(
    {
        InvoiceStatus.APPROVED,
        InvoiceStatus.SENT,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
    }
)
# Issued and still owed.
OPEN = frozenset({InvoiceStatus.APPROVED, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID})
_VOIDABLE = frozenset({InvoiceStatus.DRAFT, InvoiceStatus.APPROVED, InvoiceStatus.SENT})

# Why the billing run voided a draft: its contract no longer produces it. A later run that
# produces it again brings it back as a draft (the voided row keeps its place).
SUPERSEDED = "SUPERSEDED"


class InvoiceNotEditable(DomainError):
    """Only a draft's lines may change; an approved invoice is corrected, never edited."""

    code = "InvoiceNotEditable"

    def __init__(self, invoice_id: str, status: InvoiceStatus) -> None:
        super().__init__(
            f"invoice '{invoice_id}' is {status.value}: only a DRAFT can be edited "
            "(issue a credit note or let the next billing run correct it)",
            {"id": invoice_id, "status": status.value},
        )


class InvoiceTransitionNotAllowed(DomainError):
    code = "InvoiceTransitionNotAllowed"

    def __init__(self, invoice_id: str, status: InvoiceStatus, action: str) -> None:
        super().__init__(
            f"invoice '{invoice_id}' is {status.value}: it cannot be {action}",
            {"id": invoice_id, "status": status.value, "action": action},
        )


class LineSource(enum.Enum):
    COMPUTED = "COMPUTED"  # from the rating engine; a refresh replaces it
    CORRECTION = "CORRECTION"  # a correction moved forward from an approved period
    MANUAL = "MANUAL"  # added by hand on a draft


@dataclass(frozen=True)
class LineEdit:
    """Who changed a line by hand, when, and why (kept for the audit trail)."""

    by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class PeriodRef:
    """The approved invoice and period a correction names."""

    invoice_id: str
    start_on: date
    end_on: date  # exclusive


@dataclass(frozen=True)
class StoredLine:
    line: InvoiceLine
    contract_id: str | None  # None only on a line added by hand to a consolidated invoice
    source: LineSource = LineSource.COMPUTED
    corrects: PeriodRef | None = None
    edit: LineEdit | None = None

    @property
    def total(self) -> Money:
        return self.line.total


@dataclass(frozen=True)
class Payment:
    amount: Money
    paid_on: date
    reference: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class StoredInvoice:
    id: str
    environment_id: str
    customer_id: str
    contract_id: str | None  # None when several contracts consolidate into it
    legal_entity_id: str
    scope_key: str  # the contract id, or the customer-level consolidation it belongs to
    billing_group: str
    billing_group_key: str  # group and net terms: with the issue date, names the invoice
    correction_number: int  # 0: the period's invoice; n: its n-th back-dated correction
    currency: Currency
    rounding: RoundingPolicy
    issue_on: date
    due_on: date
    period_start_on: date
    period_end_on: date  # exclusive
    status: InvoiceStatus
    number: str | None  # assigned on approval
    lines: tuple[StoredLine, ...]
    basis: tuple[StoredLine, ...]  # the engine's lines last applied: what corrections compare
    created_at: datetime
    updated_at: datetime
    version: int = 1
    payments: tuple[Payment, ...] = ()
    credit_applied: Money | None = None  # carry-forward credit taken at approval
    credited: Money | None = None  # what credit notes took off the amount due
    corrects: PeriodRef | None = None  # a back-dated correction: the period it corrects
    edited: bool = False  # changed by hand: billing runs no longer refresh it
    approved_at: datetime | None = None
    sent_at: datetime | None = None
    voided_at: datetime | None = None
    void_reason: str | None = None

    @property
    def subtotal(self) -> Money:
        return _sum((s.line.amount for s in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        return _sum((s.line.discount for s in self.lines), self.currency)

    @property
    def tax(self) -> Money:
        return _sum((s.line.tax for s in self.lines), self.currency)

    @property
    def total(self) -> Money:
        return self.subtotal - self.discount + self.tax

    @property
    def amount_paid(self) -> Money:
        return _sum((p.amount for p in self.payments), self.currency)

    @property
    def credit_taken(self) -> Money:
        return self.credit_applied or Money.zero(self.currency)

    @property
    def credit_noted(self) -> Money:
        return self.credited or Money.zero(self.currency)

    @property
    def amount_due(self) -> Money:
        """What is still owed: never below zero."""
        if self.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
            return Money.zero(self.currency)
        due = self.total - self.credit_taken - self.credit_noted - self.amount_paid
        return max(due, Money.zero(self.currency))

    @property
    def paid_on(self) -> date | None:
        return self.payments[-1].paid_on if self.status is InvoiceStatus.PAID else None

    @property
    def is_correction(self) -> bool:
        return self.correction_number > 0


def _sum(amounts: Iterable[Money], currency: Currency) -> Money:
    return sum(amounts, Money.zero(currency))


# --- transitions ------------------------------------------------------------------------------


def approved(invoice: StoredInvoice, number: str, credit: Money, at: datetime) -> StoredInvoice:
    """Numbered and final; `credit` (carry-forward credit) must not exceed the total."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceTransitionNotAllowed(invoice.id, invoice.status, "approved")
    if credit < Money.zero(invoice.currency) or credit > max(
        invoice.total, Money.zero(invoice.currency)
    ):
        raise ValueError("credit applied must be between zero and the invoice total")
    return replace(
        invoice,
        status=InvoiceStatus.APPROVED,
        number=number,
        credit_applied=credit,
        approved_at=at,
        updated_at=at,
        version=invoice.version + 1,
    )


def credit_to_apply(balance: Money, invoice: StoredInvoice) -> Money:
    """How much of a carry-forward balance an invoice takes: never more than its total."""
    return max(min(balance, invoice.total), Money.zero(invoice.currency))


def sent(invoice: StoredInvoice, at: datetime) -> StoredInvoice:
    """Sending again changes nothing; a draft or a settled invoice is not sent."""
    if invoice.status is InvoiceStatus.SENT:
        return invoice
    if invoice.status is not InvoiceStatus.APPROVED:
        raise InvoiceTransitionNotAllowed(invoice.id, invoice.status, "sent")
    return replace(
        invoice,
        status=InvoiceStatus.SENT,
        sent_at=at,
        updated_at=at,
        version=invoice.version + 1,
    )


def voided(invoice: StoredInvoice, at: datetime, reason: str | None = None) -> StoredInvoice:
    if invoice.status not in _VOIDABLE:
        raise InvoiceTransitionNotAllowed(invoice.id, invoice.status, "voided")
    return replace(
        invoice,
        status=InvoiceStatus.VOID,
        voided_at=at,
        void_reason=reason,
        updated_at=at,
        version=invoice.version + 1,
    )


def paid(
    invoice: StoredInvoice,
    amount: Money | None,
    paid_on: date,
    reference: str | None,
    at: datetime,
) -> StoredInvoice:
    """Record a payment; None pays what is due. Partial → PARTIALLY_PAID, full → PAID."""
    if invoice.status not in OPEN:
        raise InvoiceTransitionNotAllowed(invoice.id, invoice.status, "paid")
    due = invoice.amount_due
    amount = due if amount is None else amount
    problems = payment_problems(invoice, amount, reference)
    if problems:
        raise InvalidArgument(problems)
    payment = Payment(amount, paid_on, reference, at)
    after = replace(invoice, payments=(*invoice.payments, payment))
    status = InvoiceStatus.PAID if after.amount_due.is_zero() else InvoiceStatus.PARTIALLY_PAID
    return replace(after, status=status, updated_at=at, version=invoice.version + 1)


def payment_problems(
    invoice: StoredInvoice, amount: Money, reference: str | None
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    due = invoice.amount_due
    zero = Money.zero(invoice.currency)
    if amount.currency != invoice.currency:
        return [FieldProblem("amount", f"must be in {invoice.currency.code}", "currency_mismatch")]
    if not amount.is_rounded():
        problems.append(
            FieldProblem(
                "amount",
                f"must have at most {invoice.currency.minor_units} decimal places",
                "too_precise",
            )
        )
    elif amount < zero or (amount.is_zero() and not due.is_zero()):
        problems.append(FieldProblem("amount", "must be more than zero", "out_of_range"))
    elif amount > due:
        problems.append(
            FieldProblem(
                "amount",
                f"{amount.amount} is more than the {due.amount} still due (overpayment refused)",
                "overpayment",
            )
        )
    if reference is not None and len(reference) > MAX_REFERENCE_LENGTH:
        problems.append(
            FieldProblem("reference", f"must be at most {MAX_REFERENCE_LENGTH} characters")
        )
    return problems


def refreshed(
    invoice: StoredInvoice,
    issue_on: date,
    due_on: date,
    computed: Sequence[StoredLine],
    at: datetime,
) -> StoredInvoice:
    """A draft with the engine's new lines; lines moved in by corrections and by hand stay."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotEditable(invoice.id, invoice.status)
    kept = tuple(s for s in invoice.lines if s.source is not LineSource.COMPUTED)
    return _with_lines(
        replace(invoice, issue_on=issue_on, due_on=due_on, basis=tuple(computed)),
        (*computed, *kept),
        at,
    )


def with_correction_lines(
    invoice: StoredInvoice, lines: Sequence[StoredLine], at: datetime
) -> StoredInvoice:
    """A draft carrying correction lines that name earlier, approved periods."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotEditable(invoice.id, invoice.status)
    return _with_lines(invoice, (*invoice.lines, *lines), at)


def _with_lines(invoice: StoredInvoice, lines: Sequence[StoredLine], at: datetime) -> StoredInvoice:
    period = [s.line for s in lines] or [s.line for s in invoice.lines]
    return replace(
        invoice,
        lines=tuple(lines),
        period_start_on=min((line.period_start_on for line in period), default=invoice.issue_on),
        period_end_on=max((line.period_end_on for line in period), default=invoice.issue_on),
        updated_at=at,
        version=invoice.version + 1,
    )


# --- editing a draft by hand ------------------------------------------------------------------


@dataclass(frozen=True)
class LineChange:
    """One change to a draft: `position` (1-based) names a line; None adds one.

    On an existing line, unset fields keep their value; `amount` set without quantity and unit
    price keeps them only as information. The tax is recomputed from the net at the line's rate.
    """

    position: int | None = None
    remove: bool = False
    description: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    tax_rate: Decimal | None = None


def edited(
    invoice: StoredInvoice,
    changes: Sequence[LineChange],
    edit: LineEdit,
) -> StoredInvoice:
    """The draft with `changes` applied, every changed line stamped with `edit`."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceNotEditable(invoice.id, invoice.status)
    problems = _edit_problems(invoice, changes, edit)
    if problems:
        raise InvalidArgument(problems)
    lines: list[StoredLine | None] = list(invoice.lines)
    added: list[StoredLine] = []
    for change in changes:
        if change.position is None:
            added.append(_new_line(invoice, change, edit))
            continue
        current = lines[change.position - 1]
        assert current is not None  # a line is removed at most once (checked above)
        lines[change.position - 1] = (
            None if change.remove else replace(_changed(invoice, current, change), edit=edit)
        )
    kept = [s for s in lines if s is not None]
    result = _with_lines(invoice, (*kept, *added), edit.at)
    return replace(result, edited=True)


def _edit_problems(
    invoice: StoredInvoice, changes: Sequence[LineChange], edit: LineEdit
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not edit.reason.strip():
        problems.append(FieldProblem("reason", "must say why the invoice is edited", "required"))
    elif len(edit.reason) > MAX_REASON_LENGTH:
        problems.append(FieldProblem("reason", f"must be at most {MAX_REASON_LENGTH} characters"))
    if not changes:
        problems.append(FieldProblem("lines", "must list at least one change", "required"))
    seen: set[int] = set()
    for index, change in enumerate(changes):
        path = f"lines[{index}]"
        if change.position is None:
            if change.remove:
                problems.append(FieldProblem(f"{path}.remove", "needs a position", "required"))
            if not change.description or not change.description.strip():
                problems.append(
                    FieldProblem(f"{path}.description", "is required on a new line", "required")
                )
            if change.amount is None and (change.quantity is None or change.unit_price is None):
                problems.append(
                    FieldProblem(
                        f"{path}.amount",
                        "is required on a new line (or quantity and unitPrice)",
                        "required",
                    )
                )
        elif not 1 <= change.position <= len(invoice.lines):
            problems.append(
                FieldProblem(
                    f"{path}.position",
                    f"must name a line of the invoice (1 to {len(invoice.lines)})",
                    "out_of_range",
                )
            )
        elif change.position in seen:
            problems.append(FieldProblem(f"{path}.position", "is changed twice", "duplicate"))
        if change.position is not None:
            seen.add(change.position)
        if change.description is not None and len(change.description) > MAX_DESCRIPTION_LENGTH:
            problems.append(
                FieldProblem(
                    f"{path}.description", f"must be at most {MAX_DESCRIPTION_LENGTH} characters"
                )
            )
        if change.amount is not None and not Money(change.amount, invoice.currency).is_rounded():
            problems.append(
                FieldProblem(
                    f"{path}.amount",
                    f"must have at most {invoice.currency.minor_units} decimal places",
                    "too_precise",
                )
            )
        if change.tax_rate is not None and not Decimal(0) <= change.tax_rate <= Decimal(100):
            problems.append(
                FieldProblem(f"{path}.taxRate", "must be a percent from 0 to 100", "out_of_range")
            )
        if change.quantity is not None and change.quantity < 0:
            problems.append(FieldProblem(f"{path}.quantity", "must not be negative", "negative"))
    return problems


def _amount(invoice: StoredInvoice, change: LineChange, line: InvoiceLine | None) -> Money:
    if change.amount is not None:
        return Money(change.amount, invoice.currency)
    quantity = change.quantity if change.quantity is not None or line is None else line.quantity
    price = change.unit_price if change.unit_price is not None or line is None else line.unit_price
    repriced = change.quantity is not None or change.unit_price is not None
    if repriced and quantity is not None and price is not None:
        return (Money(quantity, invoice.currency) * price).rounded(invoice.rounding)
    assert line is not None
    return line.amount


def _changed(invoice: StoredInvoice, current: StoredLine, change: LineChange) -> StoredLine:
    line = current.line
    amount = _amount(invoice, change, line)
    tax_rate = line.tax_rate if change.tax_rate is None else change.tax_rate
    discount = min(line.discount, max(amount, Money.zero(invoice.currency)))
    new = replace(
        line,
        description=line.description if change.description is None else change.description,
        quantity=line.quantity if change.quantity is None else change.quantity,
        unit_price=line.unit_price if change.unit_price is None else change.unit_price,
        amount=amount,
        discount=discount,
        tax_rate=tax_rate,
        tax=_tax(amount - discount, tax_rate, invoice.rounding),
    )
    return replace(current, line=new)


def _new_line(invoice: StoredInvoice, change: LineChange, edit: LineEdit) -> StoredLine:
    amount = _amount(invoice, change, None)
    tax_rate = change.tax_rate if change.tax_rate is not None else Decimal(0)
    assert change.description is not None
    line = InvoiceLine(
        kind=LineKind.CHARGE,
        description=change.description,
        line_item_id=None,
        period_start_on=invoice.period_start_on,
        period_end_on=invoice.period_end_on,
        quantity=change.quantity,
        unit_price=change.unit_price,
        amount=amount,
        discount=Money.zero(invoice.currency),
        tax_rate=tax_rate,
        tax=_tax(amount, tax_rate, invoice.rounding),
    )
    return StoredLine(line, invoice.contract_id, LineSource.MANUAL, edit=edit)


def _tax(net: Money, rate: Decimal, policy: RoundingPolicy) -> Money:
    return (net * rate * Decimal("0.01")).rounded(policy)


# --- numbering ------------------------------------------------------------------------------


class DocumentKind(enum.Enum):
    """Each kind has its own gapless sequence per legal entity."""

    INVOICE = "INVOICE"
    CREDIT_NOTE = "CREDIT_NOTE"


DEFAULT_PREFIX = {DocumentKind.INVOICE: "INV-", DocumentKind.CREDIT_NOTE: "CN-"}


def document_number(prefix: str, sequence: int) -> str:
    """INV-000001: the prefix, then the sequence padded so numbers sort as they were given."""
    return f"{prefix}{sequence:06d}"


def latest_and_next(
    invoices: Iterable[StoredInvoice],
) -> tuple[StoredInvoice | None, StoredInvoice | None]:
    """Of a contract's invoices: the latest one issued (approved or later, voided included), and
    the next one to issue (the earliest draft). Stigg's `latestInvoice` and `nextInvoice`."""
    issued = [i for i in invoices if i.status is not InvoiceStatus.DRAFT]
    drafts = [i for i in invoices if i.status is InvoiceStatus.DRAFT]
    latest = max(issued, key=lambda i: (i.issue_on, i.created_at, i.id), default=None)
    upcoming = min(drafts, key=lambda i: (i.issue_on, i.created_at, i.id), default=None)
    return latest, upcoming
