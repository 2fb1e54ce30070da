"""Products and features: create, read, change, archive — always inside the caller's environment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pactline.domain.catalog import (
    EnumValue,
    Feature,
    FeatureStatus,
    FeatureType,
    Meter,
    MeterType,
    Product,
    ProductStatus,
    UnitTransformation,
    validate_feature,
    validate_id,
)
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
)
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.domain.tenancy import Principal
from pactline.services.entitlements import EntitlementCache
from pactline.services.events import record_event
from pactline.services.ports import (
    Clock,
    FeatureQuery,
    ProductQuery,
    UnitOfWork,
    UnitOfWorkFactory,
)

UNSET: Any = object()  # "leave as it is", as opposed to None which clears a nullable field


@dataclass(frozen=True)
class NewFeature:
    id: str
    display_name: str
    feature_type: FeatureType
    description: str | None = None
    status: FeatureStatus = FeatureStatus.NEW
    meter_type: MeterType = MeterType.NONE
    feature_units: str | None = None
    feature_units_plural: str | None = None
    metadata: Mapping[str, str] | None = None
    meter: Meter | None = None
    unit_transformation: UnitTransformation | None = None
    enum_values: Sequence[EnumValue] = ()


class CatalogService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, cache: EntitlementCache | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)  # told when features change

    # --- products -------------------------------------------------------------------------

    def create_product(
        self,
        caller: Principal,
        product_id: str,
        display_name: str,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
        multiple_subscriptions: bool = False,
    ) -> Product:
        problems = validate_id(product_id)
        if not display_name.strip():
            problems.append(FieldProblem("displayName", "must not be blank", "required"))
        if problems:
            raise InvalidArgument(problems)
        with self._uow() as uow:
            if uow.products.get(caller.environment_id, product_id) is not None:
                raise DuplicatedEntityNotAllowed("Product", product_id)
            now = self._clock.now()
            product = Product(
                id=product_id,
                environment_id=caller.environment_id,
                display_name=display_name,
                description=description,
                metadata=dict(metadata or {}),
                multiple_subscriptions=multiple_subscriptions,
                status=ProductStatus.PUBLISHED,
                created_at=now,
                updated_at=now,
            )
            uow.products.add(product)
            record_event(uow, caller.environment_id, "product.created", {"id": product_id}, now)
            uow.commit()
            return product

    def update_product(
        self,
        caller: Principal,
        product_id: str,
        display_name: str | None = UNSET,
        description: str | None = UNSET,
        metadata: Mapping[str, str] | None = UNSET,
        multiple_subscriptions: bool = UNSET,
    ) -> Product:
        if display_name is not UNSET and (display_name is None or not display_name.strip()):
            raise InvalidArgument.single("displayName", "must not be blank", "required")
        with self._uow() as uow:
            current = _product(uow, caller, product_id)
            changes: dict[str, Any] = {"updated_at": self._clock.now()}
            if display_name is not UNSET:
                changes["display_name"] = display_name
            if description is not UNSET:
                changes["description"] = description
            if metadata is not UNSET:  # replaces the whole map, as Stigg does
                changes["metadata"] = dict(metadata or {})
            if multiple_subscriptions is not UNSET:
                changes["multiple_subscriptions"] = bool(multiple_subscriptions)
            updated = replace(current, **changes)
            uow.products.update(updated)
            uow.commit()
            return updated

    def set_product_status(
        self, caller: Principal, product_id: str, status: ProductStatus
    ) -> Product:
        with self._uow() as uow:
            current = _product(uow, caller, product_id)
            if current.status is status:
                return current
            updated = replace(current, status=status, updated_at=self._clock.now())
            uow.products.update(updated)
            uow.commit()
            return updated

    def list_products(
        self, caller: Principal, query: ProductQuery, page: PageRequest
    ) -> Page[Product]:
        with self._uow() as uow:
            return uow.products.list(caller.environment_id, query, page)

    # --- features -------------------------------------------------------------------------

    def create_feature(self, caller: Principal, new: NewFeature) -> Feature:
        now = self._clock.now()
        feature = Feature(
            id=new.id,
            environment_id=caller.environment_id,
            display_name=new.display_name,
            feature_type=new.feature_type,
            status=new.status,
            meter_type=new.meter_type,
            created_at=now,
            updated_at=now,
            description=new.description,
            feature_units=new.feature_units,
            feature_units_plural=new.feature_units_plural,
            metadata=dict(new.metadata or {}),
            meter=new.meter,
            unit_transformation=new.unit_transformation,
            enum_values=tuple(new.enum_values),
        )
        validate_feature(feature)
        with self._uow() as uow:
            if uow.features.get(caller.environment_id, new.id) is not None:
                raise DuplicatedEntityNotAllowed("Feature", new.id)
            uow.features.add(feature)
            record_event(uow, caller.environment_id, "feature.created", {"id": new.id}, now)
            self._cache.note(uow, EntitlementChange.environment(caller.environment_id))
            uow.commit()
            self._cache.forget_environment(caller.environment_id)
            return feature

    def get_feature(self, caller: Principal, feature_id: str) -> Feature:
        with self._uow() as uow:
            return _feature(uow, caller, feature_id)

    def update_feature(self, caller: Principal, feature_id: str, **changes: Any) -> Feature:
        """Change the named fields (Feature attribute names); the type and id never change."""
        allowed = {
            "display_name",
            "description",
            "feature_units",
            "feature_units_plural",
            "metadata",
            "meter",
            "unit_transformation",
            "enum_values",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidArgument.single(sorted(unknown)[0], "cannot be changed", "not_allowed")
        with self._uow() as uow:
            current = _feature(uow, caller, feature_id)
            if "metadata" in changes:
                changes["metadata"] = dict(changes["metadata"] or {})
            if "enum_values" in changes:
                changes["enum_values"] = tuple(changes["enum_values"] or ())
            if changes.get("display_name", "x") is None:
                raise InvalidArgument.single("displayName", "must not be blank", "required")
            updated = replace(current, **changes, updated_at=self._clock.now())
            validate_feature(updated)
            uow.features.update(updated)
            self._cache.note(uow, EntitlementChange.environment(caller.environment_id))
            uow.commit()
            self._cache.forget_environment(caller.environment_id)
            return updated

    def set_feature_archived(self, caller: Principal, feature_id: str, archived: bool) -> Feature:
        with self._uow() as uow:
            current = _feature(uow, caller, feature_id)
            if current.archived is archived:
                return current
            updated = replace(current, archived=archived, updated_at=self._clock.now())
            uow.features.update(updated)
            self._cache.note(uow, EntitlementChange.environment(caller.environment_id))
            uow.commit()
            self._cache.forget_environment(caller.environment_id)
            return updated

    def list_features(
        self, caller: Principal, query: FeatureQuery, page: PageRequest
    ) -> Page[Feature]:
        with self._uow() as uow:
            return uow.features.list(caller.environment_id, query, page)


def _product(uow: UnitOfWork, caller: Principal, product_id: str) -> Product:
    product = uow.products.get(caller.environment_id, product_id)
    if product is None:
        raise EntityNotFound("Product", product_id)
    return product


def _feature(uow: UnitOfWork, caller: Principal, feature_id: str) -> Feature:
    feature = uow.features.get(caller.environment_id, feature_id)
    if feature is None:
        raise EntityNotFound("Feature", feature_id)
    return feature


__all__ = ["UNSET", "CatalogService", "CreatedRange", "NewFeature"]
