"""What a plan or add-on costs: its charges, each priced per billing period and currency.

A charge is a FLAT_FEE (the package's base price), PER_UNIT (a price per unit of a NUMBER
feature the customer buys, such as seats) or USAGE_BASED (a price per unit of a metered
feature's usage). Each has one price per (billing period, currency[, country]): a plain amount
or tiers (VOLUME: one tier prices every unit; GRADUATED: each tier prices the units inside it).
Amounts are exact decimals in major units and never floats.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pactline.domain.entitlements import ResetAnchor, ResetPeriod
from pactline.domain.package_entitlements import ResetConfig, anchor_of

DEFAULT_CURRENCY = "usd"


class PricingType(enum.Enum):
    FREE = "FREE"
    PAID = "PAID"
    CUSTOM = "CUSTOM"  # negotiated per customer: the package itself carries no price


class BillingModel(enum.Enum):
    FLAT_FEE = "FLAT_FEE"
    PER_UNIT = "PER_UNIT"
    USAGE_BASED = "USAGE_BASED"
    MINIMUM_SPEND = "MINIMUM_SPEND"  # not supported yet
    CREDIT_BASED = "CREDIT_BASED"  # not supported yet


SUPPORTED_MODELS = frozenset(
    {BillingModel.FLAT_FEE, BillingModel.PER_UNIT, BillingModel.USAGE_BASED}
)


class BillingPeriod(enum.Enum):
    MONTHLY = "MONTHLY"
    ANNUALLY = "ANNUALLY"


class BillingCadence(enum.Enum):
    RECURRING = "RECURRING"
    ONE_OFF = "ONE_OFF"


class TiersMode(enum.Enum):
    VOLUME = "VOLUME"  # the tier the quantity falls in prices every unit
    GRADUATED = "GRADUATED"  # each tier prices the units inside it


@dataclass(frozen=True)
class Tier:
    """Units up to `up_to` (None: every unit above the previous tier)."""

    up_to: Decimal | None
    unit_price: Decimal | None = None
    flat_price: Decimal | None = None


@dataclass(frozen=True)
class ChargePrice:
    billing_period: BillingPeriod
    currency: str  # lower-case ISO 4217 code, as Stigg writes it
    amount: Decimal | None = None  # the flat fee, or the price of one unit (of one block)
    tiers: tuple[Tier, ...] = ()
    block_size: Decimal | None = None  # usage is priced per block of this many units
    billing_country_code: str | None = None


@dataclass(frozen=True)
class ChargeSpec:
    """A charge as a caller describes it, before it is given an id."""

    billing_model: BillingModel
    prices: tuple[ChargePrice, ...]
    feature_id: str | None = None
    billing_cadence: BillingCadence = BillingCadence.RECURRING
    tiers_mode: TiersMode | None = None
    min_unit_quantity: int | None = None
    max_unit_quantity: int | None = None
    reset_period: ResetPeriod | None = None
    reset_configs: tuple[ResetConfig, ...] = ()


@dataclass(frozen=True)
class PricingSpec:
    """A package's whole pricing, as set by one update (it replaces the previous one)."""

    pricing_type: PricingType
    charges: tuple[ChargeSpec, ...] = ()


@dataclass(frozen=True)
class Charge:
    id: str  # stable: "<packageId>:<billingModel>:<featureId or 'base'>"
    billing_model: BillingModel
    prices: tuple[ChargePrice, ...]
    created_at: datetime
    feature_id: str | None = None
    billing_cadence: BillingCadence = BillingCadence.RECURRING
    tiers_mode: TiersMode | None = None
    min_unit_quantity: int | None = None
    max_unit_quantity: int | None = None
    reset_period: ResetPeriod | None = None
    reset_anchor: ResetAnchor | None = None

    @property
    def is_base(self) -> bool:
        return self.feature_id is None

    def price_for(
        self, period: BillingPeriod, currency_code: str, country: str | None = None
    ) -> ChargePrice | None:
        for price in self.prices:
            if (price.billing_period, price.currency, price.billing_country_code) == (
                period,
                currency_code.lower(),
                country,
            ):
                return price
        return None


def charge_id(package_id: str, model: BillingModel, feature_id: str | None) -> str:
    return f"{package_id}:{model.value}:{feature_id or 'base'}"


def build_charges(
    package_id: str,
    specs: Sequence[ChargeSpec],
    now: datetime,
    previous: Sequence[Charge] = (),
) -> tuple[Charge, ...]:
    """Charges with their ids; a charge whose id existed before keeps its creation time."""
    created = {c.id: c.created_at for c in previous}
    charges = []
    for spec in specs:
        identifier = charge_id(package_id, spec.billing_model, spec.feature_id)
        charges.append(
            Charge(
                id=identifier,
                billing_model=spec.billing_model,
                prices=spec.prices,
                created_at=created.get(identifier, now),
                feature_id=spec.feature_id,
                billing_cadence=spec.billing_cadence,
                tiers_mode=spec.tiers_mode,
                min_unit_quantity=spec.min_unit_quantity,
                max_unit_quantity=spec.max_unit_quantity,
                reset_period=spec.reset_period,
                reset_anchor=anchor_of(spec.reset_configs),
            )
        )
    return tuple(charges)
