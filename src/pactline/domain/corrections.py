"""Corrections after approval (BILLING-SEMANTICS §9): only the difference is billed.

When the inputs of an approved period change (late usage, a back-dated quantity, an
amendment), the period is recomputed and compared, line by line, with what was billed for it:
the approved invoice's lines as the engine produced them, plus the deltas of every earlier
correction of that period. A line is identified by its contract, kind, line item and the days
it covers. Each contract's net difference then goes where the contract's policy sends it:

- positive (under-charged): a back-dated invoice for the period *(default)*, or a line on the
  next invoice naming the period;
- negative (over-charged): a credit carried forward to the customer's next invoices, never
  taking one below zero *(default)*, or a credit note against the original invoice.

Manual edits and hand-issued credit notes are concessions, not inputs: they are not part of
what was billed here, so a correction never undoes them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from pactline.domain.currency import Currency
from pactline.domain.invoice_lifecycle import LineSource, PeriodRef, StoredLine
from pactline.domain.invoicing import InvoiceLine
from pactline.domain.money import Money


class PositiveCorrection(enum.Enum):
    BACKDATED_INVOICE = "BACKDATED_INVOICE"  # a separate invoice for the period (default)
    NEXT_INVOICE = "NEXT_INVOICE"  # a line on the next invoice naming the period


class NegativeCorrection(enum.Enum):
    CARRY_FORWARD = "CARRY_FORWARD"  # a credit applied to the next invoices (default)
    CREDIT_NOTE = "CREDIT_NOTE"  # a credit note against the original invoice


class CorrectionEffect(enum.Enum):
    BACKDATED_INVOICE = "BACKDATED_INVOICE"
    NEXT_INVOICE = "NEXT_INVOICE"
    CARRY_FORWARD = "CARRY_FORWARD"
    CREDIT_NOTE = "CREDIT_NOTE"
    NONE = "NONE"  # changes that cancel out: nothing to bill, but the period is up to date


@dataclass(frozen=True)
class CorrectionPolicy:
    positive: PositiveCorrection = PositiveCorrection.BACKDATED_INVOICE
    negative: NegativeCorrection = NegativeCorrection.CARRY_FORWARD


@dataclass(frozen=True)
class CorrectionOutcome:
    """One contract's share of a correction and where it went."""

    contract_id: str
    effect: CorrectionEffect
    total: Money  # the net difference, tax included: positive is owed by the customer
    document_id: str | None = None  # the back-dated invoice or the credit note
    applied_invoice_id: str | None = None  # NEXT_INVOICE: the draft that carries it (None: pending)

    @property
    def pending(self) -> bool:
        return self.effect is CorrectionEffect.NEXT_INVOICE and self.applied_invoice_id is None


@dataclass(frozen=True)
class Correction:
    """The n-th correction of one approved period: the delta and what became of it."""

    id: str
    environment_id: str
    customer_id: str
    scope_key: str
    billing_group_key: str
    issue_on: date  # with the group key: the period corrected
    number: int  # 1, 2, … per period; unique, so two runs never correct twice
    invoice_id: str  # the approved invoice of the period
    currency: Currency
    lines: tuple[StoredLine, ...]  # the delta, every line naming the period
    outcomes: tuple[CorrectionOutcome, ...]
    created_at: datetime

    def lines_of(self, contract_id: str) -> tuple[StoredLine, ...]:
        return tuple(s for s in self.lines if (s.contract_id or "") == contract_id)

    def placed_on(self, invoice_id: str) -> Correction:
        """Its waiting (NEXT_INVOICE) outcomes carried by the draft `invoice_id`."""
        return self._moved(lambda o: o.pending, invoice_id)

    def released_from(self, invoice_id: str) -> Correction:
        """What the draft `invoice_id` carried waiting again (the draft is being voided)."""
        return self._moved(lambda o: o.applied_invoice_id == invoice_id, None)

    def _moved(
        self, which: Callable[[CorrectionOutcome], bool], invoice_id: str | None
    ) -> Correction:
        outcomes = tuple(
            replace(o, applied_invoice_id=invoice_id) if which(o) else o for o in self.outcomes
        )
        return replace(self, outcomes=outcomes)


