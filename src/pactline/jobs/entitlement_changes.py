"""Reads the entitlement change feed on an interval inside `pactline serve` (ADR 0007)."""

from __future__ import annotations

import logging
import threading

from pactline.bootstrap import Container

logger = logging.getLogger("pactline.entitlement_changes")


class ChangeFollowLoop:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="pactline-entitlement-changes", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        interval = self._container.settings.entitlement_change_poll_seconds
        follower = self._container.entitlement_changes
        while not self._stop.is_set():
            try:
                report = follower.poll()
                if report.cleared:
                    logger.warning("lost track of the entitlement change feed; cache cleared")
            except Exception:  # the database may be briefly unreachable; try again next time
                logger.exception("reading the entitlement change feed failed; will retry")
            self._stop.wait(interval)
