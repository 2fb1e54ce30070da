"""Concurrent writers of one contract, on SQLite and PostgreSQL: of two saves based on the same
version exactly one wins, and of two attaches of one subscription exactly one holds it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from pactline.bootstrap import Container
from pactline.domain.charges import PricingType
from pactline.domain.contracts import ContractTerms
from pactline.domain.currency import currency
from pactline.domain.errors import DomainError, StaleVersion, SubscriptionOnAnotherContract
from pactline.domain.plans import MigrationType
from pactline.domain.subscriptions import PaymentCollectionMethod
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.contract_members import SubscriptionEntry
from pactline.services.contracts import NewContract
from pactline.services.customers import NewCustomer
from pactline.services.plans import NewPlan
from pactline.services.subscriptions import NewSubscription

TERMS = ContractTerms(
    id="draft",
    name="Acme",
    customer_id="acme",
    currency=currency("USD"),
    timezone="UTC",
    start_on=date(2026, 1, 1),
    end_on=date(2026, 12, 31),
    line_items=(),
)


def _caller(container: Container) -> Principal:
    return container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER).secret
    )


def _race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at once; each one's result or the domain error it raised."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = calls[index]()
        except DomainError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_saves_of_the_same_version_let_exactly_one_win(container: Container) -> None:
    caller = _caller(container)
    container.customers.provision(caller, NewCustomer(id="acme", name="Acme"))
    container.contracts.create(caller, NewContract(customer_id="acme", id="c-1", terms=TERMS))

    results = _race(
        lambda: container.contracts.update(caller, "c-1", {"name": "A"}, expected_version=1),
        lambda: container.contracts.update(caller, "c-1", {"name": "B"}, expected_version=1),
    )

    lost = [r for r in results if isinstance(r, StaleVersion)]
    assert len(lost) == 1, results
    stored = container.contracts.get(caller, "c-1").contract
    assert (stored.version, stored.name in ("A", "B")) == (2, True)


def test_two_contracts_attaching_one_subscription_let_exactly_one_hold_it(
    container: Container,
) -> None:
    caller = _caller(container)
    container.customers.provision(caller, NewCustomer(id="acme", name="Acme"))
    container.catalog.create_product(caller, "analytics", "Analytics")
    plan = NewPlan("enterprise", "Enterprise", "analytics", pricing_type=PricingType.CUSTOM)
    container.plans.create(caller, plan)
    container.plans.publish(caller, "enterprise", MigrationType.NEW_CUSTOMERS)
    container.subscriptions.provision(
        caller,
        NewSubscription(
            customer_id="acme",
            plan_id="enterprise",
            id="sub-1",
            payment_collection_method=PaymentCollectionMethod.INVOICE,
        ),
    )
    for contract_id in ("c-1", "c-2"):
        container.contracts.create(caller, NewContract(customer_id="acme", id=contract_id))
    entry = [SubscriptionEntry(existing_id="sub-1")]

    results = _race(
        lambda: container.contracts.attach(caller, "c-1", entry),
        lambda: container.contracts.attach(caller, "c-2", entry),
    )

    assert len([r for r in results if isinstance(r, SubscriptionOnAnotherContract)]) == 1, results
    held = [container.contracts.get(caller, c).contract.subscription_ids for c in ("c-1", "c-2")]
    assert sorted(held) == [(), ("sub-1",)]
