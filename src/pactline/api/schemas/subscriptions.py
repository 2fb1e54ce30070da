"""Subscriptions in the shapes of Stigg's REST API v1 (the stigg SDK's types).

Requests: every field the SDK may send is accepted by name; those pactline does not implement
(coupons, budgets, minimum spend, checkout, delegated billing, resources, credits) are refused
with `not_supported` when they carry a value, so a caller never believes they took effect.
Responses: amounts are JSON numbers converted from exact decimals; pactline adds a few fields
the SDK keeps as extras (`isOverride` and `chargeId` on prices, `billingPeriod`, `currency`,
`planVersionNumber`, `charges`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.filters import parse_instant
from pactline.api.schemas.exact_numbers import Number
from pactline.api.schemas.package_entitlements import ResetConfigsIn, ResetPeriodName
from pactline.domain.charges import BillingPeriod, Tier
from pactline.domain.entitlements import ResetPeriod
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.package_entitlements import EntitlementSpec
from pactline.domain.plans import TrialEndBehavior
from pactline.domain.subscription_items import QuantityRequest
from pactline.domain.subscription_lifecycle import TrialRequest
from pactline.domain.subscription_overrides import OverrideRequest
from pactline.domain.subscription_pricing import EffectivePrice, InvoicePreview
from pactline.domain.subscription_terms import Terms
from pactline.domain.subscriptions import PaymentCollection, PaymentCollectionMethod
from pactline.services.subscriptions import NewSubscription, Preview, SubscriptionView

CREDITS_UNSUPPORTED = "credits are not supported yet"
BillingPeriodName = Literal["MONTHLY", "ANNUALLY"]
PaymentMethodName = Literal["CHARGE", "INVOICE", "NONE"]
TrialEndName = Literal["CONVERT_TO_PAID", "CANCEL_SUBSCRIPTION"]
StrategyName = Literal["END_OF_BILLING_PERIOD", "END_OF_BILLING_MONTH", "IMMEDIATE"]


def refuse(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidArgument(problems)


def unsupported(model: CamelModel, fields: dict[str, str], prefix: str = "") -> list[FieldProblem]:
    """`not_supported` for each of `fields` (attribute → why) sent with a value."""
    problems = []
    for name, reason in fields.items():
        value = getattr(model, name)
        if value is not None and value != [] and value != {}:
            api_name = model.model_fields[name].alias or name
            problems.append(FieldProblem(f"{prefix}{api_name}", reason, "not_supported"))
    return problems


def instant(field: str, text: str | None) -> datetime | None:
    return None if text is None else parse_instant(field, text)


# --- request parts --------------------------------------------------------------------------


class AddonIn(CamelModel):
    id: str
    quantity: int = Field(description="1 to the add-on's maxQuantity")


class ChargeIn(CamelModel):
    id: str = Field(description="A PER_UNIT charge of the plan: its charge id or its feature id")
    quantity: Decimal = Field(description="Whole units, 0 or more")
    type: Literal["FEATURE", "CREDIT"]


class EntitlementValueIn(ResetConfigsIn):
    """A negotiated value for one of the plan's variable (isCustom) entitlements."""

    id: str = Field(description="The feature id")
    type: Literal["FEATURE"]
    has_soft_limit: bool = False
    has_unlimited_usage: bool = False
    reset_period: ResetPeriodName | None = None
    usage_limit: int | None = None

    def to_spec(self) -> EntitlementSpec:
        return EntitlementSpec(
            feature_id=self.id,
            usage_limit=None if self.usage_limit is None else Decimal(self.usage_limit),
            has_unlimited_usage=self.has_unlimited_usage,
            has_soft_limit=self.has_soft_limit,
            reset_period=None if self.reset_period is None else ResetPeriod(self.reset_period),
            reset_configs=self.reset_configs(),
        )


class CreditValueIn(CamelModel):
    """Accepted in shape so the refusal can be clear."""

    id: str
    amount: Decimal
    cadence: Literal["MONTH", "YEAR"]
    type: Literal["CREDIT"]
    has_soft_limit: bool | None = None


ValueIn = Annotated[EntitlementValueIn | CreditValueIn, Field(discriminator="type")]


class MoneyIn(CamelModel):
    amount: Decimal
    currency: str | None = None


class TierIn(CamelModel):
    flat_price: MoneyIn | None = None
    unit_price: MoneyIn | None = None
    up_to: Decimal | None = None


