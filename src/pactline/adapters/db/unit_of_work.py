"""A unit of work: one SQLAlchemy session, rolled back unless `commit()` was called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pactline.adapters.db.engine import READ_ONLY
from pactline.adapters.db.repositories.billing_usage import SqlBillingUsageRepository
from pactline.adapters.db.repositories.catalog import SqlFeatureRepository, SqlProductRepository
from pactline.adapters.db.repositories.contracts import SqlContractRepository
from pactline.adapters.db.repositories.corrections import SqlCorrectionRepository
from pactline.adapters.db.repositories.credit_notes import (
    SqlCreditBalanceRepository,
    SqlCreditNoteRepository,
)
from pactline.adapters.db.repositories.customers import (
    SqlCustomerRepository,
    SqlPromotionalEntitlementRepository,
)
from pactline.adapters.db.repositories.entitlement_changes import SqlEntitlementChangeRepository
from pactline.adapters.db.repositories.idempotency import SqlIdempotencyRepository
from pactline.adapters.db.repositories.invoices import (
    SqlDocumentNumbers,
    SqlInvoiceRepository,
)
from pactline.adapters.db.repositories.legal_entities import SqlLegalEntityRepository
from pactline.adapters.db.repositories.orders import SqlOrderRepository
from pactline.adapters.db.repositories.outbox import SqlOutboxRepository
from pactline.adapters.db.repositories.plans import SqlAddonRepository, SqlPlanRepository
from pactline.adapters.db.repositories.subscriptions import SqlSubscriptionRepository
from pactline.adapters.db.repositories.tenancy import (
    SqlAccountRepository,
    SqlApiKeyRepository,
    SqlEnvironmentRepository,
)
from pactline.adapters.db.repositories.usage import SqlUsageRepository
from pactline.adapters.db.repositories.webhooks import (
    SqlWebhookDeliveryRepository,
    SqlWebhookEndpointRepository,
)


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        session = self._session_factory()
        self.session = session
        self.accounts = SqlAccountRepository(session)
        self.environments = SqlEnvironmentRepository(session)
        self.api_keys = SqlApiKeyRepository(session)
        self.idempotency = SqlIdempotencyRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.webhook_endpoints = SqlWebhookEndpointRepository(session)
        self.webhook_deliveries = SqlWebhookDeliveryRepository(session)
        self.products = SqlProductRepository(session)
        self.features = SqlFeatureRepository(session)
        self.customers = SqlCustomerRepository(session)
        self.promotional_entitlements = SqlPromotionalEntitlementRepository(session)
        self.plans = SqlPlanRepository(session)
        self.addons = SqlAddonRepository(session)
        self.usage = SqlUsageRepository(session)
        self.subscriptions = SqlSubscriptionRepository(session)
        self.legal_entities = SqlLegalEntityRepository(session)
        self.contracts = SqlContractRepository(session)
        self.entitlement_changes = SqlEntitlementChangeRepository(session)
        self.invoices = SqlInvoiceRepository(session)
        self.document_numbers = SqlDocumentNumbers(session)
        self.credit_notes = SqlCreditNoteRepository(session)
        self.credit_balances = SqlCreditBalanceRepository(session)
        self.corrections = SqlCorrectionRepository(session)
        self.billing_usage = SqlBillingUsageRepository(session)
        self.orders = SqlOrderRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()  # a no-op after commit(); undoes everything otherwise
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        reader = engine.execution_options(**{READ_ONLY: True})
        self._read_sessions = sessionmaker(reader, expire_on_commit=False, autoflush=True)

    def __call__(self, read_only: bool = False) -> SqlUnitOfWork:
        """`read_only`: the unit of work must not write; on SQLite it then reads a snapshot
        beside a writer instead of queueing for the write lock (engine.py)."""
        return SqlUnitOfWork(self._read_sessions if read_only else self._sessions)
