"""The sales-led story of issue #5, end to end through the public API, on SQLite and PostgreSQL.

A signed order becomes a contract with a platform fee, seats and API calls under a monthly
minimum; a subscription to a CUSTOM plan carries the negotiated API-call limit; the contract is
activated, billed for fourteen months with an upsell in April, late usage corrected by the
contract's policies, one invoice credited, and renewed for 2027 with its renewal order.
Every refused step answers 4xx and is re-read to show that it changed nothing.

The story, and the hand computation of every amount asserted here with the rule of
docs/billing-semantics.md that gives it, are in `sales_led_story.md` next to this file.
The clock is moved by hand; billing runs as the worker runs it (expiry, then the billing run).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from pactline.bootstrap import Container
from pactline.services.billing_runs import RunSummary
from tests.api.test_orders import listed, missing, ok, problems, refused
from tests.support import SettableClock

# --- the deal -----------------------------------------------------------------------------------

PLATFORM: dict[str, Any] = {
    "id": "platform",
    "name": "Platform",
    "chargeType": "FIXED",
    "billingCycle": {"unit": "MONTH"},
    "timing": "IN_ADVANCE",
    "priceVersions": [{"model": {"type": "FLAT_FEE", "price": "1000.00"}}],
}
SEATS: dict[str, Any] = {
    "id": "seats",
    "name": "Seats",
    "chargeType": "FIXED",
    "billingCycle": {"unit": "MONTH"},
    "timing": "IN_ADVANCE",
    "priceVersions": [{"model": {"type": "PER_UNIT", "price": "50.00"}}],
    "quantities": [{"effectiveDate": "2026-01-01", "quantity": "10"}],
}
API_CALLS: dict[str, Any] = {
    "id": "api",
    "name": "API calls",
    "chargeType": "USAGE",
    "meteredFeatureId": "api-calls",
    "billingCycle": {"unit": "MONTH"},
    "priceVersions": [{"model": {"type": "PER_UNIT", "price": "0.10"}}],
    "commitment": {"type": "AMOUNT", "mode": "GREEDY", "perPeriod": "500.00"},
}
TERMS: dict[str, Any] = {
    "currency": "USD",
    "timezone": "UTC",
    "startDate": "2026-01-01",
    "endDate": "2026-12-31",
    "netTermsDays": 30,
    "lineItems": [PLATFORM, SEATS, API_CALLS],
}
ORDER_LINES: list[dict[str, Any]] = [
    {
        "name": "Enterprise platform",
        "kind": "RECURRING",
        "quantity": 1,
        "unitPrice": "1000.00",
        "currency": "USD",
        "planId": "enterprise",
    },
    {"name": "Seats", "kind": "RECURRING", "quantity": 10, "unitPrice": "50.00", "currency": "USD"},
    {
        "name": "API calls, 500.00 a month minimum",
        "kind": "USAGE",
        "unitPrice": "0.10",
        "currency": "USD",
        "featureId": "api-calls",
    },
]

# The periods as invoice lines name them.
JAN = "Jan 1 – Jan 31, 2026"
FEB = "Feb 1 – Feb 28, 2026"
MAR = "Mar 1 – Mar 31, 2026"
APR = "Apr 1 – Apr 30, 2026"
MAY = "May 1 – May 31, 2026"
JUN = "Jun 1 – Jun 30, 2026"
JUL = "Jul 1 – Jul 31, 2026"
AUG = "Aug 1 – Aug 31, 2026"
SEP = "Sep 1 – Sep 30, 2026"
OCT = "Oct 1 – Oct 31, 2026"
NOV = "Nov 1 – Nov 30, 2026"
DEC = "Dec 1 – Dec 31, 2026"
JAN27 = "Jan 1 – Jan 31, 2027"
FEB27 = "Feb 1 – Feb 28, 2027"

# Invoice lines as (description, quantity, amount); an invoice as
# (contract, issue date, due date, lines, total).
Line = tuple[str, str | None, str]
Shape = tuple[str | None, str, str, list[Line], str]


def platform(period: str, price: str = "1000.00") -> Line:
    return (f"Platform ({period})", None, price)


def seats(period: str, quantity: str, amount: str) -> Line:
    return (f"Seats ({period})", quantity, amount)


def calls(period: str, quantity: str, amount: str) -> Line:
    return (f"API calls ({period})", quantity, amount)


def true_up(period: str, amount: str) -> Line:
    return (f"Minimum commitment true-up ({period})", None, amount)


# --- the story's tools --------------------------------------------------------------------------


class Story:
    def __init__(self, api: httpx.Client, container: Container, clock: SettableClock) -> None:
        self.api = api
        self.container = container
        self.clock = clock
        self.environment_id = container.tenancy.authenticate(
            api.headers["X-API-KEY"]
        ).environment_id

    def on(self, day: str, hour: int = 10) -> None:
        self._move(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))

    def _move(self, instant: datetime) -> None:
        assert instant >= self.clock.now(), f"the story never goes back in time: {instant}"
        self.clock.set(instant)

    def report(self, calls: int, at: str, key: str, late: bool = False) -> None:
        """Usage stamped `at`; reported an hour later, unless it is `late` (reported now)."""
        if not late:
            self._move(datetime.fromisoformat(at) + timedelta(hours=1))
        usage = {
            "customerId": "acme",
            "featureId": "api-calls",
            "value": calls,
            "createdAt": at,
            "idempotencyKey": key,
        }
        ok(self.api.post("/api/v1/usage", json={"usages": [usage]}), 201)

    def bill(self, day: str) -> RunSummary:
        """What the worker does on the 1st: expire contracts that ended, then bill."""
        self.on(day, hour=6)
        self.container.contracts.expire_due(self.clock.now())
        summary = self.container.billing_runs.run_due(self.environment_id, self.clock.now())
        assert summary.failed == {}
        return summary

    def contract(self, contract_id: str = "acme-2026") -> dict[str, Any]:
        return ok(self.api.get(f"/api/v1/contracts/{contract_id}"))

    def order(self, order_id: str) -> dict[str, Any]:
        return ok(self.api.get(f"/api/v1/orders/{order_id}"))

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        return ok(self.api.get(f"/api/v1/invoices/{invoice_id}"))

    def invoices(self, **params: str) -> list[dict[str, Any]]:
        found = listed(self.api.get("/api/v1/invoices", params={"customerId": "acme", **params}))
        return sorted(found, key=lambda i: (i["issueDate"], i["correctionNumber"], i["createdAt"]))

    def drafts(self) -> list[dict[str, Any]]:
        return self.invoices(status="DRAFT")

    def approve(self, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [d["id"] for d in drafts]
        return listed(self.api.post("/api/v1/invoices/approve", json={"invoiceIds": ids}))

    def send(self, invoice: dict[str, Any]) -> dict[str, Any]:
        return ok(self.api.post(f"/api/v1/invoices/{invoice['id']}/send"))

    def pay(self, invoice: dict[str, Any], day: str, amount: str | None = None) -> dict[str, Any]:
        self.on(day)
        body = {"paidDate": day, **({} if amount is None else {"amount": amount})}
        return ok(self.api.post(f"/api/v1/invoices/{invoice['id']}/paid", json=body))

    def close_month(
        self,
        day: str,
        expected: list[Shape],
        numbers: list[str],
        drafted: int | None = None,
        corrected: int = 0,
    ) -> list[dict[str, Any]]:
        """Bill on `day`, check the drafts to the cent, approve them (numbered) and send them."""
        summary = self.bill(day)
        assert (summary.drafted, summary.corrected) == (
            len(expected) if drafted is None else drafted,
            corrected,
        ), summary
        drafts = self.drafts()
        assert [shape(d) for d in drafts] == expected
        approved = self.approve(drafts)
        assert [(i["number"], i["status"]) for i in approved] == [(n, "APPROVED") for n in numbers]
        return [self.send(i) for i in approved]


def shape(invoice: dict[str, Any]) -> Shape:
    lines = [(line["description"], line["quantity"], line["amount"]) for line in invoice["lines"]]
    return (
        invoice["contractId"],
        invoice["issueDate"],
        invoice["dueDate"],
        lines,
        invoice["total"],
    )


def money(invoice: dict[str, Any]) -> dict[str, Any]:
    keys = ("status", "total", "creditApplied", "credited", "amountPaid", "amountDue")
    return {k: invoice[k] for k in keys}


# --- the story ----------------------------------------------------------------------------------


def test_the_sales_led_story_from_the_signed_order_to_the_renewal(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    clock.set(datetime(2025, 12, 10, 10, tzinfo=UTC))
    story = Story(api, container, clock)
    catalog(story)
    january = signed_contracted_and_activated(story)
    first_quarter(story, january)
    upsell_in_april(story)
    may_to_september(story)
    october_to_december(story)
    renewal_in_december(story)
    months_thirteen_and_fourteen(story)


def catalog(story: Story) -> None:
    api = story.api
    metered = {"featureType": "NUMBER", "meterType": "INCREMENTAL"}
    feature = {"id": "api-calls", "displayName": "API calls", **metered}
    ok(api.post("/api/v1/features", json=feature), 201)
    ok(api.post("/api/v1/products", json={"id": "cloud", "displayName": "Cloud"}), 201)
    customer = {"id": "acme", "name": "Acme Corp", "billingCurrency": "usd"}
    ok(api.post("/api/v1/customers", json=customer), 201)
    plan = {"id": "enterprise", "displayName": "Enterprise", "productId": "cloud"}
    ok(api.post("/api/v1/plans", json={**plan, "pricingType": "CUSTOM"}), 201)
    variable = {"id": "api-calls", "type": "FEATURE", "isCustom": True, "resetPeriod": "MONTH"}
    ok(api.post("/api/v1/plans/enterprise/entitlements", json={"entitlements": [variable]}), 201)
    ok(api.post("/api/v1/plans/enterprise/publish", json={"migrationType": "NEW_CUSTOMERS"}))
    bank = {"accountHolder": "Pactline Inc", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    entity = {"id": "pactline-inc", "name": "Pactline Inc", "country": "US", "bankTransfer": bank}
    ok(api.post("/api/v1/contracts/legal-entities", json=entity), 201)


def signed_contracted_and_activated(story: Story) -> dict[str, Any]:
    """December 2025 (story §1): the order, the draft and its refusals, activation."""
    api = story.api
    order = ok(
        api.post(
            "/api/v1/orders",
            json={
                "id": "o-initial",
                "customerId": "acme",
                "type": "INITIAL",
                "contractId": "acme-2026",
                "source": {"kind": "CRM", "reference": "006Dn000004ACME26"},
                "signedDate": "2025-12-09",
                "lines": ORDER_LINES,
            },
        ),
        201,
    )
    assert (order["status"], order["checklist"]["done"]) == ("NEW", False)
    assert missing(order) == {
        "CONTRACT": ["contract_not_found"],
        "SUBSCRIPTIONS": ["not_provisioned"],
        "METERING": ["no_contract"],
    }

    # The draft as sales ops first entered it: no legal entity yet, seats without a quantity.
    unfinished = {**TERMS, "lineItems": [PLATFORM, {**SEATS, "quantities": []}, API_CALLS]}
    draft = ok(
        api.post(
            "/api/v1/contracts",
            json={
                "contractId": "acme-2026",
                "customerId": "acme",
                "name": "Acme 2026",
                "poNumber": "PO-4711",
                "terms": unfinished,
                "corrections": {"undercharge": "BACKDATED_INVOICE", "overcharge": "CARRY_FORWARD"},
            },
        ),
        201,
    )
    assert (draft["status"], draft["version"], draft["legalEntityId"]) == ("DRAFT", 1, None)
    subscription = {
        "id": "sub-acme",
        "customerId": "acme",
        "planId": "enterprise",
        "paymentCollectionMethod": "INVOICE",
        "entitlements": [{"id": "api-calls", "type": "FEATURE", "usageLimit": 12000}],
    }
    provisioned = ok(api.post("/api/v1/subscriptions", json=subscription), 201)["subscription"]
    assert [(e["id"], e["usageLimit"]) for e in provisioned["subscriptionEntitlements"]] == [
        ("api-calls", 12000)
    ]
    attached = ok(
        api.post(
            "/api/v1/contracts/acme-2026/subscriptions",
            json={"subscriptionIds": ["sub-acme"], "version": 1},
        )
    )
    assert [s["subscriptionId"] for s in attached["subscriptions"]] == ["sub-acme"]
    assert missing(story.order("o-initial")) == {
        "CONTRACT": ["contract_draft"],
        "SUBSCRIPTIONS": [],
        "METERING": [],
    }

    # Refused: activating the incomplete draft lists every problem and changes nothing.
    refusal = api.post("/api/v1/contracts/acme-2026/billing/publish")
    assert problems(refusal) == [
        ("terms.lineItems[1].quantities", "required"),
        ("legalEntityId", "required"),
    ]
    assert story.contract() == attached
    assert story.invoices() == []

    # Refused: a second contract holding the same subscription.
    second = api.post(
        "/api/v1/contracts",
        json={
            "contractId": "acme-shadow",
            "customerId": "acme",
            "subscriptions": [{"existingSubscriptionId": "sub-acme"}],
        },
    )
    assert refused(second, 409, "SubscriptionOnAnotherContract")["details"]["contractId"] == (
        "acme-2026"
    )
    refused(api.get("/api/v1/contracts/acme-shadow"), 404, "EntityNotFound")
    assert [c["contractId"] for c in listed(api.get("/api/v1/contracts"))] == ["acme-2026"]
    assert story.contract() == attached

    # The draft is completed; an edit made from the version read before that is stale.
    completed = ok(
        api.patch(
            "/api/v1/contracts/acme-2026",
            json={"version": 2, "legalEntityId": "pactline-inc", "terms": TERMS},
        )
    )
    assert completed["version"] == 3
    stale = api.patch("/api/v1/contracts/acme-2026", json={"version": 2, "poNumber": "PO-0000"})
    refused(stale, 409, "StaleVersion")
    assert story.contract() == completed
    assert story.order("o-initial")["status"] == "NEW"

    active = ok(api.post("/api/v1/contracts/acme-2026/billing/publish", json={"version": 3}))
    assert (active["status"], active["activatedAt"]) == ("ACTIVE", "2025-12-10T10:00:00Z")

    fulfilled = story.order("o-initial")
    assert (fulfilled["status"], fulfilled["fulfilledAt"]) == ("FULFILLED", "2025-12-10T10:00:00Z")
    assert {k: fulfilled["value"][k] for k in ("fixed", "usageMinimums", "committed", "tcv")} == {
        "fixed": "18000.00",
        "usageMinimums": "6000.00",
        "committed": "24000.00",
        "tcv": "24000.00",
    }

    # The first invoice is drafted at activation and held for review.
    [first] = story.invoices()
    assert shape(first) == (
        "acme-2026",
        "2026-01-01",
        "2026-01-31",
        [platform(JAN), seats(JAN, "10", "500.00")],
        "1500.00",
    )
    assert first["status"] == "DRAFT"
    return first


def first_quarter(story: Story, january_draft: dict[str, Any]) -> None:
    """January to March (story §2): a partial payment, Feb's shortfall, late usage back-dated."""
    api = story.api
    [january] = story.close_month(
        "2026-01-01",
        [("acme-2026", "2026-01-01", "2026-01-31", shape(january_draft)[3], "1500.00")],
        ["INV-000001"],
        drafted=0,  # drafted at activation; the run finds it unchanged
    )
    assert january["id"] == january_draft["id"]
    assert money(story.pay(january, "2026-01-12")) == {
        "status": "PAID",
        "total": "1500.00",
        "creditApplied": "0.00",
        "credited": "0.00",
        "amountPaid": "1500.00",
        "amountDue": "0.00",
    }
    story.report(6000, "2026-01-20T12:00:00Z", "acme-2026-01")
    story.report(6000, "2026-01-20T12:00:00Z", "acme-2026-01")  # a retry: counted once
    # The negotiated limit meets the usage (the limit resets on the subscription's day, the 10th).
    check = ok(
        api.get("/api/v1/customers/acme/entitlements/check", params={"featureId": "api-calls"})
    )
    assert (check["isGranted"], check["usageLimit"], check["currentUsage"]) == (True, 12000, 6000)
    assert (check["usagePeriodStart"], check["usagePeriodEnd"]) == (
        "2026-01-10T10:00:00Z",
        "2026-02-10T10:00:00Z",
    )

    [february] = story.close_month(
        "2026-02-01",
        [
            (
                "acme-2026",
                "2026-02-01",
                "2026-03-03",
                [platform(FEB), seats(FEB, "10", "500.00"), calls(JAN, "6000", "600.00")],
                "2100.00",
            )
        ],
        ["INV-000002"],
    )
    partly = story.pay(february, "2026-02-11", "1000.00")
    assert (partly["status"], partly["amountDue"]) == ("PARTIALLY_PAID", "1100.00")
    over = api.post(
        f"/api/v1/invoices/{february['id']}/paid",
        json={"paidDate": "2026-02-11", "amount": "1100.01"},
    )
    assert problems(over) == [("amount", "overpayment")]
    assert story.invoice(february["id"]) == partly
    story.report(4000, "2026-02-16T12:00:00Z", "acme-2026-02")

    [march] = story.close_month(
        "2026-03-01",
        [
            (
                "acme-2026",
                "2026-03-01",
                "2026-03-31",
                [
                    platform(MAR),
                    seats(MAR, "10", "500.00"),
                    calls(FEB, "4000", "400.00"),
                    true_up(FEB, "100.00"),
                ],
                "2000.00",
            )
        ],
        ["INV-000003"],
    )
    assert story.pay(february, "2026-03-03")["status"] == "PAID"

    # Late usage for February arrives after February's invoice was approved.
    story.on("2026-03-05")
    story.report(1500, "2026-02-27T15:00:00Z", "acme-2026-02-late", late=True)
    # Refused: an approved invoice is not edited; it stays as it was.
    before = story.invoice(march["id"])
    edit = {
        "reason": "late usage",
        "version": before["version"],
        "lines": [{"position": 3, "amount": "550.00"}],
    }
    refused(api.patch(f"/api/v1/invoices/{march['id']}", json=edit), 409, "InvoiceNotEditable")
    assert story.invoice(march["id"]) == before
    story.report(5000, "2026-03-18T12:00:00Z", "acme-2026-03")
    march = story.pay(march, "2026-03-20")

    # April 1st: February is recomputed; the difference is a back-dated invoice (the policy).
    backdated, april = story.close_month(
        "2026-04-01",
        [
            (
                "acme-2026",
                "2026-03-01",
                "2026-05-01",
                [calls(FEB, "1500", "150.00"), true_up(FEB, "-100.00")],
                "50.00",
            ),
            (
                "acme-2026",
                "2026-04-01",
                "2026-05-01",
                [platform(APR), seats(APR, "10", "500.00"), calls(MAR, "5000", "500.00")],
                "2000.00",
            ),
        ],
        ["INV-000004", "INV-000005"],
        drafted=1,  # the back-dated invoice is the correction's
        corrected=1,
    )
    assert (backdated["correctionNumber"], backdated["corrects"]) == (
        1,
        {"invoiceId": march["id"], "periodStart": "2026-02-01", "periodEnd": "2026-04-01"},
    )
    assert story.invoice(march["id"]) == march  # the approved, paid invoice stays as it was
    story.pay(backdated, "2026-04-10")
    story.pay(april, "2026-04-10")