class PriceOverrideIn(CamelModel):
    """Names one charge (`baseCharge`, `featureId`, `addonId` [+ `featureId`]) and its price."""

    addon_id: str | None = None
    amount: Decimal | None = Field(None, description="Major units, exact")
    base_charge: bool = False
    billing_country_code: str | None = None
    block_size: Decimal | None = None
    credit_grant_cadence: Literal["BEGINNING_OF_BILLING_PERIOD", "MONTHLY"] | None = None
    credit_rate: dict[str, Any] | None = None
    currency: str | None = Field(None, description="Default: the customer's billing currency")
    currency_id: str | None = None
    feature_id: str | None = None
    tiers: list[TierIn] | None = None

    def to_request(self, path: str, problems: list[FieldProblem]) -> OverrideRequest:
        problems += unsupported(
            self,
            {
                "credit_rate": CREDITS_UNSUPPORTED,
                "credit_grant_cadence": CREDITS_UNSUPPORTED,
                "currency_id": CREDITS_UNSUPPORTED,
                "billing_country_code": "localized overrides are not supported: the override "
                "applies to the subscription's price",
            },
            f"{path}.",
        )
        return OverrideRequest(
            amount=self.amount,
            base_charge=self.base_charge,
            feature_id=self.feature_id,
            addon_id=self.addon_id,
            currency=self.currency,
            tiers=tuple(
                Tier(
                    up_to=t.up_to,
                    unit_price=None if t.unit_price is None else t.unit_price.amount,
                    flat_price=None if t.flat_price is None else t.flat_price.amount,
                )
                for t in self.tiers or ()
            ),
            block_size=self.block_size,
        )


class TrialOverrideIn(CamelModel):
    is_trial: bool
    trial_end_behavior: TrialEndName | None = None
    trial_end_date: str | None = None

    def to_domain(self) -> TrialRequest:
        path = "trialOverrideConfiguration.trialEndDate"
        return TrialRequest(
            is_trial=self.is_trial,
            end_at=instant(path, self.trial_end_date),
            end_behavior=None
            if self.trial_end_behavior is None
            else TrialEndBehavior(self.trial_end_behavior),
        )


class BillingInformationIn(CamelModel):
    """Billing-provider details: pactline keeps `invoiceDaysUntilDue` and ignores the rest."""

    billing_address: dict[str, Any] | None = None
    charge_on_behalf_of_account: str | None = None
    coupon_id: str | None = None
    integration_id: str | None = None
    invoice_days_until_due: Decimal | None = None
    is_backdated: bool | None = None
    is_invoice_paid: bool | None = None
    metadata: dict[str, str] | None = None
    proration_behavior: Literal["INVOICE_IMMEDIATELY", "CREATE_PRORATIONS", "NONE"] | None = None
    tax_ids: list[dict[str, Any]] | None = None
    tax_percentage: Decimal | None = None
    tax_rate_ids: list[str] | None = None

    def days_until_due(self) -> int | None:
        days = self.invoice_days_until_due
        if days is None:
            return None
        if days != days.to_integral_value():
            path = "billingInformation.invoiceDaysUntilDue"
            raise InvalidArgument.single(path, "must be a whole number of days", "not_integer")
        return int(days)


class _Terms(CamelModel):
    """The fields provisioning, previews and updates share."""

    addons: list[AddonIn] | None = None
    billing_period: BillingPeriodName | None = None
    charges: list[ChargeIn] | None = None
    price_overrides: list[PriceOverrideIn] | None = None

    def _charges(self, problems: list[FieldProblem]) -> tuple[QuantityRequest, ...]:
        for index, charge in enumerate(self.charges or ()):
            if charge.type == "CREDIT":
                problems.append(
                    FieldProblem(f"charges[{index}].type", CREDITS_UNSUPPORTED, "not_supported")
                )
        return tuple(QuantityRequest(c.id, c.quantity) for c in self.charges or ())

    def _overrides(self, problems: list[FieldProblem]) -> tuple[OverrideRequest, ...]:
        return tuple(
            o.to_request(f"priceOverrides[{i}]", problems)
            for i, o in enumerate(self.price_overrides or ())
        )


