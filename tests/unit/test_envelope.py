"""Cursors and page requests."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.api.envelope import decode_cursor, encode_cursor, page_request
from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import PageRequest


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _only_field(error: InvalidArgument) -> str:
    (problem,) = error.details["errors"]
    field: str = problem["field"]
    return field


@given(st.lists(st.text()).map(tuple))
def test_cursor_round_trips_any_tuple_of_text(position: tuple[str, ...]) -> None:
    cursor = encode_cursor(position)

    assert cursor is not None
    assert decode_cursor("after", cursor) == position


@given(st.lists(st.text()).map(tuple))
def test_encoded_cursor_is_unpadded_url_safe_text(position: tuple[str, ...]) -> None:
    cursor = encode_cursor(position)

    assert cursor is not None
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_encode_cursor_of_a_known_position() -> None:
    assert encode_cursor(("2026-01-15", "whe_1")) == _b64(b'["2026-01-15","whe_1"]')


def test_encode_cursor_of_none_is_none() -> None:
    assert encode_cursor(None) is None


GARBAGE_CURSORS = [
    "!!!!",
    "a",
    "abcde",
    "not a cursor",
    _b64(b"not json"),
    _b64(b'{"a":"b"}'),
    _b64(b'"just a string"'),
    _b64(b"[1,2]"),
    _b64(b'["ok",null]'),
    _b64(b"\xff\xfe\xfd"),
    _b64(b"[" * 2000 + b"]" * 2000),
]
GARBAGE_IDS = [
    "punctuation",
    "one-char",
    "bad-length",
    "spaces",
    "not-json",
    "object",
    "string",
    "numbers",
    "null-member",
    "not-utf8",
    "deeply-nested",
]


@pytest.mark.parametrize("field", ["after", "before"])
@pytest.mark.parametrize("cursor", GARBAGE_CURSORS, ids=GARBAGE_IDS)
def test_decode_cursor_refuses_garbage_naming_the_field(field: str, cursor: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        decode_cursor(field, cursor)

    assert raised.value.details["errors"] == [
        {"field": field, "message": "is not a cursor returned by this API", "code": "invalid"}
    ]


@given(st.text())
def test_decode_cursor_of_any_text_decodes_or_refuses_naming_the_field(cursor: str) -> None:
    refused: InvalidArgument | None = None
    try:
        decoded = decode_cursor("after", cursor)
    except InvalidArgument as error:
        refused = error

    if refused is None:
        assert encode_cursor(decoded) is not None
        assert decode_cursor("after", encode_cursor(decoded) or "") == decoded
    else:
        assert _only_field(refused) == "after"


@pytest.mark.parametrize("limit", [1, 20, 100])
def test_page_request_accepts_limits_from_1_to_100(limit: int) -> None:
    assert page_request(None, None, limit) == PageRequest(limit=limit)


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_page_request_refuses_a_limit_outside_1_to_100_naming_limit(limit: int) -> None:
    with pytest.raises(InvalidArgument) as raised:
        page_request(None, None, limit)

    assert raised.value.details["errors"] == [
        {"field": "limit", "message": "must be between 1 and 100", "code": "invalid"}
    ]


def test_page_request_decodes_after() -> None:
    cursor = encode_cursor(("2026-01-15", "whe_1"))

    assert page_request(cursor, None, 20) == PageRequest(limit=20, after=("2026-01-15", "whe_1"))


def test_page_request_decodes_before() -> None:
    cursor = encode_cursor(("whe_9",))

    assert page_request(None, cursor, 5) == PageRequest(limit=5, before=("whe_9",))


def test_page_request_refuses_after_and_before_together() -> None:
    after = encode_cursor(("a",))
    before = encode_cursor(("b",))

    with pytest.raises(InvalidArgument) as raised:
        page_request(after, before, 20)

    assert raised.value.details["errors"] == [
        {"field": "before", "message": "cannot be combined with 'after'", "code": "invalid"}
    ]


@pytest.mark.parametrize(
    ("after", "before", "field"), [("@@@@", None, "after"), (None, "@@@@", "before")]
)
def test_page_request_names_the_garbage_cursor(
    after: str | None, before: str | None, field: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        page_request(after, before, 20)

    assert _only_field(raised.value) == field
