"""Customers and promotional entitlements over HTTP, in Stigg's shapes, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from pactline.bootstrap import Container
from pactline.domain.customers import GrantPeriod
from pactline.domain.entitlements import EntitlementValue, ResetAnchor, ResetPeriod
from tests.support import SettableClock

ACME = {
    "id": "acme",
    "name": "Acme Inc.",
    "email": "billing@acme.test",
    "billingCurrency": "eur",
    "timezone": "Europe/Paris",
    "language": "fr",
    "billingId": "cus_123",
    "couponId": "",
    "metadata": {"segment": "enterprise", "region": "eu"},
}

# What the stigg SDK sends for a grant: every field, null where it does not apply.
NULL_GRANT: dict[str, Any] = {
    "customEndDate": None,
    "enumValues": None,
    "hasSoftLimit": None,
    "hasUnlimitedUsage": None,
    "isVisible": None,
    "monthlyResetPeriodConfiguration": None,
    "weeklyResetPeriodConfiguration": None,
    "yearlyResetPeriodConfiguration": None,
    "resetPeriod": None,
    "usageLimit": None,
}


def grant(feature_id: str, period: str, **fields: Any) -> dict[str, Any]:
    return {**NULL_GRANT, "featureId": feature_id, "period": period, **fields}


def make_features(api: httpx.Client) -> None:
    for body in (
        {"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"},
        {
            "id": "api-calls",
            "displayName": "API calls",
            "featureType": "NUMBER",
            "meterType": "INCREMENTAL",
            "meter": {"aggregation": {"function": "COUNT"}, "filters": []},
        },
        {"id": "seats", "displayName": "Seats", "featureType": "NUMBER"},
        {
            "id": "region",
            "displayName": "Region",
            "featureType": "ENUM",
            "enumConfiguration": [
                {"value": "eu", "displayName": "Europe"},
                {"value": "us", "displayName": "United States"},
                {"value": "ap", "displayName": "Asia Pacific"},
            ],
        },
    ):
        assert api.post("/api/v1/features", json=body).status_code == 201


def events(container: Container) -> list[tuple[str, dict[str, Any]]]:
    with container.uow() as uow:
        recorded = uow.outbox.undispatched(1000)
    mine = ("customer.", "promotional_entitlement.")
    return [(e.type, dict(e.data)) for e in recorded if e.type.startswith(mine)]


# --- customers --------------------------------------------------------------------------------


def test_a_provisioned_customer_is_returned_in_stiggs_shape(api: httpx.Client) -> None:
    created = api.post("/api/v1/customers", json=ACME)
    assert created.status_code == 201, created.text
    expected = {
        "id": "acme",
        "name": "Acme Inc.",
        "email": "billing@acme.test",
        "billingCurrency": "eur",
        "billingId": "cus_123",
        "couponId": None,
        "language": "fr",
        "timezone": "Europe/Paris",
        "metadata": {"segment": "enterprise", "region": "eu"},
        "passthrough": None,
        "consolidateInvoices": False,
        "integrations": [],
        "defaultPaymentMethod": None,
        "archivedAt": None,
        "createdAt": "2026-01-15T09:30:00Z",
        "updatedAt": "2026-01-15T09:30:00Z",
    }
    assert created.json()["data"] == expected
    assert api.get("/api/v1/customers/acme").json()["data"] == expected


def test_a_customer_needs_only_an_id(api: httpx.Client) -> None:
    data = api.post("/api/v1/customers", json={"id": "solo"}).json()["data"]
    assert (data["name"], data["email"], data["billingCurrency"], data["metadata"]) == (
        None,
        None,
        None,
        {},
    )


def test_vendor_passthrough_is_stored_as_sent(api: httpx.Client) -> None:
    passthrough = {
        "stripe": {
            "billingAddress": {"city": "Lyon", "country": "FR"},
            "taxIds": [{"type": "eu_vat", "value": "FR123"}],
        }
    }
    created = api.post("/api/v1/customers", json={"id": "p", "passthrough": passthrough})
    assert created.json()["data"]["passthrough"] == passthrough
    cleared = api.patch("/api/v1/customers/p", json={"passthrough": None})
    assert cleared.json()["data"]["passthrough"] is None


def test_invalid_customers_name_every_field_and_write_nothing(
    api: httpx.Client, container: Container
) -> None:
    response = api.post(
        "/api/v1/customers",
        json={
            "id": " padded ",
            "name": "  ",
            "email": "not-an-email",
            "billingCurrency": "xyz",
            "timezone": "Mars/Olympus_Mons",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidArgument"
    assert [(e["field"], e["code"]) for e in response.json()["details"]["errors"]] == [
        ("id", "invalid"),
        ("name", "required"),
        ("email", "invalid"),
        ("billingCurrency", "unknown_currency"),
        ("timezone", "unknown_timezone"),
    ]
    assert api.get("/api/v1/customers").json()["data"] == []
    assert events(container) == []


def test_a_currency_no_longer_in_use_is_refused(api: httpx.Client) -> None:
    # Croatia adopted the euro on 2023-01-01; the clock says 2026.
    response = api.post("/api/v1/customers", json={"id": "zagreb", "billingCurrency": "hrk"})
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "billingCurrency"
    assert api.get("/api/v1/customers/zagreb").status_code == 404


def test_unsupported_fields_are_refused_not_dropped(api: httpx.Client) -> None:
    integration = {"id": "int-1", "syncedEntityId": None, "vendorIdentifier": "STRIPE"}
    refused = api.post("/api/v1/customers", json={"id": "c", "integrations": [integration]})
    assert refused.status_code == 400
    assert refused.json()["details"]["errors"] == [
        {
            "field": "integrations",
            "message": "billing integrations are not supported by pactline",
            "code": "not_supported",
        }
    ]
    card = {
        "billingId": "pm_1",
        "cardExpiryMonth": 1,
        "cardExpiryYear": 2030,
        "cardLast4Digits": "4242",
        "type": "CARD",
    }
    refused = api.post("/api/v1/customers", json={"id": "c", "defaultPaymentMethod": card})
    assert refused.json()["details"]["errors"][0]["field"] == "defaultPaymentMethod"
    unknown = api.post("/api/v1/customers", json={"id": "c", "shoeSize": 44})
    assert unknown.status_code == 400
    assert unknown.json()["details"]["errors"][0]["field"] == "shoeSize"
    assert api.get("/api/v1/customers/c").status_code == 404
    # Saying "none" is true, so it is accepted.
    accepted = api.post(
        "/api/v1/customers", json={"id": "c", "integrations": [], "defaultPaymentMethod": None}
    )
    assert accepted.status_code == 201


def test_a_duplicate_customer_id_is_a_permanent_409(api: httpx.Client) -> None:
    api.post("/api/v1/customers", json={"id": "dup", "name": "First"})
    again = api.post("/api/v1/customers", json={"id": "dup", "name": "Second"})
    assert again.status_code == 409
    assert again.json()["code"] == "DuplicatedEntityNotAllowed"
    assert again.headers["x-should-retry"] == "false"
    assert api.get("/api/v1/customers/dup").json()["data"]["name"] == "First"


def test_updating_keeps_absent_fields_clears_nulls_and_replaces_metadata(
    api: httpx.Client, clock: SettableClock, container: Container
) -> None:
    api.post("/api/v1/customers", json=ACME)
    clock.advance(timedelta(hours=1))
    updated = api.patch(
        "/api/v1/customers/acme",
        json={"metadata": {"tier": "gold"}, "name": None, "billingCurrency": "USD"},
    )
    assert updated.status_code == 200, updated.text
    data = updated.json()["data"]
    assert data["metadata"] == {"tier": "gold"}  # the whole map is replaced
    assert data["name"] is None
    assert data["billingCurrency"] == "usd"
    assert data["email"] == "billing@acme.test"  # absent: unchanged
    assert (data["createdAt"], data["updatedAt"]) == (
        "2026-01-15T09:30:00Z",
        "2026-01-15T10:30:00Z",
    )
    emptied = api.patch("/api/v1/customers/acme", json={"metadata": None}).json()["data"]
    assert emptied["metadata"] == {}
    assert events(container)[1:] == [
        ("customer.updated", {"id": "acme", "fields": ["billingCurrency", "metadata", "name"]}),
        ("customer.updated", {"id": "acme", "fields": ["metadata"]}),
    ]


def test_a_refused_update_changes_nothing(api: httpx.Client, container: Container) -> None:
    api.post("/api/v1/customers", json=ACME)
    before = api.get("/api/v1/customers/acme").json()["data"]
    response = api.patch(
        "/api/v1/customers/acme", json={"name": "Renamed", "timezone": "Not/A_Zone"}
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "timezone"
    assert api.get("/api/v1/customers/acme").json()["data"] == before
    assert [t for t, _ in events(container)] == ["customer.created"]


def test_customers_are_listed_by_email_name_and_creation_time(
    api: httpx.Client, clock: SettableClock
) -> None:
    api.post("/api/v1/customers", json={"id": "a", "name": "Ann", "email": "ann@x.test"})
    clock.advance(timedelta(days=1))
    api.post("/api/v1/customers", json={"id": "b", "name": "Bob", "email": "bob@x.test"})
    clock.advance(timedelta(days=1))
    api.post("/api/v1/customers", json={"id": "c", "name": "Ann", "email": "ann2@x.test"})

    def ids(**params: str) -> list[str]:
        response = api.get("/api/v1/customers", params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["data"]]

    assert ids() == ["a", "b", "c"]
    assert ids(email="bob@x.test") == ["b"]
    assert ids(name="Ann") == ["a", "c"]
    assert ids(name="ann") == []  # exact match
    assert ids(**{"createdAt[gte]": "2026-01-16"}) == ["b", "c"]
    assert ids(**{"createdAt[lt]": "2026-01-16T09:30:00+00:00"}) == ["a"]


def test_the_customer_list_pages_with_cursors(api: httpx.Client) -> None:
    for n in range(5):
        api.post("/api/v1/customers", json={"id": f"c{n}"})
    first = api.get("/api/v1/customers", params={"limit": 2}).json()
    assert [c["id"] for c in first["data"]] == ["c0", "c1"]
    assert first["pagination"]["prev"] is None
    second = api.get(
        "/api/v1/customers", params={"limit": 2, "after": first["pagination"]["next"]}
    ).json()
    assert [c["id"] for c in second["data"]] == ["c2", "c3"]
    back = api.get(
        "/api/v1/customers", params={"limit": 2, "before": second["pagination"]["prev"]}
    ).json()
    assert [c["id"] for c in back["data"]] == ["c0", "c1"]


def test_archived_customers_stay_readable_and_can_be_restored(
    api: httpx.Client, clock: SettableClock, container: Container
) -> None:
    api.post("/api/v1/customers", json={"id": "gone"})
    clock.advance(timedelta(minutes=5))
    archived = api.post("/api/v1/customers/gone/archive")
    assert archived.status_code == 200
    assert archived.json()["data"]["archivedAt"] == "2026-01-15T09:35:00Z"
    assert api.get("/api/v1/customers/gone").json()["data"]["archivedAt"] == "2026-01-15T09:35:00Z"
    assert [c["id"] for c in api.get("/api/v1/customers").json()["data"]] == ["gone"]
    clock.advance(timedelta(minutes=5))
    again = api.post("/api/v1/customers/gone/archive").json()["data"]
    assert again["archivedAt"] == "2026-01-15T09:35:00Z"  # already archived: unchanged
    restored = api.post("/api/v1/customers/gone/unarchive").json()["data"]
    assert (restored["archivedAt"], restored["updatedAt"]) == (None, "2026-01-15T09:40:00Z")
    assert [t for t, _ in events(container)] == [
        "customer.created",
        "customer.archived",
        "customer.unarchived",
    ]


def test_unknown_customers_are_404_everywhere(api: httpx.Client) -> None:
    make_features(api)
    calls = [
        ("GET", "/api/v1/customers/nope", None),
        ("PATCH", "/api/v1/customers/nope", {"name": "x"}),
        ("POST", "/api/v1/customers/nope/archive", None),
        ("POST", "/api/v1/customers/nope/unarchive", None),
        (
            "POST",
            "/api/v1/customers/nope/promotional-entitlements",
            {"promotionalEntitlements": [grant("sso", "lifetime")]},
        ),
        ("GET", "/api/v1/customers/nope/promotional-entitlements", None),
        ("DELETE", "/api/v1/customers/nope/promotional-entitlements/sso", None),
    ]
    for method, path, body in calls:
        response = api.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["details"] == {"entity": "Customer", "id": "nope"}


# --- promotional entitlements -----------------------------------------------------------------


def test_grants_of_every_feature_kind_are_returned_in_stiggs_shape(
    api: httpx.Client, container: Container
) -> None:
    make_features(api)
    api.post("/api/v1/customers", json={"id": "acme"})
    response = api.post(
        "/api/v1/customers/acme/promotional-entitlements",
        json={
            "promotionalEntitlements": [
                grant(
                    "api-calls",
                    "1 month",
                    usageLimit=5000,
                    resetPeriod="MONTH",
                    monthlyResetPeriodConfiguration={"accordingTo": "StartOfTheMonth"},
                ),
                grant("sso", "lifetime", isVisible=False),
                grant("region", "custom", enumValues=["us", "eu"], customEndDate="2026-03-01"),
                grant("seats", "1 week", hasUnlimitedUsage=True, hasSoftLimit=True),
            ]
        },
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    environment_id = data[0]["environmentId"]
    assert environment_id.startswith("env_")
    common = {
        "environmentId": environment_id,
        "description": None,
        "status": "Active",
        "startDate": "2026-01-15T09:30:00Z",
        "featureGroupIds": None,
        "createdAt": "2026-01-15T09:30:00Z",
        "updatedAt": "2026-01-15T09:30:00Z",
    }
    assert [{k: v for k, v in g.items() if k != "id"} for g in data] == [
        {
            **common,
            "featureId": "api-calls",
            "period": "1 month",
            "endDate": "2026-02-15T09:30:00Z",
            "isVisible": True,
            "usageLimit": 5000,
            "hasUnlimitedUsage": False,
            "hasSoftLimit": False,
            "enumValues": None,
            "resetPeriod": "MONTH",
            "resetPeriodConfiguration": {"accordingTo": "StartOfTheMonth"},
        },
        {
            **common,
            "featureId": "sso",
            "period": "lifetime",
            "endDate": None,
            "isVisible": False,
            "usageLimit": None,
            "hasUnlimitedUsage": False,
            "hasSoftLimit": False,
            "enumValues": None,
            "resetPeriod": None,
            "resetPeriodConfiguration": None,
        },
        {
            **common,
            "featureId": "region",
            "period": "custom",
            "endDate": "2026-03-01T00:00:00Z",
            "isVisible": True,
            "usageLimit": None,
            "hasUnlimitedUsage": False,
            "hasSoftLimit": False,
            "enumValues": ["eu", "us"],
            "resetPeriod": None,
            "resetPeriodConfiguration": None,
        },
        {
            **common,
            "featureId": "seats",
            "period": "1 week",
            "endDate": "2026-01-22T09:30:00Z",
            "isVisible": True,
            "usageLimit": None,
            "hasUnlimitedUsage": True,
            "hasSoftLimit": True,
            "enumValues": None,
            "resetPeriod": None,
            "resetPeriodConfiguration": None,
        },
    ]
    assert len({g["id"] for g in data}) == 4
    listed = api.get("/api/v1/customers/acme/promotional-entitlements").json()
    assert sorted(g["featureId"] for g in listed["data"]) == ["api-calls", "region", "seats", "sso"]
    assert listed["pagination"] == {"next": None, "prev": None}
    granted = [d for t, d in events(container) if t == "promotional_entitlement.granted"]
    assert sorted(d["featureId"] for d in granted) == ["api-calls", "region", "seats", "sso"]


def test_the_entitlement_check_reads_the_grants_in_force(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    make_features(api)
    api.post("/api/v1/customers", json={"id": "acme"})
    granted = api.post(
        "/api/v1/customers/acme/promotional-entitlements",
        json={
            "promotionalEntitlements": [
                grant(
                    "api-calls",
                    "1 week",
                    usageLimit=250,
                    resetPeriod="WEEK",
                    weeklyResetPeriodConfiguration={"accordingTo": "EveryMonday"},
                ),
                grant("sso", "lifetime"),
            ]
        },
    )
    environment_id = granted.json()["data"][0]["environmentId"]
    now = clock.now()
    with container.uow() as uow:
        in_force = uow.promotional_entitlements.active_for(environment_id, "acme", now)
        customer = uow.customers.get(environment_id, "acme")
    assert customer is not None
    assert customer.id == "acme"
    assert [(g.value, g.start_at, g.end_at, g.period) for g in in_force] == [
        (
            EntitlementValue(
                feature_id="api-calls",
                usage_limit=Decimal(250),
                reset_period=ResetPeriod.WEEK,
                reset_anchor=ResetAnchor.EVERY_MONDAY,
            ),
            now,
            now + timedelta(weeks=1),
            GrantPeriod.ONE_WEEK,
        ),
        (EntitlementValue(feature_id="sso"), now, None, GrantPeriod.LIFETIME),
    ]
    with container.uow() as uow:
        later = uow.promotional_entitlements.active_for(
            environment_id, "acme", now + timedelta(weeks=1)
        )
    assert [g.feature_id for g in later] == ["sso"]


def test_a_month_is_a_calendar_month_in_the_customers_timezone(
    api: httpx.Client, clock: SettableClock
) -> None:
    make_features(api)
    # Noon in New York, the day before US daylight saving time starts.
    clock.set(datetime(2026, 3, 7, 17, 0, tzinfo=UTC))
    api.post("/api/v1/customers", json={"id": "ny", "timezone": "America/New_York"})
    api.post("/api/v1/customers", json={"id": "utc"})
    body = {"promotionalEntitlements": [grant("sso", "1 month")]}
    ny = api.post("/api/v1/customers/ny/promotional-entitlements", json=body).json()["data"][0]
    assert ny["endDate"] == "2026-04-07T16:00:00Z"  # still noon, now EDT
    plain = api.post("/api/v1/customers/utc/promotional-entitlements", json=body).json()["data"]
    assert plain[0]["endDate"] == "2026-04-07T17:00:00Z"
    clock.set(datetime(2026, 1, 31, 8, 0, tzinfo=UTC))
    year = {"promotionalEntitlements": [grant("api-calls", "6 month", usageLimit=1)]}
    end = api.post("/api/v1/customers/utc/promotional-entitlements", json=year).json()["data"]
    assert end[0]["endDate"] == "2026-07-31T08:00:00Z"
    clamp = {"promotionalEntitlements": [grant("seats", "1 month", usageLimit=3)]}
    end = api.post("/api/v1/customers/utc/promotional-entitlements", json=clamp).json()["data"]
    assert end[0]["endDate"] == "2026-02-28T08:00:00Z"


def test_granting_a_feature_again_replaces_the_grant_in_force(
    api: httpx.Client, clock: SettableClock
) -> None:
    make_features(api)
    api.post("/api/v1/customers", json={"id": "acme"})
    url = "/api/v1/customers/acme/promotional-entitlements"
    first = api.post(
        url, json={"promotionalEntitlements": [grant("seats", "1 year", usageLimit=10)]}
    ).json()["data"][0]
    clock.advance(timedelta(days=2))
    second = api.post(
        url, json={"promotionalEntitlements": [grant("seats", "lifetime", usageLimit=20)]}
    ).json()["data"][0]
    assert second["id"] != first["id"]
    active = api.get(url, params={"status": "Active"}).json()["data"]
    assert [(g["id"], g["usageLimit"], g["endDate"]) for g in active] == [(second["id"], 20, None)]
    expired = api.get(url, params={"status": "Expired"}).json()["data"]
    assert [(g["id"], g["status"], g["endDate"], g["updatedAt"]) for g in expired] == [
        (first["id"], "Expired", "2026-01-17T09:30:00Z", "2026-01-17T09:30:00Z")
    ]
    both = api.get(url, params={"status": "Active,Expired"}).json()["data"]
    assert [g["id"] for g in both] == [first["id"], second["id"]]
    assert api.get(url, params={"status": "Paused"}).json()["data"] == []


def test_grants_expire_at_their_end_and_lists_filter_by_status_and_creation_time(
    api: httpx.Client, clock: SettableClock
) -> None:
    make_features(api)
    api.post("/api/v1/customers", json={"id": "acme"})
    url = "/api/v1/customers/acme/promotional-entitlements"
    api.post(url, json={"promotionalEntitlements": [grant("sso", "1 week")]})
    clock.advance(timedelta(days=3))
    api.post(url, json={"promotionalEntitlements": [grant("seats", "lifetime", usageLimit=5)]})
    clock.advance(timedelta(days=4))  # exactly one week after the first grant

    def features(**params: str) -> list[tuple[str, str]]:
        response = api.get(url, params=params)
        assert response.status_code == 200, response.text
        return [(g["featureId"], g["status"]) for g in response.json()["data"]]

    assert features() == [("sso", "Expired"), ("seats", "Active")]
    assert features(status="Expired") == [("sso", "Expired")]
    assert features(status="Active") == [("seats", "Active")]
    assert features(**{"createdAt[gt]": "2026-01-15T09:30:00Z"}) == [("seats", "Active")]
    bad = api.get(url, params={"status": "Gone"})
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "status"
    # An expired feature may be granted anew.
    again = api.post(url, json={"promotionalEntitlements": [grant("sso", "lifetime")]})
    assert again.status_code == 201
    assert features(status="Active") == [("seats", "Active"), ("sso", "Active")]


def test_revoking_ends_the_grant_now_and_returns_it(
    api: httpx.Client, clock: SettableClock, container: Container
) -> None:
    make_features(api)
    api.post("/api/v1/customers", json={"id": "acme"})
    url = "/api/v1/customers/acme/promotional-entitlements"
    granted = api.post(url, json={"promotionalEntitlements": [grant("sso", "lifetime")]})
    grant_id = granted.json()["data"][0]["id"]
    clock.advance(timedelta(hours=2))
    revoked = api.delete(f"{url}/sso")
    assert revoked.status_code == 200, revoked.text
    data = revoked.json()["data"]
    assert (data["id"], data["status"], data["endDate"], data["period"]) == (
        grant_id,
        "Expired",
        "2026-01-15T11:30:00Z",
        "lifetime",
    )
    assert api.get(url, params={"status": "Active"}).json()["data"] == []
    again = api.delete(f"{url}/sso")
    assert again.status_code == 404
    assert again.json()["details"] == {"entity": "PromotionalEntitlement", "id": "sso"}
    never = api.delete(f"{url}/api-calls")
    assert never.status_code == 404
    assert [t for t, _ in events(container)][-2:] == [
        "promotional_entitlement.granted",
        "promotional_entitlement.revoked",
    ]


def test_invalid_grants_name_every_problem_and_grant_nothing(
    api: httpx.Client, container: Container
) -> None:
    make_features(api)
    api.post("/api/v1/features", json={"id": "old", "displayName": "Old", "featureType": "BOOLEAN"})
    api.post("/api/v1/features/old/archive")
    api.post("/api/v1/customers", json={"id": "acme"})
    url = "/api/v1/customers/acme/promotional-entitlements"
    before = events(container)
    response = api.post(
        url,
        json={
            "promotionalEntitlements": [
                grant("sso", "lifetime"),  # valid, yet not granted: all or nothing
                grant("nope", "1 week"),
                grant("old", "lifetime"),
                grant("seats", "custom"),
                grant("api-calls", "custom", usageLimit=-1, customEndDate="2026-01-01"),
                grant("sso", "1 week", usageLimit=3, customEndDate="2026-06-01"),
                grant("region", "1 year", enumValues=["eu", "mars"]),
                grant(
                    "api-calls",
                    "lifetime",
                    usageLimit=5,
                    hasUnlimitedUsage=True,
                    resetPeriod="WEEK",
                    monthlyResetPeriodConfiguration={"accordingTo": "StartOfTheMonth"},
                ),
                grant("seats", "lifetime", usageLimit=4, resetPeriod="DAY"),
                grant("region", "lifetime"),
            ]
        },
    )
    assert response.status_code == 400
    problems = [(e["field"], e["code"]) for e in response.json()["details"]["errors"]]
    p = "promotionalEntitlements"
    assert problems == [
        (f"{p}[1].featureId", "not_found"),
        (f"{p}[2].featureId", "archived"),
        (f"{p}[3].customEndDate", "required"),
        (f"{p}[3].usageLimit", "required"),
        (f"{p}[4].customEndDate", "out_of_range"),
        (f"{p}[4].usageLimit", "out_of_range"),
        (f"{p}[5].featureId", "duplicate"),
        (f"{p}[5].customEndDate", "not_allowed"),
        (f"{p}[5].usageLimit", "not_allowed"),
        (f"{p}[6].enumValues[1]", "unknown_value"),
        (f"{p}[7].featureId", "duplicate"),
        (f"{p}[7].usageLimit", "not_allowed"),
        (f"{p}[7].monthlyResetPeriodConfiguration", "not_allowed"),
        (f"{p}[8].featureId", "duplicate"),
        (f"{p}[8].resetPeriod", "not_allowed"),
        (f"{p}[9].featureId", "duplicate"),
        (f"{p}[9].enumValues", "required"),
    ]
    assert api.get(url).json()["data"] == []
    assert events(container) == before


def test_a_grant_request_must_list_something_of_known_shape(api: httpx.Client) -> None:
    api.post("/api/v1/customers", json={"id": "acme"})
    url = "/api/v1/customers/acme/promotional-entitlements"
    empty = api.post(url, json={"promotionalEntitlements": []})
    assert empty.status_code == 400
    assert empty.json()["details"]["errors"][0] == {
        "field": "promotionalEntitlements",
        "message": "must list at least one grant",
        "code": "required",
    }
    bad_period = api.post(url, json={"promotionalEntitlements": [grant("sso", "2 weeks")]})
    assert bad_period.status_code == 400
    assert bad_period.json()["details"]["errors"][0]["field"] == (
        "promotionalEntitlements[0].period"
    )
    bad_date = api.post(
        url,
        json={"promotionalEntitlements": [grant("sso", "custom", customEndDate="soon")]},
    )
    assert bad_date.json()["details"]["errors"][0]["field"] == (
        "promotionalEntitlements[0].customEndDate"
    )


def test_ids_that_could_not_be_named_in_a_url_are_refused(api: httpx.Client) -> None:
    for bad in ("team/acme", "..", "."):
        response = api.post("/api/v1/customers", json={"id": bad})
        assert response.status_code == 400, bad
        assert response.json()["details"]["errors"][0]["field"] == "id"
    assert api.get("/api/v1/customers").json()["data"] == []
