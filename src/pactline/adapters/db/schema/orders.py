"""Orders: one row each, its lines and its value snapshot as JSON documents read and written
whole (decimals as strings); the fields lists filter on are columns of their own.

`contract_id` has no foreign key on purpose: an order may name the contract it is waiting for
before that contract exists (its checklist says so).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"], ["customers.environment_id", "customers.id"]
        ),
        Index("ix_orders_customer", "environment_id", "customer_id"),
        Index("ix_orders_contract", "environment_id", "contract_id", "status"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    contract_id: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    source_kind: Mapped[str] = mapped_column(String(10))
    source_reference: Mapped[str] = mapped_column(String(2000))
    signed_on: Mapped[date] = mapped_column(Date)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    value: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the snapshot at fulfilment
    version: Mapped[int] = mapped_column(Integer)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    fulfilled_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


__all__ = ["OrderRow"]
