"""The claim on an idempotency key is decided by the database, so two requests cannot both win."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from pactline.bootstrap import Container
from pactline.domain.errors import IdempotencyKeyReused, IdempotentRequestInProgress
from pactline.domain.idempotency import IN_PROGRESS_LEASE, RETENTION, StoredResponse
from pactline.services.idempotency import Claimed, Replay
from tests.support import SettableClock


@pytest.fixture
def environment_id(container: Container) -> str:
    return next(e.id for e in container.tenancy.environments() if e.slug == "sandbox")


def test_of_two_simultaneous_claims_exactly_one_wins(
    container: Container, environment_id: str
) -> None:
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        barrier.wait()
        try:
            outcomes.append(container.idempotency.claim(environment_id, "race", "f" * 64))
        except IdempotentRequestInProgress as error:
            outcomes.append(error)

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(o).__name__ for o in outcomes) == ["Claimed", "IdempotentRequestInProgress"]


def test_a_completed_key_replays_until_retention_ends(
    container: Container, environment_id: str, clock: SettableClock
) -> None:
    service = container.idempotency
    assert isinstance(service.claim(environment_id, "k", "a" * 64), Claimed)
    stored = StoredResponse(201, b'{"data":1}', (("content-type", "application/json"),))
    service.complete(environment_id, "k", stored)

    assert service.claim(environment_id, "k", "a" * 64) == Replay(stored)
    with pytest.raises(IdempotencyKeyReused):
        service.claim(environment_id, "k", "b" * 64)

    clock.advance(RETENTION)
    assert isinstance(service.claim(environment_id, "k", "b" * 64), Claimed)


def test_an_abandoned_claim_is_freed_after_its_lease(
    container: Container, environment_id: str, clock: SettableClock
) -> None:
    service = container.idempotency
    service.claim(environment_id, "crashed", "a" * 64)
    with pytest.raises(IdempotentRequestInProgress):
        service.claim(environment_id, "crashed", "a" * 64)
    clock.advance(IN_PROGRESS_LEASE + timedelta(seconds=1))
    assert isinstance(service.claim(environment_id, "crashed", "a" * 64), Claimed)


def test_purge_removes_only_expired_records(
    container: Container, environment_id: str, clock: SettableClock
) -> None:
    service = container.idempotency
    service.claim(environment_id, "old", "a" * 64)
    service.complete(environment_id, "old", StoredResponse(200, b"{}", ()))
    clock.advance(RETENTION - timedelta(hours=1))
    service.claim(environment_id, "new", "a" * 64)
    service.complete(environment_id, "new", StoredResponse(200, b"{}", ()))
    clock.advance(timedelta(hours=1))

    assert service.purge_expired() == 1
    assert isinstance(service.claim(environment_id, "new", "a" * 64), Replay)