def upsell_in_april(story: Story) -> None:
    """April (story §3): the upsell order, carried out by an amendment from 16 April."""
    api = story.api
    story.on("2026-04-10")
    upsell = ok(
        api.post(
            "/api/v1/orders",
            json={
                "id": "o-upsell",
                "customerId": "acme",
                "type": "UPSELL",
                "contractId": "acme-2026",
                "source": {"kind": "PDF", "reference": "s3://orders/acme-upsell-2026-04.pdf"},
                "signedDate": "2026-04-09",
                "lines": [
                    {
                        "name": "10 more seats from 16 April",
                        "kind": "RECURRING",
                        "quantity": 10,
                        "unitPrice": "50.00",
                        "currency": "USD",
                    }
                ],
            },
        ),
        201,
    )
    assert (upsell["status"], missing(upsell)["CONTRACT"]) == ("NEW", ["not_amended"])
    before = story.contract()
    version = before["version"]
    change = {
        "effectiveDate": "2026-04-16",
        "quantityChanges": [{"lineItemId": "seats", "effectiveDate": "2026-04-16", "quantity": 20}],
        "orderId": "o-upsell",
    }
    # Refused: an amendment from a stale read.
    stale = api.post(
        "/api/v1/contracts/acme-2026/billing/edit-active", json={**change, "version": version - 1}
    )
    refused(stale, 409, "StaleVersion")
    assert story.contract() == before
    assert listed(api.get("/api/v1/contracts/acme-2026/amendments")) == []
    assert story.order("o-upsell")["status"] == "NEW"

    amended = ok(
        api.post(
            "/api/v1/contracts/acme-2026/billing/edit-active", json={**change, "version": version}
        )
    )
    assert amended["terms"]["lineItems"][1]["quantities"] == [
        {"effectiveDate": "2026-01-01", "quantity": "10"},
        {"effectiveDate": "2026-04-16", "quantity": "20"},
    ]
    [amendment] = listed(api.get("/api/v1/contracts/acme-2026/amendments"))
    assert (amendment["orderId"], amendment["effectiveDate"]) == ("o-upsell", "2026-04-16")
    done = story.order("o-upsell")
    assert done["status"] == "FULFILLED"
    assert {k: done["value"][k] for k in ("fixed", "usageMinimums", "committed", "tcv")} == {
        "fixed": "22250.00",
        "usageMinimums": "6000.00",
        "committed": "28250.00",
        "tcv": "28250.00",
    }
    story.report(7000, "2026-04-20T12:00:00Z", "acme-2026-04")


