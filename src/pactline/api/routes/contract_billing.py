"""Contract billing in Stigg's documented shapes: pricing models, legal entities, line items
and their rows, billing terms and settings, the summary and invoice schedule, publish (activate)
and edit-active (amend).

Line items, rows and billing terms change a DRAFT contract (409 `StateConflict` otherwise); an
active contract changes by `edit-active`, which records an amendment. Every write answers the
whole contract, and takes the version read (`version` or If-Match) to refuse a stale edit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.routes.contracts import IfMatch, contract_out, optional_version
from pactline.api.schemas.contract_billing import (
    PRICING_MODELS,
    AmendIn,
    ContractValueOut,
    ItemPatchIn,
    ItemsIn,
    PricingModelOut,
    RowIn,
    SettingsIn,
    added_items,
    patched_item,
    patched_terms,
    removed_item,
)
from pactline.api.schemas.contracts import ContractOut, VersionIn, settings_changes
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.invoice_schedule import (
    MAX_PREVIEW_COUNT,
    InvoiceOut,
    InvoiceScheduleOut,
)
from pactline.api.schemas.invoices import CreditNoteOut, RunOut
from pactline.api.schemas.legal_entities import LegalEntityCreate, LegalEntityOut
from pactline.domain.contract_items import with_row_changed, without_row

router = APIRouter(
    prefix="/api/v1/contracts", tags=["contract billing"], route_class=ExactJsonRoute
)

OptionalVersion = Annotated[VersionIn | None, Body()]


# --- catalogue --------------------------------------------------------------------------------


@router.get("/pricing-models")
def list_pricing_models(_: ServerKey) -> Envelope[list[PricingModelOut]]:
    """The five pricing shapes, each fixed and pay-as-you-go, plus pactline's flat fee."""
    return Envelope(data=[PricingModelOut.of(spec) for spec in PRICING_MODELS])


