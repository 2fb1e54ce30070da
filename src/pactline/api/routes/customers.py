from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.filters import comma_list, created_range
from pactline.api.schemas.customers import (
    CustomerCreate,
    CustomerOut,
    CustomerUpdate,
    GrantCreate,
    GrantOut,
)
from pactline.domain.customers import GrantStatus
from pactline.domain.pagination import CreatedRange
from pactline.services.customers import NewCustomer
from pactline.services.ports import CustomerQuery

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.post("", status_code=status.HTTP_201_CREATED)
def provision_customer(
    body: CustomerCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[CustomerOut]:
    body.refuse_unsupported()
    customer = app.customers.provision(
        caller,
        NewCustomer(
            id=body.id,
            name=body.name,
            email=body.email,
            billing_currency=body.billing_currency,
            timezone=body.timezone,
            metadata=body.metadata,
            billing_id=body.billing_id,
            language=body.language,
            coupon_id=body.coupon_id,
            passthrough=None if body.passthrough is None else body.passthrough.document(),
            consolidate_invoices=bool(body.consolidate_invoices),
        ),
    )
    return Envelope(data=CustomerOut.of(customer))


@router.get("")
def list_customers(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    email: Annotated[str | None, Query(description="Exact email address")] = None,
    name: Annotated[str | None, Query(description="Exact name")] = None,
) -> ListEnvelope[CustomerOut]:
    query = CustomerQuery(email=email, name=name, created=created)
    page = app.customers.list_customers(caller, query, paging)
    return ListEnvelope(data=[CustomerOut.of(c) for c in page.items], pagination=page_out(page))


@router.get("/{customer_id}")
def get_customer(customer_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[CustomerOut]:
    return Envelope(data=CustomerOut.of(app.customers.get(caller, customer_id)))


@router.patch("/{customer_id}")
def update_customer(
    customer_id: str, body: CustomerUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[CustomerOut]:
    customer = app.customers.update(caller, customer_id, **body.changes())
    return Envelope(data=CustomerOut.of(customer))


@router.post("/{customer_id}/archive")
def archive_customer(
    customer_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[CustomerOut]:
    return Envelope(data=CustomerOut.of(app.customers.set_archived(caller, customer_id, True)))


@router.post("/{customer_id}/unarchive")
def unarchive_customer(
    customer_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[CustomerOut]:
    return Envelope(data=CustomerOut.of(app.customers.set_archived(caller, customer_id, False)))


@router.post("/{customer_id}/promotional-entitlements", status_code=status.HTTP_201_CREATED)
def grant_promotional_entitlements(
    customer_id: str, body: GrantCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[list[GrantOut]]:
    granted = app.customers.grant(caller, customer_id, body.to_domain())
    return Envelope(data=[GrantOut.of(view) for view in granted])


@router.get("/{customer_id}/promotional-entitlements")
def list_promotional_entitlements(
    customer_id: str,
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    status_filter: Annotated[
        str | None, Query(alias="status", description="Active, Expired, Paused (comma-separated)")
    ] = None,
) -> ListEnvelope[GrantOut]:
    statuses = comma_list("status", status_filter, GrantStatus)
    page = app.customers.list_grants(caller, customer_id, statuses, created, paging)
    return ListEnvelope(data=[GrantOut.of(v) for v in page.items], pagination=page_out(page))


@router.delete("/{customer_id}/promotional-entitlements/{feature_id}")
def revoke_promotional_entitlement(
    customer_id: str, feature_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[GrantOut]:
    return Envelope(data=GrantOut.of(app.customers.revoke(caller, customer_id, feature_id)))
