"""Entitlement checks and effective entitlements in Stigg's shapes (the `DataFeature` variant:
every object carries `"type": "FEATURE"`; credit entitlements are not served)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from pactline.api.envelope import OutModel
from pactline.api.schemas.exact_numbers import Number, as_number
from pactline.domain.catalog import Feature, FeatureStatus
from pactline.domain.entitlement_check import CheckResult
from pactline.services.entitlements import CustomerView

DeniedReasonOut = Literal[
    "FeatureNotFound",
    "CustomerNotFound",
    "CustomerIsArchived",
    "NoActiveSubscription",
    "NoFeatureEntitlementInSubscription",
    "RequestedUsageExceedingLimit",
    "RequestedValuesMismatch",
    "FeatureTypeMismatch",
]


class CheckedFeatureOut(OutModel):
    id: str
    display_name: str
    feature_status: Literal["NEW", "SUSPENDED", "ACTIVE"]
    feature_type: Literal["BOOLEAN", "NUMBER", "ENUM"]


class CheckedEntitlementOut(OutModel):
    """One feature's entitlement as checked now. Limits and usage are JSON numbers; the usage
    period fields are set when the entitlement resets periodically."""

    type: Literal["FEATURE"] = "FEATURE"
    is_granted: bool
    access_denied_reason: DeniedReasonOut | None
    current_usage: Number | None
    usage_limit: Number | None
    has_unlimited_usage: bool | None
    reset_period: Literal["YEAR", "MONTH", "WEEK", "DAY", "HOUR"] | None
    usage_period_anchor: datetime | None
    usage_period_start: datetime | None
    usage_period_end: datetime | None
    feature: CheckedFeatureOut | None
    entitlement_updated_at: datetime | None
    valid_until: datetime | None


class EffectiveEntitlementsOut(OutModel):
    access_denied_reason: (
        Literal["CustomerNotFound", "NoActiveSubscription", "CustomerIsArchived"] | None
    )
    entitlements: list[CheckedEntitlementOut]


def entitlement_json(result: CheckResult) -> dict[str, Any]:
    """`CheckedEntitlementOut` as JSON-ready data, built directly: checks are served at a rate where
    validating the model for every response would cost more than the check itself."""
    effective = result.entitlement
    window = result.window
    value = None if effective is None else effective.value
    reset_period = None if value is None else value.reset_period
    anchor = None if window is None or effective is None else effective.anchor_at
    return {
        "type": "FEATURE",
        "isGranted": result.is_granted,
        "accessDeniedReason": None if result.reason is None else result.reason.value,
        "currentUsage": _number(result.current_usage),
        "usageLimit": None if value is None else _number(value.usage_limit),
        "hasUnlimitedUsage": None if value is None else value.has_unlimited_usage,
        "resetPeriod": None if reset_period is None else reset_period.value,
        "usagePeriodAnchor": None if anchor is None else _instant(anchor),
        "usagePeriodStart": None if window is None else _instant(window.start),
        "usagePeriodEnd": None if window is None else _instant(window.end),
        "feature": None if result.feature is None else _feature(result.feature),
        "entitlementUpdatedAt": None if effective is None else _instant(effective.updated_at),
        "validUntil": None if result.valid_until is None else _instant(result.valid_until),
    }


def effective_entitlements_json(view: CustomerView) -> dict[str, Any]:
    return {
        "accessDeniedReason": None if view.denied is None else view.denied.value,
        "entitlements": [entitlement_json(result) for result in view.entitlements],
    }


def _feature(feature: Feature) -> dict[str, str]:
    status = FeatureStatus.SUSPENDED if feature.archived else feature.status
    return {
        "id": feature.id,
        "displayName": feature.display_name,
        "featureStatus": status.value,
        "featureType": feature.feature_type.value,
    }


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else as_number(value)


def _instant(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as pydantic writes the other responses' instants."""
    text = value.isoformat()
    if not text.endswith("+00:00"):
        text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z"
