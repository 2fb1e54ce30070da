"""Plans over HTTP, in Stigg's shapes: drafts, versions, entitlements, charges."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from pactline.bootstrap import Container
from pactline.domain.charges import BillingModel, BillingPeriod, PricingType, TiersMode
from pactline.domain.entitlements import Behavior, EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.plans import PackageStatus, PlanVersion
from tests.support import SettableClock

NOW = "2026-01-15T09:30:00Z"


def setup_catalog(api: httpx.Client, product_id: str = "analytics") -> None:
    """A product and one feature of each kind: seats (NUMBER), calls (metered), sso, region."""
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
        {
            "id": "region",
            "displayName": "Region",
            "featureType": "ENUM",
            "enumConfiguration": [
                {"value": "eu", "displayName": "Europe"},
                {"value": "us", "displayName": "US"},
            ],
        },
    ):
        if api.get(f"/api/v1/features/{body['id']}").status_code == 404:
            assert api.post("/api/v1/features", json=body).status_code == 201
    created = api.post("/api/v1/products", json={"id": product_id, "displayName": product_id})
    assert created.status_code == 201, created.text


def create_plan(api: httpx.Client, plan_id: str = "pro", **fields: Any) -> dict[str, Any]:
    body = {"id": plan_id, "displayName": plan_id.title(), "productId": "analytics", **fields}
    response = api.post("/api/v1/plans", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def publish(api: httpx.Client, path: str, migration: str = "NEW_CUSTOMERS") -> str:
    response = api.post(f"{path}/publish", json={"migrationType": migration})
    assert response.status_code == 200, response.text
    task: str = response.json()["data"]["taskId"]
    return task


def events(container: Container, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    with container.uow() as uow:
        return [
            (e.type, dict(e.data))
            for e in uow.outbox.undispatched(500)
            if e.type.startswith(prefix)
        ]


SEATS_10 = {"id": "seats", "type": "FEATURE", "usageLimit": 10}
PRICING = {
    "pricingType": "PAID",
    "pricingModels": [
        {
            "billingModel": "FLAT_FEE",
            "pricePeriods": [
                {"billingPeriod": "MONTHLY", "price": {"amount": 49.99, "currency": "usd"}},
                {"billingPeriod": "ANNUALLY", "price": {"amount": 499.9, "currency": "usd"}},
            ],
        },
        {
            "billingModel": "PER_UNIT",
            "featureId": "seats",
            "minUnitQuantity": 1,
            "pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": 12.5}}],
        },
        {
            "billingModel": "USAGE_BASED",
            "featureId": "calls",
            "tiersMode": "GRADUATED",
            "pricePeriods": [
                {
                    "billingPeriod": "MONTHLY",
                    "tiers": [
                        {"upTo": 1000, "unitPrice": {"amount": 0, "currency": "usd"}},
                        {"unitPrice": {"amount": 0.0015, "currency": "usd"}},
                    ],
                }
            ],
        },
    ],
}


def test_a_new_plan_is_a_draft_version_one_in_stiggs_shape(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    data = create_plan(
        api,
        description="For growing teams",
        metadata={"tier": "2"},
        pricingType="PAID",
        billingId="price_123",
        defaultTrialConfig={"duration": 14, "units": "DAY", "trialEndBehavior": "CONVERT_TO_PAID"},
    )
    assert data == {
        "id": "pro",
        "billingId": "price_123",
        "compatibleAddonIds": [],
        "createdAt": NOW,
        "defaultTrialConfig": {
            "duration": 14,
            "units": "DAY",
            "budget": None,
            "trialEndBehavior": "CONVERT_TO_PAID",
        },
        "description": "For growing teams",
        "displayName": "Pro",
        "entitlements": [],
        "isLatest": True,
        "metadata": {"tier": "2"},
        "parentPlanId": None,
        "pricingType": "PAID",
        "productId": "analytics",
        "status": "DRAFT",
        "updatedAt": NOW,
        "versionNumber": 1,
    }
    assert api.get("/api/v1/plans/pro").json()["data"] == data
    assert events(container, "plan.") == [
        ("plan.created", {"id": "pro", "productId": "analytics", "versionNumber": 1})
    ]


def test_plan_entitlements_are_created_listed_updated_and_deleted_on_the_draft(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api)
    create_plan(api)
    created = api.post(
        "/api/v1/plans/pro/entitlements",
        json={
            "entitlements": [
                SEATS_10,
                {
                    "id": "calls",
                    "type": "FEATURE",
                    "usageLimit": 5000,
                    "resetPeriod": "WEEK",
                    "weeklyResetPeriodConfiguration": {"accordingTo": "EveryMonday"},
                    "hasSoftLimit": True,
                    "order": 2,
                    "hiddenFromWidgets": ["PAYWALL"],
                    "description": "Calls per week",
                },
                {"id": "sso", "type": "FEATURE", "displayNameOverride": "Single sign-on"},
                {"id": "region", "type": "FEATURE", "enumValues": ["us", "eu"], "isCustom": True},
            ]
        },
    )
    assert created.status_code == 201, created.text
    calls = created.json()["data"][1]
    assert calls == {
        "id": "calls",
        "featureId": "calls",
        "type": "FEATURE",
        "behavior": "Increment",
        "createdAt": NOW,
        "updatedAt": NOW,
        "description": "Calls per week",
        "displayNameOverride": None,
        "enumValues": None,
        "hasSoftLimit": True,
        "hasUnlimitedUsage": False,
        "hiddenFromWidgets": ["PAYWALL"],
        "isCustom": False,
        "isGranted": True,
        "order": 2,
        "resetPeriod": "WEEK",
        "resetPeriodConfiguration": {"accordingTo": "EveryMonday"},
        "usageLimit": 5000,
    }
    listed = api.get("/api/v1/plans/pro/entitlements").json()
    assert listed["pagination"] == {"next": None, "prev": None}
    assert [(e["id"], e["usageLimit"], e["enumValues"]) for e in listed["data"]] == [
        ("seats", 10, None),
        ("calls", 5000, None),
        ("sso", None, None),
        ("region", None, ["eu", "us"]),
    ]
    plan = api.get("/api/v1/plans/pro").json()["data"]
    assert plan["entitlements"] == [
        {"id": "seats", "type": "FEATURE"},
        {"id": "calls", "type": "FEATURE"},
        {"id": "sso", "type": "FEATURE"},
        {"id": "region", "type": "FEATURE"},
    ]

    clock.advance(timedelta(minutes=5))
    patched = api.patch(
        "/api/v1/plans/pro/entitlements/calls",
        json={"type": "FEATURE", "usageLimit": None, "hasUnlimitedUsage": True},
    )
    assert patched.status_code == 200, patched.text
    after = patched.json()["data"]
    assert (after["usageLimit"], after["hasUnlimitedUsage"]) == (None, True)
    # absent fields are unchanged
    assert (after["resetPeriod"], after["description"], after["order"]) == (
        "WEEK",
        "Calls per week",
        2,
    )
    assert (after["createdAt"], after["updatedAt"]) == (NOW, "2026-01-15T09:35:00Z")
    new_period = api.patch(
        "/api/v1/plans/pro/entitlements/calls", json={"type": "FEATURE", "resetPeriod": "DAY"}
    ).json()["data"]
    assert (new_period["resetPeriod"], new_period["resetPeriodConfiguration"]) == ("DAY", None)

    deleted = api.delete("/api/v1/plans/pro/entitlements/sso")
    assert deleted.status_code == 200
    assert deleted.json()["data"]["displayNameOverride"] == "Single sign-on"
    remaining = api.get("/api/v1/plans/pro/entitlements").json()["data"]
    assert [e["id"] for e in remaining] == ["seats", "calls", "region"]
    missing = api.delete("/api/v1/plans/pro/entitlements/sso")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"entity": "Entitlement", "id": "sso"}


def test_invalid_entitlements_name_every_problem_and_write_nothing(api: httpx.Client) -> None:
    setup_catalog(api)
    create_plan(api)
    response = api.post(
        "/api/v1/plans/pro/entitlements",
        json={
            "entitlements": [
                {"id": "sso", "type": "FEATURE", "usageLimit": 5},
                {"id": "seats", "type": "FEATURE", "usageLimit": -1},
                {"id": "region", "type": "FEATURE", "enumValues": ["mars"]},
                {"id": "seats", "type": "FEATURE", "usageLimit": 3, "resetPeriod": "MONTH"},
                {"id": "ghost", "type": "FEATURE"},
            ]
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidArgument"
    assert [(e["field"], e["code"]) for e in body["details"]["errors"]] == [
        ("entitlements[0].usageLimit", "not_allowed"),
        ("entitlements[1].usageLimit", "out_of_range"),
        ("entitlements[2].enumValues", "unknown_value"),
        ("entitlements[3].id", "duplicate"),
        ("entitlements[3].resetPeriod", "not_allowed"),
        ("entitlements[4].id", "not_found"),
    ]
    assert api.get("/api/v1/plans/pro/entitlements").json()["data"] == []

    api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})
    again = api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})
    assert again.status_code == 409
    assert again.json()["code"] == "DuplicatedEntityNotAllowed"
    assert again.headers["x-should-retry"] == "false"
    bad_update = api.patch(
        "/api/v1/plans/pro/entitlements/seats", json={"type": "FEATURE", "usageLimit": -5}
    )
    assert bad_update.status_code == 400
    [seats] = api.get("/api/v1/plans/pro/entitlements").json()["data"]
    assert seats["usageLimit"] == 10


def test_credit_entitlements_are_refused_as_not_supported_yet(api: httpx.Client) -> None:
    setup_catalog(api)
    create_plan(api)
    response = api.post(
        "/api/v1/plans/pro/entitlements",
        json={
            "entitlements": [
                SEATS_10,
                {"id": "tokens", "type": "CREDIT", "amount": 100, "cadence": "MONTH"},
            ]
        },
    )
    assert response.status_code == 400
    [problem] = response.json()["details"]["errors"]
    assert problem == {
        "field": "entitlements[1].type",
        "message": "credits are not supported yet: use FEATURE entitlements",
        "code": "not_supported",
    }
    assert api.get("/api/v1/plans/pro/entitlements").json()["data"] == []


def test_publishing_freezes_the_version_and_a_draft_copies_it_into_the_next_version(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup_catalog(api)
    create_plan(api, pricingType="PAID")
    api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})
    api.patch("/api/v1/plans/pro", json={"charges": PRICING})
    clock.advance(timedelta(hours=1))
    first_task = publish(api, "/api/v1/plans/pro")
    published = api.get("/api/v1/plans/pro").json()["data"]
    assert (published["status"], published["versionNumber"], published["isLatest"]) == (
        "PUBLISHED",
        1,
        True,
    )

    draft = api.post("/api/v1/plans/pro/draft")
    assert draft.status_code == 201
    assert (draft.json()["data"]["status"], draft.json()["data"]["versionNumber"]) == ("DRAFT", 2)
    assert draft.json()["data"]["entitlements"] == [{"id": "seats", "type": "FEATURE"}]
    api.patch("/api/v1/plans/pro/entitlements/seats", json={"type": "FEATURE", "usageLimit": 25})
    assert api.get("/api/v1/plans/pro/entitlements").json()["data"][0]["usageLimit"] == 25
    second_task = publish(api, "/api/v1/plans/pro", "ALL_CUSTOMERS")

    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        v1 = uow.plans.get_version(env, "pro", 1)
        v2 = uow.plans.latest_published(env, "pro")
    assert v1 is not None
    assert v2 is not None
    assert (v1.status, v2.status, v2.version_number) == (
        PackageStatus.PUBLISHED,
        PackageStatus.PUBLISHED,
        2,
    )
    assert v1.entitlements[0].value.usage_limit == Decimal(10)  # the old version is frozen
    assert v2.entitlements[0].value.usage_limit == Decimal(25)
    assert [c.id for c in v2.charges] == [c.id for c in v1.charges]
    published_events = [data for kind, data in events(container, "plan.published")]
    assert published_events == [
        {
            "id": "pro",
            "versionNumber": 1,
            "previousVersionNumber": None,
            "migrationType": "NEW_CUSTOMERS",
        },
        {
            "id": "pro",
            "versionNumber": 2,
            "previousVersionNumber": 1,
            "migrationType": "ALL_CUSTOMERS",
        },
    ]
    with container.uow() as uow:
        assert {first_task, second_task} <= {e.id for e in uow.outbox.undispatched(500)}


def test_editing_a_published_plan_without_a_draft_is_a_clear_400_and_changes_nothing(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    create_plan(api, status="PUBLISHED")
    before = api.get("/api/v1/plans/pro").json()["data"]
    assert (before["status"], before["versionNumber"]) == ("PUBLISHED", 1)

    refused = api.patch(
        "/api/v1/plans/pro", json={"charges": PRICING, "parentPlanId": None, "displayName": "X"}
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["message"] == (
        "plan 'pro' has no draft: version 1 is published and cannot change. Create a draft "
        "(POST /api/v1/plans/pro/draft), edit it, then publish it"
    )
    assert [(e["field"], e["code"]) for e in body["details"]["errors"]] == [
        ("charges", "draft_required"),
        ("parentPlanId", "draft_required"),
    ]
    entitlements = api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})
    assert entitlements.status_code == 400
    assert entitlements.json()["details"]["errors"][0]["code"] == "draft_required"
    assert api.get("/api/v1/plans/pro").json()["data"] == before
    assert api.get("/api/v1/plans/pro/charges").json()["data"] == []
    nothing_to_publish = api.post(
        "/api/v1/plans/pro/publish", json={"migrationType": "NEW_CUSTOMERS"}
    )
    assert nothing_to_publish.status_code == 400
    assert nothing_to_publish.json()["details"]["errors"][0]["code"] == "draft_required"

    renamed = api.patch("/api/v1/plans/pro", json={"displayName": "Professional"})
    assert renamed.status_code == 200  # display fields are not versioned
    assert (renamed.json()["data"]["displayName"], renamed.json()["data"]["versionNumber"]) == (
        "Professional",
        1,
    )


def test_a_second_draft_is_a_permanent_409_and_removing_a_draft_restores_the_published_one(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    create_plan(api)
    never_published = api.delete("/api/v1/plans/pro/draft")
    assert never_published.status_code == 400
    assert never_published.json()["details"]["errors"][0]["code"] == "only_version"
    publish(api, "/api/v1/plans/pro")
    assert api.post("/api/v1/plans/pro/draft").status_code == 201
    second = api.post("/api/v1/plans/pro/draft")
    assert second.status_code == 409
    assert second.json()["code"] == "DuplicatedEntityNotAllowed"
    assert second.headers["x-should-retry"] == "false"
    api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})

    removed = api.delete("/api/v1/plans/pro/draft")
    assert removed.status_code == 200
    assert removed.json() == {"data": {"id": "pro"}}
    plan = api.get("/api/v1/plans/pro").json()["data"]
    assert (plan["status"], plan["versionNumber"], plan["entitlements"]) == ("PUBLISHED", 1, [])
    assert api.delete("/api/v1/plans/pro/draft").status_code == 404
    assert api.post("/api/v1/plans/pro/draft").json()["data"]["versionNumber"] == 2


def test_charges_replace_the_drafts_pricing_with_exact_amounts(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_plan(api)
    # Raw JSON so the amounts are exactly what a client wrote, digits a float would lose.
    body = (
        '{"charges": {"pricingType": "PAID", "pricingModels": [{"billingModel": "FLAT_FEE", '
        '"pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": 1234567890123.4567, '
        '"currency": "usd"}}]}]}}'
    )
    response = api.patch(
        "/api/v1/plans/pro", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        version = uow.plans.get_version(env, "pro", 1)
    assert version is not None
    price = version.charges[0].price_for(BillingPeriod.MONTHLY, "usd")
    assert price is not None
    assert price.amount == Decimal("1234567890123.4567")

    replaced = api.patch("/api/v1/plans/pro", json={"charges": PRICING})
    assert replaced.status_code == 200, replaced.text
    rows = api.get("/api/v1/plans/pro/charges").json()
    assert rows["pagination"] == {"next": None, "prev": None}
    assert [
        (r["id"], r["billingModel"], r["billingPeriod"], r["price"], r["featureId"])
        for r in rows["data"]
    ] == [
        ("pro:FLAT_FEE:base", "FLAT_FEE", "MONTHLY", {"amount": 49.99, "currency": "usd"}, None),
        ("pro:FLAT_FEE:base", "FLAT_FEE", "ANNUALLY", {"amount": 499.9, "currency": "usd"}, None),
        ("pro:PER_UNIT:seats", "PER_UNIT", "MONTHLY", {"amount": 12.5, "currency": "usd"}, "seats"),
        ("pro:USAGE_BASED:calls", "USAGE_BASED", "MONTHLY", None, "calls"),
    ]
    usage = rows["data"][3]
    assert (usage["tiersMode"], usage["tiers"]) == (
        "GRADUATED",
        [
            {"flatPrice": None, "unitPrice": {"amount": 0, "currency": "usd"}, "upTo": 1000},
            {"flatPrice": None, "unitPrice": {"amount": 0.0015, "currency": "usd"}, "upTo": None},
        ],
    )
    assert rows["data"][2]["minUnitQuantity"] == 1
    with container.uow() as uow:
        version = uow.plans.get_version(env, "pro", 1)
    assert version is not None
    assert version.pricing_type is PricingType.PAID
    [base, seats, calls] = version.charges
    assert (base.billing_model, seats.feature_id, calls.tiers_mode) == (
        BillingModel.FLAT_FEE,
        "seats",
        TiersMode.GRADUATED,
    )
    annual = base.price_for(BillingPeriod.ANNUALLY, "usd")
    assert annual is not None
    assert annual.amount == Decimal("499.9")
    assert calls.prices[0].tiers[1].unit_price == Decimal("0.0015")

    first = api.get("/api/v1/plans/pro/charges", params={"limit": 3}).json()
    assert len(first["data"]) == 3
    assert first["pagination"]["prev"] is None
    rest = api.get(
        "/api/v1/plans/pro/charges", params={"limit": 3, "after": first["pagination"]["next"]}
    ).json()
    assert [r["id"] for r in rest["data"]] == ["pro:USAGE_BASED:calls"]
    assert rest["pagination"]["next"] is None
    back = api.get(
        "/api/v1/plans/pro/charges", params={"limit": 3, "before": rest["pagination"]["prev"]}
    ).json()
    assert [r["billingPeriod"] for r in back["data"]] == ["MONTHLY", "ANNUALLY", "MONTHLY"]
    assert api.get("/api/v1/plans/pro/overage-charges").json() == {
        "data": [],
        "pagination": {"next": None, "prev": None},
    }

    custom = api.patch("/api/v1/plans/pro", json={"charges": {"pricingType": "CUSTOM"}})
    assert custom.json()["data"]["pricingType"] == "CUSTOM"
    assert api.get("/api/v1/plans/pro/charges").json()["data"] == []


def test_invalid_charges_name_every_field_and_change_nothing(api: httpx.Client) -> None:
    setup_catalog(api)
    create_plan(api)
    api.patch("/api/v1/plans/pro", json={"charges": PRICING})
    before = api.get("/api/v1/plans/pro/charges").json()
    response = api.patch(
        "/api/v1/plans/pro",
        json={
            "displayName": "Renamed",
            "charges": {
                "pricingType": "PAID",
                "pricingModels": [
                    {
                        "billingModel": "PER_UNIT",
                        "pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": -1}}],
                    },
                    {
                        "billingModel": "USAGE_BASED",
                        "featureId": "seats",
                        "pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": 1}}],
                    },
                    {"billingModel": "CREDIT_BASED", "pricePeriods": []},
                ],
            },
        },
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["details"]["errors"]] == [
        ("charges.pricingModels[0].featureId", "required"),
        ("charges.pricingModels[0].pricePeriods[0].price.amount", "out_of_range"),
        ("charges.pricingModels[1].featureId", "wrong_feature_type"),
        ("charges.pricingModels[2].billingModel", "not_supported"),
    ]
    custom_priced = api.patch(
        "/api/v1/plans/pro", json={"charges": {**PRICING, "pricingType": "CUSTOM"}}
    )
    assert custom_priced.status_code == 400
    assert custom_priced.json()["details"]["errors"] == [
        {
            "field": "charges.pricingModels",
            "message": "a CUSTOM package has no price; use PAID",
            "code": "not_allowed",
        }
    ]
    overage = api.patch(
        "/api/v1/plans/pro",
        json={"charges": {"pricingType": "PAID", "overagePricingModels": [{"featureId": "calls"}]}},
    )
    assert overage.status_code == 400
    assert overage.json()["details"]["errors"][0]["code"] == "not_supported"
    assert api.get("/api/v1/plans/pro/charges").json() == before
    assert api.get("/api/v1/plans/pro").json()["data"]["displayName"] == "Pro"


def test_a_parent_plan_is_a_plan_of_the_same_product_without_cycles(api: httpx.Client) -> None:
    setup_catalog(api)
    setup_catalog(api, "other")
    create_plan(api, "basic")
    create_plan(api, "pro", parentPlanId="basic")
    create_plan(api, "elsewhere", productId="other")

    cycle = api.patch("/api/v1/plans/basic", json={"parentPlanId": "pro"})
    assert cycle.status_code == 400
    assert cycle.json()["details"]["errors"][0]["code"] == "cycle"
    itself = api.patch("/api/v1/plans/basic", json={"parentPlanId": "basic"})
    assert itself.json()["details"]["errors"][0]["code"] == "cycle"
    other = api.patch("/api/v1/plans/basic", json={"parentPlanId": "elsewhere"})
    assert other.json()["details"]["errors"][0]["code"] == "other_product"
    unknown = api.post(
        "/api/v1/plans",
        json={"id": "x", "displayName": "X", "productId": "analytics", "parentPlanId": "nope"},
    )
    assert unknown.status_code == 400
    assert unknown.json()["details"]["errors"][0] == {
        "field": "parentPlanId",
        "message": "plan 'nope' does not exist",
        "code": "not_found",
    }
    assert api.get("/api/v1/plans/basic").json()["data"]["parentPlanId"] is None
    assert api.get("/api/v1/plans/x").status_code == 404

    unpublished_parent = api.post(
        "/api/v1/plans/pro/publish", json={"migrationType": "NEW_CUSTOMERS"}
    )
    assert unpublished_parent.status_code == 400
    assert unpublished_parent.json()["details"]["errors"][0]["code"] == "not_published"
    publish(api, "/api/v1/plans/basic")
    publish(api, "/api/v1/plans/pro")
    assert api.get("/api/v1/plans/pro").json()["data"]["parentPlanId"] == "basic"


def test_compatible_addons_must_exist_in_the_plans_product(api: httpx.Client) -> None:
    setup_catalog(api)
    setup_catalog(api, "other")
    create_plan(api)
    for addon_id, product in (("extra-seats", "analytics"), ("foreign", "other")):
        api.post(
            "/api/v1/addons", json={"id": addon_id, "displayName": addon_id, "productId": product}
        )
    refused = api.patch(
        "/api/v1/plans/pro", json={"compatibleAddonIds": ["extra-seats", "foreign", "nope"]}
    )
    assert refused.status_code == 400
    assert [(e["field"], e["code"]) for e in refused.json()["details"]["errors"]] == [
        ("compatibleAddonIds[1]", "other_product"),
        ("compatibleAddonIds[2]", "not_found"),
    ]
    ok = api.patch("/api/v1/plans/pro", json={"compatibleAddonIds": ["extra-seats"]})
    assert ok.json()["data"]["compatibleAddonIds"] == ["extra-seats"]
    cleared = api.patch("/api/v1/plans/pro", json={"compatibleAddonIds": None})
    assert cleared.json()["data"]["compatibleAddonIds"] == []


def test_plans_are_listed_by_product_status_and_creation_time(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api)
    setup_catalog(api, "other")
    create_plan(api, "free", status="PUBLISHED")
    clock.advance(timedelta(days=1))
    create_plan(api, "pro")
    create_plan(api, "elsewhere", productId="other")
    create_plan(api, "legacy", status="PUBLISHED")
    api.post("/api/v1/plans/legacy/archive")

    def ids(**params: str) -> list[str]:
        response = api.get("/api/v1/plans", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["data"]]

    assert ids() == ["free", "elsewhere", "legacy", "pro"]
    assert ids(productId="other") == ["elsewhere"]
    assert ids(status="PUBLISHED") == ["free"]
    assert ids(status="DRAFT,ARCHIVED") == ["elsewhere", "legacy", "pro"]
    assert ids(**{"createdAt[lt]": "2026-01-16"}) == ["free"]
    assert ids(limit="2") == ["free", "elsewhere"]
    bad = api.get("/api/v1/plans", params={"status": "LIVE"})
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "status"


def test_an_archived_plan_stays_readable_but_cannot_change(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_plan(api, status="PUBLISHED")
    archived = api.post("/api/v1/plans/pro/archive")
    assert archived.status_code == 200
    assert archived.json()["data"]["status"] == "ARCHIVED"
    assert api.post("/api/v1/plans/pro/archive").json()["data"] == archived.json()["data"]
    draft = api.post("/api/v1/plans/pro/draft")
    assert draft.status_code == 400
    assert draft.json()["details"]["errors"][0]["code"] == "archived"
    assert api.patch("/api/v1/plans/pro", json={"displayName": "X"}).status_code == 400
    assert api.get("/api/v1/plans/pro").json()["data"] == archived.json()["data"]
    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        version = uow.plans.latest_published(env, "pro")
    assert version is not None
    assert version.archived
    assert [kind for kind, _ in events(container, "plan.")] == [
        "plan.created",
        "plan.published",
        "plan.archived",
    ]


def test_bad_plan_creations_are_refused_and_write_nothing(api: httpx.Client) -> None:
    setup_catalog(api)
    create_plan(api)
    duplicate = api.post(
        "/api/v1/plans", json={"id": "pro", "displayName": "Again", "productId": "analytics"}
    )
    assert duplicate.status_code == 409
    assert duplicate.headers["x-should-retry"] == "false"
    invalid = api.post(
        "/api/v1/plans",
        json={
            "id": " bad ",
            "displayName": " ",
            "productId": "nope",
            "status": "ARCHIVED",
            "defaultTrialConfig": {"duration": 0, "units": "DAY"},
        },
    )
    assert invalid.status_code == 400
    assert [(e["field"], e["code"]) for e in invalid.json()["details"]["errors"]] == [
        ("id", "invalid"),
        ("displayName", "required"),
        ("productId", "not_found"),
        ("defaultTrialConfig.duration", "out_of_range"),
        ("status", "not_allowed"),
    ]
    wrong_type = api.post(
        "/api/v1/plans",
        json={"id": "x", "displayName": "X", "productId": "analytics", "pricingType": "CHEAP"},
    )
    assert wrong_type.status_code == 400
    assert wrong_type.json()["details"]["errors"][0]["field"] == "pricingType"
    assert [p["id"] for p in api.get("/api/v1/plans").json()["data"]] == ["pro"]
    assert api.get("/api/v1/plans/pro").json()["data"]["displayName"] == "Pro"
    missing = api.get("/api/v1/plans/nope")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"entity": "Plan", "id": "nope"}


def test_a_plan_version_exposes_entitlement_values_variability_and_prices(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_plan(
        api,
        "enterprise",
        pricingType="CUSTOM",
        defaultTrialConfig={"duration": 1, "units": "MONTH"},
    )
    api.post(
        "/api/v1/plans/enterprise/entitlements",
        json={
            "entitlements": [
                {"id": "seats", "type": "FEATURE", "isCustom": True},
                {
                    "id": "calls",
                    "type": "FEATURE",
                    "usageLimit": 100000,
                    "resetPeriod": "MONTH",
                    "monthlyResetPeriodConfiguration": {"accordingTo": "SubscriptionStart"},
                },
            ]
        },
    )
    publish(api, "/api/v1/plans/enterprise")
    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        version = uow.plans.latest_published(env, "enterprise")
        assert uow.plans.get_version(env, "enterprise", 2) is None
        assert uow.plans.latest_published(env, "nope") is None
    assert isinstance(version, PlanVersion)
    assert (version.plan_id, version.product_id, version.version_number) == (
        "enterprise",
        "analytics",
        1,
    )
    assert version.pricing_type is PricingType.CUSTOM
    assert version.default_trial_config is not None
    assert version.default_trial_config.duration == 1
    seats, calls = version.entitlements
    assert (seats.is_variable, calls.is_variable) == (True, False)
    assert calls.value == EntitlementValue(
        feature_id="calls",
        usage_limit=Decimal(100000),
        reset_period=ResetPeriod.MONTH,
        reset_anchor=ResetAnchor.SUBSCRIPTION_START,
        behavior=Behavior.INCREMENT,
    )


def test_every_change_to_a_plan_is_an_event_and_a_refused_change_is_none(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_plan(api)
    api.patch("/api/v1/plans/pro", json={"displayName": "Pro+", "charges": {"pricingType": "FREE"}})
    refused = api.patch("/api/v1/plans/pro", json={"charges": {**PRICING, "pricingType": "FREE"}})
    assert refused.status_code == 400
    api.post("/api/v1/plans/pro/entitlements", json={"entitlements": [SEATS_10]})
    publish(api, "/api/v1/plans/pro")
    api.post("/api/v1/plans/pro/draft")
    api.delete("/api/v1/plans/pro/draft")
    api.post("/api/v1/plans/pro/archive")
    assert events(container, "plan.") == [
        ("plan.created", {"id": "pro", "productId": "analytics", "versionNumber": 1}),
        ("plan.updated", {"id": "pro", "versionNumber": 1, "changes": ["charges", "displayName"]}),
        ("plan.updated", {"id": "pro", "versionNumber": 1, "changes": ["entitlements"]}),
        (
            "plan.published",
            {
                "id": "pro",
                "versionNumber": 1,
                "previousVersionNumber": None,
                "migrationType": "NEW_CUSTOMERS",
            },
        ),
        ("plan.updated", {"id": "pro", "versionNumber": 2, "changes": ["draftCreated"]}),
        ("plan.updated", {"id": "pro", "versionNumber": 2, "changes": ["draftRemoved"]}),
        ("plan.archived", {"id": "pro"}),
    ]
