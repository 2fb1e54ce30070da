"""What the rating engine produces: invoices with rounded lines that add up exactly."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pactline.domain.currency import Currency
from pactline.domain.money import Money

DEFAULT_BILLING_GROUP = "default"


class LineKind(enum.Enum):
    CHARGE = "CHARGE"  # a line item's charge for a period or segment
    ADJUSTMENT = "ADJUSTMENT"  # in-advance quantity change settled after the fact
    COMMITMENT_TRUE_UP = "COMMITMENT_TRUE_UP"  # minimum commitment shortfall


@dataclass(frozen=True)
class InvoiceLine:
    kind: LineKind
    description: str
    line_item_id: str | None  # None for a contract-level commitment true-up
    period_start_on: date  # inclusive: the period or segment the line covers
    period_end_on: date  # exclusive
    quantity: Decimal | None
    unit_price: Decimal | None  # a rate, full precision; None when no single rate applies
    amount: Money  # rounded once, before discounts
    discount: Money  # rounded once; positive, subtracted from amount
    tax_rate: Decimal  # percent
    tax: Money  # rounded once, on amount − discount

    @property
    def net(self) -> Money:
        return self.amount - self.discount

    @property
    def total(self) -> Money:
        return self.net + self.tax


@dataclass(frozen=True)
class Invoice:
    number: str  # a placeholder until approval assigns the real, gapless number
    billing_group: str
    currency: Currency
    issue_on: date
    due_on: date
    period_start_on: date  # earliest line start
    period_end_on: date  # latest line end (exclusive)
    lines: tuple[InvoiceLine, ...]

    @property
    def subtotal(self) -> Money:
        return _sum((line.amount for line in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        return _sum((line.discount for line in self.lines), self.currency)

    @property
    def tax(self) -> Money:
        return _sum((line.tax for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        return self.subtotal - self.discount + self.tax


def _sum(amounts: Iterable[Money], currency: Currency) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total
