from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.catalog import created_within
from pactline.adapters.db.schema import CustomerRow, PromotionalEntitlementRow
from pactline.domain.customers import (
    Customer,
    GrantPeriod,
    GrantStatus,
    PromotionalEntitlement,
)
from pactline.domain.entitlements import EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.pagination import Page, PageRequest
from pactline.services.ports import CustomerQuery, PromotionalEntitlementQuery


class SqlCustomerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, customer: Customer) -> None:
        self._session.add(CustomerRow(**_customer_values(customer)))
        self._session.flush()

    def get(
        self, environment_id: str, customer_id: str, for_update: bool = False
    ) -> Customer | None:
        row = self._session.get(
            CustomerRow,
            (environment_id, customer_id),
            populate_existing=True,
            with_for_update=for_update,
        )
        return None if row is None else _customer(row)

    def consolidating(self, environment_id: str) -> set[str]:
        statement = select(CustomerRow.id).where(
            CustomerRow.environment_id == environment_id,
            CustomerRow.consolidate_invoices.is_(True),
        )
        return set(self._session.scalars(statement))

    def update(self, customer: Customer) -> None:
        row = self._session.get(CustomerRow, (customer.environment_id, customer.id))
        assert row is not None, "update() follows a get() in the same unit of work"
        for key, value in _customer_values(customer).items():
            setattr(row, key, value)
        self._session.flush()

    def list(self, environment_id: str, query: CustomerQuery, page: PageRequest) -> Page[Customer]:
        statement = select(CustomerRow).where(CustomerRow.environment_id == environment_id)
        if query.email is not None:
            statement = statement.where(CustomerRow.email == query.email)
        if query.name is not None:
            statement = statement.where(CustomerRow.name == query.name)
        statement = created_within(statement, CustomerRow.created_at, query.created)
        return keyset_page(
            self._session, statement, CustomerRow.created_at, CustomerRow.id, page, _customer
        )


class SqlPromotionalEntitlementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, grant: PromotionalEntitlement) -> None:
        self._session.add(PromotionalEntitlementRow(**_grant_values(grant)))
        self._session.flush()

    def update(self, grant: PromotionalEntitlement) -> None:
        row = self._session.get(PromotionalEntitlementRow, (grant.environment_id, grant.id))
        assert row is not None, "update() follows a read in the same unit of work"
        for key, value in _grant_values(grant).items():
            setattr(row, key, value)
        self._session.flush()

    def active_for(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> list[PromotionalEntitlement]:
        statement = (
            select(PromotionalEntitlementRow)
            .where(
                PromotionalEntitlementRow.environment_id == environment_id,
                PromotionalEntitlementRow.customer_id == customer_id,
                PromotionalEntitlementRow.start_at <= at,
                _in_force(at),
            )
            .order_by(PromotionalEntitlementRow.feature_id, PromotionalEntitlementRow.start_at)
        )
        return [_grant(row) for row in self._session.scalars(statement)]

    def next_start(self, environment_id: str, customer_id: str, after: datetime) -> datetime | None:
        statement = select(func.min(PromotionalEntitlementRow.start_at)).where(
            PromotionalEntitlementRow.environment_id == environment_id,
            PromotionalEntitlementRow.customer_id == customer_id,
            PromotionalEntitlementRow.start_at > after,
            _in_force(after),
        )
        found: datetime | None = self._session.scalar(statement)
        return found

    def list(
        self,
        environment_id: str,
        customer_id: str,
        query: PromotionalEntitlementQuery,
        page: PageRequest,
    ) -> Page[PromotionalEntitlement]:
        row = PromotionalEntitlementRow
        statement = select(row).where(
            row.environment_id == environment_id, row.customer_id == customer_id
        )
        if query.statuses:
            wanted = []
            if GrantStatus.ACTIVE in query.statuses:
                wanted.append(_in_force(query.at))
            if GrantStatus.EXPIRED in query.statuses:
                wanted.append(row.end_at <= query.at)
            # PAUSED matches nothing: pactline never pauses a grant.
            statement = statement.where(or_(false(), *wanted))
        statement = created_within(statement, row.created_at, query.created)
        return keyset_page(self._session, statement, row.created_at, row.id, page, _grant)


def _in_force(at: datetime) -> ColumnElement[bool]:
    end_at = PromotionalEntitlementRow.end_at
    return or_(end_at.is_(None), end_at > at)


def _customer_values(customer: Customer) -> dict[str, Any]:
    return {
        "environment_id": customer.environment_id,
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "billing_currency": customer.billing_currency,
        "timezone": customer.timezone,
        "language": customer.language,
        "billing_id": customer.billing_id,
        "coupon_id": customer.coupon_id,
        "metadata_": dict(customer.metadata),
        "passthrough": None if customer.passthrough is None else dict(customer.passthrough),
        "consolidate_invoices": customer.consolidate_invoices,
        "archived_at": customer.archived_at,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


def _customer(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        environment_id=row.environment_id,
        name=row.name,
        email=row.email,
        billing_currency=row.billing_currency,
        timezone=row.timezone,
        metadata=dict(row.metadata_),
        billing_id=row.billing_id,
        language=row.language,
        archived_at=row.archived_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        coupon_id=row.coupon_id,
        passthrough=None if row.passthrough is None else dict(row.passthrough),
        consolidate_invoices=row.consolidate_invoices,
    )


def _grant_values(grant: PromotionalEntitlement) -> dict[str, Any]:
    value = grant.value
    return {
        "environment_id": grant.environment_id,
        "id": grant.id,
        "customer_id": grant.customer_id,
        "feature_id": value.feature_id,
        "usage_limit": value.usage_limit,
        "has_unlimited_usage": value.has_unlimited_usage,
        "has_soft_limit": value.has_soft_limit,
        "enum_values": None if value.enum_values is None else sorted(value.enum_values),
        "reset_period": None if value.reset_period is None else value.reset_period.value,
        "reset_anchor": None if value.reset_anchor is None else value.reset_anchor.value,
        "period": grant.period.value,
        "start_at": grant.start_at,
        "end_at": grant.end_at,
        "is_visible": grant.is_visible,
        "revoked_at": grant.revoked_at,
        "created_at": grant.created_at,
        "updated_at": grant.updated_at,
    }


def _grant(row: PromotionalEntitlementRow) -> PromotionalEntitlement:
    return PromotionalEntitlement(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        value=EntitlementValue(
            feature_id=row.feature_id,
            usage_limit=row.usage_limit,
            has_unlimited_usage=row.has_unlimited_usage,
            has_soft_limit=row.has_soft_limit,
            enum_values=None if row.enum_values is None else frozenset(row.enum_values),
            reset_period=None if row.reset_period is None else ResetPeriod(row.reset_period),
            reset_anchor=None if row.reset_anchor is None else ResetAnchor(row.reset_anchor),
        ),
        period=GrantPeriod(row.period),
        start_at=row.start_at,
        end_at=row.end_at,
        is_visible=row.is_visible,
        created_at=row.created_at,
        updated_at=row.updated_at,
        revoked_at=row.revoked_at,
    )
