"""Usage records: reported usage and raw events.

A series is one customer's usage of one feature. Every record (and every meter match) carries
the series' running state after it, so the usage of any window is read from two rows found
through the series index, and a writer appends after the series' last row.

These are the high-volume, append-only tables: they carry no foreign keys (a per-row check
would cost PostgreSQL about as much as the insert itself). The usage service only stores usage
of customers and features it has found in the environment, and neither is ever deleted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base
from pactline.adapters.db.types import AutoIncrementId, DecimalText

# Customer first: environment-wide lookups (idempotency keys) must never pick this index.
_SERIES = ("customer_id", "feature_id", "environment_id", "occurred_at", "seq")


class UsageRecordRow(Base):
    __tablename__ = "usage_records"
    __table_args__ = (
        Index("ix_usage_records_series", *_SERIES),
        # Dedup: one record per key and series while the key is held (released after 7 days).
        # The key leads so that key lookups use this index whatever the planner's statistics.
        UniqueConstraint(
            "idempotency_key",
            "environment_id",
            "customer_id",
            "feature_id",
            name="uq_usage_records_idempotency_key",
        ),
    )

    # seq orders records that share an instant, in the order they were counted.
    seq: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    environment_id: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(255))
    feature_id: Mapped[str] = mapped_column(String(255))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    update_behavior: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    resource_id: Mapped[str | None] = mapped_column(String(255))
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The series' running state after this record (see domain.metering.Running).
    delta_total: Mapped[Decimal] = mapped_column(DecimalText)
    set_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    set_at: Mapped[datetime | None]
    set_delta_total: Mapped[Decimal | None] = mapped_column(DecimalText)


class UsageEventRow(Base):
    __tablename__ = "usage_events"
    __table_args__ = (
        UniqueConstraint(
            "idempotency_key",
            "environment_id",
            "customer_id",
            name="uq_usage_events_idempotency_key",
        ),
    )

    seq: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    environment_id: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(255))
    event_name: Mapped[str] = mapped_column(String(255))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    resource_id: Mapped[str | None] = mapped_column(String(255))
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class UsageEventMatchRow(Base):
    """A raw event counted for one metered feature, with the series' running meter state."""

    __tablename__ = "usage_event_matches"
    __table_args__ = (Index("ix_usage_event_matches_series", *_SERIES),)

    seq: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40), index=True)
    environment_id: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(255))
    feature_id: Mapped[str] = mapped_column(String(255))
    occurred_at: Mapped[datetime]
    value: Mapped[Decimal | None] = mapped_column(DecimalText)  # COUNT/SUM/AVG/MAX/MIN
    unique_key: Mapped[str | None] = mapped_column(Text)  # UNIQUE
    match_count: Mapped[int] = mapped_column(BigInteger)
    match_total: Mapped[Decimal] = mapped_column(DecimalText)


__all__ = ["UsageEventMatchRow", "UsageEventRow", "UsageRecordRow"]
