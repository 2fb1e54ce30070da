"""Segments: the pieces of a billing period inside which nothing that affects price changes (§4).

A period is cut at every price version boundary, quantity change, activation start or end and
discount window edge of its line. Windows hold inclusive dates, so a window ending on the 10th
cuts the period at the 11th. Because every cut is a boundary of every window, a segment lies
wholly inside or wholly outside each window, and what holds on its first day holds on all.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from pactline.domain.contracts import ContractTerms, DateWindow, LineItem, PriceVersion
from pactline.domain.errors import InvalidArgument
from pactline.domain.periods import BillingPeriod

ZERO = Decimal(0)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cut_dates(line: LineItem, *, quantities: bool) -> frozenset[date]:
    """Every day on which something that prices `line` may change; `quantities` adds changes.

    An in-advance invoice prices the quantity in effect at the period start for the whole
    period, so it is cut without the quantity changes.
    """
    cuts: set[date] = set()
    for version in line.price_versions:
        cuts.update(_edges(DateWindow(version.start_on, version.end_on)))
    if quantities:
        cuts.update(change.effective_on for change in line.quantities)
    if line.optional:
        for window in line.activations:
            cuts.update(_edges(window))
    for discount in line.discounts:
        cuts.update(_edges(discount.window))
    return frozenset(cuts)


def _edges(window: DateWindow) -> Iterable[date]:
    return (day for day in (window.start_on, window.end_exclusive) if day is not None)


def split(period: BillingPeriod, cuts: Iterable[date]) -> list[tuple[date, date]]:
    """`[start_on, end_on)` pairs covering the period, cut at every date strictly inside it."""
    inside = sorted({day for day in cuts if period.start_on < day < period.end_on})
    edges = [period.start_on, *inside, period.end_on]
    return list(itertools.pairwise(edges))


def is_active(line: LineItem, day: date) -> bool:
    """Whether `line` bills on `day`: always for a regular line, inside an activation otherwise."""
    return not line.optional or any(window.contains(day) for window in line.activations)


def quantity_on(line: LineItem, day: date) -> Decimal:
    """The quantity of the last change effective on or before `day`; 0 before the first one.

    A per-unit line with no quantity in effect is a validation problem; rating it as 0 keeps
    the engine total (a flat fee needs no quantity at all).
    """
    in_effect = sorted(
        (change for change in line.quantities if change.effective_on <= day),
        key=lambda change: change.effective_on,
    )
    # The sort is stable: of two changes on one day (a validation problem) the later listed wins.
    return in_effect[-1].quantity if in_effect else ZERO


def version_on(terms: ContractTerms, line: LineItem, day: date) -> PriceVersion:
    """The price version covering `day`; a day without one is a gap validation reports."""
    covering = [
        version
        for version in line.price_versions
        if DateWindow(version.start_on, version.end_on).contains(day)
    ]
    if not covering:
        raise InvalidArgument.single(
            f"{line_path(terms, line)}.priceVersions",
            f"no price version covers {day.isoformat()}",
            "price_version_gap",
        )
    # Overlaps are also a validation problem; the latest start is what a later version means.
    return max(covering, key=lambda version: version.start_on)


def line_path(terms: ContractTerms, line: LineItem) -> str:
    """The draft path of `line` (`lineItems[2]`), for problems found while rating it."""
    for index, item in enumerate(terms.line_items):
        if item is line or item == line:
            return f"lineItems[{index}]"
    return "lineItems"


def span_label(start_on: date, end_on: date) -> str:
    """The days `[start_on, end_on)` as an invoice reader writes them, both ends inclusive.

    The year is written once when both days share it: "Jan 15 – Jan 31, 2026", else twice:
    "Dec 15, 2025 – Jan 14, 2026"; a single day stands alone: "Jan 1, 2026". Month names are
    fixed English abbreviations, never the process locale's, so descriptions are stable.
    """
    last_on = end_on - timedelta(days=1)
    if last_on <= start_on:
        return _day_label(start_on, with_year=True)
    return (
        f"{_day_label(start_on, with_year=start_on.year != last_on.year)} – "
        f"{_day_label(last_on, with_year=True)}"
    )


def _day_label(day: date, *, with_year: bool) -> str:
    label = f"{_MONTHS[day.month - 1]} {day.day}"
    return f"{label}, {day.year}" if with_year else label
