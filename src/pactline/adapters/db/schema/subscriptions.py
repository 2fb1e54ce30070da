"""Subscription records: subscriptions, their add-ons, values and prices.

Negotiated entitlement values, price overrides and unit quantities are JSON documents read and
written whole with the subscription (amounts as decimal strings, never floats). The add-ons
held are rows, so the subscriptions holding an add-on can be found. `ends_at` and
`end_reason` are derived on write (the earlier of an explicit end and a trial that cancels),
so statuses can be filtered in SQL at any instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"], ["customers.environment_id", "customers.id"]
        ),
        ForeignKeyConstraint(["environment_id", "plan_id"], ["plans.environment_id", "plans.id"]),
        Index("ix_subscriptions_customer", "environment_id", "customer_id"),
        Index("ix_subscriptions_plan", "environment_id", "plan_id"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    plan_id: Mapped[str] = mapped_column(String(255))
    plan_version: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(String(255))
    pricing_type: Mapped[str] = mapped_column(String(20))
    billing_period: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))  # lower-case ISO 4217
    billing_country_code: Mapped[str | None] = mapped_column(String(10))
    payment_collection_method: Mapped[str] = mapped_column(String(20))
    payment_required: Mapped[bool] = mapped_column(Boolean)
    paid_at: Mapped[datetime | None]
    start_at: Mapped[datetime]
    trial_end_at: Mapped[datetime | None]
    trial_end_behavior: Mapped[str | None] = mapped_column(String(30))
    end_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    canceled_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]  # derived: when it stops (None: never)
    end_reason: Mapped[str | None] = mapped_column(String(40))  # derived: why it stops then
    billing_id: Mapped[str | None] = mapped_column(String(255))
    invoice_days_until_due: Mapped[int | None] = mapped_column(Integer)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    entitlements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    price_overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    unit_quantities: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SubscriptionAddonRow(Base):
    __tablename__ = "subscription_addons"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "subscription_id"],
            ["subscriptions.environment_id", "subscriptions.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["environment_id", "addon_id"], ["addons.environment_id", "addons.id"]
        ),
        Index("ix_subscription_addons_addon", "environment_id", "addon_id"),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    addon_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the add-ons were given in
    quantity: Mapped[int] = mapped_column(Integer)
    version_number: Mapped[int] = mapped_column(Integer)


__all__ = ["SubscriptionAddonRow", "SubscriptionRow"]
