"""Usage lines filtered by dimensions (BILLING-SEMANTICS §10): which usage passes, which filters
can never share usage, and a filtered window measured from its rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.catalog import (
    Aggregation,
    Condition,
    Feature,
    FeatureStatus,
    FeatureType,
    Meter,
    MeterType,
    Operation,
    Rounding,
    UnitTransformation,
)
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.metering import (
    DimensionValue,
    MeterMatch,
    Running,
    Sample,
    UpdateBehavior,
    UsageRecord,
    window_usage,
)
from pactline.domain.usage_filters import (
    UsageFilter,
    describe,
    filtered_usage,
    may_overlap,
    passes,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 2, 1, tzinfo=UTC)
DELTA, SET = UpdateBehavior.DELTA, UpdateBehavior.SET
EU = (Condition("region", Operation.EQUALS, "eu"),)
US = (Condition("region", Operation.EQUALS, "us"),)
NO_REGION = (Condition("region", Operation.IS_NULL),)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def feature(meter_type: MeterType, meter: Meter | None = None, **extra: object) -> Feature:
    return Feature(
        id="calls",
        environment_id="env",
        display_name="Calls",
        feature_type=FeatureType.NUMBER,
        status=FeatureStatus.ACTIVE,
        meter_type=meter_type,
        created_at=START,
        updated_at=START,
        meter=meter,
        **extra,  # type: ignore[arg-type]
    )


def record(
    at: datetime,
    value: int,
    dimensions: dict[str, DimensionValue] | None = None,
    behavior: UpdateBehavior = DELTA,
) -> UsageRecord:
    return UsageRecord(
        id=f"r-{at.isoformat()}-{value}",
        environment_id="env",
        customer_id="acme",
        feature_id="calls",
        value=Decimal(value),
        behavior=behavior,
        occurred_at=at,
        recorded_at=at,
        dimensions=dimensions or {},
    )


def match(
    at: datetime, value: int, dimensions: dict[str, DimensionValue]
) -> tuple[MeterMatch, dict[str, DimensionValue]]:
    sample = Sample(value=Decimal(value))
    return MeterMatch(f"e-{at.isoformat()}", "env", "acme", "calls", at, sample), dimensions


INCREMENTAL = feature(MeterType.INCREMENTAL)
PEAK = FluctuatingUsage.PEAK


def test_a_filter_passes_usage_whose_dimensions_pass_every_condition() -> None:
    pro_in_eu = (*EU, Condition("plan", Operation.IN, values=("pro", "team")))
    assert passes(pro_in_eu, {"region": "eu", "plan": "team"})
    assert not passes(pro_in_eu, {"region": "eu", "plan": "free"})
    assert not passes(pro_in_eu, {"plan": "pro"})
    assert passes((), {})  # no filter: all usage
    assert passes((Condition("dimensions.region", Operation.EQUALS, "eu"),), {"region": "eu"})
    assert passes((Condition("size", Operation.GREATER_THAN, "9"),), {"size": 10})
    assert passes((Condition("beta", Operation.EQUALS, "true"),), {"beta": True})


def test_filters_that_pin_a_dimension_to_different_values_never_share_usage() -> None:
    assert not may_overlap(EU, US)
    assert not may_overlap(EU, (Condition("region", Operation.IN, values=("us", "ca")),))
    assert not may_overlap(EU, NO_REGION)
    assert not may_overlap(NO_REGION, (Condition("region", Operation.STARTS_WITH, "e"),))
    assert not may_overlap(EU, (Condition("dimensions.region", Operation.EQUALS, "us"),))
    # A filter that nothing passes overlaps nothing.
    assert not may_overlap((*EU, *US), ())


def test_anything_else_counts_as_a_possible_overlap() -> None:
    assert may_overlap((), EU)
    assert may_overlap(EU, (Condition("region", Operation.IN, values=("us", "eu")),))
    assert may_overlap(EU, (Condition("plan", Operation.EQUALS, "pro"),))
    # Not proved apart, though no usage passes both: the rule stays simple and safe.
    assert may_overlap(EU, (Condition("region", Operation.NOT_EQUALS, "eu"),))
    assert may_overlap(NO_REGION, (Condition("region", Operation.NOT_EQUALS, "eu"),))


def test_a_filter_reads_as_written() -> None:
    assert describe(()) == "all usage"
    in_list = Condition("plan", Operation.IN, values=("pro", "team"))
    assert describe((*EU, in_list, *NO_REGION)) == (
        "region EQUALS eu AND plan IN [pro, team] AND region IS_NULL"
    )


def test_an_incremental_window_counts_its_passing_records_and_a_set_restarts_it() -> None:
    records = [
        record(day(-3), 25, {"region": "eu"}),  # before the window
        record(day(4), 100, {"region": "eu"}),
        record(day(9), 40, {"region": "us"}),
        record(day(11), 7),
        record(day(19), 50, {"region": "us"}, SET),
        record(day(24), 5, {"region": "us"}),
        record(day(32), 30, {"region": "eu"}),  # after it
    ]

    def usage(usage_filter: UsageFilter) -> Decimal:
        return filtered_usage(INCREMENTAL, usage_filter, PEAK, records, (), START, END)

    assert usage(EU) == Decimal(100)
    assert usage(US) == Decimal(55)
    assert usage(NO_REGION) == Decimal(7)
    assert filtered_usage(INCREMENTAL, EU, PEAK, [], (), START, END) == Decimal(0)


def test_matched_events_count_by_the_meter_and_its_unit_transformation() -> None:
    summed = feature(
        MeterType.INCREMENTAL,
        Meter(Aggregation.SUM, "units", ()),
        unit_transformation=UnitTransformation(10, Rounding.UP),
    )
    matches = [
        match(day(2), 5, {"region": "eu"}),
        match(day(3), 2, {"region": "us"}),
        match(day(30.9), 11, {"region": "eu"}),
        match(day(31), 70, {"region": "eu"}),  # the window's end: the next window's
    ]
    records = [record(day(1), 3, {"region": "eu"})]
    # 3 reported, plus (5 + 11) / 10 rounded up = 2.
    assert filtered_usage(summed, EU, PEAK, records, matches, START, END) == Decimal(5)
    largest = feature(MeterType.INCREMENTAL, Meter(Aggregation.MAX, "units", ()))
    assert filtered_usage(largest, EU, PEAK, [], matches, START, END) == Decimal(11)
    assert filtered_usage(largest, US, PEAK, [], matches, START, END) == Decimal(2)


def test_a_fluctuating_window_opens_at_the_level_its_filtered_records_reached() -> None:
    seats = feature(MeterType.FLUCTUATING)
    records = [
        record(day(-20), 8, {"region": "eu"}, SET),
        record(day(-10), 90, {"region": "us"}, SET),
        record(day(15), 15, {"region": "eu"}, SET),
        record(day(19.25), -3, {"region": "eu"}),
    ]
    measured = {
        measure: filtered_usage(seats, EU, measure, records, (), START, END)
        for measure in FluctuatingUsage
    }
    # 8 seats, 15 from the 16th, 12 from the 20th 06:00; the 90 are the US seats.
    assert measured == {
        FluctuatingUsage.PEAK: Decimal(15),
        FluctuatingUsage.LAST: Decimal(12),
        FluctuatingUsage.TIME_WEIGHTED_AVERAGE: Decimal("10.475806"),
    }


regions = st.sampled_from(["eu", "us", None])
rows = st.lists(
    st.tuples(
        st.integers(min_value=-40, max_value=40),  # days from the window's start
        st.integers(min_value=-1000, max_value=1000),
        regions,
        st.booleans(),  # SET
    ),
    max_size=30,
)


def _records(drawn: list[tuple[int, int, str | None, bool]]) -> list[UsageRecord]:
    made = [
        record(
            day(n),
            abs(v) if is_set else v,  # a SET is a total: 0 or more
            {} if r is None else {"region": r},
            SET if is_set else DELTA,
        )
        for n, v, r, is_set in drawn
    ]
    return sorted(made, key=lambda r: r.occurred_at)


@given(rows)
def test_without_a_filter_a_window_is_what_the_running_states_give(
    drawn: list[tuple[int, int, str | None, bool]],
) -> None:
    records = _records(drawn)
    states: list[Running] = []
    state = Running()
    for r in records:
        state = state.after(r.behavior, r.value, r.occurred_at)
        states.append(state)
    before = [s for r, s in zip(records, states, strict=True) if r.occurred_at < START]
    upto = [s for r, s in zip(records, states, strict=True) if r.occurred_at < END]
    expected = window_usage(upto[-1] if upto else None, before[-1] if before else None, START)
    assert filtered_usage(INCREMENTAL, (), PEAK, records, (), START, END) == expected


@given(rows.map(lambda drawn: [(n, v, r, False) for n, v, r, _ in drawn]))
def test_filters_that_split_the_usage_add_up_to_all_of_it(
    drawn: list[tuple[int, int, str | None, bool]],
) -> None:
    records = _records(drawn)
    parts = [EU, US, NO_REGION]
    for first in parts:
        for second in parts:
            assert first == second or not may_overlap(first, second)
    split = sum(
        (filtered_usage(INCREMENTAL, p, PEAK, records, (), START, END) for p in parts), Decimal(0)
    )
    assert split == filtered_usage(INCREMENTAL, (), PEAK, records, (), START, END)
