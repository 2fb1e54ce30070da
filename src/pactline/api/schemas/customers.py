"""Customers and promotional entitlements in the shapes of Stigg's REST API v1."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.filters import parse_instant
from pactline.api.schemas.exact_numbers import as_number
from pactline.domain.customers import Customer, GrantPeriod, GrantRequest
from pactline.domain.entitlements import ResetAnchor, ResetPeriod
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.services.customers import GrantView

# --- vendor passthrough (stored as sent, echoed back) -----------------------------------------


class AddressIn(CamelModel):
    city: str | None = None
    country: str | None = None
    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    state: str | None = None


class TaxIdIn(CamelModel):
    type: str
    value: str


class StripePassthroughIn(CamelModel):
    billing_address: AddressIn | None = None
    customer_name: str | None = None
    invoice_custom_fields: dict[str, str] | None = None
    metadata: dict[str, str] | None = None
    payment_method_id: str | None = None
    shipping_address: AddressIn | None = None
    tax_ids: list[TaxIdIn] | None = None


class ZuoraPassthroughIn(CamelModel):
    billing_address: AddressIn | None = None
    currency: str | None = None
    metadata: dict[str, str] | None = None
    payment_method_id: str | None = None


class PassthroughIn(CamelModel):
    stripe: StripePassthroughIn | None = None
    zuora: ZuoraPassthroughIn | None = None

    def document(self) -> dict[str, Any]:
        """The JSON to store: what the caller sent, by its API names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


# --- customers --------------------------------------------------------------------------------

# Fields of Stigg's customer that pactline does not implement: refused when they carry anything,
# so a caller never believes a payment method or a billing integration was set up.
_UNSUPPORTED = {
    "integrations": "billing integrations are not supported by pactline",
    "default_payment_method": "payment methods are not managed through this field in pactline",
}


class _CustomerFields(CamelModel):
    name: str | None = None
    email: str | None = None
    billing_currency: str | None = None
    billing_id: str | None = None
    coupon_id: str | None = None
    language: str | None = None
    metadata: dict[str, str] | None = None
    timezone: str | None = None
    passthrough: PassthroughIn | None = None
    consolidate_invoices: bool | None = Field(
        None,
        description="pactline: one invoice per issue date across the customer's contracts "
        "(per legal entity and currency) instead of one per contract; default false",
    )
    integrations: list[dict[str, Any]] | None = None
    default_payment_method: dict[str, Any] | None = None

    def refuse_unsupported(self) -> None:
        problems = [
            FieldProblem(
                "defaultPaymentMethod" if name == "default_payment_method" else name,
                message,
                "not_supported",
            )
            for name, message in _UNSUPPORTED.items()
            if getattr(self, name)  # null and [] say "none", which is true
        ]
        if problems:
            raise InvalidArgument(problems)


class CustomerCreate(_CustomerFields):
    id: str


class CustomerUpdate(_CustomerFields):
    def changes(self) -> dict[str, object]:
        """Only the fields the caller sent (Customer attribute names); null clears."""
        self.refuse_unsupported()
        sent = self.model_fields_set - set(_UNSUPPORTED)
        out: dict[str, object] = {name: getattr(self, name) for name in sent}
        if "passthrough" in sent:
            out["passthrough"] = None if self.passthrough is None else self.passthrough.document()
        if "consolidate_invoices" in sent:
            out["consolidate_invoices"] = bool(self.consolidate_invoices)  # null: the default
        return out


class CustomerOut(OutModel):
    id: str
    name: str | None
    email: str | None
    billing_currency: str | None
    billing_id: str | None
    coupon_id: str | None
    language: str | None
    timezone: str | None
    metadata: dict[str, str]
    passthrough: dict[str, Any] | None
    consolidate_invoices: bool
    integrations: list[dict[str, Any]]
    default_payment_method: None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        code = customer.billing_currency
        return cls(
            id=customer.id,
            name=customer.name,
            email=customer.email,
            billing_currency=None if code is None else code.lower(),
            billing_id=customer.billing_id,
            coupon_id=customer.coupon_id,
            language=customer.language,
            timezone=customer.timezone,
            metadata=dict(customer.metadata),
            passthrough=None if customer.passthrough is None else dict(customer.passthrough),
            consolidate_invoices=customer.consolidate_invoices,
            integrations=[],
            default_payment_method=None,
            archived_at=customer.archived_at,
            created_at=customer.created_at,
            updated_at=customer.updated_at,
        )