def _values(
    values: list[ValueIn] | None, problems: list[FieldProblem]
) -> tuple[EntitlementSpec, ...]:
    for index, value in enumerate(values or ()):
        if isinstance(value, CreditValueIn):
            problems.append(
                FieldProblem(f"entitlements[{index}].type", CREDITS_UNSUPPORTED, "not_supported")
            )
    return tuple(v.to_spec() for v in values or () if isinstance(v, EntitlementValueIn))


_NOT_SUPPORTED = {
    "applied_coupon": "coupons are not supported yet",
    "budget": "budgets are not supported yet",
    "minimum_spend": "minimum spend is not supported yet",
    "checkout_options": "checkout pages are not supported: use paymentCollectionMethod",
    "paying_customer_id": "delegated billing (a paying customer) is not supported",
    "resource_id": "resource-scoped (multi-instance) subscriptions are not supported",
}


# --- requests -------------------------------------------------------------------------------


class SubscriptionProvision(_Terms):
    customer_id: str
    plan_id: str
    id: str | None = None
    applied_coupon: dict[str, Any] | None = None
    await_payment_confirmation: bool | None = Field(None, description="Ignored")
    billing_country_code: str | None = None
    billing_cycle_anchor: Literal["UNCHANGED", "NOW"] | None = Field(None, description="Ignored")
    billing_id: str | None = None
    billing_information: BillingInformationIn | None = None
    budget: dict[str, Any] | None = None
    cancellation_date: str | None = None
    checkout_options: dict[str, Any] | None = None
    entitlements: list[ValueIn] | None = None
    metadata: dict[str, str] | None = None
    minimum_spend: dict[str, Any] | None = None
    paying_customer_id: str | None = None
    payment_collection_method: PaymentMethodName = "CHARGE"
    resource_id: str | None = None
    salesforce_id: str | None = Field(None, description="Ignored")
    schedule_strategy: StrategyName | None = Field(None, description="Ignored")
    start_date: str | None = None
    trial_override_configuration: TrialOverrideIn | None = None
    unit_quantity: int | None = None

    def to_domain(self) -> NewSubscription:
        problems = unsupported(self, _NOT_SUPPORTED)
        terms = Terms(
            addons=tuple((a.id, a.quantity) for a in self.addons or ()),
            entitlements=_values(self.entitlements, problems),
            price_overrides=self._overrides(problems),
            charges=self._charges(problems),
            unit_quantity=self.unit_quantity,
            billing_period=None
            if self.billing_period is None
            else BillingPeriod(self.billing_period),
        )
        refuse(problems)
        billing = self.billing_information
        return NewSubscription(
            customer_id=self.customer_id,
            plan_id=self.plan_id,
            id=self.id,
            terms=terms,
            payment_collection_method=PaymentCollectionMethod(self.payment_collection_method),
            start_at=instant("startDate", self.start_date),
            trial=None
            if self.trial_override_configuration is None
            else self.trial_override_configuration.to_domain(),
            cancellation_at=instant("cancellationDate", self.cancellation_date),
            metadata=self.metadata,
            billing_id=self.billing_id,
            billing_country_code=self.billing_country_code,
            invoice_days_until_due=None if billing is None else billing.days_until_due(),
        )


class BillableFeatureIn(CamelModel):
    feature_id: str
    quantity: Decimal


class SubscriptionPreviewIn(_Terms):
    """Stigg's preview body; `priceOverrides` (as in provisioning) is a pactline addition."""

    customer_id: str
    plan_id: str
    applied_coupon: dict[str, Any] | None = None
    billable_features: list[BillableFeatureIn] | None = None
    billing_country_code: str | None = None
    billing_cycle_anchor: Literal["UNCHANGED", "NOW"] | None = None
    billing_information: BillingInformationIn | None = None
    paying_customer_id: str | None = None
    resource_id: str | None = None
    schedule_strategy: StrategyName | None = None
    start_date: str | None = None
    trial_override_configuration: TrialOverrideIn | None = None
    unit_quantity: int | None = None

    def to_domain(self) -> NewSubscription:
        problems = unsupported(
            self,
            {k: v for k, v in _NOT_SUPPORTED.items() if k in type(self).model_fields},
        )
        charges = self._charges(problems) + tuple(
            QuantityRequest(f.feature_id, f.quantity) for f in self.billable_features or ()
        )
        terms = Terms(
            addons=tuple((a.id, a.quantity) for a in self.addons or ()),
            price_overrides=self._overrides(problems),
            charges=charges,
            unit_quantity=self.unit_quantity,
            billing_period=None
            if self.billing_period is None
            else BillingPeriod(self.billing_period),
        )
        refuse(problems)
        return NewSubscription(
            customer_id=self.customer_id,
            plan_id=self.plan_id,
            terms=terms,
            payment_collection_method=PaymentCollectionMethod.INVOICE,
            start_at=instant("startDate", self.start_date),
            trial=None
            if self.trial_override_configuration is None
            else self.trial_override_configuration.to_domain(),
            billing_country_code=self.billing_country_code,
        )


