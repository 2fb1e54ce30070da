"""Customers and their promotional entitlements, always inside the caller's environment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pactline.domain.currency import currency
from pactline.domain.customers import (
    Customer,
    GrantRequest,
    GrantStatus,
    PromotionalEntitlement,
    customer_problems,
    grant_end,
    grant_problems,
)
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
    StateConflict,
)
from pactline.domain.ids import new_id
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.domain.tenancy import Principal
from pactline.services.entitlements import EntitlementCache
from pactline.services.events import record_event
from pactline.services.ports import (
    Clock,
    CustomerQuery,
    PromotionalEntitlementQuery,
    UnitOfWork,
    UnitOfWorkFactory,
)

MAX_GRANTS_PER_REQUEST = 100

# Customer attributes `update` may change; the id, environment and timestamps never change.
_UPDATABLE = frozenset(
    {
        "name",
        "email",
        "billing_currency",
        "timezone",
        "metadata",
        "billing_id",
        "language",
        "coupon_id",
        "passthrough",
        "consolidate_invoices",
    }
)


@dataclass(frozen=True)
class NewCustomer:
    id: str
    name: str | None = None
    email: str | None = None
    billing_currency: str | None = None  # any case; stored upper-case
    timezone: str | None = None
    metadata: Mapping[str, str] | None = None
    billing_id: str | None = None
    language: str | None = None
    coupon_id: str | None = None
    passthrough: Mapping[str, Any] | None = None
    consolidate_invoices: bool = False


@dataclass(frozen=True)
class GrantView:
    """A promotional grant and its status at the instant the request was served."""

    grant: PromotionalEntitlement
    status: GrantStatus


class CustomerService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, cache: EntitlementCache | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)  # told when entitlements change

    # --- customers ------------------------------------------------------------------------

    def provision(self, caller: Principal, new: NewCustomer) -> Customer:
        now = self._clock.now()
        customer = Customer(
            id=new.id,
            environment_id=caller.environment_id,
            name=new.name,
            email=new.email,
            billing_currency=new.billing_currency,
            timezone=new.timezone,
            metadata=dict(new.metadata or {}),
            billing_id=new.billing_id,
            language=new.language,
            archived_at=None,
            created_at=now,
            updated_at=now,
            coupon_id=new.coupon_id or None,  # Stigg's "" means "no coupon"
            passthrough=None if new.passthrough is None else dict(new.passthrough),
            consolidate_invoices=new.consolidate_invoices,
        )
        customer = _checked(customer, now)
        with self._uow() as uow:
            if uow.customers.get(caller.environment_id, new.id) is not None:
                raise DuplicatedEntityNotAllowed("Customer", new.id)
            uow.customers.add(customer)
            record_event(uow, caller.environment_id, "customer.created", {"id": new.id}, now)
            self._cache.note(uow, EntitlementChange.customer(caller.environment_id, new.id))
            uow.commit()
            self._cache.forget_customer(caller.environment_id, new.id)
            return customer

    def get(self, caller: Principal, customer_id: str) -> Customer:
        with self._uow() as uow:
            return _customer(uow, caller, customer_id)

    def update(self, caller: Principal, customer_id: str, **changes: Any) -> Customer:
        """Change the named fields (Customer attribute names); None clears a field.

        `metadata` replaces the whole map, as in Stigg; None or {} empties it.
        """
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise InvalidArgument.single(sorted(unknown)[0], "cannot be changed", "not_allowed")
        if "metadata" in changes:
            changes["metadata"] = dict(changes["metadata"] or {})
        if "coupon_id" in changes:
            changes["coupon_id"] = changes["coupon_id"] or None
        if changes.get("passthrough") is not None:
            changes["passthrough"] = dict(changes["passthrough"])
        now = self._clock.now()
        with self._uow() as uow:
            current = _customer(uow, caller, customer_id)
            consolidate = changes.get("consolidate_invoices", current.consolidate_invoices)
            if consolidate != current.consolidate_invoices and uow.invoices.any_for_customer(
                caller.environment_id, customer_id
            ):
                # The setting decides which invoice a period belongs to: changing it once
                # invoices exist would bill their periods again under the other arrangement.
                raise StateConflict(
                    "Customer",
                    customer_id,
                    "INVOICED",
                    "consolidateInvoices cannot change once the customer has invoices",
                )
            updated = _checked(replace(current, **changes, updated_at=now), now)
            uow.customers.update(updated)
            record_event(
                uow,
                caller.environment_id,
                "customer.updated",
                {"id": customer_id, "fields": sorted(_api_name(name) for name in changes)},
                now,
            )
            self._cache.note(uow, EntitlementChange.customer(caller.environment_id, customer_id))
            uow.commit()
            self._cache.forget_customer(caller.environment_id, customer_id)
            return updated

    def set_archived(self, caller: Principal, customer_id: str, archived: bool) -> Customer:
        """Archive or restore; asking for the state the customer is already in changes nothing."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _customer(uow, caller, customer_id)
            if current.archived is archived:
                return current
            updated = replace(current, archived_at=now if archived else None, updated_at=now)
            uow.customers.update(updated)
            event = "customer.archived" if archived else "customer.unarchived"
            record_event(uow, caller.environment_id, event, {"id": customer_id}, now)
            self._cache.note(uow, EntitlementChange.customer(caller.environment_id, customer_id))
            uow.commit()
            self._cache.forget_customer(caller.environment_id, customer_id)
            return updated

    def list_customers(
        self, caller: Principal, query: CustomerQuery, page: PageRequest
    ) -> Page[Customer]:
        with self._uow() as uow:
            return uow.customers.list(caller.environment_id, query, page)

    # --- promotional entitlements ---------------------------------------------------------

    def grant(
        self, caller: Principal, customer_id: str, requests: Sequence[GrantRequest]
    ) -> list[GrantView]:
        """Grant each feature from now; a feature's grant in force is replaced (ended now).

        All or nothing: one invalid item refuses the whole request, naming every problem.
        """
        now = self._clock.now()
        with self._uow() as uow:
            # Locked: a concurrent grant waits, then replaces this one instead of joining it.
            customer = _customer(uow, caller, customer_id, for_update=True)
            _grant_request_problems(uow, caller, requests, now)
            in_force = {
                g.feature_id: g
                for g in uow.promotional_entitlements.active_for(
                    caller.environment_id, customer_id, now
                )
            }
            granted = []
            for request in requests:
                previous = in_force.get(request.feature_id)
                if previous is not None:
                    uow.promotional_entitlements.update(previous.ended(now, revoked=False))
                grant = PromotionalEntitlement(
                    id=new_id("pe", now),
                    environment_id=caller.environment_id,
                    customer_id=customer_id,
                    value=request.value(),
                    period=request.period,
                    start_at=now,
                    end_at=grant_end(request.period, now, customer.timezone, request.custom_end_at),
                    is_visible=True if request.is_visible is None else request.is_visible,
                    created_at=now,
                    updated_at=now,
                )
                uow.promotional_entitlements.add(grant)
                record_event(
                    uow,
                    caller.environment_id,
                    "promotional_entitlement.granted",
                    {
                        "id": grant.id,
                        "customerId": customer_id,
                        "featureId": grant.feature_id,
                        "replaces": None if previous is None else previous.id,
                    },
                    now,
                )
                granted.append(GrantView(grant, grant.status(now)))
            self._cache.note(uow, EntitlementChange.customer(caller.environment_id, customer_id))
            uow.commit()
            self._cache.forget_customer(caller.environment_id, customer_id)
            return granted

    def revoke(self, caller: Principal, customer_id: str, feature_id: str) -> GrantView:
        """End the feature's grant in force now; 404 when the feature has none."""
        now = self._clock.now()
        with self._uow() as uow:
            _customer(uow, caller, customer_id)
            current = next(
                (
                    g
                    for g in uow.promotional_entitlements.active_for(
                        caller.environment_id, customer_id, now
                    )
                    if g.feature_id == feature_id
                ),
                None,
            )
            if current is None:
                raise EntityNotFound("PromotionalEntitlement", feature_id)
            revoked = current.ended(now, revoked=True)
            uow.promotional_entitlements.update(revoked)
            record_event(
                uow,
                caller.environment_id,
                "promotional_entitlement.revoked",
                {"id": revoked.id, "customerId": customer_id, "featureId": feature_id},
                now,
            )
            self._cache.note(uow, EntitlementChange.customer(caller.environment_id, customer_id))
            uow.commit()
            self._cache.forget_customer(caller.environment_id, customer_id)
            return GrantView(revoked, revoked.status(now))

    def list_grants(
        self,
        caller: Principal,
        customer_id: str,
        statuses: frozenset[GrantStatus],
        created: CreatedRange,
        page: PageRequest,
    ) -> Page[GrantView]:
        now = self._clock.now()
        query = PromotionalEntitlementQuery(at=now, statuses=statuses, created=created)
        with self._uow() as uow:
            _customer(uow, caller, customer_id)
            found = uow.promotional_entitlements.list(
                caller.environment_id, customer_id, query, page
            )
        return Page(
            items=[GrantView(g, g.status(now)) for g in found.items],
            next=found.next,
            prev=found.prev,
        )


