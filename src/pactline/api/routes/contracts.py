"""Contracts: previewing an unsaved draft (writes nothing), and saved contracts in Stigg's
shapes with pactline's lifecycle (cancel, renew, amendments). Billing endpoints are in
contract_billing.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Query, Response, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.filters import comma_ids, comma_list, created_range
from pactline.api.schemas.contract_draft import ContractDraft
from pactline.api.schemas.contracts import (
    RESERVED_IDS,
    STATES_BY_NAME,
    AmendmentOut,
    AttachIn,
    ContractCreate,
    ContractOut,
    ContractUpdate,
    RenewIn,
)
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.invoice_schedule import (
    MAX_PREVIEW_COUNT,
    InvoiceScheduleOut,
    preview_schedule,
)
from pactline.api.versioning import etag, expected_version
from pactline.domain.contract_records import ContractStatus
from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import CreatedRange
from pactline.services.contracts import ContractView
from pactline.services.ports import ContractQuery, DateRange

router = APIRouter(prefix="/api/v1/contracts", tags=["contracts"])


@router.post("/preview")
def preview_contract(
    _: ServerKey,
    draft: ContractDraft,
    as_of: Annotated[
        date | None,
        Query(alias="asOf", description="Only invoices issued on or after this date"),
    ] = None,
    horizon: Annotated[
        date | None,
        Query(
            description="Bill periods starting before this date; required when the draft has "
            "no endDate"
        ),
    ] = None,
    count: Annotated[
        int | None,
        Query(ge=1, le=MAX_PREVIEW_COUNT, description="At most this many invoices"),
    ] = None,
) -> Envelope[InvoiceScheduleOut]:
    """The invoices a contract draft produces (docs/contract-format.md), computed exactly as
    for a saved contract. Nothing is stored. 400 `InvalidArgument` lists every problem of the
    draft, each with its path in the draft (e.g. `lineItems[0].priceVersions[1].startDate`)."""
    return Envelope(data=preview_schedule(draft, as_of_on=as_of, horizon_on=horizon, count=count))


# --- saved contracts ----------------------------------------------------------------------------

contracts_router = APIRouter(
    prefix="/api/v1/contracts", tags=["contracts"], route_class=ExactJsonRoute
)
customer_contracts_router = APIRouter(
    prefix="/api/v1/customers", tags=["contracts"], route_class=ExactJsonRoute
)

IfMatch = Annotated[str | None, Header(alias="If-Match")]


def optional_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the caller read, when it sent one (Stigg's SDK sends none)."""
    if if_match is None and body_version is None:
        return None
    return expected_version(if_match, body_version)


def contract_out(view: ContractView, response: Response) -> Envelope[ContractOut]:
    response.headers["ETag"] = etag(view.contract.version)
    return Envelope(data=ContractOut.of(view))


