"""Keyset pagination: a page of items plus opaque positions to continue from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class PageRequest:
    """`after`/`before` are the sort keys of the item to continue from (at most one is set)."""

    limit: int = DEFAULT_LIMIT
    after: tuple[str, ...] | None = None
    before: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next: tuple[str, ...] | None
    prev: tuple[str, ...] | None


@dataclass(frozen=True)
class CreatedRange:
    """`createdAt[gt|gte|lt|lte]` list filters; unset bounds are open."""

    gt: datetime | None = None
    gte: datetime | None = None
    lt: datetime | None = None
    lte: datetime | None = None
