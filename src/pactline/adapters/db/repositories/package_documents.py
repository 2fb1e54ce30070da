"""A package version's JSON documents: entitlements, charges and the default trial.

Amounts, limits and bounds are written as decimal strings and read back as Decimals, so no
value ever passes through a float; instants are ISO 8601 with their UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pactline.domain.charges import (
    BillingCadence,
    BillingModel,
    BillingPeriod,
    Charge,
    ChargePrice,
    Tier,
    TiersMode,
)
from pactline.domain.entitlements import Behavior, EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.package_entitlements import PackageEntitlement, Widget
from pactline.domain.plans import TrialBudget, TrialConfig, TrialEndBehavior, TrialUnits


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def entitlement_json(entitlement: PackageEntitlement) -> dict[str, Any]:
    value = entitlement.value
    return {
        "featureId": value.feature_id,
        "isGranted": value.is_granted,
        "usageLimit": _text(value.usage_limit),
        "hasUnlimitedUsage": value.has_unlimited_usage,
        "hasSoftLimit": value.has_soft_limit,
        "enumValues": None if value.enum_values is None else sorted(value.enum_values),
        "resetPeriod": None if value.reset_period is None else value.reset_period.value,
        "resetAnchor": None if value.reset_anchor is None else value.reset_anchor.value,
        "behavior": value.behavior.value,
        "isVariable": entitlement.is_variable,
        "description": entitlement.description,
        "displayNameOverride": entitlement.display_name_override,
        "hiddenFromWidgets": [w.value for w in entitlement.hidden_from_widgets],
        "order": _text(entitlement.order),
        "createdAt": entitlement.created_at.isoformat(),
        "updatedAt": entitlement.updated_at.isoformat(),
    }


def entitlement_of(doc: dict[str, Any]) -> PackageEntitlement:
    enum_values = doc.get("enumValues")
    return PackageEntitlement(
        value=EntitlementValue(
            feature_id=doc["featureId"],
            is_granted=doc["isGranted"],
            usage_limit=_dec(doc.get("usageLimit")),
            has_unlimited_usage=doc["hasUnlimitedUsage"],
            has_soft_limit=doc["hasSoftLimit"],
            enum_values=None if enum_values is None else frozenset(enum_values),
            reset_period=None
            if doc.get("resetPeriod") is None
            else ResetPeriod(doc["resetPeriod"]),
            reset_anchor=None
            if doc.get("resetAnchor") is None
            else ResetAnchor(doc["resetAnchor"]),
            behavior=Behavior(doc["behavior"]),
        ),
        created_at=datetime.fromisoformat(doc["createdAt"]),
        updated_at=datetime.fromisoformat(doc["updatedAt"]),
        is_variable=doc["isVariable"],
        description=doc.get("description"),
        display_name_override=doc.get("displayNameOverride"),
        hidden_from_widgets=tuple(Widget(w) for w in doc.get("hiddenFromWidgets", ())),
        order=_dec(doc.get("order")),
    )


def charge_json(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.id,
        "billingModel": charge.billing_model.value,
        "featureId": charge.feature_id,
        "billingCadence": charge.billing_cadence.value,
        "tiersMode": None if charge.tiers_mode is None else charge.tiers_mode.value,
        "minUnitQuantity": charge.min_unit_quantity,
        "maxUnitQuantity": charge.max_unit_quantity,
        "resetPeriod": None if charge.reset_period is None else charge.reset_period.value,
        "resetAnchor": None if charge.reset_anchor is None else charge.reset_anchor.value,
        "createdAt": charge.created_at.isoformat(),
        "prices": [
            {
                "billingPeriod": p.billing_period.value,
                "currency": p.currency,
                "amount": _text(p.amount),
                "blockSize": _text(p.block_size),
                "billingCountryCode": p.billing_country_code,
                "tiers": [
                    {
                        "upTo": _text(t.up_to),
                        "unitPrice": _text(t.unit_price),
                        "flatPrice": _text(t.flat_price),
                    }
                    for t in p.tiers
                ],
            }
            for p in charge.prices
        ],
    }


def charge_of(doc: dict[str, Any]) -> Charge:
    return Charge(
        id=doc["id"],
        billing_model=BillingModel(doc["billingModel"]),
        prices=tuple(
            ChargePrice(
                billing_period=BillingPeriod(p["billingPeriod"]),
                currency=p["currency"],
                amount=_dec(p.get("amount")),
                tiers=tuple(
                    Tier(_dec(t.get("upTo")), _dec(t.get("unitPrice")), _dec(t.get("flatPrice")))
                    for t in p.get("tiers", ())
                ),
                block_size=_dec(p.get("blockSize")),
                billing_country_code=p.get("billingCountryCode"),
            )
            for p in doc["prices"]
        ),
        created_at=datetime.fromisoformat(doc["createdAt"]),
        feature_id=doc.get("featureId"),
        billing_cadence=BillingCadence(doc["billingCadence"]),
        tiers_mode=None if doc.get("tiersMode") is None else TiersMode(doc["tiersMode"]),
        min_unit_quantity=doc.get("minUnitQuantity"),
        max_unit_quantity=doc.get("maxUnitQuantity"),
        reset_period=None if doc.get("resetPeriod") is None else ResetPeriod(doc["resetPeriod"]),
        reset_anchor=None if doc.get("resetAnchor") is None else ResetAnchor(doc["resetAnchor"]),
    )


def trial_json(trial: TrialConfig) -> dict[str, Any]:
    budget = trial.budget
    return {
        "duration": trial.duration,
        "units": trial.units.value,
        "budget": None
        if budget is None
        else {"limit": str(budget.limit), "hasSoftLimit": budget.has_soft_limit},
        "trialEndBehavior": None if trial.end_behavior is None else trial.end_behavior.value,
    }


def trial_of(doc: dict[str, Any]) -> TrialConfig:
    budget = doc.get("budget")
    end = doc.get("trialEndBehavior")
    return TrialConfig(
        duration=int(doc["duration"]),
        units=TrialUnits(doc["units"]),
        budget=None
        if budget is None
        else TrialBudget(Decimal(budget["limit"]), bool(budget["hasSoftLimit"])),
        end_behavior=None if end is None else TrialEndBehavior(end),
    )
