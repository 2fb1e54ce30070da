"""Minimum commitment true-ups (BILLING-SEMANTICS §6).

A commitment is evaluated at the close of each evaluation period inside its window; a shortfall
becomes a COMMITMENT_TRUE_UP charge issued on that close, so it lands on the invoice issued that
day. Shares and running sums are kept as exact fractions: `total × days / window days` rarely
terminates as a decimal, and an early rounding would be carried into every later period.

An amount shortfall is rounded to the currency's minor unit when it is charged (the schedule's
own rounding then leaves it unchanged, so the line is still rounded once). "Shortfall charged so
far" is then what the customer was really invoiced, and the true-ups of a missed total add up to
exactly the missing amount instead of drifting a cent from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from pactline.domain.contracts import (
    Commitment,
    CommitmentKind,
    CommitmentMode,
    ContractTerms,
    LineItem,
)
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, LineKind
from pactline.domain.money import Money
from pactline.domain.periods import Anchor, BillingPeriod, billing_periods, days_between
from pactline.domain.rating.charges import Charge, PeriodActual
from pactline.domain.rating.models import extra_units_price
from pactline.domain.rating.proration import fraction_sum, to_decimal
from pactline.domain.rating.segments import line_path, span_label, version_on

__all__ = ["contract_true_ups", "line_true_ups"]

_SPEND_KINDS = (LineKind.CHARGE, LineKind.ADJUSTMENT)


@dataclass(frozen=True)
class _Window:
    start_on: date
    end_on: date | None  # exclusive

    def holds(self, start_on: date, end_on: date) -> bool:
        return self.start_on <= start_on and (self.end_on is None or end_on <= self.end_on)


def line_true_ups(
    terms: ContractTerms,
    line: LineItem,
    actuals: Sequence[PeriodActual],
    *,
    billing_group: str | None = None,
) -> list[Charge]:
    """The shortfall charges of `line`'s own commitment, given its rated periods.

    `billing_group` defaults to the line's own group when it is invoiced separately; the
    schedule passes the group of the line's charges so that true-ups always bill with them.
    """
    commitment = line.commitment
    if commitment is None or not actuals:
        return []
    path = f"{line_path(terms, line)}.commitment"
    window = _window(commitment, terms.line_start(line), terms.line_end(line))
    by_start = sorted(actuals, key=lambda actual: actual.period.start_on)
    if commitment.cycle is None:
        evaluated = [a for a in by_start if window.holds(a.period.start_on, a.period.end_on)]
    else:
        # Several billing periods make up one evaluation period; only periods the actuals
        # cover to their close are evaluated (an open line is rated up to a horizon only).
        covered_on = by_start[-1].period.end_on
        periods = billing_periods(
            commitment.cycle, Anchor(), window.start_on, window.end_on, covered_on
        )
        evaluated = [_merge(period, by_start) for period in periods if period.end_on <= covered_on]
    if commitment.kind is CommitmentKind.AMOUNT:
        measured = [Fraction(a.spend) for a in evaluated]
    else:
        measured = [Fraction(a.quantity) for a in evaluated]
    periods = [a.period for a in evaluated]
    shortfalls = _shortfalls(terms, commitment, window, periods, measured, path)
    group = billing_group
    if group is None:
        group = line.id if line.separate_invoice else DEFAULT_BILLING_GROUP
    charges: list[Charge] = []
    for actual, shortfall in zip(evaluated, shortfalls, strict=True):
        if shortfall == 0:
            continue
        if commitment.kind is CommitmentKind.AMOUNT:
            amount, units = shortfall, None
        else:
            model = version_on(terms, line, actual.period.end_on - timedelta(days=1)).model
            amount, units = extra_units_price(model, actual.quantity, shortfall), shortfall
        charges.append(
            _true_up(
                actual.period,
                amount,
                units,
                line_item_id=line.id,
                billing_group=group,
                net_terms_days=terms.line_net_terms(line),
                tax_rate=terms.line_tax_rate(line),
            )
        )
    return charges


def contract_true_ups(
    terms: ContractTerms, charges: Sequence[Charge], horizon_on: date | None
) -> list[Charge]:
    """The shortfall charges of the contract-level commitment, from every line's charges.

    A period's spend is the net of the CHARGE and ADJUSTMENT charges that start inside it.
    When a horizon is given, only periods that close on or before it are evaluated: lines are
    rated only up to the horizon, so a later period's spend would be incomplete.
    """
    commitment = terms.commitment
    if commitment is None:
        return []
    if commitment.kind is not CommitmentKind.AMOUNT:
        raise InvalidArgument.single(
            "commitment.type", "must be AMOUNT for a contract-level commitment"
        )
    window = _window(commitment, terms.start_on, terms.end_on)
    if commitment.cycle is not None:
        periods = billing_periods(
            commitment.cycle, Anchor(), window.start_on, window.end_on, horizon_on
        )
    elif window.end_on is None:
        raise InvalidArgument.single(
            "commitment.endDate",
            "is required for an open-ended contract unless commitment.billingCycle is set",
            "required",
        )
    else:
        periods = [BillingPeriod(window.start_on, window.end_on, window.start_on, window.end_on)]
    if horizon_on is not None:
        periods = [period for period in periods if period.end_on <= horizon_on]
    spend = [
        sum(
            (
                Fraction(charge.net)
                for charge in charges
                if charge.kind in _SPEND_KINDS
                and period.start_on <= charge.period_start_on < period.end_on
            ),
            Fraction(0),
        )
        for period in periods
    ]
    shortfalls = _shortfalls(terms, commitment, window, periods, spend, "commitment")
    return [
        _true_up(
            period,
            shortfall,
            None,
            line_item_id=None,
            billing_group=DEFAULT_BILLING_GROUP,
            net_terms_days=terms.net_terms_days,
            tax_rate=Decimal(0) if terms.tax_rate is None else terms.tax_rate,
        )
        for period, shortfall in zip(periods, shortfalls, strict=True)
        if shortfall != 0
    ]


def _shortfalls(
    terms: ContractTerms,
    commitment: Commitment,
    window: _Window,
    periods: Sequence[BillingPeriod],
    actuals: Sequence[Fraction],
    path: str,
) -> list[Decimal]:
    total = None if commitment.total is None else Fraction(commitment.total)
    if commitment.per_period is not None:
        shares = [Fraction(commitment.per_period)] * len(periods)
    elif total is not None:
        if window.end_on is None:
            raise InvalidArgument.single(
                f"{path}.endDate",
                "is required for a total commitment on an open-ended span",
                "required",
            )
        window_days = days_between(window.start_on, window.end_on)
        shares = [total * period.days / window_days for period in periods]
    else:
        raise InvalidArgument.single(f"{path}.total", "set total or perPeriod", "required")
    charged: list[Decimal] = []
    share_sum = actual_sum = charged_sum = Fraction(0)
    for share, actual in zip(shares, actuals, strict=True):
        share_sum += share
        actual_sum += actual
        if commitment.mode is CommitmentMode.CUMULATIVE:
            due = share_sum - actual_sum - charged_sum
        else:
            due = share - actual
        if total is not None:
            # With a total, the whole commitment is the ceiling: once it is met, nothing more.
            due = min(due, total - actual_sum - charged_sum)
        # A units shortfall that does not terminate is cut after `PLACES` decimals (see
        # `proration`); an amount is then rounded to the minor unit as the module says.
        shortfall = to_decimal(max(Fraction(0), due))
        if commitment.kind is CommitmentKind.AMOUNT:
            shortfall = Money(shortfall, terms.currency).rounded(terms.rounding).amount
        charged.append(shortfall)
        charged_sum += Fraction(shortfall)
    return charged


def _window(commitment: Commitment, default_start: date, default_end: date | None) -> _Window:
    start_on = commitment.window.start_on or default_start
    last_on = commitment.window.end_on or default_end
    return _Window(start_on, None if last_on is None else last_on + timedelta(days=1))


def _merge(period: BillingPeriod, actuals: Sequence[PeriodActual]) -> PeriodActual:
    inside = [a for a in actuals if period.start_on <= a.period.start_on < period.end_on]
    return PeriodActual(
        period,
        to_decimal(fraction_sum(a.spend for a in inside)),
        to_decimal(fraction_sum(a.quantity for a in inside)),
    )


def _true_up(
    period: BillingPeriod,
    amount: Decimal,
    units: Decimal | None,
    *,
    line_item_id: str | None,
    billing_group: str,
    net_terms_days: int,
    tax_rate: Decimal,
) -> Charge:
    return Charge(
        kind=LineKind.COMMITMENT_TRUE_UP,
        line_item_id=line_item_id,
        description=f"Minimum commitment true-up ({span_label(period.start_on, period.end_on)})",
        billing_group=billing_group,
        issue_on=period.end_on,
        net_terms_days=net_terms_days,
        period_start_on=period.start_on,
        period_end_on=period.end_on,
        quantity=units,
        unit_price=None,
        amount=amount,
        discount=Decimal(0),
        tax_rate=tax_rate,
    )
