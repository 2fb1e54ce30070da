"""Accounts and environments, and the API keys that act inside one environment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pactline.domain.errors import EntityNotFound, InvalidArgument, Unauthenticated
from pactline.domain.ids import new_id
from pactline.domain.tenancy import (
    DEFAULT_ENVIRONMENTS,
    Account,
    ApiKey,
    Environment,
    KeyKind,
    Principal,
    display_prefix,
    generate_secret,
    hash_secret,
)
from pactline.services.events import record_event
from pactline.services.ports import Clock, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str  # shown once; only its hash is stored
    environment: Environment


class TenancyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def ensure_default_account(self, name: str = "Default account") -> Account:
        """The self-hosted install's account with its standard environments; idempotent."""
        with self._uow() as uow:
            account = uow.accounts.first()
            now = self._clock.now()
            if account is None:
                account = Account(id=new_id("acc", now), name=name, created_at=now)
                uow.accounts.add(account)
            for slug in DEFAULT_ENVIRONMENTS:
                if uow.environments.by_slug(account.id, slug) is None:
                    uow.environments.add(
                        Environment(
                            id=new_id("env", now),
                            account_id=account.id,
                            slug=slug,
                            name=slug.capitalize(),
                            created_at=now,
                        )
                    )
            uow.commit()
            return account

    def environments(self) -> Sequence[Environment]:
        with self._uow() as uow:
            account = uow.accounts.first()
            return [] if account is None else uow.environments.list_for_account(account.id)

    def create_key(self, environment_slug: str, kind: KeyKind, label: str = "") -> CreatedKey:
        with self._uow() as uow:
            environment = self._environment(uow, environment_slug)
            now = self._clock.now()
            secret = generate_secret(kind)
            key = ApiKey(
                id=new_id("key", now),
                environment_id=environment.id,
                kind=kind,
                label=label,
                display_prefix=display_prefix(secret),
                key_hash=hash_secret(secret),
                created_at=now,
            )
            uow.api_keys.add(key)
            record_event(
                uow,
                environment.id,
                "api_key.created",
                {"id": key.id, "kind": kind.value, "label": label},
                now,
            )
            uow.commit()
            return CreatedKey(key=key, secret=secret, environment=environment)

    def list_keys(
        self, environment_slug: str | None = None
    ) -> Sequence[tuple[ApiKey, Environment]]:
        with self._uow() as uow:
            account = uow.accounts.first()
            if account is None:
                return []
            environments = {e.id: e for e in uow.environments.list_for_account(account.id)}
            if environment_slug is not None:
                wanted = self._environment(uow, environment_slug)
                environments = {wanted.id: wanted}
            keys = uow.api_keys.list(list(environments))
            return [(key, environments[key.environment_id]) for key in keys]

    def revoke_key(self, key_id: str) -> ApiKey:
        with self._uow() as uow:
            key = uow.api_keys.get(key_id)
            if key is None:
                raise EntityNotFound("ApiKey", key_id)
            if key.active:
                now = self._clock.now()
                uow.api_keys.revoke(key_id, now)
                record_event(uow, key.environment_id, "api_key.revoked", {"id": key.id}, now)
                uow.commit()
                key = uow.api_keys.get(key_id) or key
            return key

    def authenticate(self, secret: str | None) -> Principal:
        if not secret:
            raise Unauthenticated("Missing X-API-KEY header")
        with self._uow() as uow:
            key = uow.api_keys.by_hash(hash_secret(secret))
            if key is None or not key.active:
                raise Unauthenticated("The API key is not valid or has been revoked")
            environment = uow.environments.get(key.environment_id)
            if environment is None:  # pragma: no cover - foreign key guarantees it
                raise Unauthenticated("The API key's environment no longer exists")
            return Principal(
                key_id=key.id,
                kind=key.kind,
                environment_id=environment.id,
                account_id=environment.account_id,
            )

    def is_key_active(self, secret: str) -> bool:
        with self._uow() as uow:
            key = uow.api_keys.by_hash(hash_secret(secret))
            return key is not None and key.active

    @staticmethod
    def _environment(uow: UnitOfWork, slug: str) -> Environment:
        account = uow.accounts.first()
        environment = None if account is None else uow.environments.by_slug(account.id, slug)
        if environment is None:
            raise InvalidArgument.single(
                "environment", f"no environment '{slug}'; known: {', '.join(DEFAULT_ENVIRONMENTS)}"
            )
        return environment
