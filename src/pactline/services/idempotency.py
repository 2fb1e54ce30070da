"""Idempotent POSTs: claim a key, run the request once, keep its response for retries."""

from __future__ import annotations

from dataclasses import dataclass

from pactline.domain.errors import (
    IdempotencyKeyReused,
    IdempotentRequestInProgress,
    InvalidArgument,
)
from pactline.domain.idempotency import (
    IN_PROGRESS_LEASE,
    RETENTION,
    IdempotencyRecord,
    IdempotencyStatus,
    StoredResponse,
)
from pactline.services.ports import Clock, UnitOfWorkFactory

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Claimed:
    """The caller owns the key now and must `complete` or `release` it."""


@dataclass(frozen=True)
class Replay:
    response: StoredResponse


class IdempotencyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def claim(self, environment_id: str, key: str, fingerprint: str) -> Claimed | Replay:
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidArgument.single(
                "Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters"
            )
        with self._uow() as uow:
            now = self._clock.now()
            fresh = IdempotencyRecord(
                environment_id=environment_id,
                key=key,
                fingerprint=fingerprint,
                status=IdempotencyStatus.IN_PROGRESS,
                created_at=now,
                expires_at=now + IN_PROGRESS_LEASE,
            )
            existing = uow.idempotency.get(environment_id, key)
            if existing is None:
                if uow.idempotency.insert(fresh):
                    uow.commit()
                    return Claimed()
                # Another request inserted it between our read and our write.
                raise IdempotentRequestInProgress(key)
            if not existing.is_live(now):
                # Expired: a finished record past retention, or a lease whose holder died.
                uow.idempotency.replace(fresh)
                uow.commit()
                return Claimed()
            if existing.fingerprint != fingerprint:
                raise IdempotencyKeyReused(key)
            if existing.status is IdempotencyStatus.IN_PROGRESS or existing.response is None:
                raise IdempotentRequestInProgress(key)
            return Replay(existing.response)

    def complete(self, environment_id: str, key: str, response: StoredResponse) -> None:
        with self._uow() as uow:
            uow.idempotency.complete(environment_id, key, response, self._clock.now() + RETENTION)
            uow.commit()

    def release(self, environment_id: str, key: str) -> None:
        """Forget a claim whose request failed on the server side, so a retry runs again."""
        with self._uow() as uow:
            uow.idempotency.delete(environment_id, key)
            uow.commit()

    def purge_expired(self) -> int:
        with self._uow() as uow:
            removed = uow.idempotency.delete_expired(self._clock.now())
            uow.commit()
            return removed
