"""Reads the entitlement change feed on an interval inside `pactline serve` (ADR 0007)."""

from __future__ import annotations

import logging

from pactline.bootstrap import Container
from pactline.jobs.periodic import Periodic

logger = logging.getLogger("pactline.entitlement_changes")


def follow_changes(container: Container) -> None:
    """One read of the feed; a failure is logged and the next read tries again."""
    try:
        report = container.entitlement_changes.poll()
        if report.cleared:
            logger.warning("lost track of the entitlement change feed; cache cleared")
    except Exception:  # the database may be briefly unreachable
        logger.exception("reading the entitlement change feed failed; will retry")


def change_follow_loop(container: Container) -> Periodic:
    return Periodic(
        "pactline-entitlement-changes",
        container.settings.entitlement_change_poll_seconds,
        lambda: follow_changes(container),
    )
