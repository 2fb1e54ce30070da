"""Contracts in the shapes of Stigg's REST API v1 (the stigg SDK's contract types), with
pactline's richer model alongside.

Stigg's fields keep Stigg's names and types: `contractId`, `state` and `billingState`
(DRAFT, ACTIVE, CANCELED, END_BILLING), `activationStartDate`/`activationEndDate` as instants,
`subscriptions[]`, and `nextInvoice` (the earliest draft) / `latestInvoice` (the latest issued).
pactline adds its own: `status` (DRAFT, ACTIVE, EXPIRED, CANCELED, ARCHIVED), `version`, the
legal entity, settings, and the full `terms` in the contract draft format.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.exact_numbers import Number
from pactline.api.schemas.invoices import STIGG_STATE as STIGG_INVOICE_STATE
from pactline.api.schemas.subscriptions import SubscriptionProvision, instant
from pactline.api.schemas.terms_draft import (
    draft_document,
    terms_document_for,
    terms_from_document,
)
from pactline.domain.contract_amendments import Amendment
from pactline.domain.contract_records import (
    DEFAULT_RENEWAL_MONTHS,
    ContractStatus,
    RenewalPolicy,
    StiggState,
)
from pactline.domain.corrections import CorrectionPolicy, NegativeCorrection, PositiveCorrection
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.invoice_lifecycle import StoredInvoice
from pactline.domain.periods import local_midnight
from pactline.services.contract_members import SubscriptionEntry
from pactline.services.contracts import ContractView, NewContract

StateName = Literal["DRAFT", "ACTIVE", "CANCELED", "END_BILLING"]
StatusName = Literal["DRAFT", "ACTIVE", "EXPIRED", "CANCELED", "ARCHIVED"]
UnderchargeName = Literal["BACKDATED_INVOICE", "NEXT_INVOICE"]
OverchargeName = Literal["CARRY_FORWARD", "CREDIT_NOTE"]

# Path words under /api/v1/contracts that a contract id would shadow.
RESERVED_IDS = frozenset({"preview", "legal-entities", "pricing-models"})
_TERMS_DOC = "The contract's terms in the contract draft format (docs/contract-format.md)"


# --- requests -------------------------------------------------------------------------------


class SubscriptionEntryIn(CamelModel):
    """Exactly one of an existing custom subscription and a new one to provision."""

    existing_subscription_id: str | None = None
    new_subscription: SubscriptionProvision | None = None

    def to_domain(self) -> SubscriptionEntry:
        return SubscriptionEntry(
            existing_id=self.existing_subscription_id,
            new=None if self.new_subscription is None else self.new_subscription.to_domain(),
        )


class CorrectionsIn(CamelModel):
    undercharge: UnderchargeName | None = None
    overcharge: OverchargeName | None = None

    def applied_to(self, current: CorrectionPolicy) -> CorrectionPolicy:
        return CorrectionPolicy(
            current.positive if self.undercharge is None else PositiveCorrection(self.undercharge),
            current.negative if self.overcharge is None else NegativeCorrection(self.overcharge),
        )


class ContractCreate(CamelModel):
    customer_id: str
    contract_id: str | None = Field(None, description="Your id; makes the call idempotent")
    name: str | None = None
    po_number: str | None = None
    activation_start_date: str | None = None
    activation_end_date: str | None = None
    setup_billing: bool = True
    subscriptions: list[SubscriptionEntryIn] | None = None
    # pactline's own
    legal_entity_id: str | None = None
    currency: str | None = Field(None, description="Without terms: default the subscriptions'")
    timezone: str | None = Field(None, description="Without terms: default the customer's")
    terms: dict[str, Any] | None = Field(None, description=_TERMS_DOC)
    populate_line_items: bool | None = Field(
        None,
        description="Make line items from the subscriptions' prices (default: when the "
        "terms have none)",
    )
    metadata: dict[str, str] | None = None
    tags: list[str] | None = None
    auto_renew: bool = False
    renewal_term_months: int = DEFAULT_RENEWAL_MONTHS
    corrections: CorrectionsIn | None = None

    def fingerprint(self) -> str:
        """The request, independent of key order and spacing: a retry has the same one."""
        document = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        text = json.dumps(document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def to_domain(self) -> NewContract:
        problems: list[FieldProblem] = []
        if self.contract_id in RESERVED_IDS:
            message = f"'{self.contract_id}' names an endpoint under /api/v1/contracts"
            problems.append(FieldProblem("contractId", message, "reserved"))
        entries = []
        for index, entry in enumerate(self.subscriptions or ()):
            try:
                entries.append(entry.to_domain())
            except InvalidArgument as error:
                prefix = f"subscriptions[{index}].newSubscription"
                problems += [
                    FieldProblem(f"{prefix}.{p.field}", p.message, p.code) for p in error.problems
                ]
        terms = None
        for name, value in (("currency", self.currency), ("timezone", self.timezone)):
            if self.terms is not None and value is not None:
                message = f"give it in terms ({name}), not beside them"
                problems.append(FieldProblem(name, message, "not_allowed"))
        if self.terms is not None:
            try:
                terms = terms_from_document(self._terms_document(self.terms))
            except InvalidArgument as error:
                problems += error.problems
        start_at = end_at = None
        try:
            start_at = instant("activationStartDate", self.activation_start_date)
            end_at = instant("activationEndDate", self.activation_end_date)
        except InvalidArgument as error:
            problems += error.problems
        if problems:
            raise InvalidArgument(problems)
        return NewContract(
            customer_id=self.customer_id,
            id=self.contract_id,
            name=self.name,
            po_number=self.po_number,
            legal_entity_id=self.legal_entity_id,
            terms=terms,
            currency=None if self.currency is None else self.currency.upper(),
            timezone=self.timezone,
            start_at=start_at,
            end_at=end_at,
            populate_line_items=self.populate_line_items,
            subscriptions=tuple(entries),
            metadata=self.metadata,
            tags=tuple(self.tags or ()),
            renewal=RenewalPolicy(self.auto_renew, self.renewal_term_months),
            corrections=(self.corrections or CorrectionsIn()).applied_to(CorrectionPolicy()),
            billing_enabled=self.setup_billing,
            fingerprint=self.fingerprint(),
        )

    def _terms_document(self, terms: dict[str, Any]) -> dict[str, Any]:
        """The draft with what the contract already says filled in; a customer in the terms
        that is not the contract's is refused (names are the contract's)."""
        if terms.get("customerId", self.customer_id) != self.customer_id:
            message = "must be the contract's customerId (or left out)"
            raise InvalidArgument.single("terms.customerId", message, "mismatch")
        defaults = {
            "id": self.contract_id or "draft",
            "name": self.name or self.po_number or self.contract_id or "contract",
            "customerId": self.customer_id,
        }
        return {**defaults, **terms}


class ContractUpdate(CamelModel):
    """Stigg's update, plus pactline's fields. A draft may change anything; an active contract
    its descriptive fields, settings and subscriptions (its terms change by amendment)."""

    name: str | None = None
    po_number: str | None = None
    activation_start_date: str | None = None
    activation_end_date: str | None = None
    setup_billing: bool | None = None
    subscription_ids: list[str] | None = None
    legal_entity_id: str | None = None
    terms: dict[str, Any] | None = Field(None, description=_TERMS_DOC + "; replaces them whole")
    metadata: dict[str, str] | None = None
    tags: list[str] | None = None
    auto_renew: bool | None = None
    renewal_term_months: int | None = None
    corrections: CorrectionsIn | None = None
    version: int | None = Field(None, description="The version read; or send If-Match")

    def changes(self) -> dict[str, Any]:
        """Service `update` keys for the fields sent (null clears name-like fields)."""
        sent = self.model_fields_set - {"version"}
        changes: dict[str, Any] = {}
        simple = {
            "name": "name",
            "po_number": "po_number",
            "legal_entity_id": "legal_entity_id",
            "metadata": "metadata",
            "tags": "tags",
            "subscription_ids": "subscription_ids",
        }
        for field, key in simple.items():
            if field in sent:
                changes[key] = getattr(self, field)
        if "name" in changes and changes["name"] is None:
            raise InvalidArgument.single("name", "a contract always has a name", "required")
        if "setup_billing" in sent and self.setup_billing:
            changes["billing_enabled"] = True
        if "activation_start_date" in sent:
            changes["start_at"] = instant("activationStartDate", self.activation_start_date)
            if changes["start_at"] is None:
                message = "a contract always has a start"
                raise InvalidArgument.single("activationStartDate", message, "required")
        if "activation_end_date" in sent:
            changes["end_at"] = instant("activationEndDate", self.activation_end_date)
        if self.terms is not None:
            raw = self.terms
            changes["terms"] = lambda terms: terms_from_document(terms_document_for(raw, terms))
        changes.update(settings_changes(self))
        return changes


def settings_changes(body: Any) -> dict[str, Any]:
    """Service `update` keys for the settings a body sends (ContractUpdate, SettingsIn)."""
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "auto_renew" in sent and body.auto_renew is not None:
        changes["auto_renew"] = body.auto_renew
    if "renewal_term_months" in sent and body.renewal_term_months is not None:
        changes["renewal_term_months"] = body.renewal_term_months
    corrections = body.corrections
    if corrections is not None and corrections.undercharge is not None:
        changes["undercharge_policy"] = PositiveCorrection(corrections.undercharge)
    if corrections is not None and corrections.overcharge is not None:
        changes["overcharge_policy"] = NegativeCorrection(corrections.overcharge)
    return changes


class AttachIn(CamelModel):
    subscriptions: list[SubscriptionEntryIn] | None = None
    subscription_ids: list[str] | None = Field(None, description="Existing subscriptions by id")
    version: int | None = None

    def entries(self) -> list[SubscriptionEntry]:
        found = [SubscriptionEntry(existing_id=s) for s in self.subscription_ids or ()]
        problems: list[FieldProblem] = []
        for index, entry in enumerate(self.subscriptions or ()):
            try:
                found.append(entry.to_domain())
            except InvalidArgument as error:
                prefix = f"subscriptions[{index}].newSubscription"
                problems += [
                    FieldProblem(f"{prefix}.{p.field}", p.message, p.code) for p in error.problems
                ]
        if problems:
            raise InvalidArgument(problems)
        return found


class VersionIn(CamelModel):
    version: int | None = None


class RenewIn(CamelModel):
    contract_id: str | None = Field(None, description="The new contract's id; default generated")
    term_months: int | None = Field(None, description="Default: the contract's renewal term")


# --- responses ------------------------------------------------------------------------------


class ContractSubscriptionOut(OutModel):
    subscription_id: str
    plan_display_name: str | None
    product_display_name: str | None


class CorrectionsOut(OutModel):
    undercharge: UnderchargeName
    overcharge: OverchargeName


class NextInvoiceAmountOut(OutModel):
    amount: Number
    currency: str  # lower-case ISO 4217, as Stigg


class NextInvoiceOut(OutModel):
    """Stigg's preview of the upcoming invoice: pactline's next draft of the contract."""

    amount: NextInvoiceAmountOut
    due_date: datetime
    invoice_id: str
    period_start: datetime
    period_end: datetime  # exclusive

    @classmethod
    def of(cls, invoice: StoredInvoice, timezone: str) -> NextInvoiceOut:
        total = invoice.total
        return cls(
            amount=NextInvoiceAmountOut(amount=total.amount, currency=total.currency.code.lower()),
            due_date=local_midnight(invoice.due_on, timezone),
            invoice_id=invoice.id,
            period_start=local_midnight(invoice.period_start_on, timezone),
            period_end=local_midnight(invoice.period_end_on, timezone),
        )


class LatestInvoiceOut(OutModel):
    """Stigg's most recent non-draft invoice of the contract."""

    billing_id: str  # the invoice number
    created_at: datetime  # when it was issued (approved)
    requires_action: bool
    status: Literal["OPEN", "PAID", "CANCELED"]
    amount_due: Number
    billing_reason: Literal["BILLING_CYCLE"]
    currency: str
    pdf_url: str | None
    total: Number

    @classmethod
    def of(cls, invoice: StoredInvoice) -> LatestInvoiceOut:
        return cls(
            billing_id=invoice.number or invoice.id,
            created_at=invoice.approved_at or invoice.created_at,
            requires_action=False,
            status=STIGG_INVOICE_STATE[invoice.status],
            amount_due=invoice.amount_due.amount,
            billing_reason="BILLING_CYCLE",
            currency=invoice.currency.code.lower(),
            pdf_url=None,
            total=invoice.total.amount,
        )


