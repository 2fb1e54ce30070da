"""What plans and add-ons share: drafts, publishing, entitlements and charges of a package.

Every public method opens one unit of work inside the caller's environment and commits at most
once. Versioned content (entitlements, charges, pricing type, and the plan's parent, compatible
add-ons and default trial, or the add-on's maximum quantity and dependencies) changes only on a
draft; display fields change on the package itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from pactline.domain.catalog import Feature, ProductStatus, validate_id
from pactline.domain.charges import Charge, PricingSpec, build_charges
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
)
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.plans import (
    MigrationType,
    Package,
    PackageKind,
    PackageStatus,
    PackageVersion,
)
from pactline.domain.pricing_rules import pricing_problems
from pactline.domain.tenancy import Principal
from pactline.services.entitlements import EntitlementCache
from pactline.services.events import record_event
from pactline.services.ports import (
    Clock,
    PackageQuery,
    PublishListener,
    UnitOfWork,
    UnitOfWorkFactory,
)

V = TypeVar("V", bound=PackageVersion)

# Change keys (attribute names) of the package itself, editable with or without a draft.
PACKAGE_FIELDS = {"display_name", "description", "billing_id", "metadata"}
# The API field each versioned change key is sent as, for error paths.
VERSIONED_FIELDS = {
    "pricing": "charges",
    "parent_plan_id": "parentPlanId",
    "compatible_addon_ids": "compatibleAddonIds",
    "default_trial_config": "defaultTrialConfig",
    "max_quantity": "maxQuantity",
    "dependencies": "dependencies",
}

API_NAMES = {
    "display_name": "displayName",
    "description": "description",
    "billing_id": "billingId",
    "metadata": "metadata",
    **VERSIONED_FIELDS,
}


def api_names(changes: Iterable[str]) -> list[str]:
    """The API fields a change touched, for `*.updated` events."""
    return sorted(API_NAMES[k] for k in changes if k in API_NAMES)


class PackageVersions(Protocol[V]):
    """What PackageService needs of `uow.plans` / `uow.addons` (positional arguments)."""

    def add(self, package: Package, /) -> None: ...
    def get(
        self, environment_id: str, package_id: str, for_update: bool = False, /
    ) -> Package | None: ...
    def update(self, package: Package, /) -> None: ...
    def list(
        self, environment_id: str, query: PackageQuery, page: PageRequest, /
    ) -> Page[Package]: ...
    def add_version(self, version: V, /) -> None: ...
    def get_version(
        self, environment_id: str, package_id: str, version_number: int, /
    ) -> V | None: ...
    def update_version(self, version: V, /) -> None: ...
    def delete_version(
        self, environment_id: str, package_id: str, version_number: int, /
    ) -> None: ...


@dataclass(frozen=True)
class Snapshot(Generic[V]):
    """A package as the API shows it: the package and its newest version."""

    package: Package
    version: V

    @property
    def status(self) -> PackageStatus:
        return self.package.status

    @property
    def is_latest(self) -> bool:
        return self.version.version_number == self.package.newest_version


class NewPackage(Protocol):
    """What creating a plan or an add-on names besides its version's own content."""

    @property
    def id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def product_id(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def billing_id(self) -> str | None: ...
    @property
    def metadata(self) -> Mapping[str, str] | None: ...
    @property
    def status(self) -> PackageStatus: ...


class PackageService(Generic[V]):
    kind: PackageKind
    noun: str  # "a plan", for messages

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        on_publish: PublishListener | None = None,
        cache: EntitlementCache | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)  # told when a version is published
        # Told in the same unit of work when a version is published (subscriptions follow
        # an ALL_CUSTOMERS publish).
        self._on_publish = on_publish

    # --- hooks -----------------------------------------------------------------------------

    def _repo(self, uow: UnitOfWork) -> PackageVersions[V]:
        raise NotImplementedError

    def _publish_problems(self, uow: UnitOfWork, version: V) -> list[FieldProblem]:
        """What must hold of a draft before it is published (references still valid)."""
        return []

    @property
    def _event(self) -> str:
        return self.kind.value.lower()

    # --- reads -----------------------------------------------------------------------------

    def get(self, caller: Principal, package_id: str) -> Snapshot[V]:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id)
            return Snapshot(package, self._newest(uow, package))

    def list_packages(
        self, caller: Principal, query: PackageQuery, page: PageRequest
    ) -> Page[Snapshot[V]]:
        with self._uow() as uow:
            found = self._repo(uow).list(caller.environment_id, query, page)
            items = [Snapshot(p, self._newest(uow, p)) for p in found.items]
            return Page(items=items, next=found.next, prev=found.prev)

    def charges(self, caller: Principal, package_id: str) -> tuple[Charge, ...]:
        return self.get(caller, package_id).version.charges

    # --- lifecycle -------------------------------------------------------------------------

    def archive(self, caller: Principal, package_id: str) -> Snapshot[V]:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            if package.archived_at is None:
                package = self._archive_in(uow, package, self._clock.now())
                uow.commit()
            return Snapshot(package, self._newest(uow, package))

    def create_draft(self, caller: Principal, package_id: str) -> Snapshot[V]:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            self._writable(package)
            package, draft = self._draft_in(uow, package, self._clock.now())
            uow.commit()
            return Snapshot(package, draft)

    def remove_draft(self, caller: Principal, package_id: str) -> str:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            self._writable(package)
            if package.draft_version is None:
                raise EntityNotFound(f"{self.kind.value}Draft", package_id)
            if package.published_version is None:
                raise InvalidArgument.single(
                    "id",
                    f"{self._event} '{package_id}' was never published: its draft is its only "
                    "version (archive it instead)",
                    "only_version",
                )
            now = self._clock.now()
            removed = package.draft_version
            self._repo(uow).delete_version(caller.environment_id, package_id, removed)
            self._repo(uow).update(replace(package, draft_version=None, updated_at=now))
            self._updated(uow, package, removed, ["draftRemoved"], now)
            uow.commit()
            return package_id

    def publish(self, caller: Principal, package_id: str, migration: MigrationType) -> str:
        """Publish the draft; returns the task id (the id of the `*.published` event)."""
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            self._writable(package)
            _, task_id = self._publish_in(uow, package, migration, self._clock.now())
            self._cache.note(uow, EntitlementChange.environment(caller.environment_id))
            uow.commit()
            self._cache.forget_environment(caller.environment_id)
            return task_id

    # --- helpers shared with the subclasses ------------------------------------------------

    def _load(
        self, uow: UnitOfWork, caller: Principal, package_id: str, for_update: bool = False
    ) -> Package:
        package = self._repo(uow).get(caller.environment_id, package_id, for_update)
        if package is None:
            raise EntityNotFound(self.kind.value, package_id)
        return package

    def _newest(self, uow: UnitOfWork, package: Package) -> V:
        version = self._repo(uow).get_version(
            package.environment_id, package.id, package.newest_version
        )
        assert version is not None, "the package points at its versions"
        return version

    def _writable(self, package: Package) -> None:
        if package.archived_at is not None:
            raise InvalidArgument.single(
                "id", f"{self._event} '{package.id}' is archived and cannot change", "archived"
            )

    def _draft(self, uow: UnitOfWork, package: Package, fields: Iterable[str]) -> V:
        self._writable(package)
        if package.draft_version is None:
            endpoint = f"POST /api/v1/{self._event}s/{package.id}/draft"
            raise InvalidArgument(
                [
                    FieldProblem(name, "can only change on a draft", "draft_required")
                    for name in fields
                ],
                f"{self._event} '{package.id}' has no draft: version {package.published_version}"
                f" is published and cannot change. Create a draft ({endpoint}), edit it, then"
                " publish it",
            )
        return self._newest(uow, package)

    def _save_draft(
        self, uow: UnitOfWork, package: Package, draft: V, changed: Sequence[str], now: datetime
    ) -> Package:
        self._repo(uow).update_version(replace(draft, updated_at=now))
        package = replace(package, updated_at=now)
        self._repo(uow).update(package)
        self._updated(uow, package, draft.version_number, changed, now)
        return package

    def _updated(
        self, uow: UnitOfWork, package: Package, version: int, changed: Sequence[str], at: datetime
    ) -> None:
        data = {"id": package.id, "versionNumber": version, "changes": list(changed)}
        record_event(uow, package.environment_id, f"{self._event}.updated", data, at)

    def _pricing(
        self, uow: UnitOfWork, package: Package, draft: V, pricing: PricingSpec, now: datetime
    ) -> tuple[V, list[FieldProblem]]:
        features = self._features(uow, package, [c.feature_id for c in pricing.charges])
        problems = pricing_problems(pricing.pricing_type, pricing.charges, features)
        charges = () if problems else build_charges(package.id, pricing.charges, now, draft.charges)
        return replace(draft, pricing_type=pricing.pricing_type, charges=charges), problems

    def _features(
        self, uow: UnitOfWork, package: Package, feature_ids: Iterable[str | None]
    ) -> dict[str, Feature]:
        """The features that exist among `feature_ids`, by id."""
        found = {}
        for feature_id in set(feature_ids) - {None}:
            feature = uow.features.get(package.environment_id, str(feature_id))
            if feature is not None:
                found[feature.id] = feature
        return found

    def _draft_in(self, uow: UnitOfWork, package: Package, now: datetime) -> tuple[Package, V]:
        if package.draft_version is not None:
            raise DuplicatedEntityNotAllowed(f"{self.kind.value}Draft", package.id)
        published = self._newest(uow, package)
        number = published.version_number + 1
        draft = replace(
            published,
            version_number=number,
            status=PackageStatus.DRAFT,
            created_at=now,
            updated_at=now,
            published_at=None,
        )
        self._repo(uow).add_version(draft)
        package = replace(package, draft_version=number, updated_at=now)
        self._repo(uow).update(package)
        self._updated(uow, package, number, ["draftCreated"], now)
        return package, draft

    def _publish_in(
        self, uow: UnitOfWork, package: Package, migration: MigrationType, now: datetime
    ) -> tuple[Package, str]:
        if package.draft_version is None:
            raise InvalidArgument.single(
                "id",
                f"{self._event} '{package.id}' has no draft to publish "
                f"(version {package.published_version} is already published)",
                "draft_required",
            )
        draft = self._newest(uow, package)
        problems = self._publish_problems(uow, draft)
        if problems:
            raise InvalidArgument(problems)
        self._repo(uow).update_version(
            replace(draft, status=PackageStatus.PUBLISHED, published_at=now, updated_at=now)
        )
        previous = package.published_version
        package = replace(
            package, draft_version=None, published_version=draft.version_number, updated_at=now
        )
        self._repo(uow).update(package)
        event = record_event(
            uow,
            package.environment_id,
            f"{self._event}.published",
            {
                "id": package.id,
                "versionNumber": draft.version_number,
                "previousVersionNumber": previous,
                "migrationType": migration.value,
            },
            now,
        )
        if self._on_publish is not None:
            self._on_publish(uow, package, migration, now)
        return package, event.id

    def _archive_in(self, uow: UnitOfWork, package: Package, now: datetime) -> Package:
        package = replace(package, archived_at=now, updated_at=now)
        self._repo(uow).update(package)
        record_event(
            uow, package.environment_id, f"{self._event}.archived", {"id": package.id}, now
        )
        return package

    def _create(
        self,
        caller: Principal,
        new: NewPackage,
        problems: list[FieldProblem],
        first_version: Callable[[dict[str, Any]], V],
        references: Callable[[UnitOfWork], list[FieldProblem]] | None = None,
    ) -> Snapshot[V]:
        """The package with version 1 as its draft, published at once when `new.status` says.

        `problems` are those found in `new` alone; `references` checks, once the id is known
        to be free, what the version names in the catalog. `first_version` builds the version
        from the fields every version has."""
        if new.status is PackageStatus.ARCHIVED:
            message = f"{self.noun} is created DRAFT or PUBLISHED"
            problems = [*problems, FieldProblem("status", message, "not_allowed")]
        with self._uow() as uow:
            repo = self._repo(uow)
            problems = (
                self._new_package_problems(uow, caller, new.id, new.display_name, new.product_id)
                + problems
            )
            if problems:
                raise InvalidArgument(problems)
            if repo.get(caller.environment_id, new.id) is not None:
                raise DuplicatedEntityNotAllowed(self.kind.value, new.id)
            if references is not None and (problems := references(uow)):
                raise InvalidArgument(problems)
            now = self._clock.now()
            package = Package(
                kind=self.kind,
                id=new.id,
                environment_id=caller.environment_id,
                product_id=new.product_id,
                display_name=new.display_name,
                created_at=now,
                updated_at=now,
                description=new.description,
                billing_id=new.billing_id,
                metadata=dict(new.metadata or {}),
                draft_version=1,
            )
            repo.add(package)
            repo.add_version(
                first_version(
                    {
                        "package_id": package.id,
                        "environment_id": package.environment_id,
                        "product_id": package.product_id,
                        "version_number": 1,
                        "status": PackageStatus.DRAFT,
                        "created_at": now,
                        "updated_at": now,
                        "display_name": package.display_name,
                    }
                )
            )
            record_event(
                uow,
                caller.environment_id,
                f"{self._event}.created",
                {"id": new.id, "productId": new.product_id, "versionNumber": 1},
                now,
            )
            if new.status is PackageStatus.PUBLISHED:
                package, _ = self._publish_in(uow, package, MigrationType.NEW_CUSTOMERS, now)
            uow.commit()
            return Snapshot(package, self._newest(uow, package))

    def _new_package_problems(
        self,
        uow: UnitOfWork,
        caller: Principal,
        package_id: str,
        display_name: str,
        product_id: str,
    ) -> list[FieldProblem]:
        problems = validate_id(package_id)
        if not display_name.strip():
            problems.append(FieldProblem("displayName", "must not be blank", "required"))
        product = uow.products.get(caller.environment_id, product_id)
        if product is None:
            problems.append(
                FieldProblem("productId", f"product '{product_id}' does not exist", "not_found")
            )
        elif product.status is ProductStatus.ARCHIVED:
            problems.append(
                FieldProblem("productId", f"product '{product_id}' is archived", "archived")
            )
        return problems

    def _package_changes(
        self, package: Package, changes: Mapping[str, Any], now: datetime
    ) -> Package:
        own = {k: v for k, v in changes.items() if k in PACKAGE_FIELDS}
        if "metadata" in own:  # replaces the whole map, as Stigg does
            own["metadata"] = dict(own["metadata"] or {})
        return replace(package, **own, updated_at=now) if own else package


def display_problems(changes: Mapping[str, Any]) -> list[FieldProblem]:
    name = changes.get("display_name", "x")
    if name is None or not name.strip():
        return [FieldProblem("displayName", "must not be blank", "required")]
    return []
