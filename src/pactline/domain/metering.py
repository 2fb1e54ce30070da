"""Usage: reported records (DELTA/SET), raw events matched by meters, and how usage adds up.

A customer's usage of one feature is a *series* of records ordered by (instant, arrival).
`Running` is the state of a series after a record; storing it beside every record lets the
usage of any window be read from two records (the last before the window's end, the last
before its start) instead of summing the window. Raw events count for a metered feature when
its meter's filters match (filters ORed, conditions ANDed), aggregated by the meter's function
and then divided by its unit transformation. Usage windows (when usage resets) are in
`pactline.domain.usage_windows`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from pactline.domain.catalog import (
    Aggregation,
    Condition,
    Meter,
    Rounding,
    UnitTransformation,
)
from pactline.domain.catalog import Operation as Op
from pactline.domain.errors import FieldProblem
from pactline.domain.ids import new_ids
from pactline.domain.usage_windows import OPEN_END, ResetPolicy, usage_window

__all__ = [
    "IDEMPOTENCY_WINDOW",
    "MAX_PER_REQUEST",
    "OPEN_END",
    "RUNNING_AGGREGATIONS",
    "DimensionValue",
    "MeterMatch",
    "MeterRunning",
    "RawEvent",
    "ResetPolicy",
    "Running",
    "Sample",
    "UpdateBehavior",
    "UsageRecord",
    "aggregate",
    "as_text",
    "event_names",
    "from_running",
    "matches",
    "new_ids",
    "normalized_value",
    "reported_usage",
    "sample",
    "transformed",
    "usage_window",
    "value_problems",
    "window_usage",
]

MAX_PER_REQUEST = 1000
IDEMPOTENCY_WINDOW = timedelta(days=7)  # a key seen within it is a duplicate; after it, new usage

_PLACES = Decimal("0.00001")  # Stigg rounds reported values half away from zero to 5 places
_MAX_FRACTIONAL = Decimal(2**35)
_MAX_WHOLE = Decimal(2**53 - 1)
# Running totals outgrow the default 28 digits long before they overflow NUMERIC.
_WIDE = Context(prec=80)
_ZERO = Decimal(0)

DimensionValue = str | bool | int | float


class UpdateBehavior(enum.Enum):
    DELTA = "DELTA"  # adds the value to the usage
    SET = "SET"  # the usage is now the value


@dataclass(frozen=True)
class UsageRecord:
    """One reported measurement. `occurred_at` is when it counts; `recorded_at` when it came."""

    id: str
    environment_id: str
    customer_id: str
    feature_id: str
    value: Decimal
    behavior: UpdateBehavior
    occurred_at: datetime
    recorded_at: datetime
    idempotency_key: str | None = None
    resource_id: str | None = None
    dimensions: Mapping[str, DimensionValue] = field(default_factory=dict)


@dataclass(frozen=True)
class RawEvent:
    id: str
    environment_id: str
    customer_id: str
    event_name: str
    idempotency_key: str
    occurred_at: datetime
    recorded_at: datetime
    resource_id: str | None = None
    dimensions: Mapping[str, DimensionValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    """What one matching event contributes: a number (COUNT/SUM/AVG/MAX/MIN) or a key (UNIQUE)."""

    value: Decimal | None = None
    key: str | None = None


@dataclass(frozen=True)
class MeterMatch:
    """A raw event counted for a feature by its meter."""

    event_id: str
    environment_id: str
    customer_id: str
    feature_id: str
    occurred_at: datetime
    sample: Sample


def normalized_value(value: Decimal) -> Decimal | None:
    """The value rounded as Stigg does, or None when it is out of the accepted range."""
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return Decimal(int(value)) if abs(value) <= _MAX_WHOLE else None
    if abs(value) >= _MAX_FRACTIONAL:
        return None
    rounded = value.quantize(_PLACES, rounding=ROUND_HALF_UP, context=_WIDE)
    if rounded == rounded.to_integral_value():
        return Decimal(int(rounded))
    return rounded.normalize(_WIDE)


def value_problems(
    value: Decimal, behavior: UpdateBehavior, path: str
) -> tuple[Decimal, list[FieldProblem]]:
    normalized = normalized_value(value)
    if normalized is None:
        return value, [
            FieldProblem(
                path,
                "must be a finite number: below 2^35 in size when fractional, "
                "at most 2^53 − 1 when whole",
                "out_of_range",
            )
        ]
    if behavior is UpdateBehavior.SET and normalized < 0:
        return value, [FieldProblem(path, "a SET value is a usage total: 0 or more", "negative")]
    return normalized, []


# --- reported usage: running state of a series ---------------------------------------------


@dataclass(frozen=True)
class Running:
    """A series after some record: every DELTA so far, and the latest SET with the DELTA total
    it was made at (the usage is then that SET's value plus the DELTAs since)."""

    delta_total: Decimal = _ZERO
    set_value: Decimal | None = None
    set_at: datetime | None = None
    set_delta_total: Decimal | None = None

    def after(self, behavior: UpdateBehavior, value: Decimal, at: datetime) -> Running:
        if behavior is UpdateBehavior.SET:
            return Running(self.delta_total, value, at, self.delta_total)
        return Running(
            _WIDE.add(self.delta_total, value), self.set_value, self.set_at, self.set_delta_total
        )

    @property
    def level(self) -> Decimal:
        """All-time usage: the latest SET plus the DELTAs since (or every DELTA)."""
        return window_usage(self, None, None)


def window_usage(end: Running | None, start: Running | None, since: datetime | None) -> Decimal:
    """Usage of the records in a window, from the state after its last record (`end`) and the
    state just before it opens (`start`; None: nothing before). `since` is the window's start
    (None: all time). A SET inside the window restarts the count at its value."""
    if end is None:
        return _ZERO
    if end.set_at is not None and (since is None or end.set_at >= since):
        assert end.set_value is not None
        assert end.set_delta_total is not None
        return _WIDE.add(end.set_value, _WIDE.subtract(end.delta_total, end.set_delta_total))
    if since is None or start is None:
        return end.delta_total
    return _WIDE.subtract(end.delta_total, start.delta_total)


@dataclass(frozen=True)
class MeterRunning:
    """Matched events of a series so far: how many carried a sample, and their values' sum."""

    count: int = 0
    total: Decimal = _ZERO

    def after(self, sample: Sample) -> MeterRunning:
        value = sample.value if sample.value is not None else _ZERO
        return MeterRunning(self.count + 1, _WIDE.add(self.total, value))


# --- raw events: meter matching and aggregation ----------------------------------------------


_ORDERED = {
    Op.GREATER_THAN: lambda a, b: a > b,
    Op.GREATER_THAN_OR_EQUAL: lambda a, b: a >= b,
    Op.LESS_THAN: lambda a, b: a < b,
    Op.LESS_THAN_OR_EQUAL: lambda a, b: a <= b,
}


def field_value(
    name: str, event_name: str, dimensions: Mapping[str, DimensionValue]
) -> DimensionValue | None:
    """`eventName` is the event's name; any other field is a dimension (`dimensions.x` or `x`)."""
    if name == "eventName":
        return event_name
    if name.startswith("dimensions.") and name not in dimensions:
        name = name.removeprefix("dimensions.")
    return dimensions.get(name)


def as_text(value: DimensionValue) -> str:
    """The string a condition compares against: JSON spelling for booleans, plain numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return _plain(Decimal(str(value)))


def as_number(value: DimensionValue | None) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(_WIDE), "f")


def condition_holds(
    condition: Condition, event_name: str, dimensions: Mapping[str, DimensionValue]
) -> bool:
    """Missing fields satisfy IS_NULL only; ordering operators compare numbers numerically
    and fail when either side is not a number; every other operator compares strings."""
    raw = field_value(condition.field, event_name, dimensions)
    operation = condition.operation
    if operation is Op.IS_NULL:
        return raw is None
    if raw is None:
        return False
    if operation is Op.IS_NOT_NULL:
        return True
    if operation in _ORDERED:
        left, right = as_number(raw), as_number(condition.value)
        return left is not None and right is not None and _ORDERED[operation](left, right)
    text = as_text(raw)
    if operation is Op.IN:
        return text in (condition.values or ())
    expected = condition.value or ""
    if operation is Op.EQUALS:
        return text == expected
    if operation is Op.NOT_EQUALS:
        return text != expected
    if operation is Op.CONTAINS:
        return expected in text
    if operation is Op.STARTS_WITH:
        return text.startswith(expected)
    assert operation is Op.ENDS_WITH
    return text.endswith(expected)


def matches(meter: Meter, event_name: str, dimensions: Mapping[str, DimensionValue]) -> bool:
    """A meter without filters counts every event; otherwise any filter whose conditions all
    hold."""
    if not meter.filters:
        return True
    return any(
        all(condition_holds(c, event_name, dimensions) for c in meter_filter.conditions)
        for meter_filter in meter.filters
    )


def event_names(meter: Meter) -> frozenset[str] | None:
    """The event names the meter can count (a superset), or None when any name may match:
    lets ingestion skip the meters an event cannot match without evaluating them."""
    if not meter.filters:
        return None
    names: set[str] = set()
    for meter_filter in meter.filters:
        for condition in meter_filter.conditions:
            if condition.field != "eventName":
                continue
            if condition.operation is Op.EQUALS and condition.value is not None:
                names.add(condition.value)
                break
            if condition.operation is Op.IN and condition.values:
                names.update(condition.values)
                break
        else:  # this filter does not restrict the name
            return None
    return frozenset(names)


def sample(
    meter: Meter, event_name: str, dimensions: Mapping[str, DimensionValue]
) -> Sample | None:
    """What the event adds to the meter, or None when it is not counted: it does not match,
    or it lacks the aggregated field (a number for SUM/AVG/MAX/MIN, any value for UNIQUE)."""
    if not matches(meter, event_name, dimensions):
        return None
    if meter.aggregation is Aggregation.COUNT:
        return Sample(value=Decimal(1))
    raw = field_value(meter.field or "", event_name, dimensions)
    if meter.aggregation is Aggregation.UNIQUE:
        return None if raw is None else Sample(key=as_text(raw))
    number = as_number(raw)
    return None if number is None else Sample(value=number)


def aggregate(aggregation: Aggregation, samples: Iterable[Sample]) -> Decimal:
    """The meter's function over the samples of a window; 0 when there are none."""
    if aggregation is Aggregation.UNIQUE:
        return Decimal(len({s.key for s in samples if s.key is not None}))
    values = [s.value for s in samples if s.value is not None]
    if not values:
        return _ZERO
    if aggregation is Aggregation.COUNT:
        return Decimal(len(values))
    if aggregation is Aggregation.MAX:
        return max(values)
    if aggregation is Aggregation.MIN:
        return min(values)
    total = _ZERO
    for value in values:
        total = _WIDE.add(total, value)
    if aggregation is Aggregation.AVG:
        return _WIDE.divide(total, Decimal(len(values)))
    return total


def from_running(aggregation: Aggregation, end: MeterRunning, start: MeterRunning) -> Decimal:
    """COUNT, SUM and AVG of a window from the running state at its two ends."""
    count = end.count - start.count
    total = _WIDE.subtract(end.total, start.total)
    if aggregation is Aggregation.COUNT:
        return Decimal(count)
    if aggregation is Aggregation.AVG:
        return _ZERO if count == 0 else _WIDE.divide(total, Decimal(count))
    return total


RUNNING_AGGREGATIONS = frozenset({Aggregation.COUNT, Aggregation.SUM, Aggregation.AVG})


def transformed(value: Decimal, transformation: UnitTransformation | None) -> Decimal:
    """Metered usage in the feature's units: divided, then rounded to a whole number."""
    if transformation is None:
        return value
    quotient = _WIDE.divide(value, Decimal(transformation.divide))
    whole = math.ceil(quotient) if transformation.round is Rounding.UP else math.floor(quotient)
    return Decimal(whole)


def reported_usage(records: Sequence[UsageRecord]) -> Decimal:
    """Usage of records in order: the last SET's value plus the DELTAs after it."""
    state = Running()
    for record in records:
        state = state.after(record.behavior, record.value, record.occurred_at)
    return window_usage(state, None, None)
