"""Add-ons: the same draft/publish lifecycle as plans, with a maximum quantity and the add-ons
each depends on. Their entitlements add to the plan's (Behavior.INCREMENT) unless OVERRIDE."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pactline.domain.charges import PricingType
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.plans import (
    AddonVersion,
    MigrationType,
    Package,
    PackageKind,
    PackageStatus,
    reaches,
)
from pactline.domain.tenancy import Principal
from pactline.services.package_entitlements import PackageEntitlementService
from pactline.services.packages import (
    VERSIONED_FIELDS,
    PackageVersions,
    Snapshot,
    api_names,
    display_problems,
)
from pactline.services.ports import UnitOfWork


@dataclass(frozen=True)
class NewAddon:
    id: str
    display_name: str
    product_id: str
    description: str | None = None
    billing_id: str | None = None
    metadata: Mapping[str, str] | None = None
    pricing_type: PricingType | None = None
    max_quantity: int | None = None
    status: PackageStatus = PackageStatus.DRAFT


def _quantity_problems(max_quantity: int | None) -> list[FieldProblem]:
    if max_quantity is not None and max_quantity < 1:
        return [FieldProblem("maxQuantity", "must be 1 or more (null: no limit)", "out_of_range")]
    return []


class AddonService(PackageEntitlementService[AddonVersion]):
    kind = PackageKind.ADDON
    noun = "an add-on"

    def _repo(self, uow: UnitOfWork) -> PackageVersions[AddonVersion]:
        return uow.addons

    def create(self, caller: Principal, new: NewAddon) -> Snapshot[AddonVersion]:
        return self._create(
            caller,
            new,
            _quantity_problems(new.max_quantity),
            lambda fields: AddonVersion(
                **fields, pricing_type=new.pricing_type, max_quantity=new.max_quantity
            ),
        )

    def update(
        self, caller: Principal, addon_id: str, changes: Mapping[str, Any]
    ) -> Snapshot[AddonVersion]:
        """`changes` keys: display_name, description, billing_id, metadata (the add-on's),
        max_quantity, dependencies, pricing (the draft's) and status: DRAFT opens a draft
        first, PUBLISHED publishes the draft after the changes, ARCHIVED archives."""
        problems = display_problems(changes)
        if "max_quantity" in changes:
            problems += _quantity_problems(changes["max_quantity"])
        status: PackageStatus | None = changes.get("status")
        with self._uow() as uow:
            package = self._load(uow, caller, addon_id, for_update=True)
            self._writable(package)
            if not changes:
                return Snapshot(package, self._newest(uow, package))
            if problems:
                raise InvalidArgument(problems)
            now = self._clock.now()
            if status is PackageStatus.DRAFT and package.draft_version is None:
                package, _ = self._draft_in(uow, package, now)
            package = self._package_changes(package, changes, now)
            versioned = [k for k in changes if k in VERSIONED_FIELDS]
            if versioned:
                package = self._change_draft(uow, caller, package, changes, versioned)
            elif set(changes) - {"status"}:
                uow.addons.update(package)
                self._updated(uow, package, package.newest_version, api_names(changes), now)
            if status is PackageStatus.PUBLISHED and package.draft_version is not None:
                package, _ = self._publish_in(uow, package, MigrationType.NEW_CUSTOMERS, now)
            if status is PackageStatus.ARCHIVED:
                package = self._archive_in(uow, package, now)
            uow.commit()
            return Snapshot(package, self._newest(uow, package))

    def _change_draft(
        self,
        uow: UnitOfWork,
        caller: Principal,
        package: Package,
        changes: Mapping[str, Any],
        versioned: Sequence[str],
    ) -> Package:
        now = self._clock.now()
        draft = self._draft(uow, package, sorted(VERSIONED_FIELDS[k] for k in versioned))
        problems: list[FieldProblem] = []
        content: dict[str, Any] = {}
        if "max_quantity" in changes:
            content["max_quantity"] = changes["max_quantity"]
        if "dependencies" in changes:
            dependencies = tuple(changes["dependencies"] or ())
            problems += self._dependency_problems(uow, caller, package, dependencies)
            content["dependencies"] = dependencies
        if "pricing" in changes:
            draft, pricing_errors = self._pricing(uow, package, draft, changes["pricing"], now)
            problems += pricing_errors
        if problems:
            raise InvalidArgument(problems)
        changed = api_names(changes)
        return self._save_draft(uow, package, replace(draft, **content), changed, now)

    def _publish_problems(self, uow: UnitOfWork, version: AddonVersion) -> list[FieldProblem]:
        problems = []
        for index, addon_id in enumerate(version.dependencies):
            dependency = uow.addons.get(version.environment_id, addon_id)
            if dependency is None or dependency.archived_at is not None:
                problems.append(
                    FieldProblem(
                        f"dependencies[{index}]", f"add-on '{addon_id}' is archived", "archived"
                    )
                )
        return problems

    def _dependency_problems(
        self, uow: UnitOfWork, caller: Principal, package: Package, dependencies: Sequence[str]
    ) -> list[FieldProblem]:
        env = caller.environment_id
        problems = []
        for index, addon_id in enumerate(dependencies):
            at = f"dependencies[{index}]"
            found = uow.addons.get(env, addon_id)
            if addon_id in dependencies[:index]:
                problems.append(FieldProblem(at, "is listed twice", "duplicate"))
            elif addon_id == package.id:
                problems.append(FieldProblem(at, "an add-on cannot depend on itself", "cycle"))
            elif found is None:
                problems.append(
                    FieldProblem(at, f"add-on '{addon_id}' does not exist", "not_found")
                )
            elif found.product_id != package.product_id:
                problems.append(
                    FieldProblem(
                        at,
                        f"add-on '{addon_id}' belongs to product '{found.product_id}', "
                        f"not '{package.product_id}'",
                        "other_product",
                    )
                )
            elif found.archived_at is not None:
                problems.append(FieldProblem(at, f"add-on '{addon_id}' is archived", "archived"))
            elif reaches(
                [addon_id], package.id, lambda node: self._dependencies_of(uow, env, node)
            ):
                problems.append(
                    FieldProblem(
                        at,
                        f"add-on '{addon_id}' depends on '{package.id}' already: "
                        "this would be a cycle",
                        "cycle",
                    )
                )
        return problems

    def _dependencies_of(
        self, uow: UnitOfWork, environment_id: str, addon_id: str
    ) -> Sequence[str]:
        found = uow.addons.get(environment_id, addon_id)
        return () if found is None else self._newest(uow, found).dependencies


__all__ = ["AddonService", "NewAddon"]
