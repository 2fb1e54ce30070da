"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from pactline import __version__
from pactline.api import errors
from pactline.api.idempotency import IdempotencyMiddleware
from pactline.api.known_keys import KnownKeys
from pactline.api.openapi import openapi_document
from pactline.api.request_log import RequestLogMiddleware
from pactline.api.routes import (
    addons,
    contract_billing,
    contracts,
    customer_invoices,
    customers,
    entitlements,
    environment,
    events,
    features,
    health,
    invoices,
    orders,
    plans,
    products,
    subscriptions,
    usage,
    webhooks,
)
from pactline.bootstrap import Container
from pactline.jobs.billing_schedule import billing_loop
from pactline.jobs.entitlement_changes import change_follow_loop
from pactline.jobs.outbox_relay import relay_loop


def create_app(container: Container, run_worker: bool | None = None) -> FastAPI:
    """Build the app on a container; `run_worker` starts the embedded relay (default: setting)."""
    embedded = container.settings.embedded_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loop = relay_loop(container) if embedded else None
        billing = billing_loop(container) if embedded else None
        # Other processes' entitlement changes reach this server's cache through the feed.
        follow = (
            change_follow_loop(container) if container.settings.entitlement_cache_seconds else None
        )
        for job in (loop, billing, follow):
            if job is not None:
                job.start()
        try:
            yield
        finally:
            for job in (follow, billing, loop):
                if job is not None:
                    job.stop()

    app = FastAPI(
        title="pactline",
        version=__version__,
        description=(
            "Self-hosted monetization platform. Stigg REST v1 conventions: X-API-KEY header, "
            '{"data": ...} envelope, camelCase JSON, cursor pagination.'
        ),
        lifespan=lifespan,
    )
    app.state.container = container
    known_keys = app.state.known_keys = KnownKeys(container)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(environment.router)
    app.include_router(webhooks.router)
    app.include_router(contracts.router)
    # Before the contracts by id: /legal-entities and /pricing-models are fixed paths.
    app.include_router(contract_billing.router)
    app.include_router(contracts.contracts_router)
    app.include_router(contracts.customer_contracts_router)
    app.include_router(orders.router)
    app.include_router(orders.contract_orders_router)
    app.include_router(products.router)
    app.include_router(features.router)
    app.include_router(plans.router)
    app.include_router(addons.router)
    app.include_router(customers.router)
    app.include_router(customer_invoices.router)
    app.include_router(customer_invoices.credit_router)
    app.include_router(invoices.router)
    app.include_router(entitlements.router)
    app.include_router(subscriptions.router)
    app.include_router(usage.router)
    app.include_router(events.router)
    # Innermost: entitlement checks skip routing (routes/entitlements.py).
    app.add_middleware(entitlements.FastChecks, container=container, keys=known_keys)
    # Outermost first: every request gets an id before idempotency looks at it.
    app.add_middleware(
        IdempotencyMiddleware,
        container=lambda: container,
        pure_paths=frozenset({"/api/v1/contracts/preview", "/api/v1/subscriptions/preview"}),
    )
    app.add_middleware(RequestLogMiddleware)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app
