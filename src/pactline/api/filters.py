"""Stigg's list filters: comma-separated values and `createdAt[gt|gte|lt|lte]` ranges."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Annotated, TypeVar

from fastapi import Query

from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import CreatedRange

E = TypeVar("E", bound=enum.Enum)


def parse_instant(field: str, text: str) -> datetime:
    """ISO 8601 with `Z`, an offset, no offset (taken as UTC) or a date alone (its midnight UTC)."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        # A "+" in a query string may arrive decoded as a space ("...T10:00:00 02:00").
        repaired = text.replace(" ", "+") if "T" in text else text
        parsed = datetime.fromisoformat(repaired.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidArgument.single(field, "must be an ISO 8601 date or date-time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def comma_list(field: str, text: str | None, kind: type[E]) -> frozenset[E]:
    if not text:
        return frozenset()
    values = {item.strip() for item in text.split(",") if item.strip()}
    try:
        return frozenset(kind(value) for value in values)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidArgument.single(field, f"values must be among: {allowed}") from None


def comma_ids(text: str | None) -> frozenset[str]:
    return frozenset(i.strip() for i in (text or "").split(",") if i.strip())


def created_range(
    gt: Annotated[str | None, Query(alias="createdAt[gt]")] = None,
    gte: Annotated[str | None, Query(alias="createdAt[gte]")] = None,
    lt: Annotated[str | None, Query(alias="createdAt[lt]")] = None,
    lte: Annotated[str | None, Query(alias="createdAt[lte]")] = None,
) -> CreatedRange:
    return CreatedRange(
        gt=None if gt is None else parse_instant("createdAt[gt]", gt),
        gte=None if gte is None else parse_instant("createdAt[gte]", gte),
        lt=None if lt is None else parse_instant("createdAt[lt]", lt),
        lte=None if lte is None else parse_instant("createdAt[lte]", lte),
    )
