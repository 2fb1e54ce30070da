"""Packages: plans and add-ons, edited as drafts and published as numbered versions.

A package (plan or add-on) has display fields that are not versioned, and a series of
versions 1, 2, ... that hold what a subscription gets: entitlements, charges, the pricing type,
and for plans the parent plan, compatible add-ons and default trial; for add-ons the maximum
quantity and the add-ons they depend on. At most one version is a DRAFT (the newest, editable);
the others are PUBLISHED and never change, so a subscription keeps the version it was sold.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pactline.domain.charges import Charge, PricingType
from pactline.domain.errors import FieldProblem
from pactline.domain.package_entitlements import PackageEntitlement

MAX_GRAPH_WALK = 1000  # a guard against corrupt data in cycle checks


class PackageKind(enum.Enum):
    PLAN = "Plan"
    ADDON = "Addon"


class PackageStatus(enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"  # a package's state, never a version's


class MigrationType(enum.Enum):
    NEW_CUSTOMERS = "NEW_CUSTOMERS"  # existing subscriptions keep their version
    ALL_CUSTOMERS = "ALL_CUSTOMERS"  # existing subscriptions move to the new version


class TrialUnits(enum.Enum):
    DAY = "DAY"
    MONTH = "MONTH"


class TrialEndBehavior(enum.Enum):
    CONVERT_TO_PAID = "CONVERT_TO_PAID"
    CANCEL_SUBSCRIPTION = "CANCEL_SUBSCRIPTION"


@dataclass(frozen=True)
class TrialBudget:
    limit: Decimal
    has_soft_limit: bool


@dataclass(frozen=True)
class TrialConfig:
    duration: int
    units: TrialUnits
    budget: TrialBudget | None = None
    end_behavior: TrialEndBehavior | None = None


@dataclass(frozen=True)
class Package:
    """A plan or an add-on: identity, product and the fields shared by all its versions."""

    kind: PackageKind
    id: str
    environment_id: str
    product_id: str
    display_name: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    billing_id: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    draft_version: int | None = None
    published_version: int | None = None  # the latest published version
    archived_at: datetime | None = None

    @property
    def newest_version(self) -> int:
        newest = self.draft_version or self.published_version
        assert newest is not None, "a package always has a version"
        return newest

    @property
    def status(self) -> PackageStatus:
        if self.archived_at is not None:
            return PackageStatus.ARCHIVED
        return PackageStatus.DRAFT if self.draft_version is not None else PackageStatus.PUBLISHED


@dataclass(frozen=True)
class PackageVersion:
    """One version of a plan or add-on. `product_id`, `display_name` and `archived` are the
    package's (not versioned): filled in when read, ignored when written."""

    package_id: str
    environment_id: str
    product_id: str
    version_number: int
    status: PackageStatus  # DRAFT or PUBLISHED
    created_at: datetime
    updated_at: datetime
    display_name: str = ""
    archived: bool = False
    pricing_type: PricingType | None = None
    entitlements: tuple[PackageEntitlement, ...] = ()
    charges: tuple[Charge, ...] = ()
    published_at: datetime | None = None

    def entitlement(self, feature_id: str) -> PackageEntitlement | None:
        return next((e for e in self.entitlements if e.feature_id == feature_id), None)


@dataclass(frozen=True)
class PlanVersion(PackageVersion):
    parent_plan_id: str | None = None
    compatible_addon_ids: tuple[str, ...] = ()
    default_trial_config: TrialConfig | None = None

    @property
    def plan_id(self) -> str:
        return self.package_id


@dataclass(frozen=True)
class AddonVersion(PackageVersion):
    max_quantity: int | None = None  # None: no upper bound
    dependencies: tuple[str, ...] = ()  # add-ons a subscription must also have

    @property
    def addon_id(self) -> str:
        return self.package_id


def trial_problems(
    trial: TrialConfig | None, path: str = "defaultTrialConfig"
) -> list[FieldProblem]:
    if trial is None:
        return []
    problems = []
    if trial.duration < 1:
        problems.append(FieldProblem(f"{path}.duration", "must be 1 or more", "out_of_range"))
    if trial.budget is not None and (not trial.budget.limit.is_finite() or trial.budget.limit < 0):
        problems.append(FieldProblem(f"{path}.budget.limit", "must be 0 or more", "out_of_range"))
    return problems


def reaches(start: Iterable[str], target: str, edges: Callable[[str], Iterable[str]]) -> bool:
    """Does following `edges` from any of `start` arrive at `target`? (cycle detection)"""
    pending = list(start)
    seen: set[str] = set()
    while pending and len(seen) < MAX_GRAPH_WALK:
        node = pending.pop()
        if node == target:
            return True
        if node in seen:
            continue
        seen.add(node)
        pending.extend(edges(node))
    return False
