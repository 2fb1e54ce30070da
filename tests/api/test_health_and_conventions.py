from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.api.conftest import Keys

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "openapi.json"


def test_health_answers_without_a_key_and_with_one(anonymous: httpx.Client, keys: Keys) -> None:
    plain = anonymous.get("/health")
    keyed = anonymous.get("/health", headers={"X-API-KEY": keys.sandbox_server})
    assert plain.status_code == keyed.status_code == 200
    assert plain.json() == {"status": "ok", "version": "0.1.0"}


def test_ready_reports_the_migrated_schema(anonymous: httpx.Client) -> None:
    response = anonymous.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert body["schemaRevision"] == body["expectedRevision"]
    assert body["schemaRevision"] is not None


def test_every_response_carries_a_request_id_and_echoes_a_given_one(
    anonymous: httpx.Client,
) -> None:
    generated = anonymous.get("/health").headers["X-Request-Id"]
    assert len(generated) == 32
    assert (
        anonymous.get("/health", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"]
        == "abc-123"
    )
    # An unsafe offered id is replaced, never reflected.
    replaced = anonymous.get("/health", headers={"X-Request-Id": "bad id\t<script>"})
    assert replaced.headers["X-Request-Id"] != "bad id\t<script>"


def test_missing_and_unknown_keys_are_401_with_a_stable_code(anonymous: httpx.Client) -> None:
    missing = anonymous.get("/api/v1/environment")
    wrong = anonymous.get("/api/v1/environment", headers={"X-API-KEY": "pls_not-a-key"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json() == {
        "code": "Unauthenticated",
        "message": "Missing X-API-KEY header",
        "details": {},
    }
    assert wrong.json()["code"] == "Unauthenticated"


def test_the_environment_endpoint_names_the_keys_environment(
    api: httpx.Client, production_api: httpx.Client
) -> None:
    sandbox = api.get("/api/v1/environment").json()["data"]
    production = production_api.get("/api/v1/environment").json()["data"]
    assert sandbox["environment"] == "sandbox"
    assert sandbox["keyKind"] == "server"
    assert production["environment"] == "production"
    assert sandbox["accountId"] == production["accountId"]
    assert sandbox["environmentId"] != production["environmentId"]


def test_unknown_routes_get_the_error_body(api: httpx.Client) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "RouteNotFound"


def test_the_served_openapi_document_matches_the_committed_file(anonymous: httpx.Client) -> None:
    served = anonymous.get("/openapi.json").json()
    committed = json.loads(OPENAPI_FILE.read_text())
    assert served == committed, "openapi.json is stale: run `make openapi` and commit it"
