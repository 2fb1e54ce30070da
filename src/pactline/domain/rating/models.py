"""The six pricing models: what a quantity costs for one period (BILLING-SEMANTICS §3).

Amounts are exact. Nothing here rounds: an invoice line is rounded once, after discounts
(§1), and rounding earlier would make a line differ from the sum of its parts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    localcontext,
)
from typing import ClassVar, TypeAlias

from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.rating.tiers import Tier, exact_number, validate_tiers

ZERO = Decimal(0)

# The default context keeps 28 significant digits and rounds silently beyond them, which
# would lose cents on large usage at fine rates. With unlimited precision, sums and products
# are exact; trapping Inexact and Rounded turns any operation that still cannot be exact
# into an error instead of a wrong amount.
_EXACT = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact, Rounded],
)


@contextmanager
def _exact() -> Iterator[None]:
    with localcontext(_EXACT):
        yield


class ModelKind(enum.StrEnum):
    """The model shapes; values are the names Stigg's pricing models API uses."""

    FLAT_FEE = "FLAT_FEE"
    FLAT_RATE = "FLAT_RATE"  # per unit
    PACKAGE = "PACKAGE"
    TIERED = "TIERED"  # graduated
    VOLUME = "VOLUME"
    STAIRSTEP = "STAIRSTEP"


def _quantity(value: object, name: str = "quantity") -> Decimal:
    quantity = exact_number(value, name)
    if not quantity.is_finite():
        raise InvalidArgument.single(name, "must be a finite number")
    if quantity < 0:
        raise InvalidArgument.single(name, "must be zero or more")
    return quantity


def _money(value: object, name: str, problems: list[FieldProblem]) -> Decimal:
    number = exact_number(value, name)
    if not number.is_finite():
        problems.append(FieldProblem(name, "must be a finite number"))
    elif number < 0:
        problems.append(FieldProblem(name, "must be zero or more"))
    return number


def _raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidArgument(problems)


@dataclass(frozen=True)
class FlatFee:
    """`price` per period, whatever the quantity (even 0). Prices a fixed line only."""

    price: Decimal
    kind: ClassVar[ModelKind] = ModelKind.FLAT_FEE

    def __post_init__(self) -> None:
        problems: list[FieldProblem] = []
        object.__setattr__(self, "price", _money(self.price, "price", problems))
        _raise_if(problems)

    def amount(self, quantity: Decimal) -> Decimal:
        _quantity(quantity)
        return self.price


@dataclass(frozen=True)
class PerUnit:
    """`quantity * price`."""

    price: Decimal
    kind: ClassVar[ModelKind] = ModelKind.FLAT_RATE

    def __post_init__(self) -> None:
        problems: list[FieldProblem] = []
        object.__setattr__(self, "price", _money(self.price, "price", problems))
        _raise_if(problems)

    def amount(self, quantity: Decimal) -> Decimal:
        q = _quantity(quantity)
        with _exact():
            return q * self.price


@dataclass(frozen=True)
class Package:
    """`ceil(quantity / package_size) * price`: a started package is a whole package.

    The size is a whole number of units; the quantity need not be (e.g. 2.5 GB).
    """

    price: Decimal
    package_size: Decimal
    kind: ClassVar[ModelKind] = ModelKind.PACKAGE

    def __post_init__(self) -> None:
        problems: list[FieldProblem] = []
        object.__setattr__(self, "price", _money(self.price, "price", problems))
        size = exact_number(self.package_size, "package_size")
        object.__setattr__(self, "package_size", size)
        if not size.is_finite() or size <= 0 or size != size.to_integral_value():
            problems.append(FieldProblem("packageSize", "must be a whole number of 1 or more"))
        _raise_if(problems)

    def amount(self, quantity: Decimal) -> Decimal:
        q = _quantity(quantity)
        with _exact():
            # // and % on Decimals are exact; q / size would be a rounded quotient.
            packages = q // self.package_size
            if q % self.package_size:
                packages += 1
            return packages * self.price


def _ladder(tiers: Sequence[Tier]) -> tuple[Tier, ...]:
    # A tuple keeps the frozen model hashable and its ladder immutable.
    rows = tuple(tiers)
    _raise_if(validate_tiers(rows, "tiers"))
    return rows


def _row_for(tiers: Sequence[Tier], quantity: Decimal) -> Tier | None:
    """The row with `from < quantity ≤ to`; None only for quantity 0 (below every row)."""
    return next((tier for tier in tiers if tier.covers(quantity)), None)


@dataclass(frozen=True)
class Graduated:
    """Tiered: each row prices the units that fall inside it, plus its flat fee if any do."""

    tiers: Sequence[Tier]
    kind: ClassVar[ModelKind] = ModelKind.TIERED

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", _ladder(self.tiers))

    def amount(self, quantity: Decimal) -> Decimal:
        q = _quantity(quantity)
        total = ZERO
        with _exact():
            for tier in self.tiers:
                if q <= tier.from_:
                    break
                top = q if tier.to is None else min(q, tier.to)
                total += (top - tier.from_) * tier.price + tier.flat_fee
        return total


@dataclass(frozen=True)
class Volume:
    """The row the quantity falls in prices every unit: `q * price + flat_fee`; 0 costs 0."""

    tiers: Sequence[Tier]
    kind: ClassVar[ModelKind] = ModelKind.VOLUME

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", _ladder(self.tiers))

    def amount(self, quantity: Decimal) -> Decimal:
        q = _quantity(quantity)
        row = _row_for(self.tiers, q)
        if row is None:
            return ZERO
        with _exact():
            return q * row.price + row.flat_fee


@dataclass(frozen=True)
class Stairstep:
    """The row the quantity falls in gives a band fee, its `price`; 0 costs 0.

    A row's price already is its fee, so a flat fee on top would say the same thing twice
    in two places; it is refused rather than silently added or ignored.
    """

    tiers: Sequence[Tier]
    kind: ClassVar[ModelKind] = ModelKind.STAIRSTEP

    def __post_init__(self) -> None:
        rows = tuple(self.tiers)
        problems = validate_tiers(rows, "tiers")
        problems += [
            FieldProblem(
                f"tiers[{index}].flatFee",
                "must be 0 in a stairstep ladder: the row's price is already its fee",
            )
            for index, tier in enumerate(rows)
            if tier.flat_fee != 0
        ]
        _raise_if(problems)
        object.__setattr__(self, "tiers", rows)

    def amount(self, quantity: Decimal) -> Decimal:
        q = _quantity(quantity)
        row = _row_for(self.tiers, q)
        return ZERO if row is None else row.price


PricingModel: TypeAlias = FlatFee | PerUnit | Package | Graduated | Volume | Stairstep


def extra_units_price(model: PricingModel, actual: Decimal, shortfall: Decimal) -> Decimal:
    """What `shortfall` units would have cost on top of `actual` (§6, quantity commitments).

    Volume and stairstep ladders need not be monotonic (more units can fall into a cheaper
    row), so the difference may be negative; a true-up for a missed commitment never pays
    the customer, so it is floored at 0.
    """
    a = _quantity(actual, "actual")
    s = _quantity(shortfall, "shortfall")
    with _exact():
        return max(ZERO, model.amount(a + s) - model.amount(a))


def after_free_units(quantity: Decimal, free_units: Decimal) -> Decimal:
    """`max(0, quantity - free_units)`: the quantity left to price (§5, step 1)."""
    q = _quantity(quantity)
    free = _quantity(free_units, "freeUnits")
    with _exact():
        return max(ZERO, q - free)