LineKey = tuple[str, str, str, date, date]


def line_key(stored: StoredLine) -> LineKey:
    line = stored.line
    return (
        stored.contract_id or "",
        line.kind.value,
        line.line_item_id or "",
        line.period_start_on,
        line.period_end_on,
    )


def billed_lines(
    basis: Sequence[StoredLine], corrections: Iterable[Correction]
) -> tuple[StoredLine, ...]:
    """What a period has billed so far: its invoice's computed lines and every delta since."""
    return (*basis, *(line for c in corrections for line in c.lines))


def delta_lines(
    billed: Sequence[StoredLine],
    recomputed: Sequence[StoredLine],
    corrects: PeriodRef | None = None,
) -> tuple[StoredLine, ...]:
    """Recomputed less billed, per line; lines whose amounts did not change are left out.

    For every line, billed + delta = recomputed (amount, discount, tax and quantity); a line
    no longer produced comes back as its exact negative.
    """
    before = _by_key(billed)
    after = _by_key(recomputed)
    keys = list(after) + [key for key in before if key not in after]
    deltas: list[StoredLine] = []
    for key in keys:
        delta = _minus(after.get(key), before.get(key))
        line = delta.line
        if line.amount.is_zero() and line.discount.is_zero() and line.tax.is_zero():
            continue
        deltas.append(replace(delta, source=LineSource.CORRECTION, corrects=corrects, edit=None))
    return tuple(deltas)


def _by_key(lines: Sequence[StoredLine]) -> dict[LineKey, StoredLine]:
    """Lines by identity; two lines with one identity add up (exactly)."""
    merged: dict[LineKey, StoredLine] = {}
    for stored in lines:
        key = line_key(stored)
        seen = merged.get(key)
        merged[key] = stored if seen is None else _plus(seen, stored)
    return merged


def _plus(left: StoredLine, right: StoredLine) -> StoredLine:
    a, b = left.line, right.line
    return replace(
        left,
        line=replace(
            a,
            quantity=_add(a.quantity, b.quantity),
            amount=a.amount + b.amount,
            discount=a.discount + b.discount,
            tax=a.tax + b.tax,
        ),
    )


def _minus(after: StoredLine | None, before: StoredLine | None) -> StoredLine:
    if before is None:
        assert after is not None
        return after
    if after is None:
        line = before.line
        return replace(
            before,
            line=replace(
                line,
                quantity=None if line.quantity is None else -line.quantity,
                amount=-line.amount,
                discount=-line.discount,
                tax=-line.tax,
            ),
        )
    a, b = after.line, before.line
    return replace(
        after,
        line=replace(
            a,
            quantity=_subtract(a.quantity, b.quantity),
            amount=a.amount - b.amount,
            discount=a.discount - b.discount,
            tax=a.tax - b.tax,
        ),
    )


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or Decimal(0)) + (b or Decimal(0))


def _subtract(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or Decimal(0)) - (b or Decimal(0))


def plan_corrections(
    delta: Sequence[StoredLine],
    policies: Mapping[str, CorrectionPolicy],
    currency: Currency,
) -> list[CorrectionOutcome]:
    """Each contract's net difference and the effect its policy gives it, in delta order."""
    by_contract: dict[str, list[InvoiceLine]] = {}
    for stored in delta:
        by_contract.setdefault(stored.contract_id or "", []).append(stored.line)
    outcomes = []
    for contract_id, lines in by_contract.items():
        total = sum((line.total for line in lines), Money.zero(currency))
        policy = policies.get(contract_id, CorrectionPolicy())
        if total > Money.zero(currency):
            effect = CorrectionEffect(policy.positive.value)
        elif total < Money.zero(currency):
            effect = CorrectionEffect(policy.negative.value)
        else:
            effect = CorrectionEffect.NONE
        outcomes.append(CorrectionOutcome(contract_id, effect, total))
    return outcomes
