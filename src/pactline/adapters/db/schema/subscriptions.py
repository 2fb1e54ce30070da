"""Subscription records: subscriptions, their add-ons, values and prices."""

from __future__ import annotations

from pactline.adapters.db.schema.base import Base

__all__ = ["Base"]
