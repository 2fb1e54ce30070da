"""Metering: reported values, running totals, meter matching and aggregation, usage windows."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.catalog import (
    Aggregation,
    Condition,
    Meter,
    MeterFilter,
    Operation,
    Rounding,
    UnitTransformation,
)
from pactline.domain.entitlements import ResetAnchor, ResetPeriod
from pactline.domain.errors import InvalidArgument
from pactline.domain.metering import (
    OPEN_END,
    MeterRunning,
    Running,
    Sample,
    UpdateBehavior,
    UsageRecord,
    aggregate,
    event_names,
    from_running,
    matches,
    new_ids,
    normalized_value,
    reported_usage,
    sample,
    transformed,
    usage_window,
    value_problems,
    window_usage,
)
from pactline.domain.periods import Period

DELTA, SET = UpdateBehavior.DELTA, UpdateBehavior.SET
T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- reported values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("3", "3"),
        ("2.000004", "2"),
        ("1.000005", "1.00001"),
        ("-1.000005", "-1.00001"),  # half away from zero
        ("0.1", "0.1"),
        ("9007199254740991", "9007199254740991"),
        ("34359738367.5", "34359738367.5"),
    ],
)
def test_values_are_rounded_half_away_from_zero_to_five_places(sent: str, stored: str) -> None:
    assert normalized_value(Decimal(sent)) == Decimal(stored)
    assert str(normalized_value(Decimal(sent))) == stored


@pytest.mark.parametrize("sent", ["9007199254740992", "34359738368.5", "NaN", "Infinity"])
def test_values_out_of_range_are_refused(sent: str) -> None:
    assert normalized_value(Decimal(sent)) is None
    _, problems = value_problems(Decimal(sent), DELTA, "usages[0].value")
    assert [(p.field, p.code) for p in problems] == [("usages[0].value", "out_of_range")]


def test_a_set_value_below_zero_is_refused_but_a_negative_delta_is_a_decrement() -> None:
    assert value_problems(Decimal(-2), DELTA, "v") == (Decimal(-2), [])
    _, problems = value_problems(Decimal(-2), SET, "v")
    assert [(p.field, p.code) for p in problems] == [("v", "negative")]


def test_ids_minted_in_a_batch_are_distinct_and_sort_by_time() -> None:
    earlier = new_ids("usg", T0, 500)
    later = new_ids("usg", T0 + timedelta(milliseconds=1), 3)
    assert len(set(earlier)) == 500
    assert all(len(i) == len("usg_") + 26 for i in earlier + later)
    assert max(earlier) < min(later)
    # The random part uses every Crockford letter, and nothing else (8,000 draws: a missing
    # letter would have probability 32 * (31/32) ** 8000, about 1e-109).
    assert set("".join(i[len("usg_") + 10 :] for i in earlier)) == set(
        "0123456789abcdefghjkmnpqrstvwxyz"
    )


# --- running totals ----------------------------------------------------------------------------


def record(value: str, behavior: UpdateBehavior, when: datetime) -> UsageRecord:
    return UsageRecord("r", "env", "c", "f", Decimal(value), behavior, when, when)


def test_a_set_restarts_the_count_and_later_deltas_add_to_it() -> None:
    records = [
        record("5", DELTA, at(1)),
        record("100", SET, at(2)),
        record("3", DELTA, at(3)),
        record("-1", DELTA, at(4)),
    ]
    assert reported_usage(records) == Decimal(102)


def test_the_usage_of_a_window_comes_from_the_states_at_its_two_edges() -> None:
    states = []
    state = Running()
    for r in [record("5", DELTA, at(1)), record("7", DELTA, at(2)), record("2", DELTA, at(3))]:
        state = state.after(r.behavior, r.value, r.occurred_at)
        states.append(state)
    # window [day 2, day 4): the state after day 3's record minus the state after day 1's
    assert window_usage(states[2], states[0], at(2)) == Decimal(9)
    assert window_usage(states[2], None, None) == Decimal(14)
    assert window_usage(None, None, at(2)) == Decimal(0)


def test_a_set_before_the_window_does_not_reset_it_but_one_inside_does() -> None:
    before = Running().after(SET, Decimal(50), at(1))
    inside = before.after(DELTA, Decimal(4), at(5))
    assert window_usage(inside, before, at(3)) == Decimal(4)
    reset = inside.after(SET, Decimal(10), at(6)).after(DELTA, Decimal(1), at(7))
    assert window_usage(reset, before, at(3)) == Decimal(11)
    assert reset.level == Decimal(11)


entries = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=30),
        st.sampled_from([DELTA, DELTA, SET]),
        st.decimals(min_value=-1000, max_value=1000, places=5, allow_nan=False),
    ),
    max_size=30,
)


@given(entries, st.integers(0, 31), st.integers(0, 31))
def test_window_usage_from_running_states_equals_counting_the_window(
    raw: list[tuple[int, UpdateBehavior, Decimal]], a: int, b: int
) -> None:
    start, end = at(1) + timedelta(days=min(a, b)), at(1) + timedelta(days=max(a, b) + 1)
    records = sorted(
        (
            record(str(abs(v) if kind is SET else v), kind, at(1) + timedelta(days=d))
            for d, kind, v in raw
        ),
        key=lambda r: r.occurred_at,
    )
    states = []
    state = Running()
    for r in records:
        state = state.after(r.behavior, r.value, r.occurred_at)
        states.append(state)
    instants = [r.occurred_at for r in records]
    first, last = bisect_left(instants, start), bisect_left(instants, end)
    expected = reported_usage(records[first:last])
    assert (
        window_usage(
            states[last - 1] if last else None, states[first - 1] if first else None, start
        )
        == expected
    )


# --- meters ------------------------------------------------------------------------------------


def meter(*filters: tuple[Condition, ...], aggregation: Aggregation = Aggregation.COUNT) -> Meter:
    field = None if aggregation is Aggregation.COUNT else "bytes"
    return Meter(aggregation, field, tuple(MeterFilter(f) for f in filters))


def cond(field: str, operation: Operation, value: str | None = None, *values: str) -> Condition:
    return Condition(field, operation, value, tuple(values) if values else None)


@pytest.mark.parametrize(
    ("condition", "dimensions", "expected"),
    [
        (cond("region", Operation.EQUALS, "eu"), {"region": "eu"}, True),
        (cond("region", Operation.EQUALS, "eu"), {"region": "us"}, False),
        (cond("region", Operation.NOT_EQUALS, "eu"), {"region": "us"}, True),
        (cond("region", Operation.NOT_EQUALS, "eu"), {}, False),  # a missing field matches nothing
        (cond("size", Operation.EQUALS, "5"), {"size": 5}, True),  # numbers compare as text
        (cond("size", Operation.EQUALS, "5"), {"size": 5.0}, True),
        (cond("ok", Operation.EQUALS, "true"), {"ok": True}, True),
        (
            cond("size", Operation.GREATER_THAN, "9"),
            {"size": 10},
            True,
        ),  # numerically, not "10" < "9"
        (cond("size", Operation.GREATER_THAN, "9"), {"size": "10"}, True),
        (cond("size", Operation.GREATER_THAN, "10"), {"size": 10}, False),
        (cond("size", Operation.GREATER_THAN_OR_EQUAL, "10"), {"size": 10}, True),
        (cond("size", Operation.LESS_THAN, "2.5"), {"size": 2.4}, True),
        (cond("size", Operation.LESS_THAN_OR_EQUAL, "2.5"), {"size": 2.5}, True),
        (cond("size", Operation.LESS_THAN, "3"), {"size": "small"}, False),  # not a number
        (cond("size", Operation.LESS_THAN, "3"), {"size": True}, False),
        (cond("plan", Operation.IS_NULL), {}, True),
        (cond("plan", Operation.IS_NULL), {"plan": "pro"}, False),
        (cond("plan", Operation.IS_NOT_NULL), {"plan": "pro"}, True),
        (cond("plan", Operation.IS_NOT_NULL), {}, False),
        (cond("path", Operation.CONTAINS, "/v2/"), {"path": "/api/v2/x"}, True),
        (cond("path", Operation.STARTS_WITH, "/api"), {"path": "/api/v2/x"}, True),
        (cond("path", Operation.ENDS_WITH, "/x"), {"path": "/api/v2/y"}, False),
        (cond("region", Operation.IN, None, "eu", "uk"), {"region": "uk"}, True),
        (cond("region", Operation.IN, None, "eu", "uk"), {"region": "us"}, False),
        (cond("dimensions.region", Operation.EQUALS, "eu"), {"region": "eu"}, True),
    ],
)
def test_every_operation_on_dimensions(
    condition: Condition, dimensions: dict[str, str | int | float | bool], expected: bool
) -> None:
    assert matches(meter((condition,)), "call", dimensions) is expected


def test_conditions_of_a_filter_are_anded_and_filters_are_ored() -> None:
    both = (cond("eventName", Operation.EQUALS, "call"), cond("region", Operation.EQUALS, "eu"))
    either = meter(both, (cond("vip", Operation.EQUALS, "true"),))
    assert matches(either, "call", {"region": "eu"})
    assert not matches(either, "call", {"region": "us"})
    assert not matches(either, "upload", {"region": "eu"})
    assert matches(either, "upload", {"vip": True})
    assert matches(meter(), "anything", {})  # no filters: every event counts


def test_the_event_names_a_meter_can_count_let_ingestion_skip_the_others() -> None:
    name = cond("eventName", Operation.EQUALS, "upload")
    assert event_names(meter((name, cond("region", Operation.EQUALS, "eu")))) == {"upload"}
    both = meter((name,), (cond("eventName", Operation.IN, None, "put", "post"),))
    assert event_names(both) == {"upload", "put", "post"}
    assert event_names(meter((name,), (cond("vip", Operation.EQUALS, "true"),))) is None
    assert event_names(meter((cond("eventName", Operation.STARTS_WITH, "up"),))) is None
    assert event_names(meter()) is None


def samples(m: Meter, *values: object) -> list[Sample]:
    out = []
    for value in values:
        dims = {} if value is None else {"bytes": value}
        counted = sample(m, "upload", dims)  # type: ignore[arg-type]
        if counted is not None:
            out.append(counted)
    return out


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (Aggregation.COUNT, "5"),  # every matching event, with or without the field
        (Aggregation.SUM, "16.5"),  # events without a numeric field are not counted
        (Aggregation.MAX, "10"),
        (Aggregation.MIN, "1.5"),
        (Aggregation.AVG, "5.5"),
        (Aggregation.UNIQUE, "4"),  # distinct values of the field, as text
    ],
)
def test_aggregations_over_the_field(aggregation: Aggregation, expected: str) -> None:
    m = meter(aggregation=aggregation)
    counted = samples(m, 10, "5", 1.5, None, "n/a")
    assert aggregate(aggregation, counted) == Decimal(expected)


def test_running_meter_state_gives_count_sum_and_average_of_a_window() -> None:
    states = [MeterRunning()]
    for value in ["4", "6", "11"]:
        states.append(states[-1].after(Sample(Decimal(value))))
    assert from_running(Aggregation.COUNT, states[3], states[1]) == Decimal(2)
    assert from_running(Aggregation.SUM, states[3], states[1]) == Decimal(17)
    assert from_running(Aggregation.AVG, states[3], states[1]) == Decimal("8.5")
    assert from_running(Aggregation.AVG, states[1], states[1]) == Decimal(0)


def test_unit_transformation_divides_then_rounds() -> None:
    down = UnitTransformation(divide=1000)
    up = UnitTransformation(divide=1000, round=Rounding.UP)
    assert transformed(Decimal(2999), down) == Decimal(2)
    assert transformed(Decimal(2001), up) == Decimal(3)
    assert transformed(Decimal(3000), up) == Decimal(3)
    assert transformed(Decimal(7), None) == Decimal(7)


# --- usage windows -----------------------------------------------------------------------------

START = datetime(2026, 1, 31, 10, 15, tzinfo=UTC)  # a subscription started on the 31st


def window(
    period: ResetPeriod | None,
    when: datetime,
    anchor: ResetAnchor | None = None,
    timezone: str = "UTC",
    start: datetime = START,
) -> Period | None:
    return usage_window(period, anchor, start, when, timezone)


def test_monthly_windows_clamp_to_short_months_and_return_to_the_anchor_day() -> None:
    assert window(ResetPeriod.MONTH, at(15, month=2)) == Period(START, at(28, 10, 15, month=2))
    assert window(ResetPeriod.MONTH, at(1, month=3)) == Period(
        at(28, 10, 15, month=2), at(31, 10, 15, month=3)
    )
    assert window(ResetPeriod.MONTH, at(30, 12, month=4)) == Period(
        at(30, 10, 15, month=4), at(31, 10, 15, month=5)
    )
    leap = datetime(2028, 2, 15, tzinfo=UTC)
    assert window(ResetPeriod.MONTH, leap) == Period(
        datetime(2028, 1, 31, 10, 15, tzinfo=UTC), datetime(2028, 2, 29, 10, 15, tzinfo=UTC)
    )


def test_calendar_months_start_at_local_midnight() -> None:
    paris = window(
        ResetPeriod.MONTH, at(15, month=3), ResetAnchor.START_OF_THE_MONTH, "Europe/Paris"
    )
    # March 2026 in Paris: from 1 March 00:00 CET to 1 April 00:00 CEST
    assert paris == Period(
        datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC)
    )


def test_days_and_hours_are_local() -> None:
    tokyo = window(ResetPeriod.DAY, at(20, 16), timezone="Asia/Tokyo")
    assert tokyo == Period(at(20, 15), at(21, 15))  # 21 January 00:00 JST is 15:00 UTC
    kolkata = window(ResetPeriod.HOUR, at(20, 16, 40), timezone="Asia/Kolkata")
    assert kolkata == Period(at(20, 16, 30), at(20, 17, 30))


def test_a_day_with_a_dst_change_is_23_or_25_hours_long() -> None:
    spring = window(ResetPeriod.DAY, at(29, 12, month=3), timezone="Europe/Paris")
    assert spring is not None
    assert spring.end - spring.start == timedelta(hours=23)
    autumn = window(ResetPeriod.DAY, at(25, 12, month=10), timezone="Europe/Paris")
    assert autumn is not None
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_weeks_run_from_the_subscription_start_or_from_the_named_weekday() -> None:
    assert window(ResetPeriod.WEEK, at(9, month=2)) == Period(
        at(7, 10, 15, month=2), at(14, 10, 15, month=2)
    )
    mondays = window(ResetPeriod.WEEK, at(4, 12, month=2), ResetAnchor.EVERY_MONDAY, "UTC")
    assert mondays == Period(at(2, month=2), at(9, month=2))  # 2 February 2026 is a Monday
    sundays = window(ResetPeriod.WEEK, at(4, 12, month=2), ResetAnchor.EVERY_SUNDAY, "UTC")
    assert sundays == Period(at(1, month=2), at(8, month=2))


def test_years_run_from_the_subscription_start_and_a_leap_day_clamps() -> None:
    leap_start = datetime(2024, 2, 29, 8, tzinfo=UTC)
    assert window(ResetPeriod.YEAR, datetime(2025, 6, 1, tzinfo=UTC), start=leap_start) == Period(
        datetime(2025, 2, 28, 8, tzinfo=UTC), datetime(2026, 2, 28, 8, tzinfo=UTC)
    )
    assert window(ResetPeriod.YEAR, datetime(2028, 3, 1, tzinfo=UTC), start=leap_start) == Period(
        datetime(2028, 2, 29, 8, tzinfo=UTC), datetime(2029, 2, 28, 8, tzinfo=UTC)
    )


def test_without_a_reset_period_usage_counts_from_the_subscription_start() -> None:
    assert window(None, at(1, month=6)) == Period(START, OPEN_END)
    assert window(None, at(1)) is None  # before the subscription started


def test_an_anchor_that_does_not_fit_the_period_falls_back_to_the_subscription_start() -> None:
    assert window(ResetPeriod.MONTH, at(15, month=2), ResetAnchor.EVERY_FRIDAY) == window(
        ResetPeriod.MONTH, at(15, month=2)
    )


def test_an_unknown_timezone_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgument):
        window(ResetPeriod.DAY, at(1), timezone="Mars/Olympus")


ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "America/Santiago",
    "Asia/Kathmandu",
]
instants = st.datetimes(
    min_value=datetime(2005, 1, 1),  # noqa: DTZ001 - Hypothesis bounds are naive; values are UTC
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
periods = st.sampled_from(list(ResetPeriod))
anchors = st.none() | st.sampled_from(list(ResetAnchor))


@given(periods, anchors, instants, instants, st.sampled_from(ZONES))
def test_the_window_of_an_instant_contains_it(
    period: ResetPeriod, anchor: ResetAnchor | None, start: datetime, when: datetime, zone: str
) -> None:
    found = usage_window(period, anchor, start, when, zone)
    assert found is not None
    assert found.start <= when < found.end


@given(periods, anchors, instants, instants, st.sampled_from(ZONES))
def test_consecutive_windows_touch_and_each_instant_keeps_its_window(
    period: ResetPeriod, anchor: ResetAnchor | None, start: datetime, when: datetime, zone: str
) -> None:
    current = usage_window(period, anchor, start, when, zone)
    assert current is not None
    following = usage_window(period, anchor, start, current.end, zone)
    assert following is not None
    assert following.start == current.end
    last_instant = usage_window(
        period, anchor, start, current.end - timedelta(microseconds=1), zone
    )
    assert last_instant == current
    assert usage_window(period, anchor, start, current.start, zone) == current


@given(periods, anchors, instants, instants, st.sampled_from(ZONES))
def test_window_lengths_stay_near_their_period(
    period: ResetPeriod, anchor: ResetAnchor | None, start: datetime, when: datetime, zone: str
) -> None:
    found = usage_window(period, anchor, start, when, zone)
    assert found is not None
    length = found.end - found.start
    bounds = {  # DST and timezone changes stretch or shrink a window by at most a day
        ResetPeriod.HOUR: (timedelta(minutes=30), timedelta(hours=2)),
        ResetPeriod.DAY: (timedelta(hours=22), timedelta(hours=26)),
        ResetPeriod.WEEK: (timedelta(days=6), timedelta(days=8)),
        ResetPeriod.MONTH: (timedelta(days=27), timedelta(days=32)),
        ResetPeriod.YEAR: (timedelta(days=364), timedelta(days=367)),
    }[period]
    assert bounds[0] <= length <= bounds[1]


@given(anchors, instants, instants)
def test_monthly_windows_from_the_start_open_on_its_day_or_the_last_of_a_shorter_month(
    anchor: ResetAnchor | None, start: datetime, when: datetime
) -> None:
    zone = ZoneInfo("America/New_York")
    if anchor is ResetAnchor.START_OF_THE_MONTH:
        return
    found = usage_window(ResetPeriod.MONTH, anchor, start, when, "America/New_York")
    assert found is not None
    opened = found.start.astimezone(zone)
    anchor_day = start.astimezone(zone).day
    assert opened.day == anchor_day or (
        opened.day < anchor_day and (opened + timedelta(days=1)).day == 1
    )


@given(instants, st.sampled_from(ZONES))
def test_daily_windows_open_where_the_local_date_changes(when: datetime, zone: str) -> None:
    found = usage_window(ResetPeriod.DAY, None, START, when, zone)
    assert found is not None
    local = ZoneInfo(zone)
    before = (found.start - timedelta(microseconds=1)).astimezone(local)
    assert before.date() < found.start.astimezone(local).date()
