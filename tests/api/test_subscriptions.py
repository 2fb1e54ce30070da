"""Subscriptions over HTTP, in Stigg's shapes, on SQLite and PostgreSQL.

The catalog: product `analytics`; features seats (NUMBER), calls (metered), sso (BOOLEAN);
plan `enterprise` (CUSTOM, seats negotiated per subscription); plan `pro` (PAID: 49.99 a month
or 499 a year, 12.50 a seat, calls by usage) compatible with add-on `extra-seats` (7.50 a month
each, +5 seats, at most 20).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.entitlements import EntitlementValue
from pactline.domain.subscriptions import granted_values
from pactline.services.subscriptions import plan_chain
from tests.support import SettableClock

NOW = "2026-01-15T09:30:00Z"
T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

PRO_PRICING = {
    "pricingType": "PAID",
    "pricingModels": [
        {
            "billingModel": "FLAT_FEE",
            "pricePeriods": [
                {"billingPeriod": "MONTHLY", "price": {"amount": 49.99, "currency": "usd"}},
                {"billingPeriod": "ANNUALLY", "price": {"amount": 499, "currency": "usd"}},
            ],
        },
        {
            "billingModel": "PER_UNIT",
            "featureId": "seats",
            "minUnitQuantity": 1,
            "maxUnitQuantity": 100,
            "pricePeriods": [
                {"billingPeriod": "MONTHLY", "price": {"amount": 12.5}},
                {"billingPeriod": "ANNUALLY", "price": {"amount": 125}},
            ],
        },
        {
            "billingModel": "USAGE_BASED",
            "featureId": "calls",
            "tiersMode": "GRADUATED",
            "pricePeriods": [
                {
                    "billingPeriod": "MONTHLY",
                    "tiers": [
                        {"upTo": 1000, "unitPrice": {"amount": 0}},
                        {"unitPrice": {"amount": 0.0015}},
                    ],
                }
            ],
        },
    ],
}


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidArgument", body
    return [(e["field"], e["code"]) for e in body["details"]["errors"]]


def publish(api: httpx.Client, path: str, migration: str = "NEW_CUSTOMERS") -> None:
    ok(api.post(f"{path}/publish", json={"migrationType": migration}))


def setup_catalog(api: httpx.Client, multiple_subscriptions: bool = False) -> None:
    for body in (
        {"id": "seats", "displayName": "Seats", "featureType": "NUMBER"},
        {
            "id": "calls",
            "displayName": "API calls",
            "featureType": "NUMBER",
            "meterType": "INCREMENTAL",
            "meter": {"aggregation": {"function": "COUNT"}, "filters": []},
        },
        {"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"},
    ):
        ok(api.post("/api/v1/features", json=body), 201)
    product = {
        "id": "analytics",
        "displayName": "Analytics",
        "multipleSubscriptions": multiple_subscriptions,
    }
    ok(api.post("/api/v1/products", json=product), 201)
    ok(api.post("/api/v1/customers", json={"id": "acme", "name": "Acme"}), 201)

    plan = {"id": "enterprise", "displayName": "Enterprise", "productId": "analytics"}
    ok(api.post("/api/v1/plans", json={**plan, "pricingType": "CUSTOM"}), 201)
    entitlements = [
        {"id": "seats", "type": "FEATURE", "isCustom": True},
        {"id": "sso", "type": "FEATURE"},
        {"id": "calls", "type": "FEATURE", "usageLimit": 1000, "resetPeriod": "MONTH"},
    ]
    ok(api.post("/api/v1/plans/enterprise/entitlements", json={"entitlements": entitlements}), 201)
    publish(api, "/api/v1/plans/enterprise")

    addon = {"id": "extra-seats", "displayName": "Extra seats", "productId": "analytics"}
    ok(api.post("/api/v1/addons", json={**addon, "maxQuantity": 20}), 201)
    seats_5 = [{"id": "seats", "type": "FEATURE", "usageLimit": 5}]
    ok(api.post("/api/v1/addons/extra-seats/entitlements", json={"entitlements": seats_5}), 201)
    addon_pricing = {
        "pricingType": "PAID",
        "pricingModels": [
            {
                "billingModel": "FLAT_FEE",
                "pricePeriods": [
                    {"billingPeriod": "MONTHLY", "price": {"amount": 7.5}},
                    {"billingPeriod": "ANNUALLY", "price": {"amount": 75}},
                ],
            }
        ],
    }
    ok(api.patch("/api/v1/addons/extra-seats", json={"charges": addon_pricing}))
    publish(api, "/api/v1/addons/extra-seats")

    ok(
        api.post(
            "/api/v1/plans", json={"id": "pro", "displayName": "Pro", "productId": "analytics"}
        ),
        201,
    )
    pro_entitlements = [
        {"id": "seats", "type": "FEATURE", "usageLimit": 3},
        {"id": "calls", "type": "FEATURE", "hasUnlimitedUsage": True},
    ]
    ok(api.post("/api/v1/plans/pro/entitlements", json={"entitlements": pro_entitlements}), 201)
    changes = {"charges": PRO_PRICING, "compatibleAddonIds": ["extra-seats"]}
    ok(api.patch("/api/v1/plans/pro", json=changes))
    publish(api, "/api/v1/plans/pro")


def provision(api: httpx.Client, **body: Any) -> dict[str, Any]:
    return ok(api.post("/api/v1/subscriptions", json=body), 201)


def custom(
    api: httpx.Client, sub_id: str = "sub-ent", seats: int = 250, **more: Any
) -> dict[str, Any]:
    return provision(
        api,
        id=sub_id,
        customerId="acme",
        planId="enterprise",
        paymentCollectionMethod="INVOICE",
        entitlements=[{"id": "seats", "type": "FEATURE", "usageLimit": seats}],
        **more,
    )


def paid(api: httpx.Client, sub_id: str = "sub-pro", **more: Any) -> dict[str, Any]:
    body = {
        "id": sub_id,
        "customerId": "acme",
        "planId": "pro",
        "paymentCollectionMethod": "INVOICE",
        **more,
    }
    return provision(api, **body)


def subscription(api: httpx.Client, sub_id: str) -> dict[str, Any]:
    return ok(api.get(f"/api/v1/subscriptions/{sub_id}"))


def listed(api: httpx.Client, **params: Any) -> list[str]:
    return [s["id"] for s in ok_list(api.get("/api/v1/subscriptions", params=params))]


def ok_list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def events(container: Container) -> list[tuple[str, dict[str, Any]]]:
    with container.uow() as uow:
        return [
            (e.type, dict(e.data))
            for e in uow.outbox.undispatched(1000)
            if e.type.startswith("subscription.")
        ]


def environment_id(container: Container, api: httpx.Client) -> str:
    key = api.headers["X-API-KEY"]
    return container.tenancy.authenticate(key).environment_id


# --- provisioning ---------------------------------------------------------------------------


def test_a_custom_plan_subscription_holds_its_negotiated_values_and_is_active_at_once(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    data = custom(api, metadata={"crm": "42"}, billingInformation={"invoiceDaysUntilDue": 30})
    assert (data["id"], data["status"], data["isScheduled"]) == ("sub-ent", "SUCCESS", False)
    assert data["entitlements"] is None
    assert data["subscription"] == {
        "id": "sub-ent",
        "billingId": None,
        "createdAt": NOW,
        "customerId": "acme",
        "paymentCollection": "NOT_REQUIRED",
        "planId": "enterprise",
        "pricingType": "CUSTOM",
        "startDate": NOW,
        "status": "ACTIVE",
        "addons": [],
        "billingCycleAnchor": NOW,
        "budget": None,
        "cancellationDate": None,
        "cancelReason": None,
        "contractId": None,
        "coupons": [],
        "currentBillingPeriodStart": NOW,
        "currentBillingPeriodEnd": "2026-02-15T09:30:00Z",
        "effectiveEndDate": None,
        "endDate": None,
        "futureUpdates": [],
        "latestInvoice": None,
        "metadata": {"crm": "42"},
        "minimumSpend": None,
        "payingCustomerId": None,
        "paymentCollectionMethod": "INVOICE",
        "prices": [],
        "resourceId": None,
        "subscriptionEntitlements": [
            {
                "id": "seats",
                "type": "FEATURE",
                "usageLimit": 250,
                "hasUnlimitedUsage": False,
                "hasSoftLimit": False,
                "resetPeriod": None,
            }
        ],
        "trial": None,
        "trialEndDate": None,
        "billingPeriod": "MONTHLY",
        "currency": "usd",
        "planVersionNumber": 1,
        "charges": [],
        "invoiceDaysUntilDue": 30,
        "updatedAt": NOW,
    }
    assert subscription(api, "sub-ent") == data["subscription"]
    assert events(container) == [
        (
            "subscription.created",
            {
                "id": "sub-ent",
                "customerId": "acme",
                "planId": "enterprise",
                "versionNumber": 1,
                "status": "ACTIVE",
            },
        )
    ]
    env = environment_id(container, api)
    with container.uow() as uow:
        [active] = uow.subscriptions.active_for_customer(env, "acme", T0)
        version = uow.plans.get_version(env, "enterprise", active.plan_version)
        assert version is not None
        values = granted_values(active, plan_chain(uow, version), {})
    assert values["seats"].usage_limit == 250
    assert values["sso"] == EntitlementValue("sso")
    assert values["calls"].usage_limit == 1000


def test_a_custom_plan_needs_a_value_for_each_variable_entitlement_and_nothing_is_created(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    body = {"id": "s", "customerId": "acme", "planId": "enterprise"}
    response = api.post("/api/v1/subscriptions", json=body)
    assert problems(response) == [("entitlements", "required")]
    assert "'seats'" in response.json()["details"]["errors"][0]["message"]
    assert listed(api) == []
    assert api.get("/api/v1/subscriptions/s").status_code == 404
    assert events(container) == []


def test_values_are_negotiated_only_for_variable_entitlements_of_known_features(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    body = {
        "customerId": "acme",
        "planId": "enterprise",
        "entitlements": [
            {"id": "seats", "type": "FEATURE", "usageLimit": -1},
            {"id": "sso", "type": "FEATURE"},
            {"id": "nope", "type": "FEATURE", "usageLimit": 1},
            {"id": "calls", "type": "CREDIT", "amount": 5, "cadence": "MONTH"},
        ],
    }
    assert problems(api.post("/api/v1/subscriptions", json=body)) == [
        ("entitlements[3].type", "not_supported")
    ]
    body["entitlements"] = body["entitlements"][:3]
    assert problems(api.post("/api/v1/subscriptions", json=body)) == [
        ("entitlements[0].usageLimit", "out_of_range"),
        ("entitlements[1].id", "not_variable"),
        ("entitlements[2].id", "not_found"),
    ]
    assert listed(api) == []


def test_subscribing_needs_a_published_plan_and_a_live_customer(api: httpx.Client) -> None:
    setup_catalog(api)
    ok(
        api.post(
            "/api/v1/plans", json={"id": "draft", "displayName": "D", "productId": "analytics"}
        ),
        201,
    )
    body = {"customerId": "acme", "planId": "draft"}
    response = api.post("/api/v1/subscriptions", json=body)
    assert problems(response) == [("planId", "plan_not_published")]

    missing = api.post("/api/v1/subscriptions", json={"customerId": "nobody", "planId": "pro"})
    assert (missing.status_code, missing.json()["code"]) == (404, "EntityNotFound")
    missing = api.post("/api/v1/subscriptions", json={"customerId": "acme", "planId": "nope"})
    assert (missing.status_code, missing.json()["details"]) == (
        404,
        {"entity": "Plan", "id": "nope"},
    )
    ok(api.post("/api/v1/customers/acme/archive"))
    archived = api.post("/api/v1/subscriptions", json={"customerId": "acme", "planId": "pro"})
    assert problems(archived) == [("customerId", "archived")]
    assert listed(api) == []


def test_a_duplicate_id_is_a_permanent_conflict_and_changes_nothing(api: httpx.Client) -> None:
    setup_catalog(api)
    first = custom(api, seats=10)
    again = api.post(
        "/api/v1/subscriptions",
        json={
            "id": "sub-ent",
            "customerId": "acme",
            "planId": "enterprise",
            "entitlements": [{"id": "seats", "type": "FEATURE", "usageLimit": 99}],
        },
    )
    assert again.status_code == 409
    assert again.headers["x-should-retry"] == "false"
    assert again.json()["code"] == "DuplicatedEntityNotAllowed"
    assert subscription(api, "sub-ent") == first["subscription"]


def test_a_paid_subscription_lists_every_price_and_marks_the_overridden_ones(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    data = paid(
        api,
        addons=[{"id": "extra-seats", "quantity": 2}],
        unitQuantity=5,
        priceOverrides=[
            {"baseCharge": True, "amount": 39.99},
            {"featureId": "seats", "amount": 10.05, "currency": "usd"},
            {"addonId": "extra-seats", "amount": 6.25},
        ],
    )["subscription"]
    assert (data["status"], data["pricingType"], data["paymentCollection"]) == (
        "ACTIVE",
        "PAID",
        "NOT_REQUIRED",
    )
    assert data["addons"] == [{"id": "extra-seats", "quantity": 2, "versionNumber": 1}]
    assert data["charges"] == [{"id": "pro:PER_UNIT:seats", "quantity": 5}]
    assert [
        (p["chargeId"], p["addonId"], p["amount"], p["baseCharge"], p["isOverride"])
        for p in data["prices"]
    ] == [
        ("pro:FLAT_FEE:base", None, 39.99, True, True),
        ("pro:PER_UNIT:seats", None, 10.05, False, True),
        ("pro:USAGE_BASED:calls", None, None, False, False),
        ("extra-seats:FLAT_FEE:base", "extra-seats", 6.25, True, True),
    ]
    calls = data["prices"][2]
    assert calls["tiers"] == [
        {"flatPrice": None, "unitPrice": {"amount": 0, "currency": "usd"}, "upTo": 1000},
        {"flatPrice": None, "unitPrice": {"amount": 0.0015, "currency": "usd"}, "upTo": None},
    ]
    assert {(p["currency"], p["billingPeriod"]) for p in data["prices"]} == {("usd", "MONTHLY")}


def test_price_overrides_must_name_a_charge_of_the_plan_or_of_a_held_addon(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    body: dict[str, Any] = {
        "customerId": "acme",
        "planId": "pro",
        "priceOverrides": [
            {"featureId": "sso", "amount": 1},
            {"addonId": "extra-seats", "amount": 1},
            {"baseCharge": True, "amount": 1, "currency": "eur"},
            {"featureId": "calls", "amount": 1},
            {"amount": 1},
            {"featureId": "seats", "amount": -1},
        ],
    }
    assert problems(api.post("/api/v1/subscriptions", json=body)) == [
        ("priceOverrides[0].featureId", "not_found"),
        ("priceOverrides[1].addonId", "not_found"),
        ("priceOverrides[2].currency", "currency_mismatch"),
        ("priceOverrides[3].amount", "not_allowed"),
        ("priceOverrides[4]", "required"),
        ("priceOverrides[5].amount", "out_of_range"),
    ]
    on_custom = {
        "customerId": "acme",
        "planId": "enterprise",
        "entitlements": [{"id": "seats", "type": "FEATURE", "usageLimit": 5}],
        "priceOverrides": [{"baseCharge": True, "amount": 1}],
    }
    assert problems(api.post("/api/v1/subscriptions", json=on_custom)) == [
        ("priceOverrides[0]", "not_allowed")
    ]
    assert listed(api) == []


def test_addons_must_be_published_compatible_and_within_their_maximum(api: httpx.Client) -> None:
    setup_catalog(api)
    ok(
        api.post(
            "/api/v1/addons",
            json={"id": "draft-addon", "displayName": "D", "productId": "analytics"},
        ),
        201,
    )
    body = {
        "customerId": "acme",
        "planId": "pro",
        "addons": [
            {"id": "extra-seats", "quantity": 21},
            {"id": "draft-addon", "quantity": 1},
            {"id": "ghost", "quantity": 1},
            {"id": "extra-seats", "quantity": 1},
        ],
    }
    assert problems(api.post("/api/v1/subscriptions", json=body)) == [
        ("addons[0].quantity", "out_of_range"),
        ("addons[1].id", "not_published"),
        ("addons[2].id", "not_found"),
        ("addons[3].id", "duplicate"),
    ]
    enterprise = {
        "customerId": "acme",
        "planId": "enterprise",
        "entitlements": [{"id": "seats", "type": "FEATURE", "usageLimit": 5}],
        "addons": [{"id": "extra-seats", "quantity": 1}],
    }
    assert problems(api.post("/api/v1/subscriptions", json=enterprise)) == [
        ("addons[0].id", "not_compatible")
    ]
    assert listed(api) == []


def test_an_addon_needs_the_addons_it_depends_on(api: httpx.Client) -> None:
    setup_catalog(api)
    ok(
        api.post(
            "/api/v1/addons", json={"id": "base-pack", "displayName": "B", "productId": "analytics"}
        ),
        201,
    )
    publish(api, "/api/v1/addons/base-pack")
    ok(api.post("/api/v1/addons/extra-seats/draft"), 201)
    ok(api.patch("/api/v1/addons/extra-seats", json={"dependencies": ["base-pack"]}))
    publish(api, "/api/v1/addons/extra-seats")
    ok(api.post("/api/v1/plans/pro/draft"), 201)
    ok(api.patch("/api/v1/plans/pro", json={"compatibleAddonIds": ["extra-seats", "base-pack"]}))
    publish(api, "/api/v1/plans/pro")
    lonely = {
        "customerId": "acme",
        "planId": "pro",
        "addons": [{"id": "extra-seats", "quantity": 1}],
    }
    assert problems(api.post("/api/v1/subscriptions", json=lonely)) == [
        ("addons[0].id", "missing_dependency")
    ]
    both = [{"id": "extra-seats", "quantity": 1}, {"id": "base-pack", "quantity": 1}]
    data = paid(api, addons=both)["subscription"]
    assert [(a["id"], a["versionNumber"]) for a in data["addons"]] == [
        ("extra-seats", 2),
        ("base-pack", 1),
    ]


def test_unit_quantities_are_bought_within_the_charge_bounds(api: httpx.Client) -> None:
    setup_catalog(api)
    body: dict[str, Any] = {
        "customerId": "acme",
        "planId": "pro",
        "charges": [
            {"id": "seats", "quantity": 101, "type": "FEATURE"},
            {"id": "pro:FLAT_FEE:base", "quantity": 1, "type": "FEATURE"},
            {"id": "seats", "quantity": 2.5, "type": "FEATURE"},
        ],
    }
    assert problems(api.post("/api/v1/subscriptions", json=body)) == [
        ("charges[0].quantity", "out_of_range"),
        ("charges[1].id", "not_found"),
        ("charges[2].quantity", "not_integer"),
    ]
    data = paid(api, charges=[{"id": "pro:PER_UNIT:seats", "quantity": 7, "type": "FEATURE"}])
    assert data["subscription"]["charges"] == [{"id": "pro:PER_UNIT:seats", "quantity": 7}]
    defaulted = paid(api, "sub-2")["subscription"]
    assert defaulted["charges"] == [{"id": "pro:PER_UNIT:seats", "quantity": 1}]


# --- payment ------------------------------------------------------------------------------


def test_charge_collection_waits_for_the_paid_invoice_before_granting_anything(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    custom(api, "old")
    data = provision(api, id="self-serve", customerId="acme", planId="pro")
    assert (data["status"], data["subscription"]["status"]) == (
        "PAYMENT_REQUIRED",
        "PAYMENT_PENDING",
    )
    sub = data["subscription"]
    assert (sub["paymentCollection"], sub["paymentCollectionMethod"]) == (
        "ACTION_REQUIRED",
        "CHARGE",
    )
    assert sub["latestInvoice"] == {
        "billingId": "self-serve-1",
        "createdAt": NOW,
        "requiresAction": True,
        "status": "OPEN",
        "billingReason": "SUBSCRIPTION_CREATION",
        "currency": "usd",
    }
    env = environment_id(container, api)
    with container.uow() as uow:
        assert [s.id for s in uow.subscriptions.active_for_customer(env, "acme", T0)] == ["old"]
    assert subscription(api, "old")["status"] == "ACTIVE"  # replaced only once paid

    assert ok(api.post("/api/v1/subscriptions/self-serve/invoice/paid")) == {"id": "self-serve"}
    paid_sub = subscription(api, "self-serve")
    assert (paid_sub["status"], paid_sub["paymentCollection"]) == ("ACTIVE", "NOT_REQUIRED")
    assert paid_sub["latestInvoice"]["status"] == "PAID"
    assert ok(api.post("/api/v1/subscriptions/self-serve/invoice/paid")) == {"id": "self-serve"}
    old = subscription(api, "old")
    assert (old["status"], old["cancelReason"], old["effectiveEndDate"]) == (
        "CANCELED",
        "UPGRADE_OR_DOWNGRADE",
        NOW,
    )
    assert [t for t, _ in events(container)] == [
        "subscription.created",
        "subscription.created",
        "subscription.paid",
        "subscription.canceled",
    ]
    with container.uow() as uow:
        assert [s.id for s in uow.subscriptions.active_for_customer(env, "acme", T0)] == [
            "self-serve"
        ]
    invoiced = api.post("/api/v1/subscriptions/old/invoice/paid")
    assert problems(invoiced) == [("id", "no_open_invoice")]


# --- time -----------------------------------------------------------------------------------


def test_a_future_start_is_not_started_until_then_and_a_past_start_has_its_periods(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    future = custom(api, "later", startDate="2026-03-01T00:00:00Z")
    assert (future["isScheduled"], future["subscription"]["status"]) == (True, "NOT_STARTED")
    assert future["subscription"]["currentBillingPeriodStart"] == "2026-03-01T00:00:00Z"
    past = paid(api, "earlier", startDate="2025-10-31", billingPeriod="MONTHLY")["subscription"]
    assert (past["status"], past["startDate"]) == ("ACTIVE", "2025-10-31T00:00:00Z")
    assert (past["currentBillingPeriodStart"], past["currentBillingPeriodEnd"]) == (
        "2025-12-31T00:00:00Z",
        "2026-01-31T00:00:00Z",
    )
    assert listed(api, status="NOT_STARTED") == ["later"]
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    assert subscription(api, "later")["status"] == "ACTIVE"
    assert listed(api, status="NOT_STARTED") == []
    assert subscription(api, "earlier")["currentBillingPeriodStart"] == "2026-02-28T00:00:00Z"


def test_trials_come_from_the_plan_default_or_the_override(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    ok(api.post("/api/v1/plans/pro/draft"), 201)
    default_trial = {"duration": 14, "units": "DAY", "trialEndBehavior": "CONVERT_TO_PAID"}
    ok(api.patch("/api/v1/plans/pro", json={"defaultTrialConfig": default_trial}))
    publish(api, "/api/v1/plans/pro")

    trial = provision(api, id="t", customerId="acme", planId="pro")
    assert trial["status"] == "SUCCESS"  # no payment is due during a trial
    sub = trial["subscription"]
    assert (sub["status"], sub["trialEndDate"], sub["trial"]) == (
        "IN_TRIAL",
        "2026-01-29T09:30:00Z",
        {"trialEndBehavior": "CONVERT_TO_PAID"},
    )
    assert (sub["currentBillingPeriodStart"], sub["currentBillingPeriodEnd"]) == (
        NOW,
        "2026-01-29T09:30:00Z",
    )
    skipped = paid(api, "no-trial", trialOverrideConfiguration={"isTrial": False})["subscription"]
    assert (skipped["status"], skipped["trialEndDate"]) == ("ACTIVE", None)
    ending = paid(
        api,
        "ending",
        trialOverrideConfiguration={
            "isTrial": True,
            "trialEndDate": "2026-02-01T00:00:00Z",
            "trialEndBehavior": "CANCEL_SUBSCRIPTION",
        },
    )["subscription"]
    assert (ending["status"], ending["effectiveEndDate"]) == ("IN_TRIAL", "2026-02-01T00:00:00Z")
    assert listed(api, status="IN_TRIAL") == ["ending", "t"]  # same instant: by id

    clock.set(datetime(2026, 1, 29, 9, 29, tzinfo=UTC))
    assert subscription(api, "t")["status"] == "IN_TRIAL"
    clock.set(datetime(2026, 1, 29, 9, 30, tzinfo=UTC))
    converted = subscription(api, "t")
    assert (converted["status"], converted["currentBillingPeriodEnd"]) == (
        "ACTIVE",
        "2026-02-28T09:30:00Z",
    )
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    expired = subscription(api, "ending")
    assert (expired["status"], expired["cancelReason"]) == ("EXPIRED", "TRIAL_ENDED")
    assert listed(api, status="EXPIRED") == ["ending"]
    assert listed(api, status="CANCELED,IN_TRIAL") == []
    wrong = {
        "customerId": "acme",
        "planId": "pro",
        "trialOverrideConfiguration": {"isTrial": True, "trialEndDate": "2026-01-01"},
    }
    assert problems(api.post("/api/v1/subscriptions", json=wrong)) == [
        ("trialOverrideConfiguration.trialEndDate", "out_of_range")
    ]


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_now_at_the_end_of_the_billing_period_or_on_a_date(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    custom(api, "now")
    custom(api, "period-end")
    custom(api, "dated")

    now = ok(api.post("/api/v1/subscriptions/now/cancel", json={"cancellationTime": "IMMEDIATE"}))
    assert (now["status"], now["cancelReason"], now["effectiveEndDate"]) == (
        "CANCELED",
        "Immediate",
        NOW,
    )
    assert now["currentBillingPeriodStart"] is None
    at_end = ok(api.post("/api/v1/subscriptions/period-end/cancel"))
    assert (at_end["status"], at_end["cancellationDate"], at_end["cancelReason"]) == (
        "ACTIVE",
        "2026-02-15T09:30:00Z",
        "ScheduledCancellation",
    )
    before = subscription(api, "dated")
    missing_date = api.post(
        "/api/v1/subscriptions/dated/cancel", json={"cancellationTime": "SPECIFIC_DATE"}
    )
    assert problems(missing_date) == [("endDate", "required")]
    past = api.post(
        "/api/v1/subscriptions/dated/cancel",
        json={"cancellationTime": "SPECIFIC_DATE", "endDate": "2026-01-01"},
    )
    assert problems(past) == [("endDate", "out_of_range")]
    assert subscription(api, "dated") == before
    dated = ok(
        api.post(
            "/api/v1/subscriptions/dated/cancel",
            json={"cancellationTime": "SPECIFIC_DATE", "endDate": "2026-01-20T00:00:00Z"},
        )
    )
    assert (dated["status"], dated["effectiveEndDate"]) == ("ACTIVE", "2026-01-20T00:00:00Z")

    clock.set(datetime(2026, 1, 20, tzinfo=UTC))
    assert subscription(api, "dated")["status"] == "CANCELED"
    assert subscription(api, "period-end")["status"] == "ACTIVE"
    assert listed(api, status="CANCELED") == ["dated", "now"]  # same instant: by id
    again = ok(api.post("/api/v1/subscriptions/now/cancel", json={"cancellationTime": "IMMEDIATE"}))
    assert again["effectiveEndDate"] == NOW  # canceling an ended subscription changes nothing
    assert [d["reason"] for t, d in events(container) if t == "subscription.canceled"] == [
        "Immediate",
        "ScheduledCancellation",
        "ScheduledCancellation",
    ]
    changed = api.patch("/api/v1/subscriptions/now", json={"metadata": {"a": "b"}})
    assert problems(changed) == [("id", "subscription_ended")]


def test_a_new_subscription_to_a_single_subscription_product_replaces_the_old_one(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    custom(api, "first")
    paid(api, "second", startDate="2026-02-01T00:00:00Z")
    first = subscription(api, "first")
    assert (first["status"], first["cancelReason"], first["effectiveEndDate"]) == (
        "ACTIVE",
        "UPGRADE_OR_DOWNGRADE",
        "2026-02-01T00:00:00Z",
    )
    ok(api.post("/api/v1/customers", json={"id": "other"}), 201)
    provision(api, id="third", customerId="other", planId="pro", paymentCollectionMethod="NONE")
    assert subscription(api, "second")["status"] == "NOT_STARTED"
    assert subscription(api, "third")["status"] == "ACTIVE"
    undo = api.patch("/api/v1/subscriptions/first", json={"cancellationDate": None})
    assert problems(undo) == [("cancellationDate", "replaced")]
    canceled = [d for t, d in events(container) if t == "subscription.canceled"]
    assert canceled == [
        {
            "id": "first",
            "reason": "UPGRADE_OR_DOWNGRADE",
            "effectiveEndDate": "2026-02-01T00:00:00+00:00",
            "replacedBy": "second",
        }
    ]


# --- update ---------------------------------------------------------------------------------


def test_update_replaces_addons_overrides_and_values_and_leaves_the_rest(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    paid(
        api,
        addons=[{"id": "extra-seats", "quantity": 1}],
        priceOverrides=[{"baseCharge": True, "amount": 45}],
        metadata={"a": "1"},
    )
    data = ok(
        api.patch(
            "/api/v1/subscriptions/sub-pro",
            json={
                "addons": [{"id": "extra-seats", "quantity": 3}],
                "charges": [{"id": "seats", "quantity": 8, "type": "FEATURE"}],
                "billingPeriod": "ANNUALLY",
            },
        )
    )
    assert data["addons"] == [{"id": "extra-seats", "quantity": 3, "versionNumber": 1}]
    assert data["charges"] == [{"id": "pro:PER_UNIT:seats", "quantity": 8}]
    assert data["metadata"] == {"a": "1"}
    assert data["billingPeriod"] == "ANNUALLY"
    assert data["currentBillingPeriodEnd"] == "2027-01-15T09:30:00Z"
    assert [(p["chargeId"], p["amount"], p["isOverride"]) for p in data["prices"]] == [
        ("pro:FLAT_FEE:base", 45, True),
        ("pro:PER_UNIT:seats", 125, False),
        ("pro:USAGE_BASED:calls", None, False),
        ("extra-seats:FLAT_FEE:base", 75, False),
    ]
    cleared = ok(
        api.patch(
            "/api/v1/subscriptions/sub-pro",
            json={"priceOverrides": [], "addons": [], "metadata": {"b": "2"}},
        )
    )
    assert (cleared["addons"], cleared["metadata"]) == ([], {"b": "2"})
    assert not any(p["isOverride"] for p in cleared["prices"])
    assert events(container)[-1] == (
        "subscription.updated",
        {"id": "sub-pro", "changes": ["addons", "metadata", "priceOverrides"]},
    )


def test_a_refused_update_changes_nothing(api: httpx.Client, container: Container) -> None:
    setup_catalog(api)
    before = custom(api, seats=10)["subscription"]
    refused = api.patch(
        "/api/v1/subscriptions/sub-ent",
        json={
            "entitlements": [{"id": "sso", "type": "FEATURE"}],
            "metadata": {"x": "y"},
            "addons": [{"id": "extra-seats", "quantity": 1}],
        },
    )
    assert problems(refused) == [
        ("addons[0].id", "not_compatible"),
        ("entitlements[0].id", "not_variable"),
        ("entitlements", "required"),
    ]
    assert subscription(api, "sub-ent") == before
    assert [t for t, _ in events(container)] == ["subscription.created"]
    updated = ok(
        api.patch(
            "/api/v1/subscriptions/sub-ent",
            json={
                "entitlements": [{"id": "seats", "type": "FEATURE", "hasUnlimitedUsage": True}],
                "cancellationDate": "2026-06-01T00:00:00Z",
            },
        )
    )
    assert updated["subscriptionEntitlements"][0]["hasUnlimitedUsage"] is True
    assert (updated["cancellationDate"], updated["cancelReason"]) == (
        "2026-06-01T00:00:00Z",
        "ScheduledCancellation",
    )
    kept = ok(api.patch("/api/v1/subscriptions/sub-ent", json={"cancellationDate": None}))
    assert (kept["cancellationDate"], kept["effectiveEndDate"]) == (None, None)
    missing = api.patch("/api/v1/subscriptions/nope", json={"metadata": {}})
    assert missing.status_code == 404


# --- list -----------------------------------------------------------------------------------


def test_list_filters_by_customer_plan_pricing_type_status_and_creation(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    ok(api.post("/api/v1/customers", json={"id": "globex"}), 201)
    custom(api, "a")
    clock.advance(timedelta(minutes=1))
    paid(api, "b")
    clock.advance(timedelta(minutes=1))
    provision(api, id="c", customerId="globex", planId="pro")  # CHARGE: awaiting payment
    assert listed(api) == ["a", "b", "c"]
    assert listed(api, customerId="globex") == ["c"]
    assert listed(api, planId="pro") == ["b", "c"]
    assert listed(api, pricingType="CUSTOM") == ["a"]
    assert listed(api, pricingType="CUSTOM,PAID") == ["a", "b", "c"]
    assert listed(api, status="ACTIVE") == ["a", "b"]
    assert listed(api, status="PAYMENT_PENDING") == ["c"]
    assert listed(api, **{"createdAt[gt]": NOW}) == ["b", "c"]
    assert listed(api, resourceId="r1") == []
    first = api.get("/api/v1/subscriptions", params={"limit": 2}).json()
    assert [s["id"] for s in first["data"]] == ["a", "b"]
    rest = api.get(
        "/api/v1/subscriptions", params={"limit": 2, "after": first["pagination"]["next"]}
    )
    assert [s["id"] for s in ok_list(rest)] == ["c"]
    bad = api.get("/api/v1/subscriptions", params={"status": "GONE"})
    assert problems(bad) == [("status", "invalid")]


# --- preview --------------------------------------------------------------------------------


def test_preview_prices_one_billing_period_exactly_without_creating_anything(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    body = {
        "customerId": "acme",
        "planId": "pro",
        "addons": [{"id": "extra-seats", "quantity": 2}],
        "billableFeatures": [{"featureId": "seats", "quantity": 5}],
        "priceOverrides": [{"featureId": "seats", "amount": 10.01}],
    }
    data = ok(api.post("/api/v1/subscriptions/preview", json=body))
    immediate = data["immediateInvoice"]
    assert immediate == {
        "subTotal": 115.04,
        "total": 115.04,
        "billingPeriodRange": {"start": NOW, "end": "2026-02-15T09:30:00Z"},
        "currency": "usd",
        "discount": 0,
        "discounts": [],
        "lines": [
            {
                "currency": "usd",
                "description": "Pro (base charge)",
                "subTotal": 49.99,
                "unitPrice": 49.99,
                "quantity": 1,
            },
            {
                "currency": "usd",
                "description": "Pro (seats)",
                "subTotal": 50.05,
                "unitPrice": 10.01,
                "quantity": 5,
            },
            {
                "currency": "usd",
                "description": "Extra seats add-on (base charge)",
                "subTotal": 15,
                "unitPrice": 7.5,
                "quantity": 2,
            },
        ],
        "tax": 0,
    }
    assert data["recurringInvoice"]["billingPeriodRange"] == {
        "start": "2026-02-15T09:30:00Z",
        "end": "2026-03-15T09:30:00Z",
    }
    assert data["recurringInvoice"]["total"] == 115.04
    annual = ok(
        api.post("/api/v1/subscriptions/preview", json={**body, "billingPeriod": "ANNUALLY"})
    )
    assert annual["immediateInvoice"]["total"] == 699.05  # 499 + 5 × 10.01 + 2 × 75
    assert listed(api) == []
    assert events(container) == []
    enterprise = ok(
        api.post(
            "/api/v1/subscriptions/preview", json={"customerId": "acme", "planId": "enterprise"}
        )
    )
    assert (enterprise["immediateInvoice"]["total"], enterprise["immediateInvoice"]["lines"]) == (
        0,
        [],
    )


# --- versions -------------------------------------------------------------------------------


def new_pro_version(api: httpx.Client, migration: str, seats: int) -> None:
    ok(api.post("/api/v1/plans/pro/draft"), 201)
    change = {"type": "FEATURE", "usageLimit": seats}
    ok(api.patch("/api/v1/plans/pro/entitlements/seats", json=change))
    publish(api, "/api/v1/plans/pro", migration)


def test_a_subscription_keeps_its_version_until_migrated(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    paid(api, priceOverrides=[{"baseCharge": True, "amount": 40}])
    new_pro_version(api, "NEW_CUSTOMERS", seats=4)
    assert subscription(api, "sub-pro")["planVersionNumber"] == 1
    migrated = ok(api.post("/api/v1/subscriptions/sub-pro/migrate", json={}))
    assert migrated["planVersionNumber"] == 2
    assert migrated["prices"][0]["amount"] == 40  # the override follows the charge
    assert events(container)[-1] == (
        "subscription.migrated",
        {
            "id": "sub-pro",
            "planId": "pro",
            "fromVersionNumber": 1,
            "versionNumber": 2,
            "addons": [],
        },
    )
    scheduled = api.post(
        "/api/v1/subscriptions/sub-pro/migrate",
        json={"subscriptionMigrationTime": "END_OF_BILLING_PERIOD"},
    )
    assert problems(scheduled) == [("subscriptionMigrationTime", "not_supported")]

    new_pro_version(api, "ALL_CUSTOMERS", seats=6)
    assert subscription(api, "sub-pro")["planVersionNumber"] == 3


def test_publishing_to_all_customers_is_refused_when_a_subscription_cannot_move(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    custom(api)
    ok(api.post("/api/v1/plans/enterprise/draft"), 201)
    variable_calls = {"type": "FEATURE", "isCustom": True, "usageLimit": None}
    ok(api.patch("/api/v1/plans/enterprise/entitlements/calls", json=variable_calls))
    response = api.post("/api/v1/plans/enterprise/publish", json={"migrationType": "ALL_CUSTOMERS"})
    assert problems(response) == [("migrationType", "migration_blocked")]
    assert "sub-ent" in response.json()["message"]
    assert ok(api.get("/api/v1/plans/enterprise"))["status"] == "DRAFT"
    assert subscription(api, "sub-ent")["planVersionNumber"] == 1


# --- SDK methods pactline does not implement ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("POST", "/delegate"),
        ("POST", "/transfer"),
        ("DELETE", "/future-update/pending-payment"),
        ("DELETE", "/future-update/schedule"),
        ("POST", "/usage/charge"),
        ("POST", "/usage/sync"),
    ],
)
def test_unsupported_methods_say_so_for_an_existing_subscription(
    api: httpx.Client, method: str, suffix: str
) -> None:
    setup_catalog(api)
    custom(api)
    refused = api.request(method, f"/api/v1/subscriptions/sub-ent{suffix}", json={})
    assert [code for _, code in problems(refused)] == ["not_supported"]
    assert api.request(method, f"/api/v1/subscriptions/nope{suffix}").status_code == 404


def test_publishing_an_addon_to_all_customers_moves_the_subscriptions_holding_it(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    paid(api, "holder", addons=[{"id": "extra-seats", "quantity": 2}])
    paid(api, "without")
    ok(api.post("/api/v1/addons/extra-seats/draft"), 201)
    change = {"type": "FEATURE", "usageLimit": 10}
    ok(api.patch("/api/v1/addons/extra-seats/entitlements/seats", json=change))
    publish(api, "/api/v1/addons/extra-seats", "ALL_CUSTOMERS")
    assert subscription(api, "holder")["addons"] == [
        {"id": "extra-seats", "quantity": 2, "versionNumber": 2}
    ]
    assert subscription(api, "without")["planVersionNumber"] == 1
    assert events(container)[-1] == (
        "subscription.migrated",
        {
            "id": "holder",
            "planId": "pro",
            "fromVersionNumber": 1,
            "versionNumber": 1,
            "addons": [{"id": "extra-seats", "versionNumber": 2}],
        },
    )
