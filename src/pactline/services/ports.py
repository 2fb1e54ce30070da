"""What services need from the world, as Protocols the adapters implement."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import NamedTuple, Protocol

from pactline.domain.billable_contracts import BillableContract
from pactline.domain.catalog import (
    Feature,
    FeatureStatus,
    FeatureType,
    MeterType,
    Product,
    ProductStatus,
)
from pactline.domain.charges import PricingType
from pactline.domain.contract_amendments import Amendment
from pactline.domain.contract_records import Contract, ContractStatus
from pactline.domain.corrections import Correction
from pactline.domain.credit_balances import CreditEntry
from pactline.domain.credit_notes import CreditNote
from pactline.domain.currency import Currency
from pactline.domain.customers import Customer, GrantStatus, PromotionalEntitlement
from pactline.domain.entitlement_changes import EntitlementChange, FedChange
from pactline.domain.events import DomainEvent
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.idempotency import IdempotencyRecord, StoredResponse
from pactline.domain.invoice_lifecycle import DocumentKind, InvoiceStatus, StoredInvoice
from pactline.domain.legal_entities import LegalEntity
from pactline.domain.metering import (
    DimensionValue,
    MeterMatch,
    RawEvent,
    ResetPolicy,
    Running,
    UsageRecord,
)
from pactline.domain.orders import Order, OrderStatus, OrderType
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.domain.periods import Period
from pactline.domain.plans import (
    AddonVersion,
    MigrationType,
    Package,
    PackageStatus,
    PlanVersion,
)
from pactline.domain.subscriptions import Subscription, SubscriptionStatus
from pactline.domain.tenancy import Account, ApiKey, Environment
from pactline.domain.usage_filters import UsageFilter
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
    def add_all(self, events: Sequence[DomainEvent]) -> None:
        """Queue the events in their order, in one statement."""
        ...

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


@dataclass(frozen=True)
class CustomerQuery:
    email: str | None = None  # exact match
    name: str | None = None  # exact match
    created: CreatedRange = field(default_factory=CreatedRange)


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(
        self, environment_id: str, customer_id: str, for_update: bool = False
    ) -> Customer | None:
        """The customer; `for_update` holds a lock on it until the unit of work ends, so that
        changes to the customer's subscriptions and grants are made one after another."""
        ...

    def consolidating(self, environment_id: str) -> set[str]:
        """The ids of the environment's customers whose invoices consolidate."""
        ...

    def update(self, customer: Customer) -> None: ...
    def list(
        self, environment_id: str, query: CustomerQuery, page: PageRequest
    ) -> Page[Customer]: ...


@dataclass(frozen=True)
class PromotionalEntitlementQuery:
    at: datetime  # the instant statuses are evaluated at
    statuses: frozenset[GrantStatus] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


