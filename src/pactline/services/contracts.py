"""Contracts: create (with their subscriptions, all or nothing), read, edit a draft, activate,
amend, cancel, archive, renew and expire, always inside the caller's environment. Each public
method opens one unit of work and commits at most once (`expire_due`, a batch job, commits per
contract, so one contract that cannot move does not hold back the others).

Writes are guarded by the contract's version: a caller that sends the version it read (body or
If-Match) gets 409 StaleVersion when someone saved first, and the repository re-checks it in
the UPDATE itself, so two writers that read the same version cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from pactline.domain.catalog import validate_id
from pactline.domain.contract_amendments import Amendment, terms_diff
from pactline.domain.contract_lifecycle import (
    ENTITY,
    activated,
    add_months,
    amended,
    archived,
    canceled,
    expired,
    renewal,
    require_status,
    require_storable,
    saved,
    storage_problems,
    with_terms,
)
from pactline.domain.contract_records import (
    LIVE,
    Contract,
    ContractStatus,
    record_problems,
)
from pactline.domain.contract_value import ContractValue, contract_value
from pactline.domain.contracts import ContractTerms
from pactline.domain.customers import Customer
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
    StaleVersion,
    StateConflict,
)
from pactline.domain.ids import new_id
from pactline.domain.invoice_lifecycle import StoredInvoice, latest_and_next
from pactline.domain.invoicing import Invoice
from pactline.domain.pagination import MAX_LIMIT, Page, PageRequest
from pactline.domain.rating.schedule import invoice_schedule
from pactline.domain.rating.usage import NO_USAGE
from pactline.domain.tenancy import Principal
from pactline.services.contract_changes import (
    MEMBERSHIP,
    SETTINGS,
    NewContract,
    changed,
    default_effective,
    initial_terms,
    legal_entity_problems,
)
from pactline.services.contract_members import (
    Member,
    SubscriptionEntry,
    cancel_all,
    held,
    joining,
    members,
    names,
    require_members,
)
from pactline.services.entitlements import EntitlementCache
from pactline.services.events import record_event
from pactline.services.ports import Clock, ContractQuery, UnitOfWork, UnitOfWorkFactory

ActivationListener = Callable[[UnitOfWork, Contract, datetime], None]
# Told inside the unit of work that cancels or archives a contract.
EndListener = Callable[[UnitOfWork, Contract, datetime], None]
# Told inside the unit of work of every saved change of a contract, just before it commits.
ChangeListener = Callable[[UnitOfWork, Contract, datetime], None]
TermsEdit = Callable[[ContractTerms], ContractTerms]

MAX_SCHEDULE_YEARS = 100
_EXPIRY_BATCH = 100

# `update` keys: Contract attributes, plus `terms` and the Stigg activation instants.
UPDATABLE = frozenset(
    {
        "name",
        "po_number",
        "legal_entity_id",
        "metadata",
        "tags",
        "auto_renew",
        "renewal_term_months",
        "undercharge_policy",
        "overcharge_policy",
        "billing_enabled",
        "terms",
        "start_at",
        "end_at",
        "subscription_ids",
    }
)
# What an active contract may still change outside an amendment.
_DESCRIPTIVE = frozenset({"name", "po_number", "metadata", "tags", "billing_enabled"}) | SETTINGS


@dataclass(frozen=True)
class ContractView:
    """A contract as of the instant the request was served, with its subscriptions."""

    contract: Contract
    at: datetime
    members: tuple[Member, ...]
    created: bool = False  # made by this request (a retried create reads False)
    latest_invoice: StoredInvoice | None = None  # the latest issued
    next_invoice: StoredInvoice | None = None  # the next draft


class ContractService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        cache: EntitlementCache | None = None,
        on_activated: ActivationListener | None = None,
        on_changed: ChangeListener | None = None,
        on_ended: EndListener | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)
        # Told inside the activating unit of work (the first invoice is drafted there).
        self._on_activated = on_activated
        self._on_ended = on_ended
        # Orders follow their contract: one completed by this change is fulfilled with it.
        self._on_changed = on_changed

    # --- reads -----------------------------------------------------------------------------

    def get(self, caller: Principal, contract_id: str) -> ContractView:
        now = self._clock.now()
        with self._uow() as uow:
            return _view(uow, _load(uow, caller, contract_id), now)

    def list_contracts(
        self, caller: Principal, query: ContractQuery, page: PageRequest
    ) -> Page[ContractView]:
        with self._uow() as uow:
            found = uow.contracts.list(caller.environment_id, query, page)
            lookup = names(uow, caller.environment_id)
            views = [ContractView(c, query.at, tuple(members(uow, c, lookup))) for c in found.items]
        return Page(items=views, next=found.next, prev=found.prev)

    def for_customer(self, caller: Principal, customer_id: str) -> list[ContractView]:
        """Every contract of the customer, oldest first."""
        now = self._clock.now()
        with self._uow() as uow:
            found = _of_customer(uow, caller.environment_id, customer_id, now)
            lookup = names(uow, caller.environment_id)
            return [ContractView(c, now, tuple(members(uow, c, lookup))) for c in found]

    def amendments(self, caller: Principal, contract_id: str, page: PageRequest) -> Page[Amendment]:
        with self._uow() as uow:
            _load(uow, caller, contract_id)
            return uow.contracts.amendments(caller.environment_id, contract_id, page)

    def value(self, caller: Principal, contract_id: str) -> ContractValue:
        """TCV, ACV and committed value; InvalidArgument when the terms cannot be rated yet."""
        with self._uow() as uow:
            contract = _load(uow, caller, contract_id)
        return contract_value(contract.terms)

    def schedule(
        self, caller: Principal, contract_id: str, count: int, as_of_on: date | None = None
    ) -> list[Invoice]:
        """The first `count` invoices the terms produce (from `as_of_on`), at zero usage: usage
        lines are billed on actual usage when the billing run prices them."""
        with self._uow() as uow:
            terms = _load(uow, caller, contract_id).terms
        if terms.end_on is not None:
            return invoice_schedule(terms, NO_USAGE, as_of_on=as_of_on, count=count)
        # Open-ended: widen the horizon a year at a time until `count` invoices are in it.
        horizon_start = max(terms.start_on, as_of_on or terms.start_on)
        for years in range(1, MAX_SCHEDULE_YEARS + 1):
            horizon = add_months(horizon_start, 12 * years)
            invoices = invoice_schedule(
                terms, NO_USAGE, as_of_on=as_of_on, horizon_on=horizon, count=count
            )
            if len(invoices) >= count:
                return invoices
        return invoices

    # --- create ----------------------------------------------------------------------------

    def create(self, caller: Principal, new: NewContract) -> ContractView:
        """Create the contract and its subscriptions in one unit of work. Same `id` and same
        request again: the existing contract (`created` False); another request: 409."""
        now = self._clock.now()
        env = caller.environment_id
        if new.id is not None:
            _require_id(new.id)
        with self._uow() as uow:
            if new.id is not None:
                existing = uow.contracts.get(env, new.id)
                if existing is not None:
                    if new.fingerprint is not None and existing.request_fingerprint == (
                        new.fingerprint
                    ):
                        return _view(uow, existing, now)
                    raise DuplicatedEntityNotAllowed(ENTITY, new.id)
            customer = _customer(uow, caller, new.customer_id)
            problems = legal_entity_problems(uow, caller, new.legal_entity_id)
            if customer.archived:
                message = f"customer '{customer.id}' is archived"
                problems.append(FieldProblem("customerId", message, "archived"))
            joiners, found = joining(uow, caller, new.subscriptions, now)
            problems += found
            terms, found = initial_terms(new, customer, joiners, now)
            problems += found
            if terms is None:
                raise InvalidArgument(problems)
            contract_id = new.id or new_id("ctr", now)
            contract = Contract(
                id=contract_id,
                environment_id=env,
                customer_id=customer.id,
                name=new.name or new.po_number or customer.name or contract_id,
                status=ContractStatus.DRAFT,
                terms=terms,
                created_at=now,
                updated_at=now,
                po_number=new.po_number,
                legal_entity_id=new.legal_entity_id,
                subscription_ids=tuple(view.subscription.id for _, view in joiners),
                metadata=dict(new.metadata or {}),
                tags=new.tags,
                renewal=new.renewal,
                corrections=new.corrections,
                billing_enabled=new.billing_enabled,
                request_fingerprint=new.fingerprint,
            )
            contract = replace(contract, terms=with_terms(contract, terms))
            problems += record_problems(contract) + storage_problems(contract.terms)
            subscriptions = [(path, view.subscription) for path, view in joiners]
            require_members(uow, contract, [], subscriptions, problems, now)
            uow.contracts.add(contract)
            record_event(uow, env, "contract.created", _event(contract), now)
            self._commit(uow, contract, bool(new.subscriptions))
            return replace(_view(uow, contract, now), created=True)

    # --- edits -----------------------------------------------------------------------------

    def update(
        self,
        caller: Principal,
        contract_id: str,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> ContractView:
        """Change the named fields (UPDATABLE keys). A draft may change anything; an active
        contract only its descriptive fields and subscriptions (terms change by amendment)."""
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise InvalidArgument.single(sorted(unknown)[0], "cannot be changed", "not_allowed")
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, contract_id, for_update=True)
            _check_version(current, expected_version)
            if not changes:
                return _view(uow, current, now)
            require_status(current, LIVE, "an update")
            frozen = sorted(set(changes) - _DESCRIPTIVE - {MEMBERSHIP})
            if current.status is not ContractStatus.DRAFT and frozen:
                raise StateConflict(
                    ENTITY,
                    contract_id,
                    current.status.value,
                    f"{_api_name(frozen[0])} cannot change on an {current.status.value} "
                    "contract outside an amendment (POST "
                    f"/api/v1/contracts/{contract_id}/billing/edit-active)",
                )
            updated, problems = changed(uow, caller, current, changes, now)
            self._save(uow, current, updated, problems)
            record_event(
                uow,
                caller.environment_id,
                "contract.updated",
                {**_event(updated), "fields": sorted(_api_name(k) for k in changes)},
                now,
            )
            self._commit(uow, updated, MEMBERSHIP in changes)
            return _view(uow, updated, now)

    def edit_terms(
        self,
        caller: Principal,
        contract_id: str,
        edit: TermsEdit,
        expected_version: int | None = None,
    ) -> ContractView:
        """Apply `edit` to a draft's terms (line items, rows, billing terms)."""
        return self.update(caller, contract_id, {"terms": edit}, expected_version=expected_version)

    def attach(
        self,
        caller: Principal,
        contract_id: str,
        entries: Sequence[SubscriptionEntry],
        expected_version: int | None = None,
    ) -> ContractView:
        """Add subscriptions (existing or new ones, all or nothing) to a draft or active
        contract; a subscription it holds already is left as it is."""
        if not entries:
            raise InvalidArgument.single("subscriptions", "must list a subscription", "required")
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, contract_id, for_update=True)
            _check_version(current, expected_version)
            require_status(current, LIVE, "attaching subscriptions")
            joiners, problems = joining(uow, caller, entries, now)
            fresh = [
                (path, view.subscription)
                for path, view in joiners
                if view.subscription.id not in current.subscription_ids
            ]
            require_members(uow, current, held(uow, current), fresh, problems, now)
            ids = current.subscription_ids + tuple(s.id for _, s in fresh)
            updated = saved(current, now, subscription_ids=tuple(dict.fromkeys(ids)))
            self._save(uow, current, updated, [])
            record_event(
                uow,
                caller.environment_id,
                "contract.updated",
                {**_event(updated), "attached": [s.id for _, s in fresh]},
                now,
            )
            self._commit(uow, updated, True)
            return _view(uow, updated, now)

    def detach(
        self,
        caller: Principal,
        contract_id: str,
        subscription_id: str,
        expected_version: int | None = None,
    ) -> ContractView:
        """Take a subscription off the contract; the subscription itself runs on."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, contract_id, for_update=True)
            _check_version(current, expected_version)
            if subscription_id not in current.subscription_ids:
                raise EntityNotFound("ContractSubscription", subscription_id)
            require_status(current, LIVE, "detaching subscriptions")
            ids = tuple(s for s in current.subscription_ids if s != subscription_id)
            updated = saved(current, now, subscription_ids=ids)
            self._save(uow, current, updated, [])
            record_event(
                uow,
                caller.environment_id,
                "contract.updated",
                {**_event(updated), "detached": [subscription_id]},
                now,
            )
            self._commit(uow, updated, True)
            return _view(uow, updated, now)

    # --- lifecycle -------------------------------------------------------------------------

    def activate(
        self, caller: Principal, contract_id: str, expected_version: int | None = None
    ) -> ContractView:
        """DRAFT → ACTIVE once every rule of the rating engine and every completeness check
        passes (400 lists them all otherwise); the activation listener then runs in the same
        unit of work, so a failure there activates nothing."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load_for_billing(uow, caller, contract_id)
            _check_version(current, expected_version)
            entity = None
            if current.legal_entity_id is not None:
                entity = uow.legal_entities.get(caller.environment_id, current.legal_entity_id)
            others = _customer_contracts(uow, current, now)
            updated = activated(current, entity, _metered(uow, current), now, others)
            self._save(uow, current, updated, [])
            record_event(uow, caller.environment_id, "contract.activated", _event(updated), now)
            if self._on_activated is not None:
                self._on_activated(uow, updated, now)
            self._commit(uow, updated, False)
            return _view(uow, updated, now)

    def amend(
        self,
        caller: Principal,
        contract_id: str,
        edit: TermsEdit,
        effective_on: date | None = None,
        expected_version: int | None = None,
        order_id: str | None = None,
    ) -> tuple[ContractView, Amendment | None]:
        """Change an active contract's terms from `effective_on` (default: today in the
        contract's timezone, inside its term), recording who changed what, and the order it
        carries out when `order_id` names one. Terms that come out unchanged record nothing
        (a retried amendment)."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load_for_billing(uow, caller, contract_id)
            _check_version(current, expected_version)
            require_status(current, {ContractStatus.ACTIVE}, "an amendment")
            if order_id is not None:
                _require_order(uow, caller, contract_id, order_id)
            terms = with_terms(current, edit(current.terms))
            changes = terms_diff(current.terms, terms)
            if not changes:
                return _view(uow, current, now), None
            day = effective_on or default_effective(current.terms, now)
            metered = _metered(uow, current, terms)
            others = _customer_contracts(uow, current, now)
            updated = amended(current, terms, day, metered, now, others)
            self._save(uow, current, updated, [])
            amendment = Amendment(
                id=new_id("amd", now),
                environment_id=caller.environment_id,
                contract_id=contract_id,
                number=uow.contracts.amendment_count(caller.environment_id, contract_id) + 1,
                actor=caller.key_id,
                created_at=now,
                effective_on=day,
                version_before=current.version,
                version_after=updated.version,
                changes=changes,
                order_id=order_id,
            )
            uow.contracts.add_amendment(amendment)
            data = {
                **_event(updated),
                "amendment": amendment.number,
                "effectiveDate": day.isoformat(),
                "changed": [change.path for change in changes],
            }
            if order_id is not None:
                data["orderId"] = order_id
            record_event(uow, caller.environment_id, "contract.amended", data, now)
            self._commit(uow, updated, False)
            return _view(uow, updated, now), amendment

    def cancel(self, caller: Principal, contract_id: str) -> ContractView:
        """End a draft or active contract now, and its subscriptions with it."""
        return self._end(caller, contract_id, canceled, "contract.canceled")

    def archive(self, caller: Principal, contract_id: str) -> ContractView:
        """Put the contract away (a live one is canceled first, with its subscriptions);
        archiving an archived contract changes nothing."""
        return self._end(caller, contract_id, archived, "contract.archived")

    def renew(
        self,
        caller: Principal,
        contract_id: str,
        new_contract_id: str | None = None,
        term_months: int | None = None,
    ) -> ContractView:
        """A new DRAFT contract for the next term, at the latest prices and quantities."""
        now = self._clock.now()
        if new_contract_id is not None:
            _require_id(new_contract_id)
        with self._uow() as uow:
            current = _load(uow, caller, contract_id, for_update=True)
            following = self._renew_in(uow, current, new_contract_id, term_months, now)
            self._commit(uow, following, False)
            return replace(_view(uow, following, now), created=True)

    def expire_due(self, as_of: datetime) -> list[str]:
        """Record EXPIRED for every active contract (all environments) whose term ended by
        `as_of`; with auto-renewal, start its next term, activated, holding its subscriptions.
        Idempotent. Returns the ids of the contracts expired."""
        done: list[str] = []
        while True:
            with self._uow() as uow:
                due = uow.contracts.due_to_expire(as_of, _EXPIRY_BATCH)
            if not due:
                return done
            for contract in due:
                self._expire_one(contract.environment_id, contract.id, as_of)
                done.append(contract.id)

    # --- helpers ---------------------------------------------------------------------------

    def _end(
        self,
        caller: Principal,
        contract_id: str,
        transition: Callable[[Contract, datetime], Contract],
        event: str,
    ) -> ContractView:
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, contract_id, for_update=True)
            updated = transition(current, now)
            if updated is current:
                return _view(uow, current, now)
            ended: list[str] = []
            if current.status in LIVE:
                ended = cancel_all(uow, current, now)
            self._save(uow, current, updated, [])
            if self._on_ended is not None:
                self._on_ended(uow, updated, now)
            record_event(
                uow,
                caller.environment_id,
                event,
                {**_event(updated), "canceledSubscriptions": ended},
                now,
            )
            self._commit(uow, updated, bool(ended))
            return _view(uow, updated, now)

    def _renew_in(
        self,
        uow: UnitOfWork,
        current: Contract,
        new_contract_id: str | None,
        term_months: int | None,
        now: datetime,
        subscription_ids: tuple[str, ...] = (),
    ) -> Contract:
        env = current.environment_id
        following_id = new_contract_id or new_id("ctr", now)
        if uow.contracts.get(env, following_id) is not None:
            raise DuplicatedEntityNotAllowed(ENTITY, following_id)
        months = current.renewal.term_months if term_months is None else term_months
        following = renewal(current, following_id, months, now)
        following = replace(following, subscription_ids=subscription_ids)
        uow.contracts.add(following)
        marked = saved(current, now, renewed_by_id=following.id)
        self._save(uow, current, marked, [])
        record_event(
            uow,
            env,
            "contract.renewed",
            {**_event(following), "renewedFromId": current.id},
            now,
        )
        return following

    def _expire_one(self, environment_id: str, contract_id: str, as_of: datetime) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            current = uow.contracts.get(environment_id, contract_id, for_update=True)
            if current is None or current.status is not ContractStatus.ACTIVE:
                return  # another worker got there first
            ended = expired(current, as_of)
            renewing = current.renewal.auto_renew and current.renewed_by_id is None
            # A renewal made by hand (a draft or already active) takes the subscriptions over.
            taker = None
            if current.renewed_by_id is not None:
                taker = uow.contracts.get(environment_id, current.renewed_by_id, for_update=True)
                if taker is not None and taker.status not in LIVE:
                    taker = None
            if renewing or taker is not None:
                ended = replace(ended, subscription_ids=())
            self._save(uow, current, ended, [])
            # Without a next term the customer's access ends with the term.
            stopped: list[str] = []
            if not renewing and taker is None:
                stopped = cancel_all(uow, current, ended.ended_at or as_of)
            record_event(
                uow,
                environment_id,
                "contract.expired",
                {**_event(ended), "canceledSubscriptions": stopped},
                now,
            )
            if taker is not None:
                held_ids = (*taker.subscription_ids, *current.subscription_ids)
                taken = saved(taker, now, subscription_ids=tuple(dict.fromkeys(held_ids)))
                self._save(uow, taker, taken, [])
                self._changed(uow, taken)
            if renewing:
                following = self._renew_in(
                    uow, ended, None, None, now, subscription_ids=current.subscription_ids
                )
                entity = None
                if following.legal_entity_id is not None:
                    entity = uow.legal_entities.get(environment_id, following.legal_entity_id)
                others = _customer_contracts(uow, following, now)
                try:
                    live = activated(following, entity, _metered(uow, following), now, others)
                except InvalidArgument as error:
                    # The next term waits as a draft for someone to fix what blocks it.
                    record_event(
                        uow,
                        environment_id,
                        "contract.renewal_blocked",
                        {**_event(following), "problems": error.details.get("errors", [])},
                        now,
                    )
                else:
                    self._save(uow, following, live, [])
                    record_event(uow, environment_id, "contract.activated", _event(live), now)
                    if self._on_activated is not None:
                        self._on_activated(uow, live, now)
                    self._changed(uow, live)
            self._commit(uow, ended, bool(stopped))

    def _save(
        self,
        uow: UnitOfWork,
        current: Contract,
        updated: Contract,
        problems: list[FieldProblem],
    ) -> None:
        problems = problems + record_problems(updated)
        if problems:
            raise InvalidArgument(problems)
        require_storable(updated.terms)
        if not uow.contracts.update(updated, current.version):
            latest = uow.contracts.get(current.environment_id, current.id)
            raise StaleVersion(
                ENTITY, current.id, current.version, None if latest is None else latest.version
            )

    def _changed(self, uow: UnitOfWork, contract: Contract) -> None:
        if self._on_changed is not None:
            self._on_changed(uow, contract, contract.updated_at)

    def _commit(self, uow: UnitOfWork, contract: Contract, entitlements_changed: bool) -> None:
        self._changed(uow, contract)
        env, customer_id = contract.environment_id, contract.customer_id
        if entitlements_changed:
            self._cache.note(uow, EntitlementChange.customer(env, customer_id))
        uow.commit()
        if entitlements_changed:
            self._cache.forget_customer(env, customer_id)


def _metered(
    uow: UnitOfWork, contract: Contract, terms: ContractTerms | None = None
) -> frozenset[str]:
    """Which features named by the usage lines (of `terms`, or the contract's) are metered
    features of the contract's environment."""
    lines = (terms or contract.terms).line_items
    named = {line.metered_feature_id for line in lines if line.metered_feature_id is not None}
    found = (uow.features.get(contract.environment_id, feature_id) for feature_id in named)
    return frozenset(f.id for f in found if f is not None and f.metered)


def _check_version(contract: Contract, expected: int | None) -> None:
    if expected is not None and expected != contract.version:
        raise StaleVersion(ENTITY, contract.id, expected, contract.version)


def _require_id(contract_id: str) -> None:
    problems = validate_id(contract_id)
    if "/" in contract_id or contract_id in (".", ".."):
        problems.append(FieldProblem("id", "must not contain '/' or be '.' or '..'", "invalid"))
    if problems:
        raise InvalidArgument(problems)


def _require_order(uow: UnitOfWork, caller: Principal, contract_id: str, order_id: str) -> None:
    """An amendment carries out an order of its own contract."""
    order = uow.orders.get(caller.environment_id, order_id)
    if order is None:
        raise InvalidArgument.single("orderId", f"no order '{order_id}'", "not_found")
    if order.contract_id != contract_id:
        message = f"order '{order_id}' is not for contract '{contract_id}' (set its contractId)"
        raise InvalidArgument.single("orderId", message, "other_contract")


def _customer(uow: UnitOfWork, caller: Principal, customer_id: str) -> Customer:
    customer = uow.customers.get(caller.environment_id, customer_id)
    if customer is None:
        raise EntityNotFound("Customer", customer_id)
    return customer


def _load(
    uow: UnitOfWork, caller: Principal, contract_id: str, for_update: bool = False
) -> Contract:
    found = uow.contracts.get(caller.environment_id, contract_id, for_update)
    if found is None:
        raise EntityNotFound(ENTITY, contract_id)
    return found


def _load_for_billing(uow: UnitOfWork, caller: Principal, contract_id: str) -> Contract:
    """The contract, locked, after its customer: a change to what a contract bills checks the
    customer's other contracts, so two such changes for one customer take turns (the
    customer first, as provisioning locks it)."""
    found = _load(uow, caller, contract_id)
    uow.customers.get(caller.environment_id, found.customer_id, for_update=True)
    return _load(uow, caller, contract_id, for_update=True)


def _customer_contracts(uow: UnitOfWork, contract: Contract, at: datetime) -> list[Contract]:
    """The customer's other contracts (whose usage lines this one must not bill again)."""
    found = _of_customer(uow, contract.environment_id, contract.customer_id, at)
    return [other for other in found if other.id != contract.id]


def _of_customer(
    uow: UnitOfWork, environment_id: str, customer_id: str, at: datetime
) -> list[Contract]:
    """Every contract of the customer, oldest first, read page by page."""
    query = ContractQuery(at=at, customer_id=customer_id)
    found: list[Contract] = []
    page = PageRequest(limit=MAX_LIMIT)
    while True:
        batch = uow.contracts.list(environment_id, query, page)
        found += batch.items
        if batch.next is None:
            return found
        page = PageRequest(limit=MAX_LIMIT, after=batch.next)


def _view(uow: UnitOfWork, contract: Contract, at: datetime) -> ContractView:
    invoices = uow.invoices.for_scopes(contract.environment_id, [contract.id])
    latest, upcoming = latest_and_next(invoices)
    return ContractView(contract, at, tuple(members(uow, contract)), False, latest, upcoming)


def _event(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.id,
        "customerId": contract.customer_id,
        "status": contract.status.value,
        "version": contract.version,
    }


def _api_name(attribute: str) -> str:
    names = {"start_at": "activationStartDate", "end_at": "activationEndDate"}
    if attribute in names:
        return names[attribute]
    head, *rest = attribute.split("_")
    return head + "".join(part.capitalize() for part in rest)


__all__ = [
    "UPDATABLE",
    "ActivationListener",
    "ChangeListener",
    "ContractService",
    "ContractView",
    "EndListener",
    "NewContract",
    "SubscriptionEntry",
    "TermsEdit",
]
