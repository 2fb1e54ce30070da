"""Benchmark: entitlement checks in-process through the service layer, and over HTTP.

Seeds customers × features through the services into a fresh SQLite file (or the PostgreSQL
database given with --database-url): one product, one published plan with an entitlement for
each feature (booleans, metered features with monthly limits, enums), one subscription per
customer and some usage of each metered feature. Then measures:

(a) checks/s through `EntitlementService.check` with a warm cache, for random (customer,
    feature) pairs;
(b) `pactline serve` in a separate process on 127.0.0.1, driven at concurrency 16 by `wrk`
    for a fixed number of requests: `/health` (the server's ceiling) and the check endpoint
    for random pairs with a client key; requests/s, p50 and p99 of each, and their ratio.

Targets (issue 3, on a 2-core machine): ≥ 100,000 checks/s in-process; over HTTP ≥ 60 % of the
/health rate with p99 ≤ 10 ms.

The cache is warmed with one check of every pair (a request each, over HTTP), and the time
that takes is printed too (the cold path). Entries live the product default
(PACTLINE_ENTITLEMENT_CACHE_SECONDS, 300 s; other processes' changes reach the cache through the
change feed, docs/adr/0007-entitlement-cache.md) unless `--cache-seconds` says otherwise.

    .venv/bin/python benchmarks/entitlement_checks.py
    .venv/bin/python benchmarks/entitlement_checks.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench

`wrk` drives the HTTP load (Debian/Ubuntu: `apt-get install -y wrk`); without it, a slower
Python load generator is used and the figures say so.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from http.client import HTTPConnection
from pathlib import Path

import httpx

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.catalog import EnumValue, FeatureType, MeterType
from pactline.domain.entitlements import ResetPeriod
from pactline.domain.package_entitlements import EntitlementSpec
from pactline.domain.plans import MigrationType
from pactline.domain.subscriptions import PaymentCollectionMethod
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.catalog import NewFeature
from pactline.services.customers import NewCustomer
from pactline.services.plans import NewPlan
from pactline.services.subscriptions import NewSubscription
from pactline.services.usage import UsageReport

CONCURRENCY = 16
WRK = shutil.which("wrk") or ""
BATCH = 1000
REGIONS = ("eu", "us", "ap", "sa")


# --- seeding --------------------------------------------------------------------------------


def feature_kind(n: int) -> str:
    """Of every 5 features: 2 booleans, 2 metered, 1 enum (20 features: 8, 8, 4)."""
    return ("boolean", "metered", "boolean", "metered", "enum")[n % 5]


def seed(
    container: Container, customers: int, features: int
) -> tuple[Principal, list[str], list[str]]:
    container.upgrade_database()
    container.tenancy.ensure_default_account()
    caller = container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER, "check benchmark").secret
    )
    run = secrets.token_hex(3)  # fresh ids per run: the database may be reused
    feature_ids = [f"bench-{run}-{feature_kind(n)}-{n}" for n in range(features)]
    specs = []
    for n, feature_id in enumerate(feature_ids):
        kind = feature_kind(n)
        if kind == "boolean":
            new = NewFeature(feature_id, f"Flag {n}", FeatureType.BOOLEAN)
            specs.append(EntitlementSpec(feature_id))
        elif kind == "metered":
            new = NewFeature(
                feature_id, f"Metered {n}", FeatureType.NUMBER, meter_type=MeterType.INCREMENTAL
            )
            specs.append(
                EntitlementSpec(
                    feature_id, usage_limit=Decimal(1000), reset_period=ResetPeriod.MONTH
                )
            )
        else:
            values = [EnumValue(r, r.upper()) for r in REGIONS]
            new = NewFeature(feature_id, f"Enum {n}", FeatureType.ENUM, enum_values=values)
            specs.append(EntitlementSpec(feature_id, enum_values=REGIONS[:2]))
        container.catalog.create_feature(caller, new)
    product_id = plan_id = f"bench-{run}"
    container.catalog.create_product(caller, product_id, "Benchmark")
    container.plans.create(caller, NewPlan(plan_id, "Benchmark plan", product_id))
    container.plans.add_entitlements(caller, plan_id, specs)
    container.plans.publish(caller, plan_id, MigrationType.NEW_CUSTOMERS)

    customer_ids = [f"bench-{run}-c{n}" for n in range(customers)]
    started = time.perf_counter()
    for n, customer_id in enumerate(customer_ids, 1):
        container.customers.provision(caller, NewCustomer(customer_id))
        container.subscriptions.provision(
            caller,
            NewSubscription(
                customer_id,
                plan_id,
                id=f"{customer_id}-sub",
                payment_collection_method=PaymentCollectionMethod.INVOICE,
            ),
        )
        if n % 1000 == 0:
            print(f"  seeded {n} customers ({time.perf_counter() - started:.0f} s)", flush=True)
    metered = [f for n, f in enumerate(feature_ids) if feature_kind(n) == "metered"]
    pairs = [(c, f) for c in customer_ids for f in metered if random.random() < 0.5]
    for start in range(0, len(pairs), BATCH):
        container.usage.report_usage(
            caller,
            [
                UsageReport(c, f, Decimal(random.randint(1, 1200)))
                for c, f in pairs[start : start + BATCH]
            ],
        )
    print(
        f"seeded {customers} customers × {features} features, {len(pairs)} usage series "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return caller, customer_ids, feature_ids


def requested_for(feature_id: str) -> dict[str, str]:
    if "-metered-" in feature_id:
        return {"requestedUsage": "1"}
    if "-enum-" in feature_id:
        return {"requestedValues": "eu"}
    return {}


# --- (a) in-process -------------------------------------------------------------------------


def in_process(
    container: Container,
    caller: Principal,
    customer_ids: list[str],
    feature_ids: list[str],
    checks: int,
) -> float:
    service = container.entitlements
    started = time.perf_counter()
    for customer_id in customer_ids:  # warm the cache: every pair once
        for feature_id in feature_ids:
            service.check(caller, customer_id, feature_id)
    warm = len(customer_ids) * len(feature_ids)
    print(f"in-process warm-up: {warm} checks in {time.perf_counter() - started:.1f} s")
    one = Decimal(1)
    work = []
    for _ in range(checks):
        feature_id = random.choice(feature_ids)
        usage = one if "-metered-" in feature_id else None
        values = ("eu",) if "-enum-" in feature_id else ()
        work.append((random.choice(customer_ids), feature_id, usage, values))
    check = service.check
    granted = 0
    started = time.perf_counter()
    for customer_id, feature_id, usage, values in work:
        granted += check(caller, customer_id, feature_id, usage, values).is_granted
    elapsed = time.perf_counter() - started
    rate = checks / elapsed
    print(
        f"(a) in-process: {rate:,.0f} checks/s "
        f"({checks:,} random checks in {elapsed:.2f} s, {granted:,} granted)"
    )
    return rate


# --- (b) HTTP -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(database_url: str, port: int, settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PACTLINE_DATABASE_URL": database_url,
        "PACTLINE_EMBEDDED_WORKER": "false",
        "PACTLINE_LOG_LEVEL": "WARNING",
        "PACTLINE_ENTITLEMENT_CACHE_SECONDS": str(settings.entitlement_cache_seconds),
        "PACTLINE_ENTITLEMENT_CACHE_MAX_CUSTOMERS": str(settings.entitlement_cache_max_customers),
        "PACTLINE_ENTITLEMENT_CACHE_MAX_USAGE": str(settings.entitlement_cache_max_usage),
    }
    pactline = Path(sys.executable).with_name("pactline")
    command = [str(pactline), "serve", "--host", "127.0.0.1", "--port", str(port)]
    # Our own CLI, with fixed arguments.
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            if server.poll() is not None:
                raise RuntimeError("pactline serve exited") from None
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("pactline serve did not start within 30 s")


def check_paths(customer_ids: list[str], feature_ids: list[str], count: int) -> list[str]:
    paths = []
    for _ in range(count):
        feature_id = random.choice(feature_ids)
        query = "&".join(f"{k}={v}" for k, v in requested_for(feature_id).items())
        path = f"/api/v1/customers/{random.choice(customer_ids)}/entitlements/check"
        paths.append(f"{path}?featureId={feature_id}" + (f"&{query}" if query else ""))
    return paths


WRK_SCRIPT = """
local paths = {}
local limit = %(limit)d
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
  sent = 0
  first = ((id - 1) %% #paths) + 1
  index = first
  wrk.headers["X-API-KEY"] = "%(key)s"
end

function request()
  local path = paths[index]
  index = index + %(threads)d
  if index > #paths then index = first end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  sent = sent + 1
  if sent == limit then
    local marker = io.open("%(folder)s/done-" .. id, "w")
    marker:close()
    wrk.thread:stop()
  end
end
"""
_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_COUNT = re.compile(r"(\d+) requests in")
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, paths: list[str], key: str, requests: int) -> tuple[float, float, float]:
    """requests/s, p50 ms, p99 ms for `requests` requests at concurrency 16 (2 threads).

    wrk runs for a duration; here each thread stops after its share of the requests and
    leaves a marker file, and wrk is then interrupted (SIGINT), which makes it report at once.
    """
    threads = 2
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "paths.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "limit": max(1, requests // threads),  # responses per wrk thread
                "paths": listing,
                "key": key,
                "threads": threads,
                "folder": folder,
            }
        )
        started = time.perf_counter()
        command = [WRK, "-t", str(threads), "-c", str(CONCURRENCY), "-d", "900s", "--latency"]
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [*command, "-s", str(script), url], stdout=subprocess.PIPE, text=True
        )
        deadline = started + 900
        while len(list(Path(folder).glob("done-*"))) < threads:
            if process.poll() is not None or time.perf_counter() > deadline:
                break
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=60)
    if "Non-2xx" in out:
        raise RuntimeError(f"some requests failed:\n{out}")
    latencies = {m[0]: float(m[1]) * _UNIT[m[2]] for m in _LATENCY.findall(out)}
    count = _COUNT.search(out)
    if count is None or set(latencies) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return int(count[1]) / elapsed, latencies["50"], latencies["99"]


def python_load(url: str, paths: list[str], key: str, requests: int) -> tuple[float, float, float]:
    """A fallback load generator: 16 threads with keep-alive connections (the client shares
    the machine and the GIL, so the figures are a lower bound)."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, requests // CONCURRENCY)

    def drive(offset: int) -> None:
        connection = HTTPConnection(host, int(port), timeout=10)
        mine = []
        for n in range(per_thread):
            path = paths[(offset + n * CONCURRENCY) % len(paths)]
            started = time.perf_counter()
            connection.request("GET", path, headers={"X-API-KEY": key})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=drive, args=(n,)) for n in range(CONCURRENCY)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(ordered) / elapsed, statistics.median(ordered) * 1000, p99 * 1000