def may_to_september(story: Story) -> None:
    """May to September (story §4): the upsell's adjustment, a shortfall, an over-charge
    carried forward as credit."""
    [may] = story.close_month(
        "2026-05-01",
        [
            (
                "acme-2026",
                "2026-05-01",
                "2026-05-31",
                [
                    platform(MAY),
                    (f"Seats quantity adjustment ({APR})", "5", "250.00"),
                    seats(MAY, "20", "1000.00"),
                    calls(APR, "7000", "700.00"),
                ],
                "2950.00",
            )
        ],
        ["INV-000006"],
    )
    story.pay(may, "2026-05-12")
    story.report(3000, "2026-05-15T12:00:00Z", "acme-2026-05")

    [june] = story.close_month(
        "2026-06-01",
        [
            (
                "acme-2026",
                "2026-06-01",
                "2026-07-01",
                [
                    platform(JUN),
                    seats(JUN, "20", "1000.00"),
                    calls(MAY, "3000", "300.00"),
                    true_up(MAY, "200.00"),
                ],
                "2500.00",
            )
        ],
        ["INV-000007"],
    )
    story.pay(june, "2026-06-10")
    story.report(9000, "2026-06-12T12:00:00Z", "acme-2026-06")

    [july] = story.close_month(
        "2026-07-01",
        [
            (
                "acme-2026",
                "2026-07-01",
                "2026-07-31",
                [platform(JUL), seats(JUL, "20", "1000.00"), calls(JUN, "9000", "900.00")],
                "2900.00",
            )
        ],
        ["INV-000008"],
    )
    july = story.pay(july, "2026-07-06")
    # June's batch of 12 June had been sent twice under two keys: the customer withdraws it.
    story.on("2026-07-08")
    story.report(-2000, "2026-06-12T12:00:00Z", "acme-2026-06-withdrawn", late=True)
    story.report(8000, "2026-07-15T12:00:00Z", "acme-2026-07")

    # August 1st: June recomputes 200.00 lower; the credit is carried forward (the policy)
    # and taken by the next invoice approved. The paid July invoice is left as it was.
    [august] = story.close_month(
        "2026-08-01",
        [
            (
                "acme-2026",
                "2026-08-01",
                "2026-08-31",
                [platform(AUG), seats(AUG, "20", "1000.00"), calls(JUL, "8000", "800.00")],
                "2800.00",
            )
        ],
        ["INV-000009"],
        corrected=1,
    )
    assert story.invoice(july["id"]) == july
    assert money(august) == {
        "status": "SENT",
        "total": "2800.00",
        "creditApplied": "200.00",
        "credited": "0.00",
        "amountPaid": "0.00",
        "amountDue": "2600.00",
    }
    assert money(story.pay(august, "2026-08-14"))["amountPaid"] == "2600.00"
    story.report(6000, "2026-08-20T12:00:00Z", "acme-2026-08")

    [september] = story.close_month(
        "2026-09-01",
        [
            (
                "acme-2026",
                "2026-09-01",
                "2026-10-01",
                [platform(SEP), seats(SEP, "20", "1000.00"), calls(AUG, "6000", "600.00")],
                "2600.00",
            )
        ],
        ["INV-000010"],
    )
    story.pay(september, "2026-09-10")
    story.report(5000, "2026-09-15T12:00:00Z", "acme-2026-09")


