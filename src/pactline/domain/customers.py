"""Customers, and the promotional entitlements granted to one customer outside any subscription.

Customer ids are chosen by the vendor and are unique within an environment. A promotional grant
gives one feature for a period that starts when it is granted; its status is derived from the
instant it is looked at: Active while that instant is before its end (a lifetime grant has
none), Expired from its end on. Revoking or replacing a grant ends it at that moment.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pactline.domain.catalog import MAX_ID_LENGTH, Feature, FeatureType, MeterType, validate_id
from pactline.domain.currency import UnknownCurrency, currency
from pactline.domain.entitlements import EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.periods import resolve_timezone

MAX_NAME_LENGTH = 500
MAX_EMAIL_LENGTH = 320
MAX_LANGUAGE_LENGTH = 64
MAX_TIMEZONE_LENGTH = 64

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# Names zoneinfo resolves that are not IANA zones: they depend on the machine's files.
_NOT_IANA = {"localtime", "posixrules"}


@dataclass(frozen=True)
class Customer:
    id: str
    environment_id: str
    name: str | None
    email: str | None
    billing_currency: str | None  # upper-case ISO 4217 code
    timezone: str | None  # IANA name
    metadata: Mapping[str, str]
    billing_id: str | None
    language: str | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    coupon_id: str | None = None
    # Vendor-specific billing fields (Stigg's `passthrough`), kept as sent and never interpreted.
    passthrough: Mapping[str, Any] | None = None
    # Billing: one invoice per issue date across the customer's contracts (per legal entity
    # and currency) instead of one per contract.
    consolidate_invoices: bool = False

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


def customer_problems(customer: Customer, today: date) -> list[FieldProblem]:
    """Every problem of a customer's fields, named by their API field; `today` dates currencies."""
    problems = validate_id(customer.id)
    if "/" in customer.id or customer.id in (".", ".."):
        # Such an id could not be named in a URL path (/customers/{id}) once created.
        problems.append(FieldProblem("id", "must not contain '/' or be '.' or '..'", "invalid"))
    problems += _text_problems("name", customer.name, MAX_NAME_LENGTH)
    problems += _text_problems("billingId", customer.billing_id, MAX_ID_LENGTH)
    problems += _text_problems("couponId", customer.coupon_id, MAX_ID_LENGTH)
    problems += _text_problems("language", customer.language, MAX_LANGUAGE_LENGTH)
    email = customer.email
    if email is not None and (len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
        problems.append(
            FieldProblem("email", "must be an email address like name@example.com", "invalid")
        )
    if customer.billing_currency is not None:
        problems += _currency_problems(customer.billing_currency, today)
    if customer.timezone is not None:
        problems += _timezone_problems(customer.timezone)
    return problems


def _text_problems(name: str, value: str | None, max_length: int) -> list[FieldProblem]:
    if value is None:
        return []
    if not value.strip():
        return [FieldProblem(name, "must not be blank (send null to clear it)", "required")]
    if len(value) > max_length:
        return [FieldProblem(name, f"must be at most {max_length} characters", "too_long")]
    return []


def _currency_problems(code: str, today: date) -> list[FieldProblem]:
    try:
        currency(code, on=today)
    except UnknownCurrency as error:
        return [FieldProblem("billingCurrency", error.problems[0].message, "unknown_currency")]
    return []


def _timezone_problems(name: str) -> list[FieldProblem]:
    problem = FieldProblem("timezone", f"'{name}' is not a known IANA timezone", "unknown_timezone")
    if len(name) > MAX_TIMEZONE_LENGTH or name in _NOT_IANA:
        return [problem]
    try:
        resolve_timezone(name, "timezone")
    except InvalidArgument:
        return [problem]
    return []


# --- promotional entitlements -------------------------------------------------------------


class GrantPeriod(enum.Enum):
    """How long a promotional grant lasts from the moment it is granted (Stigg's spelling)."""

    ONE_WEEK = "1 week"
    ONE_MONTH = "1 month"
    SIX_MONTHS = "6 month"
    ONE_YEAR = "1 year"
    LIFETIME = "lifetime"
    CUSTOM = "custom"  # until an explicit end instant


class GrantStatus(enum.Enum):
    ACTIVE = "Active"
    EXPIRED = "Expired"
    PAUSED = "Paused"  # Stigg's vocabulary; pactline never pauses a grant


_MONTHS = {GrantPeriod.ONE_MONTH: 1, GrantPeriod.SIX_MONTHS: 6, GrantPeriod.ONE_YEAR: 12}


@dataclass(frozen=True)
class PromotionalEntitlement:
    """One feature granted to one customer for `[start_at, end_at)`; no end: for good."""

    id: str
    environment_id: str
    customer_id: str
    value: EntitlementValue
    period: GrantPeriod
    start_at: datetime
    end_at: datetime | None
    is_visible: bool
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None = None

    @property
    def feature_id(self) -> str:
        return self.value.feature_id

    def is_active(self, at: datetime) -> bool:
        return self.start_at <= at and (self.end_at is None or at < self.end_at)

    def status(self, at: datetime) -> GrantStatus:
        return GrantStatus.ACTIVE if self.is_active(at) else GrantStatus.EXPIRED

    def ended(self, at: datetime, revoked: bool) -> PromotionalEntitlement:
        """This grant cut short at `at` (by a revocation, or by a newer grant replacing it)."""
        end = at if self.end_at is None else min(self.end_at, at)
        return PromotionalEntitlement(
            id=self.id,
            environment_id=self.environment_id,
            customer_id=self.customer_id,
            value=self.value,
            period=self.period,
            start_at=self.start_at,
            end_at=end,
            is_visible=self.is_visible,
            created_at=self.created_at,
            updated_at=at,
            revoked_at=at if revoked else self.revoked_at,
        )


def grant_end(
    period: GrantPeriod,
    start_at: datetime,
    timezone: str | None = None,
    custom_end_at: datetime | None = None,
) -> datetime | None:
    """When a grant of `period` starting at `start_at` ends (None: never).

    Months and years are calendar months in the customer's timezone (UTC without one), the day
    clamped to the month's length: a month from 31 January ends on the last day of February at
    the same local time.
    """
    if period is GrantPeriod.LIFETIME:
        return None
    if period is GrantPeriod.CUSTOM:
        if custom_end_at is None:
            raise ValueError("a custom period needs its end instant")
        return custom_end_at.astimezone(UTC)
    if period is GrantPeriod.ONE_WEEK:
        return start_at + timedelta(weeks=1)
    zone = resolve_timezone(timezone) if timezone else UTC
    local = start_at.astimezone(zone)
    index = local.year * 12 + local.month - 1 + _MONTHS[period]
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    end_local = local.replace(year=year, month=month + 1, day=day, tzinfo=zone, fold=0)
    return end_local.astimezone(UTC)


@dataclass(frozen=True)
class GrantRequest:
    """One `promotionalEntitlements[]` item as sent; null fields arrive as None."""

    feature_id: str
    period: GrantPeriod
    custom_end_at: datetime | None = None
    usage_limit: int | None = None
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    enum_values: Sequence[str] | None = None
    reset_period: ResetPeriod | None = None
    monthly_anchor: ResetAnchor | None = None
    weekly_anchor: ResetAnchor | None = None
    yearly_anchor: ResetAnchor | None = None
    is_visible: bool | None = None

    @property
    def reset_anchor(self) -> ResetAnchor | None:
        return self.monthly_anchor or self.weekly_anchor or self.yearly_anchor

    def value(self) -> EntitlementValue:
        """The entitlement value granted; call after `grant_problems` found nothing."""
        return EntitlementValue(
            feature_id=self.feature_id,
            usage_limit=None if self.usage_limit is None else Decimal(self.usage_limit),
            has_unlimited_usage=bool(self.has_unlimited_usage),
            has_soft_limit=bool(self.has_soft_limit),
            enum_values=None if self.enum_values is None else frozenset(self.enum_values),
            reset_period=self.reset_period,
            reset_anchor=self.reset_anchor,
        )


_ANCHOR_FIELDS = (
    ("monthlyResetPeriodConfiguration", "monthly_anchor", ResetPeriod.MONTH),
    ("weeklyResetPeriodConfiguration", "weekly_anchor", ResetPeriod.WEEK),
    ("yearlyResetPeriodConfiguration", "yearly_anchor", ResetPeriod.YEAR),
)


def grant_problems(
    path: str, request: GrantRequest, feature: Feature | None, now: datetime
) -> list[FieldProblem]:
    """Every problem of one grant request, given its feature (None: no such feature)."""
    problems = _window_problems(path, request, now)
    if feature is None:
        problems.append(
            FieldProblem(f"{path}.featureId", f"no feature '{request.feature_id}'", "not_found")
        )
        return problems
    if feature.archived:
        problems.append(
            FieldProblem(f"{path}.featureId", f"feature '{feature.id}' is archived", "archived")
        )
    if feature.feature_type is FeatureType.NUMBER:
        problems += _number_problems(path, request, feature)
    else:
        problems += _not_allowed(
            path,
            feature,
            usageLimit=request.usage_limit is not None,
            hasUnlimitedUsage=bool(request.has_unlimited_usage),
            hasSoftLimit=bool(request.has_soft_limit),
            resetPeriod=request.reset_period is not None,
        )
        problems += _reset_problems(path, request)
    if feature.feature_type is FeatureType.ENUM:
        problems += _enum_problems(path, request, feature)
    else:
        problems += _not_allowed(path, feature, enumValues=request.enum_values is not None)
    return problems


def _window_problems(path: str, request: GrantRequest, now: datetime) -> list[FieldProblem]:
    where = f"{path}.customEndDate"
    if request.period is GrantPeriod.CUSTOM:
        if request.custom_end_at is None:
            return [FieldProblem(where, "is required for period 'custom'", "required")]
        if request.custom_end_at <= now:
            return [FieldProblem(where, "must be in the future", "out_of_range")]
    elif request.custom_end_at is not None:
        return [FieldProblem(where, "is only for period 'custom'", "not_allowed")]
    return []


def _not_allowed(path: str, feature: Feature, **sent: bool) -> list[FieldProblem]:
    kind = feature.feature_type.value
    return [
        FieldProblem(f"{path}.{name}", f"does not apply to a {kind} feature", "not_allowed")
        for name, present in sent.items()
        if present
    ]


def _number_problems(path: str, request: GrantRequest, feature: Feature) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if request.has_unlimited_usage:
        if request.usage_limit is not None:
            problems.append(
                FieldProblem(
                    f"{path}.usageLimit", "cannot be combined with hasUnlimitedUsage", "not_allowed"
                )
            )
    elif request.usage_limit is None:
        problems.append(
            FieldProblem(
                f"{path}.usageLimit",
                "is required for a NUMBER feature (or set hasUnlimitedUsage)",
                "required",
            )
        )
    elif request.usage_limit < 0:
        problems.append(FieldProblem(f"{path}.usageLimit", "must be 0 or more", "out_of_range"))
    if request.reset_period is not None and feature.meter_type is not MeterType.INCREMENTAL:
        problems.append(
            FieldProblem(
                f"{path}.resetPeriod",
                "applies only to features metered INCREMENTAL",
                "not_allowed",
            )
        )
    problems += _reset_problems(path, request)
    return problems


def _reset_problems(path: str, request: GrantRequest) -> list[FieldProblem]:
    problems = []
    for name, attribute, period in _ANCHOR_FIELDS:
        if getattr(request, attribute) is not None and request.reset_period is not period:
            problems.append(
                FieldProblem(f"{path}.{name}", f"needs resetPeriod {period.value}", "not_allowed")
            )
    return problems


def _enum_problems(path: str, request: GrantRequest, feature: Feature) -> list[FieldProblem]:
    if not request.enum_values:
        return [
            FieldProblem(
                f"{path}.enumValues", "an ENUM feature needs the values granted", "required"
            )
        ]
    known = {entry.value for entry in feature.enum_values}
    return [
        FieldProblem(
            f"{path}.enumValues[{index}]",
            f"'{value}' is not a value of the feature",
            "unknown_value",
        )
        for index, value in enumerate(request.enum_values)
        if value not in known
    ]