class SubscriptionUpdate(_Terms):
    """PATCH: absent fields stay; `addons` and `priceOverrides` replace the whole list,
    `entitlements` all negotiated values; `charges` set the quantities of the charges named;
    `cancellationDate` null drops a scheduled cancellation."""

    applied_coupon: dict[str, Any] | None = None
    await_payment_confirmation: bool | None = Field(None, description="Ignored")
    billing_cycle_anchor: Literal["UNCHANGED", "NOW"] | None = None
    billing_information: BillingInformationIn | None = None
    budget: dict[str, Any] | None = None
    cancellation_date: str | None = None
    entitlements: list[ValueIn] | None = None
    metadata: dict[str, str] | None = None
    minimum_spend: dict[str, Any] | None = None
    promotion_code: str | None = None
    salesforce_id: str | None = Field(None, description="Ignored")
    schedule_strategy: StrategyName | None = None
    trial_end_date: str | None = None

    def changes(self) -> dict[str, Any]:
        sent = self.model_fields_set
        problems = unsupported(
            self,
            {
                "applied_coupon": _NOT_SUPPORTED["applied_coupon"],
                "promotion_code": _NOT_SUPPORTED["applied_coupon"],
                "budget": _NOT_SUPPORTED["budget"],
                "minimum_spend": _NOT_SUPPORTED["minimum_spend"],
            },
        )
        if self.billing_cycle_anchor == "NOW":
            message = "resetting the billing cycle is not supported (send UNCHANGED or omit it)"
            problems.append(FieldProblem("billingCycleAnchor", message, "not_supported"))
        if self.schedule_strategy not in (None, "IMMEDIATE"):
            message = "changes apply at once: scheduling them is not supported (use IMMEDIATE)"
            problems.append(FieldProblem("scheduleStrategy", message, "not_supported"))
        out: dict[str, Any] = {}
        if "addons" in sent:
            out["addons"] = tuple((a.id, a.quantity) for a in self.addons or ())
        if "entitlements" in sent:
            out["entitlements"] = _values(self.entitlements, problems)
        if "price_overrides" in sent:
            out["price_overrides"] = self._overrides(problems)
        if "charges" in sent:
            out["charges"] = self._charges(problems)
        if "billing_period" in sent:
            if self.billing_period is None:
                problems.append(FieldProblem("billingPeriod", "must not be null", "required"))
            else:
                out["billing_period"] = BillingPeriod(self.billing_period)
        if "metadata" in sent:
            out["metadata"] = self.metadata
        if "trial_end_date" in sent:
            if self.trial_end_date is None:
                problems.append(FieldProblem("trialEndDate", "must not be null", "required"))
            else:
                out["trial_end_at"] = instant("trialEndDate", self.trial_end_date)
        if "cancellation_date" in sent:
            out["cancellation_at"] = instant("cancellationDate", self.cancellation_date)
        billing = self.billing_information
        if billing is not None and "invoice_days_until_due" in billing.model_fields_set:
            out["invoice_days_until_due"] = billing.days_until_due()
        refuse(problems)
        return out


class CancelIn(CamelModel):
    cancellation_action: Literal["DEFAULT", "REVOKE_ENTITLEMENTS"] | None = None
    cancellation_time: Literal["END_OF_BILLING_PERIOD", "IMMEDIATE", "SPECIFIC_DATE"] | None = (
        Field(None, description="Default END_OF_BILLING_PERIOD")
    )
    end_date: str | None = None
    prorate: bool | None = Field(None, description="Ignored: pactline issues no credits here")


class MigrateIn(CamelModel):
    subscription_migration_time: Literal["END_OF_BILLING_PERIOD", "IMMEDIATE"] | None = None


# --- responses ------------------------------------------------------------------------------


class MoneyOut(OutModel):
    amount: Number
    currency: str


