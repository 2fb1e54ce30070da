"""Invoices over HTTP, on SQLite and PostgreSQL: Stigg's customer invoice endpoints (amounts as
numbers) and pactline's own (amounts as strings), every refusal leaving things unchanged.

Invoices are seeded by a billing run through the service (contracts are not saved yet): a
1,000.00 monthly fee in advance and API calls at 0.20 in arrears, 5,000 calls in January, run on
1 February 2026. That drafts January (1,000.00) and February (2,000.00).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.billable_contracts import BillableContract
from pactline.domain.tenancy import Principal
from pactline.services.usage import UsageReport
from tests.api.conftest import Keys
from tests.invoicing_support import LEGAL_ENTITY, billable, calls, fee
from tests.support import SettableClock

RUN_AT = datetime(2026, 2, 1, 6, tzinfo=UTC)
CONTRACT = billable(fee(), calls())


class StaticContracts:
    def __init__(self, contracts: Sequence[BillableContract]) -> None:
        self._contracts = contracts

    def for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[BillableContract]:
        return [c for c in self._contracts if c.customer_id == customer_id]


@pytest.fixture
def seeded(api: httpx.Client, container: Container, keys: Keys, clock: SettableClock) -> Principal:
    clock.set(datetime(2026, 2, 2, 9, tzinfo=UTC))
    assert api.post("/api/v1/customers", json={"id": "acme"}).status_code == 201
    feature = {
        "id": "calls",
        "displayName": "API calls",
        "featureType": "NUMBER",
        "meterType": "INCREMENTAL",
    }
    assert api.post("/api/v1/features", json=feature).status_code == 201
    caller = container.tenancy.authenticate(keys.sandbox_server)
    container.usage.report_usage(
        caller,
        [
            UsageReport(
                "acme", "calls", Decimal(5000), occurred_at=datetime(2026, 1, 10, tzinfo=UTC)
            )
        ],
    )
    container.billing_runs.run(caller.environment_id, RUN_AT, [CONTRACT])
    return caller


def own(api: httpx.Client, **params: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/invoices", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def ids(api: httpx.Client) -> tuple[str, str]:
    january, february = own(api)
    return january["id"], february["id"]


def test_the_customers_invoices_in_stiggs_shape(api: httpx.Client, seeded: Principal) -> None:
    response = api.get("/api/v1/customers/acme/invoices")

    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"next": None, "prev": None}
    january, february = body["data"]
    assert {k: february[k] for k in ("state", "status", "invoiceNumber", "total", "subtotal")} == {
        "state": "OPEN",
        "status": "DRAFT",
        "invoiceNumber": None,
        "total": 2000,
        "subtotal": 2000,
    }
    assert (february["issueDate"], february["dueDate"]) == (
        "2026-02-01T00:00:00Z",
        "2026-03-03T00:00:00Z",
    )
    assert february["contractExternalId"] == "ct-1"
    assert february["lineItems"][1] == {
        "amount": 1000,
        "description": "API calls (Jan 1 – Jan 31, 2026)",
        "productExternalId": None,
        "quantity": 5000,
        "unitPrice": 0.2,
    }
    one = api.get(f"/api/v1/customers/acme/invoices/{january['invoiceId']}")
    assert one.json()["data"] == january


def test_approval_numbers_drafts_and_an_approved_invoice_cannot_be_edited(
    api: httpx.Client, seeded: Principal
) -> None:
    january, february = ids(api)
    approved = api.post(f"/api/v1/invoices/{january}/approve")
    assert approved.status_code == 200
    assert approved.headers["ETag"] == '"2"'
    assert (approved.json()["data"]["status"], approved.json()["data"]["number"]) == (
        "APPROVED",
        "INV-000001",
    )
    assert api.post(f"/api/v1/invoices/{february}/approve").json()["data"]["number"] == "INV-000002"
    by_number = api.get("/api/v1/customers/acme/invoices/INV-000001").json()["data"]
    assert by_number["invoiceId"] == january

    before = api.get(f"/api/v1/invoices/{january}").json()["data"]
    edit = {"reason": "typo", "version": 2, "lines": [{"position": 1, "amount": "900.00"}]}
    refused = api.patch(f"/api/v1/invoices/{january}", json=edit)

    assert refused.status_code == 409
    assert refused.json()["code"] == "InvoiceNotEditable"
    assert refused.headers["x-should-retry"] == "false"
    assert api.get(f"/api/v1/invoices/{january}").json()["data"] == before
    again = api.post(f"/api/v1/invoices/{january}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "InvoiceTransitionNotAllowed")


def test_bulk_approval_is_all_or_nothing(api: httpx.Client, seeded: Principal) -> None:
    january, february = ids(api)
    api.post(f"/api/v1/invoices/{january}/void", json={"reason": "duplicate"})

    refused = api.post("/api/v1/invoices/approve", json={"invoiceIds": [february, january]})

    assert (refused.status_code, refused.json()["code"]) == (409, "InvoiceTransitionNotAllowed")
    assert api.get(f"/api/v1/invoices/{february}").json()["data"]["status"] == "DRAFT"
    missing = api.post("/api/v1/invoices/approve", json={"invoiceIds": [february, "nope"]})
    assert missing.status_code == 404
    empty = api.post("/api/v1/invoices/approve", json={"invoiceIds": []})
    assert (empty.status_code, empty.json()["details"]["errors"][0]["field"]) == (400, "invoiceIds")

    done = api.post("/api/v1/invoices/approve", json={"invoiceIds": [february]})
    assert [i["number"] for i in done.json()["data"]] == ["INV-000001"]


def test_a_draft_is_edited_by_hand_with_a_reason(api: httpx.Client, seeded: Principal) -> None:
    _, february = ids(api)
    edit = {
        "reason": "goodwill: calls on the outage day",
        "lines": [
            {"position": 2, "amount": "900.00"},
            {"description": "Onboarding", "amount": "300.00"},
        ],
    }
    no_version = api.patch(f"/api/v1/invoices/{february}", json=edit)
    assert (no_version.status_code, no_version.json()["details"]["errors"][0]["field"]) == (
        400,
        "version",
    )

    edited = api.patch(f"/api/v1/invoices/{february}", json=edit, headers={"If-Match": '"1"'})

    assert edited.status_code == 200, edited.text
    data = edited.json()["data"]
    assert (data["total"], data["edited"], data["version"]) == ("2200.00", True, 2)
    assert [(line["amount"], line["source"], line["editReason"]) for line in data["lines"]] == [
        ("1000.00", "COMPUTED", None),
        ("900.00", "COMPUTED", "goodwill: calls on the outage day"),
        ("300.00", "MANUAL", "goodwill: calls on the outage day"),
    ]
    stale = api.patch(f"/api/v1/invoices/{february}", json={**edit, "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "StaleVersion")
    no_reason = api.patch(f"/api/v1/invoices/{february}", json={**edit, "reason": "", "version": 2})
    assert no_reason.status_code == 400
    assert api.get(f"/api/v1/invoices/{february}").json()["data"]["version"] == 2


def test_payments_partial_then_full_and_overpayment_refused(
    api: httpx.Client, seeded: Principal
) -> None:
    _, february = ids(api)
    draft_paid = api.post(
        f"/api/v1/customers/acme/invoices/{february}/paid", json={"paidDate": "2026-02-05"}
    )
    assert (draft_paid.status_code, draft_paid.json()["code"]) == (
        409,
        "InvoiceTransitionNotAllowed",
    )
    api.post(f"/api/v1/invoices/{february}/approve")
    sent = api.post(f"/api/v1/invoices/{february}/send")
    assert sent.json()["data"]["status"] == "SENT"

    partly = api.post(
        f"/api/v1/customers/acme/invoices/{february}/paid",
        json={"paidDate": "2026-02-05", "amount": 500.25, "reference": "wire-1"},
    )
    assert partly.status_code == 200, partly.text
    assert {k: partly.json()["data"][k] for k in ("status", "state", "amountDue", "paidDate")} == {
        "status": "PARTIALLY_PAID",
        "state": "OPEN",
        "amountDue": 1499.75,
        "paidDate": None,
    }
    over = api.post(
        f"/api/v1/customers/acme/invoices/{february}/paid",
        json={"paidDate": "2026-02-06", "amount": 1499.76},
    )
    assert over.status_code == 400
    assert over.json()["details"]["errors"][0]["code"] == "overpayment"

    full = api.post(
        "/api/v1/customers/acme/invoices/INV-000001/paid", json={"paidDate": "2026-02-07"}
    )

    assert {k: full.json()["data"][k] for k in ("status", "state", "amountDue", "paidDate")} == {
        "status": "PAID",
        "state": "PAID",
        "amountDue": 0,
        "paidDate": "2026-02-07T00:00:00Z",
    }
    payments = api.get(f"/api/v1/invoices/{february}").json()["data"]["payments"]
    assert [(p["amount"], p["reference"]) for p in payments] == [
        ("500.25", "wire-1"),
        ("1499.75", None),
    ]
    voiding = api.post(f"/api/v1/invoices/{february}/void")
    assert (voiding.status_code, voiding.json()["code"]) == (409, "InvoiceTransitionNotAllowed")


def test_pactlines_own_paid_endpoint_takes_amounts_as_decimal_strings(
    api: httpx.Client, seeded: Principal, container: Container
) -> None:
    january, _ = ids(api)
    api.post(f"/api/v1/invoices/{january}/approve")
    response = api.post(
        f"/api/v1/invoices/{january}/paid", json={"paidDate": "2026-02-03", "amount": "1000"}
    )
    assert (response.json()["data"]["status"], response.json()["data"]["amountDue"]) == (
        "PAID",
        "0.00",
    )
    # The event writes the payment as every amount is written: with the currency's decimals.
    with container.uow() as uow:
        [paid] = [e.data for e in uow.outbox.undispatched(1000) if e.type == "invoice.paid"]
    assert (paid["paymentAmount"], paid["total"], paid["paidDate"]) == (
        "1000.00",
        "1000.00",
        "2026-02-03",
    )


def test_void_of_a_draft_and_an_approved_invoice(api: httpx.Client, seeded: Principal) -> None:
    january, february = ids(api)
    voided = api.post(f"/api/v1/invoices/{january}/void", json={"reason": "sent twice"})
    assert (voided.json()["data"]["status"], voided.json()["data"]["voidReason"]) == (
        "VOID",
        "sent twice",
    )
    api.post(f"/api/v1/invoices/{february}/approve")
    assert api.post(f"/api/v1/invoices/{february}/void").json()["data"]["status"] == "VOID"
    states = [i["state"] for i in api.get("/api/v1/customers/acme/invoices").json()["data"]]
    assert states == ["CANCELED", "CANCELED"]


def test_a_hand_void_cannot_take_the_reason_billing_runs_revive(
    api: httpx.Client, seeded: Principal
) -> None:
    january, _ = ids(api)
    refused = api.post(f"/api/v1/invoices/{january}/void", json={"reason": " superseded "})
    assert (refused.status_code, refused.json()["code"]) == (400, "InvalidArgument")
    assert [(e["field"], e["code"]) for e in refused.json()["details"]["errors"]] == [
        ("reason", "reserved_reason")
    ]
    assert api.get(f"/api/v1/invoices/{january}").json()["data"]["status"] == "DRAFT"


def test_the_carry_forward_credit_balance_after_an_overcharge(
    api: httpx.Client, container: Container, seeded: Principal
) -> None:
    # February billed 5,000 January calls (1,000.00); 500 of them are taken back after its
    # approval, so the next run carries 100.00 forward.
    assert api.get("/api/v1/customers/acme/credit-balance", params={"currency": "usd"}).json()[
        "data"
    ] == {"customerId": "acme", "currency": "USD", "amount": "0.00", "legalEntities": []}
    _, february = ids(api)
    assert api.post(f"/api/v1/invoices/{february}/approve").status_code == 200
    container.usage.report_usage(
        seeded,
        [
            UsageReport(
                "acme", "calls", Decimal(-500), occurred_at=datetime(2026, 1, 20, tzinfo=UTC)
            )
        ],
    )
    container.billing_runs.run(seeded.environment_id, RUN_AT, [CONTRACT])

    found = api.get("/api/v1/customers/acme/credit-balance", params={"currency": "USD"})

    assert found.json()["data"] == {
        "customerId": "acme",
        "currency": "USD",
        "amount": "100.00",
        "legalEntities": [{"legalEntityId": LEGAL_ENTITY, "amount": "100.00"}],
    }
    elsewhere = api.get(
        "/api/v1/customers/acme/credit-balance",
        params={"currency": "USD", "legalEntityId": "acme-inc"},
    )
    assert elsewhere.json()["data"]["legalEntities"] == [
        {"legalEntityId": "acme-inc", "amount": "0.00"}
    ]
    assert elsewhere.json()["data"]["amount"] == "0.00"
    # Without a currency, the customer's billing currency; acme has none.
    refused = api.get("/api/v1/customers/acme/credit-balance")
    assert [(e["field"], e["code"]) for e in refused.json()["details"]["errors"]] == [
        ("currency", "required")
    ]
    unknown = api.get("/api/v1/customers/acme/credit-balance", params={"currency": "XXY"})
    assert unknown.status_code == 400


def test_credit_notes_full_and_partial_with_reason_codes(
    api: httpx.Client, seeded: Principal
) -> None:
    _, february = ids(api)
    on_draft = api.post(
        f"/api/v1/customers/acme/invoices/{february}/credit-note",
        json={"reasonCode": "WAIVER", "issueDate": "2026-02-10"},
    )
    assert on_draft.status_code == 409
    api.post(f"/api/v1/invoices/{february}/approve")

    partial = api.post(
        f"/api/v1/customers/acme/invoices/{february}/credit-note",
        json={
            "reasonCode": "USAGE_CREDIT",
            "issueDate": "2026-02-10",
            "lines": [{"position": 2, "amount": 250}],
        },
    )
    too_much = api.post(
        f"/api/v1/customers/acme/invoices/{february}/credit-note",
        json={"reasonCode": "WAIVER", "issueDate": "2026-02-10", "amount": 1750.01},
    )
    bad_reason = api.post(
        f"/api/v1/customers/acme/invoices/{february}/credit-note",
        json={"reasonCode": "BECAUSE", "issueDate": "2026-02-10"},
    )
    full = api.post(
        f"/api/v1/customers/acme/invoices/{february}/credit-note",
        json={"reasonCode": "CANCELLATION", "issueDate": "2026-02-11"},
    )

    assert partial.status_code == 201, partial.text
    assert {
        k: partial.json()["data"][k] for k in ("number", "total", "reasonCode", "issueDate")
    } == {
        "number": "CN-000001",
        "total": 250,
        "reasonCode": "USAGE_CREDIT",
        "issueDate": "2026-02-10T00:00:00Z",
    }
    assert (too_much.status_code, too_much.json()["details"]["errors"][0]["code"]) == (
        400,
        "exceeds_creditable",
    )
    assert bad_reason.status_code == 400
    assert (full.json()["data"]["number"], full.json()["data"]["total"]) == ("CN-000002", 1750)
    notes = api.get(f"/api/v1/invoices/{february}/credit-notes").json()["data"]
    assert [(n["number"], n["total"], n["lines"][0]["invoiceLine"]) for n in notes] == [
        ("CN-000001", "250.00", 2),
        ("CN-000002", "1750.00", 1),
    ]
    invoice = api.get(f"/api/v1/invoices/{february}").json()["data"]
    assert (invoice["status"], invoice["credited"], invoice["amountDue"]) == (
        "PAID",
        "2000.00",
        "0.00",
    )


def test_list_filters_order_and_pages(api: httpx.Client, seeded: Principal) -> None:
    january, february = ids(api)
    api.post(f"/api/v1/invoices/{january}/approve")

    assert [i["id"] for i in own(api, status="DRAFT")] == [february]
    assert [i["id"] for i in own(api, contractId="ct-1", orderDir="DESC")] == [february, january]
    assert [i["id"] for i in own(api, **{"issueDate[gte]": "2026-01-15"})] == [february]
    assert [i["id"] for i in own(api, **{"dueDate[lte]": "2026-02-01"})] == [january]
    assert [i["id"] for i in own(api, orderBy="total", orderDir="DESC")] == [february, january]
    assert own(api, contractId="ct-other") == []
    stigg = api.get(
        "/api/v1/customers/acme/invoices",
        params={
            "stateIn": "OPEN",
            "issuedAfter": "2026-01-01",
            "issuedBefore": "2026-01-31T23:00:00Z",
        },
    ).json()["data"]
    assert [i["invoiceId"] for i in stigg] == [january]

    first = api.get("/api/v1/invoices", params={"limit": 1}).json()
    second = api.get(
        "/api/v1/invoices", params={"limit": 1, "after": first["pagination"]["next"]}
    ).json()
    assert [first["data"][0]["id"], second["data"][0]["id"]] == [january, february]
    assert second["pagination"]["next"] is None
    back = api.get(
        "/api/v1/invoices", params={"limit": 1, "before": second["pagination"]["prev"]}
    ).json()
    assert [i["id"] for i in back["data"]] == [january]

    for params in (
        {"status": "OPENED"},
        {"orderBy": "number"},
        {"orderDir": "UP"},
        {"issueDate[gte]": "x"},
    ):
        refused = api.get("/api/v1/invoices", params=params)
        assert refused.status_code == 400, params


def test_current_and_upcoming_invoice(
    api: httpx.Client, seeded: Principal, container: Container
) -> None:
    january, february = ids(api)
    api.post(f"/api/v1/invoices/{january}/approve")
    current = api.get("/api/v1/customers/acme/invoices/current").json()["data"]
    assert current["invoiceId"] == february
    assert api.get("/api/v1/customers/acme/invoices/upcoming").json()["data"] is None

    container.invoices.contracts = StaticContracts([CONTRACT])
    upcoming = api.get("/api/v1/customers/acme/invoices/upcoming", params={"contractId": "ct-1"})

    assert upcoming.status_code == 200, upcoming.text
    data = upcoming.json()["data"]
    assert (data["contractId"], data["invoice"]["issueDate"], data["invoice"]["total"]) == (
        "ct-1",
        "2026-03-01",
        "1000.00",
    )


def test_unknown_customers_and_invoices_are_404(api: httpx.Client, seeded: Principal) -> None:
    for path in (
        "/api/v1/customers/ghost/invoices",
        "/api/v1/customers/ghost/invoices/current",
        "/api/v1/customers/ghost/invoices/upcoming",
        "/api/v1/customers/acme/invoices/INV-999999",
        "/api/v1/invoices/inv_ghost",
    ):
        response = api.get(path)
        assert (response.status_code, response.json()["code"]) == (404, "EntityNotFound"), path


def test_client_keys_cannot_read_or_move_invoices(
    server_url: str, keys: Keys, seeded: Principal
) -> None:
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": keys.sandbox_client}) as client:
        assert client.get("/api/v1/invoices").status_code == 403
        assert client.get("/api/v1/customers/acme/invoices").status_code == 403
        assert (
            client.post("/api/v1/invoices/approve", json={"invoiceIds": ["x"]}).status_code == 403
        )
