"""Orders: record a signed order form, correct it while NEW, cancel it, and fulfil it by itself.

Fulfilment is never asked for: an order is re-evaluated in the unit of work of every change
that can complete it — its own create and update, and every change of its contract
(`follow_contract`, ContractService's change listener: activation, amendment, attach, detach,
renewal, edits). A GET re-evaluates too (a feature made metered since is not a contract
change), and stores the step it finds. Once FULFILLED an order stays so, with the contract's
value at that moment; its checklist keeps showing how things stand now.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pactline.domain.catalog import Feature
from pactline.domain.charges import PricingType
from pactline.domain.contract_amendments import Amendment
from pactline.domain.contract_records import Contract
from pactline.domain.contract_value import contract_value
from pactline.domain.contracts import ChargeType
from pactline.domain.errors import (
    DomainError,
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
    StaleVersion,
)
from pactline.domain.ids import new_id
from pactline.domain.order_checklist import Checklist, FulfilmentFacts, checklist
from pactline.domain.orders import (
    EDITABLE,
    ENTITY,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    OrderType,
    ValueSnapshot,
    canceled,
    edited,
    fulfilled,
    order_problems,
    require_new,
)
from pactline.domain.pagination import MAX_LIMIT, Page, PageRequest
from pactline.domain.tenancy import Principal
from pactline.services.events import record_event
from pactline.services.ports import Clock, OrderQuery, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class NewOrder:
    customer_id: str
    type: OrderType
    source: OrderSource
    signed_on: date
    lines: tuple[OrderLine, ...]
    id: str | None = None  # caller-chosen: makes the create idempotent
    contract_id: str | None = None
    fingerprint: str | None = None  # the request, to recognise a retry


@dataclass(frozen=True)
class OrderView:
    """An order with its checklist and its contract's value as of the request."""

    order: Order
    checklist: Checklist
    contract_value: ValueSnapshot | None  # None: no contract, or its terms cannot be rated yet
    created: bool = False  # made by this request (a retried create reads False)


