"""Composition root: settings → engine → unit of work → adapters → services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, text

from pactline.adapters.clock import SystemClock
from pactline.adapters.db import migrate
from pactline.adapters.db.engine import build_engine
from pactline.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from pactline.adapters.webhook_sender import HttpWebhookSender
from pactline.config import Settings
from pactline.services.addons import AddonService
from pactline.services.billable_contracts import SavedContracts
from pactline.services.billing_runs import BillingRunService
from pactline.services.catalog import CatalogService
from pactline.services.contracts import ContractService
from pactline.services.customers import CustomerService
from pactline.services.entitlement_changes import ChangeFollower
from pactline.services.entitlements import EntitlementCache, EntitlementService
from pactline.services.idempotency import IdempotencyService
from pactline.services.invoices import InvoiceService
from pactline.services.legal_entities import LegalEntityService
from pactline.services.orders import OrderService, follow_contract
from pactline.services.plans import PlanService
from pactline.services.ports import Clock, WebhookSender
from pactline.services.subscriptions import SubscriptionService, follow_publish
from pactline.services.tenancy import TenancyService
from pactline.services.usage import UsageService
from pactline.services.webhook_relay import WebhookRelay
from pactline.services.webhooks import WebhookEndpointService


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    sender: WebhookSender
    uow: SqlUnitOfWorkFactory = field(init=False)
    entitlement_cache: EntitlementCache = field(init=False)
    tenancy: TenancyService = field(init=False)
    idempotency: IdempotencyService = field(init=False)
    webhooks: WebhookEndpointService = field(init=False)
    catalog: CatalogService = field(init=False)
    customers: CustomerService = field(init=False)
    plans: PlanService = field(init=False)
    addons: AddonService = field(init=False)
    usage: UsageService = field(init=False)
    subscriptions: SubscriptionService = field(init=False)
    legal_entities: LegalEntityService = field(init=False)
    contracts: ContractService = field(init=False)
    entitlements: EntitlementService = field(init=False)
    entitlement_changes: ChangeFollower = field(init=False)
    invoices: InvoiceService = field(init=False)
    billing_runs: BillingRunService = field(init=False)
    orders: OrderService = field(init=False)
    relay: WebhookRelay = field(init=False)

    def __post_init__(self) -> None:
        self.uow = SqlUnitOfWorkFactory(self.engine)
        # One cache per process, told of every change the services commit (ADR 0007).
        cache = self.entitlement_cache = EntitlementCache(
            self.clock,
            self.settings.entitlement_cache_seconds,
            self.settings.entitlement_cache_max_customers,
            self.settings.entitlement_cache_max_usage,
        )
        self.entitlements = EntitlementService(self.uow, self.clock, cache)
        self.entitlement_changes = ChangeFollower(self.uow, self.clock, cache)
        self.tenancy = TenancyService(self.uow, self.clock)
        self.idempotency = IdempotencyService(self.uow, self.clock)
        self.webhooks = WebhookEndpointService(self.uow, self.clock)
        self.catalog = CatalogService(self.uow, self.clock, cache)
        self.customers = CustomerService(self.uow, self.clock, cache)
        self.plans = PlanService(self.uow, self.clock, on_publish=follow_publish, cache=cache)
        self.addons = AddonService(self.uow, self.clock, on_publish=follow_publish, cache=cache)
        # Usage is counted in the windows the customer's entitlements reset on, as checks are.
        self.usage = UsageService(
            self.uow, self.clock, reset_policies=self.entitlements.reset_policy, cache=cache
        )
        self.subscriptions = SubscriptionService(self.uow, self.clock, cache)
        self.legal_entities = LegalEntityService(self.uow, self.clock)
        # The first invoice of an activated contract is drafted by the invoicing listener.
        # Billing runs read saved contracts; activation drafts a contract's first invoice.
        self.billing_runs = BillingRunService(self.uow, self.clock, SavedContracts(self.uow))
        # Orders follow their contract: each change may fulfil one (services/orders.py).
        self.contracts = ContractService(
            self.uow,
            self.clock,
            cache,
            on_activated=self.billing_runs.draft_first_invoice,
            on_changed=follow_contract,
            on_ended=self.billing_runs.withdraw_drafts,
        )
        # Saved contracts reach billing through one source, shared by runs and look-aheads.
        self.invoices = InvoiceService(self.uow, self.clock, self.billing_runs.contracts)
        self.orders = OrderService(self.uow, self.clock)
        self.relay = WebhookRelay(
            self.uow,
            self.clock,
            self.sender,
            timedelta(seconds=self.settings.webhook_timeout_seconds),
        )

    def upgrade_database(self) -> None:
        migrate.upgrade(self.engine)

    def readiness(self) -> dict[str, object]:
        """Is the database reachable and migrated to the code's head revision?"""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = migrate.current_revision(self.engine)
        except Exception as exc:  # any failure means "not ready", reported, never raised
            return {"ready": False, "database": f"unreachable: {type(exc).__name__}"}
        head = migrate.head_revision()
        return {
            "ready": current == head,
            "database": self.engine.dialect.name,
            "schemaRevision": current,
            "expectedRevision": head,
        }

    def close(self) -> None:
        self.engine.dispose()


def build_container(
    settings: Settings | None = None,
    clock: Clock | None = None,
    sender: WebhookSender | None = None,
) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        engine=build_engine(settings.database_url),
        clock=clock or SystemClock(),
        sender=sender or HttpWebhookSender(settings.webhook_timeout_seconds),
    )
