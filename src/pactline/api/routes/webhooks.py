from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.schemas.webhooks import (
    DeletedOut,
    PingOut,
    WebhookDeliveryOut,
    WebhookEndpointCreate,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecretOut,
)
from pactline.api.versioning import etag, expected_version
from pactline.services.webhooks import EndpointChanges

router = APIRouter(prefix="/api/v1/webhook-endpoints", tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_endpoint(
    body: WebhookEndpointCreate, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[WebhookEndpointWithSecretOut]:
    endpoint = app.webhooks.create(caller, body.url, body.event_types, body.description)
    response.headers["ETag"] = etag(endpoint.version)
    return Envelope(data=WebhookEndpointWithSecretOut.with_secret(endpoint))


@router.get("")
def list_endpoints(
    caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[WebhookEndpointOut]:
    page = app.webhooks.list(caller, paging)
    return ListEnvelope(
        data=[WebhookEndpointOut.of(e) for e in page.items], pagination=page_out(page)
    )


@router.get("/{endpoint_id}")
def get_endpoint(
    endpoint_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[WebhookEndpointOut]:
    endpoint = app.webhooks.get(caller, endpoint_id)
    response.headers["ETag"] = etag(endpoint.version)
    return Envelope(data=WebhookEndpointOut.of(endpoint))


@router.patch("/{endpoint_id}")
def update_endpoint(
    endpoint_id: str,
    body: WebhookEndpointUpdate,
    caller: ServerKey,
    app: ContainerDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> Envelope[WebhookEndpointOut]:
    changes = EndpointChanges(
        url=body.url,
        description=body.description,
        event_types=body.event_types,
        enabled=body.enabled,
    )
    version = expected_version(if_match, body.version)
    endpoint = app.webhooks.update(caller, endpoint_id, version, changes)
    response.headers["ETag"] = etag(endpoint.version)
    return Envelope(data=WebhookEndpointOut.of(endpoint))


@router.delete("/{endpoint_id}")
def delete_endpoint(endpoint_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[DeletedOut]:
    app.webhooks.delete(caller, endpoint_id)
    return Envelope(data=DeletedOut(id=endpoint_id, deleted=True))


@router.post("/{endpoint_id}/rotate-secret")
def rotate_secret(
    endpoint_id: str, caller: ServerKey, app: ContainerDep, response: Response
) -> Envelope[WebhookEndpointWithSecretOut]:
    endpoint = app.webhooks.rotate_secret(caller, endpoint_id)
    response.headers["ETag"] = etag(endpoint.version)
    return Envelope(data=WebhookEndpointWithSecretOut.with_secret(endpoint))


@router.post("/{endpoint_id}/ping", status_code=status.HTTP_202_ACCEPTED)
def ping(endpoint_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[PingOut]:
    return Envelope(data=PingOut(event_id=app.webhooks.ping(caller, endpoint_id)))


@router.get("/{endpoint_id}/deliveries")
def list_deliveries(
    endpoint_id: str, caller: ServerKey, app: ContainerDep, paging: Paging
) -> ListEnvelope[WebhookDeliveryOut]:
    page = app.webhooks.deliveries(caller, endpoint_id, paging)
    return ListEnvelope(
        data=[WebhookDeliveryOut.of(d) for d in page.items], pagination=page_out(page)
    )
