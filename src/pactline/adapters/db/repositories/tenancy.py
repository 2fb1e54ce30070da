from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pactline.adapters.db.schema import AccountRow, ApiKeyRow, EnvironmentRow
from pactline.domain.tenancy import Account, ApiKey, Environment, KeyKind


class SqlAccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account: Account) -> None:
        self._session.add(
            AccountRow(id=account.id, name=account.name, created_at=account.created_at)
        )
        self._session.flush()

    def first(self) -> Account | None:
        row = self._session.scalars(
            select(AccountRow).order_by(AccountRow.created_at, AccountRow.id).limit(1)
        ).first()
        return None if row is None else _account(row)

    def get(self, account_id: str) -> Account | None:
        row = self._session.get(AccountRow, account_id)
        return None if row is None else _account(row)


class SqlEnvironmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, environment: Environment) -> None:
        self._session.add(
            EnvironmentRow(
                id=environment.id,
                account_id=environment.account_id,
                slug=environment.slug,
                name=environment.name,
                created_at=environment.created_at,
            )
        )
        self._session.flush()

    def get(self, environment_id: str) -> Environment | None:
        row = self._session.get(EnvironmentRow, environment_id)
        return None if row is None else _environment(row)

    def by_slug(self, account_id: str, slug: str) -> Environment | None:
        row = self._session.scalars(
            select(EnvironmentRow).where(
                EnvironmentRow.account_id == account_id, EnvironmentRow.slug == slug
            )
        ).first()
        return None if row is None else _environment(row)

    def list_for_account(self, account_id: str) -> Sequence[Environment]:
        rows = self._session.scalars(
            select(EnvironmentRow)
            .where(EnvironmentRow.account_id == account_id)
            .order_by(EnvironmentRow.created_at, EnvironmentRow.slug)
        )
        return [_environment(row) for row in rows]


class SqlApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: ApiKey) -> None:
        self._session.add(
            ApiKeyRow(
                id=key.id,
                environment_id=key.environment_id,
                kind=key.kind.value,
                label=key.label,
                display_prefix=key.display_prefix,
                key_hash=key.key_hash,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )
        self._session.flush()

    def get(self, key_id: str) -> ApiKey | None:
        row = self._session.get(ApiKeyRow, key_id)
        return None if row is None else _key(row)

    def by_hash(self, key_hash: str) -> ApiKey | None:
        row = self._session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash)).first()
        return None if row is None else _key(row)

    def list(self, environment_ids: Sequence[str]) -> Sequence[ApiKey]:
        rows = self._session.scalars(
            select(ApiKeyRow)
            .where(ApiKeyRow.environment_id.in_(environment_ids))
            .order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        )
        return [_key(row) for row in rows]

    def revoke(self, key_id: str, at: datetime) -> None:
        self._session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        self._session.expire_all()


def _account(row: AccountRow) -> Account:
    return Account(id=row.id, name=row.name, created_at=row.created_at)


def _environment(row: EnvironmentRow) -> Environment:
    return Environment(
        id=row.id,
        account_id=row.account_id,
        slug=row.slug,
        name=row.name,
        created_at=row.created_at,
    )


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        environment_id=row.environment_id,
        kind=KeyKind(row.kind),
        label=row.label,
        display_prefix=row.display_prefix,
        key_hash=row.key_hash,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
