"""Customer validation, grant periods and grant status, without I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pactline.domain.catalog import EnumValue, Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.customers import (
    Customer,
    GrantPeriod,
    GrantRequest,
    GrantStatus,
    PromotionalEntitlement,
    customer_problems,
    grant_end,
    grant_problems,
)
from pactline.domain.entitlements import EntitlementValue, ResetAnchor, ResetPeriod

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
TODAY = NOW.date()


def customer(**fields: object) -> Customer:
    base = Customer(
        id="acme",
        environment_id="env",
        name=None,
        email=None,
        billing_currency=None,
        timezone=None,
        metadata={},
        billing_id=None,
        language=None,
        archived_at=None,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def feature(kind: FeatureType, meter: MeterType = MeterType.NONE, **fields: object) -> Feature:
    base = Feature(
        id="f",
        environment_id="env",
        display_name="F",
        feature_type=kind,
        status=FeatureStatus.ACTIVE,
        meter_type=meter,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def codes(problems: list[object]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in problems]  # type: ignore[attr-defined]


def test_a_customer_with_only_an_id_is_valid() -> None:
    assert customer_problems(customer(), TODAY) == []


def test_currencies_are_checked_on_the_day_and_in_any_case() -> None:
    assert customer_problems(customer(billing_currency="eur"), TODAY) == []
    # Bulgaria adopted the euro on 2026-01-01.
    assert codes(customer_problems(customer(billing_currency="bgn"), TODAY)) == [
        ("billingCurrency", "unknown_currency")
    ]
    assert customer_problems(customer(billing_currency="bgn"), date(2025, 12, 31)) == []


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires"])
def test_iana_timezones_are_accepted(name: str) -> None:
    assert customer_problems(customer(timezone=name), TODAY) == []


@pytest.mark.parametrize("name", ["europe/paris", "localtime", "../etc/passwd", "", "CEST"])
def test_names_that_are_not_iana_timezones_are_refused(name: str) -> None:
    assert codes(customer_problems(customer(timezone=name), TODAY)) == [
        ("timezone", "unknown_timezone")
    ]


@pytest.mark.parametrize("email", ["a@b", "first.last+tag@example.co.uk"])
def test_email_addresses_are_accepted(email: str) -> None:
    assert customer_problems(customer(email=email), TODAY) == []


@pytest.mark.parametrize("email", ["plain", "two@@ats", "sp ace@x.test", "@x.test", "x@"])
def test_malformed_email_addresses_are_refused(email: str) -> None:
    assert codes(customer_problems(customer(email=email), TODAY)) == [("email", "invalid")]


def test_overlong_fields_are_refused() -> None:
    assert codes(customer_problems(customer(name="n" * 501, language="l" * 65), TODAY)) == [
        ("name", "too_long"),
        ("language", "too_long"),
    ]


@pytest.mark.parametrize(
    ("period", "end"),
    [
        (GrantPeriod.ONE_WEEK, datetime(2026, 1, 22, 9, 30, tzinfo=UTC)),
        (GrantPeriod.ONE_MONTH, datetime(2026, 2, 15, 9, 30, tzinfo=UTC)),
        (GrantPeriod.SIX_MONTHS, datetime(2026, 7, 15, 9, 30, tzinfo=UTC)),
        (GrantPeriod.ONE_YEAR, datetime(2027, 1, 15, 9, 30, tzinfo=UTC)),
        (GrantPeriod.LIFETIME, None),
    ],
)
def test_each_period_ends_where_stigg_says(period: GrantPeriod, end: datetime | None) -> None:
    assert grant_end(period, NOW) == end


def test_month_ends_are_clamped_to_the_shorter_month() -> None:
    start = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    assert grant_end(GrantPeriod.ONE_MONTH, start) == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    leap_day = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert grant_end(GrantPeriod.ONE_YEAR, leap_day) == datetime(2029, 2, 28, 12, 0, tzinfo=UTC)


def test_months_are_counted_in_the_customers_timezone() -> None:
    # 23:30 UTC on 30 January is already 00:30 on the 31st in Paris: a month later is the
    # last day of February there (00:30 on the 28th), not 23:30 UTC on the 28th.
    start = datetime(2026, 1, 30, 23, 30, tzinfo=UTC)
    assert grant_end(GrantPeriod.ONE_MONTH, start, "Europe/Paris") == datetime(
        2026, 2, 27, 23, 30, tzinfo=UTC
    )
    assert grant_end(GrantPeriod.ONE_MONTH, start) == datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    # Across the start of summer time the local time of day is kept, so the UTC hour moves.
    march = datetime(2026, 3, 15, 11, 0, tzinfo=UTC)  # noon in Paris (CET)
    assert grant_end(GrantPeriod.ONE_MONTH, march, "Europe/Paris") == datetime(
        2026, 4, 15, 10, 0, tzinfo=UTC
    )


def test_a_custom_period_ends_at_its_instant() -> None:
    end = datetime(2026, 5, 1, tzinfo=UTC)
    assert grant_end(GrantPeriod.CUSTOM, NOW, custom_end_at=end) == end
    with pytest.raises(ValueError, match="custom period"):
        grant_end(GrantPeriod.CUSTOM, NOW)


def grant(end_at: datetime | None) -> PromotionalEntitlement:
    return PromotionalEntitlement(
        id="pe_1",
        environment_id="env",
        customer_id="acme",
        value=EntitlementValue(feature_id="sso"),
        period=GrantPeriod.CUSTOM if end_at else GrantPeriod.LIFETIME,
        start_at=NOW,
        end_at=end_at,
        is_visible=True,
        created_at=NOW,
        updated_at=NOW,
    )


def test_a_grant_is_active_from_its_start_until_just_before_its_end() -> None:
    end = NOW + timedelta(days=1)
    timed = grant(end)
    assert timed.status(NOW - timedelta(microseconds=1)) is GrantStatus.EXPIRED
    assert timed.status(NOW) is GrantStatus.ACTIVE
    assert timed.status(end - timedelta(microseconds=1)) is GrantStatus.ACTIVE
    assert timed.status(end) is GrantStatus.EXPIRED
    assert grant(None).status(NOW + timedelta(days=36500)) is GrantStatus.ACTIVE


def test_ending_a_grant_early_moves_its_end_but_never_later() -> None:
    later = NOW + timedelta(hours=1)
    revoked = grant(None).ended(later, revoked=True)
    assert (revoked.end_at, revoked.revoked_at, revoked.updated_at) == (later, later, later)
    short = grant(NOW + timedelta(minutes=5)).ended(later, revoked=False)
    assert (short.end_at, short.revoked_at) == (NOW + timedelta(minutes=5), None)


def request(feature_id: str = "f", **fields: object) -> GrantRequest:
    return GrantRequest(feature_id=feature_id, period=GrantPeriod.LIFETIME, **fields)  # type: ignore[arg-type]


def test_a_boolean_grant_accepts_explicit_false_flags() -> None:
    sent = request(has_unlimited_usage=False, has_soft_limit=False, is_visible=True)
    assert grant_problems("p", sent, feature(FeatureType.BOOLEAN), NOW) == []
    assert sent.value() == EntitlementValue(feature_id="f")


def test_a_number_grant_needs_a_limit_or_unlimited_usage() -> None:
    number = feature(FeatureType.NUMBER, MeterType.INCREMENTAL)
    assert codes(grant_problems("p", request(), number, NOW)) == [("p.usageLimit", "required")]
    assert grant_problems("p", request(has_unlimited_usage=True), number, NOW) == []
    monthly = request(
        usage_limit=0, reset_period=ResetPeriod.MONTH, monthly_anchor=ResetAnchor.START_OF_THE_MONTH
    )
    assert grant_problems("p", monthly, number, NOW) == []
    assert monthly.value() == EntitlementValue(
        feature_id="f",
        usage_limit=Decimal(0),
        reset_period=ResetPeriod.MONTH,
        reset_anchor=ResetAnchor.START_OF_THE_MONTH,
    )


def test_a_reset_needs_an_incrementally_metered_feature_and_a_matching_configuration() -> None:
    fluctuating = feature(FeatureType.NUMBER, MeterType.FLUCTUATING)
    daily = request(usage_limit=5, reset_period=ResetPeriod.DAY)
    assert codes(grant_problems("p", daily, fluctuating, NOW)) == [("p.resetPeriod", "not_allowed")]
    incremental = feature(FeatureType.NUMBER, MeterType.INCREMENTAL)
    mismatched = request(
        usage_limit=5, reset_period=ResetPeriod.WEEK, yearly_anchor=ResetAnchor.SUBSCRIPTION_START
    )
    assert codes(grant_problems("p", mismatched, incremental, NOW)) == [
        ("p.yearlyResetPeriodConfiguration", "not_allowed")
    ]


def test_an_enum_grant_lists_known_values_only() -> None:
    region = feature(
        FeatureType.ENUM, enum_values=(EnumValue("eu", "Europe"), EnumValue("us", "US"))
    )
    assert grant_problems("p", request(enum_values=["us"]), region, NOW) == []
    assert codes(grant_problems("p", request(enum_values=[]), region, NOW)) == [
        ("p.enumValues", "required")
    ]
    assert codes(grant_problems("p", request(enum_values=["us", "xx"]), region, NOW)) == [
        ("p.enumValues[1]", "unknown_value")
    ]
    assert codes(grant_problems("p", request(usage_limit=3, enum_values=["eu"]), region, NOW)) == [
        ("p.usageLimit", "not_allowed")
    ]


def test_a_missing_or_archived_feature_is_named() -> None:
    assert codes(grant_problems("p", request("x"), None, NOW)) == [("p.featureId", "not_found")]
    archived = feature(FeatureType.BOOLEAN, archived=True)
    assert codes(grant_problems("p", request(), archived, NOW)) == [("p.featureId", "archived")]
