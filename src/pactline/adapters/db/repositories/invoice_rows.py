"""Invoice rows: the column values of invoices and their lines, and the domain objects read back.

Amounts are stored in minor units; lines kept as JSON documents (an invoice's basis, a
correction's delta) use the same fields, with decimals as strings so no value passes through
a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pactline.adapters.db.schema import InvoiceLineRow, InvoicePaymentRow, InvoiceRow
from pactline.domain.currency import Currency, currency
from pactline.domain.invoice_lifecycle import (
    InvoiceStatus,
    LineEdit,
    LineSource,
    Payment,
    PeriodRef,
    StoredInvoice,
    StoredLine,
)
from pactline.domain.invoicing import InvoiceLine, LineKind
from pactline.domain.money import Money, RoundingPolicy


def currency_of(code: str, on: date) -> Currency:
    return currency(code, on=on)


def minor(money: Money | None) -> int | None:
    return None if money is None else money.to_minor_units()


def _money(units: int | None, unit: Currency) -> Money | None:
    return None if units is None else Money.from_minor_units(units, unit)


def invoice_values(invoice: StoredInvoice) -> dict[str, Any]:
    corrects = invoice.corrects
    return {
        "environment_id": invoice.environment_id,
        "id": invoice.id,
        "customer_id": invoice.customer_id,
        "contract_id": invoice.contract_id,
        "legal_entity_id": invoice.legal_entity_id,
        "scope_key": invoice.scope_key,
        "billing_group": invoice.billing_group,
        "billing_group_key": invoice.billing_group_key,
        "correction_number": invoice.correction_number,
        "currency": invoice.currency.code,
        "rounding": invoice.rounding.name,
        "issue_on": invoice.issue_on,
        "due_on": invoice.due_on,
        "period_start_on": invoice.period_start_on,
        "period_end_on": invoice.period_end_on,
        "status": invoice.status.value,
        "number": invoice.number,
        "total_minor": invoice.total.to_minor_units(),
        "amount_paid_minor": invoice.amount_paid.to_minor_units(),
        "credit_applied_minor": minor(invoice.credit_applied),
        "credited_minor": minor(invoice.credited),
        "basis": lines_document(invoice.basis),
        "corrects_invoice_id": None if corrects is None else corrects.invoice_id,
        "corrects_start_on": None if corrects is None else corrects.start_on,
        "corrects_end_on": None if corrects is None else corrects.end_on,
        "edited": invoice.edited,
        "version": invoice.version,
        "created_at": invoice.created_at,
        "updated_at": invoice.updated_at,
        "approved_at": invoice.approved_at,
        "sent_at": invoice.sent_at,
        "voided_at": invoice.voided_at,
        "void_reason": invoice.void_reason,
    }


def line_values(invoice: StoredInvoice) -> list[dict[str, Any]]:
    rows = []
    for position, stored in enumerate(invoice.lines, start=1):
        line, corrects, edit = stored.line, stored.corrects, stored.edit
        rows.append(
            {
                "environment_id": invoice.environment_id,
                "invoice_id": invoice.id,
                "position": position,
                "contract_id": stored.contract_id,
                "source": stored.source.value,
                "kind": line.kind.value,
                "description": line.description,
                "line_item_id": line.line_item_id,
                "period_start_on": line.period_start_on,
                "period_end_on": line.period_end_on,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount_minor": line.amount.to_minor_units(),
                "discount_minor": line.discount.to_minor_units(),
                "tax_rate": line.tax_rate,
                "tax_minor": line.tax.to_minor_units(),
                "corrects_invoice_id": None if corrects is None else corrects.invoice_id,
                "corrects_start_on": None if corrects is None else corrects.start_on,
                "corrects_end_on": None if corrects is None else corrects.end_on,
                "edited_by": None if edit is None else edit.by,
                "edit_reason": None if edit is None else edit.reason,
                "edited_at": None if edit is None else edit.at,
            }
        )
    return rows


def payment_values(invoice: StoredInvoice) -> list[dict[str, Any]]:
    return [
        {
            "environment_id": invoice.environment_id,
            "invoice_id": invoice.id,
            "position": position,
            "amount_minor": payment.amount.to_minor_units(),
            "paid_on": payment.paid_on,
            "reference": payment.reference,
            "recorded_at": payment.recorded_at,
        }
        for position, payment in enumerate(invoice.payments, start=1)
    ]


def invoice_of(
    row: InvoiceRow, lines: Sequence[InvoiceLineRow], payments: Sequence[InvoicePaymentRow]
) -> StoredInvoice:
    unit = currency_of(row.currency, row.issue_on)
    corrects = None
    if row.corrects_invoice_id is not None:
        assert row.corrects_start_on is not None
        assert row.corrects_end_on is not None
        corrects = PeriodRef(row.corrects_invoice_id, row.corrects_start_on, row.corrects_end_on)
    return StoredInvoice(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        contract_id=row.contract_id,
        legal_entity_id=row.legal_entity_id,
        scope_key=row.scope_key,
        billing_group=row.billing_group,
        billing_group_key=row.billing_group_key,
        correction_number=row.correction_number,
        currency=unit,
        rounding=RoundingPolicy[row.rounding],
        issue_on=row.issue_on,
        due_on=row.due_on,
        period_start_on=row.period_start_on,
        period_end_on=row.period_end_on,
        status=InvoiceStatus(row.status),
        number=row.number,
        lines=tuple(_line_of(line, unit) for line in sorted(lines, key=lambda r: r.position)),
        basis=lines_of_document(row.basis, unit),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        payments=tuple(
            Payment(
                Money.from_minor_units(p.amount_minor, unit), p.paid_on, p.reference, p.recorded_at
            )
            for p in sorted(payments, key=lambda r: r.position)
        ),
        credit_applied=_money(row.credit_applied_minor, unit),
        credited=_money(row.credited_minor, unit),
        corrects=corrects,
        edited=row.edited,
        approved_at=row.approved_at,
        sent_at=row.sent_at,
        voided_at=row.voided_at,
        void_reason=row.void_reason,
    )


def _line_of(row: InvoiceLineRow, unit: Currency) -> StoredLine:
    corrects = None
    if row.corrects_invoice_id is not None:
        assert row.corrects_start_on is not None
        assert row.corrects_end_on is not None
        corrects = PeriodRef(row.corrects_invoice_id, row.corrects_start_on, row.corrects_end_on)
    edit = None
    if row.edited_at is not None:
        edit = LineEdit(row.edited_by or "", row.edit_reason or "", row.edited_at)
    line = InvoiceLine(
        kind=LineKind(row.kind),
        description=row.description,
        line_item_id=row.line_item_id,
        period_start_on=row.period_start_on,
        period_end_on=row.period_end_on,
        quantity=row.quantity,
        unit_price=row.unit_price,
        amount=Money.from_minor_units(row.amount_minor, unit),
        discount=Money.from_minor_units(row.discount_minor, unit),
        tax_rate=row.tax_rate,
        tax=Money.from_minor_units(row.tax_minor, unit),
    )
    return StoredLine(line, row.contract_id, LineSource(row.source), corrects, edit)


# --- lines as JSON documents -------------------------------------------------------------------


def lines_document(lines: Iterable[StoredLine]) -> list[dict[str, Any]]:
    document = []
    for stored in lines:
        line, corrects = stored.line, stored.corrects
        document.append(
            {
                "contractId": stored.contract_id,
                "source": stored.source.value,
                "kind": line.kind.value,
                "description": line.description,
                "lineItemId": line.line_item_id,
                "periodStart": line.period_start_on.isoformat(),
                "periodEnd": line.period_end_on.isoformat(),
                "quantity": _text(line.quantity),
                "unitPrice": _text(line.unit_price),
                "amount": line.amount.to_minor_units(),
                "discount": line.discount.to_minor_units(),
                "taxRate": _text(line.tax_rate),
                "tax": line.tax.to_minor_units(),
                "corrects": None
                if corrects is None
                else {
                    "invoiceId": corrects.invoice_id,
                    "start": corrects.start_on.isoformat(),
                    "end": corrects.end_on.isoformat(),
                },
            }
        )
    return document


def lines_of_document(
    document: Iterable[Mapping[str, Any]], unit: Currency
) -> tuple[StoredLine, ...]:
    lines = []
    for item in document:
        corrects = item.get("corrects")
        line = InvoiceLine(
            kind=LineKind(item["kind"]),
            description=item["description"],
            line_item_id=item["lineItemId"],
            period_start_on=date.fromisoformat(item["periodStart"]),
            period_end_on=date.fromisoformat(item["periodEnd"]),
            quantity=_decimal(item["quantity"]),
            unit_price=_decimal(item["unitPrice"]),
            amount=Money.from_minor_units(item["amount"], unit),
            discount=Money.from_minor_units(item["discount"], unit),
            tax_rate=Decimal(item["taxRate"]),
            tax=Money.from_minor_units(item["tax"], unit),
        )
        lines.append(
            StoredLine(
                line,
                item["contractId"],
                LineSource(item["source"]),
                None
                if corrects is None
                else PeriodRef(
                    corrects["invoiceId"],
                    date.fromisoformat(corrects["start"]),
                    date.fromisoformat(corrects["end"]),
                ),
            )
        )
    return tuple(lines)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
