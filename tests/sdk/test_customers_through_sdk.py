"""Customers and promotional entitlements through the official stigg SDK, strictly validated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from stigg import BadRequestError, ConflictError, NotFoundError, Stigg

from tests.support import SettableClock

# The SDK makes every field of a grant required (nullable), so callers spell out the nulls.
NULL_GRANT: dict[str, Any] = {
    "custom_end_date": None,
    "enum_values": None,
    "has_soft_limit": None,
    "has_unlimited_usage": None,
    "is_visible": None,
    "monthly_reset_period_configuration": None,
    "weekly_reset_period_configuration": None,
    "yearly_reset_period_configuration": None,
    "reset_period": None,
    "usage_limit": None,
}


def test_a_customer_is_provisioned_read_updated_and_listed(
    stigg: Stigg, clock: SettableClock
) -> None:
    created = stigg.v1.customers.provision(
        id="acme",
        name="Acme Inc.",
        email="billing@acme.test",
        billing_currency="usd",
        timezone="America/New_York",
        language="en",
        billing_id="cus_1",
        coupon_id="",
        metadata={"segment": "smb"},
        passthrough={"stripe": {"billing_address": {"city": "Boston", "country": "US"}}},
    ).data
    assert (created.id, created.billing_currency, created.timezone) == (
        "acme",
        "usd",
        "America/New_York",
    )
    assert created.created_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert created.passthrough is not None
    assert created.passthrough.stripe is not None
    assert created.passthrough.stripe.billing_address is not None
    assert created.passthrough.stripe.billing_address.city == "Boston"

    retrieved = stigg.v1.customers.retrieve("acme").data
    assert (retrieved.name, retrieved.email, retrieved.metadata) == (
        "Acme Inc.",
        "billing@acme.test",
        {"segment": "smb"},
    )

    clock.advance(timedelta(minutes=1))
    updated = stigg.v1.customers.update("acme", metadata={"tier": "gold"}, name=None).data
    assert (updated.name, updated.metadata, updated.email) == (
        None,
        {"tier": "gold"},
        "billing@acme.test",
    )
    assert updated.updated_at == datetime(2026, 1, 15, 9, 31, tzinfo=UTC)

    stigg.v1.customers.provision(id="beta", email="ops@beta.test")
    assert [c.id for c in stigg.v1.customers.list(limit=1)] == ["acme", "beta"]
    assert [c.id for c in stigg.v1.customers.list(email="ops@beta.test")] == ["beta"]
    after = stigg.v1.customers.list(created_at={"gt": datetime(2026, 1, 15, 9, 30, tzinfo=UTC)})
    assert [c.id for c in after] == ["beta"]  # created a minute later


def test_archiving_and_restoring_a_customer_through_the_sdk(
    stigg: Stigg, clock: SettableClock
) -> None:
    stigg.v1.customers.provision(id="acme")
    clock.advance(timedelta(hours=1))
    archived = stigg.v1.customers.archive("acme").data
    assert archived.archived_at == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert stigg.v1.customers.retrieve("acme").data.archived_at == archived.archived_at
    assert stigg.v1.customers.unarchive("acme").data.archived_at is None


def test_promotional_entitlements_are_granted_listed_and_revoked(
    stigg: Stigg, clock: SettableClock
) -> None:
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    stigg.v1.features.create_feature(
        id="api-calls",
        display_name="API calls",
        feature_type="NUMBER",
        meter_type="INCREMENTAL",
        meter={"aggregation": {"function": "COUNT"}, "filters": []},
    )
    stigg.v1.customers.provision(id="acme")
    granted = stigg.v1.customers.promotional_entitlements.create(
        "acme",
        promotional_entitlements=[
            {
                **NULL_GRANT,
                "feature_id": "api-calls",
                "period": "custom",
                "custom_end_date": datetime(2026, 3, 1, tzinfo=UTC),
                "usage_limit": 1000,
                "reset_period": "MONTH",
                "monthly_reset_period_configuration": {"according_to": "SubscriptionStart"},
            },
            {**NULL_GRANT, "feature_id": "sso", "period": "1 week", "is_visible": False},
        ],
    ).data
    calls, sso = granted
    assert (calls.feature_id, calls.status, calls.usage_limit, calls.end_date) == (
        "api-calls",
        "Active",
        1000,
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert calls.reset_period_configuration is not None
    assert calls.reset_period_configuration.according_to == "SubscriptionStart"
    assert (sso.period, sso.is_visible, sso.end_date) == (
        "1 week",
        False,
        datetime(2026, 1, 22, 9, 30, tzinfo=UTC),
    )

    clock.advance(timedelta(days=8))  # the week of SSO is over
    listed = stigg.v1.customers.promotional_entitlements.list("acme", status=["Active"])
    assert [g.feature_id for g in listed] == ["api-calls"]
    expired = stigg.v1.customers.promotional_entitlements.list("acme", status=["Expired"])
    assert [(g.feature_id, g.status) for g in expired] == [("sso", "Expired")]

    revoked = stigg.v1.customers.promotional_entitlements.revoke("api-calls", id="acme").data
    assert (revoked.id, revoked.status, revoked.end_date) == (
        calls.id,
        "Expired",
        datetime(2026, 1, 23, 9, 30, tzinfo=UTC),
    )
    assert list(stigg.v1.customers.promotional_entitlements.list("acme", status=["Active"])) == []


def test_customer_errors_surface_as_the_sdk_exceptions(stigg: Stigg) -> None:
    stigg.v1.customers.provision(id="dup")
    with pytest.raises(ConflictError) as conflict:
        stigg.v1.customers.provision(id="dup")
    assert conflict.value.body["code"] == "DuplicatedEntityNotAllowed"  # type: ignore[index]
    with pytest.raises(NotFoundError):
        stigg.v1.customers.retrieve("nope")
    with pytest.raises(BadRequestError) as invalid:
        stigg.v1.customers.update("dup", timezone="Moon/Tranquility")
    assert invalid.value.body["details"]["errors"][0]["field"] == "timezone"  # type: ignore[index]
    with pytest.raises(NotFoundError):
        stigg.v1.customers.promotional_entitlements.revoke("sso", id="dup")
    with pytest.raises(BadRequestError):
        stigg.v1.customers.promotional_entitlements.create(
            "dup",
            promotional_entitlements=[{**NULL_GRANT, "feature_id": "nope", "period": "lifetime"}],
        )


def test_ids_with_url_special_characters_round_trip(stigg: Stigg) -> None:
    odd = "org:acme eu+1@x?y#z"
    stigg.v1.customers.provision(id=odd, name="Odd")
    assert stigg.v1.customers.retrieve(odd).data.name == "Odd"
    assert stigg.v1.customers.archive(odd).data.id == odd
