"""Benchmark: usage ingestion through the service layer, in 1,000-record batches with dedup keys.

Sets up customers × metered features in the database's sandbox environment, then reports
batches of usage records for random (customer, feature) pairs, each record with its own
idempotency key; a share of every batch repeats keys of the batch before (retries that must
not count twice). Prints records/s (duplicates included: they are ingested and deduplicated)
and the same for raw events matched by meters. Target (issue 3): ≥ 20,000 events/s on each
database.

    .venv/bin/python benchmarks/usage_ingest.py --database-url sqlite:///var/bench-usage.db
    .venv/bin/python benchmarks/usage_ingest.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import gc
import random
import secrets
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.catalog import (
    Aggregation,
    Condition,
    FeatureType,
    Meter,
    MeterFilter,
    MeterType,
    Operation,
)
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.catalog import NewFeature
from pactline.services.customers import NewCustomer
from pactline.services.usage import EventReport, UsageReport

BATCH = 1000


def setup(container: Container, customers: int, features: int) -> tuple[Principal, str]:
    container.upgrade_database()
    container.tenancy.ensure_default_account()
    caller = container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER, "usage benchmark").secret
    )
    run = secrets.token_hex(3)  # a fresh set of ids per run: the database may be reused
    for n in range(features):
        # Usage of "f" features is reported; "e" features count raw events named after them,
        # summing their "units" dimension.
        for kind, meter in (
            ("f", None),
            (
                "e",
                Meter(
                    Aggregation.SUM,
                    "units",
                    (MeterFilter((Condition("eventName", Operation.EQUALS, f"e{n}"),)),),
                ),
            ),
        ):
            container.catalog.create_feature(
                caller,
                NewFeature(
                    id=f"bench-{run}-{kind}{n}",
                    display_name=f"Metered {kind}{n}",
                    feature_type=FeatureType.NUMBER,
                    meter_type=MeterType.INCREMENTAL,
                    meter=meter,
                ),
            )
    started = time.perf_counter()
    for n in range(customers):
        container.customers.provision(caller, NewCustomer(id=f"bench-{run}-c{n}"))
    elapsed = time.perf_counter() - started
    print(f"set-up: {customers} customers, {features} + {features} features in {elapsed:.1f} s")
    return caller, run


def usage_batches(
    run: str, customers: int, features: int, count: int, duplicates: float
) -> list[list[UsageReport]]:
    batches: list[list[UsageReport]] = []
    for _ in range(count):
        batch = []
        previous = batches[-1] if batches else []
        for _ in range(BATCH):
            if previous and random.random() < duplicates:
                batch.append(random.choice(previous))  # a retry of a record already sent
                continue
            batch.append(
                UsageReport(
                    customer_id=f"bench-{run}-c{random.randrange(customers)}",
                    feature_id=f"bench-{run}-f{random.randrange(features)}",
                    value=Decimal(random.randint(1, 10)),
                    idempotency_key=str(uuid.uuid4()),  # as clients send them: random
                )
            )
        batches.append(batch)
    return batches


def event_batches(
    run: str, customers: int, features: int, count: int, duplicates: float
) -> list[list[EventReport]]:
    batches: list[list[EventReport]] = []
    for _ in range(count):
        batch = []
        previous = batches[-1] if batches else []
        for _ in range(BATCH):
            if previous and random.random() < duplicates:
                batch.append(random.choice(previous))
                continue
            batch.append(
                EventReport(
                    customer_id=f"bench-{run}-c{random.randrange(customers)}",
                    event_name=f"e{random.randrange(features)}",
                    idempotency_key=str(uuid.uuid4()),
                    dimensions={"units": random.randint(1, 10)},
                )
            )
        batches.append(batch)
    return batches


def measure(
    label: str, batches: Sequence[Sequence[object]], ingest: Callable[[int], object]
) -> None:
    warmup = min(3, len(batches) - 1)
    for n in range(warmup):
        ingest(n)
    seconds = []
    for n in range(warmup, len(batches)):
        started = time.perf_counter()
        ingest(n)
        seconds.append(time.perf_counter() - started)
    total = sum(seconds)
    records = BATCH * len(seconds)
    print(
        f"{label}: {records / total:,.0f} /s over {len(seconds)} batches of {BATCH} "
        f"(batch p50 {statistics.median(seconds) * 1000:.1f} ms, "
        f"max {max(seconds) * 1000:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--features",
        type=int,
        default=20,
        help="features with reported usage (and as many counting raw events)",
    )
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--duplicates", type=float, default=0.05, help="share of retried keys")
    args = parser.parse_args()

    container = build_container(
        Settings(database_url=args.database_url, embedded_worker=False, _env_file=None)
    )
    try:
        caller, run = setup(container, args.customers, args.features)
        usage = usage_batches(run, args.customers, args.features, args.batches, args.duplicates)
        # Steady state: every customer has used every feature before (each series has rows),
        # and the service has met every customer, as in a long-running server.
        pairs = [(c, f) for c in range(args.customers) for f in range(args.features)]
        started = time.perf_counter()
        for n in range(0, len(pairs), BATCH):
            chunk = pairs[n : n + BATCH]
            container.usage.report_usage(
                caller,
                [
                    UsageReport(f"bench-{run}-c{c}", f"bench-{run}-f{f}", Decimal(0))
                    for c, f in chunk
                ],
            )
            container.usage.report_events(
                caller,
                [
                    EventReport(
                        f"bench-{run}-c{c}", f"e{f}", f"warm-{run}-{c}-{f}", dimensions={"units": 0}
                    )
                    for c, f in chunk
                ],
            )
        print(f"warm-up: {2 * len(pairs)} series in {time.perf_counter() - started:.1f} s")
        events = event_batches(run, args.customers, args.features, args.batches, args.duplicates)
        # The prepared batches are the benchmark's, not the server's: keep the garbage
        # collector from scanning them again and again while it measures.
        del pairs
        gc.collect()
        gc.freeze()
        measure("usage records", usage, lambda n: container.usage.report_usage(caller, usage[n]))
        measure("raw events", events, lambda n: container.usage.report_events(caller, events[n]))
    finally:
        container.close()


if __name__ == "__main__":
    main()
