"""The demo deal `make run` loads into an empty sandbox: a sales-led customer, end to end.

Acme Corp signs an order for the Cloud product: a platform fee, 10 seats and API calls at 0.10
with a 500.00 monthly minimum, on a CUSTOM plan whose API-call limit (12,000 a month) was
negotiated. The order becomes an active contract billed by Pactline Inc (paid by bank
transfer), whose first invoice waits for review, and Acme has used 3,200 API calls.

It is loaded through the public API, in process, with the demo key: every request is
validated and recorded as a client's would be, and the requests double as an example of the
sales-led flow (README, "Try it"). Dates follow the day it is loaded: the contract runs for a
year from the first of the current month.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

Step = tuple[str, str, str, dict[str, Any] | None]  # (step, method, path, JSON body)
CUSTOMER_ID = "acme"
CONTRACT_ID = "acme-contract"


class DemoLoadFailed(Exception):
    def __init__(self, step: str, response: httpx.Response) -> None:
        super().__init__(f"{step} answered {response.status_code}: {response.text}")


def requests(now: datetime) -> list[Step]:
    """The steps in the order they are sent."""
    today = now.date()
    start = today.replace(day=1)
    end = date(start.year + 1, start.month, 1) - timedelta(days=1)  # inclusive, as drafts are
    terms = {
        "currency": "USD",
        "timezone": "UTC",
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "netTermsDays": 30,
        "lineItems": [
            {
                "id": "platform",
                "name": "Platform",
                "chargeType": "FIXED",
                "billingCycle": {"unit": "MONTH"},
                "timing": "IN_ADVANCE",
                "priceVersions": [{"model": {"type": "FLAT_FEE", "price": "1000.00"}}],
            },
            {
                "id": "seats",
                "name": "Seats",
                "chargeType": "FIXED",
                "billingCycle": {"unit": "MONTH"},
                "timing": "IN_ADVANCE",
                "priceVersions": [{"model": {"type": "PER_UNIT", "price": "50.00"}}],
                "quantities": [{"effectiveDate": start.isoformat(), "quantity": "10"}],
            },
            {
                "id": "api",
                "name": "API calls",
                "chargeType": "USAGE",
                "meteredFeatureId": "api-calls",
                "billingCycle": {"unit": "MONTH"},
                "priceVersions": [{"model": {"type": "PER_UNIT", "price": "0.10"}}],
                "commitment": {"type": "AMOUNT", "mode": "GREEDY", "perPeriod": "500.00"},
            },
        ],
    }
    order_lines = [
        {
            "name": "Enterprise platform",
            "kind": "RECURRING",
            "quantity": 1,
            "unitPrice": "1000.00",
            "currency": "USD",
            "planId": "enterprise",
        },
        {
            "name": "Seats",
            "kind": "RECURRING",
            "quantity": 10,
            "unitPrice": "50.00",
            "currency": "USD",
        },
        {
            "name": "API calls, 500.00 a month minimum",
            "kind": "USAGE",
            "unitPrice": "0.10",
            "currency": "USD",
            "featureId": "api-calls",
        },
    ]
    bank = {"accountHolder": "Pactline Inc", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    return [
        (
            "the API-calls feature",
            "POST",
            "/api/v1/features",
            {
                "id": "api-calls",
                "displayName": "API calls",
                "featureType": "NUMBER",
                "meterType": "INCREMENTAL",
                "featureUnits": "call",
                "featureUnitsPlural": "calls",
            },
        ),
        (
            "the SSO feature",
            "POST",
            "/api/v1/features",
            {"id": "sso", "displayName": "Single sign-on", "featureType": "BOOLEAN"},
        ),
        (
            "the product",
            "POST",
            "/api/v1/products",
            {"id": "cloud", "displayName": "Cloud"},
        ),
        (
            "the plan",
            "POST",
            "/api/v1/plans",
            {
                "id": "enterprise",
                "displayName": "Enterprise",
                "productId": "cloud",
                "pricingType": "CUSTOM",
            },
        ),
        (
            "the plan's entitlements",
            "POST",
            "/api/v1/plans/enterprise/entitlements",
            {
                "entitlements": [
                    # Negotiated per customer at provisioning (a variable entitlement).
                    {
                        "id": "api-calls",
                        "type": "FEATURE",
                        "isCustom": True,
                        "resetPeriod": "MONTH",
                    },
                    {"id": "sso", "type": "FEATURE"},
                ]
            },
        ),
        (
            "publishing the plan",
            "POST",
            "/api/v1/plans/enterprise/publish",
            {"migrationType": "NEW_CUSTOMERS"},
        ),
        (
            "the customer",
            "POST",
            "/api/v1/customers",
            {
                "id": CUSTOMER_ID,
                "name": "Acme Corp",
                "email": "billing@acme.example",
                "billingCurrency": "USD",
            },
        ),
        (
            "the legal entity",
            "POST",
            "/api/v1/contracts/legal-entities",
            {"id": "pactline-inc", "name": "Pactline Inc", "country": "US", "bankTransfer": bank},
        ),
        (
            "the signed order",
            "POST",
            "/api/v1/orders",
            {
                "id": "acme-order-1",
                "customerId": CUSTOMER_ID,
                "type": "INITIAL",
                "contractId": CONTRACT_ID,
                "source": {"kind": "CRM", "reference": "demo-opportunity"},
                "signedDate": today.isoformat(),
                "lines": order_lines,
            },
        ),
        (
            "the subscription",
            "POST",
            "/api/v1/subscriptions",
            {
                "id": "acme-enterprise",
                "customerId": CUSTOMER_ID,
                "planId": "enterprise",
                "paymentCollectionMethod": "INVOICE",
                "entitlements": [{"id": "api-calls", "type": "FEATURE", "usageLimit": 12000}],
            },
        ),
        (
            "the contract",
            "POST",
            "/api/v1/contracts",
            {
                "contractId": CONTRACT_ID,
                "customerId": CUSTOMER_ID,
                "name": "Acme Cloud",
                "poNumber": "PO-1001",
                "legalEntityId": "pactline-inc",
                "terms": terms,
                "subscriptions": [{"existingSubscriptionId": "acme-enterprise"}],
            },
        ),
        (
            "activating the contract",
            "POST",
            f"/api/v1/contracts/{CONTRACT_ID}/billing/publish",
            None,
        ),
        (
            "Acme's usage",
            "POST",
            "/api/v1/usage",
            {
                "usages": [
                    {
                        "customerId": CUSTOMER_ID,
                        "featureId": "api-calls",
                        "value": 3200,  # now: inside the subscription's first window
                        "idempotencyKey": "demo-usage-1",
                    }
                ]
            },
        ),
    ]


def load(app: FastAPI, key: str, now: datetime) -> bool:
    """Load the demo deal unless the sandbox already has a product; True if it was loaded."""
    return asyncio.run(_load(app, key, requests(now)))


async def _load(app: FastAPI, key: str, steps: Sequence[Step]) -> bool:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://pactline.demo", headers={"X-API-KEY": key}
    ) as client:
        products = await client.get("/api/v1/products", params={"limit": 1})
        if products.status_code != 200:
            raise DemoLoadFailed("listing the products", products)
        if products.json()["data"]:
            return False  # not a first run, or the vendor's own catalog: leave it alone
        for step, method, path, body in steps:
            response = await client.request(method, path, json=body)
            if not response.is_success:
                raise DemoLoadFailed(step, response)
    return True