def _checked(customer: Customer, now: datetime) -> Customer:
    """The customer with its currency code normalised, or InvalidArgument naming every field."""
    problems = customer_problems(customer, now.date())
    if problems:
        raise InvalidArgument(problems)
    if customer.billing_currency is None:
        return customer
    return replace(
        customer, billing_currency=currency(customer.billing_currency, on=now.date()).code
    )


def _grant_request_problems(
    uow: UnitOfWork, caller: Principal, requests: Sequence[GrantRequest], now: datetime
) -> None:
    if not requests:
        raise InvalidArgument.single(
            "promotionalEntitlements", "must list at least one grant", "required"
        )
    if len(requests) > MAX_GRANTS_PER_REQUEST:
        raise InvalidArgument.single(
            "promotionalEntitlements",
            f"must list at most {MAX_GRANTS_PER_REQUEST} grants",
            "too_many",
        )
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for index, request in enumerate(requests):
        path = f"promotionalEntitlements[{index}]"
        if request.feature_id in seen:
            problems.append(
                FieldProblem(f"{path}.featureId", "is granted twice in this request", "duplicate")
            )
        seen.add(request.feature_id)
        feature = uow.features.get(caller.environment_id, request.feature_id)
        problems += grant_problems(path, request, feature, now)
    if problems:
        raise InvalidArgument(problems)


def _api_name(attribute: str) -> str:
    """`billing_currency` → `billingCurrency`: how webhook consumers know the field."""
    head, *rest = attribute.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _customer(
    uow: UnitOfWork, caller: Principal, customer_id: str, for_update: bool = False
) -> Customer:
    customer = uow.customers.get(caller.environment_id, customer_id, for_update)
    if customer is None:
        raise EntityNotFound("Customer", customer_id)
    return customer


__all__ = ["CustomerService", "GrantView", "NewCustomer"]
