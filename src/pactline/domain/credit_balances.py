"""Carry-forward credit: what the customer is owed, kept per legal entity and currency and
applied to the next invoices of that entity at approval, never taking one below zero
(BILLING-SEMANTICS §9). An entity's credit is that company's debt to the customer: another
entity's invoices never take it.

The balance is the sum of a ledger of entries, each saying why it moved.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pactline.domain.currency import Currency
from pactline.domain.money import Money


class CreditEntryKind(enum.Enum):
    OVERCHARGE = "OVERCHARGE"  # a correction found an approved period over-charged
    CREDIT_NOTE_EXCESS = "CREDIT_NOTE_EXCESS"  # a credit note beyond what was still owed
    APPLIED = "APPLIED"  # taken by an invoice at its approval (negative)
    RETURNED = "RETURNED"  # given back when the invoice that took it was voided


@dataclass(frozen=True)
class CreditEntry:
    id: str
    environment_id: str
    customer_id: str
    legal_entity_id: str  # the entity that owes the credit: the one that invoiced
    amount: Money  # positive: credit granted; negative: credit used
    kind: CreditEntryKind
    created_at: datetime
    invoice_id: str | None = None
    correction_id: str | None = None


@dataclass(frozen=True)
class CreditBalance:
    """A customer's carry-forward credit in one currency, by the legal entity that owes it."""

    customer_id: str
    currency: Currency
    by_legal_entity: Mapping[str, Decimal]

    @property
    def total(self) -> Money:
        return Money(sum(self.by_legal_entity.values(), Decimal(0)), self.currency)
