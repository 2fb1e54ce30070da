"""Usage storage: bulk appends that keep each series' running state, and windowed reads.

A writer first locks the series it appends to (PostgreSQL advisory locks, taken in key order;
SQLite serialises writers at BEGIN IMMEDIATE), reads each series' last row, computes the
running state of the new rows in Python (exact decimals) and inserts them in one statement.
A row dated before the series' last one makes the rows after it stale; they are recomputed
from the state before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Table,
    any_,
    bindparam,
    func,
    select,
    text,
    update,
)

from pactline.adapters.db.bulk import insert_rows, is_postgres
from pactline.adapters.db.repositories.usage_reads import (
    METER_RUNNING,
    RUNNING,
    UsageReads,
    in_series,
)
from pactline.adapters.db.repositories.usage_rows import (
    EVENT_COLUMNS,
    MATCH_COLUMNS,
    RECORD_COLUMNS,
    SeriesKey,
    event_of,
    event_row,
    match_row,
    meter_running_of,
    record_of,
    record_row,
    running_of,
    running_values,
    series_states,
)
from pactline.adapters.db.schema import UsageEventMatchRow, UsageEventRow, UsageRecordRow
from pactline.domain.metering import (
    DimensionValue,
    MeterMatch,
    MeterRunning,
    RawEvent,
    Running,
    Sample,
    UpdateBehavior,
    UsageRecord,
)

_RECORDS: Table = UsageRecordRow.__table__  # type: ignore[assignment]
_EVENTS: Table = UsageEventRow.__table__  # type: ignore[assignment]
_MATCHES: Table = UsageEventMatchRow.__table__  # type: ignore[assignment]
# Advisory lock namespaces (the first key of PostgreSQL's two-key form).
_SERIES_LOCKS = 0x75736731
_EVENT_KEY_LOCKS = 0x75736732
_ZERO = Decimal(0)


class SqlUsageRepository(UsageReads):
    # --- locks ------------------------------------------------------------------------------

    def lock_series(self, environment_id: str, keys: Collection[SeriesKey]) -> None:
        self._advisory_locks(_SERIES_LOCKS, [(environment_id, *key) for key in keys])

    def lock_event_keys(self, environment_id: str, keys: Collection[tuple[str, str]]) -> None:
        self._advisory_locks(_EVENT_KEY_LOCKS, [(environment_id, *key) for key in keys])

    def _advisory_locks(self, namespace: int, names: Sequence[tuple[str, ...]]) -> None:
        """Transaction-scoped locks, taken in one statement in a fixed order (no deadlock
        between writers); two names sharing a hash only wait for each other."""
        if not names or not is_postgres(self._session):
            return
        hashes = sorted({_hash32("\x1f".join(name)) for name in names})
        self._session.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(:namespace, k)) "
                "FROM unnest(CAST(string_to_array(:hashes, ',') AS integer[])) AS k"
            ),
            {"namespace": namespace, "hashes": ",".join(map(str, hashes))},
        )

    # --- reported usage ---------------------------------------------------------------------

    def records_with_keys(
        self, environment_id: str, keys: Collection[str]
    ) -> Sequence[UsageRecord]:
        if not keys:
            return []
        rows = self._session.execute(
            select(_RECORDS).where(
                _RECORDS.c.environment_id == environment_id,
                self._key_in(_RECORDS.c.idempotency_key, keys),
            )
        )
        return [record_of(row) for row in rows]

    def release_keys(self, environment_id: str, record_ids: Sequence[str]) -> None:
        if record_ids:
            self._session.execute(
                update(_RECORDS)
                .where(_RECORDS.c.environment_id == environment_id, _RECORDS.c.id.in_(record_ids))
                .values(idempotency_key=None)
            )

    def append(self, records: Sequence[UsageRecord]) -> Mapping[SeriesKey, Running]:
        if not records:
            return {}
        environment_id = records[0].environment_id
        groups: dict[SeriesKey, list[UsageRecord]] = {}
        for record in records:
            groups.setdefault((record.customer_id, record.feature_id), []).append(record)
        tails = series_states(
            self._session, _RECORDS, RUNNING, environment_id, dict.fromkeys(groups)
        )
        rows: list[tuple[Any, ...]] = []
        after: dict[SeriesKey, Running] = {}
        late: dict[SeriesKey, datetime] = {}
        for key, items in groups.items():
            items.sort(key=lambda r: r.occurred_at)  # stable: ties keep the request's order
            tail = tails.get(key)
            running = Running()
            if tail is not None:
                running = running_of(tail)
                if items[0].occurred_at < tail["occurred_at"]:
                    late[key] = items[0].occurred_at
            for record in items:
                running = running.after(record.behavior, record.value, record.occurred_at)
                rows.append(record_row(record, running))
            after[key] = running
        insert_rows(self._session, _RECORDS, RECORD_COLUMNS, rows)
        for key, since in late.items():
            after[key] = self._recompute_records(environment_id, key, since)
        return after

    def _recompute_records(self, environment_id: str, key: SeriesKey, since: datetime) -> Running:
        where = in_series(_RECORDS, environment_id, key)
        before = self._session.execute(
            select(*(_RECORDS.c[name] for name in RUNNING))
            .where(*where, _RECORDS.c.occurred_at < since)
            .order_by(_RECORDS.c.occurred_at.desc(), _RECORDS.c.seq.desc())
            .limit(1)
        ).first()
        running = Running() if before is None else Running(*before)
        changed = []
        rows = self._session.execute(
            select(
                _RECORDS.c.seq,
                _RECORDS.c.value,
                _RECORDS.c.update_behavior,
                _RECORDS.c.occurred_at,
            )
            .where(*where, _RECORDS.c.occurred_at >= since)
            .order_by(_RECORDS.c.occurred_at, _RECORDS.c.seq)
        )
        for seq, value, behavior, occurred_at in rows:
            running = running.after(UpdateBehavior(behavior), value, occurred_at)
            changed.append({"b_seq": seq, **running_values(running)})
        self._session.execute(update(_RECORDS).where(_RECORDS.c.seq == bindparam("b_seq")), changed)
        return running

    # --- raw events -------------------------------------------------------------------------

    def events_with_keys(self, environment_id: str, keys: Collection[str]) -> Sequence[RawEvent]:
        if not keys:
            return []
        rows = self._session.execute(
            select(_EVENTS).where(
                _EVENTS.c.environment_id == environment_id,
                self._key_in(_EVENTS.c.idempotency_key, keys),
            )
        )
        return [event_of(row) for row in rows]

    def release_event_keys(self, environment_id: str, event_ids: Sequence[str]) -> None:
        if event_ids:
            self._session.execute(
                update(_EVENTS)
                .where(_EVENTS.c.environment_id == environment_id, _EVENTS.c.id.in_(event_ids))
                .values(idempotency_key=None)
            )

    def append_events(self, events: Sequence[RawEvent], matches: Sequence[MeterMatch]) -> None:
        """Store the events and their matches (the matched series are locked by the caller)."""
        if not events:
            return
        environment_id = events[0].environment_id
        insert_rows(self._session, _EVENTS, EVENT_COLUMNS, [event_row(event) for event in events])
        groups: dict[SeriesKey, list[MeterMatch]] = {}
        for match in matches:
            groups.setdefault((match.customer_id, match.feature_id), []).append(match)
        tails = series_states(
            self._session, _MATCHES, METER_RUNNING, environment_id, dict.fromkeys(groups)
        )
        rows: list[tuple[Any, ...]] = []
        late: dict[SeriesKey, datetime] = {}
        for key, items in groups.items():
            items.sort(key=lambda m: m.occurred_at)
            tail = tails.get(key)
            running = MeterRunning()
            if tail is not None:
                running = meter_running_of(tail)
                if items[0].occurred_at < tail["occurred_at"]:
                    late[key] = items[0].occurred_at
            for match in items:
                running = running.after(match.sample)
                rows.append(match_row(match, running))
        insert_rows(self._session, _MATCHES, MATCH_COLUMNS, rows)
        for key, since in late.items():
            self._recompute_matches(environment_id, key, since)

    def _recompute_matches(self, environment_id: str, key: SeriesKey, since: datetime) -> None:
        where = in_series(_MATCHES, environment_id, key)
        before = self._session.execute(
            select(_MATCHES.c.match_count, _MATCHES.c.match_total)
            .where(*where, _MATCHES.c.occurred_at < since)
            .order_by(_MATCHES.c.occurred_at.desc(), _MATCHES.c.seq.desc())
            .limit(1)
        ).first()
        running = MeterRunning() if before is None else MeterRunning(before[0], before[1])
        changed = []
        rows = self._session.execute(
            select(_MATCHES.c.seq, _MATCHES.c.value, _MATCHES.c.unique_key)
            .where(*where, _MATCHES.c.occurred_at >= since)
            .order_by(_MATCHES.c.occurred_at, _MATCHES.c.seq)
        )
        for seq, value, unique_key in rows:
            running = running.after(Sample(value, unique_key))
            changed.append(
                {"b_seq": seq, "match_count": running.count, "match_total": running.total}
            )
        self._session.execute(update(_MATCHES).where(_MATCHES.c.seq == bindparam("b_seq")), changed)

    # --- reads ------------------------------------------------------------------------------

    def records_between(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        start: datetime | None,
        end: datetime,
        resource_id: str | None = None,
    ) -> Sequence[UsageRecord]:
        statement = select(_RECORDS).where(
            *in_series(_RECORDS, environment_id, (customer_id, feature_id)),
            _RECORDS.c.occurred_at < end,
        )
        if start is not None:
            statement = statement.where(_RECORDS.c.occurred_at >= start)
        if resource_id is not None:
            statement = statement.where(_RECORDS.c.resource_id == resource_id)
        rows = self._session.execute(statement.order_by(_RECORDS.c.occurred_at, _RECORDS.c.seq))
        return [record_of(row) for row in rows]

    def matches_between(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        start: datetime | None,
        end: datetime,
        resource_id: str | None = None,
    ) -> Sequence[tuple[MeterMatch, Mapping[str, DimensionValue]]]:
        statement = (
            select(_MATCHES, _EVENTS.c.dimensions)
            .join(_EVENTS, _EVENTS.c.id == _MATCHES.c.event_id)
            .where(
                *in_series(_MATCHES, environment_id, (customer_id, feature_id)),
                _MATCHES.c.occurred_at < end,
            )
        )
        if start is not None:
            statement = statement.where(_MATCHES.c.occurred_at >= start)
        if resource_id is not None:
            statement = statement.where(_EVENTS.c.resource_id == resource_id)
        rows = self._session.execute(statement.order_by(_MATCHES.c.occurred_at, _MATCHES.c.seq))
        return [
            (
                MeterMatch(
                    event_id=row.event_id,
                    environment_id=row.environment_id,
                    customer_id=row.customer_id,
                    feature_id=row.feature_id,
                    occurred_at=row.occurred_at,
                    sample=Sample(row.value, row.unique_key),
                ),
                dict(row.dimensions or {}),
            )
            for row in rows
        ]

    # --- helpers ----------------------------------------------------------------------------

    def _key_in(self, column: Any, keys: Collection[str]) -> ColumnElement[bool]:
        if is_postgres(self._session):
            # = ANY(array), which uses the index, of an array built from one JSON text (psycopg
            # would dump a list parameter element by element in Python).
            listed = func.array(
                select(
                    func.json_array_elements_text(bindparam("keys", sorted(keys), JSON))
                ).scalar_subquery()
            )
            return column == any_(listed)  # type: ignore[no-any-return]
        # SQLite: IN a table read from one JSON text (probes the index per key), rather than
        # an IN list of a thousand parameters expanded by SQLAlchemy.
        each = func.json_each(bindparam("keys", sorted(keys), JSON)).table_valued("value")
        return column.in_(select(each.c.value))  # type: ignore[no-any-return]


def _hash32(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), signed=True)
