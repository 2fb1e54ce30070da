"""What a billing run bills: a contract's terms, who issues its invoices, how it is corrected,
and the invoices it owes by an instant (BILLING-SEMANTICS §8).

A stored invoice is named by its *scope* (the contract, or, with the customer's consolidation
setting, the customer's contracts with one legal entity and currency), its *billing group key*
(the engine's billing group and the net terms, which together fix the due date) and its issue
date. The billing group key leaves the issue date out so that it stays the same from period to
period; the database keeps one invoice per (scope, billing group key, issue date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from pactline.domain.contract_records import Contract, ContractStatus
from pactline.domain.contracts import ContractTerms, LineItem
from pactline.domain.corrections import CorrectionPolicy
from pactline.domain.currency import Currency
from pactline.domain.invoice_lifecycle import StoredLine
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, Invoice
from pactline.domain.money import RoundingPolicy
from pactline.domain.periods import resolve_timezone
from pactline.domain.rating.schedule import invoice_schedule, schedule_usage_windows
from pactline.domain.rating.usage import NO_USAGE, UsageSource

# How far ahead an open-ended contract is rated to find its next invoice: longer than any
# billing cycle a contract uses in practice (a few years).
UPCOMING_HORIZON = timedelta(days=5 * 366)


@dataclass(frozen=True)
class BillableContract:
    """The input of billing; saved contracts are mapped onto it."""

    contract_id: str
    customer_id: str
    legal_entity_id: str
    terms: ContractTerms
    corrections: CorrectionPolicy = field(default_factory=CorrectionPolicy)
    consolidate: bool = False  # the customer's setting: one invoice across its contracts

    @property
    def scope_key(self) -> str:
        if not self.consolidate:
            return self.contract_id
        code = self.terms.currency.code
        return f"customer:{self.customer_id}:{self.legal_entity_id}:{code}"

    def local_date(self, at: datetime) -> date:
        """The calendar date at `at` in the contract's timezone."""
        return at.astimezone(resolve_timezone(self.terms.timezone)).date()


@dataclass(frozen=True)
class ScheduledInvoice:
    """What one stored invoice must hold, as the contracts' current inputs compute it."""

    scope_key: str
    customer_id: str
    legal_entity_id: str
    contract_ids: tuple[str, ...]
    billing_group: str
    billing_group_key: str
    currency: Currency
    rounding: RoundingPolicy
    issue_on: date
    due_on: date
    lines: tuple[StoredLine, ...]

    @property
    def contract_id(self) -> str | None:
        return self.contract_ids[0] if len(self.contract_ids) == 1 else None

    @property
    def period_start_on(self) -> date:
        return min(s.line.period_start_on for s in self.lines)

    @property
    def period_end_on(self) -> date:
        return max(s.line.period_end_on for s in self.lines)


def billable(contract: Contract, consolidate: bool = False) -> BillableContract | None:
    """A saved contract as billing sees it, or None when it bills nothing: billing is off, it
    was never activated, it names no legal entity, or it ended before it started.

    A canceled or archived contract bills up to the day it ended (that day included when it
    ended after local midnight); an expired one to its end date, as its terms say.
    """
    if (
        not contract.billing_enabled
        or contract.activated_at is None
        or contract.legal_entity_id is None
    ):
        return None
    terms = contract.terms
    if contract.status in _CUT_SHORT and contract.ended_at is not None:
        zone = resolve_timezone(terms.timezone)
        last_day = (contract.ended_at - _INSTANT).astimezone(zone).date()
        if last_day < terms.start_on:
            return None
        if terms.end_on is None or last_day < terms.end_on:
            terms = replace(terms, end_on=last_day)
    return BillableContract(
        contract.id,
        contract.customer_id,
        contract.legal_entity_id,
        terms,
        contract.corrections,
        consolidate,
    )


_CUT_SHORT = frozenset({ContractStatus.CANCELED, ContractStatus.ARCHIVED})
_INSTANT = timedelta(microseconds=1)


