"""The events of invoices and credit notes, recorded in the outbox with every state change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pactline.domain.credit_notes import CreditNote
from pactline.domain.errors import StaleVersion
from pactline.domain.events import DomainEvent
from pactline.domain.invoice_lifecycle import StoredInvoice
from pactline.domain.money import money_text
from pactline.services.events import new_event, record_event
from pactline.services.ports import UnitOfWork

INVOICE_DRAFTED = "invoice.drafted"
INVOICE_UPDATED = "invoice.updated"
INVOICE_APPROVED = "invoice.approved"
INVOICE_SENT = "invoice.sent"
INVOICE_PAID = "invoice.paid"
INVOICE_VOIDED = "invoice.voided"
CREDIT_NOTE_ISSUED = "credit_note.issued"


def invoice_event(
    uow: UnitOfWork, invoice: StoredInvoice, event_type: str, at: datetime, **extra: Any
) -> None:
    uow.outbox.add_all([_invoice_event(invoice, event_type, at, **extra)])


def record_invoice_events(
    uow: UnitOfWork, invoices: Sequence[StoredInvoice], event_type: str, at: datetime
) -> None:
    """`invoice_event` for many invoices, in one statement."""
    uow.outbox.add_all([_invoice_event(invoice, event_type, at) for invoice in invoices])


def _invoice_event(
    invoice: StoredInvoice, event_type: str, at: datetime, **extra: Any
) -> DomainEvent:
    data: dict[str, Any] = {
        "id": invoice.id,
        "customerId": invoice.customer_id,
        "contractId": invoice.contract_id,
        "number": invoice.number,
        "status": invoice.status.value,
        "issueDate": invoice.issue_on.isoformat(),
        "dueDate": invoice.due_on.isoformat(),
        "currency": invoice.currency.code,
        "total": money_text(invoice.total),
        "amountDue": money_text(invoice.amount_due),
        **extra,
    }
    return new_event(invoice.environment_id, event_type, data, at)


def credit_note_event(uow: UnitOfWork, note: CreditNote, at: datetime) -> None:
    data = {
        "id": note.id,
        "number": note.number,
        "invoiceId": note.invoice_id,
        "customerId": note.customer_id,
        "reasonCode": note.reason.value,
        "currency": note.currency.code,
        "total": money_text(note.total),
        "correctionId": note.correction_id,
    }
    record_event(uow, note.environment_id, CREDIT_NOTE_ISSUED, data, at)


def save_invoice(uow: UnitOfWork, invoice: StoredInvoice, expected_version: int) -> None:
    """Write a changed invoice, or StaleVersion when someone else changed it first."""
    if not uow.invoices.update(invoice, expected_version):
        current = uow.invoices.get(invoice.environment_id, invoice.id)
        raise StaleVersion(
            "Invoice", invoice.id, expected_version, None if current is None else current.version
        )
