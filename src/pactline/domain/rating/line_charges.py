"""Rate one line item over its billing periods: exact charges and per-period actuals (§2, §4, §5).

Every Charge covers one segment (`segments`) or, for an in-advance quantity adjustment, one
whole period. Amounts are exact rationals until the last step (`proration`); nothing is rounded
to a minor unit here, as the schedule rounds each invoice line once (§1).

Descriptions read `<line name> (<days>)` with the days as `segments.span_label` writes them:
"Seats (Jan 15 – Jan 31, 2026)". An adjustment names the period it corrects: "Seats quantity
adjustment (Apr 1 – Apr 30, 2026)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial

from pactline.domain.calendar import CycleUnit
from pactline.domain.contracts import ChargeType, ContractTerms, LineItem, UsageTierReset
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, LineKind
from pactline.domain.periods import (
    BillingPeriod,
    ChargeTiming,
    billing_periods,
    local_midnight,
    resolve_timezone,
)
from pactline.domain.rating.charges import Charge, PeriodActual
from pactline.domain.rating.discounts import consume_free_units, discount_on, free_units_on
from pactline.domain.rating.models import FlatFee, PerUnit, PricingModel, after_free_units
from pactline.domain.rating.proration import (
    exact_decimals,
    fraction_sum,
    proportional_shares,
    proration_ratio,
    to_decimal,
)
from pactline.domain.rating.segments import (
    cut_dates,
    is_active,
    line_path,
    quantity_on,
    span_label,
    split,
    version_on,
)
from pactline.domain.rating.usage import NO_USAGE, UsageSource

_DAY = timedelta(days=1)
_ONE = Fraction(1)


@dataclass(frozen=True)
class LineRating:
    """A line's CHARGE and ADJUSTMENT charges, and one actual per billing period (in order)."""

    charges: tuple[Charge, ...]
    actuals: tuple[PeriodActual, ...]


def rate_line(
    terms: ContractTerms, line: LineItem, usage: UsageSource, horizon_on: date | None
) -> LineRating:
    """Every charge of `line` over its billing periods that start before `horizon_on` (if given).

    Raises InvalidArgument for an open-ended line without a horizon, a day no price version
    covers, a usage line billed one time, or a negative quantity.
    """
    rater = _LineRater(terms, line, usage)
    charges: list[Charge] = []
    actuals: list[PeriodActual] = []
    for period in _periods(terms, line, horizon_on):
        period_charges, actual = rater.rate(period)
        charges.extend(period_charges)
        actuals.append(actual)
    return LineRating(tuple(charges), tuple(actuals))


def usage_windows(
    terms: ContractTerms, line: LineItem, horizon_on: date | None
) -> list[tuple[datetime, datetime]]:
    """The windows `rate_line` asks its usage source for, in order, without rating anything:
    so a caller can read all of them at once first. None for a line that is not metered."""
    if line.charge_type is not ChargeType.USAGE or line.metered_feature_id is None:
        return []
    if line.billing_cycle.unit is CycleUnit.ONE_TIME:
        return []  # rating refuses the line before it asks anything
    rater = _LineRater(terms, line, NO_USAGE)
    return [
        rater.window(span)
        for period in _periods(terms, line, horizon_on)
        for span in rater.usage_spans(period)
    ]


def _periods(terms: ContractTerms, line: LineItem, horizon_on: date | None) -> list[BillingPeriod]:
    end_on = terms.line_end(line)
    return billing_periods(
        line.billing_cycle,
        line.anchor,
        start_on=terms.line_start(line),
        end_on_exclusive=None if end_on is None else end_on + _DAY,
        horizon_on=horizon_on,
    )


@dataclass(frozen=True)
class _Priced:
    """One segment's price, exact; `quantity` is the priced quantity (after free units)."""

    start_on: date
    end_on: date
    quantity: Fraction
    model: PricingModel
    amount: Fraction
    discount: Fraction


