"""Entitlement checks and effective entitlements over HTTP, on SQLite and PostgreSQL.

The catalog: product `analytics`; features sso (BOOLEAN), calls (metered, COUNT, resets
monthly in plan `pro`), seats (NUMBER, not metered), region (ENUM eu/us/ap) and exports
(BOOLEAN, in no plan). Plan `pro`: sso, 100 calls a month, 5 seats, region eu or us. Plan
`team` (same product): sso and 1000 calls a month. The clock starts at 2026-01-15T09:30Z.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.api.conftest import Keys
from tests.support import SettableClock

CHECK = "/api/v1/customers/{}/entitlements/check"


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidArgument", body
    return [(e["field"], e["code"]) for e in body["details"]["errors"]]


def setup_catalog(api: httpx.Client, multiple_subscriptions: bool = False) -> None:
    for body in (
        {"id": "sso", "displayName": "SSO", "featureType": "BOOLEAN"},
        {
            "id": "calls",
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
        {"id": "exports", "displayName": "Exports", "featureType": "BOOLEAN"},
    ):
        ok(api.post("/api/v1/features", json=body), 201)
    product = {
        "id": "analytics",
        "displayName": "Analytics",
        "multipleSubscriptions": multiple_subscriptions,
    }
    ok(api.post("/api/v1/products", json=product), 201)
    plans = {
        "pro": [
            {"id": "sso", "type": "FEATURE"},
            {"id": "calls", "type": "FEATURE", "usageLimit": 100, "resetPeriod": "MONTH"},
            {"id": "seats", "type": "FEATURE", "usageLimit": 5},
            {"id": "region", "type": "FEATURE", "enumValues": ["eu", "us"]},
        ],
        "team": [
            {"id": "sso", "type": "FEATURE"},
            {"id": "calls", "type": "FEATURE", "usageLimit": 1000, "resetPeriod": "MONTH"},
        ],
    }
    for plan_id, entitlements in plans.items():
        plan = {"id": plan_id, "displayName": plan_id.title(), "productId": "analytics"}
        ok(api.post("/api/v1/plans", json=plan), 201)
        path = f"/api/v1/plans/{plan_id}/entitlements"
        ok(api.post(path, json={"entitlements": entitlements}), 201)
        publish = {"migrationType": "NEW_CUSTOMERS"}
        ok(api.post(f"/api/v1/plans/{plan_id}/publish", json=publish))
    ok(api.post("/api/v1/customers", json={"id": "acme", "name": "Acme"}), 201)


def subscribe(api: httpx.Client, sub_id: str = "sub-pro", plan_id: str = "pro") -> None:
    body = {
        "id": sub_id,
        "customerId": "acme",
        "planId": plan_id,
        "paymentCollectionMethod": "INVOICE",
    }
    ok(api.post("/api/v1/subscriptions", json=body), 201)


def report(api: httpx.Client, feature_id: str, value: int, customer_id: str = "acme") -> None:
    usage = {"customerId": customer_id, "featureId": feature_id, "value": value}
    ok(api.post("/api/v1/usage", json={"usages": [usage]}), 201)


def check(api: httpx.Client, customer_id: str = "acme", **params: Any) -> dict[str, Any]:
    return ok(api.get(CHECK.format(customer_id), params=params))


def test_a_metered_feature_under_its_limit_is_granted_with_its_usage_and_period(
    api: httpx.Client,
) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 40)

    assert check(api, featureId="calls") == {
        "type": "FEATURE",
        "isGranted": True,
        "accessDeniedReason": None,
        "currentUsage": 40,
        "usageLimit": 100,
        "hasUnlimitedUsage": False,
        "resetPeriod": "MONTH",
        "usagePeriodAnchor": "2026-01-15T09:30:00Z",
        "usagePeriodStart": "2026-01-15T09:30:00Z",
        "usagePeriodEnd": "2026-02-15T09:30:00Z",
        "feature": {
            "id": "calls",
            "displayName": "API calls",
            "featureStatus": "NEW",
            "featureType": "NUMBER",
        },
        "entitlementUpdatedAt": "2026-01-15T09:30:00Z",
        "validUntil": "2026-02-15T09:30:00Z",
    }
    granted = check(api, featureId="calls", requestedUsage=60)
    assert (granted["isGranted"], granted["accessDeniedReason"]) == (True, None)
    refused = check(api, featureId="calls", requestedUsage=61)
    assert (refused["isGranted"], refused["accessDeniedReason"]) == (
        False,
        "RequestedUsageExceedingLimit",
    )
    assert refused["currentUsage"] == 40


def test_an_answer_from_the_cache_is_byte_for_byte_the_first_answer(
    api: httpx.Client, container: Container, keys: Keys
) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 3)
    params = {"featureId": "calls", "requestedUsage": "2"}
    first = api.get(CHECK.format("acme"), params=params)  # reads the database
    caller = container.tenancy.authenticate(keys.sandbox_server)
    assert container.entitlements.cached_check(caller, "acme", "calls") is not None
    second = api.get(CHECK.format("acme"), params=params)  # answered before routing
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_boolean_number_and_enum_features_are_checked_by_their_kind(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)

    sso = check(api, featureId="sso")
    assert (sso["isGranted"], sso["currentUsage"], sso["usageLimit"]) == (True, None, None)
    assert sso["resetPeriod"] is None
    assert sso["usagePeriodStart"] is None
    assert sso["validUntil"] is None
    seats = check(api, featureId="seats", requestedUsage=5)
    assert (seats["isGranted"], seats["currentUsage"], seats["usageLimit"]) == (True, 0, 5)
    assert check(api, featureId="seats", requestedUsage=6)["accessDeniedReason"] == (
        "RequestedUsageExceedingLimit"
    )
    region = check(api, featureId="region", requestedValues="eu,us")
    assert (region["isGranted"], region["feature"]["featureType"]) == (True, "ENUM")
    mismatch = check(api, featureId="region", requestedValues="eu,ap")
    assert (mismatch["isGranted"], mismatch["accessDeniedReason"]) == (
        False,
        "RequestedValuesMismatch",
    )


def test_each_denial_names_its_reason(api: httpx.Client) -> None:
    setup_catalog(api)
    ok(api.post("/api/v1/customers", json={"id": "idle", "name": "No subscription"}), 201)
    subscribe(api)

    def denial(customer_id: str, feature_id: str) -> tuple[bool, str | None]:
        found = check(api, customer_id, featureId=feature_id)
        return found["isGranted"], found["accessDeniedReason"]

    assert denial("ghost", "sso") == (False, "CustomerNotFound")
    assert denial("acme", "teleport") == (False, "FeatureNotFound")
    assert denial("idle", "sso") == (False, "NoActiveSubscription")
    assert denial("acme", "exports") == (False, "NoFeatureEntitlementInSubscription")
    unknown = check(api, "acme", featureId="teleport")
    assert (unknown["feature"], unknown["usageLimit"], unknown["currentUsage"]) == (
        None,
        None,
        None,
    )
    not_in_plan = check(api, "acme", featureId="exports")
    assert not_in_plan["feature"] == {
        "id": "exports",
        "displayName": "Exports",
        "featureStatus": "NEW",
        "featureType": "BOOLEAN",
    }

    ok(api.post("/api/v1/customers/acme/archive"))
    assert denial("acme", "sso") == (False, "CustomerIsArchived")
    ok(api.post("/api/v1/customers/acme/unarchive"))
    assert denial("acme", "sso") == (True, None)


def test_usage_over_the_limit_denies_and_a_new_period_grants_again(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 100)

    used_up = check(api, featureId="calls")
    assert (used_up["isGranted"], used_up["accessDeniedReason"], used_up["currentUsage"]) == (
        False,
        "RequestedUsageExceedingLimit",
        100,
    )
    clock.advance(timedelta(days=31))  # 2026-02-15T09:30Z: the next monthly window
    fresh = check(api, featureId="calls")
    assert (fresh["isGranted"], fresh["currentUsage"]) == (True, 0)
    assert (fresh["usagePeriodStart"], fresh["usagePeriodEnd"]) == (
        "2026-02-15T09:30:00Z",
        "2026-03-15T09:30:00Z",
    )


def test_usage_reports_and_history_count_in_the_window_checks_use(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api)
    subscribe(api)  # pro: 100 calls a month from the subscription's start, 2026-01-15T09:30Z
    report(api, "calls", 30)
    clock.advance(timedelta(days=31))  # 2026-02-15T09:30Z
    usage = {"customerId": "acme", "featureId": "calls", "value": 5}
    reported = ok(api.post("/api/v1/usage", json={"usages": [usage]}), 201)[0]

    assert (
        reported["currentUsage"],
        reported["usagePeriodStart"],
        reported["usagePeriodEnd"],
        reported["nextResetDate"],
    ) == (5, "2026-02-15T09:30:00Z", "2026-03-15T09:30:00Z", "2026-03-15T09:30:00Z")
    assert check(api, featureId="calls")["currentUsage"] == 5
    params = {"startDate": "2026-02-14", "endDate": "2026-02-16"}
    history = ok(api.get("/api/v1/usage/acme/history/calls", params=params))
    assert history["markers"] == [{"timestamp": "2026-02-15T09:30:00Z", "type": "PERIODIC_RESET"}]


def test_a_check_right_after_a_usage_report_sees_it(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)
    assert check(api, featureId="calls")["currentUsage"] == 0  # now cached
    for expected in (30, 60, 90):
        report(api, "calls", 30)
        assert check(api, featureId="calls")["currentUsage"] == expected
    report(api, "calls", 10)
    assert check(api, featureId="calls")["isGranted"] is False


def test_a_change_of_subscription_shows_at_once(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 150)
    assert check(api, featureId="calls")["isGranted"] is False  # cached: 150 of 100
    assert check(api, featureId="seats")["isGranted"] is True

    subscribe(api, "sub-team", "team")  # replaces sub-pro (one subscription per product)
    upgraded = check(api, featureId="calls")
    assert (upgraded["isGranted"], upgraded["usageLimit"]) == (True, 1000)
    assert check(api, featureId="seats")["accessDeniedReason"] == (
        "NoFeatureEntitlementInSubscription"
    )
    cancel = {"cancellationTime": "IMMEDIATE"}
    ok(api.post("/api/v1/subscriptions/sub-team/cancel", json=cancel))
    assert check(api, featureId="sso")["accessDeniedReason"] == "NoActiveSubscription"


def test_the_most_generous_value_wins_across_subscriptions_and_promotional_grants(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup_catalog(api, multiple_subscriptions=True)
    subscribe(api)
    clock.advance(timedelta(days=3))  # 2026-01-18T09:30Z
    subscribe(api, "sub-team", "team")
    report(api, "calls", 500)

    calls = check(api, featureId="calls")
    # team's 1000 wins, so its window (anchored on its start) counts the usage.
    assert (calls["isGranted"], calls["usageLimit"], calls["currentUsage"]) == (True, 1000, 500)
    assert calls["usagePeriodStart"] == "2026-01-18T09:30:00Z"

    grant = {
        "featureId": "exports",
        "period": "1 week",
        "customEndDate": None,
        "enumValues": None,
        "hasSoftLimit": None,
        "hasUnlimitedUsage": None,
        "isVisible": None,
        "monthlyResetPeriodConfiguration": None,
        "resetPeriod": None,
        "usageLimit": None,
        "weeklyResetPeriodConfiguration": None,
        "yearlyResetPeriodConfiguration": None,
    }
    unlimited = {**grant, "featureId": "seats", "hasUnlimitedUsage": True}
    path = "/api/v1/customers/acme/promotional-entitlements"
    assert api.post(path, json={"promotionalEntitlements": [grant, unlimited]}).status_code == 201
    exports = check(api, featureId="exports")
    assert (exports["isGranted"], exports["validUntil"]) == (True, "2026-01-25T09:30:00Z")
    seats = check(api, featureId="seats", requestedUsage=10_000)
    assert (seats["isGranted"], seats["hasUnlimitedUsage"]) == (True, True)

    ok(api.delete(f"{path}/exports"))
    assert check(api, featureId="exports")["accessDeniedReason"] == (
        "NoFeatureEntitlementInSubscription"
    )


def test_a_promotional_grant_alone_grants_its_feature(api: httpx.Client) -> None:
    setup_catalog(api)
    grant = {
        "featureId": "calls",
        "period": "lifetime",
        "customEndDate": None,
        "enumValues": None,
        "hasSoftLimit": None,
        "hasUnlimitedUsage": None,
        "isVisible": None,
        "monthlyResetPeriodConfiguration": None,
        "resetPeriod": "DAY",
        "usageLimit": 10,
        "weeklyResetPeriodConfiguration": None,
        "yearlyResetPeriodConfiguration": None,
    }
    path = "/api/v1/customers/acme/promotional-entitlements"
    assert api.post(path, json={"promotionalEntitlements": [grant]}).status_code == 201
    report(api, "calls", 4)

    calls = check(api, featureId="calls")
    assert (calls["isGranted"], calls["usageLimit"], calls["currentUsage"]) == (True, 10, 4)
    assert (calls["usagePeriodStart"], calls["usagePeriodEnd"]) == (
        "2026-01-15T00:00:00Z",
        "2026-01-16T00:00:00Z",
    )
    assert check(api, featureId="sso")["accessDeniedReason"] == (
        "NoFeatureEntitlementInSubscription"
    )


def test_effective_entitlements_list_every_feature_checked_now(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 100)

    listed = ok(api.get("/api/v1/customers/acme/entitlements"))
    assert listed["accessDeniedReason"] is None
    summary = [
        (e["feature"]["id"], e["isGranted"], e["accessDeniedReason"], e["currentUsage"])
        for e in listed["entitlements"]
    ]
    assert summary == [
        ("calls", False, "RequestedUsageExceedingLimit", 100),
        ("region", True, None, None),
        ("seats", True, None, 0),
        ("sso", True, None, None),
    ]
    assert all(e["type"] == "FEATURE" for e in listed["entitlements"])


@pytest.mark.parametrize(
    ("customer_id", "reason"),
    [
        ("ghost", "CustomerNotFound"),
        ("idle", "NoActiveSubscription"),
        ("gone", "CustomerIsArchived"),
    ],
)
def test_effective_entitlements_say_why_a_customer_has_none(
    api: httpx.Client, customer_id: str, reason: str
) -> None:
    setup_catalog(api)
    for new in ("idle", "gone"):
        ok(api.post("/api/v1/customers", json={"id": new}), 201)
    ok(api.post("/api/v1/customers/gone/archive"))

    listed = ok(api.get(f"/api/v1/customers/{customer_id}/entitlements"))
    assert listed == {"accessDeniedReason": reason, "entitlements": []}


def test_a_customer_or_feature_created_after_a_check_shows_at_once(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)
    assert check(api, "newco", featureId="sso")["accessDeniedReason"] == "CustomerNotFound"
    assert check(api, featureId="teleport")["accessDeniedReason"] == "FeatureNotFound"

    ok(api.post("/api/v1/customers", json={"id": "newco"}), 201)
    feature = {"id": "teleport", "displayName": "Teleport", "featureType": "BOOLEAN"}
    ok(api.post("/api/v1/features", json=feature), 201)
    assert check(api, "newco", featureId="sso")["accessDeniedReason"] == "NoActiveSubscription"
    assert check(api, featureId="teleport")["accessDeniedReason"] == (
        "NoFeatureEntitlementInSubscription"
    )


def test_a_feature_change_shows_in_the_next_check(api: httpx.Client) -> None:
    setup_catalog(api)
    subscribe(api)
    assert check(api, featureId="sso")["feature"]["displayName"] == "SSO"
    ok(api.patch("/api/v1/features/sso", json={"displayName": "Single sign-on"}))
    assert check(api, featureId="sso")["feature"]["displayName"] == "Single sign-on"
    ok(api.post("/api/v1/features/sso/archive"))
    archived = check(api, featureId="sso")
    assert (archived["isGranted"], archived["feature"]["featureStatus"]) == (True, "SUSPENDED")


def test_bad_check_parameters_are_refused_naming_each(api: httpx.Client) -> None:
    setup_catalog(api)
    assert problems(api.get(CHECK.format("acme"))) == [("featureId", "required")]
    assert problems(
        api.get(CHECK.format("acme"), params={"featureId": "calls", "requestedUsage": "-1"})
    ) == [("requestedUsage", "invalid")]
    assert problems(
        api.get(CHECK.format("acme"), params={"featureId": "calls", "requestedUsage": "lots"})
    ) == [("requestedUsage", "invalid")]
    assert problems(api.get(CHECK.format("acme"), params={"currencyId": "credits"})) == [
        ("currencyId", "not_supported"),
        ("featureId", "required"),
    ]
    refused = api.get("/api/v1/customers/acme/entitlements", params={"resourceId": "r1"})
    assert problems(refused) == [("resourceId", "not_supported")]


def test_checks_change_nothing(api: httpx.Client, container: Container) -> None:
    setup_catalog(api)
    subscribe(api)
    before = api.get("/api/v1/customers/acme").json()
    with container.uow() as uow:
        events_before = len(uow.outbox.undispatched(1000))
    for feature_id in ("sso", "calls", "teleport"):
        check(api, featureId=feature_id, requestedUsage=1)
    check(api, "ghost", featureId="sso")
    ok(api.get("/api/v1/customers/acme/entitlements"))
    assert api.get("/api/v1/customers/acme").json() == before
    with container.uow() as uow:
        assert len(uow.outbox.undispatched(1000)) == events_before
    assert api.get("/api/v1/customers/ghost").status_code == 404


def test_client_keys_may_check_and_list_but_not_write(
    api: httpx.Client, server_url: str, keys: Keys
) -> None:
    setup_catalog(api)
    subscribe(api)
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": keys.sandbox_client}) as client:
        assert ok(client.get(CHECK.format("acme"), params={"featureId": "sso"}))["isGranted"]
        listed = ok(client.get("/api/v1/customers/acme/entitlements"))
        assert len(listed["entitlements"]) == 4
        refused = client.post("/api/v1/usage", json={"usages": []})
        assert (refused.status_code, refused.json()["code"]) == (403, "PermissionDenied")
        assert client.get("/api/v1/customers/acme").status_code == 403


def test_checks_need_a_valid_key(anonymous: httpx.Client, server_url: str) -> None:
    missing = anonymous.get(CHECK.format("acme"), params={"featureId": "sso"})
    assert (missing.status_code, missing.json()["code"]) == (401, "Unauthenticated")
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": "sk_nope"}) as client:
        wrong = client.get("/api/v1/customers/acme/entitlements")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "Unauthenticated")


def test_another_environment_sees_none_of_the_customer(
    api: httpx.Client, production_api: httpx.Client
) -> None:
    setup_catalog(api)
    subscribe(api)
    elsewhere = check(production_api, featureId="sso")
    assert (elsewhere["isGranted"], elsewhere["accessDeniedReason"]) == (False, "CustomerNotFound")
    listed = ok(production_api.get("/api/v1/customers/acme/entitlements"))
    assert listed == {"accessDeniedReason": "CustomerNotFound", "entitlements": []}


@contextmanager
def statements(container: Container) -> Iterator[list[str]]:
    """The SQL statements the server runs meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", record)


