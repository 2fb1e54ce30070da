"""Recording domain events into the outbox, inside the caller's unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pactline.domain.events import DomainEvent
from pactline.domain.ids import new_id
from pactline.services.ports import UnitOfWork


def record_event(
    uow: UnitOfWork, environment_id: str, event_type: str, data: Mapping[str, Any], at: datetime
) -> DomainEvent:
    """Queue an event; it is delivered only if the unit of work commits."""
    event = new_event(environment_id, event_type, data, at)
    uow.outbox.add_all([event])
    return event


def new_event(
    environment_id: str, event_type: str, data: Mapping[str, Any], at: datetime
) -> DomainEvent:
    """An event not queued yet: `uow.outbox.add_all` queues many in one statement."""
    return DomainEvent(
        id=new_id("evt", at),
        environment_id=environment_id,
        type=event_type,
        occurred_at=at,
        data=dict(data),
    )