class _LineRater:
    def __init__(self, terms: ContractTerms, line: LineItem, usage: UsageSource) -> None:
        self.terms = terms
        self.line = line
        self.usage = usage
        self.zone = resolve_timezone(terms.timezone)
        # What every Charge of the line shares, whatever period or segment it covers.
        self._charge = partial(
            Charge,
            line_item_id=line.id,
            billing_group=line.id if line.separate_invoice else DEFAULT_BILLING_GROUP,
            net_terms_days=terms.line_net_terms(line),
            tax_rate=terms.line_tax_rate(line),
        )

    def rate(self, period: BillingPeriod) -> tuple[list[Charge], PeriodActual]:
        line = self.line
        if line.billing_cycle.unit is CycleUnit.ONE_TIME:
            if line.charge_type is ChargeType.USAGE:
                raise InvalidArgument.single(
                    f"{line_path(self.terms, line)}.billingCycle.unit",
                    "a usage line is billed per period in arrears, never one time",
                    "usage_one_time",
                )
            # One segment, never prorated: the fee is for the line, not for a share of a cycle.
            priced = self._fixed(period, frozenset(), quantity_day=period.start_on, prorate=False)
            return self._settle(period, priced, period.start_on)
        if line.charge_type is ChargeType.USAGE:
            # Usage is known only once the period is over, whatever timing the line states.
            return self._settle(period, self._usage(period), period.end_on)
        actual = self._fixed(period, cut_dates(line, quantities=True))
        if line.timing is ChargeTiming.IN_ARREARS:
            return self._settle(period, actual, period.end_on)
        billed = self._fixed(
            period, cut_dates(line, quantities=False), quantity_day=period.start_on
        )
        charges = self._charges(billed, LineKind.CHARGE, period.start_on)
        adjustment = self._adjustment(period, charges, billed, actual)
        if adjustment is not None:
            charges.append(adjustment)
        return charges, self._actual(period, charges, actual, usage=False)

    def _settle(
        self, period: BillingPeriod, priced: list[_Priced], issue_on: date
    ) -> tuple[list[Charge], PeriodActual]:
        charges = self._charges(priced, LineKind.CHARGE, issue_on)
        usage = self.line.charge_type is ChargeType.USAGE
        return charges, self._actual(period, charges, priced, usage=usage)

    def _fixed(
        self,
        period: BillingPeriod,
        cuts: frozenset[date],
        *,
        quantity_day: date | None = None,
        prorate: bool = True,
    ) -> list[_Priced]:
        """Each active segment's amount; the quantity is the one on `quantity_day` if given."""
        terms, line = self.terms, self.line
        priced: list[_Priced] = []
        for start_on, end_on in split(period, cuts):
            if not is_active(line, start_on):
                continue
            model = version_on(terms, line, start_on).model
            quantity = after_free_units(
                quantity_on(line, quantity_day or start_on), free_units_on(line, start_on)
            )
            ratio = proration_ratio(period, start_on, end_on, terms.proration) if prorate else _ONE
            amount = Fraction(model.amount(quantity)) * ratio
            discount = discount_on(line, start_on, amount, ratio)
            priced.append(_Priced(start_on, end_on, Fraction(quantity), model, amount, discount))
        return priced

    def usage_spans(self, period: BillingPeriod) -> list[tuple[date, date]]:
        """The period's segments that are measured: each is one usage window."""
        line = self.line
        return [
            (start_on, end_on)
            for start_on, end_on in split(period, cut_dates(line, quantities=False))
            if is_active(line, start_on)
        ]

    def window(self, span: tuple[date, date]) -> tuple[datetime, datetime]:
        """A span's days as the instants of the contract's local midnights."""
        return local_midnight(span[0], self.zone), local_midnight(span[1], self.zone)

    def _usage(self, period: BillingPeriod) -> list[_Priced]:
        terms, line = self.terms, self.line
        spans = self.usage_spans(period)
        measured = [Fraction(self.usage.quantity(line, *self.window(span))) for span in spans]
        quantities = consume_free_units(line, [start_on for start_on, _ in spans], measured)
        closing = version_on(terms, line, period.end_on - _DAY).model
        # A flat fee's usage twin bills its price once per period whatever the usage (§3), so
        # like the period-end setting it prices the period once and shares it among segments.
        once = terms.usage_tier_reset is UsageTierReset.PERIOD_END_VERSION or isinstance(
            closing, FlatFee
        )
        if not spans:
            models, amounts = [], []
        elif once:
            models = [closing] * len(spans)
            amounts = _shares(closing, quantities, spans)
        else:
            models = [version_on(terms, line, start_on).model for start_on, _ in spans]
            amounts = [
                Fraction(model.amount(to_decimal(quantity)))
                for model, quantity in zip(models, quantities, strict=True)
            ]
        priced: list[_Priced] = []
        for (start_on, end_on), quantity, model, amount in zip(
            spans, quantities, models, amounts, strict=True
        ):
            # Usage is never prorated, but an amount off per period still is, for stubs (§5).
            ratio = proration_ratio(period, start_on, end_on, terms.proration)
            discount = discount_on(line, start_on, amount, ratio)
            priced.append(_Priced(start_on, end_on, quantity, model, amount, discount))
        return priced

    def _charges(self, priced: list[_Priced], kind: LineKind, issue_on: date) -> list[Charge]:
        amounts = exact_decimals(p.amount for p in priced)
        discounts = exact_decimals(p.discount for p in priced)
        return [
            self._charge(
                kind=kind,
                description=f"{self.line.name} ({span_label(p.start_on, p.end_on)})",
                issue_on=issue_on,
                period_start_on=p.start_on,
                period_end_on=p.end_on,
                quantity=None if isinstance(p.model, FlatFee) else to_decimal(p.quantity),
                unit_price=_unit_price([p]),
                amount=amount,
                # A discount that takes the whole amount must leave a net of exactly zero,
                # which the two sequences' separate conversions would not guarantee.
                discount=amount if p.discount == p.amount else discount,
            )
            for p, amount, discount in zip(priced, amounts, discounts, strict=True)
        ]

    def _adjustment(
        self,
        period: BillingPeriod,
        billed_charges: list[Charge],
        billed: list[_Priced],
        actual: list[_Priced],
    ) -> Charge | None:
        """What the time-weighted quantities cost beyond what the period start's quantity did."""
        actual_charges = self._charges(actual, LineKind.CHARGE, period.end_on)
        amount = fraction_sum(c.amount for c in actual_charges) - fraction_sum(
            c.amount for c in billed_charges
        )
        discount = fraction_sum(c.discount for c in actual_charges) - fraction_sum(
            c.discount for c in billed_charges
        )
        if amount == 0 and discount == 0:
            return None
        if discount * amount < 0 or abs(discount) > abs(amount):
            # More units on discounted days and fewer on full-price days (or a ladder where
            # more units cost less) move amount and discount apart; a Charge's discount must
            # have the amount's sign and be no larger, so the adjustment shows only the net.
            amount, discount = amount - discount, Fraction(0)
        flat_only = all(isinstance(p.model, FlatFee) for p in actual)
        quantity = _weighted_quantity(period, actual) - _weighted_quantity(period, billed)
        label = span_label(period.start_on, period.end_on)
        return self._charge(
            kind=LineKind.ADJUSTMENT,
            description=f"{self.line.name} quantity adjustment ({label})",
            # The period's end is the next period's start: the adjustment joins that invoice.
            issue_on=period.end_on,
            period_start_on=period.start_on,
            period_end_on=period.end_on,
            quantity=None if flat_only else to_decimal(quantity),
            unit_price=_unit_price([*billed, *actual]),
            amount=to_decimal(amount),
            discount=to_decimal(discount),
        )

    def _actual(
        self, period: BillingPeriod, charges: list[Charge], priced: list[_Priced], *, usage: bool
    ) -> PeriodActual:
        spend = fraction_sum(c.amount for c in charges) - fraction_sum(c.discount for c in charges)
        if usage:
            quantity = sum((p.quantity for p in priced), Fraction(0))
        else:
            quantity = _weighted_quantity(period, priced)
        return PeriodActual(period=period, spend=to_decimal(spend), quantity=to_decimal(quantity))


def _shares(
    model: PricingModel, quantities: list[Fraction], spans: list[tuple[date, date]]
) -> list[Fraction]:
    """The period's usage priced once, shared among its segments in proportion to their usage.

    Each segment keeps its own Charge (nothing is merged), worth its units at the period's
    average rate. Without any usage, days weigh instead.
    """
    total_quantity = sum(quantities, Fraction(0))
    total = Fraction(model.amount(to_decimal(total_quantity)))
    days = [Fraction((end_on - start_on).days) for start_on, end_on in spans]
    return proportional_shares(total, quantities if total_quantity else days)


def _weighted_quantity(period: BillingPeriod, priced: list[_Priced]) -> Fraction:
    """Σ quantity × segment days / period days: the period's time-weighted priced quantity."""
    return sum(
        (p.quantity * Fraction((p.end_on - p.start_on).days, period.days) for p in priced),
        Fraction(0),
    )


def _unit_price(priced: list[_Priced]) -> Decimal | None:
    """The per-unit rate when every segment has the same one, else None (no single rate)."""
    prices = {p.model.price for p in priced if isinstance(p.model, PerUnit)}
    if len(prices) == 1 and all(isinstance(p.model, PerUnit) for p in priced):
        return prices.pop()
    return None