class PromotionalEntitlementRepository(Protocol):
    def add(self, grant: PromotionalEntitlement) -> None: ...
    def update(self, grant: PromotionalEntitlement) -> None: ...
    def active_for(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[PromotionalEntitlement]:
        """The customer's grants in force at `at` (at most one per feature), by feature id."""
        ...

    def next_start(self, environment_id: str, customer_id: str, after: datetime) -> datetime | None:
        """The earliest start after `after` of the customer's grants not revoked."""
        ...

    def list(
        self,
        environment_id: str,
        customer_id: str,
        query: PromotionalEntitlementQuery,
        page: PageRequest,
    ) -> Page[PromotionalEntitlement]: ...


@dataclass(frozen=True)
class PackageQuery:
    """Plan and add-on list filters; `statuses` match what the list shows (see Package.status)."""

    product_id: str | None = None
    statuses: frozenset[PackageStatus] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


class PlanRepository(Protocol):
    def add(self, plan: Package) -> None: ...
    def get(self, environment_id: str, plan_id: str, for_update: bool = False) -> Package | None:
        """`for_update` locks the plan's row until the unit of work ends (PostgreSQL)."""
        ...

    def update(self, plan: Package) -> None: ...
    def list(
        self, environment_id: str, query: PackageQuery, page: PageRequest
    ) -> Page[Package]: ...
    def add_version(self, version: PlanVersion) -> None: ...
    def get_version(
        self, environment_id: str, plan_id: str, version_number: int
    ) -> PlanVersion | None: ...
    def latest_published(self, environment_id: str, plan_id: str) -> PlanVersion | None:
        """The version new subscriptions get (None: never published); archived plans too."""
        ...

    def update_version(self, version: PlanVersion) -> None: ...
    def delete_version(self, environment_id: str, plan_id: str, version_number: int) -> None: ...


class AddonRepository(Protocol):
    def add(self, addon: Package) -> None: ...
    def get(
        self, environment_id: str, addon_id: str, for_update: bool = False
    ) -> Package | None: ...
    def update(self, addon: Package) -> None: ...
    def list(
        self, environment_id: str, query: PackageQuery, page: PageRequest
    ) -> Page[Package]: ...
    def add_version(self, version: AddonVersion) -> None: ...
    def get_version(
        self, environment_id: str, addon_id: str, version_number: int
    ) -> AddonVersion | None: ...
    def latest_published(self, environment_id: str, addon_id: str) -> AddonVersion | None: ...
    def update_version(self, version: AddonVersion) -> None: ...
    def delete_version(self, environment_id: str, addon_id: str, version_number: int) -> None: ...


class UsageRepository(Protocol):
    """Reported usage and raw events, stored with the running state that makes reads cheap."""

    def lock_series(self, environment_id: str, keys: Collection[tuple[str, str]]) -> None:
        """Serialise writers of these (customer, feature) series until the unit of work ends."""
        ...

    def lock_event_keys(self, environment_id: str, keys: Collection[tuple[str, str]]) -> None:
        """Serialise writers of these (customer, idempotency key) raw events, likewise."""
        ...

    def records_with_keys(
        self, environment_id: str, keys: Collection[str]
    ) -> Sequence[UsageRecord]:
        """Stored records holding one of these idempotency keys (any customer or feature)."""
        ...

    def release_keys(self, environment_id: str, record_ids: Sequence[str]) -> None:
        """Free the idempotency keys of these records (their dedup window is over)."""
        ...

    def append(self, records: Sequence[UsageRecord]) -> Mapping[tuple[str, str], Running]:
        """Store new records of locked series; each series' reported state after them."""
        ...

    def events_with_keys(
        self, environment_id: str, keys: Collection[str]
    ) -> Sequence[RawEvent]: ...

    def release_event_keys(self, environment_id: str, event_ids: Sequence[str]) -> None: ...
    def append_events(self, events: Sequence[RawEvent], matches: Sequence[MeterMatch]) -> None:
        """Store new events, and their matches of locked series."""
        ...

    def current(
        self, environment_id: str, customer_id: str, feature: Feature, window: Period | None
    ) -> Decimal:
        """Usage of the feature in `window` (None: all time); FLUCTUATING features ignore it."""
        ...

    def current_many(
        self,
        environment_id: str,
        asks: Mapping[tuple[str, str], tuple[Feature, Period | None]],
        known: Mapping[tuple[str, str], Running] | None = None,
    ) -> dict[tuple[str, str], Decimal]:
        """`current` of many (customer, feature) series in a few batched reads; `known`: their
        latest reported states when already at hand (from `append`)."""
        ...

    def records_between(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        start: datetime | None,
        end: datetime,
        resource_id: str | None = None,
    ) -> Sequence[UsageRecord]:
        """Records with `start <= occurred_at < end`, in series order."""
        ...

    def matches_between(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        start: datetime | None,
        end: datetime,
        resource_id: str | None = None,
    ) -> Sequence[tuple[MeterMatch, Mapping[str, DimensionValue]]]:
        """Meter matches in the range, in series order, with their events' dimensions."""
        ...


@dataclass(frozen=True)
class SubscriptionQuery:
    """Subscription list filters; `statuses` are derived at the instant `at`."""

    at: datetime
    customer_id: str | None = None
    plan_id: str | None = None
    pricing_types: frozenset[PricingType] = frozenset()
    statuses: frozenset[SubscriptionStatus] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


class SubscriptionRepository(Protocol):
    def add(self, subscription: Subscription) -> None: ...
    def get(
        self, environment_id: str, subscription_id: str, for_update: bool = False
    ) -> Subscription | None: ...
    def update(self, subscription: Subscription) -> None: ...
    def for_customer(self, environment_id: str, customer_id: str) -> Sequence[Subscription]:
        """All the customer's subscriptions, ended or not, oldest first."""
        ...

    def active_for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> list[Subscription]:
        """The customer's subscriptions granting entitlements at `at` (ACTIVE or IN_TRIAL)."""
        ...

    def next_start(self, environment_id: str, customer_id: str, after: datetime) -> datetime | None:
        """The earliest start after `after` of the customer's subscriptions not canceled."""
        ...

    def live_on_plan(
        self, environment_id: str, plan_id: str, at: datetime
    ) -> Sequence[Subscription]:
        """Subscriptions to the plan that have not ended at `at`."""
        ...

    def live_with_addon(
        self, environment_id: str, addon_id: str, at: datetime
    ) -> Sequence[Subscription]:
        """Subscriptions holding the add-on that have not ended at `at`."""
        ...

    def list(
        self, environment_id: str, query: SubscriptionQuery, page: PageRequest
    ) -> Page[Subscription]: ...


class EntitlementChangeRepository(Protocol):
    """The feed of entitlement changes other processes must forget (ADR 0007)."""

    def add(self, changes: Sequence[EntitlementChange], origin: str, at: datetime) -> None: ...
    def last_seq(self) -> int: ...
    def after(self, seq: int, limit: int) -> list[FedChange]:
        """Changes with a higher position than `seq`, in order, at most `limit`."""
        ...

    def purge(self, before: datetime) -> int: ...


class LegalEntityRepository(Protocol):
    def add(self, entity: LegalEntity) -> None:
        """Raises DuplicatedEntityNotAllowed when the id is taken."""
        ...

    def get(self, environment_id: str, entity_id: str) -> LegalEntity | None: ...
    def list(self, environment_id: str, page: PageRequest) -> Page[LegalEntity]: ...


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds on a calendar date; unset bounds are open."""

    gte: date | None = None
    lte: date | None = None


@dataclass(frozen=True)
class ContractQuery:
    """Contract list filters; `statuses` are derived at the instant `at` (Contract.status_at)."""

    at: datetime
    customer_id: str | None = None
    statuses: frozenset[ContractStatus] = frozenset()
    name: str | None = None  # exact match
    currency: str | None = None  # upper-case ISO 4217
    legal_entity_id: str | None = None
    start: DateRange = field(default_factory=DateRange)
    end: DateRange = field(default_factory=DateRange)  # open-ended contracts never match a bound
    created: CreatedRange = field(default_factory=CreatedRange)


class ContractRepository(Protocol):
    def add(self, contract: Contract) -> None:
        """Store a new contract and its subscriptions. Raises DuplicatedEntityNotAllowed when
        the id is taken, SubscriptionOnAnotherContract when a subscription is held already."""
        ...

    def get(
        self, environment_id: str, contract_id: str, for_update: bool = False
    ) -> Contract | None: ...

    def update(self, contract: Contract, expected_version: int) -> bool:
        """Write `contract` (and its subscriptions) only if the stored version is
        `expected_version`; False when it is not."""
        ...

    def list(
        self, environment_id: str, query: ContractQuery, page: PageRequest
    ) -> Page[Contract]: ...

    def holding(self, environment_id: str, subscription_ids: Collection[str]) -> dict[str, str]:
        """Which contract holds each of these subscriptions (those on none are absent)."""
        ...

    def due_to_expire(self, at: datetime, limit: int) -> Sequence[Contract]:
        """ACTIVE contracts of every environment whose term ended by `at`, earliest first."""
        ...

    def billable(
        self, environment_id: str, ended_since: datetime, customer_id: str | None = None
    ) -> Sequence[Contract]:
        """Contracts that were activated with billing and had not ended before `ended_since`
        (of one customer, if given), oldest first."""
        ...

    def billable_page(
        self, environment_id: str, ended_since: datetime, after: tuple[str, str] | None, limit: int
    ) -> Sequence[Contract]:
        """`billable`, at most `limit` of them, by (customer id, contract id) after `after`."""
        ...

    def add_amendment(self, amendment: Amendment) -> None: ...
    def amendment_count(self, environment_id: str, contract_id: str) -> int: ...
    def amendments(
        self, environment_id: str, contract_id: str, page: PageRequest
    ) -> Page[Amendment]: ...


# --- invoices, billing runs, corrections (issue 5) -------------------------------------------


class InvoiceOrder(enum.Enum):
    ISSUE_DATE = "issueDate"
    DUE_DATE = "dueDate"
    TOTAL = "total"


@dataclass(frozen=True)
class InvoiceQuery:
    """Invoice list filters; date bounds are inclusive, unset bounds open."""

    customer_id: str | None = None
    contract_id: str | None = None  # also matches consolidated invoices with its lines
    statuses: frozenset[InvoiceStatus] = frozenset()
    issued_from: date | None = None
    issued_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    order_by: InvoiceOrder = InvoiceOrder.ISSUE_DATE
    descending: bool = False


class InvoiceRepository(Protocol):
    def any_for_customer(self, environment_id: str, customer_id: str) -> bool: ...
    def add(self, invoice: StoredInvoice) -> bool:
        """Insert unless its period (scope, group key, issue date, correction number) already
        has an invoice, written by another run: then nothing is written and False returned."""
        ...

    def add_all(self, invoices: Sequence[StoredInvoice]) -> set[str]:
        """`add` for many invoices in a few statements: the ids of those written."""
        ...

    def get(
        self, environment_id: str, invoice_id: str, for_update: bool = False
    ) -> StoredInvoice | None: ...
    def by_ref(self, environment_id: str, customer_id: str, ref: str) -> StoredInvoice | None:
        """The customer's invoice by id or by number."""
        ...

    def update(self, invoice: StoredInvoice, expected_version: int) -> bool:
        """Write `invoice` only if the stored version is `expected_version`."""
        ...

    def for_scopes(
        self, environment_id: str, scope_keys: Collection[str]
    ) -> Sequence[StoredInvoice]: ...
    def list(
        self, environment_id: str, query: InvoiceQuery, page: PageRequest
    ) -> Page[StoredInvoice]: ...


class DocumentNumbers(Protocol):
    def next(self, environment_id: str, legal_entity_id: str, kind: DocumentKind) -> str:
        """The next number of the sequence, which stays locked until the unit of work ends:
        a rolled-back approval gives its number back, so numbers have no gaps."""
        ...


class CreditNoteRepository(Protocol):
    def add(self, note: CreditNote) -> None: ...
    def for_invoice(self, environment_id: str, invoice_id: str) -> Sequence[CreditNote]: ...
    def list(
        self,
        environment_id: str,
        customer_id: str | None,
        invoice_id: str | None,
        page: PageRequest,
        contract_id: str | None = None,
    ) -> Page[CreditNote]:
        """Newest last; `contract_id`: notes against invoices that bill the contract."""
        ...


class CreditBalanceRepository(Protocol):
    def balance(
        self,
        environment_id: str,
        customer_id: str,
        legal_entity_id: str,
        currency: Currency,
        for_update: bool = False,
    ) -> Decimal:
        """The customer's carry-forward credit from the legal entity; `for_update` locks it
        until the end."""
        ...

    def balances(
        self, environment_id: str, customer_id: str, currency: Currency
    ) -> dict[str, Decimal]:
        """The customer's credit in the currency by legal entity (those with a ledger)."""
        ...

    def record(self, entry: CreditEntry) -> None:
        """Add the entry to the ledger and move the balance by its amount."""
        ...

    def entries(self, environment_id: str, customer_id: str) -> Sequence[CreditEntry]: ...


class CorrectionRepository(Protocol):
    def add(self, correction: Correction) -> bool:
        """Insert unless that correction number of the period exists (another run): False."""
        ...

    def for_scopes(
        self, environment_id: str, scope_keys: Collection[str]
    ) -> Sequence[Correction]: ...
    def update_outcomes(self, correction: Correction) -> None: ...


class BillableContractSource(Protocol):
    """Where billing finds saved contracts, mapped onto what it bills (BillableContract)."""

    def for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[BillableContract]:
        """The customer's contracts still billing at `at`."""
        ...

    def active(self, environment_id: str, at: datetime) -> Iterable[BillableContract]:
        """Every contract of the environment still billing at `at` (what a run bills), read
        as it is consumed; a customer's contracts come together, oldest first."""
        ...


class UsageAsk(NamedTuple):
    """A usage line's question: the customer's usage of the feature over `[start, end)`, as
    `measure` makes a FLUCTUATING feature's levels one quantity, counting only the usage that
    passes `usage_filter` (BILLING-SEMANTICS §10)."""

    customer_id: str
    feature_id: str
    start: datetime
    end: datetime
    measure: FluctuatingUsage
    usage_filter: UsageFilter = ()


class BillingUsageRepository(Protocol):
    def window_usage(
        self, environment_id: str, features: Mapping[str, Feature], asks: Collection[UsageAsk]
    ) -> dict[UsageAsk, Decimal]:
        """Each window's usage of the feature, in a few batched reads: the meter's value for
        INCREMENTAL features, the levels measured as the ask says for FLUCTUATING ones. The
        asks are unfiltered: running states hold no dimensions."""
        ...


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

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def promotional_entitlements(self) -> PromotionalEntitlementRepository: ...

    @property
    def plans(self) -> PlanRepository: ...

    @property
    def addons(self) -> AddonRepository: ...

    @property
    def usage(self) -> UsageRepository: ...

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def legal_entities(self) -> LegalEntityRepository: ...

    @property
    def contracts(self) -> ContractRepository: ...

    @property
    def entitlement_changes(self) -> EntitlementChangeRepository: ...

    @property
    def invoices(self) -> InvoiceRepository: ...

    @property
    def document_numbers(self) -> DocumentNumbers: ...

    @property
    def credit_notes(self) -> CreditNoteRepository: ...

    @property
    def credit_balances(self) -> CreditBalanceRepository: ...

    @property
    def corrections(self) -> CorrectionRepository: ...

    @property
    def billing_usage(self) -> BillingUsageRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, read_only: bool = False) -> UnitOfWork:
        """`read_only`: nothing will be written (SQLite then reads beside the writer)."""
        ...


