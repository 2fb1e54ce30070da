"""Subscriptions through the official stigg SDK (0.1.0b53), strictly validated: every response
must parse into the SDK's types with no missing required field and no wrong type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stigg import BadRequestError, NotFoundError, Stigg

from tests.support import SettableClock


def catalog(stigg: Stigg) -> None:
    """A CUSTOM plan with a variable seats entitlement, and a PAID plan (base charge, seats per
    unit) compatible with a PAID add-on of 5 more seats."""
    stigg.v1.products.create_product(id="analytics", display_name="Analytics")
    stigg.v1.features.create_feature(id="seats", display_name="Seats", feature_type="NUMBER")
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    stigg.v1.customers.provision(id="acme", name="Acme", billing_currency="usd")
    stigg.v1.customers.provision(id="globex", name="Globex")

    stigg.v1.plans.create(
        id="enterprise", display_name="Enterprise", product_id="analytics", pricing_type="CUSTOM"
    )
    stigg.v1.plans.entitlements.create(
        "enterprise",
        entitlements=[
            {"id": "seats", "type": "FEATURE", "is_custom": True},
            {"id": "sso", "type": "FEATURE"},
        ],
    )
    stigg.v1.plans.publish("enterprise", migration_type="NEW_CUSTOMERS")

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
                    "price_periods": [{"billing_period": "MONTHLY", "price": {"amount": 7.5}}],
                }
            ],
        },
    )
    stigg.v1.addons.publish("extra-seats", migration_type="NEW_CUSTOMERS")

    stigg.v1.plans.create(id="pro", display_name="Pro", product_id="analytics")
    stigg.v1.plans.entitlements.create("pro", entitlements=[{"id": "sso", "type": "FEATURE"}])
    stigg.v1.plans.update(
        "pro",
        compatible_addon_ids=["extra-seats"],
        charges={
            "pricing_type": "PAID",
            "pricing_models": [
                {
                    "billing_model": "FLAT_FEE",
                    "price_periods": [
                        {"billing_period": "MONTHLY", "price": {"amount": 49.99, "currency": "usd"}}
                    ],
                },
                {
                    "billing_model": "PER_UNIT",
                    "feature_id": "seats",
                    "price_periods": [{"billing_period": "MONTHLY", "price": {"amount": 12.5}}],
                },
            ],
        },
    )
    stigg.v1.plans.publish("pro", migration_type="NEW_CUSTOMERS")


def test_subscriptions_through_the_sdk(stigg: Stigg, clock: SettableClock) -> None:
    catalog(stigg)

    negotiated = stigg.v1.subscriptions.provision(
        id="acme-enterprise",
        customer_id="acme",
        plan_id="enterprise",
        payment_collection_method="INVOICE",
        billing_information={"invoice_days_until_due": 45},
        entitlements=[{"id": "seats", "type": "FEATURE", "usage_limit": 250}],
        metadata={"deal": "Q1-42"},
    ).data
    assert (negotiated.id, negotiated.status, negotiated.is_scheduled) == (
        "acme-enterprise",
        "SUCCESS",
        False,
    )
    assert negotiated.subscription is not None
    assert (negotiated.subscription.status, negotiated.subscription.pricing_type) == (
        "ACTIVE",
        "CUSTOM",
    )
    assert negotiated.subscription.start_date == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    [value] = negotiated.subscription.subscription_entitlements or []
    assert (value.id, value.type, value.model_extra) == (
        "seats",
        "FEATURE",
        {
            "usageLimit": 250,
            "hasUnlimitedUsage": False,
            "hasSoftLimit": False,
            "resetPeriod": None,
        },
    )

    priced = stigg.v1.subscriptions.provision(
        id="globex-pro",
        customer_id="globex",
        plan_id="pro",
        payment_collection_method="CHARGE",
        addons=[{"id": "extra-seats", "quantity": 2}],
        charges=[{"id": "seats", "quantity": 8, "type": "FEATURE"}],
        price_overrides=[
            {"base_charge": True, "amount": 39.99},
            {"feature_id": "seats", "amount": 9.95, "currency": "usd"},
        ],
    ).data
    assert priced.status == "PAYMENT_REQUIRED"
    assert priced.subscription is not None
    assert priced.subscription.status == "PAYMENT_PENDING"
    prices = priced.subscription.prices or []
    assert [(p.feature_id, p.addon_id, p.amount, p.base_charge) for p in prices] == [
        (None, None, 39.99, True),
        ("seats", None, 9.95, False),
        (None, "extra-seats", 7.5, True),
    ]
    assert [(p.model_extra or {}).get("isOverride") for p in prices] == [True, True, False]
    assert stigg.v1.subscriptions.invoice.mark_as_paid("globex-pro").data.id == "globex-pro"

    retrieved = stigg.v1.subscriptions.retrieve("globex-pro").data
    assert (retrieved.status, retrieved.payment_collection) == ("ACTIVE", "NOT_REQUIRED")
    assert [(a.id, a.quantity) for a in retrieved.addons or []] == [("extra-seats", 2)]
    assert retrieved.latest_invoice is not None
    assert retrieved.latest_invoice.status == "PAID"

    assert [s.id for s in stigg.v1.subscriptions.list(limit=1)] == [
        "acme-enterprise",
        "globex-pro",
    ]
    assert [s.id for s in stigg.v1.subscriptions.list(customer_id="globex")] == ["globex-pro"]
    assert [s.id for s in stigg.v1.subscriptions.list(pricing_type=["CUSTOM"])] == [
        "acme-enterprise"
    ]
    assert [s.id for s in stigg.v1.subscriptions.list(status=["ACTIVE", "IN_TRIAL"])] == [
        "acme-enterprise",
        "globex-pro",
    ]

    updated = stigg.v1.subscriptions.update(
        "globex-pro", addons=[{"id": "extra-seats", "quantity": 3}]
    ).data
    assert [(a.id, a.quantity) for a in updated.addons or []] == [("extra-seats", 3)]
    renegotiated = stigg.v1.subscriptions.update(
        "acme-enterprise",
        entitlements=[{"id": "seats", "type": "FEATURE", "usage_limit": 300}],
        metadata={"deal": "Q1-42", "amended": "yes"},
    ).data
    assert [
        (e.id, (e.model_extra or {})["usageLimit"])
        for e in renegotiated.subscription_entitlements or []
    ] == [("seats", 300)]
    assert renegotiated.metadata == {"deal": "Q1-42", "amended": "yes"}
    with pytest.raises(BadRequestError) as not_variable:
        stigg.v1.subscriptions.update(
            "acme-enterprise", entitlements=[{"id": "sso", "type": "FEATURE"}]
        )
    assert not_variable.value.body["details"]["errors"][0]["code"] == "not_variable"  # type: ignore[index]

    preview = stigg.v1.subscriptions.preview(
        customer_id="acme",
        plan_id="pro",
        addons=[{"id": "extra-seats", "quantity": 1}],
        billable_features=[{"feature_id": "seats", "quantity": 4}],
    ).data
    assert (preview.immediate_invoice.total, preview.immediate_invoice.currency) == (107.49, "usd")
    assert [line.sub_total for line in preview.immediate_invoice.lines or []] == [49.99, 50, 7.5]
    assert preview.recurring_invoice is not None
    assert preview.recurring_invoice.total == 107.49

    canceled = stigg.v1.subscriptions.cancel("globex-pro", cancellation_time="IMMEDIATE").data
    assert (canceled.status, canceled.cancel_reason) == ("CANCELED", "Immediate")
    scheduled = stigg.v1.subscriptions.cancel("acme-enterprise").data
    assert (scheduled.status, scheduled.cancellation_date) == (
        "ACTIVE",
        datetime(2026, 2, 15, 9, 30, tzinfo=UTC),
    )
    clock.set(datetime(2026, 2, 15, 9, 30, tzinfo=UTC))
    assert stigg.v1.subscriptions.retrieve("acme-enterprise").data.status == "CANCELED"
    with pytest.raises(NotFoundError):
        stigg.v1.subscriptions.retrieve("nope")


def test_missing_negotiated_values_and_unsupported_methods_are_clear_errors(stigg: Stigg) -> None:
    catalog(stigg)
    with pytest.raises(BadRequestError) as missing:
        stigg.v1.subscriptions.provision(customer_id="acme", plan_id="enterprise")
    assert missing.value.body["details"]["errors"] == [  # type: ignore[index]
        {
            "field": "entitlements",
            "message": "plan 'enterprise' needs a negotiated value for its variable "
            "entitlement 'seats'",
            "code": "required",
        }
    ]
    assert list(stigg.v1.subscriptions.list()) == []
    created = stigg.v1.subscriptions.provision(
        customer_id="acme",
        plan_id="pro",
        payment_collection_method="NONE",
    ).data
    assert created.id.startswith("sub_")
    migrated = stigg.v1.subscriptions.migrate(created.id).data
    assert migrated.id == created.id
    with pytest.raises(BadRequestError) as delegate:
        stigg.v1.subscriptions.delegate(created.id, target_customer_id="globex")
    assert delegate.value.body["details"]["errors"][0]["code"] == "not_supported"  # type: ignore[index]