@router.get("/legal-entities")
def list_legal_entities(
    caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[LegalEntityOut]:
    page = app.legal_entities.list_entities(caller, paging)
    return ListEnvelope(data=[LegalEntityOut.of(e) for e in page.items], pagination=page_out(page))


@router.post("/legal-entities", status_code=status.HTTP_201_CREATED)
def create_legal_entity(
    body: LegalEntityCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[LegalEntityOut]:
    """pactline's own: a company that bills contracts, with where its customers pay."""
    return Envelope(data=LegalEntityOut.of(app.legal_entities.create(caller, body.to_domain())))


@router.get("/legal-entities/{entity_id}")
def get_legal_entity(
    entity_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[LegalEntityOut]:
    return Envelope(data=LegalEntityOut.of(app.legal_entities.get(caller, entity_id)))


# --- line items -------------------------------------------------------------------------------


@router.post("/{contract_id}/billing/items")
def add_items(
    contract_id: str,
    body: ItemsIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Add Stigg line items (`items`) or draft-format ones (`lineItems`) to a draft."""
    version = optional_version(if_match, body.version)
    view = app.contracts.edit_terms(caller, contract_id, added_items(body), version)
    return contract_out(view, response)


@router.patch("/{contract_id}/billing/items/{item_ref}")
def update_item(
    contract_id: str,
    item_ref: str,
    body: ItemPatchIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Change the fields sent of line item `item_ref` (its externalId)."""
    version = optional_version(if_match, body.version)
    view = app.contracts.edit_terms(caller, contract_id, patched_item(item_ref, body), version)
    return contract_out(view, response)


@router.delete("/{contract_id}/billing/items/{item_ref}")
def delete_item(
    contract_id: str,
    item_ref: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    version = optional_version(if_match, None)
    view = app.contracts.edit_terms(caller, contract_id, removed_item(item_ref), version)
    return contract_out(view, response)


@router.patch("/{contract_id}/billing/items/{item_ref}/rows/{index}")
def update_row(
    contract_id: str,
    item_ref: str,
    index: int,
    body: RowIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Change one row of the item's current price (a tier, or the single row of a flat fee,
    per-unit or package price); `quantity` is the contracted quantity."""
    change = body.change()
    version = optional_version(if_match, None)
    view = app.contracts.edit_terms(
        caller, contract_id, lambda terms: with_row_changed(terms, item_ref, index, change), version
    )
    return contract_out(view, response)


@router.delete("/{contract_id}/billing/items/{item_ref}/rows/{index}")
def delete_row(
    contract_id: str,
    item_ref: str,
    index: int,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Remove a tier; its neighbours close the gap."""
    version = optional_version(if_match, None)
    view = app.contracts.edit_terms(
        caller, contract_id, lambda terms: without_row(terms, item_ref, index), version
    )
    return contract_out(view, response)


# --- terms and settings -----------------------------------------------------------------------


@router.patch("/{contract_id}/billing/terms")
def update_billing_terms(
    contract_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    body: Annotated[dict[str, Any], Body()],
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Contract-level fields of the draft format: currency, timezone, startDate, endDate,
    netTermsDays, taxRate, rounding, proration, usageTierReset, fluctuatingUsage, discounts,
    commitment."""
    sent_version = body.get("version")
    version = optional_version(if_match, sent_version if isinstance(sent_version, int) else None)
    view = app.contracts.edit_terms(caller, contract_id, patched_terms(body), version)
    return contract_out(view, response)


@router.patch("/{contract_id}/billing/settings")
def update_billing_settings(
    contract_id: str,
    body: SettingsIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Auto-renewal, the renewal term, correction policies, and switching billing on."""
    changes = settings_changes(body)
    if body.setup_billing:
        changes["billing_enabled"] = True
    version = optional_version(if_match, body.version)
    view = app.contracts.update(caller, contract_id, changes, expected_version=version)
    return contract_out(view, response)


# --- reading the money ------------------------------------------------------------------------


@router.get("/{contract_id}/billing/summary")
def billing_summary(
    contract_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[ContractValueOut]:
    """TCV, ACV and what is committed, from the terms at zero usage (400 while the terms
    cannot be rated, listing why)."""
    return Envelope(data=ContractValueOut.of(app.contracts.value(caller, contract_id)))


@router.get("/{contract_id}/billing/invoice-schedule")
def invoice_schedule(
    contract_id: str,
    caller: ServerKey,
    app: ContainerDep,
    count: Annotated[int, Query(ge=1, le=MAX_PREVIEW_COUNT, description="At most N")] = 12,
    as_of: Annotated[
        date | None, Query(alias="asOf", description="Only invoices issued on or after")
    ] = None,
) -> Envelope[InvoiceScheduleOut]:
    """The invoices the terms produce, in issue order; usage lines at zero usage."""
    invoices = app.contracts.schedule(caller, contract_id, count, as_of)
    return Envelope(data=InvoiceScheduleOut(invoices=[InvoiceOut.of(i) for i in invoices]))


@router.get("/{contract_id}/billing/credit-notes")
def contract_credit_notes(
    contract_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[CreditNoteOut]:
    """Credit notes against the invoices that bill the contract, oldest first."""
    page = app.invoices.list_credit_notes(caller, None, paging, contract_id)
    return ListEnvelope(data=[CreditNoteOut.of(n) for n in page.items], pagination=page_out(page))


@router.post("/{contract_id}/usage/refresh")
def refresh_usage(contract_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[RunOut]:
    """Bill the contract up to now with the latest usage: its drafts refresh, invoices due are
    drafted, approved periods are corrected by its policy. Safe to repeat."""
    return Envelope(data=RunOut.of(app.billing_runs.refresh(caller, contract_id)))


# --- lifecycle --------------------------------------------------------------------------------


@router.post("/{contract_id}/billing/publish")
def publish(
    contract_id: str,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    body: OptionalVersion = None,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Activate a draft: every rule of the rating engine and the completeness checks (a legal
    entity with a payment account, at least one line item) must pass, else 400 lists them."""
    version = optional_version(if_match, None if body is None else body.version)
    return contract_out(app.contracts.activate(caller, contract_id, version), response)


@router.post("/{contract_id}/billing/edit-active")
def edit_active(
    contract_id: str,
    body: AmendIn,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: IfMatch = None,
) -> Envelope[ContractOut]:
    """Amend an active contract from `effectiveDate`: whole new `terms`, or
    `quantityChanges` and `priceChanges`. Recorded in GET .../amendments."""
    version = optional_version(if_match, body.version)
    view, _ = app.contracts.amend(
        caller,
        contract_id,
        body.edit(),
        body.effective_date,
        expected_version=version,
        order_id=body.order_id,
    )
    return contract_out(view, response)
