"""What a subscription is sold with (add-ons, negotiated values, price overrides, unit
quantities, billing period), checked against its plan version and add-on versions.

`resolve_terms` names every problem at once, by its API field, or returns the terms resolved:
add-on versions pinned, override targets found, default quantities filled in. The same check
serves provisioning, updates and migrations to a new plan version (`terms_of` turns a
subscription back into the terms that would give it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pactline.domain.catalog import Feature, FeatureType
from pactline.domain.charges import BillingPeriod, PricingType
from pactline.domain.entitlements import EntitlementValue
from pactline.domain.errors import FieldProblem
from pactline.domain.package_entitlements import (
    EntitlementSpec,
    PackageEntitlement,
    ResetConfig,
    entitlement_problems,
)
from pactline.domain.plans import AddonVersion, PlanVersion
from pactline.domain.subscription_items import (
    AddonOption,
    QuantityRequest,
    per_unit_charges,
    resolve_addons,
    resolve_quantities,
)
from pactline.domain.subscription_overrides import (
    OverrideRequest,
    PriceContext,
    default_period,
    pricing_problems,
    resolve_overrides,
)
from pactline.domain.subscriptions import PriceOverride, Subscription, SubscriptionAddon


@dataclass(frozen=True)
class Terms:
    addons: tuple[tuple[str, int], ...] = ()  # (add-on id, quantity)
    entitlements: tuple[EntitlementSpec, ...] = ()
    price_overrides: tuple[OverrideRequest, ...] = ()
    charges: tuple[QuantityRequest, ...] = ()
    unit_quantity: int | None = None
    billing_period: BillingPeriod | None = None


@dataclass(frozen=True)
class Catalog:
    """The plan version (its ancestors first, itself last) and what the terms name."""

    plan_chain: tuple[PlanVersion, ...]
    features: Mapping[str, Feature]  # the features the terms and the plan's variables name
    addons: Mapping[str, AddonOption]
    currency: str  # lower-case ISO 4217
    billing_country_code: str | None = None

    @property
    def plan(self) -> PlanVersion:
        return self.plan_chain[-1]

    @property
    def pricing_type(self) -> PricingType:
        return self.plan.pricing_type or PricingType.FREE


@dataclass(frozen=True)
class ResolvedTerms:
    addons: tuple[SubscriptionAddon, ...]
    entitlements: tuple[EntitlementValue, ...]
    price_overrides: tuple[PriceOverride, ...]
    unit_quantities: dict[str, Decimal]
    billing_period: BillingPeriod
    addon_versions: dict[str, AddonVersion] = field(default_factory=dict)


def resolve_terms(
    catalog: Catalog, terms: Terms, at: datetime, require_values: bool = True
) -> tuple[ResolvedTerms | None, list[FieldProblem]]:
    """The terms checked against the catalog: resolved, or every problem (and None).
    `require_values` False skips the check that required negotiated values are given (a
    preview of prices needs none)."""
    held, problems = resolve_addons(catalog.plan, catalog.addons, terms.addons)
    values, value_problems = _negotiated(catalog, terms.entitlements, at, require_values)
    problems += value_problems
    quantities, quantity_problems = resolve_quantities(
        catalog.plan, terms.charges, terms.unit_quantity
    )
    problems += quantity_problems
    context = PriceContext(
        plan=catalog.plan,
        addon_versions=held.versions,
        addon_positions=held.positions,
        period=terms.billing_period or default_period(catalog.plan, catalog.currency),
        currency=catalog.currency,
        country=catalog.billing_country_code,
    )
    problems += pricing_problems(context)
    overrides, override_problems = resolve_overrides(context, terms.price_overrides)
    problems += override_problems
    if problems:
        return None, problems
    resolved = ResolvedTerms(
        addons=held.addons,
        entitlements=values,
        price_overrides=overrides,
        unit_quantities=quantities,
        billing_period=context.period,
        addon_versions=held.versions,
    )
    return resolved, []


def terms_of(subscription: Subscription) -> Terms:
    """The terms that would give the subscription what it has now."""
    return Terms(
        addons=tuple((a.addon_id, a.quantity) for a in subscription.addons),
        entitlements=tuple(spec_of(v) for v in subscription.entitlements),
        price_overrides=tuple(
            OverrideRequest(
                amount=o.amount,
                base_charge=o.base_charge,
                feature_id=o.feature_id,
                addon_id=o.addon_id,
                currency=o.currency,
                tiers=o.tiers,
                block_size=o.block_size,
            )
            for o in subscription.price_overrides
        ),
        charges=tuple(QuantityRequest(c, q) for c, q in subscription.unit_quantities.items()),
        billing_period=subscription.billing_period,
    )


def migration_terms(subscription: Subscription, catalog: Catalog) -> Terms:
    """The subscription's terms for a new plan version: negotiated values of entitlements no
    longer variable, overrides of charges that are gone and quantities of PER_UNIT charges that
    are gone are dropped (the new version's values and prices apply)."""
    terms = terms_of(subscription)
    variable = {f for f, e in plan_entitlements(catalog.plan_chain).items() if e.is_variable}
    plan_charges = {c.id for c in catalog.plan.charges}
    per_unit = {c.id for c in per_unit_charges(catalog.plan)}

    def still_priced(override: PriceOverride) -> bool:
        if override.addon_id is None:
            return override.charge_id in plan_charges
        option = catalog.addons.get(override.addon_id)
        version = None if option is None else option.version
        return version is not None and any(c.id == override.charge_id for c in version.charges)

    kept = [
        request
        for request, override in zip(
            terms.price_overrides, subscription.price_overrides, strict=True
        )
        if still_priced(override)
    ]
    return Terms(
        addons=terms.addons,
        entitlements=tuple(s for s in terms.entitlements if s.feature_id in variable),
        price_overrides=tuple(kept),
        charges=tuple(c for c in terms.charges if c.charge_id in per_unit),
        billing_period=terms.billing_period,
    )


def plan_entitlements(chain: Sequence[PlanVersion]) -> dict[str, PackageEntitlement]:
    """The plan's entitlements with its ancestors': a child's entitlement replaces its parent's."""
    found: dict[str, PackageEntitlement] = {}
    for version in chain:
        for entitlement in version.entitlements:
            found[entitlement.feature_id] = entitlement
    return found


def spec_of(value: EntitlementValue) -> EntitlementSpec:
    """A stored negotiated value as the request that would give it again."""
    configs = (
        (ResetConfig(value.reset_period, value.reset_anchor),)
        if value.reset_period is not None and value.reset_anchor is not None
        else ()
    )
    return EntitlementSpec(
        feature_id=value.feature_id,
        is_granted=value.is_granted,
        usage_limit=value.usage_limit,
        has_unlimited_usage=value.has_unlimited_usage,
        has_soft_limit=value.has_soft_limit,
        enum_values=None if value.enum_values is None else tuple(sorted(value.enum_values)),
        reset_period=value.reset_period,
        reset_configs=configs,
    )


def _negotiated(
    catalog: Catalog, specs: Sequence[EntitlementSpec], at: datetime, require_values: bool
) -> tuple[tuple[EntitlementValue, ...], list[FieldProblem]]:
    """Values only for the plan's variable entitlements; a CUSTOM plan needs one for each of
    them, any plan one for a variable NUMBER entitlement without a default limit (unless a
    PER_UNIT charge buys its quantity)."""
    problems: list[FieldProblem] = []
    plan_id = catalog.plan.plan_id
    entitlements = plan_entitlements(catalog.plan_chain)
    values: list[EntitlementValue] = []
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        path = f"entitlements[{index}]"
        feature = catalog.features.get(spec.feature_id)
        entitlement = entitlements.get(spec.feature_id)
        if spec.feature_id in seen:
            problems.append(FieldProblem(f"{path}.id", "is listed twice", "duplicate"))
            continue
        seen.add(spec.feature_id)
        if feature is not None and (entitlement is None or not entitlement.is_variable):
            message = (
                f"'{spec.feature_id}' is not a variable (isCustom) entitlement of plan "
                f"'{plan_id}': only those are negotiated per subscription"
            )
            problems.append(FieldProblem(f"{path}.id", message, "not_variable"))
            continue
        found = entitlement_problems(spec, feature, path)
        problems += found
        if not found:
            values.append(spec.build(at, at).value)
    bought = {c.feature_id for c in per_unit_charges(catalog.plan)}
    custom = catalog.pricing_type is PricingType.CUSTOM
    for feature_id, entitlement in sorted(entitlements.items()):
        if not require_values or not entitlement.is_variable or feature_id in seen:
            continue
        if custom or _needs_value(catalog.features.get(feature_id), entitlement, bought):
            message = (
                f"plan '{plan_id}' needs a negotiated value for its variable entitlement "
                f"'{feature_id}'"
            )
            problems.append(FieldProblem("entitlements", message, "required"))
    return tuple(values), problems


def _needs_value(
    feature: Feature | None, entitlement: PackageEntitlement, bought: set[str | None]
) -> bool:
    default = entitlement.value
    return (
        feature is not None
        and feature.feature_type is FeatureType.NUMBER
        and default.usage_limit is None
        and not default.has_unlimited_usage
        and feature.id not in bought
    )
