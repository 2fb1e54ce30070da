"""How entitlement values combine, and when access is granted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.catalog import Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.entitlements import (
    Behavior,
    DeniedReason,
    EntitlementValue,
    ResetAnchor,
    ResetPeriod,
    decide,
    most_generous,
    overridden,
    subscription_values,
    with_addon,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def feature(kind: FeatureType, metered: bool = False) -> Feature:
    return Feature(
        id="f",
        environment_id="env",
        display_name="F",
        feature_type=kind,
        status=FeatureStatus.ACTIVE,
        meter_type=MeterType.INCREMENTAL if metered else MeterType.NONE,
        created_at=AT,
        updated_at=AT,
    )


def limit(n: int, **kw: object) -> EntitlementValue:
    return EntitlementValue("f", usage_limit=Decimal(n), **kw)  # type: ignore[arg-type]


CALLS = feature(FeatureType.NUMBER, metered=True)


def test_a_subscription_value_replaces_the_plan_value_but_keeps_its_reset_period() -> None:
    plan = limit(1000, reset_period=ResetPeriod.MONTH, reset_anchor=ResetAnchor.START_OF_THE_MONTH)
    negotiated = limit(25_000)
    result = overridden(plan, negotiated)
    assert result.usage_limit == Decimal(25_000)
    assert (result.reset_period, result.reset_anchor) == (
        ResetPeriod.MONTH,
        ResetAnchor.START_OF_THE_MONTH,
    )


def test_an_incrementing_add_on_adds_its_limit_times_quantity() -> None:
    assert with_addon(limit(10), limit(5), 3).usage_limit == Decimal(25)


def test_an_overriding_add_on_replaces_the_plan_value_times_quantity() -> None:
    result = with_addon(limit(10), limit(50, behavior=Behavior.OVERRIDE), 2)
    assert result.usage_limit == Decimal(100)


def test_an_add_on_for_a_feature_the_plan_lacks_grants_it() -> None:
    assert with_addon(None, limit(5), 4).usage_limit == Decimal(20)


def test_the_plan_chain_then_negotiated_values_then_add_ons() -> None:
    parent = [limit(100), EntitlementValue("sso")]
    child = [limit(200)]
    values = subscription_values([parent, child], [limit(500)], [([limit(10)], 2)])
    assert values["f"].usage_limit == Decimal(520)
    assert values["sso"].is_granted


def test_most_generous_prefers_unlimited_then_the_higher_limit() -> None:
    assert most_generous([limit(10), limit(30), limit(20)]).usage_limit == Decimal(30)  # type: ignore[union-attr]
    unlimited = EntitlementValue("f", has_unlimited_usage=True)
    assert most_generous([limit(10_000), unlimited]).has_unlimited_usage  # type: ignore[union-attr]
    assert most_generous([]) is None


def test_most_generous_unions_enum_values_and_none_means_all() -> None:
    a = EntitlementValue("f", enum_values=frozenset({"eu"}))
    b = EntitlementValue("f", enum_values=frozenset({"us"}))
    assert most_generous([a, b]).enum_values == frozenset({"eu", "us"})  # type: ignore[union-attr]
    assert most_generous([a, EntitlementValue("f")]).enum_values is None  # type: ignore[union-attr]


def test_metered_access_without_a_request_needs_some_usage_left() -> None:
    assert decide(CALLS, limit(100), Decimal(99)).is_granted
    exhausted = decide(CALLS, limit(100), Decimal(100))
    assert (exhausted.is_granted, exhausted.reason) == (
        False,
        DeniedReason.REQUESTED_USAGE_EXCEEDING_LIMIT,
    )


def test_metered_access_with_a_request_needs_room_for_all_of_it() -> None:
    assert decide(CALLS, limit(100), Decimal(90), requested_usage=Decimal(10)).is_granted
    assert not decide(CALLS, limit(100), Decimal(90), requested_usage=Decimal(11)).is_granted


def test_soft_limits_and_unlimited_values_always_grant() -> None:
    assert decide(CALLS, limit(100, has_soft_limit=True), Decimal(500)).is_granted
    assert decide(CALLS, EntitlementValue("f", has_unlimited_usage=True), Decimal(10**9)).is_granted


def test_no_value_or_an_ungranted_one_is_no_entitlement() -> None:
    assert decide(CALLS, None, Decimal(0)).reason is DeniedReason.NO_FEATURE_ENTITLEMENT
    ungranted = EntitlementValue("f", is_granted=False)
    assert decide(CALLS, ungranted, Decimal(0)).reason is DeniedReason.NO_FEATURE_ENTITLEMENT


def test_enum_requests_must_be_among_the_allowed_values() -> None:
    region = feature(FeatureType.ENUM)
    allowed = EntitlementValue("f", enum_values=frozenset({"eu", "us"}))
    assert decide(region, allowed, Decimal(0), requested_values=["eu"]).is_granted
    mismatch = decide(region, allowed, Decimal(0), requested_values=["eu", "apac"])
    assert mismatch.reason is DeniedReason.REQUESTED_VALUES_MISMATCH


def test_booleans_are_granted_by_any_granted_value() -> None:
    assert decide(feature(FeatureType.BOOLEAN), EntitlementValue("f"), Decimal(0)).is_granted


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=10**6),
)
def test_the_most_generous_value_grants_whenever_any_value_grants(
    limits: list[int], used: int
) -> None:
    values = [limit(n) for n in limits]
    best = most_generous(values)
    assert best is not None
    if any(decide(CALLS, v, Decimal(used)).is_granted for v in values):
        assert decide(CALLS, best, Decimal(used)).is_granted


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=50))
def test_add_ons_never_reduce_an_incrementing_limit(base: int, quantity: int) -> None:
    result = with_addon(limit(base), limit(7), quantity)
    assert result.usage_limit == Decimal(base + 7 * quantity)