class ResetPolicies(Protocol):
    """When a customer's usage of a feature resets (from its subscription's entitlement)."""

    def __call__(
        self, uow: UnitOfWork, environment_id: str, customer_id: str, feature: Feature, at: datetime
    ) -> ResetPolicy | None:
        """None when no entitlement sets a reset period or a start (usage counts all time)."""
        ...


class PublishListener(Protocol):
    """Told inside the publishing unit of work that a plan or add-on version was published."""

    def __call__(
        self, uow: UnitOfWork, package: Package, migration: MigrationType, at: datetime
    ) -> None: ...


class WebhookSender(Protocol):
    def send(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptOutcome: ...


# --- orders (issue 5) -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderQuery:
    customer_id: str | None = None
    contract_id: str | None = None
    statuses: frozenset[OrderStatus] = frozenset()
    types: frozenset[OrderType] = frozenset()
    created: CreatedRange = field(default_factory=CreatedRange)


class OrderRepository(Protocol):
    def add(self, order: Order) -> None:
        """Raises DuplicatedEntityNotAllowed when the id is taken."""
        ...

    def get(self, environment_id: str, order_id: str, for_update: bool = False) -> Order | None: ...
    def update(self, order: Order, expected_version: int) -> bool:
        """Write `order` only if the stored version is `expected_version`."""
        ...

    def list(self, environment_id: str, query: OrderQuery, page: PageRequest) -> Page[Order]: ...
    def open_for_contract(self, environment_id: str, contract_id: str) -> Sequence[Order]:
        """The contract's NEW orders, oldest first, locked until the unit of work ends."""
        ...
