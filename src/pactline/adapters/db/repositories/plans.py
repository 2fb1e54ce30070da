"""Plans and add-ons: a package row plus version rows whose entitlements and charges are JSON."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.catalog import created_within
from pactline.adapters.db.repositories.package_documents import (
    charge_json,
    charge_of,
    entitlement_json,
    entitlement_of,
    trial_json,
    trial_of,
)
from pactline.adapters.db.schema import AddonRow, AddonVersionRow, PlanRow, PlanVersionRow
from pactline.domain.charges import (
    PricingType,
)
from pactline.domain.errors import DuplicatedEntityNotAllowed
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.plans import (
    AddonVersion,
    Package,
    PackageKind,
    PackageStatus,
    PackageVersion,
    PlanVersion,
)
from pactline.services.ports import PackageQuery

V = TypeVar("V", bound=PackageVersion)
PackageRowT = PlanRow | AddonRow
VersionRowT = PlanVersionRow | AddonVersionRow


class _SqlPackages(Generic[V]):
    kind: PackageKind
    row: type[Any]  # PlanRow or AddonRow
    version_row: type[Any]  # PlanVersionRow or AddonVersionRow

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- the package -----------------------------------------------------------------------

    def add(self, package: Package) -> None:
        self._session.add(self.row(**_package_values(package)))
        self._flush(package.id)

    def get(self, environment_id: str, package_id: str, for_update: bool = False) -> Package | None:
        row = self._session.get(
            self.row,
            (environment_id, package_id),
            populate_existing=True,
            with_for_update=for_update,
        )
        return None if row is None else self._package(row)

    def update(self, package: Package) -> None:
        row = self._session.get(self.row, (package.environment_id, package.id))
        assert row is not None, "update() follows a get() in the same unit of work"
        for key, value in _package_values(package).items():
            setattr(row, key, value)
        self._session.flush()

    def list(self, environment_id: str, query: PackageQuery, page: PageRequest) -> Page[Package]:
        table = self.row
        statement: Select[Any] = select(table).where(table.environment_id == environment_id)
        if query.product_id is not None:
            statement = statement.where(table.product_id == query.product_id)
        if query.statuses:
            wanted: list[Any] = []
            if PackageStatus.ARCHIVED in query.statuses:
                wanted.append(table.archived_at.is_not(None))
            live = table.archived_at.is_(None)
            if PackageStatus.DRAFT in query.statuses:
                wanted.append(live & table.draft_version.is_not(None))
            if PackageStatus.PUBLISHED in query.statuses:
                wanted.append(live & table.draft_version.is_(None))
            statement = statement.where(or_(*wanted))
        statement = created_within(statement, table.created_at, query.created)
        return keyset_page(
            self._session, statement, table.created_at, table.id, page, self._package
        )

    # --- versions --------------------------------------------------------------------------

    def add_version(self, version: V) -> None:
        self._session.add(self.version_row(**self._version_values(version)))
        self._flush(f"{version.package_id} version {version.version_number}")

    def get_version(self, environment_id: str, package_id: str, version_number: int) -> V | None:
        row = self._session.get(
            self.version_row, (environment_id, package_id, version_number), populate_existing=True
        )
        if row is None:
            return None
        package = self._session.get(self.row, (environment_id, package_id))
        assert package is not None, "a version belongs to a package"
        return self._version(row, package)

    def latest_published(self, environment_id: str, package_id: str) -> V | None:
        package = self._session.get(self.row, (environment_id, package_id), populate_existing=True)
        if package is None or package.published_version is None:
            return None
        return self.get_version(environment_id, package_id, package.published_version)

    def update_version(self, version: V) -> None:
        row = self._session.get(
            self.version_row,
            (version.environment_id, version.package_id, version.version_number),
        )
        assert row is not None, "update_version() follows a get_version()"
        for key, value in self._version_values(version).items():
            setattr(row, key, value)
        self._session.flush()

    def delete_version(self, environment_id: str, package_id: str, version_number: int) -> None:
        table = self.version_row
        self._session.execute(
            delete(table).where(
                table.environment_id == environment_id,
                _package_column(table) == package_id,
                table.version_number == version_number,
            )
        )
        self._session.flush()

    # --- mapping ---------------------------------------------------------------------------

    def _flush(self, what: str) -> None:
        try:
            self._session.flush()
        except IntegrityError:  # a concurrent request created it first
            self._session.rollback()
            raise DuplicatedEntityNotAllowed(self.kind.value, what) from None

    def _package(self, row: PackageRowT) -> Package:
        return Package(
            kind=self.kind,
            id=row.id,
            environment_id=row.environment_id,
            product_id=row.product_id,
            display_name=row.display_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
            description=row.description,
            billing_id=row.billing_id,
            metadata=dict(row.metadata_),
            draft_version=row.draft_version,
            published_version=row.published_version,
            archived_at=row.archived_at,
        )

    def _version(self, row: Any, package: PackageRowT) -> V:
        raise NotImplementedError

    def _version_values(self, version: V) -> dict[str, Any]:
        raise NotImplementedError


class SqlPlanRepository(_SqlPackages[PlanVersion]):
    kind = PackageKind.PLAN
    row = PlanRow
    version_row = PlanVersionRow

    def _version(self, row: PlanVersionRow, package: PackageRowT) -> PlanVersion:
        trial = row.default_trial_config
        return PlanVersion(
            **_common(row, row.plan_id, package),
            parent_plan_id=row.parent_plan_id,
            compatible_addon_ids=tuple(row.compatible_addon_ids),
            default_trial_config=None if trial is None else trial_of(trial),
        )

    def _version_values(self, version: PlanVersion) -> dict[str, Any]:
        trial = version.default_trial_config
        return {
            **_common_values(version),
            "plan_id": version.package_id,
            "parent_plan_id": version.parent_plan_id,
            "compatible_addon_ids": list(version.compatible_addon_ids),
            "default_trial_config": None if trial is None else trial_json(trial),
        }


class SqlAddonRepository(_SqlPackages[AddonVersion]):
    kind = PackageKind.ADDON
    row = AddonRow
    version_row = AddonVersionRow

    def _version(self, row: AddonVersionRow, package: PackageRowT) -> AddonVersion:
        return AddonVersion(
            **_common(row, row.addon_id, package),
            max_quantity=row.max_quantity,
            dependencies=tuple(row.dependencies),
        )

    def _version_values(self, version: AddonVersion) -> dict[str, Any]:
        return {
            **_common_values(version),
            "addon_id": version.package_id,
            "max_quantity": version.max_quantity,
            "dependencies": list(version.dependencies),
        }


def _package_column(table: type[PlanVersionRow] | type[AddonVersionRow]) -> Any:
    return table.plan_id if table is PlanVersionRow else table.addon_id  # type: ignore[union-attr]


def _package_values(package: Package) -> dict[str, Any]:
    return {
        "environment_id": package.environment_id,
        "id": package.id,
        "product_id": package.product_id,
        "display_name": package.display_name,
        "description": package.description,
        "billing_id": package.billing_id,
        "metadata_": dict(package.metadata),
        "draft_version": package.draft_version,
        "published_version": package.published_version,
        "archived_at": package.archived_at,
        "created_at": package.created_at,
        "updated_at": package.updated_at,
    }


def _common(row: VersionRowT, package_id: str, package: PackageRowT) -> dict[str, Any]:
    return {
        "package_id": package_id,
        "environment_id": row.environment_id,
        "product_id": package.product_id,
        "version_number": row.version_number,
        "status": PackageStatus(row.status),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "display_name": package.display_name,
        "archived": package.archived_at is not None,
        "pricing_type": None if row.pricing_type is None else PricingType(row.pricing_type),
        "entitlements": tuple(entitlement_of(e) for e in row.entitlements),
        "charges": tuple(charge_of(c) for c in row.charges),
        "published_at": row.published_at,
    }


def _common_values(version: PackageVersion) -> dict[str, Any]:
    return {
        "environment_id": version.environment_id,
        "version_number": version.version_number,
        "status": version.status.value,
        "pricing_type": None if version.pricing_type is None else version.pricing_type.value,
        "entitlements": [entitlement_json(e) for e in version.entitlements],
        "charges": [charge_json(c) for c in version.charges],
        "published_at": version.published_at,
        "created_at": version.created_at,
        "updated_at": version.updated_at,
    }


__all__ = ["SqlAddonRepository", "SqlPlanRepository"]
