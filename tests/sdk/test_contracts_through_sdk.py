"""Contracts through the official stigg SDK (0.1.0b53), strictly validated: every response must
parse into the SDK's contract types with no missing required field and no wrong type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stigg import BadRequestError, ConflictError, NotFoundError, Stigg


def catalog(stigg: Stigg) -> None:
    stigg.v1.products.create_product(id="analytics", display_name="Analytics")
    stigg.v1.products.create_product(id="crm", display_name="CRM")
    stigg.v1.customers.provision(id="acme", name="Acme", billing_currency="usd")
    for plan_id, product_id in (("enterprise", "analytics"), ("crm-custom", "crm")):
        stigg.v1.plans.create(
            id=plan_id, display_name=plan_id.title(), product_id=product_id, pricing_type="CUSTOM"
        )
        stigg.v1.plans.publish(plan_id, migration_type="NEW_CUSTOMERS")
    stigg.v1.subscriptions.provision(
        id="sub-ent", customer_id="acme", plan_id="enterprise", payment_collection_method="INVOICE"
    )


def test_contracts_through_the_sdk(stigg: Stigg) -> None:
    catalog(stigg)

    created = stigg.v1.contracts.create(
        customer_id="acme",
        contract_id="ct-1",
        name="Acme 2026",
        po_number="PO-1",
        activation_start_date=datetime(2026, 2, 1, tzinfo=UTC),
        activation_end_date=datetime(2027, 2, 1, tzinfo=UTC),
        subscriptions=[
            {"existing_subscription_id": "sub-ent"},
            {
                "new_subscription": {
                    "id": "sub-crm",
                    "customer_id": "acme",
                    "plan_id": "crm-custom",
                    "payment_collection_method": "INVOICE",
                }
            },
        ],
    ).data
    assert (created.contract_id, created.state, created.billing_state) == ("ct-1", "DRAFT", "DRAFT")
    assert (created.name, created.po_number, created.customer_external_id) == (
        "Acme 2026",
        "PO-1",
        "acme",
    )
    assert created.activation_start_date == datetime(2026, 2, 1, tzinfo=UTC)
    assert created.activation_end_date == datetime(2027, 2, 1, tzinfo=UTC)
    assert [(s.subscription_id, s.plan_display_name) for s in created.subscriptions] == [
        ("sub-ent", "Enterprise"),
        ("sub-crm", "Crm-Custom"),
    ]
    assert (created.next_invoice, created.latest_invoice) == (None, None)

    # The same request again (a retry) answers the same contract.
    again = stigg.v1.contracts.create(
        customer_id="acme",
        contract_id="ct-1",
        name="Acme 2026",
        po_number="PO-1",
        activation_start_date=datetime(2026, 2, 1, tzinfo=UTC),
        activation_end_date=datetime(2027, 2, 1, tzinfo=UTC),
        subscriptions=[
            {"existing_subscription_id": "sub-ent"},
            {
                "new_subscription": {
                    "id": "sub-crm",
                    "customer_id": "acme",
                    "plan_id": "crm-custom",
                    "payment_collection_method": "INVOICE",
                }
            },
        ],
    ).data
    assert again.to_dict() == created.to_dict()
    with pytest.raises(ConflictError):
        stigg.v1.contracts.create(customer_id="acme", contract_id="ct-1", name="Other")

    assert stigg.v1.contracts.retrieve("ct-1").data.to_dict() == created.to_dict()
    updated = stigg.v1.contracts.update(
        "ct-1", name="Acme 2026/27", po_number=None, subscription_ids=["sub-ent"]
    ).data
    assert (updated.name, updated.po_number) == ("Acme 2026/27", None)
    assert [s.subscription_id for s in updated.subscriptions] == ["sub-ent"]

    stigg.v1.contracts.create(customer_id="acme", contract_id="ct-2", name="Small")
    listed = list(stigg.v1.contracts.list(customer_external_id="acme", limit=1))
    assert [c.contract_id for c in listed] == ["ct-1", "ct-2"]
    assert [c.contract_id for c in stigg.v1.contracts.list(name="Small")] == ["ct-2"]
    assert [c.contract_id for c in stigg.v1.contracts.list(state="DRAFT,ACTIVE")] == [
        "ct-1",
        "ct-2",
    ]
    by_customer = stigg.v1.customers.list_contracts("acme").data
    assert [c.contract_id for c in by_customer] == ["ct-1", "ct-2"]

    archived = stigg.v1.contracts.delete("ct-1").data
    assert (archived.state, archived.billing_state) == ("CANCELED", "CANCELED")
    assert stigg.v1.subscriptions.retrieve("sub-ent").data.status == "CANCELED"
    assert [c.contract_id for c in stigg.v1.contracts.list(state="CANCELED")] == ["ct-1"]


def test_contract_refusals_through_the_sdk(stigg: Stigg) -> None:
    catalog(stigg)
    with pytest.raises(NotFoundError):
        stigg.v1.contracts.retrieve("nope")
    with pytest.raises(NotFoundError):
        stigg.v1.customers.list_contracts("nobody")
    with pytest.raises(BadRequestError) as raised:
        stigg.v1.contracts.create(
            customer_id="acme",
            contract_id="ct-1",
            subscriptions=[{"existing_subscription_id": "sub-missing"}],
        )
    assert raised.value.body["details"]["errors"][0]["code"] == "not_found"  # type: ignore[index]
    stigg.v1.contracts.create(
        customer_id="acme",
        contract_id="ct-1",
        subscriptions=[{"existing_subscription_id": "sub-ent"}],
    )
    with pytest.raises(ConflictError) as conflict:
        stigg.v1.contracts.create(
            customer_id="acme",
            contract_id="ct-2",
            subscriptions=[{"existing_subscription_id": "sub-ent"}],
        )
    assert conflict.value.body["code"] == "SubscriptionOnAnotherContract"  # type: ignore[index]
    without_billing = stigg.v1.contracts.create(
        customer_id="acme", contract_id="ct-3", setup_billing=False
    ).data
    assert (without_billing.state, without_billing.billing_state) == ("DRAFT", None)
    assert stigg.v1.contracts.update("ct-3", setup_billing=True).data.billing_state == "DRAFT"