def october_to_december(story: Story) -> None:
    """October to December (story §5): a credit note, late usage moved to the next invoice."""
    api = story.api
    [october] = story.close_month(
        "2026-10-01",
        [
            (
                "acme-2026",
                "2026-10-01",
                "2026-10-31",
                [platform(OCT), seats(OCT, "20", "1000.00"), calls(SEP, "5000", "500.00")],
                "2500.00",
            )
        ],
        ["INV-000011"],
    )
    # Finance prefers late usage on the next invoice from now on.
    story.on("2026-10-02")
    settings = ok(
        api.patch(
            "/api/v1/contracts/acme-2026/billing/settings",
            json={"corrections": {"undercharge": "NEXT_INVOICE"}},
        )
    )
    assert settings["corrections"] == {"undercharge": "NEXT_INVOICE", "overcharge": "CARRY_FORWARD"}
    story.on("2026-10-03")
    story.report(2000, "2026-09-30T18:00:00Z", "acme-2026-09-late", late=True)

    # A partial credit note on October's platform fee, for September's outage.
    story.on("2026-10-12")
    note = ok(
        api.post(
            "/api/v1/customers/acme/invoices/INV-000011/credit-note",
            json={
                "reasonCode": "PRODUCT_UNSATISFACTORY",
                "issueDate": "2026-10-12",
                "lines": [{"position": 1, "amount": 250}],
                "memo": "Platform outage of 28 September",
            },
        ),
        201,
    )
    assert (note["number"], note["total"], note["reasonCode"]) == (
        "CN-000001",
        250,
        "PRODUCT_UNSATISFACTORY",
    )
    credited = story.invoice(october["id"])
    assert money(credited) == {
        "status": "SENT",
        "total": "2500.00",
        "creditApplied": "0.00",
        "credited": "250.00",
        "amountPaid": "0.00",
        "amountDue": "2250.00",
    }
    notes = listed(api.get(f"/api/v1/invoices/{october['id']}/credit-notes"))
    assert [(n["number"], n["total"], n["lines"][0]["invoiceLine"]) for n in notes] == [
        ("CN-000001", "250.00", 1)
    ]
    assert money(story.pay(october, "2026-10-20"))["amountPaid"] == "2250.00"
    story.report(10000, "2026-10-21T12:00:00Z", "acme-2026-10")

    # November 1st: September's late calls come as a line on this invoice, naming September.
    [november] = story.close_month(
        "2026-11-01",
        [
            (
                "acme-2026",
                "2026-11-01",
                "2026-12-01",
                [
                    platform(NOV),
                    seats(NOV, "20", "1000.00"),
                    calls(OCT, "10000", "1000.00"),
                    calls(SEP, "2000", "200.00"),
                ],
                "3200.00",
            )
        ],
        ["INV-000012"],
        corrected=1,
    )
    late = november["lines"][3]
    assert (late["source"], late["corrects"]) == (
        "CORRECTION",
        {"invoiceId": october["id"], "periodStart": "2026-09-01", "periodEnd": "2026-11-01"},
    )
    assert money(story.invoice(october["id"]))["total"] == "2500.00"
    story.pay(november, "2026-11-09")
    story.report(6000, "2026-11-18T12:00:00Z", "acme-2026-11")

    [december] = story.close_month(
        "2026-12-01",
        [
            (
                "acme-2026",
                "2026-12-01",
                "2026-12-31",
                [platform(DEC), seats(DEC, "20", "1000.00"), calls(NOV, "6000", "600.00")],
                "2600.00",
            )
        ],
        ["INV-000013"],
    )
    story.pay(december, "2026-12-08")