def group_key(contract: BillableContract, invoice: Invoice) -> str:
    """The billing group and net terms; separate groups stay apart under consolidation."""
    net_days = (invoice.due_on - invoice.issue_on).days
    group = invoice.billing_group
    if contract.consolidate and group != DEFAULT_BILLING_GROUP:
        group = f"{contract.contract_id}/{group}"
    return f"{group}|net{net_days}"


def due_invoices(contract: BillableContract, usage: UsageSource, at: datetime) -> list[Invoice]:
    """Every invoice the contract has issued by `at` (issue date on or before its local date)."""
    return invoice_schedule(contract.terms, usage, issued_by=contract.local_date(at))


def due_usage_windows(
    contract: BillableContract, at: datetime
) -> list[tuple[LineItem, datetime, datetime]]:
    """(usage line, start, end) of every usage window `due_invoices` reads."""
    windows = schedule_usage_windows(contract.terms, issued_by=contract.local_date(at))
    return [window for window in windows if window[0].metered_feature_id is not None]


def first_invoice(terms: ContractTerms) -> Invoice | None:
    """The contract's first invoice (without usage), rating as little of the term as finds it:
    a month, then a quarter, a year, and so on, before the whole term."""
    reach = 31
    while True:
        last = terms.start_on + timedelta(days=reach)
        if (terms.end_on is not None and last >= terms.end_on) or reach > UPCOMING_HORIZON.days:
            horizon = None if terms.end_on is not None else terms.start_on + UPCOMING_HORIZON
            found = invoice_schedule(terms, NO_USAGE, horizon_on=horizon, count=1)
            return found[0] if found else None
        found = invoice_schedule(terms, NO_USAGE, issued_by=last, count=1)
        if found:
            return found[0]
        reach *= 3


def upcoming_invoice(
    contract: BillableContract, usage: UsageSource, at: datetime
) -> Invoice | None:
    """The first invoice the contract issues after the local date of `at`."""
    day = contract.local_date(at) + timedelta(days=1)
    terms = contract.terms
    horizon = None if terms.end_on is not None else day + UPCOMING_HORIZON
    found = invoice_schedule(terms, usage, as_of_on=day, horizon_on=horizon, count=1)
    return found[0] if found else None


def scheduled_invoices(
    owed: Sequence[tuple[BillableContract, Sequence[Invoice]]],
) -> list[ScheduledInvoice]:
    """The contracts' invoices as stored invoices: one per (scope, group key, issue date).

    Contracts that consolidate merge their invoices of one issue date and group key, lines in
    the order the contracts are given; each line remembers its contract.
    """
    merged: dict[tuple[str, str, date], ScheduledInvoice] = {}
    for contract, invoices in owed:
        for invoice in invoices:
            key = group_key(contract, invoice)
            name = (contract.scope_key, key, invoice.issue_on)
            lines = tuple(StoredLine(line, contract.contract_id) for line in invoice.lines)
            seen = merged.get(name)
            if seen is None:
                merged[name] = ScheduledInvoice(
                    scope_key=contract.scope_key,
                    customer_id=contract.customer_id,
                    legal_entity_id=contract.legal_entity_id,
                    contract_ids=(contract.contract_id,),
                    billing_group=invoice.billing_group,
                    billing_group_key=key,
                    currency=invoice.currency,
                    rounding=contract.terms.rounding,
                    issue_on=invoice.issue_on,
                    due_on=invoice.due_on,
                    lines=lines,
                )
                continue
            contract_ids = seen.contract_ids
            if contract.contract_id not in contract_ids:
                contract_ids = (*contract_ids, contract.contract_id)
            merged[name] = replace(seen, contract_ids=contract_ids, lines=(*seen.lines, *lines))
    return sorted(merged.values(), key=lambda s: (s.scope_key, s.issue_on, s.billing_group_key))
