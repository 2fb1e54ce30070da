"""Orders over HTTP, on SQLite and PostgreSQL: an order goes NEW → FULFILLED by itself as its
contract, subscriptions and metering fall in place, its checklist naming what is missing at
each step; upsells are fulfilled by an amendment, renewals by the renewal contract; refusals
name the field and change nothing.

The catalog: metered feature `calls`, plain feature `seats`, plan `enterprise` (CUSTOM, product
`analytics`), plan `basic` (not custom); customers `acme` and `globex` (USD); legal entity
`pact-de`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from pactline.bootstrap import Container
from tests.support import SettableClock

PLATFORM = {
    "id": "platform",
    "name": "Platform",
    "chargeType": "FIXED",
    "billingCycle": {"unit": "YEAR"},
    "priceVersions": [{"model": {"type": "FLAT_FEE", "price": "12000"}}],
}
SEATS = {
    "id": "seats",
    "name": "Seats",
    "chargeType": "FIXED",
    "billingCycle": {"unit": "MONTH"},
    "priceVersions": [{"model": {"type": "PER_UNIT", "price": "45"}}],
    "quantities": [{"effectiveDate": "2026-02-01", "quantity": "10"}],
}
API_CALLS = {
    "id": "api",
    "name": "API calls",
    "chargeType": "USAGE",
    "meteredFeatureId": "calls",
    "billingCycle": {"unit": "MONTH"},
    "priceVersions": [{"model": {"type": "PER_UNIT", "price": "0.002"}}],
}
TERMS: dict[str, Any] = {
    "currency": "USD",
    "startDate": "2026-02-01",
    "endDate": "2027-01-31",
    "lineItems": [PLATFORM, SEATS],
}
SOURCE = {"kind": "CRM", "reference": "006Dn00000ABCDEF"}
LINES: list[dict[str, Any]] = [
    {
        "name": "Enterprise platform",
        "kind": "RECURRING",
        "quantity": 1,
        "unitPrice": "12000",
        "currency": "usd",
        "planId": "enterprise",
    },
    {"name": "Seats", "kind": "RECURRING", "quantity": "10", "unitPrice": 45, "currency": "USD"},
    {
        "name": "API calls",
        "kind": "USAGE",
        "unitPrice": 0.002,
        "currency": "USD",
        "featureId": "calls",
    },
]


# --- helpers ------------------------------------------------------------------------------------


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


def listed(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def missing(order: dict[str, Any]) -> dict[str, list[str]]:
    """Each step's missing codes; a step that does not apply reads "n/a"."""
    return {
        step["name"]: [m["code"] for m in step["missing"]] if step["applicable"] else ["n/a"]
        for step in order["checklist"]["steps"]
    }


def events(container: Container) -> list[tuple[str, dict[str, Any]]]:
    with container.uow() as uow:
        return [
            (e.type, dict(e.data))
            for e in uow.outbox.undispatched(1000)
            if e.type.startswith("order.")
        ]


