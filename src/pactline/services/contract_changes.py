"""What a request changes: the terms a new contract starts with (sent, or made from the
customer and the subscriptions), and an update's fields applied to a stored contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from pactline.domain.contract_lifecycle import saved, with_terms
from pactline.domain.contract_population import line_items_from
from pactline.domain.contract_records import Contract, RenewalPolicy
from pactline.domain.contracts import ContractTerms
from pactline.domain.corrections import CorrectionPolicy
from pactline.domain.currency import UnknownCurrency, currency
from pactline.domain.customers import Customer
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.periods import resolve_timezone
from pactline.domain.tenancy import Principal
from pactline.services.contract_members import SubscriptionEntry, held, joining, require_members
from pactline.services.ports import UnitOfWork
from pactline.services.subscriptions import SubscriptionView

DEFAULT_CURRENCY = "USD"
# `ContractService.update` keys that change the renewal and correction settings.
SETTINGS = frozenset(
    {"auto_renew", "renewal_term_months", "undercharge_policy", "overcharge_policy"}
)
MEMBERSHIP = "subscription_ids"


@dataclass(frozen=True)
class NewContract:
    customer_id: str
    id: str | None = None  # None: pactline names it (and a retry cannot be recognised)
    name: str | None = None  # None: the PO number, else the customer's name, else the id
    po_number: str | None = None
    legal_entity_id: str | None = None
    terms: ContractTerms | None = None  # None: made from the fields below and the customer
    currency: str | None = None
    timezone: str | None = None
    start_at: datetime | None = None  # Stigg's activationStartDate
    end_at: datetime | None = None  # Stigg's activationEndDate (the instant it ends)
    populate_line_items: bool | None = None  # None: when the terms name no line items
    subscriptions: tuple[SubscriptionEntry, ...] = ()
    metadata: Mapping[str, str] | None = None
    tags: tuple[str, ...] = ()
    renewal: RenewalPolicy = field(default_factory=RenewalPolicy)
    corrections: CorrectionPolicy = field(default_factory=CorrectionPolicy)
    billing_enabled: bool = True
    fingerprint: str | None = None  # of the request: same id + same request → same contract


def changed(
    uow: UnitOfWork,
    caller: Principal,
    current: Contract,
    changes: Mapping[str, Any],
    now: datetime,
) -> tuple[Contract, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    special = {"terms", "start_at", "end_at", MEMBERSHIP, "billing_enabled"} | SETTINGS
    plain = {k: v for k, v in changes.items() if k not in special}
    if "metadata" in plain:
        plain["metadata"] = dict(plain["metadata"] or {})
    if "tags" in plain:
        plain["tags"] = tuple(plain["tags"] or ())
    if "legal_entity_id" in plain:
        problems += legal_entity_problems(uow, caller, plain["legal_entity_id"])
    updated = saved(current, now, **plain)
    if changes.get("billing_enabled"):
        # Billing is only ever switched on by an update (Stigg's setupBilling).
        updated = replace(updated, billing_enabled=True)
    renewal, corrections = current.renewal, current.corrections
    updated = replace(
        updated,
        renewal=RenewalPolicy(
            changes.get("auto_renew", renewal.auto_renew),
            changes.get("renewal_term_months", renewal.term_months),
        ),
        corrections=CorrectionPolicy(
            changes.get("undercharge_policy", corrections.positive),
            changes.get("overcharge_policy", corrections.negative),
        ),
    )
    terms = current.terms
    if "terms" in changes:
        given = changes["terms"]
        terms = given(terms) if callable(given) else given
    if "start_at" in changes or "end_at" in changes:
        terms = _dated(terms, changes.get("start_at"), changes.get("end_at"), changes)
    updated = replace(updated, terms=with_terms(updated, terms))
    if MEMBERSHIP in changes:
        updated, found = _members_replaced(uow, caller, current, updated, changes, now)
        problems += found
    return updated, problems


def _members_replaced(
    uow: UnitOfWork,
    caller: Principal,
    current: Contract,
    updated: Contract,
    changes: Mapping[str, Any],
    now: datetime,
) -> tuple[Contract, list[FieldProblem]]:
    wanted = tuple(dict.fromkeys(changes[MEMBERSHIP] or ()))
    entries = [
        SubscriptionEntry(existing_id=s) for s in wanted if s not in current.subscription_ids
    ]
    joiners, problems = joining(uow, caller, entries, now, path="subscriptionIds")
    staying = [s for s in held(uow, current) if s.id in wanted]
    fresh = [(path, view.subscription) for path, view in joiners]
    require_members(uow, updated, staying, fresh, problems, now)
    return replace(updated, subscription_ids=wanted), []


def _dated(
    terms: ContractTerms,
    start_at: datetime | None,
    end_at: datetime | None,
    changes: Mapping[str, Any],
) -> ContractTerms:
    zone = resolve_timezone(terms.timezone)
    start_on = terms.start_on if start_at is None else start_at.astimezone(zone).date()
    end_on = terms.end_on
    if "end_at" in changes:
        end_on = None if end_at is None else _last_day(end_at, terms.timezone)
    moved = replace(terms, start_on=start_on, end_on=end_on)
    # Line items that start with the contract move with it: their first price and quantity.
    lines = tuple(
        replace(
            line,
            price_versions=_restarted(line.price_versions, terms.start_on, start_on),
            quantities=_restarted(line.quantities, terms.start_on, start_on),
        )
        if line.start_on is None
        else line
        for line in moved.line_items
    )
    return replace(moved, line_items=lines)


def _restarted(entries: tuple[Any, ...], old: date, new: date) -> tuple[Any, ...]:
    """`entries` (price versions or quantity changes) with the first one moved from `old` to
    `new`, when it started on `old`."""
    if not entries or _first_day(entries[0]) != old:
        return entries
    first = entries[0]
    moved = (
        replace(first, start_on=new)
        if hasattr(first, "start_on")
        else replace(first, effective_on=new)
    )
    return (moved, *entries[1:])


def _first_day(entry: Any) -> date:
    day: date = entry.start_on if hasattr(entry, "start_on") else entry.effective_on
    return day


def initial_terms(
    new: NewContract,
    customer: Customer,
    joiners: Sequence[tuple[str, SubscriptionView]],
    now: datetime,
) -> tuple[ContractTerms | None, list[FieldProblem]]:
    """The terms sent, or ones made from the request's fields, the customer and the
    subscriptions; with line items made from the subscriptions' prices when asked."""
    problems: list[FieldProblem] = []
    terms = new.terms
    if terms is None:
        timezone = new.timezone or customer.timezone or "UTC"
        try:
            zone = resolve_timezone(timezone)
        except InvalidArgument as error:
            return None, problems + list(error.problems)
        start_on = (new.start_at or now).astimezone(zone).date()
        end_on = None if new.end_at is None else _last_day(new.end_at, timezone)
        subscription_currency = joiners[0][1].subscription.currency if joiners else None
        code = (
            new.currency or subscription_currency or customer.billing_currency or DEFAULT_CURRENCY
        )
        try:
            money = currency(code, start_on)
        except UnknownCurrency as error:
            return None, problems + list(error.problems)
        terms = ContractTerms(
            id=new.id or "contract",
            name=new.name or "contract",
            customer_id=customer.id,
            currency=money,
            timezone=timezone,
            start_on=start_on,
            end_on=end_on,
            line_items=(),
        )
    elif new.start_at is not None or new.end_at is not None:
        message = "give the dates in terms (startDate, endDate) or here, not both"
        field_name = "activationStartDate" if new.start_at is not None else "activationEndDate"
        problems.append(FieldProblem(field_name, message, "not_allowed"))
    populate = new.populate_line_items
    if populate is None:
        populate = not terms.line_items
    if populate:
        lines = list(terms.line_items)
        for _, view in joiners:
            lines += line_items_from(view.subscription, view.prices, terms.start_on)
        terms = replace(terms, line_items=tuple(lines))
    return terms, problems


def _last_day(end_at: datetime, timezone: str) -> date:
    """The last day covered by a term that ends at the instant `end_at`."""
    zone = resolve_timezone(timezone)
    return (end_at.astimezone(zone) - timedelta(microseconds=1)).date()


def default_effective(terms: ContractTerms, now: datetime) -> date:
    """Today in the contract's timezone, kept inside its term."""
    today = now.astimezone(resolve_timezone(terms.timezone)).date()
    day = max(today, terms.start_on)
    return day if terms.end_on is None else min(day, terms.end_on)


def legal_entity_problems(
    uow: UnitOfWork, caller: Principal, entity_id: str | None
) -> list[FieldProblem]:
    if entity_id is None or uow.legal_entities.get(caller.environment_id, entity_id) is not None:
        return []
    return [FieldProblem("legalEntityId", f"no legal entity '{entity_id}'", "not_found")]
