"""Usage records: reported usage and raw events."""

from __future__ import annotations

from pactline.adapters.db.schema.base import Base

__all__ = ["Base"]
