"""Usage reports (v1, v2), raw events and usage history over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.catalog import Feature
from pactline.domain.entitlements import ResetAnchor, ResetPeriod
from pactline.domain.metering import ResetPolicy
from pactline.services.ports import UnitOfWork
from pactline.services.usage import UsageService
from tests.api.conftest import Keys
from tests.support import SettableClock

NOW = "2026-01-15T09:30:00Z"
CALLS = {
    "id": "api-calls",
    "displayName": "API calls",
    "featureType": "NUMBER",
    "meterType": "INCREMENTAL",
}
SEATS = {"id": "seats", "displayName": "Seats", "featureType": "NUMBER", "meterType": "FLUCTUATING"}
STORAGE = {  # kilobytes uploaded, from raw "upload" events in the EU carrying their bytes
    "id": "storage-kb",
    "displayName": "Storage",
    "featureType": "NUMBER",
    "meterType": "INCREMENTAL",
    "meter": {
        "aggregation": {"function": "SUM", "field": "bytes"},
        "filters": [
            {
                "conditions": [
                    {"field": "eventName", "operation": "EQUALS", "value": "upload"},
                    {"field": "region", "operation": "IN", "values": ["eu", "uk"]},
                ]
            }
        ],
    },
    "unitTransformation": {"divide": 1000, "round": "UP"},
}
LOGINS = {  # distinct users who logged in
    "id": "active-users",
    "displayName": "Active users",
    "featureType": "NUMBER",
    "meterType": "INCREMENTAL",
    "meter": {
        "aggregation": {"function": "UNIQUE", "field": "user"},
        "filters": [
            {"conditions": [{"field": "eventName", "operation": "EQUALS", "value": "login"}]}
        ],
    },
}


@pytest.fixture
def catalog(api: httpx.Client) -> None:
    for body in (CALLS, SEATS, STORAGE, LOGINS):
        assert api.post("/api/v1/features", json=body).status_code == 201
    assert (
        api.post(
            "/api/v1/features", json={"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"}
        ).status_code
        == 201
    )
    for customer in ("acme", "globex"):
        assert api.post("/api/v1/customers", json={"id": customer}).status_code == 201


def usage(customer: str, feature: str, value: float, **extra: Any) -> dict[str, Any]:
    return {"customerId": customer, "featureId": feature, "value": value, **extra}


def report(api: httpx.Client, *usages: dict[str, Any], version: int = 1) -> httpx.Response:
    return api.post(f"/api/v{version}/usage", json={"usages": list(usages)})


def current(container: Container, keys: Keys, customer: str, feature: str) -> Decimal:
    caller = container.tenancy.authenticate(keys.sandbox_server)
    return container.usage.current_usage(caller, customer, feature)[0]


def history(api: httpx.Client, customer: str, feature: str, **params: str) -> httpx.Response:
    return api.get(f"/api/v1/usage/{customer}/history/{feature}", params=params)


@pytest.mark.usefixtures("catalog")
def test_a_report_returns_the_created_records_in_stiggs_shape(api: httpx.Client) -> None:
    response = report(
        api,
        usage("acme", "api-calls", 5, createdAt="2026-01-14T08:00:00Z", resourceId="ws-1"),
        usage("acme", "api-calls", 2.5, dimensions={"region": "eu"}),
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert [r["id"][:4] for r in data] == ["usg_", "usg_"]
    assert data[0]["id"] != data[1]["id"]
    assert [{k: v for k, v in r.items() if k != "id"} for r in data] == [
        {
            "createdAt": NOW,  # when pactline recorded it
            "customerId": "acme",
            "featureId": "api-calls",
            "timestamp": "2026-01-14T08:00:00Z",  # when it counts: the createdAt sent
            "value": 5,
            "currentUsage": 7.5,  # the feature's usage after the whole request
            "nextResetDate": None,
            "resourceId": "ws-1",
            "usagePeriodStart": None,
            "usagePeriodEnd": None,
        },
        {
            "createdAt": NOW,
            "customerId": "acme",
            "featureId": "api-calls",
            "timestamp": NOW,
            "value": 2.5,
            "currentUsage": 7.5,
            "nextResetDate": None,
            "resourceId": None,
            "usagePeriodStart": None,
            "usagePeriodEnd": None,
        },
    ]


@pytest.mark.usefixtures("catalog")
def test_v2_returns_the_records_under_usages(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    response = report(
        api, usage("acme", "api-calls", 3), usage("globex", "api-calls", 4), version=2
    )
    assert response.status_code == 201, response.text
    usages = response.json()["data"]["usages"]
    assert [(u["customerId"], u["value"], u["currentUsage"]) for u in usages] == [
        ("acme", 3, 3),
        ("globex", 4, 4),
    ]
    assert set(response.json()["data"]) == {"usages"}
    # read-your-writes: the next read sees the report
    assert current(container, keys, "acme", "api-calls") == Decimal(3)


@pytest.mark.usefixtures("catalog")
def test_a_repeated_idempotency_key_returns_the_first_record_and_counts_once(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    first = report(api, usage("acme", "api-calls", 10, idempotencyKey="batch-1")).json()["data"]
    again = report(
        api,
        usage("acme", "api-calls", 10, idempotencyKey="batch-1"),
        usage("acme", "api-calls", 1, idempotencyKey="batch-2"),
        usage("acme", "api-calls", 1, idempotencyKey="batch-2"),
    )
    assert again.status_code == 201
    data = again.json()["data"]
    assert data[0]["id"] == first[0]["id"]
    assert data[1]["id"] == data[2]["id"]
    assert [r["currentUsage"] for r in data] == [11, 11, 11]
    # The key is per customer and feature: another customer may use it.
    other = report(api, usage("globex", "api-calls", 4, idempotencyKey="batch-1")).json()["data"]
    assert other[0]["id"] != first[0]["id"]
    assert current(container, keys, "acme", "api-calls") == Decimal(11)
    assert current(container, keys, "globex", "api-calls") == Decimal(4)


@pytest.mark.usefixtures("catalog")
def test_an_idempotency_key_counts_again_after_seven_days(
    api: httpx.Client, clock: SettableClock
) -> None:
    first = report(api, usage("acme", "api-calls", 10, idempotencyKey="k")).json()["data"][0]
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    within = report(api, usage("acme", "api-calls", 10, idempotencyKey="k")).json()["data"][0]
    assert (within["id"], within["currentUsage"]) == (first["id"], 10)
    clock.advance(timedelta(seconds=1))
    after = report(api, usage("acme", "api-calls", 10, idempotencyKey="k")).json()["data"][0]
    assert after["id"] != first["id"]
    assert after["currentUsage"] == 20
    assert (
        report(api, usage("acme", "api-calls", 10, idempotencyKey="k")).json()["data"][0]["id"]
        == after["id"]
    )


@pytest.mark.usefixtures("catalog")
def test_set_replaces_the_usage_and_later_deltas_change_it(api: httpx.Client) -> None:
    data = report(
        api,
        usage("acme", "seats", 10, updateBehavior="SET"),
        usage("acme", "seats", -2),
        usage("acme", "seats", 1, updateBehavior="DELTA"),
    ).json()["data"]
    assert [r["currentUsage"] for r in data] == [9, 9, 9]
    reset = report(api, usage("acme", "seats", 4, updateBehavior="SET")).json()["data"][0]
    assert reset["currentUsage"] == 4


@pytest.mark.usefixtures("catalog")
def test_a_backdated_record_counts_in_its_place_in_the_series(api: httpx.Client) -> None:
    report(api, usage("acme", "seats", 7, updateBehavior="SET", createdAt="2026-01-10T00:00:00Z"))
    report(api, usage("acme", "seats", 2, createdAt="2026-01-12T00:00:00Z"))
    # Dated before the SET: the SET still decides the level.
    early = report(api, usage("acme", "seats", 100, createdAt="2026-01-05T00:00:00Z"))
    assert early.json()["data"][0]["currentUsage"] == 9
    # Dated between the SET and the later DELTA: it adds.
    between = report(api, usage("acme", "seats", 1, createdAt="2026-01-11T00:00:00Z"))
    assert between.json()["data"][0]["currentUsage"] == 10
    # A SET dated between them restarts the level there; the later DELTA still adds.
    reset = report(
        api, usage("acme", "seats", 3, updateBehavior="SET", createdAt="2026-01-11T12:00:00Z")
    )
    assert reset.json()["data"][0]["currentUsage"] == 5


@pytest.mark.usefixtures("catalog")
def test_more_than_1000_usages_are_refused_naming_the_field_and_nothing_is_written(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    response = report(api, *[usage("acme", "api-calls", 1) for _ in range(1001)])
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidArgument"
    assert response.json()["details"]["errors"] == [
        {
            "field": "usages",
            "message": "at most 1000 items per request, got 1001",
            "code": "too_many",
        }
    ]
    assert current(container, keys, "acme", "api-calls") == Decimal(0)
    assert report(api, *[usage("acme", "api-calls", 1) for _ in range(1000)]).status_code == 201
    assert current(container, keys, "acme", "api-calls") == Decimal(1000)


@pytest.mark.usefixtures("catalog")
def test_an_unknown_customer_or_feature_refuses_the_whole_request(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    ghost = report(api, usage("acme", "api-calls", 5), usage("ghost", "api-calls", 1))
    assert ghost.status_code == 404
    assert ghost.json()["code"] == "EntityNotFound"
    assert ghost.json()["details"] == {"entity": "Customer", "id": "ghost"}
    unknown = report(api, usage("acme", "api-calls", 5), usage("acme", "nope", 1))
    assert unknown.status_code == 404
    assert unknown.json()["details"] == {"entity": "Feature", "id": "nope"}
    assert current(container, keys, "acme", "api-calls") == Decimal(0)


@pytest.mark.usefixtures("catalog")
def test_a_feature_that_is_not_metered_is_refused_naming_the_item(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    response = report(api, usage("acme", "api-calls", 5), usage("acme", "sso", 1))
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["details"]["errors"]] == [
        ("usages[1].featureId", "not_metered")
    ]
    assert current(container, keys, "acme", "api-calls") == Decimal(0)


@pytest.mark.usefixtures("catalog")
def test_invalid_items_name_every_field(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    types = report(
        api,
        usage("acme", "api-calls", 1, createdAt="yesterday"),
        usage("acme", "api-calls", "many"),  # type: ignore[arg-type]
        usage("acme", "api-calls", 1, updateBehavior="ADD"),
    )
    assert types.status_code == 400
    assert [e["field"] for e in types.json()["details"]["errors"]] == [
        "usages[0].createdAt",
        "usages[1].value",
        "usages[2].updateBehavior",
    ]
    ranges = report(
        api,
        usage("acme", "api-calls", 2**53),
        usage("acme", "seats", -1, updateBehavior="SET"),
        usage(" ", "api-calls", 1, idempotencyKey=""),
        usage("acme", "api-calls", 1),
    )
    assert ranges.status_code == 400
    assert [(e["field"], e["code"]) for e in ranges.json()["details"]["errors"]] == [
        ("usages[0].value", "out_of_range"),
        ("usages[1].value", "negative"),
        ("usages[2].customerId", "required"),
        ("usages[2].idempotencyKey", "required"),
    ]
    assert report(api).json()["details"]["errors"][0]["code"] == "required"
    assert current(container, keys, "acme", "api-calls") == Decimal(0)


@pytest.mark.usefixtures("catalog")
def test_client_keys_cannot_report_usage_or_read_its_history(server_url: str, keys: Keys) -> None:
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": keys.sandbox_client}) as client:
        assert report(client, usage("acme", "api-calls", 1)).status_code == 403
        assert client.post("/api/v1/events", json={"events": []}).status_code == 403
        assert history(client, "acme", "api-calls").status_code == 403


# --- raw events ----------------------------------------------------------------------------


def event(customer: str, name: str, key: str, **dimensions: Any) -> dict[str, Any]:
    return {
        "customerId": customer,
        "eventName": name,
        "idempotencyKey": key,
        "dimensions": dimensions,
    }


@pytest.mark.usefixtures("catalog")
def test_raw_events_count_for_every_meter_that_matches_them(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    response = api.post(
        "/api/v1/events",
        json={
            "events": [
                event("acme", "upload", "e1", bytes=1500, region="eu"),
                event("acme", "upload", "e2", bytes=700, region="uk"),
                event("acme", "upload", "e3", bytes=9000, region="us"),  # filtered out
                event("acme", "login", "e4", user="ann"),
                event("acme", "login", "e5", user="bob"),
                event("acme", "login", "e6", user="ann"),
                event("globex", "login", "e1", user="cy"),  # keys are per customer
            ]
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"accepted": 7, "duplicates": 0}}
    # 2,200 bytes → 3 kB, rounded up by the unit transformation
    assert current(container, keys, "acme", "storage-kb") == Decimal(3)
    assert current(container, keys, "acme", "active-users") == Decimal(2)
    assert current(container, keys, "globex", "active-users") == Decimal(1)
    # Reported usage adds to event usage for the same feature.
    assert report(api, usage("acme", "storage-kb", 10)).json()["data"][0]["currentUsage"] == 13


@pytest.mark.usefixtures("catalog")
def test_a_repeated_event_key_is_skipped_for_seven_days(
    api: httpx.Client, container: Container, keys: Keys, clock: SettableClock
) -> None:
    batch = {"events": [event("acme", "upload", "e1", bytes=1000, region="eu")]}
    assert api.post("/api/v1/events", json=batch).json()["data"] == {"accepted": 1, "duplicates": 0}
    twice = {"events": batch["events"] * 2}
    assert api.post("/api/v1/events", json=twice).json()["data"] == {"accepted": 0, "duplicates": 2}
    assert current(container, keys, "acme", "storage-kb") == Decimal(1)
    clock.advance(timedelta(days=7))
    assert api.post("/api/v1/events", json=twice).json()["data"] == {"accepted": 1, "duplicates": 1}
    assert current(container, keys, "acme", "storage-kb") == Decimal(2)


@pytest.mark.usefixtures("catalog")
def test_invalid_events_are_refused_and_nothing_is_stored(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    missing_key = api.post(
        "/api/v1/events", json={"events": [{"customerId": "acme", "eventName": "upload"}]}
    )
    assert missing_key.status_code == 400
    assert missing_key.json()["details"]["errors"][0]["field"] == "events[0].idempotencyKey"
    unknown = api.post(
        "/api/v1/events",
        json={
            "events": [
                event("acme", "upload", "e1", bytes=1000, region="eu"),
                event("ghost", "upload", "e2", bytes=1000, region="eu"),
            ]
        },
    )
    assert unknown.status_code == 404
    assert unknown.json()["details"] == {"entity": "Customer", "id": "ghost"}
    blank = api.post("/api/v1/events", json={"events": [event("acme", " ", "e1")]})
    assert [(e["field"], e["code"]) for e in blank.json()["details"]["errors"]] == [
        ("events[0].eventName", "required")
    ]
    assert current(container, keys, "acme", "storage-kb") == Decimal(0)
    # nothing was stored, so the key is still free
    retry = api.post(
        "/api/v1/events", json={"events": [event("acme", "upload", "e1", bytes=1000, region="eu")]}
    )
    assert retry.json()["data"] == {"accepted": 1, "duplicates": 0}


# --- history -------------------------------------------------------------------------------


@pytest.mark.usefixtures("catalog")
def test_history_has_a_point_per_day_with_the_usage_at_its_end(api: httpx.Client) -> None:
    report(
        api,
        usage("acme", "api-calls", 5, createdAt="2026-01-12T10:00:00Z"),
        usage("acme", "api-calls", 3, createdAt="2026-01-13T23:59:59Z"),
        usage("acme", "api-calls", 1, createdAt="2026-01-14T00:00:00Z"),
    )
    response = history(
        api, "acme", "api-calls", startDate="2026-01-12", endDate="2026-01-15T00:00:00Z"
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {
        "markers": [],
        "series": [
            {
                "tags": [],
                "points": [
                    {"isResetPoint": False, "timestamp": "2026-01-12T00:00:00Z", "value": 5},
                    {"isResetPoint": False, "timestamp": "2026-01-13T00:00:00Z", "value": 8},
                    {"isResetPoint": False, "timestamp": "2026-01-14T00:00:00Z", "value": 9},
                ],
            }
        ],
    }


@pytest.mark.usefixtures("catalog")
def test_history_of_two_days_or_less_has_hourly_points(api: httpx.Client) -> None:
    report(api, usage("acme", "seats", 4, updateBehavior="SET", createdAt="2026-01-15T07:10:00Z"))
    points = history(
        api, "acme", "seats", startDate="2026-01-15T06:00:00Z", endDate="2026-01-15T09:00:00Z"
    ).json()["data"]["series"][0]["points"]
    assert [(p["timestamp"], p["value"]) for p in points] == [
        ("2026-01-15T06:00:00Z", 0),
        ("2026-01-15T07:00:00Z", 4),
        ("2026-01-15T08:00:00Z", 4),
    ]


@pytest.mark.usefixtures("catalog")
def test_history_grouped_by_a_dimension_has_a_series_per_value(api: httpx.Client) -> None:
    report(
        api,
        usage(
            "acme", "api-calls", 2, dimensions={"region": "eu"}, createdAt="2026-01-14T10:00:00Z"
        ),
        usage(
            "acme", "api-calls", 5, dimensions={"region": "us"}, createdAt="2026-01-14T11:00:00Z"
        ),
        usage(
            "acme", "api-calls", 1, dimensions={"region": "eu"}, createdAt="2026-01-14T12:00:00Z"
        ),
        usage("acme", "api-calls", 9, createdAt="2026-01-14T12:00:00Z"),  # no region: no series
    )
    api.post(
        "/api/v1/events",
        json={"events": [event("acme", "upload", "e1", bytes=4000, region="uk")]},
    )
    series = history(
        api, "acme", "api-calls", startDate="2026-01-14", endDate="2026-01-15", groupBy="region"
    ).json()["data"]["series"]
    assert [(s["tags"], [p["value"] for p in s["points"]]) for s in series] == [
        ([{"key": "region", "value": "eu"}], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 3] + [3] * 11),
        ([{"key": "region", "value": "us"}], [0] * 11 + [5] * 13),
    ]
    storage = history(
        api, "acme", "storage-kb", startDate="2026-01-14", endDate="2026-01-16", groupBy="region"
    ).json()["data"]["series"]
    assert [(s["tags"], s["points"][-1]["value"]) for s in storage] == [
        ([{"key": "region", "value": "uk"}], 4)
    ]


@pytest.mark.usefixtures("catalog")
def test_history_refuses_bad_ranges_and_unknown_or_unmetered_features(api: httpx.Client) -> None:
    backwards = history(api, "acme", "api-calls", startDate="2026-01-12", endDate="2026-01-11")
    assert (backwards.status_code, backwards.json()["details"]["errors"][0]["field"]) == (
        400,
        "endDate",
    )
    too_long = history(api, "acme", "api-calls", startDate="2020-01-01", endDate="2026-01-01")
    assert too_long.json()["details"]["errors"][0]["code"] == "range_too_long"
    bad_date = history(api, "acme", "api-calls", startDate="soon")
    assert bad_date.json()["details"]["errors"][0]["field"] == "startDate"
    assert history(api, "acme", "nope", startDate="2026-01-01").status_code == 404
    assert history(api, "ghost", "api-calls", startDate="2026-01-01").status_code == 404
    unmetered = history(api, "acme", "sso", startDate="2026-01-01")
    assert (unmetered.status_code, unmetered.json()["details"]["errors"][0]["code"]) == (
        400,
        "not_metered",
    )


# --- reset windows -------------------------------------------------------------------------


def monthly_from_the_10th(
    uow: UnitOfWork, environment_id: str, customer_id: str, feature: Feature, at: datetime
) -> ResetPolicy:
    """What the subscriptions part will answer: a monthly limit from a subscription start."""
    return ResetPolicy(
        ResetPeriod.MONTH,
        ResetAnchor.SUBSCRIPTION_START,
        datetime(2025, 12, 10, 6, tzinfo=UTC),
        "UTC",
    )


@pytest.mark.usefixtures("catalog")
def test_usage_resets_with_the_entitlements_window(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    container.usage = UsageService(container.uow, clock, monthly_from_the_10th)
    before = report(api, usage("acme", "api-calls", 4, createdAt="2026-01-09T00:00:00Z"))
    assert before.json()["data"][0] | {"id": None} == {
        "id": None,
        "createdAt": NOW,
        "customerId": "acme",
        "featureId": "api-calls",
        "timestamp": "2026-01-09T00:00:00Z",
        "value": 4,
        "currentUsage": 0,  # counted in the previous window, not the current one
        "nextResetDate": "2026-01-10T06:00:00Z",
        "resourceId": None,
        "usagePeriodStart": "2025-12-10T06:00:00Z",
        "usagePeriodEnd": "2026-01-10T06:00:00Z",
    }
    now = report(api, usage("acme", "api-calls", 6)).json()["data"][0]
    assert (now["currentUsage"], now["usagePeriodStart"], now["nextResetDate"]) == (
        6,
        "2026-01-10T06:00:00Z",
        "2026-02-10T06:00:00Z",
    )
    clock.set(datetime(2026, 2, 10, 6, tzinfo=UTC))
    after = report(api, usage("acme", "api-calls", 1)).json()["data"][0]
    assert after["currentUsage"] == 1
    # Seats (FLUCTUATING) never reset.
    report(api, usage("acme", "seats", 3, createdAt="2026-01-01T00:00:00Z"))
    assert report(api, usage("acme", "seats", 1)).json()["data"][0]["currentUsage"] == 4

    data = history(api, "acme", "api-calls", startDate="2026-01-08", endDate="2026-01-12").json()[
        "data"
    ]
    assert data["markers"] == [{"timestamp": "2026-01-10T06:00:00Z", "type": "PERIODIC_RESET"}]
    assert [
        (p["timestamp"][:10], p["value"], p["isResetPoint"]) for p in data["series"][0]["points"]
    ] == [
        ("2026-01-08", 0, False),
        ("2026-01-09", 4, False),
        ("2026-01-10", 0, True),
        ("2026-01-11", 0, False),
    ]
