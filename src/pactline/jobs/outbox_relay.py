"""Runs the webhook relay on an interval, in `pactline worker` or inside `pactline serve`."""

from __future__ import annotations

import logging
import threading

from pactline.bootstrap import Container

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


class RelayLoop:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pactline-relay", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_forever(self) -> None:
        self._run()

    def _run(self) -> None:
        interval = self._container.settings.worker_interval_seconds
        while not self._stop.is_set():
            run_pass(self._container)
            self._stop.wait(interval)
