"""One run at a time of the same slow read, for the requests that need it together.

Requests that arrive together often need the same slow read (the first checks of a customer,
all of its features at once; every request right after an API key's cache entry expired).
Each would otherwise take a worker thread and read the same rows. Here the first runs the read;
the others wait on the event loop, without a thread, and then look again in the cache the read
filled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class SingleFlight:
    """Per key, at most one `work` running in this event loop."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Event] = {}

    async def run(
        self, key: Hashable, look: Callable[[], T | None], work: Callable[[], Awaitable[T]]
    ) -> T:
        """`look()` if it finds the answer; else, once any run for `key` has ended, `look()`
        again, and if still nothing, `work()` (the only one running for `key` meanwhile).
        A failed run stores nothing, so the next waiter runs `work()` itself."""
        found = look()
        while found is None:
            running = self._running.get(key)
            if running is None:
                break
            await running.wait()
            found = look()
        if found is not None:
            return found
        done = self._running[key] = asyncio.Event()
        try:
            return await work()
        finally:
            del self._running[key]
            done.set()

    @property
    def running(self) -> int:
        return len(self._running)
