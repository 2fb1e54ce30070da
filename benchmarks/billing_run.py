"""Benchmark: the month-end billing run over N active contracts.

Seeds, untimed, a fresh environment (so a database may be reused): a legal entity with a bank
account, N customers, the INCREMENTAL metered feature `api-calls`, and one contract per customer
created and activated through `ContractService` (activation drafts January's invoice). Each
contract runs 2026-01-01 to 2026-12-31 in UTC with three lines:

- `platform`: a FLAT_FEE of 1,000.00 a month, in advance;
- `seats`: PER_UNIT 45.00 a month, in advance, 10 seats, then 15 from 2026-01-16 (settled on
  February's invoice by an adjustment);
- `api`: USAGE on `api-calls`, graduated tiers (0.002 up to 100,000, 0.0015 up to 1,000,000, then
  0.001), in arrears, with an AMOUNT commitment of 150.00 per month (one customer in four uses
  about half as much and gets a true-up).

Then `--events-per-contract` usage records per contract (default 100: 1,000,000 for 10,000
contracts) are reported through `UsageService.report_usage` in 1,000-record batches, in time
order across customers, with occurred_at inside January.

Timed: `BillingRunService.run_due` at `--as-of` (default 2026-02-01T03:00Z), which drafts
February's invoice of every contract (January's usage in arrears, February's advance charges,
the seat adjustment), then the same run again (it must draft nothing). Both runs happen in a
child process started after seeding, so its peak resident set (VmHWM) is the runs' alone, plus
the interpreter, the imports and the container, printed as the child's peak before the runs.
Targets (issue 5, 10,000 contracts): drafts in ≤ 60 s, peak memory ≤ 1 GiB, a second run drafts
nothing, cost linear in contracts.

    .venv/bin/python benchmarks/billing_run.py --contracts 10000
    .venv/bin/python benchmarks/billing_run.py --contracts 10000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_billing
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import random
import resource
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from multiprocessing.queues import Queue
from pathlib import Path

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.catalog import FeatureType, MeterType
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    ContractTerms,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.currency import currency
from pactline.domain.ids import new_id
from pactline.domain.legal_entities import BankTransfer
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating.models import FlatFee, Graduated, PerUnit
from pactline.domain.rating.tiers import Tier
from pactline.domain.tenancy import Environment, KeyKind, Principal
from pactline.services.billing_runs import RunSummary
from pactline.services.catalog import NewFeature
from pactline.services.contracts import NewContract
from pactline.services.customers import NewCustomer
from pactline.services.legal_entities import NewLegalEntity
from pactline.services.usage import UsageReport

BATCH = 1000
START, END = date(2026, 1, 1), date(2026, 12, 31)
JANUARY = datetime(2026, 1, 1, tzinfo=UTC)
MONTH = timedelta(days=31)
MONTHLY = BillingCycle(CycleUnit.MONTH)
FEATURE = "api-calls"
LEGAL_ENTITY = "bench-entity"


class SettableClock:
    """The benchmark's injected clock: seeding happens in December and January 2026."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant


# --- seeding --------------------------------------------------------------------------------


