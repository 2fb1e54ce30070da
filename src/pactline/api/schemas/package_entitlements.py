"""Plan and add-on entitlements in Stigg's shapes (requests carry three reset configurations,
responses one `resetPeriodConfiguration`; every entitlement object carries `type`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.exact_numbers import Number
from pactline.domain.entitlements import Behavior, ResetAnchor, ResetPeriod
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.package_entitlements import (
    EntitlementSpec,
    PackageEntitlement,
    ResetConfig,
    Widget,
)

ResetPeriodName = Literal["YEAR", "MONTH", "WEEK", "DAY", "HOUR"]
WidgetName = Literal["PAYWALL", "CUSTOMER_PORTAL", "CHECKOUT"]
BehaviorName = Literal["Increment", "Override"]
CREDITS_UNSUPPORTED = "credits are not supported yet: use FEATURE entitlements"


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


class ResetConfigsIn(CamelModel):
    monthly_reset_period_configuration: MonthlyResetIn | None = None
    weekly_reset_period_configuration: WeeklyResetIn | None = None
    yearly_reset_period_configuration: YearlyResetIn | None = None

    def reset_configs(self) -> tuple[ResetConfig, ...]:
        pairs = (
            (ResetPeriod.MONTH, self.monthly_reset_period_configuration),
            (ResetPeriod.WEEK, self.weekly_reset_period_configuration),
            (ResetPeriod.YEAR, self.yearly_reset_period_configuration),
        )
        return tuple(
            ResetConfig(period, ResetAnchor(config.according_to))
            for period, config in pairs
            if config is not None
        )

    def sent_reset_config(self) -> bool:
        return bool(
            self.model_fields_set
            & {
                "monthly_reset_period_configuration",
                "weekly_reset_period_configuration",
                "yearly_reset_period_configuration",
            }
        )


class EntitlementFeatureIn(ResetConfigsIn):
    id: str = Field(description="The feature id")
    type: Literal["FEATURE"]
    behavior: BehaviorName = "Increment"
    description: str | None = None
    display_name_override: str | None = None
    enum_values: list[str] | None = None
    has_soft_limit: bool = False
    has_unlimited_usage: bool = False
    hidden_from_widgets: list[WidgetName] = Field(default_factory=list)
    is_custom: bool = Field(False, description="Variable: the value is negotiated per subscription")
    is_granted: bool = True
    order: Decimal | None = None
    reset_period: ResetPeriodName | None = None
    usage_limit: int | None = None

    def to_spec(self) -> EntitlementSpec:
        return EntitlementSpec(
            feature_id=self.id,
            is_granted=self.is_granted,
            usage_limit=None if self.usage_limit is None else Decimal(self.usage_limit),
            has_unlimited_usage=self.has_unlimited_usage,
            has_soft_limit=self.has_soft_limit,
            enum_values=None if self.enum_values is None else tuple(self.enum_values),
            reset_period=None if self.reset_period is None else ResetPeriod(self.reset_period),
            reset_configs=self.reset_configs(),
            behavior=Behavior(self.behavior),
            is_variable=self.is_custom,
            description=self.description,
            display_name_override=self.display_name_override,
            hidden_from_widgets=tuple(Widget(w) for w in self.hidden_from_widgets),
            order=self.order,
        )


class EntitlementCreditIn(CamelModel):
    """Accepted in shape so the refusal can be clear; credits are not supported yet."""

    id: str
    amount: Decimal | None
    cadence: Literal["MONTH", "YEAR"]
    type: Literal["CREDIT"]
    behavior: BehaviorName | None = None
    dependency_feature_id: str | None = None
    description: str | None = None
    display_name_override: str | None = None
    has_soft_limit: bool | None = None
    hidden_from_widgets: list[WidgetName] | None = None
    is_custom: bool | None = None
    is_granted: bool | None = None
    order: Decimal | None = None


EntitlementIn = Annotated[EntitlementFeatureIn | EntitlementCreditIn, Field(discriminator="type")]


class EntitlementsCreate(CamelModel):
    entitlements: list[EntitlementIn]

    def to_specs(self) -> list[EntitlementSpec]:
        credits = [
            FieldProblem(f"entitlements[{i}].type", CREDITS_UNSUPPORTED, "not_supported")
            for i, e in enumerate(self.entitlements)
            if isinstance(e, EntitlementCreditIn)
        ]
        if credits:
            raise InvalidArgument(credits)
        return [e.to_spec() for e in self.entitlements if isinstance(e, EntitlementFeatureIn)]


class EntitlementUpdate(ResetConfigsIn):
    """PATCH: absent fields stay; `usageLimit`, `enumValues`, `resetPeriod` and the reset
    configurations may be null to clear them."""

    type: Literal["FEATURE", "CREDIT"]
    behavior: BehaviorName = "Increment"
    description: str | None = None
    display_name_override: str | None = None
    enum_values: list[str] | None = None
    has_soft_limit: bool = False
    has_unlimited_usage: bool = False
    hidden_from_widgets: list[WidgetName] = Field(default_factory=list)
    is_custom: bool = False
    is_granted: bool = True
    order: Decimal | None = None
    reset_period: ResetPeriodName | None = None
    usage_limit: int | None = None
    amount: Decimal | None = None
    cadence: Literal["MONTH", "YEAR"] | None = None
    dependency_feature_id: str | None = None

    def changes(self) -> dict[str, Any]:
        """EntitlementSpec attribute changes for the fields the caller sent."""
        sent = self.model_fields_set
        credit_fields = sent & {"amount", "cadence", "dependency_feature_id"}
        if self.type == "CREDIT" or credit_fields:
            field = "type" if self.type == "CREDIT" else _camel(sorted(credit_fields)[0])
            raise InvalidArgument.single(field, CREDITS_UNSUPPORTED, "not_supported")
        out: dict[str, Any] = {}
        plain = {
            "description": "description",
            "display_name_override": "display_name_override",
            "has_soft_limit": "has_soft_limit",
            "has_unlimited_usage": "has_unlimited_usage",
            "is_custom": "is_variable",
            "is_granted": "is_granted",
            "order": "order",
        }
        for name, attribute in plain.items():
            if name in sent:
                out[attribute] = getattr(self, name)
        if "behavior" in sent:
            out["behavior"] = Behavior(self.behavior)
        if "enum_values" in sent:
            out["enum_values"] = None if self.enum_values is None else tuple(self.enum_values)
        if "hidden_from_widgets" in sent:
            out["hidden_from_widgets"] = tuple(Widget(w) for w in self.hidden_from_widgets)
        if "usage_limit" in sent:
            out["usage_limit"] = None if self.usage_limit is None else Decimal(self.usage_limit)
        if "reset_period" in sent:
            out["reset_period"] = (
                None if self.reset_period is None else ResetPeriod(self.reset_period)
            )
        if self.sent_reset_config():
            out["reset_configs"] = self.reset_configs()
        return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ResetConfigOut(OutModel):
    according_to: str


class EntitlementOut(OutModel):
    id: str = Field(description="The feature id: a package has one entitlement per feature")
    feature_id: str
    type: Literal["FEATURE"]
    behavior: BehaviorName
    created_at: datetime
    updated_at: datetime
    description: str | None
    display_name_override: str | None
    enum_values: list[str] | None
    has_soft_limit: bool
    has_unlimited_usage: bool
    hidden_from_widgets: list[WidgetName]
    is_custom: bool
    is_granted: bool
    order: Number | None
    reset_period: ResetPeriodName | None
    reset_period_configuration: ResetConfigOut | None
    usage_limit: Number | None

    @classmethod
    def of(cls, entitlement: PackageEntitlement) -> EntitlementOut:
        value = entitlement.value
        anchor = value.reset_anchor
        return cls(
            id=value.feature_id,
            feature_id=value.feature_id,
            type="FEATURE",
            behavior=value.behavior.value,
            created_at=entitlement.created_at,
            updated_at=entitlement.updated_at,
            description=entitlement.description,
            display_name_override=entitlement.display_name_override,
            enum_values=None if value.enum_values is None else sorted(value.enum_values),
            has_soft_limit=value.has_soft_limit,
            has_unlimited_usage=value.has_unlimited_usage,
            hidden_from_widgets=[w.value for w in entitlement.hidden_from_widgets],
            is_custom=entitlement.is_variable,
            is_granted=value.is_granted,
            order=entitlement.order,
            reset_period=None if value.reset_period is None else value.reset_period.value,
            reset_period_configuration=None
            if anchor is None
            else ResetConfigOut(according_to=anchor.value),
            usage_limit=value.usage_limit,
        )
