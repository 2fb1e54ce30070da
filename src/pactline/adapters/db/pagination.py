"""Keyset pagination over (created_at, id): stable under inserts, no OFFSET scans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from pactline.domain.pagination import Page, PageRequest

Row = TypeVar("Row")
T = TypeVar("T")


def keyset_page(
    session: Session,
    statement: Select[Any],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
    page: PageRequest,
    to_domain: Callable[[Row], T],
) -> Page[T]:
    sort_key = tuple_(created_at, row_id)
    backwards = page.before is not None
    if page.after is not None:
        statement = statement.where(sort_key > _position(page.after, created_at, row_id))
    if page.before is not None:
        statement = statement.where(sort_key < _position(page.before, created_at, row_id))
    order = (created_at.desc(), row_id.desc()) if backwards else (created_at.asc(), row_id.asc())
    rows: list[Any] = list(session.scalars(statement.order_by(*order).limit(page.limit + 1)))
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if backwards:
        rows.reverse()
    keys = [(row.created_at.isoformat(), row.id) for row in rows]
    if backwards:
        prev = keys[0] if more and keys else None
        nxt = keys[-1] if keys else None
    else:
        nxt = keys[-1] if more and keys else None
        prev = keys[0] if page.after is not None and keys else None
    return Page(items=[to_domain(row) for row in rows], next=nxt, prev=prev)


def _position(
    cursor: Sequence[str],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
) -> Any:
    created, identifier = cursor
    # Bind through the columns' own types so UtcDateTime normalises the instant.
    return tuple_(
        bindparam(None, datetime.fromisoformat(created), type_=created_at.type),
        bindparam(None, identifier, type_=row_id.type),
    )
