"""Idempotent POSTs: the first response to a key is kept and given again to retries."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

RETENTION = timedelta(hours=24)
# A request that claimed a key but never finished (the process died) frees it after this.
IN_PROGRESS_LEASE = timedelta(minutes=5)


class IdempotencyStatus(enum.StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...]  # those worth replaying: content type, ETag, Location


@dataclass(frozen=True)
class IdempotencyRecord:
    environment_id: str
    key: str
    fingerprint: str
    status: IdempotencyStatus
    created_at: datetime
    expires_at: datetime
    response: StoredResponse | None = None

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Same method, path and body bytes → same request.

    Each part is length-prefixed so no choice of bytes can move a boundary between parts.
    """
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode("utf-8", "surrogateescape"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
