"""Entitlement checks and effective entitlements through the official stigg SDK (0.1.0b53),
strictly validated: every response must parse into the SDK's own types (the `DataFeature`
variant of the discriminated union)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from stigg import PermissionDeniedError, Stigg
from stigg.types.v1.customer_check_entitlement_response import DataFeature

from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.support import ApiServer

# The SDK marks v1 usage.report deprecated in favour of v2; pactline serves both.
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")


@pytest.fixture
def catalog(stigg: Stigg) -> None:
    """Plan `pro`: SSO, 100 API calls a month, region eu or us; customer acme subscribed to
    it, customer idle without a subscription."""
    stigg.v1.products.create_product(id="analytics", display_name="Analytics")
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    stigg.v1.features.create_feature(
        id="api-calls", display_name="API calls", feature_type="NUMBER", meter_type="INCREMENTAL"
    )
    stigg.v1.features.create_feature(
        id="region",
        display_name="Region",
        feature_type="ENUM",
        enum_configuration=[
            {"value": "eu", "display_name": "Europe"},
            {"value": "us", "display_name": "United States"},
            {"value": "ap", "display_name": "Asia Pacific"},
        ],
    )
    stigg.v1.plans.create(id="pro", display_name="Pro", product_id="analytics")
    stigg.v1.plans.entitlements.create(
        "pro",
        entitlements=[
            {"id": "sso", "type": "FEATURE"},
            {"id": "api-calls", "type": "FEATURE", "usage_limit": 100, "reset_period": "MONTH"},
            {"id": "region", "type": "FEATURE", "enum_values": ["eu", "us"]},
        ],
    )
    stigg.v1.plans.publish("pro", migration_type="NEW_CUSTOMERS")
    stigg.v1.customers.provision(id="acme", name="Acme")
    stigg.v1.customers.provision(id="idle", name="Idle")
    stigg.v1.subscriptions.provision(
        id="acme-pro", customer_id="acme", plan_id="pro", payment_collection_method="INVOICE"
    )


def checked(
    stigg: Stigg,
    customer_id: str,
    feature_id: str,
    requested_usage: int | None = None,
    requested_values: list[str] | None = None,
) -> DataFeature:
    params: dict[str, Any] = {}
    if requested_usage is not None:
        params["requested_usage"] = requested_usage
    if requested_values is not None:
        params["requested_values"] = requested_values
    data = stigg.v1.customers.check_entitlement(customer_id, feature_id=feature_id, **params).data
    assert isinstance(data, DataFeature)
    return data


@pytest.mark.usefixtures("catalog")
def test_granted_checks_of_every_feature_kind(stigg: Stigg) -> None:
    sso = checked(stigg, "acme", "sso")
    assert (sso.is_granted, sso.access_denied_reason, sso.type) == (True, None, "FEATURE")
    assert sso.feature is not None
    assert (sso.feature.id, sso.feature.feature_type, sso.feature.feature_status) == (
        "sso",
        "BOOLEAN",
        "NEW",
    )

    stigg.v2.usage.report(usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 30}])
    calls = checked(stigg, "acme", "api-calls", requested_usage=70)
    assert (calls.is_granted, calls.current_usage, calls.usage_limit) == (True, 30, 100)
    assert (calls.reset_period, calls.has_unlimited_usage) == ("MONTH", False)
    assert (calls.usage_period_start, calls.usage_period_end) == (
        datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        datetime(2026, 2, 15, 9, 30, tzinfo=UTC),
    )
    assert calls.valid_until == datetime(2026, 2, 15, 9, 30, tzinfo=UTC)

    region = checked(stigg, "acme", "region", requested_values=["eu", "us"])
    assert (region.is_granted, region.access_denied_reason) == (True, None)
    mismatch = checked(stigg, "acme", "region", requested_values=["ap"])
    assert (mismatch.is_granted, mismatch.access_denied_reason) == (
        False,
        "RequestedValuesMismatch",
    )


@pytest.mark.usefixtures("catalog")
def test_denied_checks_say_why(stigg: Stigg) -> None:
    stigg.v2.usage.report(usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 95}])
    exceeded = checked(stigg, "acme", "api-calls", requested_usage=10)
    assert (exceeded.is_granted, exceeded.access_denied_reason, exceeded.current_usage) == (
        False,
        "RequestedUsageExceedingLimit",
        95,
    )
    unknown = checked(stigg, "acme", "teleport")
    assert (unknown.is_granted, unknown.access_denied_reason, unknown.feature) == (
        False,
        "FeatureNotFound",
        None,
    )
    idle = checked(stigg, "idle", "sso")
    assert (idle.is_granted, idle.access_denied_reason) == (False, "NoActiveSubscription")
    ghost = checked(stigg, "ghost", "sso")
    assert (ghost.is_granted, ghost.access_denied_reason) == (False, "CustomerNotFound")


@pytest.mark.usefixtures("catalog")
def test_retrieve_entitlements_lists_the_effective_ones(stigg: Stigg) -> None:
    stigg.v2.usage.report(usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 7}])
    state = stigg.v1.customers.retrieve_entitlements("acme").data
    assert state.access_denied_reason is None
    summary = []
    for entitlement in state.entitlements:
        assert entitlement.type == "FEATURE"
        assert entitlement.feature is not None
        summary.append((entitlement.feature.id, entitlement.is_granted, entitlement.current_usage))
    assert summary == [("api-calls", True, 7), ("region", True, None), ("sso", True, None)]

    idle = stigg.v1.customers.retrieve_entitlements("idle").data
    assert (idle.access_denied_reason, idle.entitlements) == ("NoActiveSubscription", [])


@pytest.fixture
def client_key_stigg(
    stigg: Stigg, container: Container, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stigg]:
    """A second SDK client with a client key, on its own server over the same container."""
    key = container.tenancy.create_key("sandbox", KeyKind.CLIENT, "browser").secret
    with ApiServer(container) as server:
        client = Stigg(
            api_key=key, base_url=server.url, _strict_response_validation=True, max_retries=0
        )
        try:
            yield client
        finally:
            client.close()


@pytest.mark.usefixtures("catalog")
def test_a_client_key_may_check_but_not_write(client_key_stigg: Stigg, stigg: Stigg) -> None:
    assert checked(client_key_stigg, "acme", "sso").is_granted is True
    assert client_key_stigg.v1.customers.retrieve_entitlements("acme").data.entitlements != []
    with pytest.raises(PermissionDeniedError):
        client_key_stigg.v2.usage.report(
            usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 1}]
        )
    with pytest.raises(PermissionDeniedError):
        client_key_stigg.v1.customers.provision(id="intruder")
    assert checked(stigg, "acme", "api-calls").current_usage == 0
    assert checked(stigg, "intruder", "sso").access_denied_reason == "CustomerNotFound"