def renewal_in_december(story: Story) -> None:
    """December 2026 (story §6): the renewal order, the renewal draft at 1,100.00 for the
    platform, the subscription moved to it, activation."""
    api = story.api
    story.on("2026-12-10")
    renewal_lines = [
        {**ORDER_LINES[0], "unitPrice": "1100.00"},
        {**ORDER_LINES[1], "quantity": 20},
        ORDER_LINES[2],
    ]
    order = ok(
        api.post(
            "/api/v1/orders",
            json={
                "id": "o-renewal",
                "customerId": "acme",
                "type": "RENEWAL",
                "contractId": "acme-2027",
                "source": {"kind": "CRM", "reference": "006Dn000004ACME27"},
                "signedDate": "2026-12-09",
                "lines": renewal_lines,
            },
        ),
        201,
    )
    assert missing(order)["CONTRACT"] == ["contract_not_found"]
    following = ok(
        api.post("/api/v1/contracts/acme-2026/renew", json={"contractId": "acme-2027"}), 201
    )
    assert (following["status"], following["startDate"], following["endDate"]) == (
        "DRAFT",
        "2027-01-01",
        "2027-12-31",
    )
    assert following["renewedFromId"] == "acme-2026"
    assert [
        (line["id"], line["priceVersions"][0]["model"]["price"], line["quantities"])
        for line in following["terms"]["lineItems"]
    ] == [
        ("platform", "1000.00", []),
        ("seats", "50.00", [{"effectiveDate": "2027-01-01", "quantity": "20"}]),
        ("api", "0.10", []),
    ]
    assert missing(story.order("o-renewal"))["CONTRACT"] == ["contract_draft"]
    ok(api.patch("/api/v1/contracts/acme-2027/billing/items/platform/rows/0", json={"price": 1100}))
    ok(api.delete("/api/v1/contracts/acme-2026/subscriptions/sub-acme"))
    ok(
        api.post(
            "/api/v1/contracts/acme-2027/subscriptions", json={"subscriptionIds": ["sub-acme"]}
        )
    )
    assert story.order("o-renewal")["status"] == "NEW"

    active = ok(api.post("/api/v1/contracts/acme-2027/billing/publish"))
    assert active["status"] == "ACTIVE"
    done = story.order("o-renewal")
    assert (done["status"], missing(done)) == (
        "FULFILLED",
        {"CONTRACT": [], "SUBSCRIPTIONS": [], "METERING": []},
    )
    assert {k: done["value"][k] for k in ("fixed", "usageMinimums", "committed", "tcv")} == {
        "fixed": "25200.00",
        "usageMinimums": "6000.00",
        "committed": "31200.00",
        "tcv": "31200.00",
    }
    assert story.order("o-initial")["status"] == "FULFILLED"
    story.report(4500, "2026-12-15T12:00:00Z", "acme-2026-12")


