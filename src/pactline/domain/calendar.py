"""Billing cycles and anchors: where a line item's cycle boundaries fall, as calendar dates.

Boundaries form a grid indexed by integers. The n-th boundary is computed from the anchor
(`anchor month + n * step months`, day clamped to the month's length) rather than by stepping
from the previous boundary, so an anchor on the 31st returns to the 31st after February.
Timezones play no part here: boundaries are local calendar dates (see `periods`).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from pactline.domain.errors import FieldProblem, InvalidArgument


class CycleUnit(enum.Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ONE_TIME = "one_time"


_MONTHS_PER_UNIT = {CycleUnit.MONTH: 1, CycleUnit.QUARTER: 3, CycleUnit.YEAR: 12}


@dataclass(frozen=True)
class BillingCycle:
    """Every `count` units. `count` is meaningless for ONE_TIME and is not checked there."""

    unit: CycleUnit
    count: int = 1

    def __post_init__(self) -> None:
        if self.unit is CycleUnit.ONE_TIME:
            return
        # bool is an int subclass; `count=True` is a caller bug, not "every 1 unit".
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InvalidArgument.single(
                "billingCycle.count", "must be a whole number of 1 or more"
            )


@dataclass(frozen=True)
class Anchor:
    """What cycle boundaries align to.

    `Anchor()` aligns to the line's start date. Otherwise a `day_of_month` (1-31) or `last_day`,
    plus for QUARTER/YEAR cycles an optional `month` (1-12) that fixes which months boundaries
    fall in. WEEK cycles take an ISO `weekday` (1 = Monday … 7 = Sunday) instead.
    Parts left unset are taken from the start date: without `month`, boundaries fall in the
    start date's month and every `step` months from it.
    """

    day_of_month: int | None = None
    last_day: bool = False
    month: int | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        problems: list[FieldProblem] = []
        if self.day_of_month is not None and not _int_in(self.day_of_month, 1, 31):
            problems.append(FieldProblem("anchor.dayOfMonth", "must be between 1 and 31"))
        if self.day_of_month is not None and self.last_day:
            problems.append(
                FieldProblem("anchor.lastDay", "cannot be combined with anchor.dayOfMonth")
            )
        if self.month is not None:
            if not _int_in(self.month, 1, 12):
                problems.append(FieldProblem("anchor.month", "must be between 1 and 12"))
            # A month alone would leave the day to the start date, which is rarely what an
            # order form saying "anchored on April" means; make the caller say which day.
            if self.day_of_month is None and not self.last_day:
                problems.append(
                    FieldProblem(
                        "anchor.dayOfMonth", "is required with anchor.month (or set lastDay)"
                    )
                )
        if self.weekday is not None:
            if not _int_in(self.weekday, 1, 7):
                problems.append(
                    FieldProblem("anchor.weekday", "must be an ISO weekday between 1 and 7")
                )
            if self.day_of_month is not None or self.last_day or self.month is not None:
                problems.append(
                    FieldProblem("anchor.weekday", "cannot be combined with a day or month")
                )
        if problems:
            raise InvalidArgument(problems)

    def check_for(self, cycle: BillingCycle) -> None:
        """Raise InvalidArgument when this anchor makes no sense for `cycle`."""
        unit = cycle.unit
        if unit is CycleUnit.ONE_TIME:
            return  # a one-time charge has no boundaries to align
        problems: list[FieldProblem] = []
        if unit is CycleUnit.WEEK:
            if self.day_of_month is not None:
                problems.append(
                    FieldProblem("anchor.dayOfMonth", "is not allowed for weekly cycles")
                )
            if self.last_day:
                problems.append(FieldProblem("anchor.lastDay", "is not allowed for weekly cycles"))
            if self.month is not None:
                problems.append(FieldProblem("anchor.month", "is not allowed for weekly cycles"))
        else:
            if self.weekday is not None:
                problems.append(FieldProblem("anchor.weekday", "is allowed for weekly cycles only"))
            if self.month is not None and unit is CycleUnit.MONTH:
                problems.append(
                    FieldProblem("anchor.month", "is allowed for quarterly or yearly cycles only")
                )
        if problems:
            raise InvalidArgument(problems)


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class CycleGrid:
    """All boundaries of one cycle, `boundary(n)` for every integer n, strictly increasing.

    Month grids: boundary n is in month `ref_month_index + n * step` (months since year 0),
    on `day` clamped to that month's length, or on its last day when `day` is None.
    Day grids (weeks): boundary n is `ref_date + n * step` days.
    """

    step: int
    ref_month_index: int = 0
    day: int | None = None
    ref_date: date | None = None

    def boundary(self, n: int) -> date:
        if self.ref_date is not None:
            return self.ref_date + timedelta(days=n * self.step)
        year, month0 = divmod(self.ref_month_index + n * self.step, 12)
        month = month0 + 1
        last = days_in_month(year, month)
        return date(year, month, last if self.day is None else min(self.day, last))

    def index_on_or_before(self, day: date) -> int:
        """The n of the last boundary on or before `day`."""
        if self.ref_date is not None:
            return (day - self.ref_date).days // self.step
        n = (_month_index(day) - self.ref_month_index) // self.step
        # The estimate is off by at most one: a boundary may sit later in `day`'s month.
        while self.boundary(n) > day:
            n -= 1
        while self.boundary(n + 1) <= day:
            n += 1
        return n


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def cycle_grid(cycle: BillingCycle, anchor: Anchor, start_on: date) -> CycleGrid:
    """The boundary grid of a recurring `cycle` for a line starting on `start_on`."""
    anchor.check_for(cycle)
    if cycle.unit is CycleUnit.ONE_TIME:
        raise ValueError("a one-time cycle has no boundaries")
    if cycle.unit is CycleUnit.WEEK:
        weekday = start_on.isoweekday() if anchor.weekday is None else anchor.weekday
        # Pinning the reference to the start date's ISO week fixes the phase of 2+ week cycles.
        ref = start_on + timedelta(days=weekday - start_on.isoweekday())
        return CycleGrid(step=7 * cycle.count, ref_date=ref)
    month = start_on.month if anchor.month is None else anchor.month
    if anchor.last_day:
        day: int | None = None
    elif anchor.day_of_month is not None:
        day = anchor.day_of_month
    else:
        day = start_on.day
    return CycleGrid(
        step=_MONTHS_PER_UNIT[cycle.unit] * cycle.count,
        ref_month_index=start_on.year * 12 + month - 1,
        day=day,
    )
