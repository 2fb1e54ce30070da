"""Plan and add-on records: versions, entitlements, charges."""

from __future__ import annotations

from pactline.adapters.db.schema.base import Base

__all__ = ["Base"]
