"""A contract's commercial terms, as the rating engine reads them (drafts and active alike).

Calendar dates here are the inclusive dates written on an order form ("1 Jan – 31 Dec");
the calendar (`pactline.domain.periods`) turns them into half-open periods.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pactline.domain.calendar import Anchor, BillingCycle
from pactline.domain.catalog import Condition
from pactline.domain.currency import Currency
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.money import RoundingPolicy
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating.models import PricingModel

DEFAULT_NET_TERMS_DAYS = 30


class ChargeType(enum.Enum):
    FIXED = "FIXED"  # prices a contracted quantity (or a flat fee)
    USAGE = "USAGE"  # pay-as-you-go: prices the metered usage of the period, in arrears


class Proration(enum.Enum):
    ACTUAL_DAYS = "ACTUAL_DAYS"  # segment days / days of the full cycle period (default)
    THIRTY_360 = "THIRTY_360"  # the same ratio counted in 30-day months


class UsageTierReset(enum.Enum):
    PER_SEGMENT = "PER_SEGMENT"  # each segment's usage starts the ladder again (default)
    PERIOD_END_VERSION = "PERIOD_END_VERSION"  # whole period's usage at the closing version


class DiscountKind(enum.Enum):
    FREE_UNITS = "FREE_UNITS"  # units per period removed before pricing
    PERCENT = "PERCENT"  # percent off the line's amount
    AMOUNT = "AMOUNT"  # amount off per period, prorated for stubs, never below zero


class CommitmentKind(enum.Enum):
    AMOUNT = "AMOUNT"  # spend after discounts, before tax
    QUANTITY = "QUANTITY"  # units


class CommitmentMode(enum.Enum):
    GREEDY = "GREEDY"  # every period must meet its own share until the total is met
    CUMULATIVE = "CUMULATIVE"  # a heavy period banks credit for later ones


@dataclass(frozen=True)
class DateWindow:
    """Inclusive calendar dates; None on either side means unbounded."""

    start_on: date | None = None
    end_on: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start_on is None or self.start_on <= day) and (
            self.end_on is None or day <= self.end_on
        )

    @property
    def end_exclusive(self) -> date | None:
        return None if self.end_on is None else self.end_on + timedelta(days=1)


@dataclass(frozen=True)
class PriceVersion:
    """The price in effect from `start_on` (inclusive) to `end_on` (inclusive, or open)."""

    start_on: date
    model: PricingModel
    end_on: date | None = None


@dataclass(frozen=True)
class QuantityChange:
    """From `effective_on` on, the contracted quantity is `quantity`."""

    effective_on: date
    quantity: Decimal


@dataclass(frozen=True)
class Discount:
    kind: DiscountKind
    value: Decimal  # units, percent (0–100) or amount per period
    window: DateWindow = field(default_factory=DateWindow)


@dataclass(frozen=True)
class Commitment:
    kind: CommitmentKind
    mode: CommitmentMode = CommitmentMode.GREEDY
    total: Decimal | None = None  # over the window; or
    per_period: Decimal | None = None  # per evaluation period
    window: DateWindow = field(default_factory=DateWindow)  # default: the line's (contract's) span
    # Evaluation periods. A line's commitment defaults to the line's billing cycle; a
    # contract-level one defaults to a single period covering the whole window.
    cycle: BillingCycle | None = None


@dataclass(frozen=True)
class LineItem:
    id: str
    name: str
    charge_type: ChargeType
    price_versions: tuple[PriceVersion, ...]
    billing_cycle: BillingCycle
    timing: ChargeTiming
    anchor: Anchor = field(default_factory=Anchor)
    start_on: date | None = None  # default: the contract's start
    end_on: date | None = None  # default: the contract's end (inclusive)
    quantities: tuple[QuantityChange, ...] = ()  # fixed lines; empty for flat fees
    metered_feature_id: str | None = None  # usage lines
    # usage lines: only the usage whose dimensions pass every condition (BILLING-SEMANTICS §10)
    usage_filter: tuple[Condition, ...] = ()
    optional: bool = False
    activations: tuple[DateWindow, ...] = ()  # optional items bill only inside these
    discounts: tuple[Discount, ...] = ()
    commitment: Commitment | None = None
    tax_rate: Decimal | None = None  # percent; falls back to the contract's
    separate_invoice: bool = False
    net_terms_days: int | None = None  # falls back to the contract's


@dataclass(frozen=True)
class ContractTerms:
    id: str
    name: str
    customer_id: str
    currency: Currency
    timezone: str
    start_on: date
    end_on: date | None  # inclusive; None = open-ended
    line_items: tuple[LineItem, ...]
    net_terms_days: int = DEFAULT_NET_TERMS_DAYS
    tax_rate: Decimal | None = None  # percent
    discounts: tuple[Discount, ...] = ()  # contract level: PERCENT or AMOUNT, after line discounts
    commitment: Commitment | None = None  # contract level: spend across all lines
    rounding: RoundingPolicy = RoundingPolicy.HALF_UP
    proration: Proration = Proration.ACTUAL_DAYS
    usage_tier_reset: UsageTierReset = UsageTierReset.PER_SEGMENT
    fluctuating_usage: FluctuatingUsage = FluctuatingUsage.PEAK  # usage lines of levels (§10)

    def line_start(self, line: LineItem) -> date:
        return line.start_on or self.start_on

    def line_end(self, line: LineItem) -> date | None:
        """The line's last day (inclusive), or None when it runs as long as an open contract."""
        return line.end_on or self.end_on

    def line_net_terms(self, line: LineItem) -> int:
        return self.net_terms_days if line.net_terms_days is None else line.net_terms_days

    def line_tax_rate(self, line: LineItem) -> Decimal:
        if line.tax_rate is not None:
            return line.tax_rate
        return self.tax_rate if self.tax_rate is not None else Decimal(0)
