"""Subscriptions: one row each, plus one row per add-on held.

Statuses are derived from an instant (`Subscription.status`); `_status_condition` is the same
rule in SQL, over the derived `ends_at` / `end_reason` columns written with every save.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.catalog import created_within
from pactline.adapters.db.schema import SubscriptionAddonRow, SubscriptionRow
from pactline.domain.charges import BillingPeriod, PricingType, Tier
from pactline.domain.entitlements import Behavior, EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.errors import DuplicatedEntityNotAllowed
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.plans import TrialEndBehavior
from pactline.domain.subscriptions import (
    EXPIRING,
    CancelReason,
    PaymentCollectionMethod,
    PriceOverride,
    Subscription,
    SubscriptionAddon,
    SubscriptionStatus,
)
from pactline.services.ports import SubscriptionQuery

S = SubscriptionRow
_EXPIRING = sorted(reason.value for reason in EXPIRING)


class SqlSubscriptionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, subscription: Subscription) -> None:
        self._session.add(S(**_values(subscription)))
        try:
            self._session.flush()
        except IntegrityError:  # a concurrent request created it first
            self._session.rollback()
            raise DuplicatedEntityNotAllowed("Subscription", subscription.id) from None
        self._write_addons(subscription)

    def get(
        self, environment_id: str, subscription_id: str, for_update: bool = False
    ) -> Subscription | None:
        row = self._session.get(
            S,
            (environment_id, subscription_id),
            populate_existing=True,
            with_for_update=for_update,
        )
        return None if row is None else self._load([row])[0]

    def update(self, subscription: Subscription) -> None:
        row = self._session.get(S, (subscription.environment_id, subscription.id))
        assert row is not None, "update() follows a get() in the same unit of work"
        for key, value in _values(subscription).items():
            setattr(row, key, value)
        self._session.execute(
            delete(SubscriptionAddonRow).where(
                SubscriptionAddonRow.environment_id == subscription.environment_id,
                SubscriptionAddonRow.subscription_id == subscription.id,
            )
        )
        self._session.flush()
        self._write_addons(subscription)

    def for_customer(self, environment_id: str, customer_id: str) -> list[Subscription]:
        return self._select(S.environment_id == environment_id, S.customer_id == customer_id)

    def active_for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> list[Subscription]:
        return self._select(
            S.environment_id == environment_id,
            S.customer_id == customer_id,
            or_(
                _status_condition(SubscriptionStatus.ACTIVE, at),
                _status_condition(SubscriptionStatus.IN_TRIAL, at),
            ),
        )

    def next_start(self, environment_id: str, customer_id: str, after: datetime) -> datetime | None:
        statement = select(func.min(S.start_at)).where(
            S.environment_id == environment_id,
            S.customer_id == customer_id,
            S.start_at > after,
            _live(after),
        )
        found: datetime | None = self._session.scalar(statement)
        return found

    def live_on_plan(self, environment_id: str, plan_id: str, at: datetime) -> list[Subscription]:
        return self._select(S.environment_id == environment_id, S.plan_id == plan_id, _live(at))

    def live_with_addon(
        self, environment_id: str, addon_id: str, at: datetime
    ) -> list[Subscription]:
        holders = select(SubscriptionAddonRow.subscription_id).where(
            SubscriptionAddonRow.environment_id == environment_id,
            SubscriptionAddonRow.addon_id == addon_id,
        )
        return self._select(S.environment_id == environment_id, S.id.in_(holders), _live(at))

    # --- mapping ---------------------------------------------------------------------------

    def _select(self, *conditions: ColumnElement[bool]) -> list[Subscription]:
        statement = select(S).where(*conditions).order_by(S.created_at, S.id)
        return self._load(list(self._session.scalars(statement)))

    def _load(self, rows: Sequence[S]) -> list[Subscription]:
        if not rows:
            return []
        env = rows[0].environment_id
        held: dict[str, list[SubscriptionAddon]] = {}
        statement = (
            select(SubscriptionAddonRow)
            .where(
                SubscriptionAddonRow.environment_id == env,
                SubscriptionAddonRow.subscription_id.in_([row.id for row in rows]),
            )
            .order_by(SubscriptionAddonRow.subscription_id, SubscriptionAddonRow.position)
        )
        for addon in self._session.scalars(statement):
            held.setdefault(addon.subscription_id, []).append(
                SubscriptionAddon(addon.addon_id, addon.quantity, addon.version_number)
            )
        return [_subscription(row, tuple(held.get(row.id, ()))) for row in rows]

    def _write_addons(self, subscription: Subscription) -> None:
        for position, addon in enumerate(subscription.addons):
            self._session.add(
                SubscriptionAddonRow(
                    environment_id=subscription.environment_id,
                    subscription_id=subscription.id,
                    addon_id=addon.addon_id,
                    position=position,
                    quantity=addon.quantity,
                    version_number=addon.version_number,
                )
            )
        self._session.flush()

    def list(
        self, environment_id: str, query: SubscriptionQuery, page: PageRequest
    ) -> Page[Subscription]:
        statement = select(S).where(S.environment_id == environment_id)
        if query.customer_id is not None:
            statement = statement.where(S.customer_id == query.customer_id)
        if query.plan_id is not None:
            statement = statement.where(S.plan_id == query.plan_id)
        if query.pricing_types:
            statement = statement.where(
                S.pricing_type.in_(sorted(p.value for p in query.pricing_types))
            )
        if query.statuses:
            statement = statement.where(
                or_(false(), *(_status_condition(s, query.at) for s in query.statuses))
            )
        statement = created_within(statement, S.created_at, query.created)
        found: Page[S] = keyset_page(
            self._session, statement, S.created_at, S.id, page, lambda row: row
        )
        return Page(items=self._load(found.items), next=found.next, prev=found.prev)


def _ended(at: datetime) -> ColumnElement[bool]:
    return and_(S.ends_at.is_not(None), S.ends_at <= at)


def _live(at: datetime) -> ColumnElement[bool]:
    return or_(S.ends_at.is_(None), S.ends_at > at)


def _status_condition(status: SubscriptionStatus, at: datetime) -> ColumnElement[bool]:
    """`Subscription.status(at) == status`, in SQL."""
    expiring = and_(S.end_reason.is_not(None), S.end_reason.in_(_EXPIRING))
    if status is SubscriptionStatus.EXPIRED:
        return and_(_ended(at), expiring)
    if status is SubscriptionStatus.CANCELED:
        return and_(_ended(at), not_(expiring))
    pending = and_(S.payment_required.is_(True), S.paid_at.is_(None))
    if status is SubscriptionStatus.PAYMENT_PENDING:
        return and_(_live(at), pending)
    running = and_(_live(at), not_(pending))
    if status is SubscriptionStatus.NOT_STARTED:
        return and_(running, S.start_at > at)
    in_trial = and_(S.trial_end_at.is_not(None), S.trial_end_at > at)
    if status is SubscriptionStatus.IN_TRIAL:
        return and_(running, S.start_at <= at, in_trial)
    return and_(running, S.start_at <= at, not_(in_trial))


# --- documents ------------------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _value_json(value: EntitlementValue) -> dict[str, Any]:
    return {
        "featureId": value.feature_id,
        "isGranted": value.is_granted,
        "usageLimit": _text(value.usage_limit),
        "hasUnlimitedUsage": value.has_unlimited_usage,
        "hasSoftLimit": value.has_soft_limit,
        "enumValues": None if value.enum_values is None else sorted(value.enum_values),
        "resetPeriod": None if value.reset_period is None else value.reset_period.value,
        "resetAnchor": None if value.reset_anchor is None else value.reset_anchor.value,
        "behavior": value.behavior.value,
    }


def _value_of(doc: dict[str, Any]) -> EntitlementValue:
    enum_values = doc.get("enumValues")
    return EntitlementValue(
        feature_id=doc["featureId"],
        is_granted=doc["isGranted"],
        usage_limit=_dec(doc.get("usageLimit")),
        has_unlimited_usage=doc["hasUnlimitedUsage"],
        has_soft_limit=doc["hasSoftLimit"],
        enum_values=None if enum_values is None else frozenset(enum_values),
        reset_period=None if doc.get("resetPeriod") is None else ResetPeriod(doc["resetPeriod"]),
        reset_anchor=None if doc.get("resetAnchor") is None else ResetAnchor(doc["resetAnchor"]),
        behavior=Behavior(doc["behavior"]),
    )


def _override_json(override: PriceOverride) -> dict[str, Any]:
    return {
        "chargeId": override.charge_id,
        "currency": override.currency,
        "addonId": override.addon_id,
        "featureId": override.feature_id,
        "amount": _text(override.amount),
        "blockSize": _text(override.block_size),
        "tiers": [
            {
                "upTo": _text(t.up_to),
                "unitPrice": _text(t.unit_price),
                "flatPrice": _text(t.flat_price),
            }
            for t in override.tiers
        ],
    }


def _override_of(doc: dict[str, Any]) -> PriceOverride:
    return PriceOverride(
        charge_id=doc["chargeId"],
        currency=doc["currency"],
        addon_id=doc.get("addonId"),
        feature_id=doc.get("featureId"),
        amount=_dec(doc.get("amount")),
        tiers=tuple(
            Tier(_dec(t.get("upTo")), _dec(t.get("unitPrice")), _dec(t.get("flatPrice")))
            for t in doc.get("tiers", ())
        ),
        block_size=_dec(doc.get("blockSize")),
    )


def _values(subscription: Subscription) -> dict[str, Any]:
    s = subscription
    end_reason = s.end_reason
    return {
        "environment_id": s.environment_id,
        "id": s.id,
        "customer_id": s.customer_id,
        "plan_id": s.plan_id,
        "plan_version": s.plan_version,
        "product_id": s.product_id,
        "pricing_type": s.pricing_type.value,
        "billing_period": s.billing_period.value,
        "currency": s.currency,
        "billing_country_code": s.billing_country_code,
        "payment_collection_method": s.payment_collection_method.value,
        "payment_required": s.payment_required,
        "paid_at": s.paid_at,
        "start_at": s.start_at,
        "trial_end_at": s.trial_end_at,
        "trial_end_behavior": None if s.trial_end_behavior is None else s.trial_end_behavior.value,
        "end_at": s.end_at,
        "cancel_reason": None if s.cancel_reason is None else s.cancel_reason.value,
        "canceled_at": s.canceled_at,
        "ends_at": s.ends_at,
        "end_reason": None if end_reason is None else end_reason.value,
        "billing_id": s.billing_id,
        "invoice_days_until_due": s.invoice_days_until_due,
        "metadata_": dict(s.metadata),
        "entitlements": [_value_json(v) for v in s.entitlements],
        "price_overrides": [_override_json(o) for o in s.price_overrides],
        "unit_quantities": {k: str(v) for k, v in s.unit_quantities.items()},
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _subscription(row: S, addons: tuple[SubscriptionAddon, ...]) -> Subscription:
    return Subscription(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        plan_id=row.plan_id,
        plan_version=row.plan_version,
        product_id=row.product_id,
        pricing_type=PricingType(row.pricing_type),
        billing_period=BillingPeriod(row.billing_period),
        currency=row.currency,
        payment_collection_method=PaymentCollectionMethod(row.payment_collection_method),
        start_at=row.start_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        addons=addons,
        entitlements=tuple(_value_of(d) for d in row.entitlements),
        price_overrides=tuple(_override_of(d) for d in row.price_overrides),
        unit_quantities={k: Decimal(v) for k, v in row.unit_quantities.items()},
        metadata=dict(row.metadata_),
        billing_id=row.billing_id,
        billing_country_code=row.billing_country_code,
        invoice_days_until_due=row.invoice_days_until_due,
        trial_end_at=row.trial_end_at,
        trial_end_behavior=None
        if row.trial_end_behavior is None
        else TrialEndBehavior(row.trial_end_behavior),
        payment_required=row.payment_required,
        paid_at=row.paid_at,
        end_at=row.end_at,
        cancel_reason=None if row.cancel_reason is None else CancelReason(row.cancel_reason),
        canceled_at=row.canceled_at,
    )


__all__ = ["SqlSubscriptionRepository"]
