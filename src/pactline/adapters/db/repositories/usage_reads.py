"""Usage reads: a series' usage in a window, from the running states at its two edges.

Split from the usage repository (`SqlUsageRepository` derives from `UsageReads`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.orm import Session

from pactline.adapters.db.repositories.usage_rows import (
    SeriesKey,
    meter_running_of,
    running_of,
    series_states,
)
from pactline.adapters.db.schema import UsageEventMatchRow, UsageRecordRow
from pactline.domain.catalog import Feature, MeterType
from pactline.domain.metering import (
    RUNNING_AGGREGATIONS,
    MeterRunning,
    Running,
    Sample,
    aggregate,
    from_running,
    transformed,
    window_usage,
)
from pactline.domain.periods import Period

_RECORDS: Table = UsageRecordRow.__table__  # type: ignore[assignment]
_MATCHES: Table = UsageEventMatchRow.__table__  # type: ignore[assignment]
RUNNING = ("delta_total", "set_value", "set_at", "set_delta_total")
METER_RUNNING = ("match_count", "match_total")
_ZERO = Decimal(0)


class UsageReads:
    def __init__(self, session: Session) -> None:
        self._session = session

    def current(
        self, environment_id: str, customer_id: str, feature: Feature, window: Period | None
    ) -> Decimal:
        key = (customer_id, feature.id)
        metered = feature.meter_type is MeterType.INCREMENTAL and feature.meter is not None
        if feature.meter_type is MeterType.FLUCTUATING:
            window = None  # a level (seats): never reset
        reported, meter_end, meter_start = self._window_totals(environment_id, key, window, metered)
        if not metered:
            return reported
        assert feature.meter is not None
        if feature.meter.aggregation in RUNNING_AGGREGATIONS:
            metered_value = from_running(feature.meter.aggregation, meter_end, meter_start)
        else:
            metered_value = self._sampled(environment_id, key, feature, window)
        return reported + transformed(metered_value, feature.unit_transformation)

    def current_many(
        self,
        environment_id: str,
        asks: Mapping[SeriesKey, tuple[Feature, Period | None]],
        known: Mapping[SeriesKey, Running] | None = None,
    ) -> dict[SeriesKey, Decimal]:
        """`current` for many series at once, in a few batched lookups (two per kind of row:
        the states before each window's end and before its start). `known` holds series'
        latest reported states already read (their all-time usage needs no lookup)."""
        known = known or {}
        windows = {
            key: None if feature.meter_type is MeterType.FLUCTUATING else window
            for key, (feature, window) in asks.items()
        }
        ends = series_states(
            self._session,
            _RECORDS,
            RUNNING,
            environment_id,
            {k: None if w is None else w.end for k, w in windows.items() if w or k not in known},
        )
        starts = series_states(
            self._session,
            _RECORDS,
            ("delta_total",),
            environment_id,
            {k: w.start for k, w in windows.items() if w is not None},
        )
        meters = {
            key: feature.meter
            for key, (feature, _) in asks.items()
            if feature.meter_type is MeterType.INCREMENTAL and feature.meter is not None
        }
        running = {
            k: w
            for k, w in windows.items()
            if k in meters and meters[k].aggregation in RUNNING_AGGREGATIONS
        }
        meter_ends = series_states(
            self._session,
            _MATCHES,
            METER_RUNNING,
            environment_id,
            {k: None if w is None else w.end for k, w in running.items()},
        )
        meter_starts = series_states(
            self._session,
            _MATCHES,
            METER_RUNNING,
            environment_id,
            {k: w.start for k, w in running.items() if w is not None},
        )
        usage = {}
        for key, window in windows.items():
            end = known.get(key) if window is None else None
            if key in ends:
                end = running_of(ends[key])
            start = Running(starts[key]["delta_total"]) if key in starts else None
            value = window_usage(end, start, None if window is None else window.start)
            if key in meters:
                feature = asks[key][0]
                if key in running:
                    measured = from_running(
                        meters[key].aggregation,
                        meter_running_of(meter_ends[key]) if key in meter_ends else MeterRunning(),
                        meter_running_of(meter_starts[key])
                        if key in meter_starts
                        else MeterRunning(),
                    )
                else:
                    measured = self._sampled(environment_id, key, feature, window)
                value += transformed(measured, feature.unit_transformation)
            usage[key] = value
        return usage

    def _sampled(
        self, environment_id: str, key: SeriesKey, feature: Feature, window: Period | None
    ) -> Decimal:
        """MAX, MIN and UNIQUE need every sample of the window."""
        assert feature.meter is not None
        statement = select(_MATCHES.c.value, _MATCHES.c.unique_key).where(
            *in_series(_MATCHES, environment_id, key)
        )
        if window is not None:
            statement = statement.where(
                _MATCHES.c.occurred_at >= window.start, _MATCHES.c.occurred_at < window.end
            )
        samples = self._session.execute(statement)
        return aggregate(feature.meter.aggregation, (Sample(*s) for s in samples))

    def _window_totals(
        self, environment_id: str, key: SeriesKey, window: Period | None, metered: bool
    ) -> tuple[Decimal, MeterRunning, MeterRunning]:
        """One statement of index lookups: the running states just before the window's end
        and start (all time: the series' last rows)."""

        def last(table: Table, column: str, before: datetime | None) -> Any:
            statement = select(table.c[column]).where(*in_series(table, environment_id, key))
            if before is not None:
                statement = statement.where(table.c.occurred_at < before)
            return (
                statement.order_by(table.c.occurred_at.desc(), table.c.seq.desc())
                .limit(1)
                .scalar_subquery()
            )

        end_at = None if window is None else window.end
        columns = [last(_RECORDS, name, end_at).label(f"end_{name}") for name in RUNNING]
        if window is not None:
            columns.append(last(_RECORDS, "delta_total", window.start).label("start_delta_total"))
        if metered:
            columns += [last(_MATCHES, n, end_at).label(f"end_{n}") for n in METER_RUNNING]
            if window is not None:
                columns += [
                    last(_MATCHES, n, window.start).label(f"start_{n}") for n in METER_RUNNING
                ]
        row = self._session.execute(select(*columns)).one()._mapping
        end = None
        if row["end_delta_total"] is not None:
            end = Running(*(row[f"end_{name}"] for name in RUNNING))
        start = None
        if window is not None and row["start_delta_total"] is not None:
            start = Running(row["start_delta_total"])
        reported = window_usage(end, start, None if window is None else window.start)
        if not metered:
            return reported, MeterRunning(), MeterRunning()
        meter_start = MeterRunning()
        if window is not None:
            meter_start = MeterRunning(
                row["start_match_count"] or 0, row["start_match_total"] or _ZERO
            )
        return (
            reported,
            MeterRunning(row["end_match_count"] or 0, row["end_match_total"] or _ZERO),
            meter_start,
        )


def in_series(table: Table, environment_id: str, key: SeriesKey) -> list[ColumnElement[bool]]:
    return [
        table.c.customer_id == key[0],
        table.c.feature_id == key[1],
        table.c.environment_id == environment_id,
    ]
