"""Saved contracts reach billing, on SQLite and PostgreSQL: activation drafts the first invoice,
billing runs bill every activated contract, a canceled contract bills up to the day it ended.

Contract `c-1` (tests/api/test_contracts.py): 2026-02-01 to 2027-01-31 in UTC, a platform fee
of 12,000.00 a year and 10 seats at 45.00 a month, both billed in advance, issued by legal
entity `pact-de`. The clock starts at 2026-01-15T09:30Z.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from pactline.bootstrap import Container
from pactline.jobs.billing_schedule import BillingSchedule
from pactline.services.billable_contracts import SavedContracts
from pactline.services.billing_runs import BillingRunService
from tests.api.test_contracts import DRAFT_TERMS, create, events, ok, ready, setup, subscribe
from tests.support import SettableClock


def invoices(api: httpx.Client, contract_id: str = "c-1") -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = api.get(
        "/api/v1/invoices", params={"contractId": contract_id}
    ).json()["data"]
    return listed


def summary(listed: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(i["issueDate"], i["status"], i["total"]) for i in listed]


def test_activation_drafts_the_first_invoice_held_for_review(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    assert invoices(api) == []

    ok(api.post("/api/v1/contracts/c-1/billing/publish"))

    assert summary(invoices(api)) == [("2026-02-01", "DRAFT", "12450.00")]


def test_a_billing_run_bills_saved_contracts_once(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    caller = container.tenancy.authenticate(api.headers["X-API-KEY"])
    clock.set(datetime(2026, 4, 1, 6, tzinfo=UTC))

    first = container.billing_runs.run_due(caller.environment_id, clock.now())
    second = container.billing_runs.run_due(caller.environment_id, clock.now())

    assert (first.contracts, first.drafted, first.unchanged) == (1, 2, 1)
    assert (second.drafted, second.unchanged) == (0, 3)
    assert summary(invoices(api)) == [
        ("2026-02-01", "DRAFT", "12450.00"),
        ("2026-03-01", "DRAFT", "450.00"),
        ("2026-04-01", "DRAFT", "450.00"),
    ]


def test_a_canceled_contract_bills_up_to_the_day_it_ended(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    caller = container.tenancy.authenticate(api.headers["X-API-KEY"])
    clock.set(datetime(2026, 3, 10, 12, tzinfo=UTC))
    ok(api.post("/api/v1/contracts/c-1/cancel"))
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))

    container.billing_runs.run_due(caller.environment_id, clock.now())

    # The term now ends on 10 March. The first invoice, still a draft, is refreshed: the yearly
    # fee for 1 February-10 March, 12,000.00 x 38/365 = 1,249.32, and February's seats, 450.00.
    # March is billed for 1-10 March only: 450.00 x 10/31 = 145.16.
    assert summary(invoices(api)) == [
        ("2026-02-01", "DRAFT", "1699.32"),
        ("2026-03-01", "DRAFT", "145.16"),
    ]


def test_a_contract_canceled_before_it_starts_withdraws_its_first_draft(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    # Activated on 15 January for a term from 1 February: the first invoice is drafted at
    # once. Canceled on 20 January, the contract never bills, so no run would ever void it.
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    assert summary(invoices(api)) == [("2026-02-01", "DRAFT", "12450.00")]
    clock.set(datetime(2026, 1, 20, 12, tzinfo=UTC))

    ok(api.post("/api/v1/contracts/c-1/cancel"))

    assert summary(invoices(api)) == [("2026-02-01", "VOID", "12450.00")]
    (draft,) = invoices(api)
    voided = [data for kind, data in events(container, "invoice.") if kind == "invoice.voided"]
    assert [(data["id"], data["reason"]) for data in voided] == [(draft["id"], "SUPERSEDED")]


def test_a_contract_shows_its_next_draft_and_its_latest_issued_invoice(
    api: httpx.Client,
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    [draft] = invoices(api)

    shown = ok(api.get("/api/v1/contracts/c-1"))
    assert shown["latestInvoice"] is None
    assert shown["nextInvoice"] == {
        "amount": {"amount": 12450, "currency": "usd"},
        "dueDate": "2026-03-03T00:00:00Z",
        "invoiceId": draft["id"],
        "periodStart": "2026-02-01T00:00:00Z",
        "periodEnd": "2027-02-01T00:00:00Z",
    }

    ok(api.post(f"/api/v1/invoices/{draft['id']}/approve"))
    shown = ok(api.get("/api/v1/contracts/c-1"))
    assert shown["nextInvoice"] is None
    assert shown["latestInvoice"] == {
        "billingId": "INV-000001",
        "createdAt": "2026-01-15T09:30:00Z",
        "requiresAction": False,
        "status": "OPEN",
        "amountDue": 12450,
        "billingReason": "BILLING_CYCLE",
        "currency": "usd",
        "pdfUrl": None,
        "total": 12450,
    }


def test_the_workers_schedule_bills_at_most_once_per_interval(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    schedule = BillingSchedule(container)  # hourly by default
    clock.set(datetime(2026, 3, 1, 0, 30, tzinfo=UTC))
    schedule.tick()  # bills up to now: March's invoice is drafted
    assert summary(invoices(api))[1] == ("2026-03-01", "DRAFT", "450.00")
    clock.set(datetime(2026, 3, 1, 0, 40, tzinfo=UTC))
    ok(api.post("/api/v1/contracts/c-1/cancel"))  # the term now ends on 1 March

    clock.set(datetime(2026, 3, 1, 1, 20, tzinfo=UTC))
    schedule.tick()  # within the hour: nothing runs
    assert summary(invoices(api))[1] == ("2026-03-01", "DRAFT", "450.00")
    clock.set(datetime(2026, 3, 1, 1, 31, tzinfo=UTC))
    schedule.tick()  # the next run refreshes the draft: 450.00 x 1/31 = 14.52
    assert summary(invoices(api))[1] == ("2026-03-01", "DRAFT", "14.52")


def test_a_customer_who_consolidates_gets_one_invoice_across_contracts(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup(api)
    patched = ok(api.patch("/api/v1/customers/acme", json={"consolidateInvoices": True}))
    assert patched["consolidateInvoices"] is True
    for contract_id in ("c-1", "c-2"):
        ready(api, contract_id)
        ok(api.post(f"/api/v1/contracts/{contract_id}/billing/publish"))
    caller = container.tenancy.authenticate(api.headers["X-API-KEY"])
    clock.set(datetime(2026, 3, 1, 6, tzinfo=UTC))

    container.billing_runs.run_due(caller.environment_id, clock.now())

    listed = api.get("/api/v1/customers/acme/invoices").json()["data"]
    assert [
        (i["issueDate"][:10], i["contractExternalId"], i["total"], len(i["lineItems"]))
        for i in listed
    ] == [
        ("2026-02-01", None, 24900, 4),  # each contract's platform fee and February seats
        ("2026-03-01", None, 900, 2),  # both contracts' March seats, 450.00 each
    ]


def test_a_run_reading_contracts_a_page_at_a_time_bills_as_one_reading_them_all(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    # Pages of one contract: every customer's contracts straddle a page boundary, and acme's
    # two consolidate into one invoice only if the run keeps them together.
    setup(api)
    ok(api.patch("/api/v1/customers/acme", json={"consolidateInvoices": True}))
    for customer_id in ("beta", "zed"):
        ok(api.post("/api/v1/customers", json={"id": customer_id, "billingCurrency": "usd"}), 201)
    for contract_id, customer_id in (
        ("c-1", "acme"),
        ("c-2", "zed"),
        ("c-3", "acme"),
        ("c-4", "beta"),
        ("c-5", "zed"),
    ):
        ready(api, contract_id, customerId=customer_id)
        ok(api.post(f"/api/v1/contracts/{contract_id}/billing/publish"))
    caller = container.tenancy.authenticate(api.headers["X-API-KEY"])
    clock.set(datetime(2026, 3, 1, 6, tzinfo=UTC))
    paged = BillingRunService(container.uow, clock, SavedContracts(container.uow, page=1))

    first = paged.run_due(caller.environment_id, clock.now())
    again = container.billing_runs.run_due(caller.environment_id, clock.now())

    assert (first.contracts, first.drafted, first.refreshed, first.superseded) == (5, 4, 0, 0)
    assert (again.contracts, again.drafted, again.refreshed, again.superseded) == (5, 0, 0, 0)
    assert again.unchanged == 8  # acme's 2 consolidated invoices, 2 each for the others
    listed = api.get("/api/v1/customers/acme/invoices").json()["data"]
    assert [(i["issueDate"][:10], len(i["lineItems"])) for i in listed] == [
        ("2026-02-01", 4),
        ("2026-03-01", 2),
    ]


def test_a_usage_refresh_bills_the_contract_up_to_now(
    api: httpx.Client, clock: SettableClock
) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    clock.set(datetime(2026, 3, 1, 6, tzinfo=UTC))

    refreshed = ok(api.post("/api/v1/contracts/c-1/usage/refresh"))
    again = ok(api.post("/api/v1/contracts/c-1/usage/refresh"))

    assert (refreshed["contracts"], refreshed["drafted"], refreshed["unchanged"]) == (1, 1, 1)
    assert (again["drafted"], again["refreshed"], again["unchanged"]) == (0, 0, 2)
    assert [i["issueDate"] for i in invoices(api)] == ["2026-02-01", "2026-03-01"]
    missing = api.post("/api/v1/contracts/nope/usage/refresh")
    assert (missing.status_code, missing.json()["code"]) == (404, "EntityNotFound")


def test_a_contract_lists_the_credit_notes_against_its_invoices(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))
    [first] = invoices(api)
    ok(api.post(f"/api/v1/invoices/{first['id']}/approve"))
    note = {"reasonCode": "WAIVER", "issueDate": "2026-02-10", "amount": 450}
    api.post(f"/api/v1/customers/acme/invoices/{first['id']}/credit-note", json=note)

    listed = ok(api.get("/api/v1/contracts/c-1/billing/credit-notes"))

    assert [(n["invoiceId"], n["reasonCode"], n["total"]) for n in listed] == [
        (first["id"], "WAIVER", "450.00")
    ]
    unknown = api.get("/api/v1/contracts/c-2/billing/credit-notes")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "EntityNotFound")


def test_invoices_are_numbered_with_the_legal_entitys_prefix(api: httpx.Client) -> None:
    setup(api)
    entity = {
        "id": "pact-fr",
        "name": "Pact SAS",
        "country": "FR",
        "address": ["1 rue de la Paix"],
        "bankTransfer": {
            "accountHolder": "Pact SAS",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
        },
        "invoiceNumberPrefix": "FR-",
    }
    ok(api.post("/api/v1/contracts/legal-entities", json=entity), 201)
    create(api, contractId="c-fr", legalEntityId="pact-fr", terms=DRAFT_TERMS)
    ok(api.post("/api/v1/contracts/c-fr/billing/publish"))
    [first] = invoices(api, "c-fr")

    approved = ok(api.post(f"/api/v1/invoices/{first['id']}/approve"))

    assert approved["number"] == "FR-000001"


def test_consolidation_cannot_change_once_the_customer_has_invoices(api: httpx.Client) -> None:
    setup(api)
    ready(api)
    ok(api.post("/api/v1/contracts/c-1/billing/publish"))  # drafts the first invoice

    refused = api.patch("/api/v1/customers/acme", json={"consolidateInvoices": True})

    assert (refused.status_code, refused.json()["code"]) == (409, "StateConflict")
    assert ok(api.get("/api/v1/customers/acme"))["consolidateInvoices"] is False
    unchanged = api.patch("/api/v1/customers/acme", json={"consolidateInvoices": False})
    assert unchanged.status_code == 200  # the same value is no change


def test_a_subscription_names_the_contract_holding_it(api: httpx.Client) -> None:
    setup(api)
    subscribe(api, "sub-1")
    subscribe(api, "sub-2")
    ready(api, subscriptions=[{"existingSubscriptionId": "sub-1"}])

    assert ok(api.get("/api/v1/subscriptions/sub-1"))["contractId"] == "c-1"
    assert ok(api.get("/api/v1/subscriptions/sub-2"))["contractId"] is None
    listed = ok(api.get("/api/v1/subscriptions", params={"customerId": "acme"}))
    assert {s["id"]: s["contractId"] for s in listed} == {"sub-1": "c-1", "sub-2": None}
