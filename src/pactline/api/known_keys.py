"""API keys that authenticated recently, so that entitlement reads skip the key lookup.

Entitlement checks are the hot path, and a key lookup is a database read: a key's principal is
kept for `api_key_cache_seconds` (so a revoked key is refused within that time). When it
expires, the requests that arrive together wait for one lookup instead of each making its own
(see `single_flight`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool

from pactline.api.single_flight import SingleFlight
from pactline.bootstrap import Container
from pactline.domain.tenancy import Principal, hash_secret

_MAX_KEYS = 1000


class KnownKeys:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._known: dict[str, tuple[Principal, datetime]] = {}
        self._lookups = SingleFlight()

    async def principal(self, secret: str | None) -> Principal:
        """The key's principal; raises `Unauthenticated` for a missing, unknown or revoked key."""
        if not secret:
            return self._container.tenancy.authenticate(secret)  # refuses without a read
        key_hash = hash_secret(secret)
        return await self._lookups.run(
            key_hash, lambda: self._cached(key_hash), lambda: self._look_up(secret, key_hash)
        )

    def _cached(self, key_hash: str) -> Principal | None:
        found = self._known.get(key_hash)
        if found is None or self._container.clock.now() >= found[1]:
            return None
        return found[0]

    async def _look_up(self, secret: str, key_hash: str) -> Principal:
        principal = await run_in_threadpool(self._container.tenancy.authenticate, secret)
        if len(self._known) >= _MAX_KEYS:
            self._known.clear()
        ttl = timedelta(seconds=self._container.settings.api_key_cache_seconds)
        self._known[key_hash] = (principal, self._container.clock.now() + ttl)
        return principal
