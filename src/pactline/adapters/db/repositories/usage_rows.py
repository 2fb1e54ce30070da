"""Usage rows: their column values, the domain objects read back, and the series' states.

Split from the usage repository: how records, events and matches map to rows, and the
batched lookup of each series' last row before an instant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.orm import Session

from pactline.adapters.db.bulk import fetch
from pactline.domain.metering import (
    MeterMatch,
    MeterRunning,
    RawEvent,
    Running,
    UpdateBehavior,
    UsageRecord,
)

SeriesKey = tuple[str, str]  # (customer_id, feature_id)


def series_states(
    session: Session,
    table: Table,
    names: Sequence[str],
    environment_id: str,
    bounds: Mapping[SeriesKey, datetime | None],
) -> dict[SeriesKey, dict[str, Any]]:
    """For each series, its last row dated before the series' bound (None: its last row):
    the row's instant and the named running columns.

    The series are looked up one at a time through the series index whatever the
    planner's statistics say: they are one parameter read as a table (a row-value IN list
    makes SQLite scan the environment, and PostgreSQL may hash-join all of it)."""
    if not bounds:
        return {}
    wanted = sorted(bounds)
    columns = ["occurred_at", *names]
    listed = ", ".join(f"t.{name}" for name in columns)
    params: dict[str, Any] = {"environment_id": environment_id}
    dialect = session.get_bind().dialect
    # Only names from the table's metadata go into the SQL text; values are parameters.
    if dialect.name == "postgresql":
        sql = (
            f"SELECT wanted.customer_id, wanted.feature_id, {listed} "  # noqa: S608
            "FROM json_to_recordset(CAST(:keys AS json)) "
            "AS wanted(customer_id text, feature_id text, before timestamptz) "
            f"CROSS JOIN LATERAL (SELECT {', '.join(columns)} FROM {table.name} "
            "WHERE customer_id = wanted.customer_id AND feature_id = wanted.feature_id "
            "AND environment_id = :environment_id "
            "AND occurred_at < coalesce(wanted.before, 'infinity') "
            "ORDER BY occurred_at DESC, seq DESC LIMIT 1) AS t"
        )
        # One JSON text, not three arrays: psycopg dumps arrays element by element in Python.
        params["keys"] = json.dumps(
            [
                {"customer_id": key[0], "feature_id": key[1], "before": _iso(bounds[key])}
                for key in wanted
            ]
        )
    else:  # CROSS JOIN fixes SQLite's join order: the keys outside
        sql = (
            f"SELECT t.customer_id, t.feature_id, {listed} "  # noqa: S608
            f"FROM json_each(:keys) AS wanted CROSS JOIN {table.name} AS t "
            f"ON t.seq = (SELECT seq FROM {table.name} "
            "WHERE customer_id = json_extract(wanted.value, '$[0]') "
            "AND feature_id = json_extract(wanted.value, '$[1]') "
            "AND environment_id = :environment_id "
            # Not '9999': text that looks numeric would compare as a number here.
            "AND occurred_at < coalesce(json_extract(wanted.value, '$[2]'), '9999-12-31') "
            "ORDER BY occurred_at DESC, seq DESC LIMIT 1)"
        )
        # Bounds in the stored text form of instants, which sorts like the instants.
        stored = table.c.occurred_at.type.dialect_impl(dialect).bind_processor(dialect)
        assert stored is not None
        params["keys"] = json.dumps(
            [[*key, None if bounds[key] is None else stored(bounds[key])] for key in wanted]
        )
    found = fetch(
        session,
        sql,
        params,
        [table.c.customer_id, table.c.feature_id, *(table.c[name] for name in columns)],
    )
    return {(row[0], row[1]): dict(zip(columns, row[2:], strict=True)) for row in found}


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def running_of(row: Mapping[str, Any]) -> Running:
    return Running(row["delta_total"], row["set_value"], row["set_at"], row["set_delta_total"])


def meter_running_of(row: Mapping[str, Any]) -> MeterRunning:
    return MeterRunning(row["match_count"], row["match_total"])


def running_values(running: Running) -> dict[str, Any]:
    return {
        "delta_total": running.delta_total,
        "set_value": running.set_value,
        "set_at": running.set_at,
        "set_delta_total": running.set_delta_total,
    }


RECORD_COLUMNS = (
    "id",
    "environment_id",
    "customer_id",
    "feature_id",
    "value",
    "update_behavior",
    "occurred_at",
    "recorded_at",
    "idempotency_key",
    "resource_id",
    "dimensions",
    "delta_total",
    "set_value",
    "set_at",
    "set_delta_total",
)


def record_row(record: UsageRecord, running: Running) -> tuple[Any, ...]:
    """The record's values in the order of RECORD_COLUMNS."""
    return (
        record.id,
        record.environment_id,
        record.customer_id,
        record.feature_id,
        record.value,
        record.behavior.value,
        record.occurred_at,
        record.recorded_at,
        record.idempotency_key,
        record.resource_id,
        dict(record.dimensions) if record.dimensions else None,
        running.delta_total,
        running.set_value,
        running.set_at,
        running.set_delta_total,
    )


def record_of(row: Row[Any]) -> UsageRecord:
    return UsageRecord(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        feature_id=row.feature_id,
        value=row.value,
        behavior=UpdateBehavior(row.update_behavior),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        idempotency_key=row.idempotency_key,
        resource_id=row.resource_id,
        dimensions=dict(row.dimensions or {}),
    )


EVENT_COLUMNS = (
    "id",
    "environment_id",
    "customer_id",
    "event_name",
    "idempotency_key",
    "resource_id",
    "dimensions",
    "occurred_at",
    "recorded_at",
)


def event_row(event: RawEvent) -> tuple[Any, ...]:
    """The event's values in the order of EVENT_COLUMNS."""
    return (
        event.id,
        event.environment_id,
        event.customer_id,
        event.event_name,
        event.idempotency_key,
        event.resource_id,
        dict(event.dimensions),
        event.occurred_at,
        event.recorded_at,
    )


def event_of(row: Row[Any]) -> RawEvent:
    return RawEvent(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        event_name=row.event_name,
        idempotency_key=row.idempotency_key or "",
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        resource_id=row.resource_id,
        dimensions=dict(row.dimensions or {}),
    )


MATCH_COLUMNS = (
    "event_id",
    "environment_id",
    "customer_id",
    "feature_id",
    "occurred_at",
    "value",
    "unique_key",
    "match_count",
    "match_total",
)


def match_row(match: MeterMatch, running: MeterRunning) -> tuple[Any, ...]:
    """The match's values in the order of MATCH_COLUMNS."""
    return (
        match.event_id,
        match.environment_id,
        match.customer_id,
        match.feature_id,
        match.occurred_at,
        match.sample.value,
        match.sample.key,
        running.count,
        running.total,
    )
