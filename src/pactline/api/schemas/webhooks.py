from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.domain.webhooks import WebhookDelivery, WebhookEndpoint


class WebhookEndpointCreate(CamelModel):
    url: str = Field(description="Absolute http(s) URL that receives POSTed events")
    event_types: list[str] = Field(
        default_factory=lambda: ["*"], description="Event types to receive; '*' means all"
    )
    description: str = Field(default="", max_length=500)


class WebhookEndpointUpdate(CamelModel):
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None
    version: int | None = Field(
        default=None, description="The version you read; or send it as an If-Match header"
    )


class WebhookEndpointOut(OutModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookEndpointOut:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            event_types=list(endpoint.event_types),
            enabled=endpoint.enabled,
            version=endpoint.version,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    secret: str = Field(description="Signing secret; shown only on create and rotate")

    @classmethod
    def with_secret(cls, endpoint: WebhookEndpoint) -> WebhookEndpointWithSecretOut:
        return cls(**WebhookEndpointOut.of(endpoint).model_dump(), secret=endpoint.secret)


class DeletedOut(OutModel):
    id: str
    deleted: bool


class PingOut(OutModel):
    event_id: str


class WebhookDeliveryOut(OutModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryOut:
        return cls(
            id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            status=delivery.status.value,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
        )
