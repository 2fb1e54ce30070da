"""pactline's own invoice endpoints: review, approve (one or in bulk), send, pay, void, edit a
draft by hand, and list with filters. Amounts are decimal strings.

Contract-level reads go through `GET /api/v1/invoices?contractId=` (the contracts router owns
the `/api/v1/contracts` paths).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from pactline.api import invoice_filters
from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.invoices import (
    ApproveIn,
    BulkApproveIn,
    CreditNoteOut,
    InvoiceEdit,
    InvoiceOut,
    PaidIn,
    VoidIn,
)
from pactline.api.versioning import etag, expected_version
from pactline.services.ports import InvoiceQuery

router = APIRouter(prefix="/api/v1/invoices", tags=["invoices"], route_class=ExactJsonRoute)


@router.get("")
def list_invoices(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    customer_id: Annotated[str | None, Query(alias="customerId")] = None,
    contract_id: Annotated[
        str | None, Query(alias="contractId", description="Also finds consolidated invoices")
    ] = None,
    status_filter: Annotated[
        str | None,
        Query(
            alias="status",
            description="DRAFT, APPROVED, SENT, PARTIALLY_PAID, PAID, VOID (comma-separated)",
        ),
    ] = None,
    issued_from: Annotated[str | None, Query(alias="issueDate[gte]")] = None,
    issued_to: Annotated[str | None, Query(alias="issueDate[lte]")] = None,
    due_from: Annotated[str | None, Query(alias="dueDate[gte]")] = None,
    due_to: Annotated[str | None, Query(alias="dueDate[lte]")] = None,
    order_by: Annotated[
        str | None, Query(alias="orderBy", description="issueDate (default), dueDate, total")
    ] = None,
    order_dir: Annotated[str | None, Query(alias="orderDir", description="ASC or DESC")] = None,
) -> ListEnvelope[InvoiceOut]:
    by, descending = invoice_filters.order(order_by, order_dir)
    query = InvoiceQuery(
        customer_id=customer_id or None,
        contract_id=contract_id or None,
        statuses=invoice_filters.statuses("status", status_filter),
        issued_from=invoice_filters.day("issueDate[gte]", issued_from),
        issued_to=invoice_filters.day("issueDate[lte]", issued_to),
        due_from=invoice_filters.day("dueDate[gte]", due_from),
        due_to=invoice_filters.day("dueDate[lte]", due_to),
        order_by=by,
        descending=descending,
    )
    page = app.invoices.list_invoices(caller, query, paging)
    return ListEnvelope(data=[InvoiceOut.of(i) for i in page.items], pagination=page_out(page))


@router.post("/approve")
def approve_invoices(
    body: BulkApproveIn, caller: ServerKey, app: ContainerDep
) -> Envelope[list[InvoiceOut]]:
    """Approve several drafts at once: all or none, numbered in issue order."""
    approved = app.invoices.approve_many(caller, body.invoice_ids)
    return Envelope(data=[InvoiceOut.of(i) for i in approved])


@router.get("/{invoice_id}")
def get_invoice(
    invoice_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[InvoiceOut]:
    invoice = app.invoices.get(caller, invoice_id)
    response.headers["ETag"] = etag(invoice.version)
    return Envelope(data=InvoiceOut.of(invoice))


@router.patch("/{invoice_id}")
def edit_invoice(
    invoice_id: str,
    body: InvoiceEdit,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> Envelope[InvoiceOut]:
    """Change a draft's lines by hand, with a reason; an approved invoice answers 409."""
    version = expected_version(if_match, body.version)
    invoice = app.invoices.edit(
        caller, invoice_id, version, [line.to_domain() for line in body.lines], body.reason
    )
    response.headers["ETag"] = etag(invoice.version)
    return Envelope(data=InvoiceOut.of(invoice))


@router.post("/{invoice_id}/approve")
def approve_invoice(
    invoice_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    body: ApproveIn | None = None,
    if_match: Annotated[str | None, Header()] = None,
) -> Envelope[InvoiceOut]:
    version = None
    if if_match is not None or (body is not None and body.version is not None):
        version = expected_version(if_match, None if body is None else body.version)
    invoice = app.invoices.approve(caller, invoice_id, version)
    response.headers["ETag"] = etag(invoice.version)
    return Envelope(data=InvoiceOut.of(invoice))


@router.post("/{invoice_id}/send")
def send_invoice(invoice_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[InvoiceOut]:
    return Envelope(data=InvoiceOut.of(app.invoices.send(caller, invoice_id)))


@router.post("/{invoice_id}/void")
def void_invoice(
    invoice_id: str, caller: ServerKey, app: ContainerDep, body: VoidIn | None = None
) -> Envelope[InvoiceOut]:
    reason = None if body is None else body.reason
    return Envelope(data=InvoiceOut.of(app.invoices.void(caller, invoice_id, reason)))


@router.post("/{invoice_id}/paid")
def mark_invoice_paid(
    invoice_id: str, body: PaidIn, caller: ServerKey, app: ContainerDep
) -> Envelope[InvoiceOut]:
    invoice = app.invoices.mark_paid(
        caller, invoice_id, body.paid_date, body.amount, body.reference
    )
    return Envelope(data=InvoiceOut.of(invoice))


@router.get("/{invoice_id}/credit-notes")
def list_credit_notes(
    invoice_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[list[CreditNoteOut]]:
    notes = app.invoices.credit_notes(caller, invoice_id)
    return Envelope(data=[CreditNoteOut.of(n) for n in notes])
