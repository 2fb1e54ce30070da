from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, Pagination, encode_cursor, page_out
from pactline.api.filters import comma_list, created_range
from pactline.api.schemas.exact_numbers import ExactJsonRoute
from pactline.api.schemas.package_charges import ChargeOut
from pactline.api.schemas.package_entitlements import (
    EntitlementOut,
    EntitlementsCreate,
    EntitlementUpdate,
)
from pactline.api.schemas.plans import (
    PlanCreate,
    PlanOut,
    PlanUpdate,
    PublishIn,
    PublishOut,
    RemovedDraftOut,
    pricing_type,
    trial,
)
from pactline.domain.errors import InvalidArgument
from pactline.domain.pagination import CreatedRange, PageRequest
from pactline.domain.plans import MigrationType, PackageStatus
from pactline.services.plans import NewPlan
from pactline.services.ports import PackageQuery

router = APIRouter(prefix="/api/v1/plans", tags=["plans"], route_class=ExactJsonRoute)

T = TypeVar("T")
NO_PAGES = Pagination(next=None, prev=None)


def package_query(
    created: Annotated[CreatedRange, Depends(created_range)],
    product_id: Annotated[str | None, Query(alias="productId")] = None,
    status_filter: Annotated[
        str | None,
        Query(alias="status", description="DRAFT, PUBLISHED, ARCHIVED (comma-separated)"),
    ] = None,
) -> PackageQuery:
    return PackageQuery(
        product_id=product_id or None,
        statuses=comma_list("status", status_filter, PackageStatus),
        created=created,
    )


def rows_page(rows: Sequence[T], page: PageRequest) -> ListEnvelope[T]:
    """A page of a short in-memory list; cursors are positions in it."""

    def position(cursor: tuple[str, ...], field: str) -> int:
        if len(cursor) != 1 or not cursor[0].isdigit():
            raise InvalidArgument.single(field, "is not a cursor returned by this endpoint")
        return int(cursor[0])

    if page.before is not None:
        end = min(position(page.before, "before"), len(rows))
        start = max(0, end - page.limit)
        more_before, more_after = start > 0, True
    else:
        start = 0 if page.after is None else position(page.after, "after") + 1
        end = min(start + page.limit, len(rows))
        more_before, more_after = page.after is not None, end < len(rows)
    items = list(rows[start:end])
    first, last = (str(start),), (str(end - 1),)
    return ListEnvelope(
        data=items,
        pagination=Pagination(
            next=encode_cursor(last) if items and more_after else None,
            prev=encode_cursor(first) if items and more_before else None,
        ),
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanCreate, caller: ServerKey, app: ContainerDep) -> Envelope[PlanOut]:
    snapshot = app.plans.create(
        caller,
        NewPlan(
            id=body.id,
            display_name=body.display_name,
            product_id=body.product_id,
            description=body.description,
            billing_id=body.billing_id,
            metadata=body.metadata,
            parent_plan_id=body.parent_plan_id,
            pricing_type=pricing_type(body.pricing_type),
            default_trial_config=trial(body.default_trial_config),
            status=PackageStatus(body.status),
        ),
    )
    return Envelope(data=PlanOut.of(snapshot))


@router.get("")
def list_plans(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    query: Annotated[PackageQuery, Depends(package_query)],
) -> ListEnvelope[PlanOut]:
    page = app.plans.list_packages(caller, query, paging)
    return ListEnvelope(data=[PlanOut.of(s) for s in page.items], pagination=page_out(page))


@router.get("/{plan_id}")
def get_plan(plan_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[PlanOut]:
    return Envelope(data=PlanOut.of(app.plans.get(caller, plan_id)))


@router.patch("/{plan_id}")
def update_plan(
    plan_id: str, body: PlanUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[PlanOut]:
    return Envelope(data=PlanOut.of(app.plans.update(caller, plan_id, body.changes())))


@router.post("/{plan_id}/archive")
def archive_plan(plan_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[PlanOut]:
    return Envelope(data=PlanOut.of(app.plans.archive(caller, plan_id)))


@router.post("/{plan_id}/draft", status_code=status.HTTP_201_CREATED)
def create_plan_draft(plan_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[PlanOut]:
    return Envelope(data=PlanOut.of(app.plans.create_draft(caller, plan_id)))


@router.delete("/{plan_id}/draft")
def remove_plan_draft(
    plan_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[RemovedDraftOut]:
    return Envelope(data=RemovedDraftOut(id=app.plans.remove_draft(caller, plan_id)))


@router.post("/{plan_id}/publish")
def publish_plan(
    plan_id: str, body: PublishIn, caller: ServerKey, app: ContainerDep
) -> Envelope[PublishOut]:
    task_id = app.plans.publish(caller, plan_id, MigrationType(body.migration_type))
    return Envelope(data=PublishOut(task_id=task_id))


@router.get("/{plan_id}/charges")
def list_plan_charges(
    plan_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[ChargeOut]:
    return rows_page(ChargeOut.rows(app.plans.charges(caller, plan_id)), paging)


@router.get("/{plan_id}/overage-charges")
def list_plan_overage_charges(
    plan_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[ChargeOut]:
    """Overage pricing is not supported yet: always empty for an existing plan."""
    app.plans.get(caller, plan_id)
    return rows_page([], paging)


@router.post("/{plan_id}/entitlements", status_code=status.HTTP_201_CREATED)
def create_plan_entitlements(
    plan_id: str, body: EntitlementsCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[list[EntitlementOut]]:
    added = app.plans.add_entitlements(caller, plan_id, body.to_specs())
    return Envelope(data=[EntitlementOut.of(e) for e in added])


@router.get("/{plan_id}/entitlements")
def list_plan_entitlements(
    plan_id: str, caller: ServerKey, app: ContainerDep
) -> ListEnvelope[EntitlementOut]:
    entitlements = app.plans.entitlements(caller, plan_id)
    return ListEnvelope(data=[EntitlementOut.of(e) for e in entitlements], pagination=NO_PAGES)


@router.patch("/{plan_id}/entitlements/{feature_id}")
def update_plan_entitlement(
    plan_id: str, feature_id: str, body: EntitlementUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[EntitlementOut]:
    updated = app.plans.update_entitlement(caller, plan_id, feature_id, body.changes())
    return Envelope(data=EntitlementOut.of(updated))


@router.delete("/{plan_id}/entitlements/{feature_id}")
def delete_plan_entitlement(
    plan_id: str, feature_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[EntitlementOut]:
    removed = app.plans.remove_entitlement(caller, plan_id, feature_id)
    return Envelope(data=EntitlementOut.of(removed))
