"""A package's entitlements: listed from its newest version, changed on its draft only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from pactline.domain.errors import DuplicatedEntityNotAllowed, EntityNotFound, InvalidArgument
from pactline.domain.package_entitlements import (
    EntitlementSpec,
    PackageEntitlement,
    entitlement_problems,
    new_entitlement_problems,
)
from pactline.domain.tenancy import Principal
from pactline.services.packages import PackageService, V


class PackageEntitlementService(PackageService[V]):
    """The package lifecycle plus entitlement editing (plans and add-ons derive from it)."""

    def entitlements(self, caller: Principal, package_id: str) -> tuple[PackageEntitlement, ...]:
        """The newest version's own entitlements (a plan's parent's are not included)."""
        return self.get(caller, package_id).version.entitlements

    def add_entitlements(
        self, caller: Principal, package_id: str, specs: Sequence[EntitlementSpec]
    ) -> tuple[PackageEntitlement, ...]:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            draft = self._draft(uow, package, ["entitlements"])
            features = self._features(uow, package, [s.feature_id for s in specs])
            problems = new_entitlement_problems(specs, features)
            if problems:
                raise InvalidArgument(problems)
            for spec in specs:
                if draft.entitlement(spec.feature_id) is not None:
                    raise DuplicatedEntityNotAllowed("Entitlement", spec.feature_id)
            now = self._clock.now()
            added = tuple(spec.build(now, now) for spec in specs)
            self._save_draft(
                uow,
                package,
                replace(draft, entitlements=draft.entitlements + added),
                ["entitlements"],
                now,
            )
            uow.commit()
            return added

    def update_entitlement(
        self, caller: Principal, package_id: str, feature_id: str, changes: Mapping[str, Any]
    ) -> PackageEntitlement:
        """`changes` names EntitlementSpec attributes; a new resetPeriod without a
        configuration drops the old anchor."""
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            draft = self._draft(uow, package, ["entitlements"])
            current = self._entitlement(draft, feature_id)
            changes = dict(changes)
            if "reset_period" in changes and "reset_configs" not in changes:
                changes["reset_configs"] = ()
            spec = replace(current.spec(), **changes)
            feature = uow.features.get(caller.environment_id, feature_id)
            problems = entitlement_problems(spec, feature, "")
            if problems:
                raise InvalidArgument(problems)
            now = self._clock.now()
            updated = spec.build(current.created_at, now)
            entitlements = tuple(updated if e is current else e for e in draft.entitlements)
            self._save_draft(
                uow, package, replace(draft, entitlements=entitlements), ["entitlements"], now
            )
            uow.commit()
            return updated

    def remove_entitlement(
        self, caller: Principal, package_id: str, feature_id: str
    ) -> PackageEntitlement:
        with self._uow() as uow:
            package = self._load(uow, caller, package_id, for_update=True)
            draft = self._draft(uow, package, ["entitlements"])
            current = self._entitlement(draft, feature_id)
            now = self._clock.now()
            remaining = tuple(e for e in draft.entitlements if e is not current)
            self._save_draft(
                uow, package, replace(draft, entitlements=remaining), ["entitlements"], now
            )
            uow.commit()
            return current

    def _entitlement(self, version: V, feature_id: str) -> PackageEntitlement:
        found = version.entitlement(feature_id)
        if found is None:
            raise EntityNotFound("Entitlement", feature_id)
        return found