def contract_terms(contract_id: str, customer_id: str) -> ContractTerms:
    platform_fee = LineItem(
        id="platform",
        name="Platform fee",
        charge_type=ChargeType.FIXED,
        price_versions=(PriceVersion(START, FlatFee(Decimal("1000.00"))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
    )
    seats = LineItem(
        id="seats",
        name="Seats",
        charge_type=ChargeType.FIXED,
        price_versions=(PriceVersion(START, PerUnit(Decimal("45.00"))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
        quantities=(
            QuantityChange(START, Decimal(10)),
            QuantityChange(date(2026, 1, 16), Decimal(15)),
        ),
    )
    tiers = (
        Tier(Decimal(0), Decimal(100_000), Decimal("0.002")),
        Tier(Decimal(100_000), Decimal(1_000_000), Decimal("0.0015")),
        Tier(Decimal(1_000_000), None, Decimal("0.001")),
    )
    api = LineItem(
        id="api",
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=(PriceVersion(START, Graduated(tiers)),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id=FEATURE,
        commitment=Commitment(CommitmentKind.AMOUNT, per_period=Decimal(150)),
    )
    return ContractTerms(
        id=contract_id,
        name=f"Benchmark contract {contract_id}",
        customer_id=customer_id,
        currency=currency("USD", START),
        timezone="UTC",
        start_on=START,
        end_on=END,
        line_items=(platform_fee, seats, api),
    )


@dataclass(frozen=True)
class Seeded:
    environment_id: str
    seconds: dict[str, float]  # by step: customers, contracts, usage


def fresh_environment(container: Container, run: str) -> Principal:
    """A new environment for this run, so `run_due` bills only this run's contracts."""
    account = container.tenancy.ensure_default_account()
    slug = f"bench-{run}"
    with container.uow() as uow:
        now = container.clock.now()
        environment = Environment(new_id("env", now), account.id, slug, slug, now)
        uow.environments.add(environment)
        uow.commit()
    key = container.tenancy.create_key(slug, KeyKind.SERVER, "billing run benchmark")
    return container.tenancy.authenticate(key.secret)


def usage_batches(
    customer_ids: list[str], per_contract: int, rng: random.Random
) -> Iterator[list[UsageReport]]:
    """Every customer's `per_contract` records spread over January, in time order across all
    customers (as a month of traffic arrives), `BATCH` records at a time."""
    step = MONTH / per_contract
    batch: list[UsageReport] = []
    for n in range(per_contract):
        for index, customer_id in enumerate(customer_ids):
            at = JANUARY + step * n + step * rng.random()
            light = index % 4 == 0  # about 50,000 calls a month: below the 150.00 commitment
            value = rng.randint(1, 1000 if light else 2000)
            batch.append(UsageReport(customer_id, FEATURE, Decimal(value), occurred_at=at))
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def seed(container: Container, clock: SettableClock, contracts: int, per_contract: int) -> Seeded:
    container.upgrade_database()
    run = secrets.token_hex(3)
    rng = random.Random(5)  # the same usage every run
    clock.set(datetime(2025, 12, 15, 9, tzinfo=UTC))
    caller = fresh_environment(container, run)
    container.legal_entities.create(
        caller,
        NewLegalEntity(
            id=LEGAL_ENTITY,
            name="Pact GmbH",
            country="DE",
            address_lines=("Hauptstraße 1", "10115 Berlin"),
            bank_transfer=BankTransfer("Pact GmbH", iban="DE89370400440532013000"),
        ),
    )
    container.catalog.create_feature(
        caller,
        NewFeature(
            id=FEATURE,
            display_name="API calls",
            feature_type=FeatureType.NUMBER,
            meter_type=MeterType.INCREMENTAL,
        ),
    )
    seconds: dict[str, float] = {}
    customer_ids = [f"cus-{n:06d}" for n in range(contracts)]
    started = time.perf_counter()
    for customer_id in customer_ids:
        container.customers.provision(caller, NewCustomer(customer_id, name=customer_id))
    seconds["customers"] = time.perf_counter() - started
    print(f"  {contracts} customers in {seconds['customers']:.1f} s", flush=True)

    clock.set(datetime(2025, 12, 20, 9, tzinfo=UTC))
    started = time.perf_counter()
    for n, customer_id in enumerate(customer_ids, 1):
        contract_id = f"ctr-{customer_id}"
        container.contracts.create(
            caller,
            NewContract(
                customer_id,
                id=contract_id,
                legal_entity_id=LEGAL_ENTITY,
                terms=contract_terms(contract_id, customer_id),
            ),
        )
        container.contracts.activate(caller, contract_id)
        if n % 1000 == 0:
            print(f"  {n} contracts ({time.perf_counter() - started:.0f} s)", flush=True)
    seconds["contracts"] = time.perf_counter() - started
    print(
        f"  {contracts} contracts created and activated in {seconds['contracts']:.1f} s",
        flush=True,
    )

    # Reported as January closes (no record is later than its report): all in before the run.
    clock.set(JANUARY + MONTH)
    started = time.perf_counter()
    events = 0
    for batch in usage_batches(customer_ids, per_contract, rng):
        container.usage.report_usage(caller, batch)
        events += len(batch)
        if events % 200_000 == 0:
            print(f"  {events:,} usage records ({time.perf_counter() - started:.0f} s)", flush=True)
    seconds["usage"] = time.perf_counter() - started
    print(f"  {events:,} usage records in {seconds['usage']:.1f} s", flush=True)
    return Seeded(caller.environment_id, seconds)


# --- the timed run, in a child process ------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set. Linux's VmHWM belongs to the process image, so it
    starts afresh in the spawned child; ru_maxrss would carry over the parent's peak at the
    fork before the exec (the seeding's), so it is only the fallback."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


@dataclass(frozen=True)
class Measured:
    first: RunSummary
    first_seconds: float
    second: RunSummary
    second_seconds: float
    rss_before: float  # MiB: the child's interpreter, imports and container
    rss_first: float  # MiB: peak after the first run
    rss_both: float  # MiB: peak after both
    profile: str  # the first run's top functions by cumulative time, or ""


def timed_runs(
    database_url: str,
    environment_id: str,
    as_of: datetime,
    profile: str | None,
    results: Queue[Measured],
) -> None:
    container = build_container(
        Settings(database_url=database_url, embedded_worker=False, _env_file=None),
        SettableClock(as_of),
    )
    try:
        rss_before = peak_rss_mib()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        first = container.billing_runs.run_due(environment_id, as_of)
        if profiler is not None:
            profiler.disable()
        first_seconds = time.perf_counter() - started
        rss_first = peak_rss_mib()
        started = time.perf_counter()
        second = container.billing_runs.run_due(environment_id, as_of)
        second_seconds = time.perf_counter() - started
        report = ""
        if profiler is not None and profile is not None:
            profiler.dump_stats(profile)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(15)
            report = text.getvalue()
        results.put(
            Measured(
                first,
                first_seconds,
                second,
                second_seconds,
                rss_before,
                rss_first,
                peak_rss_mib(),
                report,
            )
        )
    finally:
        container.close()


def database_version(container: Container) -> str:
    with container.engine.connect():  # the dialect learns the server's version on connecting
        version = container.engine.dialect.server_version_info or ()
    return f"{container.engine.dialect.name} {'.'.join(str(part) for part in version)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="default: a fresh SQLite file var/bench-billing-<N>.db"
    )
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--events-per-contract", type=int, default=100)
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=datetime(2026, 2, 1, 3, tzinfo=UTC),
        help="the run's instant, ISO 8601 with an offset (default 2026-02-01T03:00:00+00:00)",
    )
    parser.add_argument("--profile", help="write the first run's cProfile stats to this file")
    args = parser.parse_args()
    if args.as_of.tzinfo is None:
        parser.error("--as-of needs a UTC offset")

    database_url = args.database_url
    if database_url is None:
        path = Path("var") / f"bench-billing-{args.contracts}.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    clock = SettableClock(datetime(2025, 12, 15, tzinfo=UTC))
    # Usage arrives round-robin over every customer: an entitlement cache smaller than the
    # customer count would miss on every record (seeding only; the timed runs do not use it).
    settings = Settings(
        database_url=database_url,
        embedded_worker=False,
        entitlement_cache_max_customers=max(20_000, args.contracts),
        _env_file=None,
    )
    container = build_container(settings, clock)
    try:
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        print(
            f"machine: {os.cpu_count()} CPUs ({cpu_model()}), load average {load}, "
            f"Python {platform.python_version()}, {database_version(container)}"
        )
        print(
            f"seeding {args.contracts:,} contracts, "
            f"{args.contracts * args.events_per_contract:,} usage records (not timed)",
            flush=True,
        )
        seeded = seed(container, clock, args.contracts, args.events_per_contract)
        print(f"seeded in {sum(seeded.seconds.values()):.0f} s", flush=True)
    finally:
        container.close()

    # A fresh interpreter: its peak RSS is the run's, not the seeding's.
    context = multiprocessing.get_context("spawn")
    results: Queue[Measured] = context.Queue()
    child = context.Process(
        target=timed_runs,
        args=(database_url, seeded.environment_id, args.as_of, args.profile, results),
    )
    child.start()
    measured = results.get()
    child.join()
    first, second = measured.first, measured.second
    print(f"run at {args.as_of.isoformat()}:")
    print(
        f"  first run: {first.contracts:,} contracts, {first.drafted:,} drafts created "
        f"({first.unchanged:,} unchanged, {first.refreshed:,} refreshed, "
        f"{len(first.failed)} failed) in {measured.first_seconds:.1f} s, "
        f"{first.contracts / measured.first_seconds:,.0f} contracts/s"
    )
    print(
        f"  second run: {second.drafted:,} drafts created ({second.unchanged:,} unchanged, "
        f"{second.refreshed:,} refreshed, {len(second.failed)} failed) "
        f"in {measured.second_seconds:.1f} s"
    )
    print(
        f"  child process peak RSS: {measured.rss_first:,.0f} MiB after the first run, "
        f"{measured.rss_both:,.0f} MiB after both "
        f"(before the runs: {measured.rss_before:,.0f} MiB: interpreter, imports, container)"
    )
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"  load average after the runs: {load}")
    if first.failed:
        print(f"  failures, first 3: {list(first.failed.items())[:3]}")
    if measured.profile:
        print(measured.profile)


if __name__ == "__main__":
    main()
