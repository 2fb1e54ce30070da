"""Webhook endpoints, how deliveries are signed, and when a failed one is retried."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.events import DomainEvent

SIGNATURE_HEADER = "Pactline-Signature"
EVENT_ID_HEADER = "Pactline-Event-Id"
EVENT_TYPE_HEADER = "Pactline-Event-Type"
ALL_EVENTS = "*"
PING_EVENT = "ping"

# Delays before attempt 2, 3, ... ; after the last one the delivery is given up as FAILED.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class DeliveryStatus(enum.StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    environment_id: str
    url: str
    description: str
    event_types: tuple[str, ...]
    enabled: bool
    secret: str
    version: int
    created_at: datetime
    updated_at: datetime

    def wants(self, event: DomainEvent) -> bool:
        if not self.enabled or event.environment_id != self.environment_id:
            return False
        if event.occurred_at < self.created_at:  # subscribing is not a request for history
            return False
        if event.type == PING_EVENT:  # a ping tests one endpoint, whatever it subscribes to
            return event.data.get("endpointId") == self.id
        return ALL_EVENTS in self.event_types or event.type in self.event_types


@dataclass(frozen=True)
class WebhookDelivery:
    id: str
    environment_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class AttemptOutcome:
    """What one HTTP attempt got back: a status code, or an error if nothing answered."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def new_signing_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Header value `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>`.

    The timestamp is signed too, so a receiver can refuse old replays.
    """
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_seconds: int = 300) -> bool:
    """Receiver-side check, offered for receivers written in Python and used by the tests."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1].encode()
    # Compare bytes: compare_digest refuses non-ASCII str, and a header is attacker input.
    return hmac.compare_digest(expected, parts.get("v1", "").encode("utf-8", "replace"))


def next_attempt_after(attempts_made: int, failed_at: datetime) -> datetime | None:
    """When to try again after `attempts_made` failures; None means give up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return failed_at + RETRY_DELAYS[attempts_made - 1]


def validate_endpoint(url: str, event_types: Sequence[str]) -> None:
    problems = []
    if not (url.startswith("http://") or url.startswith("https://")):
        problems.append(FieldProblem("url", "must be an absolute http:// or https:// URL"))
    elif len(url) > 2000:
        problems.append(FieldProblem("url", "must be at most 2000 characters"))
    if not event_types:
        problems.append(
            FieldProblem("eventTypes", f"must name at least one event type or '{ALL_EVENTS}'")
        )
    for index, event_type in enumerate(event_types):
        if not event_type or len(event_type) > 100:
            problems.append(FieldProblem(f"eventTypes[{index}]", "must be 1 to 100 characters"))
    if problems:
        raise InvalidArgument(problems)
