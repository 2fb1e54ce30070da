"""Subscriptions in Stigg's REST API v1 shapes.

The SDK's other subscription methods (delegate, transfer, import, future updates, usage charge
and sync) answer 400 `not_supported` for a subscription that exists, 404 otherwise.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, Pagination, page_out
from pactline.api.filters import comma_list, created_range, parse_instant
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.subscriptions import (
    CancelIn,
    IdOut,
    MigrateIn,
    PreviewOut,
    ProvisionOut,
    SubscriptionOut,
    SubscriptionPreviewIn,
    SubscriptionProvision,
    SubscriptionUpdate,
)
from pactline.domain.charges import PricingType
from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import CreatedRange
from pactline.domain.subscriptions import CancellationTime, SubscriptionStatus

router = APIRouter(
    prefix="/api/v1/subscriptions", tags=["subscriptions"], route_class=ExactJsonRoute
)

AnyBody = Annotated[dict[str, Any] | None, Body()]


@router.post("", status_code=status.HTTP_201_CREATED)
def provision_subscription(
    body: SubscriptionProvision, caller: ServerKey, app: ContainerDep
) -> Envelope[ProvisionOut]:
    view = app.subscriptions.provision(caller, body.to_domain())
    return Envelope(data=ProvisionOut.of(view))


@router.get("")
def list_subscriptions(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    customer_id: Annotated[str | None, Query(alias="customerId")] = None,
    plan_id: Annotated[str | None, Query(alias="planId")] = None,
    pricing_type: Annotated[
        str | None, Query(alias="pricingType", description="FREE, PAID, CUSTOM (comma-separated)")
    ] = None,
    status_filter: Annotated[
        str | None,
        Query(
            alias="status",
            description="PAYMENT_PENDING, ACTIVE, EXPIRED, IN_TRIAL, CANCELED, NOT_STARTED "
            "(comma-separated), as of now",
        ),
    ] = None,
    resource_id: Annotated[
        str | None, Query(alias="resourceId", description="No subscription has a resource")
    ] = None,
) -> ListEnvelope[SubscriptionOut]:
    pricing_types = comma_list("pricingType", pricing_type, PricingType)
    statuses = comma_list("status", status_filter, SubscriptionStatus)
    if resource_id:
        return ListEnvelope(data=[], pagination=Pagination(next=None, prev=None))
    page = app.subscriptions.list_subscriptions(
        caller,
        paging,
        customer_id=customer_id or None,
        plan_id=plan_id or None,
        pricing_types=pricing_types,
        statuses=statuses,
        created=created,
    )
    return ListEnvelope(data=[SubscriptionOut.of(v) for v in page.items], pagination=page_out(page))


@router.post("/preview")
def preview_subscription(
    body: SubscriptionPreviewIn, caller: ServerKey, app: ContainerDep
) -> Envelope[PreviewOut]:
    return Envelope(data=PreviewOut.of(app.subscriptions.preview(caller, body.to_domain())))


@router.post("/import")
def import_subscriptions(caller: ServerKey, body: AnyBody = None) -> Envelope[IdOut]:
    raise _not_supported("subscriptions", "bulk import of subscriptions is not supported")


@router.get("/{subscription_id}")
def get_subscription(
    subscription_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[SubscriptionOut]:
    return Envelope(data=SubscriptionOut.of(app.subscriptions.get(caller, subscription_id)))


@router.patch("/{subscription_id}")
def update_subscription(
    subscription_id: str, body: SubscriptionUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[SubscriptionOut]:
    view = app.subscriptions.update(caller, subscription_id, body.changes())
    return Envelope(data=SubscriptionOut.of(view))


@router.post("/{subscription_id}/cancel")
def cancel_subscription(
    subscription_id: str,
    caller: ServerKey,
    app: ContainerDep,
    body: Annotated[CancelIn | None, Body()] = None,
) -> Envelope[SubscriptionOut]:
    body = body or CancelIn()
    view = app.subscriptions.cancel(
        caller,
        subscription_id,
        CancellationTime(body.cancellation_time or "END_OF_BILLING_PERIOD"),
        None if body.end_date is None else parse_instant("endDate", body.end_date),
        revoke_entitlements=body.cancellation_action == "REVOKE_ENTITLEMENTS",
    )
    return Envelope(data=SubscriptionOut.of(view))


@router.post("/{subscription_id}/invoice/paid")
def mark_invoice_paid(
    subscription_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[IdOut]:
    return Envelope(data=IdOut(id=app.subscriptions.mark_paid(caller, subscription_id)))


@router.post("/{subscription_id}/migrate")
def migrate_subscription(
    subscription_id: str,
    caller: ServerKey,
    app: ContainerDep,
    body: Annotated[MigrateIn | None, Body()] = None,
) -> Envelope[SubscriptionOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    if body is not None and body.subscription_migration_time == "END_OF_BILLING_PERIOD":
        raise _not_supported("subscriptionMigrationTime", "migrations apply at once: use IMMEDIATE")
    return Envelope(data=SubscriptionOut.of(app.subscriptions.migrate(caller, subscription_id)))


# --- SDK methods pactline does not implement ----------------------------------------------


@router.post("/{subscription_id}/delegate")
def delegate_subscription(
    subscription_id: str, caller: ServerKey, app: ContainerDep, body: AnyBody = None
) -> Envelope[SubscriptionOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("targetCustomerId", "delegating a subscription is not supported")


@router.post("/{subscription_id}/transfer")
def transfer_subscription(
    subscription_id: str, caller: ServerKey, app: ContainerDep, body: AnyBody = None
) -> Envelope[SubscriptionOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("destinationResourceId", "resources are not supported")


@router.delete("/{subscription_id}/future-update/pending-payment")
def cancel_pending_payment_update(
    subscription_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[IdOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("id", "pactline applies updates at once: none is pending")


@router.delete("/{subscription_id}/future-update/schedule")
def cancel_scheduled_update(
    subscription_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[IdOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("id", "pactline applies updates at once: none is scheduled")


@router.post("/{subscription_id}/usage/charge")
def charge_subscription_usage(
    subscription_id: str, caller: ServerKey, app: ContainerDep, body: AnyBody = None
) -> Envelope[IdOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("id", "charging usage through a billing integration is not supported")


@router.post("/{subscription_id}/usage/sync")
def sync_subscription_usage(
    subscription_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[IdOut]:
    app.subscriptions.ensure_exists(caller, subscription_id)
    raise _not_supported("id", "syncing usage to a billing integration is not supported")


def _not_supported(field: str, message: str) -> InvalidArgument:
    return InvalidArgument.single(field, message, "not_supported")
