"""Package entitlements: what a plan or add-on grants for one feature, as callers describe it
(`EntitlementSpec`) and as versions hold it (`PackageEntitlement`, wrapping the shared
`EntitlementValue`), with the rules tying each to its feature's kind."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pactline.domain.catalog import Feature, FeatureType
from pactline.domain.entitlements import Behavior, EntitlementValue, ResetAnchor, ResetPeriod
from pactline.domain.errors import FieldProblem


class Widget(enum.Enum):
    PAYWALL = "PAYWALL"
    CUSTOMER_PORTAL = "CUSTOMER_PORTAL"
    CHECKOUT = "CHECKOUT"


@dataclass(frozen=True)
class ResetConfig:
    """A reset anchor given for one period (Stigg's monthly/weekly/yearly configuration)."""

    period: ResetPeriod
    anchor: ResetAnchor


ANCHORS_BY_PERIOD: Mapping[ResetPeriod, frozenset[ResetAnchor]] = {
    ResetPeriod.MONTH: frozenset({ResetAnchor.SUBSCRIPTION_START, ResetAnchor.START_OF_THE_MONTH}),
    ResetPeriod.WEEK: frozenset(a for a in ResetAnchor if a is not ResetAnchor.START_OF_THE_MONTH),
    ResetPeriod.YEAR: frozenset({ResetAnchor.SUBSCRIPTION_START}),
}
CONFIG_FIELD = {
    ResetPeriod.MONTH: "monthlyResetPeriodConfiguration",
    ResetPeriod.WEEK: "weeklyResetPeriodConfiguration",
    ResetPeriod.YEAR: "yearlyResetPeriodConfiguration",
}


def reset_problems(
    period: ResetPeriod | None, configs: Sequence[ResetConfig], path: str
) -> list[FieldProblem]:
    """At most one configuration, for the period that is set, with an anchor that period has."""
    problems = []
    if len(configs) > 1:
        problems.append(
            FieldProblem(path or "resetPeriod", "give at most one reset configuration", "conflict")
        )
    for config in configs:
        where = _at(path) + CONFIG_FIELD.get(config.period, "resetPeriodConfiguration")
        if config.period is not period:
            problems.append(
                FieldProblem(
                    where,
                    f"applies to resetPeriod {config.period.value} only",
                    "not_allowed",
                )
            )
        elif config.anchor not in ANCHORS_BY_PERIOD.get(config.period, frozenset()):
            problems.append(
                FieldProblem(
                    f"{where}.accordingTo",
                    f"{config.anchor.value} is not an anchor of a {period.value} period",
                )
            )
    return problems


def anchor_of(configs: Sequence[ResetConfig]) -> ResetAnchor | None:
    return configs[0].anchor if configs else None


@dataclass(frozen=True)
class EntitlementSpec:
    """A package entitlement as a caller describes it (Stigg's FEATURE entitlement)."""

    feature_id: str
    is_granted: bool = True
    usage_limit: Decimal | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool = False
    enum_values: tuple[str, ...] | None = None
    reset_period: ResetPeriod | None = None
    reset_configs: tuple[ResetConfig, ...] = ()
    behavior: Behavior = Behavior.INCREMENT
    is_variable: bool = False  # Stigg's isCustom: the value is negotiated per subscription
    description: str | None = None
    display_name_override: str | None = None
    hidden_from_widgets: tuple[Widget, ...] = ()
    order: Decimal | None = None

    def build(self, created_at: datetime, updated_at: datetime) -> PackageEntitlement:
        return PackageEntitlement(
            value=EntitlementValue(
                feature_id=self.feature_id,
                is_granted=self.is_granted,
                usage_limit=self.usage_limit,
                has_unlimited_usage=self.has_unlimited_usage,
                has_soft_limit=self.has_soft_limit,
                enum_values=None if self.enum_values is None else frozenset(self.enum_values),
                reset_period=self.reset_period,
                reset_anchor=anchor_of(self.reset_configs),
                behavior=self.behavior,
            ),
            created_at=created_at,
            updated_at=updated_at,
            is_variable=self.is_variable,
            description=self.description,
            display_name_override=self.display_name_override,
            hidden_from_widgets=self.hidden_from_widgets,
            order=self.order,
        )


@dataclass(frozen=True)
class PackageEntitlement:
    value: EntitlementValue
    created_at: datetime
    updated_at: datetime
    is_variable: bool = False
    description: str | None = None
    display_name_override: str | None = None
    hidden_from_widgets: tuple[Widget, ...] = ()
    order: Decimal | None = None

    @property
    def feature_id(self) -> str:
        return self.value.feature_id

    def spec(self) -> EntitlementSpec:
        value = self.value
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
            behavior=value.behavior,
            is_variable=self.is_variable,
            description=self.description,
            display_name_override=self.display_name_override,
            hidden_from_widgets=self.hidden_from_widgets,
            order=self.order,
        )


