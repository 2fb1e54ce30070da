"""An invoice schedule as JSON, and the preview of a draft, shared by the API and the CLI.

Amounts are decimal strings with exactly the currency's minor digits ("1200.00", JPY "1200",
KWD "1.250"), so a client never parses money through a float. Rates and quantities keep the
precision the engine computed them with.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import Field

from pactline.api.envelope import OutModel
from pactline.api.schemas.contract_draft import ContractDraft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.domain.invoicing import Invoice, InvoiceLine, LineKind
from pactline.domain.money import money_text
from pactline.domain.rating.schedule import invoice_schedule
from pactline.domain.rating.usage import InlineUsage

MAX_PREVIEW_COUNT = 500

_END_EXCLUSIVE = "Exclusive: the first day not covered"


class InvoiceLineOut(OutModel):
    kind: LineKind
    description: str
    line_item_id: str | None = Field(description="null for a contract-level commitment true-up")
    period_start: date
    period_end: date = Field(description=_END_EXCLUSIVE)
    period_end_inclusive: date = Field(description="The last day covered")
    quantity: str | None
    unit_price: str | None = Field(description="A rate, at full precision; null if none applies")
    amount: str = Field(description="Before discounts, rounded once")
    discount: str = Field(description="Positive; subtracted from amount")
    tax_rate: str = Field(description="Percent")
    tax: str = Field(description="(amount − discount) × taxRate / 100, rounded once")
    total: str = Field(description="amount − discount + tax")

    @classmethod
    def of(cls, line: InvoiceLine) -> InvoiceLineOut:
        return cls(
            kind=line.kind,
            description=line.description,
            line_item_id=line.line_item_id,
            period_start=line.period_start_on,
            period_end=line.period_end_on,
            period_end_inclusive=line.period_end_on - timedelta(days=1),
            quantity=_number(line.quantity),
            unit_price=_number(line.unit_price),
            amount=money_text(line.amount),
            discount=money_text(line.discount),
            tax_rate=_number(line.tax_rate) or "0",
            tax=money_text(line.tax),
            total=money_text(line.total),
        )


class InvoiceOut(OutModel):
    number: str = Field(description="A placeholder (DRAFT-0001, …) until approval numbers it")
    billing_group: str
    currency: str
    issue_date: date
    due_date: date
    period_start: date = Field(description="The earliest line's start")
    period_end: date = Field(description=_END_EXCLUSIVE + " (the latest line's end)")
    period_end_inclusive: date = Field(description="The last day covered")
    lines: list[InvoiceLineOut]
    subtotal: str = Field(description="Σ line amounts")
    discount: str = Field(description="Σ line discounts")
    tax: str = Field(description="Σ line taxes")
    total: str = Field(description="subtotal − discount + tax")

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceOut:
        return cls(
            number=invoice.number,
            billing_group=invoice.billing_group,
            currency=invoice.currency.code,
            issue_date=invoice.issue_on,
            due_date=invoice.due_on,
            period_start=invoice.period_start_on,
            period_end=invoice.period_end_on,
            period_end_inclusive=invoice.period_end_on - timedelta(days=1),
            lines=[InvoiceLineOut.of(line) for line in invoice.lines],
            subtotal=money_text(invoice.subtotal),
            discount=money_text(invoice.discount),
            tax=money_text(invoice.tax),
            total=money_text(invoice.total),
        )


class InvoiceScheduleOut(OutModel):
    invoices: list[InvoiceOut] = Field(description="In issue order")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def preview_schedule(
    draft: ContractDraft,
    *,
    as_of_on: date | None = None,
    horizon_on: date | None = None,
    count: int | None = None,
) -> InvoiceScheduleOut:
    """The invoices the draft produces; InvalidArgument lists every problem of the draft."""
    terms, usage = terms_from_draft(draft)
    invoices = invoice_schedule(
        terms, InlineUsage(usage), as_of_on=as_of_on, horizon_on=horizon_on, count=count
    )
    return InvoiceScheduleOut(invoices=[InvoiceOut.of(invoice) for invoice in invoices])
