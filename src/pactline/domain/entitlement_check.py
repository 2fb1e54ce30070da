"""A customer's effective entitlements, and the answer to "may they use this feature now?".

Every active subscription grants its values (`granted_values`) and every active promotional
grant its one value; per feature the most generous value wins (`most_generous`). Usage of a
metered feature is counted in the usage window of the winning value's reset period, anchored on
the start of the source that granted it, in the customer's timezone.

Pure: the entitlement service loads the inputs, counts usage and caches the results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pactline.domain.catalog import Feature, FeatureType, MeterType
from pactline.domain.entitlements import (
    DeniedReason,
    EntitlementValue,
    decide,
    most_generous_source,
)
from pactline.domain.periods import Period
from pactline.domain.usage_windows import usage_window

# Reasons that apply to the customer as a whole, before any feature is looked at.
CUSTOMER_REASONS = frozenset(
    {
        DeniedReason.CUSTOMER_NOT_FOUND,
        DeniedReason.CUSTOMER_IS_ARCHIVED,
        DeniedReason.NO_ACTIVE_SUBSCRIPTION,
    }
)
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Grant:
    """What one source grants: an active subscription, or an active promotional grant."""

    values: Mapping[str, EntitlementValue]  # by feature id
    start_at: datetime
    end_at: datetime | None  # when it stops granting, when that is known
    updated_at: datetime


@dataclass(frozen=True)
class Effective:
    """A feature's effective entitlement and where its usage window is anchored."""

    feature: Feature
    value: EntitlementValue
    anchor_at: datetime  # the start of the source whose value won
    source_end_at: datetime | None
    updated_at: datetime

    @property
    def counts_usage(self) -> bool:
        """Whether the check needs the customer's usage (metered NUMBER features)."""
        return self.feature.feature_type is FeatureType.NUMBER and self.feature.metered

    def window(self, at: datetime, timezone: str) -> Period | None:
        """The window usage counts in at `at`; None for a level (FLUCTUATING) or no meter."""
        if self.feature.meter_type is not MeterType.INCREMENTAL:
            return None
        value = self.value
        return usage_window(value.reset_period, value.reset_anchor, self.anchor_at, at, timezone)


@dataclass(frozen=True)
class CustomerEntitlements:
    """Everything a customer is entitled to at one instant."""

    denied: DeniedReason | None  # one of CUSTOMER_REASONS, or None
    entitlements: Mapping[str, Effective]  # by feature id
    timezone: str = "UTC"
    changes_at: datetime | None = None  # the first instant a source stops (or starts) granting


def resolve(
    grants: Sequence[Grant], features: Mapping[str, Feature], timezone: str
) -> CustomerEntitlements:
    """The effective entitlements of a customer who exists and is not archived. Features
    missing from `features` are left out."""
    if not grants:
        return CustomerEntitlements(DeniedReason.NO_ACTIVE_SUBSCRIPTION, {}, timezone)
    feature_ids = sorted({feature_id for grant in grants for feature_id in grant.values})
    entitlements: dict[str, Effective] = {}
    for feature_id in feature_ids:
        feature = features.get(feature_id)
        if feature is None:
            continue
        sources = [grant for grant in grants if feature_id in grant.values]
        winner = most_generous_source([grant.values[feature_id] for grant in sources])
        assert winner is not None, "every feature id comes from some grant"
        value, index = winner
        source = sources[index]
        entitlements[feature_id] = Effective(
            feature=feature,
            value=value,
            anchor_at=source.start_at,
            source_end_at=source.end_at,
            updated_at=max(grant.updated_at for grant in sources),
        )
    ends = [grant.end_at for grant in grants if grant.end_at is not None]
    return CustomerEntitlements(None, entitlements, timezone, min(ends) if ends else None)


@dataclass(frozen=True)
class CheckResult:
    is_granted: bool
    reason: DeniedReason | None
    feature: Feature | None  # None: the feature is unknown
    entitlement: Effective | None  # None: nothing grants the feature
    current_usage: Decimal | None  # None: the feature has no usage (BOOLEAN, ENUM)
    window: Period | None  # the usage window, when the entitlement resets periodically
    valid_until: datetime | None  # when the answer may change without anything being done


def check(
    customer: CustomerEntitlements,
    feature: Feature | None,
    current_usage: Decimal | None = None,
    window: Period | None = None,
    requested_usage: Decimal | None = None,
    requested_values: Sequence[str] = (),
) -> CheckResult:
    """The access decision for `feature` (None: unknown). Customer-wide reasons come first
    (unknown, archived), then an unknown feature, then no subscription or grant at all, then
    the feature's own entitlement (`decide`). `current_usage` and `window` are those of the
    feature's effective entitlement, counted by the caller."""
    denied = customer.denied
    if denied is DeniedReason.CUSTOMER_NOT_FOUND or denied is DeniedReason.CUSTOMER_IS_ARCHIVED:
        return CheckResult(False, denied, feature, None, None, None, None)
    if feature is None:
        return CheckResult(False, DeniedReason.FEATURE_NOT_FOUND, None, None, None, None, None)
    effective = customer.entitlements.get(feature.id)
    if effective is None:
        reason = denied or DeniedReason.NO_FEATURE_ENTITLEMENT
        return CheckResult(False, reason, feature, None, None, None, None)
    usage = current_usage
    if usage is None and feature.feature_type is FeatureType.NUMBER:
        usage = _ZERO
    decision = decide(feature, effective.value, usage or _ZERO, requested_usage, requested_values)
    resets = window if effective.value.reset_period is not None else None
    return CheckResult(
        decision.is_granted,
        decision.reason,
        feature,
        effective,
        usage,
        resets,
        _earliest(None if resets is None else resets.end, effective.source_end_at),
    )


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
