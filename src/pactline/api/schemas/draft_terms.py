"""A well-shaped contract draft → the rating engine's `ContractTerms` and inline usage.

Everything left to check once the shape is right is reported in one answer: the problems the
domain objects raise while being built (anchors, pricing models, currency), the inline usage
that cannot be billed, and the terms' own validation, all with the draft's camelCase paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from pactline.api.schemas.contract_draft import (
    CommitmentIn,
    ContractDraft,
    CycleIn,
    DiscountIn,
    LineItemIn,
    ModelIn,
    WindowIn,
)
from pactline.domain.calendar import Anchor, BillingCycle, CycleUnit
from pactline.domain.catalog import Condition, Operation
from pactline.domain.contract_validation import validate_terms
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    CommitmentMode,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    Proration,
    QuantityChange,
    UsageTierReset,
)
from pactline.domain.currency import Currency, currency
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.money import RoundingPolicy
from pactline.domain.periods import ChargeTiming, contract_span, local_midnight, resolve_timezone
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
from pactline.domain.rating.usage import UsageRecord

T = TypeVar("T")

_UNITS = {name: CycleUnit(name.lower()) for name in CycleUnit.__members__}
_TIMING = {"IN_ADVANCE": ChargeTiming.IN_ADVANCE, "IN_ARREARS": ChargeTiming.IN_ARREARS}
_MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "FLAT_FEE": ("price",),
    "PER_UNIT": ("price",),
    "PACKAGE": ("price", "packageSize"),
    "TIERED": ("tiers",),
    "VOLUME": ("tiers",),
    "STAIRSTEP": ("tiers",),
}
# Stands in for a part that could not be built, so that the rest can still be validated.
_NO_CURRENCY = Currency("XXX", 2, "No currency")


def _stand_in(model_type: str) -> PricingModel:
    # Of the same family (a flat fee, or usage-capable and priced by quantity), so that what
    # the terms' validation says about the line (quantities needed, usage priced by a flat
    # fee) holds for the real model too.
    return FlatFee(Decimal(0)) if model_type == "FLAT_FEE" else PerUnit(Decimal(0))


class _Builder:
    """Builds domain objects, collecting every problem (with its full path) instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []
        self._replaced: list[str] = []  # paths whose value is a stand-in

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.problems.append(FieldProblem(field, message, code))

    def build(
        self, prefix: str, make: Callable[[], T], stand_in: T, covers: str | None = None
    ) -> T:
        """`make()`, or `stand_in` after recording its problems under `prefix`. `covers` is
        where the terms' own validation could only speak about the stand-in."""
        try:
            return make()
        except InvalidArgument as error:
            self.problems += [
                FieldProblem(_join(prefix, p.field), p.message, p.code) for p in error.problems
            ]
            if covers is not None:
                self._replaced.append(covers)
            return stand_in

    def covered(self, field: str) -> bool:
        return any(
            field == path or field.startswith((f"{path}.", f"{path}[")) for path in self._replaced
        )


_TOP_LEVEL = [field.alias for field in ContractDraft.model_fields.values()]
_HEAD = re.compile(r"([A-Za-z]*)(?:\[([0-9]+)\])?")


def _draft_position(problem: FieldProblem) -> tuple[int, int]:
    """Where the problem's top-level field (and list entry) is in the draft, so that a line
    item's problems are listed together whichever check found them (the sort is stable)."""
    head = _HEAD.match(problem.field)
    name, index = (head.group(1), head.group(2)) if head else ("", None)
    rank = _TOP_LEVEL.index(name) if name in _TOP_LEVEL else len(_TOP_LEVEL)
    return rank, -1 if index is None else int(index)


def _join(prefix: str, field: str) -> str:
    if not prefix:
        return field
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


def _cycle(cycle: CycleIn) -> BillingCycle:
    unit = _UNITS[cycle.unit]
    return BillingCycle(unit, 1 if unit is CycleUnit.ONE_TIME else cycle.count)


def _window(window: WindowIn | DiscountIn | CommitmentIn) -> DateWindow:
    return DateWindow(window.start_date, window.end_date)


def _discount(discount: DiscountIn) -> Discount:
    return Discount(DiscountKind[discount.type], discount.value, _window(discount))


def _commitment(commitment: CommitmentIn | None) -> Commitment | None:
    if commitment is None:
        return None
    return Commitment(
        kind=CommitmentKind[commitment.type],
        mode=CommitmentMode[commitment.mode],
        total=commitment.total,
        per_period=commitment.per_period,
        window=_window(commitment),
        cycle=None if commitment.billing_cycle is None else _cycle(commitment.billing_cycle),
    )


def _pricing(model: ModelIn, path: str, builder: _Builder) -> PricingModel:
    given = {"price": model.price, "packageSize": model.package_size, "tiers": model.tiers}
    needed = _MODEL_FIELDS[model.type]
    missing = [name for name in needed if given[name] is None]
    for name in missing:
        builder.add(f"{path}.{name}", f"is required for type {model.type}", "required")
    for name, value in given.items():
        if value is not None and name not in needed:
            builder.add(f"{path}.{name}", f"is not used by type {model.type}", "not_allowed")
    if missing:
        return _stand_in(model.type)
    price, size = model.price or Decimal(0), model.package_size or Decimal(0)
    tiers = [
        Tier(t.from_, t.to, t.price, Decimal(0) if t.flat_fee is None else t.flat_fee)
        for t in model.tiers or ()
    ]
    makers: dict[str, Callable[[], PricingModel]] = {
        "FLAT_FEE": lambda: FlatFee(price),
        "PER_UNIT": lambda: PerUnit(price),
        "PACKAGE": lambda: Package(price, size),
        "TIERED": lambda: Graduated(tiers),
        "VOLUME": lambda: Volume(tiers),
        "STAIRSTEP": lambda: Stairstep(tiers),
    }
    return builder.build(path, makers[model.type], _stand_in(model.type))