def together(api: httpx.Client, paths: list[str]) -> list[httpx.Response]:
    """The requests at once, each on its own connection."""
    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(api.get, paths))


def reads_of(table: str, seen: list[str]) -> int:
    return sum(1 for sql in seen if sql.lstrip().upper().startswith("SELECT") and table in sql)


def test_a_customers_first_checks_arriving_together_read_it_once(
    api: httpx.Client, container: Container
) -> None:
    setup_catalog(api)
    subscribe(api)
    report(api, "calls", 7)
    container.entitlements.cache.clear()
    features = ["sso", "calls", "seats", "region", "exports"] * 4
    with statements(container) as seen:
        answers = together(api, [f"{CHECK.format('acme')}?featureId={f}" for f in features])
    granted = {f: a.json()["data"]["isGranted"] for f, a in zip(features, answers, strict=True)}
    assert granted == {"sso": True, "calls": True, "seats": True, "region": True, "exports": False}
    assert {a.json()["data"].get("currentUsage") for a in answers[1::5]} == {7}
    assert reads_of("FROM customers", seen) == 1
    assert reads_of("FROM subscriptions", seen) >= 1


def test_an_expired_key_is_looked_up_once_for_the_checks_that_wait_for_it(
    api: httpx.Client, container: Container, clock: SettableClock, keys: Keys
) -> None:
    setup_catalog(api)
    subscribe(api)
    check(api, featureId="sso")
    clock.advance(timedelta(seconds=container.settings.api_key_cache_seconds))
    with statements(container) as seen:
        answers = together(api, [f"{CHECK.format('acme')}?featureId=sso"] * 16)
    assert [a.json()["data"]["isGranted"] for a in answers] == [True] * 16
    assert reads_of("FROM api_keys", seen) == 1


def test_a_revoked_key_is_refused_checks_once_its_cache_entry_expires(
    container: Container, server_url: str, clock: SettableClock
) -> None:
    created = container.tenancy.create_key("sandbox", KeyKind.CLIENT, "to revoke")
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": created.secret}) as client:
        first = client.get(CHECK.format("acme"), params={"featureId": "sso"})
        assert first.json()["data"]["accessDeniedReason"] == "CustomerNotFound"
        container.tenancy.revoke_key(created.key.id)
        clock.advance(timedelta(seconds=container.settings.api_key_cache_seconds))
        refused = client.get(CHECK.format("acme"), params={"featureId": "sso"})
    assert (refused.status_code, refused.json()["code"]) == (401, "Unauthenticated")
