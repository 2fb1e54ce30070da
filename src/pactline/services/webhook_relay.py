"""The outbox relay: turns committed events into signed webhook deliveries, with retries.

Two steps, each in its own short transaction so no transaction waits on the network:
fan-out (one delivery row per event and interested endpoint) and delivery (claim due rows,
POST them, record the outcome).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pactline.domain.events import DomainEvent
from pactline.domain.ids import new_id
from pactline.domain.webhooks import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    AttemptOutcome,
    DeliveryStatus,
    WebhookDelivery,
    next_attempt_after,
    sign,
)
from pactline.services.ports import Clock, UnitOfWorkFactory, WebhookSender

FAN_OUT_BATCH = 500
DELIVERY_BATCH = 10


@dataclass(frozen=True)
class RelayReport:
    events_dispatched: int
    deliveries_attempted: int
    deliveries_succeeded: int


def event_body(event: DomainEvent) -> bytes:
    """The JSON a receiver gets: stable field names, compact, UTF-8."""
    return json.dumps(
        {
            "id": event.id,
            "type": event.type,
            "environmentId": event.environment_id,
            "createdAt": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": event.data,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")


class WebhookRelay:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        sender: WebhookSender,
        send_timeout: timedelta = timedelta(seconds=10),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._sender = sender
        # A claim must outlive the slowest possible batch, or a second relay would re-claim
        # deliveries this one has not reached yet and send them twice.
        self._claim_duration = send_timeout * DELIVERY_BATCH + timedelta(seconds=60)

    def run_once(self) -> RelayReport:
        dispatched = 0
        while (count := self.fan_out()) > 0:
            dispatched += count
            if count < FAN_OUT_BATCH:
                break
        attempted = succeeded = 0
        while True:
            tried, ok = self.deliver_due()
            attempted += tried
            succeeded += ok
            if tried < DELIVERY_BATCH:
                break
        return RelayReport(dispatched, attempted, succeeded)

    def fan_out(self) -> int:
        with self._uow() as uow:
            events = uow.outbox.undispatched(FAN_OUT_BATCH)
            if not events:
                return 0
            now = self._clock.now()
            endpoints = uow.webhook_endpoints.all_enabled(
                sorted({event.environment_id for event in events})
            )
            for event in events:
                for endpoint in endpoints:
                    if endpoint.wants(event):
                        uow.webhook_deliveries.add(
                            WebhookDelivery(
                                id=new_id("whd", now),
                                environment_id=event.environment_id,
                                endpoint_id=endpoint.id,
                                event_id=event.id,
                                event_type=event.type,
                                status=DeliveryStatus.PENDING,
                                attempts=0,
                                next_attempt_at=now,
                                last_status_code=None,
                                last_error=None,
                                created_at=now,
                                delivered_at=None,
                            )
                        )
            uow.outbox.mark_dispatched([event.id for event in events], now)
            uow.commit()
            return len(events)

    def deliver_due(self) -> tuple[int, int]:
        """Attempt one batch of due deliveries; returns (attempted, succeeded)."""
        with self._uow() as uow:
            now = self._clock.now()
            claimed = uow.webhook_deliveries.claim_due(
                now, now + self._claim_duration, DELIVERY_BATCH
            )
            uow.commit()
        succeeded = 0
        for delivery in claimed:
            if self._attempt(delivery):
                succeeded += 1
        return len(claimed), succeeded

    def _attempt(self, delivery: WebhookDelivery) -> bool:
        with self._uow() as uow:
            event = uow.outbox.get(delivery.event_id)
            endpoint = uow.webhook_endpoints.get(delivery.environment_id, delivery.endpoint_id)
        if event is None or endpoint is None:
            return False  # deleted meanwhile; the cascade removes the delivery
        sent_at = self._clock.now()
        if not endpoint.enabled:
            # Disabling an endpoint stops its retries too; the log says why.
            self._record(
                replace(
                    delivery,
                    status=DeliveryStatus.FAILED,
                    next_attempt_at=None,
                    last_error="endpoint disabled before delivery",
                ),
                sent_at,
                AttemptOutcome(None, "endpoint disabled before delivery", 0),
            )
            return False
        body = event_body(event)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(endpoint.secret, int(sent_at.timestamp()), body),
            EVENT_ID_HEADER: event.id,
            EVENT_TYPE_HEADER: event.type,
        }
        outcome = self._sender.send(endpoint.url, body, headers)
        attempts = delivery.attempts + 1
        finished_at = self._clock.now()
        if outcome.succeeded:
            updated = replace(
                delivery,
                status=DeliveryStatus.DELIVERED,
                attempts=attempts,
                next_attempt_at=None,
                last_status_code=outcome.status_code,
                last_error=None,
                delivered_at=finished_at,
            )
        else:
            retry_at = next_attempt_after(attempts, finished_at)
            updated = replace(
                delivery,
                status=DeliveryStatus.PENDING if retry_at else DeliveryStatus.FAILED,
                attempts=attempts,
                next_attempt_at=retry_at,
                last_status_code=outcome.status_code,
                last_error=outcome.error,
            )
        self._record(updated, sent_at, outcome)
        return outcome.succeeded

    def _record(self, delivery: WebhookDelivery, at: datetime, outcome: AttemptOutcome) -> None:
        with self._uow() as uow:
            uow.webhook_deliveries.record_attempt(delivery, at, outcome)
            uow.commit()
