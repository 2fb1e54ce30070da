"""Usage lines filtered by dimensions (BILLING-SEMANTICS §10).

A usage line may bill only part of its feature's usage: the records and the matched raw events
whose dimensions pass every condition of the line's filter (`region EQUALS eu`, `plan IN
[pro, team]`…, the operators of meter filters). Stored running states are per series and hold
no dimensions, so a filtered window is measured from the window's rows themselves, with the
same arithmetic as the unfiltered window read from running states.

Two lines of one customer may bill one feature at the same time only when no usage can pass
both filters; `may_overlap` proves that only from conditions that pin a dimension to values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from pactline.domain.catalog import Condition, Feature, MeterType
from pactline.domain.catalog import Operation as Op
from pactline.domain.fluctuating_usage import FluctuatingUsage, measured_level
from pactline.domain.metering import (
    RUNNING_AGGREGATIONS,
    DimensionValue,
    MeterMatch,
    MeterRunning,
    Running,
    UsageRecord,
    aggregate,
    condition_holds,
    from_running,
    transformed,
    window_usage,
)

UsageFilter = tuple[Condition, ...]  # ANDed; empty: all of the feature's usage

_ZERO = Decimal(0)
_NO_EVENT_NAME = ""  # a filter tests dimensions only; the meter already chose the events


def passes(usage_filter: UsageFilter, dimensions: Mapping[str, DimensionValue]) -> bool:
    return all(condition_holds(c, _NO_EVENT_NAME, dimensions) for c in usage_filter)


def _dimension(condition: Condition) -> str:
    return condition.field.removeprefix("dimensions.")


def _pinned(usage_filter: UsageFilter) -> tuple[dict[str, frozenset[str]], set[str], set[str]]:
    """Values each dimension must take (EQUALS, IN), dimensions that must be absent, and
    dimensions that must be present."""
    values: dict[str, frozenset[str]] = {}
    absent: set[str] = set()
    present: set[str] = set()
    for condition in usage_filter:
        name = _dimension(condition)
        allowed: frozenset[str] | None = None
        if condition.operation is Op.EQUALS and condition.value is not None:
            allowed = frozenset({condition.value})
        elif condition.operation is Op.IN and condition.values is not None:
            allowed = frozenset(condition.values)
        elif condition.operation is Op.IS_NULL:
            absent.add(name)
        elif condition.operation is not Op.NOT_EQUALS:
            present.add(name)  # every other operator fails on a missing dimension
        if allowed is not None:
            values[name] = values[name] & allowed if name in values else allowed
            present.add(name)
    return values, absent, present


def may_overlap(first: UsageFilter, second: UsageFilter) -> bool:
    """False only when no dimensions can pass both filters: a dimension both pin to disjoint
    values, one requires absent and the other present, or one filter alone cannot pass.
    Anything else (ranges, prefixes…) counts as a possible overlap."""
    values_a, absent_a, present_a = _pinned(first)
    values_b, absent_b, present_b = _pinned(second)
    if absent_a & present_a or absent_b & present_b:
        return False
    if absent_a & present_b or absent_b & present_a:
        return False
    values = dict(values_a)
    for name, allowed in values_b.items():
        values[name] = values[name] & allowed if name in values else allowed
    return all(values.values())


def describe(usage_filter: UsageFilter) -> str:
    """The filter as a reader would write it, for messages."""
    parts = []
    for condition in usage_filter:
        if condition.operation is Op.IN:
            parts.append(f"{condition.field} IN [{', '.join(condition.values or ())}]")
        elif condition.value is None:
            parts.append(f"{condition.field} {condition.operation.value}")
        else:
            parts.append(f"{condition.field} {condition.operation.value} {condition.value}")
    return " AND ".join(parts) or "all usage"


def filtered_usage(
    feature: Feature,
    usage_filter: UsageFilter,
    measure: FluctuatingUsage,
    records: Sequence[UsageRecord],
    matches: Sequence[tuple[MeterMatch, Mapping[str, DimensionValue]]],
    start: datetime,
    end: datetime,
) -> Decimal:
    """The window `[start, end)`'s usage of the feature that passes the filter.

    `records` are the series' records in series order: from the window's start for an
    INCREMENTAL feature, from the beginning for a FLUCTUATING one (its opening level is the
    filtered records' level before the window); `matches` the window's meter matches with their
    events' dimensions. Later rows are ignored, so one read may serve several windows.
    """
    kept = [r for r in records if r.occurred_at < end and passes(usage_filter, r.dimensions)]
    if feature.meter_type is MeterType.FLUCTUATING:
        state, opening = Running(), _ZERO
        changes: list[tuple[datetime, Decimal]] = []
        for record in kept:
            state = state.after(record.behavior, record.value, record.occurred_at)
            if record.occurred_at < start:
                opening = state.level
            else:
                changes.append((record.occurred_at, state.level))
        return measured_level(measure, opening, changes, start, end)
    running: Running | None = None
    for record in kept:
        if record.occurred_at >= start:
            running = (running or Running()).after(
                record.behavior, record.value, record.occurred_at
            )
    value = window_usage(running, Running(), start)
    meter = feature.meter
    if feature.meter_type is not MeterType.INCREMENTAL or meter is None:
        return value
    samples = [
        match.sample
        for match, dimensions in matches
        if start <= match.occurred_at < end and passes(usage_filter, dimensions)
    ]
    if meter.aggregation in RUNNING_AGGREGATIONS:
        counted = MeterRunning()
        for sample in samples:
            counted = counted.after(sample)
        measured = from_running(meter.aggregation, counted, MeterRunning())
    else:
        measured = aggregate(meter.aggregation, samples)
    return value + transformed(measured, feature.unit_transformation)