class OrderService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # --- reads -----------------------------------------------------------------------------

    def get(self, caller: Principal, order_id: str) -> OrderView:
        """The order and its checklist; a NEW order found complete is fulfilled here."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, order_id)
            view = _evaluated(uow, current, now)
            if view.order is not current:
                uow.commit()
            return view

    def list_orders(self, caller: Principal, query: OrderQuery, page: PageRequest) -> Page[Order]:
        with self._uow() as uow:
            return uow.orders.list(caller.environment_id, query, page)

    def for_contract(self, caller: Principal, contract_id: str, page: PageRequest) -> Page[Order]:
        """The contract's orders, oldest first (404 for an unknown contract)."""
        with self._uow() as uow:
            if uow.contracts.get(caller.environment_id, contract_id) is None:
                raise EntityNotFound("Contract", contract_id)
            query = OrderQuery(contract_id=contract_id)
            return uow.orders.list(caller.environment_id, query, page)

    # --- writes ----------------------------------------------------------------------------

    def create(self, caller: Principal, new: NewOrder) -> OrderView:
        """Record a signed order. Same `id` and same request again: the order as it is now
        (`created` False); another request with that id: 409."""
        now = self._clock.now()
        env = caller.environment_id
        order = Order(
            id=new.id if new.id is not None else new_id("ord", now),
            environment_id=env,
            customer_id=new.customer_id,
            type=new.type,
            source=new.source,
            signed_on=new.signed_on,
            lines=new.lines,
            status=OrderStatus.NEW,
            created_at=now,
            updated_at=now,
            contract_id=new.contract_id,
            request_fingerprint=new.fingerprint,
        )
        problems = order_problems(order, now)
        with self._uow() as uow:
            if new.id is not None and not problems:
                existing = uow.orders.get(env, new.id)
                if existing is not None:
                    if new.fingerprint is not None and existing.request_fingerprint == (
                        new.fingerprint
                    ):
                        view = _evaluated(uow, existing, now)
                        if view.order is not existing:
                            uow.commit()
                        return view
                    raise DuplicatedEntityNotAllowed(ENTITY, new.id)
            problems += _reference_problems(uow, order, None)
            if problems:
                raise InvalidArgument(problems)
            uow.orders.add(order)
            record_event(uow, env, "order.created", _event(order), now)
            view = _evaluated(uow, order, now)
            uow.commit()
            return OrderView(view.order, view.checklist, view.contract_value, created=True)

    def update(
        self,
        caller: Principal,
        order_id: str,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> OrderView:
        """Correct a NEW order (EDITABLE keys); a fulfilled or canceled one answers 409."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidArgument.single(sorted(unknown)[0], "cannot be changed", "not_allowed")
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, order_id, for_update=True)
            _check_version(current, expected_version)
            require_new(current, "a change")
            if not changes:
                return _view(uow, current, now)
            updated = edited(current, dict(changes), now)
            problems = order_problems(updated, now) + _reference_problems(uow, updated, changes)
            if problems:
                raise InvalidArgument(problems)
            _save(uow, current, updated)
            fields = sorted(_API_NAMES[key] for key in changes)
            record_event(
                uow,
                caller.environment_id,
                "order.updated",
                {**_event(updated), "fields": fields},
                now,
            )
            view = _evaluated(uow, updated, now)
            uow.commit()
            return view

    def cancel(
        self, caller: Principal, order_id: str, expected_version: int | None = None
    ) -> OrderView:
        """Withdraw a NEW order; canceling a canceled order changes nothing."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, order_id, for_update=True)
            _check_version(current, expected_version)
            updated = canceled(current, now)
            if updated is current:
                return _view(uow, current, now)
            _save(uow, current, updated)
            record_event(uow, caller.environment_id, "order.canceled", _event(updated), now)
            view = _view(uow, updated, now)
            uow.commit()
            return view


# --- following contracts ---------------------------------------------------------------------


def follow_contract(uow: UnitOfWork, contract: Contract, at: datetime) -> None:
    """A contract changed (inside `uow`): fulfil those of its NEW orders that are now complete."""
    for order in uow.orders.open_for_contract(contract.environment_id, contract.id):
        _evaluated(uow, order, at, contract)


# --- helpers -----------------------------------------------------------------------------------

_API_NAMES = {
    "contract_id": "contractId",
    "source": "source",
    "signed_on": "signedDate",
    "lines": "lines",
}


def _evaluated(
    uow: UnitOfWork, order: Order, at: datetime, contract: Contract | None = None
) -> OrderView:
    """The order's checklist from the facts in `uow`; a NEW order that is complete is
    fulfilled (written, with its event) unless another request did it first."""
    facts = _facts(uow, order, at, contract)
    steps = checklist(order, facts)
    value = _value(order, facts.contract)
    if order.status is not OrderStatus.NEW or not steps.done:
        return OrderView(order, steps, value)
    done = fulfilled(order, value, at)
    if not uow.orders.update(done, order.version):
        # Fulfilled (or canceled) meanwhile by another request: show what it stored.
        latest = uow.orders.get(order.environment_id, order.id) or order
        return OrderView(latest, steps, value)
    record_event(uow, order.environment_id, "order.fulfilled", _fulfilled_event(done), at)
    return OrderView(done, steps, value)


def _view(uow: UnitOfWork, order: Order, at: datetime) -> OrderView:
    facts = _facts(uow, order, at, None)
    return OrderView(order, checklist(order, facts), _value(order, facts.contract))


def _facts(
    uow: UnitOfWork, order: Order, at: datetime, contract: Contract | None
) -> FulfilmentFacts:
    env = order.environment_id
    if contract is None and order.contract_id is not None:
        contract = uow.contracts.get(env, order.contract_id)
    amendments: tuple[Amendment, ...] = ()
    if contract is not None and order.type is OrderType.UPSELL:
        amendments = _amendments(uow, env, contract.id)
    subscriptions = uow.subscriptions.for_customer(env, order.customer_id) if order.plan_ids else ()
    feature_ids = list(order.usage_feature_ids)
    if contract is not None:
        feature_ids += [
            line.metered_feature_id
            for line in contract.terms.line_items
            if line.charge_type is ChargeType.USAGE and line.metered_feature_id is not None
        ]
    features: dict[str, Feature] = {}
    for feature_id in dict.fromkeys(feature_ids):
        feature = uow.features.get(env, feature_id)
        if feature is not None:
            features[feature_id] = feature
    return FulfilmentFacts(
        at=at,
        contract=contract,
        amendments=amendments,
        subscriptions=tuple(subscriptions),
        features=features,
    )


def _amendments(uow: UnitOfWork, environment_id: str, contract_id: str) -> tuple[Amendment, ...]:
    found: list[Amendment] = []
    page = PageRequest(limit=MAX_LIMIT)
    while True:
        batch = uow.contracts.amendments(environment_id, contract_id, page)
        found += batch.items
        if batch.next is None:
            return tuple(found)
        page = PageRequest(limit=MAX_LIMIT, after=batch.next)


def _value(order: Order, contract: Contract | None) -> ValueSnapshot | None:
    """The contract's value now; None without a contract of the order's customer, or while
    its terms cannot be rated (a draft still missing prices)."""
    if contract is None or contract.customer_id != order.customer_id:
        return None
    try:
        return ValueSnapshot.of(contract_value(contract.terms))
    except DomainError:
        return None


def _reference_problems(
    uow: UnitOfWork, order: Order, changed: Collection[str] | None
) -> list[FieldProblem]:
    """Problems of what the order names: its customer, contract, plans and features. Only
    what `changed` names is looked at again (None: everything, on create)."""
    env = order.environment_id
    problems: list[FieldProblem] = []
    if changed is None:
        customer = uow.customers.get(env, order.customer_id)
        if customer is None:
            message = f"no customer '{order.customer_id}'"
            problems.append(FieldProblem("customerId", message, "not_found"))
        elif customer.archived:
            message = f"customer '{order.customer_id}' is archived"
            problems.append(FieldProblem("customerId", message, "archived"))
    if order.contract_id is not None and (
        changed is None or {"contract_id", "lines"} & set(changed)
    ):
        problems += _contract_problems(uow, order, order.contract_id)
    if changed is None or "lines" in changed:
        for index, line in enumerate(order.lines):
            if line.plan_id is not None:
                problems += _plan_problems(uow, env, f"lines[{index}].planId", line.plan_id)
            if line.feature_id is not None:
                problems += _feature_problems(
                    uow, env, f"lines[{index}].featureId", line.feature_id
                )
    return problems


def _contract_problems(uow: UnitOfWork, order: Order, contract_id: str) -> list[FieldProblem]:
    """A contract that does not exist yet may be named (the checklist says so); one of another
    customer, or in another currency, may not."""
    contract = uow.contracts.get(order.environment_id, contract_id)
    if contract is None:
        return []
    if contract.customer_id != order.customer_id:
        message = (
            f"contract '{contract_id}' belongs to customer '{contract.customer_id}', not to the "
            f"order's '{order.customer_id}'"
        )
        return [FieldProblem("contractId", message, "other_customer")]
    currencies = {line.currency for line in order.lines}
    if currencies and currencies != {contract.currency_code}:
        message = (
            f"contract '{contract_id}' is in {contract.currency_code}, the order in "
            f"{', '.join(sorted(currencies))}"
        )
        return [FieldProblem("contractId", message, "currency_mismatch")]
    return []


def _plan_problems(uow: UnitOfWork, env: str, path: str, plan_id: str) -> list[FieldProblem]:
    plan = uow.plans.get(env, plan_id)
    if plan is None:
        return [FieldProblem(path, f"no plan '{plan_id}'", "not_found")]
    version = uow.plans.latest_published(env, plan_id) or uow.plans.get_version(
        env, plan_id, plan.newest_version
    )
    if version is None or version.pricing_type is not PricingType.CUSTOM:
        message = f"plan '{plan_id}' is not a CUSTOM plan: an order delivers through custom plans"
        return [FieldProblem(path, message, "not_custom_plan")]
    return []


def _feature_problems(uow: UnitOfWork, env: str, path: str, feature_id: str) -> list[FieldProblem]:
    feature = uow.features.get(env, feature_id)
    if feature is None:
        return [FieldProblem(path, f"no feature '{feature_id}'", "not_found")]
    if not feature.metered:
        return [FieldProblem(path, f"feature '{feature_id}' is not metered", "not_metered")]
    return []


def _load(uow: UnitOfWork, caller: Principal, order_id: str, for_update: bool = False) -> Order:
    found = uow.orders.get(caller.environment_id, order_id, for_update)
    if found is None:
        raise EntityNotFound(ENTITY, order_id)
    return found


def _check_version(order: Order, expected: int | None) -> None:
    if expected is not None and expected != order.version:
        raise StaleVersion(ENTITY, order.id, expected, order.version)


def _save(uow: UnitOfWork, current: Order, updated: Order) -> None:
    if not uow.orders.update(updated, current.version):
        latest = uow.orders.get(current.environment_id, current.id)
        raise StaleVersion(
            ENTITY, current.id, current.version, None if latest is None else latest.version
        )


def _event(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "customerId": order.customer_id,
        "contractId": order.contract_id,
        "type": order.type.value,
        "status": order.status.value,
        "version": order.version,
    }


def _fulfilled_event(order: Order) -> dict[str, Any]:
    data = _event(order)
    value = order.value
    if value is not None:
        data["value"] = {
            "currency": value.currency,
            "tcv": None if value.tcv is None else format(value.tcv, "f"),
            "acv": format(value.acv, "f"),
            "committed": format(value.committed, "f"),
        }
    return data


__all__ = ["NewOrder", "OrderService", "OrderView", "follow_contract"]
