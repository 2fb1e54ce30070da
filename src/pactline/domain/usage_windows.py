"""Usage windows: the half-open period in which usage accumulates before it resets.

Each reset period lays a grid of boundaries: local wall-clock instants in the customer's
timezone (hours, midnights, the subscription start's day and time each month...) turned into
UTC. A wall time skipped by a DST gap becomes the gap's transition instant; a repeated one its
first occurrence. The grid is therefore non-decreasing, and the window of an instant is the
grid cell `[B(n), B(n+1))` that contains it, so windows always contain their instant and
consecutive windows touch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pactline.domain.calendar import days_in_month
from pactline.domain.entitlements import ResetAnchor, ResetPeriod
from pactline.domain.periods import Period, resolve_timezone

# The end of a window that never resets.
OPEN_END = datetime(9999, 1, 1, tzinfo=UTC)

_WEEKDAYS = {  # Python's weekday(): Monday is 0
    ResetAnchor.EVERY_MONDAY: 0,
    ResetAnchor.EVERY_TUESDAY: 1,
    ResetAnchor.EVERY_WEDNESDAY: 2,
    ResetAnchor.EVERY_THURSDAY: 3,
    ResetAnchor.EVERY_FRIDAY: 4,
    ResetAnchor.EVERY_SATURDAY: 5,
    ResetAnchor.EVERY_SUNDAY: 6,
}
_ORIGIN = datetime(2000, 1, 1)  # noqa: DTZ001 - a local wall-clock origin, never an instant
_HOUR = timedelta(hours=1)
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class ResetPolicy:
    """How one customer's usage of one feature resets: the entitlement's reset period and
    anchor, the subscription's start and the customer's timezone."""

    reset_period: ResetPeriod | None
    anchor: ResetAnchor | None
    subscription_start: datetime
    timezone: str = "UTC"

    def window(self, at: datetime) -> Period | None:
        return usage_window(
            self.reset_period, self.anchor, self.subscription_start, at, self.timezone
        )


def usage_window(
    reset_period: ResetPeriod | None,
    anchor: ResetAnchor | None,
    subscription_start: datetime,
    at: datetime,
    timezone: str,
) -> Period | None:
    """The window containing `at`.

    HOUR: the local hour. DAY: the local day. WEEK: 7-day steps from the subscription start
    (anchor SubscriptionStart or none), or from local midnight of the anchor's weekday.
    MONTH: monthly from the subscription start's day and time (a day the month lacks is its
    last day, and the next month returns to the anchor day), or the calendar month
    (StartOfTheMonth). YEAR: yearly from the subscription start. No reset period: from the
    subscription start, open-ended (None before it). Anchors that do not fit the period (a
    weekday for MONTH) fall back to the subscription start.
    """
    for name, value in (("at", at), ("subscription_start", subscription_start)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    if reset_period is None:
        if subscription_start <= at < OPEN_END:
            return Period(subscription_start, OPEN_END)
        return None
    zone = resolve_timezone(timezone)
    boundary, guess = _grid(reset_period, anchor, _wall(subscription_start, zone), zone)
    n = guess(_wall(at, zone))
    while boundary(n) > at:
        n -= 1
    while boundary(n + 1) <= at:
        n += 1
    return Period(boundary(n), boundary(n + 1))


Boundary = Callable[[int], datetime]
Guess = Callable[[datetime], int]


def _grid(
    period: ResetPeriod, anchor: ResetAnchor | None, start: datetime, zone: ZoneInfo
) -> tuple[Boundary, Guess]:
    """The boundary B(n) of cell n, and a cell close to a local wall time's."""
    if period is ResetPeriod.HOUR:
        return (
            lambda n: resolve(_ORIGIN + n * _HOUR, zone),
            lambda wall: (wall - _ORIGIN) // _HOUR,
        )
    if period is ResetPeriod.DAY:
        return (
            lambda n: resolve(_midnight(date.fromordinal(n)), zone),
            lambda wall: wall.toordinal(),
        )
    if period is ResetPeriod.WEEK:
        if anchor in _WEEKDAYS:
            base = 1 + _WEEKDAYS[anchor]  # ordinal 1 (0001-01-01) is a Monday
            return (
                lambda n: resolve(_midnight(date.fromordinal(base + 7 * n)), zone),
                lambda wall: (wall.toordinal() - base) // 7,
            )
        return (lambda n: resolve(start + n * _WEEK, zone), lambda wall: (wall - start) // _WEEK)
    if period is ResetPeriod.MONTH:
        if anchor is ResetAnchor.START_OF_THE_MONTH:
            return (
                lambda n: resolve(_midnight(_month(n, 1)), zone),
                _month_index,
            )
        first = _month_index(start)
        return (
            lambda n: resolve(datetime.combine(_month(first + n, start.day), start.time()), zone),
            lambda wall: _month_index(wall) - first,
        )
    return (
        lambda n: resolve(_in_year(start, start.year + n), zone),
        lambda wall: wall.year - start.year,
    )


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _month_index(wall: datetime | date) -> int:
    return wall.year * 12 + wall.month - 1


def _month(index: int, anchor_day: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, min(anchor_day, days_in_month(year, month + 1)))


def _in_year(start: datetime, year: int) -> datetime:
    day = min(start.day, days_in_month(year, start.month))
    return start.replace(year=year, day=day)


def resolve(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time: its first occurrence when the clock repeats
    it, the transition instant when a DST gap skips it."""
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(earlier, zone) == wall:
        return earlier
    later = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    second = timedelta(seconds=1)
    low = min(earlier, later).replace(microsecond=0)
    high = max(earlier, later).replace(microsecond=0) + second
    before = low.astimezone(zone).utcoffset()
    # Offsets change on whole seconds: bisect for the first second with the new offset.
    while high - low > second:
        middle = low + ((high - low) // (2 * second)) * second
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high
