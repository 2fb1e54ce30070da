"""A duty run on an interval on a daemon thread: the shape of every background job."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Periodic:
    """Runs `duty` now and then every `interval` seconds until stopped. The duty handles its
    own failures (each job logs and retries at its next turn)."""

    def __init__(self, name: str, interval: float, duty: Callable[[], None]) -> None:
        self._interval = interval
        self._duty = duty
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run_forever, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_forever(self) -> None:
        """Run on the calling thread (`pactline worker`) until `stop`."""
        while not self._stop.is_set():
            self._duty()
            self._stop.wait(self._interval)
