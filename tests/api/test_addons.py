"""Add-ons over HTTP: the plan lifecycle plus maximum quantity, dependencies, additive values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from pactline.bootstrap import Container
from pactline.domain.entitlements import Behavior
from pactline.domain.plans import AddonVersion
from tests.api.test_plans import NOW, PRICING, events, publish, setup_catalog


def create_addon(api: httpx.Client, addon_id: str = "extra-seats", **fields: Any) -> dict[str, Any]:
    body = {"id": addon_id, "displayName": addon_id.title(), "productId": "analytics", **fields}
    response = api.post("/api/v1/addons", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_a_new_addon_is_a_draft_version_one_in_stiggs_shape(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    data = create_addon(api, maxQuantity=10, pricingType="PAID", metadata={"k": "v"})
    assert data == {
        "id": "extra-seats",
        "billingId": None,
        "createdAt": NOW,
        "dependencies": [],
        "description": None,
        "displayName": "Extra-Seats",
        "entitlements": [],
        "isLatest": True,
        "maxQuantity": 10,
        "metadata": {"k": "v"},
        "pricingType": "PAID",
        "productId": "analytics",
        "status": "DRAFT",
        "updatedAt": NOW,
        "versionNumber": 1,
    }
    assert api.get("/api/v1/addons/extra-seats").json()["data"] == data
    assert events(container, "addon.") == [
        ("addon.created", {"id": "extra-seats", "productId": "analytics", "versionNumber": 1})
    ]


def test_addon_entitlements_add_to_the_plan_unless_they_override(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_addon(api)
    created = api.post(
        "/api/v1/addons/extra-seats/entitlements",
        json={
            "entitlements": [
                {"id": "seats", "type": "FEATURE", "usageLimit": 5},
                {"id": "calls", "type": "FEATURE", "usageLimit": 1000, "behavior": "Override"},
            ]
        },
    )
    assert created.status_code == 201, created.text
    assert [(e["id"], e["behavior"]) for e in created.json()["data"]] == [
        ("seats", "Increment"),
        ("calls", "Override"),
    ]
    listed = api.get("/api/v1/addons/extra-seats/entitlements").json()
    assert listed["pagination"] == {"next": None, "prev": None}
    assert [e["usageLimit"] for e in listed["data"]] == [5, 1000]
    updated = api.patch(
        "/api/v1/addons/extra-seats/entitlements/calls",
        json={"type": "FEATURE", "behavior": "Increment"},
    )
    assert updated.json()["data"]["behavior"] == "Increment"
    deleted = api.delete("/api/v1/addons/extra-seats/entitlements/calls")
    assert deleted.json()["data"]["id"] == "calls"
    publish(api, "/api/v1/addons/extra-seats")
    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        version = uow.addons.latest_published(env, "extra-seats")
    assert isinstance(version, AddonVersion)
    [seats] = version.entitlements
    assert (seats.value.usage_limit, seats.value.behavior) == (Decimal(5), Behavior.INCREMENT)


def test_the_addon_lifecycle_versions_max_quantity_and_charges(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_addon(api, maxQuantity=3)
    addon_pricing = {
        "pricingType": "PAID",
        "pricingModels": [
            {
                "billingModel": "PER_UNIT",
                "featureId": "seats",
                "pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": 9.99}}],
            }
        ],
    }
    priced = api.patch("/api/v1/addons/extra-seats", json={"charges": addon_pricing})
    assert priced.status_code == 200, priced.text
    publish(api, "/api/v1/addons/extra-seats")

    refused = api.patch("/api/v1/addons/extra-seats", json={"maxQuantity": 5})
    assert refused.status_code == 400
    assert refused.json()["details"]["errors"] == [
        {"field": "maxQuantity", "message": "can only change on a draft", "code": "draft_required"}
    ]
    assert api.post("/api/v1/addons/extra-seats/draft").json()["data"]["versionNumber"] == 2
    changed = api.patch("/api/v1/addons/extra-seats", json={"maxQuantity": None})
    assert (changed.json()["data"]["maxQuantity"], changed.json()["data"]["status"]) == (
        None,
        "DRAFT",
    )
    publish(api, "/api/v1/addons/extra-seats")
    env = container.tenancy.authenticate(api.headers["X-API-KEY"]).environment_id
    with container.uow() as uow:
        v1 = uow.addons.get_version(env, "extra-seats", 1)
        v2 = uow.addons.latest_published(env, "extra-seats")
    assert v1 is not None
    assert v2 is not None
    assert (v1.max_quantity, v2.max_quantity, v2.version_number) == (3, None, 2)
    rows = api.get("/api/v1/addons/extra-seats/charges").json()["data"]
    assert [(r["id"], r["price"]) for r in rows] == [
        ("extra-seats:PER_UNIT:seats", {"amount": 9.99, "currency": "usd"})
    ]
    bad = api.post(
        "/api/v1/addons",
        json={"id": "x", "displayName": "X", "productId": "analytics", "maxQuantity": 0},
    )
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "maxQuantity"


def test_update_status_opens_publishes_or_archives_the_addon(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_addon(api, status="PUBLISHED")
    opened = api.patch(
        "/api/v1/addons/extra-seats", json={"status": "DRAFT", "charges": PRICING}
    ).json()["data"]
    assert (opened["status"], opened["versionNumber"]) == ("DRAFT", 2)
    published = api.patch(
        "/api/v1/addons/extra-seats", json={"status": "PUBLISHED", "description": "More seats"}
    ).json()["data"]
    assert (published["status"], published["versionNumber"], published["description"]) == (
        "PUBLISHED",
        2,
        "More seats",
    )
    assert len(api.get("/api/v1/addons/extra-seats/charges").json()["data"]) == 4
    archived = api.patch("/api/v1/addons/extra-seats", json={"status": "ARCHIVED"})
    assert archived.json()["data"]["status"] == "ARCHIVED"
    assert [kind for kind, _ in events(container, "addon.")] == [
        "addon.created",
        "addon.published",
        "addon.updated",
        "addon.updated",
        "addon.updated",
        "addon.published",
        "addon.archived",
    ]


def test_dependencies_name_other_addons_of_the_product_without_cycles(api: httpx.Client) -> None:
    setup_catalog(api)
    setup_catalog(api, "other")
    create_addon(api, "a")
    create_addon(api, "b")
    create_addon(api, "foreign", productId="other")
    assert api.patch("/api/v1/addons/b", json={"dependencies": ["a"]}).status_code == 200
    refused = api.patch(
        "/api/v1/addons/a", json={"dependencies": ["b", "a", "foreign", "nope", "b"]}
    )
    assert refused.status_code == 400
    assert [(e["field"], e["code"]) for e in refused.json()["details"]["errors"]] == [
        ("dependencies[0]", "cycle"),
        ("dependencies[1]", "cycle"),
        ("dependencies[2]", "other_product"),
        ("dependencies[3]", "not_found"),
        ("dependencies[4]", "duplicate"),
    ]
    assert api.get("/api/v1/addons/a").json()["data"]["dependencies"] == []
    assert api.get("/api/v1/addons/b").json()["data"]["dependencies"] == ["a"]


def test_addons_are_listed_by_product_and_status(api: httpx.Client) -> None:
    setup_catalog(api)
    setup_catalog(api, "other")
    create_addon(api, "a", status="PUBLISHED")
    create_addon(api, "b")
    create_addon(api, "c", productId="other")

    def ids(**params: str) -> list[str]:
        return [a["id"] for a in api.get("/api/v1/addons", params=params).json()["data"]]

    assert ids() == ["a", "b", "c"]
    assert ids(productId="analytics", status="DRAFT") == ["b"]
    assert ids(status="PUBLISHED") == ["a"]
    missing = api.get("/api/v1/addons/nope")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"entity": "Addon", "id": "nope"}


def test_bad_addon_creations_are_refused_and_write_nothing(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    create_addon(api, "a")
    duplicate = api.post(
        "/api/v1/addons", json={"id": "a", "displayName": "Again", "productId": "analytics"}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["details"] == {"entity": "Addon", "id": "a"}
    invalid = api.post(
        "/api/v1/addons",
        json={
            "id": "b",
            "displayName": "B",
            "productId": "analytics",
            "status": "ARCHIVED",
            "maxQuantity": 0,
        },
    )
    assert invalid.status_code == 400
    assert [(e["field"], e["code"], e["message"]) for e in invalid.json()["details"]["errors"]] == [
        ("maxQuantity", "out_of_range", "must be 1 or more (null: no limit)"),
        ("status", "not_allowed", "an add-on is created DRAFT or PUBLISHED"),
    ]
    assert [a["id"] for a in api.get("/api/v1/addons").json()["data"]] == ["a"]
    assert api.get("/api/v1/addons/a").json()["data"]["displayName"] == "A"
    assert [name for name, _ in events(container, "addon.")] == ["addon.created"]
