"""Plans and add-ons in the shapes of Stigg's REST API v1 (the stigg SDK's types).

A plan or add-on is shown as its newest version: the draft if there is one, else the latest
published version. `entitlements` are references only; the full objects are listed at
`/{id}/entitlements`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.exact_numbers import Number
from pactline.api.schemas.package_charges import ChargesIn, PricingTypeName
from pactline.domain.charges import PricingType
from pactline.domain.errors import InvalidArgument
from pactline.domain.plans import (
    AddonVersion,
    PackageStatus,
    PackageVersion,
    PlanVersion,
    TrialBudget,
    TrialConfig,
    TrialEndBehavior,
    TrialUnits,
)
from pactline.services.packages import Snapshot

StatusName = Literal["DRAFT", "PUBLISHED", "ARCHIVED"]


class TrialBudgetIn(CamelModel):
    has_soft_limit: bool
    limit: Decimal


class TrialConfigIn(CamelModel):
    duration: Decimal = Field(description="A whole number of units, 1 or more")
    units: Literal["DAY", "MONTH"]
    budget: TrialBudgetIn | None = None
    trial_end_behavior: Literal["CONVERT_TO_PAID", "CANCEL_SUBSCRIPTION"] | None = None

    def to_domain(self) -> TrialConfig:
        if self.duration != self.duration.to_integral_value():
            raise InvalidArgument.single(
                "defaultTrialConfig.duration", "must be a whole number", "not_integer"
            )
        return TrialConfig(
            duration=int(self.duration),
            units=TrialUnits(self.units),
            budget=None
            if self.budget is None
            else TrialBudget(self.budget.limit, self.budget.has_soft_limit),
            end_behavior=None
            if self.trial_end_behavior is None
            else TrialEndBehavior(self.trial_end_behavior),
        )


def trial(config: TrialConfigIn | None) -> TrialConfig | None:
    return None if config is None else config.to_domain()


def pricing_type(name: str | None) -> PricingType | None:
    return None if name is None else PricingType(name)


class PlanCreate(CamelModel):
    id: str
    display_name: str
    product_id: str
    billing_id: str | None = None
    default_trial_config: TrialConfigIn | None = None
    description: str | None = None
    metadata: dict[str, str] | None = None
    parent_plan_id: str | None = None
    pricing_type: PricingTypeName | None = None
    status: StatusName = "DRAFT"


class PlanUpdate(CamelModel):
    billing_id: str | None = None
    charges: ChargesIn | None = None
    compatible_addon_ids: list[str] | None = None
    default_trial_config: TrialConfigIn | None = None
    description: str | None = None
    display_name: str | None = None
    metadata: dict[str, str] | None = None
    parent_plan_id: str | None = None

    def changes(self) -> dict[str, Any]:
        """Only the fields the caller sent; an explicit null clears a nullable field."""
        sent = self.model_fields_set
        out: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "billing_id",
                "compatible_addon_ids",
                "description",
                "display_name",
                "metadata",
                "parent_plan_id",
            )
            if name in sent
        }
        if "default_trial_config" in sent:
            out["default_trial_config"] = trial(self.default_trial_config)
        if "charges" in sent:
            if self.charges is None:
                raise InvalidArgument.single(
                    "charges", "give the whole pricing (pricingType at least)", "required"
                )
            out["pricing"] = self.charges.to_domain()
        return out


class AddonCreate(CamelModel):
    id: str
    display_name: str
    product_id: str
    billing_id: str | None = None
    description: str | None = None
    max_quantity: int | None = None
    metadata: dict[str, str] | None = None
    pricing_type: PricingTypeName | None = None
    status: StatusName = "DRAFT"


class AddonUpdate(CamelModel):
    billing_id: str | None = None
    charges: ChargesIn | None = None
    dependencies: list[str] | None = None
    description: str | None = None
    display_name: str | None = None
    max_quantity: int | None = None
    metadata: dict[str, str] | None = None
    status: StatusName | None = None

    def changes(self) -> dict[str, Any]:
        sent = self.model_fields_set
        out: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "billing_id",
                "dependencies",
                "description",
                "display_name",
                "max_quantity",
                "metadata",
            )
            if name in sent
        }
        if "status" in sent and self.status is not None:
            out["status"] = PackageStatus(self.status)
        if "charges" in sent:
            if self.charges is None:
                raise InvalidArgument.single(
                    "charges", "give the whole pricing (pricingType at least)", "required"
                )
            out["pricing"] = self.charges.to_domain()
        return out


class PublishIn(CamelModel):
    migration_type: Literal["NEW_CUSTOMERS", "ALL_CUSTOMERS"] = Field(
        description="NEW_CUSTOMERS: existing subscriptions keep their version; ALL_CUSTOMERS: "
        "they move to the new one"
    )


class TrialBudgetOut(OutModel):
    has_soft_limit: bool
    limit: Number


class TrialConfigOut(OutModel):
    duration: int
    units: Literal["DAY", "MONTH"]
    budget: TrialBudgetOut | None
    trial_end_behavior: Literal["CONVERT_TO_PAID", "CANCEL_SUBSCRIPTION"] | None

    @classmethod
    def of(cls, config: TrialConfig | None) -> TrialConfigOut | None:
        if config is None:
            return None
        budget = config.budget
        return cls(
            duration=config.duration,
            units=config.units.value,
            budget=None
            if budget is None
            else TrialBudgetOut(has_soft_limit=budget.has_soft_limit, limit=budget.limit),
            trial_end_behavior=None if config.end_behavior is None else config.end_behavior.value,
        )


class EntitlementRefOut(OutModel):
    id: str
    type: Literal["FEATURE", "CREDIT"]


class PackageOut(OutModel):
    id: str
    billing_id: str | None
    created_at: datetime
    description: str | None
    display_name: str
    entitlements: list[EntitlementRefOut]
    is_latest: bool = Field(description="True for the newest version (the draft if any)")
    metadata: dict[str, str]
    pricing_type: PricingTypeName | None
    product_id: str
    status: StatusName
    updated_at: datetime
    version_number: int

    @staticmethod
    def common(snapshot: Snapshot[Any]) -> dict[str, Any]:
        package, version = snapshot.package, snapshot.version
        assert isinstance(version, PackageVersion)
        return {
            "id": package.id,
            "billing_id": package.billing_id,
            "created_at": package.created_at,
            "description": package.description,
            "display_name": package.display_name,
            "entitlements": [
                EntitlementRefOut(id=e.feature_id, type="FEATURE") for e in version.entitlements
            ],
            "is_latest": snapshot.is_latest,
            "metadata": dict(package.metadata),
            "pricing_type": None if version.pricing_type is None else version.pricing_type.value,
            "product_id": package.product_id,
            "status": snapshot.status.value,
            "updated_at": package.updated_at,
            "version_number": version.version_number,
        }


class PlanOut(PackageOut):
    compatible_addon_ids: list[str]
    default_trial_config: TrialConfigOut | None
    parent_plan_id: str | None

    @classmethod
    def of(cls, snapshot: Snapshot[PlanVersion]) -> PlanOut:
        version = snapshot.version
        return cls(
            **cls.common(snapshot),
            compatible_addon_ids=list(version.compatible_addon_ids),
            default_trial_config=TrialConfigOut.of(version.default_trial_config),
            parent_plan_id=version.parent_plan_id,
        )


class AddonOut(PackageOut):
    dependencies: list[str]
    max_quantity: int | None

    @classmethod
    def of(cls, snapshot: Snapshot[AddonVersion]) -> AddonOut:
        version = snapshot.version
        return cls(
            **cls.common(snapshot),
            dependencies=list(version.dependencies),
            max_quantity=version.max_quantity,
        )


class PublishOut(OutModel):
    task_id: str | None = Field(description="The id of the publish event (publishing is done)")


class RemovedDraftOut(OutModel):
    id: str
