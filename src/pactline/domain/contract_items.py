"""Editing a contract's line items one at a time: add, replace, remove, change a price row,
and the effective-dated changes of an amendment (a quantity, or a new price version, from a day).

A *row* is a row of the line's current price (its last price version): a ladder's tiers, or the
single row of a flat fee, per-unit or package price. A row's `quantity` is the line's contracted
quantity from its start. Each function returns new terms; validation happens when the contract is
saved or activated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from pactline.domain.contracts import ContractTerms, LineItem, PriceVersion, QuantityChange
from pactline.domain.errors import EntityNotFound, FieldProblem, InvalidArgument
from pactline.domain.rating.models import (
    FlatFee,
    Graduated,
    Package,
    PerUnit,
    PricingModel,
    Stairstep,
    Volume,
)
from pactline.domain.rating.tiers import Tier

LADDERS = (Graduated, Volume, Stairstep)


@dataclass(frozen=True)
class RowChange:
    """The parts of a row to change; None leaves a part as it is."""

    price: Decimal | None = None
    quantity: Decimal | None = None
    from_: Decimal | None = None
    to: Decimal | None = None
    package_size: Decimal | None = None
    flat_fee: Decimal | None = None
    open_ended: bool = False  # the row's `to` becomes null (the top of the ladder)


def line(terms: ContractTerms, ref: str) -> LineItem:
    for item in terms.line_items:
        if item.id == ref:
            return item
    raise EntityNotFound("LineItem", ref)


def with_items_added(terms: ContractTerms, items: Sequence[LineItem]) -> ContractTerms:
    taken = {item.id for item in terms.line_items}
    problems = []
    for index, item in enumerate(items):
        if item.id in taken:
            message = f"'{item.id}' is already a line item of the contract"
            problems.append(FieldProblem(f"items[{index}].externalId", message, "duplicate"))
        taken.add(item.id)
    if problems:
        raise InvalidArgument(problems)
    return replace(terms, line_items=(*terms.line_items, *items))


def with_item_replaced(terms: ContractTerms, ref: str, item: LineItem) -> ContractTerms:
    line(terms, ref)
    if item.id != ref and any(other.id == item.id for other in terms.line_items):
        message = f"'{item.id}' is already a line item of the contract"
        raise InvalidArgument.single("externalId", message, "duplicate")
    items = tuple(item if other.id == ref else other for other in terms.line_items)
    return replace(terms, line_items=items)


def without_item(terms: ContractTerms, ref: str) -> ContractTerms:
    line(terms, ref)
    return replace(terms, line_items=tuple(i for i in terms.line_items if i.id != ref))


def with_row_changed(
    terms: ContractTerms, ref: str, index: int, change: RowChange
) -> ContractTerms:
    current = line(terms, ref)
    model = _current_model(current)
    problems: list[FieldProblem] = []
    if isinstance(model, LADDERS):
        rows = list(model.tiers)
        _require_row(ref, index, len(rows))
        row = rows[index]
        if change.package_size is not None:
            problems.append(_not_for("packageSize", "a tier row"))
        rows[index] = Tier(
            from_=row.from_ if change.from_ is None else change.from_,
            to=None if change.open_ended else (row.to if change.to is None else change.to),
            price=row.price if change.price is None else change.price,
            flat_fee=row.flat_fee if change.flat_fee is None else change.flat_fee,
        )
        new_model = _rebuilt(model, rows)
    else:
        _require_row(ref, index, 1)
        for name, value in (
            ("from", change.from_),
            ("to", change.to),
            ("flatFee", change.flat_fee),
        ):
            if value is not None:
                problems.append(_not_for(name, f"a {model.kind.value} price"))
        if change.package_size is not None and not isinstance(model, Package):
            problems.append(_not_for("packageSize", f"a {model.kind.value} price"))
        new_model = _single_row(model, change)
    if problems:
        raise InvalidArgument(problems)
    updated = _with_model(current, new_model)
    if change.quantity is not None:
        updated = _with_first_quantity(terms, updated, change.quantity)
    return with_item_replaced(terms, ref, updated)


def without_row(terms: ContractTerms, ref: str, index: int) -> ContractTerms:
    """A tier row removed; the rows around it close the gap (the next starts where the removed
    one started; removing the top row opens the new top)."""
    current = line(terms, ref)
    model = _current_model(current)
    if not isinstance(model, LADDERS):
        raise InvalidArgument.single(
            "rows", f"a {model.kind.value} price has a single row; remove the item instead"
        )
    rows = list(model.tiers)
    _require_row(ref, index, len(rows))
    if len(rows) == 1:
        raise InvalidArgument.single("rows", "the last row of a ladder cannot be removed")
    removed = rows.pop(index)
    if index < len(rows):
        rows[index] = replace(rows[index], from_=removed.from_)
    else:
        rows[-1] = replace(rows[-1], to=None)
    return with_item_replaced(terms, ref, _with_model(current, _rebuilt(model, rows)))


def with_quantity_from(
    terms: ContractTerms, ref: str, effective_on: date, quantity: Decimal
) -> ContractTerms:
    """The contracted quantity is `quantity` from `effective_on` until the next change."""
    current = line(terms, ref)
    changes = [c for c in current.quantities if c.effective_on != effective_on]
    changes.append(QuantityChange(effective_on, quantity))
    changes.sort(key=lambda c: c.effective_on)
    return with_item_replaced(terms, ref, replace(current, quantities=tuple(changes)))


def with_price_from(
    terms: ContractTerms, ref: str, effective_on: date, model: PricingModel
) -> ContractTerms:
    """A new price version from `effective_on`; it replaces any version starting on or after
    that day, and the version before it ends the day before."""
    current = line(terms, ref)
    kept = [v for v in current.price_versions if v.start_on < effective_on]
    if not kept:
        first = current.price_versions[0].start_on if current.price_versions else None
        message = f"must be after the line item's first price version ({first})"
        raise InvalidArgument.single("effectiveDate", message, "out_of_range")
    kept[-1] = replace(kept[-1], end_on=effective_on - timedelta(days=1))
    versions = (*kept, PriceVersion(effective_on, model, current.price_versions[-1].end_on))
    return with_item_replaced(terms, ref, replace(current, price_versions=versions))


def _current_model(item: LineItem) -> PricingModel:
    if not item.price_versions:
        raise InvalidArgument.single("rows", f"line item '{item.id}' has no price", "required")
    return item.price_versions[-1].model


def _with_model(item: LineItem, model: PricingModel) -> LineItem:
    versions = list(item.price_versions)
    versions[-1] = replace(versions[-1], model=model)
    return replace(item, price_versions=tuple(versions))


def _with_first_quantity(terms: ContractTerms, item: LineItem, quantity: Decimal) -> LineItem:
    if not item.quantities:
        return replace(item, quantities=(QuantityChange(terms.line_start(item), quantity),))
    first, *rest = item.quantities
    return replace(item, quantities=(replace(first, quantity=quantity), *rest))


def _single_row(model: PricingModel, change: RowChange) -> PricingModel:
    price = change.price
    if isinstance(model, FlatFee):
        return model if price is None else FlatFee(price)
    if isinstance(model, PerUnit):
        return model if price is None else PerUnit(price)
    assert isinstance(model, Package)
    return Package(
        model.price if price is None else price,
        model.package_size if change.package_size is None else change.package_size,
    )


def _rebuilt(model: Graduated | Volume | Stairstep, rows: list[Tier]) -> PricingModel:
    return dataclasses.replace(model, tiers=tuple(rows))


def _require_row(ref: str, index: int, count: int) -> None:
    if not 0 <= index < count:
        raise EntityNotFound("Row", f"{ref}/rows/{index}")


def _not_for(name: str, what: str) -> FieldProblem:
    return FieldProblem(name, f"does not apply to {what}", "not_allowed")