def setup(api: httpx.Client) -> None:
    metered = {"featureType": "NUMBER", "meterType": "INCREMENTAL"}
    ok(api.post("/api/v1/features", json={"id": "calls", "displayName": "Calls", **metered}), 201)
    plain = {"id": "seats", "displayName": "Seats", "featureType": "NUMBER"}
    ok(api.post("/api/v1/features", json=plain), 201)
    product = {"id": "analytics", "displayName": "Analytics", "multipleSubscriptions": True}
    ok(api.post("/api/v1/products", json=product), 201)
    for customer in ("acme", "globex"):
        body = {"id": customer, "name": customer.title(), "billingCurrency": "usd"}
        ok(api.post("/api/v1/customers", json=body), 201)
    plan = {"id": "enterprise", "displayName": "Enterprise", "productId": "analytics"}
    ok(api.post("/api/v1/plans", json={**plan, "pricingType": "CUSTOM"}), 201)
    ok(api.post("/api/v1/plans/enterprise/publish", json={"migrationType": "NEW_CUSTOMERS"}))
    basic = {"id": "basic", "displayName": "Basic", "productId": "analytics"}
    ok(api.post("/api/v1/plans", json=basic), 201)
    bank = {"accountHolder": "Pact GmbH", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    entity = {"id": "pact-de", "name": "Pact GmbH", "country": "DE", "bankTransfer": bank}
    ok(api.post("/api/v1/contracts/legal-entities", json=entity), 201)


def contract(
    api: httpx.Client, contract_id: str = "c-1", customer: str = "acme", **terms: Any
) -> dict[str, Any]:
    body = {
        "contractId": contract_id,
        "customerId": customer,
        "legalEntityId": "pact-de",
        "terms": {**TERMS, **terms},
    }
    return ok(api.post("/api/v1/contracts", json=body), 201)


def active_contract(
    api: httpx.Client, contract_id: str = "c-1", metered: bool = True
) -> dict[str, Any]:
    """An active contract; `metered`: with the API calls usage line (one contract of a
    customer at a time may bill a metered feature)."""
    contract(api, contract_id, lineItems=[PLATFORM, SEATS, *([API_CALLS] if metered else [])])
    return ok(api.post(f"/api/v1/contracts/{contract_id}/billing/publish"))


def new_order(api: httpx.Client, status: int = 201, **body: Any) -> dict[str, Any]:
    sent = {
        "id": "o-1",
        "customerId": "acme",
        "type": "INITIAL",
        "source": SOURCE,
        "signedDate": "2026-01-10",
        "lines": LINES,
        **body,
    }
    return ok(api.post("/api/v1/orders", json=sent), status)


def order(api: httpx.Client, order_id: str = "o-1") -> dict[str, Any]:
    return ok(api.get(f"/api/v1/orders/{order_id}"))


def stored(api: httpx.Client, order_id: str = "o-1") -> dict[str, Any]:
    """The order as stored, read through the list (which evaluates nothing)."""
    found = [o for o in listed(api.get("/api/v1/orders")) if o["id"] == order_id]
    assert len(found) == 1
    return found[0]


# --- fulfilment ---------------------------------------------------------------------------------


def test_an_initial_order_is_fulfilled_as_contract_subscriptions_and_metering_fall_in_place(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)

    created = new_order(api)

    assert (created["status"], created["version"], created["contractId"]) == ("NEW", 1, None)
    assert created["lines"][2] == {
        "name": "API calls",
        "kind": "USAGE",
        "currency": "USD",
        "quantity": None,
        "unitPrice": "0.002",
        "planId": None,
        "featureId": "calls",
    }
    assert created["lines"][1]["quantity"] == "10"
    assert missing(created) == {
        "CONTRACT": ["no_contract"],
        "SUBSCRIPTIONS": ["not_provisioned"],
        "METERING": ["no_contract"],
    }
    assert created["checklist"]["done"] is False
    assert created["contractValue"] is None

    contract(api)
    linked = ok(api.patch("/api/v1/orders/o-1", json={"contractId": "c-1", "version": 1}))
    assert missing(linked) == {
        "CONTRACT": ["contract_draft"],
        "SUBSCRIPTIONS": ["not_provisioned"],
        "METERING": ["no_usage_items"],
    }
    assert linked["contractValue"]["tcv"] == "17400.00"

    items = {"lineItems": [{**API_CALLS, "meteredFeatureId": None}]}
    # A draft may hold a usage item without its feature; the order's checklist points at it.
    ok(api.post("/api/v1/contracts/c-1/billing/items", json=items))
    assert missing(order(api))["METERING"] == ["item_unmapped", "feature_unmapped"]
    ok(api.delete("/api/v1/contracts/c-1/billing/items/api"))
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"lineItems": [API_CALLS]}))
    assert missing(order(api)) == {
        "CONTRACT": ["contract_draft"],
        "SUBSCRIPTIONS": ["not_provisioned"],
        "METERING": [],
    }

    subscription = {
        "id": "sub-1",
        "customerId": "acme",
        "planId": "enterprise",
        "paymentCollectionMethod": "INVOICE",
    }
    ok(api.post("/api/v1/subscriptions", json=subscription), 201)
    assert missing(order(api))["SUBSCRIPTIONS"] == ["not_attached"]
    ok(api.post("/api/v1/contracts/c-1/subscriptions", json={"subscriptionIds": ["sub-1"]}))
    assert missing(order(api)) == {
        "CONTRACT": ["contract_draft"],
        "SUBSCRIPTIONS": [],
        "METERING": [],
    }
    assert stored(api)["status"] == "NEW"

    clock.advance(timedelta(hours=1))
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    # The activation fulfilled the order in its own unit of work: the stored order says so.
    fulfilled = stored(api)
    value = {
        "currency": "USD",
        "startDate": "2026-02-01",
        "endDate": "2027-01-31",
        "fixed": "17400.00",
        "usageMinimums": "0.00",
        "committed": "17400.00",
        "tcv": "17400.00",
        "acv": "17400.00",
        "usageLineItemIds": ["api"],
    }
    assert (fulfilled["status"], fulfilled["version"]) == ("FULFILLED", 3)
    assert fulfilled["fulfilledAt"] == "2026-01-15T10:30:00Z"
    assert {k: fulfilled["value"][k] for k in value} == value
    detail = order(api)
    assert detail["checklist"]["done"] is True
    assert detail["contractValue"] == detail["value"]
    assert listed(api.get("/api/v1/contracts/c-1/orders")) == [fulfilled]
    assert [(kind, data["status"]) for kind, data in events(container)] == [
        ("order.created", "NEW"),
        ("order.updated", "NEW"),
        ("order.fulfilled", "FULFILLED"),
    ]
    assert events(container)[-1][1]["value"] == {
        "currency": "USD",
        "tcv": "17400.00",
        "acv": "17400.00",
        "committed": "17400.00",
    }

    # Fulfilled stays fulfilled, whatever happens to the contract afterwards.
    ok(api.post("/api/v1/contracts/c-1/cancel"))
    after = order(api)
    assert (after["status"], missing(after)["CONTRACT"]) == ("FULFILLED", ["contract_not_active"])


