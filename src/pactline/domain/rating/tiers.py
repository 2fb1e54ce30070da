"""Tier rows and the rules a ladder of them must follow (BILLING-SEMANTICS §3).

A row covers quantities `from < q ≤ to`; `to=None` is the open top of the ladder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pactline.domain.errors import FieldProblem, InvalidArgument


def exact_number(value: object, name: str) -> Decimal:
    """`value` as a Decimal, refusing anything that may already have lost precision.

    A float such as 0.1 is not the decimal the user wrote, so it is a programming error
    (TypeError), not bad user input. Integers are exact, so they are accepted.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        # bool is an int subclass; True as a price is certainly a bug.
        raise TypeError(f"{name} must be a Decimal, not bool")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not float (floats are not exact)")
    raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")


@dataclass(frozen=True)
class Tier:
    """One row of a ladder. `price` is a rate (graduated, volume) or a band fee (stairstep)."""

    from_: Decimal
    to: Decimal | None
    price: Decimal
    flat_fee: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        # Types are checked here, values in validate_tiers, which knows each row's index
        # and so can report every problem of a ladder at once with its field path.
        object.__setattr__(self, "from_", exact_number(self.from_, "from_"))
        if self.to is not None:
            object.__setattr__(self, "to", exact_number(self.to, "to"))
        object.__setattr__(self, "price", exact_number(self.price, "price"))
        object.__setattr__(self, "flat_fee", exact_number(self.flat_fee, "flat_fee"))

    def covers(self, quantity: Decimal) -> bool:
        """Whether `from < quantity ≤ to`: a quantity on an edge belongs to the lower row."""
        return self.from_ < quantity and (self.to is None or quantity <= self.to)


def validate_tiers(tiers: Sequence[Tier], field: str = "tiers") -> list[FieldProblem]:
    """Every problem of the ladder, in row order; an empty list means it is valid."""
    if not tiers:
        return [FieldProblem(field, "must have at least one row", "required")]
    problems: list[FieldProblem] = []
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        if not isinstance(tier, Tier):
            raise TypeError(f"{field}[{index}] must be a Tier, not {type(tier).__name__}")
        path = f"{field}[{index}]"
        finite_from = _finite(tier.from_, f"{path}.from", problems)
        finite_to = tier.to is None or _finite(tier.to, f"{path}.to", problems)
        if finite_from:
            if index == 0:
                if tier.from_ != 0:
                    problems.append(FieldProblem(f"{path}.from", "must be 0 in the first row"))
            else:
                previous_to = tiers[index - 1].to
                # An open row before this one is reported on that row's `to`; a non-finite
                # one on itself. Either way there is no edge to compare against.
                if (
                    previous_to is not None
                    and previous_to.is_finite()
                    and tier.from_ != previous_to
                ):
                    problems.append(
                        FieldProblem(
                            f"{path}.from",
                            f"must equal the previous row's to ({previous_to}): "
                            "rows must be contiguous, with no gap or overlap",
                        )
                    )
        if tier.to is None:
            if index != last:
                problems.append(
                    FieldProblem(f"{path}.to", "only the last row may be open-ended (to = null)")
                )
        else:
            if finite_from and finite_to and tier.to <= tier.from_:
                problems.append(FieldProblem(f"{path}.to", "must be greater than from"))
            if index == last:
                problems.append(
                    FieldProblem(
                        f"{path}.to",
                        "must be null in the last row, so that every quantity has a row",
                    )
                )
        if _finite(tier.price, f"{path}.price", problems) and tier.price < 0:
            problems.append(FieldProblem(f"{path}.price", "must be zero or more"))
        if _finite(tier.flat_fee, f"{path}.flatFee", problems) and tier.flat_fee < 0:
            problems.append(FieldProblem(f"{path}.flatFee", "must be zero or more"))
    return problems


def require_valid_tiers(tiers: Sequence[Tier], field: str = "tiers") -> None:
    problems = validate_tiers(tiers, field)
    if problems:
        raise InvalidArgument(problems)


def _finite(value: Decimal, path: str, problems: list[FieldProblem]) -> bool:
    if value.is_finite():
        return True
    problems.append(FieldProblem(path, "must be a finite number"))
    return False
