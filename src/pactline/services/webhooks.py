"""Webhook endpoints (CRUD) and their delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pactline.domain.errors import EntityNotFound, InvalidArgument, StaleVersion
from pactline.domain.ids import new_id
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.tenancy import Principal
from pactline.domain.webhooks import (
    PING_EVENT,
    WebhookDelivery,
    WebhookEndpoint,
    new_signing_secret,
    validate_endpoint,
)
from pactline.services.events import record_event
from pactline.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

ENTITY = "WebhookEndpoint"


@dataclass(frozen=True)
class EndpointChanges:
    """Fields of a partial update; None leaves the field as it is."""

    url: str | None = None
    description: str | None = None
    event_types: Sequence[str] | None = None
    enabled: bool | None = None


class WebhookEndpointService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, caller: Principal, url: str, event_types: Sequence[str], description: str = ""
    ) -> WebhookEndpoint:
        validate_endpoint(url, event_types)
        with self._uow() as uow:
            now = self._clock.now()
            endpoint = WebhookEndpoint(
                id=new_id("whe", now),
                environment_id=caller.environment_id,
                url=url,
                description=description,
                event_types=tuple(event_types),
                enabled=True,
                secret=new_signing_secret(),
                version=1,
                created_at=now,
                updated_at=now,
            )
            uow.webhook_endpoints.add(endpoint)
            record_event(
                uow, caller.environment_id, "webhook_endpoint.created", _public(endpoint), now
            )
            uow.commit()
            return endpoint

    def get(self, caller: Principal, endpoint_id: str) -> WebhookEndpoint:
        with self._uow() as uow:
            return _existing(uow, caller, endpoint_id)

    def list(self, caller: Principal, page: PageRequest) -> Page[WebhookEndpoint]:
        with self._uow() as uow:
            return uow.webhook_endpoints.list(caller.environment_id, page)

    def update(
        self, caller: Principal, endpoint_id: str, expected_version: int, changes: EndpointChanges
    ) -> WebhookEndpoint:
        with self._uow() as uow:
            current = _existing(uow, caller, endpoint_id)
            if current.version != expected_version:
                raise StaleVersion(ENTITY, endpoint_id, expected_version, current.version)
            now = self._clock.now()
            updated = replace(
                current,
                url=current.url if changes.url is None else changes.url,
                description=(
                    current.description if changes.description is None else changes.description
                ),
                event_types=(
                    current.event_types
                    if changes.event_types is None
                    else tuple(changes.event_types)
                ),
                enabled=current.enabled if changes.enabled is None else changes.enabled,
                version=current.version + 1,
                updated_at=now,
            )
            validate_endpoint(updated.url, updated.event_types)
            # The repository re-checks the version in the UPDATE itself, so two writers that
            # both read version N cannot both succeed.
            if not uow.webhook_endpoints.update(updated, expected_version):
                latest = uow.webhook_endpoints.get(caller.environment_id, endpoint_id)
                raise StaleVersion(
                    ENTITY, endpoint_id, expected_version, latest.version if latest else None
                )
            record_event(
                uow, caller.environment_id, "webhook_endpoint.updated", _public(updated), now
            )
            uow.commit()
            return updated

    def rotate_secret(self, caller: Principal, endpoint_id: str) -> WebhookEndpoint:
        with self._uow() as uow:
            current = _existing(uow, caller, endpoint_id)
            updated = replace(
                current,
                secret=new_signing_secret(),
                version=current.version + 1,
                updated_at=self._clock.now(),
            )
            if not uow.webhook_endpoints.update(updated, current.version):
                raise StaleVersion(ENTITY, endpoint_id, current.version, None)
            record_event(
                uow,
                caller.environment_id,
                "webhook_endpoint.secret_rotated",
                _public(updated),
                updated.updated_at,
            )
            uow.commit()
            return updated

    def delete(self, caller: Principal, endpoint_id: str) -> None:
        with self._uow() as uow:
            endpoint = _existing(uow, caller, endpoint_id)
            uow.webhook_endpoints.delete(caller.environment_id, endpoint_id)
            record_event(
                uow,
                caller.environment_id,
                "webhook_endpoint.deleted",
                _public(endpoint),
                self._clock.now(),
            )
            uow.commit()

    def ping(self, caller: Principal, endpoint_id: str) -> str:
        """Queue a `ping` event that only this endpoint receives."""
        with self._uow() as uow:
            endpoint = _existing(uow, caller, endpoint_id)
            if not endpoint.enabled:
                raise InvalidArgument.single(
                    "enabled", "the endpoint is disabled; enable it before pinging", "disabled"
                )
            event = record_event(
                uow,
                caller.environment_id,
                PING_EVENT,
                {"endpointId": endpoint_id},
                self._clock.now(),
            )
            uow.commit()
            return event.id

    def deliveries(
        self, caller: Principal, endpoint_id: str, page: PageRequest
    ) -> Page[WebhookDelivery]:
        with self._uow() as uow:
            _existing(uow, caller, endpoint_id)
            return uow.webhook_deliveries.list(caller.environment_id, endpoint_id, page)


def _existing(uow: UnitOfWork, caller: Principal, endpoint_id: str) -> WebhookEndpoint:
    endpoint = uow.webhook_endpoints.get(caller.environment_id, endpoint_id)
    if endpoint is None:
        raise EntityNotFound(ENTITY, endpoint_id)
    return endpoint


def _public(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "eventTypes": list(endpoint.event_types),
        "enabled": endpoint.enabled,
        "version": endpoint.version,
    }
