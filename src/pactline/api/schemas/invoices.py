"""Invoices and credit notes as JSON.

pactline's own endpoints (`/api/v1/invoices…`) write amounts as decimal strings with exactly
the currency's minor digits. The Stigg-compatible endpoints (`/api/v1/customers/{id}/invoices…`)
follow the SDK's `CustomerListInvoicesResponse`: amounts are JSON numbers converted from the
exact decimals, dates are instants, and `state` is Stigg's OPEN / PAID / CANCELED; pactline's own
`status` is added beside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.exact_numbers import Number
from pactline.api.schemas.invoice_schedule import InvoiceOut as ScheduledInvoiceOut
from pactline.domain.credit_balances import CreditBalance
from pactline.domain.credit_notes import CreditNote, CreditReason, CreditRequest, LineCredit
from pactline.domain.invoice_lifecycle import (
    InvoiceStatus,
    LineChange,
    LineSource,
    StoredInvoice,
    StoredLine,
)
from pactline.domain.invoicing import LineKind
from pactline.domain.money import Money, money_text
from pactline.services.billing_runs import RunSummary
from pactline.services.invoices import UpcomingInvoice

_END_EXCLUSIVE = "Exclusive: the first day not covered"

STIGG_STATE = {
    InvoiceStatus.DRAFT: "OPEN",
    InvoiceStatus.APPROVED: "OPEN",
    InvoiceStatus.SENT: "OPEN",
    InvoiceStatus.PARTIALLY_PAID: "OPEN",
    InvoiceStatus.PAID: "PAID",
    InvoiceStatus.VOID: "CANCELED",
}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _instant(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), UTC)


# --- pactline's own shapes (amounts as strings) ------------------------------------------------


class PeriodRefOut(OutModel):
    invoice_id: str
    period_start: date
    period_end: date = Field(description=_END_EXCLUSIVE)


class StoredLineOut(OutModel):
    position: int = Field(description="1-based; names the line in edits and credit notes")
    kind: LineKind
    source: LineSource
    description: str
    contract_id: str | None
    line_item_id: str | None
    period_start: date
    period_end: date = Field(description=_END_EXCLUSIVE)
    quantity: str | None
    unit_price: str | None
    amount: str
    discount: str
    tax_rate: str
    tax: str
    total: str
    corrects: PeriodRefOut | None = Field(description="A correction: the period it corrects")
    edited_by: str | None = Field(description="The API key that changed the line by hand")
    edit_reason: str | None
    edited_at: datetime | None

    @classmethod
    def of(cls, position: int, stored: StoredLine) -> StoredLineOut:
        line, ref, edit = stored.line, stored.corrects, stored.edit
        return cls(
            position=position,
            kind=line.kind,
            source=stored.source,
            description=line.description,
            contract_id=stored.contract_id,
            line_item_id=line.line_item_id,
            period_start=line.period_start_on,
            period_end=line.period_end_on,
            quantity=_text(line.quantity),
            unit_price=_text(line.unit_price),
            amount=money_text(line.amount),
            discount=money_text(line.discount),
            tax_rate=_text(line.tax_rate) or "0",
            tax=money_text(line.tax),
            total=money_text(line.total),
            corrects=None
            if ref is None
            else PeriodRefOut(
                invoice_id=ref.invoice_id, period_start=ref.start_on, period_end=ref.end_on
            ),
            edited_by=None if edit is None else edit.by,
            edit_reason=None if edit is None else edit.reason,
            edited_at=None if edit is None else edit.at,
        )


class LegalEntityCreditOut(OutModel):
    legal_entity_id: str
    amount: str = Field(description="Decimal text with the currency's minor digits")


class CreditBalanceOut(OutModel):
    """pactline: a customer's carry-forward credit in one currency, kept per legal entity (the
    one that owes it) and taken at approval by that entity's invoices only
    (BILLING-SEMANTICS §9)."""

    customer_id: str
    currency: str
    amount: str = Field(
        description="Decimal text with the currency's minor digits: the sum over the entities"
    )
    legal_entities: list[LegalEntityCreditOut] = Field(
        description="The credit owed by each legal entity that has a credit ledger"
    )

    @classmethod
    def of(cls, balance: CreditBalance) -> CreditBalanceOut:
        unit = balance.currency
        return cls(
            customer_id=balance.customer_id,
            currency=unit.code,
            amount=money_text(balance.total),
            legal_entities=[
                LegalEntityCreditOut(legal_entity_id=entity, amount=money_text(Money(amount, unit)))
                for entity, amount in balance.by_legal_entity.items()
            ],
        )


class PaymentOut(OutModel):
    amount: str
    paid_date: date
    reference: str | None
    recorded_at: datetime


class InvoiceOut(OutModel):
    id: str
    number: str | None = Field(description="Assigned on approval; gapless per legal entity")
    status: InvoiceStatus
    customer_id: str
    contract_id: str | None = Field(description="null when several contracts consolidate")
    legal_entity_id: str
    billing_group: str
    correction_number: int = Field(description="0, or n for the n-th back-dated correction")
    corrects: PeriodRefOut | None
    currency: str
    issue_date: date
    due_date: date
    period_start: date
    period_end: date = Field(description=_END_EXCLUSIVE)
    lines: list[StoredLineOut]
    subtotal: str
    discount: str
    tax: str
    total: str
    credit_applied: str = Field(description="Carry-forward credit taken at approval")
    credited: str = Field(description="Taken off by credit notes")
    amount_paid: str
    amount_due: str
    payments: list[PaymentOut]
    edited: bool = Field(description="Changed by hand: billing runs no longer refresh it")
    version: int
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
    voided_at: datetime | None
    void_reason: str | None

    @classmethod
    def of(cls, invoice: StoredInvoice) -> InvoiceOut:
        ref = invoice.corrects
        return cls(
            id=invoice.id,
            number=invoice.number,
            status=invoice.status,
            customer_id=invoice.customer_id,
            contract_id=invoice.contract_id,
            legal_entity_id=invoice.legal_entity_id,
            billing_group=invoice.billing_group,
            correction_number=invoice.correction_number,
            corrects=None
            if ref is None
            else PeriodRefOut(
                invoice_id=ref.invoice_id, period_start=ref.start_on, period_end=ref.end_on
            ),
            currency=invoice.currency.code,
            issue_date=invoice.issue_on,
            due_date=invoice.due_on,
            period_start=invoice.period_start_on,
            period_end=invoice.period_end_on,
            lines=[StoredLineOut.of(i, s) for i, s in enumerate(invoice.lines, start=1)],
            subtotal=money_text(invoice.subtotal),
            discount=money_text(invoice.discount),
            tax=money_text(invoice.tax),
            total=money_text(invoice.total),
            credit_applied=money_text(invoice.credit_taken),
            credited=money_text(invoice.credit_noted),
            amount_paid=money_text(invoice.amount_paid),
            amount_due=money_text(invoice.amount_due),
            payments=[
                PaymentOut(
                    amount=money_text(p.amount),
                    paid_date=p.paid_on,
                    reference=p.reference,
                    recorded_at=p.recorded_at,
                )
                for p in invoice.payments
            ],
            edited=invoice.edited,
            version=invoice.version,
            created_at=invoice.created_at,
            updated_at=invoice.updated_at,
            approved_at=invoice.approved_at,
            sent_at=invoice.sent_at,
            voided_at=invoice.voided_at,
            void_reason=invoice.void_reason,
        )


class CreditNoteLineOut(OutModel):
    description: str
    amount: str
    invoice_line: int | None = Field(description="The credited line's position, if one")


class RunOut(OutModel):
    """What a billing run did."""

    as_of: datetime
    contracts: int
    drafted: int
    refreshed: int
    unchanged: int
    held: int = Field(description="Drafts edited by hand, left as they are")
    corrected: int
    superseded: int
    failed: dict[str, str] = Field(description="Contract id to why it was not billed")

    @classmethod
    def of(cls, summary: RunSummary) -> RunOut:
        return cls(
            as_of=summary.as_of,
            contracts=summary.contracts,
            drafted=summary.drafted,
            refreshed=summary.refreshed,
            unchanged=summary.unchanged,
            held=summary.held,
            corrected=summary.corrected,
            superseded=summary.superseded,
            failed=dict(summary.failed),
        )


class CreditNoteOut(OutModel):
    id: str
    number: str
    invoice_id: str
    customer_id: str
    reason_code: CreditReason
    issue_date: date
    currency: str
    total: str
    lines: list[CreditNoteLineOut]
    memo: str | None
    correction_id: str | None = Field(description="Set when a billing correction issued it")
    created_at: datetime

    @classmethod
    def of(cls, note: CreditNote) -> CreditNoteOut:
        return cls(
            id=note.id,
            number=note.number,
            invoice_id=note.invoice_id,
            customer_id=note.customer_id,
            reason_code=note.reason,
            issue_date=note.issue_on,
            currency=note.currency.code,
            total=money_text(note.total),
            lines=[
                CreditNoteLineOut(
                    description=line.description,
                    amount=money_text(line.amount),
                    invoice_line=line.invoice_line,
                )
                for line in note.lines
            ],
            memo=note.memo,
            correction_id=note.correction_id,
            created_at=note.created_at,
        )


class UpcomingInvoiceOut(OutModel):
    contract_id: str
    customer_id: str
    invoice: ScheduledInvoiceOut = Field(description="Computed now from usage so far; not stored")

    @classmethod
    def of(cls, upcoming: UpcomingInvoice) -> UpcomingInvoiceOut:
        return cls(
            contract_id=upcoming.contract_id,
            customer_id=upcoming.customer_id,
            invoice=ScheduledInvoiceOut.of(upcoming.invoice),
        )


# --- inputs --------------------------------------------------------------------------------------


class LineChangeIn(CamelModel):
    position: int | None = Field(default=None, description="The line to change; omit to add one")
    remove: bool = False
    description: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    tax_rate: Decimal | None = None

    def to_domain(self) -> LineChange:
        return LineChange(
            position=self.position,
            remove=self.remove,
            description=self.description,
            quantity=self.quantity,
            unit_price=self.unit_price,
            amount=self.amount,
            tax_rate=self.tax_rate,
        )


class InvoiceEdit(CamelModel):
    reason: str = Field(description="Why the draft is changed by hand (kept on every line)")
    lines: list[LineChangeIn]
    version: int | None = Field(default=None, description="Or send it as If-Match")


class ApproveIn(CamelModel):
    version: int | None = None


class BulkApproveIn(CamelModel):
    invoice_ids: list[str]


class VoidIn(CamelModel):
    reason: str | None = None


class PaidIn(CamelModel):
    paid_date: date
    amount: Decimal | None = Field(default=None, description="Omit to pay all that is due")
    reference: str | None = None


class LineCreditIn(CamelModel):
    position: int
    amount: Decimal | None = Field(default=None, description="Omit to credit what is left")


class CreditNoteIn(CamelModel):
    reason_code: CreditReason
    issue_date: date
    lines: list[LineCreditIn] | None = None
    amount: Decimal | None = None
    memo: str | None = None

    def to_domain(self) -> CreditRequest:
        return CreditRequest(
            reason=self.reason_code,
            issue_on=self.issue_date,
            lines=tuple(LineCredit(line.position, line.amount) for line in self.lines or ()),
            amount=self.amount,
            memo=self.memo,
        )


# --- Stigg's shapes (amounts as numbers) ---------------------------------------------------------


class StiggLineItemOut(OutModel):
    amount: Number
    description: str
    product_external_id: str | None
    quantity: Number | None
    unit_price: Number | None


class StiggInvoiceOut(OutModel):
    invoice_id: str
    invoice_external_id: str
    invoice_number: str | None
    contract_external_id: str | None
    customer_external_id: str
    currency: str
    issue_date: datetime
    due_date: datetime
    paid_date: datetime | None
    state: str = Field(description="OPEN, PAID or CANCELED (Stigg's states)")
    status: InvoiceStatus = Field(description="pactline's lifecycle state")
    subtotal: Number
    discount: Number
    tax: Number
    total: Number
    amount_paid: Number
    amount_due: Number
    period_start: date
    period_end_inclusive: date
    line_items: list[StiggLineItemOut]

    @classmethod
    def of(cls, invoice: StoredInvoice) -> StiggInvoiceOut:
        issue = _instant(invoice.issue_on)
        due = _instant(invoice.due_on)
        assert issue is not None
        assert due is not None
        return cls(
            invoice_id=invoice.id,
            invoice_external_id=invoice.number or invoice.id,
            invoice_number=invoice.number,
            contract_external_id=invoice.contract_id,
            customer_external_id=invoice.customer_id,
            currency=invoice.currency.code,
            issue_date=issue,
            due_date=due,
            paid_date=_instant(invoice.paid_on),
            state=STIGG_STATE[invoice.status],
            status=invoice.status,
            subtotal=invoice.subtotal.amount,
            discount=invoice.discount.amount,
            tax=invoice.tax.amount,
            total=invoice.total.amount,
            amount_paid=invoice.amount_paid.amount,
            amount_due=invoice.amount_due.amount,
            period_start=invoice.period_start_on,
            period_end_inclusive=invoice.period_end_on - timedelta(days=1),
            line_items=[
                StiggLineItemOut(
                    amount=s.line.amount.amount,
                    description=s.line.description,
                    product_external_id=None,
                    quantity=s.line.quantity,
                    unit_price=s.line.unit_price,
                )
                for s in invoice.lines
            ],
        )


class StiggCreditNoteOut(OutModel):
    id: str
    number: str
    invoice_id: str
    customer_external_id: str
    reason_code: CreditReason
    issue_date: datetime
    currency: str
    total: Number
    memo: str | None

    @classmethod
    def of(cls, note: CreditNote) -> StiggCreditNoteOut:
        issued = _instant(note.issue_on)
        assert issued is not None
        return cls(
            id=note.id,
            number=note.number,
            invoice_id=note.invoice_id,
            customer_external_id=note.customer_id,
            reason_code=note.reason,
            issue_date=issued,
            currency=note.currency.code,
            total=note.total.amount,
            memo=note.memo,
        )
