"""A subscription's prices: every charge priced in its billing period and currency, and the
negotiated price overrides, each on one charge of the plan (its base charge or a feature's
charge) or of one of the subscription's add-ons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pactline.domain.charges import (
    BillingModel,
    BillingPeriod,
    Charge,
    ChargePrice,
    PricingType,
    Tier,
)
from pactline.domain.errors import FieldProblem
from pactline.domain.plans import AddonVersion, PlanVersion
from pactline.domain.subscription_pricing import price_of
from pactline.domain.subscriptions import PriceOverride


@dataclass(frozen=True)
class OverrideRequest:
    """One of Stigg's `priceOverrides[]`: a target (base charge, feature or add-on) and a price."""

    amount: Decimal | None = None
    base_charge: bool = False
    feature_id: str | None = None
    addon_id: str | None = None
    currency: str | None = None
    tiers: tuple[Tier, ...] = ()
    block_size: Decimal | None = None


@dataclass(frozen=True)
class PriceContext:
    plan: PlanVersion
    addon_versions: Mapping[str, AddonVersion]  # the add-ons held, by id
    addon_positions: Mapping[str, int]  # where each was requested (for error paths)
    period: BillingPeriod
    currency: str  # lower-case ISO 4217
    country: str | None = None

    @property
    def pricing_type(self) -> PricingType:
        return self.plan.pricing_type or PricingType.FREE


def default_period(plan: PlanVersion, code: str) -> BillingPeriod:
    """MONTHLY, unless the plan is priced in `code` for ANNUALLY only."""
    charges = plan.charges if plan.pricing_type is PricingType.PAID else ()
    monthly = any(
        p.billing_period is BillingPeriod.MONTHLY and p.currency == code
        for c in charges
        for p in c.prices
    )
    return BillingPeriod.MONTHLY if monthly or not charges else BillingPeriod.ANNUALLY


def pricing_problems(context: PriceContext) -> list[FieldProblem]:
    """Every charge of a PAID plan or add-on needs a price in the period and currency."""
    problems = []
    owners: list[tuple[str, str, PlanVersion | AddonVersion]] = [
        ("billingPeriod", f"plan '{context.plan.plan_id}'", context.plan)
    ]
    owners += [
        (f"addons[{context.addon_positions[a]}].id", f"add-on '{a}'", v)
        for a, v in context.addon_versions.items()
    ]
    for field, owner, version in owners:
        if version.pricing_type is not PricingType.PAID:
            continue
        for charge in version.charges:
            if price_of(charge, context.period, context.currency, context.country) is None:
                message = (
                    f"charge '{charge.id}' of {owner} has no {context.period.value} price in "
                    f"{context.currency}"
                )
                problems.append(FieldProblem(field, message, "not_priced"))
    return problems


