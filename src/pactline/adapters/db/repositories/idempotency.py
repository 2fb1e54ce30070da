from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pactline.adapters.db.schema import IdempotencyRecordRow
from pactline.domain.idempotency import IdempotencyRecord, IdempotencyStatus, StoredResponse


class SqlIdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, environment_id: str, key: str) -> IdempotencyRecord | None:
        row = self._session.get(IdempotencyRecordRow, (environment_id, key), populate_existing=True)
        return None if row is None else _record(row)

    def insert(self, record: IdempotencyRecord) -> bool:
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(IdempotencyRecordRow)
            .values(
                environment_id=record.environment_id,
                key=record.key,
                fingerprint=record.fingerprint,
                status=record.status.value,
                created_at=record.created_at,
                expires_at=record.expires_at,
            )
            .on_conflict_do_nothing(index_elements=["environment_id", "key"])
            # RETURNING, not rowcount: SQLAlchemy reports -1 for this insert on psycopg.
            .returning(IdempotencyRecordRow.key)
        )
        return self._session.execute(statement).first() is not None

    def replace(self, record: IdempotencyRecord) -> None:
        self._session.execute(
            update(IdempotencyRecordRow)
            .where(
                IdempotencyRecordRow.environment_id == record.environment_id,
                IdempotencyRecordRow.key == record.key,
            )
            .values(
                fingerprint=record.fingerprint,
                status=record.status.value,
                response_status=None,
                response_body=None,
                response_headers=None,
                created_at=record.created_at,
                expires_at=record.expires_at,
            )
        )

    def complete(
        self, environment_id: str, key: str, response: StoredResponse, expires_at: datetime
    ) -> None:
        self._session.execute(
            update(IdempotencyRecordRow)
            .where(
                IdempotencyRecordRow.environment_id == environment_id,
                IdempotencyRecordRow.key == key,
            )
            .values(
                status=IdempotencyStatus.COMPLETED.value,
                response_status=response.status_code,
                response_body=response.body,
                response_headers=[list(header) for header in response.headers],
                expires_at=expires_at,
            )
        )

    def delete(self, environment_id: str, key: str) -> None:
        self._session.execute(
            delete(IdempotencyRecordRow).where(
                IdempotencyRecordRow.environment_id == environment_id,
                IdempotencyRecordRow.key == key,
            )
        )

    def delete_expired(self, now: datetime) -> int:
        result = self._session.execute(
            delete(IdempotencyRecordRow).where(IdempotencyRecordRow.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _record(row: IdempotencyRecordRow) -> IdempotencyRecord:
    response = None
    if row.response_status is not None:
        response = StoredResponse(
            status_code=row.response_status,
            body=row.response_body or b"",
            headers=tuple((name, value) for name, value in row.response_headers or []),
        )
    return IdempotencyRecord(
        environment_id=row.environment_id,
        key=row.key,
        fingerprint=row.fingerprint,
        status=IdempotencyStatus(row.status),
        created_at=row.created_at,
        expires_at=row.expires_at,
        response=response,
    )
