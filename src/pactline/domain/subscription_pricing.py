"""What a subscription costs: each charge's effective price (the plan's or add-on's, or the
negotiated override) and the invoice of one billing period, in exact decimals.

Amounts come from the rating models (`pactline.domain.rating`); each invoice line is rounded
once to the currency's minor unit and the totals are sums of rounded lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pactline.domain.charges import (
    BillingCadence,
    BillingModel,
    BillingPeriod,
    Charge,
    ChargePrice,
    PricingType,
    Tier,
    TiersMode,
)
from pactline.domain.currency import currency
from pactline.domain.money import Money
from pactline.domain.periods import Period
from pactline.domain.plans import AddonVersion, PackageVersion
from pactline.domain.rating import FlatFee, Graduated, Package, PerUnit, PricingModel, Volume
from pactline.domain.rating import Tier as Row
from pactline.domain.subscriptions import PriceOverride, SubscriptionAddon

ZERO = Decimal(0)


def price_of(
    charge: Charge, period: BillingPeriod, code: str, country: str | None = None
) -> ChargePrice | None:
    """The charge's price for the subscription: its billing period and currency (the
    country's price first, then the default). USAGE_BASED charges, billed on what was used,
    may be priced in another period only."""
    for wanted in (country, None) if country is not None else (None,):
        price = charge.price_for(period, code, wanted)
        if price is not None:
            return price
    if charge.billing_model is BillingModel.USAGE_BASED:
        for price in charge.prices:
            if price.currency == code.lower() and price.billing_country_code is None:
                return price
    return None


@dataclass(frozen=True)
class EffectivePrice:
    """One charge of the subscription's plan (or of an add-on) at the price it pays."""

    charge: Charge
    price: ChargePrice
    is_override: bool
    package_name: str
    addon_id: str | None = None
    addon_quantity: int = 1


def effective_prices(
    plan: PackageVersion,
    addons: Sequence[SubscriptionAddon],
    addon_versions: Mapping[str, AddonVersion],
    overrides: Sequence[PriceOverride],
    period: BillingPeriod,
    code: str,
    country: str | None = None,
) -> tuple[EffectivePrice, ...]:
    """Every charge of the plan, then of each add-on, with overrides applied."""
    by_charge = {(o.addon_id, o.charge_id): o for o in overrides}
    priced: list[EffectivePrice] = []
    owners: list[tuple[PackageVersion, SubscriptionAddon | None]] = [(plan, None)]
    owners += [(addon_versions[a.addon_id], a) for a in addons if a.addon_id in addon_versions]
    for version, held in owners:
        if version.pricing_type is not PricingType.PAID:
            continue
        addon_id = None if held is None else held.addon_id
        for charge in version.charges:
            price = price_of(charge, period, code, country)
            if price is None:
                continue
            override = by_charge.get((addon_id, charge.id))
            if override is not None:
                price = replace(
                    price,
                    amount=override.amount if override.amount is not None else price.amount,
                    tiers=override.tiers or price.tiers,
                    block_size=override.block_size
                    if override.block_size is not None
                    else price.block_size,
                )
            priced.append(
                EffectivePrice(
                    charge=charge,
                    price=price,
                    is_override=override is not None,
                    package_name=version.display_name or version.package_id,
                    addon_id=addon_id,
                    addon_quantity=1 if held is None else held.quantity,
                )
            )
    return tuple(priced)


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    sub_total: Decimal  # rounded to the currency's minor unit


@dataclass(frozen=True)
class InvoicePreview:
    currency: str
    period: Period
    lines: tuple[InvoiceLine, ...]

    @property
    def sub_total(self) -> Decimal:
        return sum((line.sub_total for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.sub_total  # no discounts or taxes yet


def recurring_invoice(
    prices: Sequence[EffectivePrice],
    unit_quantities: Mapping[str, Decimal],
    code: str,
    period: Period,
) -> InvoicePreview:
    """The recurring charges of one billing period, billed in advance: flat fees and PER_UNIT
    charges (× the quantity bought; an add-on's charges × the add-on's quantity). USAGE_BASED
    charges are billed in arrears on actual usage and are not part of it."""
    lines = []
    for item in prices:
        charge = item.charge
        if (
            charge.billing_cadence is not BillingCadence.RECURRING
            or charge.billing_model is BillingModel.USAGE_BASED
        ):
            continue
        if item.addon_id is not None:
            quantity = Decimal(item.addon_quantity)
        elif charge.billing_model is BillingModel.PER_UNIT:
            quantity = unit_quantities.get(charge.id, Decimal(1))
        else:
            quantity = Decimal(1)
        amount = _model(charge, item.price, per_package=item.addon_id is not None).amount(quantity)
        lines.append(
            InvoiceLine(
                description=_describe(item),
                quantity=quantity,
                unit_price=_unit_price(item.price, amount, quantity),
                sub_total=_rounded(amount, code),
            )
        )
    return InvoicePreview(code, period, tuple(lines))


def _model(charge: Charge, price: ChargePrice, per_package: bool) -> PricingModel:
    """The rating model that prices a quantity of this charge for one period."""
    if price.tiers:
        rows = _rows(price.tiers)
        return Volume(rows) if charge.tiers_mode is TiersMode.VOLUME else Graduated(rows)
    amount = price.amount or ZERO
    if charge.billing_model is BillingModel.FLAT_FEE and not per_package:
        return FlatFee(amount)
    if price.block_size is not None and price.block_size != 1:
        return Package(amount, price.block_size)
    return PerUnit(amount)


def _rows(tiers: Sequence[Tier]) -> list[Row]:
    rows = []
    lower = ZERO
    for tier in tiers:
        rows.append(
            Row(
                from_=lower,
                to=tier.up_to,
                price=tier.unit_price or ZERO,
                flat_fee=tier.flat_price or ZERO,
            )
        )
        lower = tier.up_to if tier.up_to is not None else lower
    return rows


def _unit_price(price: ChargePrice, amount: Decimal, quantity: Decimal) -> Decimal:
    if not price.tiers and price.block_size in (None, Decimal(1)):
        return price.amount or ZERO
    if quantity == 0:
        return ZERO
    return (amount / quantity).normalize()  # an average, for display only


def _rounded(amount: Decimal, code: str) -> Decimal:
    return Money(amount, currency(code)).rounded().amount


def _describe(item: EffectivePrice) -> str:
    charge = item.charge
    what = "base charge" if charge.is_base else f"{charge.feature_id}"
    kind = "add-on " if item.addon_id is not None else ""
    return f"{item.package_name} {kind}({what})"