# --- promotional entitlements -----------------------------------------------------------------

Period = Literal["1 week", "1 month", "6 month", "1 year", "lifetime", "custom"]


class MonthlyResetIn(CamelModel):
    according_to: Literal["SubscriptionStart", "StartOfTheMonth"]


class WeeklyResetIn(CamelModel):
    according_to: Literal[
        "SubscriptionStart",
        "EverySunday",
        "EveryMonday",
        "EveryTuesday",
        "EveryWednesday",
        "EveryThursday",
        "EveryFriday",
        "EverySaturday",
    ]


class YearlyResetIn(CamelModel):
    according_to: Literal["SubscriptionStart"]


class GrantIn(CamelModel):
    """One grant. The SDK sends every field, null where unused; the server defaults them."""

    feature_id: str
    period: Period
    custom_end_date: str | None = None
    enum_values: list[str] | None = None
    has_soft_limit: bool | None = None
    has_unlimited_usage: bool | None = None
    is_visible: bool | None = None
    monthly_reset_period_configuration: MonthlyResetIn | None = None
    weekly_reset_period_configuration: WeeklyResetIn | None = None
    yearly_reset_period_configuration: YearlyResetIn | None = None
    reset_period: Literal["YEAR", "MONTH", "WEEK", "DAY", "HOUR"] | None = None
    usage_limit: int | None = None

    def to_domain(self, path: str) -> GrantRequest:
        monthly = self.monthly_reset_period_configuration
        weekly = self.weekly_reset_period_configuration
        yearly = self.yearly_reset_period_configuration
        return GrantRequest(
            feature_id=self.feature_id,
            period=GrantPeriod(self.period),
            custom_end_at=(
                None
                if self.custom_end_date is None
                else parse_instant(f"{path}.customEndDate", self.custom_end_date)
            ),
            usage_limit=self.usage_limit,
            has_unlimited_usage=self.has_unlimited_usage,
            has_soft_limit=self.has_soft_limit,
            enum_values=self.enum_values,
            reset_period=None if self.reset_period is None else ResetPeriod(self.reset_period),
            monthly_anchor=None if monthly is None else ResetAnchor(monthly.according_to),
            weekly_anchor=None if weekly is None else ResetAnchor(weekly.according_to),
            yearly_anchor=None if yearly is None else ResetAnchor(yearly.according_to),
            is_visible=self.is_visible,
        )


class GrantCreate(CamelModel):
    promotional_entitlements: list[GrantIn]

    def to_domain(self) -> list[GrantRequest]:
        problems: list[FieldProblem] = []
        requests = []
        for index, item in enumerate(self.promotional_entitlements):
            try:
                requests.append(item.to_domain(f"promotionalEntitlements[{index}]"))
            except InvalidArgument as error:
                problems += error.problems
        if problems:
            raise InvalidArgument(problems)
        return requests


class ResetConfigurationOut(OutModel):
    according_to: str


class GrantOut(OutModel):
    id: str
    environment_id: str
    feature_id: str
    description: str | None
    period: str
    status: str
    start_date: datetime
    end_date: datetime | None
    is_visible: bool
    usage_limit: int | float | None
    has_unlimited_usage: bool
    has_soft_limit: bool
    enum_values: list[str] | None
    reset_period: str | None
    reset_period_configuration: ResetConfigurationOut | None
    feature_group_ids: list[str] | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: GrantView) -> GrantOut:
        grant, value = view.grant, view.grant.value
        anchor = value.reset_anchor
        return cls(
            id=grant.id,
            environment_id=grant.environment_id,
            feature_id=grant.feature_id,
            description=None,
            period=grant.period.value,
            status=view.status.value,
            start_date=grant.start_at,
            end_date=grant.end_at,
            is_visible=grant.is_visible,
            usage_limit=None if value.usage_limit is None else as_number(value.usage_limit),
            has_unlimited_usage=value.has_unlimited_usage,
            has_soft_limit=value.has_soft_limit,
            enum_values=None if value.enum_values is None else sorted(value.enum_values),
            reset_period=None if value.reset_period is None else value.reset_period.value,
            reset_period_configuration=(
                None if anchor is None else ResetConfigurationOut(according_to=anchor.value)
            ),
            feature_group_ids=None,
            created_at=grant.created_at,
            updated_at=grant.updated_at,
        )