class ContractOut(OutModel):
    id: str
    contract_id: str
    ref_id: str
    external_id: str
    billing_id: str | None = None
    name: str | None
    po_number: str | None
    customer_external_id: str
    created_at: datetime
    activation_start_date: datetime
    activation_end_date: datetime | None
    state: StateName
    billing_state: StateName | None
    next_invoice: NextInvoiceOut | None = None
    latest_invoice: LatestInvoiceOut | None = None
    subscriptions: list[ContractSubscriptionOut]
    # pactline's own
    status: StatusName
    version: int
    customer_id: str
    legal_entity_id: str | None
    currency: str
    timezone: str
    start_date: date
    end_date: date | None = Field(description="Inclusive; null: open-ended")
    metadata: dict[str, str]
    tags: list[str]
    auto_renew: bool
    renewal_term_months: int
    corrections: CorrectionsOut
    billing_enabled: bool
    renewed_from_id: str | None
    renewed_by_id: str | None
    activated_at: datetime | None
    ended_at: datetime | None
    updated_at: datetime
    terms: dict[str, Any] = Field(description=_TERMS_DOC)

    @classmethod
    def of(cls, view: ContractView) -> ContractOut:
        contract, at = view.contract, view.at
        billing = contract.billing_state_at(at)
        return cls(
            id=contract.id,
            contract_id=contract.id,
            ref_id=contract.id,
            external_id=contract.id,
            name=contract.name,
            po_number=contract.po_number,
            customer_external_id=contract.customer_id,
            created_at=contract.created_at,
            activation_start_date=contract.starts_at,
            activation_end_date=contract.ends_at,
            state=_state(contract.state_at(at)),
            billing_state=None if billing is None else _state(billing),
            next_invoice=None
            if view.next_invoice is None
            else NextInvoiceOut.of(view.next_invoice, contract.terms.timezone),
            latest_invoice=None
            if view.latest_invoice is None
            else LatestInvoiceOut.of(view.latest_invoice),
            subscriptions=[
                ContractSubscriptionOut(
                    subscription_id=m.subscription_id,
                    plan_display_name=m.plan_name,
                    product_display_name=m.product_name,
                )
                for m in view.members
            ],
            status=_status(contract.status_at(at)),
            version=contract.version,
            customer_id=contract.customer_id,
            legal_entity_id=contract.legal_entity_id,
            currency=contract.currency_code,
            timezone=contract.terms.timezone,
            start_date=contract.terms.start_on,
            end_date=contract.terms.end_on,
            metadata=dict(contract.metadata),
            tags=list(contract.tags),
            auto_renew=contract.renewal.auto_renew,
            renewal_term_months=contract.renewal.term_months,
            corrections=CorrectionsOut(
                undercharge=contract.corrections.positive.value,
                overcharge=contract.corrections.negative.value,
            ),
            billing_enabled=contract.billing_enabled,
            renewed_from_id=contract.renewed_from_id,
            renewed_by_id=contract.renewed_by_id,
            activated_at=contract.activated_at,
            ended_at=contract.ended_at,
            updated_at=contract.updated_at,
            terms=draft_document(contract.terms),
        )


