"""A unit of work that only reads does not queue behind a writer (entitlement checks use it)."""

from __future__ import annotations

from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind


def test_a_read_only_unit_of_work_reads_beside_an_open_write(container: Container) -> None:
    key = container.tenancy.create_key("sandbox", KeyKind.SERVER, "reader")
    with container.uow() as writer:
        writer.api_keys.revoke(key.key.id, container.clock.now())  # holds the write lock
        # On SQLite a unit of work that may write would wait for the lock here, and fail
        # with "database is locked" after the busy timeout; this one reads the last commit.
        with container.uow(read_only=True) as reader:
            seen = reader.api_keys.get(key.key.id)
        assert seen is not None
        assert seen.revoked_at is None
