"""Plans and add-ons in the domain: entitlement rules per feature kind, pricing rules, ids."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pactline.domain.catalog import (
    Aggregation,
    EnumValue,
    Feature,
    FeatureStatus,
    FeatureType,
    Meter,
    MeterType,
)
from pactline.domain.charges import (
    BillingModel,
    BillingPeriod,
    Charge,
    ChargePrice,
    ChargeSpec,
    PricingType,
    Tier,
    TiersMode,
    build_charges,
    charge_id,
)
from pactline.domain.entitlements import Behavior, EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.package_entitlements import (
    EntitlementSpec,
    ResetConfig,
    Widget,
    entitlement_problems,
    new_entitlement_problems,
)
from pactline.domain.plans import (
    Package,
    PackageKind,
    PackageStatus,
    TrialBudget,
    TrialConfig,
    TrialUnits,
    reaches,
    trial_problems,
)
from pactline.domain.pricing_rules import pricing_problems

AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def feature(
    feature_id: str, kind: FeatureType = FeatureType.NUMBER, metered: bool = False
) -> Feature:
    return Feature(
        id=feature_id,
        environment_id="env",
        display_name=feature_id,
        feature_type=kind,
        status=FeatureStatus.NEW,
        meter_type=MeterType.INCREMENTAL if metered else MeterType.NONE,
        created_at=AT,
        updated_at=AT,
        meter=Meter(Aggregation.COUNT, None, ()) if metered else None,
        enum_values=(EnumValue("eu", "Europe"), EnumValue("us", "US"))
        if kind is FeatureType.ENUM
        else (),
    )


SEATS = feature("seats")
CALLS = feature("calls", metered=True)
SSO = feature("sso", FeatureType.BOOLEAN)
REGION = feature("region", FeatureType.ENUM)
FEATURES = {f.id: f for f in (SEATS, CALLS, SSO, REGION)}


def problems_of(spec: EntitlementSpec, path: str = "entitlements[0]") -> list[tuple[str, str]]:
    found = entitlement_problems(spec, FEATURES.get(spec.feature_id), path)
    return [(p.field, p.code) for p in found]


# --- entitlements --------------------------------------------------------------------------


def test_a_valid_metered_entitlement_builds_the_shared_entitlement_value() -> None:
    spec = EntitlementSpec(
        feature_id="calls",
        usage_limit=Decimal(1000),
        reset_period=ResetPeriod.MONTH,
        reset_configs=(ResetConfig(ResetPeriod.MONTH, ResetAnchor.START_OF_THE_MONTH),),
        hidden_from_widgets=(Widget.PAYWALL,),
        order=Decimal("1.5"),
    )
    assert problems_of(spec) == []
    built = spec.build(AT, AT + timedelta(hours=1))
    assert built.value == EntitlementValue(
        feature_id="calls",
        usage_limit=Decimal(1000),
        reset_period=ResetPeriod.MONTH,
        reset_anchor=ResetAnchor.START_OF_THE_MONTH,
        behavior=Behavior.INCREMENT,
    )
    assert (built.is_variable, built.order, built.hidden_from_widgets) == (
        False,
        Decimal("1.5"),
        (Widget.PAYWALL,),
    )
    assert built.spec() == spec


def test_limits_and_unlimited_flags_are_only_for_number_features() -> None:
    spec = EntitlementSpec(
        feature_id="sso", usage_limit=Decimal(3), has_unlimited_usage=True, has_soft_limit=True
    )
    assert problems_of(spec) == [
        ("entitlements[0].usageLimit", "not_allowed"),
        ("entitlements[0].hasUnlimitedUsage", "not_allowed"),
        ("entitlements[0].hasSoftLimit", "not_allowed"),
        ("entitlements[0].usageLimit", "conflict"),
    ]


def test_a_usage_limit_below_zero_is_refused() -> None:
    spec = EntitlementSpec(feature_id="seats", usage_limit=Decimal(-1))
    assert problems_of(spec) == [("entitlements[0].usageLimit", "out_of_range")]


def test_a_number_entitlement_needs_a_limit_unless_unlimited_or_variable() -> None:
    assert problems_of(EntitlementSpec(feature_id="seats")) == [
        ("entitlements[0].usageLimit", "required")
    ]
    assert problems_of(EntitlementSpec(feature_id="seats", has_unlimited_usage=True)) == []
    assert problems_of(EntitlementSpec(feature_id="seats", is_variable=True)) == []
    assert problems_of(EntitlementSpec(feature_id="seats", is_granted=False)) == []


def test_enum_values_must_be_among_the_enum_features_values() -> None:
    assert problems_of(EntitlementSpec(feature_id="region", enum_values=("eu",))) == []
    assert problems_of(EntitlementSpec(feature_id="region", enum_values=("eu", "mars"))) == [
        ("entitlements[0].enumValues", "unknown_value")
    ]
    assert problems_of(EntitlementSpec(feature_id="region", enum_values=())) == [
        ("entitlements[0].enumValues", "required")
    ]
    assert problems_of(EntitlementSpec(feature_id="sso", enum_values=("eu",))) == [
        ("entitlements[0].enumValues", "not_allowed")
    ]


def test_only_metered_features_have_a_reset_period() -> None:
    spec = EntitlementSpec(
        feature_id="seats", usage_limit=Decimal(5), reset_period=ResetPeriod.MONTH
    )
    assert problems_of(spec) == [("entitlements[0].resetPeriod", "not_allowed")]


def test_a_reset_configuration_must_match_the_reset_period() -> None:
    spec = EntitlementSpec(
        feature_id="calls",
        usage_limit=Decimal(5),
        reset_period=ResetPeriod.WEEK,
        reset_configs=(ResetConfig(ResetPeriod.MONTH, ResetAnchor.START_OF_THE_MONTH),),
    )
    assert problems_of(spec) == [("entitlements[0].monthlyResetPeriodConfiguration", "not_allowed")]
    two = replace(
        spec,
        reset_configs=(
            ResetConfig(ResetPeriod.WEEK, ResetAnchor.EVERY_MONDAY),
            ResetConfig(ResetPeriod.WEEK, ResetAnchor.EVERY_FRIDAY),
        ),
    )
    assert problems_of(two) == [("entitlements[0]", "conflict")]
    wrong_anchor = replace(
        spec, reset_configs=(ResetConfig(ResetPeriod.WEEK, ResetAnchor.START_OF_THE_MONTH),)
    )
    assert problems_of(wrong_anchor) == [
        ("entitlements[0].weeklyResetPeriodConfiguration.accordingTo", "invalid")
    ]


def test_an_unknown_feature_is_named_on_the_id_field() -> None:
    assert problems_of(EntitlementSpec(feature_id="nope"), "") == [("id", "not_found")]


def test_entitlements_added_together_name_each_feature_once_and_not_archived() -> None:
    archived = replace(SSO, archived=True)
    specs = [
        EntitlementSpec(feature_id="sso"),
        EntitlementSpec(feature_id="sso"),
        EntitlementSpec(feature_id="seats", usage_limit=Decimal(1)),
    ]
    found = new_entitlement_problems(specs, {"sso": archived, "seats": SEATS})
    assert [(p.field, p.code) for p in found] == [
        ("entitlements[0].id", "archived"),
        ("entitlements[1].id", "duplicate"),
        ("entitlements[1].id", "archived"),
    ]
    assert [(p.field, p.code) for p in new_entitlement_problems([], FEATURES)] == [
        ("entitlements", "required")
    ]


# --- pricing -------------------------------------------------------------------------------


def monthly(amount: str, currency: str = "usd") -> ChargePrice:
    return ChargePrice(BillingPeriod.MONTHLY, currency, Decimal(amount))


BASE = ChargeSpec(BillingModel.FLAT_FEE, (monthly("49.99"),))


def pricing(*specs: ChargeSpec, kind: PricingType = PricingType.PAID) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in pricing_problems(kind, specs, FEATURES)]


def test_a_paid_plan_with_a_base_fee_a_seat_price_and_tiered_usage_is_valid() -> None:
    seats = ChargeSpec(
        BillingModel.PER_UNIT,
        (monthly("10"), ChargePrice(BillingPeriod.ANNUALLY, "eur", Decimal("100"))),
        feature_id="seats",
        min_unit_quantity=1,
        max_unit_quantity=50,
    )
    usage = ChargeSpec(
        BillingModel.USAGE_BASED,
        (
            ChargePrice(
                BillingPeriod.MONTHLY,
                "usd",
                tiers=(Tier(Decimal(1000), Decimal("0.01")), Tier(None, Decimal("0.005"))),
            ),
        ),
        feature_id="calls",
        tiers_mode=TiersMode.GRADUATED,
    )
    assert pricing(BASE, seats, usage) == []


def test_custom_and_free_packages_carry_no_price() -> None:
    assert pricing(BASE, kind=PricingType.CUSTOM) == [("charges.pricingModels", "not_allowed")]
    assert pricing(BASE, kind=PricingType.FREE) == [("charges.pricingModels", "not_allowed")]
    assert pricing(kind=PricingType.CUSTOM) == []


def test_charges_name_the_right_kind_of_feature() -> None:
    assert pricing(
        replace(BASE, feature_id="seats"),
        ChargeSpec(BillingModel.PER_UNIT, (monthly("1"),)),
        ChargeSpec(BillingModel.PER_UNIT, (monthly("1"),), feature_id="sso"),
        ChargeSpec(BillingModel.USAGE_BASED, (monthly("1"),), feature_id="seats"),
        ChargeSpec(BillingModel.USAGE_BASED, (monthly("1"),), feature_id="ghost"),
    ) == [
        ("charges.pricingModels[0].featureId", "not_allowed"),
        ("charges.pricingModels[1].featureId", "required"),
        ("charges.pricingModels[2].featureId", "wrong_feature_type"),
        ("charges.pricingModels[3].featureId", "wrong_feature_type"),
        ("charges.pricingModels[4].featureId", "not_found"),
    ]


def test_unsupported_billing_models_are_refused_clearly() -> None:
    assert pricing(ChargeSpec(BillingModel.MINIMUM_SPEND, (monthly("1"),))) == [
        ("charges.pricingModels[0].billingModel", "not_supported")
    ]


def test_every_price_period_has_a_price_or_tiers_and_amounts_are_not_negative() -> None:
    both = ChargePrice(BillingPeriod.MONTHLY, "usd", Decimal(1), tiers=(Tier(None, Decimal(1)),))
    neither = ChargePrice(BillingPeriod.ANNUALLY, "usd")
    spec = ChargeSpec(
        BillingModel.PER_UNIT,
        (both, neither, monthly("-0.01", "eur")),
        feature_id="seats",
        tiers_mode=TiersMode.VOLUME,
    )
    assert pricing(spec) == [
        ("charges.pricingModels[0].pricePeriods[0].tiers", "conflict"),
        ("charges.pricingModels[0].pricePeriods[1].price", "required"),
        ("charges.pricingModels[0].pricePeriods[2].price.amount", "out_of_range"),
    ]


def test_tiers_need_a_mode_rising_bounds_and_an_open_last_tier() -> None:
    tiers = (
        Tier(Decimal(100), Decimal(1)),
        Tier(Decimal(100), Decimal(1)),
        Tier(None, Decimal(1)),
        Tier(Decimal(500)),
    )
    spec = ChargeSpec(
        BillingModel.USAGE_BASED,
        (ChargePrice(BillingPeriod.MONTHLY, "usd", tiers=tiers),),
        feature_id="calls",
    )
    at = "charges.pricingModels[0].pricePeriods[0].tiers"
    assert pricing(spec) == [
        ("charges.pricingModels[0].tiersMode", "required"),
        (f"{at}[1].upTo", "out_of_range"),
        (f"{at}[2].upTo", "required"),
        (f"{at}[3]", "required"),
        (f"{at}[3].upTo", "not_allowed"),
    ]


def test_a_flat_fee_has_no_tiers_or_blocks_and_currencies_must_exist() -> None:
    spec = ChargeSpec(
        BillingModel.FLAT_FEE,
        (
            ChargePrice(BillingPeriod.MONTHLY, "xyz", Decimal(1), block_size=Decimal(10)),
            ChargePrice(BillingPeriod.ANNUALLY, "usd", tiers=(Tier(None, Decimal(1)),)),
        ),
        tiers_mode=TiersMode.VOLUME,
    )
    at = "charges.pricingModels[0].pricePeriods"
    assert pricing(spec) == [
        (f"{at}[0].price.currency", "unknown_currency"),
        (f"{at}[0].blockSize", "not_allowed"),
        (f"{at}[1].tiers", "not_allowed"),
    ]


def test_a_charge_and_a_price_period_may_each_appear_once() -> None:
    twice = replace(BASE, prices=(monthly("1"), monthly("2"), monthly("2", "eur")))
    assert pricing(twice, BASE) == [
        ("charges.pricingModels[0].pricePeriods[1]", "duplicate"),
        ("charges.pricingModels[1]", "duplicate"),
    ]


def test_charges_get_stable_ids_and_keep_their_creation_time() -> None:
    seats = ChargeSpec(BillingModel.PER_UNIT, (monthly("10"),), feature_id="seats")
    first = build_charges("pro", [BASE], AT)
    later = AT + timedelta(days=3)
    second = build_charges("pro", [replace(BASE, prices=(monthly("59"),)), seats], later, first)
    assert [(c.id, c.created_at) for c in second] == [
        ("pro:FLAT_FEE:base", AT),
        ("pro:PER_UNIT:seats", later),
    ]
    assert charge_id("pro", BillingModel.USAGE_BASED, "calls") == "pro:USAGE_BASED:calls"
    assert second[0].is_base
    assert not second[1].is_base
    assert second[0].price_for(BillingPeriod.MONTHLY, "USD") == monthly("59")
    assert second[0].price_for(BillingPeriod.ANNUALLY, "usd") is None


def test_a_charge_price_is_exact() -> None:
    charge = build_charges("p", [replace(BASE, prices=(monthly("0.1"),))], AT)[0]
    assert isinstance(charge, Charge)
    price = charge.price_for(BillingPeriod.MONTHLY, "usd")
    assert price is not None
    assert price.amount == Decimal("0.1")
    assert price.amount * 3 == Decimal("0.3")


# --- packages ------------------------------------------------------------------------------


def package(**changes: object) -> Package:
    base = Package(
        kind=PackageKind.PLAN,
        id="pro",
        environment_id="env",
        product_id="p",
        display_name="Pro",
        created_at=AT,
        updated_at=AT,
        draft_version=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_package_shows_draft_published_or_archived() -> None:
    assert package().status is PackageStatus.DRAFT
    assert package().newest_version == 1
    published = package(draft_version=None, published_version=1)
    assert published.status is PackageStatus.PUBLISHED
    with_draft = package(draft_version=2, published_version=1)
    assert (with_draft.status, with_draft.newest_version) == (PackageStatus.DRAFT, 2)
    assert package(archived_at=AT).status is PackageStatus.ARCHIVED


def test_reaches_finds_cycles_in_parent_chains() -> None:
    parents = {"a": ["b"], "b": ["c"], "c": []}
    assert reaches(["a"], "c", lambda node: parents.get(node, []))
    assert not reaches(["b"], "a", lambda node: parents.get(node, []))
    looping = {"x": ["y"], "y": ["x"]}
    assert not reaches(["x"], "z", lambda node: looping[node])  # terminates


def test_a_trial_lasts_at_least_one_unit_with_a_non_negative_budget() -> None:
    assert trial_problems(TrialConfig(14, TrialUnits.DAY)) == []
    bad = TrialConfig(0, TrialUnits.MONTH, TrialBudget(Decimal(-5), has_soft_limit=False))
    assert [(p.field, p.code) for p in trial_problems(bad)] == [
        ("defaultTrialConfig.duration", "out_of_range"),
        ("defaultTrialConfig.budget.limit", "out_of_range"),
    ]


@pytest.mark.parametrize(
    ("period", "anchor"),
    [
        (ResetPeriod.MONTH, ResetAnchor.SUBSCRIPTION_START),
        (ResetPeriod.MONTH, ResetAnchor.START_OF_THE_MONTH),
        (ResetPeriod.WEEK, ResetAnchor.EVERY_SUNDAY),
        (ResetPeriod.YEAR, ResetAnchor.SUBSCRIPTION_START),
    ],
)
def test_each_period_accepts_its_own_anchors(period: ResetPeriod, anchor: ResetAnchor) -> None:
    spec = EntitlementSpec(
        feature_id="calls",
        usage_limit=Decimal(1),
        reset_period=period,
        reset_configs=(ResetConfig(period, anchor),),
    )
    assert problems_of(spec) == []
