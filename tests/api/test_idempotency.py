from __future__ import annotations

import httpx

from tests.api.conftest import Keys

ENDPOINTS = "/api/v1/webhook-endpoints"


def test_a_retry_with_the_same_key_and_body_gets_the_first_response_and_creates_nothing(
    api: httpx.Client,
) -> None:
    body = {"url": "http://127.0.0.1:9/once", "eventTypes": ["ping"]}
    first = api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "create-1"})
    again = api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "create-1"})

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"] == '"1"'
    listed = api.get(ENDPOINTS).json()["data"]
    assert [e["id"] for e in listed] == [first.json()["data"]["id"]]


def test_the_same_key_with_another_body_is_409_and_changes_nothing(api: httpx.Client) -> None:
    api.post(ENDPOINTS, json={"url": "http://127.0.0.1:9/a"}, headers={"Idempotency-Key": "k"})
    reused = api.post(
        ENDPOINTS, json={"url": "http://127.0.0.1:9/b"}, headers={"Idempotency-Key": "k"}
    )
    assert reused.status_code == 409
    assert reused.json() == {
        "code": "IdempotencyKeyReused",
        "message": "Idempotency-Key 'k' was already used with a different request",
        "details": {"idempotencyKey": "k"},
    }
    assert [e["url"] for e in api.get(ENDPOINTS).json()["data"]] == ["http://127.0.0.1:9/a"]


def test_the_same_key_on_another_path_is_a_different_request(api: httpx.Client) -> None:
    created = api.post(ENDPOINTS, json={"url": "http://127.0.0.1:9/a"}).json()["data"]
    api.post(ENDPOINTS, json={"url": "http://127.0.0.1:9/b"}, headers={"Idempotency-Key": "p"})
    other_path = api.post(f"{ENDPOINTS}/{created['id']}/ping", headers={"Idempotency-Key": "p"})
    assert other_path.status_code == 409
    assert other_path.json()["code"] == "IdempotencyKeyReused"


def test_keys_are_scoped_to_the_environment(
    api: httpx.Client, production_api: httpx.Client
) -> None:
    body = {"url": "http://127.0.0.1:9/same"}
    sandbox = api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "shared"})
    production = production_api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "shared"})
    assert sandbox.status_code == production.status_code == 201
    assert "Idempotent-Replayed" not in production.headers
    assert sandbox.json()["data"]["id"] != production.json()["data"]["id"]


def test_a_failed_request_is_replayed_as_the_same_failure(api: httpx.Client) -> None:
    body = {"url": "not a url"}
    first = api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "bad"})
    again = api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "bad"})
    assert first.status_code == again.status_code == 400
    assert again.content == first.content
    assert api.get(ENDPOINTS).json()["data"] == []


def test_an_overlong_key_is_refused_naming_the_header(api: httpx.Client) -> None:
    response = api.post(
        ENDPOINTS, json={"url": "http://127.0.0.1:9/x"}, headers={"Idempotency-Key": "x" * 256}
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "Idempotency-Key"
    assert api.get(ENDPOINTS).json()["data"] == []


def test_without_a_valid_api_key_the_idempotency_key_is_not_consulted(
    anonymous: httpx.Client, keys: Keys
) -> None:
    response = anonymous.post(
        ENDPOINTS, json={"url": "http://127.0.0.1:9/x"}, headers={"Idempotency-Key": "anon"}
    )
    assert response.status_code == 401
    # The key stays free for the real, authenticated request.
    created = anonymous.post(
        ENDPOINTS,
        json={"url": "http://127.0.0.1:9/x"},
        headers={"Idempotency-Key": "anon", "X-API-KEY": keys.sandbox_server},
    )
    assert created.status_code == 201


def test_the_query_string_is_part_of_the_request(api: httpx.Client) -> None:
    body = {"url": "http://127.0.0.1:9/q"}
    api.post(ENDPOINTS, json=body, headers={"Idempotency-Key": "q"})
    other_query = api.post(
        ENDPOINTS, params={"expand": "x"}, json=body, headers={"Idempotency-Key": "q"}
    )
    assert other_query.status_code == 409
    assert other_query.json()["code"] == "IdempotencyKeyReused"


def test_an_oversized_idempotent_body_is_413_and_writes_nothing(api: httpx.Client) -> None:
    huge = b'{"url": "http://127.0.0.1:9/x", "description": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = api.post(
        ENDPOINTS,
        content=huge,
        headers={"Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "PayloadTooLarge"
    assert api.get(ENDPOINTS).json()["data"] == []
