from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.schema import WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.webhooks import (
    AttemptOutcome,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)


class SqlWebhookEndpointRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, endpoint: WebhookEndpoint) -> None:
        self._session.add(
            WebhookEndpointRow(
                id=endpoint.id,
                environment_id=endpoint.environment_id,
                url=endpoint.url,
                description=endpoint.description,
                event_types=list(endpoint.event_types),
                enabled=endpoint.enabled,
                secret=endpoint.secret,
                version=endpoint.version,
                created_at=endpoint.created_at,
                updated_at=endpoint.updated_at,
            )
        )
        self._session.flush()

    def get(self, environment_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        row = self._session.scalars(
            select(WebhookEndpointRow)
            .where(
                WebhookEndpointRow.environment_id == environment_id,
                WebhookEndpointRow.id == endpoint_id,
            )
            .execution_options(populate_existing=True)
        ).first()
        return None if row is None else _endpoint(row)

    def list(self, environment_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
        statement = select(WebhookEndpointRow).where(
            WebhookEndpointRow.environment_id == environment_id
        )
        return keyset_page(
            self._session,
            statement,
            WebhookEndpointRow.created_at,
            WebhookEndpointRow.id,
            page,
            _endpoint,
        )

    def all_enabled(self, environment_ids: Sequence[str]) -> Sequence[WebhookEndpoint]:
        rows = self._session.scalars(
            select(WebhookEndpointRow)
            .where(
                WebhookEndpointRow.environment_id.in_(environment_ids),
                WebhookEndpointRow.enabled.is_(True),
            )
            .order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.id)
        )
        return [_endpoint(row) for row in rows]

    def update(self, endpoint: WebhookEndpoint, expected_version: int) -> bool:
        result = self._session.execute(
            update(WebhookEndpointRow)
            .where(
                WebhookEndpointRow.environment_id == endpoint.environment_id,
                WebhookEndpointRow.id == endpoint.id,
                WebhookEndpointRow.version == expected_version,
            )
            .values(
                url=endpoint.url,
                description=endpoint.description,
                event_types=list(endpoint.event_types),
                enabled=endpoint.enabled,
                secret=endpoint.secret,
                version=endpoint.version,
                updated_at=endpoint.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def delete(self, environment_id: str, endpoint_id: str) -> bool:
        result = self._session.execute(
            delete(WebhookEndpointRow).where(
                WebhookEndpointRow.environment_id == environment_id,
                WebhookEndpointRow.id == endpoint_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class SqlWebhookDeliveryRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, delivery: WebhookDelivery) -> None:
        self._session.add(
            WebhookDeliveryRow(
                id=delivery.id,
                environment_id=delivery.environment_id,
                endpoint_id=delivery.endpoint_id,
                event_id=delivery.event_id,
                event_type=delivery.event_type,
                status=delivery.status.value,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                claimed_until=None,
                last_status_code=delivery.last_status_code,
                last_error=delivery.last_error,
                created_at=delivery.created_at,
                delivered_at=delivery.delivered_at,
            )
        )
        self._session.flush()

    def claim_due(
        self, now: datetime, claim_until: datetime, limit: int
    ) -> Sequence[WebhookDelivery]:
        rows = list(
            self._session.scalars(
                select(WebhookDeliveryRow)
                .where(
                    WebhookDeliveryRow.status == DeliveryStatus.PENDING.value,
                    WebhookDeliveryRow.next_attempt_at <= now,
                    or_(
                        WebhookDeliveryRow.claimed_until.is_(None),
                        WebhookDeliveryRow.claimed_until <= now,
                    ),
                )
                .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.claimed_until = claim_until
        self._session.flush()
        return [_delivery(row) for row in rows]

    def record_attempt(
        self, delivery: WebhookDelivery, attempted_at: datetime, outcome: AttemptOutcome
    ) -> None:
        self._session.add(
            WebhookAttemptRow(
                delivery_id=delivery.id,
                attempted_at=attempted_at,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
            )
        )
        self._session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery.id)
            .values(
                status=delivery.status.value,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                claimed_until=None,
                last_status_code=delivery.last_status_code,
                last_error=delivery.last_error,
                delivered_at=delivery.delivered_at,
            )
        )

    def list(
        self, environment_id: str, endpoint_id: str, page: PageRequest
    ) -> Page[WebhookDelivery]:
        statement = select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.environment_id == environment_id,
            WebhookDeliveryRow.endpoint_id == endpoint_id,
        )
        return keyset_page(
            self._session,
            statement,
            WebhookDeliveryRow.created_at,
            WebhookDeliveryRow.id,
            page,
            _delivery,
        )


def _endpoint(row: WebhookEndpointRow) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        environment_id=row.environment_id,
        url=row.url,
        description=row.description,
        event_types=tuple(row.event_types),
        enabled=row.enabled,
        secret=row.secret,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery(row: WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        environment_id=row.environment_id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )
