from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.routes.plans import NO_PAGES, package_query, rows_page
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.package_charges import ChargeOut
from pactline.api.schemas.package_entitlements import (
    EntitlementOut,
    EntitlementsCreate,
    EntitlementUpdate,
)
from pactline.api.schemas.plans import (
    AddonCreate,
    AddonOut,
    AddonUpdate,
    PublishIn,
    PublishOut,
    RemovedDraftOut,
    pricing_type,
)
from pactline.domain.plans import MigrationType, PackageStatus
from pactline.services.addons import NewAddon
from pactline.services.ports import PackageQuery

router = APIRouter(prefix="/api/v1/addons", tags=["addons"], route_class=ExactJsonRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_addon(body: AddonCreate, caller: ServerKey, app: ContainerDep) -> Envelope[AddonOut]:
    snapshot = app.addons.create(
        caller,
        NewAddon(
            id=body.id,
            display_name=body.display_name,
            product_id=body.product_id,
            description=body.description,
            billing_id=body.billing_id,
            metadata=body.metadata,
            pricing_type=pricing_type(body.pricing_type),
            max_quantity=body.max_quantity,
            status=PackageStatus(body.status),
        ),
    )
    return Envelope(data=AddonOut.of(snapshot))


@router.get("")
def list_addons(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    query: Annotated[PackageQuery, Depends(package_query)],
) -> ListEnvelope[AddonOut]:
    page = app.addons.list_packages(caller, query, paging)
    return ListEnvelope(data=[AddonOut.of(s) for s in page.items], pagination=page_out(page))


@router.get("/{addon_id}")
def get_addon(addon_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[AddonOut]:
    return Envelope(data=AddonOut.of(app.addons.get(caller, addon_id)))


@router.patch("/{addon_id}")
def update_addon(
    addon_id: str, body: AddonUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[AddonOut]:
    return Envelope(data=AddonOut.of(app.addons.update(caller, addon_id, body.changes())))


@router.post("/{addon_id}/archive")
def archive_addon(addon_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[AddonOut]:
    return Envelope(data=AddonOut.of(app.addons.archive(caller, addon_id)))


@router.post("/{addon_id}/draft", status_code=status.HTTP_201_CREATED)
def create_addon_draft(addon_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[AddonOut]:
    return Envelope(data=AddonOut.of(app.addons.create_draft(caller, addon_id)))


@router.delete("/{addon_id}/draft")
def remove_addon_draft(
    addon_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[RemovedDraftOut]:
    return Envelope(data=RemovedDraftOut(id=app.addons.remove_draft(caller, addon_id)))


@router.post("/{addon_id}/publish")
def publish_addon(
    addon_id: str, body: PublishIn, caller: ServerKey, app: ContainerDep
) -> Envelope[PublishOut]:
    task_id = app.addons.publish(caller, addon_id, MigrationType(body.migration_type))
    return Envelope(data=PublishOut(task_id=task_id))


@router.get("/{addon_id}/charges")
def list_addon_charges(
    addon_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[ChargeOut]:
    return rows_page(ChargeOut.rows(app.addons.charges(caller, addon_id)), paging)


@router.post("/{addon_id}/entitlements", status_code=status.HTTP_201_CREATED)
def create_addon_entitlements(
    addon_id: str, body: EntitlementsCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[list[EntitlementOut]]:
    added = app.addons.add_entitlements(caller, addon_id, body.to_specs())
    return Envelope(data=[EntitlementOut.of(e) for e in added])


@router.get("/{addon_id}/entitlements")
def list_addon_entitlements(
    addon_id: str, caller: ServerKey, app: ContainerDep
) -> ListEnvelope[EntitlementOut]:
    entitlements = app.addons.entitlements(caller, addon_id)
    return ListEnvelope(data=[EntitlementOut.of(e) for e in entitlements], pagination=NO_PAGES)


@router.patch("/{addon_id}/entitlements/{feature_id}")
def update_addon_entitlement(
    addon_id: str, feature_id: str, body: EntitlementUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[EntitlementOut]:
    updated = app.addons.update_entitlement(caller, addon_id, feature_id, body.changes())
    return Envelope(data=EntitlementOut.of(updated))


@router.delete("/{addon_id}/entitlements/{feature_id}")
def delete_addon_entitlement(
    addon_id: str, feature_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[EntitlementOut]:
    removed = app.addons.remove_entitlement(caller, addon_id, feature_id)
    return Envelope(data=EntitlementOut.of(removed))
