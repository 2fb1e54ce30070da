"""The usage store on SQLite and PostgreSQL: windowed reads from running states, backdated
records, meters that need every sample, concurrent writers of one series, and two server
processes writing the same series in turn."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.catalog import (
    Aggregation,
    Condition,
    Feature,
    FeatureType,
    Meter,
    MeterFilter,
    MeterType,
    Operation,
)
from pactline.domain.metering import UpdateBehavior
from pactline.domain.periods import Period
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.catalog import NewFeature
from pactline.services.customers import NewCustomer
from pactline.services.usage import EventReport, UsageReport
from tests.support import SettableClock

DELTA, SET = UpdateBehavior.DELTA, UpdateBehavior.SET


def day(n: int, hour: int = 0) -> datetime:
    return datetime(2026, 1, n, hour, tzinfo=UTC)


@pytest.fixture
def caller(container: Container) -> Principal:
    principal = container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER).secret
    )
    container.customers.provision(principal, NewCustomer(id="acme"))
    return principal


def feature(
    container: Container,
    caller: Principal,
    feature_id: str,
    meter_type: MeterType = MeterType.INCREMENTAL,
    meter: Meter | None = None,
) -> Feature:
    return container.catalog.create_feature(
        caller,
        NewFeature(
            id=feature_id,
            display_name=feature_id,
            feature_type=FeatureType.NUMBER,
            meter_type=meter_type,
            meter=meter,
        ),
    )


def usage_in(container: Container, caller: Principal, f: Feature, window: Period | None) -> Decimal:
    with container.uow() as uow:
        return uow.usage.current(caller.environment_id, "acme", f, window)


def test_windowed_usage_counts_the_window_and_restarts_at_a_set_inside_it(
    container: Container, caller: Principal
) -> None:
    calls = feature(container, caller, "calls")
    container.usage.report_usage(
        caller,
        [
            UsageReport("acme", "calls", Decimal(5), DELTA, day(1)),
            UsageReport("acme", "calls", Decimal(7), DELTA, day(2)),
            UsageReport("acme", "calls", Decimal(100), SET, day(3)),
            UsageReport("acme", "calls", Decimal("0.5"), DELTA, day(4)),
            UsageReport("acme", "calls", Decimal(1), DELTA, day(5)),
        ],
    )
    assert usage_in(container, caller, calls, Period(day(2), day(3))) == Decimal(7)
    assert usage_in(container, caller, calls, Period(day(1), day(3))) == Decimal(12)
    assert usage_in(container, caller, calls, Period(day(2), day(5))) == Decimal("100.5")
    assert usage_in(container, caller, calls, Period(day(4), day(6))) == Decimal("1.5")
    assert usage_in(container, caller, calls, Period(day(6), day(7))) == Decimal(0)
    assert usage_in(container, caller, calls, None) == Decimal("101.5")
    # A window edge at a record's exact instant: half-open, the record is in the later window.
    assert usage_in(container, caller, calls, Period(day(1), day(2))) == Decimal(5)


def test_backdated_records_and_events_are_folded_into_the_running_states(
    container: Container, caller: Principal
) -> None:
    calls = feature(container, caller, "calls")
    jobs = feature(
        container,
        caller,
        "jobs",
        meter=Meter(Aggregation.COUNT, None, ()),
    )
    container.usage.report_usage(caller, [UsageReport("acme", "calls", Decimal(2), DELTA, day(10))])
    container.usage.report_usage(caller, [UsageReport("acme", "calls", Decimal(3), DELTA, day(20))])
    container.usage.report_usage(
        caller,
        [
            UsageReport("acme", "calls", Decimal(50), SET, day(15)),
            UsageReport("acme", "calls", Decimal(4), DELTA, day(5)),
        ],
    )
    assert usage_in(container, caller, calls, Period(day(1), day(12))) == Decimal(6)
    assert usage_in(container, caller, calls, Period(day(1), day(30))) == Decimal(53)
    assert usage_in(container, caller, calls, Period(day(16), day(30))) == Decimal(3)

    for key, when in (("a", day(10)), ("b", day(20)), ("c", day(5)), ("d", day(15))):
        container.usage.report_events(caller, [EventReport("acme", "job", key, when)])
    assert usage_in(container, caller, jobs, Period(day(1), day(12))) == Decimal(2)
    assert usage_in(container, caller, jobs, Period(day(12), day(30))) == Decimal(2)
    assert usage_in(container, caller, jobs, None) == Decimal(4)


def test_max_and_unique_meters_read_the_samples_of_the_window(
    container: Container, caller: Principal
) -> None:
    peak = feature(container, caller, "peak", meter=Meter(Aggregation.MAX, "gb", ()))
    users = feature(
        container,
        caller,
        "users",
        meter=Meter(
            Aggregation.UNIQUE,
            "user",
            (MeterFilter((Condition("eventName", Operation.EQUALS, "login"),)),),
        ),
    )
    events = [
        EventReport("acme", "login", "1", day(1), dimensions={"gb": 3, "user": "ann"}),
        EventReport("acme", "login", "2", day(2), dimensions={"gb": "7.5", "user": "bob"}),
        EventReport("acme", "login", "3", day(3), dimensions={"gb": 1, "user": "ann"}),
        EventReport("acme", "logout", "4", day(3), dimensions={"gb": 9, "user": "cy"}),
    ]
    receipt = container.usage.report_events(caller, events)
    assert (receipt.accepted, receipt.matches) == (4, 7)
    assert usage_in(container, caller, peak, Period(day(1), day(3))) == Decimal("7.5")
    assert usage_in(container, caller, peak, None) == Decimal(9)
    assert usage_in(container, caller, users, Period(day(1), day(4))) == Decimal(2)
    assert usage_in(container, caller, users, Period(day(3), day(4))) == Decimal(1)


def test_fluctuating_usage_ignores_windows(container: Container, caller: Principal) -> None:
    seats = feature(container, caller, "seats", MeterType.FLUCTUATING)
    container.usage.report_usage(
        caller,
        [
            UsageReport("acme", "seats", Decimal(10), SET, day(1)),
            UsageReport("acme", "seats", Decimal(-3), DELTA, day(2)),
        ],
    )
    assert usage_in(container, caller, seats, Period(day(5), day(6))) == Decimal(7)


def test_concurrent_writers_of_one_series_lose_no_usage(
    container: Container, caller: Principal
) -> None:
    calls = feature(container, caller, "calls")
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for batch in range(5):
                container.usage.report_usage(
                    caller,
                    [
                        UsageReport(
                            "acme",
                            "calls",
                            Decimal(1),
                            DELTA,
                            day(1) + timedelta(seconds=batch),
                            idempotency_key=f"{worker}-{batch}-{n}",
                        )
                        for n in range(20)
                    ],
                )
                container.usage.report_events(
                    caller, [EventReport("acme", "ping", f"same-{batch}", day(1))]
                )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert usage_in(container, caller, calls, None) == Decimal(400)
    assert usage_in(container, caller, calls, Period(day(1), day(2))) == Decimal(400)
    with container.uow() as uow:
        stored = uow.usage.events_with_keys(caller.environment_id, {f"same-{b}" for b in range(5)})
    assert len(stored) == 5  # each key accepted once across the four writers


def test_two_processes_writing_one_series_each_append_after_the_others_rows(
    container: Container, caller: Principal, database_url: str, clock: SettableClock
) -> None:
    """Each container stands for a server process: each appends after the rows the other
    wrote, whatever it knew of the series before."""
    calls = feature(container, caller, "calls")
    jobs = feature(container, caller, "jobs", meter=Meter(Aggregation.SUM, "n", ()))
    other = build_container(
        Settings(database_url=database_url, embedded_worker=False, _env_file=None), clock=clock
    )
    try:
        for n, writer in enumerate([container, other, other, container, other, container]):
            writer.usage.report_usage(
                caller, [UsageReport("acme", "calls", Decimal(10**n), DELTA, day(n + 1))]
            )
            writer.usage.report_events(
                caller, [EventReport("acme", "run", f"run-{n}", day(n + 1), dimensions={"n": n})]
            )
        # A SET by one process, then a DELTA by the other: the DELTA counts from the SET.
        other.usage.report_usage(caller, [UsageReport("acme", "calls", Decimal(5), SET, day(8))])
        container.usage.report_usage(
            caller, [UsageReport("acme", "calls", Decimal(2), DELTA, day(9))]
        )
    finally:
        other.close()
    assert usage_in(container, caller, calls, Period(day(1), day(8))) == Decimal(111111)
    assert usage_in(container, caller, calls, None) == Decimal(7)
    assert usage_in(container, caller, jobs, None) == Decimal(15)  # 0 + 1 + … + 5
    assert usage_in(container, caller, jobs, Period(day(4), day(7))) == Decimal(12)


def test_many_series_read_at_once_agree_with_reading_each(
    container: Container, caller: Principal
) -> None:
    calls = feature(container, caller, "calls")
    seats = feature(container, caller, "seats", MeterType.FLUCTUATING)
    jobs = feature(container, caller, "jobs", meter=Meter(Aggregation.SUM, "n", ()))
    peak = feature(container, caller, "peak", meter=Meter(Aggregation.MAX, "n", ()))
    container.customers.provision(caller, NewCustomer(id="globex"))
    for customer in ("acme", "globex"):
        container.usage.report_usage(
            caller,
            [UsageReport(customer, "calls", Decimal(n), DELTA, day(n)) for n in range(1, 9)]
            + [
                UsageReport(customer, "calls", Decimal(40), SET, day(5, 12)),
                UsageReport(customer, "seats", Decimal(3), SET, day(2)),
                UsageReport(customer, "jobs", Decimal(1), DELTA, day(3)),
            ],
        )
        container.usage.report_events(
            caller,
            [
                EventReport(customer, "run", f"{customer}-{n}", day(n), dimensions={"n": n})
                for n in range(1, 9)
            ],
        )
    windows = [None, Period(day(1), day(4)), Period(day(4), day(7)), Period(day(6), day(30))]
    for window in windows:
        asks = {
            (customer, f.id): (f, window)
            for customer in ("acme", "globex")
            for f in (calls, seats, jobs, peak)
        }
        with container.uow() as uow:
            together = uow.usage.current_many(caller.environment_id, asks)
            one_by_one = {
                key: uow.usage.current(caller.environment_id, key[0], f, w)
                for key, (f, w) in asks.items()
            }
        assert together == one_by_one, window
    with container.uow() as uow:
        assert uow.usage.current_many(
            caller.environment_id, {("acme", "calls"): (calls, Period(day(4), day(7)))}
        ) == {("acme", "calls"): Decimal(46)}  # the SET of the 5th at noon, then the 6th's 6
