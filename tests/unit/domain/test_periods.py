"""Billing calendar: periods, contract spans, cycle boundaries, stubs, issue and due dates."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.calendar import days_in_month
from pactline.domain.errors import InvalidArgument
from pactline.domain.periods import (
    Anchor,
    BillingCycle,
    BillingPeriod,
    ChargeTiming,
    CycleUnit,
    Period,
    billing_periods,
    contract_span,
    days_30_360,
    days_between,
    due_on,
    issue_on,
    local_midnight,
)

D = date
MONTHLY = BillingCycle(CycleUnit.MONTH)
QUARTERLY = BillingCycle(CycleUnit.QUARTER)
YEARLY = BillingCycle(CycleUnit.YEAR)
WEEKLY = BillingCycle(CycleUnit.WEEK)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def spans(periods: list[BillingPeriod]) -> list[tuple[date, date]]:
    return [(p.start_on, p.end_on) for p in periods]


def fulls(periods: list[BillingPeriod]) -> list[tuple[date, date]]:
    return [(p.full_start_on, p.full_end_on) for p in periods]


def fields_of(error: InvalidArgument) -> list[str]:
    return [p.field for p in error.problems]


# --- Period -------------------------------------------------------------------------------------


def test_period_rejects_naive_datetimes() -> None:
    naive = datetime(2027, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(naive, utc(2027, 2, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(utc(2027, 1, 1), naive)


@pytest.mark.parametrize("end", [utc(2027, 1, 1), utc(2026, 12, 31)])
def test_period_requires_start_before_end(end: datetime) -> None:
    with pytest.raises(ValueError, match="before its end"):
        Period(utc(2027, 1, 1), end)


def test_period_holds_instants_in_utc() -> None:
    paris = ZoneInfo("Europe/Paris")
    period = Period(datetime(2027, 1, 1, tzinfo=paris), datetime(2027, 2, 1, tzinfo=paris))
    assert period.start == utc(2026, 12, 31, 23)
    assert period.start.tzinfo is UTC
    assert period.end == utc(2027, 1, 31, 23)


def test_period_is_half_open() -> None:
    period = Period(utc(2027, 1, 1), utc(2027, 2, 1))
    assert period.contains(utc(2027, 1, 1))
    assert period.contains(utc(2027, 1, 31, 23, 59, 59, 999999))
    assert not period.contains(utc(2027, 2, 1))
    assert not period.contains(utc(2026, 12, 31, 23, 59, 59, 999999))


def test_contains_rejects_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(utc(2027, 1, 1), utc(2027, 2, 1)).contains(datetime(2027, 1, 5))  # noqa: DTZ001


def test_touching_periods_do_not_overlap() -> None:
    january = Period(utc(2027, 1, 1), utc(2027, 2, 1))
    february = Period(utc(2027, 2, 1), utc(2027, 3, 1))
    assert not january.overlaps(february)
    assert not february.overlaps(january)
    assert january.intersection(february) is None


def test_intersection_of_overlapping_periods() -> None:
    a = Period(utc(2027, 1, 1), utc(2027, 3, 1))
    b = Period(utc(2027, 2, 15), utc(2027, 4, 1))
    assert a.overlaps(b)
    assert a.intersection(b) == Period(utc(2027, 2, 15), utc(2027, 3, 1))
    assert b.intersection(a) == Period(utc(2027, 2, 15), utc(2027, 3, 1))


def test_split_at_sorts_dedupes_and_ignores_edges_and_outside_instants() -> None:
    period = Period(utc(2027, 1, 1), utc(2027, 2, 1))
    new_york = ZoneInfo("America/New_York")
    pieces = period.split_at(
        [
            utc(2027, 1, 20),
            utc(2027, 1, 10),
            datetime(2027, 1, 20, tzinfo=UTC).astimezone(new_york),  # same instant again
            utc(2027, 1, 1),  # start edge
            utc(2027, 2, 1),  # end edge
            utc(2026, 12, 1),  # outside
            utc(2027, 3, 1),  # outside
        ]
    )
    assert pieces == [
        Period(utc(2027, 1, 1), utc(2027, 1, 10)),
        Period(utc(2027, 1, 10), utc(2027, 1, 20)),
        Period(utc(2027, 1, 20), utc(2027, 2, 1)),
    ]


def test_split_at_nothing_returns_the_period() -> None:
    period = Period(utc(2027, 1, 1), utc(2027, 2, 1))
    assert period.split_at([]) == [period]


# --- contract span and timezones ----------------------------------------------------------------


def test_contract_span_in_new_york_is_local_midnight_to_day_after_end() -> None:
    start_at, end_at = contract_span(D(2026, 1, 1), D(2026, 12, 31), "America/New_York")
    assert start_at == utc(2026, 1, 1, 5)
    assert end_at == utc(2027, 1, 1, 5)
    assert start_at.tzinfo is UTC


def test_contract_span_in_paris_across_dst_stays_on_local_midnight() -> None:
    paris = ZoneInfo("Europe/Paris")
    start_at, end_at = contract_span(D(2026, 1, 1), D(2026, 6, 30), "Europe/Paris")
    assert start_at == utc(2025, 12, 31, 23)  # CET, UTC+1
    assert end_at == utc(2026, 6, 30, 22)  # CEST, UTC+2
    for instant in (start_at, end_at):
        assert instant is not None
        local = instant.astimezone(paris)
        assert (local.hour, local.minute, local.second) == (0, 0, 0)


def test_contract_span_without_end_is_open_ended() -> None:
    assert contract_span(D(2026, 1, 1), None, "UTC") == (utc(2026, 1, 1), None)


def test_one_day_contract_spans_one_day() -> None:
    assert contract_span(D(2026, 3, 29), D(2026, 3, 29), "Europe/Paris") == (
        utc(2026, 3, 28, 23),
        utc(2026, 3, 29, 22),  # the spring-forward day is 23 hours long
    )


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "utc", "../etc/passwd", "/etc/localtime"]
)
def test_unknown_timezone_is_invalid_argument_naming_timezone(name: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        contract_span(D(2026, 1, 1), None, name)
    assert fields_of(caught.value) == ["timezone"]


def test_contract_end_before_start_is_invalid_argument_naming_end_date() -> None:
    with pytest.raises(InvalidArgument) as caught:
        contract_span(D(2026, 1, 2), D(2026, 1, 1), "UTC")
    assert fields_of(caught.value) == ["endDate"]


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # Midnight skipped: the day begins at the transition (local 01:00).
        ("America/Santiago", D(2024, 9, 8), utc(2024, 9, 8, 4)),
        ("America/Havana", D(2024, 3, 10), utc(2024, 3, 10, 5)),
        # Midnight repeated: the day begins at the first midnight.
        ("America/Havana", D(2024, 11, 3), utc(2024, 11, 3, 4)),
        ("Asia/Kolkata", D(2027, 1, 1), utc(2026, 12, 31, 18, 30)),
    ],
)
def test_local_midnight_is_the_first_instant_of_the_local_day(
    zone: str, day: date, expected: datetime
) -> None:
    instant = local_midnight(day, zone)
    assert instant == expected
    assert instant.astimezone(ZoneInfo(zone)).date() == day
    assert (instant - timedelta(microseconds=1)).astimezone(ZoneInfo(zone)).date() < day


def test_billing_period_to_utc_in_paris_across_dst() -> None:
    [march] = billing_periods(MONTHLY, Anchor(), D(2026, 3, 1), D(2026, 4, 1), None)
    assert march.to_utc("Europe/Paris") == Period(utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))


def test_billing_period_to_utc_rejects_unknown_timezone() -> None:
    [march] = billing_periods(MONTHLY, Anchor(), D(2026, 3, 1), D(2026, 4, 1), None)
    with pytest.raises(InvalidArgument) as caught:
        march.to_utc("Nowhere/Town")
    assert fields_of(caught.value) == ["timezone"]


# --- billing periods: exact dates ---------------------------------------------------------------


def test_monthly_anchor_31_clamps_short_months_and_re_expands() -> None:
    periods = billing_periods(
        MONTHLY, Anchor(day_of_month=31), D(2027, 1, 31), D(2028, 1, 31), None
    )
    assert [p.start_on for p in periods] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
        D(2027, 6, 30),
        D(2027, 7, 31),
        D(2027, 8, 31),
        D(2027, 9, 30),
        D(2027, 10, 31),
        D(2027, 11, 30),
        D(2027, 12, 31),
    ]
    assert periods[-1].end_on == D(2028, 1, 31)
    assert not any(p.is_stub for p in periods)


def test_monthly_anchor_31_in_leap_year_uses_february_29() -> None:
    periods = billing_periods(
        MONTHLY, Anchor(day_of_month=31), D(2028, 1, 31), D(2028, 4, 30), None
    )
    assert spans(periods) == [
        (D(2028, 1, 31), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 3, 31)),
        (D(2028, 3, 31), D(2028, 4, 30)),
    ]


def test_start_on_31st_with_default_anchor_keeps_the_31st() -> None:
    periods = billing_periods(MONTHLY, Anchor(), D(2027, 1, 31), None, D(2027, 6, 1))
    assert spans(periods) == [
        (D(2027, 1, 31), D(2027, 2, 28)),
        (D(2027, 2, 28), D(2027, 3, 31)),
        (D(2027, 3, 31), D(2027, 4, 30)),
        (D(2027, 4, 30), D(2027, 5, 31)),
        (D(2027, 5, 31), D(2027, 6, 30)),
    ]


def test_start_mid_month_with_anchor_day_1_opens_with_a_stub() -> None:
    periods = billing_periods(MONTHLY, Anchor(day_of_month=1), D(2027, 1, 15), D(2027, 4, 1), None)
    assert spans(periods) == [
        (D(2027, 1, 15), D(2027, 2, 1)),
        (D(2027, 2, 1), D(2027, 3, 1)),
        (D(2027, 3, 1), D(2027, 4, 1)),
    ]
    assert fulls(periods) == [
        (D(2027, 1, 1), D(2027, 2, 1)),
        (D(2027, 2, 1), D(2027, 3, 1)),
        (D(2027, 3, 1), D(2027, 4, 1)),
    ]
    assert [p.is_stub for p in periods] == [True, False, False]
    assert (periods[0].days, periods[0].full_days) == (17, 31)


def test_stubs_at_both_ends() -> None:
    periods = billing_periods(MONTHLY, Anchor(day_of_month=1), D(2027, 1, 15), D(2027, 4, 10), None)
    assert spans(periods) == [
        (D(2027, 1, 15), D(2027, 2, 1)),
        (D(2027, 2, 1), D(2027, 3, 1)),
        (D(2027, 3, 1), D(2027, 4, 1)),
        (D(2027, 4, 1), D(2027, 4, 10)),
    ]
    assert fulls(periods)[0] == (D(2027, 1, 1), D(2027, 2, 1))
    assert fulls(periods)[-1] == (D(2027, 4, 1), D(2027, 5, 1))
    assert [p.is_stub for p in periods] == [True, False, False, True]
    assert (periods[-1].days, periods[-1].full_days) == (9, 30)


def test_quarterly_in_advance_on_last_day() -> None:
    periods = billing_periods(
        QUARTERLY, Anchor(last_day=True), D(2027, 3, 31), D(2028, 3, 31), None
    )
    assert spans(periods) == [
        (D(2027, 3, 31), D(2027, 6, 30)),
        (D(2027, 6, 30), D(2027, 9, 30)),
        (D(2027, 9, 30), D(2027, 12, 31)),
        (D(2027, 12, 31), D(2028, 3, 31)),
    ]
    issues = [issue_on(p, ChargeTiming.IN_ADVANCE) for p in periods]
    assert issues == [D(2027, 3, 31), D(2027, 6, 30), D(2027, 9, 30), D(2027, 12, 31)]
    assert [due_on(d) for d in issues] == [
        D(2027, 4, 30),
        D(2027, 7, 30),
        D(2027, 10, 30),
        D(2028, 1, 30),
    ]


def test_quarterly_last_day_anchored_on_march_starting_mid_february() -> None:
    periods = billing_periods(
        QUARTERLY, Anchor(last_day=True, month=3), D(2028, 2, 10), D(2028, 9, 30), None
    )
    assert spans(periods) == [
        (D(2028, 2, 10), D(2028, 3, 31)),
        (D(2028, 3, 31), D(2028, 6, 30)),
        (D(2028, 6, 30), D(2028, 9, 30)),
    ]
    assert fulls(periods)[0] == (D(2027, 12, 31), D(2028, 3, 31))


def test_quarterly_anchored_on_february_falls_in_feb_may_aug_nov() -> None:
    periods = billing_periods(
        QUARTERLY, Anchor(day_of_month=1, month=2), D(2027, 1, 1), D(2028, 1, 1), None
    )
    assert spans(periods) == [
        (D(2027, 1, 1), D(2027, 2, 1)),
        (D(2027, 2, 1), D(2027, 5, 1)),
        (D(2027, 5, 1), D(2027, 8, 1)),
        (D(2027, 8, 1), D(2027, 11, 1)),
        (D(2027, 11, 1), D(2028, 1, 1)),
    ]
    assert fulls(periods)[0] == (D(2026, 11, 1), D(2027, 2, 1))
    assert fulls(periods)[-1] == (D(2027, 11, 1), D(2028, 2, 1))


def test_yearly_anchored_on_april_1() -> None:
    periods = billing_periods(
        YEARLY, Anchor(day_of_month=1, month=4), D(2027, 1, 15), D(2029, 1, 15), None
    )
    assert spans(periods) == [
        (D(2027, 1, 15), D(2027, 4, 1)),
        (D(2027, 4, 1), D(2028, 4, 1)),
        (D(2028, 4, 1), D(2029, 1, 15)),
    ]
    assert fulls(periods) == [
        (D(2026, 4, 1), D(2027, 4, 1)),
        (D(2027, 4, 1), D(2028, 4, 1)),
        (D(2028, 4, 1), D(2029, 4, 1)),
    ]
    assert periods[0].full_days == 365
    assert periods[-1].full_days == 365


def test_yearly_default_anchor_on_leap_day_clamps_to_february_28() -> None:
    periods = billing_periods(YEARLY, Anchor(), D(2028, 2, 29), D(2032, 2, 29), None)
    assert [p.start_on for p in periods] == [
        D(2028, 2, 29),
        D(2029, 2, 28),
        D(2030, 2, 28),
        D(2031, 2, 28),
    ]
    assert periods[-1].end_on == D(2032, 2, 29)


def test_weekly_default_anchor_is_the_start_weekday() -> None:
    # 2027-01-06 is a Wednesday.
    periods = billing_periods(WEEKLY, Anchor(), D(2027, 1, 6), D(2027, 1, 27), None)
    assert spans(periods) == [
        (D(2027, 1, 6), D(2027, 1, 13)),
        (D(2027, 1, 13), D(2027, 1, 20)),
        (D(2027, 1, 20), D(2027, 1, 27)),
    ]


def test_weekly_anchored_on_monday_starting_wednesday() -> None:
    periods = billing_periods(WEEKLY, Anchor(weekday=1), D(2027, 1, 6), D(2027, 1, 21), None)
    assert spans(periods) == [
        (D(2027, 1, 6), D(2027, 1, 11)),
        (D(2027, 1, 11), D(2027, 1, 18)),
        (D(2027, 1, 18), D(2027, 1, 21)),
    ]
    assert fulls(periods) == [
        (D(2027, 1, 4), D(2027, 1, 11)),
        (D(2027, 1, 11), D(2027, 1, 18)),
        (D(2027, 1, 18), D(2027, 1, 25)),
    ]


def test_every_two_weeks_on_friday_is_phased_by_the_start_week() -> None:
    cycle = BillingCycle(CycleUnit.WEEK, 2)
    periods = billing_periods(cycle, Anchor(weekday=5), D(2027, 1, 6), D(2027, 2, 5), None)
    assert spans(periods) == [
        (D(2027, 1, 6), D(2027, 1, 8)),
        (D(2027, 1, 8), D(2027, 1, 22)),
        (D(2027, 1, 22), D(2027, 2, 5)),
    ]
    assert fulls(periods)[0] == (D(2026, 12, 25), D(2027, 1, 8))


def test_every_two_months_on_day_1() -> None:
    cycle = BillingCycle(CycleUnit.MONTH, 2)
    periods = billing_periods(cycle, Anchor(day_of_month=1), D(2027, 1, 1), D(2027, 7, 1), None)
    assert spans(periods) == [
        (D(2027, 1, 1), D(2027, 3, 1)),
        (D(2027, 3, 1), D(2027, 5, 1)),
        (D(2027, 5, 1), D(2027, 7, 1)),
    ]


def test_every_two_months_on_day_31() -> None:
    cycle = BillingCycle(CycleUnit.MONTH, 2)
    periods = billing_periods(cycle, Anchor(day_of_month=31), D(2026, 12, 31), None, D(2027, 9, 1))
    assert [p.start_on for p in periods] == [
        D(2026, 12, 31),
        D(2027, 2, 28),
        D(2027, 4, 30),
        D(2027, 6, 30),
        D(2027, 8, 31),
    ]


def test_one_time_is_a_single_day_at_the_start() -> None:
    cycle = BillingCycle(CycleUnit.ONE_TIME, count=0)  # count is ignored
    periods = billing_periods(cycle, Anchor(), D(2027, 3, 15), D(2028, 3, 15), None)
    assert periods == [
        BillingPeriod(D(2027, 3, 15), D(2027, 3, 16), D(2027, 3, 15), D(2027, 3, 16))
    ]
    assert not periods[0].is_stub
    assert issue_on(periods[0], ChargeTiming.IN_ADVANCE) == D(2027, 3, 15)


def test_one_time_open_ended_needs_no_horizon_beyond_its_start() -> None:
    periods = billing_periods(
        BillingCycle(CycleUnit.ONE_TIME), Anchor(), D(2027, 3, 15), None, D(2027, 3, 16)
    )
    assert spans(periods) == [(D(2027, 3, 15), D(2027, 3, 16))]


def test_open_ended_stops_at_the_first_period_starting_on_or_after_the_horizon() -> None:
    periods = billing_periods(MONTHLY, Anchor(), D(2027, 1, 15), None, D(2027, 4, 15))
    assert spans(periods) == [
        (D(2027, 1, 15), D(2027, 2, 15)),
        (D(2027, 2, 15), D(2027, 3, 15)),
        (D(2027, 3, 15), D(2027, 4, 15)),
    ]
    more = billing_periods(MONTHLY, Anchor(), D(2027, 1, 15), None, D(2027, 4, 16))
    assert more[-1] == BillingPeriod(D(2027, 4, 15), D(2027, 5, 15), D(2027, 4, 15), D(2027, 5, 15))


def test_horizon_never_cuts_a_period_short() -> None:
    periods = billing_periods(MONTHLY, Anchor(day_of_month=1), D(2027, 1, 15), None, D(2027, 2, 2))
    assert spans(periods) == [(D(2027, 1, 15), D(2027, 2, 1)), (D(2027, 2, 1), D(2027, 3, 1))]


def test_horizon_also_limits_a_bounded_span() -> None:
    periods = billing_periods(MONTHLY, Anchor(), D(2027, 1, 1), D(2028, 1, 1), D(2027, 3, 1))
    assert spans(periods) == [(D(2027, 1, 1), D(2027, 2, 1)), (D(2027, 2, 1), D(2027, 3, 1))]


@pytest.mark.parametrize("horizon", [D(2027, 1, 15), D(2026, 6, 1)])
def test_horizon_on_or_before_start_yields_no_periods(horizon: date) -> None:
    assert billing_periods(MONTHLY, Anchor(), D(2027, 1, 15), None, horizon) == []


def test_open_ended_without_horizon_is_invalid() -> None:
    with pytest.raises(InvalidArgument) as caught:
        billing_periods(MONTHLY, Anchor(), D(2027, 1, 15), None, None)
    assert fields_of(caught.value) == ["horizon"]


@pytest.mark.parametrize("end", [D(2027, 1, 15), D(2027, 1, 14)])
def test_end_not_after_start_is_invalid(end: date) -> None:
    with pytest.raises(InvalidArgument) as caught:
        billing_periods(MONTHLY, Anchor(), D(2027, 1, 15), end, None)
    assert fields_of(caught.value) == ["endDate"]


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"day_of_month": 0}, ["anchor.dayOfMonth"]),
        ({"day_of_month": 32}, ["anchor.dayOfMonth"]),
        ({"day_of_month": 15, "last_day": True}, ["anchor.lastDay"]),
        ({"month": 13, "day_of_month": 1}, ["anchor.month"]),
        ({"month": 0, "last_day": True}, ["anchor.month"]),
        ({"month": 4}, ["anchor.dayOfMonth"]),
        ({"weekday": 0}, ["anchor.weekday"]),
        ({"weekday": 8}, ["anchor.weekday"]),
        ({"weekday": 1, "day_of_month": 1}, ["anchor.weekday"]),
    ],
)
def test_anchor_rejects_invalid_parts(kwargs: dict[str, int | bool], fields: list[str]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        Anchor(**kwargs)  # type: ignore[arg-type]
    assert fields_of(caught.value) == fields


@pytest.mark.parametrize(
    ("cycle", "anchor", "fields"),
    [
        (MONTHLY, Anchor(weekday=1), ["anchor.weekday"]),
        (MONTHLY, Anchor(day_of_month=1, month=4), ["anchor.month"]),
        (WEEKLY, Anchor(day_of_month=1), ["anchor.dayOfMonth"]),
        (WEEKLY, Anchor(last_day=True), ["anchor.lastDay"]),
        (WEEKLY, Anchor(last_day=True, month=3), ["anchor.lastDay", "anchor.month"]),
        (YEARLY, Anchor(weekday=7), ["anchor.weekday"]),
    ],
)
def test_anchor_must_suit_the_cycle(cycle: BillingCycle, anchor: Anchor, fields: list[str]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        billing_periods(cycle, anchor, D(2027, 1, 1), D(2028, 1, 1), None)
    assert fields_of(caught.value) == fields


@pytest.mark.parametrize("count", [0, -1, True])
def test_cycle_count_must_be_positive(count: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        BillingCycle(CycleUnit.MONTH, count)
    assert fields_of(caught.value) == ["billingCycle.count"]


# --- issue and due dates ------------------------------------------------------------------------


def test_issue_dates_in_advance_and_in_arrears() -> None:
    stub = BillingPeriod(D(2027, 1, 15), D(2027, 2, 1), D(2027, 1, 1), D(2027, 2, 1))
    assert issue_on(stub, ChargeTiming.IN_ADVANCE) == D(2027, 1, 15)
    assert issue_on(stub, ChargeTiming.IN_ARREARS) == D(2027, 2, 1)


@pytest.mark.parametrize(
    ("issued", "net", "due"),
    [
        (D(2027, 2, 1), 30, D(2027, 3, 3)),
        (D(2027, 12, 15), 30, D(2028, 1, 14)),
        (D(2027, 2, 1), 0, D(2027, 2, 1)),
        (D(2028, 2, 28), 1, D(2028, 2, 29)),
    ],
)
def test_due_date_is_issue_date_plus_net_days(issued: date, net: int, due: date) -> None:
    assert due_on(issued, net) == due


def test_due_date_defaults_to_net_30() -> None:
    assert due_on(D(2027, 1, 1)) == D(2027, 1, 31)


@pytest.mark.parametrize("net", [-1, True])
def test_negative_net_days_is_invalid(net: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        due_on(D(2027, 1, 1), net)
    assert fields_of(caught.value) == ["netDays"]


# --- day counts ---------------------------------------------------------------------------------


def test_days_between_is_end_exclusive() -> None:
    assert days_between(D(2027, 1, 1), D(2027, 1, 1)) == 0
    assert days_between(D(2027, 1, 15), D(2027, 2, 1)) == 17
    assert days_between(D(2028, 1, 1), D(2029, 1, 1)) == 366
    with pytest.raises(ValueError, match="before start"):
        days_between(D(2027, 1, 2), D(2027, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2027, 1, 1), D(2027, 2, 1), 30),
        (D(2027, 2, 1), D(2027, 3, 1), 30),
        (D(2027, 1, 1), D(2028, 1, 1), 360),
        (D(2027, 1, 15), D(2027, 2, 1), 16),
        (D(2027, 1, 31), D(2027, 2, 28), 28),
        (D(2027, 2, 28), D(2027, 3, 31), 30),  # February end-of-month rule
        (D(2028, 2, 29), D(2028, 3, 31), 30),
        (D(2027, 2, 28), D(2028, 2, 29), 360),  # both last of February
        (D(2027, 3, 31), D(2027, 4, 30), 30),
        (D(2027, 1, 30), D(2027, 1, 31), 0),  # the 31st never counts
        (D(2027, 1, 1), D(2027, 1, 31), 30),
        (D(2027, 1, 10), D(2027, 1, 10), 0),
    ],
)
def test_days_30_360_us(start: date, end: date, days: int) -> None:
    assert days_30_360(start, end) == days


def test_days_30_360_rejects_reversed_dates() -> None:
    with pytest.raises(ValueError, match="before start"):
        days_30_360(D(2027, 2, 1), D(2027, 1, 1))


# --- properties ---------------------------------------------------------------------------------

MONTH_UNITS = {CycleUnit.MONTH: 1, CycleUnit.QUARTER: 3, CycleUnit.YEAR: 12}
dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


@st.composite
def cycles_and_anchors(draw: st.DrawFn) -> tuple[BillingCycle, Anchor]:
    unit = draw(
        st.sampled_from([CycleUnit.WEEK, CycleUnit.MONTH, CycleUnit.QUARTER, CycleUnit.YEAR])
    )
    cycle = BillingCycle(unit, draw(st.integers(1, 3)))
    if unit is CycleUnit.WEEK:
        return cycle, draw(st.sampled_from([Anchor(), *(Anchor(weekday=w) for w in range(1, 8))]))
    month = None if unit is CycleUnit.MONTH else draw(st.none() | st.integers(1, 12))
    kind = draw(st.sampled_from(["default", "day", "last"] if month is None else ["day", "last"]))
    if kind == "default":
        return cycle, Anchor()
    if kind == "last":
        return cycle, Anchor(last_day=True, month=month)
    return cycle, Anchor(day_of_month=draw(st.integers(1, 31)), month=month)


def expected_boundary_day(anchor: Anchor, start_on: date, boundary: date) -> int:
    last = days_in_month(boundary.year, boundary.month)
    if anchor.last_day:
        return last
    return min(anchor.day_of_month or start_on.day, last)


@given(cycles_and_anchors(), dates, st.integers(1, 1500))
def test_periods_tile_the_span_inside_their_full_periods(
    cycle_anchor: tuple[BillingCycle, Anchor], start_on: date, length: int
) -> None:
    cycle, anchor = cycle_anchor
    end_on = start_on + timedelta(days=length)
    periods = billing_periods(cycle, anchor, start_on, end_on, None)

    assert periods[0].start_on == start_on
    assert periods[-1].end_on == end_on
    for before, after in itertools.pairwise(periods):
        assert before.end_on == after.start_on
        assert before.full_end_on == after.full_start_on
    assert sum(p.days for p in periods) == length
    for index, period in enumerate(periods):
        assert period.full_start_on <= period.start_on < period.end_on <= period.full_end_on
        if not period.is_stub:
            assert (period.start_on, period.end_on) == (period.full_start_on, period.full_end_on)
        if 0 < index < len(periods) - 1:
            assert not period.is_stub


@given(cycles_and_anchors(), dates, st.integers(1, 1500))
def test_every_boundary_falls_on_the_anchor_day_clamped_to_the_month(
    cycle_anchor: tuple[BillingCycle, Anchor], start_on: date, length: int
) -> None:
    cycle, anchor = cycle_anchor
    periods = billing_periods(cycle, anchor, start_on, start_on + timedelta(days=length), None)
    boundaries = [periods[0].full_start_on, *(p.full_end_on for p in periods)]
    if cycle.unit is CycleUnit.WEEK:
        weekday = anchor.weekday or start_on.isoweekday()
        assert {b.isoweekday() for b in boundaries} == {weekday}
        assert {p.full_days for p in periods} == {7 * cycle.count}
        return
    step = MONTH_UNITS[cycle.unit] * cycle.count
    for boundary in boundaries:
        assert boundary.day == expected_boundary_day(anchor, start_on, boundary)
        if anchor.month is not None:
            anchor_month_index = start_on.year * 12 + anchor.month - 1
            assert (boundary.year * 12 + boundary.month - 1 - anchor_month_index) % step == 0
    for period in periods:
        months = (period.full_end_on.year - period.full_start_on.year) * 12 + (
            period.full_end_on.month - period.full_start_on.month
        )
        assert months == step


@given(cycles_and_anchors(), dates, st.integers(1, 1500))
def test_open_ended_periods_start_before_the_horizon(
    cycle_anchor: tuple[BillingCycle, Anchor], start_on: date, length: int
) -> None:
    cycle, anchor = cycle_anchor
    horizon = start_on + timedelta(days=length)
    periods = billing_periods(cycle, anchor, start_on, None, horizon)
    assert periods[0].start_on == start_on
    assert all(p.start_on < horizon for p in periods)
    assert periods[-1].end_on >= horizon
    assert all(p.end_on == p.full_end_on for p in periods)
    assert all(not p.is_stub for p in periods[1:])


@given(
    cycles_and_anchors(),
    dates,
    st.integers(1, 400),
    st.sampled_from(
        ["UTC", "America/New_York", "Europe/Paris", "Australia/Lord_Howe", "America/Santiago"]
    ),
)
def test_utc_periods_are_contiguous_local_midnights(
    cycle_anchor: tuple[BillingCycle, Anchor], start_on: date, length: int, zone: str
) -> None:
    cycle, anchor = cycle_anchor
    periods = billing_periods(cycle, anchor, start_on, start_on + timedelta(days=length), None)
    instants = [p.to_utc(zone) for p in periods]
    for before, after in itertools.pairwise(instants):
        assert before.end == after.start
    assert (instants[0].start, instants[-1].end) == contract_span(
        start_on, start_on + timedelta(days=length - 1), zone
    )


@given(dates, dates)
def test_days_30_360_is_never_negative_and_counts_whole_months_as_30(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    assert days_30_360(start, end) >= 0
    first_of_start = start.replace(day=1)
    first_of_end = end.replace(day=1)
    months = (
        (first_of_end.year - first_of_start.year) * 12 + first_of_end.month - first_of_start.month
    )
    assert days_30_360(first_of_start, first_of_end) == 30 * months
