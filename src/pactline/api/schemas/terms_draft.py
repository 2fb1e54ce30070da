"""A stored contract's terms in the contract draft format (docs/contract-format.md), both ways.

Out: `draft_document` writes the terms as the JSON a caller would send, so what is read back can
be edited and sent again.
In: `terms_from_document` parses a draft document with `contract_draft` and `draft_terms` (the
preview's own code, so the two cannot disagree) and names every problem under `prefix`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.domain.calendar import BillingCycle
from pactline.domain.contracts import Commitment, ContractTerms, DateWindow, Discount, LineItem
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.rating.models import (
    FlatFee,
    Graduated,
    Package,
    PerUnit,
    PricingModel,
    Stairstep,
    Volume,
)

Json = dict[str, Any]

_MODEL_TYPES: dict[type, str] = {
    FlatFee: "FLAT_FEE",
    PerUnit: "PER_UNIT",
    Package: "PACKAGE",
    Graduated: "TIERED",
    Volume: "VOLUME",
    Stairstep: "STAIRSTEP",
}


def draft_document(terms: ContractTerms) -> Json:
    return {
        "id": terms.id,
        "name": terms.name,
        "customerId": terms.customer_id,
        "currency": terms.currency.code,
        "timezone": terms.timezone,
        "startDate": terms.start_on.isoformat(),
        "endDate": None if terms.end_on is None else terms.end_on.isoformat(),
        "netTermsDays": terms.net_terms_days,
        "taxRate": _number(terms.tax_rate),
        "rounding": terms.rounding.name,
        "proration": terms.proration.name,
        "usageTierReset": terms.usage_tier_reset.name,
        "fluctuatingUsage": terms.fluctuating_usage.name,
        "discounts": [_discount(d) for d in terms.discounts],
        "commitment": _commitment(terms.commitment),
        "lineItems": [line_document(line) for line in terms.line_items],
    }


def line_document(line: LineItem) -> Json:
    anchor = line.anchor
    return {
        "id": line.id,
        "name": line.name,
        "chargeType": line.charge_type.name,
        "meteredFeatureId": line.metered_feature_id,
        "usageFilter": [
            {
                "field": c.field,
                "operation": c.operation.value,
                "value": c.value,
                "values": None if c.values is None else list(c.values),
            }
            for c in line.usage_filter
        ],
        "billingCycle": _cycle(line.billing_cycle),
        "anchor": {
            "dayOfMonth": anchor.day_of_month,
            "lastDay": anchor.last_day,
            "month": anchor.month,
            "weekday": anchor.weekday,
        },
        "timing": line.timing.name,
        "startDate": _day(line.start_on),
        "endDate": _day(line.end_on),
        "priceVersions": [
            {
                "startDate": version.start_on.isoformat(),
                "endDate": _day(version.end_on),
                "model": model_document(version.model),
            }
            for version in line.price_versions
        ],
        "quantities": [
            {"effectiveDate": q.effective_on.isoformat(), "quantity": _number(q.quantity)}
            for q in line.quantities
        ],
        "optional": line.optional,
        "activations": [_window(w) for w in line.activations],
        "discounts": [_discount(d) for d in line.discounts],
        "commitment": _commitment(line.commitment),
        "taxRate": _number(line.tax_rate),
        "separateInvoice": line.separate_invoice,
        "netTermsDays": line.net_terms_days,
    }


def model_document(model: PricingModel) -> Json:
    kind = _MODEL_TYPES[type(model)]
    if isinstance(model, FlatFee | PerUnit):
        return {"type": kind, "price": _number(model.price)}
    if isinstance(model, Package):
        return {
            "type": kind,
            "price": _number(model.price),
            "packageSize": _number(model.package_size),
        }
    return {
        "type": kind,
        "tiers": [
            {
                "from": _number(t.from_),
                "to": _number(t.to),
                "price": _number(t.price),
                "flatFee": _number(t.flat_fee),
            }
            for t in model.tiers
        ],
    }


def terms_document_for(document: Mapping[str, Any], current: ContractTerms) -> Json:
    """A sent draft with the contract's id, name and customer filled in; a customer that is not
    the contract's is refused (the names are the contract record's)."""
    if document.get("customerId", current.customer_id) != current.customer_id:
        message = "must be the contract's customerId (or left out)"
        raise InvalidArgument.single("terms.customerId", message, "mismatch")
    return {"id": current.id, "name": current.name, "customerId": current.customer_id, **document}


def terms_from_document(document: Mapping[str, Any], prefix: str = "terms") -> ContractTerms:
    """Parse a draft document (shape, then what building the terms finds) into terms; every
    problem is named under `prefix`. The terms' own rules are checked when the contract is
    activated, so a draft may be saved incomplete. Inline usage has no place in a contract."""
    try:
        draft = parse_draft(dict(document))
        if draft.usage:
            message = "belongs to previews; a contract's usage comes from the usage store"
            raise InvalidArgument.single("usage", message, "not_allowed")
        terms, _ = terms_from_draft(draft)
    except InvalidArgument as error:
        raise InvalidArgument([_under(prefix, p) for p in error.problems]) from None
    return terms


def _under(prefix: str, problem: FieldProblem) -> FieldProblem:
    if not prefix:
        return problem
    field = prefix if problem.field in ("", "body") else f"{prefix}.{problem.field}"
    return FieldProblem(field, problem.message, problem.code)


def _cycle(cycle: BillingCycle) -> Json:
    return {"unit": cycle.unit.name, "count": cycle.count}


def _window(window: DateWindow) -> Json:
    return {"startDate": _day(window.start_on), "endDate": _day(window.end_on)}


def _discount(discount: Discount) -> Json:
    return {
        "type": discount.kind.name,
        "value": _number(discount.value),
        **_window(discount.window),
    }


def _commitment(commitment: Commitment | None) -> Json | None:
    if commitment is None:
        return None
    return {
        "type": commitment.kind.name,
        "mode": commitment.mode.name,
        "total": _number(commitment.total),
        "perPeriod": _number(commitment.per_period),
        **_window(commitment.window),
        "billingCycle": None if commitment.cycle is None else _cycle(commitment.cycle),
    }


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _day(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
