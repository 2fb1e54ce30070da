"""Plans and add-ons through the official stigg SDK (0.1.0b53), strictly validated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from stigg import BadRequestError, ConflictError, NotFoundError, Stigg

from pactline.bootstrap import Container
from pactline.domain.charges import BillingPeriod


def catalog(stigg: Stigg) -> None:
    stigg.v1.products.create_product(id="analytics", display_name="Analytics")
    stigg.v1.features.create_feature(id="seats", display_name="Seats", feature_type="NUMBER")
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    stigg.v1.features.create_feature(
        id="calls",
        display_name="API calls",
        feature_type="NUMBER",
        meter_type="INCREMENTAL",
        meter={"aggregation": {"function": "COUNT"}, "filters": []},
    )
    stigg.v1.features.create_feature(
        id="region",
        display_name="Region",
        feature_type="ENUM",
        enum_configuration=[
            {"value": "eu", "display_name": "Europe"},
            {"value": "us", "display_name": "US"},
        ],
    )


def test_a_custom_plan_with_variable_entitlements_through_the_sdk(stigg: Stigg) -> None:
    catalog(stigg)
    plan = stigg.v1.plans.create(
        id="enterprise",
        display_name="Enterprise",
        product_id="analytics",
        pricing_type="CUSTOM",
        default_trial_config={"duration": 30, "units": "DAY"},
    ).data
    assert (plan.status, plan.version_number, plan.is_latest) == ("DRAFT", 1, True)
    assert plan.default_trial_config is not None
    assert plan.default_trial_config.duration == 30

    created = stigg.v1.plans.entitlements.create(
        "enterprise",
        entitlements=[
            {"id": "seats", "type": "FEATURE", "is_custom": True},
            {
                "id": "calls",
                "type": "FEATURE",
                "usage_limit": 100000,
                "reset_period": "MONTH",
                "monthly_reset_period_configuration": {"according_to": "StartOfTheMonth"},
            },
            {"id": "sso", "type": "FEATURE"},
            {"id": "region", "type": "FEATURE", "enum_values": ["eu"]},
        ],
    ).data
    assert [(e.id, e.type) for e in created] == [
        ("seats", "FEATURE"),
        ("calls", "FEATURE"),
        ("sso", "FEATURE"),
        ("region", "FEATURE"),
    ]
    calls = created[1]
    assert calls.type == "FEATURE"
    assert (calls.usage_limit, calls.reset_period, calls.behavior) == (100000, "MONTH", "Increment")
    assert calls.reset_period_configuration is not None
    assert calls.reset_period_configuration.according_to == "StartOfTheMonth"

    updated = stigg.v1.plans.entitlements.update(
        "calls", plan_id="enterprise", type="FEATURE", usage_limit=250000
    ).data
    assert updated.type == "FEATURE"
    assert updated.usage_limit == 250000
    removed = stigg.v1.plans.entitlements.delete("sso", plan_id="enterprise").data
    assert removed.id == "sso"
    listed = stigg.v1.plans.entitlements.list("enterprise")
    assert [e.id for e in listed.data] == ["seats", "calls", "region"]
    assert listed.pagination.next is None

    published = stigg.v1.plans.publish("enterprise", migration_type="NEW_CUSTOMERS").data
    assert published.task_id is not None
    retrieved = stigg.v1.plans.retrieve("enterprise").data
    assert (retrieved.status, retrieved.pricing_type) == ("PUBLISHED", "CUSTOM")
    assert [e.id for e in retrieved.entitlements] == ["seats", "calls", "region"]


def test_a_paid_plan_with_charges_and_versions_through_the_sdk(
    stigg: Stigg, container: Container
) -> None:
    catalog(stigg)
    stigg.v1.plans.create(id="pro", display_name="Pro", product_id="analytics")
    stigg.v1.plans.entitlements.create(
        "pro", entitlements=[{"id": "seats", "type": "FEATURE", "usage_limit": 10}]
    )
    priced = stigg.v1.plans.update(
        "pro",
        description="For teams",
        charges={
            "pricing_type": "PAID",
            "pricing_models": [
                {
                    "billing_model": "FLAT_FEE",
                    "price_periods": [
                        {
                            "billing_period": "MONTHLY",
                            "price": {"amount": 49.99, "currency": "usd"},
                        },
                        {"billing_period": "ANNUALLY", "price": {"amount": 499, "currency": "usd"}},
                    ],
                },
                {
                    "billing_model": "USAGE_BASED",
                    "feature_id": "calls",
                    "tiers_mode": "VOLUME",
                    "price_periods": [
                        {
                            "billing_period": "MONTHLY",
                            "tiers": [
                                {"up_to": 10000, "unit_price": {"amount": 0.002}},
                                {"unit_price": {"amount": 0.001}},
                            ],
                        }
                    ],
                },
            ],
        },
    ).data
    assert (priced.pricing_type, priced.description) == ("PAID", "For teams")
    charges = list(stigg.v1.plans.list_charges("pro", limit=2))
    assert [(c.id, c.billing_period) for c in charges] == [
        ("pro:FLAT_FEE:base", "MONTHLY"),
        ("pro:FLAT_FEE:base", "ANNUALLY"),
        ("pro:USAGE_BASED:calls", "MONTHLY"),
    ]
    assert charges[0].price is not None
    assert charges[0].price.amount == 49.99
    assert charges[2].tiers is not None
    assert charges[2].tiers[0].up_to == 10000
    assert list(stigg.v1.plans.list_overage_charges("pro")) == []

    stigg.v1.plans.publish("pro", migration_type="NEW_CUSTOMERS")
    with pytest.raises(BadRequestError) as not_a_draft:
        stigg.v1.plans.update("pro", parent_plan_id=None)
    assert not_a_draft.value.body["details"]["errors"][0]["code"] == "draft_required"  # type: ignore[index]
    draft = stigg.v1.plans.create_draft("pro").data
    assert (draft.status, draft.version_number) == ("DRAFT", 2)
    with pytest.raises(ConflictError):
        stigg.v1.plans.create_draft("pro")
    assert stigg.v1.plans.remove_draft("pro").data.id == "pro"
    assert stigg.v1.plans.retrieve("pro").data.version_number == 1

    env = container.tenancy.authenticate(stigg.api_key).environment_id
    with container.uow() as uow:
        version = uow.plans.latest_published(env, "pro")
    assert version is not None
    price = version.charges[0].price_for(BillingPeriod.MONTHLY, "usd")
    assert price is not None
    assert price.amount == Decimal("49.99")

    assert [p.id for p in stigg.v1.plans.list(product_id="analytics", status=["PUBLISHED"])] == [
        "pro"
    ]
    assert stigg.v1.plans.archive("pro").data.status == "ARCHIVED"
    with pytest.raises(NotFoundError):
        stigg.v1.plans.retrieve("nope")


def test_addons_through_the_sdk(stigg: Stigg) -> None:
    catalog(stigg)
    stigg.v1.addons.create(id="base-pack", display_name="Base pack", product_id="analytics")
    addon = stigg.v1.addons.create(
        id="extra-seats", display_name="Extra seats", product_id="analytics", max_quantity=20
    ).data
    assert (addon.max_quantity, addon.status, addon.version_number) == (20, "DRAFT", 1)
    created = stigg.v1.addons.entitlements.create(
        "extra-seats", entitlements=[{"id": "seats", "type": "FEATURE", "usage_limit": 5}]
    ).data
    assert created[0].type == "FEATURE"
    assert created[0].behavior == "Increment"
    updated = stigg.v1.addons.entitlements.update(
        "seats", addon_id="extra-seats", type="FEATURE", usage_limit=10
    ).data
    assert updated.usage_limit == 10
    changed = stigg.v1.addons.update(
        "extra-seats",
        dependencies=["base-pack"],
        charges={
            "pricing_type": "PAID",
            "pricing_models": [
                {
                    "billing_model": "PER_UNIT",
                    "feature_id": "seats",
                    "price_periods": [{"billing_period": "MONTHLY", "price": {"amount": 7.5}}],
                }
            ],
        },
    ).data
    assert changed.dependencies == ["base-pack"]
    assert stigg.v1.addons.entitlements.list("extra-seats").data[0].usage_limit == 10
    [charge] = list(stigg.v1.addons.list_charges("extra-seats"))
    assert (charge.billing_model, charge.feature_id) == ("PER_UNIT", "seats")
    assert charge.price is not None
    assert charge.price.amount == 7.5

    assert stigg.v1.addons.publish("extra-seats", migration_type="ALL_CUSTOMERS").data.task_id
    assert stigg.v1.addons.retrieve("extra-seats").data.status == "PUBLISHED"
    assert stigg.v1.addons.create_draft("extra-seats").data.version_number == 2
    removed = stigg.v1.addons.entitlements.delete("seats", addon_id="extra-seats").data
    assert removed.id == "seats"
    assert stigg.v1.addons.remove_draft("extra-seats").data.id == "extra-seats"
    assert [a.id for a in stigg.v1.addons.list(status=["PUBLISHED"])] == ["extra-seats"]
    assert [a.id for a in stigg.v1.addons.list(limit=1)] == ["base-pack", "extra-seats"]
    assert stigg.v1.addons.archive("extra-seats").data.status == "ARCHIVED"
    with pytest.raises(BadRequestError) as credits:
        stigg.v1.addons.entitlements.create(
            "base-pack",
            entitlements=[{"id": "tokens", "type": "CREDIT", "amount": 5, "cadence": "MONTH"}],
        )
    assert credits.value.body["details"]["errors"][0]["code"] == "not_supported"  # type: ignore[index]
