"""Subscriptions in the domain: status at an instant, billing periods, trials, ending, what a
subscription grants, its terms checked against the plan, and its recurring invoice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pactline.domain.catalog import Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.charges import (
    BillingModel,
    BillingPeriod,
    Charge,
    ChargePrice,
    PricingType,
    Tier,
    TiersMode,
)
from pactline.domain.entitlements import Behavior, EntitlementValue
from pactline.domain.errors import FieldProblem
from pactline.domain.package_entitlements import EntitlementSpec, PackageEntitlement
from pactline.domain.periods import Period
from pactline.domain.plans import (
    AddonVersion,
    PackageStatus,
    PlanVersion,
    TrialConfig,
    TrialEndBehavior,
    TrialUnits,
)
from pactline.domain.subscription_items import AddonOption, QuantityRequest
from pactline.domain.subscription_lifecycle import (
    Trial,
    TrialRequest,
    canceled,
    replaced,
    trial_for,
)
from pactline.domain.subscription_overrides import OverrideRequest
from pactline.domain.subscription_pricing import effective_prices, recurring_invoice
from pactline.domain.subscription_terms import Catalog, Terms, migration_terms, resolve_terms
from pactline.domain.subscriptions import (
    CancellationTime,
    CancelReason,
    PaymentCollectionMethod,
    PriceOverride,
    Subscription,
    SubscriptionAddon,
    SubscriptionStatus,
    add_months,
    granted_values,
)

AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)
USD = "usd"


def subscription(**changes: object) -> Subscription:
    base = Subscription(
        id="s",
        environment_id="env",
        customer_id="c",
        plan_id="pro",
        plan_version=1,
        product_id="prod",
        pricing_type=PricingType.PAID,
        billing_period=BillingPeriod.MONTHLY,
        currency=USD,
        payment_collection_method=PaymentCollectionMethod.INVOICE,
        start_at=AT,
        created_at=AT,
        updated_at=AT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def feature(feature_id: str, kind: FeatureType = FeatureType.NUMBER) -> Feature:
    return Feature(
        id=feature_id,
        environment_id="env",
        display_name=feature_id,
        feature_type=kind,
        status=FeatureStatus.ACTIVE,
        meter_type=MeterType.NONE,
        created_at=AT,
        updated_at=AT,
    )


def entitlement(
    feature_id: str, limit: int | None = None, variable: bool = False
) -> PackageEntitlement:
    value = EntitlementValue(feature_id, usage_limit=None if limit is None else Decimal(limit))
    return PackageEntitlement(value=value, created_at=AT, updated_at=AT, is_variable=variable)


def price(
    amount: str | None, period: BillingPeriod = BillingPeriod.MONTHLY, **more: object
) -> ChargePrice:
    return ChargePrice(period, USD, None if amount is None else Decimal(amount), **more)  # type: ignore[arg-type]


def charge(
    package: str,
    model: BillingModel,
    feature_id: str | None = None,
    *prices: ChargePrice,
    **more: object,
) -> Charge:
    return Charge(
        id=f"{package}:{model.value}:{feature_id or 'base'}",
        billing_model=model,
        prices=prices,
        created_at=AT,
        feature_id=feature_id,
        **more,  # type: ignore[arg-type]
    )


def plan(
    plan_id: str = "pro",
    pricing: PricingType | None = PricingType.PAID,
    entitlements: tuple[PackageEntitlement, ...] = (),
    charges: tuple[Charge, ...] = (),
    **more: object,
) -> PlanVersion:
    return PlanVersion(
        package_id=plan_id,
        environment_id="env",
        product_id="prod",
        version_number=1,
        status=PackageStatus.PUBLISHED,
        created_at=AT,
        updated_at=AT,
        display_name=plan_id.title(),
        pricing_type=pricing,
        entitlements=entitlements,
        charges=charges,
        **more,  # type: ignore[arg-type]
    )


def addon(addon_id: str = "extra", **more: object) -> AddonVersion:
    return AddonVersion(
        package_id=addon_id,
        environment_id="env",
        product_id="prod",
        version_number=2,
        status=PackageStatus.PUBLISHED,
        created_at=AT,
        updated_at=AT,
        display_name="Extra",
        **more,  # type: ignore[arg-type]
    )


BASE = charge(
    "pro", BillingModel.FLAT_FEE, None, price("49.99"), price("499", BillingPeriod.ANNUALLY)
)
SEATS = charge("pro", BillingModel.PER_UNIT, "seats", price("12.5"), min_unit_quantity=2)
PRO = plan(
    entitlements=(entitlement("sso"), entitlement("seats", 3)),
    charges=(BASE, SEATS),
    compatible_addon_ids=("extra",),
)
EXTRA = addon(
    pricing_type=PricingType.PAID,
    max_quantity=5,
    entitlements=(entitlement("seats", 5),),
    charges=(charge("extra", BillingModel.FLAT_FEE, None, price("7.5")),),
)
FEATURES = {f.id: f for f in (feature("seats"), feature("sso", FeatureType.BOOLEAN))}


def catalog(version: PlanVersion = PRO, *chain: PlanVersion) -> Catalog:
    options = {"extra": AddonOption("extra", exists=True, version=EXTRA)}
    return Catalog((*chain, version), FEATURES, options, USD)


# --- status and periods ---------------------------------------------------------------------


def test_status_is_derived_from_the_instant_it_is_read_at() -> None:
    later = subscription(start_at=AT + DAY, trial_end_at=AT + 10 * DAY)
    assert later.status(AT) is SubscriptionStatus.NOT_STARTED
    assert later.status(AT + DAY) is SubscriptionStatus.IN_TRIAL
    assert later.status(AT + 10 * DAY) is SubscriptionStatus.ACTIVE
    ending = replace(later, end_at=AT + 20 * DAY, cancel_reason=CancelReason.IMMEDIATE)
    assert ending.status(AT + 20 * DAY) is SubscriptionStatus.CANCELED
    unpaid = subscription(payment_required=True)
    assert unpaid.status(AT) is SubscriptionStatus.PAYMENT_PENDING
    assert replace(unpaid, paid_at=AT).status(AT) is SubscriptionStatus.ACTIVE


def test_a_trial_that_cancels_at_its_end_expires_unless_canceled_earlier() -> None:
    trial = subscription(
        trial_end_at=AT + 7 * DAY, trial_end_behavior=TrialEndBehavior.CANCEL_SUBSCRIPTION
    )
    assert (trial.ends_at, trial.end_reason) == (AT + 7 * DAY, CancelReason.TRIAL_ENDED)
    assert trial.status(AT + 7 * DAY) is SubscriptionStatus.EXPIRED
    early = replace(trial, end_at=AT + DAY, cancel_reason=CancelReason.IMMEDIATE)
    assert (early.ends_at, early.end_reason) == (AT + DAY, CancelReason.IMMEDIATE)
    assert early.status(AT + 7 * DAY) is SubscriptionStatus.CANCELED


def test_monthly_periods_keep_the_start_day_and_use_a_shorter_months_last_day() -> None:
    start = datetime(2026, 1, 31, 12, tzinfo=UTC)
    monthly = subscription(start_at=start)
    assert monthly.billing_period_at(datetime(2026, 2, 28, 13, tzinfo=UTC)) == Period(
        datetime(2026, 2, 28, 12, tzinfo=UTC), datetime(2026, 3, 31, 12, tzinfo=UTC)
    )
    assert monthly.billing_period_at(start - DAY) == Period(
        start, datetime(2026, 2, 28, 12, tzinfo=UTC)
    )
    yearly = subscription(
        start_at=datetime(2028, 2, 29, tzinfo=UTC), billing_period=BillingPeriod.ANNUALLY
    )
    assert yearly.billing_period_at(datetime(2029, 6, 1, tzinfo=UTC)) == Period(
        datetime(2029, 2, 28, tzinfo=UTC), datetime(2030, 2, 28, tzinfo=UTC)
    )
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)


def test_billing_periods_run_from_the_end_of_a_trial() -> None:
    trial = subscription(trial_end_at=AT + 14 * DAY)
    assert trial.billing_period_at(AT + DAY) == Period(AT, AT + 14 * DAY)
    assert trial.billing_period_at(AT + 14 * DAY) == Period(
        AT + 14 * DAY, datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    )


# --- trials ---------------------------------------------------------------------------------


def test_trials_come_from_the_override_else_the_plans_default() -> None:
    days = TrialConfig(14, TrialUnits.DAY)
    months = TrialConfig(1, TrialUnits.MONTH, end_behavior=TrialEndBehavior.CANCEL_SUBSCRIPTION)
    assert trial_for(AT, None, None) == (None, [])
    assert trial_for(AT, None, days) == (Trial(AT + 14 * DAY, TrialEndBehavior.CONVERT_TO_PAID), [])
    assert trial_for(AT, None, months) == (
        Trial(datetime(2026, 2, 15, 9, 30, tzinfo=UTC), TrialEndBehavior.CANCEL_SUBSCRIPTION),
        [],
    )
    assert trial_for(AT, TrialRequest(is_trial=False), days) == (None, [])
    assert trial_for(AT, TrialRequest(True, AT + DAY), months) == (
        Trial(AT + DAY, TrialEndBehavior.CANCEL_SUBSCRIPTION),
        [],
    )
    path = "trialOverrideConfiguration.trialEndDate"
    assert trial_for(AT, TrialRequest(True), None)[1][0].field == path
    assert trial_for(AT, TrialRequest(True, AT), None)[1] == [
        FieldProblem(path, "must be after the subscription's start", "out_of_range")
    ]


# --- ending ---------------------------------------------------------------------------------


def test_cancel_now_at_the_period_end_or_on_a_date_and_never_twice() -> None:
    current = subscription()
    now, problems = canceled(current, CancellationTime.IMMEDIATE, None, AT + DAY)
    assert (now.ends_at, now.cancel_reason, problems) == (AT + DAY, CancelReason.IMMEDIATE, [])
    period_end, _ = canceled(current, CancellationTime.END_OF_BILLING_PERIOD, None, AT + DAY)
    assert period_end.ends_at == datetime(2026, 2, 15, 9, 30, tzinfo=UTC)
    assert period_end.cancel_reason is CancelReason.SCHEDULED_CANCELLATION
    dated, _ = canceled(current, CancellationTime.SPECIFIC_DATE, AT + 3 * DAY, AT)
    assert dated.ends_at == AT + 3 * DAY
    assert canceled(current, CancellationTime.SPECIFIC_DATE, None, AT)[1][0].code == "required"
    assert canceled(current, CancellationTime.SPECIFIC_DATE, AT - DAY, AT)[1][0].code == (
        "out_of_range"
    )
    assert canceled(current, CancellationTime.IMMEDIATE, AT, AT)[1][0].field == "endDate"
    assert canceled(now, CancellationTime.IMMEDIATE, None, AT + 2 * DAY) == (now, [])


def test_a_replaced_subscription_ends_when_its_successor_starts() -> None:
    old = replaced(subscription(), AT + 5 * DAY, AT)
    assert (old.ends_at, old.cancel_reason, old.canceled_at) == (
        AT + 5 * DAY,
        CancelReason.UPGRADE_OR_DOWNGRADE,
        AT,
    )
    assert old.status(AT + 5 * DAY) is SubscriptionStatus.CANCELED


# --- what a subscription grants -------------------------------------------------------------


def test_granted_values_fold_parents_negotiated_values_unit_quantities_and_addons() -> None:
    parent = plan("base", entitlements=(entitlement("seats", 1), entitlement("sso")))
    child = plan(
        "pro",
        entitlements=(entitlement("seats", 3), entitlement("calls", 100, variable=True)),
        charges=(SEATS,),
    )
    held = subscription(
        entitlements=(EntitlementValue("calls", usage_limit=Decimal(5000)),),
        unit_quantities={SEATS.id: Decimal(8)},
        addons=(SubscriptionAddon("extra", 2, 2),),
    )
    values = granted_values(held, [parent, child], {"extra": EXTRA})
    assert values == {
        "seats": EntitlementValue("seats", usage_limit=Decimal(18)),  # 8 bought + 2 × 5
        "sso": EntitlementValue("sso"),
        "calls": EntitlementValue("calls", usage_limit=Decimal(5000)),
    }
    negotiated_seats = replace(
        held, entitlements=(EntitlementValue("seats", usage_limit=Decimal(40)),)
    )
    assert granted_values(negotiated_seats, [parent, child], {})["seats"].usage_limit == 40
    assert granted_values(held, [child], {})["seats"].behavior is Behavior.INCREMENT


# --- terms ----------------------------------------------------------------------------------


def test_terms_resolve_addons_quantities_and_overrides_on_their_charges() -> None:
    terms = Terms(
        addons=(("extra", 2),),
        price_overrides=(
            OverrideRequest(amount=Decimal("39.99"), base_charge=True),
            OverrideRequest(amount=Decimal("6"), addon_id="extra"),
        ),
        charges=(QuantityRequest("seats", Decimal(4)),),
    )
    resolved, problems = resolve_terms(catalog(), terms, AT)
    assert problems == []
    assert resolved is not None
    assert resolved.addons == (SubscriptionAddon("extra", 2, 2),)
    assert resolved.unit_quantities == {SEATS.id: Decimal(4)}
    assert resolved.billing_period is BillingPeriod.MONTHLY
    assert resolved.price_overrides == (
        PriceOverride(BASE.id, USD, amount=Decimal("39.99")),
        PriceOverride("extra:FLAT_FEE:base", USD, addon_id="extra", amount=Decimal(6)),
    )
    defaulted, _ = resolve_terms(catalog(), Terms(), AT)
    assert defaulted is not None
    assert defaulted.unit_quantities == {SEATS.id: Decimal(2)}  # the charge's minimum


def test_every_problem_of_the_terms_is_named_at_once() -> None:
    terms = Terms(
        addons=(("extra", 6), ("ghost", 1)),
        entitlements=(EntitlementSpec("sso"),),
        price_overrides=(OverrideRequest(amount=Decimal(1), feature_id="sso"),),
        charges=(QuantityRequest("seats", Decimal(4)),),
        unit_quantity=3,
        billing_period=BillingPeriod.ANNUALLY,
    )
    resolved, problems = resolve_terms(catalog(), terms, AT)
    assert resolved is None
    assert [(p.field, p.code) for p in problems] == [
        ("addons[0].quantity", "out_of_range"),
        ("addons[1].id", "not_found"),
        ("entitlements[0].id", "not_variable"),
        ("unitQuantity", "conflict"),
        ("billingPeriod", "not_priced"),
        ("priceOverrides[0].featureId", "not_found"),
    ]


def test_variable_number_entitlements_need_a_value_unless_a_default_or_unit_charge_gives_it() -> (
    None
):
    variable = entitlement("seats", variable=True)
    paid = plan(entitlements=(variable,))
    assert [(p.field, p.code) for p in resolve_terms(catalog(paid), Terms(), AT)[1]] == [
        ("entitlements", "required")
    ]
    assert resolve_terms(catalog(paid), Terms(), AT, require_values=False)[1] == []
    bought = plan(entitlements=(variable,), charges=(SEATS,))
    assert resolve_terms(catalog(bought), Terms(), AT)[1] == []
    with_default = plan(entitlements=(entitlement("seats", 10, variable=True),))
    assert resolve_terms(catalog(with_default), Terms(), AT)[1] == []
    custom = plan(pricing=PricingType.CUSTOM, entitlements=(entitlement("sso", variable=True),))
    assert [p.code for p in resolve_terms(catalog(custom), Terms(), AT)[1]] == ["required"]


def test_a_variable_entitlement_of_a_parent_plan_is_negotiated_on_the_child() -> None:
    parent = plan("base", entitlements=(entitlement("seats", variable=True),))
    child = plan("pro", pricing=PricingType.CUSTOM, entitlements=(entitlement("sso"),))
    terms = Terms(entitlements=(EntitlementSpec("seats", usage_limit=Decimal(12)),))
    resolved, problems = resolve_terms(catalog(child, parent), terms, AT)
    assert problems == []
    assert resolved is not None
    assert resolved.entitlements == (EntitlementValue("seats", usage_limit=Decimal(12)),)


def test_tiered_charges_are_overridden_by_their_tiers() -> None:
    tiered = charge(
        "pro",
        BillingModel.PER_UNIT,
        "seats",
        price(None, tiers=(Tier(Decimal(10), Decimal(5)), Tier(None, Decimal(4)))),
        tiers_mode=TiersMode.VOLUME,
    )
    version = plan(charges=(tiered,))
    bad = OverrideRequest(feature_id="seats", tiers=(Tier(Decimal(10), Decimal(3)),))
    _, problems = resolve_terms(catalog(version), Terms(price_overrides=(bad,)), AT)
    assert [(p.field, p.code) for p in problems] == [
        ("priceOverrides[0].tiers[0].upTo", "not_allowed")
    ]
    good = replace(bad, tiers=(Tier(Decimal(10), Decimal(3)), Tier(None, Decimal(2))))
    resolved, problems = resolve_terms(catalog(version), Terms(price_overrides=(good,)), AT)
    assert problems == []
    assert resolved is not None
    assert resolved.price_overrides[0].tiers == good.tiers


def test_a_migration_drops_what_the_new_version_no_longer_has() -> None:
    held = subscription(
        entitlements=(EntitlementValue("calls", usage_limit=Decimal(9)),),
        price_overrides=(PriceOverride(SEATS.id, USD, feature_id="seats", amount=Decimal(1)),),
        unit_quantities={SEATS.id: Decimal(3)},
    )
    terms = migration_terms(held, catalog(plan(charges=(BASE,))))
    assert (terms.entitlements, terms.price_overrides, terms.charges) == ((), (), ())


# --- prices and invoices --------------------------------------------------------------------


def test_a_recurring_invoice_prices_fees_units_and_addons_with_rounded_lines() -> None:
    usage = charge("pro", BillingModel.USAGE_BASED, "calls", price("0.001"))
    graduated = charge(
        "pro",
        BillingModel.PER_UNIT,
        "editors",
        price(
            None,
            tiers=(Tier(Decimal(2), Decimal("10")), Tier(None, Decimal("7.333"), Decimal(1))),
        ),
        tiers_mode=TiersMode.GRADUATED,
    )
    version = plan(charges=(BASE, SEATS, usage, graduated))
    overrides = (PriceOverride(BASE.id, USD, amount=Decimal("40")),)
    prices = effective_prices(
        version,
        (SubscriptionAddon("extra", 3, 2),),
        {"extra": EXTRA},
        overrides,
        BillingPeriod.MONTHLY,
        USD,
    )
    assert [(p.charge.id, p.is_override) for p in prices] == [
        (BASE.id, True),
        (SEATS.id, False),
        (usage.id, False),
        (graduated.id, False),
        ("extra:FLAT_FEE:base", False),
    ]
    period = Period(AT, AT + 31 * DAY)
    invoice = recurring_invoice(
        prices, {SEATS.id: Decimal(4), graduated.id: Decimal(5)}, USD, period
    )
    assert [(line.description, line.quantity, line.sub_total) for line in invoice.lines] == [
        ("Pro (base charge)", 1, Decimal("40.00")),
        ("Pro (seats)", 4, Decimal("50.00")),
        ("Pro (editors)", 5, Decimal("43.00")),  # 2 × 10 + 3 × 7.333 + 1 = 42.999
        ("Extra add-on (base charge)", 3, Decimal("22.50")),
    ]
    assert invoice.total == Decimal("155.50")
    assert invoice.lines[2].unit_price == Decimal("8.5998")


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (Decimal(0), Decimal("0.00")),
        (Decimal(10), Decimal("50.00")),
        (Decimal(11), Decimal("44.00")),
    ],
)
def test_volume_tiers_price_every_unit_at_the_tier_reached(
    quantity: Decimal, expected: Decimal
) -> None:
    volume = charge(
        "pro",
        BillingModel.PER_UNIT,
        "seats",
        price(None, tiers=(Tier(Decimal(10), Decimal(5)), Tier(None, Decimal(4)))),
        tiers_mode=TiersMode.VOLUME,
    )
    prices = effective_prices(plan(charges=(volume,)), (), {}, (), BillingPeriod.MONTHLY, USD)
    invoice = recurring_invoice(prices, {volume.id: quantity}, USD, Period(AT, AT + DAY))
    assert invoice.total == expected
