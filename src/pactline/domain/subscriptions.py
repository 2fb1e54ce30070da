"""Subscriptions: a customer's plan version, add-ons, negotiated values and prices over time.

A subscription records the plan version it was sold on; publishing a new version changes it
only when the publish (ALL_CUSTOMERS) or a migration says so. Its status is never stored: it
is derived from the instant it is looked at (`status`), so a subscription whose end has passed
reads CANCELED or EXPIRED without any background job.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pactline.domain.calendar import days_in_month
from pactline.domain.charges import BillingModel, BillingPeriod, Charge, PricingType, Tier
from pactline.domain.entitlements import (
    EntitlementValue,
    ResetAnchor,
    ResetPeriod,
    subscription_values,
)
from pactline.domain.periods import Period
from pactline.domain.plans import (
    AddonVersion,
    PlanVersion,
    TrialEndBehavior,
)
from pactline.domain.usage_windows import usage_window


class SubscriptionStatus(enum.Enum):
    PAYMENT_PENDING = "PAYMENT_PENDING"  # CHARGE on a PAID plan, until its invoice is paid
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"  # ended on its own (a trial that cancels at its end)
    IN_TRIAL = "IN_TRIAL"
    CANCELED = "CANCELED"  # ended because someone canceled or replaced it
    NOT_STARTED = "NOT_STARTED"


GRANTING = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.IN_TRIAL})


class PaymentCollectionMethod(enum.Enum):
    CHARGE = "CHARGE"  # self-serve: the first invoice must be paid before access
    INVOICE = "INVOICE"  # sales-led: invoiced, access at once
    NONE = "NONE"  # not billed through pactline


class PaymentCollection(enum.Enum):
    NOT_REQUIRED = "NOT_REQUIRED"
    PROCESSING = "PROCESSING"
    FAILED = "FAILED"
    ACTION_REQUIRED = "ACTION_REQUIRED"


class CancelReason(enum.Enum):
    UPGRADE_OR_DOWNGRADE = "UPGRADE_OR_DOWNGRADE"
    CANCELLED_BY_BILLING = "CANCELLED_BY_BILLING"
    EXPIRED = "EXPIRED"
    DETACH_BILLING = "DETACH_BILLING"
    TRIAL_ENDED = "TRIAL_ENDED"
    IMMEDIATE = "Immediate"
    TRIAL_CONVERTED = "TRIAL_CONVERTED"
    PENDING_PAYMENT_EXPIRED = "PENDING_PAYMENT_EXPIRED"
    SCHEDULED_CANCELLATION = "ScheduledCancellation"
    CUSTOMER_ARCHIVED = "CustomerArchived"
    AUTO_CANCELLATION_RULE = "AutoCancellationRule"


# Ends that read EXPIRED rather than CANCELED.
EXPIRING = frozenset({CancelReason.EXPIRED, CancelReason.TRIAL_ENDED})


class CancellationTime(enum.Enum):
    END_OF_BILLING_PERIOD = "END_OF_BILLING_PERIOD"
    IMMEDIATE = "IMMEDIATE"
    SPECIFIC_DATE = "SPECIFIC_DATE"


@dataclass(frozen=True)
class SubscriptionAddon:
    addon_id: str
    quantity: int
    version_number: int  # the add-on version the subscription holds


@dataclass(frozen=True)
class PriceOverride:
    """A negotiated price for one charge of the plan or of one of its add-ons."""

    charge_id: str
    currency: str  # lower-case ISO 4217
    addon_id: str | None = None  # None: a charge of the plan
    feature_id: str | None = None  # None: the base (flat fee) charge
    amount: Decimal | None = None  # replaces a plain price
    tiers: tuple[Tier, ...] = ()  # replace a tiered price
    block_size: Decimal | None = None

    @property
    def base_charge(self) -> bool:
        return self.feature_id is None


@dataclass(frozen=True)
class Subscription:
    id: str
    environment_id: str
    customer_id: str
    plan_id: str
    plan_version: int
    product_id: str
    pricing_type: PricingType
    billing_period: BillingPeriod
    currency: str  # lower-case ISO 4217
    payment_collection_method: PaymentCollectionMethod
    start_at: datetime
    created_at: datetime
    updated_at: datetime
    addons: tuple[SubscriptionAddon, ...] = ()
    entitlements: tuple[EntitlementValue, ...] = ()  # negotiated values (variable entitlements)
    price_overrides: tuple[PriceOverride, ...] = ()
    unit_quantities: Mapping[str, Decimal] = field(default_factory=dict)  # by charge id
    metadata: Mapping[str, str] = field(default_factory=dict)
    billing_id: str | None = None
    billing_country_code: str | None = None
    invoice_days_until_due: int | None = None
    trial_end_at: datetime | None = None
    trial_end_behavior: TrialEndBehavior | None = None
    payment_required: bool = False  # set at provisioning: CHARGE on a PAID plan, no trial
    paid_at: datetime | None = None
    end_at: datetime | None = None  # an explicit end: canceled, replaced, cancellationDate
    cancel_reason: CancelReason | None = None
    canceled_at: datetime | None = None  # when the end was asked for

    @property
    def awaiting_payment(self) -> bool:
        return self.payment_required and self.paid_at is None

    @property
    def _trial_cancel_at(self) -> datetime | None:
        if self.trial_end_behavior is TrialEndBehavior.CANCEL_SUBSCRIPTION:
            return self.trial_end_at
        return None

    @property
    def ends_at(self) -> datetime | None:
        """When the subscription stops (None: it renews for good)."""
        ends = [at for at in (self.end_at, self._trial_cancel_at) if at is not None]
        return min(ends) if ends else None

    @property
    def end_reason(self) -> CancelReason | None:
        trial_cancel = self._trial_cancel_at
        if self.end_at is not None and (trial_cancel is None or self.end_at <= trial_cancel):
            return self.cancel_reason
        return CancelReason.TRIAL_ENDED if trial_cancel is not None else None

    def status(self, at: datetime) -> SubscriptionStatus:
        ends = self.ends_at
        if ends is not None and ends <= at:
            if self.end_reason in EXPIRING:
                return SubscriptionStatus.EXPIRED
            return SubscriptionStatus.CANCELED
        if self.awaiting_payment:
            return SubscriptionStatus.PAYMENT_PENDING
        if at < self.start_at:
            return SubscriptionStatus.NOT_STARTED
        if self.trial_end_at is not None and at < self.trial_end_at:
            return SubscriptionStatus.IN_TRIAL
        return SubscriptionStatus.ACTIVE

    def ended(self, at: datetime) -> bool:
        ends = self.ends_at
        return ends is not None and ends <= at

    def grants(self, at: datetime) -> bool:
        return self.status(at) in GRANTING

    def billing_period_at(self, at: datetime) -> Period:
        """The billing period containing `at` (the first one before the start): the trial,
        then MONTHLY or ANNUALLY periods from the trial's end (or from the start)."""
        instant = max(at, self.start_at)
        trial_end = self.trial_end_at
        if trial_end is not None and trial_end > self.start_at:
            if instant < trial_end:
                return Period(self.start_at, trial_end)
            return recurring_period(self.billing_period, trial_end, instant)
        return recurring_period(self.billing_period, self.start_at, instant)

    def unit_quantity(self, charge: Charge) -> Decimal:
        return self.unit_quantities.get(charge.id, default_quantity(charge))


