"""The rules a package's pricing must follow: charges on the right kind of feature, one price
or tiers per period, rising tier bounds, known currencies, amounts never below zero."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from pactline.domain.catalog import Feature, FeatureType
from pactline.domain.charges import (
    SUPPORTED_MODELS,
    BillingModel,
    BillingPeriod,
    ChargePrice,
    ChargeSpec,
    PricingType,
    Tier,
)
from pactline.domain.currency import UnknownCurrency, currency
from pactline.domain.errors import FieldProblem
from pactline.domain.package_entitlements import reset_problems


def pricing_problems(
    pricing_type: PricingType,
    specs: Sequence[ChargeSpec],
    features: Mapping[str, Feature],
    path: str = "charges",
) -> list[FieldProblem]:
    """Every problem of a package's pricing; `features` holds the features the charges name."""
    models = _join(path, "pricingModels")
    if pricing_type is not PricingType.PAID and specs:
        return [
            FieldProblem(
                models, f"a {pricing_type.value} package has no price; use PAID", "not_allowed"
            )
        ]
    problems: list[FieldProblem] = []
    seen: set[tuple[BillingModel, str | None]] = set()
    for index, spec in enumerate(specs):
        where = f"{models}[{index}]"
        key = (spec.billing_model, spec.feature_id)
        if key in seen:
            problems.append(
                FieldProblem(
                    where,
                    f"a {spec.billing_model.value} charge for "
                    f"{spec.feature_id or 'the base price'} is listed twice",
                    "duplicate",
                )
            )
        seen.add(key)
        problems += _spec_problems(spec, features, where)
    return problems


def _spec_problems(
    spec: ChargeSpec, features: Mapping[str, Feature], where: str
) -> list[FieldProblem]:
    model = spec.billing_model
    if model not in SUPPORTED_MODELS:
        return [
            FieldProblem(
                f"{where}.billingModel",
                f"{model.value} charges are not supported yet "
                "(use FLAT_FEE, PER_UNIT or USAGE_BASED)",
                "not_supported",
            )
        ]
    problems = _feature_problems(spec, features, where)
    if not spec.prices:
        problems.append(
            FieldProblem(f"{where}.pricePeriods", "needs at least one price period", "required")
        )
    tiered = any(p.tiers for p in spec.prices)
    if tiered and spec.tiers_mode is None:
        problems.append(
            FieldProblem(
                f"{where}.tiersMode", "is required with tiers (VOLUME or GRADUATED)", "required"
            )
        )
    if spec.tiers_mode is not None and not tiered:
        problems.append(FieldProblem(f"{where}.tiersMode", "needs tiers", "not_allowed"))
    if model is not BillingModel.PER_UNIT and (
        spec.min_unit_quantity is not None or spec.max_unit_quantity is not None
    ):
        problems.append(
            FieldProblem(
                f"{where}.minUnitQuantity",
                "unit quantities are for PER_UNIT charges",
                "not_allowed",
            )
        )
    low, high = spec.min_unit_quantity, spec.max_unit_quantity
    if low is not None and low < 0:
        problems.append(
            FieldProblem(f"{where}.minUnitQuantity", "must be 0 or more", "out_of_range")
        )
    if high is not None and (high < 1 or (low is not None and high < low)):
        problems.append(
            FieldProblem(
                f"{where}.maxUnitQuantity",
                "must be 1 or more and at least minUnitQuantity",
                "out_of_range",
            )
        )
    if spec.reset_period is not None and model is not BillingModel.USAGE_BASED:
        problems.append(
            FieldProblem(f"{where}.resetPeriod", "is for USAGE_BASED charges", "not_allowed")
        )
    problems += reset_problems(spec.reset_period, spec.reset_configs, where)
    seen: set[tuple[BillingPeriod, str, str | None]] = set()
    for index, price in enumerate(spec.prices):
        at = f"{where}.pricePeriods[{index}]"
        key = (price.billing_period, price.currency, price.billing_country_code)
        if key in seen:
            problems.append(
                FieldProblem(
                    at,
                    f"{price.billing_period.value} in {price.currency} is priced twice",
                    "duplicate",
                )
            )
        seen.add(key)
        problems += _price_problems(model, price, at)
    return problems


