"""Changes made by one process reach another process's entitlement cache through the feed.

Server A (the `api` fixture) makes the changes; process B is a second container on the same
database with its own cache, read through its services or served by its own HTTP server. The
catalog is the one of test_entitlement_checks.py (plan `pro`: sso, 100 calls a month).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.entitlements import DeniedReason
from pactline.domain.tenancy import Principal
from pactline.services.entitlement_changes import DEFAULT_LOOKBACK
from tests.api.conftest import Keys
from tests.api.test_entitlement_checks import CHECK, ok, report, setup_catalog, subscribe
from tests.support import ApiServer, SettableClock


@pytest.fixture
def other(database_url: str, clock: SettableClock) -> Iterator[Container]:
    """A second process on the same database: its own cache, the same clock."""
    settings = Settings(database_url=database_url, embedded_worker=False, _env_file=None)
    second = build_container(settings, clock=clock)
    try:
        yield second
    finally:
        second.close()


@pytest.fixture
def caller(other: Container, keys: Keys) -> Principal:
    return other.tenancy.authenticate(keys.sandbox_server)


def test_another_process_sees_a_new_subscription_once_it_reads_the_feed(
    api: httpx.Client, other: Container, caller: Principal
) -> None:
    setup_catalog(api)
    other.entitlement_changes.poll()  # takes its place in the feed
    before = other.entitlements.check(caller, "acme", "sso")
    assert before.reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION
    subscribe(api)
    stale = other.entitlements.check(caller, "acme", "sso")
    assert stale.reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION  # its cache has not been told

    followed = other.entitlement_changes.poll()

    assert followed.applied == 1
    assert other.entitlements.check(caller, "acme", "sso").is_granted is True


def test_another_process_sees_reported_usage_once_it_reads_the_feed(
    api: httpx.Client, other: Container, caller: Principal
) -> None:
    setup_catalog(api)
    subscribe(api)
    other.entitlement_changes.poll()
    assert other.entitlements.check(caller, "acme", "calls").current_usage == 0
    report(api, "calls", 7)
    assert other.entitlements.check(caller, "acme", "calls").current_usage == 0

    other.entitlement_changes.poll()

    assert other.entitlements.check(caller, "acme", "calls").current_usage == 7


def test_a_process_skips_its_own_changes_in_the_feed(
    api: httpx.Client, container: Container, other: Container
) -> None:
    setup_catalog(api)
    container.entitlement_changes.poll()
    other.entitlement_changes.poll()
    subscribe(api)
    report(api, "calls", 3)

    assert container.entitlement_changes.poll().applied == 0  # forgotten at commit already
    assert other.entitlement_changes.poll().applied == 2  # the subscription and the usage


def test_a_catalog_change_elsewhere_drops_the_environments_catalog(
    api: httpx.Client, container: Container, other: Container, caller: Principal
) -> None:
    setup_catalog(api)
    other.entitlement_changes.poll()
    now = other.clock.now()
    catalog = other.entitlement_cache.catalog(caller.environment_id, now)
    assert other.entitlement_cache.catalog(caller.environment_id, now) is catalog
    with container.uow() as uow:
        container.entitlement_cache.note(uow, EntitlementChange.environment(caller.environment_id))
        uow.commit()

    other.entitlement_changes.poll()

    assert other.entitlement_cache.catalog(caller.environment_id, now) is not catalog


def _insert_change(app: Container, seq: int, environment_id: str, customer_id: str) -> None:
    """A change whose position was taken before others that committed first."""
    with app.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entitlement_changes"
                " (seq, environment_id, scope, customer_id, origin, created_at)"
                " VALUES (:seq, :env, 'CUSTOMER', :customer, 'elsewhere', :at)"
            ),
            {"seq": seq, "env": environment_id, "customer": customer_id, "at": app.clock.now()},
        )


def test_a_change_committed_after_a_later_one_is_still_applied_within_the_lookback(
    api: httpx.Client, other: Container, caller: Principal, clock: SettableClock
) -> None:
    setup_catalog(api)
    env = caller.environment_id
    other.entitlement_changes.poll()
    _insert_change(other, 1_000, env, "acme")
    assert other.entitlement_changes.poll().applied == 1
    other.entitlements.check(caller, "acme", "sso")  # cached again
    _insert_change(other, 990, env, "acme")  # committed late, below what was seen

    assert other.entitlement_changes.poll().applied == 1
    assert other.entitlement_cache.customer(env, "acme", clock.now()) is None
    assert other.entitlement_changes.poll().applied == 0  # applied once only


def test_a_process_that_lost_track_of_the_feed_clears_its_cache(
    api: httpx.Client, other: Container, caller: Principal, clock: SettableClock
) -> None:
    setup_catalog(api)
    other.entitlement_changes.poll()
    other.entitlements.check(caller, "acme", "sso")
    assert other.entitlement_cache.customer_entries == 1
    clock.advance(DEFAULT_LOOKBACK + timedelta(seconds=1))  # no read of the feed meanwhile

    assert other.entitlement_changes.poll().cleared is True
    assert other.entitlement_cache.customer_entries == 0
    assert other.entitlement_changes.poll().cleared is False


def test_purging_keeps_recent_changes_and_the_newest_one(
    api: httpx.Client, container: Container, clock: SettableClock
) -> None:
    setup_catalog(api)  # one change per feature and plan published, and the customer
    with container.uow() as uow:
        written = len(uow.entitlement_changes.after(0, 1000))
        newest = uow.entitlement_changes.last_seq()
    assert written == 8  # 5 features, 2 plans, 1 customer

    assert container.entitlement_changes.purge() == 0  # all within the retention
    clock.advance(timedelta(hours=2))
    assert container.entitlement_changes.purge() == written - 1

    with container.uow() as uow:
        assert [c.seq for c in uow.entitlement_changes.after(0, 1000)] == [newest]


def test_a_second_server_shows_a_change_made_through_the_first_within_a_second(
    api: httpx.Client, other: Container, keys: Keys
) -> None:
    setup_catalog(api)
    with (
        ApiServer(other) as second,
        httpx.Client(
            base_url=second.url, headers={"X-API-KEY": keys.sandbox_server}, timeout=10
        ) as api_b,
    ):
        path = CHECK.format("acme")
        denied = ok(api_b.get(path, params={"featureId": "sso"}))
        assert denied["accessDeniedReason"] == "NoActiveSubscription"
        subscribe(api)
        deadline = time.monotonic() + 5  # polled every 0.5 s
        while True:
            answer = ok(api_b.get(path, params={"featureId": "sso"}))
            if answer["isGranted"] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert answer["isGranted"] is True
