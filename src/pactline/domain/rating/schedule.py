"""The invoice schedule: a contract's exact charges grouped into invoices, discounted, rounded
and taxed (BILLING-SEMANTICS §1, §5, §7, §8).

Rounding happens here and only here, once per line part: a line's amount, its discount (the
line-level discount rounded once, plus its whole-cent share of the contract discount), and its
tax on the rounded net. Invoice totals are sums of those rounded parts, so they always add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, InvalidOperation

from pactline.domain.contract_validation import require_valid_terms
from pactline.domain.contracts import ContractTerms, DiscountKind, LineItem
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import DEFAULT_BILLING_GROUP, Invoice, InvoiceLine, LineKind
from pactline.domain.money import Money, allocate
from pactline.domain.periods import due_on
from pactline.domain.rating.charges import Charge
from pactline.domain.rating.commitments import contract_true_ups, line_true_ups
from pactline.domain.rating.line_charges import rate_line, usage_windows
from pactline.domain.rating.usage import UsageSource

__all__ = ["assemble_invoices", "invoice_schedule", "schedule_usage_windows"]

# Contract discounts are computed exactly before the one rounding; trapping Inexact makes any
# operation that could not be exact fail loudly instead of losing a digit silently.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Inexact])

_KIND_ORDER = {LineKind.CHARGE: 0, LineKind.ADJUSTMENT: 1, LineKind.COMMITMENT_TRUE_UP: 2}

_GroupKey = tuple[str, date, int]  # billing group, issue date, net terms


def invoice_schedule(
    terms: ContractTerms,
    usage: UsageSource,
    *,
    as_of_on: date | None = None,
    horizon_on: date | None = None,
    count: int | None = None,
    issued_by: date | None = None,
) -> list[Invoice]:
    """Every invoice the contract produces, in issue order, numbered DRAFT-0001, DRAFT-0002, …

    Numbers count from the contract's first invoice, so an invoice keeps its placeholder
    whatever `as_of_on`, `count` and `issued_by` keep. `horizon_on` bounds an open-ended
    contract (periods starting before it are billed); a contract with an end date is always
    billed in full, unless `issued_by` is given: then only the invoices issued on or before
    that day are wanted, and only the periods starting on or before it are rated. A charge is
    issued on or after its period starts, and a true-up on the close of the periods it
    measures, so those invoices are the same as in the full schedule, only cheaper to get.
    """
    require_valid_terms(terms)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise InvalidArgument.single("count", "must be a whole number, 0 or more")
    horizon = _horizon(terms, horizon_on, issued_by)
    charges: list[Charge] = []
    for line in terms.line_items:
        rating = rate_line(terms, line, usage, horizon)
        charges.extend(rating.charges)
        # True-ups bill with the line's own charges, in whatever group rating put them.
        group = rating.charges[0].billing_group if rating.charges else None
        charges.extend(line_true_ups(terms, line, rating.actuals, billing_group=group))
    charges.extend(contract_true_ups(terms, charges, horizon))
    invoices = [
        invoice
        for invoice in assemble_invoices(terms, charges)
        if (as_of_on is None or invoice.issue_on >= as_of_on)
        and (issued_by is None or invoice.issue_on <= issued_by)
    ]
    return invoices if count is None else invoices[:count]


def schedule_usage_windows(
    terms: ContractTerms, *, issued_by: date
) -> list[tuple[LineItem, datetime, datetime]]:
    """Every usage window `invoice_schedule(terms, usage, issued_by=...)` asks `usage` for, by
    line, so they can all be read before rating (one rating instead of two)."""
    horizon = _horizon(terms, None, issued_by)
    return [
        (line, start_at, end_at)
        for line in terms.line_items
        for start_at, end_at in usage_windows(terms, line, horizon)
    ]


def _horizon(terms: ContractTerms, horizon_on: date | None, issued_by: date | None) -> date | None:
    """Where rating stops: an open-ended contract's horizon, or the day after `issued_by`."""
    if terms.end_on is None and horizon_on is None and issued_by is None:
        raise InvalidArgument.single(
            "horizon", "is required for an open-ended contract (no endDate)", "required"
        )
    horizon = horizon_on if terms.end_on is None else None
    if issued_by is not None:
        bound = issued_by + timedelta(days=1)
        horizon = bound if horizon is None else min(horizon, bound)
    return horizon


