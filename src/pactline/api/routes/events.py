"""Raw usage events, counted by the meters of metered features."""

from __future__ import annotations

from fastapi import APIRouter

from pactline.api.deps import ContainerDep, ServerKey
from pactline.api.envelope import Envelope
from pactline.api.schemas.usage import EventReportIn, EventsOut

router = APIRouter(prefix="/api/v1/events", tags=["usage"])


@router.post("")
def report_events(body: EventReportIn, caller: ServerKey, app: ContainerDep) -> Envelope[EventsOut]:
    """Up to 1,000 events, all or nothing; `idempotencyKey` dedups per customer for 7 days."""
    receipt = app.usage.report_events(caller, body.to_reports())
    return Envelope(data=EventsOut.of(receipt))
