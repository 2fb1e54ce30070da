"""Usage history: the usage of a series over a range, point by point, with its resets.

Each point covers a local hour (ranges up to two days) or a local day, and carries the usage at
the end of its span in the reset window then current (all time when usage never resets).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from pactline.domain.catalog import Feature, MeterType
from pactline.domain.customers import Customer
from pactline.domain.entitlements import ResetPeriod
from pactline.domain.errors import InvalidArgument
from pactline.domain.metering import (
    RUNNING_AGGREGATIONS,
    DimensionValue,
    MeterMatch,
    MeterRunning,
    ResetPolicy,
    Running,
    UsageRecord,
    aggregate,
    as_text,
    from_running,
    transformed,
    usage_window,
    window_usage,
)
from pactline.domain.periods import Period
from pactline.services.ports import UnitOfWork

MAX_HISTORY_POINTS = 1000
DEFAULT_HISTORY = timedelta(days=30)
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class Range:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class HistoryPoint:
    at: datetime  # the start of the point's span; its value is the usage at the span's end
    value: Decimal
    is_reset: bool


@dataclass(frozen=True)
class HistorySeries:
    tags: tuple[tuple[str, str], ...]
    points: tuple[HistoryPoint, ...]


@dataclass(frozen=True)
class UsageHistory:
    resets: tuple[datetime, ...]
    series: tuple[HistorySeries, ...]


def history_of(
    uow: UnitOfWork,
    customer: Customer,
    feature: Feature,
    policy: ResetPolicy | None,
    span: Range,
    group_by: str | None = None,
    resource_id: str | None = None,
) -> UsageHistory:
    """The feature's usage history for the customer over `span`; `policy`: how it resets
    (None: never). `group_by` names a dimension: one series per value it takes."""
    start, end = span.start, span.end
    spans = _spans(start, end, customer.timezone or "UTC")
    windows = [None if policy is None else policy.window(b - _INSTANT) for _, b in spans]
    fetch_from = None
    if policy is not None:
        starts = [w.start for w in windows if w is not None]
        fetch_from = min(starts) if starts else end
    environment_id, customer_id = customer.environment_id, customer.id
    records = uow.usage.records_between(
        environment_id, customer_id, feature.id, fetch_from, end, resource_id
    )
    matches: Sequence[tuple[MeterMatch, Mapping[str, DimensionValue]]] = []
    if feature.meter_type is MeterType.INCREMENTAL and feature.meter is not None:
        matches = uow.usage.matches_between(
            environment_id, customer_id, feature.id, fetch_from, end, resource_id
        )
    resets = _resets(policy, start, end)
    series = []
    for tags, group_records, group_matches in _groups(group_by, records, matches):
        values = _SeriesValues(feature, group_records, group_matches)
        points = tuple(
            HistoryPoint(
                at=a,
                value=Decimal(0) if policy is not None and w is None else values.at(b, w),
                is_reset=any(a <= r < b for r in resets),
            )
            for (a, b), w in zip(spans, windows, strict=True)
        )
        series.append(HistorySeries(tags, points))
    return UsageHistory(tuple(resets), tuple(series))


def _spans(start: datetime, end: datetime, timezone: str) -> list[tuple[datetime, datetime]]:
    """History points: local hours for up to two days, local days beyond, cut to the range."""
    step = ResetPeriod.HOUR if end - start <= timedelta(days=2) else ResetPeriod.DAY
    spans = []
    at = start
    while at < end:
        cell = usage_window(step, None, start, at, timezone)
        assert cell is not None
        spans.append((at, min(cell.end, end)))
        at = cell.end
        if len(spans) > MAX_HISTORY_POINTS:
            raise InvalidArgument.single(
                "endDate",
                f"the range spans more than {MAX_HISTORY_POINTS} daily points; ask for less",
                "range_too_long",
            )
    return spans


def _resets(policy: ResetPolicy | None, start: datetime, end: datetime) -> list[datetime]:
    """Instants in `[start, end)` at which the usage window resets."""
    if policy is None or policy.reset_period is None:
        return []
    resets = []
    window = policy.window(start)
    while window is not None and window.end < end:
        resets.append(window.end)
        window = policy.window(window.end)
    return resets


Groups = list[
    tuple[
        tuple[tuple[str, str], ...],
        list[UsageRecord],
        list[MeterMatch],
    ]
]


def _groups(
    group_by: str | None,
    records: Sequence[UsageRecord],
    matches: Sequence[tuple[MeterMatch, Mapping[str, DimensionValue]]],
) -> Groups:
    if not group_by:
        return [((), list(records), [m for m, _ in matches])]
    by_value: dict[str, tuple[list[UsageRecord], list[MeterMatch]]] = {}
    for record in records:
        raw = record.dimensions.get(group_by)
        if raw is not None:
            by_value.setdefault(as_text(raw), ([], []))[0].append(record)
    for match, dimensions in matches:
        raw = dimensions.get(group_by)
        if raw is not None:
            by_value.setdefault(as_text(raw), ([], []))[1].append(match)
    return [
        (((group_by, value),), group_records, group_matches)
        for value, (group_records, group_matches) in sorted(by_value.items())
    ]


class _SeriesValues:
    """Usage of one history series at any instant, from its records' running states."""

    def __init__(
        self, feature: Feature, records: Sequence[UsageRecord], matches: Sequence[MeterMatch]
    ) -> None:
        self._feature = feature
        self._record_at = [r.occurred_at for r in records]
        self._states = _cumulative(
            Running(), records, lambda s, r: s.after(r.behavior, r.value, r.occurred_at)
        )
        self._matches = matches
        self._match_at = [m.occurred_at for m in matches]
        self._meter_states = _cumulative(MeterRunning(), matches, lambda s, m: s.after(m.sample))

    def at(self, end: datetime, window: Period | None) -> Decimal:
        since = None if window is None else window.start
        first = 0 if since is None else bisect_left(self._record_at, since)
        last = bisect_left(self._record_at, end)
        reported = window_usage(
            self._states[last - 1] if last else None,
            self._states[first - 1] if first else None,
            since,
        )
        meter = self._feature.meter
        if meter is None or self._feature.meter_type is not MeterType.INCREMENTAL:
            return reported
        first = 0 if since is None else bisect_left(self._match_at, since)
        last = bisect_left(self._match_at, end)
        if meter.aggregation in RUNNING_AGGREGATIONS:
            zero = MeterRunning()
            value = from_running(
                meter.aggregation,
                self._meter_states[last - 1] if last else zero,
                self._meter_states[first - 1] if first else zero,
            )
        else:
            value = aggregate(meter.aggregation, (m.sample for m in self._matches[first:last]))
        return reported + transformed(value, self._feature.unit_transformation)


S = TypeVar("S")
T = TypeVar("T")


def _cumulative(initial: S, items: Sequence[T], step: Callable[[S, T], S]) -> list[S]:
    states = []
    state = initial
    for item in items:
        state = step(state, item)
        states.append(state)
    return states
