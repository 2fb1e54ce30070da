"""Webhook signing, retry schedule, endpoint validation and event routing."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.errors import InvalidArgument
from pactline.domain.events import DomainEvent
from pactline.domain.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    WebhookEndpoint,
    next_attempt_after,
    sign,
    validate_endpoint,
    verify,
)

SECRET = "whsec_test-secret"
BODY = b'{"type":"customer.created","data":{"id":"cus_1"}}'
NOW = 1_767_000_000
FAILED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
HEADER_PATTERN = re.compile(r"t=(-?\d+),v1=([0-9a-f]{64})")


def _independent_mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


# --- sign ---------------------------------------------------------------------------------


def test_sign_produces_exactly_t_and_v1_with_hmac_sha256_of_timestamp_dot_body() -> None:
    header = sign(SECRET, NOW, BODY)

    assert header == f"t={NOW},v1={_independent_mac(SECRET, NOW, BODY)}"
    assert HEADER_PATTERN.fullmatch(header) is not None


@given(secret=st.text(min_size=1), timestamp=st.integers(0, 2**40), body=st.binary())
def test_sign_matches_an_independent_hmac_for_any_input(
    secret: str, timestamp: int, body: bytes
) -> None:
    header = sign(secret, timestamp, body)

    match = HEADER_PATTERN.fullmatch(header)
    assert match is not None
    assert int(match.group(1)) == timestamp
    assert match.group(2) == _independent_mac(secret, timestamp, body)


# --- verify -------------------------------------------------------------------------------


def test_verify_accepts_a_valid_signature() -> None:
    assert verify(SECRET, sign(SECRET, NOW, BODY), BODY, now=NOW) is True


@given(secret=st.text(min_size=1), body=st.binary(), skew=st.integers(-300, 300))
def test_verify_accepts_any_valid_signature_within_tolerance(
    secret: str, body: bytes, skew: int
) -> None:
    assert verify(secret, sign(secret, NOW, body), body, now=NOW + skew) is True


def test_verify_rejects_a_tampered_body() -> None:
    header = sign(SECRET, NOW, BODY)

    assert verify(SECRET, header, BODY + b" ", now=NOW) is False
    assert verify(SECRET, header, BODY.replace(b"cus_1", b"cus_2"), now=NOW) is False


def test_verify_rejects_a_signature_made_with_another_secret() -> None:
    header = sign("whsec_other-secret", NOW, BODY)

    assert verify(SECRET, header, BODY, now=NOW) is False


def test_verify_rejects_a_timestamp_that_was_changed_after_signing() -> None:
    mac = _independent_mac(SECRET, NOW, BODY)

    assert verify(SECRET, f"t={NOW + 1},v1={mac}", BODY, now=NOW) is False


@pytest.mark.parametrize("skew", [301, -301, 3600, -86_400])
def test_verify_rejects_a_timestamp_outside_the_tolerance(skew: int) -> None:
    header = sign(SECRET, NOW + skew, BODY)

    assert verify(SECRET, header, BODY, now=NOW) is False


@pytest.mark.parametrize("skew", [300, -300])
def test_verify_accepts_a_timestamp_exactly_at_the_tolerance(skew: int) -> None:
    header = sign(SECRET, NOW + skew, BODY)

    assert verify(SECRET, header, BODY, now=NOW) is True


def test_verify_honours_a_custom_tolerance() -> None:
    header = sign(SECRET, NOW - 10, BODY)

    assert verify(SECRET, header, BODY, now=NOW, tolerance_seconds=10) is True
    assert verify(SECRET, header, BODY, now=NOW, tolerance_seconds=9) is False


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"v1={_independent_mac(SECRET, NOW, BODY)}",
        f"t={NOW}",
        f"t={NOW},v1=",
        f"t=abc,v1={_independent_mac(SECRET, NOW, BODY)}",
        f"t={NOW},v1={_independent_mac(SECRET, NOW, BODY).upper()}",
        f"t={NOW},v1={_independent_mac(SECRET, NOW, BODY)[:-1]}",
        f"t={NOW},v0={_independent_mac(SECRET, NOW, BODY)}",
        f"t={NOW},v1=\u00e9{_independent_mac(SECRET, NOW, BODY)[1:]}",
    ],
    ids=[
        "empty",
        "no-pairs",
        "missing-t",
        "missing-v1",
        "empty-v1",
        "non-integer-t",
        "upper-case-hex",
        "truncated-mac",
        "wrong-scheme",
        "non-ascii-v1",
    ],
)
def test_verify_rejects_a_malformed_header_by_returning_false(header: str) -> None:
    assert verify(SECRET, header, BODY, now=NOW) is False


# --- next_attempt_after -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts_made", "delay"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(minutes=2)),
        (3, timedelta(minutes=10)),
        (4, timedelta(hours=1)),
        (5, timedelta(hours=3)),
        (6, timedelta(hours=6)),
        (7, timedelta(hours=12)),
        (8, timedelta(hours=24)),
    ],
)
def test_next_attempt_after_waits_the_scheduled_delay(attempts_made: int, delay: timedelta) -> None:
    assert RETRY_DELAYS[attempts_made - 1] == delay
    assert next_attempt_after(attempts_made, FAILED_AT) == FAILED_AT + delay


def test_next_attempt_after_gives_up_once_max_attempts_were_made() -> None:
    assert MAX_ATTEMPTS == 9
    assert next_attempt_after(MAX_ATTEMPTS, FAILED_AT) is None
    assert next_attempt_after(MAX_ATTEMPTS + 1, FAILED_AT) is None


# --- validate_endpoint --------------------------------------------------------------------


def _fields(error: InvalidArgument) -> list[str]:
    return [problem["field"] for problem in error.details["errors"]]


@pytest.mark.parametrize(
    "event_types",
    [["*"], ["customer.created"], ["customer.created", "invoice.issued"], ("x" * 100,)],
)
@pytest.mark.parametrize("url", ["https://example.com/hooks", "http://localhost:9000/x"])
def test_validate_endpoint_accepts_a_valid_endpoint(url: str, event_types: list[str]) -> None:
    validate_endpoint(url, event_types)


@pytest.mark.parametrize(
    "url", ["", "example.com/hooks", "ftp://example.com/hooks", "//example.com", "file:///x"]
)
def test_validate_endpoint_refuses_a_non_http_url_naming_url(url: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint(url, ["*"])

    assert _fields(raised.value) == ["url"]


def test_validate_endpoint_refuses_a_url_longer_than_2000_characters_naming_url() -> None:
    prefix = "https://example.com/"
    validate_endpoint(prefix + "a" * (2000 - len(prefix)), ["*"])

    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint(prefix + "a" * (2001 - len(prefix)), ["*"])

    assert raised.value.details["errors"] == [
        {"field": "url", "message": "must be at most 2000 characters", "code": "invalid"}
    ]


def test_validate_endpoint_refuses_no_event_types_naming_event_types() -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint("https://example.com/hooks", [])

    assert _fields(raised.value) == ["eventTypes"]


@pytest.mark.parametrize("bad", ["", "x" * 101])
def test_validate_endpoint_refuses_a_bad_event_type_naming_its_index(bad: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint("https://example.com/hooks", ["customer.created", bad])

    assert raised.value.details["errors"] == [
        {"field": "eventTypes[1]", "message": "must be 1 to 100 characters", "code": "invalid"}
    ]


def test_validate_endpoint_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint("not-a-url", ["", "ok", "y" * 101])

    assert _fields(raised.value) == ["url", "eventTypes[0]", "eventTypes[2]"]


def test_validate_endpoint_reports_bad_url_and_missing_event_types_together() -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_endpoint("mailto:x@example.com", [])

    assert _fields(raised.value) == ["url", "eventTypes"]


# --- WebhookEndpoint.wants ----------------------------------------------------------------


def _endpoint(
    event_types: tuple[str, ...] = ("*",),
    *,
    enabled: bool = True,
    endpoint_id: str = "whe_1",
    environment_id: str = "env_prod",
) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=endpoint_id,
        environment_id=environment_id,
        url="https://example.com/hooks",
        description="",
        event_types=event_types,
        enabled=enabled,
        secret=SECRET,
        version=1,
        created_at=FAILED_AT,
        updated_at=FAILED_AT,
    )


def _event(event_type: str, environment_id: str = "env_prod", **data: str) -> DomainEvent:
    return DomainEvent(
        id="evt_1",
        environment_id=environment_id,
        type=event_type,
        occurred_at=FAILED_AT,
        data=data,
    )


@pytest.mark.parametrize("event_type", ["customer.created", "invoice.issued", "anything"])
def test_wildcard_endpoint_wants_every_event_of_its_environment(event_type: str) -> None:
    assert _endpoint(("*",)).wants(_event(event_type)) is True


def test_endpoint_wants_only_the_event_types_it_subscribes_to() -> None:
    endpoint = _endpoint(("customer.created", "invoice.issued"))

    assert endpoint.wants(_event("customer.created")) is True
    assert endpoint.wants(_event("invoice.issued")) is True
    assert endpoint.wants(_event("customer.deleted")) is False


@pytest.mark.parametrize("event_types", [("*",), ("customer.created",)])
def test_disabled_endpoint_wants_nothing(event_types: tuple[str, ...]) -> None:
    endpoint = _endpoint(event_types, enabled=False)

    assert endpoint.wants(_event("customer.created")) is False
    assert endpoint.wants(_event("ping", endpointId="whe_1")) is False


@pytest.mark.parametrize("event_types", [("*",), ("customer.created",)])
def test_endpoint_never_wants_events_from_another_environment(
    event_types: tuple[str, ...],
) -> None:
    endpoint = _endpoint(event_types)

    assert endpoint.wants(_event("customer.created", environment_id="env_sandbox")) is False
    assert endpoint.wants(_event("ping", environment_id="env_sandbox", endpointId="whe_1")) is False


@pytest.mark.parametrize("event_types", [("*",), ("customer.created",)])
def test_ping_goes_only_to_the_endpoint_it_names(event_types: tuple[str, ...]) -> None:
    named = _endpoint(event_types, endpoint_id="whe_1")
    other = _endpoint(event_types, endpoint_id="whe_2")
    ping = _event("ping", endpointId="whe_1")

    assert named.wants(ping) is True
    assert other.wants(ping) is False


def test_ping_without_an_endpoint_id_goes_nowhere() -> None:
    assert _endpoint(("*",)).wants(_event("ping")) is False
