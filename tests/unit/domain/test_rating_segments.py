"""Segments of a billing period: cuts, quantities and versions in effect, labels (§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.contracts import (
    ChargeType,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.currency import currency
from pactline.domain.errors import InvalidArgument
from pactline.domain.periods import BillingPeriod, ChargeTiming
from pactline.domain.rating import PerUnit
from pactline.domain.rating.segments import (
    cut_dates,
    is_active,
    quantity_on,
    span_label,
    split,
    version_on,
)

D = Decimal
OLD = PerUnit(D(10))
NEW = PerUnit(D(12))
APRIL = BillingPeriod(date(2026, 4, 1), date(2026, 5, 1), date(2026, 4, 1), date(2026, 5, 1))


def make_line(**overrides: Any) -> LineItem:
    fields: dict[str, Any] = {
        "id": "li_1",
        "name": "Seats",
        "charge_type": ChargeType.FIXED,
        "price_versions": (
            PriceVersion(date(2026, 1, 1), OLD, date(2026, 4, 15)),
            PriceVersion(date(2026, 4, 16), NEW),
        ),
        "billing_cycle": BillingCycle(CycleUnit.MONTH),
        "timing": ChargeTiming.IN_ADVANCE,
    }
    fields.update(overrides)
    return LineItem(**fields)


def make_terms(*lines: LineItem) -> ContractTerms:
    return ContractTerms(
        "ct", "C", "cu", currency("USD"), "UTC", date(2026, 1, 1), None, tuple(lines)
    )


RAMP = (QuantityChange(date(2026, 4, 1), D(10)), QuantityChange(date(2026, 4, 20), D(15)))
WINDOW = DateWindow(date(2026, 4, 5), date(2026, 4, 9))


def test_cut_dates_are_window_starts_and_days_after_window_ends() -> None:
    line = make_line(
        quantities=RAMP,
        discounts=(Discount(DiscountKind.PERCENT, D(5), WINDOW),),
        optional=True,
        activations=(DateWindow(date(2026, 4, 2), None),),
    )

    # Versions: Jan 1, Apr 16 (the day after Apr 15); discount Apr 5 and Apr 10 (after Apr 9);
    # activation Apr 2 (open end); quantities only when asked: Apr 1, Apr 20.
    assert cut_dates(line, quantities=False) == {
        date(2026, 1, 1),
        date(2026, 4, 16),
        date(2026, 4, 5),
        date(2026, 4, 10),
        date(2026, 4, 2),
    }
    assert cut_dates(line, quantities=True) - cut_dates(line, quantities=False) == {
        date(2026, 4, 1),
        date(2026, 4, 20),
    }


def test_activations_of_a_regular_line_do_not_cut_it() -> None:
    line = make_line(activations=(WINDOW,))

    assert cut_dates(line, quantities=False) == {date(2026, 1, 1), date(2026, 4, 16)}


def test_split_cuts_only_at_dates_strictly_inside_the_period() -> None:
    cuts = {date(2026, 3, 1), date(2026, 4, 1), date(2026, 4, 16), date(2026, 5, 1)}

    assert split(APRIL, cuts) == [
        (date(2026, 4, 1), date(2026, 4, 16)),
        (date(2026, 4, 16), date(2026, 5, 1)),
    ]


def test_the_quantity_in_effect_is_the_last_change_on_or_before_the_day() -> None:
    line = make_line(quantities=(RAMP[1], RAMP[0]))  # the order listed does not matter

    assert quantity_on(line, date(2026, 3, 31)) == 0  # before any change
    assert quantity_on(line, date(2026, 4, 19)) == 10
    assert quantity_on(line, date(2026, 4, 20)) == 15


def test_of_two_quantity_changes_on_one_day_the_later_listed_wins() -> None:
    line = make_line(
        quantities=(QuantityChange(date(2026, 4, 1), D(3)), QuantityChange(date(2026, 4, 1), D(4)))
    )

    assert quantity_on(line, date(2026, 4, 1)) == 4


def test_the_version_on_a_day_is_the_one_whose_inclusive_dates_contain_it() -> None:
    line = make_line()
    terms = make_terms(line)

    assert version_on(terms, line, date(2026, 4, 15)).model == OLD
    assert version_on(terms, line, date(2026, 4, 16)).model == NEW


def test_a_day_before_every_version_names_the_line_in_the_problem() -> None:
    other = make_line(id="li_0")
    line = make_line(id="li_2")

    with pytest.raises(InvalidArgument) as raised:
        version_on(make_terms(other, line), line, date(2025, 12, 31))

    (problem,) = raised.value.problems
    assert (problem.field, problem.code) == ("lineItems[1].priceVersions", "price_version_gap")
    assert "2025-12-31" in problem.message


def test_an_optional_line_is_active_only_inside_its_activations() -> None:
    optional = make_line(optional=True, activations=(WINDOW,))
    regular = make_line(activations=(WINDOW,))

    assert [is_active(optional, date(2026, 4, d)) for d in (4, 5, 9, 10)] == [
        False,
        True,
        True,
        False,
    ]
    assert is_active(regular, date(2026, 4, 4))
    assert not is_active(make_line(optional=True), date(2026, 4, 4))  # never activated


@pytest.mark.parametrize(
    ("start_on", "end_on", "expected"),
    [
        (date(2026, 1, 15), date(2026, 2, 1), "Jan 15 – Jan 31, 2026"),
        (date(2025, 12, 15), date(2026, 1, 15), "Dec 15, 2025 – Jan 14, 2026"),
        (date(2026, 1, 1), date(2026, 1, 2), "Jan 1, 2026"),
        (date(2024, 2, 1), date(2024, 3, 1), "Feb 1 – Feb 29, 2024"),
    ],
)
def test_span_label_writes_inclusive_days(start_on: date, end_on: date, expected: str) -> None:
    assert span_label(start_on, end_on) == expected
