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
    event = DomainEvent(
        id=new_id("evt", at),
        environment_id=environment_id,
        type=event_type,
        occurred_at=at,
        data=dict(data),
    )
    uow.outbox.add(event)
    return event
