"""The whole entitlements story in one flow, through the official stigg SDK (0.1.0b53) alone,
strictly validated: a vendor models its packaging, closes two deals (one negotiated, one with
price overrides), and its product checks access and reports usage as customers use it.

The clock starts at 2026-01-15T09:30Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stigg import Stigg
from stigg.types.v1.customer_check_entitlement_response import DataFeature

from tests.support import SettableClock

START = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def check(stigg: Stigg, customer_id: str, feature_id: str, **params: object) -> DataFeature:
    data = stigg.v1.customers.check_entitlement(customer_id, feature_id=feature_id, **params).data
    assert isinstance(data, DataFeature)
    return data


def model_the_packaging(stigg: Stigg) -> None:
    """Product, three kinds of feature, a CUSTOM plan with a negotiated (variable) API-call
    limit, a PAID plan with a base charge and a per-seat charge, and a seats add-on."""
    stigg.v1.products.create_product(id="analytics", display_name="Analytics")
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    stigg.v1.features.create_feature(
        id="api-calls",
        display_name="API calls",
        feature_type="NUMBER",
        meter_type="INCREMENTAL",
        meter={
            "aggregation": {"function": "COUNT"},
            "filters": [
                {"conditions": [{"field": "eventName", "operation": "EQUALS", "value": "call"}]}
            ],
        },
    )
    stigg.v1.features.create_feature(id="seats", display_name="Seats", feature_type="NUMBER")
    stigg.v1.features.create_feature(
        id="region",
        display_name="Region",
        feature_type="ENUM",
        enum_configuration=[
            {"value": "eu", "display_name": "Europe"},
            {"value": "us", "display_name": "United States"},
        ],
    )

    stigg.v1.plans.create(
        id="enterprise", display_name="Enterprise", product_id="analytics", pricing_type="CUSTOM"
    )
    stigg.v1.plans.entitlements.create(
        "enterprise",
        entitlements=[
            {"id": "sso", "type": "FEATURE"},
            {"id": "api-calls", "type": "FEATURE", "is_custom": True, "reset_period": "MONTH"},
            {"id": "region", "type": "FEATURE", "enum_values": ["eu"]},
        ],
    )
    stigg.v1.addons.create(
        id="extra-seats", display_name="Extra seats", product_id="analytics", max_quantity=10
    )
    stigg.v1.addons.entitlements.create(
        "extra-seats", entitlements=[{"id": "seats", "type": "FEATURE", "usage_limit": 5}]
    )
    stigg.v1.addons.update(
        "extra-seats",
        charges={
            "pricing_type": "PAID",
            "pricing_models": [
                {
                    "billing_model": "FLAT_FEE",
                    "price_periods": [{"billing_period": "MONTHLY", "price": {"amount": 20}}],
                }
            ],
        },
    )
    stigg.v1.plans.create(id="pro", display_name="Pro", product_id="analytics")
    stigg.v1.plans.entitlements.create(
        "pro",
        entitlements=[
            {"id": "sso", "type": "FEATURE"},
            {"id": "seats", "type": "FEATURE", "usage_limit": 10},
        ],
    )
    stigg.v1.plans.update(
        "pro",
        compatible_addon_ids=["extra-seats"],
        charges={
            "pricing_type": "PAID",
            "pricing_models": [
                {
                    "billing_model": "FLAT_FEE",
                    "price_periods": [
                        {"billing_period": "MONTHLY", "price": {"amount": 99, "currency": "usd"}}
                    ],
                },
                {
                    "billing_model": "PER_UNIT",
                    "feature_id": "seats",
                    "price_periods": [{"billing_period": "MONTHLY", "price": {"amount": 15}}],
                },
            ],
        },
    )
    for plan_id in ("enterprise", "pro"):
        stigg.v1.plans.publish(plan_id, migration_type="NEW_CUSTOMERS")
    stigg.v1.addons.publish("extra-seats", migration_type="NEW_CUSTOMERS")


def test_the_whole_entitlements_story_through_the_sdk(stigg: Stigg, clock: SettableClock) -> None:
    model_the_packaging(stigg)
    published = stigg.v1.plans.retrieve("enterprise").data
    assert (published.status, published.version_number) == ("PUBLISHED", 1)

    # Two deals close.
    stigg.v1.customers.provision(id="acme", name="Acme", email="ap@acme.test")
    stigg.v1.customers.provision(id="globex", name="Globex", billing_currency="usd")
    negotiated = stigg.v1.subscriptions.provision(
        id="acme-enterprise",
        customer_id="acme",
        plan_id="enterprise",
        payment_collection_method="INVOICE",
        entitlements=[{"id": "api-calls", "type": "FEATURE", "usage_limit": 1000}],
    ).data
    assert negotiated.subscription is not None
    assert (negotiated.subscription.status, negotiated.subscription.start_date) == (
        "ACTIVE",
        START,
    )
    priced = stigg.v1.subscriptions.provision(
        id="globex-pro",
        customer_id="globex",
        plan_id="pro",
        payment_collection_method="INVOICE",
        addons=[{"id": "extra-seats", "quantity": 2}],
        charges=[{"id": "seats", "quantity": 12, "type": "FEATURE"}],
        price_overrides=[{"base_charge": True, "amount": 79}],
    ).data
    assert priced.subscription is not None
    assert priced.subscription.status == "ACTIVE"  # sales-led: active at once
    assert [
        (p.feature_id, p.addon_id, p.amount, (p.model_extra or {}).get("isOverride"))
        for p in priced.subscription.prices or []
    ] == [(None, None, 79, True), ("seats", None, 15, False), (None, "extra-seats", 20, False)]

    # The product checks access.
    assert check(stigg, "acme", "sso").is_granted is True
    assert check(stigg, "acme", "region", requested_values=["eu"]).is_granted is True
    us = check(stigg, "acme", "region", requested_values=["us"])
    assert (us.is_granted, us.access_denied_reason) == (False, "RequestedValuesMismatch")
    seats = check(stigg, "globex", "seats")
    assert (seats.is_granted, seats.usage_limit) == (True, 22)  # 12 bought + 2 add-ons × 5
    missing = check(stigg, "globex", "api-calls")
    assert (missing.is_granted, missing.access_denied_reason) == (
        False,
        "NoFeatureEntitlementInSubscription",
    )

    # ... and reports usage, directly and as raw events counted by the meter.
    stigg.v2.usage.report(usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 990}])
    stigg.v1.events.report(
        events=[
            {"customer_id": "acme", "event_name": "call", "idempotency_key": f"call-{n}"}
            for n in range(8)
        ]
    )
    nearly = check(stigg, "acme", "api-calls", requested_usage=2)
    assert (nearly.is_granted, nearly.current_usage, nearly.usage_limit) == (True, 998, 1000)
    over = check(stigg, "acme", "api-calls", requested_usage=3)
    assert (over.is_granted, over.access_denied_reason) == (
        False,
        "RequestedUsageExceedingLimit",
    )

    everything = stigg.v1.customers.retrieve_entitlements("acme").data
    assert [
        (e.feature.id if e.feature else None, e.is_granted, e.current_usage)
        for e in everything.entitlements
    ] == [("api-calls", True, 998), ("region", True, None), ("sso", True, None)]
    history = stigg.v1.usage.history(
        "api-calls", customer_id="acme", start_date="2026-01-15", end_date="2026-01-16"
    ).data
    assert history.series[0].points[-1].value == 998

    # The deal changes: more API calls; then Globex leaves, and a new month resets the usage.
    stigg.v1.subscriptions.update(
        "acme-enterprise",
        entitlements=[{"id": "api-calls", "type": "FEATURE", "usage_limit": 5000}],
    )
    assert check(stigg, "acme", "api-calls", requested_usage=3).is_granted is True
    canceled = stigg.v1.subscriptions.cancel("globex-pro", cancellation_time="IMMEDIATE").data
    assert canceled.status == "CANCELED"
    gone = check(stigg, "globex", "seats")
    assert (gone.is_granted, gone.access_denied_reason) == (False, "NoActiveSubscription")
    clock.set(datetime(2026, 2, 15, 9, 30, tzinfo=UTC))
    fresh = check(stigg, "acme", "api-calls")
    assert (fresh.current_usage, fresh.usage_period_start) == (0, clock.now())
