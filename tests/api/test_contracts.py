"""Contracts over HTTP, on SQLite and PostgreSQL: create with subscriptions (atomic and
idempotent), membership rules, draft updates with concurrent-edit protection, activation and its
refusals, amendments, cancel, archive, renew, expiry and lists. Every refusal is checked to
have changed nothing.

The catalog: plan `enterprise` (CUSTOM, product `analytics`), plan `crm-custom` (CUSTOM, product
`crm`), plan `pro` (PAID: 49.99 a month, 12.50 a seat, product `insights`); customers `acme`
(USD) and `globex`; legal entities `pact-de` (bank transfer) and `pact-us` (no payment account).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.errors import SubscriptionOnAnotherContract
from tests.support import SettableClock

PRO_PRICING = {
    "pricingType": "PAID",
    "pricingModels": [
        {
            "billingModel": "FLAT_FEE",
            "pricePeriods": [
                {"billingPeriod": "MONTHLY", "price": {"amount": 49.99, "currency": "usd"}}
            ],
        },
        {
            "billingModel": "PER_UNIT",
            "featureId": "seats",
            "pricePeriods": [{"billingPeriod": "MONTHLY", "price": {"amount": 12.5}}],
        },
    ],
}
DRAFT_TERMS: dict[str, Any] = {
    "currency": "USD",
    "startDate": "2026-02-01",
    "endDate": "2027-01-31",
    "lineItems": [
        {
            "id": "platform",
            "name": "Platform",
            "chargeType": "FIXED",
            "billingCycle": {"unit": "YEAR"},
            "priceVersions": [{"model": {"type": "FLAT_FEE", "price": "12000"}}],
        },
        {
            "id": "seats",
            "name": "Seats",
            "chargeType": "FIXED",
            "billingCycle": {"unit": "MONTH"},
            "priceVersions": [{"model": {"type": "PER_UNIT", "price": "45"}}],
            "quantities": [{"effectiveDate": "2026-02-01", "quantity": "10"}],
        },
    ],
}


# --- helpers --------------------------------------------------------------------------------


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    body = refused(response, 400, "InvalidArgument")
    return [(e["field"], e["code"]) for e in body["details"]["errors"]]


def setup(api: httpx.Client) -> None:
    ok(
        api.post(
            "/api/v1/features",
            json={"id": "seats", "displayName": "Seats", "featureType": "NUMBER"},
        ),
        201,
    )
    ok(
        api.post(
            "/api/v1/products",
            json={"id": "analytics", "displayName": "Analytics", "multipleSubscriptions": True},
        ),
        201,
    )
    ok(api.post("/api/v1/products", json={"id": "crm", "displayName": "CRM"}), 201)
    ok(api.post("/api/v1/products", json={"id": "insights", "displayName": "Insights"}), 201)
    ok(
        api.post(
            "/api/v1/customers", json={"id": "acme", "name": "Acme", "billingCurrency": "usd"}
        ),
        201,
    )
    ok(api.post("/api/v1/customers", json={"id": "globex", "name": "Globex"}), 201)
    enterprise = {"id": "enterprise", "displayName": "Enterprise", "productId": "analytics"}
    ok(api.post("/api/v1/plans", json={**enterprise, "pricingType": "CUSTOM"}), 201)
    ok(api.post("/api/v1/plans/enterprise/publish", json={"migrationType": "NEW_CUSTOMERS"}))
    ok(
        api.post(
            "/api/v1/plans", json={"id": "pro", "displayName": "Pro", "productId": "insights"}
        ),
        201,
    )
    ok(api.patch("/api/v1/plans/pro", json={"charges": PRO_PRICING}))
    ok(api.post("/api/v1/plans/pro/publish", json={"migrationType": "NEW_CUSTOMERS"}))
    ok(
        api.post(
            "/api/v1/plans",
            json={
                "id": "crm-custom",
                "displayName": "CRM",
                "productId": "crm",
                "pricingType": "CUSTOM",
            },
        ),
        201,
    )
    ok(api.post("/api/v1/plans/crm-custom/publish", json={"migrationType": "NEW_CUSTOMERS"}))
    bank = {"accountHolder": "Pact GmbH", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    entity = {"id": "pact-de", "name": "Pact GmbH", "country": "DE", "address": ["Main 1"]}
    ok(api.post("/api/v1/contracts/legal-entities", json={**entity, "bankTransfer": bank}), 201)
    unpaid = {"id": "pact-us", "name": "Pact Inc", "country": "US"}
    ok(api.post("/api/v1/contracts/legal-entities", json=unpaid), 201)


def subscribe(api: httpx.Client, sub_id: str, plan: str = "enterprise", **more: Any) -> None:
    body = {
        "id": sub_id,
        "customerId": "acme",
        "planId": plan,
        "paymentCollectionMethod": "INVOICE",
    }
    ok(api.post("/api/v1/subscriptions", json={**body, **more}), 201)


def overridden(api: httpx.Client, sub_id: str = "sub-pro") -> None:
    """A PAID subscription with negotiated prices: custom-priced, so a contract may hold it."""
    subscribe(
        api,
        sub_id,
        "pro",
        unitQuantity=5,
        priceOverrides=[
            {"baseCharge": True, "amount": 39.99},
            {"featureId": "seats", "amount": 10},
        ],
    )


def create(api: httpx.Client, status: int = 201, **body: Any) -> dict[str, Any]:
    return ok(api.post("/api/v1/contracts", json={"customerId": "acme", **body}), status)


def contract(api: httpx.Client, contract_id: str) -> dict[str, Any]:
    return ok(api.get(f"/api/v1/contracts/{contract_id}"))


def contract_ids(api: httpx.Client, **params: Any) -> list[str]:
    response = api.get("/api/v1/contracts", params=params)
    assert response.status_code == 200, response.text
    return [c["contractId"] for c in response.json()["data"]]


def events(container: Container, prefix: str = "contract.") -> list[tuple[str, dict[str, Any]]]:
    with container.uow() as uow:
        return [
            (e.type, dict(e.data))
            for e in uow.outbox.undispatched(1000)
            if e.type.startswith(prefix)
        ]


def ready(api: httpx.Client, contract_id: str = "c-1", **more: Any) -> dict[str, Any]:
    """A complete draft on pact-de with the 2026/27 terms."""
    return create(api, contractId=contract_id, legalEntityId="pact-de", terms=DRAFT_TERMS, **more)


# --- create ---------------------------------------------------------------------------------


def test_a_contract_made_from_subscriptions_takes_their_prices_as_line_items(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    subscribe(api, "sub-ent")
    overridden(api)

    data = create(
        api,
        contractId="c-1",
        name="Acme 2026",
        poNumber="PO-7",
        legalEntityId="pact-de",
        activationStartDate="2026-02-01T00:00:00Z",
        activationEndDate="2027-02-01T00:00:00Z",
        subscriptions=[
            {"existingSubscriptionId": "sub-ent"},
            {"existingSubscriptionId": "sub-pro"},
        ],
        metadata={"deal": "42"},
        tags=["enterprise"],
    )

    assert (data["contractId"], data["state"], data["billingState"], data["status"]) == (
        "c-1",
        "DRAFT",
        "DRAFT",
        "DRAFT",
    )
    assert (data["startDate"], data["endDate"], data["currency"], data["version"]) == (
        "2026-02-01",
        "2027-01-31",
        "USD",
        1,
    )
    assert data["activationEndDate"] == "2027-02-01T00:00:00Z"
    assert data["subscriptions"] == [
        {
            "subscriptionId": "sub-ent",
            "planDisplayName": "Enterprise",
            "productDisplayName": "Analytics",
        },
        {"subscriptionId": "sub-pro", "planDisplayName": "Pro", "productDisplayName": "Insights"},
    ]
    lines = data["terms"]["lineItems"]
    assert [(line["id"], line["chargeType"]) for line in lines] == [
        ("sub-pro:pro:FLAT_FEE:base", "FIXED"),
        ("sub-pro:pro:PER_UNIT:seats", "FIXED"),
    ]
    assert lines[0]["priceVersions"][0]["model"] == {"type": "FLAT_FEE", "price": "39.99"}
    assert lines[1]["quantities"] == [{"effectiveDate": "2026-02-01", "quantity": "5"}]
    assert (data["nextInvoice"], data["latestInvoice"]) == (None, None)
    assert contract(api, "c-1") == data
    assert events(container) == [
        ("contract.created", {"id": "c-1", "customerId": "acme", "status": "DRAFT", "version": 1})
    ]


def test_create_is_idempotent_on_the_contract_id(api: httpx.Client) -> None:
    setup(api)
    body = {
        "contractId": "c-1",
        "subscriptions": [
            {"newSubscription": {"id": "sub-new", "customerId": "acme", "planId": "enterprise"}}
        ],
    }
    first = create(api, **body)

    again = create(api, 200, **body)
    assert again == first
    assert contract_ids(api) == ["c-1"]
    assert ok(api.get("/api/v1/subscriptions/sub-new"))["id"] == "sub-new"

    other = api.post("/api/v1/contracts", json={"customerId": "acme", "contractId": "c-1"})
    refused(other, 409, "DuplicatedEntityNotAllowed")
    assert other.headers["x-should-retry"] == "false"
    assert contract(api, "c-1") == first


def test_create_with_a_bad_subscription_creates_nothing_at_all(api: httpx.Client) -> None:
    setup(api)
    subscribe(api, "sub-catalogue", "pro")
    body = {
        "contractId": "c-1",
        "subscriptions": [
            {"newSubscription": {"id": "sub-new", "customerId": "acme", "planId": "enterprise"}},
            {"existingSubscriptionId": "sub-catalogue"},
            {"existingSubscriptionId": "sub-missing"},
            {"newSubscription": {"customerId": "acme", "planId": "nope"}},
        ],
    }

    assert problems(api.post("/api/v1/contracts", json={"customerId": "acme", **body})) == [
        ("subscriptions[2].existingSubscriptionId", "not_found"),
        ("subscriptions[3].newSubscription", "not_found"),
        ("subscriptions[1].existingSubscriptionId", "not_custom_priced"),
    ]
    refused(api.get("/api/v1/contracts/c-1"), 404, "EntityNotFound")
    refused(api.get("/api/v1/subscriptions/sub-new"), 404, "EntityNotFound")


def test_membership_rules_refuse_with_stable_codes_and_change_nothing(api: httpx.Client) -> None:
    setup(api)
    subscribe(api, "sub-a")
    subscribe(api, "sub-b")
    subscribe(api, "sub-crm", "crm-custom")
    ok(
        api.post(
            "/api/v1/subscriptions",
            json={"id": "sub-globex", "customerId": "globex", "planId": "enterprise"},
        ),
        201,
    )
    entries = [
        {"existingSubscriptionId": "sub-a"},
        {"existingSubscriptionId": "sub-b"},
        {"existingSubscriptionId": "sub-globex"},
        {"existingSubscriptionId": "sub-crm"},
    ]
    response = api.post(
        "/api/v1/contracts",
        json={
            "customerId": "acme",
            "contractId": "c-1",
            "currency": "EUR",
            "subscriptions": entries,
        },
    )
    assert problems(response) == [
        ("subscriptions[0].existingSubscriptionId", "currency_mismatch"),
        ("subscriptions[1].existingSubscriptionId", "currency_mismatch"),
        ("subscriptions[1].existingSubscriptionId", "duplicate_product"),
        ("subscriptions[2].existingSubscriptionId", "other_customer"),
        ("subscriptions[2].existingSubscriptionId", "currency_mismatch"),
        ("subscriptions[2].existingSubscriptionId", "duplicate_product"),
        ("subscriptions[3].existingSubscriptionId", "currency_mismatch"),
    ]
    assert contract_ids(api) == []

    create(api, contractId="c-1", subscriptions=[{"existingSubscriptionId": "sub-a"}])
    second = api.post(
        "/api/v1/contracts",
        json={
            "customerId": "acme",
            "contractId": "c-2",
            "subscriptions": [{"existingSubscriptionId": "sub-a"}],
        },
    )
    body = refused(second, 409, "SubscriptionOnAnotherContract")
    assert body["details"]["contractId"] == "c-1"
    assert second.headers["x-should-retry"] == "false"
    assert contract_ids(api) == ["c-1"]


def test_the_database_keeps_a_subscription_on_one_contract(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    subscribe(api, "sub-a")
    create(api, contractId="c-1", subscriptions=[{"existingSubscriptionId": "sub-a"}])
    create(api, contractId="c-2")

    # Past the service's own check, as a concurrent attach would be: the constraint holds.
    with container.uow() as uow:
        stored = uow.contracts.get(_env(container, api), "c-2")
        assert stored is not None
        with pytest.raises(SubscriptionOnAnotherContract):
            uow.contracts.update(replace(stored, subscription_ids=("sub-a",), version=2), 1)
    assert contract(api, "c-2")["subscriptions"] == []


def _env(container: Container, api: httpx.Client) -> str:
    key = api.headers["X-API-KEY"]
    return container.tenancy.authenticate(key).environment_id


def test_create_refusals_name_every_field(api: httpx.Client) -> None:
    setup(api)
    refused(api.post("/api/v1/contracts", json={"customerId": "nobody"}), 404, "EntityNotFound")
    response = api.post(
        "/api/v1/contracts",
        json={
            "customerId": "acme",
            "contractId": "pricing-models",
            "legalEntityId": "nope",
            "terms": {**DRAFT_TERMS, "currency": "XYZ", "usage": []},
            "activationStartDate": "2026-02-01",
        },
    )
    assert problems(response) == [
        ("contractId", "reserved"),
        ("terms.currency", "unknown_currency"),
    ]
    response = api.post(
        "/api/v1/contracts",
        json={"customerId": "acme", "legalEntityId": "nope", "tags": ["a", "a"], "timezone": "UTC"},
    )
    assert problems(response) == [("legalEntityId", "not_found"), ("tags", "duplicate")]
    assert contract_ids(api) == []


# --- updates --------------------------------------------------------------------------------


def test_a_draft_saves_in_one_go_and_a_stale_version_writes_nothing(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    ready(api)
    terms = {**DRAFT_TERMS, "netTermsDays": 14}

    saved = ok(
        api.patch(
            "/api/v1/contracts/c-1",
            json={
                "version": 1,
                "name": "Renamed",
                "poNumber": "PO-9",
                "terms": terms,
                "tags": ["x"],
            },
        )
    )
    assert (saved["version"], saved["name"], saved["poNumber"], saved["tags"]) == (
        2,
        "Renamed",
        "PO-9",
        ["x"],
    )
    assert saved["terms"]["netTermsDays"] == 14
    assert saved["terms"]["name"] == "Renamed"

    stale = api.patch("/api/v1/contracts/c-1", json={"version": 1, "name": "Lost"})
    body = refused(stale, 409, "StaleVersion")
    assert (body["details"]["sentVersion"], body["details"]["currentVersion"]) == (1, 2)
    stale_header = api.patch(
        "/api/v1/contracts/c-1", json={"name": "Lost"}, headers={"If-Match": '"1"'}
    )
    refused(stale_header, 409, "StaleVersion")
    assert contract(api, "c-1") == saved
    assert api.get("/api/v1/contracts/c-1").headers["ETag"] == '"2"'


def test_update_refusals_change_nothing(api: httpx.Client) -> None:
    setup(api)
    before = ready(api)
    bad_terms = {**DRAFT_TERMS, "lineItems": [{"id": "x"}]}
    response = api.patch("/api/v1/contracts/c-1", json={"terms": bad_terms, "name": "New"})
    fields = problems(response)
    assert ("terms.lineItems[0].name", "missing") in fields
    assert problems(api.patch("/api/v1/contracts/c-1", json={"legalEntityId": "nope"})) == [
        ("legalEntityId", "not_found")
    ]
    assert problems(api.patch("/api/v1/contracts/c-1", json={"name": None})) == [
        ("name", "required")
    ]
    refused(api.patch("/api/v1/contracts/nope", json={"name": "x"}), 404, "EntityNotFound")
    assert contract(api, "c-1") == before


def test_activation_dates_move_the_term_and_the_lines_that_start_with_it(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    moved = ok(
        api.patch(
            "/api/v1/contracts/c-1",
            json={
                "activationStartDate": "2026-03-01T00:00:00Z",
                "activationEndDate": "2027-03-01T00:00:00Z",
            },
        )
    )
    assert (moved["startDate"], moved["endDate"]) == ("2026-03-01", "2027-02-28")
    seats = moved["terms"]["lineItems"][1]
    assert seats["priceVersions"][0]["startDate"] == "2026-03-01"
    assert seats["quantities"][0]["effectiveDate"] == "2026-03-01"
    assert ok(api.post("/api/v1/contracts/c-1/billing/publish"))["status"] == "ACTIVE"


# --- activation -----------------------------------------------------------------------------


def test_activation_runs_every_rule_and_the_completeness_checks(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    empty = create(api, contractId="c-1")
    assert problems(api.post("/api/v1/contracts/c-1/billing/publish")) == [
        ("terms.lineItems", "required"),
        ("legalEntityId", "required"),
    ]
    # Seats is a feature but not a metered one: the usage line could never bill anything.
    usage = {
        "id": "seat-usage",
        "name": "Seat usage",
        "chargeType": "USAGE",
        "billingCycle": {"unit": "MONTH"},
        "meteredFeatureId": "seats",
        "priceVersions": [{"model": {"type": "PER_UNIT", "price": "1"}}],
    }
    broken_terms = {
        **DRAFT_TERMS,
        "lineItems": [{**DRAFT_TERMS["lineItems"][1], "quantities": []}, usage],
    }
    ok(api.patch("/api/v1/contracts/c-1", json={"terms": broken_terms, "legalEntityId": "pact-us"}))
    assert problems(api.post("/api/v1/contracts/c-1/billing/publish")) == [
        ("terms.lineItems[0].quantities", "required"),
        ("terms.lineItems[1].meteredFeatureId", "unknown_metered_feature"),
        ("legalEntityId", "no_payment_account"),
    ]
    assert contract(api, "c-1")["status"] == "DRAFT"

    ok(api.patch("/api/v1/contracts/c-1", json={"terms": DRAFT_TERMS, "legalEntityId": "pact-de"}))
    stale = api.post("/api/v1/contracts/c-1/billing/publish", json={"version": 1})
    refused(stale, 409, "StaleVersion")

    active = ok(api.post("/api/v1/contracts/c-1/billing/publish", json={"version": 3}))
    assert (active["status"], active["state"], active["billingState"], active["version"]) == (
        "ACTIVE",
        "ACTIVE",
        "ACTIVE",
        4,
    )
    assert active["activatedAt"] == "2026-01-15T09:30:00Z"
    again = refused(api.post("/api/v1/contracts/c-1/billing/publish"), 409, "StateConflict")
    assert again["details"]["state"] == "ACTIVE"
    assert [t for t, _ in events(container)] == [
        "contract.created",
        "contract.updated",
        "contract.updated",
        "contract.activated",
    ]
    assert empty["version"] == 1


def test_a_second_contract_may_not_bill_a_metered_feature_the_first_bills(
    api: httpx.Client,
) -> None:
    setup(api)
    calls = {"id": "calls", "displayName": "API calls", "featureType": "NUMBER"}
    ok(api.post("/api/v1/features", json={**calls, "meterType": "INCREMENTAL"}), 201)
    usage = {
        "id": "calls",
        "name": "API calls",
        "chargeType": "USAGE",
        "billingCycle": {"unit": "MONTH"},
        "meteredFeatureId": "calls",
        "priceVersions": [{"model": {"type": "PER_UNIT", "price": "0.01"}}],
    }
    terms = {**DRAFT_TERMS, "lineItems": [*DRAFT_TERMS["lineItems"], usage]}
    create(api, contractId="c-1", legalEntityId="pact-de", terms=terms)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    # Both contracts would read all of acme's usage of 'calls' and bill it.
    create(api, contractId="c-2", legalEntityId="pact-de", terms=terms)
    body = refused(api.post("/api/v1/contracts/c-2/billing/publish"), 400, "InvalidArgument")
    [error] = body["details"]["errors"]
    assert (error["field"], error["code"]) == (
        "terms.lineItems[2].meteredFeatureId",
        "feature_billed_twice",
    )
    assert error["message"].startswith("contract 'c-1' (line 'calls') already bills 'calls'")
    assert (contract(api, "c-2")["status"], contract(api, "c-2")["version"]) == ("DRAFT", 1)

    # The next term, from the day after c-1's last, bills it in turn.
    following = {**terms, "startDate": "2027-02-01", "endDate": "2028-01-31"}
    following["lineItems"] = [
        {
            **terms["lineItems"][1],
            "quantities": [{"effectiveDate": "2027-02-01", "quantity": "10"}],
        },
        usage,
    ]
    create(api, contractId="c-3", legalEntityId="pact-de", terms=following)
    assert ok(api.post("/api/v1/contracts/c-3/billing/publish"))["status"] == "ACTIVE"


def test_the_activation_listener_runs_in_the_activating_unit_of_work(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    ready(api)
    seen: list[tuple[str, str]] = []

    def listener(uow: Any, activated: Any, at: datetime) -> None:
        seen.append((activated.id, activated.status.value))
        raise RuntimeError("the first invoice could not be drafted")

    container.contracts._on_activated = listener
    with pytest.raises(RuntimeError):
        container.contracts.activate(
            container.tenancy.authenticate(api.headers["X-API-KEY"]), "c-1"
        )
    assert seen == [("c-1", "ACTIVE")]
    assert contract(api, "c-1")["status"] == "DRAFT"


def test_an_active_contract_changes_terms_only_by_amendment(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    active = ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    refused(api.patch("/api/v1/contracts/c-1", json={"terms": DRAFT_TERMS}), 409, "StateConflict")
    refused(
        api.patch("/api/v1/contracts/c-1", json={"legalEntityId": "pact-us"}), 409, "StateConflict"
    )
    assert contract(api, "c-1") == active
    renamed = ok(api.patch("/api/v1/contracts/c-1", json={"name": "Acme", "autoRenew": True}))
    assert (renamed["name"], renamed["autoRenew"], renamed["status"]) == ("Acme", True, "ACTIVE")


# --- amendments -----------------------------------------------------------------------------


def test_an_amendment_is_effective_dated_and_recorded_with_who_and_what(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    change = {
        "version": 2,
        "effectiveDate": "2026-04-01",
        "quantityChanges": [
            {"lineItemId": "seats", "effectiveDate": "2026-04-01", "quantity": "20"}
        ],
        "priceChanges": [
            {
                "lineItemId": "platform",
                "effectiveDate": "2026-08-01",
                "model": {"type": "FLAT_FEE", "price": "13000"},
            }
        ],
    }

    amended = ok(api.post("/api/v1/contracts/c-1/billing/edit-active", json=change))

    assert amended["version"] == 3
    seats = amended["terms"]["lineItems"][1]
    assert seats["quantities"] == [
        {"effectiveDate": "2026-02-01", "quantity": "10"},
        {"effectiveDate": "2026-04-01", "quantity": "20"},
    ]
    versions = amended["terms"]["lineItems"][0]["priceVersions"]
    assert [(v["startDate"], v["endDate"], v["model"]["price"]) for v in versions] == [
        ("2026-02-01", "2026-07-31", "12000"),
        ("2026-08-01", None, "13000"),
    ]
    history = ok_list(api.get("/api/v1/contracts/c-1/amendments"))
    key_id = container.tenancy.authenticate(api.headers["X-API-KEY"]).key_id
    assert [
        (a["number"], a["actor"], a["effectiveDate"], a["versionBefore"], a["versionAfter"])
        for a in history
    ] == [(1, key_id, "2026-04-01", 2, 3)]
    assert [c["path"] for c in history[0]["changes"]] == [
        "lineItems[platform].priceVersions",
        "lineItems[seats].quantities",
    ]
    assert events(container)[-1] == (
        "contract.amended",
        {
            "id": "c-1",
            "customerId": "acme",
            "status": "ACTIVE",
            "version": 3,
            "amendment": 1,
            "effectiveDate": "2026-04-01",
            "changed": ["lineItems[platform].priceVersions", "lineItems[seats].quantities"],
        },
    )

    stale = api.post("/api/v1/contracts/c-1/billing/edit-active", json=change)
    refused(stale, 409, "StaleVersion")
    assert len(ok_list(api.get("/api/v1/contracts/c-1/amendments"))) == 1


def test_amendment_refusals_change_nothing(api: httpx.Client) -> None:
    setup(api)
    draft = ready(api)
    quantity = {"lineItemId": "seats", "effectiveDate": "2026-04-01", "quantity": "20"}
    refused(
        api.post("/api/v1/contracts/c-1/billing/edit-active", json={"quantityChanges": [quantity]}),
        409,
        "StateConflict",
    )
    assert contract(api, "c-1") == draft
    active = ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    euro = {**DRAFT_TERMS, "currency": "EUR", "startDate": "2026-03-01"}
    found = problems(api.post("/api/v1/contracts/c-1/billing/edit-active", json={"terms": euro}))
    assert {("terms.currency", "immutable"), ("terms.startDate", "immutable")} <= set(found)
    gap = {
        "terms": {
            **DRAFT_TERMS,
            "lineItems": [
                {
                    **DRAFT_TERMS["lineItems"][0],
                    "priceVersions": [
                        {"endDate": "2026-05-31", "model": {"type": "FLAT_FEE", "price": "1"}},
                        {"startDate": "2026-07-01", "model": {"type": "FLAT_FEE", "price": "2"}},
                    ],
                }
            ],
        }
    }
    assert problems(api.post("/api/v1/contracts/c-1/billing/edit-active", json=gap)) == [
        ("terms.lineItems[0].priceVersions[1].startDate", "gap")
    ]
    unknown = {"quantityChanges": [{**quantity, "lineItemId": "nope"}]}
    refused(
        api.post("/api/v1/contracts/c-1/billing/edit-active", json=unknown), 404, "EntityNotFound"
    )
    assert problems(api.post("/api/v1/contracts/c-1/billing/edit-active", json={})) == [
        ("terms", "required")
    ]
    assert contract(api, "c-1") == active
    assert ok_list(api.get("/api/v1/contracts/c-1/amendments")) == []


def ok_list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


# --- ending ---------------------------------------------------------------------------------


def test_cancel_ends_the_contract_and_its_subscriptions(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    subscribe(api, "sub-a")
    ready(api, subscriptions=[{"existingSubscriptionId": "sub-a"}])
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    gone = ok(api.post("/api/v1/contracts/c-1/cancel"))

    assert (gone["status"], gone["state"], gone["billingState"]) == (
        "CANCELED",
        "CANCELED",
        "CANCELED",
    )
    assert ok(api.get("/api/v1/subscriptions/sub-a"))["status"] == "CANCELED"
    assert events(container)[-1][0] == "contract.canceled"
    assert events(container)[-1][1]["canceledSubscriptions"] == ["sub-a"]
    assert events(container, "subscription.canceled")[-1][1]["contractId"] == "c-1"
    refused(api.post("/api/v1/contracts/c-1/cancel"), 409, "StateConflict")
    assert contract(api, "c-1") == gone


def test_archive_by_delete_or_by_the_sdk_path_is_idempotent(api: httpx.Client) -> None:
    setup(api)
    subscribe(api, "sub-a")
    create(api, contractId="c-1", subscriptions=[{"existingSubscriptionId": "sub-a"}])

    archived = ok(api.delete("/api/v1/contracts/c-1"))
    assert (archived["status"], archived["state"]) == ("ARCHIVED", "CANCELED")
    assert ok(api.get("/api/v1/subscriptions/sub-a"))["status"] == "CANCELED"
    assert ok(api.post("/api/v1/contracts/c-1/archive")) == archived
    refused(api.patch("/api/v1/contracts/c-1", json={"name": "x"}), 409, "StateConflict")
    refused(api.post("/api/v1/contracts/c-1/billing/publish"), 409, "StateConflict")
    refused(api.delete("/api/v1/contracts/nope"), 404, "EntityNotFound")


def test_renew_makes_a_draft_for_the_next_term(api: httpx.Client, container: Container) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    following = ok(api.post("/api/v1/contracts/c-1/renew", json={"contractId": "c-2"}), 201)

    assert (following["contractId"], following["status"], following["renewedFromId"]) == (
        "c-2",
        "DRAFT",
        "c-1",
    )
    assert (following["startDate"], following["endDate"]) == ("2027-02-01", "2028-01-31")
    assert contract(api, "c-1")["renewedById"] == "c-2"
    again = api.post("/api/v1/contracts/c-1/renew", json={"contractId": "c-3"})
    assert problems(again) == [("id", "already_renewed")]
    assert contract_ids(api) == ["c-1", "c-2"]
    assert (
        "contract.renewed",
        {
            "id": "c-2",
            "customerId": "acme",
            "status": "DRAFT",
            "version": 1,
            "renewedFromId": "c-1",
        },
    ) in events(container)


def test_an_open_ended_or_draft_contract_does_not_renew(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    refused(api.post("/api/v1/contracts/c-1/renew"), 409, "StateConflict")
    evergreen = {**DRAFT_TERMS, "endDate": None}
    create(api, contractId="c-2", legalEntityId="pact-de", terms=evergreen)
    ok(api.post("/api/v1/contracts/c-2/billing/publish"))
    assert problems(api.post("/api/v1/contracts/c-2/renew")) == [("endDate", "open_ended")]
    assert contract_ids(api) == ["c-1", "c-2"]


def test_expire_due_records_expiry_and_auto_renews_with_the_subscriptions(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    subscribe(api, "sub-a")
    ready(api, "c-1", autoRenew=True, subscriptions=[{"existingSubscriptionId": "sub-a"}])
    ready(api, "c-2")
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    ok(api.post("/api/v1/contracts/c-2/billing/publish"))

    assert container.contracts.expire_due(datetime(2027, 1, 31, 23, 59, tzinfo=UTC)) == []
    clock.set(datetime(2027, 2, 2, tzinfo=UTC))
    assert contract(api, "c-2")["status"] == "EXPIRED"  # derived before the job runs
    assert contract_ids(api, status="EXPIRED") == ["c-1", "c-2"]

    done = container.contracts.expire_due(datetime(2027, 2, 1, 0, 0, tzinfo=UTC))

    assert sorted(done) == ["c-1", "c-2"]
    old, plain = contract(api, "c-1"), contract(api, "c-2")
    assert (old["status"], old["state"], old["endedAt"]) == (
        "EXPIRED",
        "END_BILLING",
        "2027-02-01T00:00:00Z",
    )
    assert old["subscriptions"] == []
    following = contract(api, old["renewedById"])
    assert (following["status"], following["startDate"], following["endDate"]) == (
        "ACTIVE",
        "2027-02-01",
        "2028-01-31",
    )
    assert [s["subscriptionId"] for s in following["subscriptions"]] == ["sub-a"]
    assert (plain["status"], plain["renewedById"]) == ("EXPIRED", None)
    assert container.contracts.expire_due(datetime(2027, 2, 1, tzinfo=UTC)) == []
    types = [t for t, _ in events(container)]
    assert types[-4:] == [
        "contract.expired",
        "contract.renewed",
        "contract.activated",
        "contract.expired",
    ]


def test_expiry_hands_subscriptions_to_a_renewal_made_by_hand_or_ends_them(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    subscribe(api, "sub-a")
    subscribe(api, "sub-b")
    ready(api, "c-1", subscriptions=[{"existingSubscriptionId": "sub-a"}])
    ready(api, "c-2", subscriptions=[{"existingSubscriptionId": "sub-b"}])
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    ok(api.post("/api/v1/contracts/c-2/billing/publish"))
    ok(api.post("/api/v1/contracts/c-1/renew", json={"contractId": "c-3"}), 201)  # still a draft
    clock.set(datetime(2027, 2, 1, 6, tzinfo=UTC))

    assert sorted(container.contracts.expire_due(clock.now())) == ["c-1", "c-2"]

    assert contract(api, "c-1")["subscriptions"] == []
    following = contract(api, "c-3")
    assert following["status"] == "DRAFT"
    assert [s["subscriptionId"] for s in following["subscriptions"]] == ["sub-a"]
    kept = ok(api.get("/api/v1/subscriptions/sub-a"))
    assert (kept["status"], kept["contractId"]) == ("ACTIVE", "c-3")
    # No next term for c-2: the customer's access ends with the term, at its last midnight
    # (the contract still lists the subscription, as a canceled contract does).
    ended = ok(api.get("/api/v1/subscriptions/sub-b"))
    assert (ended["status"], ended["effectiveEndDate"]) == ("CANCELED", "2027-02-01T00:00:00Z")
    expired = [data for kind, data in events(container) if kind == "contract.expired"]
    assert [(e["id"], e["canceledSubscriptions"]) for e in expired] == [
        ("c-1", []),
        ("c-2", ["sub-b"]),
    ]


# --- lists ----------------------------------------------------------------------------------


def test_lists_filter_and_page(api: httpx.Client, clock: SettableClock) -> None:
    setup(api)
    ready(api, "c-1")
    clock.advance(timedelta(seconds=1))
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    create(api, contractId="c-2", name="Small", currency="EUR")
    clock.advance(timedelta(seconds=1))
    ok(api.post("/api/v1/contracts", json={"customerId": "globex", "contractId": "c-3"}), 201)
    clock.advance(timedelta(seconds=1))
    create(api, contractId="c-4", name="Gone")
    ok(api.post("/api/v1/contracts/c-4/cancel"))

    assert contract_ids(api) == ["c-1", "c-2", "c-3", "c-4"]
    assert contract_ids(api, customerExternalId="acme") == ["c-1", "c-2", "c-4"]
    assert contract_ids(api, state="DRAFT,CANCELED") == ["c-2", "c-3", "c-4"]
    assert contract_ids(api, status="ACTIVE") == ["c-1"]
    assert contract_ids(api, name="Small") == ["c-2"]
    assert contract_ids(api, currency="eur") == ["c-2"]
    assert contract_ids(api, legalEntityId="pact-de") == ["c-1"]
    assert contract_ids(api, **{"startDate[gte]": "2026-02-01"}) == ["c-1"]
    assert contract_ids(api, **{"endDate[lte]": "2027-12-31"}) == ["c-1"]
    assert contract_ids(api, **{"createdAt[gt]": "2026-01-15T09:30:01Z"}) == ["c-3", "c-4"]

    first = api.get("/api/v1/contracts", params={"limit": 2}).json()
    assert [c["contractId"] for c in first["data"]] == ["c-1", "c-2"]
    rest = api.get("/api/v1/contracts", params={"limit": 2, "after": first["pagination"]["next"]})
    assert [c["contractId"] for c in rest.json()["data"]] == ["c-3", "c-4"]
    assert problems(api.get("/api/v1/contracts", params={"state": "LIVE"})) == [
        ("state", "invalid")
    ]

    listed = api.get("/api/v1/customers/acme/contracts").json()
    assert [c["contractId"] for c in listed["data"]] == ["c-1", "c-2", "c-4"]
    assert api.get("/api/v1/customers/nobody/contracts").status_code == 404


# --- subscriptions --------------------------------------------------------------------------


def test_attach_and_detach_follow_the_membership_rules(api: httpx.Client) -> None:
    setup(api)
    subscribe(api, "sub-a")
    subscribe(api, "sub-b")
    subscribe(api, "sub-catalogue", "pro")
    create(api, contractId="c-1")
    create(api, contractId="c-2", subscriptions=[{"existingSubscriptionId": "sub-b"}])

    new_crm = {"newSubscription": {"id": "sub-crm", "customerId": "acme", "planId": "crm-custom"}}
    ok(api.post("/api/v1/contracts/c-1/subscriptions", json={"subscriptions": [new_crm]}))
    refused(
        api.post("/api/v1/contracts/c-1/subscriptions", json={"subscriptionIds": ["sub-b"]}),
        409,
        "SubscriptionOnAnotherContract",
    )
    attached = ok(
        api.post("/api/v1/contracts/c-1/subscriptions", json={"subscriptionIds": ["sub-a"]})
    )
    assert [s["subscriptionId"] for s in attached["subscriptions"]] == ["sub-crm", "sub-a"]
    assert problems(
        api.post("/api/v1/contracts/c-1/subscriptions", json={"subscriptionIds": ["sub-catalogue"]})
    ) == [("subscriptions[0].existingSubscriptionId", "not_custom_priced")]
    assert contract(api, "c-1") == attached

    detached = ok(api.delete("/api/v1/contracts/c-1/subscriptions/sub-a"))
    assert [s["subscriptionId"] for s in detached["subscriptions"]] == ["sub-crm"]
    assert detached["version"] == attached["version"] + 1
    assert ok(api.get("/api/v1/subscriptions/sub-a"))["status"] == "ACTIVE"
    refused(api.delete("/api/v1/contracts/c-1/subscriptions/sub-a"), 404, "EntityNotFound")
    moved = ok(api.patch("/api/v1/contracts/c-2", json={"subscriptionIds": ["sub-a"]}))
    assert [s["subscriptionId"] for s in moved["subscriptions"]] == ["sub-a"]
    assert ok(api.get("/api/v1/subscriptions/sub-b"))["status"] == "ACTIVE"


# --- legal entities -------------------------------------------------------------------------


def test_legal_entities_are_created_listed_and_read(api: httpx.Client) -> None:
    setup(api)
    listed = ok_list(api.get("/api/v1/contracts/legal-entities"))
    assert [(e["id"], e["hasPaymentAccount"]) for e in listed] == [
        ("pact-de", True),
        ("pact-us", False),
    ]
    one = ok(api.get("/api/v1/contracts/legal-entities/pact-de"))
    assert one["bankTransfer"]["iban"] == "DE89370400440532013000"
    airwallex = ok(
        api.post(
            "/api/v1/contracts/legal-entities",
            json={"name": "Pact Pte", "country": "sg", "airwallexAccountId": "acct_42abc"},
        ),
        201,
    )
    assert (airwallex["id"][:3], airwallex["country"], airwallex["hasPaymentAccount"]) == (
        "le_",
        "SG",
        True,
    )
    bad = api.post(
        "/api/v1/contracts/legal-entities",
        json={
            "id": "pact-de",
            "name": " ",
            "country": "Germany",
            "bankTransfer": {"accountHolder": "x"},
        },
    )
    assert problems(bad) == [
        ("name", "required"),
        ("country", "invalid"),
        ("bankTransfer.iban", "required"),
    ]
    duplicate = api.post(
        "/api/v1/contracts/legal-entities", json={"id": "pact-de", "name": "x", "country": "DE"}
    )
    refused(duplicate, 409, "DuplicatedEntityNotAllowed")
    refused(api.get("/api/v1/contracts/legal-entities/nope"), 404, "EntityNotFound")
    assert len(ok_list(api.get("/api/v1/contracts/legal-entities"))) == 3