def over_http(
    container: Container,
    database_url: str,
    customer_ids: list[str],
    feature_ids: list[str],
    requests: int,
) -> None:
    key = container.tenancy.create_key("sandbox", KeyKind.CLIENT, "check benchmark").secret
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    load = wrk if WRK else python_load
    if load is python_load:
        print("wrk is not installed (apt-get install -y wrk): using the slower Python client")
    server = start_server(database_url, port, container.settings)
    try:
        every_pair = [
            f"/api/v1/customers/{c}/entitlements/check?featureId={f}"
            for c in customer_ids
            for f in feature_ids
        ]
        started = time.perf_counter()
        load(url, every_pair, key, len(every_pair))
        print(f"HTTP warm-up: {len(every_pair):,} checks in {time.perf_counter() - started:.1f} s")
        sample = check_paths(customer_ids, feature_ids, 2)
        for path in sample:
            answer = httpx.get(url + path, headers={"X-API-KEY": key}, timeout=5)
            assert isinstance(answer.json()["data"]["isGranted"], bool), answer.text
        health = load(url, ["/health"], key, requests)
        checks = load(url, check_paths(customer_ids, feature_ids, requests), key, requests)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    for label, (rate, p50, p99) in (("/health", health), ("check", checks)):
        print(f"(b) HTTP {label:8} {rate:9,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    client = "wrk" if load is wrk else "Python client"
    print(
        f"(b) checks / health: {checks[0] / health[0]:.0%} "
        f"({requests:,} requests each at concurrency {CONCURRENCY}, {client})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--checks", type=int, default=1_000_000, help="in-process checks")
    parser.add_argument("--requests", type=int, default=100_000, help="HTTP requests per run")
    parser.add_argument("--cache-seconds", type=float, default=Settings().entitlement_cache_seconds)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite:///{folder}/bench-checks.db"
        settings = Settings(
            database_url=database_url,
            embedded_worker=False,
            entitlement_cache_seconds=args.cache_seconds,
            entitlement_cache_max_customers=max(20_000, args.customers),
            entitlement_cache_max_usage=max(200_000, args.customers * args.features),
            _env_file=None,
        )
        container = build_container(settings)
        try:
            caller, customer_ids, feature_ids = seed(container, args.customers, args.features)
            print(f"cache TTL {args.cache_seconds:g} s")
            in_process(container, caller, customer_ids, feature_ids, args.checks)
            if not args.skip_http:
                over_http(
                    container,
                    database_url,
                    customer_ids,
                    feature_ids,
                    args.requests,
                )
        finally:
            container.close()


if __name__ == "__main__":
    main()
