"""Billing calendar: half-open periods, contract spans, billing periods, issue and due dates.

Calendar boundaries are local dates in the contract's IANA timezone; they become UTC instants
only at the edge of this module (`contract_span`, `BillingPeriod.to_utc`). Every period is
half-open, so a day or an instant belongs to exactly one period.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pactline.domain.calendar import (
    Anchor,
    BillingCycle,
    CycleUnit,
    cycle_grid,
    days_in_month,
)
from pactline.domain.errors import InvalidArgument

__all__ = [
    "Anchor",
    "BillingCycle",
    "BillingPeriod",
    "ChargeTiming",
    "CycleUnit",
    "Period",
    "billing_periods",
    "contract_span",
    "days_30_360",
    "days_between",
    "due_on",
    "issue_on",
    "local_midnight",
    "resolve_timezone",
]


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


@dataclass(frozen=True)
class Period:
    """The instants `start <= t < end`, held in UTC whatever zone they were given in."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        if not self.start < self.end:
            raise ValueError(f"period start {self.start} must be before its end {self.end}")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))

    def contains(self, instant: datetime) -> bool:
        _require_aware(instant, "instant")
        return self.start <= instant < self.end

    def overlaps(self, other: Period) -> bool:
        # Half-open: periods that only touch ([a, b) and [b, c)) share no instant.
        return self.start < other.end and other.start < self.end

    def intersection(self, other: Period) -> Period | None:
        if not self.overlaps(other):
            return None
        return Period(max(self.start, other.start), min(self.end, other.end))

    def split_at(self, instants: Iterable[datetime]) -> list[Period]:
        """Cut at every instant strictly inside; instants outside or on an edge change nothing."""
        cuts: set[datetime] = set()
        for instant in instants:
            _require_aware(instant, "instant")
            if self.start < instant < self.end:
                cuts.add(instant.astimezone(UTC))
        edges = [self.start, *sorted(cuts), self.end]
        return [Period(a, b) for a, b in itertools.pairwise(edges)]


def resolve_timezone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA zone called `name`, or InvalidArgument naming `field`."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        # KeyError covers ZoneInfoNotFoundError; ValueError malformed keys ("", "../x", "/abs").
        raise InvalidArgument.single(
            field, f"'{name}' is not a known IANA timezone", "unknown_timezone"
        ) from None