def recurring_period(period: BillingPeriod, anchor: datetime, at: datetime) -> Period:
    """The MONTHLY or ANNUALLY period from `anchor` that contains `at` (at ≥ anchor)."""
    reset = ResetPeriod.MONTH if period is BillingPeriod.MONTHLY else ResetPeriod.YEAR
    window = usage_window(reset, ResetAnchor.SUBSCRIPTION_START, anchor, at, "UTC")
    assert window is not None, "a reset period always has a window"
    return window


def default_quantity(charge: Charge) -> Decimal:
    """A PER_UNIT charge bought without a quantity: its minimum, and at least one unit."""
    return Decimal(max(1, charge.min_unit_quantity or 0))


def add_months(instant: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks is its last day."""
    index = instant.year * 12 + instant.month - 1 + months
    year, month = divmod(index, 12)
    day = min(instant.day, days_in_month(year, month + 1))
    return instant.replace(year=year, month=month + 1, day=day)


# --- what a subscription grants -------------------------------------------------------------


def granted_values(
    subscription: Subscription,
    plan_chain_versions: Sequence[PlanVersion],
    addon_versions: Mapping[str, AddonVersion],
) -> dict[str, EntitlementValue]:
    """Every feature value the subscription grants (whatever its status).

    `plan_chain_versions` lists the plan's ancestors first and the subscription's own plan
    version last; `addon_versions` holds the add-on versions it holds, by add-on id. Negotiated
    values replace the plan's; a PER_UNIT charge on a feature grants the quantity bought as the
    feature's limit (unless a value was negotiated for it); add-ons apply × their quantity.
    """
    negotiated = list(subscription.entitlements)
    explicit = {value.feature_id for value in negotiated}
    if plan_chain_versions:
        for charge in plan_chain_versions[-1].charges:
            feature_id = charge.feature_id
            if (
                charge.billing_model is BillingModel.PER_UNIT
                and feature_id is not None
                and feature_id not in explicit
            ):
                quantity = subscription.unit_quantity(charge)
                negotiated.append(EntitlementValue(feature_id=feature_id, usage_limit=quantity))
    addons = [
        ([e.value for e in addon_versions[a.addon_id].entitlements], a.quantity)
        for a in subscription.addons
        if a.addon_id in addon_versions
    ]
    return subscription_values(
        [[e.value for e in version.entitlements] for version in plan_chain_versions],
        negotiated,
        addons,
    )
