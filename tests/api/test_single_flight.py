"""SingleFlight: requests needing the same slow read wait for one run of it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from pactline.api.single_flight import SingleFlight


class Store:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.runs: list[str] = []

    def look(self, key: str) -> str | None:
        return self.values.get(key)

    async def fill(self, key: str, fail: bool = False) -> str:
        self.runs.append(key)
        await asyncio.sleep(0.01)
        if fail:
            raise RuntimeError("read failed")
        self.values[key] = f"{key}#{self.runs.count(key)}"
        return self.values[key]


def test_callers_of_one_key_share_one_run_and_others_run_alongside() -> None:
    store, flight = Store(), SingleFlight()

    def call(key: str) -> Awaitable[str]:
        return flight.run(key, lambda: store.look(key), lambda: store.fill(key))

    async def main() -> list[str]:
        return list(await asyncio.gather(*(call(key) for key in ["a"] * 8 + ["b"] * 8)))

    answers = asyncio.run(main())
    assert store.runs == ["a", "b"]
    assert answers == ["a#1"] * 8 + ["b#1"] * 8
    assert flight.running == 0


def test_a_failed_run_fails_its_caller_and_the_next_waiter_runs_again() -> None:
    store, flight = Store(), SingleFlight()
    attempts = iter([True, False])  # the first run fails, the second succeeds

    async def main() -> list[str | BaseException]:
        calls = [
            flight.run("a", lambda: store.look("a"), lambda: store.fill("a", next(attempts)))
            for _ in range(4)
        ]
        return list(await asyncio.gather(*calls, return_exceptions=True))

    first, *others = asyncio.run(main())
    assert isinstance(first, RuntimeError)
    assert others == ["a#2", "a#2", "a#2"]
    assert store.runs == ["a", "a"]


def test_an_answer_already_there_runs_nothing() -> None:
    store, flight = Store(), SingleFlight()
    store.values["a"] = "a#0"

    async def never() -> str:
        pytest.fail("work ran though the answer was there")

    assert asyncio.run(flight.run("a", lambda: store.look("a"), never)) == "a#0"
