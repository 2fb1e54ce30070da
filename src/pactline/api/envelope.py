"""The `{"data": ...}` envelope, list pagination, and the camelCase base model."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import MAX_LIMIT, Page, PageRequest

T = TypeVar("T")


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class OutModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Envelope(OutModel, Generic[T]):
    data: T


class Pagination(OutModel):
    next: str | None
    prev: str | None


class ListEnvelope(OutModel, Generic[T]):
    data: list[T]
    pagination: Pagination


def encode_cursor(position: tuple[str, ...] | None) -> str | None:
    if position is None:
        return None
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(field: str, cursor: str) -> tuple[str, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidArgument.single(field, "is not a cursor returned by this API")
    return tuple(values)


def page_request(after: str | None, before: str | None, limit: int) -> PageRequest:
    if after and before:
        raise InvalidArgument.single("before", "cannot be combined with 'after'")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument.single("limit", f"must be between 1 and {MAX_LIMIT}")
    return PageRequest(
        limit=limit,
        after=decode_cursor("after", after) if after else None,
        before=decode_cursor("before", before) if before else None,
    )


def page_out(page: Page[T]) -> Pagination:
    return Pagination(next=encode_cursor(page.next), prev=encode_cursor(page.prev))
