"""What services need from the world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol

from pactline.domain.catalog import (
    Feature,
    FeatureStatus,
    FeatureType,
    MeterType,
    Product,
    ProductStatus,
)
from pactline.domain.events import DomainEvent
from pactline.domain.idempotency import IdempotencyRecord, StoredResponse
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.domain.tenancy import Account, ApiKey, Environment
from pactline.domain.webhooks import AttemptOutcome, WebhookDelivery, WebhookEndpoint


class Clock(Protocol):
    def now(self) -> datetime:
        """The current aware UTC instant."""
        ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...
    def first(self) -> Account | None: ...
    def get(self, account_id: str) -> Account | None: ...


class EnvironmentRepository(Protocol):
    def add(self, environment: Environment) -> None: ...
    def get(self, environment_id: str) -> Environment | None: ...
    def by_slug(self, account_id: str, slug: str) -> Environment | None: ...
    def list_for_account(self, account_id: str) -> Sequence[Environment]: ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...
    def get(self, key_id: str) -> ApiKey | None: ...
    def by_hash(self, key_hash: str) -> ApiKey | None: ...
    def list(self, environment_ids: Sequence[str]) -> Sequence[ApiKey]: ...
    def revoke(self, key_id: str, at: datetime) -> None: ...


class IdempotencyRepository(Protocol):
    def get(self, environment_id: str, key: str) -> IdempotencyRecord | None: ...
    def insert(self, record: IdempotencyRecord) -> bool:
        """Insert unless the key exists; False when another request holds it."""
        ...

    def replace(self, record: IdempotencyRecord) -> None: ...
    def complete(
        self, environment_id: str, key: str, response: StoredResponse, expires_at: datetime
    ) -> None: ...
    def delete(self, environment_id: str, key: str) -> None: ...
    def delete_expired(self, now: datetime) -> int: ...


class OutboxRepository(Protocol):
    def add(self, event: DomainEvent) -> None: ...
    def undispatched(self, limit: int) -> Sequence[DomainEvent]:
        """Oldest first; on PostgreSQL rows claimed by another relay are skipped."""
        ...

    def mark_dispatched(self, event_ids: Sequence[str], at: datetime) -> None: ...
    def get(self, event_id: str) -> DomainEvent | None: ...


class WebhookEndpointRepository(Protocol):
    def add(self, endpoint: WebhookEndpoint) -> None: ...
    def get(self, environment_id: str, endpoint_id: str) -> WebhookEndpoint | None: ...
    def list(self, environment_id: str, page: PageRequest) -> Page[WebhookEndpoint]: ...
    def all_enabled(self, environment_ids: Sequence[str]) -> Sequence[WebhookEndpoint]: ...
    def update(self, endpoint: WebhookEndpoint, expected_version: int) -> bool:
        """Write `endpoint` only if the stored version is `expected_version`."""
        ...

    def delete(self, environment_id: str, endpoint_id: str) -> bool: ...


class WebhookDeliveryRepository(Protocol):
    def add(self, delivery: WebhookDelivery) -> None: ...
    def claim_due(
        self, now: datetime, claim_until: datetime, limit: int
    ) -> Sequence[WebhookDelivery]:
        """Due PENDING deliveries not claimed by a live relay, now claimed by this one."""
        ...

    def record_attempt(
        self,
        delivery: WebhookDelivery,
        attempted_at: datetime,
        outcome: AttemptOutcome,
    ) -> None:
        """Log the attempt and store the delivery's new state (status, attempts, next try)."""
        ...

    def list(
        self, environment_id: str, endpoint_id: str, page: PageRequest
    ) -> Page[WebhookDelivery]: ...


@dataclass(frozen=True)
class ProductQuery:
    ids: frozenset[str] = frozenset()
    statuses: frozenset[ProductStatus] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


@dataclass(frozen=True)
class FeatureQuery:
    ids: frozenset[str] = frozenset()
    types: frozenset[FeatureType] = frozenset()
    meter_types: frozenset[MeterType] = frozenset()
    statuses: frozenset[FeatureStatus] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, environment_id: str, product_id: str) -> Product | None: ...
    def update(self, product: Product) -> None: ...
    def list(
        self, environment_id: str, query: ProductQuery, page: PageRequest
    ) -> Page[Product]: ...


class FeatureRepository(Protocol):
    def add(self, feature: Feature) -> None: ...
    def get(self, environment_id: str, feature_id: str) -> Feature | None: ...
    def update(self, feature: Feature) -> None: ...
    def list(
        self, environment_id: str, query: FeatureQuery, page: PageRequest
    ) -> Page[Feature]: ...


class UnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def environments(self) -> EnvironmentRepository: ...

    @property
    def api_keys(self) -> ApiKeyRepository: ...

    @property
    def idempotency(self) -> IdempotencyRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def webhook_endpoints(self) -> WebhookEndpointRepository: ...

    @property
    def webhook_deliveries(self) -> WebhookDeliveryRepository: ...

    @property
    def products(self) -> ProductRepository: ...

    @property
    def features(self) -> FeatureRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class WebhookSender(Protocol):
    def send(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptOutcome: ...
