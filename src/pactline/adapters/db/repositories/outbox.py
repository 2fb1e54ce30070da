from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from pactline.adapters.db.bulk import insert_many
from pactline.adapters.db.schema import OutboxEventRow
from pactline.domain.events import DomainEvent

_OUTBOX: Table = OutboxEventRow.__table__  # type: ignore[assignment]


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_all(self, events: Sequence[DomainEvent]) -> None:
        # COPY on PostgreSQL: a billing run records thousands of events at once.
        rows = [
            {
                "id": event.id,
                "environment_id": event.environment_id,
                "type": event.type,
                "data": dict(event.data),
                "occurred_at": event.occurred_at,
                "dispatched_at": None,
            }
            for event in events
        ]
        insert_many(self._session, _OUTBOX, rows)

    def undispatched(self, limit: int) -> Sequence[DomainEvent]:
        rows = self._session.scalars(
            select(OutboxEventRow)
            .where(OutboxEventRow.dispatched_at.is_(None))
            .order_by(OutboxEventRow.seq)
            .limit(limit)
            .with_for_update(skip_locked=True)  # ignored by SQLite, whose writers queue anyway
        )
        return [_event(row) for row in rows]

    def mark_dispatched(self, event_ids: Sequence[str], at: datetime) -> None:
        self._session.execute(
            update(OutboxEventRow).where(OutboxEventRow.id.in_(event_ids)).values(dispatched_at=at)
        )

    def get(self, event_id: str) -> DomainEvent | None:
        row = self._session.scalars(
            select(OutboxEventRow).where(OutboxEventRow.id == event_id)
        ).first()
        return None if row is None else _event(row)


def _event(row: OutboxEventRow) -> DomainEvent:
    return DomainEvent(
        id=row.id,
        environment_id=row.environment_id,
        type=row.type,
        occurred_at=row.occurred_at,
        data=row.data,
    )
