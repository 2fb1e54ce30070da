"""What a contract is worth: total and annual contract value, committed against usage.

Computed with the rating engine from the terms alone, at zero usage, so every amount is one
the customer has committed to: fixed lines, the flat fees of usage lines and the minimum
commitments (their true-ups at zero usage). Usage beyond the minimums is not forecast; the
usage lines are listed instead. Amounts are net of discounts and before tax.

TCV covers the whole term (None for an open-ended contract). ACV is TCV per year of term,
counting whole calendar years from the start and the rest as a fraction of the next year;
an open-ended contract's ACV is its first year's committed value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from pactline.domain.contract_lifecycle import add_months
from pactline.domain.contracts import ChargeType, ContractTerms
from pactline.domain.currency import Currency
from pactline.domain.invoicing import LineKind
from pactline.domain.money import Money, RoundingPolicy
from pactline.domain.periods import days_between
from pactline.domain.rating.schedule import invoice_schedule
from pactline.domain.rating.usage import NO_USAGE


@dataclass(frozen=True)
class ContractValue:
    currency: Currency
    start_on: date
    end_on: date | None  # the last day valued (inclusive): the term's, or a year for evergreen
    fixed: Money  # FIXED line items
    usage_minimums: Money  # flat fees of USAGE lines, and commitment true-ups at zero usage
    tcv: Money | None
    acv: Money
    usage_line_item_ids: tuple[str, ...]  # billed on actual usage beyond the minimums
    invoices: int  # how many invoices the valued span produces

    @property
    def committed(self) -> Money:
        return self.fixed + self.usage_minimums


def contract_value(terms: ContractTerms) -> ContractValue:
    """The value of valid terms (the schedule raises InvalidArgument for invalid ones)."""
    currency = terms.currency
    open_ended = terms.end_on is None
    horizon = add_months(terms.start_on, 12) if open_ended else None
    invoices = invoice_schedule(terms, NO_USAGE, horizon_on=horizon)
    kinds = {line.id: line.charge_type for line in terms.line_items}
    fixed = Money.zero(currency)
    minimums = Money.zero(currency)
    for invoice in invoices:
        for line in invoice.lines:
            is_fixed = (
                line.kind is not LineKind.COMMITMENT_TRUE_UP
                and line.line_item_id is not None
                and kinds.get(line.line_item_id) is ChargeType.FIXED
            )
            if is_fixed:
                fixed = fixed + line.net
            else:
                minimums = minimums + line.net
    committed = fixed + minimums
    last_day = (horizon - timedelta(days=1)) if horizon is not None else terms.end_on
    assert last_day is not None
    acv = committed
    if not open_ended:
        acv = _divided(committed, _years(terms.start_on, last_day), terms.rounding)
    return ContractValue(
        currency=currency,
        start_on=terms.start_on,
        end_on=last_day,
        fixed=fixed,
        usage_minimums=minimums,
        tcv=None if open_ended else committed,
        acv=acv,
        usage_line_item_ids=tuple(
            line.id for line in terms.line_items if line.charge_type is ChargeType.USAGE
        ),
        invoices=len(invoices),
    )


def _years(start_on: date, last_day: date) -> Fraction:
    """Whole years from `start_on`, plus the remaining days over the length of the next year."""
    end = last_day + timedelta(days=1)
    whole = 0
    while add_months(start_on, 12 * (whole + 1)) <= end:
        whole += 1
    year_start = add_months(start_on, 12 * whole)
    rest = days_between(year_start, end)
    year_days = days_between(year_start, add_months(start_on, 12 * (whole + 1)))
    return whole + Fraction(rest, year_days)


def _divided(amount: Money, years: Fraction, policy: RoundingPolicy) -> Money:
    """`amount / years`, rounded once (exactly, on the fraction) to the currency's minor unit."""
    if years == 0:
        return amount
    scaled = Fraction(amount.amount) / years * 10**amount.currency.minor_units
    floor = math.floor(scaled)
    rest = scaled - floor
    half = Fraction(1, 2)
    if rest > half or (rest == half and _tie_goes_up(floor, scaled, policy)):
        floor += 1
    return Money.from_minor_units(floor, amount.currency)


def _tie_goes_up(floor: int, value: Fraction, policy: RoundingPolicy) -> bool:
    if policy is RoundingPolicy.HALF_EVEN:
        return floor % 2 != 0
    return value > 0  # half up: away from zero
