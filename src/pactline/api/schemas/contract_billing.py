"""Stigg's contract billing shapes (documented by Stigg, not yet in its SDK), mapped onto
pactline's contract draft format.

A Stigg line item (`name, externalId, pricingModelId, rows[], billingCycleUnit, ...`) becomes a
line item of the draft: `pricingModelId` names one of the pricing models below, its rows become
the price (a ladder's tiers, or the single row of a flat fee, per-unit or package price), and a
row's `quantity` the contracted quantity. Sent to PATCH, only the fields given change. The
pay-as-you-go twins make USAGE lines, which need pactline's `featureId` (the metered feature).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.catalog import ConditionIn
from pactline.api.schemas.contract_draft import DateText, ModelIn
from pactline.api.schemas.terms_draft import (
    draft_document,
    line_document,
    terms_document_for,
    terms_from_document,
)
from pactline.domain.contract_items import (
    RowChange,
    with_price_from,
    with_quantity_from,
    without_item,
)
from pactline.domain.contract_value import ContractValue
from pactline.domain.contracts import ContractTerms
from pactline.domain.errors import EntityNotFound, FieldProblem, InvalidArgument
from pactline.domain.money import money_text

Json = dict[str, Any]
CycleUnitName = Literal["monthly", "quarterly", "yearly", "weekly", "one_time"]
_UNITS = {
    "monthly": "MONTH",
    "quarterly": "QUARTER",
    "yearly": "YEAR",
    "weekly": "WEEK",
    "one_time": "ONE_TIME",
}


@dataclass(frozen=True)
class PricingModelSpec:
    id: str
    name: str
    model: str  # the draft format's model type
    pay_as_you_go: bool
    editable_inputs: tuple[str, ...]


def _twins(key: str, name: str, model: str, inputs: tuple[str, ...]) -> list[PricingModelSpec]:
    usage_inputs = tuple(i for i in inputs if i != "quantity")
    return [
        PricingModelSpec(key, name, model, False, inputs),
        PricingModelSpec(f"{key}_payg", f"{name} (pay as you go)", model, True, usage_inputs),
    ]


PRICING_MODELS: tuple[PricingModelSpec, ...] = (
    PricingModelSpec("flat_fee", "Flat fee", "FLAT_FEE", False, ("price",)),
    *_twins("flat_rate", "Flat rate", "PER_UNIT", ("quantity", "price")),
    *_twins("package", "Package", "PACKAGE", ("quantity", "price", "packageSize")),
    *_twins("tiered", "Tiered", "TIERED", ("quantity", "from", "to", "price")),
    *_twins("volume", "Volume", "VOLUME", ("quantity", "from", "to", "price")),
    *_twins("stairstep", "Stairstep", "STAIRSTEP", ("quantity", "from", "to", "price")),
)
_MODELS = {spec.id: spec for spec in PRICING_MODELS}
_LADDERS = frozenset({"TIERED", "VOLUME", "STAIRSTEP"})


class PricingModelOut(OutModel):
    id: str
    name: str
    model: str = Field(description="The contract draft format's model type")
    is_pay_as_you_go: bool
    editable_inputs: list[str]

    @classmethod
    def of(cls, spec: PricingModelSpec) -> PricingModelOut:
        return cls(
            id=spec.id,
            name=spec.name,
            model=spec.model,
            is_pay_as_you_go=spec.pay_as_you_go,
            editable_inputs=list(spec.editable_inputs),
        )


# --- items ----------------------------------------------------------------------------------


class RowIn(CamelModel):
    quantity: Decimal | None = None
    price: Decimal | None = None
    from_: Decimal | None = Field(None, alias="from")
    to: Decimal | None = None
    package_size: Decimal | None = None
    flat_fee: Decimal | None = None

    def change(self) -> RowChange:
        return RowChange(
            price=self.price,
            quantity=self.quantity,
            from_=self.from_,
            to=self.to,
            package_size=self.package_size,
            flat_fee=self.flat_fee,
            open_ended="to" in self.model_fields_set and self.to is None,
        )


class ItemIn(CamelModel):
    """A Stigg contract line item; pactline adds `featureId` and `quantity`."""

    name: str | None = None
    external_id: str | None = None
    item_name: str | None = None
    pricing_model_id: str | None = None
    rows: list[RowIn] | None = None
    billing_cycle_unit: CycleUnitName | None = None
    billing_cycle_count: int | None = None
    payment_time: Literal["IN_ADVANCE", "IN_ARREARS"] | None = None
    discount: Decimal | None = Field(None, description="Percent off")
    tax: Decimal | None = Field(None, description="Tax rate, percent")
    net_terms: int | None = None
    separate_invoice: bool | None = None
    feature_id: str | None = Field(None, description="Pay-as-you-go items: the metered feature")
    usage_filter: list[ConditionIn] | None = Field(
        None,
        description="Pay-as-you-go items: bill only the usage whose dimensions pass every "
        "condition ([] clears the filter)",
    )
    quantity: Decimal | None = Field(None, description="Contracted quantity (default rows[0])")

    def patch(self, path: str, start_on: date) -> Json:
        """The draft line-item fields this item sets (`start_on`: the line's first day)."""
        line: Json = {}
        if self.external_id is not None:
            line["id"] = self.external_id
        if self.name is not None or self.item_name is not None:
            line["name"] = self.name or self.item_name
        if self.billing_cycle_unit is not None or self.billing_cycle_count is not None:
            line["billingCycle"] = {
                "unit": _UNITS[self.billing_cycle_unit or "monthly"],
                "count": self.billing_cycle_count or 1,
            }
        if self.payment_time is not None:
            line["timing"] = self.payment_time
        if self.tax is not None:
            line["taxRate"] = _text(self.tax)
        if self.net_terms is not None:
            line["netTermsDays"] = self.net_terms
        if self.separate_invoice is not None:
            line["separateInvoice"] = self.separate_invoice
        if self.feature_id is not None:
            line["meteredFeatureId"] = self.feature_id
        if self.usage_filter is not None:
            line["usageFilter"] = [
                condition.model_dump(include={"field", "operation", "value", "values"})
                for condition in self.usage_filter
            ]
        if self.pricing_model_id is not None or self.rows is not None:
            line.update(self._price(path, start_on))
        return line

    def _price(self, path: str, start_on: date) -> Json:
        spec = _MODELS.get(self.pricing_model_id or "")
        if spec is None:
            known = ", ".join(_MODELS)
            message = f"must be one of {known} (GET /api/v1/contracts/pricing-models)"
            raise InvalidArgument.single(f"{path}.pricingModelId", message, "unknown")
        rows = self.rows or []
        if not rows:
            raise InvalidArgument.single(f"{path}.rows", "a price needs a row", "required")
        line: Json = {
            "chargeType": "USAGE" if spec.pay_as_you_go else "FIXED",
            "priceVersions": [{"model": _model(spec, rows)}],
        }
        if spec.pay_as_you_go:
            line["timing"] = self.payment_time or "IN_ARREARS"
            line["quantities"] = []
        elif spec.model != "FLAT_FEE":
            quantity = self.quantity if self.quantity is not None else rows[0].quantity
            line["quantities"] = (
                []
                if quantity is None
                else [{"effectiveDate": start_on.isoformat(), "quantity": _text(quantity)}]
            )
        return line

    def discount_patch(self, current: list[Json]) -> list[Json] | None:
        if self.discount is None:
            return None
        others = [d for d in current if d.get("type") != "PERCENT"]
        return [*others, {"type": "PERCENT", "value": _text(self.discount)}]


def _model(spec: PricingModelSpec, rows: list[RowIn]) -> Json:
    first = rows[0]
    if spec.model in _LADDERS:
        tiers = []
        previous_to: Decimal | None = Decimal(0)
        for row in rows:
            start = row.from_ if row.from_ is not None else previous_to
            tiers.append(
                {
                    "from": _text(start),
                    "to": _text(row.to),
                    "price": _text(row.price),
                    "flatFee": _text(row.flat_fee),
                }
            )
            previous_to = row.to
        return {"type": spec.model, "tiers": tiers}
    model: Json = {"type": spec.model, "price": _text(first.price)}
    if spec.model == "PACKAGE":
        model["packageSize"] = _text(first.package_size)
    return model


class ItemsIn(CamelModel):
    items: list[ItemIn] | None = Field(None, description="Stigg line items")
    line_items: list[dict[str, Any]] | None = Field(
        None, description="Line items in the contract draft format"
    )
    version: int | None = None


class ItemPatchIn(ItemIn):
    line_item: dict[str, Any] | None = Field(
        None, description="Draft-format fields to change (instead of the Stigg fields)"
    )
    version: int | None = None


def added_items(body: ItemsIn) -> Callable[[ContractTerms], ContractTerms]:
    """The edit that appends the body's items to a draft's terms."""

    def edit(terms: ContractTerms) -> ContractTerms:
        document = draft_document(terms)
        lines: list[Json] = document["lineItems"]
        taken = {line["id"] for line in lines}
        added: list[Json] = []
        problems: list[FieldProblem] = []
        for index, item in enumerate(body.items or ()):
            path = f"items[{index}]"
            try:
                line = {
                    "id": f"item-{len(lines) + len(added) + 1}",
                    **item.patch(path, terms.start_on),
                }
            except InvalidArgument as error:
                problems += error.problems
                continue
            for name in ("name", "billingCycle", "priceVersions"):
                if name not in line:
                    problems.append(
                        FieldProblem(f"{path}.{_stigg_name(name)}", "is required", "required")
                    )
            discounts = item.discount_patch([])
            if discounts is not None:
                line["discounts"] = discounts
            added.append(line)
        added += [dict(line) for line in body.line_items or ()]
        for index, line in enumerate(added):
            if line.get("id") in taken:
                message = f"'{line.get('id')}' is already a line item of the contract"
                problems.append(FieldProblem(f"items[{index}].externalId", message, "duplicate"))
            taken.add(line.get("id"))
        if not added and not problems:
            problems.append(FieldProblem("items", "must list a line item", "required"))
        if problems:
            raise InvalidArgument(problems)
        document["lineItems"] = lines + added
        return terms_from_document(document)

    return edit


def patched_item(ref: str, body: ItemPatchIn) -> Callable[[ContractTerms], ContractTerms]:
    def edit(terms: ContractTerms) -> ContractTerms:
        document = draft_document(terms)
        lines: list[Json] = document["lineItems"]
        index = next((i for i, line in enumerate(lines) if line["id"] == ref), None)
        if index is None:
            raise EntityNotFound("LineItem", ref)
        line = lines[index]
        start_on = date.fromisoformat(line["startDate"] or document["startDate"])
        changes = body.patch("item", start_on) if body.line_item is None else dict(body.line_item)
        discounts = body.discount_patch(line["discounts"])
        if discounts is not None:
            changes["discounts"] = discounts
        new_id = changes.get("id", ref)
        if new_id != ref and any(other["id"] == new_id for other in lines):
            message = f"'{new_id}' is already a line item of the contract"
            raise InvalidArgument.single("externalId", message, "duplicate")
        lines[index] = {**line, **changes}
        return terms_from_document(document)

    return edit


def removed_item(ref: str) -> Callable[[ContractTerms], ContractTerms]:
    return lambda terms: without_item(terms, ref)


def _stigg_name(draft_name: str) -> str:
    return {"billingCycle": "billingCycleUnit", "priceVersions": "pricingModelId"}.get(
        draft_name, draft_name
    )


# --- billing terms, settings, amendments ----------------------------------------------------

_TERM_FIELDS = (
    "currency",
    "timezone",
    "startDate",
    "endDate",
    "netTermsDays",
    "taxRate",
    "rounding",
    "proration",
    "usageTierReset",
    "fluctuatingUsage",
    "discounts",
    "commitment",
)


def patched_terms(body: dict[str, Any]) -> Callable[[ContractTerms], ContractTerms]:
    """The edit that sets the contract-level fields of the draft format in `body`."""
    unknown = sorted(set(body) - set(_TERM_FIELDS) - {"version"})
    if unknown:
        allowed = ", ".join(_TERM_FIELDS)
        raise InvalidArgument.single(
            unknown[0], f"is not a billing term ({allowed})", "extra_forbidden"
        )

    def edit(terms: ContractTerms) -> ContractTerms:
        document = draft_document(terms)
        old_start = document["startDate"]
        changes = {k: v for k, v in body.items() if k != "version"}
        document.update(changes)
        new_start = document["startDate"]
        if new_start != old_start:
            _move_starts(document, old_start, new_start)
        return terms_from_document(document, prefix="")

    return edit


def _move_starts(document: Json, old: str, new: str) -> None:
    """Lines that start with the contract start with it again: their first price version and
    quantity move with the contract's start date."""
    for line in document["lineItems"]:
        if line["startDate"] is not None:
            continue
        versions, quantities = line["priceVersions"], line["quantities"]
        if versions and versions[0]["startDate"] == old:
            versions[0]["startDate"] = new
        if quantities and quantities[0]["effectiveDate"] == old:
            quantities[0]["effectiveDate"] = new


class CorrectionsSettingsIn(CamelModel):
    undercharge: Literal["BACKDATED_INVOICE", "NEXT_INVOICE"] | None = None
    overcharge: Literal["CARRY_FORWARD", "CREDIT_NOTE"] | None = None


class SettingsIn(CamelModel):
    auto_renew: bool | None = None
    renewal_term_months: int | None = None
    corrections: CorrectionsSettingsIn | None = None
    setup_billing: bool | None = None
    version: int | None = None


class QuantityChangeIn(CamelModel):
    line_item_id: str
    effective_date: DateText
    quantity: Decimal


class PriceChangeIn(CamelModel):
    line_item_id: str
    effective_date: DateText
    model: ModelIn


class AmendIn(CamelModel):
    """An amendment of an active contract: whole new terms, or effective-dated changes."""

    effective_date: DateText | None = Field(None, description="Default: today (contract time)")
    terms: dict[str, Any] | None = Field(None, description="Whole new terms, draft format")
    quantity_changes: list[QuantityChangeIn] | None = None
    price_changes: list[PriceChangeIn] | None = None
    order_id: str | None = Field(None, description="pactline: the order (an upsell) it carries out")
    version: int | None = None

    def edit(self) -> Callable[[ContractTerms], ContractTerms]:
        if self.terms is None and not self.quantity_changes and not self.price_changes:
            message = "send terms, quantityChanges or priceChanges"
            raise InvalidArgument.single("terms", message, "required")
        if self.terms is not None and (self.quantity_changes or self.price_changes):
            message = "send whole terms or effective-dated changes, not both"
            raise InvalidArgument.single("terms", message, "not_allowed")
        raw = self.terms

        def edit(terms: ContractTerms) -> ContractTerms:
            if raw is not None:
                return terms_from_document(terms_document_for(raw, terms))
            for change in self.quantity_changes or ():
                terms = with_quantity_from(
                    terms, change.line_item_id, change.effective_date, change.quantity
                )
            for index, price in enumerate(self.price_changes or ()):
                model = _model_from(price.model, f"priceChanges[{index}].model", terms)
                terms = with_price_from(terms, price.line_item_id, price.effective_date, model)
            return terms

        return edit


def _model_from(model: ModelIn, path: str, terms: ContractTerms) -> Any:
    """A draft-format model as the rating engine's, through a one-line draft (the same code
    that reads drafts, so its rules and messages are the same)."""
    document = draft_document(terms)
    probe = {
        "id": "probe",
        "name": "probe",
        "chargeType": "FIXED",
        "billingCycle": {"unit": "MONTH", "count": 1},
        "priceVersions": [{"model": _model_document(model)}],
    }
    document["lineItems"] = [probe]
    try:
        parsed = terms_from_document(document, prefix="")
    except InvalidArgument as error:
        # Only the model's own problems: the probe line around it is not the caller's.
        inside = "lineItems[0].priceVersions[0].model"
        problems = [
            FieldProblem(p.field.replace(inside, path), p.message, p.code)
            for p in error.problems
            if p.field.startswith(inside)
        ]
        raise InvalidArgument(problems) from None
    return parsed.line_items[0].price_versions[0].model


def _model_document(model: ModelIn) -> Json:
    """A parsed draft model written back as draft JSON (decimals as exact text)."""
    document: Json = {"type": model.type}
    if model.price is not None:
        document["price"] = _text(model.price)
    if model.package_size is not None:
        document["packageSize"] = _text(model.package_size)
    if model.tiers is not None:
        document["tiers"] = [
            {
                "from": _text(t.from_),
                "to": _text(t.to),
                "price": _text(t.price),
                "flatFee": _text(t.flat_fee),
            }
            for t in model.tiers
        ]
    return document


# --- summary --------------------------------------------------------------------------------


class ContractValueOut(OutModel):
    currency: str
    start_date: date
    end_date: date | None = Field(description="The last day valued (a year for open-ended)")
    fixed: str = Field(description="FIXED line items, net of discounts, before tax")
    usage_minimums: str = Field(description="USAGE lines' flat fees and minimum commitments")
    committed: str = Field(description="fixed + usageMinimums")
    tcv: str | None = Field(description="Total contract value; null when open-ended")
    acv: str = Field(description="Annual contract value: TCV per year of term")
    usage_line_item_ids: list[str] = Field(description="Billed on actual usage on top")
    invoices: int

    @classmethod
    def of(cls, value: ContractValue) -> ContractValueOut:
        return cls(
            currency=value.currency.code,
            start_date=value.start_on,
            end_date=value.end_on,
            fixed=money_text(value.fixed),
            usage_minimums=money_text(value.usage_minimums),
            committed=money_text(value.committed),
            tcv=None if value.tcv is None else money_text(value.tcv),
            acv=money_text(value.acv),
            usage_line_item_ids=list(value.usage_line_item_ids),
            invoices=value.invoices,
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


__all__ = [
    "PRICING_MODELS",
    "AmendIn",
    "ContractValueOut",
    "ItemPatchIn",
    "ItemsIn",
    "PricingModelOut",
    "RowIn",
    "SettingsIn",
    "added_items",
    "line_document",
    "patched_item",
    "patched_terms",
    "removed_item",
]
