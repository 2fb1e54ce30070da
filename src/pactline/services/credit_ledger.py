"""Moves of a customer's carry-forward credit, each an entry of the ledger (BILLING-SEMANTICS §9).

Every move is about one invoice: the invoice that took credit, gave it back, was credited
beyond what it owed, or was found over-charged. The entry takes its customer and its legal
entity (the one that owes the credit) from that invoice.
"""

from __future__ import annotations

from datetime import datetime

from pactline.domain.credit_balances import CreditEntry, CreditEntryKind
from pactline.domain.ids import new_id
from pactline.domain.invoice_lifecycle import StoredInvoice
from pactline.domain.money import Money
from pactline.services.ports import UnitOfWork


def record_credit(
    uow: UnitOfWork,
    invoice: StoredInvoice,
    amount: Money,
    kind: CreditEntryKind,
    now: datetime,
    correction_id: str | None = None,
) -> None:
    """Move the balance by `amount` (positive: credit granted; negative: taken); nothing for 0."""
    if amount.is_zero():
        return
    uow.credit_balances.record(
        CreditEntry(
            id=new_id("cre", now),
            environment_id=invoice.environment_id,
            customer_id=invoice.customer_id,
            legal_entity_id=invoice.legal_entity_id,
            amount=amount,
            kind=kind,
            created_at=now,
            invoice_id=invoice.id,
            correction_id=correction_id,
        )
    )
