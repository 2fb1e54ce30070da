"""Money: an exact decimal amount in one currency, rounded only when asked, by a named policy.

Arithmetic on amounts is exact: it runs in a private decimal context with effectively unlimited
precision that traps `Inexact`, so nothing is ever rounded silently by the thread's context (whose
default is half-even at 28 digits). Rounding happens only in `Money.rounded`, with the rounding
mode passed explicitly.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction

from pactline.domain.currency import Currency
from pactline.domain.errors import DomainError, FieldProblem, InvalidArgument

_EXACT = Context(
    prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow, Inexact]
)
# Quantizing drops digits on purpose, so Inexact must not trap there.
_QUANTIZE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])


class RoundingPolicy(enum.Enum):
    """How a charge is rounded to the minor unit.

    HALF_UP sends ties away from zero (2.345 → 2.35, -2.345 → -2.35); HALF_EVEN sends them to
    the even digit (2.345 → 2.34). Both are symmetric, so a credit rounds to exactly the
    negative of the matching charge.
    """

    HALF_UP = ROUND_HALF_UP
    HALF_EVEN = ROUND_HALF_EVEN

    @property
    def decimal_rounding(self) -> str:
        return str(self.value)


class CurrencyMismatch(DomainError):
    code = "CurrencyMismatch"

    def __init__(self, left: Currency, right: Currency) -> None:
        super().__init__(
            f"cannot combine amounts in {left.code} and {right.code}",
            {"left": left.code, "right": right.code},
        )


def _as_factor(value: object) -> Decimal:
    if type(value) is Decimal and value.is_finite():
        return value  # the common case, checked first: rating builds Money by the hundred
    if isinstance(value, float):
        raise TypeError("floats are not exact; use Decimal or int")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected Decimal or int, not {type(value).__name__}")
    factor = Decimal(value)
    if not factor.is_finite():
        raise ValueError("amounts must be finite numbers")
    return factor


def _minor_quantum(currency: Currency) -> Decimal:
    return Decimal(1).scaleb(-currency.minor_units, context=_EXACT)


@dataclass(frozen=True, slots=True, repr=False)
class Money:
    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        amount = _as_factor(self.amount)
        if not isinstance(self.currency, Currency):
            raise TypeError(f"currency must be a Currency, not {type(self.currency).__name__}")
        if amount.is_zero() and amount.is_signed():
            amount = amount.copy_abs()  # -0.00 would print as a negative amount
        object.__setattr__(self, "amount", amount)

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(Decimal(0).scaleb(-currency.minor_units, context=_EXACT), currency)

    @classmethod
    def from_minor_units(cls, units: int, currency: Currency) -> Money:
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"minor units must be an int, not {type(units).__name__}")
        return cls(Decimal(units).scaleb(-currency.minor_units, context=_EXACT), currency)

    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def is_rounded(self) -> bool:
        """Whether the amount has no digits below the currency's minor unit."""
        quantum = _minor_quantum(self.currency)
        return self.amount.quantize(quantum, rounding=ROUND_DOWN, context=_QUANTIZE) == self.amount

    def rounded(self, policy: RoundingPolicy = RoundingPolicy.HALF_UP) -> Money:
        quantum = _minor_quantum(self.currency)
        amount = self.amount.quantize(quantum, rounding=policy.decimal_rounding, context=_QUANTIZE)
        return Money(amount, self.currency)

    def to_minor_units(self) -> int:
        if not self.is_rounded():
            raise ValueError(
                f"{self} has digits below the {self.currency.code} minor unit; round it first"
            )
        return int(self.amount.scaleb(self.currency.minor_units, context=_EXACT))

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(_EXACT.minus(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Money * Money has no meaning; multiply by a Decimal or int")
        return Money(_EXACT.multiply(self.amount, _as_factor(factor)), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency.code})"

    def __str__(self) -> str:
        amount = self.amount
        if self.is_rounded():
            quantum = _minor_quantum(self.currency)
            amount = amount.quantize(quantum, rounding=ROUND_DOWN, context=_EXACT)
        return f"{self.currency.code} {amount:f}"


def _checked_weights(weights: Sequence[Decimal | int]) -> list[Fraction]:
    if len(weights) == 0:
        raise InvalidArgument.single("weights", "must not be empty", "empty")
    exact: list[Fraction] = []
    problems: list[FieldProblem] = []
    for index, weight in enumerate(weights):
        try:
            value = _as_factor(weight)
        except ValueError:
            problems.append(FieldProblem(f"weights[{index}]", "must be finite", "not_finite"))
            continue
        if value < 0:
            problems.append(FieldProblem(f"weights[{index}]", "must not be negative", "negative"))
        exact.append(Fraction(value))
    if problems:
        raise InvalidArgument(problems)
    if not any(exact):
        raise InvalidArgument.single("weights", "must not all be zero", "all_zero")
    return exact


def money_text(money: Money) -> str:
    """The amount as decimal text with exactly the currency's minor digits ("1.50"), as every
    pactline amount is written; it must already be rounded."""
    # Rebuilding from minor units fixes the exponent (1.5 → "1.50") and raises for an amount
    # that was never rounded instead of rounding it here a second time.
    exact = Money.from_minor_units(money.to_minor_units(), money.currency)
    return format(exact.amount, "f")


def allocate(
    total: Money,
    weights: Sequence[Decimal | int],
    policy: RoundingPolicy = RoundingPolicy.HALF_UP,
) -> list[Money]:
    """Split `total` across lines in proportion to `weights`, to the last minor unit.

    1. Round `total` to its minor unit with `policy`; count it in minor units, T.
    2. Each line's exact share is |T| * weight / sum(weights) (exact rationals, no decimal context).
    3. Each line first gets its share rounded toward zero to a whole minor unit.
    4. The units left over (fewer than the number of lines) go one each to the lines with the
       largest dropped fractions; equal fractions go to the lower index first.
    5. Negative totals are split as their absolute value, then every share is negated, so a
       credit mirrors the matching charge exactly.

    The shares always sum to the rounded total, each is within one minor unit of its exact
    proportional share of the rounded total, and a zero weight always gets zero (its fraction is
    0, and fewer units are left over than there are lines with a non-zero fraction).

    Raises `InvalidArgument` when weights is empty, any weight is negative or not finite, or all
    weights are zero; `TypeError` for float or non-numeric weights.
    """
    exact = _checked_weights(weights)
    units = total.rounded(policy).to_minor_units()
    sign = -1 if units < 0 else 1
    magnitude = abs(units)
    weight_sum = sum(exact, Fraction(0))
    quotas = [magnitude * weight / weight_sum for weight in exact]
    shares = [quota.numerator // quota.denominator for quota in quotas]
    leftover = magnitude - sum(shares)
    by_fraction = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for index in by_fraction[:leftover]:
        shares[index] += 1
    return [Money.from_minor_units(sign * share, total.currency) for share in shares]
