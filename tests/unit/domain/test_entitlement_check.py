"""Effective entitlements across sources, and the order in which a check gives its reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.catalog import Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.entitlement_check import CustomerEntitlements, Grant, check, resolve
from pactline.domain.entitlements import (
    DeniedReason,
    EntitlementValue,
    ResetPeriod,
    most_generous,
    most_generous_source,
)
from pactline.domain.periods import Period

T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
CALLS = Feature(
    "calls", "env", "Calls", FeatureType.NUMBER, FeatureStatus.ACTIVE, MeterType.INCREMENTAL, T0, T0
)
SSO = Feature(
    "sso", "env", "SSO", FeatureType.BOOLEAN, FeatureStatus.ACTIVE, MeterType.NONE, T0, T0
)
FEATURES = {"calls": CALLS, "sso": SSO}


def limit(amount: int, period: ResetPeriod | None = None) -> EntitlementValue:
    return EntitlementValue("calls", usage_limit=Decimal(amount), reset_period=period)


def test_the_most_generous_value_keeps_the_window_of_the_source_it_came_from() -> None:
    later = T0 + timedelta(days=3)
    resolved = resolve(
        [
            Grant(
                {"calls": limit(100, ResetPeriod.MONTH), "sso": EntitlementValue("sso")},
                T0,
                None,
                T0,
            ),
            Grant({"calls": limit(1000, ResetPeriod.WEEK)}, later, T0 + timedelta(days=30), later),
        ],
        FEATURES,
        "Europe/Paris",
    )
    calls = resolved.entitlements["calls"]
    assert (calls.value.usage_limit, calls.value.reset_period) == (Decimal(1000), ResetPeriod.WEEK)
    assert (calls.anchor_at, calls.updated_at) == (later, later)
    assert calls.window(later + timedelta(hours=1), "UTC") == Period(
        later, later + timedelta(days=7)
    )
    assert resolved.entitlements["sso"].anchor_at == T0
    assert (resolved.denied, resolved.timezone) == (None, "Europe/Paris")
    assert resolved.changes_at == T0 + timedelta(days=30)


def test_no_source_means_no_active_subscription_and_unknown_features_are_left_out() -> None:
    assert resolve([], FEATURES, "UTC").denied is DeniedReason.NO_ACTIVE_SUBSCRIPTION
    only_unknown = resolve(
        [Grant({"gone": EntitlementValue("gone")}, T0, None, T0)], FEATURES, "UTC"
    )
    assert (only_unknown.denied, dict(only_unknown.entitlements)) == (None, {})


def test_customer_reasons_come_before_the_feature_and_the_feature_before_the_rest() -> None:
    missing = CustomerEntitlements(DeniedReason.CUSTOMER_NOT_FOUND, {})
    archived = CustomerEntitlements(DeniedReason.CUSTOMER_IS_ARCHIVED, {})
    idle = CustomerEntitlements(DeniedReason.NO_ACTIVE_SUBSCRIPTION, {})
    active = resolve([Grant({"sso": EntitlementValue("sso")}, T0, None, T0)], FEATURES, "UTC")
    assert check(missing, None).reason is DeniedReason.CUSTOMER_NOT_FOUND
    assert check(archived, None).reason is DeniedReason.CUSTOMER_IS_ARCHIVED
    assert check(idle, None).reason is DeniedReason.FEATURE_NOT_FOUND
    assert check(idle, SSO).reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION
    assert check(active, CALLS).reason is DeniedReason.NO_FEATURE_ENTITLEMENT
    assert check(active, SSO).is_granted is True


def test_a_resetting_limit_reports_its_window_and_is_valid_until_its_end() -> None:
    source_end = T0 + timedelta(days=90)
    customer = resolve(
        [Grant({"calls": limit(10, ResetPeriod.MONTH)}, T0, source_end, T0)], FEATURES, "UTC"
    )
    window = Period(T0, datetime(2026, 2, 15, 9, 30, tzinfo=UTC))
    result = check(customer, CALLS, Decimal(7), window, requested_usage=Decimal(4))
    assert (result.is_granted, result.reason) == (
        False,
        DeniedReason.REQUESTED_USAGE_EXCEEDING_LIMIT,
    )
    assert (result.current_usage, result.window, result.valid_until) == (
        Decimal(7),
        window,
        window.end,
    )
    never_resets = resolve([Grant({"calls": limit(10)}, T0, source_end, T0)], FEATURES, "UTC")
    open_window = Period(T0, datetime(9999, 1, 1, tzinfo=UTC))
    plain = check(never_resets, CALLS, Decimal(7), open_window)
    assert (plain.is_granted, plain.window, plain.valid_until) == (True, None, source_end)


values = st.builds(
    EntitlementValue,
    feature_id=st.just("calls"),
    is_granted=st.booleans(),
    usage_limit=st.none() | st.integers(0, 50).map(Decimal),
    has_unlimited_usage=st.booleans(),
    reset_period=st.none() | st.sampled_from(ResetPeriod),
)


@given(st.lists(values, min_size=1, max_size=6))
def test_the_source_found_is_the_one_whose_limit_and_period_won(
    candidates: list[EntitlementValue],
) -> None:
    found = most_generous_source(candidates)
    assert found is not None
    value, index = found
    assert value == most_generous(candidates)
    assert (value.usage_limit, value.reset_period) == (
        candidates[index].usage_limit,
        candidates[index].reset_period,
    )
