"""The series' last rows, kept in memory between ingestion batches.

Storing a batch of usage appends after each series' last row, so it needs that row's running
state. Reading a thousand random series' last rows is a fifth of a batch's time; this process
wrote most of them itself in an earlier batch, and remembers them here.

What is remembered is only trusted while nobody else wrote the environment's usage. Every unit
of work that stores usage first bumps the environment's usage head (`UsageRepository.claim`),
which also queues writers one after the other; a process that claims version v knows its
memory is current if the last version it wrote is v − 1. Otherwise another process (or a
unit of work of this one that has not told us yet) wrote in between, and the environment's
memory is dropped: the repository reads what is missing from the database.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pactline.domain.metering import MeterRunning, Running, Tail

SeriesKey = tuple[str, str]  # (customer_id, feature_id)
# A tail kept as a tuple of its values: a process holds hundreds of thousands of them, and
# tuples of numbers and instants are not tracked by the garbage collector (objects would be,
# and every full collection would walk them all).
_Packed = tuple[Any, ...]


class _Kept:
    def __init__(self) -> None:
        self.tails: dict[SeriesKey, _Packed] = {}

    def put(self, tails: Mapping[SeriesKey, _Packed], cap: int) -> None:
        if cap == 0:
            return
        for key, tail in tails.items():
            self.tails.pop(key, None)  # to the end: the most recently written go last
            self.tails[key] = tail
        if len(self.tails) > cap:  # forget the older half, in one pass now and then
            kept = list(self.tails.items())[len(self.tails) - cap // 2 :]
            self.tails = dict(kept)

    def get(self, keys: Collection[SeriesKey]) -> dict[SeriesKey, _Packed]:
        found = {}
        for key in keys:
            tail = self.tails.get(key)
            if tail is not None:
                found[key] = tail
        return found


@dataclass
class _Environment:
    version: int
    records: _Kept = field(default_factory=_Kept)
    matches: _Kept = field(default_factory=_Kept)


class SeriesTails:
    """Thread-safe. `cap` bounds the series remembered per environment and kind of row
    (reported records, meter matches); 0 remembers nothing."""

    def __init__(self, cap: int = 200_000) -> None:
        self._cap = cap
        self._lock = threading.Lock()
        self._environments: dict[str, _Environment] = {}

    def records(
        self, environment_id: str, claimed: int, keys: Collection[SeriesKey]
    ) -> dict[SeriesKey, Tail[Running]]:
        """The remembered last records of these series, for a unit of work that claimed
        version `claimed` of the environment's usage head."""
        with self._lock:
            kept = self._current(environment_id, claimed)
            packed = {} if kept is None else kept.records.get(keys)
        return {key: Tail(p[0], Running(*p[1:])) for key, p in packed.items()}

    def matches(
        self, environment_id: str, claimed: int, keys: Collection[SeriesKey]
    ) -> dict[SeriesKey, Tail[MeterRunning]]:
        """The same for meter matches of raw events."""
        with self._lock:
            kept = self._current(environment_id, claimed)
            packed = {} if kept is None else kept.matches.get(keys)
        return {key: Tail(p[0], MeterRunning(p[1], p[2])) for key, p in packed.items()}

    def remember(
        self,
        environment_id: str,
        version: int,
        records: Mapping[SeriesKey, Tail[Running]] | None = None,
        matches: Mapping[SeriesKey, Tail[MeterRunning]] | None = None,
    ) -> None:
        """Called once the unit of work that claimed `version` has committed, with the last
        rows of the series it wrote (every other series is as it was at `version` − 1)."""
        packed_records = {
            key: (
                t.at,
                t.state.delta_total,
                t.state.set_value,
                t.state.set_at,
                t.state.set_delta_total,
            )
            for key, t in (records or {}).items()
        }
        packed_matches = {
            key: (t.at, t.state.count, t.state.total) for key, t in (matches or {}).items()
        }
        with self._lock:
            kept = self._current(environment_id, version)
            if kept is None:  # what we had is older than the version before ours
                kept = _Environment(version)
                self._environments[environment_id] = kept
            kept.version = version
            kept.records.put(packed_records, self._cap)
            kept.matches.put(packed_matches, self._cap)

    def _current(self, environment_id: str, claimed: int) -> _Environment | None:
        kept = self._environments.get(environment_id)
        if kept is not None and kept.version != claimed - 1:
            del self._environments[environment_id]
            return None
        return kept
