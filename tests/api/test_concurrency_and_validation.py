from __future__ import annotations

from datetime import timedelta

import httpx

from tests.support import SettableClock

ENDPOINTS = "/api/v1/webhook-endpoints"


def _create(api: httpx.Client, url: str = "http://127.0.0.1:9/x") -> dict[str, object]:
    response = api.post(ENDPOINTS, json={"url": url, "description": "orig"})
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_an_update_with_the_current_version_succeeds_and_bumps_it(api: httpx.Client) -> None:
    created = _create(api)
    response = api.patch(
        f"{ENDPOINTS}/{created['id']}",
        json={"description": "renamed"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json()["data"]["description"] == "renamed"
    assert response.json()["data"]["version"] == 2


def test_a_stale_update_is_409_and_nothing_is_written(api: httpx.Client) -> None:
    created = _create(api)
    path = f"{ENDPOINTS}/{created['id']}"
    assert api.patch(path, json={"description": "first", "version": 1}).status_code == 200

    stale = api.patch(path, json={"description": "second", "url": "http://x.test", "version": 1})

    assert stale.status_code == 409
    assert stale.json()["code"] == "StaleVersion"
    assert stale.json()["details"] == {
        "entity": "WebhookEndpoint",
        "id": created["id"],
        "sentVersion": 1,
        "currentVersion": 2,
    }
    current = api.get(path)
    assert current.headers["ETag"] == '"2"'
    assert current.json()["data"]["description"] == "first"
    assert current.json()["data"]["url"] == "http://127.0.0.1:9/x"


def test_an_update_without_a_version_is_refused(api: httpx.Client) -> None:
    created = _create(api)
    response = api.patch(f"{ENDPOINTS}/{created['id']}", json={"description": "blind"})
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "version"
    assert api.get(f"{ENDPOINTS}/{created['id']}").json()["data"]["description"] == "orig"


def test_validation_errors_name_every_field_and_write_nothing(api: httpx.Client) -> None:
    response = api.post(ENDPOINTS, json={"url": "ftp://x", "eventTypes": ["ok", ""]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidArgument"
    assert [(e["field"], e["message"]) for e in body["details"]["errors"]] == [
        ("url", "must be an absolute http:// or https:// URL"),
        ("eventTypes[1]", "must be 1 to 100 characters"),
    ]
    assert api.get(ENDPOINTS).json()["data"] == []


def test_schema_errors_name_the_field_in_camel_case(api: httpx.Client) -> None:
    response = api.post(ENDPOINTS, json={"url": "http://x.test", "eventTypes": "ping", "bogus": 1})
    assert response.status_code == 400
    fields = sorted(e["field"] for e in response.json()["details"]["errors"])
    assert fields == ["bogus", "eventTypes"]


def test_an_invalid_update_changes_nothing(api: httpx.Client) -> None:
    created = _create(api)
    path = f"{ENDPOINTS}/{created['id']}"
    response = api.patch(path, json={"url": "mailto:x", "version": 1})
    assert response.status_code == 400
    current = api.get(path)
    assert current.headers["ETag"] == '"1"'
    assert current.json()["data"]["url"] == "http://127.0.0.1:9/x"


def test_pages_walk_forward_and_back_with_cursors(api: httpx.Client, clock: SettableClock) -> None:
    ids = []
    for n in range(5):
        clock.advance(timedelta(seconds=1))
        ids.append(_create(api, f"http://127.0.0.1:9/{n}")["id"])

    first = api.get(ENDPOINTS, params={"limit": 2}).json()
    assert [e["id"] for e in first["data"]] == ids[:2]
    assert first["pagination"]["prev"] is None
    second = api.get(ENDPOINTS, params={"limit": 2, "after": first["pagination"]["next"]}).json()
    assert [e["id"] for e in second["data"]] == ids[2:4]
    third = api.get(ENDPOINTS, params={"limit": 2, "after": second["pagination"]["next"]}).json()
    assert [e["id"] for e in third["data"]] == ids[4:]
    assert third["pagination"]["next"] is None
    back = api.get(ENDPOINTS, params={"limit": 2, "before": third["pagination"]["prev"]}).json()
    assert [e["id"] for e in back["data"]] == ids[2:4]
    assert back["pagination"]["prev"] is not None


def test_bad_paging_arguments_name_the_field(api: httpx.Client) -> None:
    assert api.get(ENDPOINTS, params={"limit": 101}).json()["details"]["errors"][0]["field"] == (
        "limit"
    )
    bad_cursor = api.get(ENDPOINTS, params={"after": "%%%"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["details"]["errors"][0]["field"] == "after"
