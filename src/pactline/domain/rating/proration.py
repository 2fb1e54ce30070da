"""Proration ratios, and exact rationals turned into the Decimals a Charge carries (§1, §4).

A stub of 17 days out of 31 is worth 17/31 of the period: a ratio with no finite decimal
expansion. Rating therefore computes in `Fraction`s and turns them into Decimals last, with
`PLACES` digits after the point:

- a value whose decimal expansion ends within `PLACES` digits (every amount that could sit
  exactly on a rounding tie) comes out exactly, so the schedule's single rounding (§1) rounds
  the true value;
- any other value is off by less than 10^-PLACES, far too little to move a rounded minor unit,
  because a rational with a small denominator cannot lie that close to a tie without being on it;
- `exact_decimals` converts a sequence so that its running sums telescope: the Decimals of a
  flat fee's segments add up to the fee exactly, however the period was split.

No Decimal arithmetic happens here, so no decimal context can round anything silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from pactline.domain.contracts import Proration
from pactline.domain.periods import BillingPeriod, days_30_360, days_between

PLACES = 30
_SCALE: int = 10**PLACES  # int ** int is typed Any (a negative power is a float)


def proration_ratio(
    period: BillingPeriod, start_on: date, end_on: date, proration: Proration
) -> Fraction:
    """The share of its full cycle period that the days `[start_on, end_on)` are worth."""
    if proration is Proration.THIRTY_360:
        origin = period.full_start_on
        # Counted from the full period's start rather than per segment: 30/360 gives a 31st no
        # days and the last day of February several, so per-segment counts would not add up to
        # the whole (Jan 1–31 counts 30 and Jan 31–Feb 1 one more, 31 in a 30-day month).
        part = days_30_360(origin, end_on) - days_30_360(origin, start_on)
        whole = days_30_360(origin, period.full_end_on)
    else:
        part = days_between(start_on, end_on)
        whole = period.full_days
    return Fraction(part, whole)


def to_decimal(value: Fraction) -> Decimal:
    """`value` as a Decimal: exact when it fits in `PLACES` decimals, else just below it."""
    return _from_units(_floor_units(value))


def exact_decimals(values: Iterable[Fraction]) -> list[Decimal]:
    """Decimals for `values` whose running sums are the running sums of `values`, converted.

    Each Decimal is the difference of two consecutive converted running sums. Flooring commutes
    with adding a multiple of 10^-PLACES, so a value that fits in `PLACES` decimals (0 included)
    still comes out exactly, and the total is exactly `to_decimal(sum(values))`.
    """
    decimals: list[Decimal] = []
    running = Fraction(0)
    previous_units = 0
    for value in values:
        running += value
        units = _floor_units(running)
        decimals.append(_from_units(units - previous_units))
        previous_units = units
    return decimals


def fraction_sum(values: Iterable[Decimal | Fraction]) -> Fraction:
    """An exact sum; Decimal addition would round past the context's 28 digits."""
    return sum((Fraction(value) for value in values), Fraction(0))


def proportional_shares(total: Fraction, weights: Sequence[Fraction]) -> list[Fraction]:
    """`total` split in proportion to `weights`, exactly; all zero when every weight is zero."""
    weight_sum = sum(weights, Fraction(0))
    if not weight_sum:
        return [Fraction(0) for _ in weights]
    return [total * weight / weight_sum for weight in weights]


def _floor_units(value: Fraction) -> int:
    # Floor, not round-half-something: it is the only rounding that commutes with adding a
    # whole number of units, which `exact_decimals` relies on (negative adjustments included).
    return value.numerator * _SCALE // value.denominator


def _from_units(units: int) -> Decimal:
    exponent = -PLACES
    while exponent < 0 and units % 10 == 0:
        units //= 10
        exponent += 1
    # Built from a string: the Decimal constructor is exact, whatever the thread's context.
    return Decimal(f"{units}E{exponent}")