class TermChangeOut(OutModel):
    path: str
    before: Any
    after: Any


class AmendmentOut(OutModel):
    id: str
    number: int
    contract_id: str
    actor: str = Field(description="The API key that made it")
    created_at: datetime
    effective_date: date
    version_before: int
    version_after: int
    changes: list[TermChangeOut]
    order_id: str | None = Field(None, description="The order it carries out, when named")

    @classmethod
    def of(cls, amendment: Amendment) -> AmendmentOut:
        return cls(
            id=amendment.id,
            number=amendment.number,
            contract_id=amendment.contract_id,
            actor=amendment.actor,
            created_at=amendment.created_at,
            effective_date=amendment.effective_on,
            version_before=amendment.version_before,
            version_after=amendment.version_after,
            changes=[
                TermChangeOut(path=c.path, before=c.before, after=c.after)
                for c in amendment.changes
            ],
            order_id=amendment.order_id,
        )


def _state(state: StiggState) -> StateName:
    value: StateName = state.value
    return value


def _status(status: ContractStatus) -> StatusName:
    value: StatusName = status.value
    return value


STATES_BY_NAME: dict[str, frozenset[ContractStatus]] = {
    "DRAFT": frozenset({ContractStatus.DRAFT}),
    "ACTIVE": frozenset({ContractStatus.ACTIVE}),
    "CANCELED": frozenset({ContractStatus.CANCELED, ContractStatus.ARCHIVED}),
    "END_BILLING": frozenset({ContractStatus.EXPIRED}),
}
