"""Idempotency: request fingerprints and record liveness."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pactline.domain.idempotency import (
    RETENTION,
    IdempotencyRecord,
    IdempotencyStatus,
    fingerprint,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])
PATHS = st.text(min_size=1)


def test_fingerprint_is_equal_for_the_same_method_path_and_body() -> None:
    first = fingerprint("POST", "/v1/webhooks/endpoints", b'{"url":"https://x"}')
    second = fingerprint("POST", "/v1/webhooks/endpoints", b'{"url":"https://x"}')

    assert first == second
    framed = b"".join(
        len(part).to_bytes(8, "big") + part
        for part in (b"POST", b"/v1/webhooks/endpoints", b'{"url":"https://x"}')
    )
    assert first == hashlib.sha256(framed).hexdigest()


def test_fingerprint_ignores_the_case_of_the_method() -> None:
    assert fingerprint("post", "/v1/x", b"{}") == fingerprint("POST", "/v1/x", b"{}")


@pytest.mark.parametrize(
    ("other_method", "other_path", "other_body"),
    [
        ("PUT", "/v1/webhooks/endpoints", b"{}"),
        ("POST", "/v1/webhooks/endpoints/whe_1", b"{}"),
        ("POST", "/v1/webhooks/endpoints", b'{"a":1}'),
        ("POST", "/v1/webhooks/endpoints", b"{} "),
    ],
    ids=["method", "path", "body", "trailing-space-in-body"],
)
def test_fingerprint_differs_when_method_path_or_body_differ(
    other_method: str, other_path: str, other_body: bytes
) -> None:
    assert fingerprint("POST", "/v1/webhooks/endpoints", b"{}") != fingerprint(
        other_method, other_path, other_body
    )


@given(
    first=st.tuples(METHODS, PATHS, st.binary()),
    second=st.tuples(METHODS, PATHS, st.binary()),
)
@example(first=("POST", "/v1/x\0", b"{}"), second=("POST", "/v1/x", b"\0{}"))
def test_fingerprint_is_equal_exactly_when_the_requests_are_equal(
    first: tuple[str, str, bytes], second: tuple[str, str, bytes]
) -> None:
    assert (fingerprint(*first) == fingerprint(*second)) is (first == second)


def _record(expires_at: datetime) -> IdempotencyRecord:
    return IdempotencyRecord(
        environment_id="env_1",
        key="key-1",
        fingerprint=fingerprint("POST", "/v1/x", b"{}"),
        status=IdempotencyStatus.COMPLETED,
        created_at=expires_at - RETENTION,
        expires_at=expires_at,
    )


def test_idempotency_record_is_live_before_it_expires() -> None:
    record = _record(NOW + timedelta(seconds=1))

    assert record.is_live(NOW) is True
    assert record.is_live(NOW + timedelta(microseconds=999_999)) is True


def test_idempotency_record_is_not_live_at_or_after_expiry() -> None:
    record = _record(NOW)

    assert record.is_live(NOW) is False
    assert record.is_live(NOW + timedelta(hours=1)) is False