def local_midnight(day: date, timezone: str | ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `timezone`.

    fold=0 is right on both kinds of DST day: where midnight is skipped it resolves to the
    transition instant (the first instant of that day), and where midnight repeats, the repeated
    hour belongs to the same day, so the earlier midnight begins it.
    """
    zone = timezone if isinstance(timezone, ZoneInfo) else resolve_timezone(timezone)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def contract_span(
    start_on: date, end_on: date | None, timezone: str
) -> tuple[datetime, datetime | None]:
    """`[start 00:00 local, (end + 1 day) 00:00 local)` in UTC; end dates are inclusive."""
    zone = resolve_timezone(timezone)
    if end_on is not None and end_on < start_on:
        raise InvalidArgument.single("endDate", "must not be before startDate")
    start_at = local_midnight(start_on, zone)
    end_at = None if end_on is None else local_midnight(end_on + timedelta(days=1), zone)
    return start_at, end_at


@dataclass(frozen=True)
class BillingPeriod:
    """Local calendar dates `[start_on, end_on)` inside the full cycle period containing them.

    The full period is what proration divides by: a stub's amount is the full-period amount *
    `days / full_days`.
    """

    start_on: date
    end_on: date
    full_start_on: date
    full_end_on: date

    def __post_init__(self) -> None:
        if not self.full_start_on <= self.start_on < self.end_on <= self.full_end_on:
            raise ValueError(
                f"billing period {self.start_on}..{self.end_on} must be non-empty and inside "
                f"its full period {self.full_start_on}..{self.full_end_on}"
            )

    @property
    def is_stub(self) -> bool:
        return self.start_on != self.full_start_on or self.end_on != self.full_end_on

    @property
    def days(self) -> int:
        return days_between(self.start_on, self.end_on)

    @property
    def full_days(self) -> int:
        return days_between(self.full_start_on, self.full_end_on)

    def to_utc(self, timezone: str) -> Period:
        zone = resolve_timezone(timezone)
        return Period(local_midnight(self.start_on, zone), local_midnight(self.end_on, zone))


def billing_periods(
    cycle: BillingCycle,
    anchor: Anchor,
    start_on: date,
    end_on_exclusive: date | None,
    horizon_on: date | None,
) -> list[BillingPeriod]:
    """The billing periods covering `[start_on, end_on_exclusive)`, stubs at either end.

    `horizon_on` keeps only periods that start before it (it never cuts a period short). It is
    required when the span is open-ended and, when given, applies to a bounded span too.
    """
    if end_on_exclusive is not None and end_on_exclusive <= start_on:
        raise InvalidArgument.single("endDate", "must not be before startDate")
    if end_on_exclusive is None and horizon_on is None:
        raise InvalidArgument.single(
            "horizon", "is required when the span has no end date", "required"
        )
    anchor.check_for(cycle)
    limit = min(d for d in (end_on_exclusive, horizon_on) if d is not None)
    if limit <= start_on:
        return []
    if cycle.unit is CycleUnit.ONE_TIME:
        day_after = start_on + timedelta(days=1)
        return [BillingPeriod(start_on, day_after, start_on, day_after)]

    grid = cycle_grid(cycle, anchor, start_on)
    n = grid.index_on_or_before(start_on)
    periods: list[BillingPeriod] = []
    full_start = grid.boundary(n)
    while True:
        full_end = grid.boundary(n + 1)
        period_start = max(full_start, start_on)
        if period_start >= limit:
            return periods
        period_end = full_end if end_on_exclusive is None else min(full_end, end_on_exclusive)
        periods.append(BillingPeriod(period_start, period_end, full_start, full_end))
        n += 1
        full_start = full_end


class ChargeTiming(enum.Enum):
    IN_ADVANCE = "in_advance"
    IN_ARREARS = "in_arrears"


def issue_on(period: BillingPeriod, timing: ChargeTiming) -> date:
    """In advance: the day the period opens. In arrears: the day it closes (its exclusive end)."""
    if timing is ChargeTiming.IN_ADVANCE:
        return period.start_on
    return period.end_on


def due_on(issue_on: date, net_days: int = 30) -> date:
    if isinstance(net_days, bool) or not isinstance(net_days, int) or net_days < 0:
        raise InvalidArgument.single("netDays", "must be a whole number of days, 0 or more")
    return issue_on + timedelta(days=net_days)


def days_between(start_on: date, end_on: date) -> int:
    """Calendar days in `[start_on, end_on)`."""
    if end_on < start_on:
        raise ValueError(f"end {end_on} is before start {start_on}")
    return (end_on - start_on).days


def days_30_360(start_on: date, end_on: date) -> int:
    """Days in `[start_on, end_on)` counting every month as 30 days: 30/360 US (SIA).

    With D1/D2 the days of month of start/end, adjusted in this order (end-of-month rule on):
    1. start and end both the last day of February → D2 = 30;
    2. start the last day of February → D1 = 30;
    3. D2 = 31 and D1 is 30 or 31 → D2 = 30;
    4. D1 = 31 → D1 = 30;
    then `360 * Δyears + 30 * Δmonths + (D2 - D1)`. The February rules keep a period such as
    Feb 28 → Mar 31 (anchor 31, non-leap year) at 30 days rather than 33.
    """
    if end_on < start_on:
        raise ValueError(f"end {end_on} is before start {start_on}")
    d1, d2 = start_on.day, end_on.day
    start_is_feb_end = _is_last_of_february(start_on)
    if start_is_feb_end and _is_last_of_february(end_on):
        d2 = 30
    if start_is_feb_end:
        d1 = 30
    if d2 == 31 and d1 >= 30:
        d2 = 30
    if d1 == 31:
        d1 = 30
    return 360 * (end_on.year - start_on.year) + 30 * (end_on.month - start_on.month) + (d2 - d1)


def _is_last_of_february(day: date) -> bool:
    return day.month == 2 and day.day == days_in_month(day.year, 2)