def entitlement_problems(
    spec: EntitlementSpec, feature: Feature | None, path: str
) -> list[FieldProblem]:
    """Every problem of one entitlement for `feature` (None: the feature does not exist)."""
    if feature is None:
        return [
            FieldProblem(
                f"{_at(path)}id", f"feature '{spec.feature_id}' does not exist", "not_found"
            )
        ]
    problems = []
    kind = feature.feature_type
    if kind is not FeatureType.NUMBER:
        for name, used in (
            ("usageLimit", spec.usage_limit is not None),
            ("hasUnlimitedUsage", spec.has_unlimited_usage),
            ("hasSoftLimit", spec.has_soft_limit),
        ):
            if used:
                problems.append(
                    FieldProblem(
                        f"{_at(path)}{name}",
                        f"is for NUMBER features; '{feature.id}' is {kind.value}",
                        "not_allowed",
                    )
                )
    if spec.usage_limit is not None:
        if not spec.usage_limit.is_finite() or spec.usage_limit < 0:
            problems.append(
                FieldProblem(f"{_at(path)}usageLimit", "must be 0 or more", "out_of_range")
            )
        if spec.has_unlimited_usage:
            problems.append(
                FieldProblem(
                    f"{_at(path)}usageLimit",
                    "cannot be combined with hasUnlimitedUsage",
                    "conflict",
                )
            )
    elif (
        kind is FeatureType.NUMBER
        and spec.is_granted
        and not spec.has_unlimited_usage
        and not spec.is_variable
    ):
        problems.append(
            FieldProblem(
                f"{_at(path)}usageLimit",
                "a NUMBER entitlement needs a usageLimit or hasUnlimitedUsage "
                "(or isCustom, to negotiate it per subscription)",
                "required",
            )
        )
    problems += _enum_problems(spec, feature, path)
    if spec.reset_period is not None and not feature.metered:
        problems.append(
            FieldProblem(
                f"{_at(path)}resetPeriod",
                f"only metered features reset their usage; '{feature.id}' is not metered",
                "not_allowed",
            )
        )
    problems += reset_problems(spec.reset_period, spec.reset_configs, path)
    if len(set(spec.hidden_from_widgets)) != len(spec.hidden_from_widgets):
        problems.append(
            FieldProblem(f"{_at(path)}hiddenFromWidgets", "lists a widget twice", "duplicate")
        )
    return problems


def new_entitlement_problems(
    specs: Sequence[EntitlementSpec], features: Mapping[str, Feature]
) -> list[FieldProblem]:
    """Every problem of entitlements added together; `features` holds those that exist."""
    if not specs:
        return [FieldProblem("entitlements", "must not be empty", "required")]
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        path = f"entitlements[{index}]"
        feature = features.get(spec.feature_id)
        if spec.feature_id in seen:
            problems.append(FieldProblem(f"{path}.id", "is listed twice", "duplicate"))
        seen.add(spec.feature_id)
        if feature is not None and feature.archived:
            problems.append(
                FieldProblem(f"{path}.id", f"feature '{feature.id}' is archived", "archived")
            )
        problems += entitlement_problems(spec, feature, path)
    return problems


def _enum_problems(spec: EntitlementSpec, feature: Feature, path: str) -> list[FieldProblem]:
    if spec.enum_values is None:
        return []
    at = f"{_at(path)}enumValues"
    if feature.feature_type is not FeatureType.ENUM:
        return [
            FieldProblem(
                at,
                f"are for ENUM features; '{feature.id}' is {feature.feature_type.value}",
                "not_allowed",
            )
        ]
    if not spec.enum_values:
        return [
            FieldProblem(
                at, "must name at least one value (omit it to allow every value)", "required"
            )
        ]
    known = {e.value for e in feature.enum_values}
    unknown = [v for v in spec.enum_values if v not in known]
    if unknown:
        return [
            FieldProblem(
                at,
                f"{', '.join(unknown)} not among the values of '{feature.id}' "
                f"({', '.join(sorted(known))})",
                "unknown_value",
            )
        ]
    if len(set(spec.enum_values)) != len(spec.enum_values):
        return [FieldProblem(at, "lists a value twice", "duplicate")]
    return []


def _at(path: str) -> str:
    """The prefix of a field inside `path` ("" for top-level fields)."""
    return f"{path}." if path else ""
