"""Runs the webhook relay on an interval, in `pactline worker` or inside `pactline serve`."""

from __future__ import annotations

import logging

from pactline.bootstrap import Container
from pactline.jobs.periodic import Periodic

logger = logging.getLogger("pactline.worker")


def run_pass(container: Container) -> None:
    """One pass of every periodic duty; a failure is logged and retried next pass."""
    try:
        report = container.relay.run_once()
        if report.events_dispatched or report.deliveries_attempted:
            logger.info(
                "relay pass",
                extra={
                    "events": report.events_dispatched,
                    "attempted": report.deliveries_attempted,
                    "delivered": report.deliveries_succeeded,
                },
            )
        container.idempotency.purge_expired()
        container.entitlement_changes.purge()
    except Exception:
        logger.exception("relay pass failed; will retry")


def relay_loop(container: Container) -> Periodic:
    return Periodic(
        "pactline-relay",
        container.settings.worker_interval_seconds,
        lambda: run_pass(container),
    )