def _line(line: LineItemIn, index: int, draft: ContractDraft, builder: _Builder) -> LineItem:
    path = f"lineItems[{index}]"
    charge_type = ChargeType[line.charge_type]
    default_timing = "IN_ARREARS" if charge_type is ChargeType.USAGE else "IN_ADVANCE"
    start_on = line.start_date or draft.start_date
    versions = tuple(
        PriceVersion(
            start_on=version.start_date or start_on,
            model=_pricing(version.model, f"{path}.priceVersions[{j}].model", builder),
            end_on=version.end_date,
        )
        for j, version in enumerate(line.price_versions)
    )
    anchor = line.anchor
    return LineItem(
        id=line.id,
        name=line.name,
        charge_type=charge_type,
        price_versions=versions,
        billing_cycle=_cycle(line.billing_cycle),
        timing=_TIMING[line.timing or default_timing],
        anchor=builder.build(
            path,
            lambda: Anchor(anchor.day_of_month, anchor.last_day, anchor.month, anchor.weekday),
            Anchor(),
            covers=f"{path}.anchor",
        ),
        start_on=line.start_date,
        end_on=line.end_date,
        quantities=tuple(QuantityChange(q.effective_date, q.quantity) for q in line.quantities),
        metered_feature_id=line.metered_feature_id,
        usage_filter=tuple(
            Condition(
                c.field,
                Operation(c.operation),
                c.value,
                None if c.values is None else tuple(c.values),
            )
            for c in line.usage_filter
        ),
        optional=line.optional,
        activations=tuple(_window(window) for window in line.activations),
        discounts=tuple(_discount(discount) for discount in line.discounts),
        commitment=_commitment(line.commitment),
        tax_rate=line.tax_rate,
        separate_invoice=line.separate_invoice,
        net_terms_days=line.net_terms_days,
    )


def _usage(draft: ContractDraft, builder: _Builder) -> tuple[UsageRecord, ...]:
    zone = builder.build("", lambda: resolve_timezone(draft.timezone), None, covers="timezone")
    lines = {line.id: line for line in reversed(draft.line_items)}
    try:
        span = contract_span(draft.start_date, draft.end_date, "UTC" if zone is None else zone.key)
    except InvalidArgument:
        span = None  # an end before the start is reported by the terms' validation
    records: list[UsageRecord] = []
    for index, usage in enumerate(draft.usage):
        path = f"usage[{index}]"
        line = lines.get(usage.line_item_id)
        if line is None:
            builder.add(f"{path}.lineItemId", "names no line item of this draft", "unknown")
        elif line.charge_type != "USAGE":
            builder.add(
                f"{path}.lineItemId",
                f"names the {line.charge_type} line item '{line.id}'; usage is billed only "
                "on USAGE line items",
                "not_usage",
            )
        if usage.quantity < 0:
            builder.add(f"{path}.quantity", "must be zero or more", "out_of_range")
        at = usage.at
        if not isinstance(at, datetime):
            at = local_midnight(at, zone or "UTC")
        if span is not None and not (span[0] <= at and (span[1] is None or at < span[1])):
            builder.add(f"{path}.at", "is outside the contract's dates", "outside_contract")
        records.append(UsageRecord(usage.line_item_id, at, usage.quantity))
    return tuple(records)


def terms_from_draft(draft: ContractDraft) -> tuple[ContractTerms, tuple[UsageRecord, ...]]:
    """The draft's terms and inline usage, or InvalidArgument listing every problem."""
    builder = _Builder()
    terms = ContractTerms(
        id=draft.id,
        name=draft.name,
        customer_id=draft.customer_id,
        currency=builder.build(
            "", lambda: currency(draft.currency, draft.start_date), _NO_CURRENCY, "currency"
        ),
        timezone=draft.timezone,
        start_on=draft.start_date,
        end_on=draft.end_date,
        line_items=tuple(_line(line, i, draft, builder) for i, line in enumerate(draft.line_items)),
        net_terms_days=draft.net_terms_days,
        tax_rate=draft.tax_rate,
        discounts=tuple(_discount(discount) for discount in draft.discounts),
        commitment=_commitment(draft.commitment),
        rounding=RoundingPolicy[draft.rounding],
        proration=Proration[draft.proration],
        usage_tier_reset=UsageTierReset[draft.usage_tier_reset],
        fluctuating_usage=FluctuatingUsage[draft.fluctuating_usage],
    )
    usage = _usage(draft, builder)
    if builder.problems:
        # The terms' own rules still run, so that one answer lists every problem. Parts that
        # could not be built have stand-ins; what the rules say about those is dropped.
        try:
            found = validate_terms(terms)
        except InvalidArgument as error:
            found = list(error.problems)
        problems = builder.problems + [p for p in found if not builder.covered(p.field)]
        raise InvalidArgument(sorted(dict.fromkeys(problems), key=_draft_position))
    return terms, usage
