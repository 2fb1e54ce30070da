"""Invoices after the billing run: review and approve, send, record payments, void, edit a
draft by hand, issue credit notes, and find a customer's or contract's current and upcoming
invoice. Each public method is one transaction, inside the caller's environment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pactline.domain.billable_contracts import BillableContract, upcoming_invoice
from pactline.domain.catalog import Feature
from pactline.domain.credit_balances import CreditBalance, CreditEntryKind
from pactline.domain.credit_notes import CreditNote, CreditRequest, credit_lines, credited_by
from pactline.domain.currency import currency
from pactline.domain.errors import EntityNotFound, FieldProblem, InvalidArgument, StaleVersion
from pactline.domain.ids import new_id
from pactline.domain.invoice_lifecycle import (
    OPEN,
    SUPERSEDED,
    DocumentKind,
    InvoiceStatus,
    LineChange,
    LineEdit,
    StoredInvoice,
    approved,
    credit_to_apply,
    edited,
    paid,
    sent,
    voided,
)
from pactline.domain.invoicing import Invoice
from pactline.domain.money import Money, money_text
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.rating.usage import UsageSource
from pactline.domain.tenancy import Principal
from pactline.services.billing_runs import NoBillableContracts
from pactline.services.billing_usage import rate_with_usage
from pactline.services.credit_ledger import record_credit
from pactline.services.invoice_events import (
    INVOICE_APPROVED,
    INVOICE_PAID,
    INVOICE_SENT,
    INVOICE_UPDATED,
    INVOICE_VOIDED,
    credit_note_event,
    invoice_event,
    save_invoice,
)
from pactline.services.ports import (
    BillableContractSource,
    Clock,
    InvoiceOrder,
    InvoiceQuery,
    UnitOfWork,
    UnitOfWorkFactory,
)

MAX_BULK_APPROVALS = 100
MAX_VOID_REASON = 500
# Statuses an invoice is "current" in: being prepared, or issued and still owed.
_CURRENT = frozenset({InvoiceStatus.DRAFT, *OPEN})


@dataclass(frozen=True)
class UpcomingInvoice:
    """The next invoice a contract will issue, computed now and stored nowhere."""

    contract_id: str
    customer_id: str
    invoice: Invoice


class InvoiceService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        contracts: BillableContractSource | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.contracts: BillableContractSource = contracts or NoBillableContracts()

    # --- reads ----------------------------------------------------------------------------

    def get(self, caller: Principal, invoice_id: str) -> StoredInvoice:
        with self._uow() as uow:
            return _invoice(uow, caller, invoice_id)

    def for_customer(self, caller: Principal, customer_id: str, ref: str) -> StoredInvoice:
        """The customer's invoice named by its id or its number."""
        with self._uow() as uow:
            _require_customer(uow, caller, customer_id)
            found = uow.invoices.by_ref(caller.environment_id, customer_id, ref)
            if found is None:
                raise EntityNotFound("Invoice", ref)
            return found

    def list_invoices(
        self, caller: Principal, query: InvoiceQuery, page: PageRequest
    ) -> Page[StoredInvoice]:
        with self._uow() as uow:
            if query.customer_id is not None:
                _require_customer(uow, caller, query.customer_id)
            return uow.invoices.list(caller.environment_id, query, page)

    def current(
        self, caller: Principal, customer_id: str | None = None, contract_id: str | None = None
    ) -> StoredInvoice | None:
        """The latest invoice being prepared or still owed (DRAFT, APPROVED, SENT,
        PARTIALLY_PAID), by issue date; None when there is none."""
        query = InvoiceQuery(
            customer_id=customer_id,
            contract_id=contract_id,
            statuses=_CURRENT,
            issued_to=self._clock.now().date(),
            order_by=InvoiceOrder.ISSUE_DATE,
            descending=True,
        )
        found = self.list_invoices(caller, query, PageRequest(limit=1))
        return found.items[0] if found.items else None

    def upcoming(
        self, caller: Principal, customer_id: str, contract_id: str | None = None
    ) -> UpcomingInvoice | None:
        """The next invoice the customer's contracts (or the one named) issue after today."""
        now = self._clock.now()
        with self._uow() as uow:
            _require_customer(uow, caller, customer_id)
        # Read in its own unit of work, before this one: SQLite has one writer at a time, and
        # a unit of work nested in another waits for it.
        contracts = [
            c
            for c in self.contracts.for_customer(caller.environment_id, customer_id, now)
            if contract_id is None or c.contract_id == contract_id
        ]
        with self._uow() as uow:
            features: dict[str, Feature | None] = {}

            def rate(contract: BillableContract, usage: UsageSource) -> Invoice | None:
                return upcoming_invoice(contract, usage, now)

            rated = rate_with_usage(uow, caller.environment_id, contracts, rate, features)
        found = [
            UpcomingInvoice(c.contract_id, c.customer_id, invoice)
            for c in contracts
            if (invoice := rated.results.get(c.contract_id)) is not None
        ]
        return min(found, key=lambda u: (u.invoice.issue_on, u.contract_id), default=None)

    def credit_notes(self, caller: Principal, invoice_id: str) -> Sequence[CreditNote]:
        with self._uow() as uow:
            _invoice(uow, caller, invoice_id)
            return uow.credit_notes.for_invoice(caller.environment_id, invoice_id)

    def list_credit_notes(
        self,
        caller: Principal,
        customer_id: str | None,
        page: PageRequest,
        contract_id: str | None = None,
    ) -> Page[CreditNote]:
        with self._uow() as uow:
            if customer_id is not None:
                _require_customer(uow, caller, customer_id)
            if (
                contract_id is not None
                and uow.contracts.get(caller.environment_id, contract_id) is None
            ):
                raise EntityNotFound("Contract", contract_id)
            env = caller.environment_id
            return uow.credit_notes.list(env, customer_id, None, page, contract_id)

    # --- lifecycle ------------------------------------------------------------------------

    def approve(
        self, caller: Principal, invoice_id: str, expected_version: int | None = None
    ) -> StoredInvoice:
        return self.approve_many(caller, [invoice_id], expected_version)[0]

    def approve_many(
        self,
        caller: Principal,
        invoice_ids: Sequence[str],
        expected_version: int | None = None,
    ) -> list[StoredInvoice]:
        """Number the drafts and make them final; all or none. Numbers follow issue order."""
        _bulk_problems(invoice_ids)
        now = self._clock.now()
        with self._uow() as uow:
            drafts = [_invoice(uow, caller, i, for_update=True) for i in invoice_ids]
            if expected_version is not None and drafts[0].version != expected_version:
                raise StaleVersion("Invoice", drafts[0].id, expected_version, drafts[0].version)
            done = [
                self._approve(uow, draft, now)
                for draft in sorted(drafts, key=lambda d: (d.issue_on, d.created_at, d.id))
            ]
            uow.commit()
        by_id = {invoice.id: invoice for invoice in done}
        return [by_id[i] for i in invoice_ids]

    def _approve(self, uow: UnitOfWork, draft: StoredInvoice, now: datetime) -> StoredInvoice:
        if draft.status is not InvoiceStatus.DRAFT:
            approved(draft, "", Money.zero(draft.currency), now)  # raises the refusal
        number = uow.document_numbers.next(
            draft.environment_id, draft.legal_entity_id, DocumentKind.INVOICE
        )
        balance = Money(
            uow.credit_balances.balance(
                draft.environment_id,
                draft.customer_id,
                draft.legal_entity_id,
                draft.currency,
                for_update=True,
            ),
            draft.currency,
        )
        credit = credit_to_apply(balance, draft)
        invoice = approved(draft, number, credit, now)
        record_credit(uow, draft, -credit, CreditEntryKind.APPLIED, now)
        save_invoice(uow, invoice, draft.version)
        invoice_event(uow, invoice, INVOICE_APPROVED, now)
        return invoice

    def send(self, caller: Principal, invoice_id: str) -> StoredInvoice:
        now = self._clock.now()
        with self._uow() as uow:
            current = _invoice(uow, caller, invoice_id, for_update=True)
            invoice = sent(current, now)
            if invoice is current:
                return current
            save_invoice(uow, invoice, current.version)
            invoice_event(uow, invoice, INVOICE_SENT, now)
            uow.commit()
            return invoice

    def void(self, caller: Principal, invoice_id: str, reason: str | None = None) -> StoredInvoice:
        if reason is not None and len(reason) > MAX_VOID_REASON:
            raise InvalidArgument.single("reason", f"must be at most {MAX_VOID_REASON} characters")
        if reason is not None and reason.strip().upper() == SUPERSEDED:
            # Billing runs revive a draft they voided as SUPERSEDED; a hand void stays void.
            raise InvalidArgument.single(
                "reason", f"{SUPERSEDED} is reserved for billing runs", "reserved_reason"
            )
        now = self._clock.now()
        with self._uow() as uow:
            current = _invoice(uow, caller, invoice_id, for_update=True)
            invoice = voided(current, now, reason)
            # The carry-forward credit it took goes back.
            record_credit(uow, current, current.credit_taken, CreditEntryKind.RETURNED, now)
            save_invoice(uow, invoice, current.version)
            invoice_event(uow, invoice, INVOICE_VOIDED, now, reason=reason)
            uow.commit()
            return invoice

    def mark_paid(
        self,
        caller: Principal,
        invoice_id: str,
        paid_on: date,
        amount: Decimal | None = None,
        reference: str | None = None,
    ) -> StoredInvoice:
        """Record a payment (None: all that is due); partial → PARTIALLY_PAID, full → PAID."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _invoice(uow, caller, invoice_id, for_update=True)
            money = None if amount is None else Money(amount, current.currency)
            invoice = paid(current, money, paid_on, reference, now)
            save_invoice(uow, invoice, current.version)
            payment = invoice.payments[-1]
            invoice_event(
                uow,
                invoice,
                INVOICE_PAID,
                now,
                paidDate=payment.paid_on.isoformat(),
                paymentAmount=money_text(payment.amount),
                reference=payment.reference,
            )
            uow.commit()
            return invoice

    def edit(
        self,
        caller: Principal,
        invoice_id: str,
        expected_version: int,
        changes: Sequence[LineChange],
        reason: str,
    ) -> StoredInvoice:
        """Change a draft's lines by hand; billing runs then leave the draft as edited."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _invoice(uow, caller, invoice_id, for_update=True)
            invoice = edited(current, changes, LineEdit(caller.key_id, reason, now))
            save_invoice(uow, invoice, expected_version)
            invoice_event(uow, invoice, INVOICE_UPDATED, now, reason=reason)
            uow.commit()
            return invoice

    def issue_credit_note(
        self, caller: Principal, invoice_id: str, request: CreditRequest
    ) -> CreditNote:
        now = self._clock.now()
        with self._uow() as uow:
            invoice = _invoice(uow, caller, invoice_id, for_update=True)
            notes = uow.credit_notes.for_invoice(caller.environment_id, invoice_id)
            lines = credit_lines(invoice, notes, request)
            note = CreditNote(
                id=new_id("cn", now),
                environment_id=caller.environment_id,
                invoice_id=invoice.id,
                customer_id=invoice.customer_id,
                legal_entity_id=invoice.legal_entity_id,
                number=uow.document_numbers.next(
                    caller.environment_id, invoice.legal_entity_id, DocumentKind.CREDIT_NOTE
                ),
                reason=request.reason,
                issue_on=request.issue_on,
                currency=invoice.currency,
                lines=lines,
                created_at=now,
                memo=request.memo,
            )
            uow.credit_notes.add(note)
            after, excess = credited_by(invoice, note, now)
            save_invoice(uow, after, invoice.version)
            record_credit(uow, invoice, excess, CreditEntryKind.CREDIT_NOTE_EXCESS, now)
            credit_note_event(uow, note, now)
            invoice_event(uow, after, INVOICE_UPDATED, now, creditNoteId=note.id)
            uow.commit()
            return note

    def credit_balance(
        self,
        caller: Principal,
        customer_id: str,
        currency_code: str | None = None,
        legal_entity_id: str | None = None,
    ) -> CreditBalance:
        """The customer's carry-forward credit in one currency (default: its billing one), by
        legal entity (only `legal_entity_id`'s when given)."""
        with self._uow(read_only=True) as uow:
            customer = uow.customers.get(caller.environment_id, customer_id)
            if customer is None:
                raise EntityNotFound("Customer", customer_id)
            code = currency_code or customer.billing_currency
            if code is None:
                message = "is required: the customer has no billing currency"
                raise InvalidArgument.single("currency", message, "required")
            unit = currency(code, on=self._clock.now().date())
            if legal_entity_id is None:
                found = uow.credit_balances.balances(caller.environment_id, customer_id, unit)
            else:
                found = {
                    legal_entity_id: uow.credit_balances.balance(
                        caller.environment_id, customer_id, legal_entity_id, unit
                    )
                }
            return CreditBalance(customer_id, unit, found)


def _bulk_problems(invoice_ids: Sequence[str]) -> None:
    problems: list[FieldProblem] = []
    if not invoice_ids:
        problems.append(FieldProblem("invoiceIds", "must list at least one invoice", "required"))
    elif len(invoice_ids) > MAX_BULK_APPROVALS:
        message = f"must list at most {MAX_BULK_APPROVALS} invoices"
        problems.append(FieldProblem("invoiceIds", message, "too_many"))
    elif len(set(invoice_ids)) != len(invoice_ids):
        problems.append(FieldProblem("invoiceIds", "lists an invoice twice", "duplicate"))
    if problems:
        raise InvalidArgument(problems)


def _invoice(
    uow: UnitOfWork, caller: Principal, invoice_id: str, for_update: bool = False
) -> StoredInvoice:
    invoice = uow.invoices.get(caller.environment_id, invoice_id, for_update=for_update)
    if invoice is None:
        raise EntityNotFound("Invoice", invoice_id)
    return invoice


def _require_customer(uow: UnitOfWork, caller: Principal, customer_id: str) -> None:
    if uow.customers.get(caller.environment_id, customer_id) is None:
        raise EntityNotFound("Customer", customer_id)


__all__ = ["InvoiceService", "UpcomingInvoice"]
