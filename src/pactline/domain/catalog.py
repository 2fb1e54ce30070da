"""The catalog a vendor models once: products and features (metered or not).

Ids are chosen by the vendor ("seats", "api-calls") and are unique within an environment.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pactline.domain.errors import FieldProblem, InvalidArgument

MAX_ID_LENGTH = 255


class ProductStatus(enum.Enum):
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


@dataclass(frozen=True)
class Product:
    id: str
    environment_id: str
    display_name: str
    description: str | None
    metadata: Mapping[str, str]
    multiple_subscriptions: bool
    status: ProductStatus
    created_at: datetime
    updated_at: datetime


class FeatureType(enum.Enum):
    BOOLEAN = "BOOLEAN"  # on/off access
    NUMBER = "NUMBER"  # a limit or quantity; metered when it has a meter type
    ENUM = "ENUM"  # one of a fixed set of values


class FeatureStatus(enum.Enum):
    NEW = "NEW"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # what an archived feature reports


class MeterType(enum.Enum):
    NONE = "None"  # Stigg spells "not metered" this way
    INCREMENTAL = "INCREMENTAL"  # usage adds up (API calls)
    FLUCTUATING = "FLUCTUATING"  # usage is a level that goes up and down (seats)


class Aggregation(enum.Enum):
    SUM = "SUM"
    MAX = "MAX"
    MIN = "MIN"
    AVG = "AVG"
    COUNT = "COUNT"
    UNIQUE = "UNIQUE"


class Operation(enum.Enum):
    EQUALS = "EQUALS"
    NOT_EQUALS = "NOT_EQUALS"
    GREATER_THAN = "GREATER_THAN"
    GREATER_THAN_OR_EQUAL = "GREATER_THAN_OR_EQUAL"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUAL = "LESS_THAN_OR_EQUAL"
    IS_NULL = "IS_NULL"
    IS_NOT_NULL = "IS_NOT_NULL"
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    IN = "IN"


_NO_VALUE = {Operation.IS_NULL, Operation.IS_NOT_NULL}


@dataclass(frozen=True)
class Condition:
    field: str
    operation: Operation
    value: str | None = None
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MeterFilter:
    conditions: tuple[Condition, ...]  # ANDed; the filters of a meter are ORed


@dataclass(frozen=True)
class Meter:
    """How raw events become usage: the matching events, aggregated by one function."""

    aggregation: Aggregation
    field: str | None
    filters: tuple[MeterFilter, ...]


class Rounding(enum.Enum):
    UP = "UP"
    DOWN = "DOWN"


@dataclass(frozen=True)
class UnitTransformation:
    divide: int
    round: Rounding = Rounding.DOWN
    feature_units: str | None = None
    feature_units_plural: str | None = None


@dataclass(frozen=True)
class EnumValue:
    value: str
    display_name: str


@dataclass(frozen=True)
class Feature:
    id: str
    environment_id: str
    display_name: str
    feature_type: FeatureType
    status: FeatureStatus
    meter_type: MeterType
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    meter: Meter | None = None
    unit_transformation: UnitTransformation | None = None
    enum_values: tuple[EnumValue, ...] = ()
    archived: bool = False

    @property
    def metered(self) -> bool:
        return self.meter_type is not MeterType.NONE


def validate_id(value: str, field_name: str = "id") -> list[FieldProblem]:
    if not value or len(value) > MAX_ID_LENGTH or value.strip() != value:
        return [
            FieldProblem(
                field_name, f"must be 1 to {MAX_ID_LENGTH} characters without outer spaces"
            )
        ]
    return []


def validate_feature(feature: Feature) -> None:
    """Every problem of a feature's configuration at once, named by its API field."""
    problems = validate_id(feature.id)
    if not feature.display_name.strip():
        problems.append(FieldProblem("displayName", "must not be blank", "required"))
    if feature.metered and feature.feature_type is not FeatureType.NUMBER:
        problems.append(
            FieldProblem("meterType", "only NUMBER features can be metered", "not_allowed")
        )
    if feature.meter is not None and not feature.metered:
        problems.append(
            FieldProblem("meter", "needs meterType INCREMENTAL or FLUCTUATING", "not_allowed")
        )
    if feature.meter is not None:
        problems += _meter_problems(feature.meter)
    if feature.feature_type is FeatureType.ENUM:
        problems += _enum_problems(feature.enum_values)
    elif feature.enum_values:
        problems.append(
            FieldProblem("enumConfiguration", "is only for ENUM features", "not_allowed")
        )
    transformation = feature.unit_transformation
    if transformation is not None and transformation.divide < 1:
        problems.append(FieldProblem("unitTransformation.divide", "must be 1 or more"))
    if problems:
        raise InvalidArgument(problems)


def _meter_problems(meter: Meter) -> list[FieldProblem]:
    problems = []
    if meter.aggregation is not Aggregation.COUNT and not meter.field:
        problems.append(
            FieldProblem(
                "meter.aggregation.field",
                f"is required for {meter.aggregation.value} (only COUNT needs no field)",
                "required",
            )
        )
    for f, meter_filter in enumerate(meter.filters):
        if not meter_filter.conditions:
            problems.append(
                FieldProblem(f"meter.filters[{f}].conditions", "must not be empty", "required")
            )
        for c, condition in enumerate(meter_filter.conditions):
            problems += condition_problems(condition, f"meter.filters[{f}].conditions[{c}]")
    return problems


def condition_problems(condition: Condition, path: str) -> list[FieldProblem]:
    if not condition.field:
        return [FieldProblem(f"{path}.field", "must not be blank", "required")]
    if condition.operation is Operation.IN:
        if not condition.values:
            return [FieldProblem(f"{path}.values", "IN needs a list of values", "required")]
    elif condition.operation in _NO_VALUE:
        if condition.value is not None or condition.values:
            return [FieldProblem(f"{path}.value", "takes no value", "not_allowed")]
    elif condition.value is None:
        return [FieldProblem(f"{path}.value", "is required for this operation", "required")]
    return []


def _enum_problems(values: Sequence[EnumValue]) -> list[FieldProblem]:
    if not values:
        return [FieldProblem("enumConfiguration", "an ENUM feature needs its values", "required")]
    problems = []
    seen: set[str] = set()
    for index, entry in enumerate(values):
        if not entry.value:
            problems.append(
                FieldProblem(f"enumConfiguration[{index}].value", "must not be blank", "required")
            )
        elif entry.value in seen:
            problems.append(
                FieldProblem(f"enumConfiguration[{index}].value", "is listed twice", "duplicate")
            )
        seen.add(entry.value)
    return problems