def assemble_invoices(terms: ContractTerms, charges: Iterable[Charge]) -> list[Invoice]:
    """Group exact charges into rounded, discounted, taxed invoices, numbered in issue order.

    One invoice per (billing group, issue date, net terms). Invoices are ordered by issue date,
    then group ("default" first, then by the first line item in it), then net terms.
    """
    line_rank = {line.id: index for index, line in enumerate(terms.line_items)}
    unlisted = len(terms.line_items)  # contract-level true-ups come after every line

    def rank(charge: Charge) -> int:
        if charge.line_item_id is None:
            return unlisted
        return line_rank.get(charge.line_item_id, unlisted)

    groups: dict[_GroupKey, list[Charge]] = {}
    group_rank: dict[str, int] = {}
    for charge in charges:
        key = (charge.billing_group, charge.issue_on, charge.net_terms_days)
        groups.setdefault(key, []).append(charge)
        group_rank[charge.billing_group] = min(
            group_rank.get(charge.billing_group, unlisted), rank(charge)
        )

    def invoice_order(key: _GroupKey) -> tuple[date, bool, int, str, int]:
        group, issued_on, net_terms = key
        return issued_on, group != DEFAULT_BILLING_GROUP, group_rank[group], group, net_terms

    def line_order(charge: Charge) -> tuple[object, ...]:
        # Beyond line, start and kind, the keys only make the order total (every field of a
        # charge takes part), so the same charges in any input order give the same invoice.
        return (
            rank(charge),
            charge.period_start_on,
            _KIND_ORDER[charge.kind],
            charge.line_item_id or "",
            charge.period_end_on,
            charge.description,
            charge.amount,
            charge.discount,
            charge.tax_rate,
            _optional(charge.quantity),
            _optional(charge.unit_price),
        )

    return [
        _invoice(terms, f"DRAFT-{number:04d}", key, sorted(groups[key], key=line_order))
        for number, key in enumerate(sorted(groups, key=invoice_order), start=1)
    ]


def _optional(value: Decimal | None) -> tuple[bool, Decimal]:
    return (value is not None, Decimal(0) if value is None else value)


def _invoice(
    terms: ContractTerms, number: str, key: _GroupKey, charges: Sequence[Charge]
) -> Invoice:
    group, issued_on, net_terms = key
    currency, policy = terms.currency, terms.rounding
    amounts = [Money(charge.amount, currency).rounded(policy) for charge in charges]
    discounts = [Money(charge.discount, currency).rounded(policy) for charge in charges]
    nets = [amount - discount for amount, discount in zip(amounts, discounts, strict=True)]
    shares = _contract_discount(terms, issued_on, nets)
    lines: list[InvoiceLine] = []
    for charge, amount, discount, share in zip(charges, amounts, discounts, shares, strict=True):
        net = amount - discount - share
        lines.append(
            InvoiceLine(
                kind=charge.kind,
                description=charge.description,
                line_item_id=charge.line_item_id,
                period_start_on=charge.period_start_on,
                period_end_on=charge.period_end_on,
                quantity=charge.quantity,
                unit_price=charge.unit_price,
                amount=amount,
                discount=discount + share,
                tax_rate=charge.tax_rate,
                tax=(net * charge.tax_rate * Decimal("0.01")).rounded(policy),
            )
        )
    return Invoice(
        number=number,
        billing_group=group,
        currency=currency,
        issue_on=issued_on,
        due_on=due_on(issued_on, net_terms),
        period_start_on=min(line.period_start_on for line in lines),
        period_end_on=max(line.period_end_on for line in lines),
        lines=tuple(lines),
    )


def _contract_discount(terms: ContractTerms, issued_on: date, nets: Sequence[Money]) -> list[Money]:
    """Each line's share of the contract-level discounts in effect on the issue date.

    Percent discounts apply first, then amounts, each to what the previous ones left, so the
    invoice never goes below zero. The total is rounded once, then split over the lines with a
    positive net in proportion to it; a credit line takes no share of a discount.
    """
    currency, policy = terms.currency, terms.rounding
    zeros = [Money.zero(currency)] * len(nets)
    in_effect = [d for d in terms.discounts if d.window.contains(issued_on)]
    base = sum(nets, Money.zero(currency)).amount  # Money adds exactly; Decimal's sum may not
    weights = [max(net.amount, Decimal(0)) for net in nets]
    if not in_effect or base <= 0:
        return zeros
    remaining = base
    for discount in sorted(in_effect, key=lambda d: d.kind is not DiscountKind.PERCENT):
        if discount.kind is DiscountKind.PERCENT:
            off = _EXACT.divide(_EXACT.multiply(remaining, discount.value), Decimal(100))
        elif discount.kind is DiscountKind.AMOUNT:
            off = min(discount.value, remaining)
        else:
            continue  # free units are a line-level notion; validation rejects them here
        remaining = _EXACT.subtract(remaining, off)
    total = Money(_EXACT.subtract(base, remaining), currency).rounded(policy)
    if total.is_zero():
        return zeros
    return allocate(total, weights, policy)
