"""Plans: a parent plan to inherit from, compatible add-ons and a default trial, on top of the
package lifecycle (drafts, publishing, entitlements, charges) shared with add-ons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pactline.domain.charges import PricingType
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.plans import (
    PackageKind,
    PackageStatus,
    PlanVersion,
    TrialConfig,
    reaches,
    trial_problems,
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
class NewPlan:
    id: str
    display_name: str
    product_id: str
    description: str | None = None
    billing_id: str | None = None
    metadata: Mapping[str, str] | None = None
    parent_plan_id: str | None = None
    pricing_type: PricingType | None = None
    default_trial_config: TrialConfig | None = None
    status: PackageStatus = PackageStatus.DRAFT


class PlanService(PackageEntitlementService[PlanVersion]):
    kind = PackageKind.PLAN
    noun = "a plan"

    def _repo(self, uow: UnitOfWork) -> PackageVersions[PlanVersion]:
        return uow.plans

    def create(self, caller: Principal, new: NewPlan) -> Snapshot[PlanVersion]:
        parent_id = new.parent_plan_id

        def parent_problems(uow: UnitOfWork) -> list[FieldProblem]:
            if parent_id is None:
                return []
            return self._parent_problems(uow, caller, new.id, new.product_id, parent_id)

        return self._create(
            caller,
            new,
            trial_problems(new.default_trial_config),
            lambda fields: PlanVersion(
                **fields,
                pricing_type=new.pricing_type,
                parent_plan_id=parent_id,
                default_trial_config=new.default_trial_config,
            ),
            parent_problems,
        )

    def update(
        self, caller: Principal, plan_id: str, changes: Mapping[str, Any]
    ) -> Snapshot[PlanVersion]:
        """`changes` keys: display_name, description, billing_id, metadata (the plan's), and
        parent_plan_id, compatible_addon_ids, default_trial_config, pricing (the draft's)."""
        problems = display_problems(changes)
        if "default_trial_config" in changes:
            problems += trial_problems(changes["default_trial_config"])
        with self._uow() as uow:
            package = self._load(uow, caller, plan_id, for_update=True)
            self._writable(package)
            if not changes:
                return Snapshot(package, self._newest(uow, package))
            versioned = [k for k in changes if k in VERSIONED_FIELDS]
            if problems:
                raise InvalidArgument(problems)
            now = self._clock.now()
            package = self._package_changes(package, changes, now)
            if not versioned:
                uow.plans.update(package)
                self._updated(uow, package, package.newest_version, api_names(changes), now)
                uow.commit()
                return Snapshot(package, self._newest(uow, package))
            draft = self._draft(uow, package, sorted(VERSIONED_FIELDS[k] for k in versioned))
            content: dict[str, Any] = {}
            if "parent_plan_id" in changes and changes["parent_plan_id"] is not None:
                problems += self._parent_problems(
                    uow, caller, plan_id, package.product_id, changes["parent_plan_id"]
                )
            for key in ("parent_plan_id", "default_trial_config"):
                if key in changes:
                    content[key] = changes[key]
            if "compatible_addon_ids" in changes:
                addon_ids = tuple(changes["compatible_addon_ids"] or ())
                problems += self._addon_problems(uow, caller, package.product_id, addon_ids)
                content["compatible_addon_ids"] = addon_ids
            if "pricing" in changes:
                draft, pricing_errors = self._pricing(uow, package, draft, changes["pricing"], now)
                problems += pricing_errors
            if problems:
                raise InvalidArgument(problems)
            package = self._save_draft(
                uow, package, replace(draft, **content), api_names(changes), now
            )
            uow.commit()
            return Snapshot(package, self._newest(uow, package))

    def _publish_problems(self, uow: UnitOfWork, version: PlanVersion) -> list[FieldProblem]:
        parent_id = version.parent_plan_id
        if parent_id is None:
            return []
        parent = uow.plans.get(version.environment_id, parent_id)
        if parent is None or parent.archived_at is not None:
            return [FieldProblem("parentPlanId", f"plan '{parent_id}' is archived", "archived")]
        if parent.published_version is None:
            return [
                FieldProblem(
                    "parentPlanId",
                    f"plan '{parent_id}' has never been published; publish it first",
                    "not_published",
                )
            ]
        return []

    def _parent_problems(
        self, uow: UnitOfWork, caller: Principal, plan_id: str, product_id: str, parent_id: str
    ) -> list[FieldProblem]:
        env = caller.environment_id
        if parent_id == plan_id:
            return [FieldProblem("parentPlanId", "a plan cannot be its own parent", "cycle")]
        parent = uow.plans.get(env, parent_id)
        if parent is None:
            return [FieldProblem("parentPlanId", f"plan '{parent_id}' does not exist", "not_found")]
        if parent.product_id != product_id:
            return [
                FieldProblem(
                    "parentPlanId",
                    f"plan '{parent_id}' belongs to product '{parent.product_id}', "
                    f"not '{product_id}'",
                    "other_product",
                )
            ]
        if parent.archived_at is not None:
            return [FieldProblem("parentPlanId", f"plan '{parent_id}' is archived", "archived")]

        def parents(node: str) -> list[str]:
            found = uow.plans.get(env, node)
            if found is None:
                return []
            version = self._newest(uow, found)
            return [] if version.parent_plan_id is None else [version.parent_plan_id]

        if reaches([parent_id], plan_id, parents):
            return [
                FieldProblem(
                    "parentPlanId",
                    f"plan '{parent_id}' inherits from '{plan_id}' already: this would be a cycle",
                    "cycle",
                )
            ]
        return []

    def _addon_problems(
        self, uow: UnitOfWork, caller: Principal, product_id: str, addon_ids: Sequence[str]
    ) -> list[FieldProblem]:
        problems = []
        for index, addon_id in enumerate(addon_ids):
            at = f"compatibleAddonIds[{index}]"
            addon = uow.addons.get(caller.environment_id, addon_id)
            if addon_id in addon_ids[:index]:
                problems.append(FieldProblem(at, "is listed twice", "duplicate"))
            elif addon is None:
                problems.append(
                    FieldProblem(at, f"add-on '{addon_id}' does not exist", "not_found")
                )
            elif addon.product_id != product_id:
                problems.append(
                    FieldProblem(
                        at,
                        f"add-on '{addon_id}' belongs to product '{addon.product_id}', "
                        f"not '{product_id}'",
                        "other_product",
                    )
                )
            elif addon.archived_at is not None:
                problems.append(FieldProblem(at, f"add-on '{addon_id}' is archived", "archived"))
        return problems


__all__ = ["NewPlan", "PlanService", "Snapshot"]