class TierOut(OutModel):
    flat_price: MoneyOut | None
    unit_price: MoneyOut | None
    up_to: Number | None


class PriceOut(OutModel):
    addon_id: str | None
    amount: Number | None
    base_charge: bool
    billing_country_code: str | None
    block_size: Number | None
    currency: str
    feature_id: str | None
    tiers: list[TierOut] | None
    is_override: bool = Field(
        description="pactline: the price was negotiated for this subscription"
    )
    charge_id: str
    billing_model: str
    billing_period: BillingPeriodName

    @classmethod
    def of(cls, item: EffectivePrice) -> PriceOut:
        price = item.price

        def money(amount: Decimal | None) -> MoneyOut | None:
            return None if amount is None else MoneyOut(amount=amount, currency=price.currency)

        return cls(
            addon_id=item.addon_id,
            amount=price.amount,
            base_charge=item.charge.is_base,
            billing_country_code=price.billing_country_code,
            block_size=price.block_size,
            currency=price.currency,
            feature_id=item.charge.feature_id,
            tiers=[
                TierOut(
                    flat_price=money(t.flat_price), unit_price=money(t.unit_price), up_to=t.up_to
                )
                for t in price.tiers
            ]
            if price.tiers
            else None,
            is_override=item.is_override,
            charge_id=item.charge.id,
            billing_model=item.charge.billing_model.value,
            billing_period=price.billing_period.value,
        )


class HeldAddonOut(OutModel):
    id: str
    quantity: int
    version_number: int


class ValueOut(OutModel):
    id: str
    type: Literal["FEATURE"]
    usage_limit: Number | None
    has_unlimited_usage: bool
    has_soft_limit: bool
    reset_period: ResetPeriodName | None


class TrialOut(OutModel):
    trial_end_behavior: TrialEndName


class LatestInvoiceOut(OutModel):
    billing_id: str
    created_at: datetime
    requires_action: bool
    status: Literal["OPEN", "CANCELED", "PAID"]
    billing_reason: Literal["SUBSCRIPTION_CREATION"] = "SUBSCRIPTION_CREATION"
    currency: str


class ChargeQuantityOut(OutModel):
    id: str
    quantity: Number


class SubscriptionOut(OutModel):
    id: str
    billing_id: str | None
    created_at: datetime
    customer_id: str
    payment_collection: Literal["NOT_REQUIRED", "PROCESSING", "FAILED", "ACTION_REQUIRED"]
    plan_id: str
    pricing_type: Literal["FREE", "PAID", "CUSTOM"]
    start_date: datetime
    status: Literal["PAYMENT_PENDING", "ACTIVE", "EXPIRED", "IN_TRIAL", "CANCELED", "NOT_STARTED"]
    addons: list[HeldAddonOut]
    billing_cycle_anchor: datetime
    budget: dict[str, Any] | None = None
    cancellation_date: datetime | None
    cancel_reason: str | None
    contract_id: str | None = None
    coupons: list[dict[str, Any]] = Field(default_factory=list)
    current_billing_period_start: datetime | None
    current_billing_period_end: datetime | None
    effective_end_date: datetime | None
    end_date: datetime | None
    future_updates: list[dict[str, Any]] = Field(default_factory=list)
    latest_invoice: LatestInvoiceOut | None
    metadata: dict[str, str]
    minimum_spend: dict[str, Any] | None = None
    paying_customer_id: str | None = None
    payment_collection_method: PaymentMethodName
    prices: list[PriceOut]
    resource_id: str | None = None
    subscription_entitlements: list[ValueOut]
    trial: TrialOut | None
    trial_end_date: datetime | None
    # pactline additions (the SDK keeps them as extras)
    billing_period: BillingPeriodName
    currency: str
    plan_version_number: int
    charges: list[ChargeQuantityOut]
    invoice_days_until_due: int | None
    updated_at: datetime

    @classmethod
    def of(cls, view: SubscriptionView) -> SubscriptionOut:
        s = view.subscription
        period = view.billing_period
        anchor = s.trial_end_at if s.trial_end_at is not None else s.start_at
        collection = (
            PaymentCollection.ACTION_REQUIRED
            if s.awaiting_payment
            else PaymentCollection.NOT_REQUIRED
        )
        invoice = None
        if s.payment_required:
            invoice = LatestInvoiceOut(
                billing_id=f"{s.id}-1",
                created_at=s.created_at,
                requires_action=s.awaiting_payment,
                status="OPEN" if s.awaiting_payment else "PAID",
                currency=s.currency,
            )
        return cls(
            id=s.id,
            contract_id=view.contract_id,
            billing_id=s.billing_id,
            created_at=s.created_at,
            customer_id=s.customer_id,
            payment_collection=collection.value,
            plan_id=s.plan_id,
            pricing_type=s.pricing_type.value,
            start_date=s.start_at,
            status=view.status.value,
            addons=[
                HeldAddonOut(id=a.addon_id, quantity=a.quantity, version_number=a.version_number)
                for a in s.addons
            ],
            billing_cycle_anchor=anchor,
            cancellation_date=s.end_at,
            cancel_reason=None if s.end_reason is None else s.end_reason.value,
            current_billing_period_start=None if period is None else period.start,
            current_billing_period_end=None if period is None else period.end,
            effective_end_date=s.ends_at,
            end_date=s.ends_at,
            latest_invoice=invoice,
            metadata=dict(s.metadata),
            payment_collection_method=s.payment_collection_method.value,
            prices=[PriceOut.of(p) for p in view.prices],
            subscription_entitlements=[
                ValueOut(
                    id=v.feature_id,
                    type="FEATURE",
                    usage_limit=v.usage_limit,
                    has_unlimited_usage=v.has_unlimited_usage,
                    has_soft_limit=v.has_soft_limit,
                    reset_period=None if v.reset_period is None else v.reset_period.value,
                )
                for v in s.entitlements
            ],
            trial=None
            if s.trial_end_behavior is None
            else TrialOut(trial_end_behavior=s.trial_end_behavior.value),
            trial_end_date=s.trial_end_at,
            billing_period=s.billing_period.value,
            currency=s.currency,
            plan_version_number=s.plan_version,
            charges=[ChargeQuantityOut(id=k, quantity=v) for k, v in s.unit_quantities.items()],
            invoice_days_until_due=s.invoice_days_until_due,
            updated_at=s.updated_at,
        )


