"""Customer records: customers and promotional entitlements."""

from __future__ import annotations

from pactline.adapters.db.schema.base import Base

__all__ = ["Base"]
