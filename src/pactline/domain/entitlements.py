"""What a customer may do: entitlement values, how they combine, and the access decision.

A value comes from a plan (or its parent), an add-on (× quantity), a subscription's negotiated
values, or a promotional grant. `subscription_values` folds them for one
subscription; across subscriptions and promotions the most generous value wins.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pactline.domain.catalog import Feature, FeatureType


class ResetPeriod(enum.Enum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    YEAR = "YEAR"


class ResetAnchor(enum.Enum):
    """Where a reset period starts (Stigg's `accordingTo` values)."""

    SUBSCRIPTION_START = "SubscriptionStart"
    START_OF_THE_MONTH = "StartOfTheMonth"
    EVERY_SUNDAY = "EverySunday"
    EVERY_MONDAY = "EveryMonday"
    EVERY_TUESDAY = "EveryTuesday"
    EVERY_WEDNESDAY = "EveryWednesday"
    EVERY_THURSDAY = "EveryThursday"
    EVERY_FRIDAY = "EveryFriday"
    EVERY_SATURDAY = "EverySaturday"


class Behavior(enum.Enum):
    INCREMENT = "Increment"  # an add-on adds to what the plan grants
    OVERRIDE = "Override"  # an add-on replaces what the plan grants


class DeniedReason(enum.Enum):
    FEATURE_NOT_FOUND = "FeatureNotFound"
    CUSTOMER_NOT_FOUND = "CustomerNotFound"
    CUSTOMER_IS_ARCHIVED = "CustomerIsArchived"
    NO_ACTIVE_SUBSCRIPTION = "NoActiveSubscription"
    NO_FEATURE_ENTITLEMENT = "NoFeatureEntitlementInSubscription"
    REQUESTED_USAGE_EXCEEDING_LIMIT = "RequestedUsageExceedingLimit"
    REQUESTED_VALUES_MISMATCH = "RequestedValuesMismatch"
    FEATURE_TYPE_MISMATCH = "FeatureTypeMismatch"


@dataclass(frozen=True)
class EntitlementValue:
    """How much of one feature is granted. `usage_limit` None with no unlimited flag means the
    feature is granted without a number (a BOOLEAN, or an ENUM restricted by `enum_values`)."""

    feature_id: str
    is_granted: bool = True
    usage_limit: Decimal | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool = False
    enum_values: frozenset[str] | None = None  # None: no restriction on values
    reset_period: ResetPeriod | None = None
    reset_anchor: ResetAnchor | None = None
    behavior: Behavior = Behavior.INCREMENT


def overridden(base: EntitlementValue, override: EntitlementValue) -> EntitlementValue:
    """A child plan's or a subscription's value for the feature replaces the base outright,
    keeping the base's reset period when the override names none."""
    return replace(
        override,
        reset_period=override.reset_period or base.reset_period,
        reset_anchor=override.reset_anchor or base.reset_anchor,
    )


def with_addon(
    base: EntitlementValue | None, addon: EntitlementValue, quantity: int
) -> EntitlementValue:
    """An add-on bought `quantity` times: OVERRIDE replaces, INCREMENT adds limit × quantity."""
    if base is None or addon.behavior is Behavior.OVERRIDE:
        scaled = addon.usage_limit * quantity if addon.usage_limit is not None else None
        return replace(addon, usage_limit=scaled, behavior=Behavior.INCREMENT)
    added = None if addon.usage_limit is None else addon.usage_limit * quantity
    limit = base.usage_limit
    if added is not None:
        limit = added if limit is None else limit + added
    return replace(
        base,
        is_granted=base.is_granted or addon.is_granted,
        usage_limit=limit,
        has_unlimited_usage=base.has_unlimited_usage or addon.has_unlimited_usage,
        has_soft_limit=base.has_soft_limit or addon.has_soft_limit,
        enum_values=_union(base.enum_values, addon.enum_values),
    )


def most_generous(values: Iterable[EntitlementValue]) -> EntitlementValue | None:
    """Across subscriptions and promotional grants: the value that allows the most."""
    best: EntitlementValue | None = None
    for value in values:
        if best is None:
            best = value
            continue
        ranked = sorted((best, value), key=_generosity, reverse=True)
        winner = ranked[0]
        best = replace(
            winner,
            is_granted=best.is_granted or value.is_granted,
            has_unlimited_usage=best.has_unlimited_usage or value.has_unlimited_usage,
            has_soft_limit=best.has_soft_limit or value.has_soft_limit,
            enum_values=_union(best.enum_values, value.enum_values),
        )
    return best


def most_generous_source(
    values: Sequence[EntitlementValue],
) -> tuple[EntitlementValue, int] | None:
    """`most_generous(values)`, and the index of the value it builds on: the one whose limit
    and reset period win (the first of equally generous values)."""
    best: EntitlementValue | None = None
    source = 0
    for index, value in enumerate(values):
        if best is None:
            best = value
            continue
        if _generosity(value) > _generosity(best):
            source = index
        best = most_generous((best, value))
    return None if best is None else (best, source)


def _generosity(value: EntitlementValue) -> tuple[bool, bool, Decimal]:
    limit = value.usage_limit if value.usage_limit is not None else Decimal(-1)
    return (value.is_granted, value.has_unlimited_usage, limit)


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None or b is None:
        return None  # one of them allows every value
    return a | b


@dataclass(frozen=True)
class Decision:
    is_granted: bool
    reason: DeniedReason | None


def decide(
    feature: Feature,
    value: EntitlementValue | None,
    current_usage: Decimal,
    requested_usage: Decimal | None = None,
    requested_values: Sequence[str] = (),
) -> Decision:
    """May the customer use `feature` now, given its effective value and current usage?

    NUMBER features: unlimited or soft-limited values always grant; otherwise a request for R
    more is granted while current + R ≤ limit, and without a request while some usage is left
    (current < limit). ENUM features grant when every requested value is allowed.
    """
    if value is None or not value.is_granted:
        return Decision(False, DeniedReason.NO_FEATURE_ENTITLEMENT)
    if feature.feature_type is FeatureType.ENUM:
        allowed = value.enum_values
        if allowed is not None and not set(requested_values) <= allowed:
            return Decision(False, DeniedReason.REQUESTED_VALUES_MISMATCH)
        return Decision(True, None)
    if feature.feature_type is FeatureType.BOOLEAN:
        return Decision(True, None)
    if value.has_unlimited_usage or value.has_soft_limit or value.usage_limit is None:
        return Decision(True, None)
    limit = value.usage_limit
    fits = (
        current_usage < limit
        if requested_usage is None
        else current_usage + requested_usage <= limit
    )
    return (
        Decision(True, None)
        if fits
        else Decision(False, DeniedReason.REQUESTED_USAGE_EXCEEDING_LIMIT)
    )


def subscription_values(
    plan_chain: Sequence[Iterable[EntitlementValue]],
    negotiated: Iterable[EntitlementValue],
    addons: Sequence[tuple[Iterable[EntitlementValue], int]],
) -> dict[str, EntitlementValue]:
    """Every feature value one subscription grants.

    `plan_chain` lists the plan's ancestors first and the plan last: a child's value for a
    feature replaces its parent's. The subscription's negotiated values (for the plan's
    variable entitlements, or its price-override quantities) replace the plan's next, and
    add-ons apply last, each × its quantity.
    """
    values: dict[str, EntitlementValue] = {}
    for plan_values in plan_chain:
        for value in plan_values:
            base = values.get(value.feature_id)
            values[value.feature_id] = value if base is None else overridden(base, value)
    for value in negotiated:
        base = values.get(value.feature_id)
        values[value.feature_id] = value if base is None else overridden(base, value)
    for addon_values, quantity in addons:
        for value in addon_values:
            values[value.feature_id] = with_addon(values.get(value.feature_id), value, quantity)
    return values
