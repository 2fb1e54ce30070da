"""Line items taken from subscriptions: each charge of a subscription's plan and add-ons, at the
price the subscription pays (its overrides applied), becomes one line of a new contract.

Flat fees and per-unit charges are FIXED lines (per-unit at the quantity bought, an add-on at
the quantity held); usage-based charges are USAGE lines on their metered feature. A CUSTOM plan
carries no price, so its subscription contributes no line: its price is the contract's to set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.charges import (
    BillingCadence,
    BillingModel,
    BillingPeriod,
    ChargePrice,
    TiersMode,
)
from pactline.domain.contracts import ChargeType, LineItem, PriceVersion, QuantityChange
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating.models import (
    FlatFee,
    Graduated,
    Package,
    PerUnit,
    PricingModel,
    Volume,
)
from pactline.domain.rating.tiers import Tier
from pactline.domain.subscription_pricing import EffectivePrice
from pactline.domain.subscriptions import Subscription

_CYCLES = {
    BillingPeriod.MONTHLY: BillingCycle(CycleUnit.MONTH),
    BillingPeriod.ANNUALLY: BillingCycle(CycleUnit.YEAR),
}
ZERO = Decimal(0)


def line_items_from(
    subscription: Subscription, prices: Sequence[EffectivePrice], start_on: date
) -> list[LineItem]:
    """One line per priced charge, starting with the contract on `start_on`."""
    lines: list[LineItem] = []
    for item in prices:
        charge = item.charge
        model = _model(item)
        one_off = charge.billing_cadence is BillingCadence.ONE_OFF
        usage = charge.billing_model is BillingModel.USAGE_BASED
        cycle = BillingCycle(CycleUnit.ONE_TIME) if one_off else _CYCLES[item.price.billing_period]
        quantity: Decimal | None = None
        if item.addon_id is not None:
            quantity = Decimal(item.addon_quantity)
        elif charge.billing_model is BillingModel.PER_UNIT:
            quantity = subscription.unit_quantity(charge)
        owner = charge.id if item.addon_id is None else f"{item.addon_id}:{charge.id}"
        lines.append(
            LineItem(
                id=f"{subscription.id}:{owner}",
                name=_name(item),
                charge_type=ChargeType.USAGE if usage else ChargeType.FIXED,
                price_versions=(PriceVersion(start_on, model),),
                billing_cycle=cycle,
                timing=ChargeTiming.IN_ARREARS if usage else ChargeTiming.IN_ADVANCE,
                quantities=()
                if quantity is None or isinstance(model, FlatFee)
                else (QuantityChange(start_on, quantity),),
                metered_feature_id=charge.feature_id if usage else None,
            )
        )
    return lines


def _model(item: EffectivePrice) -> PricingModel:
    price: ChargePrice = item.price
    charge = item.charge
    if price.tiers:
        rows = _rows(price)
        return Volume(rows) if charge.tiers_mode is TiersMode.VOLUME else Graduated(rows)
    amount = price.amount or ZERO
    if charge.billing_model is BillingModel.FLAT_FEE and item.addon_id is None:
        return FlatFee(amount)
    if price.block_size is not None and price.block_size != 1:
        return Package(amount, price.block_size)
    return PerUnit(amount)


def _rows(price: ChargePrice) -> list[Tier]:
    rows: list[Tier] = []
    lower = ZERO
    for tier in price.tiers:
        rows.append(Tier(lower, tier.up_to, tier.unit_price or ZERO, tier.flat_price or ZERO))
        lower = tier.up_to if tier.up_to is not None else lower
    return rows


def _name(item: EffectivePrice) -> str:
    charge = item.charge
    what = "base charge" if charge.is_base else str(charge.feature_id)
    if item.addon_id is not None:
        return f"{item.package_name} add-on ({what})"
    return f"{item.package_name} ({what})"