def test_an_order_naming_an_active_contract_is_fulfilled_when_it_is_created(
    api: httpx.Client,
) -> None:
    setup(api)
    active_contract(api)
    lines = [line for line in LINES if "planId" not in line]

    created = new_order(api, contractId="c-1", lines=lines)

    assert created["status"] == "FULFILLED"
    assert missing(created) == {"CONTRACT": [], "SUBSCRIPTIONS": ["n/a"], "METERING": []}


def test_an_upsell_is_fulfilled_by_the_amendment_made_for_it(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    active_contract(api)
    more_seats = [{"name": "Seats", "kind": "RECURRING", "quantity": 10, "currency": "USD"}]
    upsell = new_order(api, id="o-up", type="UPSELL", contractId="c-1", lines=more_seats)
    assert (upsell["status"], missing(upsell)["CONTRACT"]) == ("NEW", ["not_amended"])

    change = {
        "effectiveDate": "2026-02-01",
        "quantityChanges": [{"lineItemId": "seats", "effectiveDate": "2026-02-01", "quantity": 20}],
    }
    unknown = api.post(
        "/api/v1/contracts/c-1/billing/edit-active", json={**change, "orderId": "o-nope"}
    )
    assert problems(unknown) == [("orderId", "not_found")]
    active_contract(api, "c-other", metered=False)
    new_order(api, id="o-other", type="UPSELL", contractId="c-other", lines=more_seats)
    elsewhere = api.post(
        "/api/v1/contracts/c-1/billing/edit-active", json={**change, "orderId": "o-other"}
    )
    assert problems(elsewhere) == [("orderId", "other_contract")]
    assert listed(api.get("/api/v1/contracts/c-1/amendments")) == []
    assert stored(api, "o-up")["status"] == "NEW"

    ok(api.post("/api/v1/contracts/c-1/billing/edit-active", json={**change, "orderId": "o-up"}))

    done = stored(api, "o-up")
    assert done["status"] == "FULFILLED"
    assert (done["value"]["fixed"], done["value"]["tcv"]) == ("22800.00", "22800.00")
    amendments = listed(api.get("/api/v1/contracts/c-1/amendments"))
    assert [a["orderId"] for a in amendments] == ["o-up"]
    # The amendment named o-up, so the other contract's upsell is not taken for done.
    assert stored(api, "o-other")["status"] == "NEW"
    assert ("order.fulfilled", "o-up") in [(kind, data["id"]) for kind, data in events(container)]
    assert [o["id"] for o in listed(api.get("/api/v1/contracts/c-1/orders"))] == ["o-up"]


def test_a_renewal_is_fulfilled_when_the_renewal_contract_goes_live(api: httpx.Client) -> None:
    setup(api)
    active_contract(api)
    lines = [{"name": "Platform, year 2", "kind": "RECURRING", "quantity": 1, "currency": "USD"}]
    renewal = new_order(api, id="o-renew", type="RENEWAL", contractId="c-2", lines=lines)
    assert missing(renewal)["CONTRACT"] == ["contract_not_found"]

    ok(api.post("/api/v1/contracts/c-1/renew", json={"contractId": "c-2"}), 201)
    assert missing(order(api, "o-renew"))["CONTRACT"] == ["contract_draft"]
    ok(api.post("/api/v1/contracts/c-2/billing/publish"))

    done = stored(api, "o-renew")
    assert (done["status"], done["value"]["startDate"]) == ("FULFILLED", "2027-02-01")

    # The contract renewed is not a renewal itself: a RENEWAL order on it waits.
    stale = new_order(api, id="o-wrong", type="RENEWAL", contractId="c-1", lines=lines)
    assert (stale["status"], missing(stale)["CONTRACT"]) == ("NEW", ["not_a_renewal"])


# --- idempotency, edits, cancel ------------------------------------------------------------------


def test_create_is_idempotent_on_the_order_id(api: httpx.Client, container: Container) -> None:
    setup(api)
    first = new_order(api)
    again = new_order(api, 200)
    assert again == first
    other = api.post(
        "/api/v1/orders",
        json={
            "id": "o-1",
            "customerId": "acme",
            "type": "UPSELL",
            "source": SOURCE,
            "signedDate": "2026-01-10",
            "lines": LINES,
        },
    )
    refused(other, 409, "DuplicatedEntityNotAllowed")
    assert order(api) == first
    assert [kind for kind, _ in events(container)] == ["order.created"]

    # Without an id pactline names the order, and a repeated request is another order.
    body = {"customerId": "acme", "type": "INITIAL", "source": SOURCE, "signedDate": "2026-01-10"}
    one = ok(api.post("/api/v1/orders", json={**body, "lines": LINES}), 201)
    two = ok(api.post("/api/v1/orders", json={**body, "lines": LINES}), 201)
    assert one["id"].startswith("ord_")
    assert two["id"] != one["id"]


def test_refusals_name_the_field_and_change_nothing(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    contract(api, "c-globex", customer="globex")
    contract(api, "c-eur", currency="EUR")

    assert problems(api.post("/api/v1/orders", json={"id": "o-1"})) == [
        ("customerId", "missing"),
        ("type", "missing"),
        ("source", "missing"),
        ("signedDate", "missing"),
        ("lines", "missing"),
    ]
    response = api.post(
        "/api/v1/orders",
        json={
            "id": "o-1",
            "customerId": "nobody",
            "type": "INITIAL",
            "source": SOURCE,
            "signedDate": "2026-01-10",
            "lines": LINES,
        },
    )
    assert problems(response) == [("customerId", "not_found")]

    def create(**body: Any) -> httpx.Response:
        sent = {
            "id": "o-1",
            "customerId": "acme",
            "type": "INITIAL",
            "source": SOURCE,
            "signedDate": "2026-01-10",
            "lines": LINES,
            **body,
        }
        return api.post("/api/v1/orders", json=sent)

    assert problems(create(contractId="c-globex")) == [("contractId", "other_customer")]
    assert problems(create(contractId="c-eur")) == [("contractId", "currency_mismatch")]
    wrong_lines = [
        {"name": "Basic", "kind": "RECURRING", "currency": "USD", "planId": "basic"},
        {"name": "Ghost", "kind": "RECURRING", "currency": "USD", "planId": "ghost"},
        {"name": "Seats", "kind": "USAGE", "currency": "USD", "featureId": "seats"},
        {"name": "Ghost", "kind": "USAGE", "currency": "USD", "featureId": "ghost"},
        {"name": "Fee", "kind": "ONE_TIME", "currency": "EUR", "unitPrice": "-1"},
    ]
    assert problems(create(lines=wrong_lines)) == [
        ("lines[4].unitPrice", "out_of_range"),
        ("lines[4].currency", "currency_mismatch"),
        ("lines[0].planId", "not_custom_plan"),
        ("lines[1].planId", "not_found"),
        ("lines[2].featureId", "not_metered"),
        ("lines[3].featureId", "not_found"),
    ]
    assert problems(create(signedDate="2026-01-17", source={"kind": "PDF", "reference": ""})) == [
        ("source.reference", "invalid"),
        ("signedDate", "in_future"),
    ]
    assert problems(create(lines=[{**LINES[0], "unitPrice": "12,000"}])) == [
        ("lines[0].unitPrice", "decimal_parsing")
    ]

    assert listed(api.get("/api/v1/orders")) == []
    assert events(container) == []


def test_a_fulfilled_or_canceled_order_is_history_and_stale_edits_write_nothing(
    api: httpx.Client, container: Container
) -> None:
    setup(api)
    active_contract(api)
    plain_lines = [line for line in LINES if "planId" not in line]
    done = new_order(api, contractId="c-1", lines=plain_lines)
    assert done["status"] == "FULFILLED"

    edit = api.patch("/api/v1/orders/o-1", json={"signedDate": "2026-01-11", "version": 2})
    refused(edit, 409, "StateConflict")
    refused(api.post("/api/v1/orders/o-1/cancel"), 409, "StateConflict")
    assert order(api) == done

    pending = new_order(api, id="o-2")
    moved = ok(api.patch("/api/v1/orders/o-2", json={"signedDate": "2026-01-11", "version": 1}))
    assert (moved["signedDate"], moved["version"]) == ("2026-01-11", 2)
    stale = api.patch("/api/v1/orders/o-2", json={"signedDate": "2026-01-12", "version": 1})
    refused(stale, 409, "StaleVersion")
    unversioned = api.patch("/api/v1/orders/o-2", json={"signedDate": "2026-01-12"})
    assert problems(unversioned) == [("version", "required")]
    cleared = api.patch("/api/v1/orders/o-2", json={"lines": None, "version": 2})
    assert problems(cleared) == [("lines", "required")]
    assert order(api, "o-2")["signedDate"] == "2026-01-11"
    assert pending["version"] == 1

    canceled = ok(api.post("/api/v1/orders/o-2/cancel", json={"version": 2}))
    assert (canceled["status"], canceled["canceledAt"]) == ("CANCELED", "2026-01-15T09:30:00Z")
    assert ok(api.post("/api/v1/orders/o-2/cancel")) == canceled
    refused(
        api.patch("/api/v1/orders/o-2", json={"contractId": "c-1", "version": 3}),
        409,
        "StateConflict",
    )
    assert [kind for kind, data in events(container) if data["id"] == "o-2"] == [
        "order.created",
        "order.updated",
        "order.canceled",
    ]


# --- lists --------------------------------------------------------------------------------------


def test_lists_filter_and_page(api: httpx.Client) -> None:
    setup(api)
    active_contract(api)
    plain = [line for line in LINES if "planId" not in line]
    new_order(api, id="o-1", contractId="c-1", lines=plain)
    new_order(api, id="o-2", type="UPSELL", contractId="c-1", lines=plain)
    new_order(api, id="o-3", customerId="globex", type="RENEWAL", lines=plain)

    def ids(**params: Any) -> list[str]:
        return [o["id"] for o in listed(api.get("/api/v1/orders", params=params))]

    assert ids() == ["o-1", "o-2", "o-3"]
    assert ids(customerId="globex") == ["o-3"]
    assert ids(contractId="c-1") == ["o-1", "o-2"]
    assert ids(status="NEW") == ["o-2", "o-3"]
    assert ids(type="INITIAL,RENEWAL") == ["o-1", "o-3"]
    first = api.get("/api/v1/orders", params={"limit": 2}).json()
    assert [o["id"] for o in first["data"]] == ["o-1", "o-2"]
    rest = listed(
        api.get("/api/v1/orders", params={"limit": 2, "after": first["pagination"]["next"]})
    )
    assert [o["id"] for o in rest] == ["o-3"]
    assert problems(api.get("/api/v1/orders", params={"status": "DONE"})) == [("status", "invalid")]
    assert [o["id"] for o in listed(api.get("/api/v1/contracts/c-1/orders"))] == ["o-1", "o-2"]
    refused(api.get("/api/v1/contracts/nope/orders"), 404, "EntityNotFound")
    refused(api.get("/api/v1/orders/nope"), 404, "EntityNotFound")
