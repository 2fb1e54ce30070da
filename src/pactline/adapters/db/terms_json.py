"""Contract terms ↔ the JSON document stored with a contract.

Decimals are stored as their exact text (never a JSON number, which a reader would turn into a
float), dates as ISO text, enums by name. The document carries a `format` number so that a later
change of shape can still read what was stored before. The id, name and customer of the terms
are the contract row's own columns and are not repeated here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pactline.domain.calendar import Anchor, BillingCycle, CycleUnit
from pactline.domain.catalog import Condition, Operation
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
from pactline.domain.currency import currency
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.money import RoundingPolicy
from pactline.domain.periods import ChargeTiming
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

FORMAT = 1

Json = dict[str, Any]


def terms_to_json(terms: ContractTerms) -> Json:
    return {
        "format": FORMAT,
        "currency": terms.currency.code,
        "timezone": terms.timezone,
        "start_on": terms.start_on.isoformat(),
        "end_on": _day_out(terms.end_on),
        "net_terms_days": terms.net_terms_days,
        "tax_rate": _number_out(terms.tax_rate),
        "discounts": [_discount_out(d) for d in terms.discounts],
        "commitment": _commitment_out(terms.commitment),
        "rounding": terms.rounding.name,
        "proration": terms.proration.name,
        "usage_tier_reset": terms.usage_tier_reset.name,
        "fluctuating_usage": terms.fluctuating_usage.name,
        "line_items": [_line_out(line) for line in terms.line_items],
    }


def terms_from_json(doc: Json, contract_id: str, name: str, customer_id: str) -> ContractTerms:
    if doc.get("format") != FORMAT:
        raise ValueError(f"unknown contract terms format {doc.get('format')!r}")
    start_on = date.fromisoformat(doc["start_on"])
    return ContractTerms(
        id=contract_id,
        name=name,
        customer_id=customer_id,
        currency=currency(doc["currency"], start_on),
        timezone=doc["timezone"],
        start_on=start_on,
        end_on=_day_in(doc["end_on"]),
        line_items=tuple(_line_in(line) for line in doc["line_items"]),
        net_terms_days=doc["net_terms_days"],
        tax_rate=_number_in(doc["tax_rate"]),
        discounts=tuple(_discount_in(d) for d in doc["discounts"]),
        commitment=_commitment_in(doc["commitment"]),
        rounding=RoundingPolicy[doc["rounding"]],
        proration=Proration[doc["proration"]],
        usage_tier_reset=UsageTierReset[doc["usage_tier_reset"]],
        # Terms stored before the setting existed billed the peak.
        fluctuating_usage=FluctuatingUsage[doc.get("fluctuating_usage", "PEAK")],
    )


# --- line items -------------------------------------------------------------------------------


def _line_out(line: LineItem) -> Json:
    return {
        "id": line.id,
        "name": line.name,
        "charge_type": line.charge_type.name,
        "price_versions": [
            {
                "start_on": v.start_on.isoformat(),
                "end_on": _day_out(v.end_on),
                "model": _model_out(v.model),
            }
            for v in line.price_versions
        ],
        "billing_cycle": _cycle_out(line.billing_cycle),
        "timing": line.timing.name,
        "anchor": {
            "day_of_month": line.anchor.day_of_month,
            "last_day": line.anchor.last_day,
            "month": line.anchor.month,
            "weekday": line.anchor.weekday,
        },
        "start_on": _day_out(line.start_on),
        "end_on": _day_out(line.end_on),
        "quantities": [
            {"effective_on": q.effective_on.isoformat(), "quantity": _number_out(q.quantity)}
            for q in line.quantities
        ],
        "metered_feature_id": line.metered_feature_id,
        "usage_filter": [_condition_out(c) for c in line.usage_filter],
        "optional": line.optional,
        "activations": [_window_out(w) for w in line.activations],
        "discounts": [_discount_out(d) for d in line.discounts],
        "commitment": _commitment_out(line.commitment),
        "tax_rate": _number_out(line.tax_rate),
        "separate_invoice": line.separate_invoice,
        "net_terms_days": line.net_terms_days,
    }


def _condition_out(condition: Condition) -> Json:
    values = None if condition.values is None else list(condition.values)
    return {
        "field": condition.field,
        "operation": condition.operation.value,
        "value": condition.value,
        "values": values,
    }


def _condition_in(doc: Json) -> Condition:
    values = doc["values"]
    return Condition(
        doc["field"],
        Operation(doc["operation"]),
        doc["value"],
        None if values is None else tuple(values),
    )


def _line_in(doc: Json) -> LineItem:
    anchor = doc["anchor"]
    return LineItem(
        id=doc["id"],
        name=doc["name"],
        charge_type=ChargeType[doc["charge_type"]],
        price_versions=tuple(
            PriceVersion(
                start_on=date.fromisoformat(v["start_on"]),
                model=_model_in(v["model"]),
                end_on=_day_in(v["end_on"]),
            )
            for v in doc["price_versions"]
        ),
        billing_cycle=_cycle_in(doc["billing_cycle"]),
        timing=ChargeTiming[doc["timing"]],
        anchor=Anchor(
            anchor["day_of_month"], anchor["last_day"], anchor["month"], anchor["weekday"]
        ),
        start_on=_day_in(doc["start_on"]),
        end_on=_day_in(doc["end_on"]),
        quantities=tuple(
            QuantityChange(date.fromisoformat(q["effective_on"]), Decimal(q["quantity"]))
            for q in doc["quantities"]
        ),
        metered_feature_id=doc["metered_feature_id"],
        usage_filter=tuple(_condition_in(c) for c in doc.get("usage_filter", ())),
        optional=doc["optional"],
        activations=tuple(_window_in(w) for w in doc["activations"]),
        discounts=tuple(_discount_in(d) for d in doc["discounts"]),
        commitment=_commitment_in(doc["commitment"]),
        tax_rate=_number_in(doc["tax_rate"]),
        separate_invoice=doc["separate_invoice"],
        net_terms_days=doc["net_terms_days"],
    )


# --- pricing models ---------------------------------------------------------------------------


def _model_out(model: PricingModel) -> Json:
    if isinstance(model, FlatFee | PerUnit):
        return {"type": type(model).__name__, "price": _number_out(model.price)}
    if isinstance(model, Package):
        return {
            "type": "Package",
            "price": _number_out(model.price),
            "package_size": _number_out(model.package_size),
        }
    return {
        "type": type(model).__name__,
        "tiers": [
            {
                "from": _number_out(t.from_),
                "to": _number_out(t.to),
                "price": _number_out(t.price),
                "flat_fee": _number_out(t.flat_fee),
            }
            for t in model.tiers
        ],
    }


def _model_in(doc: Json) -> PricingModel:
    kind = doc["type"]
    if kind == "FlatFee":
        return FlatFee(Decimal(doc["price"]))
    if kind == "PerUnit":
        return PerUnit(Decimal(doc["price"]))
    if kind == "Package":
        return Package(Decimal(doc["price"]), Decimal(doc["package_size"]))
    tiers = [
        Tier(Decimal(t["from"]), _number_in(t["to"]), Decimal(t["price"]), Decimal(t["flat_fee"]))
        for t in doc["tiers"]
    ]
    if kind == "Graduated":
        return Graduated(tiers)
    if kind == "Volume":
        return Volume(tiers)
    if kind == "Stairstep":
        return Stairstep(tiers)
    raise ValueError(f"unknown pricing model {kind!r} in stored terms")


# --- small parts ------------------------------------------------------------------------------


def _cycle_out(cycle: BillingCycle) -> Json:
    return {"unit": cycle.unit.name, "count": cycle.count}


def _cycle_in(doc: Json) -> BillingCycle:
    return BillingCycle(CycleUnit[doc["unit"]], doc["count"])


def _window_out(window: DateWindow) -> Json:
    return {"start_on": _day_out(window.start_on), "end_on": _day_out(window.end_on)}


def _window_in(doc: Json) -> DateWindow:
    return DateWindow(_day_in(doc["start_on"]), _day_in(doc["end_on"]))


def _discount_out(discount: Discount) -> Json:
    return {
        "kind": discount.kind.name,
        "value": _number_out(discount.value),
        **_window_out(discount.window),
    }


def _discount_in(doc: Json) -> Discount:
    return Discount(DiscountKind[doc["kind"]], Decimal(doc["value"]), _window_in(doc))


def _commitment_out(commitment: Commitment | None) -> Json | None:
    if commitment is None:
        return None
    return {
        "kind": commitment.kind.name,
        "mode": commitment.mode.name,
        "total": _number_out(commitment.total),
        "per_period": _number_out(commitment.per_period),
        **_window_out(commitment.window),
        "cycle": None if commitment.cycle is None else _cycle_out(commitment.cycle),
    }


def _commitment_in(doc: Json | None) -> Commitment | None:
    if doc is None:
        return None
    return Commitment(
        kind=CommitmentKind[doc["kind"]],
        mode=CommitmentMode[doc["mode"]],
        total=_number_in(doc["total"]),
        per_period=_number_in(doc["per_period"]),
        window=_window_in(doc),
        cycle=None if doc["cycle"] is None else _cycle_in(doc["cycle"]),
    )


def _number_out(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number_in(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _day_out(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day_in(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
