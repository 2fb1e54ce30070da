"""Benchmark: the storage floor of usage ingestion, i.e. the cost of storing the rows alone.

Stores 1,000-row batches of usage records with pactline's own bulk insert (COPY on PostgreSQL,
executemany on SQLite) and commits each batch, with nothing else: no dedup read, no read of the
series' last rows, no validation or running states. Each variant is a copy of the real
`usage_records` table (its columns and types) that keeps some of its indexes:

- `all`: the primary key, the unique record id, the series index and the idempotency-key index
  (the table as pactline has it);
- `no-key-index`: without the idempotency-key index (no dedup possible);
- `no-series-index`: neither the idempotency-key nor the series index (no usage reads possible).

Each copy is filled first with one row per series (customers × features, as the ingestion
benchmark's warm-up does), then timed. A variant's batch time is what any ingestion that stores
those indexes pays on this machine before doing anything else; `usage_ingest.py` measures the
whole path. The tables are created and dropped by the script: use a throw-away database.

    .venv/bin/python benchmarks/usage_store_floor.py --database-url sqlite:///var/bench-floor.db
    .venv/bin/python benchmarks/usage_store_floor.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Index, MetaData, Table
from sqlalchemy.orm import Session

from pactline.adapters.db.bulk import insert_rows
from pactline.adapters.db.engine import build_engine
from pactline.adapters.db.repositories.usage_rows import RECORD_COLUMNS, record_row
from pactline.adapters.db.schema import UsageRecordRow
from pactline.domain.ids import new_ids
from pactline.domain.metering import Running, UpdateBehavior, UsageRecord

BATCH = 1000
_RECORDS: Table = UsageRecordRow.__table__  # type: ignore[assignment]
_SERIES = ("customer_id", "feature_id", "environment_id", "occurred_at", "seq")
_KEY = ("idempotency_key", "environment_id", "customer_id", "feature_id")
VARIANTS: dict[str, tuple[tuple[str, tuple[str, ...], bool], ...]] = {
    "all": (("series", _SERIES, False), ("key", _KEY, True)),
    "no-key-index": (("series", _SERIES, False),),
    "no-series-index": (),
}


def variant_table(name: str) -> Table:
    """A copy of usage_records with the variant's indexes (the record id stays unique)."""
    table = Table(
        f"floor_{name.replace('-', '_')}",
        MetaData(),
        *(Column(c.name, c.type, primary_key=c.primary_key, unique=c.unique) for c in _RECORDS.c),
    )
    for label, columns, unique in VARIANTS[name]:
        Index(f"ix_{table.name}_{label}", *(table.c[c] for c in columns), unique=unique)
    return table


def batch_rows(series: list[tuple[int, int]], at: datetime) -> list[tuple[Any, ...]]:
    """Rows shaped as the usage service writes them, one per (customer, feature) given."""
    running = Running(Decimal(17))
    return [
        record_row(
            UsageRecord(
                id=record_id,
                environment_id="env_floorbenchmark0000000000000",
                customer_id=f"floor-c{c}",
                feature_id=f"floor-f{f}",
                value=Decimal(random.randint(1, 10)),
                behavior=UpdateBehavior.DELTA,
                occurred_at=at,
                recorded_at=at,
                idempotency_key=str(uuid.uuid4()),
                resource_id=None,
                dimensions={},
            ),
            running,
        )
        for (c, f), record_id in zip(series, new_ids("usg", at, len(series)), strict=True)
    ]


def measure(
    session: Session, table: Table, customers: int, features: int, batches: int
) -> list[float]:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    pairs = [(c, f) for c in range(customers) for f in range(features)]
    for n in range(0, len(pairs), BATCH):  # one row per series, as after a warm-up
        insert_rows(session, table, RECORD_COLUMNS, batch_rows(pairs[n : n + BATCH], at))
        session.commit()
    seconds = []
    for _ in range(batches):
        at += timedelta(seconds=1)
        picked = [(random.randrange(customers), random.randrange(features)) for _ in range(BATCH)]
        rows = batch_rows(picked, at)
        started = time.perf_counter()
        insert_rows(session, table, RECORD_COLUMNS, rows)
        session.commit()
        seconds.append(time.perf_counter() - started)
    return seconds[min(3, batches - 1) :]  # the first batches warm the caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--variant", choices=sorted(VARIANTS), action="append")
    args = parser.parse_args()

    engine = build_engine(args.database_url)
    try:
        for name in args.variant or list(VARIANTS):
            table = variant_table(name)
            table.drop(engine, checkfirst=True)
            table.create(engine)
            try:
                with Session(engine) as session:
                    seconds = measure(session, table, args.customers, args.features, args.batches)
            finally:
                table.drop(engine)
            rows = BATCH * len(seconds)
            print(
                f"{name}: {rows / sum(seconds):,.0f} rows/s over {len(seconds)} batches of "
                f"{BATCH} (batch mean {statistics.mean(seconds) * 1000:.1f} ms, "
                f"p50 {statistics.median(seconds) * 1000:.1f} ms, "
                f"max {max(seconds) * 1000:.1f} ms)"
            )
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
