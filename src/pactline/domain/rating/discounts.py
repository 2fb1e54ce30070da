"""Line discounts (§5): free units before pricing, then percent off, then amount off.

Each discount applies to a segment when its window contains the segment's first day; segments
are cut at window edges, so a segment is wholly inside or outside every window. Discounts of one
kind apply in the order the line lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from pactline.domain.contracts import Discount, DiscountKind, LineItem
from pactline.domain.rating.proration import fraction_sum, to_decimal

_NOTHING = Fraction(0)
_HUNDRED = Fraction(100)


def _in_window(line: LineItem, kind: DiscountKind, day: date) -> list[Discount]:
    return [d for d in line.discounts if d.kind is kind and d.window.contains(day)]


def free_units_on(line: LineItem, day: date) -> Decimal:
    """Units a fixed line's segment starting on `day` does not pay for.

    A fixed quantity holds throughout its segment, so each segment takes the whole allowance;
    several free-unit discounts add up, as subtracting them one after another would.
    """
    return to_decimal(fraction_sum(d.value for d in _in_window(line, DiscountKind.FREE_UNITS, day)))


def consume_free_units(
    line: LineItem, starts: Sequence[date], quantities: Sequence[Fraction]
) -> list[Fraction]:
    """A usage period's segment quantities after its free units, earliest segment first.

    Free units are an allowance per period, not per segment: splitting a period at a price
    change must not hand out the allowance twice. Each discount's allowance is spent on the
    segments inside its window, in date order, until it runs out.
    """
    left = [max(_NOTHING, quantity) for quantity in quantities]
    for discount in line.discounts:
        if discount.kind is not DiscountKind.FREE_UNITS:
            continue
        allowance = Fraction(discount.value)
        for index, start_on in enumerate(starts):
            if allowance <= 0:
                break
            if discount.window.contains(start_on):
                taken = min(allowance, left[index])
                left[index] -= taken
                allowance -= taken
    return left


def discount_on(line: LineItem, day: date, amount: Fraction, ratio: Fraction) -> Fraction:
    """The percent and amount discounts of a segment starting on `day`, exactly.

    Percent discounts compound: each takes its percentage of what earlier ones left, so two 10%
    discounts leave 81%, and no number of them can take an amount below zero. An amount discount
    is per period, so a segment gets `ratio` of it (its share of the full cycle period, as for
    proration); it stops at zero rather than turning the segment into a credit.
    """
    left = amount
    for discount in _in_window(line, DiscountKind.PERCENT, day):
        left -= left * Fraction(discount.value) / _HUNDRED
    for discount in _in_window(line, DiscountKind.AMOUNT, day):
        left -= max(_NOTHING, min(left, Fraction(discount.value) * ratio))
    return amount - left
