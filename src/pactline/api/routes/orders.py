"""Orders: signed order forms and their fulfilment checklist (pactline's own: Stigg documents
no Order API). An order becomes FULFILLED by itself when its contract, subscriptions and metering
are in place; the checklist says what is still missing. Server keys only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.filters import comma_list, created_range
from pactline.api.routes.contracts import IfMatch, optional_version
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.orders import CancelIn, OrderCreate, OrderDetailOut, OrderOut, OrderUpdate
from pactline.api.versioning import etag, expected_version
from pactline.domain.orders import OrderStatus, OrderType
from pactline.domain.pagination import CreatedRange
from pactline.services.orders import OrderView
from pactline.services.ports import OrderQuery

router = APIRouter(prefix="/api/v1/orders", tags=["orders"], route_class=ExactJsonRoute)
contract_orders_router = APIRouter(
    prefix="/api/v1/contracts", tags=["orders"], route_class=ExactJsonRoute
)


def order_out(view: OrderView, response: Response) -> Envelope[OrderDetailOut]:
    response.headers["ETag"] = etag(view.order.version)
    return Envelope(data=OrderDetailOut.of_view(view))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_order(
    body: OrderCreate, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[OrderDetailOut]:
    """Record a signed order form. With an `id` the call is idempotent: the same request again
    answers 200 with the order; another request with that id answers 409
    `DuplicatedEntityNotAllowed`. An order whose steps are all done is FULFILLED at once."""
    view = app.orders.create(caller, body.to_domain())
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return order_out(view, response)


@router.get("")
def list_orders(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    customer_id: Annotated[str | None, Query(alias="customerId")] = None,
    contract_id: Annotated[str | None, Query(alias="contractId")] = None,
    status_filter: Annotated[
        str | None, Query(alias="status", description="NEW, FULFILLED, CANCELED (comma-separated)")
    ] = None,
    type_filter: Annotated[
        str | None, Query(alias="type", description="INITIAL, UPSELL, RENEWAL (comma-separated)")
    ] = None,
) -> ListEnvelope[OrderOut]:
    """Orders, oldest first, as stored (GET one order for its checklist)."""
    query = OrderQuery(
        customer_id=customer_id or None,
        contract_id=contract_id or None,
        statuses=comma_list("status", status_filter, OrderStatus),
        types=comma_list("type", type_filter, OrderType),
        created=created,
    )
    page = app.orders.list_orders(caller, query, paging)
    return ListEnvelope(data=[OrderOut.of(o) for o in page.items], pagination=page_out(page))


@router.get("/{order_id}")
def get_order(
    order_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[OrderDetailOut]:
    """The order with its checklist (each step: done, and what is missing) and its contract's
    value now. A NEW order found complete is fulfilled by this read."""
    return order_out(app.orders.get(caller, order_id), response)


@router.patch("/{order_id}")
def update_order(
    order_id: str,
    body: OrderUpdate,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[OrderDetailOut]:
    """Correct a NEW order: `contractId`, `source`, `signedDate`, `lines`. The version read
    (`version` or If-Match) is required; a stale one answers 409 `StaleVersion`, a fulfilled or
    canceled order 409 `StateConflict`, and nothing is written."""
    version = expected_version(if_match, body.version)
    view = app.orders.update(caller, order_id, body.changes(), expected_version=version)
    return order_out(view, response)


@router.post("/{order_id}/cancel")
def cancel_order(
    order_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    body: Annotated[CancelIn | None, Body()] = None,
    if_match: IfMatch = None,
) -> Envelope[OrderDetailOut]:
    """Withdraw a NEW order (a fulfilled one answers 409 `StateConflict`); canceling again
    changes nothing."""
    version = optional_version(if_match, None if body is None else body.version)
    return order_out(app.orders.cancel(caller, order_id, version), response)


@contract_orders_router.get("/{contract_id}/orders")
def list_contract_orders(
    contract_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[OrderOut]:
    """The contract's orders, oldest first, each with the contract's value when it was
    fulfilled."""
    page = app.orders.for_contract(caller, contract_id, paging)
    return ListEnvelope(data=[OrderOut.of(o) for o in page.items], pagination=page_out(page))