@contracts_router.post("", status_code=status.HTTP_201_CREATED)
def create_contract(
    body: ContractCreate, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[ContractOut]:
    """Create a contract with its subscriptions, all or nothing. With a `contractId` the call
    is idempotent: the same request again answers 200 with the contract; another request with
    that id answers 409 `DuplicatedEntityNotAllowed`."""
    view = app.contracts.create(caller, body.to_domain())
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return contract_out(view, response)


@contracts_router.get("")
def list_contracts(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    customer_external_id: Annotated[str | None, Query(alias="customerExternalId")] = None,
    customer_id: Annotated[str | None, Query(alias="customerId")] = None,
    state: Annotated[
        str | None, Query(description="DRAFT, ACTIVE, CANCELED, END_BILLING (comma-separated)")
    ] = None,
    status_filter: Annotated[
        str | None,
        Query(
            alias="status",
            description="DRAFT, ACTIVE, EXPIRED, CANCELED, ARCHIVED (comma-separated), as of now",
        ),
    ] = None,
    name: Annotated[str | None, Query(description="Exact name")] = None,
    currency: Annotated[str | None, Query(description="ISO 4217 code")] = None,
    legal_entity_id: Annotated[str | None, Query(alias="legalEntityId")] = None,
    start_gte: Annotated[str | None, Query(alias="startDate[gte]")] = None,
    start_lte: Annotated[str | None, Query(alias="startDate[lte]")] = None,
    end_gte: Annotated[str | None, Query(alias="endDate[gte]")] = None,
    end_lte: Annotated[str | None, Query(alias="endDate[lte]")] = None,
) -> ListEnvelope[ContractOut]:
    statuses = set(comma_list("status", status_filter, ContractStatus))
    for value in comma_ids(state):
        if value not in STATES_BY_NAME:
            allowed = ", ".join(STATES_BY_NAME)
            raise InvalidArgument.single("state", f"values must be among: {allowed}")
        statuses |= STATES_BY_NAME[value]
    if customer_external_id and customer_id and customer_external_id != customer_id:
        raise InvalidArgument.single("customerId", "disagrees with customerExternalId")
    query = ContractQuery(
        at=app.clock.now(),
        customer_id=customer_external_id or customer_id or None,
        statuses=frozenset(statuses),
        name=name or None,
        currency=currency.upper() if currency else None,
        legal_entity_id=legal_entity_id or None,
        start=DateRange(_day("startDate[gte]", start_gte), _day("startDate[lte]", start_lte)),
        end=DateRange(_day("endDate[gte]", end_gte), _day("endDate[lte]", end_lte)),
        created=created,
    )
    page = app.contracts.list_contracts(caller, query, paging)
    return ListEnvelope(data=[ContractOut.of(v) for v in page.items], pagination=page_out(page))


@contracts_router.get("/{contract_id}")
def get_contract(
    contract_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[ContractOut]:
    return contract_out(app.contracts.get(caller, contract_id), response)


@contracts_router.patch("/{contract_id}")
def update_contract(
    contract_id: str,
    body: ContractUpdate,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Save changes in one go. With `version` (or If-Match) a stale read answers 409
    `StaleVersion` and nothing is written."""
    version = optional_version(if_match, body.version)
    view = app.contracts.update(caller, contract_id, body.changes(), expected_version=version)
    return contract_out(view, response)


@contracts_router.delete("/{contract_id}")
def delete_contract(
    contract_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[ContractOut]:
    """Archive the contract; a live one is canceled first, with its subscriptions."""
    return contract_out(app.contracts.archive(caller, contract_id), response)


@contracts_router.post("/{contract_id}/archive")
def archive_contract(
    contract_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[ContractOut]:
    """What the stigg SDK's `contracts.delete` calls: the same as DELETE."""
    return contract_out(app.contracts.archive(caller, contract_id), response)


@contracts_router.post("/{contract_id}/cancel")
def cancel_contract(
    contract_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[ContractOut]:
    """End a draft or active contract now, with its subscriptions."""
    return contract_out(app.contracts.cancel(caller, contract_id), response)


@contracts_router.post("/{contract_id}/renew", status_code=status.HTTP_201_CREATED)
def renew_contract(
    contract_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    body: Annotated[RenewIn | None, Body()] = None,
) -> Envelope[ContractOut]:
    """A new DRAFT contract for the next term, at the latest prices and quantities."""
    body = body or RenewIn()
    if body.contract_id in RESERVED_IDS:
        raise InvalidArgument.single("contractId", "names an endpoint", "reserved")
    view = app.contracts.renew(caller, contract_id, body.contract_id, body.term_months)
    return contract_out(view, response)


@contracts_router.get("/{contract_id}/amendments")
def list_amendments(
    contract_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[AmendmentOut]:
    page = app.contracts.amendments(caller, contract_id, paging)
    return ListEnvelope(data=[AmendmentOut.of(a) for a in page.items], pagination=page_out(page))


@contracts_router.post("/{contract_id}/subscriptions")
def attach_subscriptions(
    contract_id: str,
    body: AttachIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Attach subscriptions (existing ones by id, or new ones), all or nothing."""
    version = optional_version(if_match, body.version)
    view = app.contracts.attach(caller, contract_id, body.entries(), expected_version=version)
    return contract_out(view, response)


@contracts_router.delete("/{contract_id}/subscriptions/{subscription_id}")
def detach_subscription(
    contract_id: str,
    subscription_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    version = optional_version(if_match, None)
    view = app.contracts.detach(caller, contract_id, subscription_id, expected_version=version)
    return contract_out(view, response)


@customer_contracts_router.get("/{customer_id}/contracts")
def list_customer_contracts(
    customer_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[list[ContractOut]]:
    """All the customer's contracts, oldest first (Stigg's shape: a list without pages)."""
    app.customers.get(caller, customer_id)
    views = app.contracts.for_customer(caller, customer_id)
    return Envelope(data=[ContractOut.of(v) for v in views])


def _day(field: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument.single(field, "must be a date written YYYY-MM-DD") from None
