"""Contracts. For now: previewing the invoices of an unsaved draft, which writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from pactline.api.deps import ServerKey
from pactline.api.envelope import Envelope
from pactline.api.schemas.contract_draft import ContractDraft
from pactline.api.schemas.invoice_schedule import (
    MAX_PREVIEW_COUNT,
    InvoiceScheduleOut,
    preview_schedule,
)

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
