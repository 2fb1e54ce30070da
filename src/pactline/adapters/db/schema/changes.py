"""The entitlement change feed: what other processes must forget.

Rows are written in the transaction of the change they describe and read by every process's
change follower; they are purged after a retention period. `seq` orders them, but on
PostgreSQL a row can commit after one with a higher `seq`, so followers read back over a window
(services/entitlement_changes.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base
from pactline.adapters.db.types import AutoIncrementId


class EntitlementChangeRow(Base):
    __tablename__ = "entitlement_changes"
    __table_args__ = (Index("ix_entitlement_changes_created_at", "created_at"),)

    seq: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    environment_id: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[str | None] = mapped_column(String(255))
    # USAGE: [[customer id, feature id], ...]
    series: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    origin: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


__all__ = ["EntitlementChangeRow"]