def resolve_overrides(
    context: PriceContext, requests: Sequence[OverrideRequest]
) -> tuple[tuple[PriceOverride, ...], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    overrides: list[PriceOverride] = []
    targets: set[tuple[str | None, str]] = set()
    for index, request in enumerate(requests):
        path = f"priceOverrides[{index}]"
        charge, found = _target(context, request, path)
        problems += found
        if charge is None:
            continue
        if (request.addon_id, charge.id) in targets:
            message = f"charge '{charge.id}' is overridden twice"
            problems.append(FieldProblem(path, message, "duplicate"))
            continue
        targets.add((request.addon_id, charge.id))
        code = (request.currency or context.currency).lower()
        if code != context.currency:
            message = f"the subscription is billed in {context.currency}, not {code}"
            problems.append(FieldProblem(f"{path}.currency", message, "currency_mismatch"))
            continue
        price = price_of(charge, context.period, code, context.country)
        if price is None:
            continue  # reported once by pricing_problems
        found = _price_problems(charge, price, request, path)
        problems += found
        if not found:
            overrides.append(
                PriceOverride(
                    charge_id=charge.id,
                    currency=code,
                    addon_id=request.addon_id,
                    feature_id=charge.feature_id,
                    amount=request.amount,
                    tiers=request.tiers,
                    block_size=request.block_size,
                )
            )
    return tuple(overrides), problems


def _target(
    context: PriceContext, request: OverrideRequest, path: str
) -> tuple[Charge | None, list[FieldProblem]]:
    """The charge an override names, or why it names none."""
    if request.addon_id is not None:
        version = context.addon_versions.get(request.addon_id)
        if version is None:
            message = f"add-on '{request.addon_id}' is not among the subscription's add-ons"
            return None, [FieldProblem(f"{path}.addonId", message, "not_found")]
        owner = f"add-on '{request.addon_id}'"
        charges = list(version.charges) if version.pricing_type is PricingType.PAID else []
    elif context.pricing_type is not PricingType.PAID:
        message = (
            f"plan '{context.plan.plan_id}' is {context.pricing_type.value}: it has no price to "
            "override (only PAID plans do)"
        )
        return None, [FieldProblem(path, message, "not_allowed")]
    else:
        owner = f"plan '{context.plan.plan_id}'"
        charges = list(context.plan.charges)
    if request.base_charge and request.feature_id is not None:
        message = "give baseCharge or featureId, not both"
        return None, [FieldProblem(f"{path}.featureId", message, "conflict")]
    if request.feature_id is not None:
        chosen = [c for c in charges if c.feature_id == request.feature_id]
        field, what = "featureId", f"a charge for feature '{request.feature_id}'"
    elif request.base_charge:
        chosen = [c for c in charges if c.is_base]
        field, what = "baseCharge", "a base charge"
    elif request.addon_id is not None:
        chosen, field, what = charges, "addonId", "a charge"
    else:
        message = "name the charge: baseCharge, featureId or addonId"
        return None, [FieldProblem(path, message, "required")]
    if len(chosen) > 1:
        message = f"{owner} has several charges: name one with featureId or baseCharge"
        return None, [FieldProblem(f"{path}.featureId", message, "ambiguous")]
    if not chosen:
        return None, [FieldProblem(f"{path}.{field}", f"{owner} has no {what}", "not_found")]
    return chosen[0], []


def _price_problems(
    charge: Charge, price: ChargePrice, request: OverrideRequest, path: str
) -> list[FieldProblem]:
    if request.amount is None and not request.tiers and request.block_size is None:
        return [FieldProblem(f"{path}.amount", "give the overriding amount", "required")]
    problems = []
    tiered = bool(price.tiers)
    if request.amount is not None:
        if tiered:
            message = f"charge '{charge.id}' is tiered: override its tiers instead"
            problems.append(FieldProblem(f"{path}.amount", message, "not_allowed"))
        elif not request.amount.is_finite() or request.amount < 0:
            problems.append(FieldProblem(f"{path}.amount", "must be 0 or more", "out_of_range"))
    if request.tiers and not tiered:
        message = f"charge '{charge.id}' has no tiers: override its amount instead"
        problems.append(FieldProblem(f"{path}.tiers", message, "not_allowed"))
    elif request.tiers:
        problems += tier_problems(request.tiers, f"{path}.tiers")
    if request.block_size is not None:
        if charge.billing_model is BillingModel.FLAT_FEE:
            message = "a flat fee has no blocks"
            problems.append(FieldProblem(f"{path}.blockSize", message, "not_allowed"))
        elif not request.block_size.is_finite() or request.block_size <= 0:
            message = "must be more than 0"
            problems.append(FieldProblem(f"{path}.blockSize", message, "out_of_range"))
    return problems


def tier_problems(tiers: Sequence[Tier], path: str) -> list[FieldProblem]:
    """Tiers in Stigg's shape: rising `upTo` bounds, the last one open, prices of 0 or more."""
    problems = []
    previous = Decimal(0)
    for index, tier in enumerate(tiers):
        where = f"{path}[{index}]"
        last = index == len(tiers) - 1
        if tier.unit_price is None and tier.flat_price is None:
            problems.append(FieldProblem(where, "needs a unitPrice or a flatPrice", "required"))
        for name, amount in (("unitPrice", tier.unit_price), ("flatPrice", tier.flat_price)):
            if amount is not None and (not amount.is_finite() or amount < 0):
                message = "must be 0 or more"
                problems.append(FieldProblem(f"{where}.{name}.amount", message, "out_of_range"))
        if tier.up_to is None:
            if not last:
                message = "only the last tier may be open"
                problems.append(FieldProblem(f"{where}.upTo", message, "required"))
        elif last:
            message = "the last tier has no upTo"
            problems.append(FieldProblem(f"{where}.upTo", message, "not_allowed"))
        elif not tier.up_to.is_finite() or tier.up_to <= previous:
            message = f"must be more than {previous}"
            problems.append(FieldProblem(f"{where}.upTo", message, "out_of_range"))
        else:
            previous = tier.up_to
    return problems
