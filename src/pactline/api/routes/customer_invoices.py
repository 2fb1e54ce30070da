"""A customer's invoices in the shapes of Stigg's REST API v1 (`customers.list_invoices` in the
SDK): list, retrieve, mark paid, credit note; and pactline's current and upcoming invoice.

`{ref}` is the invoice's id or its number. Amounts are JSON numbers, converted from exact
decimals; request amounts are read exactly too (no float on the way in).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from pactline.api import invoice_filters
from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.invoices import (
    CreditBalanceOut,
    CreditNoteIn,
    PaidIn,
    StiggCreditNoteOut,
    StiggInvoiceOut,
    UpcomingInvoiceOut,
)
from pactline.services.ports import InvoiceQuery

router = APIRouter(
    prefix="/api/v1/customers/{customer_id}/invoices",
    tags=["invoices"],
    route_class=ExactJsonRoute,
)

# Not an invoice, but the balance invoices take credit from, next to them.
credit_router = APIRouter(
    prefix="/api/v1/customers/{customer_id}", tags=["invoices"], route_class=ExactJsonRoute
)

ContractFilter = Annotated[
    str | None, Query(alias="contractId", description="Only this contract's invoices")
]


@router.get("")
def list_customer_invoices(
    customer_id: str,
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    contract_external_id: Annotated[str | None, Query(alias="contractExternalId")] = None,
    issued_after: Annotated[
        str | None, Query(alias="issuedAfter", description="Inclusive, ISO 8601")
    ] = None,
    issued_before: Annotated[
        str | None, Query(alias="issuedBefore", description="Inclusive, ISO 8601")
    ] = None,
    due_after: Annotated[str | None, Query(alias="dueAfter", description="Inclusive")] = None,
    due_before: Annotated[str | None, Query(alias="dueBefore", description="Inclusive")] = None,
    order_by: Annotated[
        str | None, Query(alias="orderBy", description="issueDate (default), dueDate, total")
    ] = None,
    order_dir: Annotated[str | None, Query(alias="orderDir", description="ASC or DESC")] = None,
    state_in: Annotated[
        str | None,
        Query(
            alias="stateIn",
            description="OPEN, PAID, CANCELED, or pactline statuses (comma-separated)",
        ),
    ] = None,
) -> ListEnvelope[StiggInvoiceOut]:
    by, descending = invoice_filters.order(order_by, order_dir)
    query = InvoiceQuery(
        customer_id=customer_id,
        contract_id=contract_external_id or None,
        statuses=invoice_filters.statuses("stateIn", state_in),
        issued_from=invoice_filters.day("issuedAfter", issued_after),
        issued_to=invoice_filters.day("issuedBefore", issued_before),
        due_from=invoice_filters.day("dueAfter", due_after),
        due_to=invoice_filters.day("dueBefore", due_before),
        order_by=by,
        descending=descending,
    )
    page = app.invoices.list_invoices(caller, query, paging)
    return ListEnvelope(data=[StiggInvoiceOut.of(i) for i in page.items], pagination=page_out(page))


@router.get("/current")
def current_invoice(
    customer_id: str, caller: ServerKey, app: ContainerDep, contract_id: ContractFilter = None
) -> Envelope[StiggInvoiceOut | None]:
    """The latest invoice being prepared or still owed; null when there is none."""
    found = app.invoices.current(caller, customer_id, contract_id or None)
    return Envelope(data=None if found is None else StiggInvoiceOut.of(found))


@router.get("/upcoming")
def upcoming_invoice(
    customer_id: str, caller: ServerKey, app: ContainerDep, contract_id: ContractFilter = None
) -> Envelope[UpcomingInvoiceOut | None]:
    """The next invoice the customer's contracts will issue, computed now; null if none."""
    found = app.invoices.upcoming(caller, customer_id, contract_id or None)
    return Envelope(data=None if found is None else UpcomingInvoiceOut.of(found))


@credit_router.get("/credit-balance")
def credit_balance(
    customer_id: str,
    caller: ServerKey,
    app: ContainerDep,
    currency_code: Annotated[
        str | None, Query(alias="currency", description="ISO 4217; default: billing currency")
    ] = None,
    legal_entity_id: Annotated[
        str | None, Query(alias="legalEntityId", description="Only this legal entity's credit")
    ] = None,
) -> Envelope[CreditBalanceOut]:
    """pactline: the customer's carry-forward credit in the currency, in all and by legal
    entity (0 when there is none)."""
    balance = app.invoices.credit_balance(caller, customer_id, currency_code, legal_entity_id)
    return Envelope(data=CreditBalanceOut.of(balance))


@router.get("/{ref}")
def get_customer_invoice(
    customer_id: str, ref: str, caller: ServerKey, app: ContainerDep
) -> Envelope[StiggInvoiceOut]:
    return Envelope(data=StiggInvoiceOut.of(app.invoices.for_customer(caller, customer_id, ref)))


@router.post("/{ref}/paid")
def mark_customer_invoice_paid(
    customer_id: str, ref: str, body: PaidIn, caller: ServerKey, app: ContainerDep
) -> Envelope[StiggInvoiceOut]:
    """Record a payment: the whole amount due unless `amount` says otherwise."""
    invoice = app.invoices.for_customer(caller, customer_id, ref)
    paid = app.invoices.mark_paid(caller, invoice.id, body.paid_date, body.amount, body.reference)
    return Envelope(data=StiggInvoiceOut.of(paid))


@router.post("/{ref}/credit-note", status_code=status.HTTP_201_CREATED)
def issue_credit_note(
    customer_id: str, ref: str, body: CreditNoteIn, caller: ServerKey, app: ContainerDep
) -> Envelope[StiggCreditNoteOut]:
    """Credit the whole invoice, chosen lines (`lines`) or an `amount`, with a reason code."""
    invoice = app.invoices.for_customer(caller, customer_id, ref)
    note = app.invoices.issue_credit_note(caller, invoice.id, body.to_domain())
    return Envelope(data=StiggCreditNoteOut.of(note))
