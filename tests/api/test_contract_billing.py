"""Contract billing endpoints over HTTP, on SQLite and PostgreSQL: pricing models, line items
and rows in Stigg's shapes and in the draft format, billing terms and settings, the summary and
the invoice schedule. Every refusal is checked to have changed nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_contracts import (
    DRAFT_TERMS,
    contract,
    ok,
    problems,
    refused,
    setup,
)

SEATS_ITEM = {
    "name": "Analyst seats",
    "externalId": "seats",
    "pricingModelId": "flat_rate",
    "rows": [{"quantity": 10, "price": 45}],
    "billingCycleUnit": "monthly",
    "paymentTime": "IN_ADVANCE",
    "discount": 10,
    "tax": 19,
    "netTerms": 14,
}
CALLS_ITEM = {
    "name": "API calls",
    "externalId": "calls",
    "pricingModelId": "tiered_payg",
    "featureId": "calls",
    "rows": [{"to": 100000, "price": 0.002}, {"to": 1000000, "price": 0.0015}, {"price": 0.001}],
    "billingCycleUnit": "monthly",
}
EMPTY_TERMS = {**DRAFT_TERMS, "lineItems": []}


def draft(api: httpx.Client) -> dict[str, Any]:
    setup(api)
    return ok(
        api.post(
            "/api/v1/contracts",
            json={
                "customerId": "acme",
                "contractId": "c-1",
                "legalEntityId": "pact-de",
                "terms": EMPTY_TERMS,
            },
        ),
        201,
    )


def lines(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["terms"]["lineItems"]
    return found


def test_a_stigg_item_filters_the_usage_it_bills_by_dimensions(api: httpx.Client) -> None:
    draft(api)
    in_eu = {"field": "region", "operation": "EQUALS", "value": "eu"}
    eu_item = {**CALLS_ITEM, "usageFilter": [in_eu]}

    data = ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [eu_item]}))

    [calls] = lines(data)
    assert calls["usageFilter"] == [
        {"field": "region", "operation": "EQUALS", "value": "eu", "values": None}
    ]
    # A second item on the same feature for the rest of the world is refused: it names no
    # region, so it would bill the EU usage too. Pinning the US apart is accepted.
    world = {**CALLS_ITEM, "externalId": "calls-world"}
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [world]}))
    feature = {"id": "calls", "displayName": "Calls", "featureType": "NUMBER"}
    ok(api.post("/api/v1/features", json={**feature, "meterType": "INCREMENTAL"}), 201)
    body = api.post("/api/v1/contracts/c-1/billing/publish").json()
    assert [(e["field"], e["code"]) for e in body["details"]["errors"]] == [
        ("terms.lineItems[1].meteredFeatureId", "feature_billed_twice")
    ]
    in_us = {"field": "region", "operation": "IN", "values": ["us", "ca"]}
    patched = ok(
        api.patch("/api/v1/contracts/c-1/billing/items/calls-world", json={"usageFilter": [in_us]})
    )
    assert lines(patched)[1]["usageFilter"] == [{**in_us, "value": None}]
    assert ok(api.post("/api/v1/contracts/c-1/billing/publish"))["status"] == "ACTIVE"


def test_a_malformed_usage_filter_is_refused_with_the_condition_named(
    api: httpx.Client,
) -> None:
    version = draft(api)["version"]
    # An operation outside the meter filters' set is a shape problem: nothing is saved.
    unknown = {"field": "region", "operation": "LIKE", "value": "e%"}
    response = api.post(
        "/api/v1/contracts/c-1/billing/items",
        json={"items": [{**CALLS_ITEM, "usageFilter": [unknown]}]},
    )
    assert response.status_code == 400, response.text
    assert ok(api.get("/api/v1/contracts/c-1"))["version"] == version
    # A draft may hold half-made conditions; publishing names each one and activates nothing.
    no_values = {**CALLS_ITEM, "usageFilter": [{"field": "region", "operation": "IN"}]}
    by_name = {"field": "eventName", "operation": "EQUALS", "value": "call"}
    on_seats = {**SEATS_ITEM, "usageFilter": [by_name]}
    items = {"items": [no_values, on_seats]}
    version = ok(api.post("/api/v1/contracts/c-1/billing/items", json=items))["version"]
    feature = {"id": "calls", "displayName": "Calls", "featureType": "NUMBER"}
    ok(api.post("/api/v1/features", json={**feature, "meterType": "INCREMENTAL"}), 201)
    assert problems(api.post("/api/v1/contracts/c-1/billing/publish")) == [
        ("terms.lineItems[0].usageFilter[0].values", "required"),
        ("terms.lineItems[1].usageFilter", "not_allowed"),
    ]
    data = ok(api.get("/api/v1/contracts/c-1"))
    assert (data["status"], data["version"]) == ("DRAFT", version)


def test_pricing_models_are_the_five_shapes_with_their_pay_as_you_go_twins(
    api: httpx.Client,
) -> None:
    models = ok(api.get("/api/v1/contracts/pricing-models"))
    assert [(m["id"], m["model"], m["isPayAsYouGo"]) for m in models] == [
        ("flat_fee", "FLAT_FEE", False),
        ("flat_rate", "PER_UNIT", False),
        ("flat_rate_payg", "PER_UNIT", True),
        ("package", "PACKAGE", False),
        ("package_payg", "PACKAGE", True),
        ("tiered", "TIERED", False),
        ("tiered_payg", "TIERED", True),
        ("volume", "VOLUME", False),
        ("volume_payg", "VOLUME", True),
        ("stairstep", "STAIRSTEP", False),
        ("stairstep_payg", "STAIRSTEP", True),
    ]
    assert models[3]["editableInputs"] == ["quantity", "price", "packageSize"]
    assert models[4]["editableInputs"] == ["price", "packageSize"]


def test_stigg_items_become_line_items_of_the_draft(api: httpx.Client) -> None:
    draft(api)

    data = ok(
        api.post("/api/v1/contracts/c-1/billing/items", json={"items": [SEATS_ITEM, CALLS_ITEM]})
    )

    seats, calls = lines(data)
    assert {
        k: seats[k] for k in ("id", "name", "chargeType", "timing", "taxRate", "netTermsDays")
    } == {
        "id": "seats",
        "name": "Analyst seats",
        "chargeType": "FIXED",
        "timing": "IN_ADVANCE",
        "taxRate": "19",
        "netTermsDays": 14,
    }
    assert seats["priceVersions"][0]["model"] == {"type": "PER_UNIT", "price": "45"}
    assert seats["quantities"] == [{"effectiveDate": "2026-02-01", "quantity": "10"}]
    assert seats["discounts"] == [
        {"type": "PERCENT", "value": "10", "startDate": None, "endDate": None}
    ]
    assert (calls["chargeType"], calls["timing"], calls["meteredFeatureId"]) == (
        "USAGE",
        "IN_ARREARS",
        "calls",
    )
    assert calls["priceVersions"][0]["model"]["tiers"] == [
        {"from": "0", "to": "100000", "price": "0.002", "flatFee": "0"},
        {"from": "100000", "to": "1000000", "price": "0.0015", "flatFee": "0"},
        {"from": "1000000", "to": None, "price": "0.001", "flatFee": "0"},
    ]
    assert data["version"] == 2
    # The calls line bills a metered feature, which must exist before the contract goes live.
    refused = api.post("/api/v1/contracts/c-1/billing/publish")
    assert [e["code"] for e in refused.json()["details"]["errors"]] == ["unknown_metered_feature"]
    calls_feature = {
        "id": "calls",
        "displayName": "API calls",
        "featureType": "NUMBER",
        "meterType": "INCREMENTAL",
    }
    ok(api.post("/api/v1/features", json=calls_feature), 201)
    assert ok(api.post("/api/v1/contracts/c-1/billing/publish"))["status"] == "ACTIVE"


def test_draft_format_line_items_are_added_too(api: httpx.Client) -> None:
    draft(api)
    data = ok(
        api.post(
            "/api/v1/contracts/c-1/billing/items",
            json={"lineItems": DRAFT_TERMS["lineItems"], "version": 1},
        )
    )
    assert [line["id"] for line in lines(data)] == ["platform", "seats"]


def test_item_refusals_name_the_field_and_change_nothing(api: httpx.Client) -> None:
    before = draft(api)
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [SEATS_ITEM]}))
    before = contract(api, "c-1")

    assert problems(
        api.post("/api/v1/contracts/c-1/billing/items", json={"items": [SEATS_ITEM]})
    ) == [("items[0].externalId", "duplicate")]
    unknown = {**SEATS_ITEM, "externalId": "x", "pricingModelId": "magic"}
    assert problems(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [unknown]})) == [
        ("items[0].pricingModelId", "unknown")
    ]
    incomplete = {"externalId": "y", "pricingModelId": "flat_fee", "rows": [{"price": 5}]}
    assert problems(
        api.post("/api/v1/contracts/c-1/billing/items", json={"items": [incomplete]})
    ) == [("items[0].name", "required"), ("items[0].billingCycleUnit", "required")]
    negative = {**SEATS_ITEM, "externalId": "z", "rows": [{"quantity": 1, "price": -5}]}
    assert problems(
        api.post("/api/v1/contracts/c-1/billing/items", json={"items": [negative]})
    ) == [("terms.lineItems[1].priceVersions[0].model.price", "invalid")]
    assert problems(api.post("/api/v1/contracts/c-1/billing/items", json={})) == [
        ("items", "required")
    ]
    stale = api.post(
        "/api/v1/contracts/c-1/billing/items", json={"items": [CALLS_ITEM], "version": 1}
    )
    refused(stale, 409, "StaleVersion")
    refused(
        api.post("/api/v1/contracts/nope/billing/items", json={"items": [CALLS_ITEM]}),
        404,
        "EntityNotFound",
    )
    assert contract(api, "c-1") == before


def test_items_and_rows_are_patched_and_deleted(api: httpx.Client) -> None:
    draft(api)
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [SEATS_ITEM, CALLS_ITEM]}))

    patched = ok(
        api.patch(
            "/api/v1/contracts/c-1/billing/items/seats",
            json={"name": "Seats", "billingCycleUnit": "quarterly", "discount": 15},
        )
    )
    seats = lines(patched)[0]
    assert (seats["name"], seats["billingCycle"], seats["discounts"][0]["value"]) == (
        "Seats",
        {"unit": "QUARTER", "count": 1},
        "15",
    )
    assert seats["priceVersions"][0]["model"]["price"] == "45"

    row = ok(
        api.patch(
            "/api/v1/contracts/c-1/billing/items/seats/rows/0", json={"price": 50, "quantity": 12}
        )
    )
    assert lines(row)[0]["priceVersions"][0]["model"]["price"] == "50"
    assert lines(row)[0]["quantities"][0]["quantity"] == "12"

    tier = ok(api.patch("/api/v1/contracts/c-1/billing/items/calls/rows/2", json={"price": 0.0009}))
    assert lines(tier)[1]["priceVersions"][0]["model"]["tiers"][2]["price"] == "0.0009"
    shorter = ok(api.delete("/api/v1/contracts/c-1/billing/items/calls/rows/1"))
    assert [
        (t["from"], t["to"]) for t in lines(shorter)[1]["priceVersions"][0]["model"]["tiers"]
    ] == [("0", "100000"), ("100000", None)]

    draft_patch = {"lineItem": {"name": "Calls", "separateInvoice": True}}
    renamed = ok(api.patch("/api/v1/contracts/c-1/billing/items/calls", json=draft_patch))
    assert (lines(renamed)[1]["name"], lines(renamed)[1]["separateInvoice"]) == ("Calls", True)

    gone = ok(api.delete("/api/v1/contracts/c-1/billing/items/calls"))
    assert [line["id"] for line in lines(gone)] == ["seats"]
    assert gone["version"] == 8

    before = contract(api, "c-1")
    refused(api.delete("/api/v1/contracts/c-1/billing/items/calls"), 404, "EntityNotFound")
    refused(
        api.patch("/api/v1/contracts/c-1/billing/items/seats/rows/3", json={"price": 1}),
        404,
        "EntityNotFound",
    )
    assert problems(
        api.patch("/api/v1/contracts/c-1/billing/items/seats/rows/0", json={"to": 5})
    ) == [("to", "not_allowed")]
    assert problems(api.delete("/api/v1/contracts/c-1/billing/items/seats/rows/0")) == [
        ("rows", "invalid")
    ]
    assert contract(api, "c-1") == before


def test_billing_terms_and_settings_change_the_draft(api: httpx.Client) -> None:
    draft(api)
    ok(
        api.post(
            "/api/v1/contracts/c-1/billing/items", json={"lineItems": DRAFT_TERMS["lineItems"]}
        )
    )

    terms = ok(
        api.patch(
            "/api/v1/contracts/c-1/billing/terms",
            json={
                "netTermsDays": 14,
                "taxRate": "19",
                "startDate": "2026-03-01",
                "fluctuatingUsage": "TIME_WEIGHTED_AVERAGE",
                "version": 2,
            },
        )
    )
    assert (terms["terms"]["netTermsDays"], terms["terms"]["taxRate"], terms["startDate"]) == (
        14,
        "19",
        "2026-03-01",
    )
    assert terms["terms"]["fluctuatingUsage"] == "TIME_WEIGHTED_AVERAGE"
    assert lines(terms)[1]["quantities"][0]["effectiveDate"] == "2026-03-01"

    settings = ok(
        api.patch(
            "/api/v1/contracts/c-1/billing/settings",
            json={
                "autoRenew": True,
                "renewalTermMonths": 24,
                "corrections": {"undercharge": "NEXT_INVOICE"},
            },
        )
    )
    assert (settings["autoRenew"], settings["renewalTermMonths"], settings["corrections"]) == (
        True,
        24,
        {"undercharge": "NEXT_INVOICE", "overcharge": "CARRY_FORWARD"},
    )

    before = contract(api, "c-1")
    assert problems(api.patch("/api/v1/contracts/c-1/billing/terms", json={"netTermDays": 3})) == [
        ("netTermDays", "extra_forbidden")
    ]
    assert problems(api.patch("/api/v1/contracts/c-1/billing/terms", json={"currency": "XYZ"})) == [
        ("currency", "unknown_currency")
    ]
    assert problems(
        api.patch("/api/v1/contracts/c-1/billing/terms", json={"fluctuatingUsage": "MEDIAN"})
    ) == [("fluctuatingUsage", "literal_error")]
    assert problems(
        api.patch("/api/v1/contracts/c-1/billing/settings", json={"renewalTermMonths": 0})
    ) == [("renewalTermMonths", "out_of_range")]
    assert contract(api, "c-1") == before


def test_an_active_contract_refuses_draft_edits_and_changes_nothing(api: httpx.Client) -> None:
    draft(api)
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [SEATS_ITEM]}))
    active = ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    for response in (
        api.post("/api/v1/contracts/c-1/billing/items", json={"items": [CALLS_ITEM]}),
        api.patch("/api/v1/contracts/c-1/billing/items/seats", json={"name": "x"}),
        api.delete("/api/v1/contracts/c-1/billing/items/seats"),
        api.patch("/api/v1/contracts/c-1/billing/items/seats/rows/0", json={"price": 1}),
        api.patch("/api/v1/contracts/c-1/billing/terms", json={"netTermsDays": 1}),
    ):
        refused(response, 409, "StateConflict")
    settings = ok(api.patch("/api/v1/contracts/c-1/billing/settings", json={"autoRenew": True}))
    assert settings["version"] == active["version"] + 1
    assert {**contract(api, "c-1"), "autoRenew": False, "version": active["version"]} == {
        **active,
        "updatedAt": settings["updatedAt"],
    }


def test_summary_and_invoice_schedule_come_from_the_rating_engine(api: httpx.Client) -> None:
    draft(api)
    ok(
        api.post(
            "/api/v1/contracts/c-1/billing/items", json={"lineItems": DRAFT_TERMS["lineItems"]}
        )
    )
    ok(api.post("/api/v1/contracts/c-1/billing/items", json={"items": [CALLS_ITEM]}))

    summary = ok(api.get("/api/v1/contracts/c-1/billing/summary"))
    # Feb 2026 - Jan 2027: platform 12000 a year; 10 seats × 45 × 12 months = 5400.
    assert summary == {
        "currency": "USD",
        "startDate": "2026-02-01",
        "endDate": "2027-01-31",
        "fixed": "17400.00",
        "usageMinimums": "0.00",
        "committed": "17400.00",
        "tcv": "17400.00",
        "acv": "17400.00",
        "usageLineItemIds": ["calls"],
        "invoices": 13,
    }
    schedule = ok(api.get("/api/v1/contracts/c-1/billing/invoice-schedule", params={"count": 2}))
    assert [(i["number"], i["issueDate"], i["total"]) for i in schedule["invoices"]] == [
        ("DRAFT-0001", "2026-02-01", "12450.00"),
        ("DRAFT-0002", "2026-03-01", "450.00"),
    ]
    later = ok(
        api.get(
            "/api/v1/contracts/c-1/billing/invoice-schedule",
            params={"count": 1, "asOf": "2027-01-15"},
        )
    )
    assert [(i["number"], i["issueDate"]) for i in later["invoices"]] == [
        ("DRAFT-0013", "2027-02-01")
    ]

    ok(
        api.patch(
            "/api/v1/contracts/c-1/billing/items/seats", json={"lineItem": {"quantities": []}}
        )
    )
    assert problems(api.get("/api/v1/contracts/c-1/billing/summary")) == [
        ("lineItems[1].quantities", "required")
    ]
    refused(
        api.get("/api/v1/contracts/c-1/billing/invoice-schedule?count=0"), 400, "InvalidArgument"
    )


def test_an_open_ended_contract_schedules_as_many_invoices_as_asked(api: httpx.Client) -> None:
    setup(api)
    evergreen = {**DRAFT_TERMS, "endDate": None}
    ok(
        api.post(
            "/api/v1/contracts",
            json={"customerId": "acme", "contractId": "c-1", "terms": evergreen},
        ),
        201,
    )
    schedule = ok(api.get("/api/v1/contracts/c-1/billing/invoice-schedule", params={"count": 30}))
    assert len(schedule["invoices"]) == 30
    assert schedule["invoices"][-1]["issueDate"] == "2028-07-01"
    summary = ok(api.get("/api/v1/contracts/c-1/billing/summary"))
    assert (summary["tcv"], summary["acv"], summary["endDate"]) == (None, "17400.00", "2027-01-31")
