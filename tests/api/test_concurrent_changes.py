"""Concurrent changes to one customer's subscriptions and grants end as if made one by one.

Product `analytics` allows one subscription per customer (test_entitlement_checks.py's catalog):
two provisions sent at the same instant must leave one live subscription, the later one having
replaced the earlier; two grants of one feature must leave one grant in force. Each round sends
both requests from two threads released together, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from tests.api.test_entitlement_checks import ok, setup_catalog

ROUNDS = 6


def at_once(server_url: str, headers: httpx.Headers, *sends: Callable[[httpx.Client], Any]) -> None:
    """Run each send on its own client and thread, released together; all must succeed."""
    barrier = threading.Barrier(len(sends))
    statuses: list[int] = []

    def run(send: Callable[[httpx.Client], httpx.Response]) -> None:
        with httpx.Client(base_url=server_url, headers=headers, timeout=30) as client:
            barrier.wait()
            statuses.append(send(client).status_code)

    threads = [threading.Thread(target=run, args=(send,)) for send in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(sends)


def test_simultaneous_provisions_on_a_single_subscription_product_leave_one(
    api: httpx.Client, server_url: str
) -> None:
    setup_catalog(api)
    for n in range(ROUNDS):
        customer = f"c{n}"
        ok(api.post("/api/v1/customers", json={"id": customer}), 201)

        def provision(plan_id: str, customer: str = customer) -> Callable[[httpx.Client], Any]:
            body = {
                "id": f"{customer}-{plan_id}",
                "customerId": customer,
                "planId": plan_id,
                "paymentCollectionMethod": "INVOICE",
            }
            return lambda client: client.post("/api/v1/subscriptions", json=body)

        at_once(server_url, api.headers, provision("pro"), provision("team"))

        listed = ok(api.get("/api/v1/subscriptions", params={"customerId": customer}))
        statuses = sorted(s["status"] for s in listed)
        assert statuses == ["ACTIVE", "CANCELED"], (customer, listed)


def test_simultaneous_grants_of_one_feature_leave_one_in_force(
    api: httpx.Client, server_url: str
) -> None:
    setup_catalog(api)
    path = "/api/v1/customers/{}/promotional-entitlements"
    for n in range(ROUNDS):
        customer = f"c{n}"
        ok(api.post("/api/v1/customers", json={"id": customer}), 201)

        def grant(limit: int, customer: str = customer) -> Callable[[httpx.Client], Any]:
            item = {"featureId": "calls", "period": "lifetime", "usageLimit": limit}
            body = {"promotionalEntitlements": [item]}
            return lambda client: client.post(path.format(customer), json=body)

        at_once(server_url, api.headers, grant(10), grant(20))

        grants = ok(api.get(path.format(customer)))
        in_force = [g for g in grants if g["status"] == "Active"]
        assert len(in_force) == 1, (customer, grants)
