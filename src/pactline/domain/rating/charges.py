"""Exact, unrounded charges: what rating produces before the schedule rounds and groups them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import MAX_PREC, Context, Decimal, Inexact, InvalidOperation, Rounded

from pactline.domain.invoicing import LineKind
from pactline.domain.periods import BillingPeriod

_EXACT = Context(prec=MAX_PREC, traps=[Inexact, Rounded, InvalidOperation])


@dataclass(frozen=True)
class Charge:
    """One future invoice line, exact; `discount` has the sign of `amount` and is no larger."""

    kind: LineKind
    line_item_id: str | None  # None for a contract-level commitment true-up
    description: str
    billing_group: str
    issue_on: date
    net_terms_days: int
    period_start_on: date  # inclusive
    period_end_on: date  # exclusive
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal
    discount: Decimal
    tax_rate: Decimal  # percent

    @property
    def net(self) -> Decimal:
        # The default context keeps 28 digits; amounts here may carry more, so subtract exactly.
        return _EXACT.subtract(self.amount, self.discount)


@dataclass(frozen=True)
class PeriodActual:
    """What a line (or the contract) actually came to in one evaluation period, for commitments.

    `spend` is after discounts and before tax; `quantity` is the priced quantity (after free
    units), time-weighted for fixed lines and summed for usage lines.
    """

    period: BillingPeriod
    spend: Decimal
    quantity: Decimal
