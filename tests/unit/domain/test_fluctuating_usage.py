"""How a FLUCTUATING feature's levels make a window's quantity: peak, last, time-weighted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.fluctuating_usage import AVERAGE_PLACES, FluctuatingUsage, measured_level

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 2, 1, tzinfo=UTC)
PEAK, LAST, AVERAGE = (
    FluctuatingUsage.PEAK,
    FluctuatingUsage.LAST,
    FluctuatingUsage.TIME_WEIGHTED_AVERAGE,
)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def test_each_measure_of_one_month_of_seats() -> None:
    # 10 seats when January opens, 20 from the 11th, 5 from the 21st 12:00.
    changes = [(day(10), Decimal(20)), (day(20.5), Decimal(5))]
    assert measured_level(PEAK, Decimal(10), changes, START, END) == Decimal(20)
    assert measured_level(LAST, Decimal(10), changes, START, END) == Decimal(5)
    # (10 × 10 + 20 × 10.5 + 5 × 10.5) / 31 = 362.5 / 31 = 11.69354838… → 11.693548
    assert measured_level(AVERAGE, Decimal(10), changes, START, END) == Decimal("11.693548")


def test_a_window_without_changes_holds_its_opening_level() -> None:
    for measure in FluctuatingUsage:
        assert measured_level(measure, Decimal(7), [], START, END) == Decimal(7)


def test_several_levels_at_one_instant_count_the_last_one_only() -> None:
    changes = [(day(0), Decimal(100)), (day(0), Decimal(4))]
    assert measured_level(AVERAGE, Decimal(0), changes, START, END) == Decimal(4)
    assert measured_level(LAST, Decimal(0), changes, START, END) == Decimal(4)
    # The peak is the highest level reached, however briefly.
    assert measured_level(PEAK, Decimal(0), changes, START, END) == Decimal(100)


def test_the_average_rounds_half_up_at_the_sixth_place_and_prints_plainly() -> None:
    # 1 for 1 µs of a 2,000,000 µs window: 0.0000005, half up to 0.000001.
    tiny_end = START + timedelta(microseconds=2_000_000)
    changes = [(START + timedelta(microseconds=1), Decimal(0))]
    assert str(measured_level(AVERAGE, Decimal(1), changes, START, tiny_end)) == "0.000001"
    # Whole averages print as whole numbers: 100, not 1E+2.
    changes = [(day(15.5), Decimal(150))]
    assert str(measured_level(AVERAGE, Decimal(50), changes, START, END)) == "100"
    assert str(measured_level(AVERAGE, Decimal("12.50"), [], START, END)) == "12.5"


levels = st.decimals(min_value=0, max_value=10_000, places=2)
changes = st.lists(
    st.tuples(st.integers(min_value=0, max_value=31 * 86_400_000_000 - 1), levels), max_size=20
)


@given(levels, changes)
def test_the_average_lies_between_the_lowest_and_the_highest_level_held(
    opening: Decimal, raw: list[tuple[int, Decimal]]
) -> None:
    ordered = sorted(raw, key=lambda change: change[0])
    at_instants = [(START + timedelta(microseconds=us), level) for us, level in ordered]
    average = measured_level(AVERAGE, opening, at_instants, START, END)
    peak = measured_level(PEAK, opening, at_instants, START, END)
    last = measured_level(LAST, opening, at_instants, START, END)
    held = [opening, *(level for _, level in at_instants)]
    assert min(held) - AVERAGE_PLACES <= average <= peak + AVERAGE_PLACES
    assert peak == max(held)
    assert last == held[-1]
    assert average == average.quantize(AVERAGE_PLACES)