class ProvisionOut(OutModel):
    id: str
    status: Literal["SUCCESS", "PAYMENT_REQUIRED"]
    subscription: SubscriptionOut
    entitlements: list[dict[str, Any]] | None = None
    checkout_url: str | None = None
    checkout_billing_id: str | None = None
    is_scheduled: bool

    @classmethod
    def of(cls, view: SubscriptionView) -> ProvisionOut:
        s = view.subscription
        return cls(
            id=s.id,
            status="PAYMENT_REQUIRED" if s.awaiting_payment else "SUCCESS",
            subscription=SubscriptionOut.of(view),
            is_scheduled=s.start_at > view.at,
        )


class IdOut(OutModel):
    id: str


class RangeOut(OutModel):
    start: datetime
    end: datetime


class InvoiceLineOut(OutModel):
    currency: str
    description: str
    sub_total: Number
    unit_price: Number
    quantity: Number | None


class InvoiceOut(OutModel):
    sub_total: Number
    total: Number
    billing_period_range: RangeOut
    currency: str
    discount: Number
    discounts: list[dict[str, Any]] = Field(default_factory=list)
    lines: list[InvoiceLineOut]
    tax: Number

    @classmethod
    def of(cls, invoice: InvoicePreview) -> InvoiceOut:
        return cls(
            sub_total=invoice.sub_total,
            total=invoice.total,
            billing_period_range=RangeOut(start=invoice.period.start, end=invoice.period.end),
            currency=invoice.currency,
            discount=Decimal(0),
            lines=[
                InvoiceLineOut(
                    currency=invoice.currency,
                    description=line.description,
                    sub_total=line.sub_total,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                )
                for line in invoice.lines
            ],
            tax=Decimal(0),
        )


class PreviewOut(OutModel):
    immediate_invoice: InvoiceOut
    recurring_invoice: InvoiceOut
    billing_period_range: RangeOut
    free_items: list[dict[str, Any]] | None = None
    has_scheduled_updates: bool = False
    is_plan_downgrade: bool | None = None

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        period = preview.immediate.period
        return cls(
            immediate_invoice=InvoiceOut.of(preview.immediate),
            recurring_invoice=InvoiceOut.of(preview.recurring),
            billing_period_range=RangeOut(start=period.start, end=period.end),
        )
