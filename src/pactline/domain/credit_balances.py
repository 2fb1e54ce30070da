"""Carry-forward credit: what the customer is owed, kept per currency and applied to the next
invoices at approval, never taking one below zero (BILLING-SEMANTICS §9).

The balance is the sum of a ledger of entries, each saying why it moved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

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
    amount: Money  # positive: credit granted; negative: credit used
    kind: CreditEntryKind
    created_at: datetime
    invoice_id: str | None = None
    correction_id: str | None = None