def months_thirteen_and_fourteen(story: Story) -> None:
    """January and February 2027 (story §7): the old term's last invoice, the renewal's first."""
    first_of_2027, last_of_2026 = story.close_month(
        "2027-01-01",
        [
            (
                "acme-2027",
                "2027-01-01",
                "2027-01-31",
                [platform(JAN27, "1100.00"), seats(JAN27, "20", "1000.00")],
                "2100.00",
            ),
            (
                "acme-2026",
                "2027-01-01",
                "2027-01-31",
                [calls(DEC, "4500", "450.00"), true_up(DEC, "50.00")],
                "500.00",
            ),
        ],
        ["INV-000014", "INV-000015"],
        drafted=1,  # the renewal's first invoice was drafted when it was activated
    )
    assert story.contract("acme-2026")["status"] == "EXPIRED"
    story.pay(first_of_2027, "2027-01-11")
    story.pay(last_of_2026, "2027-01-11")
    story.report(6000, "2027-01-19T12:00:00Z", "acme-2027-01")

    [february] = story.close_month(
        "2027-02-01",
        [
            (
                "acme-2027",
                "2027-02-01",
                "2027-03-03",
                [
                    platform(FEB27, "1100.00"),
                    seats(FEB27, "20", "1000.00"),
                    calls(JAN27, "6000", "600.00"),
                ],
                "2700.00",
            )
        ],
        ["INV-000016"],
    )
    # Billing again the same day changes nothing: every period is billed once.
    everything = story.invoices()
    again = story.bill("2027-02-01")
    assert (again.drafted, again.refreshed, again.corrected, again.lost_races) == (0, 0, 0, 0)
    assert story.invoices() == everything

    story.pay(february, "2027-02-10")
    story.report(5500, "2027-02-16T12:00:00Z", "acme-2027-02")
    # February 2027's usage bills on 1 March, as the upcoming invoice already shows.
    upcoming = ok(story.api.get("/api/v1/customers/acme/invoices/upcoming"))
    assert (upcoming["contractId"], upcoming["invoice"]["issueDate"]) == ("acme-2027", "2027-03-01")
    assert [(line["description"], line["amount"]) for line in upcoming["invoice"]["lines"]] == [
        ("Platform (Mar 1 – Mar 31, 2027)", "1100.00"),
        ("Seats (Mar 1 – Mar 31, 2027)", "1000.00"),
        (f"API calls ({FEB27})", "550.00"),
    ]
    assert upcoming["invoice"]["total"] == "2650.00"

    everything = story.invoices()
    assert [(i["number"], i["status"], i["total"], i["amountDue"]) for i in everything] == [
        ("INV-000001", "PAID", "1500.00", "0.00"),
        ("INV-000002", "PAID", "2100.00", "0.00"),
        ("INV-000003", "PAID", "2000.00", "0.00"),
        ("INV-000004", "PAID", "50.00", "0.00"),
        ("INV-000005", "PAID", "2000.00", "0.00"),
        ("INV-000006", "PAID", "2950.00", "0.00"),
        ("INV-000007", "PAID", "2500.00", "0.00"),
        ("INV-000008", "PAID", "2900.00", "0.00"),
        ("INV-000009", "PAID", "2800.00", "0.00"),
        ("INV-000010", "PAID", "2600.00", "0.00"),
        ("INV-000011", "PAID", "2500.00", "0.00"),
        ("INV-000012", "PAID", "3200.00", "0.00"),
        ("INV-000013", "PAID", "2600.00", "0.00"),
        ("INV-000014", "PAID", "2100.00", "0.00"),
        ("INV-000015", "PAID", "500.00", "0.00"),
        ("INV-000016", "PAID", "2700.00", "0.00"),
    ]
    # The 2026 term priced with its final inputs is 30,000.00; its documents say the same.
    term_2026 = [i for i in everything if i["contractId"] == "acme-2026"]
    billed = sum(Decimal(i["total"]) - Decimal(i["creditApplied"]) for i in term_2026)
    assert billed == Decimal("30000.00")