def _feature_problems(
    spec: ChargeSpec, features: Mapping[str, Feature], where: str
) -> list[FieldProblem]:
    at = f"{where}.featureId"
    model = spec.billing_model
    if model is BillingModel.FLAT_FEE:
        if spec.feature_id is not None:
            return [
                FieldProblem(
                    at, "a FLAT_FEE charge prices the package, not a feature", "not_allowed"
                )
            ]
        return []
    if spec.feature_id is None:
        return [FieldProblem(at, f"is required for {model.value} charges", "required")]
    feature = features.get(spec.feature_id)
    if feature is None:
        return [FieldProblem(at, f"feature '{spec.feature_id}' does not exist", "not_found")]
    if feature.feature_type is not FeatureType.NUMBER:
        return [
            FieldProblem(
                at,
                f"{model.value} charges need a NUMBER feature, not {feature.feature_type.value}",
                "wrong_feature_type",
            )
        ]
    if model is BillingModel.USAGE_BASED and not feature.metered:
        return [
            FieldProblem(at, "USAGE_BASED charges need a metered feature", "wrong_feature_type")
        ]
    return []


def _price_problems(model: BillingModel, price: ChargePrice, at: str) -> list[FieldProblem]:
    problems = []
    try:
        known = currency(price.currency)
    except UnknownCurrency as error:
        problems.append(
            FieldProblem(f"{at}.price.currency", error.problems[0].message, "unknown_currency")
        )
    else:
        if known.code.lower() != price.currency:
            problems.append(FieldProblem(f"{at}.price.currency", "must be lower case", "invalid"))
    if price.amount is not None and price.tiers:
        problems.append(FieldProblem(f"{at}.tiers", "give a price or tiers, not both", "conflict"))
    if price.amount is None and not price.tiers:
        problems.append(FieldProblem(f"{at}.price", "needs a price or tiers", "required"))
    if price.amount is not None:
        problems += _amount_problems(price.amount, f"{at}.price.amount")
    if price.tiers and model is BillingModel.FLAT_FEE:
        problems.append(
            FieldProblem(f"{at}.tiers", "a FLAT_FEE charge has no tiers", "not_allowed")
        )
    if price.block_size is not None:
        if model is BillingModel.FLAT_FEE:
            problems.append(
                FieldProblem(f"{at}.blockSize", "a FLAT_FEE has no blocks", "not_allowed")
            )
        elif not price.block_size.is_finite() or price.block_size <= 0:
            problems.append(FieldProblem(f"{at}.blockSize", "must be more than 0", "out_of_range"))
    problems += _tier_problems(price.tiers, f"{at}.tiers")
    return problems


def _tier_problems(tiers: Sequence[Tier], at: str) -> list[FieldProblem]:
    problems = []
    previous = Decimal(0)
    for index, tier in enumerate(tiers):
        where = f"{at}[{index}]"
        last = index == len(tiers) - 1
        if tier.unit_price is None and tier.flat_price is None:
            problems.append(FieldProblem(where, "needs a unitPrice or a flatPrice", "required"))
        for name, amount in (("unitPrice", tier.unit_price), ("flatPrice", tier.flat_price)):
            if amount is not None:
                problems += _amount_problems(amount, f"{where}.{name}.amount")
        if tier.up_to is None:
            if not last:
                problems.append(
                    FieldProblem(
                        f"{where}.upTo", "only the last tier may be open-ended", "required"
                    )
                )
            continue
        if last:
            problems.append(
                FieldProblem(
                    f"{where}.upTo",
                    "the last tier has no upTo (it prices every unit above)",
                    "not_allowed",
                )
            )
        elif not tier.up_to.is_finite() or tier.up_to <= previous:
            problems.append(
                FieldProblem(
                    f"{where}.upTo",
                    f"must be more than the previous bound ({previous})",
                    "out_of_range",
                )
            )
        else:
            previous = tier.up_to
    return problems


def _amount_problems(amount: Decimal, at: str) -> list[FieldProblem]:
    if not amount.is_finite() or amount < 0:
        return [FieldProblem(at, "must be 0 or more", "out_of_range")]
    return []


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
