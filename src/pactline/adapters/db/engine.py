"""Engines for the embedded SQLite database and for PostgreSQL, configured the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL_SIZE = 40  # anyio's default thread pool, where the API's sync handlers run
# Execution option of a unit of work that only reads (unit_of_work.SqlUnitOfWorkFactory).
READ_ONLY = "pactline_read_only"


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def build_engine(url: str, **engine_options: Any) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        options = dict(engine_options)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # As many pooled connections as requests served at once (the server's thread
            # pool): a connection beyond the pool is opened and closed per use, with an empty
            # page cache. (An in-memory database has one connection per thread instead.)
            options = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_SIZE, **options}
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, **engine_options)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions start (see _begin_sqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Usage ingestion writes several index pages per record: a 64 MiB page cache (instead of
    # 2 MiB) keeps the hot index pages in memory, and checkpointing the WAL every 20,000 pages
    # (instead of 1,000) pays the checkpoint's fsync far less often. Measured in
    # benchmarks/usage_ingest.py (docs/performance.md).
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA wal_autocheckpoint=20000")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # one failing later with "database is locked" when it upgrades a read lock. A unit of work
    # that only reads (entitlement checks) begins DEFERRED: in WAL mode it reads a snapshot
    # beside the writer instead of queueing behind it.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
