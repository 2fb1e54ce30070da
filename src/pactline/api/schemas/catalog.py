"""Products and features in the shapes of Stigg's REST API v1 (the stigg SDK's types)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.domain import catalog as c


class ProductCreate(CamelModel):
    id: str
    display_name: str
    description: str | None = None
    metadata: dict[str, str] | None = None
    multiple_subscriptions: bool = False


class ProductUpdate(CamelModel):
    display_name: str | None = None
    description: str | None = None
    metadata: dict[str, str] | None = None
    multiple_subscriptions: bool | None = None


class ProductOut(OutModel):
    id: str
    display_name: str
    description: str | None
    metadata: dict[str, str]
    multiple_subscriptions: bool
    status: Literal["PUBLISHED", "ARCHIVED"]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, product: c.Product) -> ProductOut:
        return cls(
            id=product.id,
            display_name=product.display_name,
            description=product.description,
            metadata=dict(product.metadata),
            multiple_subscriptions=product.multiple_subscriptions,
            status=product.status.value,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


class EnumEntry(CamelModel):
    value: str
    display_name: str


class AggregationIn(CamelModel):
    function: Literal["SUM", "MAX", "MIN", "AVG", "COUNT", "UNIQUE"]
    field: str | None = None


OperationName = Literal[
    "EQUALS",
    "NOT_EQUALS",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
    "IS_NULL",
    "IS_NOT_NULL",
    "CONTAINS",
    "STARTS_WITH",
    "ENDS_WITH",
    "IN",
]


class ConditionIn(CamelModel):
    field: str
    operation: OperationName
    value: str | None = None
    values: list[str] | None = None


class FilterIn(CamelModel):
    conditions: list[ConditionIn]


class MeterIn(CamelModel):
    aggregation: AggregationIn
    filters: list[FilterIn] = Field(default_factory=list)

    def to_domain(self) -> c.Meter:
        return c.Meter(
            aggregation=c.Aggregation(self.aggregation.function),
            field=self.aggregation.field,
            filters=tuple(
                c.MeterFilter(
                    tuple(
                        c.Condition(
                            x.field,
                            c.Operation(x.operation),
                            x.value,
                            None if x.values is None else tuple(x.values),
                        )
                        for x in f.conditions
                    )
                )
                for f in self.filters
            ),
        )


class UnitTransformationIn(CamelModel):
    divide: int
    round: Literal["UP", "DOWN"] = "DOWN"
    feature_units: str | None = None
    feature_units_plural: str | None = None

    def to_domain(self) -> c.UnitTransformation:
        return c.UnitTransformation(
            self.divide, c.Rounding(self.round), self.feature_units, self.feature_units_plural
        )


class FeatureCreate(CamelModel):
    id: str
    display_name: str
    feature_type: Literal["BOOLEAN", "NUMBER", "ENUM"]
    description: str | None = None
    enum_configuration: list[EnumEntry] | None = None
    feature_status: Literal["NEW", "SUSPENDED", "ACTIVE"] = "NEW"
    feature_units: str | None = None
    feature_units_plural: str | None = None
    metadata: dict[str, str] | None = None
    meter: MeterIn | None = None
    meter_type: Literal["None", "FLUCTUATING", "INCREMENTAL"] = "None"
    unit_transformation: UnitTransformationIn | None = None


class FeatureUpdate(CamelModel):
    description: str | None = None
    display_name: str | None = None
    enum_configuration: list[EnumEntry] | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    metadata: dict[str, str] | None = None
    meter: MeterIn | None = None
    unit_transformation: UnitTransformationIn | None = None

    def changes(self) -> dict[str, object]:
        """Only the fields the caller sent; an explicit null clears a nullable field."""
        sent = self.model_fields_set
        out: dict[str, object] = {}
        for name in ("description", "display_name", "feature_units", "feature_units_plural"):
            if name in sent:
                out[name] = getattr(self, name)
        if "metadata" in sent:
            out["metadata"] = self.metadata or {}
        if "enum_configuration" in sent:
            out["enum_values"] = tuple(
                c.EnumValue(e.value, e.display_name) for e in self.enum_configuration or ()
            )
        if "meter" in sent:
            out["meter"] = None if self.meter is None else self.meter.to_domain()
        if "unit_transformation" in sent:
            out["unit_transformation"] = (
                None if self.unit_transformation is None else self.unit_transformation.to_domain()
            )
        return out


class AggregationOut(OutModel):
    function: str
    field: str | None


class ConditionOut(OutModel):
    field: str
    operation: str
    value: str | None
    values: list[str] | None


class FilterOut(OutModel):
    conditions: list[ConditionOut]


class MeterOut(OutModel):
    aggregation: AggregationOut
    filters: list[FilterOut]


class UnitTransformationOut(OutModel):
    divide: int
    round: str
    feature_units: str | None
    feature_units_plural: str | None


class EnumEntryOut(OutModel):
    value: str
    display_name: str


class FeatureOut(OutModel):
    id: str
    display_name: str
    description: str | None
    feature_type: str
    feature_status: str
    meter_type: str
    feature_units: str | None
    feature_units_plural: str | None
    metadata: dict[str, str]
    meter: MeterOut | None
    unit_transformation: UnitTransformationOut | None
    enum_configuration: list[EnumEntryOut] | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, feature: c.Feature) -> FeatureOut:
        meter = feature.meter
        transformation = feature.unit_transformation
        return cls(
            id=feature.id,
            display_name=feature.display_name,
            description=feature.description,
            feature_type=feature.feature_type.value,
            feature_status=(
                c.FeatureStatus.SUSPENDED.value if feature.archived else feature.status.value
            ),
            meter_type=feature.meter_type.value,
            feature_units=feature.feature_units,
            feature_units_plural=feature.feature_units_plural,
            metadata=dict(feature.metadata),
            meter=None
            if meter is None
            else MeterOut(
                aggregation=AggregationOut(function=meter.aggregation.value, field=meter.field),
                filters=[
                    FilterOut(
                        conditions=[
                            ConditionOut(
                                field=x.field,
                                operation=x.operation.value,
                                value=x.value,
                                values=None if x.values is None else list(x.values),
                            )
                            for x in f.conditions
                        ]
                    )
                    for f in meter.filters
                ],
            ),
            unit_transformation=None
            if transformation is None
            else UnitTransformationOut(
                divide=transformation.divide,
                round=transformation.round.value,
                feature_units=transformation.feature_units,
                feature_units_plural=transformation.feature_units_plural,
            ),
            enum_configuration=[
                EnumEntryOut(value=e.value, display_name=e.display_name)
                for e in feature.enum_values
            ]
            if feature.feature_type is c.FeatureType.ENUM
            else None,
            created_at=feature.created_at,
            updated_at=feature.updated_at,
        )
