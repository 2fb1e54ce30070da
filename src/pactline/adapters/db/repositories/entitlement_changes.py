from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from pactline.adapters.db.schema.changes import EntitlementChangeRow as Row
from pactline.domain.entitlement_changes import ChangeScope, EntitlementChange, FedChange


class SqlEntitlementChangeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, changes: Sequence[EntitlementChange], origin: str, at: datetime) -> None:
        if not changes:
            return
        self._session.execute(
            insert(Row),
            [
                {
                    "environment_id": change.environment_id,
                    "scope": change.scope.value,
                    "customer_id": change.customer_id,
                    "series": list(change.series) or None,  # pairs become JSON arrays
                    "origin": origin,
                    "created_at": at,
                }
                for change in changes
            ],
        )

    def last_seq(self) -> int:
        return int(self._session.scalar(select(func.coalesce(func.max(Row.seq), 0))) or 0)

    def after(self, seq: int, limit: int) -> list[FedChange]:
        rows = self._session.scalars(
            select(Row).where(Row.seq > seq).order_by(Row.seq).limit(limit)
        )
        return [
            FedChange(
                row.seq,
                row.origin,
                EntitlementChange(
                    row.environment_id,
                    ChangeScope(row.scope),
                    row.customer_id,
                    tuple((str(pair[0]), str(pair[1])) for pair in row.series or ()),
                ),
            )
            for row in rows
        ]

    def purge(self, before: datetime) -> int:
        # The newest row stays: SQLite would otherwise hand its position out again.
        newest = select(func.max(Row.seq)).scalar_subquery()
        result = self._session.execute(delete(Row).where(Row.created_at < before, Row.seq < newest))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
