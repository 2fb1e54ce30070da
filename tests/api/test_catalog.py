"""Products and features over HTTP, in Stigg's shapes."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.support import SettableClock

METERED = {
    "id": "api-calls",
    "displayName": "API calls",
    "featureType": "NUMBER",
    "meterType": "INCREMENTAL",
    "featureUnits": "call",
    "featureUnitsPlural": "calls",
    "meter": {
        "aggregation": {"function": "COUNT"},
        "filters": [
            {"conditions": [{"field": "eventName", "operation": "EQUALS", "value": "api"}]}
        ],
    },
}


def test_a_product_is_created_listed_updated_and_archived(api: httpx.Client) -> None:
    created = api.post(
        "/api/v1/products",
        json={"id": "analytics", "displayName": "Analytics", "metadata": {"tier": "core"}},
    )
    assert created.status_code == 201
    assert created.json()["data"] == {
        "id": "analytics",
        "displayName": "Analytics",
        "description": None,
        "metadata": {"tier": "core"},
        "multipleSubscriptions": False,
        "status": "PUBLISHED",
        "createdAt": "2026-01-15T09:30:00Z",
        "updatedAt": "2026-01-15T09:30:00Z",
    }
    updated = api.patch("/api/v1/products/analytics", json={"metadata": {"tier": "plus"}})
    assert updated.json()["data"]["metadata"] == {"tier": "plus"}
    assert updated.json()["data"]["displayName"] == "Analytics"  # absent: unchanged
    cleared = api.patch("/api/v1/products/analytics", json={"description": None})
    assert cleared.json()["data"]["description"] is None
    archived = api.post("/api/v1/products/analytics/archive").json()["data"]
    assert archived["status"] == "ARCHIVED"
    listed = api.get("/api/v1/products", params={"status": "ARCHIVED"}).json()
    assert [p["id"] for p in listed["data"]] == ["analytics"]
    assert api.get("/api/v1/products", params={"status": "PUBLISHED"}).json()["data"] == []
    assert api.post("/api/v1/products/analytics/unarchive").json()["data"]["status"] == "PUBLISHED"


def test_a_duplicate_id_is_a_permanent_409(api: httpx.Client) -> None:
    api.post("/api/v1/products", json={"id": "dup", "displayName": "One"})
    again = api.post("/api/v1/products", json={"id": "dup", "displayName": "Two"})
    assert again.status_code == 409
    assert again.json()["code"] == "DuplicatedEntityNotAllowed"
    assert again.headers["x-should-retry"] == "false"
    listed = api.get("/api/v1/products").json()["data"]
    assert [(p["id"], p["displayName"]) for p in listed] == [("dup", "One")]


def test_a_metered_feature_round_trips_its_meter(api: httpx.Client) -> None:
    created = api.post("/api/v1/features", json=METERED)
    assert created.status_code == 201, created.text
    data = api.get("/api/v1/features/api-calls").json()["data"]
    assert data["meterType"] == "INCREMENTAL"
    assert data["featureStatus"] == "NEW"
    assert data["meter"] == {
        "aggregation": {"function": "COUNT", "field": None},
        "filters": [
            {
                "conditions": [
                    {"field": "eventName", "operation": "EQUALS", "value": "api", "values": None}
                ]
            }
        ],
    }
    assert data["enumConfiguration"] is None


def test_enum_and_boolean_features(api: httpx.Client) -> None:
    region = api.post(
        "/api/v1/features",
        json={
            "id": "region",
            "displayName": "Data region",
            "featureType": "ENUM",
            "enumConfiguration": [
                {"value": "eu", "displayName": "Europe"},
                {"value": "us", "displayName": "United States"},
            ],
        },
    ).json()["data"]
    assert region["enumConfiguration"] == [
        {"value": "eu", "displayName": "Europe"},
        {"value": "us", "displayName": "United States"},
    ]
    sso = api.post(
        "/api/v1/features", json={"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"}
    ).json()["data"]
    assert (sso["featureType"], sso["meterType"]) == ("BOOLEAN", "None")


def test_invalid_features_name_every_field_and_write_nothing(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/features",
        json={
            "id": "bad",
            "displayName": " ",
            "featureType": "BOOLEAN",
            "meterType": "INCREMENTAL",
            "meter": {"aggregation": {"function": "SUM"}, "filters": []},
        },
    )
    assert response.status_code == 400
    fields = [(e["field"], e["code"]) for e in response.json()["details"]["errors"]]
    assert fields == [
        ("displayName", "required"),
        ("meterType", "not_allowed"),
        ("meter.aggregation.field", "required"),
    ]
    unknown_type = api.post(
        "/api/v1/features", json={"id": "x", "displayName": "X", "featureType": "COLOR"}
    )
    assert unknown_type.status_code == 400
    assert unknown_type.json()["details"]["errors"][0]["field"] == "featureType"
    assert api.get("/api/v1/features").json()["data"] == []


def test_archiving_a_feature_reports_it_suspended(api: httpx.Client) -> None:
    api.post("/api/v1/features", json={"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"})
    assert api.post("/api/v1/features/sso/archive").json()["data"]["featureStatus"] == "SUSPENDED"
    suspended = api.get("/api/v1/features", params={"status": "SUSPENDED"}).json()["data"]
    assert [f["id"] for f in suspended] == ["sso"]
    assert api.get("/api/v1/features", params={"status": "NEW"}).json()["data"] == []
    assert api.post("/api/v1/features/sso/unarchive").json()["data"]["featureStatus"] == "NEW"


def test_updating_a_feature_keeps_absent_fields_and_clears_nulls(api: httpx.Client) -> None:
    api.post("/api/v1/features", json={**METERED, "description": "Calls to the API"})
    updated = api.patch(
        "/api/v1/features/api-calls",
        json={"displayName": "API requests", "unitTransformation": {"divide": 1000}},
    ).json()["data"]
    assert updated["displayName"] == "API requests"
    assert updated["description"] == "Calls to the API"
    assert updated["unitTransformation"] == {
        "divide": 1000,
        "round": "DOWN",
        "featureUnits": None,
        "featureUnitsPlural": None,
    }
    cleared = api.patch("/api/v1/features/api-calls", json={"unitTransformation": None})
    assert cleared.json()["data"]["unitTransformation"] is None


def test_lists_filter_by_type_meter_type_id_and_creation_time(
    api: httpx.Client, clock: SettableClock
) -> None:
    api.post("/api/v1/features", json={"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"})
    clock.advance(timedelta(days=1))
    api.post("/api/v1/features", json=METERED)

    def ids(**params: str) -> list[str]:
        return [f["id"] for f in api.get("/api/v1/features", params=params).json()["data"]]

    assert ids(featureType="NUMBER,ENUM") == ["api-calls"]
    assert ids(meterType="None") == ["sso"]
    assert ids(id="sso,nope") == ["sso"]
    assert ids(**{"createdAt[gte]": "2026-01-16"}) == ["api-calls"]
    assert ids(**{"createdAt[lt]": "2026-01-16T00:00:00Z"}) == ["sso"]
    bad = api.get("/api/v1/features", params={"featureType": "COLOR"})
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "featureType"


def test_unknown_ids_are_404(api: httpx.Client) -> None:
    missing = api.get("/api/v1/features/nope")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"entity": "Feature", "id": "nope"}
    assert api.patch("/api/v1/products/nope", json={"displayName": "x"}).status_code == 404
