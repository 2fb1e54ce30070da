"""Usage for billing: many windows of many series in a few batched reads.

A window's usage comes from the running states stored beside the usage rows, read at the
window's two edges (as `UsageReads.current` does for one window). Billing asks for every
billing period of every usage line, so a series has many edges; the edges are read in rounds
of one edge per series, each round one batched lookup per kind of row, so the number of
statements grows with the number of periods, not with the number of contracts or lines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from pactline.adapters.db.repositories.usage_reads import METER_RUNNING, RUNNING
from pactline.adapters.db.repositories.usage_rows import (
    SeriesKey,
    meter_running_of,
    running_of,
    series_states,
)
from pactline.adapters.db.schema import UsageEventMatchRow, UsageRecordRow
from pactline.domain.catalog import Feature, MeterType
from pactline.domain.fluctuating_usage import measured_level
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
from pactline.services.ports import UsageAsk

_RECORDS: Table = UsageRecordRow.__table__  # type: ignore[assignment]
_MATCHES: Table = UsageEventMatchRow.__table__  # type: ignore[assignment]
_ZERO = Decimal(0)

_Edge = tuple[SeriesKey, datetime]


class SqlBillingUsageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def window_usage(
        self, environment_id: str, features: Mapping[str, Feature], asks: Collection[UsageAsk]
    ) -> dict[UsageAsk, Decimal]:
        edges: dict[SeriesKey, set[datetime]] = {}
        metered: dict[SeriesKey, set[datetime]] = {}
        for ask in asks:
            key, start, end = (ask.customer_id, ask.feature_id), ask.start, ask.end
            edges.setdefault(key, set()).update((start, end))
            if _runs_meter(features[ask.feature_id]):
                metered.setdefault(key, set()).update((start, end))
        records = self._states(environment_id, _RECORDS, RUNNING, edges)
        matches = self._states(environment_id, _MATCHES, METER_RUNNING, metered)
        levels = self._levels(environment_id, features, asks)
        usage: dict[UsageAsk, Decimal] = {}
        for ask in asks:
            key, start, end = (ask.customer_id, ask.feature_id), ask.start, ask.end
            feature = features[ask.feature_id]
            if feature.meter_type is MeterType.FLUCTUATING:
                before = records.get((key, start))
                opening = running_of(before).level if before is not None else _ZERO
                inside = [(at, lv) for at, lv in levels.get(key, []) if start <= at < end]
                usage[ask] = measured_level(ask.measure, opening, inside, start, end)
                continue
            end_row, start_row = records.get((key, end)), records.get((key, start))
            value = window_usage(
                None if end_row is None else running_of(end_row),
                None if start_row is None else Running(start_row["delta_total"]),
                start,
            )
            if feature.meter_type is MeterType.INCREMENTAL and feature.meter is not None:
                if feature.meter.aggregation in RUNNING_AGGREGATIONS:
                    end_meter, start_meter = matches.get((key, end)), matches.get((key, start))
                    measured = from_running(
                        feature.meter.aggregation,
                        MeterRunning() if end_meter is None else meter_running_of(end_meter),
                        MeterRunning() if start_meter is None else meter_running_of(start_meter),
                    )
                else:
                    measured = self._sampled(environment_id, key, feature, start, end)
                value += transformed(measured, feature.unit_transformation)
            usage[ask] = value
        return usage

    def _states(
        self,
        environment_id: str,
        table: Table,
        names: tuple[str, ...],
        edges: Mapping[SeriesKey, set[datetime]],
    ) -> dict[_Edge, dict[str, Any]]:
        """The state of each series just before each of its edges, one round per edge."""
        ordered = {key: sorted(instants) for key, instants in edges.items()}
        rounds = max((len(instants) for instants in ordered.values()), default=0)
        found: dict[_Edge, dict[str, Any]] = {}
        for index in range(rounds):
            bounds: dict[SeriesKey, datetime | None] = {
                key: instants[index] for key, instants in ordered.items() if index < len(instants)
            }
            states = series_states(self._session, table, names, environment_id, bounds)
            for key, state in states.items():
                bound = bounds[key]
                assert bound is not None
                found[(key, bound)] = state
        return found

    def _levels(
        self,
        environment_id: str,
        features: Mapping[str, Feature],
        asks: Collection[UsageAsk],
    ) -> dict[SeriesKey, list[tuple[datetime, Decimal]]]:
        """Every level a fluctuating series reached inside the asked range, by instant."""
        ranges: dict[SeriesKey, tuple[datetime, datetime]] = {}
        for ask in asks:
            if features[ask.feature_id].meter_type is not MeterType.FLUCTUATING:
                continue
            key = (ask.customer_id, ask.feature_id)
            low, high = ranges.get(key, (ask.start, ask.end))
            ranges[key] = (min(low, ask.start), max(high, ask.end))
        levels: dict[SeriesKey, list[tuple[datetime, Decimal]]] = {}
        for key, (low, high) in ranges.items():
            rows = self._session.execute(
                select(_RECORDS.c.occurred_at, *(_RECORDS.c[name] for name in RUNNING))
                .where(
                    _RECORDS.c.customer_id == key[0],
                    _RECORDS.c.feature_id == key[1],
                    _RECORDS.c.environment_id == environment_id,
                    _RECORDS.c.occurred_at >= low,
                    _RECORDS.c.occurred_at < high,
                )
                .order_by(_RECORDS.c.occurred_at, _RECORDS.c.seq)
            )
            levels[key] = [(row[0], Running(*row[1:]).level) for row in rows]
        return levels

    def _sampled(
        self,
        environment_id: str,
        key: SeriesKey,
        feature: Feature,
        start: datetime,
        end: datetime,
    ) -> Decimal:
        """MAX, MIN and UNIQUE need every sample of the window."""
        assert feature.meter is not None
        samples = self._session.execute(
            select(_MATCHES.c.value, _MATCHES.c.unique_key).where(
                _MATCHES.c.customer_id == key[0],
                _MATCHES.c.feature_id == key[1],
                _MATCHES.c.environment_id == environment_id,
                _MATCHES.c.occurred_at >= start,
                _MATCHES.c.occurred_at < end,
            )
        )
        return aggregate(feature.meter.aggregation, (Sample(*s) for s in samples))


def _runs_meter(feature: Feature) -> bool:
    meter = feature.meter
    return (
        feature.meter_type is MeterType.INCREMENTAL
        and meter is not None
        and meter.aggregation in RUNNING_AGGREGATIONS
    )
