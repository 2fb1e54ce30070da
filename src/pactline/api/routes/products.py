from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.filters import comma_ids, comma_list, created_range
from pactline.api.schemas.catalog import ProductCreate, ProductOut, ProductUpdate
from pactline.domain.catalog import ProductStatus
from pactline.domain.pagination import CreatedRange
from pactline.services.catalog import UNSET
from pactline.services.ports import ProductQuery

router = APIRouter(prefix="/api/v1/products", tags=["products"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_product(
    body: ProductCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[ProductOut]:
    product = app.catalog.create_product(
        caller,
        body.id,
        body.display_name,
        body.description,
        body.metadata,
        body.multiple_subscriptions,
    )
    return Envelope(data=ProductOut.of(product))


@router.get("")
def list_products(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    id: Annotated[str | None, Query(description="Filter by id (comma-separated)")] = None,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> ListEnvelope[ProductOut]:
    query = ProductQuery(
        ids=comma_ids(id),
        statuses=comma_list("status", status_filter, ProductStatus),
        created=created,
    )
    page = app.catalog.list_products(caller, query, paging)
    return ListEnvelope(data=[ProductOut.of(p) for p in page.items], pagination=page_out(page))


@router.patch("/{product_id}")
def update_product(
    product_id: str, body: ProductUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[ProductOut]:
    sent = body.model_fields_set
    product = app.catalog.update_product(
        caller,
        product_id,
        display_name=body.display_name if "display_name" in sent else UNSET,
        description=body.description if "description" in sent else UNSET,
        metadata=body.metadata if "metadata" in sent else UNSET,
        multiple_subscriptions=(
            body.multiple_subscriptions
            if "multiple_subscriptions" in sent and body.multiple_subscriptions is not None
            else UNSET
        ),
    )
    return Envelope(data=ProductOut.of(product))


@router.post("/{product_id}/archive")
def archive_product(product_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[ProductOut]:
    product = app.catalog.set_product_status(caller, product_id, ProductStatus.ARCHIVED)
    return Envelope(data=ProductOut.of(product))


@router.post("/{product_id}/unarchive")
def unarchive_product(
    product_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[ProductOut]:
    product = app.catalog.set_product_status(caller, product_id, ProductStatus.PUBLISHED)
    return Envelope(data=ProductOut.of(product))
