"""Plan and add-on pricing in Stigg's shapes: the `charges` of an update (a full replace) and
the rows of `GET .../charges` (one row per price: billing period × currency)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.exact_numbers import Number
from pactline.api.schemas.package_entitlements import ResetConfigsIn, ResetPeriodName
from pactline.domain import charges as c
from pactline.domain.entitlements import ResetPeriod
from pactline.domain.errors import FieldProblem, InvalidArgument

CREDITS_UNSUPPORTED = "credits are not supported yet"
PricingTypeName = Literal["FREE", "PAID", "CUSTOM"]
BillingPeriodName = Literal["MONTHLY", "ANNUALLY"]


class PriceIn(CamelModel):
    amount: Decimal = Field(description="Major units, exact (49.99 is 49.99)")
    currency: str | None = Field(None, description="Lower-case ISO 4217 code; default usd")


class TierIn(CamelModel):
    flat_price: PriceIn | None = None
    unit_price: PriceIn | None = None
    up_to: Decimal | None = None


class CreditRateIn(CamelModel):
    amount: Decimal
    currency_id: str
    cost_formula: str | None = None


class PricePeriodIn(CamelModel):
    billing_period: BillingPeriodName
    billing_country_code: str | None = None
    block_size: Decimal | None = None
    credit_grant_cadence: Literal["BEGINNING_OF_BILLING_PERIOD", "MONTHLY"] | None = None
    credit_rate: CreditRateIn | None = None
    price: PriceIn | None = None
    tiers: list[TierIn] | None = None

    def to_domain(self, at: str, problems: list[FieldProblem]) -> c.ChargePrice:
        for name, used in (
            ("creditRate", self.credit_rate),
            ("creditGrantCadence", self.credit_grant_cadence),
        ):
            if used is not None:
                problems.append(FieldProblem(f"{at}.{name}", CREDITS_UNSUPPORTED, "not_supported"))
        tiers = self.tiers or []
        named = [self.price.currency if self.price else None] + [
            p.currency for t in tiers for p in (t.unit_price, t.flat_price) if p is not None
        ]
        currencies = {code.lower() for code in named if code}
        if len(currencies) > 1:
            problems.append(
                FieldProblem(
                    f"{at}.tiers",
                    f"one price period has one currency, not {', '.join(sorted(currencies))}",
                    "conflict",
                )
            )
        return c.ChargePrice(
            billing_period=c.BillingPeriod(self.billing_period),
            currency=min(currencies) if currencies else c.DEFAULT_CURRENCY,
            amount=None if self.price is None else self.price.amount,
            tiers=tuple(
                c.Tier(
                    up_to=t.up_to,
                    unit_price=None if t.unit_price is None else t.unit_price.amount,
                    flat_price=None if t.flat_price is None else t.flat_price.amount,
                )
                for t in tiers
            ),
            block_size=self.block_size,
            billing_country_code=self.billing_country_code,
        )


class PricingModelIn(ResetConfigsIn):
    billing_model: Literal["FLAT_FEE", "MINIMUM_SPEND", "PER_UNIT", "USAGE_BASED", "CREDIT_BASED"]
    price_periods: list[PricePeriodIn]
    billing_cadence: Literal["RECURRING", "ONE_OFF"] = "RECURRING"
    feature_id: str | None = None
    max_unit_quantity: int | None = None
    min_unit_quantity: int | None = None
    reset_period: ResetPeriodName | None = None
    tiers_mode: Literal["VOLUME", "GRADUATED"] | None = None
    top_up_custom_currency_id: str | None = None

    def to_domain(self, at: str, problems: list[FieldProblem]) -> c.ChargeSpec:
        if self.top_up_custom_currency_id is not None:
            problems.append(
                FieldProblem(f"{at}.topUpCustomCurrencyId", CREDITS_UNSUPPORTED, "not_supported")
            )
        return c.ChargeSpec(
            billing_model=c.BillingModel(self.billing_model),
            prices=tuple(
                p.to_domain(f"{at}.pricePeriods[{i}]", problems)
                for i, p in enumerate(self.price_periods)
            ),
            feature_id=self.feature_id,
            billing_cadence=c.BillingCadence(self.billing_cadence),
            tiers_mode=None if self.tiers_mode is None else c.TiersMode(self.tiers_mode),
            min_unit_quantity=self.min_unit_quantity,
            max_unit_quantity=self.max_unit_quantity,
            reset_period=None if self.reset_period is None else ResetPeriod(self.reset_period),
            reset_configs=self.reset_configs(),
        )


class ChargesIn(CamelModel):
    """The whole pricing of the draft: it replaces what was there."""

    pricing_type: PricingTypeName
    billing_id: str | None = Field(None, description="Deprecated by Stigg; ignored")
    minimum_spend: list[dict[str, Any]] | None = Field(None, description="Not supported yet")
    overage_billing_period: Literal["ON_SUBSCRIPTION_RENEWAL", "MONTHLY"] | None = None
    overage_pricing_models: list[dict[str, Any]] | None = Field(
        None, description="Not supported yet"
    )
    pricing_models: list[PricingModelIn] | None = None

    def to_domain(self) -> c.PricingSpec:
        problems: list[FieldProblem] = []
        if self.minimum_spend:
            problems.append(
                FieldProblem(
                    "charges.minimumSpend", "minimum spend is not supported yet", "not_supported"
                )
            )
        if self.overage_pricing_models:
            problems.append(
                FieldProblem(
                    "charges.overagePricingModels",
                    "overage pricing is not supported yet",
                    "not_supported",
                )
            )
        specs = tuple(
            m.to_domain(f"charges.pricingModels[{i}]", problems)
            for i, m in enumerate(self.pricing_models or [])
        )
        if problems:
            raise InvalidArgument(problems)
        return c.PricingSpec(c.PricingType(self.pricing_type), specs)


class PriceOut(OutModel):
    amount: Number
    currency: str


class TierOut(OutModel):
    flat_price: PriceOut | None
    unit_price: PriceOut | None
    up_to: Number | None


class ChargeOut(OutModel):
    id: str = Field(description="The charge's stable id, shared by all its prices")
    billing_cadence: Literal["RECURRING", "ONE_OFF"]
    billing_model: str
    billing_period: BillingPeriodName
    created_at: datetime
    billing_country_code: str | None
    billing_id: str | None = None
    block_size: Number | None
    credit_grant_cadence: str | None = None
    credit_rate: dict[str, Any] | None = None
    crm_id: str | None = None
    crm_link_url: str | None = None
    feature_id: str | None
    max_unit_quantity: int | None
    min_unit_quantity: int | None
    price: PriceOut | None
    tiers: list[TierOut] | None
    tiers_mode: Literal["VOLUME", "GRADUATED"] | None
    top_up_custom_currency_id: str | None = None
    used_in_subscriptions: bool | None = None

    @classmethod
    def rows(cls, charges: tuple[c.Charge, ...]) -> list[ChargeOut]:
        return [cls.of(charge, price) for charge in charges for price in charge.prices]

    @classmethod
    def of(cls, charge: c.Charge, price: c.ChargePrice) -> ChargeOut:
        def money(amount: Decimal | None) -> PriceOut | None:
            return None if amount is None else PriceOut(amount=amount, currency=price.currency)

        return cls(
            id=charge.id,
            billing_cadence=charge.billing_cadence.value,
            billing_model=charge.billing_model.value,
            billing_period=price.billing_period.value,
            created_at=charge.created_at,
            billing_country_code=price.billing_country_code,
            block_size=price.block_size,
            feature_id=charge.feature_id,
            max_unit_quantity=charge.max_unit_quantity,
            min_unit_quantity=charge.min_unit_quantity,
            price=money(price.amount),
            tiers=[
                TierOut(
                    flat_price=money(t.flat_price), unit_price=money(t.unit_price), up_to=t.up_to
                )
                for t in price.tiers
            ]
            if price.tiers
            else None,
            tiers_mode=None if charge.tiers_mode is None else charge.tiers_mode.value,
        )
