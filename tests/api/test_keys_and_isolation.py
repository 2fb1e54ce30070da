"""Keys act only inside their environment; client keys cannot write.

The isolation test walks every route of the app, so a new route cannot be added without
saying how it is isolated (listed in ROUTES_WITH_ID or in ROUTES_WITHOUT_ID).
"""

from __future__ import annotations

import httpx

from pactline.api.app import create_app
from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.api.conftest import Keys

# Requests that create one resource of each kind in the sandbox, in order. Ids are fixed so the
# templates below can name them; `{endpoint_id}` is filled from the webhook endpoint created.
SETUP: list[tuple[str, str, dict[str, object]]] = [
    ("POST", "/api/v1/products", {"id": "iso-product", "displayName": "Sandbox only"}),
    (
        "POST",
        "/api/v1/features",
        {"id": "iso-feature", "displayName": "Sandbox only", "featureType": "BOOLEAN"},
    ),
]
IDS = {
    "product_id": "iso-product",
    "feature_id": "iso-feature",
    "customer_id": "iso-customer",
    "plan_id": "iso-plan",
    "addon_id": "iso-addon",
    "subscription_id": "iso-subscription",
}
# Collections that list what the sandbox created; production must see none of it.
COLLECTIONS = ["/api/v1/webhook-endpoints", "/api/v1/products", "/api/v1/features"]

# Routes that reach one resource by id: (method, path template) → request body to send.
ROUTES_WITH_ID: dict[tuple[str, str], dict[str, object] | None] = {
    ("GET", "/api/v1/webhook-endpoints/{endpoint_id}"): None,
    ("PATCH", "/api/v1/webhook-endpoints/{endpoint_id}"): {"url": "http://evil.test", "version": 1},
    ("DELETE", "/api/v1/webhook-endpoints/{endpoint_id}"): None,
    ("POST", "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret"): None,
    ("POST", "/api/v1/webhook-endpoints/{endpoint_id}/ping"): None,
    ("GET", "/api/v1/webhook-endpoints/{endpoint_id}/deliveries"): None,
    ("PATCH", "/api/v1/products/{product_id}"): {"displayName": "evil"},
    ("POST", "/api/v1/products/{product_id}/archive"): None,
    ("POST", "/api/v1/products/{product_id}/unarchive"): None,
    ("GET", "/api/v1/features/{feature_id}"): None,
    ("PATCH", "/api/v1/features/{feature_id}"): {"displayName": "evil"},
    ("POST", "/api/v1/features/{feature_id}/archive"): None,
    ("POST", "/api/v1/features/{feature_id}/unarchive"): None,
}
# Routes with no id: collections (checked for leaks below) and environment-free endpoints.
ROUTES_WITHOUT_ID = {
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/api/v1/environment"),
    ("GET", "/api/v1/webhook-endpoints"),
    ("POST", "/api/v1/webhook-endpoints"),
    ("GET", "/api/v1/products"),
    ("POST", "/api/v1/products"),
    ("GET", "/api/v1/features"),
    ("POST", "/api/v1/features"),
    ("POST", "/api/v1/contracts/preview"),
}


def _app_routes(container: Container) -> set[tuple[str, str]]:
    paths = create_app(container, run_worker=False).openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_every_route_is_covered_by_the_isolation_test(container: Container) -> None:
    assert _app_routes(container) == set(ROUTES_WITH_ID) | ROUTES_WITHOUT_ID


def test_no_route_reads_or_changes_another_environments_data(
    api: httpx.Client, production_api: httpx.Client
) -> None:
    endpoint = api.post(
        "/api/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/in-sandbox"}
    ).json()["data"]
    for method, path, body in SETUP:
        created = api.request(method, path, json=body)
        assert created.status_code < 300, (path, created.text)
    ids = {**IDS, "endpoint_id": endpoint["id"]}
    before = {c: api.get(c).json()["data"] for c in COLLECTIONS}

    for (method, template), body in ROUTES_WITH_ID.items():
        path = template.format(**ids)
        response = production_api.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "EntityNotFound"

    for collection in COLLECTIONS:
        assert production_api.get(collection).json()["data"] == [], collection
        assert api.get(collection).json()["data"] == before[collection], collection
    deliveries = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()
    assert deliveries["data"] == []


def test_client_keys_are_refused_on_writes_and_nothing_is_written(
    api: httpx.Client, server_url: str, keys: Keys
) -> None:
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": keys.sandbox_client}) as client:
        response = client.post("/api/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/x"})
        assert response.status_code == 403
        assert response.json()["code"] == "PermissionDenied"
        # Management reads are server-only too; the caller's own environment is readable.
        assert client.get("/api/v1/webhook-endpoints").status_code == 403
        assert client.get("/api/v1/environment").json()["data"]["keyKind"] == "client"
    assert api.get("/api/v1/webhook-endpoints").json()["data"] == []


def test_a_revoked_key_is_refused_from_then_on(container: Container, server_url: str) -> None:
    created = container.tenancy.create_key("sandbox", KeyKind.SERVER, "to revoke")
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": created.secret}) as client:
        assert client.get("/api/v1/environment").status_code == 200
        container.tenancy.revoke_key(created.key.id)
        refused = client.get("/api/v1/environment")
    assert refused.status_code == 401
    assert refused.json()["code"] == "Unauthenticated"
