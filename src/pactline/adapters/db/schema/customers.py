"""Customer records: customers and promotional entitlements."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base
from pactline.adapters.db.types import DecimalText


class CustomerRow(Base):
    __tablename__ = "customers"

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(320))
    billing_currency: Mapped[str | None] = mapped_column(String(3))  # upper-case ISO 4217
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(64))
    billing_id: Mapped[str | None] = mapped_column(String(255))
    coupon_id: Mapped[str | None] = mapped_column(String(255))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    # Vendor billing passthrough, stored as sent and never queried inside.
    passthrough: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    consolidate_invoices: Mapped[bool] = mapped_column(Boolean, server_default=false())
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PromotionalEntitlementRow(Base):
    __tablename__ = "promotional_entitlements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["environment_id", "feature_id"],
            ["features.environment_id", "features.id"],
            ondelete="CASCADE",
        ),
        # The customer's grants in force (entitlement checks) and its list, newest last.
        Index(
            "ix_promotional_entitlements_customer",
            "environment_id",
            "customer_id",
            "end_at",
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    feature_id: Mapped[str] = mapped_column(String(255))
    usage_limit: Mapped[Decimal | None] = mapped_column(DecimalText)
    has_unlimited_usage: Mapped[bool] = mapped_column(Boolean)
    has_soft_limit: Mapped[bool] = mapped_column(Boolean)
    enum_values: Mapped[list[str] | None] = mapped_column(JSON)
    reset_period: Mapped[str | None] = mapped_column(String(10))
    reset_anchor: Mapped[str | None] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime | None]  # None: a lifetime grant
    is_visible: Mapped[bool] = mapped_column(Boolean)
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


__all__ = ["CustomerRow", "PromotionalEntitlementRow"]
