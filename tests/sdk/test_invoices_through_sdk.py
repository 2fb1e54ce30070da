"""A customer's invoices through the official stigg SDK (`customers.list_invoices`), strictly
validated, seeded by a billing run through the service."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from stigg import NotFoundError, Stigg

from pactline.bootstrap import Container
from pactline.domain.catalog import FeatureType, MeterType
from pactline.domain.tenancy import KeyKind
from pactline.services.catalog import NewFeature
from pactline.services.customers import NewCustomer
from pactline.services.usage import UsageReport
from tests.invoicing_support import billable, calls, fee


def test_the_sdk_lists_a_customers_invoices_page_by_page(
    stigg: Stigg, container: Container
) -> None:
    caller = container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER).secret
    )
    container.customers.provision(caller, NewCustomer(id="acme"))
    container.catalog.create_feature(
        caller,
        NewFeature(
            id="calls",
            display_name="API calls",
            feature_type=FeatureType.NUMBER,
            meter_type=MeterType.INCREMENTAL,
        ),
    )
    container.usage.report_usage(
        caller,
        [
            UsageReport(
                "acme", "calls", Decimal(5000), occurred_at=datetime(2026, 1, 10, tzinfo=UTC)
            )
        ],
    )
    container.billing_runs.run(
        caller.environment_id, datetime(2026, 2, 1, 6, tzinfo=UTC), [billable(fee(), calls())]
    )
    invoices = list(stigg.v1.customers.list_invoices("acme", limit=1))
    newest_first = stigg.v1.customers.list_invoices("acme", order_by="total", order_dir="DESC")

    assert [(i.state, i.total, i.issue_date) for i in invoices] == [
        ("OPEN", 1000, datetime(2026, 1, 1, tzinfo=UTC)),
        ("OPEN", 2000, datetime(2026, 2, 1, tzinfo=UTC)),
    ]
    assert invoices[1].line_items[1].quantity == 5000
    assert invoices[1].contract_external_id == "ct-1"
    assert [i.total for i in newest_first.data] == [2000, 1000]
    only_paid = stigg.v1.customers.list_invoices("acme", state_in="PAID")
    assert only_paid.data == []
    with pytest.raises(NotFoundError):
        stigg.v1.customers.list_invoices("ghost")
