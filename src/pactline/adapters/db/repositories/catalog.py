from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.schema import FeatureRow, ProductRow
from pactline.domain.catalog import (
    Aggregation,
    Condition,
    EnumValue,
    Feature,
    FeatureStatus,
    FeatureType,
    Meter,
    MeterFilter,
    MeterType,
    Operation,
    Product,
    ProductStatus,
    Rounding,
    UnitTransformation,
)
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.services.ports import FeatureQuery, ProductQuery


def created_within(
    statement: Select[Any], column: InstrumentedAttribute[Any], created: CreatedRange
) -> Select[Any]:
    if created.gt is not None:
        statement = statement.where(column > created.gt)
    if created.gte is not None:
        statement = statement.where(column >= created.gte)
    if created.lt is not None:
        statement = statement.where(column < created.lt)
    if created.lte is not None:
        statement = statement.where(column <= created.lte)
    return statement


class SqlProductRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, product: Product) -> None:
        self._session.add(ProductRow(**_product_values(product)))
        self._session.flush()

    def get(self, environment_id: str, product_id: str) -> Product | None:
        row = self._session.get(ProductRow, (environment_id, product_id), populate_existing=True)
        return None if row is None else _product(row)

    def update(self, product: Product) -> None:
        row = self._session.get(ProductRow, (product.environment_id, product.id))
        assert row is not None, "update() follows a get() in the same unit of work"
        for key, value in _product_values(product).items():
            setattr(row, key, value)
        self._session.flush()

    def list(self, environment_id: str, query: ProductQuery, page: PageRequest) -> Page[Product]:
        statement = select(ProductRow).where(ProductRow.environment_id == environment_id)
        if query.ids:
            statement = statement.where(ProductRow.id.in_(sorted(query.ids)))
        if query.statuses:
            statement = statement.where(
                ProductRow.status.in_(sorted(s.value for s in query.statuses))
            )
        statement = created_within(statement, ProductRow.created_at, query.created)
        return keyset_page(
            self._session, statement, ProductRow.created_at, ProductRow.id, page, _product
        )


class SqlFeatureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, feature: Feature) -> None:
        self._session.add(FeatureRow(**_feature_values(feature)))
        self._session.flush()

    def get(self, environment_id: str, feature_id: str) -> Feature | None:
        row = self._session.get(FeatureRow, (environment_id, feature_id), populate_existing=True)
        return None if row is None else _feature(row)

    def update(self, feature: Feature) -> None:
        row = self._session.get(FeatureRow, (feature.environment_id, feature.id))
        assert row is not None, "update() follows a get() in the same unit of work"
        for key, value in _feature_values(feature).items():
            setattr(row, key, value)
        self._session.flush()

    def list(self, environment_id: str, query: FeatureQuery, page: PageRequest) -> Page[Feature]:
        statement = select(FeatureRow).where(FeatureRow.environment_id == environment_id)
        if query.ids:
            statement = statement.where(FeatureRow.id.in_(sorted(query.ids)))
        if query.types:
            statement = statement.where(
                FeatureRow.feature_type.in_(sorted(t.value for t in query.types))
            )
        if query.meter_types:
            statement = statement.where(
                FeatureRow.meter_type.in_(sorted(t.value for t in query.meter_types))
            )
        if query.statuses:
            wanted = {s.value for s in query.statuses}
            # An archived feature reports SUSPENDED whatever its stored status.
            live = FeatureRow.status.in_(sorted(wanted)) & FeatureRow.archived.is_(False)
            if FeatureStatus.SUSPENDED.value in wanted:
                statement = statement.where(or_(live, FeatureRow.archived.is_(True)))
            else:
                statement = statement.where(live)
        statement = created_within(statement, FeatureRow.created_at, query.created)
        return keyset_page(
            self._session, statement, FeatureRow.created_at, FeatureRow.id, page, _feature
        )


def _product_values(product: Product) -> dict[str, Any]:
    return {
        "environment_id": product.environment_id,
        "id": product.id,
        "display_name": product.display_name,
        "description": product.description,
        "metadata_": dict(product.metadata),
        "multiple_subscriptions": product.multiple_subscriptions,
        "status": product.status.value,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def _product(row: ProductRow) -> Product:
    return Product(
        id=row.id,
        environment_id=row.environment_id,
        display_name=row.display_name,
        description=row.description,
        metadata=dict(row.metadata_),
        multiple_subscriptions=row.multiple_subscriptions,
        status=ProductStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _feature_values(feature: Feature) -> dict[str, Any]:
    return {
        "environment_id": feature.environment_id,
        "id": feature.id,
        "display_name": feature.display_name,
        "description": feature.description,
        "feature_type": feature.feature_type.value,
        "status": feature.status.value,
        "meter_type": feature.meter_type.value,
        "feature_units": feature.feature_units,
        "feature_units_plural": feature.feature_units_plural,
        "metadata_": dict(feature.metadata),
        "meter": None if feature.meter is None else _meter_json(feature.meter),
        "unit_transformation": (
            None
            if feature.unit_transformation is None
            else {
                "divide": feature.unit_transformation.divide,
                "round": feature.unit_transformation.round.value,
                "featureUnits": feature.unit_transformation.feature_units,
                "featureUnitsPlural": feature.unit_transformation.feature_units_plural,
            }
        ),
        "enum_values": [
            {"value": e.value, "displayName": e.display_name} for e in feature.enum_values
        ],
        "archived": feature.archived,
        "created_at": feature.created_at,
        "updated_at": feature.updated_at,
    }


def _feature(row: FeatureRow) -> Feature:
    transformation = row.unit_transformation
    return Feature(
        id=row.id,
        environment_id=row.environment_id,
        display_name=row.display_name,
        feature_type=FeatureType(row.feature_type),
        status=FeatureStatus(row.status),
        meter_type=MeterType(row.meter_type),
        created_at=row.created_at,
        updated_at=row.updated_at,
        description=row.description,
        feature_units=row.feature_units,
        feature_units_plural=row.feature_units_plural,
        metadata=dict(row.metadata_),
        meter=None if row.meter is None else _meter(row.meter),
        unit_transformation=(
            None
            if transformation is None
            else UnitTransformation(
                divide=int(transformation["divide"]),
                round=Rounding(transformation["round"]),
                feature_units=transformation.get("featureUnits"),
                feature_units_plural=transformation.get("featureUnitsPlural"),
            )
        ),
        enum_values=tuple(EnumValue(e["value"], e["displayName"]) for e in row.enum_values),
        archived=row.archived,
    )


def _meter_json(meter: Meter) -> dict[str, Any]:
    return {
        "aggregation": {"function": meter.aggregation.value, "field": meter.field},
        "filters": [
            {
                "conditions": [
                    {
                        "field": c.field,
                        "operation": c.operation.value,
                        "value": c.value,
                        "values": None if c.values is None else list(c.values),
                    }
                    for c in f.conditions
                ]
            }
            for f in meter.filters
        ],
    }


def _meter(document: dict[str, Any]) -> Meter:
    return Meter(
        aggregation=Aggregation(document["aggregation"]["function"]),
        field=document["aggregation"].get("field"),
        filters=tuple(
            MeterFilter(
                tuple(
                    Condition(
                        field=c["field"],
                        operation=Operation(c["operation"]),
                        value=c.get("value"),
                        values=None if c.get("values") is None else tuple(c["values"]),
                    )
                    for c in f["conditions"]
                )
            )
            for f in document["filters"]
        ),
    )
