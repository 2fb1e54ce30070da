"""Follows the entitlement change feed, so that this process forgets other processes' changes.

Every change that affects entitlements is written to the feed in its own transaction
(`EntitlementCache.note`). Each serving process reads the feed a few times a second and forgets
what others changed; it skips its own changes, which it forgot at commit.

Feed positions are taken before commit, so on PostgreSQL a change can become visible after one
with a higher position. The follower therefore reads back from the highest position it had seen
`lookback` ago and remembers which positions it applied since. A change whose transaction stays
open longer than `lookback` can be missed; the cache's TTL bounds how long that lasts. When this
process has not read the feed for longer than `lookback` (the database was unreachable, or the
process stalled) it cannot know what it missed, and clears its cache.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from pactline.services.entitlements import EntitlementCache
from pactline.services.ports import Clock, UnitOfWorkFactory

DEFAULT_LOOKBACK = timedelta(seconds=30)
DEFAULT_RETENTION = timedelta(hours=1)
_BATCH = 1000


@dataclass(frozen=True)
class FollowReport:
    applied: int  # changes by other processes forgotten by this one
    cleared: bool  # the whole cache was dropped (this process lost track of the feed)


class ChangeFollower:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        cache: EntitlementCache,
        lookback: timedelta = DEFAULT_LOOKBACK,
        retention: timedelta = DEFAULT_RETENTION,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache
        self._lookback = lookback
        self._retention = retention
        self._low: int | None = None  # every change at or below this position was applied
        self._applied: set[int] = set()  # positions above `_low` already applied
        self._marks: deque[tuple[datetime, int]] = deque()  # (poll time, highest position seen)
        self._last_poll: datetime | None = None

    def poll(self) -> FollowReport:
        """Read the feed once and forget what other processes changed since the last read."""
        now = self._clock.now()
        with self._uow() as uow:
            changes = uow.entitlement_changes
            if self._low is None:
                self._low = changes.last_seq()
                self._marks.append((now, self._low))
                self._last_poll = now
                return FollowReport(0, False)
            cleared = self._last_poll is None or now - self._last_poll > self._lookback
            if cleared:
                self._cache.clear()
            applied = 0
            cursor = self._low
            while True:
                fed = changes.after(cursor, _BATCH)
                for entry in fed:
                    if entry.seq in self._applied:
                        continue
                    self._applied.add(entry.seq)
                    if entry.origin != self._cache.origin:
                        self._cache.apply(entry.change)
                        applied += 1
                if len(fed) < _BATCH:
                    break
                cursor = fed[-1].seq
        self._advance(now)
        return FollowReport(applied, cleared)

    def _advance(self, now: datetime) -> None:
        assert self._low is not None
        self._last_poll = now
        self._marks.append((now, max(self._applied, default=self._low)))
        settled = now - self._lookback
        while len(self._marks) > 1 and self._marks[1][0] <= settled:
            self._marks.popleft()
        if self._marks[0][0] <= settled and self._marks[0][1] > self._low:
            self._low = self._marks[0][1]
            self._applied = {seq for seq in self._applied if seq > self._low}

    def purge(self) -> int:
        """Delete changes older than the retention period (every follower has read them)."""
        with self._uow() as uow:
            deleted = uow.entitlement_changes.purge(self._clock.now() - self._retention)
            uow.commit()
        return deleted
