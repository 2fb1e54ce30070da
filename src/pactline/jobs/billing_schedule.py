"""The worker's billing schedule: expire and renew contracts, then run billing, on an interval.

Runs in `pactline worker` and inside `pactline serve` (the embedded worker), on its own thread so
that a long run does not hold up webhook delivery. A run is safe to repeat and to overlap with
another process's run (the database keeps each invoice once), so every worker may run it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pactline.bootstrap import Container
from pactline.jobs.periodic import Periodic

logger = logging.getLogger("pactline.billing")


def run_billing(container: Container, as_of: datetime) -> None:
    """Expire due contracts (auto-renewing those set to), then bill every environment."""
    expired = container.contracts.expire_due(as_of)
    if expired:
        logger.info("contracts expired", extra={"contracts": len(expired)})
    for environment in container.tenancy.environments():
        summary = container.billing_runs.run_due(environment.id, as_of)
        if summary.drafted or summary.refreshed or summary.corrected or summary.failed:
            logger.info(
                "billing run",
                extra={
                    "environment": environment.slug,
                    "contracts": summary.contracts,
                    "drafted": summary.drafted,
                    "refreshed": summary.refreshed,
                    "corrected": summary.corrected,
                    "failed": len(summary.failed),
                },
            )
        for contract_id, reason in sorted(summary.failed.items()):
            logger.warning("contract not billed", extra={"contract": contract_id, "why": reason})


class BillingSchedule:
    """Runs billing at most once per interval, from the relay loop's passes."""

    def __init__(self, container: Container) -> None:
        self._container = container
        self._interval = timedelta(seconds=container.settings.billing_interval_seconds)
        self._last: datetime | None = None

    def tick(self) -> None:
        now = self._container.clock.now()
        if self._last is not None and now - self._last < self._interval:
            return
        self._last = now
        try:
            run_billing(self._container, now)
        except Exception:  # logged; the next interval tries again
            logger.exception("billing run failed; will retry")


def billing_loop(container: Container) -> Periodic:
    """The schedule's ticks, every few seconds, on a thread of its own."""
    schedule = BillingSchedule(container)
    return Periodic("pactline-billing", container.settings.worker_interval_seconds, schedule.tick)
