"""Billing runs: every invoice contracts have issued by an instant, as drafts, exactly once.

For each scope (a contract, or a customer's consolidated contracts) a run compares what the
contracts compute now with what is stored:

- an invoice not stored yet becomes a DRAFT (held for review);
- a draft whose computed lines changed (late usage, an amendment) is refreshed; a draft edited
  by hand is held as it is;
- an approved invoice whose period computes differently is corrected (billing_corrections);
- a draft the contracts no longer produce is voided as SUPERSEDED, and revived if they produce
  it again.

The database makes this exactly-once: an invoice's period and a correction's number are
unique, so overlapping runs, or a run repeated after a crash, write nothing twice. Scopes are
processed in chunks, one transaction each, with a constant number of reads per chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pactline.domain.billable_contracts import (
    BillableContract,
    ScheduledInvoice,
    billable,
    due_invoices,
    due_usage_windows,
    first_invoice,
    scheduled_invoices,
)
from pactline.domain.catalog import Feature
from pactline.domain.contract_records import Contract
from pactline.domain.contracts import LineItem
from pactline.domain.corrections import Correction
from pactline.domain.errors import EntityNotFound, InvalidArgument
from pactline.domain.ids import new_id
from pactline.domain.invoice_lifecycle import (
    ISSUED,
    SUPERSEDED,
    InvoiceStatus,
    LineSource,
    StoredInvoice,
    StoredLine,
    refreshed,
    voided,
)
from pactline.domain.invoicing import Invoice
from pactline.domain.pagination import PageRequest
from pactline.domain.periods import local_midnight
from pactline.domain.rating.usage import UsageSource
from pactline.domain.tenancy import Principal
from pactline.services.billable_contracts import FINAL_INVOICES_WINDOW
from pactline.services.billing_corrections import attach_pending, correct_period, released
from pactline.services.billing_usage import rate_with_usage
from pactline.services.invoice_events import (
    INVOICE_DRAFTED,
    INVOICE_UPDATED,
    INVOICE_VOIDED,
    invoice_event,
    record_invoice_events,
    save_invoice,
)
from pactline.services.ports import (
    BillableContractSource,
    Clock,
    InvoiceQuery,
    UnitOfWork,
    UnitOfWorkFactory,
)

DEFAULT_CHUNK = 200  # contracts per transaction


@dataclass
class RunSummary:
    as_of: datetime
    contracts: int = 0
    drafted: int = 0
    refreshed: int = 0
    unchanged: int = 0
    held: int = 0  # drafts edited by hand, not refreshed
    corrected: int = 0
    superseded: int = 0
    lost_races: int = 0  # invoices or corrections another run wrote first
    failed: dict[str, str] = field(default_factory=dict)  # contract id → why


class NoBillableContracts:
    """Until saved contracts are mapped onto billing, there are none to bill or look ahead with."""

    def for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[BillableContract]:
        return ()

    def active(self, environment_id: str, at: datetime) -> Sequence[BillableContract]:
        return ()


class BillingRunService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        contracts: BillableContractSource | None = None,
        chunk: int = DEFAULT_CHUNK,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._chunk = chunk
        self.contracts: BillableContractSource = contracts or NoBillableContracts()

    def run_due(self, environment_id: str, as_of: datetime) -> RunSummary:
        """Bill every active contract of the environment up to `as_of` (CLI, worker); contracts
        are read as they are billed, a customer at a time."""
        scopes = _customer_scopes(self.contracts.active(environment_id, as_of))
        return self._run_scopes(environment_id, as_of, scopes)

    def draft_first_invoice(self, uow: UnitOfWork, contract: Contract, at: datetime) -> None:
        """The contract activation listener: in the activating unit of work, bill the contract
        up to its first invoice, so that invoice is drafted at once (held for review) even
        when it is issued later; later runs refresh it."""
        customer = uow.customers.get(contract.environment_id, contract.customer_id)
        consolidate = customer is not None and customer.consolidate_invoices
        found = billable(contract, consolidate)
        if found is None:
            return
        first = first_invoice(found.terms)
        if first is None:
            return
        terms = found.terms
        as_of = max(at, local_midnight(first.issue_on, terms.timezone))
        scope = [found]
        if consolidate:  # the customer's invoice holds their other contracts' lines too
            others = uow.contracts.billable(
                contract.environment_id, as_of - FINAL_INVOICES_WINDOW, contract.customer_id
            )
            # In the order runs give them (oldest first), or the next run reorders the lines.
            scope = [
                mapped
                for other in others
                if (mapped := found if other.id == contract.id else billable(other, True))
                is not None
                and mapped.scope_key == found.scope_key
            ]
            if found not in scope:
                scope.append(found)
        summary = RunSummary(as_of=as_of)
        self._run_chunk(uow, contract.environment_id, as_of, [scope], {}, summary)
        if summary.failed:
            raise InvalidArgument.single(
                "terms", next(iter(summary.failed.values())), "not_billable"
            )

    def withdraw_drafts(self, uow: UnitOfWork, contract: Contract, at: datetime) -> None:
        """The contract end listener: a contract that bills nothing once ended (canceled
        before it started) is never billed again, so its drafts would stay forever; they are
        voided as SUPERSEDED here. A contract that still bills up to its end day is left to
        runs, which supersede its drafts as their issue dates come."""
        if billable(contract) is not None:
            return
        query = InvoiceQuery(contract_id=contract.id, statuses=frozenset({InvoiceStatus.DRAFT}))
        page = PageRequest(limit=100)
        while True:
            found = uow.invoices.list(contract.environment_id, query, page)
            for draft in found.items:
                # A consolidated draft with other contracts' lines is the runs' to refresh.
                if all(s.contract_id == contract.id for s in draft.lines):
                    gone = voided(draft, at, SUPERSEDED)
                    save_invoice(uow, gone, draft.version)
                    invoice_event(uow, gone, INVOICE_VOIDED, at, reason=SUPERSEDED)
            if found.next is None:
                return
            page = PageRequest(limit=100, after=found.next)

    def refresh(self, caller: Principal, contract_id: str) -> RunSummary:
        """Bill one contract (with the contracts it consolidates with) up to now: drafts take
        the latest usage, due drafts are created and approved periods corrected (Stigg's usage
        refresh). A contract that bills nothing (a draft, billing off) refreshes nothing."""
        now = self._clock.now()
        env = caller.environment_id
        with self._uow() as uow:
            contract = uow.contracts.get(env, contract_id)
            if contract is None:
                raise EntityNotFound("Contract", contract_id)
        candidates = self.contracts.for_customer(env, contract.customer_id, now)
        target = next((c for c in candidates if c.contract_id == contract_id), None)
        if target is None:
            return RunSummary(as_of=now)
        return self.run(env, now, [c for c in candidates if c.scope_key == target.scope_key])

    def run(
        self, environment_id: str, as_of: datetime, contracts: Iterable[BillableContract]
    ) -> RunSummary:
        """Bill every contract up to `as_of`; running again with the same inputs changes nothing."""
        return self._run_scopes(environment_id, as_of, _scopes(contracts))

    def _run_scopes(
        self, environment_id: str, as_of: datetime, scopes: Iterable[list[BillableContract]]
    ) -> RunSummary:
        summary = RunSummary(as_of=as_of)
        features: dict[str, Feature | None] = {}
        for chunk in _chunks(scopes, self._chunk):
            with self._uow() as uow:
                self._run_chunk(uow, environment_id, as_of, chunk, features, summary)
                uow.commit()
        return summary

    def _run_chunk(
        self,
        uow: UnitOfWork,
        environment_id: str,
        as_of: datetime,
        scopes: Sequence[Sequence[BillableContract]],
        features: dict[str, Feature | None],
        summary: RunSummary,
    ) -> None:
        now = self._clock.now()
        members = [c for scope in scopes for c in scope]
        summary.contracts += len(members)

        def owed(contract: BillableContract, usage: UsageSource) -> list[Invoice]:
            return due_invoices(contract, usage, as_of)

        def windows(contract: BillableContract) -> list[tuple[LineItem, datetime, datetime]]:
            return due_usage_windows(contract, as_of)

        rated = rate_with_usage(uow, environment_id, members, owed, features, windows)
        for contract_id, error in rated.failures.items():
            summary.failed[contract_id] = error.message
        billable = [s for s in scopes if all(c.contract_id in rated.results for c in s)]
        for scope in scopes:
            if scope not in billable:
                for contract in scope:  # a consolidated invoice needs all its contracts
                    summary.failed.setdefault(
                        contract.contract_id, "a consolidated contract failed"
                    )
        keys = [scope[0].scope_key for scope in billable]
        stored: dict[str, list[StoredInvoice]] = {}
        for invoice in uow.invoices.for_scopes(environment_id, keys):
            stored.setdefault(invoice.scope_key, []).append(invoice)
        corrections: dict[str, list[Correction]] = {}
        for correction in uow.corrections.for_scopes(environment_id, keys):
            corrections.setdefault(correction.scope_key, []).append(correction)
        runs: list[_ScopeRun] = []
        for scope in billable:
            scheduled = scheduled_invoices([(c, rated.results[c.contract_id]) for c in scope])
            key = scope[0].scope_key
            run = _ScopeRun(uow, environment_id, scope, as_of, now, summary)
            run.bill(scheduled, stored.get(key, []), corrections.get(key, []))
            runs.append(run)
        # New drafts are written together: a few statements for the chunk, not a few each.
        new = [draft for run in runs for draft in run.new_drafts]
        written = uow.invoices.add_all(new)
        drafted = [draft for draft in new if draft.id in written]
        record_invoice_events(uow, drafted, INVOICE_DRAFTED, now)
        summary.drafted += len(drafted)
        summary.lost_races += len(new) - len(drafted)
        for run in runs:
            run.place_corrections(written)


class _ScopeRun:
    def __init__(
        self,
        uow: UnitOfWork,
        environment_id: str,
        contracts: Sequence[BillableContract],
        as_of: datetime,
        now: datetime,
        summary: RunSummary,
    ) -> None:
        self._uow = uow
        self._environment_id = environment_id
        self._contracts = contracts
        self._now = now
        self._summary = summary
        # An invoice is due for every contract of a consolidated scope alike.
        self._today: date = min(c.local_date(as_of) for c in contracts)
        self._policies = {c.contract_id: c.corrections for c in contracts}
        self.new_drafts: list[StoredInvoice] = []  # to write; a run may have written some first
        self._drafts: dict[str, StoredInvoice] = {}
        self._corrections: list[Correction] = []

    def bill(
        self,
        scheduled: Sequence[ScheduledInvoice],
        stored: Sequence[StoredInvoice],
        corrections: list[Correction],
    ) -> None:
        periods = {(i.billing_group_key, i.issue_on): i for i in stored if not i.is_correction}
        drafts = {i.id: i for i in periods.values() if i.status is InvoiceStatus.DRAFT}
        wanted = set()
        for invoice in scheduled:
            name = (invoice.billing_group_key, invoice.issue_on)
            wanted.add(name)
            current = periods.get(name)
            if current is None:
                self.new_drafts.append(self._draft(invoice))
            elif current.status is InvoiceStatus.DRAFT or (
                current.status is InvoiceStatus.VOID and current.void_reason == SUPERSEDED
            ):
                updated = self._refresh(current, invoice)
                drafts[updated.id] = updated
            elif current.status in ISSUED:
                self._correct(current, invoice.lines, corrections)
        for name, current in periods.items():
            if name in wanted or current.issue_on > self._today:
                continue
            if current.status is InvoiceStatus.DRAFT and current.edited:
                self._summary.held += 1  # edited by hand: voided by hand if unwanted
            elif current.status is InvoiceStatus.DRAFT:
                gone = voided(current, self._now, SUPERSEDED)
                save_invoice(self._uow, gone, current.version)
                invoice_event(self._uow, gone, INVOICE_VOIDED, self._now, reason=SUPERSEDED)
                drafts.pop(current.id, None)
                corrections[:] = released(self._uow, corrections, current.id)
                self._summary.superseded += 1
            elif current.status in ISSUED:
                self._correct(current, (), corrections)
        self._drafts, self._corrections = drafts, corrections

    def place_corrections(self, written: set[str]) -> None:
        """Once the new drafts are written (those in `written`), put waiting next-invoice
        corrections on them or on the drafts already stored."""
        drafts = dict(self._drafts)
        drafts.update((d.id, d) for d in self.new_drafts if d.id in written)
        attach_pending(self._uow, self._corrections, drafts, self._now)

    def _draft(self, scheduled: ScheduledInvoice) -> StoredInvoice:
        now = self._now
        invoice = StoredInvoice(
            id=new_id("inv", now),
            environment_id=self._environment_id,
            customer_id=scheduled.customer_id,
            contract_id=scheduled.contract_id,
            legal_entity_id=scheduled.legal_entity_id,
            scope_key=scheduled.scope_key,
            billing_group=scheduled.billing_group,
            billing_group_key=scheduled.billing_group_key,
            correction_number=0,
            currency=scheduled.currency,
            rounding=scheduled.rounding,
            issue_on=scheduled.issue_on,
            due_on=scheduled.due_on,
            period_start_on=scheduled.period_start_on,
            period_end_on=scheduled.period_end_on,
            status=InvoiceStatus.DRAFT,
            number=None,
            lines=scheduled.lines,
            basis=scheduled.lines,
            created_at=now,
            updated_at=now,
        )
        return invoice

    def _refresh(self, current: StoredInvoice, scheduled: ScheduledInvoice) -> StoredInvoice:
        revived = current.status is InvoiceStatus.VOID
        if not revived and current.edited:
            self._summary.held += 1
            return current
        same = current.basis == scheduled.lines and current.due_on == scheduled.due_on
        if same and not revived:
            self._summary.unchanged += 1
            return current
        # A consolidated invoice names no single contract once a second contract joins it.
        base = replace(current, contract_id=scheduled.contract_id)
        if revived:
            # Corrections it carried were released when it was voided; pending again, they
            # are placed anew (on this draft or an earlier one), never twice.
            kept = tuple(s for s in base.lines if s.source is not LineSource.CORRECTION)
            base = replace(
                base, status=InvoiceStatus.DRAFT, voided_at=None, void_reason=None, lines=kept
            )
        updated = refreshed(base, scheduled.issue_on, scheduled.due_on, scheduled.lines, self._now)
        save_invoice(self._uow, updated, current.version)
        event = INVOICE_DRAFTED if revived else INVOICE_UPDATED
        invoice_event(self._uow, updated, event, self._now)
        self._summary.refreshed += 1
        return updated

    def _correct(
        self,
        current: StoredInvoice,
        lines: Sequence[StoredLine],
        corrections: list[Correction],
    ) -> None:
        earlier = [
            c
            for c in corrections
            if c.billing_group_key == current.billing_group_key and c.issue_on == current.issue_on
        ]
        made = correct_period(
            self._uow,
            current,
            lines,
            earlier,
            self._policies,
            self._today,
            self._now,
        )
        if made is not None:
            corrections.append(made)
            self._summary.corrected += 1


def _scopes(contracts: Iterable[BillableContract]) -> list[list[BillableContract]]:
    """Contracts grouped by scope, in the order their scopes first appear."""
    scopes: dict[str, list[BillableContract]] = {}
    for contract in contracts:
        scopes.setdefault(contract.scope_key, []).append(contract)
    return list(scopes.values())


def _customer_scopes(contracts: Iterable[BillableContract]) -> Iterator[list[BillableContract]]:
    """`_scopes` for contracts given a customer at a time, each customer's scopes given once
    the next customer's contracts begin; only one customer's contracts are held."""
    done: set[str] = set()
    customer: str | None = None
    held: list[BillableContract] = []
    for contract in contracts:
        if contract.customer_id != customer:
            yield from _scopes(held)
            if contract.customer_id in done:
                # A scope split over two blocks would bill each half as the whole scope.
                raise ValueError(f"customer {contract.customer_id}'s contracts are not together")
            if customer is not None:
                done.add(customer)
            customer, held = contract.customer_id, []
        held.append(contract)
    yield from _scopes(held)


def _chunks(
    scopes: Iterable[list[BillableContract]], size: int
) -> Iterable[Sequence[list[BillableContract]]]:
    chunk: list[list[BillableContract]] = []
    count = 0
    for scope in scopes:
        chunk.append(scope)
        count += len(scope)
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk
