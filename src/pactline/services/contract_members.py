"""The subscriptions of a contract, inside the caller's unit of work: finding or provisioning the
ones a request names, checking the membership rules, and canceling them when the contract ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pactline.domain.contract_membership import membership_problems
from pactline.domain.contract_records import Contract
from pactline.domain.errors import (
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
    SubscriptionOnAnotherContract,
)
from pactline.domain.subscription_lifecycle import canceled
from pactline.domain.subscriptions import CancellationTime, Subscription
from pactline.domain.tenancy import Principal
from pactline.services.events import record_event
from pactline.services.ports import UnitOfWork
from pactline.services.subscriptions import (
    NewSubscription,
    SubscriptionView,
    provision_in,
    view_in,
)


@dataclass(frozen=True)
class SubscriptionEntry:
    """One `subscriptions[]` item: an existing subscription, or a new one to provision."""

    existing_id: str | None = None
    new: NewSubscription | None = None


@dataclass(frozen=True)
class Member:
    """A subscription on a contract, with the names a reader wants to see."""

    subscription_id: str
    plan_name: str | None
    product_name: str | None


def joining(
    uow: UnitOfWork,
    caller: Principal,
    entries: Sequence[SubscriptionEntry],
    now: datetime,
    path: str = "subscriptions",
) -> tuple[list[tuple[str, SubscriptionView]], list[FieldProblem]]:
    """The subscriptions `entries` name, new ones provisioned in `uow`, each with its request
    path; and the problems found (an unknown id, a new subscription that cannot be made)."""
    found: list[tuple[str, SubscriptionView]] = []
    problems: list[FieldProblem] = []
    env = caller.environment_id
    for index, entry in enumerate(entries):
        at = f"{path}[{index}]"
        if (entry.existing_id is None) == (entry.new is None):
            message = "give exactly one of existingSubscriptionId and newSubscription"
            problems.append(FieldProblem(at, message, "one_of"))
        elif entry.existing_id is not None:
            subscription = uow.subscriptions.get(env, entry.existing_id, for_update=True)
            if subscription is None:
                message = f"no subscription '{entry.existing_id}'"
                problems.append(FieldProblem(f"{at}.existingSubscriptionId", message, "not_found"))
            else:
                found.append((f"{at}.existingSubscriptionId", view_in(uow, subscription, now)))
        elif entry.new is not None:
            prefix = f"{at}.newSubscription"
            try:
                found.append((prefix, provision_in(uow, caller, entry.new, now)))
            except InvalidArgument as error:
                problems += [
                    FieldProblem(f"{prefix}.{p.field}", p.message, p.code) for p in error.problems
                ]
            except EntityNotFound as error:
                problems.append(FieldProblem(prefix, error.message, "not_found"))
    return found, problems


def require_members(
    uow: UnitOfWork,
    contract: Contract,
    held: Sequence[Subscription],
    joiners: Sequence[tuple[str, Subscription]],
    problems: list[FieldProblem],
    at: datetime,
) -> None:
    """Raise for every problem so far plus the membership rules (400), or for a subscription that
    another contract holds (409, after the 400s: a request must be valid before it can clash)."""
    problems = problems + membership_problems(contract, held, joiners, at)
    seen: set[str] = {s.id for s in held}
    for path, subscription in joiners:
        if subscription.id in seen:
            message = f"subscription '{subscription.id}' is named twice"
            problems.append(FieldProblem(path, message, "duplicate"))
        seen.add(subscription.id)
    if problems:
        raise InvalidArgument(problems)
    holders = uow.contracts.holding(contract.environment_id, [s.id for _, s in joiners])
    for _, subscription in joiners:
        holder = holders.get(subscription.id)
        if holder is not None and holder != contract.id:
            raise SubscriptionOnAnotherContract(subscription.id, holder)


def held(uow: UnitOfWork, contract: Contract) -> list[Subscription]:
    found = []
    for subscription_id in contract.subscription_ids:
        subscription = uow.subscriptions.get(contract.environment_id, subscription_id)
        if subscription is not None:
            found.append(subscription)
    return found


def cancel_all(uow: UnitOfWork, contract: Contract, at: datetime) -> list[str]:
    """End the contract's running subscriptions now; the ids of those ended."""
    ended = []
    for subscription in held(uow, contract):
        updated, problems = canceled(subscription, CancellationTime.IMMEDIATE, None, at)
        if problems or updated is subscription:
            continue  # it had ended already
        uow.subscriptions.update(updated)
        reason = updated.end_reason
        ends = updated.ends_at
        record_event(
            uow,
            contract.environment_id,
            "subscription.canceled",
            {
                "id": updated.id,
                "reason": None if reason is None else reason.value,
                "effectiveEndDate": None if ends is None else ends.isoformat(),
                "contractId": contract.id,
            },
            at,
        )
        ended.append(updated.id)
    return ended


def members(uow: UnitOfWork, contract: Contract, names: _Names | None = None) -> list[Member]:
    names = names or _Names(uow, contract.environment_id)
    found = []
    for subscription_id in contract.subscription_ids:
        subscription = uow.subscriptions.get(contract.environment_id, subscription_id)
        if subscription is None:
            found.append(Member(subscription_id, None, None))
            continue
        found.append(
            Member(
                subscription_id,
                names.plan(subscription.plan_id),
                names.product(subscription.product_id),
            )
        )
    return found


class _Names:
    """Plan and product display names, each read once per request."""

    def __init__(self, uow: UnitOfWork, environment_id: str) -> None:
        self._uow = uow
        self._env = environment_id
        self._plans: dict[str, str | None] = {}
        self._products: dict[str, str | None] = {}

    def plan(self, plan_id: str) -> str | None:
        if plan_id not in self._plans:
            plan = self._uow.plans.get(self._env, plan_id)
            self._plans[plan_id] = None if plan is None else plan.display_name
        return self._plans[plan_id]

    def product(self, product_id: str) -> str | None:
        if product_id not in self._products:
            product = self._uow.products.get(self._env, product_id)
            self._products[product_id] = None if product is None else product.display_name
        return self._products[product_id]


def names(uow: UnitOfWork, environment_id: str) -> _Names:
    return _Names(uow, environment_id)
